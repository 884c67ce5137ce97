#!/bin/sh
# End-to-end: the samples through deliver with the maildir transport. The
# forwards, acknowledgements and held notice land in the outbox with the
# envelope recipients of SPEC §6 and the headers of §9, and `show --json`
# lists the same routes. Then the mail that comes back: our own forward
# (a loop), an auto-reply, a bounce, and a redelivered statement.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"

# The outbox file holding our message with Message-ID <$1>.
out_file () { grep -l -i "^Message-Id: <$1>" "$O"/* 2>/dev/null | head -1; }
# Its envelope recipients.
envelope () { sed -n '1s/^X-Liaison-Envelope-To: //p' "$1"; }
# The first header block of a file, unfolded.
head_block () { sed '/^$/q' "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g'; }
# The value of header $2 in file $1 (first block only).
header () { head_block "$1" | sed -n "s/^$2: //Ip" | head -1; }
outbox_count () { ls "$O" 2>/dev/null | wc -l; }
routes () { "$LIAISON" -c "$CONF" show --json "$1" | jq -r '[.routes[] | "\(.address) \(.role) \(.status)"] | join("; ")'; }

for m in "$S"/*.eml; do
	deliver "$m" -r statements@example.org
	check "deliver $(basename "$m") exits 0" 0 "$rc"
done

# Forwards for 01-07, the held notice for 08, and acknowledgements to the
# five senders that are people (02, 04 and 08 come from the Datatracker,
# Auto-Submitted: auto-generated, and are not acknowledged).
check "13 messages in the outbox" 13 "$(outbox_count)"
check "nothing left queued" 0 "$("$LIAISON" -c "$CONF" queue list --json | jq length)"

f=$(out_file "$(our_id LS-2026-0001 forward)")
check "the forward of LS-2026-0001 is in the outbox" yes "$([ -n "$f" ] && echo yes)"
check "its envelope: list, chairs, AD, archive; not the manager who had it" \
	"ccamp@ietf.org, dc@example.net, fz@example.net, jgs@example.org, statements-archive@example.org" \
	"$(envelope "$f")"
check "its subject carries the id" \
	"[LS-2026-0001] LS on OTN control plane extensions for 800G and 1.6T interfaces" "$(header "$f" Subject)"
check "From" "Liaison Statement Processor <statements@example.org>" "$(header "$f" From)"
check "To" "ccamp@ietf.org" "$(header "$f" To)"
check "X-Loop" "statements@example.org" "$(header "$f" X-Loop)"
check "Auto-Submitted" "auto-generated" "$(header "$f" Auto-Submitted)"
check "X-Liaison-Id" "LS-2026-0001" "$(header "$f" X-Liaison-Id)"
check "In-Reply-To" "<177163338812.4321.1029384756@mailgw.itu.int>" "$(header "$f" In-Reply-To)"
check "References" "<177163338812.4321.1029384756@mailgw.itu.int>" "$(header "$f" References)"
check "Date" "Fri, 27 Nov 2026 10:00:00 +0000" "$(header "$f" Date)"
check "no Bcc header" "" "$(header "$f" Bcc)"
check "the archive is only in the envelope" 0 "$(head_block "$f" | sed 1d | grep -c statements-archive)"
sed '/^Content-Type: message\/rfc822/q' "$f" > "$T/summary"
check "the summary has From Group:" 1 "$(grep -c '^From Group: ITU-T SG15$' "$T/summary")"
check "the summary has To Group:" 1 "$(grep -c '^To Group: Common Control and Measurement Plane (ccamp)$' "$T/summary")"
check "the original is attached whole" 1 "$(grep -c '^Content-Type: message/rfc822' "$f")"
check "the attached original keeps its Message-ID" 1 \
	"$(grep -c '^Message-ID: <177163338812.4321.1029384756@mailgw.itu.int>' "$f")"
check "show --json routes of LS-2026-0001" \
	"ccamp@ietf.org list sent; dc@example.net chair sent; fz@example.net chair sent; jgs@example.org ad sent; scott.mansfield@example.com manager already-received; statements-archive@example.org archive sent; tsbsg15@itu.int sender sent" \
	"$(routes LS-2026-0001)"

a=$(out_file "$(our_id LS-2026-0001 ack)")
check "the acknowledgement goes to the sender" "tsbsg15@itu.int" "$(envelope "$a")"
check "it names the statement id" 1 "$(grep -c 'recorded as LS-2026-0001\.' "$a")"
check "it does not carry the original" 0 "$(grep -c '^Content-Type: message/rfc822' "$a")"
check "the Datatracker's notification is not acknowledged" "" "$(our_id LS-2026-0002 ack)"

# 03 was copied to the opsawg list: the list already has it.
check "show --json routes of LS-2026-0003 (list already-received)" \
	"opsawg@ietf.org list already-received; cdubois@example.net chair sent; bmartin@example.net chair sent; praman@example.org ad sent; maria.santos@example.com manager already-received; statements-archive@example.org archive sent; liaisons@broadband-forum.org sender sent" \
	"$(routes LS-2026-0003)"
check "its forward skips the list" "cdubois@example.net, bmartin@example.net, praman@example.org, statements-archive@example.org" \
	"$(envelope "$(out_file "$(our_id LS-2026-0003 forward)")")"

# 04 names three groups: each list, each chair and AD once.
f=$(out_file "$(our_id LS-2026-0004 forward)")
check "LS-2026-0004 goes to three lists" "teas@ietf.org, detnet@ietf.org, mpls@ietf.org" "$(header "$f" To)"
check "no address twice in its envelope" "" "$(envelope "$f" | tr ',' '\n' | sed 's/^ *//' | sort | uniq -d)"

# 08 is held: only triage and BBF's manager hear of it.
h=$(out_file "$(our_id LS-2026-0008 held)")
check "the held statement's notice goes to triage and the manager" \
	"liaison-coordination@example.org, maria.santos@example.com" "$(envelope "$h")"
check "it says why" 1 "$(grep -c '^Reason: unresolved destination group' "$h")"
check "a held statement is not forwarded" "" "$(our_id LS-2026-0008 forward)"
check "show --json routes of the held statement" \
	"liaison-coordination@example.org triage sent; maria.santos@example.com manager sent" "$(routes LS-2026-0008)"
check "every route of every statement is sent or already-received" "" \
	"$("$LIAISON" -c "$CONF" list --json | jq -r '.[].routes[] | select(.status != "sent" and .status != "already-received") | .address')"

# Every message in the outbox is ours and says so.
for f in "$O"/*; do
	[ "$(header "$f" X-Loop)" = statements@example.org ] || not_ok "$(basename "$f") lacks X-Loop"
	[ -n "$(header "$f" Message-Id)" ] || not_ok "$(basename "$f") lacks a Message-ID"
done
ok "every outgoing message has X-Loop and a Message-ID"

# A redelivered statement sends nothing.
before=$(outbox_count)
deliver "$S/01-action-ccamp.eml"
check "a redelivered statement exits 0" 0 "$rc"
check "a redelivered statement sends nothing" "$before" "$(outbox_count)"

# Our own forward, fed back (a list that echoes): a loop, recorded, nothing sent.
deliver "$(out_file "$(our_id LS-2026-0001 forward)")"
check "our own forward exits 0" 0 "$rc"
check "it is recorded as a loop" 1 "$(sql "SELECT count(*) FROM messages WHERE kind = 'loop' AND message_id = '$(our_id LS-2026-0001 forward)'")"
check "a loop sends nothing" "$before" "$(outbox_count)"
check "a loop creates no statement" 8 "$(sql 'SELECT count(*) FROM statements')"

# An out-of-office answer to the forward: recorded, nothing sent.
cat > "$T/ooo.eml" <<EOF
From: Fatai Zhang <fz@example.net>
To: statements@example.org
Subject: Automatic reply: [LS-2026-0001] LS on OTN control plane extensions
Auto-Submitted: auto-replied
Message-ID: <ooo-1@example.net>
In-Reply-To: <$(our_id LS-2026-0001 forward)>

I am out of the office until Monday.
EOF
deliver "$T/ooo.eml" -f fz@example.net
check "an auto-reply exits 0" 0 "$rc"
check "it is recorded as an auto-reply" auto-reply "$(sql "SELECT kind FROM messages WHERE message_id = 'ooo-1@example.net'")"
check "an auto-reply sends nothing" "$before" "$(outbox_count)"

# A DSN for the forward (to our plain address, as broken software sends
# them) returning its headers: the failed recipient's route is marked
# failed. The fixture's id is the form before ids were keyed.
sed "s/LS-2026-0001\.forward@example\.org/$(our_id LS-2026-0001 forward)/" \
	"$top_srcdir/tests/data/bounces/dsn-forward.eml" > "$T/dsn.eml"
deliver "$T/dsn.eml" -f ""
check "a bounce exits 0" 0 "$rc"
check "it is recorded as a bounce" bounce "$(sql "SELECT kind FROM messages WHERE message_id = 'dsn-1@mx.example.net'")"
check "the bounced route is failed" \
	"ccamp@ietf.org list sent; dc@example.net chair failed; fz@example.net chair sent; jgs@example.org ad sent; scott.mansfield@example.com manager already-received; statements-archive@example.org archive sent; tsbsg15@itu.int sender sent" \
	"$(routes LS-2026-0001)"
check "show has a bounced event" 1 \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0001 | jq '[.events[] | select(.type == "bounced")] | length')"
check "the bounce is in the statement's thread" bounce \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0001 | jq -r '.thread[] | select(.message_id == "dsn-1@mx.example.net") | .role')"
check "a bounce sends nothing" "$before" "$(outbox_count)"

# An old-style bounce of the acknowledgement, without a DSN part and
# returning nothing: sent to our plain address, naming the
# acknowledgement only in its In-Reply-To (which anyone writes), it is not
# ours and changes nothing; to the acknowledgement's VERP address, it is.
sed "s/LS-2026-0001\.ack@example\.org/$(our_id LS-2026-0001 ack)/" \
	"$top_srcdir/tests/data/bounces/old-style-ack.eml" > "$T/bounce2.eml"
deliver "$T/bounce2.eml" -f "" -r statements@example.org
check "an old-style bounce to our plain address exits 0" 0 "$rc"
check "it marks nothing" "tsbsg15@itu.int sender sent" \
	"$(routes LS-2026-0001 | tr ';' '\n' | sed 's/^ //' | grep '^tsbsg15')"
check "an event says it was not ours" 1 \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0001 | jq '[.events[] | select(.type == "bounce" and (.detail | test("not ours")))] | length')"
ack_sender=$(sql "SELECT sender FROM outbox WHERE message_id = '$(our_id LS-2026-0001 ack)'")
sed 's/bounce-2@/bounce-2b@/' "$T/bounce2.eml" > "$T/bounce2b.eml"
deliver "$T/bounce2b.eml" -f "" -r "$ack_sender"
check "an old-style bounce marks the acknowledgement failed" "tsbsg15@itu.int sender failed" \
	"$(routes LS-2026-0001 | tr ';' '\n' | sed 's/^ //' | grep '^tsbsg15')"

# A bounce of something we never sent changes nothing.
sed -e 's/LS-2026-0001.forward@example.org/someone-else@example.org/' -e 's/dsn-1@/dsn-3@/' "$T/dsn.eml" > "$T/dsn3.eml"
deliver "$T/dsn3.eml" -f ""
check "a foreign bounce exits 0" 0 "$rc"
check "a foreign bounce marks nothing" 2 "$(sql "SELECT count(*) FROM routes WHERE status = 'failed'")"

check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
