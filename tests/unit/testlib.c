/* testlib - shared helpers of the unit tests */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "sql_log.h"

static char log_buf[65536];
static size_t log_len;

static void
capture(int priority, const char *line)
{
	int n;

	(void)priority;
	n = snprintf(log_buf + log_len, sizeof(log_buf) - log_len, "%s\n",
	    line);
	if (n > 0 && (size_t)n < sizeof(log_buf) - log_len)
		log_len += (size_t)n;
}

void
testlib_capture_log(void)
{
	log_len = 0;
	log_buf[0] = '\0';
	sql_log_set_sink(capture);
}

const char *
testlib_log(void)
{
	return log_buf;
}

char *
testlib_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	assert_true(asprintf(&dir, "%s/auth_sql_test.XXXXXX",
	    base != NULL ? base : "/tmp") > 0);
	assert_non_null(mkdtemp(dir));
	return dir;
}

void
testlib_rmtree(char **dir)
{
	char *cmd;

	if (*dir == NULL)
		return;
	assert_true(asprintf(&cmd, "rm -rf '%s'", *dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(*dir);
	*dir = NULL;
}

char *
testlib_write_file(const char *dir, const char *name, const char *text)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

char *
testlib_run(const char *cmd)
{
	char line[4096];
	FILE *p = popen(cmd, "r");
	int ok;

	assert_non_null(p);
	ok = fgets(line, sizeof(line), p) != NULL;
	if (pclose(p) != 0 || !ok) {
		print_error("command failed: %s\n", cmd);
		fail();
	}
	line[strcspn(line, "\r\n")] = '\0';
	assert_true(line[0] != '\0');
	return strdup(line);
}
