/*
 * os.h on Windows, with Winsock 2.
 */
#ifdef _WIN32

#define ENET_BUILDING_LIB 1
#include "platform/os.h"

#include <stdio.h>
#include <bcrypt.h>
#include <mstcpip.h>

/* Documented in mstcpip.h of the Windows SDK; mingw-w64 has the first in mswsock.h only. */
#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR,12)
#endif
#ifndef SIO_UDP_NETRESET
#define SIO_UDP_NETRESET _WSAIOW(IOC_VENDOR,15)
#endif

/* ENet's Windows ENetBuffer (win32.h) is { size_t dataLength; void * data; }, which WSABUF
 * ({ ULONG len; CHAR * buf; }) overlays on little-endian Windows: the buffer pointers line up
 * and len reads the low half of dataLength (ENet's datagrams are far below 4 GiB). So ENet's
 * buffer arrays go to WSASendTo and WSARecvFrom as they are. */
_Static_assert (sizeof (ENetBuffer) == sizeof (WSABUF) && offsetof (ENetBuffer, data) == offsetof (WSABUF, buf) &&
                offsetof (ENetBuffer, dataLength) == offsetof (WSABUF, len),
                "ENetBuffer does not overlay WSABUF");

int
os_socket_error (void)
{
    return WSAGetLastError ();
}

int
os_would_block (int error)
{
    return error == WSAEWOULDBLOCK;
}

int
os_is_socket_failure (int error)
{
    return error == WSAENOTSOCK || error == WSAEFAULT || error == WSANOTINITIALISED;
}

void
os_describe_error (int error, char * buffer, size_t length)
{
    DWORD written = FormatMessageA (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD) error,
                                    0, buffer, (DWORD) length, NULL);
    /* System messages end with ".\r\n"; strerror()'s have neither. */
    while (written > 0 && (buffer [written - 1] == '.' || buffer [written - 1] == '\r' || buffer [written - 1] == '\n'))
      buffer [-- written] = '\0';
    if (written == 0)
      snprintf (buffer, length, "Winsock error %d", error);
}

ENetSocket
os_socket_open (int family)
{
    u_long nonBlocking = 1;
    BOOL off = FALSE;
    DWORD unused;
    SOCKET s = WSASocketW (family, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET)
      return ENET_SOCKET_NULL;
    if (ioctlsocket (s, FIONBIO, & nonBlocking) != 0)
    {
        int error = WSAGetLastError ();
        closesocket (s);
        WSASetLastError (error);
        return ENET_SOCKET_NULL;
    }
    /* By default an ICMP "port unreachable" (or "TTL expired") that answers one of our datagrams
     * makes the socket's next WSARecvFrom fail with WSAECONNRESET (or WSAENETRESET), whoever
     * sent the datagram waiting behind it. Off, the socket behaves as on POSIX. Should either
     * call fail, the receive path still drops such an error as one lost datagram. */
    WSAIoctl (s, SIO_UDP_CONNRESET, & off, sizeof (off), NULL, 0, & unused, NULL, NULL);
    WSAIoctl (s, SIO_UDP_NETRESET, & off, sizeof (off), NULL, 0, & unused, NULL, NULL);
    return s;
}

void
os_socket_close (ENetSocket socket)
{
    closesocket (socket);
}

int
os_socket_set_nonblocking (ENetSocket socket, int nonBlocking)
{
    u_long mode = nonBlocking ? 1 : 0;
    return ioctlsocket (socket, FIONBIO, & mode) == 0 ? 0 : -1;
}

int
os_socket_send (ENetSocket socket, const ENetBuffer * buffers, size_t bufferCount, const SocketAddress * remote)
{
    DWORD sent = 0;
    if (WSASendTo (socket, (LPWSABUF) buffers, (DWORD) bufferCount, & sent, 0,
                   remote == NULL ? NULL : (const struct sockaddr *) & remote -> storage,
                   remote == NULL ? 0 : remote -> length, NULL, NULL) != 0)
      return -1;
    return (int) sent;
}

int
os_socket_receive (ENetSocket socket, ENetBuffer * buffers, size_t bufferCount, SocketAddress * source)
{
    DWORD received = 0, flags = 0;
    source -> length = sizeof (source -> storage);
    if (WSARecvFrom (socket, (LPWSABUF) buffers, (DWORD) bufferCount, & received, & flags,
                     (struct sockaddr *) & source -> storage, & source -> length, NULL, NULL) != 0)
      /* WSAEMSGSIZE: the datagram was larger than the buffers, and its rest is gone (MSG_TRUNC). */
      return WSAGetLastError () == WSAEMSGSIZE ? -2 : -1;
    return (int) received;
}

int
os_zone_name (uint32_t scope, char * zone, size_t length)
{
    return (size_t) snprintf (zone, length, "%u", (unsigned) scope) >= length ? -1 : 0;
}

int
os_initialize (void)
{
    WSADATA data;
    if (WSAStartup (MAKEWORD (2, 2), & data) != 0)
      return -1;
    if (data.wVersion != MAKEWORD (2, 2))
    {
        WSACleanup ();
        return -1;
    }
    return 0;
}

void
os_deinitialize (void)
{
    WSACleanup ();
}

uint64_t
os_monotonic_ns (void)
{
    /* The performance counter, not GetTickCount64: ENet times round trips in milliseconds, and
     * the tick count moves in steps of the system timer (about 15.6 ms). */
    LARGE_INTEGER counter, frequency;
    uint64_t perSecond;
    QueryPerformanceCounter (& counter);
    QueryPerformanceFrequency (& frequency);   /* fixed at boot, read from shared memory */
    perSecond = (uint64_t) frequency.QuadPart;
    return (uint64_t) counter.QuadPart / perSecond * 1000000000u +
           (uint64_t) counter.QuadPart % perSecond * 1000000000u / perSecond;
}

int
os_random (void * buffer, size_t length)
{
    return BCRYPT_SUCCESS (BCryptGenRandom (NULL, (PUCHAR) buffer, (ULONG) length, BCRYPT_USE_SYSTEM_PREFERRED_RNG)) ? 0 : -1;
}

static BOOL CALLBACK
run_once (PINIT_ONCE once, PVOID parameter, PVOID * context)
{
    (void) once; (void) context;
    (* (void (**) (void)) parameter) ();
    return TRUE;
}

void
os_once (OsOnce * once, void (* function) (void))
{
    InitOnceExecuteOnce (once, run_once, (PVOID) & function, NULL);
}

#endif
