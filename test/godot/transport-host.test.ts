// Host control against the real Godot 4: statistics, socket_send, channel limits, broadcast,
// refusing connections and bandwidth limits; with Godot as the server and as the client.
import { expect, it } from 'vitest';
import { ENetPacketPeer, PeerStatistic } from '../../lib/index';
import { describeGodot, runGodot } from './godot';
import { command, connectEnds, DIRECTIONS, Ends, GodotReceived, NodeEnd, popStatistics, sha256, Stats, until } from './enet';
import { sleep } from '../godot-client';
import { pattern } from '../helpers';

const { FLAG_RELIABLE, FLAG_UNRELIABLE_FRAGMENT } = ENetPacketPeer;
/** The port Godot's host uses for this connection. */
const godotPort = (ends: Ends) => ends.peer.getRemotePort();

/**
 * bandwidth_limit on Godot, a server taking 20 kB/s in: this library's client, sending it
 * ~100 kB/s of unreliable packets for 2.5 s, is throttled.
 */
async function godotLimits(): Promise<void> {
  const godot = runGodot('enet_server.gd', { quiet: true });
  const node = NodeEnd.client({ outBandwidth: 1_000_000 });
  node.host.connectToHost('127.0.0.1', (await godot.report<{ port: number }>('listening')).port);
  const ends = { godot, peer: await node.connected() };
  await command(ends, { do: 'bandwidth_limit', in: 20_000 });
  await sleep(1100); // the limit goes out with ENet's next bandwidth throttle (every second)
  await command(ends, { do: 'stats' });
  for (let tick = 0; tick < 50; tick++) {
    for (let i = 0; i < 5; i++) ends.peer.send(1, pattern(1000, i + 1), 0);
    await sleep(50);
  }
  const received = (await command<Stats>(ends, { do: 'stats' })).host.HOST_TOTAL_RECEIVED_DATA;
  const limit = ends.peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_LIMIT);
  console.log(`this library's throttle limit for a Godot taking 20 kB/s: ${limit}/32; Godot received ${received} B in 2.5 s of 250 kB sent`);
  expect(limit).toBeLessThan(32);
  expect(received).toBeLessThan(200_000);
}

/** bandwidthLimit on this library's server, taking 20 kB/s in: a Godot client sending more is throttled. */
async function nodeLimits(): Promise<void> {
  const node = NodeEnd.server();
  const godot = runGodot('enet_client.gd', { port: node.host.getLocalPort(), out_bandwidth: 1_000_000, quiet: true });
  const ends = { godot, peer: await node.connected() };
  node.host.bandwidthLimit(20_000, 0);
  await sleep(1100);
  popStatistics(node);
  const order = Buffer.from(`CMD${JSON.stringify({ do: 'send', sizes: [1000, 1000, 1000, 1000, 1000], flags: 0, channel: 1 })}`);
  for (let tick = 0; tick < 50; tick++) {
    ends.peer.send(0, order, FLAG_RELIABLE);
    await sleep(50);
  }
  const limit = (await command<Stats>(ends, { do: 'stats' })).peer.PEER_PACKET_THROTTLE_LIMIT;
  const received = popStatistics(node).HOST_TOTAL_RECEIVED_DATA;
  console.log(`Godot's throttle limit for this library taking 20 kB/s: ${limit}/32; this library received ${received} B in 2.5 s of 250 kB sent`);
  expect(limit).toBeLessThan(32);
  expect(received).toBeLessThan(200_000);
}

describeGodot('Godot 4 ENetConnection: host control', () => {
  for (const direction of DIRECTIONS) {
    it(`${direction}: pop_statistic and get_statistic agree with Godot's for the same traffic`, async () => {
      const ends = await connectEnds(direction);
      const sizes = Array.from({ length: 200 }, (_, index) => 500 + index * 7);
      // This library sends, Godot receives.
      await command(ends, { do: 'stats' });
      popStatistics(ends.node);
      // Paced: a burst of 200 overflows a Godot host's socket buffer (see transport-packets), and resends would count.
      for (const [index, size] of sizes.entries()) {
        ends.peer.send(0, pattern(size, index + 1), FLAG_RELIABLE);
        if (index % 20 === 19) await sleep(10);
      }
      await until('Godot receives them', () => ends.godot.reports('receive').length >= sizes.length || undefined);
      await sleep(100);
      const ours = popStatistics(ends.node);
      const godot = await command<Stats>(ends, { do: 'stats' });
      // Godot sends, this library receives.
      popStatistics(ends.node);
      await command(ends, { do: 'send', sizes });
      await ends.node.receivedCount(sizes.length);
      await sleep(100);
      const godotBack = await command<Stats>(ends, { do: 'stats' });
      const oursBack = popStatistics(ends.node);
      console.log(`${direction}: sent by this library ${JSON.stringify(ours)}, Godot ${JSON.stringify(godot.host)}; `
        + `then Godot ${JSON.stringify(godotBack.host)}, this library ${JSON.stringify(oursBack)}`);
      // The command datagrams and a ping or two fall in one window and not the other.
      const near = (a: number, b: number, slack: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(slack);
      near(ours.HOST_TOTAL_SENT_PACKETS, godot.host.HOST_TOTAL_RECEIVED_PACKETS, 4);
      near(ours.HOST_TOTAL_SENT_DATA, godot.host.HOST_TOTAL_RECEIVED_DATA, 300);
      near(godotBack.host.HOST_TOTAL_SENT_PACKETS, oursBack.HOST_TOTAL_RECEIVED_PACKETS, 4);
      near(godotBack.host.HOST_TOTAL_SENT_DATA, oursBack.HOST_TOTAL_RECEIVED_DATA, 300);
      expect(ours.HOST_TOTAL_SENT_DATA).toBeGreaterThan(sizes.reduce((sum, size) => sum + size, 0));
      // Peer statistics: same link, same view.
      const rtt = ends.peer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME);
      near(rtt, godotBack.peer.PEER_ROUND_TRIP_TIME, 50);
      expect([ends.peer.getStatistic(PeerStatistic.PEER_PACKET_LOSS), godotBack.peer.PEER_PACKET_LOSS]).toEqual([0, 0]);
      // (PEER_PACKET_THROTTLE is not compared: each end's moves with its own round-trip samples.)
    });

    it(`${direction}: socket_send datagrams reach the other host's socket, which ignores them and keeps its peers`, async () => {
      const ends = await connectEnds(direction);
      await command(ends, { do: 'stats' });
      for (let i = 0; i < 5; i++) ends.node.host.socketSend('127.0.0.1', godotPort(ends), pattern(40, i + 1));
      await sleep(100);
      const godot = await command<Stats>(ends, { do: 'stats' });
      expect(godot.host.HOST_TOTAL_RECEIVED_PACKETS).toBeGreaterThanOrEqual(6);
      popStatistics(ends.node);
      const local = ends.node.host.getLocalPort();
      for (let i = 0; i < 5; i++) await command(ends, { do: 'socket_send', address: '127.0.0.1', port: local, size: 40 });
      await sleep(100);
      expect(popStatistics(ends.node).HOST_TOTAL_RECEIVED_PACKETS).toBeGreaterThanOrEqual(10);
      // Both still talk.
      const done = await command<{ sent: { sha256: string }[] }>(ends, { do: 'send', sizes: [300] });
      expect(sha256((await ends.node.receivedCount(1))[0].packet)).toBe(done.sent[0].sha256);
    });

    it(`${direction}: channel_limit on the server caps the channels of clients that connect later`, async () => {
      const ends = await connectEnds(direction);
      if (direction === 'godot-server') {
        await command(ends, { do: 'channel_limit', limit: 2 });
        const late = NodeEnd.client();
        late.host.connectToHost('127.0.0.1', godotPort(ends), 9);
        expect((await late.connected()).getChannels()).toBe(2);
      } else {
        ends.node.host.channelLimit(2);
        const late = runGodot('enet_client.gd', { port: ends.node.host.getLocalPort(), channels: 9 });
        expect((await late.report<{ channels: number }>('connect')).channels).toBe(2);
      }
    });
  }

  it('godot-server: broadcast from Godot reaches every client of this library', async () => {
    const ends = await connectEnds('godot-server');
    const second = NodeEnd.client();
    second.host.connectToHost('127.0.0.1', godotPort(ends));
    await second.connected();
    await ends.godot.report('connect', 10_000, (event: { peer: number }) => event.peer === 1);
    for (const flags of [FLAG_RELIABLE, 0, FLAG_UNRELIABLE_FRAGMENT]) {
      const before = [ends.node.received.length, second.received.length];
      const done = await command<{ sha256: string }>(ends, { do: 'broadcast', channel: 1, size: 3000, flags });
      for (const [index, client] of [ends.node, second].entries()) {
        const got = (await client.receivedCount(before[index] + 1))[before[index]];
        expect([sha256(got.packet), got.channel]).toEqual([done.sha256, 1]);
      }
    }
  });

  it('godot-client: broadcast from this library reaches every Godot client', async () => {
    const server = NodeEnd.server();
    const godot = runGodot('enet_client.gd', { port: server.host.getLocalPort(), clients: 3 });
    await until('3 connects', () => server.connects.length === 3 || undefined);
    await godot.report('connect', 10_000, (event: { host: number }) => event.host === 2);
    const packet = pattern(3000, 5);
    expect(server.host.broadcast(1, packet, FLAG_RELIABLE)).toBe(0);
    await until('3 receives', () => godot.reports('receive').length === 3 || undefined);
    const got = godot.reports<GodotReceived & { host: number }>('receive');
    expect(got.map((report) => report.host).sort()).toEqual([0, 1, 2]);
    expect(got.every((report) => report.sha256 === sha256(packet) && report.channel === 1)).toBe(true);
  });

  it('godot-client: refuseNewConnections on this library keeps Godot clients out until it is lifted', async () => {
    const server = NodeEnd.server('127.0.0.1', { setup: (host) => host.refuseNewConnections(true) });
    const godot = runGodot('enet_client.gd', { port: server.host.getLocalPort() });
    // ENet accepts, then this library disconnects the peer at once: Godot sees CONNECT and DISCONNECT.
    await godot.report('disconnect');
    expect(server.connects).toEqual([]);
    server.host.refuseNewConnections(false);
    const again = runGodot('enet_client.gd', { port: server.host.getLocalPort() });
    await again.report('connect');
    await server.connected();
  });

  it('Godot misbehaves: refuse_new_connections on a Godot host without DTLS lets clients in (Godot only honours it for DTLS)', async () => {
    const godot = runGodot('enet_server.gd', { refuse: true });
    const { port } = await godot.report<{ port: number }>('listening');
    const client = NodeEnd.client();
    client.host.connectToHost('127.0.0.1', port);
    await client.connected();
    await godot.report('connect');
  });

  // ENet's bandwidth_limit sends each peer its share of the incoming bandwidth, but a peer that
  // declared no outgoing bandwidth of its own is given 0 (no limit): the senders declare one.
  // Both at once: they mostly wait for ENet's throttle, which runs every second.
  it('bandwidth_limit on the receiving end throttles the sender: Godot\'s limit ours, and ours Godot\'s',
    () => Promise.all([godotLimits(), nodeLimits()]), 20_000);
});
