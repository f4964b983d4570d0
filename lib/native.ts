import * as path from 'node:path';
import nodeGypBuild = require('node-gyp-build');

/**
 * Fields of one event in the Float64Arrays the addon fills (native/connection.h): `service`
 * writes `Count` fields, the event pump `BatchCount` per event of a batch.
 */
export const enum EventField {
  Type = 0,
  Peer = 1,
  Data = 2,
  Channel = 3,
  Flags = 4,
  Count = 5,
  /** Where the packet is in the batch's small-packet ArrayBuffer, or -1: next large packet. */
  Offset = 5,
  Length = 6,
  BatchCount = 7,
}

/** Receives one batch of events from a started host. */
export type BatchListener = (count: number, smallPackets: ArrayBuffer | undefined,
  largePackets: Buffer[] | undefined) => void;

/** Kinds of `peerDisconnect` (native/packet_peer.cc). */
export const enum DisconnectKind {
  Graceful = 0,
  Later = 1,
  Now = 2,
}

/**
 * The addon's host object. Peers are addressed by handles (slot and generation packed in one
 * number) that the native side checks on every call, so a stale handle is inert.
 */
export interface NativeConnection {
  create(bindIp: string, port: number, maxPeers: number, maxChannels: number, inBandwidth: number,
    outBandwidth: number): string | undefined;
  destroy(): void;
  isActive(): boolean;
  /** A peer handle, -1 when every slot is taken, -2 for an unusable address. */
  connect(ip: string, port: number, channels: number, data: number): number;
  service(timeoutMs: number): Buffer | undefined;
  flush(): void;
  bandwidthLimit(inBandwidth: number, outBandwidth: number): number;
  channelLimit(limit: number): number;
  broadcast(channel: number, packet: unknown, flags: unknown): number;
  compress(mode: number): number;
  refuseNewConnections(refuse: boolean): void;
  popStatistic(statistic: number): number;
  getMaxChannels(): number;
  getLocalPort(): number;
  socketSend(ip: string, port: number, packet: Uint8Array): number;
  setLimits(maxPacketSize: number, maxWaitingData: number, peersPerAddress: number, connectsPerSecond: number,
    pendingHandshakes: number): number;
  /** undefined, or why DTLS could not be set up. */
  dtlsSetup(server: boolean, certificatePem: string | null, keyPem: string | null, trustedPem: string | null,
    hostname: string | null, verify: boolean): string | undefined;
  takeDtlsFailures(): NativeDtlsFailure[] | undefined;
  dtlsSessions(): [sessions: number, handshaking: number];
  peerDtlsInfo(peer: number): { cipherSuite: string; certificate: Buffer | null } | null;
  start(onEvents: BatchListener, batchView: Float64Array, sendQueue: Float64Array, sendBytes: Uint8Array,
    sendPeers: Float64Array, busyPollMicros: number, borrowPackets: boolean): number;
  stop(): void;
  setRef(ref: boolean): void;

  peerState(peer: number): number;
  peerSend(peer: number, channel: unknown, packet: unknown, flags: unknown): number;
  peerStatistic(peer: number, statistic: number): number;
  peerTimeout(peer: number, limit: number, minimum: number, maximum: number): number;
  peerThrottleConfigure(peer: number, interval: number, acceleration: number, deceleration: number): number;
  peerPing(peer: number): number;
  peerPingInterval(peer: number, intervalMs: number): number;
  peerDisconnect(peer: number, data: number, kind: DisconnectKind): number;
  peerReset(peer: number): number;
  peerRemoteAddress(peer: number): string;
  peerRemotePort(peer: number): number;
  peerChannels(peer: number): number;
}

/** A DTLS handshake or session that failed (native/connection_dtls.cc). */
export interface NativeDtlsFailure {
  address: string;
  port: number;
  /** mbedTLS's error code (negative). */
  code: number;
  reason: string;
  /** The handle of the peer using that remote, or -1. */
  peer: number;
}

interface Addon {
  NativeConnection: (new (eventView: Float64Array) => NativeConnection) & {
    /** The largest busyPollMicros start() takes. */
    readonly maxBusyPollMicros: number;
  };
  createCertificate(subjectKeyPem: string, subjectName: string, issuerKeyPem: string, issuerName: string,
    notBefore: string, notAfter: string, isCa: boolean, serial: Buffer): { pem?: string; error?: string };
  /** Whether mbedTLS (as Godot) takes the DER certificate at the start of `der`; its length and names ("CN=…, O=…"). */
  describeCertificate(der: Buffer): { length?: number; subject?: string; issuer?: string; error?: string };
  versions: { enet: string; mbedtls: string; mbedtlsLinked: string; chacha20Poly1305: string; aesGcm: string; zlib: string; zstd: string };
  /**
   * Internal, for the tests: runs the codec of compression mode 2 (FASTLZ), 3 (ZLIB) or 4
   * (ZSTD) on one buffer, with output limited to `limit` bytes, as the host compressor does on
   * a datagram. Null when the codec gives up (the output would not fit, or malformed input).
   */
  compressionCodec(mode: number, direction: 'compress' | 'decompress', input: Uint8Array, limit: number): Buffer | null;
}

/**
 * Loads the addon: build/Release when it was built from source, else the prebuilt binary in
 * prebuilds/ that matches this platform. When there is none, or it does not load here (the
 * linux-x64 one needs glibc 2.34 or later), say how to build one: npm 11 may skip
 * dependencies' install scripts unless approved, so the source build may never have run.
 */
function loadAddon(): Addon {
  try {
    return nodeGypBuild(path.join(__dirname, '..'));
  } catch (err) {
    throw new Error(`godot-enet could not load its native addon on ${process.platform}-${process.arch}: ` +
      `${(err as Error).message.split('\n')[0]}\nWithout a prebuilt binary that fits this system (the linux-x64 one ` +
      'needs glibc 2.34 or later), build it from source: that needs python3, make, a C/C++ compiler and tar with ' +
      'xz and bzip2 (Debian: apt-get install build-essential python3 xz-utils bzip2); then, in your project, ' +
      '`npm install-scripts approve godot-enet` (npm 11+) and `npm rebuild godot-enet`. The pinned C sources come ' +
      "from Debian's archive through apt, or from GODOT_ENET_DEPS_DIR (see the README).", { cause: err });
  }
}

export const addon: Addon = loadAddon();
