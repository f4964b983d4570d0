import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import {
  Crypto, CryptoKey, ENetConnection, ENetError, ENetEvent, ENetPacketPeer, ErrorCode, ErrorName, EventType, X509Certificate,
} from '../lib/index';

const open: ENetConnection[] = [];

afterEach(() => {
  for (const host of open.splice(0)) host.destroy();
});

/** A host destroyed after the current test. */
export function host(): ENetConnection {
  const connection = new ENetConnection();
  open.push(connection);
  return connection;
}

/** A host bound to 127.0.0.1 on a free port. */
export function server(maxPeers = 32, maxChannels = 0): ENetConnection {
  const connection = host();
  connection.createHostBound('127.0.0.1', 0, maxPeers, maxChannels);
  return connection;
}

/** Records every event a host produces while pumped. */
export class Recorder {
  readonly events: ENetEvent[] = [];
  constructor(readonly host: ENetConnection) {}

  /** Services until EVENT_NONE, waiting up to `timeoutMs` for the first event. */
  drain(timeoutMs = 0): ENetEvent[] {
    const got: ENetEvent[] = [];
    for (let event = this.host.service(timeoutMs); event.type !== EventType.EVENT_NONE; event = this.host.service(0)) {
      got.push(event);
      if (event.type === EventType.EVENT_ERROR) break;
    }
    this.events.push(...got);
    return got;
  }

  of(type: EventType): ENetEvent[] {
    return this.events.filter((event) => event.type === type);
  }
}

/** Services every recorder in turn until `done()` holds; throws after `limitMs`. */
export function pumpUntil(recorders: Recorder[], done: () => boolean, limitMs = 5000): void {
  const deadline = Date.now() + limitMs;
  for (;;) {
    for (const recorder of recorders) recorder.drain(1);
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
  }
}

/** Services every recorder for `ms` milliseconds. */
export function pumpFor(recorders: Recorder[], ms: number): void {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) for (const recorder of recorders) recorder.drain(1);
}

export interface Pair {
  server: ENetConnection;
  client: ENetConnection;
  serverEvents: Recorder;
  clientEvents: Recorder;
  /** The server's peer for the client. */
  serverPeer: ENetPacketPeer;
  /** The client's peer for the server. */
  clientPeer: ENetPacketPeer;
}

/** A server on 127.0.0.1 and a client connected to it, both past their CONNECT events. */
export function connectedPair(options: { channels?: number; data?: number; maxPeers?: number } = {}): Pair {
  const srv = server(options.maxPeers ?? 32);
  const client = host();
  client.createHost(1);
  const clientPeer = client.connectToHost('127.0.0.1', srv.getLocalPort(), options.channels ?? 0, options.data ?? 0);
  if (!clientPeer) throw new Error('connectToHost returned null');
  const serverEvents = new Recorder(srv);
  const clientEvents = new Recorder(client);
  pumpUntil([serverEvents, clientEvents],
    () => serverEvents.of(EventType.EVENT_CONNECT).length > 0 && clientEvents.of(EventType.EVENT_CONNECT).length > 0);
  const serverPeer = serverEvents.of(EventType.EVENT_CONNECT)[0].peer!;
  return { server: srv, client, serverEvents, clientEvents, serverPeer, clientPeer };
}

export { pattern } from './fixtures/pattern';

/** Enum members as name → number, without TypeScript's reverse mappings. */
export function members(enumObject: object): Record<string, number> {
  return Object.fromEntries(Object.entries(enumObject).filter(([, value]) => typeof value === 'number'));
}

/** Asserts that `fn` throws an ENetError with Godot's error `code` (name and number). */
export function expectENetError(fn: () => unknown, code: ErrorName): ENetError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ENetError);
  const error = caught as ENetError;
  expect(error.name).toBe('ENetError');
  expect(error.code).toBe(code);
  expect(error.errno).toBe(ErrorCode[code]);
  return error;
}

/** A UDP port on 127.0.0.1 that was free a moment ago, for programs that take a fixed port. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  const { port } = socket.address();
  await new Promise<void>((done) => socket.close(done));
  return port;
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for programs that take a fixed port. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A new EC key and a self-signed certificate for `subject`, also saved as PEM files in a temporary folder. */
export function certificateFiles(subject: string): { certificate: X509Certificate; keyPath: string; certificatePath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'godot-enet-certificate-'));
  const key = CryptoKey.generateEc();
  const certificate = Crypto.generateSelfSignedCertificate(key, subject);
  const [keyPath, certificatePath] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  key.save(keyPath);
  certificate.save(certificatePath);
  return { certificate, keyPath, certificatePath };
}
