import { isIP } from 'node:net';
import { ENetError, ErrorCode } from './errors';

/** Throws ERR_INVALID_PARAMETER unless `value` is an integer in [min, max]. */
export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER,
      `${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** Throws ERR_INVALID_PARAMETER unless `value` is one of an enum's numbers. */
export function member<T extends number>(name: string, value: unknown, values: Record<string, string | number>): T {
  if (typeof value !== 'number' || !(value in values) || typeof values[value] !== 'string') {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `${name} ${describe(value)} is not a known value`);
  }
  return value as T;
}

export function bytes(name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `${name} must be a Uint8Array or Buffer, got ${describe(value)}`);
  }
  return value;
}

export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** A 32-bit value as Godot passes it to ENet: any int32 or uint32, carried as uint32. */
export function uint32Data(name: string, value: unknown): number {
  return integer(name, value, -0x80000000, 0xffffffff) >>> 0;
}

/**
 * The bind address as the native layer takes it: '*' (every address, IPv4 and IPv6, as Godot
 * binds) or an IP literal of either family. An IPv4 literal, 0.0.0.0 included, accepts IPv4 only.
 */
export function bindIp(address: unknown): string {
  if (address === '*') return address;
  return ipLiteral('bind address', address, ErrorCode.ERR_INVALID_PARAMETER);
}

/**
 * The IP literal (IPv4 or IPv6) for a remote address given as an IP or 'localhost'. Host names
 * need a DNS lookup, which would block the event loop: those go through the async variants.
 */
export function remoteIp(address: unknown): string {
  if (address === 'localhost') return '127.0.0.1';
  return ipLiteral('address', address, ErrorCode.ERR_CANT_RESOLVE);
}

function ipLiteral(name: string, address: unknown, nameError: ErrorCode): string {
  if (typeof address !== 'string') {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `${name} must be a string, got ${describe(address)}`);
  }
  const family = isIP(address);
  if (family === 0) {
    throw new ENetError(nameError, nameError === ErrorCode.ERR_CANT_RESOLVE
      ? `${name} '${address}' is not an IP address; resolve host names with connectToHostAsync()`
      : `${name} '${address}' is not an IP address or '*'`);
  }
  if (family === 4 && isReservedForTokens(address)) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER,
      `${name} ${address} is in 240.0.0.0/4, which is reserved and stands for IPv6 peers inside ENet`);
  }
  return address;
}

/** 240.0.0.0/4 except the broadcast address: no real host has one, so IPv6 peers use it. */
function isReservedForTokens(ipv4: string): boolean {
  return Number(ipv4.split('.')[0]) >= 240 && ipv4 !== '255.255.255.255';
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return String(value);
}
