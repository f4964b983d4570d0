// `godot-enet bots` and runBots against our own dedicated server (SceneMultiplayerServer in this
// process, and `godot-enet serve` as a child): the summary holds what the server saw, raw bytes
// and RPCs, worker threads, failures, disconnects, the exit status, Ctrl-C and the chart.
// test/godot/bots.test.ts runs the bots against the real Godot 4 server.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BotsRpc, BotsSummary, Float, runBots, SceneMultiplayerServer, TransferMode, Vector2, Vector3i,
} from '../lib/index';
import { botsChart } from '../lib/bots/chart';
import { runScript, ScriptRun } from './fixtures/processes';
import { expectENetError, freeUdpPort } from './helpers';

const bin = resolve(__dirname, '../bin/godot-enet.js');
const servers: SceneMultiplayerServer[] = [];
const runs: ScriptRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) run.kill();
  await Promise.all(servers.splice(0).map((server) => server.close(0)));
});

/** The @rpc methods of /root/Bots, as test/godot/project/bots_node.gd declares them (`--rpc-config`). */
const rpcConfig = join(__dirname, 'fixtures/bots-rpc.json');
const BOTS_RPC_NODES = JSON.parse(readFileSync(rpcConfig, 'utf8')) as BotsRpc['nodes'];

/** A server on a free port of 127.0.0.1 counting what it receives, echoing raw bytes (`echo`). */
function countingServer(options: { echo?: boolean; maxClients?: number } = {}) {
  const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1', maxClients: options.maxClients ?? 64 });
  servers.push(server);
  const counts = { joined: 0, packets: 0, bytes: 0, modes: new Set<TransferMode>(), channels: new Set<number>(), calls: 0 };
  server.on('peerConnected', () => counts.joined++);
  server.on('peerPacket', (id, bytes, mode, channel) => {
    counts.packets++;
    counts.bytes += bytes.length;
    counts.modes.add(mode);
    counts.channels.add(channel);
    if (options.echo) server.sendBytes(bytes, id, mode, channel);
  });
  server.addNode('/root/Bots', {
    ...BOTS_RPC_NODES['/root/Bots'],
    bot_rpc: {
      ...BOTS_RPC_NODES['/root/Bots'].bot_rpc,
      call: (sender: number, data: Buffer) => {
        counts.calls++;
        counts.bytes += data.length;
        server.rpcId(sender, '/root/Bots', 'reply', data.length);
      },
    },
  });
  server.start();
  return { server, port: server.getPort(), counts };
}

/** `godot-enet …` as a child process. */
function cli(args: string[]): ScriptRun {
  const run = runScript(bin, args);
  runs.push(run);
  return run;
}

/** The last stdout line of a `--json` run, parsed. */
const jsonSummary = (run: ScriptRun): BotsSummary => JSON.parse(run.stdout().trim().split('\n').pop()!) as BotsSummary;

describe('runBots', () => {
  it('bots join, send raw bytes at the rate, and the summary holds what the server counted and echoed', async () => {
    const { port, counts } = countingServer({ echo: true });
    const summary = await runBots({ address: '127.0.0.1', port, count: 20, durationS: 1.5, rateHz: 20, size: 48, threads: 1 });
    expect(summary).toMatchObject({ bots: 20, threads: 1, joined: 20, failed: 0, failures: {}, disconnects: 0, interrupted: false });
    expect(counts.joined).toBe(20);
    expect(summary.sent.packets).toBe(counts.packets);
    expect(summary.sent.bytes).toBe(counts.bytes);
    expect(summary.sent.bytes).toBe(summary.sent.packets * 48);
    // 20 bots × 20 Hz × 1.5 s, give or take a tick each
    expect(summary.sent.packets).toBeGreaterThanOrEqual(20 * 29);
    expect(summary.sent.packets).toBeLessThanOrEqual(20 * 32);
    expect(summary.sent.errors).toBe(0);
    expect([...counts.modes]).toEqual([TransferMode.TRANSFER_MODE_RELIABLE]);
    expect(summary.received.fromServer).toEqual({ packets: counts.packets, bytes: counts.bytes });
    expect(summary.received.relayed).toEqual({ packets: 0, bytes: 0 });
    expect(summary.sent.datagrams).toBeGreaterThan(0);
    expect(summary.received.wireBytes).toBeGreaterThan(summary.received.bytes);
    expect(summary.joinMs.samples).toBe(20);
    expect(summary.joinMs.p50).toBeGreaterThan(0);
    expect(summary.rttMs.samples).toBeGreaterThan(0);
    expect(summary.rttMs.p99).toBeGreaterThanOrEqual(summary.rttMs.p50!);
    expect(summary.loss.p50).toBe(0);
  });

  it('spreads bots over worker threads, with --mode and --channel, and a ramp gives one timeline entry a second', async () => {
    const { port, counts } = countingServer();
    const seconds: number[] = [];
    const summary = await runBots({
      address: 'localhost', port, count: 30, durationS: 1, rampPerSecond: 20, rateHz: 10, threads: 2,
      mode: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, channel: 3, onProgress: (at) => seconds.push(at.elapsedS),
    });
    expect(summary).toMatchObject({ threads: 2, joined: 30, failed: 0, disconnects: 0 });
    // ENet's throttle may drop unreliable packets when round trips swing (a loaded machine).
    expect(counts.packets).toBeLessThanOrEqual(summary.sent.packets);
    expect(counts.packets).toBeGreaterThan(summary.sent.packets * 0.8);
    expect([...counts.modes]).toEqual([TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED]);
    expect([...counts.channels]).toEqual([3]);
    expect(seconds).toEqual(summary.timeline.map((at) => at.elapsedS));
    expect(seconds.slice(0, 2)).toEqual([1, 2]);
    expect(summary.timeline.at(-1)!.joined).toBe(30);
    expect(summary.timeline[0].started).toBeLessThan(30); // 20 a second: the last starts at 1.45 s
  });

  it('calls an RPC declared as the server has it, and counts the server\'s answers', async () => {
    const { port, counts } = countingServer();
    const summary = await runBots({
      address: '127.0.0.1', port, count: 10, durationS: 1, rateHz: 10, size: 16,
      rpc: { path: '/root/Bots', method: 'bot_rpc', nodes: BOTS_RPC_NODES },
    });
    expect(summary).toMatchObject({ joined: 10, failed: 0 });
    expect(summary.sent.packets).toBe(counts.calls);
    expect(counts.bytes).toBe(counts.calls * 16);
    expect(summary.received.fromServer.packets).toBe(counts.calls); // one reply(size) each
  });

  it('fills each parameter type of the RPC as documented; Godot\'s type checks accept every call', async () => {
    const types = ['String', 'StringName', 'int', 'float', 'bool', 'Vector2', 'Vector3i', 'Dictionary', 'Array', 'PackedByteArray', 'Variant'];
    const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' });
    servers.push(server);
    const calls: unknown[][] = [];
    const refused: string[] = [];
    server.addNode('/root/Typed', { all: { mode: 'any_peer', args: types, call: (_sender, ...args) => calls.push(args) } });
    server.on('rpcRefused', (_id, reason) => refused.push(reason));
    server.start();
    const summary = await runBots({
      address: '127.0.0.1', port: server.getPort(), count: 2, durationS: 0.5, rateHz: 4, size: 5,
      rpc: { path: 'Typed', method: 'all', nodes: { '/root/Typed': { all: { mode: 'any_peer', args: types } } } },
    });
    expect(refused).toEqual([]);
    expect(calls.length).toBe(summary.sent.packets);
    const [text, name, sequence, number, flag, vector, vectorI, dictionary, array, bytes, untyped] = calls[0];
    expect([text, String(name), typeof sequence, flag]).toEqual(['xxxxx', 'xxxxx', 'number', true]);
    expect(number).toBeInstanceOf(Float); // a float that is whole, kept a float
    expect([vector, vectorI]).toEqual([new Vector2(), new Vector3i()]);
    expect([dictionary, array]).toEqual([new Map(), []]);
    expect([bytes, untyped]).toEqual([Buffer.alloc(5, 0x42), Buffer.alloc(5, 0x42)]);
  });

  it('a bot that cannot join fails with the reason, and one the server kicks is a disconnect', async () => {
    const nobody = await freeUdpPort();
    const unreachable = await runBots({ address: '127.0.0.1', port: nobody, count: 3, durationS: 0, joinTimeoutMs: 300 });
    expect(unreachable).toMatchObject({ joined: 0, failed: 3, failures: { 'join timed out': 3 } });
    expect(unreachable.joinMs.p50).toBeNull();

    const { server, port } = countingServer();
    server.on('peerConnected', (id) => { if (server.getPeerIds().length === 1) setTimeout(() => server.kick(id), 200); });
    const kicked = await runBots({ address: '127.0.0.1', port, count: 4, durationS: 1.5, rateHz: 5 });
    expect(kicked).toMatchObject({ joined: 4, failed: 0, disconnects: 1 });
  });

  it('stops early on its signal: the bots leave and the summary still comes, interrupted', async () => {
    const { server, port } = countingServer();
    const aborter = new AbortController();
    server.on('peerConnected', () => { if (server.getPeerIds().length === 5) aborter.abort(); });
    const started = Date.now();
    const summary = await runBots({ address: '127.0.0.1', port, count: 5, durationS: 60, signal: aborter.signal });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary).toMatchObject({ interrupted: true, joined: 5, disconnects: 0 });
    await expect.poll(() => server.getPeerIds().length, { timeout: 5000 }).toBe(0);
  });

  it('refuses bad options with ERR_INVALID_PARAMETER', async () => {
    const base = { address: '127.0.0.1', port: 7777, count: 1 };
    await expectENetErrorAsync(runBots({ ...base, count: 0 }));
    await expectENetErrorAsync(runBots({ ...base, rateHz: -1 }));
    await expectENetErrorAsync(runBots({ ...base, size: 0 }));
    await expectENetErrorAsync(runBots({ ...base, rpc: { path: '/root/Bots', method: 'nope', nodes: BOTS_RPC_NODES } }));
    await expectENetErrorAsync(runBots({
      ...base, rpc: { path: '/root/Bots', method: 'bot_rpc', nodes: { '/root/Bots': { bot_rpc: { args: ['Callable'] } } } },
    }));
    await expectENetErrorAsync(runBots({ ...base, dtlsCa: 'PEM' }));
  });

  it('draws round-trip time and loss against bots joined as SVG', () => {
    const at = (elapsedS: number, joined: number, rtt: number) => ({
      elapsedS, started: joined, joined, failed: 0, disconnected: 0,
      rttMs: { p50: rtt, p99: rtt * 2, max: rtt * 2, samples: joined }, loss: { p50: 0, p99: 0.01, max: 0.01, samples: joined },
    });
    const svg = botsChart({ bots: 20, joined: 20, timeline: [at(1, 10, 2), at(2, 20, 4)] } as BotsSummary);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<polyline /g)).toHaveLength(3); // RTT p50, RTT p99, loss p99
    expect(svg).toContain('20/20 joined');
  });
});

async function expectENetErrorAsync(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => null, (err: unknown) => err);
  expectENetError(() => { if (error) throw error; }, 'ERR_INVALID_PARAMETER');
}

describe('godot-enet bots', () => {
  it('against godot-enet serve on ::1: --json prints the summary last, exit 0; --chart writes the SVG', async () => {
    const port = await freeUdpPort();
    const serve = cli(['serve', '--port', String(port), '--bind', '::1', '--stats-interval', '0']);
    await serve.line(/"event":"listening"/, 10_000);
    const chart = join(mkdtempSync(join(tmpdir(), 'godot-enet-bots-')), 'bots.svg');
    const bots = cli(['bots', '--server', `[::1]:${port}`, '--count', '10', '--duration', '1', '--ramp', '10',
      '--rate', '20', '--size', '100', '--mode', 'unreliable', '--json', '--chart', chart]);
    expect((await bots.exited).code).toBe(0);
    const summary = jsonSummary(bots);
    expect(summary).toMatchObject({ bots: 10, joined: 10, failed: 0, disconnects: 0 });
    expect(summary.sent.bytes).toBe(summary.sent.packets * 100);
    for (const key of ['joinMs', 'rttMs', 'loss'] as const) expect(Object.keys(summary[key])).toEqual(expect.arrayContaining(['p50', 'p99']));
    expect(readFileSync(chart, 'utf8')).toContain('<polyline');
  });

  it('exits 1 with the reasons when bots cannot join; usage errors exit 2', async () => {
    const nobody = await freeUdpPort();
    const bots = cli(['bots', '--server', `127.0.0.1:${nobody}`, '--count', '2', '--duration', '0', '--join-timeout', '300']);
    expect((await bots.exited).code).toBe(1);
    expect(bots.stdout()).toMatch(/joined: 0 +failed: 2 \(2 × join timed out\)/);

    const dir = mkdtempSync(join(tmpdir(), 'godot-enet-bots-'));
    writeFileSync(join(dir, 'rpc.json'), '{ not json');
    for (const args of [['--count', '1'], ['--server', 'nowhere', '--count', '1'], ['--server', '127.0.0.1:1'],
      ['--server', '127.0.0.1:1', '--count', '1', '--mode', 'fast'],
      ['--server', '127.0.0.1:1', '--count', '1', '--rpc', 'Bots:bot_rpc'],
      ['--server', '127.0.0.1:1', '--count', '1', '--rpc', 'Bots:bot_rpc', '--rpc-config', join(dir, 'rpc.json')]]) {
      const usage = cli(['bots', ...args]);
      expect((await usage.exited).code, args.join(' ')).toBe(2);
      expect(usage.stderr()).toMatch(/^godot-enet: .*\nRun godot-enet --help/);
    }
  });

  it('on SIGINT the bots leave gracefully and the summary is still printed', async () => {
    const { server, port } = countingServer();
    const bots = cli(['bots', '--server', `127.0.0.1:${port}`, '--count', '4', '--duration', '60', '--json']);
    await expect.poll(() => server.getPeerIds().length, { timeout: 15_000 }).toBe(4);
    bots.child.kill('SIGINT');
    expect((await bots.exited).code).toBe(0);
    expect(jsonSummary(bots)).toMatchObject({ interrupted: true, joined: 4, disconnects: 0 });
    await expect.poll(() => server.getPeerIds().length, { timeout: 5000 }).toBe(0);
  });
});
