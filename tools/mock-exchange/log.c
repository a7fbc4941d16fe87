/*
 * log.c — stderr logging for mdbus-mock-exchange (see log.h).
 *
 * Each message is formatted into one buffer and written with a single fputs so lines
 * from this process never interleave mid-line.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mx_log_threshold = MX_LOG_NOTICE;

static const char *const level_names[] = { "error", "warn", "notice", "info", "debug" };

int mx_log_parse_level(const char *s)
{
	for (int i = 0; i < (int)(sizeof(level_names) / sizeof(level_names[0])); i++)
		if (!strcmp(s, level_names[i]))
			return i;
	if (s[0] >= '0' && s[0] <= '4' && s[1] == '\0')
		return s[0] - '0';
	return -1;
}

void mx_log(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (level > mx_log_threshold)
		return;
	n = snprintf(line, sizeof(line), "mdbus-mock-exchange: %s: ", level_names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	if (n == 0 || line[n - 1] != '\n') {
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	fputs(line, stderr);
}
