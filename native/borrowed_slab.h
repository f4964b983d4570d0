// Borrowed packets (start({ borrowPackets: true })): one batch's small packets are lent to
// JavaScript as views into memory the host reuses for the next batch, instead of a fresh
// ArrayBuffer per batch.
//
// The memory is lent through an external ArrayBuffer that is detached when the batch callback
// returns, so a view kept past its handler reads as empty and never sees a later batch. A block
// is reused only when this side detached its ArrayBuffer itself: if JavaScript detached it first
// (transferred it, e.g. to a worker), something may still hold the bytes, so the block is left
// to that ArrayBuffer's finalizer and the next batch gets a new one. Blocks are reference counted
// (the host plus each ArrayBuffer not yet finalized), so memory is freed only when nothing can
// reach it.
#ifndef GODOT_ENET_BORROWED_SLAB_H
#define GODOT_ENET_BORROWED_SLAB_H

#include <node_api.h>

#include <cstddef>
#include <cstdint>

namespace godot_enet {

class BorrowedSlab {
 public:
  BorrowedSlab() = default;
  ~BorrowedSlab();
  BorrowedSlab(const BorrowedSlab&) = delete;
  BorrowedSlab& operator=(const BorrowedSlab&) = delete;

  // An ArrayBuffer of `bytes` over the slab (grown if needed), whose memory is `*data`. Null on
  // failure, and from then on where the runtime refuses external ArrayBuffers. At most one is
  // lent at a time: Reclaim() it before the next Lend().
  napi_value Lend(napi_env env, size_t bytes, uint8_t** data);

  // Ends the loan of `buffer` (from Lend()): detaches it, or lets the block go with it.
  void Reclaim(napi_env env, napi_value buffer);

 private:
  struct Block;
  static void Release(Block* block);
  static void Finalize(napi_env env, void* data, void* hint);

  Block* block_ = nullptr;
  bool refused_ = false;
};

}  // namespace godot_enet

#endif
