// `godot-enet serve --agones` and AgonesGameServer against Agones' own SDK server (--local mode):
// the image's command (Dockerfile) runs as a child process with Godot-like clients joining it,
// and the GameServer is read back over the SDK server's HTTP API, as Agones would see it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgonesGameServer, SceneMultiplayerServer } from '../lib/index';
import { describeAgones, GameServerJson, SdkServer, startSdkServer } from './agones-sdk-server';
import { agonesResource, imageCommand, Resource, root } from './deploy-files';
import { runProgram, runScript, ScriptRun } from './fixtures/processes';
import { GodotClient, until } from './godot-client';
import { expectENetError, freeTcpPort, freeUdpPort } from './helpers';
import { slow } from './sanitized';

const bin = resolve(__dirname, '../bin/godot-enet.js');
/** The image's command without the program name: `serve --agones …`. */
const imageArgs = imageCommand().slice(1);

/**
 * deploy/agones/gameserver.yaml as the SDK server's GameServer, still Scheduled. The local SDK
 * server takes status as given (in a cluster the controller fills it from spec), so the
 * declared lists are copied there.
 */
function scheduledGameServer(): Resource {
  const gameServer = agonesResource('gameserver.yaml');
  const lists = Object.fromEntries(Object.entries(gameServer.spec.lists as Record<string, { capacity: number }>)
    .map(([name, list]) => [name, { capacity: list.capacity, values: [] }]));
  return { ...gameServer, metadata: { name: 'godot-enet-test' }, status: { state: 'Scheduled', lists } };
}

async function sdkServer(): Promise<SdkServer> {
  const sdk = await startSdkServer(scheduledGameServer(), mkdtempSync(join(tmpdir(), 'godot-enet-agones-')));
  expect((await sdk.gameServer()).status.state).toBe('Scheduled');
  return sdk;
}

/** The image's command on a free port of 127.0.0.1, with `extra` options, talking to `sdk`. */
async function serve(sdk: SdkServer, extra: string[] = []): Promise<{ run: ScriptRun; port: number }> {
  const port = await freeUdpPort();
  const run = runScript(bin, [...imageArgs, '--port', String(port), '--bind', '127.0.0.1', ...extra], { env: sdk.env });
  await run.line(/"event":"agones-ready"/, 15_000 * slow);
  return { run, port };
}

function logs(run: ScriptRun, event: string): Record<string, unknown>[] {
  return run.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === event);
}

const players = (gameServer: GameServerJson): string[] => [...gameServer.status.lists.players.values].sort();
const ids = (...clients: GodotClient[]): string[] => clients.map((client) => String(client.id)).sort();

describeAgones('godot-enet serve --agones', () => {
  it('goes Ready, pings health, lists the players who join and leave, goes Allocated, and shuts down once the match empties', async () => {
    const sdk = await sdkServer();
    const { run, port } = await serve(sdk, ['--max-clients', '4', '--exit-when-empty', '0.5', '--health-interval', '0.1',
      '--label', 'mode=ctf', '--annotation', 'map=harbour']);
    const ready = await sdk.waitFor((gameServer) => gameServer.status.state === 'Ready', 'Ready');
    expect(ready.status.lists.players).toEqual({ capacity: '4', values: [] });
    expect(ready.object_meta.labels).toMatchObject({ 'agones.dev/sdk-mode': 'ctf' });
    expect(ready.object_meta.annotations).toMatchObject({ 'agones.dev/sdk-map': 'harbour' });
    await until(() => sdk.healthPings() >= 3, 5000 * slow, 'health pings');

    const a = await new GodotClient().connect(port);
    const b = await new GodotClient().connect(port);
    await sdk.waitFor((gameServer) => players(gameServer).join() === ids(a, b).join(), 'both players listed');
    await sdk.allocate();
    await run.line(/"event":"agones-allocated"/, 5000 * slow);
    expect(logs(run, 'agones-allocated')[0]).toMatchObject({ name: 'godot-enet-test' });

    a.peer!.peerDisconnect();
    const left = await sdk.waitFor((gameServer) => players(gameServer).join() === ids(b).join(), 'the first player gone');
    expect(left.status.state).toBe('Allocated');
    // One player left: the match goes on.
    expect(run.exit).toBeNull();

    b.peer!.peerDisconnect();
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const over = await sdk.gameServer();
    expect(over.status.state).toBe('Shutdown');
    expect(players(over)).toEqual([]);
    expect(logs(run, 'agones-shutdown')).toEqual([expect.objectContaining({ reason: 'empty' })]);
    expect(logs(run, 'agones-error')).toEqual([]);
  });

  it('--refuse-until-allocated turns clients away until Allocated; SIGTERM disconnects the players and ends in Shutdown', async () => {
    const sdk = await sdkServer();
    const { run, port } = await serve(sdk, ['--refuse-until-allocated']);
    await sdk.waitFor((gameServer) => gameServer.status.state === 'Ready', 'Ready');
    const early = await new GodotClient().connect(port);
    await early.waitFor(() => early.disconnectData !== null, 'to be turned away');
    expect(logs(run, 'peer-joined')).toEqual([]);

    await sdk.allocate();
    await run.line(/"event":"agones-allocated"/, 5000 * slow);
    const player = await new GodotClient().connect(port);
    await sdk.waitFor((gameServer) => players(gameServer).join() === ids(player).join(), 'the player listed');
    expect(player.disconnectData).toBeNull();

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    // A graceful ENet disconnect, not a timeout.
    expect(player.disconnectData).toBe(0);
    const over = await sdk.gameServer();
    expect(over.status.state).toBe('Shutdown');
    expect(players(over)).toEqual([]);
    expect(logs(run, 'agones-shutdown')).toEqual([expect.objectContaining({ reason: 'SIGTERM' })]);
  });

  it('AgonesGameServer withholds the health ping after the event loop stalled, and closing the server shuts down', async () => {
    const sdk = await sdkServer();
    const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' }).start();
    const previousPort = process.env.AGONES_SDK_GRPC_PORT;
    process.env.AGONES_SDK_GRPC_PORT = String(sdk.grpcPort);
    const agones = new AgonesGameServer(server, { capacity: 8, healthIntervalMs: 100, stallThresholdMs: 400 });
    try {
      await agones.start();
    } finally {
      if (previousPort === undefined) delete process.env.AGONES_SDK_GRPC_PORT;
      else process.env.AGONES_SDK_GRPC_PORT = previousPort;
    }
    const withheld: number[] = [];
    agones.on('healthWithheld', (stalledMs) => withheld.push(stalledMs));
    await sdk.waitFor((gameServer) => gameServer.status.state === 'Ready', 'Ready');
    await until(() => sdk.healthPings() >= 2, 5000 * slow, 'health pings');

    // Only this stall counts (a loaded machine may stall briefly before it).
    withheld.length = 0;
    const stallUntil = Date.now() + 1000;
    while (Date.now() < stallUntil) { /* a wedged event loop */ }
    await until(() => withheld.length > 0, 2000 * slow, 'a withheld ping');
    expect(Math.max(...withheld)).toBeGreaterThanOrEqual(900);
    // Pings resume once the loop is healthy again.
    const afterStall = sdk.healthPings();
    await until(() => sdk.healthPings() >= afterStall + 2, 5000 * slow, 'pings to resume');

    const reasons: string[] = [];
    agones.on('shutdown', (reason) => reasons.push(reason));
    await server.close();
    await sdk.waitFor((gameServer) => gameServer.status.state === 'Shutdown', 'Shutdown');
    await until(() => reasons.length === 1, 5000 * slow, 'the shutdown event');
    expect(reasons).toEqual(['server-closed']);
  });

  it("docs/scaling.md's Node example goes Ready with its options and ends in Shutdown on SIGTERM", async () => {
    const sdk = await sdkServer();
    const example = /## In your own Node server\s+```js\n([\s\S]*?)```/.exec(readFileSync(join(root, 'docs/scaling.md'), 'utf8'))?.[1];
    expect(example).toBeDefined();
    const code = example!.replaceAll('7777', String(await freeUdpPort()));
    const run = runProgram(process.execPath, ['-e', code], { cwd: root, env: { ...process.env, ...sdk.env } });
    await run.line(/^Ready$/, 15_000 * slow);
    const ready = await sdk.waitFor((gameServer) => gameServer.status.state === 'Ready', 'Ready');
    expect(ready.status.lists.players.capacity).toBe('16');
    expect(ready.object_meta.labels).toMatchObject({ 'agones.dev/sdk-mode': 'ctf' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect((await sdk.gameServer()).status.state).toBe('Shutdown');
  });
});

describe('godot-enet serve --agones without Agones', () => {
  it('exits 1 with a clear error when the SDK sidecar is down, and does not hang', async () => {
    const grpcPort = await freeTcpPort();
    const run = runScript(bin, ['serve', '--port', '0', '--bind', '127.0.0.1', '--agones', '--agones-timeout', '1'],
      { env: { AGONES_SDK_GRPC_PORT: String(grpcPort) } });
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain(`godot-enet: cannot reach the Agones SDK sidecar at localhost:${grpcPort} within 1 s`);
    expect(logs(run, 'agones-ready')).toEqual([]);
  });

  it('exits 1 saying how to install the SDK when the optional package is missing', async () => {
    const run = runProgram(process.execPath, ['-r', join(__dirname, 'fixtures/without-agones-sdk.js'), bin, 'serve',
      '--port', '0', '--bind', '127.0.0.1', '--agones'], { env: process.env });
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain('run `npm install @google-cloud/agones-sdk`');
  });

  it('AgonesGameServer checks its options, and start() needs a started server', async () => {
    const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' });
    expectENetError(() => new AgonesGameServer(server, { capacity: 1001 }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new AgonesGameServer(server, { playersList: '' }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new AgonesGameServer(server, { healthIntervalMs: 0 }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new AgonesGameServer(server, { labels: { mode: 1 as unknown as string } }), 'ERR_INVALID_PARAMETER');
    await expect(new AgonesGameServer(server).start()).rejects.toMatchObject({ code: 'ERR_UNCONFIGURED' });
  });

  it('explains bad Agones options with exit status 2', async () => {
    const alone = runScript(bin, ['serve', '--port', '0', '--exit-when-empty', '5']);
    expect((await alone.exited).code).toBe(2);
    expect(alone.stderr()).toMatch(/--exit-when-empty needs --agones\nRun godot-enet --help/);
    const label = runScript(bin, ['serve', '--port', '0', '--agones', '--label', 'mode']);
    expect((await label.exited).code).toBe(2);
    expect(label.stderr()).toMatch(/--label must be KEY=VALUE, got 'mode'/);
  });
});
