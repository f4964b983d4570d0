// A raw ENetConnection client that behaves exactly like a Godot 4 client (ENetMultiplayerPeer
// + SceneMultiplayer defaults): 255 channels, its ID as connect data, SceneMultiplayer frames.
// Event-driven, so many of them run side by side on the test's event loop.
import { afterEach } from 'vitest';
import { ENetConnection, ENetPacketPeer } from '../lib/index';

export const RELIABLE = 2;
export const UNRELIABLE_ORDERED = 1;
export const UNRELIABLE = 0;

const FLAGS = [ENetPacketPeer.FLAG_UNSEQUENCED | ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT,
  ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT, ENetPacketPeer.FLAG_RELIABLE];

/** What a Godot client received: the raw ENet channel and flags, and the payload. */
export interface Received {
  channel: number;
  flags: number;
  packet: Buffer;
}

const clients: GodotClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.host.destroy();
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition()` holds (checked every few ms); rejects after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(3);
  }
}

/**
 * Sends an unreliable burst (`burst()`) until `arrived()` holds, 5 bursts at most, waiting up to
 * 3 s after each: ENet's throttle may drop a whole burst on a loaded machine. Returns the items
 * `received()` gained during each burst (to check ordering per burst); throws if none arrived.
 */
export async function burstUntilArrived<T>(burst: () => void, arrived: () => boolean, received: () => T[], what: string):
  Promise<T[][]> {
  const bursts: T[][] = [];
  for (let count = 0; count < 5 && !arrived(); count++) {
    const before = received().length;
    burst();
    await until(arrived, 3000, what).catch(() => undefined);
    bursts.push(received().slice(before));
  }
  if (!arrived()) throw new Error(`${what}: nothing of 5 unreliable bursts arrived`);
  return bursts;
}

/** A SceneMultiplayer frame with a 4-byte little-endian peer ID: `07 <sys> <id>` + rest. */
export function sysFrame(sys: number, id: number, rest: Uint8Array = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(6);
  head[0] = 7;
  head[1] = sys;
  head.writeInt32LE(id, 2);
  return Buffer.concat([head, rest]);
}

/** `03 payload`: SceneMultiplayer's raw bytes (`send_bytes`). */
export function rawFrame(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([3]), payload]);
}

export class GodotClient {
  readonly host = new ENetConnection();
  readonly received: Received[] = [];
  peer: ENetPacketPeer | null = null;
  connected = false;
  /** The disconnect data once disconnected; null while not. */
  disconnectData: number | null = null;

  /** A client that will announce `id` (a random valid one by default). Destroyed after the test. */
  constructor(readonly id = 2 + Math.floor(Math.random() * 0x7ffffff0)) {
    clients.push(this);
    this.host.createHost(1);
    this.host.on('connect', () => { this.connected = true; });
    this.host.on('disconnect', (_peer, data) => { this.disconnectData = data; });
    this.host.on('receive', (_peer, packet, channel, flags) => this.received.push({ channel, flags, packet: Buffer.from(packet) }));
    this.host.start();
  }

  /** Connects as a Godot client does (255 channels, ID as connect data) and waits for CONNECT. */
  async connect(port: number, ms = 3000): Promise<this> {
    this.peer = this.host.connectToHost('127.0.0.1', port, 0, this.id >>> 0);
    await until(() => this.connected || this.disconnectData !== null, ms, `client ${this.id} to connect`);
    return this;
  }

  /** Sends as Godot's put_packet does: mode → flags, user channel N → ENet channel N + 1; flushed. */
  send(packet: Uint8Array, mode = RELIABLE, channel = 0): void {
    const enetChannel = channel > 0 ? channel + 1 : mode === RELIABLE ? 0 : 1;
    this.peer!.send(enetChannel, packet, FLAGS[mode]);
    this.host.flush();
  }

  /** The payloads of received frames starting with `prefix`, in order. */
  framesStartingWith(prefix: Uint8Array): Received[] {
    return this.received.filter((r) => r.packet.subarray(0, prefix.length).equals(prefix));
  }

  /** IDs announced by `07 01` (add) or `07 02` (remove). */
  announced(sys: 1 | 2): number[] {
    return this.framesStartingWith(Buffer.from([7, sys])).map((r) => r.packet.readInt32LE(2));
  }

  /** Payloads of raw-bytes frames (`03 …`). */
  rawPayloads(): string[] {
    return this.framesStartingWith(Buffer.from([3])).map((r) => r.packet.subarray(1).toString());
  }

  async waitFor(condition: () => boolean, what: string, ms = 3000): Promise<void> {
    await until(condition, ms, `client ${this.id}: ${what}`);
  }
}
