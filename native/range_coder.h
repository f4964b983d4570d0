// ENet's range coder, made safe for zero-length packets.
#pragma once

#include <enet/enet.h>

#ifdef __cplusplus
extern "C" {
#endif

// Installs a range coder on `host` whose output is byte-identical to
// enet_host_compress_with_range_coder(). Returns 0 on success, -1 when out of memory.
int range_coder_install(ENetHost* host);

#ifdef __cplusplus
}
#endif
