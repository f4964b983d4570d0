// Spec §6: Godot's own (PR-branch) ENet tests ported to TypeScript with the corrections noted in
// the spec's third column, plus the "more acceptance tests" that concern ENetConnection and
// ENetPacketPeer. Multiplayer, DTLS and the FASTLZ/ZLIB/ZSTD interop cases belong to other issues.
import { describe, expect, it } from 'vitest';
import {
  CompressionMode,
  ENetConnection,
  ENetEvent,
  ENetPacketPeer,
  ErrorCode,
  EventType,
  HostStatistic,
  PeerState,
  PeerStatistic,
} from '../lib/index';
import { connectedPair, expectENetError, host, pattern, pumpFor, pumpUntil, Recorder, server } from './helpers';

const { FLAG_RELIABLE, FLAG_UNSEQUENCED, FLAG_UNRELIABLE_FRAGMENT } = ENetPacketPeer;

function popAll(connection: ENetConnection): number[] {
  return [
    HostStatistic.HOST_TOTAL_SENT_DATA,
    HostStatistic.HOST_TOTAL_SENT_PACKETS,
    HostStatistic.HOST_TOTAL_RECEIVED_DATA,
    HostStatistic.HOST_TOTAL_RECEIVED_PACKETS,
  ].map((statistic) => connection.popStatistic(statistic));
}

describe('§6 ported: [ENetConnection]', () => {
  it('Host creation and destruction: 255 channels by default, an ephemeral port at once, inactive after destroy', () => {
    const connection = host();
    connection.createHost();
    expect(connection.getMaxChannels()).toBe(255);
    // Deviation: createHost() binds an ephemeral port immediately.
    expect(connection.getLocalPort()).toBeGreaterThan(0);
    connection.destroy();
    expect(connection.getMaxChannels()).toBe(0);
    expect(connection.getLocalPort()).toBe(0);
    expect(connection.service()).toEqual({ type: EventType.EVENT_ERROR, peer: null, data: 0, channel: 0 });
    // Deviation: destroy() on an inactive host is a no-op.
    expect(() => connection.destroy()).not.toThrow();
    expect(connection.getMaxChannels()).toBe(0);
  });

  it('Bound host creation: get_local_port() is the port asked for (an ephemeral one, re-bound)', () => {
    const probe = host();
    probe.createHostBound('127.0.0.1', 0);
    const port = probe.getLocalPort();
    expect(port).toBeGreaterThan(0);
    probe.destroy();

    const connection = host();
    connection.createHostBound('127.0.0.1', port);
    expect(connection.getLocalPort()).toBe(port);
  });

  it('Channel limiting: 16 gives 16; 0 and 300 give 255', () => {
    const connection = host();
    connection.createHost();
    connection.channelLimit(16);
    expect(connection.getMaxChannels()).toBe(16);
    connection.channelLimit(0);
    expect(connection.getMaxChannels()).toBe(255);
    connection.channelLimit(16);
    connection.channelLimit(300);
    expect(connection.getMaxChannels()).toBe(255);
  });

  it('Statistics: a fresh host pops 0, and a second pop right after is 0 too', () => {
    const connection = host();
    connection.createHostBound('127.0.0.1', 0);
    expect(connection.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA)).toBe(0);
    expect(connection.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA)).toBe(0);
    expect(popAll(connection)).toEqual([0, 0, 0, 0]);
    expect(popAll(connection)).toEqual([0, 0, 0, 0]);
  });

  it('Statistics after a real exchange: the first pop is > 0, the second is 0 (reset semantics)', () => {
    const pair = connectedPair();
    expect(pair.clientPeer.putPacket(pattern(200))).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverPeer.getAvailablePacketCount() === 1);
    const clientStats = popAll(pair.client);
    const serverStats = popAll(pair.server);
    for (const value of [...clientStats, ...serverStats]) expect(value).toBeGreaterThan(0);
    expect(pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA)).toBe(0);
    expect(pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA)).toBe(0);
  });

  it('Service operations: service(10) on an idle bound host is exactly EVENT_NONE [0, null, 0, 0]', () => {
    const connection = host();
    connection.createHostBound('127.0.0.1', 0);
    const started = performance.now();
    expect(connection.service(10)).toEqual({ type: EventType.EVENT_NONE, peer: null, data: 0, channel: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(5);
  });

  it('Error handling: create_host_bound(<invalid IP>, -1) is ERR_INVALID_PARAMETER (31)', () => {
    const connection = host();
    const error = expectENetError(() => connection.createHostBound('300.1.2.3', -1), 'ERR_INVALID_PARAMETER');
    expect(error.errno).toBe(31);
    expect(connection.getLocalPort()).toBe(0);
  });
});

describe('§6 ported: [ENet] Connection Events (closed PR)', () => {
  it('server (32 peers, 1 channel) and client (1, 1) both see EVENT_CONNECT within 5 service rounds', () => {
    const srv = host();
    srv.createHostBound('127.0.0.1', 0, 32, 1);
    const client = host();
    client.createHost(1, 1);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort(), 1, 0);
    expect(peer).not.toBeNull();

    let clientConnected: ENetEvent | null = null;
    let serverConnected: ENetEvent | null = null;
    for (let round = 0; round < 5 && !(clientConnected && serverConnected); round++) {
      const clientEvent = client.service(100);
      if (clientEvent.type === EventType.EVENT_CONNECT) {
        clientConnected = clientEvent;
        client.flush();
      }
      const serverEvent = srv.service(100);
      if (serverEvent.type === EventType.EVENT_CONNECT) serverConnected = serverEvent;
    }
    expect(clientConnected).toMatchObject({ type: EventType.EVENT_CONNECT, peer, data: 0, channel: 0 });
    expect(serverConnected).toMatchObject({ type: EventType.EVENT_CONNECT, data: 0, channel: 0 });
    expect(serverConnected!.peer!.getChannels()).toBe(1);
  });
});

describe('§6 ported: [ENetPacketPeer]', () => {
  it('Basic peer properties: active, CONNECTING, 16 MiB max packet, no packets, 1 channel, the remote port', () => {
    const silent = server(); // bound but never serviced: nobody answers
    const client = host();
    client.createHost();
    const peer = client.connectToHost('127.0.0.1', silent.getLocalPort(), 1)!;
    expect(peer).toBeInstanceOf(ENetPacketPeer);
    expect(peer.isActive()).toBe(true);
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTING);
    expect(peer.getMaxPacketSize()).toBe(16_777_216);
    expect(peer.getAvailablePacketCount()).toBe(0);
    expect(peer.getChannels()).toBe(1);
    expect(peer.getRemotePort()).toBe(silent.getLocalPort());
    expect(peer.getRemoteAddress()).toBe('127.0.0.1');
  });

  it('Packet operations: put_packet is FAILED while CONNECTING and OK once connected; empty get_packet is null', () => {
    const silent = server();
    const client = host();
    client.createHost();
    const connecting = client.connectToHost('127.0.0.1', silent.getLocalPort(), 1)!;
    expect(connecting.putPacket(new Uint8Array([1, 2, 3]))).toBe(ErrorCode.FAILED);
    expect(connecting.getPacket()).toBeNull(); // deviation: Godot returns ERR_UNAVAILABLE

    const pair = connectedPair();
    expect(pair.clientPeer.putPacket(new Uint8Array([1, 2, 3]))).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverEvents.of(EventType.EVENT_RECEIVE).length === 1);
    expect(pair.serverEvents.of(EventType.EVENT_RECEIVE)[0].channel).toBe(0);
    expect(pair.serverPeer.getPacketFlags()).toBe(FLAG_RELIABLE);
    expect(pair.serverPeer.getPacket()).toEqual(Buffer.from([1, 2, 3]));
    expect(pair.serverPeer.getPacket()).toBeNull();
  });

  it('Statistics: initial round-trip time 500 and packet loss 0', () => {
    const silent = server();
    const client = host();
    client.createHost();
    const peer = client.connectToHost('127.0.0.1', silent.getLocalPort(), 1)!;
    expect(peer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME)).toBe(500);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_LOSS)).toBe(0);
  });

  it('Control operations: ping/throttle OK, set_timeout(5000, 1000, 3000) breaks the ordering rule, inactive after disconnect_now', () => {
    const pair = connectedPair();
    const peer = pair.clientPeer;
    expect(peer.ping()).toBe(ErrorCode.OK);
    expect(peer.throttleConfigure(32, 2, 4)).toBe(ErrorCode.OK);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL)).toBe(32);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION)).toBe(4);
    expectENetError(() => peer.setTimeout(5000, 1000, 3000), 'ERR_INVALID_PARAMETER');
    expect(peer.setTimeout(1000, 3000, 5000)).toBe(ErrorCode.OK);
    expect(peer.peerDisconnectNow(0)).toBe(ErrorCode.OK);
    expect(peer.isActive()).toBe(false);
    expect(peer.getState()).toBe(PeerState.STATE_DISCONNECTED);
    expect(pair.client.getPeers()).toEqual([]);
  });
});

describe('§6 ported: [ENet Integration]', () => {
  it('Basic client-server setup: CONNECT with data 42 on the server and 0 on the client', () => {
    const srv = server();
    expect(srv.getLocalPort()).toBeGreaterThan(0);
    const client = host();
    client.createHost();
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort(), 1, 42)!;
    expect(peer).not.toBeNull();
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTING);
    const serverEvents = new Recorder(srv);
    const clientEvents = new Recorder(client);
    for (let round = 0; round < 50; round++) {
      serverEvents.drain(10);
      clientEvents.drain(10);
      if (serverEvents.of(EventType.EVENT_CONNECT).length && clientEvents.of(EventType.EVENT_CONNECT).length) break;
    }
    expect(serverEvents.of(EventType.EVENT_CONNECT)).toHaveLength(1);
    expect(serverEvents.of(EventType.EVENT_CONNECT)[0]).toMatchObject({ data: 42, channel: 0 });
    expect(clientEvents.of(EventType.EVENT_CONNECT)).toEqual([
      { type: EventType.EVENT_CONNECT, peer, data: 0, channel: 0 },
    ]);
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTED);
  });

  it('Multiple clients: 3 server CONNECT events carrying data 0, 1, 2 and get_peers().length === 3', () => {
    const srv = server(10);
    const serverEvents = new Recorder(srv);
    const clients = [0, 1, 2].map((data) => {
      const client = host();
      client.createHost();
      expect(client.connectToHost('127.0.0.1', srv.getLocalPort(), 0, data)).not.toBeNull();
      return new Recorder(client);
    });
    pumpUntil([serverEvents, ...clients], () => serverEvents.of(EventType.EVENT_CONNECT).length === 3
      && clients.every((client) => client.of(EventType.EVENT_CONNECT).length === 1));
    const connects = serverEvents.of(EventType.EVENT_CONNECT);
    expect(connects.map((event) => event.data).sort()).toEqual([0, 1, 2]);
    expect(srv.getPeers()).toHaveLength(3);
    expect(srv.getPeers()).toEqual(connects.map((event) => event.peer));
    const clientPorts = clients.map((client) => client.host.getLocalPort()).sort();
    expect(srv.getPeers().map((peer) => peer.getRemotePort()).sort()).toEqual(clientPorts);
  });

  it('Compression (FASTLZ on both sides): 1024 bytes arrive identical, compressed on the wire', () => {
    const srv = server();
    srv.compress(CompressionMode.COMPRESS_FASTLZ);
    const client = host();
    client.createHost(1);
    client.compress(CompressionMode.COMPRESS_FASTLZ);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    const serverEvents = new Recorder(srv);
    const clientEvents = new Recorder(client);
    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1
      && clientEvents.of(EventType.EVENT_CONNECT).length === 1);

    const payload = new Uint8Array(1024).map((_, i) => i % 256);
    client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
    expect(peer.putPacket(payload)).toBe(ErrorCode.OK);
    client.flush();
    const sent = client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(1024); // the datagram carrying 1024 payload bytes shrank

    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_RECEIVE).length === 1);
    const serverPeer = serverEvents.of(EventType.EVENT_CONNECT)[0].peer!;
    expect(serverPeer.getPacket()).toEqual(Buffer.from(payload));
  });

  it('Compression: every mode can be set, and again at any time, on an active host', () => {
    const connection = server();
    for (const mode of [CompressionMode.COMPRESS_FASTLZ, CompressionMode.COMPRESS_ZLIB, CompressionMode.COMPRESS_ZSTD,
      CompressionMode.COMPRESS_RANGE_CODER, CompressionMode.COMPRESS_ZSTD, CompressionMode.COMPRESS_NONE]) {
      expect(() => connection.compress(mode)).not.toThrow();
    }
  });

  it('Statistics: packets put while connecting fail and never arrive; counters are > 0 after the exchange', () => {
    const srv = server();
    const client = host();
    client.createHost(1);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    for (let i = 0; i < 5; i++) expect(peer.putPacket(new Uint8Array([i]))).toBe(ErrorCode.FAILED);
    const serverEvents = new Recorder(srv);
    const clientEvents = new Recorder(client);
    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1
      && clientEvents.of(EventType.EVENT_CONNECT).length === 1);
    pumpFor([serverEvents, clientEvents], 100);
    expect(serverEvents.of(EventType.EVENT_RECEIVE)).toEqual([]);
    expect(srv.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA)).toBeGreaterThan(0);
    expect(client.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA)).toBeGreaterThan(0);
    expect(srv.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA)).toBe(0);
    expect(client.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA)).toBe(0);
  });
});

describe('§6 more acceptance tests', () => {
  it('service() shape for each event type: NONE, CONNECT, RECEIVE, DISCONNECT and ERROR', () => {
    const srv = server();
    const serverEvents = new Recorder(srv);
    expect(srv.service(0)).toEqual({ type: EventType.EVENT_NONE, peer: null, data: 0, channel: 0 });

    const client = host();
    client.createHost(1);
    const clientEvents = new Recorder(client);
    const clientPeer = client.connectToHost('127.0.0.1', srv.getLocalPort(), 4, 77)!;
    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1
      && clientEvents.of(EventType.EVENT_CONNECT).length === 1);
    const [serverConnect] = serverEvents.of(EventType.EVENT_CONNECT);
    const serverPeer = serverConnect.peer!;
    expect(serverPeer).toBeInstanceOf(ENetPacketPeer);
    expect(serverConnect).toEqual({ type: EventType.EVENT_CONNECT, peer: serverPeer, data: 77, channel: 0 });
    expect(clientEvents.of(EventType.EVENT_CONNECT)[0]).toEqual(
      { type: EventType.EVENT_CONNECT, peer: clientPeer, data: 0, channel: 0 });

    expect(clientPeer.send(3, new Uint8Array([9]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_RECEIVE).length === 1);
    expect(serverEvents.of(EventType.EVENT_RECEIVE)[0]).toEqual(
      { type: EventType.EVENT_RECEIVE, peer: serverPeer, data: 0, channel: 3 });

    expect(clientPeer.peerDisconnect(5)).toBe(ErrorCode.OK);
    pumpUntil([serverEvents, clientEvents], () => serverEvents.of(EventType.EVENT_DISCONNECT).length === 1
      && clientEvents.of(EventType.EVENT_DISCONNECT).length === 1);
    const [serverDisconnect] = serverEvents.of(EventType.EVENT_DISCONNECT);
    expect(serverDisconnect).toEqual({ type: EventType.EVENT_DISCONNECT, peer: serverPeer, data: 5, channel: 0 });
    expect(serverDisconnect.peer!.isActive()).toBe(false); // already inactive when reported
    const [clientDisconnect] = clientEvents.of(EventType.EVENT_DISCONNECT);
    expect(clientDisconnect).toMatchObject({ type: EventType.EVENT_DISCONNECT, peer: clientPeer, channel: 0 });
    expect(clientPeer.isActive()).toBe(false);

    srv.destroy();
    expect(srv.service(0)).toEqual({ type: EventType.EVENT_ERROR, peer: null, data: 0, channel: 0 });
  });

  it('disconnect data is carried through to the remote (any 32-bit value)', () => {
    for (const [sent, received] of [[0xdeadbeef, 0xdeadbeef], [-1, 0xffffffff], [0, 0]]) {
      const pair = connectedPair();
      expect(pair.clientPeer.peerDisconnect(sent)).toBe(ErrorCode.OK);
      pumpUntil([pair.serverEvents, pair.clientEvents],
        () => pair.serverEvents.of(EventType.EVENT_DISCONNECT).length === 1);
      expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toMatchObject(
        { peer: pair.serverPeer, data: received });
    }
  });

  it('a timeout disconnect carries data 0', () => {
    const pair = connectedPair({ data: 1234 });
    pair.client.destroy(); // stops answering
    expect(pair.serverPeer.setTimeout(1, 100, 500)).toBe(ErrorCode.OK);
    expect(pair.serverPeer.send(0, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents], () => pair.serverEvents.of(EventType.EVENT_DISCONNECT).length === 1, 3000);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toEqual(
      { type: EventType.EVENT_DISCONNECT, peer: pair.serverPeer, data: 0, channel: 0 });
    expect(pair.serverPeer.isActive()).toBe(false);
    expect(pair.server.getPeers()).toEqual([]);
  });

  it('destroy() sends nothing: the remote receives no datagram and no DISCONNECT, and only times out', () => {
    const pair = connectedPair();
    pumpFor([pair.serverEvents, pair.clientEvents], 50);
    pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    pair.client.destroy();
    expect(pair.clientPeer.isActive()).toBe(false);
    expect(pair.clientPeer.getState()).toBe(PeerState.STATE_DISCONNECTED);
    expect(pair.client.getPeers()).toEqual([]);

    pumpFor([pair.serverEvents], 300);
    expect(pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS)).toBe(0);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)).toEqual([]);
    expect(pair.serverPeer.getState()).toBe(PeerState.STATE_CONNECTED);

    // It only notices by timeout (short here), with data 0.
    expect(pair.serverPeer.setTimeout(1, 100, 500)).toBe(ErrorCode.OK);
    expect(pair.serverPeer.send(0, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents], () => pair.serverEvents.of(EventType.EVENT_DISCONNECT).length === 1, 3000);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toMatchObject({ peer: pair.serverPeer, data: 0 });
  });

  it('deviation: connectToHost returns null only when every maxPeers slot is taken (several outgoing connections)', () => {
    const serverA = server();
    const serverB = server();
    const client = host();
    client.createHost(2);
    const toA = client.connectToHost('127.0.0.1', serverA.getLocalPort())!;
    const toB = client.connectToHost('127.0.0.1', serverB.getLocalPort())!;
    expect(toA).not.toBeNull();
    expect(toB).not.toBeNull();
    expect(client.connectToHost('127.0.0.1', serverA.getLocalPort())).toBeNull();
    expect(client.getPeers()).toEqual([toA, toB]);

    const events = [new Recorder(serverA), new Recorder(serverB), new Recorder(client)];
    pumpUntil(events, () => events[2].of(EventType.EVENT_CONNECT).length === 2);
    expect(toA.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(toB.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(client.connectToHost('127.0.0.1', serverB.getLocalPort())).toBeNull();

    // A freed slot can be used again.
    expect(toA.reset()).toBe(ErrorCode.OK);
    const again = client.connectToHost('127.0.0.1', serverA.getLocalPort());
    expect(again).not.toBeNull();
    expect(again!.getState()).toBe(PeerState.STATE_CONNECTING);
  });

  it('deviation: a host that already has an incoming peer can still connect out', () => {
    const pair = connectedPair();
    const other = server();
    const otherEvents = new Recorder(other);
    const outgoing = pair.server.connectToHost('127.0.0.1', other.getLocalPort());
    expect(outgoing).not.toBeNull();
    pumpUntil([pair.serverEvents, pair.clientEvents, otherEvents],
      () => otherEvents.of(EventType.EVENT_CONNECT).length === 1 && outgoing!.getState() === PeerState.STATE_CONNECTED);
    expect(pair.server.getPeers()).toEqual([pair.serverPeer, outgoing]);
  });

  it('broadcast flag validation: 4 (NO_ALLOCATE) and 256 are rejected, subsets of 11 are accepted', () => {
    const pair = connectedPair();
    const payload = new Uint8Array([1, 2]);
    expect(pair.server.broadcast(0, payload, 4)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    expect(pair.server.broadcast(0, payload, 256)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    expect(pair.server.broadcast(0, payload, FLAG_RELIABLE | 4)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    pumpFor([pair.serverEvents, pair.clientEvents], 50);
    expect(pair.clientEvents.of(EventType.EVENT_RECEIVE)).toEqual([]);
    expect(pair.server.broadcast(0, payload, FLAG_RELIABLE | FLAG_UNSEQUENCED | FLAG_UNRELIABLE_FRAGMENT))
      .toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.clientEvents.of(EventType.EVENT_RECEIVE).length === 1);
    expect(pair.clientPeer.getPacket()).toEqual(Buffer.from(payload));
  });

  it('get_packet_flags table: reliable 1, unsequenced 2, unreliable sequenced 0, unreliably fragmented 8', () => {
    const pair = connectedPair();
    const cases: [string, number, number, number][] = [
      ['reliable', FLAG_RELIABLE, 10, 1],
      ['reliable, fragmented', FLAG_RELIABLE, 5000, 1],
      ['unsequenced', FLAG_UNSEQUENCED, 10, 2],
      ['unreliable sequenced', 0, 10, 0],
      ['UNRELIABLE_FRAGMENT that fits one datagram', FLAG_UNRELIABLE_FRAGMENT, 10, 0],
      ['UNRELIABLE_FRAGMENT, fragmented', FLAG_UNRELIABLE_FRAGMENT, 3000, 8],
      ['UNSEQUENCED | UNRELIABLE_FRAGMENT, fragmented', FLAG_UNSEQUENCED | FLAG_UNRELIABLE_FRAGMENT, 1393 + 100, 8],
      ['UNSEQUENCED | UNRELIABLE_FRAGMENT, fragmented (large)', FLAG_UNSEQUENCED | FLAG_UNRELIABLE_FRAGMENT, 4000, 8],
    ];
    cases.forEach(([name, flags, size, expected], index) => {
      const payload = pattern(size, index + 1);
      expect(pair.clientPeer.send(index, payload, flags), name).toBe(ErrorCode.OK);
      pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverPeer.getAvailablePacketCount() === 1);
      const [receive] = pair.serverEvents.events.splice(0).filter((event) => event.type === EventType.EVENT_RECEIVE);
      expect(receive.channel, name).toBe(index);
      expect(pair.serverPeer.getPacketFlags(), name).toBe(expected);
      expect(pair.serverPeer.getPacket(), name).toEqual(Buffer.from(payload));
      expect(pair.serverPeer.getPacketFlags(), `${name}: empty queue`).toBe(0);
    });
  });

  it('pingInterval(0) restores the 500 ms default (neither "never" nor "constantly")', () => {
    const pair = connectedPair();
    const recorders = [pair.serverEvents, pair.clientEvents];
    expect(pair.clientPeer.pingInterval(60_000)).toBe(ErrorCode.OK);
    expect(pair.serverPeer.pingInterval(60_000)).toBe(ErrorCode.OK);
    // Let ENet's one-off BANDWIDTH_LIMIT exchange after connecting (1 s throttle tick) pass.
    pumpFor(recorders, 1100);
    popAll(pair.client);
    popAll(pair.server);
    pumpFor(recorders, 400);
    expect(pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS)).toBe(0); // quiet: no pings

    expect(pair.clientPeer.pingInterval(0)).toBe(ErrorCode.OK);
    pumpFor(recorders, 1100);
    const pings = pair.client.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS);
    // Every 500 ms after the last acknowledgement: about 3 in 1.1 s (at 0, ~500, ~1000 ms).
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(pings).toBeLessThanOrEqual(4);
  });

  it('deviation: refuseNewConnections(true) on a plain host hides the new CONNECT and drops the client quickly', () => {
    const srv = server();
    const serverEvents = new Recorder(srv);
    const existing = host();
    existing.createHost(1);
    const existingEvents = new Recorder(existing);
    const existingPeer = existing.connectToHost('127.0.0.1', srv.getLocalPort())!;
    pumpUntil([serverEvents, existingEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1
      && existingPeer.getState() === PeerState.STATE_CONNECTED);

    srv.refuseNewConnections(true);
    const refused = host();
    refused.createHost(1);
    const refusedEvents = new Recorder(refused);
    const refusedPeer = refused.connectToHost('127.0.0.1', srv.getLocalPort())!;
    const started = Date.now();
    pumpUntil([serverEvents, existingEvents, refusedEvents],
      () => refusedEvents.of(EventType.EVENT_DISCONNECT).length === 1, 3000);
    expect(Date.now() - started).toBeLessThan(2000); // far below ENet's 5-30 s timeout
    pumpFor([serverEvents, existingEvents, refusedEvents], 50);
    expect(refusedEvents.of(EventType.EVENT_DISCONNECT)[0].peer).toBe(refusedPeer);
    expect(refusedPeer.isActive()).toBe(false);
    expect(serverEvents.of(EventType.EVENT_CONNECT)).toHaveLength(1);
    expect(serverEvents.events.filter((event) => event.type !== EventType.EVENT_CONNECT)).toEqual([]);
    expect(srv.getPeers()).toEqual([serverEvents.of(EventType.EVENT_CONNECT)[0].peer]);
    // The existing connection is unaffected.
    expect(existingPeer.putPacket(new Uint8Array([7]))).toBe(ErrorCode.OK);
    pumpUntil([serverEvents, existingEvents], () => serverEvents.of(EventType.EVENT_RECEIVE).length === 1);

    // Accepting again.
    srv.refuseNewConnections(false);
    const accepted = host();
    accepted.createHost(1);
    const acceptedEvents = new Recorder(accepted);
    accepted.connectToHost('127.0.0.1', srv.getLocalPort(), 0, 3);
    pumpUntil([serverEvents, acceptedEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 2);
    expect(serverEvents.of(EventType.EVENT_CONNECT)[1].data).toBe(3);
    expect(srv.getPeers()).toHaveLength(2);
  });
});
