// `godot-enet serve` (bin/godot-enet.js) with real Godot 4 clients (mp_client.gd): relay between
// them, a graceful stop on SIGTERM (timed: how soon each client sees server_disconnected),
// --compress and --dtls-key/--dtls-cert with Godot clients set up the same way, and IPv6.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, expect, it } from 'vitest';
import { Crypto, CryptoKey } from '../../lib/index';
import { runScript, ScriptRun } from '../fixtures/processes';
import { until } from '../godot-client';
import { freeUdpPort } from '../helpers';
import { describeGodot } from './godot';
import { MpClient, startClient } from './multiplayer';

const bin = resolve(__dirname, '../../bin/godot-enet.js');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** `godot-enet serve` on a free port of `bind` (null: its default, every address) with `args`, once it listens. */
async function serve(args: string[] = [], bind: string | null = '127.0.0.1'): Promise<{ server: ScriptRun; port: number }> {
  const port = await freeUdpPort();
  const server = runScript(bin, ['serve', '--port', String(port), ...bind ? ['--bind', bind] : [], '--stats-interval', '0', ...args]);
  cleanups.push(() => server.kill());
  await server.line(/"event":"listening"/, 10_000);
  return { server, port };
}

/** `count` Godot clients with `options`, started together, once each knows the others (and the server). */
async function joinClients(port: number, count: number, options: Record<string, string> = {}): Promise<MpClient[]> {
  const clients = await Promise.all(Array.from({ length: count }, async () => {
    const client = await startClient(port, options);
    await client.godot.waitFor('connected_to_server');
    return client;
  }));
  for (const { godot } of clients) await until(() => godot.all('peer_connected').length >= count, 10_000, 'the announcements');
  return clients;
}

/** Each client sends bytes to every other one and calls an RPC on it; each gets them all. */
async function exchange(clients: MpClient[]): Promise<void> {
  for (const from of clients) {
    for (const to of clients) {
      if (to === from) continue;
      from.godot.command({ do: 'send', to: to.id, text: `bytes ${from.id} to ${to.id}` });
      from.godot.command({ do: 'rpc', to: to.id, text: `rpc ${from.id} to ${to.id}` });
    }
  }
  for (const from of clients) {
    for (const to of clients) {
      if (to === from) continue;
      await to.godot.waitFor('peer_packet', { from: from.id, text: `bytes ${from.id} to ${to.id}` });
      await to.godot.waitFor('rpc', { from: from.id, text: `rpc ${from.id} to ${to.id}` });
    }
  }
}

/** SIGTERM, then how long (ms) until each client reported server_disconnected; the server exits 0. */
async function stopAndTime(server: ScriptRun, clients: MpClient[]): Promise<number[]> {
  const stopped = performance.now();
  server.child.kill('SIGTERM');
  const times = await Promise.all(clients.map(async ({ godot }) => {
    await godot.waitFor('server_disconnected', {}, 5000);
    return Math.round(performance.now() - stopped);
  }));
  expect(await server.exited).toEqual({ code: 0, signal: null });
  return times;
}

describeGodot('godot-enet serve with Godot 4 clients', () => {
  it('relays bytes and RPCs between three Godot clients; on SIGTERM each sees server_disconnected promptly', async () => {
    const { server, port } = await serve();
    const clients = await joinClients(port, 3);
    const joined = await Promise.all(clients.map(({ id }) => server.line(new RegExp(`"event":"peer-joined","id":${id},`))));
    expect(joined.map((match) => JSON.parse(match.input))).toEqual(clients.map(({ id }) => expect.objectContaining({ id, address: '127.0.0.1' })));
    await exchange(clients);
    const left = clients.pop()!;
    left.godot.command({ do: 'close' });
    for (const { godot } of clients) await godot.waitFor('peer_disconnected', { id: left.id });
    const times = await stopAndTime(server, clients);
    console.log(`godot-enet serve: SIGTERM to server_disconnected on each Godot client: ${times.join(', ')} ms`);
    for (const ms of times) expect(ms).toBeLessThan(1000);
  });

  it('on SIGTERM while three Godot clients stream synchronized state every frame, each sees server_disconnected promptly', async () => {
    const { server, port } = await serve();
    const clients = await joinClients(port, 3, { players: 'yes' });
    for (const { godot, id } of clients) godot.command({ do: 'set_player', text: `state of ${id}` });
    for (const { godot } of clients) {
      for (const other of clients) {
        if (other.godot !== godot) await godot.waitFor('synced', { id: other.id, always: `state of ${other.id}` });
      }
    }
    const times = await stopAndTime(server, clients);
    console.log(`godot-enet serve: SIGTERM to server_disconnected under relayed traffic: ${times.join(', ')} ms`);
    for (const ms of times) expect(ms).toBeLessThan(1000);
  });

  it.each(['range_coder', 'fastlz', 'zlib', 'zstd'])('--compress %s serves Godot clients that compress the same way', async (compress) => {
    const { server, port } = await serve(['--compress', compress]);
    const clients = await joinClients(port, 2, { compress });
    await exchange(clients);
    await stopAndTime(server, clients);
  });

  it.each([[[]], [['--compress', 'zstd']]])('--dtls-key/--dtls-cert %j serves Godot DTLS clients that trust the certificate', async (more) => {
    const dir = mkdtempSync(join(tmpdir(), 'godot-enet-serve-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const key = CryptoKey.generateEc();
    key.save(join(dir, 'server.key'));
    Crypto.generateSelfSignedCertificate(key, 'CN=game.test').save(join(dir, 'server.crt'));
    const { server, port } = await serve(['--dtls-key', join(dir, 'server.key'), '--dtls-cert', join(dir, 'server.crt'), ...more]);
    const compress = more.length > 0 ? { compress: more[1] } : {};
    const clients = await joinClients(port, 2, { 'dtls-cert': join(dir, 'server.crt'), 'dtls-host': 'game.test', ...compress });
    await exchange(clients);
    await stopAndTime(server, clients);
  });

  it('by default (every address, dual-stack) serves a Godot client on 127.0.0.1 and one on ::1 together', async () => {
    const { server, port } = await serve([], null);
    const clients = await Promise.all([joinClients(port, 1, { address: '127.0.0.1' }), joinClients(port, 1, { address: '::1' })]);
    const both = clients.flat();
    for (const { godot } of both) await until(() => godot.all('peer_connected').length === 2, 5000, 'the other client');
    await exchange(both);
    await stopAndTime(server, both);
  });

  it('serves Godot clients over IPv6 (--bind ::1)', async () => {
    const { server, port } = await serve([], '::1');
    const clients = await joinClients(port, 2, { address: '::1' });
    await exchange(clients);
    await stopAndTime(server, clients);
  });
});
