// An ENet chat server, event-driven: ENetConnection.start() hands the host to Node's event loop
// and 'connect', 'receive' and 'disconnect' events arrive as they happen (nothing polls). Each
// message a client sends comes back to it as "echo: <text>" on the channel it came on, and goes
// to every other client as "<address:port> says: <text>" on channel 0, the chat channel.
// SIGINT (Ctrl+C) or SIGTERM disconnects every client gracefully, destroys the host and exits 0.
//   node examples/server/server.js [--host 127.0.0.1] [--port 7777] [--max-clients 32]
// Try it with examples/client/client.js. --port 0 picks a free port (printed at start).
'use strict';
const { parseArgs } = require('node:util');
const { ENetConnection, ENetPacketPeer } = require('godot-enet');

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' }, // '*' for every address, IPv4 and IPv6
    port: { type: 'string', default: '7777' },
    'max-clients': { type: 'string', default: '32' },
  },
});
const SHUTDOWN_GRACE_MS = 2000; // how long clients get to acknowledge the disconnect
const MAX_MESSAGE_BYTES = 4096;
const CHAT_CHANNEL = 0;

const host = new ENetConnection();
host.setLimits({ maxPacketSize: MAX_MESSAGE_BYTES }); // a larger packet is dropped, not delivered
try {
  host.createHostBound(values.host, Number(values.port), Number(values['max-clients']));
} catch (error) {
  console.error(`cannot listen on ${values.host}:${values.port}: ${error.message}`);
  process.exit(1);
}

// A peer's address reads '' once it is gone, so remember each client's name while connected.
const clients = new Map(); // ENetPacketPeer → 'address:port'

host.on('connect', (peer) => {
  const name = `${peer.getRemoteAddress()}:${peer.getRemotePort()}`;
  clients.set(peer, name);
  console.log(`connect ${name} (${clients.size} online)`);
});

host.on('receive', (peer, packet, channel, flags) => {
  const name = clients.get(peer);
  const text = packet.toString('utf8');
  console.log(`receive from ${name} on channel ${channel}: ${text}`);
  peer.send(channel, Buffer.from(`echo: ${text}`), flags); // back to the sender, as it was sent
  const chat = Buffer.from(`${name} says: ${text}`);
  for (const other of clients.keys()) if (other !== peer) other.send(CHAT_CHANNEL, chat, ENetPacketPeer.FLAG_RELIABLE);
});

host.on('disconnect', (peer, data) => {
  const name = clients.get(peer);
  clients.delete(peer);
  console.log(`disconnect ${name} (data ${data}, ${clients.size} online)`);
  if (shuttingDown && clients.size === 0) close();
});

host.on('error', (error) => { // the socket failed; the host has stopped
  console.error(`host error: ${error.message}`);
  host.destroy();
  process.exitCode = 1;
});

let shuttingDown = false;
let graceTimer;

function close() {
  clearTimeout(graceTimer);
  host.destroy(); // a destroyed host no longer keeps the process alive: it exits 0
  console.log('closed');
}

function shutDown(signal) {
  if (shuttingDown) process.exit(1); // a second Ctrl+C: stop waiting
  shuttingDown = true;
  console.log(`${signal}: disconnecting ${clients.size} client(s)`);
  if (clients.size === 0) return close();
  for (const peer of clients.keys()) peer.peerDisconnect(0); // each client gets a DISCONNECT
  // Clients that do not acknowledge in time are dropped (they would only notice by timeout).
  graceTimer = setTimeout(() => {
    for (const peer of clients.keys()) peer.peerDisconnectNow(0);
    close();
  }, SHUTDOWN_GRACE_MS);
}

process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);

host.start();
console.log(`listening on ${values.host}:${host.getLocalPort()}`);
