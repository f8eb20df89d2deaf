/*
 * auth_sql - the "sql" mechanism as saslauthd sees it.
 *
 * auth_sql_init() runs once in saslauthd's master process, before the
 * workers fork: it reads and checks the whole config and routes our log
 * lines to saslauthd's logger(). It opens no database connection: one made
 * there would be shared by every worker. auth_sql() runs in the worker and
 * hands the request to sql_auth, which connects on first use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechanisms.h"
#include "globals.h"
#include "utils.h"

#include "auth_sql.h"
#include "sql_auth.h"
#include "sql_config.h"
#include "sql_log.h"

#ifdef SASLAUTHD_CONF_FILE_DEFAULT
#define AUTH_SQL_CONF_DEFAULT SASLAUTHD_CONF_FILE_DEFAULT
#else
#define AUTH_SQL_CONF_DEFAULT "/etc/saslauthd.conf"
#endif

static struct sql_config *config;
static struct sql_auth *auth;

/*
 * to_logger - hand a line to saslauthd's logger (syslog, or stderr with -d).
 * Debug lines come only when -V or the config's verbose asked for them.
 */
static void
to_logger(int priority, const char *line)
{
	/* logger() knows only L_ERR, L_INFO and L_DEBUG */
	if (priority <= LOG_ERR)
		priority = L_ERR;
	else if (priority < LOG_DEBUG)
		priority = L_INFO;
	else
		priority = L_DEBUG;
	logger(priority, L_FUNC, "auth_sql: %s", line);
}

/* auth_sql_init - read the config once, before the fork */
int
auth_sql_init(void)
{
	const char *path = mech_option != NULL ? mech_option :
	    AUTH_SQL_CONF_DEFAULT;

	sql_log_set_sink(to_logger);
	if (sql_config_read(&config, path) != 0)
		return -1;
	if (sql_auth_new(&auth, config, (flags & VERBOSE) != 0) != 0) {
		sql_config_free(&config);
		return -1;
	}
	sql_log(SQL_LOG_INFO, "using %s (engine %s, scheme %s)", path,
	    config->engine, sql_scheme_choice_name(&config->scheme));
	return 0;
}

/* auth_sql - one request, in a worker */
char *
auth_sql(const char *login, const char *password, const char *service,
    const char *realm)
{
	const char *reason;
	char *answer;
	size_t len;

	if (auth == NULL)
		return strdup("NO mechanism not initialized");
	if (sql_auth_check(auth, login, password, service, realm,
	    &reason) == 1)
		return strdup("OK");
	len = strlen(reason) + 4;
	answer = malloc(len);
	if (answer != NULL)
		snprintf(answer, len, "NO %s", reason);
	return answer;
}
