/*
 * testlib - what the unit tests share: a captured log, temporary files,
 * and the output of real tools (mkpasswd, openssl) that make test hashes.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* Route sql_log() into a buffer, emptied. */
void testlib_capture_log(void);
/* Everything logged since the last capture, one line each. */
const char *testlib_log(void);

/* A fresh directory under $TMPDIR (malloc'd path); removed by rmtree. */
char *testlib_tmpdir(void);
void testlib_rmtree(char **dir);

/* Write text to dir/name; returns the path (malloc'd). */
char *testlib_write_file(const char *dir, const char *name, const char *text);

/* The first line a shell command prints (malloc'd, no newline); fails the
 * test when the command fails or prints nothing. */
char *testlib_run(const char *cmd);

#endif
