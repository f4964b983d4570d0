#include "event_pump.h"

#include "connection.h"

namespace godot_enet {

namespace {

// hitRate_ is a moving average (weight 1/8 per arrival) in fixed point; spinning starts once
// more than half of the recent arrivals were hits (in time and from the same conversation).
constexpr uint32_t kHitScale = 1024;
constexpr uint32_t kSpinWhenAbove = kHitScale / 2;

}  // namespace

EventPump::EventPump(napi_env env, Connection* owner) : env_(env), owner_(owner) {}

EventPump::~EventPump() = default;

EventPump* EventPump::Start(napi_env env, Connection* owner, uv_os_sock_t socket, bool ref, uint32_t busyPollMicros) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return nullptr;

  EventPump* pump = new EventPump(env, owner);
  if (uv_poll_init_socket(loop, &pump->poll_, socket) != 0) {
    delete pump;
    return nullptr;
  }
  uv_timer_init(loop, &pump->timer_);
  uv_idle_init(loop, &pump->idle_);
  pump->poll_.data = pump->timer_.data = pump->idle_.data = pump;
  pump->openHandles_ = 3;
  pump->spinNs_ = static_cast<uint64_t>(busyPollMicros) * 1000;
  uv_poll_start(&pump->poll_, UV_READABLE, OnReadable);
  pump->SetRef(ref);
  // A worker that exits with the host still started closes the handles here.
  napi_add_async_cleanup_hook(env, OnEnvCleanup, pump, &pump->cleanupHook_);
  return pump;
}

void EventPump::Close() {
  if (closing_) return;
  closing_ = true;
  owner_ = nullptr;
  if (cleanupHook_ != nullptr && !envCleanup_) {
    napi_remove_async_cleanup_hook(cleanupHook_);
    cleanupHook_ = nullptr;
  }
  // Closing the poll handle removes the socket from the loop at once, so the socket may be
  // closed right after this returns.
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), OnClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), OnClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_), OnClosed);
}

void EventPump::OnClosed(uv_handle_t* handle) {
  EventPump* pump = static_cast<EventPump*>(handle->data);
  if (--pump->openHandles_ > 0) return;
  // During environment teardown, Node waits for this removal before it closes the loop.
  if (pump->cleanupHook_ != nullptr) napi_remove_async_cleanup_hook(pump->cleanupHook_);
  delete pump;
}

void EventPump::OnEnvCleanup(napi_async_cleanup_hook_handle /*hook*/, void* data) {
  EventPump* pump = static_cast<EventPump*>(data);
  pump->envCleanup_ = true;
  if (pump->owner_ != nullptr) pump->owner_->DetachPump();
  pump->Close();
}

void EventPump::ScheduleIn(uint32_t delayMs) {
  if (closing_) return;
  if (delayMs == UINT32_MAX) {
    uv_timer_stop(&timer_);
  } else {
    uv_timer_start(&timer_, OnTimer, delayMs, 0);
  }
}

void EventPump::RequestFlush() {
  if (closing_ || flushRequested_) return;
  flushRequested_ = true;
  uv_idle_start(&idle_, OnIdle);
}

void EventPump::FlushDone() {
  if (!flushRequested_) return;
  flushRequested_ = false;
  StopIdleUnlessNeeded();
}

void EventPump::StopIdleUnlessNeeded() {
  if (!flushRequested_ && !spinning_) uv_idle_stop(&idle_);
}

void EventPump::WakeEnded(bool delivered, bool sameConversation) {
  if (closing_ || !delivered || spinNs_ == 0) return;
  if (arrived_) Score(arrivedInTime_ && sameConversation);
  arrived_ = false;
  wokeAt_ = uv_hrtime();
  spinning_ = hitRate_ > kSpinWhenAbove;
  if (spinning_) {
    spinUntil_ = wokeAt_ + spinNs_;
    uv_idle_start(&idle_, OnIdle);
  } else {
    StopIdleUnlessNeeded();
  }
}

void EventPump::Score(bool hit) {
  hitRate_ = hit ? hitRate_ + ((kHitScale - hitRate_) >> 3) : hitRate_ - (hitRate_ >> 3);
}

// The first data after a wake-up that delivered events: did it come within the spin time? It is
// scored once that wake-up's events are known (WakeEnded). What arrives first may be only ENet's
// acknowledgement of a reply, with the next packet right behind it, so a spin goes on until a
// wake-up delivers events or its time is up.
void EventPump::NoteArrival() {
  if (spinNs_ == 0 || arrived_ || wokeAt_ == 0) return;
  arrived_ = true;
  arrivedInTime_ = uv_hrtime() - wokeAt_ <= spinNs_;
}

void EventPump::SetRef(bool ref) {
  uv_handle_t* handles[] = {reinterpret_cast<uv_handle_t*>(&poll_), reinterpret_cast<uv_handle_t*>(&timer_),
                            reinterpret_cast<uv_handle_t*>(&idle_)};
  for (uv_handle_t* handle : handles) {
    if (ref) uv_ref(handle); else uv_unref(handle);
  }
}

void EventPump::OnReadable(uv_poll_t* handle, int status, int /*events*/) {
  EventPump* pump = static_cast<EventPump*>(handle->data);
  pump->NoteArrival();
  if (pump->owner_ != nullptr) pump->owner_->Pump(status < 0);
}

void EventPump::OnTimer(uv_timer_t* handle) {
  EventPump* pump = static_cast<EventPump*>(handle->data);
  if (pump->owner_ != nullptr) pump->owner_->Pump(false);
}

void EventPump::OnIdle(uv_idle_t* handle) {
  EventPump* pump = static_cast<EventPump*>(handle->data);
  if (pump->flushRequested_) {
    pump->flushRequested_ = false;
    if (pump->owner_ != nullptr) pump->owner_->FlushAndSchedule();
  }
  if (pump->spinning_ && uv_hrtime() >= pump->spinUntil_) pump->spinning_ = false;
  pump->StopIdleUnlessNeeded();
}

}  // namespace godot_enet
