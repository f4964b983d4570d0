import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { bindIp } from '../arguments';
import { ENetConnection } from '../ENetConnection';
import { ENetMultiplayerPeer } from '../ENetMultiplayerPeer';
import { ENetPacketPeer } from '../ENetPacketPeer';
import { ENetError, ErrorCode } from '../errors';
import type { EndpointMessage, SignalingMessage } from './protocol';

/** Options of a `SignalingClient`. */
export interface SignalingClientOptions {
  /** IP address the per-peer hosts bind, or '*' for every address (default). */
  bindIp?: string;
  /**
   * Address other peers should send to (default: the address the signaling server sees this
   * peer come from, right on a LAN and for most NATs once hole-punched).
   */
  advertiseAddress?: string;
  /** How long `join()` waits for the server's welcome (default 10000 ms). */
  timeoutMs?: number;
}

/** Events of a `SignalingClient`. */
export interface SignalingClientEvents {
  /** The signaling server refused a message or the connection failed after joining. */
  error: [error: Error];
  /** The WebSocket closed; peers already in the mesh stay. */
  close: [];
}

/** What a peer that does not dial sends to the dialling peer's endpoint: a NAT hole-punch. */
const PUNCH = Buffer.from('godot-enet punch');

/**
 * Joins a room of a `SignalingServer` and builds a full ENet mesh in an `ENetMultiplayerPeer`:
 * `join()` makes it a mesh node with the ID the server assigned; for every other peer it opens
 * one `ENetConnection`, tells that peer (through the server) its address and port, and once
 * both ends are linked hands the connection to `addMeshPeer` ('peerConnected' follows on the
 * multiplayer peer). The lower ID dials; the higher one first sends a datagram to the dialler
 * with `socketSend`, which opens its NAT for the incoming connection. Listen to 'error': a
 * peer that cannot be linked is reported there.
 */
export class SignalingClient extends EventEmitter<SignalingClientEvents> {
  readonly #url: string;
  readonly #multiplayer: ENetMultiplayerPeer;
  readonly #bindIp: string;
  readonly #advertiseAddress: string | undefined;
  readonly #timeoutMs: number;
  /** Hosts opened for peers that are not linked yet. */
  readonly #pending = new Map<number, ENetConnection>();
  #socket: WebSocket | undefined;
  #id = 0;

  /**
   * A client for the signaling server at `url` (`ws://host:port/room`) that will build the mesh
   * in `multiplayer`, an inactive ENetMultiplayerPeer. Nothing happens before `join()`. Throws
   * ENetError ERR_INVALID_PARAMETER for a `multiplayer` that is not an ENetMultiplayerPeer or a
   * bad `bindIp`.
   */
  constructor(url: string, multiplayer: ENetMultiplayerPeer, options: SignalingClientOptions = {}) {
    super();
    if (!(multiplayer instanceof ENetMultiplayerPeer)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'multiplayer must be an ENetMultiplayerPeer');
    }
    this.#url = url;
    this.#multiplayer = multiplayer;
    this.#bindIp = options.bindIp ?? '*';
    bindIp(this.#bindIp);
    this.#advertiseAddress = options.advertiseAddress;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Connects to the signaling server, makes the multiplayer peer a mesh node (`createMesh`)
   * with the assigned ID and resolves with it; linking with the other peers goes on in the
   * background. Rejects when the server cannot be reached or does not answer in time.
   */
  join(): Promise<number> {
    if (this.#socket !== undefined) {
      return Promise.reject(new ENetError(ErrorCode.ERR_ALREADY_IN_USE, 'join() was already called'));
    }
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.#url);
      this.#socket = socket;
      const timer = setTimeout(() => fail(new Error(`no welcome from ${this.#url} within ${this.#timeoutMs} ms`)),
        this.#timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.terminate();
        reject(error);
      };
      socket.once('error', fail);
      socket.on('message', (data) => {
        let message: SignalingMessage;
        try {
          message = JSON.parse(data.toString()) as SignalingMessage;
        } catch {
          return;
        }
        if (message.type === 'welcome' && this.#id === 0) {
          try {
            this.#welcome(message.id, message.peers);
          } catch (err) { // e.g. the multiplayer peer is already active (ERR_ALREADY_IN_USE)
            this.#id = 0;
            fail(err as Error);
            return;
          }
          clearTimeout(timer);
          socket.off('error', fail);
          socket.on('error', (error) => this.emit('error', error));
          resolve(message.id);
        } else if (this.#id !== 0) {
          try {
            this.#handle(message);
          } catch (err) { // e.g. the multiplayer peer was closed: no host can be opened for a newcomer
            this.emit('error', err as Error);
          }
        }
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (this.#id === 0) reject(new Error(`${this.#url} closed before welcoming this peer`));
        this.emit('close');
      });
    });
  }

  /** The ID the signaling server assigned (0 before `join()` resolves). */
  getId(): number {
    return this.#id;
  }

  /** Leaves the signaling server and drops hosts of peers not linked yet; the mesh stays. */
  close(): void {
    this.#socket?.close();
    for (const host of this.#pending.values()) host.destroy();
    this.#pending.clear();
  }

  #welcome(id: number, peers: number[]): void {
    this.#multiplayer.createMesh(id);
    this.#id = id;
    for (const peer of peers) this.#open(peer);
  }

  #handle(message: SignalingMessage): void {
    switch (message.type) {
      case 'peer-joined':
        this.#open(message.id);
        break;
      case 'peer-left':
        this.#pending.get(message.id)?.destroy();
        this.#pending.delete(message.id);
        break;
      case 'endpoint':
        this.#link(message);
        break;
      case 'error':
        this.emit('error', new Error(`signaling server: ${message.message}`));
        break;
    }
  }

  /** Opens the host dedicated to `remoteId` and sends its endpoint. */
  #open(remoteId: number): ENetConnection {
    const existing = this.#pending.get(remoteId);
    if (existing) return existing;
    const host = new ENetConnection();
    host.createHostBound(this.#bindIp, 0, 1);
    this.#pending.set(remoteId, host);
    const onConnect = (peer: ENetPacketPeer, data: number): void => {
      // The dialler announces its ID as connect data; anyone else is not who we wait for.
      if (this.#id > remoteId && data !== remoteId) {
        peer.peerDisconnectNow(0);
        return;
      }
      host.off('connect', onConnect);
      this.#pending.delete(remoteId);
      try {
        this.#multiplayer.addMeshPeer(remoteId, host);
      } catch (err) { // the multiplayer peer was closed or reused meanwhile
        host.destroy();
        this.emit('error', err as Error);
      }
    };
    host.on('connect', onConnect);
    host.start();
    const endpoint: EndpointMessage = { type: 'endpoint', to: remoteId, port: host.getLocalPort() };
    if (this.#advertiseAddress !== undefined) endpoint.address = this.#advertiseAddress;
    this.#socket?.send(JSON.stringify(endpoint));
    return host;
  }

  /** The remote's endpoint for us arrived: dial it (lower ID) or punch a hole towards it. */
  #link(message: EndpointMessage): void {
    const remoteId = message.from!;
    if (this.#multiplayer.getPeer(remoteId)) return;
    const host = this.#open(remoteId);
    try {
      if (this.#id < remoteId) host.connectToHost(message.address!, message.port, 0, this.#id);
      else host.socketSend(message.address!, message.port, PUNCH);
    } catch (err) { // e.g. an address this host cannot reach (an IPv6 one on an IPv4-only machine)
      this.emit('error', err as Error);
    }
  }
}
