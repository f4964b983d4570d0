/*
 * os.h on POSIX systems (Linux, macOS, the BSDs).
 */
#ifndef _WIN32

#define ENET_BUILDING_LIB 1
#include "platform/os.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>   /* arc4random_buf on macOS and the BSDs */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/uio.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

/* ENet's POSIX ENetBuffer is laid out as an iovec (unix.h), so ENet's buffer arrays are handed
 * to sendmsg and recvmsg as they are. ENet passes at most ENET_BUFFER_MAXIMUM (65) of them,
 * well under IOV_MAX (1024 on Linux and macOS). */
_Static_assert (sizeof (ENetBuffer) == sizeof (struct iovec) &&
                offsetof (ENetBuffer, data) == offsetof (struct iovec, iov_base) &&
                offsetof (ENetBuffer, dataLength) == offsetof (struct iovec, iov_len),
                "ENetBuffer is not an iovec");

int
os_socket_error (void)
{
    return errno;
}

int
os_would_block (int error)
{
    return error == EWOULDBLOCK || error == EAGAIN;
}

int
os_is_socket_failure (int error)
{
    return error == EBADF || error == ENOTSOCK || error == EFAULT;
}

void
os_describe_error (int error, char * buffer, size_t length)
{
    snprintf (buffer, length, "%s", strerror (error));
}

ENetSocket
os_socket_open (int family)
{
    int fd;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    fd = socket (family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
    /* macOS has neither flag. */
    fd = socket (family, SOCK_DGRAM, 0);
    if (fd >= 0)
    {
        fcntl (fd, F_SETFD, FD_CLOEXEC);
        fcntl (fd, F_SETFL, O_NONBLOCK | fcntl (fd, F_GETFL));
    }
#endif
    return fd;
}

void
os_socket_close (ENetSocket socket)
{
    close (socket);
}

int
os_socket_set_nonblocking (ENetSocket socket, int nonBlocking)
{
    int flags = fcntl (socket, F_GETFL);
    return fcntl (socket, F_SETFL, (nonBlocking ? O_NONBLOCK : 0) | (flags & ~O_NONBLOCK)) == -1 ? -1 : 0;
}

int
os_socket_send (ENetSocket socket, const ENetBuffer * buffers, size_t bufferCount, const SocketAddress * remote)
{
    struct msghdr message;
    ssize_t sent;

    memset (& message, 0, sizeof (message));
    if (remote != NULL)
    {
        message.msg_name = (void *) & remote -> storage;
        message.msg_namelen = remote -> length;
    }
    message.msg_iov = (struct iovec *) buffers;
    message.msg_iovlen = bufferCount;

    do
      sent = sendmsg (socket, & message, 0);
    while (sent == -1 && errno == EINTR);
    return (int) sent;
}

int
os_socket_receive (ENetSocket socket, ENetBuffer * buffers, size_t bufferCount, SocketAddress * source)
{
    struct msghdr message;
    ssize_t received;

    memset (& message, 0, sizeof (message));
    message.msg_name = & source -> storage;
    message.msg_namelen = sizeof (source -> storage);
    message.msg_iov = (struct iovec *) buffers;
    message.msg_iovlen = bufferCount;

    do
      received = recvmsg (socket, & message, 0);
    while (received == -1 && errno == EINTR);

    if (received == -1)
      return -1;
    if (message.msg_flags & MSG_TRUNC)
      return -2;
    source -> length = message.msg_namelen;
    return (int) received;
}

int
os_zone_name (uint32_t scope, char * zone, size_t length)
{
    char name [IF_NAMESIZE];
    if (if_indextoname (scope, name) == NULL || (size_t) snprintf (zone, length, "%s", name) >= length)
      return -1;
    return 0;
}

int
os_initialize (void)
{
    return 0;
}

void
os_deinitialize (void)
{
}

uint64_t
os_monotonic_ns (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, & now);
    return (uint64_t) now.tv_sec * 1000000000u + (uint64_t) now.tv_nsec;
}

int
os_random (void * buffer, size_t length)
{
#if defined(__linux__)
    return getrandom (buffer, length, GRND_NONBLOCK) == (ssize_t) length ? 0 : -1;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__)
    arc4random_buf (buffer, length);
    return 0;
#else
    (void) buffer; (void) length;
    return -1;
#endif
}

void
os_once (OsOnce * once, void (* function) (void))
{
    pthread_once (once, function);
}

#endif
