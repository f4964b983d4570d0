/*
 * ChaCha20-Poly1305 and AES-GCM from the host process's OpenSSL 3, looked up at run time
 * (host_aead.h).
 * OpenSSL's prototypes are declared here rather than included: the addon is built against no
 * OpenSSL headers, and these calls and constants are OpenSSL 3's stable ABI.
 */
#ifndef _WIN32
#define _GNU_SOURCE   /* RTLD_DEFAULT */
#endif

#include "host_aead.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#include <pthread.h>
#endif

typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

#define EVP_CTRL_AEAD_GET_TAG 0x10
#define EVP_CTRL_AEAD_SET_TAG 0x11
#define EVP_CTRL_AEAD_SET_IV_FIXED 0x12
#define EVP_CTRL_AEAD_TLS1_AAD 0x16
#define TLS_AAD_LENGTH 13
#define EXPLICIT_NONCE_LENGTH 8   /* AES-GCM in (D)TLS 1.2: on the wire, before the data */
#define TAG_LENGTH 16
#define OPENSSL_VERSION 0

static struct
{
    EVP_CIPHER * (* fetch) (void * libraryContext, const char * algorithm, const char * properties);
    EVP_CIPHER_CTX * (* contextNew) (void);
    void (* contextFree) (EVP_CIPHER_CTX * context);
    int (* init) (EVP_CIPHER_CTX * context, const EVP_CIPHER * cipher, void * engine,
                  const unsigned char * key, const unsigned char * iv, int encrypt);
    int (* update) (EVP_CIPHER_CTX * context, unsigned char * output, int * outputLength,
                    const unsigned char * input, int inputLength);
    int (* final) (EVP_CIPHER_CTX * context, unsigned char * output, int * outputLength);
    int (* control) (EVP_CIPHER_CTX * context, int type, int argument, void * pointer);
    int (* cipher) (EVP_CIPHER_CTX * context, unsigned char * output, const unsigned char * input, unsigned int length);
    const char * (* version) (int type);
    void (* clearErrors) (void);
    /* Fetched once and kept for the life of the process; NULL where not to be used. */
    EVP_CIPHER * algorithms [HOST_AEAD_ALGORITHMS];
    int recordMode [HOST_AEAD_ALGORITHMS];   /* whether whole records go through OpenSSL's TLS mode */
} openssl;

static const char * const algorithmNames [HOST_AEAD_ALGORITHMS] = { "ChaCha20-Poly1305", "AES-128-GCM", "AES-256-GCM" };

struct HostAead
{
    EVP_CIPHER_CTX * context;
    HostAeadAlgorithm algorithm;
    int encrypting;                 /* the direction the context was last set to */
    int nonceSet;                   /* whether the context holds `nonce` */
    /* Record mode: ChaCha20-Poly1305's fixed part (the nonce before the sequence number is
     * XORed in); AES-GCM's nonce for the next record sealed (opening, only its first 4 bytes,
     * the salt, are the context's). */
    unsigned char nonce [12];
};

static void * find_symbol (const char * name)
{
#ifdef _WIN32
    return (void *) GetProcAddress (GetModuleHandleW (NULL), name);
#else
    return dlsym (RTLD_DEFAULT, name);
#endif
}

/* Every one of `symbols` from the same library: a process may hold two OpenSSL builds (Node's own
 * and one a native module loaded), and mixing their calls would crash. On Windows they all come
 * from the executable's exports already. */
static int from_one_library (void * const * symbols, size_t count)
{
#ifdef _WIN32
    (void) symbols; (void) count;
    return 1;
#else
    Dl_info first, other;
    if (dladdr (symbols [0], & first) == 0)
      return 0;
    for (size_t i = 1; i < count; ++ i)
      if (dladdr (symbols [i], & other) == 0 || other.dli_fbase != first.dli_fbase)
        return 0;
    return 1;
#endif
}

static int passes_known_answer (HostAeadAlgorithm algorithm);
static int record_mode_agrees (HostAeadAlgorithm algorithm);

static void load (void)
{
    const char * setting = getenv ("GODOT_ENET_HOST_OPENSSL");
    if (setting != NULL && strcmp (setting, "0") == 0)
      return;

    /* Each assignment goes through a void pointer: ISO C has no cast between object and
     * function pointers, but every platform Node runs on represents them alike. */
    void ** const symbols [] = {
        (void **) & openssl.fetch, (void **) & openssl.contextNew, (void **) & openssl.contextFree,
        (void **) & openssl.init, (void **) & openssl.update, (void **) & openssl.final,
        (void **) & openssl.control, (void **) & openssl.cipher, (void **) & openssl.version,
        (void **) & openssl.clearErrors };
    static const char * const names [] = {
        "EVP_CIPHER_fetch", "EVP_CIPHER_CTX_new", "EVP_CIPHER_CTX_free", "EVP_CipherInit_ex",
        "EVP_CipherUpdate", "EVP_CipherFinal_ex", "EVP_CIPHER_CTX_ctrl", "EVP_Cipher", "OpenSSL_version",
        "ERR_clear_error" };
    void * found [sizeof (names) / sizeof (names [0])];
    for (size_t i = 0; i < sizeof (names) / sizeof (names [0]); ++ i)
      if ((found [i] = find_symbol (names [i])) == NULL)
        return;
    if (! from_one_library (found, sizeof (found) / sizeof (found [0])))
      return;
    for (size_t i = 0; i < sizeof (names) / sizeof (names [0]); ++ i)
      * symbols [i] = found [i];

    int failed = 0;
    for (int algorithm = 0; algorithm < HOST_AEAD_ALGORITHMS; ++ algorithm)
    {
        /* NULL where the provider lacks it, as ChaCha20 in FIPS mode. */
        openssl.algorithms [algorithm] = openssl.fetch (NULL, algorithmNames [algorithm], NULL);
        if (openssl.algorithms [algorithm] != NULL && ! passes_known_answer ((HostAeadAlgorithm) algorithm))
          openssl.algorithms [algorithm] = NULL;   /* kept, not freed: whatever it is, it is not to be called again */
        failed |= openssl.algorithms [algorithm] == NULL;
    }
    for (int algorithm = 0; algorithm < HOST_AEAD_ALGORITHMS; ++ algorithm)
      if (openssl.algorithms [algorithm] != NULL)
        openssl.recordMode [algorithm] = record_mode_agrees ((HostAeadAlgorithm) algorithm);
    if (failed)
      openssl.clearErrors ();  /* what failed was queued on this thread, for JavaScript to find */
}

#ifdef _WIN32
static INIT_ONCE loaded = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK load_once (PINIT_ONCE once, PVOID parameter, PVOID * context)
{
    (void) once; (void) parameter; (void) context;
    load ();
    return TRUE;
}

static int available (HostAeadAlgorithm algorithm)
{
    InitOnceExecuteOnce (& loaded, load_once, NULL, NULL);
    return (unsigned) algorithm < HOST_AEAD_ALGORITHMS && openssl.algorithms [algorithm] != NULL;
}
#else
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static int available (HostAeadAlgorithm algorithm)
{
    pthread_once (& loaded, load);
    return (unsigned) algorithm < HOST_AEAD_ALGORITHMS && openssl.algorithms [algorithm] != NULL;
}
#endif

const char * host_aead_description (HostAeadAlgorithm algorithm)
{
    return available (algorithm) ? openssl.version (OPENSSL_VERSION) : NULL;
}

static HostAead * create (HostAeadAlgorithm algorithm, const unsigned char * key)
{
    HostAead * aead = (HostAead *) malloc (sizeof (HostAead));
    if (aead == NULL)
      return NULL;
    aead -> context = openssl.contextNew ();
    aead -> algorithm = algorithm;
    aead -> encrypting = 1;
    aead -> nonceSet = 0;
    if (aead -> context == NULL || openssl.init (aead -> context, openssl.algorithms [algorithm], NULL, key, NULL, 1) != 1)
    {
        host_aead_free (aead);
        return NULL;
    }
    return aead;
}

HostAead * host_aead_new (HostAeadAlgorithm algorithm, const unsigned char * key)
{
    return available (algorithm) ? create (algorithm, key) : NULL;
}

void host_aead_free (HostAead * aead)
{
    if (aead == NULL)
      return;
    if (aead -> context != NULL)
      openssl.contextFree (aead -> context);   /* OpenSSL clears the key it held */
    free (aead);
}

/* Starts one record: direction and nonce (the key stays), then the additional data. */
static int begin (HostAead * aead, int encrypt, const unsigned char nonce [12],
                  const unsigned char * aad, size_t aadLength, size_t length)
{
    int written;
    if (aadLength > INT_MAX || length > INT_MAX)
      return -1;
    aead -> nonceSet = 0;   /* a whole nonce replaces record mode's */
    if (openssl.init (aead -> context, NULL, NULL, NULL, nonce, encrypt) != 1)
      return -1;
    aead -> encrypting = encrypt;
    if (aadLength > 0 && openssl.update (aead -> context, NULL, & written, aad, (int) aadLength) != 1)
      return -1;
    return 0;
}

static int transform (HostAead * aead, const unsigned char * input, size_t length, unsigned char * output)
{
    int written;
    if (length == 0)
      return 0;
    return openssl.update (aead -> context, output, & written, input, (int) length) == 1 && written == (int) length ? 0 : -1;
}

/* A stream cipher's final step writes nothing; `spare` is there all the same. */
static int finish (HostAead * aead)
{
    unsigned char spare [16];
    int written;
    return openssl.final (aead -> context, spare, & written) == 1 ? 0 : -1;
}

static int is_gcm (const HostAead * aead)
{
    return aead -> algorithm != HOST_AEAD_CHACHA20_POLY1305;
}

/* Whether `data` is a DTLS 1.2 record's as mbedTLS seals and opens them, which OpenSSL's TLS mode
 * can take: 13 bytes of additional data (sequence number, type, version, this length), the tag
 * right after the data and, for AES-GCM, the explicit nonce right before it. mbedTLS makes that
 * nonce the record's sequence number and, sealing, keeps its place in the record free, to copy it
 * there afterwards; opening, it has built `nonce` from it. */
static int is_record (const HostAead * aead, int encrypt, const unsigned char nonce [12],
                      const unsigned char * aad, size_t aadLength, size_t length,
                      const unsigned char * data, const unsigned char * tag)
{
    if (! openssl.recordMode [aead -> algorithm] || aadLength != TLS_AAD_LENGTH || tag != data + length ||
        length != (size_t) (aad [11] << 8 | aad [12]) || length > INT_MAX - EXPLICIT_NONCE_LENGTH - TAG_LENGTH)
      return 0;
    if (! is_gcm (aead))
      return 1;
    return memcmp (nonce + 4, encrypt ? aad : data - EXPLICIT_NONCE_LENGTH, EXPLICIT_NONCE_LENGTH) == 0;
}

/* Makes the context hold the nonce a record needs, when it does not already: for ChaCha20-Poly1305
 * the fixed part (RFC 7905: the nonce is it XOR the sequence number, which OpenSSL takes from the
 * additional data), set once per key; for AES-GCM, sealing, the whole nonce, from which OpenSSL
 * counts on by one per record as mbedTLS counts sequence numbers, and opening, the salt (OpenSSL
 * takes the rest from the record). */
static int set_record_nonce (HostAead * aead, int encrypt, const unsigned char nonce [12],
                             const unsigned char aad [TLS_AAD_LENGTH])
{
    unsigned char wanted [12];
    int length = sizeof (wanted);   /* what OpenSSL takes; -1: a whole GCM nonce to count on from */
    memcpy (wanted, nonce, sizeof (wanted));
    if (! is_gcm (aead))
      for (int i = 0; i < 8; ++ i)
        wanted [4 + i] ^= aad [i];
    else if (encrypt)
      length = -1;
    else
      length = 4;
    if (aead -> nonceSet && memcmp (wanted, aead -> nonce, length == 4 ? 4 : sizeof (wanted)) == 0)
      return 0;
    if (openssl.control (aead -> context, EVP_CTRL_AEAD_SET_IV_FIXED, length, wanted) != 1)
      return -1;
    memcpy (aead -> nonce, wanted, sizeof (wanted));
    aead -> nonceSet = 1;
    return 0;
}

/* The GCM nonce after `nonce`: its last 8 bytes one up, big-endian, as OpenSSL counts. */
static void count_up (unsigned char nonce [12])
{
    for (int i = 11; i >= 4 && ++ nonce [i] == 0; -- i)
      ;
}

/* What a record call that failed returns: the nonce OpenSSL holds is not known any more. */
static int forget_nonce (HostAead * aead, int result)
{
    aead -> nonceSet = 0;
    return result;
}

/* A whole record in place, in the two calls OpenSSL's own TLS records take instead of five.
 * `record` is the data, preceded (AES-GCM) by its explicit nonce's place. Returns what
 * host_aead_open returns. */
static int seal_or_open_record (HostAead * aead, int encrypt, const unsigned char nonce [12],
                                const unsigned char aad [TLS_AAD_LENGTH], unsigned char * data, size_t length)
{
    const size_t explicitLength = is_gcm (aead) ? EXPLICIT_NONCE_LENGTH : 0;
    unsigned char * record = data - explicitLength;
    const size_t recordLength = explicitLength + length + TAG_LENGTH;
    unsigned char header [TLS_AAD_LENGTH];
    int written;
    if (aead -> encrypting != encrypt)
    {
        aead -> nonceSet = 0;
        if (openssl.init (aead -> context, NULL, NULL, NULL, NULL, encrypt) != 1)
          return -1;
        aead -> encrypting = encrypt;
    }
    if (set_record_nonce (aead, encrypt, nonce, aad) != 0)
      return forget_nonce (aead, -1);
    /* OpenSSL wants the length on the wire: the explicit nonce's and, opening, the tag's too. */
    memcpy (header, aad, sizeof (header));
    const size_t wireLength = encrypt ? recordLength - TAG_LENGTH : recordLength;
    header [11] = (unsigned char) (wireLength >> 8);
    header [12] = (unsigned char) wireLength;
    if (openssl.control (aead -> context, EVP_CTRL_AEAD_TLS1_AAD, sizeof (header), header) != TAG_LENGTH)
      return forget_nonce (aead, -1);
    written = openssl.cipher (aead -> context, record, record, (unsigned int) recordLength);
    /* Opening, -1 is the tag's failure (the lengths were right); OpenSSL 3.0's GCM reports the whole
     * record's length where ChaCha20-Poly1305 reports the data's. */
    if (! encrypt)
      return written == (int) length || written == (int) recordLength ? 0 : forget_nonce (aead, 1);
    /* Sealing AES-GCM, OpenSSL wrote the nonce it used: it must be the one mbedTLS copies there. */
    if (written != (int) recordLength || (is_gcm (aead) && memcmp (record, nonce + 4, EXPLICIT_NONCE_LENGTH) != 0))
      return forget_nonce (aead, -1);
    if (is_gcm (aead))
      count_up (aead -> nonce);
    return 0;
}

int host_aead_takes_record (const HostAead * aead, int encrypt, const unsigned char nonce [12],
                            const unsigned char * aad, size_t aadLength,
                            const unsigned char * input, size_t length, const unsigned char * output,
                            const unsigned char * tag)
{
    return (encrypt || input == output) && is_record (aead, encrypt, nonce, aad, aadLength, length, output, tag);
}

int host_aead_seal (HostAead * aead, const unsigned char nonce [12],
                    const unsigned char * aad, size_t aadLength,
                    const unsigned char * input, size_t length, unsigned char * output,
                    unsigned char tag [16])
{
    if (host_aead_takes_record (aead, 1, nonce, aad, aadLength, input, length, output, tag))
    {
        if (input != output)
          memmove (output, input, length);
        return seal_or_open_record (aead, 1, nonce, aad, output, length);
    }
    if (begin (aead, 1, nonce, aad, aadLength, length) != 0 || transform (aead, input, length, output) != 0 ||
        finish (aead) != 0 ||
        openssl.control (aead -> context, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1)
      return -1;
    return 0;
}

int host_aead_open (HostAead * aead, const unsigned char nonce [12],
                    const unsigned char * aad, size_t aadLength,
                    const unsigned char * input, size_t length, unsigned char * output,
                    const unsigned char tag [16])
{
    if (host_aead_takes_record (aead, 0, nonce, aad, aadLength, input, length, output, tag))
      return seal_or_open_record (aead, 0, nonce, aad, output, length);
    if (begin (aead, 0, nonce, aad, aadLength, length) != 0 ||
        openssl.control (aead -> context, EVP_CTRL_AEAD_SET_TAG, 16, (void *) tag) != 1 ||
        transform (aead, input, length, output) != 0)
      return -1;
    /* The only failure left is the tag's. */
    return finish (aead) == 0 ? 0 : 1;
}

/* A known answer per algorithm: ChaCha20-Poly1305 from RFC 8439, section 2.8.2; AES-GCM from
 * test cases 4 and 16 of the GCM specification (McGrew and Viega), which share their nonce,
 * additional data and text. */
static const unsigned char chachaKey [32] = {
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f };
static const unsigned char gcmKey [32] = {
    0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
    0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08 };
static const unsigned char chachaNonce [12] = { 0x07, 0x00, 0x00, 0x00, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 };
static const unsigned char gcmNonce [12] = { 0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88 };
static const unsigned char chachaAad [12] = { 0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7 };
static const unsigned char gcmAad [20] = {
    0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
    0xab, 0xad, 0xda, 0xd2 };
static const char chachaText [] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                                  "for the future, sunscreen would be it.";
static const unsigned char gcmText [60] = {
    0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26, 0x9a,
    0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72,
    0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
    0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39 };

static const struct
{
    const unsigned char * key, * nonce, * aad, * text;
    size_t aadLength, length;
    unsigned char tag [16];
} knownAnswers [HOST_AEAD_ALGORITHMS] = {
    { chachaKey, chachaNonce, chachaAad, (const unsigned char *) chachaText, sizeof (chachaAad), sizeof (chachaText) - 1,
      { 0x1a, 0xe1, 0x0b, 0x59, 0x4f, 0x09, 0xe2, 0x6a, 0x7e, 0x90, 0x2e, 0xcb, 0xd0, 0x60, 0x06, 0x91 } },
    { gcmKey, gcmNonce, gcmAad, gcmText, sizeof (gcmAad), sizeof (gcmText),
      { 0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47 } },
    { gcmKey, gcmNonce, gcmAad, gcmText, sizeof (gcmAad), sizeof (gcmText),
      { 0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68, 0xcd, 0xdf, 0x88, 0x53, 0xbb, 0x2d, 0x55, 0x1b } },
};

/* The library must seal the known answer to its tag, open it back, and refuse it with one bit of
 * the tag changed. Then a record as DTLS hands over, longer (OpenSSL's code depends on the
 * length) and in place, must come back as it was. */
static int passes_known_answer (HostAeadAlgorithm algorithm)
{
    const size_t length = knownAnswers [algorithm].length;
    const unsigned char * nonce = knownAnswers [algorithm].nonce, * aad = knownAnswers [algorithm].aad;
    const size_t aadLength = knownAnswers [algorithm].aadLength;
    /* The RFC's text is the longest known answer. */
    unsigned char sealed [sizeof (chachaText)], opened [sizeof (chachaText)], tag [16], record [1000];
    int passed;
    HostAead * aead = create (algorithm, knownAnswers [algorithm].key);

    if (aead == NULL)
      return 0;
    passed = host_aead_seal (aead, nonce, aad, aadLength, knownAnswers [algorithm].text, length, sealed, tag) == 0 &&
             memcmp (tag, knownAnswers [algorithm].tag, sizeof (tag)) == 0 &&
             host_aead_open (aead, nonce, aad, aadLength, sealed, length, opened, tag) == 0 &&
             memcmp (opened, knownAnswers [algorithm].text, length) == 0;
    tag [0] ^= 1;
    passed = passed && host_aead_open (aead, nonce, aad, aadLength, sealed, length, opened, tag) == 1;

    for (size_t i = 0; i < sizeof (record); ++ i)
      record [i] = (unsigned char) (i * 7);
    passed = passed && host_aead_seal (aead, nonce, aad, aadLength, record, sizeof (record), record, tag) == 0 &&
             record [0] != 0 &&
             host_aead_open (aead, nonce, aad, aadLength, record, sizeof (record), record, tag) == 0;
    for (size_t i = 0; passed && i < sizeof (record); ++ i)
      passed = record [i] == (unsigned char) (i * 7);
    host_aead_free (aead);
    return passed;
}

/* Record mode against the construction the known-answer test just checked, with a context per
 * direction as in a DTLS session: records of a session, the second one next in sequence (for
 * AES-GCM, OpenSSL's own count) and the third one further on (a nonce set again), must seal to the
 * same bytes, open back, and be refused with one bit of the tag changed. */
static int record_mode_agrees (HostAeadAlgorithm algorithm)
{
    static const unsigned char key [32] = { 0x42 };
    static const unsigned char steps [] = { 1, 1, 5 };
    enum { LENGTH = 1000, SEALED = EXPLICIT_NONCE_LENGTH + LENGTH + TAG_LENGTH };
    /* The sequence number (epoch 1, record 41) is the nonce's last 8 bytes, as mbedTLS makes
     * AES-GCM's; ChaCha20-Poly1305's nonce keeps its fixed part as both move alike. */
    unsigned char nonce [12] = { 1, 2, 3, 4, 0, 1, 0, 0, 0, 0, 0, 41 };
    unsigned char aad [TLS_AAD_LENGTH] = { 0, 1, 0, 0, 0, 0, 0, 41, 23, 0xfe, 0xfd, LENGTH >> 8, LENGTH & 0xff };
    /* Each with room for AES-GCM's explicit nonce before the data, as in mbedTLS's records. */
    unsigned char expected [SEALED], record [SEALED];
    unsigned char * const expectedData = expected + EXPLICIT_NONCE_LENGTH, * const data = record + EXPLICIT_NONCE_LENGTH;
    HostAead * general = create (algorithm, key), * sealing = create (algorithm, key), * opening = create (algorithm, key);
    int agrees = general != NULL && sealing != NULL && opening != NULL;
    for (size_t round = 0; round < sizeof (steps) && agrees; ++ round)
    {
        aad [7] = nonce [11] = (unsigned char) (nonce [11] + steps [round]);
        memcpy (expected, nonce + 4, EXPLICIT_NONCE_LENGTH);   /* what mbedTLS writes there */
        for (size_t i = 0; i < LENGTH; ++ i)
          expectedData [i] = data [i] = (unsigned char) (i * 13 + round);
        openssl.recordMode [algorithm] = 0;
        agrees = host_aead_seal (general, nonce, aad, sizeof (aad), expectedData, LENGTH, expectedData,
                                 expectedData + LENGTH) == 0;
        openssl.recordMode [algorithm] = 1;
        agrees = agrees && host_aead_seal (sealing, nonce, aad, sizeof (aad), data, LENGTH, data, data + LENGTH) == 0 &&
                 memcmp (data, expectedData, LENGTH + TAG_LENGTH) == 0 &&
                 host_aead_open (opening, nonce, aad, sizeof (aad), data, LENGTH, data, data + LENGTH) == 0;
        for (size_t i = 0; agrees && i < LENGTH; ++ i)
          agrees = data [i] == (unsigned char) (i * 13 + round);
        memcpy (record, expected, sizeof (record));
        data [LENGTH] ^= 1;
        agrees = agrees && host_aead_open (opening, nonce, aad, sizeof (aad), data, LENGTH, data, data + LENGTH) == 1;
    }
    host_aead_free (general);
    host_aead_free (sealing);
    host_aead_free (opening);
    openssl.clearErrors ();
    return agrees;
}
