// RPCs between real Godot 4 clients (project/rpc_peer.gd with rpc_game.gd) and a Node
// SceneMultiplayerServer: Godot calls the server, the server calls Godot, Godot clients call
// each other through the server's relay, and what Godot refuses the server refuses too.
import { afterEach, expect, it } from 'vitest';
import { ErrorCode, SceneMultiplayerServer, TransferMode } from '../../lib/index';
import { burstUntilArrived, until } from '../godot-client';
import { describeGodot, GodotRun, runGodot } from './godot';
import { Call, gameMethods } from './rpc-game';

const servers: SceneMultiplayerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close(0)));
});

interface Harness {
  server: SceneMultiplayerServer;
  calls: Call[];
  refused: [number, string][];
  /** A Godot client that joined; resolves with its ID. */
  join(options?: Record<string, string | number>): Promise<{ godot: GodotRun; id: number }>;
}

function serve(handlers: Parameters<typeof gameMethods>[1] = {}): Harness {
  const calls: Call[] = [];
  const refused: [number, string][] = [];
  const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' });
  server.addNode('/root/Game', gameMethods(calls, handlers));
  server.on('rpcRefused', (id, reason) => refused.push([id, reason]));
  server.start();
  servers.push(server);
  const join = async (options = {}) => {
    const godot = runGodot('rpc_peer.gd', { port: server.getPort(), ...options });
    const { id } = await godot.report<{ id: number }>('joined', 15_000);
    await until(() => server.getPeerIds().includes(id), 5000, `client ${id} on the server`);
    return { godot, id };
  };
  return { server, calls, refused, join };
}

/** The `call` reports of one Godot peer for `method`. */
const callsOf = (godot: GodotRun, method: string) =>
  godot.reports<{ method: string; sender: number; args: string[]; types: string[] }>('call').filter((call) => call.method === method);

/** Waits until Godot printed `error` (as ERR_PRINT does, on stderr). */
const logged = (godot: GodotRun, error: string) =>
  until(() => godot.stderr().includes(`ERROR: ${error}`), 10_000, `Godot to print "${error}"`);

describeGodot('RPCs: Godot clients and a Node SceneMultiplayerServer', () => {
  it('a Godot client calls the server with arguments of every Variant type and gets each one back', async () => {
    const { server, calls, refused, join } = serve({
      echo: (sender, index, value) => server.rpcId(sender, 'Game', 'reply', index, value),
    });
    const { godot, id } = await join();
    expect(server.rpcId(id, 'Game', 'act', 'types', 1)).toBe(ErrorCode.OK);
    const { count } = await godot.report<{ count: number }>('values');
    await until(() => godot.reports('reply').length === count, 15_000, `${count} replies`);
    expect(godot.reports<{ same: boolean }>('reply').filter((reply) => !reply.same)).toEqual([]);
    const echoes = calls.filter((call) => call.method === 'echo');
    expect(echoes).toHaveLength(count);
    expect(echoes.every((call) => call.sender === id)).toBe(true);
    expect(refused).toEqual([]);
    expect(godot.stderr()).not.toMatch(/checksum|not allowed|Invalid/);
  });

  it('the server calls client RPCs: one client, every client, all but one; byte-only and no-argument forms; call_local runs here too',
    async () => {
      const { server, calls, refused, join } = serve();
      const [a, b] = [await join(), await join()];
      expect(server.rpcId(a.id, 'Game', 'ping', 1, 'to a')).toBe(ErrorCode.OK);
      expect(server.rpc('Game', 'ping', 2, 'to all')).toBe(ErrorCode.OK);
      expect(server.rpcId(-a.id, 'Game', 'ping', 3, 'to all but a')).toBe(ErrorCode.OK);
      expect(server.rpcId(b.id, 'Game', 'bytes', Buffer.from([9, 8, 7]))).toBe(ErrorCode.OK);
      expect(server.rpcId(b.id, 'Game', 'nothing')).toBe(ErrorCode.OK);
      expect(server.rpcId(b.id, 'Game', 'configured', 4)).toBe(ErrorCode.OK); // an rpc_config() method: 16-bit ID
      expect(server.rpc('Game', 'announce', 'hello')).toBe(ErrorCode.OK);
      await until(() => callsOf(a.godot, 'announce').length === 1 && callsOf(b.godot, 'announce').length === 1, 10_000, 'announce');
      await until(() => callsOf(b.godot, 'configured').length === 1, 10_000, 'configured');
      expect(callsOf(b.godot, 'nothing')).toHaveLength(1);
      expect(callsOf(b.godot, 'configured')[0]).toMatchObject({ sender: 1, args: ['4'] });
      expect(callsOf(a.godot, 'ping').map((call) => call.args)).toEqual([['1', '"to a"'], ['2', '"to all"']]);
      expect(callsOf(b.godot, 'ping').map((call) => call.args)).toEqual([['2', '"to all"'], ['3', '"to all but a"']]);
      expect(callsOf(b.godot, 'bytes').map((call) => [call.args, call.types])).toEqual([[['PackedByteArray(9, 8, 7)'], ['PackedByteArray']]]);
      for (const { godot } of [a, b]) expect(callsOf(godot, 'announce')[0]).toMatchObject({ sender: 1, args: ['"hello"'] });
      // call_local: the server ran it too, as its own sender; call_remote methods do not run here.
      expect(calls).toEqual([{ method: 'announce', sender: 1, args: ['hello'] }]);
      expect(server.rpcId(1, 'Game', 'ping', 4, 'me')).toBe(ErrorCode.ERR_INVALID_PARAMETER);
      expect(server.rpcId(1, 'Game', 'announce', 'just me')).toBe(ErrorCode.OK);
      expect(calls.at(-1)).toEqual({ method: 'announce', sender: 1, args: ['just me'] });
      expect(server.rpcId(12345, 'Game', 'ping', 5, 'nobody')).toBe(ErrorCode.ERR_INVALID_PARAMETER);
      expect(server.rpcId(a.id, 'Game', 'no_such_method')).toBe(ErrorCode.ERR_INVALID_PARAMETER);
      expect(server.rpcId(a.id, 'Nowhere', 'ping', 6, 'x')).toBe(ErrorCode.ERR_INVALID_PARAMETER);
      expect(server.rpcId(a.id, 'Game', 'ping', () => 0)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
      expect(refused).toEqual([]);
      for (const { godot } of [a, b]) expect(godot.stderr()).not.toMatch(/checksum|not allowed|Invalid/);
    });

  it('Godot clients call each other through the server relay; Godot refuses authority methods from a client', async () => {
    const { calls, refused, join, server } = serve();
    const [a, b] = [await join(), await join()];
    await a.godot.report('peer_connected', 5000);
    server.rpcId(a.id, 'Game', 'act', 'chat', b.id); // a → b (relayed)
    server.rpcId(b.id, 'Game', 'act', 'chat', 0); // b → everyone: the server and a
    await until(() => callsOf(b.godot, 'chat').length === 1 && callsOf(a.godot, 'chat').length === 1
      && calls.some((call) => call.method === 'chat'), 10_000, 'chats');
    expect(callsOf(b.godot, 'chat')[0]).toMatchObject({ sender: a.id, args: [`"hello from ${a.id}"`] });
    expect(callsOf(a.godot, 'chat')[0]).toMatchObject({ sender: b.id, args: [`"hello from ${b.id}"`] });
    expect(calls.filter((call) => call.method === 'chat')).toEqual([{ method: 'chat', sender: b.id, args: [`hello from ${b.id}`] }]);

    // a calls an authority method (authority 1) on b through the relay: b's Godot refuses it.
    server.rpcId(a.id, 'Game', 'act', 'forbidden', b.id);
    await logged(b.godot, `RPC 'only_authority' is not allowed on node /root/Game from: ${a.id}. `
      + 'Mode is "authority", authority is 1.');
    // a announces (authority, call_local) to everyone: it runs at a, the server and b refuse it.
    server.rpcId(a.id, 'Game', 'act', 'announce', 0);
    await until(() => refused.length === 1, 10_000, 'the server to refuse');
    expect(refused[0]).toEqual([a.id, `RPC 'announce' is not allowed on node /root/Game from: ${a.id}. `
      + 'Mode is "authority", authority is 1.']);
    await logged(b.godot, `RPC 'announce' is not allowed on node /root/Game from: ${a.id}.`);
    await until(() => callsOf(a.godot, 'announce').length === 1, 10_000, 'a to run its announce');
    expect(callsOf(a.godot, 'announce')[0].sender).toBe(a.id);
    expect(callsOf(b.godot, 'only_authority')).toEqual([]);
    expect(callsOf(b.godot, 'announce')).toEqual([]);
    expect(calls.filter((call) => call.method === 'announce')).toEqual([]);
    expect(server.getPeerIds().sort()).toEqual([a.id, b.id].sort());
  });

  it('refuses as Godot does: authority methods from clients, wrong argument counts and types; the client stays', async () => {
    const { server, calls, refused, join } = serve();
    const { godot, id } = await join();
    server.rpcId(id, 'Game', 'act', 'forbidden', 1);
    server.rpcId(id, 'Game', 'act', 'wrong', 1);
    server.rpcId(id, 'Game', 'act', 'empty_bytes', 1);
    await until(() => refused.length === 4, 10_000, 'four refusals');
    expect(refused).toEqual([
      [id, `RPC 'only_authority' is not allowed on node /root/Game from: ${id}. Mode is "authority", authority is 1.`],
      [id, "RPC - Invalid type in function 'ping'. Cannot convert argument 1 from String to int."],
      [id, "RPC - Invalid call to function 'ping'. Expected 2 argument(s)."],
      // Godot sends an empty PackedByteArray alone as "byte-only" with no bytes: no argument.
      [id, "RPC - Invalid call to function 'bytes'. Expected 1 argument(s)."],
    ]);
    expect(calls).toEqual([]);
    // Once the server makes the client the node's authority, the same call is accepted.
    server.setAuthority('/root/Game', id);
    server.rpcId(id, 'Game', 'act', 'forbidden', 1);
    await until(() => calls.length === 1, 10_000, 'the accepted call');
    expect(calls).toEqual([{ method: 'only_authority', sender: id, args: [1] }]);
    server.rpcId(id, 'Game', 'act', 'bytes', 1);
    server.rpcId(id, 'Game', 'act', 'nothing', 1);
    server.rpcId(id, 'Game', 'act', 'configured', 1);
    await until(() => calls.length === 4, 10_000, 'bytes, nothing and configured');
    expect(calls.slice(1)).toEqual([
      { method: 'bytes', sender: id, args: [Buffer.from([1, 2, 3])] },
      { method: 'nothing', sender: id, args: [] },
      { method: 'configured', sender: id, args: [3] },
    ]);
    expect(server.getPeerIds()).toEqual([id]);
    expect(godot.stderr()).not.toMatch(/checksum/);
  });

  it('a client whose node has another authority refuses the server\'s authority calls, as Godot does', async () => {
    const { server, join } = serve();
    const { godot, id } = await join({ own: true });
    expect(server.rpcId(id, 'Game', 'only_authority', 1)).toBe(ErrorCode.OK); // the sender does not check
    await logged(godot, `RPC 'only_authority' is not allowed on node /root/Game from: 1. Mode is "authority", authority is ${id}.`);
    server.rpcId(id, 'Game', 'ping', 2, 'any_peer still runs');
    await until(() => callsOf(godot, 'ping').length === 1, 10_000, 'the ping');
    expect(callsOf(godot, 'only_authority')).toEqual([]);
  });

  it('unreliable and unreliable_ordered RPCs travel on their own channels both ways', async () => {
    const { server, calls, join } = serve();
    const { godot, id } = await join();
    const frames: [number, TransferMode, number][] = [];
    server.multiplayer.on('packet', (_from, packet, mode, channel) => {
      if ((packet[0] & 7) === 0) frames.push([packet.at(-1)!, mode, channel]);
    });
    const received = (method: string) => calls.filter((call) => call.method === method).map((call) => call.args[0] as number);
    const fromGodot = await burstUntilArrived(() => server.rpcId(id, 'Game', 'act', 'streams', 1),
      () => received('fast').length > 0 && received('ordered').length > 0, () => received('ordered'), 'the streams');
    for (const ordered of fromGodot) expect(ordered).toEqual([...ordered].sort((x, y) => x - y));
    const modes = new Set(frames.map(([, mode, channel]) => `${mode}/${channel}`));
    expect(modes).toEqual(new Set([`${TransferMode.TRANSFER_MODE_UNRELIABLE}/2`, `${TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED}/3`]));
    const atGodot = await burstUntilArrived(() => {
      for (let n = 0; n < 20; n++) {
        server.rpcId(id, 'Game', 'fast', n);
        server.rpcId(id, 'Game', 'ordered', n);
      }
    }, () => callsOf(godot, 'fast').length > 0 && callsOf(godot, 'ordered').length > 0,
    () => callsOf(godot, 'ordered').map((call) => Number(call.args[0])), 'Godot to get them');
    for (const ordered of atGodot) expect(ordered).toEqual([...ordered].sort((x, y) => x - y));
  });
});

