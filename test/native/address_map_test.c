/*
 * Unit test of the IPv6 token map (native/platform/address_map.c), run by test/ipv6.test.ts.
 * Loopback offers a single IPv6 source (::1), so the map's bound and its release of entries
 * that no peer holds are exercised here with made-up addresses. Prints "ok <checks>" or the
 * first failed check, and exits non-zero on failure.
 */
#include "platform/address_map.h"

#include <stdio.h>
#include <string.h>

static int checks;

#define CHECK(condition) \
    do { \
        ++ checks; \
        if (! (condition)) { printf ("failed at line %d: %s\n", __LINE__, #condition); return 1; } \
    } while (0)

static struct in6_addr
address_number (unsigned n)
{
    struct in6_addr address;
    memset (& address, 0, sizeof (address));
    address.s6_addr [0] = 0x20;
    address.s6_addr [1] = 0x01;
    memcpy (address.s6_addr + 12, & n, sizeof (n));
    return address;
}

static int
holds (const MappedAddress * entry, unsigned n, uint32_t scope)
{
    struct in6_addr expected = address_number (n);
    return entry != NULL && entry -> scope == scope && memcmp (& entry -> address, & expected, sizeof (expected)) == 0;
}

int
main (void)
{
    ENetPeer peers [4];
    ENetHost host;
    AddressMap map;
    enet_uint32 first, token;
    struct in6_addr address;

    memset (peers, 0, sizeof (peers));
    memset (& host, 0, sizeof (host));
    host.peers = peers;
    host.peerCount = 4;

    /* Tokens are in 240.0.0.0/4, never the broadcast address, and stable while they live. */
    address_map_init (& map, 72, 12345);
    address = address_number (1);
    first = address_map_token (& map, & address, 0, & host);
    CHECK (first != 0 && address_map_is_token (first));
    CHECK ((ENET_NET_TO_HOST_32 (first) & 0xF0000000u) == 0xF0000000u);
    CHECK (address_map_token (& map, & address, 0, & host) == first);
    CHECK (holds (address_map_find (& map, first), 1, 0));
    CHECK (address_map_token (& map, & address, 7, & host) != first); /* another zone, another address */
    CHECK (! address_map_is_token (ENET_HOST_BROADCAST));
    CHECK (! address_map_is_token (ENET_HOST_TO_NET_32 (0x7F000001u)));
    CHECK (address_map_find (& map, ENET_HOST_TO_NET_32 (0x7F000001u)) == NULL);
    CHECK (address_map_find (& map, ENET_HOST_TO_NET_32 (0xF0000000u + 1000u)) == NULL);

    /* A peer holds the first token: 100000 other sources come and go, the map stays within
     * its bound, and the held entry keeps its token and address throughout. */
    peers [0].state = ENET_PEER_STATE_CONNECTED;
    peers [0].address.host = first;
    for (unsigned n = 2; n < 100002; ++ n)
    {
        address = address_number (n);
        token = address_map_token (& map, & address, 0, & host);
        CHECK (token != 0 && token != first);
        CHECK (holds (address_map_find (& map, token), n, 0));
        CHECK (map.count <= map.limit);
    }
    CHECK (holds (address_map_find (& map, first), 1, 0));
    address = address_number (1);
    CHECK (address_map_token (& map, & address, 0, & host) == first);
    address_map_free (& map);

    /* When every entry is held by a live peer, a new source is refused (0) rather than
     * displacing one; once a peer is gone its entry is released and reused. */
    address_map_init (& map, 4, 99);
    for (unsigned n = 0; n < 4; ++ n)
    {
        address = address_number (n);
        peers [n].state = ENET_PEER_STATE_CONNECTED;
        peers [n].address.host = address_map_token (& map, & address, 0, & host);
        CHECK (peers [n].address.host != 0);
    }
    address = address_number (4);
    CHECK (address_map_token (& map, & address, 0, & host) == 0);
    peers [2].state = ENET_PEER_STATE_DISCONNECTED;
    token = address_map_token (& map, & address, 0, & host);
    CHECK (token == peers [2].address.host);
    CHECK (holds (address_map_find (& map, token), 4, 0));
    CHECK (holds (address_map_find (& map, peers [0].address.host), 0, 0));
    CHECK (holds (address_map_find (& map, peers [3].address.host), 3, 0));
    address_map_free (& map);

    printf ("ok %d\n", checks);
    return 0;
}
