/*
 * test_auth - the mechanism's core against a real SQLite file: the verdict
 * on every kind of row, realm handling, account status, reconnecting, and
 * a log that never holds a password or a hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "testlib.h"
#include "sql_auth.h"
#include "sql_config.h"

static char *dir, *db_path, *jane_hash;

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		print_error("%s: %s\n", sql, err);
		fail();
	}
	sqlite3_close(db);
}

static void
make_database(const char *path)
{
	char *sql;

	assert_true(asprintf(&sql,
	    "CREATE TABLE mail_users (username TEXT NOT NULL, password TEXT,"
	    " active INTEGER NOT NULL DEFAULT 1, status TEXT);"
	    "CREATE INDEX username_idx ON mail_users(username);"
	    "INSERT INTO mail_users VALUES"
	    " ('jane@example.org', '%s', 1, '0'),"
	    " ('off@example.org', '%s', 0, '0'),"
	    " ('dup@example.org', '%s', 1, '0'),"
	    " ('dup@example.org', '%s', 1, '0'),"
	    " ('null@example.org', NULL, 1, '0'),"
	    " ('empty@example.org', '', 1, '0'),"
	    " ('plain@example.org', 'janepass', 1, '0'),"
	    " ('expired@example.org', '%s', 1, '1'),"
	    " ('pwexpired@example.org', '%s', 1, '2'),"
	    " ('nullstatus@example.org', '%s', 1, NULL),"
	    " ('textstatus@example.org', '%s', 1, 'abc'),"
	    " ('negstatus@example.org', '%s', 1, '-1'),"
	    " ('bit2status@example.org', '%s', 1, '4');",
	    jane_hash, jane_hash, jane_hash, jane_hash, jane_hash, jane_hash,
	    jane_hash, jane_hash, jane_hash, jane_hash) > 0);
	exec_sql(path, sql);
	free(sql);
}

static int
setup(void **state)
{
	(void)state;
	dir = testlib_tmpdir();
	/* the seed's hash: ENCRYPT('janepass', '$1$1234abcd') */
	jane_hash = testlib_run("mkpasswd -m md5crypt -S 1234abcd janepass");
	assert_true(asprintf(&db_path, "%s/users.db", dir) > 0);
	make_database(db_path);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	testlib_rmtree(&dir);
	free(db_path);
	free(jane_hash);
	return 0;
}

struct fixture {
	struct sql_config *config;
	struct sql_auth *auth;
};

static void
open_auth(struct fixture *f, const char *extra)
{
	char *text, *path;

	assert_true(asprintf(&text, "sql_engine: sqlite\nsql_database: %s\n%s",
	    db_path, extra) > 0);
	path = testlib_write_file(dir, "auth.conf", text);
	testlib_capture_log();
	assert_int_equal(sql_config_read(&f->config, path), 0);
	assert_int_equal(sql_auth_new(&f->auth, f->config, false), 0);
	free(text);
	free(path);
}

static void
close_auth(struct fixture *f)
{
	sql_auth_free(&f->auth);
	sql_config_free(&f->config);
	assert_null(f->auth);
}

/* the verdict and, for a NO, the reason */
static void
expect(struct fixture *f, const char *login, const char *password,
    const char *realm, const char *want)
{
	const char *reason = NULL;
	int ok = sql_auth_check(f->auth, login, password, "imap", realm,
	    &reason);

	if (strcmp(want, "OK") == 0 ? ok != 1 :
	    ok != 0 || strcmp(reason, want) != 0) {
		print_error("%s/%s: got %s (%s), want %s\nlog:\n%s", login,
		    password, ok == 1 ? "OK" : "NO", ok == 1 ? "" : reason,
		    want, testlib_log());
		fail();
	}
}

#define TABLE_CONF \
	"sql_table: mail_users\n" \
	"sql_user_column: username\n" \
	"sql_password_column: password\n" \
	"sql_where: active = 1\n"

static void
test_auth_verdicts(void **state)
{
	struct fixture f;

	(void)state;
	open_auth(&f, TABLE_CONF);
	expect(&f, "jane@example.org", "janepass", "example.org", "OK");
	expect(&f, "jane@example.org", "janepas3", "example.org",
	    "password mismatch");
	expect(&f, "jane@example.org", "", "example.org", "empty password");
	expect(&f, "", "janepass", "example.org", "empty login");
	expect(&f, "nobody@example.org", "janepass", "", "unknown user");
	expect(&f, "off@example.org", "janepass", "", "unknown user");
	expect(&f, "dup@example.org", "janepass", "", "ambiguous user");
	expect(&f, "null@example.org", "janepass", "", "no password stored");
	expect(&f, "null@example.org", "", "", "empty password");
	expect(&f, "empty@example.org", "janepass", "", "no password stored");
	/* a plain-text value is not a crypt hash, and never a password */
	expect(&f, "plain@example.org", "janepass", "", "bad stored hash");
	/* SQL in the login is only ever a value */
	expect(&f, "x' OR '1'='1", "janepass", "", "unknown user");
	expect(&f, "jane@example.org' --", "janepass", "", "unknown user");
	/* status bits are not looked at without a status column */
	expect(&f, "expired@example.org", "janepass", "", "OK");

	assert_non_null(strstr(testlib_log(), "more than one row for "
	    "dup@example.org"));
	assert_non_null(strstr(testlib_log(), "no password stored for "
	    "null@example.org"));
	assert_non_null(strstr(testlib_log(), "bad stored hash for "
	    "plain@example.org"));
	assert_null(strstr(testlib_log(), "janepass"));
	assert_null(strstr(testlib_log(), jane_hash));
	assert_null(strstr(testlib_log(), "1234abcd"));
	close_auth(&f);
}

static void
test_auth_status_column_as_pam_mysql(void **state)
{
	struct fixture f;

	(void)state;
	/* pam_mysql's pam_acct_mgmt: bit 0 expired, bit 1 new password
	 * required, NULL expired, strtol() of anything else */
	open_auth(&f, TABLE_CONF "sql_status_column: status\n");
	expect(&f, "jane@example.org", "janepass", "", "OK");
	expect(&f, "expired@example.org", "janepass", "", "account expired");
	expect(&f, "pwexpired@example.org", "janepass", "",
	    "password expired");
	expect(&f, "nullstatus@example.org", "janepass", "",
	    "account expired");
	expect(&f, "textstatus@example.org", "janepass", "", "OK");
	expect(&f, "negstatus@example.org", "janepass", "", "account expired");
	expect(&f, "bit2status@example.org", "janepass", "", "OK");
	/* the password is checked first, as pam_authenticate runs first */
	expect(&f, "expired@example.org", "wrong", "", "password mismatch");
	close_auth(&f);
}

static void
test_auth_realm_placeholders(void **state)
{
	struct fixture f;

	(void)state;
	/* saslauthd without -r: login "jane", realm "example.org" */
	open_auth(&f, "sql_select: SELECT password FROM mail_users WHERE "
	    "username = %n || '@' || %d AND active = 1\n");
	expect(&f, "jane", "janepass", "example.org", "OK");
	expect(&f, "jane", "janepass", "example.net", "unknown user");
	/* with -r saslauthd has joined them already */
	expect(&f, "jane@example.org", "janepass", "example.org", "OK");
	expect(&f, "jane@example.org", "janepas3", "example.org",
	    "password mismatch");
	close_auth(&f);

	/* %u is the login as received */
	open_auth(&f, "sql_select: SELECT password FROM mail_users WHERE "
	    "username = '%u' AND active = 1\n");
	expect(&f, "jane", "janepass", "example.org", "unknown user");
	expect(&f, "jane@example.org", "janepass", "example.org", "OK");
	close_auth(&f);
}

static void
test_auth_query_shape_checked(void **state)
{
	struct fixture f;

	(void)state;
	/* two columns where one is expected: an error, never a guess */
	open_auth(&f, "sql_select: SELECT password, active FROM mail_users "
	    "WHERE username = %u\n");
	expect(&f, "jane@example.org", "janepass", "", "database error");
	assert_non_null(strstr(testlib_log(), "returns 2 columns, 1 "
	    "expected"));
	close_auth(&f);

	open_auth(&f, "sql_select: SELECT password FROM no_such_table "
	    "WHERE username = %u\n");
	expect(&f, "jane@example.org", "janepass", "", "database error");
	assert_non_null(strstr(testlib_log(), "no such table"));
	/* a statement error is not a lost connection: no reconnecting */
	assert_null(strstr(testlib_log(), "reconnecting"));
	close_auth(&f);
}

/* the query is parsed when saslauthd starts; errors name the line */
static void
test_auth_query_errors_name_the_line(void **state)
{
	static const struct {
		const char *text, *expect;
	} cases[] = {
		{ "sql_select: SELECT password FROM t WHERE u = %x\n",
		    "auth.conf:3: sql_select: unknown placeholder %x" },
		{ "sql_select: SELECT password FROM t WHERE u = %u; --\n",
		    "auth.conf:3: sql_select: ';' at column 36" },
		{ "sql_table: t\nsql_user_column: u\nsql_password_column: p\n"
		    "sql_where: active = ?\n",
		    "auth.conf:6: the query built from table, columns and "
		    "where clause: a bare ?" },
	};
	struct sql_config *config = NULL;
	struct sql_auth *auth = (void *)1;
	char *text, *path;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(asprintf(&text, "sql_engine: sqlite\n"
		    "sql_database: %s\n%s", db_path, cases[i].text) > 0);
		path = testlib_write_file(dir, "auth.conf", text);
		testlib_capture_log();
		assert_int_equal(sql_config_read(&config, path), 0);
		assert_int_equal(sql_auth_new(&auth, config, false), -1);
		assert_null(auth);
		if (strstr(testlib_log(), cases[i].expect) == NULL) {
			print_error("want \"%s\", log:\n%s", cases[i].expect,
			    testlib_log());
			fail();
		}
		sql_config_free(&config);
		free(text);
		free(path);
	}
}

static void
test_auth_long_stored_value_is_a_bad_row(void **state)
{
	struct fixture f;
	char *sql, *path;

	(void)state;
	assert_true(asprintf(&path, "%s/long.db", dir) > 0);
	make_database(path);
	assert_true(asprintf(&sql, "INSERT INTO mail_users VALUES "
	    "('long@example.org', '$1$' || hex(zeroblob(600)), 1, '0')") > 0);
	exec_sql(path, sql);
	free(db_path);
	db_path = path;
	open_auth(&f, TABLE_CONF);
	expect(&f, "long@example.org", "janepass", "", "bad stored hash");
	assert_non_null(strstr(testlib_log(), "longer than 1023 bytes"));
	/* and the connection goes on serving */
	expect(&f, "jane@example.org", "janepass", "", "OK");
	close_auth(&f);
	free(sql);
}

static void
test_auth_database_comes_back(void **state)
{
	struct fixture f;
	char *later, *text, *path;

	(void)state;
	assert_true(asprintf(&later, "%s/later.db", dir) > 0);
	assert_true(asprintf(&text, "sql_engine: sqlite\nsql_database: %s\n"
	    TABLE_CONF, later) > 0);
	path = testlib_write_file(dir, "later.conf", text);
	testlib_capture_log();
	assert_int_equal(sql_config_read(&f.config, path), 0);
	assert_int_equal(sql_auth_new(&f.auth, f.config, true), 0);
	/* no file yet: NO, logged, and the worker goes on */
	expect(&f, "jane@example.org", "janepass", "", "database unavailable");
	assert_non_null(strstr(testlib_log(), "cannot connect to"));
	make_database(later);
	expect(&f, "jane@example.org", "janepass", "", "OK");
	expect(&f, "jane@example.org", "janepass", "", "OK");
	assert_non_null(strstr(testlib_log(), "connected to"));
	close_auth(&f);
	free(later);
	free(text);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_verdicts),
		cmocka_unit_test(test_auth_status_column_as_pam_mysql),
		cmocka_unit_test(test_auth_realm_placeholders),
		cmocka_unit_test(test_auth_query_shape_checked),
		cmocka_unit_test(test_auth_query_errors_name_the_line),
		cmocka_unit_test(test_auth_long_stored_value_is_a_bad_row),
		cmocka_unit_test(test_auth_database_comes_back),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
