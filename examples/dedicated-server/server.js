// A dedicated server for Godot 4 clients (SceneMultiplayerServer): clients must present a shared
// token through SceneMultiplayer's auth (multiplayer.send_auth), see each other join and leave,
// and reach each other through the server's relay (rpc(), send_bytes()). Joins, leaves, refusals
// and what clients send to the server are logged. SIGINT or SIGTERM disconnects every client
// gracefully and exits 0.
//   GAME_TOKEN=secret node examples/dedicated-server/server.js [--bind 127.0.0.1] [--port 7777] [--max-clients 32]
// --token works too, but an environment variable stays out of `ps` and shell history.
// examples/dedicated-server/bot.js joins it as a Godot client would.
'use strict';
const { createHash, timingSafeEqual } = require('node:crypto');
const { parseArgs } = require('node:util');
const { SceneMultiplayerServer } = require('godot-enet');

const { values } = parseArgs({
  options: {
    bind: { type: 'string', default: '127.0.0.1' }, // '*' for every address
    port: { type: 'string', default: '7777' },
    'max-clients': { type: 'string', default: '32' },
    token: { type: 'string', default: process.env.GAME_TOKEN },
  },
});
if (!values.token) {
  console.error('dedicated server: set the shared token with GAME_TOKEN=… or --token …');
  process.exit(2);
}

const log = (text) => console.log(`${new Date().toISOString()} ${text}`);
const digest = (data) => createHash('sha256').update(data).digest();
const expected = digest(values.token);

const server = new SceneMultiplayerServer({
  port: Number(values.port),
  bindIp: values.bind,
  maxClients: Number(values['max-clients']),
  // Called with each auth message a client sends (Godot: multiplayer.send_auth(1, data)).
  // Comparing digests takes the same time whatever the guess, so it leaks nothing.
  auth: (id, data) => timingSafeEqual(digest(data), expected),
  authTimeoutMs: 3000, // clients that do not authenticate in time are dropped
});

server.on('peerAuthenticating', (id) => log(`peer ${id} connected, authenticating`));
server.on('peerAuthenticationFailed', (id) => log(`peer ${id} refused: wrong token or no token in time`));
server.on('peerConnected', (id) => {
  const { address, port } = server.getPeerStats(id);
  log(`peer ${id} joined from ${address}:${port} (${server.getPeerIds().length} online)`);
  server.sendBytes(Buffer.from(`welcome, peer ${id}`), id); // the client's multiplayer.peer_packet(1, …)
});
server.on('peerDisconnected', (id) => log(`peer ${id} left (${server.getPeerIds().length} online)`));
// send_bytes() addressed to the server, or to everyone (the relay passes it on to the others).
server.on('peerPacket', (id, bytes) => log(`peer ${id} says: ${bytes.toString('utf8')}`));

try {
  server.start();
} catch (error) {
  console.error(`dedicated server: cannot listen on ${values.bind}:${values.port}: ${error.message}`);
  process.exit(1);
}
log(`listening on ${values.bind}:${server.getPort()}`);

let stopping = false;
async function stop(signal) {
  if (stopping) process.exit(1); // a second signal: do not wait
  stopping = true;
  log(`${signal}: disconnecting ${server.getPeerIds().length} client(s)`);
  await server.close(2000); // each client gets server_disconnected at once
  log('closed');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
