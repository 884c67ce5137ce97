#!/bin/sh
# End-to-end: 32 deliveries at once into one database that does not exist
# yet (32 distinct messages made from the samples), then the same 32 again
# at once, then 32 other ones at once. Every exit is 0; every message is
# recorded exactly once; the statement ids are unique and consecutive; the
# spool and the database agree. (That nothing is sent twice is the routing tests' to check once
# outgoing mail exists: here, no outbox message is queued twice.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"
write_config
N=32
set -- "$top_srcdir"/samples/mail/*.eml
samples=$#
i=0
while [ "$i" -lt "$N" ]; do
	eval "f=\${$((i % samples + 1))}"
	# shellcheck disable=SC2154
	variant "$f" "$i" "$T/m$i.eml"
	variant "$f" "$((i + N))" "$T/n$i.eml"
	i=$((i + 1))
done

# burst ROUND PREFIX: starts the N deliveries at once (each waits for a line on a
# FIFO that this shell holds open, so that none blocks in open(2) and none
# can miss its line), then waits for each; prints the exit statuses that
# were not 0.
burst () {
	rm -f "$T/go"
	mkfifo "$T/go"
	exec 3<>"$T/go"
	i=0 pids=
	while [ "$i" -lt "$N" ]; do
		{ read -r _ < "$T/go"; "$LIAISON" -c "$CONF" deliver < "$T/$2$i.eml" 2>"$T/err$1.$i"; echo $? > "$T/rc$1.$i"; } 3>&- &
		pids="$pids $!"
		i=$((i + 1))
	done
	i=0
	while [ "$i" -lt "$N" ]; do echo go; i=$((i + 1)); done >&3
	for p in $pids; do wait "$p"; done
	exec 3>&-
	i=0
	while [ "$i" -lt "$N" ]; do
		read -r rc < "$T/rc$1.$i"
		[ "$rc" = 0 ] || echo "message $i: exit $rc: $(head -c 300 "$T/err$1.$i")"
		i=$((i + 1))
	done
}

start=$(date +%s)
check "$N deliveries at once into a new database: every exit 0" "" "$(burst 1 m)"
echo "first round: $(($(date +%s) - start)) s"
check "every message recorded once" "$N|$N" \
	"$(sql 'SELECT count(*), count(DISTINCT message_id) FROM messages')"
statements=$(sql "SELECT count(*) FROM messages WHERE kind = 'statement'")
check "one statement per message classified as one ($statements)" "$statements" "$(sql 'SELECT count(*) FROM statements')"
check "statement ids unique and consecutive from 1" "$statements|$statements|1|$statements" \
	"$(sql 'SELECT count(*), count(DISTINCT ls_id), min(seq), max(seq) FROM statements')"
check "spool and database agree, integrity_check ok" "ok 0" "$(audit | cut -d' ' -f3-)"
[ ! -s "$T/problems" ] || head -5 "$T/problems"
ids=$(sql 'SELECT group_concat(ls_id) FROM (SELECT ls_id FROM statements ORDER BY id)')

start=$(date +%s)
check "the same $N again at once: every exit 0" "" "$(burst 2 m)"
echo "second round: $(($(date +%s) - start)) s"
check "nothing recorded twice" "$N|$N" "$(sql 'SELECT count(*), count(DISTINCT message_id) FROM messages')"
check "no statement added or changed" "$ids" \
	"$(sql 'SELECT group_concat(ls_id) FROM (SELECT ls_id FROM statements ORDER BY id)')"
check "no outbox message queued twice" "" \
	"$(sql 'SELECT message_id FROM outbox GROUP BY message_id HAVING count(*) > 1' 2>/dev/null)"
start=$(date +%s)
check "$N other ones at once into the existing database: every exit 0" "" "$(burst 3 n)"
echo "third round: $(($(date +%s) - start)) s"
check "every message recorded once" "$((2 * N))|$((2 * N))" \
	"$(sql 'SELECT count(*), count(DISTINCT message_id) FROM messages')"
statements=$(sql "SELECT count(*) FROM messages WHERE kind = 'statement'")
check "statement ids still unique and consecutive from 1" "$statements|$statements|1|$statements" \
	"$(sql 'SELECT count(*), count(DISTINCT ls_id), min(seq), max(seq) FROM statements')"
check "spool and database agree, integrity_check ok, at the end" "ok 0" "$(audit | cut -d' ' -f3-)"
finish
