// ENetConnection: every method, enum and static, with real sockets on 127.0.0.1.
import { createSocket, RemoteInfo } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import {
  CompressionMode,
  ENetConnection,
  ENetPacketPeer,
  ErrorCode,
  EventType,
  HostStatistic,
  PeerState,
  PeerStatistic,
} from '../lib/index';
import { connectedPair, host, members, pattern, pumpFor, pumpUntil, Recorder, server } from './helpers';

const { FLAG_RELIABLE } = ENetPacketPeer;

function popAll(connection: ENetConnection): number[] {
  return [0, 1, 2, 3].map((statistic) => connection.popStatistic(statistic));
}

describe('ENetConnection enums', () => {
  it('EventType has Godot numbers', () => {
    expect(ENetConnection.EventType).toBe(EventType);
    expect(members(EventType)).toEqual({
      EVENT_ERROR: -1, EVENT_NONE: 0, EVENT_CONNECT: 1, EVENT_DISCONNECT: 2, EVENT_RECEIVE: 3,
    });
  });

  it('CompressionMode has Godot numbers', () => {
    expect(ENetConnection.CompressionMode).toBe(CompressionMode);
    expect(members(CompressionMode)).toEqual({
      COMPRESS_NONE: 0, COMPRESS_RANGE_CODER: 1, COMPRESS_FASTLZ: 2, COMPRESS_ZLIB: 3, COMPRESS_ZSTD: 4,
    });
  });

  it('HostStatistic has Godot numbers', () => {
    expect(ENetConnection.HostStatistic).toBe(HostStatistic);
    expect(members(HostStatistic)).toEqual({
      HOST_TOTAL_SENT_DATA: 0, HOST_TOTAL_SENT_PACKETS: 1, HOST_TOTAL_RECEIVED_DATA: 2, HOST_TOTAL_RECEIVED_PACKETS: 3,
    });
  });
});

describe('ENetConnection host lifetime', () => {
  it('createHostBound binds the address and port; maxChannels sets getMaxChannels', () => {
    const connection = host();
    connection.createHostBound('127.0.0.1', 0, 8, 12);
    expect(connection.getLocalPort()).toBeGreaterThan(0);
    expect(connection.getLocalPort()).toBeLessThanOrEqual(65535);
    expect(connection.getMaxChannels()).toBe(12);
  });

  it('createHostBound accepts the wildcard "*"', () => {
    const connection = host();
    connection.createHostBound('*', 0);
    expect(connection.getLocalPort()).toBeGreaterThan(0);
    expect(connection.getMaxChannels()).toBe(255);
  });

  it('createHost binds an ephemeral port at once and takes maxPeers and maxChannels', () => {
    const connection = host();
    connection.createHost(2, 3);
    expect(connection.getLocalPort()).toBeGreaterThan(0);
    expect(connection.getMaxChannels()).toBe(3);
    const target = server();
    expect(connection.connectToHost('127.0.0.1', target.getLocalPort())).not.toBeNull();
    expect(connection.connectToHost('127.0.0.1', target.getLocalPort())).not.toBeNull();
    expect(connection.connectToHost('127.0.0.1', target.getLocalPort())).toBeNull(); // maxPeers 2
  });

  it('maxPeers caps incoming connections: a server with 1 slot never reports a second client', () => {
    const srv = server(1);
    const serverEvents = new Recorder(srv);
    const first = host();
    first.createHost(1);
    const second = host();
    second.createHost(1);
    const firstEvents = new Recorder(first);
    const secondEvents = new Recorder(second);
    first.connectToHost('127.0.0.1', srv.getLocalPort());
    pumpUntil([serverEvents, firstEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1);
    const secondPeer = second.connectToHost('127.0.0.1', srv.getLocalPort())!;
    pumpFor([serverEvents, firstEvents, secondEvents], 300);
    expect(serverEvents.of(EventType.EVENT_CONNECT)).toHaveLength(1);
    expect(secondEvents.of(EventType.EVENT_CONNECT)).toEqual([]);
    expect(secondPeer.getState()).toBe(PeerState.STATE_CONNECTING);
  });

  it('createHostBound inBandwidth is advertised: a client sending faster gets its throttle limit lowered', () => {
    const srv = host();
    srv.createHostBound('127.0.0.1', 0, 32, 0, 2000, 0);
    const client = host();
    client.createHost(1, 0, 0, 1_000_000);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    const recorders = [new Recorder(srv), new Recorder(client)];
    pumpUntil(recorders, () => peer.getState() === PeerState.STATE_CONNECTED);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_LIMIT)).toBe(32);
    pumpUntil(recorders, () => {
      peer.send(0, new Uint8Array(500), 0);
      return peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_LIMIT) < 32;
    }, 3000);
  });

  it('destroy makes every peer inactive, empties getPeers, and the host can be created again', () => {
    const pair = connectedPair();
    pair.server.destroy();
    expect(pair.serverPeer.isActive()).toBe(false);
    expect(pair.serverPeer.getState()).toBe(PeerState.STATE_DISCONNECTED);
    expect(pair.server.getPeers()).toEqual([]);
    expect(pair.server.getLocalPort()).toBe(0);
    expect(() => pair.server.destroy()).not.toThrow();
    pair.server.createHostBound('127.0.0.1', 0);
    expect(pair.server.getLocalPort()).toBeGreaterThan(0);
    expect(pair.server.getPeers()).toEqual([]);
  });
});

describe('ENetConnection connecting', () => {
  it('connectToHost returns a CONNECTING peer with the requested channels (0 or less and above 255: 255)', () => {
    const target = server();
    const client = host();
    client.createHost(8);
    const port = target.getLocalPort();
    const cases: [number, number][] = [[3, 3], [1, 1], [255, 255], [0, 255], [-5, 255], [300, 255]];
    for (const [asked, expected] of cases) {
      const peer = client.connectToHost('127.0.0.1', port, asked)!;
      expect(peer.getState()).toBe(PeerState.STATE_CONNECTING);
      expect(peer.getChannels(), `channels ${asked}`).toBe(expected);
      expect(peer.getRemoteAddress()).toBe('127.0.0.1');
      expect(peer.getRemotePort()).toBe(port);
    }
  });

  it('connectToHost default channels and data: 255 channels, data 0', () => {
    const srv = server();
    const serverEvents = new Recorder(srv);
    const client = host();
    client.createHost(1);
    const clientEvents = new Recorder(client);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1);
    const [connect] = serverEvents.of(EventType.EVENT_CONNECT);
    expect(connect.data).toBe(0);
    expect(connect.peer!.getChannels()).toBe(255);
    expect(peer.getChannels()).toBe(255);
  });

  it("connectToHostAsync('localhost', …) connects to a server on 127.0.0.1", async () => {
    const srv = server();
    const serverEvents = new Recorder(srv);
    const client = host();
    client.createHost(1);
    const clientEvents = new Recorder(client);
    const peer = await client.connectToHostAsync('localhost', srv.getLocalPort(), 2, 5);
    expect(peer).toBeInstanceOf(ENetPacketPeer);
    expect(peer!.getState()).toBe(PeerState.STATE_CONNECTING);
    expect(peer!.getRemoteAddress()).toBe('127.0.0.1');
    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1
      && peer!.getState() === PeerState.STATE_CONNECTED);
    const [connect] = serverEvents.of(EventType.EVENT_CONNECT);
    expect(connect.data).toBe(5);
    expect(connect.peer!.getChannels()).toBe(2);
    expect(connect.peer!.getRemotePort()).toBe(client.getLocalPort());
  });

  it('connectToHostAsync with an IPv4 literal connects too', async () => {
    const srv = server();
    const client = host();
    client.createHost(1);
    const peer = await client.connectToHostAsync('127.0.0.1', srv.getLocalPort());
    expect(peer).not.toBeNull();
    const recorders = [new Recorder(srv), new Recorder(client)];
    pumpUntil(recorders, () => peer!.getState() === PeerState.STATE_CONNECTED);
  });
});

describe('ENetConnection service and flush', () => {
  it('service returns one event per call and, with a timeout, returns as soon as an event is ready', () => {
    const srv = server();
    const client = host();
    client.createHost(1);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    expect(client.service(0).type).toBe(EventType.EVENT_NONE); // sends CONNECT
    srv.service(50); // answers with VERIFY_CONNECT
    let started = performance.now();
    const clientEvent = client.service(2000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(clientEvent).toEqual({ type: EventType.EVENT_CONNECT, peer, data: 0, channel: 0 });
    client.flush(); // ENet returns the CONNECT before sending its acknowledgement (as in Godot's test)
    started = performance.now();
    const serverEvent = srv.service(2000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(serverEvent.type).toBe(EventType.EVENT_CONNECT);

    // Three packets: three RECEIVE events, one per service() call, in order.
    for (const byte of [1, 2, 3]) peer.send(0, new Uint8Array([byte]), FLAG_RELIABLE);
    client.flush();
    const received: number[] = [];
    const deadline = Date.now() + 2000;
    while (received.length < 3 && Date.now() < deadline) {
      const event = srv.service(10);
      if (event.type === EventType.EVENT_RECEIVE) received.push(event.peer!.getPacket()![0]);
    }
    expect(received).toEqual([1, 2, 3]);
    expect(srv.service(0).type).toBe(EventType.EVENT_NONE);
  });

  it('flush sends queued packets without servicing; without it nothing leaves', () => {
    const pair = connectedPair();
    pumpFor([pair.serverEvents, pair.clientEvents], 30);
    expect(pair.clientPeer.send(1, new Uint8Array([42]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpFor([pair.serverEvents], 150); // only the server runs: the packet stays queued on the client
    expect(pair.serverEvents.of(EventType.EVENT_RECEIVE)).toEqual([]);
    pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS);
    pair.client.flush();
    expect(pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS)).toBeGreaterThanOrEqual(1);
    pumpUntil([pair.serverEvents], () => pair.serverEvents.of(EventType.EVENT_RECEIVE).length === 1, 2000);
    expect(pair.serverEvents.of(EventType.EVENT_RECEIVE)[0].channel).toBe(1);
    expect(pair.serverPeer.getPacket()).toEqual(Buffer.from([42]));
  });
});

describe('ENetConnection bandwidth and channels', () => {
  it('bandwidthLimit(0, out) throttles this host: its peer\'s throttle limit drops when it sends more than out', () => {
    const pair = connectedPair();
    const recorders = [pair.serverEvents, pair.clientEvents];
    expect(pair.serverPeer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_LIMIT)).toBe(32);
    pair.server.bandwidthLimit(0, 1000);
    for (let i = 0; i < 20; i++) pair.serverPeer.send(0, new Uint8Array(1000), FLAG_RELIABLE);
    pumpUntil(recorders, () => pair.serverPeer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_LIMIT) < 32, 2500);
    expect(pair.serverPeer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE)).toBeLessThan(32);
  });

  it('bandwidthLimit(in, 0) is sent to peers (BANDWIDTH_LIMIT): the remote lowers its throttle limit', () => {
    const srv = server();
    const client = host();
    client.createHost(1, 0, 0, 1_000_000);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    const recorders = [new Recorder(srv), new Recorder(client)];
    pumpUntil(recorders, () => recorders[0].of(EventType.EVENT_CONNECT).length === 1
      && peer.getState() === PeerState.STATE_CONNECTED);
    srv.bandwidthLimit(2000, 0);
    pumpUntil(recorders, () => {
      peer.send(0, new Uint8Array(500), 0);
      return peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_LIMIT) < 32;
    }, 3500);
  });

  it('bandwidthLimit() with no arguments means unlimited and is accepted', () => {
    const connection = server();
    expect(() => connection.bandwidthLimit()).not.toThrow();
    expect(() => connection.bandwidthLimit(0, 0)).not.toThrow();
  });

  it('channelLimit only caps future incoming connections: a client asking for 255 channels gets 16', () => {
    const srv = server();
    const serverEvents = new Recorder(srv);
    const early = host();
    early.createHost(1);
    const earlyEvents = new Recorder(early);
    const earlyPeer = early.connectToHost('127.0.0.1', srv.getLocalPort(), 255)!;
    pumpUntil([serverEvents, earlyEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1
      && earlyPeer.getState() === PeerState.STATE_CONNECTED);

    srv.channelLimit(16);
    expect(srv.getMaxChannels()).toBe(16);
    const late = host();
    late.createHost(1);
    const lateEvents = new Recorder(late);
    const latePeer = late.connectToHost('127.0.0.1', srv.getLocalPort(), 255)!;
    expect(latePeer.getChannels()).toBe(255);
    pumpUntil([serverEvents, earlyEvents, lateEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 2
      && latePeer.getState() === PeerState.STATE_CONNECTED);

    const [earlyOnServer, lateOnServer] = serverEvents.of(EventType.EVENT_CONNECT).map((event) => event.peer!);
    expect(lateOnServer.getChannels()).toBe(16);
    expect(latePeer.getChannels()).toBe(16);
    expect(earlyOnServer.getChannels()).toBe(255);
    expect(earlyPeer.getChannels()).toBe(255);
    expect(latePeer.send(15, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    expect(latePeer.send(16, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.FAILED);
  });

  it('broadcast queues one packet to every connected client (3 clients)', () => {
    const srv = server();
    const serverEvents = new Recorder(srv);
    const clients = [0, 1, 2].map(() => {
      const client = host();
      client.createHost(1);
      const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
      return { recorder: new Recorder(client), peer };
    });
    const recorders = [serverEvents, ...clients.map((client) => client.recorder)];
    pumpUntil(recorders, () => serverEvents.of(EventType.EVENT_CONNECT).length === 3
      && clients.every((client) => client.peer.getState() === PeerState.STATE_CONNECTED));

    const payload = pattern(300, 7);
    expect(srv.broadcast(2, payload, FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil(recorders, () => clients.every((client) => client.recorder.of(EventType.EVENT_RECEIVE).length === 1));
    for (const client of clients) {
      expect(client.recorder.of(EventType.EVENT_RECEIVE)[0]).toMatchObject({ peer: client.peer, channel: 2 });
      expect(client.peer.getPacketFlags()).toBe(FLAG_RELIABLE);
      expect(client.peer.getPacket()).toEqual(Buffer.from(payload));
    }
  });

  it('broadcast skips peers with too few channels and rejects a channel at or above getMaxChannels()', () => {
    const srv = server();
    const serverEvents = new Recorder(srv);
    const narrow = host();
    narrow.createHost(1);
    const wide = host();
    wide.createHost(1);
    const narrowPeer = narrow.connectToHost('127.0.0.1', srv.getLocalPort(), 2)!;
    const widePeer = wide.connectToHost('127.0.0.1', srv.getLocalPort(), 8)!;
    const recorders = [serverEvents, new Recorder(narrow), new Recorder(wide)];
    pumpUntil(recorders, () => narrowPeer.getState() === PeerState.STATE_CONNECTED
      && widePeer.getState() === PeerState.STATE_CONNECTED && serverEvents.of(EventType.EVENT_CONNECT).length === 2);

    expect(srv.broadcast(5, new Uint8Array([5]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil(recorders, () => recorders[2].of(EventType.EVENT_RECEIVE).length === 1);
    pumpFor(recorders, 50);
    expect(recorders[1].of(EventType.EVENT_RECEIVE)).toEqual([]);
    expect(widePeer.getPacket()).toEqual(Buffer.from([5]));

    expect(srv.getMaxChannels()).toBe(255);
    expect(srv.broadcast(255, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    srv.channelLimit(4);
    expect(srv.broadcast(4, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    expect(srv.broadcast(3, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
  });

  it('broadcast with no connected peer is OK and sends nothing', () => {
    const connection = server();
    expect(connection.broadcast(0, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    connection.service(0);
    expect(connection.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS)).toBe(0);
  });
});

describe('ENetConnection compression', () => {
  it('RANGE_CODER then back to NONE on both sides: packets still arrive, and NONE sends them uncompressed', () => {
    const pair = connectedPair();
    const recorders = [pair.serverEvents, pair.clientEvents];
    const payload = new Uint8Array(1024).map((_, i) => i % 256);

    pair.server.compress(CompressionMode.COMPRESS_RANGE_CODER);
    pair.client.compress(CompressionMode.COMPRESS_RANGE_CODER);
    pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
    pair.clientPeer.putPacket(payload);
    pair.client.flush();
    expect(pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA)).toBeLessThan(1024);
    pumpUntil(recorders, () => pair.serverPeer.getAvailablePacketCount() === 1);
    expect(pair.serverPeer.getPacket()).toEqual(Buffer.from(payload));

    pair.server.compress(CompressionMode.COMPRESS_NONE);
    pair.client.compress(CompressionMode.COMPRESS_NONE);
    pumpFor(recorders, 20);
    pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
    pair.clientPeer.putPacket(payload);
    pair.client.flush();
    expect(pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA)).toBeGreaterThan(1024);
    pumpUntil(recorders, () => pair.serverPeer.getAvailablePacketCount() === 1);
    expect(pair.serverPeer.getPacket()).toEqual(Buffer.from(payload));
  });
});

describe('ENetConnection statistics, peers and raw datagrams', () => {
  it('popStatistic: every host counter is > 0 after a real exchange, then 0', () => {
    const pair = connectedPair();
    pumpFor([pair.serverEvents, pair.clientEvents], 20);
    popAll(pair.client);
    popAll(pair.server);
    expect(pair.clientPeer.send(0, pattern(1000), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    expect(pair.serverPeer.send(0, pattern(1000), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverPeer.getAvailablePacketCount() === 1
      && pair.clientPeer.getAvailablePacketCount() === 1);
    for (const connection of [pair.client, pair.server]) {
      const [sentData, sentPackets, receivedData, receivedPackets] = popAll(connection);
      expect(sentData).toBeGreaterThanOrEqual(1000);
      expect(sentPackets).toBeGreaterThan(0);
      expect(receivedData).toBeGreaterThanOrEqual(1000);
      expect(receivedPackets).toBeGreaterThan(0);
      expect(popAll(connection)).toEqual([0, 0, 0, 0]);
    }
  });

  it('getPeers lists peers in the order they appeared: outgoing at connect, incoming at CONNECT', () => {
    const servers = [server(), server(), server()];
    const client = host();
    client.createHost(3);
    const outgoing = servers.map((srv) => client.connectToHost('127.0.0.1', srv.getLocalPort())!);
    expect(client.getPeers()).toEqual(outgoing);
    expect(client.getPeers()).not.toBe(client.getPeers()); // a copy

    const hub = server();
    const hubEvents = new Recorder(hub);
    const recorders = [hubEvents, new Recorder(client), ...servers.map((srv) => new Recorder(srv))];
    expect(hub.getPeers()).toEqual([]);
    const spokes = [0, 1, 2].map((index) => {
      const spoke = host();
      spoke.createHost(1);
      spoke.connectToHost('127.0.0.1', hub.getLocalPort(), 0, index);
      const recorder = new Recorder(spoke);
      recorders.push(recorder);
      // One at a time, so the CONNECT order is known.
      pumpUntil(recorders, () => hubEvents.of(EventType.EVENT_CONNECT).length === index + 1);
      return recorder;
    });
    expect(spokes).toHaveLength(3);
    const incoming = hubEvents.of(EventType.EVENT_CONNECT).map((event) => event.peer!);
    expect(hubEvents.of(EventType.EVENT_CONNECT).map((event) => event.data)).toEqual([0, 1, 2]);
    expect(hub.getPeers()).toEqual(incoming);

    // The middle one leaves: the others keep their order.
    incoming[1].peerDisconnectNow(0);
    expect(hub.getPeers()).toEqual([incoming[0], incoming[2]]);
    expect(client.getPeers()).toEqual(outgoing);
  });

  it('socketSend sends one raw datagram from the host socket to a node:dgram socket on 127.0.0.1', async () => {
    const socket = createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => resolve());
      });
      const received = new Promise<[Buffer, RemoteInfo]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no datagram within 2 s')), 2000);
        socket.once('message', (message, remote) => {
          clearTimeout(timer);
          resolve([message, remote]);
        });
      });
      const connection = server();
      const payload = Buffer.from('hole punch \u0000\u00ff', 'latin1');
      connection.socketSend('127.0.0.1', socket.address().port, payload);
      const [message, remote] = await received;
      expect(message).toEqual(payload);
      expect(remote.address).toBe('127.0.0.1');
      expect(remote.port).toBe(connection.getLocalPort());

      const second = new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no datagram within 2 s')), 2000);
        socket.once('message', (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
      });
      connection.socketSend('localhost', socket.address().port, new Uint8Array([1, 2, 3]));
      expect(await second).toEqual(Buffer.from([1, 2, 3]));
      expect(connection.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS)).toBe(0); // outside ENet
    } finally {
      socket.close();
    }
  });

  it('refuseNewConnections(false) on a host that never refused changes nothing', () => {
    const srv = server();
    srv.refuseNewConnections(false);
    const client = host();
    client.createHost(1);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    const recorders = [new Recorder(srv), new Recorder(client)];
    pumpUntil(recorders, () => recorders[0].of(EventType.EVENT_CONNECT).length === 1
      && peer.getState() === PeerState.STATE_CONNECTED);
  });
});
