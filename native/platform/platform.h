/*
 * godot-enet platform layer: what our replacement of ENet's unix.c adds beyond enet.h.
 * ENet's core files are compiled unmodified and call the enet_socket_*, enet_address_*
 * and enet_time_* functions that native/platform provides.
 */
#ifndef GODOT_ENET_PLATFORM_H
#define GODOT_ENET_PLATFORM_H

#include <enet/enet.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a readable form of the OS error (errno, or a Winsock error) of the last failed socket
 * call on this thread into buffer. */
void platform_describe_last_error (char * buffer, size_t length);

/* Calls callback(context) once, when this thread next enters enet_socket_receive for `socket`,
 * before it reads; NULL cancels. ENet reads its socket only from enet_host_service, between its
 * two passes over the peers, so this is the caller's one way in between them. */
void platform_before_receive (ENetSocket socket, void (* callback) (void * context), void * context);

/* Registers a host's socket with the platform layer; call right after enet_host_create().
 * Returns 0, or -1 when out of memory. enet_socket_destroy() drops the registration. */
int platform_socket_attach (ENetSocket socket, const ENetHost * host);

/* Binds a socket to '*' (every address of both families, as Godot binds) or to an IP literal
 * of either family; an IPv4 literal, 0.0.0.0 included, accepts IPv4 only. Returns 0 or -1. */
int platform_bind (ENetSocket socket, const char * ip, enet_uint16 port);

/* Sets address->host from an IP literal of either family, as seen from this socket (an IPv6
 * address becomes a token). Returns 0, or -1 for anything that is not a usable literal: a
 * host name, an address in 240.0.0.0/4 other than the broadcast address, IPv6 without OS
 * support, or a full token map. */
int platform_address_from_ip (ENetSocket socket, const char * ip, ENetAddress * address);

/* Writes the IP (IPv4 dotted, or IPv6 with its %zone) of an address seen by this socket. */
int platform_address_to_ip (ENetSocket socket, const ENetAddress * address, char * ip, size_t length);

/* Limits new connections from each source address to `perSecond` (bursts of as many), through
 * the host's intercept callback; 0 removes the limit. Returns 0, or -1 when out of memory. */
int platform_limit_connect_rate (ENetHost * host, enet_uint32 perSecond);

/* DTLS set-up for one host socket (platform/dtls.h). PEM texts are NUL-terminated; NULL when
 * absent. */
typedef struct
{
    int server;                      /* 1: accept handshakes; 0: start them */
    const char * own_certificate;    /* server: its certificate, then its chain */
    const char * private_key;        /* server */
    const char * trusted_chain;      /* client: CAs to verify against; NULL with verify: none given */
    const char * hostname;           /* client: SNI and the name to check; NULL: no name check */
    int verify;                      /* client: 1 to require a valid certificate, 0 to accept any */
} PlatformDtlsOptions;

/* A handshake or session failure: where, and mbedTLS's reason. */
typedef struct
{
    ENetAddress address;             /* as ENet names the remote (an IPv6 remote: its token) */
    char ip [64];
    enet_uint16 port;
    int code;                        /* mbedTLS error code (negative) */
    char reason [256];
} PlatformDtlsFailure;

/* What a connected session negotiated. */
typedef struct
{
    const char * cipher_suite;
    const unsigned char * peer_certificate;   /* DER, or NULL when the remote sent none */
    size_t peer_certificate_length;
} PlatformDtlsSessionInfo;

/* Puts DTLS under the host of this socket (attached with platform_socket_attach). Returns 0, or
 * -1 with a readable reason in `error`. Only once per socket. */
int platform_dtls_setup (ENetSocket socket, const PlatformDtlsOptions * options, char * error, size_t errorLength);

/* Whether platform_dtls_setup succeeded on this socket. */
int platform_dtls_enabled (ENetSocket socket);

/* At most this many handshakes in flight on a DTLS server (default 16, as Godot). */
void platform_dtls_limit_handshakes (ENetSocket socket, size_t pending);

/* A server refusing new connections answers no new handshake. */
void platform_dtls_refuse_new (ENetSocket socket, int refuse);

/* How many DTLS sessions the socket holds, and how many of them are still handshaking. */
void platform_dtls_count_sessions (ENetSocket socket, size_t * sessions, size_t * handshaking);

/* Whether failures are queued for platform_dtls_take_failure. */
int platform_dtls_failures_pending (ENetSocket socket);

/* Takes the oldest queued failure; 1 when one was taken, 0 when none is queued. */
int platform_dtls_take_failure (ENetSocket socket, PlatformDtlsFailure * failure);

/* Milliseconds until DTLS needs the host serviced (handshake resends, reaping), or
 * 0xFFFFFFFF when nothing is due. */
enet_uint32 platform_dtls_next_timeout (ENetSocket socket);

/* What the connected session with `address` negotiated; 0, or -1 when there is none. The
 * pointers stay valid until the host is next serviced. */
int platform_dtls_session_info (ENetSocket socket, const ENetAddress * address, PlatformDtlsSessionInfo * info);

#ifdef __cplusplus
}
#endif

#endif
