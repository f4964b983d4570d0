#include "payload.h"

#include <stdlib.h>
#include <string.h>

uint8_t *
payload_new (size_t size)
{
    uint32_t state = 2463534242u;
    uint8_t * data;
    if (size < PAYLOAD_HEADER)
      size = PAYLOAD_HEADER;
    data = malloc (size);
    if (data == NULL)
      return NULL;
    for (size_t i = 0; i < size; ++ i)
    {
        state ^= state << 13; state ^= state >> 17; state ^= state << 5;  /* xorshift32 */
        data [i] = (uint8_t) state;
    }
    return data;
}

void
payload_stamp (uint8_t * data, const Stamp * stamp)
{
    memcpy (data, & stamp -> sent_at, 8);
    memcpy (data + 8, & stamp -> seq, 8);
    memcpy (data + 16, & stamp -> peer, 4);
}

int
payload_read (const uint8_t * data, size_t length, Stamp * stamp)
{
    if (length < PAYLOAD_HEADER)
      return -1;
    memcpy (& stamp -> sent_at, data, 8);
    memcpy (& stamp -> seq, data + 8, 8);
    memcpy (& stamp -> peer, data + 16, 4);
    return 0;
}
