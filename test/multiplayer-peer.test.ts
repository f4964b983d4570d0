// ENetMultiplayerPeer against spec §3: raw Godot-like clients check the wire (connect data,
// channels, flags, ID validation); our client, server and mesh check each other, polled and
// event-driven. Real sockets on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionStatus,
  ENetConnection,
  ENetMultiplayerPeer,
  ENetPacketPeer,
  ErrorCode,
  TransferMode,
} from '../lib/index';
import { GodotClient, RELIABLE, sleep, UNRELIABLE, UNRELIABLE_ORDERED, until } from './godot-client';
import { expectENetError, host } from './helpers';

const { FLAG_RELIABLE, FLAG_UNSEQUENCED, FLAG_UNRELIABLE_FRAGMENT } = ENetPacketPeer;
const { CONNECTION_CONNECTED, CONNECTION_CONNECTING, CONNECTION_DISCONNECTED } = ConnectionStatus;

const peers: ENetMultiplayerPeer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

/** A multiplayer peer closed after the test, recording its events. */
function multiplayer(): ENetMultiplayerPeer & { joined: number[]; left: number[]; statuses: ConnectionStatus[] } {
  const peer = Object.assign(new ENetMultiplayerPeer(), { joined: [] as number[], left: [] as number[],
    statuses: [] as ConnectionStatus[] });
  peer.on('peerConnected', (id) => peer.joined.push(id));
  peer.on('peerDisconnected', (id) => peer.left.push(id));
  peer.on('connectionStatusChanged', (status) => peer.statuses.push(status));
  peers.push(peer);
  return peer;
}

function serverPeer(): ReturnType<typeof multiplayer> {
  const server = multiplayer();
  server.setBindIp('127.0.0.1');
  server.createServer(0);
  return server;
}

/** Polls the polled peers every few ms (the event loop runs in between) until `condition()`. */
async function pollUntil(polled: ENetMultiplayerPeer[], condition: () => boolean, what: string, ms = 3000): Promise<void> {
  await until(() => {
    for (const peer of polled) if (peer.getConnectionStatus() !== CONNECTION_DISCONNECTED) peer.poll();
    return condition();
  }, ms, what);
}

interface Got {
  from: number;
  channel: number;
  mode: TransferMode;
  text: string;
}

/** Takes every queued packet of `peer` with its metadata (read before getPacket, as Godot). */
function takeAll(peer: ENetMultiplayerPeer, into: Got[]): void {
  while (peer.getAvailablePacketCount() > 0) {
    const from = peer.getPacketPeer();
    const channel = peer.getPacketChannel();
    const mode = peer.getPacketMode();
    into.push({ from, channel, mode, text: peer.getPacket()!.toString() });
  }
}

describe('ENetMultiplayerPeer server and Godot-like clients', () => {
  it('rejects IDs 0, 1, duplicates and values of 2^31 and above: the client is disconnected at once', async () => {
    const server = serverPeer();
    const port = server.getHost()!.getLocalPort();
    const first = new GodotClient(5);
    const connecting = first.connect(port);
    await pollUntil([server], () => server.joined.includes(5), 'ID 5 to be admitted');
    await connecting;

    for (const badId of [0, 1, 5, 0x80000000, 0xffffffff]) {
      const client = new GodotClient(badId);
      client.peer = client.host.connectToHost('127.0.0.1', port, 0, badId);
      await pollUntil([server], () => client.disconnectData !== null, `ID ${badId} to be disconnected`);
      expect(client.connected, `ID ${badId}: ENet accepted before the ID check`).toBe(true);
      expect(client.disconnectData).toBe(0);
    }
    expect(server.joined).toEqual([5]);
    expect(server.getPeer(5)).not.toBeNull();
    expect(server.getPeer(1)).toBeNull();
    // The largest valid ID is admitted.
    const largest = new GodotClient(0x7fffffff);
    const joining = largest.connect(port);
    await pollUntil([server], () => server.joined.includes(0x7fffffff), 'ID 2^31-1');
    await joining;
  });

  it('sends each transfer mode with Godot flags on channel 0, 1 or user channel N + 1, and flushes at once', async () => {
    const server = serverPeer();
    const client = new GodotClient();
    const connecting = client.connect(server.getHost()!.getLocalPort());
    await pollUntil([server], () => server.joined.length === 1, 'the client to join');
    await connecting;

    const cases: [TransferMode, number, number, number][] = [
      [TransferMode.TRANSFER_MODE_RELIABLE, 0, 0, FLAG_RELIABLE],
      [TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, 0, 1, 0],
      [TransferMode.TRANSFER_MODE_UNRELIABLE, 0, 1, FLAG_UNSEQUENCED],
      [TransferMode.TRANSFER_MODE_RELIABLE, 3, 4, FLAG_RELIABLE],
      [TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, 7, 8, 0],
      [TransferMode.TRANSFER_MODE_UNRELIABLE, 253, 254, FLAG_UNSEQUENCED],
    ];
    for (const [index, [mode, channel]] of cases.entries()) {
      server.transferMode = mode;
      server.transferChannel = channel;
      server.setTargetPeer(client.id);
      expect(server.putPacket(Buffer.from(`p${index}`))).toBe(ErrorCode.OK);
    }
    // No poll() or service() on the server after putPacket: it flushed.
    await client.waitFor(() => client.received.length === cases.length, 'every packet');
    const byText = new Map(client.received.map((r) => [r.packet.toString(), r]));
    for (const [index, [, , enetChannel, flags]] of cases.entries()) {
      // ENet reports an unreliable packet's flags as received (UNRELIABLE_FRAGMENT is not echoed).
      expect(byText.get(`p${index}`), `case ${index}`).toMatchObject({ channel: enetChannel, flags });
    }
  });

  it('receives each transfer mode and user channel from a Godot client with the sender ID', async () => {
    const server = serverPeer();
    const client = new GodotClient();
    const connecting = client.connect(server.getHost()!.getLocalPort());
    await pollUntil([server], () => server.joined.length === 1, 'the client to join');
    await connecting;
    client.send(Buffer.from('r0'), RELIABLE, 0);
    client.send(Buffer.from('o0'), UNRELIABLE_ORDERED, 0);
    client.send(Buffer.from('u0'), UNRELIABLE, 0);
    client.send(Buffer.from('r5'), RELIABLE, 5);
    client.send(Buffer.from('u9'), UNRELIABLE, 9);
    const got: Got[] = [];
    await pollUntil([server], () => { takeAll(server, got); return got.length === 5; }, 'five packets');
    const byText = Object.fromEntries(got.map((g) => [g.text, g]));
    expect(byText.r0).toEqual({ from: client.id, channel: 0, mode: TransferMode.TRANSFER_MODE_RELIABLE, text: 'r0' });
    expect(byText.o0).toMatchObject({ channel: 0, mode: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED });
    expect(byText.u0).toMatchObject({ channel: 0, mode: TransferMode.TRANSFER_MODE_UNRELIABLE });
    expect(byText.r5).toMatchObject({ channel: 5, mode: TransferMode.TRANSFER_MODE_RELIABLE });
    expect(byText.u9).toMatchObject({ channel: 9, mode: TransferMode.TRANSFER_MODE_UNRELIABLE });
    expect(server.getPacketPeer()).toBe(0);
    expect(server.getPacket()).toBeNull();
  });

  it('routes putPacket to all (one ENet broadcast), one peer, or all but one; unknown targets are refused', async () => {
    const server = serverPeer();
    const port = server.getHost()!.getLocalPort();
    const clients = [new GodotClient(), new GodotClient(), new GodotClient()];
    const connecting = Promise.all(clients.map((c) => c.connect(port)));
    await pollUntil([server], () => server.joined.length === 3, 'three clients');
    await connecting;
    const [a, b, c] = clients;
    server.setTargetPeer(ENetMultiplayerPeer.TARGET_PEER_BROADCAST);
    expect(server.putPacket(Buffer.from('all'))).toBe(ErrorCode.OK);
    server.setTargetPeer(b.id);
    expect(server.putPacket(Buffer.from('only-b'))).toBe(ErrorCode.OK);
    server.setTargetPeer(-b.id);
    expect(server.putPacket(Buffer.from('not-b'))).toBe(ErrorCode.OK);
    server.setTargetPeer(12345);
    expect(server.putPacket(Buffer.from('nobody'))).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    expect(server.sendTo(a.id, 'text' as unknown as Uint8Array, 2, 0)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    await until(() => a.received.length === 2 && b.received.length === 2 && c.received.length === 2, 3000, 'deliveries');
    const texts = (client: GodotClient): string[] => client.received.map((r) => r.packet.toString()).sort();
    expect(texts(a)).toEqual(['all', 'not-b']);
    expect(texts(b)).toEqual(['all', 'only-b']);
    expect(texts(c)).toEqual(['all', 'not-b']);
  });

  it('reports a leaving client, and disconnectPeer disconnects gracefully (data 0)', async () => {
    const server = serverPeer();
    const port = server.getHost()!.getLocalPort();
    const [a, b] = [new GodotClient(), new GodotClient()];
    const connecting = Promise.all([a.connect(port), b.connect(port)]);
    await pollUntil([server], () => server.joined.length === 2, 'two clients');
    await connecting;
    a.peer!.peerDisconnect(77);
    await pollUntil([server], () => server.left.length === 1, 'a to leave');
    expect(server.left).toEqual([a.id]);
    expect(server.disconnectPeer(b.id)).toBe(ErrorCode.OK);
    await pollUntil([server], () => server.left.length === 2 && b.disconnectData !== null, 'b to be disconnected');
    expect(b.disconnectData).toBe(0);
    expect(server.disconnectPeer(b.id)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
  });

  it('poll() reports a peer reset behind its back as disconnected', async () => {
    const server = serverPeer();
    const client = new GodotClient();
    const connecting = client.connect(server.getHost()!.getLocalPort());
    await pollUntil([server], () => server.joined.length === 1, 'the client');
    await connecting;
    server.getPeer(client.id)!.reset();
    expect(server.left).toEqual([]);
    server.poll();
    expect(server.left).toEqual([client.id]);
    expect(server.getPeer(client.id)).toBeNull();
  });

  it('refuseNewConnections turns clients away until cleared', async () => {
    const server = serverPeer();
    server.refuseNewConnections = true;
    const refused = new GodotClient();
    refused.peer = refused.host.connectToHost('127.0.0.1', server.getHost()!.getLocalPort(), 0, refused.id);
    await pollUntil([server], () => refused.disconnectData !== null, 'the refused client to be disconnected');
    server.refuseNewConnections = false;
    const welcome = new GodotClient();
    const connecting = welcome.connect(server.getHost()!.getLocalPort());
    await pollUntil([server], () => server.joined.length === 1, 'the next client');
    await connecting;
    expect(server.joined).toEqual([welcome.id]);
  });
});

describe('ENetMultiplayerPeer client and server', () => {
  it('polled: the client connects with a generated ID, statuses change, packets flow both ways', async () => {
    const server = serverPeer();
    const client = multiplayer();
    client.createClient('127.0.0.1', server.getHost()!.getLocalPort());
    expect(client.getConnectionStatus()).toBe(CONNECTION_CONNECTING);
    const id = client.getUniqueId();
    expect(id).toBeGreaterThanOrEqual(2);
    expect(id).toBeLessThanOrEqual(0x7fffffff);
    await pollUntil([server, client], () => client.joined.length === 1 && server.joined.length === 1, 'connection');
    expect(client.statuses).toEqual([CONNECTION_CONNECTING, CONNECTION_CONNECTED]);
    expect(client.joined).toEqual([1]);
    expect(server.joined).toEqual([id]);
    expect(client.getPeer(1)).not.toBeNull();
    expect(client.isServer()).toBe(false);
    expect(client.isServerRelaySupported()).toBe(true);

    client.transferChannel = 2;
    client.setTargetPeer(ENetMultiplayerPeer.TARGET_PEER_SERVER);
    expect(client.putPacket(Buffer.from('to-server'))).toBe(ErrorCode.OK);
    server.transferMode = TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED;
    expect(server.putPacket(Buffer.from('to-client'))).toBe(ErrorCode.OK);
    const atServer: Got[] = [];
    const atClient: Got[] = [];
    await pollUntil([server, client], () => {
      takeAll(server, atServer);
      takeAll(client, atClient);
      return atServer.length === 1 && atClient.length === 1;
    }, 'both packets');
    expect(atServer[0]).toEqual({ from: id, channel: 2, mode: TransferMode.TRANSFER_MODE_RELIABLE, text: 'to-server' });
    expect(atClient[0]).toEqual({ from: 1, channel: 0, mode: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, text: 'to-client' });

    server.close();
    expect(server.getConnectionStatus()).toBe(CONNECTION_DISCONNECTED);
    expect(server.getUniqueId()).toBe(0);
    expect(server.left).toEqual([]); // close() emits no peerDisconnected
    await pollUntil([client], () => client.getConnectionStatus() === CONNECTION_DISCONNECTED, 'the client to notice');
    expect(client.left).toEqual([1]);
    expect(client.statuses.at(-1)).toBe(CONNECTION_DISCONNECTED);
  });

  it("event-driven: start() emits 'packet'; without a 'packet' listener packets queue for getPacket()", async () => {
    const server = serverPeer().start();
    const client = multiplayer();
    client.createClient('localhost', server.getHost()!.getLocalPort());
    client.start();
    expect(() => client.poll()).toThrow(/event-driven/);
    await until(() => client.joined.length === 1 && server.joined.length === 1, 3000, 'connection');
    const heard: [number, string, number, TransferMode][] = [];
    server.on('packet', (from, packet, mode, channel) => heard.push([from, packet.toString(), channel, mode]));
    client.transferMode = TransferMode.TRANSFER_MODE_UNRELIABLE;
    client.putPacket(Buffer.from('evented'));
    server.putPacket(Buffer.from('queued'));
    await until(() => heard.length === 1 && client.getAvailablePacketCount() === 1, 3000, 'both packets');
    expect(heard).toEqual([[client.getUniqueId(), 'evented', 0, TransferMode.TRANSFER_MODE_UNRELIABLE]]);
    expect(client.getPacketPeer()).toBe(1);
    expect(client.getPacket()!.toString()).toBe('queued');

    // stop() returns to polling, without losing the connection.
    client.stop();
    server.putPacket(Buffer.from('polled'));
    const got: Got[] = [];
    await pollUntil([client], () => { takeAll(client, got); return got.length === 1; }, 'a polled packet');
    expect(got[0].text).toBe('polled');
    client.start();
    server.disconnectPeer(client.getUniqueId());
    await until(() => client.getConnectionStatus() === CONNECTION_DISCONNECTED && server.left.length === 1, 3000,
      'the disconnection');
    expect(client.left).toEqual([1]);
  });

  it('a client whose server never answers goes CONNECTING → DISCONNECTED with no peerConnected', async () => {
    const silent = host();
    silent.createHostBound('127.0.0.1', 0); // never serviced, so it never answers
    const client = multiplayer();
    client.createClient('127.0.0.1', silent.getLocalPort());
    client.getPeer(1)!.setTimeout(1, 200, 400);
    await pollUntil([client], () => client.getConnectionStatus() === CONNECTION_DISCONNECTED, 'the attempt to fail');
    expect(client.joined).toEqual([]);
    expect(client.left).toEqual([]);
    expect(client.statuses).toEqual([CONNECTION_CONNECTING, CONNECTION_DISCONNECTED]);
  });
});

describe('ENetMultiplayerPeer mesh', () => {
  /** Two hosts connected to each other, past CONNECT on both sides; b dials with `dialerId` as data. */
  async function linkedHosts(dialerId: number): Promise<[ENetConnection, ENetConnection]> {
    const a = host();
    a.createHostBound('127.0.0.1', 0, 1);
    const b = host();
    b.createHostBound('127.0.0.1', 0, 1);
    let connects = 0;
    a.once('connect', () => connects++).start();
    b.once('connect', () => connects++).start();
    b.connectToHost('127.0.0.1', a.getLocalPort(), 0, dialerId);
    await until(() => connects === 2, 3000, 'the link');
    return [a, b];
  }

  it('addMeshPeer takes over a connected host; packets carry the host key as sender', async () => {
    const [hostA, hostB] = await linkedHosts(20);
    const a = multiplayer();
    const b = multiplayer();
    a.createMesh(10);
    b.createMesh(20);
    expect(a.isServerRelaySupported()).toBe(false);
    expect(a.getHost()).toBeNull();
    a.addMeshPeer(20, hostA);
    b.addMeshPeer(10, hostB);
    expect(hostA.isStarted()).toBe(false); // polled from now on
    expect(a.joined).toEqual([20]);
    b.start();
    a.transferChannel = 4;
    expect(a.putPacket(Buffer.from('from-a'))).toBe(ErrorCode.OK);
    const heard: [number, string, number][] = [];
    b.on('packet', (from, packet, _mode, channel) => heard.push([from, packet.toString(), channel]));
    await pollUntil([a], () => heard.length === 1, 'the packet');
    expect(heard).toEqual([[10, 'from-a', 4]]);
    b.setTargetPeer(10);
    b.putPacket(Buffer.from('from-b'));
    const got: Got[] = [];
    await pollUntil([a], () => { takeAll(a, got); return got.length === 1; }, 'the reply');
    expect(got[0]).toMatchObject({ from: 20, text: 'from-b' });

    b.close();
    await pollUntil([a], () => a.left.length === 1, 'a to see b leave');
    expect(a.left).toEqual([20]);
    expect(hostA.getLocalPort()).toBe(0); // the mesh host is destroyed with the peer
  });

  it('checks its arguments as Godot does', async () => {
    const mesh = multiplayer();
    const unconnected = host();
    unconnected.createHost(1);
    expectENetError(() => mesh.addMeshPeer(2, unconnected), 'ERR_UNCONFIGURED');
    expectENetError(() => mesh.createMesh(0), 'ERR_INVALID_PARAMETER');
    expectENetError(() => mesh.createMesh(0x80000000), 'ERR_INVALID_PARAMETER');
    mesh.createMesh(3);
    expect(mesh.getUniqueId()).toBe(3);
    expect(mesh.getConnectionStatus()).toBe(CONNECTION_CONNECTED);
    expectENetError(() => mesh.createServer(0), 'ERR_ALREADY_IN_USE');
    expectENetError(() => mesh.addMeshPeer(4, unconnected), 'ERR_INVALID_PARAMETER');
    expectENetError(() => mesh.addMeshPeer(4, {} as ENetConnection), 'ERR_INVALID_PARAMETER');
    const [, linked] = await linkedHosts(4);
    expectENetError(() => mesh.addMeshPeer(3, linked), 'ERR_INVALID_PARAMETER'); // our own ID
    mesh.addMeshPeer(4, linked);
    expectENetError(() => mesh.addMeshPeer(4, linked), 'ERR_INVALID_PARAMETER');
  });
});

describe('ENetMultiplayerPeer API', () => {
  it('is inactive until created and checks its arguments', () => {
    const peer = multiplayer();
    expect(peer.getUniqueId()).toBe(0);
    expect(peer.getConnectionStatus()).toBe(CONNECTION_DISCONNECTED);
    expect(peer.getHost()).toBeNull();
    expect(peer.putPacket(Buffer.from('x'))).toBe(ErrorCode.ERR_UNCONFIGURED);
    expect(peer.disconnectPeer(2)).toBe(ErrorCode.ERR_UNCONFIGURED);
    expect(peer.getPacketChannel()).toBe(1);
    expect(peer.getPacketMode()).toBe(TransferMode.TRANSFER_MODE_RELIABLE);
    expect(peer.getMaxPacketSize()).toBe(16_777_216);
    expect(peer.transferMode).toBe(TransferMode.TRANSFER_MODE_RELIABLE);
    expect(peer.transferChannel).toBe(0);
    expectENetError(() => peer.start(), 'ERR_UNCONFIGURED');
    expectENetError(() => peer.setBindIp('not-an-ip'), 'ERR_INVALID_PARAMETER');
    expectENetError(() => { peer.transferChannel = 254; }, 'ERR_INVALID_PARAMETER');
    expectENetError(() => { peer.transferMode = 3 as TransferMode; }, 'ERR_INVALID_PARAMETER');
    expectENetError(() => peer.setTargetPeer(2 ** 31), 'ERR_INVALID_PARAMETER');
    expectENetError(() => peer.createServer(0, 32, 254), 'ERR_INVALID_PARAMETER');
    expectENetError(() => peer.createClient('127.0.0.1', 0), 'ERR_INVALID_PARAMETER');
    expectENetError(() => peer.createClient('example.com', 7777), 'ERR_CANT_RESOLVE');
    expect(peer.getConnectionStatus()).toBe(CONNECTION_DISCONNECTED);
    expect(ENetMultiplayerPeer.TARGET_PEER_BROADCAST).toBe(0);
    expect(ENetMultiplayerPeer.TARGET_PEER_SERVER).toBe(1);
  });

  it('createServer: server ID 1, CONNECTED, 253 user channels by default or N + 2 ENet channels', () => {
    const server = serverPeer();
    expect(server.getUniqueId()).toBe(1);
    expect(server.isServer()).toBe(true);
    expect(server.getConnectionStatus()).toBe(CONNECTION_CONNECTED);
    expect(server.statuses).toEqual([CONNECTION_CONNECTED]);
    expect(server.getHost()!.getMaxChannels()).toBe(255);
    expectENetError(() => server.createClient('127.0.0.1', 1), 'ERR_ALREADY_IN_USE');
    const limited = multiplayer();
    limited.createServer(0, 4, 3);
    expect(limited.getHost()!.getMaxChannels()).toBe(5);
    const busy = multiplayer();
    expectENetError(() => busy.createServer(limited.getHost()!.getLocalPort()), 'ERR_CANT_CREATE');
  });

  it('generateUniqueId stays within 2 … 2^31 − 1', () => {
    const ids = Array.from({ length: 2000 }, () => ENetMultiplayerPeer.generateUniqueId());
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...ids)).toBeLessThanOrEqual(0x7fffffff);
    expect(new Set(ids).size).toBeGreaterThan(1990);
    expect(new ENetMultiplayerPeer().generateUniqueId()).toBeGreaterThanOrEqual(2);
  });

  it('disconnectPeer with force forgets the peer at once, without an event', async () => {
    const server = serverPeer();
    const client = new GodotClient();
    const connecting = client.connect(server.getHost()!.getLocalPort());
    await pollUntil([server], () => server.joined.length === 1, 'the client');
    await connecting;
    expect(server.disconnectPeer(client.id, true)).toBe(ErrorCode.OK);
    expect(server.getPeer(client.id)).toBeNull();
    await client.waitFor(() => client.disconnectData !== null, 'the disconnection');
    await sleep(20);
    server.poll();
    expect(server.left).toEqual([]);
  });
});
