# auth_sql.m4 - find the libraries of saslauthd's sql mechanism.
#
# Used twice, so both builds find the same things the same way: by our own
# configure.ac (the mechanism and its unit tests) and, copied into the
# cyrus-sasl tree, by the patched cyrus-sasl configure.ac (saslauthd).
#
# AUTH_SQL_CHECK_LIBS([SHELL-TEST])
#   When SHELL-TEST succeeds, look for the MySQL/MariaDB client (through
#   mariadb_config, mysql_config or pkg-config), SQLite 3 and libxcrypt.
#   Also OpenSSL's libcrypto, and libargon2 when there is one.
#   Options: --with-sql-mysql, --with-sql-sqlite, --with-sql-argon2
#   (yes | no | check).
#   Substitutes AUTH_SQL_CFLAGS and AUTH_SQL_LIBS; defines the automake
#   conditionals AUTH_SQL_MYSQL and AUTH_SQL_SQLITE (always, as automake
#   wants). Stops with a message naming the missing package.

AC_DEFUN([AUTH_SQL_CHECK_LIBS], [
AC_ARG_WITH([sql-mysql],
  [AS_HELP_STRING([--with-sql-mysql],
    [sql mechanism: MySQL/MariaDB driver (yes|no|check) @<:@check@:>@])],
  [], [with_sql_mysql=check])
AC_ARG_WITH([sql-sqlite],
  [AS_HELP_STRING([--with-sql-sqlite],
    [sql mechanism: SQLite driver (yes|no|check) @<:@check@:>@])],
  [], [with_sql_sqlite=check])
AC_ARG_WITH([sql-argon2],
  [AS_HELP_STRING([--with-sql-argon2],
    [sql mechanism: Argon2 hashes through libargon2 (yes|no|check) @<:@check@:>@])],
  [], [with_sql_argon2=check])

auth_sql_mysql=no
auth_sql_sqlite=no
AUTH_SQL_CFLAGS=
AUTH_SQL_LIBS=
if $1; then
  PKG_PROG_PKG_CONFIG

  dnl MySQL / MariaDB client library
  if test "x$with_sql_mysql" != xno; then
    AC_PATH_PROGS([AUTH_SQL_MYSQL_CONFIG], [mariadb_config mysql_config])
    if test -n "$AUTH_SQL_MYSQL_CONFIG"; then
      AUTH_SQL_MYSQL_CFLAGS=`$AUTH_SQL_MYSQL_CONFIG --include`
      AUTH_SQL_MYSQL_LIBS=`$AUTH_SQL_MYSQL_CONFIG --libs`
      auth_sql_mysql=yes
    else
      PKG_CHECK_MODULES([AUTH_SQL_MYSQL], [libmariadb],
        [auth_sql_mysql=yes],
        [PKG_CHECK_MODULES([AUTH_SQL_MYSQL], [mysqlclient],
          [auth_sql_mysql=yes], [auth_sql_mysql=no])])
    fi
    if test "x$auth_sql_mysql" = xyes; then
      auth_sql_save_CPPFLAGS=$CPPFLAGS
      CPPFLAGS="$CPPFLAGS $AUTH_SQL_MYSQL_CFLAGS"
      AC_CHECK_HEADER([mysql.h], [], [auth_sql_mysql=no])
      CPPFLAGS=$auth_sql_save_CPPFLAGS
    fi
    if test "x$auth_sql_mysql" = xyes; then
      AUTH_SQL_CFLAGS="$AUTH_SQL_CFLAGS -DAUTH_SQL_MYSQL $AUTH_SQL_MYSQL_CFLAGS"
      AUTH_SQL_LIBS="$AUTH_SQL_LIBS $AUTH_SQL_MYSQL_LIBS"
    elif test "x$with_sql_mysql" = xyes; then
      AC_MSG_ERROR([sql mechanism: no MySQL/MariaDB client library found (on Debian: apt-get install libmariadb-dev)])
    fi
  fi

  dnl SQLite 3
  if test "x$with_sql_sqlite" != xno; then
    PKG_CHECK_MODULES([AUTH_SQL_SQLITE], [sqlite3 >= 3.20],
      [auth_sql_sqlite=yes], [auth_sql_sqlite=no])
    if test "x$auth_sql_sqlite" = xyes; then
      AUTH_SQL_CFLAGS="$AUTH_SQL_CFLAGS -DAUTH_SQL_SQLITE $AUTH_SQL_SQLITE_CFLAGS"
      AUTH_SQL_LIBS="$AUTH_SQL_LIBS $AUTH_SQL_SQLITE_LIBS"
    elif test "x$with_sql_sqlite" = xyes; then
      AC_MSG_ERROR([sql mechanism: SQLite 3.20 or later not found (on Debian: apt-get install libsqlite3-dev)])
    fi
  fi

  if test "x$auth_sql_mysql$auth_sql_sqlite" = xnono; then
    AC_MSG_ERROR([sql mechanism: no database client library found; install libmariadb-dev (or libmysqlclient-dev) and/or libsqlite3-dev])
  fi

  dnl crypt(3) from libxcrypt: crypt_rn() and crypt_checksalt()
  AC_CHECK_HEADER([crypt.h], [],
    [AC_MSG_ERROR([sql mechanism: crypt.h not found (on Debian: apt-get install libcrypt-dev)])])
  AC_CHECK_LIB([crypt], [crypt_checksalt],
    [AUTH_SQL_LIBS="$AUTH_SQL_LIBS -lcrypt"],
    [AC_MSG_ERROR([sql mechanism: libxcrypt 4.3 or later (crypt_checksalt) not found (on Debian: apt-get install libcrypt-dev)])])

  dnl OpenSSL's libcrypto: digests, PBKDF2, base64 for the password schemes
  PKG_CHECK_MODULES([AUTH_SQL_CRYPTO], [libcrypto >= 1.1.1],
    [AUTH_SQL_CFLAGS="$AUTH_SQL_CFLAGS $AUTH_SQL_CRYPTO_CFLAGS"
     AUTH_SQL_LIBS="$AUTH_SQL_LIBS $AUTH_SQL_CRYPTO_LIBS"],
    [AC_MSG_ERROR([sql mechanism: OpenSSL's libcrypto not found (on Debian: apt-get install libssl-dev)])])

  dnl libargon2 for {ARGON2I}/{ARGON2ID} values, when there is one
  auth_sql_argon2=no
  if test "x$with_sql_argon2" != xno; then
    PKG_CHECK_MODULES([AUTH_SQL_ARGON2], [libargon2],
      [auth_sql_argon2=yes
       AUTH_SQL_CFLAGS="$AUTH_SQL_CFLAGS -DAUTH_SQL_ARGON2 $AUTH_SQL_ARGON2_CFLAGS"
       AUTH_SQL_LIBS="$AUTH_SQL_LIBS $AUTH_SQL_ARGON2_LIBS"],
      [AS_IF([test "x$with_sql_argon2" = xyes],
        [AC_MSG_ERROR([sql mechanism: libargon2 not found (on Debian: apt-get install libargon2-dev)])])])
  fi

  AC_MSG_CHECKING([sql mechanism: MySQL/MariaDB driver])
  AC_MSG_RESULT([$auth_sql_mysql])
  AC_MSG_CHECKING([sql mechanism: SQLite driver])
  AC_MSG_RESULT([$auth_sql_sqlite])
  AC_MSG_CHECKING([sql mechanism: Argon2 through libargon2])
  AC_MSG_RESULT([$auth_sql_argon2])
fi
AC_SUBST([AUTH_SQL_CFLAGS])
AC_SUBST([AUTH_SQL_LIBS])
AM_CONDITIONAL([AUTH_SQL_MYSQL], [test "x$auth_sql_mysql" = xyes])
AM_CONDITIONAL([AUTH_SQL_SQLITE], [test "x$auth_sql_sqlite" = xyes])
])
