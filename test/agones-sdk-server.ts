// Agones' own SDK server (the sidecar of every game server pod) in its --local mode, which
// Agones documents for developing game servers: one GameServer kept in memory, moved through
// Ready, Allocated and Shutdown as the SDK asks. It is ../shared/agones/sdk-server beside the
// checkout, or $AGONES_SDK_SERVER (see the shared folder's agones/README.md).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { runProgram, ScriptRun } from './fixtures/processes';
import { sleep } from './godot-client';
import { freeTcpPort } from './helpers';
import { slow, withoutSanitizer } from './sanitized';
import { sharedBinary } from './shared-binary';
import { Resource } from './deploy-files';

const agones = sharedBinary('Agones SDK server', 'AGONES_SDK_SERVER', 'agones/sdk-server',
  'set AGONES_SDK_SERVER to the sdk-server binary built from Agones\' source, or put the project\'s shared/ folder '
  + 'beside the checkout');

/** `describe` for a suite that needs the SDK server (skipped without it, failing under CI=true). */
export const describeAgones = agones.describe;

/** The GameServer as the SDK server's HTTP `/gameserver` shows it. */
export interface GameServerJson {
  object_meta: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  status: { state: string; lists: Record<string, { capacity: string; values: string[] }> };
}

/** A running SDK server. */
export interface SdkServer {
  run: ScriptRun;
  /** The environment a game server needs to reach it (AGONES_SDK_GRPC_PORT, AGONES_SDK_HTTP_PORT). */
  env: Record<string, string>;
  grpcPort: number;
  /** The GameServer now. */
  gameServer(): Promise<GameServerJson>;
  /** Waits until the GameServer satisfies `condition`, up to `ms` (10 s; more under a sanitizer). */
  waitFor(condition: (gameServer: GameServerJson) => boolean, what: string, ms?: number): Promise<GameServerJson>;
  /** Allocates the GameServer, as a game's allocator would. */
  allocate(): Promise<void>;
  /** Health pings received so far. */
  healthPings(): number;
}

const running: ScriptRun[] = [];

afterEach(() => {
  for (const run of running.splice(0)) run.kill();
});

/**
 * Starts the SDK server on free ports with `gameServer` as its GameServer (written to a file for
 * `-f`), and waits until it answers. Killed after the test.
 */
export async function startSdkServer(gameServer: Resource, directory: string): Promise<SdkServer> {
  if (!agones.path) throw new Error(`no Agones SDK server: ${agones.howToGet}`);
  const file = join(directory, 'gameserver.json');
  writeFileSync(file, JSON.stringify(gameServer));
  const [grpcPort, httpPort, healthPort] = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort()];
  const run = runProgram(agones.path, ['--local', '--address', '127.0.0.1', '--grpc-port', String(grpcPort),
    '--http-port', String(httpPort), '--health-port', String(healthPort), '-f', file, '--timeout', '120'],
  { env: withoutSanitizer(), label: 'agones sdk-server' });
  running.push(run);
  const http = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${httpPort}${path}`,
    { ...init, signal: AbortSignal.timeout(5000) });
  const sdk: SdkServer = {
    run,
    grpcPort,
    env: { AGONES_SDK_GRPC_PORT: String(grpcPort), AGONES_SDK_HTTP_PORT: String(httpPort) },
    gameServer: async () => (await (await http('/gameserver')).json()) as GameServerJson,
    async waitFor(condition, what, ms = 10_000 * slow) {
      const deadline = Date.now() + ms;
      for (;;) {
        const current = await sdk.gameServer();
        if (condition(current)) return current;
        if (Date.now() > deadline) {
          throw new Error(`timed out after ${ms} ms waiting for the GameServer: ${what}; it is ${JSON.stringify(current)}`);
        }
        await sleep(20);
      }
    },
    async allocate() {
      const response = await http('/allocate', { method: 'POST', body: '{}' });
      if (!response.ok) throw new Error(`allocate: HTTP ${response.status}`);
    },
    healthPings: () => run.stderr().split('Health Ping Received').length - 1,
  };
  const deadline = Date.now() + 10_000 * slow;
  while (!(await sdk.gameServer().then(() => true, () => false))) {
    if (run.exit || Date.now() > deadline) throw new Error(`the SDK server did not start:\n${run.stderr()}`);
    await sleep(50);
  }
  return sdk;
}
