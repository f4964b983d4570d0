#include "enet_memory.h"

#include <enet/enet.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace godot_enet {
namespace {

constexpr size_t kGranule = 16;
constexpr size_t kClasses = 16;       // blocks of 16, 32, … 256 bytes
constexpr size_t kCachedPerClass = 512;
constexpr uint32_t kUncached = UINT32_MAX;

// In front of each block, 16 bytes so that the block keeps malloc's alignment.
struct alignas(16) Header {
  uint32_t sizeClass;  // kUncached: malloc'd for this size, freed to malloc
};

struct FreeBlock {
  FreeBlock* next;
};

// Trivially destructible, so it stays usable for the whole life of its thread, even after the
// Reaper below ran (a late free, e.g. from a finalizer, then goes to free()).
struct Cache {
  FreeBlock* heads[kClasses];
  uint32_t counts[kClasses];
  bool closed;
};
thread_local Cache cache;

// Frees what the thread's cache holds when the thread ends (a worker thread exiting).
struct Reaper {
  ~Reaper() {
    cache.closed = true;
    for (size_t i = 0; i < kClasses; ++i) {
      while (cache.heads[i] != nullptr) {
        FreeBlock* block = cache.heads[i];
        cache.heads[i] = block->next;
        std::free(reinterpret_cast<Header*>(block) - 1);
      }
      cache.counts[i] = 0;
    }
  }
};
thread_local Reaper reaper;

void* Allocate(size_t size) {
  size_t sizeClass = size == 0 ? 0 : (size - 1) / kGranule;
  if (sizeClass < kClasses && !cache.closed) {
    (void)&reaper;  // constructs this thread's Reaper, so that the cache is freed with the thread
    if (FreeBlock* block = cache.heads[sizeClass]) {
      cache.heads[sizeClass] = block->next;
      --cache.counts[sizeClass];
      return block;
    }
    size = (sizeClass + 1) * kGranule;
  } else {
    sizeClass = kUncached;
  }
  Header* header = static_cast<Header*>(std::malloc(sizeof(Header) + size));
  if (header == nullptr) return nullptr;
  header->sizeClass = static_cast<uint32_t>(sizeClass);
  return header + 1;
}

void Free(void* memory) {
  if (memory == nullptr) return;
  Header* header = static_cast<Header*>(memory) - 1;
  uint32_t sizeClass = header->sizeClass;
  if (sizeClass != kUncached && !cache.closed && cache.counts[sizeClass] < kCachedPerClass) {
    FreeBlock* block = static_cast<FreeBlock*>(memory);
    block->next = cache.heads[sizeClass];
    cache.heads[sizeClass] = block;
    ++cache.counts[sizeClass];
    return;
  }
  std::free(header);
}

bool CacheWanted() {
#if defined(__SANITIZE_ADDRESS__)
  return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return false;
#endif
#endif
  const char* setting = std::getenv("GODOT_ENET_MEMORY_CACHE");
  return setting == nullptr || std::strcmp(setting, "0") != 0;
}

}  // namespace

int InitializeEnetWithMemory() {
  static std::once_flag chosen;
  std::call_once(chosen, [] {
    if (!CacheWanted()) return;
    ENetCallbacks callbacks = {Allocate, Free, nullptr};
    enet_initialize_with_callbacks(ENET_VERSION, &callbacks);
  });
  return enet_initialize();
}

}  // namespace godot_enet
