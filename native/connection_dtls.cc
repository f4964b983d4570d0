// ENetConnection's DTLS set-up and what DTLS reports back (platform/dtls.c does the work).
#include "connection.h"

#include "platform/platform.h"

#include <string>

namespace godot_enet {

namespace {

// A PEM argument: a string, or null/undefined for none.
bool OptionalText(const Napi::Value& value, std::string* text, bool* present) {
  *present = value.IsString();
  if (*present) *text = value.As<Napi::String>().Utf8Value();
  return *present || value.IsNull() || value.IsUndefined();
}

}  // namespace

// dtlsSetup(server, certificatePem, keyPem, trustedPem, hostname, verify): undefined | reason
Napi::Value Connection::DtlsSetup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string certificate, key, trusted, hostname;
  bool hasCertificate, hasKey, hasTrusted, hasHostname;
  if (host_ == nullptr) return Napi::String::New(env, "the host is not active");
  if (info.Length() < 6 || !info[0].IsBoolean() || !OptionalText(info[1], &certificate, &hasCertificate) ||
      !OptionalText(info[2], &key, &hasKey) || !OptionalText(info[3], &trusted, &hasTrusted) ||
      !OptionalText(info[4], &hostname, &hasHostname) || !info[5].IsBoolean()) {
    return Napi::String::New(env, "invalid DTLS options");
  }
  // As in Godot, a client may connect first (create_client, then dtls_client_setup): what
  // matters is that nothing went out in the clear yet.
  for (const ENetPeer* peer = host_->peers; peer < &host_->peers[host_->peerCount]; ++peer) {
    bool silent = peer->state == ENET_PEER_STATE_DISCONNECTED ||
                  (peer->state == ENET_PEER_STATE_CONNECTING && enet_list_empty(&peer->sentReliableCommands));
    if (!silent) return Napi::String::New(env, "set up DTLS before any peer connects");
  }
  PlatformDtlsOptions options = {};
  options.server = info[0].As<Napi::Boolean>().Value();
  options.own_certificate = hasCertificate ? certificate.c_str() : nullptr;
  options.private_key = hasKey ? key.c_str() : nullptr;
  options.trusted_chain = hasTrusted ? trusted.c_str() : nullptr;
  options.hostname = hasHostname ? hostname.c_str() : nullptr;
  options.verify = info[5].As<Napi::Boolean>().Value();
  char reason[256];
  if (platform_dtls_setup(host_->socket, &options, reason, sizeof(reason)) != 0) return Napi::String::New(env, reason);
  platform_dtls_refuse_new(host_->socket, refusing_);
  ApplyLimits();
  return env.Undefined();
}

// takeDtlsFailures(): [{ address, port, code, reason, peer }] of handshakes and sessions that
// failed since the last call (peer: the handle of the peer using that remote, or -1), or
// undefined when none did: service() asks after every call, so the common answer allocates nothing.
Napi::Value Connection::TakeDtlsFailures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (host_ == nullptr || !platform_dtls_failures_pending(host_->socket)) return env.Undefined();
  Napi::Array failures = Napi::Array::New(env);
  PlatformDtlsFailure failure;
  for (uint32_t i = 0; platform_dtls_take_failure(host_->socket, &failure); ++i) {
    double handle = kNoPeer;
    for (ENetPeer* peer = host_->peers; peer < &host_->peers[host_->peerCount]; ++peer) {
      if (peer->state != ENET_PEER_STATE_DISCONNECTED && peer->address.host == failure.address.host &&
          peer->address.port == failure.address.port) {
        handle = HandleOf(peer);
        break;
      }
    }
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("address", failure.ip);
    entry.Set("port", failure.port);
    entry.Set("code", failure.code);
    entry.Set("reason", failure.reason);
    entry.Set("peer", handle);
    failures.Set(i, entry);
  }
  return failures;
}

// dtlsSessions(): [sessions, handshaking] held by the DTLS layer of this host.
Napi::Value Connection::DtlsSessions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t sessions = 0, handshaking = 0;
  if (host_ != nullptr) platform_dtls_count_sessions(host_->socket, &sessions, &handshaking);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, static_cast<double>(sessions));
  result.Set(1u, static_cast<double>(handshaking));
  return result;
}

// peerDtlsInfo(handle): { cipherSuite, certificate: Buffer (DER) | null } | null
Napi::Value Connection::PeerDtlsInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ENetPeer* peer = Resolve(info[0]);
  PlatformDtlsSessionInfo session;
  if (peer == nullptr || platform_dtls_session_info(host_->socket, &peer->address, &session) != 0) return env.Null();
  Napi::Object result = Napi::Object::New(env);
  result.Set("cipherSuite", session.cipher_suite);
  if (session.peer_certificate == nullptr) {
    result.Set("certificate", env.Null());
  } else {
    result.Set("certificate", Napi::Buffer<uint8_t>::Copy(env, session.peer_certificate, session.peer_certificate_length));
  }
  return result;
}

}  // namespace godot_enet
