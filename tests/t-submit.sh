#!/bin/sh
# End-to-end: outgoing statements with approval (issue 18, SPEC §13). A
# WG chair submits a statement by mail to statements+submit@ (the
# extension from -e, and from X-Original-To/Delivered-To); the group's AD
# approves it by replying `approve` to the request; it goes to the peer's
# send-to with the group's list and chairs and the org's managers in Cc,
# Reply-To our reply-to; the peer's answer marks it replied. An approve
# from a non-approver, one that names no request, and one with a forged
# Authentication-Results change nothing and are recorded as messages.
# `liaison submit` refuses bad input field by field, records nothing; a
# good one carries its document. Approved: yes counts from an
# authenticated approver only. `rebuild` gives the same register.
. "$top_srcdir/tests/lib.sh"
O="$T/outbox/new"
CHAIR="Daniele Ceccarelli <dc@example.net>"
AD="John Scudder <jgs@example.org>"

# One configuration throughout, so that `rebuild` reads every message
# as it was read: with authserv-id, every message below carries our
# server's pass for its From domain unless AUTH=no.
write_config "reply-to = liaison-replies@example.org" "authserv-id = mx.example.org"
sed -i 's|^\[org ITU-T SG15\]|[org ITU-T SG15]\nsend-to = ITU-T SG15 TSB <tsbsg15@itu.int>|' "$CONF"
printf '\n[approvers]\niab = IAB Chair <iab-chair@iab.org>\nietf = IETF Chair <chair@ietf.org>\n' >> "$CONF"
AUTH=yes
# our_pass FROM: our server's Authentication-Results for FROM's domain.
our_pass () {
	d=$(echo "$1" | sed 's/.*@\([^>]*\)>.*/\1/')
	if [ "$AUTH" = yes ]; then echo "Authentication-Results: mx.example.org; dkim=pass header.d=$d"; fi
}

L () { "$LIAISON" -c "$CONF" "$@"; }
field () { L show --json "$1" | jq -r ".$2"; }
count_events () {
	sql "SELECT count(*) FROM events e JOIN statements s ON s.id = e.statement
	     WHERE s.ls_id = '$1' AND e.type = '$2'"
}
# sent_with HEADER-REGEX: how many messages in the outbox have that line.
sent_with () { grep -l -E "$1" "$O"/* 2>/dev/null | wc -l; }
# envelope_of MESSAGE-ID: the envelope recipients of the message we sent.
envelope_of () {
	f=$(grep -l -i "^Message-Id: <$1>" "$O"/* | head -1)
	head -1 "$f" | sed 's/^X-Liaison-Envelope-To: //'
}
header_of () {
	f=$(grep -l -i "^Message-Id: <$1>" "$O"/* | head -1)
	sed -n "/^\$/q;p" "$f" | grep -i "^$2:" | head -1 | sed "s/^[^:]*: *//"
}
# submission FILE FROM MESSAGE-ID [HEADER...]: a submission whose label
# text comes on stdin.
submission () {
	f=$1 from=$2 id=$3; shift 3
	{
		our_pass "$from"
		for h in "$@"; do echo "$h"; done
		echo "From: $from"
		echo "To: statements+submit@example.org"
		echo "Subject: Outgoing liaison statement"
		echo "Date: Mon, 30 Nov 2026 10:00:00 +0000"
		echo "Message-ID: <$id>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		cat
	} > "$T/$f"
}
# reply FILE FROM MESSAGE-ID SUBJECT [HEADER...]: a reply, text on stdin.
reply () {
	f=$1 from=$2 id=$3 subject=$4; shift 4
	{
		our_pass "$from"
		for h in "$@"; do echo "$h"; done
		echo "From: $from"
		echo "To: statements@example.org"
		echo "Subject: $subject"
		echo "Date: Mon, 30 Nov 2026 11:00:00 +0000"
		echo "Message-ID: <$id>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		cat
	} > "$T/$f"
}
STATEMENT='Title: CCAMP reply on OTN control plane extensions
From Group: ccamp
To Group: ITU-T SG15
Purpose: For action
Deadline: 2027-01-15
Response Contacts: Daniele Ceccarelli <dc@example.net>

Body: CCAMP thanks SG15 and asks for the text of G.709 Amendment 1.'

# By mail, with -e submit.
echo "$STATEMENT" | submission sub1.eml "$CHAIR" sub-1@example.net
deliver "$T/sub1.eml" -e submit
check "submit by mail: exits 0" 0 "$rc"
check "submit by mail: pending approval" pending-approval "$(field LS-2026-0001 state)"
check "submit by mail: outgoing" outgoing "$(field LS-2026-0001 direction)"
check "submit by mail: from ccamp to ITU-T SG15" "ccamp ITU-T SG15" \
	"$(field LS-2026-0001 from.org) $(field LS-2026-0001 'to.groups[0]')"
REQ=$(our_id LS-2026-0001 approval)
check "the approval request has our Message-ID" 1 "$([ -n "$REQ" ] && echo 1)"
check "the approval request goes to the AD" jgs@example.org "$(envelope_of "$REQ")"
check "nothing went to the peer yet" 0 "$(sent_with '^X-Liaison-Envelope-To: .*tsbsg15@itu.int')"
check "list shows it with its state" 1 "$(L list | grep -c 'LS-2026-0001 *pending-approval')"
L export --format json --public -o "$T/public.json"
check "export --public leaves it out" 0 "$(jq length "$T/public.json")"

# An approve from someone who is not an approver: a message, nothing else.
reply notapprover.eml "$CHAIR" na-1@example.net "Re: [LS-2026-0001] Approval requested" \
	"In-Reply-To: <$REQ>" <<'EOF'
approve
EOF
deliver "$T/notapprover.eml"
check "a non-approver's approve: exits 0" 0 "$rc"
check "a non-approver's approve: still pending" pending-approval "$(field LS-2026-0001 state)"
check "a non-approver's approve: recorded in the thread" 1 \
	"$(L show --json LS-2026-0001 | jq '[.thread[] | select(.message_id == "na-1@example.net")] | length')"
# The AD's approve naming no request (only the subject tag): nothing.
reply noref.eml "$AD" noref-1@example.org "Re: [LS-2026-0001] Approval requested" <<'EOF'
approve
EOF
deliver "$T/noref.eml"
check "an approve naming no request: still pending" pending-approval "$(field LS-2026-0001 state)"
check "an approve naming no request: recorded" 1 "$(sql "SELECT count(*) FROM messages WHERE message_id = 'noref-1@example.org'")"
# The AD's approve with a forged Authentication-Results (below ours).
AUTH=no
reply forged.eml "$AD" forged-1@example.org "Re: [LS-2026-0001] Approval requested" \
	"In-Reply-To: <$REQ>" \
	"Authentication-Results: mx.example.org; dkim=fail header.d=example.org" \
	"Authentication-Results: mx.example.org; dkim=pass header.d=example.org" <<'EOF'
approve
EOF
AUTH=yes
deliver "$T/forged.eml"
check "a forged approve: still pending" pending-approval "$(field LS-2026-0001 state)"
check "a forged approve: recorded" 1 "$(sql "SELECT count(*) FROM messages WHERE message_id = 'forged-1@example.org'")"
check "no approval so far" 0 "$(count_events LS-2026-0001 approved)"

# The AD, authenticated, approves.
reply approve.eml "$AD" ap-1@example.org "Re: [LS-2026-0001] Approval requested" \
	"In-Reply-To: <$REQ>" <<'EOF'
approve

> Daniele Ceccarelli submitted the outgoing statement LS-2026-0001
EOF
deliver "$T/approve.eml"
check "the AD's approve: exits 0" 0 "$rc"
check "the AD's approve: open" open "$(field LS-2026-0001 state)"
check "the AD's approve: an event naming the AD" 1 \
	"$(L show --json LS-2026-0001 | jq '[.events[] | select(.type == "approved" and (.detail | contains("jgs@example.org")))] | length')"
check "the AD's approve: journaled" 1 "$(grep -c '	approve	LS-2026-0001' "$T/spool/journal")"
check "the AD's approve: confirmed to the AD" 1 "$(grep -l '^In-Reply-To: <ap-1@example.org>' "$O"/* | wc -l)"
FWD=$(our_id LS-2026-0001 forward)
check "sent to the peer's send-to, Cc list, chairs, managers" \
	"tsbsg15@itu.int, ccamp@ietf.org, dc@example.net, fz@example.net, scott.mansfield@example.com" \
	"$(envelope_of "$FWD")"
check "sent To the send-to" "ITU-T SG15 TSB <tsbsg15@itu.int>" "$(header_of "$FWD" To)"
check "sent Cc the list first" 1 "$(header_of "$FWD" Cc | grep -c '^ccamp@ietf.org, Daniele Ceccarelli')"
check "sent with Reply-To our reply-to" liaison-replies@example.org "$(header_of "$FWD" Reply-To)"
check "sent with our tag" 1 "$(header_of "$FWD" Subject | grep -c '^\[LS-2026-0001\] CCAMP reply')"

# The peer's reply marks it replied.
reply peer.eml "TSB SG15 <tsbsg15@itu.int>" peer-1@itu.int "Re: [LS-2026-0001] CCAMP reply" \
	"In-Reply-To: <$FWD>" <<'EOF'
Thank you; the amendment text is attached.
EOF
deliver "$T/peer.eml"
check "the peer's reply: replied" replied "$(field LS-2026-0001 state)"

# The same by the header path: no -e, X-Original-To names the extension.
echo "$STATEMENT" | sed 's/^Title: .*/Title: CCAMP second statement to SG15/' |
	submission sub2.eml "$CHAIR" sub-2@example.net "X-Original-To: statements+submit@example.org"
deliver "$T/sub2.eml"
check "submit via X-Original-To: pending approval" pending-approval "$(field LS-2026-0002 state)"
echo "$STATEMENT" | sed 's/^Title: .*/Title: CCAMP third statement to SG15/' |
	submission sub3.eml "$CHAIR" sub-3@example.net "Delivered-To: statements+submit@example.org"
deliver "$T/sub3.eml"
check "submit via Delivered-To: pending approval" pending-approval "$(field LS-2026-0003 state)"
# A rejection by reply: dismissed, the submitter told why, confirmed.
REQ2=$(our_id LS-2026-0002 approval)
reply reject.eml "$AD" rej-1@example.org "Re: [LS-2026-0002] Approval requested" \
	"In-Reply-To: <$REQ2>" <<'EOF'
reject The deadline is too short for SG15
EOF
deliver "$T/reject.eml"
check "reject by reply: dismissed" dismissed "$(field LS-2026-0002 state)"
check "reject by reply: an event with who and why" 1 \
	"$(L show --json LS-2026-0002 | jq '[.events[] | select(.type == "rejected" and (.detail | contains("jgs@example.org: The deadline is too short")))] | length')"
check "reject by reply: the submitter is told why" 1 \
	"$(grep -l '^Subject: \[LS-2026-0002\] Rejected' "$O"/* | xargs grep -l 'too short for SG15' | xargs head -qn1 | grep -c 'dc@example.net')"
check "reject by reply: confirmed to the AD" 1 "$(grep -l '^In-Reply-To: <rej-1@example.org>' "$O"/* | wc -l)"
check "reject by reply: nothing to the peer" "" "$(our_id LS-2026-0002 forward)"

# A rejection, from the shell.
L reject LS-2026-0003 --reason "wrong peer" --by "$AD" > /dev/null
check "reject: dismissed" dismissed "$(field LS-2026-0003 state)"
check "reject: the submitter is told why" 1 \
	"$(grep -l '^Subject: \[LS-2026-0003\] Rejected' "$O"/* | xargs grep -l 'wrong peer' | wc -l)"

# A submission from someone else: held as a message, answered once.
AUTH=no
echo "$STATEMENT" | submission sub4.eml "Mallory <mallory@example.com>" sub-4@example.com
AUTH=yes
deliver "$T/sub4.eml" -e submit
check "an outsider's submission: exits 0" 0 "$rc"
check "an outsider's submission: no statement" 0 "$(sql "SELECT count(*) FROM statements WHERE ls_id = 'LS-2026-0004'")"
check "an outsider's submission: held" 1 "$(L list --held --json | jq '[.[] | select(.message_id == "sub-4@example.com")] | length')"
check "an outsider's submission: one reply saying why" 1 \
	"$(grep -l '^In-Reply-To: <sub-4@example.com>' "$O"/* | xargs grep -l 'not recorded as an outgoing' | wc -l)"

# liaison submit: bad input, one line a field, exit 1, nothing recorded.
before=$(sql "SELECT count(*) FROM messages")
printf 'From Group: ccamp\nTo Group: ITU-T SG15\nPurpose: For information\n\nBody: x\n' > "$T/notitle.txt"
L submit "$T/notitle.txt" 2> "$T/err"; rc=$?
check "submit without a title: exit 1" 1 "$rc"
check "submit without a title: one line" "liaison: submit: Title: missing" "$(cat "$T/err")"
printf 'Title: x\nFrom Group: ccamp\nTo Group: ITU-T SG15\nPurpose: For action\n\nBody: x\n' > "$T/nodeadline.txt"
L submit "$T/nodeadline.txt" 2> "$T/err"; rc=$?
check "action without a deadline: exit 1, one line" "1 1" "$rc $(grep -c 'Deadline: required when the purpose is action' "$T/err")"
printf 'Title: x\nFrom Group: nosuchwg\nTo Group: ITU-T SG15\nPurpose: For information\n\nBody: x\n' > "$T/nogroup.txt"
L submit "$T/nogroup.txt" 2> "$T/err"; rc=$?
check "an unknown group: exit 1, one line" "1 1" "$rc $(grep -c 'From Group: "nosuchwg" is not a known IETF group' "$T/err")"
printf 'Title: x\nFrom Group: ccamp\nTo Group: Acme Standards\nPurpose: For information\n\nBody: x\n' > "$T/noorg.txt"
L submit "$T/noorg.txt" 2> "$T/err"; rc=$?
check "an unknown org: exit 1, one line" "1 1" "$rc $(grep -c 'To Group: "Acme Standards" is not a known peer organization' "$T/err")"
check "bad submissions: nothing recorded" "$before" "$(sql "SELECT count(*) FROM messages")"

# A good one with a document.
printf 'Title: CCAMP LS on YANG models\nFrom Group: ccamp\nTo Group: ITU-T SG15\nPurpose: For comment\n\nBody: Please comment on the attached draft.\n' > "$T/good.txt"
printf 'draft text\n' > "$T/draft-ccamp-yang.txt"
out=$(L submit "$T/good.txt" "$T/draft-ccamp-yang.txt" --by "$CHAIR")
check "submit FILE DOCUMENT: recorded" "LS-2026-0004: pending approval" "$out"
check "submit FILE DOCUMENT: the document is its attachment" draft-ccamp-yang.txt \
	"$(field LS-2026-0004 'attachments[0].filename')"
check "submit FILE DOCUMENT: journaled as an action" 1 "$(grep -c '	submit	LS-2026-0004' "$T/spool/journal")"
L approve LS-2026-0004 --by "$AD" > /dev/null
check "approve from the shell: open" open "$(field LS-2026-0004 state)"
# What the peer gets: the statement in the Datatracker's labels and its
# documents as they were submitted; never the submission mail (ours, with
# our people's headers), never the hints for acting on it by reply.
f=$(grep -l -i "^Message-Id: <$(our_id LS-2026-0004 forward)>" "$O"/* | head -1)
python3 - "$f" > "$T/peer-view" <<'PYEOF2'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
print('in-reply-to', m['In-Reply-To'] is not None)
parts = m.get_payload() if m.is_multipart() else [m]
print('parts', ' '.join(p.get_content_type() for p in parts))
for part in parts:
    if part.get_filename():
        print('document', part.get_filename(), part.get_content_type(), part.get_payload(decode=True).decode(), end='')
    elif part.get_content_maintype() == 'text':
        sys.stdout.write(part.get_content())
PYEOF2
check "to the peer: the document, its bytes as submitted" \
	"document draft-ccamp-yang.txt text/plain draft text" "$(grep '^document' "$T/peer-view")"
check "to the peer: the text and the document, no submission mail" "parts text/plain text/plain" \
	"$(grep '^parts' "$T/peer-view")"
check "to the peer: the Datatracker's labels" \
	"Title: CCAMP LS on YANG models|Submission Date: 2026-11-27|From Group: Common Control and Measurement Plane (ccamp)|To Group: ITU-T SG15|Purpose: For comment" \
	"$(grep -E '^(Title|Submission Date|From Group|To Group|Purpose):' "$T/peer-view" | paste -sd '|')"
check "to the peer: asked to quote our id, not told how to command us" "1 0" \
	"$(grep -c 'Please quote LS-2026-0004' "$T/peer-view") $(grep -c 'taken' "$T/peer-view")"
check "to the peer: no In-Reply-To our own submission" "in-reply-to False" "$(head -1 "$T/peer-view")"
# A whole MIME message on standard input carries its own documents.
cat > "$T/mime.eml" <<'EOF'
From: Daniele Ceccarelli <dc@example.net>
Subject: a MIME submission
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Title: CCAMP LS with its document in MIME
From Group: ccamp
To Group: ITU-T SG15
Purpose: For information

Body: See the attached document.
--b1
Content-Type: text/plain; name="ccamp-note.txt"
Content-Disposition: attachment; filename="ccamp-note.txt"

A note.
--b1--
EOF
out=$(L submit - < "$T/mime.eml")
check "submit - (a MIME message): recorded" "LS-2026-0005: pending approval" "$out"
check "submit - (a MIME message): its document" ccamp-note.txt "$(field LS-2026-0005 'attachments[0].filename')"
L approve LS-2026-0004 --by "$AD" 2> "$T/err"; rc=$?
check "approve twice: exit 1, one line" "1 1" "$rc $(grep -c 'is open, not waiting for approval' "$T/err")"
# --approved needs --by; with it, the manager's word: sent at once.
L submit "$T/good.txt" --approved 2> /dev/null; rc=$?
check "submit --approved without --by: a usage error" 2 "$rc"
sed 's/^Title: .*/Title: CCAMP LS approved by the manager/' "$T/good.txt" > "$T/approved.txt"
out=$(L submit "$T/approved.txt" --approved --by "Scott Mansfield <scott.mansfield@example.com>")
check "submit --approved --by: sent at once" "LS-2026-0006: approved, sent to its peer" "$out"
check "submit --approved --by: open, with its forward" "open 1" \
	"$(field LS-2026-0006 state) $([ -n "$(our_id LS-2026-0006 forward)" ] && echo 1)"

# Approved: yes from an authenticated approver: sent at once; from a
# chair (not an approver): approval by reply all the same.
printf '%s\nApproved: yes\n' "$(echo "$STATEMENT" | sed 's/^Title: .*/Title: Approved by the AD/')" |
	submission sub5.eml "$AD" sub-5@example.org
deliver "$T/sub5.eml" -e submit
check "Approved: yes from the AD: open at once" open "$(field LS-2026-0007 state)"
check "Approved: yes from the AD: sent to the peer" 1 "$([ -n "$(our_id LS-2026-0007 forward)" ] && echo 1)"
printf '%s\nApproved: yes\n' "$(echo "$STATEMENT" | sed 's/^Title: .*/Title: Approved by the chair/')" |
	submission sub6.eml "$CHAIR" sub-6@example.net
deliver "$T/sub6.eml" -e submit
check "Approved: yes from a chair: pending approval" pending-approval "$(field LS-2026-0008 state)"
check "Approved: yes from a chair: nothing to the peer" "" "$(our_id LS-2026-0008 forward)"

# A deadline we set is the peer's: our side is reminded, never the peer.
L remind --today 2027-01-08 > /dev/null
R=$(our_id LS-2026-0007 reminder)
check "a reminder of our deadline: the chairs, Cc the managers" \
	"dc@example.net, fz@example.net, scott.mansfield@example.com" "$(envelope_of "$R")"
check "no reminder of a statement pending approval" "" "$(our_id LS-2026-0008 reminder)"

# A submission that reuses a recorded Message-ID with other content is a
# conflict: recorded and held, never a statement.
sed 's/^Title: .*/Title: Something else entirely/' "$T/sub1.eml" > "$T/conflict.eml"
n=$(sql "SELECT count(*) FROM statements WHERE handle IS NULL OR handle <> ls_id")
deliver "$T/conflict.eml" -e submit
check "a conflicting submission: exits 0" 0 "$rc"
check "a conflicting submission: recorded as a conflict" 1 "$(sql "SELECT count(*) FROM messages WHERE conflict = 1")"
check "a conflicting submission: no statement" "$n" "$(sql "SELECT count(*) FROM statements WHERE handle IS NULL OR handle <> ls_id")"

# rebuild gives the same register.
L list --json > "$T/before.json"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
L rebuild > "$T/rebuild.out" 2> "$T/rebuild.err"
check "rebuild: no error" "" "$(cat "$T/rebuild.err")"
check "rebuild: the same list --json" "" "$(L list --json | diff "$T/before.json" - | head -5)"

finish
