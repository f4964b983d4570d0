// DTLS against the real Godot 4: a Godot dtls_client_setup client against this library's
// dtlsServerSetup server, and this library's client against a Godot dtls_server_setup server;
// self-signed and CA-signed certificates, the right and the wrong name, client_unsafe. Connect
// times are printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Crypto, CryptoKey, ENetConnection, ENetPacketPeer, TLSOptions, X509Certificate } from '../../lib/index';
import { describeGodot, GodotRun, runGodot } from './godot';
import { command, connectEnds, DIRECTIONS, NodeEnd, sha256, until } from './enet';
import { sleep } from '../godot-client';
import { pattern } from '../helpers';

/** A key and its certificate, in memory and as PEM files for Godot. */
interface Identity { key: CryptoKey; certificate: X509Certificate; keyFile: string; certificateFile: string }

let dir: string;
/** Self-signed, CN=localhost. */
let selfSigned: Identity;
/** A development CA, and a server certificate it signed for CN=game.test. */
let ca: Identity;
let signed: Identity;

function identity(name: string, key: CryptoKey, certificate: X509Certificate): Identity {
  const keyFile = join(dir, `${name}.key`);
  const certificateFile = join(dir, `${name}.crt`);
  key.save(keyFile);
  certificate.save(certificateFile);
  return { key, certificate, keyFile, certificateFile };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'godot-enet-dtls-'));
  const selfKey = CryptoKey.generateEc();
  selfSigned = identity('self', selfKey, Crypto.generateSelfSignedCertificate(selfKey, 'CN=localhost,O=godot-enet tests'));
  const caKey = CryptoKey.generateEc();
  ca = identity('ca', caKey, Crypto.generateCertificate({ key: caKey, subjectName: 'CN=godot-enet test CA', isCa: true }));
  const serverKey = CryptoKey.generateEc();
  signed = identity('signed', serverKey, Crypto.generateCertificate({
    key: serverKey, subjectName: 'CN=game.test,O=godot-enet tests', issuer: { key: caKey, certificate: ca.certificate },
  }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This library's DTLS server with `server`'s key and certificate. */
function nodeServer(server: Identity): NodeEnd {
  return NodeEnd.server('127.0.0.1', { setup: (host) => host.dtlsServerSetup(TLSOptions.server(server.key, server.certificate)) });
}

/** A Godot DTLS client of `node` (options: enet_client.gd's and dtls_client_options()'s). */
function godotClient(node: NodeEnd, options: Record<string, string | boolean>): GodotRun {
  return runGodot('enet_client.gd', { port: node.host.getLocalPort(), seconds: 10, ...options });
}

/** Waits for Godot's CONNECT; the connect time Godot measured, in ms. */
async function godotConnectMs(godot: GodotRun): Promise<number> {
  const connecting = await godot.report<{ usec: number }>('connecting');
  const connected = await godot.report<{ usec: number }>('connect');
  return (connected.usec - connecting.usec) / 1000;
}

/** Both ways over an established DTLS link. */
async function exchange(godot: GodotRun, node: NodeEnd, peer: ENetPacketPeer): Promise<void> {
  const packet = pattern(3000, 9);
  peer.send(0, packet, ENetPacketPeer.FLAG_RELIABLE);
  expect((await godot.report<{ sha256: string }>('receive')).sha256).toBe(sha256(packet));
  const done = await command<{ sent: { sha256: string }[] }>({ godot, peer }, { do: 'send', sizes: [2000] });
  expect(sha256((await node.receivedCount(1))[0].packet)).toBe(done.sent[0].sha256);
}

/** A Godot DTLS server with `server`'s key and certificate; its port. */
async function godotServer(server: Identity): Promise<{ godot: GodotRun; port: number }> {
  const godot = runGodot('enet_server.gd', { dtls: true, key: server.keyFile, cert: server.certificateFile, seconds: 10 });
  return { godot, port: (await godot.report<{ port: number }>('listening')).port };
}

/** This library's DTLS client of a Godot server on `port`; when it connected, in ms after the call. */
function nodeClient(port: number, hostname: string, options: TLSOptions): { node: NodeEnd; started: number } {
  const node = NodeEnd.client({ setup: (host: ENetConnection) => host.dtlsClientSetup(hostname, options) });
  const started = performance.now();
  node.host.connectToHost('127.0.0.1', port);
  return { node, started };
}

describeGodot('Godot 4 DTLS', () => {
  it('a Godot client trusting the self-signed certificate connects to this library\'s server, and traffic flows', async () => {
    const node = nodeServer(selfSigned);
    const godot = godotClient(node, { dtls_hostname: 'localhost', ca: selfSigned.certificateFile });
    const ms = await godotConnectMs(godot);
    console.log(`DTLS connect, Godot client -> this library, self-signed (EC P-256): ${ms.toFixed(1)} ms`);
    await exchange(godot, node, await node.connected());
  });

  it('a Godot client trusting the dev CA connects to a CA-signed server by name, or by common-name override', async () => {
    const node = nodeServer(signed);
    const byName = godotClient(node, { dtls_hostname: 'game.test', ca: ca.certificateFile });
    const byOverride = godotClient(node, { dtls_hostname: '127.0.0.1', ca: ca.certificateFile, common_name: 'game.test' });
    const [nameMs, overrideMs] = await Promise.all([godotConnectMs(byName), godotConnectMs(byOverride)]);
    console.log(`DTLS connect, Godot client -> this library, CA-signed: ${nameMs.toFixed(1)} ms, by override ${overrideMs.toFixed(1)} ms`);
    await until('two connects', () => node.connects.length === 2 || undefined);
  });

  it('Godot client_unsafe clients connect to any certificate, three at once', async () => {
    const node = nodeServer(signed);
    const godot = godotClient(node, { dtls_hostname: 'anything', unsafe: true, clients: '3' });
    await until('three connects', () => node.connects.length === 3 || undefined);
    await godot.report('connect', 10_000, (event: { host: number }) => event.host === 2);
    expect(node.host.getDtlsSessionCount()).toMatchObject({ sessions: 3 });
    await exchange(godot, node, node.connects[0].peer);
  });

  it('a Godot client expecting another name, or not trusting the certificate, never connects: '
    + 'Godot prints the TLS failure and waits for ENet\'s timeout; this library\'s server sees the handshake fail', async () => {
    const node = nodeServer(signed);
    const wrongName = godotClient(node, { dtls_hostname: 'other.test', ca: ca.certificateFile });
    const untrusted = godotClient(node, { dtls_hostname: 'game.test' }); // Godot's own CA bundle
    await until('two failed handshakes', () => node.dtlsErrors.length >= 2 || undefined);
    await sleep(1000);
    for (const [name, godot] of [['wrong name', wrongName], ['untrusted', untrusted]] as const) {
      // -9984 is mbedTLS's MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: Godot does not say which check failed.
      expect(godot.stderr(), name).toContain('TLS handshake error: -9984');
      expect(godot.reports('connect'), name).toEqual([]);
    }
    console.log(`this library's server: ${node.dtlsErrors.map((error) => error.reason).join(' | ')}`);
    expect(node.connects).toEqual([]);
  });

  it('this library\'s client connects to a Godot server: self-signed trusted, CA-signed by name or override, and unsafe', async () => {
    const cases: [string, Identity, string, TLSOptions][] = [
      ['self-signed', selfSigned, 'localhost', TLSOptions.client(selfSigned.certificate)],
      ['CA-signed', signed, 'game.test', TLSOptions.client(ca.certificate)],
      ['CA-signed, name override', signed, '127.0.0.1', TLSOptions.client(ca.certificate, 'game.test')],
      ['unsafe', signed, 'whatever', TLSOptions.clientUnsafe()],
    ];
    for (const [name, server, hostname, options] of cases) {
      const { godot, port } = await godotServer(server);
      const { node, started } = nodeClient(port, hostname, options);
      const peer = await node.connected();
      console.log(`DTLS connect, this library -> Godot server, ${name}: ${(node.connects[0].at - started).toFixed(1)} ms`);
      await godot.report('connect');
      await exchange(godot, node, peer);
    }
  });

  it('this library\'s client fails at once with the reason for a wrong name or an untrusted certificate; '
    + 'the Godot server reports nothing', async () => {
    const cases: [string, string, TLSOptions, RegExp][] = [
      ['wrong name', 'other.test', TLSOptions.client(ca.certificate), /Common Name|CN/],
      ['untrusted', 'game.test', TLSOptions.client(), /not correctly signed|verif/i],
    ];
    const { godot, port } = await godotServer(signed);
    for (const [name, hostname, options, reason] of cases) {
      const { node, started } = nodeClient(port, hostname, options);
      const [error] = await until(`${name}: an error`, () => node.errors.length > 0 && node.errors);
      console.log(`this library's DTLS client, ${name}: failed after ${(performance.now() - started).toFixed(1)} ms: ${error.message}`);
      expect(error.name).toBe('DtlsError');
      expect(error.message).toMatch(reason);
      expect(node.connects).toEqual([]);
    }
    await sleep(300);
    expect(godot.reports('connect')).toEqual([]);
    // -30592 is MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: the alert this library's client sent.
    expect(godot.stderr()).toContain('TLS handshake error: -30592');
  });

  it('Godot misbehaves: a Godot DTLS client connects to a Godot DTLS server only after ENet resends its CONNECT (about 500 ms)', async () => {
    const { port } = await godotServer(selfSigned);
    const tls = { dtls_hostname: 'localhost', ca: selfSigned.certificateFile };
    const pair = runGodot('enet_client.gd', { port, seconds: 10, clients: 2, ...tls });
    await until('two connects', () => pair.reports('connect').length === 2 || undefined);
    const times = [0, 1].map((host) => {
      const at = (event: string) => pair.reports<{ host: number; usec: number }>(event).find((report) => report.host === host)!.usec;
      return (at('connect') - at('connecting')) / 1000;
    });
    const toGodot = Math.max(...times);
    const toNode = await godotConnectMs(godotClient(nodeServer(selfSigned), tls));
    const { node, started } = nodeClient(port, 'localhost', TLSOptions.client(selfSigned.certificate));
    await node.connected();
    console.log(`DTLS connect times: Godot client -> Godot server ${times.map((ms) => ms.toFixed(1)).join(' and ')} ms, Godot client -> this library `
      + `${toNode.toFixed(1)} ms, this library -> Godot server ${(node.connects[0].at - started).toFixed(1)} ms`);
    // Its first CONNECT is lost around the end of the handshake and ENet resends it 500 ms later.
    // Against this library's server it usually gets through at once (5-12 ms), not always: that
    // time is printed, not asserted. The slower of two connects to Godot's own server is asserted.
    expect(toGodot).toBeGreaterThan(450);
  });

  for (const direction of DIRECTIONS) {
    it(`${direction}: DTLS with ZSTD compression, packets both ways from 0 B to 100 kB`, async () => {
      const ends = await connectEnds(direction, direction === 'godot-server'
        ? { compress: 'ZSTD', godot: { dtls: true, key: selfSigned.keyFile, cert: selfSigned.certificateFile },
          setup: (host) => host.dtlsClientSetup('localhost', TLSOptions.client(selfSigned.certificate)) }
        : { compress: 'ZSTD', godot: { dtls_hostname: 'localhost', ca: selfSigned.certificateFile },
          setup: (host) => host.dtlsServerSetup(TLSOptions.server(selfSigned.key, selfSigned.certificate)) });
      const sizes = [0, 100, 5000, 100_000];
      const packets = sizes.map((size, index) => pattern(size, index + 1));
      for (const packet of packets) ends.peer.send(0, packet, ENetPacketPeer.FLAG_RELIABLE);
      await until('Godot receives them', () => ends.godot.reports('receive').length === sizes.length || undefined);
      expect(ends.godot.reports<{ sha256: string }>('receive').map((got) => got.sha256)).toEqual(packets.map(sha256));
      const done = await command<{ sent: { sha256: string }[] }>(ends, { do: 'send', sizes, fill: 'text' });
      expect((await ends.node.receivedCount(sizes.length)).map((got) => sha256(got.packet))).toEqual(done.sent.map((sent) => sent.sha256));
    });
  }

  it('refuse_new_connections: a Godot DTLS server honours it, and so does this library\'s for a Godot client', async () => {
    const godot = runGodot('enet_server.gd', { dtls: true, key: selfSigned.keyFile, cert: selfSigned.certificateFile, refuse: true });
    const { port } = await godot.report<{ port: number }>('listening');
    const { node } = nodeClient(port, 'localhost', TLSOptions.client(selfSigned.certificate));
    const server = NodeEnd.server('127.0.0.1', { setup: (host) => {
      host.dtlsServerSetup(TLSOptions.server(selfSigned.key, selfSigned.certificate));
      host.refuseNewConnections(true);
    } });
    const client = godotClient(server, { dtls_hostname: 'localhost', ca: selfSigned.certificateFile });
    await sleep(1500);
    expect([godot.reports("connect").length, node.connects.length, client.reports("connect").length, server.connects.length]).toEqual([0, 0, 0, 0]);
  });

  it('Godot misbehaves: refuse_new_connections called before dtls_server_setup is forgotten (this library keeps it)', async () => {
    const godot = runGodot('enet_server.gd', { dtls: true, key: selfSigned.keyFile, cert: selfSigned.certificateFile, refuse: 'before_dtls' });
    const { port } = await godot.report<{ port: number }>('listening');
    const { node } = nodeClient(port, 'localhost', TLSOptions.client(selfSigned.certificate));
    await node.connected();
    const server = NodeEnd.server('127.0.0.1', { setup: (host) => {
      host.refuseNewConnections(true);
      host.dtlsServerSetup(TLSOptions.server(selfSigned.key, selfSigned.certificate));
    } });
    const client = godotClient(server, { dtls_hostname: 'localhost', ca: selfSigned.certificateFile });
    await sleep(1500);
    expect([client.reports('connect').length, server.connects.length]).toEqual([0, 0]);
  });

  it('a certificate and RSA key made by Godot\'s Crypto: this library trusts it as a client and serves with it to Godot', async () => {
    const files = { key: join(dir, 'godot.key'), cert: join(dir, 'godot.crt') };
    const godot = runGodot('enet_server.gd', { dtls: true, generate: 'CN=godot.test,O=Godot,C=IT', ...files });
    const { port } = await godot.report<{ port: number }>('listening', 20_000);
    const certificate = X509Certificate.load(files.cert);
    expect(certificate.subject).toContain('CN=godot.test');
    const { node } = nodeClient(port, 'godot.test', TLSOptions.client(certificate));
    await node.connected();
    // Served by this library with Godot's key and certificate, to a Godot client trusting it.
    const server = NodeEnd.server('127.0.0.1', { setup: (host) => host.dtlsServerSetup(TLSOptions.server(CryptoKey.load(files.key), certificate)) });
    await godotConnectMs(godotClient(server, { dtls_hostname: 'godot.test', ca: files.cert }));
  });
});
