/*
 * IPv6 remotes as 32-bit tokens. ENet 1.3.18's ENetAddress holds an IPv4 address, and ENet's
 * sources stay unmodified, so every IPv6 remote of a host is given a stand-in "address" from
 * 240.0.0.0/4 (reserved, never a real peer) that ENet stores, compares and hands back to the
 * platform layer, which maps it to the real address on send and in getRemoteAddress().
 *
 * One map per host socket, used only by the thread that owns the host. It is bounded: when it
 * is full, entries that no live peer holds are released, and a datagram from yet another
 * source is dropped if that frees nothing.
 */
#ifndef GODOT_ENET_ADDRESS_MAP_H
#define GODOT_ENET_ADDRESS_MAP_H

#include "platform/os.h"

typedef struct
{
    struct in6_addr address;
    uint32_t scope;
    int used;
} MappedAddress;

typedef struct
{
    MappedAddress * entries;   /* token n names entries [n - 1] */
    uint32_t * index;          /* open addressing: entry number + 1, 0 when empty */
    size_t capacity;           /* entries allocated; the index has twice as many cells */
    size_t count;
    size_t limit;              /* entries never exceed this */
    size_t next_free;          /* where the search for a free entry starts */
    uint64_t key;              /* hash key, so remote parties cannot choose colliding sources */
} AddressMap;

/* Is this ENetAddress host (network order) a token rather than an IPv4 address? */
int address_map_is_token (enet_uint32 host);

/* An empty map that holds at most `limit` addresses; nothing is allocated until first use. */
void address_map_init (AddressMap * map, size_t limit, uint64_t key);
void address_map_free (AddressMap * map);

/* The token (network order) for an address, adding it if new; 0 when the map is full even after
 * releasing the entries that no peer of `host` holds, or when memory runs out. */
enet_uint32 address_map_token (AddressMap * map, const struct in6_addr * address, uint32_t scope, const ENetHost * host);

/* The address a token stands for, or NULL when the token is unknown. */
const MappedAddress * address_map_find (const AddressMap * map, enet_uint32 token);

/* Releases every entry that no peer of `host` holds (a peer holds its address until its slot
 * is disconnected). */
void address_map_release_unused (AddressMap * map, const ENetHost * host);

#endif
