// Batched sends: while a started host's batch is being handled in JavaScript, peer.send() to a
// peer of that batch writes the packet into shared memory instead of calling the addon, and the
// pump hands the whole queue to ENet once the batch callback returns: one crossing per batch
// instead of one per packet.
//
// JavaScript may queue only for peers this side vouched for: before each batch the pump writes
// into the shared peer table, for every peer of the batch that can be sent to (bound and
// CONNECTED), its handle and channel count. ENet does not run while JavaScript handles the batch,
// so those facts hold until JavaScript changes a peer or the host itself: every such call drains
// the queue first (keeping ENet's order of commands) and clears the table, so later sends take
// the direct path and its exact return codes.
#include "connection.h"

#include <cmath>

namespace godot_enet {

// Arrays shared with lib/SendBatch.ts. Returns false when they do not have the expected shape.
bool Connection::AttachSendBatch(const Napi::Value& queue, const Napi::Value& bytes, const Napi::Value& peers) {
  if (!queue.IsTypedArray() || queue.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      !bytes.IsTypedArray() || bytes.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      !peers.IsTypedArray() || peers.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    return false;
  }
  Napi::Float64Array queueView = queue.As<Napi::Float64Array>();
  Napi::Uint8Array bytesView = bytes.As<Napi::Uint8Array>();
  Napi::Float64Array peersView = peers.As<Napi::Float64Array>();
  if (queueView.ElementLength() < SEND_HEADER + SEND_FIELDS || peersView.ElementLength() < host_->peerCount * PEER_FIELDS) {
    return false;
  }
  sendQueueRef_ = Napi::Persistent(queueView);
  sendBytesRef_ = Napi::Persistent(bytesView);
  sendPeersRef_ = Napi::Persistent(peersView);
  sendQueue_ = queueView.Data();
  sendQueueCapacity_ = (queueView.ElementLength() - SEND_HEADER) / SEND_FIELDS;
  sendBytes_ = bytesView.Data();
  sendBytesCapacity_ = bytesView.ByteLength();
  sendPeers_ = peersView.Data();
  sendQueue_[SEND_COUNT] = sendQueue_[SEND_BYTES] = 0;
  for (size_t i = 0; i < host_->peerCount; ++i) sendPeers_[i * PEER_FIELDS + PEER_HANDLE] = kNoPeer;
  return true;
}

void Connection::DetachSendBatch() {
  DrainSends();
  ForgetSendablePeers();
  sendQueueRef_.Reset();
  sendBytesRef_.Reset();
  sendPeersRef_.Reset();
  sendQueue_ = nullptr;
  sendBytes_ = nullptr;
  sendPeers_ = nullptr;
}

// Vouches for the peers of a batch about to be delivered.
void Connection::VouchForPeers(const std::vector<EventRecord>& records) {
  if (sendPeers_ == nullptr) return;
  for (const EventRecord& record : records) {
    if (record.peer < 0 || (record.type != EVENT_CONNECT && record.type != EVENT_RECEIVE)) continue;
    size_t slot = static_cast<size_t>(record.peer - std::floor(record.peer / kSlotSpan) * kSlotSpan);
    double* entry = sendPeers_ + slot * PEER_FIELDS;
    if (entry[PEER_HANDLE] == record.peer) continue;
    const ENetPeer* peer = &host_->peers[slot];
    // A later event of the same batch may have ended the binding (DISCONNECT) or ENet may have
    // changed the state already (a timeout still in its dispatch queue).
    if (HandleOf(const_cast<ENetPeer*>(peer)) != record.peer || peer->state != ENET_PEER_STATE_CONNECTED) continue;
    entry[PEER_HANDLE] = record.peer;
    entry[PEER_CHANNELS] = static_cast<double>(peer->channelCount);
    vouched_.push_back(slot);
  }
}

void Connection::ForgetSendablePeers() {
  if (sendPeers_ != nullptr) {
    for (size_t slot : vouched_) sendPeers_[slot * PEER_FIELDS + PEER_HANDLE] = kNoPeer;
  }
  vouched_.clear();
}

// Hands every queued send to ENet, in order. The queue was written by JavaScript, so every
// record is checked again before use: a bad one is dropped, never read out of bounds.
void Connection::DrainSends() {
  if (sendQueue_ == nullptr || sendQueue_[SEND_COUNT] == 0) return;
  const double queued = sendQueue_[SEND_COUNT];
  sendQueue_[SEND_COUNT] = sendQueue_[SEND_BYTES] = 0;
  if (!(queued > 0)) return;
  const size_t count = queued >= static_cast<double>(sendQueueCapacity_) ? sendQueueCapacity_ : static_cast<size_t>(queued);
  size_t offset = 0;
  for (size_t i = 0; i < count; ++i) {
    const double* record = sendQueue_ + SEND_HEADER + i * SEND_FIELDS;
    double length = record[SEND_LENGTH];
    if (!(length >= 0 && length <= static_cast<double>(sendBytesCapacity_ - offset))) break;
    const uint8_t* data = sendBytes_ + offset;
    offset += static_cast<size_t>(length);
    ENetPeer* peer = host_ == nullptr ? nullptr : ResolveHandle(record[SEND_PEER]);
    const double channel = record[SEND_CHANNEL];
    const double flags = record[SEND_FLAGS];
    if (peer == nullptr || !(channel >= 0 && channel < peer->channelCount) || !(flags >= 0 && flags <= kFlagsAllowed) ||
        (static_cast<uint32_t>(flags) & ~kFlagsAllowed) != 0) {
      continue;
    }
    ENetPacket* packet = enet_packet_create(data, static_cast<size_t>(length), static_cast<uint32_t>(flags));
    if (packet != nullptr && enet_peer_send(peer, static_cast<enet_uint8>(channel), packet) < 0) {
      enet_packet_destroy(packet);
    } else if (packet != nullptr) {
      Touched(peer);
    }
  }
}

// Before JavaScript changes the host or a peer: what it queued goes first, and nothing it was
// told about the peers still holds.
void Connection::SettleSends() {
  DrainSends();
  ForgetSendablePeers();
}

}  // namespace godot_enet
