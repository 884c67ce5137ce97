#!/bin/sh
# End-to-end: `liaison search` over the samples and a few variants of the
# first one: ranking (a title match above a body-only match), phrases,
# prefixes, OR, exclusion and fields, words of a contact, of an attachment's
# file name and of a PDF attachment's text, --json, statements recorded by
# reinject, an index built by the migration for statements recorded before
# it, and hostile queries (exit 1 with one line, or 0; never a crash).
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
search () { "$LIAISON" -c "$CONF" search "$@"; }
# ids QUERY...: the ids found, best first, on one line.
ids () { search --json "$@" | jq -r '[.[].id] | join(" ")'; }

search quokka > "$T/out" 2> "$T/err"
check "search before any delivery exits 0" 0 "$?"
check "and finds nothing" "No statements found." "$(cat "$T/out")"

for m in "$S"/*.eml; do
	deliver "$m" -r statements@example.org
	check "deliver $(basename "$m") exits 0" 0 "$rc"
done

# variant N TITLE OLD NEW: the first sample as a new statement with its
# own Message-ID, Datatracker page and TITLE, OLD replaced by NEW in its
# body (so that it joins no thread of the original).
variant () {
	sed -e "s/^Message-ID: <.*/Message-ID: <variant-$1@example.org>/" \
	    -e "s|/liaison/2101/|/liaison/$((9100 + $1))/|" \
	    -e "s/^Subject: .*/Subject: New Liaison Statement, \"$2\"/" \
	    -e "s/^Title: .*/Title: $2/" \
	    -e "s/$3/$4/" "$S/01-action-ccamp.eml"
}
variant 1 "LS on quokka habitat survey results" "continued collaboration" "continued collaboration" > "$T/v1.eml"
variant 2 "LS on optical line amplifiers" "continued collaboration" "continued collaboration and one quokka" > "$T/v2.eml"
deliver "$T/v2.eml" -r statements@example.org
check "deliver the body-only variant" 0 "$rc"
# The title variant comes through reinject (an mbox of one message).
{ echo "From sender@example.org Fri Nov 27 10:00:00 2026"; cat "$T/v1.eml"; echo; } > "$T/v1.mbox"
"$LIAISON" -c "$CONF" reinject "$T/v1.mbox" > /dev/null 2> "$T/err"
check "reinject the title variant" 0 "$?"
title_id=$(sql "SELECT ls_id FROM statements WHERE title LIKE '%quokka%'")
body_id=$(sql "SELECT ls_id FROM statements WHERE body LIKE '%quokka%' AND title NOT LIKE '%quokka%'")
check "the variants are two statements" 2 "$(echo $title_id $body_id | wc -w)"

check "a title match ranks above a body-only match" "$title_id $body_id" "$(ids quokka)"
check "case and accents do not matter" "$title_id $body_id" "$(ids 'QUÔKKA')"
check "a prefix finds both" "$title_id $body_id" "$(ids 'quok*')"
check "a phrase finds the words in a row" "$title_id" "$(ids '"quokka habitat"')"
check "a phrase out of order finds nothing" "" "$(ids '"habitat quokka"')"
check "a word excluded" "$body_id" "$(ids quokka -habitat)"
check "NOT excludes too" "$body_id" "$(ids quokka NOT habitat)"
check "every word must occur" "$title_id" "$(ids quokka survey)"
check "OR takes either" "$title_id $body_id" "$(ids habitat OR amplifiers)"
check "title: looks in the title only" "$title_id" "$(ids title:quokka)"
check "body: looks in the body only" "$body_id" "$(ids body:quokka)"
check "several arguments are one query" "$title_id" "$(ids quokka habitat)"

# A contact: the statements whose contacts name Watanabe, from the store.
want=$(sql "SELECT group_concat(ls_id, ' ') FROM (SELECT DISTINCT s.ls_id FROM statements s
	JOIN statement_contacts c ON c.statement = s.id WHERE c.value LIKE '%Watanabe%'
	UNION SELECT ls_id FROM statements WHERE from_contact LIKE '%Watanabe%' ORDER BY 1)")
check "some statement has the contact Watanabe" 1 "$([ -n "$want" ] && echo 1)"
check "search finds a contact" "$want" "$(search --json watanabe | jq -r '[.[].id] | sort | join(" ")')"
check "from: finds a contact" "$want" "$(search --json from:kenji.watanabe@example.jp | jq -r '[.[].id] | sort | join(" ")')"
check "a contact's word is not in those bodies" 0 \
	"$(sql "SELECT count(*) FROM statements WHERE body LIKE '%Watanabe%'")"

# A statement routed by hand is found by its new group.
held=$(sql "SELECT ls_id FROM statements WHERE state = 'held' ORDER BY ls_id LIMIT 1")
check "a sample is held" 1 "$([ -n "$held" ] && echo 1)"
check "the held one is not found by a group it was not sent to" "" \
	"$(ids to:opsawg | tr ' ' '\n' | grep -x "$held")"
"$LIAISON" -c "$CONF" route "$held" opsawg > /dev/null 2> "$T/err"
check "route it to opsawg" 0 "$?"
check "it is found by its new group" "$held" "$(ids to:opsawg | tr ' ' '\n' | grep -x "$held")"

# An attachment's file name, and the text of a PDF attachment.
python3 - "$S/01-action-ccamp.eml" "$top_srcdir/tests/data/documents/two-pages.pdf" > "$T/pdf.eml" <<'EOF'
import sys
from email import message_from_binary_file, policy
m = message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
m.replace_header('Message-ID', '<variant-pdf@example.org>')
m.replace_header('Subject', 'New Liaison Statement, "LS on pangolin transport"')
body = m.get_content().replace('/liaison/2101/', '/liaison/9301/')
body = body.replace('Title: LS on OTN control plane extensions for 800G and 1.6T interfaces',
                    'Title: LS on pangolin transport')
m.set_content(body)
m.add_attachment(open(sys.argv[2], 'rb').read(), maintype='application', subtype='pdf',
                 filename='zebrafish-report.pdf')
sys.stdout.buffer.write(m.as_bytes())
EOF
deliver "$T/pdf.eml" -r statements@example.org
check "deliver the statement with a PDF attachment" 0 "$rc"
pdf_id=$(sql "SELECT ls_id FROM statements WHERE title = 'LS on pangolin transport'")
check "it is a statement" 1 "$([ -n "$pdf_id" ] && echo 1)"
check "an attachment's file name" "$pdf_id" "$(ids zebrafish)"
check "attachment: looks at file names" "$pdf_id" "$(ids attachment:zebrafish-report)"
if "$LIAISON" --version | grep -q 'documents: .*pdf'; then
	check "the PDF's words are not in the body" 0 \
		"$(sql "SELECT count(*) FROM statements WHERE body LIKE '%first paragraph%'")"
	check "a phrase of the PDF's text" "$pdf_id" "$(ids '"first paragraph"')"
	check "attachment: looks at the text too" "$pdf_id" "$(ids 'attachment:"second page"')"
else
	echo "# built without document support: the PDF text checks are skipped"
fi

# --json: the list objects of SPEC §10, with a score and a snippet.
search --json quokka > "$T/json" 2> "$T/err"
check "--json exits 0" 0 "$?"
check "--json is an array of two" 2 "$(jq length "$T/json")"
check "--json objects are list objects" "false" \
	"$(jq '[.[] | has("body") or has("thread") or has("events")] | any' "$T/json")"
check "--json objects have the list's fields" "true" \
	"$(jq '[.[] | has("id") and has("state") and has("title") and has("from") and has("attachments") and has("routes")] | all' "$T/json")"
check "scores fall" "true" "$(jq '.[0].score > .[1].score' "$T/json")"
check "the snippet marks the match" "true" "$(jq '.[1].snippet | test("\\[quokka\\]")' "$T/json")"
check "the snippet is one line" "false" "$(jq '[.[].snippet | test("\n")] | any' "$T/json")"
# Each object is list's object for that statement, contacts, groups,
# attachments and routes included (the table reads none of them).
"$LIAISON" -c "$CONF" list --json > "$T/list"
check "the samples have routes and contacts to compare" "true" \
	"$(jq '[.[] | select(.id == "'"$(jq -r '.[0].id' "$T/json")"'") | (.routes | length) > 0 and (.to.contacts | length) > 0] | any' "$T/list")"
check "--json objects are list's, with a score and a snippet" "true" \
	"$(jq --slurpfile list "$T/list" '[.[] | del(.score, .snippet) as $hit | $list[0] | any(. == $hit)] | all' "$T/json")"
check "a search that finds nothing gives []" "[]" "$(search --json nosuchwordatall | jq -c .)"
check "--limit" 1 "$(search --json --limit 1 quokka | jq length)"

# The table: a line per statement, then its snippet.
search quokka > "$T/table"
check "the table starts with the best match" "$title_id" "$(head -1 "$T/table" | cut -d' ' -f1)"
check "the table shows each snippet" 2 "$(grep -c '^    .*\[quokka\]' "$T/table")"
check "two lines a statement" 4 "$(wc -l < "$T/table")"

# On a terminal the matches are bold (script(1) gives it one).
if command -v script > /dev/null; then
	script -qc "\"$LIAISON\" -c \"$CONF\" search quokka" /dev/null > "$T/tty" < /dev/null
	check "on a terminal the matches are bold" 2 "$(grep -c "$(printf '\033')\[1mquokka$(printf '\033')\[0m" "$T/tty")"
fi

# Hostile queries: exit 1 with one line on stderr, or 0 and nothing there.
printf '%s\n' '"' 'AND (' '(' ')' '*' 'NOT' 'OR' 'AND' ':' 'title:' '-' '""' 'a"b' \
	'NEAR(quokka habitat)' '{title}: quokka' '^quokka' 'quokka AND' 'quokka OR' \
	"'; DROP TABLE statements; --" '\' 'title:"' '-"' '"quokka' 'quokka*"' '**' \
	'col:quokka' 'quokka:' 'OR quokka' '- quokka' > "$T/hostile"
printf '\377\376 quokka \300\n' >> "$T/hostile"
head -c 20000 /dev/zero | tr '\0' 'x' >> "$T/hostile"; echo >> "$T/hostile"
bad=0
while IFS= read -r q; do
	search -- "$q" > "$T/out" 2> "$T/err"
	r=$?
	lines=$(wc -l < "$T/err")
	case $r in
	0) [ "$lines" = 0 ] || { bad=$((bad + 1)); echo "# '$q': exit 0 with stderr: $(cat "$T/err")"; } ;;
	1) [ "$lines" = 1 ] && grep -q '^liaison: search: ' "$T/err" ||
		{ bad=$((bad + 1)); echo "# '$q': exit 1 with: $(cat "$T/err")"; } ;;
	*) bad=$((bad + 1)); echo "# '$q': exit $r: $(cat "$T/err")" ;;
	esac
	grep -qi 'fts5\|syntax error\|sql' "$T/err" && { bad=$((bad + 1)); echo "# '$q': $(cat "$T/err")"; }
done < "$T/hostile"
check "hostile queries exit 0, or 1 with one line, and show no SQL error" 0 "$bad"
search '"' > /dev/null 2> "$T/err"
check "a lone quote exits 1" 1 "$?"
check "with one line" "liaison: search: nothing to search for: the query has no word" "$(cat "$T/err")"
search 'AND (' > /dev/null 2> "$T/err"
check "AND ( exits 1" 1 "$?"
search -- -quokka > /dev/null 2> "$T/err"
check "only excluded words exit 1" 1 "$?"
search > /dev/null 2> "$T/err"
check "no query is a usage error" 2 "$?"
# At most 64 words and phrases: more is refused in one line.
search $(seq -f 'w%g' 64) > /dev/null 2> "$T/err"
check "64 words are a query" 0 "$?"
search $(seq -f 'w%g' 65) > /dev/null 2> "$T/err"
check "65 words exit 1" 1 "$?"
check "with one line" "liaison: search: the query has more than 64 words and phrases: search for fewer" \
	"$(cat "$T/err")"
"$LIAISON" -c "$CONF" search "$(yes 'a OR' | head -n 20000 | tr '\n' ' ')" > /dev/null 2> "$T/err"
check "20000 words exit 1, with one line" "1 1" "$? $(wc -l < "$T/err")"
check "the register survived" "$(ls "$S"/*.eml | wc -l)" \
	"$(sql "SELECT count(*) FROM statements WHERE title NOT LIKE '%quokka%' AND title NOT LIKE '%amplifiers%' AND title NOT LIKE '%pangolin%'")"

# A database from before the index: the migration indexes what it holds.
all=$(sql "SELECT count(*) FROM statements")
# (Schema steps 8 to 10's columns and step 13's index go too, so that
# they run again.)
sql "DROP TABLE statements_fts; DROP TRIGGER IF EXISTS statements_fts_update;
	DROP TRIGGER IF EXISTS statements_fts_delete;
	ALTER TABLE statements DROP COLUMN direction; DROP TABLE statement_links;
	DROP INDEX statement_refs_other;
	DROP INDEX statements_handle; DROP INDEX statements_notice;
	ALTER TABLE statements DROP COLUMN handle; ALTER TABLE statements DROP COLUMN notice;
	ALTER TABLE statements DROP COLUMN notice_sender; ALTER TABLE statements DROP COLUMN undelivered;
	ALTER TABLE messages DROP COLUMN purged; ALTER TABLE attachments DROP COLUMN purged;
	DROP INDEX routes_address;
	PRAGMA user_version = 5;"
search quokka > /dev/null 2> "$T/err"
check "an old database is not searched before it is migrated" 1 "$?"
variant 3 "LS on wombat burrows" "continued collaboration" "continued collaboration" > "$T/v3.eml"
deliver "$T/v3.eml" -r statements@example.org
check "a delivery migrates the database" 0 "$rc"
check "the index has every statement" "$((all + 1))" "$(sql "SELECT count(*) FROM statements_fts")"
check "old statements are found after the migration" "$title_id $body_id" "$(ids quokka)"
check "attachment text is indexed by the migration" "$pdf_id" "$(ids zebrafish)"
check "the new one too" 1 "$(ids wombat | wc -w)"
check "the routes are indexed by address again" routes_address \
	"$(sql "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'routes_address'")"


# More hits than the table shows: the best 20, then a line that says how
# many more; --limit 0 shows them all, --json prints them all.
n=1
while [ "$n" -le 22 ]; do
	echo "From sender@example.org Fri Nov 27 10:00:00 2026"
	variant $((20 + n)) "LS on numbat count $n" "continued collaboration" "continued collaboration"
	echo
	n=$((n + 1))
done > "$T/many.mbox"
"$LIAISON" -c "$CONF" reinject "$T/many.mbox" > /dev/null 2> "$T/err"
check "reinject 22 numbat statements" 0 "$?"
search numbat > "$T/table"
check "the table shows the best 20, and a line" 41 "$(wc -l < "$T/table")"
check "which says how many more" "2 more statements match; --limit 0 shows all 22." "$(tail -1 "$T/table")"
check "the table's 20 are the best 20" "$(ids numbat | tr ' ' '\n' | head -20)" \
	"$(grep -v '^    ' "$T/table" | head -20 | cut -d' ' -f1)"
check "--limit 0 shows all" 44 "$(search --limit 0 numbat | wc -l)"
check "--limit 21 leaves one" "1 more statement matches; --limit 0 shows all 22." \
	"$(search --limit 21 numbat | tail -1)"
check "--limit 22 leaves none" 44 "$(search -n 22 numbat | wc -l)"
check "--json prints all" 22 "$(search --json numbat | jq length)"
check "--json --limit prints as many" 3 "$(search --json -n 3 numbat | jq length)"
check "--json --limit prints the best" "$(ids numbat | cut -d' ' -f1-3)" "$(ids -n 3 numbat)"

finish
