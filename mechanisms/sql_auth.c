/*
 * sql_auth - look a login up, verify its password, apply account status.
 *
 * Owns the query template, the scheme's working memory and the worker's
 * database connection. The connection is opened on the first request in
 * the process that serves it, kept, and reopened (on the next host) when the
 * driver reports it lost; a connection inherited across fork() is never
 * used. A failed statement on a working connection is not retried.
 * Logs: database errors at LOG_ERR with engine, host and the server's
 * message; bad rows (several rows; a NULL, empty, over-long or unusable
 * stored value) with the login; connects under verbose. Never a password
 * or a hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql_auth.h"
#include "sql_config.h"
#include "sql_driver.h"
#include "sql_log.h"
#include "sql_scheme.h"
#include "sql_template.h"

/* pam_mysql's account status bits (pam_mysql.c, PAM_MYSQL_USER_STAT_*) */
#define STATUS_EXPIRED		0x1
#define STATUS_AUTHTOK_EXPIRED	0x2
#define STATUS_NULL_PASSWD	0x4

struct sql_auth {
	const struct sql_config *config;
	const struct sql_driver *driver;
	struct sql_template *tmpl;
	size_t ncolumns;
	bool verbose;
	struct sql_scheme_ctx *scheme_ctx;	/* made in the worker */
	struct sql_conn *conn;
	pid_t conn_pid;			/* the process that opened conn */
	size_t host;			/* config->hosts index of conn */
};

/* build_query_text - the query pam_mysql would run, as a template */
static char *
build_query_text(const struct sql_config *c, char quote)
{
	size_t len = 64 + 2 * (strlen(c->password_column) + strlen(c->table) +
	    strlen(c->user_column) + 2 * 8 +
	    (c->status_column != NULL ? strlen(c->status_column) : 0) +
	    (c->where != NULL ? strlen(c->where) : 0));
	char *q = malloc(len);
	int bad = 0;

	if (q == NULL)
		return NULL;
	strcpy(q, "SELECT ");
	bad |= sql_template_append_name(q, len, c->password_column, quote);
	if (c->status_column != NULL) {
		bad |= sql_template_append_text(q, len, ", ");
		bad |= sql_template_append_name(q, len, c->status_column,
		    quote);
	}
	bad |= sql_template_append_text(q, len, " FROM ");
	bad |= sql_template_append_name(q, len, c->table, quote);
	bad |= sql_template_append_text(q, len, " WHERE ");
	bad |= sql_template_append_name(q, len, c->user_column, quote);
	/* appended after the escaping: this %u is the placeholder */
	if (!bad && strlen(q) + 5 < len)
		strcat(q, " = %u");
	else
		bad = 1;
	if (c->where != NULL) {
		bad |= sql_template_append_text(q, len, " AND (");
		bad |= sql_template_append_text(q, len, c->where);
		bad |= sql_template_append_text(q, len, ")");
	}
	if (bad) {
		free(q);
		return NULL;
	}
	return q;
}

/* sql_auth_new - check the query and choose driver and scheme */
int
sql_auth_new(struct sql_auth **auth_r, const struct sql_config *config,
    bool verbose)
{
	struct sql_auth *a;
	char *text = NULL, err[256], where[300];
	const char *what;

	*auth_r = NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		sql_log(SQL_LOG_ERR, "out of memory");
		return -1;
	}
	a->config = config;
	a->verbose = verbose || config->verbose;
	a->driver = sql_driver_find(config->engine);
	if (a->driver == NULL) {
		sql_log(SQL_LOG_ERR, "%s: engine %s is not built into this "
		    "saslauthd (built in:%s)", config->path, config->engine,
		    sql_driver_names());
		goto fail;
	}
	if (a->driver->library_init() != 0) {
		sql_log(SQL_LOG_ERR, "%s: the %s client library did not "
		    "initialise", config->path, a->driver->name);
		goto fail;
	}
	if (config->select != NULL) {
		what = "sql_select";
		a->ncolumns = 1;
		if (sql_template_parse(&a->tmpl, config->select,
		    &a->driver->dialect, err, sizeof(err)) != 0)
			goto bad_query;
	} else {
		what = "the query built from table, columns and where clause";
		a->ncolumns = config->status_column != NULL ? 2 : 1;
		text = build_query_text(config,
		    a->driver->dialect.identifier_quote);
		if (text == NULL) {
			snprintf(err, sizeof(err), "out of memory");
			goto bad_query;
		}
		if (sql_template_parse(&a->tmpl, text, &a->driver->dialect,
		    err, sizeof(err)) != 0)
			goto bad_query;
		free(text);
	}
	if (a->verbose)
		sql_log(SQL_LOG_DEBUG, "query: %s", a->tmpl->sql);
	*auth_r = a;
	return 0;

bad_query:
	/* the line of sql_select or of the where clause, the likely culprit */
	if (config->query_line > 0)
		snprintf(where, sizeof(where), "%s:%u", config->path,
		    config->query_line);
	else
		snprintf(where, sizeof(where), "%s", config->path);
	sql_log(SQL_LOG_ERR, "%s: %s: %s", where, what, err);
	free(text);
fail:
	sql_template_free(&a->tmpl);
	free(a);
	return -1;
}

/* host_name - where connection attempts go, for the log */
static const char *
host_name(const struct sql_auth *a, size_t i, char *buf, size_t buflen)
{
	const struct sql_host *h = &a->config->hosts[i];

	if (strcmp(a->driver->name, "sqlite") == 0)
		snprintf(buf, buflen, "%s", a->config->database);
	else if (h->socket != NULL)
		snprintf(buf, buflen, "%s", h->socket);
	else if (h->name == NULL)
		snprintf(buf, buflen, "the default socket");
	else if (h->port != 0)
		snprintf(buf, buflen, "%s:%u", h->name, h->port);
	else
		snprintf(buf, buflen, "%s", h->name);
	return buf;
}

/* disconnect - close the connection this process opened */
static void
disconnect(struct sql_auth *a)
{
	a->driver->close(a->conn);
	a->conn = NULL;
}

/* connect_any - connect, trying each host once from a->host on */
static int
connect_any(struct sql_auth *a)
{
	const struct sql_config *c = a->config;
	char err[512], where[300];
	size_t i;

	if (a->conn != NULL && a->conn_pid != getpid()) {
		/* inherited across fork(): the socket is the parent's too,
		 * and closing it here would end the parent's session */
		a->conn = NULL;
	}
	if (a->conn != NULL)
		return 0;
	for (i = 0; i < c->nhosts; i++) {
		size_t h = (a->host + i) % c->nhosts;

		if (a->driver->connect(&a->conn, c, &c->hosts[h], err,
		    sizeof(err)) == 0) {
			a->host = h;
			a->conn_pid = getpid();
			if (a->verbose)
				sql_log(SQL_LOG_DEBUG, "%s: connected to %s",
				    a->driver->name, host_name(a, h, where,
				    sizeof(where)));
			return 0;
		}
		sql_log(SQL_LOG_ERR, "%s: cannot connect to %s: %s",
		    a->driver->name, host_name(a, h, where, sizeof(where)),
		    err);
	}
	return -1;
}

/* lookup - run the query, reconnecting once (to the next host) if lost */
static enum sql_lookup
lookup(struct sql_auth *a, const struct sql_query *q, struct sql_row *row)
{
	char where[300];
	enum sql_lookup rc = SQL_LOOKUP_LOST;
	int attempt;

	for (attempt = 0; attempt < 2 && rc == SQL_LOOKUP_LOST; attempt++) {
		if (connect_any(a) != 0)
			return SQL_LOOKUP_LOST;
		rc = a->driver->lookup(a->conn, q, row);
		if (rc >= 0)
			return rc;
		sql_log(SQL_LOG_ERR, "%s: query failed on %s: %s%s",
		    a->driver->name, host_name(a, a->host, where,
		    sizeof(where)), a->driver->last_error(a->conn),
		    rc == SQL_LOOKUP_LOST ? " (reconnecting)" : "");
		if (rc == SQL_LOOKUP_LOST) {
			disconnect(a);
			if (a->config->nhosts > 1)
				a->host = (a->host + 1) % a->config->nhosts;
		}
	}
	return rc;
}

/* account_status - pam_mysql's pam_acct_mgmt verdict on a status value */
static const char *
account_status(const struct sql_row *row)
{
	long status;

	/* pam_mysql: a NULL status is an expired account; a number is read
	 * with strtol() and only its bits 0 and 1 count */
	if (row->column[1].null)
		return "account expired";
	status = strtol(row->column[1].value, NULL, 10) & ~STATUS_NULL_PASSWD;
	if ((int)status & STATUS_EXPIRED)
		return "account expired";
	if ((int)status & STATUS_AUTHTOK_EXPIRED)
		return "password expired";
	return NULL;
}

/* verify_row - the verdict on the one row found */
static int
verify_row(struct sql_auth *a, const struct sql_row *row, const char *login,
    const char *password, const char **reason_r)
{
	const char *stored = row->column[0].value;
	char shown[300], why[160];
	int rc;

	if (row->column[0].too_long ||
	    (a->ncolumns == 2 && row->column[1].too_long)) {
		sql_log(SQL_LOG_ERR, "%s: stored value for %s longer than %d "
		    "bytes", a->driver->name, sql_log_printable(shown,
		    sizeof(shown), login), SQL_VALUE_MAX - 1);
		sql_scheme_burn(a->scheme_ctx, password);
		*reason_r = "bad stored hash";
		return 0;
	}
	if (row->column[0].null || row->column[0].len == 0) {
		/* pam_mysql refuses a NULL stored password (Debian's fix),
		 * and crypt("") never matches: no stored password, no login */
		sql_log(SQL_LOG_ERR, "%s: no password stored for %s",
		    a->driver->name, sql_log_printable(shown, sizeof(shown),
		    login));
		sql_scheme_burn(a->scheme_ctx, password);
		*reason_r = "no password stored";
		return 0;
	}
	if (strlen(stored) != row->column[0].len) {
		sql_scheme_burn(a->scheme_ctx, password);
		snprintf(why, sizeof(why), "stored value holds a NUL byte");
		rc = -1;
	} else {
		rc = sql_scheme_verify(a->scheme_ctx, &a->config->scheme,
		    password, stored, why, sizeof(why));
	}
	if (sql_scheme_first_plain(a->scheme_ctx))
		sql_log(SQL_LOG_WARNING, "a password stored as plain text "
		    "(for %s); whoever can read the table can log in as its "
		    "user", sql_log_printable(shown, sizeof(shown), login));
	if (rc == -1) {
		sql_log(SQL_LOG_ERR, "%s: bad stored hash for %s (scheme %s): "
		    "%s", a->driver->name, sql_log_printable(shown,
		    sizeof(shown), login),
		    sql_scheme_choice_name(&a->config->scheme), why);
		*reason_r = "bad stored hash";
		return 0;
	}
	if (rc != 1) {
		*reason_r = "password mismatch";
		return 0;
	}
	if (a->ncolumns == 2 && (*reason_r = account_status(row)) != NULL)
		return 0;
	return 1;
}

/* sql_auth_check - the whole verdict on one login */
int
sql_auth_check(struct sql_auth *a, const char *login, const char *password,
    const char *service, const char *realm, const char **reason_r)
{
	struct sql_request req;
	struct sql_query q;
	struct sql_row *row = NULL;
	char shown[300];
	enum sql_lookup found;
	int verdict = 0;

	*reason_r = "internal error";
	if (password[0] == '\0') {
		*reason_r = "empty password";
		return 0;
	}
	if (login[0] == '\0') {
		*reason_r = "empty login";
		return 0;
	}
	if (sql_request_init(&req, login, service, realm) != 0) {
		*reason_r = "login too long";
		return 0;
	}
	if (a->scheme_ctx == NULL &&
	    (a->scheme_ctx = sql_scheme_ctx_new()) == NULL) {
		sql_log(SQL_LOG_ERR, "out of memory");
		return 0;
	}
	/* a row is 2 KiB: kept off saslauthd's stack, wiped after use */
	row = calloc(1, sizeof(*row));
	if (row == NULL) {
		sql_log(SQL_LOG_ERR, "out of memory");
		return 0;
	}
	memset(&q, 0, sizeof(q));
	q.tmpl = a->tmpl;
	q.ncolumns = a->ncolumns;
	sql_template_expand(a->tmpl, &req, q.values);

	found = lookup(a, &q, row);
	switch (found) {
	case SQL_LOOKUP_ONE:
		verdict = verify_row(a, row, login, password, reason_r);
		break;
	case SQL_LOOKUP_NONE:
		sql_scheme_burn(a->scheme_ctx, password);
		*reason_r = "unknown user";
		break;
	case SQL_LOOKUP_MANY:
		sql_scheme_burn(a->scheme_ctx, password);
		sql_log(SQL_LOG_ERR, "%s: more than one row for %s; refusing "
		    "an ambiguous login", a->driver->name,
		    sql_log_printable(shown, sizeof(shown), login));
		*reason_r = "ambiguous user";
		break;
	case SQL_LOOKUP_ERROR:
		*reason_r = "database error";
		break;
	case SQL_LOOKUP_LOST:
		*reason_r = "database unavailable";
		break;
	}
	explicit_bzero(row, sizeof(*row));
	free(row);
	if (a->config->disconnect_every_op && a->conn != NULL)
		disconnect(a);
	return verdict == 1 ? 1 : 0;
}

/* sql_auth_free - close and free */
void
sql_auth_free(struct sql_auth **auth_r)
{
	struct sql_auth *a = *auth_r;

	if (a == NULL)
		return;
	if (a->conn != NULL && a->conn_pid == getpid())
		disconnect(a);
	sql_scheme_ctx_free(&a->scheme_ctx);
	sql_template_free(&a->tmpl);
	free(a);
	*auth_r = NULL;
}
