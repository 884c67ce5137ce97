#!/bin/sh
# End-to-end: our Message-IDs and bounces (SPEC §7, §9, §11). The spool's
# secret is created once (mode 0600) and keys our Message-IDs, which come
# out the same from a second register built with the same spool and
# differently with another secret. Mail leaves with a VERP envelope sender
# (a fake sendmail logs its arguments). A DSN fails a route only when it
# comes back to a token we issued (from -r, -e, $ORIGINAL_RECIPIENT and
# $EXTENSION, or Delivered-To) or returns headers of ours; a forged one
# changes nothing. Then: a UTF-8 envelope sender under LANG=C, a title
# holding an encoded-word, a 900-character Message-ID, and an outgoing
# file changed after it was queued.
. "$top_srcdir/tests/lib.sh"
need () { command -v "$1" > /dev/null || { echo "# needs $1"; exit 77; }; }
need python3
need jq
write_config "method = sendmail"
sed -i "s|^\[delivery\]|[delivery]\nsendmail = $T/sendmail|" "$CONF"
# Not planted: this test sees it created.
rm -f "$T/spool/secret"
S="$top_srcdir/samples/mail"

# The fake: one line of arguments per call in argv.log, the message in
# sent.N; exits with the status in $T/fail (if any).
cat > "$T/sendmail" <<EOF
#!/bin/sh
n=\$(cat "$T/calls" 2>/dev/null || echo 0)
n=\$((n + 1))
echo \$n > "$T/calls"
printf '%s\n' "\$*" >> "$T/argv.log"
cat > "$T/sent.\$n"
[ -f "$T/fail" ] && exit "\$(cat "$T/fail")"
exit 0
EOF
chmod +x "$T/sendmail"
calls () { cat "$T/calls" 2>/dev/null || echo 0; }
# The number of the call that handed over our message $1.
call_of () { grep -l -i "^Message-Id: <$1>" "$T"/sent.* 2> /dev/null | head -1 | sed 's/.*sent\.//'; }
sender_of () { sql "SELECT sender FROM outbox WHERE message_id = '$1'"; }
routes () { "$LIAISON" -c "$CONF" show --json "$1" | jq -r '[.routes[] | "\(.address) \(.status)"] | join("; ")'; }
route_status () { sql "SELECT r.status FROM routes r JOIN statements s ON s.id = r.statement WHERE s.ls_id = '$1' AND r.address = '$2'"; }
# A header of file $1, unfolded and decoded as a mail reader would (Python's
# email package); "CONTROL" when it holds a control character.
decoded () {
	python3 - "$1" "$2" <<'PY'
import email, sys
from email.header import decode_header, make_header
import re
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
v = m[sys.argv[2]]
v = '' if v is None else re.sub(r'\r?\n([ \t])', r'\1', str(v)).strip()
s = str(make_header(decode_header(v)))
print('CONTROL' if any(ord(c) < 32 or ord(c) == 127 for c in s) else s)
PY
}
KEYED='[A-Z]*-2026-[0-9]*\.[a-z2-7]\{26\}@example\.org'

# --- The secret: created once, 0600, 32 bytes; then reused.
deliver "$S/01-action-ccamp.eml" -f tsbsg15@itu.int -r statements@example.org
check "the first delivery exits 0" 0 "$rc"
check "it creates the spool's secret" yes "$([ -f "$T/spool/secret" ] && echo yes)"
check "mode 0600" 600 "$(stat -c %a "$T/spool/secret")"
check "32 bytes" 32 "$(stat -c %s "$T/spool/secret")"
secret=$(sha256sum < "$T/spool/secret")
inode=$(stat -c %i "$T/spool/secret")
deliver "$S/03-response-opsawg.eml" -f liaisons@broadband-forum.org -r statements@example.org
check "the second delivery exits 0" 0 "$rc"
check "the secret is reused, not replaced" "$secret $inode" \
	"$(sha256sum < "$T/spool/secret") $(stat -c %i "$T/spool/secret")"
check "no temporary secret is left behind" "" "$(ls -A "$T/spool" | grep '^\.secret')"

fwd1=$(our_id LS-2026-0001 forward)
ack1=$(our_id LS-2026-0001 ack)
check "our forward's Message-ID is keyed" yes "$(echo "$fwd1" | grep -qx "$KEYED" && echo yes)"
check "it is not the unkeyed form" no "$([ "$fwd1" = LS-2026-0001.forward@example.org ] && echo yes || echo no)"
check "forward and acknowledgement differ" no "$([ "$fwd1" = "$ack1" ] && echo yes || echo no)"

# --- The envelope: a VERP sender per message, passed to sendmail with -f.
s1=$(sender_of "$fwd1")
sa=$(sender_of "$ack1")
check "the forward's envelope sender is statements+bounce-TOKEN@" yes \
	"$(echo "$s1" | grep -qx 'statements+bounce-[a-z2-7]\{26\}@example\.org' && echo yes)"
check "each message has its own" no "$([ "$s1" = "$sa" ] && echo yes || echo no)"
check "the token is not the Message-ID's hash" no \
	"$([ "${s1#statements+bounce-}" = "$(echo "$fwd1" | sed 's/^[^.]*\.\([^@]*\)@.*/\1@example.org/')" ] && echo yes || echo no)"
n=$(call_of "$fwd1")
check "sendmail got the forward" yes "$([ -n "$n" ] && echo yes)"
check "with -f and the VERP sender" "-oi -f $s1 --" \
	"$(sed -n "${n}p" "$T/argv.log" | cut -d' ' -f1-4)"
check "From stays our address" "Liaison Statement Processor <statements@example.org>" \
	"$(decoded "$T/sent.$n" From)"

# --- Stable: a register built again with the same spool has the same
# Message-IDs and senders; another secret gives others.
ids () { sql "SELECT o.kind, s.ls_id, o.message_id, o.sender FROM outbox o JOIN statements s ON s.id = o.statement ORDER BY o.id"; }
ids > "$T/ids.1"
cp "$T/liaison.db" "$T/first.db"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
# A new register on the spool (its journal, the first register's history,
# set aside: deliver would refuse to write after it; t-journal.sh has
# rebuild).
mv "$T/spool/journal" "$T/journal.first"
deliver "$S/01-action-ccamp.eml" -f tsbsg15@itu.int -r statements@example.org
deliver "$S/03-response-opsawg.eml" -f liaisons@broadband-forum.org -r statements@example.org
ids > "$T/ids.2"
check "the same spool: the same Message-IDs and envelope senders" "" "$(diff "$T/ids.1" "$T/ids.2")"
check "(there were some)" 4 "$(wc -l < "$T/ids.1")"
sed -e "s|^database *=.*|database = $T/other.db|" -e "s|^spool *=.*|spool = $T/other-spool|" "$CONF" > "$T/other.conf"
"$LIAISON" -c "$T/other.conf" deliver -f tsbsg15@itu.int -r statements@example.org < "$S/01-action-ccamp.eml"
check "another spool exits 0" 0 "$?"
other=$(sqlite3 -batch -noheader "$T/other.db" "SELECT message_id FROM outbox WHERE kind = 'forward'")
check "another secret: another Message-ID" yes \
	"$(echo "$other" | grep -qx "$KEYED" && [ "$other" != "$fwd1" ] && echo yes)"
check "another secret file" no "$(cmp -s "$T/spool/secret" "$T/other-spool/secret" && echo yes || echo no)"
# Four deliveries at once into a spool without a secret: one secret, used
# by all (the messages they cause carry ids of the one key: delivered
# again into another register with that spool, the same ids).
sed -e "s|^database *=.*|database = $T/race.db|" -e "s|^spool *=.*|spool = $T/race-spool|" "$CONF" > "$T/race.conf"
for i in 1 2 3 4; do
	sed -e "s/^Message-ID: .*/Message-ID: <race-$i@example.net>/" -e "s/^Title: \(.*\)/Title: \1 $i/" \
	    -e "s|/liaison/\([0-9]*\)/|/liaison/\1$i/|" "$S/03-response-opsawg.eml" > "$T/race-$i.eml"
	"$LIAISON" -c "$T/race.conf" deliver -r statements@example.org < "$T/race-$i.eml" > /dev/null 2>&1 &
done
wait
check "four deliveries at once: all recorded" 4 \
	"$(sqlite3 -batch -noheader "$T/race.db" "SELECT count(*) FROM messages")"
check "one secret, no temporary one left" "secret" "$(ls -A "$T/race-spool" | grep secret)"
sqlite3 -batch -noheader "$T/race.db" "SELECT m.message_id, o.kind, o.message_id FROM outbox o
	JOIN messages m ON m.id = o.message ORDER BY m.message_id, o.kind" > "$T/race.1"
sed -i "s|^database *=.*|database = $T/race2.db|" "$T/race.conf"
# Another register on that spool begins a journal of its own (the old one
# is the first register's history, which deliver would not write to).
mv "$T/race-spool/journal" "$T/race-spool/journal.first"
for i in 4 3 2 1; do
	"$LIAISON" -c "$T/race.conf" deliver -r statements@example.org < "$T/race-$i.eml" > /dev/null 2>&1
done
sqlite3 -batch -noheader "$T/race2.db" "SELECT m.message_id, o.kind, o.message_id FROM outbox o
	JOIN messages m ON m.id = o.message ORDER BY m.message_id, o.kind" > "$T/race.2"
# Statement ids follow the order of arrival; our ids follow them.
check "their ids are of the one secret" "$(sed 's/LS-2026-000[0-9]\.[a-z2-7]*@/X@/' "$T/race.1" | sort)" \
	"$(sed 's/LS-2026-000[0-9]\.[a-z2-7]*@/X@/' "$T/race.2" | sort)"
check "(4 statements, 8 messages)" 8 "$(wc -l < "$T/race.1")"
check "every id of the first register is one of the second's" "" \
	"$(cut -d'|' -f3 "$T/race.1" | sort | comm -23 - "$(cut -d'|' -f3 "$T/race.2" | sort > "$T/race.ids"; echo "$T/race.ids")")"

mv "$T/first.db" "$T/liaison.db"
rm -f "$T/liaison.db-wal" "$T/liaison.db-shm"
mv "$T/journal.first" "$T/spool/journal"

# An unreadable or short secret defers: nothing is sent under another key.
cp -p "$T/spool/secret" "$T/secret.saved"
head -c 10 "$T/secret.saved" > "$T/spool/secret"
sed 's/^Message-ID: .*/Message-ID: <short-secret@example.net>/' "$S/02-information-detnet.eml" > "$T/m.eml"
deliver "$T/m.eml" -r statements@example.org
check "a short secret: deliver exits 75" 75 "$rc"
check "it says why" 1 "$(grep -c '^4\.[0-9.]* liaison: the secret .* is not 32 bytes' "$T/stderr")"
check "and records nothing" 0 "$(sql "SELECT count(*) FROM messages WHERE message_id = 'short-secret@example.net'")"
check "check says so" 1 "$("$LIAISON" -c "$CONF" check | grep -c 'the secret .* is not 32 bytes')"
cp -p "$T/secret.saved" "$T/spool/secret"
"$LIAISON" -c "$CONF" check > /dev/null
check "check passes the secret" 0 "$?"
chmod 644 "$T/spool/secret"
check "check finds a secret others may read" 1 "$("$LIAISON" -c "$CONF" check | grep -c 'the secret .* may be read by others')"
chmod 600 "$T/spool/secret"

# --- Bounces. dsn ID RCPT [RETURNED-MESSAGE-ID]: a DSN saying RCPT
# failed, with In-Reply-To our forward (which anyone can write), returning
# headers with RETURNED-MESSAGE-ID when given.
dsn () {
	cat <<EOF
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: statements@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <$1@mx.example.net>
In-Reply-To: <$fwd1>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

<$2>: host mx.example.net said: 550 5.1.1 unknown user
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; $2
Action: failed
Status: 5.1.1
EOF
	if [ -n "${3:-}" ]; then
		printf -- '--B\nContent-Type: text/rfc822-headers\n\nMessage-Id: <%s>\nSubject: x\n' "$3"
	fi
	printf -- '--B--\n'
}
before=$(routes LS-2026-0001)

dsn forged-1 fz@example.net > "$T/b.eml"
deliver "$T/b.eml" -f "" -r statements@example.org
check "a forged DSN (no token, nothing returned) exits 0" 0 "$rc"
check "it is recorded as a bounce" bounce "$(sql "SELECT kind FROM messages WHERE message_id = 'forged-1@mx.example.net'")"
check "it fails no route" "$before" "$(routes LS-2026-0001)"
check "an event says it was not ours" 1 \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0001 | jq '[.events[] | select(.type == "bounce" and (.detail | test("not ours")))] | length')"

dsn forged-2 fz@example.net > "$T/b.eml"
deliver "$T/b.eml" -f "" -r statements+bounce-aaaaaaaaaaaaaaaaaaaaaaaaaa@example.org
check "a DSN to a token we did not issue exits 0" 0 "$rc"
check "it fails no route" "$before" "$(routes LS-2026-0001)"
dsn forged-3 fz@example.net > "$T/b.eml"
deliver "$T/b.eml" -f "" -e bounce-zzzzzzzzzzzzzzzzzzzzzzzzzz
check "nor with the token in -e" "$before" "$(routes LS-2026-0001)"
dsn forged-4 fz@example.net "someone-else@example.org" > "$T/b.eml"
deliver "$T/b.eml" -f "" -e bounce-
check "nor returning headers that are not ours" "$before" "$(routes LS-2026-0001)"

dsn real-1 fz@example.net > "$T/b.eml"
deliver "$T/b.eml" -f "" -r "$s1"
check "a DSN to our token exits 0" 0 "$rc"
check "it fails that route" failed "$(route_status LS-2026-0001 fz@example.net)"
check "and only that one" 1 "$(sql "SELECT count(*) FROM routes WHERE status = 'failed'")"
check "its event says how it was ours" 1 \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0001 | jq '[.events[] | select(.type == "bounced" and (.detail | test("fz@example.net.*bounce address")))] | length')"
check "it is in the statement's thread" bounce \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0001 | jq -r '.thread[] | select(.message_id == "real-1@mx.example.net") | .role')"

# A DSN to our token naming a recipient of another message changes nothing:
# the token names one message.
dsn real-2 tsbsg15@itu.int > "$T/b.eml"
deliver "$T/b.eml" -f "" -r "$s1"
check "a recipient the token's message did not have stays sent" sent "$(route_status LS-2026-0001 tsbsg15@itu.int)"

# Without -r/-e (procmail, Sieve): the token from $ORIGINAL_RECIPIENT.
dsn real-3 tsbsg15@itu.int > "$T/b.eml"
ORIGINAL_RECIPIENT=$sa "$LIAISON" -c "$CONF" deliver < "$T/b.eml"
check "with \$ORIGINAL_RECIPIENT: exits 0" 0 "$?"
check "the acknowledgement's route fails" failed "$(route_status LS-2026-0001 tsbsg15@itu.int)"
check "the recipient is recorded" "$sa" "$(sql "SELECT env_recipient FROM messages WHERE message_id = 'real-3@mx.example.net'")"
# ... and from $EXTENSION.
# The statement of 03-response-opsawg.
id3=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message
	WHERE m.message_id = '$(sed -n 's/^Message-ID: *<\(.*\)>.*/\1/p' "$S/03-response-opsawg.eml")'")
fwd3=$(our_id "$id3" forward)
s3=$(sender_of "$fwd3")
dsn real-5 cdubois@example.net > "$T/b5.eml"
ext="bounce-${s3#statements+bounce-}"
ext="${ext%@*}"
RECIPIENT=statements@example.org EXTENSION=$ext "$LIAISON" -c "$CONF" deliver < "$T/b5.eml"
check "with \$RECIPIENT and \$EXTENSION: exits 0" 0 "$?"
check "the extension is recorded" "statements@example.org|$ext" \
	"$(sql "SELECT env_recipient || '|' || env_extension FROM messages WHERE message_id = 'real-5@mx.example.net'")"
check "the route of $id3's forward fails" failed "$(route_status "$id3" cdubois@example.net)"
# ... and from the topmost Delivered-To.
dsn real-6 bmartin@example.net > "$T/b.eml"
{ printf 'Delivered-To: %s\n' "$s3"; printf 'Delivered-To: statements+bounce-aaaaaaaaaaaaaaaaaaaaaaaaaa@example.org\n'; cat "$T/b.eml"; } > "$T/b6.eml"
deliver "$T/b6.eml" -f ""
check "with Delivered-To: exits 0" 0 "$rc"
check "the recipient is the topmost Delivered-To" "$s3" \
	"$(sql "SELECT env_recipient FROM messages WHERE message_id = 'real-6@mx.example.net'")"
check "the route fails" failed "$(route_status "$id3" bmartin@example.net)"
# $EXTENSION of a statement routes it, as -e does.
sed -e 's/^Message-ID: .*/Message-ID: <ext-1@example.net>/' "$S/02-information-detnet.eml" > "$T/e.eml"
ORIGINAL_RECIPIENT=statements+detnet@example.org EXTENSION=detnet "$LIAISON" -c "$CONF" deliver < "$T/e.eml"
check "a statement with \$ORIGINAL_RECIPIENT and \$EXTENSION exits 0" 0 "$?"
check "both are recorded" "statements+detnet@example.org|detnet" \
	"$(sql "SELECT env_recipient || '|' || env_extension FROM messages WHERE message_id = 'ext-1@example.net'")"

# --- A UTF-8 envelope sender (SMTPUTF8) and extension, under any locale.
for lang in C.UTF-8 C; do
	sed "s/^Message-ID: .*/Message-ID: <utf8-$lang@example.net>/" "$S/02-information-detnet.eml" > "$T/u.eml"
	LANG=$lang LC_ALL=$lang "$LIAISON" -c "$CONF" deliver -f 'jörg@itu.int' -e 'ü' < "$T/u.eml" 2> "$T/stderr"
	check "-f jörg@itu.int under LANG=$lang exits 0" 0 "$?"
	check "under LANG=$lang it is recorded as given" "jörg@itu.int|ü" \
		"$(sql "SELECT env_sender || '|' || env_extension FROM messages WHERE message_id = 'utf8-$lang@example.net'")"
done
sed "s/^Message-ID: .*/Message-ID: <latin1@example.net>/" "$S/02-information-detnet.eml" > "$T/u.eml"
LANG=C "$LIAISON" -c "$CONF" deliver -f "$(printf 'j\366rg@itu.int')" < "$T/u.eml"
check "invalid UTF-8 in -f exits 0" 0 "$?"
check "it is recorded, the byte replaced" "j�rg@itu.int" \
	"$(sql "SELECT env_sender FROM messages WHERE message_id = 'latin1@example.net'")"

# --- A title holding an encoded-word: our Subject decodes to no line break.
sed -e 's/^Message-ID: .*/Message-ID: <ew-1@mailgw.itu.int>/' \
    -e 's/^Title: .*/Title: =?utf-8?q?a=0D=0AFake: header?= LS/' \
    -e 's|/liaison/2101/|/liaison/9201/|' "$S/01-action-ccamp.eml" > "$T/ew.eml"
deliver "$T/ew.eml" -f tsbsg15@itu.int -r statements@example.org
check "the encoded-word title exits 0" 0 "$rc"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'ew-1@mailgw.itu.int'")
n=$(call_of "$(our_id "$id" forward)")
check "its forward was sent" yes "$([ -n "$n" ] && echo yes)"
check "its Subject decodes without control characters" "[$id] a Fake: header LS" "$(decoded "$T/sent.$n" Subject)"
check "no header Fake" "" "$(sed '/^$/q' "$T/sent.$n" | grep -i '^Fake:')"
n=$(call_of "$(our_id "$id" ack)")
check "nor does the acknowledgement's" "[$id] Received: a Fake: header LS" "$(decoded "$T/sent.$n" Subject)"

# --- A 900-character Message-ID: our forward still references it.
long="$(head -c 886 /dev/zero | tr '\0' 'x')@itu.int"
sed -e "s/^Message-ID: .*/Message-ID: <$long>/" "$S/07-old-layout.eml" > "$T/long.eml"
deliver "$T/long.eml" -f tsbsg15@itu.int -r statements@example.org
check "a 900-character Message-ID exits 0" 0 "$rc"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = '$long'")
n=$(call_of "$(our_id "$id" forward)")
check "its forward was sent" yes "$([ -n "$n" ] && echo yes)"
check "In-Reply-To names it" "<$long>" "$(decoded "$T/sent.$n" In-Reply-To)"
check "References names it" "<$long>" "$(decoded "$T/sent.$n" References)"
check "no line of the forward is over 998 characters" 0 \
	"$(sed '/^$/q' "$T/sent.$n" | awk 'length($0) > 998' | wc -l)"

# --- An outgoing file changed after it was queued is not sent.
echo 75 > "$T/fail"
sed -e 's/^Message-ID: .*/Message-ID: <tamper-1@example.net>/' "$S/05-pdf-attachment.eml" > "$T/t.eml"
deliver "$T/t.eml" -r statements@example.org
rm "$T/fail"
check "deliver exits 0 while sendmail fails" 0 "$rc"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'tamper-1@example.net'")
fwd=$(our_id "$id" forward)
sha=$(sql "SELECT sha256 FROM outbox WHERE message_id = '$fwd'")
f="$T/spool/out/$(echo "$sha" | cut -c1-2)/$sha"
check "its forward is queued" queued "$(sql "SELECT state FROM outbox WHERE message_id = '$fwd'")"
chmod u+w "$f" 2> /dev/null
printf 'Bcc: evil@example.com\n' | cat - "$f" > "$T/changed" && cat "$T/changed" > "$f"
calls_before=$(calls)
"$LIAISON" -c "$CONF" queue run --all > "$T/run.txt" 2> "$T/run.err"
check "queue run exits 0" 0 "$?"
check "the changed forward is not handed over" "" \
	"$(for k in $(seq $((calls_before + 1)) "$(calls)"); do grep -l -i "^Message-Id: <$fwd>" "$T/sent.$k"; done)"
check "it is failed" failed "$(sql "SELECT state FROM outbox WHERE message_id = '$fwd'")"
check "saying the file changed" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE message_id = '$fwd' AND last_error LIKE '%changed since it was queued%'")"
check "an event says so" 1 \
	"$("$LIAISON" -c "$CONF" show --json "$id" | jq '[.events[] | select(.type == "send-failed" and (.detail | test("changed since it was queued")))] | length')"
check "the unchanged acknowledgement is sent" sent \
	"$(sql "SELECT state FROM outbox WHERE message_id = '$(our_id "$id" ack)'")"

check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
