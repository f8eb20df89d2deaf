/*
 * sql_driver_sqlite - an SQLite file, opened read-only.
 *
 * Owns one sqlite3 handle and its prepared statement, kept for the life of
 * the connection and reset after every lookup. The file is never written:
 * it is opened with SQLITE_OPEN_READONLY, and a busy timeout keeps a writer
 * holding a lock from stalling a worker forever. A file replaced under a
 * running daemon (renamed over, as a copy from a master database is) is
 * noticed at the next lookup and opened anew.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <sqlite3.h>

#include "sql_config.h"
#include "sql_driver.h"

struct sql_conn {
	sqlite3 *db;
	sqlite3_stmt *stmt;
	const struct sql_template *prepared;	/* what stmt holds */
	const struct sql_config *config;
	dev_t dev;				/* the file we opened */
	ino_t ino;
	char error[256];
};

/*
 * failed - keep the engine's message for last_error() and say whether the
 * handle survives: a file that can no longer be read is reopened, a
 * statement that failed on a readable file is not retried.
 */
static enum sql_lookup
failed(struct sql_conn *conn, const char *what)
{
	int code = conn->db != NULL ? sqlite3_errcode(conn->db) : SQLITE_NOMEM;

	snprintf(conn->error, sizeof(conn->error), "%s: %s", what,
	    conn->db != NULL ? sqlite3_errmsg(conn->db) : "no database");
	switch (code & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return SQL_LOOKUP_LOST;
	default:
		return SQL_LOOKUP_ERROR;
	}
}

/* sqlite_driver_library_init - SQLite's own set-up */
static int
sqlite_driver_library_init(void)
{
	return sqlite3_initialize() == SQLITE_OK ? 0 : -1;
}

/* close_db - finalize the statement and close the handle */
static void
close_db(struct sql_conn *conn)
{
	sqlite3_finalize(conn->stmt);
	conn->stmt = NULL;
	conn->prepared = NULL;
	/* _v2: never leaks the handle when a statement is still open */
	sqlite3_close_v2(conn->db);
	conn->db = NULL;
}

/* sqlite_driver_close - close and free */
static void
sqlite_driver_close(struct sql_conn *conn)
{
	if (conn == NULL)
		return;
	close_db(conn);
	free(conn);
}

/* open_db - open the file read-only; 0, or -1 with err set */
static int
open_db(struct sql_conn *conn, char *err, size_t errlen)
{
	const struct sql_config *config = conn->config;
	struct stat st;
	int rc;

	rc = sqlite3_open_v2(config->database, &conn->db,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", config->database,
		    conn->db != NULL ? sqlite3_errmsg(conn->db) :
		    sqlite3_errstr(rc));
		return -1;
	}
	if (sqlite3_busy_timeout(conn->db,
	    (int)config->timeout * 1000) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", config->database,
		    sqlite3_errmsg(conn->db));
		return -1;
	}
	/* the file just opened; a race with a rename only costs a reopen */
	if (stat(config->database, &st) == 0) {
		conn->dev = st.st_dev;
		conn->ino = st.st_ino;
	}
	return 0;
}

/* sqlite_driver_connect - open the database file */
static int
sqlite_driver_connect(struct sql_conn **conn_r,
    const struct sql_config *config, const struct sql_host *host,
    char *err, size_t errlen)
{
	struct sql_conn *conn;

	(void)host;
	*conn_r = NULL;
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	conn->config = config;
	if (open_db(conn, err, errlen) != 0) {
		sqlite_driver_close(conn);
		return -1;
	}
	*conn_r = conn;
	return 0;
}

/* reopen_if_replaced - a new file at the path: open it instead */
static enum sql_lookup
reopen_if_replaced(struct sql_conn *conn)
{
	struct stat st;

	if (stat(conn->config->database, &st) != 0 ||
	    (st.st_dev == conn->dev && st.st_ino == conn->ino))
		return SQL_LOOKUP_NONE;
	close_db(conn);
	if (open_db(conn, conn->error, sizeof(conn->error)) != 0)
		return SQL_LOOKUP_LOST;
	return SQL_LOOKUP_NONE;
}

/* prepare - prepare query's statement on this connection, once */
static enum sql_lookup
prepare(struct sql_conn *conn, const struct sql_query *query)
{
	const struct sql_template *tmpl = query->tmpl;
	const char *tail = NULL;
	int columns;

	if (conn->stmt != NULL && conn->prepared == tmpl)
		return SQL_LOOKUP_NONE;
	sqlite3_finalize(conn->stmt);
	conn->stmt = NULL;
	conn->prepared = NULL;
	if (sqlite3_prepare_v3(conn->db, tmpl->sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &conn->stmt, &tail) != SQLITE_OK)
		return failed(conn, "prepare");
	if (conn->stmt == NULL || tail == NULL ||
	    tail[strspn(tail, " \t\r\n")] != '\0') {
		snprintf(conn->error, sizeof(conn->error), "prepare: the "
		    "query must be exactly one statement");
		return SQL_LOOKUP_ERROR;
	}
	if ((size_t)sqlite3_bind_parameter_count(conn->stmt) !=
	    tmpl->nparams) {
		snprintf(conn->error, sizeof(conn->error), "prepare: the "
		    "engine counts other parameters than the template has");
		return SQL_LOOKUP_ERROR;
	}
	columns = sqlite3_column_count(conn->stmt);
	if (columns < 0 || (size_t)columns != query->ncolumns) {
		snprintf(conn->error, sizeof(conn->error), "prepare: the "
		    "query returns %d columns, %zu expected", columns,
		    query->ncolumns);
		return SQL_LOOKUP_ERROR;
	}
	conn->prepared = tmpl;
	return SQL_LOOKUP_NONE;
}

/* copy_row - copy the current row's columns into row_r */
static enum sql_lookup
copy_row(struct sql_conn *conn, struct sql_row *row_r)
{
	size_t i;

	for (i = 0; i < row_r->ncolumns; i++) {
		const unsigned char *text;
		int len;

		row_r->column[i].null =
		    sqlite3_column_type(conn->stmt, (int)i) == SQLITE_NULL;
		row_r->column[i].too_long = false;
		row_r->column[i].len = 0;
		row_r->column[i].value[0] = '\0';
		if (row_r->column[i].null)
			continue;
		text = sqlite3_column_text(conn->stmt, (int)i);
		len = sqlite3_column_bytes(conn->stmt, (int)i);
		if (text == NULL)
			return failed(conn, "fetch");
		if (len < 0 || (size_t)len >= SQL_VALUE_MAX) {
			row_r->column[i].too_long = true;
			continue;
		}
		memcpy(row_r->column[i].value, text, (size_t)len);
		row_r->column[i].value[len] = '\0';
		row_r->column[i].len = (size_t)len;
	}
	return SQL_LOOKUP_ONE;
}

/* sqlite_driver_lookup - bind, step, count the rows */
static enum sql_lookup
sqlite_driver_lookup(struct sql_conn *conn, const struct sql_query *query,
    struct sql_row *row_r)
{
	size_t i;
	enum sql_lookup rc;
	int step;

	rc = reopen_if_replaced(conn);
	if (rc == SQL_LOOKUP_NONE)
		rc = prepare(conn, query);
	if (rc < 0)
		return rc;
	for (i = 0; i < query->tmpl->nparams; i++) {
		if (sqlite3_bind_text(conn->stmt, (int)i + 1,
		    query->values[i], -1, SQLITE_STATIC) != SQLITE_OK) {
			rc = failed(conn, "bind");
			goto out;
		}
	}
	row_r->ncolumns = query->ncolumns;
	step = sqlite3_step(conn->stmt);
	if (step == SQLITE_DONE) {
		rc = SQL_LOOKUP_NONE;
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = failed(conn, "step");
		goto out;
	}
	rc = copy_row(conn, row_r);
	if (rc != SQL_LOOKUP_ONE)
		goto out;
	step = sqlite3_step(conn->stmt);
	if (step == SQLITE_ROW)
		rc = SQL_LOOKUP_MANY;
	else if (step != SQLITE_DONE)
		rc = failed(conn, "step");
out:
	/* values were bound SQLITE_STATIC: unbind before they go away */
	sqlite3_reset(conn->stmt);
	sqlite3_clear_bindings(conn->stmt);
	return rc;
}

/* sqlite_driver_last_error - the last error on conn */
static const char *
sqlite_driver_last_error(const struct sql_conn *conn)
{
	return conn->error;
}

const struct sql_driver sql_driver_sqlite = {
	.name = "sqlite",
	.dialect = {
		.param_style = SQL_PARAM_STYLE_QMARK,
		.backslash_escapes = false,
		.hash_comments = false,
		.identifier_quote = '"',
	},
	.library_init = sqlite_driver_library_init,
	.connect = sqlite_driver_connect,
	.lookup = sqlite_driver_lookup,
	.close = sqlite_driver_close,
	.last_error = sqlite_driver_last_error,
};
