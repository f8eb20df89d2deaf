/*
 * test_scheme - crypt(3) verification against hashes made by real tools,
 * the constant-time comparison, and pam_mysql's password_crypt names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "sql_scheme.h"

static struct sql_scheme_ctx *ctx;
static const struct sql_scheme *crypt_scheme;

static int
setup(void **state)
{
	(void)state;
	ctx = sql_scheme_ctx_new();
	crypt_scheme = sql_scheme_find("crypt");
	return ctx == NULL || crypt_scheme == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	sql_scheme_ctx_free(&ctx);
	return ctx == NULL ? 0 : -1;
}

static int
verify(const char *password, const char *stored)
{
	const char *why = NULL;
	int rc = crypt_scheme->verify(ctx, password, stored, &why);

	if (rc == -1)
		assert_non_null(why);
	return rc;
}

/* right password 1, wrong 0, every cut of the hash never 1 */
static void
check_hash(const char *cmd, const char *password)
{
	char *hash = testlib_run(cmd), *cut;
	size_t len = strlen(hash), i;

	assert_int_equal(verify(password, hash), 1);
	assert_int_equal(verify("wrong-password", hash), 0);
	assert_int_equal(verify("", hash), 0);
	cut = strdup(hash);
	for (i = 0; i < len; i++) {
		cut[i] = '\0';
		assert_int_not_equal(verify(password, cut), 1);
		cut[i] = hash[i];
	}
	/* one changed character in the checksum: no match */
	cut[len - 1] = cut[len - 1] == 'A' ? 'B' : 'A';
	assert_int_not_equal(verify(password, cut), 1);
	free(cut);
	free(hash);
}

static void
test_scheme_crypt_mkpasswd(void **state)
{
	(void)state;
	/* mkpasswd (Debian's whois package), one per method */
	check_hash("mkpasswd -m md5crypt -S 1234abcd janepass", "janepass");
	check_hash("mkpasswd -m sha-256 'pw with spaces'", "pw with spaces");
	check_hash("mkpasswd -m sha-512 -R 5000 s3cret", "s3cret");
	check_hash("mkpasswd -m bcrypt -R 5 s3cret", "s3cret");
	check_hash("mkpasswd -m yescrypt s3cret", "s3cret");
	check_hash("mkpasswd -m descrypt -S ab s3cret", "s3cret");
}

static void
test_scheme_crypt_openssl(void **state)
{
	(void)state;
	/* openssl passwd: MD5-crypt, SHA-256 and SHA-512 crypt */
	check_hash("openssl passwd -1 -salt 1234abcd janepass", "janepass");
	check_hash("openssl passwd -5 -salt saltsalt janepass", "janepass");
	check_hash("openssl passwd -6 janepass", "janepass");
}

static void
test_scheme_crypt_seed_hash(void **state)
{
	(void)state;
	/* the seed's ENCRYPT('janepass','$1$1234abcd'), made by
	 * `openssl passwd -1 -salt 1234abcd janepass` */
	assert_int_equal(verify("janepass",
	    "$1$1234abcd$lI5lAF1kj6r8Yy10ctc3f/"), 1);
	assert_int_equal(verify("janepas3",
	    "$1$1234abcd$lI5lAF1kj6r8Yy10ctc3f/"), 0);
}

static void
test_scheme_crypt_unusable_stored_values(void **state)
{
	(void)state;
	assert_int_equal(verify("janepass", ""), -1);
	assert_int_equal(verify("janepass", "janepass"), -1);
	assert_int_equal(verify("janepass", "*"), -1);
	assert_int_equal(verify("janepass", "!"), -1);
	assert_int_equal(verify("janepass", "$9$nosuchmethod"), -1);
	assert_int_equal(verify("", "$1$"), -1);
}

static void
test_scheme_burn_survives_anything(void **state)
{
	(void)state;
	sql_scheme_burn(ctx, "janepass");
	sql_scheme_burn(ctx, "");
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

static void
test_scheme_pam_mysql_names(void **state)
{
	(void)state;
	assert_int_equal(sql_scheme_pam_mysql_number("plain"), 0);
	assert_int_equal(sql_scheme_pam_mysql_number("Y"), 1);
	assert_int_equal(sql_scheme_pam_mysql_number("y"), 1);
	assert_int_equal(sql_scheme_pam_mysql_number("MySQL"), 2);
	assert_int_equal(sql_scheme_pam_mysql_number("sha256"), 9);
	/* pam_mysql has no name "crypt" for 1 */
	assert_int_equal(sql_scheme_pam_mysql_number("crypt"), -1);
	assert_string_equal(sql_scheme_pam_mysql_name(7), "ssha");
	assert_null(sql_scheme_pam_mysql_name(10));
	assert_null(sql_scheme_find("md5"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scheme_crypt_mkpasswd),
		cmocka_unit_test(test_scheme_crypt_openssl),
		cmocka_unit_test(test_scheme_crypt_seed_hash),
		cmocka_unit_test(test_scheme_crypt_unusable_stored_values),
		cmocka_unit_test(test_scheme_burn_survives_anything),
		cmocka_unit_test(test_scheme_ct_equal),
		cmocka_unit_test(test_scheme_pam_mysql_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
