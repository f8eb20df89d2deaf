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

#include <mysql.h>

#include "sql_config.h"
#include "sql_driver.h"

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

/* prepare - prepare query's statement on this connection, once */
static int
prepare(struct sql_conn *conn, const struct sql_query *query)
{
	const struct sql_template *tmpl = query->tmpl;
	unsigned int columns;

	if (conn->stmt != NULL && conn->prepared == tmpl)
		return 0;
	if (conn->stmt != NULL)
		mysql_stmt_close(conn->stmt);
	conn->prepared = NULL;
	conn->stmt = mysql_stmt_init(conn->mysql);
	if (conn->stmt == NULL) {
		keep_error(conn, "prepare", mysql_error(conn->mysql));
		return -1;
	}
	if (mysql_stmt_prepare(conn->stmt, tmpl->sql, strlen(tmpl->sql))) {
		keep_error(conn, "prepare", mysql_stmt_error(conn->stmt));
		return -1;
	}
	if (mysql_stmt_param_count(conn->stmt) != tmpl->nparams) {
		keep_error(conn, "prepare", "the server counts other "
		    "parameters than the template has");
		return -1;
	}
	columns = mysql_stmt_field_count(conn->stmt);
	if (columns != query->ncolumns) {
		snprintf(conn->error, sizeof(conn->error), "prepare: the "
		    "query returns %u columns, %zu expected", columns,
		    query->ncolumns);
		return -1;
	}
	conn->prepared = tmpl;
	return 0;
}

/* fetch_row - fetch one row into row_r: 1 row, 0 none, -1 error */
static int
fetch_row(struct sql_conn *conn, MYSQL_BIND *result, struct sql_row *row_r)
{
	int rc = mysql_stmt_fetch(conn->stmt);
	size_t i;

	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == MYSQL_DATA_TRUNCATED) {
		keep_error(conn, "fetch", "stored value longer than "
		    "the longest we accept");
		return -1;
	}
	if (rc != 0) {
		keep_error(conn, "fetch", mysql_stmt_error(conn->stmt));
		return -1;
	}
	for (i = 0; i < row_r->ncolumns; i++) {
		unsigned long len = *result[i].length;

		row_r->column[i].len = len;
		row_r->column[i].value[len] = '\0';
	}
	return 1;
}

/* mysql_driver_lookup - execute and count the rows */
static int
mysql_driver_lookup(struct sql_conn *conn, const struct sql_query *query,
    struct sql_row *row_r)
{
	MYSQL_BIND param[SQL_TEMPLATE_PARAMS_MAX];
	MYSQL_BIND result[SQL_ROW_COLUMNS_MAX];
	unsigned long length[SQL_ROW_COLUMNS_MAX];
	mysql_flag is_null[SQL_ROW_COLUMNS_MAX];
	struct sql_row extra;
	size_t i;
	int rc = -1, got;

	if (prepare(conn, query) != 0)
		return -1;

	memset(param, 0, sizeof(param));
	for (i = 0; i < query->tmpl->nparams; i++) {
		param[i].buffer_type = MYSQL_TYPE_STRING;
		param[i].buffer = (void *)query->values[i];
		param[i].buffer_length = strlen(query->values[i]);
	}
	memset(result, 0, sizeof(result));
	row_r->ncolumns = query->ncolumns;
	for (i = 0; i < query->ncolumns; i++) {
		result[i].buffer_type = MYSQL_TYPE_STRING;
		result[i].buffer = row_r->column[i].value;
		/* one byte kept for the terminator */
		result[i].buffer_length = SQL_VALUE_MAX - 1;
		result[i].length = &length[i];
		result[i].is_null = &is_null[i];
	}
	if (mysql_stmt_bind_param(conn->stmt, param) != 0 ||
	    mysql_stmt_execute(conn->stmt) != 0 ||
	    mysql_stmt_bind_result(conn->stmt, result) != 0) {
		keep_error(conn, "execute", mysql_stmt_error(conn->stmt));
		goto out;
	}
	got = fetch_row(conn, result, row_r);
	if (got <= 0) {
		rc = got;
		goto out;
	}
	for (i = 0; i < query->ncolumns; i++)
		row_r->column[i].null = is_null[i] != 0;
	/* a second row makes the answer ambiguous; its values are not used */
	extra.ncolumns = 0;
	got = fetch_row(conn, result, &extra);
	rc = got < 0 ? -1 : 1 + got;
out:
	/* drop any rows left, so the statement is ready for the next login */
	if (mysql_stmt_free_result(conn->stmt) != 0 && rc != -1) {
		keep_error(conn, "free result", mysql_stmt_error(conn->stmt));
		rc = -1;
	}
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
	.param_style = SQL_PARAM_STYLE_QMARK,
	.identifier_quote = '`',
	.connect = mysql_driver_connect,
	.lookup = mysql_driver_lookup,
	.close = mysql_driver_close,
	.last_error = mysql_driver_last_error,
};
