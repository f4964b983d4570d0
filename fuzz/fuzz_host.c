/*
 * libFuzzer target: arbitrary datagrams into a real ENet host, through godot-enet's platform
 * layer (native/platform: sockets, addresses, DTLS), as an ENetConnection host is set up by
 * native/connection.cc. One source, one binary per mode (scripts/fuzz.sh):
 *
 *   FUZZ_MODE_PLAIN        no compression
 *   FUZZ_MODE_RANGE_CODER  range_coder_install()            (Godot COMPRESS_RANGE_CODER)
 *   FUZZ_MODE_FASTLZ       compressor_install(FASTLZ)        (COMPRESS_FASTLZ)
 *   FUZZ_MODE_ZLIB         compressor_install(ZLIB)          (COMPRESS_ZLIB)
 *   FUZZ_MODE_ZSTD         compressor_install(ZSTD)          (COMPRESS_ZSTD)
 *   FUZZ_MODE_DTLS         platform_dtls_setup() as a server (ENet under DTLS 1.2)
 *
 * Input: a sequence of datagrams, each a 2-byte big-endian length and that many bytes (the
 * last one gets whatever is left), sent one by one from a plain UDP socket on 127.0.0.1 to the
 * host, which is serviced after each one. A sequence lets the fuzzer reach states that take
 * several datagrams: CONNECT, the ACK of VERIFY_CONNECT, then any command on a connected peer;
 * or a DTLS ClientHello, the HelloVerifyRequest cookie round, then the client's next flight.
 *
 * Determinism between runs of one input:
 * - ENet's clock (enet_time_get) is virtual (linked with --wrap): it restarts at VIRTUAL_EPOCH
 *   for every input and moves 1 ms per datagram. The epoch's low 16 bits sit just below 0x8000
 *   so that the 16-bit sent times echoed in ACKs of captured seeds are never "in the future".
 * - The host is reused across inputs (its socket, peers, compressor) and every peer is reset
 *   after each input. DTLS sessions are keyed by the remote and outlive peers, so a DTLS host
 *   that holds any session after an input is destroyed and the next input gets a new one.
 * - DTLS cookies are keyed by a random secret per host: the harness plays a stateful client
 *   and writes the cookie of the server's last HelloVerifyRequest into any ClientHello of the
 *   input that carries a non-empty cookie (lengths fixed up), so captured seeds pass the
 *   cookie exchange and reach the server's flight and the client's key exchange.
 */
#include <enet/enet.h>

#include "platform/platform.h"
#include "range_coder.h"
#include "compress/compressor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PEERS 8
#define MAX_DATAGRAM 65507
#define VIRTUAL_EPOCH 0x17F00u

/* ---- ENet's clock -------------------------------------------------------------------------- */

static enet_uint32 virtual_now = VIRTUAL_EPOCH;

enet_uint32 __wrap_enet_time_get (void);
enet_uint32 __wrap_enet_time_get (void) { return virtual_now; }

/* ---- a fixed test identity for the DTLS server (self-signed P-256, CN=localhost) ------------ */

#ifdef FUZZ_MODE_DTLS
static const char TEST_KEY [] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOQZwBUYMkB3j+UC4\n"
    "7CDxn2Z+ji20ZGXBQuENzzm4lbyhRANCAAQQvt88YOyXjzU0cuq5S5zaBFGZfthQ\n"
    "rl5HD5bTdqmauyxFU4kzpUcsTkf8UXhV6vrO27C5oghLJXxkPZ+dYFOq\n"
    "-----END PRIVATE KEY-----\n";
static const char TEST_CERT [] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBpjCCAU2gAwIBAgIQXVk6WAbw6U1vWzyxrliKPjAKBggqhkjOPQQDAjAuMRIw\n"
    "EAYDVQQDDAlsb2NhbGhvc3QxGDAWBgNVBAoMD2dvZG90LWVuZXQgZnV6ejAeFw0y\n"
    "NTAxMDEwMDAwMDBaFw00NTAxMDEwMDAwMDBaMC4xEjAQBgNVBAMMCWxvY2FsaG9z\n"
    "dDEYMBYGA1UECgwPZ29kb3QtZW5ldCBmdXp6MFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
    "AQcDQgAEEL7fPGDsl481NHLquUuc2gRRmX7YUK5eRw+W03apmrssRVOJM6VHLE5H\n"
    "/FF4Ver6ztuwuaIISyV8ZD2fnWBTqqNNMEswCQYDVR0TBAIwADAdBgNVHQ4EFgQU\n"
    "4+gLNaL9cbMP+O7aPLU+3scZ5S8wHwYDVR0jBBgwFoAU4+gLNaL9cbMP+O7aPLU+\n"
    "3scZ5S8wCgYIKoZIzj0EAwIDRwAwRAIgFcUidgTnM82tqb7VVLttufCNnd210AIq\n"
    "VrK14+dYCmMCID2uj4pq1hrBNfcMbsM6F8ROe/YO6d+9z1tOpGMmfc8Y\n"
    "-----END CERTIFICATE-----\n";
#endif

/* ---- state --------------------------------------------------------------------------------- */

static ENetHost * host;
static int sender = -1;
static struct sockaddr_in host_address;
static unsigned long long datagrams_sent;
static int verbose;                  /* FUZZ_VERBOSE=1: what each input reached */
static unsigned char reply [MAX_DATAGRAM];
#ifdef FUZZ_MODE_DTLS
static unsigned char cookie [255];
static size_t cookie_length;
static unsigned char rewritten [MAX_DATAGRAM + 256];
#endif

static void
die (const char * what)
{
    fprintf (stderr, "fuzz harness: %s (errno %d)\n", what, errno);
    abort ();
}

static ENetHost *
make_host (void)
{
    ENetHost * created = enet_host_create (NULL, PEERS, 0, 0, 0);
    if (created == NULL || platform_socket_attach (created -> socket, created) != 0 ||
        platform_bind (created -> socket, "127.0.0.1", 0) != 0)
      die ("cannot create the host");
    enet_socket_get_address (created -> socket, & created -> address);
#if defined(FUZZ_MODE_RANGE_CODER)
    if (range_coder_install (created) != 0) die ("range_coder_install");
#elif defined(FUZZ_MODE_FASTLZ)
    if (compressor_install (created, compressor_codec (2)) != 0) die ("compressor_install");
#elif defined(FUZZ_MODE_ZLIB)
    if (compressor_install (created, compressor_codec (3)) != 0) die ("compressor_install");
#elif defined(FUZZ_MODE_ZSTD)
    if (compressor_install (created, compressor_codec (4)) != 0) die ("compressor_install");
#elif defined(FUZZ_MODE_DTLS)
    {
        PlatformDtlsOptions options;
        char error [256];
        memset (& options, 0, sizeof (options));
        options.server = 1;
        options.own_certificate = TEST_CERT;
        options.private_key = TEST_KEY;
        if (platform_dtls_setup (created -> socket, & options, error, sizeof (error)) != 0)
        {
            fprintf (stderr, "fuzz harness: platform_dtls_setup: %s\n", error);
            abort ();
        }
    }
#endif
    memset (& host_address, 0, sizeof (host_address));
    host_address.sin_family = AF_INET;
    host_address.sin_port = htons (created -> address.port);
    host_address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    return created;
}

static void
report (void)
{
    fprintf (stderr, "fuzz: datagrams sent: %llu\n", datagrams_sent);
}

int
LLVMFuzzerInitialize (int * argc, char *** argv)
{
    struct sockaddr_in local;
    (void) argc; (void) argv;
    if (enet_initialize () != 0)
      die ("enet_initialize");
    sender = socket (AF_INET, SOCK_DGRAM, 0);
    if (sender < 0)
      die ("socket");
    memset (& local, 0, sizeof (local));
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (bind (sender, (struct sockaddr *) & local, sizeof (local)) != 0)
      die ("bind");
    {
        int size = 1 << 20;
        setsockopt (sender, SOL_SOCKET, SO_RCVBUF, & size, sizeof (size));
    }
#ifndef FUZZ_MODE_DTLS
    host = make_host ();
#endif
    verbose = getenv ("FUZZ_VERBOSE") != NULL;
    atexit (report);
    return 0;
}

/* ---- the remote's side ----------------------------------------------------------------------- */

#ifdef FUZZ_MODE_DTLS
/* Remembers the cookie of a HelloVerifyRequest: record header (13), handshake header (12),
 * server_version (2), cookie length (1), cookie. */
static void
note_cookie (const unsigned char * data, size_t length)
{
    size_t cookieLength;
    if (length < 13 + 12 + 3 || data [0] != 22 || data [13] != 3)
      return;
    cookieLength = data [13 + 12 + 2];
    if (13 + 12 + 3 + cookieLength > length)
      return;
    memcpy (cookie, data + 13 + 12 + 3, cookieLength);
    cookie_length = cookieLength;
}

static void
put24 (unsigned char * at, size_t value)
{
    at [0] = (unsigned char) (value >> 16);
    at [1] = (unsigned char) (value >> 8);
    at [2] = (unsigned char) value;
}

static size_t
get24 (const unsigned char * at)
{
    return (size_t) at [0] << 16 | (size_t) at [1] << 8 | at [2];
}

/* A single unfragmented ClientHello record with a non-empty cookie gets the server's current
 * cookie instead; anything else goes out as the fuzzer wrote it. */
static const unsigned char *
with_cookie (const unsigned char * data, size_t * length)
{
    size_t size = * length, at, old;
    const size_t hello = 13 + 12;  /* the ClientHello body */
    if (cookie_length == 0 || size < hello + 2 + 32 + 1 || data [0] != 22 || data [13] != 1)
      return data;
    if (((size_t) data [11] << 8 | data [12]) != size - 13 || get24 (data + 14) != size - hello ||
        get24 (data + 19) != 0 || get24 (data + 22) != size - hello)
      return data;
    at = hello + 2 + 32;
    at += 1 + data [at];                  /* session id */
    if (at >= size || data [at] == 0 || at + 1 + data [at] > size)
      return data;
    old = data [at];
    memcpy (rewritten, data, at);
    rewritten [at] = (unsigned char) cookie_length;
    memcpy (rewritten + at + 1, cookie, cookie_length);
    memcpy (rewritten + at + 1 + cookie_length, data + at + 1 + old, size - at - 1 - old);
    size = size - old + cookie_length;
    rewritten [11] = (unsigned char) ((size - 13) >> 8);
    rewritten [12] = (unsigned char) (size - 13);
    put24 (rewritten + 14, size - hello);
    put24 (rewritten + 22, size - hello);
    * length = size;
    return rewritten;
}
#endif

/* Reads (and forgets) what the host sent back; for DTLS, notes cookies. */
static void
drain_replies (void)
{
    for (;;)
    {
        ssize_t received = recv (sender, reply, sizeof (reply), MSG_DONTWAIT);
        if (received < 0)
          return;
#ifdef FUZZ_MODE_DTLS
        note_cookie (reply, (size_t) received);
#endif
    }
}

static void
service (void)
{
    ENetEvent event;
    /* Each call dispatches a queued event, or sends, then reads datagrams until one yields an
     * event; 0 means nothing is left. ENet packets handed out are destroyed, as the addon does. */
    for (int calls = 0; calls < 1024 && enet_host_service (host, & event, 0) > 0; ++ calls)
      if (event.type == ENET_EVENT_TYPE_RECEIVE)
        enet_packet_destroy (event.packet);
    while (enet_host_check_events (host, & event) > 0)
      if (event.type == ENET_EVENT_TYPE_RECEIVE)
        enet_packet_destroy (event.packet);
    drain_replies ();
}

/* ---- one input ------------------------------------------------------------------------------- */

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
    size_t at = 0;
    virtual_now = VIRTUAL_EPOCH;
#ifdef FUZZ_MODE_DTLS
    if (host == NULL)
      host = make_host ();
    cookie_length = 0;
#endif
    host -> bandwidthThrottleEpoch = VIRTUAL_EPOCH;
    while (at < size)
    {
        size_t length = size - at < 2 ? 0 : (size_t) data [at] << 8 | data [at + 1];
        const unsigned char * datagram;
        at += size - at < 2 ? size - at : 2;
        if (length > size - at)
          length = size - at;
        if (length > MAX_DATAGRAM)
          length = MAX_DATAGRAM;
        datagram = data + at;
        at += length;
#ifdef FUZZ_MODE_DTLS
        datagram = with_cookie (datagram, & length);
#endif
        if (sendto (sender, datagram, length, 0, (struct sockaddr *) & host_address, sizeof (host_address)) < 0)
          continue;
        ++ datagrams_sent;
        ++ virtual_now;
        service ();
    }
    if (verbose)
    {
        size_t connected = 0;
        for (size_t i = 0; i < host -> peerCount; ++ i)
          connected += host -> peers [i].state == ENET_PEER_STATE_CONNECTED;
        fprintf (stderr, "fuzz: input of %zu bytes: %llu datagrams so far, %zu peers connected\n",
                 size, datagrams_sent, connected);
    }
    /* Back to a fresh host's peers: enet_peer_reset keeps the session IDs (a reused slot gets
     * the next ones, by design), which would make the next input's sequence IDs differ. */
    for (size_t i = 0; i < host -> peerCount; ++ i)
    {
        enet_peer_reset (& host -> peers [i]);
        host -> peers [i].incomingSessionID = host -> peers [i].outgoingSessionID = 0xFF;
    }
#ifdef FUZZ_MODE_DTLS
    {
        /* A host whose DTLS layer kept nothing from this input (no session: only the stateless
         * cookie exchange ran) is reused; any session, even a failed one, means a fresh host. */
        size_t sessions = 0, handshaking = 0;
        PlatformDtlsFailure failure;
        while (platform_dtls_take_failure (host -> socket, & failure))
          ;
        platform_dtls_count_sessions (host -> socket, & sessions, & handshaking);
        if (verbose)
          fprintf (stderr, "fuzz: DTLS sessions %zu (handshaking %zu), cookie echoed: %s\n",
                   sessions, handshaking, cookie_length ? "yes" : "no");
        if (sessions != 0)
        {
            enet_host_destroy (host);
            host = NULL;
        }
    }
#endif
    drain_replies ();
    return 0;
}
