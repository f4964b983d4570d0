// The examples/ scripts as users run them: real child processes on 127.0.0.1, asserted on what
// they print and how they exit, so that they cannot rot. (examples/mesh/run.js's full run is in
// mesh.test.ts.)
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Crypto, CryptoKey, X509Certificate } from '../lib/index';
import { runScript, ScriptRun } from './fixtures/processes';
import { until } from './godot-client';
import { host } from './helpers';

const root = resolve(__dirname, '..');
const running: ScriptRun[] = [];
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const run of running.splice(0)) run.kill();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Runs examples/`script` (or another script of the package) from the package root. */
function run(script: string, args: string[] = [], env?: Record<string, string>): ScriptRun {
  const child = runScript(resolve(root, script), args, { cwd: root, env });
  running.push(child);
  return child;
}

function temporaryDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'godot-enet-examples-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The port a server example started with --port 0 printed. */
async function listening(server: ScriptRun, pattern = /^listening on 127\.0\.0\.1:(\d+)\b/): Promise<string> {
  const [, port] = await server.line(pattern, 10_000);
  return port;
}

describe('examples/server and examples/client', () => {
  it('the client gets its messages echoed on its channel and exits 0; others get them as chat; SIGTERM disconnects and exits 0',
    async () => {
      const server = run('examples/server/server.js', ['--port', '0']);
      const port = await listening(server);

      // Another client, in this process, already connected: it gets the chat and, later, the shutdown.
      const other = host();
      other.createHost(1);
      const chat: [number, string][] = [];
      let otherDisconnect: number | null = null;
      other.on('receive', (_peer, packet, channel) => chat.push([channel, packet.toString()]));
      other.on('disconnect', (_peer, data) => { otherDisconnect = data; });
      other.start();
      other.connectToHost('127.0.0.1', Number(port), 2);
      await server.line(/^connect 127\.0\.0\.1:\d+ \(1 online\)$/);

      const client = run('examples/client/client.js', ['--port', port, 'first message', 'second']);
      expect(await client.exited).toEqual({ code: 0, signal: null });
      expect(client.lines).toEqual([`connected to 127.0.0.1:${port}`, 'reply on channel 1: echo: first message',
        'reply on channel 1: echo: second', 'disconnected']);
      expect(client.stderr()).toBe('');

      const [, clientAddress] = await server.line(/^connect (127\.0\.0\.1:\d+) \(2 online\)$/);
      await server.line(/^disconnect .* \(data 0, 1 online\)$/);
      expect(server.lines.slice(2)).toEqual([
        `connect ${clientAddress} (2 online)`,
        `receive from ${clientAddress} on channel 1: first message`,
        `receive from ${clientAddress} on channel 1: second`,
        `disconnect ${clientAddress} (data 0, 1 online)`,
      ]);
      await until(() => chat.length === 2, 3000, 'the chat');
      expect(chat).toEqual([[0, `${clientAddress} says: first message`], [0, `${clientAddress} says: second`]]);

      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.lines.slice(-3)).toEqual(['SIGTERM: disconnecting 1 client(s)', expect.stringMatching(/^disconnect 127\.0\.0\.1:\d+ \(data 0, 0 online\)$/), 'closed']);
      // A graceful DISCONNECT (data 0) reached the other client; a dropped one would only time out.
      await until(() => otherDisconnect !== null, 3000, 'the disconnect');
      expect(otherDisconnect).toBe(0);
    });

  it('the client exits 1 with a clear message when the server does not answer', async () => {
    const silent = createSocket('udp4'); // a port that is open but never answers
    await new Promise<void>((done) => silent.bind(0, '127.0.0.1', done));
    cleanups.push(() => silent.close());
    const port = silent.address().port;
    const started = Date.now();
    const client = run('examples/client/client.js', ['--port', String(port), '--timeout', '800']);
    expect(await client.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(client.lines).toEqual([]);
    expect(client.stderr()).toBe(`client: no answer from 127.0.0.1:${port} within 800 ms (could not connect)\n`);
  });

  it('the server reports a port it cannot bind and exits 1', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((done) => taken.bind(0, '127.0.0.1', done));
    cleanups.push(() => taken.close());
    const server = run('examples/server/server.js', ['--port', String(taken.address().port)]);
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toMatch(/^cannot listen on 127\.0\.0\.1:\d+: /);
  });
});

describe('examples/dtls', () => {
  it('a self-signed certificate: the client checks it, shows the cipher suite and gets the echo; a wrong name or no CA fails at once',
    async () => {
      const certOut = join(temporaryDirectory(), 'cert.pem');
      const server = run('examples/dtls/server.js', ['--port', '0', '--name', 'game.test', '--cert-out', certOut]);
      const [, port, fingerprint] = await server.line(/^listening on 127\.0\.0\.1:(\d+) \(DTLS, certificate CN=game\.test, SHA-256 ([0-9A-F:]{95})\)$/, 10_000);
      expect(server.lines[0]).toBe(`self-signed certificate for CN=game.test written to ${certOut}`);
      expect(X509Certificate.load(certOut).fingerprint256).toBe(fingerprint);

      const client = run('examples/dtls/client.js', ['--port', port, '--ca', certOut, '--hostname', 'game.test', 'secret text']);
      expect(await client.exited).toEqual({ code: 0, signal: null });
      expect(client.lines).toEqual([
        expect.stringMatching(/^connected, cipher suite TLS-ECDHE-ECDSA-WITH-[A-Z0-9-]+$/),
        `server certificate CN=game.test, SHA-256 ${fingerprint}`,
        'echo: secret text',
        'disconnected',
      ]);
      const [, suite] = await server.line(/^connect 127\.0\.0\.1:\d+, cipher suite (\S+)$/);
      expect(client.lines[0]).toBe(`connected, cipher suite ${suite}`);
      await server.line(/^receive secret text$/);

      for (const [args, reason] of [
        [['--hostname', 'other.test', '--ca', certOut], /Common Name \(CN\) does not match with the expected CN/],
        [['--hostname', 'game.test'], /not correctly signed by the trusted CA/], // no --ca: public CAs only
      ] as const) {
        const started = Date.now();
        const refused = run('examples/dtls/client.js', ['--port', port, ...args]);
        expect(await refused.exited).toEqual({ code: 1, signal: null });
        expect(Date.now() - started).toBeLessThan(4000); // at once, not by timeout (5 s)
        expect(refused.lines).toEqual([]);
        expect(refused.stderr()).toMatch(/^dtls client: handshake failed: X509 - Certificate verification failed/);
        expect(refused.stderr()).toMatch(reason);
      }
      await until(() => server.lines.filter((line) => /^dtls error from 127\.0\.0\.1:\d+: /.test(line)).length === 2, 3000,
        "the server's DTLS error logs");

      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.lines.at(-1)).toBe('closed');
    });

  it('PEM files given with --key and --cert; --key alone is refused', async () => {
    const dir = temporaryDirectory();
    const key = CryptoKey.generateEc();
    const certificate = Crypto.generateSelfSignedCertificate(key, 'CN=pem.test');
    key.save(join(dir, 'key.pem'));
    certificate.save(join(dir, 'cert.pem'));
    const server = run('examples/dtls/server.js', ['--port', '0', '--key', join(dir, 'key.pem'), '--cert', join(dir, 'cert.pem')]);
    const port = await listening(server);
    expect(server.lines[0]).toBe(`listening on 127.0.0.1:${port} (DTLS, certificate CN=pem.test, SHA-256 ${certificate.fingerprint256})`);
    const client = run('examples/dtls/client.js', ['--port', port, '--ca', join(dir, 'cert.pem'), '--hostname', 'pem.test']);
    expect(await client.exited).toEqual({ code: 0, signal: null });
    expect(client.lines.slice(1)).toEqual([`server certificate CN=pem.test, SHA-256 ${certificate.fingerprint256}`,
      'echo: hello over DTLS', 'disconnected']);
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    const half = run('examples/dtls/server.js', ['--port', '0', '--key', join(dir, 'key.pem')]);
    expect(await half.exited).toEqual({ code: 1, signal: null });
    expect(half.stderr()).toBe('dtls server: --key and --cert go together\n');
  });
});

describe('examples/dedicated-server', () => {
  const bot = (port: string, name: string, args: string[] = []): ScriptRun =>
    run('examples/dedicated-server/bot.js', ['--port', port, '--name', name, ...args], { GAME_TOKEN: '' });
  const idOf = async (client: ScriptRun): Promise<string> => (await client.line(/: connected as peer (\d+)$/))[1];

  it('bots with the token join, see each other, hear each other through the relay and leave; a wrong token is refused',
    async () => {
      const server = run('examples/dedicated-server/server.js', ['--port', '0'], { GAME_TOKEN: 'sesame' });
      const port = await listening(server, /listening on 127\.0\.0\.1:(\d+)$/);
      const alice = bot(port, 'alice', ['--token', 'sesame']);
      const bob = bot(port, 'bob', ['--token', 'sesame']);
      const [aliceId, bobId] = [await idOf(alice), await idOf(bob)];
      expect(await alice.exited).toEqual({ code: 0, signal: null });
      expect(await bob.exited).toEqual({ code: 0, signal: null });
      for (const [me, name, myId, them, theirId] of [[alice, 'alice', aliceId, 'bob', bobId], [bob, 'bob', bobId, 'alice', aliceId]] as const) {
        expect(me.lines).toContain(`${name}: joined`);
        expect(me.lines).toContain(`${name}: server says: welcome, peer ${myId}`);
        expect(me.lines).toContain(`${name}: peer ${theirId} joined, players: 2`);
        expect(me.lines).toContain(`${name}: peer ${theirId} says: hello from ${them}`);
        expect(me.lines.at(-1)).toBe(`${name}: left`);
        expect(me.stderr()).toBe('');
      }
      const logged = async (pattern: string): Promise<void> => {
        await server.line(new RegExp(`^\\S+ ${pattern}`));
      };
      for (const [id, name] of [[aliceId, 'alice'], [bobId, 'bob']]) {
        await logged(`peer ${id} connected, authenticating$`);
        await logged(`peer ${id} joined from 127\\.0\\.0\\.1:\\d+ \\([12] online\\)$`);
        await logged(`peer ${id} says: hello from ${name}$`); // the server sees what is sent to everyone
        await logged(`peer ${id} left \\([01] online\\)$`);
      }

      const eve = bot(port, 'eve', ['--token', 'open up']);
      const eveId = await idOf(eve);
      expect(await eve.exited).toEqual({ code: 1, signal: null });
      expect(eve.stderr()).toBe('eve: the server refused us (wrong or missing token?)\n');
      expect(eve.lines).not.toContain('eve: joined');
      await logged(`peer ${eveId} refused: wrong token or no token in time$`);
      expect(server.lines.some((line) => line.includes(`peer ${eveId} joined`))).toBe(false);
    });

  it('SIGTERM disconnects a waiting bot at once and exits 0; no token configured: exit 2', async () => {
    const server = run('examples/dedicated-server/server.js', ['--port', '0', '--token', 'sesame']);
    const port = await listening(server, /listening on 127\.0\.0\.1:(\d+)$/);
    const lonely = bot(port, 'lonely', ['--token', 'sesame', '--peers', '1']);
    await lonely.line(/^lonely: joined$/);
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(await lonely.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - started).toBeLessThan(2000); // not by timeout
    expect(lonely.stderr()).toBe('lonely: the server closed the connection\n');
    expect(server.lines.slice(-3).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      'SIGTERM: disconnecting 1 client(s)', expect.stringMatching(/^peer \d+ left \(0 online\)$/), 'closed']);

    const tokenless = run('examples/dedicated-server/server.js', ['--port', '0'], { GAME_TOKEN: '' });
    expect(await tokenless.exited).toEqual({ code: 2, signal: null });
    expect(tokenless.stderr()).toMatch(/set the shared token with GAME_TOKEN=… or --token …/);
  });

  it('the README\'s CLI variant: `godot-enet serve` without auth, bots without a token', async () => {
    const server = run('bin/godot-enet.js', ['serve', '--port', '0', '--bind', '127.0.0.1']);
    const [, port] = await server.line(/"event":"listening".*"port":(\d+)/, 10_000);
    const [alice, bob] = [bot(port, 'alice'), bot(port, 'bob')];
    expect(await alice.exited).toEqual({ code: 0, signal: null });
    expect(await bob.exited).toEqual({ code: 0, signal: null });
    expect(alice.lines).toContain(`alice: peer ${await idOf(bob)} says: hello from bob`);
    expect(bob.lines).toContain(`bob: peer ${await idOf(alice)} says: hello from alice`);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.filter((line) => line.includes('"event":"peer-joined"'))).toHaveLength(2);
  });
});

describe('examples/mesh', () => {
  it('run.js stopped with SIGTERM takes its peer processes down with it', async () => {
    const mesh = run('examples/mesh/run.js', ['--peers', '3']);
    await mesh.line(/starting 3 peers$/, 10_000);
    // From /proc, not ps: no extra process (one that memcheck.sh would run under ASan).
    const children = (): number[] => readdirSync('/proc').filter((name) => /^\d+$/.test(name))
      .filter((pid) => processStat(Number(pid))?.ppid === mesh.child.pid).map(Number);
    await until(() => children().length === 3, 5000, 'three peer processes');
    const peers = children();
    mesh.child.kill('SIGTERM');
    expect((await mesh.exited).code).toBe(1);
    // Running, not a zombie waiting for whoever adopted it to reap it.
    const alive = (pid: number): boolean => !/^[ZX]$/.test(processStat(pid)?.state ?? 'X');
    await until(() => !peers.some(alive), 5000, 'the peers to exit');
  });
});

/** A process's state letter and parent from /proc/<pid>/stat; null once it is gone. */
function processStat(pid: number): { state: string; ppid: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …", where comm may hold spaces and parentheses.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}
