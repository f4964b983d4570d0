// Safety: stale peer handles after slot reuse, destroyed hosts, garbage collection, process and
// worker teardown with hosts open, and malformed datagrams. Real sockets on 127.0.0.1.
//
// Whatever could take the process down (GC of open hosts, exit and worker teardown) runs in a
// child process (test/fixtures/safety-*.js, which load the compiled dist/), so a native abort
// fails one test instead of killing the runner.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CompressionMode,
  ENetConnection,
  ENetPacketPeer,
  ErrorCode,
  EventType,
  HostStatistic,
  PeerState,
  PeerStatistic,
} from '../lib/index';
import { connectedPair, expectENetError, host, pattern, pumpFor, pumpUntil, Recorder, server } from './helpers';
import { sanitized, slow } from './sanitized';

const { FLAG_RELIABLE } = ENetPacketPeer;
const fixtures = join(__dirname, 'fixtures');
const SLOT_SPAN = 4096;
/** Under ASan/valgrind (scripts/memcheck.sh) memory figures mean nothing and everything is slower. */

const statistics = Object.values(PeerStatistic).filter((value): value is number => typeof value === 'number');

function expectUnconfigured(fn: () => unknown): void {
  expectENetError(fn, 'ERR_UNCONFIGURED');
}

/** Every getter of an inactive peer answers Godot's neutral value. */
function expectNeutral(peer: ENetPacketPeer): void {
  expect(peer.isActive()).toBe(false);
  expect(peer.getState()).toBe(PeerState.STATE_DISCONNECTED);
  expect(peer.getState()).toBe(0);
  expect(peer.getRemotePort()).toBe(0);
  expect(peer.getRemoteAddress()).toBe('');
  expect(peer.getChannels()).toBe(0);
  for (const statistic of statistics) expect(peer.getStatistic(statistic), PeerStatistic[statistic]).toBe(0);
}

/**
 * Every method of an inactive peer is a no-op answering ERR_UNCONFIGURED (send never returns
 * OK). Calls that would hurt a live peer most come first and last: reset, disconnect, a 1 ms
 * timeout, a 1 ms ping interval, a zero throttle.
 */
function expectInert(peer: ENetPacketPeer): void {
  expectNeutral(peer);
  expect(peer.reset()).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.peerDisconnectNow(1)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.peerDisconnect(2)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.peerDisconnectLater(3)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.send(0, pattern(10), FLAG_RELIABLE)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.send(0, new Uint8Array(0), 0)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.putPacket(pattern(10))).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.setTimeout(1, 1, 1)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.throttleConfigure(1, 0, 0)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.ping()).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.pingInterval(1)).toBe(ErrorCode.ERR_UNCONFIGURED);
  expect(peer.getAvailablePacketCount()).toBe(0);
  expect(peer.getPacket()).toBeNull();
  expect(peer.getPacketFlags()).toBe(0);
  expect(peer.reset()).toBe(ErrorCode.ERR_UNCONFIGURED);
  expectNeutral(peer);
}

function slotOf(peer: ENetPacketPeer): number {
  return peer.handle % SLOT_SPAN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- slot reuse --------------------------------------------------------------------------------

type Ending = 'graceful' | 'disconnectNow' | 'reset' | 'timeout' | 'remote';

interface Reused {
  srv: ENetConnection;
  serverEvents: Recorder;
  /** The server's handle for client A, ended. */
  old: ENetPacketPeer;
  /** Client A's host (destroyed in the timeout case). */
  a: ENetConnection;
  aEvents: Recorder;
  aPeer: ENetPacketPeer;
  /** Client B, connected into A's old slot. */
  b: ENetConnection;
  bEvents: Recorder;
  bPeer: ENetPacketPeer;
  /** The server's handle for client B. */
  fresh: ENetPacketPeer;
  disconnectsBeforeB: number;
  receivesBeforeB: number;
}

/** Echo round trip between B and the server through `fresh`; throws if it does not complete. */
function roundTrip(r: Reused, seed: number): void {
  const bytes = pattern(700, seed);
  expect(r.bPeer.send(1, bytes, FLAG_RELIABLE)).toBe(ErrorCode.OK);
  pumpUntil([r.serverEvents, r.bEvents, r.aEvents], () => r.fresh.getAvailablePacketCount() > 0);
  const got = r.fresh.getPacket()!;
  expect(Buffer.from(bytes).equals(got)).toBe(true);
  expect(r.fresh.send(1, got, FLAG_RELIABLE)).toBe(ErrorCode.OK);
  pumpUntil([r.serverEvents, r.bEvents, r.aEvents], () => r.bPeer.getAvailablePacketCount() > 0);
  expect(Buffer.from(bytes).equals(r.bPeer.getPacket()!)).toBe(true);
}

/** A server with one slot; client A connects and is ended `how`; client B then takes the slot. */
function reuseSlot(how: Ending): Reused {
  const srv = server(1);
  const serverEvents = new Recorder(srv);
  const a = host();
  a.createHost(1);
  const aPeer = a.connectToHost('127.0.0.1', srv.getLocalPort(), 2, 11)!;
  const aEvents = new Recorder(a);
  pumpUntil([serverEvents, aEvents], () =>
    serverEvents.of(EventType.EVENT_CONNECT).length === 1 && aEvents.of(EventType.EVENT_CONNECT).length === 1);
  const old = serverEvents.of(EventType.EVENT_CONNECT)[0].peer!;
  expect(old.isActive()).toBe(true);
  expect(old.getRemotePort()).toBe(a.getLocalPort());
  // A working connection first: one packet each way.
  expect(aPeer.send(0, pattern(100, 1), FLAG_RELIABLE)).toBe(ErrorCode.OK);
  pumpUntil([serverEvents, aEvents], () => old.getAvailablePacketCount() === 1);
  old.getPacket();

  const serverDisconnected = (): boolean =>
    serverEvents.of(EventType.EVENT_DISCONNECT).some((event) => event.peer === old);
  switch (how) {
    case 'graceful':
      expect(old.peerDisconnect(7)).toBe(ErrorCode.OK);
      pumpUntil([serverEvents, aEvents], serverDisconnected);
      expect(aEvents.of(EventType.EVENT_DISCONNECT)[0]?.data).toBe(7);
      break;
    case 'disconnectNow':
      expect(old.peerDisconnectNow(8)).toBe(ErrorCode.OK);
      pumpUntil([serverEvents, aEvents], () => aEvents.of(EventType.EVENT_DISCONNECT).length === 1);
      break;
    case 'reset':
      // A is not told: it stays connected and keeps sending to the old slot below.
      expect(old.reset()).toBe(ErrorCode.OK);
      break;
    case 'timeout':
      a.destroy();  // silently gone
      expect(old.setTimeout(1, 100, 300)).toBe(ErrorCode.OK);
      expect(old.send(0, pattern(50), FLAG_RELIABLE)).toBe(ErrorCode.OK);  // unacknowledged: times out
      pumpUntil([serverEvents], serverDisconnected, 3000 * slow);
      expect(serverEvents.of(EventType.EVENT_DISCONNECT).find((event) => event.peer === old)!.data).toBe(0);
      break;
    case 'remote':
      expect(aPeer.peerDisconnect(9)).toBe(ErrorCode.OK);
      pumpUntil([serverEvents, aEvents], serverDisconnected);
      expect(serverEvents.of(EventType.EVENT_DISCONNECT).find((event) => event.peer === old)!.data).toBe(9);
      break;
  }
  expectNeutral(old);
  const disconnectsBeforeB = serverEvents.of(EventType.EVENT_DISCONNECT).length;
  const receivesBeforeB = serverEvents.of(EventType.EVENT_RECEIVE).length;

  const b = host();
  b.createHost(1);
  const bPeer = b.connectToHost('127.0.0.1', srv.getLocalPort(), 2, 22)!;
  const bEvents = new Recorder(b);
  const others = how === 'timeout' ? [] : [aEvents];
  pumpUntil([serverEvents, bEvents, ...others], () =>
    serverEvents.of(EventType.EVENT_CONNECT).length === 2 && bEvents.of(EventType.EVENT_CONNECT).length === 1);
  const connect = serverEvents.of(EventType.EVENT_CONNECT)[1];
  expect(connect.data).toBe(22);
  return { srv, serverEvents, old, a, aEvents, aPeer, b, bEvents, bPeer, fresh: connect.peer!, disconnectsBeforeB,
    receivesBeforeB };
}

describe('a stale peer handle after ENet reuses its slot', () => {
  const endings: [Ending, string][] = [
    ['graceful', 'disconnected gracefully (peerDisconnect)'],
    ['disconnectNow', 'disconnected with peerDisconnectNow'],
    ['reset', 'reset'],
    ['timeout', 'timed out'],
    ['remote', 'disconnected by the remote'],
  ];

  it.each(endings)('%s: a peer %s stays inert and cannot touch the new peer in its slot', (how) => {
    const r = reuseSlot(how);
    const { old, fresh } = r;

    // The same slot, a different handle and a different object.
    expect(fresh).not.toBe(old);
    expect(slotOf(fresh)).toBe(slotOf(old));
    expect(fresh.handle).not.toBe(old.handle);
    expect(fresh.isActive()).toBe(true);
    expect(fresh.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(fresh.getRemotePort()).toBe(r.b.getLocalPort());
    expect(r.srv.getPeers()).toEqual([fresh]);
    roundTrip(r, 1);

    const freshTimeout = [PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL, PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION,
      PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION].map((statistic) => fresh.getStatistic(statistic));

    // The old handle: every method is a no-op, even the destructive ones, twice over.
    expectInert(old);
    expectInert(old);
    expect(fresh.isActive()).toBe(true);
    expect(fresh.getState()).toBe(PeerState.STATE_CONNECTED);
    expect([PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL, PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION,
      PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION].map((statistic) => fresh.getStatistic(statistic)))
      .toEqual(freshTimeout);

    // In the reset case A still believes it is connected and sends to the old slot: none of it
    // may reach the new peer.
    if (how === 'reset') {
      expect(r.aPeer.isActive()).toBe(true);
      for (let i = 0; i < 5; i++) r.aPeer.send(0, pattern(40, 100 + i), FLAG_RELIABLE);
    }

    // B keeps working, with reliable traffic in flight (a 1 ms timeout applied to it by the old
    // handle would drop it here), and nobody sees a DISCONNECT.
    const others = how === 'timeout' ? [] : [r.aEvents];
    for (let i = 0; i < 3; i++) {
      roundTrip(r, 10 + i);
      pumpFor([r.serverEvents, r.bEvents, ...others], 40);
    }
    expect(r.serverEvents.of(EventType.EVENT_DISCONNECT)).toHaveLength(r.disconnectsBeforeB);
    expect(r.bEvents.of(EventType.EVENT_DISCONNECT)).toHaveLength(0);
    const receivedSinceB = r.serverEvents.of(EventType.EVENT_RECEIVE).slice(r.receivesBeforeB);
    expect(receivedSinceB.length).toBe(4);  // B's four round trips, nothing from A
    expect(receivedSinceB.every((event) => event.peer === fresh)).toBe(true);
    expect(r.serverEvents.of(EventType.EVENT_ERROR)).toHaveLength(0);
    expect(fresh.getAvailablePacketCount()).toBe(0);
    expect(fresh.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(r.bPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(r.srv.getPeers()).toEqual([fresh]);
    expectNeutral(old);
  });

  it('a handle whose slot was reused many times over stays inert (several generations)', () => {
    const srv = server(1);
    const serverEvents = new Recorder(srv);
    const stale: ENetPacketPeer[] = [];
    for (let round = 0; round < 6; round++) {
      const client = host();
      client.createHost(1);
      client.connectToHost('127.0.0.1', srv.getLocalPort(), 1);
      const clientEvents = new Recorder(client);
      pumpUntil([serverEvents, clientEvents], () =>
        serverEvents.of(EventType.EVENT_CONNECT).length === round + 1 && clientEvents.of(EventType.EVENT_CONNECT).length === 1);
      const peer = serverEvents.of(EventType.EVENT_CONNECT)[round].peer!;
      for (const old of stale) {
        expect(old.handle).not.toBe(peer.handle);
        expectInert(old);
      }
      expect(peer.isActive()).toBe(true);
      if (round % 2 === 0) peer.reset(); else peer.peerDisconnectNow();
      stale.push(peer);
      client.destroy();
    }
    expect(new Set(stale.map(slotOf)).size).toBe(1);
    expect(new Set(stale.map((peer) => peer.handle)).size).toBe(stale.length);
  });

  it('the client side too: an outgoing peer that was reset stays inert after connectToHost reuses its slot', () => {
    const target = server();
    const targetEvents = new Recorder(target);
    const client = host();
    client.createHost(1);
    const first = client.connectToHost('127.0.0.1', target.getLocalPort(), 1)!;
    const clientEvents = new Recorder(client);
    pumpUntil([targetEvents, clientEvents], () => clientEvents.of(EventType.EVENT_CONNECT).length === 1);
    expect(first.reset()).toBe(ErrorCode.OK);
    const second = client.connectToHost('127.0.0.1', target.getLocalPort(), 1)!;
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect(slotOf(second)).toBe(slotOf(first));
    expectInert(first);
    pumpUntil([targetEvents, clientEvents], () => clientEvents.of(EventType.EVENT_CONNECT).length === 2);
    expect(clientEvents.of(EventType.EVENT_CONNECT)[1].peer).toBe(second);
    expectInert(first);
    expect(second.getState()).toBe(PeerState.STATE_CONNECTED);
  });
});

// ---- destroyed hosts ---------------------------------------------------------------------------

describe('a destroyed host', () => {
  it('makes every peer method of every handle inert, on both ends', () => {
    const pair = connectedPair({ channels: 3 });
    pair.server.destroy();
    expectInert(pair.serverPeer);
    expect(pair.serverPeer.getMaxPacketSize()).toBe(1 << 24);
    expect(pair.server.getPeers()).toEqual([]);
    pair.client.destroy();
    expectInert(pair.clientPeer);
    expect(pair.client.getPeers()).toEqual([]);
  });

  it('throws ERR_UNCONFIGURED or answers neutral values from every host method, as documented', async () => {
    const pair = connectedPair();
    const srv = pair.server;
    srv.destroy();
    expectUnconfigured(() => srv.connectToHost('127.0.0.1', 9));
    await expect(srv.connectToHostAsync('127.0.0.1', 9)).rejects.toMatchObject({ code: 'ERR_UNCONFIGURED' });
    expectUnconfigured(() => srv.flush());
    expectUnconfigured(() => srv.bandwidthLimit(0, 0));
    expectUnconfigured(() => srv.channelLimit(1));
    expectUnconfigured(() => srv.compress(CompressionMode.COMPRESS_RANGE_CODER));
    expectUnconfigured(() => srv.compress(CompressionMode.COMPRESS_NONE));
    expectUnconfigured(() => srv.refuseNewConnections(true));
    expectUnconfigured(() => srv.socketSend('127.0.0.1', pair.client.getLocalPort(), pattern(5)));
    expectUnconfigured(() => srv.start());
    expect(srv.service()).toEqual({ type: EventType.EVENT_ERROR, peer: null, data: 0, channel: 0 });
    expect(srv.service(5)).toEqual({ type: EventType.EVENT_ERROR, peer: null, data: 0, channel: 0 });
    expect(srv.broadcast(0, pattern(5), FLAG_RELIABLE)).toBe(ErrorCode.ERR_UNCONFIGURED);
    for (const statistic of [HostStatistic.HOST_TOTAL_SENT_DATA, HostStatistic.HOST_TOTAL_SENT_PACKETS,
      HostStatistic.HOST_TOTAL_RECEIVED_DATA, HostStatistic.HOST_TOTAL_RECEIVED_PACKETS]) {
      expect(srv.popStatistic(statistic)).toBe(0);
    }
    expect(srv.getMaxChannels()).toBe(0);
    expect(srv.getLocalPort()).toBe(0);
    expect(srv.getPeers()).toEqual([]);
    expect(srv.isStarted()).toBe(false);
    expect(srv.stop()).toBe(srv);
    expect(srv.unref()).toBe(srv);
    expect(srv.ref()).toBe(srv);
    expect(() => srv.destroy()).not.toThrow();
    expect(() => srv.destroy()).not.toThrow();
    expectInert(pair.serverPeer);
  });

  it('closes its socket at once: the port can be bound again', () => {
    const srv = server();
    const port = srv.getLocalPort();
    srv.destroy();
    const again = host();
    again.createHostBound('127.0.0.1', port);
    expect(again.getLocalPort()).toBe(port);
  });

  it('destroy() twice, and on a host never created, does nothing', () => {
    const never = new ENetConnection();
    expect(() => never.destroy()).not.toThrow();
    expect(() => never.destroy()).not.toThrow();
    const pair = connectedPair();
    pair.server.destroy();
    pair.server.destroy();
    pair.client.destroy();
    pair.client.destroy();
    expectInert(pair.serverPeer);
    expectInert(pair.clientPeer);
  });

  it('re-created on the same object: handles from before destroy() stay inert, even for the reused slot', () => {
    // The new host's slot table starts over; a handle of the destroyed host must not name the
    // new host's peer in the same slot.
    const srv = server(1);
    const serverEvents = new Recorder(srv);
    const a = host();
    a.createHost(1);
    a.connectToHost('127.0.0.1', srv.getLocalPort(), 1);
    const aEvents = new Recorder(a);
    pumpUntil([serverEvents, aEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1);
    const old = serverEvents.of(EventType.EVENT_CONNECT)[0].peer!;
    srv.destroy();
    expectNeutral(old);

    srv.createHostBound('127.0.0.1', 0, 1);
    const events = new Recorder(srv);
    const b = host();
    b.createHost(1);
    const bPeer = b.connectToHost('127.0.0.1', srv.getLocalPort(), 1)!;
    const bEvents = new Recorder(b);
    pumpUntil([events, bEvents], () =>
      events.of(EventType.EVENT_CONNECT).length === 1 && bEvents.of(EventType.EVENT_CONNECT).length === 1);
    const fresh = events.of(EventType.EVENT_CONNECT)[0].peer!;
    expect(fresh).not.toBe(old);
    expect(slotOf(fresh)).toBe(slotOf(old));
    expect(fresh.handle).not.toBe(old.handle);
    expectInert(old);
    expect(fresh.getState()).toBe(PeerState.STATE_CONNECTED);
    pumpFor([events, bEvents], 50);
    expect(bPeer.getState()).toBe(PeerState.STATE_CONNECTED);
  });

  it('can be destroyed while started (event-driven), from outside and from inside a handler', async () => {
    const pair = connectedPair();
    const received: Buffer[] = [];
    pair.server.on('receive', (peer, packet) => {
      received.push(packet);
      peer.send(0, packet, FLAG_RELIABLE);
    });
    let clientReceived = 0;
    let destroyedInHandler = false;
    pair.client.on('receive', () => {
      clientReceived++;
      if (clientReceived === 3) {
        pair.client.destroy();  // inside a batch
        destroyedInHandler = true;
      }
    });
    let errors = 0;
    pair.server.on('error', () => { errors++; });
    pair.client.on('error', () => { errors++; });
    pair.server.start();
    pair.client.start();
    for (let i = 0; i < 10; i++) pair.clientPeer.send(0, pattern(i % 2 ? 30000 : 100, i + 1), FLAG_RELIABLE);
    const deadline = Date.now() + 5000 * slow;
    while (!destroyedInHandler && Date.now() < deadline) await sleep(5);
    expect(destroyedInHandler).toBe(true);
    expect(pair.client.isStarted()).toBe(false);
    expectInert(pair.clientPeer);
    const afterDestroy = clientReceived;

    expect(pair.server.isStarted()).toBe(true);
    pair.server.destroy();  // from outside, while started
    expect(pair.server.isStarted()).toBe(false);
    expectInert(pair.serverPeer);
    expect(() => pair.server.destroy()).not.toThrow();
    expect(() => pair.server.stop()).not.toThrow();
    const serverReceived = received.length;
    await sleep(60);  // libuv closes the handles; no callback may reach the destroyed hosts
    expect(clientReceived).toBe(afterDestroy);
    expect(received.length).toBe(serverReceived);
    expect(errors).toBe(0);
  });

  it('a started host can be stopped, destroyed and re-created, and started again', async () => {
    const srv = server();
    srv.start();
    srv.stop();
    srv.start();
    srv.destroy();
    expect(srv.isStarted()).toBe(false);
    srv.createHostBound('127.0.0.1', 0);
    const connects: ENetPacketPeer[] = [];
    srv.on('connect', (peer) => connects.push(peer));
    srv.start();
    const client = host();
    client.createHost(1);
    client.connectToHost('127.0.0.1', srv.getLocalPort());
    const clientEvents = new Recorder(client);
    const deadline = Date.now() + 5000 * slow;
    while (connects.length === 0 && Date.now() < deadline) {
      clientEvents.drain(0);
      await sleep(2);
    }
    expect(connects).toHaveLength(1);
    srv.destroy();
    expectInert(connects[0]);
  });
});

// ---- child processes: GC, exit, workers --------------------------------------------------------

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: fixtures, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function expectClean(result: ChildResult, what: string): void {
  expect({ code: result.code, signal: result.signal },
    `${what}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toEqual({ code: 0, signal: null });
}

function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

describe('garbage collection', () => {
  it('collects dropped hosts (connected, some started then stopped) and peers: sockets closed, ports free', async () => {
    const result = await runNode(['--expose-gc', 'safety-gc-child.js', 'drop', '6', '12'], 60_000);
    expectClean(result, 'gc child (drop)');
    const report = lastJson<{ fdsStart: number; samples: { fds: number }[]; ports: number; notRebindable: number[];
      events: number }>(result.stdout);
    expect(report.ports).toBe(6 * 13);
    expect(report.events).toBeGreaterThan(0);
    expect(report.notRebindable).toEqual([]);
    // Every dropped host's socket is closed once collected: the descriptor count comes back.
    for (const sample of report.samples) expect(sample.fds).toBeLessThanOrEqual(report.fdsStart + 2);
  }, 90_000);

  it('300 create/connect/destroy cycles (some dropped without destroy) do not leak descriptors or memory', async () => {
    const result = await runNode(['--expose-gc', 'safety-gc-child.js', 'churn', '300'], 90_000);
    expectClean(result, 'gc child (churn)');
    const report = lastJson<{ fdsStart: number; samples: { cycle: number; fds: number; rss: number }[] }>(result.stdout);
    expect(report.samples).toHaveLength(30);
    for (const sample of report.samples) expect(sample.fds).toBeLessThanOrEqual(report.fdsStart + 2);
    if (!sanitized) {
      // After a warm-up, RSS may wobble but not grow with the cycle count (generous bound).
      const warm = report.samples[4].rss;
      const last = report.samples[report.samples.length - 1].rss;
      expect(last - warm, `RSS ${warm >> 20} MiB at cycle 50, ${last >> 20} MiB at cycle 300`).toBeLessThan(48 << 20);
    }
  }, 120_000);
});

describe('process exit with hosts open', () => {
  const modes: [string, string][] = [
    ['natural', 'the script ends with polled hosts open, packets queued and unread'],
    ['exit', 'process.exit(0) with polled hosts open'],
    ['dropped', 'every reference dropped, then the script ends'],
    ['started-unref', 'started and unref\'d hosts still trading packets when the loop empties'],
    ['started-exit', 'process.exit(0) while started hosts trade packets'],
  ];

  it.each(modes)('%s: %s — exits 0 without a crash', async (mode) => {
    // Teardown races are timing-dependent: a few runs each.
    const results = await Promise.all([1, 2, 3].map(() => runNode(['safety-exit-child.js', mode], 20_000)));
    for (const result of results) {
      expectClean(result, `exit child (${mode})`);
      expect(result.stdout).toContain(`done ${mode}`);
      if (mode.startsWith('started')) expect(result.stdout).toContain('echoed>0=true');
    }
  }, 40_000);
});

interface WorkerOutcome {
  mode: string;
  messages: { ok?: boolean; ready?: boolean; error?: string; received?: number }[];
  error: string | null;
  exitCode: number | null;
}

describe('worker_threads', () => {
  it('several workers at once each run a server and a client, exchange 200 packets and end', async () => {
    const result = await runNode(['safety-workers.js', 'exchange', 'exchange', 'exchange', 'exchange'], 40_000);
    expectClean(result, 'workers (exchange)');
    const outcomes = lastJson<WorkerOutcome[]>(result.stdout);
    expect(outcomes).toHaveLength(4);
    for (const outcome of outcomes) {
      expect(outcome.error).toBeNull();
      expect(outcome.messages).toEqual([expect.objectContaining({ ok: true, received: 200 })]);
      expect(outcome.exitCode).toBe(0);
    }
  }, 60_000);

  it('workers that end on their own with hosts open (polled, started+unref, process.exit) exit cleanly', async () => {
    const modes = ['leave', 'leave', 'leave-started', 'leave-started', 'leave-started', 'leave-started', 'exit', 'exit'];
    const result = await runNode(['safety-workers.js', ...modes], 40_000);
    expectClean(result, 'workers (leave)');
    const outcomes = lastJson<WorkerOutcome[]>(result.stdout);
    expect(outcomes.map((outcome) => outcome.mode)).toEqual(modes);
    for (const outcome of outcomes) {
      expect(outcome.error).toBeNull();
      expect(outcome.messages[0]).toMatchObject({ ready: true });
      expect(outcome.exitCode).toBe(0);
    }
  }, 60_000);

  it.each(['busy', 'idle', 'started'])('a worker in mode %s, terminated with hosts open does not crash the process', async (mode) => {
    const results = await Promise.all([1, 2, 3].map(() => runNode(['safety-terminate.js', mode, '30'], 20_000)));
    for (const result of results) {
      expectClean(result, `terminated worker (${mode})`);
      expect(result.stdout).toContain('terminated 1');
    }
  }, 40_000);

  it('several workers at once, terminated while busy, idle and started', async () => {
    const modes = ['busy', 'idle', 'started', 'exchange', 'busy', 'started'];
    const result = await runNode(['safety-workers.js', ...modes], 40_000);
    expectClean(result, 'workers (mixed, terminated)');
    const outcomes = lastJson<WorkerOutcome[]>(result.stdout);
    for (const outcome of outcomes) {
      expect(outcome.error).toBeNull();
      expect(outcome.exitCode).toBe(outcome.mode === 'exchange' ? 0 : 1);
    }
  }, 60_000);
});

// ---- malformed datagrams -----------------------------------------------------------------------

/** xorshift32: the same garbage on every run. */
class Random {
  #x: number;
  constructor(seed: number) {
    this.#x = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.#x;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.#x = x;
    return x;
  }
  below(n: number): number {
    return this.next() % n;
  }
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.next() & 0xff;
    return out;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}

// ENet 1.3.18 protocol.h
const COMMAND_SIZES = [0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24];
const PEER_UNCONNECTED = 0xfff;
const HEADER_COMPRESSED = 0x4000;
const HEADER_SENT_TIME = 0x8000;

interface GarbageOptions {
  /** Peer IDs (the receiver's slots) to aim at; 0xFFF is "not connected yet". */
  peerIds: number[];
  /** Command numbers to draw from. */
  commands: number[];
  compressedShare: number;
}

/** One ENet command with random fields: exact size, truncated, or padded; length fields lie. */
function garbageCommand(random: Random, options: GarbageOptions): Buffer {
  const command = random.pick(options.commands);
  const size = COMMAND_SIZES[command] ?? 4;
  const body = random.bytes(Math.max(size, 4));
  body[0] = command | (random.below(4) << 6);  // ACKNOWLEDGE / UNSEQUENCED flags at random
  body[1] = random.pick([0, 0, 1, 2, 254, 255, random.below(256)]);
  const fill = (at: number, bytes: number, value: number): void => {
    if (at + bytes <= body.length) body.writeUIntBE((value >>> 0) % 2 ** (bytes * 8), at, bytes);
  };
  const edgy = (): number => random.pick([0, 1, 2, 0xff, 0xffff, 0x10000, 0x7fffffff, 0xffffffff, 1 << 20,
    32 * 1024 * 1024, 32 * 1024 * 1024 + 1, random.next()]);
  switch (command) {
    case 2:  // CONNECT: mtu, window, channelCount, bandwidths, throttle, connectID, data
      for (let at = 8; at < 48; at += 4) fill(at, 4, edgy());
      break;
    case 6: case 7: case 9:  // SEND_*: dataLength (u16) at 4 or 6
      fill(command === 6 ? 4 : 6, 2, random.pick([0, 1, 10, 1000, 0xffff, random.below(0x10000)]));
      break;
    case 8: case 12:  // fragments: startSequence, dataLength, fragmentCount, fragmentNumber, totalLength, offset
      fill(6, 2, random.pick([0, 1, 100, 0xffff]));
      fill(8, 4, edgy());
      fill(12, 4, edgy());
      fill(16, 4, edgy());
      fill(20, 4, edgy());
      break;
    default:
      break;
  }
  let out = body;
  const shape = random.below(10);
  if (shape === 0) out = body.subarray(0, random.below(body.length));  // truncated
  else if (shape === 1) out = Buffer.concat([body, random.bytes(random.below(64))]);  // payload / junk
  return out;
}

function garbageDatagram(random: Random, options: GarbageOptions): Buffer {
  const kind = random.below(20);
  if (kind === 0) return random.bytes(random.below(1500));  // noise
  if (kind === 1) return random.bytes(random.below(6));  // truncated header
  if (kind === 2) return random.bytes(4097 + random.below(4000));  // larger than ENet's buffer
  let peerId = random.pick(options.peerIds);
  if (random.below(8) === 0) peerId = random.below(0x1000);
  let header = peerId | (random.below(4) << 12);
  if (random.below(2) === 0) header |= HEADER_SENT_TIME;
  const compressed = random.below(100) < options.compressedShare * 100;
  if (compressed) header |= HEADER_COMPRESSED;
  const head = Buffer.alloc(header & HEADER_SENT_TIME ? 4 : 2);
  head.writeUInt16BE(header, 0);
  if (head.length === 4) head.writeUInt16BE(random.below(0x10000), 2);
  if (compressed) return Buffer.concat([head, random.bytes(random.below(600))]);  // for the range decoder
  const parts: Buffer[] = [head];
  for (let count = 1 + random.below(5); count > 0; count--) parts.push(garbageCommand(random, options));
  const datagram = Buffer.concat(parts);
  return random.below(8) === 0 ? datagram.subarray(0, random.below(datagram.length + 1)) : datagram;
}

/** Services each host until EVENT_NONE, without waiting. */
function drainAll(recorders: Recorder[]): void {
  for (const recorder of recorders) recorder.drain(0);
}

describe('malformed datagrams', () => {
  const sockets: ReturnType<typeof createSocket>[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function dgramSocket(): Promise<ReturnType<typeof createSocket>> {
    const socket = createSocket('udp4');
    sockets.push(socket);
    socket.on('message', () => {});
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return socket;
  }

  function dgramSend(socket: ReturnType<typeof createSocket>, port: number, bytes: Buffer): Promise<void> {
    return new Promise((resolve) => socket.send(bytes, port, '127.0.0.1', () => resolve()));
  }

  /**
   * A server with a good client, and garbage from other sockets (an ENet host's socketSend and
   * node:dgram) interleaved with the good client's reliable traffic, which must all arrive,
   * in order, with the peer connected throughout.
   */
  async function foreignGarbage(seed: number, compress: boolean, count: number): Promise<void> {
    const srv = server(4);  // room for garbage CONNECTs, which then time out
    if (compress) srv.compress(CompressionMode.COMPRESS_RANGE_CODER);
    const client = host();
    client.createHost(1);
    if (compress) client.compress(CompressionMode.COMPRESS_RANGE_CODER);
    const clientPeer = client.connectToHost('127.0.0.1', srv.getLocalPort(), 2)!;
    const serverEvents = new Recorder(srv);
    const clientEvents = new Recorder(client);
    pumpUntil([serverEvents, clientEvents], () =>
      serverEvents.of(EventType.EVENT_CONNECT).length === 1 && clientEvents.of(EventType.EVENT_CONNECT).length === 1);
    const serverPeer = serverEvents.of(EventType.EVENT_CONNECT)[0].peer!;

    const sender = host();
    sender.createHost(1);
    const socket = await dgramSocket();
    const random = new Random(seed);
    const options: GarbageOptions = {
      peerIds: [PEER_UNCONNECTED, PEER_UNCONNECTED, slotOf(serverPeer), 1, 3, 4, 0xffe],
      commands: [0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15],
      compressedShare: compress ? 0.3 : 0.05,
    };
    const sent: Uint8Array[] = [];
    const echoed: Buffer[] = [];
    const port = srv.getLocalPort();
    srv.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    let oversized = 0;
    for (let i = 0; i < count; i++) {
      const datagram = garbageDatagram(random, options);
      if (datagram.length > 4096) oversized++;
      if (datagram.length === 0 || i % 5 === 0) await dgramSend(socket, port, datagram);
      else sender.socketSend('127.0.0.1', port, datagram);
      if (i % 40 === 39) {
        const bytes = pattern(50 + (i % 1500), i);
        sent.push(bytes);
        expect(clientPeer.send(i % 2, bytes, FLAG_RELIABLE)).toBe(ErrorCode.OK);
        drainAll([serverEvents, clientEvents]);
        for (let packet = serverPeer.getPacket(); packet; packet = serverPeer.getPacket()) {
          expect(serverPeer.send(0, packet, FLAG_RELIABLE)).toBe(ErrorCode.OK);
        }
        for (let packet = clientPeer.getPacket(); packet; packet = clientPeer.getPacket()) echoed.push(packet);
      }
    }
    pumpUntil([serverEvents, clientEvents], () => {
      for (let packet = serverPeer.getPacket(); packet; packet = serverPeer.getPacket()) serverPeer.send(0, packet, FLAG_RELIABLE);
      for (let packet = clientPeer.getPacket(); packet; packet = clientPeer.getPacket()) echoed.push(packet);
      return echoed.length >= sent.length;
    }, 5000 * slow);
    expect(echoed.length).toBe(sent.length);
    // The garbage did reach ENet (the counter counts every datagram up to ENet's 4096 bytes).
    expect(srv.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS)).toBeGreaterThan((count - oversized) * 0.9);
    // Echoes come back on one channel, so in the order the server received them per channel;
    // every packet must be there exactly once.
    const key = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
    expect(echoed.map(key).sort()).toEqual(sent.map(key).sort());
    expect(serverEvents.of(EventType.EVENT_DISCONNECT).filter((event) => event.peer === serverPeer)).toHaveLength(0);
    expect(clientEvents.of(EventType.EVENT_DISCONNECT)).toHaveLength(0);
    expect(serverEvents.of(EventType.EVENT_ERROR)).toHaveLength(0);
    expect(serverPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(clientPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(srv.getPeers()).toContain(serverPeer);
    // No garbage reached the good peer as a packet.
    expect(serverEvents.of(EventType.EVENT_RECEIVE).every((event) => event.peer === serverPeer)).toBe(true);
  }

  it('3000 random, truncated and header-shaped datagrams from foreign sockets: no crash, the client unharmed', async () => {
    await foreignGarbage(0x5eed, false, 3000);
  }, 30_000);

  it('the same with COMPRESS_RANGE_CODER (garbage reaches the range decoder)', async () => {
    await foreignGarbage(0xc0de, true, 2000);
  }, 30_000);

  it('garbage aimed at peers from their own address (deep parsing) on both ends: no crash, other peers unharmed', () => {
    // A good client, and victim clients whose own socket sends the server datagrams that pass
    // ENet's address and session checks, while the server sends each victim the same kind. A
    // victim the garbage disconnects (compressed garbage decodes to any command) is replaced.
    const srv = server(8);
    srv.compress(CompressionMode.COMPRESS_RANGE_CODER);
    const good = host();
    good.createHost(1);
    good.compress(CompressionMode.COMPRESS_RANGE_CODER);
    const goodPeer = good.connectToHost('127.0.0.1', srv.getLocalPort(), 2)!;
    const serverEvents = new Recorder(srv);
    const goodEvents = new Recorder(good);
    pumpUntil([serverEvents, goodEvents], () =>
      serverEvents.of(EventType.EVENT_CONNECT).length === 1 && goodEvents.of(EventType.EVENT_CONNECT).length === 1);
    const serverGood = serverEvents.of(EventType.EVENT_CONNECT)[0].peer!;

    interface Victim { connection: ENetConnection; events: Recorder; peer: ENetPacketPeer; serverPeer: ENetPacketPeer }
    const victims: Victim[] = [];
    const newVictim = (): Victim => {
      const connection = host();
      connection.createHost(1);
      connection.compress(CompressionMode.COMPRESS_RANGE_CODER);
      const peer = connection.connectToHost('127.0.0.1', srv.getLocalPort(), 2)!;
      const events = new Recorder(connection);
      const known = serverEvents.of(EventType.EVENT_CONNECT).length;
      pumpUntil([serverEvents, goodEvents, events], () => events.of(EventType.EVENT_CONNECT).length === 1 &&
        serverEvents.of(EventType.EVENT_CONNECT).slice(known).some((e) => e.peer!.getRemotePort() === connection.getLocalPort()));
      const serverPeer = serverEvents.of(EventType.EVENT_CONNECT).slice(known)
        .find((e) => e.peer!.getRemotePort() === connection.getLocalPort())!.peer!;
      const victim = { connection, events, peer, serverPeer };
      victims.push(victim);
      return victim;
    };
    let victim = newVictim();

    const random = new Random(0xbad);
    const commands = [0, 1, 1, 2, 3, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14];
    const sent: Uint8Array[] = [];
    let echoed = 0;
    let datagrams = 0;
    for (let i = 0; i < 4000; i++) {
      // Plain garbage first (no DISCONNECT commands, though junk tails may still hold one), then
      // a share of compressed garbage for the range decoder.
      const options: GarbageOptions = {
        peerIds: [slotOf(i % 3 === 2 ? victim.peer : victim.serverPeer)],
        commands: i < 2000 ? commands.filter((command) => command !== 4) : commands,
        compressedShare: i < 2000 ? 0 : 0.3,
      };
      const datagram = garbageDatagram(random, options);
      if (datagram.length === 0) continue;
      datagrams++;
      if (i % 3 === 2) srv.socketSend('127.0.0.1', victim.connection.getLocalPort(), datagram);
      else victim.connection.socketSend('127.0.0.1', srv.getLocalPort(), datagram);
      if (i % 30 === 29) {
        const bytes = pattern(20 + (i % 900), i);
        sent.push(bytes);
        goodPeer.send(0, bytes, FLAG_RELIABLE);
        drainAll([serverEvents, goodEvents, ...victims.map((v) => v.events)]);
        for (let packet = serverGood.getPacket(); packet; packet = serverGood.getPacket()) serverGood.send(1, packet, FLAG_RELIABLE);
        for (let packet = goodPeer.getPacket(); packet; packet = goodPeer.getPacket()) echoed++;
        for (const v of victims) {
          while (v.serverPeer.getPacket()) { /* garbage the server accepted as packets */ }
          while (v.peer.getPacket()) { /* and the victim */ }
        }
        if (!victim.peer.isActive() || !victim.serverPeer.isActive()) {
          victim.serverPeer.reset();  // frees its slot at once (a no-op when already inactive)
          victim.connection.destroy();
          victim = newVictim();
        }
      }
    }
    const recorders = [serverEvents, goodEvents, ...victims.map((v) => v.events)];
    pumpUntil(recorders, () => {
      for (let packet = serverGood.getPacket(); packet; packet = serverGood.getPacket()) serverGood.send(1, packet, FLAG_RELIABLE);
      for (let packet = goodPeer.getPacket(); packet; packet = goodPeer.getPacket()) echoed++;
      return echoed >= sent.length;
    }, 5000 * slow);
    expect(echoed).toBe(sent.length);
    if (process.env.SAFETY_DEBUG) {
      console.log({
        datagrams, victims: victims.length,
        serverReceivesFromVictims: serverEvents.of(EventType.EVENT_RECEIVE).filter((e) => e.peer !== serverGood).length,
        victimReceives: victims.map((v) => v.events.of(EventType.EVENT_RECEIVE).length),
        serverEvents: serverEvents.events.map((event) => event.type).join('').replace(/3+/g, (m) => `3x${m.length}`),
      });
    }
    expect(serverGood.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(goodPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(serverEvents.of(EventType.EVENT_DISCONNECT).filter((event) => event.peer === serverGood)).toHaveLength(0);
    expect(goodEvents.of(EventType.EVENT_DISCONNECT)).toHaveLength(0);
    expect(serverEvents.of(EventType.EVENT_ERROR)).toHaveLength(0);
    // Whatever became of the victims, their handles answer sanely; the ended ones are inert.
    for (const v of victims) {
      for (const peer of [v.serverPeer, v.peer]) if (!peer.isActive()) expectInert(peer);
    }
  }, 30_000);

  it('a started (event-driven) server fed garbage keeps running and keeps serving its client', async () => {
    const srv = server(4);
    const echoes: Buffer[] = [];
    const errors: unknown[] = [];
    const disconnects: ENetPacketPeer[] = [];
    srv.on('receive', (peer, packet, channel) => { peer.send(channel, packet, FLAG_RELIABLE); });
    srv.on('disconnect', (peer) => { disconnects.push(peer); });
    srv.on('error', (err) => { errors.push(err); });
    let serverGood: ENetPacketPeer | null = null;
    srv.on('connect', (peer) => { serverGood ??= peer; });
    srv.start();
    const client = host();
    client.createHost(1);
    const clientPeer = client.connectToHost('127.0.0.1', srv.getLocalPort(), 2)!;
    const clientEvents = new Recorder(client);
    const deadline = Date.now() + 5000 * slow;
    while ((serverGood === null || clientEvents.of(EventType.EVENT_CONNECT).length === 0) && Date.now() < deadline) {
      clientEvents.drain(0);
      await sleep(1);
    }
    expect(serverGood).not.toBeNull();

    const sender = host();
    sender.createHost(1);
    const socket = await dgramSocket();
    const random = new Random(0xfeed);
    const options: GarbageOptions = {
      peerIds: [PEER_UNCONNECTED, slotOf(serverGood!), 1, 2],
      commands: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14],
      compressedShare: 0.05,
    };
    let sent = 0;
    for (let i = 0; i < 2000; i++) {
      const datagram = garbageDatagram(random, options);
      if (datagram.length === 0 || i % 7 === 0) socket.send(datagram, srv.getLocalPort(), '127.0.0.1');
      else sender.socketSend('127.0.0.1', srv.getLocalPort(), datagram);
      if (i % 50 === 49) {
        clientPeer.send(0, pattern(300, i), FLAG_RELIABLE);
        sent++;
        clientEvents.drain(0);
        await sleep(1);  // the server runs from the event loop
      }
    }
    const until = Date.now() + 5000 * slow;
    while (clientPeer.getAvailablePacketCount() + echoes.length < sent && Date.now() < until) {
      clientEvents.drain(0);
      for (let packet = clientPeer.getPacket(); packet; packet = clientPeer.getPacket()) echoes.push(packet);
      await sleep(1);
    }
    expect(echoes.length).toBe(sent);
    expect(errors).toEqual([]);
    expect(srv.isStarted()).toBe(true);
    expect(disconnects.filter((peer) => peer === serverGood)).toEqual([]);
    expect(serverGood!.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(clientPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    srv.destroy();
  }, 30_000);
});
