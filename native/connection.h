// Native side of ENetConnection: owns one ENetHost and the table that makes peer handles safe.
//
// JavaScript never holds an ENetPeer pointer. A peer is named by a handle, a number that packs
// the peer's slot in host->peers with a generation counter. Every binding of a slot to a JS
// wrapper bumps the slot's generation, and so does every end of that binding (reset,
// disconnect, timeout, host destroyed), so a stale handle can never reach a reused slot.
#ifndef GODOT_ENET_CONNECTION_H
#define GODOT_ENET_CONNECTION_H

#include <napi.h>
#include <enet/enet.h>

#include "borrowed_slab.h"
#include "peer_window.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace godot_enet {

// Godot's Error numbers used by the native side (the full enum lives in lib/errors.ts).
enum GodotError : int32_t {
  OK = 0,
  FAILED = 1,
  ERR_UNAVAILABLE = 2,
  ERR_UNCONFIGURED = 3,
  ERR_OUT_OF_MEMORY = 6,
  ERR_INVALID_PARAMETER = 31,
};

// Layout of one event in the Float64Arrays that service() and the event pump fill (shared
// with lib/native.ts). Packet offset and length are used by batches only.
enum EventField {
  EVENT_TYPE, EVENT_PEER, EVENT_DATA, EVENT_CHANNEL, EVENT_FLAGS, EVENT_FIELDS,
  EVENT_OFFSET = EVENT_FIELDS, EVENT_LENGTH, BATCH_FIELDS
};

// Layout of the send queue shared with lib/SendBatch.ts: a header, then one record per packet
// whose bytes follow the previous record's in the byte slab.
enum SendField { SEND_COUNT, SEND_BYTES, SEND_HEADER };
enum SendRecordField { SEND_PEER, SEND_CHANNEL, SEND_FLAGS, SEND_LENGTH, SEND_FIELDS };
// Layout of the shared peer table: per slot, the handle JavaScript may queue sends for (or -1)
// and that peer's channel count.
enum PeerTableField { PEER_HANDLE, PEER_CHANNELS, PEER_FIELDS };

// Godot's ENetConnection.EventType numbers, and one of our own for event-driven batches: DTLS
// failures are waiting (takeDtlsFailures).
enum EventType {
  EVENT_DTLS_FAILURES = -2, EVENT_ERROR = -1, EVENT_NONE = 0, EVENT_CONNECT = 1, EVENT_DISCONNECT = 2, EVENT_RECEIVE = 3
};

constexpr uint32_t kFlagsAllowed = ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED |
                                   ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT;
constexpr double kSlotSpan = 4096;  // ENET_PROTOCOL_MAXIMUM_PEER_ID + 1
constexpr uint32_t kNoDelay = UINT32_MAX;  // NextServiceDelay: nothing is due
// How often a busy host's own walks over its peers (BoundRoundTripTimes, NextServiceDelay) run.
constexpr uint32_t kPeerWalkEveryMs = 10;
constexpr double kNoPeer = -1;
// What connect() returns for an unusable address (see Connection::Connect).
constexpr double kBadAddress = -2;

class EventPump;

class Connection : public Napi::ObjectWrap<Connection> {
 public:
  // The longest busy poll start() takes (StartOptions.busyPollMicros): longer spins cost more
  // CPU than the context switches they save. The class's maxBusyPollMicros, for the JS layer.
  static constexpr uint32_t kMaxBusyPollMicros = 1000;

  static Napi::Function Define(Napi::Env env);
  explicit Connection(const Napi::CallbackInfo& info);
  ~Connection() override;

  // Called by the event pump (event_pump.cc, connection_events.cc).
  void Pump(bool socketFailed);
  void FlushAndSchedule();
  void DetachPump();

 private:
  // One translated ENet event; a RECEIVE record owns its packet until delivered.
  struct EventRecord {
    EventType type;
    double peer;
    uint32_t data;
    uint32_t channel;
    uint32_t flags;
    ENetPacket* packet;
  };

  // Defaults: Godot's packet limit (ENet's own is 32 MiB), ENet's waiting-data limit, no
  // per-address limits, Godot's 16 handshakes in flight.
  struct Limits {
    uint32_t maxPacketSize = 16 * 1024 * 1024;
    uint32_t maxWaitingData = 32 * 1024 * 1024;
    uint32_t peersPerAddress = 0;
    uint32_t connectsPerSecond = 0;
    uint32_t pendingHandshakes = 0;
  };

  struct Slot {
    uint32_t generation = 0;
    uint32_t connectID = 0;
    bool bound = false;
  };

  // connection.cc: the host.
  Napi::Value Create(const Napi::CallbackInfo& info);
  Napi::Value Destroy(const Napi::CallbackInfo& info);
  Napi::Value IsActive(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Service(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value BandwidthLimit(const Napi::CallbackInfo& info);
  Napi::Value ChannelLimit(const Napi::CallbackInfo& info);
  Napi::Value Broadcast(const Napi::CallbackInfo& info);
  Napi::Value Compress(const Napi::CallbackInfo& info);
  Napi::Value RefuseNewConnections(const Napi::CallbackInfo& info);
  Napi::Value PopStatistic(const Napi::CallbackInfo& info);
  Napi::Value GetMaxChannels(const Napi::CallbackInfo& info);
  Napi::Value GetLocalPort(const Napi::CallbackInfo& info);
  Napi::Value SocketSend(const Napi::CallbackInfo& info);

  // connection_limits.cc: protective limits.
  Napi::Value SetLimits(const Napi::CallbackInfo& info);
  bool ApplyLimits();

  // connection_dtls.cc: DTLS.
  Napi::Value DtlsSetup(const Napi::CallbackInfo& info);
  Napi::Value TakeDtlsFailures(const Napi::CallbackInfo& info);
  Napi::Value DtlsSessions(const Napi::CallbackInfo& info);
  Napi::Value PeerDtlsInfo(const Napi::CallbackInfo& info);

  // connection_events.cc: event-driven mode.
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value SetRef(const Napi::CallbackInfo& info);
  void StopPump();
  static void ReleasePackets(std::vector<EventRecord>& records);
  // False when JavaScript can no longer run (the environment is shutting down).
  bool Deliver(napi_env env, std::vector<EventRecord>& records);
  bool FillAndCall(napi_env env, std::vector<EventRecord>& records, uint8_t* smallData, napi_value smallPackets,
                   size_t largeCount, napi_value largePackets);
  uint32_t NextServiceDelay();
  bool ContinuesConversation(const std::vector<EventRecord>& records);
  void Touched();
  void Touched(const ENetPeer* peer);
  void FlushTouched();

  // connection_sends.cc: sends queued by JavaScript during a batch.
  bool AttachSendBatch(const Napi::Value& queue, const Napi::Value& bytes, const Napi::Value& peers);
  void DetachSendBatch();
  void VouchForPeers(const std::vector<EventRecord>& records);
  void ForgetSendablePeers();
  void DrainSends();
  void SettleSends();

  // packet_peer.cc: operations on one peer, addressed by handle.
  Napi::Value PeerState(const Napi::CallbackInfo& info);
  Napi::Value PeerSend(const Napi::CallbackInfo& info);
  Napi::Value PeerStatistic(const Napi::CallbackInfo& info);
  Napi::Value PeerTimeout(const Napi::CallbackInfo& info);
  Napi::Value PeerThrottleConfigure(const Napi::CallbackInfo& info);
  Napi::Value PeerPing(const Napi::CallbackInfo& info);
  Napi::Value PeerPingInterval(const Napi::CallbackInfo& info);
  Napi::Value PeerDisconnect(const Napi::CallbackInfo& info);
  Napi::Value PeerReset(const Napi::CallbackInfo& info);
  Napi::Value PeerRemoteAddress(const Napi::CallbackInfo& info);
  Napi::Value PeerRemotePort(const Napi::CallbackInfo& info);
  Napi::Value PeerChannels(const Napi::CallbackInfo& info);

  // Slot table.
  double Bind(ENetPeer* peer);
  void Unbind(size_t slot);
  double HandleOf(ENetPeer* peer) const;
  ENetPeer* Resolve(const Napi::Value& handle);
  ENetPeer* ResolveHandle(double handle);
  void DestroyHost();
  void FlushHost();

  // How far NextEvent goes into ENet: only its queued events, a service call (Godot's service()),
  // or the service call of an event pump's wake-up, which ends with a flush.
  enum class Reach { kQueued, kService, kWakeUp };
  int ServiceSkippingRefused(uint32_t timeout, ENetEvent* event, Reach reach);
  void BoundRoundTripTimes();
  int NextEvent(uint32_t timeout, EventRecord* record, Reach reach = Reach::kService);
  static void WriteEvent(double* out, const EventRecord& record);

  ENetHost* host_ = nullptr;
  PeerWindow window_;  // the peer slots ENet's walks need to see
  std::vector<Slot> slots_;
  bool refusing_ = false;
  Limits limits_;
  Napi::Reference<Napi::Float64Array> eventRef_;
  double* event_ = nullptr;

  // Event-driven mode.
  EventPump* pump_ = nullptr;
  bool ref_ = true;
  Napi::FunctionReference onEvents_;
  Napi::Reference<Napi::Float64Array> batchRef_;
  double* batch_ = nullptr;
  size_t batchCapacity_ = 0;
  Napi::ObjectReference self_;  // a started host stays alive, like a listening socket
  std::unique_ptr<Napi::AsyncContext> asyncContext_;
  std::vector<EventRecord> records_;
  bool borrowPackets_ = false;
  BorrowedSlab borrowed_;  // outlives every start(): a handler may stop the host mid-batch
  std::array<double, 4> conversation_{};  // the peers of the last batch that started a wake-up
  size_t conversationSize_ = 0;
  enet_uint32 delayScannedAt_ = 0;  // when NextServiceDelay last walked the peers
  enet_uint32 boundedAt_ = 0;       // when BoundRoundTripTimes last walked them
  uint32_t scannedDelay_ = kNoDelay;
  // What JavaScript gave ENet to send since the last flush of a started host: the slots of the
  // peers it sent to or changed, or the host as a whole (FlushTouched).
  std::vector<size_t> touched_;
  bool touchedHost_ = false;

  // Batched sends (connection_sends.cc).
  Napi::Reference<Napi::Float64Array> sendQueueRef_;
  Napi::Reference<Napi::Uint8Array> sendBytesRef_;
  Napi::Reference<Napi::Float64Array> sendPeersRef_;
  double* sendQueue_ = nullptr;
  size_t sendQueueCapacity_ = 0;
  uint8_t* sendBytes_ = nullptr;
  size_t sendBytesCapacity_ = 0;
  double* sendPeers_ = nullptr;
  std::vector<size_t> vouched_;  // slots written into the peer table for the current batch
};

// Argument helpers shared by connection.cc and packet_peer.cc. They never throw: a value of the
// wrong type or out of range reports false, so callers can answer with Godot's error number.
bool ToUint32(const Napi::Value& value, uint32_t max, uint32_t* out);
bool ToBytes(const Napi::Value& value, const uint8_t** data, size_t* length);
ENetPacket* NewPacket(const Napi::Value& bytes, const Napi::Value& flags, int32_t* error);

}  // namespace godot_enet

#endif
