#!/bin/sh
# End-to-end: corrections, retrieval and removal from the command line
# (issue 18). edit sets fields validated as on arrival, records who and
# what (old -> new) and re-routes new groups; attachment writes the bytes
# the spool holds under their SHA-256; purge removes a statement's files
# and text, keeps a tombstone event, and leaves the register readable.
# Bad input is one line on stderr, exit 1, and nothing changed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"    # variant, audit
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"
L () { "$LIAISON" -c "$CONF" "$@"; }
envelope () { sed -n '1s/^X-Liaison-Envelope-To: //p' "$1"; }
events () { sql "SELECT e.type || ': ' || coalesce (e.detail, '') FROM events e
	JOIN statements s ON s.id = e.statement WHERE s.ls_id = '$1' AND e.type = '$2' ORDER BY e.id"; }
spool_has () { [ -f "$T/spool/$1/$(echo "$2" | cut -c1-2)/$2" ] && echo yes || echo no; }
# bad DESCRIPTION EXPECTED-STDERR ARGS...: exit 1, that one line, and the
# database as it was.
bad () {
	what=$1 want=$2; shift 2
	before=$(sql .dump | md5sum)
	L "$@" > "$T/out" 2> "$T/err"
	check "$what: exit 1" 1 "$?"
	check "$what: one line on stderr" "$want" "$(cat "$T/err")"
	check "$what: nothing changed" "$before" "$(sql .dump | md5sum)"
}

deliver "$S/01-action-ccamp.eml" -r statements@example.org
deliver "$S/05-pdf-attachment.eml" -r statements@example.org
# Another statement carrying the same PDF (the same SHA-256).
variant "$S/05-pdf-attachment.eml" 2 "$T/06.eml"
deliver "$T/06.eml" -r statements@example.org
check "three statements" "LS-2026-0001 LS-2026-0002 LS-2026-0003" \
	"$(sql "SELECT group_concat (ls_id, ' ') FROM statements")"

# ---------------------------------------------------------------- edit
export LIAISON_NOW=2026-11-28T09:00:00Z
out=$(L edit LS-2026-0001 title='OTN control plane, corrected' purpose=information \
	deadline=2027-01-31 submitted=2026-10-01 --by ann --note 'typo in the page')
check "edit says so" "LS-2026-0001: edited" "$out"
check "the fields are stored" "OTN control plane, corrected|information|2027-01-31|2026-10-01" \
	"$(sql "SELECT title || '|' || purpose || '|' || deadline || '|' || submitted FROM statements WHERE ls_id = 'LS-2026-0001'")"
check "one event edited with old -> new, who and the note" \
	"edited: title: LS on OTN control plane extensions for 800G and 1.6T interfaces -> OTN control plane, corrected; purpose: action -> information; deadline: 2026-12-15 -> 2027-01-31; submitted: 2026-10-02 -> 2026-10-01 by ann (typo in the page)" \
	"$(events LS-2026-0001 edited)"
check "show shows the new title" "OTN control plane, corrected" \
	"$(L show LS-2026-0001 | sed -n 's/^Title: *//p')"
check "search finds the new title" "LS-2026-0001" "$(L search --json corrected | jq -r '.[].id')"
check "and not the old one" "" "$(L search --json 800G | jq -r '.[] | select(.title | test("800G")) | .id')"

L edit LS-2026-0001 from='ITU-T SG13' response-contacts='Ann Lee <ann@example.net>; bob@example.org' \
	technical-contacts='Cy <cy@example.net>' > /dev/null
check "from names a known organization, canonical" "ITU-T SG13" \
	"$(sql "SELECT from_org FROM statements WHERE ls_id = 'LS-2026-0001'")"
check "contacts are stored as mailboxes" "response:Ann Lee <ann@example.net>|response:bob@example.org|technical:Cy <cy@example.net>" \
	"$(sql "SELECT group_concat (c.kind || ':' || c.value, '|') FROM statement_contacts c JOIN statements s ON s.id = c.statement
		WHERE s.ls_id = 'LS-2026-0001' AND c.kind IN ('response', 'technical') ORDER BY c.kind, c.position")"
check "the search index has the new contacts" "LS-2026-0001" "$(L search --json ann@example.net | jq -r '.[].id')"

# New groups re-route: the group that has not had it gets a forward; the
# one that had does not get it again.
n=$(ls "$O" | wc -l)
out=$(L edit LS-2026-0001 'to=teas;ccamp' --by bob)
check "an edit of the groups says edited" "LS-2026-0001: edited" "$out"
check "one more mail in the outbox" $((n + 1)) "$(ls "$O" | wc -l)"
f=$(ls -t "$O"/* | head -1)
check "the forward goes to teas" 1 "$(envelope "$f" | grep -c 'teas@ietf.org')"
check "the groups are stored" "teas ccamp" \
	"$(sql "SELECT group_concat (g.value, ' ') FROM statement_groups g JOIN statements s ON s.id = g.statement
		WHERE s.ls_id = 'LS-2026-0001' AND g.kind = 'group' ORDER BY g.position")"
check "edited, then routed" "edited: to: ccamp -> teas; ccamp by bob
routed: to teas, ccamp by bob" \
	"$(events LS-2026-0001 edited | tail -1; events LS-2026-0001 routed)"

bad "unknown id" "liaison: edit: no statement LS-2026-0099" edit LS-2026-0099 title=x
bad "unknown field" "liaison: edit: unknown field 'colour' (title, purpose, deadline, submitted, from, to, response-contacts, technical-contacts)" \
	edit LS-2026-0001 colour=red
bad "not FIELD=VALUE" "liaison: edit: 'title' is not FIELD=VALUE" edit LS-2026-0001 title
bad "a bad purpose" "liaison: edit: unknown purpose 'urgent' (action, comment, information or response)" \
	edit LS-2026-0001 purpose=urgent
bad "a bad date" "liaison: edit: '31/01/2027' is not a date (YYYY-MM-DD)" edit LS-2026-0001 deadline=31/01/2027
bad "a day that does not exist" "liaison: edit: '2027-02-30' is not a date (YYYY-MM-DD)" \
	edit LS-2026-0001 submitted=2027-02-30
bad "an unknown organization" "liaison: edit: unknown organization 'ACME'" edit LS-2026-0001 from=ACME
bad "an unknown group" "liaison: edit: unknown group 'nosuch'" edit LS-2026-0001 'to=ccamp;nosuch'
bad "a contact that is no mailbox" "liaison: edit: 'just a name' is not a mailbox" \
	edit LS-2026-0001 technical-contacts='just a name'
bad "one bad field of several" "liaison: edit: unknown purpose 'x' (action, comment, information or response)" \
	edit LS-2026-0001 title=Fine purpose=x

# ---------------------------------------------------------- attachment
sha=$(sha256sum "$T/spool/att/"*/* | cut -c1-64)
check "attachment --list numbers them" "1  ORAN-LS-2026-117.pdf  application/pdf  1378  $sha" \
	"$(L attachment --list LS-2026-0002)"
check "attachment writes the bytes to stdout" "$sha" "$(L attachment LS-2026-0002 | sha256sum | cut -c1-64)"
check "by number" "$sha" "$(L attachment LS-2026-0002 1 | sha256sum | cut -c1-64)"
L attachment LS-2026-0002 ORAN-LS-2026-117.pdf -o "$T/got.pdf"
check "by name, to -o FILE" "$sha" "$(sha256sum < "$T/got.pdf" | cut -c1-64)"
check "no temporary file left beside it" "got.pdf" "$(ls "$T" | grep got)"
mkfifo "$T/fifo"
bad "-o onto a FIFO" "liaison: attachment: $T/fifo is a FIFO: only a regular file is written, and this one is left as it is" \
	attachment LS-2026-0002 -o "$T/fifo"
bad "an unknown attachment" "liaison: attachment: LS-2026-0002 has no attachment '2'" attachment LS-2026-0002 2
bad "a name that is not there" "liaison: attachment: LS-2026-0002 has no attachment '../etc/passwd'" \
	attachment LS-2026-0002 ../etc/passwd
bad "a statement without attachments" "liaison: attachment: LS-2026-0001 has 0 attachments: name one by number or name (--list)" \
	attachment LS-2026-0001
bad "unknown id" "liaison: attachment: no statement LS-2026-0099" attachment LS-2026-0099

# --------------------------------------------------------------- purge
export LIAISON_NOW=2026-11-29T09:00:00Z
msg2=$(sql "SELECT m.raw_sha256 FROM messages m JOIN statements s ON s.message = m.id WHERE s.ls_id = 'LS-2026-0002'")
bad "purge without --reason" "liaison: purge: missing --reason: say why it is purged" purge LS-2026-0002
bad "purge of an unknown id" "liaison: purge: no statement LS-2026-0099" purge LS-2026-0099 --reason x
n=$(ls "$O" | wc -l)
check "purge says so" "LS-2026-0002: purged" "$(L purge LS-2026-0002 --reason 'malware in the PDF' --by eve)"
check "its raw message is gone from the spool" no "$(spool_has msg "$msg2")"
check "the PDF is kept: LS-2026-0003 still names it" yes "$(spool_has att "$sha")"
check "the tombstone says who, why and which files" "purged: by eve: malware in the PDF; removed: msg/$msg2" \
	"$(events LS-2026-0002 purged)"
check "purge sends nothing" "$n" "$(ls "$O" | wc -l)"
check "show still works and says purged" "(content purged 2026-11-29T09:00:00Z)" \
	"$(L show LS-2026-0002 | sed -n '/^Body:/{n;p}' | sed 's/^ *//')"
check "thread says purged" "LS-2026-0002  open, content purged  LS on transport network slicing for the fronthaul" \
	"$(L thread LS-2026-0002 | head -1)"
check "export says purged" "(content purged 2026-11-29T09:00:00Z)" \
	"$(L export --format json | jq -r '.[] | select(.id == "LS-2026-0002") | .body')"
check "the body is out of the search index" "" "$(L search --json 'Xhaul' | jq -r '.[] | select(.id == "LS-2026-0002") | .id')"
check "attachment --list marks them" "1  ORAN-LS-2026-117.pdf  application/pdf  1378  $sha  (purged)" \
	"$(L attachment --list LS-2026-0002)"
bad "attachment of a purged statement" "liaison: attachment: LS-2026-0002: its content was purged (2026-11-29T09:00:00Z)" \
	attachment LS-2026-0002
check "the other statement's copy is still readable" "$sha" "$(L attachment LS-2026-0003 | sha256sum | cut -c1-64)"
bad "purge twice" "liaison: purge: LS-2026-0002: purged already (2026-11-29T09:00:00Z)" purge LS-2026-0002 --reason again

L purge LS-2026-0003 --reason 'erasure request' > /dev/null
check "the last statement naming the PDF takes it along" no "$(spool_has att "$sha")"
check "and its text record" no "$(spool_has text "$sha")"
check "check does not count purged files as damage" 0 "$(L check > /dev/null; echo $?)"
check "the spool audit of the fault tests finds no problem" 0 "$(audit | cut -d' ' -f4)"
check "the rows stay, marked purged" "2 2" \
	"$(sql "SELECT (SELECT count(*) FROM messages WHERE purged IS NOT NULL) || ' ' || (SELECT count(*) FROM attachments WHERE purged IS NOT NULL)")"

# The journal has the edits and purges: a rebuild does them again.
L show --json LS-2026-0001 > "$T/before-0001.json"
L list --json > "$T/before-list.json"
check "the journal records the edits and the purges" "3 2" \
	"$(grep -c '	edit	LS-2026-0001	' "$T/spool/journal") $(grep -c '	purge	LS-2026-000[23]	' "$T/spool/journal")"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
L rebuild > "$T/rebuild.out" 2> "$T/rebuild.err"
# (What it cannot replay is the purged statements' own mail: their raw
# messages are gone. It says so, for them only.)
check "rebuild replays everything but the purged statements' mail" "" \
	"$(grep -v 'LS-2026-000[23]' "$T/rebuild.err")"
check "the edited statement comes back edited, byte for byte" "" \
	"$(L show --json LS-2026-0001 | diff "$T/before-0001.json" - | head -5)"
check "the purged statements are not back with their content" "" \
	"$(L list --json | jq -r '.[] | select(.id == "LS-2026-0002" or .id == "LS-2026-0003") | select(.body != null and (.body | test("content purged") | not)) | .id')"

finish
