/*
 * sql_scheme - how a stored password is verified.
 *
 * One table of schemes (sql_scheme.c): a name (Dovecot's, where Dovecot
 * has one), how to recognise a bare stored value of it, how to verify.
 * A configuration chooses one scheme for every row, or "auto": each stored
 * value then names its own scheme, by a {SCHEME} prefix as Dovecot writes
 * it, by a crypt "$id$", or by a form only one scheme has ("*" and 40 hex
 * digits). A value that fits no scheme never matches. Every comparison is
 * constant-time.
 */
#ifndef SQL_SCHEME_H
#define SQL_SCHEME_H

#include <stdbool.h>
#include <stddef.h>

struct sql_scheme;		/* a row of the table */
struct sql_scheme_ctx;		/* per-process working memory */

/* How a digest is written in the stored value. */
enum sql_encoding {
	SQL_ENCODING_DEFAULT,	/* the scheme's own */
	SQL_ENCODING_HEX,	/* either case, as Dovecot reads it */
	SQL_ENCODING_HEX_LOWER,	/* lowercase only, as pam_mysql compares */
	SQL_ENCODING_BASE64
};

/* What a configuration chose: a scheme (NULL: auto) and its encoding. */
struct sql_scheme_choice {
	const struct sql_scheme *scheme;
	enum sql_encoding encoding;
};

/*
 * Choose by name: "auto", or a scheme name with an optional Dovecot
 * encoding suffix (".HEX", ".B64", ".BASE64"), case-insensitive.
 * Returns 0, or -1 with a message in err.
 */
int sql_scheme_choose(struct sql_scheme_choice *choice_r, const char *name,
    char *err, size_t errlen);

/*
 * Choose by pam_mysql 0.8's users.password_crypt number n (0-9), with
 * pam_mysql's meaning; use_323 picks MySQL 3.23's PASSWORD() for n = 2.
 * Returns 0, or -1 with a message in err.
 */
int sql_scheme_choose_pam_mysql(struct sql_scheme_choice *choice_r, long n,
    bool use_323, char *err, size_t errlen);

/* The chosen scheme's name, for the log ("auto" for auto). */
const char *sql_scheme_choice_name(const struct sql_scheme_choice *choice);

/* Whether the choice compares plain text (worth a warning at start). */
bool sql_scheme_choice_is_plain(const struct sql_scheme_choice *choice);

/* pam_mysql's number for a name it accepts ("plain", "Y" ...), or -1. */
long sql_scheme_pam_mysql_number(const char *name);

/* pam_mysql's name for number n, or NULL. */
const char *sql_scheme_pam_mysql_name(long n);

/*
 * Verify password against stored under choice. Returns 1 (match),
 * 0 (mismatch) or -1 (stored value unusable: why says why, naming the
 * scheme or crypt method but never any part of the value).
 */
int sql_scheme_verify(struct sql_scheme_ctx *ctx,
    const struct sql_scheme_choice *choice, const char *password,
    const char *stored, char *why, size_t whylen);

/*
 * Working memory for verification (libxcrypt's crypt_data, about 32 KiB,
 * zeroed; a digest context). Returns NULL when out of memory. Free with
 * sql_scheme_ctx_free(), which wipes it.
 */
struct sql_scheme_ctx *sql_scheme_ctx_new(void);
void sql_scheme_ctx_free(struct sql_scheme_ctx **ctx_r);

/*
 * True the first time this ctx verified a plain-text value (in auto mode,
 * a {PLAIN} one), so that the caller can warn once per process.
 */
bool sql_scheme_first_plain(struct sql_scheme_ctx *ctx);

/*
 * Spend the work of one verification without a stored value, so that an
 * unknown user costs what a known one does: the scheme of the last good
 * verification in this ctx (for crypt, its method, cost and salt), or
 * libxcrypt's preferred method before any. The outcome is discarded.
 */
void sql_scheme_burn(struct sql_scheme_ctx *ctx, const char *password);

/* Compare two byte strings in time that depends only on their lengths. */
int sql_ct_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
