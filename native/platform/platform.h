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

/* Parses a dotted IPv4 literal (no host names, no resolution); 0 on success, -1 otherwise. */
int platform_parse_ip (ENetAddress * address, const char * ip);

#ifdef __cplusplus
}
#endif

#endif
