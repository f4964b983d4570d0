/*
 * Library set-up, time and the random seed: the parts of ENet's unix.c that are not sockets.
 * Safe to call from several worker threads at once: nothing here has mutable shared state
 * except the time base, which is set once.
 */
#define ENET_BUILDING_LIB 1
#include "platform/platform.h"

#include <stdint.h>
#include <time.h>
#include <pthread.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

int
enet_initialize (void)
{
    return 0;
}

void
enet_deinitialize (void)
{
}

enet_uint32
enet_host_random_seed (void)
{
    /* The seed drives connectIDs and session IDs: use the OS generator, not the clock. */
    enet_uint32 seed = 0;
#if defined(__linux__)
    if (getrandom (& seed, sizeof (seed), GRND_NONBLOCK) == (ssize_t) sizeof (seed))
      return seed;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__)
    arc4random_buf (& seed, sizeof (seed));
    return seed;
#endif
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, & now);
    return (enet_uint32) (now.tv_nsec ^ (now.tv_sec << 20) ^ (uintptr_t) & seed);
}

static uint64_t
monotonic_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, & now);
    return (uint64_t) now.tv_sec * 1000u + (uint64_t) now.tv_nsec / 1000000u;
}

static uint64_t time_base;
static pthread_once_t time_base_once = PTHREAD_ONCE_INIT;

static void
set_time_base (void)
{
    /* Start near 1 like unix.c starts near 0, so ENet's wrap-around arithmetic sees small values. */
    time_base = monotonic_ms () - 1;
}

enet_uint32
enet_time_get (void)
{
    pthread_once (& time_base_once, set_time_base);
    return (enet_uint32) (monotonic_ms () - time_base);
}

void
enet_time_set (enet_uint32 newTimeBase)
{
    /* ENet's core never calls this; it exists for the API. It moves every thread's clock. */
    pthread_once (& time_base_once, set_time_base);
    time_base = monotonic_ms () - newTimeBase;
}
