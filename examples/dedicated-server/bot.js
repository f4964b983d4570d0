// A bot that joins a Godot 4 dedicated server as a stock Godot client does: ENetMultiplayerPeer
// for the transport and SceneMultiplayer's framing (Godot's default MultiplayerAPI) by hand. It
// authenticates with --token (Godot: send_auth + complete_auth), waits until --peers other players
// are in, says hello to everyone through the server's relay (Godot: multiplayer.send_bytes(data)),
// waits to hear each of them, then leaves and exits 0. Refused, disconnected, or not done within
// --timeout ms: exit 1.
//   node examples/dedicated-server/bot.js --token secret [--name alice] [--peers 1] [--host 127.0.0.1] [--port 7777]
// The token may come from GAME_TOKEN instead. Without one it joins servers that do not
// authenticate (`npx godot-enet serve`).
'use strict';
const { parseArgs } = require('node:util');
const { ConnectionStatus, ENetMultiplayerPeer, TransferMode } = require('godot-enet');

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7777' },
    token: { type: 'string', default: process.env.GAME_TOKEN },
    name: { type: 'string', default: `bot-${process.pid}` },
    peers: { type: 'string', default: '1' }, // other players to wait for and hear from
    timeout: { type: 'string', default: '10000' },
  },
});
const othersExpected = Number(values.peers);

// SceneMultiplayer's framing: one command byte, then its data.
const RAW = 3; //                  03 <bytes>: send_bytes()
const SYS = 7; //                  07 <sys command> …
const SYS_AUTH = 0; //             07 00 <auth data>; 07 00 alone: "I completed auth" (complete_auth)
const SYS_ADD_PEER = 1; //         07 01 <id: int32 LE>: a player joined
const SYS_DEL_PEER = 2; //         07 02 <id>: a player left
const SYS_RELAY = 3; //            07 03 <id> <inner packet>: to id through the server, or from id
const sys = (command, rest = Buffer.alloc(0)) => Buffer.concat([Buffer.from([SYS, command]), rest]);
const int32 = (value) => { const buffer = Buffer.alloc(4); buffer.writeInt32LE(value); return buffer; };
const raw = (text) => Buffer.concat([Buffer.from([RAW]), Buffer.from(text)]);

const multiplayer = new ENetMultiplayerPeer();
const SERVER = ENetMultiplayerPeer.TARGET_PEER_SERVER;
const toServer = (packet) => multiplayer.sendTo(SERVER, packet, TransferMode.TRANSFER_MODE_RELIABLE, 0);
const players = new Set(); // the other players' IDs
const heard = new Set();
let joined = false;
let said = false;
let leaving = false;
let finished = false;

multiplayer.on('peerConnected', () => { // the server (ID 1) accepted the ENet connection
  console.log(`${values.name}: connected as peer ${multiplayer.getUniqueId()}`);
  if (!values.token) return join();
  toServer(sys(SYS_AUTH, Buffer.from(values.token))); // multiplayer.send_auth(1, token)
  toServer(sys(SYS_AUTH)); // multiplayer.complete_auth(1): we join once the server completes too
});

multiplayer.on('packet', (from, packet) => {
  if (packet[0] === RAW) return console.log(`${values.name}: server says: ${packet.subarray(1).toString('utf8')}`);
  if (packet[0] !== SYS) return; // RPCs, spawns, syncs: a real game would handle them here
  const command = packet[1];
  if (command === SYS_AUTH && packet.length === 2 && !joined) return join(); // the server accepted the token
  if (!joined || packet.length < 6) return;
  const id = packet.readInt32LE(2);
  if (command === SYS_ADD_PEER) {
    players.add(id);
    console.log(`${values.name}: peer ${id} joined, players: ${players.size + 1}`);
  } else if (command === SYS_DEL_PEER) {
    players.delete(id);
    console.log(`${values.name}: peer ${id} left, players: ${players.size + 1}`);
  } else if (command === SYS_RELAY && packet[6] === RAW) {
    heard.add(id);
    console.log(`${values.name}: peer ${id} says: ${packet.subarray(7).toString('utf8')}`);
  }
  progress();
});

multiplayer.on('connectionStatusChanged', (status) => {
  if (status !== ConnectionStatus.CONNECTION_DISCONNECTED) return;
  if (leaving) return finish(0);
  finish(1, joined ? 'the server closed the connection' : 'the server refused us (wrong or missing token?)');
});

function join() {
  joined = true;
  console.log(`${values.name}: joined`);
  progress();
}

function progress() {
  if (!said && players.size >= othersExpected) {
    said = true;
    // multiplayer.send_bytes(data): to everyone (0), relayed by the server, which sees it too.
    toServer(sys(SYS_RELAY, Buffer.concat([int32(0), raw(`hello from ${values.name}`)])));
  }
  if (said && heard.size >= othersExpected && !leaving) {
    leaving = true;
    // Leave once everything we sent is acknowledged: a DISCONNECT arriving with our hello would
    // make ENet drop the hello (disconnectPeer() sends it at once, as Godot's disconnect_peer()).
    multiplayer.getPeer(SERVER).peerDisconnectLater(0);
  }
}

const deadline = setTimeout(() => finish(1, `not done within ${values.timeout} ms `
  + `(${joined ? `joined, heard ${heard.size} of ${othersExpected}` : 'never joined'})`), Number(values.timeout));

function finish(code, problem) {
  if (finished) return;
  finished = true;
  clearTimeout(deadline);
  multiplayer.close();
  if (problem) console.error(`${values.name}: ${problem}`);
  else console.log(`${values.name}: left`);
  process.exitCode = code;
}

try {
  multiplayer.createClient(values.host, Number(values.port)); // Godot: create_client(host, port)
} catch (error) {
  console.error(`${values.name}: cannot connect to ${values.host}:${values.port}: ${error.message}`);
  process.exit(2);
}
multiplayer.start(); // event-driven; a Godot game would call multiplayer.poll() every frame instead
