/*
 * sql_config - read the -O file in either spelling into struct sql_config.
 *
 * Owns the config it returns. Logs every bad line as "FILE:LINE: what" and
 * every note about a key that is accepted but has no effect here, through
 * sql_log(); a value is echoed only for keys that are not secret. Nothing
 * is silently defaulted, cut or ignored: an unknown or duplicate key, a
 * malformed line, a bad number or boolean stop start-up.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sql_config.h"
#include "sql_log.h"
#include "sql_scheme.h"

#define CONFIG_LINE_MAX		8192
#define DEFAULT_CONNECT_TIMEOUT	5
#define DEFAULT_TIMEOUT		10
#define NITEMS(a)		(sizeof(a) / sizeof((a)[0]))

struct key;

/* The state of one read: where we are, what we found, what went wrong. */
struct reader {
	const char *path;
	unsigned int line;
	unsigned int problems;
	struct sql_config *config;
	const struct key *keys;
	size_t nkeys;
	const struct key *seen[64];	/* keys set so far */
	unsigned int seen_line[64];	/* and the line of each */
	size_t nseen;
	char *hosts_text;		/* parsed at the end: sql_port may follow */
	long pam_crypt;			/* users.password_crypt, -1 unset */
	bool use_323;			/* users.use_323_password */
	char *scheme_name;		/* sql_password_scheme */
	char err[512];
};

#define KEY_SECRET	0x1	/* never echo the value */
#define KEY_MAY_BE_EMPTY 0x2

struct key {
	const char *name;
	int (*set)(struct reader *r, const struct key *k, const char *value);
	size_t offset;		/* into struct sql_config, where it applies */
	unsigned int flags;
	const char *note;	/* logged at start, or the reason for refusal */
	const char *canonical;	/* for a synonym: the key it stands for */
};

/* shown - a value as messages may show it: never a secret one */
static const char *
shown(const struct key *k, const char *value)
{
	return (k->flags & KEY_SECRET) ? "(hidden)" : value;
}

/* field - the member of the config a key writes */
static void *
field(struct reader *r, const struct key *k)
{
	return (char *)r->config + k->offset;
}

/* set_string - a text value, such as a table name */
static int
set_string(struct reader *r, const struct key *k, const char *value)
{
	char **dst = field(r, k);

	if (*value == '\0' && !(k->flags & KEY_MAY_BE_EMPTY)) {
		snprintf(r->err, sizeof(r->err), "%s: empty value", k->name);
		return -1;
	}
	free(*dst);
	if ((*dst = strdup(value)) == NULL) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	return 0;
}

/* set_hosts - keep the host list text; parsed once the file is read */
static int
set_hosts(struct reader *r, const struct key *k, const char *value)
{
	if (*value == '\0') {
		snprintf(r->err, sizeof(r->err), "%s: empty value", k->name);
		return -1;
	}
	free(r->hosts_text);
	if ((r->hosts_text = strdup(value)) == NULL) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	return 0;
}

/* parse_bool - 1 true, 0 false, -1 neither */
static int
parse_bool(const char *value)
{
	static const char *const yes[] = { "1", "y", "yes", "true", "on" };
	static const char *const no[] = { "0", "n", "no", "false" };
	size_t i;

	for (i = 0; i < NITEMS(yes); i++)
		if (strcasecmp(value, yes[i]) == 0)
			return 1;
	for (i = 0; i < NITEMS(no); i++)
		if (strcasecmp(value, no[i]) == 0)
			return 0;
	return -1;
}

/*
 * set_bool - yes/no. "off" is refused in pam_mysql's spelling only:
 * pam_mysql reads it as true, so an old file may not mean what it says.
 */
static int
set_bool(struct reader *r, const struct key *k, const char *value)
{
	bool *dst = field(r, k);
	int b = parse_bool(value);

	if (b < 0 && r->config->syntax == SQL_CONFIG_SASLAUTHD &&
	    strcasecmp(value, "off") == 0)
		b = 0;
	if (b < 0) {
		snprintf(r->err, sizeof(r->err), "%s: \"%s\" is not a "
		    "boolean (use 1/yes/true or 0/no/false)", k->name,
		    shown(k, value));
		return -1;
	}
	*dst = b == 1;
	return 0;
}

/* parse_uint - a decimal number in [min, max], nothing else */
static int
parse_uint(const char *value, unsigned long min, unsigned long max,
    unsigned int *out)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)*value))
		return -1;
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = (unsigned int)n;
	return 0;
}

/* set_port - a TCP port */
static int
set_port(struct reader *r, const struct key *k, const char *value)
{
	if (parse_uint(value, 1, 65535, field(r, k)) != 0) {
		snprintf(r->err, sizeof(r->err), "%s: \"%s\" is not a port "
		    "number (1-65535)", k->name, shown(k, value));
		return -1;
	}
	return 0;
}

/* set_seconds - a timeout */
static int
set_seconds(struct reader *r, const struct key *k, const char *value)
{
	if (parse_uint(value, 1, 3600, field(r, k)) != 0) {
		snprintf(r->err, sizeof(r->err), "%s: \"%s\" is not a number "
		    "of seconds (1-3600)", k->name, shown(k, value));
		return -1;
	}
	return 0;
}

/* set_pam_crypt - users.password_crypt: pam_mysql's numbers and names */
static int
set_pam_crypt(struct reader *r, const struct key *k, const char *value)
{
	unsigned int n;

	if (parse_uint(value, 0, 9, &n) == 0 && strlen(value) == 1)
		r->pam_crypt = n;
	else
		r->pam_crypt = sql_scheme_pam_mysql_number(value);
	if (r->pam_crypt < 0) {
		/* pam_mysql falls back to plain text here: the stored hash
		 * itself would become a password. Refuse instead. */
		snprintf(r->err, sizeof(r->err), "%s: \"%s\" is not a "
		    "pam_mysql password_crypt value (0-9, or plain, Y, "
		    "mysql, md5, sha1, drupal7, joomla15, ssha, sha512, "
		    "sha256)", k->name, shown(k, value));
		return -1;
	}
	return 0;
}

/* set_use_323 - users.use_323_password: MySQL 3.23's PASSWORD() */
static int
set_use_323(struct reader *r, const struct key *k, const char *value)
{
	int b = parse_bool(value);

	if (b < 0) {
		snprintf(r->err, sizeof(r->err), "%s: \"%s\" is not a "
		    "boolean", k->name, shown(k, value));
		return -1;
	}
	r->use_323 = b == 1;
	return 0;
}

/* set_scheme_name - sql_password_scheme, checked once the file is read */
static int
set_scheme_name(struct reader *r, const struct key *k, const char *value)
{
	struct sql_scheme_choice choice;

	if (sql_scheme_choose(&choice, value, r->err, sizeof(r->err)) != 0)
		return -1;
	(void)k;
	free(r->scheme_name);
	if ((r->scheme_name = strdup(value)) == NULL) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	return 0;
}

/* set_log_enabled - pam_mysql's SQL log table: only "off" is honoured */
static int
set_log_enabled(struct reader *r, const struct key *k, const char *value)
{
	int b = parse_bool(value);

	if (b < 0) {
		snprintf(r->err, sizeof(r->err), "%s: \"%s\" is not a "
		    "boolean", k->name, shown(k, value));
		return -1;
	}
	if (b == 1) {
		snprintf(r->err, sizeof(r->err), "%s: %s", k->name, k->note);
		return -1;
	}
	return 0;
}

/* set_no_effect - accepted for compatibility; the note says why inert */
static int
set_no_effect(struct reader *r, const struct key *k, const char *value)
{
	(void)r;
	(void)k;
	(void)value;
	return 0;
}

/* set_refused - a key we know and do not support: say why */
static int
set_refused(struct reader *r, const struct key *k, const char *value)
{
	(void)value;
	snprintf(r->err, sizeof(r->err), "%s is not supported: %s", k->name,
	    k->note);
	return -1;
}

#define CFG(member)	offsetof(struct sql_config, member)

static const char pam_log_note[] =
    "pam_mysql's log table needs write access to the database; this "
    "mechanism only reads it and logs through saslauthd (syslog)";
static const char salt_note[] =
    "in pam_mysql it only chooses the salt for password changes, which "
    "saslauthd never makes; it has no effect here";

/* pam_mysql 0.8's config file keys, with pam_mysql's meaning */
static const struct key pam_mysql_keys[] = {
	{ "users.host", set_hosts, 0, 0, NULL, NULL },
	{ "users.database", set_string, CFG(database), 0, NULL, NULL },
	{ "users.db_user", set_string, CFG(user), 0, NULL, NULL },
	{ "users.db_passwd", set_string, CFG(passwd),
	    KEY_SECRET | KEY_MAY_BE_EMPTY, NULL, NULL },
	{ "users.table", set_string, CFG(table), 0, NULL, NULL },
	{ "users.user_column", set_string, CFG(user_column), 0, NULL, NULL },
	{ "users.password_column", set_string, CFG(password_column), 0,
	    NULL, NULL },
	{ "users.status_column", set_string, CFG(status_column), 0,
	    NULL, NULL },
	{ "users.where_clause", set_string, CFG(where), 0, NULL, NULL },
	{ "users.password_crypt", set_pam_crypt, 0, 0, NULL, NULL },
	{ "users.use_md5", set_no_effect, 0, 0, salt_note, NULL },
	{ "users.md5", set_no_effect, 0, 0,
	    "is not a pam_mysql 0.8 key (pam_mysql ignores it); read as "
	    "users.use_md5", "users.use_md5" },
	{ "users.use_sha256", set_no_effect, 0, 0, salt_note, NULL },
	{ "users.use_sha512", set_no_effect, 0, 0, salt_note, NULL },
	{ "users.use_blowfish", set_no_effect, 0, 0, salt_note, NULL },
	{ "users.rounds", set_no_effect, 0, 0, salt_note, NULL },
	{ "users.use_323_password", set_use_323, 0, 0, NULL, NULL },
	{ "users.update_table", set_no_effect, 0, 0,
	    "pam_mysql uses it for nothing, and password changes are not "
	    "saslauthd's job; it has no effect here", NULL },
	{ "users.disconnect_every_operation", set_bool,
	    CFG(disconnect_every_op), 0, NULL, NULL },
	{ "verbose", set_bool, CFG(verbose), 0, NULL, NULL },
	{ "log.enabled", set_log_enabled, 0, 0, pam_log_note, NULL },
	{ "log.table", set_no_effect, 0, 0, NULL, NULL },
	{ "log.message_column", set_no_effect, 0, 0, NULL, NULL },
	{ "log.pid_column", set_no_effect, 0, 0, NULL, NULL },
	{ "log.user_column", set_no_effect, 0, 0, NULL, NULL },
	{ "log.host_column", set_no_effect, 0, 0, NULL, NULL },
	{ "log.rhost_column", set_no_effect, 0, 0, NULL, NULL },
	{ "log.time_column", set_no_effect, 0, 0, NULL, NULL },
	{ "users.ssl_mode", set_refused, 0, 0,
	    "TLS to the database server is not supported yet; use a unix "
	    "socket or a trusted network", NULL },
	{ "users.ssl_cert", set_refused, 0, 0,
	    "TLS to the database server is not supported yet", NULL },
	{ "users.ssl_key", set_refused, 0, 0,
	    "TLS to the database server is not supported yet", NULL },
	{ "users.ssl_ca", set_refused, 0, 0,
	    "TLS to the database server is not supported yet", NULL },
	{ "users.ssl_capath", set_refused, 0, 0,
	    "TLS to the database server is not supported yet", NULL },
	{ "users.ssl_cipher", set_refused, 0, 0,
	    "TLS to the database server is not supported yet", NULL },
};

/* saslauthd.conf-style keys, like auth_ldap's ldap_* */
static const struct key saslauthd_keys[] = {
	{ "sql_engine", set_string, CFG(engine), 0, NULL, NULL },
	{ "sql_hosts", set_hosts, 0, 0, NULL, NULL },
	{ "sql_port", set_port, CFG(port), 0, NULL, NULL },
	{ "sql_socket", set_string, CFG(socket), 0, NULL, NULL },
	{ "sql_database", set_string, CFG(database), 0, NULL, NULL },
	{ "sql_user", set_string, CFG(user), 0, NULL, NULL },
	{ "sql_passwd", set_string, CFG(passwd),
	    KEY_SECRET | KEY_MAY_BE_EMPTY, NULL, NULL },
	{ "sql_table", set_string, CFG(table), 0, NULL, NULL },
	{ "sql_user_column", set_string, CFG(user_column), 0, NULL, NULL },
	{ "sql_password_column", set_string, CFG(password_column), 0,
	    NULL, NULL },
	{ "sql_status_column", set_string, CFG(status_column), 0,
	    NULL, NULL },
	{ "sql_where", set_string, CFG(where), 0, NULL, NULL },
	{ "sql_select", set_string, CFG(select), 0, NULL, NULL },
	{ "sql_password_scheme", set_scheme_name, 0, 0, NULL, NULL },
	{ "sql_verbose", set_bool, CFG(verbose), 0, NULL, NULL },
	{ "sql_connect_timeout", set_seconds, CFG(connect_timeout), 0,
	    NULL, NULL },
	{ "sql_timeout", set_seconds, CFG(timeout), 0, NULL, NULL },
};

/* The names pam_mysql takes as PAM module arguments, not in its file. */
static const char *const pam_mysql_arguments[] = {
	"host", "where", "db", "user", "passwd", "table", "update_table",
	"usercolumn", "passwdcolumn", "statcolumn", "crypt", "md5", "sqllog",
	"logtable", "config_file", "use_323_passwd", "use_first_pass",
	"try_first_pass", "disconnect_every_op", "debug",
};

/* problem - log one bad line and count it */
static void
problem(struct reader *r, const char *what)
{
	if (r->line > 0)
		sql_log(SQL_LOG_ERR, "%s:%u: %s", r->path, r->line, what);
	else
		sql_log(SQL_LOG_ERR, "%s: %s", r->path, what);
	r->problems++;
}

/* line_of - the line that set key name, or 0 */
static unsigned int
line_of(const struct reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nseen; i++)
		if (strcmp(r->seen[i]->name, name) == 0)
			return r->seen_line[i];
	return 0;
}

/* problem_at - a problem found after reading, told at name's line */
static void
problem_at(struct reader *r, const char *name, const char *what)
{
	r->line = line_of(r, name);
	problem(r, what);
	r->line = 0;
}

/* find_key - the key called name in this spelling's table */
static const struct key *
find_key(const struct reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nkeys; i++)
		if (strcmp(r->keys[i].name, name) == 0)
			return &r->keys[i];
	return NULL;
}

/* unknown_key - say that name is unknown, with a hint where one helps */
static void
unknown_key(struct reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < NITEMS(pam_mysql_arguments); i++) {
		if (r->config->syntax == SQL_CONFIG_PAM_MYSQL &&
		    strcmp(name, pam_mysql_arguments[i]) == 0) {
			snprintf(r->err, sizeof(r->err), "unknown key \"%s\" "
			    "(a pam_mysql module argument, not a config file "
			    "key; pam_mysql ignores it here)", name);
			problem(r, r->err);
			return;
		}
	}
	snprintf(r->err, sizeof(r->err), "unknown key \"%.100s\"", name);
	problem(r, r->err);
}

/* apply - set one key, refusing a key given twice */
static void
apply(struct reader *r, const char *name, const char *value)
{
	const struct key *k = find_key(r, name), *same;
	size_t i;

	if (k == NULL) {
		unknown_key(r, name);
		return;
	}
	same = k->canonical != NULL ? find_key(r, k->canonical) : k;
	for (i = 0; i < r->nseen; i++) {
		const struct key *s = r->seen[i];

		if (s == k || s == same || (s->canonical != NULL &&
		    find_key(r, s->canonical) == same)) {
			snprintf(r->err, sizeof(r->err), "%s is given twice "
			    "(also as %s)", name, s->name);
			problem(r, r->err);
			return;
		}
	}
	if (r->nseen < NITEMS(r->seen)) {
		r->seen_line[r->nseen] = r->line;
		r->seen[r->nseen++] = k;
	}
	if (k->set(r, k, value) != 0)
		problem(r, r->err);
}

/* trim - strip leading and trailing blanks in place */
static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/*
 * parse_pam_mysql_line - `key = value;` as pam_mysql reads it: the value
 * runs to ';' or the end of the line, the ';' is optional, and only blanks
 * may follow it. Unlike pam_mysql, trailing blanks of a value are dropped.
 */
static void
parse_pam_mysql_line(struct reader *r, char *line)
{
	char *key = line, *p, *value, *semi;

	p = key + strcspn(key, "= \t;");
	if (p == key) {
		problem(r, "expected \"key = value;\"");
		return;
	}
	value = p + strspn(p, " \t");
	if (*value != '=') {
		problem(r, "expected \"=\" after the key (pam_mysql's syntax "
		    "is \"key = value;\")");
		return;
	}
	*p = '\0';
	value++;
	semi = strchr(value, ';');
	if (semi != NULL) {
		*semi = '\0';
		if (semi[1 + strspn(semi + 1, " \t")] != '\0') {
			problem(r, "text after \";\" (one setting per line, "
			    "no trailing comment)");
			return;
		}
	}
	apply(r, key, trim(value));
}

/* parse_saslauthd_line - `key: value`, as saslauthd's cfile.c reads it */
static void
parse_saslauthd_line(struct reader *r, char *line)
{
	char *colon = strchr(line, ':');
	char *key;

	if (colon == NULL) {
		problem(r, "expected \"key: value\"");
		return;
	}
	*colon = '\0';
	key = trim(line);
	if (*key == '\0' || strcspn(key, " \t") != strlen(key)) {
		problem(r, "expected \"key: value\"");
		return;
	}
	apply(r, key, trim(colon + 1));
}

/*
 * detect_syntax - the spelling of a file, from its first setting: a key of
 * [A-Za-z0-9_.] followed by '=' (pam_mysql) or ':' (saslauthd).
 * Returns 0, or -1 when the line is neither.
 */
static int
detect_syntax(const char *line, enum sql_config_syntax *syntax_r)
{
	const char *p = line + strspn(line, " \t");

	p += strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.");
	p += strspn(p, " \t");
	if (*p == '=')
		*syntax_r = SQL_CONFIG_PAM_MYSQL;
	else if (*p == ':')
		*syntax_r = SQL_CONFIG_SASLAUTHD;
	else
		return -1;
	return 0;
}

/* read_lines - read every line of f into r->config */
static void
read_lines(struct reader *r, FILE *f)
{
	char *buf = NULL, *line;
	size_t cap = 0;
	ssize_t len;
	bool detected = false;

	while ((len = getline(&buf, &cap, f)) != -1) {
		r->line++;
		if (len > CONFIG_LINE_MAX) {
			problem(r, "line too long");
			continue;
		}
		if (strlen(buf) != (size_t)len) {
			problem(r, "NUL byte in line");
			continue;
		}
		/* LF or CRLF ends a line; a CR elsewhere would hide text */
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (strchr(buf, '\r') != NULL) {
			problem(r, "carriage return inside the line");
			continue;
		}
		line = buf + strspn(buf, " \t");
		if (*line == '\0' || *line == '#')
			continue;
		if (!detected) {
			if (detect_syntax(line, &r->config->syntax) != 0) {
				problem(r, "neither pam_mysql's \"key = "
				    "value;\" nor saslauthd's \"key: value\"");
				continue;
			}
			detected = true;
			if (r->config->syntax == SQL_CONFIG_PAM_MYSQL) {
				r->keys = pam_mysql_keys;
				r->nkeys = NITEMS(pam_mysql_keys);
			} else {
				r->keys = saslauthd_keys;
				r->nkeys = NITEMS(saslauthd_keys);
			}
		}
		if (r->config->syntax == SQL_CONFIG_PAM_MYSQL)
			parse_pam_mysql_line(r, line);
		else
			parse_saslauthd_line(r, line);
	}
	if (buf != NULL)
		explicit_bzero(buf, cap);
	free(buf);
	r->line = 0;
	if (!detected && r->problems == 0)
		problem(r, "no settings in the file");
}

/* parse_hosts - split the host list and parse each entry */
static void
parse_hosts(struct reader *r)
{
	struct sql_config *c = r->config;
	char *save = NULL, *tok;
	size_t max = 1;
	const char *p;
	bool socket_used = false;

	if (r->hosts_text == NULL) {
		/* no host given: the library's default (local socket) */
		c->hosts = calloc(1, sizeof(*c->hosts));
		if (c->hosts == NULL) {
			problem(r, "out of memory");
			return;
		}
		c->hosts[0].port = c->port;
		if (c->socket != NULL &&
		    (c->hosts[0].socket = strdup(c->socket)) == NULL)
			problem(r, "out of memory");
		c->nhosts = 1;
		return;
	}
	for (p = r->hosts_text; *p != '\0'; p++)
		if (*p == ' ' || *p == ',' || *p == '\t')
			max++;
	c->hosts = calloc(max, sizeof(*c->hosts));
	if (c->hosts == NULL) {
		problem(r, "out of memory");
		return;
	}
	/* pam_mysql's users.host is one entry; sql_hosts is a list */
	for (tok = strtok_r(r->hosts_text, c->syntax == SQL_CONFIG_SASLAUTHD ?
	    " ,\t" : "", &save); tok != NULL; tok = strtok_r(NULL,
	    c->syntax == SQL_CONFIG_SASLAUTHD ? " ,\t" : "", &save)) {
		struct sql_host *h = &c->hosts[c->nhosts];
		char err[256];

		if (sql_config_parse_host(h, tok, c->port, err,
		    sizeof(err)) != 0) {
			const char *name = c->syntax == SQL_CONFIG_SASLAUTHD ?
			    "sql_hosts" : "users.host";

			snprintf(r->err, sizeof(r->err), "%s: %s", name, err);
			problem_at(r, name, r->err);
			return;
		}
		if (h->socket == NULL && h->name != NULL &&
		    strcmp(h->name, "localhost") == 0 && c->socket != NULL &&
		    (h->socket = strdup(c->socket)) == NULL) {
			problem(r, "out of memory");
			return;
		}
		if (h->socket != NULL && h->name != NULL)
			socket_used = true;
		c->nhosts++;
	}
	if (c->socket != NULL && !socket_used)
		problem_at(r, "sql_socket", "sql_socket is used only for the "
		    "host localhost, and sql_hosts does not list it");
}

/* require - a key this configuration cannot do without */
static void
require(struct reader *r, const void *value, const char *name)
{
	if (value == NULL) {
		snprintf(r->err, sizeof(r->err), "missing required key %s",
		    name);
		problem(r, r->err);
	}
}

/* choose_scheme - the verification scheme, and a warning for plain text */
static void
choose_scheme(struct reader *r)
{
	struct sql_config *c = r->config;
	char err[256];

	if (c->syntax == SQL_CONFIG_SASLAUTHD) {
		if (sql_scheme_choose(&c->scheme, r->scheme_name != NULL ?
		    r->scheme_name : "auto", err, sizeof(err)) != 0)
			problem_at(r, "sql_password_scheme", err);
	} else {
		/* pam_mysql's default, when the key is missing, is plain */
		if (sql_scheme_choose_pam_mysql(&c->scheme, r->pam_crypt < 0 ?
		    0 : r->pam_crypt, r->use_323, err, sizeof(err)) != 0)
			problem_at(r, "users.password_crypt", err);
		if (line_of(r, "users.use_323_password") != 0 &&
		    r->pam_crypt != 2)
			sql_log(SQL_LOG_INFO, "%s: users.use_323_password only "
			    "matters with users.password_crypt = 2 (mysql); it "
			    "has no effect here", r->path);
	}
	if (r->problems == 0 && sql_scheme_choice_is_plain(&c->scheme))
		sql_log(SQL_LOG_WARNING, "%s: passwords are stored as plain "
		    "text%s: whoever can read the table can log in as anyone; "
		    "store hashes (see the README)", r->path,
		    r->pam_crypt < 0 && c->syntax == SQL_CONFIG_PAM_MYSQL ?
		    " (users.password_crypt is not set, and pam_mysql's "
		    "default is 0, plain)" : "");
}

/* refuse_server_keys - keys that mean nothing without a server */
static void
refuse_server_keys(struct reader *r)
{
	static const char *const names[] = { "sql_hosts", "sql_port",
	    "sql_socket", "sql_user", "sql_passwd", "sql_connect_timeout" };
	size_t i;

	for (i = 0; i < NITEMS(names); i++) {
		if (line_of(r, names[i]) == 0)
			continue;
		snprintf(r->err, sizeof(r->err), "%s has no meaning for "
		    "sqlite (sql_database names the file)", names[i]);
		problem_at(r, names[i], r->err);
	}
}

/* finish - defaults, required keys, and the checks across keys */
static void
finish(struct reader *r)
{
	struct sql_config *c = r->config;
	bool saslauthd = c->syntax == SQL_CONFIG_SASLAUTHD;

	if (saslauthd) {
		require(r, c->engine, "sql_engine");
	} else if ((c->engine = strdup("mysql")) == NULL) {
		problem(r, "out of memory");
		return;
	}
	if (c->engine != NULL && strcmp(c->engine, "mysql") != 0 &&
	    strcmp(c->engine, "sqlite") != 0) {
		snprintf(r->err, sizeof(r->err), "sql_engine: \"%.100s\" is "
		    "not an engine (mysql or sqlite)", c->engine);
		problem_at(r, "sql_engine", r->err);
	}
	if (c->engine != NULL && strcmp(c->engine, "sqlite") == 0)
		refuse_server_keys(r);
	require(r, c->database, saslauthd ? "sql_database" : "users.database");
	if (c->engine != NULL && strcmp(c->engine, "mysql") == 0)
		require(r, c->user, saslauthd ? "sql_user" : "users.db_user");
	if (c->select != NULL) {
		if (c->table != NULL || c->user_column != NULL ||
		    c->password_column != NULL || c->where != NULL ||
		    c->status_column != NULL)
			problem_at(r, "sql_select", "sql_select is a whole "
			    "query: give it, or sql_table, sql_user_column, "
			    "sql_password_column and sql_where, not both");
		c->query_line = line_of(r, "sql_select");
	} else {
		c->query_line = line_of(r, saslauthd ? "sql_where" :
		    "users.where_clause");
		require(r, c->table, saslauthd ? "sql_table" : "users.table");
		require(r, c->user_column, saslauthd ? "sql_user_column" :
		    "users.user_column");
		require(r, c->password_column, saslauthd ?
		    "sql_password_column" : "users.password_column");
	}
	if (c->connect_timeout == 0)
		c->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	if (c->timeout == 0)
		c->timeout = DEFAULT_TIMEOUT;
	parse_hosts(r);
	choose_scheme(r);
}

/* log_notes - say once which accepted keys have no effect here */
static void
log_notes(const struct reader *r)
{
	size_t i;

	for (i = 0; i < r->nseen; i++) {
		const struct key *k = r->seen[i], *c;

		if (k->canonical != NULL) {
			c = find_key(r, k->canonical);
			sql_log(SQL_LOG_INFO, "%s: %s %s: %s", r->path,
			    k->name, k->note, c != NULL && c->note != NULL ?
			    c->note : "");
		} else if (k->set == set_no_effect && k->note != NULL) {
			sql_log(SQL_LOG_INFO, "%s: %s: %s", r->path, k->name,
			    k->note);
		}
	}
}

/* warn_if_readable - the file holds a database password */
static void
warn_if_readable(const struct reader *r, FILE *f)
{
	struct stat st;

	if (r->config->passwd != NULL && fstat(fileno(f), &st) == 0 &&
	    (st.st_mode & S_IROTH))
		sql_log(SQL_LOG_WARNING, "%s: holds a database password and "
		    "is readable by every user; chmod 600 it", r->path);
}

/* sql_config_read - read and check a config file */
int
sql_config_read(struct sql_config **config_r, const char *path)
{
	struct reader r;
	char iobuf[BUFSIZ];
	FILE *f;

	*config_r = NULL;
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.pam_crypt = -1;
	r.config = calloc(1, sizeof(*r.config));
	if (r.config == NULL || (r.config->path = strdup(path)) == NULL) {
		sql_log(SQL_LOG_ERR, "%s: out of memory", path);
		free(r.config);
		return -1;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		sql_log(SQL_LOG_ERR, "%s: cannot open: %s", path,
		    strerror(errno));
		sql_config_free(&r.config);
		return -1;
	}
	/* our own buffer, so that the database password can be wiped */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	read_lines(&r, f);
	if (r.problems == 0)
		finish(&r);
	if (r.problems == 0)
		warn_if_readable(&r, f);
	fclose(f);
	explicit_bzero(iobuf, sizeof(iobuf));
	free(r.hosts_text);
	free(r.scheme_name);
	if (r.problems != 0) {
		sql_log(SQL_LOG_ERR, "%s: %u problem%s, not starting", path,
		    r.problems, r.problems == 1 ? "" : "s");
		sql_config_free(&r.config);
		return -1;
	}
	log_notes(&r);
	*config_r = r.config;
	return 0;
}

/* sql_config_parse_host - one host entry into a struct sql_host */
int
sql_config_parse_host(struct sql_host *host_r, const char *text,
    unsigned int default_port, char *err, size_t errlen)
{
	const char *colon = NULL, *name = text;
	size_t namelen;

	memset(host_r, 0, sizeof(*host_r));
	host_r->port = default_port;
	if (text[0] == '/') {
		if ((host_r->socket = strdup(text)) == NULL)
			goto nomem;
		return 0;
	}
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			snprintf(err, errlen, "\"%.100s\": expected [address] "
			    "or [address]:port", text);
			return -1;
		}
		name = text + 1;
		namelen = (size_t)(close - name);
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strchr(text, ':');
		namelen = colon != NULL ? (size_t)(colon - text) : strlen(text);
	}
	if (namelen == 0 || strcspn(name, " \t") < namelen) {
		snprintf(err, errlen, "\"%.100s\": expected a host name, "
		    "host:port or /path/to/socket", text);
		return -1;
	}
	if (colon != NULL &&
	    parse_uint(colon + 1, 1, 65535, &host_r->port) != 0) {
		snprintf(err, errlen, "\"%.100s\": the port is not a number "
		    "from 1 to 65535", text);
		return -1;
	}
	if ((host_r->name = strndup(name, namelen)) == NULL)
		goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* free_secret - wipe and free a string that holds a secret */
static void
free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* sql_config_free - free a config and everything it owns */
void
sql_config_free(struct sql_config **config_r)
{
	struct sql_config *c = *config_r;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].socket);
	}
	free(c->hosts);
	free(c->path);
	free(c->engine);
	free(c->socket);
	free(c->database);
	free(c->user);
	free_secret(c->passwd);
	free(c->table);
	free(c->user_column);
	free(c->password_column);
	free(c->status_column);
	free(c->where);
	free(c->select);
	free(c);
	*config_r = NULL;
}
