// The FastLZ block format (native/compress/fastlz.c) against hand-made vectors, the examples of
// FastLZ's own format description, and an independent JavaScript decoder and encoder
// (test/codecs.ts). Codecs run through the addon's internal compressionCodec().
import { describe, expect, it } from 'vitest';
import { addon } from '../lib/native';
import { fastlzDecode, fastlzEncodeExhaustive } from './codecs';
import { pattern } from './helpers';

const FASTLZ = 2;
const decode = (block: number[] | Uint8Array, limit = 1 << 20) =>
  addon.compressionCodec(FASTLZ, 'decompress', Uint8Array.from(block), limit);
const encode = (input: Uint8Array, limit = input.length + (input.length >> 4) + 32) =>
  addon.compressionCodec(FASTLZ, 'compress', input, limit);
const bytes = (text: string) => Buffer.from(text, 'latin1');

/** Literal runs (at most 32 bytes each) holding `data`: the start of a block. */
function literals(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at < data.length; at += 32) {
    const run = data.subarray(at, at + 32);
    out.push(run.length - 1, ...run);
  }
  return out;
}

describe('FastLZ decoding: the examples of the format description', () => {
  // FastLZ README.md, section "Block Format" (github.com/ariya/FastLZ): one example per
  // instruction type. The long-match example's block has 6 bytes (its text says 4).
  it.each([
    ['literal run', [0x02, 0x41, 0x42, 0x43], 'ABC'],
    ['short match, offset 2', [0x03, 0x41, 0x42, 0x43, 0x44, 0x20, 0x02], 'ABCDBCD'],
    ['short match, offset 0 (a run)', [0x00, 0x61, 0x40, 0x00], 'aaaaa'],
    ['long match', [0x01, 0x44, 0x45, 0xe0, 0x01, 0x01], 'DEDEDEDEDEDE'],
  ])('%s', (_name, block, expected) => {
    expect(decode(block)).toEqual(bytes(expected));
    expect(fastlzDecode(Uint8Array.from(block))).toEqual(bytes(expected));
  });
});

describe('FastLZ decoding: hand-made level-1 blocks', () => {
  const data = pattern(9000, 5);

  it('the longest literal run (32 bytes) and runs back to back', () => {
    expect(decode(literals(data.subarray(0, 32)))).toEqual(Buffer.from(data.subarray(0, 32)));
    expect(decode(literals(data.subarray(0, 100)))).toEqual(Buffer.from(data.subarray(0, 100)));
  });

  it('short matches of every length (3..8) and the shortest long match (9, extension 0)', () => {
    for (let length = 3; length <= 8; length++) {
      expect(decode([0x00, 0x41, (length - 2) << 5, 0x00])).toEqual(bytes('A'.repeat(1 + length)));
    }
    expect(decode([0x00, 0x41, 0xe0, 0x00, 0x00])).toEqual(bytes('A'.repeat(10)));
  });

  it('the longest match: 264 bytes (extension byte 255)', () => {
    expect(decode([0x00, 0x41, 0xe0, 0xff, 0x00])).toEqual(bytes('A'.repeat(265)));
  });

  it('distance 1 (offset 0) overlaps its own output; distance 8192 (offset 8191) is the farthest', () => {
    expect(decode([0x01, 0x41, 0x42, 0xe0, 0x03, 0x01])).toEqual(bytes('AB'.repeat(7)));
    const far = [...literals(data.subarray(0, 8192)), 0x3f, 0xff];  // short match, length 3, offset 31·256+255
    expect(decode(far)).toEqual(Buffer.concat([data.subarray(0, 8192), data.subarray(0, 3)]));
  });

  it('the block tag is masked off the first instruction only', () => {
    // 0x1f at the start is a 32-byte literal run; later it is one too. 0x20 later is a match.
    const block = [0x1f, ...data.subarray(0, 32), 0x20, 0x00];
    expect(decode(block)).toEqual(Buffer.concat([data.subarray(0, 32), Buffer.alloc(3, data[31])]));
  });

  it('matches and literals mixed, as a compressor writes them', () => {
    // "abcabcabcXabcabc": literal abc, match 6 at distance 3, literal X, match 6 at distance 10
    const block = [0x02, 0x61, 0x62, 0x63, 0x80, 0x02, 0x00, 0x58, 0x80, 0x09];
    expect(decode(block)).toEqual(bytes('abcabcabcXabcabc'));
    expect(fastlzDecode(Uint8Array.from(block))).toEqual(bytes('abcabcabcXabcabc'));
  });
});

describe('FastLZ decoding: level-2 blocks (tag 1)', () => {
  const data = pattern(9000, 6);

  it('a long match whose length extension continues past 255', () => {
    // 9 + 255 + 5 = 269 bytes copied
    expect(decode([0x20, 0x41, 0xe0, 0xff, 0x05, 0x00])).toEqual(bytes('A'.repeat(270)));
  });

  it('a far match: offset 31·256+255 escapes to a 16-bit distance beyond 8192', () => {
    const block = [...literals(data), 0x3f, 0xff, 0x03, 0x28];  // distance 8192 + 0x0328 = 9000
    block[0] |= 0x20;
    expect(decode(block)).toEqual(Buffer.concat([data, data.subarray(0, 3)]));
    expect(fastlzDecode(Uint8Array.from(block))).toEqual(Buffer.concat([data, data.subarray(0, 3)]));
  });
});

describe('FastLZ decoding: malformed blocks give null, never more than the limit', () => {
  it.each([
    ['empty', []],
    ['block tags 2..7', [0x40, 0x41]],
    ['block tag 7', [0xe0, 0x41]],
    ['literal run cut short', [0x02, 0x41, 0x42]],
    ['match without its distance byte', [0x00, 0x41, 0x20]],
    ['long match without its length byte', [0x00, 0x41, 0xe0]],
    ['level-2 length extension cut short', [0x20, 0x41, 0xe0, 0xff, 0xff]],
    ['level-2 far distance cut short', [0x20, 0x41, 0x3f, 0xff, 0x00]],
    ['a reference before the start of the output', [0x00, 0x41, 0x20, 0x01]],
    ['a lone byte after the last instruction', [0x00, 0x41, 0x00]],
  ])('%s', (_name, block) => {
    expect(decode(block)).toBeNull();
  });

  it('output that would exceed the limit', () => {
    expect(decode([0x00, 0x61, 0x40, 0x00], 5)).toEqual(bytes('aaaaa'));
    expect(decode([0x00, 0x61, 0x40, 0x00], 4)).toBeNull();
    expect(decode([0x00, 0x41, 0xe0, 0xff, 0x00], 264)).toBeNull();
  });

  it('random blocks: null or a result within the limit, and the same verdict as the reference decoder', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const block = pattern(1 + (seed % 64), seed);
      block[0] &= seed % 2 ? 0x1f : 0x3f;  // mostly valid tags, so decoding gets somewhere
      const ours = decode(block, 4096);
      let reference: Buffer | null;
      try {
        reference = fastlzDecode(block);
        if (reference.length > 4096) reference = null;
      } catch {
        reference = null;
      }
      expect(ours, `seed ${seed}`).toEqual(reference);
    }
  });
});

describe('FastLZ encoding (level 1)', () => {
  it('writes the expected bytes for simple inputs', () => {
    // literal 'a'; match 264 at distance 1; match 35 at distance 1
    expect(encode(bytes('a'.repeat(300)))).toEqual(Buffer.from([0x00, 0x61, 0xe0, 0xff, 0x00, 0xe0, 0x1a, 0x00]));
    // 16 bytes or more are compressed as they are
    expect(encode(bytes('abcabcabcabcabcabc'))).toEqual(Buffer.from([0x02, 0x61, 0x62, 0x63, 0xe0, 0x06, 0x02]));
  });

  it('pads inputs under 16 bytes with zeros to 16, as Godot does', () => {
    const block = encode(bytes('abc'))!;
    expect(block).toEqual(Buffer.from([0x03, 0x61, 0x62, 0x63, 0x00, 0xe0, 0x03, 0x00]));
    expect(decode(block)).toEqual(Buffer.concat([bytes('abc'), Buffer.alloc(13)]));
  });

  it('gives null when the block would not fit the limit (ENet then sends the datagram raw)', () => {
    const random = pattern(1000, 3);
    expect(encode(random, 1000)).toBeNull();  // incompressible: literal runs add 1 byte in 32
    expect(encode(random, 1032)).not.toBeNull();
    expect(encode(bytes('a'.repeat(300)), 7)).toBeNull();
    expect(encode(bytes('a'.repeat(300)), 8)).not.toBeNull();
  });

  it('round trips every kind of input, decoded by the addon and by the reference decoder', () => {
    const text = bytes('{"entity":17,"pos":[12.5,3.25,-7.0],"state":"running"}\n'.repeat(200));
    const kinds: Array<(n: number, seed: number) => Uint8Array> = [
      (n, seed) => pattern(n, seed),
      (n, seed) => pattern(n, seed).map((b) => b & 3),
      (n) => new Uint8Array(n),
      (n, seed) => text.subarray(seed % 50, (seed % 50) + n),
      (n, seed) => Uint8Array.from({ length: n }, (_, i) => ((i * seed) >> 4) & 255),
    ];
    const sizes = [1, 2, 3, 4, 15, 16, 17, 31, 32, 33, 100, 1000, 1392, 4096, 8193, 10000, 70000];
    for (const [k, kind] of kinds.entries()) {
      for (const [s, size] of sizes.entries()) {
        const input = kind(size, 11 + k * 31 + s);
        if (input.length !== size) continue;
        const block = encode(input)!;
        const expected = Buffer.concat([input, Buffer.alloc(Math.max(0, 16 - size))]);
        expect(block, `kind ${k} size ${size}`).not.toBeNull();
        expect(block[0] >> 5, 'level-1 tag').toBe(0);
        expect(decode(block), `kind ${k} size ${size}`).toEqual(expected);
        expect(fastlzDecode(block), `kind ${k} size ${size}`).toEqual(expected);
      }
    }
  });

  it("decodes an independent encoder's blocks (exhaustive match search) byte for byte", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const size = [17, 200, 1392, 4000][seed % 4];
      const input = pattern(size, seed).map((b) => (seed % 3 === 0 ? b : b & 7));
      const block = fastlzEncodeExhaustive(input);
      expect(decode(block, 4096), `seed ${seed}`).toEqual(Buffer.from(input));
      // The two encoders agree on the format, not necessarily on the bytes.
      expect(fastlzDecode(encode(input)!)).toEqual(Buffer.from(input));
    }
  });
});
