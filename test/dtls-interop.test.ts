// DTLS interop with an independent stack: werift-dtls (pure TypeScript DTLS 1.2) on one end, this
// addon (mbedTLS 3.6 under ENet 1.3.18) on the other, over real UDP sockets on 127.0.0.1. The
// werift side speaks ENet by hand (spec §3.3; ENet 1.3.18's protocol.h), so every ENet datagram
// is checked byte by byte after werift decrypted it, and our hosts must accept what werift
// encrypted.
import { randomInt } from 'node:crypto';
import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
// werift-dtls 0.5.8's package.json names a "main" (lib/index.js) that it does not ship.
import { DtlsClient, DtlsServer } from 'werift-dtls/lib/dtls/src/index';
import { Crypto, CryptoKey, ENetConnection, ENetPacketPeer, TLSOptions, X509Certificate } from '../lib/index';
import {
  PEER_ID_NONE, FLAG_SENT_TIME, FLAG_COMPRESSED, SESSION_SHIFT, COMMAND_ACK_FLAG, Command, MTU, WINDOW, THROTTLE, Connect, ParsedCommand, Datagram, header, connectCommand, acknowledge, sendReliable, parseDatagram,
} from './enet-wire';

// ---- werift over node:dgram ------------------------------------------------------------------

/** werift's Transport on a UDP socket: sends to `remote`, or else to whoever sent last. */
class UdpTransport {
  readonly type = 'udp';
  closed = false;
  onData: (data: Buffer, address: readonly [string, number]) => void = () => {};
  /** Every datagram, before werift sees it. */
  readonly received: Buffer[] = [];

  constructor(readonly socket: Socket, private remote?: { address: string; port: number }) {
    socket.on('message', (message: Buffer, from: RemoteInfo) => {
      this.received.push(message);
      this.remote ??= from;
      if (from.address === this.remote.address && from.port === this.remote.port) this.onData(message, [from.address, from.port]);
    });
  }

  static async bind(remote?: { address: string; port: number }): Promise<UdpTransport> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new UdpTransport(socket, remote);
  }

  get address() {
    return this.socket.address();
  }

  send = (data: Buffer): Promise<void> => new Promise((resolve, reject) => {
    if (this.closed || !this.remote) return resolve();
    this.socket.send(data, this.remote.port, this.remote.address, (error) => (error ? reject(error) : resolve()));
  });

  close = async (): Promise<void> => {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  };
}

/** Resolves with the first value `take` returns for an item pushed to `items`, polling every 5 ms. */
async function waitFor<T>(what: string, take: () => T | undefined, limitMs = 5000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = take();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function selfSigned(cn: string): { key: CryptoKey; certificate: X509Certificate } {
  const key = CryptoKey.generateEc();
  return { key, certificate: Crypto.generateSelfSignedCertificate(key, `CN=${cn},O=godot-enet tests,C=FR`) };
}

// werift's SignatureHash for an ECDSA P-256 certificate: sha256 (4) with ecdsa (3).
const ECDSA_SHA256 = { hash: 4, signature: 3 } as const;

describe('DTLS interop with werift-dtls 0.5.8 on 127.0.0.1', () => {
  it.each([
    { kind: 'EC P-256', makeKey: () => CryptoKey.generateEc(), suite: 0xc02b, name: /ECDHE-ECDSA.*AES-128-GCM-SHA256/ },
    { kind: 'RSA 2048', makeKey: () => CryptoKey.generateRsa(2048), suite: 0xc02f, name: /ECDHE-RSA.*AES-128-GCM-SHA256/ },
  ])('our DTLS server ($kind) accepts a werift client whose records carry ENet: CONNECT, VERIFY_CONNECT, ACK, data', async ({ kind, makeKey, suite, name }) => {
    const key = makeKey();
    const certificate = Crypto.generateSelfSignedCertificate(key, 'CN=enet.test,O=godot-enet tests,C=FR');
    const server = new ENetConnection();
    cleanups.push(() => server.destroy());
    server.createHostBound('127.0.0.1', 0, 4, 8);
    server.dtlsServerSetup(TLSOptions.server(key, certificate));
    const dtlsErrors: Error[] = [];
    const connects: [ENetPacketPeer, number][] = [];
    const receives: [ENetPacketPeer, Buffer, number][] = [];
    server.on('dtlsError', (error) => dtlsErrors.push(error));
    server.on('connect', (peer, data) => connects.push([peer, data]));
    server.on('receive', (peer, packet, channel) => receives.push([peer, packet, channel]));
    server.start();

    const transport = await UdpTransport.bind({ address: '127.0.0.1', port: server.getLocalPort() });
    cleanups.push(transport.close);
    // werift accepts any server certificate; its Finished handling is what it is: we check the
    // certificate it received instead.
    const client = new DtlsClient({ transport });
    const decrypted: Buffer[] = [];
    client.onData.subscribe((data) => decrypted.push(data));
    const started = performance.now();
    const connected = client.onConnect.asPromise(5000);
    await client.connect();
    await connected;
    const handshakeMs = performance.now() - started;
    expect(client.remoteCertificate?.equals(certificate.certificates[0].raw)).toBe(true);
    expect(client.cipher.cipherSuite).toBe(suite);  // TLS_ECDHE_{ECDSA,RSA}_WITH_AES_128_GCM_SHA256

    // CONNECT, as an ENet 1.3.18 client sends it: no peer yet (0x0FFF), sent time, 48-byte command.
    const connectID = randomInt(0, 2 ** 32);
    const ourPeerID = 7;
    const sentTime = 0x1234;
    await client.send(Buffer.concat([header(PEER_ID_NONE, 0, sentTime), connectCommand(Command.CONNECT, {
      outgoingPeerID: ourPeerID, incomingSessionID: 0xff, outgoingSessionID: 0xff, mtu: MTU, windowSize: WINDOW,
      channelCount: 3, incomingBandwidth: 0, outgoingBandwidth: 0, throttleInterval: THROTTLE.interval,
      throttleAcceleration: THROTTLE.acceleration, throttleDeceleration: THROTTLE.deceleration, connectID, data: 1234,
    })]));

    const reply = await waitFor('VERIFY_CONNECT', () => decrypted.map(parseDatagram)
      .find((datagram) => datagram.commands.some((command) => (command.command & 0x0f) === Command.VERIFY_CONNECT)));
    // The server is in ACKNOWLEDGING_CONNECT: the VERIFY_CONNECT is itself the answer, no ACK with it.
    expect(reply.commands).toHaveLength(1);
    const [verify] = reply.commands;
    expect(reply.peerID).toBe(ourPeerID);
    expect(reply.sentTime).toBeDefined();
    expect(verify).toMatchObject({
      command: Command.VERIFY_CONNECT | COMMAND_ACK_FLAG, channelID: 0xff, reliableSequenceNumber: 1,
      mtu: MTU, windowSize: WINDOW, channelCount: 3, incomingBandwidth: 0, outgoingBandwidth: 0,
      throttleInterval: THROTTLE.interval, throttleAcceleration: THROTTLE.acceleration,
      throttleDeceleration: THROTTLE.deceleration, connectID,
    });
    expect(verify.outgoingPeerID).toBeLessThan(4);
    // Header session bits are the server's outgoing session, which it announced as our incoming one.
    expect(reply.sessionID).toBe(verify.incomingSessionID);
    expect(connects, 'no CONNECT before the client acknowledges VERIFY_CONNECT').toHaveLength(0);

    // ACK the VERIFY_CONNECT (to the server's peer, with the session it gave us), then a reliable packet.
    const toServer = (sent?: number) => header(verify.outgoingPeerID!, verify.outgoingSessionID!, sent);
    await client.send(Buffer.concat([toServer(), acknowledge(0xff, 1, reply.sentTime!)]));
    const [[peer, data]] = await waitFor('CONNECT on the server', () => (connects.length > 0 ? connects : undefined));
    expect(data).toBe(1234);
    expect(peer.getRemoteAddress()).toBe('127.0.0.1');
    expect(peer.getRemotePort()).toBe(transport.address.port);
    expect(peer.getChannels()).toBe(3);
    expect(peer.getCipherSuite()).toMatch(name);
    expect(peer.getRemoteCertificate()).toBeNull();  // no client certificate was asked for

    await client.send(Buffer.concat([toServer(0x1300), sendReliable(2, 1, Buffer.from('hello from werift'))]));
    const [[from, packet, channel]] = await waitFor('RECEIVE on the server', () => (receives.length > 0 ? receives : undefined));
    expect(from).toBe(peer);
    expect(channel).toBe(2);
    expect(packet.toString()).toBe('hello from werift');

    // And the other way: our server's reliable packet, decrypted by werift.
    decrypted.length = 0;
    expect(peer.send(1, Buffer.from('hello from mbedTLS'), ENetPacketPeer.FLAG_RELIABLE)).toBe(0);
    server.flush();
    const data2 = await waitFor('SEND_RELIABLE from the server', () => decrypted.map(parseDatagram)
      .flatMap((datagram) => datagram.commands).find((command) => (command.command & 0x0f) === Command.SEND_RELIABLE));
    expect(data2).toMatchObject({ command: Command.SEND_RELIABLE | COMMAND_ACK_FLAG, channelID: 1, reliableSequenceNumber: 1 });
    expect(data2.payload!.toString()).toBe('hello from mbedTLS');
    expect(dtlsErrors).toEqual([]);
    // Every datagram the server sent was a DTLS record (content type 20–23, version DTLS 1.2 0xFEFD, or
    // 0xFEFF for the HelloVerifyRequest), never plaintext ENet.
    for (const datagram of transport.received) {
      expect([20, 21, 22, 23]).toContain(datagram[0]);
      expect([0xfefd, 0xfeff]).toContain(datagram.readUInt16BE(1));
    }
    // werift reports onConnect only when its flight-5 retransmit timer (500 ms) expires, however
    // early the server's Finished arrived, so this is werift's figure, not the wire's.
    console.info(`werift client -> our ${kind} server: werift onConnect after ${handshakeMs.toFixed(1)} ms`);
  });

  it('our DTLS client handshakes with a werift server, whose first record is our ENet CONNECT', async () => {
    // The werift server uses a certificate made by this addon (mbedTLS's x509write): werift parses it,
    // signs its ServerKeyExchange with the key, and our client verifies the chain and the name.
    const { key, certificate } = selfSigned('werift.test');
    const transport = await UdpTransport.bind();
    cleanups.push(transport.close);
    const werift = new DtlsServer({ cert: certificate.toPem(), key: key.toPem(), signatureHash: ECDSA_SHA256, transport });
    const decrypted: Buffer[] = [];
    werift.onData.subscribe((data) => decrypted.push(data));
    const weriftErrors: Error[] = [];
    werift.onError.subscribe((error) => weriftErrors.push(error));
    let weriftConnectedAt = 0;
    const weriftConnected = werift.onConnect.asPromise(5000).then(() => { weriftConnectedAt = performance.now(); });

    const client = new ENetConnection();
    cleanups.push(() => client.destroy());
    client.createHost(1);
    client.dtlsClientSetup('werift.test', TLSOptions.client(certificate));
    const errors: Error[] = [];
    const connects: ENetPacketPeer[] = [];
    client.on('error', (error) => errors.push(error));
    client.on('dtlsError', (error) => errors.push(error));
    client.on('connect', (peer) => connects.push(peer));
    client.start();
    const started = performance.now();
    const peer = client.connectToHost('127.0.0.1', transport.address.port, 5, 0xc0ffee)!;
    expect(peer).not.toBeNull();

    await weriftConnected;
    const first = await waitFor('the first application record', () => decrypted[0]);
    const connectMs = performance.now() - started;
    const handshakeMs = weriftConnectedAt - started;
    expect(werift.cipher.cipherSuite).toBe(0xc02b);
    const connect = parseDatagram(first);
    expect(connect.peerID).toBe(PEER_ID_NONE);
    expect(connect.sessionID).toBe(0);
    expect(connect.sentTime).toBeDefined();
    expect(connect.commands).toHaveLength(1);
    const [command] = connect.commands;
    expect(first.length).toBe(4 + 48);
    expect(first.readUInt32BE(4 + 44)).toBe(0xc0ffee);  // data: bytes 44–47 of the command
    expect(command).toMatchObject({
      command: Command.CONNECT | COMMAND_ACK_FLAG, channelID: 0xff, reliableSequenceNumber: 1, mtu: MTU,
      windowSize: WINDOW, channelCount: 5, incomingBandwidth: 0, outgoingBandwidth: 0,
      throttleInterval: THROTTLE.interval, throttleAcceleration: THROTTLE.acceleration,
      throttleDeceleration: THROTTLE.deceleration, data: 0xc0ffee,
    });

    // Answer as an ENet server would; our client must ACK it and report CONNECT.
    const serverPeerID = 2;
    await werift.send(Buffer.concat([header(command.outgoingPeerID!, 0, 0x2222), connectCommand(Command.VERIFY_CONNECT, {
      outgoingPeerID: serverPeerID, incomingSessionID: 1, outgoingSessionID: 2, mtu: MTU, windowSize: WINDOW,
      channelCount: 4, incomingBandwidth: 0, outgoingBandwidth: 0, throttleInterval: command.throttleInterval!,
      throttleAcceleration: command.throttleAcceleration!, throttleDeceleration: command.throttleDeceleration!,
      connectID: command.connectID!,
    })]));
    await waitFor('CONNECT on our client', () => connects[0]);
    expect(connects[0]).toBe(peer);
    expect(peer.getChannels()).toBe(4);
    expect(peer.getCipherSuite()).toMatch(/ECDHE-ECDSA.*AES-128-GCM-SHA256/);
    expect(peer.getRemoteCertificate()?.fingerprint256).toBe(certificate.fingerprint256);
    const ack = await waitFor('our ACK of VERIFY_CONNECT', () => decrypted.slice(1).map(parseDatagram)
      .find((datagram) => datagram.commands.some((c) => (c.command & 0x0f) === Command.ACKNOWLEDGE)));
    expect(ack.peerID).toBe(serverPeerID);
    expect(ack.sessionID).toBe(2);
    expect(ack.commands.find((c) => (c.command & 0x0f) === Command.ACKNOWLEDGE)).toMatchObject({
      command: Command.ACKNOWLEDGE, channelID: 0xff, reliableSequenceNumber: 1, receivedReliableSequenceNumber: 1,
      receivedSentTime: 0x2222,
    });
    expect(errors).toEqual([]);
    expect(weriftErrors).toEqual([]);
    // ENet's first CONNECT went nowhere (dtls_send returns 0 while handshaking), so the one werift
    // decrypts is ENet's resend at its initial RTO (500 ms), not the end of the handshake.
    console.info(`our client -> werift server: DTLS handshake ${handshakeMs.toFixed(1)} ms, ENet CONNECT decrypted after ${connectMs.toFixed(1)} ms`);
  });
});
