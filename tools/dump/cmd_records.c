/*
 * cmd_records.c — the record-reading commands.
 *
 * `tail [N]`: seek to write_seq - N (never further back than the ring still holds) and
 * read with polls up to the write cursor seen at the start, so a busy feed cannot keep
 * it reading forever.  Records already overwritten when the first one is read are not
 * a gap (they were gone before we looked: the tail is just shorter); a gap after that
 * (the writer lapped us while we printed) is reported.  Opens without entering the
 * reader registry.
 *
 * `follow`: registers as reader "mdbus-dump", starts at the newest record and prints
 * records as they arrive until SIGINT/SIGTERM (exit 0).  Every gap the library reports
 * (r->lost, records overwritten before we read them) is printed with its exact count
 * before the record that follows it.  Output is flushed whenever the ring is drained,
 * so a pipe sees each burst at once without a write per record.  stdout carries only
 * records and gaps; the start and stop notices go to stderr.
 */
#include "dump.h"

#include <errno.h>
#include <string.h>

/* Wait at most this long per mdbus_sub_next call, so a stop signal is seen promptly
 * even if the library's kernel wait restarts after EINTR. */
#define FOLLOW_WAIT_MS 200

static int open_reader(const struct dump_opts *o, int flags, mdbus_sub **out,
		       struct symcache *cache, struct mdbus_info *info)
{
	int rc;

	*out = dump_open_feed(o->feed, flags);
	if (!*out)
		return DUMP_EXIT_FEED;
	rc = mdbus_sub_info(*out, info);
	if (rc == 0 && symcache_init(cache, *out, info->symbol_capacity) < 0)
		rc = -ENOMEM;
	if (rc < 0) {
		mdbus_sub_close(*out);
		return dump_fail(o->feed, "reading the header", rc);
	}
	return DUMP_EXIT_OK;
}

int cmd_tail(const struct dump_opts *o)
{
	struct symcache cache;
	struct mdbus_info info;
	struct mdbus_status st;
	struct mdbus_record r;
	struct decoded d;
	struct json_tail *jt = NULL;
	uint64_t end, from, first = UINT64_MAX;
	mdbus_sub *s;
	int rc, ret;

	ret = open_reader(o, MDBUS_SUB_NO_REGISTRY, &s, &cache, &info);
	if (ret != DUMP_EXIT_OK)
		return ret;
	rc = mdbus_sub_status(s, &st);
	if (rc < 0) {
		ret = dump_fail(o->feed, "status", rc);
		goto out;
	}
	end = st.write_seq;
	from = o->tail_n < end ? end - o->tail_n : 0;
	/* Records older than one ring are gone, not lost by us: do not call them a gap. */
	if (end > info.slot_count && from < end - info.slot_count)
		from = end - info.slot_count;
	rc = mdbus_sub_seek(s, from);
	if (rc < 0) {
		ret = dump_fail(o->feed, "seek", rc);
		goto out;
	}
	if (o->json) {
		char feed[MDBUS_FEED_NAME_MAX + 1];

		dump_clean(feed, sizeof feed, o->feed, sizeof feed);
		jt = json_tail_begin(feed, end);
		if (!jt) {
			ret = dump_fail(o->feed, "tail", -ENOMEM);
			goto out;
		}
	}
	while (from < end) {
		rc = mdbus_sub_next(s, &r, 0);
		if (rc == MDBUS_E_CORRUPT)
			continue;           /* skipped; counted in the next record's lost */
		if (rc < 0) {
			ret = dump_fail(o->feed, "reading the ring", rc);
			goto out;
		}
		if (rc == 0)
			break;              /* NEVER: everything below the cursor is complete */
		if (r.lost && first != UINT64_MAX) {
			if (jt)
				json_tail_gap(jt, r.lost, r.seq);
			else
				text_gap(stdout, r.lost, r.seq);
		}
		if (first == UINT64_MAX)
			first = r.seq;
		decode_record(&cache, &r, &d);
		if (jt) {
			if (json_tail_record(jt, &d) < 0) {
				ret = dump_fail(o->feed, "tail", -ENOMEM);
				goto out;
			}
		} else {
			text_record(stdout, &d);
		}
		if (r.seq + 1 >= end)
			break;
	}
	if (jt) {
		rc = json_tail_end(stdout, jt, first == UINT64_MAX ? end : first);
		jt = NULL;
		if (rc < 0) {
			ret = dump_fail(o->feed, "tail", -ENOMEM);
			goto out;
		}
	}
	ret = DUMP_EXIT_OK;
out:
	if (jt)
		json_tail_end(NULL, jt, 0);
	symcache_free(&cache);
	mdbus_sub_close(s);
	return ret;
}

int cmd_follow(const struct dump_opts *o)
{
	struct symcache cache;
	struct mdbus_info info;
	struct mdbus_status st;
	struct mdbus_record r;
	struct decoded d;
	char feed[MDBUS_FEED_NAME_MAX + 1];
	uint64_t records = 0, lost = 0, next;
	mdbus_sub *s;
	int rc, ret;

	ret = open_reader(o, 0, &s, &cache, &info);
	if (ret != DUMP_EXIT_OK)
		return ret;
	mdbus_sub_set_name(s, DUMP_PROG);   /* best effort: the registry is optional */
	dump_install_stop_handlers();
	rc = mdbus_sub_status(s, &st);
	if (rc < 0) {
		ret = dump_fail(o->feed, "status", rc);
		goto out;
	}
	next = st.next_seq;
	dump_clean(feed, sizeof feed, o->feed, sizeof feed);
	/* Notices go to stderr (as tcpdump's do): stdout carries records and gaps only. */
	text_follow_start(stderr, feed, next);
	while (!dump_stop) {
		rc = mdbus_sub_next(s, &r, 0);
		if (rc == 0) {
			fflush(stdout);
			rc = mdbus_sub_next(s, &r, FOLLOW_WAIT_MS);
		}
		if (rc == 0 || rc == MDBUS_E_CORRUPT)
			continue;
		if (rc == -EINTR)
			continue;
		if (rc < 0) {
			fflush(stdout);
			ret = dump_fail(o->feed, "reading the ring", rc);
			goto out;
		}
		if (r.lost) {
			lost += r.lost;
			if (o->json)
				json_gap_line(stdout, r.lost, r.seq);
			else
				text_gap(stdout, r.lost, r.seq);
		}
		decode_record(&cache, &r, &d);
		if (o->json)
			json_record_line(stdout, &d);
		else
			text_record(stdout, &d);
		records++;
		next = r.seq + 1;
	}
	fflush(stdout);
	text_follow_end(stderr, next, records, lost);
	ret = DUMP_EXIT_OK;
out:
	symcache_free(&cache);
	mdbus_sub_close(s);
	return ret;
}
