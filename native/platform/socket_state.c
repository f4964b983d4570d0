/*
 * The registry of socket states (socket_state.h): a small hash of chains under one lock,
 * taken only to attach, find or forget a state, never while ENet uses it.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"
#include "platform/socket_state.h"
#include "platform/dtls.h"

#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>
static SRWLOCK registry_lock = SRWLOCK_INIT;
#define LOCK() AcquireSRWLockExclusive (& registry_lock)
#define UNLOCK() ReleaseSRWLockExclusive (& registry_lock)
#else
#include <pthread.h>
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
#define LOCK() pthread_mutex_lock (& registry_lock)
#define UNLOCK() pthread_mutex_unlock (& registry_lock)
#endif

#define BUCKETS 64

static SocketState * buckets [BUCKETS];

static SocketState **
bucket_of (ENetSocket socket)
{
    return & buckets [(size_t) socket % BUCKETS];
}

int
platform_socket_attach (ENetSocket socket, const ENetHost * host)
{
    SocketState * state = (SocketState *) calloc (1, sizeof (SocketState));
    SocketState ** bucket;
    if (state == NULL)
      return -1;
    state -> socket = socket;
    state -> host = host;
    /* Room for every peer slot twice over: released entries are reclaimed in bulk. */
    address_map_init (& state -> addresses, host -> peerCount * 2 + 64,
                      ((uint64_t) enet_host_random_seed () << 32) ^ enet_host_random_seed ());
    LOCK ();
    bucket = bucket_of (socket);
    state -> next = * bucket;
    * bucket = state;
    UNLOCK ();
    return 0;
}

SocketState *
socket_state_find (ENetSocket socket)
{
    SocketState * state;
    LOCK ();
    for (state = * bucket_of (socket); state != NULL && state -> socket != socket; state = state -> next)
      ;
    UNLOCK ();
    return state;
}

void
socket_state_forget (ENetSocket socket)
{
    SocketState ** link, * state = NULL;
    LOCK ();
    for (link = bucket_of (socket); * link != NULL; link = & (* link) -> next)
      if ((* link) -> socket == socket)
      {
          state = * link;
          * link = state -> next;
          break;
      }
    UNLOCK ();
    if (state == NULL)
      return;
    if (state -> dtls != NULL)
      dtls_destroy (state -> dtls);
    address_map_free (& state -> addresses);
    admission_free (& state -> admission);
    free (state);
}
