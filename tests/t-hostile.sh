#!/bin/sh
# End-to-end: hostile input. Attachment names that climb out of the spool
# (plain, absolute, backslashes, RFC 2231 and RFC 2047 encoded); CR LF and a
# Bcc header smuggled through RFC 2047 and quoted-printable into the
# Subject, the From name and every Datatracker label; multiparts nested
# 10,000 deep; a 1 MB header line; 10,000 recipients; NUL bytes; invalid
# UTF-8 everywhere; messages at and just over max-message-size, and a 50 MiB
# one at and over the default limit, with deliver's peak memory measured.
# Every input exits 0, is recorded, writes nothing outside the spool and
# leaves it consistent, keeps PRAGMA integrity_check ok, and prints nothing
# on stderr (under the sanitizers, no report).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"
write_config
LABELS="$T/labels.txt"
sed -n '/^Title:/,$p' "$top_srcdir/samples/mail/01-action-ccamp.eml" > "$LABELS"
inputs=0

# head_of ID SUBJECT [FROM]: the header block of a message (no blank line
# after it); the Message-ID is <ID@hostile.test>.
head_of () {
	printf 'From: %s\nTo: statements@example.org\nSubject: %s\n' "${3:-TSB SG15 <tsbsg15@itu.int>}" "$2"
	printf 'Date: Fri, 02 Oct 2026 14:03:08 +0200\nMessage-ID: <%s@hostile.test>\nMIME-Version: 1.0\n' "$1"
}

# hostile NAME [DELIVER-ARGS...]: delivers $T/NAME.eml from a directory
# deep inside $T (so that a relative path that climbs lands in $T, where it
# would be seen), and checks what every input must give.
hostile () {
	name=$1; shift
	inputs=$((inputs + 1))
	before=$(sql 'SELECT count(*) FROM messages' 2>/dev/null || echo 0)
	touch "$T/marker"
	sleep 0.01
	(cd "$T/cwd/a/b/c" && "$LIAISON" -c "$CONF" deliver "$@" < "$T/$name.eml" 2>"$T/stderr")
	rc=$?
	check "$name: exits 0" 0 "$rc"
	check "$name: nothing on stderr" "" "$(head -c 2000 "$T/stderr")"
	check "$name: recorded" "$((before + 1))" "$(sql 'SELECT count(*) FROM messages')"
	check "$name: integrity_check ok, spool consistent" "ok 0" "$(audit | cut -d' ' -f3-)"
	[ ! -s "$T/problems" ] || head -5 "$T/problems"
	# Nothing written anywhere but the database and the spool (the
	# outbox: what the routing sends, if it writes to a maildir).
	check "$name: nothing written outside the spool" "" \
		"$(find "$T" -newer "$T/marker" ! -type d ! -path "$T/spool/*" ! -path "$T/liaison.db*" \
			! -path "$T/outbox/*" ! -name stderr ! -name problems ! -name marker | head -5)"
}

# show_json ID: show --json of the statement ID into $T/show.json.
show_json () {
	"$LIAISON" -c "$CONF" show "$1" --json > "$T/show.json" 2>"$T/stderr"
}

# no_line_breaks WHAT: no value recorded, other than a body, holds a CR or
# a LF (every TEXT column of every table), and show --json agrees.
no_line_breaks () {
	q=$(sql "SELECT 'SELECT ''' || m.name || '.' || p.name || ''' FROM \"' || m.name || '\" WHERE instr(\"'
	          || p.name || '\", char(10)) OR instr(\"' || p.name || '\", char(13)) LIMIT 1;'
	         FROM sqlite_master m, pragma_table_info(m.name) p
	         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND p.type = 'TEXT'
	           AND p.name NOT IN ('body', 'detail')")
	check "$1: no CR or LF in any recorded value" "" "$(sql "$q" | sort -u | tr '\n' ' ')"
}

mkdir -p "$T/cwd/a/b/c" "$T/abs"

# ---------------------------------------------------------------------
# Attachment names that climb out, written every way a name can be.

{
	head_of traversal 'New Liaison Statement, "Path traversal"'
	printf 'Content-Type: multipart/mixed; boundary="=-x"\n\n--=-x\nContent-Type: text/plain; charset=utf-8\n\n'
	cat "$LABELS"
	i=0
	for disposition in \
		'attachment; filename="../../../../escaped-plain"' \
		"attachment; filename=\"$T/abs/escaped-absolute\"" \
		'attachment; filename="..\\..\\..\\..\\escaped-backslash"' \
		"attachment; filename*=UTF-8''..%2F..%2F..%2F..%2Fescaped-2231" \
		"attachment; filename*0*=UTF-8''..%2F..%2F; filename*1*=..%2F..%2Fescaped-2231-split" \
		'attachment; filename="=?UTF-8?B?Li4vLi4vLi4vLi4vZXNjYXBlZC0yMDQ3?="' \
		'attachment; filename=".."' \
		'attachment; filename="."' \
		'attachment; filename="/"' \
		'attachment; filename=""' \
		'attachment; filename="a/"' \
		'attachment; filename="%2e%2e%2fescaped-percent"' \
		'attachment; filename="..%c0%afescaped-overlong"'; do
		i=$((i + 1))
		printf -- '--=-x\nContent-Type: application/octet-stream; name="../../../../escaped-name-%s"\n' "$i"
		printf 'Content-Disposition: %s\nContent-Transfer-Encoding: base64\n\n' "$disposition"
		printf 'attachment %s: if this is outside the spool, the spool leaks\n' "$i" | base64
	done
	printf -- '--=-x--\n'
} > "$T/traversal.eml"
hostile traversal
check "traversal: a statement with its 13 attachments" "13" \
	"$(sql "SELECT count(*) FROM attachments a JOIN statements s ON s.id = a.statement JOIN messages m ON m.id = s.message WHERE m.message_id = 'traversal@hostile.test'")"
check "traversal: no stored name holds a '/' or a '\\'" "" \
	"$(sql "SELECT filename FROM attachments WHERE instr(filename, '/') OR instr(filename, char(92))")"
check "traversal: no stored name is '.' or '..'" "" "$(sql "SELECT filename FROM attachments WHERE filename IN ('.', '..')")"
check "traversal: no file named escaped-* anywhere under the test directory" "" "$(find "$T" -name 'escaped*' | head -3)"
check "traversal: nothing in $T/abs" "" "$(ls -A "$T/abs")"
check "traversal: every stored file is named by its SHA-256" "" \
	"$(find "$T/spool/att" "$T/spool/msg" -type f | grep -Ev '/(att|msg)/[0-9a-f]{2}/[0-9a-f]{64}$' | head -3)"
show_json "traversal@hostile.test"
check "traversal: show --json names no path" "0" \
	"$(jq '[.attachments[].filename | select(test("[/\\\\]") or . == ".." or . == ".")] | length' "$T/show.json")"

# ---------------------------------------------------------------------
# Header injection: CR LF followed by a Bcc header, encoded (RFC 2047 B
# and Q, quoted-printable) or raw (a bare CR), in the Subject, the From
# name and every Datatracker label.

crlf_b=$(printf 'Injected\r\nBcc: evil@example.com\r\nX-Evil: 1' | base64 | tr -d '\n')
crlf_q='Injected=0D=0ABcc:_evil@example.com=0D=0AX-Evil:_1'
{
	head_of injection "=?UTF-8?B?$crlf_b?= =?UTF-8?Q?$crlf_q?=" "=?UTF-8?B?$crlf_b?= <tsbsg15@itu.int>"
	printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n'
	# Every label's value gets the CR LF and the header, quoted-printable
	# encoded (so that a decoder produces them), then an encoded word.
	sed -e 's/=/=3D/g' \
	    -e 's/^\([A-Z][A-Za-z()]*\( [A-Za-z()]*\)*:\)\(.*\)$/\1\3=0D=0ABcc: evil@example.com=0D=0AX-Evil: 1 =3D?UTF-8?B?'"$crlf_b"'?=3D/' \
	    -e 's/^\(Please reply by\)\(.*\)$/\1\2=0D=0ABcc: evil@example.com/' "$LABELS"
} > "$T/injection.eml"
{
	head_of injection-cr "Bare$(printf '\r')Bcc: evil@example.com" "Bare$(printf '\r')Bcc: evil <tsbsg15@itu.int>"
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	sed -e 's/^\([A-Z][A-Za-z()]*\( [A-Za-z()]*\)*:.*\)$/\1\rBcc: evil@example.com\r/' "$LABELS"
} > "$T/injection-cr.eml"
for name in injection injection-cr; do
	hostile "$name" -f 'sender@example.com' -r 'statements@example.org'
	no_line_breaks "$name"
	id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id = '$name@hostile.test'")
	if [ -n "$id" ]; then
		show_json "$id"
		check "$name: show --json has no CR or LF outside the body" 0 \
			"$(jq '[paths(strings) as $p | select(($p | last) != "body" and ($p | last) != "detail")
			        | getpath($p) | select(test("[\r\n]"))] | length' "$T/show.json")"
		check "$name: the title is one line" 1 "$(jq -r .title "$T/show.json" | wc -l)"
	else
		not_ok "$name: not recorded as a statement"
	fi
	check "$name: no route to the injected address" "" \
		"$(sql "SELECT address FROM routes WHERE address LIKE '%evil%'" 2>/dev/null)"
done
# What we send (when routing writes it to the maildir) has no injected
# header: none in its header block, the headers of its parts, or the
# header block of the original it attaches. (The body may say anything.)
check "injection: no injected header in anything sent" "" \
	"$(find "$T/outbox" -type f 2>/dev/null | xargs -r awk '
		FNR == 1 { header = 1; inner = 0 }
		header && /^\r?$/ { header = inner; inner = 0; next }
		header && tolower($0) ~ /^content-type: *message\/rfc822/ { inner = 1 }
		header && /^(Bcc|X-Evil):/ { print FILENAME ": " $0 }
		/^--=-liaison-/ { header = 1 }' | head -3)"

# ---------------------------------------------------------------------
# Structure and size: 10,000 nested multiparts, a 1 MB header line, a
# 1 MB Subject, 10,000 recipients, NUL bytes.

awk 'BEGIN {
	depth = 10000
	print "From: TSB SG15 <tsbsg15@itu.int>"
	print "To: statements@example.org"
	print "Subject: Nested " depth " deep"
	print "Message-ID: <nested@hostile.test>"
	print "MIME-Version: 1.0"
	print "Content-Type: multipart/mixed; boundary=\"b1\""
	print ""
	for (i = 1; i < depth; i++) {
		print "--b" i
		print "Content-Type: multipart/mixed; boundary=\"b" i + 1 "\""
		print ""
	}
	print "--b" depth
	print "Content-Type: text/plain"
	print ""
	print "the bottom"
	for (i = depth; i >= 1; i--) print "--b" i "--"
}' > "$T/nested.eml"
hostile nested

{
	head_of long-header 'A 1 MB header line'
	printf 'X-Long: '
	head -c 1048576 /dev/zero | tr '\0' 'a'
	printf '\nContent-Type: text/plain\n\n'
	cat "$LABELS"
} > "$T/long-header.eml"
hostile long-header

{
	printf 'From: TSB SG15 <tsbsg15@itu.int>\nTo: statements@example.org\nSubject: '
	head -c 1048576 /dev/zero | tr '\0' 's'
	printf '\nMessage-ID: <long-subject@hostile.test>\nContent-Type: text/plain\n\n'
	cat "$LABELS"
} > "$T/long-subject.eml"
hostile long-subject

{
	head_of recipients '10,000 recipients' | grep -v '^To:'
	printf 'To: '
	awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "Recipient %d <r%d@example.com>%s\n", i, i, i < 10000 ? ",\n " : "" }' | tr -d '\n'
	printf '\nCc: '
	awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "ccamp@ietf.org, " }'
	printf 'ccamp@ietf.org\nContent-Type: text/plain\n\n'
	cat "$LABELS"
} > "$T/recipients.eml"
start=$(date +%s)
hostile recipients
check "recipients: within 30 s" yes "$([ $(($(date +%s) - start)) -le 30 ] && echo yes || echo "$(($(date +%s) - start)) s")"

{
	printf 'From: TSB\000SG15 <tsbsg15@itu.int>\nTo: statements@example.org\n'
	printf 'Subject: New Liaison Statement, "NUL\000bytes"\nMessage-ID: <nul@hostile\000.test>\n'
	printf 'X-Nul: \000\000\000\nContent-Type: text/plain\n\n'
	sed 's/^\(Title:.*\)$/\1 with a \x00 NUL/' "$LABELS"
	printf 'and \000 more \000\n'
} > "$T/nul.eml"
hostile nul
check "nul: no recorded value holds a NUL" 0 \
	"$(sql "SELECT count(*) FROM messages WHERE instr(CAST(subject AS BLOB), x'00') OR instr(CAST(from_header AS BLOB), x'00') OR instr(CAST(message_id AS BLOB), x'00')")"

# ---------------------------------------------------------------------
# Invalid UTF-8 everywhere: raw bytes in headers, in encoded words that say
# UTF-8, in the body that says UTF-8, in a label, in a filename, overlong
# forms and lone surrogates.

bad=$(printf '\377\376\300\257\355\240\200\370\210\200\200\200')
bad_b=$(printf 'x\377\376\300\257\355\240\200y' | base64 | tr -d '\n')
{
	printf 'From: Bad%s Name <tsbsg15@itu.int>\nTo: statements@example.org, =?UTF-8?B?%s?= <x@example.org>\n' "$bad" "$bad_b"
	printf 'Subject: New Liaison Statement, "%s =?UTF-8?B?%s?="\n' "$bad" "$bad_b"
	printf 'Message-ID: <utf8%s@hostile.test>\nMIME-Version: 1.0\n' "$bad"
	printf 'Content-Type: multipart/mixed; boundary="=-u"\n\n--=-u\nContent-Type: text/plain; charset=utf-8\n\n'
	sed "s/\$/ $bad/" "$LABELS"
	printf -- '--=-u\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename="%s.txt"\n\n%s\n' "$bad" "$bad"
	printf -- "--=-u\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*=UTF-8''%%FF%%FE%%C0%%AF.bin\n\nbytes\n"
	printf -- '--=-u\nContent-Type: text/html; charset=utf-8\n\n<p>%s &#xD800; &#0; &#99999999;</p>\n--=-u--\n' "$bad"
} > "$T/utf8.eml"
hostile utf8
check "utf8: the database dump is valid UTF-8" ok \
	"$(sqlite3 "$T/liaison.db" .dump | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 && echo ok || echo invalid)"
id=$(sql "SELECT s.ls_id FROM statements s JOIN messages m ON m.id = s.message WHERE m.message_id LIKE 'utf8%'")
if [ -n "$id" ]; then
	show_json "$id"
	check "utf8: show --json is valid JSON in valid UTF-8" ok \
		"$(iconv -f UTF-8 -t UTF-8 "$T/show.json" >/dev/null 2>&1 && jq -e .id "$T/show.json" >/dev/null && echo ok)"
	"$LIAISON" -c "$CONF" list --json > "$T/list.json" 2>/dev/null
	check "utf8: list --json is valid JSON in valid UTF-8" ok \
		"$(iconv -f UTF-8 -t UTF-8 "$T/list.json" >/dev/null 2>&1 && jq -e 'length' "$T/list.json" >/dev/null && echo ok)"
else
	not_ok "utf8: not recorded as a statement"
fi

# ---------------------------------------------------------------------
# At and just over max-message-size.

# sized NAME BYTES: the first sample, as message NAME, padded to exactly
# BYTES with a text attachment (so that the statement is unchanged).
sized () {
	{
		head_of "$1" "New Liaison Statement, \"Sized $2\""
		printf 'Content-Type: multipart/mixed; boundary="=-s"\n\n--=-s\nContent-Type: text/plain; charset=utf-8\n\n'
		cat "$LABELS"
		printf -- '--=-s\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="pad.bin"\n\n'
	} > "$T/$1.eml"
	tail='
--=-s--
'
	have=$(($(wc -c < "$T/$1.eml") + ${#tail}))
	head -c $(($2 - have)) /dev/zero | tr '\0' 'p' | fold -w 76 | head -c $(($2 - have)) >> "$T/$1.eml"
	printf '%s' "$tail" >> "$T/$1.eml"
	check "$1: is $2 bytes" "$2" "$(wc -c < "$T/$1.eml")"
}
write_config "max-message-size = 20000"
sized at-limit 20000
hostile at-limit
check "at-limit: a statement, not held as too large" "statement|" \
	"$(sql "SELECT kind, ifnull(hold_reason, '') FROM messages WHERE message_id = 'at-limit@hostile.test'")"
check "at-limit: stored whole" 20000 "$(sql "SELECT size FROM messages WHERE message_id = 'at-limit@hostile.test'")"
sized over-limit 20001
hostile over-limit
check "over-limit: held as too large" "other|message larger than max-message-size" \
	"$(sql "SELECT kind, hold_reason FROM messages WHERE message_id = 'over-limit@hostile.test'")"
raw=$(sql "SELECT raw_sha256 FROM messages WHERE message_id = 'over-limit@hostile.test'")
stored=$(find "$T/spool/msg" -name "$raw")
check "over-limit: only its headers are stored" yes \
	"$([ -n "$stored" ] && [ "$(wc -c < "$stored")" -lt 1000 ] && ! grep -q 'Title:' "$stored" && echo yes || echo no)"
write_config

# ---------------------------------------------------------------------
# 50 MiB, at and over the default max-message-size (52428800 bytes), with
# an attachment that fills it: peak memory measured by GNU time.
# The bound is below the message's own size (see MEMORY_BOUND_KB). The
# sanitizers' shadow memory makes the figure meaningless there.

big () {
	{
		head_of "$1" "New Liaison Statement, \"Big $2\""
		printf 'Content-Type: multipart/mixed; boundary="=-big"\n\n--=-big\nContent-Type: text/plain; charset=utf-8\n\n'
		# A statement of its own, not the labels' statement again (which
		# would only join that one's thread).
		sed -e "s|^Title: \(.*\)|Title: \1 ($1 1)|" -e "s|/liaison/[0-9]*/|/liaison/$1-1/|" "$LABELS"
		printf -- '--=-big\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="big.pdf"\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
	} > "$T/$1.eml"
	tail='
--=-big--
'
	have=$(($(wc -c < "$T/$1.eml") + ${#tail}))
	# base64 lines of 76 characters plus LF: 57 bytes each.
	head -c $((($2 - have) / 77 * 57)) /dev/urandom | base64 -w 76 >> "$T/$1.eml"
	have=$(($(wc -c < "$T/$1.eml") + ${#tail}))
	# The rest in the epilogue, where a parser must still read it.
	printf '%s' "$tail" >> "$T/$1.eml"
	head -c $(($2 - have)) /dev/zero | tr '\0' 'e' >> "$T/$1.eml"
	check "$1: is $2 bytes" "$2" "$(wc -c < "$T/$1.eml")"
}

# The bound proves streaming: below the message's own 50 MB, so it was never
# held whole. Issue 9's target is 32 MB; 39 MB was measured at this commit.
MEMORY_BOUND_KB=${LIAISON_MEMORY_BOUND_KB:-49152}
if [ -x /usr/bin/time ]; then
	for case in "big-at:52428800" "big-over:52428801"; do
		name=${case%%:*} size=${case#*:}
		big "$name" "$size"
		start=$(date +%s)
		hostile "$name"
		# The same again under GNU time, as a new message of the same size.
		# (Another statement too, of the same size: the same one re-sent
		# would be a copy.)
		sed -i -e "s/^Message-ID: <$name@/Message-ID: <$(echo "$name" | tr a-z A-Z)@/" \
		       -e "s|^\(Title: .*\) ($name 1)\$|\1 ($name 2)|" -e "s|/liaison/$name-1/|/liaison/$name-2/|" "$T/$name.eml"
		/usr/bin/time -f %M -o "$T/$name.kb" "$LIAISON" -c "$CONF" deliver < "$T/$name.eml" 2>/dev/null
		kb=$(tail -1 "$T/$name.kb")
		echo "peak memory of deliver, $size bytes ($name): $kb KB, $(($(date +%s) - start)) s for both deliveries"
		if sanitized; then
			ok "$name: peak memory not bounded under the sanitizers ($kb KB)"
		else
			check "$name: peak memory below $MEMORY_BOUND_KB KB ($kb KB)" yes "$([ "$kb" -lt "$MEMORY_BOUND_KB" ] && echo yes || echo no)"
		fi
	done
	check "big-at: recorded whole, its statement with its attachment, twice" "statement|52428800|1 statement|52428800|1" \
		"$(sql "SELECT m.kind, m.size, (SELECT count(*) FROM attachments a WHERE a.statement = s.id) FROM messages m JOIN statements s ON s.message = m.id WHERE m.message_id IN ('big-at@hostile.test', 'BIG-AT@hostile.test')" | tr '\n' ' ' | sed 's/ $//')"
	check "big-over: held, headers only, twice" "other|message larger than max-message-size other|message larger than max-message-size" \
		"$(sql "SELECT kind, hold_reason FROM messages WHERE message_id IN ('big-over@hostile.test', 'BIG-OVER@hostile.test')" | tr '\n' ' ' | sed 's/ $//')"
	raw=$(sql "SELECT raw_sha256 FROM messages WHERE message_id = 'big-over@hostile.test'")
	check "big-over: the stored copy is its headers" yes \
		"$([ "$(wc -c < "$(find "$T/spool/msg" -name "$raw")")" -lt 1000 ] && echo yes || echo no)"
	rm -f "$T"/big-*.eml
else
	echo "no GNU time (/usr/bin/time): the 50 MiB messages are skipped"
fi

check "every input recorded" "$inputs" "$(sql "SELECT count(*) FROM messages WHERE message_id NOT GLOB 'BIG-*'")"
check "integrity_check at the end" ok "$(sql 'PRAGMA integrity_check')"
echo "hostile inputs: $inputs"
finish
