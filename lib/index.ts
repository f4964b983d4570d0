export { ENetConnection, EventType, CompressionMode, HostStatistic } from './ENetConnection';
export type { ENetEvent } from './ENetConnection';
export { ENetPacketPeer, PeerState, PeerStatistic } from './ENetPacketPeer';
export { ENetMultiplayerPeer, TransferMode, ConnectionStatus } from './ENetMultiplayerPeer';
export type { ENetMultiplayerPeerEvents } from './ENetMultiplayerPeer';
export { ENetError, ErrorCode } from './errors';
export type { ErrorName } from './errors';

import { addon } from './native';

/** Versions of the C libraries compiled into the addon. */
export const versions: Readonly<{ enet: string; mbedtls: string }> = Object.freeze({
  enet: addon.versions.enet,
  mbedtls: addon.versions.mbedtlsLinked,
});
