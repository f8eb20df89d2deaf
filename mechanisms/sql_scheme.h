/*
 * sql_scheme - how a stored password is verified.
 *
 * One table of schemes: a name, pam_mysql's users.password_crypt number,
 * and a verify function answering 1 (match), 0 (mismatch) or -1 (the
 * stored value is unusable). Every comparison is constant-time.
 */
#ifndef SQL_SCHEME_H
#define SQL_SCHEME_H

#include <stddef.h>

struct sql_scheme_ctx;		/* per-process working memory */

struct sql_scheme {
	const char *name;
	int pam_mysql_crypt;	/* users.password_crypt, or -1 */
	/* 1 match, 0 mismatch, -1 unusable stored value (*why_r says why) */
	int (*verify)(struct sql_scheme_ctx *ctx, const char *password,
	    const char *stored, const char **why_r);
};

/* The scheme called name (case-insensitive), or NULL. */
const struct sql_scheme *sql_scheme_find(const char *name);

/*
 * pam_mysql's name for users.password_crypt number n ("plain", "Y",
 * ...), whether or not we implement it; NULL for a number it lacks.
 * sql_scheme_find() then says whether we do.
 */
const char *sql_scheme_pam_mysql_name(long n);

/* Our scheme's name for pam_mysql's number n, or NULL. */
const char *sql_scheme_pam_mysql_scheme(long n);

/* pam_mysql's number for a name it accepts ("plain", "Y" ...), or -1. */
long sql_scheme_pam_mysql_number(const char *name);

/*
 * Working memory for verification (libxcrypt's crypt_data, about 32 KiB,
 * zeroed). Returns NULL when out of memory. Free with sql_scheme_ctx_free(),
 * which wipes it.
 */
struct sql_scheme_ctx *sql_scheme_ctx_new(void);
void sql_scheme_ctx_free(struct sql_scheme_ctx **ctx_r);

/*
 * Spend the work of one verification without a stored hash, so that an
 * unknown user costs what a known one does. Uses the last crypt setting
 * this ctx saw, or libxcrypt's preferred method before any.
 */
void sql_scheme_burn(struct sql_scheme_ctx *ctx, const char *password);

/* Compare two byte strings in time that depends only on their lengths. */
int sql_ct_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
