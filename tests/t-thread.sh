#!/bin/sh
# End-to-end: threads and states (SPEC §7). The samples, then the mail that
# comes back (tests/data/threads): replies found by References to our
# forward, by the subject tag alone, by the id or the Datatracker URL in the
# text; a reply (and a follow-up to it) that arrive before their parent; an
# auto-reply; a follow-up from the sending side, forwarded; a response
# statement, linked both ways; messages whose references go round in a
# circle; response statements that answer for the groups, or may not. Then overdue, list --overdue, and the commands thread, close,
# reopen, taken and route. Last, the threading corpora never crash or loop.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
D="$top_srcdir/tests/data/threads"
C=${LIAISON_CORPUS:-$top_srcdir/../shared/corpus}
O="$T/outbox/new"

lq () { "$LIAISON" -c "$CONF" "$@"; }
# role ID MESSAGE-ID: the role of a message in the thread of ID.
role () { lq thread --json "$1" | jq -r --arg m "$2" '.thread[] | select(.message_id == $m) | .role'; }
parent () { lq thread --json "$1" | jq -r --arg m "$2" '.thread[] | select(.message_id == $m) | .parent'; }
field () { lq thread --json "$1" | jq -r ".$2"; }
events () { lq show --json "$1" | jq -r '[.events[] | .type] | join(",")'; }
outbox_count () { ls "$O" 2>/dev/null | wc -l; }

# The samples, with the reply to LS-2026-0006 and a follow-up to that
# reply arriving before it.
for m in "$S"/0[1-5]*.eml "$D/06-reply-before-parent.eml" "$D/06-follow-up-before-parent.eml" \
         "$S"/0[6-8]*.eml; do
	deliver "$m"
	check "deliver $(basename "$m") exits 0" 0 "$rc"
	case $m in
	*06-reply-before-parent.eml) check "before its parent, a list message is an auto-reply" auto-reply \
		"$(sql "SELECT kind FROM messages WHERE message_id = 'mpls-early-6@example.net'")" ;;
	esac
done
check "eight statements" 8 "$(sql 'SELECT count(*) FROM statements WHERE handle IS NULL')"
check "the follow-up held before its parent came is held no more" "dismissed" \
	"$(sql "SELECT group_concat(state) FROM statements WHERE handle IS NOT NULL")"

# Before the statement came, the early reply (relayed by the list, with
# Precedence: list) was an auto-reply, and the follow-up to it was held as
# "other"; now both are in the thread, as what they are there.
check "the early reply is a reply of LS-2026-0006" reply "$(role LS-2026-0006 mpls-early-6@example.net)"
check "the follow-up to it is a follow-up" follow-up "$(role LS-2026-0006 sg13-early-6@example.de)"
check "its parent is the early reply" mpls-early-6@example.net "$(parent LS-2026-0006 sg13-early-6@example.de)"
check "the early reply is now of kind reply" "reply|" \
	"$(sql "SELECT kind || '|' || ifnull(hold_reason, '') FROM messages WHERE message_id = 'mpls-early-6@example.net'")"
check "the early follow-up is no longer held" "reply|" \
	"$(sql "SELECT kind || '|' || ifnull(hold_reason, '') FROM messages WHERE message_id = 'sg13-early-6@example.de'")"
check "LS-2026-0006 is replied" replied "$(field LS-2026-0006 state)"
check "and its action taken" true "$(field LS-2026-0006 action_taken)"
check "the events say so (the forward and the ack sent after)" "received,replied,follow-up,sent,sent" \
	"$(events LS-2026-0006)"

export LIAISON_NOW=2026-11-30T12:00:00Z
for m in 01-reply-by-references 02-reply-by-subject-tag 04-reply-by-id-in-body \
         05-reply-by-datatracker-url 07-auto-reply; do
	with_our_ids "$D/$m.eml" > "$T/$m.eml"
	deliver "$T/$m.eml"
	check "deliver $m exits 0" 0 "$rc"
done

check "LS-2026-0001: the original is the statement" statement \
	"$(role LS-2026-0001 177163338812.4321.1029384756@mailgw.itu.int)"
fwd1=$(our_id LS-2026-0001 forward)
check "LS-2026-0001: our forward is in the thread" forward "$(role LS-2026-0001 "$fwd1")"
check "LS-2026-0001: a reply by References to our forward" reply "$(role LS-2026-0001 ccamp-reply-1@example.net)"
check "its parent is our forward" "$fwd1" "$(parent LS-2026-0001 ccamp-reply-1@example.net)"
check "thread finds the statement by our forward's Message-ID" LS-2026-0001 \
	"$(field "<$fwd1>" id)"
check "LS-2026-0001 is replied" replied "$(field LS-2026-0001 state)"
check "LS-2026-0001 action taken" true "$(field LS-2026-0001 action_taken)"
check "the replied event names the reply" 1 \
	"$(lq show --json LS-2026-0001 | jq '[.events[] | select(.type == "replied" and (.detail | contains("ccamp-reply-1@example.net")))] | length')"
check "LS-2026-0002: a reply by subject tag only" reply "$(role LS-2026-0002 detnet-reply-2@example.net)"
check "LS-2026-0002 is replied" replied "$(field LS-2026-0002 state)"
check "LS-2026-0004: a reply by the id in the body" reply "$(role LS-2026-0004 mpls-reply-4@example.net)"
check "LS-2026-0004 is replied" replied "$(field LS-2026-0004 state)"
check "LS-2026-0005: a reply by the Datatracker URL" reply "$(role LS-2026-0005 iab-reply-5@example.org)"
check "LS-2026-0005 is replied" replied "$(field LS-2026-0005 state)"
check "LS-2026-0007: an auto-reply" auto-reply "$(role LS-2026-0007 ooo-7@example.net)"
check "an auto-reply changes no state" open "$(field LS-2026-0007 state)"
check "nor the action" false "$(field LS-2026-0007 action_taken)"
check "nor adds an event (received, forward and ack sent)" "received,sent,sent" "$(events LS-2026-0007)"

# A follow-up from the sending side (the TSB, who may submit for SG15)
# goes to the statement's routes. (tests/t-trust-threads.sh has the
# follow-ups that may not.)
before=$(outbox_count)
routes_before=$(lq show --json LS-2026-0001 | jq '.routes | length')
deliver "$D/01-follow-up.eml"
check "deliver the follow-up exits 0" 0 "$rc"
check "its recipients are not routes of the statement" "$routes_before" \
	"$(lq show --json LS-2026-0001 | jq '.routes | length')"
check "it is a follow-up" follow-up "$(role LS-2026-0001 sg15-follow-up-1@example.com)"
check "one more message in the outbox" $((before + 1)) "$(outbox_count)"
fup=$(our_id LS-2026-0001 follow-up)
check "the follow-up's forward has a keyed id of its own" yes \
	"$(echo "$fup" | grep -qx 'LS-2026-0001\.[a-z2-7]\{26\}@example\.org' && [ "$fup" != "$fwd1" ] && echo yes)"
f=$(grep -l -i "^Message-Id: <$fup>" "$O"/* | head -1)
check "it is the forward of the follow-up" yes "$([ -n "$f" ] && echo yes)"
check "to the statement's list, chairs, AD, manager and archive" \
	"ccamp@ietf.org, dc@example.net, fz@example.net, jgs@example.org, scott.mansfield@example.com, statements-archive@example.org" \
	"$(sed -n '1s/^X-Liaison-Envelope-To: //p' "$f")"
check "under our tag" yes "$(grep -q '^Subject: \[LS-2026-0001\] Re: LS on OTN' "$f" && echo yes)"
check "the follow-up is attached" yes "$(grep -q '^Message-ID: <sg15-follow-up-1@example.com>' "$f" && echo yes)"
check "the forward of the follow-up is in the thread" forward \
	"$(role LS-2026-0001 "$fup")"
check "a follow-up leaves the state" replied "$(field LS-2026-0001 state)"
deliver "$D/01-follow-up.eml"
check "a follow-up delivered again is a duplicate: nothing more sent" $((before + 1)) "$(outbox_count)"

# A response statement is a statement of its own, linked both ways.
deliver "$D/01-response-statement.eml"
check "deliver the response statement exits 0" 0 "$rc"
check "it is LS-2026-0009" LS-2026-0009 "$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'sg15-response-1@mailgw.itu.int'")"
check "it responds to LS-2026-0001" "LS-2026-0001 responds-to" \
	"$(lq show --json LS-2026-0009 | jq -r '.related[] | "\(.id) \(.relation)"')"
check "LS-2026-0001 is responded by it" "LS-2026-0009 responded-by" \
	"$(lq show --json LS-2026-0001 | jq -r '.related[] | "\(.id) \(.relation)"')"
check "LS-2026-0001 records the response" 1 \
	"$(lq show --json LS-2026-0001 | jq '[.events[] | select(.type == "response")] | length')"

# References that go round in a circle: a names b and p, b names a and p,
# p (in the thread of LS-2026-0001) names a. a and b wait for p.
for m in loop-a loop-b loop-p; do
	with_our_ids "$D/$m.eml" > "$T/$m.eml"
	deliver "$T/$m.eml"
	check "deliver $m exits 0" 0 "$rc"
done
check "p is a reply" reply "$(role LS-2026-0001 loop-p@example.net)"
check "a joined when p came" reply "$(role LS-2026-0001 loop-a@example.net)"
check "b joined after a" reply "$(role LS-2026-0001 loop-b@example.net)"
check "the tree still prints every message" 8 "$(lq thread LS-2026-0001 | tail -n +2 | wc -l)"

# overdue and list --overdue, as of a later day.
export LIAISON_TODAY=2027-02-01
check "LS-2026-0007 is overdue: open, deadline past, no reply" true "$(field LS-2026-0007 overdue)"
check "LS-2026-0001 is not: replied" false "$(field LS-2026-0001 overdue)"
check "LS-2026-0004 is not: its deadline is to come" false "$(field LS-2026-0004 overdue)"
check "list --overdue: the open one and the held one" "LS-2026-0008 LS-2026-0007" \
	"$(lq list --overdue --json | jq -r '[.[].id] | join(" ")')"
check "list shows the state and the days to the deadline" yes \
	"$(lq list | grep -q '^LS-2026-0004 *replied *2027-02-26 ' && lq list | grep -q '^LS-2026-0007 *open! *2027-01-29 (-3d)' && echo yes)"

# taken: the action is taken, the state stays, no longer overdue.
lq taken LS-2026-0007 >/dev/null; rc=$?
check "taken exits 0" 0 "$rc"
check "taken: action taken" true "$(field LS-2026-0007 action_taken)"
check "taken: state unchanged" open "$(field LS-2026-0007 state)"
check "taken: not overdue" false "$(field LS-2026-0007 overdue)"
check "taken: an event" action-taken "$(lq show --json LS-2026-0007 | jq -r '.events[-1].type')"

# close and reopen: back to replied when it had a reply.
lq close LS-2026-0002 >/dev/null; rc=$?
check "close exits 0" 0 "$rc"
check "closed" closed "$(field LS-2026-0002 state)"
lq reopen LS-2026-0002 >/dev/null; rc=$?
check "reopen exits 0" 0 "$rc"
check "reopened to replied: it had a reply" replied "$(field LS-2026-0002 state)"
check "close and reopen are events" "closed,reopened" \
	"$(lq show --json LS-2026-0002 | jq -r '[.events[] | .type | select(. == "closed" or . == "reopened")] | join(",")')"

# route: the held statement goes to the named group; held becomes open.
before=$(outbox_count)
lq route LS-2026-0008 opsawg --by tester >/dev/null; rc=$?
check "route exits 0" 0 "$rc"
check "routed: open" open "$(field LS-2026-0008 state)"
check "routed: the group is its destination" opsawg "$(lq show --json LS-2026-0008 | jq -r '.to.groups | join(",")')"
check "routed: the event names the group and who routed it" "to opsawg by tester" "$(lq show --json LS-2026-0008 | jq -r '[.events[] | select(.type == "routed")][0].detail')"
check "routed: one forward sent" $((before + 1)) "$(outbox_count)"
f=$(grep -l -i "^Message-Id: <$(our_id LS-2026-0008 forward)>" "$O"/* | head -1)
check "routed: to the list, chairs and archive" yes \
	"$(sed -n '1s/^X-Liaison-Envelope-To: //p' "$f" | grep -q 'opsawg@ietf.org' && echo yes)"
lq route LS-2026-0008 ccamp >/dev/null; rc=$?
check "re-route exits 0" 0 "$rc"
fwd8b=$(our_id LS-2026-0008 forward 2)
check "re-routed: a forward with an id of its own" yes \
	"$([ -n "$fwd8b" ] && [ "$fwd8b" != "$(our_id LS-2026-0008 forward)" ] && echo yes)"
check "re-routed: the forward is in the outbox" 1 "$(grep -l -i "^Message-Id: <$fwd8b>" "$O"/* | wc -l)"
check "re-routed: the forwards are in the thread" "forward forward" \
	"$(lq thread --json LS-2026-0008 | jq -r '[.thread[] | select(.role == "forward") | .role] | join(" ")')"
lq close LS-2026-0008 >/dev/null && lq reopen LS-2026-0008 >/dev/null
check "a routed statement without reply reopens to open" open "$(field LS-2026-0008 state)"

# Errors: an unknown id is an error (1), a missing one a usage error (2).
lq close LS-2099-0001 2>/dev/null; check "close of an unknown id exits 1" 1 "$?"
lq thread LS-2099-0001 2>/dev/null; check "thread of an unknown id exits 1" 1 "$?"
lq route LS-2026-0001 nosuchgroup 2>/dev/null; check "route to an unknown group exits 1" 1 "$?"
lq thread 2>/dev/null; check "thread without id exits 2" 2 "$?"
lq route LS-2026-0001 2>/dev/null; check "route without group exits 2" 2 "$?"
check "the errors changed nothing" replied "$(field LS-2026-0001 state)"

# A response statement from an MPLS chair answering LS-2026-0007 by its
# Datatracker URL, sent by the chair directly to SG15: it is the IETF's own
# statement (outgoing, from mpls to ITU-T SG15), and its sender is a chair
# of the group it is from, so it is not held; it answers LS-2026-0007 for
# its groups: LS-2026-0007 is replied. (tests/t-outgoing.sh has the same
# claim from someone else.)
check "before it, LS-2026-0007 is open" open "$(field LS-2026-0007 state)"
deliver "$D/07-response-from-chair.eml"
check "deliver the chair's response statement exits 0" 0 "$rc"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'mpls-response-1@example.net'")
check "it is a statement of its own, responding to LS-2026-0007" "LS-2026-0007 responds-to" \
	"$(lq show --json "$id" | jq -r '.related[] | "\(.id) \(.relation)"')"
check "it is outgoing, from mpls to ITU-T SG15, and not held" "outgoing mpls ITU-T SG15 open" \
	"$(lq show --json "$id" | jq -r '"\(.direction) \(.from.org) \(.to.groups | join(",")) \(.state)"')"
check "LS-2026-0007 is replied" replied "$(field LS-2026-0007 state)"
check "the response event names it" "$id responds to it" \
	"$(lq show --json LS-2026-0007 | jq -r '[.events[] | select(.type == "response")][0].detail')"

# The same answer as the Datatracker relays it (it checks who submits for
# a group): OPSAWG's response to the Broadband Forum, answering
# LS-2026-0003, is the groups' reply: LS-2026-0003 is replied.
check "before it, LS-2026-0003 is open" open "$(field LS-2026-0003 state)"
deliver "$D/03-response-relayed.eml"
check "deliver the relayed response statement exits 0" 0 "$rc"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = 'opsawg-response-3@datatracker.ietf.org'")
check "it is a statement of its own, responding to LS-2026-0003" "LS-2026-0003 responds-to" \
	"$(lq show --json "$id" | jq -r '.related[] | "\(.id) \(.relation)"')"
check "it is outgoing and not held" "outgoing open" \
	"$(lq show --json "$id" | jq -r '"\(.direction) \(.state)"')"
check "LS-2026-0003 is replied" replied "$(field LS-2026-0003 state)"
check "and its action taken" true "$(field LS-2026-0003 action_taken)"
check "its replied event names the response statement" 1 \
	"$(lq show --json LS-2026-0003 | jq --arg id "$id" '[.events[] | select(.type == "replied" and (.detail | contains($id)))] | length')"

# reinject: the time of receipt is the arrival time, but the mail it causes
# is written now, and dated so.
# (A register of its own has a spool of its own: the spool's journal is
# one register's history, SPEC 12.)
write_config "database = $T/reinject.db" "id-prefix = RI" "spool = $T/reinject-spool"
mkdir -p "$T/reinject-spool" && cp -p "$T/spool/secret" "$T/reinject-spool/secret"
{ echo "From tsbsg15@itu.int Fri Oct  2 12:05:00 2026"; cat "$S/01-action-ccamp.eml"; echo; } > "$T/01.mbox"
LIAISON_NOW=2026-11-30T08:00:00Z "$LIAISON" -c "$CONF" reinject "$T/01.mbox" >/dev/null 2>&1
check "reinject exits 0" 0 "$?"
check "reinject: received when it arrived (2 October), not now" 2026-10-02 \
	"$(sqlite3 -batch -noheader "$T/reinject.db" "SELECT substr(received, 1, 10) FROM statements")"
f=$(grep -l -i "^Message-Id: <$(sqlite3 -batch -noheader "$T/reinject.db" "SELECT message_id FROM outbox WHERE kind = 'forward'")>" "$O"/* | head -1)
check "reinject: the forward is dated now" "Mon, 30 Nov 2026 08:00:00 +0000" \
	"$(sed -n 's/^Date: //p' "$f" | head -1)"
write_config

# The threading corpora: every message delivered exits 0, none loops. The
# notmuch and hyperkitty files one by one through deliver; jwz's
# fedora-devel month (292 messages) as the mbox it is, through reinject,
# which runs the same pipeline on each message in a fraction of the time.
if [ -d "$C/notmuch/threading" ]; then
	bad=0 n=0
	for m in $(find "$C/notmuch/threading" "$C/notmuch/broken/loop" -type f | sort) \
	         "$C/hyperkitty/strange-in-reply-to-header.txt" \
	         "$C/hyperkitty/wrong-in-reply-to-header.txt"; do
		n=$((n + 1))
		timeout 30 "$LIAISON" -c "$CONF" deliver < "$m" 2>>"$T/corpus.err" >/dev/null
		r=$?
		if [ "$r" != 0 ]; then bad=$((bad + 1)); echo "# $m: exit $r"; fi
	done
	check "the threading corpora: all $n messages exit 0" 0 "$bad"
	cp "$C/jwzthreading-fedora-devel/2010-January.txt" "$T/jwz.mbox"
	timeout 600 "$LIAISON" -c "$CONF" reinject "$T/jwz.mbox" > "$T/jwz.out" 2>>"$T/corpus.err"
	check "jwz's fedora-devel month: reinject exits 0" 0 "$?"
	check "every one of its messages recorded, none an error" yes \
		"$(grep -Eq '^292 messages: .* 0 errors$' "$T/jwz.out" && echo yes)"
	sed 's/^/# /' "$T/jwz.out"
	check "some corpus messages share a thread" yes \
		"$([ "$(sql 'SELECT count(*) FROM message_refs')" -gt 100 ] && echo yes)"
	check "the database is sound" ok "$(sql 'PRAGMA integrity_check')"
else
	echo "# skipped the corpora: $C not found"
fi

finish
