// The `godot-enet` command as users run it: a child process, raw Godot-like clients on
// 127.0.0.1, JSON log lines on stdout, and a graceful stop on SIGTERM.
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CompressionMode, TLSOptions } from '../lib/index';
import { GodotClient, rawFrame, sysFrame, until } from './godot-client';
import { certificateFiles, freeUdpPort } from './helpers';

const bin = resolve(__dirname, '../bin/godot-enet.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});


interface Cli {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `ipc`: with a Node.js IPC channel, as a supervisor on Windows starts it. */
function run(args: string[], ipc = false): Cli {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc' as const] : [])] });
  children.push(child);
  const logs: Record<string, unknown>[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n');
    stdout = lines.pop()!;
    for (const line of lines) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, logs, stderr: () => stderr, exited };
}

const events = (cli: Cli, event: string): Record<string, unknown>[] => cli.logs.filter((line) => line.event === event);

describe('godot-enet serve', () => {
  it('serves Godot clients, logs JSON lines, and on SIGTERM disconnects them gracefully and exits 0', async () => {
    const port = await freeUdpPort();
    const cli = run(['serve', '--port', String(port), '--bind', '127.0.0.1', '--max-clients', '4', '--stats-interval', '0.2']);
    await until(() => events(cli, 'listening').length === 1, 10_000, 'the server to listen');
    expect(events(cli, 'listening')[0]).toMatchObject({ level: 'info', port, compress: 'none', relay: true });

    const a = await new GodotClient().connect(port);
    const b = await new GodotClient().connect(port);
    await until(() => a.announced(1).length === 1 && b.announced(1).length === 1, 3000, 'announcements');
    expect(a.announced(1)).toEqual([b.id]);
    expect(b.announced(1)).toEqual([a.id]);
    a.send(sysFrame(3, b.id, rawFrame(Buffer.from('via the server'))));
    await b.waitFor(() => b.framesStartingWith(Buffer.from([7, 3])).length === 1, 'the relayed bytes');
    expect(b.framesStartingWith(Buffer.from([7, 3]))[0].packet).toEqual(sysFrame(3, a.id, rawFrame(Buffer.from('via the server'))));
    await until(() => events(cli, 'peer-joined').length === 2, 3000, 'join logs');
    expect(events(cli, 'peer-joined').map((line) => line.id)).toEqual([a.id, b.id]);
    expect(events(cli, 'peer-joined')[0]).toMatchObject({ address: '127.0.0.1', port: a.host.getLocalPort() });
    await until(() => events(cli, 'stats').some((line) => line.peers === 2), 3000, 'a stats line');

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    // A graceful ENet disconnect (data 0) arrived; a dropped peer would only time out, after seconds.
    expect(a.disconnectData).toBe(0);
    expect(b.disconnectData).toBe(0);
    expect(events(cli, 'shutting-down')[0]).toMatchObject({ signal: 'SIGTERM', peers: 2 });
    expect(cli.logs.at(-1)).toMatchObject({ event: 'closed' });
  });

  it.each([
    ['range_coder', CompressionMode.COMPRESS_RANGE_CODER],
    ['zstd', CompressionMode.COMPRESS_ZSTD],
  ])('--compress %s serves clients that compress the same way', async (name, mode) => {
    const port = await freeUdpPort();
    const cli = run(['serve', '--port', String(port), '--bind', '127.0.0.1', '--compress', name]);
    await until(() => events(cli, 'listening').length === 1, 10_000, 'the server to listen');
    const clients = [new GodotClient(), new GodotClient()];
    for (const client of clients) client.host.compress(mode);
    const [a, b] = [await clients[0].connect(port), await clients[1].connect(port)];
    const text = 'compressible '.repeat(40);
    a.send(sysFrame(3, 0, rawFrame(Buffer.from(text))));
    await b.waitFor(() => b.framesStartingWith(Buffer.from([7, 3])).length === 1, 'the relayed bytes');
    expect(b.framesStartingWith(Buffer.from([7, 3]))[0].packet.subarray(7).toString()).toBe(text);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it("stops as gracefully on the IPC message 'shutdown' (Windows, where kill() terminates), and ignores other messages", async () => {
    const port = await freeUdpPort();
    const cli = run(['serve', '--port', String(port), '--bind', '127.0.0.1', '--stats-interval', '0'], true);
    await until(() => events(cli, 'listening').length === 1, 10_000, 'the server to listen');
    const client = await new GodotClient().connect(port);
    await until(() => events(cli, 'peer-joined').length === 1, 3000, 'the join log');
    // Had either of the first two stopped it, 'shutdown' would be a second request: exit 1 at once.
    cli.child.send('hello');
    cli.child.send({ shutdown: true });
    cli.child.send('shutdown');
    expect(await cli.exited).toBe(0);
    expect(events(cli, 'shutting-down')).toHaveLength(1);
    expect(client.disconnectData).toBe(0);
    expect(events(cli, 'shutting-down')[0]).toMatchObject({ signal: 'shutdown', peers: 1 });
    expect(cli.logs.at(-1)).toMatchObject({ event: 'closed' });
  });

  it('--dtls-key/--dtls-cert serve Godot clients over DTLS that trust the certificate', async () => {
    const { certificate, keyPath, certificatePath } = certificateFiles('CN=game.test');
    const port = await freeUdpPort();
    const cli = run(['serve', '--port', String(port), '--bind', '127.0.0.1', '--dtls-key', keyPath,
      '--dtls-cert', certificatePath]);
    await until(() => events(cli, 'listening').length === 1, 10_000, 'the server to listen');
    expect(events(cli, 'listening')[0]).toMatchObject({ dtls: true });
    const clients = [new GodotClient(), new GodotClient()];
    for (const client of clients) client.host.dtlsClientSetup('game.test', TLSOptions.client(certificate));
    const [a, b] = [await clients[0].connect(port), await clients[1].connect(port)];
    expect(a.peer!.getRemoteCertificate()!.fingerprint256).toBe(certificate.fingerprint256);
    a.send(sysFrame(3, b.id, rawFrame(Buffer.from('encrypted'))));
    await b.waitFor(() => b.framesStartingWith(Buffer.from([7, 3])).length === 1, 'the relayed bytes');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(a.disconnectData).toBe(0);
  });

  it('--max-peers-per-address turns away a second client from the same address', async () => {
    const port = await freeUdpPort();
    const cli = run(['serve', '--port', String(port), '--bind', '127.0.0.1', '--max-peers-per-address', '1']);
    await until(() => events(cli, 'listening').length === 1, 10_000, 'the server to listen');
    await new GodotClient().connect(port);
    await expect(new GodotClient().connect(port, 1200)).rejects.toThrow(/to connect/);
    expect(events(cli, 'peer-joined')).toHaveLength(1);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('budget flags: a client past --max-malformed is kicked with a log line saying why; stats lines count drops', async () => {
    const port = await freeUdpPort();
    const cli = run(['serve', '--port', String(port), '--bind', '127.0.0.1', '--max-malformed', '3',
      '--packets-per-second', '50', '--stats-interval', '0.2']);
    await until(() => events(cli, 'listening').length === 1, 10_000, 'the server to listen');
    expect(events(cli, 'listening')[0]).toMatchObject({ budgets: { maxMalformed: 3, packetsPerSecond: 50, maxRelayBytes: 65536 } });
    const flooder = await new GodotClient().connect(port);
    for (let i = 0; i < 150; i++) flooder.send(rawFrame(Buffer.from(`${i}`)));  // a 2-second burst holds 100
    await until(() => events(cli, 'stats').some((line) => (line.packetsDropped as number) >= 45), 5000, 'a stats line with the drops');
    const abuser = await new GodotClient().connect(port);
    for (let i = 0; i < 4; i++) abuser.send(sysFrame(2, flooder.id));  // fake "peer left"
    await until(() => events(cli, 'peer-kicked').length === 1, 3000, 'the kick log');
    expect(events(cli, 'peer-kicked')[0]).toMatchObject({ level: 'warn', id: abuser.id, reason: 'unknown-command',
      malformed: { 'unknown-command': 4 } });
    await abuser.waitFor(() => abuser.disconnectData !== null, 'the kick');
    await until(() => events(cli, 'stats').some((line) => line.malformed === 4 && line.misbehaved === 1), 3000, 'counted');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const negative = run(['serve', '--max-relay-bytes=-1']);
    expect(await negative.exited).toBe(2);
    expect(negative.stderr()).toMatch(/--max-relay-bytes must be a number of at least 0/);
    const fraction = run(['serve', '--packets-per-second', '0.5']);
    expect(await fraction.exited).toBe(2);
    expect(fraction.stderr()).toMatch(/--packets-per-second must be a whole number/);
  });

  it('explains bad options and unreadable files, with a non-zero exit', async () => {
    const unknown = run(['serve', '--compress', 'lzma']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toMatch(/--compress must be one of none, range_coder, fastlz, zlib, zstd/);
    const missing = run(['serve', '--port', '0', '--dtls-key', '/nonexistent/key.pem', '--dtls-cert', '/nonexistent/cert.pem']);
    expect(await missing.exited).toBe(1);
    expect(missing.stderr()).toMatch(/cannot read \/nonexistent\/key.pem/);
    const half = run(['serve', '--dtls-key', 'key.pem']);
    expect(await half.exited).toBe(2);
    expect(half.stderr()).toMatch(/--dtls-key and --dtls-cert go together/);
    const nothing = run([]);
    expect(await nothing.exited).toBe(2);
    expect(nothing.stderr()).toMatch(/a command is needed/);
  });
});
