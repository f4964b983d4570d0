/*
 * The plain UDP side of the load generator (--raw): the same stamped payloads and windows as
 * the ENet side, sent as bare datagrams to a datagram echo server, so a run measures what any
 * UDP code costs before a protocol adds its own. Peers are streams sharing one socket; the
 * stamp tells their echoes apart. pingpong and stream only: with no protocol there are no
 * peers for "many" to keep apart.
 */
#include "clock.h"
#include "load.h"
#include "payload.h"
#include "window.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define RAW_BUFFER_SIZE (256 * 1024) /* what ENet asks of its sockets, so both start even */
#define RAW_PROBE ((uint32_t) -1)    /* stamp.peer of the packets that check the server is up */

typedef struct
{
    const Config * config;
    Result * result;
    int socket;
    Window * windows;
    uint8_t * payload;
    uint8_t * buffer;
    Phases phases;
    uint64_t stop_at;
} Run;

static int
send_stamped (Run * run, uint32_t peer, uint64_t seq, uint64_t now)
{
    Stamp stamp = { now, seq, peer };

    payload_stamp (run -> payload, & stamp);
    return send (run -> socket, run -> payload, run -> config -> size, 0) < 0 ? -1 : 0;
}

/* Tops up one stream's window until the measured window ends. A full socket buffer just
   ends this round: the stream refills on its next echo or expiry. */
static void
refill (Run * run, uint32_t peer)
{
    Window * window = & run -> windows [peer];

    while (window -> in_flight < run -> config -> window)
    {
        uint64_t now = now_ns ();
        if (now >= run -> phases.end_at || send_stamped (run, peer, window -> next, now) != 0)
          return;
        window_open (window, now);
        if (in_window (& run -> phases, now))
          run -> result -> sent ++;
    }
}

/* Reads every datagram waiting; returns how many were echoes of the probe. */
static unsigned
drain (Run * run)
{
    unsigned probes = 0;

    for (;;)
    {
        ssize_t length = recv (run -> socket, run -> buffer, 65536, 0);
        uint64_t now = now_ns ();
        Stamp stamp;

        if (length < 0)
        {
            /* ECONNREFUSED is an ICMP from a server not (or no longer) listening: a lost packet. */
            if (errno == ECONNREFUSED || errno == EINTR)
              continue;
            return probes;
        }
        if (payload_read (run -> buffer, (size_t) length, & stamp) != 0)
          continue;
        if (stamp.peer == RAW_PROBE)
        {
            probes ++;
            continue;
        }
        if (stamp.peer >= run -> config -> peers || ! window_close (& run -> windows [stamp.peer], stamp.seq))
          continue;
        if (in_window (& run -> phases, stamp.sent_at) && now < run -> stop_at)
        {
            run -> result -> received ++;
            latency_record_ns (& run -> result -> latency, now - stamp.sent_at);
        }
        refill (run, stamp.peer);
    }
}

static void
wait_readable (Run * run, int timeout_ms)
{
    struct pollfd readable = { run -> socket, POLLIN, 0 };
    poll (& readable, 1, timeout_ms);
}

/* UDP has no handshake; "connected" means the server echoed a probe. */
static int
probe (Run * run)
{
    uint64_t start = now_ns ();
    uint64_t deadline = start + (uint64_t) (run -> config -> connect_timeout_s * 1e9);
    uint64_t next_probe = start;

    for (;;)
    {
        uint64_t now = now_ns ();
        if (now >= deadline)
        {
            run -> result -> error = "connect timeout (no echo from the server)";
            return 1;
        }
        if (now >= next_probe)
        {
            send_stamped (run, RAW_PROBE, 0, now);
            next_probe = now + 100000000u;
        }
        wait_readable (run, 10);
        if (drain (run) > 0)
          break;
    }
    run -> result -> connected = run -> config -> peers;
    run -> result -> connect_s = (double) (now_ns () - start) / 1e9;
    return 0;
}

static int
all_answered (const Run * run)
{
    for (unsigned i = 0; i < run -> config -> peers; ++ i)
    {
        if (run -> windows [i].in_flight > 0)
          return 0;
    }
    return 1;
}

static void
run_window (Run * run)
{
    const Config * config = run -> config;
    uint64_t loss_timeout = (uint64_t) (config -> loss_timeout_ms * 1e6);
    uint64_t next_expiry = 0;

    for (uint32_t i = 0; i < config -> peers; ++ i)
      refill (run, i);
    for (;;)
    {
        uint64_t now = now_ns ();
        int phase = phases_tick (& run -> phases, now);

        if (now >= run -> stop_at || (phase == PHASE_DONE && all_answered (run)))
          break;
        wait_readable (run, 1);
        drain (run);
        now = now_ns ();
        if (now >= next_expiry)
        {
            next_expiry = now + 1000000;
            for (uint32_t i = 0; i < config -> peers; ++ i)
            {
                window_expire (& run -> windows [i], now, loss_timeout);
                /* Also retries whatever a full socket buffer held back. */
                refill (run, i);
            }
        }
    }
}

static int
setup (Run * run)
{
    const Config * config = run -> config;
    struct sockaddr_in server = { 0 };
    int size = RAW_BUFFER_SIZE;

    run -> payload = payload_new (config -> size);
    run -> buffer = malloc (65536);
    run -> windows = calloc (config -> peers, sizeof (Window));
    if (run -> payload == NULL || run -> buffer == NULL || run -> windows == NULL)
      return -1;
    for (unsigned i = 0; i < config -> peers; ++ i)
    {
        if (window_init (& run -> windows [i]) != 0)
          return -1;
    }

    run -> socket = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (run -> socket < 0)
      return -1;
    setsockopt (run -> socket, SOL_SOCKET, SO_RCVBUF, & size, sizeof (size));
    setsockopt (run -> socket, SOL_SOCKET, SO_SNDBUF, & size, sizeof (size));
    server.sin_family = AF_INET;
    server.sin_port = htons ((uint16_t) config -> port);
    server.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    /* Connected, so send needs no address and only the server's datagrams reach us. */
    return connect (run -> socket, (struct sockaddr *) & server, sizeof (server));
}

int
run_raw (const Config * config, Result * result)
{
    Run run = { 0 };
    int status;

    run.config = config;
    run.result = result;
    run.socket = -1;
    if (setup (& run) != 0)
    {
        result -> error = "could not set up the UDP socket";
        report (config, result);
        return 1;
    }

    status = probe (& run);
    if (status == 0)
    {
        report_connected (result);
        while (config -> wait_go && ! go_received ())
        {
            wait_readable (& run, 10);
            drain (& run); /* late probe echoes, which would keep the socket readable */
        }
        phases_start (& run.phases, config, now_ns ());
        run.stop_at = run.phases.end_at + (uint64_t) (config -> grace_s * 1e9);
        run_window (& run);
        result -> seconds = config -> duration_s;
    }
    result -> lost = result -> sent - result -> received;
    report (config, result);

    close (run.socket);
    return 0;
}
