/*
 * sql_auth - one login checked against the database: the mechanism's core.
 *
 * Independent of saslauthd: auth_sql.c feeds it saslauthd's arguments, the
 * unit tests feed it theirs. Holds the per-process state: the parsed query,
 * the connection (opened lazily, in the process that uses it) and the
 * verification scheme's working memory.
 */
#ifndef SQL_AUTH_H
#define SQL_AUTH_H

#include <stdbool.h>

struct sql_config;
struct sql_auth;

/*
 * Prepare to check logins against config, which must outlive the result.
 * Builds and checks the query; opens no connection. Returns 0 with *auth_r
 * set (free with sql_auth_free()), or -1 after logging why.
 */
int sql_auth_new(struct sql_auth **auth_r, const struct sql_config *config,
    bool verbose);

/* Close the connection (if this process opened it) and free. */
void sql_auth_free(struct sql_auth **auth_r);

/*
 * Check one login. Returns 1 when the password is right and the account
 * usable; otherwise 0, with *reason_r set to a short static reason for
 * saslauthd's "NO <reason>" answer. Never fails open: every error is 0.
 * Logs database errors and bad rows once, never a password or hash.
 */
int sql_auth_check(struct sql_auth *auth, const char *login,
    const char *password, const char *service, const char *realm,
    const char **reason_r);

#endif
