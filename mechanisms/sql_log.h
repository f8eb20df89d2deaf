/*
 * sql_log - the mechanism's one way to write a log line.
 *
 * Every module of the mechanism logs through sql_log(); where the line goes
 * is decided once by whoever hosts the code: saslauthd's logger() inside the
 * daemon (auth_sql.c), a capturing buffer in the unit tests, stderr when
 * nobody said. Never pass a password, a stored hash or the database password.
 */
#ifndef SQL_LOG_H
#define SQL_LOG_H

#include <stddef.h>
#include <syslog.h>

#define SQL_LOG_ERR	LOG_ERR
#define SQL_LOG_WARNING	LOG_WARNING
#define SQL_LOG_INFO	LOG_INFO
#define SQL_LOG_DEBUG	LOG_DEBUG

/* Receives one formatted line, without a trailing newline. */
typedef void sql_log_sink(int priority, const char *line);

/* Route every later sql_log() line to sink (NULL: back to stderr). */
void sql_log_set_sink(sql_log_sink *sink);

/* Format and emit one line (cut at 1024 bytes, like saslauthd's logger). */
void sql_log(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Copy client-supplied text into dst for logging: non-printable bytes become
 * '?', and the copy is cut to fit dstlen (always NUL-terminated).
 * Returns dst.
 */
char *sql_log_printable(char *dst, size_t dstlen, const char *src);

#endif
