// The FastLZ block format (levels 1 and 2), written from the format's description.
//
// A block is a sequence of instructions; the top 3 bits of its first byte hold (level - 1), and
// its first instruction is always a literal run (the decoder masks those bits off). With `c` an
// instruction's first byte:
//   c >> 5 == 0   literal run: the next c + 1 bytes (1..32) are copied.
//   c >> 5 != 0   match: copy from `distance` bytes back in the output.
//     level 1: n = c >> 5 (1..6), or 7 + the next byte when c >> 5 == 7; then one byte d.
//              length n + 2 (3..264), distance ((c & 31) << 8 | d) + 1 (1..8192).
//     level 2: as level 1, except that the length extension is a run of bytes ended by one that
//              is not 255 (each adds its value), and that (c & 31) == 31 with d == 255 is
//              followed by a 16-bit big-endian distance: distance 8192 + that (up to 73727).
// The block carries no length: it ends where its last instruction ends.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { FASTLZ_HASH_LOG = 13 };

// The compressor's match finder: the last position seen for each hash of 3 bytes.
typedef struct FastlzTable {
  uint32_t last[1u << FASTLZ_HASH_LOG];
} FastlzTable;

// Compresses `size` bytes (at least 1) into a level-1 block of at most `limit` bytes. Returns the
// block's size, or 0 when it would not fit or `size` is 0. `table` is scratch space.
size_t fastlz_compress_level1(FastlzTable* table, const uint8_t* in, size_t size, uint8_t* out, size_t limit);

// Decodes a level-1 or level-2 block into at most `limit` bytes. Returns the decoded size, or 0
// when the block is malformed (an unknown level, an instruction cut short, a distance before
// the start of the output, bytes after the last instruction) or decodes to more than `limit`.
size_t fastlz_decompress(const uint8_t* in, size_t size, uint8_t* out, size_t limit);

#ifdef __cplusplus
}
#endif
