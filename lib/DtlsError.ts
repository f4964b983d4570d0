import { ENetError, ErrorCode } from './errors';
import type { ENetPacketPeer } from './ENetPacketPeer';

/**
 * A DTLS handshake or session that failed, with mbedTLS's reason. Every DTLS host emits it as
 * `'dtlsError'`; a client also returns it as `EVENT_ERROR` from `service()` (`event.error`), or
 * emits it as `'error'` when event-driven (the host keeps running). Code `ERR_CANT_CONNECT`.
 * Not in Godot, where a failed handshake shows only as a connection timeout.
 */
export class DtlsError extends ENetError {
  /** Made by `ENetConnection` from the addon's report; not meant to be constructed by users. */
  constructor(
    /** The remote's IP address. */
    readonly address: string,
    /** The remote's UDP port. */
    readonly port: number,
    /** mbedTLS's reason, e.g. "X509 - Certificate verification failed, e.g. CRL, CA or signature check failed: The certificate Common Name (CN) does not match with the expected CN". */
    readonly reason: string,
    /** mbedTLS's error number (negative). */
    readonly mbedtlsCode: number,
    /** The peer that was connecting to (or connected with) that remote, if any. */
    readonly peer: ENetPacketPeer | null,
  ) {
    super(ErrorCode.ERR_CANT_CONNECT, `DTLS with ${address.includes(':') ? `[${address}]` : address}:${port} failed: ${reason}`);
    this.name = 'DtlsError';
  }
}
