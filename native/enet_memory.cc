#include "enet_memory.h"

#include <enet/enet.h>

#include <cstddef>
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

// In front of each block, as large as malloc's alignment so that the block keeps it.
struct alignas(alignof(std::max_align_t)) Header {
  uint32_t sizeClass;  // kUncached: malloc'd for this size, freed to malloc
};

struct FreeBlock {
  FreeBlock* next;
};

// Plain data, emptied by CloseEnetMemoryCache() when the thread's environment ends (a
// destructor of its own would run at a point the platforms do not agree on).
struct Cache {
  FreeBlock* heads[kClasses];
  uint32_t counts[kClasses];
  bool closed;
};
thread_local Cache cache;

void* Allocate(size_t size) {
  size_t sizeClass = size == 0 ? 0 : (size - 1) / kGranule;
  if (sizeClass < kClasses && !cache.closed) {
    if (FreeBlock* block = cache.heads[sizeClass]) {
      cache.heads[sizeClass] = block->next;
      --cache.counts[sizeClass];
      return block;
    }
    size = (sizeClass + 1) * kGranule;
  } else {
    sizeClass = kUncached;
    if (size > SIZE_MAX - sizeof(Header)) return nullptr;
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
  bool initialized = false;
  int result = 0;
  std::call_once(chosen, [&] {
    if (!CacheWanted()) return;
    ENetCallbacks callbacks = {Allocate, Free, nullptr};
    result = enet_initialize_with_callbacks(ENET_VERSION, &callbacks);  // enet_initialize() too
    initialized = true;
  });
  return initialized ? result : enet_initialize();
}

void CloseEnetMemoryCache() {
  cache.closed = true;
  for (size_t i = 0; i < kClasses; ++i) {
    while (FreeBlock* block = cache.heads[i]) {
      cache.heads[i] = block->next;
      std::free(reinterpret_cast<Header*>(block) - 1);
    }
    cache.counts[i] = 0;
  }
}

}  // namespace godot_enet
