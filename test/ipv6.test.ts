import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ENetConnection, ENetPacketPeer, EventType } from '../lib/index';
import { Recorder, expectENetError, host, pattern, pumpFor, pumpUntil } from './helpers';
import { addressMapTestPath } from './setup/global';

/** A host bound to `address` on a free port. */
function boundHost(address: string, maxPeers = 8): ENetConnection {
  const connection = host();
  connection.createHostBound(address, 0, maxPeers);
  return connection;
}

interface Client {
  connection: ENetConnection;
  events: Recorder;
  peer: ENetPacketPeer;
}

function connectClient(address: string, port: number): Client {
  const connection = host();
  connection.createHost(1);
  const peer = connection.connectToHost(address, port);
  if (peer === null) throw new Error('connectToHost returned null');
  return { connection, events: new Recorder(connection), peer };
}

/** The server's peers by the client they stand for, once every client has connected. */
function connectAll(server: Recorder, clients: Client[]): ENetPacketPeer[] {
  pumpUntil([server, ...clients.map((client) => client.events)],
    () => server.of(EventType.EVENT_CONNECT).length === clients.length &&
      clients.every((client) => client.events.of(EventType.EVENT_CONNECT).length === 1));
  const byPort = new Map(server.of(EventType.EVENT_CONNECT).map((event) => [event.peer!.getRemotePort(), event.peer!]));
  return clients.map((client) => byPort.get(client.connection.getLocalPort())!);
}

describe('IPv6 and dual-stack hosts (::1 and 127.0.0.1 side by side)', () => {
  it("a '*' host serves an IPv4 and an IPv6 client at once, each seeing the other's real address", () => {
    const server = boundHost('*');
    const serverEvents = new Recorder(server);
    const clients = [connectClient('127.0.0.1', server.getLocalPort()), connectClient('::1', server.getLocalPort())];
    const [v4Peer, v6Peer] = connectAll(serverEvents, clients);
    expect(v4Peer.getRemoteAddress()).toBe('127.0.0.1');
    expect(v6Peer.getRemoteAddress()).toBe('::1');
    expect(clients[0].peer.getRemoteAddress()).toBe('127.0.0.1');
    expect(clients[1].peer.getRemoteAddress()).toBe('::1');
    expect(clients[1].peer.getRemotePort()).toBe(server.getLocalPort());

    // Reliable, unreliable and a fragmented packet each way, plus a broadcast to both.
    const big = pattern(100_000, 6);
    for (const client of clients) {
      client.peer.send(0, Buffer.from('reliable'), ENetPacketPeer.FLAG_RELIABLE);
      client.peer.send(1, Buffer.from('unreliable'), ENetPacketPeer.FLAG_UNSEQUENCED);
      client.peer.send(2, big, ENetPacketPeer.FLAG_RELIABLE);
    }
    v6Peer.send(0, big, ENetPacketPeer.FLAG_RELIABLE);
    v4Peer.send(0, big, ENetPacketPeer.FLAG_RELIABLE);
    server.broadcast(3, Buffer.from('to all'), ENetPacketPeer.FLAG_RELIABLE);
    const all = [serverEvents, ...clients.map((client) => client.events)];
    pumpUntil(all, () => serverEvents.of(EventType.EVENT_RECEIVE).length === 6 &&
      clients.every((client) => client.events.of(EventType.EVENT_RECEIVE).length === 2));
    for (const peer of [v4Peer, v6Peer]) {
      const received = serverEvents.of(EventType.EVENT_RECEIVE).filter((event) => event.peer === peer);
      expect(received.map((event) => event.channel).sort()).toEqual([0, 1, 2]);
      const packets = [peer.getPacket(), peer.getPacket(), peer.getPacket()].map((packet) => Buffer.from(packet!));
      expect(packets.map((packet) => packet.length).sort((a, b) => a - b)).toEqual([8, 10, big.length]);
      expect(packets.find((packet) => packet.length === big.length)).toEqual(Buffer.from(big));
    }
    for (const client of clients) {
      expect(Buffer.from(client.peer.getPacket()!)).toEqual(Buffer.from(big));
      expect(Buffer.from(client.peer.getPacket()!).toString()).toBe('to all');
    }

    // Disconnects reach both families.
    v6Peer.peerDisconnect(7);
    v4Peer.peerDisconnect(8);
    pumpUntil(all, () => clients.every((client) => client.events.of(EventType.EVENT_DISCONNECT).length === 1));
    expect(clients.map((client) => client.events.of(EventType.EVENT_DISCONNECT)[0].data)).toEqual([8, 7]);
  });

  it("'::' also takes both families; '::1' takes only IPv6 and an IPv4 literal only IPv4, as Godot binds", () => {
    const any6 = boundHost('::');
    const any6Events = new Recorder(any6);
    connectAll(any6Events, [connectClient('127.0.0.1', any6.getLocalPort()), connectClient('::1', any6.getLocalPort())]);

    for (const [bound, wrongFamily, rightFamily] of [['::1', '127.0.0.1', '::1'], ['127.0.0.1', '::1', '127.0.0.1']]) {
      const server = boundHost(bound);
      const serverEvents = new Recorder(server);
      const stranger = connectClient(wrongFamily, server.getLocalPort());
      const friend = connectClient(rightFamily, server.getLocalPort());
      const [friendPeer] = connectAll(serverEvents, [friend]);
      expect(friendPeer.getRemoteAddress()).toBe(rightFamily);
      pumpFor([serverEvents, stranger.events], 300);
      expect(serverEvents.of(EventType.EVENT_CONNECT)).toHaveLength(1);
      expect(stranger.events.of(EventType.EVENT_CONNECT)).toHaveLength(0);
    }
  });

  it('works event-driven over IPv6', async () => {
    const server = boundHost('*');
    const client = host();
    client.createHost(1);
    server.start();
    client.start();
    server.on('receive', (peer, packet, channel) => peer.send(channel, packet, ENetPacketPeer.FLAG_RELIABLE));
    const peer = client.connectToHost('::1', server.getLocalPort())!;
    await once(client, 'connect');
    peer.send(0, Buffer.from('echo me'), ENetPacketPeer.FLAG_RELIABLE);
    const [, packet] = await once(client, 'receive');
    expect(Buffer.from(packet).toString()).toBe('echo me');
    expect(server.getPeers()[0].getRemoteAddress()).toBe('::1');
  });

  it('socketSend sends raw datagrams to an IPv6 address, and stray IPv6 datagrams are ignored', async () => {
    const server = boundHost('*');
    const serverEvents = new Recorder(server);
    const udp = createSocket('udp6');
    try {
      udp.bind(0, '::1');
      await once(udp, 'listening');
      const arrival = once(udp, 'message');
      server.socketSend('::1', udp.address().port, Buffer.from('punch'));
      const [message, from] = await arrival;
      expect(message.toString()).toBe('punch');
      expect(from).toMatchObject({ address: '::1', family: 'IPv6', port: server.getLocalPort() });

      // Garbage from an IPv6 source is not ENet: dropped, and the host keeps serving.
      for (let i = 0; i < 50; ++i) udp.send(pattern(1 + i * 20, i), server.getLocalPort(), '::1');
      const client = connectClient('::1', server.getLocalPort());
      connectAll(serverEvents, [client]);
      expect(serverEvents.events.every((event) => event.type === EventType.EVENT_CONNECT)).toBe(true);
    } finally {
      udp.close();
    }
  });

  it('connectToHostAsync resolves localhost to whichever family the system answers, and connects', async () => {
    const server = boundHost('*');
    const serverEvents = new Recorder(server);
    const client = host();
    client.createHost(1);
    const peer = await client.connectToHostAsync('localhost', server.getLocalPort());
    expect(peer).not.toBeNull();
    const clientEvents = new Recorder(client);
    pumpUntil([serverEvents, clientEvents], () => clientEvents.of(EventType.EVENT_CONNECT).length === 1);
    expect(['127.0.0.1', '::1']).toContain(peer!.getRemoteAddress());
  });

  it('addresses in 240.0.0.0/4 stand for IPv6 peers inside ENet and are refused as IPv4 literals', () => {
    const connection = host();
    expectENetError(() => connection.createHostBound('240.0.0.1', 0), 'ERR_INVALID_PARAMETER');
    connection.createHost();
    expectENetError(() => connection.connectToHost('240.0.0.1', 9), 'ERR_INVALID_PARAMETER');
    expectENetError(() => connection.connectToHost('254.255.255.255', 9), 'ERR_INVALID_PARAMETER');
    expectENetError(() => connection.socketSend('250.1.2.3', 9, Buffer.from('x')), 'ERR_INVALID_PARAMETER');
    expectENetError(() => connection.connectToHost('::1%nosuchzone', 9), 'ERR_CANT_RESOLVE');
    expectENetError(() => connection.connectToHost('ip6-localhost', 9), 'ERR_CANT_RESOLVE');
    expect(connection.getPeers()).toEqual([]);
  });

  it('the token map is bounded and releases entries no peer holds (C unit test with 100000 sources)', () => {
    const output = execFileSync(addressMapTestPath, { encoding: 'utf8' });
    expect(output).toMatch(/^ok \d+\n$/);
    expect(Number(output.split(' ')[1])).toBeGreaterThan(300_000);
  });
});
