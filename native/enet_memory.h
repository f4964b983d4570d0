// ENet's allocations (enet_malloc/enet_free, set once per process by UseEnetMemory()).
//
// ENet allocates and frees several small blocks per packet (the packet, its data, the incoming
// command, the acknowledgement), in bursts of a whole window. glibc's per-thread cache holds 7
// blocks of a size, so most of a burst went to its slower paths: a thread-local cache of 512
// blocks per size class (up to 256 bytes) keeps them. Bigger blocks go straight to malloc.
#ifndef GODOT_ENET_ENET_MEMORY_H
#define GODOT_ENET_ENET_MEMORY_H

namespace godot_enet {

// Installs the allocator in ENet; returns ENet's enet_initialize() result. Call it where
// enet_initialize() would be called: before any ENet object exists, on every thread that calls
// enet_initialize(). The allocator is chosen once per process: with the cache, or plain
// malloc/free under AddressSanitizer or with GODOT_ENET_MEMORY_CACHE=0 (for valgrind), where a
// cached block would hide a use after free.
int InitializeEnetWithMemory();

}  // namespace godot_enet

#endif
