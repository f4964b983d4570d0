// ENetConnection's native half: host lifetime, service, and host-wide operations.
// Argument semantics and error messages live in lib/ENetConnection.ts; this side re-checks only
// what keeps native code safe and answers with Godot's error numbers.
#include "connection.h"

#include "packet_buffer.h"
#include "platform/platform.h"
#include "compress/compressor.h"
#include "range_coder.h"

#include <enet/time.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace godot_enet {

bool ToUint32(const Napi::Value& value, uint32_t max, uint32_t* out) {
  if (!value.IsNumber()) return false;
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0 && number <= max) || std::floor(number) != number) return false;
  *out = static_cast<uint32_t>(number);
  return true;
}

bool ToBytes(const Napi::Value& value, const uint8_t** data, size_t* length) {
  if (!value.IsTypedArray()) return false;
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  if (array.TypedArrayType() != napi_uint8_array) return false;
  Napi::Uint8Array bytes = array.As<Napi::Uint8Array>();
  *data = bytes.Data();
  *length = bytes.ByteLength();
  return true;
}

ENetPacket* NewPacket(const Napi::Value& bytes, const Napi::Value& flags, int32_t* error) {
  const uint8_t* data;
  size_t length;
  uint32_t packetFlags;
  if (!ToBytes(bytes, &data, &length) || !ToUint32(flags, UINT32_MAX, &packetFlags) ||
      (packetFlags & ~kFlagsAllowed) != 0) {
    *error = ERR_INVALID_PARAMETER;
    return nullptr;
  }
  ENetPacket* packet = enet_packet_create(data, length, packetFlags);
  *error = packet == nullptr ? ERR_OUT_OF_MEMORY : OK;
  return packet;
}

Napi::Function Connection::Define(Napi::Env env) {
  return DefineClass(env, "NativeConnection", {
    StaticValue("maxBusyPollMicros", Napi::Number::New(env, kMaxBusyPollMicros)),
    InstanceMethod<&Connection::Create>("create"),
    InstanceMethod<&Connection::Destroy>("destroy"),
    InstanceMethod<&Connection::IsActive>("isActive"),
    InstanceMethod<&Connection::Connect>("connect"),
    InstanceMethod<&Connection::Service>("service"),
    InstanceMethod<&Connection::Flush>("flush"),
    InstanceMethod<&Connection::BandwidthLimit>("bandwidthLimit"),
    InstanceMethod<&Connection::ChannelLimit>("channelLimit"),
    InstanceMethod<&Connection::Broadcast>("broadcast"),
    InstanceMethod<&Connection::Compress>("compress"),
    InstanceMethod<&Connection::RefuseNewConnections>("refuseNewConnections"),
    InstanceMethod<&Connection::PopStatistic>("popStatistic"),
    InstanceMethod<&Connection::GetMaxChannels>("getMaxChannels"),
    InstanceMethod<&Connection::GetLocalPort>("getLocalPort"),
    InstanceMethod<&Connection::SocketSend>("socketSend"),
    InstanceMethod<&Connection::SetLimits>("setLimits"),
    InstanceMethod<&Connection::DtlsSetup>("dtlsSetup"),
    InstanceMethod<&Connection::TakeDtlsFailures>("takeDtlsFailures"),
    InstanceMethod<&Connection::DtlsSessions>("dtlsSessions"),
    InstanceMethod<&Connection::PeerDtlsInfo>("peerDtlsInfo"),
    InstanceMethod<&Connection::Start>("start"),
    InstanceMethod<&Connection::Stop>("stop"),
    InstanceMethod<&Connection::SetRef>("setRef"),
    InstanceMethod<&Connection::PeerState>("peerState"),
    InstanceMethod<&Connection::PeerSend>("peerSend"),
    InstanceMethod<&Connection::PeerStatistic>("peerStatistic"),
    InstanceMethod<&Connection::PeerTimeout>("peerTimeout"),
    InstanceMethod<&Connection::PeerThrottleConfigure>("peerThrottleConfigure"),
    InstanceMethod<&Connection::PeerPing>("peerPing"),
    InstanceMethod<&Connection::PeerPingInterval>("peerPingInterval"),
    InstanceMethod<&Connection::PeerDisconnect>("peerDisconnect"),
    InstanceMethod<&Connection::PeerReset>("peerReset"),
    InstanceMethod<&Connection::PeerRemoteAddress>("peerRemoteAddress"),
    InstanceMethod<&Connection::PeerRemotePort>("peerRemotePort"),
    InstanceMethod<&Connection::PeerChannels>("peerChannels"),
  });
}

// new NativeConnection(eventView: Float64Array(EVENT_FIELDS))
Connection::Connection(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Connection>(info) {
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[0].As<Napi::Float64Array>().ElementLength() < EVENT_FIELDS) {
    Napi::TypeError::New(info.Env(), "NativeConnection needs a Float64Array event view").ThrowAsJavaScriptException();
    return;
  }
  Napi::Float64Array view = info[0].As<Napi::Float64Array>();
  eventRef_ = Napi::Persistent(view);
  event_ = view.Data();
}

Connection::~Connection() { DestroyHost(); }

void Connection::FlushHost() {
  window_.Around(host_, 0, [&] {
    enet_host_flush(host_);
    return 0;
  });
}

void Connection::DestroyHost() {
  if (host_ == nullptr) return;
  StopPump();
  for (size_t slot = 0; slot < slots_.size(); ++slot) {
    if (slots_[slot].bound) Unbind(slot);
  }
  enet_host_destroy(host_);  // resets every peer silently, as Godot's destroy() does
  host_ = nullptr;
}

// ---- slot table ------------------------------------------------------------------------------

double Connection::Bind(ENetPeer* peer) {
  size_t slot = static_cast<size_t>(peer - host_->peers);
  Slot& entry = slots_[slot];
  entry.generation++;
  entry.connectID = peer->connectID;
  entry.bound = true;
  return entry.generation * kSlotSpan + static_cast<double>(slot);
}

void Connection::Unbind(size_t slot) {
  slots_[slot].bound = false;
  slots_[slot].generation++;
}

// The handle of a bound peer, or kNoPeer. ENet has already reset a peer when it reports its
// DISCONNECT, so only the binding is checked here, not the connect ID.
double Connection::HandleOf(ENetPeer* peer) const {
  size_t slot = static_cast<size_t>(peer - host_->peers);
  const Slot& entry = slots_[slot];
  return entry.bound ? entry.generation * kSlotSpan + static_cast<double>(slot) : kNoPeer;
}

ENetPeer* Connection::Resolve(const Napi::Value& handle) {
  if (host_ == nullptr || !handle.IsNumber()) return nullptr;
  return ResolveHandle(handle.As<Napi::Number>().DoubleValue());
}

ENetPeer* Connection::ResolveHandle(double value) {
  // 2^53 bounds it: beyond, doubles are not exact integers (and infinity would make NaN below).
  if (!(value >= 0 && value < 9007199254740992.0) || std::floor(value) != value) return nullptr;
  double generation = std::floor(value / kSlotSpan);
  size_t slot = static_cast<size_t>(value - generation * kSlotSpan);
  if (slot >= host_->peerCount) return nullptr;
  Slot& entry = slots_[slot];
  if (!entry.bound || entry.generation != generation) return nullptr;
  ENetPeer* peer = &host_->peers[slot];
  // ENet can reset a peer without an event (e.g. enet_peer_disconnect before it connected);
  // a reset clears connectID, and a reused slot gets a new one.
  if (peer->state == ENET_PEER_STATE_DISCONNECTED || peer->connectID != entry.connectID) {
    Unbind(slot);
    return nullptr;
  }
  return peer;
}

// ---- host ------------------------------------------------------------------------------------

// create(bindIp: string, port, maxPeers, maxChannels, inBandwidth, outBandwidth): undefined | string
Napi::Value Connection::Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t port, maxPeers, maxChannels, inBandwidth, outBandwidth;
  if (host_ != nullptr) return Napi::String::New(env, "the host is already active");
  if (info.Length() < 6 || !info[0].IsString() || !ToUint32(info[1], 65535, &port) ||
      !ToUint32(info[2], ENET_PROTOCOL_MAXIMUM_PEER_ID, &maxPeers) || maxPeers < 1 ||
      !ToUint32(info[3], ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT, &maxChannels) ||
      !ToUint32(info[4], UINT32_MAX, &inBandwidth) || !ToUint32(info[5], UINT32_MAX, &outBandwidth)) {
    return Napi::String::New(env, "invalid host parameters");
  }
  std::string ip = info[0].As<Napi::String>().Utf8Value();

  // Created unbound, then bound by the platform layer: an ENetAddress cannot carry '*' (both
  // families) or an IPv6 address.
  host_ = enet_host_create(nullptr, maxPeers, maxChannels, inBandwidth, outBandwidth);
  window_.Reset();
  if (host_ == nullptr || platform_socket_attach(host_->socket, host_) != 0 ||
      platform_bind(host_->socket, ip.c_str(), static_cast<enet_uint16>(port)) != 0) {
    char reason[128];
    platform_describe_last_error(reason, sizeof(reason));
    if (host_ != nullptr) enet_host_destroy(host_);
    host_ = nullptr;
    return Napi::String::New(env, "cannot bind " + ip + ":" + std::to_string(port) + ": " + reason);
  }
  enet_socket_get_address(host_->socket, &host_->address);
  if (!ApplyLimits()) {
    DestroyHost();
    return Napi::String::New(env, "out of memory");
  }
  // Generations survive the host: a handle from a destroyed host must not name a peer of the
  // next host created by this object (DestroyHost unbound every slot).
  if (slots_.size() < host_->peerCount) slots_.resize(host_->peerCount);
  return env.Undefined();
}

Napi::Value Connection::Destroy(const Napi::CallbackInfo& info) {
  DestroyHost();
  return info.Env().Undefined();
}

Napi::Value Connection::IsActive(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), host_ != nullptr);
}

// connect(ip, port, channels, data): handle, -1 when the host has no free peer slot, or -2
// when the arguments or the address are unusable.
Napi::Value Connection::Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ENetAddress address;
  uint32_t port, channels, data;
  if (host_ == nullptr || info.Length() < 4 || !info[0].IsString() || !ToUint32(info[1], 65535, &port) ||
      port == 0 || !ToUint32(info[2], ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT, &channels) ||
      !ToUint32(info[3], UINT32_MAX, &data) ||
      platform_address_from_ip(host_->socket, info[0].As<Napi::String>().Utf8Value().c_str(), &address) != 0) {
    return Napi::Number::New(env, kBadAddress);
  }
  address.port = static_cast<enet_uint16>(port);
  size_t channelCount = channels == 0 ? static_cast<size_t>(ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT) : channels;
  ENetPeer* peer = enet_host_connect(host_, &address, channelCount, data);
  if (peer == nullptr) return Napi::Number::New(env, kNoPeer);
  const size_t slot = static_cast<size_t>(peer - host_->peers);
  window_.Include(host_, slot, slot + 1);
  Touched(peer);
  return Napi::Number::New(env, Bind(peer));
}

void Connection::WriteEvent(double* out, const EventRecord& record) {
  out[EVENT_TYPE] = record.type;
  out[EVENT_PEER] = record.peer;
  out[EVENT_DATA] = record.data;
  out[EVENT_CHANNEL] = record.channel;
  out[EVENT_FLAGS] = record.flags;
}

// enet_host_service (or, for Reach::kQueued, enet_host_check_events: queued events only, no
// socket work), except that while refusing, new incoming peers are disconnected at once and their
// CONNECT is not reported; the wait goes on for the rest of the timeout.
int Connection::ServiceSkippingRefused(uint32_t timeout, ENetEvent* event, Reach reach) {
  enet_uint32 deadline = enet_time_get() + timeout;
  for (;;) {
    // With a timeout ENet may make several passes, each accepting connections.
    const size_t room = timeout == 0 ? PeerWindow::kConnectsPerPass : PeerWindow::kAll;
    auto service = [&] { return enet_host_service(host_, event, timeout); };
    int result = reach == Reach::kQueued    ? enet_host_check_events(host_, event)
                 : reach == Reach::kWakeUp ? window_.AroundFromReceive(host_, room, service)
                                           : window_.Around(host_, room, service);
    if (reach != Reach::kQueued) {
      BoundRoundTripTimes();
      // ENet returns a CONNECT or DISCONNECT as soon as it happens: before its walk after the
      // read, or partway through it (a timeout). What that walk did not send, the started
      // host's closing flush must: over every peer.
      if (result > 0 && (event->type == ENET_EVENT_TYPE_CONNECT || event->type == ENET_EVENT_TYPE_DISCONNECT)) Touched();
    }
    if (result <= 0 || !refusing_ || event->type != ENET_EVENT_TYPE_CONNECT) return result;
    ENetPeer* peer = event->peer;
    if (slots_[peer - host_->peers].bound) return result;  // our own outgoing connection
    enet_peer_disconnect_now(peer, 0);
    enet_uint32 now = enet_time_get();
    timeout = ENET_TIME_LESS(now, deadline) ? ENET_TIME_DIFFERENCE(deadline, now) : 0;
  }
}

// ENet 1.3.18 takes a peer's round-trip time from each ACK's 16-bit echo of a send time, as is:
// an ACK echoing a stale time (a replayed datagram, or a hostile peer) sets it up to 65 s. A
// reliable command then waits RTT + 4 × variance, up to minutes, before it even counts as lost,
// and only after that does the peer's timeout maximum apply: a peer that vanished keeps its slot
// for minutes whatever setTimeout() said. Bounding RTT to half the timeout maximum and the
// variance to an eighth keeps every wait within it; a real round trip is never that long.
// Walks the peers, so at most every kPeerWalkEveryMs: a wait of minutes is what it prevents,
// and a command sent in between is bounded with the others at the next walk.
void Connection::BoundRoundTripTimes() {
  const enet_uint32 now = enet_time_get();
  if (ENET_TIME_DIFFERENCE(now, boundedAt_) < kPeerWalkEveryMs) return;
  boundedAt_ = now;
  for (ENetPeer* peer = host_->peers; peer < &host_->peers[window_.Used(host_)]; ++peer) {
    if (peer->state == ENET_PEER_STATE_DISCONNECTED) continue;
    const enet_uint32 roundTrip = peer->timeoutMaximum / 2, variance = peer->timeoutMaximum / 8;
    if (peer->roundTripTime <= roundTrip && peer->roundTripTimeVariance <= variance) continue;
    peer->roundTripTime = std::min(peer->roundTripTime, roundTrip);
    peer->roundTripTimeVariance = std::min(peer->roundTripTimeVariance, variance);
    // Commands already sent keep the wait they were given: bound those too.
    const enet_uint32 wait = peer->roundTripTime + 4 * peer->roundTripTimeVariance;
    for (ENetListIterator it = enet_list_begin(&peer->sentReliableCommands);
         it != enet_list_end(&peer->sentReliableCommands); it = enet_list_next(it)) {
      ENetOutgoingCommand* command = reinterpret_cast<ENetOutgoingCommand*>(it);
      command->roundTripTimeout = std::min(command->roundTripTimeout, wait);
    }
    if (!enet_list_empty(&peer->sentReliableCommands)) {
      const ENetOutgoingCommand* first =
          reinterpret_cast<const ENetOutgoingCommand*>(enet_list_front(&peer->sentReliableCommands));
      peer->nextTimeout = first->sentTime + first->roundTripTimeout;
    }
  }
}

// Runs ENet for up to `timeout` ms (or, for Reach::kQueued, takes its next queued event), and translates it into handle terms, binding
// newly connected peers and ending the binding of disconnected ones. Returns 1 for an event,
// 0 for none, -1 when the socket failed (record is EVENT_ERROR).
int Connection::NextEvent(uint32_t timeout, EventRecord* record, Reach reach) {
  *record = EventRecord{EVENT_NONE, kNoPeer, 0, 0, 0, nullptr};
  ENetEvent event;
  int result = ServiceSkippingRefused(timeout, &event, reach);
  if (result <= 0) {
    if (result < 0) record->type = EVENT_ERROR;
    return result;
  }

  ENetPeer* peer = event.peer;
  size_t slot = static_cast<size_t>(peer - host_->peers);
  switch (event.type) {
    case ENET_EVENT_TYPE_CONNECT: {
      Slot& entry = slots_[slot];
      record->type = EVENT_CONNECT;
      record->peer = entry.bound && entry.connectID == peer->connectID ? HandleOf(peer) : Bind(peer);
      record->data = event.data;
      break;
    }
    case ENET_EVENT_TYPE_DISCONNECT:
      record->peer = HandleOf(peer);
      if (record->peer == kNoPeer) {
        record->type = EVENT_ERROR;  // as Godot: a peer without wrapper is an error
      } else {
        record->type = EVENT_DISCONNECT;
        record->data = event.data;
        Unbind(slot);
      }
      break;
    case ENET_EVENT_TYPE_RECEIVE:
      record->peer = HandleOf(peer);
      if (record->peer == kNoPeer) {
        enet_packet_destroy(event.packet);
        record->type = EVENT_ERROR;
      } else {
        record->type = EVENT_RECEIVE;
        record->channel = event.channelID;
        record->flags = event.packet->flags & kFlagsAllowed;
        record->packet = event.packet;
      }
      break;
    default:
      break;
  }
  return 1;
}

// service(timeoutMs): fills the event view; returns the packet for a RECEIVE event.
Napi::Value Connection::Service(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t timeout = 0;
  EventRecord record{EVENT_ERROR, kNoPeer, 0, 0, 0, nullptr};
  if (host_ == nullptr || pump_ != nullptr || (info.Length() > 0 && !ToUint32(info[0], UINT32_MAX, &timeout))) {
    WriteEvent(event_, record);
    return env.Undefined();
  }
  NextEvent(timeout, &record);
  WriteEvent(event_, record);
  if (record.packet == nullptr) return env.Undefined();
  napi_value bytes = PacketBuffer(env, record.packet);  // frees the packet even when it fails
  return bytes == nullptr ? env.Undefined() : Napi::Value(env, bytes);
}

Napi::Value Connection::Flush(const Napi::CallbackInfo& info) {
  SettleSends();  // a flush can change peer states (a disconnect_later completes)
  if (host_ != nullptr) FlushHost();
  return info.Env().Undefined();
}

Napi::Value Connection::BandwidthLimit(const Napi::CallbackInfo& info) {
  uint32_t in, out;
  if (host_ == nullptr) return Napi::Number::New(info.Env(), ERR_UNCONFIGURED);
  if (!ToUint32(info[0], UINT32_MAX, &in) || !ToUint32(info[1], UINT32_MAX, &out)) {
    return Napi::Number::New(info.Env(), ERR_INVALID_PARAMETER);
  }
  enet_host_bandwidth_limit(host_, in, out);
  Touched();
  return Napi::Number::New(info.Env(), OK);
}

Napi::Value Connection::ChannelLimit(const Napi::CallbackInfo& info) {
  uint32_t limit;
  if (host_ == nullptr) return Napi::Number::New(info.Env(), ERR_UNCONFIGURED);
  if (!ToUint32(info[0], UINT32_MAX, &limit)) return Napi::Number::New(info.Env(), ERR_INVALID_PARAMETER);
  enet_host_channel_limit(host_, limit);  // 0 or above 255 becomes 255
  return Napi::Number::New(info.Env(), OK);
}

// broadcast(channel, bytes, flags): Godot's error number; never throws.
Napi::Value Connection::Broadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t channel;
  int32_t error;
  if (host_ == nullptr) return Napi::Number::New(env, ERR_UNCONFIGURED);
  DrainSends();
  if (!ToUint32(info[0], UINT32_MAX, &channel) || channel >= host_->channelLimit) {
    return Napi::Number::New(env, ERR_INVALID_PARAMETER);
  }
  ENetPacket* packet = NewPacket(info[1], info[2], &error);
  if (packet == nullptr) return Napi::Number::New(env, error);
  enet_host_broadcast(host_, static_cast<enet_uint8>(channel), packet);  // frees an unsent packet
  Touched();
  return Napi::Number::New(env, OK);
}

Napi::Value Connection::Compress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t mode;
  if (host_ == nullptr) return Napi::Number::New(env, ERR_UNCONFIGURED);
  if (!ToUint32(info[0], 4, &mode)) return Napi::Number::New(env, ERR_INVALID_PARAMETER);
  switch (mode) {
    case 0:
      enet_host_compress(host_, nullptr);
      return Napi::Number::New(env, OK);
    case 1:
      return Napi::Number::New(env, range_coder_install(host_) == 0 ? OK : ERR_OUT_OF_MEMORY);
    default:
      return Napi::Number::New(env, compressor_install(host_, compressor_codec(mode)) == 0 ? OK : ERR_OUT_OF_MEMORY);
  }
}

Napi::Value Connection::RefuseNewConnections(const Napi::CallbackInfo& info) {
  refusing_ = info.Length() > 0 && info[0].ToBoolean().Value();
  if (host_ != nullptr) platform_dtls_refuse_new(host_->socket, refusing_);  // no new handshakes either
  return info.Env().Undefined();
}

Napi::Value Connection::PopStatistic(const Napi::CallbackInfo& info) {
  uint32_t which, value = 0;
  if (host_ == nullptr || !ToUint32(info[0], 3, &which)) return Napi::Number::New(info.Env(), 0);
  enet_uint32* counters[] = {&host_->totalSentData, &host_->totalSentPackets, &host_->totalReceivedData,
                             &host_->totalReceivedPackets};
  value = *counters[which];
  *counters[which] = 0;
  return Napi::Number::New(info.Env(), value);
}

Napi::Value Connection::GetMaxChannels(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), host_ == nullptr ? 0 : static_cast<double>(host_->channelLimit));
}

Napi::Value Connection::GetLocalPort(const Napi::CallbackInfo& info) {
  ENetAddress address;
  if (host_ == nullptr || enet_socket_get_address(host_->socket, &address) != 0) {
    return Napi::Number::New(info.Env(), 0);
  }
  return Napi::Number::New(info.Env(), address.port);
}

// socketSend(ip, port, bytes): one raw datagram from the host's socket (NAT hole-punching).
Napi::Value Connection::SocketSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ENetAddress address;
  uint32_t port;
  const uint8_t* data;
  size_t length;
  if (host_ == nullptr) return Napi::Number::New(env, ERR_UNCONFIGURED);
  if (info.Length() < 3 || !info[0].IsString() || !ToUint32(info[1], 65535, &port) || port == 0 ||
      !ToBytes(info[2], &data, &length) ||
      platform_address_from_ip(host_->socket, info[0].As<Napi::String>().Utf8Value().c_str(), &address) != 0) {
    return Napi::Number::New(env, ERR_INVALID_PARAMETER);
  }
  address.port = static_cast<enet_uint16>(port);
  ENetBuffer buffer;
  buffer.data = const_cast<uint8_t*>(data);
  buffer.dataLength = length;
  return Napi::Number::New(env, enet_socket_send(host_->socket, &address, &buffer, 1) > 0 ? OK : FAILED);
}

}  // namespace godot_enet
