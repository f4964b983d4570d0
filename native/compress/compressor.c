// The ENetCompressor shared by every codec, shaped like Godot's ENetConnection::Compressor:
// ENet hands over a datagram's commands as a list of buffers, Godot's codecs take one block, so
// the list is gathered first. The wire carries the codec's raw output and nothing else.
#include "compress/compressor.h"
#include "compress/received_length.h"

#include <stdlib.h>
#include <string.h>

typedef struct Compressor {
  const Codec* codec;
  void* state;
  // ENet compresses at most one datagram's commands: less than its largest MTU.
  enet_uint8 gathered[ENET_PROTOCOL_MAXIMUM_MTU];
} Compressor;

static size_t compress_buffers(void* context, const ENetBuffer* inBuffers, size_t inBufferCount,
                               size_t inLimit, enet_uint8* outData, size_t outLimit) {
  Compressor* compressor = (Compressor*)context;
  size_t size = 0;
  if (inLimit > sizeof(compressor->gathered)) return 0;
  for (size_t i = 0; i < inBufferCount && size < inLimit; ++i) {
    size_t length = inBuffers[i].dataLength;
    if (length > inLimit - size) length = inLimit - size;
    if (length == 0) continue;  // an empty packet's data may be NULL
    memcpy(compressor->gathered + size, inBuffers[i].data, length);
    size += length;
  }
  if (size == 0) return 0;
  return compressor->codec->compress(compressor->state, compressor->gathered, size, outData, outLimit);
}

static size_t decompress_block(void* context, const enet_uint8* inData, size_t inLimit,
                               enet_uint8* outData, size_t outLimit) {
  Compressor* compressor = (Compressor*)context;
  if (!is_received_length(inLimit)) return 0;  // ENet then drops the datagram
  return compressor->codec->decompress(compressor->state, inData, inLimit, outData, outLimit);
}

static void destroy(void* context) {
  Compressor* compressor = (Compressor*)context;
  compressor->codec->destroy(compressor->state);
  free(compressor);
}

const Codec* compressor_codec(unsigned mode) {
  switch (mode) {
    case 2: return &fastlz_codec;
    case 3: return &zlib_codec;
    case 4: return &zstd_codec;
    default: return NULL;
  }
}

int compressor_install(ENetHost* host, const Codec* codec) {
  Compressor* compressor = (Compressor*)malloc(sizeof(Compressor));
  if (compressor == NULL) return -1;
  compressor->codec = codec;
  compressor->state = codec->create();
  if (compressor->state == NULL) {
    free(compressor);
    return -1;
  }
  ENetCompressor hooks;
  hooks.context = compressor;
  hooks.compress = compress_buffers;
  hooks.decompress = decompress_block;
  hooks.destroy = destroy;
  enet_host_compress(host, &hooks);
  return 0;
}
