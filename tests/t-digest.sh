#!/bin/sh
# End-to-end: `digest` and `remind --authorized` (issue 18) over the
# samples, with the maildir transport. Each manager gets one digest of
# the organizations they manage, triage one of everything; each lists its
# sections; the HTML part parses; a second run in the same ISO week sends
# nothing, and the next week's lists as new only what came since. remind
# --authorized sends one mail per organization with managers, once a
# quarter.
. "$top_srcdir/tests/lib.sh"
write_config
O="$T/outbox/new"
D="$LIAISON -c $CONF digest"

outbox_count () { ls "$O" 2>/dev/null | wc -l; }
envelope () { sed -n '1s/^X-Liaison-Envelope-To: //p' "$1"; }
# digest_to ADDRESS WEEK: the file of the digest of WEEK sent to ADDRESS.
digest_to () {
	for f in $(grep -l "^Subject: \[Liaison digest $2\]" "$O"/* 2>/dev/null); do
		[ "$(envelope "$f")" = "$1" ] && echo "$f" && return
	done
}
# part FILE TYPE: the decoded text of the part TYPE (text/plain, text/html).
part () {
	python3 - "$1" "$2" <<'PY'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
for p in m.walk():
    if p.get_content_type() == sys.argv[2]:
        sys.stdout.write(p.get_content())
PY
}
# section FILE TITLE: the lines of the section TITLE of the text part.
section () { part "$1" text/plain | sed -n "/^$2 (/,/^\$/p" | sed '1d;/^$/d'; }
ids () { grep -o '[A-Z][A-Z]-2026-[0-9]*' | sort -u | paste -sd' '; }

for m in "$top_srcdir"/samples/mail/*.eml; do
	deliver "$m" -r statements@example.org
	check "deliver $(basename "$m") exits 0" 0 "$rc"
done
before=$(outbox_count)

# Bad input: one line, a usage error, nothing sent or recorded.
$D --since yesterday > "$T/out" 2> "$T/err"
check "--since not a date is a usage error" 2 "$?"
check "it says so in one line" 1 "$(wc -l < "$T/err")"
check "it names the option" 1 "$(grep -c -- "--since 'yesterday' is not a date" "$T/err")"
$D --since 2026-02-30 > /dev/null 2>&1
check "--since an impossible date is a usage error" 2 "$?"
$D --today 2026-13-01 > /dev/null 2>&1
check "an impossible --today is a usage error" 2 "$?"
$D extra > /dev/null 2>&1
check "an argument is a usage error" 2 "$?"
check "nothing was sent" "$before" "$(outbox_count)"
check "nothing was recorded" 0 "$(sql 'SELECT count(*) FROM digests')"

# A dry run prints what would go, and records and sends nothing.
LIAISON_NOW=2026-12-01T07:00:00Z $D --dry-run --today 2026-12-01 > "$T/dry" 2>&1
check "digest --dry-run exits 0" 0 "$?"
check "it shows triage's digest" 1 "$(grep -c '^digest 2026-W49 triage: would send' "$T/dry")"
check "and nothing else was done" "$before 0" "$(outbox_count) $(sql 'SELECT count(*) FROM digests')"

# The first digest, week 49: new is the week before 2026-12-01.
LIAISON_NOW=2026-12-01T07:00:00Z $D --today 2026-12-01 > "$T/out" 2>&1
check "digest exits 0" 0 "$?"
check "one mail per manager and one to triage" 7 "$(( $(outbox_count) - before ))"
check "to the directory's addresses, one each" \
	"anna.lindqvist@example.com liaison-coordination@example.org maria.santos@example.com peter.novak@example.net rahul.mehta@example.net scott.mansfield@example.com wei.chen@example.org" \
	"$(for f in $(grep -l '^Subject: \[Liaison digest' "$O"/*); do envelope "$f"; done | sort | paste -sd' ')"
SM=$(digest_to scott.mansfield@example.com 2026-W49)
TR=$(digest_to liaison-coordination@example.org 2026-W49)
check "Scott Mansfield's covers both organizations he manages" 1 \
	"$(grep -c '^Subject: \[Liaison digest 2026-W49\] ITU-T SG15, ITU-T SG13$' "$SM")"
check "it is multipart/alternative" 1 "$(grep -c '^Content-Type: multipart/alternative' "$SM")"
check "its new statements are those of SG15 and SG13" "LS-2026-0001 LS-2026-0006 LS-2026-0007" \
	"$(section "$SM" 'New statements' | ids)"
check "awaiting a reply, with days left" 1 \
	"$(section "$SM" 'Awaiting a reply' | grep -c '^  LS-2026-0001 .*deadline 2026-12-15, 14 days left)$')"
check "nothing overdue yet" "  none" "$(section "$SM" 'Overdue')"
check "triage's lists every new statement" \
	"LS-2026-0001 LS-2026-0002 LS-2026-0003 LS-2026-0004 LS-2026-0005 LS-2026-0006 LS-2026-0007" \
	"$(section "$TR" 'New statements' | ids)"
check "and the held one, with its reason" 1 \
	"$(section "$TR" 'Held' | grep -c '^  LS-2026-0008 .*unresolved destination group')"
check "the manager of BBF sees its held statement too" "LS-2026-0008" \
	"$(section "$(digest_to maria.santos@example.com 2026-W49)" 'Held' | ids)"
for f in "$SM" "$TR"; do
	part "$f" text/html > "$T/part.html"
	check "the HTML part of $(envelope "$f") parses" "0 yes" \
		"$(xmllint --html --noout "$T/part.html" > /dev/null 2>&1; echo "$?") $(grep -q 'LS-2026-0001' "$T/part.html" && echo yes)"
done
check "each digest is recorded" 7 "$(sql "SELECT count(*) FROM digests WHERE kind = 'digest' AND period = '2026-W49'")"

# Again in the same ISO week: nothing.
n=$(outbox_count)
LIAISON_NOW=2026-12-06T07:00:00Z $D --today 2026-12-06 > "$T/out" 2>&1
check "a second run in the week exits 0" 0 "$?"
check "and sends nothing" "$n" "$(outbox_count)"
check "it says they were sent" 7 "$(grep -c 'already sent' "$T/out")"

# A statement in between; the next week's digest lists only it as new,
# and LS-2026-0001 awaiting with fewer days left.
LIAISON_NOW=2026-12-04T09:00:00Z deliver "$top_srcdir/tests/data/remind/taken.eml" -r statements@example.org
check "a new statement arrives" 0 "$rc"
new_id=$(sql "SELECT ls_id FROM statements WHERE received = '2026-12-04T09:00:00Z'")
LIAISON_NOW=2026-12-08T07:00:00Z $D --today 2026-12-08 > "$T/out" 2>&1
check "the next week's digest exits 0" 0 "$?"
TR=$(digest_to liaison-coordination@example.org 2026-W50)
check "triage's new statements are only what came since" "$new_id" "$(section "$TR" 'New statements' | ids)"
check "LS-2026-0001 still awaits, a week closer" 1 \
	"$(section "$TR" 'Awaiting a reply' | grep -c '^  LS-2026-0001 .*7 days left)$')"
check "Scott Mansfield's has nothing new" "  none" \
	"$(section "$(digest_to scott.mansfield@example.com 2026-W50)" 'New statements')"

# Overdue, the week after its deadline.
LIAISON_NOW=2026-12-16T07:00:00Z $D --today 2026-12-16 > /dev/null 2>&1
check "LS-2026-0001 is overdue in week 51" 1 \
	"$(section "$(digest_to scott.mansfield@example.com 2026-W51)" 'Overdue' | grep -c '^  LS-2026-0001 .*1 day overdue)$')"

# remind --authorized: one mail per organization with managers.
R="$LIAISON -c $CONF remind --authorized"
n=$(outbox_count)
LIAISON_NOW=2026-12-01T08:00:00Z $R --today 2026-12-01 > "$T/out" 2>&1
check "remind --authorized exits 0" 0 "$?"
check "one mail per organization" 6 "$(( $(outbox_count) - n ))"
SG15=$(grep -l '^Subject: \[Liaison 2026-Q4\] Who may send statements for ITU-T SG15?' "$O"/*)
check "SG15's lists its authorized sender" 1 "$(part "$SG15" text/plain | grep -c '^  tsbsg15@itu.int$')"
check "and the trusted relays" 1 "$(part "$SG15" text/plain | grep -c '^  statements@ietf.org$')"
check "to its manager" "scott.mansfield@example.com" "$(envelope "$SG15")"
SA2=$(grep -l 'Who may send statements for 3GPP SA2?' "$O"/*)
check "SA2's goes to both its managers" "anna.lindqvist@example.com rahul.mehta@example.net" \
	"$(envelope "$SA2" | tr -d ',' )"
check "and lists its domain rule" 1 "$(part "$SA2" text/plain | grep -c '^  3gpp.org$')"
n=$(outbox_count)
LIAISON_NOW=2026-12-20T08:00:00Z $R --today 2026-12-20 > /dev/null 2>&1
check "again in the quarter: nothing" "$n" "$(outbox_count)"
LIAISON_NOW=2027-01-04T08:00:00Z $R --today 2027-01-04 > /dev/null 2>&1
check "the next quarter: again" 6 "$(( $(outbox_count) - n ))"

# max-recipients holds for these too: SA2's two managers, one allowed.
write_config "max-recipients = 1"
LIAISON_NOW=2027-04-01T08:00:00Z $R --today 2027-04-01 > /dev/null 2>&1
check "remind --authorized with max-recipients = 1 exits 0" 0 "$?"
SA2=$(grep -l '^Subject: \[Liaison 2027-Q2\] Who may send statements for 3GPP SA2?' "$O"/*)
check "SA2's goes to one manager only" "anna.lindqvist@example.com" "$(envelope "$SA2")"
check "its To has one address" 1 "$(sed '/^$/q' "$SA2" | grep -c '^To: ')"
check "and names one" 1 "$(sed '/^$/q' "$SA2" | grep '^To: ' | grep -o '@' | wc -l)"

# Mail that the mail system does not take: queued for more than a day, it
# is in the next digest (shown by a dry run: the digest would not go out
# either).
write_config
sed -i -e 's|^method *=.*|method = sendmail\nsendmail = /bin/false|' "$CONF"
LIAISON_NOW=2027-04-05T09:00:00Z deliver "$top_srcdir/tests/data/remind/closed.eml" -r statements@example.org
check "a statement arrives while the mail system refuses mail" 0 "$rc"
stuck_id=$(sql "SELECT ls_id FROM statements WHERE received = '2027-04-05T09:00:00Z'")
check "its forward is still queued" 1 \
	"$(sql "SELECT count(*) FROM outbox o JOIN statements s ON s.id = o.statement WHERE s.ls_id = '$stuck_id' AND o.state = 'queued' AND o.kind = 'forward'")"
LIAISON_NOW=2027-04-07T09:00:00Z $D --dry-run --today 2027-04-07 > "$T/dry" 2>&1
check "the dry run exits 0" 0 "$?"
sed -n '/^digest 2027-W14 triage/,/^digest:/p' "$T/dry" |
	sed -n '/^Outgoing mail failed or waiting more than a day (/,/^$/p' | sed '1d;/^$/d' > "$T/stuck"
check "triage's digest names the stuck forward" 1 "$(grep -c "^  $stuck_id forward <.*> queued since 2027-04-05T09:00:00Z" "$T/stuck")"

# The journal holds what was sent: a rebuild records the digests and
# reminders of each period as sent, so that none goes out again.
write_config
digests=$(sql 'SELECT count(*) FROM digests')
$LIAISON -c "$CONF" rebuild --force > "$T/rebuild.out" 2> "$T/rebuild.err"
check "rebuild after digests exits 0" 0 "$?"
check "it replays every record" "" "$(cat "$T/rebuild.err")"
check "the digests are recorded again" "$digests" "$(sql 'SELECT count(*) FROM digests')"
n=$(outbox_count)
LIAISON_NOW=2026-12-20T08:00:00Z $D --today 2026-12-20 > "$T/again" 2>&1
check "a digest of a week already sent, after the rebuild, exits 0" 0 "$?"
check "and says so" 1 "$(grep -c '^digest 2026-W51 triage: already sent' "$T/again")"
LIAISON_NOW=2027-01-04T08:00:00Z $R --today 2027-01-04 > /dev/null 2>&1
check "nothing is sent again" "$n" "$(outbox_count)"
$R --json > /dev/null 2> "$T/err"
check "remind --authorized --json is a usage error" 2 "$?"
check "in one line" 1 "$(wc -l < "$T/err")"

finish
