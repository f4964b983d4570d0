/*
 * Non-blocking UDP sockets for ENet, in place of unix.c's and win32.c's (the calls that differ
 * between POSIX and Winsock are in os.h).
 *
 * Differences from unix.c, each on purpose:
 * - sockets are created non-blocking and are not inherited by child processes;
 * - a send error that concerns one destination (unreachable, refused, no buffer space)
 *   drops that datagram instead of failing the whole host service, as Godot 4.4+ does;
 * - enet_socket_wait really waits (poll), unlike Godot's busy-wait stub;
 * - sockets are IPv6 with IPV6_V6ONLY off where the OS has IPv6 (address.h), as Godot's are.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"
#include "platform/address.h"
#include "platform/socket_state.h"
#include "platform/dtls.h"
#include "platform/datagram.h"
#include "platform/os.h"

#include <stdio.h>

static OS_THREAD_LOCAL int last_error;

/* platform_before_receive's one pending call on this thread. */
static OS_THREAD_LOCAL struct
{
    ENetSocket socket;
    void (* callback) (void * context);
    void * context;
} before_receive;

void
platform_before_receive (ENetSocket socket, void (* callback) (void * context), void * context)
{
    before_receive.socket = socket;
    before_receive.callback = callback;
    before_receive.context = context;
}

void
platform_describe_last_error (char * buffer, size_t length)
{
    if (last_error == 0)
      snprintf (buffer, length, "unknown error");
    else
      os_describe_error (last_error, buffer, length);
}

static int
fail (void)
{
    last_error = os_socket_error ();
    return -1;
}

ENetSocket
enet_socket_create (ENetSocketType type)
{
    ENetSocket socket;
    if (type != ENET_SOCKET_TYPE_DATAGRAM)
    {
        last_error = OS_EPROTONOSUPPORT;
        return ENET_SOCKET_NULL;
    }
    socket = os_socket_open (address_family ());
    if (socket == ENET_SOCKET_NULL)
    {
        fail ();
        return ENET_SOCKET_NULL;
    }
    if (address_family () == AF_INET6)
    {
        /* One socket for both families. Set, not assumed: Windows defaults to IPv6 only, and
         * Linux to what a sysctl says. */
        int off = 0;
        if (setsockopt (socket, IPPROTO_IPV6, IPV6_V6ONLY, (const char *) & off, sizeof (off)) != 0)
        {
            fail ();
            os_socket_close (socket);
            return ENET_SOCKET_NULL;
        }
    }
    return socket;
}

int
enet_socket_bind (ENetSocket socket, const ENetAddress * address)
{
    SocketAddress local;
    if (address == NULL || address -> host == ENET_HOST_ANY)
      address_for_bind ("*", address == NULL ? 0 : address -> port, & local);
    else if (address_to_socket (socket, address, & local) != 0)
    {
        last_error = OS_EINVAL;
        return -1;
    }
    return bind (socket, (struct sockaddr *) & local.storage, local.length) == 0 ? 0 : fail ();
}

int
platform_bind (ENetSocket socket, const char * ip, enet_uint16 port)
{
    SocketAddress local;
    if (address_for_bind (ip, port, & local) != 0)
    {
        last_error = OS_EINVAL;
        return -1;
    }
    return bind (socket, (struct sockaddr *) & local.storage, local.length) == 0 ? 0 : fail ();
}

int
enet_socket_get_address (ENetSocket socket, ENetAddress * address)
{
    SocketAddress local;
    local.length = sizeof (local.storage);
    if (getsockname (socket, (struct sockaddr *) & local.storage, & local.length) != 0)
      return fail ();
    /* An IPv6 local address has no token of its own: it reads as ENET_HOST_ANY, and only the
     * port matters to callers. */
    if (address_from_socket (ENET_SOCKET_NULL, & local, address) != 0)
      address -> host = ENET_HOST_ANY;
    return 0;
}

int
enet_socket_listen (ENetSocket socket, int backlog)
{
    (void) socket; (void) backlog;
    return -1;
}

ENetSocket
enet_socket_accept (ENetSocket socket, ENetAddress * address)
{
    (void) socket; (void) address;
    return ENET_SOCKET_NULL;
}

int
enet_socket_connect (ENetSocket socket, const ENetAddress * address)
{
    SocketAddress remote;
    if (address_to_socket (socket, address, & remote) != 0)
    {
        last_error = OS_EINVAL;
        return -1;
    }
    return connect (socket, (struct sockaddr *) & remote.storage, remote.length) == 0 ? 0 : fail ();
}

int
enet_socket_shutdown (ENetSocket socket, ENetSocketShutdown how)
{
    return shutdown (socket, (int) how) == 0 ? 0 : fail ();
}

void
enet_socket_destroy (ENetSocket socket)
{
    if (socket == ENET_SOCKET_NULL)
      return;
    socket_state_forget (socket);
    os_socket_close (socket);
}

int
enet_socket_set_option (ENetSocket socket, ENetSocketOption option, int value)
{
    int result;
    switch (option)
    {
    case ENET_SOCKOPT_NONBLOCK:
        result = os_socket_set_nonblocking (socket, value);
        break;
    case ENET_SOCKOPT_BROADCAST:
        result = setsockopt (socket, SOL_SOCKET, SO_BROADCAST, (const char *) & value, sizeof (int));
        break;
    case ENET_SOCKOPT_REUSEADDR:
        result = setsockopt (socket, SOL_SOCKET, SO_REUSEADDR, (const char *) & value, sizeof (int));
        break;
    case ENET_SOCKOPT_RCVBUF:
        result = setsockopt (socket, SOL_SOCKET, SO_RCVBUF, (const char *) & value, sizeof (int));
        break;
    case ENET_SOCKOPT_SNDBUF:
        result = setsockopt (socket, SOL_SOCKET, SO_SNDBUF, (const char *) & value, sizeof (int));
        break;
    case ENET_SOCKOPT_TTL:
        /* IP_TTL covers IPv4 traffic, v4-mapped included; the hop limit covers IPv6. */
        result = setsockopt (socket, IPPROTO_IP, IP_TTL, (const char *) & value, sizeof (int));
        if (result == 0 && address_family () == AF_INET6)
          result = setsockopt (socket, IPPROTO_IPV6, IPV6_UNICAST_HOPS, (const char *) & value, sizeof (int));
        break;
    case ENET_SOCKOPT_NODELAY:
        /* A TCP option in unix.c; meaningless for UDP. */
        return 0;
    default:
        /* Timeouts would make calls block: every socket here stays non-blocking. */
        return -1;
    }
    return result == -1 ? fail () : 0;
}

int
enet_socket_get_option (ENetSocket socket, ENetSocketOption option, int * value)
{
    socklen_t length = sizeof (int);
    int result;
    switch (option)
    {
    case ENET_SOCKOPT_ERROR:
        result = getsockopt (socket, SOL_SOCKET, SO_ERROR, (char *) value, & length);
        break;
    case ENET_SOCKOPT_TTL:
        result = getsockopt (socket, IPPROTO_IP, IP_TTL, (char *) value, & length);
        break;
    default:
        return -1;
    }
    return result == -1 ? fail () : 0;
}

/* After a send or receive failed: 0 when only that datagram is affected (it is lost, or must
 * wait for room), -1 when the socket itself failed. */
static int
datagram_failure (void)
{
    int error = os_socket_error ();
    if (os_would_block (error))
      return 0;
    last_error = error;
    /* Dropped: ENet resends reliable data and times the peer out if this goes on. */
    return os_is_socket_failure (error) ? -1 : 0;
}

int
enet_socket_send (ENetSocket socket, const ENetAddress * address, const ENetBuffer * buffers, size_t bufferCount)
{
    SocketAddress remote;
    int sent;

    if (dtls_in_use ())
    {
        SocketState * state = socket_state_find (socket);
        if (state != NULL && state -> dtls != NULL)
          return dtls_send (state -> dtls, address, buffers, bufferCount);
    }
    if (address != NULL && address_to_socket (socket, address, & remote) != 0)
      return 0; /* a token whose address was released: nobody is there */
    sent = os_socket_send (socket, buffers, bufferCount, address == NULL ? NULL : & remote);
    return sent >= 0 ? sent : datagram_failure ();
}

int
datagram_read (ENetSocket socket, ENetBuffer * buffers, size_t bufferCount, SocketAddress * source)
{
    int received = os_socket_receive (socket, buffers, bufferCount, source);
    return received == -1 ? datagram_failure () : received;
}

int
enet_socket_receive (ENetSocket socket, ENetAddress * address, ENetBuffer * buffers, size_t bufferCount)
{
    SocketAddress source;

    if (before_receive.callback != NULL && before_receive.socket == socket)
    {
        void (* callback) (void *) = before_receive.callback;
        before_receive.callback = NULL;
        callback (before_receive.context);
    }
    if (dtls_in_use ())
    {
        SocketState * state = socket_state_find (socket);
        if (state != NULL && state -> dtls != NULL)
          return dtls_receive (state -> dtls, address, buffers, bufferCount);
    }
    for (int skipped = 0; skipped < MAX_SKIPPED_DATAGRAMS; ++ skipped)
    {
        int received = datagram_read (socket, buffers, bufferCount, & source);
        /* Nothing, a failure, or too large for ENet's buffer (-2: ENet skips it). */
        if (received <= 0 || address == NULL)
          return received;
        if (address_from_socket (socket, & source, address) == 0)
          return received;
    }
    return 0;
}

int
enet_socketset_select (ENetSocket maxSocket, ENetSocketSet * readSet, ENetSocketSet * writeSet, enet_uint32 timeout)
{
    struct timeval timeVal;
    timeVal.tv_sec = timeout / 1000;
    timeVal.tv_usec = (timeout % 1000) * 1000;
    return select ((int) maxSocket + 1, readSet, writeSet, NULL, & timeVal);  /* Winsock ignores the count */
}

int
enet_socket_wait (ENetSocket socket, enet_uint32 * condition, enet_uint32 timeout)
{
    struct pollfd pollSocket;
    int result;

    pollSocket.fd = socket;
    pollSocket.events = 0;
    pollSocket.revents = 0;
    if (* condition & ENET_SOCKET_WAIT_SEND)
      pollSocket.events |= POLLOUT;
    if (* condition & ENET_SOCKET_WAIT_RECEIVE)
      pollSocket.events |= POLLIN;

    result = os_poll (& pollSocket, 1, timeout);
    if (result < 0)
    {
        if (os_socket_error () == OS_EINTR && (* condition & ENET_SOCKET_WAIT_INTERRUPT))
        {
            * condition = ENET_SOCKET_WAIT_INTERRUPT;
            return 0;
        }
        return fail ();
    }

    * condition = ENET_SOCKET_WAIT_NONE;
    if (result == 0)
      return 0;
    if (pollSocket.revents & POLLOUT)
      * condition |= ENET_SOCKET_WAIT_SEND;
    if (pollSocket.revents & (POLLIN | POLLERR))
      * condition |= ENET_SOCKET_WAIT_RECEIVE;
    return 0;
}
