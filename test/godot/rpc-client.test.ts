// A Node SceneMultiplayerClient in a real Godot 4 game: a Godot server (project/rpc_peer.gd,
// ENetMultiplayerPeer.create_server + SceneMultiplayer) with other Godot clients.
import { afterEach, expect, it } from 'vitest';
import {
  ErrorCode, Float, SceneMultiplayerClient, StringName, TransferMode, Vector2, Vector3i,
} from '../../lib/index';
import { burstUntilArrived, until } from '../godot-client';
import { describeGodot, GodotRun, runGodot } from './godot';
import { Call, gameMethods } from './rpc-game';

const clients: SceneMultiplayerClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close(0)));
});

/** A Godot server; resolves with its port once it listens. */
async function godotServer(options: Record<string, string | number> = {}): Promise<{ godot: GodotRun; port: number }> {
  const godot = runGodot('rpc_peer.gd', options);
  const { port } = await godot.report<{ port: number }>('listening', 15_000);
  return { godot, port };
}

interface Joined {
  client: SceneMultiplayerClient;
  calls: Call[];
  events: string[];
}

/** A Node client with the Game node, joined. */
async function join(port: number, token?: string, handlers: Parameters<typeof gameMethods>[1] = {}): Promise<Joined> {
  const calls: Call[] = [];
  const events: string[] = [];
  const client = new SceneMultiplayerClient({ address: '127.0.0.1', port, auth: token === undefined ? undefined : () => true });
  clients.push(client);
  client.addNode('/root/Game', gameMethods(calls, handlers));
  for (const event of ['connectedToServer', 'serverDisconnected', 'connectionFailed'] as const) client.on(event, () => events.push(event));
  for (const event of ['peerConnected', 'peerDisconnected', 'peerAuthenticating', 'peerAuthenticationFailed'] as const) {
    client.on(event, (id) => events.push(`${event} ${id}`));
  }
  client.on('rpcRefused', (id, reason) => events.push(`refused ${id}: ${reason}`));
  client.on('peerAuthenticating', () => {
    client.sendAuth(Buffer.from(token!));
    client.completeAuth();
  });
  client.start();
  await until(() => client.isJoined() || events.includes('serverDisconnected'), 10_000, 'the client to join');
  return { client, calls, events };
}

describeGodot('RPCs: a Node SceneMultiplayerClient in a Godot server\'s game', () => {
  it('authenticates, calls the Godot server with every kind of argument and gets the replies', async () => {
    const { godot, port } = await godotServer({ token: 'sesame' });
    const replies: unknown[][] = [];
    const { client, calls, events } = await join(port, 'sesame', { reply: (_sender, ...args) => replies.push(args) });
    expect(events).toEqual(['peerAuthenticating 1', 'connectedToServer', 'peerConnected 1']);
    expect(client.getPeerIds()).toEqual([1]);
    const { id } = await godot.report<{ id: number }>('peer_connected');
    expect(id).toBe(client.getUniqueId());
    const values = [null, true, -3, 70_000, 2n ** 60n, 0.5, new Float(2), 'text', new StringName('name'),
      new Vector2(1.5, -2), new Vector3i(1, 2, 3), [1, 'two', [3]], new Map<unknown, unknown>([['key', 1], [2, 'two']]),
      Buffer.from([1, 2, 3]), new Float32Array([0.25]), new Int32Array([-7])];
    values.forEach((value, index) => expect(client.rpcId(1, 'Game', 'echo', index, value as never)).toBe(ErrorCode.OK));
    await until(() => replies.length === values.length, 10_000, 'the replies');
    expect(replies).toEqual(values.map((value, index) => [index, value]));
    expect(calls.filter((call) => call.method === 'reply').every((call) => call.sender === 1)).toBe(true);
    // Godot's report lines come over a pipe, which may lag behind its replies over UDP.
    const echoCalls = () => godot.reports<{ method: string; sender: number; types: string[] }>('call').filter((call) => call.method === 'echo');
    await until(() => echoCalls().length >= values.length, 10_000, 'Godot to report every echo call');
    const echoed = echoCalls();
    expect(echoed.map((call) => call.types[1])).toEqual(['Nil', 'bool', 'int', 'int', 'int', 'float', 'float', 'String',
      'StringName', 'Vector2', 'Vector3i', 'Array', 'Dictionary', 'PackedByteArray', 'PackedFloat32Array', 'PackedInt32Array']);
    expect(echoed.every((call) => call.sender === client.getUniqueId())).toBe(true);

    // The Godot server calls us: ping (reliable), the streams on channels 2 and 3, no-argument and byte-only forms.
    const modes = new Set<string>();
    client.multiplayer.on('packet', (_from, packet, mode, channel) => {
      if ((packet[0] & 7) === 0) modes.add(`${mode}/${channel}`);
    });
    for (const action of ['ping', 'nothing', 'bytes']) client.rpcId(1, 'Game', 'act', action, client.getUniqueId());
    const got = (method: string) => calls.filter((call) => call.method === method);
    await until(() => got('bytes').length === 1, 10_000, 'the server\'s reliable calls');
    const bursts = await burstUntilArrived(() => client.rpcId(1, 'Game', 'act', 'streams', client.getUniqueId()),
      () => got('ordered').length > 0 && got('fast').length > 0, () => got('ordered').map((call) => call.args[0] as number),
      'the server\'s unreliable calls');
    expect(got('ping')).toEqual([{ method: 'ping', sender: 1, args: [7, 'seven'] }]);
    expect(got('nothing')).toEqual([{ method: 'nothing', sender: 1, args: [] }]);
    expect(got('bytes')).toEqual([{ method: 'bytes', sender: 1, args: [Buffer.from([1, 2, 3])] }]);
    for (const ordered of bursts) expect(ordered).toEqual([...ordered].sort((x, y) => x - y));
    expect(modes).toEqual(new Set([`${TransferMode.TRANSFER_MODE_RELIABLE}/0`, `${TransferMode.TRANSFER_MODE_UNRELIABLE}/2`,
      `${TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED}/3`]));
    expect(events.filter((event) => event.startsWith('refused'))).toEqual([]);
    expect(godot.stderr()).not.toMatch(/checksum|not allowed|Invalid/);
  });

  it('sees Godot clients join and leave, calls them through the relay and is refused as Godot refuses', async () => {
    const { godot: server, port } = await godotServer();
    const { client, calls, events } = await join(port);
    const other = runGodot('rpc_peer.gd', { port });
    const { id: otherId } = await other.report<{ id: number }>('joined', 15_000);
    await until(() => client.getPeerIds().includes(otherId), 10_000, 'the other client announced');
    await other.report('peer_connected'); // the server, then us
    await until(() => other.reports('peer_connected').length === 2, 10_000, 'us announced to the other client');
    expect(other.reports<{ id: number }>('peer_connected').map((peer) => peer.id)).toEqual([1, client.getUniqueId()]);

    // Through the relay: we ask the other client to chat to everyone, then call it directly.
    expect(client.rpcId(otherId, 'Game', 'act', 'chat', 0)).toBe(ErrorCode.OK);
    expect(client.rpcId(otherId, 'Game', 'chat', 'from node')).toBe(ErrorCode.OK);
    await until(() => calls.some((call) => call.method === 'chat'), 10_000, 'the other client\'s chat');
    expect(calls.find((call) => call.method === 'chat')).toEqual({ method: 'chat', sender: otherId, args: [`hello from ${otherId}`] });
    await until(() => other.reports('call').some((call) => call.method === 'chat'), 10_000, 'our chat');
    expect(other.reports('call').find((call) => call.method === 'chat')).toMatchObject({ sender: client.getUniqueId(), args: ['"from node"'] });
    const chatAtServer = () => server.reports('call').filter((call) => call.method === 'chat');
    await until(() => chatAtServer().length === 1, 10_000, 'the chat at the server');
    expect(chatAtServer()[0].sender).toBe(otherId);

    // Authority methods: Godot refuses ours, we refuse the other client's.
    client.rpcId(1, 'Game', 'only_authority', 5);
    await until(() => server.stderr().includes(`RPC 'only_authority' is not allowed on node /root/Game from: ${client.getUniqueId()}.`),
      10_000, 'the Godot server to refuse');
    client.rpcId(otherId, 'Game', 'act', 'forbidden', client.getUniqueId());
    await until(() => events.some((event) => event.startsWith('refused')), 10_000, 'us to refuse');
    expect(events.filter((event) => event.startsWith('refused'))).toEqual([`refused ${otherId}: RPC 'only_authority' is not allowed `
      + `on node /root/Game from: ${otherId}. Mode is "authority", authority is 1.`]);

    // The other client leaves (asked through the relay): we see it go.
    client.rpcId(otherId, 'Game', 'act', 'leave', 0);
    await until(() => events.includes(`peerDisconnected ${otherId}`), 10_000, 'the other client to leave');
    expect(client.getPeerIds()).toEqual([1]);
    expect(client.rpcId(otherId, 'Game', 'chat', 'gone')).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    await client.close();
    expect(events.slice(-1)).toEqual(['serverDisconnected']);
    await until(() => server.reports('peer_disconnected').length === 2, 10_000, 'the server to see us leave');
  });

  it('a wrong token: the Godot server drops us and the client says so', async () => {
    const { port } = await godotServer({ token: 'sesame' });
    const { client, events } = await join(port, 'guess');
    await until(() => events.includes('serverDisconnected'), 10_000, 'the disconnection');
    expect(events).toEqual(['peerAuthenticating 1', 'peerAuthenticationFailed 1', 'serverDisconnected']);
    expect(client.isJoined()).toBe(false);
  });
});
