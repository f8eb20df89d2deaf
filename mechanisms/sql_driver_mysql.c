/*
 * sql_driver_mysql - MySQL and MariaDB through libmariadb/libmysqlclient.
 *
 * Owns one MYSQL handle and its prepared statement. The statement is
 * prepared on first use and kept until the connection closes, so a warm
 * worker runs one execute per login. Logs nothing itself: errors are kept
 * for last_error(), which the core logs once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "sql_config.h"
#include "sql_driver.h"

#ifdef ER_CONNECTION_KILLED		/* MariaDB's */
#define CONNECTION_KILLED(code)	((code) == ER_CONNECTION_KILLED)
#else
#define CONNECTION_KILLED(code)	0
#endif

/* MySQL 8 dropped my_bool for bool; MariaDB's Connector/C keeps it */
#if defined(MARIADB_BASE_VERSION) || defined(MARIADB_PACKAGE_VERSION) || \
    MYSQL_VERSION_ID < 80000
typedef my_bool mysql_flag;
#else
typedef bool mysql_flag;
#endif

struct sql_conn {
	MYSQL *mysql;
	MYSQL_STMT *stmt;
	const struct sql_template *prepared;	/* what stmt holds */
	char error[256];
};

/* keep_error - remember an error message for last_error() */
static void
keep_error(struct sql_conn *conn, const char *what, const char *why)
{
	snprintf(conn->error, sizeof(conn->error), "%s: %s", what, why);
}

/* mysql_driver_library_init - libmariadb's own set-up (OpenSSL, NSS) */
static int
mysql_driver_library_init(void)
{
	return mysql_library_init(0, NULL, NULL) == 0 ? 0 : -1;
}

/* mysql_driver_close - close and free */
static void
mysql_driver_close(struct sql_conn *conn)
{
	if (conn == NULL)
		return;
	if (conn->stmt != NULL)
		mysql_stmt_close(conn->stmt);
	if (conn->mysql != NULL)
		mysql_close(conn->mysql);
	free(conn);
}

/* mysql_driver_connect - connect to one host entry */
static int
mysql_driver_connect(struct sql_conn **conn_r, const struct sql_config *config,
    const struct sql_host *host, char *err, size_t errlen)
{
	struct sql_conn *conn;
	unsigned int connect_timeout = config->connect_timeout;
	unsigned int io_timeout = config->timeout;

	*conn_r = NULL;
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL || (conn->mysql = mysql_init(NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(conn);
		return -1;
	}
	/* a worker that waits forever for a dead server is an outage */
	if (mysql_options(conn->mysql, MYSQL_OPT_CONNECT_TIMEOUT,
	    &connect_timeout) != 0 ||
	    mysql_options(conn->mysql, MYSQL_OPT_READ_TIMEOUT,
	    &io_timeout) != 0 ||
	    mysql_options(conn->mysql, MYSQL_OPT_WRITE_TIMEOUT,
	    &io_timeout) != 0) {
		snprintf(err, errlen, "cannot set timeouts: %s",
		    mysql_error(conn->mysql));
		mysql_driver_close(conn);
		return -1;
	}
	/* a fixed client character set: the library's default has changed
	 * between versions, and what a login's bytes mean must not */
	if (mysql_options(conn->mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4")) {
		snprintf(err, errlen, "cannot set the character set: %s",
		    mysql_error(conn->mysql));
		mysql_driver_close(conn);
		return -1;
	}
	if (mysql_real_connect(conn->mysql, host->socket != NULL ? NULL :
	    host->name, config->user, config->passwd, config->database,
	    host->port, host->socket, 0) == NULL) {
		snprintf(err, errlen, "%s", mysql_error(conn->mysql));
		mysql_driver_close(conn);
		return -1;
	}
	*conn_r = conn;
	return 0;
}

/*
 * failed - keep the error of a failed call and say whether the connection
 * survives it: client errors (CR_*) mean it is gone or in an unknown state,
 * as do a server shutting down or killing us; a server error about the
 * statement leaves it usable.
 */
static enum sql_lookup
failed(struct sql_conn *conn, const char *what, unsigned int code,
    const char *message)
{
	keep_error(conn, what, message);
	if ((code >= CR_MIN_ERROR && code <= CR_MAX_ERROR) ||
	    code == ER_SERVER_SHUTDOWN || CONNECTION_KILLED(code))
		return SQL_LOOKUP_LOST;
	return SQL_LOOKUP_ERROR;
}

/* prepare - prepare query's statement on this connection, once */
static enum sql_lookup
prepare(struct sql_conn *conn, const struct sql_query *query)
{
	const struct sql_template *tmpl = query->tmpl;
	unsigned int columns;

	if (conn->stmt != NULL && conn->prepared == tmpl)
		return SQL_LOOKUP_NONE;
	if (conn->stmt != NULL)
		mysql_stmt_close(conn->stmt);
	conn->prepared = NULL;
	conn->stmt = mysql_stmt_init(conn->mysql);
	if (conn->stmt == NULL)
		return failed(conn, "prepare", mysql_errno(conn->mysql),
		    mysql_error(conn->mysql));
	if (mysql_stmt_prepare(conn->stmt, tmpl->sql, strlen(tmpl->sql)))
		return failed(conn, "prepare", mysql_stmt_errno(conn->stmt),
		    mysql_stmt_error(conn->stmt));
	if (mysql_stmt_param_count(conn->stmt) != tmpl->nparams) {
		keep_error(conn, "prepare", "the server counts other "
		    "parameters than the template has");
		return SQL_LOOKUP_ERROR;
	}
	columns = mysql_stmt_field_count(conn->stmt);
	if (columns != query->ncolumns) {
		snprintf(conn->error, sizeof(conn->error), "prepare: the "
		    "query returns %u columns, %zu expected", columns,
		    query->ncolumns);
		return SQL_LOOKUP_ERROR;
	}
	conn->prepared = tmpl;
	return SQL_LOOKUP_NONE;
}

/* The result buffers of one execution; NULL columns leave length alone. */
struct result {
	MYSQL_BIND bind[SQL_ROW_COLUMNS_MAX];
	unsigned long length[SQL_ROW_COLUMNS_MAX];
	mysql_flag is_null[SQL_ROW_COLUMNS_MAX];
	mysql_flag truncated[SQL_ROW_COLUMNS_MAX];
};

/*
 * fetch_row - fetch the next row into row_r (NULL: fetch, keep nothing).
 * SQL_LOOKUP_ONE, SQL_LOOKUP_NONE at the end, or an error. A value too long
 * for its buffer is marked too_long, never cut.
 */
static enum sql_lookup
fetch_row(struct sql_conn *conn, struct result *res, struct sql_row *row_r)
{
	int rc;
	size_t i;

	memset(res->length, 0, sizeof(res->length));
	memset(res->is_null, 0, sizeof(res->is_null));
	memset(res->truncated, 0, sizeof(res->truncated));
	rc = mysql_stmt_fetch(conn->stmt);
	if (rc == MYSQL_NO_DATA)
		return SQL_LOOKUP_NONE;
	if (rc != 0 && rc != MYSQL_DATA_TRUNCATED)
		return failed(conn, "fetch", mysql_stmt_errno(conn->stmt),
		    mysql_stmt_error(conn->stmt));
	for (i = 0; row_r != NULL && i < row_r->ncolumns; i++) {
		row_r->column[i].null = res->is_null[i] != 0;
		row_r->column[i].too_long = !res->is_null[i] &&
		    (res->truncated[i] ||
		    res->length[i] >= res->bind[i].buffer_length);
		row_r->column[i].len = row_r->column[i].null ||
		    row_r->column[i].too_long ? 0 : res->length[i];
		row_r->column[i].value[row_r->column[i].len] = '\0';
	}
	return SQL_LOOKUP_ONE;
}

/* mysql_driver_lookup - execute and count the rows */
static enum sql_lookup
mysql_driver_lookup(struct sql_conn *conn, const struct sql_query *query,
    struct sql_row *row_r)
{
	MYSQL_BIND param[SQL_TEMPLATE_PARAMS_MAX];
	struct result res;
	size_t i;
	enum sql_lookup rc, more;

	rc = prepare(conn, query);
	if (rc < 0)
		return rc;

	memset(param, 0, sizeof(param));
	for (i = 0; i < query->tmpl->nparams; i++) {
		param[i].buffer_type = MYSQL_TYPE_STRING;
		param[i].buffer = (void *)query->values[i];
		param[i].buffer_length = strlen(query->values[i]);
	}
	memset(&res, 0, sizeof(res));
	row_r->ncolumns = query->ncolumns;
	for (i = 0; i < query->ncolumns; i++) {
		res.bind[i].buffer_type = MYSQL_TYPE_STRING;
		res.bind[i].buffer = row_r->column[i].value;
		/* one byte kept for the terminator */
		res.bind[i].buffer_length = SQL_VALUE_MAX - 1;
		res.bind[i].length = &res.length[i];
		res.bind[i].is_null = &res.is_null[i];
		res.bind[i].error = &res.truncated[i];
	}
	if (mysql_stmt_bind_param(conn->stmt, param) != 0 ||
	    mysql_stmt_execute(conn->stmt) != 0 ||
	    mysql_stmt_bind_result(conn->stmt, res.bind) != 0) {
		rc = failed(conn, "execute", mysql_stmt_errno(conn->stmt),
		    mysql_stmt_error(conn->stmt));
		goto out;
	}
	rc = fetch_row(conn, &res, row_r);
	if (rc != SQL_LOOKUP_ONE)
		goto out;
	/* a second row makes the answer ambiguous: fetched only to count,
	 * into buffers whose first row no longer matters */
	more = fetch_row(conn, &res, NULL);
	rc = more < 0 ? more : more == SQL_LOOKUP_ONE ? SQL_LOOKUP_MANY :
	    SQL_LOOKUP_ONE;
out:
	/* drop any rows left, so the statement is ready for the next login */
	if (mysql_stmt_free_result(conn->stmt) != 0 && rc >= 0)
		rc = failed(conn, "free result", mysql_stmt_errno(conn->stmt),
		    mysql_stmt_error(conn->stmt));
	return rc;
}

/* mysql_driver_last_error - the last error on conn */
static const char *
mysql_driver_last_error(const struct sql_conn *conn)
{
	return conn->error;
}

const struct sql_driver sql_driver_mysql = {
	.name = "mysql",
	.dialect = {
		.param_style = SQL_PARAM_STYLE_QMARK,
		.backslash_escapes = true,
		.hash_comments = true,
		.identifier_quote = '`',
	},
	.library_init = mysql_driver_library_init,
	.connect = mysql_driver_connect,
	.lookup = mysql_driver_lookup,
	.close = mysql_driver_close,
	.last_error = mysql_driver_last_error,
};
