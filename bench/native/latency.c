#include "latency.h"

#include <stdlib.h>

#define LATENCY_BUCKETS 2000000u /* 2 s in microseconds; slower round trips share the last one */

int
latency_init (Latency * latency)
{
    latency -> buckets = calloc (LATENCY_BUCKETS, sizeof (uint32_t));
    latency -> count = 0;
    return latency -> buckets == NULL ? -1 : 0;
}

void
latency_record_ns (Latency * latency, uint64_t round_trip_ns)
{
    uint64_t us = round_trip_ns / 1000u;
    latency -> buckets [us < LATENCY_BUCKETS ? us : LATENCY_BUCKETS - 1] ++;
    latency -> count ++;
}

double
latency_quantile_us (const Latency * latency, double q)
{
    uint64_t rank, seen = 0;
    if (latency -> count == 0)
      return -1;
    rank = (uint64_t) (q * (double) (latency -> count - 1)) + 1;
    for (uint32_t us = 0; us < LATENCY_BUCKETS; ++ us)
    {
        seen += latency -> buckets [us];
        if (seen >= rank)
          return us;
    }
    return LATENCY_BUCKETS - 1;
}
