// COMPRESS_FASTLZ: Godot's Compression::MODE_FASTLZ, a raw level-1 FastLZ block (Godot picks
// level 2 only from 64 KiB, beyond any ENet datagram). Godot zero-pads inputs shorter than 16
// bytes to 16 before compressing; the receiver then decodes the padding too, and ENet stops
// reading commands at the first zero byte (command 0 has no size).
#include "compress/codec.h"
#include "compress/fastlz.h"

#include <stdlib.h>
#include <string.h>

enum { GODOT_MINIMUM_INPUT = 16 };

static void* codec_create(void) { return malloc(sizeof(FastlzTable)); }

static void codec_destroy(void* state) { free(state); }

static size_t codec_compress(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  uint8_t padded[GODOT_MINIMUM_INPUT] = {0};
  if (size < GODOT_MINIMUM_INPUT) {
    memcpy(padded, in, size);
    in = padded;
    size = GODOT_MINIMUM_INPUT;
  }
  return fastlz_compress_level1((FastlzTable*)state, in, size, out, limit);
}

static size_t codec_decompress(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  (void)state;
  return fastlz_decompress(in, size, out, limit);
}

const Codec fastlz_codec = {codec_create, codec_compress, codec_decompress, codec_destroy};
