/*
 * The AEADs of DTLS's cipher suites (ChaCha20-Poly1305, RFC 8439; AES-GCM) from the OpenSSL of
 * the process that loaded the addon.
 *
 * Node.js links OpenSSL 3 and exports its symbols to addons (Debian's node links the system's
 * libcrypto instead: the same symbols). OpenSSL seals and opens with vectorised assembly, several
 * times faster than mbedTLS (portable C for ChaCha20-Poly1305, one block at a time for AES-GCM),
 * so DTLS records use it when it is there. It is looked up at run time, never linked: where the
 * host has no OpenSSL 3 (Electron's BoringSSL, Bun, a program linking mbedTLS alone), or an
 * algorithm is missing (FIPS mode has no ChaCha20) or fails its known-answer test, or
 * GODOT_ENET_HOST_OPENSSL=0 is set, host_aead_new() returns NULL and mbedTLS's own implementation
 * is used.
 */
#ifndef GODOT_ENET_HOST_AEAD_H
#define GODOT_ENET_HOST_AEAD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct HostAead HostAead;

typedef enum
{
    HOST_AEAD_CHACHA20_POLY1305,   /* 32-byte key */
    HOST_AEAD_AES_128_GCM,         /* 16-byte key */
    HOST_AEAD_AES_256_GCM,         /* 32-byte key */
    HOST_AEAD_ALGORITHMS
} HostAeadAlgorithm;

/* "OpenSSL 3.0.17 1 Jul 2025" (the host library's own words), or NULL when `algorithm` does not
 * run there. */
const char * host_aead_description (HostAeadAlgorithm algorithm);

/* A context holding `key` (the algorithm's length); NULL when `algorithm` does not run in the
 * host's OpenSSL (or out of memory). All take a 12-byte nonce and a 16-byte tag. */
HostAead * host_aead_new (HostAeadAlgorithm algorithm, const unsigned char * key);
void host_aead_free (HostAead * aead);

/* Whether host_aead_seal (`encrypt`) or host_aead_open takes these arguments as a whole DTLS 1.2
 * record as mbedTLS hands them over, in OpenSSL's one-call TLS record mode: cheaper than other
 * calls by about 0.1 µs a record, which decides for OpenSSL at any size. */
int host_aead_takes_record (const HostAead * aead, int encrypt, const unsigned char nonce [12],
                            const unsigned char * aad, size_t aadLength,
                            const unsigned char * input, size_t length, const unsigned char * output,
                            const unsigned char * tag);

/* Encrypts `length` bytes (input == output allowed) and writes the 16-byte tag. 0 on success,
 * -1 when OpenSSL failed (nothing it wrote may be used). */
int host_aead_seal (HostAead * aead, const unsigned char nonce [12],
                    const unsigned char * aad, size_t aadLength,
                    const unsigned char * input, size_t length, unsigned char * output,
                    unsigned char tag [16]);

/* Checks `tag` and decrypts (input == output allowed). 0 when authentic; 1 when not (`output`
 * then holds nothing to use); -1 when OpenSSL failed. */
int host_aead_open (HostAead * aead, const unsigned char nonce [12],
                    const unsigned char * aad, size_t aadLength,
                    const unsigned char * input, size_t length, unsigned char * output,
                    const unsigned char tag [16]);

#ifdef __cplusplus
}
#endif

#endif
