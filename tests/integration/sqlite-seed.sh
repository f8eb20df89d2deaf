#!/bin/bash
# sqlite-seed - the seed's cases on an SQLite file, no server at all, with
# the saslauthd.conf spelling (sql_* keys), through real saslauthd and
# testsaslauthd.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"
command -v mkpasswd >/dev/null || die "mkpasswd not found (apt-get install whois)"
DB=$T/mail.db
# SQLite has no ENCRYPT(): the seed's hash, made by mkpasswd
HASH=$(mkpasswd -m md5crypt -S 1234abcd janepass)
sqlite3 "$DB" "CREATE TABLE mail_users (
    username VARCHAR(200) NOT NULL,
    password VARCHAR(40) NOT NULL,
    active INTEGER NOT NULL DEFAULT 1);
CREATE INDEX username_idx ON mail_users(username);
INSERT INTO mail_users (username, password, active)
    VALUES ('jane@example.org', '$HASH', 1);"
chmod 644 "$DB"

cat >"$T/saslauthd-sql.conf" <<CONF
sql_engine: sqlite
sql_database: $DB
sql_table: mail_users
sql_user_column: username
sql_password_column: password
sql_where: active = 1
CONF
start_saslauthd lite "$T/saslauthd-sql.conf" -r -n 2

expect lite "$OK" "jane, right password, imap" \
    -u jane -r example.org -p janepass -s imap
expect lite "$NO" "jane, wrong password" \
    -u jane -r example.org -p janepas3 -s imap
expect lite "$OK" "jane on pop" -u jane -r example.org -p janepass -s pop
sqlite3 "$DB" "UPDATE mail_users SET active = 0"
expect lite "$NO" "jane disabled (active=0)" \
    -u jane -r example.org -p janepass -s imap
sqlite3 "$DB" "UPDATE mail_users SET active = 1"
expect lite "$OK" "jane enabled again" -u jane -r example.org -p janepass -s imap
expect lite "$NO" "unknown user" -u john -r example.org -p janepass -s imap
expect lite "$NO" "SQL in the login" \
    -u "x' OR '1'='1" -r example.org -p janepass -s imap

# a query template: name and domain as separate parameters
cat >"$T/select.conf" <<CONF
sql_engine: sqlite
sql_database: $DB
sql_select: SELECT password FROM mail_users WHERE username = %n || '@' || %d AND active = 1
CONF
start_saslauthd tmpl "$T/select.conf" -n 1
expect tmpl "$OK" "sql_select with %n and %d, without -r" \
    -u jane -r example.org -p janepass -s imap
expect tmpl "$NO" "sql_select, other realm" \
    -u jane -r example.net -p janepass -s imap

# the file replaced under the running daemon, as a copy from a master
# database would be: the next login reads the new file
cp "$DB" "$T/new.db"
sqlite3 "$T/new.db" "UPDATE mail_users SET password = '$(mkpasswd -m sha-512 newpass)'"
mv "$T/new.db" "$DB"
expect tmpl "$OK" "file replaced: the new password works" \
    -u jane -r example.org -p newpass -s imap
expect tmpl "$NO" "file replaced: the old password is refused" \
    -u jane -r example.org -p janepass -s imap

for d in lite tmpl; do
	log_lacks $d "janepass" "the password"
	log_lacks $d "$HASH" "the hash"
done
finish
