/*
 * What every benchmark packet carries: its send time, sequence number and sending peer in the
 * first 20 bytes, then fixed pseudo-random filler (incompressible, so the range coder gains
 * nothing it would not gain on real game traffic of the same entropy).
 */
#ifndef BENCH_PAYLOAD_H
#define BENCH_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_HEADER 20

typedef struct
{
    uint64_t sent_at;
    uint64_t seq;
    uint32_t peer;
} Stamp;

/* A packet template of `size` bytes (at least PAYLOAD_HEADER); NULL when out of memory. */
uint8_t * payload_new (size_t size);
void payload_stamp (uint8_t * data, const Stamp * stamp);
/* 0 and the stamp, or -1 for a packet too short to be ours. */
int payload_read (const uint8_t * data, size_t length, Stamp * stamp);

#endif
