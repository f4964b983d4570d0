/**
 * Godot 4's ENet networking for Node.js, on the real ENet 1.3.18 C library: Godot's classes,
 * enums and error numbers, in TypeScript idiom (camelCase names; errors thrown as
 * {@link ENetError}).
 *
 * - {@link ENetConnection} and {@link ENetPacketPeer}: raw ENet hosts and peers, polled with
 *   `service()` as in Godot or event-driven with `start()`.
 * - {@link ENetMultiplayerPeer}: Godot's multiplayer transport (server, client, mesh).
 * - {@link SceneMultiplayerServer}: a dedicated server that stock Godot 4 clients join, with RPCs.
 * - {@link SceneMultiplayerClient}: a Node peer that joins a Godot 4 server as a Godot client, with RPCs.
 * - {@link SignalingServer} and {@link SignalingClient}: mesh set-up over WebSocket.
 * - {@link AgonesGameServer}: a server as an Agones game server (needs the optional
 *   `@google-cloud/agones-sdk`).
 * - {@link runBots}: load-tests a Godot 4 server with bots that join as Godot clients
 *   (`godot-enet bots` on the command line).
 * - {@link TLSOptions}, {@link CryptoKey}, {@link X509Certificate} and {@link Crypto}: DTLS.
 * - {@link varToBytes} and {@link bytesToVar}: Godot's binary Variant format, with a class for
 *   each of Godot's value types ({@link Vector2}, {@link NodePath}…).
 *
 * The task-by-task guide is `docs/guide.md` in the repository; its last section maps every
 * Godot name to this API.
 *
 * @packageDocumentation
 */
export { ENetConnection, EventType, CompressionMode, HostStatistic } from './ENetConnection';
export type { ENetConnectionEvents, ENetEvent, StartOptions } from './ENetConnection';
export { ENetPacketPeer, PeerState, PeerStatistic } from './ENetPacketPeer';
export { ENetMultiplayerPeer, TransferMode, ConnectionStatus } from './ENetMultiplayerPeer';
export type { ENetMultiplayerPeerEvents } from './ENetMultiplayerPeer';
export { SceneMultiplayerServer } from './SceneMultiplayerServer';
export type {
  AuthHook,
  AuthReply,
  PeerStats,
  SceneMultiplayerServerEvents,
  SceneMultiplayerServerOptions,
  ServerStats,
} from './SceneMultiplayerServer';
export { SceneMultiplayerBase } from './SceneMultiplayerBase';
export type { SceneMultiplayerEvents } from './SceneMultiplayerBase';
export { SceneMultiplayerClient } from './SceneMultiplayerClient';
export type { SceneMultiplayerClientEvents, SceneMultiplayerClientOptions } from './SceneMultiplayerClient';
export type { RpcMethod, RpcMethods, RpcMode, RpcSync, RpcTransferMode } from './rpc/RpcNode';
export { DEFAULT_BUDGETS } from './PeerBudget';
export type { BudgetCounts, MisbehaviourReason, PeerBudgets } from './PeerBudget';
export { SignalingServer } from './mesh/SignalingServer';
export type { SignalingServerEvents, SignalingServerOptions } from './mesh/SignalingServer';
export { SignalingClient } from './mesh/SignalingClient';
export type { SignalingClientEvents, SignalingClientOptions } from './mesh/SignalingClient';
export { AgonesGameServer } from './agones/AgonesGameServer';
export type { AgonesGameServerEvents, AgonesGameServerOptions, AgonesManagedServer } from './agones/AgonesGameServer';
export type { AgonesGameServerObject } from './agones/sdk';
export { runBots } from './bots/runBots';
export type { BotsOptions, BotsRpc } from './bots/options';
export type { BotsProgress, BotsSummary, Distribution } from './bots/summary';
export type { Count, ReceivedTraffic, SentTraffic } from './bots/traffic';
export { ENetError, ErrorCode } from './errors';
export { DtlsError } from './DtlsError';
export { TLSOptions } from './TLSOptions';
export { CryptoKey } from './CryptoKey';
export { X509Certificate } from './X509Certificate';
export { Crypto } from './Crypto';
export { DEFAULT_LIMITS } from './HostLimits';
export type { HostLimits } from './HostLimits';
export type { CertificateRequest } from './Crypto';
export type { ErrorName } from './errors';
export * from './variant';

import { addon } from './native';

/** Versions of the C libraries compiled into the addon, e.g. `{ enet: '1.3.18', … }`. Not in Godot. */
export const versions: Readonly<{
  /** ENet's version (1.3.18). */
  enet: string;
  /** The version of the mbedTLS library the addon runs with (used for DTLS). */
  mbedtls: string;
  /**
   * What seals and opens DTLS records of the ChaCha20-Poly1305 suites: the OpenSSL of the process
   * (Node's own, e.g. `'OpenSSL 3.0.17 1 Jul 2025 (the host's)'`), several times faster, or, where
   * the process has no OpenSSL 3 or `GODOT_ENET_HOST_OPENSSL=0` is set,
   * `'mbedTLS 3.6.x (portable C)'`.
   */
  chacha20Poly1305: string;
  /**
   * What seals and opens DTLS records of the AES-GCM suites: the OpenSSL of the process, or, where
   * it has none or `GODOT_ENET_HOST_OPENSSL=0` is set, `'mbedTLS 3.6.x (its own GCM)'`. Where it
   * is OpenSSL, this addon's DTLS clients list AES-128-GCM first.
   */
  aesGcm: string;
  /** zlib's version (COMPRESS_ZLIB). */
  zlib: string;
  /** zstd's version (COMPRESS_ZSTD). */
  zstd: string;
}> = Object.freeze({
  enet: addon.versions.enet,
  mbedtls: addon.versions.mbedtlsLinked,
  chacha20Poly1305: addon.versions.chacha20Poly1305,
  aesGcm: addon.versions.aesGcm,
  zlib: addon.versions.zlib,
  zstd: addon.versions.zstd,
});
