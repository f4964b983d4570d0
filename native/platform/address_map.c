/*
 * The IPv6 token map (address_map.h). Tokens are 240.0.0.1 upwards: token n names entry n - 1,
 * so finding the address behind a token (every send) is an array access, and an entry keeps
 * its token for as long as it lives.
 */
#define ENET_BUILDING_LIB 1
#include "platform/address_map.h"

#include <stdlib.h>
#include <string.h>

#define TOKEN_BASE 0xF0000000u      /* 240.0.0.0, host order */
#define TOKEN_MASK 0xF0000000u
#define INITIAL_CAPACITY 16

int
address_map_is_token (enet_uint32 host)
{
    enet_uint32 value = ENET_NET_TO_HOST_32 (host);
    /* 255.255.255.255 is ENET_HOST_BROADCAST, which ENet treats specially. */
    return (value & TOKEN_MASK) == TOKEN_MASK && value != 0xFFFFFFFFu;
}

void
address_map_init (AddressMap * map, size_t limit, uint64_t key)
{
    memset (map, 0, sizeof (* map));
    map -> limit = limit;
    map -> key = key;
}

void
address_map_free (AddressMap * map)
{
    free (map -> entries);
    free (map -> index);
    address_map_init (map, map -> limit, map -> key);
}

static uint64_t
hash_address (const AddressMap * map, const struct in6_addr * address, uint32_t scope)
{
    uint64_t words [2], hash = map -> key ^ scope;
    memcpy (words, address, sizeof (words));
    for (int i = 0; i < 2; ++ i)
    {
        hash ^= words [i];
        hash *= 0x9E3779B97F4A7C15ull;
        hash ^= hash >> 29;
    }
    return hash;
}

static int
same_address (const MappedAddress * entry, const struct in6_addr * address, uint32_t scope)
{
    return entry -> used && entry -> scope == scope && memcmp (& entry -> address, address, sizeof (* address)) == 0;
}

/* The index cell that holds this address, or the empty cell where it would go. */
static uint32_t *
index_cell (const AddressMap * map, const struct in6_addr * address, uint32_t scope)
{
    size_t mask = map -> capacity * 2 - 1;
    size_t cell = (size_t) hash_address (map, address, scope) & mask;
    while (map -> index [cell] != 0 && ! same_address (& map -> entries [map -> index [cell] - 1], address, scope))
      cell = (cell + 1) & mask;
    return & map -> index [cell];
}

static void
rebuild_index (AddressMap * map)
{
    memset (map -> index, 0, map -> capacity * 2 * sizeof (uint32_t));
    for (size_t i = 0; i < map -> capacity; ++ i)
      if (map -> entries [i].used)
        * index_cell (map, & map -> entries [i].address, map -> entries [i].scope) = (uint32_t) i + 1;
}

static int
grow (AddressMap * map)
{
    size_t capacity = map -> capacity == 0 ? INITIAL_CAPACITY : map -> capacity * 2;
    MappedAddress * entries = (MappedAddress *) realloc (map -> entries, capacity * sizeof (MappedAddress));
    uint32_t * index;
    if (entries == NULL)
      return -1;
    map -> entries = entries;
    index = (uint32_t *) malloc (capacity * 2 * sizeof (uint32_t));
    if (index == NULL)
      return -1;
    memset (entries + map -> capacity, 0, (capacity - map -> capacity) * sizeof (MappedAddress));
    free (map -> index);
    map -> index = index;
    map -> capacity = capacity;
    rebuild_index (map);
    return 0;
}

void
address_map_release_unused (AddressMap * map, const ENetHost * host)
{
    int * held;
    if (map -> count == 0)
      return;
    held = (int *) calloc (map -> capacity, sizeof (int));
    if (held == NULL)
      return;
    for (size_t i = 0; i < host -> peerCount; ++ i)
    {
        const ENetPeer * peer = & host -> peers [i];
        if (peer -> state != ENET_PEER_STATE_DISCONNECTED && address_map_is_token (peer -> address.host))
        {
            size_t entry = ENET_NET_TO_HOST_32 (peer -> address.host) - TOKEN_BASE - 1;
            if (entry < map -> capacity)
              held [entry] = 1;
        }
    }
    for (size_t i = 0; i < map -> capacity; ++ i)
      if (map -> entries [i].used && ! held [i])
      {
          map -> entries [i].used = 0;
          -- map -> count;
      }
    free (held);
    map -> next_free = 0;
    rebuild_index (map);
}

enet_uint32
address_map_token (AddressMap * map, const struct in6_addr * address, uint32_t scope, const ENetHost * host)
{
    uint32_t * cell;
    size_t entry;

    if (map -> capacity > 0 && * (cell = index_cell (map, address, scope)) != 0)
      return ENET_HOST_TO_NET_32 (TOKEN_BASE + * cell);

    if (map -> count >= map -> limit)
    {
        address_map_release_unused (map, host);
        if (map -> count >= map -> limit)
          return 0;
    }
    /* Keep the index at most half full so probes stay short. */
    if (map -> count >= map -> capacity && grow (map) != 0)
      return 0;

    while (map -> entries [map -> next_free].used)
      map -> next_free = (map -> next_free + 1) % map -> capacity;
    entry = map -> next_free;
    map -> entries [entry].address = * address;
    map -> entries [entry].scope = scope;
    map -> entries [entry].used = 1;
    ++ map -> count;
    * index_cell (map, address, scope) = (uint32_t) entry + 1;
    return ENET_HOST_TO_NET_32 (TOKEN_BASE + (enet_uint32) entry + 1);
}

const MappedAddress *
address_map_find (const AddressMap * map, enet_uint32 token)
{
    size_t entry;
    if (! address_map_is_token (token))
      return NULL;
    entry = ENET_NET_TO_HOST_32 (token) - TOKEN_BASE - 1;
    if (entry >= map -> capacity || ! map -> entries [entry].used)
      return NULL;
    return & map -> entries [entry];
}
