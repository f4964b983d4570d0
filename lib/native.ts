import * as path from 'node:path';
import nodeGypBuild = require('node-gyp-build');

/** Fields of the Float64Array that `NativeConnection.service` fills (native/connection.h). */
export const enum EventField {
  Type = 0,
  Peer = 1,
  Data = 2,
  Channel = 3,
  Flags = 4,
  Count = 5,
}

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

interface Addon {
  NativeConnection: new (eventView: Float64Array) => NativeConnection;
  versions: { enet: string; mbedtls: string; mbedtlsLinked: string };
}

export const addon: Addon = nodeGypBuild(path.join(__dirname, '..'));
