/*
 * mbedTLS's ChaCha20-Poly1305 AEAD (RFC 8439), provided by godot-enet (MBEDTLS_CHACHAPOLY_ALT).
 *
 * DTLS seals and opens each record with mbedtls_chachapoly_encrypt_and_tag() and
 * mbedtls_chachapoly_auth_decrypt(). Those go to the host process's OpenSSL where there is one
 * (host_aead.h): mbedTLS 3.6 computes ChaCha20 and Poly1305 in portable C, one block at a time,
 * and that was half of a DTLS server's time. Everything else, and every record where the host
 * has no OpenSSL, is the RFC's construction over mbedTLS's own ChaCha20 and Poly1305.
 */
#include "mbedtls/build_info.h"

#include "mbedtls/chachapoly.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/error.h"
#include "mbedtls/platform_util.h"

#include "host_aead.h"

#include <string.h>

enum { STATE_INIT, STATE_AAD, STATE_CIPHERTEXT, STATE_FINISHED };

/* OpenSSL 3's general EVP calls cost about 0.3 µs a record; below this many bytes mbedTLS's C is
 * done sooner (sealing and opening 64 B: 0.71 µs in C, 0.85 in OpenSSL; 128 B: 1.02 and 0.88).
 * A whole DTLS record in OpenSSL's TLS mode takes OpenSSL at any size (16 B: 0.52 against 0.64
 * µs in C; 64 B: 0.58 against 0.71): ENet's acknowledgements and pings are such records
 * (bench/native/aead.c). */
#define HOST_MINIMUM_LENGTH 128

static int use_host (const mbedtls_chachapoly_context * ctx, int encrypt, size_t length, const unsigned char nonce [12],
                     const unsigned char * aad, size_t aadLength, const unsigned char * input,
                     const unsigned char * output, const unsigned char * tag)
{
    return ctx -> host != NULL &&
           (length >= HOST_MINIMUM_LENGTH ||
            host_aead_takes_record (ctx -> host, encrypt, nonce, aad, aadLength, input, length, output, tag));
}

void mbedtls_chachapoly_init (mbedtls_chachapoly_context * ctx)
{
    memset (ctx, 0, sizeof (* ctx));
    mbedtls_chacha20_init (& ctx -> chacha20);
    mbedtls_poly1305_init (& ctx -> poly1305);
    ctx -> state = STATE_INIT;
    ctx -> mode = MBEDTLS_CHACHAPOLY_ENCRYPT;
}

void mbedtls_chachapoly_free (mbedtls_chachapoly_context * ctx)
{
    if (ctx == NULL)
      return;
    host_aead_free (ctx -> host);
    mbedtls_chacha20_free (& ctx -> chacha20);
    mbedtls_poly1305_free (& ctx -> poly1305);
    mbedtls_chachapoly_init (ctx);
}

int mbedtls_chachapoly_setkey (mbedtls_chachapoly_context * ctx, const unsigned char key [32])
{
    int result = mbedtls_chacha20_setkey (& ctx -> chacha20, key);
    if (result != 0)
      return result;
    host_aead_free (ctx -> host);
    ctx -> host = host_aead_new (HOST_AEAD_CHACHA20_POLY1305, key);
    return 0;
}

/* Poly1305 takes the additional data and the ciphertext each padded to 16 bytes with zeros. */
static int pad_to_block (mbedtls_chachapoly_context * ctx, uint64_t length)
{
    static const unsigned char zeros [15] = { 0 };
    size_t partial = (size_t) (length % 16);
    return partial == 0 ? 0 : mbedtls_poly1305_update (& ctx -> poly1305, zeros, 16 - partial);
}

int mbedtls_chachapoly_starts (mbedtls_chachapoly_context * ctx, const unsigned char nonce [12],
                               mbedtls_chachapoly_mode_t mode)
{
    /* The one-time Poly1305 key is the first 32 bytes of ChaCha20's block 0; data starts at
     * block 1. */
    unsigned char block [64] = { 0 };
    int result = mbedtls_chacha20_starts (& ctx -> chacha20, nonce, 0);
    if (result == 0)
      result = mbedtls_chacha20_update (& ctx -> chacha20, sizeof (block), block, block);
    if (result == 0)
      result = mbedtls_poly1305_starts (& ctx -> poly1305, block);
    mbedtls_platform_zeroize (block, sizeof (block));
    if (result != 0)
      return result;
    ctx -> aadLength = 0;
    ctx -> ciphertextLength = 0;
    ctx -> state = STATE_AAD;
    ctx -> mode = mode;
    return 0;
}

int mbedtls_chachapoly_update_aad (mbedtls_chachapoly_context * ctx, const unsigned char * aad, size_t aad_len)
{
    if (ctx -> state != STATE_AAD)
      return MBEDTLS_ERR_CHACHAPOLY_BAD_STATE;
    ctx -> aadLength += aad_len;
    return mbedtls_poly1305_update (& ctx -> poly1305, aad, aad_len);
}

int mbedtls_chachapoly_update (mbedtls_chachapoly_context * ctx, size_t len,
                               const unsigned char * input, unsigned char * output)
{
    int result;
    if (ctx -> state == STATE_AAD)
    {
        result = pad_to_block (ctx, ctx -> aadLength);
        if (result != 0)
          return result;
        ctx -> state = STATE_CIPHERTEXT;
    }
    else if (ctx -> state != STATE_CIPHERTEXT)
      return MBEDTLS_ERR_CHACHAPOLY_BAD_STATE;

    ctx -> ciphertextLength += len;
    /* Poly1305 authenticates the ciphertext: the output when sealing, the input when opening
     * (read before ChaCha20 overwrites it, as input and output may be the same buffer). */
    if (ctx -> mode == MBEDTLS_CHACHAPOLY_DECRYPT && (result = mbedtls_poly1305_update (& ctx -> poly1305, input, len)) != 0)
      return result;
    if ((result = mbedtls_chacha20_update (& ctx -> chacha20, len, input, output)) != 0)
      return result;
    return ctx -> mode == MBEDTLS_CHACHAPOLY_ENCRYPT ? mbedtls_poly1305_update (& ctx -> poly1305, output, len) : 0;
}

int mbedtls_chachapoly_finish (mbedtls_chachapoly_context * ctx, unsigned char mac [16])
{
    unsigned char lengths [16];   /* both lengths, little-endian */
    int result = 0;
    if (ctx -> state == STATE_INIT)
      return MBEDTLS_ERR_CHACHAPOLY_BAD_STATE;
    if (ctx -> state == STATE_AAD)
      result = pad_to_block (ctx, ctx -> aadLength);
    else if (ctx -> state == STATE_CIPHERTEXT)
      result = pad_to_block (ctx, ctx -> ciphertextLength);
    if (result != 0)
      return result;
    ctx -> state = STATE_FINISHED;

    for (int i = 0; i < 8; ++ i)
    {
        lengths [i] = (unsigned char) (ctx -> aadLength >> (8 * i));
        lengths [8 + i] = (unsigned char) (ctx -> ciphertextLength >> (8 * i));
    }
    result = mbedtls_poly1305_update (& ctx -> poly1305, lengths, sizeof (lengths));
    return result != 0 ? result : mbedtls_poly1305_finish (& ctx -> poly1305, mac);
}

static int crypt_and_tag (mbedtls_chachapoly_context * ctx, mbedtls_chachapoly_mode_t mode, size_t length,
                          const unsigned char nonce [12], const unsigned char * aad, size_t aadLength,
                          const unsigned char * input, unsigned char * output, unsigned char tag [16])
{
    int result = mbedtls_chachapoly_starts (ctx, nonce, mode);
    if (result == 0)
      result = mbedtls_chachapoly_update_aad (ctx, aad, aadLength);
    if (result == 0)
      result = mbedtls_chachapoly_update (ctx, length, input, output);
    return result != 0 ? result : mbedtls_chachapoly_finish (ctx, tag);
}

int mbedtls_chachapoly_encrypt_and_tag (mbedtls_chachapoly_context * ctx, size_t length,
                                        const unsigned char nonce [12], const unsigned char * aad,
                                        size_t aad_len, const unsigned char * input,
                                        unsigned char * output, unsigned char tag [16])
{
    /* No retry in C after OpenSSL fails: it may have overwritten an input encrypted in place. */
    if (use_host (ctx, 1, length, nonce, aad, aad_len, input, output, tag))
    {
        ctx -> state = STATE_FINISHED;   /* as the streaming calls would leave it */
        return host_aead_seal (ctx -> host, nonce, aad, aad_len, input, length, output, tag) == 0
                 ? 0 : MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED;
    }
    return crypt_and_tag (ctx, MBEDTLS_CHACHAPOLY_ENCRYPT, length, nonce, aad, aad_len, input, output, tag);
}

int mbedtls_chachapoly_auth_decrypt (mbedtls_chachapoly_context * ctx, size_t length,
                                     const unsigned char nonce [12], const unsigned char * aad,
                                     size_t aad_len, const unsigned char tag [16],
                                     const unsigned char * input, unsigned char * output)
{
    unsigned char computed [16];
    int result;
    if (use_host (ctx, 0, length, nonce, aad, aad_len, input, output, tag))
    {
        ctx -> state = STATE_FINISHED;
        result = host_aead_open (ctx -> host, nonce, aad, aad_len, input, length, output, tag);
    }
    else
    {
        result = crypt_and_tag (ctx, MBEDTLS_CHACHAPOLY_DECRYPT, length, nonce, aad, aad_len, input, output, computed);
        if (result != 0)
          return result;
        result = mbedtls_ct_memcmp (tag, computed, sizeof (computed)) != 0;
        mbedtls_platform_zeroize (computed, sizeof (computed));
    }
    if (result == 0)
      return 0;
    mbedtls_platform_zeroize (output, length);
    return result == 1 ? MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED : MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED;
}
