/*
 * mbedTLS's own GCM (library/gcm.c, unmodified), compiled a second time without MBEDTLS_GCM_ALT
 * and under the names of software_gcm.h, so that gcm_alt.c can provide mbedTLS's GCM API and
 * still fall back on mbedTLS's implementation where the host's OpenSSL does not run.
 */
#define GODOT_ENET_SOFTWARE_GCM   /* deps/mbedtls_user_config.h: no MBEDTLS_GCM_ALT here */

#define mbedtls_gcm_context software_gcm_context
#define mbedtls_gcm_init software_gcm_init
#define mbedtls_gcm_setkey software_gcm_setkey
#define mbedtls_gcm_starts software_gcm_starts
#define mbedtls_gcm_update_ad software_gcm_update_ad
#define mbedtls_gcm_update software_gcm_update
#define mbedtls_gcm_finish software_gcm_finish
#define mbedtls_gcm_crypt_and_tag software_gcm_crypt_and_tag
#define mbedtls_gcm_auth_decrypt software_gcm_auth_decrypt
#define mbedtls_gcm_free software_gcm_free
#define mbedtls_gcm_self_test software_gcm_self_test

#include "gcm.c"

#include "software_gcm.h"

struct software_gcm_context * software_gcm_new (void)
{
    struct software_gcm_context * ctx = (struct software_gcm_context *) mbedtls_calloc (1, sizeof (* ctx));
    if (ctx != NULL)
      software_gcm_init (ctx);
    return ctx;
}

void software_gcm_delete (struct software_gcm_context * ctx)
{
    if (ctx == NULL)
      return;
    software_gcm_free (ctx);   /* clears the key schedule */
    mbedtls_free (ctx);
}
