/*
 * mbedTLS's own GCM under other names (software_gcm.c), for gcm_alt.c to fall back on.
 */
#ifndef GODOT_ENET_SOFTWARE_GCM_H
#define GODOT_ENET_SOFTWARE_GCM_H

#include "mbedtls/cipher.h"

#include <stddef.h>

struct software_gcm_context;

/* A context as mbedtls_gcm_init() leaves it, or NULL when out of memory. */
struct software_gcm_context * software_gcm_new (void);
/* mbedtls_gcm_free(), then the memory. */
void software_gcm_delete (struct software_gcm_context * ctx);

int software_gcm_setkey (struct software_gcm_context * ctx, mbedtls_cipher_id_t cipher,
                         const unsigned char * key, unsigned int keybits);
int software_gcm_starts (struct software_gcm_context * ctx, int mode, const unsigned char * iv, size_t iv_len);
int software_gcm_update_ad (struct software_gcm_context * ctx, const unsigned char * add, size_t add_len);
int software_gcm_update (struct software_gcm_context * ctx, const unsigned char * input, size_t input_length,
                         unsigned char * output, size_t output_size, size_t * output_length);
int software_gcm_finish (struct software_gcm_context * ctx, unsigned char * output, size_t output_size,
                         size_t * output_length, unsigned char * tag, size_t tag_len);
int software_gcm_crypt_and_tag (struct software_gcm_context * ctx, int mode, size_t length,
                                const unsigned char * iv, size_t iv_len, const unsigned char * add, size_t add_len,
                                const unsigned char * input, unsigned char * output, size_t tag_len, unsigned char * tag);
int software_gcm_auth_decrypt (struct software_gcm_context * ctx, size_t length,
                               const unsigned char * iv, size_t iv_len, const unsigned char * add, size_t add_len,
                               const unsigned char * tag, size_t tag_len, const unsigned char * input, unsigned char * output);

#endif
