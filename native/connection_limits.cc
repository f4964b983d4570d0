// ENetConnection's protective limits: what one peer or one source address may cost the host.
#include "connection.h"

#include "platform/platform.h"

namespace godot_enet {

// setLimits(maxPacketSize, maxWaitingData, peersPerAddress, connectsPerSecond, pendingHandshakes)
// Kept across destroy() and createHost*(); a value of 0 for the last three means "no limit"
// (pendingHandshakes: DTLS's default, 16). Returns an error number.
Napi::Value Connection::SetLimits(const Napi::CallbackInfo& info) {
  DrainSends();  // queued packets were checked against the limits in force
  Limits limits;
  if (info.Length() < 5 || !ToUint32(info[0], UINT32_MAX, &limits.maxPacketSize) || limits.maxPacketSize == 0 ||
      !ToUint32(info[1], UINT32_MAX, &limits.maxWaitingData) || limits.maxWaitingData == 0 ||
      !ToUint32(info[2], ENET_PROTOCOL_MAXIMUM_PEER_ID, &limits.peersPerAddress) ||
      !ToUint32(info[3], UINT32_MAX, &limits.connectsPerSecond) ||
      !ToUint32(info[4], UINT32_MAX, &limits.pendingHandshakes)) {
    return Napi::Number::New(info.Env(), ERR_INVALID_PARAMETER);
  }
  limits_ = limits;
  return Napi::Number::New(info.Env(), ApplyLimits() ? OK : ERR_OUT_OF_MEMORY);
}

bool Connection::ApplyLimits() {
  if (host_ == nullptr) return true;
  host_->maximumPacketSize = limits_.maxPacketSize;
  host_->maximumWaitingData = limits_.maxWaitingData;
  host_->duplicatePeers = limits_.peersPerAddress == 0 ? uint32_t{ENET_PROTOCOL_MAXIMUM_PEER_ID} : limits_.peersPerAddress;
  platform_dtls_limit_handshakes(host_->socket, limits_.pendingHandshakes == 0 ? 16 : limits_.pendingHandshakes);
  return platform_limit_connect_rate(host_, limits_.connectsPerSecond) == 0;
}

}  // namespace godot_enet
