/* pub_log.h — the publisher's one-line log to stderr (private). */
#ifndef PUB_LOG_H
#define PUB_LOG_H

#include "pub_config.h"

void pub_log_set_level(int level);
int pub_log_enabled(int level);
void pub_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOGE(...) pub_log(PUB_LOG_ERROR, __VA_ARGS__)
#define LOGW(...) pub_log(PUB_LOG_WARN, __VA_ARGS__)
#define LOGI(...) pub_log(PUB_LOG_INFO, __VA_ARGS__)
#define LOGD(...) do { if (pub_log_enabled(PUB_LOG_DEBUG)) pub_log(PUB_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
