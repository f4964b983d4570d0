/*
 * Who may start a connection: a per-source-address rate of new connections, checked on every
 * datagram that asks for one (header peer ID 0xFFF, visible even in compressed datagrams)
 * before ENet allocates anything for it. Peers per address are ENet's own duplicatePeers.
 */
#ifndef GODOT_ENET_ADMISSION_H
#define GODOT_ENET_ADMISSION_H

#include <enet/enet.h>

#define ADMISSION_SLOTS 4096

typedef struct
{
    enet_uint32 address;        /* ENet's host field: an IPv4 address or an IPv6 token */
    enet_uint32 refilled;       /* enet_time_get() of the last refill */
    enet_uint32 millitokens;    /* 1000 per connection allowed */
} AdmissionSlot;

typedef struct
{
    enet_uint32 per_second;     /* 0: no limit */
    AdmissionSlot * slots;      /* direct-mapped by address: a collision starts that address afresh */
} Admission;

void admission_free (Admission * admission);

#endif
