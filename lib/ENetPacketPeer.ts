import { integer, member, uint32Data } from './arguments';
import { ENetError, ErrorCode } from './errors';
import { DisconnectKind, NativeConnection } from './native';
import { PacketQueue } from './PacketQueue';
import { X509Certificate } from './X509Certificate';

/** Godot's `ENetPacketPeer.PeerState` (identical to ENet's `ENetPeerState`): `getState()`. */
export enum PeerState {
  /** Not connected; also what an inactive peer reports. */
  STATE_DISCONNECTED = 0,
  /** Outgoing: CONNECT sent, waiting for the remote's answer. */
  STATE_CONNECTING = 1,
  /** Incoming: the remote's CONNECT was received and is being acknowledged. */
  STATE_ACKNOWLEDGING_CONNECT = 2,
  /** Outgoing: the remote accepted; the connection is being confirmed. */
  STATE_CONNECTION_PENDING = 3,
  /** Incoming: the handshake completed; the CONNECT event is about to be reported. */
  STATE_CONNECTION_SUCCEEDED = 4,
  /** Connected: packets can be sent. */
  STATE_CONNECTED = 5,
  /** `peerDisconnectLater()`: disconnects once the queued outgoing packets are sent. */
  STATE_DISCONNECT_LATER = 6,
  /** `peerDisconnect()`: DISCONNECT sent, waiting for the remote's acknowledgement. */
  STATE_DISCONNECTING = 7,
  /** The remote disconnected; its DISCONNECT is being acknowledged. */
  STATE_ACKNOWLEDGING_DISCONNECT = 8,
  /** Disconnected or timed out; the DISCONNECT event is about to be reported. */
  STATE_ZOMBIE = 9,
}

/** Godot's `ENetPacketPeer.PeerStatistic`: which ENet peer field `getStatistic` reads. */
export enum PeerStatistic {
  /**
   * Smoothed loss of reliable packets, scaled by `PACKET_LOSS_SCALE` (65536 = all lost);
   * updated every 10 s while packets are sent.
   */
  PEER_PACKET_LOSS = 0,
  /** Variance of `PEER_PACKET_LOSS`, same scale. */
  PEER_PACKET_LOSS_VARIANCE = 1,
  /** ENet time (ms) of the last packet-loss update. */
  PEER_PACKET_LOSS_EPOCH = 2,
  /** Smoothed round-trip time in ms (500 until measured). */
  PEER_ROUND_TRIP_TIME = 3,
  /** Variance of the round-trip time, ms. */
  PEER_ROUND_TRIP_TIME_VARIANCE = 4,
  /** Lowest round-trip time of the last throttle interval, ms. */
  PEER_LAST_ROUND_TRIP_TIME = 5,
  /** Highest round-trip-time variance of the last throttle interval, ms. */
  PEER_LAST_ROUND_TRIP_TIME_VARIANCE = 6,
  /**
   * Share of unreliable packets ENet lets through, out of `PACKET_THROTTLE_SCALE` (32 = all);
   * lowered when the round-trip time rises.
   */
  PEER_PACKET_THROTTLE = 7,
  /** Ceiling of `PEER_PACKET_THROTTLE`, lowered by bandwidth limits (32 unless limited). */
  PEER_PACKET_THROTTLE_LIMIT = 8,
  /** ENet's rolling counter that decides which unreliable packet the throttle drops. */
  PEER_PACKET_THROTTLE_COUNTER = 9,
  /** ENet time (ms) of the last throttle update. */
  PEER_PACKET_THROTTLE_EPOCH = 10,
  /** How fast the throttle opens (default 2; `throttleConfigure`). */
  PEER_PACKET_THROTTLE_ACCELERATION = 11,
  /** How fast the throttle closes (default 2; `throttleConfigure`). */
  PEER_PACKET_THROTTLE_DECELERATION = 12,
  /** Interval of throttle updates in ms (default 5000; `throttleConfigure`). */
  PEER_PACKET_THROTTLE_INTERVAL = 13,
}

const FLAG_RELIABLE = 1;
const FLAG_UNSEQUENCED = 2;
const FLAG_UNRELIABLE_FRAGMENT = 8;
const MAX_PACKET_SIZE = 1 << 24;
const UINT32_MAX = 0xffffffff;

/** What a peer needs from the connection that made it. */
export interface PeerOwner {
  readonly native: NativeConnection;
  /** Queues a send made during an event batch; false: send it directly. */
  queueSend(handle: number, channel: unknown, packet: unknown, flags: unknown): boolean;
  forget(peer: ENetPacketPeer): void;
}

/**
 * One ENet peer, as Godot's `ENetPacketPeer`. Instances come from `ENetConnection`
 * (`connectToHost`, `service`, `getPeers`); they cannot be created directly.
 *
 * A peer that was reset, disconnected, timed out or whose host was destroyed is inactive for
 * good: every method then does nothing and getters return Godot's neutral values, even after
 * ENet reuses its slot for another connection.
 */
export class ENetPacketPeer {
  /** {@link PeerState}, as Godot's `ENetPacketPeer.PeerState`. */
  static readonly PeerState = PeerState;
  /** {@link PeerStatistic}, as Godot's `ENetPacketPeer.PeerStatistic`. */
  static readonly PeerStatistic = PeerStatistic;
  /**
   * Send flag (1): the packet is resent until acknowledged and delivered in order on its channel.
   * Without it a packet is unreliable: it may be lost, and an older one arriving late is dropped.
   */
  static readonly FLAG_RELIABLE = FLAG_RELIABLE;
  /**
   * Send flag (2), for unreliable packets: not sequenced, so it may arrive out of order and is
   * never dropped for arriving late.
   */
  static readonly FLAG_UNSEQUENCED = FLAG_UNSEQUENCED;
  /**
   * Send flag (8), for unreliable packets larger than the MTU: their fragments are sent
   * unreliably too (without it ENet sends them reliably).
   */
  static readonly FLAG_UNRELIABLE_FRAGMENT = FLAG_UNRELIABLE_FRAGMENT;
  /** The scale of `PEER_PACKET_LOSS`: 65536 means every packet lost. */
  static readonly PACKET_LOSS_SCALE = 65536;
  /** The scale of `PEER_PACKET_THROTTLE`: 32 means no packet held back. */
  static readonly PACKET_THROTTLE_SCALE = 32;

  readonly #owner: PeerOwner;
  readonly #handle: number;
  readonly #queue = new PacketQueue();

  private constructor(owner: PeerOwner, handle: number) {
    this.#owner = owner;
    this.#handle = handle;
  }

  /** @internal */
  static create(owner: PeerOwner, handle: number): ENetPacketPeer {
    return new ENetPacketPeer(owner, handle);
  }

  /** @internal The native handle that names this peer. */
  get handle(): number {
    return this.#handle;
  }

  /** @internal Queues a packet received by `ENetConnection.service()`. */
  enqueue(packet: Buffer, flags: number): void {
    this.#queue.push({ packet, flags });
  }

  /**
   * Godot's `send`: queues `packet` on `channel` with `flags` (a subset of FLAG_RELIABLE |
   * FLAG_UNSEQUENCED | FLAG_UNRELIABLE_FRAGMENT); it leaves at the host's next `service()`,
   * `flush()` or, when started, the end of the event-loop tick. Returns Godot's error number and
   * never throws: OK, FAILED when ENet refuses (peer not connected, channel equal to the channel
   * count, packet over `maxPacketSize`), ERR_INVALID_PARAMETER for a bad channel, flags or
   * packet type, ERR_UNCONFIGURED when the peer is inactive.
   */
  send(channel: number, packet: Uint8Array, flags: number): ErrorCode {
    const owner = this.#owner;
    if (owner.queueSend(this.#handle, channel, packet, flags)) return ErrorCode.OK;
    return owner.native.peerSend(this.#handle, channel, packet, flags);
  }

  /**
   * Godot's `put_packet`: `send(0, packet, FLAG_RELIABLE)`, with the same results; never
   * throws.
   */
  putPacket(packet: Uint8Array): ErrorCode {
    return this.send(0, packet, FLAG_RELIABLE);
  }

  /**
   * Godot's `get_packet`: takes the oldest received packet (a Buffer, so a Uint8Array), or null
   * when none is waiting (Godot returns an empty array with an error). Only `service()` fills
   * this queue: an event-driven host delivers packets with its `'receive'` event instead.
   */
  getPacket(): Buffer | null {
    return this.#queue.shift()?.packet ?? null;
  }

  /** Godot's `get_available_packet_count`: how many received packets wait for `getPacket()`. */
  getAvailablePacketCount(): number {
    return this.#queue.length;
  }

  /**
   * Godot's `get_packet_flags` (4.4+): the ENet flags of the packet `getPacket()` returns next
   * (FLAG_RELIABLE, FLAG_UNSEQUENCED, FLAG_UNRELIABLE_FRAGMENT or 0 for unreliable sequenced);
   * 0 when none is waiting.
   */
  getPacketFlags(): number {
    return this.#queue.peek()?.flags ?? 0;
  }

  /**
   * Godot's `get_max_packet_size`: always 16 MiB (16777216 bytes), Godot's figure. What a host
   * really accepts is its `maxPacketSize` limit (`ENetConnection.setLimits`), 16 MiB by default.
   */
  getMaxPacketSize(): number {
    return MAX_PACKET_SIZE;
  }

  /**
   * Godot's `get_statistic`: the ENet peer field named by `statistic` (see {@link PeerStatistic}
   * for units); 0 for an inactive peer. Throws ENetError ERR_INVALID_PARAMETER for an unknown
   * statistic.
   */
  getStatistic(statistic: PeerStatistic): number {
    member<PeerStatistic>('statistic', statistic, PeerStatistic);
    return this.#owner.native.peerStatistic(this.#handle, statistic);
  }

  /**
   * Godot's `set_timeout`: when ENet gives up on an unacknowledged reliable packet and drops the
   * peer: after `max` ms, or after `min` ms once the resend back-off has reached `limit`. Godot
   * requires limit <= min <= max; 0 restores each default (32, 5000 ms, 30000 ms). Returns OK,
   * or ERR_UNCONFIGURED for an inactive peer. Throws ENetError ERR_INVALID_PARAMETER when the
   * order does not hold or a value is not a uint32 (Godot prints and changes nothing).
   */
  setTimeout(limit: number, min: number, max: number): ErrorCode {
    integer('timeout limit', limit, 0, UINT32_MAX);
    integer('timeout min', min, 0, UINT32_MAX);
    integer('timeout max', max, 0, UINT32_MAX);
    if (limit > min || min > max) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER,
        `setTimeout needs limit <= min <= max, got ${limit}, ${min}, ${max}`);
    }
    return this.#owner.native.peerTimeout(this.#handle, limit, min, max);
  }

  /**
   * Godot's `throttle_configure`: how ENet's throttle of unreliable packets reacts to the
   * round-trip time: every `interval` ms, opening by `acceleration` or closing by `deceleration`
   * (out of `PACKET_THROTTLE_SCALE`). Applies here and is sent to the remote peer, which applies
   * the same values. Returns OK, or ERR_UNCONFIGURED for an inactive peer; throws ENetError
   * ERR_INVALID_PARAMETER for a value that is not a uint32.
   */
  throttleConfigure(interval: number, acceleration: number, deceleration: number): ErrorCode {
    integer('throttle interval', interval, 0, UINT32_MAX);
    integer('throttle acceleration', acceleration, 0, UINT32_MAX);
    integer('throttle deceleration', deceleration, 0, UINT32_MAX);
    return this.#owner.native.peerThrottleConfigure(this.#handle, interval, acceleration, deceleration);
  }

  /**
   * Godot's `ping`: queues a PING, which refreshes the round-trip time (only while connected;
   * otherwise nothing is sent). Returns OK, or ERR_UNCONFIGURED for an inactive peer.
   */
  ping(): ErrorCode {
    return this.#owner.native.peerPing(this.#handle);
  }

  /**
   * Godot's `ping_interval`: after how many ms without hearing from the peer ENet pings it
   * (keeping the connection and the round-trip time alive); 0 restores the default of 500. Returns OK, or ERR_UNCONFIGURED for an inactive peer;
   * throws ENetError ERR_INVALID_PARAMETER for a value that is not a uint32.
   */
  pingInterval(intervalMs: number): ErrorCode {
    integer('ping interval', intervalMs, 0, UINT32_MAX);
    return this.#owner.native.peerPingInterval(this.#handle, intervalMs);
  }

  /**
   * Godot's `peer_disconnect`: asks the remote peer to disconnect, sending `data` (an int32 or
   * uint32) with its DISCONNECT event; the local DISCONNECT event follows once it acknowledges
   * (or the peer times out). A peer that never finished connecting is reset at once and becomes
   * inactive (Godot leaves such a wrapper active forever). Returns OK, or ERR_UNCONFIGURED for an
   * inactive peer; throws ENetError ERR_INVALID_PARAMETER for bad `data`.
   */
  peerDisconnect(data = 0): ErrorCode {
    return this.#disconnect(data, DisconnectKind.Graceful);
  }

  /**
   * Godot's `peer_disconnect_later`: like `peerDisconnect`, once every queued outgoing packet
   * has been sent. Same results.
   */
  peerDisconnectLater(data = 0): ErrorCode {
    return this.#disconnect(data, DisconnectKind.Later);
  }

  /**
   * Godot's `peer_disconnect_now`: sends one unreliable DISCONNECT carrying `data` and resets the
   * peer now: no local DISCONNECT event, inactive at once; if that datagram is lost the remote
   * times out. Same results as `peerDisconnect`.
   */
  peerDisconnectNow(data = 0): ErrorCode {
    return this.#disconnect(data, DisconnectKind.Now);
  }

  /**
   * Godot's `reset`: drops the peer without telling the remote side (it will time out);
   * inactive at once, no DISCONNECT event. Returns OK, or ERR_UNCONFIGURED for an inactive peer.
   */
  reset(): ErrorCode {
    const result = this.#owner.native.peerReset(this.#handle);
    this.#owner.forget(this);
    return result;
  }

  /**
   * Godot's `get_remote_address`: the remote IP (IPv4 peers as '1.2.3.4', never IPv4-mapped),
   * or '' for an inactive peer.
   */
  getRemoteAddress(): string {
    return this.#owner.native.peerRemoteAddress(this.#handle);
  }

  /** Godot's `get_remote_port`: the remote UDP port, or 0 for an inactive peer. */
  getRemotePort(): number {
    return this.#owner.native.peerRemotePort(this.#handle);
  }

  /**
   * The cipher suite the DTLS session with this peer negotiated (e.g.
   * `'TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384'`); null without DTLS, before the handshake
   * completes or once inactive. Not in Godot.
   */
  getCipherSuite(): string | null {
    return this.#owner.native.peerDtlsInfo(this.#handle)?.cipherSuite ?? null;
  }

  /**
   * The certificate the remote presented in the DTLS handshake (a client sees the server's;
   * a server sees none, as clients send none); null without DTLS, before the handshake
   * completes or once inactive. Not in Godot.
   */
  getRemoteCertificate(): X509Certificate | null {
    const der = this.#owner.native.peerDtlsInfo(this.#handle)?.certificate;
    return der ? X509Certificate.fromPem(der) : null;
  }

  /**
   * Godot's `is_active`: false once the peer was reset, disconnected (its DISCONNECT event),
   * timed out or its host destroyed, for good.
   */
  isActive(): boolean {
    return this.#owner.native.peerState(this.#handle) !== PeerState.STATE_DISCONNECTED;
  }

  /** Godot's `get_state`: ENet's state of the peer; STATE_DISCONNECTED when inactive. */
  getState(): PeerState {
    return this.#owner.native.peerState(this.#handle);
  }

  /**
   * Godot's `get_channels`: the negotiated channel count (the lower of what was asked and the
   * remote's limit); 0 for an inactive peer.
   */
  getChannels(): number {
    return this.#owner.native.peerChannels(this.#handle);
  }

  #disconnect(data: unknown, kind: DisconnectKind): ErrorCode {
    const result = this.#owner.native.peerDisconnect(this.#handle, uint32Data('disconnect data', data), kind);
    if (!this.isActive()) this.#owner.forget(this);
    return result;
  }
}
