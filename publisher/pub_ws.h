/* pub_ws.h — run the exchange connection until *stop (private). */
#ifndef PUB_WS_H
#define PUB_WS_H

#include <signal.h>

#include "pub_backoff.h"
#include "pub_config.h"
#include "pub_record.h"
#include "pub_state.h"

/* Connect, keep connected, reconnect; returns when *stop is set (0) or on a fatal
 * setup error (< 0). */
int pub_ws_run(const struct pub_config *cfg, struct pub_state *st, struct pub_record *rec,
	       volatile sig_atomic_t *stop);

#endif
