/* pub_log.c — timestamped, levelled lines on stderr; one write(2) per line so lines
 * from concurrent processes (tests run several) do not interleave. */
#include "pub_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int g_level = PUB_LOG_INFO;

void pub_log_set_level(int level)
{
	g_level = level;
}

int pub_log_enabled(int level)
{
	return level <= g_level;
}

void pub_log(int level, const char *fmt, ...)
{
	if (level > g_level)
		return;
	static const char *const tag[] = { "error", "warn", "info", "debug" };
	char line[1024];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof line, "%02d:%02d:%02d.%03ld mdbus-publisher[%d] %s: ", tm.tm_hour,
			 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, (int)getpid(), tag[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	size_t len = (size_t)n + ((size_t)m < sizeof line - (size_t)n - 1 ? (size_t)m : sizeof line - (size_t)n - 2);
	line[len++] = '\n';
	ssize_t rc = write(STDERR_FILENO, line, len);
	(void)rc;
}
