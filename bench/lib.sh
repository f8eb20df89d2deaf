# bench/lib.sh - what bench/run is made of: packages, a throwaway MariaDB
# with the seed's schema and many users, the temporary PAM service, detached
# saslauthd daemons, one measurement, and the table.
#
# Sourced by bench/run. Everything lives in $T (a temp dir); the PAM service
# file /etc/pam.d/$PAM_SERVICE is ours alone (a name with our pid in it and
# a marker line) and is removed by pam_service_remove.
# shellcheck shell=bash

say() { echo "bench: $*" >&2; }
die() { echo "bench: FATAL: $*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi

# install_missing PACKAGE... - apt-get install what is not installed yet,
# waiting for a dpkg lock another apt-get holds
install_missing() {
	local p missing=
	for p in "$@"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null |
		    grep -q '^ii' || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	say "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q \
	    --no-install-recommends $missing >/dev/null
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

# start_mariadb - a server of our own in $T/mariadb, as the integration
# tests start one (tests/integration/lib.sh), with room for the whole table
# in memory and for -n 0 with 64 clients through PAM (two connections
# each): socket $DB_SOCK, port $DB_PORT on 127.0.0.1, pid $DB_PID
start_mariadb() {
	local d=$T/mariadb user
	user=$(id -un)
	mkdir -p "$d"
	chmod 755 "$d"
	DB_SOCK=$d/mysqld.sock
	DB_PORT=$(free_port)
	# a tmpdir of our own: servers bootstrapping side by side in /tmp
	# can trip over each other's temporary tables
	mkdir -p "$d/tmp"
	mariadb-install-db --no-defaults --datadir="$d/data" --user="$user" \
	    --tmpdir="$d/tmp" \
	    --auth-root-authentication-method=socket --skip-name-resolve --force \
	    --skip-test-db >"$d/install.log" 2>&1 ||
	    die "mariadb-install-db failed: $(head -5 "$d/install.log")"
	/usr/sbin/mariadbd --no-defaults --datadir="$d/data" --user="$user" \
	    --tmpdir="$d/tmp" --socket="$DB_SOCK" --port="$DB_PORT" --bind-address=127.0.0.1 \
	    --pid-file="$d/mariadbd.pid" --log-error="$d/error.log" \
	    --skip-log-bin --innodb-buffer-pool-size=128M --skip-name-resolve \
	    --max-connections=400 >>"$d/server.out" 2>&1 &
	DB_PID=$!
	wait_for sql "SELECT 1" ||
	    die "mariadbd did not start: $(tail -5 "$d/error.log")"
}

# stop_mariadb - stop the server, if it runs
stop_mariadb() {
	[ -n "${DB_PID:-}" ] || return 0
	kill "$DB_PID" 2>/dev/null
	wait "$DB_PID" 2>/dev/null
	DB_PID=
}

# sql STATEMENTS - run as the administrator over the socket, batch output
sql() {
	mariadb --no-defaults -S "$DB_SOCK" -u"$(id -un)" -N -B -e "$1"
}

# connections - the server's Connections counter (this query's included)
connections() {
	sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2
}

# seed_schema - the seed's database, table and SELECT-only user; password
# is VARCHAR(255), not the seed's 40, which holds $1$ hashes only
seed_schema() {
	sql "CREATE DATABASE db_mail;
	USE db_mail;
	CREATE TABLE mail_users (
	    username VARCHAR(200) NOT NULL,
	    password VARCHAR(255) NOT NULL,
	    active TINYINT NOT NULL DEFAULT 1,
	    INDEX username_idx(username));
	CREATE USER 'db_mail_user'@'localhost' IDENTIFIED BY 'db_mail_password';
	GRANT SELECT ON db_mail.* TO 'db_mail_user'@'localhost';" ||
	    die "could not create the seed's schema"
}

# seed_md5_users COUNT - u1@example.org … with password pw1 …, each with
# a $1$ hash and a salt of its own, made by the server (the seed's
# ENCRYPT()) from the Sequence engine, one slice per CPU
seed_md5_users() {
	local count=$1 jobs slice a b pids=() pid
	jobs=$(nproc)
	slice=$(((count + jobs - 1) / jobs))
	for ((a = 1; a <= count; a += slice)); do
		b=$((a + slice - 1 > count ? count : a + slice - 1))
		sql "INSERT INTO db_mail.mail_users (username, password)
		    SELECT CONCAT('u', seq, '@example.org'),
			ENCRYPT(CONCAT('pw', seq), CONCAT('\$1\$',
			    REPLACE(TO_BASE64(RANDOM_BYTES(6)), '+', '.')))
		    FROM db_mail.seq_${a}_to_${b}" &
		pids+=("$!")
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || die "could not make the \$1\$ users"
	done
}

# seed_mkpasswd_users PREFIX COUNT MKPASSWD-OPTION... - PREFIX1@example.org
# … with password pw1 …, hashed by mkpasswd with the options given (a
# random salt each), one slice per CPU
seed_mkpasswd_users() {
	local prefix=$1 count=$2 jobs j i pids=() pid
	shift 2
	jobs=$(nproc)
	for ((j = 0; j < jobs; j++)); do
		for ((i = 1 + j; i <= count; i += jobs)); do
			printf "('%s%d@example.org','%s')\n" "$prefix" "$i" \
			    "$(mkpasswd "$@" "pw$i")"
		done >"$T/users.$prefix.part$j" &
		pids+=("$!")
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || die "mkpasswd $* failed"
	done
	! grep -q "''" "$T"/users."$prefix".part* ||
	    die "mkpasswd $* made an empty hash"
	{
		echo "INSERT INTO db_mail.mail_users (username, password) VALUES"
		cat "$T"/users."$prefix".part* | sed '$!s/$/,/'
	} >"$T/users.$prefix.sql"
	mariadb --no-defaults -S "$DB_SOCK" -u"$(id -un)" <"$T/users.$prefix.sql" ||
	    die "could not insert the $prefix users"
}

# pam_mysql_conf FILE - the seed's pam_mysql file, users.host the socket
pam_mysql_conf() {
	cat >"$1" <<EOF
verbose = 0;
users.host = $DB_SOCK;
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
	chmod 600 "$1"
}

# --- the PAM service -------------------------------------------------------

PAM_MARK="# auth_sql bench/run: temporary, removed when it ends"

# pam_service_install CONF - /etc/pam.d/$PAM_SERVICE: pam_mysql with CONF
# for auth and account, as the seed's /etc/pam.d/imap has it. Files of
# earlier runs that were killed (our mark, their pid gone) go first.
pam_service_install() {
	local f pid
	for f in /etc/pam.d/authsqlbench-*; do
		if [ -f "$f" ] && head -1 "$f" | grep -qxF "$PAM_MARK"; then
			pid=${f##*-}
			[ -d "/proc/$pid" ] || $SUDO rm -f "$f"
		fi
	done
	[ ! -e "/etc/pam.d/$PAM_SERVICE" ] ||
	    die "/etc/pam.d/$PAM_SERVICE exists; not touching it"
	printf '%s\nauth\trequired\tpam_mysql.so config_file=%s\naccount\trequired\tpam_mysql.so config_file=%s\n' \
	    "$PAM_MARK" "$1" "$1" |
	    $SUDO tee "/etc/pam.d/$PAM_SERVICE" >/dev/null
}

# pam_service_remove - remove our service file (only ours: the mark)
pam_service_remove() {
	local f=/etc/pam.d/$PAM_SERVICE
	[ -f "$f" ] && head -1 "$f" | grep -qxF "$PAM_MARK" &&
	    $SUDO rm -f "$f"
	return 0
}

# --- saslauthd -------------------------------------------------------------

# daemon_start NAME SASLAUTHD ARGS... - saslauthd as it runs in production:
# detached (no -d, which would log every request and, with -n 0, serve
# every request in the master instead of forking), run dir $T/run/NAME.
# Sets MUX and MASTER (its pid, which is also its process group).
daemon_start() {
	local name=$1 bin=$2 dir=$T/run/$1
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	"$bin" -m "$dir" "$@" </dev/null >"$T/$name.out" 2>&1 ||
	    daemon_diagnose "$name" "$bin" "$@"
	wait_for test -S "$dir/mux" -a -s "$dir/saslauthd.pid" ||
	    daemon_diagnose "$name" "$bin" "$@"
	MUX=$dir/mux
	MASTER=$(cat "$dir/saslauthd.pid")
	DAEMON=$MASTER
}

# daemon_diagnose NAME SASLAUTHD ARGS... - it did not start: without
# syslog its reason is lost, so show what it says in the foreground
daemon_diagnose() {
	local name=$1 bin=$2
	shift 2
	timeout 3 setsid "$bin" -d -m "$T/run/$name" "$@" >"$T/$name.debug" \
	    2>&1 </dev/null
	die "saslauthd $name ($bin $*) did not start: $(tail -5 "$T/$name.debug")"
}

# daemon_stop - stop the running daemon and wait for its whole group
daemon_stop() {
	local i
	[ -n "${DAEMON:-}" ] || return 0
	kill "$DAEMON" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 -- "-$DAEMON" 2>/dev/null || break
		[ "$i" -eq 50 ] && kill -KILL -- "-$DAEMON" 2>/dev/null
		sleep 0.1
	done
	DAEMON=
}

# --- measuring -------------------------------------------------------------

# measure CASE CHAIN PREFIX USERS CONC - warm up, then one measured run of
# the load client against $MUX (users PREFIX1 … PREFIX<USERS>, CONC
# clients, for as long as RUN says; -F when FORK is set); appends
# "CASE<tab>CHAIN<tab>key=value…" to $T/results, with conn: connections the
# server saw opened per 1,000 logins
measure() {
	local case=$1 chain=$2 prefix=$3 users=$4 conc=$5 c0 c1 out logins
	local common=(-s "$MUX" -u "$prefix" -n "$users" -S "$PAM_SERVICE")
	# every worker connects on its first request: warm them all first
	"$BIN/load" "${common[@]}" -c 16 -N 100 >/dev/null ||
	    die "$case, $chain: wrong answers while warming up"
	c0=$(connections)
	out=$("$BIN/load" "${common[@]}" -c "$conc" "${RUN[@]}" \
	    -m "$MASTER" -d "$DB_PID" ${FORK:+-F}) ||
	    die "$case, $chain: wrong answers or failed requests ($out)"
	c1=$(connections)
	logins=$(sed -n 's/^logins=\([0-9]*\) .*/\1/p' <<<"$out")
	# the second count's own connection is one of them
	printf '%s\t%s\t%s conn=%s\n' "$case" "$chain" "$out" \
	    "$(calc "$logins ? $((c1 - c0 - 1)) * 1000 / $logins : 0")" \
	    >>"$T/results"
	say "$(printf '%-24s %-5s %s' "$case" "$chain" \
	    "$(cut -d' ' -f1,5-8 <<<"$out")")"
}

# table CASE... - the results of these cases as one markdown table: each
# metric for the sql chain and the pam chain side by side, then sql ÷ pam;
# logins/s and saslauthd's CPU of Debian's own saslauthd -a pam too
table() {
	awk -F'\t' -v cases="$(printf '%s\n' "$@")" '
	function get(c, ch, k) { return V[c SUBSEP ch SUBSEP k] }
	function num(x, d) {
		if (x == "") return "-"
		if (x >= 1000) return sprintf("%.0f", x)
		if (x >= 100) return sprintf("%.0f", x)
		if (x >= 10) return sprintf("%.1f", x)
		return sprintf("%." d "f", x)
	}
	function ratio(a, b) {
		if (a == "" || b == "" || b == 0) return "-"
		return sprintf(a / b >= 10 ? "%.0fx" : a / b >= 1 ? "%.1fx" : "%.2fx", a / b)
	}
	function mib(k) { return k == "" || k < 0 ? "" : k / 1024 }
	{
		n = split($3, kv, " ")
		for (i = 1; i <= n; i++) {
			split(kv[i], p, "=")
			V[$1 SUBSEP $2 SUBSEP p[1]] = p[2]
		}
	}
	END {
		print "| case | logins/s sql | pam | ÷ | Debian pam | p50 ms sql | pam | ÷ | p99 ms sql | pam | ÷ | max ms sql | pam | ÷ | saslauthd CPU µs/login sql | pam | ÷ | Debian pam | mariadbd CPU µs/login sql | pam | ÷ | DB connections /1000 logins sql | pam | RSS MiB/worker sql | pam | ÷ |"
		print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
		nc = split(cases, C, "\n")
		for (i = 1; i <= nc; i++) {
			c = C[i]
			if (get(c, "sql", "rate") == "") continue
			line = "| " c
			line = line " | " num(get(c, "sql", "rate"), 0) " | " num(get(c, "pam", "rate"), 0) " | " ratio(get(c, "sql", "rate"), get(c, "pam", "rate")) " | " num(get(c, "stock", "rate"), 0)
			split("p50_ms p99_ms max_ms", L, " ")
			for (j = 1; j <= 3; j++)
				line = line " | " num(get(c, "sql", L[j]), 2) " | " num(get(c, "pam", L[j]), 2) " | " ratio(get(c, "sql", L[j]), get(c, "pam", L[j]))
			line = line " | " num(get(c, "sql", "sasl_cpu_us"), 0) " | " num(get(c, "pam", "sasl_cpu_us"), 0) " | " ratio(get(c, "sql", "sasl_cpu_us"), get(c, "pam", "sasl_cpu_us")) " | " num(get(c, "stock", "sasl_cpu_us"), 0)
			line = line " | " num(get(c, "sql", "db_cpu_us"), 0) " | " num(get(c, "pam", "db_cpu_us"), 0) " | " ratio(get(c, "sql", "db_cpu_us"), get(c, "pam", "db_cpu_us"))
			line = line " | " num(get(c, "sql", "conn"), 1) " | " num(get(c, "pam", "conn"), 1)
			line = line " | " num(mib(get(c, "sql", "rss_kib")), 1) " | " num(mib(get(c, "pam", "rss_kib")), 1) " | " ratio(mib(get(c, "sql", "rss_kib")), mib(get(c, "pam", "rss_kib"))) " |"
			print line
		}
	}' "$T/results"
}

# result CASE CHAIN KEY - one value from $T/results
result() {
	awk -F'\t' -v c="$1" -v ch="$2" -v k="$3" '
	$1 == c && $2 == ch {
		n = split($3, kv, " ")
		for (i = 1; i <= n; i++) {
			split(kv[i], p, "=")
			if (p[1] == k) print p[2]
		}
	}' "$T/results"
}

# calc EXPR - floating-point arithmetic: 4 significant digits, whole
# numbers from 1000 on
calc() {
	awk "BEGIN { x = $1; printf (x >= 1000 || x <= -1000) ? \"%.0f\" : \"%.4g\", x }"
}
