/*
 * frame.h — what a data source (synth.c, replay.c) tells the server about the frame it
 * just wrote, so faults and counters can be applied uniformly.
 */
#ifndef MX_FRAME_H
#define MX_FRAME_H

struct mx_frame_info {
	int is_snapshot;    /* a channel snapshot (owed to a fresh subscription) */
	int is_book_update; /* a book "update" message (counts for --bad-checksum-every) */
	int bad_checksum;   /* the checksum in it was deliberately made wrong */
	int symbol;         /* served-symbol index, or -1 */
};

#endif
