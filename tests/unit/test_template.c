/*
 * test_template - query templates become SQL text plus ordered parameters;
 * logins split into name and domain; names are quoted as identifiers.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "sql_template.h"

/* MySQL's dialect, SQLite's, and PostgreSQL's numbered parameters */
static const struct sql_dialect mysql = { SQL_PARAM_STYLE_QMARK, true, true,
    '`' };
static const struct sql_dialect sqlite = { SQL_PARAM_STYLE_QMARK, false,
    false, '"' };
static const struct sql_dialect dollar = { SQL_PARAM_STYLE_DOLLAR, false,
    false, '"' };

static struct sql_template *
parse_ok(const char *text, const struct sql_dialect *dialect)
{
	struct sql_template *t = NULL;
	char err[256] = "";

	if (sql_template_parse(&t, text, dialect, err, sizeof(err)) != 0) {
		print_error("parse failed: %s: %s\n", text, err);
		fail();
	}
	return t;
}

static void
parse_fails(const char *text, const struct sql_dialect *dialect,
    const char *expect)
{
	struct sql_template *t = NULL;
	char err[256] = "";

	assert_int_equal(sql_template_parse(&t, text, dialect, err,
	    sizeof(err)), -1);
	assert_null(t);
	if (strstr(err, expect) == NULL) {
		print_error("for %s: got \"%s\", want \"%s\"\n", text, err,
		    expect);
		fail();
	}
}

static void
test_template_placeholders_become_parameters(void **state)
{
	struct sql_template *t;

	(void)state;
	t = parse_ok("SELECT pw FROM u WHERE name = %n AND domain = %d "
	    "AND login <> %u AND realm = %r AND svc = %s",
	    &mysql);
	assert_string_equal(t->sql, "SELECT pw FROM u WHERE name = ? AND "
	    "domain = ? AND login <> ? AND realm = ? AND svc = ?");
	assert_int_equal(t->nparams, 5);
	assert_int_equal(t->params[0], SQL_PARAM_NAME);
	assert_int_equal(t->params[1], SQL_PARAM_DOMAIN);
	assert_int_equal(t->params[2], SQL_PARAM_LOGIN);
	assert_int_equal(t->params[3], SQL_PARAM_REALM);
	assert_int_equal(t->params[4], SQL_PARAM_SERVICE);
	sql_template_free(&t);
	assert_null(t);
}

static void
test_template_same_placeholder_twice(void **state)
{
	struct sql_template *t;

	(void)state;
	t = parse_ok("SELECT pw FROM u WHERE a = %u OR b = %u",
	    &dollar);
	assert_string_equal(t->sql, "SELECT pw FROM u WHERE a = $1 OR b = $2");
	assert_int_equal(t->nparams, 2);
	assert_int_equal(t->params[0], SQL_PARAM_LOGIN);
	assert_int_equal(t->params[1], SQL_PARAM_LOGIN);
	sql_template_free(&t);
}

static void
test_template_quoted_placeholder_is_a_parameter(void **state)
{
	struct sql_template *t;

	(void)state;
	/* Postfix-style '%u': the quotes were for the value; it is bound */
	t = parse_ok("SELECT pw FROM u WHERE login = '%u' AND x = 'a%%b' "
	    "AND y = 5 %% 2 AND z = 'it''s' AND w = 'c\\'%%'",
	    &mysql);
	assert_string_equal(t->sql, "SELECT pw FROM u WHERE login = ? AND "
	    "x = 'a%b' AND y = 5 % 2 AND z = 'it''s' AND w = 'c\\'%'");
	assert_int_equal(t->nparams, 1);
	sql_template_free(&t);
}

static void
test_template_errors(void **state)
{
	(void)state;
	parse_fails("SELECT pw FROM u WHERE a = %x", &mysql,
	    "unknown placeholder %x at column 28");
	parse_fails("SELECT pw FROM u WHERE a = 1 %", &mysql, "lone %");
	parse_fails("SELECT pw FROM u WHERE a = '%u@example'", &mysql,
	    "inside quoted text");
	parse_fails("SELECT pw FROM u WHERE a = \"%u\"", &mysql,
	    "inside quoted text");
	parse_fails("SELECT pw FROM u WHERE a = ?", &mysql, "bare ?");
	parse_fails("SELECT pw FROM u WHERE a = 'x", &mysql, "unterminated");
	parse_fails("SELECT %u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,"
	    "%u", &mysql, "more than 16");
	/* one statement, no comments: nothing the parser cannot see */
	parse_fails("SELECT pw FROM u WHERE a = %u; DROP TABLE u", &mysql,
	    "';' at column 30");
	parse_fails("SELECT pw FROM u WHERE a = %u -- %d", &mysql,
	    "a comment at column 31");
	parse_fails("SELECT pw FROM u WHERE a = %u /* %d */", &sqlite,
	    "a comment at column 31");
	parse_fails("SELECT pw FROM u WHERE a = %u # %d", &mysql,
	    "a comment at column 31");
}

static void
test_template_dollar_style_refuses_bare_dollar(void **state)
{
	struct sql_template *t = NULL;
	char err[256];

	(void)state;
	assert_int_equal(sql_template_parse(&t, "SELECT pw FROM u WHERE a = $1",
	    &dollar, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bare $1"));
	/* but a '?' is just a character there, and '$1' in quotes is text */
	t = parse_ok("SELECT pw FROM u WHERE a = %u AND b <> '$1?'",
	    &dollar);
	assert_string_equal(t->sql, "SELECT pw FROM u WHERE a = $1 AND "
	    "b <> '$1?'");
	sql_template_free(&t);
}

static void
test_template_backslash_only_where_the_engine_has_it(void **state)
{
	struct sql_template *t;

	(void)state;
	/* SQLite: '\' is a whole string, so the ? after it is bare */
	parse_fails("SELECT pw FROM u WHERE a = '\\' OR a = ? AND b = %d",
	    &sqlite, "bare ?");
	/* MySQL: \' escapes the quote, so the same text is one string */
	parse_fails("SELECT pw FROM u WHERE a = '\\' OR a = ? AND b = %d",
	    &mysql, "%d at column 49 is inside quoted text");
	t = parse_ok("SELECT pw FROM u WHERE a = 'x\\' AND b = %u", &sqlite);
	assert_string_equal(t->sql, "SELECT pw FROM u WHERE a = 'x\\' AND "
	    "b = ?");
	sql_template_free(&t);
	/* # is a comment in MySQL only */
	t = parse_ok("SELECT pw FROM u WHERE a = %u AND b <> '#' AND c # 1",
	    &sqlite);
	sql_template_free(&t);
}

static void
test_template_request_split_and_expand(void **state)
{
	struct sql_template *t;
	struct sql_request req;
	const char *v[SQL_TEMPLATE_PARAMS_MAX];

	(void)state;
	t = parse_ok("SELECT %u, %n, %d, %r, %s", &mysql);

	/* saslauthd -r joined login@realm */
	assert_int_equal(sql_request_init(&req, "jane@example.org", "imap",
	    "example.org"), 0);
	sql_template_expand(t, &req, v);
	assert_string_equal(v[0], "jane@example.org");
	assert_string_equal(v[1], "jane");
	assert_string_equal(v[2], "example.org");
	assert_string_equal(v[3], "example.org");
	assert_string_equal(v[4], "imap");

	/* no '@': the domain is the realm */
	assert_int_equal(sql_request_init(&req, "jane", "pop", "example.net"),
	    0);
	sql_template_expand(t, &req, v);
	assert_string_equal(v[0], "jane");
	assert_string_equal(v[1], "jane");
	assert_string_equal(v[2], "example.net");

	/* the last '@' splits, as -r appends "@realm" to what came */
	assert_int_equal(sql_request_init(&req, "a@b@example.org", "imap",
	    ""), 0);
	assert_string_equal(req.name, "a@b");
	assert_string_equal(req.domain, "example.org");

	/* no realm at all */
	assert_int_equal(sql_request_init(&req, "jane", "imap", ""), 0);
	assert_string_equal(req.domain, "");
	sql_template_free(&t);
}

static void
test_template_request_too_long(void **state)
{
	char login[SQL_REQUEST_FIELD_MAX + 10];
	struct sql_request req;

	(void)state;
	memset(login, 'a', sizeof(login) - 1);
	login[sizeof(login) - 1] = '\0';
	assert_int_equal(sql_request_init(&req, login, "imap", ""), -1);
}

static void
test_template_names_quoted_expressions_kept(void **state)
{
	char buf[256];

	(void)state;
	buf[0] = '\0';
	assert_int_equal(sql_template_append_name(buf, sizeof(buf),
	    "mail_users", '`'), 0);
	assert_string_equal(buf, "`mail_users`");
	buf[0] = '\0';
	assert_int_equal(sql_template_append_name(buf, sizeof(buf),
	    "db_mail.mail_users", '"'), 0);
	assert_string_equal(buf, "\"db_mail\".\"mail_users\"");
	buf[0] = '\0';
	/* pam_mysql users write expressions; they stay administrator SQL */
	assert_int_equal(sql_template_append_name(buf, sizeof(buf),
	    "CONCAT(user, '@', domain)", '`'), 0);
	assert_string_equal(buf, "CONCAT(user, '@', domain)");
	buf[0] = '\0';
	assert_int_equal(sql_template_append_text(buf, sizeof(buf),
	    "name LIKE 'a%'"), 0);
	assert_string_equal(buf, "name LIKE 'a%%'");
	buf[0] = '\0';
	assert_int_equal(sql_template_append_name(buf, 5, "mail_users", '`'),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_placeholders_become_parameters),
		cmocka_unit_test(test_template_same_placeholder_twice),
		cmocka_unit_test(test_template_quoted_placeholder_is_a_parameter),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_template_dollar_style_refuses_bare_dollar),
		cmocka_unit_test(test_template_backslash_only_where_the_engine_has_it),
		cmocka_unit_test(test_template_request_split_and_expand),
		cmocka_unit_test(test_template_request_too_long),
		cmocka_unit_test(test_template_names_quoted_expressions_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
