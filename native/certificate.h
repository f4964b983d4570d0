// Certificate creation and parsing (certificate.cc).
#ifndef GODOT_ENET_CERTIFICATE_H
#define GODOT_ENET_CERTIFICATE_H

#include <napi.h>

namespace godot_enet {

Napi::Value CreateCertificate(const Napi::CallbackInfo& info);
Napi::Value DescribeCertificate(const Napi::CallbackInfo& info);

}  // namespace godot_enet

#endif
