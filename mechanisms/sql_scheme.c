/*
 * sql_scheme - the table of password schemes, and verification.
 *
 * Owns the per-process working memory: libxcrypt's crypt_data and an
 * OpenSSL digest context, wiped after every use because they held the
 * password. Digests, HMAC and base64 come from OpenSSL's libcrypto, crypt(3)
 * from libxcrypt, Argon2 from libargon2 when built with it; the only
 * algorithm written here is MySQL 3.23's PASSWORD() scramble, which no
 * library ships any more (see verify_mysql323). Logs nothing: a failure's
 * reason goes back to the caller, which logs it once.
 */
#include <crypt.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#ifdef AUTH_SQL_ARGON2
#include <argon2.h>
#endif

#include "sql_encoding.h"
#include "sql_scheme.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define DIGEST_MAX	EVP_MAX_MD_SIZE
#define SALT_MAX	512

struct sql_scheme_ctx {
	struct crypt_data data;
	EVP_MD_CTX *md;
	int plain_seen;		/* 0 never, 1 just now, 2 already told */
	/* the scheme and value of the last good verification, for
	 * sql_scheme_burn(); of a crypt hash only the setting is kept */
	struct sql_scheme_choice burn_choice;
	char burn_value[1024];
};

typedef int verify_fn(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen);

struct sql_scheme {
	const char *name;
	/* a bare value (no {SCHEME} prefix) of this scheme, for auto */
	bool (*recognise)(const char *stored);
	verify_fn *verify;
	const char *digest;		/* OpenSSL's name, digest schemes */
	bool salted;			/* digest(password || salt) || salt */
	enum sql_encoding encoding;	/* of digest schemes, by default */
	bool plain;
};

/* --- helpers ------------------------------------------------------------ */

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

/* unusable - set why, return the verdict for an unusable stored value */
static int
unusable(char *why, size_t whylen, const struct sql_scheme *s,
    const char *what)
{
	snprintf(why, whylen, "%s: %s", s->name, what);
	return -1;
}

/* digest2 - md(a || b) into out; its length, or -1 */
static int
digest2(struct sql_scheme_ctx *ctx, const char *name, const void *a,
    size_t alen, const void *b, size_t blen, unsigned char *out)
{
	const EVP_MD *md = EVP_get_digestbyname(name);
	unsigned int len = 0;
	int ok;

	ok = md != NULL && EVP_DigestInit_ex(ctx->md, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx->md, a, alen) == 1 &&
	    EVP_DigestUpdate(ctx->md, b, blen) == 1 &&
	    EVP_DigestFinal_ex(ctx->md, out, &len) == 1;
	EVP_MD_CTX_reset(ctx->md);
	return ok ? (int)len : -1;
}

/* crypt_method - "$id$" of a crypt hash, printable, for the log */
static void
crypt_method(const char *stored, char *out, size_t outlen)
{
	size_t i, n = 0;

	if (stored[0] != '$') {
		snprintf(out, outlen, "%s", stored[0] == '_' ? "_ (BSDi)" :
		    "traditional DES");
		return;
	}
	for (i = 0; stored[i] != '\0' && n + 1 < outlen && n < 12; i++) {
		out[n++] = isprint((unsigned char)stored[i]) ?
		    stored[i] : '?';
		if (i > 0 && stored[i] == '$')
			break;
	}
	out[n] = '\0';
}

/* crypt_setting_length - a crypt hash's setting, without its checksum */
static size_t
crypt_setting_length(const char *stored)
{
	if (strncmp(stored, "$2", 2) == 0)
		return 29;	/* "$2b$NN$" and 22 salt characters */
	if (stored[0] == '$')
		return (size_t)(strrchr(stored, '$') - stored) + 1;
	if (stored[0] == '_')
		return 9;
	return 2;
}

/* --- recognising bare values ---------------------------------------------- */

/* is_phpass - Drupal 7 and phpass: $S$, $P$, $H$, and Drupal's U$ */
static bool
is_phpass(const char *stored)
{
	if (stored[0] == 'U')
		stored++;
	return stored[0] == '$' && strchr("SPH", stored[1]) != NULL &&
	    stored[1] != '\0' && stored[2] == '$';
}

/* is_argon2 - libargon2's encoding */
static bool
is_argon2(const char *stored)
{
	return strncmp(stored, "$argon2i$", 9) == 0 ||
	    strncmp(stored, "$argon2id$", 10) == 0;
}

/* is_crypt - a modular crypt hash ("$id$..."), whatever libxcrypt makes */
static bool
is_crypt(const char *stored)
{
	return stored[0] == '$' && !is_phpass(stored) && !is_argon2(stored);
}

/* is_mysql41 - MySQL 4.1+'s PASSWORD(): "*" and 40 hex digits */
static bool
is_mysql41(const char *stored)
{
	return stored[0] == '*' && strlen(stored) == 41 &&
	    sql_is_hex(stored + 1, 40);
}

/* --- verification, one function per kind --------------------------------- */

/* verify_crypt - crypt(3) through libxcrypt, any method it computes */
static int
verify_crypt(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	const char *computed;
	size_t storedlen = strlen(stored);
	char method[16];
	int match;

	(void)s;
	(void)enc;
	crypt_method(stored, method, sizeof(method));
	if (storedlen == 0 || storedlen >= sizeof(ctx->data.setting)) {
		snprintf(why, whylen, "crypt: impossible length");
		return -1;
	}
	switch (crypt_checksalt(stored)) {
	case CRYPT_SALT_OK:
	case CRYPT_SALT_METHOD_LEGACY:
	case CRYPT_SALT_TOO_CHEAP:
		break;
	case CRYPT_SALT_METHOD_DISABLED:
		snprintf(why, whylen, "crypt method %s is disabled in this "
		    "libxcrypt", method);
		return -1;
	default:
		snprintf(why, whylen, "crypt method %s is not one this "
		    "libxcrypt computes, or the value is damaged", method);
		return -1;
	}
	/* crypt_rn: NULL on failure, never the "*0" that crypt_r returns */
	computed = crypt_rn(password, stored, &ctx->data, sizeof(ctx->data));
	if (computed == NULL) {
		explicit_bzero(&ctx->data, sizeof(ctx->data));
		snprintf(why, whylen, "crypt method %s: crypt() failed",
		    method);
		return -1;
	}
	/* a method's hashes all have one length: another length is a cut or
	 * padded value (or plain text that reads as a DES salt), not a hash */
	if (strlen(computed) != storedlen) {
		explicit_bzero(&ctx->data, sizeof(ctx->data));
		snprintf(why, whylen, "crypt method %s: not a whole hash",
		    method);
		return -1;
	}
	match = sql_ct_equal(computed, storedlen, stored, storedlen);
	explicit_bzero(&ctx->data, sizeof(ctx->data));
	return match;
}

/* verify_plain - the stored value is the password */
static int
verify_plain(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	(void)s;
	(void)enc;
	(void)why;
	(void)whylen;
	if (ctx->plain_seen == 0)
		ctx->plain_seen = 1;
	return sql_ct_equal(password, strlen(password), stored,
	    strlen(stored));
}

/* decode_digest - stored text to bytes in the chosen encoding; or -1 */
static long
decode_digest(const struct sql_scheme *s, enum sql_encoding enc,
    const char *stored, size_t mdlen, unsigned char *out, size_t outcap)
{
	size_t len = strlen(stored);

	if (enc == SQL_ENCODING_DEFAULT)
		enc = s->encoding;
	/* Dovecot reads an unsalted digest of hex length as hex, whatever
	 * the scheme's usual encoding */
	if (enc == SQL_ENCODING_BASE64 && !s->salted && len == 2 * mdlen &&
	    sql_is_hex(stored, len))
		enc = SQL_ENCODING_HEX;
	switch (enc) {
	case SQL_ENCODING_HEX:
	case SQL_ENCODING_HEX_LOWER:
		return sql_hex_decode(stored, len,
		    enc == SQL_ENCODING_HEX_LOWER, out, outcap);
	case SQL_ENCODING_BASE64:
		return sql_base64_decode(stored, len, out, outcap);
	default:
		return -1;
	}
}

/* verify_digest - digest(password [|| salt]), hex or base64 */
static int
verify_digest(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	unsigned char want[DIGEST_MAX + SALT_MAX], got[DIGEST_MAX];
	const EVP_MD *md = EVP_get_digestbyname(s->digest);
	long n;
	int mdlen, match;

	if (md == NULL)
		return unusable(why, whylen, s, "digest not available");
	mdlen = EVP_MD_get_size(md);
	n = decode_digest(s, enc, stored, (size_t)mdlen, want, sizeof(want));
	if (n < 0)
		return unusable(why, whylen, s, "not a digest in the "
		    "expected encoding");
	if (s->salted ? n < mdlen : n != mdlen)
		return unusable(why, whylen, s, "wrong digest length");
	if (digest2(ctx, s->digest, password, strlen(password), want + mdlen,
	    (size_t)(n - mdlen), got) != mdlen)
		return unusable(why, whylen, s, "digest failed");
	match = sql_ct_equal(got, (size_t)mdlen, want, (size_t)mdlen);
	explicit_bzero(got, sizeof(got));
	explicit_bzero(want, sizeof(want));
	return match;
}

/* verify_mysql41 - "*" + hex(SHA1(SHA1(password))), MySQL 4.1+ */
static int
verify_mysql41(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	unsigned char want[20], h0[DIGEST_MAX], h1[DIGEST_MAX];
	int match;

	(void)enc;
	if (!is_mysql41(stored) ||
	    sql_hex_decode(stored + 1, 40, false, want, sizeof(want)) != 20)
		return unusable(why, whylen, s, "not \"*\" and 40 hex digits");
	/* MySQL writes uppercase, and pam_mysql compares with strcmp() */
	if (strspn(stored + 1, "0123456789ABCDEF") != 40)
		return unusable(why, whylen, s, "hex digits not uppercase, as "
		    "PASSWORD() writes them");
	if (digest2(ctx, "SHA1", password, strlen(password), "", 0, h0) != 20 ||
	    digest2(ctx, "SHA1", h0, 20, "", 0, h1) != 20)
		return unusable(why, whylen, s, "digest failed");
	match = sql_ct_equal(h1, 20, want, 20);
	explicit_bzero(h0, sizeof(h0));
	explicit_bzero(h1, sizeof(h1));
	return match;
}

/*
 * verify_mysql323 - MySQL 3.23's PASSWORD() (OLD_PASSWORD()): 16 hex
 * digits. This scramble is written here because no library of ours ships
 * it (libmysqlclient and libmariadb dropped it; it is not a digest OpenSSL
 * knows); it is MySQL's hash_password(), checked in the tests against
 * MariaDB's own OLD_PASSWORD(). It is weak: use it only to migrate.
 */
static int
verify_mysql323(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	unsigned long nr = 1345345333UL, add = 7, nr2 = 0x12345671UL, tmp;
	unsigned char want[8], got[8];
	const unsigned char *p;
	int match, i;

	(void)ctx;
	(void)enc;
	if (strlen(stored) != 16 ||
	    sql_hex_decode(stored, 16, true, want, sizeof(want)) != 8)
		return unusable(why, whylen, s, "not 16 lowercase hex digits");
	for (p = (const unsigned char *)password; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t')
			continue;	/* MySQL skipped blanks */
		tmp = *p;
		nr ^= (((nr & 63) + add) * tmp) + (nr << 8);
		nr2 += (nr2 << 8) ^ nr;
		add += tmp;
	}
	nr &= 0x7fffffffUL;
	nr2 &= 0x7fffffffUL;
	for (i = 0; i < 4; i++) {
		got[i] = (unsigned char)(nr >> (24 - 8 * i));
		got[4 + i] = (unsigned char)(nr2 >> (24 - 8 * i));
	}
	match = sql_ct_equal(got, 8, want, 8);
	explicit_bzero(got, sizeof(got));
	nr = nr2 = add = 0;
	return match;
}

/* phpass_encode - phpass's own base64 (itoa64, little-endian groups) */
static void
phpass_encode(const unsigned char *in, int count, char *out)
{
	static const char itoa64[] =
	    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned long value;
	int i = 0;

	do {
		value = in[i++];
		*out++ = itoa64[value & 0x3f];
		if (i < count)
			value |= (unsigned long)in[i] << 8;
		*out++ = itoa64[(value >> 6) & 0x3f];
		if (i++ >= count)
			break;
		if (i < count)
			value |= (unsigned long)in[i] << 16;
		*out++ = itoa64[(value >> 12) & 0x3f];
		if (i++ >= count)
			break;
		*out++ = itoa64[(value >> 18) & 0x3f];
	} while (i < count);
	*out = '\0';
}

/*
 * verify_drupal7 - Drupal 7's $S$ (SHA-512) and phpass's $P$/$H$ (MD5):
 * hash = H(salt || password), then 2^N times hash = H(hash || password);
 * the setting's 12 characters and the encoded hash, cut to 55 characters
 * as Drupal's user_check_password() does. "U$..." is a Drupal 6 MD5 hash
 * rehashed by Drupal 7: the password is md5-hex'd first.
 */
static int
verify_drupal7(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	static const char itoa64[] =
	    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char hash[DIGEST_MAX];
	char md5hex[33], out[12 + 88 + 1];
	const char *pw = password, *digest, *pos;
	size_t storedlen, pwlen, outlen;
	long count;
	int mdlen, match = -1;

	(void)enc;
	if (stored[0] == 'U') {
		stored++;
		if (digest2(ctx, "MD5", password, strlen(password), "", 0,
		    hash) != 16)
			return unusable(why, whylen, s, "digest failed");
		sql_hex_encode(hash, 16, md5hex);
		pw = md5hex;
	}
	storedlen = strlen(stored);
	if (!is_phpass(stored) || storedlen < 12 ||
	    (pos = strchr(itoa64, stored[3])) == NULL || stored[3] == '\0')
		return unusable(why, whylen, s, "not a $S$, $P$ or $H$ hash");
	count = pos - itoa64;
	if (count < 7 || count > 30)
		return unusable(why, whylen, s, "iteration count out of range");
	count = 1L << count;
	digest = stored[1] == 'S' ? "SHA512" : "MD5";
	pwlen = strlen(pw);
	mdlen = digest2(ctx, digest, stored + 4, 8, pw, pwlen, hash);
	while (mdlen > 0 && count-- > 0)
		mdlen = digest2(ctx, digest, hash, (size_t)mdlen, pw, pwlen,
		    hash);
	if (mdlen <= 0) {
		match = unusable(why, whylen, s, "digest failed");
		goto out;
	}
	memcpy(out, stored, 12);
	phpass_encode(hash, mdlen, out + 12);
	outlen = strlen(out);
	if (outlen > 55)
		outlen = 55;
	match = sql_ct_equal(out, outlen, stored, storedlen);
out:
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(md5hex, sizeof(md5hex));
	explicit_bzero(out, sizeof(out));
	return match;
}

/* verify_joomla15 - "md5hex:salt", md5hex = MD5(password || salt) */
static int
verify_joomla15(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	const char *colon = strchr(stored, ':');
	unsigned char want[16], got[DIGEST_MAX];
	int match;

	(void)enc;
	if (colon == NULL || colon - stored != 32 ||
	    sql_hex_decode(stored, 32, true, want, sizeof(want)) != 16)
		return unusable(why, whylen, s, "not \"md5hex:salt\"");
	if (digest2(ctx, "MD5", password, strlen(password), colon + 1,
	    strlen(colon + 1), got) != 16)
		return unusable(why, whylen, s, "digest failed");
	match = sql_ct_equal(got, 16, want, 16);
	explicit_bzero(got, sizeof(got));
	return match;
}

/* verify_pbkdf2 - Dovecot's "$1$salt$rounds$hex", PBKDF2-HMAC-SHA1 */
static int
verify_pbkdf2(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	const char *salt, *end, *hex;
	unsigned char want[64], got[64];
	unsigned long rounds;
	char *stop;
	long n;
	int match;

	(void)ctx;
	(void)enc;
	if (strncmp(stored, "$1$", 3) != 0 ||
	    (end = strchr(salt = stored + 3, '$')) == NULL ||
	    !isdigit((unsigned char)end[1]))
		return unusable(why, whylen, s, "not \"$1$salt$rounds$hex\"");
	rounds = strtoul(end + 1, &stop, 10);
	if (*stop != '$' || rounds == 0 || rounds > 10000000UL)
		return unusable(why, whylen, s, "bad number of rounds");
	hex = stop + 1;
	/* Dovecot's key is a whole SHA-1: a shorter one is a cut value */
	n = sql_hex_decode(hex, strlen(hex), false, want, sizeof(want));
	if (n != 20)
		return unusable(why, whylen, s, "not a 40-digit hex key");
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password),
	    (const unsigned char *)salt, (int)(end - salt), (int)rounds,
	    EVP_sha1(), (int)n, got) != 1)
		return unusable(why, whylen, s, "PBKDF2 failed");
	match = sql_ct_equal(got, (size_t)n, want, (size_t)n);
	explicit_bzero(got, sizeof(got));
	return match;
}

/* verify_argon2 - libargon2's encoded form, Argon2i or Argon2id */
static int
verify_argon2(struct sql_scheme_ctx *ctx, const struct sql_scheme *s,
    enum sql_encoding enc, const char *password, const char *stored,
    char *why, size_t whylen)
{
	(void)ctx;
	(void)enc;
	(void)password;
	if (!is_argon2(stored))
		return unusable(why, whylen, s, "not an Argon2 encoding");
#ifdef AUTH_SQL_ARGON2
	switch (argon2_verify(stored, password, strlen(password),
	    strncmp(stored, "$argon2id$", 10) == 0 ? Argon2_id : Argon2_i)) {
	case ARGON2_OK:
		return 1;
	case ARGON2_VERIFY_MISMATCH:
		return 0;
	default:
		return unusable(why, whylen, s, "not a valid Argon2 hash");
	}
#else
	return unusable(why, whylen, s, "this build has no libargon2");
#endif
}

/* --- the table --------------------------------------------------------------- */

#define B64	SQL_ENCODING_BASE64
#define HEX	SQL_ENCODING_HEX

/*
 * Every scheme. Names are Dovecot's where Dovecot has the scheme, so that
 * Dovecot's {SCHEME} prefixes work as they are; the rows without one
 * (MYSQL, MYSQL323, DRUPAL7, JOOMLA15) are pam_mysql's. Order matters for
 * recognising bare values: the first row that recognises a value wins.
 */
static const struct sql_scheme schemes[] = {
	/* name        recognise   verify           digest  salted enc plain */
	{ "DRUPAL7",   is_phpass,  verify_drupal7,  NULL,     false, 0, false },
	{ "ARGON2I",   NULL,       verify_argon2,   NULL,     false, 0, false },
	{ "ARGON2ID",  is_argon2,  verify_argon2,   NULL,     false, 0, false },
	{ "CRYPT",     is_crypt,   verify_crypt,    NULL,     false, 0, false },
	{ "MD5-CRYPT", NULL,       verify_crypt,    NULL,     false, 0, false },
	{ "SHA256-CRYPT", NULL,    verify_crypt,    NULL,     false, 0, false },
	{ "SHA512-CRYPT", NULL,    verify_crypt,    NULL,     false, 0, false },
	{ "BLF-CRYPT", NULL,       verify_crypt,    NULL,     false, 0, false },
	{ "DES-CRYPT", NULL,       verify_crypt,    NULL,     false, 0, false },
	{ "MD5",       NULL,       verify_crypt,    NULL,     false, 0, false },
	{ "MYSQL",     is_mysql41, verify_mysql41,  NULL,     false, 0, false },
	{ "MYSQL323",  NULL,       verify_mysql323, NULL,     false, 0, false },
	{ "PLAIN",     NULL,       verify_plain,    NULL,     false, 0, true },
	{ "CLEARTEXT", NULL,       verify_plain,    NULL,     false, 0, true },
	{ "CLEAR",     NULL,       verify_plain,    NULL,     false, 0, true },
	{ "PLAIN-MD5", NULL,       verify_digest,   "MD5",    false, HEX, false },
	{ "LDAP-MD5",  NULL,       verify_digest,   "MD5",    false, B64, false },
	{ "SMD5",      NULL,       verify_digest,   "MD5",    true,  B64, false },
	{ "SHA",       NULL,       verify_digest,   "SHA1",   false, B64, false },
	{ "SHA1",      NULL,       verify_digest,   "SHA1",   false, B64, false },
	{ "SSHA",      NULL,       verify_digest,   "SHA1",   true,  B64, false },
	{ "SHA256",    NULL,       verify_digest,   "SHA256", false, B64, false },
	{ "SSHA256",   NULL,       verify_digest,   "SHA256", true,  B64, false },
	{ "SHA512",    NULL,       verify_digest,   "SHA512", false, B64, false },
	{ "SSHA512",   NULL,       verify_digest,   "SHA512", true,  B64, false },
	{ "PBKDF2",    NULL,       verify_pbkdf2,   NULL,     false, 0, false },
	{ "JOOMLA15",  NULL,       verify_joomla15, NULL,     false, 0, false },
};

/*
 * pam_mysql 0.8's users.password_crypt: number, its name there (matched
 * without case, as pam_mysql does), our scheme, and the encoding pam_mysql
 * compares in (its hex digests are lowercase, compared with strcmp()).
 */
static const struct {
	long number;
	const char *pam_mysql_name;
	const char *scheme;
	enum sql_encoding encoding;
} pam_mysql_schemes[] = {
	{ 0, "plain", "PLAIN", SQL_ENCODING_DEFAULT },
	{ 1, "Y", "CRYPT", SQL_ENCODING_DEFAULT },
	{ 2, "mysql", "MYSQL", SQL_ENCODING_DEFAULT },
	{ 3, "md5", "PLAIN-MD5", SQL_ENCODING_HEX_LOWER },
	{ 4, "sha1", "SHA1", SQL_ENCODING_HEX_LOWER },
	{ 5, "drupal7", "DRUPAL7", SQL_ENCODING_DEFAULT },
	{ 6, "joomla15", "JOOMLA15", SQL_ENCODING_DEFAULT },
	{ 7, "ssha", "SSHA", SQL_ENCODING_BASE64 },
	{ 8, "sha512", "SHA512", SQL_ENCODING_HEX_LOWER },
	{ 9, "sha256", "SHA256", SQL_ENCODING_HEX_LOWER },
};

/* find - the scheme called name (len bytes), case-insensitive */
static const struct sql_scheme *
find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NITEMS(schemes); i++)
		if (strlen(schemes[i].name) == len &&
		    strncasecmp(schemes[i].name, name, len) == 0)
			return &schemes[i];
	return NULL;
}

/* parse_name - "SCHEME[.ENCODING]" into a choice; 0 or -1 */
static int
parse_name(struct sql_scheme_choice *choice_r, const char *name, size_t len)
{
	const char *dot = memchr(name, '.', len);
	size_t namelen = dot != NULL ? (size_t)(dot - name) : len;

	choice_r->scheme = find(name, namelen);
	choice_r->encoding = SQL_ENCODING_DEFAULT;
	if (choice_r->scheme == NULL)
		return -1;
	if (dot == NULL)
		return 0;
	/* an encoding suffix only makes sense for digests */
	if (choice_r->scheme->digest == NULL)
		return -1;
	dot++;
	len -= namelen + 1;
	if (len == 3 && strncasecmp(dot, "HEX", 3) == 0)
		choice_r->encoding = SQL_ENCODING_HEX;
	else if ((len == 3 && strncasecmp(dot, "B64", 3) == 0) ||
	    (len == 6 && strncasecmp(dot, "BASE64", 6) == 0))
		choice_r->encoding = SQL_ENCODING_BASE64;
	else
		return -1;
	return 0;
}

/* sql_scheme_choose - a scheme (or auto) by name */
int
sql_scheme_choose(struct sql_scheme_choice *choice_r, const char *name,
    char *err, size_t errlen)
{
	if (strcasecmp(name, "auto") == 0) {
		choice_r->scheme = NULL;
		choice_r->encoding = SQL_ENCODING_DEFAULT;
		return 0;
	}
	if (parse_name(choice_r, name, strlen(name)) != 0) {
		snprintf(err, errlen, "\"%.60s\" is not a password scheme "
		    "(auto, CRYPT, PLAIN, MYSQL, SHA256.HEX, SSHA512 ...; see "
		    "the README)", name);
		return -1;
	}
	return 0;
}

/* sql_scheme_choose_pam_mysql - pam_mysql's users.password_crypt */
int
sql_scheme_choose_pam_mysql(struct sql_scheme_choice *choice_r, long n,
    bool use_323, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < NITEMS(pam_mysql_schemes); i++) {
		const char *name = pam_mysql_schemes[i].scheme;

		if (pam_mysql_schemes[i].number != n)
			continue;
		if (n == 2 && use_323)
			name = "MYSQL323";
		choice_r->scheme = find(name, strlen(name));
		choice_r->encoding = pam_mysql_schemes[i].encoding;
		return choice_r->scheme != NULL ? 0 : -1;
	}
	snprintf(err, errlen, "%ld is not a pam_mysql password_crypt value",
	    n);
	return -1;
}

/* sql_scheme_choice_name - for the log */
const char *
sql_scheme_choice_name(const struct sql_scheme_choice *choice)
{
	return choice->scheme != NULL ? choice->scheme->name : "auto";
}

/* sql_scheme_choice_is_plain - whether passwords are stored as they are */
bool
sql_scheme_choice_is_plain(const struct sql_scheme_choice *choice)
{
	return choice->scheme != NULL && choice->scheme->plain;
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

/*
 * detect - the scheme of a stored value in auto mode: its {SCHEME}
 * prefix, else the first row that recognises it. Sets *rest_r to the
 * value after any prefix. Returns 0, or -1 with why set.
 */
static int
detect(struct sql_scheme_choice *choice_r, const char *stored,
    const char **rest_r, char *why, size_t whylen)
{
	const char *close;
	size_t i;

	*rest_r = stored;
	if (stored[0] == '{' && (close = strchr(stored, '}')) != NULL) {
		if (parse_name(choice_r, stored + 1,
		    (size_t)(close - stored - 1)) != 0) {
			snprintf(why, whylen, "unknown scheme prefix {%.*s}",
			    (int)(close - stored - 1 > 30 ? 30 :
			    close - stored - 1), stored + 1);
			for (i = 0; why[i] != '\0'; i++)
				if (!isprint((unsigned char)why[i]))
					why[i] = '?';
			return -1;
		}
		*rest_r = close + 1;
		return 0;
	}
	choice_r->encoding = SQL_ENCODING_DEFAULT;
	for (i = 0; i < NITEMS(schemes); i++) {
		if (schemes[i].recognise != NULL &&
		    schemes[i].recognise(stored)) {
			choice_r->scheme = &schemes[i];
			return 0;
		}
	}
	/* never taken for plain text: that would make any hash a password */
	snprintf(why, whylen, "the value fits no scheme (write it with a "
	    "{SCHEME} prefix, or set sql_password_scheme)");
	return -1;
}

/*
 * remember_for_burn - what a good verification used, so that an unknown
 * user's burn costs the same: scheme and value (of a crypt hash, only its
 * setting: method, cost and salt)
 */
static void
remember_for_burn(struct sql_scheme_ctx *ctx,
    const struct sql_scheme_choice *choice, const char *value)
{
	size_t len = strlen(value);

	if (choice->scheme->verify == verify_crypt)
		len = crypt_setting_length(value);
	if (len > strlen(value) || len >= sizeof(ctx->burn_value))
		return;
	ctx->burn_choice = *choice;
	memcpy(ctx->burn_value, value, len);
	ctx->burn_value[len] = '\0';
}

/* sql_scheme_verify - the verdict of the chosen (or detected) scheme */
int
sql_scheme_verify(struct sql_scheme_ctx *ctx,
    const struct sql_scheme_choice *choice, const char *password,
    const char *stored, char *why, size_t whylen)
{
	struct sql_scheme_choice detected;
	const char *value = stored;
	int rc;

	if (choice->scheme == NULL) {
		if (detect(&detected, stored, &value, why, whylen) != 0)
			return -1;
		choice = &detected;
	}
	if (value[0] == '\0')
		return unusable(why, whylen, choice->scheme, "empty value");
	rc = choice->scheme->verify(ctx, choice->scheme, choice->encoding,
	    password, value, why, whylen);
	/* a mismatch proves the value well-formed as much as a match does */
	if (rc >= 0)
		remember_for_burn(ctx, choice, value);
	return rc;
}

/* sql_scheme_ctx_new - zeroed working memory */
struct sql_scheme_ctx *
sql_scheme_ctx_new(void)
{
	struct sql_scheme_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	if ((ctx->md = EVP_MD_CTX_new()) == NULL) {
		free(ctx);
		return NULL;
	}
	/* before any good verification: libxcrypt's preferred method */
	ctx->burn_choice.scheme = find("CRYPT", 5);
	if (crypt_gensalt_rn(NULL, 0, NULL, 0, ctx->burn_value,
	    sizeof(ctx->burn_value)) == NULL)
		strcpy(ctx->burn_value, "$1$saltsalt$");
	return ctx;
}

/* sql_scheme_ctx_free - wipe and free */
void
sql_scheme_ctx_free(struct sql_scheme_ctx **ctx_r)
{
	if (*ctx_r == NULL)
		return;
	EVP_MD_CTX_free((*ctx_r)->md);
	explicit_bzero(*ctx_r, sizeof(**ctx_r));
	free(*ctx_r);
	*ctx_r = NULL;
}

/* sql_scheme_first_plain - true once: the first plain-text value met */
bool
sql_scheme_first_plain(struct sql_scheme_ctx *ctx)
{
	if (ctx->plain_seen != 1)
		return false;
	ctx->plain_seen = 2;
	return true;
}

/* sql_scheme_burn - the cost of a verification, for unknown users */
void
sql_scheme_burn(struct sql_scheme_ctx *ctx, const char *password)
{
	char why[160];
	int plain_seen = ctx->plain_seen;

	/* a crypt setting computes a hash of its own: never a match */
	(void)ctx->burn_choice.scheme->verify(ctx, ctx->burn_choice.scheme,
	    ctx->burn_choice.encoding, password, ctx->burn_value, why,
	    sizeof(why));
	ctx->plain_seen = plain_seen;
}
