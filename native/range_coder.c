// Stock enet_range_coder_compress() reads one byte from every input buffer, even an empty one:
// a zero-length packet (legal in ENet and in Godot) makes it dereference the packet's NULL data.
// Empty buffers contribute no bytes to the stream, so dropping them before the coder runs keeps
// the wire output identical while removing the crash.
#include "range_coder.h"

#include "compress/received_length.h"

static size_t compress_non_empty(void* context, const ENetBuffer* inBuffers, size_t inBufferCount,
                                 size_t inLimit, enet_uint8* outData, size_t outLimit) {
  ENetBuffer buffers[ENET_BUFFER_MAXIMUM];
  size_t count = 0;
  for (size_t i = 0; i < inBufferCount && count < ENET_BUFFER_MAXIMUM; ++i) {
    if (inBuffers[i].dataLength > 0) buffers[count++] = inBuffers[i];
  }
  if (count == 0) return 0;  // nothing to compress: ENet sends the datagram uncompressed
  return enet_range_coder_compress(context, buffers, count, inLimit, outData, outLimit);
}

static size_t decompress_received(void* context, const enet_uint8* inData, size_t inLimit, enet_uint8* outData,
                                  size_t outLimit) {
  if (!is_received_length(inLimit)) return 0;  // ENet then drops the datagram
  return enet_range_coder_decompress(context, inData, inLimit, outData, outLimit);
}

int range_coder_install(ENetHost* host) {
  ENetCompressor compressor;
  compressor.context = enet_range_coder_create();
  if (compressor.context == NULL) return -1;
  compressor.compress = compress_non_empty;
  compressor.decompress = decompress_received;
  compressor.destroy = enet_range_coder_destroy;
  enet_host_compress(host, &compressor);
  return 0;
}
