# lib.sh - what the integration tests share: a temp dir cleaned up by trap,
# a throwaway MariaDB server, our saslauthd, testsaslauthd, and checks.
#
# Sourced by tests/integration/*.sh. BUILD is the build directory holding
# sbin/saslauthd (default: build/ of the source tree, SRC).
# shellcheck shell=bash

set -u
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$SRC/build}
SASLAUTHD=${SASLAUTHD:-$BUILD/sbin/saslauthd}
TESTSASLAUTHD=${TESTSASLAUTHD:-$BUILD/sbin/testsaslauthd}
# a wrapper for the daemon, such as valgrind (see ./check)
SASLAUTHD_WRAPPER=${SASLAUTHD_WRAPPER:-}
TEST_NAME=$(basename "$0" .sh)
FAILURES=0
PIDS=()

T=$(mktemp -d "${TMPDIR:-/tmp}/auth_sql_it.XXXXXX")
chmod 755 "$T"

ON_EXIT=()

# on_exit COMMAND - run COMMAND (a string) when the test ends, first
on_exit() { ON_EXIT+=("$1"); }

# as_root COMMAND... - run as root: directly, or through sudo
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# stop_pid PID - end a process we started (and its process group, if it
# leads one), waiting at most 5 s before SIGKILL: saslauthd 2.1.28 can
# deadlock in its own signal handlers (syslog() from SIGTERM's handler,
# interrupted by SIGCHLD's), and a test must not hang on that
stop_pid() {
	local pid=$1 i state
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
		[ -z "$state" ] || [ "$state" = Z ] && break
		sleep 0.1
	done
	if [ -n "$state" ] && [ "$state" != Z ]; then
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

cleanup() {
	local pid cmd
	for cmd in "${ON_EXIT[@]}"; do
		eval "$cmd"
	done
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid"
	done
	if [ "$FAILURES" -eq 0 ] || [ -z "${KEEP_TMP:-}" ]; then
		rm -rf "$T"
	else
		echo "$TEST_NAME: kept $T" >&2
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say() { echo "$TEST_NAME: $*"; }
die() { echo "$TEST_NAME: FATAL: $*" >&2; exit 1; }

pass() { echo "ok - $*"; }
failed() {
	echo "not ok - $*"
	FAILURES=$((FAILURES + 1))
}

# finish - the test's exit status
finish() {
	if [ "$FAILURES" -ne 0 ]; then
		say "$FAILURES check(s) failed"
		exit 1
	fi
	say "all checks passed"
	exit 0
}

# wait_for CMD... - retry a command for up to 30 s
wait_for() {
	local i
	for i in $(seq 1 300); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# free_port - a TCP port on loopback nobody listens on
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	echo "$port"
}

# --- MariaDB ---------------------------------------------------------------

# start_mariadb - a server of our own in $T/mariadb: socket $DB_SOCK,
# port $DB_PORT on 127.0.0.1; `sql` runs statements as its administrator,
# an account only our own user reaches, through the socket (unix_socket
# authentication: no password that another local user could try on TCP).
start_mariadb() {
	local d=$T/mariadb user
	mkdir -p "$d/tmp"
	chmod 755 "$d"
	DB_SOCK=$d/mysqld.sock
	DB_PORT=$(free_port)
	user=$(id -un)
	command -v mariadb-install-db >/dev/null ||
	    die "mariadb-install-db not found (apt-get install mariadb-server)"
	# --skip-name-resolve --force: a minimal machine may not resolve its
	# own name, which mariadb-install-db otherwise insists on
	mariadb-install-db --no-defaults --datadir="$d/data" --user="$user" \
	    --auth-root-authentication-method=socket --skip-name-resolve --force \
	    --skip-test-db --tmpdir="$d/tmp" \
	    >"$d/install.log" 2>&1 || die "mariadb-install-db failed: $(head -5 "$d/install.log")"
	mariadb_up
}

# mariadb_up - (re)start the server on the same data, socket and port
mariadb_up() {
	local d=$T/mariadb
	/usr/sbin/mariadbd --no-defaults --datadir="$d/data" --user="$(id -un)" \
	    --socket="$DB_SOCK" --port="$DB_PORT" --bind-address=127.0.0.1 \
	    --pid-file="$d/mariadbd.pid" --log-error="$d/error.log" \
	    --skip-log-bin --innodb-buffer-pool-size=32M --skip-name-resolve \
	    --tmpdir="$d/tmp" \
	    --max-connections=200 >>"$d/server.out" 2>&1 &
	DB_PID=$!
	PIDS+=("$DB_PID")
	wait_for sql "SELECT 1" || die "mariadbd did not start: $(tail -5 "$d/error.log")"
}

# mariadb_down - stop the server (the data stays)
mariadb_down() {
	kill "$DB_PID" 2>/dev/null
	wait "$DB_PID" 2>/dev/null
}

# sql STATEMENTS - run as the administrator over the socket, batch output
sql() {
	mariadb --no-defaults -S "$DB_SOCK" -u"$(id -un)" -N -B -e "$1"
}

# seed_schema - the seed's database, table and SELECT-only user, with the
# `active` column its INSERT uses, and jane made as the seed makes her
seed_schema() {
	sql "CREATE DATABASE db_mail;
	USE db_mail;
	CREATE TABLE mail_users (
	    username VARCHAR(200) NOT NULL,
	    password VARCHAR(40) NOT NULL,
	    active TINYINT NOT NULL DEFAULT 1,
	    INDEX username_idx(username));
	CREATE USER 'db_mail_user'@'localhost' IDENTIFIED BY 'db_mail_password';
	CREATE USER 'db_mail_user'@'127.0.0.1' IDENTIFIED BY 'db_mail_password';
	GRANT SELECT ON db_mail.* TO 'db_mail_user'@'localhost';
	GRANT SELECT ON db_mail.* TO 'db_mail_user'@'127.0.0.1';
	INSERT INTO mail_users SET username='jane@example.org',
	    password=ENCRYPT('janepass','\$1\$1234abcd'), active=1;" ||
	    die "could not create the seed's schema"
}

# seed_pam_mysql_conf HOST FILE - the seed's file, but for users.host
seed_pam_mysql_conf() {
	print_seed_conf "$1" >"$2"
	chmod 600 "$2"
}

# print_seed_conf HOST - the seed's pam_mysql file, on stdout
print_seed_conf() {
	cat <<EOF
verbose = 0;
users.host = $1;
users.database = db_mail;
users.db_user = db_mail_user;
users.db_passwd = db_mail_password;
users.password_crypt = 1;
users.md5 = true;

users.table = mail_users;
users.where_clause = active = 1;
users.user_column = username;
users.password_column = password;
EOF
}

# accounts_schema - db_mail.accounts: one row per login and stored value,
# with the mode (scheme) the row was written for; db_mail_user reads it
accounts_schema() {
	sql "CREATE DATABASE db_mail;
	USE db_mail;
	CREATE TABLE accounts (
	    username VARCHAR(200) NOT NULL,
	    password VARCHAR(255) NULL,
	    mode VARCHAR(10) NOT NULL,
	    INDEX (username));
	CREATE USER 'db_mail_user'@'localhost' IDENTIFIED BY 'db_mail_password';
	GRANT SELECT ON db_mail.* TO 'db_mail_user'@'localhost';" ||
	    die "could not create the accounts schema"
}

# row USER MODE SQL-EXPRESSION - an account; MariaDB computes the value
row() {
	sql "INSERT INTO db_mail.accounts VALUES ('$1@example.org', $3, '$2')" ||
	    die "could not insert $1"
}

# lit VALUE - an SQL string literal of a value a tool made
lit() { printf "'%s'" "$1"; }

# mode_conf MODE FILE - the seed's pam_mysql file on db_mail.accounts,
# users.password_crypt = MODE (323: 2 with users.use_323_password), for
# the rows written for that mode
mode_conf() {
	{
		print_seed_conf "$DB_SOCK" |
		    sed -e '/users.password_crypt/d' -e '/users.where_clause/d' \
		    -e 's/users.table = mail_users/users.table = accounts/'
		if [ "$1" = 323 ]; then
			printf 'users.password_crypt = 2;\nusers.use_323_password = 1;\n'
		else
			echo "users.password_crypt = $1;"
		fi
		echo "users.where_clause = mode = '$1';"
	} >"$2"
	chmod 600 "$2"
}

# --- saslauthd -----------------------------------------------------------

# start_saslauthd NAME CONF [OPTIONS...] - our saslauthd -a sql in the
# foreground (-d: logs to $T/NAME.log), with its own run dir $T/NAME.
# It runs in a session of its own: in the foreground saslauthd's exit
# sends SIGTERM to its whole process group, which would otherwise be ours.
start_saslauthd() {
	local name=$1 conf=$2
	shift 2
	[ -x "$SASLAUTHD" ] || die "$SASLAUTHD not built (run make)"
	run_saslauthd "$name" $SASLAUTHD_WRAPPER "$SASLAUTHD" -a sql -O "$conf" "$@"
}

# run_saslauthd NAME COMMAND... - any saslauthd command (another build, or
# Debian's), in the foreground with its run dir $T/NAME and log $T/NAME.log
run_saslauthd() {
	local name=$1 pid
	shift
	mkdir -p "$T/$name"
	setsid "$@" -d -m "$T/$name" >"$T/$name.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	eval "SASLAUTHD_PID_$name=$pid"
	wait_for test -S "$T/$name/mux" ||
	    die "saslauthd $name did not start: $(tail -5 "$T/$name.log")"
}

# run_saslauthd_detached NAME COMMAND... - a saslauthd as it runs in
# production, detached (without -d: under -d, "-n 0" serves every request
# in the master instead of forking); it logs to syslog only. Its pid comes
# from its pid file.
run_saslauthd_detached() {
	local name=$1 pid
	shift
	mkdir -p "$T/$name"
	"$@" -m "$T/$name" >"$T/$name.log" 2>&1 ||
	    die "saslauthd $name did not start: $(tail -5 "$T/$name.log")"
	wait_for test -s "$T/$name/saslauthd.pid" ||
	    die "saslauthd $name wrote no pid file"
	pid=$(cat "$T/$name/saslauthd.pid")
	PIDS+=("$pid")
	eval "SASLAUTHD_PID_$name=$pid"
	wait_for test -S "$T/$name/mux" || die "saslauthd $name has no socket"
}

# stop_saslauthd NAME
stop_saslauthd() {
	local var="SASLAUTHD_PID_$1"
	stop_pid "${!var}"
}

# ask NAME ARGS... - testsaslauthd against saslauthd NAME; prints its line
ask() {
	local name=$1
	shift
	timeout 20 "$TESTSASLAUTHD" -f "$T/$name/mux" "$@" 2>&1
}

# expect NAME WANT DESCRIPTION ARGS... - testsaslauthd must print WANT
expect() {
	local name=$1 want=$2 what=$3 got
	shift 3
	got=$(ask "$name" "$@")
	if [ "$got" = "$want" ]; then
		pass "$what"
	else
		failed "$what: got '$got', want '$want'"
	fi
}

# log_lacks NAME TEXT WHAT - the daemon's log must not hold TEXT
log_lacks() {
	if grep -qF -- "$2" "$T/$1.log"; then
		failed "the log of $1 holds $3"
	else
		pass "the log of $1 never holds $3"
	fi
}

# log_has NAME TEXT WHAT
log_has() {
	if grep -qF -- "$2" "$T/$1.log"; then
		pass "the log of $1 says $3"
	else
		failed "the log of $1 does not say $3"
	fi
}

OK='0: OK "Success."'
NO='0: NO "authentication failed"'
