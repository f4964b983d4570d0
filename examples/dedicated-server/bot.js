// A bot that joins a Godot 4 dedicated server as a stock Godot client does, on
// SceneMultiplayerClient (Godot's ENetMultiplayerPeer + SceneMultiplayer in one object). It
// authenticates with --token (Godot: send_auth + complete_auth), waits until --peers other players
// are in, says hello to everyone through the server's relay (Godot: multiplayer.send_bytes(data)),
// waits to hear each of them, then leaves and exits 0. Refused, disconnected, or not done within
// --timeout ms: exit 1.
//   node examples/dedicated-server/bot.js --token secret [--name alice] [--peers 1] [--host 127.0.0.1] [--port 7777]
// The token may come from GAME_TOKEN instead. Without one it joins servers that do not
// authenticate (`npx godot-enet serve`).
'use strict';
const { parseArgs } = require('node:util');
const { SceneMultiplayerClient } = require('godot-enet');

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
const SERVER = 1;

const client = new SceneMultiplayerClient({
  address: values.host,
  port: Number(values.port),
  // Godot: multiplayer.auth_callback, with each message the server sends. server.js sends none
  // (it only completes); a challenge this bot cannot answer: give up.
  auth: values.token ? () => false : undefined,
  authTimeoutMs: Number(values.timeout), // a server without auth never completes its side
});
const players = new Set(); // the other players' IDs
const heard = new Set();
let joined = false;
let said = false;
let leaving = false;
let finished = false;

const connected = () => console.log(`${values.name}: connected as peer ${client.getUniqueId()}`);
client.on('peerAuthenticating', () => { // the server accepted the connection: authenticate
  connected();
  client.sendAuth(Buffer.from(values.token)); // multiplayer.send_auth(1, token)
  client.completeAuth(); // multiplayer.complete_auth(1): we join once the server completes too
});

client.on('connectedToServer', () => {
  if (!values.token) connected();
  joined = true;
  console.log(`${values.name}: joined`);
  progress();
});

client.on('peerConnected', (id) => {
  if (id === SERVER) return;
  players.add(id);
  console.log(`${values.name}: peer ${id} joined, players: ${players.size + 1}`);
  progress();
});

client.on('peerDisconnected', (id) => {
  if (id === SERVER || !players.delete(id)) return;
  console.log(`${values.name}: peer ${id} left, players: ${players.size + 1}`);
});

client.on('peerPacket', (id, bytes) => {
  if (id === SERVER) return console.log(`${values.name}: server says: ${bytes.toString('utf8')}`);
  heard.add(id);
  console.log(`${values.name}: peer ${id} says: ${bytes.toString('utf8')}`);
  progress();
});

client.on('connectionFailed', () => finish(1, `cannot reach ${values.host}:${values.port}`));
client.on('serverDisconnected', () => {
  if (leaving) return finish(0);
  finish(1, joined ? 'the server closed the connection' : 'the server refused us (wrong or missing token?)');
});

function progress() {
  if (!said && players.size >= othersExpected) {
    said = true;
    client.sendBytes(Buffer.from(`hello from ${values.name}`)); // to everyone (0), relayed by the server, which sees it too
  }
  if (said && heard.size >= othersExpected && !leaving) {
    leaving = true;
    client.close(); // the DISCONNECT follows our hello, so the hello still arrives
  }
}

const deadline = setTimeout(() => finish(1, `not done within ${values.timeout} ms `
  + `(${joined ? `joined, heard ${heard.size} of ${othersExpected}` : 'never joined'})`), Number(values.timeout));

function finish(code, problem) {
  if (finished) return;
  finished = true;
  clearTimeout(deadline);
  client.close(0);
  if (problem) console.error(`${values.name}: ${problem}`);
  else console.log(`${values.name}: left`);
  process.exitCode = code;
}

try {
  client.start(); // Godot: create_client(host, port); event-driven, nothing to poll
} catch (error) {
  console.error(`${values.name}: cannot connect to ${values.host}:${values.port}: ${error.message}`);
  process.exit(2);
}
