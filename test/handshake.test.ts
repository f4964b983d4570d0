import { describe, expect, it } from 'vitest';
import { ENetPacketPeer, EventType, PeerState } from '../lib/index';
import { connectedPair, pumpUntil } from './helpers';

describe('client-server handshake on 127.0.0.1', () => {
  it('reports CONNECT on both sides with the connect data on the accepting side only', () => {
    const pair = connectedPair({ data: 42, channels: 1 });
    const [serverConnect] = pair.serverEvents.of(EventType.EVENT_CONNECT);
    const [clientConnect] = pair.clientEvents.of(EventType.EVENT_CONNECT);
    expect(serverConnect).toMatchObject({ type: EventType.EVENT_CONNECT, data: 42, channel: 0 });
    expect(clientConnect).toMatchObject({ type: EventType.EVENT_CONNECT, data: 0, channel: 0 });
    expect(clientConnect.peer).toBe(pair.clientPeer);
    expect(pair.clientPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(pair.serverPeer.getState()).toBe(PeerState.STATE_CONNECTED);
    expect(pair.serverPeer.getChannels()).toBe(1);
    expect(pair.serverPeer.getRemoteAddress()).toBe('127.0.0.1');
    expect(pair.serverPeer.getRemotePort()).toBe(pair.client.getLocalPort());
    expect(pair.server.getPeers()).toEqual([pair.serverPeer]);
  });

  it('delivers a reliable packet into the peer queue with its channel and flags', () => {
    const pair = connectedPair();
    const payload = new Uint8Array([1, 2, 3, 250]);
    expect(pair.clientPeer.send(3, payload, ENetPacketPeer.FLAG_RELIABLE)).toBe(0);
    pumpUntil([pair.serverEvents, pair.clientEvents], () => pair.serverEvents.of(EventType.EVENT_RECEIVE).length === 1);
    const [receive] = pair.serverEvents.of(EventType.EVENT_RECEIVE);
    expect(receive).toMatchObject({ type: EventType.EVENT_RECEIVE, peer: pair.serverPeer, data: 0, channel: 3 });
    expect(pair.serverPeer.getAvailablePacketCount()).toBe(1);
    expect(pair.serverPeer.getPacketFlags()).toBe(ENetPacketPeer.FLAG_RELIABLE);
    expect(pair.serverPeer.getPacket()).toEqual(Buffer.from(payload));
    expect(pair.serverPeer.getPacket()).toBeNull();
  });
});
