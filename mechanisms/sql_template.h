/*
 * sql_template - query templates whose placeholders become bound parameters.
 *
 * A template such as
 *	SELECT password FROM users WHERE login = %u AND domain = '%d'
 * is parsed once, at start, into SQL text with the driver's placeholders
 * ("?" or "$1", "$2" ...) and the ordered list of values that fill them.
 * Client input is never spliced into SQL text; it only ever travels as a
 * parameter.
 *
 * Placeholders: %u login as received, %n the part before the last '@',
 * %d the part after it (the realm when there is no '@'), %r realm,
 * %s service, %% a literal '%'. A placeholder may stand bare or as a whole
 * single-quoted string ('%u'); inside any other quoted text it is an error.
 */
#ifndef SQL_TEMPLATE_H
#define SQL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#define SQL_TEMPLATE_PARAMS_MAX	16
/* saslauthd's fields are at most 256 bytes; login@realm at most 513 */
#define SQL_REQUEST_FIELD_MAX	520

enum sql_param {
	SQL_PARAM_LOGIN,	/* %u */
	SQL_PARAM_NAME,		/* %n */
	SQL_PARAM_DOMAIN,	/* %d */
	SQL_PARAM_REALM,	/* %r */
	SQL_PARAM_SERVICE	/* %s */
};

enum sql_param_style {
	SQL_PARAM_STYLE_QMARK,	/* ? (MySQL, SQLite) */
	SQL_PARAM_STYLE_DOLLAR	/* $1, $2 ... (PostgreSQL) */
};

/* How an engine writes SQL, as far as templates care. */
struct sql_dialect {
	enum sql_param_style param_style;
	bool backslash_escapes;		/* \\ escapes in strings (MySQL) */
	bool hash_comments;		/* # starts a comment (MySQL) */
	char identifier_quote;		/* ` or " */
};

struct sql_template {
	char *sql;		/* the SQL text handed to the driver */
	size_t nparams;
	enum sql_param params[SQL_TEMPLATE_PARAMS_MAX];
};

/* The values of one request, split once. */
struct sql_request {
	const char *login;
	const char *service;
	const char *realm;
	char name[SQL_REQUEST_FIELD_MAX];
	char domain[SQL_REQUEST_FIELD_MAX];
};

/*
 * Parse text, written in dialect, into *tmpl_r. One statement only:
 * comments and ';' outside quotes are refused, so that what the parser
 * takes for quoted text is what the engine takes for it. Returns 0, or -1
 * with a message in err (which names the column of the offending
 * character). The caller owns *tmpl_r and frees it with
 * sql_template_free().
 */
int sql_template_parse(struct sql_template **tmpl_r, const char *text,
    const struct sql_dialect *dialect, char *err, size_t errlen);

/* Free *tmpl_r (NULL is fine) and set it to NULL. */
void sql_template_free(struct sql_template **tmpl_r);

/*
 * Fill req from saslauthd's arguments. Keeps pointers to login, service and
 * realm (which must outlive req); copies the split parts.
 * Returns 0, or -1 when a field is too long to be a saslauthd field.
 */
int sql_request_init(struct sql_request *req, const char *login,
    const char *service, const char *realm);

/*
 * Put the value of each of tmpl's parameters, in order, into values_r
 * (SQL_TEMPLATE_PARAMS_MAX entries). The pointers borrow from req.
 */
void sql_template_expand(const struct sql_template *tmpl,
    const struct sql_request *req, const char **values_r);

/*
 * Append name to dst as SQL text: quoted with quote (a ` or ") when it is
 * a plain or dotted identifier, verbatim when it is an expression written
 * by the administrator. '%' is doubled so that the result can be given to
 * sql_template_parse(). Returns 0, or -1 when dst is too small.
 */
int sql_template_append_name(char *dst, size_t dstlen, const char *name,
    char quote);

/* Append text verbatim with '%' doubled; 0, or -1 when dst is too small. */
int sql_template_append_text(char *dst, size_t dstlen, const char *text);

#endif
