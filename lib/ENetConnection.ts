import { lookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { DtlsError } from './DtlsError';
import { DEFAULT_LIMITS, HostLimits, mergeLimits } from './HostLimits';
import { TLSOptions } from './TLSOptions';
import { bindIp, boolean, bytes, integer, member, remoteIp, uint32Data } from './arguments';
import { ENetError, ErrorCode } from './errors';
import { ENetPacketPeer } from './ENetPacketPeer';
import { SendBatch } from './SendBatch';
import { addon, EventField, NativeConnection } from './native';

/** Godot's `ENetConnection.EventType`: the `type` of what `service()` returns. */
export enum EventType {
  /**
   * The host is inactive or its socket failed; or (not in Godot) a DTLS client's handshake
   * failed, with the reason in `event.error`.
   */
  EVENT_ERROR = -1,
  /** Nothing happened within the timeout: every pending event has been returned. */
  EVENT_NONE = 0,
  /** A peer connected: `event.peer` is it, `event.data` the remote's connect data. */
  EVENT_CONNECT = 1,
  /** A peer disconnected or timed out (`event.data` 0); the peer is inactive now. */
  EVENT_DISCONNECT = 2,
  /** A packet arrived on `event.channel`; it waits in `event.peer.getPacket()`. */
  EVENT_RECEIVE = 3,
}

/**
 * Godot's `ENetConnection.CompressionMode`: how a host compresses its datagrams
 * (`ENetConnection.compress`). Both ends must use the same mode; each is byte-compatible with
 * Godot 4's.
 */
export enum CompressionMode {
  /** No compression: Godot 4's default. */
  COMPRESS_NONE = 0,
  /** ENet's own range coder; also understood by stock ENet hosts that enable it. */
  COMPRESS_RANGE_CODER = 1,
  /** A raw FastLZ level-1 block per datagram: cheap, compresses least. */
  COMPRESS_FASTLZ = 2,
  /** A zlib stream (level 6) per datagram: the most CPU per datagram. */
  COMPRESS_ZLIB = 3,
  /** A zstd frame (level 3) per datagram: usually the fewest bytes at little CPU. */
  COMPRESS_ZSTD = 4,
}

/**
 * Godot's `ENetConnection.HostStatistic`: the host counters `popStatistic` reads and resets.
 * Each is ENet's 32-bit counter, so read them often enough that they do not wrap.
 */
export enum HostStatistic {
  /** Bytes sent, after compression, including ENet's headers (DTLS: before encryption). */
  HOST_TOTAL_SENT_DATA = 0,
  /** UDP datagrams sent. */
  HOST_TOTAL_SENT_PACKETS = 1,
  /** Bytes received, before decompression. */
  HOST_TOTAL_RECEIVED_DATA = 2,
  /** UDP datagrams received. */
  HOST_TOTAL_RECEIVED_PACKETS = 3,
}

/** What `service()` returns: Godot's `[type, peer, data, channel]` as named fields. */
export interface ENetEvent {
  /** What happened; `EVENT_NONE` when nothing did. */
  type: EventType;
  /** The peer concerned; null for EVENT_NONE and EVENT_ERROR. */
  peer: ENetPacketPeer | null;
  /** CONNECT: the remote's connect data (0 on the connecting side); DISCONNECT: its data (0 on timeout). */
  data: number;
  /** RECEIVE: the channel the packet came on; 0 otherwise. */
  channel: number;
  /** EVENT_ERROR of a DTLS client whose handshake failed: why (not in Godot, which times out). */
  error?: DtlsError;
}

/** Options of `ENetConnection.start()`. */
export interface StartOptions {
  /**
   * Busy polling, in microseconds (0–1000, default 50; 0 turns it off). Waking a sleeping event
   * loop costs two context switches and the scheduler's latency, which on a fast network is most
   * of a round trip. After a wake-up that delivered events, the host keeps the loop polling its
   * socket without sleeping (other callbacks and timers still run) for up to this long, but only
   * while that pays: while most recent packets came within this time, from the peers the
   * previous wake-up served (a conversation). A host whose traffic comes further apart, or from
   * one peer after another as a game server's clients do, sleeps as it would without; one that
   * spins shows up to a full core busy while it does.
   */
  busyPollMicros?: number;
  /**
   * Borrowed packets (default false): a `'receive'` packet under 16 KiB is a view into memory
   * the host reuses for its next batch, which spares an allocation per batch. It is valid until
   * the handler returns; after that it is empty (`length` 0, reads throw `RangeError`), never a
   * later packet's bytes. Echoing it with `peer.send()` in the handler is fine (sends copy);
   * `Buffer.from(packet)` copies what you keep. Events that `stop()` in a handler holds back get
   * their own copy.
   */
  borrowPackets?: boolean;
}

/** See StartOptions.busyPollMicros. */
const DEFAULT_BUSY_POLL_MICROS = 50;

/**
 * Events of an `ENetConnection`: `'connect'`, `'disconnect'`, `'receive'` and `'error'` are
 * emitted only while the host is started (`start()`); `'dtlsError'` in both modes. Godot has
 * no signals here: it reports everything through `service()`.
 */
export interface ENetConnectionEvents {
  /** A peer connected; `data` is the remote's connect data (0 on the connecting side). */
  connect: [peer: ENetPacketPeer, data: number];
  /** A peer disconnected or timed out (`data` 0); it is inactive now. */
  disconnect: [peer: ENetPacketPeer, data: number];
  /**
   * A packet arrived on `channel` with ENet `flags` (as `getPacketFlags()`). It is not queued on
   * the peer. `packet` stays valid, but may share memory with the batch it arrived in:
   * `Buffer.from(packet)` what you keep for long. With `start({ borrowPackets: true })` a packet
   * under 16 KiB is valid only until the handler returns (StartOptions.borrowPackets).
   */
  receive: [peer: ENetPacketPeer, packet: Buffer, channel: number, flags: number];
  /**
   * ERR_CONNECTION_ERROR: the socket failed and the host has stopped. A DtlsError
   * (ERR_CANT_CONNECT): a DTLS client's handshake failed; the host keeps running.
   */
  error: [error: ENetError];
  /** A DTLS handshake or session failed (server and client), in either mode. */
  dtlsError: [error: DtlsError];
}

const BATCH_EVENTS = 1024;
const MAX_PEERS = 4095;
const MAX_CHANNELS = 255;
/** What native connect() returns for an address it cannot use (no IPv6, or a full token map). */
const BAD_ADDRESS = -2;
const UINT32_MAX = 0xffffffff;
/** A batch record that says DTLS failures are waiting (native/connection.h). */
const EVENT_DTLS_FAILURES = -2 as EventType;

/** Where #onBatch is in the batch it is emitting. */
interface BatchCursor {
  count: number;
  small: ArrayBuffer | undefined;
  /** Whether `small` is lent for the batch only (StartOptions.borrowPackets). */
  borrowed: boolean;
  large: Buffer[] | undefined;
  next: number;
  largeIndex: number;
}

/** An event with its packet, before it is emitted or returned by service(). */
interface HeldEvent extends ENetEvent {
  flags: number;
  packet?: Buffer;
}

/**
 * One ENet host, as Godot's `ENetConnection`: a UDP socket with up to 4095 peers.
 * Inactive until `createHost` or `createHostBound` succeeds, and again after `destroy()`.
 */
export class ENetConnection extends EventEmitter<ENetConnectionEvents> {
  /** {@link EventType}, as Godot's `ENetConnection.EventType`. */
  static readonly EventType = EventType;
  /** {@link CompressionMode}, as Godot's `ENetConnection.CompressionMode`. */
  static readonly CompressionMode = CompressionMode;
  /** {@link HostStatistic}, as Godot's `ENetConnection.HostStatistic`. */
  static readonly HostStatistic = HostStatistic;

  /** @internal */
  readonly native: NativeConnection;
  readonly #event = new Float64Array(EventField.Count);
  /** Live peers by handle, in the order they appeared (Map keeps insertion order). */
  readonly #peers = new Map<number, ENetPacketPeer>();

  #batch: Float64Array | undefined;
  /** Whether the batches of the current start() lend their small packets (borrowPackets). */
  #borrowing = false;
  /** Sends queued during a batch (made by start() for the host's peer slots). */
  #sendBatch: SendBatch | undefined;
  /** The host's maxPeers. */
  #slots = 0;
  /** The batch being emitted, so stop() and destroy() inside a handler can take its rest. */
  #cursor: BatchCursor | undefined;
  #started = false;
  /**
   * Events taken from a batch but not emitted (stop() in a handler): service() returns them first,
   * start() emits them.
   */
  #pending: HeldEvent[] = [];
  #limits: HostLimits = { ...DEFAULT_LIMITS };
  /** null without DTLS; else whether this host is the DTLS server. */
  #dtlsServer: boolean | null = null;

  /** An inactive host: call `createHostBound` or `createHost` next. */
  constructor() {
    super();
    this.native = new addon.NativeConnection(this.#event);
  }

  /**
   * Godot's `create_host_bound`: creates the host bound to `address` and `port` (0 for any free
   * port). `address` is '*' (every address, IPv4 and IPv6, as Godot binds), an IPv6 literal
   * ('::' also takes IPv4), or an IPv4 literal (IPv4 only, 0.0.0.0 included). `maxPeers` is
   * 1 … 4095; `maxChannels` 0 … 255 (0: 255); bandwidths are bytes/s (0: unlimited).
   * Throws ENetError: ERR_ALREADY_IN_USE when active, ERR_INVALID_PARAMETER for an argument
   * outside those ranges, ERR_CANT_CREATE when the socket cannot be bound (e.g. the port is taken).
   */
  createHostBound(address: string, port: number, maxPeers = 32, maxChannels = 0, inBandwidth = 0,
    outBandwidth = 0): void {
    this.#create(address, port, maxPeers, maxChannels, inBandwidth, outBandwidth);
  }

  /**
   * Godot's `create_host`: a host for outgoing connections, bound to a free port on every
   * address. Unlike Godot, whose socket stays unbound until the first send, the port is bound at
   * once, so `getLocalPort()` is known immediately. Arguments and errors as `createHostBound`.
   */
  createHost(maxPeers = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): void {
    this.#create('*', 0, maxPeers, maxChannels, inBandwidth, outBandwidth);
  }

  #create(address: unknown, port: unknown, maxPeers: unknown, maxChannels: unknown, inBandwidth: unknown,
    outBandwidth: unknown): void {
    if (this.native.isActive()) throw new ENetError(ErrorCode.ERR_ALREADY_IN_USE, 'the host is already active');
    const ip = bindIp(address);
    integer('port', port, 0, 65535);
    integer('maxPeers', maxPeers, 1, MAX_PEERS);
    integer('maxChannels', maxChannels, 0, MAX_CHANNELS);
    integer('inBandwidth', inBandwidth, 0, UINT32_MAX);
    integer('outBandwidth', outBandwidth, 0, UINT32_MAX);
    const failure = this.native.create(ip, port as number, maxPeers as number, maxChannels as number,
      inBandwidth as number, outBandwidth as number);
    if (failure !== undefined) throw new ENetError(ErrorCode.ERR_CANT_CREATE, failure);
    this.#slots = maxPeers as number;
  }

  /**
   * Godot's `connect_to_host`: starts connecting to `address` (an IPv4 or IPv6 literal, or
   * 'localhost') on `port`, with `channels` channels (0 or less: 255; more than 255: 255) and
   * `data`, an int32 or uint32 that the remote receives with its CONNECT event. Returns the peer
   * in STATE_CONNECTING, or null when every peer slot is taken. Unlike Godot, a host may hold
   * several outgoing connections at once, and host names are not resolved here (they would
   * block the event loop). Throws ENetError: ERR_UNCONFIGURED when inactive,
   * ERR_INVALID_PARAMETER for a bad port, channel count or data, ERR_CANT_RESOLVE for a host
   * name (use `connectToHostAsync`) or an address the socket cannot reach (IPv6 without IPv6).
   */
  connectToHost(address: string, port: number, channels = 0, data = 0): ENetPacketPeer | null {
    this.#requireActive();
    const ip = remoteIp(address);
    integer('port', port, 1, 65535);
    const channelCount = Math.min(Math.max(integer('channels', channels, -UINT32_MAX, UINT32_MAX), 0), MAX_CHANNELS);
    const handle = this.native.connect(ip, port, channelCount, uint32Data('data', data));
    if (handle === BAD_ADDRESS) throw new ENetError(ErrorCode.ERR_CANT_RESOLVE, `cannot use address ${ip}`);
    return handle < 0 ? null : this.#adopt(handle);
  }

  /**
   * `connectToHost` for any host name, resolved (IPv4 or IPv6, the system's first answer, as
   * Godot resolves) without blocking the event loop. Not in Godot. Rejects with ENetError
   * ERR_CANT_RESOLVE when the name does not resolve, else as `connectToHost` throws.
   */
  async connectToHostAsync(address: string, port: number, channels = 0, data = 0): Promise<ENetPacketPeer | null> {
    return this.connectToHost(await resolve(address), port, channels, data);
  }

  /**
   * Godot's `service`: runs ENet (sends what is queued, receives, resends, pings, times out)
   * and returns the first pending event, one per call. Waits up to `timeoutMs` milliseconds for
   * one, returning as soon as it arrives (Godot busy-waits the whole timeout); a timeout above 0
   * blocks the event loop meanwhile. Received packets are queued on their peer for
   * `getPacket()`. Returns EVENT_ERROR when the host is inactive or the socket failed, and for
   * a DTLS client's failed handshake. Call it until EVENT_NONE to drain every event, and often
   * (every few ms), since ENet's timers only run inside it. Throws ENetError ERR_BUSY while
   * the host is started, ERR_INVALID_PARAMETER for a bad timeout.
   */
  service(timeoutMs = 0): ENetEvent {
    integer('timeout', timeoutMs, 0, UINT32_MAX);
    if (this.#started) {
      throw new ENetError(ErrorCode.ERR_BUSY, 'the host is event-driven: call stop() before service()');
    }
    const pending = this.#pending.shift();
    if (pending) return this.#toServiceEvent(pending);
    const packet = this.native.service(timeoutMs);
    const type = this.#event[EventField.Type] as EventType;
    const event = type === EventType.EVENT_NONE ? undefined : this.#hold(type, this.#event, 0, packet);
    if (this.#dtlsServer !== null) this.#takeDtlsFailures();
    if (event) return this.#toServiceEvent(event);
    const failure = this.#pending.shift();
    return failure ? this.#toServiceEvent(failure) : { type: EventType.EVENT_NONE, peer: null, data: 0, channel: 0 };
  }

  /**
   * Godot's `flush`: sends every queued packet now, without receiving or producing events.
   * Throws ENetError ERR_UNCONFIGURED when inactive.
   */
  flush(): void {
    this.#requireActive();
    this.native.flush();
  }

  /**
   * Godot's `bandwidth_limit`: the host's bandwidth in bytes/s (0: unlimited); ENet tells the
   * peers at its next throttle update. Throws ENetError ERR_UNCONFIGURED when inactive,
   * ERR_INVALID_PARAMETER for a value outside 0 … 2^32 − 1.
   */
  bandwidthLimit(inBandwidth = 0, outBandwidth = 0): void {
    this.#requireActive();
    integer('inBandwidth', inBandwidth, 0, UINT32_MAX);
    integer('outBandwidth', outBandwidth, 0, UINT32_MAX);
    this.native.bandwidthLimit(inBandwidth, outBandwidth);
  }

  /**
   * Godot's `channel_limit`: caps the channel count of future incoming connections; 0 or above
   * 255 means 255. Throws ENetError ERR_UNCONFIGURED when inactive, ERR_INVALID_PARAMETER for a
   * value that is not a uint32.
   */
  channelLimit(limit: number): void {
    this.#requireActive();
    integer('channel limit', limit, 0, UINT32_MAX);
    this.native.channelLimit(limit);
  }

  /**
   * Queues `packet` to every connected peer on `channel`. Returns Godot's error number and
   * never throws: ERR_INVALID_PARAMETER for a channel at or above `getMaxChannels()`, flags
   * outside FLAG_RELIABLE | FLAG_UNSEQUENCED | FLAG_UNRELIABLE_FRAGMENT or a bad packet;
   * ERR_UNCONFIGURED when inactive. Godot returns nothing here. Peers with fewer channels than
   * `channel` + 1 are skipped silently, as by ENet.
   */
  broadcast(channel: number, packet: Uint8Array, flags: number): ErrorCode {
    return this.native.broadcast(channel, packet, flags);
  }

  /**
   * Sets how later datagrams are compressed; both ends must use the same mode, because the
   * wire carries no algorithm id. All five modes are byte-compatible with Godot 4: NONE and
   * RANGE_CODER also with stock ENet; FASTLZ (a raw level-1 FastLZ block), ZLIB (a zlib
   * stream, level 6) and ZSTD (a zstd frame, level 3) only with peers that install the same
   * compressor. A datagram is sent compressed only when that makes it smaller; one that the
   * receiver cannot decompress is dropped silently, so with mismatched modes small datagrams
   * still pass and larger ones are lost (the peers then time out). Godot's `compress`. Throws
   * ENetError ERR_UNCONFIGURED when inactive, ERR_INVALID_PARAMETER for an unknown mode.
   */
  compress(mode: CompressionMode): void {
    this.#requireActive();
    member<CompressionMode>('compression mode', mode, CompressionMode);
    const result = this.native.compress(mode);
    if (result !== ErrorCode.OK) throw new ENetError(result, `cannot set compression mode ${CompressionMode[mode]}`);
  }

  /**
   * Godot's `dtls_server_setup`: makes this bound host a DTLS server (call right after
   * `createHostBound`, before any peer connects): every datagram is a DTLS 1.2 record, as between
   * Godot 4 hosts. Throws ENetError (Godot returns an error): ERR_UNCONFIGURED when inactive,
   * ERR_ALREADY_IN_USE when DTLS is already set up or peers exist, ERR_INVALID_PARAMETER for
   * options that are not `TLSOptions.server(…)`, ERR_CANT_CREATE when mbedTLS refuses the key or
   * certificate (with its reason).
   */
  dtlsServerSetup(options: TLSOptions): void {
    if (!(options instanceof TLSOptions) || !options.isServer()) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'dtlsServerSetup needs TLSOptions.server(key, certificate)');
    }
    this.#dtlsSetup(options.toNative(null), true);
  }

  /**
   * Godot's `dtls_client_setup`: makes this host a DTLS client (call before `connectToHost`, or
   * after it but before the host is serviced, as Godot's `create_client` then
   * `dtls_client_setup`): the handshake with a server starts with the first datagram ENet sends
   * it, and the server's certificate is checked as `options` says (default
   * `TLSOptions.client()`: Node's CA bundle, and `hostname` as the expected name; '' checks no
   * name). A failure comes back at once as EVENT_ERROR (`event.error`) or 'error', not as a
   * timeout. Throws ENetError: ERR_UNCONFIGURED when inactive, ERR_ALREADY_IN_USE when DTLS is
   * already set up or something was already sent in the clear, ERR_INVALID_PARAMETER for a
   * hostname that is not a string or server options, ERR_CANT_CREATE when mbedTLS refuses the
   * options (e.g. the trusted chain).
   */
  dtlsClientSetup(hostname: string, options: TLSOptions = TLSOptions.client()): void {
    if (typeof hostname !== 'string') {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'the host name must be a string');
    }
    if (!(options instanceof TLSOptions) || options.isServer()) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'dtlsClientSetup needs TLSOptions.client() or clientUnsafe()');
    }
    this.#dtlsSetup(options.toNative(hostname === '' ? null : hostname), false);
  }

  #dtlsSetup(options: ReturnType<TLSOptions['toNative']>, server: boolean): void {
    this.#requireActive();
    if (this.#dtlsServer !== null) throw new ENetError(ErrorCode.ERR_ALREADY_IN_USE, 'DTLS is already set up');
    const failure = this.native.dtlsSetup(...options);
    if (failure !== undefined) {
      throw new ENetError(failure.startsWith('set up DTLS before') ? ErrorCode.ERR_ALREADY_IN_USE : ErrorCode.ERR_CANT_CREATE, failure);
    }
    this.#dtlsServer = server;
  }

  /**
   * The DTLS sessions this host holds (a server: one per remote, until its peer leaves or, for
   * a handshake no peer took up, 8 s), and how many are still handshaking. Not in Godot.
   */
  getDtlsSessionCount(): {
    /** DTLS sessions held, handshaking or established. */
    sessions: number;
    /** Of those, the ones still handshaking. */
    handshaking: number;
  } {
    const [sessions, handshaking] = this.native.dtlsSessions();
    return { sessions, handshaking };
  }

  /**
   * Changes the protective limits given (see {@link HostLimits}); the others keep their values.
   * They hold from now on, on an active host, and for hosts this object creates later. Not in
   * Godot. Throws ENetError ERR_INVALID_PARAMETER for an unknown name or a value out of range.
   */
  setLimits(limits: Partial<HostLimits>): void {
    const merged = mergeLimits(this.#limits, limits);
    const result = this.native.setLimits(merged.maxPacketSize, merged.maxWaitingData, merged.maxPeersPerAddress,
      merged.maxConnectsPerSecondPerAddress, merged.maxPendingHandshakes);
    if (result !== ErrorCode.OK) throw new ENetError(result, 'cannot apply the limits');
    this.#limits = merged;
  }

  /** The protective limits in force (a copy). Not in Godot. */
  getLimits(): HostLimits {
    return { ...this.#limits };
  }

  /** Whether DTLS is set up on this host (server or client). Not in Godot. */
  isDtls(): boolean {
    return this.#dtlsServer !== null;
  }

  /**
   * While true, peers that connect to this host are disconnected as soon as ENet accepts
   * them and no CONNECT event is reported, and a DTLS server answers no new handshake.
   * Godot's `refuse_new_connections`, which Godot only honours on DTLS servers. Throws ENetError
   * ERR_UNCONFIGURED when inactive, ERR_INVALID_PARAMETER for a non-boolean.
   */
  refuseNewConnections(refuse: boolean): void {
    this.#requireActive();
    this.native.refuseNewConnections(boolean('refuse', refuse));
  }

  /**
   * Godot's `pop_statistic`: returns a host counter and resets it to 0; 0 when inactive. Throws
   * ENetError ERR_INVALID_PARAMETER for an unknown statistic.
   */
  popStatistic(statistic: HostStatistic): number {
    member<HostStatistic>('statistic', statistic, HostStatistic);
    return this.native.popStatistic(statistic);
  }

  /**
   * Godot's `get_max_channels`: the channel limit for incoming connections (255 unless set); 0 when
   * inactive.
   */
  getMaxChannels(): number {
    return this.native.getMaxChannels();
  }

  /** Godot's `get_local_port`: the UDP port the host's socket is bound to; 0 when inactive. */
  getLocalPort(): number {
    return this.native.getLocalPort();
  }

  /**
   * Godot's `get_peers`: the active peers, in the order they appeared (outgoing ones, and
   * incoming ones once connected). Unlike Godot, inactive peers are never listed.
   */
  getPeers(): ENetPacketPeer[] {
    const peers: ENetPacketPeer[] = [];
    for (const [handle, peer] of this.#peers) {
      if (peer.isActive()) peers.push(peer);
      else this.#peers.delete(handle);
    }
    return peers;
  }

  /**
   * Godot's `socket_send`: sends one raw UDP datagram from the host's socket, outside ENet (NAT
   * hole-punching). `address` is an IP literal or 'localhost'. Throws ENetError (Godot only
   * prints): ERR_UNCONFIGURED when inactive, ERR_INVALID_PARAMETER for a bad port or packet,
   * ERR_CANT_RESOLVE for a host name, FAILED when the socket refused the datagram.
   */
  socketSend(address: string, port: number, packet: Uint8Array): void {
    this.#requireActive();
    const ip = remoteIp(address);
    integer('port', port, 1, 65535);
    const result = this.native.socketSend(ip, port, bytes('packet', packet));
    if (result !== ErrorCode.OK) throw new ENetError(result, `could not send a datagram to ${ip}:${port}`);
  }

  /**
   * Godot's `destroy`: closes the host and its socket. Every peer becomes inactive; nothing is
   * sent, so remote peers only notice by timeout (as in Godot: disconnect them first for a clean
   * exit). A started host stops. Does nothing on an inactive host (Godot prints an error). The
   * object can create a new host afterwards.
   */
  destroy(): void {
    this.#started = false;
    this.#pending = [];
    this.#dtlsServer = null;
    if (this.#cursor) this.#cursor.next = this.#cursor.count; // the rest of a batch dies with the host
    this.native.destroy();
    this.#peers.clear();
  }

  /**
   * Makes the host event-driven: Node's event loop watches its socket, each wake-up drains every
   * pending ENet event and emits 'connect', 'disconnect', 'receive' and 'error', and a timer runs
   * ENet's own schedule (resends, pings, timeouts). Nothing polls and an idle host uses no CPU.
   * Packets sent from JavaScript leave once per loop iteration (`flush()` sends them at once);
   * those a handler sends to the peers of the batch being emitted are handed to ENet together
   * when the batch ends, in order with every other send (same return codes as a direct send).
   * While started, `service()` throws ERR_BUSY. A started host keeps the process alive, like
   * a listening socket, unless `unref()` is called. Not in Godot. Throws ENetError
   * ERR_UNCONFIGURED when inactive, FAILED when the event loop cannot watch the socket,
   * ERR_INVALID_PARAMETER for a bad option. Options apply from this call to the next `stop()`.
   */
  start(options: StartOptions = {}): this {
    this.#requireActive();
    const busyPollMicros = options?.busyPollMicros === undefined
      ? DEFAULT_BUSY_POLL_MICROS
      : integer('busyPollMicros', options.busyPollMicros, 0, addon.NativeConnection.maxBusyPollMicros);
    const borrowPackets = options?.borrowPackets === undefined ? false : boolean('borrowPackets', options.borrowPackets);
    if (this.#started) return this;
    this.#batch ??= new Float64Array(BATCH_EVENTS * EventField.BatchCount);
    if (this.#sendBatch?.slots !== this.#slots) this.#sendBatch = new SendBatch(this.#slots);
    const sends = this.#sendBatch;
    const result = this.native.start(this.#onBatch, this.#batch, sends.queue, sends.bytes, sends.peers, busyPollMicros, borrowPackets);
    if (result !== ErrorCode.OK) throw new ENetError(result, 'cannot watch the host socket on the event loop');
    this.#borrowing = borrowPackets;
    this.#started = true;
    // Events held back by an earlier stop() come first, before the next batch can arrive.
    if (this.#pending.length > 0) process.nextTick(() => this.#emitPending());
    return this;
  }

  /**
   * Returns the host to `service()` polling. Safe inside event handlers: events of the current
   * batch that were not emitted yet are returned, in order, by the next `service()` calls (or
   * emitted after the next `start()`). Not in Godot.
   */
  stop(): this {
    this.#started = false;
    this.native.stop();
    const cursor = this.#cursor;
    while (cursor && cursor.next < cursor.count) {
      const held = this.#take(cursor);
      if (held.type !== EventType.EVENT_NONE) this.#pending.push(held);
    }
    return this;
  }

  /** Whether the host is event-driven (`start()`). Not in Godot. */
  isStarted(): boolean {
    return this.#started;
  }

  /** Lets the process exit while this host is started (like `socket.unref()`). */
  unref(): this {
    this.native.setRef(false);
    return this;
  }

  /** Undoes `unref()`: a started host keeps the process alive again. */
  ref(): this {
    this.native.setRef(true);
    return this;
  }

  readonly #onBatch = (count: number, small: ArrayBuffer | undefined, large: Buffer[] | undefined): void => {
    const batch = this.#batch!;
    const cursor: BatchCursor = { count, small, borrowed: this.#borrowing, large, next: 0, largeIndex: 0 };
    this.#cursor = cursor;
    let failure: unknown;
    try {
      // Straight from the batch view to the listeners: nothing is allocated per event but the
      // packet's Buffer (stop() in a handler takes the rest of the batch through #take).
      while (cursor.next < cursor.count) {
        const at = cursor.next++ * EventField.BatchCount;
        const type = batch[at + EventField.Type] as EventType;
        if (type === EVENT_DTLS_FAILURES) {
          try {
            this.#takeDtlsFailures();
          } catch (err) {
            failure ??= err;
          }
          continue;
        }
        const packet = type === EventType.EVENT_RECEIVE ? this.#packetAt(cursor, at) : undefined;
        const peer = type === EventType.EVENT_ERROR ? null : this.#peerOf(type, batch[at + EventField.Peer]);
        try {
          this.#emitEvent(type, peer, batch[at + EventField.Data], batch[at + EventField.Channel],
            batch[at + EventField.Flags], packet);
        } catch (err) {
          failure ??= err;
        }
      }
    } finally {
      this.#cursor = undefined;
    }
    // A throwing handler must not cost the other events of the batch; its error then surfaces
    // the way an error thrown in any I/O callback does.
    if (failure !== undefined) process.nextTick(() => { throw failure; });
  };

  #emitPending(): void {
    let failure: unknown;
    while (this.#started && this.#pending.length > 0) {
      const event = this.#pending.shift()!;
      try {
        this.#emitEvent(event.type, event.peer, event.data, event.channel, event.flags, event.packet, event.error);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }

  #emitEvent(type: EventType, peer: ENetPacketPeer | null, data: number, channel: number, flags: number,
    packet: Buffer | undefined, error?: DtlsError): void {
    switch (type) {
      case EventType.EVENT_ERROR:
        if (error) {
          this.emit('error', error);
          break;
        }
        this.stop();
        this.emit('error', new ENetError(ErrorCode.ERR_CONNECTION_ERROR, 'the host socket failed; the host has stopped'));
        break;
      case EventType.EVENT_CONNECT:
        this.emit('connect', peer!, data);
        break;
      case EventType.EVENT_DISCONNECT:
        this.emit('disconnect', peer!, data);
        break;
      default:
        this.emit('receive', peer!, packet!, channel, flags);
    }
  }

  /** The packet of the RECEIVE event at `at` of the batch. */
  #packetAt(cursor: BatchCursor, at: number): Buffer {
    const batch = this.#batch!;
    const offset = batch[at + EventField.Offset];
    return offset < 0 ? cursor.large![cursor.largeIndex++] : Buffer.from(cursor.small!, offset, batch[at + EventField.Length]);
  }

  /** The next event of a batch, held back for later. */
  #take(cursor: BatchCursor): HeldEvent {
    const at = cursor.next++ * EventField.BatchCount;
    const type = this.#batch![at + EventField.Type] as EventType;
    // DTLS failures stay queued natively: the next service() or batch takes them.
    if (type === EVENT_DTLS_FAILURES) return { type: EventType.EVENT_NONE, peer: null, data: 0, channel: 0, flags: 0 };
    const packet = type === EventType.EVENT_RECEIVE ? this.#packetAt(cursor, at) : undefined;
    // A borrowed packet dies with its batch; a held one outlives it.
    const own = cursor.borrowed && packet !== undefined && this.#batch![at + EventField.Offset] >= 0;
    return this.#hold(type, this.#batch!, at, own ? Buffer.from(packet) : packet);
  }

  /** An event read from `view` at `at`, its peer resolved. */
  #hold(type: EventType, view: Float64Array, at: number, packet: Buffer | undefined): HeldEvent {
    if (type === EventType.EVENT_ERROR) return { type, peer: null, data: 0, channel: 0, flags: 0 };
    return { type, peer: this.#peerOf(type, view[at + EventField.Peer]), data: view[at + EventField.Data],
      channel: view[at + EventField.Channel], flags: view[at + EventField.Flags], packet };
  }

  /** The peer object of a handle; a DISCONNECT ends its entry. */
  #peerOf(type: EventType, handle: number): ENetPacketPeer {
    const peer = this.#peers.get(handle) ?? this.#adopt(handle);
    if (type === EventType.EVENT_DISCONNECT) this.#peers.delete(handle);
    return peer;
  }

  /** The `service()` form of an event; a received packet is queued on its peer for getPacket(). */
  #toServiceEvent(event: HeldEvent): ENetEvent {
    if (event.type === EventType.EVENT_RECEIVE) event.peer!.enqueue(event.packet!, event.flags);
    const serviceEvent: ENetEvent = { type: event.type, peer: event.peer, data: event.data, channel: event.channel };
    if (event.error) serviceEvent.error = event.error;
    return serviceEvent;
  }

  /**
   * Reports the DTLS failures queued natively: 'dtlsError' for each; a client's also become
   * EVENT_ERROR (returned by service(), or emitted as 'error' when started).
   */
  #takeDtlsFailures(): void {
    const failures = this.native.takeDtlsFailures();
    if (failures === undefined) return;
    for (const failure of failures) {
      const peer = failure.peer < 0 ? null : this.#peers.get(failure.peer) ?? this.#adopt(failure.peer);
      const error = new DtlsError(failure.address, failure.port, failure.reason, failure.code, peer);
      this.emit('dtlsError', error);
      if (this.#dtlsServer) continue;
      const event: HeldEvent = { type: EventType.EVENT_ERROR, peer, data: 0, channel: 0, flags: 0, error };
      if (this.#started) this.#emitEvent(event.type, peer, 0, 0, 0, undefined, error);
      else this.#pending.push(event);
    }
  }

  /** @internal Queues a send made during a batch, if it can be (see SendBatch). */
  queueSend(handle: number, channel: unknown, packet: unknown, flags: unknown): boolean {
    return this.#sendBatch !== undefined &&
      this.#sendBatch.tryQueue(handle, channel, packet, flags, this.#limits.maxPacketSize);
  }

  /** @internal */
  forget(peer: ENetPacketPeer): void {
    this.#peers.delete(peer.handle);
  }

  #adopt(handle: number): ENetPacketPeer {
    const peer = ENetPacketPeer.create(this, handle);
    this.#peers.set(handle, peer);
    return peer;
  }

  #requireActive(): void {
    if (!this.native.isActive()) {
      throw new ENetError(ErrorCode.ERR_UNCONFIGURED, "The ENetConnection instance isn't currently active.");
    }
  }
}

async function resolve(address: string): Promise<string> {
  if (typeof address !== 'string' || isIP(address) !== 0 || address === 'localhost') return address;
  try {
    return (await lookup(address)).address;
  } catch (err) {
    throw new ENetError(ErrorCode.ERR_CANT_RESOLVE, `cannot resolve '${address}': ${(err as Error).message}`);
  }
}
