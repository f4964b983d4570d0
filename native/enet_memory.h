// ENet's allocations (enet_malloc/enet_free), chosen once per process.
//
// ENet allocates and frees several small blocks per packet (the packet, its data, the incoming
// command, the acknowledgement), in bursts of a whole window. glibc's per-thread cache holds 7
// blocks of a size, so most of a burst went to its slower paths: a thread-local cache of 512
// blocks per size class (up to 256 bytes) keeps them. Bigger blocks go straight to malloc.
//
// What the cache gives up: a block freed twice comes back twice instead of glibc stopping the
// process, and overruns into the rounding to 16 bytes go unseen. So it is left out under
// AddressSanitizer and with GODOT_ENET_MEMORY_CACHE=0 (valgrind): plain malloc/free there.
#ifndef GODOT_ENET_ENET_MEMORY_H
#define GODOT_ENET_ENET_MEMORY_H

namespace godot_enet {

// enet_initialize(), giving ENet the allocator on the process's first call; its result. Call it
// where enet_initialize() would be: before any ENet object exists, once per environment.
int InitializeEnetWithMemory();

// Frees the calling thread's cached blocks and stops caching on it; what is freed later goes
// to free(). For the environment's cleanup: a worker thread is about to end.
void CloseEnetMemoryCache();

}  // namespace godot_enet

#endif
