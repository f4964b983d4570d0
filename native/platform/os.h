/*
 * The OS seam of the platform layer: what POSIX (Linux, macOS) and Windows (Winsock 2) do
 * differently is declared here and implemented in os_posix.c and os_win32.c, each of which
 * compiles to nothing on the other OS (like ENet's unix.c and win32.c). The rest of
 * native/platform is written once, against this header.
 */
#ifndef GODOT_ENET_OS_H
#define GODOT_ENET_OS_H

#include <enet/enet.h>   /* ENetSocket and ENetBuffer; on Windows <winsock2.h> and <windows.h> */
#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#endif

/* ---- errors: errno, or WSAGetLastError() ------------------------------------------------------ */

#ifdef _WIN32
#define OS_EINTR WSAEINTR
#define OS_EINVAL WSAEINVAL
#define OS_EPROTONOSUPPORT WSAEPROTONOSUPPORT
#else
#define OS_EINTR EINTR
#define OS_EINVAL EINVAL
#define OS_EPROTONOSUPPORT EPROTONOSUPPORT
#endif

/* The error of this thread's last failed socket call. */
int os_socket_error (void);

/* The socket's buffer is full (send) or empty (receive): nothing happened, try later. */
int os_would_block (int error);

/* The socket itself is unusable, as opposed to one datagram failing. */
int os_is_socket_failure (int error);

/* A readable description of an error, without a trailing newline or full stop. */
void os_describe_error (int error, char * buffer, size_t length);

/* ---- UDP sockets -------------------------------------------------------------------------------- */

typedef struct
{
    struct sockaddr_storage storage;
    socklen_t length;
} SocketAddress;

/* A UDP socket, non-blocking and not inherited by child processes; ENET_SOCKET_NULL on failure. */
ENetSocket os_socket_open (int family);
void os_socket_close (ENetSocket socket);
int os_socket_set_nonblocking (ENetSocket socket, int nonBlocking);

/* Sends one datagram gathered from `buffers` to `remote` (NULL: the connected address).
 * Returns the bytes sent, or -1 (os_socket_error() tells why). */
int os_socket_send (ENetSocket socket, const ENetBuffer * buffers, size_t bufferCount, const SocketAddress * remote);

/* Reads one datagram, scattered into `buffers`, and its source. Returns its length; -1 on an
 * error (os_socket_error()); -2 when it did not fit (the rest of it is discarded). */
int os_socket_receive (ENetSocket socket, ENetBuffer * buffers, size_t bufferCount, SocketAddress * source);

/* poll() on one or more sockets (struct pollfd, POLLIN, POLLOUT: both APIs have them). */
#ifdef _WIN32
#define os_poll(sockets, count, timeout) WSAPoll ((sockets), (ULONG) (count), (INT) (timeout))
#else
#define os_poll(sockets, count, timeout) poll ((sockets), (nfds_t) (count), (int) (timeout))
#endif

/* The zone of an IPv6 scope as the OS writes it after '%': an interface name on POSIX, the
 * interface index on Windows (what its getaddrinfo() reads back). Returns 0, or -1 for none. */
int os_zone_name (uint32_t scope, char * zone, size_t length);

/* ---- process set-up, time, randomness ----------------------------------------------------------- */

/* Once per enet_initialize() and enet_deinitialize(): Winsock's start-up and clean-up, which
 * Winsock counts. Returns 0 or -1. */
int os_initialize (void);
void os_deinitialize (void);

/* A clock that never goes back, in nanoseconds from an arbitrary start. */
uint64_t os_monotonic_ns (void);

/* Fills `buffer` from the OS's random generator; 0, or -1 when it is not available. */
int os_random (void * buffer, size_t length);

/* ---- threads ------------------------------------------------------------------------------------ */

#ifdef _WIN32
typedef INIT_ONCE OsOnce;
#define OS_ONCE_INIT INIT_ONCE_STATIC_INIT

typedef SRWLOCK OsLock;
#define OS_LOCK_INIT SRWLOCK_INIT
#define os_lock(lock) AcquireSRWLockExclusive (lock)
#define os_unlock(lock) ReleaseSRWLockExclusive (lock)

/* A counter changed by several threads; a read is a hint, ordered with nothing else. */
typedef volatile LONG OsCounter;
#define os_counter_add(counter, n) ((void) InterlockedExchangeAdd ((counter), (n)))
#define os_counter_get(counter) (* (counter))
#else
typedef pthread_once_t OsOnce;
#define OS_ONCE_INIT PTHREAD_ONCE_INIT

typedef pthread_mutex_t OsLock;
#define OS_LOCK_INIT PTHREAD_MUTEX_INITIALIZER
#define os_lock(lock) pthread_mutex_lock (lock)
#define os_unlock(lock) pthread_mutex_unlock (lock)

typedef atomic_int OsCounter;
#define os_counter_add(counter, n) ((void) atomic_fetch_add ((counter), (n)))
#define os_counter_get(counter) atomic_load_explicit ((counter), memory_order_relaxed)
#endif

/* Calls `function` once per process, whichever thread comes first; the others wait for it. */
void os_once (OsOnce * once, void (* function) (void));

/* MSVC's C compiler has no _Thread_local. */
#if defined(_MSC_VER) && ! defined(__clang__)
#define OS_THREAD_LOCAL __declspec (thread)
#else
#define OS_THREAD_LOCAL _Thread_local
#endif

#endif
