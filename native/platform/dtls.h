/*
 * DTLS under ENet, as Godot layers it: one ENet datagram is one DTLS 1.2 record in one UDP
 * datagram. A host socket with DTLS set up routes every ENet send and receive through here
 * (socket.c); ENet never sees a byte that did not come out of an authenticated record.
 *
 * Sessions are keyed by the remote's (address, port). A server creates one only for a
 * ClientHello that carries a valid cookie (HelloVerifyRequest): a spoofed source gets one
 * stateless reply and no state. A client starts a handshake on the first datagram ENet sends
 * to a destination. Failures are queued for the addon with mbedTLS's reason.
 */
#ifndef GODOT_ENET_DTLS_H
#define GODOT_ENET_DTLS_H

#include "platform/platform.h"

struct SocketState;
typedef struct Dtls Dtls;

/* Non-zero while any socket in the process has DTLS: plain sockets skip the lookup otherwise. */
int dtls_in_use (void);

Dtls * dtls_create (struct SocketState * state, const PlatformDtlsOptions * options, char * error, size_t errorLength);
void dtls_destroy (Dtls * dtls);

/* enet_socket_send and enet_socket_receive for a DTLS socket, with their return conventions. */
int dtls_send (Dtls * dtls, const ENetAddress * address, const ENetBuffer * buffers, size_t bufferCount);
int dtls_receive (Dtls * dtls, ENetAddress * address, ENetBuffer * buffers, size_t bufferCount);

void dtls_refuse_new (Dtls * dtls, int refuse);
int dtls_take_failure (Dtls * dtls, PlatformDtlsFailure * failure);
enet_uint32 dtls_next_timeout (Dtls * dtls);
int dtls_session_info (Dtls * dtls, const ENetAddress * address, PlatformDtlsSessionInfo * info);

#endif
