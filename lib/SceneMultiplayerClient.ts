import { boolean, integer, member } from './arguments';
import { CompressionMode, ENetConnection } from './ENetConnection';
import { ConnectionStatus, ENetMultiplayerPeer, TransferMode } from './ENetMultiplayerPeer';
import { ENetError, ErrorCode } from './errors';
import { SceneMultiplayerBase, SceneMultiplayerEvents } from './SceneMultiplayerBase';
import type { AuthHook } from './SceneMultiplayerServer';
import {
  AUTH_COMPLETE, COMMAND_MASK, COMMAND_SYS, rawFrame, SERVER_ID, SYS_ADD_PEER, SYS_AUTH, SYS_COMMAND_SIZE, SYS_DEL_PEER,
  SYS_RELAY, sysFrame,
} from './sceneFrames';

/** Options of a `SceneMultiplayerClient`. */
export interface SceneMultiplayerClientOptions {
  /** The server's IP address (IPv4 or IPv6 literal) or 'localhost'. */
  address: string;
  /** The server's UDP port. */
  port: number;
  /** Compression, which must match the server's (default NONE, as Godot). */
  compress?: CompressionMode;
  /**
   * Godot's `auth_callback`: with it the client authenticates before it joins. Called with each
   * auth message the server sends (`send_auth(id, data)`); true completes our side
   * (`complete_auth`), bytes are sent back (`send_auth`), false gives up (disconnects). Send the
   * first message with `sendAuth()` on 'peerAuthenticating'.
   */
  auth?: AuthHook;
  /** How long authentication may take (default 3000 ms, Godot's `auth_timeout`). */
  authTimeoutMs?: number;
  /** Godot's `server_relay` (default true): see and reach the other clients through the server. */
  relay?: boolean;
  /**
   * Called with the host before connecting: for `dtlsClientSetup` and the like. What it throws
   * makes `start()` throw.
   */
  configureHost?: (host: ENetConnection) => void;
}

/**
 * Events of a `SceneMultiplayerClient`, named after SceneMultiplayer's signals, and those of
 * `SceneMultiplayerEvents` (raw bytes, RPCs).
 */
export interface SceneMultiplayerClientEvents extends SceneMultiplayerEvents {
  /** Godot's `connected_to_server`: joined (after auth, if any); 'peerConnected' with 1 follows. */
  connectedToServer: [];
  /** Godot's `connection_failed`: the server could not be reached or refused the connection. */
  connectionFailed: [];
  /** Godot's `server_disconnected`: the connection ended (the server left or kicked us, or `close()`). */
  serverDisconnected: [];
  /** Connected, and authentication begins with the server (1): send the first `sendAuth()` now. */
  peerAuthenticating: [id: number];
  /** Authentication with the server failed (refused, hook error or timeout); the connection ends. */
  peerAuthenticationFailed: [id: number];
  /** A peer joined: the server (1), then every other client (announced by the server's relay). */
  peerConnected: [id: number];
  /** A peer left. */
  peerDisconnected: [id: number];
}

interface Authentication {
  local: boolean;
  remote: boolean;
  timer: NodeJS.Timeout;
}

const RELIABLE = TransferMode.TRANSFER_MODE_RELIABLE;

/**
 * A Node.js peer that joins a Godot 4 server (`ENetMultiplayerPeer.create_server` with
 * SceneMultiplayer, or a `SceneMultiplayerServer`) exactly as a Godot client does: auth, the
 * other players joining and leaving, raw bytes and RPCs both ways, to the server or through its
 * relay to other clients. Event-driven on the event loop: nothing to poll.
 */
export class SceneMultiplayerClient extends SceneMultiplayerBase<SceneMultiplayerClientEvents> {
  /** The ENetMultiplayerPeer underneath (client mode, event-driven once started). Read from it. */
  override readonly multiplayer = new ENetMultiplayerPeer();
  readonly #options: Required<Omit<SceneMultiplayerClientOptions, 'auth' | 'configureHost'>> &
    Pick<SceneMultiplayerClientOptions, 'auth' | 'configureHost'>;
  /** Joined peers: the server and, with relay, the other clients. */
  readonly #peers = new Set<number>();
  #authentication: Authentication | null = null;
  /** The ENet connection to the server was made (so its end is `serverDisconnected`). */
  #reached = false;
  #closing: Promise<void> | undefined;

  /** Checks the options (ENetError ERR_INVALID_PARAMETER); `start()` connects. */
  constructor(options: SceneMultiplayerClientOptions) {
    super();
    this.#options = {
      address: options.address,
      port: integer('port', options.port, 1, 65535),
      compress: member<CompressionMode>('compress', options.compress ?? CompressionMode.COMPRESS_NONE, CompressionMode),
      auth: options.auth,
      authTimeoutMs: integer('authTimeoutMs', options.authTimeoutMs ?? 3000, 1, 0x7fffffff),
      relay: boolean('relay', options.relay ?? true),
      configureHost: options.configureHost,
    };
    if (this.#options.auth !== undefined && typeof this.#options.auth !== 'function') {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'auth must be a function');
    }
  }

  /**
   * Connects (Godot: `create_client(address, port)`), applies `compress` and `configureHost`,
   * and runs on the event loop until the connection ends. Throws ENetError as
   * `ENetMultiplayerPeer.createClient` (ERR_ALREADY_IN_USE when started, ERR_CANT_RESOLVE for a
   * host name); errors thrown by `configureHost` pass through.
   */
  start(): this {
    this.multiplayer.createClient(this.#options.address, this.#options.port);
    this.#closing = undefined;
    this.#reached = false;
    this.startWith(this.#options.compress, this.#options.configureHost, this.#listeners);
    return this;
  }

  /** Our peer ID (Godot's `get_unique_id()`); 0 when not started. */
  getUniqueId(): number {
    return this.multiplayer.getUniqueId();
  }

  /** Whether we joined: connected and authenticated, until the connection ends. */
  isJoined(): boolean {
    return this.#peers.has(SERVER_ID);
  }

  /** The joined peers (Godot's `get_peers()`): the server, 1, and the other clients. */
  getPeerIds(): number[] {
    return [...this.#peers];
  }

  /**
   * Godot's `send_auth(1, data)`: an auth message to the server while authenticating. Returns
   * OK, ERR_UNCONFIGURED when not authenticating, ERR_INVALID_PARAMETER for empty data,
   * ERR_FILE_CANT_WRITE once either side completed.
   */
  sendAuth(data: Uint8Array): ErrorCode {
    const authentication = this.#authentication;
    if (!authentication) return ErrorCode.ERR_UNCONFIGURED;
    if (!(data instanceof Uint8Array) || data.length === 0) return ErrorCode.ERR_INVALID_PARAMETER;
    if (authentication.local || authentication.remote) return ErrorCode.ERR_FILE_CANT_WRITE;
    return this.multiplayer.sendTo(SERVER_ID, Buffer.concat([AUTH_COMPLETE, data]), RELIABLE, 0);
  }

  /**
   * Godot's `complete_auth(1)`: our side of authentication is done; we join once the server's is
   * too. Returns OK, ERR_UNCONFIGURED when not authenticating, ERR_FILE_CANT_WRITE when already
   * completed.
   */
  completeAuth(): ErrorCode {
    const authentication = this.#authentication;
    if (!authentication) return ErrorCode.ERR_UNCONFIGURED;
    if (authentication.local) return ErrorCode.ERR_FILE_CANT_WRITE;
    authentication.local = true;
    const result = this.multiplayer.sendTo(SERVER_ID, AUTH_COMPLETE, RELIABLE, 0);
    if (authentication.remote) this.#admitServer();
    return result;
  }

  /**
   * Godot's `send_bytes(bytes, id, mode, channel)`: `id` 1 the server, another ID that client
   * (through the relay), 0 every peer, < 0 every peer but −id. Returns ERR_INVALID_DATA for
   * empty bytes, ERR_UNCONFIGURED when not joined, else what ENet answers.
   */
  sendBytes(data: Uint8Array, id = 0, mode: TransferMode = RELIABLE, channel = 0): ErrorCode {
    if (!(data instanceof Uint8Array) || data.length === 0) return ErrorCode.ERR_INVALID_DATA;
    if (!this.isJoined()) return ErrorCode.ERR_UNCONFIGURED;
    return this.sendCommand(id, rawFrame(data), mode, channel);
  }

  /**
   * Leaves gracefully: the DISCONNECT follows what we sent before (a last RPC arrives), and
   * waits for the server to acknowledge it, at most `timeoutMs`. Resolves once closed
   * ('serverDisconnected' has been emitted if we were connected).
   */
  close(timeoutMs = 2000): Promise<void> {
    integer('timeoutMs', timeoutMs, 0, 0x7fffffff);
    this.#closing ??= this.#leave(timeoutMs);
    return this.#closing;
  }

  async #leave(timeoutMs: number): Promise<void> {
    const server = this.multiplayer.getPeer(SERVER_ID);
    if (this.multiplayer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED) return;
    if (server && this.#reached) {
      server.peerDisconnectLater(0);
      this.multiplayer.getHost()?.flush();
      const deadline = Date.now() + timeoutMs;
      while (this.multiplayer.getConnectionStatus() !== ConnectionStatus.CONNECTION_DISCONNECTED && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    this.multiplayer.close();
  }

  protected override rpcPeerIds(): number[] {
    return [...this.#peers];
  }

  protected override rpcReaches(id: number): boolean {
    return this.#peers.has(id);
  }

  protected override canSend(): boolean {
    return this.isJoined();
  }

  /** Godot's `send_command`: to a client other than the server through the server's relay. */
  protected override sendCommand(to: number, frame: Buffer, mode: TransferMode, channel: number): ErrorCode {
    if (this.#options.relay && to !== SERVER_ID) {
      return this.multiplayer.sendTo(SERVER_ID, sysFrame(SYS_RELAY, to, frame), mode, channel);
    }
    // Without relay the server is the only peer there is: "everyone but the server" is no one.
    if (to > SERVER_ID) return ErrorCode.ERR_INVALID_PARAMETER;
    return to === -SERVER_ID ? ErrorCode.OK : this.multiplayer.sendTo(SERVER_ID, frame, mode, channel);
  }

  readonly #onConnected = (): void => {
    this.#reached = true;
    if (!this.#options.auth) {
      this.#admitServer();
      return;
    }
    this.#authentication = {
      local: false,
      remote: false,
      timer: setTimeout(() => this.#failAuth(), this.#options.authTimeoutMs),
    };
    this.emit('peerAuthenticating', SERVER_ID);
  };

  readonly #onDisconnected = (): void => {
    if (this.#authentication) {
      clearTimeout(this.#authentication.timer);
      this.#authentication = null;
      this.emit('peerAuthenticationFailed', SERVER_ID);
    } else if (this.#peers.delete(SERVER_ID)) {
      this.rpcInterface.removePeer(SERVER_ID);
      this.emit('peerDisconnected', SERVER_ID);
    }
  };

  readonly #onStatus = (status: ConnectionStatus): void => {
    if (status !== ConnectionStatus.CONNECTION_DISCONNECTED) return;
    this.#onDisconnected();
    this.#peers.clear();
    this.rpcInterface.clear();
    this.stopListening(this.#listeners);
    this.emit(this.#reached ? 'serverDisconnected' : 'connectionFailed');
  };

  readonly #onPacket = (_from: number, packet: Buffer, mode: TransferMode, channel: number): void => {
    if (this.#authentication) {
      this.#authenticate(packet);
    } else if (this.isJoined() && packet.length > 0) {
      if ((packet[0] & COMMAND_MASK) === COMMAND_SYS) this.#processSys(packet, mode, channel);
      else this.processCommand(SERVER_ID, packet, mode, channel);
    }
  };

  readonly #listeners = {
    peerConnected: this.#onConnected,
    peerDisconnected: this.#onDisconnected,
    packet: this.#onPacket,
    connectionStatusChanged: this.#onStatus,
  };

  /** Peer announcements and relayed packets: only from the server, and only with relay on. */
  #processSys(packet: Buffer, mode: TransferMode, channel: number): void {
    if (packet.length < SYS_COMMAND_SIZE || !this.#options.relay) return;
    const id = packet.readInt32LE(2);
    switch (packet[1]) {
      case SYS_ADD_PEER:
        if (id <= SERVER_ID || this.#peers.has(id)) return;
        this.#peers.add(id);
        this.rpcInterface.addPeer(id);
        this.emit('peerConnected', id);
        return;
      case SYS_DEL_PEER:
        if (id === SERVER_ID || !this.#peers.delete(id)) return;
        this.rpcInterface.removePeer(id);
        this.emit('peerDisconnected', id);
        return;
      case SYS_RELAY:
        if (packet.length > SYS_COMMAND_SIZE && this.#peers.has(id)) {
          this.processCommand(id, packet.subarray(SYS_COMMAND_SIZE), mode, channel);
        }
    }
  }

  /** A packet while authenticating: only `07 00 …` counts. */
  #authenticate(packet: Buffer): void {
    const authentication = this.#authentication!;
    if (packet.length < 2 || packet[0] !== COMMAND_SYS || packet[1] !== SYS_AUTH) return;
    if (packet.length === 2) {
      authentication.remote = true;
      if (authentication.local) this.#admitServer();
      return;
    }
    const answer = async () => this.#options.auth!(SERVER_ID, Buffer.from(packet.subarray(2)));
    answer().then((reply) => {
      if (this.#authentication !== authentication) return; // over meanwhile
      if (reply === true) this.completeAuth();
      else if (reply instanceof Uint8Array) this.sendAuth(reply);
      else this.#failAuth();
    }, () => this.#failAuth());
  }

  #failAuth(): void {
    if (!this.#authentication) return;
    this.multiplayer.disconnectPeer(SERVER_ID);
  }

  #admitServer(): void {
    if (this.#authentication) clearTimeout(this.#authentication.timer);
    this.#authentication = null;
    this.#peers.add(SERVER_ID);
    this.rpcInterface.addPeer(SERVER_ID);
    this.emit('connectedToServer');
    this.emit('peerConnected', SERVER_ID);
  }
}
