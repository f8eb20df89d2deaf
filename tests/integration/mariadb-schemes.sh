#!/bin/bash
# mariadb-schemes - one MariaDB table mixing every password scheme, each
# value made by a real tool (MariaDB's ENCRYPT(), PASSWORD(), OLD_PASSWORD(),
# MD5(), SHA1(), SHA2(); mkpasswd; doveadm pw; passlib), checked through the
# real saslauthd and testsaslauthd: in auto mode (sql_password_scheme
# default, the value names its scheme) and in each of pam_mysql's
# users.password_crypt modes (rows picked by users.where_clause).
. "$(dirname "$0")/lib.sh"

for tool in mkpasswd doveadm openssl; do
	command -v $tool >/dev/null || die "$tool not found (see tools/install-packages)"
done
PY=/usr/bin/python3
"$PY" -c 'import passlib' 2>/dev/null || die "python3-passlib not installed"

start_mariadb
accounts_schema

PW='Pa55 word'
# the wrong password differs within the first 8 characters: traditional
# DES reads no further
PW_SQL="'$PW'"

# --- auto: each value names its scheme -----------------------------------
row a-md5crypt auto "ENCRYPT($PW_SQL, '\$1\$abcdefgh')"
row a-sha256crypt auto "ENCRYPT($PW_SQL, '\$5\$saltsaltsalt')"
row a-sha512crypt auto "ENCRYPT($PW_SQL, '\$6\$rounds=5000\$saltsalt')"
row a-bcrypt auto "$(lit "$(mkpasswd -m bcrypt -R 5 "$PW")")"
row a-yescrypt auto "$(lit "$(mkpasswd -m yescrypt "$PW")")"
row a-mysql41 auto "PASSWORD($PW_SQL)"
row a-plainmd5 auto "CONCAT('{PLAIN-MD5}', MD5($PW_SQL))"
row a-sha256hex auto "CONCAT('{SHA256.HEX}', SHA2($PW_SQL, 256))"
row a-sha512hex auto "CONCAT('{SHA512.HEX}', SHA2($PW_SQL, 512))"
row a-des auto "CONCAT('{CRYPT}', ENCRYPT($PW_SQL, 'ab'))"
for s in SSHA SSHA256 SSHA512 SHA SMD5 PBKDF2 BLF-CRYPT SHA512-CRYPT ARGON2ID PLAIN; do
	row "a-$(echo "$s" | tr 'A-Z' 'a-z')" auto "$(lit "$(doveadm pw -s "$s" -p "$PW")")"
done
# values that fit no scheme, or one libxcrypt lacks: never OK
row x-baremd5 auto "MD5($PW_SQL)"
row x-bareplain auto "$PW_SQL"
row x-apr1 auto "$(lit "$(openssl passwd -apr1 "$PW")")"
row x-unknown auto "CONCAT('{ROT13}', $PW_SQL)"

cat >"$T/auto.conf" <<CONF
sql_engine: mysql
sql_hosts: $DB_SOCK
sql_database: db_mail
sql_user: db_mail_user
sql_passwd: db_mail_password
sql_table: accounts
sql_user_column: username
sql_password_column: password
sql_where: mode = 'auto'
CONF
chmod 600 "$T/auto.conf"
start_saslauthd auto "$T/auto.conf" -r -n 2
for u in $(sql "SELECT username FROM db_mail.accounts WHERE mode = 'auto'
    AND username LIKE 'a-%'"); do
	n=${u%@example.org}
	expect auto "$OK" "auto: $n, right password" -u "$n" -r example.org -p "$PW" -s imap
	expect auto "$NO" "auto: $n, wrong password" -u "$n" -r example.org -p "Pa56 word" -s imap
done
for n in x-baremd5 x-bareplain x-apr1 x-unknown; do
	expect auto "$NO" "auto: $n, even with the right password" \
	    -u "$n" -r example.org -p "$PW" -s imap
done
log_has auto "fits no scheme" "why a bare value fails"
log_has auto "\$apr1\$" "which crypt method is missing"
log_has auto "{ROT13}" "which prefix is unknown"
log_has auto "stored as plain text" "that a plain value was met"

# --- pam_mysql's modes, each against the rows written for it --------------
row p0 0 "$PW_SQL"
row p1 1 "ENCRYPT($PW_SQL, '\$1\$1234abcd')"
row p1-sha512 1 "ENCRYPT($PW_SQL, '\$6\$saltsalt')"
row p2 2 "PASSWORD($PW_SQL)"
row p2-323 323 "OLD_PASSWORD($PW_SQL)"
row p3 3 "MD5($PW_SQL)"
row p4 4 "SHA1($PW_SQL)"
row p5-phpass 5 "$(lit "$("$PY" -c 'import sys; from passlib.hash import phpass; print(phpass.using(rounds=8).hash(sys.argv[1]))' "$PW")")"
row p6 6 "CONCAT(MD5(CONCAT($PW_SQL, 'salt1234')), ':salt1234')"
row p7 7 "$(lit "$(doveadm pw -s SSHA -p "$PW" | cut -d} -f2)")"
row p8 8 "SHA2($PW_SQL, 512)"
row p9 9 "SHA2($PW_SQL, 256)"

for m in 0 1 2 323 3 4 5 6 7 8 9; do
	mode_conf "$m" "$T/mode$m.conf"
	start_saslauthd "mode$m" "$T/mode$m.conf" -r -n 1
	for u in $(sql "SELECT username FROM db_mail.accounts WHERE mode = '$m'"); do
		n=${u%@example.org}
		expect "mode$m" "$OK" "password_crypt $m: $n, right password" \
		    -u "$n" -r example.org -p "$PW" -s imap
		expect "mode$m" "$NO" "password_crypt $m: $n, wrong password" \
		    -u "$n" -r example.org -p "Pa56 word" -s imap
	done
	# a row of another scheme is not found in this mode
	expect "mode$m" "$NO" "password_crypt $m: another mode's row" \
	    -u a-md5crypt -r example.org -p "$PW" -s imap
	stop_saslauthd "mode$m"
done
log_has mode0 "stored as plain text" "the plain-text warning"

for d in auto mode1 mode3 mode7; do
	log_lacks $d "$PW" "the password"
	log_lacks $d "db_mail_password" "the database password"
done
finish
