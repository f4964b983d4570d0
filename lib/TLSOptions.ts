import { rootCertificates } from 'node:tls';
import { CryptoKey } from './CryptoKey';
import { ENetError, ErrorCode } from './errors';
import { X509Certificate } from './X509Certificate';

/**
 * How a DTLS host authenticates, as Godot's `TLSOptions`: `server(key, certificate)` for a
 * server, `client()` for a client that verifies the server, `clientUnsafe()` for one that
 * does not check the name (and, without a chain, nothing at all).
 */
export class TLSOptions {
  private constructor(
    private readonly mode: 'server' | 'client' | 'unsafe',
    private readonly key: CryptoKey | null,
    private readonly certificate: X509Certificate | null,
    private readonly trusted: X509Certificate | null,
    private readonly commonName: string,
  ) {}

  /**
   * Godot's `TLSOptions.server`: a server's options: its private key and certificate (the
   * first one; any others are its chain, sent to clients). Throws ENetError
   * ERR_INVALID_PARAMETER unless given a `CryptoKey` and an `X509Certificate`.
   */
  static server(key: CryptoKey, certificate: X509Certificate): TLSOptions {
    if (!(key instanceof CryptoKey) || !(certificate instanceof X509Certificate)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'TLSOptions.server needs a CryptoKey and an X509Certificate');
    }
    return new TLSOptions('server', key, certificate, null, '');
  }

  /**
   * A verifying client: the server's certificate must chain to `trustedChain` (default: Node's
   * bundled Mozilla CA list, as Godot uses its own bundle) and name `commonNameOverride` if
   * given, else the host name passed to `dtlsClientSetup`. Godot's `TLSOptions.client`. Throws
   * ENetError ERR_INVALID_PARAMETER for arguments of the wrong type.
   */
  static client(trustedChain: X509Certificate | null = null, commonNameOverride = ''): TLSOptions {
    if (trustedChain !== null && !(trustedChain instanceof X509Certificate)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'the trusted chain must be an X509Certificate');
    }
    if (typeof commonNameOverride !== 'string') {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'the common name override must be a string');
    }
    return new TLSOptions('client', null, null, trustedChain, commonNameOverride);
  }

  /**
   * A client that does not check the server's name. Without `trustedChain` it accepts any
   * certificate (encryption without authentication: for development only); with one, the
   * certificate must still chain to it. Godot's `TLSOptions.client_unsafe`. Throws ENetError
   * ERR_INVALID_PARAMETER for a chain that is not an `X509Certificate`.
   */
  static clientUnsafe(trustedChain: X509Certificate | null = null): TLSOptions {
    if (trustedChain !== null && !(trustedChain instanceof X509Certificate)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'the trusted chain must be an X509Certificate');
    }
    return new TLSOptions('unsafe', null, null, trustedChain, '');
  }

  /** Godot's `is_server`: whether these are `server(…)` options. */
  isServer(): boolean {
    return this.mode === 'server';
  }

  /** Godot's `is_unsafe_client`: whether these are `clientUnsafe(…)` options. */
  isUnsafeClient(): boolean {
    return this.mode === 'unsafe';
  }

  /**
   * Godot's `get_common_name_override`: the name a `client()` expects instead of the host name; ''
   * for none.
   */
  getCommonNameOverride(): string {
    return this.commonName;
  }

  /**
   * Godot's `get_trusted_ca_chain`: the certificates a client trusts; null for Node's CA bundle (or
   * none).
   */
  getTrustedCaChain(): X509Certificate | null {
    return this.trusted;
  }

  /** Godot's `get_private_key`: a server's key; null for client options. */
  getPrivateKey(): CryptoKey | null {
    return this.key;
  }

  /** Godot's `get_own_certificate`: a server's certificate (and chain); null for client options. */
  getOwnCertificate(): X509Certificate | null {
    return this.certificate;
  }

  /** @internal What the addon's dtlsSetup takes, for a client connecting to `hostname`. */
  toNative(hostname: string | null): [boolean, string | null, string | null, string | null, string | null, boolean] {
    switch (this.mode) {
      case 'server':
        return [true, this.certificate!.toPem(), this.key!.toPem(), null, null, false];
      case 'client':
        return [false, null, null, this.trusted?.toPem() ?? rootCertificates.join('\n'),
          this.commonName !== '' ? this.commonName : hostname, true];
      default:
        return [false, null, null, this.trusted?.toPem() ?? null, null, this.trusted !== null];
    }
  }
}
