#!/bin/sh
# End-to-end: the mail archive is the source of truth. A register built
# message by message by `deliver` (each at its time of arrival, with its
# envelope, as the MTA ran it) is rebuilt by deleting the database, with
# the spool kept and then with it deleted too, and re-injecting the archive
# (an mbox in arrival order; the spool's secret kept, as a backup keeps
# it): the same statements with the same ids,
# fields, states, attachments, routes, events, threads, the same messages
# and the same outgoing mail. The archive is the generated corpus of
# ../shared/bench (120 messages, a third of them replies; 40 under the
# sanitizers and in distcheck) and the samples.
#
# Nothing is ignored in the comparison of the statements: `show --json` of
# every statement, `thread --json` when the command exists, and the
# messages table compare whole. What may legitimately differ is when the
# mail we send was composed and handed to the transport: the first
# register did it as each message arrived, the rebuild does it at the time
# of the run. So the outgoing mail compares without its Date field and
# outbox.created; in a thread, our forwards (dated when composed) compare
# without their date, after the messages received; and both registers are
# set to hand over at one fixed time (outbox.sent and the "at" of "sent"
# events). The messages received, their order, roles and parents compare
# whole.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"
# 120 generated messages; 40 under the sanitizers and in distcheck's suite.
COUNT=120
if quick; then COUNT=40; fi
# The generator: ../shared/bench beside the source tree, or
# $LIAISON_GEN_CORPUS (a build outside the tree, distcheck).
GEN=${LIAISON_GEN_CORPUS:-$top_srcdir/../shared/bench/gen_corpus.py}
if [ ! -f "$GEN" ] || ! command -v python3 > /dev/null || ! command -v jq > /dev/null; then
	echo "# needs ../shared/bench/gen_corpus.py (or \$LIAISON_GEN_CORPUS), python3 and jq"
	exit 77
fi
write_config
S="$top_srcdir/samples/mail"

# The archive: the corpus, then the samples and a reply to the first from a
# chair of its group (which marks it replied), as one mbox (a From_ line
# each, From_ text quoted the mboxrd way).
first=$(ls "$S"/*.eml | head -1)
mid=$(sed -n 's/^Message-ID: *<\(.*\)>.*/\1/p' "$first" | head -1)
cat > "$T/reply.eml" <<EOF
Return-Path: <dc@example.net>
Received: from mx.example.net by mx.example.org; Sat, 28 Nov 2026 09:00:00 +0000
From: Daniele Ceccarelli <dc@example.net>
To: statements@example.org
Subject: Re: New Liaison Statement
Date: Sat, 28 Nov 2026 09:00:00 +0000
Message-ID: <chair-reply@example.net>
In-Reply-To: <$mid>
References: <$mid>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

CCAMP thanks SG15 and will answer by the deadline.
EOF
python3 "$GEN" --count "$COUNT" --seed 3 --attach-kb 20 --format mbox --out "$T/corpus.mbox" 2> /dev/null
check "the corpus is generated" 0 "$?"
{
	cat "$T/corpus.mbox"
	for f in "$S"/*.eml "$T/reply.eml"; do
		echo "From sender@example.org Fri Nov 27 10:00:00 2026"
		sed 's/^\(>*From \)/>\1/' "$f"
		echo
	done
} > "$T/archive.mbox"

# The time of arrival, envelope and order that reinject reads from the
# archive, from a scratch run: they are what the MTA gave deliver.
sed -e "s|^database *=.*|database = $T/scratch.db|" -e "s|^spool *=.*|spool = $T/scratch|" \
    -e "s|^maildir *=.*|maildir = $T/scratch-out|" "$CONF" > "$T/scratch.conf"
"$LIAISON" -c "$T/scratch.conf" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
check "the scratch run exits 0" 0 "$?"
n=$(sqlite3 -batch -noheader "$T/scratch.db" "SELECT count(*) FROM messages")
check "the archive has its messages" 1 "$([ "$n" -ge "$COUNT" ] && echo 1)"
sqlite3 -batch -noheader -separator ' ' "$T/scratch.db" \
	"SELECT raw_sha256, received, ifnull(env_sender, '-'), ifnull(env_recipient, '-') FROM messages ORDER BY id" > "$T/arrivals"

# The archive as one file per message, as deliver receives them: the From_
# line gone, the mboxrd quoting undone; named by their SHA-256.
mkdir "$T/eml"
python3 - "$T/archive.mbox" "$T/eml" <<'EOF'
import hashlib, re, sys
data = open(sys.argv[1], 'rb').read()
parts = re.split(rb'(?:^|\n)From [^\n]*\n', data)
for part in parts:
    if not part.strip():
        continue
    lines = part.split(b'\n')
    lines = [l[1:] if re.match(rb'>+From ', l) else l for l in lines]
    raw = b'\n'.join(lines)
    # The blank line that ends a message in an mbox is not the message's.
    if raw.endswith(b'\n\n'):
        raw = raw[:-1]
    open(sys.argv[2] + '/' + hashlib.sha256(raw).hexdigest(), 'wb').write(raw)
EOF
missing=0
while read -r sha at from to; do
	[ -f "$T/eml/$sha" ] || missing=$((missing + 1))
done < "$T/arrivals"
check "each message of the archive is found as reinject reads it" 0 "$missing"

# The register as the MTA built it: deliver, one message at a time, at its
# time of arrival, with its envelope.
started=$(date +%s)
errors=0
while read -r sha at from to; do
	set --
	[ "$from" = - ] || set -- "$@" -f "$from"
	[ "$to" = - ] || set -- "$@" -r "$to"
	LIAISON_NOW=$at "$LIAISON" -c "$CONF" deliver "$@" < "$T/eml/$sha" 2>> "$T/deliver.err" ||
		errors=$((errors + 1))
done < "$T/arrivals"
echo "# $n deliveries: $(( $(date +%s) - started )) s"
check "every delivery exits 0" 0 "$errors"
check "every message recorded" "$n" "$(sql "SELECT count(*) FROM messages")"
check "some are replies in threads" 1 \
	"$([ "$(sql "SELECT count(*) FROM messages WHERE role IS NOT NULL AND role <> 'statement'")" -gt 0 ] && echo 1)"
# The hand-overs at one fixed time, as the rebuild's will be (see above).
sql "UPDATE outbox SET sent = '2026-11-27T10:00:00Z' WHERE sent IS NOT NULL;
	UPDATE events SET at = '2026-11-27T10:00:00Z' WHERE type = 'sent'"

have_thread=0
"$LIAISON" --help | grep -q '^ *thread ' && have_thread=1

# A thread with our forwards after the messages received, in the order of
# their Message-IDs and without their dates (see above).
FORWARDS='.thread |= ([.[] | select(.role != "forward")] + ([.[] | select(.role == "forward") | del(.date)] | sort_by(.message_id)))'
# A statement's events in the order of their time (sort_by is stable): the
# rebuild hands mail over after each batch of messages, not after each
# message, so a "sent" event may be recorded after the events of later
# messages of its batch; at its own time all the same.
EVENTS='if .events then .events |= sort_by(.at) else . end'

# snapshot DIR: everything the register says, one file per view: list,
# the show --json object of every statement (export's array of them), and
# thread --json of every statement whose thread has more than its
# original (show's thread array is in the export already).
snapshot () {
	mkdir -p "$1"
	"$LIAISON" -c "$CONF" list --json > "$1/list.json"
	jq -r '.[].id' "$1/list.json" | sort > "$1/ids"
	"$LIAISON" -c "$CONF" export --format json -o "$1/export.json"
	jq "map($FORWARDS | $EVENTS)" "$1/export.json" > "$1/show.json"
	jq -r '.[] | select(.thread | length > 1) | .id' "$1/show.json" | sort > "$1/threaded"
	if [ "$have_thread" = 1 ]; then
		while read -r id; do
			"$LIAISON" -c "$CONF" thread --json "$id" | jq "$FORWARDS" > "$1/thread-$id.json"
		done < "$1/threaded"
	fi
	sql "SELECT m.id, m.message_id, m.dedupe_hash, m.raw_sha256, m.size, m.received, m.env_sender,
		m.env_recipient, m.kind, m.hold_reason, m.conflict, s.ls_id, m.role
		FROM messages m LEFT JOIN statements s ON s.id = m.statement ORDER BY m.id" > "$1/messages"
	sql "SELECT o.message_id, o.kind, s.ls_id, o.sender, o.state, o.sent, o.sha256,
		(SELECT group_concat(address || ' ' || role || ' ' || status, ', ') FROM routes r WHERE r.outbox = o.id)
		FROM outbox o LEFT JOIN statements s ON s.id = o.statement ORDER BY o.id" |
	python3 -c '
import hashlib, re, sys
spool = sys.argv[1]
for line in sys.stdin:
    f = line.rstrip("\n").split("|")
    # The outgoing message as stored, without its Date field: when it was
    # composed may be when the run composed it.
    try:
        raw = open("%s/out/%s/%s" % (spool, f[6][:2], f[6]), "rb").read()
        head, _, body = raw.partition(b"\n\n")
        head = re.sub(rb"(?im)^date:.*\n(?:[ \t].*\n)*", b"", head + b"\n")
        f[6] = hashlib.sha256(head + b"\n" + body).hexdigest()
    except OSError as e:
        f[6] = "unreadable: %s" % e.strerror
    print("|".join(f))
' "$T/spool" > "$1/outbox"
}

# compare NAME A B: every view of the two snapshots the same.
compare () {
	check "$1: the same statement ids" "$(cat "$2/ids")" "$(cat "$3/ids")"
	check "$1: the same list" "" "$(diff "$2/list.json" "$3/list.json" | head -5)"
	check "$1: every statement's show --json the same" "" "$(diff "$2/show.json" "$3/show.json" | head -12)"
	check "$1: the same statements have threads" "$(cat "$2/threaded")" "$(cat "$3/threaded")"
	differ=0
	for f in "$2"/thread-*.json; do
		[ -f "$f" ] || continue
		cmp -s "$f" "$3/${f##*/}" || {
			differ=$((differ + 1))
			[ "$differ" -le 2 ] && diff -u "$f" "$3/${f##*/}" | head -20 | sed 's/^/# /'
		}
	done
	check "$1: every thread --json the same" 0 "$differ"
	check "$1: the same messages, kinds, holds and threads" "" "$(diff "$2/messages" "$3/messages" | head -5)"
	check "$1: the same outgoing mail" "" "$(diff "$2/outbox" "$3/outbox" | head -5)"
}

snapshot "$T/before"
check "every outgoing message is read from the spool" 0 "$(grep -c unreadable "$T/before/outbox")"
check "there is outgoing mail" 1 "$([ "$(wc -l < "$T/before/outbox")" -gt $((COUNT / 2)) ] && echo 1)"
check "the export has every statement" "$(wc -l < "$T/before/ids")" "$(jq length "$T/before/show.json")"
check "some statements have threads" 1 "$([ "$(wc -l < "$T/before/threaded")" -gt 0 ] && echo 1)"
echo "# $(wc -l < "$T/before/ids") statements, $(wc -l < "$T/before/threaded") with a thread; thread --json: $have_thread"
check "the register has statements" 1 "$([ "$(wc -l < "$T/before/ids")" -gt $((COUNT / 4)) ] && echo 1)"
check "some statements are replied" 1 \
	"$([ "$(sql "SELECT count(*) FROM statements WHERE state = 'replied'")" -gt 0 ] && echo 1)"

# rebuild: the archive re-injected into an empty database.
rebuild () {
	started=$(date +%s)
	LIAISON_NOW=2026-11-27T10:00:00Z "$LIAISON" -c "$CONF" reinject "$T/archive.mbox" > "$T/out" 2> "$T/err"
	check "$1: reinject exits 0" 0 "$?"
	echo "# $1: reinject of $n messages: $(( $(date +%s) - started )) s"
	check "$1: reinject says no error" "" "$(head -3 "$T/err")"
	check "$1: no message is a duplicate or an error" "0 0" \
		"$(tail -n 1 "$T/out" | sed -n 's/.* \([0-9]*\) duplicates, .* \([0-9]*\) errors$/\1 \2/p')"
}

rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
rm -rf "$T/outbox"
rebuild "database deleted"
snapshot "$T/after1"
compare "database deleted, spool kept" "$T/before" "$T/after1"

# The spool deleted but for its secret (SPEC §9, §12), which a backup
# keeps: our Message-IDs and envelope senders come out the same.
cp -p "$T/spool/secret" "$T/secret"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
rm -rf "$T/spool" "$T/outbox"
mkdir "$T/spool" && cp -p "$T/secret" "$T/spool/secret"
rebuild "database and spool deleted"
snapshot "$T/after2"
compare "database and spool deleted" "$T/before" "$T/after2"
find "$T/spool" -type f -printf '%f\n' | sort -u > "$T/spooled"
check "the spool holds the raw messages again" "$(sql "SELECT count(DISTINCT raw_sha256) FROM messages")" \
	"$(sql "SELECT DISTINCT raw_sha256 FROM messages" | sort | comm -12 - "$T/spooled" | wc -l)"

finish
