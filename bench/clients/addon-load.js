'use strict';
// The load client on this addon, for what the C one (bench/native/load.c, stock ENet) cannot
// speak: DTLS. One event-driven peer, ping-pong (window 1) or a stream keeping `window`
// stamped packets in flight, each echo answered by the next packet. It speaks load.c's stdout
// protocol (CONNECTED, MEASURE, END, RESULT) so bench/lib/measure.js drives both alike; with
// or without --dtls the code is the same but for dtlsClientSetup.
const { randomBytes } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const { ENetConnection, TLSOptions } = require('../../dist/index.js');

const { values } = parseArgs({
  options: {
    port: { type: 'string' }, mode: { type: 'string' }, size: { type: 'string' }, flags: { type: 'string' },
    window: { type: 'string' }, warmup: { type: 'string' }, duration: { type: 'string' }, grace: { type: 'string' },
    dtls: { type: 'boolean', default: false },
  },
});
const size = Math.max(Number(values.size), 12);
const flags = Number(values.flags);
const window = values.mode === 'pingpong' ? 1 : Number(values.window);
const [warmupMs, durationMs, graceMs] = [values.warmup, values.duration, values.grace].map((s) => Number(s) * 1000);
const CONNECT_TIMEOUT_MS = 10_000;

const host = new ENetConnection();
host.createHost(1, 1);
// The bench measures the record layer, not verification: the server's certificate is not checked.
if (values.dtls) host.dtlsClientSetup('bench.invalid', TLSOptions.clientUnsafe());

const packet = randomBytes(size); // filler; bytes 0–11 are the stamp: send time (ms, f64), sequence
let sequence = 0;
let measureAt = Infinity;
let endAt = Infinity;
let sent = 0;
let received = 0;
const rtts = [];

function send(peer) {
  const now = performance.now();
  packet.writeDoubleLE(now, 0);
  packet.writeUInt32LE(sequence++ >>> 0, 8);
  peer.send(0, packet, flags);
  if (now >= measureAt && now < endAt) sent++;
}

function finish(error) {
  const quantile = (q) => (rtts.length === 0 ? null : Math.round(rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))] * 1000));
  rtts.sort((a, b) => a - b);
  const seconds = durationMs / 1000;
  const result = {
    mode: values.mode, dtls: values.dtls, size, flags, window, sent, received, lost: Math.max(sent - received, 0),
    pps: received / seconds, mbps: (received * size) / seconds / 1e6,
    rtt_p50_us: quantile(0.5), rtt_p99_us: quantile(0.99), error: error ?? null,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  host.destroy();
  process.exit(0);
}

const started = performance.now();
const connectTimer = setTimeout(() => finish(`no connection within ${CONNECT_TIMEOUT_MS} ms`), CONNECT_TIMEOUT_MS);
host.on('connect', (peer) => {
  clearTimeout(connectTimer);
  process.stdout.write(`CONNECTED 1 ${((performance.now() - started) / 1000).toFixed(3)}\n`);
  measureAt = performance.now() + warmupMs;
  endAt = measureAt + durationMs;
  setTimeout(() => process.stdout.write('MEASURE\n'), warmupMs);
  setTimeout(() => process.stdout.write('END\n'), warmupMs + durationMs);
  setTimeout(finish, warmupMs + durationMs + graceMs);
  for (let i = 0; i < window; i++) send(peer);
});
host.on('receive', (peer, echo) => {
  const now = performance.now();
  const at = echo.readDoubleLE(0);
  if (at >= measureAt && at < endAt) {
    received++;
    rtts.push(now - at);
  }
  if (now < endAt) send(peer); // the grace period only collects late echoes
});
host.on('disconnect', () => finish('disconnected'));
host.on('error', (error) => finish(error.message));
host.start();
host.connectToHost('127.0.0.1', Number(values.port), 1, 0);
process.stdin.on('data', () => {}); // "go" needs no answer: this client starts on its own
process.stdin.on('end', () => finish('stopped by the harness'));
