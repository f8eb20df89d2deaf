/*
 * sql_scheme - verify a password against a stored value.
 *
 * Owns the per-process crypt working memory, which is wiped after every use
 * because it held the password and the computed hash. Logs nothing: a
 * failure's reason goes back to the caller, which logs it once.
 */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql_scheme.h"

struct sql_scheme_ctx {
	struct crypt_data data;
	/* setting of the last good stored hash, for sql_scheme_burn() */
	char burn_setting[CRYPT_OUTPUT_SIZE];
};

/*
 * keep_burn_setting - remember a good hash's method, cost and salt, but not
 * its checksum, for sql_scheme_burn(): "$id$params$salt$" for the modular
 * formats, "$2b$NN$" and 22 salt characters for bcrypt, 9 characters for
 * BSDi "_", 2 for traditional DES.
 */
static void
keep_burn_setting(struct sql_scheme_ctx *ctx, const char *stored)
{
	size_t len;

	if (strncmp(stored, "$2", 2) == 0)
		len = 29;
	else if (stored[0] == '$')
		len = (size_t)(strrchr(stored, '$') - stored) + 1;
	else if (stored[0] == '_')
		len = 9;
	else
		len = 2;
	if (len > strlen(stored) || len >= sizeof(ctx->burn_setting))
		return;
	memcpy(ctx->burn_setting, stored, len);
	ctx->burn_setting[len] = '\0';
}

/* verify_crypt - crypt(3) through libxcrypt, any method it computes */
static int
verify_crypt(struct sql_scheme_ctx *ctx, const char *password,
    const char *stored, const char **why_r)
{
	const char *computed;
	size_t storedlen = strlen(stored);
	int match;

	if (storedlen == 0 || storedlen >= sizeof(ctx->data.setting)) {
		*why_r = "stored crypt hash has an impossible length";
		return -1;
	}
	if (crypt_checksalt(stored) == CRYPT_SALT_INVALID) {
		*why_r = "stored value is not a crypt hash this libxcrypt "
		    "can compute";
		return -1;
	}
	/* crypt_rn: NULL on failure, never the "*0" that crypt_r returns */
	computed = crypt_rn(password, stored, &ctx->data, sizeof(ctx->data));
	if (computed == NULL) {
		explicit_bzero(&ctx->data, sizeof(ctx->data));
		*why_r = "crypt() could not compute the stored hash's method";
		return -1;
	}
	/* a method's hashes all have one length: another length is a cut or
	 * padded value (or plain text that reads as a DES salt), not a hash */
	if (strlen(computed) != storedlen) {
		explicit_bzero(&ctx->data, sizeof(ctx->data));
		*why_r = "stored value is not a whole crypt hash";
		return -1;
	}
	match = sql_ct_equal(computed, storedlen, stored, storedlen);
	explicit_bzero(&ctx->data, sizeof(ctx->data));
	if (match)
		keep_burn_setting(ctx, stored);
	return match;
}

static const struct sql_scheme schemes[] = {
	{ "crypt", 1, verify_crypt },
};

/* pam_mysql 0.8's users.password_crypt values: number, its name there
 * (matched without case, as pam_mysql does), and our scheme's name */
static const struct {
	long number;
	const char *pam_mysql_name;
	const char *scheme;
} pam_mysql_schemes[] = {
	{ 0, "plain", "plain" },
	{ 1, "Y", "crypt" },
	{ 2, "mysql", "mysql" },
	{ 3, "md5", "md5" },
	{ 4, "sha1", "sha1" },
	{ 5, "drupal7", "drupal7" },
	{ 6, "joomla15", "joomla15" },
	{ 7, "ssha", "ssha" },
	{ 8, "sha512", "sha512" },
	{ 9, "sha256", "sha256" },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* sql_scheme_find - a scheme we implement, by name */
const struct sql_scheme *
sql_scheme_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NITEMS(schemes); i++)
		if (strcasecmp(schemes[i].name, name) == 0)
			return &schemes[i];
	return NULL;
}

/* sql_scheme_pam_mysql_name - pam_mysql's name for a number */
const char *
sql_scheme_pam_mysql_name(long n)
{
	size_t i;

	for (i = 0; i < NITEMS(pam_mysql_schemes); i++)
		if (pam_mysql_schemes[i].number == n)
			return pam_mysql_schemes[i].pam_mysql_name;
	return NULL;
}

/* sql_scheme_pam_mysql_scheme - our scheme for a pam_mysql number */
const char *
sql_scheme_pam_mysql_scheme(long n)
{
	size_t i;

	for (i = 0; i < NITEMS(pam_mysql_schemes); i++)
		if (pam_mysql_schemes[i].number == n)
			return pam_mysql_schemes[i].scheme;
	return NULL;
}

/* sql_scheme_pam_mysql_number - pam_mysql's number for a name */
long
sql_scheme_pam_mysql_number(const char *name)
{
	size_t i;

	for (i = 0; i < NITEMS(pam_mysql_schemes); i++)
		if (strcasecmp(pam_mysql_schemes[i].pam_mysql_name, name) == 0)
			return pam_mysql_schemes[i].number;
	return -1;
}

/* sql_scheme_ctx_new - zeroed working memory */
struct sql_scheme_ctx *
sql_scheme_ctx_new(void)
{
	struct sql_scheme_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	if (crypt_gensalt_rn(NULL, 0, NULL, 0, ctx->burn_setting,
	    sizeof(ctx->burn_setting)) == NULL)
		strcpy(ctx->burn_setting, "$1$saltsalt$");
	return ctx;
}

/* sql_scheme_ctx_free - wipe and free */
void
sql_scheme_ctx_free(struct sql_scheme_ctx **ctx_r)
{
	if (*ctx_r == NULL)
		return;
	explicit_bzero(*ctx_r, sizeof(**ctx_r));
	free(*ctx_r);
	*ctx_r = NULL;
}

/* sql_scheme_burn - the cost of a verification, for unknown users */
void
sql_scheme_burn(struct sql_scheme_ctx *ctx, const char *password)
{
	(void)crypt_rn(password, ctx->burn_setting, &ctx->data,
	    sizeof(ctx->data));
	explicit_bzero(&ctx->data, sizeof(ctx->data));
}

/* sql_ct_equal - constant-time equality of two byte strings */
int
sql_ct_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	const volatile unsigned char *pa = a, *pb = b;
	unsigned char diff = 0;
	size_t i;

	/* lengths are not secret: the scheme fixes them */
	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		diff |= pa[i] ^ pb[i];
	return diff == 0;
}
