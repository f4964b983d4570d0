// One mesh peer: joins the signaling server's room, links with every other peer over ENet,
// says hello to each, and reports once it has heard every other peer. Stops on SIGTERM.
//   node examples/mesh/peer.js ws://127.0.0.1:9080/my-room 4
'use strict';
const { ENetMultiplayerPeer, SignalingClient } = require('godot-enet');

const [url, peersArg] = process.argv.slice(2);
const expected = Number(peersArg) - 1; // every peer but this one

const multiplayer = new ENetMultiplayerPeer();
const signaling = new SignalingClient(url, multiplayer, { bindIp: '127.0.0.1' });
const heard = new Map(); // peer ID → its message
let reported = false;

multiplayer.on('peerConnected', (id) => {
  multiplayer.setTargetPeer(id);
  multiplayer.putPacket(Buffer.from(`hello ${id} from ${multiplayer.getUniqueId()}`));
});
multiplayer.on('packet', (from, packet) => {
  heard.set(from, packet.toString());
  if (!reported && heard.size === expected) {
    reported = true;
    console.log(JSON.stringify({ id: multiplayer.getUniqueId(), heard: Object.fromEntries(heard) }));
  }
});
signaling.on('error', (error) => console.error(`signaling: ${error.message}`));

process.on('SIGTERM', () => {
  signaling.close();
  multiplayer.close();
});

signaling.join().then(() => multiplayer.start(), (error) => {
  console.error(error.message);
  process.exit(1);
});
