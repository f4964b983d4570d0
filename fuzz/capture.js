#!/usr/bin/env node
// Regenerates the seed corpus (fuzz/corpus/<target>/) from real traffic of this package: a
// client ENetConnection talks to a server ENetConnection through a node:dgram relay that
// records every datagram the client sends. Seeds use the harness's input format (fuzz_host.c):
// each datagram as a 2-byte big-endian length and its bytes.
//   npm run build:ts && node fuzz/capture.js
'use strict';
const dgram = require('node:dgram');
const fs = require('node:fs');
const path = require('node:path');
const { ENetConnection, ENetPacketPeer, CompressionMode, Crypto, CryptoKey, TLSOptions, X509Certificate } =
  require('../dist/index.js');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function sequence(datagrams) {
  return Buffer.concat(datagrams.flatMap((d) => {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(d.length);
    return [length, d];
  }));
}

async function capture({ compression, dtls }) {
  const relay = dgram.createSocket('udp4');
  await new Promise((resolve) => relay.bind(0, '127.0.0.1', resolve));
  const server = new ENetConnection();
  server.createHostBound('127.0.0.1', 0, 8);
  const client = new ENetConnection();
  client.createHost(1);
  if (compression !== undefined) {
    server.compress(compression);
    client.compress(compression);
  }
  if (dtls) {
    const key = CryptoKey.fromPem(fs.readFileSync(path.join(__dirname, 'test_key.pem')));
    const cert = X509Certificate.fromPem(fs.readFileSync(path.join(__dirname, 'test_cert.pem')));
    server.dtlsServerSetup(TLSOptions.server(key, cert));
    client.dtlsClientSetup('localhost', TLSOptions.clientUnsafe());
  }
  const sent = [];
  let clientPort = 0;
  relay.on('message', (message, from) => {
    if (from.port === server.getLocalPort()) {
      relay.send(message, clientPort, '127.0.0.1');
    } else {
      clientPort = from.port;
      sent.push(Buffer.from(message));
      relay.send(message, server.getLocalPort(), '127.0.0.1');
    }
  });
  const peer = client.connectToHost('127.0.0.1', relay.address().port, 4, 7);
  const pump = async (ms) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      for (const host of [client, server]) {
        for (let e = host.service(0); e.type !== 0; e = host.service(0)) if (e.peer) while (e.peer.getAvailablePacketCount() > 0) e.peer.getPacket();
      }
      await sleep(2);
    }
  };
  await pump(dtls ? 1500 : 300);
  const connected = sent.length;
  const text = Buffer.from('hello from the godot-enet seed capture');
  peer.send(0, text, ENetPacketPeer.FLAG_RELIABLE);
  peer.send(1, Buffer.alloc(64, 0x41), 0);
  peer.send(2, Buffer.from('unsequenced'), ENetPacketPeer.FLAG_UNSEQUENCED);
  peer.send(3, Buffer.alloc(3000, 7), ENetPacketPeer.FLAG_RELIABLE);                // fragments
  peer.send(1, Buffer.alloc(2500, 9), ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT);     // fragments
  peer.ping();
  await pump(300);
  peer.peerDisconnect(3);
  await pump(300);
  client.destroy();
  server.destroy();
  relay.close();
  return { sent, connected };
}

async function main() {
  const targets = [
    ['plain', {}],
    ['range_coder', { compression: CompressionMode.COMPRESS_RANGE_CODER }],
    ['fastlz', { compression: CompressionMode.COMPRESS_FASTLZ }],
    ['zlib', { compression: CompressionMode.COMPRESS_ZLIB }],
    ['zstd', { compression: CompressionMode.COMPRESS_ZSTD }],
    ['dtls', { dtls: true }],
  ];
  for (const [name, options] of targets) {
    const { sent, connected } = await capture(options);
    const dir = path.join(__dirname, 'corpus', name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // The whole conversation, the connect alone, and each datagram on its own.
    fs.writeFileSync(path.join(dir, 'session'), sequence(sent));
    fs.writeFileSync(path.join(dir, 'connect'), sequence(sent.slice(0, Math.max(1, connected))));
    sent.forEach((d, i) => fs.writeFileSync(path.join(dir, `datagram-${String(i).padStart(2, '0')}`), sequence([d])));
    console.log(`${name}: ${sent.length} datagrams (${connected} to connect)`);
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
