/*
 * What the platform layer keeps per host socket, beyond the descriptor ENet passes around:
 * the host it belongs to, its IPv6 token map and its DTLS sessions. ENet's socket functions receive only the
 * descriptor, so states are found through a process-wide registry (threads may own hosts).
 * A state is used only by the thread that owns its host.
 */
#ifndef GODOT_ENET_SOCKET_STATE_H
#define GODOT_ENET_SOCKET_STATE_H

#include "platform/address_map.h"
#include "platform/admission.h"

struct Dtls;

typedef struct SocketState
{
    ENetSocket socket;
    const ENetHost * host;
    AddressMap addresses;
    Admission admission;         /* the new-connection rate limit */
    struct Dtls * dtls;          /* NULL until platform_dtls_setup() */
    struct SocketState * next;
} SocketState;

/* The state of a socket that platform_socket_attach() registered, or NULL. */
SocketState * socket_state_find (ENetSocket socket);

/* Drops a socket's state; enet_socket_destroy() calls it before the descriptor is closed,
 * so a reused descriptor never finds a stale state. */
void socket_state_forget (ENetSocket socket);

#endif
