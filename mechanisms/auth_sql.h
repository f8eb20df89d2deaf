/*
 * auth_sql - saslauthd's "sql" mechanism: the authmech_t pair.
 *
 * The signatures are cyrus-sasl 2.1.28's (four arguments; upstream master
 * later added a fifth, the remote address).
 */
#ifndef AUTH_SQL_H
#define AUTH_SQL_H

/* Read and check the -O file; 0 on success. Opens no connection. */
int auth_sql_init(void);

/* "OK" or "NO <reason>", malloc'd; NULL only when out of memory. */
char *auth_sql(const char *login, const char *password, const char *service,
    const char *realm);

#endif
