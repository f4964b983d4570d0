/*
 * The registry of socket states (socket_state.h): a small hash of chains under one lock,
 * taken only to attach, find or forget a state, never while ENet uses it.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"
#include "platform/socket_state.h"
#include "platform/dtls.h"
#include "platform/os.h"

#include <stdlib.h>

#define BUCKET_BITS 6
#define BUCKETS (1 << BUCKET_BITS)

static OsLock registry_lock = OS_LOCK_INIT;
static SocketState * buckets [BUCKETS];

static SocketState **
bucket_of (ENetSocket socket)
{
    /* Multiplicative hashing, not a modulo: Windows socket handles are multiples of 4. */
    return & buckets [((uint32_t) socket * 2654435761u) >> (32 - BUCKET_BITS)];
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
    os_lock (& registry_lock);
    bucket = bucket_of (socket);
    state -> next = * bucket;
    * bucket = state;
    os_unlock (& registry_lock);
    return 0;
}

SocketState *
socket_state_find (ENetSocket socket)
{
    SocketState * state;
    os_lock (& registry_lock);
    for (state = * bucket_of (socket); state != NULL && state -> socket != socket; state = state -> next)
      ;
    os_unlock (& registry_lock);
    return state;
}

void
socket_state_forget (ENetSocket socket)
{
    SocketState ** link, * state = NULL;
    os_lock (& registry_lock);
    for (link = bucket_of (socket); * link != NULL; link = & (* link) -> next)
      if ((* link) -> socket == socket)
      {
          state = * link;
          * link = state -> next;
          break;
      }
    os_unlock (& registry_lock);
    if (state == NULL)
      return;
    if (state -> dtls != NULL)
      dtls_destroy (state -> dtls);
    address_map_free (& state -> addresses);
    admission_free (& state -> admission);
    free (state);
}
