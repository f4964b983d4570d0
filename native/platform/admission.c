/*
 * The new-connection rate limit (admission.h), as ENet's intercept callback.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"
#include "platform/admission.h"
#include "platform/socket_state.h"

#include <enet/time.h>
#include <stdint.h>
#include <stdlib.h>

static AdmissionSlot *
slot_of (Admission * admission, enet_uint32 address)
{
    enet_uint32 hash = address * 2654435761u;
    return & admission -> slots [(hash >> 20) % ADMISSION_SLOTS];
}

/* Whether the current datagram, a connection request, may reach ENet. */
static int
admit (Admission * admission, const ENetHost * host)
{
    const ENetAddress * source = & host -> receivedAddress;
    enet_uint32 now = enet_time_get (), burst = admission -> per_second * 1000u;
    AdmissionSlot * slot;

    /* A CONNECT resent by a peer ENet already knows costs nothing: ENet ignores it. */
    for (const ENetPeer * peer = host -> peers; peer < & host -> peers [host -> peerCount]; ++ peer)
      if (peer -> state != ENET_PEER_STATE_DISCONNECTED && peer -> address.host == source -> host &&
          peer -> address.port == source -> port)
        return 1;

    slot = slot_of (admission, source -> host);
    if (slot -> address != source -> host || slot -> refilled == 0)
    {
        slot -> address = source -> host;
        slot -> refilled = now;
        slot -> millitokens = burst;
    }
    else
    {
        enet_uint32 elapsed = ENET_TIME_DIFFERENCE (now, slot -> refilled);
        uint64_t refill = (uint64_t) elapsed * admission -> per_second;  /* ms × per second = millitokens */
        slot -> millitokens = refill >= burst - slot -> millitokens ? burst : slot -> millitokens + (enet_uint32) refill;
        slot -> refilled = now;
    }
    if (slot -> millitokens < 1000u)
      return 0;
    slot -> millitokens -= 1000u;
    return 1;
}

static int ENET_CALLBACK
intercept (ENetHost * host, ENetEvent * event)
{
    SocketState * state;
    enet_uint16 peerID;
    (void) event;
    if (host -> receivedDataLength < sizeof (enet_uint16))
      return 0;  /* ENet drops it */
    peerID = (enet_uint16) ((host -> receivedData [0] << 8) | host -> receivedData [1]);
    if ((peerID & ENET_PROTOCOL_MAXIMUM_PEER_ID) != ENET_PROTOCOL_MAXIMUM_PEER_ID)
      return 0;
    state = socket_state_find (host -> socket);
    if (state == NULL || state -> admission.per_second == 0)
      return 0;
    return admit (& state -> admission, host) ? 0 : 1;
}

int
platform_limit_connect_rate (ENetHost * host, enet_uint32 perSecond)
{
    SocketState * state = socket_state_find (host -> socket);
    if (state == NULL)
      return -1;
    if (perSecond > 0 && state -> admission.slots == NULL &&
        (state -> admission.slots = (AdmissionSlot *) calloc (ADMISSION_SLOTS, sizeof (AdmissionSlot))) == NULL)
      return -1;
    state -> admission.per_second = perSecond;
    host -> intercept = perSecond > 0 ? intercept : NULL;
    return 0;
}

void
admission_free (Admission * admission)
{
    free (admission -> slots);
    admission -> slots = NULL;
    admission -> per_second = 0;
}
