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

/* The OS error (errno) of the last failed socket call on this thread, 0 if none. */
int platform_last_error (void);

/* Writes a readable form of platform_last_error() into buffer. */
void platform_describe_last_error (char * buffer, size_t length);

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

#ifdef __cplusplus
}
#endif

#endif
