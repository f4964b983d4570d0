export { ENetConnection, EventType, CompressionMode, HostStatistic } from './ENetConnection';
export type { ENetEvent } from './ENetConnection';
export { ENetPacketPeer, PeerState, PeerStatistic } from './ENetPacketPeer';
export { ENetError, ErrorCode } from './errors';
export type { ErrorName } from './errors';

import { addon } from './native';

/** Versions of the C libraries compiled into the addon. */
export const versions: Readonly<{ enet: string; mbedtls: string; zlib: string; zstd: string }> = Object.freeze({
  enet: addon.versions.enet,
  mbedtls: addon.versions.mbedtlsLinked,
  zlib: addon.versions.zlib,
  zstd: addon.versions.zstd,
});
