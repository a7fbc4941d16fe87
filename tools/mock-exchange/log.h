/*
 * log.h — stderr logging for mdbus-mock-exchange.
 *
 * One line per event, prefixed with the program name and the level, so a test that
 * captures stderr can grep it. stdout is reserved for the port line (see main.c):
 * nothing in this file ever writes to stdout.
 */
#ifndef MX_LOG_H
#define MX_LOG_H

enum mx_log_level {
	MX_LOG_ERROR = 0,
	MX_LOG_WARN = 1,
	MX_LOG_NOTICE = 2,
	MX_LOG_INFO = 3,
	MX_LOG_DEBUG = 4,
};

/* The current threshold; messages above it are dropped. Set once by main(). */
extern int mx_log_threshold;

/* Parses "error|warn|notice|info|debug" or a digit 0..4; returns the level or -1. */
int mx_log_parse_level(const char *s);

void mx_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define mx_err(...)    mx_log(MX_LOG_ERROR, __VA_ARGS__)
#define mx_warn(...)   mx_log(MX_LOG_WARN, __VA_ARGS__)
#define mx_notice(...) mx_log(MX_LOG_NOTICE, __VA_ARGS__)
#define mx_info(...)   mx_log(MX_LOG_INFO, __VA_ARGS__)
#define mx_debug(...)  mx_log(MX_LOG_DEBUG, __VA_ARGS__)

#endif
