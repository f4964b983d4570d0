// SceneMultiplayerServer with two or three real Godot 4 clients (mp_client.gd: create_client
// and the default SceneMultiplayer) over 127.0.0.1: announcements, relay of send_bytes and of
// RPCs between them, raw bytes to and from the server, auth, kick and close.
import { afterEach, expect, it } from 'vitest';
import { AuthHook, SceneMultiplayerServer, TransferMode } from '../../lib/index';
import { until } from '../godot-client';
import { freeUdpPort } from '../helpers';
import { describeGodot } from './godot';
import { joinInTurn, MpRun, Report, runMp, startClient } from './multiplayer';

/** SceneMultiplayer's commands (low 3 bits of a frame's first byte) and SYS sub-commands. */
const SIMPLIFY_PATH = 1;
const CONFIRM_PATH = 2;
const SYS = 7;
const SYS_RELAY = 3;

interface Heard {
  joined: number[];
  left: number[];
  authFailed: number[];
  bytes: { from: number; text: string; mode: TransferMode; channel: number }[];
  /** Relay requests (07 03 <to> inner) the server received: sender, destination, inner frame. */
  relays: { from: number; to: number; inner: Buffer }[];
}

const servers: SceneMultiplayerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close(0)));
});

function startServer(options: { auth?: AuthHook; authTimeoutMs?: number } = {}): { server: SceneMultiplayerServer; heard: Heard; port: number } {
  const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1', ...options });
  servers.push(server);
  const heard: Heard = { joined: [], left: [], authFailed: [], bytes: [], relays: [] };
  server.on('peerConnected', (id) => heard.joined.push(id));
  server.on('peerDisconnected', (id) => heard.left.push(id));
  server.on('peerAuthenticationFailed', (id) => heard.authFailed.push(id));
  server.on('peerPacket', (from, bytes, mode, channel) => heard.bytes.push({ from, text: bytes.toString(), mode, channel }));
  server.start();
  server.multiplayer.on('packet', (from, packet) => {
    if (packet[0] === SYS && packet[1] === SYS_RELAY) heard.relays.push({ from, to: packet.readInt32LE(2), inner: packet.subarray(6) });
  });
  return { server, heard, port: server.getPort() };
}

/** Bytes that ENet fragments (60 kB, under the default maxRelayBytes budget), relayed whole. */
const LARGE = Array.from({ length: 12_000 }, (_, index) => `${index},`).join('').slice(0, 60_000);

const ids = (reports: Report[]): unknown[] => reports.map((report) => report.id);
const texts = (godot: MpRun, fields: Report = {}): unknown[] => godot.all('peer_packet', fields).map((packet) => packet.text);

describeGodot('SceneMultiplayerServer with Godot 4 clients', () => {
  it('announces each Godot client to the others (peer_connected) and a leaving one (peer_disconnected)', async () => {
    const { heard, port } = startServer();
    const [a, b, c] = await joinInTurn(port, 3);
    expect(ids(a.godot.all('peer_connected'))).toEqual([1, b.id, c.id]);
    expect(ids(b.godot.all('peer_connected'))).toEqual([1, a.id, c.id]);
    expect(ids(c.godot.all('peer_connected')).sort()).toEqual([1, a.id, b.id].sort());
    expect(heard.joined).toEqual([a.id, b.id, c.id]);
    b.godot.command({ do: 'close' });
    await a.godot.waitFor('peer_disconnected', { id: b.id });
    await c.godot.waitFor('peer_disconnected', { id: b.id });
    expect(heard.left).toEqual([b.id]);
    expect(await a.godot.call({ do: 'peers' })).toEqual(expect.arrayContaining([1, c.id]));
  });

  it('relays send_bytes between Godot clients: to one, to all, to all but one; and raw bytes to and from the server', async () => {
    const { server, heard, port } = startServer();
    const [a, b, c] = await joinInTurn(port, 3);
    a.godot.command({ do: 'send', to: b.id, text: 'a to b' });
    a.godot.command({ do: 'send', to: 0, text: 'a to all', mode: 'ordered', channel: 2 });
    a.godot.command({ do: 'send', to: -b.id, text: 'a to all but b', mode: 'unreliable' });
    a.godot.command({ do: 'send', to: 1, text: 'a to the server', channel: 5 });
    a.godot.command({ do: 'send', to: c.id, text: LARGE });
    a.godot.command({ do: 'send', to: c.id, text: 'a to c: end' });
    await c.godot.waitFor('peer_packet', { text: 'a to c: end' });
    await b.godot.waitFor('peer_packet', { text: 'a to all' });
    expect(texts(b.godot, { from: a.id })).toEqual(['a to b', 'a to all']);
    expect(texts(c.godot, { from: a.id })).toEqual(['a to all', 'a to all but b', LARGE, 'a to c: end']);
    expect(texts(a.godot)).toEqual([]);
    expect(heard.bytes).toEqual([
      { from: a.id, text: 'a to all', mode: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, channel: 2 },
      { from: a.id, text: 'a to all but b', mode: TransferMode.TRANSFER_MODE_UNRELIABLE, channel: 0 },
      { from: a.id, text: 'a to the server', mode: TransferMode.TRANSFER_MODE_RELIABLE, channel: 5 },
    ]);

    // Reliable bytes keep their order through the relay.
    const numbers = Array.from({ length: 200 }, (_, index) => `#${index}`);
    for (const text of numbers) a.godot.command({ do: 'send', to: b.id, text });
    await b.godot.waitFor('peer_packet', { text: '#199' });
    expect(texts(b.godot, { from: a.id }).filter((text) => String(text).startsWith('#'))).toEqual(numbers);

    server.sendBytes(Buffer.from('server to b'), b.id);
    server.sendBytes(Buffer.from('server to all but c'), -c.id);
    server.sendBytes(Buffer.from('server to all'));
    for (const { godot } of [a, b, c]) await godot.waitFor('peer_packet', { text: 'server to all' });
    expect(texts(a.godot, { from: 1 })).toEqual(['server to all but c', 'server to all']);
    expect(texts(b.godot, { from: 1 })).toEqual(['server to b', 'server to all but c', 'server to all']);
    expect(texts(c.godot, { from: 1 })).toEqual(['server to all']);
  });

  it('relays RPCs between Godot clients, with the path-cache exchange (simplify, confirm) that lets later RPCs drop the path', async () => {
    const { heard, port } = startServer();
    const [a, b, c] = await joinInTurn(port, 3);
    const fromAToB = (command: number) => heard.relays.filter((relay) => relay.from === a.id && relay.to === b.id
      && (relay.inner[0] & 7) === command);
    a.godot.command({ do: 'rpc', to: b.id, text: 'first' });
    expect(await b.godot.waitFor('rpc', { text: 'first' })).toEqual({ from: a.id, text: 'first', method: 'hear' });
    await until(() => heard.relays.some((relay) => relay.from === b.id && relay.to === a.id && (relay.inner[0] & 7) === CONFIRM_PATH),
      5000, 'b to confirm the path to a');
    expect(fromAToB(SIMPLIFY_PATH)).toHaveLength(1);
    // b's RPC leaves after its confirmation on the same reliable channel: once a has it, a has the confirmation.
    b.godot.command({ do: 'rpc', to: a.id, text: 'reply' });
    expect(await a.godot.waitFor('rpc', { text: 'reply' })).toEqual({ from: b.id, text: 'reply', method: 'hear' });
    a.godot.command({ do: 'rpc', to: b.id, text: 'second' });
    await b.godot.waitFor('rpc', { text: 'second' });
    const [first, second] = fromAToB(0);
    expect(first.inner.includes('Rpc')).toBe(true);
    expect(second.inner.includes('Rpc')).toBe(false);
    expect(second.inner.length).toBeLessThan(first.inner.length);

    c.godot.command({ do: 'rpc', to: 0, text: 'c to all', method: 'hear_on_channel' });
    for (const { godot } of [a, b]) {
      expect(await godot.waitFor('rpc', { text: 'c to all' })).toEqual({ from: c.id, text: 'c to all', method: 'hear_on_channel' });
    }
    expect(c.godot.all('rpc')).toEqual([]);
  });

  it('relays MultiplayerSynchronizer state between Godot clients: path-based sync, every frame and on change', async () => {
    const { port } = startServer();
    const clients = await joinInTurn(port, 3, { players: 'yes' });
    for (const { godot, id } of clients) godot.command({ do: 'set_player', text: `state of ${id}` });
    for (const { godot, id } of clients) {
      for (const other of clients) {
        if (other.id === id) continue;
        const state = `state of ${other.id}`;
        await godot.waitFor('synced', { id: other.id, always: state, on_change: state });
      }
    }
  });

  it('auth: a Godot client with auth_callback, send_auth and complete_auth is accepted, refused, challenged, or timed out', async () => {
    const asked: string[] = [];
    const { heard, port } = startServer({
      authTimeoutMs: 1500,
      auth: (_id, data) => {
        const token = data.toString();
        asked.push(token);
        if (token === 'challenge me') return Buffer.from('challenge:42');
        return token === 'secret' || token === 'answer:42';
      },
    });
    const accepted = await startClient(port, { auth: 'secret' });
    const challenged = await startClient(port, { auth: 'challenge me', 'complete-auth': 'after-answer' });
    const refused = await startClient(port, { auth: 'wrong' });
    const silent = await startClient(port, { auth: 'silent' });
    for (const { godot } of [accepted, refused, challenged, silent]) await godot.waitFor('peer_authenticating', { id: 1 });
    await accepted.godot.waitFor('connected_to_server', { id: accepted.id });
    await challenged.godot.waitFor('connected_to_server', { id: challenged.id });
    expect(challenged.godot.all('auth_data')).toEqual([{ from: 1, text: 'challenge:42' }]);
    await accepted.godot.waitFor('peer_connected', { id: challenged.id });
    await refused.godot.waitFor('peer_authentication_failed', { id: 1 });
    await silent.godot.waitFor('peer_authentication_failed', { id: 1 });
    // ENet had connected, so Godot reports the end as server_disconnected, not connection_failed.
    for (const { godot } of [refused, silent]) await godot.waitFor('server_disconnected');
    expect(heard.authFailed.sort()).toEqual([refused.id, silent.id].sort());
    expect(heard.joined.sort()).toEqual([accepted.id, challenged.id].sort());
    expect(asked.sort()).toEqual(['answer:42', 'challenge me', 'secret', 'wrong']);
    // Neither failed client was ever announced, nor heard of the others.
    expect(ids(accepted.godot.all('peer_connected')).sort()).toEqual([1, challenged.id].sort());
    for (const { godot } of [refused, silent]) {
      expect(godot.all('connected_to_server')).toEqual([]);
      expect(godot.all('peer_connected')).toEqual([]);
    }
  });

  it('a Godot client that sends its token but never completes auth is timed out', async () => {
    const { heard, port } = startServer({ authTimeoutMs: 1000, auth: () => true });
    const client = await startClient(port, { auth: 'secret', 'complete-auth': 'no' });
    await client.godot.waitFor('peer_authentication_failed', { id: 1 });
    expect(heard.authFailed).toEqual([client.id]);
    expect(client.godot.all('connected_to_server')).toEqual([]);
  });

  it('a Godot client that leaves while authenticating is reported as peerAuthenticationFailed, as Godot\'s own server reports peer_authentication_failed', async () => {
    const godotPort = await freeUdpPort();
    const godotServer = await runMp('mp_server.gd', { port: godotPort, auth: 'secret' });
    await godotServer.waitFor('created', { error: 0 });
    const { server, heard, port } = startServer({ auth: () => true });
    const authenticating: number[] = [];
    server.on('peerAuthenticating', (id) => authenticating.push(id));
    const [toGodot, toOurs] = await Promise.all([startClient(godotPort, { auth: 'silent' }), startClient(port, { auth: 'silent' })]);
    // Each server knows the client before it leaves (else ENet reports no connection at all).
    await godotServer.waitFor('peer_authenticating', { id: toGodot.id });
    await until(() => authenticating.includes(toOurs.id), 5000, 'peerAuthenticating');
    for (const { godot } of [toGodot, toOurs]) godot.command({ do: 'close' });
    expect(await godotServer.waitFor('peer_authentication_failed')).toEqual({ id: toGodot.id });
    await until(() => heard.authFailed.length > 0, 5000, 'peerAuthenticationFailed');
    expect(heard.authFailed).toEqual([toOurs.id]);
  });

  it('an auth hook that accepts after the timeout failed the client does not let it join (Godot ignores a failed peer until it is gone)', async () => {
    const { server, heard, port } = startServer({ authTimeoutMs: 500, auth: () => lateAccept });
    // Resolves right as the timeout fails the client, before its disconnection completes.
    const lateAccept = new Promise<boolean>((resolve) => server.once('peerAuthenticationFailed', () => resolve(true)));
    const client = await startClient(port, { auth: 'secret' });
    await client.godot.waitFor('peer_authentication_failed', { id: 1 });
    await client.godot.waitFor('server_disconnected');
    expect(heard.authFailed).toEqual([client.id]);
    expect(heard.joined).toEqual([]);
    expect(client.godot.all('connected_to_server')).toEqual([]);
  });

  it('kick: the reason sent just before arrives, then server_disconnected; the others see peer_disconnected', async () => {
    const { server, heard, port } = startServer();
    const [kicked, other] = await joinInTurn(port, 2);
    server.sendBytes(Buffer.from('kicked: too many requests'), kicked.id);
    server.kick(kicked.id, 4);
    await kicked.godot.waitFor('server_disconnected');
    expect(texts(kicked.godot)).toEqual(['kicked: too many requests']);
    await other.godot.waitFor('peer_disconnected', { id: kicked.id });
    await until(() => heard.left.length === 1, 5000, 'peerDisconnected');
    expect(heard.left).toEqual([kicked.id]);
  });

  it('close(): a goodbye sent just before arrives, then every Godot client sees server_disconnected', async () => {
    const { server, port } = startServer();
    const clients = await joinInTurn(port, 3);
    server.sendBytes(Buffer.from('goodbye'));
    const closed = server.close();
    for (const { godot } of clients) {
      await godot.waitFor('server_disconnected', {}, 3000);
      expect(texts(godot)).toEqual(['goodbye']);
    }
    await closed;
  });
});
