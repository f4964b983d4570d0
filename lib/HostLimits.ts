import { integer } from './arguments';
import { ENetError, ErrorCode } from './errors';

/**
 * What one peer or one source address may cost a host (`ENetConnection.setLimits`). The
 * defaults never get in the way of a Godot 4 client; the per-address limits are off by default
 * because NAT puts many players behind one address: turn them on for an internet-facing server.
 */
export interface HostLimits {
  /** Largest packet a peer may send or be sent, in bytes. Default 16 MiB, Godot's own limit (ENet's is 32 MiB). */
  maxPacketSize: number;
  /**
   * Bytes of incoming packets a peer may have waiting (being reassembled, or received and not
   * yet taken by the host) before its further packets are refused. Default 32 MiB, ENet's.
   */
  maxWaitingData: number;
  /** Peers at once from one source address (IPv4, or one IPv6 address); 0: no limit (default). */
  maxPeersPerAddress: number;
  /** New connections per second from one source address (bursts of as many); 0: no limit (default). */
  maxConnectsPerSecondPerAddress: number;
  /** DTLS handshakes in flight at once on a DTLS server. Default 16, Godot's. */
  maxPendingHandshakes: number;
}

/** The limits a new `ENetConnection` starts with (see {@link HostLimits} for each value). */
export const DEFAULT_LIMITS: Readonly<HostLimits> = Object.freeze({
  maxPacketSize: 16 * 1024 * 1024,
  maxWaitingData: 32 * 1024 * 1024,
  maxPeersPerAddress: 0,
  maxConnectsPerSecondPerAddress: 0,
  maxPendingHandshakes: 16,
});

/** `current` with `changes` applied, each checked; throws ERR_INVALID_PARAMETER. */
export function mergeLimits(current: HostLimits, changes: Partial<HostLimits>): HostLimits {
  if (typeof changes !== 'object' || changes === null) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'limits must be an object');
  }
  const merged = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (!(name in DEFAULT_LIMITS)) throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `unknown limit '${name}'`);
    const key = name as keyof HostLimits;
    const min = key === 'maxPacketSize' || key === 'maxWaitingData' || key === 'maxPendingHandshakes' ? 1 : 0;
    merged[key] = integer(name, value, min, key === 'maxPeersPerAddress' ? 4095 : 0xffffffff);
  }
  return merged;
}
