// `godot-enet serve --agones`: the command-line options and the wiring of AgonesGameServer into
// the dedicated server, kept apart from cli.ts.
import { AgonesGameServer, AgonesGameServerOptions, AgonesManagedServer } from './AgonesGameServer';

/** The `serve` options' lines of the usage text. */
export const AGONES_USAGE = `      --agones                   be an Agones game server (needs the optional package @google-cloud/agones-sdk):
                                 Ready once listening, health pings, players in the GameServer's list 'players'
                                 (capacity: --max-clients), Shutdown when the server stops (SIGTERM too)
      --exit-when-empty SECONDS  (--agones) once the match had players and the last one left, wait this long
                                 for another, then stop gracefully and call Shutdown
      --refuse-until-allocated   (--agones) refuse clients until the GameServer is Allocated
      --label KEY=VALUE, --annotation KEY=VALUE
                                 (--agones, repeatable) set on the GameServer (Agones prefixes agones.dev/sdk-)
      --health-interval SECONDS  (--agones) how often to ping health (default 2)
      --agones-timeout SECONDS   (--agones) how long to wait for the SDK sidecar (default 30)`;

/** The `serve` options of parseArgs for Agones. */
export const AGONES_OPTIONS = {
  agones: { type: 'boolean' },
  'exit-when-empty': { type: 'string' },
  'refuse-until-allocated': { type: 'boolean' },
  label: { type: 'string', multiple: true },
  annotation: { type: 'string', multiple: true },
  'health-interval': { type: 'string' },
  'agones-timeout': { type: 'string' },
} as const;

/** The values parseArgs gives for `AGONES_OPTIONS`. */
export interface AgonesValues {
  agones?: boolean;
  'exit-when-empty'?: string;
  'refuse-until-allocated'?: boolean;
  label?: string[];
  annotation?: string[];
  'health-interval'?: string;
  'agones-timeout'?: string;
}

/** A bad option value; the code of parseArgs' own, so that the command prints the usage hint. */
function invalid(message: string): Error {
  return Object.assign(new TypeError(message), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
}

function milliseconds(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < min || seconds * 1000 > 0x7fffffff) {
    throw invalid(`--${name} must be a number of seconds of at least ${min}, got '${value}'`);
  }
  return Math.round(seconds * 1000);
}

function keyValues(name: string, pairs: string[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf('=');
    if (equals < 1) throw invalid(`--${name} must be KEY=VALUE, got '${pair}'`);
    record[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return record;
}

/**
 * The AgonesGameServer options from the command line, or undefined without --agones (then the
 * other Agones options are refused). Throws a usage error for a bad value.
 */
export function agonesOptions(values: AgonesValues, maxClients: number): AgonesGameServerOptions | undefined {
  if (!values.agones) {
    const stray = Object.keys(AGONES_OPTIONS).find((name) => values[name as keyof AgonesValues] !== undefined);
    if (stray) throw invalid(`--${stray} needs --agones`);
    return undefined;
  }
  return {
    capacity: Math.min(maxClients, 1000),
    shutdownWhenEmptyMs: milliseconds('exit-when-empty', values['exit-when-empty'], 0),
    refuseUntilAllocated: values['refuse-until-allocated'] ?? false,
    labels: keyValues('label', values.label),
    annotations: keyValues('annotation', values.annotation),
    healthIntervalMs: milliseconds('health-interval', values['health-interval'], 0.001),
    connectTimeoutMs: milliseconds('agones-timeout', values['agones-timeout'], 0.001),
  };
}

/** One structured log line, as the command writes them. */
export type LogLine = (event: string, fields?: Record<string, unknown>, level?: string) => void;

/**
 * Makes the started `server` an Agones game server and logs what happens; once Shutdown is sent
 * (the match emptied, or the server stopped) the process exits 0. When Agones cannot be reached
 * the server is closed and the error is thrown.
 */
export async function startAgones(server: AgonesManagedServer, options: AgonesGameServerOptions,
  log: LogLine): Promise<AgonesGameServer> {
  const agones = new AgonesGameServer(server, options);
  agones.on('ready', () => log('agones-ready', { port: server.getPort() }));
  agones.on('allocated', (gameServer) => log('agones-allocated', {
    name: gameServer.objectMeta.name, address: gameServer.status.address, ports: gameServer.status.portsList,
  }));
  agones.on('healthWithheld', (stalledMs) => log('agones-health-withheld', { stalledMs }, 'warn'));
  agones.on('sdkError', (call, error) => log('agones-error', { call, error: error.message }, 'warn'));
  agones.on('shutdown', (reason) => {
    log('agones-shutdown', { reason });
    process.exit(0);
  });
  try {
    await agones.start();
  } catch (err) {
    await server.close();
    throw err;
  }
  return agones;
}
