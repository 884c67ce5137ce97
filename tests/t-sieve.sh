#!/bin/sh
# End-to-end with Dovecot Pigeonhole: the sieve_extprograms configuration,
# the wrapper in sieve_pipe_bin_dir and the `pipe :copy "liaison"' script of
# liaison(1), as printed there, executed by sieve-test -e into a Maildir as
# an unprivileged account. liaison records the message and the mailbox
# keeps its copy (that is what :copy means). When liaison fails (the
# database locked) Sieve cannot retry, but the copy is kept all the same,
# and feeding the mailbox to liaison again records what is missing, once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/mta.sh"
need_program sieve-test sqlite3 setpriv
[ "$(id -u)" = 0 ] && need_program useradd
if [ ! -f /usr/lib/dovecot/modules/sieve/lib90_sieve_extprograms_plugin.so ]; then
	echo "# skipped: Pigeonhole's sieve_extprograms plugin is not installed (dovecot-sieve)"
	exit 77
fi
S="$top_srcdir/samples/mail"

mta_user
write_config "time-limit = 30"
chmod 644 "$CONF"
same_recipe "Dovecot configuration" Sieve 1 Sieve 1
same_recipe "sieve_pipe_bin_dir wrapper" Sieve 2 Sieve 2
same_recipe "Sieve script" Sieve 3 Sieve 3

mkdir -p "$T/sieve-pipe"
recipe Sieve 1 > "$T/dovecot.conf"
recipe Sieve 2 > "$T/sieve-pipe/liaison"
recipe Sieve 3 > "$T/script.sieve"
chmod 755 "$T/sieve-pipe/liaison"
chown -R "$U_UID:$U_GID" "$T"

msgid () { sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' "$1" | head -1; }
recorded () { sql "SELECT count(*) FROM messages WHERE message_id = '$(msgid "$1")'"; }
kept () { ls "$T/Maildir/new" 2>/dev/null | wc -l; }
# sieve MESSAGE: sieve-test executes the script's actions on MESSAGE, into
# $T/Maildir; sets $rc; its output in $T/sieve.out.
sieve () {
	(cd "$T" && as_user sieve-test -c "$T/dovecot.conf" -e -l "maildir:$T/Maildir" \
		"$T/script.sieve" "$1") > "$T/sieve.out" 2>&1
	rc=$?
}

m1="$S/01-action-ccamp.eml"
sieve "$m1"
check "sieve-test succeeds" 0 "$rc"
check "it piped the message to liaison" 1 "$(grep -c "^info: .*pipe action: piped message to program .liaison'" "$T/sieve.out")"
check "and stored it in the mailbox" 1 "$(grep -c "^info: .*stored mail into mailbox 'INBOX'" "$T/sieve.out")"
check "liaison recorded it" 1 "$(recorded "$m1")"
check "as a statement" statement "$(sql "SELECT kind FROM messages WHERE message_id = '$(msgid "$m1")'")"
check ":copy kept it in the mailbox" 1 "$(kept)"

# liaison fails: the database is locked past its time limit.
m2="$S/02-information-detnet.eml"
sed -i 's/^time-limit *=.*/time-limit = 2/' "$CONF"
hold_lock
check "another process holds the database's write lock" locked "$(cat "$T/holder.out")"
sieve "$m2"
check "sieve-test reports the failure (Sieve cannot retry)" 1 "$rc"
check "liaison exited 75" 1 "$(grep -c 'Terminated with non-zero exit code 75' "$T/sieve.out")"
check "nothing is recorded" 0 "$(recorded "$m2")"
check "the mailbox has kept it all the same" 2 "$(kept)"
release_lock
sed -i 's/^time-limit *=.*/time-limit = 30/' "$CONF"

# The retry path: the mailbox fed to liaison again, which records what is
# missing and knows the rest.
"$LIAISON" --help > "$T/help" 2>&1
if sed -n '/^Commands:/,/^$/p' "$T/help" | grep -q '^  reinject'; then
	as_user "$T/bin/liaison" -c "$CONF" reinject "$T/Maildir" > "$T/reinject.out" 2>&1
	check "liaison reinject of the mailbox exits 0" 0 "$?"
	sed 's/^/#   /' "$T/reinject.out"
else
	echo "# liaison has no reinject command: each file of the mailbox goes to deliver"
	bad=0
	for f in "$T/Maildir/new"/*; do
		as_user "$T/bin/liaison" -c "$CONF" deliver < "$f" || bad=$((bad + 1))
	done
	check "liaison deliver of each message of the mailbox exits 0" 0 "$bad"
fi
check "the missing message is recorded" 1 "$(recorded "$m2")"
check "the other one is not recorded twice" 1 "$(recorded "$m1")"
check "two messages, no more" 2 "$(sql 'SELECT count(*) FROM messages')"
check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
[ "$failures" = 0 ] || sed 's/^/#   /' "$T/sieve.out"
finish
