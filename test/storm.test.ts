// Storm: an event-driven echo server in its own process (test/fixtures/echo-server.js) is hit
// from 64 IPv4 and 4 IPv6 source ports (test/fixtures/storm-attacker.js) with random bytes,
// mutations of real captured datagrams and exact replays of them, while legitimate clients
// here keep streaming numbered reliable messages through it. The server must not crash, every
// legitimate message must come back intact and in order, its memory must stay bounded, and
// whatever the attack left behind (half-open peers, DTLS handshakes) must go away.
//
// The figures are printed with the prefix [storm] so they can be quoted.
import { afterEach, describe, expect, it } from 'vitest';
import { ENetConnection, TLSOptions } from '../lib/index';
import { host } from './helpers';
import { AttackReport, EchoServer, forkEchoServer, Measurement, runAttacker } from './fixtures/processes';
import { EchoStreams } from './fixtures/traffic';

const MiB = 1024 * 1024;
/** Attacker-made peers and DTLS handshakes must be gone this long after the storm (peer timeout 8 s, DTLS handshake deadline 8 s). */
const CLEAN_UP_MS = 15_000;

let server: EchoServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(what: string, done: () => boolean | Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(50);
  }
}

interface LegitClient {
  connection: ENetConnection;
  streams: EchoStreams;
  disconnects: number;
}

/** Event-driven clients (over IPv4, and IPv6 for the last one) that stream numbered messages to the echo server. */
async function connectLegitClients(port: number, count: number, dtls: boolean): Promise<LegitClient[]> {
  const clients = Array.from({ length: count }, (_, index): Promise<LegitClient> => new Promise((resolve, reject) => {
    const connection = host();
    connection.createHost(1);
    if (dtls) connection.dtlsClientSetup('', TLSOptions.clientUnsafe());
    const peer = connection.connectToHost(index === count - 1 ? '::1' : '127.0.0.1', port, 2)!;
    const client: LegitClient = { connection, streams: new EchoStreams(peer, index), disconnects: 0 };
    connection.on('error', reject);
    connection.on('connect', () => resolve(client));
    connection.on('disconnect', () => { client.disconnects++; });
    connection.on('receive', (_peer, packet, channel) => {
      client.streams.onReceive(packet, channel);
      client.streams.pump();
    });
    connection.start();
  }));
  return Promise.all(clients);
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

function figures(label: string, attack: AttackReport, clients: LegitClient[], warm: Measurement, after: Measurement): string {
  const echoed = clients.reduce((sum, client) => sum + client.streams.totalEchoed, 0);
  return [
    `[storm] ${label}: ${attack.sent} datagrams (${(attack.bytes / MiB).toFixed(0)} MiB) in ${attack.seconds.toFixed(1)} s = ` +
      `${Math.round(attack.sent / attack.seconds)} datagrams/s from ${attack.sockets.ipv4} IPv4 + ${attack.sockets.ipv6} IPv6 ports ` +
      `(random ${attack.byKind.random}, mutated ${attack.byKind.mutated}, replayed ${attack.byKind.replayed}, ` +
      `cookie echoes ${attack.byKind.cookieEchoes}); server replies ${attack.replies} (${attack.replyBytes} bytes)`,
    `[storm] ${label}: ${clients.length} legit clients, ${echoed} reliable messages echoed intact and in order`,
    `[storm] ${label}: server RSS after warm-up ${mib(warm.rss)}, peak ${mib(after.peaks.rss)}, after ${mib(after.rss)} ` +
      `(+${mib(after.rss - warm.rss)}); peers peak ${after.peaks.peers}, DTLS sessions peak ${after.peaks.sessions}, ` +
      `handshaking peak ${after.peaks.handshaking}; attacker peers that completed ENet's handshake ${after.counts.connects - clients.length}`,
  ].join('\n');
}

async function storm(options: { dtls: boolean; seconds: number; rate: number }): Promise<void> {
  const { dtls } = options;
  // Short peer timeouts so that what the attack connects (ENet has no cookie: a replayed ACK
  // completes a replayed CONNECT) goes within the test; legit clients stay busy, so never idle.
  server = await forkEchoServer(['--max-peers', '256', '--peer-timeout', '32,2000,8000', ...(dtls ? ['--dtls'] : [])]);
  const clients = await connectLegitClients(server.port, 4, dtls);
  const pumping = setInterval(() => { for (const client of clients) client.streams.pump(); }, 5);
  try {
    await sleep(2000);  // warm-up: the server's heap and ENet's buffers at their working size
    const warm = await server.measure();

    const attack = await runAttacker(server.port, { seconds: options.seconds, rate: options.rate, dtls });
    clearInterval(pumping);
    // Stop sending; everything in flight must still come back.
    await waitFor('every legit message echoed', () => clients.every((c) => c.streams.totalEchoed === c.streams.totalSent), 20_000);
    const after = await server.measure();
    console.log(figures(dtls ? 'DTLS' : 'plain', attack, clients, warm, after));

    expect(server.exit).toBeNull();
    for (const client of clients) {
      expect(client.streams.errors).toEqual([]);
      expect(client.disconnects).toBe(0);
      // Traffic did flow throughout: more than the first window's worth.
      expect(client.streams.totalEchoed).toBeGreaterThan(100);
    }
    // The attack was as intense as asked (paced; a slower machine falls short, never over).
    expect(attack.sent / attack.seconds).toBeGreaterThan(options.rate * 0.5);
    expect(after.rss - warm.rss).toBeLessThan(32 * MiB);
    expect(after.peaks.handshaking).toBeLessThanOrEqual(16);  // MAX_PENDING_HANDSHAKES
    expect(after.peaks.peers).toBeLessThanOrEqual(256);

    // What the attack left behind goes: only the legit clients' peers (and sessions) stay.
    let settled: Measurement = after;
    await waitFor('attack leftovers cleaned up', async () => {
      settled = await server!.measure();
      return settled.peers === clients.length && settled.dtls.sessions === (dtls ? clients.length : 0) &&
        settled.dtls.handshaking === 0;
    }, CLEAN_UP_MS);
    expect(settled.peers).toBe(clients.length);
  } finally {
    clearInterval(pumping);
  }
}

describe('storm: hostile datagrams while legit clients exchange', () => {
  it('plain ENet: 30 s of random, mutated and replayed datagrams from 68 ports', async () => {
    await storm({ dtls: false, seconds: 30, rate: 20_000 });
  }, 90_000);

  it('DTLS: 10 s of garbage, mutated records, replayed and cookie-echoing ClientHellos', async () => {
    await storm({ dtls: true, seconds: 10, rate: 10_000 });
  }, 60_000);
});
