// Handing a received ENet packet to JavaScript.
#pragma once

#include <node_api.h>
#include <enet/enet.h>

#include <cstddef>

namespace godot_enet {

// Packets at least this large become the memory of their Buffer (no copy; the Buffer's finalizer
// destroys the packet). Smaller ones are copied: a finalizer per packet costs more than the copy.
constexpr size_t kZeroCopyBytes = 16 * 1024;

// A Buffer with the packet's bytes; takes ownership of `packet` either way. Null on failure.
napi_value PacketBuffer(napi_env env, ENetPacket* packet);

}  // namespace godot_enet
