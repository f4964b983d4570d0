// The same scenarios with Godot 4 clients (mp_client.gd) against Godot's own server (mp_server.gd:
// create_server and SceneMultiplayer) and against SceneMultiplayerServer: each client must see
// the same signals, with the same data, from both.
import { afterEach, expect, it } from 'vitest';
import { SceneMultiplayerServer } from '../../lib/index';
import { until } from '../godot-client';
import { freeUdpPort } from '../helpers';
import { describeGodot } from './godot';
import { joinInTurn, MpClient, Report, runMp, startClient } from './multiplayer';

/** The signals a client reports (mp_common.gd), without the command acknowledgements. */
const SIGNALS = new Set(['peer_connected', 'peer_disconnected', 'connected_to_server', 'connection_failed', 'server_disconnected',
  'peer_authenticating', 'peer_authentication_failed', 'peer_packet', 'auth_data', 'rpc']);

/** The server a scenario runs against: Godot's or ours, started on a free port. */
interface Server {
  port: number;
  /** Raw bytes the server received (peer_packet, 'peerPacket'): sender and text. */
  bytes(): { from: number; text: string }[];
  /** Sends `reason` to client `id` and disconnects it (Godot: disconnect_peer, ours: kick). */
  kick(id: number, reason: string): Promise<void>;
  /** Sets refuse_new_connections. */
  refuse(on: boolean): Promise<void>;
  /** Stops it gracefully (Godot: close(), ours: close()). */
  close(): Promise<void>;
}

/** How a scenario's server is set up: with auth (token SECRET, 1 s), with server relay, for how many clients (32). */
interface Setup {
  auth: boolean;
  relay: boolean;
  maxClients?: number;
}

const servers: SceneMultiplayerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close(0)));
});

const SECRET = 'secret';

async function godotServer({ auth, relay, maxClients = 32 }: Setup): Promise<Server> {
  const port = await freeUdpPort();
  const godot = await runMp('mp_server.gd', { port, relay: relay ? 'yes' : 'no', 'max-clients': maxClients,
    ...auth ? { auth: SECRET, 'auth-timeout': 1 } : {} });
  await godot.waitFor('created', { error: 0 });
  return {
    port,
    bytes: () => godot.all('peer_packet') as { from: number; text: string }[],
    kick: async (id, reason) => { await godot.call({ do: 'kick', id, text: reason }); },
    refuse: async (on) => { await godot.call({ do: 'refuse', on }); },
    close: async () => { await godot.call({ do: 'close' }); },
  };
}

function ourServer({ auth, relay, maxClients = 32 }: Setup): Server {
  const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1', relay, maxClients,
    ...auth ? { auth: (_id: number, data: Buffer) => data.toString() === SECRET, authTimeoutMs: 1000 } : {} });
  const bytes: { from: number; text: string }[] = [];
  server.on('peerPacket', (from, packet) => bytes.push({ from, text: packet.toString() }));
  servers.push(server.start());
  return {
    port: server.getPort(),
    bytes: () => bytes,
    kick: async (id, reason) => {
      server.sendBytes(Buffer.from(reason), id);
      server.kick(id);
    },
    refuse: async (on) => { server.multiplayer.refuseNewConnections = on; },
    close: () => server.close(),
  };
}

/**
 * What `client` saw, with every client ID replaced by its name, sorted: the same multiset from
 * both servers (the order of simultaneous signals may differ).
 */
function seen(client: MpClient, clients: MpClient[]): string[] {
  const names = new Map<unknown, string>(clients.map(({ id, name }) => [id, name]));
  const named = (value: unknown): unknown => names.get(value) ?? value;
  return client.godot.lines.map((line) => /^(\w+) (\{.*\})$/.exec(line)).filter((match) => match && SIGNALS.has(match[1]))
    .map((match) => {
      const data = JSON.parse(match![2]) as Report;
      return `${match![1]} ${JSON.stringify(Object.fromEntries(Object.entries(data).map(([key, value]) => [key, named(value)])))}`;
    }).sort();
}

/** Three clients join one by one, exchange bytes and RPCs, one leaves, the server closes. */
async function relayScenario(server: Server): Promise<Record<string, string[]>> {
  const clients = await joinInTurn(server.port, ['a', 'b', 'c']);
  const [a, b, c] = clients;
  a.godot.command({ do: 'send', to: b.id, text: 'a to b' });
  a.godot.command({ do: 'send', to: 0, text: 'a to all' });
  a.godot.command({ do: 'send', to: -b.id, text: 'a to all but b' });
  a.godot.command({ do: 'rpc', to: c.id, text: 'a calls c' });
  c.godot.command({ do: 'rpc', to: 0, text: 'c calls all', method: 'hear_on_channel' });
  await b.godot.waitFor('peer_packet', { text: 'a to all' });
  await b.godot.waitFor('rpc', { text: 'c calls all' });
  await a.godot.waitFor('rpc', { text: 'c calls all' });
  await c.godot.waitFor('peer_packet', { text: 'a to all but b' });
  await c.godot.waitFor('rpc', { text: 'a calls c' });
  b.godot.command({ do: 'close' });
  for (const { godot } of [a, c]) await godot.waitFor('peer_disconnected', { id: b.id });
  await server.close();
  for (const { godot } of [a, c]) await godot.waitFor('server_disconnected');
  return Object.fromEntries(clients.map((client) => [client.name, seen(client, clients)]));
}

/** Clients that authenticate, refuse to, stay silent, and leave while authenticating. */
async function authScenario(server: Server): Promise<Record<string, string[]>> {
  const accepted = await startClient(server.port, { auth: SECRET }, 'accepted');
  await accepted.godot.waitFor('connected_to_server');
  const clients = [accepted, ...await Promise.all([
    startClient(server.port, { auth: 'wrong' }, 'refused'),
    startClient(server.port, { auth: 'silent' }, 'silent'),
  ])];
  for (const { godot } of clients.slice(1)) {
    await godot.waitFor('peer_authentication_failed', { id: 1 });
    await godot.waitFor('server_disconnected');
  }
  return Object.fromEntries(clients.map((client) => [client.name, seen(client, clients)]));
}

/** Without server relay: the clients know only the server, and only what is sent to it arrives. */
async function noRelayScenario(server: Server): Promise<Record<string, unknown>> {
  const clients = [await startClient(server.port, {}, 'a'), await startClient(server.port, {}, 'b')];
  for (const { godot } of clients) await godot.waitFor('connected_to_server');
  const [a, b] = clients;
  a.godot.command({ do: 'send', to: 0, text: 'a to all' });
  a.godot.command({ do: 'send', to: 1, text: 'a to the server' });
  b.godot.command({ do: 'send', to: 1, text: 'b to the server' });
  await until(() => server.bytes().length === 2, 5000, 'the bytes to the server');
  await server.close();
  for (const { godot } of clients) await godot.waitFor('server_disconnected');
  const names = new Map(clients.map(({ id, name }) => [id, name]));
  return {
    ...Object.fromEntries(clients.map((client) => [client.name, seen(client, clients)])),
    server: server.bytes().map(({ from, text }) => `${names.get(from)}: ${text}`).sort(),
  };
}

/** A server for two: a third client gets no answer and gives up (connection_failed). */
async function fullScenario(server: Server): Promise<Record<string, string[]>> {
  const clients = [await startClient(server.port, {}, 'a'), await startClient(server.port, {}, 'b')];
  for (const { godot } of clients) await godot.waitFor('connected_to_server');
  const third = await startClient(server.port, { 'timeout-ms': '1000' }, 'third');
  await third.godot.waitFor('connection_failed');
  clients.push(third);
  await server.close();
  for (const { godot } of clients.slice(0, 2)) await godot.waitFor('server_disconnected');
  return Object.fromEntries(clients.map((client) => [client.name, seen(client, clients)]));
}

/**
 * A server refusing new connections: ENet accepts the client before the server refuses it, so
 * it first sees the server join, then leave (Godot's server: once ENet times it out; ours: at
 * once). The joined client hears nothing of it.
 */
async function refusingScenario(server: Server): Promise<Record<string, string[]>> {
  const clients = [await startClient(server.port, {}, 'a')];
  await clients[0].godot.waitFor('connected_to_server');
  clients[0].godot.command({ do: 'send', to: 1, text: 'joined' });
  await until(() => server.bytes().length === 1, 5000, 'the server to admit a');
  await server.refuse(true);
  clients.push(await startClient(server.port, { 'timeout-ms': '1000' }, 'refused'));
  await clients[1].godot.waitFor('server_disconnected');
  await server.close();
  await clients[0].godot.waitFor('server_disconnected');
  return Object.fromEntries(clients.map((client) => [client.name, seen(client, clients)]));
}

/**
 * The server sends a reason to one client and disconnects it; the other sees it leave. Godot's
 * disconnect_peer() is ENet's plain disconnect, which drops what the client has received but
 * not yet handed over (and what it has not acknowledged): the reason is lost.
 */
async function kickScenario(server: Server): Promise<Record<string, string[]>> {
  const clients = await joinInTurn(server.port, ['kicked', 'other']);
  const [kicked, other] = clients;
  await server.kick(kicked.id, 'you are kicked');
  await kicked.godot.waitFor('server_disconnected');
  await other.godot.waitFor('peer_disconnected', { id: kicked.id });
  await server.close();
  await other.godot.waitFor('server_disconnected');
  return Object.fromEntries(clients.map((client) => [client.name, seen(client, clients)]));
}

describeGodot('Godot 4 clients see the same from SceneMultiplayerServer as from Godot\'s own server', () => {
  it('joining, relayed bytes and RPCs, a client leaving, the server closing', async () => {
    const [fromGodot, fromOurs] = await Promise.all([relayScenario(await godotServer({ auth: false, relay: true })),
      relayScenario(ourServer({ auth: false, relay: true }))]);
    expect(fromOurs).toEqual(fromGodot);
  });

  it('auth: accepted, refused, silent (timed out)', async () => {
    const [fromGodot, fromOurs] = await Promise.all([authScenario(await godotServer({ auth: true, relay: true })),
      authScenario(ourServer({ auth: true, relay: true }))]);
    expect(fromOurs).toEqual(fromGodot);
  });

  it('without server relay (Godot: server_relay = false; ours: relay: false)', async () => {
    const [fromGodot, fromOurs] = await Promise.all([noRelayScenario(await godotServer({ auth: false, relay: false })),
      noRelayScenario(ourServer({ auth: false, relay: false }))]);
    expect(fromOurs).toEqual(fromGodot);
    expect(fromOurs.server).toEqual(['a: a to the server', 'b: b to the server']);
  });

  it('a full server (2 clients): a third client gets connection_failed', async () => {
    const [fromGodot, fromOurs] = await Promise.all([fullScenario(await godotServer({ auth: false, relay: true, maxClients: 2 })),
      fullScenario(ourServer({ auth: false, relay: true, maxClients: 2 }))]);
    expect(fromOurs).toEqual(fromGodot);
    expect(fromOurs.third).toEqual(['connection_failed {}']);
  });

  it('refusing new connections: a refused client sees the server join, then leave', async () => {
    const [fromGodot, fromOurs] = await Promise.all([refusingScenario(await godotServer({ auth: false, relay: true })),
      refusingScenario(ourServer({ auth: false, relay: true }))]);
    expect(fromOurs).toEqual(fromGodot);
    expect(fromOurs.refused).toEqual(['connected_to_server {"id":"refused"}', 'peer_connected {"id":1}', 'peer_disconnected {"id":1}',
      'server_disconnected {}']);
  });

  it('Godot misbehaviour: bytes sent just before SceneMultiplayer.disconnect_peer() are lost; kick() delivers them, otherwise the same', async () => {
    const [fromGodot, fromOurs] = await Promise.all([kickScenario(await godotServer({ auth: false, relay: true })),
      kickScenario(ourServer({ auth: false, relay: true }))]);
    const reason = 'peer_packet {"from":1,"text":"you are kicked"}';
    expect(fromGodot.kicked).not.toContain(reason);
    expect(fromOurs.kicked).toContain(reason);
    expect({ ...fromOurs, kicked: fromOurs.kicked.filter((line) => line !== reason) }).toEqual(fromGodot);
  });
});
