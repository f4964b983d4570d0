#include "packet_buffer.h"

namespace godot_enet {

namespace {

void DestroyPacket(napi_env /*env*/, void* /*data*/, void* packet) {
  enet_packet_destroy(static_cast<ENetPacket*>(packet));
}

}  // namespace

napi_value PacketBuffer(napi_env env, ENetPacket* packet) {
  napi_value buffer = nullptr;
  napi_status status = napi_no_external_buffers_allowed;  // small packets take the copy below
  if (packet->dataLength >= kZeroCopyBytes) {
    status = napi_create_external_buffer(env, packet->dataLength, packet->data, DestroyPacket, packet, &buffer);
    if (status == napi_ok) return buffer;
  }
  // Refused up front (JavaScript cannot run: the environment is going away) or no external
  // buffer wanted or allowed: the packet is still ours. After any other failure Node may already
  // have handed it to DestroyPacket, and leaking beats a double free.
  if (status != napi_pending_exception && status != napi_no_external_buffers_allowed) return nullptr;
  void* copy;
  if (status != napi_no_external_buffers_allowed ||
      napi_create_buffer_copy(env, packet->dataLength, packet->data, &copy, &buffer) != napi_ok) {
    buffer = nullptr;
  }
  enet_packet_destroy(packet);
  return buffer;
}

}  // namespace godot_enet
