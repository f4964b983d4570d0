// Wire interop with stock ENet: the C echo peer (test/native/echo_peer.c, ENet 1.3.18 with its
// own unix.c) on real 127.0.0.1 sockets, as server for a TS client and as client of a TS server,
// with and without the range coder. Every packet the TS side sends comes back from the echo, so
// each case covers TS -> C (checked by the C side's "RECV <channel> <flags> <length> <fnv1a32>")
// and C -> TS (checked byte for byte, with channel and getPacketFlags()).
//
// The C peer's stdout arrives through Node's event loop, so every wait is async: it drains the
// TS host with service(0), then yields for a millisecond, up to a deadline.
//
// Zero-length packets are echoed only without compression: stock ENet's range coder crashes
// on them (the last test, run in a child process, documents that).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CompressionMode, ENetConnection, ENetEvent, ENetPacketPeer, ErrorCode, EventType, HostStatistic,
} from '../lib/index';
import { host, pattern, server } from './helpers';
import { echoPeerPath } from './setup/global';

const CHANNELS = 8;
/** Channels the small and 16 KiB kinds rotate through (7 is the last one). */
const USED_CHANNELS = [0, 1, 5, 7];
const C_CLIENT_CONNECT_DATA = 7; // hard-wired in echo_peer.c

const { FLAG_RELIABLE, FLAG_UNSEQUENCED, FLAG_UNRELIABLE_FRAGMENT } = ENetPacketPeer;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** FNV-1a 32, as echo_peer.c computes it. */
function fnv1a(bytes: Uint8Array): number {
  let hash = 2166136261;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 16777619) >>> 0;
  return hash;
}

/**
 * Test bytes: odd seeds give low-entropy bytes (mostly 'a', one in 16 from 'a'..'h') that the
 * range coder really compresses even one datagram at a time; even seeds give incompressible
 * ones, which ENet then sends uncompressed.
 */
function payload(length: number, seed: number): Uint8Array {
  const bytes = pattern(length, seed);
  if (seed % 2 === 1) {
    for (let i = 0; i < length; i++) bytes[i] = bytes[i] >= 0x10 ? 0x61 : 0x61 + (bytes[i] & 7);
  }
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

// ---- the C echo peer ----------------------------------------------------------------------------

interface CReport { channel: number; flags: number; length: number; hash: number }

const running: EchoPeer[] = [];

class EchoPeer {
  readonly lines: string[] = [];
  readonly child: ChildProcess;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  spawnError: Error | null = null;
  #exited: Promise<void>;

  constructor(args: string[]) {
    this.child = spawn(echoPeerPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdin!.on('error', () => { /* EPIPE once the peer is gone: its exit is checked instead */ });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.lines.push(line));
    this.#exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
      this.child.on('error', (err) => {
        this.spawnError = err;
        this.exit ??= { code: null, signal: null };
        resolve();
      });
    });
    running.push(this);
  }

  #values(tag: string): string[][] {
    return this.lines.filter((line) => line.startsWith(`${tag} `)).map((line) => line.split(' ').slice(1));
  }

  get port(): number | undefined {
    const [fields] = this.#values('PORT');
    return fields && Number(fields[0]);
  }

  get connects(): number[] {
    return this.#values('CONNECT').map(([data]) => Number(data));
  }

  get disconnects(): number[] {
    return this.#values('DISCONNECT').map(([data]) => Number(data));
  }

  get received(): CReport[] {
    return this.#values('RECV').map(([channel, flags, length, hash]) =>
      ({ channel: Number(channel), flags: Number(flags), length: Number(length), hash: Number(hash) }));
  }

  /** Closes stdin (the peer's signal to exit); SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 1000): Promise<void> {
    if (this.exit === null) this.child.stdin!.end();
    await Promise.race([this.#exited, sleep(graceMs)]);
    if (this.exit === null) {
      this.child.kill('SIGKILL');
      await Promise.race([this.#exited, sleep(graceMs)]);
    }
  }
}

afterEach(async () => {
  const peers = running.splice(0);
  await Promise.all(peers.map((peer) => peer.stop()));
  // A C peer that died on its own (ENet service error: exit 5, ...) fails the test that ran it.
  for (const peer of peers) {
    expect(peer.spawnError).toBeNull();
    expect(peer.exit, 'the C echo peer should exit 0 once its stdin closes').toEqual({ code: 0, signal: null });
  }
});

// ---- the TS side --------------------------------------------------------------------------------

interface Echo { peer: ENetPacketPeer; channel: number; flags: number; bytes: Buffer }

/** Drains a TS host, keeping each received packet with the channel and flags it came with. */
class TsSide {
  readonly connects: ENetEvent[] = [];
  readonly disconnects: ENetEvent[] = [];
  readonly received: Echo[] = [];

  constructor(readonly connection: ENetConnection) {}

  pump(): void {
    for (let event = this.connection.service(0); event.type !== EventType.EVENT_NONE;
      event = this.connection.service(0)) {
      switch (event.type) {
        case EventType.EVENT_CONNECT:
          this.connects.push(event);
          break;
        case EventType.EVENT_DISCONNECT:
          this.disconnects.push(event);
          break;
        case EventType.EVENT_RECEIVE: {
          // The peer's queue is FIFO and this drains it after every event, so the packet at
          // its head is the one this event reports.
          const peer = event.peer!;
          expect(peer.getAvailablePacketCount()).toBe(1);
          const flags = peer.getPacketFlags();
          const bytes = peer.getPacket()!;
          this.received.push({ peer, channel: event.channel, flags, bytes });
          break;
        }
        default:
          throw new Error(`service() returned EVENT_ERROR (type ${event.type})`);
      }
    }
  }
}

/**
 * Pumps the TS side (if any) and lets Node's event loop run until `done()` holds. Returns
 * false at the deadline, or throws there if `what` names the awaited condition. Throws at
 * once if the C peer exits.
 */
async function until(ts: TsSide | null, c: EchoPeer, done: () => boolean, limitMs: number,
  what?: string): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    ts?.pump();
    if (done()) return true;
    if (c.exit !== null) {
      throw new Error(`the C echo peer exited (${JSON.stringify(c.exit)}${c.spawnError ? `, ${c.spawnError.message}` : ''})`
        + ` while waiting for ${what ?? 'a condition'}; its stdout:\n${c.lines.join('\n')}`);
    }
    if (Date.now() > deadline) {
      if (what === undefined) return false;
      throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    }
    await sleep(1);
  }
}

// ---- sessions -----------------------------------------------------------------------------------

interface Session {
  ts: TsSide;
  c: EchoPeer;
  /** The TS side's peer for the C side. */
  peer: ENetPacketPeer;
}

function rangeArgs(range: boolean): string[] {
  return range ? ['range'] : [];
}

/** The C peer as server, the TS side connecting to it with `data`. */
async function tsClientToCServer(range: boolean, data: number): Promise<Session> {
  const c = new EchoPeer(['server', ...rangeArgs(range)]);
  await until(null, c, () => c.port !== undefined, 3000, 'the C server to print its PORT');
  const connection = host();
  connection.createHost(1);
  if (range) connection.compress(CompressionMode.COMPRESS_RANGE_CODER);
  const ts = new TsSide(connection);
  const peer = connection.connectToHost('127.0.0.1', c.port!, CHANNELS, data);
  expect(peer).not.toBeNull();
  await until(ts, c, () => ts.connects.length > 0 && c.connects.length > 0, 3000, 'CONNECT on both sides');
  expect(ts.connects).toHaveLength(1);
  expect(ts.connects[0]).toMatchObject({ type: EventType.EVENT_CONNECT, data: 0 });
  expect(ts.connects[0].peer).toBe(peer);
  expect(c.connects).toEqual([data]);
  expect(peer!.getChannels()).toBe(CHANNELS);
  return { ts, c, peer: peer! };
}

/** A TS server, the C peer connecting to it (with data 7). */
async function cClientToTsServer(range: boolean): Promise<Session> {
  const connection = server(4);
  if (range) connection.compress(CompressionMode.COMPRESS_RANGE_CODER);
  const ts = new TsSide(connection);
  const c = new EchoPeer(['client', String(connection.getLocalPort()), ...rangeArgs(range)]);
  await until(ts, c, () => ts.connects.length > 0 && c.connects.length > 0, 3000, 'CONNECT on both sides');
  expect(ts.connects).toHaveLength(1);
  expect(ts.connects[0]).toMatchObject({ type: EventType.EVENT_CONNECT, data: C_CLIENT_CONNECT_DATA, channel: 0 });
  expect(c.connects).toEqual([0]); // the connecting side's CONNECT carries no data in ENet
  const peer = ts.connects[0].peer!;
  expect(peer.getRemoteAddress()).toBe('127.0.0.1');
  expect(peer.getChannels()).toBe(CHANNELS);
  expect(connection.getPeers()).toEqual([peer]);
  return { ts, c, peer };
}

// ---- packet kinds -------------------------------------------------------------------------------

interface Kind {
  name: string;
  /** Flags the TS side sends with. */
  flags: number;
  /** Flags ENet reports on receipt (on both sides, since the echo resends with them). */
  expectedFlags: number;
  reliable: boolean;
  /** Whether a later packet on a channel supersedes an earlier one (sequenced delivery). */
  sequenced: boolean;
  sizes: number[];
  channels: number[];
  /** How long to wait for every echo. */
  limitMs: number;
}

const SMALL = [1, 2, 17, 100, 255, 256, 511, 777, 1000, 1200]; // all below one fragment
const KIB16 = Array<number>(10).fill(16 * 1024);
const MIB = 1024 * 1024;

const KINDS: Kind[] = [
  { name: 'reliable', flags: FLAG_RELIABLE, expectedFlags: FLAG_RELIABLE, reliable: true, sequenced: true,
    sizes: [0, ...SMALL.slice(1)], channels: USED_CHANNELS, limitMs: 5000 },
  { name: 'unreliable sequenced (flags 0)', flags: 0, expectedFlags: 0, reliable: false, sequenced: true,
    sizes: SMALL, channels: USED_CHANNELS, limitMs: 1500 },
  { name: 'unsequenced', flags: FLAG_UNSEQUENCED, expectedFlags: FLAG_UNSEQUENCED, reliable: false,
    sequenced: false, sizes: SMALL, channels: USED_CHANNELS, limitMs: 1500 },
  { name: '16 KiB reliable (fragments)', flags: FLAG_RELIABLE, expectedFlags: FLAG_RELIABLE, reliable: true,
    sequenced: true, sizes: KIB16, channels: USED_CHANNELS, limitMs: 5000 },
  { name: '16 KiB unreliable fragments', flags: FLAG_UNRELIABLE_FRAGMENT, expectedFlags: FLAG_UNRELIABLE_FRAGMENT,
    reliable: false, sequenced: true, sizes: KIB16, channels: USED_CHANNELS, limitMs: 1500 },
  { name: '1 MiB reliable', flags: FLAG_RELIABLE, expectedFlags: FLAG_RELIABLE, reliable: true, sequenced: true,
    sizes: [MIB], channels: [5], limitMs: 8000 },
];

/** Of each unreliable kind, at least this share must make the round trip (loopback loses ~none). */
const UNRELIABLE_MIN_SHARE = 0.8;

interface Sent { index: number; channel: number; bytes: Uint8Array; hash: number }

function keyOf(channel: number, length: number, hash: number): string {
  return `${channel}/${length}/${hash}`;
}

/**
 * The 1 MiB packet: an incompressible quarter, then compressible bytes, so that with the range
 * coder most of its datagrams really travel compressed (and some do not).
 */
function mibPayload(seed: number): Uint8Array {
  const bytes = payload(MIB, seed * 2);
  bytes.set(payload((MIB * 3) / 4, seed * 2 + 1), MIB / 4);
  return bytes;
}

/**
 * For one side's receipts (in arrival order, already matched to sent indexes), checks the
 * delivery guarantees of `kind` per channel and how many must have arrived.
 */
function checkDelivery(kind: Kind, sent: Sent[], got: { channel: number; index: number }[], side: string): void {
  for (const channel of kind.channels) {
    const expected = sent.filter((packet) => packet.channel === channel).map((packet) => packet.index);
    const arrived = got.filter((packet) => packet.channel === channel).map((packet) => packet.index);
    if (kind.reliable) {
      expect(arrived, `${side}: every reliable packet on channel ${channel}, in order`).toEqual(expected);
    } else if (kind.sequenced) {
      const increasing = arrived.every((index, i) => i === 0 || index > arrived[i - 1]);
      expect(increasing, `${side}: sequenced packets on channel ${channel} in order, got ${arrived}`).toBe(true);
    } else {
      expect(new Set(arrived).size, `${side}: no unsequenced packet twice on channel ${channel}`)
        .toBe(arrived.length);
    }
  }
  if (kind.reliable) {
    expect(got.length, `${side}: all reliable packets`).toBe(sent.length);
  } else {
    expect(got.length, `${side}: at least ${UNRELIABLE_MIN_SHARE * 100}% of ${sent.length} unreliable packets`)
      .toBeGreaterThanOrEqual(Math.ceil(sent.length * UNRELIABLE_MIN_SHARE));
    expect(got.length).toBeLessThanOrEqual(sent.length);
  }
}

/** Sends every packet of `kind` to the echo and checks both legs. */
async function exchange(session: Session, kind: Kind, range: boolean): Promise<void> {
  const { ts, c, peer } = session;
  const connection = ts.connection;
  const seedBase = 1000 * (KINDS.indexOf(kind) + 1);
  // A zero-length packet cannot cross a range-coded link with stock ENet 1.3.18: its
  // enet_range_coder_compress dereferences the empty buffer's NULL data (see the isolated
  // test at the end of this file), so the stock echo peer would crash echoing it.
  const sizes = range ? kind.sizes.filter((length) => length > 0) : kind.sizes;
  const sent: Sent[] = sizes.map((size, index) => {
    const bytes = size === MIB ? mibPayload(seedBase + index) : payload(size, seedBase + index);
    return { index, channel: kind.channels[index % kind.channels.length], bytes, hash: fnv1a(bytes) };
  });
  const byKey = new Map(sent.map((packet) => [keyOf(packet.channel, packet.bytes.length, packet.hash), packet]));
  expect(byKey.size, 'test packets must be distinguishable').toBe(sent.length);

  ts.pump();
  connection.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
  connection.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA);
  const cBefore = c.received.length;
  const tsBefore = ts.received.length;
  expect(cBefore).toBe(0);
  expect(tsBefore).toBe(0);

  for (const packet of sent) {
    expect(peer.send(packet.channel, packet.bytes, kind.flags), `send #${packet.index}`).toBe(ErrorCode.OK);
    if (!kind.reliable) {
      // Pace unreliable traffic: one packet per service, well within ENet's throttle and the
      // socket buffers, so that losses would point at a bug rather than at a burst.
      ts.pump();
      await sleep(2);
    }
  }

  const complete = () => c.received.length >= sent.length && ts.received.length >= sent.length;
  if (kind.reliable) {
    await until(ts, c, complete, kind.limitMs, `${sent.length} reliable packets echoed`);
  } else {
    await until(ts, c, complete, kind.limitMs);
  }
  // A moment more, so that a duplicate or stray echo would be seen too.
  await until(ts, c, () => false, 30);

  // TS -> C: what the stock ENet peer received, by its own account.
  const cReports = c.received;
  const cUnmatched = cReports.filter((r) => !byKey.has(keyOf(r.channel, r.length, r.hash)));
  expect(cUnmatched, 'C side received packets that were not sent (corrupted bytes or wrong channel)').toEqual([]);
  expect(cReports.map((r) => r.flags), 'flags the C side reports').toEqual(cReports.map(() => kind.expectedFlags));
  const cGot = cReports.map((r) => ({ channel: r.channel, index: byKey.get(keyOf(r.channel, r.length, r.hash))!.index }));
  checkDelivery(kind, sent, cGot, 'TS -> C');

  // C -> TS: the echoes, byte for byte.
  const echoes = ts.received;
  const tsGot: { channel: number; index: number }[] = [];
  for (const echo of echoes) {
    expect(echo.peer).toBe(peer);
    const match = byKey.get(keyOf(echo.channel, echo.bytes.length, fnv1a(echo.bytes)));
    expect(match, `echo of ${echo.bytes.length} bytes on channel ${echo.channel} matches a sent packet`)
      .toBeDefined();
    expect(sameBytes(echo.bytes, match!.bytes), `echo of packet #${match!.index} is byte-exact`).toBe(true);
    expect(echo.flags, `getPacketFlags() of the echo of packet #${match!.index}`).toBe(kind.expectedFlags);
    tsGot.push({ channel: echo.channel, index: match!.index });
  }
  checkDelivery(kind, sent, tsGot, 'C -> TS');
  // The C side only echoes what it received.
  const cIndexes = new Set(cGot.map((packet) => packet.index));
  expect(tsGot.filter((packet) => !cIndexes.has(packet.index))).toEqual([]);
  expect(peer.getAvailablePacketCount()).toBe(0);

  if (totalLength(sent) >= MIB) {
    // The 1 MiB packet is mostly compressible (to ~0.35 MiB): with the range coder both
    // directions must travel well below its size, which proves both ends compressed (and,
    // the bytes being exact, decompressed); without it, at least its size. The margin
    // absorbs retransmissions, which the slower range-coded receive path does cause.
    const sentData = connection.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
    const receivedData = connection.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA);
    if (range) {
      expect(sentData, 'bytes on the wire TS -> C with the range coder').toBeLessThan(0.9 * MIB);
      expect(receivedData, 'bytes on the wire C -> TS with the range coder').toBeLessThan(0.9 * MIB);
    } else {
      expect(sentData, 'bytes on the wire TS -> C, uncompressed').toBeGreaterThanOrEqual(MIB);
      expect(receivedData, 'bytes on the wire C -> TS, uncompressed').toBeGreaterThanOrEqual(MIB);
    }
  }
}

function totalLength(sent: Sent[]): number {
  return sent.reduce((total, packet) => total + packet.bytes.length, 0);
}

// ---- tests --------------------------------------------------------------------------------------

const MODES = [
  { label: 'without compression', range: false },
  { label: 'with the range coder', range: true },
];

describe.each(MODES)('interop with stock ENet 1.3.18, $label', ({ range }) => {
  describe('TS client -> C server (echo)', () => {
    it.each(KINDS)('$name packets round-trip intact on their channels with their flags', async (kind) => {
      const session = await tsClientToCServer(range, 100 + KINDS.indexOf(kind));
      await exchange(session, kind, range);
    }, 15_000);
  });

  describe('C client -> TS server (echo)', () => {
    it.each(KINDS)('$name packets round-trip intact on their channels with their flags', async (kind) => {
      const session = await cClientToTsServer(range);
      await exchange(session, kind, range);
    }, 15_000);
  });
});

describe('interop with stock ENet 1.3.18: connect and disconnect data', () => {
  it.each([0, 42, 0xfedcba98, 0xffffffff])('the C server reports the TS client\'s connect data %d', async (data) => {
    const session = await tsClientToCServer(false, data);
    expect(session.c.connects).toEqual([data]);
  });

  it('the TS server reports the C client\'s connect data 7', async () => {
    const session = await cClientToTsServer(false);
    expect(session.ts.connects[0].data).toBe(C_CLIENT_CONNECT_DATA);
  });

  it.each(MODES)('a TS client disconnects gracefully with data, $label', async ({ range }) => {
    const { ts, c, peer } = await tsClientToCServer(range, 5);
    expect(peer.peerDisconnect(0xdeadbeef)).toBe(ErrorCode.OK);
    await until(ts, c, () => ts.disconnects.length > 0 && c.disconnects.length > 0, 3000,
      'DISCONNECT on both sides');
    expect(c.disconnects).toEqual([0xdeadbeef]);
    expect(ts.disconnects).toHaveLength(1);
    // The side that asked gets ENet's DISCONNECT with data 0 once the remote acknowledges.
    expect(ts.disconnects[0]).toMatchObject({ type: EventType.EVENT_DISCONNECT, data: 0 });
    expect(ts.disconnects[0].peer).toBe(peer);
    expect(peer.isActive()).toBe(false);
    expect(ts.connection.getPeers()).toEqual([]);
  });

  it.each(MODES)('a TS server disconnects a C client gracefully with data, $label', async ({ range }) => {
    const { ts, c, peer } = await cClientToTsServer(range);
    expect(peer.peerDisconnect(123456789)).toBe(ErrorCode.OK);
    await until(ts, c, () => ts.disconnects.length > 0 && c.disconnects.length > 0, 3000,
      'DISCONNECT on both sides');
    expect(c.disconnects).toEqual([123456789]);
    expect(ts.disconnects).toHaveLength(1);
    expect(ts.disconnects[0]).toMatchObject({ type: EventType.EVENT_DISCONNECT, data: 0 });
    expect(ts.disconnects[0].peer).toBe(peer);
    expect(peer.isActive()).toBe(false);
  });

  it('a TS client\'s disconnect data arrives after its queued reliable packets', async () => {
    const { ts, c, peer } = await tsClientToCServer(false, 9);
    const bytes = payload(3000, 77);
    expect(peer.send(1, bytes, FLAG_RELIABLE)).toBe(ErrorCode.OK);
    expect(peer.peerDisconnectLater(31337)).toBe(ErrorCode.OK);
    await until(ts, c, () => ts.disconnects.length > 0 && c.disconnects.length > 0, 3000,
      'DISCONNECT on both sides');
    expect(c.received).toEqual([{ channel: 1, flags: FLAG_RELIABLE, length: 3000, hash: fnv1a(bytes) }]);
    expect(c.disconnects).toEqual([31337]);
    expect(c.lines.indexOf('DISCONNECT 31337')).toBeGreaterThan(c.lines.findIndex((l) => l.startsWith('RECV ')));
  });
});

describe('range coder and an empty packet (isolated in a child process)', () => {
  // Stock ENet 1.3.18's enet_range_coder_compress reads the first byte of every buffer it
  // moves to, even an empty one; a zero-length packet has data == NULL, so ENet segfaults
  // while building the datagram (stock C ENet does the same: a plain C program with two
  // range-coded hosts crashes identically). Through this addon that is one ordinary JS call
  // killing the whole Node process, so it runs in a child: the assertion is that the process
  // survives, and that a send reported OK delivers the empty packet.
  it('sending a zero-length packet with COMPRESS_RANGE_CODER does not crash the process', () => {
    const root = resolve(__dirname, '..');
    const dir = mkdtempSync(join(tmpdir(), 'godot-enet-interop-'));
    try {
      const script = join(dir, 'empty-packet.ts');
      writeFileSync(script, `
        import { CompressionMode, ENetConnection, EventType } from ${JSON.stringify(join(root, 'lib/index'))};
        const srv = new ENetConnection();
        srv.createHostBound('127.0.0.1', 0, 1);
        srv.compress(CompressionMode.COMPRESS_RANGE_CODER);
        const cli = new ENetConnection();
        cli.createHost(1);
        cli.compress(CompressionMode.COMPRESS_RANGE_CODER);
        const peer = cli.connectToHost('127.0.0.1', srv.getLocalPort(), 1, 0)!;
        const received: number[] = [];
        let connected = false;
        const pump = (ms: number, done: () => boolean) => {
          for (const deadline = Date.now() + ms; Date.now() < deadline && !done();) {
            for (const host of [srv, cli]) {
              for (let e = host.service(1); e.type !== EventType.EVENT_NONE; e = host.service(0)) {
                if (e.type === EventType.EVENT_CONNECT && host === cli) connected = true;
                if (e.type === EventType.EVENT_RECEIVE) received.push(e.peer!.getPacket()!.length);
              }
            }
          }
        };
        pump(3000, () => connected);
        const result = peer.send(0, new Uint8Array(0), 1);
        process.stdout.write('SENT ' + result + '\\n');
        pump(1500, () => received.length > 0);
        process.stdout.write('RESULT ' + JSON.stringify({ connected, result, received }) + '\\n');
        srv.destroy();
        cli.destroy();
      `);
      const child = spawnSync(process.execPath, [join(root, 'node_modules/vite-node/vite-node.mjs'), script],
        { cwd: root, encoding: 'utf8', timeout: 15_000 });
      const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      expect({ status: child.status, signal: child.signal }, `child output:\n${child.stdout}${child.stderr}`)
        .toEqual({ status: 0, signal: null });
      const outcome = JSON.parse(line!.slice('RESULT '.length));
      expect(outcome.connected).toBe(true);
      if (outcome.result === ErrorCode.OK) expect(outcome.received).toEqual([0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
