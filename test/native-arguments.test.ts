// The native layer is the last line of defence: whatever JavaScript passes, it must answer with
// an error number or a neutral value, never crash or touch memory it does not own.
import { describe, expect, it } from 'vitest';
import { Crypto, CryptoKey } from '../lib/index';
import { addon } from '../lib/native';

const junk: unknown[] = [
  undefined, null, true, '', '127.0.0.1', 'x'.repeat(300), -1, -0, 0.5, NaN, Infinity, -Infinity, 2 ** 53,
  4096, 4095 * 4096 + 1, 1e300, {}, [], () => 0, Symbol('s'), 10n, new Uint8Array(3), new Uint16Array(3),
  new Float64Array(1), new ArrayBuffer(4), Buffer.alloc(70000),
];

function pick(seed: number): unknown {
  return junk[seed % junk.length];
}

describe('native arguments', () => {
  it('rejects a constructor without an event view', () => {
    expect(() => new (addon.NativeConnection as any)()).toThrow(TypeError);
    expect(() => new (addon.NativeConnection as any)(new Float64Array(2))).toThrow(TypeError);
  });

  it('survives every method called with junk, on an inactive and an active host', () => {
    const native: any = new addon.NativeConnection(new Float64Array(8));
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(native)).filter((m) => m !== 'constructor');
    expect(methods.length).toBeGreaterThan(25);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (const phase of ['inactive', 'active']) {
      if (phase === 'active') expect(native.create('127.0.0.1', 0, 4, 0, 0, 0)).toBeUndefined();
      for (const method of methods) {
        if (method === 'destroy' || method === 'start') continue;
        for (let round = 0; round < 60; round++) {
          const args = Array.from({ length: next() % 7 }, () => pick(next()));
          // A numeric timeout blocks for that long by design; junk of any other type is still tried.
          if (method === 'service' && typeof args[0] === 'number') args[0] = 0;
          try {
            const result = native[method](...args);
            expect(['number', 'string', 'boolean', 'undefined', 'object']).toContain(typeof result);
          } catch (err) {
            // Only JavaScript-level type errors are acceptable (e.g. a Symbol where a string is read).
            expect(err).toBeInstanceOf(TypeError);
          }
        }
      }
      expect(native.isActive()).toBe(phase === 'active');
    }
    native.destroy();
    native.destroy();
    expect(native.isActive()).toBe(false);
  });

  it('survives the internal compressionCodec() called with junk', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const directions = ['compress', 'decompress', 'other'];
    for (let round = 0; round < 600; round++) {
      const args = [2 + (next() % 4), directions[next() % 3], pick(next()), pick(next())];
      if (round % 2) args[2] = new Uint8Array(next() % 300).map(() => next());
      if (round % 3) args[3] = next() % 5000;
      try {
        const result = (addon.compressionCodec as any)(...args.slice(0, next() % 5));
        expect(result === null || Buffer.isBuffer(result)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(TypeError);
      }
    }
  });

  it('survives the internal describeCertificate() called with junk, cut and altered certificates', () => {
    const key = CryptoKey.generateEc();
    const der = Buffer.from(Crypto.generateSelfSignedCertificate(key, 'CN=junk.test').toPem()
      .replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const whole = addon.describeCertificate(der);
    expect(whole).toEqual({ length: der.length, subject: 'CN=junk.test', issuer: 'CN=junk.test' });
    const answers = (value: unknown) => {
      const result = (addon.describeCertificate as any)(value);
      expect(typeof result.error === 'string' || (result.length > 0 && typeof result.subject === 'string')).toBe(true);
      return result;
    };
    for (const value of junk) answers(value);
    answers(undefined);
    for (let cut = 0; cut < der.length; cut++) expect(answers(der.subarray(0, cut)).error).toMatch(/^not a certificate: /);
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let round = 0; round < 500; round++) {
      const altered = Buffer.from(der);
      altered[next() % der.length] ^= 1 << (next() % 8);
      answers(altered);
    }
    // What follows a certificate is not part of it.
    expect(answers(Buffer.concat([der, Buffer.from([1, 2, 3])])).length).toBe(der.length);
  });

  it('answers send-path misuse with Godot error numbers', () => {
    const native: any = new addon.NativeConnection(new Float64Array(8));
    expect(native.peerSend(0, 0, new Uint8Array(1), 1)).toBe(3);
    expect(native.broadcast(0, new Uint8Array(1), 1)).toBe(3);
    native.create('127.0.0.1', 0, 2, 4, 0, 0);
    expect(native.broadcast(4, new Uint8Array(1), 1)).toBe(31);
    expect(native.broadcast(0, new Uint8Array(1), 4)).toBe(31);
    expect(native.broadcast(0, 'text', 1)).toBe(31);
    expect(native.broadcast(0, new Uint16Array(1), 1)).toBe(31);
    expect(native.broadcast(0, new Uint8Array(1), 1)).toBe(0);
    native.destroy();
  });
});
