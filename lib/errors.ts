/** Godot's `Error` enum (core/error/error_list.h), with Godot's numbers. */
export enum ErrorCode {
  /** Success. */
  OK = 0,
  /**
   * A generic failure. Returned when ENet refuses a send (the peer is not connected yet, the
   * channel equals the channel count, the packet is over `maxPacketSize`) and when the socket
   * refuses a raw datagram (`socketSend`, thrown).
   */
  FAILED = 1,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_UNAVAILABLE = 2,
  /**
   * The host, peer or multiplayer peer is not active (never created, destroyed, disconnected) or
   * not in the mode the call needs. Thrown by host set-up calls, returned by peer calls and sends.
   */
  ERR_UNCONFIGURED = 3,
  /** `bytesToVar` met a whole object without `allowObjects` (Godot's object decoding refusal). */
  ERR_UNAUTHORIZED = 4,
  /**
   * Not returned by godot-enet; listed so that the numbers match Godot's. Out-of-range arguments
   * give `ERR_INVALID_PARAMETER`, as in Godot's ENet classes.
   */
  ERR_PARAMETER_RANGE_ERROR = 5,
  /**
   * An allocation in the addon failed (a packet, a compressor, the limit tables); or a Variant
   * nested deeper than Godot's 1024 levels (`varToBytes`, `bytesToVar`), as Godot reports it.
   */
  ERR_OUT_OF_MEMORY = 6,
  /**
   * Not returned by godot-enet; listed so that the numbers match Godot's. A missing key or
   * certificate file gives `ERR_FILE_CANT_READ`.
   */
  ERR_FILE_NOT_FOUND = 7,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_BAD_DRIVE = 8,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_BAD_PATH = 9,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_NO_PERMISSION = 10,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_ALREADY_IN_USE = 11,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_CANT_OPEN = 12,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_CANT_WRITE = 13,
  /** A key or certificate file could not be read (`CryptoKey.load`, `X509Certificate.load`). */
  ERR_FILE_CANT_READ = 14,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_UNRECOGNIZED = 15,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_CORRUPT = 16,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_FILE_MISSING_DEPENDENCIES = 17,
  /** `bytesToVar` met a string whose length runs past the end of the data (as Godot's decoder). */
  ERR_FILE_EOF = 18,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_CANT_OPEN = 19,
  /**
   * A host could not be created (the socket could not be bound, e.g. the port is taken) or DTLS
   * could not be set up (mbedTLS refused the key or certificate).
   */
  ERR_CANT_CREATE = 20,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_QUERY_FAILED = 21,
  /**
   * The object is already active (`createHostBound`, `createServer`…), or DTLS is already set up,
   * or peers exist when `dtls*Setup` is called.
   */
  ERR_ALREADY_IN_USE = 22,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_LOCKED = 23,
  /**
   * Not returned by godot-enet; listed so that the numbers match Godot's. Timed-out peers are
   * reported as disconnect events with data 0.
   */
  ERR_TIMEOUT = 24,
  /** A DTLS handshake or session failed: the code of every `DtlsError`. */
  ERR_CANT_CONNECT = 25,
  /**
   * An address is not an IP literal (the synchronous calls take no host names), a host name did not
   * resolve (`connectToHostAsync`), or the address cannot be used (an IPv6 address without IPv6, a
   * full IPv6 token map).
   */
  ERR_CANT_RESOLVE = 26,
  /** An event-driven host's socket failed and the host stopped (the `'error'` event). */
  ERR_CONNECTION_ERROR = 27,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_CANT_ACQUIRE_RESOURCE = 28,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_CANT_FORK = 29,
  /**
   * Data that cannot be sent, e.g. empty bytes to `SceneMultiplayerServer.sendBytes`; or bytes
   * that are no valid Variant (`bytesToVar`: truncated, unknown type, count beyond the data…).
   */
  ERR_INVALID_DATA = 30,
  /**
   * An argument of the wrong type, outside Godot's range, or not a member of its enum; also an
   * unknown peer ID or a bad flag set in the calls that return error numbers.
   */
  ERR_INVALID_PARAMETER = 31,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_ALREADY_EXISTS = 32,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_DOES_NOT_EXIST = 33,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_DATABASE_CANT_READ = 34,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_DATABASE_CANT_WRITE = 35,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_COMPILATION_FAILED = 36,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_METHOD_NOT_FOUND = 37,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_LINK_FAILED = 38,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_SCRIPT_FAILED = 39,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_CYCLIC_LINK = 40,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_INVALID_DECLARATION = 41,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_DUPLICATE_SYMBOL = 42,
  /** A key or certificate does not parse (`CryptoKey.fromPem`, `X509Certificate.fromPem`, their `load`). */
  ERR_PARSE_ERROR = 43,
  /**
   * `service()` or `poll()` was called on a host or multiplayer peer that is event-driven
   * (`start()`); call `stop()` first.
   */
  ERR_BUSY = 44,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_SKIP = 45,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_HELP = 46,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_BUG = 47,
  /** Not returned by godot-enet; listed so that the numbers match Godot's. */
  ERR_PRINTER_ON_FIRE = 48,
}

/** The name of a Godot error, e.g. `'ERR_INVALID_PARAMETER'`. */
export type ErrorName = keyof typeof ErrorCode;

/**
 * Thrown where Godot would return an error from a set-up call or print one for a misuse.
 * `code` is Godot's error name (Node's convention for `err.code`), `errno` its number.
 * Calls that send, and peer calls that a disconnect can overtake, return an {@link ErrorCode}
 * instead of throwing.
 */
export class ENetError extends Error {
  /** Godot's name of the error, e.g. `'ERR_INVALID_PARAMETER'`: what to compare against. */
  readonly code: ErrorName;
  /** Godot's number of the error, e.g. 31 for `ERR_INVALID_PARAMETER`. */
  readonly errno: ErrorCode;

  /** An error with Godot's number `errno`; `code` is derived from it. */
  constructor(errno: ErrorCode, message: string) {
    super(message);
    this.name = 'ENetError';
    this.errno = errno;
    this.code = ErrorCode[errno] as ErrorName;
  }
}
