/* writer_internal.h — the writer handle, shared by the files of libmdbus_writer. */
#ifndef MDBUS_WRITER_INTERNAL_H
#define MDBUS_WRITER_INTERNAL_H

#include <mdbus/writer.h>

#include "registry.h"
#include "segment.h"

struct mdbus_writer {
	char feed[MDBUS_FEED_NAME_MAX + 1];
	int lock_fd;
	int fd;
	uint8_t *base;
	struct mdbus__geom g;
	struct mdbus_shm_header *hdr;
	struct mdbus_shm_control *ctl;
	uint8_t *ring;
	uint64_t mask;
	uint32_t payload;           /* payload bytes per slot */
	mode_t mode;
	uint64_t seq;               /* == ctl->write_seq; only this process writes it */
	uint64_t gen;               /* == ctl->conn_gen */
	uint64_t epoch;
	int asym;                   /* registered for membarrier(GLOBAL_EXPEDITED) */
	struct mdbus__registry reg;
	struct mdbus_shm_registry *rh; /* reg.hdr, or NULL without a registry */
	uint32_t woken_epoch;       /* sleep_epoch value data_futex was last woken for */
	int fenced;                 /* == rh->writer_fenced: put() fences before its epoch load */
	uint32_t calm_puts;         /* puts in a row without a new sleeper, while fenced */
	uint64_t last_reap_ns;      /* last dead-sleeper sweep (mdbus_writer_heartbeat) */
};

int pub_move_generation(mdbus_writer *w, uint32_t reason);

#endif
