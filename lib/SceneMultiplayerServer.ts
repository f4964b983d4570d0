import { performance } from 'node:perf_hooks';
import { boolean, integer, member } from './arguments';
import { CompressionMode, ENetConnection, HostStatistic } from './ENetConnection';
import { ConnectionStatus, ENetMultiplayerPeer, isValidRoute, TransferMode } from './ENetMultiplayerPeer';
import { PeerStatistic } from './ENetPacketPeer';
import { ENetError, ErrorCode } from './errors';
import { BudgetCounts, mergeBudgets, MisbehaviourReason, noCounts, PeerBudget, PeerBudgets } from './PeerBudget';
import { SceneMultiplayerBase, SceneMultiplayerEvents } from './SceneMultiplayerBase';
import {
  AUTH_COMPLETE, COMMAND_MASK, COMMAND_RAW, COMMAND_SYS, rawFrame, SERVER_ID, SYS_ADD_PEER, SYS_AUTH, SYS_COMMAND_SIZE,
  SYS_DEL_PEER, SYS_RELAY, sysFrame,
} from './sceneFrames';

/**
 * What an auth hook answers for one `07 00 <data>` message: true accepts (the server completes
 * its side), false refuses (the peer is disconnected), bytes are sent back as the server's
 * next auth message (the client answers with another one).
 */
export type AuthReply = boolean | Uint8Array;

/**
 * Decides whether peer `peerId` may join, from the data of one of its auth messages (the bytes
 * a Godot client passed to `multiplayer.send_auth(1, data)`): Godot's `auth_callback`. Called
 * once per message; may be async. A hook that throws or rejects refuses the peer.
 */
export type AuthHook = (peerId: number, data: Buffer) => AuthReply | Promise<AuthReply>;

/** Options of a `SceneMultiplayerServer`. */
export interface SceneMultiplayerServerOptions {
  /** UDP port to listen on; 0 picks a free one (see `getPort()`). */
  port: number;
  /** IP address to bind (IPv4 or IPv6 literal), or '*' for every address, IPv4 and IPv6 (default). */
  bindIp?: string;
  /** Most clients at once, 1 … 4095 (default 32, as Godot). */
  maxClients?: number;
  /** Compression, which clients must match (default NONE, as Godot). */
  compress?: CompressionMode;
  /**
   * Godot's `server_relay` (default true): announce peers to each other (`07 01` / `07 02`)
   * and relay their `07 03` frames, so clients see and reach each other.
   */
  relay?: boolean;
  /** When set, a client joins only once it and this hook have completed auth (spec §3.7). */
  auth?: AuthHook;
  /** How long a client may take to authenticate (default 3000 ms, Godot's `auth_timeout`). */
  authTimeoutMs?: number;
  /**
   * Called with the host right after it is bound, before any client can join: for
   * `dtlsServerSetup`, `setLimits` and the like. What it throws makes `start()` throw.
   */
  configureHost?: (host: ENetConnection) => void;
  /** What one client may cost the server; each unset budget keeps its default, 0 turns it off (see {@link PeerBudgets}). */
  budgets?: Partial<PeerBudgets>;
}

/**
 * Events of a `SceneMultiplayerServer`, named after SceneMultiplayer's signals, and those of
 * `SceneMultiplayerEvents` (raw bytes, RPCs).
 */
export interface SceneMultiplayerServerEvents extends SceneMultiplayerEvents {
  /** A client connected and must authenticate (only with an auth hook). */
  peerAuthenticating: [id: number];
  /**
   * A client failed to authenticate (refused, hook error or timeout) and is being disconnected,
   * or left before it joined: Godot's `peer_authentication_failed`. Once per client.
   */
  peerAuthenticationFailed: [id: number];
  /** A client joined: it was announced to the others (with relay) and may send. */
  peerConnected: [id: number];
  /** A joined client left, timed out or was kicked. */
  peerDisconnected: [id: number];
  /**
   * A client went past `budgets.maxMalformed` with a frame malformed for `reason`; `counts` are
   * its malformed frames by reason. The server kicks it right after (disconnect data 0).
   */
  peerMisbehaved: [id: number, reason: MisbehaviourReason, counts: BudgetCounts['malformedByReason']];
  /** The server stopped (after `close()`, or when its socket failed). */
  close: [];
}

/** Per-peer figures from `getPeerStats()`, with what the client's budgets dropped. */
export interface PeerStats extends BudgetCounts {
  /** The client's peer ID. */
  id: number;
  /** The client's IP address. */
  address: string;
  /** The client's UDP port. */
  port: number;
  /** When the client connected (ms since the epoch). */
  connectedAt: number;
  /** Whether it has joined (auth complete). */
  joined: boolean;
  /** ENet's smoothed round-trip time, ms. */
  roundTripTime: number;
  /** ENet's packet-loss estimate, 0 … 1. */
  packetLoss: number;
  /** Packets received from the client (SceneMultiplayer frames, relayed ones included). */
  packetsIn: number;
  /** Bytes of those packets (payload, without ENet's headers). */
  bytesIn: number;
  /** Packets the server sent to the client (its own, announcements, relayed ones). */
  packetsOut: number;
  /** Bytes of those packets (payload, without ENet's headers). */
  bytesOut: number;
}

/** Server-wide figures from `getStats()`; the budget counts add up every client's since `start()`. */
export interface ServerStats extends BudgetCounts {
  /** Clients that joined. */
  peers: number;
  /** Clients connected but still authenticating. */
  authenticating: number;
  /**
   * UDP datagrams sent since the server started. This and the other totals include ENet's
   * headers, acknowledgements and pings.
   */
  datagramsSent: number;
  /** Bytes sent since the server started (after compression). */
  bytesSent: number;
  /** UDP datagrams received since the server started. */
  datagramsReceived: number;
  /** Bytes received since the server started (before decompression). */
  bytesReceived: number;
  /** Clients kicked for going past `budgets.maxMalformed`. */
  misbehaved: number;
}

const RELIABLE = TransferMode.TRANSFER_MODE_RELIABLE;
/** How often ENet's 32-bit traffic counters are folded into the totals (getStats). */
const TRAFFIC_FOLD_MS = 10_000;
/** How long a kicked client has to acknowledge what it was sent before the DISCONNECT. */
const KICK_GRACE_MS = 2000;
/**
 * A relay to a client that left this recently is not malformed: the sender had not yet heard
 * that it left (Godot ignores these too). Bounded: the oldest are forgotten first.
 */
const RECENTLY_LEFT_MS = 60_000;
const RECENTLY_LEFT_MAX = 4096;

interface PeerRecord {
  connectedAt: number;
  joined: boolean;
  /** Auth: whether this side and the client have completed. */
  serverCompleted: boolean;
  clientCompleted: boolean;
  authTimer?: NodeJS.Timeout;
  /** Set once auth failed: the client is being disconnected and nothing it sends counts. */
  authFailed: boolean;
  /** Set by kick(): forces the disconnect if the client does not acknowledge what it was sent. */
  kickTimer?: NodeJS.Timeout;
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  budget: PeerBudget;
}

/** Whether a client gets what the server sends: joined, and not kicked (its DISCONNECT waits for what it was already sent). */
function reachable(record: PeerRecord): boolean {
  return record.joined && record.kickTimer === undefined;
}

/** The server-wide traffic totals before any traffic. */
function noTraffic() {
  return { datagramsSent: 0, bytesSent: 0, datagramsReceived: 0, bytesReceived: 0, misbehaved: 0 };
}

/**
 * A dedicated server for stock Godot 4 clients (`ENetMultiplayerPeer.create_client` with the
 * default SceneMultiplayer): it is peer 1, announces clients to each other, relays their
 * packets as Godot 4.4+ does, optionally authenticates them, and exchanges raw bytes
 * (`send_bytes` / `peer_packet`) and RPCs (`addNode`, `rpcId`) with them. Event-driven: it
 * never blocks the event loop.
 */
export class SceneMultiplayerServer extends SceneMultiplayerBase<SceneMultiplayerServerEvents> {
  /**
   * The ENetMultiplayerPeer underneath (server mode, event-driven once started). Read from it
   * (`getHost()`, `getPeer(id)`); sending or closing through it bypasses the server's
   * bookkeeping.
   */
  override readonly multiplayer = new ENetMultiplayerPeer();
  readonly #options: Required<Omit<SceneMultiplayerServerOptions, 'auth' | 'configureHost' | 'budgets'>> &
    { budgets: PeerBudgets } &
    Pick<SceneMultiplayerServerOptions, 'auth' | 'configureHost'>;
  /** Every connected client, joined or authenticating. */
  readonly #peers = new Map<number, PeerRecord>();
  readonly #totals = noTraffic();
  readonly #budgetTotals = noCounts();
  /** IDs of clients that left, with when (performance.now()), oldest first. */
  readonly #recentlyLeft = new Map<number, number>();
  /** Folds ENet's 32-bit traffic counters into #totals often enough that they cannot wrap. */
  #trafficTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  /** Checks the options (ENetError ERR_INVALID_PARAMETER); `start()` opens the port. */
  constructor(options: SceneMultiplayerServerOptions) {
    super();
    this.#options = {
      port: integer('port', options.port, 0, 65535),
      bindIp: options.bindIp ?? '*',
      maxClients: integer('maxClients', options.maxClients ?? 32, 1, 4095),
      compress: member<CompressionMode>('compress', options.compress ?? CompressionMode.COMPRESS_NONE, CompressionMode),
      relay: boolean('relay', options.relay ?? true),
      auth: options.auth,
      authTimeoutMs: integer('authTimeoutMs', options.authTimeoutMs ?? 3000, 1, 0x7fffffff),
      configureHost: options.configureHost,
      budgets: mergeBudgets(options.budgets),
    };
    if (this.#options.auth !== undefined && typeof this.#options.auth !== 'function') {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'auth must be a function');
    }
    this.multiplayer.setBindIp(this.#options.bindIp);
  }

  /**
   * Binds the port, applies `compress` and `configureHost`, and starts serving on the event
   * loop; the server keeps the process alive until `close()`. Throws ENetError: ERR_CANT_CREATE
   * when the port is taken, ERR_ALREADY_IN_USE when started; errors thrown by `configureHost`
   * pass through (the port is then closed again).
   */
  start(): this {
    const { port, maxClients, compress, configureHost } = this.#options;
    this.multiplayer.createServer(port, maxClients);
    this.#closing = undefined;
    // getStats() counts from start(): a restarted server starts from zero. Same objects, since
    // every client's PeerBudget adds to #budgetTotals.
    Object.assign(this.#totals, noTraffic());
    Object.assign(this.#budgetTotals, noCounts());
    this.#recentlyLeft.clear();
    this.startWith(compress, configureHost, this.#listeners);
    // 4 GiB, where ENet's byte counters wrap, takes over 400 MB/s within this period.
    this.#trafficTimer = setInterval(() => this.#foldTraffic(), TRAFFIC_FOLD_MS).unref();
    return this;
  }

  /** The UDP port the server listens on; 0 when not started. */
  getPort(): number {
    return this.multiplayer.getHost()?.getLocalPort() ?? 0;
  }

  /** The IDs of the joined clients, in the order they connected (authenticating ones excluded). */
  getPeerIds(): number[] {
    return [...this.#peers].filter(([, record]) => record.joined).map(([id]) => id);
  }

  /**
   * Sends raw bytes as Godot's `send_bytes`: the clients' `multiplayer.peer_packet(1, bytes)`
   * fires. `id` > 0: that client; 0: every joined client; < 0: every joined client but −id.
   * Returns ERR_INVALID_DATA for empty bytes, ERR_INVALID_PARAMETER for a bad `id`, mode or
   * channel, ERR_UNCONFIGURED for a client that has not joined (or the server is stopped), else
   * OK (or ENet's refusal for a single client).
   */
  sendBytes(bytes: Uint8Array, id = 0, mode: TransferMode = RELIABLE, channel = 0): ErrorCode {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) return ErrorCode.ERR_INVALID_DATA;
    if (!Number.isInteger(id) || !isValidRoute(mode, channel)) return ErrorCode.ERR_INVALID_PARAMETER;
    const frame = rawFrame(bytes);
    if (id > 0) return this.#peers.get(id)?.joined ? this.#send(id, frame, mode, channel) : ErrorCode.ERR_UNCONFIGURED;
    if (this.multiplayer.getConnectionStatus() !== ConnectionStatus.CONNECTION_CONNECTED) return ErrorCode.ERR_UNCONFIGURED;
    this.#sendToJoined(frame, mode, channel, -id);
    return ErrorCode.OK;
  }

  /**
   * Disconnects client `id` gracefully; its ENet DISCONNECT carries `reason` (a 32-bit number;
   * Godot has no kick message, so agree on codes with your clients). The DISCONNECT leaves once
   * the client has acknowledged what was sent to it before, so a reason sent with `sendBytes`
   * just before arrives (ENet's immediate disconnect would drop it); a client that does not
   * acknowledge within 2 s is disconnected anyway. Meanwhile what the client sends is ignored
   * and broadcasts and relays skip it.
   * 'peerDisconnected' follows once the client acknowledges the DISCONNECT. Returns OK (also
   * when the client is already being kicked), or ERR_INVALID_PARAMETER for an unknown client.
   */
  kick(id: number, reason = 0): ErrorCode {
    const record = this.#peers.get(id);
    const peer = record ? this.multiplayer.getPeer(id) : null;
    if (!record || !peer) return ErrorCode.ERR_INVALID_PARAMETER;
    if (record.kickTimer !== undefined) return ErrorCode.OK;
    const result = peer.peerDisconnectLater(reason);
    if (result !== ErrorCode.OK) return result;
    record.kickTimer = setTimeout(() => this.multiplayer.getPeer(id)?.peerDisconnect(reason), KICK_GRACE_MS);
    this.multiplayer.getHost()?.flush();
    return result;
  }

  /** Figures for client `id` (joined or authenticating), read now; null for an unknown client. */
  getPeerStats(id: number): PeerStats | null {
    const record = this.#peers.get(id);
    const peer = this.multiplayer.getPeer(id);
    if (!record || !peer) return null;
    return {
      id,
      address: peer.getRemoteAddress(),
      port: peer.getRemotePort(),
      connectedAt: record.connectedAt,
      joined: record.joined,
      roundTripTime: peer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME),
      packetLoss: peer.getStatistic(PeerStatistic.PEER_PACKET_LOSS) / 65536,
      packetsIn: record.packetsIn,
      bytesIn: record.bytesIn,
      packetsOut: record.packetsOut,
      bytesOut: record.bytesOut,
      ...copyCounts(record.budget.counts),
    };
  }

  /** Server-wide figures; the traffic totals count from `start()`. */
  getStats(): ServerStats {
    this.#foldTraffic();
    const authenticating = [...this.#peers.values()].filter((record) => !record.joined).length;
    return { peers: this.#peers.size - authenticating, authenticating, ...this.#totals, ...copyCounts(this.#budgetTotals) };
  }

  /**
   * Stops gracefully: refuses new clients, disconnects every client (ENet disconnect data 0)
   * once it has what was sent to it before (a goodbye sent with `sendBytes` arrives), and waits
   * until they acknowledge, at most `timeoutMs`; clients that did not are then sent a last
   * DISCONNECT. Resolves once the port is closed ('close' is emitted).
   */
  close(timeoutMs = 2000): Promise<void> {
    integer('timeoutMs', timeoutMs, 0, 0x7fffffff);
    this.#closing ??= this.#shutDown(timeoutMs);
    return this.#closing;
  }

  #foldTraffic(): void {
    const host = this.multiplayer.getHost();
    if (!host) return;
    this.#totals.datagramsSent += host.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS);
    this.#totals.bytesSent += host.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
    this.#totals.datagramsReceived += host.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    this.#totals.bytesReceived += host.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA);
  }

  async #shutDown(timeoutMs: number): Promise<void> {
    if (this.multiplayer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED) return;
    this.multiplayer.refuseNewConnections = true;
    // After what was already sent to each client (e.g. a goodbye with sendBytes) is delivered.
    for (const id of this.#peers.keys()) this.multiplayer.getPeer(id)?.peerDisconnectLater(0);
    this.multiplayer.getHost()!.flush();
    const deadline = Date.now() + timeoutMs;
    while (this.#peers.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // Clients still holding up the DISCONNECT (unacknowledged data) get it now, unreliably.
    for (const id of this.#peers.keys()) this.multiplayer.getPeer(id)?.peerDisconnectNow(0);
    this.#foldTraffic();
    this.multiplayer.close();
  }

  readonly #onStatus = (status: ConnectionStatus): void => {
    if (status !== ConnectionStatus.CONNECTION_DISCONNECTED) return;
    clearInterval(this.#trafficTimer);
    for (const record of this.#peers.values()) {
      clearTimeout(record.authTimer);
      clearTimeout(record.kickTimer);
    }
    this.#peers.clear();
    this.rpcInterface.clear();
    this.stopListening(this.#listeners);
    this.emit('close');
  };

  readonly #onConnected = (id: number): void => {
    const record: PeerRecord = { connectedAt: Date.now(), joined: false, serverCompleted: false, clientCompleted: false,
      authFailed: false, packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0,
      budget: new PeerBudget(this.#options.budgets, this.#budgetTotals) };
    this.#peers.set(id, record);
    if (!this.#options.auth) {
      this.#join(id, record);
      return;
    }
    record.authTimer = setTimeout(() => this.#failAuth(id), this.#options.authTimeoutMs);
    this.emit('peerAuthenticating', id);
  };

  readonly #onDisconnected = (id: number): void => {
    const record = this.#peers.get(id);
    if (!record) return;
    clearTimeout(record.authTimer);
    clearTimeout(record.kickTimer);
    this.#peers.delete(id);
    if (!record.joined) {
      // Godot reports a client that leaves during auth as having failed it.
      if (!record.authFailed) this.emit('peerAuthenticationFailed', id);
      return;
    }
    this.#rememberLeft(id);
    this.rpcInterface.removePeer(id);
    if (this.#options.relay) this.#sendToJoined(sysFrame(SYS_DEL_PEER, id), RELIABLE, 0);
    this.emit('peerDisconnected', id);
  };

  readonly #onPacket = (id: number, packet: Buffer, mode: TransferMode, channel: number): void => {
    const record = this.#peers.get(id);
    if (!record || record.kickTimer !== undefined || record.authFailed) return;
    record.packetsIn++;
    record.bytesIn += packet.length;
    if (!record.budget.admit(packet.length, this.#peers.size)) return;
    if (record.joined) this.#process(id, packet, mode, channel);
    else this.#authenticate(id, record, packet);
  };

  readonly #listeners = {
    peerConnected: this.#onConnected,
    peerDisconnected: this.#onDisconnected,
    packet: this.#onPacket,
    connectionStatusChanged: this.#onStatus,
  };

  protected override rpcPeerIds(): number[] {
    return this.#recipients();
  }

  protected override rpcReaches(id: number): boolean {
    const record = this.#peers.get(id);
    return record !== undefined && reachable(record);
  }

  protected override sendCommand(to: number, frame: Buffer, mode: TransferMode, channel: number): ErrorCode {
    return this.#send(to, frame, mode, channel);
  }

  protected override canSend(): boolean {
    return this.multiplayer.getConnectionStatus() === ConnectionStatus.CONNECTION_CONNECTED;
  }

  protected override rpcRefused(id: number, reason: string, malformed: boolean): void {
    super.rpcRefused(id, reason, malformed);
    if (malformed) this.#misbehaved(id, 'malformed-rpc');
  }

  /** Handles a packet from a joined client (or one relayed on its behalf). */
  #process(from: number, packet: Buffer, mode: TransferMode, channel: number): void {
    if (packet.length === 0) return this.#misbehaved(from, 'empty');
    const command = packet[0] & COMMAND_MASK;
    if (command === COMMAND_RAW) {
      if (packet.length >= 2) this.emit('peerPacket', from, packet.subarray(1), mode, channel);
      else this.#misbehaved(from, 'truncated');
    } else if (command !== COMMAND_SYS) {
      this.processCommand(from, packet, mode, channel); // RPCs, or left alone
    } else if (packet[1] === SYS_AUTH && packet.length === 2) {
      // A late auth confirmation: Godot accepts it after joining too.
    } else if (packet[1] === SYS_AUTH) {
      this.#misbehaved(from, 'auth-after-join');
    } else if (packet.length < SYS_COMMAND_SIZE || (packet[1] === SYS_RELAY && packet.length === SYS_COMMAND_SIZE)) {
      this.#misbehaved(from, 'truncated');
    } else if (packet[1] !== SYS_RELAY) {
      this.#misbehaved(from, 'unknown-command');  // peer announcements come from the server only
    } else if (!this.#options.relay) {
      this.#misbehaved(from, 'relay-disabled');
    } else {
      this.#relay(from, packet.readInt32LE(2), packet.subarray(SYS_COMMAND_SIZE), mode, channel);
    }
  }

  /** Godot 4.4+ relay table (spec §3.7), with the same mode and channel as the request. */
  #relay(from: number, destination: number, inner: Buffer, mode: TransferMode, channel: number): void {
    // Godot's clients reject a system command inside a relay, and nested relays would multiply
    // what one packet makes the server send.
    if ((inner[0] & COMMAND_MASK) === COMMAND_SYS) return this.#misbehaved(from, 'unknown-command');
    if (destination === SERVER_ID) return this.#process(from, inner, mode, channel);
    if (destination === from) return this.#misbehaved(from, 'relay-to-self');
    if (destination > 0 && !this.#peers.get(destination)?.joined) {
      if (!this.#leftRecently(destination)) this.#misbehaved(from, 'relay-to-unknown-peer');
      return;
    }
    const recipients = destination > 0 ? [destination] : this.#recipients(from, -destination);
    const budget = this.#peers.get(from)?.budget;
    if (budget && !budget.admitRelay(inner.length, SYS_COMMAND_SIZE + inner.length, recipients.length)) return;
    const frame = sysFrame(SYS_RELAY, from, inner);
    for (const id of recipients) this.#send(id, frame, mode, channel);
    if (destination === 0 || destination < -1) this.#process(from, inner, mode, channel);
  }

  /** Counts a malformed frame from `id`; past its budget, 'peerMisbehaved' fires and it is kicked. */
  #misbehaved(id: number, reason: MisbehaviourReason): void {
    const record = this.#peers.get(id);
    if (!record?.budget.malformed(reason) || record.kickTimer !== undefined) return;
    this.#totals.misbehaved++;
    this.emit('peerMisbehaved', id, reason, { ...record.budget.counts.malformedByReason });
    this.kick(id);
  }

  #rememberLeft(id: number): void {
    const now = performance.now();
    this.#recentlyLeft.delete(id);
    this.#recentlyLeft.set(id, now);
    for (const [oldest, leftAt] of this.#recentlyLeft) {
      if (now - leftAt < RECENTLY_LEFT_MS && this.#recentlyLeft.size <= RECENTLY_LEFT_MAX) break;
      this.#recentlyLeft.delete(oldest);
    }
  }

  #leftRecently(id: number): boolean {
    const leftAt = this.#recentlyLeft.get(id);
    return leftAt !== undefined && performance.now() - leftAt < RECENTLY_LEFT_MS;
  }

  /** Handles a packet from a client that has not joined yet: only `07 00 …` counts. */
  #authenticate(id: number, record: PeerRecord, packet: Buffer): void {
    if (packet.length < 2 || packet[0] !== COMMAND_SYS || packet[1] !== SYS_AUTH) return;
    if (!record.budget.authFits(packet.length - 2)) {
      record.budget.malformed('auth-too-large');
      this.#failAuth(id);
      return;
    }
    if (packet.length === 2) {
      record.clientCompleted = true;
      if (record.serverCompleted) this.#join(id, record);
      return;
    }
    const answer = async (): Promise<AuthReply> => this.#options.auth!(id, Buffer.from(packet.subarray(2)));
    answer().then((reply) => {
      if (this.#peers.get(id) !== record || record.joined || record.authFailed) return; // left or failed meanwhile
      // As Godot's send_auth and complete_auth: nothing more once our side completed, no bytes once theirs did.
      if (record.serverCompleted || (reply instanceof Uint8Array && record.clientCompleted)) return;
      if (reply === true) {
        record.serverCompleted = true;
        this.#send(id, AUTH_COMPLETE, RELIABLE, 0);
        if (record.clientCompleted) this.#join(id, record);
      } else if (reply instanceof Uint8Array) {
        this.#send(id, Buffer.concat([AUTH_COMPLETE, reply]), RELIABLE, 0);
      } else {
        this.#failAuth(id);
      }
    }, () => this.#failAuth(id));
  }

  #failAuth(id: number): void {
    const record = this.#peers.get(id);
    if (!record || record.joined || record.authFailed) return;
    clearTimeout(record.authTimer);
    record.authFailed = true;
    this.emit('peerAuthenticationFailed', id);
    this.multiplayer.disconnectPeer(id);
  }

  #join(id: number, record: PeerRecord): void {
    clearTimeout(record.authTimer);
    record.joined = true;
    this.rpcInterface.addPeer(id);
    if (this.#options.relay) {
      for (const [other, otherRecord] of this.#peers) {
        if (other === id || !otherRecord.joined) continue;
        this.#send(other, sysFrame(SYS_ADD_PEER, id), RELIABLE, 0);
        this.#send(id, sysFrame(SYS_ADD_PEER, other), RELIABLE, 0);
      }
    }
    this.emit('peerConnected', id);
  }

  /** Sends `frame` to every joined client except up to two IDs. */
  #sendToJoined(frame: Buffer, mode: TransferMode, channel: number, exceptA = 0, exceptB = 0): void {
    for (const id of this.#recipients(exceptA, exceptB)) this.#send(id, frame, mode, channel);
  }

  /** The joined clients except up to two IDs. */
  #recipients(exceptA = 0, exceptB = 0): number[] {
    const ids: number[] = [];
    for (const [id, record] of this.#peers) if (reachable(record) && id !== exceptA && id !== exceptB) ids.push(id);
    return ids;
  }

  #send(id: number, frame: Buffer, mode: TransferMode, channel: number): ErrorCode {
    const record = this.#peers.get(id);
    if (record) {
      record.packetsOut++;
      record.bytesOut += frame.length;
    }
    return this.multiplayer.sendTo(id, frame, mode, channel);
  }
}

/** A copy of `counts` that later counting does not change. */
function copyCounts(counts: BudgetCounts): BudgetCounts {
  return { ...counts, malformedByReason: { ...counts.malformedByReason } };
}
