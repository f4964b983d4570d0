// SceneMultiplayer's RPC protocol (lib/rpc/) without Godot: frames as Godot lays them out, method
// IDs and the checksum, and hostile input (seeded fuzzing, in process and over the wire): never a
// crash, the peer kept. test/godot/rpc-*.test.ts check the same against the real engine.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CompressionMode, Crypto, CryptoKey, ErrorCode, Float, SceneMultiplayerClient, SceneMultiplayerServer, TLSOptions, TransferMode,
  Vector2, Vector2i,
} from '../lib/index';
import { encodeArguments } from '../lib/rpc/callArguments';
import { RpcInterface } from '../lib/rpc/RpcInterface';
import { RpcNode } from '../lib/rpc/RpcNode';
import {
  confirmPathFrame, parseConfirmPath, parseRemoteCall, parseSimplifyPath, remoteCallFrame, simplifyPathFrame,
} from '../lib/rpc/wire';
import { Random } from './fixtures/hostile';
import { GodotClient, RELIABLE, sysFrame, until } from './godot-client';
import { expectENetError } from './helpers';

const servers: SceneMultiplayerServer[] = [];
const clients: SceneMultiplayerClient[] = [];
afterEach(async () => {
  await Promise.all([...clients.splice(0), ...servers.splice(0)].map((peer) => peer.close(0)));
});

const METHODS = {
  move: { mode: 'any_peer' as const, transferMode: 'unreliable_ordered' as const, channel: 1, args: ['Vector2'] },
  state: { args: ['Array'] },
  hit: { mode: 'any_peer' as const, args: ['int', 'float'], required: 1 },
};

describe('RPC frames', () => {
  it('numbers methods by sorted name and hashes the names as Godot (md5 of them joined)', () => {
    const node = new RpcNode('/root/World/Player', { zeta: {}, Alpha: {}, beta: {}, émile: {}, '😀': {}, 'z\u00ff': {} });
    expect(node.path).toBe('World/Player');
    // Code point order: uppercase before lowercase, U+00FF before U+1F600 (UTF-16 order agrees here).
    const order = ['Alpha', 'beta', 'zeta', 'z\u00ff', 'émile', '😀'];
    expect(order.map((name) => node.method(name)!.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(node.checksum).toBe(createHash('md5').update(order.join('')).digest('hex'));
    expect(new RpcNode('Game', {}).checksum).toBe('d41d8cd98f00b204e9800998ecf8427e');
    // rpc_config()'s methods come first, numbered from 0x8000.
    const mixed = new RpcNode('Game', { b: {}, z: { rpcConfig: true }, a: {}, y: { rpcConfig: true } });
    expect(['y', 'z', 'a', 'b'].map((name) => mixed.method(name)!.id)).toEqual([0x8000, 0x8001, 0, 1]);
    expect(mixed.methodById(0x8001)!.name).toBe('z');
    expect(mixed.checksum).toBe(createHash('md5').update('yzab').digest('hex'));
  });

  it('checks declarations (ERR_INVALID_PARAMETER)', () => {
    expectENetError(() => new RpcNode('', {}), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('/root', {}), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('Game', { f: { mode: 'anyone' as never } }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('Game', { f: { transferMode: 'fast' as never } }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('Game', { f: { channel: 253 } }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('Game', { f: { args: ['integer'] } }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('Game', { f: { args: ['int'], required: 2 } }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('Game', { f: { call: 'run' as never } }), 'ERR_INVALID_PARAMETER');
    expectENetError(() => new RpcNode('Game', { f: { rpcConfig: 1 as never } }), 'ERR_INVALID_PARAMETER');
  });

  it('lays out REMOTE_CALL as Godot: node ID in 8, 16 or 32 bits, or the path appended; method ID in 8 or 16 bits', () => {
    const args = encodeArguments([true, 5, -300, 'hi']);
    // 0 | no count byte (…) | node width code << 4 | method width << 6 | byte-only << 7
    expect(remoteCallFrame({ cacheId: 7 }, 3, args).subarray(0, 4)).toEqual(Buffer.from([0x00, 7, 3, 4]));
    expect(args.bytes.subarray(0, 6)).toEqual(Buffer.from([0x01 | 0x80, 0x02, 5, 0x42, 0xd4, 0xfe]));
    expect(remoteCallFrame({ cacheId: 300 }, 3, args)[0]).toBe(0x10);
    expect(remoteCallFrame({ cacheId: 7, wide: true }, 0x8001, args)[0]).toBe(0x20 | 0x40);
    const byPath = remoteCallFrame({ path: 'World/Player' }, 1, args);
    const pathStart = 1 + 4 + 1 + 1 + args.bytes.length;
    expect(byPath.readUInt32LE(1)).toBe((0x80000000 | pathStart) >>> 0);
    expect(byPath.subarray(pathStart).toString()).toBe('World/Player\0');
    expect(parseRemoteCall(byPath)).toEqual({ cacheId: null, path: 'World/Player', methodId: 1, byteOnly: false,
      argsStart: 1 + 4 + 1, argsEnd: pathStart });
    const noArgs = remoteCallFrame({ cacheId: 70_000 }, 2, encodeArguments([]));
    expect(noArgs).toEqual(Buffer.from([0xa0, 0x70, 0x11, 0x01, 0x00, 2]));
    const bytes = remoteCallFrame({ cacheId: 1 }, 0, encodeArguments([Uint8Array.from([9, 9])]));
    expect(bytes).toEqual(Buffer.from([0x80, 1, 0, 9, 9]));
    expect(parseRemoteCall(Buffer.from([0x30, 1, 2]))).toBe('invalid node ID compression');
    expect(parseRemoteCall(Buffer.from([0x20, 0x10, 0, 0, 0x80, 1]))).toBe('path offset past the end of the frame');
    // An int beyond 64 bits is no Variant: refused, never wrapped (2^64 would arrive as 0).
    for (const int of [2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n]) expectENetError(() => encodeArguments([int]), 'ERR_INVALID_PARAMETER');
    expect(encodeArguments([2n ** 63n - 1n]).bytes).toEqual(Buffer.from([0x02 | (3 << 6), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));
  });

  it('lays out SIMPLIFY_PATH and CONFIRM_PATH as Godot', () => {
    const checksum = new RpcNode('Game', METHODS).checksum;
    const simplify = simplifyPathFrame(checksum, 5, 'Game');
    expect(simplify).toEqual(Buffer.concat([Buffer.from([1]), Buffer.from(checksum), Buffer.from([0, 5, 0, 0, 0]), Buffer.from('Game\0')]));
    expect(parseSimplifyPath(simplify)).toEqual({ checksum, cacheId: 5, path: 'Game' });
    expect(parseSimplifyPath(simplify.subarray(0, 37))).toBe('frame too short');
    expect(confirmPathFrame(true, 258)).toEqual(Buffer.from([2, 1, 2, 1, 0, 0]));
    expect(parseConfirmPath(Buffer.from([2, 0, 1, 0, 0, 0, 0]))).toBe('frame of the wrong size');
  });
});

describe('RPC hostile input', () => {
  /** Valid frames of every kind, for the fuzzers to mutate. */
  function corpus(): Buffer[] {
    const node = new RpcNode('Game', METHODS);
    const move = node.method('move')!.id;
    const hit = node.method('hit')!.id;
    return [
      simplifyPathFrame(node.checksum, 1, 'Game'),
      simplifyPathFrame(node.checksum, 2, '/root/Game'),
      confirmPathFrame(true, 1),
      remoteCallFrame({ cacheId: 1 }, move, encodeArguments([new Vector2(1, 2)])),
      remoteCallFrame({ path: 'Game' }, hit, encodeArguments([3, 0.5])),
      remoteCallFrame({ cacheId: 2, wide: true }, hit, encodeArguments([[1, 'two', new Map([[1, [2]]])], 'x'])),
      remoteCallFrame({ cacheId: 1 }, hit, encodeArguments([Uint8Array.from([1, 2, 3])])),
    ];
  }

  function mutate(random: Random, frame: Buffer): Buffer {
    const copy = Buffer.from(frame);
    switch (random.below(4)) {
      case 0: // flip bytes
        for (let n = 1 + random.below(4); n > 0; n--) copy[random.below(copy.length)] = random.below(256);
        return copy;
      case 1: // truncate
        return copy.subarray(0, random.below(copy.length + 1));
      case 2: // random tail
        return Buffer.concat([copy.subarray(0, random.below(copy.length + 1)), random.bytes(random.below(64))]);
      default: // random bytes with an RPC command
        return Buffer.concat([Buffer.from([random.below(256) & ~0x07 | random.below(3)]), random.bytes(random.below(48))]);
    }
  }

  it('a seeded fuzz loop over the RPC and path-cache parser never throws, and a valid call still runs after it', () => {
    const refusals: string[] = [];
    const calls: unknown[][] = [];
    const sent: Buffer[] = [];
    const rpc = new RpcInterface({
      uniqueId: () => 1,
      peerIds: () => [2],
      reaches: (id) => id === 2,
      send: (_to, frame) => { sent.push(frame); return ErrorCode.OK; },
      called: (sender, _path, method, args) => calls.push([sender, method, args]),
      refused: (_from, reason) => refusals.push(reason),
    });
    rpc.declare('Game', { ...METHODS, hit: { ...METHODS.hit, call: (_sender, damage: number) => damage.toFixed() } });
    rpc.addPeer(2);
    const random = new Random(15);
    const frames = corpus();
    for (let n = 0; n < 20_000; n++) rpc.process(2, mutate(random, random.pick(frames)));
    expect(refusals.length).toBeGreaterThan(10_000);
    calls.length = 0;
    rpc.process(2, remoteCallFrame({ path: 'Game' }, new RpcNode('Game', METHODS).method('hit')!.id, encodeArguments([7])));
    expect(calls).toEqual([[2, 'hit', [7]]]);
  });

  it('a client sending thousands of random RPC and path frames (also relayed) is refused frame by frame and stays', async () => {
    // Budgets off: Godot's behaviour, and this checks the RPC parser, not the budgets (test/budgets.test.ts).
    const budgets = { packetsPerSecond: 0, bytesPerSecond: 0, maxMalformed: 0 };
    const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1', budgets }).start();
    servers.push(server);
    const calls: unknown[][] = [];
    let refusals = 0;
    server.addNode('/root/Game', { ...METHODS, hit: { ...METHODS.hit, call: (sender, damage) => calls.push([sender, damage]) } });
    server.on('rpcRefused', () => refusals++);
    const client = await new GodotClient().connect(server.getPort());
    await until(() => server.getPeerIds().includes(client.id), 3000, 'the client to join');
    const random = new Random(7);
    const frames = corpus();
    for (let n = 0; n < 3000; n++) {
      const frame = mutate(random, random.pick(frames));
      const wrapped = random.below(4) === 0 ? sysFrame(3, random.pick([0, 1, -client.id]), frame) : frame;
      client.send(wrapped, random.pick([RELIABLE, TransferMode.TRANSFER_MODE_UNRELIABLE]), random.below(3));
    }
    const hit = new RpcNode('Game', METHODS).method('hit')!.id;
    client.send(remoteCallFrame({ path: 'Game' }, hit, encodeArguments([99, 1.5])));
    await until(() => calls.some(([, damage]) => damage === 99), 10_000, 'the valid call after the fuzz');
    expect(refusals).toBeGreaterThan(500);
    expect(server.getPeerIds()).toEqual([client.id]);
    expect(client.disconnectData).toBeNull();
  });

  it('a relay nested as deep as the packet is long is one bad frame, not a stack overflow', async () => {
    const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' }).start();
    servers.push(server);
    const raw: Buffer[] = [];
    server.on('peerPacket', (_id, bytes) => raw.push(bytes));
    const client = await new GodotClient().connect(server.getPort());
    await until(() => server.getPeerIds().includes(client.id), 3000, 'the client to join');
    const relayToServer = sysFrame(3, 1);
    client.send(Buffer.concat([...Array(100_000).fill(relayToServer), Buffer.from([3, 1])]));
    client.send(sysFrame(3, 1, Buffer.from([3, 2]))); // one level is fine
    await until(() => raw.length === 1, 10_000, 'the single-level relay');
    expect(raw).toEqual([Buffer.from([2])]);
    expect(server.getPeerIds()).toEqual([client.id]);
  });
});

describe('SceneMultiplayerClient with SceneMultiplayerServer', () => {
  const client = (port: number, options: Partial<ConstructorParameters<typeof SceneMultiplayerClient>[0]> = {}) => {
    const created = new SceneMultiplayerClient({ address: '127.0.0.1', port, ...options });
    clients.push(created);
    return created;
  };

  it('a challenge and response, then calls both ways with GDScript\'s conversions, call_local, and relay turned off', async () => {
    const server = new SceneMultiplayerServer({
      port: 0, bindIp: '127.0.0.1', relay: false,
      auth: (_id, data) => (data.toString() === 'hello' ? Buffer.from('prove it') : data.toString() === 'proof'),
    }).start();
    servers.push(server);
    const atServer: unknown[][] = [];
    server.addNode('Game', {
      ...METHODS,
      hit: { ...METHODS.hit, call: (sender, ...args) => atServer.push([sender, ...args]) },
      move: { ...METHODS.move, call: (sender, direction) => atServer.push([sender, direction]) },
    });
    // The answer, then our side complete (Godot: send_auth, then complete_auth, in the auth_callback).
    const first: SceneMultiplayerClient = client(server.getPort(), { relay: false,
      auth: (_id, data) => data.toString() === 'prove it' && first.sendAuth(Buffer.from('proof')) === ErrorCode.OK });
    const atClient: unknown[][] = [];
    first.addNode('/root/Game', { ...METHODS, state: { ...METHODS.state, sync: 'call_local', call: (sender, list) => atClient.push([sender, list]) } });
    first.on('peerAuthenticating', () => {
      expect(first.sendAuth(Buffer.from('hello'))).toBe(ErrorCode.OK);
    });
    first.start();
    await until(() => first.isJoined(), 5000, 'the challenge and response');
    expect(first.sendAuth(Buffer.from('late'))).toBe(ErrorCode.ERR_UNCONFIGURED);
    await until(() => server.getPeerIds().length === 1, 5000, 'the server to admit it');
    const second = client(server.getPort(), { relay: false, auth: () => false });
    second.addNode('Game', METHODS);
    second.on('peerAuthenticating', () => second.sendAuth(Buffer.from('bad')));
    const failed = new Promise((done) => second.on('peerAuthenticationFailed', done));
    second.start();
    await failed;
    expect(second.isJoined()).toBe(false);

    // GDScript's conversions: an int where a float is wanted, a Vector2i for a Vector2, one default left out.
    expect(first.rpcId(1, 'Game', 'hit', 3, 2)).toBe(ErrorCode.OK);
    expect(first.rpcId(1, 'Game', 'hit', true)).toBe(ErrorCode.OK);
    expect(first.rpcId(1, 'Game', 'move', new Vector2i(3, -4))).toBe(ErrorCode.OK);
    await until(() => atServer.length === 3, 5000, 'three calls');
    const id = first.getUniqueId();
    expect(atServer).toEqual([[id, 3, new Float(2)], [id, 1], [id, new Vector2(3, -4)]]);
    // Relay off: the server is the only peer a client can reach.
    expect(first.getPeerIds()).toEqual([1]);
    expect(first.rpcId(12345, 'Game', 'hit', 1)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    // As Godot's send_command: "everyone but the server" reaches no one; everyone is the server.
    const bytesAtServer: string[] = [];
    server.on('peerPacket', (_from, bytes) => bytesAtServer.push(bytes.toString()));
    expect(first.sendBytes(Buffer.from('everyone but the server'), -1)).toBe(ErrorCode.OK);
    expect(first.sendBytes(Buffer.from('everyone'), 0)).toBe(ErrorCode.OK);
    await until(() => bytesAtServer.length > 0, 5000, 'the bytes to everyone');
    expect(bytesAtServer).toEqual(['everyone']);
    // call_local on the client: 0 runs it here too; the server is the authority of `state`, so it refuses ours.
    const refusals: string[] = [];
    server.on('rpcRefused', (_id, reason) => refusals.push(reason));
    expect(first.rpc('Game', 'state', [1])).toBe(ErrorCode.OK);
    expect(atClient).toEqual([[id, [1]]]);
    await until(() => refusals.length === 1, 5000, 'the refusal');
    expect(first.rpcId(id, 'Game', 'state', 'not an array')).toBe(ErrorCode.FAILED); // checked like a remote call
    expect(atClient).toHaveLength(1);
    expect(server.rpc('Game', 'state', ['from the server'])).toBe(ErrorCode.OK);
    await until(() => atClient.length === 2, 5000, 'the server\'s state');
    expect(atClient[1]).toEqual([1, ['from the server']]);
  });

  it('authentication that never completes times out, and the client can no longer send', async () => {
    const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' }).start(); // no auth: never completes ours
    servers.push(server);
    const waiting = client(server.getPort(), { auth: () => true, authTimeoutMs: 300 });
    const events: string[] = [];
    for (const event of ['peerAuthenticating', 'peerAuthenticationFailed', 'serverDisconnected', 'connectedToServer'] as const) {
      waiting.on(event, () => events.push(event));
    }
    waiting.on('peerAuthenticating', () => waiting.completeAuth());
    waiting.start();
    await until(() => events.includes('serverDisconnected'), 5000, 'the timeout');
    expect(events).toEqual(['peerAuthenticating', 'peerAuthenticationFailed', 'serverDisconnected']);
    expect(waiting.rpcId(1, 'Game', 'hit', 1)).toBe(ErrorCode.ERR_CONNECTION_ERROR);
    expect(waiting.sendBytes(Buffer.from('x'))).toBe(ErrorCode.ERR_UNCONFIGURED);
  });

  it('DTLS and compression set up with configureHost, as a Godot client sets up peer.host', async () => {
    const key = CryptoKey.generateEc();
    const certificate = Crypto.generateSelfSignedCertificate(key, 'CN=game.test');
    const compress = CompressionMode.COMPRESS_ZSTD;
    const server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1', compress,
      configureHost: (host) => host.dtlsServerSetup(TLSOptions.server(key, certificate)) }).start();
    servers.push(server);
    const hits: unknown[][] = [];
    server.addNode('Game', { ...METHODS, hit: { ...METHODS.hit, call: (sender, damage) => hits.push([sender, damage]) } });
    const secure = client(server.getPort(), { compress,
      configureHost: (host) => host.dtlsClientSetup('game.test', TLSOptions.client(certificate)) });
    secure.addNode('Game', METHODS);
    secure.start();
    await until(() => secure.isJoined(), 10_000, 'the DTLS handshake and join');
    expect(secure.rpcId(1, 'Game', 'hit', 12)).toBe(ErrorCode.OK);
    await until(() => hits.length === 1, 5000, 'the call over DTLS');
    expect(hits).toEqual([[secure.getUniqueId(), 12]]);
    expect(secure.multiplayer.getPeer(1)!.getCipherSuite()).toMatch(/ECDHE|TLS/);
  });
});
