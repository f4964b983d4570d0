'use strict';
// A user's program, run inside a project that installed the packed tarball: a plain and a DTLS
// echo round trip through the installed package. Prints one JSON line with what it saw.
const path = require('node:path');
const { ENetConnection, ENetPacketPeer, TLSOptions, CryptoKey, Crypto, versions } = require('godot-enet');

function roundTrip(dtls) {
  return new Promise((resolve, reject) => {
    const server = new ENetConnection();
    const client = new ENetConnection();
    const finish = (error, result) => {
      clearTimeout(timer);
      client.destroy();
      server.destroy();
      if (error) reject(error); else resolve(result);
    };
    const timer = setTimeout(() => finish(new Error(`${dtls ? 'DTLS' : 'plain'} round trip timed out`)), 10_000);
    server.createHostBound('127.0.0.1', 0);
    client.createHost(1);
    if (dtls) {
      const key = CryptoKey.generateEc();
      const certificate = Crypto.generateSelfSignedCertificate(key, 'CN=localhost');
      server.dtlsServerSetup(TLSOptions.server(key, certificate));
      client.dtlsClientSetup('localhost', TLSOptions.client(certificate));
    }
    server.on('receive', (peer, packet, channel, flags) => peer.send(channel, packet, flags));
    client.on('connect', (peer) => peer.send(0, Buffer.from('hello'), ENetPacketPeer.FLAG_RELIABLE));
    client.on('receive', (peer, packet) =>
      finish(null, { echoed: packet.toString(), cipherSuite: dtls ? peer.getCipherSuite() : null }));
    client.on('error', (err) => finish(err));
    server.start();
    client.start();
    client.connectToHost('127.0.0.1', server.getLocalPort());
  });
}

(async () => {
  const packageDir = path.dirname(require.resolve('godot-enet/package.json'));
  const binary = path.relative(packageDir, require('node-gyp-build').resolve(packageDir));
  const plain = await roundTrip(false);
  const dtls = await roundTrip(true);
  console.log(JSON.stringify({ binary, versions, plain, dtls }));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
