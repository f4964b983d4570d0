import { randomBytes } from 'node:crypto';
import { integer } from './arguments';
import { CryptoKey } from './CryptoKey';
import { ENetError, ErrorCode } from './errors';
import { addon } from './native';
import { X509Certificate } from './X509Certificate';

/** Certificate validity as mbedTLS and Godot write it: `YYYYMMDDhhmmss` (UTC). */
function validityTime(name: string, value: string | Date): string {
  if (value instanceof Date) return value.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  if (typeof value !== 'string' || !/^\d{14}$/.test(value)) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `${name} must be a Date or YYYYMMDDhhmmss`);
  }
  return value;
}

/** Options of `Crypto.generateCertificate`. */
export interface CertificateRequest {
  /** The key the certificate is for. */
  key: CryptoKey;
  /** Its subject, e.g. `'CN=game.example.com,O=Studio,C=FR'`. */
  subjectName: string;
  /** The signer: omitted for a self-signed certificate. */
  issuer?: {
    /** The signer's private key. */
    key: CryptoKey;
    /** The signer's certificate (its subject becomes the issuer name). */
    certificate: X509Certificate;
  };
  /** Start of validity: a Date or `'YYYYMMDDhhmmss'` (UTC). Default `'20140101000000'`, Godot's. */
  notBefore?: string | Date;
  /** End of validity: a Date or `'YYYYMMDDhhmmss'` (UTC). Default `'20340101000000'`, Godot's. */
  notAfter?: string | Date;
  /** Whether it may sign other certificates (a CA). Default false. */
  isCa?: boolean;
}

/**
 * Godot's `Crypto`, for what DTLS needs: keys and certificates for development and tests. In
 * production, use a certificate from your CA and load it with `X509Certificate.load`. The
 * calls are synchronous.
 */
export const Crypto = {
  /**
   * Godot's `generate_rsa`: a new RSA key of `size` bits. Throws ENetError
   * ERR_INVALID_PARAMETER for a size outside 1024 … 8192. `CryptoKey.generateEc()` is much
   * faster.
   */
  generateRsa(size = 2048): CryptoKey {
    return CryptoKey.generateRsa(integer('size', size, 1024, 8192));
  },

  /**
   * A self-signed certificate for `key`, as Godot's `generate_self_signed_certificate`, with
   * Godot's defaults. A client trusts it by passing it as the trusted chain of
   * `TLSOptions.client()`, with the CN as host name or common-name override. `issuerName` is
   * the subject (and issuer), e.g. `'CN=game.example.com,O=Studio,C=FR'`; the validity times are
   * Dates or `'YYYYMMDDhhmmss'` (UTC). Throws ENetError ERR_INVALID_PARAMETER for a bad key, name
   * or time.
   */
  generateSelfSignedCertificate(key: CryptoKey, issuerName = 'CN=myserver,O=myorganisation,C=IT',
    notBefore: string | Date = '20140101000000', notAfter: string | Date = '20340101000000'): X509Certificate {
    return Crypto.generateCertificate({ key, subjectName: issuerName, notBefore, notAfter });
  },

  /**
   * A certificate for `key`, self-signed or signed by `issuer` (e.g. a development CA whose
   * certificate clients trust). Not in Godot. Throws ENetError ERR_INVALID_PARAMETER for a bad
   * key, name or time.
   */
  generateCertificate(request: CertificateRequest): X509Certificate {
    const { key, subjectName, issuer } = request;
    if (!(key instanceof CryptoKey) || typeof subjectName !== 'string') {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'a certificate needs a CryptoKey and a subject name');
    }
    const issuerName = issuer ? distinguishedName(issuer.certificate.subject) : subjectName;
    const serial = certificateSerial(randomBytes(16));
    const result = addon.createCertificate(key.toPem(), subjectName, (issuer?.key ?? key).toPem(), issuerName,
      validityTime('notBefore', request.notBefore ?? '20140101000000'),
      validityTime('notAfter', request.notAfter ?? '20340101000000'), request.isCa ?? false, serial);
    if (result.error !== undefined) throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, result.error);
    return X509Certificate.fromPem(result.pem!);
  },
};

/**
 * A certificate serial number from random bytes, positive and minimally encoded as a DER
 * INTEGER: mbedTLS writes the bytes as they are, so a leading 0x00 (non-minimal: OpenSSL, and
 * Node, refuse the certificate) or a leading bit of 1 (negative) must not happen.
 * @internal
 */
export function certificateSerial(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = 1 + (serial[0] % 0x7f);
  return serial;
}

/** Node prints a subject as lines of `KEY=value`; mbedTLS takes `KEY=value,KEY=value`. */
function distinguishedName(subject: string): string {
  return subject.split('\n').filter((line) => line !== '').map((line) => line.replace(/,/g, '\\,')).join(',');
}
