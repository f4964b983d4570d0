// One compression mode of Godot's ENetConnection as a pair of whole-buffer functions. The
// ENet glue (compressor.c) gathers each datagram into one block and calls these.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct Codec {
  // Per-host state, kept for the compressor's lifetime so datagrams allocate nothing; NULL when
  // out of memory.
  void* (*create)(void);
  // Compresses `size` bytes into at most `limit` bytes; 0 when the result would not fit or on
  // any failure (ENet then sends the datagram uncompressed).
  size_t (*compress)(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit);
  // Decompresses one block into at most `limit` bytes; 0 on malformed input or when the output
  // would exceed `limit` (ENet then drops the datagram).
  size_t (*decompress)(void* state, const uint8_t* in, size_t size, uint8_t* out, size_t limit);
  void (*destroy)(void* state);
} Codec;

extern const Codec fastlz_codec;  // fastlz_codec.c
extern const Codec zlib_codec;    // zlib_codec.c
extern const Codec zstd_codec;    // zstd_codec.c

#ifdef __cplusplus
}
#endif
