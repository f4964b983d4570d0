// ENetPacketPeer: every method, enum and constant, with real sockets on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import {
  ENetPacketPeer,
  ErrorCode,
  EventType,
  HostStatistic,
  PeerState,
  PeerStatistic,
} from '../lib/index';
import { connectedPair, expectENetError, host, members, Pair, pattern, pumpFor, pumpUntil, Recorder, server } from './helpers';

const { FLAG_RELIABLE, FLAG_UNSEQUENCED, FLAG_UNRELIABLE_FRAGMENT } = ENetPacketPeer;

/** A peer on a client host whose server is bound but never serviced: it stays CONNECTING. */
function connectingPeer(channels = 0): ENetPacketPeer {
  const silent = server();
  const client = host();
  client.createHost();
  return client.connectToHost('127.0.0.1', silent.getLocalPort(), channels)!;
}

/** A pair with automatic pings off on both sides and the client's ping clock started. */
function quietPair(): Pair {
  const pair = connectedPair();
  expect(pair.clientPeer.pingInterval(60_000)).toBe(ErrorCode.OK);
  expect(pair.serverPeer.pingInterval(60_000)).toBe(ErrorCode.OK);
  // One acknowledged reliable packet each way sets both sides' last-receive time.
  pair.clientPeer.putPacket(new Uint8Array([0]));
  pair.serverPeer.putPacket(new Uint8Array([0]));
  pumpUntil([pair.serverEvents, pair.clientEvents],
    () => pair.serverPeer.getAvailablePacketCount() === 1 && pair.clientPeer.getAvailablePacketCount() === 1);
  pair.serverPeer.getPacket();
  pair.clientPeer.getPacket();
  pumpFor([pair.serverEvents, pair.clientEvents], 30);
  return pair;
}

/** Services until a DISCONNECT is recorded on `recorder`; returns how long it took. */
function timeUntilDisconnect(recorders: Recorder[], recorder: Recorder, limitMs: number): number {
  const started = Date.now();
  pumpUntil(recorders, () => recorder.of(EventType.EVENT_DISCONNECT).length === 1, limitMs);
  return Date.now() - started;
}

describe('ENetPacketPeer enums and constants', () => {
  it('PeerState has ENet\'s and Godot\'s numbers', () => {
    expect(ENetPacketPeer.PeerState).toBe(PeerState);
    expect(members(PeerState)).toEqual({
      STATE_DISCONNECTED: 0,
      STATE_CONNECTING: 1,
      STATE_ACKNOWLEDGING_CONNECT: 2,
      STATE_CONNECTION_PENDING: 3,
      STATE_CONNECTION_SUCCEEDED: 4,
      STATE_CONNECTED: 5,
      STATE_DISCONNECT_LATER: 6,
      STATE_DISCONNECTING: 7,
      STATE_ACKNOWLEDGING_DISCONNECT: 8,
      STATE_ZOMBIE: 9,
    });
  });

  it('PeerStatistic has Godot\'s numbers', () => {
    expect(ENetPacketPeer.PeerStatistic).toBe(PeerStatistic);
    expect(members(PeerStatistic)).toEqual({
      PEER_PACKET_LOSS: 0,
      PEER_PACKET_LOSS_VARIANCE: 1,
      PEER_PACKET_LOSS_EPOCH: 2,
      PEER_ROUND_TRIP_TIME: 3,
      PEER_ROUND_TRIP_TIME_VARIANCE: 4,
      PEER_LAST_ROUND_TRIP_TIME: 5,
      PEER_LAST_ROUND_TRIP_TIME_VARIANCE: 6,
      PEER_PACKET_THROTTLE: 7,
      PEER_PACKET_THROTTLE_LIMIT: 8,
      PEER_PACKET_THROTTLE_COUNTER: 9,
      PEER_PACKET_THROTTLE_EPOCH: 10,
      PEER_PACKET_THROTTLE_ACCELERATION: 11,
      PEER_PACKET_THROTTLE_DECELERATION: 12,
      PEER_PACKET_THROTTLE_INTERVAL: 13,
    });
  });

  it('FLAG_* and the scales', () => {
    expect(ENetPacketPeer.FLAG_RELIABLE).toBe(1);
    expect(ENetPacketPeer.FLAG_UNSEQUENCED).toBe(2);
    expect(ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT).toBe(8);
    expect(ENetPacketPeer.PACKET_LOSS_SCALE).toBe(65536);
    expect(ENetPacketPeer.PACKET_THROTTLE_SCALE).toBe(32);
  });
});

describe('ENetPacketPeer sending and receiving', () => {
  it('send delivers on the chosen channel; getPacket is FIFO, getAvailablePacketCount counts, getPacketFlags is the front packet\'s', () => {
    const pair = connectedPair({ channels: 4 });
    expect(pair.clientPeer.send(2, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    expect(pair.clientPeer.send(3, new Uint8Array([2]), FLAG_UNSEQUENCED)).toBe(ErrorCode.OK);
    expect(pair.clientPeer.send(0, Buffer.from([3]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverPeer.getAvailablePacketCount() === 3);
    const receives = pair.serverEvents.of(EventType.EVENT_RECEIVE);
    const byChannel = new Map(receives.map((event) => [event.channel, event]));
    expect([...byChannel.keys()].sort()).toEqual([0, 2, 3]);

    // Drain in arrival order, checking flags of the front packet each time.
    const expected = new Map([[1, FLAG_RELIABLE], [2, FLAG_UNSEQUENCED], [3, FLAG_RELIABLE]]);
    const seen: number[] = [];
    while (pair.serverPeer.getAvailablePacketCount() > 0) {
      const count = pair.serverPeer.getAvailablePacketCount();
      const flags = pair.serverPeer.getPacketFlags();
      const packet = pair.serverPeer.getPacket()!;
      expect(Buffer.isBuffer(packet)).toBe(true);
      expect(packet).toHaveLength(1);
      expect(flags).toBe(expected.get(packet[0]));
      expect(pair.serverPeer.getAvailablePacketCount()).toBe(count - 1);
      seen.push(packet[0]);
    }
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect(pair.serverPeer.getPacket()).toBeNull();
    expect(pair.serverPeer.getPacketFlags()).toBe(0);
  });

  it('reliable packets on one channel arrive in order, including a 200 kB fragmented one', () => {
    const pair = connectedPair();
    const payloads = [pattern(10, 1), pattern(200_000, 2), pattern(3000, 3), pattern(0, 4)];
    for (const payload of payloads) expect(pair.clientPeer.send(1, payload, FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverPeer.getAvailablePacketCount() === 4);
    for (const payload of payloads) expect(pair.serverPeer.getPacket()).toEqual(Buffer.from(payload));
  });

  it('send: channel === channel count is FAILED (Godot\'s inner check); a packet over ENet\'s 32 MiB is FAILED', () => {
    const pair = connectedPair({ channels: 2 });
    expect(pair.clientPeer.getChannels()).toBe(2);
    expect(pair.clientPeer.send(1, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    expect(pair.clientPeer.send(2, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.FAILED);
    expect(pair.clientPeer.send(3, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    expect(pair.clientPeer.send(0, new Uint8Array(32 * 1024 * 1024 + 1), FLAG_RELIABLE)).toBe(ErrorCode.FAILED);
  });

  it('send on a CONNECTING peer is FAILED for every flag combination', () => {
    const peer = connectingPeer(2);
    for (const flags of [0, FLAG_RELIABLE, FLAG_UNSEQUENCED, FLAG_UNRELIABLE_FRAGMENT, 11]) {
      expect(peer.send(0, new Uint8Array([1]), flags)).toBe(ErrorCode.FAILED);
    }
  });

  it('putPacket sends reliably on channel 0', () => {
    const pair = connectedPair();
    expect(pair.serverPeer.putPacket(new Uint8Array([4, 5, 6]))).toBe(ErrorCode.OK);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.clientEvents.of(EventType.EVENT_RECEIVE).length === 1);
    expect(pair.clientEvents.of(EventType.EVENT_RECEIVE)[0]).toMatchObject({ peer: pair.clientPeer, channel: 0 });
    expect(pair.clientPeer.getPacketFlags()).toBe(FLAG_RELIABLE);
    expect(pair.clientPeer.getPacket()).toEqual(Buffer.from([4, 5, 6]));
  });

  it('getMaxPacketSize is 16 MiB on connecting, connected and inactive peers', () => {
    const pair = connectedPair();
    expect(connectingPeer().getMaxPacketSize()).toBe(1 << 24);
    expect(pair.clientPeer.getMaxPacketSize()).toBe(16_777_216);
    pair.clientPeer.reset();
    expect(pair.clientPeer.getMaxPacketSize()).toBe(16_777_216);
  });
});

describe('ENetPacketPeer statistics and tuning', () => {
  it('getStatistic initial values: RTT 500, loss 0, throttle 32 / limit 32, interval 5000, acceleration 2, deceleration 2', () => {
    const peer = connectingPeer();
    expect(peer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME)).toBe(500);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_LOSS)).toBe(0);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE)).toBe(32);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_LIMIT)).toBe(32);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL)).toBe(5000);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION)).toBe(2);
    expect(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION)).toBe(2);
    for (const statistic of Object.values(members(PeerStatistic))) {
      const value = peer.getStatistic(statistic);
      expect(Number.isInteger(value) && value >= 0, `statistic ${statistic}`).toBe(true);
    }
  });

  it('getStatistic: the round-trip time is measured (below 500 on localhost) once acknowledgements come back', () => {
    const pair = connectedPair();
    expect(pair.serverPeer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME)).toBeLessThan(500);
    pair.clientPeer.putPacket(new Uint8Array([1]));
    pumpUntil([pair.serverEvents, pair.clientEvents],
      () => pair.clientPeer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME) < 500);
  });

  it('throttleConfigure sets the values here and, through a command, on the remote peer', () => {
    const pair = connectedPair();
    expect(pair.serverPeer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL)).toBe(5000);
    expect(pair.clientPeer.throttleConfigure(1000, 3, 4)).toBe(ErrorCode.OK);
    const values = (peer: ENetPacketPeer) => [
      peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL),
      peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION),
      peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION),
    ];
    expect(values(pair.clientPeer)).toEqual([1000, 3, 4]);
    expect(values(pair.serverPeer)).toEqual([5000, 2, 2]);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => values(pair.serverPeer)[0] === 1000, 2000);
    expect(values(pair.serverPeer)).toEqual([1000, 3, 4]);
  });

  it('setTimeout needs limit <= min <= max: violations throw ERR_INVALID_PARAMETER and change nothing', () => {
    const pair = connectedPair();
    const peer = pair.serverPeer;
    expect(peer.setTimeout(1, 100, 500)).toBe(ErrorCode.OK);
    expectENetError(() => peer.setTimeout(5000, 1000, 3000), 'ERR_INVALID_PARAMETER');
    expectENetError(() => peer.setTimeout(200, 100, 3000), 'ERR_INVALID_PARAMETER');
    expectENetError(() => peer.setTimeout(1, 600, 500), 'ERR_INVALID_PARAMETER');
    expect(peer.setTimeout(100, 100, 100)).toBe(ErrorCode.OK); // equality is allowed
    expect(peer.setTimeout(1, 100, 500)).toBe(ErrorCode.OK);
    expectENetError(() => peer.setTimeout(5000, 1000, 3000), 'ERR_INVALID_PARAMETER');

    // Still (1, 100, 500): the peer times out well before the rejected 3000 ms maximum.
    pair.client.destroy();
    expect(peer.send(0, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    const elapsed = timeUntilDisconnect([pair.serverEvents], pair.serverEvents, 4000);
    expect(elapsed).toBeLessThan(1500);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toMatchObject({ peer, data: 0 });
  });

  it('setTimeout(0, 0, 0) restores the defaults (32, 5000, 30000): no quick timeout any more', () => {
    const pair = connectedPair();
    const peer = pair.serverPeer;
    expect(peer.setTimeout(1, 100, 500)).toBe(ErrorCode.OK);
    expect(peer.setTimeout(0, 0, 0)).toBe(ErrorCode.OK);
    pair.client.destroy();
    expect(peer.send(0, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    pumpFor([pair.serverEvents], 900);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)).toEqual([]);
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTED);
  });

  it('ping queues exactly one PING datagram on a connected peer', () => {
    const pair = quietPair();
    pair.serverEvents.events.length = 0;
    pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    pair.client.flush(); // nothing queued: nothing sent
    pumpFor([pair.serverEvents], 50);
    expect(pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS)).toBe(0);

    expect(pair.clientPeer.ping()).toBe(ErrorCode.OK);
    pair.client.flush();
    let received = 0;
    pumpUntil([pair.serverEvents], () => (received += pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS)) >= 1, 2000);
    pumpFor([pair.serverEvents], 50);
    received += pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    expect(received).toBe(1);
    expect(pair.serverEvents.events).toEqual([]); // a PING is no event
  });

  it('ping on a CONNECTING peer is OK and a no-op', () => {
    const peer = connectingPeer();
    expect(peer.ping()).toBe(ErrorCode.OK);
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTING);
  });

  it('pingInterval sets how often an idle peer pings', () => {
    const pair = quietPair();
    const recorders = [pair.serverEvents, pair.clientEvents];
    pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    expect(pair.clientPeer.pingInterval(20)).toBe(ErrorCode.OK);
    pumpFor(recorders, 300);
    expect(pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS)).toBeGreaterThanOrEqual(6);

    expect(pair.clientPeer.pingInterval(60_000)).toBe(ErrorCode.OK);
    pumpFor(recorders, 50);
    pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    pumpFor(recorders, 300);
    // At most ENet's one-off BANDWIDTH_LIMIT and its acknowledgement.
    expect(pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS)).toBeLessThanOrEqual(2);
  });
});

describe('ENetPacketPeer disconnecting', () => {
  it('peerDisconnect: DISCONNECTING and still active, then DISCONNECT with the data remotely and locally', () => {
    const pair = connectedPair();
    expect(pair.clientPeer.peerDisconnect(9)).toBe(ErrorCode.OK);
    expect(pair.clientPeer.getState()).toBe(PeerState.STATE_DISCONNECTING);
    expect(pair.clientPeer.isActive()).toBe(true);
    expect(pair.client.getPeers()).toEqual([pair.clientPeer]);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverEvents.of(EventType.EVENT_DISCONNECT).length === 1
      && pair.clientEvents.of(EventType.EVENT_DISCONNECT).length === 1);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toMatchObject({ peer: pair.serverPeer, data: 9 });
    expect(pair.clientEvents.of(EventType.EVENT_DISCONNECT)[0].peer).toBe(pair.clientPeer);
    expect(pair.clientPeer.isActive()).toBe(false);
    expect(pair.serverPeer.isActive()).toBe(false);
    expect(pair.client.getPeers()).toEqual([]);
    expect(pair.server.getPeers()).toEqual([]);
    expect(pair.clientPeer.peerDisconnect(9)).toBe(ErrorCode.ERR_UNCONFIGURED);
  });

  it('deviation: peerDisconnect on a never-connected peer makes it inactive at once, with no event', () => {
    const silent = server();
    const client = host();
    client.createHost(1);
    const clientEvents = new Recorder(client);
    const peer = client.connectToHost('127.0.0.1', silent.getLocalPort())!;
    clientEvents.drain(0);
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTING);
    expect(peer.peerDisconnect(1)).toBe(ErrorCode.OK);
    expect(peer.isActive()).toBe(false);
    expect(peer.getState()).toBe(PeerState.STATE_DISCONNECTED);
    expect(client.getPeers()).toEqual([]);
    pumpFor([clientEvents], 100);
    expect(clientEvents.events).toEqual([]);
    // The slot is free again.
    expect(client.connectToHost('127.0.0.1', silent.getLocalPort())).not.toBeNull();
  });

  it('peerDisconnectLater: DISCONNECT_LATER until the queue drains; every packet arrives before the DISCONNECT', () => {
    const pair = connectedPair();
    const payloads = [0, 1, 2, 3, 4].map((seed) => pattern(2000, seed + 1));
    for (const payload of payloads) expect(pair.clientPeer.send(0, payload, FLAG_RELIABLE)).toBe(ErrorCode.OK);
    expect(pair.clientPeer.peerDisconnectLater(77)).toBe(ErrorCode.OK);
    expect(pair.clientPeer.getState()).toBe(PeerState.STATE_DISCONNECT_LATER);
    expect(pair.clientPeer.isActive()).toBe(true);
    expect(pair.clientPeer.send(0, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.FAILED);

    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverEvents.of(EventType.EVENT_DISCONNECT).length === 1
      && pair.clientEvents.of(EventType.EVENT_DISCONNECT).length === 1);
    const types = pair.serverEvents.events.map((event) => event.type);
    expect(types).toEqual([EventType.EVENT_CONNECT, ...payloads.map(() => EventType.EVENT_RECEIVE), EventType.EVENT_DISCONNECT]);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toMatchObject({ peer: pair.serverPeer, data: 77 });
    for (const payload of payloads) expect(pair.serverPeer.getPacket()).toEqual(Buffer.from(payload));
    expect(pair.clientPeer.isActive()).toBe(false);
  });

  it('peerDisconnectNow: inactive at once with no local event; the remote gets DISCONNECT with the data', () => {
    const pair = connectedPair();
    expect(pair.clientPeer.peerDisconnectNow(0xabcd)).toBe(ErrorCode.OK);
    expect(pair.clientPeer.isActive()).toBe(false);
    expect(pair.clientPeer.getState()).toBe(PeerState.STATE_DISCONNECTED);
    expect(pair.client.getPeers()).toEqual([]);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverEvents.of(EventType.EVENT_DISCONNECT).length === 1);
    pumpFor([pair.serverEvents, pair.clientEvents], 100);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toEqual(
      { type: EventType.EVENT_DISCONNECT, peer: pair.serverPeer, data: 0xabcd, channel: 0 });
    expect(pair.clientEvents.events.filter((event) => event.type !== EventType.EVENT_CONNECT)).toEqual([]);
    expect(pair.clientPeer.peerDisconnectNow(0)).toBe(ErrorCode.ERR_UNCONFIGURED);
  });

  it('reset: inactive at once, nothing sent; the remote stays connected until it times out (data 0)', () => {
    const pair = connectedPair();
    pumpFor([pair.serverEvents, pair.clientEvents], 30);
    pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    expect(pair.clientPeer.reset()).toBe(ErrorCode.OK);
    expect(pair.clientPeer.isActive()).toBe(false);
    expect(pair.clientPeer.getState()).toBe(PeerState.STATE_DISCONNECTED);
    expect(pair.client.getPeers()).toEqual([]);
    expect(pair.clientPeer.reset()).toBe(ErrorCode.ERR_UNCONFIGURED);

    pumpFor([pair.serverEvents, pair.clientEvents], 200);
    expect(pair.server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS)).toBe(0);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)).toEqual([]);
    expect(pair.serverPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(pair.clientEvents.events.filter((event) => event.type !== EventType.EVENT_CONNECT)).toEqual([]);

    expect(pair.serverPeer.setTimeout(1, 100, 500)).toBe(ErrorCode.OK);
    expect(pair.serverPeer.send(0, new Uint8Array([1]), FLAG_RELIABLE)).toBe(ErrorCode.OK);
    timeUntilDisconnect([pair.serverEvents, pair.clientEvents], pair.serverEvents, 3000);
    expect(pair.serverEvents.of(EventType.EVENT_DISCONNECT)[0]).toMatchObject({ peer: pair.serverPeer, data: 0 });
  });
});

describe('ENetPacketPeer identity and state', () => {
  it('getRemoteAddress, getRemotePort and getChannels on both sides', () => {
    const pair = connectedPair({ channels: 7 });
    expect(pair.clientPeer.getRemoteAddress()).toBe('127.0.0.1');
    expect(pair.clientPeer.getRemotePort()).toBe(pair.server.getLocalPort());
    expect(pair.serverPeer.getRemoteAddress()).toBe('127.0.0.1');
    expect(pair.serverPeer.getRemotePort()).toBe(pair.client.getLocalPort());
    expect(pair.clientPeer.getChannels()).toBe(7);
    expect(pair.serverPeer.getChannels()).toBe(7);
  });

  it('isActive and getState follow the connection: CONNECTING, CONNECTED, then inactive DISCONNECTED', () => {
    const srv = server();
    const client = host();
    client.createHost(1);
    const peer = client.connectToHost('127.0.0.1', srv.getLocalPort())!;
    expect(peer.isActive()).toBe(true);
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTING);
    const recorders = [new Recorder(srv), new Recorder(client)];
    pumpUntil(recorders, () => recorders[1].of(EventType.EVENT_CONNECT).length === 1);
    expect(peer.isActive()).toBe(true);
    expect(peer.getState()).toBe(PeerState.STATE_CONNECTED);
    pumpUntil(recorders, () => recorders[0].of(EventType.EVENT_CONNECT).length === 1);
    const serverPeer = recorders[0].of(EventType.EVENT_CONNECT)[0].peer!;
    expect(serverPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    client.destroy();
    expect(peer.isActive()).toBe(false);
    expect(peer.getState()).toBe(PeerState.STATE_DISCONNECTED);
    expect(serverPeer.isActive()).toBe(true);
  });
});
