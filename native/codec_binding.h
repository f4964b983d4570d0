// The internal compressionCodec() function (codec_binding.cc).
#pragma once

#include <napi.h>

namespace godot_enet {

Napi::Function DefineCompressionCodec(Napi::Env env);

}  // namespace godot_enet
