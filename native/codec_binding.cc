// compressionCodec(mode, direction, input, limit): runs one of the host compressors' codecs on
// a buffer, outside ENet. Internal (not part of the package's API): it lets the tests check
// byte formats against independent encoders and decoders and feed hand-made blocks directly.
#include "codec_binding.h"

#include "compress/compressor.h"
#include "connection.h"

#include <string>
#include <vector>

namespace godot_enet {

// Returns a Buffer with the output, or null when the codec answers 0 (does not fit, malformed).
static Napi::Value CompressionCodec(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t mode, limit;
  const uint8_t* input;
  size_t size;
  if (!ToUint32(info[0], 4, &mode) || compressor_codec(mode) == nullptr || !info[1].IsString() ||
      !ToBytes(info[2], &input, &size) || !ToUint32(info[3], 1u << 24, &limit)) {
    Napi::TypeError::New(env, "compressionCodec(mode 2..4, 'compress' | 'decompress', Uint8Array, limit)")
        .ThrowAsJavaScriptException();
    return env.Null();
  }
  const Codec* codec = compressor_codec(mode);
  std::string direction = info[1].As<Napi::String>().Utf8Value();
  if (direction != "compress" && direction != "decompress") {
    Napi::TypeError::New(env, "direction must be 'compress' or 'decompress'").ThrowAsJavaScriptException();
    return env.Null();
  }
  void* state = codec->create();
  if (state == nullptr) {
    Napi::Error::New(env, "out of memory").ThrowAsJavaScriptException();
    return env.Null();
  }
  std::vector<uint8_t> output(limit);
  size_t written = size == 0 ? 0
                   : direction == "compress" ? codec->compress(state, input, size, output.data(), limit)
                                             : codec->decompress(state, input, size, output.data(), limit);
  codec->destroy(state);
  if (written == 0) return env.Null();
  return Napi::Buffer<uint8_t>::Copy(env, output.data(), written);
}

Napi::Function DefineCompressionCodec(Napi::Env env) {
  return Napi::Function::New<CompressionCodec>(env, "compressionCodec");
}

}  // namespace godot_enet
