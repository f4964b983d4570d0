/*
 * mbedTLS's GCM API (MBEDTLS_GCM_ALT), provided by godot-enet.
 *
 * DTLS seals and opens each AES-GCM record with mbedtls_gcm_crypt_and_tag() and
 * mbedtls_gcm_auth_decrypt(). Those go to the host process's OpenSSL where there is one
 * (host_aead.h): mbedTLS 3.6 multiplies in GF(2^128) one block at a time, ten times slower than
 * OpenSSL's interleaved AES-NI and carry-less multiplication at 1 KiB here
 * (bench/results/ciphers.md).
 * Everything else (the streaming calls, other nonce and tag lengths, keys other than AES-128 and
 * AES-256) and every record where the host has no OpenSSL is mbedTLS's own GCM (software_gcm.c).
 */
#include "mbedtls/build_info.h"

#include "mbedtls/error.h"
#include "mbedtls/gcm.h"
#include "mbedtls/platform_util.h"

#include "host_aead.h"
#include "software_gcm.h"

#include <string.h>

#define HOST_NONCE_LENGTH 12
#define HOST_TAG_LENGTH 16

static int use_host (const mbedtls_gcm_context * ctx, size_t nonceLength, size_t tagLength)
{
    return ctx -> host != NULL && nonceLength == HOST_NONCE_LENGTH && tagLength == HOST_TAG_LENGTH;
}

void mbedtls_gcm_init (mbedtls_gcm_context * ctx)
{
    memset (ctx, 0, sizeof (* ctx));
}

void mbedtls_gcm_free (mbedtls_gcm_context * ctx)
{
    if (ctx == NULL)
      return;
    host_aead_free (ctx -> host);
    software_gcm_delete (ctx -> software);
    mbedtls_gcm_init (ctx);
}

int mbedtls_gcm_setkey (mbedtls_gcm_context * ctx, mbedtls_cipher_id_t cipher, const unsigned char * key,
                        unsigned int keybits)
{
    int result;
    host_aead_free (ctx -> host);   /* the old key goes first, whatever happens to the new one */
    ctx -> host = NULL;
    if (ctx -> software == NULL && (ctx -> software = software_gcm_new ()) == NULL)
      return MBEDTLS_ERR_CIPHER_ALLOC_FAILED;
    if ((result = software_gcm_setkey (ctx -> software, cipher, key, keybits)) != 0)
      return result;
    if (cipher == MBEDTLS_CIPHER_ID_AES && (keybits == 128 || keybits == 256))
      ctx -> host = host_aead_new (keybits == 128 ? HOST_AEAD_AES_128_GCM : HOST_AEAD_AES_256_GCM, key);
    return 0;
}

int mbedtls_gcm_starts (mbedtls_gcm_context * ctx, int mode, const unsigned char * iv, size_t iv_len)
{
    return ctx -> software == NULL ? MBEDTLS_ERR_GCM_BAD_INPUT : software_gcm_starts (ctx -> software, mode, iv, iv_len);
}

int mbedtls_gcm_update_ad (mbedtls_gcm_context * ctx, const unsigned char * add, size_t add_len)
{
    return ctx -> software == NULL ? MBEDTLS_ERR_GCM_BAD_INPUT : software_gcm_update_ad (ctx -> software, add, add_len);
}

int mbedtls_gcm_update (mbedtls_gcm_context * ctx, const unsigned char * input, size_t input_length,
                        unsigned char * output, size_t output_size, size_t * output_length)
{
    return ctx -> software == NULL ? MBEDTLS_ERR_GCM_BAD_INPUT
                                   : software_gcm_update (ctx -> software, input, input_length, output, output_size,
                                                          output_length);
}

int mbedtls_gcm_finish (mbedtls_gcm_context * ctx, unsigned char * output, size_t output_size,
                        size_t * output_length, unsigned char * tag, size_t tag_len)
{
    return ctx -> software == NULL ? MBEDTLS_ERR_GCM_BAD_INPUT
                                   : software_gcm_finish (ctx -> software, output, output_size, output_length, tag,
                                                          tag_len);
}

int mbedtls_gcm_crypt_and_tag (mbedtls_gcm_context * ctx, int mode, size_t length, const unsigned char * iv,
                               size_t iv_len, const unsigned char * add, size_t add_len, const unsigned char * input,
                               unsigned char * output, size_t tag_len, unsigned char * tag)
{
    if (ctx -> software == NULL)
      return MBEDTLS_ERR_GCM_BAD_INPUT;
    /* No retry in software after OpenSSL fails: it may have overwritten an input encrypted in
     * place. Decrypting without checking the tag stays in software: OpenSSL only opens. */
    if (mode == MBEDTLS_GCM_ENCRYPT && use_host (ctx, iv_len, tag_len))
      return host_aead_seal (ctx -> host, iv, add, add_len, input, length, output, tag) == 0
               ? 0 : MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED;
    return software_gcm_crypt_and_tag (ctx -> software, mode, length, iv, iv_len, add, add_len, input, output,
                                       tag_len, tag);
}

int mbedtls_gcm_auth_decrypt (mbedtls_gcm_context * ctx, size_t length, const unsigned char * iv, size_t iv_len,
                              const unsigned char * add, size_t add_len, const unsigned char * tag, size_t tag_len,
                              const unsigned char * input, unsigned char * output)
{
    int result;
    if (ctx -> software == NULL)
      return MBEDTLS_ERR_GCM_BAD_INPUT;
    if (! use_host (ctx, iv_len, tag_len))
      return software_gcm_auth_decrypt (ctx -> software, length, iv, iv_len, add, add_len, tag, tag_len, input, output);
    result = host_aead_open (ctx -> host, iv, add, add_len, input, length, output, tag);
    if (result == 0)
      return 0;
    mbedtls_platform_zeroize (output, length);
    return result == 1 ? MBEDTLS_ERR_GCM_AUTH_FAILED : MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED;
}
