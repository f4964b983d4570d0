// Certificate creation for development and tests (as Godot's
// Crypto.generate_self_signed_certificate): Node's crypto parses and generates keys, but cannot
// issue certificates, so mbedTLS writes them. And certificate parsing as Godot's, which is
// mbedTLS's: Node's OpenSSL refuses some certificates Godot makes and takes (see
// DescribeCertificate).
#include "certificate.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <string>
#include <vector>

namespace godot_enet {

namespace {

// mbedTLS objects for one call, freed on every path.
struct Issuing {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context rng;
  mbedtls_pk_context subjectKey;
  mbedtls_pk_context issuerKey;
  mbedtls_x509write_cert certificate;
  Issuing() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&rng);
    mbedtls_pk_init(&subjectKey);
    mbedtls_pk_init(&issuerKey);
    mbedtls_x509write_crt_init(&certificate);
  }
  ~Issuing() {
    mbedtls_x509write_crt_free(&certificate);
    mbedtls_pk_free(&issuerKey);
    mbedtls_pk_free(&subjectKey);
    mbedtls_ctr_drbg_free(&rng);
    mbedtls_entropy_free(&entropy);
  }
};

std::string Reason(const char* what, int code) {
  char text[128];
  mbedtls_strerror(code, text, sizeof(text));
  return std::string(what) + ": " + text;
}

int ParseKey(Issuing& issuing, mbedtls_pk_context* key, const std::string& pem) {
  return mbedtls_pk_parse_key(key, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1, nullptr, 0,
                              mbedtls_ctr_drbg_random, &issuing.rng);
}

}  // namespace

// createCertificate(subjectKeyPem, subjectName, issuerKeyPem, issuerName, notBefore, notAfter,
// isCa, serial: Buffer): { pem } | { error }. Names are "CN=…,O=…,C=…"; times "YYYYMMDDhhmmss".
Napi::Value CreateCertificate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  if (info.Length() < 8 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString() || !info[3].IsString() ||
      !info[4].IsString() || !info[5].IsString() || !info[6].IsBoolean() || !info[7].IsBuffer()) {
    result.Set("error", "invalid certificate parameters");
    return result;
  }
  std::string subjectKey = info[0].As<Napi::String>().Utf8Value(), subjectName = info[1].As<Napi::String>().Utf8Value();
  std::string issuerKey = info[2].As<Napi::String>().Utf8Value(), issuerName = info[3].As<Napi::String>().Utf8Value();
  std::string notBefore = info[4].As<Napi::String>().Utf8Value(), notAfter = info[5].As<Napi::String>().Utf8Value();
  Napi::Buffer<unsigned char> serial = info[7].As<Napi::Buffer<unsigned char>>();

  Issuing issuing;
  mbedtls_x509write_cert* certificate = &issuing.certificate;
  static const char personalization[] = "godot-enet certificate";
  int code = mbedtls_ctr_drbg_seed(&issuing.rng, mbedtls_entropy_func, &issuing.entropy,
                                   reinterpret_cast<const unsigned char*>(personalization), sizeof(personalization) - 1);
  std::string error;
  if (code != 0) error = Reason("cannot seed the random generator", code);
  else if ((code = ParseKey(issuing, &issuing.subjectKey, subjectKey)) != 0) error = Reason("invalid key", code);
  else if ((code = ParseKey(issuing, &issuing.issuerKey, issuerKey)) != 0) error = Reason("invalid issuer key", code);
  if (error.empty()) {
    mbedtls_x509write_crt_set_version(certificate, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(certificate, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(certificate, &issuing.subjectKey);
    mbedtls_x509write_crt_set_issuer_key(certificate, &issuing.issuerKey);
    if ((code = mbedtls_x509write_crt_set_subject_name(certificate, subjectName.c_str())) != 0) {
      error = Reason("invalid subject name", code);
    } else if ((code = mbedtls_x509write_crt_set_issuer_name(certificate, issuerName.c_str())) != 0) {
      error = Reason("invalid issuer name", code);
    } else if ((code = mbedtls_x509write_crt_set_serial_raw(certificate, serial.Data(), serial.Length())) != 0) {
      error = Reason("invalid serial number", code);
    } else if ((code = mbedtls_x509write_crt_set_validity(certificate, notBefore.c_str(), notAfter.c_str())) != 0) {
      error = Reason("invalid validity (YYYYMMDDhhmmss expected)", code);
    } else if ((code = mbedtls_x509write_crt_set_basic_constraints(certificate, info[6].As<Napi::Boolean>().Value(), -1)) != 0 ||
               (code = mbedtls_x509write_crt_set_subject_key_identifier(certificate)) != 0 ||
               (code = mbedtls_x509write_crt_set_authority_key_identifier(certificate)) != 0) {
      error = Reason("cannot write the certificate extensions", code);
    }
  }
  if (error.empty()) {
    std::vector<unsigned char> pem(16384);
    code = mbedtls_x509write_crt_pem(certificate, pem.data(), pem.size(), mbedtls_ctr_drbg_random, &issuing.rng);
    if (code != 0) error = Reason("cannot write the certificate", code);
    else result.Set("pem", std::string(reinterpret_cast<const char*>(pem.data())));
  }
  if (!error.empty()) result.Set("error", error);
  return result;
}

// describeCertificate(der: Buffer): { length, subject, issuer } | { error }. Whether mbedTLS takes
// the DER certificate at the start of `der`, as Godot's X509Certificate does: Godot writes a
// random 20-byte serial number as it is, so one certificate in 512 it makes starts the number
// with a zero byte that DER forbids, which OpenSSL refuses and mbedTLS accepts. `length` is the
// certificate's own (what follows is not part of it); names are mbedTLS's "CN=…, O=…".
Napi::Value DescribeCertificate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    result.Set("error", "a certificate is a Buffer");
    return result;
  }
  Napi::Buffer<unsigned char> der = info[0].As<Napi::Buffer<unsigned char>>();
  mbedtls_x509_crt certificate;
  mbedtls_x509_crt_init(&certificate);
  int code = mbedtls_x509_crt_parse_der(&certificate, der.Data(), der.Length());
  std::vector<char> subject(4096), issuer(4096);
  if (code == 0 && (code = mbedtls_x509_dn_gets(subject.data(), subject.size(), &certificate.subject)) >= 0) {
    code = mbedtls_x509_dn_gets(issuer.data(), issuer.size(), &certificate.issuer);
  }
  if (code < 0) {
    result.Set("error", Reason("not a certificate", code));
  } else {
    result.Set("length", static_cast<double>(certificate.raw.len));
    result.Set("subject", std::string(subject.data()));
    result.Set("issuer", std::string(issuer.data()));
  }
  mbedtls_x509_crt_free(&certificate);
  return result;
}

}  // namespace godot_enet
