// ENet mesh through the WebSocket signaling server: the examples/mesh command with 4 peer
// processes, and in-process peers (polled and event-driven) for rooms, leaving and bad messages.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ENetMultiplayerPeer, ErrorCode, SignalingClient, SignalingServer } from '../lib/index';
import { until } from './godot-client';

const root = resolve(__dirname, '..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function signalingServer(): Promise<{ server: SignalingServer; url: (room: string) => string }> {
  const server = new SignalingServer({ host: '127.0.0.1' });
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, url: (room) => `ws://127.0.0.1:${port}/${room}` };
}

interface MeshPeer {
  multiplayer: ENetMultiplayerPeer;
  signaling: SignalingClient;
  joined: number[];
  left: number[];
}

async function meshPeer(url: string): Promise<MeshPeer> {
  const multiplayer = new ENetMultiplayerPeer();
  const signaling = new SignalingClient(url, multiplayer, { bindIp: '127.0.0.1' });
  const peer: MeshPeer = { multiplayer, signaling, joined: [], left: [] };
  multiplayer.on('peerConnected', (id) => peer.joined.push(id));
  multiplayer.on('peerDisconnected', (id) => peer.left.push(id));
  cleanups.push(() => { signaling.close(); multiplayer.close(); });
  await signaling.join();
  return peer;
}

describe('ENet mesh with the signaling server', () => {
  it('examples/mesh/run.js: 4 peer processes form a full mesh and every pair exchanges messages', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [resolve(root, 'examples/mesh/run.js'), '--peers', '4'],
      { cwd: root, timeout: 30_000 });
    const heard = new Map<string, string[]>();
    for (const [, id, messages] of stdout.matchAll(/^peer (\d+) heard: (.*)$/gm)) heard.set(id, messages.split('; '));
    expect(heard.size).toBe(4);
    const ids = [...heard.keys()];
    for (const id of ids) {
      const expected = ids.filter((other) => other !== id).map((other) => `hello ${id} from ${other}`).sort();
      expect(heard.get(id)!.sort()).toEqual(expected);
    }
    expect(stdout).toMatch(/full mesh: all 6 pairs of 4 peers exchanged messages/);
  }, 40_000);

  it('polled and event-driven peers link within their room only, and see a leaving peer go', async () => {
    const { server, url } = await signalingServer();
    const polled = await meshPeer(url('room-a'));
    const started = await meshPeer(url('room-a'));
    started.multiplayer.start();
    const third = await meshPeer(url('room-a'));
    third.multiplayer.start();
    const elsewhere = await meshPeer(url('room-b'));
    const ids = [polled, started, third].map((peer) => peer.multiplayer.getUniqueId());
    expect(new Set(ids).size).toBe(3);
    await until(() => {
      polled.multiplayer.poll();
      return [polled, started, third].every((peer) => peer.joined.length === 2);
    }, 5000, 'the mesh of three');
    expect(polled.joined.sort()).toEqual([ids[1], ids[2]].sort());
    expect(elsewhere.joined).toEqual([]);
    expect(server.getRooms().get('/room-a')!.sort()).toEqual([...ids].sort());
    expect(server.getRooms().get('/room-b')).toEqual([elsewhere.multiplayer.getUniqueId()]);

    // Broadcast from the polled peer reaches both others, tagged with its ID.
    const got: [number, number, string][] = [];
    for (const peer of [started, third]) {
      peer.multiplayer.on('packet', (from, packet) => got.push([peer.multiplayer.getUniqueId(), from, packet.toString()]));
    }
    polled.multiplayer.putPacket(Buffer.from('to everyone'));
    await until(() => got.length === 2, 3000, 'the broadcast');
    expect(got.sort()).toEqual([[ids[1], ids[0], 'to everyone'], [ids[2], ids[0], 'to everyone']].sort());

    third.signaling.close();
    third.multiplayer.close();
    await until(() => {
      polled.multiplayer.poll();
      return polled.left.length === 1 && started.left.length === 1;
    }, 3000, 'the leave');
    expect(polled.left).toEqual([ids[2]]);
    expect(started.left).toEqual([ids[2]]);
  });

  it('answers a malformed or misaddressed message with an error and forwards nothing', async () => {
    const { url } = await signalingServer();
    const member = await meshPeer(url('room'));
    const socket = new WebSocket(url('room'));
    cleanups.push(() => socket.terminate());
    const messages: { type: string; id?: number; peers?: number[] }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await until(() => messages.length >= 1, 3000, 'the welcome');
    expect(messages[0]).toEqual({ type: 'welcome', id: expect.any(Number), peers: [member.multiplayer.getUniqueId()] });
    const memberErrors: Error[] = [];
    member.signaling.on('error', (error) => memberErrors.push(error));
    socket.send('not json');
    socket.send(JSON.stringify({ type: 'endpoint', to: 12345, port: 4000 }));
    socket.send(JSON.stringify({ type: 'endpoint', to: member.multiplayer.getUniqueId(), port: 70000 }));
    socket.send(JSON.stringify({ type: 'endpoint', to: member.multiplayer.getUniqueId(), port: 4000, address: 'evil.example' }));
    const errors = (): number => messages.filter((message) => message.type === 'error').length;
    await until(() => errors() === 4 && messages.some((message) => message.type === 'endpoint'), 3000,
      "four errors and the member's endpoint");
    // Besides the errors, only the member's endpoint for this socket arrived.
    expect(messages.filter((message) => message.type !== 'error').map((message) => message.type)).toEqual(['welcome', 'endpoint']);
    expect(memberErrors).toEqual([]);
  });

  it('join() rejects when no signaling server answers', async () => {
    const multiplayer = new ENetMultiplayerPeer();
    const client = new SignalingClient('ws://127.0.0.1:1/room', multiplayer, { timeoutMs: 2000 });
    await expect(client.join()).rejects.toThrow();
    expect(multiplayer.getUniqueId()).toBe(0);
  });
});

describe('SignalingClient misuse', () => {
  it('rejects join() for a multiplayer peer that is already active, and a second join(), without crashing', async () => {
    const { url } = await signalingServer();
    const busy = new ENetMultiplayerPeer();
    busy.createServer(0, 4);
    cleanups.push(() => busy.close());
    const signaling = new SignalingClient(url('busy'), busy, { bindIp: '127.0.0.1' });
    cleanups.push(() => signaling.close());
    await expect(signaling.join()).rejects.toMatchObject({ name: 'ENetError', code: 'ERR_ALREADY_IN_USE', errno: ErrorCode.ERR_ALREADY_IN_USE });
    await expect(signaling.join()).rejects.toMatchObject({ code: 'ERR_ALREADY_IN_USE', message: /already called/ });
    expect(signaling.getId()).toBe(0);
    expect(busy.isServer()).toBe(true);
  });
});
