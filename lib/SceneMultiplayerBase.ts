import { EventEmitter } from 'node:events';
import { CompressionMode, ENetConnection } from './ENetConnection';
import { ENetMultiplayerPeer, ENetMultiplayerPeerEvents, TransferMode } from './ENetMultiplayerPeer';
import { ENetError, ErrorCode } from './errors';
import { RpcInterface } from './rpc/RpcInterface';
import { RpcMethods } from './rpc/RpcNode';
import { COMMAND_CONFIRM_PATH } from './rpc/wire';
import { COMMAND_MASK, COMMAND_RAW, COMMAND_SYS, SERVER_ID } from './sceneFrames';

/** The ENetMultiplayerPeer events a server or client listens to while started. */
type MultiplayerListeners = {
  [Event in 'peerConnected' | 'peerDisconnected' | 'packet' | 'connectionStatusChanged']:
    (...args: ENetMultiplayerPeerEvents[Event]) => void;
};

/** Events of both `SceneMultiplayerServer` and `SceneMultiplayerClient`. */
export interface SceneMultiplayerEvents {
  /** Raw bytes peer `id` sent with `multiplayer.send_bytes()` (to us, or to everyone). */
  peerPacket: [id: number, bytes: Buffer, mode: TransferMode, channel: number];
  /** A SceneMultiplayer packet not interpreted here (spawn, despawn, sync), whole. */
  unhandledPacket: [id: number, packet: Buffer, mode: TransferMode, channel: number];
  /** An RPC ran here (after its method's `call`): from a peer, or ours with `call_local`. */
  rpc: [sender: number, path: string, method: string, args: unknown[]];
  /**
   * An RPC or path-cache frame of peer `id` was refused as Godot refuses it (unknown node or
   * method, not allowed by the method's mode, wrong arguments, malformed): dropped, the peer
   * kept. Godot prints these as errors; `reason` reads like Godot's message.
   */
  rpcRefused: [id: number, reason: string];
}

/**
 * What `SceneMultiplayerServer` and `SceneMultiplayerClient` share: SceneMultiplayer's RPCs
 * (declared nodes, calls both ways) and raw bytes.
 */
export abstract class SceneMultiplayerBase<Events extends SceneMultiplayerEvents & Record<keyof Events, any[]>>
  extends EventEmitter<Events> {
  /** The ENetMultiplayerPeer underneath. */
  abstract readonly multiplayer: ENetMultiplayerPeer;
  /** The path cache and calls: subclasses tell it who joins and leaves. */
  protected readonly rpcInterface = new RpcInterface({
    uniqueId: () => this.multiplayer.getUniqueId(),
    peerIds: () => this.rpcPeerIds(),
    reaches: (id) => this.rpcReaches(id),
    send: (to, frame, mode, channel) => this.sendCommand(to, frame, mode, channel),
    called: (sender, path, method, args) => this.#events.emit('rpc', sender, path, method, args),
    refused: (id, reason, malformed) => this.rpcRefused(id, reason, malformed),
  });

  /**
   * Declares the node at `path` (`/root/Game` or `Game`, relative to the multiplayer root) with
   * its RPC methods as its GDScript declares them with `@rpc`, every one, also those only called
   * from here: Godot numbers them by sorted name and refuses a node whose names differ. Calls
   * from peers run the methods' `call` with the sender's ID and the decoded arguments; what
   * Godot would refuse is refused ('rpcRefused'). `authority` is the node's multiplayer
   * authority (default 1, the server), the only peer allowed to call its `'authority'`
   * methods. Declaring a path again replaces the node. Throws ENetError ERR_INVALID_PARAMETER
   * for a bad declaration.
   */
  addNode(path: string, methods: RpcMethods, authority = SERVER_ID): this {
    this.rpcInterface.declare(path, methods, authority);
    return this;
  }

  /** Removes a node declared with `addNode`, as if freed; false when there was none. */
  removeNode(path: string): boolean {
    return this.rpcInterface.remove(path);
  }

  /**
   * Godot's `set_multiplayer_authority`: peer `id` becomes the authority of the node at `path`.
   * Throws ENetError ERR_INVALID_PARAMETER for an undeclared node or a bad ID.
   */
  setAuthority(path: string, id: number): void {
    const node = this.rpcInterface.node(path);
    if (!node) throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `no node declared at ${path}`);
    this.rpcInterface.setAuthority(node, id);
  }

  /**
   * Godot's `rpc_id(id, method, …args)` on the node at `path`: `id` > 0 one peer (the server is
   * 1; another client is reached through the server's relay), 0 every peer, < 0 every peer but
   * −id; a `call_local` method runs here too (with our own ID as sender) when we are among the
   * targets. Sent with the method's transfer mode and channel. Never throws: OK,
   * ERR_CONNECTION_ERROR when not connected (a client: not joined), ERR_INVALID_PARAMETER for an
   * undeclared node or method, an unknown peer, more than 255 arguments or values that are not
   * Variants, FAILED when a local call's arguments do not fit the method's parameters (the
   * remote ones are sent all the same, as Godot does).
   */
  rpcId(id: number, path: string, method: string, ...args: unknown[]): ErrorCode {
    return this.rpcInterface.call(id, path, method, args, this.canSend());
  }

  /** Godot's `rpc(method, …args)`: `rpcId(0, …)`, to every peer. */
  rpc(path: string, method: string, ...args: unknown[]): ErrorCode {
    return this.rpcId(0, path, method, ...args);
  }

  /** The peers RPCs can reach. */
  protected abstract rpcPeerIds(): number[];
  /** Whether RPCs can reach peer `id`. */
  protected abstract rpcReaches(id: number): boolean;
  /** Godot's `send_command`: one frame to one peer. */
  protected abstract sendCommand(to: number, frame: Buffer, mode: TransferMode, channel: number): ErrorCode;
  /** Whether we may send (connected and joined). */
  protected abstract canSend(): boolean;

  /** An RPC or path-cache frame refused ('rpcRefused'); `malformed` as RpcPeer.refused says. */
  protected rpcRefused(id: number, reason: string, _malformed: boolean): void {
    this.#events.emit('rpcRefused', id, reason);
  }

  /**
   * Right after the host is made: applies `compress` and the user's `configureHost`, closing
   * the host again if either throws; then listens to `listeners` and starts.
   */
  protected startWith(compress: CompressionMode, configureHost: ((host: ENetConnection) => void) | undefined,
    listeners: MultiplayerListeners): void {
    try {
      const host = this.multiplayer.getHost()!;
      host.compress(compress);
      configureHost?.(host);
    } catch (err) {
      this.multiplayer.close();
      throw err;
    }
    for (const [event, listener] of Object.entries(listeners)) this.multiplayer.on(event as keyof MultiplayerListeners, listener);
    this.multiplayer.start();
  }

  /** Once the peer closed: stops listening to what `startWith` listened to. */
  protected stopListening(listeners: MultiplayerListeners): void {
    for (const [event, listener] of Object.entries(listeners)) this.multiplayer.off(event as keyof MultiplayerListeners, listener);
  }

  /** Handles a frame for us that is not a SYS one: raw bytes, RPCs, or what we leave alone. */
  protected processCommand(from: number, packet: Buffer, mode: TransferMode, channel: number): void {
    const command = packet[0] & COMMAND_MASK;
    if (command === COMMAND_RAW) {
      if (packet.length >= 2) this.#events.emit('peerPacket', from, packet.subarray(1), mode, channel);
    } else if (command <= COMMAND_CONFIRM_PATH) {
      this.rpcInterface.process(from, packet);
    } else if (command !== COMMAND_SYS) {
      this.#events.emit('unhandledPacket', from, packet, mode, channel);
    }
  }

  /** This emitter with the shared events' types (Events extends them). */
  get #events(): EventEmitter<SceneMultiplayerEvents> {
    return this as unknown as EventEmitter<SceneMultiplayerEvents>;
  }
}
