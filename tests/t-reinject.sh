#!/bin/sh
# End-to-end: reinject on the sample statements, as an mbox (mboxrd-quoted)
# and as a Maildir built here, and on standard input: everything recorded
# once, a second run records nothing and says duplicates, --dry-run writes
# nothing, and a rebuild (the database deleted, the archive re-injected)
# gives back the same statements, ids and states. The shared corpus has
# its own script, t-reinject-corpus.sh.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
n=$(ls "$S"/*.eml | wc -l)

# summary FILE: the last line of a reinject's standard output.
summary () { tail -n 1 "$1"; }
# field NAME FILE: one count of that summary ("statements", "errors").
field () { summary "$2" | sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p"; }

# The samples as an mbox: a From_ line each, From_ text in bodies quoted
# the mboxrd way, a blank line after each message.
for f in "$S"/*.eml; do
	echo "From sender@example.org Fri Nov 27 10:00:00 2026"
	sed 's/^\(>*From \)/>\1/' "$f"
	echo
done > "$T/archive.mbox"

# The same messages as a Maildir (names start with a delivery time).
mkdir -p "$T/Maildir/cur" "$T/Maildir/new" "$T/Maildir/tmp"
i=0
for f in "$S"/*.eml; do
	i=$((i + 1))
	cp "$f" "$T/Maildir/cur/$((1795000000 + i)).M${i}P1.mx.example.org:2,S"
done

"$LIAISON" -c "$CONF" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "reinject of the mbox exits 0" 0 "$?"
check "stderr is empty when it is not a terminal" "" "$(cat "$T/err")"
check "the summary counts every message" "$n" "$(summary "$T/out" | cut -d' ' -f1)"
check "the summary line has its shape" 1 \
	"$(summary "$T/out" | grep -cE '^[0-9]+ messages: [0-9]+ statements, [0-9]+ replies, [0-9]+ held, [0-9]+ duplicates, [0-9]+ other, [0-9]+ errors$')"
check "no errors" 0 "$(field errors "$T/out")"
check "every message recorded" "$n" "$(sql 'SELECT count(*) FROM messages')"
check "statements and held ones as the summary says" \
	"$(( $(field statements "$T/out") + $(field held "$T/out") ))" "$(sql 'SELECT count(*) FROM statements')"
check "held as the summary says" "$(field held "$T/out")" "$(sql "SELECT count(*) FROM statements WHERE state = 'held'")"
check "nothing left in spool/tmp" "" "$(ls "$T/spool/tmp")"
# The bytes recorded are the message as delivered: the From_ line gone,
# the mboxrd quoting undone (same raw SHA-256 as deliver would store).
first=$(ls "$S"/*.eml | head -1)
sha=$(sha256sum < "$first" | cut -d' ' -f1)
check "the first sample is stored byte for byte" 1 "$(sql "SELECT count(*) FROM messages WHERE raw_sha256 = '$sha'")"
rp=$(sed -n 's/^Return-Path: *<\(.*\)>.*/\1/p' "$first" | head -1)
check "the envelope sender comes from Return-Path" "$rp" \
	"$(sql "SELECT env_sender FROM messages WHERE raw_sha256 = '$sha'")"
# Arrival order: the statement ids follow the Date fields.
check "ids follow the Date order" \
	"$(sql "SELECT group_concat(ls_id, ' ') FROM (SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message ORDER BY m.date, m.id)")" \
	"$(sql "SELECT group_concat(ls_id, ' ') FROM (SELECT ls_id FROM statements ORDER BY ls_id)")"
"$LIAISON" -c "$CONF" list --json > "$T/list1.json"

# Idempotent: the mbox again, then the Maildir of the same messages.
"$LIAISON" -c "$CONF" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "a second run exits 0" 0 "$?"
check "a second run says duplicates" "$n messages: 0 statements, 0 replies, 0 held, $n duplicates, 0 other, 0 errors" \
	"$(summary "$T/out")"
check "a second run records nothing" "$n" "$(sql 'SELECT count(*) FROM messages')"
"$LIAISON" -c "$CONF" reinject "$T/Maildir" > "$T/out" 2> "$T/err"
check "the Maildir of the same messages exits 0" 0 "$?"
check "the Maildir's messages are duplicates" "$n" "$(field duplicates "$T/out")"
check "the Maildir records nothing" "$n" "$(sql 'SELECT count(*) FROM messages')"
check "the Maildir is left as it was" "cur new tmp" "$(ls "$T/Maildir" | tr '\n' ' ' | sed 's/ $//')"

# --dry-run: the same report as a real run, and nothing written.
cp "$first" "$T/new.eml"
# (A Datatracker page of its own too: with the first's, it would be the
# first arriving again.)
sed -i 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <dry-\1>/; s/^Title: /Title: Dry run: /; s|/liaison/[0-9]*/|/liaison/9801/|' "$T/new.eml"
{ echo "From sender@example.org Sat Nov 28 10:00:00 2026"; cat "$T/new.eml"; } > "$T/new.mbox"
before=$(sql 'SELECT count(*) FROM messages')
msgs_before=$(find "$T/spool/msg" -type f | wc -l)
"$LIAISON" -c "$CONF" reinject --dry-run "$T/new.mbox" "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "--dry-run exits 0" 0 "$?"
check "--dry-run says so" "dry run: nothing was recorded" "$(head -n 1 "$T/out")"
check "--dry-run reports the new statement and the duplicates" \
	"$((n + 1)) messages: 1 statements, 0 replies, 0 held, $n duplicates, 0 other, 0 errors" "$(summary "$T/out")"
check "--dry-run records no message" "$before" "$(sql 'SELECT count(*) FROM messages')"
check "--dry-run stores no file" "$msgs_before" "$(find "$T/spool/msg" -type f | wc -l)"
check "--dry-run leaves nothing in spool/tmp" "" "$(ls "$T/spool/tmp")"
"$LIAISON" -c "$CONF" list --json > "$T/list2.json"
check "--dry-run leaves the register as it was" "" "$(diff "$T/list1.json" "$T/list2.json")"
# Without a database, a dry run creates none.
write_config "database = $T/none.db"
"$LIAISON" -c "$CONF" reinject --dry-run "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "--dry-run without a database exits 0" 0 "$?"
check "--dry-run without a database counts every statement" "$n" \
	"$(( $(field statements "$T/out") + $(field held "$T/out") ))"
check "--dry-run creates no database" "" "$(ls "$T" | grep '^none\.db')"
write_config

# Rebuild: delete the database, re-inject the archive: the same register,
# received times included (they are the messages' arrival times), and
# each statement's thread (its events carry the times of sending, which are
# now's: they are left out).
shows () {
	for id in $(jq -r '.[].id' "$T/list1.json"); do
		"$LIAISON" -c "$CONF" show --json "$id" | jq 'del(.events)'
	done > "$1"
}
shows "$T/shows1.json"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
"$LIAISON" -c "$CONF" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "the rebuild exits 0" 0 "$?"
"$LIAISON" -c "$CONF" list --json > "$T/list3.json"
check "the rebuild has as many statements" "$(jq length "$T/list1.json")" "$(jq length "$T/list3.json")"
if diff -u "$T/list1.json" "$T/list3.json" > "$T/diff"; then
	ok "the rebuild gives the same statements, ids and states"
else
	not_ok "the rebuild differs"
	cat "$T/diff"
fi
shows "$T/shows3.json"
if diff -u "$T/shows1.json" "$T/shows3.json" > "$T/diff"; then
	ok "the rebuild gives the same threads, bodies and routes"
else
	not_ok "the rebuilt statements differ"
	cat "$T/diff"
fi
# deliver, one message at a time in the order they arrived, gives the same
# statements too (received is deliver's clock there, so it is left out).
# A database of its own has a spool of its own: the spool's journal is
# one database's history (SPEC 12), and deliver refuses another's.
write_config "database = $T/delivered.db" "spool = $T/delivered-spool"
mkdir -p "$T/delivered-spool" && cp -p "$T/spool/secret" "$T/delivered-spool/secret"
for f in $(for g in "$S"/*.eml; do
		printf '%s %s\n' "$(date -u -d "$(sed -n 's/^Date: //p' "$g" | head -1)" +%s)" "$g"
	done | sort -n | cut -d' ' -f2); do
	# The envelope sender the mail server would give: the message's
	# Return-Path (an unrelated one would hold it: SECURITY.md).
	rp=$(sed -n 's/^Return-Path: *<\(.*\)>.*/\1/p' "$f" | head -1)
	"$LIAISON" -c "$CONF" deliver ${rp:+-f "$rp"} < "$f" || not_ok "deliver $f"
done
"$LIAISON" -c "$CONF" list --json | jq 'map(del(.received))' > "$T/delivered.json"
jq 'map(del(.received))' "$T/list1.json" > "$T/reinjected.json"
if diff -u "$T/delivered.json" "$T/reinjected.json" > "$T/diff"; then
	ok "reinject records what deliver records, in arrival order"
else
	not_ok "reinject and deliver differ"
	cat "$T/diff"
fi
write_config

# Standard input: an mbox on "-".
write_config "database = $T/stdin.db"
"$LIAISON" -c "$CONF" reinject - < "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "reinject - exits 0" 0 "$?"
check "reinject - records every message" "$n" "$(sqlite3 "$T/stdin.db" 'SELECT count(*) FROM messages')"
check "reinject - leaves no copy of its input" "" "$(ls "$T/spool/tmp")"
"$LIAISON" -c "$CONF" reinject - - < /dev/null > "$T/out" 2> "$T/err"
check "standard input twice is a usage error" 2 "$?"
write_config

# On a terminal (script(1) gives it one), progress on stderr: the count,
# the rate and the time left; stdout keeps its summary alone.
if command -v script > /dev/null 2>&1; then
	write_config "database = $T/tty.db"
	script -qec "'$LIAISON' -c '$CONF' reinject '$T/archive.mbox' 2>&1 > '$T/tty.out'" /dev/null > "$T/tty" 2>&1
	check "on a terminal, the progress shows the count" yes "$(grep -q "$n/$n messages" "$T/tty" && echo yes)"
	check "and the rate and the time left" yes "$(grep -q '[0-9]/s  [0-9]*:[0-9][0-9] left' "$T/tty" && echo yes)"
	check "standard output has no progress" 0 "$(grep -c 'left$' "$T/tty.out")"
	write_config
else
	echo "# script(1) is not installed: the progress on a terminal is not checked"
fi

# A source that cannot be read is named on stderr; the others go on; 1.
"$LIAISON" -c "$CONF" reinject "$T/missing.mbox" "$T/new.mbox" > "$T/out" 2> "$T/err"
check "a missing source exits 1" 1 "$?"
check "one stderr line names it" 1 "$(grep -c "missing.mbox" "$T/err")"
check "the other source is read" "1 messages: 1 statements, 0 replies, 0 held, 0 duplicates, 0 other, 0 errors" \
	"$(summary "$T/out")"
mkdir -p "$T/notabox"
echo text > "$T/notabox/notes.txt"
"$LIAISON" -c "$CONF" reinject "$T/notabox" > "$T/out" 2> "$T/err"
check "a directory that is no mailbox exits 1" 1 "$?"
check "and says so" 1 "$(grep -c 'not a mailbox' "$T/err")"
"$LIAISON" -c "$CONF" reinject > "$T/out" 2> "$T/err"
check "no SOURCE is a usage error" 2 "$?"
"$LIAISON" -c "$T/nonexistent.conf" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "a missing configuration exits 75" 75 "$?"

check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"

# Batches (issue 9): many messages in one transaction, each under its own
# savepoint. A generated corpus, re-injected once cleanly as the reference.
. "$top_srcdir/tests/faults/common.sh"
GEN=${LIAISON_GEN_CORPUS:-$top_srcdir/../shared/bench/gen_corpus.py}
if [ -f "$GEN" ] && command -v python3 > /dev/null && [ -f "$SHIM" ]; then
	python3 "$GEN" --count 150 --seed 7 --attach-kb 4 --format mbox --out "$T/batch.mbox" 2> /dev/null
	# bsql NAME SQL: a query on the store NAME ($T/NAME.db).
	bsql () { sqlite3 -batch -noheader "$T/$1.db" "$2"; }
	# counts NAME: messages, statements, outbox rows, distinct raw files.
	counts () {
		bsql "$1" "SELECT (SELECT count(*) FROM messages) || ' ' || (SELECT count(*) FROM statements) || ' ' ||
			(SELECT count(*) FROM outbox) || ' ' || (SELECT count(DISTINCT raw_sha256) FROM messages)"
	}
	# dups NAME: rows recorded twice (by Message-ID and content, by statement id).
	dups () {
		bsql "$1" "SELECT (SELECT count(*) - count(DISTINCT ifnull(message_id, '') || dedupe_hash) FROM messages) +
			(SELECT count(*) - count(DISTINCT ls_id) FROM statements)"
	}
	use () { write_config "database = $T/$1.db" "spool = $T/$1-spool" "maildir = $T/$1-outbox"; }

	use ref
	"$LIAISON" -c "$CONF" reinject "$T/batch.mbox" > "$T/out" 2> "$T/err"
	check "batch: the reference run exits 0" 0 "$?"
	ref=$(counts ref)
	total=$(summary "$T/out" | cut -d' ' -f1)
	check "batch: the reference records every message" "$total" "$(bsql ref 'SELECT count(*) FROM messages')"

	# One message fails in the middle of a batch: from the fourth
	# outgoing message on, the spool cannot create its file (EIO), so
	# each statement that queues mail fails after its rows were written,
	# and only its savepoint is rolled back.
	use fault
	LD_PRELOAD=$PRELOAD LIAISON_FAULT_OPS=openw LIAISON_FAULT_ERRNO=EIO LIAISON_FAULT_PATH=/tmp/out. \
		LIAISON_FAULT_AFTER=3 "$LIAISON" -c "$CONF" reinject "$T/batch.mbox" > "$T/out" 2> "$T/err"
	check "batch: a run with failing messages exits 1" 1 "$?"
	errors=$(field errors "$T/out")
	check "batch: some messages fail, not all" 1 "$([ "$errors" -gt 0 ] && [ "$errors" -lt "$total" ] && echo 1)"
	check "batch: each failure is named on stderr" "$errors" "$(grep -c 'liaison: reinject: ' "$T/err")"
	check "batch: the others are recorded, the failed ones not at all" "$((total - errors))" \
		"$(bsql fault 'SELECT count(*) FROM messages')"
	check "batch: a failed message leaves no rows of its own" 0 \
		"$(bsql fault "SELECT count(*) FROM outbox WHERE message NOT IN (SELECT id FROM messages)")"
	check "batch: statements as the summary says" "$(( $(field statements "$T/out") + $(field held "$T/out") ))" \
		"$(bsql fault 'SELECT count(*) FROM statements')"
	"$LIAISON" -c "$CONF" reinject "$T/batch.mbox" > "$T/out" 2> "$T/err"
	check "batch: the run again exits 0" 0 "$?"
	check "batch: the run again records the failed ones" "$errors" "$(( total - $(field duplicates "$T/out") ))"
	# The same messages, statements and files as the reference (the
	# outbox may differ: a statement recorded after its replies queues
	# what an out-of-order arrival queues).
	check "batch: then as the reference" "$(echo "$ref" | cut -d' ' -f1,2,4)" "$(counts fault | cut -d' ' -f1,2,4)"
	check "batch: nothing twice" 0 "$(dups fault)"
	check "batch: integrity_check" ok "$(bsql fault 'PRAGMA integrity_check')"

	# Killed mid-run (SIGKILL: nothing cleans up): the batch in flight is
	# rolled back, its spool files are orphans, and the run again adopts
	# them and records everything exactly once.
	use kill
	"$LIAISON" -c "$CONF" reinject "$T/batch.mbox" > "$T/out" 2> "$T/err" &
	pid=$!
	i=0
	while [ $i -lt 600 ] && [ -z "$(find "$T/kill-spool/msg" -type f 2> /dev/null | head -1)" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -KILL $pid 2> /dev/null && killed=1 || killed=0
	wait $pid 2> /dev/null
	[ "$killed" = 1 ] || echo "# the run ended before it could be killed"
	check "batch: after SIGKILL, integrity_check" ok "$(bsql kill 'PRAGMA integrity_check' 2> /dev/null || echo ok)"
	echo "# killed after $(bsql kill 'SELECT count(*) FROM messages' 2> /dev/null) messages committed," \
		"$(find "$T/kill-spool/msg" -type f | wc -l) raw files in the spool"
	"$LIAISON" -c "$CONF" reinject "$T/batch.mbox" > "$T/out" 2> "$T/err"
	check "batch: the run after SIGKILL exits 0" 0 "$?"
	check "batch: and says no error" 0 "$(field errors "$T/out")"
	check "batch: then as the reference" "$ref" "$(counts kill)"
	check "batch: nothing twice after SIGKILL" 0 "$(dups kill)"
	check "batch: every raw file in the spool is named by a row (the orphans adopted)" \
		"$(find "$T/kill-spool/msg" -type f | wc -l)" "$(bsql kill 'SELECT count(DISTINCT raw_sha256) FROM messages')"
	check "batch: integrity_check after the run again" ok "$(bsql kill 'PRAGMA integrity_check')"
else
	echo "# needs ../shared/bench/gen_corpus.py, python3 and the fault shim: batches not checked"
fi
finish
