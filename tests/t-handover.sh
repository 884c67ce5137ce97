#!/bin/sh
# End-to-end: the grouped hand-over to the Maildir transport (the outbox
# claims a group of rows in one transaction, the transport makes their
# files durable together, one transaction records them). A reinject and a
# deliver leave every outbox row sent and exactly one file per outgoing
# message in new/, none in tmp/. A transport failure in the middle of a
# group (tmp/ full after a few files) records those handed over as sent
# and leaves the rest queued; `queue run --all` then sends each of those
# once. A group whose new/ cannot be synced is withdrawn whole: nothing in
# new/, every row queued, and `queue run --all` sends each once. The
# faults come from the LD_PRELOAD shim (tests/faults/shim.c).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"
write_config
S="$top_srcdir/samples/mail"
export LC_ALL=C

# The samples as an mbox, From_ text in bodies quoted the mboxrd way.
for f in "$S"/*.eml; do
	echo "From sender@example.org Fri Nov 27 10:00:00 2026"
	sed 's/^\(>*From \)/>\1/' "$f"
	echo
done > "$T/archive.mbox"

# fresh: an empty store, spool and Maildir.
fresh () { rm -rf "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm" "$T/spool" "$T/outbox"; }
# in_maildir: the Message-IDs of the files in new/, one per line, sorted
# (duplicates kept).
in_maildir () {
	for f in "$T/outbox/new"/*; do
		[ -f "$f" ] || continue
		sed '/^$/q' "$f" | sed -n 's/^Message-ID: *<\(.*\)>$/\1/Ip' | head -n 1
	done | sort
}
files () { find "$T/outbox/$1" -type f 2>/dev/null | wc -l; }
rows () { sql "SELECT count(*) FROM outbox${1:+ WHERE state = '$1'}"; }
ids () { sql "SELECT message_id FROM outbox${1:+ WHERE state = '$1'}" | sort; }
queue_run () { "$LIAISON" -c "$CONF" queue run --all > "$T/qout" 2> "$T/qerr"; qrc=$?; }

# A reinject: one group, every row sent, one file per row.
fresh
"$LIAISON" -c "$CONF" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "reinject exits 0" 0 "$?"
n=$(rows)
if [ "$n" -ge 4 ]; then ok "the samples queue several outgoing messages ($n)"; else not_ok "only $n outgoing messages"; fi
check "every outbox row is sent" "$n" "$(rows sent)"
check "one file in new/ per outgoing message" "$n" "$(files new)"
check "each outgoing message is in new/ once" "$(ids)" "$(in_maildir)"
check "nothing left in the Maildir's tmp/" 0 "$(files tmp)"
check "an event per hand-over" "$n" "$(sql "SELECT count(*) FROM events WHERE type = 'sent'")"
check "each row counts one attempt" "$n" "$(sql 'SELECT count(*) FROM outbox WHERE attempts = 1')"
queue_run
check "a queue run afterwards exits 0" 0 "$qrc"
check "and hands nothing over again" "$(ids)" "$(in_maildir)"

# A deliver: its own rows, handed over after its commit, the same way.
fresh
deliver "$S/01-action-ccamp.eml"
check "deliver exits 0" 0 "$rc"
n=$(rows)
if [ "$n" -ge 1 ]; then ok "deliver queues outgoing mail ($n)"; else not_ok "deliver queued nothing"; fi
check "deliver: every row sent" "$n" "$(rows sent)"
check "deliver: one file per outgoing message" "$(ids)" "$(in_maildir)"
check "deliver: nothing in tmp/" 0 "$(files tmp)"

if [ ! -f "$SHIM" ]; then
	echo "no fault shim at $SHIM: the failures are not tested"
	finish
fi

# The Maildir's tmp/ fills up after three files: the first three of the
# group are sent, the others stay queued, and `queue run` sends each of
# them once.
fresh
env LD_PRELOAD="$PRELOAD" LIAISON_FAULT_OPS=openw LIAISON_FAULT_PATH="$T/outbox/tmp/" \
	LIAISON_FAULT_AFTER=3 "$LIAISON" -c "$CONF" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "reinject with a full Maildir exits 0" 0 "$?"
n=$(rows)
check "three rows sent before the transport failed" 3 "$(rows sent)"
check "the rest of the group stays queued" $((n - 3)) "$(rows queued)"
check "nothing is claimed any more" 0 "$(rows sending)"
check "the three sent ones are in new/, once each" "$(ids sent)" "$(in_maildir)"
check "nothing left in tmp/" 0 "$(files tmp)"
check "the queued ones say why" $((n - 3)) \
	"$(sql "SELECT count(*) FROM outbox WHERE state = 'queued' AND last_error LIKE '%No space%'")"
queue_run
check "queue run exits 0" 0 "$qrc"
check "then every row is sent" "$n" "$(rows sent)"
check "and each outgoing message is in new/ once" "$(ids)" "$(in_maildir)"
queue_run
check "a second queue run sends nothing" "$(ids)" "$(in_maildir)"

# new/ cannot be synced: the group is withdrawn, nothing is delivered and
# every row stays queued; `queue run` sends each once.
fresh
env LD_PRELOAD="$PRELOAD" LIAISON_FAULT_OPS=fsync LIAISON_FAULT_ERRNO=EIO \
	LIAISON_FAULT_PATH="$T/outbox/new" "$LIAISON" -c "$CONF" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "reinject with a failing new/ exits 0" 0 "$?"
n=$(rows)
check "no row is sent" 0 "$(rows sent)"
check "every row stays queued" "$n" "$(rows queued)"
check "nothing is left in new/" 0 "$(files new)"
check "nothing is left in tmp/" 0 "$(files tmp)"
queue_run
check "queue run exits 0" 0 "$qrc"
check "then every row is sent" "$n" "$(rows sent)"
check "each outgoing message is in new/ once" "$(ids)" "$(in_maildir)"

# The same for deliver: it exits 0 and its mail waits in the outbox.
fresh
env LD_PRELOAD="$PRELOAD" LIAISON_FAULT_OPS=fsync LIAISON_FAULT_ERRNO=EIO \
	LIAISON_FAULT_PATH="$T/outbox/new" "$LIAISON" -c "$CONF" deliver < "$S/01-action-ccamp.eml" 2> "$T/stderr"
check "deliver with a failing new/ exits 0" 0 "$?"
n=$(rows)
check "deliver: every row stays queued" "$n" "$(rows queued)"
check "deliver: nothing in new/" 0 "$(files new)"
queue_run
check "deliver: queue run then sends each once" "$(ids)" "$(in_maildir)"
check "deliver: every row sent" "$n" "$(rows sent)"

finish
