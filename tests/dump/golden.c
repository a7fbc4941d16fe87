/*
 * golden.c — masked golden-file comparison for the mdbus-dump text formats.
 *
 * Masks (POSIX ERE, applied line by line, each only where its line filter matches):
 *   created <time> by uid <n>     -> created <TIME> by uid <UID>
 *   (since <time>)                -> (since <TIME>)
 *   pid <n>                       -> pid <PID>
 *   heartbeat <n> ms ago          -> heartbeat <AGE> ms ago
 *   recv_ts=<time> on type=status -> recv_ts=<TIME>   (set_connected stamps real time)
 * Everything else — values, decimals, fixed timestamps, column alignment — must match.
 */
#define _GNU_SOURCE
#include "golden.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mask {
	const char *only_if;        /* line filter (ERE) or NULL */
	const char *re;
	const char *with;
};

static const struct mask masks[] = {
	{ NULL, "created [^ ]+ by uid [0-9]+", "created <TIME> by uid <UID>" },
	{ NULL, "\\(since [^)]*\\)", "(since <TIME>)" },
	{ NULL, "pid [0-9]+", "pid <PID>" },
	{ NULL, "heartbeat -?[0-9]+ ms ago", "heartbeat <AGE> ms ago" },
	{ "type=status", "recv_ts=[^ ]+", "recv_ts=<TIME>" },
};

/* Append s[0..n) to the growing buffer. */
static void put(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*b = realloc(*b, *cap);
		if (!*b)
			abort();
	}
	memcpy(*b + *len, s, n);
	*len += n;
	(*b)[*len] = '\0';
}

/* Replace every match of re in line with `with`. */
static char *subst(const char *line, const char *re_text, const char *with)
{
	regex_t re;
	regmatch_t m;
	char *out = NULL;
	size_t len = 0, cap = 0;
	const char *p = line;

	if (regcomp(&re, re_text, REG_EXTENDED) != 0)
		abort();
	put(&out, &len, &cap, "", 0);
	while (*p && regexec(&re, p, 1, &m, p == line ? 0 : REG_NOTBOL) == 0 && m.rm_eo > 0) {
		put(&out, &len, &cap, p, (size_t)m.rm_so);
		put(&out, &len, &cap, with, strlen(with));
		p += m.rm_eo;
	}
	put(&out, &len, &cap, p, strlen(p));
	regfree(&re);
	return out;
}

static int matches(const char *line, const char *re_text)
{
	regex_t re;
	int ok;

	if (regcomp(&re, re_text, REG_EXTENDED | REG_NOSUB) != 0)
		abort();
	ok = regexec(&re, line, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

char *golden_mask(const char *text, const char *feed)
{
	char *out = NULL;
	size_t len = 0, cap = 0, fl = strlen(feed);
	const char *p = text;

	put(&out, &len, &cap, "", 0);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		char *line = NULL, *tmp;
		size_t l2 = 0, c2 = 0;
		const char *q;
		size_t i;

		/* feed name first: it contains the test's pid */
		put(&line, &l2, &c2, "", 0);
		for (q = p; q < p + ll;) {
			if (fl && (size_t)(p + ll - q) >= fl && strncmp(q, feed, fl) == 0) {
				put(&line, &l2, &c2, "<FEED>", 6);
				q += fl;
			} else {
				put(&line, &l2, &c2, q, 1);
				q++;
			}
		}
		for (i = 0; i < sizeof masks / sizeof masks[0]; i++) {
			if (masks[i].only_if && !matches(line, masks[i].only_if))
				continue;
			tmp = subst(line, masks[i].re, masks[i].with);
			free(line);
			line = tmp;
		}
		put(&out, &len, &cap, line, strlen(line));
		if (nl)
			put(&out, &len, &cap, "\n", 1);
		free(line);
		p += ll + (nl ? 1 : 0);
	}
	return out;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	put(&buf, &len, &cap, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		put(&buf, &len, &cap, chunk, n);
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

int golden_check(const char *dir, const char *name, const char *text, const char *feed)
{
	char path[4096], actual[4096];
	char *masked = golden_mask(text, feed);
	char *want;
	int ok;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (getenv("DUMP_UPDATE_GOLDEN")) {
		spit(path, masked);
		free(masked);
		return 1;
	}
	want = slurp(path);
	ok = want && strcmp(want, masked) == 0;
	if (!ok) {
		snprintf(actual, sizeof actual, "%s.actual", name);
		spit(actual, masked);
		fprintf(stderr, "golden mismatch for %s\n--- expected (%s)\n%s--- actual (masked, "
			"also in ./%s)\n%s---\n", name, path, want ? want : "(missing)\n", actual,
			masked);
	}
	free(want);
	free(masked);
	return ok;
}
