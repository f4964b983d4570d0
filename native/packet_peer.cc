// ENetPacketPeer's native half: every operation takes the peer's handle first and does nothing
// (answering Godot's neutral value) when the handle no longer names a live binding.
#include "connection.h"

#include "platform/platform.h"

namespace godot_enet {

namespace {

Napi::Number Number(const Napi::CallbackInfo& info, double value) { return Napi::Number::New(info.Env(), value); }

// Godot's PeerStatistic order.
double Statistic(const ENetPeer* peer, uint32_t which) {
  switch (which) {
    case 0: return peer->packetLoss;
    case 1: return peer->packetLossVariance;
    case 2: return peer->packetLossEpoch;
    case 3: return peer->roundTripTime;
    case 4: return peer->roundTripTimeVariance;
    case 5: return peer->lastRoundTripTime;
    case 6: return peer->lastRoundTripTimeVariance;
    case 7: return peer->packetThrottle;
    case 8: return peer->packetThrottleLimit;
    case 9: return peer->packetThrottleCounter;
    case 10: return peer->packetThrottleEpoch;
    case 11: return peer->packetThrottleAcceleration;
    case 12: return peer->packetThrottleDeceleration;
    case 13: return peer->packetThrottleInterval;
    default: return 0;
  }
}

}  // namespace

// peerState(handle): the ENet state, or 0 (STATE_DISCONNECTED) when the handle is dead.
Napi::Value Connection::PeerState(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  return Number(info, peer == nullptr ? ENET_PEER_STATE_DISCONNECTED : peer->state);
}

// peerSend(handle, channel, bytes, flags): Godot's ENetPacketPeer.send, returning its error.
// The hot path: validation is native so that JS passes arguments straight through.
Napi::Value Connection::PeerSend(const Napi::CallbackInfo& info) {
  DrainSends();  // packets queued earlier in this batch go first
  ENetPeer* peer = Resolve(info[0]);
  uint32_t channel;
  int32_t error;
  if (peer == nullptr) return Number(info, ERR_UNCONFIGURED);
  // Godot accepts channel == channelCount here and lets ENet refuse it (FAILED).
  if (!ToUint32(info[1], UINT32_MAX, &channel) || channel > peer->channelCount) {
    return Number(info, ERR_INVALID_PARAMETER);
  }
  ENetPacket* packet = NewPacket(info[2], info[3], &error);
  if (packet == nullptr) return Number(info, error);
  if (channel >= peer->channelCount || enet_peer_send(peer, static_cast<enet_uint8>(channel), packet) < 0) {
    enet_packet_destroy(packet);  // ENet keeps nothing it refused
    return Number(info, FAILED);
  }
  Touched(peer);
  return Number(info, OK);
}

Napi::Value Connection::PeerStatistic(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  uint32_t which;
  if (peer == nullptr || !ToUint32(info[1], 13, &which)) return Number(info, 0);
  return Number(info, Statistic(peer, which));
}

// peerTimeout(handle, limit, min, max): arguments already checked against Godot's ordering rule.
Napi::Value Connection::PeerTimeout(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  uint32_t limit, minimum, maximum;
  if (peer == nullptr) return Number(info, ERR_UNCONFIGURED);
  if (!ToUint32(info[1], UINT32_MAX, &limit) || !ToUint32(info[2], UINT32_MAX, &minimum) ||
      !ToUint32(info[3], UINT32_MAX, &maximum)) {
    return Number(info, ERR_INVALID_PARAMETER);
  }
  enet_peer_timeout(peer, limit, minimum, maximum);
  Touched(peer);
  return Number(info, OK);
}

Napi::Value Connection::PeerThrottleConfigure(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  uint32_t interval, acceleration, deceleration;
  if (peer == nullptr) return Number(info, ERR_UNCONFIGURED);
  if (!ToUint32(info[1], UINT32_MAX, &interval) || !ToUint32(info[2], UINT32_MAX, &acceleration) ||
      !ToUint32(info[3], UINT32_MAX, &deceleration)) {
    return Number(info, ERR_INVALID_PARAMETER);
  }
  enet_peer_throttle_configure(peer, interval, acceleration, deceleration);
  Touched(peer);
  return Number(info, OK);
}

Napi::Value Connection::PeerPing(const Napi::CallbackInfo& info) {
  DrainSends();
  ENetPeer* peer = Resolve(info[0]);
  if (peer == nullptr) return Number(info, ERR_UNCONFIGURED);
  enet_peer_ping(peer);
  Touched(peer);
  return Number(info, OK);
}

Napi::Value Connection::PeerPingInterval(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  uint32_t interval;
  if (peer == nullptr) return Number(info, ERR_UNCONFIGURED);
  if (!ToUint32(info[1], UINT32_MAX, &interval)) return Number(info, ERR_INVALID_PARAMETER);
  enet_peer_ping_interval(peer, interval);  // 0 restores ENet's 500 ms
  Touched(peer);
  return Number(info, OK);
}

enum DisconnectKind { DISCONNECT_GRACEFUL = 0, DISCONNECT_LATER = 1, DISCONNECT_NOW = 2 };

// peerDisconnect(handle, data, kind)
Napi::Value Connection::PeerDisconnect(const Napi::CallbackInfo& info) {
  SettleSends();  // the peer's state changes
  ENetPeer* peer = Resolve(info[0]);
  uint32_t data, kind;
  if (peer == nullptr) return Number(info, ERR_UNCONFIGURED);
  if (!ToUint32(info[1], UINT32_MAX, &data) || !ToUint32(info[2], DISCONNECT_NOW, &kind)) {
    return Number(info, ERR_INVALID_PARAMETER);
  }
  switch (kind) {
    case DISCONNECT_GRACEFUL: enet_peer_disconnect(peer, data); break;
    case DISCONNECT_LATER: enet_peer_disconnect_later(peer, data); break;
    default: enet_peer_disconnect_now(peer, data); break;
  }
  // disconnect_now resets at once; so does a graceful disconnect of a peer that never
  // connected. Either way no DISCONNECT event will come: end the binding now.
  if (peer->state == ENET_PEER_STATE_DISCONNECTED) Unbind(static_cast<size_t>(peer - host_->peers));
  Touched(peer);
  return Number(info, OK);
}

Napi::Value Connection::PeerReset(const Napi::CallbackInfo& info) {
  SettleSends();  // the peer's state changes
  ENetPeer* peer = Resolve(info[0]);
  if (peer == nullptr) return Number(info, ERR_UNCONFIGURED);
  enet_peer_reset(peer);
  Unbind(static_cast<size_t>(peer - host_->peers));
  return Number(info, OK);
}

Napi::Value Connection::PeerRemoteAddress(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  char ip[64];
  if (peer == nullptr || platform_address_to_ip(host_->socket, &peer->address, ip, sizeof(ip)) != 0) {
    return Napi::String::New(info.Env(), "");
  }
  return Napi::String::New(info.Env(), ip);
}

Napi::Value Connection::PeerRemotePort(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  return Number(info, peer == nullptr ? 0 : peer->address.port);
}

Napi::Value Connection::PeerChannels(const Napi::CallbackInfo& info) {
  ENetPeer* peer = Resolve(info[0]);
  return Number(info, peer == nullptr ? 0 : static_cast<double>(peer->channelCount));
}

}  // namespace godot_enet
