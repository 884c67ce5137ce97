#!/bin/sh
# End-to-end: the public register of [publish] (SPEC §13). `queue run`
# writes the HTML register, its Atom feed and the iCalendar feed of open
# deadlines when the register changed, and nothing when it did not;
# `publish` writes them on demand. Held messages, statements held or
# pending approval, and notes stay out; Chromium renders every public
# title; the feed passes xmllint and atom-check.py, the calendar
# ical-check.py; hostile titles stay well-formed in all three; and
# `export --format html --public` gives the same view by hand.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
export LIAISON_TODAY=2026-11-27
# Relative paths are the configuration's directory's, like the others.
cat >> "$CONF" <<CONF

[publish]
html = site
atom = $T/pub/feed.atom
ical = deadlines.ics
CONF
SITE="$T/site" FEED="$T/pub/feed.atom" ICS="$T/deadlines.ics"
mkdir -p "$T/pub"

"$LIAISON" -c "$CONF" check > "$T/out" 2>&1
check "check accepts the [publish] section" "0" "$?"
"$LIAISON" -c "$CONF" queue run > "$T/out" 2>&1
check "queue run without a database exits 0" "0 " "$? $(grep -i error "$T/out")"
check "and publishes an empty register" yes "$([ -s "$SITE/index.html" ] && [ -s "$FEED" ] && [ -s "$ICS" ] && echo yes)"

for f in "$S"/*.eml; do
	deliver "$f"
done
held=$(sql "SELECT count(*) FROM statements WHERE state = 'held'")
check "a sample is held" yes "$([ "$held" -ge 1 ] && echo yes)"
# One statement waits for approval, one carries a note: neither is public.
pending=$(sql "SELECT ls_id FROM statements WHERE state = 'open' ORDER BY id DESC LIMIT 1")
sql "UPDATE statements SET state = 'pending-approval', title = 'Unapproved outgoing statement' WHERE ls_id = '$pending'"
noted=$(sql "SELECT ls_id FROM statements WHERE state = 'open' ORDER BY id LIMIT 1")
sql "INSERT INTO events (statement, at, type, detail) SELECT id, '2026-11-27T10:00:00Z', 'note', 'SECRET-NOTE-TEXT' FROM statements WHERE ls_id = '$noted'"

"$LIAISON" -c "$CONF" queue run > "$T/out" 2>&1
check "queue run exits 0" 0 "$?"
check "queue run says it published" 1 "$(grep -c '^queue run: published ' "$T/out")"
for f in "$SITE/index.html" "$FEED" "$ICS" "$SITE/$noted.html"; do
	check "${f#"$T"/} exists" yes "$([ -s "$f" ] && echo yes)"
done
sql "SELECT title FROM statements WHERE state IN ('open', 'replied', 'closed')" > "$T/public-titles"
sql "SELECT title FROM statements WHERE state NOT IN ('open', 'replied', 'closed')" > "$T/private-titles"
n_public=$(wc -l < "$T/public-titles")
check "some statements are public" yes "$([ "$n_public" -ge 3 ] && echo yes)"

# Nothing private anywhere: the titles of held and unapproved ones, their
# ids and handles, and the note.
leaks=0
while IFS= read -r title; do
	grep -rqF -- "$title" "$SITE" "$FEED" "$ICS" && { leaks=$((leaks + 1)); echo "# leaked: $title"; }
done < "$T/private-titles"
for id in $(sql "SELECT ls_id FROM statements WHERE state NOT IN ('open', 'replied', 'closed')"); do
	grep -rqF -- "$id" "$SITE" "$FEED" "$ICS" && { leaks=$((leaks + 1)); echo "# leaked: $id"; }
done
grep -rqF SECRET-NOTE-TEXT "$SITE" "$FEED" "$ICS" && leaks=$((leaks + 1))
check "no held or unapproved statement, handle or note is published" 0 "$leaks"
check "the site has a page per public statement" "$n_public" \
	"$(ls "$SITE" | grep -c '^LS-.*\.html$')"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
	profile=$(mktemp -d "$T/chromium.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --dump-dom "file://$SITE/index.html" > "$T/dom.html" 2>> "$T/chromium.log"
	check "Chromium renders the published index" 0 "$?"
	# The DOM's text, entities decoded, as a reader sees it.
	python3 -c 'import html, re, sys; print(html.unescape(re.sub(r"<[^>]*>", "", open(sys.argv[1]).read())))' \
		"$T/dom.html" > "$T/dom.txt"
	shown=0
	while IFS= read -r title; do
		grep -qF -- "$title" "$T/dom.txt" && shown=$((shown + 1))
	done < "$T/public-titles"
	check "the rendered index holds every public title" "$n_public" "$shown"
	hidden=0
	while IFS= read -r title; do
		grep -qF -- "$title" "$T/dom.txt" && hidden=$((hidden + 1))
	done < "$T/private-titles"
	check "and no held or unapproved one" 0 "$hidden"
else
	echo "# $CHROMIUM is not installed: the browser checks are skipped"
fi

# The feeds.
check_feeds () {
	for feed in "$FEED" "$SITE/feed.atom"; do
		xmllint --noout "$feed" 2> "$T/xmllint"
		check "$1: ${feed#"$T"/} is well-formed (xmllint)" "0 " "$? $(cat "$T/xmllint")"
		python3 "$top_srcdir/tests/atom-check.py" "$feed" > "$T/atom-check"
		check "$1: ${feed#"$T"/} has what RFC 4287 requires" "0 $n_public entries" \
			"$? $(cat "$T/atom-check")"
	done
	python3 "$top_srcdir/tests/ical-check.py" "$ICS" > "$T/ical-check"
	check "$1: the calendar passes ical-check.py" "0" "$?"
	"$top_builddir/tests/ical-parse" "$ICS" > "$T/ical-parse"
	check "$1: libical reads the calendar back without an error" "0" "$?"
	check "$1: libical reads the components and summaries ical-check.py reads" "" \
		"$(diff "$T/ical-check" "$T/ical-parse")"
	n_open=$(sql "SELECT count(*) FROM statements WHERE state = 'open' AND action_taken = 0
		AND deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")
	check "$1: one calendar component per open deadline" "$n_open components" "$(head -1 "$T/ical-check")"
}
check_feeds "first run"
check "the calendar has open deadlines" yes "$([ "$n_open" -ge 1 ] && echo yes)"
check "a component's UID is the statement's" 1 \
	"$(grep -c "^$noted-deadline@example.org	$noted deadline: " "$T/ical-check")"
tail -n +2 "$T/ical-check" | cut -f1 | sort > "$T/uids"

# A second run with nothing changed writes nothing.
stamp () { stat -c '%i %y' "$SITE/index.html" "$SITE/$noted.html" "$FEED" "$ICS" "$T/spool/publish.state"; }
before=$(stamp)
"$LIAISON" -c "$CONF" queue run > "$T/out" 2>&1
check "the second queue run exits 0" 0 "$?"
check "and does not publish" 0 "$(grep -c 'published' "$T/out")"
check "nothing was rewritten (inodes and mtimes)" "$before" "$(stamp)"

# A new statement: the next run publishes it.
first=$(ls "$S"/*.eml | head -1)
sed -e 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <fresh-\1>/' \
    -e 's|/liaison/[0-9]*/|/liaison/9801/|' \
    -e 's/^Title: .*/Title: A fresh statement to publish/' "$first" > "$T/fresh.eml"
deliver "$T/fresh.eml"
check "the new statement is recorded" "0 1" "$rc $(sql "SELECT count(*) FROM statements WHERE title = 'A fresh statement to publish'")"
n_public=$((n_public + 1))
"$LIAISON" -c "$CONF" queue run > "$T/out" 2>&1
check "queue run after a delivery publishes" 1 "$(grep -c '^queue run: published ' "$T/out")"
check "the index was replaced (a new inode)" no \
	"$([ "$(stat -c %i "$SITE/index.html")" = "$(echo "$before" | head -1 | cut -d' ' -f1)" ] && echo yes || echo no)"
for f in "$SITE/index.html" "$FEED" "$ICS"; do
	check "${f#"$T"/} has the new statement" yes "$(grep -q 'A fresh statement to publish' "$f" && echo yes)"
done
check_feeds "after a delivery"
check "the UIDs of the other deadlines did not change" "" \
	"$(tail -n +2 "$T/ical-check" | cut -f1 | sort | comm -13 - "$T/uids")"

# By hand.
"$LIAISON" -c "$CONF" publish --if-changed > "$T/out" 2>&1
check "publish --if-changed with nothing changed" "0 publish: the public register is unchanged" "$? $(cat "$T/out")"
"$LIAISON" -c "$CONF" publish > "$T/out" 2>&1
check "publish writes on demand" "0 1" "$? $(grep -c '^publish: published ' "$T/out")"

# A statement that is no longer public loses its page.
sql "UPDATE statements SET state = 'held', hold_reason = 'withdrawn' WHERE ls_id = '$noted'"
"$LIAISON" -c "$CONF" publish > "$T/out" 2>&1
check "publish after a statement was held exits 0" 0 "$?"
check "its page is gone" no "$([ -e "$SITE/$noted.html" ] && echo yes || echo no)"
check "and the index no longer names it" 0 "$(grep -c "$noted" "$SITE/index.html")"
n_public=$((n_public - 1))

# export --public is the same view, by hand; without it, everything.
"$LIAISON" -c "$CONF" export --format html --public -o "$T/by-hand" 2> "$T/err"
check "export --format html --public exits 0" "0 " "$? $(cat "$T/err")"
check "it has the published pages" "" "$(cd "$SITE" && ls | grep '\.html$' | diff - "$(cd "$T/by-hand" && ls | grep '\.html$' > "$T/by-hand.ls"; echo "$T/by-hand.ls")")"
check "and no held statement" 0 "$(grep -c 'Unapproved outgoing statement' "$T/by-hand/index.html")"
"$LIAISON" -c "$CONF" export --format ical > "$T/all.ics" 2> "$T/err"
check "export --format ical exits 0" "0 " "$? $(cat "$T/err")"

# Hostile titles, written straight into the database: a CDATA end, CR LF,
# characters XML forbids, RFC 5545's separators, 10 KB, and more control
# characters beside text that is not ASCII.
i=0
for title in \
	"'Ends a CDATA ]]> and opens <![CDATA[ one'" \
	"'Line one' || char(13, 10) || 'line two; with, commas \\ and a backslash'" \
	"'Forbidden' || char(1, 27, 65535) || ' ' || cast(x'eda080' AS TEXT) || ' end'" \
	"'Long ' || substr(replace(hex(zeroblob(5120)), '0', 'long é '), 1, 10240)" \
	"'Controls' || char(11, 31, 127, 133) || ' «ñ» 日本語 🙂 end'"; do
	i=$((i + 1))
	sed -e "s/^Message-I[Dd]: <\(.*\)>/Message-ID: <hostile-$i-\1>/" \
	    -e "s|/liaison/[0-9]*/|/liaison/981$i/|" \
	    -e "s/^Title: .*/Title: Hostile $i/" "$first" > "$T/hostile-$i.eml"
	deliver "$T/hostile-$i.eml"
	sql "UPDATE statements SET title = $title WHERE title = 'Hostile $i'"
	check "hostile title $i is in the database" 1 "$(sql "SELECT count(*) FROM statements WHERE title = $title")"
done
n_public=$((n_public + 5))
"$LIAISON" -c "$CONF" queue run > "$T/out" 2>&1
check "queue run with hostile titles publishes" "0 1" "$? $(grep -c '^queue run: published ' "$T/out")"
check_feeds "hostile titles"
forbidden () {
	LC_ALL=C grep -c "$(printf '[\001-\010\013\014\016-\037\177]\\|\302[\200-\237]\\|\357\277[\276\277]')" "$@" |
		awk -F: '{ n += $NF } END { print n + 0 }'
}
check "no forbidden character in the site or the feed" 0 "$(forbidden "$SITE"/*.html "$FEED")"
check "the CDATA end is escaped in the index" yes \
	"$(grep -q 'Ends a CDATA \]\]&gt; and opens &lt;!\[CDATA\[ one' "$SITE/index.html" && echo yes)"
check "and nowhere raw in the site" 0 "$(cat "$SITE"/*.html | grep -c 'Ends a CDATA ]]>')"
check "the calendar escapes separators and line breaks" 1 \
	"$(grep -c 'deadline: Line one\\nline two; with, commas \\ and a backslash$' "$T/ical-check")"
check "the 10 KB title is whole in the calendar" 1 \
	"$(grep -c 'deadline: Long \(long é \)\{1000,\}' "$T/ical-check")"
# What a calendar reads (libical) and a feed reader (xmllint): each title
# whole, but for the characters neither format can hold.
check "libical reads the separators and the line break back" 1 \
	"$(grep -c 'deadline: Line one\\nline two; with, commas \\ and a backslash$' "$T/ical-parse")"
check "libical reads the controls dropped, the rest whole" 1 \
	"$(grep -c 'deadline: Controls «ñ» 日本語 🙂 end$' "$T/ical-parse")"
check "libical reads the 10 KB title whole" 1 \
	"$(grep -c 'deadline: Long \(long é \)\{1000,\}' "$T/ical-parse")"
id5=$(sql "SELECT ls_id FROM statements WHERE title LIKE 'Controls%'")
check "the feed's title of the controls reads back without them" "[$id5] Controls «ñ» 日本語 🙂 end" \
	"$(xmllint --xpath "string(//*[local-name()='entry']/*[local-name()='title'][contains(., 'Controls')])" "$FEED")"
check "the CR LF title reads back as two lines in the feed" 1 \
	"$(xmllint --xpath "string(//*[local-name()='entry']/*[local-name()='title'][contains(., 'Line one')])" "$FEED" |
		grep -c '^line two; with, commas \\ and a backslash$')"

# check finds a [publish] path it cannot write.
: > "$T/not-a-dir"
sed -i "s|^html = site|html = $T/not-a-dir|" "$CONF"
"$LIAISON" -c "$CONF" check > "$T/out" 2>&1
check "check reports an html path that is not a directory" "1 1" \
	"$? $(grep -c "\[publish\] html: $T/not-a-dir is not a directory" "$T/out")"
sed -i 's|^\[publish\]$|[publish]\nbogus = 1|' "$CONF"
"$LIAISON" -c "$CONF" check > "$T/out" 2>&1
check "check reports an unknown [publish] key" 1 "$(grep -c '\[publish\] bogus: unknown key' "$T/out")"
finish
