/*
 * The cipher suites a DTLS host offers (client) or accepts (server), in its order of preference.
 */
#ifndef GODOT_ENET_DTLS_SUITES_H
#define GODOT_ENET_DTLS_SUITES_H

/* mbedTLS's list of the suites it was built with (ChaCha20-Poly1305 first), with AES-128-GCM moved
 * to the front where the host's OpenSSL computes it (then it is the fastest here: interleaved
 * AES-NI and carry-less multiplication). Zero-terminated, for mbedtls_ssl_conf_ciphersuites(),
 * which keeps the pointer: free() it after the configuration. NULL when out of memory. */
int * dtls_suites_new (void);

#endif
