#!/bin/sh
# End-to-end: the trust boundary of SPEC §6 (issue 16, SECURITY.md). Who
# may submit a statement, and what each kind of sender makes us send to
# whom: an unknown organization, a sender outside the organization's
# domains, one not on its authorized list, an envelope that disagrees, with
# authserv-id an unauthenticated sender and an attacker's own DKIM pass,
# the trusted relay, senders = any; then the per-address limit on
# acknowledgements, max-recipients, and the amplifier of issue 16: a
# statement naming 2,000 response contacts, reminded for three weeks.
. "$top_srcdir/tests/lib.sh"
O="$T/outbox/new"

envelope () { sed -n '1s/^X-Liaison-Envelope-To: //p' "$1"; }
# Every envelope recipient of every message in the outbox, one a line.
recipients () {
	for f in "$O"/*; do
		[ -f "$f" ] && envelope "$f" | tr ',' '\n' | sed 's/^ *//'
	done
}
# How many messages reached the address $1.
got () { recipients | grep -c -i -x -F "$1"; }
outbox_count () { ls "$O" 2>/dev/null | wc -l; }
# The most envelope recipients of one message in the outbox.
widest () {
	for f in "$O"/*; do [ -f "$f" ] && envelope "$f" | tr ',' '\n' | wc -l; done | sort -n | tail -1
}
# The addresses the configuration names as receivers (SECURITY.md: "the
# directory"), lower case.
directory () {
	grep -E '^(address|triage|archive|list|chairs|ads|managers) *=' "$CONF" | sed 's/^[^=]*=//' |
		grep -o '[A-Za-z0-9._%+-]*@[A-Za-z0-9.-]*' | tr 'A-Z' 'a-z' | sort -u
}
# The recipients in the outbox that the directory does not name.
outsiders () {
	directory > "$T/directory"
	recipients | tr 'A-Z' 'a-z' | sort -u | comm -23 - "$T/directory"
}
# fresh [KEY=VALUE...]: an empty store and outbox, and the samples'
# configuration with these [liaison] keys and the organization below.
fresh () {
	rm -rf "$T"/liaison.db* "$T/spool" "$T/outbox"
	write_config "$@"
	cat >> "$CONF" <<'EOF'

# Its officers write from their employers' addresses.
[org Officers Forum]
aliases = OF
domains = forum.example
managers = Olga Petrova <olga.petrova@example.net>
senders = any
EOF
}
stmt () { sql "SELECT ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = '$1@trust.test'"; }
state () { sql "SELECT state FROM statements WHERE ls_id = '$(stmt "$1")'"; }
reason () { sql "SELECT coalesce (hold_reason, '') FROM statements WHERE ls_id = '$(stmt "$1")'"; }
# The detail of the statement's first event of type $2.
event () {
	sql "SELECT detail FROM events e JOIN statements s ON s.id = e.statement
	     WHERE s.ls_id = '$(stmt "$1")' AND e.type = '$2' ORDER BY e.id LIMIT 1"
}

# mk NAME FROM GROUP [HEADER...]: $T/NAME.eml, a Datatracker-layout
# statement from the From address FROM for ccamp, in the name of GROUP
# ("Name (acronym)"), due two days after LIAISON_NOW. $CONTACT is the
# statement's contact, $RESPONSE its response contacts.
mk () {
	name=$1 from=$2 group=$3
	shift 3
	{
		for h in "$@"; do printf '%s\n' "$h"; done
		printf 'From: %s\nTo: statements@example.org\n' "$from"
		printf 'Subject: New Liaison Statement, "LS %s"\n' "$name"
		printf 'Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <%s@trust.test>\n' "$name"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
		printf 'Title: LS %s\nSubmission Date: 2026-11-27\nPlease reply by 2026-11-29\n' "$name"
		printf 'From Group: %s\nFrom: %s (%s)\n' "$group" "${group% (*}" "${CONTACT:-Greg Jones <greg@itu.int>}"
		printf 'To Group: Common Control and Measurement Plane (ccamp)\n'
		printf 'To: Common Control and Measurement Plane (Daniele Ceccarelli <dc@example.net>)\n'
		printf 'Response Contacts: %s\n' "${RESPONSE:-${CONTACT:-Greg Jones <greg@itu.int>}}"
		printf 'Technical Contacts: Tech Person <tech@outside.example>\nPurpose: For action\n\n'
		printf 'Body: A statement for the tests of the trust boundary.\n'
	} > "$T/$name.eml"
}
SG15="ITU-T Study Group 15 (itu-t-sg-15)"
SG13="ITU-T Study Group 13 (itu-t-sg-13)"
IEEE="IEEE 802.1 Working Group (ieee-802-1)"
DT="Liaison Statement Management Tool <statements@ietf.org>"

# ---------------------------------------------------------------------
# check warns, without failing, when senders can be forged.
fresh
"$LIAISON" -c "$CONF" check > "$T/check.out" 2>&1
check "without authserv-id, check still exits 0" 0 "$?"
check "and warns that senders can be forged" 1 \
	"$(grep -c "^$CONF: warning: authserv-id is not set: senders can be forged" "$T/check.out")"
fresh authserv-id=mx.example.org
"$LIAISON" -c "$CONF" check > "$T/check.out" 2>&1
check "with authserv-id, no warning" "0 0" "$? $(grep -c warning "$T/check.out")"

# ---------------------------------------------------------------------
# Without authserv-id: the From and the envelope as written.
fresh

# held: held_to NAME REASON ADDRESSES: the statement NAME is held for
# REASON, its held notice (the only message it caused) went to ADDRESSES.
# short_reason REASON: stdin, or REASON when stdin is REASON followed by
# the detail that names the sender and the rule ("REASON: ...").
short_reason () {
	r=$(cat)
	case $r in "$1: "*) echo "$1" ;; *) echo "$r" ;; esac
}
held_to () {
	check "$1: deliver exits 0" 0 "$rc"
	check "$1: held" held "$(state "$1")"
	# The reason, before the detail that names the sender and the rule.
	check "$1: the reason" "$2" "$(reason "$1" | short_reason "$2")"
	check "$1: the held event says why" "$2" "$(event "$1" held | short_reason "$2")"
	check "$1: one message, the held notice, to $3" "1 $3" \
		"$(sql "SELECT count(*) FROM outbox o JOIN statements s ON s.id = o.statement WHERE s.ls_id = '$(stmt "$1")'") $(envelope "$(grep -l -F "Message-Id: <$(our_id "$(stmt "$1")" held)>" "$O"/*)")"
}

CONTACT="Nobody <nobody@forum.invalid>" mk unknown "Someone <someone@some-forum.example>" "Some Forum (some-forum)"
deliver "$T/unknown.eml" -f someone@some-forum.example
held_to unknown "unknown organization" "liaison-coordination@example.org"

mk outside "Mallory <mallory@evil.example>" "$IEEE"
deliver "$T/outside.eml" -f mallory@evil.example
held_to outside "sender outside the organization's domains" \
	"liaison-coordination@example.org, peter.novak@example.net"

mk lookalike "Mallory <mallory@fakeieee.org>" "$IEEE"
deliver "$T/lookalike.eml"
check "a domain that only ends like the organization's is outside it" \
	"sender outside the organization's domains" "$(reason lookalike | sed 's/: .*//')"

mk unauthorized "Mallory <mallory@itu.int>" "$SG15"
deliver "$T/unauthorized.eml" -f mallory@itu.int
held_to unauthorized "unauthorized sender" "liaison-coordination@example.org, scott.mansfield@example.com"

mk envelope "TSB SG15 <tsbsg15@itu.int>" "$SG15"
deliver "$T/envelope.eml" -f victim@elsewhere.example
held_to envelope "envelope sender not aligned with From" \
	"liaison-coordination@example.org, scott.mansfield@example.com"

check "nothing went to the senders that failed, their contacts or their envelopes" "0 0 0 0 0 0 0 0" \
	"$(for a in someone@some-forum.example nobody@forum.invalid mallory@evil.example mallory@itu.int \
		mallory@fakeieee.org victim@elsewhere.example tsbsg15@itu.int greg@itu.int; do got "$a"; done | paste -sd ' ')"
check "nothing was forwarded" 0 "$(got ccamp@ietf.org)"
check "only triage and the managers heard of them" "" "$(outsiders)"

# Those who may: the authorized sender, a subdomain, the relay for an
# organization with an authorized list, anyone under senders = any.
mk direct "TSB SG15 <tsbsg15@itu.int>" "$SG15"
deliver "$T/direct.eml" -f tsbsg15@itu.int
check "the authorized sender: routed" open "$(state direct)"
check "its acknowledgement goes to it" 1 "$(got tsbsg15@itu.int)"

mk subdomain "Someone <someone@standards.ieee.org>" "$IEEE"
deliver "$T/subdomain.eml" -f bounces@standards.ieee.org
check "a subdomain of the organization's domain: routed" open "$(state subdomain)"
check "acknowledged at the aligned envelope sender" "1 0" \
	"$(got bounces@standards.ieee.org) $(got someone@standards.ieee.org)"

mk relay "$DT" "$SG15"
deliver "$T/relay.eml" -f wwwrun@ietf.org
check "the Datatracker for SG15, which has an authorized list: routed" open "$(state relay)"
check "the relay is never acknowledged" "0 0" "$(got statements@ietf.org) $(got wwwrun@ietf.org)"

CONTACT="Officer <officer@employer.example>" mk any "Officer <officer@employer.example>" "Officers Forum (of)"
deliver "$T/any.eml" -f officer@employer.example
check "senders = any: routed" open "$(state any)"
check "and acknowledged" 1 "$(got officer@employer.example)"
check "four forwards to the list" 4 "$(got ccamp@ietf.org)"

# ---------------------------------------------------------------------
# With authserv-id: only our server's topmost verdict counts, and only for
# the organization's (or the relay's) domain.
fresh authserv-id=mx.example.org
AR="Authentication-Results: mx.example.org;"

mk unauthenticated "TSB SG15 <tsbsg15@itu.int>" "$SG15" \
	"Authentication-Results: relay.example.net; dkim=pass header.d=itu.int"
deliver "$T/unauthenticated.eml" -f tsbsg15@itu.int
held_to unauthenticated "unauthenticated sender" "liaison-coordination@example.org, scott.mansfield@example.com"

mk attacker "Rapporteur <rapporteur@itu.int>" "$SG13" \
	"$AR dkim=pass header.d=attacker.example; spf=pass smtp.mailfrom=mallory@attacker.example"
deliver "$T/attacker.eml" -f mallory@attacker.example
held_to attacker "unauthenticated sender" "liaison-coordination@example.org, scott.mansfield@example.com"

mk attacker-own "Mallory <mallory@attacker.example>" "$SG13" "$AR dkim=pass header.d=attacker.example"
deliver "$T/attacker-own.eml" -f mallory@attacker.example
held_to attacker-own "sender outside the organization's domains" \
	"liaison-coordination@example.org, scott.mansfield@example.com"

mk forged-relay "$DT" "$SG15" "$AR dkim=pass header.d=attacker.example"
deliver "$T/forged-relay.eml" -f wwwrun@ietf.org
held_to forged-relay "unauthenticated sender" "liaison-coordination@example.org, scott.mansfield@example.com"

check "nothing reached the forged senders or the attacker" "0 0 0 0" \
	"$(for a in tsbsg15@itu.int rapporteur@itu.int mallory@attacker.example statements@ietf.org; do got "$a"; done | paste -sd ' ')"

mk genuine "TSB SG15 <tsbsg15@itu.int>" "$SG15" "$AR dkim=pass header.d=itu.int"
deliver "$T/genuine.eml" -f tsbsg15@itu.int
check "DKIM for the organization's domain: routed" open "$(state genuine)"
check "and acknowledged" 1 "$(got tsbsg15@itu.int)"

mk genuine-relay "$DT" "$SG15" "$AR dkim=pass header.d=ietf.org"
deliver "$T/genuine-relay.eml" -f wwwrun@ietf.org
check "the relay with DKIM for its domain: routed" open "$(state genuine-relay)"
check "and not acknowledged" 0 "$(got statements@ietf.org)"

# ---------------------------------------------------------------------
# Acknowledgements: at most auto-reply-limit (10) to one address in 24
# hours; the directory's mail is never capped.
fresh
for i in $(seq 1 11); do
	mk "daily-$i" "Someone <someone@ieee.org>" "$IEEE"
	deliver "$T/daily-$i.eml" -f someone@ieee.org
	[ "$rc" = 0 ] || not_ok "daily-$i: deliver exited $rc"
done
check "eleven statements from one sender in a day are all routed" 11 \
	"$(sql "SELECT count(*) FROM statements WHERE state = 'open'")"
check "ten acknowledgements" 10 "$(got someone@ieee.org)"
check "the eleventh says why it was not acknowledged" \
	"acknowledgement to someone@ieee.org not sent: 10 already in the last 24 hours (auto-reply-limit 10)" \
	"$(event daily-11 not-acknowledged)"
check "and has no acknowledgement route" 0 \
	"$(sql "SELECT count(*) FROM routes WHERE role = 'sender' AND statement = (SELECT id FROM statements WHERE ls_id = '$(stmt daily-11)')")"
check "the list and the chairs had all eleven" "11 11" "$(got ccamp@ietf.org) $(got dc@example.net)"
mk daily-12 "Someone <someone@ieee.org>" "$IEEE"
LIAISON_NOW=2026-11-28T10:00:01Z deliver "$T/daily-12.eml" -f someone@ieee.org
check "a day later it is acknowledged again" 11 "$(got someone@ieee.org)"

# ---------------------------------------------------------------------
# max-recipients: a forward that would exceed it is held; the held notice
# is cut to fit, triage first.
fresh max-recipients=5
mk wide "TSB SG15 <tsbsg15@itu.int>" "$SG15"
deliver "$T/wide.eml" -f tsbsg15@itu.int
held_to wide "too many recipients: the forward would go to 6 addresses, more than max-recipients (5)" \
	"liaison-coordination@example.org, scott.mansfield@example.com"
check "no forward, no acknowledgement" "0 0" "$(got ccamp@ietf.org) $(got tsbsg15@itu.int)"
fresh max-recipients=1
mk narrow "Mallory <mallory@evil.example>" "$IEEE"
deliver "$T/narrow.eml"
held_to narrow "sender outside the organization's domains" "liaison-coordination@example.org"
check "the manager left out is named" \
	"held notice to 1 of 2 recipients (max-recipients 1); left out: peter.novak@example.net" \
	"$(event narrow recipients-dropped)"

# ---------------------------------------------------------------------
# The amplifier (issue 16): 2,000 response contacts, a deadline two days
# away, and remind every day for three weeks.
contacts () {
	i=1
	while [ "$i" -le 2000 ]; do
		if [ $((i % 20)) = 0 ]; then printf 'R%s <r%s@itu.int>' "$i" "$i"; else printf 'V%s <v%s@victim.example>' "$i" "$i"; fi
		[ "$i" -lt 2000 ] && printf ', '
		i=$((i + 1))
	done
}
RESPONSE=$(contacts)
seq 0 21 | sed 's/.*/2026-11-27 + & day/' | date -u -f - +%F > "$T/days"
remind_all () {
	while read -r d; do
		"$LIAISON" -c "$CONF" remind --today "$d" > "$T/remind.out" 2>&1 ||
			not_ok "remind --today $d failed: $(cat "$T/remind.out")"
	done < "$T/days"
}

# An outsider's statement: held, so never reminded.
fresh
RESPONSE=$RESPONSE mk amplifier "Mallory <mallory@evil.example>" "$SG13"
deliver "$T/amplifier.eml"
check "the outsider's statement is held" "held sender outside the organization's domains" \
	"$(state amplifier) $(reason amplifier | sed 's/: .*//')"
check "its 2,000 response contacts are recorded" 2000 \
	"$(sql "SELECT count(*) FROM statement_contacts WHERE kind = 'response'")"
remind_all
check "three weeks of remind: no mail to any address outside the directory" "" "$(outsiders)"
check "one triage notice in all" 1 "$(got liaison-coordination@example.org)"
check "one message in all" 1 "$(outbox_count)"

# A legitimate statement with the same contacts, 100 of them within the
# organization's domains: reminders to the directory and those, capped.
fresh
RESPONSE=$RESPONSE mk legit "TSB SG15 <tsbsg15@itu.int>" "$SG15"
deliver "$T/legit.eml" -f tsbsg15@itu.int
check "the legitimate statement is routed" open "$(state legit)"
remind_all
reminders=$(sql "SELECT count(*) FROM reminders")
check "its reminders: before-2 to overdue-14" 17 "$reminders"
check "no message has more than max-recipients (50) recipients" 50 "$(widest)"
check "no mail to an address outside the directory but the sender and SG15's own" "" \
	"$(outsiders | grep -v '@itu\.int$')"
check "those: the sender and the 47 response contacts that fit" 48 "$(outsiders | grep -c '@itu\.int$')"
check "the victims had nothing" 0 "$(recipients | grep -c -i '@victim\.example$')"
check "the chairs and the manager had the forward and every reminder" "18 18 18" \
	"$(got dc@example.net) $(got fz@example.net) $(got scott.mansfield@example.com)"
check "the first response contacts within SG15's domains were reminded" "$reminders 0" \
	"$(got r20@itu.int) $(got r2000@itu.int)"
check "each reminder says whom it left out" "$reminders" \
	"$(sql "SELECT count(*) FROM events WHERE type = 'recipients-dropped' AND detail LIKE 'reminder % to 50 of 103 recipients (max-recipients 50); left out: %'")"

finish
