// A DTLS ENet client, as Godot's dtls_client_setup: it checks that the server's certificate chains
// to --ca (without --ca: to a public CA, from Node's bundled list) and names --hostname, prints the
// negotiated cipher suite and the certificate, sends one message, prints the echo, disconnects and
// exits 0. A certificate that fails the check is reported at once, with mbedTLS's reason (exit 1).
//   node examples/dtls/client.js --ca dtls-cert.pem [--hostname localhost] [--host 127.0.0.1] [--port 7778] [message]
'use strict';
const { parseArgs } = require('node:util');
const { ENetConnection, ENetPacketPeer, TLSOptions, X509Certificate } = require('godot-enet');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7778' },
    ca: { type: 'string' },
    hostname: { type: 'string', default: 'localhost' }, // the name the certificate must carry
    timeout: { type: 'string', default: '5000' },
  },
});
const message = positionals[0] ?? 'hello over DTLS';

const host = new ENetConnection();
try {
  const trusted = values.ca === undefined ? null : X509Certificate.load(values.ca);
  host.createHost(1);
  host.dtlsClientSetup(values.hostname, TLSOptions.client(trusted)); // before connecting
  host.connectToHost(values.host, Number(values.port));
} catch (error) {
  console.error(`dtls client: ${error.message}`);
  process.exit(2);
}

host.on('connect', (peer) => {
  const certificate = peer.getRemoteCertificate();
  console.log(`connected, cipher suite ${peer.getCipherSuite()}`);
  console.log(`server certificate ${certificate.subject.replace(/\n/g, ', ')}, SHA-256 ${certificate.fingerprint256}`);
  peer.send(0, Buffer.from(message), ENetPacketPeer.FLAG_RELIABLE);
});
host.on('receive', (peer, packet) => {
  console.log(`echo: ${packet.toString('utf8')}`);
  peer.peerDisconnect(0);
});
host.on('disconnect', () => finish(0));
// A DtlsError: the handshake failed, e.g. an untrusted certificate or the wrong name. Godot would
// only time out; here the reason comes back within a round trip.
host.on('error', (error) => finish(1, `handshake failed: ${error.reason ?? error.message}`));

const deadline = setTimeout(() => finish(1, `no answer from ${values.host}:${values.port} within ${values.timeout} ms`),
  Number(values.timeout));
host.start();

function finish(code, problem) {
  clearTimeout(deadline);
  host.destroy();
  if (problem) console.error(`dtls client: ${problem}`);
  else console.log('disconnected');
  process.exitCode = code;
}
