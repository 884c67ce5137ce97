#!/bin/sh
# End-to-end: `export` in each format on the samples plus one statement
# whose title and contact carry markup, quotes, commas and a formula:
# JSON is `list --json` with body, thread and events; CSV has a row per
# statement and RFC 4180 quoting; the Atom feed is well-formed XML
# (xmllint); the HTML register has its index and pages, all escaped and
# without scripts, and (when Chromium is installed) renders with its text
# and a phone-sized screenshot. The feed is also checked against the
# elements RFC 4287 requires (tests/atom-check.py), with hostile titles.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
# Deadlines of the samples: 2026-12-15 is overdue on this day, 2026-12-18
# is near.
export LIAISON_TODAY=2026-12-16

"$LIAISON" -c "$CONF" export --format json > "$T/empty.json" 2> "$T/err"
check "export without a database exits 0" 0 "$?"
check "and gives an empty array" "[]" "$(jq -c . "$T/empty.json")"

for f in "$S"/*.eml; do
	deliver "$f"
done
# A hostile statement: markup and a formula in its title and contact.
# (Each derived statement has a Datatracker page of its own: with the
# first's, it would be the first arriving again.)
first=$(ls "$S"/*.eml | head -1)
sed -e 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <hostile-\1>/' \
    -e 's|/liaison/[0-9]*/|/liaison/9901/|' \
    -e 's/^Title: .*/Title: Test "quotes", <script>alert(1)<\/script> \& <b>bold<\/b>/' \
    -e 's/^Response Contact[^:]*: .*/Response Contacts: =HYPERLINK("x") <evil@example.com>/' \
    "$first" > "$T/hostile.eml"
deliver "$T/hostile.eml"
check "the hostile statement is recorded" 1 \
	"$(sql "SELECT count(*) FROM statements WHERE title LIKE 'Test \"quotes\"%'")"
# A statement whose title holds characters XML 1.0 forbids: C0 controls
# (SOH, BS, VT, FF, ESC), U+FFFE and U+FFFF; and DEL and a C1 control,
# which HTML forbids. (printf's octal escapes: sed's would not be portable.)
bad=$(printf 'Control\001 \010chars\013 \014in\033 a \357\277\276title\357\277\277 \177and\302\205 more')
sed -e 's/^Message-I[Dd]: <\(.*\)>/Message-ID: <controls-\1>/' \
    -e 's|/liaison/[0-9]*/|/liaison/9902/|' \
    -e "s/^Title: .*/Title: $bad/" "$first" > "$T/controls.eml"
deliver "$T/controls.eml"
check "the statement with control characters is recorded" 1 \
	"$(sql "SELECT count(*) FROM statements WHERE title LIKE 'Control%more'")"
controls=$(sql "SELECT ls_id FROM statements WHERE title LIKE 'Control%more'")
# (deliver drops the controls from what it extracts; U+FFFE stays.)
check "its title keeps a forbidden character" 1 \
	"$(sql "SELECT count(*) FROM statements WHERE ls_id = '$controls' AND instr(title, char(65534)) > 0")"
n=$(sql 'SELECT count(*) FROM statements')
"$LIAISON" -c "$CONF" list --json > "$T/list.json"

# JSON: the full objects, newest first, the list's fields unchanged.
"$LIAISON" -c "$CONF" export --format json > "$T/export.json" 2> "$T/err"
check "export --format json exits 0" 0 "$?"
check "JSON is valid and has every statement" "$n" "$(jq length "$T/export.json")"
jq -S 'map(del(.body, .thread, .events))' "$T/export.json" > "$T/a.json"
jq -S . "$T/list.json" > "$T/b.json"
check "JSON without body, thread and events is list --json" "" "$(diff "$T/a.json" "$T/b.json")"
check "JSON objects are full" "true" "$(jq 'all(has("body") and has("thread") and has("events"))' "$T/export.json")"
"$LIAISON" -c "$CONF" export --format json -o "$T/out.json"
check "-o FILE writes the same JSON" "" "$(diff "$T/export.json" "$T/out.json")"
# -o writes only a regular file, through a temporary file and rename():
# it replaces a regular file, and refuses (exit 1, one line, untouched) a
# FIFO, a symbolic link and a device.
echo old > "$T/out.json"
"$LIAISON" -c "$CONF" export --format json -o "$T/out.json" 2> "$T/err"
check "-o onto a regular file exits 0 and replaces it" "0 " "$? $(diff "$T/export.json" "$T/out.json")"
check "-o leaves no temporary file" "out.json" "$(ls "$T" | grep '^out\.json')"
mkfifo "$T/fifo"
timeout 20 "$LIAISON" -c "$CONF" export --format json -o "$T/fifo" 2> "$T/err"
check "-o onto a FIFO exits 1" 1 "$?"
check "-o onto a FIFO: one line on stderr" "1 1" "$(wc -l < "$T/err") $(grep -c 'fifo is a FIFO: only a regular file is written' "$T/err")"
check "-o onto a FIFO leaves it a FIFO" yes "$([ -p "$T/fifo" ] && echo yes)"
echo target > "$T/target"
ln -s target "$T/link"
"$LIAISON" -c "$CONF" export --format csv -o "$T/link" 2> "$T/err"
check "-o onto a symbolic link exits 1" 1 "$?"
check "-o onto a symbolic link: one line on stderr" "1 1" "$(wc -l < "$T/err") $(grep -c 'link is a symbolic link' "$T/err")"
check "-o onto a symbolic link leaves the link and its target" "target target" \
	"$(readlink "$T/link") $(cat "$T/target")"
ln -s nowhere "$T/dangling"
"$LIAISON" -c "$CONF" export --format json -o "$T/dangling" 2> "$T/err"
check "-o onto a dangling link exits 1 and creates nothing" "1 no" \
	"$? $([ -e "$T/nowhere" ] && echo yes || echo no)"
if [ -c /dev/full ]; then
	"$LIAISON" -c "$CONF" export --format atom -o /dev/full 2> "$T/err"
	check "-o /dev/full exits 1" 1 "$?"
	check "-o /dev/full: one line on stderr" "1 1" "$(wc -l < "$T/err") $(grep -c '^.*/dev/full is a device' "$T/err")"
	check "/dev/full is still a device" yes "$([ -c /dev/full ] && echo yes)"
fi

# CSV: a header and a row per statement, CR LF, quoting.
"$LIAISON" -c "$CONF" export --format csv > "$T/export.csv" 2> "$T/err"
check "export --format csv exits 0" 0 "$?"
check "CSV has a header and a row per statement" "$((n + 1))" "$(wc -l < "$T/export.csv")"
check "CSV lines end with CR LF" "$((n + 1))" "$(grep -c "$(printf '\r')\$" "$T/export.csv")"
check "CSV header" "id,state,overdue,action_taken,title,purpose,layout,submitted,received,deadline,from_org,from_contact,to_groups,to_contacts,cc,response_contacts,technical_contacts,related,message_id,attachments,direction,url,other_identifiers,links" \
	"$(head -n 1 "$T/export.csv" | tr -d '\r')"
check "CSV quotes a field with quotes and commas" 1 \
	"$(grep -c ',"Test ""quotes"", <script>alert(1)</script> & <b>bold</b>",' "$T/export.csv")"
check "CSV defuses a formula" 1 "$(grep -c ",\"'=HYPERLINK(\"\"x\"\") <evil@example.com>\"," "$T/export.csv")"
check "CSV ends a row with direction, url, other identifiers and links" yes \
	"$(grep -q ',incoming,https://datatracker.ietf.org/liaison/2117/,,ORAN-LS-2026-117 LS on transport network slicing for the fronthaul <https://datatracker.ietf.org/documents/LIAISON/[^>]*>.$' "$T/export.csv" && echo yes)"
check "CSV ids in list order" "$(jq -r '.[].id' "$T/list.json" | tr '\n' ' ')" \
	"$(tail -n +2 "$T/export.csv" | cut -d, -f1 | tr '\n' ' ')"

# Atom: well-formed, an entry per statement, escaped, stable ids.
"$LIAISON" -c "$CONF" export --format atom > "$T/feed.atom" 2> "$T/err"
check "export --format atom exits 0" 0 "$?"
if command -v xmllint > /dev/null 2>&1; then
	xmllint --noout "$T/feed.atom" 2> "$T/xmllint"
	check "the feed is well-formed (xmllint)" "0 " "$? $(cat "$T/xmllint")"
else
	echo "# xmllint is not installed (libxml2-utils): well-formedness not checked"
fi
check "an entry per statement" "$n" "$(grep -c '<entry>' "$T/feed.atom")"
check "entry ids are UUID URNs" "$n" "$(grep -c '^    <id>urn:uuid:[0-9a-f-]\{36\}</id>$' "$T/feed.atom")"
check "the feed has its id, title, updated and author" 4 \
	"$(grep -cE '^  <(id|title|updated)>|^  <author>' "$T/feed.atom")"
check "titles are escaped" 1 "$(grep -c '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;' "$T/feed.atom")"
# forbidden FILE...: the lines of FILE with a character XML 1.0 forbids
# (a C0 control but TAB, LF, CR; U+FFFE, U+FFFF), DEL or a C1 control.
forbidden () {
	LC_ALL=C grep -c "$(printf '[\001-\010\013\014\016-\037\177]\\|\302[\200-\237]\\|\357\277[\276\277]')" "$@" |
		awk -F: '{ n += $NF } END { print n + 0 }'
}
check "the feed holds no forbidden character" 0 "$(forbidden "$T/feed.atom")"
check "the title with controls is in the feed without them" 1 \
	"$(grep -c "^    <title>\[$controls\] Control chars in a title and more</title>\$" "$T/feed.atom")"
"$LIAISON" -c "$CONF" export --format atom > "$T/feed2.atom"
check "ids do not change from one export to the next" "" \
	"$(diff "$T/feed.atom" "$T/feed2.atom" | grep '<id>')"
check "without the pages, each entry links to its Datatracker page or its message" "$n" \
	"$(grep -c '^    <link rel="alternate" type="\(text/html" href="https://datatracker\.ietf\.org/\|message/rfc822" href="mid:\)' "$T/feed.atom")"
check "entries link to the documents of the Attachments list" yes \
	"$(grep -q '^    <link rel="related" href="https://datatracker.ietf.org/documents/LIAISON/[^"]*" title="ORAN-LS-2026-117 LS on transport network slicing for the fronthaul"/>$' "$T/feed.atom" && echo yes)"
check "entries say their direction" "$n" "$(grep -c '^    <category term="incoming"/>$' "$T/feed.atom")"
mkdir -p "$T/feeddir"
"$LIAISON" -c "$CONF" export --format atom -o "$T/feeddir"
check "-o DIR writes DIR/feed.atom with links to the pages" "$n" \
	"$(grep -c '<link rel="alternate" type="text/html" href="LS-[0-9]*-[0-9]*.html"/>' "$T/feeddir/feed.atom")"

# HTML: the register in a directory.
"$LIAISON" -c "$CONF" export --format html -o "$T/site" 2> "$T/err"
check "export --format html exits 0" 0 "$?"
check "index.html is there" yes "$([ -s "$T/site/index.html" ] && echo yes)"
check "a page per statement" "$n" "$(ls "$T/site" | grep -c '^LS-.*\.html$')"
for id in $(jq -r '.[].id' "$T/list.json"); do
	[ -s "$T/site/$id.html" ] || not_ok "no page for $id"
	grep -q "href=\"$id.html\"" "$T/site/index.html" || not_ok "the index does not link to $id"
done
check "the feed is beside the pages" yes "$([ -s "$T/site/feed.atom" ] && echo yes)"
check "no script anywhere" "" "$(grep -il '<script' "$T/site"/*.html)"
check "no page holds a forbidden character" 0 "$(forbidden "$T/site"/*.html "$T/site/feed.atom")"
check "the title with controls is on its page without them" 1 \
	"$(grep -c '<h1>.*Control chars in a title and more</h1>' "$T/site/$controls.html")"
if command -v xmllint > /dev/null 2>&1; then
	xmllint --noout "$T/site/feed.atom" 2> "$T/xmllint"
	check "the feed beside the pages is well-formed (xmllint)" "0 " "$? $(cat "$T/xmllint")"
	# libxml2's HTML parser knows HTML 4 only: its complaints about the
	# HTML5 elements (header, nav, main...) are not counted.
	xmllint --html --noout "$T/site"/*.html 2> "$T/xmllint"
	check "the pages parse as HTML without an invalid character (xmllint --html)" 0 \
		"$(grep 'parser error' "$T/xmllint" | grep -vc 'Tag [a-z0-9]* invalid$')"
fi
hostile=$(sql "SELECT ls_id FROM statements WHERE title LIKE 'Test \"quotes\"%'")
check "the hostile title is escaped on its page" 1 \
	"$(grep -c 'Test &quot;quotes&quot;, &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</h1>' "$T/site/$hostile.html")"
check "pages are phone-sized" "$((n + 1))" "$(grep -l 'name="viewport" content="width=device-width, initial-scale=1"' "$T/site"/*.html | wc -l)"
check "the index groups by state, organization and group" 3 \
	"$(grep -cE '<h2>By (state|organization|group)</h2>' "$T/site/index.html")"
overdue=$(sql "SELECT ls_id FROM statements WHERE deadline = '2026-12-15' AND state = 'open' ORDER BY ls_id LIMIT 1")
check "an overdue statement is marked" yes \
	"$(grep -q "<li class=\"overdue\"><a href=\"$overdue.html\"" "$T/site/index.html" && echo yes)"
check "a near deadline is marked" yes "$(grep -q '<li class="soon">' "$T/site/index.html" && echo yes)"
check "the page says the direction" yes \
	"$(grep -q '<dt>Direction</dt><dd>incoming</dd>' "$T/site/$overdue.html" && echo yes)"
check "a page links the documents of the Attachments list" 1 \
	"$(cat "$T"/site/*.html | grep -c '<dt>Links</dt><dd><a href="https://datatracker.ietf.org/documents/LIAISON/[^"]*">ORAN-LS-2026-117 LS on transport network slicing for the fronthaul</a></dd>')"
check "the page has its attachments, routes, thread and events" 4 \
	"$(grep -cE '<h2>(Attachments|Routes|Thread|Events)</h2>' "$T/site/$overdue.html")"

# Rendered by a browser: its text, and a phone-sized screenshot.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
	chromium_run () {
		profile=$(mktemp -d "$T/chromium.XXXXXX")
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$profile" "$@" 2>> "$T/chromium.log"
	}
	chromium_run --dump-dom "file://$T/site/index.html" > "$T/dom.html"
	check "Chromium renders the index" 0 "$?"
	check "the rendered index has the register's title" 1 "$(grep -c '<h1>Liaison statements: ' "$T/dom.html")"
	check "the rendered index lists every statement" "$n" \
		"$(for id in $(jq -r '.[].id' "$T/list.json"); do grep -q "$id" "$T/dom.html" && echo x; done | wc -l)"
	check "the rendered index shows the overdue deadline" yes \
		"$(grep -q 'overdue by 1 day' "$T/dom.html" && echo yes)"
	check "the hostile title stays text in the browser" 0 "$(grep -c '<script>alert' "$T/dom.html")"
	chromium_run --dump-dom "file://$T/site/$hostile.html" > "$T/page.html"
	check "the rendered page has the statement's id" yes "$(grep -q "$hostile" "$T/page.html" && echo yes)"
	chromium_run --screenshot="$T/phone.png" --window-size=390,844 "file://$T/site/index.html" > /dev/null
	check "the phone screenshot exists" yes "$([ -s "$T/phone.png" ] && echo yes)"
	check "the screenshot is a PNG" "PNG" "$(head -c 4 "$T/phone.png" | tail -c 3)"
	if [ -n "${LIAISON_SCREENSHOT:-}" ]; then
		cp "$T/phone.png" "$LIAISON_SCREENSHOT"
	fi
else
	echo "# $CHROMIUM is not installed: the browser checks are skipped"
fi

# Atom against RFC 4287, with hostile titles: a CDATA end, CR LF, a
# 10 KB title, and characters XML forbids (C0 controls, U+FFFF, a
# surrogate's bytes, which are not UTF-8), written straight into the
# database so that nothing on the way in cleans them.
i=0
for title in \
	"'Ends a CDATA ]]> and opens <![CDATA[ one'" \
	"'Line one' || char(13, 10) || 'line two'" \
	"'Long ' || substr(replace(hex(zeroblob(5120)), '0', 'long '), 1, 10240)" \
	"'Forbidden' || char(1, 27, 65535) || ' ' || cast(x'eda080' AS TEXT) || ' end'"; do
	i=$((i + 1))
	sed -e "s/^Message-I[Dd]: <\(.*\)>/Message-ID: <atom-$i-\1>/" \
	    -e "s|/liaison/[0-9]*/|/liaison/991$i/|" \
	    -e "s/^Title: .*/Title: Atom hostile $i/" "$first" > "$T/atom-$i.eml"
	deliver "$T/atom-$i.eml"
	sql "UPDATE statements SET title = $title WHERE title = 'Atom hostile $i'"
	check "hostile title $i is in the database" 1 "$(sql "SELECT count(*) FROM statements WHERE title = $title")"
done
long=$(sql "SELECT ls_id FROM statements WHERE title LIKE 'Long long%'")
# A statement without a web page links to its message (RFC 2392).
sql "UPDATE statements SET url = NULL WHERE title LIKE 'Line one%'"
crlf_mid=$(sql "SELECT m.message_id FROM statements s JOIN messages m ON m.id = s.message WHERE s.title LIKE 'Line one%'")
"$LIAISON" -c "$CONF" export --format atom > "$T/hostile.atom" 2> "$T/err"
check "export --format atom with hostile titles exits 0" "0 " "$? $(cat "$T/err")"
rm -rf "$T/site"
"$LIAISON" -c "$CONF" export --format html -o "$T/site" 2> "$T/err"
check "export --format html with hostile titles exits 0" "0 " "$? $(cat "$T/err")"
for feed in "$T/hostile.atom" "$T/site/feed.atom"; do
	name=${feed#"$T"/}
	if command -v xmllint > /dev/null 2>&1; then
		xmllint --noout "$feed" 2> "$T/xmllint"
		check "$name is well-formed (xmllint)" "0 " "$? $(cat "$T/xmllint")"
	fi
	if command -v python3 > /dev/null 2>&1; then
		python3 "$top_srcdir/tests/atom-check.py" "$feed" > "$T/atom-check"
		check "$name has what RFC 4287 requires (atom-check.py)" "0 $(sql 'SELECT count(*) FROM statements') entries" \
			"$? $(cat "$T/atom-check")"
	else
		echo "# python3 is not installed: RFC 4287's elements not checked"
	fi
	check "$name: the CDATA end is escaped" 1 "$(grep -c '<title>\[LS-[0-9-]*\] Ends a CDATA \]\]&gt; and opens &lt;!\[CDATA\[ one</title>' "$feed")"
	check "$name: the 10 KB title is whole" 1 \
		"$(grep -c "^    <title>\[$long\] Long \(long \)\{2048\}</title>\$" "$feed")"
	check "$name holds no forbidden character" 0 "$(forbidden "$feed")"
done
check "an entry without a web page links to its message" 1 \
	"$(grep -c "^    <link rel=\"alternate\" type=\"message/rfc822\" href=\"mid:$crlf_mid\"/>\$" "$T/hostile.atom")"
if command -v xmllint > /dev/null 2>&1; then
	check "the CR LF title reads as two lines" "[$(sql "SELECT ls_id FROM statements WHERE title LIKE 'Line one%'")] Line one
line two" "$(xmllint --xpath "string(//*[local-name()='title'][contains(., 'Line one')])" "$T/hostile.atom")"
fi

# Usage errors.
"$LIAISON" -c "$CONF" export > /dev/null 2> "$T/err"
check "no --format is a usage error" 2 "$?"
"$LIAISON" -c "$CONF" export --format pdf > /dev/null 2> "$T/err"
check "an unknown format is a usage error" 2 "$?"
"$LIAISON" -c "$CONF" export --format html > /dev/null 2> "$T/err"
check "html without -o is a usage error" 2 "$?"
finish
