#include "window.h"

#include <stdlib.h>

#define WINDOW_RING (1u << 16) /* sequence numbers remembered; far above any window we use */

enum { SLOT_FREE, SLOT_IN_FLIGHT, SLOT_DONE };

int
window_init (Window * window)
{
    window -> state = calloc (WINDOW_RING, 1);
    window -> sent_at = calloc (WINDOW_RING, sizeof (uint64_t));
    window -> mask = WINDOW_RING - 1;
    window -> head = window -> next = 0;
    window -> in_flight = 0;
    return window -> state == NULL || window -> sent_at == NULL ? -1 : 0;
}

uint64_t
window_open (Window * window, uint64_t now)
{
    uint64_t seq = window -> next ++;
    /* A packet stuck for a whole ring of later ones is lost for good; never reuse its slot live. */
    while (window -> next - window -> head > WINDOW_RING)
    {
        if (window -> state [window -> head & window -> mask] == SLOT_IN_FLIGHT)
          window -> in_flight --;
        window -> state [window -> head & window -> mask] = SLOT_FREE;
        window -> head ++;
    }
    window -> state [seq & window -> mask] = SLOT_IN_FLIGHT;
    window -> sent_at [seq & window -> mask] = now;
    window -> in_flight ++;
    return seq;
}

int
window_close (Window * window, uint64_t seq)
{
    if (seq < window -> head || seq >= window -> next || window -> state [seq & window -> mask] != SLOT_IN_FLIGHT)
      return 0;
    window -> state [seq & window -> mask] = SLOT_DONE;
    window -> in_flight --;
    return 1;
}

unsigned
window_expire (Window * window, uint64_t now, uint64_t timeout_ns)
{
    unsigned lost = 0;
    while (window -> head < window -> next)
    {
        uint8_t * state = & window -> state [window -> head & window -> mask];
        if (* state == SLOT_IN_FLIGHT)
        {
            if (now - window -> sent_at [window -> head & window -> mask] <= timeout_ns)
              break;
            window -> in_flight --;
            lost ++;
        }
        * state = SLOT_FREE;
        window -> head ++;
    }
    return lost;
}
