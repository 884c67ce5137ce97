#!/bin/sh
# End-to-end: deliver's exit status and what it records, on hand-made input:
# duplicates, line ends, mbox From_ lines, conflicts, oversized and broken
# messages, a missing configuration.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
first=$(ls "$S"/*.eml | head -1)

deliver "$first"
check "a statement exits 0" 0 "$rc"
check "one message recorded" 1 "$(sql 'SELECT count(*) FROM messages')"
check "one statement recorded" 1 "$(sql 'SELECT count(*) FROM statements')"
check "nothing left in spool/tmp" "" "$(ls "$T/spool/tmp")"
check "raw message stored under its SHA-256" 1 "$(find "$T/spool/msg" -type f | wc -l)"

deliver "$first"
check "a duplicate exits 0" 0 "$rc"
check "a duplicate records no message" 1 "$(sql 'SELECT count(*) FROM messages')"
check "a duplicate records no statement" 1 "$(sql 'SELECT count(*) FROM statements')"

# The same message with CR LF line ends and trace headers added is the same message.
{ printf 'Received: from relay.example by mx.example; Fri, 27 Nov 2026 10:00:00 +0000\r\n'; sed 's/$/\r/' "$first"; } > "$T/crlf.eml"
deliver "$T/crlf.eml"
check "CRLF copy exits 0" 0 "$rc"
check "CRLF copy with another Received is a duplicate" 1 "$(sql 'SELECT count(*) FROM messages')"

# An mbox From_ line is dropped.
{ echo "From sender@example.com Fri Nov 27 10:00:00 2026"; cat "$first"; } > "$T/mbox.eml"
deliver "$T/mbox.eml"
check "mbox From_ copy is a duplicate" 1 "$(sql 'SELECT count(*) FROM messages')"

# The same Message-ID with other content is a conflict, recorded and held.
sed 's/^Subject: /Subject: Changed: /' "$first" > "$T/conflict.eml"
deliver "$T/conflict.eml"
check "a conflict exits 0" 0 "$rc"
check "a conflict is recorded" 1 "$(sql 'SELECT count(*) FROM messages WHERE conflict = 1')"
check "a conflict creates no statement" 1 "$(sql 'SELECT count(*) FROM statements WHERE handle IS NULL')"
check "a conflict is held under a handle of its own" "HM-2026-0001 held" \
	"$(sql "SELECT s.ls_id || ' ' || s.state FROM statements s JOIN messages m ON m.id = s.message WHERE m.conflict = 1")"

# Garbage, an empty message, binary junk: recorded and held, exit 0.
printf 'this is not a mail message at all\n' > "$T/garbage.eml"
: > "$T/empty.eml"
head -c 4096 /dev/urandom > "$T/random.eml" 2>/dev/null || dd if=/dev/urandom of="$T/random.eml" bs=4096 count=1 2>/dev/null
for f in garbage empty random; do
	deliver "$T/$f.eml"
	check "$f input exits 0" 0 "$rc"
done
check "broken inputs are held as other" 3 "$(sql "SELECT count(*) FROM messages WHERE kind = 'other' AND hold_reason IS NOT NULL")"

# Larger than max-message-size: headers kept, held, exit 0.
write_config "max-message-size = 2000"
{ cat "$first"; head -c 100000 /dev/zero | tr '\0' 'x' | fold -w 76; } | sed 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <big-\1>/' > "$T/big.eml"
deliver "$T/big.eml"
check "an oversized message exits 0" 0 "$rc"
check "an oversized message is held" "other|message larger than max-message-size" \
	"$(sql "SELECT kind, hold_reason FROM messages WHERE message_id LIKE 'big-%'")"
write_config

# No configuration: 75 with an enhanced status code.
"$LIAISON" -c "$T/nonexistent.conf" deliver < "$first" 2>"$T/stderr"
rc=$?
check "a missing configuration exits 75" 75 "$rc"
check "stderr is one line starting with 4.3.5" "1 4.3.5" "$(wc -l < "$T/stderr") $(cut -c1-5 "$T/stderr")"

# A group's section twice: the second would silently take over the first
# (GKeyFile merges them), so the configuration does not load: deliver
# says 75 with 4.3.5 and records nothing; check names the two lines.
cp "$CONF" "$T/dup.conf"
printf '[group ccamp]\nlist = attacker@example.net\n' >> "$T/dup.conf"
before=$(sql 'SELECT count(*) FROM messages')
sed 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <dup-\1>/' "$first" > "$T/dup.eml"
"$LIAISON" -c "$T/dup.conf" deliver < "$T/dup.eml" 2>"$T/stderr"
rc=$?
check "a section twice: deliver exits 75" 75 "$rc"
check "a section twice: one line, 4.3.5" "1 4.3.5" "$(wc -l < "$T/stderr") $(cut -c1-5 "$T/stderr")"
check "a section twice: stderr names it" 1 "$(grep -c '\[group ccamp\] appears twice (lines [0-9]* and [0-9]*)' "$T/stderr")"
check "a section twice: nothing recorded" "$before" "$(sql 'SELECT count(*) FROM messages')"
"$LIAISON" -c "$T/dup.conf" check > "$T/out" 2>&1
check "a section twice: check exits 1" "1 1" "$? $(grep -c 'appears twice' "$T/out")"
# The same name under the name rule is the same group.
cp "$CONF" "$T/dup.conf"
printf '[group CC-AMP]\nlist = attacker@example.net\n' >> "$T/dup.conf"
"$LIAISON" -c "$T/dup.conf" check > "$T/out" 2>&1
check "one group under two spellings: check exits 1" "1 1" \
	"$? $(grep -c '\[group CC-AMP\] (line [0-9]*) is the same group as \[group ccamp\]' "$T/out")"
"$LIAISON" -c "$T/dup.conf" deliver < "$T/dup.eml" 2>"$T/stderr"
check "one group under two spellings: deliver exits 75, 4.3.5" "75 4.3.5" "$? $(cut -c1-5 "$T/stderr")"
# A byte-order mark before the first section is accepted.
{ printf '\357\273\277'; cat "$CONF"; } > "$T/bom.conf"
"$LIAISON" -c "$T/bom.conf" check > "$T/out" 2>&1
check "a byte-order mark: check exits 0" 0 "$?"
"$LIAISON" -c "$T/bom.conf" deliver < "$T/dup.eml" 2>"$T/stderr"
check "a byte-order mark: deliver exits 0" 0 "$?"
check "a byte-order mark: the message is recorded" 1 "$(sql "SELECT count(*) FROM messages WHERE message_id LIKE 'dup-%'")"

# Unknown options to deliver must not bounce: 75.
"$LIAISON" -c "$CONF" deliver --bogus < "$first" 2>/dev/null
check "an unknown option exits 75" 75 "$?"

# The recipient extension is recorded.
sed 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <ext-\1>/' "$first" > "$T/ext.eml"
deliver "$T/ext.eml" -f sender@example.com -r statements+ccamp@example.org -e ccamp
check "envelope recorded" "sender@example.com|statements+ccamp@example.org|ccamp" \
	"$(sql "SELECT env_sender, env_recipient, env_extension FROM messages WHERE message_id LIKE 'ext-%'")"

# From a pipe, as an MTA hands it over (not a seekable file).
sed 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <pipe-\1>/' "$first" | "$LIAISON" -c "$CONF" deliver 2>"$T/stderr"
check "a message on a pipe exits 0" 0 "$?"
check "a message on a pipe is recorded as a statement" statement \
	"$(sql "SELECT kind FROM messages WHERE message_id LIKE 'pipe-%'")"

check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
