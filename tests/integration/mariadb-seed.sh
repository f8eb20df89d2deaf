#!/bin/bash
# mariadb-seed - the seed's walkthrough on a real MariaDB server: its schema,
# its SELECT-only user, jane made with ENCRYPT(), its pam_mysql config file
# unchanged but for how it reaches the server, and testsaslauthd's answers.
# Then what the seed does not show: a disabled account, unknown and hostile
# logins, TCP, one connection per worker, and the database going away.
. "$(dirname "$0")/lib.sh"

start_mariadb
seed_schema

# the seed's file; users.host is the one line that differs
seed_pam_mysql_conf "$DB_SOCK" "$T/mail-pam-mysql.conf"
start_saslauthd sock "$T/mail-pam-mysql.conf" -r -n 3

# the seed's three testsaslauthd commands; pop needs no PAM file here
expect sock "$OK" "jane, right password, imap" \
    -u jane -r example.org -p janepass -s imap
expect sock "$NO" "jane, wrong password" \
    -u jane -r example.org -p janepas3 -s imap
expect sock "$OK" "jane on pop, with no PAM file for pop" \
    -u jane -r example.org -p janepass -s pop
expect sock "$OK" "login given as user@realm, no -r realm" \
    -u jane@example.org -p janepass -s imap

# users.where_clause = active = 1
sql "UPDATE db_mail.mail_users SET active = 0 WHERE username = 'jane@example.org'"
expect sock "$NO" "jane disabled (active=0)" \
    -u jane -r example.org -p janepass -s imap
sql "UPDATE db_mail.mail_users SET active = 1 WHERE username = 'jane@example.org'"
expect sock "$OK" "jane enabled again" \
    -u jane -r example.org -p janepass -s imap

# unknown, ambiguous, hostile
expect sock "$NO" "unknown user" -u john -r example.org -p janepass -s imap
expect sock "$NO" "jane without her realm" -u jane -p janepass -s imap
expect sock "$NO" "SQL in the login" \
    -u "x' OR '1'='1" -r example.org -p janepass -s imap
expect sock "$NO" "SQL comment in the login" \
    -u "jane@example.org' -- " -p janepass -s imap
expect sock "$NO" "the stored hash given as the password" \
    -u jane -r example.org -p "$(sql "SELECT password FROM db_mail.mail_users")" -s imap
expect sock "$NO" "a 256-byte login" \
    -u "$(printf 'a%.0s' $(seq 256))" -r example.org -p janepass -s imap
expect sock "$NO" "a login with control bytes" \
    -u "$(printf 'ja\001ne\033[2J')" -r example.org -p janepass -s imap
sql "INSERT INTO db_mail.mail_users SET username='twice@example.org',
    password=ENCRYPT('janepass','\$1\$1234abcd'), active=1;
    INSERT INTO db_mail.mail_users SET username='twice@example.org',
    password=ENCRYPT('janepass','\$1\$1234abcd'), active=1;
    INSERT INTO db_mail.mail_users SET username='empty@example.org',
    password='', active=1"
expect sock "$NO" "two rows for one login" \
    -u twice -r example.org -p janepass -s imap
expect sock "$NO" "an empty stored password" \
    -u empty -r example.org -p janepass -s imap
log_has sock "more than one row for twice@example.org" "why two rows fail"

# rows the seed's NOT NULL schema would not hold: NULL and over-long values
sql "ALTER TABLE db_mail.mail_users MODIFY password VARCHAR(2000) NULL;
    INSERT INTO db_mail.mail_users SET username='null@example.org',
    password=NULL, active=1;
    INSERT INTO db_mail.mail_users SET username='long@example.org',
    password=CONCAT('\$1\$', REPEAT('x', 1500)), active=1;
    INSERT INTO db_mail.mail_users SET username='twicelong@example.org',
    password='\$1\$x', active=1;
    INSERT INTO db_mail.mail_users SET username='twicelong@example.org',
    password=REPEAT('y', 1500), active=1"
before=$(sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
expect sock "$NO" "a NULL stored password" -u null -r example.org -p janepass -s imap
expect sock "$NO" "a 1500-byte stored value" -u long -r example.org -p janepass -s imap
expect sock "$NO" "two rows, the second 1500 bytes" \
    -u twicelong -r example.org -p janepass -s imap
expect sock "$NO" "a login that is not UTF-8" \
    -u "$(printf 'j\351ne')" -r example.org -p janepass -s imap
after=$(sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
[ $((after - before - 1)) -eq 0 ] &&
    pass "bad rows and bad logins open no new connection" ||
    failed "bad rows and bad logins opened $((after - before - 1)) connection(s)"
log_has sock "stored value for long@example.org longer than 1023 bytes" \
    "why the long value fails"
log_has sock "no password stored for null@example.org" "why NULL fails"
expect sock "$OK" "still serving after all that" \
    -u jane -r example.org -p janepass -s imap

# one connection per worker: count them on the server after many logins
before=$(sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
for i in $(seq 1 60); do
	ask sock -u jane -r example.org -p janepass -s imap
done | sort | uniq -c | grep -q "60 $OK" &&
    pass "60 logins in a row" || failed "60 logins in a row"
after=$(sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
# the count query's own connection is one of them
opened=$((after - before - 1))
held=$(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
    WHERE USER = 'db_mail_user'")
if [ "$held" -ge 1 ] && [ "$held" -le 3 ] && [ "$opened" -le 3 ]; then
	pass "3 workers hold $held connection(s); $opened opened for 60 logins"
else
	failed "3 workers hold $held connections, $opened opened for 60 logins"
fi

# the database blinks: NO while it is down, OK once it is back
mariadb_down
expect sock "$NO" "database down" -u jane -r example.org -p janepass -s imap
mariadb_up
ok_again=0
for i in 1 2 3 4 5 6; do
	# each worker notices its lost connection once, then reconnects
	[ "$(ask sock -u jane -r example.org -p janepass -s imap)" = "$OK" ] &&
	    ok_again=$((ok_again + 1))
done
[ "$ok_again" -eq 6 ] && pass "database back: every worker reconnects" ||
    failed "database back: only $ok_again of 6 logins OK"
log_has sock "query failed on" "why a login failed while the database was down"

# TCP, host:port, the same file otherwise
seed_pam_mysql_conf "127.0.0.1:$DB_PORT" "$T/tcp.conf"
start_saslauthd tcp "$T/tcp.conf" -r -n 1
expect tcp "$OK" "over TCP (users.host = 127.0.0.1:port)" \
    -u jane -r example.org -p janepass -s imap
expect tcp "$NO" "over TCP, wrong password" \
    -u jane -r example.org -p janepas3 -s imap

# users.status_column, as pam_acct_mgmt answered under saslauthd -a pam:
# bit 0 expired, bit 1 new password required, NULL expired
sql "ALTER TABLE db_mail.mail_users ADD status INT NULL DEFAULT 0;
    INSERT INTO db_mail.mail_users (username, password, active, status)
    SELECT CONCAT('s', n, '@example.org'), ENCRYPT('janepass', '\$1\$1234abcd'),
        1, IF(n = 9, NULL, n) FROM (SELECT 0 n UNION SELECT 1 UNION SELECT 2
        UNION SELECT 3 UNION SELECT 4 UNION SELECT 9) s"
{ cat "$T/mail-pam-mysql.conf"; echo "users.status_column = status;"; } \
    >"$T/status.conf"
start_saslauthd status "$T/status.conf" -r -n 1
expect status "$OK" "status 0" -u s0 -r example.org -p janepass -s imap
expect status "$NO" "status 1 (expired)" -u s1 -r example.org -p janepass -s imap
expect status "$NO" "status 2 (new password required)" \
    -u s2 -r example.org -p janepass -s imap
expect status "$NO" "status 3" -u s3 -r example.org -p janepass -s imap
expect status "$OK" "status 4 (pam_mysql's internal bit, ignored)" \
    -u s4 -r example.org -p janepass -s imap
expect status "$NO" "status NULL (expired)" -u s9 -r example.org -p janepass -s imap
log_has status "reason=account expired" "why status 1 fails"
log_has status "reason=password expired" "why status 2 fails"

# -n 0: a process per request, each connecting for itself. Detached, as
# in production: under -d saslauthd would not fork at all.
run_saslauthd_detached fork "$SASLAUTHD" -a sql -O "$T/mail-pam-mysql.conf" -r -n 0
before=$(sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
expect fork "$OK" "saslauthd -n 0 (fork per request)" \
    -u jane -r example.org -p janepass -s imap
expect fork "$NO" "saslauthd -n 0, wrong password" \
    -u jane -r example.org -p janepas3 -s imap
expect fork "$OK" "saslauthd -n 0, again" \
    -u jane -r example.org -p janepass -s imap
after=$(sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
[ $((after - before - 1)) -eq 3 ] &&
    pass "saslauthd -n 0: each of 3 requests connected for itself" ||
    failed "saslauthd -n 0: $((after - before - 1)) connections for 3 requests"

for d in sock tcp status; do
	log_lacks $d "janepass" "the password"
	log_lacks $d "1234abcd" "the hash"
	log_lacks $d "db_mail_password" "the database password"
done
finish
