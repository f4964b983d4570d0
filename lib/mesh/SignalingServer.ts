import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { integer } from '../arguments';
import { ENetMultiplayerPeer } from '../ENetMultiplayerPeer';
import type { EndpointMessage, SignalingMessage } from './protocol';

/** Options of a `SignalingServer`. */
export interface SignalingServerOptions {
  /** TCP port (0: any free one, see `listen()`). */
  port?: number;
  /** Address to listen on (default: every address). */
  host?: string;
  /** Most peers in one room (default 64: a full mesh of n peers needs n − 1 hosts in each). */
  maxPeersPerRoom?: number;
}

/** Events of a `SignalingServer`. */
export interface SignalingServerEvents {
  /** A peer connected to room `room` (the URL path) and was given ID `id`. */
  peerJoined: [id: number, room: string];
  /** Peer `id`'s WebSocket closed; the others in `room` were told. */
  peerLeft: [id: number, room: string];
}

/** Largest JSON message a peer may send; endpoint messages are tiny. */
const MAX_MESSAGE_BYTES = 1024;

/**
 * The piece Godot's ENet mesh leaves out: a WebSocket server that assigns each peer of a room
 * (the URL path) a unique ID and tells every peer the address and port each other peer opened
 * for it, so they form a full ENet mesh with `ENetMultiplayerPeer.createMesh` /
 * `addMeshPeer` and no game server. It carries no game traffic. Use `SignalingClient` to join.
 */
export class SignalingServer extends EventEmitter<SignalingServerEvents> {
  readonly #options: Required<Omit<SignalingServerOptions, 'host'>> & { host?: string };
  readonly #rooms = new Map<string, Map<number, WebSocket>>();
  #server: WebSocketServer | undefined;

  /** Checks the options (ENetError ERR_INVALID_PARAMETER); `listen()` opens the port. */
  constructor(options: SignalingServerOptions = {}) {
    super();
    this.#options = {
      port: integer('port', options.port ?? 0, 0, 65535),
      host: options.host,
      maxPeersPerRoom: integer('maxPeersPerRoom', options.maxPeersPerRoom ?? 64, 2, 4095),
    };
  }

  /** Starts listening; resolves with the TCP port, rejects when it cannot listen (e.g. the port is taken). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({ port: this.#options.port, host: this.#options.host,
        maxPayload: MAX_MESSAGE_BYTES });
      server.once('error', reject);
      server.once('listening', () => {
        server.off('error', reject);
        this.#server = server;
        resolve((server.address() as { port: number }).port);
      });
      server.on('connection', (socket, request) => this.#admit(socket, request));
    });
  }

  /** The room names (URL paths) and the IDs of their peers; empty rooms are not listed. */
  getRooms(): Map<string, number[]> {
    return new Map([...this.#rooms].map(([room, members]) => [room, [...members.keys()]]));
  }

  /** Closes every peer's WebSocket and stops listening. */
  close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return Promise.resolve();
    for (const socket of server.clients) socket.terminate();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  #admit(socket: WebSocket, request: IncomingMessage): void {
    const room = new URL(request.url ?? '/', 'ws://signaling').pathname;
    const members = this.#rooms.get(room) ?? new Map<number, WebSocket>();
    if (members.size >= this.#options.maxPeersPerRoom) {
      send(socket, { type: 'error', message: `room ${room} is full` });
      socket.close(1013, 'room full');
      return;
    }
    let id = ENetMultiplayerPeer.generateUniqueId();
    while (members.has(id)) id = ENetMultiplayerPeer.generateUniqueId();
    const observedAddress = ipv4Of(request.socket.remoteAddress);
    send(socket, { type: 'welcome', id, peers: [...members.keys()] });
    for (const other of members.values()) send(other, { type: 'peer-joined', id });
    members.set(id, socket);
    this.#rooms.set(room, members);
    this.emit('peerJoined', id, room);

    socket.on('message', (data, isBinary) => {
      const message = isBinary ? undefined : parse(data.toString());
      const target = message?.type === 'endpoint' ? members.get(message.to as number) : undefined;
      if (!message || message.type !== 'endpoint' || !target || !validEndpoint(message)) {
        send(socket, { type: 'error', message: 'expected {"type":"endpoint","to":<peer in this room>,"port":1-65535}' });
        return;
      }
      send(target, { type: 'endpoint', from: id, address: message.address ?? observedAddress, port: message.port });
    });
    socket.on('close', () => {
      members.delete(id);
      if (members.size === 0) this.#rooms.delete(room);
      for (const other of members.values()) send(other, { type: 'peer-left', id });
      this.emit('peerLeft', id, room);
    });
  }
}

function send(socket: WebSocket, message: SignalingMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function parse(text: string): SignalingMessage | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value as SignalingMessage : undefined;
  } catch {
    return undefined;
  }
}

function validEndpoint(message: EndpointMessage): boolean {
  return Number.isInteger(message.port) && message.port >= 1 && message.port <= 65535
    && (message.address === undefined || (typeof message.address === 'string' && isIPv4(message.address)));
}

/** The IPv4 address of a socket's peer ('::ffff:a.b.c.d' and '::1' included; ENet here is IPv4). */
function ipv4Of(address: string | undefined): string {
  if (address === undefined || address === '::1') return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
