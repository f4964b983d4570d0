// Independent implementations of the compressed formats, to cross-check the addon's codecs:
// they share no code with native/compress and take a different route where there is a choice.
//   FastLZ: written from the "Block Format" section of FastLZ's README (ariya/FastLZ).
//   zstd:   frames of raw and RLE blocks assembled by hand from RFC 8878; decoding uses fzstd.
//   zlib:   node:zlib (Chromium's zlib, not the addon's zlib 1.3.1).

/** Decodes a FastLZ level-1 or level-2 block; throws on anything malformed. */
export function fastlzDecode(block: Uint8Array): Buffer {
  const out: number[] = [];
  if (block.length === 0) throw new Error('empty block');
  const level = (block[0] >> 5) + 1;
  if (level > 2) throw new Error(`block tag ${level - 1}`);
  let src = 0;
  const next = (): number => {
    if (src >= block.length) throw new Error('instruction cut short');
    return block[src++];
  };
  let opcode = next() & 31;
  for (;;) {
    const type = opcode >> 5;
    if (type === 0) {
      for (let n = opcode + 1; n > 0; n--) out.push(next());
    } else {
      let length = type + 2;
      if (type === 7) {
        let extra: number;
        do {
          extra = next();
          length += extra;
        } while (level === 2 && extra === 255);
      }
      const low = next();
      let back = (opcode & 31) * 256 + low;
      if (level === 2 && (opcode & 31) === 31 && low === 255) back = 8191 + next() * 256 + next();
      let ref = out.length - back - 1;
      if (ref < 0) throw new Error('reference before the start');
      while (length-- > 0) out.push(out[ref++]);
    }
    if (src === block.length) return Buffer.from(out);
    opcode = next();
  }
}

/**
 * Encodes a FastLZ level-1 block by exhaustive search: at each position the longest match
 * within the 8 KiB window, the nearest one on ties. Slow (fine for datagrams), but not the
 * addon's hash-based choice, so its blocks differ from the addon's.
 */
export function fastlzEncodeExhaustive(input: Uint8Array): Buffer {
  const out: number[] = [];
  let literalStart = 0;
  const flushLiterals = (end: number): void => {
    for (let at = literalStart; at < end; at += 32) {
      const run = Math.min(32, end - at);
      out.push(run - 1, ...input.subarray(at, at + run));
    }
  };
  let at = 1;
  while (at + 3 <= input.length) {
    let best = 0;
    let bestBack = 0;
    const longest = Math.min(264, input.length - at);
    for (let back = 1; back <= Math.min(8192, at); back++) {
      let n = 0;
      while (n < longest && input[at - back + n] === input[at + n]) n++;
      if (n > best) {
        best = n;
        bestBack = back;
      }
    }
    if (best < 3) {
      at++;
      continue;
    }
    flushLiterals(at);
    const offset = bestBack - 1;
    if (best - 2 < 7) out.push(((best - 2) << 5) | (offset >> 8), offset & 255);
    else out.push((7 << 5) | (offset >> 8), best - 9, offset & 255);
    at += best;
    literalStart = at;
  }
  flushLiterals(input.length);
  return Buffer.from(out);
}

/**
 * A zstd frame (RFC 8878) holding `content` in raw blocks, with runs of 16+ equal bytes as RLE
 * blocks: single segment, 4-byte content size, no checksum, no dictionary.
 */
export function zstdFrameByHand(content: Uint8Array): Buffer {
  const blocks: Buffer[] = [];
  const header = (last: boolean, type: number, size: number): Buffer => {
    const value = (size << 3) | (type << 1) | (last ? 1 : 0);
    return Buffer.from([value & 255, (value >> 8) & 255, (value >> 16) & 255]);
  };
  let at = 0;
  while (at < content.length) {
    let run = 1;
    while (at + run < content.length && content[at + run] === content[at]) run++;
    if (run >= 16) {
      blocks.push(Buffer.concat([header(false, 1, run), Buffer.from([content[at]])]));
      at += run;
      continue;
    }
    let end = at + 1;  // a raw block up to the next long run
    while (end < content.length) {
      let ahead = 1;
      while (end + ahead < content.length && content[end + ahead] === content[end] && ahead < 16) ahead++;
      if (ahead >= 16) break;
      end++;
    }
    blocks.push(Buffer.concat([header(false, 0, end - at), Buffer.from(content.subarray(at, end))]));
    at = end;
  }
  if (blocks.length === 0) blocks.push(header(true, 0, 0));
  const last = blocks[blocks.length - 1];
  last[0] |= 1;
  const size = Buffer.alloc(4);
  size.writeUInt32LE(content.length);
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0]), size, ...blocks]);
}

/** ENet's protocol header: peer id and flags, big-endian; 2 more bytes when it carries a sent time. */
export function enetHeaderSize(datagram: Uint8Array): number {
  return datagram[0] & 0x80 ? 4 : 2;
}

/** The header's ENET_PROTOCOL_HEADER_FLAG_COMPRESSED (0x4000). */
export function isCompressed(datagram: Uint8Array): boolean {
  return datagram.length >= 2 && (datagram[0] & 0x40) !== 0;
}
