import { createHash, X509Certificate as NodeCertificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { looksLikePem, readFile } from './CryptoKey';
import { ENetError, ErrorCode } from './errors';
import { addon } from './native';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g;

/** One certificate as mbedTLS (so Godot) parsed it. */
interface Parsed {
  der: Buffer;
  /** mbedTLS's "CN=…, O=…" */
  subject: string;
  issuer: string;
}

/**
 * One certificate or a chain of them, as Godot's `X509Certificate`: a DTLS server's own
 * certificate (first) and its chain, or the CAs a client trusts. Parsed as Godot parses them
 * (mbedTLS), so every certificate Godot takes loads here, including the one in 512 that Godot
 * makes and Node's OpenSSL refuses (a serial number starting with a zero byte).
 */
export class X509Certificate {
  private nodeCertificates: (NodeCertificate | Error | undefined)[];

  private constructor(private readonly parsed: readonly Parsed[]) {
    this.nodeCertificates = parsed.map(() => undefined);
  }

  /**
   * Certificates from PEM text (one or more blocks) or a Buffer (PEM, or one DER certificate):
   * Godot's `load_from_string`. Throws ENetError ERR_PARSE_ERROR when there is none or one does
   * not parse.
   */
  static fromPem(pem: string | Uint8Array): X509Certificate {
    const text = typeof pem === 'string' ? pem : looksLikePem(pem) ? Buffer.from(pem).toString('latin1') : undefined;
    const ders = text === undefined
      ? [Buffer.from(pem as Uint8Array)]
      : [...text.matchAll(PEM_BLOCK)].map((block) => Buffer.from(block[1].replace(/\s+/g, ''), 'base64'));
    if (ders.length === 0) throw new ENetError(ErrorCode.ERR_PARSE_ERROR, 'not a certificate: no PEM certificate block');
    return new X509Certificate(ders.map((der) => {
      const { length, subject, issuer, error } = addon.describeCertificate(der);
      if (error !== undefined) throw new ENetError(ErrorCode.ERR_PARSE_ERROR, error);
      return { der: der.subarray(0, length), subject: subject!, issuer: issuer! };
    }));
  }

  /**
   * Godot's `load`: certificates read from a file (PEM or DER). Throws ENetError
   * ERR_FILE_CANT_READ or ERR_PARSE_ERROR.
   */
  static load(path: string): X509Certificate {
    return X509Certificate.fromPem(readFile(path));
  }

  /**
   * Node's `crypto.X509Certificate` of each certificate, in order (the first is the leaf). Not in
   * Godot. Throws ENetError ERR_UNAVAILABLE when Node's OpenSSL refuses one that Godot takes (a
   * serial number starting with a zero byte); the rest of this class works all the same.
   */
  get certificates(): readonly NodeCertificate[] {
    return this.parsed.map((_, index) => {
      const certificate = this.nodeCertificate(index);
      if (certificate instanceof Error) {
        throw new ENetError(ErrorCode.ERR_UNAVAILABLE, `Node's OpenSSL refuses certificate ${index + 1} (Godot and mbedTLS take it): ${certificate.message}`);
      }
      return certificate;
    });
  }

  /** Godot's `save_to_string`: the certificates as PEM text, in order. */
  toPem(): string {
    return this.parsed.map(({ der }) => {
      const lines = der.toString('base64').match(/.{1,64}/g)!;
      return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
    }).join('');
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
    return this.name('subject');
  }

  /** The first certificate's issuer, in the same form as `subject`. Not in Godot. */
  get issuer(): string {
    return this.name('issuer');
  }

  /** The first certificate's SHA-256 fingerprint (upper-case hex pairs separated by ':'). Not in Godot. */
  get fingerprint256(): string {
    return createHash('sha256').update(this.parsed[0].der).digest('hex').toUpperCase().match(/../g)!.join(':');
  }

  private nodeCertificate(index: number): NodeCertificate | Error {
    try {
      this.nodeCertificates[index] ??= new NodeCertificate(this.parsed[index].der);
    } catch (err) {
      this.nodeCertificates[index] = err as Error;
    }
    return this.nodeCertificates[index]!;
  }

  /** Node's form of a name where Node takes the certificate; else mbedTLS's, a line per attribute. */
  private name(which: 'subject' | 'issuer'): string {
    const certificate = this.nodeCertificate(0);
    if (!(certificate instanceof Error)) return certificate[which];
    return this.parsed[0][which].split(/(?<!\\), /).join('\n');
  }
}
