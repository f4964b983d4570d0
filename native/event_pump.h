// Event-driven mode: runs a host from Node's event loop instead of service() polling.
//
// Three libuv handles per started host: a poll handle on the host's socket (data arrived), a
// timer set to when ENet next needs servicing (resends, pings, timeouts, throttle), and an
// idle handle that flushes packets queued by JavaScript once per loop iteration, before the
// loop blocks again. Handles close asynchronously, so the pump frees itself after the last
// close callback; the Connection may be gone by then.
//
// Busy polling: putting the loop to sleep in epoll and waking it again costs two context switches
// and the scheduler's wake-up latency, which is most of a round trip's time on loopback and what
// bounds a stream with packets in flight. So after a wake-up that delivered events, the pump
// keeps the idle handle running (the loop then polls with a zero timeout, and every other handle
// and callback still runs) for up to `busyPollMicros`, but only while that pays: while the next
// packets mostly came within that time, from a peer of the wake-up before (a conversation: a
// reply to what was just sent). A server whose packets come further apart, or from one peer after
// another as a game server's clients do, sleeps as before.
#ifndef GODOT_ENET_EVENT_PUMP_H
#define GODOT_ENET_EVENT_PUMP_H

#include <napi.h>
#include <uv.h>

#include <cstdint>

namespace godot_enet {

class Connection;

class EventPump {
 public:
  // Starts watching the host's socket for `owner` (ENetSocket and uv_os_sock_t are both an
  // int on POSIX and a SOCKET on Windows). Returns nullptr if libuv refuses the socket.
  static EventPump* Start(napi_env env, Connection* owner, uv_os_sock_t socket, bool ref, uint32_t busyPollMicros);

  // Stops every handle and detaches from the owner; frees itself once libuv has closed them.
  void Close();

  // Arms the timer `delayMs` from now (UINT32_MAX: disarm).
  void ScheduleIn(uint32_t delayMs);

  // Asks for one flush before the loop next blocks.
  void RequestFlush();
  // The host was just flushed: a pending end-of-iteration flush has nothing left to do.
  void FlushDone();

  // A wake-up ended. `delivered`: it handed events to JavaScript (then more may follow soon);
  // `sameConversation`: its first event came from a peer of the last wake-up that delivered.
  void WakeEnded(bool delivered, bool sameConversation);

  void SetRef(bool ref);

 private:
  EventPump(napi_env env, Connection* owner);
  ~EventPump();

  static void OnReadable(uv_poll_t* handle, int status, int events);
  static void OnTimer(uv_timer_t* handle);
  static void OnIdle(uv_idle_t* handle);
  static void OnClosed(uv_handle_t* handle);
  static void OnEnvCleanup(napi_async_cleanup_hook_handle hook, void* data);

  // Busy polling's record: whether data came within the spin time of the last wake-up.
  void NoteArrival();
  void Score(bool hit);
  void StopIdleUnlessNeeded();

  napi_env env_;
  Connection* owner_;
  uv_poll_t poll_;
  uv_timer_t timer_;
  uv_idle_t idle_;
  int openHandles_ = 0;
  bool flushRequested_ = false;
  uint64_t spinNs_ = 0;
  bool spinning_ = false;
  uint64_t spinUntil_ = 0;      // uv_hrtime() at which the current spin ends
  uint64_t wokeAt_ = 0;         // when the last wake-up that delivered events ended
  bool arrived_ = false;        // data came since then
  bool arrivedInTime_ = false;  // ... within the spin time
  uint32_t hitRate_ = 0;        // share of such arrivals that a spin pays for, out of kHitScale
  bool closing_ = false;
  bool envCleanup_ = false;
  napi_async_cleanup_hook_handle cleanupHook_ = nullptr;
};

}  // namespace godot_enet

#endif
