/*
 * sql_template - parse query templates, split requests, fill parameters.
 *
 * Owns the parsed template (sql text and parameter list). Logs nothing:
 * errors go back to the caller, which knows the file and line.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_template.h"

/* param_of - the parameter a placeholder letter names, or -1 */
static int
param_of(char c)
{
	switch (c) {
	case 'u': return SQL_PARAM_LOGIN;
	case 'n': return SQL_PARAM_NAME;
	case 'd': return SQL_PARAM_DOMAIN;
	case 'r': return SQL_PARAM_REALM;
	case 's': return SQL_PARAM_SERVICE;
	default: return -1;
	}
}

/* out_putc - append one byte to the output buffer, keeping it terminated */
static int
out_putc(char *out, size_t outlen, size_t *pos, char c)
{
	if (*pos + 1 >= outlen)
		return -1;
	out[(*pos)++] = c;
	out[*pos] = '\0';
	return 0;
}

/* add_param - record a parameter and write the driver's placeholder */
static int
add_param(struct sql_template *t, enum sql_param p, enum sql_param_style style,
    char *out, size_t outlen, size_t *pos)
{
	int n;

	if (t->nparams >= SQL_TEMPLATE_PARAMS_MAX)
		return -1;
	t->params[t->nparams++] = p;
	if (style == SQL_PARAM_STYLE_QMARK)
		return out_putc(out, outlen, pos, '?');
	n = snprintf(out + *pos, outlen - *pos, "$%zu", t->nparams);
	if (n < 0 || (size_t)n >= outlen - *pos)
		return -1;
	*pos += (size_t)n;
	return 0;
}

/* sql_template_parse - turn a template into SQL text and a parameter list */
int
sql_template_parse(struct sql_template **tmpl_r, const char *text,
    const struct sql_dialect *dialect, char *err, size_t errlen)
{
	enum sql_param_style style = dialect->param_style;
	struct sql_template *t;
	size_t len = strlen(text), outlen = 2 * len + 64, pos = 0, i;
	char quote = 0;		/* the quote we are inside, or 0 */
	char *out;

	*tmpl_r = NULL;
	t = calloc(1, sizeof(*t));
	out = malloc(outlen);
	if (t == NULL || out == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	out[0] = '\0';

	for (i = 0; i < len; i++) {
		char c = text[i];
		int p;

		if (quote == 0 && c == '\'' && text[i + 1] == '%' &&
		    param_of(text[i + 2]) >= 0 && text[i + 3] == '\'') {
			/* '%u' is the whole string: the quotes were only
			 * ever meant for the value, which a parameter is */
			if (add_param(t, (enum sql_param)param_of(text[i + 2]),
			    style, out, outlen, &pos) != 0)
				goto too_many;
			i += 3;
			continue;
		}
		if (c == '%') {
			if (text[i + 1] == '%') {
				if (out_putc(out, outlen, &pos, '%') != 0)
					goto too_long;
				i++;
				continue;
			}
			if (text[i + 1] == '\0') {
				snprintf(err, errlen,
				    "a lone %% at the end (write %%%% for a "
				    "literal %%)");
				goto fail;
			}
			p = param_of(text[i + 1]);
			if (p < 0) {
				snprintf(err, errlen, "unknown placeholder "
				    "%%%c at column %zu (known: %%u %%n %%d "
				    "%%r %%s %%%%)", isprint((unsigned char)
				    text[i + 1]) ? text[i + 1] : '?', i + 1);
				goto fail;
			}
			if (quote != 0) {
				snprintf(err, errlen, "placeholder %%%c at "
				    "column %zu is inside quoted text; write "
				    "it bare or as a whole string '%%%c'",
				    text[i + 1], i + 1, text[i + 1]);
				goto fail;
			}
			if (add_param(t, (enum sql_param)p, style, out,
			    outlen, &pos) != 0)
				goto too_many;
			i++;
			continue;
		}
		if (quote == 0 && (c == '\'' || c == '"' || c == '`')) {
			quote = c;
		} else if (quote != 0 && c == '\\' && quote != '`' &&
		    dialect->backslash_escapes && text[i + 1] != '\0') {
			/* MySQL's backslash escape: keep both bytes */
			if (out_putc(out, outlen, &pos, c) != 0)
				goto too_long;
			c = text[++i];
		} else if (quote != 0 && c == quote) {
			quote = 0;
		} else if (quote == 0 && (c == ';' ||
		    (c == '-' && text[i + 1] == '-') ||
		    (c == '/' && text[i + 1] == '*') ||
		    (c == '#' && dialect->hash_comments))) {
			/* a comment or a second statement would hide text
			 * from this parser that the engine still reads */
			snprintf(err, errlen, "%s at column %zu: one statement, "
			    "without comments", c == ';' ? "';'" :
			    "a comment", i + 1);
			goto fail;
		} else if (quote == 0 && style == SQL_PARAM_STYLE_QMARK &&
		    c == '?') {
			snprintf(err, errlen, "a bare ? at column %zu would be "
			    "a parameter nobody fills; use a placeholder",
			    i + 1);
			goto fail;
		} else if (quote == 0 && style == SQL_PARAM_STYLE_DOLLAR &&
		    c == '$' && isdigit((unsigned char)text[i + 1])) {
			snprintf(err, errlen, "a bare $%c at column %zu would "
			    "be a parameter nobody fills; use a placeholder",
			    text[i + 1], i + 1);
			goto fail;
		}
		if (out_putc(out, outlen, &pos, c) != 0)
			goto too_long;
	}
	if (quote != 0) {
		snprintf(err, errlen, "unterminated %c quote", quote);
		goto fail;
	}
	t->sql = out;
	*tmpl_r = t;
	return 0;

too_many:
	snprintf(err, errlen, "more than %d placeholders",
	    SQL_TEMPLATE_PARAMS_MAX);
	goto fail;
too_long:
	snprintf(err, errlen, "query too long");
fail:
	free(out);
	free(t);
	return -1;
}

/* sql_template_free - release a parsed template */
void
sql_template_free(struct sql_template **tmpl_r)
{
	if (*tmpl_r == NULL)
		return;
	free((*tmpl_r)->sql);
	free(*tmpl_r);
	*tmpl_r = NULL;
}

/* sql_request_init - split login into name and domain */
int
sql_request_init(struct sql_request *req, const char *login,
    const char *service, const char *realm)
{
	const char *at = strrchr(login, '@');
	size_t namelen = at != NULL ? (size_t)(at - login) : strlen(login);
	const char *domain = at != NULL ? at + 1 : realm;

	req->login = login;
	req->service = service;
	req->realm = realm;
	if (namelen >= sizeof(req->name) ||
	    strlen(domain) >= sizeof(req->domain))
		return -1;
	memcpy(req->name, login, namelen);
	req->name[namelen] = '\0';
	strcpy(req->domain, domain);
	return 0;
}

/* sql_template_expand - the values of one request, in parameter order */
void
sql_template_expand(const struct sql_template *tmpl,
    const struct sql_request *req, const char **values_r)
{
	size_t i;

	for (i = 0; i < tmpl->nparams; i++) {
		switch (tmpl->params[i]) {
		case SQL_PARAM_LOGIN: values_r[i] = req->login; break;
		case SQL_PARAM_NAME: values_r[i] = req->name; break;
		case SQL_PARAM_DOMAIN: values_r[i] = req->domain; break;
		case SQL_PARAM_REALM: values_r[i] = req->realm; break;
		case SQL_PARAM_SERVICE: values_r[i] = req->service; break;
		}
	}
}

/* is_dotted_identifier - "users" or "db.users": a name, safe to quote */
static bool
is_dotted_identifier(const char *s)
{
	bool part_empty = true;

	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (part_empty)
				return false;
			part_empty = true;
		} else if (isalnum((unsigned char)*s) || *s == '_' ||
		    *s == '$') {
			part_empty = false;
		} else {
			return false;
		}
	}
	return !part_empty;
}

/* sql_template_append_text - append administrator SQL, '%' doubled */
int
sql_template_append_text(char *dst, size_t dstlen, const char *text)
{
	size_t pos = strlen(dst);

	for (; *text != '\0'; text++) {
		if (*text == '%' && out_putc(dst, dstlen, &pos, '%') != 0)
			return -1;
		if (out_putc(dst, dstlen, &pos, *text) != 0)
			return -1;
	}
	return 0;
}

/* sql_template_append_name - append a table or column name */
int
sql_template_append_name(char *dst, size_t dstlen, const char *name,
    char quote)
{
	size_t pos = strlen(dst);

	if (!is_dotted_identifier(name))
		return sql_template_append_text(dst, dstlen, name);
	if (out_putc(dst, dstlen, &pos, quote) != 0)
		return -1;
	for (; *name != '\0'; name++) {
		if (*name == '.') {
			if (out_putc(dst, dstlen, &pos, quote) != 0 ||
			    out_putc(dst, dstlen, &pos, '.') != 0 ||
			    out_putc(dst, dstlen, &pos, quote) != 0)
				return -1;
		} else if (out_putc(dst, dstlen, &pos, *name) != 0) {
			return -1;
		}
	}
	return out_putc(dst, dstlen, &pos, quote);
}
