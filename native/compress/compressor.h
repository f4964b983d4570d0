// Godot's ENetConnection compressors for FASTLZ, ZLIB and ZSTD, installed as ENetCompressors.
#pragma once

#include <enet/enet.h>

#include "compress/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

// The codec of a Godot CompressionMode (2 FASTLZ, 3 ZLIB, 4 ZSTD); NULL for any other mode.
const Codec* compressor_codec(unsigned mode);

// Installs `codec` on `host` (ENet destroys any previous compressor). Returns 0 on success,
// -1 when out of memory (the host's compressor is then unchanged).
int compressor_install(ENetHost* host, const Codec* codec);

#ifdef __cplusplus
}
#endif
