/*
 * Round-trip latency histogram: one bucket per microsecond up to 2 s, so percentiles are
 * exact at microsecond resolution without storing every sample.
 */
#ifndef BENCH_LATENCY_H
#define BENCH_LATENCY_H

#include <stdint.h>

typedef struct
{
    uint32_t * buckets;
    uint64_t count;
} Latency;

int latency_init (Latency * latency);
void latency_record_ns (Latency * latency, uint64_t round_trip_ns);
/* The q-th quantile (0..1) in microseconds; -1 when nothing was recorded. */
double latency_quantile_us (const Latency * latency, double q);

#endif
