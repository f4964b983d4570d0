// COMPRESS_ZSTD: one standard zstd frame as Godot's Compression::MODE_ZSTD writes it: level 3,
// content size in the frame header, no checksum, no long-distance matching (Godot's defaults).
// The contexts live as long as the host; ZSTD_compressCCtx() starts every frame afresh, so the
// output equals that of Godot's new context per call. Like Godot, it compresses into a buffer of
// ZSTD_compressBound() and only then compares with the limit: given a tighter buffer, zstd can
// fail on a frame that would have fitted.
#include "compress/codec.h"

#include <stdlib.h>
#include <string.h>
#include <zstd/lib/zstd.h>

enum { LEVEL = 3 };

typedef struct ZstdState {
  ZSTD_CCtx* compressor;
  ZSTD_DCtx* decompressor;
  uint8_t* frame;  // grown to the largest bound seen: once per host for ENet's datagrams
  size_t frameCapacity;
} ZstdState;

static void codec_destroy(void* state) {
  ZstdState* zstd = (ZstdState*)state;
  ZSTD_freeCCtx(zstd->compressor);
  ZSTD_freeDCtx(zstd->decompressor);
  free(zstd->frame);
  free(zstd);
}

static void* codec_create(void) {
  ZstdState* zstd = (ZstdState*)calloc(1, sizeof(ZstdState));
  if (zstd == NULL) return NULL;
  zstd->compressor = ZSTD_createCCtx();
  zstd->decompressor = ZSTD_createDCtx();
  if (zstd->compressor == NULL || zstd->decompressor == NULL) {
    codec_destroy(zstd);
    return NULL;
  }
  return zstd;
}

static size_t codec_compress(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  ZstdState* zstd = (ZstdState*)state;
  size_t bound = ZSTD_compressBound(size);
  if (bound > zstd->frameCapacity) {
    uint8_t* grown = (uint8_t*)realloc(zstd->frame, bound);
    if (grown == NULL) return 0;
    zstd->frame = grown;
    zstd->frameCapacity = bound;
  }
  size_t written = ZSTD_compressCCtx(zstd->compressor, zstd->frame, zstd->frameCapacity, in, size, LEVEL);
  if (ZSTD_isError(written) || written > limit) return 0;
  memcpy(out, zstd->frame, written);
  return written;
}

// One-shot decoding writes straight into `out` and uses it as the window, so a frame that
// claims a huge content or window size fails (dstSize_tooSmall, frameParameter_windowTooLarge)
// without allocating anything.
static size_t codec_decompress(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  size_t written = ZSTD_decompressDCtx(((ZstdState*)state)->decompressor, out, limit, in, size);
  return ZSTD_isError(written) ? 0 : written;
}

const Codec zstd_codec = {codec_create, codec_compress, codec_decompress, codec_destroy};
