#!/bin/bash
# mariadb-cyrus-postfix - the seed's last step and its SMTP counterpart: Debian's
# own Cyrus IMAP 3.6 and Postfix 3.7, configured by this test in its temp dir
# and listening on loopback ports of its own, authenticate through our
# `saslauthd -a sql -r` against the seed's MariaDB table.
#
# Cyrus: an admin (a row of mail_users too) makes user/jane@example.org with
# cyradm; then, over STARTTLS, LOGIN and AUTHENTICATE PLAIN as jane answer OK
# and SELECT INBOX works; a wrong password and a disabled account answer NO.
# Postfix: a submission smtpd with Cyrus SASL; over STARTTLS, AUTH PLAIN and
# AUTH LOGIN answer 235, a wrong password or a disabled account 535.
#
# Needs (Debian 12): cyrus-imapd cyrus-admin postfix openssl whois, and
# mariadb-server mariadb-client as the other MariaDB test. Runs as root: both
# mail systems start as root and drop to their own users (cyrus, postfix).
# The machine's mail configuration (/etc/imapd.conf, /etc/cyrus.conf,
# /etc/postfix/main.cf, master.cf) is never read or written, nor are
# /var/lib/cyrus and /var/spool/postfix: every file either server uses is in
# $T (`postfix start` reads only the package's own postfix-script,
# postfix-files, dynamicmaps.cf), and the system's own instances are never
# started.
# Cyrus' master and Postfix start as root: without root, go through sudo
if [ "$(id -u)" -ne 0 ]; then
	exec sudo --preserve-env=BUILD,SASLAUTHD,TESTSASLAUTHD,TMPDIR "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
CYRBIN=/usr/lib/cyrus/bin
for f in "$CYRBIN/master" "$CYRBIN/imapd" "$CYRBIN/ctl_cyrusdb" "$CYRBIN/mbpath"; do
	[ -x "$f" ] || die "$f not found (apt-get install cyrus-imapd)"
done
for c in cyradm postfix postconf openssl mkpasswd base64; do
	command -v "$c" >/dev/null ||
	    die "$c not found (apt-get install cyrus-admin postfix openssl whois)"
done
if ! getent passwd cyrus >/dev/null || ! getent passwd postfix >/dev/null ||
    ! getent group postdrop >/dev/null; then
	die "the cyrus or postfix account is missing"
fi

ADMIN=cyrusadmin
ADMINPASS=admin-$RANDOM-pass

# --- stopping everything we start ------------------------------------------
# lib.sh's cleanup stops $PIDS (saslauthd, mariadbd). Postfix's master puts
# itself in the background: `postfix stop` stops it and it stops its
# children. Cyrus' master runs in the foreground (CYRUS_PID) and stops its
# children on SIGTERM. Whatever of theirs (the masters included) is still
# there 5 s later is killed, and named in LEFT_RUNNING.
CYRUS_PID=
POSTFIX_UP=
LEFT_RUNNING=
stop_mail_servers() {
	local pid
	if [ -n "$POSTFIX_UP" ]; then
		postfix -c "$T/postfix/etc" stop >>"$T/postfix/postfix.out" 2>&1
		POSTFIX_UP=
	fi
	[ -n "$CYRUS_PID" ] && kill "$CYRUS_PID" 2>/dev/null
	for _ in $(seq 1 50); do
		[ -z "$(mail_procs)" ] && break
		sleep 0.1
	done
	if [ -n "$(mail_procs)" ]; then
		LEFT_RUNNING=$(ps -o pid=,user=,args= -p "$(mail_procs | paste -sd,)")
		for pid in $(mail_procs); do
			kill -9 "$pid" 2>/dev/null
		done
	fi
	[ -n "$CYRUS_PID" ] && wait "$CYRUS_PID" 2>/dev/null
	CYRUS_PID=
}

# mail_procs - pids of what our Cyrus and Postfix run, found by their
# environment (command lines do not tell: imapd and smtpd rewrite theirs):
# Cyrus' master hands ours to its children, with CYRUS_OF_TEST=$T in it;
# Postfix's master keeps MAIL_CONFIG (its config dir) in its children's
mail_procs() {
	{
		grep -lsxzF -- "CYRUS_OF_TEST=$T" /proc/[0-9]*/environ
		grep -lsxzF -- "MAIL_CONFIG=$T/postfix/etc" /proc/[0-9]*/environ
	} | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | sort -u
}

# lib.sh's cleanup runs these first, then stops $PIDS
on_exit stop_mail_servers
# saslauthd 2.1.28 can hang on SIGTERM: its SIGTERM handler kills the
# workers and logs; their SIGCHLD interrupts it inside syslog(), and the
# SIGCHLD handler's own syslog() waits for ever on glibc's syslog lock
# (about once in 50 stops). A lib.sh without stop_pid (which gives up
# after 5 s) would then wait for ever: stop ours here, with a deadline.
stop_pids() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		# saslauthd runs in a session of its own (lib.sh): its workers go
		# with it
		if kill -0 "$pid" 2>/dev/null; then
			kill -9 -- "-$pid" 2>/dev/null
			kill -9 "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
}
declare -F stop_pid >/dev/null || on_exit stop_pids

# --- the database and our saslauthd ---------------------------------------
start_mariadb
seed_schema
# the admin is an account of the table too: Cyrus asks saslauthd for it as
# for anyone else. Its hash is made by mkpasswd, not by the database; $1$ as
# the seed's VARCHAR(40) holds nothing longer.
ADMINHASH=$(mkpasswd -m md5crypt "$ADMINPASS") || die "mkpasswd failed"
sql "INSERT INTO db_mail.mail_users SET username='$ADMIN',
    password='$ADMINHASH', active=1" || die "could not add the admin row"
# bob may log in but has no mailbox: no INBOX appears by itself
sql "INSERT INTO db_mail.mail_users SET username='bob@example.org',
    password=ENCRYPT('bobpass', '\$1\$bob12345'), active=1" ||
    die "could not add bob's row"

seed_pam_mysql_conf "$DB_SOCK" "$T/mail-pam-mysql.conf"
# -r: a login and its realm reach the table as user@realm
start_saslauthd sql "$T/mail-pam-mysql.conf" -r -n 3
MUX=$T/sql/mux
# smtpd runs as postfix and imapd as cyrus: both must reach the socket
chmod 755 "$T/sql"
chmod 777 "$MUX"

# --- a self-signed certificate for STARTTLS -------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$T/tls.key" -out "$T/tls.crt" >"$T/openssl.log" 2>&1 ||
    die "openssl req failed: $(tail -3 "$T/openssl.log")"
chmod 644 "$T/tls.crt"
chmod 600 "$T/tls.key"

# --- Cyrus IMAP -------------------------------------------------------------
C=$T/cyrus
IMAP_PORT=$(free_port)
# configdirectory's subdirectories as Debian's makedirs makes them (db: the
# database environment; socket: the master's accept locks); makedirs itself
# reads only /etc/imapd.conf
mkdir -p "$C/spool" "$C/sieve" "$C/run/proc" "$C/run/lock"
for d in db socket log msg user quota; do
	mkdir -p "$C/config/$d"
done
# imapd reads its key as cyrus (Postfix reads its own copy as root)
install -o cyrus -g mail -m 600 "$T/tls.key" "$C/tls.key"
cat >"$C/imapd.conf" <<EOF
# Every path in the test's dir; none of the system's /var/lib/cyrus,
# /var/spool/cyrus, /run/cyrus is read or written.
configdirectory: $C/config
defaultpartition: default
partition-default: $C/spool
sievedir: $C/sieve
proc_path: $C/run/proc
mboxname_lockpath: $C/run/lock
# The seed's mailbox naming: logins are user@domain, the mailbox of
# jane@example.org is user/jane@example.org ("/" separates levels).
virtdomains: userid
unixhierarchysep: on
# Debian's default (3.6's own is yes): other users' mailboxes under user/
altnamespace: no
# The global admin. It logs in without a domain, so saslauthd is asked for
# "$ADMIN" with an empty realm, and -r leaves the login as it is.
admins: $ADMIN
# Passwords are checked by our saslauthd, through its mux socket.
sasl_pwcheck_method: saslauthd
sasl_saslauthd_path: $MUX
# Only mechanisms that carry the password itself: saslauthd can check
# nothing else (Cyrus would otherwise offer whatever plugins it finds).
sasl_mech_list: PLAIN LOGIN
# No password in clear text before STARTTLS (Cyrus' default, said here).
allowplaintext: no
# STARTTLS with the test's self-signed certificate.
tls_server_cert: $T/tls.crt
tls_server_key: $C/tls.key
# A failed login costs 3 s by default; the test has several.
failedloginpause: 0s
# No INBOX is made at a first login (the default, said here): jane's must
# be the one the admin made.
autocreate_quota: -1
EOF
cat >"$C/cyrus.conf" <<EOF
# The master does not hand its -C to its children: every command names the
# file, or they would read /etc/imapd.conf.
START {
	# creates (or recovers) the databases in configdirectory
	recover cmd="$CYRBIN/ctl_cyrusdb -C $C/imapd.conf -r"
}
SERVICES {
	# IMAP only (STARTTLS on it); no POP, LMTP, Sieve, HTTP
	imap cmd="$CYRBIN/imapd -C $C/imapd.conf" listen="127.0.0.1:$IMAP_PORT" prefork=0 maxchild=10
}
EVENTS {
}
EOF
chown -R cyrus:mail "$C"
chmod 750 "$C/config" "$C/spool"
# -D: stay in the foreground (a pid of ours to stop), output to a file
CYRUS_OF_TEST=$T "$CYRBIN/master" -C "$C/imapd.conf" -M "$C/cyrus.conf" -p "$C/master.pid" \
    -D >"$C/master.out" 2>&1 &
CYRUS_PID=$!
imap_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$IMAP_PORT") 2>/dev/null; }
wait_for imap_listening ||
    die "Cyrus master did not listen on $IMAP_PORT: $(tail -5 "$C/master.out")"

# --- Postfix ----------------------------------------------------------------
P=$T/postfix
SMTP_PORT=$(free_port)
# the config dir (root's) apart from the queue (postfix's): `postfix start`
# checks that nothing under the config dir belongs to anyone but root
mkdir -p "$P/etc/sasl" "$P/queue" "$P/data"
chown postfix "$P/data"
# the SASL application "smtpd" reads smtpd.conf from cyrus_sasl_config_path
cat >"$P/etc/sasl/smtpd.conf" <<EOF
pwcheck_method: saslauthd
saslauthd_path: $MUX
mech_list: PLAIN LOGIN
EOF
cat >"$P/etc/main.cf" <<EOF
# Postfix 3.7's defaults, without the compatibility warnings.
compatibility_level = 3.6
# Queue, pid files, data and log in the test's dir: nothing under
# /var/spool/postfix, /var/lib/postfix, and no syslog.
queue_directory = $P/queue
data_directory = $P/data
maillog_file = $P/maillog
# The log file must lie under one of these (default: /var, /dev/stdout).
maillog_file_prefixes = $P
# Debian's accounts (postfix, postdrop), said here.
mail_owner = postfix
setgid_group = postdrop
# The machine's own name may have no domain, which Postfix refuses.
myhostname = mail.example.org
mydomain = example.org
# A submission server only: no domain is delivered here, and no local
# delivery, aliases or user lookups (smtpd would otherwise ask the proxymap
# service, not run here, for passwd.byname at its first connection).
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_protocols = ipv4
inet_interfaces = loopback-only
# SMTP AUTH through Cyrus SASL, which asks our saslauthd (service "smtp").
# The SASL application name is smtpd: Cyrus SASL reads smtpd.conf in
# cyrus_sasl_config_path.
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $P/etc/sasl
# No domain added to a login: jane logs in as jane@example.org, as the
# table holds her.
smtpd_sasl_local_domain =
# STARTTLS with the test's certificate, and AUTH only once TLS is on.
smtpd_tls_security_level = may
smtpd_tls_cert_file = $T/tls.crt
smtpd_tls_key_file = $T/tls.key
smtpd_tls_auth_only = yes
# Relaying for authenticated clients only.
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
EOF
cat >"$P/etc/master.cf" <<EOF
# service  type  private unpriv  chroot  wakeup  maxproc command
# smtpd on our loopback port; not chrooted (chroot = n), so it reaches
# saslauthd's socket and the SASL config in the test's dir
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
# writes maillog_file
postlog    unix-dgram n  -       n       -       1       postlogd
# smtpd's TLS needs it (PRNG seed, session cache)
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
EOF
postfix -c "$P/etc" start >"$P/postfix.out" 2>&1 ||
    die "postfix did not start: $(tail -5 "$P/postfix.out"; tail -5 "$P/maillog" 2>/dev/null)"
POSTFIX_UP=1
smtp_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null; }
wait_for smtp_listening ||
    die "Postfix did not listen on $SMTP_PORT: $(tail -5 "$P/maillog" 2>/dev/null)"

# --- talking TLS: openssl s_client as a coprocess ---------------------------
# tls_open PROTO PORT - STARTTLS (s_client does the plain-text part), then
# lines are written with tls_send and read with tls_read
# (bash closes a coprocess' own fds when it ends, so we keep copies; a
# server that hangs up must make a check fail, not kill the test: no SIGPIPE)
trap '' PIPE
tls_open() {
	coproc TLS { exec timeout 20 openssl s_client -connect "127.0.0.1:$2" \
	    -starttls "$1" -quiet -verify_return_error -CAfile "$T/tls.crt" \
	    -verify_hostname localhost 2>>"$T/s_client.err"; }
	TLS_PROC=$TLS_PID
	exec {TLS_R}<&"${TLS[0]}" {TLS_W}>&"${TLS[1]}"
}
tls_send() { printf '%s\r\n' "$1" >&"$TLS_W"; } 2>/dev/null
# tls_read - one line into LINE (CR dropped); false on timeout or EOF
tls_read() {
	LINE=
	IFS= read -r -t 10 -u "$TLS_R" LINE || return 1
	LINE=${LINE%$'\r'}
}
tls_close() {
	exec {TLS_W}>&- {TLS_R}<&-
	wait "$TLS_PROC" 2>/dev/null
}

# imap TAG COMMAND [CONTINUATION] - the tagged answer in ANSWER, the
# untagged lines before it in UNTAGGED; CONTINUATION answers a "+"
imap() {
	local tag=$1
	ANSWER='' UNTAGGED=''
	tls_send "$tag $2"
	while tls_read; do
		case $LINE in
		"$tag "*) ANSWER=${LINE#"$tag "}; return 0 ;;
		"+"*) tls_send "${3-}" ;;
		*) UNTAGGED+="$LINE"$'\n' ;;
		esac
	done
	ANSWER="(no answer)"
	return 1
}

# imap_check WANT WHAT COMMAND [CONTINUATION] - the answer must start WANT
imap_check() {
	local want=$1 what=$2
	shift 2
	imap "a$((++TAGN))" "$@"
	case $ANSWER in
	"$want "*) pass "IMAP: $what ($want)" ;;
	"(no answer)") failed "IMAP: $what: no answer, want $want (s_client: $(tail -2 "$T/s_client.err" | tr '\n' ' '))" ;;
	*) failed "IMAP: $what: got '$ANSWER', want $want" ;;
	esac
}
TAGN=0

# imap_session WANT WHAT COMMAND [CONTINUATION] - a fresh STARTTLS session,
# one login command, then LOGOUT; with WANT=OK, SELECT INBOX must work too
imap_session() {
	local want=$1
	tls_open imap "$IMAP_PORT"
	imap_check "$@"
	if [ "$want" = OK ] && [ "$ANSWER" != "(no answer)" ]; then
		imap_check OK "$2, then SELECT INBOX" "SELECT INBOX"
		case $UNTAGGED in
		*" EXISTS"*) pass "IMAP: $2, INBOX has an EXISTS count" ;;
		*) failed "IMAP: $2, SELECT INBOX gave no EXISTS line" ;;
		esac
	fi
	imap "z$TAGN" LOGOUT
	tls_close
}

# b64 TEXT - base64 of TEXT with its \0 escapes (SASL PLAIN's separators)
b64() { printf '%b' "$1" | base64 -w0; }

# smtp_read - the whole (multi-line) reply: last line in LINE, all in REPLY_ALL
smtp_read() {
	REPLY_ALL=
	while tls_read; do
		REPLY_ALL+="$LINE"$'\n'
		case $LINE in [0-9][0-9][0-9]-*) continue ;; esac
		return 0
	done
	LINE="(no answer)"
	return 1
}
smtp_cmd() { tls_send "$1"; smtp_read; }

# smtp_session WANT WHAT MECH [ARGS...] - STARTTLS, EHLO, AUTH; the final
# reply's code must be WANT
smtp_session() {
	local want=$1 what=$2 mech=$3 arg
	shift 3
	tls_open smtp "$SMTP_PORT"
	# s_client has said EHLO before STARTTLS; it must be said again after
	if ! smtp_cmd "EHLO client.example.org"; then
		failed "SMTP: $what: no answer to EHLO after STARTTLS"
		tls_close
		return
	fi
	case $REPLY_ALL in
	*"250-AUTH PLAIN LOGIN"* | *"250-AUTH LOGIN PLAIN"* | *"250 AUTH PLAIN LOGIN"* | *"250 AUTH LOGIN PLAIN"*) ;;
	*) failed "SMTP: $what: no AUTH PLAIN LOGIN after STARTTLS: $(printf '%s' "$REPLY_ALL" | tr '\r\n' '  ')" ;;
	esac
	if [ "$mech" = PLAIN ]; then
		smtp_cmd "AUTH PLAIN $1"
	else
		smtp_cmd "AUTH LOGIN"
		for arg in "$@"; do
			case $LINE in 334*) smtp_cmd "$arg" ;; *) break ;; esac
		done
	fi
	case $LINE in
	"$want "*) pass "SMTP: $what ($want)" ;;
	*) failed "SMTP: $what: got '$LINE', want $want" ;;
	esac
	smtp_cmd QUIT
	tls_close
}

# --- Cyrus: plain text first, then the admin makes jane's mailbox ----------
exec 5<>"/dev/tcp/127.0.0.1/$IMAP_PORT"
IFS= read -r -t 10 -u 5 greeting
printf 'a0 CAPABILITY\r\n' >&5
caps=
while IFS= read -r -t 10 -u 5 l; do
	caps+=$l
	case $l in a0\ *) break ;; esac
done
exec 5>&-
# (a server that listens but does not answer fails the whole test now,
# rather than each of the checks below after its timeout)
case $greeting in
"* OK"*) pass "IMAP: Cyrus greets on 127.0.0.1:$IMAP_PORT" ;;
*) die "IMAP: Cyrus does not greet on 127.0.0.1:$IMAP_PORT: '$greeting'" ;;
esac
case $caps in
*LOGINDISABLED*STARTTLS* | *STARTTLS*LOGINDISABLED*) pass "IMAP: no LOGIN before STARTTLS" ;;
*) failed "IMAP: plain-text capabilities lack STARTTLS/LOGINDISABLED: $caps" ;;
esac

# cyradm (Cyrus' Perl admin shell) does STARTTLS itself and checks the
# server's certificate against ours; the admin's password goes through
# saslauthd -a sql like any other
cyradm_run() {
	printf '%s\n' "$@" | timeout 20 cyradm --norc --user "$ADMIN" \
	    -w "$ADMINPASS" --auth PLAIN --cafile "$T/tls.crt" \
	    --server 127.0.0.1 --port "$IMAP_PORT" 2>&1
}
out=$(cyradm_run "cm user/jane@example.org" "lm")
# (without a terminal cyradm prints its prompts on the same line)
if printf '%s\n' "$out" | grep -q '\(^\|> \)user/jane@example.org ('; then
	pass "cyradm: the admin made user/jane@example.org"
else
	failed "cyradm: user/jane@example.org not made: $out"
fi
# ... and it is on disk in the test's partition
path=$("$CYRBIN/mbpath" -C "$C/imapd.conf" user/jane@example.org 2>&1)
if [ "${path#"$C/spool/"}" != "$path" ] && [ -d "$path" ]; then
	pass "mbpath: jane's mailbox is a directory in $C/spool"
else
	failed "mbpath: user/jane@example.org: $path"
fi

# --- Cyrus: jane over STARTTLS ----------------------------------------------
imap_session OK "LOGIN jane@example.org" "LOGIN jane@example.org janepass"
imap_session NO "LOGIN jane@example.org, wrong password" \
    "LOGIN jane@example.org janepas3"
imap_session OK "AUTHENTICATE PLAIN jane@example.org" \
    "AUTHENTICATE PLAIN" "$(b64 '\0jane@example.org\0janepass')"
imap_session NO "AUTHENTICATE PLAIN, wrong password" \
    "AUTHENTICATE PLAIN" "$(b64 '\0jane@example.org\0janepas3')"
imap_session NO "LOGIN john@example.org (no such row)" \
    "LOGIN john@example.org janepass"
# bob: authenticated, but no mailbox was made for him
tls_open imap "$IMAP_PORT"
imap_check OK "LOGIN bob@example.org" "LOGIN bob@example.org bobpass"
imap_check NO "bob has no INBOX (none is made at login)" "SELECT INBOX"
imap "z$TAGN" LOGOUT
tls_close
# the admin has no INBOX, but sees every user's mailbox
tls_open imap "$IMAP_PORT"
imap_check OK "LOGIN as the admin ($ADMIN, no realm)" "LOGIN $ADMIN $ADMINPASS"
imap_check OK "the admin lists user/*" 'LIST "" "user/*"'
case $UNTAGGED in
*'"user/jane@example.org"'* | *" user/jane@example.org"*)
	pass "IMAP: the admin sees user/jane@example.org" ;;
*) failed "IMAP: the admin's LIST lacks user/jane@example.org: $UNTAGGED" ;;
esac
imap "z$TAGN" LOGOUT
tls_close

# --- Postfix: jane over STARTTLS --------------------------------------------
# before STARTTLS, no AUTH (smtpd_tls_auth_only)
exec 5<>"/dev/tcp/127.0.0.1/$SMTP_PORT"
IFS= read -r -t 10 -u 5 greeting
printf 'EHLO client.example.org\r\n' >&5
ehlo=
while IFS= read -r -t 10 -u 5 l; do
	ehlo+=$l
	case $l in "250 "*) break ;; esac
done
printf 'QUIT\r\n' >&5
exec 5>&-
case $greeting in
"220 mail.example.org"*) pass "SMTP: Postfix greets on 127.0.0.1:$SMTP_PORT" ;;
*) die "SMTP: Postfix does not greet on 127.0.0.1:$SMTP_PORT: '$greeting' ($(tail -3 "$P/maillog"))" ;;
esac
case $ehlo in
*STARTTLS*AUTH* | *AUTH*STARTTLS*) failed "SMTP: AUTH offered before STARTTLS: $ehlo" ;;
*STARTTLS*) pass "SMTP: STARTTLS offered, AUTH not before it" ;;
*) failed "SMTP: no STARTTLS in '$ehlo'" ;;
esac

smtp_session 235 "AUTH PLAIN jane@example.org" PLAIN \
    "$(b64 '\0jane@example.org\0janepass')"
smtp_session 235 "AUTH LOGIN jane@example.org" LOGIN \
    "$(b64 'jane@example.org')" "$(b64 'janepass')"
smtp_session 535 "AUTH PLAIN, wrong password" PLAIN \
    "$(b64 '\0jane@example.org\0janepas3')"
smtp_session 535 "AUTH LOGIN, wrong password" LOGIN \
    "$(b64 'jane@example.org')" "$(b64 'janepas3')"

# --- jane disabled: users.where_clause = active = 1 -------------------------
sql "UPDATE db_mail.mail_users SET active = 0 WHERE username = 'jane@example.org'"
imap_session NO "LOGIN jane@example.org, disabled (active=0)" \
    "LOGIN jane@example.org janepass"
imap_session NO "AUTHENTICATE PLAIN, disabled (active=0)" \
    "AUTHENTICATE PLAIN" "$(b64 '\0jane@example.org\0janepass')"
smtp_session 535 "AUTH PLAIN, disabled (active=0)" PLAIN \
    "$(b64 '\0jane@example.org\0janepass')"
sql "UPDATE db_mail.mail_users SET active = 1 WHERE username = 'jane@example.org'"
imap_session OK "LOGIN jane@example.org, enabled again" \
    "LOGIN jane@example.org janepass"
smtp_session 235 "AUTH LOGIN, enabled again" LOGIN \
    "$(b64 'jane@example.org')" "$(b64 'janepass')"

# --- what saslauthd saw -------------------------------------------------------
log_has sql "[user=jane@example.org] [service=imap]" "jane's logins came from imapd"
log_has sql "[user=jane@example.org] [service=smtp]" "jane's logins came from smtpd"
log_lacks sql "janepass" "the password"
log_lacks sql "$ADMINPASS" "the admin's password"
log_lacks sql "db_mail_password" "the database password"

stop_mail_servers
if [ -z "$LEFT_RUNNING" ]; then
	pass "Cyrus and Postfix stopped, nothing of theirs left running"
else
	failed "still running 5 s after the stop (killed): $LEFT_RUNNING"
fi
finish
