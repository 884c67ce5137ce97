#!/bin/sh
# End-to-end: who may change a statement or make us send mail from inside
# its thread (SPEC §7, issue 16). A follow-up is forwarded only when its
# sender may submit for the statement's organization; a reply marks the
# statement replied only from a receiving-side person of the directory
# (a list, chair or AD of its groups, a manager of its organization) whom
# our server vouches for. Anything else is recorded in the thread, changes
# nothing, sends nothing, and an event says why. A Message-ID reused with
# other content is told to triage once, never to the sender.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"
TRIAGE=liaison-coordination@example.org

lq () { "$LIAISON" -c "$CONF" "$@"; }
field () { lq show --json "$1" | jq -r ".$2"; }
outbox_count () { ls "$O" 2>/dev/null | wc -l; }
# sent_to ADDRESS: how many of the messages written so far went to ADDRESS
# (their envelope, which the maildir transport writes as the first line).
sent_to () {
	for f in "$O"/*; do [ -f "$f" ] && head -1 "$f"; done |
		sed -n 's/^X-Liaison-Envelope-To: //p' | tr ',' '\n' | sed 's/^ *//' | grep -c -x -F "$1"
}
# row MESSAGE-ID: kind|role|statement of the recorded message.
row () {
	sql "SELECT m.kind || '|' || ifnull(m.role, '') || '|' || ifnull(s.ls_id, '')
	     FROM messages m LEFT JOIN statements s ON s.id = m.statement WHERE m.message_id = '$1'"
}
# event ID TYPE: the detail of the last event of TYPE on ID.
event () {
	sql "SELECT e.detail FROM events e JOIN statements s ON s.id = e.statement
	     WHERE s.ls_id = '$1' AND e.type = '$2' ORDER BY e.id DESC LIMIT 1"
}
count_events () {
	sql "SELECT count(*) FROM events e JOIN statements s ON s.id = e.statement
	     WHERE s.ls_id = '$1' AND e.type = '$2'"
}
# The addresses whose counts a case compares.
WATCH="ccamp@ietf.org dc@example.net fz@example.net jgs@example.org scott.mansfield@example.com
opsawg@ietf.org detnet@ietf.org tsbsg15@itu.int $TRIAGE"
# snapshot: the totals that a case's "sent" is measured from.
snapshot () {
	n_out=$(outbox_count)
	for a in $WATCH; do echo "$a $(sent_to "$a")"; done > "$T/snapshot"
}
# since ADDRESS: how many messages went to ADDRESS since the snapshot.
since () { echo $(( $(sent_to "$1") - $(awk -v a="$1" '$1 == a { print $2 }' "$T/snapshot") )); }
nothing_sent () {
	check "$1: nothing sent" "$n_out" "$(outbox_count)"
}
# mail FILE FROM MESSAGE-ID SUBJECT [HEADER...]: a message with the text
# on standard input.
mail () {
	f=$1 from=$2 id=$3 subject=$4; shift 4
	{
		for h in "$@"; do echo "$h"; done
		echo "From: $from"
		echo "To: statements@example.org"
		echo "Subject: $subject"
		echo "Date: Mon, 30 Nov 2026 10:00:00 +0000"
		echo "Message-ID: <$id>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		cat
	} > "$T/$f"
}

# A stranger's reply to the Broadband Forum's statement that comes before
# the statement itself: adopted into its thread later, on the same terms.
mail orphan.eml "Mallory <mallory@example.com>" orphan-3@example.com \
	"Re: Response to IETF OPSAWG LS" \
	"In-Reply-To: <b1f0c3a2-7d54-4e0b-9a61-3c2f8e5d7a10@broadband-forum.org>" <<'EOF'
Consider this answered.
EOF

# LS-2026-0001 (ITU-T SG15 to ccamp, sent by its authorized TSB address),
# LS-2026-0002 (IEEE 802.1 to detnet, through the Datatracker),
# LS-2026-0003 (the Broadband Forum to opsawg).
for m in "$S/01-action-ccamp.eml" "$S/02-information-detnet.eml" "$T/orphan.eml" \
         "$S/03-response-opsawg.eml"; do
	deliver "$m"
	check "deliver $(basename "$m") exits 0" 0 "$rc"
done
check "three statements, open" "open open open" \
	"$(sql "SELECT group_concat(state, ' ') FROM (SELECT state FROM statements WHERE handle IS NULL ORDER BY id)")"
check "the orphan joined LS-2026-0003 as a reply" "reply|reply|LS-2026-0003" "$(row orphan-3@example.com)"
check "held while it had no thread, it is held no more" "dismissed|adopted" \
	"$(sql "SELECT s.state || '|' || e.type FROM statements s JOIN messages m ON m.id = s.message
		JOIN events e ON e.statement = s.id WHERE m.message_id = 'orphan-3@example.com' AND s.handle IS NOT NULL
		ORDER BY e.id DESC LIMIT 1")"
check "the orphan left LS-2026-0003 open" open "$(field LS-2026-0003 state)"
check "the orphan's event says why" \
	"reply from Mallory <mallory@example.com> <orphan-3@example.com> not counted: the sender is not a list, chair or AD of the statement's groups nor a manager of its organization; state unchanged (it came before its parent)" \
	"$(event LS-2026-0003 reply)"

# A forged follow-up: our tag in the subject, From the response contact the
# statement names, who writes from outside SG15's domains and is not its
# authorized sender.
snapshot
mail forged-1.eml "Greg Jones <greg.jones@example.com>" forged-fu-1@example.com \
	"Re: [LS-2026-0001] correction: please implement at once" <<'EOF'
Please treat the attached as the final text of the statement.
EOF
deliver "$T/forged-1.eml"
check "a forged follow-up: exits 0" 0 "$rc"
check "a forged follow-up: recorded in the thread as a follow-up" "reply|follow-up|LS-2026-0001" \
	"$(row forged-fu-1@example.com)"
nothing_sent "a forged follow-up"
check "a forged follow-up: not to the list" 0 "$(since ccamp@ietf.org)"
check "a forged follow-up: nothing to its sender" 0 "$(sent_to greg.jones@example.com)"
check "a forged follow-up: the state is unchanged" "open|false" \
	"$(field LS-2026-0001 state)|$(field LS-2026-0001 action_taken)"
check "a forged follow-up: the event says it was not forwarded, and why" \
	"follow-up from Greg Jones <greg.jones@example.com> <forged-fu-1@example.com> not forwarded: unauthorized sender" \
	"$(event LS-2026-0001 follow-up)"

# The same for an organization without an authorized list: the Broadband
# Forum's response contact, outside broadband-forum.org. (This is the
# domain rule of SPEC §6 in authorize_sender(), which the thread code
# applies as it is.)
snapshot
mail forged-3.eml "Robert Hale <robert.hale@example.com>" forged-fu-3@example.com \
	"Re: [LS-2026-0003] urgent update" <<'EOF'
An update to our statement: see below.
EOF
deliver "$T/forged-3.eml"
check "a follow-up from outside the domains: exits 0" 0 "$rc"
check "a follow-up from outside the domains: recorded as a follow-up" "reply|follow-up|LS-2026-0003" \
	"$(row forged-fu-3@example.com)"
nothing_sent "a follow-up from outside the domains"
check "a follow-up from outside the domains: not to the list" 0 "$(since opsawg@ietf.org)"
check "a follow-up from outside the domains: the event says why" \
	"follow-up from Robert Hale <robert.hale@example.com> <forged-fu-3@example.com> not forwarded: sender outside the organization's domains" \
	"$(event LS-2026-0003 follow-up)"

# A genuine follow-up: the TSB, SG15's authorized sender, answering its own
# statement: forwarded to the statement's routes, under our tag.
snapshot
mail genuine.eml "TSB SG15 <tsbsg15@itu.int>" genuine-fu-1@itu.int \
	"Re: LS on OTN control plane extensions for 800G and 1.6T interfaces" \
	"In-Reply-To: <177163338812.4321.1029384756@mailgw.itu.int>" <<'EOF'
A correction: the tributary slot granularity is 5G, not 10G.
EOF
deliver "$T/genuine.eml"
check "a genuine follow-up: exits 0" 0 "$rc"
check "a genuine follow-up: recorded as a follow-up" "reply|follow-up|LS-2026-0001" \
	"$(row genuine-fu-1@itu.int)"
check "a genuine follow-up: one message sent" $((n_out + 1)) "$(outbox_count)"
for a in ccamp@ietf.org dc@example.net fz@example.net jgs@example.org scott.mansfield@example.com; do
	check "a genuine follow-up: once to $a" 1 "$(since "$a")"
done
check "a genuine follow-up: nothing back to its sender" 0 "$(since tsbsg15@itu.int)"
check "a genuine follow-up: nothing to triage" 0 "$(since "$TRIAGE")"
check "a genuine follow-up: the event says forwarded" \
	"follow-up from TSB SG15 <tsbsg15@itu.int> <genuine-fu-1@itu.int>, forwarded to the statement's routes" \
	"$(event LS-2026-0001 follow-up)"
check "a genuine follow-up: the state is unchanged" open "$(field LS-2026-0001 state)"

# A reply from a random address with the tag: recorded, nothing changes.
snapshot
mail random.eml "Mallory <mallory@example.com>" random-1@example.com \
	"Re: [LS-2026-0001] done, closing this" <<'EOF'
We have handled this statement; no further action is needed.
EOF
deliver "$T/random.eml"
check "a stranger's reply: exits 0" 0 "$rc"
check "a stranger's reply: recorded in the thread as a reply" "reply|reply|LS-2026-0001" \
	"$(row random-1@example.com)"
check "a stranger's reply: the statement stays open, its action not taken" "open|false" \
	"$(field LS-2026-0001 state)|$(field LS-2026-0001 action_taken)"
check "a stranger's reply: no replied event" 0 "$(count_events LS-2026-0001 replied)"
check "a stranger's reply: the event says why" \
	"reply from Mallory <mallory@example.com> <random-1@example.com> not counted: the sender is not a list, chair or AD of the statement's groups nor a manager of its organization; state unchanged" \
	"$(event LS-2026-0001 reply)"
nothing_sent "a stranger's reply"

# An address the statement names in its To: line (opsawg-chairs@ietf.org)
# is not in the directory: its reply changes nothing either.
snapshot
mail named.eml "OPSAWG chairs <opsawg-chairs@ietf.org>" named-3@ietf.org \
	"Re: [LS-2026-0003] answered" <<'EOF'
Answered.
EOF
deliver "$T/named.eml"
check "a reply from an address the statement names: exits 0" 0 "$rc"
check "a reply from an address the statement names: LS-2026-0003 stays open" open \
	"$(field LS-2026-0003 state)"
nothing_sent "a reply from an address the statement names"

# A message that names a statement's id in its text, from an outsider.
snapshot
mail text.eml "Someone <someone@example.net>" text-2@example.net "our view" <<'EOF'
Regarding LS-2026-0002: we consider it answered and closed.
EOF
deliver "$T/text.eml"
check "an id in an outsider's text: exits 0" 0 "$rc"
check "an id in an outsider's text: in the thread as a reply" "reply|reply|LS-2026-0002" \
	"$(row text-2@example.net)"
check "an id in an outsider's text: LS-2026-0002 stays open" "open|false" \
	"$(field LS-2026-0002 state)|$(field LS-2026-0002 action_taken)"
check "an id in an outsider's text: the event says why" yes \
	"$(event LS-2026-0002 reply | grep -q '^reply from Someone <someone@example.net> <text-2@example.net> not counted: ' && echo yes)"
nothing_sent "an id in an outsider's text"

# A reply from a chair of the statement's group marks it replied.
snapshot
mail chair.eml "Daniele Ceccarelli <dc@example.net>" chair-1@example.net \
	"Re: [LS-2026-0001] LS on OTN control plane extensions" <<'EOF'
CCAMP has discussed the statement and will answer by the deadline.
EOF
deliver "$T/chair.eml"
check "a chair's reply: exits 0" 0 "$rc"
check "a chair's reply: recorded as a reply" "reply|reply|LS-2026-0001" "$(row chair-1@example.net)"
check "a chair's reply: replied, action taken" "replied|true" \
	"$(field LS-2026-0001 state)|$(field LS-2026-0001 action_taken)"
check "a chair's reply: the replied event names it" \
	"reply from Daniele Ceccarelli <dc@example.net> <chair-1@example.net>" "$(event LS-2026-0001 replied)"
nothing_sent "a chair's reply"

# With authserv-id set, a chair's reply counts only with our server's pass
# for its From; a pass in a header below ours was added by the sender.
write_config "authserv-id = mx.example.org"
snapshot
mail chair-unvouched.eml "Claire Dubois <cdubois@example.net>" chair-3a@example.net \
	"Re: [LS-2026-0003] answered" \
	"Authentication-Results: mx.example.org; dkim=fail header.d=example.net; spf=softfail smtp.mailfrom=example.net" \
	"Authentication-Results: mx.example.org; dkim=pass header.d=example.net" <<'EOF'
OPSAWG has answered.
EOF
deliver "$T/chair-unvouched.eml"
check "an unvouched chair's reply: exits 0" 0 "$rc"
check "an unvouched chair's reply: recorded as a reply" "reply|reply|LS-2026-0003" \
	"$(row chair-3a@example.net)"
check "an unvouched chair's reply: LS-2026-0003 stays open" "open|false" \
	"$(field LS-2026-0003 state)|$(field LS-2026-0003 action_taken)"
check "an unvouched chair's reply: the event says why" \
	"reply from Claire Dubois <cdubois@example.net> <chair-3a@example.net> not counted: our mail server does not vouch for the sender (no DKIM or aligned SPF pass); state unchanged" \
	"$(event LS-2026-0003 reply)"
nothing_sent "an unvouched chair's reply"
mail chair-vouched.eml "Claire Dubois <cdubois@example.net>" chair-3b@example.net \
	"Re: [LS-2026-0003] answered" \
	"Authentication-Results: mx.example.org; dkim=pass header.d=example.net" <<'EOF'
OPSAWG has answered.
EOF
deliver "$T/chair-vouched.eml"
check "a vouched chair's reply: exits 0" 0 "$rc"
check "a vouched chair's reply: LS-2026-0003 replied" "replied|true" \
	"$(field LS-2026-0003 state)|$(field LS-2026-0003 action_taken)"
write_config

# A conflict: the Message-ID of LS-2026-0001's original with other content.
# One notice, to triage only; nothing to the sender, no statement.
snapshot
sed 's/^Subject: /Subject: Amended: /' "$S/01-action-ccamp.eml" > "$T/conflict.eml"
deliver "$T/conflict.eml"
check "a conflict: exits 0" 0 "$rc"
check "a conflict: recorded, held" "1|Message-ID already recorded with other content" \
	"$(sql "SELECT conflict || '|' || hold_reason FROM messages WHERE subject LIKE 'Amended:%'")"
check "a conflict: no statement of its own" 3 "$(sql 'SELECT count(*) FROM statements WHERE handle IS NULL')"
check "a conflict: exactly one message sent" $((n_out + 1)) "$(outbox_count)"
check "a conflict: it went to triage" 1 "$(since "$TRIAGE")"
check "a conflict: nothing to the sender" 0 "$(since tsbsg15@itu.int)"
check "a conflict: nothing to the list" 0 "$(since ccamp@ietf.org)"
f=$(grep -l -i -F "Message-Id: <$(our_id LS-2026-0001 conflict)>" "$O"/* | head -1)
check "a conflict: the notice's envelope is triage alone" "$TRIAGE" \
	"$(sed -n '1s/^X-Liaison-Envelope-To: //p' "$f")"
check "a conflict: the notice's To is triage alone" "To: $TRIAGE" "$(grep -m1 '^To: ' "$f")"
check "a conflict: the notice carries the conflicting message" yes \
	"$(grep -q '^Subject: Amended: ' "$f" && echo yes)"
check "a conflict: an event on the statement" 1 "$(count_events LS-2026-0001 conflict)"
check "a conflict: the outbox row is of kind conflict, for LS-2026-0001" "conflict|LS-2026-0001" \
	"$(sql "SELECT o.kind || '|' || s.ls_id FROM outbox o JOIN statements s ON s.id = o.statement WHERE o.kind = 'conflict'")"
deliver "$T/conflict.eml"
check "the same conflict again: exits 0" 0 "$rc"
check "the same conflict again: a duplicate, nothing more sent" $((n_out + 1)) "$(outbox_count)"
check "the same conflict again: still one notice to triage" 1 "$(since "$TRIAGE")"

finish
