// The transport suites' two ends: Godot's ENet programs (project/enet_server.gd,
// project/enet_client.gd, commands in project/enet_common.gd) and this library's hosts, driven
// in the background (started, or polled by a timer) so that the test can await both at once.
// `connectEnds` connects them in either direction, so that every check can run with Godot as the
// server and as the client.
import { createHash } from 'node:crypto';
import { afterEach } from 'vitest';
import { CompressionMode, DtlsError, ENetConnection, ENetError, ENetPacketPeer, EventType, HostStatistic } from '../../lib/index';
import { until as untilHolds } from '../godot-client';
import { GodotRun, runGodot } from './godot';

/** A compression mode by its name without COMPRESS_, as the Godot programs take it. */
export type Compression = 'NONE' | 'RANGE_CODER' | 'FASTLZ' | 'ZLIB' | 'ZSTD';

/** Which end is Godot. */
export type Direction = 'godot-server' | 'godot-client';
export const DIRECTIONS: Direction[] = ['godot-server', 'godot-client'];

/** Options of a Godot program (enet_common.gd, enet_server.gd, enet_client.gd). */
export type GodotOptions = Record<string, string | number | boolean>;

/** A packet this library received. */
export interface Received {
  peer: ENetPacketPeer;
  packet: Buffer;
  channel: number;
  flags: number;
}

/** What Godot reports for a packet it received (enet_common.gd). */
export interface GodotReceived {
  peer: number;
  channel: number;
  size: number;
  flags: number;
  sha256: string;
}

export const SEND_FLAGS = ENetPacketPeer.FLAG_RELIABLE | ENetPacketPeer.FLAG_UNSEQUENCED | ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;

const hosts: ENetConnection[] = [];
const polling: NodeJS.Timeout[] = [];

afterEach(() => {
  for (const timer of polling.splice(0)) clearInterval(timer);
  for (const host of hosts.splice(0)) host.destroy();
});

/** Resolves with the first value `take` returns that is not undefined or false (godot-client.ts's until()). */
export async function until<T>(what: string, take: () => T | undefined | false, ms = 10_000): Promise<T> {
  let value: T | undefined | false;
  await untilHolds(() => (value = take()) !== undefined && value !== false, ms, what);
  return value as T;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** How the test drives a host of this library: event-driven (`start()`) or polled with `service()`, as in Godot. */
export type Drive = 'events' | 'service';

/** Options of a host of this library. */
export interface HostOptions {
  peers?: number;
  channels?: number;
  inBandwidth?: number;
  outBandwidth?: number;
  drive?: Drive;
  /** Called after the host is created, before it is driven. */
  setup?: (host: ENetConnection) => void;
}

/** A host of this library that records what happens. */
export class NodeEnd {
  readonly connects: { peer: ENetPacketPeer; data: number; at: number }[] = [];
  readonly disconnects: { peer: ENetPacketPeer; data: number; at: number }[] = [];
  readonly received: Received[] = [];
  /** 'error' events (or service()'s EVENT_ERROR): a DTLS client's failed handshake, or a socket failure. */
  readonly errors: ENetError[] = [];
  /** 'dtlsError' events, server and client. */
  readonly dtlsErrors: DtlsError[] = [];

  constructor(readonly host: ENetConnection, drive: Drive = 'events') {
    hosts.push(host);
    host.on('dtlsError', (error) => this.dtlsErrors.push(error));
    if (drive === 'service') {
      polling.push(setInterval(() => this.#service(), 1));
      return;
    }
    host.on('connect', (peer, data) => this.connects.push({ peer, data, at: performance.now() }));
    host.on('disconnect', (peer, data) => this.disconnects.push({ peer, data, at: performance.now() }));
    host.on('receive', (peer, packet, channel, flags) => this.received.push({ peer, packet: Buffer.from(packet), channel, flags }));
    host.on('error', (error) => this.errors.push(error));
    host.start();
  }

  /** Every pending event, by service() as a Godot program takes them. */
  #service(): void {
    for (let event = this.host.service(0); event.type !== EventType.EVENT_NONE; event = this.host.service(0)) {
      const at = performance.now();
      if (event.type === EventType.EVENT_ERROR) {
        if (!event.error) return;
        this.errors.push(event.error);
      } else if (event.type === EventType.EVENT_CONNECT) {
        this.connects.push({ peer: event.peer!, data: event.data, at });
      } else if (event.type === EventType.EVENT_DISCONNECT) {
        this.disconnects.push({ peer: event.peer!, data: event.data, at });
      } else {
        const flags = event.peer!.getPacketFlags(); // of the packet getPacket() takes next
        this.received.push({ peer: event.peer!, packet: event.peer!.getPacket()!, channel: event.channel, flags });
      }
    }
  }

  /** A server host bound to `address` on a free port. */
  static server(address = '127.0.0.1', options: HostOptions = {}): NodeEnd {
    const host = new ENetConnection();
    host.createHostBound(address, 0, options.peers ?? 32, options.channels ?? 0, options.inBandwidth ?? 0, options.outBandwidth ?? 0);
    options.setup?.(host);
    return new NodeEnd(host, options.drive);
  }

  /** A client host (not yet connecting). */
  static client(options: HostOptions = {}): NodeEnd {
    const host = new ENetConnection();
    host.createHost(4, 0, options.inBandwidth ?? 0, options.outBandwidth ?? 0);
    options.setup?.(host);
    return new NodeEnd(host, options.drive);
  }

  /** The first connect, waiting up to `ms`. */
  connected(ms = 10_000): Promise<ENetPacketPeer> {
    return until('a connect event', () => this.connects[0]?.peer, ms);
  }

  /** Every packet received so far, once there are at least `count`, waiting up to `ms`. */
  receivedCount(count: number, ms = 10_000): Promise<Received[]> {
    return until(`${count} packets received (have ${this.received.length})`,
      () => this.received.length >= count && this.received, ms);
  }
}

/** The two ends of one connection, past both CONNECT events. */
export interface Ends {
  godot: GodotRun;
  node: NodeEnd;
  /** This library's peer for the Godot end. */
  peer: ENetPacketPeer;
  /** Godot's CONNECT report. */
  godotConnect: { peer: number; data: number; channels: number; address: string; port: number; usec: number };
}

export interface EndsOptions {
  /** The server's address: 127.0.0.1 (default) or ::1. */
  address?: string;
  /** Channels the client asks for (0: the most). */
  channels?: number;
  /** The client's connect data. */
  data?: number;
  /** Compression on both ends. */
  compress?: Compression;
  /** Options for the Godot program. */
  godot?: GodotOptions;
  /** Set-up of this library's host before it connects or listens. */
  setup?: (host: ENetConnection) => void;
  /** This library's server's channel count limit (godot-client). */
  serverChannels?: number;
  /** How this library's host is driven (default: events). */
  drive?: Drive;
}

/** Godot and this library connected in `direction`. */
export async function connectEnds(direction: Direction, options: EndsOptions = {}): Promise<Ends> {
  const address = options.address ?? '127.0.0.1';
  const compress = options.compress ?? 'NONE';
  const setup = (host: ENetConnection) => {
    host.compress(CompressionMode[`COMPRESS_${compress}`]);
    options.setup?.(host);
  };
  let godot: GodotRun;
  let node: NodeEnd;
  let peer: ENetPacketPeer;
  if (direction === 'godot-server') {
    godot = runGodot('enet_server.gd', { bind: address, compress, ...options.godot });
    const { port } = await godot.report<{ port: number }>('listening');
    node = NodeEnd.client({ setup, drive: options.drive });
    node.host.connectToHost(address, port, options.channels ?? 0, options.data ?? 0);
    peer = await node.connected();
  } else {
    node = NodeEnd.server(address, { setup, channels: options.serverChannels, drive: options.drive });
    godot = runGodot('enet_client.gd', {
      address, port: node.host.getLocalPort(), channels: options.channels ?? 0, data: options.data ?? 0, compress, ...options.godot,
    });
    peer = await node.connected();
  }
  const godotConnect = await godot.report<Ends['godotConnect']>('connect');
  return { godot, node, peer, godotConnect };
}

let nextTag = 0;

/**
 * Runs the command `order` (enet_common.gd's run()) on the Godot end, against its peer for
 * `peer`, and resolves with its "done" report.
 */
export async function command<T = Record<string, unknown>>(ends: { godot: GodotRun; peer: ENetPacketPeer },
  order: Record<string, unknown> & { do: string }, ms = 10_000): Promise<T & { do: string }> {
  const tag = nextTag++;
  ends.peer.send(0, Buffer.from(`CMD${JSON.stringify({ ...order, tag })}`), ENetPacketPeer.FLAG_RELIABLE);
  return ends.godot.report<T & { do: string; tag: number }>('done', ms, (done) => done.tag === tag);
}

/** A "stats" command's report: Godot's peer statistics and popped host counters, by name. */
export interface Stats {
  peer: Record<string, number>;
  host: Record<keyof typeof HostStatistic, number>;
}

/** Pops this library's host counters, by name, as the "stats" command does Godot's. */
export function popStatistics(node: NodeEnd): Stats['host'] {
  const names = ['HOST_TOTAL_SENT_DATA', 'HOST_TOTAL_SENT_PACKETS', 'HOST_TOTAL_RECEIVED_DATA', 'HOST_TOTAL_RECEIVED_PACKETS'] as const;
  return Object.fromEntries(names.map((name) => [name, node.host.popStatistic(HostStatistic[name])])) as Stats['host'];
}
