/*
 * sql_log - route the mechanism's log lines to the host's logger.
 *
 * Owns only the sink pointer. Lines are formatted here so that a sink never
 * sees a format string built from client input.
 */
#include <stdarg.h>
#include <stdio.h>

#include "sql_log.h"

#define SQL_LOG_LINE_MAX 1024

static sql_log_sink *log_sink;

/* sql_log_set_sink - choose where lines go */
void
sql_log_set_sink(sql_log_sink *sink)
{
	log_sink = sink;
}

/* sql_log - format one line and hand it to the sink */
void
sql_log(int priority, const char *fmt, ...)
{
	char line[SQL_LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	if (log_sink != NULL)
		log_sink(priority, line);
	else
		fprintf(stderr, "auth_sql: %s\n", line);
}

/* sql_log_printable - make client text safe to log */
char *
sql_log_printable(char *dst, size_t dstlen, const char *src)
{
	size_t i;

	if (dstlen == 0)
		return dst;
	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
	return dst;
}
