'use strict';
// What test/platforms/ runs on each platform's own Node.js, in a project that installed the
// packed tarball: the installed package through require(), over real sockets on loopback.
// Writes one JSON report to the file given as its argument (Wine's stdio to a pipe is not to be
// trusted) and exits 0 only when every check passed.
//
//   node exercise.js REPORT_FILE
//
// EXERCISE_LAUNCHER, when set, starts the child `godot-enet serve` as `LAUNCHER node …` (qemu
// without binfmt_misc cannot exec a foreign binary itself).
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ENetConnection, ENetPacketPeer, ENetMultiplayerPeer, EventType, CompressionMode, TLSOptions, CryptoKey, Crypto,
  versions } = require('godot-enet');

const TIMEOUT_MS = 20_000;
const packageDir = path.dirname(require.resolve('godot-enet/package.json'));

function deadline(what, ms = TIMEOUT_MS) {
  let timer;
  const expired = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms); });
  return { expired, clear: () => clearTimeout(timer) };
}

/**
 * A client sends `payload` reliably to a server that echoes it; resolves with what came back.
 * `polling`: both hosts driven by service(), else event-driven (start()).
 */
async function roundTrip({ address = '127.0.0.1', dtls = false, compress = CompressionMode.COMPRESS_NONE, polling = false,
  payload = Buffer.from('hello') }) {
  const server = new ENetConnection();
  const client = new ENetConnection();
  const limit = deadline(`round trip over ${address}`);
  let pollTimer;
  try {
    server.createHostBound(address, 0);
    client.createHost(1);
    server.compress(compress);
    client.compress(compress);
    if (dtls) {
      const key = CryptoKey.generateEc();
      const certificate = Crypto.generateSelfSignedCertificate(key, 'CN=localhost');
      server.dtlsServerSetup(TLSOptions.server(key, certificate));
      client.dtlsClientSetup('localhost', TLSOptions.client(certificate));
    }
    const echoed = new Promise((resolve, reject) => {
      const onEvent = (host, type, peer, packet, channel, flags) => {
        if (host === server && type === EventType.EVENT_RECEIVE) peer.send(channel, packet, flags);
        if (host === client && type === EventType.EVENT_CONNECT) peer.send(0, payload, ENetPacketPeer.FLAG_RELIABLE);
        if (host === client && type === EventType.EVENT_RECEIVE) {
          resolve({ echoed: packet, cipherSuite: dtls ? peer.getCipherSuite() : null });
        }
        if (type === EventType.EVENT_ERROR) reject(new Error(`EVENT_ERROR on the ${host === server ? 'server' : 'client'}`));
      };
      if (polling) {
        const pump = () => {
          for (const host of [server, client]) {
            for (let event = host.service(0); event.type !== EventType.EVENT_NONE; event = host.service(0)) {
              const flags = event.type === EventType.EVENT_RECEIVE ? event.peer.getPacketFlags() : 0;
              const packet = event.type === EventType.EVENT_RECEIVE ? event.peer.getPacket() : null;
              onEvent(host, event.type, event.peer, packet, event.channel, flags);
            }
          }
          pollTimer = setTimeout(pump, 1);
        };
        pump();
      } else {
        for (const host of [server, client]) {
          host.on('connect', (peer) => onEvent(host, EventType.EVENT_CONNECT, peer));
          host.on('receive', (peer, packet, channel, flags) => onEvent(host, EventType.EVENT_RECEIVE, peer, packet, channel, flags));
          host.on('error', (err) => onEvent(host, EventType.EVENT_ERROR, null, err));
          host.start();
        }
      }
      client.connectToHost(address, server.getLocalPort());
    });
    const result = await Promise.race([echoed, limit.expired]);
    if (!Buffer.from(result.echoed).equals(payload)) throw new Error(`echoed ${result.echoed.length} different bytes`);
    return result;
  } finally {
    limit.clear();
    clearTimeout(pollTimer);
    client.destroy();
    server.destroy();
  }
}

/** `godot-enet serve` as a child process: a Godot client (ENetMultiplayerPeer) joins, then a graceful stop. */
async function serve() {
  const launcher = process.env.EXERCISE_LAUNCHER;
  const args = [path.join(packageDir, 'bin', 'godot-enet.js'), 'serve', '--bind', '127.0.0.1', '--port', '0', '--stats-interval', '0'];
  // Windows has no signals between processes (kill() terminates): the IPC 'shutdown' message is its graceful stop.
  const windows = process.platform === 'win32';
  const child = spawn(launcher || process.execPath, launcher ? [process.execPath, ...args] : args,
    { stdio: ['ignore', 'pipe', 'pipe', ...(windows ? ['ipc'] : [])] });
  const logs = [];
  let stderr = '';
  let buffered = '';
  const waiters = [];
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop();
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line));
    for (const waiter of waiters) waiter();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const logged = (event) => new Promise((resolve) => {
    const check = () => { const line = logs.find((entry) => entry.event === event); if (line) resolve(line); };
    waiters.push(check);
    check();
  });
  const limit = deadline('godot-enet serve', 3 * TIMEOUT_MS);
  const peer = new ENetMultiplayerPeer();
  try {
    const failed = exited.then((code) => { throw new Error(`serve exited ${code} early: ${stderr}`); });
    const listening = await Promise.race([logged('listening'), failed, limit.expired]);
    const joined = new Promise((resolve) => peer.on('peerConnected', resolve));
    const left = new Promise((resolve) => peer.on('peerDisconnected', resolve));
    peer.createClient('127.0.0.1', listening.port);
    peer.start();
    await Promise.race([joined, failed, limit.expired]);
    const seen = await Promise.race([logged('peer-joined'), failed, limit.expired]);
    if (seen.id !== peer.getUniqueId()) throw new Error(`the server logged peer ${seen.id}, the client is ${peer.getUniqueId()}`);
    exited.catch(() => {});
    const stopAsked = Date.now();
    if (windows) child.send('shutdown'); else child.kill('SIGTERM');
    const [code, leftId] = await Promise.race([Promise.all([exited, left]), limit.expired]);
    const afterMs = Date.now() - stopAsked;
    // A graceful ENet disconnect arrives at once; a dropped server would only time out after seconds.
    if (leftId !== 1 || afterMs > 4000) throw new Error(`the client saw peer ${leftId} leave after ${afterMs} ms`);
    if (code !== 0) throw new Error(`serve exited ${code} on a graceful stop: ${stderr}`);
    if (!logs.some((entry) => entry.event === 'closed')) throw new Error(`no 'closed' log line: ${JSON.stringify(logs)}`);
    return 'ok';
  } finally {
    limit.clear();
    peer.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

const LARGE = Buffer.from('godot-enet compresses this line well. '.repeat(100));
const CHECKS = {
  versions: async () => JSON.stringify(versions),
  plainPolling: async () => (await roundTrip({ polling: true })).echoed.toString(),
  plainStarted: async () => (await roundTrip({})).echoed.toString(),
  dtls: async () => /^TLS-/.test((await roundTrip({ dtls: true })).cipherSuite) ? 'ok' : 'no TLS cipher suite',
  ...Object.fromEntries(Object.entries(CompressionMode).filter(([, mode]) => typeof mode === 'number').map(([name, mode]) =>
    [name, async () => (await roundTrip({ compress: mode, payload: LARGE })) && 'ok'])),
  ipv6: async () => (await roundTrip({ address: '::1' })).echoed.toString(),
  ipv6Dtls: async () => (await roundTrip({ address: '::1', dtls: true, polling: true })).echoed.toString(),
  serve,
};

(async () => {
  const report = {
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    binary: path.relative(packageDir, require('node-gyp-build').resolve(packageDir)).split(path.sep).join('/'),
    checks: {},
  };
  for (const [name, check] of Object.entries(CHECKS)) {
    try {
      report.checks[name] = await check();
    } catch (err) {
      report.checks[name] = `FAILED: ${err.stack || err}`;
    }
  }
  fs.writeFileSync(process.argv[2], JSON.stringify(report, null, 2));
  process.exitCode = Object.values(report.checks).some((result) => String(result).startsWith('FAILED')) ? 1 : 0;
})();
