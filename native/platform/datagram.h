/*
 * Reading one datagram, shared by plain sockets (socket.c) and DTLS sockets (dtls.c).
 */
#ifndef GODOT_ENET_DATAGRAM_H
#define GODOT_ENET_DATAGRAM_H

#include "platform/address.h"

/* Datagrams skipped per receive call (unusable sources, records that are not for ENet) before
 * reporting "nothing to read", so a flood of them cannot hold the thread. */
#define MAX_SKIPPED_DATAGRAMS 256

/* Reads one waiting datagram into `buffers` and its source into `source`. Returns its length;
 * 0 when nothing is waiting (or on an error that concerns one datagram); -1 when the socket
 * itself failed (platform_describe_last_error() tells why); -2 when it did not fit (it is discarded). */
int datagram_read (ENetSocket socket, ENetBuffer * buffers, size_t bufferCount, SocketAddress * source);

#endif
