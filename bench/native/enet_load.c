/*
 * The ENet side of the load generator: one client host per process, holding every client
 * peer of the run as an outgoing peer to the same server (the server tells them apart by
 * connectID, as it would tell apart clients behind one NAT address).
 *
 * pingpong and stream keep a window of packets in flight per peer and refill it on each echo;
 * many sends one packet per peer every 1/rate seconds, starts staggered evenly across peers,
 * and never waits for echoes. Everything runs on channel 0 with the configured packet flags.
 */
#include "clock.h"
#include "load.h"
#include "payload.h"
#include "window.h"

#include <enet/enet.h>

#include <stdio.h>
#include <stdlib.h>

typedef struct
{
    ENetPeer * peer;
    Window window;      /* pingpong and stream */
    uint64_t seq;       /* many: the next sequence number */
    int live;           /* connected, and not disconnected since; 2 once we disconnect it */
} Client;

typedef struct
{
    const Config * config;
    Result * result;
    ENetHost * host;
    Client * clients;
    uint8_t * payload;
    Phases phases;
    uint64_t stop_at;   /* end of the grace period: echoes arriving later are not awaited */
} Run;

/* 0 when sent, 1 when the peer is going away (ENet timed it out; its DISCONNECT event is
   still to come), -1 on failure. */
static int
send_stamped (Run * run, unsigned index, uint64_t seq, uint64_t now)
{
    Client * client = & run -> clients [index];
    Stamp stamp = { now, seq, index };
    ENetPacket * packet;

    payload_stamp (run -> payload, & stamp);
    /* Only the flags that shape delivery; NO_ALLOCATE would hand ENet our reused template. */
    packet = enet_packet_create (run -> payload, run -> config -> size, run -> config -> flags &
                                 (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED |
                                  ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT));
    if (packet == NULL)
      return -1;
    if (enet_peer_send (client -> peer, 0, packet) < 0)
    {
        enet_packet_destroy (packet);
        if (client -> peer -> state == ENET_PEER_STATE_CONNECTED)
          return -1;
        client -> live = 0;
        return 1;
    }
    if (in_window (& run -> phases, now))
      run -> result -> sent ++;
    return 0;
}

/* Tops up one peer's window until the measured window ends; sending stops at END. */
static int
refill (Run * run, unsigned index)
{
    Client * client = & run -> clients [index];

    while (client -> live && client -> window.in_flight < run -> config -> window)
    {
        uint64_t now = now_ns ();
        int sent;
        if (now >= run -> phases.end_at)
          break;
        sent = send_stamped (run, index, client -> window.next, now);
        if (sent < 0)
        {
            run -> result -> error = "enet_peer_send failed";
            return -1;
        }
        if (sent > 0)
          break;
        window_open (& client -> window, now);
    }
    return 0;
}

static int
receive (Run * run, ENetEvent * event)
{
    unsigned index = (unsigned) (uintptr_t) event -> peer -> data;
    uint64_t now = now_ns ();
    Stamp stamp;
    int ours = payload_read (event -> packet -> data, event -> packet -> dataLength, & stamp) == 0 &&
               stamp.peer == index;

    enet_packet_destroy (event -> packet);
    if (! ours)
      return 0;
    /* An echo of a packet already given up on as lost counts for nothing. */
    if (run -> config -> mode != MODE_MANY && ! window_close (& run -> clients [index].window, stamp.seq))
      return 0;
    if (in_window (& run -> phases, stamp.sent_at) && now < run -> stop_at)
    {
        run -> result -> received ++;
        latency_record_ns (& run -> result -> latency, now - stamp.sent_at);
    }
    return run -> config -> mode == MODE_MANY ? 0 : refill (run, index);
}

static int
handle (Run * run, ENetEvent * event)
{
    Client * client = & run -> clients [(uintptr_t) event -> peer -> data];

    switch (event -> type)
    {
    case ENET_EVENT_TYPE_CONNECT:
        client -> live = 1;
        run -> result -> connected ++;
        return 0;

    case ENET_EVENT_TYPE_DISCONNECT:
        /* A peer that never connected failed to; the connect phase reports that. */
        run -> result -> disconnected ++;
        client -> live = 0;
        return 0;

    case ENET_EVENT_TYPE_RECEIVE:
        return receive (run, event);

    default:
        return 0;
    }
}

/* One service call, then every event it queued, so a wake-up handles all ENet read. */
static int
service (Run * run, enet_uint32 timeout_ms)
{
    ENetEvent event;
    int result = enet_host_service (run -> host, & event, timeout_ms);

    for (; result > 0; result = enet_host_check_events (run -> host, & event))
    {
        if (handle (run, & event) < 0)
          return -1;
    }
    if (result < 0)
      run -> result -> error = "enet_host_service failed";
    return result;
}

static int
connect_all (Run * run)
{
    const Config * config = run -> config;
    uint64_t start = now_ns ();
    uint64_t deadline = start + (uint64_t) (config -> connect_timeout_s * 1e9);
    unsigned started = 0;
    ENetAddress address;

    enet_address_set_host_ip (& address, "127.0.0.1");
    address.port = (enet_uint16) config -> port;
    while (run -> result -> connected < config -> peers)
    {
        /* Thousands of CONNECTs at once would overflow the server's socket buffer, and ENet
           only resends a dropped one after its retransmission timeout (500 ms at first). So
           pace them, and cap those unanswered: a handshake costs stock ENet a pass over all
           its peers on both ends, so a big server answers far fewer than the pace allows. */
        uint64_t paced = ((now_ns () - start) / 1000000u + 1) * config -> connects_per_ms;
        uint64_t capped = run -> result -> connected + config -> connects_in_flight;
        for (; started < paced && started < capped && started < config -> peers; ++ started)
        {
            ENetPeer * peer = enet_host_connect (run -> host, & address, 1, 0);
            if (peer == NULL)
            {
                run -> result -> error = "enet_host_connect failed";
                return -1;
            }
            peer -> data = (void *) (uintptr_t) started;
            run -> clients [started].peer = peer;
        }
        if (service (run, 1) < 0)
          return -1;
        if (run -> result -> disconnected > 0)
        {
            run -> result -> error = "a peer failed to connect";
            return 1;
        }
        if (now_ns () >= deadline)
        {
            run -> result -> error = "connect timeout";
            return 1;
        }
    }
    run -> result -> connect_s = (double) (now_ns () - start) / 1e9;
    return 0;
}

static int
all_answered (const Run * run)
{
    for (unsigned i = 0; i < run -> config -> peers; ++ i)
    {
        if (run -> clients [i].live && run -> clients [i].window.in_flight > 0)
          return 0;
    }
    return 1;
}

static int
run_window (Run * run)
{
    const Config * config = run -> config;
    /* Reliable packets cannot be lost, only slow: never give up on them. */
    int expires = ! (config -> flags & ENET_PACKET_FLAG_RELIABLE);
    uint64_t loss_timeout = (uint64_t) (config -> loss_timeout_ms * 1e6);
    uint64_t next_expiry = 0;

    for (unsigned i = 0; i < config -> peers; ++ i)
    {
        if (refill (run, i) < 0)
          return -1;
    }
    enet_host_flush (run -> host);
    for (;;)
    {
        uint64_t now = now_ns ();
        int phase = phases_tick (& run -> phases, now);

        if (now >= run -> stop_at || (phase == PHASE_DONE && all_answered (run)))
          break;
        if (service (run, 1) < 0)
          return -1;
        now = now_ns ();
        if (expires && now >= next_expiry)
        {
            next_expiry = now + 1000000;
            for (unsigned i = 0; i < config -> peers; ++ i)
            {
                if (window_expire (& run -> clients [i].window, now, loss_timeout) > 0 && refill (run, i) < 0)
                  return -1;
            }
        }
        enet_host_flush (run -> host);
    }
    return 0;
}

static int
run_many (Run * run)
{
    const Config * config = run -> config;
    double spacing = 1e9 / config -> rate_hz / config -> peers; /* between two sends of the process */
    uint64_t start = now_ns ();
    uint64_t k = 0;

    for (;;)
    {
        uint64_t now = now_ns ();
        int phase = phases_tick (& run -> phases, now);
        uint64_t next, wait_ns;
        int sent = 0;

        if (now >= run -> stop_at || (phase == PHASE_DONE && run -> result -> received == run -> result -> sent))
          break;
        /* Send k goes to peer k mod peers, so each peer sends every 1/rate s, offset by its index. */
        for (; phase != PHASE_DONE && start + (uint64_t) ((double) k * spacing) <= now; ++ k)
        {
            unsigned index = (unsigned) (k % config -> peers);
            Client * client = & run -> clients [index];
            if (client -> live && send_stamped (run, index, client -> seq ++, now_ns ()) < 0)
            {
                run -> result -> error = "enet_peer_send failed";
                return -1;
            }
            sent = 1;
        }
        if (sent)
          enet_host_flush (run -> host);

        /* Sleep in the service call until the next send is due; rounding up to whole ms only
           delays a send a little (its stamp is taken when it goes), it never spins. */
        next = phase == PHASE_DONE ? run -> stop_at : start + (uint64_t) ((double) k * spacing);
        if (phase == PHASE_WARMUP && next > run -> phases.measure_at)
          next = run -> phases.measure_at;
        if (next > run -> phases.end_at && phase != PHASE_DONE)
          next = run -> phases.end_at;
        now = now_ns ();
        wait_ns = next > now ? next - now : 0;
        if (service (run, (enet_uint32) ((wait_ns + 999999) / 1000000)) < 0)
          return -1;
    }
    return 0;
}

/* Disconnects every live peer gracefully, waiting at most a second for the server to agree.
   Paced like the connects: a thousand DISCONNECTs at once overflow the server's socket buffer,
   and with only unreliable traffic ENet still resends on its initial 500 ms timeout. */
static void
disconnect_all (Run * run)
{
    const Config * config = run -> config;
    uint64_t deadline = now_ns () + 1000000000u;
    unsigned next = 0, pending = 0;

    while (now_ns () < deadline)
    {
        ENetEvent event;
        int result;

        /* A handshake still under way is just dropped: enet_host_destroy resets its peer. */
        for (; next < config -> peers && pending < config -> connects_in_flight; ++ next)
        {
            if (run -> clients [next].live == 1)
            {
                enet_peer_disconnect (run -> clients [next].peer, 0);
                run -> clients [next].live = 2;
                pending ++;
            }
        }
        if (next == config -> peers && pending == 0)
          break;
        result = enet_host_service (run -> host, & event, 1);
        for (; result > 0; result = enet_host_check_events (run -> host, & event))
        {
            if (event.type == ENET_EVENT_TYPE_DISCONNECT)
            {
                Client * client = & run -> clients [(uintptr_t) event.peer -> data];
                pending -= client -> live == 2;
                client -> live = 0;
            }
            else if (event.type == ENET_EVENT_TYPE_RECEIVE)
              enet_packet_destroy (event.packet);
        }
        if (result < 0)
          break;
    }
}

static int
setup (Run * run)
{
    const Config * config = run -> config;

    run -> payload = payload_new (config -> size);
    run -> clients = calloc (config -> peers, sizeof (Client));
    if (run -> payload == NULL || run -> clients == NULL)
      return -1;
    if (config -> mode != MODE_MANY)
    {
        for (unsigned i = 0; i < config -> peers; ++ i)
        {
            if (window_init (& run -> clients [i].window) != 0)
              return -1;
        }
    }
    run -> host = enet_host_create (NULL, config -> peers, 1, 0, 0);
    if (run -> host == NULL)
      return -1;
    if (config -> range && enet_host_compress_with_range_coder (run -> host) != 0)
      return -1;
    return 0;
}

int
run_enet (const Config * config, Result * result)
{
    Run run = { 0 };
    int status;

    run.config = config;
    run.result = result;
    if (enet_initialize () != 0 || setup (& run) != 0)
    {
        result -> error = "could not set up the ENet client host";
        report (config, result);
        return 1;
    }

    status = connect_all (& run);
    if (status == 0)
    {
        report_connected (result);
        if (config -> wait_go)
        {
            while (status == 0 && ! go_received ())
              status = service (& run, 10) < 0 ? -1 : 0;
        }
    }
    if (status == 0)
    {
        phases_start (& run.phases, config, now_ns ());
        run.stop_at = run.phases.end_at + (uint64_t) (config -> grace_s * 1e9);
        status = config -> mode == MODE_MANY ? run_many (& run) : run_window (& run);
        if (run.phases.phase == PHASE_DONE)
          result -> seconds = config -> duration_s;
    }
    result -> lost = result -> sent - result -> received;
    report (config, result);

    disconnect_all (& run);
    enet_host_destroy (run.host);
    enet_deinitialize ();
    return status < 0 ? 1 : 0;
}
