import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { COMPRESSION, UsageError } from '../cli';
import { TransferMode } from '../ENetMultiplayerPeer';
import { botsChart } from './chart';
import { BotsOptions, BotsRpc } from './options';
import { runBots } from './runBots';
import { progressLine, summaryText } from './summary';

/** `godot-enet bots`' lines of `godot-enet --help`. */
export const BOTS_USAGE = `  godot-enet bots --server HOST:PORT --count N [options]
                                 load-test a Godot 4 server: N bots join it as Godot clients and send
      --duration S               seconds of traffic after the last bot started (default 10)
      --ramp N                   bots started per second (default 0: all at once)
      --rate HZ                  messages per second per bot (default 10; 0: only join and stay)
      --size BYTES               bytes per message (default 32)
      --mode MODE                reliable | unreliable | unreliable_ordered (default reliable)
      --channel C                channel of the messages (default 0)
      --rpc NODE_PATH:METHOD --rpc-config FILE
                                 call this RPC instead of send_bytes; FILE (JSON) declares the nodes'
                                 @rpc methods as the server's scripts do: {"/root/Game": {"move": {...}}}
      --token T                  authenticate with this token (send_auth, complete_auth)
      --compress MODE            none | range_coder | fastlz | zlib | zstd (match the server)
      --dtls-host NAME [--dtls-ca PEM]
                                 DTLS to a server whose certificate is for NAME (trusting PEM's CAs)
      --threads N                worker threads (default: one per 250 bots, at most one per core)
      --join-timeout MS          how long a bot may take to join (default 10000)
      --chart FILE               write an SVG chart of round-trip time and loss against bots
      --json                     the summary as one JSON line on stdout
                                 exit status 0 when every bot joined and stayed, else 1`;

const MODES: Record<string, TransferMode> = {
  reliable: TransferMode.TRANSFER_MODE_RELIABLE,
  unreliable: TransferMode.TRANSFER_MODE_UNRELIABLE,
  unreliable_ordered: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED,
};

/** `HOST:PORT`, `[IPv6]:PORT`. */
function server(value: string | undefined): { address: string; port: number } {
  const match = value === undefined ? null : /^\[?([^\]]+?)\]?:(\d+)$/.exec(value);
  if (!match) throw new UsageError(`--server must be HOST:PORT (IPv6: [ADDRESS]:PORT), got '${value ?? ''}'`);
  return { address: match[1], port: Number(match[2]) };
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`--${name} must be a number of at least 0, got '${value}'`);
  return parsed;
}

function rpc(target: string | undefined, configFile: string | undefined): BotsRpc | undefined {
  if (target === undefined && configFile === undefined) return undefined;
  const at = target?.lastIndexOf(':') ?? -1;
  if (target === undefined || configFile === undefined || at <= 0) {
    throw new UsageError('--rpc NODE_PATH:METHOD and --rpc-config FILE go together');
  }
  let nodes: unknown;
  try {
    nodes = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch (err) {
    throw new UsageError(`--rpc-config ${configFile}: ${(err as Error).message}`);
  }
  return { path: target.slice(0, at), method: target.slice(at + 1), nodes: nodes as BotsRpc['nodes'] };
}

/** `godot-enet bots`: runs the load test, prints the summary, sets the exit status. */
export async function botsCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string' },
      count: { type: 'string' },
      duration: { type: 'string' },
      ramp: { type: 'string' },
      rate: { type: 'string' },
      size: { type: 'string' },
      mode: { type: 'string' },
      channel: { type: 'string' },
      rpc: { type: 'string' },
      'rpc-config': { type: 'string' },
      token: { type: 'string' },
      compress: { type: 'string' },
      'dtls-host': { type: 'string' },
      'dtls-ca': { type: 'string' },
      threads: { type: 'string' },
      'join-timeout': { type: 'string' },
      chart: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (values.count === undefined) throw new UsageError('--count is needed');
  const compress = COMPRESSION[values.compress ?? 'none'];
  if (compress === undefined) throw new UsageError(`--compress must be one of ${Object.keys(COMPRESSION).join(', ')}`);
  const mode = MODES[values.mode ?? 'reliable'];
  if (mode === undefined) throw new UsageError(`--mode must be one of ${Object.keys(MODES).join(', ')}`);
  if (values['dtls-ca'] !== undefined && values['dtls-host'] === undefined) throw new UsageError('--dtls-ca needs --dtls-host');

  const aborter = new AbortController();
  process.once('SIGINT', () => {
    aborter.abort();
    process.once('SIGINT', () => process.exit(130)); // a second Ctrl-C does not wait
  });
  const live = process.stderr.isTTY;
  const options: BotsOptions = {
    ...server(values.server),
    count: number('count', values.count)!,
    durationS: number('duration', values.duration),
    rampPerSecond: number('ramp', values.ramp),
    rateHz: number('rate', values.rate),
    size: number('size', values.size),
    mode,
    channel: number('channel', values.channel),
    rpc: rpc(values.rpc, values['rpc-config']),
    token: values.token,
    compress,
    dtlsHostname: values['dtls-host'],
    dtlsCa: values['dtls-ca'] === undefined ? undefined : readFileSync(values['dtls-ca'], 'utf8'),
    threads: number('threads', values.threads),
    joinTimeoutMs: number('join-timeout', values['join-timeout']),
    signal: aborter.signal,
    onProgress: live ? (at) => process.stderr.write(`\r${progressLine(options.count, at, options.rateHz !== 0)}\x1b[K`) : undefined,
  };
  const summary = await runBots(options);
  if (live) process.stderr.write('\n');
  if (values.chart !== undefined) writeFileSync(values.chart, botsChart(summary));
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${summaryText(summary)}\n`);
  process.exitCode = summary.joined === summary.bots && summary.disconnects === 0 ? 0 : 1;
}
