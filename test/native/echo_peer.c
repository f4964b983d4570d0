/*
 * A stock-ENet peer for interop tests: ENet 1.3.18 with its own unix.c, nothing of ours.
 *
 *   echo_peer server [range]          bind 127.0.0.1 on a free port, print "PORT <n>"
 *   echo_peer client <port> [range]   connect to 127.0.0.1:<port> with connect data 7
 *
 * "range" enables ENet's range coder. Every received packet is reported on stdout as
 * "RECV <channel> <flags> <length> <fnv1a32>" and echoed back on the same channel with the
 * same flags. CONNECT and DISCONNECT are reported with their data. The program exits when
 * its stdin closes, so it never outlives the test that started it.
 */
#include <enet/enet.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned
fnv1a (const unsigned char * data, size_t length)
{
    unsigned hash = 2166136261u;
    for (size_t i = 0; i < length; ++ i)
      hash = (hash ^ data [i]) * 16777619u;
    return hash;
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

int
main (int argc, char ** argv)
{
    ENetAddress address;
    ENetHost * host;
    ENetEvent event;
    int client = argc >= 3 && strcmp (argv [1], "client") == 0;
    const char * last = argv [argc - 1];

    if (argc < 2 || enet_initialize () != 0)
      return 2;
    setvbuf (stdout, NULL, _IOLBF, 0);

    enet_address_set_host_ip (& address, "127.0.0.1");
    address.port = 0;
    host = enet_host_create (& address, 8, 0, 0, 0);
    if (host == NULL)
      return 3;
    if (strcmp (last, "range") == 0)
      enet_host_compress_with_range_coder (host);

    if (client)
    {
        address.port = (enet_uint16) atoi (argv [2]);
        if (enet_host_connect (host, & address, 8, 7) == NULL)
          return 4;
    }
    else
    {
        enet_socket_get_address (host -> socket, & address);
        printf ("PORT %u\n", address.port);
    }

    while (! stdin_closed ())
    {
        int result = enet_host_service (host, & event, 10);
        for (; result > 0; result = enet_host_check_events (host, & event))
        {
            switch (event.type)
            {
            case ENET_EVENT_TYPE_CONNECT:
                printf ("CONNECT %u\n", event.data);
                break;
            case ENET_EVENT_TYPE_DISCONNECT:
                printf ("DISCONNECT %u\n", event.data);
                break;
            case ENET_EVENT_TYPE_RECEIVE:
            {
                ENetPacket * packet = event.packet;
                enet_uint32 flags = packet -> flags & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED |
                                                       ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT);
                printf ("RECV %u %u %zu %u\n", event.channelID, flags, packet -> dataLength,
                        fnv1a (packet -> data, packet -> dataLength));
                enet_peer_send (event.peer, event.channelID,
                                enet_packet_create (packet -> data, packet -> dataLength, flags));
                enet_packet_destroy (packet);
                break;
            }
            default:
                break;
            }
        }
        if (result < 0)
          return 5;
        enet_host_flush (host);
    }

    enet_host_destroy (host);
    enet_deinitialize ();
    return 0;
}
