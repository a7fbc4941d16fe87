/*
 * replay.c — loading, classifying and streaming a recorded session (see replay.h).
 *
 * The file is read whole into memory once; each line becomes an index entry (offset,
 * length, kind, channel, symbol, where its book checksum digits are). cJSON is used only
 * here at load time; streaming copies bytes, rewriting nothing but an optionally
 * corrupted checksum.
 */
#include "replay.h"

#include "faults.h"
#include "log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES (1ull << 31) /* offsets are 32-bit */

enum line_kind {
	LK_DATA,       /* a data channel frame: filtered by the client's subscriptions */
	LK_RAW,        /* not JSON, or an unknown channel: sent as recorded to everyone */
	LK_INSTRUMENT, /* instrument update: sent to instrument subscribers */
};

#define SYM_UNKNOWN (-1) /* no symbol found: sent if the channel is subscribed at all */
#define SYM_NEVER (-2)   /* a symbol the mock rejects: nobody can be subscribed to it */

struct rline {
	uint32_t off, len;
	uint32_t cks_off, cks_len; /* checksum digits, relative to off; cks_len 0 = none */
	uint8_t kind;
	int8_t chan;
	uint8_t is_book_update;
	uint8_t is_snapshot;
	int16_t sym;
};

struct mx_replay {
	char *text;
	struct rline *lines;
	size_t n_lines;
	size_t max_len;
	int has_instrument;
	uint32_t instrument_off, instrument_len;
	uint8_t chan_mask; /* data channels present in the file */
};

/* Precisions gathered during the load, applied to the symtab at the end. */
struct learned {
	int price_dec, qty_dec; /* most decimals seen, -1 = none */
	int from_instrument;    /* precisions came from the recorded instrument snapshot */
	int price_prec, qty_prec;
};

static int read_file(const char *path, char **out, size_t *out_len, char *err, size_t errcap)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errcap, "cannot open replay file %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size >= MAX_FILE_BYTES) {
		snprintf(err, errcap, "replay file %s is not a regular file under 2 GiB", path);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errcap, "out of memory reading %s", path);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errcap, "cannot read replay file %s: %s", path,
				 n < 0 ? strerror(errno) : "short read");
			free(buf);
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*out_len = got;
	return 0;
}

/* Decimals implied by a JSON number token at s: fraction digits minus the exponent. */
static int number_decimals(const char *s, const char *end)
{
	int frac = 0, exp = 0, neg = 0;

	if (s < end && *s == '-')
		s++;
	while (s < end && *s >= '0' && *s <= '9')
		s++;
	if (s < end && *s == '.')
		for (s++; s < end && *s >= '0' && *s <= '9'; s++)
			frac++;
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '-' || *s == '+'))
			neg = *s++ == '-';
		for (; s < end && *s >= '0' && *s <= '9' && exp < 100; s++)
			exp = exp * 10 + (*s - '0');
		if (!neg)
			exp = -exp;
	} else {
		exp = 0;
	}
	return frac + exp > 0 ? frac + exp : 0;
}

static int key_is(const char *k, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !memcmp(*list, k, n))
			return 1;
	return 0;
}

/* Most decimals seen in the line's price-like and quantity-like numbers. */
static void learn_decimals(const char *s, size_t len, struct learned *l)
{
	static const char *const price_keys[] = { "price", "bid", "ask", "last", "low", "high",
						  "open", "close", NULL };
	static const char *const qty_keys[] = { "qty", "bid_qty", "ask_qty", NULL };
	const char *p = s, *end = s + len;

	while (p < end && (p = memchr(p, '"', (size_t)(end - p)))) {
		const char *k = ++p, *q = memchr(p, '"', (size_t)(end - p));
		size_t kn;
		int d;

		if (!q)
			return;
		kn = (size_t)(q - k);
		p = q + 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p != ':')
			continue;
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || !(*p == '-' || (*p >= '0' && *p <= '9')))
			continue;
		d = number_decimals(p, end);
		if (key_is(k, kn, price_keys) && d > l->price_dec)
			l->price_dec = d;
		else if (key_is(k, kn, qty_keys) && d > l->qty_dec)
			l->qty_dec = d;
	}
}

/* Offset and length of the digits after "checksum": in the line, or 0 length. */
static void find_checksum(const char *s, size_t len, uint32_t *off, uint32_t *n)
{
	static const char key[] = "\"checksum\"";
	const char *end = s + len, *p = s;

	*n = 0;
	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1))) {
		const char *d;

		p += sizeof(key) - 1;
		while (p < end && (*p == ' ' || *p == ':' || *p == '\t'))
			p++;
		for (d = p; d < end && *d >= '0' && *d <= '9'; d++)
			;
		if (d > p && d - p <= 10) {
			*off = (uint32_t)(p - s);
			*n = (uint32_t)(d - p);
			return;
		}
	}
}

static int symbol_slot(struct mx_symtab *t, struct learned *lr, const char *name)
{
	size_t n = strlen(name);
	int idx;

	if (mx_symbol_is_reject(name, n))
		return SYM_NEVER;
	idx = mx_symtab_find(t, name, n);
	if (idx >= 0)
		return idx;
	idx = mx_symtab_add(t, name, n, -1, -1);
	if (idx < 0)
		return SYM_NEVER;
	lr[idx].price_dec = lr[idx].qty_dec = -1;
	return idx;
}

static void learn_instrument(const cJSON *root, struct mx_symtab *t, struct learned *lr)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(data, "pairs");
	const cJSON *p;

	cJSON_ArrayForEach(p, pairs) {
		const cJSON *js = cJSON_GetObjectItemCaseSensitive(p, "symbol");
		const cJSON *jp = cJSON_GetObjectItemCaseSensitive(p, "price_precision");
		const cJSON *jq = cJSON_GetObjectItemCaseSensitive(p, "qty_precision");
		int idx;

		if (!cJSON_IsString(js) || !cJSON_IsNumber(jp) || !cJSON_IsNumber(jq) ||
		    jp->valuedouble < 0 || jp->valuedouble > 18 || jq->valuedouble < 0 ||
		    jq->valuedouble > 18)
			continue;
		idx = symbol_slot(t, lr, js->valuestring);
		if (idx < 0)
			continue;
		lr[idx].from_instrument = 1;
		lr[idx].price_prec = (int)jp->valuedouble;
		lr[idx].qty_prec = (int)jq->valuedouble;
	}
}

/* Classifies one line (already stripped of its prefix); 0 = skip, 1 = keep in *l. */
static int classify(struct mx_replay *r, const char *s, size_t len, struct rline *l,
		    struct mx_symtab *t, struct learned *lr)
{
	cJSON *root = cJSON_ParseWithLength(s, len);
	const cJSON *jc, *jt, *data, *first, *jsym;
	int keep = 1;

	l->kind = LK_RAW;
	l->chan = -1;
	l->sym = SYM_UNKNOWN;
	if (!cJSON_IsObject(root))
		goto out;
	if (cJSON_GetObjectItemCaseSensitive(root, "method")) {
		keep = 0; /* acks, pongs, errors: the mock answers requests itself */
		goto out;
	}
	jc = cJSON_GetObjectItemCaseSensitive(root, "channel");
	jt = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!cJSON_IsString(jc))
		goto out;
	if (!strcmp(jc->valuestring, "status") || !strcmp(jc->valuestring, "heartbeat")) {
		keep = 0; /* the mock sends its own, at the right moments */
		goto out;
	}
	if (!strcmp(jc->valuestring, "instrument")) {
		if (cJSON_IsString(jt) && !strcmp(jt->valuestring, "snapshot")) {
			if (!r->has_instrument) {
				r->has_instrument = 1;
				r->instrument_off = (uint32_t)(s - r->text);
				r->instrument_len = (uint32_t)len;
				learn_instrument(root, t, lr);
			}
			keep = 0;
		} else {
			l->kind = LK_INSTRUMENT;
		}
		goto out;
	}
	l->chan = (int8_t)mx_channel_parse(jc->valuestring, strlen(jc->valuestring));
	if (l->chan < 0)
		goto out;
	l->kind = LK_DATA;
	r->chan_mask |= MX_CH_BIT(l->chan);
	l->is_snapshot = cJSON_IsString(jt) && !strcmp(jt->valuestring, "snapshot");
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	first = cJSON_IsArray(data) ? cJSON_GetArrayItem(data, 0) : NULL;
	jsym = cJSON_GetObjectItemCaseSensitive(first, "symbol");
	if (cJSON_IsString(jsym)) {
		l->sym = (int16_t)symbol_slot(t, lr, jsym->valuestring);
		if (l->sym >= 0)
			learn_decimals(s, len, &lr[l->sym]);
	}
	if (l->chan == MX_CH_BOOK) {
		l->is_book_update = cJSON_IsString(jt) && !strcmp(jt->valuestring, "update");
		find_checksum(s, len, &l->cks_off, &l->cks_len);
	}
out:
	cJSON_Delete(root);
	return keep;
}

static void apply_learned(struct mx_symtab *t, const struct learned *lr)
{
	for (int i = 0; i < t->count; i++) {
		const char *name = t->sym[i].name;
		size_t n = strlen(name);
		int pp, qp, known = mx_symbol_known(name, n, &pp, &qp);

		if (lr[i].from_instrument) {
			pp = lr[i].price_prec;
			qp = lr[i].qty_prec;
		} else if (known) {
			/* Recorded text drops trailing zeros: it can only under-state precision. */
			if (lr[i].price_dec > pp)
				pp = lr[i].price_dec;
			if (lr[i].qty_dec > qp)
				qp = lr[i].qty_dec;
		} else {
			if (lr[i].price_dec >= 0)
				pp = lr[i].price_dec;
			if (lr[i].qty_dec >= 0)
				qp = lr[i].qty_dec;
		}
		if (pp > 18)
			pp = 18;
		if (qp > 18)
			qp = 18;
		mx_symtab_add(t, name, n, pp, qp);
	}
}

int mx_replay_load(struct mx_replay **out, const char *path, struct mx_symtab *symtab,
		   char *err, size_t errcap)
{
	struct learned lr[MX_MAX_SYMBOLS];
	struct mx_replay *r;
	size_t len = 0, cap = 1024;
	char *p, *end;
	int rc;

	memset(lr, 0, sizeof(lr));
	for (int i = 0; i < MX_MAX_SYMBOLS; i++)
		lr[i].price_dec = lr[i].qty_dec = -1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	rc = read_file(path, &r->text, &len, err, errcap);
	if (rc)
		goto err_free;
	r->lines = malloc(cap * sizeof(*r->lines));
	if (!r->lines) {
		rc = -ENOMEM;
		goto err_free;
	}
	for (p = r->text, end = r->text + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end, *s = p;
		struct rline l;

		p = nl ? nl + 1 : end;
		while (le > s && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		/* "<receive ns>\t<frame>", the publisher's --record format */
		{
			char *d = s;

			while (d < le && *d >= '0' && *d <= '9')
				d++;
			if (d > s && d < le && *d == '\t')
				s = d + 1;
		}
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (s == le)
			continue;
		memset(&l, 0, sizeof(l));
		if (!classify(r, s, (size_t)(le - s), &l, symtab, lr))
			continue;
		l.off = (uint32_t)(s - r->text);
		l.len = (uint32_t)(le - s);
		if (r->n_lines == cap) {
			struct rline *nlines = realloc(r->lines, 2 * cap * sizeof(*r->lines));

			if (!nlines) {
				rc = -ENOMEM;
				goto err_free;
			}
			r->lines = nlines;
			cap *= 2;
		}
		r->lines[r->n_lines++] = l;
		if (l.len > r->max_len)
			r->max_len = l.len;
	}
	if (r->has_instrument && r->instrument_len > r->max_len)
		r->max_len = r->instrument_len;
	apply_learned(symtab, lr);
	mx_info("replay %s: %zu lines to stream, instrument snapshot %s, %d symbols", path,
		r->n_lines, r->has_instrument ? "recorded" : "generated", symtab->count);
	*out = r;
	return 0;

err_free:
	if (rc == -ENOMEM)
		snprintf(err, errcap, "out of memory loading replay file %s", path);
	mx_replay_free(r);
	return rc;
}

void mx_replay_free(struct mx_replay *r)
{
	if (!r)
		return;
	free(r->lines);
	free(r->text);
	free(r);
}

size_t mx_replay_max_frame(const struct mx_replay *r)
{
	return r->max_len + 32; /* a corrupted checksum may have more digits */
}

int mx_replay_instrument_snapshot(const struct mx_replay *r, const char **text, size_t *len)
{
	if (!r->has_instrument)
		return 0;
	*text = r->text + r->instrument_off;
	*len = r->instrument_len;
	return 1;
}

int mx_replay_gate(const struct mx_replay *r, struct mx_replay_cursor *c,
		   const struct mx_session *s, int64_t now_us)
{
	if (c->gate_open)
		return 1;
	if (r->chan_mask && (s->channels_any & r->chan_mask) == r->chan_mask)
		c->gate_open = 1;
	else if (s->first_data_sub_us && now_us - s->first_data_sub_us >= MX_REPLAY_GATE_US)
		c->gate_open = 1;
	return c->gate_open;
}

static int wanted(const struct rline *l, const struct mx_session *s)
{
	switch (l->kind) {
	case LK_RAW:
		return 1;
	case LK_INSTRUMENT:
		return s->instrument;
	default:
		if (l->sym == SYM_NEVER)
			return 0;
		if (l->sym == SYM_UNKNOWN)
			return (s->channels_any & MX_CH_BIT(l->chan)) != 0;
		return (s->sub[l->sym].subscribed & MX_CH_BIT(l->chan)) != 0;
	}
}

int mx_replay_has_work(const struct mx_replay *r, const struct mx_replay_cursor *c,
		       const struct mx_session *s)
{
	return c->gate_open && !c->finished && r->n_lines && c->starved_gen != s->sub_gen + 1;
}

int mx_replay_next(const struct mx_replay *r, struct mx_replay_cursor *c,
		   const struct mx_session *s, struct wbuf *w, int corrupt_checksum,
		   struct mx_frame_info *info)
{
	memset(info, 0, sizeof(*info));
	info->symbol = -1;
	for (size_t scanned = 0; scanned <= r->n_lines; scanned++) {
		const struct rline *l;
		const char *text;

		if (c->next >= r->n_lines) {
			if (!s->world->opts->loop || !r->n_lines) {
				c->finished = 1;
				return 0;
			}
			c->next = 0;
			c->loops++;
		}
		l = &r->lines[c->next++];
		if (!wanted(l, s))
			continue;
		text = r->text + l->off;
		if (corrupt_checksum && l->is_book_update && l->cks_len) {
			uint64_t v = 0;
			char tmp[16];
			struct wbuf t;

			for (uint32_t i = 0; i < l->cks_len; i++)
				v = v * 10 + (uint64_t)(text[l->cks_off + i] - '0');
			wb_init(&t, tmp, sizeof(tmp));
			wb_u64(&t, mx_fault_wrong_checksum((uint32_t)v));
			wb_put(w, text, l->cks_off);
			wb_put(w, tmp, wb_len(&t));
			wb_put(w, text + l->cks_off + l->cks_len, l->len - l->cks_off - l->cks_len);
			info->bad_checksum = 1;
		} else {
			wb_put(w, text, l->len);
		}
		if (w->overflow)
			return -ENOSPC;
		info->is_book_update = l->is_book_update;
		info->is_snapshot = l->is_snapshot;
		info->symbol = l->sym >= 0 ? l->sym : -1;
		return 1;
	}
	/* A whole pass matched nothing: wait for the subscriptions to change. */
	c->starved_gen = s->sub_gen + 1;
	return 0;
}
