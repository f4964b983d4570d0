import { integer, member, uint32Data } from './arguments';
import { ENetError, ErrorCode } from './errors';
import { DisconnectKind, NativeConnection } from './native';
import { PacketQueue } from './PacketQueue';
import { X509Certificate } from './X509Certificate';

/** Godot's `ENetPacketPeer.PeerState` (identical to ENet's `ENetPeerState`). */
export enum PeerState {
  STATE_DISCONNECTED = 0,
  STATE_CONNECTING = 1,
  STATE_ACKNOWLEDGING_CONNECT = 2,
  STATE_CONNECTION_PENDING = 3,
  STATE_CONNECTION_SUCCEEDED = 4,
  STATE_CONNECTED = 5,
  STATE_DISCONNECT_LATER = 6,
  STATE_DISCONNECTING = 7,
  STATE_ACKNOWLEDGING_DISCONNECT = 8,
  STATE_ZOMBIE = 9,
}

/** Godot's `ENetPacketPeer.PeerStatistic`: which ENet peer field `getStatistic` reads. */
export enum PeerStatistic {
  PEER_PACKET_LOSS = 0,
  PEER_PACKET_LOSS_VARIANCE = 1,
  PEER_PACKET_LOSS_EPOCH = 2,
  PEER_ROUND_TRIP_TIME = 3,
  PEER_ROUND_TRIP_TIME_VARIANCE = 4,
  PEER_LAST_ROUND_TRIP_TIME = 5,
  PEER_LAST_ROUND_TRIP_TIME_VARIANCE = 6,
  PEER_PACKET_THROTTLE = 7,
  PEER_PACKET_THROTTLE_LIMIT = 8,
  PEER_PACKET_THROTTLE_COUNTER = 9,
  PEER_PACKET_THROTTLE_EPOCH = 10,
  PEER_PACKET_THROTTLE_ACCELERATION = 11,
  PEER_PACKET_THROTTLE_DECELERATION = 12,
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
  static readonly PeerState = PeerState;
  static readonly PeerStatistic = PeerStatistic;
  static readonly FLAG_RELIABLE = FLAG_RELIABLE;
  static readonly FLAG_UNSEQUENCED = FLAG_UNSEQUENCED;
  static readonly FLAG_UNRELIABLE_FRAGMENT = FLAG_UNRELIABLE_FRAGMENT;
  static readonly PACKET_LOSS_SCALE = 65536;
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
   * Queues `packet` on `channel` with `flags` (a subset of FLAG_RELIABLE | FLAG_UNSEQUENCED |
   * FLAG_UNRELIABLE_FRAGMENT). Returns Godot's error number and never throws: OK, FAILED
   * when ENet refuses (peer not connected, channel equal to the channel count, packet over
   * ENet's limit), ERR_INVALID_PARAMETER for a bad channel, flags or packet type,
   * ERR_UNCONFIGURED when the peer is inactive.
   */
  send(channel: number, packet: Uint8Array, flags: number): ErrorCode {
    return this.#owner.native.peerSend(this.#handle, channel, packet, flags);
  }

  /** Sends `packet` reliably on channel 0, like Godot's `PacketPeer.put_packet`. */
  putPacket(packet: Uint8Array): ErrorCode {
    return this.#owner.native.peerSend(this.#handle, 0, packet, FLAG_RELIABLE);
  }

  /** The oldest received packet (a Buffer, so a Uint8Array), or null when none is waiting. Filled by `service()`. */
  getPacket(): Buffer | null {
    return this.#queue.shift()?.packet ?? null;
  }

  getAvailablePacketCount(): number {
    return this.#queue.length;
  }

  /** The ENet flags of the packet `getPacket()` returns next (0 when none is waiting). */
  getPacketFlags(): number {
    return this.#queue.peek()?.flags ?? 0;
  }

  /** Godot's limit, 16 MiB (ENet's own is 32 MiB). */
  getMaxPacketSize(): number {
    return MAX_PACKET_SIZE;
  }

  /** The ENet peer field named by `statistic`; 0 for an inactive peer. */
  getStatistic(statistic: PeerStatistic): number {
    member<PeerStatistic>('statistic', statistic, PeerStatistic);
    return this.#owner.native.peerStatistic(this.#handle, statistic);
  }

  /**
   * ENet's timeout rule: `limit` retries, and at least `min` / at most `max` ms without an
   * acknowledgement. Godot requires limit <= min <= max; 0 restores each default
   * (32, 5000, 30000). Throws ERR_INVALID_PARAMETER otherwise; ERR_UNCONFIGURED if inactive.
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

  /** Sets the throttle here and sends it to the remote peer, which applies the same values. */
  throttleConfigure(interval: number, acceleration: number, deceleration: number): ErrorCode {
    integer('throttle interval', interval, 0, UINT32_MAX);
    integer('throttle acceleration', acceleration, 0, UINT32_MAX);
    integer('throttle deceleration', deceleration, 0, UINT32_MAX);
    return this.#owner.native.peerThrottleConfigure(this.#handle, interval, acceleration, deceleration);
  }

  /** Queues a PING (only while connected). */
  ping(): ErrorCode {
    return this.#owner.native.peerPing(this.#handle);
  }

  /** How often ENet pings an idle peer, in ms; 0 restores the default of 500. */
  pingInterval(intervalMs: number): ErrorCode {
    integer('ping interval', intervalMs, 0, UINT32_MAX);
    return this.#owner.native.peerPingInterval(this.#handle, intervalMs);
  }

  /**
   * Asks the remote peer to disconnect; a DISCONNECT event follows once it acknowledges.
   * A peer that never finished connecting is reset at once and becomes inactive (Godot
   * leaves such a wrapper active forever).
   */
  peerDisconnect(data = 0): ErrorCode {
    return this.#disconnect(data, DisconnectKind.Graceful);
  }

  /** Like `peerDisconnect`, once every queued outgoing packet has been sent. */
  peerDisconnectLater(data = 0): ErrorCode {
    return this.#disconnect(data, DisconnectKind.Later);
  }

  /** Sends one DISCONNECT and resets the peer now: no local DISCONNECT event, inactive at once. */
  peerDisconnectNow(data = 0): ErrorCode {
    return this.#disconnect(data, DisconnectKind.Now);
  }

  /** Drops the peer without telling the remote side (it will time out); inactive at once. */
  reset(): ErrorCode {
    const result = this.#owner.native.peerReset(this.#handle);
    this.#owner.forget(this);
    return result;
  }

  /** The remote IP, or '' for an inactive peer. */
  getRemoteAddress(): string {
    return this.#owner.native.peerRemoteAddress(this.#handle);
  }

  /** The remote port, or 0 for an inactive peer. */
  getRemotePort(): number {
    return this.#owner.native.peerRemotePort(this.#handle);
  }

  /**
   * The cipher suite the DTLS session with this peer negotiated (e.g.
   * `'TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384'`); null without DTLS or once inactive.
   */
  getCipherSuite(): string | null {
    return this.#owner.native.peerDtlsInfo(this.#handle)?.cipherSuite ?? null;
  }

  /**
   * The certificate the remote presented in the DTLS handshake (a client sees the server's;
   * a server sees none, as clients send none); null without DTLS or once inactive.
   */
  getRemoteCertificate(): X509Certificate | null {
    const der = this.#owner.native.peerDtlsInfo(this.#handle)?.certificate;
    return der ? X509Certificate.fromPem(der) : null;
  }

  isActive(): boolean {
    return this.#owner.native.peerState(this.#handle) !== PeerState.STATE_DISCONNECTED;
  }

  getState(): PeerState {
    return this.#owner.native.peerState(this.#handle);
  }

  /** The negotiated channel count; 0 for an inactive peer. */
  getChannels(): number {
    return this.#owner.native.peerChannels(this.#handle);
  }

  #disconnect(data: unknown, kind: DisconnectKind): ErrorCode {
    const result = this.#owner.native.peerDisconnect(this.#handle, uint32Data('disconnect data', data), kind);
    if (!this.isActive()) this.#owner.forget(this);
    return result;
  }
}
