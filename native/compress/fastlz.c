// FastLZ blocks (format in fastlz.h). The compressor is a plain greedy LZ77 over a hash of the
// next 3 bytes; any block it writes is a valid level-1 block, though not necessarily the same
// bytes the reference FastLZ writes for the same input: decoders only depend on the format.
#include "compress/fastlz.h"

#include <string.h>

enum {
  MIN_MATCH = 3,
  MAX_MATCH = 7 + 255 + 2,    // a long match: length field 7 plus a full extension byte
  MAX_SHORT_CODE = 6,         // length codes 1..6 fit a 2-byte instruction, 7 escapes
  MAX_LITERAL_RUN = 32,
  MAX_DISTANCE = 8192,        // 13 bits hold distance - 1
  LEVEL2_FAR_BASE = 8192,     // level 2: distances from here on take a 16-bit extension
};

static uint32_t hash3(const uint8_t* at) {
  uint32_t bytes = (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16;
  return (bytes * 2654435761u) >> (32 - FASTLZ_HASH_LOG);  // Knuth's multiplicative hash
}

// Writes `count` literals as runs of at most 32. NULL when they do not fit before `end`.
static uint8_t* put_literals(uint8_t* out, const uint8_t* end, const uint8_t* literals, size_t count) {
  while (count > 0) {
    size_t run = count < MAX_LITERAL_RUN ? count : MAX_LITERAL_RUN;
    if ((size_t)(end - out) < 1 + run) return NULL;
    *out++ = (uint8_t)(run - 1);
    memcpy(out, literals, run);
    out += run;
    literals += run;
    count -= run;
  }
  return out;
}

// Writes one level-1 match (length 3..264, distance 1..8192). NULL when it does not fit.
static uint8_t* put_match(uint8_t* out, const uint8_t* end, size_t length, size_t distance) {
  size_t code = length - 2;
  size_t offset = distance - 1;
  if (code <= MAX_SHORT_CODE) {
    if (end - out < 2) return NULL;
    *out++ = (uint8_t)(code << 5 | offset >> 8);
  } else {
    if (end - out < 3) return NULL;
    *out++ = (uint8_t)(7 << 5 | offset >> 8);
    *out++ = (uint8_t)(code - 7);
  }
  *out++ = (uint8_t)(offset & 255);
  return out;
}

size_t fastlz_compress_level1(FastlzTable* table, const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  uint8_t* written = out;
  const uint8_t* end = out + limit;
  size_t literals = 0;  // where the pending literal run starts
  size_t at = 0;
  // Positions are stored + 1 in 32 bits, 0 meaning none.
  if (size == 0 || size >= UINT32_MAX) return 0;
  memset(table->last, 0, sizeof(table->last));
  // Position 0 has nothing to refer to, so the block starts with a literal run: the level-1 tag.
  while (at + MIN_MATCH <= size) {
    uint32_t hash = hash3(in + at);
    size_t candidate = table->last[hash];
    table->last[hash] = (uint32_t)(at + 1);
    if (candidate == 0 || at - (candidate - 1) > MAX_DISTANCE || memcmp(in + candidate - 1, in + at, MIN_MATCH) != 0) {
      ++at;
      continue;
    }
    size_t from = candidate - 1;
    size_t longest = size - at < MAX_MATCH ? size - at : MAX_MATCH;
    size_t length = MIN_MATCH;
    while (length < longest && in[from + length] == in[at + length]) ++length;
    written = put_literals(written, end, in + literals, at - literals);
    if (written == NULL) return 0;
    written = put_match(written, end, length, at - from);
    if (written == NULL) return 0;
    // Index the positions inside the match too, so that later data can refer to them.
    for (size_t inside = at + 1; inside < at + length && inside + MIN_MATCH <= size; ++inside) {
      table->last[hash3(in + inside)] = (uint32_t)(inside + 1);
    }
    at += length;
    literals = at;
  }
  written = put_literals(written, end, in + literals, size - literals);
  return written == NULL ? 0 : (size_t)(written - out);
}

size_t fastlz_decompress(const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  size_t at = 0, produced = 0;
  if (size == 0) return 0;
  unsigned level = (in[0] >> 5) + 1u;
  if (level > 2) return 0;
  unsigned code = in[at++] & 31;  // the tag bits belong to the block, not the instruction
  for (;;) {
    if (code < 32) {
      size_t run = (size_t)code + 1;
      if (run > size - at || run > limit - produced) return 0;
      memcpy(out + produced, in + at, run);
      at += run;
      produced += run;
    } else {
      size_t length = (size_t)(code >> 5) + 2;
      size_t distance = (size_t)(code & 31) << 8;
      if ((code >> 5) == 7) {
        unsigned extra;
        do {  // level 1 has one extension byte; level 2 continues while it reads 255
          if (at == size) return 0;
          extra = in[at++];
          length += extra;
        } while (level == 2 && extra == 255);
      }
      if (at == size) return 0;
      unsigned low = in[at++];
      distance += low + 1;
      if (level == 2 && (code & 31) == 31 && low == 255) {
        if (size - at < 2) return 0;
        distance = LEVEL2_FAR_BASE + ((size_t)in[at] << 8 | in[at + 1]);
        at += 2;
      }
      if (distance > produced || length > limit - produced) return 0;
      // Byte by byte: a match may overlap the bytes it produces (distance < length).
      for (size_t i = 0; i < length; ++i) out[produced + i] = out[produced - distance + i];
      produced += length;
    }
    if (at == size) return produced;
    code = in[at++];
  }
}
