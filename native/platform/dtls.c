/*
 * DTLS sessions under ENet (dtls.h), on mbedTLS 3.6. Everything here runs on the thread that
 * owns the host, from inside ENet's socket calls: handshakes and resends advance whenever the
 * host is serviced, as in Godot, and the addon's timer services a host that has handshakes in
 * flight (platform_dtls_next_timeout).
 */
#define ENET_BUILDING_LIB 1
#include "platform/dtls.h"
#include "platform/address.h"
#include "platform/datagram.h"
#include "platform/dtls_suites.h"
#include "platform/os.h"
#include "platform/socket_state.h"

#include <enet/time.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cookie.h>
#include <mbedtls/timing.h>
#include <mbedtls/x509_crt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HANDSHAKE_DEADLINE_MS 8000   /* as Godot 4.6+: a session no ENet peer took by then goes */
#define DEFAULT_PENDING_HANDSHAKES 16  /* as Godot's UDPServer: handshakes in flight per server */
#define SWEEP_INTERVAL_MS 100        /* handshake resends, reaping, peers that left */
#define IDLE_SWEEP_MS 1000           /* how soon an idle host notices a peer that left */
#define MAX_FAILURES 32              /* queued for the addon; the oldest go first */
#define KEY_LENGTH 22                /* address (16), port (2), scope (4) */
#define MAX_EARLY_DATAGRAMS 4        /* a client's datagrams held until its handshake is done */
#define TRANSPORT_ID_LENGTH 18       /* what cookies bind to: address and port, as Godot */
/* The largest record a peer may send, with room for its header and cipher expansion. */
#define DATAGRAM_CAPACITY (MBEDTLS_SSL_IN_CONTENT_LEN + 2048)

typedef enum { SESSION_HANDSHAKING, SESSION_CONNECTED, SESSION_FAILED, SESSION_CLOSED } SessionState;

typedef struct Session
{
    struct Session * next;           /* in its bucket */
    struct Dtls * dtls;
    unsigned char key [KEY_LENGTH];
    SocketAddress remote;
    SessionState state;
    int bound;                       /* an ENet peer has used this remote */
    int held;                        /* set by the sweep: a live ENet peer uses it now */
    int reported;                    /* a failure was queued for it */
    enet_uint32 created;
    /* What ENet sent while the handshake ran (its CONNECT), sent once it is done: the connect
     * then takes one round trip more than plain ENet, not ENet's 500 ms resend timeout. */
    ENetBuffer early [MAX_EARLY_DATAGRAMS];
    size_t early_count;
    mbedtls_ssl_context ssl;
    mbedtls_timing_delay_context timer;
} Session;

struct Dtls
{
    SocketState * state;
    int server;
    int refusing;
    size_t max_handshaking;
    /* The host's peer slots (host -> peerCount may be lowered while ENet runs: peer_window.h). */
    size_t max_sessions;
    int counted;                     /* in dtls_sockets */
    char * hostname;
    int * suites;                    /* dtls_suites.h; the configuration points at it */
    mbedtls_ssl_config config;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context rng;
    mbedtls_ssl_cookie_ctx cookies;
    mbedtls_x509_crt certificates;   /* server: own certificate and chain; client: trusted CAs */
    mbedtls_pk_context key;

    Session ** buckets;
    size_t bucket_count;
    size_t sessions;
    size_t handshaking;
    Session * scratch;               /* server: tries ClientHellos from unknown sources */
    Session * draining;              /* its last datagram held more than one record */
    const unsigned char * incoming;  /* the datagram being fed to one session */
    size_t incoming_length;
    int sent;                        /* a handshake step sent something */
    enet_uint32 last_sweep;

    PlatformDtlsFailure failures [MAX_FAILURES];
    size_t first_failure;
    size_t failure_count;

    unsigned char datagram [DATAGRAM_CAPACITY];
    unsigned char plaintext [MBEDTLS_SSL_IN_CONTENT_LEN];
};

static OsCounter dtls_sockets;

int
dtls_in_use (void)
{
    /* Unordered is enough: DTLS is set up by the thread that owns the socket, which sees its
     * own increment. */
    return os_counter_get (& dtls_sockets) != 0;
}

/* ---- sessions by remote ------------------------------------------------------------------- */

static void
session_key (const SocketAddress * remote, unsigned char * key)
{
    memset (key, 0, KEY_LENGTH);
    if (remote -> storage.ss_family == AF_INET6)
    {
        const struct sockaddr_in6 * sin6 = (const struct sockaddr_in6 *) & remote -> storage;
        memcpy (key, & sin6 -> sin6_addr, 16);
        memcpy (key + 16, & sin6 -> sin6_port, 2);
        memcpy (key + 18, & sin6 -> sin6_scope_id, 4);
    }
    else
    {
        const struct sockaddr_in * sin = (const struct sockaddr_in *) & remote -> storage;
        key [10] = key [11] = 0xFF;  /* v4-mapped, as a dual-stack socket would see it */
        memcpy (key + 12, & sin -> sin_addr, 4);
        memcpy (key + 16, & sin -> sin_port, 2);
    }
}

static Session **
bucket_of (Dtls * dtls, const unsigned char * key)
{
    uint32_t hash = 2166136261u;
    for (int i = 0; i < KEY_LENGTH; ++ i)
      hash = (hash ^ key [i]) * 16777619u;
    return & dtls -> buckets [hash & (dtls -> bucket_count - 1)];
}

static Session *
find_session (Dtls * dtls, const unsigned char * key)
{
    Session * session = * bucket_of (dtls, key);
    while (session != NULL && memcmp (session -> key, key, KEY_LENGTH) != 0)
      session = session -> next;
    return session;
}

/* ---- mbedTLS I/O: one record per datagram --------------------------------------------------- */

static int
send_datagram (void * context, const unsigned char * data, size_t length)
{
    Session * session = (Session *) context;
    ENetBuffer buffer;
    buffer.data = (void *) data;
    buffer.dataLength = length;
    session -> dtls -> sent = 1;
    if (os_socket_send (session -> dtls -> state -> socket, & buffer, 1, & session -> remote) == -1 &&
        os_would_block (os_socket_error ()))
      return MBEDTLS_ERR_SSL_WANT_WRITE;
    return (int) length;  /* any other error loses the datagram, as UDP may */
}

static int
receive_datagram (void * context, unsigned char * buffer, size_t length)
{
    Dtls * dtls = ((Session *) context) -> dtls;
    size_t received = dtls -> incoming_length;
    if (dtls -> incoming == NULL || received > length)
      return MBEDTLS_ERR_SSL_WANT_READ;
    memcpy (buffer, dtls -> incoming, received);
    dtls -> incoming = NULL;
    return (int) received;
}

static Session *
new_session (Dtls * dtls)
{
    Session * session = (Session *) calloc (1, sizeof (Session));
    if (session == NULL)
      return NULL;
    session -> dtls = dtls;
    mbedtls_ssl_init (& session -> ssl);
    if (mbedtls_ssl_setup (& session -> ssl, & dtls -> config) != 0)
    {
        mbedtls_ssl_free (& session -> ssl);
        free (session);
        return NULL;
    }
    mbedtls_ssl_set_bio (& session -> ssl, session, send_datagram, receive_datagram, NULL);
    mbedtls_ssl_set_timer_cb (& session -> ssl, & session -> timer, mbedtls_timing_set_delay, mbedtls_timing_get_delay);
    return session;
}

static void
drop_early_datagrams (Session * session)
{
    while (session -> early_count > 0)
      free (session -> early [-- session -> early_count].data);
}

static void
free_session (Session * session)
{
    drop_early_datagrams (session);
    mbedtls_ssl_free (& session -> ssl);
    free (session);
}

static void
insert_session (Dtls * dtls, Session * session)
{
    Session ** bucket = bucket_of (dtls, session -> key);
    session -> next = * bucket;
    * bucket = session;
    session -> created = enet_time_get ();
    session -> state = SESSION_HANDSHAKING;
    ++ dtls -> sessions;
    ++ dtls -> handshaking;
}

/* Unlinks a session (given the link that points at it) and frees it, telling a connected
 * remote with close_notify. */
static void
remove_session (Dtls * dtls, Session ** link)
{
    Session * session = * link;
    * link = session -> next;
    if (session -> state == SESSION_CONNECTED)
      mbedtls_ssl_close_notify (& session -> ssl);
    if (session -> state == SESSION_HANDSHAKING)
      -- dtls -> handshaking;
    if (dtls -> draining == session)
      dtls -> draining = NULL;
    -- dtls -> sessions;
    free_session (session);
}

/* ---- failures -------------------------------------------------------------------------------- */

static void
describe_failure (const Session * session, int code, char * reason, size_t length)
{
    char text [128];
    uint32_t flags = mbedtls_ssl_get_verify_result (& session -> ssl);
    mbedtls_strerror (code, text, sizeof (text));
    if (code == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0 && flags != (uint32_t) -1)
    {
        char info [200];
        mbedtls_x509_crt_verify_info (info, sizeof (info), "", flags);
        /* One line: mbedTLS ends each reason with a newline. */
        for (char * c = info; * c != '\0'; ++ c)
          if (* c == '\n')
            * c = c [1] == '\0' ? '\0' : ';';
        /* A reason longer than `length` is cut: its start, mbedTLS's text, is what matters. */
        if (snprintf (reason, length, "%s: %s", text, info) >= (int) length)
          reason [length - 1] = '\0';
    }
    else
      snprintf (reason, length, "%s", text);
}

static void
queue_failure (Dtls * dtls, Session * session, int code, const char * reason)
{
    PlatformDtlsFailure * failure;
    if (dtls -> failure_count == MAX_FAILURES)
    {
        dtls -> first_failure = (dtls -> first_failure + 1) % MAX_FAILURES;
        -- dtls -> failure_count;
    }
    failure = & dtls -> failures [(dtls -> first_failure + dtls -> failure_count ++) % MAX_FAILURES];
    memset (failure, 0, sizeof (* failure));
    address_format (& session -> remote, failure -> ip, sizeof (failure -> ip), & failure -> port);
    if (address_from_socket (dtls -> state -> socket, & session -> remote, & failure -> address) != 0)
      failure -> address.host = 0;
    failure -> address.port = failure -> port;
    failure -> code = code;
    snprintf (failure -> reason, sizeof (failure -> reason), "%s", reason);
    session -> reported = 1;
}

/* A session that failed keeps its place, so that nothing more is sent to or accepted from that
 * remote, until no ENet peer uses it (the sweep frees it then). */
static void
fail_session (Session * session, int code)
{
    Dtls * dtls = session -> dtls;
    char reason [256];
    describe_failure (session, code, reason, sizeof (reason));
    queue_failure (dtls, session, code, reason);
    if (session -> state == SESSION_HANDSHAKING)
      -- dtls -> handshaking;
    session -> state = SESSION_FAILED;
    drop_early_datagrams (session);
    mbedtls_ssl_free (& session -> ssl);  /* its memory goes now; mbedtls_ssl_free is idempotent */
}

/* ---- handshakes ------------------------------------------------------------------------------ */

static void
feed (Dtls * dtls, size_t length)
{
    dtls -> incoming = dtls -> datagram;
    dtls -> incoming_length = length;
}

static void
advance_handshake (Session * session)
{
    int result = mbedtls_ssl_handshake (& session -> ssl);
    session -> dtls -> incoming = NULL;
    if (result == 0)
    {
        session -> state = SESSION_CONNECTED;
        -- session -> dtls -> handshaking;
        for (size_t i = 0; i < session -> early_count; ++ i)
          mbedtls_ssl_write (& session -> ssl, (const unsigned char *) session -> early [i].data, session -> early [i].dataLength);
        drop_early_datagrams (session);
    }
    else if (result != MBEDTLS_ERR_SSL_WANT_READ && result != MBEDTLS_ERR_SSL_WANT_WRITE)
      fail_session (session, result);
}

/* Copies ENet's buffers into one block (one record); returns its length. */
static size_t
gather (const ENetBuffer * buffers, size_t bufferCount, unsigned char * block)
{
    size_t length = 0;
    for (size_t i = 0; i < bufferCount; ++ i)
    {
        if (buffers [i].dataLength == 0)
          continue; /* an empty packet's data may be NULL, which memcpy must not be given */
        memcpy (block + length, buffers [i].data, buffers [i].dataLength);
        length += buffers [i].dataLength;
    }
    return length;
}

/* Keeps a datagram ENet sends during the handshake; 0 when there is no room (ENet resends). */
static int
hold_early_datagram (Session * session, const ENetBuffer * buffers, size_t bufferCount, size_t length)
{
    unsigned char * copy;
    if (session -> early_count == MAX_EARLY_DATAGRAMS || (copy = (unsigned char *) malloc (length)) == NULL)
      return 0;
    length = gather (buffers, bufferCount, copy);
    session -> early [session -> early_count].data = copy;
    session -> early [session -> early_count ++].dataLength = length;
    return (int) length;
}

/* A datagram from a remote without a session, at a server. Only a ClientHello with a valid
 * cookie makes a session: the scratch session answers the others (HelloVerifyRequest) or
 * ignores them, and keeps nothing. */
static void
accept_hello (Dtls * dtls, const SocketAddress * source, const unsigned char * key, size_t length)
{
    Session * session;
    int result;
    if (dtls -> refusing || dtls -> handshaking >= dtls -> max_handshaking ||
        dtls -> sessions >= dtls -> max_sessions)
      return;
    if (dtls -> scratch == NULL && (dtls -> scratch = new_session (dtls)) == NULL)
      return;
    session = dtls -> scratch;
    if (mbedtls_ssl_session_reset (& session -> ssl) != 0 ||
        mbedtls_ssl_set_client_transport_id (& session -> ssl, key, TRANSPORT_ID_LENGTH) != 0)
      return;
    session -> remote = * source;
    memcpy (session -> key, key, KEY_LENGTH);
    dtls -> sent = 0;
    feed (dtls, length);
    result = mbedtls_ssl_handshake (& session -> ssl);
    dtls -> incoming = NULL;
    /* Progress past a verified ClientHello sends the server's flight. */
    if ((result == MBEDTLS_ERR_SSL_WANT_READ && dtls -> sent) || result == MBEDTLS_ERR_SSL_WANT_WRITE || result == 0)
    {
        dtls -> scratch = NULL;
        insert_session (dtls, session);
        if (result == 0)
        {
            session -> state = SESSION_CONNECTED;
            -- dtls -> handshaking;
        }
    }
}

static Session *
start_client_session (Dtls * dtls, const SocketAddress * remote, const unsigned char * key)
{
    Session * session;
    if (dtls -> sessions >= dtls -> max_sessions || (session = new_session (dtls)) == NULL)
      return NULL;
    /* NULL explicitly means "no name check" to mbedTLS 3.6 (clientUnsafe). */
    if (mbedtls_ssl_set_hostname (& session -> ssl, dtls -> hostname) != 0)
    {
        free_session (session);
        return NULL;
    }
    session -> remote = * remote;
    memcpy (session -> key, key, KEY_LENGTH);
    insert_session (dtls, session);
    return session;
}

/* ---- the sweep: resends, reaping, sessions of peers that left --------------------------------- */

static void
sweep (Dtls * dtls, enet_uint32 now)
{
    const ENetHost * host = dtls -> state -> host;
    dtls -> last_sweep = now;
    if (dtls -> sessions == 0)
      return;

    for (size_t b = 0; b < dtls -> bucket_count; ++ b)
      for (Session * session = dtls -> buckets [b]; session != NULL; session = session -> next)
        session -> held = 0;
    for (size_t i = 0; i < host -> peerCount; ++ i)
    {
        const ENetPeer * peer = & host -> peers [i];
        SocketAddress remote;
        unsigned char key [KEY_LENGTH];
        Session * session;
        if (peer -> state == ENET_PEER_STATE_DISCONNECTED || address_to_socket (dtls -> state -> socket, & peer -> address, & remote) != 0)
          continue;
        session_key (& remote, key);
        if ((session = find_session (dtls, key)) != NULL)
          session -> held = session -> bound = 1;
    }

    for (size_t b = 0; b < dtls -> bucket_count; ++ b)
    {
        Session ** link = & dtls -> buckets [b];
        while (* link != NULL)
        {
            Session * session = * link;
            if (session -> held)
            {
                if (session -> state == SESSION_HANDSHAKING && mbedtls_timing_get_delay (& session -> timer) == 2)
                  advance_handshake (session);  /* resends the flight, or times out */
                else if (session -> state == SESSION_CLOSED && ! dtls -> server && ! session -> reported)
                  queue_failure (dtls, session, MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, "the server closed the DTLS session (close_notify)");
                link = & session -> next;
                continue;
            }
            /* Nobody uses it: a peer that left, a failed or closed session, or a handshake that
             * no ENet peer took up in time. */
            if (session -> bound || session -> state == SESSION_FAILED || session -> state == SESSION_CLOSED ||
                ENET_TIME_DIFFERENCE (now, session -> created) >= HANDSHAKE_DEADLINE_MS)
            {
                remove_session (dtls, link);
                continue;
            }
            if (session -> state == SESSION_HANDSHAKING && mbedtls_timing_get_delay (& session -> timer) == 2)
              advance_handshake (session);
            link = & session -> next;
        }
    }
}

static void
sweep_if_due (Dtls * dtls)
{
    enet_uint32 now = enet_time_get ();
    if (ENET_TIME_DIFFERENCE (now, dtls -> last_sweep) >= SWEEP_INTERVAL_MS)
      sweep (dtls, now);
}

/* ---- ENet's socket calls --------------------------------------------------------------------- */

/* The plaintext of the next record of a connected session, as one ENet datagram. Returns its
 * length, -2 when it is larger than ENet's buffer, 0 when there is none. */
static int
read_record (Dtls * dtls, Session * session, ENetAddress * address, ENetBuffer * buffer)
{
    int length = mbedtls_ssl_read (& session -> ssl, dtls -> plaintext, sizeof (dtls -> plaintext));
    dtls -> incoming = NULL;
    dtls -> draining = NULL;
    if (length > 0)
    {
        if (mbedtls_ssl_check_pending (& session -> ssl))
          dtls -> draining = session;
        if ((size_t) length > buffer -> dataLength)
          return -2;
        if (address == NULL || address_from_socket (dtls -> state -> socket, & session -> remote, address) != 0)
          return 0;
        memcpy (buffer -> data, dtls -> plaintext, (size_t) length);
        return length;
    }
    if (length == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
    {
        session -> state = SESSION_CLOSED;
        mbedtls_ssl_free (& session -> ssl);
    }
    else if (length == MBEDTLS_ERR_SSL_CLIENT_RECONNECT)
    {
        /* The client restarted from the same port: this session is over, its new handshake
         * starts over with a cookie. */
        session -> state = SESSION_CLOSED;
        mbedtls_ssl_free (& session -> ssl);
    }
    else if (length < 0 && length != MBEDTLS_ERR_SSL_WANT_READ && length != MBEDTLS_ERR_SSL_WANT_WRITE)
      fail_session (session, length);
    return 0;
}

int
dtls_receive (Dtls * dtls, ENetAddress * address, ENetBuffer * buffers, size_t bufferCount)
{
    ENetBuffer datagram;
    (void) bufferCount;  /* ENet receives into one buffer */
    sweep_if_due (dtls);
    if (dtls -> draining != NULL)
    {
        int length = read_record (dtls, dtls -> draining, address, buffers);
        if (length != 0)
          return length;
    }
    datagram.data = dtls -> datagram;
    datagram.dataLength = sizeof (dtls -> datagram);
    for (int skipped = 0; skipped < MAX_SKIPPED_DATAGRAMS; ++ skipped)
    {
        SocketAddress source;
        unsigned char key [KEY_LENGTH];
        Session * session;
        int length = datagram_read (dtls -> state -> socket, & datagram, 1, & source);
        if (length == 0 || length == -1)
          return length;
        if (length < 0)
          continue;  /* larger than any record */
        session_key (& source, key);
        session = find_session (dtls, key);
        if (session == NULL)
        {
            if (dtls -> server)
              accept_hello (dtls, & source, key, (size_t) length);
            continue;
        }
        feed (dtls, (size_t) length);
        if (session -> state == SESSION_HANDSHAKING)
          advance_handshake (session);
        else if (session -> state == SESSION_CONNECTED)
        {
            length = read_record (dtls, session, address, buffers);
            if (length != 0)
              return length;
        }
        dtls -> incoming = NULL;
    }
    return 0;
}

int
dtls_send (Dtls * dtls, const ENetAddress * address, const ENetBuffer * buffers, size_t bufferCount)
{
    SocketAddress remote;
    unsigned char key [KEY_LENGTH];
    Session * session;
    size_t length = 0;
    int written;

    for (size_t i = 0; i < bufferCount; ++ i)
      length += buffers [i].dataLength;
    /* Sent as far as ENet knows, and lost: no address, or more than a record holds. */
    if (address == NULL || length > sizeof (dtls -> plaintext) ||
        address_to_socket (dtls -> state -> socket, address, & remote) != 0)
      return (int) length;
    session_key (& remote, key);
    session = find_session (dtls, key);
    if (session == NULL)
    {
        /* A server reaches only remotes that have a session (as Godot 4.4+: "sent", and ENet's
         * timeout cleans up); a client starts a handshake. */
        if (dtls -> server)
          return (int) length;
        if ((session = start_client_session (dtls, & remote, key)) == NULL)
          return 0;
    }
    switch (session -> state)
    {
    case SESSION_HANDSHAKING:
        advance_handshake (session);
        if (session -> state == SESSION_HANDSHAKING)
          return dtls -> server ? 0 : hold_early_datagram (session, buffers, bufferCount, length);
        if (session -> state != SESSION_CONNECTED)
          return (int) length;
        break;
    case SESSION_CONNECTED:
        break;
    default:
        return (int) length;
    }

    length = gather (buffers, bufferCount, dtls -> plaintext);
    written = mbedtls_ssl_write (& session -> ssl, dtls -> plaintext, length);
    if (written >= 0)
      return written;
    if (written == MBEDTLS_ERR_SSL_WANT_WRITE || written == MBEDTLS_ERR_SSL_WANT_READ)
      return 0;
    fail_session (session, written);
    return (int) length;
}

/* ---- set-up ---------------------------------------------------------------------------------- */

static int
setup_failed (char * error, size_t errorLength, const char * what, int code)
{
    char text [128];
    mbedtls_strerror (code, text, sizeof (text));
    snprintf (error, errorLength, "%s: %s", what, text);
    return -1;
}

/* A PEM text of one or more certificates (mbedTLS counts the terminating NUL). */
static int
parse_certificates (mbedtls_x509_crt * chain, const char * pem)
{
    return mbedtls_x509_crt_parse (chain, (const unsigned char *) pem, strlen (pem) + 1);
}

static int
configure (Dtls * dtls, const PlatformDtlsOptions * options, char * error, size_t errorLength)
{
    static const char personalization [] = "godot-enet dtls";
    int result;

    result = mbedtls_ctr_drbg_seed (& dtls -> rng, mbedtls_entropy_func, & dtls -> entropy,
                                    (const unsigned char *) personalization, sizeof (personalization) - 1);
    if (result != 0)
      return setup_failed (error, errorLength, "cannot seed the random generator", result);
    result = mbedtls_ssl_config_defaults (& dtls -> config, options -> server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_DATAGRAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (result != 0)
      return setup_failed (error, errorLength, "cannot configure DTLS", result);
    mbedtls_ssl_conf_rng (& dtls -> config, mbedtls_ctr_drbg_random, & dtls -> rng);
    if ((dtls -> suites = dtls_suites_new ()) == NULL)
      return setup_failed (error, errorLength, "out of memory", MBEDTLS_ERR_SSL_ALLOC_FAILED);
    mbedtls_ssl_conf_ciphersuites (& dtls -> config, dtls -> suites);

    if (options -> server)
    {
        if (options -> own_certificate == NULL || options -> private_key == NULL)
          return setup_failed (error, errorLength, "a server needs a certificate and a private key", MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        if ((result = parse_certificates (& dtls -> certificates, options -> own_certificate)) != 0)
          return setup_failed (error, errorLength, "invalid certificate", result);
        result = mbedtls_pk_parse_key (& dtls -> key, (const unsigned char *) options -> private_key,
                                       strlen (options -> private_key) + 1, NULL, 0, mbedtls_ctr_drbg_random, & dtls -> rng);
        if (result != 0)
          return setup_failed (error, errorLength, "invalid private key", result);
        result = mbedtls_pk_check_pair (& dtls -> certificates.pk, & dtls -> key, mbedtls_ctr_drbg_random, & dtls -> rng);
        if (result != 0)
          return setup_failed (error, errorLength, "the private key does not belong to the certificate", result);
        /* The first certificate is the server's; the rest of the list goes out as its chain. */
        if ((result = mbedtls_ssl_conf_own_cert (& dtls -> config, & dtls -> certificates, & dtls -> key)) != 0)
          return setup_failed (error, errorLength, "cannot use the certificate", result);
        mbedtls_ssl_conf_authmode (& dtls -> config, MBEDTLS_SSL_VERIFY_NONE);
        mbedtls_ssl_conf_preference_order (& dtls -> config, MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_CLIENT);
        if ((result = mbedtls_ssl_cookie_setup (& dtls -> cookies, mbedtls_ctr_drbg_random, & dtls -> rng)) != 0)
          return setup_failed (error, errorLength, "cannot set up cookies", result);
        mbedtls_ssl_conf_dtls_cookies (& dtls -> config, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check, & dtls -> cookies);
        return 0;
    }

    if (options -> trusted_chain != NULL)
    {
        if ((result = parse_certificates (& dtls -> certificates, options -> trusted_chain)) != 0)
          return setup_failed (error, errorLength, "invalid trusted certificate chain", result);
        mbedtls_ssl_conf_ca_chain (& dtls -> config, & dtls -> certificates, NULL);
    }
    mbedtls_ssl_conf_authmode (& dtls -> config, options -> verify ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
    if (options -> hostname != NULL && (dtls -> hostname = strdup (options -> hostname)) == NULL)
      return setup_failed (error, errorLength, "out of memory", MBEDTLS_ERR_SSL_ALLOC_FAILED);
    return 0;
}

Dtls *
dtls_create (SocketState * state, const PlatformDtlsOptions * options, char * error, size_t errorLength)
{
    Dtls * dtls = (Dtls *) calloc (1, sizeof (Dtls));
    size_t buckets = 16;
    if (dtls == NULL)
    {
        snprintf (error, errorLength, "out of memory");
        return NULL;
    }
    dtls -> state = state;
    dtls -> server = options -> server;
    mbedtls_ssl_config_init (& dtls -> config);
    mbedtls_entropy_init (& dtls -> entropy);
    mbedtls_ctr_drbg_init (& dtls -> rng);
    mbedtls_ssl_cookie_init (& dtls -> cookies);
    mbedtls_x509_crt_init (& dtls -> certificates);
    mbedtls_pk_init (& dtls -> key);
    dtls -> max_handshaking = DEFAULT_PENDING_HANDSHAKES;
    dtls -> max_sessions = state -> host -> peerCount;
    while (buckets < state -> host -> peerCount * 2)
      buckets *= 2;
    dtls -> bucket_count = buckets;
    dtls -> buckets = (Session **) calloc (buckets, sizeof (Session *));
    if (dtls -> buckets == NULL)
      snprintf (error, errorLength, "out of memory");
    if (dtls -> buckets == NULL || configure (dtls, options, error, errorLength) != 0)
    {
        dtls_destroy (dtls);
        return NULL;
    }
    dtls -> last_sweep = enet_time_get ();
    dtls -> counted = 1;
    os_counter_add (& dtls_sockets, 1);
    return dtls;
}

void
dtls_destroy (Dtls * dtls)
{
    if (dtls -> buckets != NULL)
    {
        for (size_t b = 0; b < dtls -> bucket_count; ++ b)
          while (dtls -> buckets [b] != NULL)
            remove_session (dtls, & dtls -> buckets [b]);
        free (dtls -> buckets);
    }
    if (dtls -> counted)
      os_counter_add (& dtls_sockets, -1);
    if (dtls -> scratch != NULL)
      free_session (dtls -> scratch);
    mbedtls_pk_free (& dtls -> key);
    mbedtls_x509_crt_free (& dtls -> certificates);
    mbedtls_ssl_cookie_free (& dtls -> cookies);
    mbedtls_ctr_drbg_free (& dtls -> rng);
    mbedtls_entropy_free (& dtls -> entropy);
    mbedtls_ssl_config_free (& dtls -> config);
    free (dtls -> suites);
    free (dtls -> hostname);
    free (dtls);
}

/* ---- the addon's view ------------------------------------------------------------------------ */

void
dtls_refuse_new (Dtls * dtls, int refuse)
{
    dtls -> refusing = refuse;
}

int
dtls_take_failure (Dtls * dtls, PlatformDtlsFailure * failure)
{
    if (dtls -> failure_count == 0)
      return 0;
    * failure = dtls -> failures [dtls -> first_failure];
    dtls -> first_failure = (dtls -> first_failure + 1) % MAX_FAILURES;
    -- dtls -> failure_count;
    return 1;
}

enet_uint32
dtls_next_timeout (Dtls * dtls)
{
    if (dtls -> sessions == 0)
      return 0xFFFFFFFFu;
    return dtls -> handshaking > 0 ? SWEEP_INTERVAL_MS : IDLE_SWEEP_MS;
}

int
dtls_session_info (Dtls * dtls, const ENetAddress * address, PlatformDtlsSessionInfo * info)
{
    SocketAddress remote;
    unsigned char key [KEY_LENGTH];
    Session * session;
    const mbedtls_x509_crt * certificate;
    if (address_to_socket (dtls -> state -> socket, address, & remote) != 0)
      return -1;
    session_key (& remote, key);
    session = find_session (dtls, key);
    if (session == NULL || session -> state != SESSION_CONNECTED)
      return -1;
    info -> cipher_suite = mbedtls_ssl_get_ciphersuite (& session -> ssl);
    certificate = mbedtls_ssl_get_peer_cert (& session -> ssl);
    info -> peer_certificate = certificate == NULL ? NULL : certificate -> raw.p;
    info -> peer_certificate_length = certificate == NULL ? 0 : certificate -> raw.len;
    return 0;
}

/* platform.h's DTLS functions, by socket. */

static Dtls *
dtls_of (ENetSocket socket)
{
    SocketState * state = socket_state_find (socket);
    return state == NULL ? NULL : state -> dtls;
}

int
platform_dtls_setup (ENetSocket socket, const PlatformDtlsOptions * options, char * error, size_t errorLength)
{
    SocketState * state = socket_state_find (socket);
    if (state == NULL || state -> dtls != NULL)
    {
        snprintf (error, errorLength, state == NULL ? "the host has no socket" : "DTLS is already set up");
        return -1;
    }
    state -> dtls = dtls_create (state, options, error, errorLength);
    return state -> dtls == NULL ? -1 : 0;
}

int
platform_dtls_enabled (ENetSocket socket)
{
    return dtls_of (socket) != NULL;
}

void
platform_dtls_limit_handshakes (ENetSocket socket, size_t pending)
{
    Dtls * dtls = dtls_of (socket);
    if (dtls != NULL)
      dtls -> max_handshaking = pending;
}

void
platform_dtls_refuse_new (ENetSocket socket, int refuse)
{
    Dtls * dtls = dtls_of (socket);
    if (dtls != NULL)
      dtls_refuse_new (dtls, refuse);
}

void
platform_dtls_count_sessions (ENetSocket socket, size_t * sessions, size_t * handshaking)
{
    Dtls * dtls = dtls_of (socket);
    * sessions = dtls == NULL ? 0 : dtls -> sessions;
    * handshaking = dtls == NULL ? 0 : dtls -> handshaking;
}

int
platform_dtls_failures_pending (ENetSocket socket)
{
    Dtls * dtls = dtls_of (socket);
    return dtls != NULL && dtls -> failure_count > 0;
}

int
platform_dtls_take_failure (ENetSocket socket, PlatformDtlsFailure * failure)
{
    Dtls * dtls = dtls_of (socket);
    return dtls == NULL ? 0 : dtls_take_failure (dtls, failure);
}

enet_uint32
platform_dtls_next_timeout (ENetSocket socket)
{
    Dtls * dtls = dtls_of (socket);
    return dtls == NULL ? 0xFFFFFFFFu : dtls_next_timeout (dtls);
}

int
platform_dtls_session_info (ENetSocket socket, const ENetAddress * address, PlatformDtlsSessionInfo * info)
{
    Dtls * dtls = dtls_of (socket);
    return dtls == NULL ? -1 : dtls_session_info (dtls, address, info);
}
