/*
 * ENetAddress conversions (address.h, platform.h). ENet 1.3.18's address holds an IPv4
 * address in network order and a port in host order; IPv6 remotes become tokens.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"
#include "platform/address.h"
#include "platform/socket_state.h"

#include <stdio.h>
#include <string.h>

static int family = AF_INET6;
static OsOnce family_once = OS_ONCE_INIT;

static void
probe_family (void)
{
    ENetSocket probe = os_socket_open (AF_INET6);
    if (probe == ENET_SOCKET_NULL)
      family = AF_INET;
    else
      os_socket_close (probe);
}

int
address_family (void)
{
    os_once (& family_once, probe_family);
    return family;
}

static const unsigned char v4_mapped_prefix [12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };

/* Parses an IP literal of either family (IPv6 may carry a %zone) into IPv6 form. */
static int
parse_literal (const char * ip, struct in6_addr * address, uint32_t * scope)
{
    struct addrinfo hints, * result = NULL;
    memset (& hints, 0, sizeof (hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo (ip, NULL, & hints, & result) != 0 || result == NULL)
      return -1;
    if (result -> ai_family == AF_INET6)
    {
        const struct sockaddr_in6 * sin6 = (const struct sockaddr_in6 *) result -> ai_addr;
        * address = sin6 -> sin6_addr;
        * scope = sin6 -> sin6_scope_id;
    }
    else
    {
        memcpy (address -> s6_addr, v4_mapped_prefix, sizeof (v4_mapped_prefix));
        memcpy (address -> s6_addr + 12, & ((const struct sockaddr_in *) result -> ai_addr) -> sin_addr, 4);
        * scope = 0;
    }
    freeaddrinfo (result);
    return 0;
}

static int
is_v4_mapped (const struct in6_addr * address)
{
    return memcmp (address -> s6_addr, v4_mapped_prefix, sizeof (v4_mapped_prefix)) == 0;
}

/* An IPv4 host as ENet holds it; -1 inside the token range, which no real peer uses. */
static int
ipv4_host (const void * bytes, enet_uint32 * host)
{
    memcpy (host, bytes, 4);
    return address_map_is_token (* host) ? -1 : 0;
}

static void
set_socket_address (const struct in6_addr * address, uint32_t scope, enet_uint16 port, SocketAddress * result)
{
    memset (result, 0, sizeof (* result));
    if (address_family () == AF_INET6)
    {
        struct sockaddr_in6 * sin6 = (struct sockaddr_in6 *) & result -> storage;
        sin6 -> sin6_family = AF_INET6;
        sin6 -> sin6_port = ENET_HOST_TO_NET_16 (port);
        sin6 -> sin6_addr = * address;
        sin6 -> sin6_scope_id = scope;
        result -> length = sizeof (* sin6);
    }
    else
    {
        struct sockaddr_in * sin = (struct sockaddr_in *) & result -> storage;
        sin -> sin_family = AF_INET;
        sin -> sin_port = ENET_HOST_TO_NET_16 (port);
        memcpy (& sin -> sin_addr, address -> s6_addr + 12, 4);
        result -> length = sizeof (* sin);
    }
}

static void
map_ipv4 (enet_uint32 host, struct in6_addr * address)
{
    memcpy (address -> s6_addr, v4_mapped_prefix, sizeof (v4_mapped_prefix));
    memcpy (address -> s6_addr + 12, & host, 4);
}

int
address_for_bind (const char * ip, enet_uint16 port, SocketAddress * result)
{
    struct in6_addr address;
    uint32_t scope = 0;
    if (strcmp (ip, "*") == 0)
    {
        /* in6addr_any takes both families on a dual-stack socket; INADDR_ANY on an IPv4 one. */
        memset (& address, 0, sizeof (address));
        set_socket_address (& address, 0, port, result);
        return 0;
    }
    if (parse_literal (ip, & address, & scope) != 0 || (address_family () == AF_INET && ! is_v4_mapped (& address)))
      return -1;
    set_socket_address (& address, scope, port, result);
    return 0;
}

int
address_to_socket (ENetSocket socket, const ENetAddress * address, SocketAddress * result)
{
    struct in6_addr mapped;
    if (address_map_is_token (address -> host))
    {
        SocketState * state = socket_state_find (socket);
        const MappedAddress * entry = state == NULL ? NULL : address_map_find (& state -> addresses, address -> host);
        if (entry == NULL)
          return -1;
        set_socket_address (& entry -> address, entry -> scope, address -> port, result);
        return 0;
    }
    map_ipv4 (address -> host, & mapped);
    set_socket_address (& mapped, 0, address -> port, result);
    return 0;
}

int
address_from_socket (ENetSocket socket, const SocketAddress * source, ENetAddress * result)
{
    if (source -> storage.ss_family == AF_INET && source -> length >= (socklen_t) sizeof (struct sockaddr_in))
    {
        const struct sockaddr_in * sin = (const struct sockaddr_in *) & source -> storage;
        result -> port = ENET_NET_TO_HOST_16 (sin -> sin_port);
        return ipv4_host (& sin -> sin_addr, & result -> host);
    }
    if (source -> storage.ss_family == AF_INET6 && source -> length >= (socklen_t) sizeof (struct sockaddr_in6))
    {
        const struct sockaddr_in6 * sin6 = (const struct sockaddr_in6 *) & source -> storage;
        SocketState * state;
        result -> port = ENET_NET_TO_HOST_16 (sin6 -> sin6_port);
        if (is_v4_mapped (& sin6 -> sin6_addr))
          return ipv4_host (sin6 -> sin6_addr.s6_addr + 12, & result -> host);
        state = socket_state_find (socket);
        if (state == NULL)
          return -1;
        result -> host = address_map_token (& state -> addresses, & sin6 -> sin6_addr, sin6 -> sin6_scope_id, state -> host);
        return result -> host == 0 ? -1 : 0;
    }
    return -1;
}

int
platform_address_from_ip (ENetSocket socket, const char * ip, ENetAddress * address)
{
    struct in6_addr parsed;
    uint32_t scope;
    SocketState * state;
    if (parse_literal (ip, & parsed, & scope) != 0)
      return -1;
    if (is_v4_mapped (& parsed))
      return ipv4_host (parsed.s6_addr + 12, & address -> host);
    state = socket_state_find (socket);
    if (state == NULL || address_family () != AF_INET6)
      return -1;
    address -> host = address_map_token (& state -> addresses, & parsed, scope, state -> host);
    return address -> host == 0 ? -1 : 0;
}

int
platform_address_to_ip (ENetSocket socket, const ENetAddress * address, char * ip, size_t length)
{
    if (address_map_is_token (address -> host))
    {
        SocketState * state = socket_state_find (socket);
        const MappedAddress * entry = state == NULL ? NULL : address_map_find (& state -> addresses, address -> host);
        char zone [64];   /* an interface name (at most IF_NAMESIZE) or a Windows index */
        size_t used;
        if (entry == NULL || inet_ntop (AF_INET6, & entry -> address, ip, (socklen_t) length) == NULL)
          return -1;
        used = strlen (ip);
        if (entry -> scope != 0 && os_zone_name (entry -> scope, zone, sizeof (zone)) == 0 &&
            (size_t) snprintf (ip + used, length - used, "%%%s", zone) >= length - used)
          return -1;
        return 0;
    }
    return inet_ntop (AF_INET, & address -> host, ip, (socklen_t) length) == NULL ? -1 : 0;
}

void
address_format (const SocketAddress * address, char * ip, size_t length, enet_uint16 * port)
{
    if (address -> storage.ss_family == AF_INET6)
    {
        const struct sockaddr_in6 * sin6 = (const struct sockaddr_in6 *) & address -> storage;
        * port = ENET_NET_TO_HOST_16 (sin6 -> sin6_port);
        if (is_v4_mapped (& sin6 -> sin6_addr))
          inet_ntop (AF_INET, sin6 -> sin6_addr.s6_addr + 12, ip, (socklen_t) length);
        else
          inet_ntop (AF_INET6, & sin6 -> sin6_addr, ip, (socklen_t) length);
    }
    else
    {
        const struct sockaddr_in * sin = (const struct sockaddr_in *) & address -> storage;
        * port = ENET_NET_TO_HOST_16 (sin -> sin_port);
        inet_ntop (AF_INET, & sin -> sin_addr, ip, (socklen_t) length);
    }
}

/* ENet's own address API. ENet's core never calls it; it is IPv4-only because an ENetAddress
 * alone cannot name an IPv6 host (tokens belong to a socket). */

int
enet_address_set_host_ip (ENetAddress * address, const char * name)
{
    struct in_addr parsed;
    if (inet_pton (AF_INET, name, & parsed) != 1)
      return -1;
    address -> host = parsed.s_addr;
    return 0;
}

int
enet_address_set_host (ENetAddress * address, const char * name)
{
    struct addrinfo hints, * result = NULL, * entry;

    if (enet_address_set_host_ip (address, name) == 0)
      return 0;

    memset (& hints, 0, sizeof (hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo (name, NULL, & hints, & result) != 0)
      return -1;

    for (entry = result; entry != NULL; entry = entry -> ai_next)
    {
        if (entry -> ai_family == AF_INET && entry -> ai_addr != NULL &&
            entry -> ai_addrlen >= sizeof (struct sockaddr_in))
        {
            address -> host = ((const struct sockaddr_in *) entry -> ai_addr) -> sin_addr.s_addr;
            freeaddrinfo (result);
            return 0;
        }
    }
    freeaddrinfo (result);
    return -1;
}

int
enet_address_get_host_ip (const ENetAddress * address, char * name, size_t nameLength)
{
    return inet_ntop (AF_INET, & address -> host, name, (socklen_t) nameLength) == NULL ? -1 : 0;
}

int
enet_address_get_host (const ENetAddress * address, char * name, size_t nameLength)
{
    struct sockaddr_in sin;
    memset (& sin, 0, sizeof (sin));
    sin.sin_family = AF_INET;
    sin.sin_port = ENET_HOST_TO_NET_16 (address -> port);
    sin.sin_addr.s_addr = address -> host;
    if (getnameinfo ((struct sockaddr *) & sin, sizeof (sin), name, nameLength, NULL, 0, NI_NAMEREQD) == 0)
      return memchr (name, '\0', nameLength) == NULL ? -1 : 0;
    return enet_address_get_host_ip (address, name, nameLength);
}
