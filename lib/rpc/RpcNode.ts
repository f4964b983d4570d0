import { createHash } from 'node:crypto';
import { integer } from '../arguments';
import { TransferMode } from '../ENetMultiplayerPeer';
import { ENetError, ErrorCode } from '../errors';
import { SERVER_ID } from '../sceneFrames';
import { ArgumentType, argumentType } from './argumentTypes';

/** Who may call an RPC method, as GDScript's `@rpc` says it (`disabled`: only `rpc_config`). */
export type RpcMode = 'authority' | 'any_peer' | 'disabled';
/** Whether `rpc()` also runs the method where it is called (`call_local`) or only remotely. */
export type RpcSync = 'call_remote' | 'call_local';
/** How the call travels, as in `@rpc`. */
export type RpcTransferMode = 'reliable' | 'unreliable' | 'unreliable_ordered';

/**
 * An RPC method as GDScript's `@rpc(mode, sync, transfer_mode, channel)` declares it, with its
 * parameters and what it does here. Each peer declares every RPC method of the node, those it
 * only calls too: Godot numbers methods by their sorted names and checks a hash of them.
 */
export interface RpcMethod {
  /** Who may call it (default `'authority'`, as `@rpc`). */
  mode?: RpcMode;
  /** `'call_local'` runs it here too when called to everyone or to ourselves (default `'call_remote'`). */
  sync?: RpcSync;
  /** Default `'reliable'`. */
  transferMode?: RpcTransferMode;
  /** The channel it travels on, 0 … 252 (default 0). */
  channel?: number;
  /**
   * Its parameters' types in GDScript's names (`'int'`, `'Vector2'`, `'PackedByteArray'`…), or
   * `'Variant'` for an untyped one (default: none). Calls with other types or counts are refused
   * as a GDScript method refuses them.
   */
  args?: string[];
  /** How many of `args` a caller must pass (default all; GDScript's parameters with defaults). */
  required?: number;
  /**
   * The Godot node declares this method with `rpc_config(name, {…})` rather than `@rpc`. Godot
   * numbers those apart: first in the hash, with IDs from 0x8000 (default false).
   */
  rpcConfig?: boolean;
  /**
   * Runs an accepted call: `sender` is Godot's `get_remote_sender_id()` (our own ID for a local
   * call), then the decoded arguments.
   */
  call?: (sender: number, ...args: any[]) => void;
}

/** A node's RPC methods by name: its script's `@rpc` functions (and its `rpc_config()` ones). */
export type RpcMethods = Record<string, RpcMethod>;

/** One declared method, checked, with its ID. */
export interface RpcMethodConfig {
  readonly name: string;
  readonly id: number;
  readonly mode: RpcMode;
  readonly callLocal: boolean;
  readonly transferMode: TransferMode;
  readonly channel: number;
  readonly args: readonly ArgumentType[];
  readonly required: number;
  readonly call?: (sender: number, ...args: any[]) => void;
}

const MODES: readonly RpcMode[] = ['authority', 'any_peer', 'disabled'];
const SYNCS: readonly RpcSync[] = ['call_remote', 'call_local'];
const TRANSFER_MODES: Record<RpcTransferMode, TransferMode> = {
  reliable: TransferMode.TRANSFER_MODE_RELIABLE,
  unreliable: TransferMode.TRANSFER_MODE_UNRELIABLE,
  unreliable_ordered: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED,
};
/** GDScript cannot pass more than 255 arguments in an RPC (one count byte). */
const MAX_ARGUMENTS = 255;
/** Methods are numbered 0, 1, … in a 16-bit ID whose top bit marks those of `rpc_config()`. */
const MAX_METHODS = 0x8000;
const RPC_CONFIG_FLAG = 0x8000;

/**
 * A node that takes part in RPCs: its path relative to the multiplayer root (Godot sends
 * `root.get_path_to(node)`), its methods numbered as Godot numbers a script's `@rpc` functions
 * (sorted by name, code point order), the hash of those names Godot checks, and its authority.
 */
export class RpcNode {
  readonly path: string;
  readonly checksum: string;
  readonly #byName = new Map<string, RpcMethodConfig>();
  readonly #byId = new Map<number, RpcMethodConfig>();
  /** The node's multiplayer authority (Godot's `set_multiplayer_authority`, default 1). */
  authority = SERVER_ID;

  /** Checks the declaration (ENetError ERR_INVALID_PARAMETER). */
  constructor(path: string, methods: RpcMethods) {
    this.path = nodePath(path);
    if (typeof methods !== 'object' || methods === null) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `the methods of ${path} must be an object`);
    }
    const names = Object.keys(methods).sort(byCodePoint);
    if (names.length > MAX_METHODS) throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `more than ${MAX_METHODS} RPC methods`);
    // As Godot reads a node's configuration: rpc_config()'s methods, then the script's, each sorted.
    const configured = names.filter((name) => methods[name]?.rpcConfig === true);
    const annotated = names.filter((name) => methods[name]?.rpcConfig !== true);
    const declared = [...configured.map((name, i) => method(name, i | RPC_CONFIG_FLAG, methods[name])),
      ...annotated.map((name, i) => method(name, i, methods[name]))];
    for (const config of declared) {
      this.#byName.set(config.name, config);
      this.#byId.set(config.id, config);
    }
    this.checksum = createHash('md5').update([...configured, ...annotated].join(''), 'utf8').digest('hex');
  }

  /** The method called `name`, or undefined. */
  method(name: string): RpcMethodConfig | undefined {
    return this.#byName.get(name);
  }

  /** The method with ID `id`, or undefined. */
  methodById(id: number): RpcMethodConfig | undefined {
    return this.#byId.get(id);
  }
}

/**
 * A node path as the multiplayer root sees it: `/root/Game/Player` (SceneTree's root) and
 * `Game/Player` are the same node.
 */
export function nodePath(path: unknown): string {
  if (typeof path !== 'string' || path === '' || path === '/root' || path === '/root/') {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `a node path must name a node under /root, got ${String(path)}`);
  }
  return relativePath(path);
}

/** Godot resolves a received path from the multiplayer root; absolute ones from the tree's root. */
export function relativePath(path: string): string {
  return path.startsWith('/root/') ? path.slice('/root/'.length) : path;
}

/** Godot's order of `@rpc` names: String's `<`, by Unicode code point. */
function byCodePoint(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const difference = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return x.length - y.length;
}

function method(name: string, id: number, declared: RpcMethod): RpcMethodConfig {
  const invalid = (what: string): never => {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `RPC method ${name}: ${what}`);
  };
  if (typeof declared !== 'object' || declared === null) invalid('must be an object');
  const { mode = 'authority', sync = 'call_remote', transferMode = 'reliable', channel = 0, args = [], call } = declared;
  if (!MODES.includes(mode)) invalid(`mode must be one of ${MODES.join(', ')}`);
  if (!SYNCS.includes(sync)) invalid(`sync must be one of ${SYNCS.join(', ')}`);
  if (!Object.hasOwn(TRANSFER_MODES, transferMode)) invalid(`transferMode must be one of ${Object.keys(TRANSFER_MODES).join(', ')}`);
  if (!Array.isArray(args) || args.length > MAX_ARGUMENTS) invalid(`args must be an array of at most ${MAX_ARGUMENTS} type names`);
  if (call !== undefined && typeof call !== 'function') invalid('call must be a function');
  if (declared.rpcConfig !== undefined && typeof declared.rpcConfig !== 'boolean') invalid('rpcConfig must be a boolean');
  const types = args.map((type) => argumentType(type) ?? invalid(`'${String(type)}' is not a Godot type name`));
  return {
    name,
    id,
    mode,
    callLocal: sync === 'call_local',
    transferMode: TRANSFER_MODES[transferMode],
    channel: integer(`channel of RPC method ${name}`, channel, 0, 252),
    args: types,
    required: integer(`required of RPC method ${name}`, declared.required ?? args.length, 0, args.length),
    call,
  };
}
