/*
 * What the load generator's parts share: its configuration, its result, and the phases of a
 * run (warm-up, measured window, then a grace period in which only late echoes count).
 */
#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H

#include "latency.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { MODE_PINGPONG, MODE_STREAM, MODE_MANY } Mode;

typedef struct
{
    Mode mode;
    int raw;             /* plain UDP instead of ENet (pingpong and stream) */
    int range;           /* ENet range coder */
    int wait_go;         /* after connecting, wait for "go" on stdin (several clients in step) */
    unsigned port;
    size_t size;
    unsigned flags;      /* ENet packet flags */
    unsigned window;     /* packets in flight (pingpong: 1) */
    unsigned peers;      /* many: client peers in this process */
    double rate_hz;      /* many: packets per peer per second */
    double warmup_s;
    double duration_s;
    double grace_s;      /* many: how long echoes of window packets are still awaited */
    double connect_timeout_s;
    double loss_timeout_ms;
    unsigned connects_per_ms;
    unsigned connects_in_flight; /* handshakes started but not yet answered */
} Config;

typedef struct
{
    uint64_t sent;       /* packets sent during the measured window */
    uint64_t received;   /* echoes counted for the measured window */
    uint64_t lost;
    unsigned connected;
    unsigned disconnected;
    double connect_s;
    double seconds;      /* measured window length; 0 when the run never got there */
    const char * error;
    Latency latency;
} Result;

typedef struct
{
    uint64_t measure_at;
    uint64_t end_at;
    int phase;
} Phases;

enum { PHASE_WARMUP, PHASE_MEASURE, PHASE_DONE };

void phases_start (Phases * phases, const Config * config, uint64_t now);
/* Moves to the phase `now` falls in, announcing MEASURE and END on stdout; returns it. */
int phases_tick (Phases * phases, uint64_t now);

static inline int
in_window (const Phases * phases, uint64_t t)
{
    return t >= phases -> measure_at && t < phases -> end_at;
}

/* Non-blocking: whether "go" (or EOF) arrived on stdin. */
int go_received (void);

/* Prints "CONNECTED <n> <seconds>". */
void report_connected (const Result * result);
/* Prints the one "RESULT {json}" line; runners call it before tearing down. */
void report (const Config * config, const Result * result);

int run_enet (const Config * config, Result * result);
int run_raw (const Config * config, Result * result);

#endif
