#!/bin/sh
# End-to-end: the IETF's own statements are outgoing, and a statement that
# arrives twice is one statement (issue 17; SPEC §7, §10). Fixtures in
# tests/data/outgoing (see its README). An incoming statement; the
# Datatracker's notification of CCAMP's response to it, first as forged by
# an outsider (held, changes nothing), then as the Datatracker sends it
# (outgoing, the original replied, its reminders stop), and the peer's
# answer to it (the response replied); one statement sent
# directly by the TSB and again through the Datatracker, and re-sent. Then
# the same response under authserv-id, unauthenticated.
. "$top_srcdir/tests/lib.sh"
write_config
D="$top_srcdir/tests/data/outgoing"
O="$T/outbox/new"

lq () { "$LIAISON" -c "$CONF" "$@"; }
j () { lq show --json "$1" | jq -r "$2"; }
ls_of () { sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = '$1'"; }
outbox_count () { ls "$O" 2>/dev/null | wc -l; }
reminders_of () { sql "SELECT count(*) FROM reminders r JOIN statements s ON s.id = r.statement WHERE s.ls_id = '$1'"; }

# The incoming statement: SG15 to CCAMP, for action by 2027-01-15.
deliver "$D/01-incoming.eml"
check "deliver the incoming statement exits 0" 0 "$rc"
orig=$(ls_of 179587396412.3001.1@ietf.org)
check "it is LS-2026-0001" LS-2026-0001 "$orig"
check "it is incoming and open" "incoming open" "$(j "$orig" '"\(.direction) \(.state)"')"
check "its links: the Attachments list, title and URL" \
	"LS on OTN protection switching for 800G interfaces|https://datatracker.ietf.org/documents/LIAISON/liaison-2026-11-20-itu-t-sg-15-ccamp-ls-on-otn-protection-switching-attachment-1.pdf" \
	"$(j "$orig" '.links[] | "\(.title)|\(.url)"')"
check "its url" https://datatracker.ietf.org/liaison/3001/ "$(j "$orig" .url)"
check "the show card says the direction" yes \
	"$(lq show "$orig" | grep -q '^Direction: *incoming$' && echo yes)"
check "and lists the links" yes \
	"$(lq show "$orig" | grep -A1 '^Links:' | grep -q 'LS on OTN protection switching for 800G interfaces *https://' && echo yes)"

# The response, forged: the Datatracker's layout and the From Group of
# CCAMP, written by someone who is neither the Datatracker nor a CCAMP
# list, chair or AD. Held, forwarded to nobody but triage; the original
# stays open and is still reminded.
export LIAISON_NOW=2027-01-06T23:10:00Z
before=$(outbox_count)
deliver "$D/02-forged-response.eml"
check "deliver the forged response exits 0" 0 "$rc"
forged=$(ls_of forged-3002@ietf-tools.example)
check "the forgery is held" held "$(j "$forged" .state)"
check "because it claims to be the IETF's own" yes \
	"$(j "$forged" .events[0].detail | grep -q "^unauthorized sender: it claims to be the IETF's own statement (from ccamp), but its sender statements@ietf-tools.example is neither a trusted relay nor a list, chair or AD of ccamp" && echo yes)"
check "it says what it claims: outgoing" outgoing "$(j "$forged" .direction)"
check "only the held notice, to triage" "$((before + 1)) triage" \
	"$(outbox_count) $(j "$forged" '[.routes[].role] | join(",")')"
check "the original stays open" "open false" "$(j "$orig" '"\(.state) \(.action_taken)"')"
check "no replied event on it" 0 "$(lq show --json "$orig" | jq '[.events[] | select(.type == "replied")] | length')"
lq remind --today 2027-01-08 > /dev/null
check "the original is still reminded (one week before)" 1 "$(reminders_of "$orig")"

# The response as the Datatracker sends it: outgoing, from ccamp to ITU-T
# SG15; to the archive only, acknowledged to nobody; it answers the
# original, which is replied with its action taken.
before=$(outbox_count)
deliver "$D/03-response.eml"
check "deliver the response exits 0" 0 "$rc"
resp=$(ls_of 179802853001.3002.1@ietf.org)
check "it has an id of its own" yes "$([ -n "$resp" ] && [ "$resp" != "$forged" ] && echo yes)"
check "show --json: outgoing, from ccamp to ITU-T SG15, open" "outgoing|ccamp|ITU-T SG15|open" \
	"$(j "$resp" '"\(.direction)|\(.from.org)|\(.to.groups | join(","))|\(.state)"')"
check "it is not held" null "$(sql "SELECT ifnull(hold_reason, 'null') FROM statements WHERE ls_id = '$resp'")"
check "the stored column says outgoing" outgoing "$(sql "SELECT direction FROM statements WHERE ls_id = '$resp'")"
check "list --json says outgoing, the original incoming" "$resp outgoing,$orig incoming" \
	"$(lq list --json | jq -r --arg a "$resp" --arg b "$orig" '[.[] | select(.id == $a or .id == $b) | "\(.id) \(.direction)"] | join(",")')"
check "its routes: the archive alone" "statements-archive@example.org archive" \
	"$(j "$resp" '.routes[] | "\(.address) \(.role)"')"
check "one message sent: the archive's copy" $((before + 1)) "$(outbox_count)"
check "no acknowledgement, no forward to ccamp's list" 0 \
	"$(sql "SELECT count(*) FROM outbox o JOIN statements s ON s.id = o.statement WHERE s.ls_id = '$resp' AND o.kind != 'forward'")"
check "its links: both documents" 2 "$(j "$resp" '.links | length')"
check "with their URLs" "https://datatracker.ietf.org/documents/LIAISON/liaison-2027-01-06-ccamp-itu-t-sg-15-response-attachment-2.txt" \
	"$(j "$resp" '.links[1].url')"
check "it responds to the original" "$orig responds-to" "$(j "$resp" '.related[] | "\(.id) \(.relation)"')"
check "the original is replied, its action taken" "replied true" "$(j "$orig" '"\(.state) \(.action_taken)"')"
check "its replied event names the response" 1 \
	"$(lq show --json "$orig" | jq --arg id "$resp" '[.events[] | select(.type == "replied" and (.detail | contains($id)))] | length')"
check "the forgery is still held and answers nothing" held "$(j "$forged" .state)"

# Its reminders stop: the weeks after, up to past the deadline, send none
# for the original, and none for the response (its deadline is the peer's).
for day in 2027-01-11 2027-01-12 2027-01-13 2027-01-14 2027-01-15 2027-01-16 2027-01-22 2027-01-29; do
	lq remind --today "$day" > /dev/null || not_ok "remind --today $day"
done
check "no reminder for the original after the response" 1 "$(reminders_of "$orig")"
check "nor for the response" 0 "$(reminders_of "$resp")"
check "the original is not overdue" false "$(LIAISON_TODAY=2027-02-01 lq show --json "$orig" | jq -r .overdue)"

# SG15 answers CCAMP's response, directly from the TSB (who may submit for
# SG15): the peer is the receiving side of the IETF's own statement, so
# the response is replied.
export LIAISON_NOW=2027-02-02T10:20:00Z
deliver "$D/07-peer-answer.eml"
check "deliver SG15's answer exits 0" 0 "$rc"
answer=$(ls_of SG15-LS140.20270202@itu.int)
check "it is incoming, routed" "incoming open" "$(j "$answer" '"\(.direction) \(.state)"')"
check "it responds to the response" "$resp responds-to" "$(j "$answer" '.related[] | "\(.id) \(.relation)"')"
check "the response is replied" "replied true" "$(j "$resp" '"\(.state) \(.action_taken)"')"

# One statement sent directly by the TSB, then by the Datatracker, then
# re-sent with a new Message-ID: one statement, forwarded once, one id.
export LIAISON_NOW=2026-11-24T15:30:00Z
n=$(sql 'SELECT count(*) FROM statements')
deliver "$D/04-direct.eml"
check "deliver the direct statement exits 0" 0 "$rc"
direct=$(ls_of SG15-LS123.20261124@itu.int)
check "it is routed" open "$(j "$direct" .state)"
check "its other identifier in JSON" SG15-LS123 "$(j "$direct" .other_identifiers)"
check "it has no url yet" null "$(j "$direct" .url)"
forwards=$(sql "SELECT count(*) FROM outbox o JOIN statements s ON s.id = o.statement WHERE s.ls_id = '$direct' AND o.kind = 'forward'")
check "forwarded once" 1 "$forwards"
before=$(outbox_count)
export LIAISON_NOW=2026-11-25T10:41:00Z
deliver "$D/05-via-datatracker.eml"
check "deliver the Datatracker's notification of it exits 0" 0 "$rc"
check "no second statement" $((n + 1)) "$(sql 'SELECT count(*) FROM statements')"
check "nothing sent" "$before" "$(outbox_count)"
check "the notification is in its thread" copy \
	"$(lq thread --json "$direct" | jq -r '.thread[] | select(.message_id == "179641201100.3003.1@ietf.org") | .role')"
check "an event says it came again" \
	"also received via Liaison Statement Management Tool <statements@ietf.org> <179641201100.3003.1@ietf.org> (the same organization, title and date); not forwarded again" \
	"$(lq show --json "$direct" | jq -r '[.events[] | select(.type == "also-received")][0].detail')"
check "the statement gains the Datatracker's URL" https://datatracker.ietf.org/liaison/3003/ "$(j "$direct" .url)"
check "and its links" "SG15-LS123 LS on OTN beyond 1.6T: FlexO-x interfaces" "$(j "$direct" '.links[].title')"
export LIAISON_NOW=2026-11-26T07:05:00Z
deliver "$D/06-resent.eml"
check "deliver the re-sent statement exits 0" 0 "$rc"
check "still one statement" $((n + 1)) "$(sql 'SELECT count(*) FROM statements')"
check "still nothing sent" "$before" "$(outbox_count)"
check "found by its identifier" "the same identifier" \
	"$(lq show --json "$direct" | jq -r '[.events[] | select(.type == "also-received")][1].detail' | sed 's/.*(\(.*\)); not.*/\1/')"
check "forwarded once in all" 1 \
	"$(sql "SELECT count(*) FROM outbox o JOIN statements s ON s.id = o.statement WHERE s.ls_id = '$direct' AND o.kind = 'forward'")"
check "the messages are not held" 0 \
	"$(sql "SELECT count(*) FROM messages WHERE hold_reason IS NOT NULL AND message_id IN ('179641201100.3003.1@ietf.org', 'SG15-LS123.resent.20261126@itu.int')")"
deliver "$D/05-via-datatracker.eml"
check "the same message again is a duplicate: nothing recorded" $((n + 1)) "$(sql 'SELECT count(*) FROM statements')"

# With authserv-id, the Datatracker's From counts only when our server
# vouches for it: the same response without a verdict is held, and the
# original (a fresh register) is not replied.
# (A register of its own has a spool of its own: the spool's journal is
# one register's history, SPEC 12.)
write_config "database = $T/auth.db" "authserv-id = mx.example.org" "spool = $T/auth-spool"
mkdir -p "$T/auth-spool" && cp -p "$T/spool/secret" "$T/auth-spool/secret"
auth () { sqlite3 -batch -noheader "$T/auth.db" "$@"; }
{ echo "Authentication-Results: mx.example.org; dkim=pass header.d=ietf.org"; cat "$D/01-incoming.eml"; } > "$T/01.eml"
deliver "$T/01.eml"
check "authserv-id: the vouched incoming statement is routed" open \
	"$(auth "SELECT state FROM statements WHERE ls_id = 'LS-2026-0001'")"
deliver "$D/03-response.eml"
check "authserv-id: the unvouched response exits 0" 0 "$rc"
check "is held, unauthenticated" yes \
	"$(auth "SELECT hold_reason FROM statements WHERE ls_id = 'LS-2026-0002'" | grep -q "^unauthorized sender: it claims to be the IETF's own statement (from ccamp), but its sender is not believed: unauthenticated sender" && echo yes)"
check "and the original stays open" open "$(auth "SELECT state FROM statements WHERE ls_id = 'LS-2026-0001'")"
{ echo "Authentication-Results: mx.example.org; dkim=pass header.d=ietf.org"; sed 's/^Message-ID: <179802853001.3002.1@ietf.org>/Message-ID: <vouched-3002@ietf.org>/' "$D/03-response.eml"; } > "$T/03.eml"
deliver "$T/03.eml"
check "authserv-id: the vouched response is outgoing, not held" "outgoing open" \
	"$(auth "SELECT direction || ' ' || state FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'vouched-3002@ietf.org'")"
check "and answers the original" replied "$(auth "SELECT state FROM statements WHERE ls_id = 'LS-2026-0001'")"

finish
