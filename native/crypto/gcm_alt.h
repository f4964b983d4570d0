/*
 * The context of mbedTLS's GCM as godot-enet provides it (MBEDTLS_GCM_ALT, set in
 * deps/mbedtls_user_config.h; gcm_alt.c). mbedTLS includes this file from <mbedtls/gcm.h>.
 */
#ifndef GODOT_ENET_GCM_ALT_H
#define GODOT_ENET_GCM_ALT_H

struct HostAead;
struct software_gcm_context;

typedef struct mbedtls_gcm_context
{
    /* Whole AES-GCM records (the TLS record layer's calls): the host's OpenSSL, when it has one. */
    struct HostAead * host;
    /* Everything else, and every record when there is no host OpenSSL: mbedTLS's own GCM
     * (software_gcm.c), allocated by the first setkey. */
    struct software_gcm_context * software;
} mbedtls_gcm_context;

#endif
