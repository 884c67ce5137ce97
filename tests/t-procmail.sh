#!/bin/sh
# End-to-end with procmail: the `:0 w` recipe of liaison(1), as printed
# there, run by procmail as a mail filter (procmail -m RCFILE < MESSAGE) as
# an unprivileged account. A working liaison records the message and
# procmail exits 0; a failing one (the database locked, the configuration
# unreadable) makes procmail exit 75, and a retry records the message once.
# Without the `w' the failure is lost: procmail exits 0, as the page warns.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/mta.sh"
need_program procmail sqlite3 setpriv
[ "$(id -u)" = 0 ] && need_program useradd
S="$top_srcdir/samples/mail"

mta_user
write_config "time-limit = 30"
chmod 644 "$CONF"
same_recipe "procmail recipe" procmail 1 procmail 1

# The rcfile: where to find liaison, then the recipe.
{
	echo "PATH=$T/bin:/usr/bin:/bin"
	echo
	recipe procmail 1
} > "$T/procmailrc"
chmod 644 "$T/procmailrc"
sed 's/^:0 w$/:0/' "$T/procmailrc" > "$T/procmailrc-without-w"
echo "# the rcfile:"
sed 's/^/#   /' "$T/procmailrc"

msgid () { sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' "$1" | head -1; }
recorded () { sql "SELECT count(*) FROM messages WHERE message_id = '$(msgid "$1")'"; }
# procmail_run RCFILE MESSAGE: sets $rc; procmail's stderr in $T/procmail.err.
procmail_run () {
	as_user procmail -m "$1" < "$2" 2>"$T/procmail.err"
	rc=$?
}

m1="$S/01-action-ccamp.eml"
procmail_run "$T/procmailrc" "$m1"
check "procmail exits 0 when liaison records the message" 0 "$rc"
check "the message is recorded" 1 "$(recorded "$m1")"
check "as a statement" statement "$(sql "SELECT kind FROM messages WHERE message_id = '$(msgid "$m1")'")"

# The database locked: liaison exits 75 within its time limit, and so does
# procmail.
m2="$S/02-information-detnet.eml"
sed -i 's/^time-limit *=.*/time-limit = 2/' "$CONF"
hold_lock
check "another process holds the database's write lock" locked "$(cat "$T/holder.out")"
procmail_run "$T/procmailrc" "$m2"
check "procmail exits 75 when the database is locked" 75 "$rc"
check "procmail saw the program fail with 75" 1 "$(grep -c 'Program failure (75) of "liaison"' "$T/procmail.err")"
check "liaison's line passes through" 1 "$(grep -c '^4\.3\.0 liaison: ' "$T/procmail.err")"
check "nothing is recorded" 0 "$(recorded "$m2")"

# Without the w flag, procmail does not wait for the status: it exits 0
# and the message is lost.
procmail_run "$T/procmailrc-without-w" "$m2"
check "without w procmail exits 0 all the same" 0 "$rc"
check "and the message is lost" 0 "$(recorded "$m2")"
release_lock

# The retry records it, once.
sed -i 's/^time-limit *=.*/time-limit = 30/' "$CONF"
procmail_run "$T/procmailrc" "$m2"
check "the retry exits 0" 0 "$rc"
check "the retry records the message" 1 "$(recorded "$m2")"
procmail_run "$T/procmailrc" "$m2"
check "a second copy exits 0" 0 "$rc"
check "and is a known duplicate, not a second row" 1 "$(recorded "$m2")"

# The configuration unreadable by the account.
m3="$S/03-response-opsawg.eml"
chmod 000 "$CONF"
procmail_run "$T/procmailrc" "$m3"
check "procmail exits 75 when the configuration is unreadable" 75 "$rc"
check "liaison says 4.3.5" 1 "$(grep -c '^4\.3\.5 liaison: ' "$T/procmail.err")"
chmod 644 "$CONF"
check "nothing is recorded" 0 "$(recorded "$m3")"
procmail_run "$T/procmailrc" "$m3"
check "once it is readable again the message is recorded" "0 1" "$rc $(recorded "$m3")"
check "three messages, no more" 3 "$(sql 'SELECT count(*) FROM messages')"
check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
[ "$failures" = 0 ] || sed 's/^/#   /' "$T/procmail.err"
finish
