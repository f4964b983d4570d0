import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { bindIp, boolean, integer, member } from './arguments';
import { ENetConnection, EventType } from './ENetConnection';
import { ENetPacketPeer, PeerState } from './ENetPacketPeer';
import { ENetError, ErrorCode } from './errors';
import { PacketQueue } from './PacketQueue';

/** Godot's `MultiplayerPeer.TransferMode`: how `putPacket` sends, and how a packet came. */
export enum TransferMode {
  /**
   * May be lost or arrive out of order (ENet: unsequenced, unreliable fragments). For state
   * that the next packet supersedes anyway.
   */
  TRANSFER_MODE_UNRELIABLE = 0,
  /** May be lost; a packet older than one already received is dropped (ENet: unreliable, sequenced). */
  TRANSFER_MODE_UNRELIABLE_ORDERED = 1,
  /** Resent until acknowledged, delivered in order on its channel (ENet: reliable). The default. */
  TRANSFER_MODE_RELIABLE = 2,
}

/** Godot's `MultiplayerPeer.ConnectionStatus`: `getConnectionStatus()`. */
export enum ConnectionStatus {
  /** Inactive: never created, closed, or a client whose server went away. */
  CONNECTION_DISCONNECTED = 0,
  /** A client waiting for the server to accept it. */
  CONNECTION_CONNECTING = 1,
  /** A server or mesh node once created; a client once the server accepted it. */
  CONNECTION_CONNECTED = 2,
}

/** Events of an `ENetMultiplayerPeer`: Godot's signals, and `'packet'` for event-driven use. */
export interface ENetMultiplayerPeerEvents {
  /**
   * Godot's `peer_connected`: a remote peer joined: a client on a server, the server (1) on a
   * client, a mesh peer added with `addMeshPeer`.
   */
  peerConnected: [id: number];
  /** Godot's `peer_disconnected`: a remote peer left or timed out. Not emitted by `close()`. */
  peerDisconnected: [id: number];
  /** `getConnectionStatus()` changed (Godot's SceneMultiplayer derives its signals from this). */
  connectionStatusChanged: [status: ConnectionStatus];
  /**
   * Event-driven mode only (`start()`): a packet arrived from peer `from`. While nobody listens
   * to 'packet', packets are queued for `getPacket()` instead.
   */
  packet: [from: number, packet: Buffer, mode: TransferMode, channel: number];
}

/** A received packet waiting for `getPacket()`, with where and how it came. */
interface IncomingPacket {
  readonly packet: Buffer;
  readonly from: number;
  readonly channel: number;
  readonly mode: TransferMode;
}

enum Mode {
  NONE,
  SERVER,
  CLIENT,
  MESH,
}

const FLAG_RELIABLE = ENetPacketPeer.FLAG_RELIABLE;
const FLAG_UNSEQUENCED = ENetPacketPeer.FLAG_UNSEQUENCED;
const FLAG_UNRELIABLE_FRAGMENT = ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;

/** ENet flags per transfer mode (spec §3.3): unreliable packets may be fragmented unreliably. */
const FLAGS_OF_MODE: Record<TransferMode, number> = {
  [TransferMode.TRANSFER_MODE_UNRELIABLE]: FLAG_UNSEQUENCED | FLAG_UNRELIABLE_FRAGMENT,
  [TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED]: FLAG_UNRELIABLE_FRAGMENT,
  [TransferMode.TRANSFER_MODE_RELIABLE]: FLAG_RELIABLE,
};

/** ENet channels 0 and 1 are Godot's; user channel N travels on ENet channel N + 1. */
const SYSTEM_CHANNELS = 2;
const CHANNEL_RELIABLE = 0;
const CHANNEL_UNRELIABLE = 1;
const MAX_USER_CHANNEL = 255 - SYSTEM_CHANNELS;

/** Whether `mode` is a TransferMode and `channel` a user channel: what every send checks. @internal */
export function isValidRoute(mode: TransferMode, channel: number): boolean {
  return FLAGS_OF_MODE[mode] !== undefined && Number.isInteger(channel) && channel >= 0 && channel <= MAX_USER_CHANNEL;
}
/** Peer IDs are positive int32: Godot clients pick 2 … 2^31 − 1, the server is 1. */
const MAX_PEER_ID = 0x7fffffff;
const SERVER_ID = 1;
const MAX_PACKET_SIZE = 1 << 24;

/**
 * Godot 4's `ENetMultiplayerPeer`: a server, a client or a mesh node that speaks exactly what
 * Godot 4 clients and servers speak (no packet header; the client's ID travels as ENet connect
 * data; channel 0 reliable, 1 unreliable, user channel N on ENet channel N + 1).
 *
 * Drive it as in Godot, by calling `poll()` often, or event-driven with `start()`, on Node's
 * event loop. Set-up calls throw `ENetError`; `putPacket` never throws and returns Godot's
 * error number.
 */
export class ENetMultiplayerPeer extends EventEmitter<ENetMultiplayerPeerEvents> {
  /** {@link TransferMode}, as Godot's `MultiplayerPeer.TransferMode`. */
  static readonly TransferMode = TransferMode;
  /** {@link ConnectionStatus}, as Godot's `MultiplayerPeer.ConnectionStatus`. */
  static readonly ConnectionStatus = ConnectionStatus;
  /** `setTargetPeer` value (0): every peer. Godot's `TARGET_PEER_BROADCAST`. */
  static readonly TARGET_PEER_BROADCAST = 0;
  /** `setTargetPeer` value (1): the server. Godot's `TARGET_PEER_SERVER`. */
  static readonly TARGET_PEER_SERVER = SERVER_ID;

  #mode = Mode.NONE;
  #status = ConnectionStatus.CONNECTION_DISCONNECTED;
  #uniqueId = 0;
  #bindIp = '*';
  /** The host of a server or client. */
  #host: ENetConnection | null = null;
  /** Remote peers by ID. */
  readonly #peers = new Map<number, ENetPacketPeer>();
  /** Server: the ID each admitted client announced (Godot's `_net_id`). */
  readonly #idOfPeer = new Map<ENetPacketPeer, number>();
  /** Mesh: one host per remote peer, both ways. */
  readonly #meshHosts = new Map<number, ENetConnection>();
  readonly #meshIdOfHost = new Map<ENetConnection, number>();
  /** Event-driven mode: how to take our listeners off each started host. */
  readonly #detachers = new Map<ENetConnection, () => void>();
  readonly #incoming = new PacketQueue<IncomingPacket>();
  #started = false;
  #targetPeer = 0;
  #transferMode = TransferMode.TRANSFER_MODE_RELIABLE;
  #transferChannel = 0;
  #refuseNewConnections = false;

  /**
   * Godot's `create_server`: listens for Godot clients on `port` (0: any free port) of the bind
   * IP (`setBindIp`), for up to `maxClients` (1 … 4095) clients, with `maxChannels` user channels
   * (0: all 253) and bandwidths in bytes/s (0: unlimited). Becomes peer 1, CONNECTED at once.
   * Unlike Godot 4.0–4.6 (issue #123254), the arguments reach ENet unshifted: see docs/dedicated-server.md,
   * "the create_server argument shift". Throws ENetError: ERR_ALREADY_IN_USE when active,
   * ERR_INVALID_PARAMETER for an argument out of range, ERR_CANT_CREATE when the port cannot be
   * bound.
   */
  createServer(port: number, maxClients = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): void {
    this.#requireInactive();
    integer('maxChannels', maxChannels, 0, MAX_USER_CHANNEL);
    const host = new ENetConnection();
    host.createHostBound(this.#bindIp, port, maxClients, maxChannels > 0 ? maxChannels + SYSTEM_CHANNELS : 0,
      inBandwidth, outBandwidth);
    this.#activate(Mode.SERVER, SERVER_ID, host);
    this.#setStatus(ConnectionStatus.CONNECTION_CONNECTED);
  }

  /**
   * Godot's `create_client`: connects to a Godot (or godot-enet) server at `address` (an IPv4
   * or IPv6 literal, or 'localhost': resolve host names first, e.g. with `dns.promises.lookup`),
   * announcing a fresh `generateUniqueId()` as connect data. `channelCount` user channels
   * (0: all 253); bandwidths in bytes/s (0: unlimited); `localPort` 0 binds any free port, else
   * that port of the bind IP. Status becomes CONNECTING, then CONNECTED once the server accepts
   * ('peerConnected' with 1); if the server refuses or never answers, the peer closes
   * (DISCONNECTED) without 'peerConnected'. Throws ENetError: ERR_ALREADY_IN_USE when active,
   * ERR_INVALID_PARAMETER for an argument out of range, ERR_CANT_RESOLVE for a host name (Godot
   * resolves it, blocking, and returns ERR_CANT_CREATE), ERR_CANT_CREATE when the local port
   * cannot be bound.
   */
  createClient(address: string, port: number, channelCount = 0, inBandwidth = 0, outBandwidth = 0,
    localPort = 0): void {
    this.#requireInactive();
    integer('channelCount', channelCount, 0, MAX_USER_CHANNEL);
    integer('localPort', localPort, 0, 65535);
    const host = new ENetConnection();
    if (localPort !== 0) host.createHostBound(this.#bindIp, localPort, 1, 0, inBandwidth, outBandwidth);
    else host.createHost(1, 0, inBandwidth, outBandwidth);
    const id = this.generateUniqueId();
    let server: ENetPacketPeer | null;
    try {
      server = host.connectToHost(address, port, channelCount > 0 ? channelCount + SYSTEM_CHANNELS : 0, id);
    } catch (err) {
      host.destroy();
      throw err;
    }
    if (!server) {
      host.destroy();
      throw new ENetError(ErrorCode.ERR_CANT_CREATE, `cannot connect to ${address}:${port}`);
    }
    this.#activate(Mode.CLIENT, id, host);
    this.#peers.set(SERVER_ID, server);
    this.#setStatus(ConnectionStatus.CONNECTION_CONNECTING);
  }

  /**
   * Godot's `create_mesh`: becomes a mesh node with ID `uniqueId` (1 … 2^31 − 1), CONNECTED,
   * with no peers yet: add each with `addMeshPeer` (or let `SignalingClient` do it). Throws
   * ENetError: ERR_INVALID_PARAMETER for a bad ID, ERR_ALREADY_IN_USE when active.
   */
  createMesh(uniqueId: number): void {
    integer('uniqueId', uniqueId, 1, MAX_PEER_ID);
    this.#requireInactive();
    this.#activate(Mode.MESH, uniqueId, null);
    this.#setStatus(ConnectionStatus.CONNECTION_CONNECTED);
  }

  /**
   * Godot's `add_mesh_peer`: adds mesh peer `peerId` reached through `connection`, a host with
   * exactly one peer, already connected; this multiplayer peer takes the host over (polls it, or
   * starts it when event-driven; destroys it when the peer leaves or on `close()`) and emits
   * 'peerConnected'. Throws ENetError: ERR_UNCONFIGURED outside mesh mode; ERR_INVALID_PARAMETER
   * for a bad ID, an ID in use (Godot silently overwrites it) or a host without exactly one
   * connected peer.
   */
  addMeshPeer(peerId: number, connection: ENetConnection): void {
    if (!(connection instanceof ENetConnection)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'connection must be an ENetConnection');
    }
    if (this.#mode !== Mode.MESH) throw new ENetError(ErrorCode.ERR_UNCONFIGURED, 'not in mesh mode: call createMesh() first');
    integer('peerId', peerId, 1, MAX_PEER_ID);
    if (peerId === this.#uniqueId || this.#peers.has(peerId)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `peer ID ${peerId} is already in use`);
    }
    const hostPeers = connection.getPeers();
    if (hostPeers.length !== 1 || hostPeers[0].getState() !== PeerState.STATE_CONNECTED) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'the connection must have exactly one connected peer');
    }
    this.#meshHosts.set(peerId, connection);
    this.#meshIdOfHost.set(connection, peerId);
    this.#peers.set(peerId, hostPeers[0]);
    if (this.#started) this.#attach(connection);
    else connection.stop();
    this.emit('peerConnected', peerId);
  }

  /**
   * Godot's `set_bind_ip`: the IP `createServer` binds, and `createClient` when given a local
   * port: an IPv4 or IPv6 literal, or '*' (every address, IPv4 and IPv6: the default). Takes
   * effect at the next `create*()`. Throws ENetError ERR_INVALID_PARAMETER otherwise (Godot
   * prints an error).
   */
  setBindIp(ip: string): void {
    bindIp(ip);
    this.#bindIp = ip;
  }

  /**
   * Godot's `get_host()` / `host`: the `ENetConnection` of a server or client, e.g. for
   * `compress()`, `dtlsServerSetup()` or `setLimits()`; null when inactive or in mesh mode.
   */
  getHost(): ENetConnection | null {
    return this.#host;
  }

  /**
   * Godot's `get_peer`: the ENet peer of remote `id` (a client knows only the server, 1), e.g.
   * for its address or statistics; null if unknown (Godot also prints an error).
   */
  getPeer(id: number): ENetPacketPeer | null {
    return this.#peers.get(id) ?? null;
  }

  /**
   * Godot's `poll()`: reports peers that became inactive, then services every host without
   * blocking and handles each pending event (connections, ID validation, disconnections,
   * received packets, which are queued for `getPacket()`). Call it often, e.g. every frame.
   * Throws ERR_BUSY while event-driven (`start()`).
   */
  poll(): void {
    if (this.#started) throw new ENetError(ErrorCode.ERR_BUSY, 'the peer is event-driven: call stop() before poll()');
    this.#dropInactivePeers();
    if (this.#mode === Mode.CLIENT && !this.#peers.has(SERVER_ID)) {
      this.close();
      return;
    }
    for (const host of this.#hosts()) this.#drain(host);
  }

  /**
   * Makes the peer event-driven: its hosts run on Node's event loop (`ENetConnection.start()`),
   * events are handled as they arrive, and received packets are emitted as 'packet' (or queued
   * for `getPacket()` while nobody listens). A started peer keeps the process alive until
   * `close()` or `stop()`. Not in Godot. Throws ENetError ERR_UNCONFIGURED when inactive.
   */
  start(): this {
    if (this.#mode === Mode.NONE) throw new ENetError(ErrorCode.ERR_UNCONFIGURED, 'the multiplayer peer is not active');
    if (this.#started) return this;
    this.#started = true;
    for (const host of this.#hosts()) this.#attach(host);
    return this;
  }

  /** Returns to `poll()` driving; packets not yet taken stay queued. Not in Godot. */
  stop(): this {
    this.#started = false;
    for (const detach of this.#detachers.values()) detach();
    this.#detachers.clear();
    return this;
  }

  /** Whether the peer is event-driven (`start()`). Not in Godot. */
  isStarted(): boolean {
    return this.#started;
  }

  /**
   * Godot's `put_packet`: sends `packet` to the target peer (`setTargetPeer`) with the current
   * `transferMode` and `transferChannel`, then flushes at once, as Godot does. Never throws;
   * returns OK,
   * ERR_UNCONFIGURED when not connected, ERR_INVALID_PARAMETER for an unknown target or a bad
   * packet, FAILED (or another ENet refusal) when sending to a single peer failed.
   */
  putPacket(packet: Uint8Array): ErrorCode {
    return this.sendTo(this.#targetPeer, packet, this.#transferMode, this.#transferChannel);
  }

  /**
   * `putPacket` with its routing spelled out, for servers that route every packet differently:
   * `target` as in `setTargetPeer` (0 all, > 0 one peer, < 0 all but that one), then mode and
   * user channel. Same results as `putPacket`; ERR_INVALID_PARAMETER for a bad mode or channel.
   * Not in Godot. Sending to several peers reports no per-peer failure.
   */
  sendTo(target: number, packet: Uint8Array, mode: TransferMode, channel: number): ErrorCode {
    if (this.#mode === Mode.NONE || this.#status !== ConnectionStatus.CONNECTION_CONNECTED) return ErrorCode.ERR_UNCONFIGURED;
    if (!(packet instanceof Uint8Array) || !isValidRoute(mode, channel) || !Number.isInteger(target)) return ErrorCode.ERR_INVALID_PARAMETER;
    const flags = FLAGS_OF_MODE[mode];
    if (target !== 0 && !this.#peers.has(Math.abs(target))) return ErrorCode.ERR_INVALID_PARAMETER;
    const enetChannel = channel > 0 ? channel + 1
      : mode === TransferMode.TRANSFER_MODE_RELIABLE ? CHANNEL_RELIABLE : CHANNEL_UNRELIABLE;
    switch (this.#mode) {
      case Mode.CLIENT:
        return this.#sendFlushed(this.#host!, this.#peers.get(SERVER_ID)!, enetChannel, packet, flags);
      case Mode.SERVER:
        if (target === 0) {
          const result = this.#host!.broadcast(enetChannel, packet, flags);
          flush(this.#host!);
          return result;
        }
        if (target > 0) return this.#sendFlushed(this.#host!, this.#peers.get(target)!, enetChannel, packet, flags);
        for (const [id, peer] of this.#peers) if (id !== -target) peer.send(enetChannel, packet, flags);
        flush(this.#host!);
        return ErrorCode.OK;
      default: // mesh: one host per peer
        if (target > 0) return this.#sendFlushed(this.#meshHosts.get(target)!, this.#peers.get(target)!, enetChannel, packet, flags);
        for (const [id, peer] of this.#peers) {
          if (id !== -target) this.#sendFlushed(this.#meshHosts.get(id)!, peer, enetChannel, packet, flags);
        }
        return ErrorCode.OK;
    }
  }

  /**
   * Godot's `get_packet`: takes the oldest received packet, or null when none is waiting. Ask
   * `getPacketPeer()`, `getPacketChannel()` and `getPacketMode()` before taking it.
   */
  getPacket(): Buffer | null {
    return this.#incoming.shift()?.packet ?? null;
  }

  /** Godot's `get_available_packet_count`: how many received packets wait for `getPacket()`. */
  getAvailablePacketCount(): number {
    return this.#incoming.length;
  }

  /**
   * Godot's `get_packet_peer`: the ID of the peer that sent the packet `getPacket()` returns next;
   * 0 when none waits.
   */
  getPacketPeer(): number {
    return this.#incoming.peek()?.from ?? 0;
  }

  /**
   * Godot's `get_packet_channel`: the user channel of the packet `getPacket()` returns next (0
   * for Godot's own channels); 1 when none waits, as Godot.
   */
  getPacketChannel(): number {
    return this.#incoming.peek()?.channel ?? 1;
  }

  /**
   * Godot's `get_packet_mode`: the transfer mode of the packet `getPacket()` returns next; RELIABLE
   * when none waits.
   */
  getPacketMode(): TransferMode {
    return this.#incoming.peek()?.mode ?? TransferMode.TRANSFER_MODE_RELIABLE;
  }

  /** Godot's `get_max_packet_size`: 16 MiB (16777216 bytes), Godot's limit for one packet. */
  getMaxPacketSize(): number {
    return MAX_PACKET_SIZE;
  }

  /**
   * Godot's `set_target_peer`: where `putPacket` sends: TARGET_PEER_BROADCAST (0), a peer ID, or
   * −ID for every peer but that one. Throws ENetError ERR_INVALID_PARAMETER for a non-int32.
   */
  setTargetPeer(id: number): void {
    this.#targetPeer = integer('target peer', id, -MAX_PEER_ID, MAX_PEER_ID);
  }

  /**
   * Godot's `transfer_mode`: how `putPacket` sends (default RELIABLE). Setting an unknown mode
   * throws ENetError ERR_INVALID_PARAMETER.
   */
  get transferMode(): TransferMode {
    return this.#transferMode;
  }

  /** Sets how `putPacket` sends; throws ENetError ERR_INVALID_PARAMETER for an unknown mode. */
  set transferMode(mode: TransferMode) {
    this.#transferMode = member<TransferMode>('transfer mode', mode, TransferMode);
  }

  /**
   * Godot's `transfer_channel`: the user channel `putPacket` sends on: 0 (Godot's channel for
   * the mode: ENet channel 0 reliable, 1 unreliable) or 1 … 253 (ENet channel N + 1). Setting
   * another value throws ENetError ERR_INVALID_PARAMETER.
   */
  get transferChannel(): number {
    return this.#transferChannel;
  }

  /** Sets the user channel `putPacket` sends on; throws ENetError ERR_INVALID_PARAMETER outside 0 … 253. */
  set transferChannel(channel: number) {
    this.#transferChannel = integer('transfer channel', channel, 0, MAX_USER_CHANNEL);
  }

  /**
   * Godot's `refuse_new_connections`: while true, a server admits no new client (each is
   * disconnected as soon as ENet accepts it; Godot resets it silently, so the client times out).
   * `create*()` and `close()` reset it to false.
   */
  get refuseNewConnections(): boolean {
    return this.#refuseNewConnections;
  }

  /** Sets whether new clients are refused; throws ENetError ERR_INVALID_PARAMETER for a non-boolean. */
  set refuseNewConnections(refuse: boolean) {
    this.#refuseNewConnections = boolean('refuseNewConnections', refuse);
    for (const host of this.#hosts()) host.refuseNewConnections(refuse);
  }

  /** Godot's `get_unique_id`: 1 for a server, the generated ID for a client, the mesh ID; 0 when inactive. */
  getUniqueId(): number {
    return this.#uniqueId;
  }

  /** Godot's `is_server`: true only for a server. */
  isServer(): boolean {
    return this.#mode === Mode.SERVER;
  }

  /**
   * Godot's `is_server_relay_supported`: true for a server or client (SceneMultiplayer relays
   * through the server); false in a mesh.
   */
  isServerRelaySupported(): boolean {
    return this.#mode === Mode.SERVER || this.#mode === Mode.CLIENT;
  }

  /**
   * Godot's `get_connection_status`: DISCONNECTED, CONNECTING (a client until the server accepts)
   * or CONNECTED.
   */
  getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  /**
   * Godot's `disconnect_peer`: disconnects peer `id` gracefully (ENet disconnect data 0).
   * Without `force`, 'peerDisconnected'
   * follows once the remote acknowledges; with `force` the peer is forgotten at once and no
   * event follows (a client closes). Returns ERR_UNCONFIGURED when inactive and
   * ERR_INVALID_PARAMETER for an unknown ID (peers may leave at any moment, so neither throws).
   */
  disconnectPeer(id: number, force = false): ErrorCode {
    if (this.#mode === Mode.NONE) return ErrorCode.ERR_UNCONFIGURED;
    const peer = this.#peers.get(id);
    if (!peer) return ErrorCode.ERR_INVALID_PARAMETER;
    const host = this.#hostOf(id);
    peer.peerDisconnect(0);
    flush(host);
    if (force) {
      this.#forget(id);
      if (this.#mode === Mode.CLIENT) this.close();
    }
    return ErrorCode.OK;
  }

  /**
   * Godot's `close`: disconnects every connected peer at once (ENet disconnect data 0, sent
   * before the hosts are destroyed) and returns to the inactive state (DISCONNECTED, ID 0,
   * queued packets dropped, stopped). Emits no 'peerDisconnected'. The object can be created
   * again afterwards.
   */
  close(): void {
    this.stop();
    for (const host of this.#hosts()) {
      for (const peer of host.getPeers()) if (peer.getState() === PeerState.STATE_CONNECTED) peer.peerDisconnectNow(0);
      host.destroy();
    }
    this.#mode = Mode.NONE;
    this.#uniqueId = 0;
    this.#host = null;
    this.#peers.clear();
    this.#idOfPeer.clear();
    this.#meshHosts.clear();
    this.#meshIdOfHost.clear();
    this.#incoming.clear();
    this.#refuseNewConnections = false;
    this.#setStatus(ConnectionStatus.CONNECTION_DISCONNECTED);
  }

  /** Godot's `generate_unique_id`: a random ID in 2 … 2^31 − 1, as Godot clients pick theirs. */
  generateUniqueId(): number {
    return ENetMultiplayerPeer.generateUniqueId();
  }

  /** `generateUniqueId()` without an instance: a random ID in 2 … 2^31 − 1. */
  static generateUniqueId(): number {
    for (;;) {
      const id = randomBytes(4).readUInt32LE(0) & MAX_PEER_ID;
      if (id > SERVER_ID) return id;
    }
  }

  #requireInactive(): void {
    if (this.#mode !== Mode.NONE) throw new ENetError(ErrorCode.ERR_ALREADY_IN_USE, 'the multiplayer peer is already active');
  }

  #activate(mode: Mode, uniqueId: number, host: ENetConnection | null): void {
    this.#mode = mode;
    this.#uniqueId = uniqueId;
    this.#host = host;
    this.#refuseNewConnections = false;
    if (host && this.#started) this.#attach(host);
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit('connectionStatusChanged', status);
  }

  #hosts(): ENetConnection[] {
    return this.#host ? [this.#host] : [...this.#meshHosts.values()];
  }

  #hostOf(id: number): ENetConnection {
    return this.#mode === Mode.MESH ? this.#meshHosts.get(id)! : this.#host!;
  }

  #owns(host: ENetConnection): boolean {
    return this.#host === host || this.#meshIdOfHost.has(host);
  }

  #sendFlushed(host: ENetConnection, peer: ENetPacketPeer, channel: number, packet: Uint8Array, flags: number): ErrorCode {
    const result = peer.send(channel, packet, flags);
    flush(host);
    return result;
  }

  /** Services `host` without blocking until it has no event left (or is no longer ours). */
  #drain(host: ENetConnection): void {
    while (this.#owns(host)) {
      const event = host.service(0);
      switch (event.type) {
        case EventType.EVENT_NONE:
          return;
        case EventType.EVENT_CONNECT:
          this.#onConnect(host, event.peer!, event.data);
          break;
        case EventType.EVENT_DISCONNECT:
          this.#onDisconnect(host, event.peer!);
          break;
        case EventType.EVENT_RECEIVE: {
          const flags = event.peer!.getPacketFlags();
          this.#onReceive(host, event.peer!, event.peer!.getPacket()!, event.channel, flags);
          break;
        }
        default:
          this.#onHostError(host);
          return;
      }
    }
  }

  /** Event-driven mode: handles `host`'s events as its event loop delivers them. */
  #attach(host: ENetConnection): void {
    const onConnect = (peer: ENetPacketPeer, data: number): void => this.#onConnect(host, peer, data);
    const onDisconnect = (peer: ENetPacketPeer): void => this.#onDisconnect(host, peer);
    const onReceive = (peer: ENetPacketPeer, packet: Buffer, channel: number, flags: number): void =>
      this.#onReceive(host, peer, packet, channel, flags);
    const onError = (): void => this.#onHostError(host);
    host.on('connect', onConnect).on('disconnect', onDisconnect).on('receive', onReceive).on('error', onError);
    this.#detachers.set(host, () => {
      host.off('connect', onConnect).off('disconnect', onDisconnect).off('receive', onReceive).off('error', onError);
      host.stop();
    });
    host.start();
  }

  #onConnect(host: ENetConnection, peer: ENetPacketPeer, data: number): void {
    if (this.#started) this.#dropInactivePeers();
    switch (this.#mode) {
      case Mode.CLIENT:
        this.#setStatus(ConnectionStatus.CONNECTION_CONNECTED);
        this.emit('peerConnected', SERVER_ID);
        return;
      case Mode.SERVER:
        // Godot resets a refused peer, which then only notices by timeout; disconnecting it
        // at once tells the client right away.
        if (this.#refuseNewConnections || data <= SERVER_ID || data > MAX_PEER_ID || this.#peers.has(data)) {
          peer.peerDisconnectNow(0);
          return;
        }
        this.#peers.set(data, peer);
        this.#idOfPeer.set(peer, data);
        this.emit('peerConnected', data);
        return;
      default: // a mesh host carries exactly one peer
        if (this.#meshIdOfHost.has(host)) peer.peerDisconnectNow(0);
    }
  }

  #onDisconnect(host: ENetConnection, peer: ENetPacketPeer): void {
    switch (this.#mode) {
      case Mode.CLIENT: {
        const wasConnected = this.#status === ConnectionStatus.CONNECTION_CONNECTED;
        this.#peers.delete(SERVER_ID);
        if (wasConnected) this.emit('peerDisconnected', SERVER_ID);
        this.close();
        return;
      }
      case Mode.SERVER: {
        const id = this.#idOfPeer.get(peer);
        if (id === undefined) return; // never admitted
        this.#forget(id);
        this.emit('peerDisconnected', id);
        if (this.#started) this.#dropInactivePeers();
        return;
      }
      default:
        this.#dropMeshHost(host);
    }
  }

  #onReceive(host: ENetConnection, peer: ENetPacketPeer, packet: Buffer, channel: number, flags: number): void {
    const from = this.#mode === Mode.CLIENT ? SERVER_ID
      : this.#mode === Mode.SERVER ? this.#idOfPeer.get(peer) : this.#meshIdOfHost.get(host);
    if (from === undefined) return; // from a peer that was not admitted
    const userChannel = channel >= SYSTEM_CHANNELS ? channel - 1 : 0;
    const mode = flags & FLAG_RELIABLE ? TransferMode.TRANSFER_MODE_RELIABLE
      : flags & FLAG_UNSEQUENCED ? TransferMode.TRANSFER_MODE_UNRELIABLE : TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED;
    if (this.#started && this.listenerCount('packet') > 0) this.emit('packet', from, packet, mode, userChannel);
    else this.#incoming.push({ packet, from, channel: userChannel, mode });
  }

  #onHostError(host: ENetConnection): void {
    if (this.#mode === Mode.MESH) this.#dropMeshHost(host);
    else this.close();
  }

  #dropMeshHost(host: ENetConnection): void {
    const id = this.#meshIdOfHost.get(host);
    if (id === undefined) return;
    this.#forget(id);
    this.emit('peerDisconnected', id);
  }

  /** Godot's `_disconnect_inactive_peers`: peers reset or disconnected behind our back. */
  #dropInactivePeers(): void {
    for (const [id, peer] of [...this.#peers]) {
      if (peer.isActive()) continue;
      this.#forget(id);
      this.emit('peerDisconnected', id);
    }
  }

  /** Removes peer `id` (and its mesh host) without an event. */
  #forget(id: number): void {
    const peer = this.#peers.get(id);
    if (!peer) return;
    this.#peers.delete(id);
    this.#idOfPeer.delete(peer);
    const meshHost = this.#meshHosts.get(id);
    if (meshHost) {
      this.#meshHosts.delete(id);
      this.#meshIdOfHost.delete(meshHost);
      this.#detachers.get(meshHost)?.();
      this.#detachers.delete(meshHost);
      meshHost.destroy();
    }
  }
}

/** Sends what is queued on `host` now; a host destroyed behind our back is skipped, not thrown on. */
function flush(host: ENetConnection): void {
  if (host.native.isActive()) host.flush();
}
