#!/bin/sh
# End-to-end: the spool is the source of truth (SPEC §12). Fifty messages
# are delivered one by one, at arrival times whose order is not their Date
# headers' (the samples, generated statements in reverse, the replies of
# tests/data/threads, held messages that are no statements), with route,
# close, reopen, taken, promote and dismiss by hand between them and a
# remind run (a reminder, and the summary of the held messages over
# held-notice-limit); then the database is deleted and `liaison rebuild`
# recreates it from the spool, the journal and the secret: the same list,
# list --held, every show --json (ids and handles) and thread --json byte
# for byte, the same outbox rows and Message-IDs, and no mail sent. Then: a torn last journal
# line is ignored; an installation without a journal gets one written from
# its database, which rebuilds to the same register; rebuild refuses an
# existing database without --force; reinject orders by arrival, not Date.
. "$top_srcdir/tests/lib.sh"
GEN=${LIAISON_GEN_CORPUS:-$top_srcdir/../shared/bench/gen_corpus.py}
if [ ! -f "$GEN" ] || ! command -v python3 > /dev/null || ! command -v jq > /dev/null; then
	echo "# needs ../shared/bench/gen_corpus.py (or \$LIAISON_GEN_CORPUS), python3 and jq"
	exit 77
fi
write_config "held-notice-limit = 2"
S="$top_srcdir/samples/mail"
D="$top_srcdir/tests/data/threads"
python3 "$GEN" --count 28 --seed 7 --attach-kb 4 --no-malformed --format maildir \
	--out "$T/gen" 2> /dev/null
check "the corpus is generated" 0 "$?"

# at N: the Nth arrival time, one minute apart.
at () { printf '2026-11-27T%02d:%02d:00Z' $((8 + $1 / 60)) $(($1 % 60)); }
n=0
errors=0
arrive () {
	n=$((n + 1))
	LIAISON_NOW=$(at $n) "$LIAISON" -c "$CONF" deliver -f "${2:-sender@example.org}" \
		-r statements@example.org < "$1" 2>> "$T/deliver.err" || errors=$((errors + 1))
}
act () {
	n=$((n + 1))
	LIAISON_NOW=$(at $n) "$LIAISON" -c "$CONF" "$@" > /dev/null 2>> "$T/act.err" ||
		errors=$((errors + 1))
}

for f in "$S"/*.eml; do arrive "$f"; done
act route LS-2026-0008 ccamp --by alice
act taken LS-2026-0001 --by bob
# The generated statements in the reverse of their Date order.
for f in $(ls "$T"/gen/new/* | sort -r); do arrive "$f"; done
act close LS-2026-0002
act close LS-2026-0003 --by carol
act reopen LS-2026-0003 --by carol
for f in "$D"/*.eml; do arrive "$f"; done
act taken LS-2026-0010
act close LS-2026-0012
# Four held messages that are no statements, from one sender: two notices
# to triage, two left for remind's summary. One is promoted, one dismissed.
for i in 1 2 3 4; do
	cat > "$T/plain.eml" <<EOF
From: Pat Doe <pat@example.com>
To: statements@example.org
Subject: Meeting logistics $i
Message-ID: <plain-$i@example.com>
Date: Fri, 27 Nov 2026 09:00:00 +0000

Where do we have lunch on Thursday?
EOF
	arrive "$T/plain.eml" pat@example.com
done
handle () { sql "SELECT s.handle FROM statements s JOIN messages m ON m.id = s.message
	WHERE m.message_id = 'plain-$1@example.com'"; }
promoted=$(handle 1)
dismissed=$(handle 2)
act promote "$promoted" 'title=LS on lunch' 'from=ITU-T SG15' 'to=teas;ccamp' purpose=action \
	deadline=2026-12-20 --by dave
act dismiss "$dismissed" --by erin
LIAISON_NOW=2026-12-04T08:00:00Z "$LIAISON" -c "$CONF" remind --today 2026-12-04 > /dev/null 2>> "$T/act.err" ||
	errors=$((errors + 1))
# A resend queues a message's mail again, and sends it.
{ echo "From tsbsg15@itu.int Fri Oct  2 12:05:00 2026"; cat "$S/01-action-ccamp.eml"; echo; } > "$T/01.mbox"
LIAISON_NOW=2026-12-05T08:00:00Z "$LIAISON" -c "$CONF" reinject --resend "$T/01.mbox" > /dev/null \
	2>> "$T/act.err" || errors=$((errors + 1))
check "every delivery and action exits 0" "0 " "$errors $(cat "$T/deliver.err" "$T/act.err")"
check "the resend is journaled" 1 "$(grep -c '^[0-9a-f]* requeue	' "$T/spool/journal")"
check "fifty-four messages recorded" 54 "$(sql "SELECT count(*) FROM messages")"
check "Date and arrival disagree" 1 \
	"$([ "$(sql "SELECT count(*) FROM messages a JOIN messages b ON a.id < b.id
		WHERE a.date > b.date")" -gt 10 ] && echo 1)"
check "the journal has the manual actions, with who did them" "alice bob $(id -un) carol carol" \
	"$(grep -o 'action	[^	]*	[^	]*' "$T/spool/journal" | cut -f3 | sed -n '1,5p' |
		tr '\n' ' ' | sed 's/ $//')"
check "promote and dismiss are journaled, with who" "dave promote $promoted erin dismiss $dismissed" \
	"$(grep -o 'action	[^	]*	[^	]*	[^	]*	[^	]*' "$T/spool/journal" |
		grep '	promote	\|	dismiss	' | cut -f3-5 | tr '\t\n' '  ' | sed 's/ $//')"
check "so is the summary of held messages" 1 \
	"$(grep -c '^[0-9a-f]* action	[^	]*	remind	held-summary	' "$T/spool/journal")"
check "which was sent" "sent" "$(sql "SELECT group_concat(state) FROM outbox WHERE kind = 'held-summary'")"

# snapshot DIR: every view of the register, and the outbox.
snapshot () {
	mkdir -p "$1"
	"$LIAISON" -c "$CONF" list --json > "$1/list.json"
	"$LIAISON" -c "$CONF" list --held --json > "$1/held.json"
	for id in $(jq -r '.[].id' "$1/list.json" "$1/held.json") \
	          $(sql "SELECT handle FROM statements WHERE handle IS NOT NULL"); do
		"$LIAISON" -c "$CONF" show --json "$id" > "$1/show-$id.json"
		"$LIAISON" -c "$CONF" thread --json "$id" > "$1/thread-$id.json"
	done
	sql "SELECT m.id, m.message_id, m.raw_sha256, m.received, m.kind, m.hold_reason, m.role,
		s.ls_id FROM messages m LEFT JOIN statements s ON s.id = m.statement ORDER BY m.id" \
		> "$1/messages"
	sql "SELECT o.id, o.kind, o.message_id, o.sender, o.sha256, o.state, o.created, o.sent,
		(SELECT group_concat(address || ' ' || role || ' ' || status, ', ') FROM routes r
		 WHERE r.outbox = o.id) FROM outbox o ORDER BY o.id" > "$1/outbox"
	sql "SELECT s.ls_id, r.stage, r.day FROM reminders r JOIN statements s ON s.id = r.statement
		ORDER BY r.id" > "$1/reminders"
}
# same NAME A B: the two snapshots the same, file by file.
same () {
	check "$1: the same files" "$(ls "$2")" "$(ls "$3")"
	differ=0
	for f in "$2"/*; do
		cmp -s "$f" "$3/${f##*/}" || {
			differ=$((differ + 1))
			[ "$differ" -le 2 ] && diff -u "$f" "$3/${f##*/}" | head -20 | sed 's/^/# /'
		}
	done
	check "$1: every view byte for byte the same" 0 "$differ"
}
sent_files () { find "$T/outbox" -type f | wc -l; }

snapshot "$T/before"
check "the register has statements" 1 "$([ "$(jq length "$T/before/list.json")" -ge 30 ] && echo 1)"
check "nothing is left queued" 0 "$(sql "SELECT count(*) FROM outbox WHERE state <> 'sent'")"
check "a reminder was sent" 1 "$([ -s "$T/before/reminders" ] && echo 1)"
check "held messages are listed" 1 "$([ "$(jq length "$T/before/held.json")" -ge 2 ] && echo 1)"
check "the promoted one is a statement" "open $promoted" \
	"$(jq -r '"\(.state) \(.handle)"' "$T/before/show-$promoted.json")"
check "the dismissed one is dismissed" dismissed "$(jq -r .state "$T/before/show-$dismissed.json")"
mails=$(sent_files)

# A database that exists is not replaced without --force.
"$LIAISON" -c "$CONF" rebuild > "$T/out" 2> "$T/err"
check "rebuild refuses an existing database" 1 "$?"
check "it says how to force it" 1 "$(grep -c -- '--force' "$T/err")"

rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
# Lost: a delivery now would give ids twice; it defers until the rebuild.
LIAISON_NOW=$(at 95) "$LIAISON" -c "$CONF" deliver < "$S/01-action-ccamp.eml" 2> "$T/err"
check "a delivery into a lost database defers" "75 1" "$? $(grep -c '^4.3.0 .*liaison rebuild' "$T/err")"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
"$LIAISON" -c "$CONF" rebuild > "$T/out" 2> "$T/err"
check "rebuild exits 0" "0 " "$? $(cat "$T/err")"
sed 's/^/# /' "$T/out"
check "rebuild says what it did" 1 "$(grep -c 'rebuild: 54 messages.*nothing sent' "$T/out")"
snapshot "$T/after"
same "rebuilt" "$T/before" "$T/after"
check "the rebuild sent nothing" "$mails" "$(sent_files)"

# A torn last line: ignored, and the next record starts a line of its own.
printf '0123456789abcdef arrival\t2026-11-27T' >> "$T/spool/journal"
"$LIAISON" -c "$CONF" rebuild --force > "$T/out" 2> "$T/err"
check "a torn journal line is ignored" "0 1" "$? $(grep -c 'damaged journal line ignored' "$T/err")"
check "--force kept the old database aside" 1 "$([ -f "$T/liaison.db.bak" ] && echo 1)"
snapshot "$T/torn"
same "after a torn line" "$T/before" "$T/torn"
LIAISON_NOW=$(at 100) "$LIAISON" -c "$CONF" close LS-2026-0004 > /dev/null
check "a record after the torn line is whole" 0 \
	"$(tail -1 "$T/spool/journal" | grep -c '^0123456789abcdef')"
snapshot "$T/later"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
"$LIAISON" -c "$CONF" rebuild > /dev/null 2> "$T/err"
check "the rebuild after it exits 0" 0 "$?"
snapshot "$T/later2"
same "with a record after the torn line" "$T/later" "$T/later2"

# An installation older than the journal: written once from the database
# when the new version first opens it for writing.
rm "$T/spool/journal"
"$LIAISON" -c "$CONF" queue run > /dev/null 2>&1
check "the journal is written from the database" 1 "$([ -s "$T/spool/journal" ] && echo 1)"
check "with every arrival" 54 "$(grep -c '^[0-9a-f]* arrival	' "$T/spool/journal" || :)"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
"$LIAISON" -c "$CONF" rebuild > /dev/null 2> "$T/err"
check "the rebuild from the written journal exits 0" "0 " "$? $(cat "$T/err")"
snapshot "$T/seeded"
same "from a journal written from the database" "$T/later" "$T/seeded"
check "still nothing sent" "$mails" "$(sent_files)"

# reinject orders an external mailbox by arrival (the topmost Received,
# else the From_ line), not by Date: the message that arrived first gets
# the first id.
mkdir "$T/r"
sed -e "s|$T/liaison.db|$T/r/liaison.db|" -e "s|$T/spool|$T/r/spool|" -e "s|$T/outbox|$T/r/outbox|" \
	"$CONF" > "$T/r.conf"
mkdir -p "$T/r/spool" && cp "$T/spool/secret" "$T/r/spool/secret"
# letter N RECEIVED DATE FROM_DATE: a statement received at RECEIVED (none
# when empty), dated DATE, behind a From_ line of FROM_DATE.
letter () {
	echo "From tsbsg15@itu.int $4"
	[ -n "$2" ] && echo "Received: from mx.itu.int by mx.example.org; $2"
	cat <<EOF
From: TSB SG15 <tsbsg15@itu.int>
To: statements@example.org
Subject: New Liaison Statement, "Arrival order $1"
Date: $3
Message-ID: <arrival-$1@itu.int>

Title: Arrival order $1
Submission Date: 2026-11-01
From: ITU-T SG15 (TSB)
To: CCAMP (Daniele Ceccarelli)
Purpose: For information
Body: Statement $1.

EOF
}
{
	letter 1 "Mon, 02 Nov 2026 10:00:00 +0000" "Fri, 20 Nov 2026 10:00:00 +0000" "Mon Nov  2 10:00:00 2026"
	letter 2 "Tue, 03 Nov 2026 10:00:00 +0000" "Mon, 11 May 2026 10:00:00 +0000" "Tue Nov  3 10:00:00 2026"
	letter 3 "" "Mon, 04 May 2026 10:00:00 +0000" "Wed Nov  4 10:00:00 2026"
} > "$T/r.mbox"
"$LIAISON" -c "$T/r.conf" reinject "$T/r.mbox" > /dev/null 2>&1
check "reinject: ids in the order of arrival, not of Date" \
	"Arrival order 1 Arrival order 2 Arrival order 3" \
	"$(for i in 1 2 3; do "$LIAISON" -c "$T/r.conf" show --json LS-2026-000$i | jq -r .title; done |
		tr '\n' ' ' | sed 's/ $//')"
finish
