// COMPRESS_ZLIB: a zlib stream (RFC 1950) as Godot's Compression::MODE_DEFLATE writes it:
// window bits 15, memLevel 8, default strategy, level 6 (Godot's default setting of -1). The
// streams live as long as the host and are reset per datagram, which yields the same bytes as
// Godot's fresh deflateInit2() per call.
#include "compress/codec.h"

#include <stdlib.h>
#include <string.h>
#include <zlib/zlib.h>

enum { WINDOW_BITS = 15, MEMORY_LEVEL = 8, LEVEL = 6 };

typedef struct ZlibState {
  z_stream deflater;
  z_stream inflater;
} ZlibState;

static void codec_destroy(void* state) {
  ZlibState* zlib = (ZlibState*)state;
  deflateEnd(&zlib->deflater);
  inflateEnd(&zlib->inflater);
  free(zlib);
}

static void* codec_create(void) {
  ZlibState* zlib = (ZlibState*)calloc(1, sizeof(ZlibState));  // zalloc/zfree NULL: malloc/free
  if (zlib == NULL) return NULL;
  if (deflateInit2(&zlib->deflater, LEVEL, Z_DEFLATED, WINDOW_BITS, MEMORY_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
    free(zlib);
    return NULL;
  }
  if (inflateInit2(&zlib->inflater, WINDOW_BITS) != Z_OK) {
    deflateEnd(&zlib->deflater);
    free(zlib);
    return NULL;
  }
  return zlib;
}

// Datagrams are at most 4 KiB, far below uInt's range, so the casts below never truncate.
static size_t codec_compress(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  z_stream* stream = &((ZlibState*)state)->deflater;
  if (deflateReset(stream) != Z_OK) return 0;
  stream->next_in = (Bytef*)in;
  stream->avail_in = (uInt)size;
  stream->next_out = out;
  stream->avail_out = (uInt)limit;
  // Anything but a finished stream means the output did not fit in `limit`.
  if (deflate(stream, Z_FINISH) != Z_STREAM_END) return 0;
  return (size_t)stream->total_out;
}

static size_t codec_decompress(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit) {
  z_stream* stream = &((ZlibState*)state)->inflater;
  if (inflateReset(stream) != Z_OK) return 0;
  stream->next_in = (Bytef*)in;
  stream->avail_in = (uInt)size;
  stream->next_out = out;
  stream->avail_out = (uInt)limit;
  // Like Godot, only a complete stream counts; output beyond `limit` stops inflate (Z_BUF_ERROR).
  if (inflate(stream, Z_FINISH) != Z_STREAM_END) return 0;
  return (size_t)stream->total_out;
}

const Codec zlib_codec = {codec_create, codec_compress, codec_decompress, codec_destroy};
