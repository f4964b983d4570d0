import { KeyObject, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ENetError, ErrorCode } from './errors';

/**
 * A private key, as Godot's `CryptoKey`: what a DTLS server signs its handshakes with. Loaded
 * from PEM (PKCS#8, PKCS#1 or SEC1) or PKCS#8 DER; RSA and EC keys work with DTLS.
 */
export class CryptoKey {
  private constructor(
    /** Node's `crypto.KeyObject` for the key, e.g. for `crypto.sign`. Not in Godot. */
    readonly keyObject: KeyObject,
  ) {}

  /**
   * A key from PEM text or a Buffer (PEM, or PKCS#8 DER): Godot's `load_from_string`. Throws
   * ENetError ERR_PARSE_ERROR when it is not a private key.
   */
  static fromPem(pem: string | Uint8Array): CryptoKey {
    try {
      const key = typeof pem === 'string' ? createPrivateKey(pem)
        : createPrivateKey({ key: Buffer.from(pem), format: looksLikePem(pem) ? 'pem' : 'der', type: 'pkcs8' });
      return new CryptoKey(key);
    } catch (err) {
      throw new ENetError(ErrorCode.ERR_PARSE_ERROR, `not a private key: ${(err as Error).message}`);
    }
  }

  /**
   * Godot's `load`: a key read from a file (PEM, or PKCS#8 DER). Throws ENetError
   * ERR_FILE_CANT_READ or ERR_PARSE_ERROR. Synchronous: load keys at start-up.
   */
  static load(path: string): CryptoKey {
    return CryptoKey.fromPem(readFile(path));
  }

  /**
   * A new RSA key of `size` bits, as Godot's `Crypto.generate_rsa` (see `Crypto.generateRsa`,
   * which checks the size). Synchronous: it blocks the thread while the key is generated.
   */
  static generateRsa(size = 2048): CryptoKey {
    return new CryptoKey(generateKeyPairSync('rsa', { modulusLength: size }).privateKey);
  }

  /** A new EC key on P-256: much faster to make than RSA, and what most DTLS peers prefer. Not in Godot. */
  static generateEc(): CryptoKey {
    return new CryptoKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
  }

  /** Godot's `save_to_string`: the key as PKCS#8 PEM text. */
  toPem(): string {
    return this.keyObject.export({ type: 'pkcs8', format: 'pem' }) as string;
  }

  /** Godot's `save`: writes the key as PKCS#8 PEM, readable by the owner only (mode 0600). */
  save(path: string): void {
    writeFileSync(path, this.toPem(), { mode: 0o600 });
  }
}

export function looksLikePem(data: Uint8Array): boolean {
  return Buffer.from(data.subarray(0, 64)).toString('latin1').includes('-----BEGIN');
}

export function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ENetError(ErrorCode.ERR_FILE_CANT_READ, `cannot read ${path}: ${(err as Error).message}`);
  }
}
