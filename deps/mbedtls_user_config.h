/*
 * godot-enet's adjustments to mbedTLS 3.6's default configuration (MBEDTLS_USER_CONFIG_FILE,
 * applied after mbedtls_config.h, for the library and the addon alike).
 */

/* Only DTLS 1.2 is used (mbedTLS 3.6 has no DTLS 1.3). Without TLS 1.3 the TLS stack needs no
 * PSA crypto set-up, whose global state would be shared between worker threads. */
#undef MBEDTLS_SSL_PROTO_TLS1_3
#undef MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE

/* Every mbedTLS context the addon creates is used by one thread (the one that owns its host, or
 * the one creating a certificate). mbedTLS's own process-wide state is not reached: PSA is never
 * initialized (no TLS 1.3, no MBEDTLS_USE_PSA_CRYPTO), no certificate folder is read (readdir),
 * and gmtime_r/gmtime_s need no lock. On POSIX mbedTLS's pthread mutexes still guard all of it
 * at no cost. mbedTLS has no Windows threading of its own (MBEDTLS_THREADING_ALT would need a
 * mutex implementation registered before any use), so Windows builds go without. */
#if !defined(_WIN32)
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD
#endif

/* ChaCha20-Poly1305 and AES-GCM records go to the host process's OpenSSL when it has one,
 * several times faster than mbedTLS's own (native/crypto/chachapoly_alt.c, gcm_alt.c).
 * native/crypto/software_gcm.c compiles mbedTLS's GCM once more, without the ALT, as the
 * fallback. */
#define MBEDTLS_CHACHAPOLY_ALT
#if !defined(GODOT_ENET_SOFTWARE_GCM)
#define MBEDTLS_GCM_ALT
#endif

/* No debug callback is ever set, yet with it every record calls the debug printers. */
#undef MBEDTLS_DEBUG_C
