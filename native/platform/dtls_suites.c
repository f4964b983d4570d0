/*
 * The cipher suites of a DTLS host (dtls_suites.h).
 *
 * A server takes the first suite of the client's list that it has: the client knows whether its
 * processor seals AES-GCM or ChaCha20-Poly1305 faster, and the server computes either in the
 * host's OpenSSL. Godot (mbedTLS's default order) lists ChaCha20-Poly1305 first and computes GCM
 * one block at a time, so it keeps ChaCha20-Poly1305.
 */
#include "platform/dtls_suites.h"

#include "host_aead.h"

#include <mbedtls/ssl_ciphersuites.h>

#include <stdlib.h>

static const int preferred [] = { MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                                  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 };
#define PREFERRED_COUNT (sizeof (preferred) / sizeof (preferred [0]))

static int
is_preferred (int suite)
{
    for (size_t p = 0; p < PREFERRED_COUNT; ++ p)
      if (suite == preferred [p])
        return 1;
    return 0;
}

int *
dtls_suites_new (void)
{
    const int * built = mbedtls_ssl_list_ciphersuites ();
    const int moving = host_aead_description (HOST_AEAD_AES_128_GCM) != NULL;
    size_t count = 0, next = 0;
    int * suites;

    while (built [count] != 0)
      ++ count;
    if ((suites = (int *) malloc ((count + 1) * sizeof (int))) == NULL)
      return NULL;
    for (size_t p = 0; moving && p < PREFERRED_COUNT; ++ p)
      for (size_t i = 0; i < count; ++ i)
        if (built [i] == preferred [p])
          suites [next ++] = preferred [p];
    for (size_t i = 0; i < count; ++ i)
      if (! (moving && is_preferred (built [i])))
        suites [next ++] = built [i];
    suites [next] = 0;
    return suites;
}
