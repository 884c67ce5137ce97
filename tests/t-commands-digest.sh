#!/bin/sh
# End-to-end: actions by reply to a digest (issue 18). A digest is about
# many statements, so each command line of a reply to it starts with the
# statement's id ("LS-2026-0001 taken"). A manager's commands about the
# statements of the organizations they manage are done and confirmed, one
# confirmation per statement; a line about a statement they may not act on
# is not done, and said so; the same lines from an outsider, or without
# ids, change nothing. A line naming another statement in a reply to a
# statement's own mail is not done. rebuild gives the same register.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"
SCOTT="Scott Mansfield <scott.mansfield@example.com>"

L () { "$LIAISON" -c "$CONF" "$@"; }
field () { L show --json "$1" | jq -r ".$2"; }
# answers ID: the files of our mail that answer the message ID.
answers () { grep -l "^In-Reply-To: <$1>" "$O"/* 2>/dev/null; }
# mail FILE FROM MESSAGE-ID IN-REPLY-TO: a reply with the text on stdin.
mail () {
	{
		echo "From: $2"
		echo "To: statements@example.org"
		echo "Subject: Re: [Liaison digest 2026-W49] ITU-T SG15, ITU-T SG13"
		echo "Date: Tue, 01 Dec 2026 10:00:00 +0000"
		echo "Message-ID: <$3>"
		echo "In-Reply-To: <$4>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		cat
	} > "$T/$1"
}

for m in "$S"/*.eml; do
	deliver "$m" -r statements@example.org
done
LIAISON_NOW=2026-12-01T07:00:00Z L digest --today 2026-12-01 > /dev/null 2>&1
check "the digest exits 0" 0 "$?"
DIGEST=$(sql "SELECT o.message_id FROM digests d JOIN outbox o ON o.id = d.outbox
              WHERE d.target = 'scott.mansfield@example.com'")
check "Scott's digest has a Message-ID" 1 "$([ -n "$DIGEST" ] && echo 1)"
check "LS-2026-0001 (ITU-T SG15, Scott's) is open" open "$(field LS-2026-0001 state)"

# An outsider who has the digest's Message-ID: an ordinary message.
mail outsider.eml "Mallory <mallory@example.com>" out-1@example.com "$DIGEST" <<'EOF'
LS-2026-0001 close
EOF
deliver "$T/outsider.eml"
check "an outsider's reply to a digest: exits 0" 0 "$rc"
check "it changes nothing" open "$(field LS-2026-0001 state)"
check "it is not confirmed" "" "$(answers out-1@example.com | xargs -r grep -l '^Subject: Re: \[LS-')"
check "it is held for triage, not in the thread of the id it names" \
	"a reply to a digest, without commands to obey" \
	"$(sql "SELECT hold_reason FROM messages WHERE message_id = 'out-1@example.com'")"

# Scott's lines without ids: there is no statement to act on.
mail bare.eml "$SCOTT" bare-1@example.com "$DIGEST" <<'EOF'
close
EOF
deliver "$T/bare.eml"
check "a reply to a digest without ids: exits 0" 0 "$rc"
check "it changes nothing" open "$(field LS-2026-0001 state)"

# A manager's prose reply to a digest, quoting it: the ids it quotes do
# not make it a reply to those statements.
mail prose.eml "$SCOTT" prose-1@example.com "$DIGEST" <<'EOF'
Thanks, we will discuss these at the next meeting.

> Awaiting a reply (3):
>   LS-2026-0001  ITU-T SG15 -> ccamp: LS on OTN control plane
EOF
deliver "$T/prose.eml"
check "a prose reply to a digest: exits 0" 0 "$rc"
check "it marks nothing replied" open "$(field LS-2026-0001 state)"
check "it is held for triage" 1 \
	"$(sql "SELECT count(*) FROM messages WHERE message_id = 'prose-1@example.com' AND hold_reason IS NOT NULL")"

# Scott acts on two statements of his organizations, and tries one of
# IEEE 802.1's (LS-2026-0002), which he does not manage.
mail acts.eml "$SCOTT" acts-1@example.com "$DIGEST" <<'EOF'
LS-2026-0001 taken
LS-2026-0002 close
ls-2026-0001 deadline 2027-01-20
LS-2026-0006 close

> Awaiting a reply (3)
--
Scott
EOF
deliver "$T/acts.eml"
check "Scott's commands: exit 0" 0 "$rc"
check "LS-2026-0001's action is taken" true "$(field LS-2026-0001 action_taken)"
check "its deadline is moved" 2027-01-20 "$(field LS-2026-0001 deadline)"
check "LS-2026-0006 is closed" closed "$(field LS-2026-0006 state)"
check "LS-2026-0002 (not his) stays open" open "$(field LS-2026-0002 state)"
check "one confirmation per statement acted on" 2 "$(answers acts-1@example.com | wc -l)"
first=$(answers acts-1@example.com | xargs grep -l '^Subject: Re: \[LS-2026-0001\]')
check "the first says what was done" 2 "$(grep -c '^LS-2026-0001 taken: \|^ls-2026-0001 deadline 2027-01-20: deadline set' "$first")"
check "and what was not" 1 "$(grep -c '^LS-2026-0002 close: not done: you may not act on LS-2026-0002' "$first")"
check "each is an event with who did it" 1 \
	"$(sql "SELECT count(*) FROM events e JOIN statements s ON s.id = e.statement
	        WHERE s.ls_id = 'LS-2026-0006' AND e.type = 'mail-commands'
	        AND e.detail LIKE 'commands by mail from scott.mansfield@example.com%close: closed%'")"
check "the command message is not held" 0 \
	"$(sql "SELECT count(*) FROM messages WHERE message_id = 'acts-1@example.com' AND hold_reason IS NOT NULL")"
check "it is journaled" 1 "$(grep -c '	close	LS-2026-0006' "$T/spool/journal")"

# A malformed line: nothing done, the reply lists the valid forms.
mail bad.eml "$SCOTT" bad-1@example.com "$DIGEST" <<'EOF'
LS-2026-0007 taken
LS-2026-0007 deadline soon
EOF
deliver "$T/bad.eml"
check "a malformed command: exits 0" 0 "$rc"
check "nothing is done" false "$(field LS-2026-0007 action_taken)"
check "the reply lists the valid forms" 1 "$(answers bad-1@example.com | xargs grep -l 'LS-2026-0007 taken\.$' | wc -l)"

# approve and reject answer an approval request only: from a digest reply,
# even a manager's, they are ordinary mail.
mail decide.eml "$SCOTT" decide-1@example.com "$DIGEST" <<'EOF'
LS-2026-0007 reject not ours
EOF
deliver "$T/decide.eml"
check "a decision in a digest reply: exits 0" 0 "$rc"
check "it changes nothing" open "$(field LS-2026-0007 state)"
check "it rejects nothing" 0 \
	"$(sql "SELECT count(*) FROM events e JOIN statements s ON s.id = e.statement
	        WHERE s.ls_id = 'LS-2026-0007' AND e.type = 'rejected'")"
check "LS-2026-0007 is not dismissed" 1 "$([ "$(field LS-2026-0007 state)" != dismissed ] && echo 1)"
check "it is not confirmed" "" "$(answers decide-1@example.com | xargs -r grep -l "^Subject: Re: \[LS-")"

# In a reply to a statement's own forward, a line about another statement
# is not done.
FWD=$(our_id LS-2026-0007 forward)
mail other.eml "$SCOTT" other-1@example.com "$FWD" <<'EOF'
LS-2026-0001 close
EOF
deliver "$T/other.eml"
check "a line naming another statement: exits 0" 0 "$rc"
check "LS-2026-0001 stays open" open "$(field LS-2026-0001 state)"
check "the reply says why" 1 \
	"$(answers other-1@example.com | xargs grep -l 'not done: this mail is about LS-2026-0007' | wc -l)"

# The journal gives the same register.
L list --json > "$T/before.json"
L rebuild --force > /dev/null 2> "$T/rebuild.err"
check "rebuild exits 0" 0 "$?"
check "it replays everything" "" "$(cat "$T/rebuild.err")"
L list --json > "$T/after.json"
check "the same register" "" "$(diff "$T/before.json" "$T/after.json")"

finish
