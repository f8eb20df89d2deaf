/*
 * sql_config - the mechanism's settings, read from the -O file.
 *
 * Two spellings fill one struct sql_config: pam_mysql's own file
 * (`users.table = mail_users;`) and saslauthd.conf's (`sql_table: ...`).
 * The file's first setting decides which; every line must then be of that
 * spelling. Each spelling has one table of known keys.
 */
#ifndef SQL_CONFIG_H
#define SQL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "sql_scheme.h"

enum sql_config_syntax {
	SQL_CONFIG_PAM_MYSQL,	/* key = value; */
	SQL_CONFIG_SASLAUTHD	/* key: value */
};

/* One server to try: a unix socket, or a host name and port. */
struct sql_host {
	char *name;		/* NULL: the library's default */
	unsigned int port;	/* 0: the library's default */
	char *socket;		/* NULL: none, or the library's default */
};

struct sql_config {
	char *path;
	enum sql_config_syntax syntax;

	char *engine;			/* "mysql", "sqlite" */
	struct sql_host *hosts;		/* tried in order on failure */
	size_t nhosts;
	unsigned int port;		/* sql_port: hosts without their own */
	char *socket;			/* sql_socket: for "localhost" */
	char *database;			/* for SQLite: the file */
	char *user;
	char *passwd;			/* secret: never logged, wiped */

	char *table;
	char *user_column;
	char *password_column;
	char *status_column;		/* pam_mysql's account status bits */
	char *where;
	char *select;			/* a full query template */
	unsigned int query_line;	/* line of sql_select, or of the where
					   clause: for errors found later */

	struct sql_scheme_choice scheme; /* how stored passwords are verified */
	bool verbose;
	bool disconnect_every_op;
	unsigned int connect_timeout;	/* seconds */
	unsigned int timeout;		/* seconds, per read or write */
};

/*
 * Read and check path. Logs every problem as "FILE:LINE: what" (or
 * "FILE: what") through sql_log(), and notes about accepted keys that have
 * no effect here once each. Returns 0 with *config_r set (the caller owns
 * it, to free with sql_config_free()), or -1 after logging the number of
 * problems found.
 */
int sql_config_read(struct sql_config **config_r, const char *path);

/* Free *config_r (NULL is fine), wiping the database password. */
void sql_config_free(struct sql_config **config_r);

/*
 * Parse one host entry: "/path/to/socket", "name", "name:port",
 * "[v6addr]:port". default_port fills a missing port. Returns 0, or -1 with
 * a message in err. host_r's strings are the caller's to free.
 */
int sql_config_parse_host(struct sql_host *host_r, const char *text,
    unsigned int default_port, char *err, size_t errlen);

#endif
