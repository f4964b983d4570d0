#include "borrowed_slab.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace godot_enet {

struct BorrowedSlab::Block {
  std::atomic<uint32_t> references{1};
  size_t capacity = 0;
  uint8_t* bytes = nullptr;
};

BorrowedSlab::~BorrowedSlab() {
  if (block_ != nullptr) Release(block_);
}

void BorrowedSlab::Release(Block* block) {
  if (block->references.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  std::free(block->bytes);
  delete block;
}

// An ArrayBuffer's finalizer: may run late (or, for a transferred one, on another thread).
void BorrowedSlab::Finalize(napi_env /*env*/, void* /*data*/, void* hint) {
  Release(static_cast<Block*>(hint));
}

napi_value BorrowedSlab::Lend(napi_env env, size_t bytes, uint8_t** data) {
  if (refused_) return nullptr;
  if (block_ != nullptr && block_->capacity < bytes) {
    // Growing: the old block may still be referenced by an unfinalized (detached) ArrayBuffer.
    Release(block_);
    block_ = nullptr;
  }
  if (block_ == nullptr) {
    Block* block = new (std::nothrow) Block();
    if (block == nullptr) return nullptr;
    block->capacity = bytes < 4096 ? 4096 : bytes;
    block->bytes = static_cast<uint8_t*>(std::malloc(block->capacity));
    if (block->bytes == nullptr) {
      delete block;
      return nullptr;
    }
    block_ = block;
  }
  napi_value buffer;
  block_->references.fetch_add(1, std::memory_order_relaxed);
  if (napi_create_external_arraybuffer(env, block_->bytes, bytes, Finalize, block_, &buffer) != napi_ok) {
    // Runtimes without external buffers refuse here (the caller then copies). Whether the
    // finalizer will still run is not specified, so the reference stays taken (this one block
    // at worst) and nothing is lent again.
    refused_ = true;
    return nullptr;
  }
  *data = block_->bytes;
  return buffer;
}

void BorrowedSlab::Reclaim(napi_env env, napi_value buffer) {
  if (block_ == nullptr || buffer == nullptr) return;
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, buffer, &detached) == napi_ok && !detached &&
      napi_detach_arraybuffer(env, buffer) == napi_ok) {
    return;  // nothing in JavaScript can reach the memory any more: the next batch reuses it
  }
  Release(block_);  // the ArrayBuffer (or what it was transferred to) keeps it alive
  block_ = nullptr;
}

}  // namespace godot_enet
