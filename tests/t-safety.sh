#!/bin/sh
# End-to-end: nothing in an incoming message steers what we send. An
# RFC 2047-encoded CR LF followed by "Bcc: evil@example.com" in the Subject,
# the Title and each contact field never makes an extra header or recipient;
# and who may submit (SPEC §6): an organization's authorized list, and the
# Authentication-Results of our own server (the topmost one only).
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"

head_block () { sed '/^$/q' "$1"; }
out_file () { grep -l -i "^Message-Id: <$1>" "$O"/* 2>/dev/null | head -1; }
envelope () { sed -n '1s/^X-Liaison-Envelope-To: //p' "$1"; }
routes () { "$LIAISON" -c "$CONF" show --json "$1" | jq -r '[.routes[] | "\(.address) \(.role) \(.status)"] | join("; ")'; }
outbox_count () { ls "$O" 2>/dev/null | wc -l; }

# Every place a value from the message can reach, poisoned. The body is
# quoted-printable so that its CR LF are encoded too.
E='=0D=0ABcc:=20evil@example.com'
cat > "$T/inject.eml" <<EOF
From: =?utf-8?q?Greg_Jones=0D=0ABcc=3A_evil=40example.com?= <tsbsg15@itu.int>
Reply-To: =?utf-8?q?x=0D=0ABcc=3A_evil=40example.com?= <tsbsg15@itu.int>
To: statements@example.org
Subject: =?utf-8?q?New_Liaison_Statement=0D=0ABcc:_evil@example.com?=
Date: Fri, 27 Nov 2026 09:00:00 +0000
Message-ID: <inject-1@itu.int>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Title: LS on OTN$E
Submission Date: 2026-11-27
From Group: ITU-T Study Group 15 (itu-t-sg-15)
From: ITU-T SG15 (Greg Jones$E <greg.jones@example.com>)
To Group: Common Control and Measurement Plane (ccamp)
To: Common Control and Measurement Plane (Daniele Ceccarelli$E <dc@example.n=
et>)
Cc: =?utf-8?q?Scott=0D=0ABcc:_evil@example.com?= <scott.mansfield@example.com>=
$E
Response Contacts: Greg Jones$E <greg.jones@example.com>
Technical Contacts: Hiroshi Sato <hiroshi.sato@example.jp>$E
Purpose: For action$E

Body: Please review.
Attachments:

    No document has been attached
EOF
deliver "$T/inject.eml" -f tsbsg15@itu.int
check "the poisoned statement exits 0" 0 "$rc"
check "it was recorded as a statement" statement "$(sql "SELECT kind FROM messages WHERE message_id = 'inject-1@itu.int'")"
check "it was routed" open "$(sql "SELECT state FROM statements WHERE ls_id = 'LS-2026-0001'")"
check "it caused a forward and an acknowledgement" 2 "$(outbox_count)"
check "the From's display name lost its CR LF" "Greg Jones Bcc: evil@example.com <tsbsg15@itu.int>" \
	"$(sql "SELECT from_header FROM messages WHERE message_id = 'inject-1@itu.int'")"

# The same with the encoded words malformed (an unencoded ':' inside one,
# which makes a parser see a group): whatever it reads, no header and no
# recipient comes of it. (The sender does not read back as an authorized
# one, so the statement is held.)
sed -e 's/=3A/:/g' -e 's/=40/@/g' -e 's/inject-1@/inject-2@/' "$T/inject.eml" > "$T/inject2.eml"
deliver "$T/inject2.eml" -f tsbsg15@itu.int
check "the malformed one exits 0" 0 "$rc"
check "it caused one held notice" 3 "$(outbox_count)"
for f in "$O"/*; do
	name=$(basename "$f")
	check "$name: no Bcc header" 0 "$(head_block "$f" | grep -ci '^bcc:')"
	check "$name: evil is no envelope recipient" 0 "$(envelope "$f" | grep -c evil)"
	check "$name: evil is in no header of ours" 0 "$(head_block "$f" | grep -c evil)"
	check "$name: no header line is a continuation of an injected one" 0 \
		"$(head_block "$f" | grep -cv '^[A-Za-z-]*: \|^[ 	]\|^$')"
done
check "the title's encoded line break ended the title line" "LS on OTN" \
	"$(sql "SELECT title FROM statements WHERE ls_id = 'LS-2026-0001'")"
check "the subject was cleaned" "New Liaison Statement Bcc: evil@example.com" \
	"$(sql "SELECT subject FROM messages WHERE message_id = 'inject-1@itu.int'")"
check "no route goes to evil" 0 "$(sql "SELECT count(*) FROM routes WHERE address LIKE '%evil%'")"
check "the acknowledgement went to the sender alone" "tsbsg15@itu.int" \
	"$(envelope "$(out_file "$(our_id LS-2026-0001 ack)")")"

# ---------------------------------------------------------------------------
# Who may submit.

# The sample from SG15's secretariat, rewritten to come from someone else.
new_id () { sed -e "s/^Message-I[Dd]: <.*>/Message-ID: <$1@itu.int>/" ; }
from () { sed -e "s/^From: .*/From: $1/" -e "s/^Return-Path: .*/Return-Path: <mallory@itu.int>/"; }

before=$(outbox_count)
new_id unauth < "$S/01-action-ccamp.eml" | from "Mallory <mallory@itu.int>" > "$T/unauth.eml"
deliver "$T/unauth.eml" -f mallory@itu.int
check "an unauthorized sender exits 0" 0 "$rc"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'unauth@itu.int'")
check "an unauthorized sender's statement is held" "held|unauthorized sender" \
	"$(sql "SELECT state, hold_reason FROM statements WHERE ls_id = '$id'" | sed 's/: .*//')"
check "only triage and the organization's managers hear of it" \
	"liaison-coordination@example.org triage sent; scott.mansfield@example.com manager sent" "$(routes "$id")"
check "one message: the held notice" 1 "$(( $(outbox_count) - before ))"
check "it is not acknowledged to the sender" "" "$(our_id "$id" ack)"
check "it is not forwarded" "" "$(our_id "$id" forward)"
check "the notice says why" 1 "$(grep -c '^Reason: unauthorized sender: mallory@itu.int is not on the authorized list of ITU-T SG15$' "$(out_file "$(our_id "$id" held)")")"

# With authserv-id set, our server's verdict decides.
write_config "authserv-id = mx.example.org"
ar () { sed "1i Authentication-Results: $1"; }

new_id authok < "$S/01-action-ccamp.eml" |
	ar "mx.example.org; dkim=pass header.d=itu.int header.s=s2026; spf=pass smtp.mailfrom=itu.int" > "$T/authok.eml"
deliver "$T/authok.eml"
check "dkim=pass for the sender's domain: routed" "open" \
	"$(sql "SELECT s.state FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'authok@itu.int'")"

# The trusted (topmost) header says fail; a forged one below says pass.
new_id forged < "$S/01-action-ccamp.eml" | ar "mx.example.org; dkim=pass header.d=itu.int" |
	ar "mx.example.org; dkim=fail header.d=itu.int; spf=fail smtp.mailfrom=itu.int" > "$T/forged.eml"
before=$(outbox_count)
deliver "$T/forged.eml"
check "a forged Authentication-Results below ours exits 0" 0 "$rc"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'forged@itu.int'")
check "a forged Authentication-Results below ours does not count" "held|unauthenticated sender" \
	"$(sql "SELECT state, hold_reason FROM statements WHERE ls_id = '$id'" | sed 's/: .*//')"
check "and only the held notice went out" "liaison-coordination@example.org, scott.mansfield@example.com" \
	"$(envelope "$(out_file "$(our_id "$id" held)")")"
check "one message" 1 "$(( $(outbox_count) - before ))"

new_id dkimfail < "$S/01-action-ccamp.eml" | ar "mx.example.org; dkim=fail header.d=itu.int" > "$T/dkimfail.eml"
deliver "$T/dkimfail.eml"
check "dkim=fail is held as unauthenticated" "held|unauthenticated sender" \
	"$(sql "SELECT s.state, s.hold_reason FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'dkimfail@itu.int'" | sed 's/: .*//')"

new_id other < "$S/01-action-ccamp.eml" | ar "relay.example.net; dkim=pass header.d=itu.int" > "$T/other.eml"
deliver "$T/other.eml"
check "another server's pass does not count" "held|unauthenticated sender" \
	"$(sql "SELECT s.state, s.hold_reason FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'other@itu.int'" | sed 's/: .*//')"

new_id spfalien < "$S/01-action-ccamp.eml" | ar "mx.example.org; spf=pass smtp.mailfrom=mallory@evil.example" > "$T/spf.eml"
deliver "$T/spf.eml"
check "an SPF pass for another domain does not count" "held|unauthenticated sender" \
	"$(sql "SELECT s.state, s.hold_reason FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'spfalien@itu.int'" | sed 's/: .*//')"

new_id both < "$S/01-action-ccamp.eml" | from "Mallory <mallory@itu.int>" |
	ar "mx.example.org; dkim=pass header.d=itu.int" > "$T/both.eml"
deliver "$T/both.eml"
check "authenticated but not on the list" "held|unauthorized sender" \
	"$(sql "SELECT s.state, s.hold_reason FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'both@itu.int'" | sed 's/: .*//')"

check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
