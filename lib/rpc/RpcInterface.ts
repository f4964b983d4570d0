import { TransferMode } from '../ENetMultiplayerPeer';
import { ENetError, ErrorCode } from '../errors';
import { COMMAND_MASK } from '../sceneFrames';
import { checkArguments } from './argumentTypes';
import { decodeArguments, encodeArguments } from './callArguments';
import { RpcMethods, RpcNode, relativePath } from './RpcNode';
import {
  COMMAND_CONFIRM_PATH, COMMAND_REMOTE_CALL, COMMAND_SIMPLIFY_PATH, confirmPathFrame, EncodedArguments,
  parseConfirmPath, parseRemoteCall, parseSimplifyPath, remoteCallFrame, simplifyPathFrame,
} from './wire';

/** What the RPC layer needs from the peer it runs on (server or client). */
export interface RpcPeer {
  /** Our peer ID. */
  uniqueId(): number;
  /** The joined peers, which RPCs can reach. */
  peerIds(): number[];
  /** Whether `id` is one of them (without listing them all: a server calls one client often). */
  reaches(id: number): boolean;
  /** Godot's `send_command`: one frame to one joined peer (a client relays it through the server). */
  send(to: number, frame: Buffer, mode: TransferMode, channel: number): ErrorCode;
  /** An accepted call (local or remote), after its method's own `call`. */
  called(sender: number, path: string, method: string, args: unknown[]): void;
  /**
   * A frame refused as Godot refuses it (Godot prints an error): dropped, the peer kept.
   * `malformed`: no honest Godot peer sends it (the frame cannot be parsed, or reuses a cache ID).
   */
  refused(from: number, reason: string, malformed: boolean): void;
}

/** A declared node and what its path cache has told whom. */
interface NodeState {
  node: RpcNode;
  /** Our cache ID for it, 0 until first sent (Godot's make_object_cache). */
  cacheId: number;
  /** Peers sent SIMPLIFY_PATH: true once they confirmed it. */
  confirmed: Map<number, boolean>;
}

/** A peer may name this many nodes by cache ID; a Godot peer names each node once (per instance). */
const MAX_CACHED_PER_PEER = 65536;
const RELIABLE = TransferMode.TRANSFER_MODE_RELIABLE;

/**
 * SceneMultiplayer's RPCs on one peer: declared nodes, the path cache both ways
 * (SIMPLIFY_PATH / CONFIRM_PATH), calls out (`call`) and in (`process`), with the checks Godot
 * makes before running a method.
 */
export class RpcInterface {
  readonly #peer: RpcPeer;
  readonly #nodes = new Map<string, NodeState>();
  /** Our cache IDs to node paths. */
  readonly #assigned = new Map<number, string>();
  #nextCacheId = 1;
  /** Per peer: its cache IDs to node paths. */
  readonly #received = new Map<number, Map<number, string>>();

  constructor(peer: RpcPeer) {
    this.#peer = peer;
  }

  /** Declares (or redeclares, as a new node) the node at `path`. Throws ENetError for a bad declaration. */
  declare(path: string, methods: RpcMethods, authority?: number): RpcNode {
    const node = new RpcNode(path, methods);
    if (authority !== undefined) this.setAuthority(node, authority);
    this.remove(node.path);
    this.#nodes.set(node.path, { node, cacheId: 0, confirmed: new Map() });
    return node;
  }

  /** Forgets the node at `path`, as Godot forgets a freed node; false when none was declared. */
  remove(path: string): boolean {
    const state = this.#state(path);
    if (!state) return false;
    this.#assigned.delete(state.cacheId);
    return this.#nodes.delete(state.node.path);
  }

  /** The node declared at `path`, or undefined. */
  node(path: string): RpcNode | undefined {
    return this.#state(path)?.node;
  }

  #state(path: unknown): NodeState | undefined {
    return typeof path === 'string' ? this.#nodes.get(relativePath(path)) : undefined;
  }

  /** Sets the multiplayer authority of a node. Throws ENetError for a bad ID. */
  setAuthority(node: RpcNode, id: number): void {
    if (!Number.isInteger(id) || id < 1 || id > 0x7fffffff) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `authority must be a peer ID from 1 to 2147483647, got ${id}`);
    }
    node.authority = id;
  }

  /** A peer joined: it starts with no cache. */
  addPeer(id: number): void {
    this.#received.set(id, new Map());
  }

  /** A peer left: forget what it cached and what it confirmed. */
  removePeer(id: number): void {
    this.#received.delete(id);
    for (const state of this.#nodes.values()) state.confirmed.delete(id);
  }

  /** Disconnected: every peer is gone and cache IDs start again from 1, as in Godot. */
  clear(): void {
    this.#received.clear();
    this.#assigned.clear();
    this.#nextCacheId = 1;
    for (const state of this.#nodes.values()) {
      state.cacheId = 0;
      state.confirmed.clear();
    }
  }

  /**
   * Godot's `rpc_id(target, …)` on the node at `path`: `target` > 0 one peer, 0 every peer,
   * < 0 every peer but −target; `call_local` methods also run here when we are among the
   * targets. Never throws: OK, ERR_CONNECTION_ERROR when not connected, ERR_INVALID_PARAMETER
   * for an unknown node, method or peer, more than 255 arguments, arguments that cannot be
   * sent, or ourselves as target of a `call_remote` method, FAILED when the local call's
   * arguments do not fit the method (what was to be sent is sent, as in Godot).
   */
  call(target: number, path: string, method: string, args: unknown[], connected: boolean): ErrorCode {
    if (!connected) return ErrorCode.ERR_CONNECTION_ERROR;
    const state = this.#state(path);
    const config = typeof method === 'string' ? state?.node.method(method) : undefined;
    if (!state || !config || !Number.isInteger(target) || args.length > 255) return ErrorCode.ERR_INVALID_PARAMETER;
    const self = this.#peer.uniqueId();
    if (target === self && !config.callLocal) return ErrorCode.ERR_INVALID_PARAMETER;
    if (target !== self) {
      if (target !== 0 && !this.#peer.reaches(Math.abs(target))) return ErrorCode.ERR_INVALID_PARAMETER;
      let encoded: EncodedArguments;
      try {
        encoded = encodeArguments(args);
      } catch {
        return ErrorCode.ERR_INVALID_PARAMETER;
      }
      const targets = target > 0 ? [target] : this.#peer.peerIds().filter((id) => id !== -target);
      this.#send(state, targets, config.id, encoded, config.transferMode, config.channel);
    }
    const local = target === 0 || target === self || (target < 0 && target !== -self);
    if (!local || !config.callLocal) return ErrorCode.OK;
    // The local call is checked as a GDScript function checks its arguments: Godot's FAILED.
    const localArgs = [...args];
    if (checkArguments(config, localArgs)) return ErrorCode.FAILED;
    this.#run(self, state.node, config.name, localArgs);
    return ErrorCode.OK;
  }

  /** Handles a REMOTE_CALL, SIMPLIFY_PATH or CONFIRM_PATH frame from peer `from`. */
  process(from: number, frame: Buffer): void {
    switch (frame[0] & COMMAND_MASK) {
      case COMMAND_REMOTE_CALL: return this.#processCall(from, frame);
      case COMMAND_SIMPLIFY_PATH: return this.#processSimplifyPath(from, frame);
      case COMMAND_CONFIRM_PATH: return this.#processConfirmPath(from, frame);
    }
  }

  /** Sends SIMPLIFY_PATH to targets that lack it, then the call, by cache ID where confirmed. */
  #send(state: NodeState, targets: number[], methodId: number, args: EncodedArguments, mode: TransferMode, channel: number): void {
    if (state.cacheId === 0) {
      state.cacheId = this.#nextCacheId++;
      this.#assigned.set(state.cacheId, state.node.path);
    }
    for (const id of targets) {
      if (state.confirmed.has(id)) continue;
      state.confirmed.set(id, false);
      this.#peer.send(id, simplifyPathFrame(state.node.checksum, state.cacheId, state.node.path), RELIABLE, 0);
    }
    const all = targets.every((id) => state.confirmed.get(id));
    const byId = remoteCallFrame({ cacheId: state.cacheId, wide: !all }, methodId, args);
    // Not every target confirmed: Godot then sends 32-bit IDs, and the path to those that did not.
    const byPath = all ? byId : remoteCallFrame({ path: state.node.path }, methodId, args);
    for (const id of targets) this.#peer.send(id, state.confirmed.get(id) ? byId : byPath, mode, channel);
  }

  #processCall(from: number, frame: Buffer): void {
    const call = parseRemoteCall(frame);
    if (typeof call === 'string') return this.#peer.refused(from, `invalid RPC: ${call}`, true);
    const path = call.path !== null ? relativePath(call.path) : this.#received.get(from)?.get(call.cacheId!);
    if (path === undefined) return this.#peer.refused(from, `RPC: cache ID ${call.cacheId} not found in the cache of peer ${from}`, false);
    const state = this.#nodes.get(path);
    if (!state) return this.#peer.refused(from, `RPC: node ${path} not found`, false);
    const config = state.node.methodById(call.methodId);
    if (!config) return this.#peer.refused(from, `RPC: node ${path} has no RPC method with ID ${call.methodId}`, false);
    if (config.mode === 'disabled' || (config.mode === 'authority' && from !== state.node.authority)) {
      return this.#peer.refused(from, `RPC '${config.name}' is not allowed on node /root/${path} from: ${from}. `
        + `Mode is "${config.mode}", authority is ${state.node.authority}.`, false);
    }
    const args = decodeArguments(frame, call);
    if (typeof args === 'string') return this.#peer.refused(from, `RPC '${config.name}' on node ${path}: ${args}`, true);
    const problem = checkArguments(config, args);
    if (problem) return this.#peer.refused(from, `RPC - ${problem}`, false);
    this.#run(from, state.node, config.name, args);
  }

  #run(sender: number, node: RpcNode, name: string, args: unknown[]): void {
    node.method(name)!.call?.(sender, ...args);
    this.#peer.called(sender, node.path, name, args);
  }

  #processSimplifyPath(from: number, frame: Buffer): void {
    const cache = this.#received.get(from);
    const simplify = parseSimplifyPath(frame);
    if (!cache) return;
    if (typeof simplify === 'string') return this.#peer.refused(from, `invalid SIMPLIFY_PATH: ${simplify}`, true);
    if (cache.has(simplify.cacheId)) {
      return this.#peer.refused(from, `duplicate remote cache ID ${simplify.cacheId} for peer ${from}`, true);
    }
    const path = relativePath(simplify.path);
    const state = this.#nodes.get(path);
    if (!state) return this.#peer.refused(from, `SIMPLIFY_PATH: node ${path} not found`, false);
    if (cache.size >= MAX_CACHED_PER_PEER) return this.#peer.refused(from, `SIMPLIFY_PATH: more than ${MAX_CACHED_PER_PEER} nodes cached`, false);
    const valid = state.node.checksum === simplify.checksum;
    if (!valid) this.#peer.refused(from, `the rpc node checksum failed. Make sure to have the same methods on both nodes. Node path: ${path}`, false);
    cache.set(simplify.cacheId, state.node.path);  // the declared string, not a copy per cache ID
    this.#peer.send(from, confirmPathFrame(valid, simplify.cacheId), RELIABLE, 0);
  }

  #processConfirmPath(from: number, frame: Buffer): void {
    const confirm = parseConfirmPath(frame);
    if (typeof confirm === 'string') return this.#peer.refused(from, `invalid CONFIRM_PATH: ${confirm}`, true);
    const path = this.#assigned.get(confirm.cacheId);
    const state = path === undefined ? undefined : this.#nodes.get(path);
    if (!state) return; // a node removed since
    if (!confirm.checksumValid) {
      this.#peer.refused(from, `the rpc node checksum failed. Make sure to have the same methods on both nodes. Node path: ${path}`, false);
    }
    if (!state.confirmed.has(from)) return this.#peer.refused(from, 'CONFIRM_PATH for a node that was not sent to it', false);
    state.confirmed.set(from, true);
  }
}
