/* pub_feed.h — market data frames into records and books (private). */
#ifndef PUB_FEED_H
#define PUB_FEED_H

#include <stdint.h>

#include "pub_state.h"

/* st->msg holds a decoded KP_BOOK / KP_TRADE / KP_TICKER / KP_OHLC frame whose
 * symbol ids are indexes into st->syms. */
void pub_feed_market(struct pub_state *st, int64_t recv_ns);

#endif
