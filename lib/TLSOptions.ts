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

  /** A server's options: its private key and certificate (the first one; any others are its chain). */
  static server(key: CryptoKey, certificate: X509Certificate): TLSOptions {
    if (!(key instanceof CryptoKey) || !(certificate instanceof X509Certificate)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'TLSOptions.server needs a CryptoKey and an X509Certificate');
    }
    return new TLSOptions('server', key, certificate, null, '');
  }

  /**
   * A verifying client: the server's certificate must chain to `trustedChain` (default: Node's
   * bundled Mozilla CA list, as Godot uses its own bundle) and name `commonNameOverride` if
   * given, else the host name passed to `dtlsClientSetup`.
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
   * certificate must still chain to it.
   */
  static clientUnsafe(trustedChain: X509Certificate | null = null): TLSOptions {
    if (trustedChain !== null && !(trustedChain instanceof X509Certificate)) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'the trusted chain must be an X509Certificate');
    }
    return new TLSOptions('unsafe', null, null, trustedChain, '');
  }

  isServer(): boolean {
    return this.mode === 'server';
  }

  isUnsafeClient(): boolean {
    return this.mode === 'unsafe';
  }

  getCommonNameOverride(): string {
    return this.commonName;
  }

  getTrustedCaChain(): X509Certificate | null {
    return this.trusted;
  }

  getPrivateKey(): CryptoKey | null {
    return this.key;
  }

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
