/*
 * godot-enet's adjustments to mbedTLS 3.6's default configuration (MBEDTLS_USER_CONFIG_FILE,
 * applied after mbedtls_config.h, for the library and the addon alike).
 */

/* Only DTLS 1.2 is used (mbedTLS 3.6 has no DTLS 1.3). Without TLS 1.3 the TLS stack needs no
 * PSA crypto set-up, whose global state would be shared between worker threads. */
#undef MBEDTLS_SSL_PROTO_TLS1_3
#undef MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE

/* Worker threads each own their hosts, but the PSA/RNG internals mbedTLS shares are guarded. */
#if !defined(_WIN32)
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD
#endif
