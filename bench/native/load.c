/*
 * The load generator: drives a benchmark echo server from 127.0.0.1 and reports what came back.
 *
 *   load_client --port P --mode pingpong|stream|many [--raw] [--range] [--size N] [--flags F]
 *               [--window W] [--peers N] [--rate HZ] [--warmup S] [--duration S] [--grace S]
 *               [--wait-go]
 *
 * stdout, one line each: "CONNECTED <n> <seconds>" once every peer is connected; with
 * --wait-go the load starts on the next stdin line (or EOF); "MEASURE" and "END" bound the
 * measured window; then exactly one "RESULT {json}". A failed connect skips straight to a
 * RESULT with its error. Only packets sent inside the measured window are counted, and their
 * echoes only until END plus the grace period.
 *
 * The ENet side (enet_load.c) and the plain UDP side (raw_load.c) share this file's phases,
 * stdin and report.
 */
#include "load.h"
#include "payload.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage (const char * problem)
{
    fprintf (stderr, "load_client: %s\n"
             "usage: load_client --port P --mode pingpong|stream|many [--raw] [--range] [--size N]\n"
             "                   [--flags F] [--window W] [--peers N] [--rate HZ] [--warmup S]\n"
             "                   [--duration S] [--grace S] [--wait-go]\n", problem);
    exit (2);
}

static double
number (const char * text, double minimum, double maximum)
{
    char * end;
    double value = strtod (text, & end);
    if (* text == '\0' || * end != '\0' || value < minimum || value > maximum)
    {
        fprintf (stderr, "load_client: bad value '%s' (expected %g..%g)\n", text, minimum, maximum);
        exit (2);
    }
    return value;
}

static void
parse (Config * config, int argc, char ** argv)
{
    const char * mode = NULL;
    int port = 0;

    for (int i = 1; i < argc; ++ i)
    {
        const char * option = argv [i];
        const char * value = i + 1 < argc ? argv [i + 1] : NULL;
        int takes_value = 1;

        if (strcmp (option, "--raw") == 0)
          config -> raw = 1, takes_value = 0;
        else if (strcmp (option, "--range") == 0)
          config -> range = 1, takes_value = 0;
        else if (strcmp (option, "--wait-go") == 0)
          config -> wait_go = 1, takes_value = 0;
        else if (value == NULL)
          usage ("option without a value, or unknown option");
        else if (strcmp (option, "--port") == 0)
          port = (int) number (value, 1, 65535);
        else if (strcmp (option, "--mode") == 0)
          mode = value;
        else if (strcmp (option, "--size") == 0)
          config -> size = (size_t) number (value, PAYLOAD_HEADER, 32 * 1024 * 1024);
        else if (strcmp (option, "--flags") == 0)
          config -> flags = (unsigned) number (value, 0, 255);
        else if (strcmp (option, "--window") == 0)
          config -> window = (unsigned) number (value, 1, 4096);
        else if (strcmp (option, "--peers") == 0)
          config -> peers = (unsigned) number (value, 1, 4095);
        else if (strcmp (option, "--rate") == 0)
          config -> rate_hz = number (value, 0.001, 1e6);
        else if (strcmp (option, "--warmup") == 0)
          config -> warmup_s = number (value, 0, 3600);
        else if (strcmp (option, "--duration") == 0)
          config -> duration_s = number (value, 0.001, 3600);
        else if (strcmp (option, "--grace") == 0)
          config -> grace_s = number (value, 0, 3600);
        else
          usage ("unknown option");
        i += takes_value;
    }

    if (port == 0)
      usage ("--port is required");
    config -> port = (unsigned) port;
    if (mode == NULL)
      usage ("--mode is required");
    else if (strcmp (mode, "pingpong") == 0)
      config -> mode = MODE_PINGPONG;
    else if (strcmp (mode, "stream") == 0)
      config -> mode = MODE_STREAM;
    else if (strcmp (mode, "many") == 0)
      config -> mode = MODE_MANY;
    else
      usage ("--mode must be pingpong, stream or many");

    if (config -> mode == MODE_PINGPONG)
      config -> window = 1;
    if (config -> raw && config -> mode == MODE_MANY)
      usage ("--raw supports pingpong and stream only");
    if (config -> raw && config -> size > 65507)
      usage ("--raw packets must fit one UDP datagram (65507 bytes)");
}

void
phases_start (Phases * phases, const Config * config, uint64_t now)
{
    phases -> measure_at = now + (uint64_t) (config -> warmup_s * 1e9);
    phases -> end_at = phases -> measure_at + (uint64_t) (config -> duration_s * 1e9);
    phases -> phase = PHASE_WARMUP;
}

int
phases_tick (Phases * phases, uint64_t now)
{
    if (phases -> phase == PHASE_WARMUP && now >= phases -> measure_at)
    {
        phases -> phase = PHASE_MEASURE;
        printf ("MEASURE\n");
    }
    if (phases -> phase == PHASE_MEASURE && now >= phases -> end_at)
    {
        phases -> phase = PHASE_DONE;
        printf ("END\n");
    }
    return phases -> phase;
}

int
go_received (void)
{
    struct pollfd input = { STDIN_FILENO, POLLIN, 0 };
    char byte;

    /* Byte by byte, so nothing after the line is swallowed into a buffer we never read. */
    while (poll (& input, 1, 0) > 0)
    {
        if (read (STDIN_FILENO, & byte, 1) <= 0 || byte == '\n')
          return 1;
    }
    return 0;
}

void
report_connected (const Result * result)
{
    printf ("CONNECTED %u %.3f\n", result -> connected, result -> connect_s);
}

static void
print_quantile (const char * key, const Latency * latency, double q)
{
    double us = latency_quantile_us (latency, q);
    if (us < 0)
      printf ("\"%s\":null,", key);
    else
      printf ("\"%s\":%.0f,", key, us);
}

static void
print_error (const char * error)
{
    if (error == NULL)
    {
        printf ("\"error\":null");
        return;
    }
    printf ("\"error\":\"");
    for (; * error != '\0'; ++ error)
    {
        if (* error == '"' || * error == '\\')
          putchar ('\\');
        putchar ((unsigned char) * error < 0x20 ? ' ' : * error);
    }
    putchar ('"');
}

void
report (const Config * config, const Result * result)
{
    static const char * const modes [] = { "pingpong", "stream", "many" };
    double pps = result -> seconds > 0 ? (double) result -> received / result -> seconds : 0;

    printf ("RESULT {\"mode\":\"%s\",\"raw\":%s,\"size\":%zu,\"flags\":%u,\"window\":%u,"
            "\"peers\":%u,\"rate\":%g,\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
            "\"connected\":%u,\"disconnected\":%u,\"connect_s\":%.6f,\"seconds\":%.6f,"
            "\"pps\":%.3f,\"mbps\":%.6f,",
            modes [config -> mode], config -> raw ? "true" : "false", config -> size,
            config -> flags, config -> window, config -> peers, config -> rate_hz,
            (unsigned long long) result -> sent, (unsigned long long) result -> received,
            (unsigned long long) result -> lost, result -> connected, result -> disconnected,
            result -> connect_s, result -> seconds, pps, pps * (double) config -> size / 1e6);
    print_quantile ("rtt_p50_us", & result -> latency, 0.50);
    print_quantile ("rtt_p99_us", & result -> latency, 0.99);
    print_error (result -> error);
    printf ("}\n");
    fflush (stdout);
}

int
main (int argc, char ** argv)
{
    Config config = { 0 };
    Result result = { 0 };

    config.size = 64;
    config.flags = 1;
    config.window = 64;
    config.peers = 1;
    config.rate_hz = 20;
    config.warmup_s = 1;
    config.duration_s = 3;
    config.grace_s = 1;
    config.connect_timeout_s = 20;
    config.loss_timeout_ms = 200;
    config.connects_per_ms = 50;
    config.connects_in_flight = 32;
    parse (& config, argc, argv);

    setvbuf (stdout, NULL, _IOLBF, 0);
    if (latency_init (& result.latency) != 0)
    {
        fprintf (stderr, "load_client: out of memory\n");
        return 3;
    }
    return config.raw ? run_raw (& config, & result) : run_enet (& config, & result);
}
