// ENetConnection's event-driven mode: the host runs from Node's event loop (event_pump.h) and
// every wake-up drains all pending ENet events into batches, one JavaScript call per batch.
#include "connection.h"

#include "event_pump.h"
#include "packet_buffer.h"
#include "platform/platform.h"

#include <enet/time.h>

#include <algorithm>
#include <cstring>

namespace godot_enet {

namespace {

// A flood must not starve the loop: after this many full batches the wake-up ends, and the
// still-readable socket wakes the loop again at once.
constexpr int kMaxBatchesPerWake = 16;

}  // namespace

// start(onEvents(count, smallPackets?, largePackets?), batchView: Float64Array, sendQueue:
// Float64Array, sendBytes: Uint8Array, sendPeers: Float64Array, busyPollMicros, borrowPackets):
// error number.
Napi::Value Connection::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (host_ == nullptr) return Napi::Number::New(env, ERR_UNCONFIGURED);
  if (pump_ != nullptr) return Napi::Number::New(env, OK);
  if (info.Length() < 7 || !info[0].IsFunction() || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[1].As<Napi::Float64Array>().ElementLength() < BATCH_FIELDS || !info[5].IsNumber() || !info[6].IsBoolean()) {
    return Napi::Number::New(env, ERR_INVALID_PARAMETER);
  }
  double busyPollMicros = info[5].As<Napi::Number>().DoubleValue();
  if (!(busyPollMicros >= 0 && busyPollMicros <= kMaxBusyPollMicros)) return Napi::Number::New(env, ERR_INVALID_PARAMETER);
  if (!AttachSendBatch(info[2], info[3], info[4])) return Napi::Number::New(env, ERR_INVALID_PARAMETER);
  pump_ = EventPump::Start(env, this, host_->socket, ref_, static_cast<uint32_t>(busyPollMicros));
  if (pump_ == nullptr) {
    DetachSendBatch();
    return Napi::Number::New(env, FAILED);
  }

  borrowPackets_ = info[6].As<Napi::Boolean>().Value();
  Napi::Float64Array view = info[1].As<Napi::Float64Array>();
  onEvents_ = Napi::Persistent(info[0].As<Napi::Function>());
  batchRef_ = Napi::Persistent(view);
  batch_ = view.Data();
  batchCapacity_ = view.ElementLength() / BATCH_FIELDS;
  self_ = Napi::Persistent(Value());
  if (!asyncContext_) asyncContext_ = std::make_unique<Napi::AsyncContext>(env, "ENetConnection", Value());
  pump_->ScheduleIn(0);  // events ENet queued before start() are delivered at once
  return Napi::Number::New(env, OK);
}

Napi::Value Connection::Stop(const Napi::CallbackInfo& info) {
  StopPump();
  return info.Env().Undefined();
}

// setRef(ref): whether a started host keeps the event loop alive.
Napi::Value Connection::SetRef(const Napi::CallbackInfo& info) {
  ref_ = info.Length() > 0 && info[0].ToBoolean().Value();
  if (pump_ != nullptr) pump_->SetRef(ref_);
  return info.Env().Undefined();
}

void Connection::StopPump() {
  if (pump_ == nullptr) return;
  DetachSendBatch();
  if (host_ != nullptr) FlushHost();  // what JavaScript queued still goes out
  pump_->Close();
  DetachPump();
}

void Connection::DetachPump() {
  DetachSendBatch();
  pump_ = nullptr;
  touched_.clear();
  touchedHost_ = false;
  onEvents_.Reset();
  batchRef_.Reset();
  batch_ = nullptr;
  self_.Reset();
}

// A call that changed the host as a whole (a broadcast, a bandwidth limit): the next flush walks
// every peer.
void Connection::Touched() {
  if (pump_ == nullptr) return;
  touchedHost_ = true;
  pump_->RequestFlush();
}

// A call that gave ENet something to send to one peer.
void Connection::Touched(const ENetPeer* peer) {
  if (pump_ == nullptr) return;
  const size_t slot = static_cast<size_t>(peer - host_->peers);
  if (touched_.empty() || touched_.back() != slot) touched_.push_back(slot);  // a stream to one peer
  pump_->RequestFlush();
}

void Connection::FlushAndSchedule() {
  if (host_ == nullptr || pump_ == nullptr) return;
  FlushTouched();  // once per wake-up, not once more per loop iteration
  pump_->FlushDone();
  pump_->ScheduleIn(NextServiceDelay());
}

// The flush that ends a wake-up, or a loop iteration in which JavaScript sent. A wake-up's
// service call walked every peer after reading and sent all that was due, so what is left is
// what JavaScript gave ENet since: ENet's walk sees only the peers it touched, in runs of nearby
// slots, unless it touched the host as a whole or so many peers that one walk over all costs less.
void Connection::FlushTouched() {
  constexpr size_t kRunGap = 8;         // slots between two touched ones that one run still walks
  constexpr size_t kWalkAllShare = 8;   // one touched peer in this many slots: walk them all
  if (!touchedHost_) {
    std::sort(touched_.begin(), touched_.end());
    touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  }
  if (touchedHost_ || touched_.size() * kWalkAllShare >= window_.Used(host_)) {
    FlushHost();
  } else if (!touched_.empty()) {
    auto flush = [&] { enet_host_flush(host_); };
    size_t from = touched_.front(), to = from + 1;
    for (size_t slot : touched_) {
      if (slot > to + kRunGap) {
        window_.Only(host_, from, to, flush);
        from = slot;
      }
      to = std::max(to, slot + 1);
    }
    window_.Only(host_, from, to, flush);
  }
  touched_.clear();
  touchedHost_ = false;
}

// Milliseconds until ENet has time-driven work: a reliable command's resend deadline (which
// also drives connects and timeouts), a connected peer's ping, the bandwidth throttle.
// kNoDelay when nothing is due: an idle host with no peers costs no CPU.
//
// Finding it walks every peer slot, so a busy host (wake-ups less than a millisecond apart) walks
// them at most every kPeerWalkEveryMs. In between it is woken again within 1 ms: every wake-up
// services ENet, which does whatever time-driven work is due (that is the walk ENet makes
// anyway), so nothing waits longer than with a walk per wake-up. When traffic stops, at most
// kPeerWalkEveryMs such wake-ups pass before a walk finds the real delay.
uint32_t Connection::NextServiceDelay() {
  if (!enet_list_empty(&host_->dispatchQueue)) return 0;
  const enet_uint32 now = enet_time_get();
  if (ENET_TIME_DIFFERENCE(now, delayScannedAt_) < kPeerWalkEveryMs && scannedDelay_ != kNoDelay) {
    return std::min<uint32_t>(scannedDelay_, 1);
  }
  uint32_t delay = kNoDelay;
  bool connected = false;
  auto due = [&](enet_uint32 deadline) {
    delay = std::min<uint32_t>(delay, ENET_TIME_LESS(now, deadline) ? ENET_TIME_DIFFERENCE(deadline, now) : 0);
  };
  for (const ENetPeer* peer = host_->peers; peer < &host_->peers[window_.Used(host_)]; ++peer) {
    if (peer->state == ENET_PEER_STATE_DISCONNECTED || peer->state == ENET_PEER_STATE_ZOMBIE) continue;
    if (!enet_list_empty(&peer->sentReliableCommands)) {
      due(peer->nextTimeout);
    } else if (!enet_list_empty(&peer->outgoingCommands) || !enet_list_empty(&peer->outgoingSendReliableCommands)) {
      // Waiting on the next send pass: a state change (e.g. disconnect later), or whatever a
      // flush of the touched peers (FlushTouched) did not reach.
      due(now + 1);
    } else if (peer->state == ENET_PEER_STATE_CONNECTED) {
      // As ENet's own test, so that a huge interval cannot wrap around into the past.
      enet_uint32 idle = ENET_TIME_DIFFERENCE(now, peer->lastReceiveTime);
      delay = std::min<uint32_t>(delay, idle >= peer->pingInterval ? 0 : peer->pingInterval - idle);
    }
    connected = connected || peer->state == ENET_PEER_STATE_CONNECTED;
  }
  if (connected) due(host_->bandwidthThrottleEpoch + ENET_HOST_BANDWIDTH_THROTTLE_INTERVAL);
  delay = std::min<uint32_t>(delay, platform_dtls_next_timeout(host_->socket));  // handshakes, reaping
  delayScannedAt_ = now;
  scannedDelay_ = delay == kNoDelay ? delay : std::max<uint32_t>(delay, 1);
  return scannedDelay_;
}

// Whether the first event of a wake-up's batch comes from a peer of the previous batch that
// started a wake-up (busy polling pays for a conversation, not for one peer after another), and
// remembers this batch's peers; a batch from more peers than conversation_ holds is no
// conversation.
bool Connection::ContinuesConversation(const std::vector<EventRecord>& records) {
  auto known = [this](double peer) {
    return std::find(conversation_.begin(), conversation_.begin() + conversationSize_, peer) !=
           conversation_.begin() + conversationSize_;
  };
  auto first = std::find_if(records.begin(), records.end(), [](const EventRecord& record) { return record.peer >= 0; });
  bool continues = first != records.end() && known(first->peer);
  conversationSize_ = 0;
  for (const EventRecord& record : records) {
    if (record.peer < 0 || known(record.peer)) continue;
    if (conversationSize_ == conversation_.size()) {
      conversationSize_ = 0;
      break;
    }
    conversation_[conversationSize_++] = record.peer;
  }
  return continues;
}

void Connection::ReleasePackets(std::vector<EventRecord>& records) {
  for (EventRecord& record : records) {
    if (record.packet != nullptr) enet_packet_destroy(record.packet);
    record.packet = nullptr;
  }
}

// Drains every pending event into batches of at most batchCapacity_ and hands each batch to
// JavaScript. A socket failure is reported as an EVENT_ERROR and stops the pump.
//
// This runs from libuv callbacks, where nothing can catch a C++ exception, and it also runs while
// a worker thread is being terminated, when every call into JavaScript fails. So it uses plain
// Node-API calls and checks their status: when JavaScript can no longer run, the pump stops and
// the undelivered packets are freed.
void Connection::Pump(bool socketFailed) {
  if (host_ == nullptr || pump_ == nullptr) return;
  napi_env env = Env();
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    StopPump();
    return;
  }
  bool delivered = true;
  bool anyEvents = false;
  bool sameConversation = false;
  EventPump* wokenPump = pump_;
  for (int batch = 0; batch < kMaxBatchesPerWake; ++batch) {
    records_.clear();
    bool failed = socketFailed;
    // One pass of socket I/O per batch, then only what it queued: every enet_host_service call
    // walks all peers, which is what a server with thousands of them pays for per wake-up.
    Reach reach = Reach::kWakeUp;
    while (!failed && records_.size() < batchCapacity_) {
      EventRecord record;
      int result = NextEvent(0, &record, reach);
      if (result == 0) break;
      failed = result < 0;
      // A stray event for a peer without handle is service()'s EVENT_ERROR (as in Godot); it is
      // no socket failure, so the event-driven host skips it.
      if (record.type == EVENT_ERROR && !failed) continue;
      reach = Reach::kQueued;
      records_.push_back(record);
    }
    if (batch == 0 && platform_dtls_failures_pending(host_->socket)) {
      records_.push_back(EventRecord{EVENT_DTLS_FAILURES, kNoPeer, 0, 0, 0, nullptr});
    }
    if (socketFailed) records_.push_back(EventRecord{EVENT_ERROR, kNoPeer, 0, 0, 0, nullptr});
    if (records_.empty()) break;
    if (!anyEvents) sameConversation = ContinuesConversation(records_);
    anyEvents = true;
    bool full = records_.size() >= batchCapacity_;
    EventPump* pump = pump_;
    VouchForPeers(records_);
    delivered = Deliver(env, records_);
    SettleSends();
    ReleasePackets(records_);
    // A handler may have stopped or destroyed the host, or stopped and started it again: then
    // this wake-up belongs to a pump that is gone, and the new one runs on its own.
    if (!delivered || host_ == nullptr || pump_ != pump) break;
    if (failed) {
      StopPump();
      break;
    }
    if (!full) break;
  }
  if (!delivered) StopPump();
  // Replies queued by the handlers leave in as few datagrams as possible.
  if (delivered && pump_ != nullptr) FlushAndSchedule();
  if (pump_ != nullptr && pump_ == wokenPump) pump_->WakeEnded(anyEvents, sameConversation);
  napi_close_handle_scope(env, scope);
}

// Writes the batch into the shared view and calls JavaScript once:
// onEvents(count, smallPackets: ArrayBuffer | undefined, largePackets: Buffer[] | undefined).
// A RECEIVE record's offset is its packet's place in smallPackets, or -1 for the next entry of
// largePackets. Packets handed over are taken out of `records`.
bool Connection::Deliver(napi_env env, std::vector<EventRecord>& records) {
  size_t smallBytes = 0;
  size_t smallCount = 0;
  size_t largeCount = 0;
  for (const EventRecord& record : records) {
    if (record.packet == nullptr) continue;
    if (record.packet->dataLength < kZeroCopyBytes) {
      smallBytes += record.packet->dataLength;
      smallCount++;
    } else {
      largeCount++;
    }
  }
  napi_value undefined, smallPackets, largePackets;
  if (napi_get_undefined(env, &undefined) != napi_ok) return false;
  smallPackets = largePackets = undefined;
  uint8_t* smallData = nullptr;
  // Created even for zero-length packets only: JavaScript slices every small packet out of it.
  napi_value lent = smallCount > 0 && borrowPackets_ ? borrowed_.Lend(env, smallBytes, &smallData) : nullptr;
  if (lent != nullptr) {
    smallPackets = lent;
  } else if (smallCount > 0 && napi_create_arraybuffer(env, smallBytes, reinterpret_cast<void**>(&smallData), &smallPackets) != napi_ok) {
    return false;
  }
  bool delivered = FillAndCall(env, records, smallData, smallPackets, largeCount, largePackets);
  if (lent != nullptr) borrowed_.Reclaim(env, lent);  // views kept past the handlers now read as empty
  return delivered;
}

// Deliver's second half: writes the records and packets, then calls JavaScript.
bool Connection::FillAndCall(napi_env env, std::vector<EventRecord>& records, uint8_t* smallData,
                             napi_value smallPackets, size_t largeCount, napi_value largePackets) {
  if (largeCount > 0 && napi_create_array_with_length(env, largeCount, &largePackets) != napi_ok) return false;

  size_t offset = 0;
  uint32_t largeIndex = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    EventRecord& record = records[i];
    double* out = batch_ + i * BATCH_FIELDS;
    WriteEvent(out, record);
    out[EVENT_OFFSET] = 0;
    out[EVENT_LENGTH] = 0;
    if (record.packet == nullptr) continue;
    ENetPacket* packet = record.packet;
    record.packet = nullptr;
    size_t length = packet->dataLength;
    out[EVENT_LENGTH] = static_cast<double>(length);
    if (length < kZeroCopyBytes) {
      if (length > 0) std::memcpy(smallData + offset, packet->data, length);
      out[EVENT_OFFSET] = static_cast<double>(offset);
      offset += length;
      enet_packet_destroy(packet);
    } else {
      out[EVENT_OFFSET] = -1;
      napi_value buffer = PacketBuffer(env, packet);  // owns the packet from here on
      if (buffer == nullptr || napi_set_element(env, largePackets, largeIndex++, buffer) != napi_ok) return false;
    }
  }

  napi_value count, callback, receiver, result;
  if (napi_create_double(env, static_cast<double>(records.size()), &count) != napi_ok ||
      napi_get_reference_value(env, onEvents_, &callback) != napi_ok ||
      napi_get_reference_value(env, self_, &receiver) != napi_ok || callback == nullptr) {
    return false;
  }
  napi_value args[] = {count, smallPackets, largePackets};
  napi_status status = napi_make_callback(env, *asyncContext_, receiver, callback, 3, args, &result);
  if (status == napi_ok) return true;
  // A listener threw past the JavaScript layer's own catch (which reports handler errors itself):
  // report it as Node reports errors thrown by I/O callbacks. No exception pending means the
  // environment is shutting down.
  napi_value error;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return false;
  if (napi_get_and_clear_last_exception(env, &error) != napi_ok) return false;
  napi_fatal_exception(env, error);
  return true;
}

}  // namespace godot_enet
