// A DTLS-encrypted ENet echo server, as Godot's dtls_server_setup. With --key and --cert it loads
// a PEM private key and certificate (e.g. from your CA or Let's Encrypt). Without them it makes a
// development pair: an EC key and a self-signed certificate for --name, and writes the
// certificate (never the key) to --cert-out so that clients can trust it (client.js --ca FILE).
// SIGINT or SIGTERM disconnects the clients, destroys the host and exits 0.
//   node examples/dtls/server.js [--host 127.0.0.1] [--port 7778] [--name localhost] [--cert-out dtls-cert.pem]
//   node examples/dtls/server.js --key key.pem --cert cert.pem [--host …] [--port …]
'use strict';
const { parseArgs } = require('node:util');
const { Crypto, CryptoKey, ENetConnection, TLSOptions, X509Certificate } = require('godot-enet');

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7778' },
    key: { type: 'string' },
    cert: { type: 'string' },
    name: { type: 'string', default: 'localhost' },
    'cert-out': { type: 'string', default: 'dtls-cert.pem' },
  },
});

function credentials() {
  if (values.key !== undefined || values.cert !== undefined) {
    if (values.key === undefined || values.cert === undefined) throw new Error('--key and --cert go together');
    return { key: CryptoKey.load(values.key), certificate: X509Certificate.load(values.cert) };
  }
  const key = CryptoKey.generateEc();
  const certificate = Crypto.generateSelfSignedCertificate(key, `CN=${values.name}`);
  certificate.save(values['cert-out']);
  console.log(`self-signed certificate for CN=${values.name} written to ${values['cert-out']}`);
  return { key, certificate };
}

const host = new ENetConnection();
let certificate;
try {
  const pair = credentials();
  certificate = pair.certificate;
  host.createHostBound(values.host, Number(values.port));
  host.dtlsServerSetup(TLSOptions.server(pair.key, certificate)); // right after binding, before any client
} catch (error) {
  console.error(`dtls server: ${error.message}`);
  process.exit(1);
}

const clients = new Set();
host.on('connect', (peer) => {
  clients.add(peer);
  console.log(`connect ${peer.getRemoteAddress()}:${peer.getRemotePort()}, cipher suite ${peer.getCipherSuite()}`);
});
host.on('receive', (peer, packet, channel, flags) => {
  console.log(`receive ${packet.toString('utf8')}`);
  peer.send(channel, packet, flags); // encrypted again on the way back
});
host.on('disconnect', (peer) => {
  clients.delete(peer);
  console.log('disconnect');
  if (stopping && clients.size === 0) close();
});
// A handshake that failed, e.g. a client that does not trust this certificate: logged, not fatal.
host.on('dtlsError', (error) => console.log(`dtls error from ${error.address}:${error.port}: ${error.reason}`));
host.on('error', (error) => {
  console.error(`host error: ${error.message}`);
  host.destroy();
  process.exitCode = 1;
});

let stopping = false;
let graceTimer;
function close() {
  clearTimeout(graceTimer);
  host.destroy();
  console.log('closed');
}
function stop() {
  if (stopping) process.exit(1);
  stopping = true;
  if (clients.size === 0) return close();
  for (const peer of clients) peer.peerDisconnect(0);
  graceTimer = setTimeout(close, 2000); // clients that do not acknowledge in time time out on their side
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

host.start();
console.log(`listening on ${values.host}:${host.getLocalPort()} (DTLS, certificate ${certificate.subject.replace(/\n/g, ', ')}, `
  + `SHA-256 ${certificate.fingerprint256})`);
