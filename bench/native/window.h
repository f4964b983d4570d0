/*
 * The packets a stream keeps in flight, by sequence number. An echo closes its packet; a
 * packet left unanswered past the loss timeout is counted lost and leaves the window, so an
 * unreliable stream refills instead of stalling on a dropped datagram.
 */
#ifndef BENCH_WINDOW_H
#define BENCH_WINDOW_H

#include <stdint.h>

typedef struct
{
    uint8_t * state;
    uint64_t * sent_at;
    uint64_t mask;
    uint64_t head; /* oldest sequence number that may still be in flight */
    uint64_t next; /* sequence number of the next packet */
    unsigned in_flight;
} Window;

int window_init (Window * window);
/* Opens the next sequence number, sent at `now`. */
uint64_t window_open (Window * window, uint64_t now);
/* Closes `seq` on its echo: 1 if it was in flight, 0 for a late or unknown echo. */
int window_close (Window * window, uint64_t seq);
/* Expires packets in flight for longer than `timeout_ns`; returns how many were lost. */
unsigned window_expire (Window * window, uint64_t now, uint64_t timeout_ns);

#endif
