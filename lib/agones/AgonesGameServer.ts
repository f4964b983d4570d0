import { EventEmitter } from 'node:events';
import { boolean, integer } from '../arguments';
import { ENetError, ErrorCode } from '../errors';
import { AgonesGameServerObject, AgonesSdk, createAgonesSdk } from './sdk';
import { StallMeter } from './StallMeter';

/**
 * What `AgonesGameServer` needs from the server it manages; `SceneMultiplayerServer` has it.
 * Player IDs are what 'peerConnected' and 'peerDisconnected' report.
 */
export interface AgonesManagedServer {
  /** The multiplayer peer underneath, for `refuseNewConnections` (`refuseUntilAllocated`). */
  readonly multiplayer: {
    /** While true, new clients are turned away. */
    refuseNewConnections: boolean;
  };
  /** The UDP port, 0 until bound. */
  getPort(): number;
  /** The players in the match now. */
  getPeerIds(): number[];
  /** Stops the server gracefully. */
  close(): Promise<void>;
  /** Subscribes to joins and leaves. */
  on(event: 'peerConnected' | 'peerDisconnected', listener: (id: number) => void): unknown;
  /** Subscribes to the server stopping. */
  on(event: 'close', listener: () => void): unknown;
  /** Unsubscribes what `on` subscribed (after a failed start). */
  off(event: 'peerConnected' | 'peerDisconnected', listener: (id: number) => void): unknown;
  /** Unsubscribes what `on` subscribed (after a failed start). */
  off(event: 'close', listener: () => void): unknown;
}

/** Options of an `AgonesGameServer`. */
export interface AgonesGameServerOptions {
  /**
   * The Agones list (Counters and Lists API, beta, on by default since Agones 1.41) that holds the
   * IDs of the players in the match; it must be declared in the GameServer's `spec.lists`.
   * Default 'players'; null: players are not reported.
   */
  playersList?: string | null;
  /** The list's capacity, set at start (Agones allows 0 … 1000); default: left as declared. */
  capacity?: number;
  /** How often to send a health ping (default 2000 ms; keep it below the GameServer's `spec.health.periodSeconds`). */
  healthIntervalMs?: number;
  /**
   * A ping is withheld when the event loop stalled longer than this since the previous one
   * (default 2000 ms), so that Agones marks a wedged server Unhealthy and replaces it.
   */
  stallThresholdMs?: number;
  /** Refuse new clients until the GameServer is Allocated (default false). */
  refuseUntilAllocated?: boolean;
  /**
   * Once the match had players and the last one left, wait this long for someone to join, then
   * shut down (`shutdown('empty')`). Default: never.
   */
  shutdownWhenEmptyMs?: number;
  /** Labels to set on the GameServer (Agones prefixes each key with `agones.dev/sdk-`). */
  labels?: Record<string, string>;
  /** Annotations to set on the GameServer (Agones prefixes each key with `agones.dev/sdk-`). */
  annotations?: Record<string, string>;
  /** How long `start()` waits for the SDK sidecar (default 30000 ms, as the SDK's own `connect()`). */
  connectTimeoutMs?: number;
}

/** Events of an `AgonesGameServer`. */
export interface AgonesGameServerEvents {
  /** Agones was told the server is Ready. */
  ready: [];
  /** The GameServer became Allocated: a match was assigned to this server. */
  allocated: [gameServer: AgonesGameServerObject];
  /** A health ping was withheld because the event loop stalled for `stalledMs`. */
  healthWithheld: [stalledMs: number];
  /** A call to the sidecar failed after start (`what`: 'health', 'watch', 'player-joined' …); the server carries on. */
  sdkError: [what: string, error: Error];
  /** Shutdown was sent to Agones (`reason`: 'empty', 'server-closed' or `shutdown()`'s). */
  shutdown: [reason: string];
}

const ALLOCATED = 'Allocated';

/**
 * Makes a game server a well-behaved Agones game server, through the official SDK (the
 * optional dependency `@google-cloud/agones-sdk`) and the SDK sidecar of its pod: Ready once
 * the port is bound, health pings while the event loop is healthy, players reported in an
 * Agones list, Allocated noticed, and Shutdown when the match is over, the server closes or
 * `shutdown()` is called.
 */
export class AgonesGameServer extends EventEmitter<AgonesGameServerEvents> {
  readonly #server: AgonesManagedServer;
  readonly #options: Required<Omit<AgonesGameServerOptions, 'capacity' | 'shutdownWhenEmptyMs' | 'playersList'>> &
    Pick<AgonesGameServerOptions, 'capacity' | 'shutdownWhenEmptyMs'> & { playersList: string | null };
  #sdk: AgonesSdk | undefined;
  #allocated = false;
  #hadPlayers = false;
  #healthTimer: NodeJS.Timeout | undefined;
  #emptyTimer: NodeJS.Timeout | undefined;
  #stallMeter: StallMeter | undefined;
  /** Player reports, in order: a leave never overtakes its join. */
  #playerUpdates: Promise<void> = Promise.resolve();
  #shuttingDown: Promise<void> | undefined;

  /** Checks the options (ENetError ERR_INVALID_PARAMETER); `start()` talks to Agones. */
  constructor(server: AgonesManagedServer, options: AgonesGameServerOptions = {}) {
    super();
    this.#server = server;
    const playersList = options.playersList === undefined ? 'players' : options.playersList;
    if (playersList !== null && (typeof playersList !== 'string' || playersList === '')) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'playersList must be a non-empty string or null');
    }
    this.#options = {
      playersList,
      capacity: options.capacity === undefined ? undefined : integer('capacity', options.capacity, 0, 1000),
      healthIntervalMs: integer('healthIntervalMs', options.healthIntervalMs ?? 2000, 1, 0x7fffffff),
      stallThresholdMs: integer('stallThresholdMs', options.stallThresholdMs ?? 2000, 1, 0x7fffffff),
      refuseUntilAllocated: boolean('refuseUntilAllocated', options.refuseUntilAllocated ?? false),
      shutdownWhenEmptyMs: options.shutdownWhenEmptyMs === undefined ? undefined
        : integer('shutdownWhenEmptyMs', options.shutdownWhenEmptyMs, 0, 0x7fffffff),
      labels: stringRecord('labels', options.labels),
      annotations: stringRecord('annotations', options.annotations),
      connectTimeoutMs: integer('connectTimeoutMs', options.connectTimeoutMs ?? 30_000, 1, 0x7fffffff),
    };
  }

  /** Whether the GameServer has been Allocated. */
  get allocated(): boolean {
    return this.#allocated;
  }

  /**
   * Connects to the SDK sidecar (`localhost:$AGONES_SDK_GRPC_PORT`, default 9357), sets the
   * labels, annotations and player capacity, reports the players already in, starts health pings
   * and watching for allocation, then marks the GameServer Ready. Call it once the server is
   * started (its port bound). Rejects with ENetError: ERR_UNAVAILABLE when the SDK package is not
   * installed, ERR_CANT_CONNECT when the sidecar does not answer within `connectTimeoutMs`,
   * ERR_UNCONFIGURED when the server is not started or the players list is not declared,
   * ERR_ALREADY_IN_USE when started before; the SDK client is closed again on failure.
   */
  async start(): Promise<void> {
    if (this.#sdk) throw new ENetError(ErrorCode.ERR_ALREADY_IN_USE, 'the Agones game server is already started');
    if (this.#server.getPort() === 0) {
      throw new ENetError(ErrorCode.ERR_UNCONFIGURED, 'start the server (bind its port) before telling Agones it is Ready');
    }
    const sdk = createAgonesSdk();
    this.#sdk = sdk;
    try {
      await this.#connect(sdk);
      for (const [key, value] of Object.entries(this.#options.labels)) await sdk.setLabel(key, value);
      for (const [key, value] of Object.entries(this.#options.annotations)) await sdk.setAnnotation(key, value);
      await this.#setCapacity(sdk);
      if (this.#options.refuseUntilAllocated) this.#server.multiplayer.refuseNewConnections = true;
      this.#listen();
      for (const id of this.#server.getPeerIds()) this.#onJoin(id);
      sdk.watchGameServer((gameServer) => this.#onGameServer(gameServer), (err) => this.#sdkError('watch', err));
      this.#startHealth(sdk);
      await sdk.ready();
    } catch (err) {
      this.#stopTimers();
      this.#unlisten();
      sdk.close();
      // A failed start ends this object: shutdown() then does nothing, the server is left as it is.
      this.#shuttingDown ??= Promise.resolve();
      throw err;
    }
    this.emit('ready');
  }

  /**
   * Ends the game server: closes the server gracefully (clients are disconnected), reports the
   * last leaves, sends Shutdown to Agones and closes the SDK client. Resolves once done; calling
   * it again returns the same promise. A failing Shutdown call is reported as 'sdkError'.
   */
  shutdown(reason = 'requested'): Promise<void> {
    // Taken before anything runs: closing the server emits 'close' at once when no client is
    // left, and that second shutdown('server-closed') must find this one.
    this.#shuttingDown ??= Promise.resolve().then(() => this.#shutDown(reason));
    return this.#shuttingDown;
  }

  async #shutDown(reason: string): Promise<void> {
    this.#stopTimers();
    await this.#server.close();
    const sdk = this.#sdk;
    if (!sdk) return;
    await this.#playerUpdates;
    try {
      await sdk.shutdown();
    } catch (err) {
      this.#sdkError('shutdown', err);
    }
    sdk.close();
    this.emit('shutdown', reason);
  }

  #connect(sdk: AgonesSdk): Promise<void> {
    const ms = this.#options.connectTimeoutMs;
    return new Promise((resolve, reject) => sdk.client.waitForReady(Date.now() + ms, (err) => {
      if (!err) return resolve();
      reject(new ENetError(ErrorCode.ERR_CANT_CONNECT, `cannot reach the Agones SDK sidecar at localhost:${sdk.port} `
        + `within ${ms / 1000} s (${err.message}); run inside an Agones GameServer pod, or start Agones' sdk-server `
        + 'with --local and set AGONES_SDK_GRPC_PORT to its gRPC port'));
    }));
  }

  async #setCapacity(sdk: AgonesSdk): Promise<void> {
    const { playersList, capacity } = this.#options;
    if (playersList === null || capacity === undefined) return;
    try {
      await sdk.beta.setListCapacity(playersList, capacity);
    } catch (err) {
      throw new ENetError(ErrorCode.ERR_UNCONFIGURED, `cannot set the capacity of the Agones list '${playersList}' `
        + `(${(err as Error).message}): declare it in the GameServer's spec.lists (see deploy/agones/gameserver.yaml)`);
    }
  }

  readonly #onPeerConnected = (id: number): void => this.#onJoin(id);
  readonly #onPeerDisconnected = (id: number): void => this.#onLeave(id);
  // A server that stopped (closed by its owner, or its socket failed) ends the game server.
  readonly #onServerClose = (): void => void this.shutdown('server-closed');

  #listen(): void {
    this.#server.on('peerConnected', this.#onPeerConnected);
    this.#server.on('peerDisconnected', this.#onPeerDisconnected);
    this.#server.on('close', this.#onServerClose);
  }

  #unlisten(): void {
    this.#server.off('peerConnected', this.#onPeerConnected);
    this.#server.off('peerDisconnected', this.#onPeerDisconnected);
    this.#server.off('close', this.#onServerClose);
  }

  #onJoin(id: number): void {
    this.#hadPlayers = true;
    clearTimeout(this.#emptyTimer);
    this.#emptyTimer = undefined;
    this.#updatePlayers('player-joined', (sdk, list) => sdk.beta.appendListValue(list, String(id)));
  }

  #onLeave(id: number): void {
    this.#updatePlayers('player-left', (sdk, list) => sdk.beta.deleteListValue(list, String(id)));
    const wait = this.#options.shutdownWhenEmptyMs;
    if (wait === undefined || !this.#hadPlayers || this.#shuttingDown || this.#server.getPeerIds().length > 0) return;
    clearTimeout(this.#emptyTimer);
    this.#emptyTimer = setTimeout(() => void this.shutdown('empty'), wait);
  }

  #updatePlayers(what: string, update: (sdk: AgonesSdk, list: string) => Promise<void>): void {
    const sdk = this.#sdk;
    const list = this.#options.playersList;
    if (!sdk || list === null) return;
    this.#playerUpdates = this.#playerUpdates.then(() => update(sdk, list)).catch((err) => this.#sdkError(what, err));
  }

  #onGameServer(gameServer: AgonesGameServerObject): void {
    if (this.#allocated || gameServer.status.state !== ALLOCATED) return;
    this.#allocated = true;
    if (this.#options.refuseUntilAllocated && !this.#shuttingDown) this.#server.multiplayer.refuseNewConnections = false;
    this.emit('allocated', gameServer);
  }

  /** Pings now and then every `healthIntervalMs`, unless the event loop stalled in between. */
  #startHealth(sdk: AgonesSdk): void {
    const stallMeter = new StallMeter();
    this.#stallMeter = stallMeter;
    const ping = (): void => {
      const stalledMs = stallMeter.takeLongest();
      if (stalledMs > this.#options.stallThresholdMs) this.emit('healthWithheld', stalledMs);
      else sdk.health((err) => this.#sdkError('health', err));
    };
    ping();
    this.#healthTimer = setInterval(ping, this.#options.healthIntervalMs);
  }

  #stopTimers(): void {
    clearInterval(this.#healthTimer);
    clearTimeout(this.#emptyTimer);
    this.#stallMeter?.stop();
  }

  #sdkError(what: string, err: unknown): void {
    // Streams the SDK client cancels on close report errors that mean nothing.
    if (this.#shuttingDown && what === 'watch') return;
    this.emit('sdkError', what, err instanceof Error ? err : new Error(String(err)));
  }
}

function stringRecord(name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `${name} must map names to strings`);
  }
  return { ...value } as Record<string, string>;
}
