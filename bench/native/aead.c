/*
 * aead: what sealing and opening one DTLS record costs in the addon's own mbedTLS, per cipher
 * suite's AEAD and record size (bench/ciphers.js builds and runs it).
 *
 *   aead SIZE...   one line per AEAD and size: "<name>\t<size>\t<microseconds>", the best of 5
 *                  rounds of 100,000 seal + open pairs (mbedtls_cipher_auth_{en,de}crypt_ext,
 *                  as mbedTLS's record layer calls them for a session's records: in place, with
 *                  DTLS 1.2's 13 bytes of additional data naming the record's sequence number and
 *                  length, the nonce made of that number, AES-GCM's explicit nonce before the
 *                  data), each pair checked.
 *
 * The AEADs run in the host's OpenSSL when this program is linked with libcrypto
 * (native/crypto/host_aead.h), in mbedTLS's own code with GODOT_ENET_HOST_OPENSSL=0; each name
 * says which.
 */
#include <mbedtls/cipher.h>

#include "host_aead.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5
#define PAIRS 100000
#define MAX_RECORD 16384
#define TAG 16
#define EXPLICIT_NONCE 8

static double
seconds (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, & now);
    return now.tv_sec + now.tv_nsec * 1e-9;
}

static int
measure (mbedtls_cipher_type_t type, size_t size, double * best)
{
    static unsigned char buffer [EXPLICIT_NONCE + MAX_RECORD + TAG];
    unsigned char * const record = buffer + EXPLICIT_NONCE;
    const unsigned char key [32] = { 1 };
    /* sequence number (epoch 1), content type, version, length */
    unsigned char additional [13] = { 0, 1, 0, 0, 0, 0, 0, 0, 23, 0xfe, 0xfd,
                                      (unsigned char) (size >> 8), (unsigned char) size };
    /* ChaCha20-Poly1305: a fixed part XOR the sequence number (RFC 7905); AES-GCM: a salt, then
     * the sequence number as the explicit nonce, as mbedTLS makes them. */
    const unsigned char fixed [12] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
    const int gcm = type != MBEDTLS_CIPHER_CHACHA20_POLY1305;
    unsigned char nonce [12];
    unsigned long long sequence = 0;
    mbedtls_cipher_context_t sealer, opener;
    const mbedtls_cipher_info_t * info = mbedtls_cipher_info_from_type (type);
    size_t sealedLength, openedLength;
    int failed = 0;

    mbedtls_cipher_init (& sealer);
    mbedtls_cipher_init (& opener);
    if (info == NULL || mbedtls_cipher_setup (& sealer, info) != 0 || mbedtls_cipher_setup (& opener, info) != 0 ||
        mbedtls_cipher_setkey (& sealer, key, (int) mbedtls_cipher_info_get_key_bitlen (info), MBEDTLS_ENCRYPT) != 0 ||
        mbedtls_cipher_setkey (& opener, key, (int) mbedtls_cipher_info_get_key_bitlen (info), MBEDTLS_DECRYPT) != 0)
      failed = 1;
    * best = 1e9;
    for (int round = 0; round < ROUNDS && ! failed; ++ round)
    {
        double started = seconds ();
        for (int pair = 0; pair < PAIRS && ! failed; ++ pair)
        {
            ++ sequence;
            for (int i = 0; i < 6; ++ i)
              additional [7 - i] = (unsigned char) (sequence >> (8 * i));
            memcpy (nonce, fixed, 4);
            for (int i = 0; i < 8; ++ i)
              nonce [4 + i] = gcm ? additional [i] : fixed [4 + i] ^ additional [i];
            if (gcm)
              memcpy (buffer, additional, EXPLICIT_NONCE);   /* mbedTLS copies it there after sealing */
            failed = mbedtls_cipher_auth_encrypt_ext (& sealer, nonce, sizeof (nonce), additional, sizeof (additional),
                                                      record, size, record, MAX_RECORD + TAG, & sealedLength, TAG) != 0 ||
                     mbedtls_cipher_auth_decrypt_ext (& opener, nonce, sizeof (nonce), additional, sizeof (additional),
                                                      record, sealedLength, record, MAX_RECORD + TAG, & openedLength, TAG) != 0 ||
                     openedLength != size;
        }
        double perPair = (seconds () - started) / PAIRS * 1e6;
        if (perPair < * best)
          * best = perPair;
    }
    mbedtls_cipher_free (& sealer);
    mbedtls_cipher_free (& opener);
    return failed ? -1 : 0;
}

int
main (int argc, char ** argv)
{
    static const struct { const char * name; mbedtls_cipher_type_t type; HostAeadAlgorithm host; const char * own; } aeads [] = {
        { "ChaCha20-Poly1305", MBEDTLS_CIPHER_CHACHA20_POLY1305, HOST_AEAD_CHACHA20_POLY1305, "mbedTLS's C" },
        { "AES-128-GCM", MBEDTLS_CIPHER_AES_128_GCM, HOST_AEAD_AES_128_GCM, "mbedTLS's own" },
        { "AES-256-GCM", MBEDTLS_CIPHER_AES_256_GCM, HOST_AEAD_AES_256_GCM, "mbedTLS's own" },
    };

    for (int i = 1; i < argc; ++ i)
    {
        size_t size = strtoul (argv [i], NULL, 10);
        if (size == 0 || size > MAX_RECORD)
        {
            fprintf (stderr, "aead: record size must be 1..%d\n", MAX_RECORD);
            return 2;
        }
        for (size_t a = 0; a < sizeof (aeads) / sizeof (aeads [0]); ++ a)
        {
            double best;
            if (measure (aeads [a].type, size, & best) != 0)
            {
                fprintf (stderr, "aead: %s failed at %zu bytes\n", aeads [a].name, size);
                return 1;
            }
            const char * host = host_aead_description (aeads [a].host);
            printf ("%s, %s\t%zu\t%.3f\n", aeads [a].name, host != NULL ? host : aeads [a].own, size, best);
            fflush (stdout);
        }
    }
    return 0;
}
