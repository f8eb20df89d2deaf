#!/bin/bash
# pam-mysql-compat - the chain we replace and our mechanism, side by side:
# Debian's own saslauthd -a pam with Debian's libpam-mysql, and our
# saslauthd -a sql, given the same pam_mysql config file and the same table
# of users, stored values and tried passwords, for each of pam_mysql's
# users.password_crypt modes. Every answer must be the same, except where
# we differ on purpose (the README's list); those cases are asserted too.
# Writes one PAM service file per mode (/etc/pam.d/authsql-compat-*,
# removed at the end), so it needs root or sudo.
. "$(dirname "$0")/lib.sh"

STOCK=/usr/sbin/saslauthd
PAM_MYSQL=$(ls /lib/*/security/pam_mysql.so /lib/security/pam_mysql.so 2>/dev/null | head -1)
[ -x "$STOCK" ] || die "Debian's saslauthd not found (apt-get install sasl2-bin)"
[ -n "$PAM_MYSQL" ] || die "pam_mysql.so not found (apt-get install libpam-mysql)"
PY=/usr/bin/python3
"$PY" -c 'import passlib' 2>/dev/null || die "python3-passlib not installed"

say "comparing with libpam-mysql $(dpkg-query -W -f='${Version}' libpam-mysql 2>/dev/null)"
start_mariadb
accounts_schema

PW='Pa55 word'
PW_SQL="'$PW'"
phpass() {
	"$PY" -c 'import sys; from passlib.hash import phpass
print(phpass.using(rounds=8).hash(sys.argv[1]))' "$1"
}

# every mode: a good row, a NULL and an empty stored value, two and three
# rows for one login (the first of them right)
for m in 0 1 2 323 3 4 5 6 7 8 9; do
	row "m$m-null" "$m" NULL
	row "m$m-empty" "$m" "''"
	for i in 1 2; do row "m$m-two" "$m" "'x$i'"; done
done
row m0-good 0 "$PW_SQL"
row m1-good 1 "ENCRYPT($PW_SQL, '\$1\$1234abcd')"
row m1-sha512 1 "ENCRYPT($PW_SQL, '\$6\$saltsalt')"
row m1-bad 1 "'not a hash'"
row m2-good 2 "PASSWORD($PW_SQL)"
row m2-lower 2 "LOWER(PASSWORD($PW_SQL))"
row m323-good 323 "OLD_PASSWORD($PW_SQL)"
row m3-good 3 "MD5($PW_SQL)"
row m3-upper 3 "UPPER(MD5($PW_SQL))"
row m4-good 4 "SHA1($PW_SQL)"
row m5-phpass 5 "$(lit "$(phpass "$PW")")"
row m5-drupal6 5 "$(lit "U$(phpass "$(printf %s "$PW" | md5sum | cut -d' ' -f1)")")"
row m5-bad 5 "'\$X\$notdrupal'"
row m6-good 6 "CONCAT(MD5(CONCAT($PW_SQL, 'salt1234')), ':salt1234')"
row m6-nocolon 6 "MD5($PW_SQL)"
row m7-good 7 "$(lit "$(doveadm pw -s SSHA -p "$PW" | cut -d} -f2)")"
row m7-short 7 "'c2FsdA=='"
row m8-good 8 "SHA2($PW_SQL, 512)"
row m8-upper 8 "UPPER(SHA2($PW_SQL, 512))"
row m9-good 9 "SHA2($PW_SQL, 256)"
# three rows, the first right: pam_mysql checks that first one
for m in 1 3; do
	for i in 1 2 3; do
		sql "INSERT INTO db_mail.accounts SELECT 'm$m-three@example.org',
		    password, '$m' FROM db_mail.accounts
		    WHERE username = 'm$m-good@example.org'"
	done
done

# Where we differ on purpose: "mode/user/password-kind" -> "pam ours".
# Each is in the README's list of differences.
declare -A DIFFER=(
	# three rows for a login: pam_mysql checks the first; we refuse
	[1/m1-three/right]="OK NO"
	[3/m3-three/right]="OK NO"
	# Drupal 7's "U$" rehash of a Drupal 6 md5: pam_mysql 0.8.2 compares
	# the stored value, U and all, with a hash without it, so never matches
	[5/m5-drupal6/right]="NO OK"
)

as_root mkdir -p /etc/pam.d
pam_service() { echo "authsql-compat-$1"; }
for m in 0 1 2 323 3 4 5 6 7 8 9; do
	conf=$T/mode$m.conf
	mode_conf "$m" "$conf"
	svc=$(pam_service "$m")
	[ -e "/etc/pam.d/$svc" ] && die "/etc/pam.d/$svc exists already"
	on_exit "as_root rm -f /etc/pam.d/$svc"
	printf 'auth required %s config_file=%s\naccount required %s config_file=%s\n' \
	    pam_mysql.so "$conf" pam_mysql.so "$conf" >"$T/$svc"
	as_root install -m 644 "$T/$svc" "/etc/pam.d/$svc"

	run_saslauthd "pam$m" "$STOCK" -a pam -r -n 1
	start_saslauthd "sql$m" "$conf" -r -n 1
	for u in $(sql "SELECT DISTINCT username FROM db_mail.accounts
	    WHERE mode = '$m'"); do
		n=${u%@example.org}
		for kind in right wrong; do
			[ $kind = right ] && p=$PW || p='Pa56 word'
			a=$(ask "pam$m" -u "$n" -r example.org -p "$p" -s "$svc")
			b=$(ask "sql$m" -u "$n" -r example.org -p "$p" -s "$svc")
			a=${a#0: }; a=${a%% *}
			b=${b#0: }; b=${b%% *}
			want=${DIFFER[$m/$n/$kind]:-}
			if [ "$a" != OK ] && [ "$a" != NO ]; then
				# the old chain gave no answer: pam_mysql crashed
				# the daemon (0.8.2-2 does on an empty SSHA value;
				# Debian's 0.8.2-2+deb12u1 fixed it). No answer is
				# a refusal to the client; ours must be NO.
				[ "$b" = NO ] &&
				    pass "password_crypt $m, $n, $kind password: pam_mysql crashed, we NO" ||
				    failed "password_crypt $m, $n, $kind password: pam_mysql crashed, we $b"
				stop_saslauthd "pam$m"
				run_saslauthd "pam$m" "$STOCK" -a pam -r -n 1
			elif [ -z "$want" ] && [ "$a" = "$b" ]; then
				pass "password_crypt $m, $n, $kind password: both $a"
			elif [ -n "$want" ] && [ "$a $b" = "$want" ]; then
				pass "password_crypt $m, $n, $kind password: pam_mysql $a, we $b (on purpose)"
			else
				failed "password_crypt $m, $n, $kind password: pam_mysql $a, we $b${want:+ (expected $want)}"
			fi
		done
	done
	stop_saslauthd "pam$m"
	stop_saslauthd "sql$m"
done
finish
