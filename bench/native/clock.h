/* Monotonic nanoseconds: the load generator's one time base (payload stamps, phases, pacing). */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
now_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, & ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static inline void
sleep_until_ns (uint64_t deadline)
{
    struct timespec ts = { (time_t) (deadline / 1000000000u), (long) (deadline % 1000000000u) };
    clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, & ts, NULL);
}

#endif
