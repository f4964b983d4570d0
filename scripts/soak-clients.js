'use strict';
// One client process of the soak (scripts/soak.js): many ENet client hosts, one socket each, that
// connect to the echo server, stream numbered messages through it (test/fixtures/traffic.js) and
// then leave, gracefully or by vanishing. Driven over IPC:
//   ← { type: 'connect' }                   → { type: 'connected', connected, failed, ms }
//   ← { type: 'exchange', seconds }         → { type: 'exchanged', sent, echoed, failures, errors, dropped }
//   ← { type: 'leave', how: 'graceful' }    → { type: 'left', ms }, once every server ACKed the disconnect
//   ← { type: 'leave', how: 'vanish' }      → { type: 'left', ms }: hosts destroyed, nothing sent
// argv: --port P --count N --first-stream S [--dtls] [--concurrency C]
const path = require('node:path');
const { parseArgs } = require('node:util');
const { ENetConnection, TLSOptions } = require(path.join(__dirname, '../dist/index.js'));
const { EchoStreams } = require(path.join(__dirname, '../test/fixtures/traffic.js'));

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    count: { type: 'string' },
    'first-stream': { type: 'string', default: '0' },
    dtls: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '32' },
  },
});
const port = Number(options.port);
const CONNECT_LIMIT_MS = 60_000;
const PUMP_INTERVAL_MS = 500;

/** Connects one client; resolves with it, or null if it failed or did not connect in time. */
function connectClient(stream) {
  return new Promise((resolve) => {
    const connection = new ENetConnection();
    connection.createHost(1);
    if (options.dtls) connection.dtlsClientSetup('', TLSOptions.clientUnsafe());
    const client = { connection, streams: null, connected: false, dropped: false };
    const fail = () => {
      clearTimeout(timer);
      connection.destroy();
      resolve(null);
    };
    const timer = setTimeout(fail, CONNECT_LIMIT_MS);
    connection.on('error', fail);
    connection.on('connect', (peer) => {
      clearTimeout(timer);
      client.connected = true;
      client.streams = new EchoStreams(peer, stream, { channels: 1, window: 1 });
      resolve(client);
    });
    connection.on('disconnect', () => {
      if (client.connected) client.dropped = !client.leaving;
      else fail();  // the attempt timed out
    });
    connection.on('receive', (_peer, packet, channel) => client.streams.onReceive(packet, channel));
    connection.start();
    connection.connectToHost('127.0.0.1', port, 1);
  });
}

let clients = [];

/** At most `concurrency` handshakes at once: a DTLS server takes 16 at a time and drops the rest. */
async function connectAll() {
  const count = Number(options.count);
  const first = Number(options['first-stream']);
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const client = await connectClient(first + next++);
      if (client) clients.push(client);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Number(options.concurrency) }, worker));
  return { type: 'connected', connected: clients.length, failed, ms: Date.now() - started };
}

async function exchange(seconds) {
  const pump = () => { for (const client of clients) if (!client.dropped) client.streams.pump(); };
  pump();
  const timer = setInterval(pump, PUMP_INTERVAL_MS);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(timer);
  await new Promise((resolve) => setTimeout(resolve, 2000));  // the last echoes
  const sum = (f) => clients.reduce((total, client) => total + f(client), 0);
  return {
    type: 'exchanged',
    sent: sum((c) => c.streams.totalSent),
    echoed: sum((c) => c.streams.totalEchoed),
    failures: sum((c) => c.streams.failures),
    errors: clients.flatMap((c) => c.streams.errors).slice(0, 5),
    dropped: sum((c) => (c.dropped ? 1 : 0)),
  };
}

async function leave(how) {
  const started = Date.now();
  if (how === 'graceful') {
    await Promise.all(clients.map((client) => new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      client.leaving = true;
      client.connection.once('disconnect', () => { clearTimeout(timer); resolve(); });
      client.streams.peer.peerDisconnect();
    })));
  }
  for (const client of clients) client.connection.destroy();
  clients = [];
  return { type: 'left', ms: Date.now() - started };
}

process.on('message', (message) => {
  const reply = {
    connect: () => connectAll(),
    exchange: () => exchange(message.seconds),
    leave: () => leave(message.how),
  }[message.type]();
  reply.then((answer) => process.send(answer), (err) => process.send({ type: 'error', message: err.stack }));
});
process.send({ type: 'ready' });
