/*
 * sql_driver - the list of drivers this build has.
 *
 * The build defines AUTH_SQL_MYSQL and AUTH_SQL_SQLITE for the client
 * libraries configure found, the way mechanisms.c lists saslauthd's mechs.
 */
#include <stddef.h>
#include <string.h>

#include "sql_driver.h"

#ifdef AUTH_SQL_MYSQL
extern const struct sql_driver sql_driver_mysql;
#endif
#ifdef AUTH_SQL_SQLITE
extern const struct sql_driver sql_driver_sqlite;
#endif

static const struct sql_driver *const drivers[] = {
#ifdef AUTH_SQL_MYSQL
	&sql_driver_mysql,
#endif
#ifdef AUTH_SQL_SQLITE
	&sql_driver_sqlite,
#endif
	NULL
};

/* sql_driver_find - look a driver up by engine name */
const struct sql_driver *
sql_driver_find(const char *name)
{
	size_t i;

	for (i = 0; drivers[i] != NULL; i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

/* sql_driver_names - the engines built in, for error messages */
const char *
sql_driver_names(void)
{
	return ""
#ifdef AUTH_SQL_MYSQL
	    " mysql"
#endif
#ifdef AUTH_SQL_SQLITE
	    " sqlite"
#endif
	    ;
}
