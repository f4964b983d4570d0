// The dedicated server for Godot 4 clients (SceneMultiplayer framing, spec §3.7), byte by byte,
// against raw ENetConnection clients that behave exactly like Godot 4 clients.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionStatus,
  ENetMultiplayerPeer,
  ENetPacketPeer,
  ErrorCode,
  SceneMultiplayerServer,
  SceneMultiplayerServerOptions,
  TransferMode,
} from '../lib/index';
import { GodotClient, rawFrame, RELIABLE, sleep, sysFrame, UNRELIABLE, UNRELIABLE_ORDERED, until } from './godot-client';

const { FLAG_RELIABLE, FLAG_UNSEQUENCED } = ENetPacketPeer;
const ADD = 1;
const DEL = 2;
const RELAY = 3;

const servers: SceneMultiplayerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close(0)));
});

interface Heard {
  joined: number[];
  left: number[];
  bytes: { from: number; text: string; mode: TransferMode; channel: number }[];
  authFailed: number[];
}

function startServer(options: Partial<SceneMultiplayerServerOptions> = {}): SceneMultiplayerServer & { heard: Heard } {
  const heard: Heard = { joined: [], left: [], bytes: [], authFailed: [] };
  const server = Object.assign(new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1', ...options }), { heard });
  server.on('peerConnected', (id) => heard.joined.push(id));
  server.on('peerDisconnected', (id) => heard.left.push(id));
  server.on('peerPacket', (from, bytes, mode, channel) => heard.bytes.push({ from, text: bytes.toString(), mode, channel }));
  server.on('peerAuthenticationFailed', (id) => heard.authFailed.push(id));
  servers.push(server);
  return server.start();
}

/** Clients connected and joined (no auth), in order. */
async function join(server: ReturnType<typeof startServer>, count: number): Promise<GodotClient[]> {
  const clients: GodotClient[] = [];
  for (let i = 0; i < count; i++) {
    const client = await new GodotClient().connect(server.getPort());
    await until(() => server.heard.joined.includes(client.id), 3000, `client ${i} to join`);
    clients.push(client);
  }
  return clients;
}

/** `07 03 <id> inner` frames a client received, as [peer field, inner text, channel, flags]. */
function relayed(client: GodotClient): [number, string, number, number][] {
  return client.framesStartingWith(Buffer.from([7, RELAY]))
    .map((r) => [r.packet.readInt32LE(2), r.packet.subarray(6).toString('latin1'), r.channel, r.flags]);
}

describe('SceneMultiplayerServer: peers', () => {
  it('announces each joining client to the others and them to it (07 01), and a leaving one (07 02)', async () => {
    const server = startServer();
    const [a, b, c] = await join(server, 3);
    await until(() => a.announced(ADD).length === 2 && b.announced(ADD).length === 2 && c.announced(ADD).length === 2,
      3000, 'announcements');
    expect(a.announced(ADD)).toEqual([b.id, c.id]);
    expect(b.announced(ADD)).toEqual([a.id, c.id]);
    expect(c.announced(ADD).sort()).toEqual([a.id, b.id].sort());
    for (const frame of a.framesStartingWith(Buffer.from([7, ADD]))) {
      expect(frame).toMatchObject({ channel: 0, flags: FLAG_RELIABLE });
      expect(frame.packet.length).toBe(6);
    }
    b.peer!.peerDisconnect();
    await until(() => a.announced(DEL).length === 1 && c.announced(DEL).length === 1, 3000, 'the leave announcement');
    expect(a.announced(DEL)).toEqual([b.id]);
    expect(c.announced(DEL)).toEqual([b.id]);
    expect(server.heard.left).toEqual([b.id]);
    expect(server.getPeerIds()).toEqual([a.id, c.id]);
  });

  it('turns away IDs 0, 1, taken and ≥ 2^31 without announcing them', async () => {
    const server = startServer();
    const [first] = await join(server, 1);
    for (const badId of [0, 1, first.id, 0x80000000]) {
      const bad = await new GodotClient(badId).connect(server.getPort());
      await bad.waitFor(() => bad.disconnectData !== null, `ID ${badId} to be disconnected`);
    }
    await sleep(30);
    expect(server.heard.joined).toEqual([first.id]);
    expect(first.announced(ADD)).toEqual([]);
  });

  it('without relay, announces nobody and relays nothing', async () => {
    const server = startServer({ relay: false });
    const [a, b] = await join(server, 2);
    a.send(sysFrame(RELAY, 0, rawFrame(Buffer.from('hi'))));
    a.send(rawFrame(Buffer.from('direct')));
    await until(() => server.heard.bytes.length === 1, 3000, 'the direct bytes');
    await sleep(30);
    expect(server.heard.bytes.map((b) => b.text)).toEqual(['direct']);
    expect(a.received).toEqual([]);
    expect(b.received).toEqual([]);
  });
});

describe('SceneMultiplayerServer: relay (Godot 4.4+ table)', () => {
  it('forwards to d > 0 only; d = 0 to all others and the server; d = −1 to all others; d < −1 to all but |d| and the server', async () => {
    const server = startServer();
    const [a, b, c] = await join(server, 3);
    const inner = (text: string): Buffer => rawFrame(Buffer.from(text));
    a.send(sysFrame(RELAY, b.id, inner('to-b')));
    a.send(sysFrame(RELAY, 0, inner('to-all')));
    a.send(sysFrame(RELAY, -1, inner('to-clients')));
    a.send(sysFrame(RELAY, -c.id, inner('not-c')));
    a.send(sysFrame(RELAY, 99, inner('to-nobody')));
    a.send(sysFrame(RELAY, 1, inner('to-server')));
    await until(() => relayed(b).length === 4 && relayed(c).length === 2 && server.heard.bytes.length === 3, 3000, 'relays');
    await sleep(30);
    const texts = (client: GodotClient): string[] => relayed(client).map(([source, text]) => {
      expect(source).toBe(a.id); // the server puts the original sender in the peer field
      return text.slice(1);
    });
    expect(texts(b)).toEqual(['to-b', 'to-all', 'to-clients', 'not-c']);
    expect(texts(c)).toEqual(['to-all', 'to-clients']);
    expect(relayed(a)).toEqual([]);
    expect(server.heard.bytes.map((heard) => [heard.from, heard.text])).toEqual(
      [[a.id, 'to-all'], [a.id, 'not-c'], [a.id, 'to-server']]);
  });

  it('relays with the transfer mode and channel the request came with', async () => {
    const server = startServer();
    const [a, b] = await join(server, 2);
    a.send(sysFrame(RELAY, b.id, Buffer.from('\x03u')), UNRELIABLE, 3);
    a.send(sysFrame(RELAY, b.id, Buffer.from('\x03o')), UNRELIABLE_ORDERED, 0);
    a.send(sysFrame(RELAY, 0, Buffer.from('\x03r')), RELIABLE, 7);
    await until(() => relayed(b).length === 3, 3000, 'three relays');
    const byText = new Map(relayed(b).map(([, text, channel, flags]) => [text, { channel, flags }]));
    expect(byText.get('\x03u')).toEqual({ channel: 4, flags: FLAG_UNSEQUENCED });
    expect(byText.get('\x03o')).toEqual({ channel: 1, flags: 0 });
    expect(byText.get('\x03r')).toEqual({ channel: 8, flags: FLAG_RELIABLE });
    expect(server.heard.bytes).toEqual([{ from: a.id, text: 'r', mode: TransferMode.TRANSFER_MODE_RELIABLE, channel: 7 }]);
  });

  it('100 clients relaying to each other through one server', async () => {
    const server = startServer({ maxClients: 100 });
    const clients = await Promise.all(Array.from({ length: 100 }, () => new GodotClient().connect(server.getPort(), 10_000)));
    await until(() => server.heard.joined.length === 100, 10_000, '100 joins');
    await until(() => clients.every((client) => client.announced(ADD).length === 99), 10_000, 'every announcement');
    for (const client of clients) client.send(sysFrame(RELAY, 0, rawFrame(Buffer.from(String(client.id)))));
    await until(() => clients.every((client) => relayed(client).length === 99), 15_000, '99 relays at every client');
    const ids = clients.map((client) => client.id).sort();
    for (const client of clients) {
      const sources = relayed(client).map(([source, text]) => {
        expect(text.slice(1)).toBe(String(source));
        return source;
      });
      expect(sources.sort()).toEqual(ids.filter((id) => id !== client.id));
    }
    expect(server.heard.bytes.length).toBe(100);
  }, 40_000);
});

describe('SceneMultiplayerServer: raw bytes (send_bytes / peer_packet)', () => {
  it('receives 03 frames on each transfer mode and a user channel', async () => {
    const server = startServer();
    const [a] = await join(server, 1);
    a.send(rawFrame(Buffer.from('reliable')), RELIABLE, 0);
    a.send(rawFrame(Buffer.from('ordered')), UNRELIABLE_ORDERED, 0);
    a.send(rawFrame(Buffer.from('unreliable')), UNRELIABLE, 0);
    a.send(rawFrame(Buffer.from('channel-6')), RELIABLE, 6);
    a.send(Buffer.from([3])); // too short: Godot needs at least one byte of payload
    await until(() => server.heard.bytes.length === 4, 3000, 'four payloads');
    await sleep(20);
    expect(new Map(server.heard.bytes.map((b) => [b.text, [b.from, b.mode, b.channel]]))).toEqual(new Map([
      ['reliable', [a.id, TransferMode.TRANSFER_MODE_RELIABLE, 0]],
      ['ordered', [a.id, TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, 0]],
      ['unreliable', [a.id, TransferMode.TRANSFER_MODE_UNRELIABLE, 0]],
      ['channel-6', [a.id, TransferMode.TRANSFER_MODE_RELIABLE, 6]],
    ]));
  });

  it('sends 03 frames to one, all or all but one, on each transfer mode and a user channel', async () => {
    const server = startServer();
    const [a, b, c] = await join(server, 3);
    expect(server.sendBytes(Buffer.from('one'), b.id)).toBe(ErrorCode.OK);
    expect(server.sendBytes(Buffer.from('all'), 0, TransferMode.TRANSFER_MODE_UNRELIABLE)).toBe(ErrorCode.OK);
    expect(server.sendBytes(Buffer.from('not-b'), -b.id, TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, 2)).toBe(ErrorCode.OK);
    expect(server.sendBytes(Buffer.alloc(0), a.id)).toBe(ErrorCode.ERR_INVALID_DATA);
    expect(server.sendBytes(Buffer.from('x'), 12345)).toBe(ErrorCode.ERR_UNCONFIGURED);
    for (const [id, mode, channel] of [[0, 99, 0], [0, TransferMode.TRANSFER_MODE_RELIABLE, 300], [-a.id, 0, 1.5], [1.5, 0, 0]]) {
      expect(server.sendBytes(Buffer.from('x'), id, mode as TransferMode, channel)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
    }
    await until(() => a.rawPayloads().length === 2 && b.rawPayloads().length === 2 && c.rawPayloads().length === 2, 3000,
      'deliveries');
    expect(b.rawPayloads()).toEqual(['one', 'all']);
    expect(a.rawPayloads()).toEqual(['all', 'not-b']);
    const frames = new Map(c.framesStartingWith(Buffer.from([3])).map((r) => [r.packet.toString(), r]));
    expect(frames.get('\x03all')).toMatchObject({ channel: 1, flags: FLAG_UNSEQUENCED });
    expect(frames.get('\x03not-b')).toMatchObject({ channel: 3, flags: 0 });
    expect(b.framesStartingWith(Buffer.from('\x03one'))[0]).toMatchObject({ channel: 0, flags: FLAG_RELIABLE });
  });

  it('counts getStats() from start(): a server closed and started again begins from zero', async () => {
    const server = startServer();
    const [client] = await join(server, 1);
    client.send(Buffer.alloc(0));  // malformed: empty
    await until(() => server.getStats().malformed === 1, 3000, 'the malformed frame');
    await server.close(0);
    server.start();
    expect(server.getStats()).toMatchObject({ peers: 0, datagramsSent: 0, bytesSent: 0, datagramsReceived: 0, bytesReceived: 0,
      misbehaved: 0, packetsDropped: 0, malformed: 0, malformedByReason: {} });
  });
});

describe('SceneMultiplayerServer: authentication', () => {
  it('admits a client once the hook accepted and both sides sent 07 00; nothing passes before', async () => {
    const seen: [number, string][] = [];
    const server = startServer({ auth: async (id, data) => { seen.push([id, data.toString()]); return data.toString() === 'secret'; } });
    const early = await new GodotClient().connect(server.getPort());
    early.send(rawFrame(Buffer.from('too early')));
    early.send(Buffer.from('\x07\x00secret'));
    await early.waitFor(() => early.framesStartingWith(Buffer.from([7, 0])).length === 1, 'the server to complete');
    expect(early.framesStartingWith(Buffer.from([7, 0]))[0].packet).toEqual(Buffer.from([7, 0]));
    expect(server.heard.joined).toEqual([]); // the client has not completed yet
    early.send(Buffer.from([7, 0]));
    await until(() => server.heard.joined.length === 1, 3000, 'the join');
    expect(seen).toEqual([[early.id, 'secret']]);
    early.send(rawFrame(Buffer.from('after')));
    await until(() => server.heard.bytes.length === 1, 3000, 'bytes after auth');
    expect(server.heard.bytes[0].text).toBe('after');
  });

  it('a hook may answer with bytes for another round, until the client completed (Godot\'s send_auth refuses then)', async () => {
    const server = startServer({ auth: (_id, data) => (data.toString() === 'hello' ? Buffer.from('challenge') : data.toString() === 'response') });
    const [client, early] = await Promise.all([new GodotClient().connect(server.getPort()), new GodotClient().connect(server.getPort())]);
    client.send(Buffer.from('\x07\x00hello'));
    await client.waitFor(() => client.framesStartingWith(Buffer.from('\x07\x00challenge')).length === 1, 'the challenge');
    client.send(Buffer.from('\x07\x00response'));
    client.send(Buffer.from([7, 0]));
    await until(() => server.heard.joined.length === 1, 3000, 'the join');
    // Completed first, then data: the hook's bytes are not sent (and the reply to 'response' joins it).
    early.send(Buffer.from([7, 0]));
    early.send(Buffer.from('\x07\x00hello'));
    early.send(Buffer.from('\x07\x00response'));
    await until(() => server.heard.joined.length === 2, 3000, 'the second join');
    expect(early.framesStartingWith(Buffer.from('\x07\x00challenge'))).toEqual([]);
  });

  it('refuses a client the hook rejects, or whose hook throws, and disconnects it', async () => {
    const server = startServer({ auth: (_id, data) => { if (data.toString() === 'throw') throw new Error('boom'); return false; } });
    const [refused, broken] = await Promise.all([new GodotClient().connect(server.getPort()),
      new GodotClient().connect(server.getPort())]);
    refused.send(Buffer.from('\x07\x00wrong'));
    broken.send(Buffer.from('\x07\x00throw'));
    await until(() => refused.disconnectData !== null && broken.disconnectData !== null, 3000, 'both disconnections');
    expect(server.heard.authFailed.sort()).toEqual([refused.id, broken.id].sort());
    expect(server.heard.joined).toEqual([]);
  });

  it('disconnects a client that does not authenticate within authTimeoutMs', async () => {
    const server = startServer({ auth: () => true, authTimeoutMs: 300 });
    const silent = await new GodotClient().connect(server.getPort());
    const started = Date.now();
    await silent.waitFor(() => silent.disconnectData !== null, 'the timeout', 3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(server.heard.authFailed).toEqual([silent.id]);
  });
});

describe('SceneMultiplayerServer: control', () => {
  it('kick carries the reason as disconnect data; per-peer statistics count traffic', async () => {
    const server = startServer();
    const [a] = await join(server, 1);
    a.send(rawFrame(Buffer.from('12345')));
    await until(() => server.heard.bytes.length === 1, 3000, 'bytes');
    server.sendBytes(Buffer.from('hi'), a.id);
    const stats = server.getPeerStats(a.id)!;
    expect(stats).toMatchObject({ id: a.id, address: '127.0.0.1', port: a.host.getLocalPort(), joined: true,
      packetsIn: 1, bytesIn: 6, packetsOut: 1, bytesOut: 3 });
    expect(stats.roundTripTime).toBeGreaterThan(0);
    expect(server.getStats()).toMatchObject({ peers: 1, authenticating: 0 });
    expect(server.getStats().datagramsReceived).toBeGreaterThan(0);
    expect(server.kick(a.id, 42)).toBe(ErrorCode.OK);
    await a.waitFor(() => a.disconnectData !== null, 'the kick');
    expect(a.disconnectData).toBe(42);
    await until(() => server.heard.left.length === 1, 3000, 'the leave');
    expect(server.getPeerStats(a.id)).toBeNull();
    expect(server.kick(a.id)).toBe(ErrorCode.ERR_INVALID_PARAMETER);
  });

  it('kick and close deliver what was sent just before (a reason, a goodbye), then disconnect', async () => {
    const server = startServer();
    const clients = await join(server, 4);
    const [kicked, ...others] = clients;
    server.sendBytes(Buffer.from('kicked: cheating'), kicked.id);
    expect(server.kick(kicked.id, 7)).toBe(ErrorCode.OK);
    expect(server.kick(kicked.id, 7)).toBe(ErrorCode.OK);
    kicked.send(rawFrame(Buffer.from('ignored')));
    server.sendBytes(Buffer.from('to everyone'));
    await kicked.waitFor(() => kicked.disconnectData !== null, 'the kick');
    expect(kicked.rawPayloads()).not.toContain('to everyone');
    expect(kicked.disconnectData).toBe(7);
    expect(kicked.rawPayloads()).toContain('kicked: cheating');
    expect(server.heard.bytes).toEqual([]);
    server.sendBytes(Buffer.from('server going down'));
    await server.close();
    for (const client of others) {
      expect(client.rawPayloads()).toContain('server going down');
      expect(client.disconnectData).toBe(0);
    }
  });

  it('close() disconnects every client gracefully before closing the port', async () => {
    const server = startServer();
    const clients = await join(server, 3);
    let closed = false;
    server.on('close', () => { closed = true; });
    await server.close();
    expect(closed).toBe(true);
    expect(server.getPort()).toBe(0);
    for (const client of clients) expect(client.disconnectData).toBe(0);
    expect(server.heard.left.sort()).toEqual(clients.map((c) => c.id).sort());
  });

  it('our ENetMultiplayerPeer client joins it and exchanges raw bytes', async () => {
    const server = startServer();
    const [godot] = await join(server, 1);
    const client = new ENetMultiplayerPeer();
    try {
      client.createClient('127.0.0.1', server.getPort());
      const got: Buffer[] = [];
      client.on('packet', (_from, packet) => got.push(Buffer.from(packet)));
      client.start();
      await until(() => server.heard.joined.length === 2, 3000, 'the join');
      expect(client.getConnectionStatus()).toBe(ConnectionStatus.CONNECTION_CONNECTED);
      client.putPacket(rawFrame(Buffer.from('from-node')));
      server.sendBytes(Buffer.from('from-server'), client.getUniqueId());
      await until(() => server.heard.bytes.length === 1 && got.length === 2, 3000, 'the exchange');
      expect(server.heard.bytes[0]).toMatchObject({ from: client.getUniqueId(), text: 'from-node' });
      // First the announcement of the Godot client already there, then the bytes.
      expect(got).toEqual([sysFrame(ADD, godot.id), rawFrame(Buffer.from('from-server'))]);
    } finally {
      client.close();
    }
  });

  it('checks its options', () => {
    expect(() => new SceneMultiplayerServer({ port: -1 })).toThrow(/port/);
    expect(() => new SceneMultiplayerServer({ port: 0, bindIp: 'x' })).toThrow(/bind address/);
    expect(() => new SceneMultiplayerServer({ port: 0, compress: 9 })).toThrow(/compress/);
    expect(() => new SceneMultiplayerServer({ port: 0, auth: 'yes' as never })).toThrow(/auth/);
  });
});
