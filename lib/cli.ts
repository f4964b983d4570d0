import { parseArgs } from 'node:util';
import { CryptoKey } from './CryptoKey';
import { CompressionMode } from './ENetConnection';
import { DEFAULT_BUDGETS, PeerBudgets } from './PeerBudget';
import { SceneMultiplayerServer } from './SceneMultiplayerServer';
import { BOTS_USAGE, botsCommand } from './bots/command';
import { AGONES_OPTIONS, AGONES_USAGE, agonesOptions, startAgones } from './agones/serve';
import { SignalingServer } from './mesh/SignalingServer';
import { TLSOptions } from './TLSOptions';
import { X509Certificate } from './X509Certificate';

const USAGE = `Usage:
  godot-enet serve [options]     a dedicated server that stock Godot 4 clients join
      --port N                   UDP port (default 7777)
      --bind IP                  IPv4 or IPv6 address to bind (default *: every address)
      --max-clients N            most clients at once (default 32)
      --compress MODE            none | range_coder | fastlz | zlib | zstd (default none; match the clients)
      --dtls-key FILE --dtls-cert FILE
                                 DTLS with this PEM key and certificate
      --max-peers-per-address N  clients at once from one IP address (default 0: no limit)
      --max-connects-per-second N
                                 new connections per second from one IP address (default 0: no limit)
      --no-relay                 do not announce clients to each other nor relay between them
      --stats-interval SECONDS   how often to log a stats line (default 10; 0: never)
    Per-client budgets (0 turns one off; docs/guide.md, "Per-peer budgets", explains the defaults):
      --packets-per-second N     packets a client may send a second, per client connected
                                 (default 1000; more are dropped)
      --bytes-per-second N       bytes a client may send a second (default 1048576; more are dropped)
      --relay-bytes-per-second N bytes a second a client's relays may make the server send, every
                                 copy counted (default 2097152; more are dropped)
      --max-auth-bytes N         largest auth message (default 16384; larger fails auth)
      --max-relay-bytes N        largest packet relayed (default 65536; larger are dropped)
      --max-malformed N          malformed frames before a client is kicked, forgiven at N a
                                 minute (default 100)
${AGONES_USAGE}
  godot-enet signal [options]    the WebSocket signaling server for ENet meshes
      --port N                   TCP port (default 9080)
      --bind IP                  address to listen on (default: every address)
${BOTS_USAGE}
  godot-enet --help

serve and signal log JSON lines on stdout; SIGINT or SIGTERM stops them gracefully (clients are
disconnected; so does the message 'shutdown' over a Node.js IPC channel, for Windows). bots
prints a summary; Ctrl-C ends its run early, gracefully, with the summary.`;

/** `--compress` names to Godot's compression modes. */
export const COMPRESSION: Record<string, CompressionMode> = {
  none: CompressionMode.COMPRESS_NONE,
  range_coder: CompressionMode.COMPRESS_RANGE_CODER,
  fastlz: CompressionMode.COMPRESS_FASTLZ,
  zlib: CompressionMode.COMPRESS_ZLIB,
  zstd: CompressionMode.COMPRESS_ZSTD,
};

/** Each `serve` budget flag and the budget it sets. */
const BUDGET_FLAGS: Record<string, keyof PeerBudgets> = {
  'packets-per-second': 'packetsPerSecond',
  'bytes-per-second': 'bytesPerSecond',
  'relay-bytes-per-second': 'relayBytesPerSecond',
  'max-auth-bytes': 'maxAuthBytes',
  'max-relay-bytes': 'maxRelayBytes',
  'max-malformed': 'maxMalformed',
};

/** A usage error: printed with a hint, exit status 2. */
export class UsageError extends Error {}

/** One structured log line on stdout. */
function log(event: string, fields: Record<string, unknown> = {}, level = 'info'): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
}

function portOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0 … 65535, got '${value}'`);
  return port;
}

function countOption(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const count = Number(value);
  if (!Number.isFinite(count) || count < min) throw new UsageError(`--${name} must be a number of at least ${min}, got '${value}'`);
  return count;
}

/**
 * Runs `handler` once on SIGINT or SIGTERM, or on the message 'shutdown' from a parent process
 * that started this one with an IPC channel: Windows has no signals between processes (there
 * kill() terminates at once), so that message is how a supervisor stops it gracefully. A second
 * request exits at once.
 */
function onShutdownSignal(handler: (signal: string) => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(1);
    stopping = true;
    handler(signal).then(() => process.exit(0), (err: unknown) => {
      log('shutdown-failed', { error: String(err) }, 'error');
      process.exit(1);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal));
  if (process.send) process.on('message', (message) => { if (message === 'shutdown') stop('shutdown'); });
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      bind: { type: 'string' },
      'max-clients': { type: 'string' },
      compress: { type: 'string' },
      'dtls-key': { type: 'string' },
      'dtls-cert': { type: 'string' },
      'no-relay': { type: 'boolean' },
      'max-peers-per-address': { type: 'string' },
      'max-connects-per-second': { type: 'string' },
      'stats-interval': { type: 'string' },
      ...AGONES_OPTIONS,
      ...Object.fromEntries(Object.keys(BUDGET_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  const compressName = values.compress ?? 'none';
  const compress = COMPRESSION[compressName];
  if (compress === undefined) throw new UsageError(`--compress must be one of ${Object.keys(COMPRESSION).join(', ')}`);
  if ((values['dtls-key'] === undefined) !== (values['dtls-cert'] === undefined)) {
    throw new UsageError('--dtls-key and --dtls-cert go together');
  }
  const dtls = values['dtls-key'] === undefined ? undefined
    : TLSOptions.server(CryptoKey.load(values['dtls-key']), X509Certificate.load(values['dtls-cert']!));
  const statsSeconds = countOption('stats-interval', values['stats-interval'], 10, 0);
  const limits = {
    maxPeersPerAddress: countOption('max-peers-per-address', values['max-peers-per-address'], 0, 0),
    maxConnectsPerSecondPerAddress: countOption('max-connects-per-second', values['max-connects-per-second'], 0, 0),
  };
  const budgets = { ...DEFAULT_BUDGETS };
  for (const [flag, budget] of Object.entries(BUDGET_FLAGS)) {
    budgets[budget] = countOption(flag, (values as Record<string, string | undefined>)[flag], budgets[budget], 0);
    if (!Number.isInteger(budgets[budget])) throw new UsageError(`--${flag} must be a whole number`);
  }

  const maxClients = countOption('max-clients', values['max-clients'], 32, 1);
  const agones = agonesOptions(values, maxClients);

  const server = new SceneMultiplayerServer({
    port: portOption(values.port, 7777),
    bindIp: values.bind ?? '*',
    maxClients,
    compress,
    relay: !values['no-relay'],
    budgets,
    configureHost: (host) => {
      host.setLimits(limits);
      if (dtls) host.dtlsServerSetup(dtls);
    },
  });
  server.on('peerConnected', (id) => log('peer-joined', { id, ...addressOf(server, id), peers: server.getPeerIds().length }));
  server.on('peerDisconnected', (id) => log('peer-left', { id, peers: server.getPeerIds().length }));
  server.on('peerMisbehaved', (id, reason, malformed) => log('peer-kicked', { id, reason, malformed }, 'warn'));
  server.on('close', () => log('closed'));
  server.start();
  log('listening', { port: server.getPort(), bind: values.bind ?? '*', compress: compressName, dtls: dtls !== undefined,
    relay: !values['no-relay'], budgets });
  const agonesServer = agones && await startAgones(server, agones, log);

  const statsTimer = statsSeconds > 0 ? setInterval(() => log('stats', { ...server.getStats() }), statsSeconds * 1000) : undefined;
  onShutdownSignal(async (signal) => {
    log('shutting-down', { signal, peers: server.getPeerIds().length });
    clearInterval(statsTimer);
    await (agonesServer?.shutdown(signal) ?? server.close());
  });
}

function addressOf(server: SceneMultiplayerServer, id: number): { address?: string; port?: number } {
  const stats = server.getPeerStats(id);
  return stats ? { address: stats.address, port: stats.port } : {};
}

async function signal(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, bind: { type: 'string' } } });
  const server = new SignalingServer({ port: portOption(values.port, 9080), host: values.bind });
  server.on('peerJoined', (id, room) => log('peer-joined', { id, room }));
  server.on('peerLeft', (id, room) => log('peer-left', { id, room }));
  const port = await server.listen();
  log('listening', { port, protocol: 'ws' });
  onShutdownSignal(async (signalName) => {
    log('shutting-down', { signal: signalName });
    await server.close();
  });
}

/** The `godot-enet` command: `serve`, `signal`, `bots` or `--help`. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === 'serve') await serve(rest);
    else if (command === 'signal') await signal(rest);
    else if (command === 'bots') await botsCommand(rest);
    else if (command === '--help' || command === '-h' || command === 'help') process.stdout.write(`${USAGE}\n`);
    else throw new UsageError(command === undefined ? 'a command is needed' : `unknown command '${command}'`);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`godot-enet: ${(err as Error).message}\n${usage ? 'Run godot-enet --help for usage.\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  }
}
