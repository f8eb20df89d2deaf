/*
 * test_config - both spellings of the -O file, and every error told with
 * its file and line. Each case writes a real file and reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "sql_config.h"

/* The seed's pam_mysql file, unchanged but for users.host. */
#define SEED_CONF \
	"verbose = 0;\n" \
	"users.host = /run/test/mysqld.sock;\n" \
	"users.database = db_mail;\n" \
	"users.db_user = db_mail_user;\n" \
	"users.db_passwd = db_mail_password;\n" \
	"users.password_crypt = 1;\n" \
	"users.md5 = true;\n" \
	"\n" \
	"users.table = mail_users;\n" \
	"users.where_clause = active = 1;\n" \
	"users.user_column = username;\n" \
	"users.password_column = password;\n"

#define PAM_BASE \
	"users.database = db_mail;\n" \
	"users.db_user = u;\n" \
	"users.password_crypt = 1;\n" \
	"users.table = t;\n" \
	"users.user_column = username;\n" \
	"users.password_column = password;\n"

#define SQL_BASE \
	"sql_engine: sqlite\n" \
	"sql_database: /tmp/x.db\n" \
	"sql_table: t\n" \
	"sql_user_column: u\n" \
	"sql_password_column: p\n"

static char *dir;

static int
setup(void **state)
{
	(void)state;
	dir = testlib_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	testlib_rmtree(&dir);
	return 0;
}

static struct sql_config *
read_ok(const char *text, char **path_r)
{
	struct sql_config *c = NULL;
	char *path = testlib_write_file(dir, "ok.conf", text);

	testlib_capture_log();
	if (sql_config_read(&c, path) != 0) {
		print_error("%s", testlib_log());
		fail();
	}
	if (path_r != NULL)
		*path_r = path;
	else
		free(path);
	return c;
}

static void
test_config_seed_file(void **state)
{
	struct sql_config *c;
	char *path, *note;

	(void)state;
	c = read_ok(SEED_CONF, &path);
	assert_int_equal(c->syntax, SQL_CONFIG_PAM_MYSQL);
	assert_string_equal(c->engine, "mysql");
	assert_int_equal(c->nhosts, 1);
	assert_string_equal(c->hosts[0].socket, "/run/test/mysqld.sock");
	assert_null(c->hosts[0].name);
	assert_string_equal(c->database, "db_mail");
	assert_string_equal(c->user, "db_mail_user");
	assert_string_equal(c->passwd, "db_mail_password");
	assert_string_equal(c->table, "mail_users");
	assert_string_equal(c->where, "active = 1");
	assert_string_equal(c->user_column, "username");
	assert_string_equal(c->password_column, "password");
	assert_null(c->status_column);
	assert_string_equal(sql_scheme_choice_name(&c->scheme), "CRYPT");
	assert_false(c->verbose);
	/* users.md5 is read as users.use_md5, and that is said once */
	note = strstr(testlib_log(), "users.md5 is not a pam_mysql 0.8 key");
	assert_non_null(note);
	assert_non_null(strstr(note, "no effect here"));
	assert_null(strstr(note + 1, "users.md5 is not"));
	/* the database password is never in the log */
	assert_null(strstr(testlib_log(), "db_mail_password"));
	sql_config_free(&c);
	assert_null(c);
	free(path);
}

static void
test_config_pam_mysql_syntax_details(void **state)
{
	struct sql_config *c;

	(void)state;
	/* no ';', tabs, CRLF, comment lines, last line without newline,
	 * host:port, a where clause holding '=' and '#' */
	c = read_ok("# pam_mysql style\r\n"
	    "users.host\t= db.example.org:3307\r\n"
	    "users.database = db_mail\n"
	    "  # indented comment\n"
	    "users.db_user=u;\n"
	    "users.password_crypt = Y;   \n"
	    "users.table = mail_users ;\n"
	    "users.user_column = CONCAT(name, '@', domain)\n"
	    "users.password_column = password;\n"
	    "users.status_column = status;\n"
	    "users.where_clause = active = 1 AND note <> '#';\n"
	    "users.disconnect_every_operation = yes;\n"
	    "log.enabled = 0;\n"
	    "log.table = logs;\n"
	    "verbose = 1", NULL);
	assert_string_equal(c->hosts[0].name, "db.example.org");
	assert_int_equal(c->hosts[0].port, 3307);
	assert_null(c->passwd);
	assert_string_equal(c->table, "mail_users");
	assert_string_equal(c->user_column, "CONCAT(name, '@', domain)");
	assert_string_equal(c->status_column, "status");
	assert_string_equal(c->where, "active = 1 AND note <> '#'");
	assert_true(c->disconnect_every_op);
	assert_true(c->verbose);
	sql_config_free(&c);
}

static void
test_config_saslauthd_syntax(void **state)
{
	struct sql_config *c;

	(void)state;
	c = read_ok("# saslauthd.conf style\n"
	    "sql_engine: mysql\n"
	    "sql_hosts: db1.example.org:3307, /run/mysqld/mysqld.sock "
	    "localhost [::1]:3308 db2\n"
	    "sql_port: 3309\n"
	    "sql_socket: /run/other.sock\n"
	    "sql_database: db_mail\n"
	    "sql_user: u\n"
	    "sql_passwd: p:w d\n"
	    "sql_select: SELECT password FROM mail_users WHERE username = "
	    "'%u' AND active = 1\n"
	    "sql_verbose: off\n"
	    "sql_connect_timeout: 2\n"
	    "sql_timeout: 3\n", NULL);
	assert_int_equal(c->syntax, SQL_CONFIG_SASLAUTHD);
	assert_string_equal(c->engine, "mysql");
	assert_int_equal(c->nhosts, 5);
	assert_string_equal(c->hosts[0].name, "db1.example.org");
	assert_int_equal(c->hosts[0].port, 3307);
	assert_string_equal(c->hosts[1].socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(c->hosts[2].name, "localhost");
	assert_string_equal(c->hosts[2].socket, "/run/other.sock");
	assert_string_equal(c->hosts[3].name, "::1");
	assert_int_equal(c->hosts[3].port, 3308);
	assert_string_equal(c->hosts[4].name, "db2");
	assert_int_equal(c->hosts[4].port, 3309);
	assert_string_equal(c->passwd, "p:w d");
	assert_non_null(c->select);
	assert_int_equal(c->query_line, 9);
	assert_false(c->verbose);
	assert_int_equal(c->connect_timeout, 2);
	assert_int_equal(c->timeout, 3);
	sql_config_free(&c);

	c = read_ok(SQL_BASE, NULL);
	assert_string_equal(c->engine, "sqlite");
	assert_int_equal(c->connect_timeout, 5);
	assert_int_equal(c->timeout, 10);
	sql_config_free(&c);
}

/* Each bad file, and what the log must say (FILE is the file's path). */
static const struct {
	const char *name;
	const char *text;
	const char *expect;
} bad_files[] = {
	{ "empty file", "# nothing\n\n", "FILE: no settings" },
	{ "neither syntax", "just words\n", "FILE:1: neither" },
	{ "pam: no equals", PAM_BASE "users.host db;\n",
	    "FILE:7: expected \"=\"" },
	{ "pam: saslauthd line in it", PAM_BASE "sql_table: x\n",
	    "FILE:7: expected \"=\"" },
	{ "pam: unknown key", PAM_BASE "users.bogus = 1;\n",
	    "FILE:7: unknown key \"users.bogus\"" },
	{ "pam: module argument", PAM_BASE "host = db;\n",
	    "FILE:7: unknown key \"host\" (a pam_mysql module argument" },
	{ "pam: key twice", PAM_BASE "users.table = u;\n",
	    "FILE:7: users.table is given twice" },
	{ "pam: md5 and use_md5", PAM_BASE "users.md5 = 1;\n"
	    "users.use_md5 = 1;\n", "FILE:8: users.use_md5 is given twice" },
	{ "pam: text after ;", PAM_BASE "users.host = a; users.table = b;\n",
	    "FILE:7: text after \";\"" },
	{ "pam: off is not false", PAM_BASE "verbose = off;\n",
	    "FILE:7: verbose: \"off\" is not a boolean" },
	{ "pam: crypt 10", "users.password_crypt = 10;\n",
	    "FILE:1: users.password_crypt: \"10\" is not a pam_mysql" },
	{ "pam: crypt by our name", "users.password_crypt = crypt;\n",
	    "FILE:1: users.password_crypt: \"crypt\" is not" },
	{ "sql: bad scheme", SQL_BASE "sql_password_scheme: rot13\n",
	    "FILE:6: \"rot13\" is not a password scheme" },
	{ "pam: 323 not a boolean", PAM_BASE "users.use_323_password = x;\n",
	    "FILE:7: users.use_323_password: \"x\" is not a boolean" },
	{ "pam: missing table", "users.database = d;\nusers.db_user = u;\n"
	    "users.password_crypt = 1;\nusers.user_column = a;\n"
	    "users.password_column = b;\n",
	    "FILE: missing required key users.table" },
	{ "pam: missing database", "users.db_user = u;\n"
	    "users.password_crypt = 1;\nusers.table = t;\n"
	    "users.user_column = a;\nusers.password_column = b;\n",
	    "FILE: missing required key users.database" },
	{ "pam: empty value", PAM_BASE "users.status_column = ;\n",
	    "FILE:7: users.status_column: empty value" },
	{ "pam: empty where", PAM_BASE "users.where_clause =\n",
	    "FILE:7: users.where_clause: empty value" },
	{ "pam: carriage return inside", PAM_BASE
	    "users.where_clause = 1=1\r AND active = 1;\n",
	    "FILE:7: carriage return inside the line" },
	{ "pam: log table writes", PAM_BASE "log.enabled = 1;\n",
	    "FILE:7: log.enabled: pam_mysql's log table needs write access" },
	{ "pam: tls", PAM_BASE "users.ssl_ca = /etc/ca.pem;\n",
	    "FILE:7: users.ssl_ca is not supported" },
	{ "pam: bad port", PAM_BASE "users.host = db:abc;\n",
	    "FILE:7: users.host: \"db:abc\": the port is not a number" },
	{ "pam: port out of range", "users.host = db:70000;\n" PAM_BASE,
	    "FILE:1: users.host: \"db:70000\": the port" },
	{ "sql: no colon", SQL_BASE "sql_verbose yes\n",
	    "FILE:6: expected \"key: value\"" },
	{ "sql: unknown key", SQL_BASE "ldap_servers: ldap://x\n",
	    "FILE:6: unknown key \"ldap_servers\"" },
	{ "sql: pam line in it", SQL_BASE "users.table = t;\n",
	    "FILE:6: expected \"key: value\"" },
	{ "sql: bad port", SQL_BASE "sql_port: 3306x\n",
	    "FILE:6: sql_port: \"3306x\" is not a port" },
	{ "sql: bad timeout", SQL_BASE "sql_timeout: 0\n",
	    "FILE:6: sql_timeout: \"0\" is not a number of seconds" },
	{ "sql: bad boolean", SQL_BASE "sql_verbose: maybe\n",
	    "FILE:6: sql_verbose: \"maybe\" is not a boolean" },
	{ "sql: bad engine", "sql_database: d\nsql_engine: oracle\n"
	    "sql_table: t\nsql_user_column: u\nsql_password_column: p\n",
	    "FILE:2: sql_engine: \"oracle\" is not an engine" },
	{ "sql: no engine", "sql_database: d\nsql_table: t\n"
	    "sql_user_column: u\nsql_password_column: p\n",
	    "FILE: missing required key sql_engine" },
	{ "sql: mysql needs a user", "sql_engine: mysql\nsql_database: d\n"
	    "sql_table: t\nsql_user_column: u\nsql_password_column: p\n",
	    "FILE: missing required key sql_user" },
	{ "sql: select and table", SQL_BASE
	    "sql_select: SELECT p FROM t WHERE u = %u\n",
	    "FILE:6: sql_select is a whole query" },
	{ "sql: hosts for sqlite", SQL_BASE "sql_hosts: db\n",
	    "FILE:6: sql_hosts has no meaning for sqlite" },
	{ "sql: user for sqlite", SQL_BASE "sql_user: u\n",
	    "FILE:6: sql_user has no meaning for sqlite" },
	{ "sql: socket unused", "sql_engine: mysql\nsql_hosts: db1 db2\n"
	    "sql_socket: /run/m.sock\nsql_database: d\nsql_user: u\n"
	    "sql_select: SELECT p FROM t WHERE u = %u\n",
	    "FILE:3: sql_socket is used only for the host localhost" },
	{ "sql: bad host", "sql_engine: mysql\nsql_hosts: [::1\n"
	    "sql_database: d\nsql_user: u\nsql_select: SELECT 1 WHERE %u\n",
	    "FILE:2: sql_hosts: \"[::1\": expected [address]" },
};

static void
test_config_errors_name_file_and_line(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct sql_config *c = (void *)1;
		char *path = testlib_write_file(dir, "bad.conf",
		    bad_files[i].text);
		char expect[512];
		const char *at = strstr(bad_files[i].expect, "FILE");

		snprintf(expect, sizeof(expect), "%s%s", path, at + 4);
		testlib_capture_log();
		if (sql_config_read(&c, path) != -1 || c != NULL ||
		    strstr(testlib_log(), expect) == NULL ||
		    strstr(testlib_log(), "not starting") == NULL) {
			print_error("case \"%s\": want \"%s\", log:\n%s\n",
			    bad_files[i].name, expect, testlib_log());
			fail();
		}
		free(path);
	}
}

static void
test_config_every_bad_line_reported(void **state)
{
	struct sql_config *c = NULL;
	char *path;

	(void)state;
	path = testlib_write_file(dir, "many.conf", PAM_BASE
	    "users.bogus = 1;\nverbose = perhaps;\nusers.table x\n");
	testlib_capture_log();
	assert_int_equal(sql_config_read(&c, path), -1);
	assert_non_null(strstr(testlib_log(), ":7: unknown key"));
	assert_non_null(strstr(testlib_log(), ":8: verbose"));
	assert_non_null(strstr(testlib_log(), ":9: expected"));
	assert_non_null(strstr(testlib_log(), "3 problems, not starting"));
	free(path);
}

static void
test_config_secret_never_echoed(void **state)
{
	struct sql_config *c = NULL;
	char *path;

	(void)state;
	path = testlib_write_file(dir, "secret.conf", PAM_BASE
	    "users.db_passwd = Sup3rSecret;\nusers.db_passwd = Sup3rSecret2;\n");
	testlib_capture_log();
	assert_int_equal(sql_config_read(&c, path), -1);
	assert_non_null(strstr(testlib_log(), "users.db_passwd is given twice"));
	assert_null(strstr(testlib_log(), "Sup3rSecret"));
	free(path);

	path = testlib_write_file(dir, "secret2.conf", SQL_BASE
	    "sql_passwd: Sup3rSecret\nsql_passwd: Sup3rSecret\n");
	testlib_capture_log();
	assert_int_equal(sql_config_read(&c, path), -1);
	assert_null(strstr(testlib_log(), "Sup3rSecret"));
	free(path);
}

static void
test_config_missing_file(void **state)
{
	struct sql_config *c = NULL;

	(void)state;
	testlib_capture_log();
	assert_int_equal(sql_config_read(&c, "/nonexistent/auth_sql.conf"),
	    -1);
	assert_non_null(strstr(testlib_log(), "/nonexistent/auth_sql.conf: "
	    "cannot open: No such file"));
}

static void
test_config_no_effect_keys_noted(void **state)
{
	struct sql_config *c;

	(void)state;
	c = read_ok(PAM_BASE "users.use_md5 = 1;\nusers.update_table = t;\n"
	    "users.use_323_password = 1;\nusers.rounds = 5000;\n", NULL);
	assert_non_null(strstr(testlib_log(), "users.use_md5: in pam_mysql "
	    "it only chooses the salt"));
	assert_non_null(strstr(testlib_log(), "users.update_table: "));
	assert_non_null(strstr(testlib_log(), "users.use_323_password only "
	    "matters with users.password_crypt = 2"));
	assert_non_null(strstr(testlib_log(), "users.rounds: "));
	sql_config_free(&c);
}

static void
test_config_schemes(void **state)
{
	struct sql_config *c;

	(void)state;
	/* pam_mysql's default is plain: it works, with a warning */
	c = read_ok("users.database = d;\nusers.db_user = u;\n"
	    "users.table = t;\nusers.user_column = a;\n"
	    "users.password_column = b;\n", NULL);
	assert_true(sql_scheme_choice_is_plain(&c->scheme));
	assert_non_null(strstr(testlib_log(), "passwords are stored as plain "
	    "text (users.password_crypt is not set"));
	sql_config_free(&c);
	c = read_ok("users.database = d;\nusers.db_user = u;\n"
	    "users.table = t;\nusers.user_column = a;\n"
	    "users.password_column = b;\nusers.password_crypt = mysql;\n"
	    "users.use_323_password = yes;\n", NULL);
	assert_string_equal(sql_scheme_choice_name(&c->scheme), "MYSQL323");
	sql_config_free(&c);
	c = read_ok(SQL_BASE, NULL);
	assert_string_equal(sql_scheme_choice_name(&c->scheme), "auto");
	sql_config_free(&c);
	c = read_ok(SQL_BASE "sql_password_scheme: ssha256.b64\n", NULL);
	assert_string_equal(sql_scheme_choice_name(&c->scheme), "SSHA256");
	sql_config_free(&c);
}

static void
test_config_host_entries(void **state)
{
	struct sql_host h;
	char err[256];

	(void)state;
	assert_int_equal(sql_config_parse_host(&h, "/run/m.sock", 0, err,
	    sizeof(err)), 0);
	assert_string_equal(h.socket, "/run/m.sock");
	free(h.socket);
	assert_int_equal(sql_config_parse_host(&h, "db", 3306, err,
	    sizeof(err)), 0);
	assert_string_equal(h.name, "db");
	assert_int_equal(h.port, 3306);
	free(h.name);
	assert_int_equal(sql_config_parse_host(&h, "[2001:db8::1]", 0, err,
	    sizeof(err)), 0);
	assert_string_equal(h.name, "2001:db8::1");
	free(h.name);
	assert_int_equal(sql_config_parse_host(&h, "db:", 0, err,
	    sizeof(err)), -1);
	assert_int_equal(sql_config_parse_host(&h, ":3306", 0, err,
	    sizeof(err)), -1);
	assert_int_equal(sql_config_parse_host(&h, "[::1]x", 0, err,
	    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_seed_file),
		cmocka_unit_test(test_config_pam_mysql_syntax_details),
		cmocka_unit_test(test_config_saslauthd_syntax),
		cmocka_unit_test(test_config_errors_name_file_and_line),
		cmocka_unit_test(test_config_every_bad_line_reported),
		cmocka_unit_test(test_config_secret_never_echoed),
		cmocka_unit_test(test_config_missing_file),
		cmocka_unit_test(test_config_no_effect_keys_noted),
		cmocka_unit_test(test_config_schemes),
		cmocka_unit_test(test_config_host_entries),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
