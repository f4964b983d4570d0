/*
 * Library set-up, time and the random seed: the parts of ENet's unix.c and win32.c that are
 * not sockets. Safe to call from several worker threads at once: nothing here has mutable
 * shared state except the time base, which is set once.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"
#include "platform/os.h"

int
enet_initialize (void)
{
    return os_initialize ();
}

void
enet_deinitialize (void)
{
    os_deinitialize ();
}

enet_uint32
enet_host_random_seed (void)
{
    /* The seed drives connectIDs and session IDs: use the OS generator, not the clock. */
    enet_uint32 seed = 0;
    uint64_t now;
    if (os_random (& seed, sizeof (seed)) == 0)
      return seed;
    now = os_monotonic_ns ();
    return (enet_uint32) (now ^ (now >> 32) ^ (uintptr_t) & seed);
}

static uint64_t
monotonic_ms (void)
{
    return os_monotonic_ns () / 1000000u;
}

static uint64_t time_base;
static OsOnce time_base_once = OS_ONCE_INIT;

static void
set_time_base (void)
{
    /* Start near 1 like unix.c starts near 0, so ENet's wrap-around arithmetic sees small values. */
    time_base = monotonic_ms () - 1;
}

enet_uint32
enet_time_get (void)
{
    os_once (& time_base_once, set_time_base);
    return (enet_uint32) (monotonic_ms () - time_base);
}

void
enet_time_set (enet_uint32 newTimeBase)
{
    /* ENet's core never calls this; it exists for the API. It moves every thread's clock. */
    os_once (& time_base_once, set_time_base);
    time_base = monotonic_ms () - newTimeBase;
}
