/*
 * cmd_readers.c — `readers`: the reader registry (/mdbus.<feed>.readers) with each
 * reader's pid, name, position, lag behind the write cursor, lost records and whether
 * it is alive (holds its registry lock).  Reading the registry does not register us.
 */
#include "dump.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmd_readers(const struct dump_opts *o)
{
	struct readers_view v;
	struct mdbus_status st;
	mdbus_sub *s;
	int rc, i, ret = DUMP_EXIT_FEED;

	memset(&v, 0, sizeof v);
	/* Open the data segment first: a missing or corrupt feed is reported as such. */
	s = dump_open_feed(o->feed, MDBUS_SUB_NO_REGISTRY);
	if (!s)
		return DUMP_EXIT_FEED;
	rc = mdbus_sub_status(s, &st);
	if (rc < 0) {
		ret = dump_fail(o->feed, "status", rc);
		goto out_close;
	}
	v.r = calloc(MDBUS_REG_SLOTS_MAX, sizeof *v.r);
	if (!v.r) {
		ret = dump_fail(o->feed, "readers", -ENOMEM);
		goto out_close;
	}
	dump_clean(v.feed, sizeof v.feed, o->feed, sizeof v.feed);
	v.write_seq = st.write_seq;
	v.now_mono_ns = now_mono_ns();
	rc = mdbus_readers_list(o->feed, v.r, (int)MDBUS_REG_SLOTS_MAX);
	if (rc == MDBUS_E_NOFEED) {
		rc = 0;                     /* no reader ever registered: no registry */
	} else if (rc < 0) {
		ret = dump_fail(o->feed, "reading the reader registry", rc);
		goto out_free;
	} else {
		v.registry = 1;
	}
	v.n = rc < (int)MDBUS_REG_SLOTS_MAX ? rc : (int)MDBUS_REG_SLOTS_MAX;
	for (i = 0; i < v.n; i++) {
		char name[MDBUS_READER_NAME_MAX];

		dump_clean(name, sizeof name, v.r[i].name, sizeof v.r[i].name);
		memcpy(v.r[i].name, name, sizeof name);
		v.n_alive += v.r[i].alive != 0;
	}
	if (o->json) {
		if (json_readers(stdout, &v) < 0) {
			ret = dump_fail(o->feed, "readers", -ENOMEM);
			goto out_free;
		}
	} else {
		text_readers(stdout, &v);
	}
	ret = DUMP_EXIT_OK;
out_free:
	free(v.r);
out_close:
	mdbus_sub_close(s);
	return ret;
}
