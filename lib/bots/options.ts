import { availableParallelism } from 'node:os';
import { integer, member } from '../arguments';
import { CompressionMode } from '../ENetConnection';
import { TransferMode } from '../ENetMultiplayerPeer';
import { ENetError, ErrorCode } from '../errors';
import type { BotsProgress } from './summary';
import { nodePath, RpcMethodConfig, RpcMethods, RpcNode } from '../rpc/RpcNode';

/** An RPC the bots call on the server instead of sending raw bytes. */
export interface BotsRpc {
  /** The node's path, as the server's scene has it (`/root/Game`). */
  path: string;
  /** The `@rpc` method to call on it. */
  method: string;
  /**
   * Every node the bots declare, by path, with its `@rpc` methods as `addNode` takes them (no
   * `call`): the same as the server's script, since Godot checks a hash of the method names.
   * Must include `path` with `method`. This is what a `--rpc-config` JSON file holds.
   */
  nodes: Record<string, RpcMethods>;
}

/** What `runBots` does: how many bots, where, and what each sends. */
export interface BotsOptions {
  /** The server's IP address (IPv4 or IPv6 literal) or 'localhost'. */
  address: string;
  /** The server's UDP port. */
  port: number;
  /** How many bots join. */
  count: number;
  /** Seconds of traffic once every bot has been started (default 10). */
  durationS?: number;
  /** Bots started per second (default 0: all at once). */
  rampPerSecond?: number;
  /** Messages each bot sends per second once joined (default 10; 0: none, the bots only stay). */
  rateHz?: number;
  /** Bytes of each raw message, or of the payload argument of an RPC (default 32). */
  size?: number;
  /** Transfer mode of raw messages (default RELIABLE, as `send_bytes`); an RPC has its method's. */
  mode?: TransferMode;
  /** Channel of raw messages (default 0); an RPC has its method's. */
  channel?: number;
  /** Call this RPC on the server instead of sending raw bytes. */
  rpc?: BotsRpc;
  /**
   * Authenticate with this token (Godot: `send_auth(1, token)` then `complete_auth(1)` on
   * `peer_authenticating`); without it the bots join servers that do not authenticate.
   */
  token?: string;
  /** Compression, which must match the server's (default NONE). */
  compress?: CompressionMode;
  /** DTLS: the server certificate's host name (Godot's `dtls_client_setup(hostname, …)`). */
  dtlsHostname?: string;
  /** DTLS: PEM of the certificate(s) to trust instead of the system's CAs. */
  dtlsCa?: string;
  /** How long a bot may take to join (connect and authenticate), ms (default 10000). */
  joinTimeoutMs?: number;
  /** Worker threads the bots are spread over (default: one per 250 bots, at most one per core). */
  threads?: number;
  /** Called once a second with the run's progress (the CLI's live line). */
  onProgress?: (progress: BotsProgress) => void;
  /** Aborting it ends the run early: the bots leave gracefully and the summary still comes. */
  signal?: AbortSignal;
}

/** `BotsOptions` with every default applied, checked, without the callbacks: what each thread runs with. */
export type CheckedBotsOptions = Required<Omit<BotsOptions, 'rpc' | 'token' | 'dtlsHostname' | 'dtlsCa' | 'onProgress' | 'signal'>> &
  Pick<BotsOptions, 'rpc' | 'token' | 'dtlsHostname' | 'dtlsCa'>;

/** Bots one thread drives by default: the event loop stays responsive well past this (docs/benchmarks.md). */
export const BOTS_PER_THREAD = 250;
/** ENet's and Godot's channel limit for SceneMultiplayer user channels. */
const MAX_CHANNEL = 252;

/** Applies the defaults and checks every option (ENetError ERR_INVALID_PARAMETER). */
export function checkBotsOptions(options: BotsOptions): CheckedBotsOptions {
  if (typeof options !== 'object' || options === null) invalid('the options must be an object');
  if (typeof options.address !== 'string' || options.address === '') invalid('address must be a non-empty string');
  const count = integer('count', options.count, 1, 100_000);
  const checked: CheckedBotsOptions = {
    address: options.address,
    port: integer('port', options.port, 1, 65535),
    count,
    durationS: number('durationS', options.durationS ?? 10),
    rampPerSecond: number('rampPerSecond', options.rampPerSecond ?? 0),
    rateHz: number('rateHz', options.rateHz ?? 10),
    size: integer('size', options.size ?? 32, 1, 1 << 20),
    mode: member<TransferMode>('mode', options.mode ?? TransferMode.TRANSFER_MODE_RELIABLE, TransferMode),
    channel: integer('channel', options.channel ?? 0, 0, MAX_CHANNEL),
    rpc: options.rpc === undefined ? undefined : checkRpc(options.rpc),
    token: options.token,
    compress: member<CompressionMode>('compress', options.compress ?? CompressionMode.COMPRESS_NONE, CompressionMode),
    dtlsHostname: options.dtlsHostname,
    dtlsCa: options.dtlsCa,
    joinTimeoutMs: integer('joinTimeoutMs', options.joinTimeoutMs ?? 10_000, 1, 0x7fffffff),
    threads: integer('threads', options.threads ?? Math.min(availableParallelism(), Math.ceil(count / BOTS_PER_THREAD)),
      1, 256),
  };
  if (checked.token !== undefined && (typeof checked.token !== 'string' || checked.token === '')) {
    invalid('token must be a non-empty string');
  }
  if (checked.dtlsHostname !== undefined && (typeof checked.dtlsHostname !== 'string' || checked.dtlsHostname === '')) {
    invalid('dtlsHostname must be a non-empty string');
  }
  if (checked.dtlsCa !== undefined && (typeof checked.dtlsCa !== 'string' || checked.dtlsHostname === undefined)) {
    invalid('dtlsCa must be PEM text, and goes with dtlsHostname');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') invalid('onProgress must be a function');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) invalid('signal must be an AbortSignal');
  checked.threads = Math.min(checked.threads, count);
  return checked;
}

/** The RPC the bots call, its nodes declared as `addNode` checks them. */
function checkRpc(rpc: BotsRpc): BotsRpc {
  if (typeof rpc !== 'object' || rpc === null || typeof rpc.nodes !== 'object' || rpc.nodes === null) {
    invalid('rpc must be { path, method, nodes }');
  }
  for (const [path, methods] of Object.entries(rpc.nodes)) new RpcNode(path, methods);
  rpcMethod(rpc);
  return rpc;
}

/** The declaration of the method the bots call. Throws ENetError when the nodes do not declare it. */
export function rpcMethod(rpc: BotsRpc): RpcMethodConfig {
  const path = nodePath(rpc.path);
  const declared = Object.entries(rpc.nodes).find(([nodeAt]) => nodePath(nodeAt) === path);
  const method = declared && new RpcNode(path, declared[1]).method(rpc.method);
  return method ?? invalid(`the RPC configuration declares no method ${rpc.method} on ${rpc.path}`);
}

function number(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(`${name} must be a number of at least 0`);
  return value as number;
}

function invalid(message: string): never {
  throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, message);
}
