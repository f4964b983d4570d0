/*
 * ENetAddress conversions. ENet 1.3.18's address is IPv4 only: host in network order,
 * port in host order.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"

#include <string.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int
platform_parse_ip (ENetAddress * address, const char * ip)
{
    struct in_addr parsed;
    if (inet_pton (AF_INET, ip, & parsed) != 1)
      return -1;
    address -> host = parsed.s_addr;
    return 0;
}

int
enet_address_set_host_ip (ENetAddress * address, const char * name)
{
    return platform_parse_ip (address, name);
}

int
enet_address_set_host (ENetAddress * address, const char * name)
{
    struct addrinfo hints, * result = NULL, * entry;

    if (platform_parse_ip (address, name) == 0)
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
    struct in_addr host;
    host.s_addr = address -> host;
    return inet_ntop (AF_INET, & host, name, (socklen_t) nameLength) == NULL ? -1 : 0;
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
