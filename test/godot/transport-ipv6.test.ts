// IPv6 against the real Godot 4: ::1 both ways (plain and DTLS), and hosts bound to every
// address ('*') taking IPv4 and IPv6 peers side by side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Crypto, CryptoKey, TLSOptions } from '../../lib/index';
import { describeGodot, runGodot } from './godot';
import { command, connectEnds, DIRECTIONS, NodeEnd, sha256, until } from './enet';
import { pattern } from '../helpers';

/**
 * How Godot prints ::1: IPAddress's String form has every group and no '::'. This library gives
 * Node's compressed form ('::1'), and takes either.
 */
const GODOT_LOOPBACK = '0:0:0:0:0:0:0:1';

describeGodot('Godot 4 over IPv6', () => {
  for (const direction of DIRECTIONS) {
    it(`${direction}: connects over ::1, each end seeing the other's IPv6 address (Godot prints it uncompressed), packets both ways up to 100 kB`, async () => {
      const ends = await connectEnds(direction, { address: '::1', data: 6 });
      expect(ends.peer.getRemoteAddress()).toBe('::1');
      expect(ends.godotConnect.address).toBe(GODOT_LOOPBACK);
      const sizes = [0, 1200, 100_000];
      const packets = sizes.map((size, index) => pattern(size, index + 1));
      for (const packet of packets) ends.peer.send(1, packet, 1);
      await until('Godot receives them', () => ends.godot.reports('receive').length === packets.length || undefined);
      expect(ends.godot.reports<{ sha256: string }>('receive').map((got) => got.sha256)).toEqual(packets.map(sha256));
      const done = await command<{ sent: { sha256: string }[] }>(ends, { do: 'send', sizes });
      expect((await ends.node.receivedCount(sizes.length)).map((got) => sha256(got.packet))).toEqual(done.sent.map((sent) => sent.sha256));
    });
  }

  it('DTLS over ::1, both ways', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godot-enet-ipv6-'));
    try {
      const key = CryptoKey.generateEc();
      const certificate = Crypto.generateSelfSignedCertificate(key, 'CN=localhost');
      key.save(join(dir, 'server.key'));
      certificate.save(join(dir, 'server.crt'));
      // A Godot client of this library's server.
      const server = NodeEnd.server('::1', { setup: (host) => host.dtlsServerSetup(TLSOptions.server(key, certificate)) });
      const client = runGodot('enet_client.gd', { address: '::1', port: server.host.getLocalPort(), dtls_hostname: 'localhost', ca: join(dir, 'server.crt') });
      expect((await client.report<{ address: string }>('connect')).address).toBe(GODOT_LOOPBACK);
      await server.connected();
      // This library's client of a Godot server.
      const godot = runGodot('enet_server.gd', { bind: '::1', dtls: true, key: join(dir, 'server.key'), cert: join(dir, 'server.crt') });
      const { port } = await godot.report<{ port: number }>('listening');
      const node = NodeEnd.client({ setup: (host) => host.dtlsClientSetup('localhost', TLSOptions.client(certificate)) });
      node.host.connectToHost(GODOT_LOOPBACK, port); // an address as Godot prints it
      expect((await node.connected()).getRemoteAddress()).toBe('::1');
      expect((await godot.report<{ address: string }>('connect')).address).toBe(GODOT_LOOPBACK);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hosts bound to '*' take IPv4 and IPv6 peers side by side, Godot's and this library's", async () => {
    // A Godot server on every address: this library connects over both.
    const godot = runGodot('enet_server.gd', { bind: '*' });
    const { port } = await godot.report<{ port: number }>('listening');
    const clients = ['127.0.0.1', '::1'].map((address) => {
      const client = NodeEnd.client();
      client.host.connectToHost(address, port);
      return client;
    });
    await Promise.all(clients.map((client) => client.connected()));
    await until('two connects', () => godot.reports('connect').length === 2 || undefined);
    expect(godot.reports<{ address: string }>('connect').map((event) => event.address).sort()).toEqual([GODOT_LOOPBACK, '127.0.0.1']);
    // This library's server on every address: Godot connects over both.
    const server = NodeEnd.server('*');
    for (const address of ['127.0.0.1', '::1']) runGodot('enet_client.gd', { address, port: server.host.getLocalPort() });
    await until('two connects', () => server.connects.length === 2 || undefined);
    expect(server.connects.map((event) => event.peer.getRemoteAddress()).sort()).toEqual(['127.0.0.1', '::1']);
  });
});
