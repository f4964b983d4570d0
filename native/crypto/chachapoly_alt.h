/*
 * The context of mbedTLS's ChaCha20-Poly1305 AEAD as godot-enet provides it (MBEDTLS_CHACHAPOLY_ALT,
 * set in deps/mbedtls_user_config.h; chachapoly_alt.c). mbedTLS includes this file from
 * <mbedtls/chachapoly.h>.
 */
#ifndef GODOT_ENET_CHACHAPOLY_ALT_H
#define GODOT_ENET_CHACHAPOLY_ALT_H

#include "mbedtls/chacha20.h"
#include "mbedtls/poly1305.h"

#include <stdint.h>

struct HostAead;

typedef struct mbedtls_chachapoly_context
{
    /* Whole records (the TLS record layer's calls): the host's OpenSSL, when it has one. */
    struct HostAead * host;
    /* Everything else, and every record when there is no host OpenSSL: RFC 8439 from mbedTLS's
     * ChaCha20 and Poly1305. */
    mbedtls_chacha20_context chacha20;
    mbedtls_poly1305_context poly1305;
    uint64_t aadLength;
    uint64_t ciphertextLength;
    int state;
    mbedtls_chachapoly_mode_t mode;
} mbedtls_chachapoly_context;

#endif
