/*
 * Between ENet's 32-bit ENetAddress and the OS's socket addresses. Sockets are IPv6 with
 * IPV6_V6ONLY off wherever the OS has IPv6, as Godot's are: IPv4 remotes travel as
 * v4-mapped addresses and IPv6 remotes as tokens (address_map.h).
 */
#ifndef GODOT_ENET_ADDRESS_H
#define GODOT_ENET_ADDRESS_H

#include "platform/os.h"

/* AF_INET6 when the OS supports IPv6 sockets, else AF_INET; decided once per process. */
int address_family (void);

/* The OS address for '*' (every address, both families) or an IP literal, on `port`.
 * Returns 0, or -1 for anything else (host names are resolved in JS, never here). */
int address_for_bind (const char * ip, enet_uint16 port, SocketAddress * result);

/* The OS address of an ENet address on this socket; -1 for a token the socket does not know. */
int address_to_socket (ENetSocket socket, const ENetAddress * address, SocketAddress * result);

/* The ENet address of a datagram's source; -1 to drop it: a source from the token range, or
 * an IPv6 source that the socket's full token map cannot take. */
int address_from_socket (ENetSocket socket, const SocketAddress * source, ENetAddress * result);

/* The printable IP (IPv4 dotted, even when v4-mapped) and the port of an OS address. */
void address_format (const SocketAddress * address, char * ip, size_t length, enet_uint16 * port);

#endif
