import { X509Certificate as NodeCertificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { looksLikePem, readFile } from './CryptoKey';
import { ENetError, ErrorCode } from './errors';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * One certificate or a chain of them, as Godot's `X509Certificate`: a DTLS server's own
 * certificate (first) and its chain, or the CAs a client trusts.
 */
export class X509Certificate {
  private constructor(
    /**
     * Node's `crypto.X509Certificate` of each certificate, in order (the first is the leaf). Not in
     * Godot.
     */
    readonly certificates: readonly NodeCertificate[],
  ) {}

  /**
   * Certificates from PEM text (one or more blocks) or a Buffer (PEM, or one DER certificate):
   * Godot's `load_from_string`. Throws ENetError ERR_PARSE_ERROR when there is none or one does
   * not parse.
   */
  static fromPem(pem: string | Uint8Array): X509Certificate {
    const text = typeof pem === 'string' ? pem : looksLikePem(pem) ? Buffer.from(pem).toString('latin1') : undefined;
    try {
      if (text === undefined) return new X509Certificate([new NodeCertificate(Buffer.from(pem as Uint8Array))]);
      const blocks = text.match(PEM_BLOCK) ?? [];
      if (blocks.length === 0) throw new Error('no PEM certificate block');
      return new X509Certificate(blocks.map((block) => new NodeCertificate(block)));
    } catch (err) {
      throw new ENetError(ErrorCode.ERR_PARSE_ERROR, `not a certificate: ${(err as Error).message}`);
    }
  }

  /**
   * Godot's `load`: certificates read from a file (PEM or DER). Throws ENetError
   * ERR_FILE_CANT_READ or ERR_PARSE_ERROR.
   */
  static load(path: string): X509Certificate {
    return X509Certificate.fromPem(readFile(path));
  }

  /** Godot's `save_to_string`: the certificates as PEM text, in order. */
  toPem(): string {
    return this.certificates.map((certificate) => certificate.toString()).join('');
  }

  /** Godot's `save`: writes the certificates as PEM. */
  save(path: string): void {
    writeFileSync(path, this.toPem());
  }

  /**
   * The first certificate's subject, one `KEY=value` a line, e.g.
   * `'CN=myserver\nO=myorganisation\nC=IT'`. Not in Godot.
   */
  get subject(): string {
    return this.certificates[0].subject;
  }

  /** The first certificate's issuer, in the same form as `subject`. Not in Godot. */
  get issuer(): string {
    return this.certificates[0].issuer;
  }

  /** The first certificate's SHA-256 fingerprint (upper-case hex pairs separated by ':'). Not in Godot. */
  get fingerprint256(): string {
    return this.certificates[0].fingerprint256;
  }
}
