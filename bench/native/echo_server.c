/*
 * The baseline: a stock ENet 1.3.18 echo server (ENet's own unix.c, nothing of the addon).
 *
 *   echo_server [--range] [--peers N]
 *
 * Binds 127.0.0.1 on a free port and prints "PORT <n>". Every received packet goes back to its
 * sender on the same channel with the same flags. Each enet_host_service call is followed by
 * enet_host_check_events until the queue is empty, so one wake-up handles everything ENet
 * read; the echoes leave with the next service call's send pass, as in any stock ENet loop.
 *
 * SIGUSR1 prints "CPU <user_us> <system_us>" (the harness reads /proc instead, this is for
 * running it by hand). The server exits when its stdin closes, so it never outlives the
 * harness that started it.
 */
#include <enet/enet.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile sig_atomic_t cpu_requested;

static void
on_usr1 (int signal_number)
{
    (void) signal_number;
    cpu_requested = 1;
}

static void
print_cpu (void)
{
    struct rusage usage;
    getrusage (RUSAGE_SELF, & usage);
    printf ("CPU %lld %lld\n",
            (long long) usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec,
            (long long) usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec);
}

static int
stdin_closed (void)
{
    struct pollfd input = { STDIN_FILENO, POLLIN, 0 };
    char byte;
    if (poll (& input, 1, 0) <= 0)
      return 0;
    return read (STDIN_FILENO, & byte, 1) <= 0;
}

static void
echo (ENetEvent * event)
{
    ENetPacket * packet = event -> packet;
    enet_uint32 flags = packet -> flags & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED |
                                           ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT);
    ENetPacket * reply = enet_packet_create (packet -> data, packet -> dataLength, flags);
    if (reply != NULL && enet_peer_send (event -> peer, event -> channelID, reply) < 0)
      enet_packet_destroy (reply);
    enet_packet_destroy (packet);
}

int
main (int argc, char ** argv)
{
    ENetAddress address;
    ENetHost * host;
    ENetEvent event;
    size_t peers = 4095;
    int range = 0;
    enet_uint32 last_stdin_check = 0;

    for (int i = 1; i < argc; ++ i)
    {
        if (strcmp (argv [i], "--range") == 0)
          range = 1;
        else if (strcmp (argv [i], "--peers") == 0 && i + 1 < argc)
          peers = (size_t) atoi (argv [++ i]);
    }
    if (enet_initialize () != 0)
      return 2;
    setvbuf (stdout, NULL, _IOLBF, 0);
    signal (SIGUSR1, on_usr1);

    enet_address_set_host_ip (& address, "127.0.0.1");
    address.port = 0;
    host = enet_host_create (& address, peers, 0, 0, 0);
    if (host == NULL)
      return 3;
    if (range && enet_host_compress_with_range_coder (host) != 0)
      return 4;
    enet_socket_get_address (host -> socket, & address);
    printf ("PORT %u\n", address.port);

    for (;;)
    {
        int result = enet_host_service (host, & event, 100);
        for (; result > 0; result = enet_host_check_events (host, & event))
        {
            if (event.type == ENET_EVENT_TYPE_RECEIVE)
              echo (& event);
        }
        if (result < 0)
          return 5;
        if (cpu_requested)
        {
            cpu_requested = 0;
            print_cpu ();
        }
        /* A poll per loop would be a syscall per wake-up; ten checks a second are plenty. */
        if (enet_time_get () - last_stdin_check >= 100)
        {
            last_stdin_check = enet_time_get ();
            if (stdin_closed ())
              break;
        }
    }

    enet_host_destroy (host);
    enet_deinitialize ();
    return 0;
}
