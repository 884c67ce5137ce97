#!/bin/sh
# deliver's lines in syslog, facility mail: one per message with its
# Message-ID, class, statement id, hold reason and duration; one per message
# sent; one, at priority err, for a temporary failure.
#
# syslog(3) writes to /dev/log, which a machine without a syslog daemon
# does not have, and which the test must not take from one that has. So
# the test runs in a mount namespace of its own with a /dev of its own: the
# few devices a program needs, and /dev/log, a datagram socket on which a
# receiver (OpenBSD netcat) writes what it is sent to a file.
if [ -z "${LIAISON_IN_NAMESPACE:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "# skipped: needs root (a mount namespace with a /dev/log of its own)"
		exit 77
	fi
	for p in unshare nc.openbsd setpriv useradd sqlite3; do
		if ! command -v "$p" >/dev/null 2>&1; then
			echo "# skipped: $p is not installed (scripts/deps.sh installs it)"
			exit 77
		fi
	done
	if ! unshare --mount true 2>/dev/null; then
		echo "# skipped: cannot make a mount namespace here"
		exit 77
	fi
	LIAISON_IN_NAMESPACE=1 exec unshare --mount --propagation private sh "$0" "$@"
fi
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/mta.sh"
S="$top_srcdir/samples/mail"

mta_user
write_config "time-limit = 30"
chmod 644 "$CONF"

# The private /dev: each device is bound on a file of $T/dev, then $T/dev
# with them on /dev. At exit the binds go first, so that removing $T
# never reaches a device.
mkdir "$T/dev"
for n in null zero full random urandom tty; do
	[ -e "/dev/$n" ] || continue
	touch "$T/dev/$n"
	mount --bind "/dev/$n" "$T/dev/$n"
	mta_at_exit "umount '$T/dev/$n'"
done
mount --rbind "$T/dev" /dev
mta_at_exit "umount -l /dev"
# Appending, so that the file can be emptied between two steps.
nc.openbsd -lkuU /dev/log >> "$T/syslog" 2>"$T/nc.err" &
receiver=$!
mta_at_exit "kill $receiver"
if ! wait_for 10 test -S /dev/log; then
	not_ok "a receiver listens on /dev/log"
	sed 's/^/#   /' "$T/nc.err"
	finish
fi
chmod 666 /dev/log

# The datagrams, one a line: "<PRIORITY>TIMESTAMP TAG[PID]: TEXT".
lines () { { cat "$T/syslog"; echo; } | sed 's/<\([0-9]\{1,3\}\)>/\n<\1>/g' | sed '/^$/d'; }
# logged PATTERN: how many lines match (extended regular expression).
logged () { lines | grep -cE -- "$1"; }
msgid () { sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' "$1" | head -1; }
run () {
	as_user "$T/bin/liaison" -c "$CONF" deliver "$@" 2>"$T/stderr"
	rc=$?
	sleep 0.3
}

# mail.info is <22>, mail.warning <20>, mail.err <19>.
m1="$S/01-action-ccamp.eml"
run -f tsbsg15@itu.int -r statements@example.org < "$m1"
check "deliver exits 0" 0 "$rc"
wait_for 5 test -s "$T/syslog"
lines | sed 's/^/#   /'
id1=$(sql "SELECT ls_id FROM statements")
check "one line at mail.info for the message, with its Message-ID, class, id and duration" 1 \
	"$(logged "^<22>.* liaison\[[0-9]+\]: message-id=<$(msgid "$m1")> class=statement id=$id1 .*duration=[0-9]+ms$")"
check "one line at mail.info for each message sent" \
	"$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" \
	"$(logged "^<22>.* liaison\[[0-9]+\]: id=$id1 [a-z]+ message-id=<[^>]+> recipients=[0-9]+ status=sent")"
routes1=$(sql "SELECT group_concat(address, ',') FROM (SELECT address FROM routes ORDER BY position)")
case $routes1 in *@*,*@*) ok "the statement has several routes" ;; *) not_ok "the statement has several routes ($routes1)" ;; esac
check "the line names its routes, in order, before the duration" 1 \
	"$(logged "^<22>.* message-id=<$(msgid "$m1")> class=statement id=$id1 routes=$(printf '%s' "$routes1" | sed 's/[.+]/\\&/g') duration=[0-9]+ms$")"

: > "$T/syslog"
run < "$m1"
check "a second copy exits 0" 0 "$rc"
wait_for 5 test -s "$T/syslog"
lines | sed 's/^/#   /'
check "its line says duplicate" 1 "$(logged "^<22>.* message-id=<$(msgid "$m1")> class=statement duplicate id=")"
check "a duplicate routes nothing" 1 "$(logged "^<22>.* message-id=<$(msgid "$m1")> class=statement duplicate id=- routes=- duration=")"

: > "$T/syslog"
m8="$S/08-unknown-group.eml"
run < "$m8"
check "a held statement exits 0" 0 "$rc"
wait_for 5 test -s "$T/syslog"
check "its line gives the reason it is held" 1 \
	"$(logged "^<22>.* message-id=<$(msgid "$m8")> class=statement id=[A-Z]+-[0-9]+-[0-9]+ held=.*unresolved destination group")"

: > "$T/syslog"
m2="$S/02-information-detnet.eml"
sed -i 's/^time-limit *=.*/time-limit = 2/' "$CONF"
hold_lock
run < "$m2"
release_lock
check "deliver exits 75 while the database is locked" 75 "$rc"
wait_for 5 test -s "$T/syslog"
lines | sed 's/^/#   /'
check "one line at mail.err with the Message-ID and the status code" 1 \
	"$(logged "^<19>.* liaison\[[0-9]+\]: deferred: message-id=<$(msgid "$m2")> status=4\.3\.0 error=.*locked")"
check "the same text as on stderr" 1 \
	"$(logged "error=$(sed 's/^4\.3\.0 liaison: //; s/[][\\.*^$/]/./g' "$T/stderr")$")"
finish
