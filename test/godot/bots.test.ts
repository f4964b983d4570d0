// `godot-enet bots` against the real Godot 4 server (project/bots_server.gd: create_server and
// SceneMultiplayer, echoing send_bytes and answering an RPC): what the summary says the bots
// sent and received is what Godot counted, with auth (good and bad token) and DTLS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BotsRpc, runBots, TransferMode } from '../../lib/index';
import { certificateFiles } from '../helpers';
import { describeGodot, GodotRun, runGodot } from './godot';

/** What bots_server.gd counted once the last client left. */
interface Counts {
  joined: number;
  left: number;
  refused: number;
  packets: number;
  bytes: number;
  echoed: number;
  echoed_bytes: number;
  calls: number;
  call_bytes: number;
  replies: number;
}

const BOTS_RPC_NODES = JSON.parse(readFileSync(join(__dirname, '../fixtures/bots-rpc.json'), 'utf8')) as BotsRpc['nodes'];

async function godotServer(options: Record<string, string | number> = {}): Promise<{ godot: GodotRun; port: number }> {
  const godot = runGodot('bots_server.gd', { seconds: 60, ...options });
  const { port } = await godot.report<{ port: number }>('listening', 15_000);
  return { godot, port };
}

describeGodot('godot-enet bots against a Godot 4 server', () => {
  it('200 bots join, send_bytes to the server and get the echoes: the summary matches Godot\'s counts', async () => {
    const { godot, port } = await godotServer();
    const summary = await runBots({ address: '127.0.0.1', port, count: 200, durationS: 2, rampPerSecond: 100, rateHz: 5, size: 64 });
    const { joined, failed, failures, disconnects } = summary;
    expect({ joined, failed, failures, disconnects }).toEqual({ joined: 200, failed: 0, failures: {}, disconnects: 0 });
    const counts = await godot.report<Counts>('counts', 20_000);
    expect(counts).toMatchObject({ joined: 200, left: 200, refused: 0 });
    expect(summary.sent.packets).toBeGreaterThanOrEqual(200 * 10);
    expect(counts.packets).toBe(summary.sent.packets);
    expect(counts.bytes).toBe(summary.sent.bytes);
    expect(summary.received.fromServer).toEqual({ packets: counts.echoed, bytes: counts.echoed_bytes });
    expect(counts.echoed).toBe(counts.packets);
    // Godot's server announces every client to every other: SYS frames, not messages.
    expect(summary.received.relayed.packets).toBe(0);
    expect(summary.rttMs.samples).toBeGreaterThanOrEqual(200);
    expect(summary.joinMs.p99).toBeGreaterThan(0);
  });

  it('calls the server node\'s @rpc method at the rate; Godot counts the calls and its replies arrive', async () => {
    const { godot, port } = await godotServer();
    const summary = await runBots({
      address: '127.0.0.1', port, count: 20, durationS: 1.5, rateHz: 10, size: 24,
      rpc: { path: '/root/Bots', method: 'bot_rpc', nodes: BOTS_RPC_NODES },
    });
    expect(summary).toMatchObject({ joined: 20, failed: 0, disconnects: 0 });
    const counts = await godot.report<Counts>('counts', 20_000);
    expect(counts.calls).toBe(summary.sent.packets);
    expect(counts.call_bytes).toBe(counts.calls * 24);
    expect(counts.replies).toBe(counts.calls);
    expect(summary.received.fromServer.packets).toBe(counts.replies);
  });

  it('authenticates with the server\'s token; a wrong token fails every bot with the reason', async () => {
    const { godot, port } = await godotServer({ token: 'open sesame' });
    const good = await runBots({ address: '127.0.0.1', port, count: 20, durationS: 1, rateHz: 10, token: 'open sesame',
      mode: TransferMode.TRANSFER_MODE_UNRELIABLE });
    expect(good).toMatchObject({ joined: 20, failed: 0, disconnects: 0 });
    const counts = await godot.report<Counts>('counts', 20_000);
    expect(counts).toMatchObject({ joined: 20, refused: 0 });
    expect(counts.packets).toBeLessThanOrEqual(good.sent.packets); // unreliable
    expect(counts.packets).toBeGreaterThan(good.sent.packets * 0.8);

    const bad = await runBots({ address: '127.0.0.1', port, count: 5, durationS: 0, token: 'wrong' });
    expect(bad).toMatchObject({ joined: 0, failed: 5, failures: { 'authentication failed': 5 } });
    await expect.poll(() => godot.reports<{ total: number }>('refused').at(-1)?.total, { timeout: 10_000 }).toBe(5);
  });

  it('joins a DTLS server (dtls_server_setup with a certificate our Crypto made) that the bots verify', async () => {
    const { certificate, keyPath, certificatePath } = certificateFiles('CN=bots.test,O=godot-enet tests');
    const { godot, port } = await godotServer({ 'dtls-key': keyPath, 'dtls-cert': certificatePath });
    const summary = await runBots({ address: '127.0.0.1', port, count: 20, durationS: 1, rateHz: 10,
      dtlsHostname: 'bots.test', dtlsCa: certificate.toPem() });
    expect(summary).toMatchObject({ joined: 20, failed: 0, disconnects: 0 });
    const counts = await godot.report<Counts>('counts', 20_000);
    expect(counts.packets).toBe(summary.sent.packets);
    expect(summary.received.fromServer.packets).toBe(counts.echoed);

    const wrongName = await runBots({ address: '127.0.0.1', port, count: 2, durationS: 0, joinTimeoutMs: 5000,
      dtlsHostname: 'other.test', dtlsCa: certificate.toPem() });
    expect(wrongName.failed).toBe(2);
    expect(Object.keys(wrongName.failures)).toEqual([expect.stringMatching(/^DTLS: .*(CN|Common Name)/)]);
  });
});
