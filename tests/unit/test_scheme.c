/*
 * test_scheme - every password scheme against values made by real tools:
 * mkpasswd (each method libxcrypt has), openssl passwd, doveadm pw,
 * htpasswd, PHP's password_hash(), passlib, coreutils digests, and stored
 * MariaDB output beside the SQL that made it. For each: the right password
 * matches, a wrong one does not, and no cut or damaged value ever matches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "sql_scheme.h"

static struct sql_scheme_ctx *ctx;

static int
setup(void **state)
{
	(void)state;
	ctx = sql_scheme_ctx_new();
	return ctx == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	sql_scheme_ctx_free(&ctx);
	return ctx == NULL ? 0 : -1;
}

static struct sql_scheme_choice
named(const char *name)
{
	struct sql_scheme_choice c;
	char err[256];

	if (sql_scheme_choose(&c, name, err, sizeof(err)) != 0) {
		print_error("%s: %s\n", name, err);
		fail();
	}
	return c;
}

static struct sql_scheme_choice
pam_mysql(long n, bool use_323)
{
	struct sql_scheme_choice c;
	char err[256];

	assert_int_equal(sql_scheme_choose_pam_mysql(&c, n, use_323, err,
	    sizeof(err)), 0);
	return c;
}

static int
verify(const struct sql_scheme_choice *c, const char *password,
    const char *stored)
{
	char why[160] = "";
	int rc = sql_scheme_verify(ctx, c, password, stored, why, sizeof(why));

	if (rc == -1)
		assert_true(why[0] != '\0');
	/* a reason never holds the password */
	assert_null(strstr(why, password[0] != '\0' ? password : "\x01"));
	return rc;
}

/* right 1, wrong 0; cut anywhere or damaged, never 1 */
static void
check_value(const struct sql_scheme_choice *c, const char *stored,
    const char *password)
{
	size_t len = strlen(stored), i, k;
	char *cut = strdup(stored);
	/* where to cut: the start, each quarter, the last bytes (the
	 * costly schemes make trying every length too slow) */
	size_t at[] = { 0, 1, 2, 3, len / 4, len / 2, 3 * len / 4, len - 3,
	    len - 2, len - 1 };

	if (verify(c, password, stored) != 1) {
		print_error("%s: %s does not verify\n",
		    sql_scheme_choice_name(c), stored);
		fail();
	}
	assert_int_equal(verify(c, "wrong-password", stored), 0);
	assert_int_equal(verify(c, "", stored), 0);
	for (k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		i = at[k];
		if (i >= len)
			continue;
		cut[i] = '\0';
		if (verify(c, password, cut) == 1) {
			print_error("cut to %zu: %s matches\n", i, cut);
			fail();
		}
		cut[i] = stored[i];
	}
	for (i = len - 1; i >= len / 2 && i > 0; i -= len / 2) {
		/* digits: hex is read in either case, so 'a' -> 'A' is no
		 * damage there */
		cut[i] = stored[i] == '0' ? '1' : '0';
		if (verify(c, password, cut) == 1) {
			print_error("damaged at %zu: %s matches\n", i, cut);
			fail();
		}
		cut[i] = stored[i];
	}
	free(cut);
}

/* the value a command prints, checked under choice c */
static void
check_cmd(const struct sql_scheme_choice *c, const char *cmd,
    const char *password)
{
	char *stored = testlib_run(cmd);

	check_value(c, stored, password);
	free(stored);
}

static void
test_scheme_crypt_every_mkpasswd_method(void **state)
{
	struct sql_scheme_choice crypt = named("CRYPT"), autom = named("auto");
	char *methods = testlib_run("mkpasswd -m help | awk 'NR > 1 "
	    "{ printf \"%s \", $1 }'"), *m, *save = NULL, cmd[256], *h;
	int n = 0;

	(void)state;
	/* whatever this libxcrypt computes, mkpasswd makes */
	for (m = strtok_r(methods, " ", &save); m != NULL;
	    m = strtok_r(NULL, " ", &save)) {
		/* each method's lowest cost that mkpasswd takes, for speed */
		snprintf(cmd, sizeof(cmd), "for r in 1 4 6 1000 ''; do "
		    "mkpasswd -m %s ${r:+-R $r} 's3cret pw' 2>/dev/null && "
		    "break; done", m);
		h = testlib_run(cmd);
		check_value(&crypt, h, "s3cret pw");
		/* auto knows a $id$ value; DES and BSDi need a prefix */
		if (h[0] == '$')
			check_value(&autom, h, "s3cret pw");
		free(h);
		n++;
	}
	assert_true(n >= 8);
	free(methods);
	check_cmd(&crypt, "mkpasswd -m sha-512 -R 10000 s3cret", "s3cret");
	check_cmd(&crypt, "mkpasswd -m bcrypt -R 5 s3cret", "s3cret");
}

static void
test_scheme_crypt_openssl_htpasswd_php(void **state)
{
	struct sql_scheme_choice autom = named("auto");
	char *apr1, why[160];

	(void)state;
	check_cmd(&autom, "openssl passwd -1 -salt 1234abcd janepass",
	    "janepass");
	check_cmd(&autom, "openssl passwd -5 janepass", "janepass");
	check_cmd(&autom, "openssl passwd -6 janepass", "janepass");
	/* $2y$ bcrypt, as Apache and PHP write it */
	check_cmd(&autom, "htpasswd -nbB -C 5 jane janepass | cut -d: -f2",
	    "janepass");
	check_cmd(&autom, "php -r 'echo password_hash(\"janepass\", "
	    "PASSWORD_BCRYPT, [\"cost\" => 5]), \"\\n\";'", "janepass");
	/* Apache's $apr1$ is no method of libxcrypt: NO, naming it */
	apr1 = testlib_run("openssl passwd -apr1 janepass");
	assert_int_equal(sql_scheme_verify(ctx, &autom, "janepass", apr1, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "$apr1$"));
	free(apr1);
}

static void
test_scheme_dovecot_prefixes(void **state)
{
	static const char *const schemes[] = {
		"CRYPT", "MD5-CRYPT", "SHA256-CRYPT", "SHA512-CRYPT",
		"BLF-CRYPT", "MD5", "PLAIN", "CLEARTEXT", "PLAIN-MD5",
		"LDAP-MD5", "SMD5", "SHA", "SHA1", "SSHA", "SHA256",
		"SSHA256", "SHA512", "SSHA512", "PBKDF2", "ARGON2I",
		"ARGON2ID", "SHA256.HEX", "SHA512.HEX", "SSHA.HEX",
		"PLAIN-MD5.B64", "SHA1.b64",
	};
	struct sql_scheme_choice autom = named("auto");
	char cmd[256], *h;
	size_t i;

	(void)state;
	/* doveadm pw, Debian's dovecot-core: each value names its scheme */
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		snprintf(cmd, sizeof(cmd), "doveadm pw -s %s -p 'jane pass'",
		    schemes[i]);
		h = testlib_run(cmd);
		if (strncmp(schemes[i], "PLAIN", 5) == 0 ||
		    strcmp(schemes[i], "CLEARTEXT") == 0 ||
		    strncmp(schemes[i], "ARGON2", 6) == 0) {
			/* cutting a plain value makes another password, not
			 * this one; doveadm's Argon2 costs 64 MiB a try, so
			 * cuts are tried below on a cheaper one */
			assert_int_equal(verify(&autom, "jane pass", h), 1);
			assert_int_equal(verify(&autom, "jane pas", h), 0);
		} else {
			check_value(&autom, h, "jane pass");
		}
		free(h);
	}
	/* Argon2 at a small cost, by the argon2 tool (Debian's argon2) */
	check_cmd(&autom, "printf 'jane pass' | argon2 somesalt -id -t 1 -m 8 "
	    "-e", "jane pass");
	check_cmd(&autom, "printf 'jane pass' | argon2 somesalt -i -t 1 -m 8 "
	    "-e | sed 's/^/{ARGON2I}/'", "jane pass");
	/* and the same schemes chosen by name, values without the prefix */
	h = testlib_run("doveadm pw -s SSHA512 -p janepass | cut -d} -f2");
	check_value(&(struct sql_scheme_choice){ named("SSHA512").scheme,
	    SQL_ENCODING_DEFAULT }, h, "janepass");
	free(h);
}

static void
test_scheme_pam_mysql_modes(void **state)
{
	struct sql_scheme_choice c;
	char *h;

	(void)state;
	/* 1: crypt; MariaDB: SELECT ENCRYPT('janepass','$1$1234abcd') */
	c = pam_mysql(1, false);
	check_value(&c, "$1$1234abcd$lI5lAF1kj6r8Yy10ctc3f/", "janepass");
	/* 2: SELECT PASSWORD('janepass') */
	c = pam_mysql(2, false);
	check_value(&c, "*077A8AD11A42B3A9BE58698AC7B88A8C514DCC62",
	    "janepass");
	h = testlib_run("/usr/bin/python3 -c 'from passlib.hash import "
	    "mysql41; print(mysql41.hash(\"pw with spaces\"))'");
	check_value(&c, h, "pw with spaces");
	free(h);
	/* lowercase is no PASSWORD() output; pam_mysql's strcmp() refuses it */
	assert_int_equal(verify(&c, "janepass",
	    "*077a8ad11a42b3a9be58698ac7b88a8c514dcc62"), -1);
	/* 2 with users.use_323_password: SELECT OLD_PASSWORD('janepass'),
	 * OLD_PASSWORD('jane pass') (blanks are skipped), OLD_PASSWORD('ärger') */
	c = pam_mysql(2, true);
	check_value(&c, "13d02a333d666642", "janepass");
	assert_int_equal(verify(&c, "jane pass", "13d02a333d666642"), 1);
	assert_int_equal(verify(&c, "\xc3\xa4rger", "24c8555145134588"), 1);
	h = testlib_run("/usr/bin/python3 -c 'from passlib.hash import "
	    "mysql323; print(mysql323.hash(\"Tr0ub4dor&3\"))'");
	check_value(&c, h, "Tr0ub4dor&3");
	free(h);
	/* 3, 4, 8, 9: lowercase hex, as SELECT MD5(), SHA1(), SHA2() and
	 * coreutils print it */
	c = pam_mysql(3, false);
	check_cmd(&c, "printf janepass | md5sum | cut -d' ' -f1", "janepass");
	check_value(&c, "9f8f2046648df9e60370f82bba091879", "janepass");
	/* pam_mysql compares with strcmp(): uppercase hex never matches */
	assert_int_equal(verify(&c, "janepass",
	    "9F8F2046648DF9E60370F82BBA091879"), -1);
	c = pam_mysql(4, false);
	check_cmd(&c, "printf janepass | sha1sum | cut -d' ' -f1", "janepass");
	check_value(&c, "e5952ab743dd2079f1b465f0d60b127fb5742660",
	    "janepass");
	c = pam_mysql(8, false);
	check_cmd(&c, "printf janepass | sha512sum | cut -d' ' -f1",
	    "janepass");
	c = pam_mysql(9, false);
	check_cmd(&c, "printf janepass | sha256sum | cut -d' ' -f1",
	    "janepass");
	check_value(&c, "100e060425c270b01138bc4ed9b498897d2ec525baa766d9a57"
	    "004b318e99e19", "janepass");
	/* 5: Drupal 7. $S$ vectors published with Drupal-derived code
	 * (kellerjmrtn/D7Password's README; a Django Drupal hasher's tests);
	 * $P$ and $H$ made by passlib's phpass; U$ is Drupal 7's rehash of a
	 * Drupal 6 md5: phpass over md5-hex of the password */
	c = pam_mysql(5, false);
	check_value(&c, "$S$DI7p94K2RG7Nq2OJp2/T55TfjT/K8UYdDVSUELOgCNbNoHU2sdtq",
	    "password");
	check_value(&c, "$S$5FIcboyzv1ZD/OZDb4w/4HSlnsPlwbr/PWLWrHPWrJp8eXOQQaWJ",
	    "DifficultPassword123");
	check_cmd(&c, "/usr/bin/python3 -c 'from passlib.hash import phpass; "
	    "print(phpass.using(rounds=8).hash(\"janepass\"))'", "janepass");
	check_cmd(&c, "/usr/bin/python3 -c 'from passlib.hash import phpass; "
	    "print(phpass.using(rounds=9, ident=\"H\").hash(\"janepass\"))'",
	    "janepass");
	check_cmd(&c, "/usr/bin/python3 -c 'import hashlib; from passlib.hash "
	    "import phpass; print(\"U\" + phpass.using(rounds=8).hash("
	    "hashlib.md5(b\"janepass\").hexdigest()))'", "janepass");
	/* 6: Joomla 1.5: SELECT CONCAT(MD5(CONCAT('janepass','pepper12')),
	 * ':pepper12') */
	c = pam_mysql(6, false);
	check_value(&c, "43f09cc714fa87237629e60492d6f1d2:pepper12",
	    "janepass");
	assert_int_equal(verify(&c, "janepass",
	    "43f09cc714fa87237629e60492d6f1d2"), -1);
	/* 7: SSHA without the prefix, as pam_mysql stores it */
	c = pam_mysql(7, false);
	check_cmd(&c, "doveadm pw -s SSHA -p janepass | cut -d} -f2",
	    "janepass");
	/* pam_mysql 0.8.2 crashed on a value shorter than a SHA-1 */
	assert_int_equal(verify(&c, "janepass", "c2FsdA=="), -1);
	/* 0: plain */
	c = pam_mysql(0, false);
	assert_true(sql_scheme_choice_is_plain(&c));
	assert_int_equal(verify(&c, "janepass", "janepass"), 1);
	assert_int_equal(verify(&c, "janepas", "janepass"), 0);
	assert_int_equal(verify(&c, "janepass", ""), -1);
	assert_true(sql_scheme_first_plain(ctx));
	assert_false(sql_scheme_first_plain(ctx));
}

static void
test_scheme_auto_refuses_what_fits_nothing(void **state)
{
	struct sql_scheme_choice autom = named("auto");
	char why[160];

	(void)state;
	/* bare values that could be anything are never plain text */
	assert_int_equal(sql_scheme_verify(ctx, &autom, "janepass",
	    "janepass", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "fits no scheme"));
	assert_int_equal(verify(&autom, "janepass",
	    "9f8f2046648df9e60370f82bba091879"), -1);
	assert_int_equal(verify(&autom, "qqqq", "qqqq"), -1);
	assert_int_equal(sql_scheme_verify(ctx, &autom, "janepass",
	    "{NOSUCH}janepass", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "{NOSUCH}"));
	assert_int_equal(verify(&autom, "janepass", "{PLAIN}"), -1);
	assert_int_equal(verify(&autom, "janepass", "{CRYPT.HEX}$1$x"), -1);
	/* MySQL's PASSWORD() is recognised bare */
	assert_int_equal(verify(&autom, "janepass",
	    "*077A8AD11A42B3A9BE58698AC7B88A8C514DCC62"), 1);
}

static void
test_scheme_names(void **state)
{
	struct sql_scheme_choice c;
	char err[256];

	(void)state;
	assert_int_equal(sql_scheme_choose(&c, "sha256.hex", err,
	    sizeof(err)), 0);
	assert_string_equal(sql_scheme_choice_name(&c), "SHA256");
	assert_int_equal(c.encoding, SQL_ENCODING_HEX);
	assert_int_equal(sql_scheme_choose(&c, "crypt.hex", err,
	    sizeof(err)), -1);
	assert_int_equal(sql_scheme_choose(&c, "rot13", err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not a password scheme"));
	assert_int_equal(sql_scheme_pam_mysql_number("plain"), 0);
	assert_int_equal(sql_scheme_pam_mysql_number("y"), 1);
	assert_int_equal(sql_scheme_pam_mysql_number("MySQL"), 2);
	assert_int_equal(sql_scheme_pam_mysql_number("sha256"), 9);
	/* pam_mysql has no name "crypt" for 1 */
	assert_int_equal(sql_scheme_pam_mysql_number("crypt"), -1);
	assert_string_equal(sql_scheme_pam_mysql_name(7), "ssha");
	assert_null(sql_scheme_pam_mysql_name(10));
	assert_int_equal(sql_scheme_choose_pam_mysql(&c, 10, false, err,
	    sizeof(err)), -1);
}

static void
test_scheme_burn_survives_anything(void **state)
{
	struct sql_scheme_choice crypt = named("CRYPT");

	(void)state;
	sql_scheme_burn(ctx, "janepass");
	sql_scheme_burn(ctx, "");
	/* after a good bcrypt hash, the burn costs a bcrypt */
	check_cmd(&crypt, "mkpasswd -m bcrypt -R 5 s3cret", "s3cret");
	sql_scheme_burn(ctx, "x");
}

static void
test_scheme_ct_equal(void **state)
{
	(void)state;
	assert_int_equal(sql_ct_equal("abc", 3, "abc", 3), 1);
	assert_int_equal(sql_ct_equal("abc", 3, "abd", 3), 0);
	assert_int_equal(sql_ct_equal("abc", 3, "ab", 2), 0);
	assert_int_equal(sql_ct_equal("", 0, "", 0), 1);
	assert_int_equal(sql_ct_equal("\0a", 2, "\0b", 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scheme_crypt_every_mkpasswd_method),
		cmocka_unit_test(test_scheme_crypt_openssl_htpasswd_php),
		cmocka_unit_test(test_scheme_dovecot_prefixes),
		cmocka_unit_test(test_scheme_pam_mysql_modes),
		cmocka_unit_test(test_scheme_auto_refuses_what_fits_nothing),
		cmocka_unit_test(test_scheme_names),
		cmocka_unit_test(test_scheme_burn_survives_anything),
		cmocka_unit_test(test_scheme_ct_equal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
