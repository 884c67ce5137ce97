#!/bin/sh
# End-to-end: nothing vanishes (issue 17). A message that is no statement
# is held under a handle of its own (HM-YYYY-NNNN): list --held shows it
# with its reason, show shows it, a person routes, promotes or dismisses
# it, and triage is told once per held message, at most held-notice-limit
# a sender a day, the rest in remind's daily summary. A statement whose
# every list route bounced says so, and triage and its managers are told
# once.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"
L () { "$LIAISON" -c "$CONF" "$@"; }
# The outbox files (our mail) whose Subject matches $1.
sent_with () { grep -l -i "^Subject: .*$1" "$O"/* 2>/dev/null; }
count_sent () { sent_with "$1" | wc -l | tr -d ' '; }
# The envelope recipients of outbox file $1.
envelope () { sed -n '1s/^X-Liaison-Envelope-To: //p' "$1"; }

# not_statement N FROM: a message that is no liaison statement.
not_statement () {
	cat <<EOF
From: $2
To: statements@example.org
Subject: Meeting logistics $1
Message-ID: <plain-$1@example.com>
Date: Fri, 27 Nov 2026 09:00:00 +0000

Where do we have lunch on Thursday?
EOF
}

# A statement first, so that a promotion gets the next id.
deliver "$S/01-action-ccamp.eml" -r statements@example.org
check "a statement is LS-2026-0001" LS-2026-0001 "$(sql "SELECT ls_id FROM statements WHERE handle IS NULL")"

not_statement 1 "Pat Doe <pat@example.com>" > "$T/p1.eml"
deliver "$T/p1.eml"
check "a message that is no statement exits 0" 0 "$rc"
check "it is held under a handle of its own series" "HM-2026-0001 held not a liaison statement" \
	"$(sql "SELECT ls_id || ' ' || state || ' ' || hold_reason FROM statements WHERE handle IS NOT NULL")"
check "list --held shows it with its reason" "  held: not a liaison statement" \
	"$(L list --held | grep -A1 '^HM-2026-0001 .*Meeting logistics 1$' | sed -n 2p)"
check "list --held --json too" "HM-2026-0001|held|not a liaison statement" \
	"$(L list --held --json | jq -r '.[] | select(.handle == "HM-2026-0001") | "\(.id)|\(.state)|\(.hold_reason)"')"
check "the default list shows statements only" "LS-2026-0001" "$(L list --json | jq -r '[.[].id] | join(" ")')"
check "show works on the handle" "Meeting logistics 1" "$(L show HM-2026-0001 | sed -n 's/^Title: *//p')"
check "show --json too" "HM-2026-0001 Pat Doe <pat@example.com>" \
	"$(L show --json HM-2026-0001 | jq -r '"\(.id) \(.from.contact)"')"
check "exactly one notice to triage" 1 "$(count_sent 'HM-2026-0001\] Held')"
f=$(sent_with 'HM-2026-0001\] Held')
check "it goes to triage only, never the sender" "liaison-coordination@example.org" "$(envelope "$f")"
check "it names the handle and how to act on it" 1 "$(grep -c 'liaison show, route, promote or dismiss HM-2026-0001' "$f")"
deliver "$T/p1.eml"
check "the same message again is a duplicate: no second notice" 1 "$(count_sent 'HM-2026-0001\] Held')"

# Triage answers the notice: the answer joins the held message's thread,
# is not held in turn, and makes no second notice.
notice_id=$(our_id HM-2026-0001 held)
cat > "$T/answer.eml" <<EOF
From: Coordinator <liaison-coordination@example.org>
To: statements@example.org
Subject: Re: [HM-2026-0001] Held: Meeting logistics 1
Message-ID: <answer-1@example.org>
In-Reply-To: <$notice_id>
References: <$notice_id>
Date: Fri, 27 Nov 2026 11:00:00 +0000

Spam, I will dismiss it.
EOF
before=$(ls "$O" | wc -l)
deliver "$T/answer.eml"
check "an answer to the notice exits 0" 0 "$rc"
check "it is in the held message's thread" "reply" \
	"$(L show --json HM-2026-0001 | jq -r '.thread[] | select(.message_id == "answer-1@example.org") | .role')"
check "it is not held under a handle of its own" 1 "$(sql "SELECT count(*) FROM statements WHERE handle IS NOT NULL")"
check "it sends nothing" "$before" "$(ls "$O" | wc -l)"

# route: the held message goes to the group.
not_statement 2 "Pat Doe <pat@example.com>" > "$T/p2.eml"
deliver "$T/p2.eml"
L route HM-2026-0002 ccamp --by alice > "$T/route.out"
check "route exits 0" 0 "$?"
f=$(sent_with 'HM-2026-0002\] Meeting logistics 2')
check "route forwards it to the group's list" yes \
	"$(envelope "$f" | grep -q 'ccamp@ietf.org' && echo yes)"
check "the event says who routed it" "to ccamp by alice" \
	"$(L show --json HM-2026-0002 | jq -r '.events[] | select(.type == "routed") | .detail')"
check "it is held no more" open "$(L show --json HM-2026-0002 | jq -r .state)"
check "routed, it is still no statement: not in the default list" 0 \
	"$(L list --json | jq '[.[] | select(.id == "HM-2026-0002")] | length')"
check "list --state open shows it" 1 "$(L list --state open --json | jq '[.[] | select(.id == "HM-2026-0002")] | length')"

# promote: the next LS id, routed as a statement.
not_statement 3 "Pat Doe <pat@example.com>" > "$T/p3.eml"
deliver "$T/p3.eml"
L promote HM-2026-0003 'title=LS on lunch' 'from=ITU-T SG15' 'to=teas;ccamp' purpose=action \
	deadline=2027-01-15 --by bob > "$T/promote.out"
check "promote exits 0" 0 "$?"
check "promote says the new id" "HM-2026-0003: promoted to LS-2026-0002" "$(cat "$T/promote.out")"
check "it has the next LS id and the fields given" \
	"LS-2026-0002|open|LS on lunch|ITU-T SG15|action|2027-01-15|ccamp teas|HM-2026-0003" \
	"$(L show --json LS-2026-0002 | jq -r '"\(.id)|\(.state)|\(.title)|\(.from.org)|\(.purpose)|\(.deadline)|\(.to.groups | sort | join(" "))|\(.handle)"')"
check "the handle still finds it" LS-2026-0002 "$(L show --json HM-2026-0003 | jq -r .id)"
check "the event says who promoted it" "HM-2026-0003 promoted to statement LS-2026-0002 by bob" \
	"$(L show --json LS-2026-0002 | jq -r '.events[] | select(.type == "promoted") | .detail')"
f=$(sent_with 'LS-2026-0002\] LS on lunch')
check "it is forwarded to the groups' lists and the org's manager" yes \
	"$(envelope "$f" | grep 'ccamp@ietf.org' | grep 'teas@ietf.org' | grep -q 'scott.mansfield@example.com' && echo yes)"
check "it is in the default list now" 1 "$(L list --json | jq '[.[] | select(.id == "LS-2026-0002")] | length')"
L promote LS-2026-0001 to=ccamp 2> "$T/err"
check "a statement cannot be promoted" 1 "$?"
check "promote without to= is a usage error" 2 "$(L promote HM-2026-0001 title=x 2>/dev/null; echo $?)"

# dismiss: out of the default listings.
L dismiss HM-2026-0001 --by carol > /dev/null
check "dismiss exits 0" 0 "$?"
check "it is dismissed" dismissed "$(L show --json HM-2026-0001 | jq -r .state)"
check "the event says who" "by carol" \
	"$(L show --json HM-2026-0001 | jq -r '.events[] | select(.type == "dismissed") | .detail')"
check "list --held no longer shows it" 0 "$(L list --held --json | jq '[.[] | select(.id == "HM-2026-0001")] | length')"
check "list --state dismissed does" "HM-2026-0001" "$(L list --state dismissed --json | jq -r '[.[].id] | join(" ")')"
check "dismissing it again is an error" 1 "$(L dismiss HM-2026-0001 2>/dev/null; echo $?)"

# Held statements keep working, and are in list --held too.
deliver "$S/08-unknown-group.eml" -r statements@example.org
held=$(sql "SELECT ls_id FROM statements WHERE state = 'held' AND handle IS NULL")
check "a held statement has an LS id" LS-2026-0003 "$held"
check "list --held shows it" 1 "$(L list --held --json | jq --arg id "$held" '[.[] | select(.id == $id)] | length')"

# A flood: 15 held messages from one sender in a day.
before=$(ls "$O" | wc -l)
for i in $(seq 101 115); do
	not_statement "$i" "Flood <flood@spam.example>" > "$T/f.eml"
	deliver "$T/f.eml"
done
check "the handles go on after a promoted one's" "HM-2026-0004 HM-2026-0018" \
	"$(sql "SELECT min(handle) || ' ' || max(handle) FROM statements WHERE notice_sender = 'flood@spam.example'")"
check "15 held messages are listed" 15 \
	"$(L list --held --json | jq '[.[] | select(.from.contact == "Flood <flood@spam.example>")] | length')"
check "10 notices to triage" 10 "$(count_sent 'Held: Meeting logistics 1[01]')"
check "nothing else was sent" 10 "$(( $(ls "$O" | wc -l) - before ))"
check "the other 5 wait for the summary" 5 "$(sql "SELECT count(*) FROM statements WHERE notice = 'pending'")"
L remind > "$T/remind.out"
check "remind sends one summary" 1 "$(count_sent 'Held messages without a notice: 5')"
f=$(sent_with 'Held messages without a notice')
check "the summary goes to triage only" "liaison-coordination@example.org" "$(envelope "$f")"
check "it names the other 5" "HM-2026-0014 HM-2026-0015 HM-2026-0016 HM-2026-0017 HM-2026-0018" \
	"$(grep -o '^HM-2026-[0-9]*' "$f" | paste -sd ' ')"
check "remind says so" 1 "$(grep -c '^held summary: 5 held messages' "$T/remind.out")"
L remind > /dev/null
check "a second remind sends no second summary" 1 "$(count_sent 'Held messages without a notice')"
check "each held message was told once" 15 \
	"$(sql "SELECT count(*) FROM statements WHERE notice IN ('sent', 'summary') AND notice_sender = 'flood@spam.example'")"
check "another sender is not limited by the flood" 1 \
	"$(not_statement 200 "Sam <sam@example.net>" > "$T/s.eml"; deliver "$T/s.eml"; count_sent 'Held: Meeting logistics 200')"

# A limit of 0 sends no notice one by one: every one waits for the summary.
sed -i 's/^\[liaison\]/[liaison]\nheld-notice-limit = 0/' "$CONF"
not_statement 300 "Sam <sam@example.net>" > "$T/s.eml"
deliver "$T/s.eml"
check "held-notice-limit = 0: no notice" 0 "$(count_sent 'Held: Meeting logistics 300')"
sed -i '/^held-notice-limit = 0$/d' "$CONF"

# Every list route of a statement bounced.
dsn () {
	cat <<EOF
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: statements@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <$1@mx.example.net>
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
--B--
EOF
}
verp=$(sql "SELECT o.sender FROM outbox o JOIN statements s ON s.id = o.statement
	WHERE s.ls_id = 'LS-2026-0002' AND o.kind = 'forward' ORDER BY o.id LIMIT 1")
dsn bounce-ccamp ccamp@ietf.org > "$T/b.eml"
deliver "$T/b.eml" -f "" -r "$verp"
check "one list bounced: not yet undelivered" false "$(L show --json LS-2026-0002 | jq .undelivered)"
dsn bounce-teas teas@ietf.org > "$T/b.eml"
deliver "$T/b.eml" -f "" -r "$verp"
check "every list bounced: undelivered" true "$(L show --json LS-2026-0002 | jq .undelivered)"
check "an event says so" 1 "$(L show --json LS-2026-0002 | jq '[.events[] | select(.type == "undelivered")] | length')"
check "show says so" 1 "$(L show LS-2026-0002 | grep -c '^Undelivered:')"
check "list says so" 1 "$(L list | grep '^LS-2026-0002' | grep -c undelivered)"
check "one notice" 1 "$(count_sent 'LS-2026-0002\] Undelivered')"
f=$(sent_with 'LS-2026-0002\] Undelivered')
check "to triage and the org's manager" "liaison-coordination@example.org, scott.mansfield@example.com" \
	"$(envelope "$f")"
dsn bounce-teas-2 teas@ietf.org > "$T/b.eml"
deliver "$T/b.eml" -f "" -r "$verp"
check "another bounce sends no second notice" 1 "$(count_sent 'LS-2026-0002\] Undelivered')"

# A held reason names the sender and the rule after the reason.
sed -e 's/^From: TSB SG15 <tsbsg15@itu.int>/From: TSB <tsb@evil.example>/' \
    -e 's/^Message-ID: <.*>/Message-ID: <outsider@evil.example>/I' "$S/01-action-ccamp.eml" > "$T/o.eml"
deliver "$T/o.eml"
check "a held reason names the sender and the rule" \
	"unauthorized sender: tsb@evil.example is not on the authorized list of ITU-T SG15" \
	"$(sql "SELECT s.hold_reason FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'outsider@evil.example'")"

# list --from/--to with a name the directory does not know.
check "list --from UNKNOWN exits 1" 1 "$(L list --from 'No Such Org' 2>/dev/null; echo $?)"
check "with one line that says so" 1 "$(L list --from 'No Such Org' 2>&1 | grep -c "unknown organization 'No Such Org'")"
check "list --to UNKNOWN exits 1" 1 "$(L list --to nosuchgroup 2>/dev/null; echo $?)"
check "with one line that says so" "1 1" \
	"$(L list --to nosuchgroup 2>&1 | wc -l | tr -d ' ') $(L list --to nosuchgroup 2>&1 | grep -c "unknown group 'nosuchgroup'")"

finish
