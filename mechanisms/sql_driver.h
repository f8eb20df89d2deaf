/*
 * sql_driver - the small interface every database engine implements.
 *
 * The core (sql_auth.c) sees only this table of function pointers; it never
 * includes a client library's header. Each sql_driver_<engine>.c exports
 * one const struct sql_driver, and sql_driver_find() knows the ones this
 * build has.
 */
#ifndef SQL_DRIVER_H
#define SQL_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "sql_template.h"

struct sql_config;
struct sql_host;
struct sql_conn;		/* private to each driver */

/* Longest stored value we accept; longer values are a bad row, not cut. */
#define SQL_VALUE_MAX		1024
#define SQL_ROW_COLUMNS_MAX	2

/* One result row: column 0 the stored password, column 1 the status. */
struct sql_row {
	size_t ncolumns;
	struct {
		bool null;
		bool too_long;	/* longer than SQL_VALUE_MAX - 1: not kept */
		size_t len;
		char value[SQL_VALUE_MAX];
	} column[SQL_ROW_COLUMNS_MAX];
};

/* What a lookup found. Only SQL_LOOKUP_LOST makes the core reconnect. */
enum sql_lookup {
	SQL_LOOKUP_LOST = -2,	/* the connection is gone or unusable */
	SQL_LOOKUP_ERROR = -1,	/* the statement failed; connection fine */
	SQL_LOOKUP_NONE = 0,
	SQL_LOOKUP_ONE = 1,	/* copied into the row */
	SQL_LOOKUP_MANY = 2
};

/* The statement of a lookup, and this request's values for it. */
struct sql_query {
	const struct sql_template *tmpl;	/* sql text, parameter count */
	const char *values[SQL_TEMPLATE_PARAMS_MAX];
	size_t ncolumns;	/* columns the caller reads (1 or 2) */
};

struct sql_driver {
	const char *name;		/* the sql_engine value */
	struct sql_dialect dialect;	/* how its SQL is written */

	/*
	 * Set the client library up once, in saslauthd's master before it
	 * forks, so that no child (one per request with -n 0) repeats it.
	 * Returns 0, or -1.
	 */
	int (*library_init)(void);

	/*
	 * Open a connection to one entry of config's host list (NULL for
	 * engines without a server). Returns 0 with *conn_r set, or -1 with
	 * a message (no secrets) in err.
	 */
	int (*connect)(struct sql_conn **conn_r,
	    const struct sql_config *config, const struct sql_host *host,
	    char *err, size_t errlen);

	/*
	 * Run query (prepared on first use, kept with the connection) and
	 * say what it found (enum sql_lookup); one row is copied into row_r.
	 * Releases the result before returning.
	 */
	enum sql_lookup (*lookup)(struct sql_conn *conn,
	    const struct sql_query *query, struct sql_row *row_r);

	/* Close and free; NULL is a no-op. */
	void (*close)(struct sql_conn *conn);

	/* The last error on conn, trimmed, for the log. */
	const char *(*last_error)(const struct sql_conn *conn);
};

/* The driver named name ("mysql", "sqlite"), or NULL if not built in. */
const struct sql_driver *sql_driver_find(const char *name);

/* The names of the drivers built in, space-separated, for messages. */
const char *sql_driver_names(void);

#endif
