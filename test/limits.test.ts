import { describe, expect, it } from 'vitest';
import {
  Crypto, CryptoKey, DEFAULT_LIMITS, ENetConnection, ENetPacketPeer, ErrorCode, EventType, TLSOptions,
} from '../lib/index';
import { Recorder, connectedPair, expectENetError, host, pattern, pumpFor, pumpUntil, server } from './helpers';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` clients that start connecting to `target`. */
function clients(target: ENetConnection, count: number): { connection: ENetConnection; events: Recorder; peer: ENetPacketPeer }[] {
  return Array.from({ length: count }, () => {
    const connection = host();
    connection.createHost(1);
    const peer = connection.connectToHost('127.0.0.1', target.getLocalPort())!;
    return { connection, events: new Recorder(connection), peer };
  });
}

const connectedCount = (list: { peer: ENetPacketPeer }[]): number =>
  list.filter((client) => client.peer.getState() === 5).length;

describe('protective limits', () => {
  it('defaults never get in the way of Godot clients; bad values are refused', () => {
    const connection = host();
    expect(connection.getLimits()).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.maxPacketSize).toBe(16 * 1024 * 1024);  // Godot's get_max_packet_size()
    expectENetError(() => connection.setLimits({ maxPacketSize: 0 }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => connection.setLimits({ maxPeersPerAddress: 5000 }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => connection.setLimits({ nonsense: 1 } as never), 'ERR_INVALID_PARAMETER');
    connection.setLimits({ maxPeersPerAddress: 3 });
    expect(connection.getLimits()).toEqual({ ...DEFAULT_LIMITS, maxPeersPerAddress: 3 });
  });

  it('maxPacketSize: a larger packet never arrives and cannot be sent; other peers go on', () => {
    const pair = connectedPair();
    pair.server.setLimits({ maxPacketSize: 2000 });
    const [other] = clients(pair.server, 1);
    pumpUntil([pair.serverEvents, pair.clientEvents, other.events], () => other.peer.getState() === 5);
    expect(pair.serverPeer.send(0, pattern(3000, 1), ENetPacketPeer.FLAG_RELIABLE)).toBe(ErrorCode.FAILED);

    pair.clientPeer.send(0, pattern(5000, 2), ENetPacketPeer.FLAG_RELIABLE);
    for (let i = 0; i < 20; ++i) other.peer.send(1, Buffer.from(`small ${i}`), ENetPacketPeer.FLAG_RELIABLE);
    pumpFor([pair.serverEvents, pair.clientEvents, other.events], 800);
    const received = pair.serverEvents.of(EventType.EVENT_RECEIVE);
    expect(received.filter((event) => event.peer === pair.serverPeer)).toHaveLength(0);
    expect(received.filter((event) => event.channel === 1)).toHaveLength(20);
  });

  it('maxWaitingData: packets beyond it are refused while earlier ones wait; the peer goes on', async () => {
    const send = async (limit?: number): Promise<number> => {
      const pair = connectedPair();
      if (limit !== undefined) pair.server.setLimits({ maxWaitingData: limit });
      // Three unreliable 40 kB packets reach the socket before the server runs ENet once: the
      // first two are taken (40 kB, then 80 kB waiting), the third is refused, and unreliable
      // data is not sent again.
      for (let i = 0; i < 3; ++i) pair.clientPeer.send(0, pattern(40_000, i), ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT);
      pair.client.flush();
      await sleep(200);
      pumpFor([pair.serverEvents], 300);
      pair.clientPeer.send(1, Buffer.from('after'), ENetPacketPeer.FLAG_RELIABLE);
      pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverEvents.of(EventType.EVENT_RECEIVE).some((e) => e.channel === 1));
      return pair.serverEvents.of(EventType.EVENT_RECEIVE).filter((event) => event.channel === 0).length;
    };
    expect(await send()).toBe(3);
    expect(await send(50_000)).toBe(2);
  });

  it('maxPeersPerAddress: extra peers from one address get no answer until a place frees up', () => {
    const srv = server();
    srv.setLimits({ maxPeersPerAddress: 2 });
    const serverEvents = new Recorder(srv);
    const list = clients(srv, 4);
    const all = [serverEvents, ...list.map((client) => client.events)];
    pumpUntil(all, () => connectedCount(list) === 2);
    pumpFor(all, 700);
    expect(connectedCount(list)).toBe(2);
    expect(serverEvents.of(EventType.EVENT_CONNECT)).toHaveLength(2);
    // The admitted ones are served meanwhile.
    const admitted = list.filter((client) => client.peer.getState() === 5);
    admitted[0].peer.send(0, Buffer.from('served'), ENetPacketPeer.FLAG_RELIABLE);
    pumpUntil(all, () => serverEvents.of(EventType.EVENT_RECEIVE).length === 1);
    // One leaves: a waiting client's resent CONNECT now gets in.
    admitted[1].peer.peerDisconnect();
    pumpUntil(all, () => serverEvents.of(EventType.EVENT_CONNECT).length === 3, 8000);
    expect(connectedCount(list)).toBe(2);
  });

  it('maxConnectsPerSecondPerAddress: a burst of connects is admitted at that rate', () => {
    const srv = server();
    srv.setLimits({ maxConnectsPerSecondPerAddress: 2 });
    const serverEvents = new Recorder(srv);
    const connectedAt: number[] = [];
    const started = Date.now();
    const list = clients(srv, 6);
    const all = [serverEvents, ...list.map((client) => client.events)];
    // The others get in as the budget refills (ENet resends CONNECT after 0.5, 1.5, 3.5 s).
    pumpUntil(all, () => {
      while (connectedAt.length < serverEvents.of(EventType.EVENT_CONNECT).length) connectedAt.push(Date.now() - started);
      return connectedAt.length === 6;
    }, 15_000);
    expect(connectedAt).toHaveLength(6);
    // A bucket of 2 that refills 2 a second: the k-th admission (k > 2) comes at least
    // (k - 2) × 500 ms after the first requests, however fast or slow the machine is.
    connectedAt.forEach((ms, i) => expect(ms, `connect ${i + 1}`).toBeGreaterThanOrEqual(Math.max(0, i - 1) * 500 - 50));
    expect(connectedCount(list)).toBe(6);
  });

  it('maxPendingHandshakes: handshakes left hanging fill only that many places; connected DTLS peers go on', async () => {
    const key = CryptoKey.generateEc();
    const certificate = Crypto.generateSelfSignedCertificate(key, 'CN=localhost');
    const srv = host();
    srv.createHostBound('127.0.0.1', 0);
    srv.dtlsServerSetup(TLSOptions.server(key, certificate));
    srv.setLimits({ maxPendingHandshakes: 2 });
    const serverEvents = new Recorder(srv);

    const legit = host();
    legit.createHost(1);
    legit.dtlsClientSetup('', TLSOptions.clientUnsafe());
    const legitPeer = legit.connectToHost('127.0.0.1', srv.getLocalPort())!;
    const legitEvents = new Recorder(legit);
    pumpUntil([serverEvents, legitEvents], () => serverEvents.of(EventType.EVENT_CONNECT).length === 1);

    // Four clients get through the cookie exchange and then stop answering.
    for (let i = 0; i < 4; ++i) {
      const stalled = host();
      stalled.createHost(1);
      stalled.dtlsClientSetup('', TLSOptions.clientUnsafe());
      stalled.connectToHost('127.0.0.1', srv.getLocalPort());
      stalled.service(0);                 // ClientHello
      await sleep(20);
      srv.service(0);                     // HelloVerifyRequest
      await sleep(20);
      stalled.service(0);                 // ClientHello with the cookie
      await sleep(20);
      srv.service(0);                     // a session, if there is room
    }
    expect(srv.getDtlsSessionCount()).toEqual({ sessions: 3, handshaking: 2 });
    legitPeer.send(0, Buffer.from('still served'), ENetPacketPeer.FLAG_RELIABLE);
    pumpUntil([serverEvents, legitEvents], () => serverEvents.of(EventType.EVENT_RECEIVE).length === 1);
  });
});
