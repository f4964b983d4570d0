// An ENet client polled as in Godot: each frame drains ENetConnection.service() until EVENT_NONE
// (GDScript's _process). It connects to examples/server/server.js, sends each message reliably on
// --channel (1 or more), prints the echoes that come back on it and the chat of other clients
// (channel 0), then disconnects cleanly and exits 0 once every message was echoed. If the server
// does not answer within --timeout ms, or drops the connection, it says so and exits 1.
//   node examples/client/client.js [--host 127.0.0.1] [--port 7777] [--channel 1] [--timeout 5000] [message ...]
'use strict';
const { parseArgs } = require('node:util');
const { ENetConnection, ENetPacketPeer } = require('godot-enet');

const { EVENT_NONE, EVENT_CONNECT, EVENT_RECEIVE, EVENT_DISCONNECT, EVENT_ERROR } = ENetConnection.EventType;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7777' },
    channel: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '5000' },
  },
});
const messages = positionals.length > 0 ? positionals : ['hello', 'how is everyone?'];
const channel = Number(values.channel);
const CHAT_CHANNEL = 0;
if (!Number.isInteger(channel) || channel <= CHAT_CHANNEL || channel > 254) {
  console.error('client: --channel must be 1 … 254 (channel 0 carries the chat)');
  process.exit(2);
}
const FRAME_MS = 16; // about 60 frames a second

const host = new ENetConnection();
host.createHost(1); // one outgoing connection
let server;
try {
  // Channels 0 … channel; the connect data (0 here) reaches the server's 'connect' event.
  server = host.connectToHost(values.host, Number(values.port), channel + 1, 0);
} catch (error) { // e.g. a host name: connectToHost takes IP addresses and 'localhost'
  console.error(`client: cannot connect to ${values.host}:${values.port}: ${error.message}`);
  process.exit(2);
}
let replies = 0;
let finished = false;

// Godot's _process(): each frame handles every event that is pending, without blocking.
const frame = setInterval(() => {
  while (!finished) {
    const event = host.service();
    if (event.type === EVENT_NONE) break;
    onEvent(event);
  }
}, FRAME_MS);

function onEvent(event) {
  switch (event.type) {
    case EVENT_CONNECT:
      console.log(`connected to ${values.host}:${values.port}`);
      for (const text of messages) server.send(channel, Buffer.from(text), ENetPacketPeer.FLAG_RELIABLE);
      break;
    case EVENT_RECEIVE: {
      const text = event.peer.getPacket().toString('utf8');
      if (event.channel === CHAT_CHANNEL) {
        console.log(`chat: ${text}`);
        break;
      }
      console.log(`reply on channel ${event.channel}: ${text}`);
      if (++replies === messages.length) server.peerDisconnect(0); // EVENT_DISCONNECT follows once acknowledged
      break;
    }
    case EVENT_DISCONNECT:
      if (replies < messages.length) return finish(1, 'the server closed the connection');
      console.log('disconnected');
      return finish(0);
    case EVENT_ERROR:
      return finish(1, 'the host failed');
  }
}

const deadline = setTimeout(() => {
  const state = server.getState() === ENetPacketPeer.PeerState.STATE_CONNECTED
    ? `got ${replies} of ${messages.length} replies` : 'could not connect';
  finish(1, `no answer from ${values.host}:${values.port} within ${values.timeout} ms (${state})`);
}, Number(values.timeout));

function finish(code, problem) {
  finished = true;
  clearInterval(frame);
  clearTimeout(deadline);
  host.destroy();
  if (problem) console.error(`client: ${problem}`);
  process.exitCode = code;
}
