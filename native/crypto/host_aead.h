/*
 * ChaCha20-Poly1305 (RFC 8439) from the OpenSSL of the process that loaded the addon.
 *
 * Node.js links OpenSSL 3 and exports its symbols to addons (Debian's node links the system's
 * libcrypto instead: the same symbols). OpenSSL seals and opens with vectorised assembly, several
 * times faster than mbedTLS's portable C, so DTLS records use it when it is there. It is looked up
 * at run time, never linked: where the host has no OpenSSL 3 (Electron's BoringSSL, Bun, a
 * program linking mbedTLS alone), or it fails a known-answer test, or GODOT_ENET_HOST_OPENSSL=0
 * is set, host_aead_new() returns NULL and mbedTLS's own implementation is used.
 */
#ifndef GODOT_ENET_HOST_AEAD_H
#define GODOT_ENET_HOST_AEAD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct HostAead HostAead;

/* "OpenSSL 3.0.17 1 Jul 2025" (the host library's own words), or NULL when it is not used. */
const char * host_aead_description (void);

/* A context holding `key`; NULL when the host's OpenSSL is not used (or is out of memory). */
HostAead * host_aead_new (const unsigned char key [32]);
void host_aead_free (HostAead * aead);

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
