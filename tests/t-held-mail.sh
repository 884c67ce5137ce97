#!/bin/sh
# A held message is acted on by mail, as a statement is (issue 18): triage
# or an organization's manager replies to its held notice with `promote
# FIELD=VALUE...`, `route GROUP...` or `dismiss`, and gets a confirmation.
# From anyone else (or unauthenticated, with authserv-id) the same reply
# is only an answer in the held message's thread. rebuild replays it.
. "$top_srcdir/tests/lib.sh"
write_config "authserv-id = mx.example.org"
O="$T/outbox/new"
L () { "$LIAISON" -c "$CONF" "$@"; }
field () { L show --json "$1" | jq -r ".$2"; }
MANAGER="Scott Mansfield <scott.mansfield@example.com>"
TRIAGE="Coordinator <liaison-coordination@example.org>"

# held N: a message that is no statement, held as HM-2026-000N.
held () {
	cat > "$T/p$1.eml" <<MAIL
From: Pat Doe <pat@example.com>
To: statements@example.org
Subject: Meeting logistics $1
Message-ID: <plain-$1@example.com>
Date: Fri, 27 Nov 2026 09:00:00 +0000

Where do we have lunch on Thursday?
MAIL
	deliver "$T/p$1.eml"
}
# answer FILE FROM HANDLE [AUTH]: a reply to HANDLE's held notice, its text
# on stdin; AUTH "pass" adds our server's Authentication-Results.
answer () {
	f=$1 from=$2 notice=$(our_id "$3" held)
	{
		if [ "${4:-pass}" = pass ]; then
			d=$(echo "$from" | sed 's/.*@\([^>]*\)>.*/\1/')
			echo "Authentication-Results: mx.example.org; dkim=pass header.d=$d"
		fi
		echo "From: $from"
		echo "To: statements@example.org"
		echo "Subject: Re: [$3] Held: Meeting logistics"
		echo "Message-ID: <$f@example.org>"
		echo "In-Reply-To: <$notice>"
		echo "Date: Fri, 27 Nov 2026 11:00:00 +0000"
		echo
		cat
	} > "$T/$f.eml"
	deliver "$T/$f.eml"
}
# confirmation MESSAGE-ID: our answer to it, if any.
confirmation () { grep -l "^In-Reply-To: <$1>" "$O"/* 2>/dev/null | head -1; }

held 1
check "HM-2026-0001 is held" held "$(field HM-2026-0001 state)"
check "its notice says how to act on it by mail" 1 \
	"$(grep -l 'Reply to this message' "$O"/* | xargs grep -l 'promote to=GROUP' | wc -l)"

# An outsider's promote: an answer in the thread, nothing done, no reply.
answer out-1 "Pat Doe <pat@example.com>" HM-2026-0001 <<'MAIL'
promote to=ccamp from=ITU-T SG15 purpose=information
MAIL
check "an outsider's promote: exits 0" 0 "$rc"
check "an outsider's promote: still held" held "$(field HM-2026-0001 state)"
check "an outsider's promote: no confirmation" "" "$(confirmation out-1@example.org)"

# The manager's promote without our server's word: nothing done.
answer unauth-1 "$MANAGER" HM-2026-0001 none <<'MAIL'
promote to=ccamp from=ITU-T SG15 purpose=information
MAIL
check "an unauthenticated promote: still held" held "$(field HM-2026-0001 state)"

# The manager's promote: the next LS id, routed, confirmed.
answer mgr-1 "$MANAGER" HM-2026-0001 <<'MAIL'
promote title=LS on lunch from=ITU-T SG15 to=ccamp;teas purpose=action deadline=2027-01-15

> A message to statements@example.org is held for triage as HM-2026-0001
MAIL
check "the manager's promote: exits 0" 0 "$rc"
check "promoted with the fields given" \
	"LS-2026-0001|open|LS on lunch|ITU-T SG15|action|2027-01-15|ccamp teas" \
	"$(L show --json HM-2026-0001 | jq -r '"\(.id)|\(.state)|\(.title)|\(.from.org)|\(.purpose)|\(.deadline)|\(.to.groups | sort | join(" "))"')"
check "the event names the manager" 1 \
	"$(L show --json LS-2026-0001 | jq '[.events[] | select(.type == "promoted" and (.detail | contains("scott.mansfield@example.com")))] | length')"
f=$(confirmation mgr-1@example.org)
check "confirmed to the manager with the new id" 1 "$(grep -c 'promoted to LS-2026-0001' "$f")"
check "forwarded to the groups' lists" yes \
	"$(grep -l '^Subject: \[LS-2026-0001\] LS on lunch' "$O"/* | xargs head -qn1 | grep 'ccamp@ietf.org' | grep -q 'teas@ietf.org' && echo yes)"

# A malformed promote from triage: nothing done, the valid forms told.
held 2
answer tri-1 "$TRIAGE" HM-2026-0002 <<'MAIL'
promote to=nosuchgroup
MAIL
check "a bad promote: still held" held "$(field HM-2026-0002 state)"
check "a bad promote: told why" 1 "$(grep -c "not done: promote HM-2026-0002: unknown group 'nosuchgroup'" "$(confirmation tri-1@example.org)")"

# dismiss, from triage.
answer tri-2 "$TRIAGE" HM-2026-0002 <<'MAIL'
dismiss
MAIL
check "triage's dismiss: dismissed" dismissed "$(field HM-2026-0002 state)"
check "triage's dismiss: confirmed" 1 "$(grep -c '^dismiss: dismissed' "$(confirmation tri-2@example.org)")"

# route, from the manager.
held 3
answer mgr-2 "$MANAGER" HM-2026-0003 <<'MAIL'
route ccamp
MAIL
check "the manager's route: open" open "$(field HM-2026-0003 state)"

# A held statement (its sender outside its organization's domains): the
# organization's manager routes it by replying to its notice.
sed -e 's/^From: .*/From: Mallory <mallory@evil.example>/' -e 's/^Return-Path: .*/Return-Path: <mallory@evil.example>/' \
    -e 's/^Message-ID: .*/Message-ID: <held-statement-1@evil.example>/' \
    "$top_srcdir/samples/mail/01-action-ccamp.eml" > "$T/hs.eml"
deliver "$T/hs.eml"
hs=LS-2026-0002
check "a statement from outside its organization's domains: held" held "$(field "$hs" state)"
check "its notice says to reply with route" 1 \
	"$(grep -l "^Subject: \[$hs\] Held" "$O"/* | xargs grep -c 'reply to this message with `route GROUP...`')"
answer mgr-3 "$MANAGER" "$hs" <<'MAIL'
route ccamp
MAIL
check "the manager's route of the held statement: open" open "$(field "$hs" state)"
check "the manager's route of the held statement: confirmed" 1 \
	"$(grep -c '^route ccamp: routed' "$(confirmation mgr-3@example.org)")"

# The daily summary names many held messages: a bare `dismiss` in a reply
# to it is about none of them, and does nothing.
for n in 1 2 3 4 5 6 7 8 9 10 11; do
	sed -e 's/^From: .*/From: Flood <flood@example.com>/' -e "s/^Message-ID: .*/Message-ID: <flood-$n@example.com>/" \
	    -e "s/^Subject: .*/Subject: Flood $n/" "$T/p1.eml" > "$T/flood.eml"
	deliver "$T/flood.eml"
done
L remind > /dev/null
first=$(sql "SELECT s.ls_id FROM outbox o JOIN statements s ON s.id = o.statement WHERE o.kind = 'held-summary'")
check "the eleventh flood message is named in the summary" 1 "$([ -n "$first" ] && echo 1)"
summary=$(our_id "$first" held-summary)
cat > "$T/sum.eml" <<MAIL
Authentication-Results: mx.example.org; dkim=pass header.d=example.org
From: $TRIAGE
To: statements@example.org
Subject: Re: Held messages without a notice: 1
Message-ID: <sum-1@example.org>
In-Reply-To: <$summary>
Date: Fri, 27 Nov 2026 12:00:00 +0000

dismiss
MAIL
deliver "$T/sum.eml"
check "dismiss in a reply to the summary: exits 0" 0 "$rc"
check "dismiss in a reply to the summary: nothing dismissed" held "$(field "$first" state)"
check "dismiss in a reply to the summary: no confirmation" "" "$(confirmation sum-1@example.org)"

# Lines that name their held message are obeyed in a reply to the
# summary, one confirmation each; a line naming a statement is checked
# against that statement's own people.
second=$(sql "SELECT s.ls_id FROM statements s WHERE s.handle = s.ls_id AND s.state = 'held'
	AND s.ls_id <> '$first' ORDER BY s.id DESC LIMIT 1")
sed -e 's/^Message-ID: .*/Message-ID: <sum-2@example.org>/' -e "s/^dismiss\$/$first dismiss\n$second promote to=ccamp from=ITU-T SG15 purpose=information title=Flood as LS/" \
    "$T/sum.eml" > "$T/sum2.eml"
deliver "$T/sum2.eml"
check "named lines in a reply to the summary: exits 0" 0 "$rc"
check "named lines: the first dismissed" dismissed "$(field "$first" state)"
check "named lines: the second promoted" "open Flood as LS" \
	"$(L show --json "$second" | jq -r '"\(.state) \(.title)"')"
check "named lines: one confirmation each" 2 "$(grep -l '^In-Reply-To: <sum-2@example.org>' "$O"/* | wc -l)"
check "the summary says how" 1 \
	"$(grep -l "^Subject: Held messages without a notice" "$O"/* | xargs grep -c 'HM-2026-0005 dismiss')"

# The journal gives the same register.
L list --held --json > "$T/before.json"
L list --state dismissed --json >> "$T/before.json"
L show --json LS-2026-0001 | jq -c '[.id, .state, .events[].type]' >> "$T/before.json"
L rebuild --force > /dev/null 2> "$T/rebuild.err"
check "rebuild exits 0, replays everything" "0 " "$? $(cat "$T/rebuild.err")"
L list --held --json > "$T/after.json"
L list --state dismissed --json >> "$T/after.json"
L show --json LS-2026-0001 | jq -c '[.id, .state, .events[].type]' >> "$T/after.json"
check "the same register" "" "$(diff "$T/before.json" "$T/after.json")"

finish
