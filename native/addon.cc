// Module entry: registers the native classes. Context-aware (Node-API), so it loads in
// worker_threads; all state lives in the objects it creates.
#include <napi.h>
#include <enet/enet.h>
#include <mbedtls/version.h>
#include <zlib/zlib.h>
#include <zstd/lib/zstd.h>

#include <string>

#include "certificate.h"
#include "codec_binding.h"
#include "connection.h"
#include "enet_memory.h"
#include "host_aead.h"

namespace {

std::string EnetVersion() {
  ENetVersion version = enet_linked_version();
  return std::to_string(ENET_VERSION_GET_MAJOR(version)) + "." + std::to_string(ENET_VERSION_GET_MINOR(version)) +
         "." + std::to_string(ENET_VERSION_GET_PATCH(version));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Once per environment (the main thread and each worker), balanced at its teardown: on Windows
  // this is Winsock's start-up, which Winsock counts (Node's libuv holds one of its own); on
  // POSIX it does nothing. The first also gives ENet its allocator (enet_memory.h).
  if (godot_enet::InitializeEnetWithMemory() != 0) {
    Napi::Error::New(env, "cannot initialize the socket library (WSAStartup)").ThrowAsJavaScriptException();
    return exports;
  }
  env.AddCleanupHook([] {
    enet_deinitialize();
    godot_enet::CloseEnetMemoryCache();  // the hosts are gone; late finalizers free to malloc
  });
  exports.Set("NativeConnection", godot_enet::Connection::Define(env));
  exports.Set("createCertificate", Napi::Function::New<godot_enet::CreateCertificate>(env, "createCertificate"));
  exports.Set("describeCertificate", Napi::Function::New<godot_enet::DescribeCertificate>(env, "describeCertificate"));
  exports.Set("compressionCodec", godot_enet::DefineCompressionCodec(env));

  Napi::Object versions = Napi::Object::New(env);
  versions.Set("enet", EnetVersion());
  versions.Set("mbedtls", MBEDTLS_VERSION_STRING);
  versions.Set("mbedtlsLinked", [] {
    char linked[18];
    mbedtls_version_get_string(linked);
    return std::string(linked);
  }());
  // Who seals and opens DTLS records of an AEAD: the host's OpenSSL, or mbedTLS's own code.
  auto implementation = [](HostAeadAlgorithm algorithm, const char* fallback) {
    const char* hostOpenssl = host_aead_description(algorithm);
    return hostOpenssl != nullptr ? std::string(hostOpenssl) + " (the host's)" : std::string(fallback);
  };
  versions.Set("chacha20Poly1305",
               implementation(HOST_AEAD_CHACHA20_POLY1305, "mbedTLS " MBEDTLS_VERSION_STRING " (portable C)"));
  versions.Set("aesGcm", implementation(HOST_AEAD_AES_128_GCM, "mbedTLS " MBEDTLS_VERSION_STRING " (its own GCM)"));
  versions.Set("zlib", zlibVersion());
  versions.Set("zstd", ZSTD_versionString());
  exports.Set("versions", versions);
  return exports;
}

}  // namespace

NODE_API_MODULE(godot_enet, Init)
