// ENetMultiplayerPeer against Godot 4's own, over 127.0.0.1, both ways: our server with Godot
// clients (bare ENetMultiplayerPeer, mp_peer.gd, and with SceneMultiplayer, mp_client.gd), and
// our clients with a Godot server.
import { afterEach, expect, it } from 'vitest';
import { ConnectionStatus, ENetMultiplayerPeer, ErrorCode, TransferMode } from '../../lib/index';
import { until } from '../godot-client';
import { freeUdpPort } from '../helpers';
import { describeGodot } from './godot';
import { MpRun, runMp } from './multiplayer';

/** Transfer modes by the names mp_common.gd uses. */
const MODES: Record<string, TransferMode> = {
  unreliable: TransferMode.TRANSFER_MODE_UNRELIABLE,
  ordered: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED,
  reliable: TransferMode.TRANSFER_MODE_RELIABLE,
};
const modeName = (mode: TransferMode): string => Object.keys(MODES).find((name) => MODES[name] === mode)!;
/** [mode, user channel]: Godot's two system channels and user channels up to the last (253). */
const ROUTES: [string, number][] = [['reliable', 0], ['ordered', 0], ['unreliable', 0], ['reliable', 1], ['ordered', 7],
  ['unreliable', 253]];

interface Packet {
  from: number;
  channel: number;
  mode: string;
  text: string;
}

/** One of our peers, event-driven, with everything it saw. */
interface Ours {
  peer: ENetMultiplayerPeer;
  connected: number[];
  disconnected: number[];
  packets: Packet[];
}

const ours: ENetMultiplayerPeer[] = [];
const pollers: NodeJS.Timeout[] = [];
afterEach(() => {
  for (const poller of pollers.splice(0)) clearInterval(poller);
  for (const peer of ours.splice(0)) peer.close();
});

function watched(): Ours {
  const peer = new ENetMultiplayerPeer();
  ours.push(peer);
  const seen: Ours = { peer, connected: [], disconnected: [], packets: [] };
  peer.on('peerConnected', (id) => seen.connected.push(id));
  peer.on('peerDisconnected', (id) => seen.disconnected.push(id));
  peer.on('packet', (from, packet, mode, channel) =>
    seen.packets.push({ from, channel, mode: modeName(mode), text: packet.toString() }));
  return seen;
}

/**
 * Runs `seen.peer` event-driven (start()), or `polled` as in Godot: poll() every 5 ms, then each
 * packet read with getPacketPeer(), getPacketChannel(), getPacketMode() and getPacket().
 */
function drive(seen: Ours, polled: boolean): void {
  if (!polled) {
    seen.peer.start();
    return;
  }
  pollers.push(setInterval(() => {
    if (seen.peer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED) return;
    seen.peer.poll();
    while (seen.peer.getAvailablePacketCount() > 0) {
      const from = seen.peer.getPacketPeer();
      const channel = seen.peer.getPacketChannel();
      const mode = modeName(seen.peer.getPacketMode());
      seen.packets.push({ from, channel, mode, text: seen.peer.getPacket()!.toString() });
    }
  }, 5));
}

function ourServer({ maxChannels = 0, bindIp = '127.0.0.1', polled = false } = {}): Ours {
  const server = watched();
  server.peer.setBindIp(bindIp);
  server.peer.createServer(0, 32, maxChannels);
  drive(server, polled);
  return server;
}

async function ourClient(port: number, { address = '127.0.0.1', polled = false } = {}): Promise<Ours> {
  const client = watched();
  client.peer.createClient(address, port);
  drive(client, polled);
  await until(() => client.connected.length > 0 || client.peer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED,
    10_000, 'our client to connect');
  return client;
}

/** A bare Godot client (mp_peer.gd) joined to our server at `address`: its ID, as both sides agree. */
async function godotClient(server: Ours, address = '127.0.0.1'): Promise<{ godot: MpRun; id: number }> {
  const godot = await runMp('mp_peer.gd', { role: 'client', address, port: server.peer.getHost()!.getLocalPort() });
  const { id } = await godot.waitFor<{ id: number }>('created');
  await godot.waitFor('peer_connected', { id: 1 });
  await until(() => server.connected.includes(id), 10_000, `our server to see ${id}`);
  return { godot, id };
}

async function godotServer(options: Record<string, number | string> = {}): Promise<{ godot: MpRun; port: number }> {
  const port = await freeUdpPort();
  const godot = await runMp('mp_peer.gd', { role: 'server', port, ...options });
  expect(await godot.waitFor('created')).toEqual({ error: 0, id: 1 });
  return { godot, port };
}

const received = (seen: Ours, text: string): Packet | undefined => seen.packets.find((packet) => packet.text === text);

describeGodot('ENetMultiplayerPeer and Godot 4: our server, Godot clients', () => {
  it('admits a Godot SceneMultiplayer client under the ID it generated: peer_connected on both sides, send_bytes both ways', async () => {
    const server = ourServer();
    const godot = await runMp('mp_client.gd', { port: server.peer.getHost()!.getLocalPort() });
    const { id } = await godot.waitFor<{ id: number }>('created');
    expect(await godot.waitFor('connected_to_server')).toEqual({ id });
    await godot.waitFor('peer_connected', { id: 1 });
    await until(() => server.connected.includes(id), 5000, 'our peerConnected');
    expect(server.connected).toEqual([id]);
    expect(id).toBeGreaterThan(1);

    for (const [mode, channel] of ROUTES) godot.command({ do: 'send', to: 1, text: `${mode} ${channel}`, mode, channel });
    await until(() => server.packets.length === ROUTES.length, 5000, 'send_bytes to arrive');
    for (const [mode, channel] of ROUTES) {
      // SceneMultiplayer frames raw bytes as 03 <bytes>.
      expect(received(server, `\x03${mode} ${channel}`)).toEqual({ from: id, channel, mode, text: `\x03${mode} ${channel}` });
    }
    server.peer.setTargetPeer(id);
    expect(server.peer.putPacket(Buffer.from('\x03to you'))).toBe(ErrorCode.OK);
    expect(await godot.waitFor('peer_packet')).toEqual({ from: 1, text: 'to you' });
  });

  it.each(['event-driven', 'polled'])('delivers each transfer mode and channel both ways with a bare Godot client, as Godot reports them (%s)', async (driving) => {
    const server = ourServer({ polled: driving === 'polled' });
    const { godot, id } = await godotClient(server);
    for (const [mode, channel] of ROUTES) {
      server.peer.transferMode = MODES[mode];
      server.peer.transferChannel = channel;
      expect(server.peer.putPacket(Buffer.from(`down ${mode} ${channel}`))).toBe(ErrorCode.OK);
      godot.command({ do: 'put', target: 1, text: `up ${mode} ${channel}`, mode, channel });
    }
    for (const [mode, channel] of ROUTES) {
      expect(await godot.waitFor('packet', { text: `down ${mode} ${channel}` })).toEqual({ from: 1, channel, mode, text: `down ${mode} ${channel}` });
    }
    await until(() => server.packets.length === ROUTES.length, 5000, 'the packets up');
    for (const [mode, channel] of ROUTES) expect(received(server, `up ${mode} ${channel}`)).toEqual({ from: id, channel, mode, text: `up ${mode} ${channel}` });
  });

  it('createServer(maxChannels) gives each Godot client that many user channels (Godot\'s own create_server does not: see below)', async () => {
    const server = ourServer({ maxChannels: 4 });
    const { godot, id } = await godotClient(server);
    expect(await godot.call({ do: 'channels', id: 1 })).toBe(4 + 2);
    expect(server.peer.getPeer(id)!.getChannels()).toBe(4 + 2);
    godot.command({ do: 'put', target: 1, text: 'on the last channel', channel: 4 });
    await until(() => received(server, 'on the last channel') !== undefined, 5000, 'the packet on channel 4');
    expect(received(server, 'on the last channel')).toMatchObject({ from: id, channel: 4 });
  });

  it('sends to one client, to all (0) and to all but one (−ID) with set_target_peer', async () => {
    const server = ourServer();
    const clients = await Promise.all([0, 1, 2].map(() => godotClient(server)));
    const [a, b, c] = clients;
    server.peer.setTargetPeer(0);
    server.peer.putPacket(Buffer.from('to all'));
    server.peer.setTargetPeer(-b.id);
    server.peer.putPacket(Buffer.from('not to b'));
    server.peer.setTargetPeer(c.id);
    server.peer.putPacket(Buffer.from('to c'));
    server.peer.setTargetPeer(0);
    server.peer.putPacket(Buffer.from('end'));
    await Promise.all(clients.map(({ godot }) => godot.waitFor('packet', { text: 'end' })));
    const texts = (run: MpRun): unknown[] => run.all('packet').map((packet) => packet.text);
    expect(texts(a.godot)).toEqual(['to all', 'not to b', 'end']);
    expect(texts(b.godot)).toEqual(['to all', 'end']);
    expect(texts(c.godot)).toEqual(['to all', 'not to b', 'to c', 'end']);
  });

  it('refuses new Godot clients while refuseNewConnections is set and admits them again after', async () => {
    const server = ourServer();
    server.peer.refuseNewConnections = true;
    const refused = await runMp('mp_peer.gd', { role: 'client', port: server.peer.getHost()!.getLocalPort() });
    // ENet had accepted the client before the server refused it: the client saw the server
    // connect, and learns at once that it left (a Godot server resets it: the client times out).
    await refused.waitFor('peer_connected', { id: 1 });
    // Within 2 s: no ENet timeout (5 s at least by default) was involved.
    await refused.waitFor('peer_disconnected', { id: 1 }, 2000);
    await refused.waitFor('status', { status: ConnectionStatus.CONNECTION_DISCONNECTED });
    expect(server.connected).toEqual([]);
    server.peer.refuseNewConnections = false;
    const { id } = await godotClient(server);
    expect(server.connected).toEqual([id]);
  });

  it('disconnect_peer: a graceful one is reported on both sides, a forced one only on the client; data put before disconnect_later arrives first', async () => {
    const server = ourServer();
    const [graceful, forced, later] = await Promise.all([0, 1, 2].map(() => godotClient(server)));
    expect(server.peer.disconnectPeer(graceful.id)).toBe(ErrorCode.OK);
    expect(server.peer.disconnectPeer(forced.id, true)).toBe(ErrorCode.OK);
    server.peer.setTargetPeer(later.id);
    for (let i = 0; i < 20; i++) server.peer.putPacket(Buffer.alloc(4000, 48 + i));
    server.peer.getPeer(later.id)!.peerDisconnectLater();
    for (const { godot } of [graceful, forced, later]) {
      await godot.waitFor('peer_disconnected', { id: 1 });
      await godot.waitFor('status', { status: ConnectionStatus.CONNECTION_DISCONNECTED });
    }
    expect(later.godot.all('packet').length).toBe(20);
    await until(() => server.disconnected.length === 2, 5000, 'our peerDisconnected');
    expect(server.disconnected.sort()).toEqual([graceful.id, later.id].sort());
    expect(server.peer.getPeer(forced.id)).toBeNull();
  });

  it('close() disconnects every Godot client at once, and a Godot client that closes is reported at once', async () => {
    const server = ourServer();
    const [leaving, staying] = await Promise.all([0, 1].map(() => godotClient(server)));
    leaving.godot.command({ do: 'close' });
    await until(() => server.disconnected.includes(leaving.id), 2000, 'our peerDisconnected for the client that closed');
    const closed = Date.now();
    server.peer.close();
    await staying.godot.waitFor('peer_disconnected', { id: 1 }, 2000);
    expect(Date.now() - closed).toBeLessThan(1000);
    expect(server.disconnected).toEqual([leaving.id]);
  });
});

describeGodot('ENetMultiplayerPeer and Godot 4: our clients, a Godot server', () => {
  it.each(['event-driven', 'polled'])('joins a Godot server under our generated ID, with peer_connected on both sides, each mode and channel both ways (%s)', async (driving) => {
    const { godot, port } = await godotServer();
    const client = await ourClient(port, { polled: driving === 'polled' });
    const id = client.peer.getUniqueId();
    expect(client.connected).toEqual([1]);
    await godot.waitFor('peer_connected', { id });
    for (const [mode, channel] of ROUTES) {
      godot.command({ do: 'put', target: id, text: `down ${mode} ${channel}`, mode, channel });
      client.peer.transferMode = MODES[mode];
      client.peer.transferChannel = channel;
      expect(client.peer.putPacket(Buffer.from(`up ${mode} ${channel}`))).toBe(ErrorCode.OK);
    }
    for (const [mode, channel] of ROUTES) {
      expect(await godot.waitFor('packet', { text: `up ${mode} ${channel}` })).toEqual({ from: id, channel, mode, text: `up ${mode} ${channel}` });
    }
    await until(() => client.packets.length === ROUTES.length, 5000, 'the packets down');
    for (const [mode, channel] of ROUTES) expect(received(client, `down ${mode} ${channel}`)).toEqual({ from: 1, channel, mode, text: `down ${mode} ${channel}` });
  });

  it('receives a Godot server\'s sends to one, to all and to all but one', async () => {
    const { godot, port } = await godotServer();
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => ourClient(port)));
    await until(() => godot.all('peer_connected').length === 3, 5000, 'the Godot server to see 3 clients');
    godot.command({ do: 'put', target: 0, text: 'to all' });
    godot.command({ do: 'put', target: -b.peer.getUniqueId(), text: 'not to b' });
    godot.command({ do: 'put', target: c.peer.getUniqueId(), text: 'to c' });
    godot.command({ do: 'put', target: 0, text: 'end' });
    await until(() => [a, b, c].every((client) => received(client, 'end')), 5000, 'every client to get the last packet');
    const texts = (client: Ours): string[] => client.packets.map((packet) => packet.text);
    expect(texts(a)).toEqual(['to all', 'not to b', 'end']);
    expect(texts(b)).toEqual(['to all', 'end']);
    expect(texts(c)).toEqual(['to all', 'not to b', 'to c', 'end']);
  });

  it('Godot misbehaviour (godot#123254): create_server\'s max_channels reaches ENet as the incoming bandwidth, so clients still get all 255 channels', async () => {
    const { godot, port } = await godotServer({ 'max-channels': 4 });
    const client = await ourClient(port);
    expect(client.peer.getPeer(1)!.getChannels()).toBe(255);
    await godot.waitFor('peer_connected', { id: client.peer.getUniqueId() });
    expect(await godot.call({ do: 'channels', id: client.peer.getUniqueId() })).toBe(255);
  });

  it('Godot misbehaviour: a Godot server refusing new connections resets the client silently, which connects and then times out', async () => {
    const { godot, port } = await godotServer();
    expect(await godot.call({ do: 'refuse', on: true })).toBe(true);
    const client = await ourClient(port);
    expect(client.connected).toEqual([1]);
    client.peer.getPeer(1)!.setTimeout(8, 500, 1000);
    await until(() => client.disconnected.length > 0, 10_000, 'the refused client to time out');
    expect(client.disconnected).toEqual([1]);
    expect(client.peer.getConnectionStatus()).toBe(ConnectionStatus.CONNECTION_DISCONNECTED);
    expect(godot.all('peer_connected')).toEqual([]);
    expect(await godot.call({ do: 'refuse', on: false })).toBe(false);
    const admitted = await ourClient(port);
    await godot.waitFor('peer_connected', { id: admitted.peer.getUniqueId() });
  });

  it('a Godot server\'s disconnect_peer (graceful, forced, later) and close() reach our clients', async () => {
    const { godot, port } = await godotServer();
    const [graceful, forced, later, closed] = await Promise.all([0, 1, 2, 3].map(() => ourClient(port)));
    const [gracefulId, forcedId, laterId] = [graceful, forced, later].map((client) => client.peer.getUniqueId());
    await until(() => godot.all('peer_connected').length === 4, 5000, 'the Godot server to see 4 clients');
    godot.command({ do: 'disconnect_peer', id: gracefulId });
    godot.command({ do: 'disconnect_peer', id: forcedId, force: true });
    for (let i = 0; i < 20; i++) godot.command({ do: 'put', target: laterId, text: `${i}`.repeat(4000) });
    godot.command({ do: 'disconnect_later', id: laterId });
    for (const client of [graceful, forced, later]) {
      await until(() => client.disconnected.length > 0, 5000, 'the disconnect');
      expect(client.disconnected).toEqual([1]);
      expect(client.peer.getConnectionStatus()).toBe(ConnectionStatus.CONNECTION_DISCONNECTED);
    }
    expect(later.packets.length).toBe(20);
    await godot.waitFor('peer_disconnected', { id: laterId });
    expect(godot.all('peer_disconnected').map((event) => event.id).sort()).toEqual([gracefulId, laterId].sort());
    const closing = Date.now();
    godot.command({ do: 'close' });
    await until(() => closed.disconnected.length > 0, 2000, 'our client to see the Godot server close');
    expect(Date.now() - closing).toBeLessThan(1000);
  });

  it('our client closing is reported on the Godot server at once', async () => {
    const { godot, port } = await godotServer();
    const client = await ourClient(port);
    const id = client.peer.getUniqueId();
    await godot.waitFor('peer_connected', { id });
    client.peer.close();
    await godot.waitFor('peer_disconnected', { id }, 2000);
  });
});

describeGodot('ENetMultiplayerPeer and Godot 4 over IPv6 (::1)', () => {
  it('a Godot client joins our server and our client a Godot server, and packets pass both ways', async () => {
    const server = ourServer({ bindIp: '::1' });
    const { godot: godotClientRun, id } = await godotClient(server, '::1');
    expect(server.peer.getPeer(id)!.getRemoteAddress()).toBe('::1');
    server.peer.setTargetPeer(id);
    server.peer.putPacket(Buffer.from('down over IPv6'));
    godotClientRun.command({ do: 'put', target: 1, text: 'up over IPv6' });
    await godotClientRun.waitFor('packet', { from: 1, text: 'down over IPv6' });
    await until(() => received(server, 'up over IPv6') !== undefined, 5000, 'the packet up');

    const { godot: godotServerRun, port } = await godotServer({ bind: '::1' });
    const client = await ourClient(port, { address: '::1' });
    expect(client.connected).toEqual([1]);
    const clientId = client.peer.getUniqueId();
    await godotServerRun.waitFor('peer_connected', { id: clientId });
    godotServerRun.command({ do: 'put', target: clientId, text: 'down over IPv6' });
    client.peer.putPacket(Buffer.from('up over IPv6'));
    await godotServerRun.waitFor('packet', { from: clientId, text: 'up over IPv6' });
    await until(() => received(client, 'down over IPv6') !== undefined, 5000, 'the packet down');
  });
});
