#!/bin/sh
# End-to-end: parsers cannot exhaust deliver (issue 16). A PDF whose 100
# pages share one huge content stream (minutes of CPU in poppler), a DOCX
# whose word/document.xml holds 8 million empty elements (a gigabyte in
# libxml2) and a message of 100,000 one-line attachments are each recorded
# with exit 0: the documents without their text and an event naming the
# limit their child hit, the message held with a reason. The outcome of a
# document is kept in the spool (text/XX/SHA256) and reused by a second
# delivery and by reinject, which the test sees by altering the record.
# Ordinary PDF and DOCX attachments still give their text. Nothing here
# is timed: the limits show in events, records and exit statuses.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
# time-limit 30: the documents' children get 3 s of CPU and 5 s of wall
# clock (document_limits_init), so that the bombs cost little here.
write_config "time-limit = 30"
BOMBS="$top_srcdir/tests/make-bombs.py"
python3 "$BOMBS" pdf "$T/bomb.pdf" && python3 "$BOMBS" docx "$T/bomb.docx" ||
	{ echo "cannot make the bombs"; exit 1; }

# with_document ID FILE TYPE: a Datatracker statement (the first sample's
# body) with FILE attached, Message-ID <ID@limits.test>, on stdout.
with_document () {
	printf 'From: TSB SG15 <tsbsg15@itu.int>\nTo: statements@example.org\n'
	printf 'Subject: New Liaison Statement, "LS %s"\nDate: Fri, 02 Oct 2026 14:03:08 +0200\n' "$1"
	printf 'Message-ID: <%s@limits.test>\nMIME-Version: 1.0\n' "$1"
	printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n'
	# A Datatracker page of its own: with the sample's it would be the
	# sample arriving again.
	sed -n '/^Title:/,$p' "$top_srcdir/samples/mail/01-action-ccamp.eml" |
		sed -e "s/^Title: .*/Title: LS $1/" -e "s|/liaison/[0-9]*/|/liaison/$1/|"
	printf '\n--b\nContent-Type: %s\nContent-Disposition: attachment; filename=%s\n' "$3" "$(basename "$2")"
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 "$2"
	printf '\n--b--\n'
}

# record_of FILE: the spool's record of the document FILE's outcome.
record_of () {
	sum=$(sha256sum "$1" | cut -c1-64)
	echo "$T/spool/text/$(echo "$sum" | cut -c1-2)/$sum"
}

# events_of ID: the statement's "document" events, one a line.
events_of () {
	sql "SELECT e.detail FROM events e JOIN statements s ON s.id = e.statement
	     WHERE s.title = 'LS $1' AND e.type = 'document' ORDER BY e.id"
}

PDF=application/pdf
DOCX=application/vnd.openxmlformats-officedocument.wordprocessingml.document

# ---- The PDF bomb: CPU ----
with_document pdf-bomb "$T/bomb.pdf" $PDF > "$T/pdf-bomb.eml"
deliver "$T/pdf-bomb.eml"
check "PDF bomb: exits 0" 0 "$rc"
check "PDF bomb: recorded once" 1 "$(sql "SELECT count(*) FROM statements WHERE title = 'LS pdf-bomb'")"
events=$(events_of pdf-bomb)
case $events in
"document bomb.pdf: text not extracted: CPU limit" | "document bomb.pdf: text not extracted: time limit")
	ok "PDF bomb: an event names the limit ($events)" ;;
*)	not_ok "PDF bomb: event: '$events'" ;;
esac
check "PDF bomb: attachment kept, without text" "1|" \
	"$(sql "SELECT count(*), group_concat(text) FROM attachments WHERE filename = 'bomb.pdf'")"
record=$(record_of "$T/bomb.pdf")
case $(head -1 "$record" 2>/dev/null) in
"limit: CPU limit" | "limit: time limit") ok "PDF bomb: outcome recorded in the spool" ;;
*) not_ok "PDF bomb: no record of its outcome at $record" ;;
esac

# ---- A retry and a reinject reuse the outcome ----
# The record is altered: a second reading would say CPU or time limit,
# the record now says memory limit, and so must the events.
printf 'limit: memory limit\n\n.end\n' > "$record"
with_document pdf-bomb-again "$T/bomb.pdf" $PDF > "$T/pdf-bomb-again.eml"
deliver "$T/pdf-bomb-again.eml"
check "PDF bomb again: exits 0" 0 "$rc"
check "PDF bomb again: the recorded outcome is reused" \
	"document bomb.pdf: text not extracted: memory limit" "$(events_of pdf-bomb-again)"
# reinject into a new database over the same spool.
sed "s|^database *=.*|database = $T/again.db|" "$CONF" > "$T/again.conf"
{ echo "From tsbsg15@itu.int Fri Oct  2 12:03:11 2026"; cat "$T/pdf-bomb.eml"; echo; } > "$T/bomb.mbox"
"$LIAISON" -c "$T/again.conf" reinject "$T/bomb.mbox" > "$T/out" 2> "$T/err"
check "reinject of the PDF bomb exits 0" 0 "$?"
check "reinject reuses the recorded outcome" "document bomb.pdf: text not extracted: memory limit" \
	"$(sqlite3 -batch -noheader "$T/again.db" "SELECT e.detail FROM events e WHERE e.type = 'document'")"
# The spool's journal is one register's history (SPEC 12): reinject began
# one for again.db, moving liaison.db's aside; liaison.db's goes back.
mv "$T/spool/journal".?* "$T/spool/journal"

# ---- The DOCX element bomb: memory ----
with_document docx-bomb "$T/bomb.docx" $DOCX > "$T/docx-bomb.eml"
deliver "$T/docx-bomb.eml"
check "DOCX bomb: exits 0" 0 "$rc"
check "DOCX bomb: recorded once" 1 "$(sql "SELECT count(*) FROM statements WHERE title = 'LS docx-bomb'")"
events=$(events_of docx-bomb)
case $events in
"document bomb.docx: text not extracted: "*) ok "DOCX bomb: an event names the limit ($events)" ;;
*) not_ok "DOCX bomb: event: '$events'" ;;
esac
check "DOCX bomb: outcome recorded in the spool" limit \
	"$(head -1 "$(record_of "$T/bomb.docx")" 2>/dev/null | cut -d: -f1)"

# ---- 100,000 MIME parts ----
python3 "$BOMBS" parts "$T/parts.eml" 100000
deliver "$T/parts.eml"
check "100,000 parts: exits 0" 0 "$rc"
check "100,000 parts: nothing on stderr" "" "$(head -c 500 "$T/stderr")"
check "100,000 parts: recorded once, held, with the reason" \
	"1|other|message has more than 1000 MIME parts" \
	"$(sql "SELECT count(*), kind, hold_reason FROM messages WHERE message_id = 'many-parts@limits.test'")"
check "100,000 parts: raw message kept" 1 \
	"$(find "$T/spool/msg" -type f -name "$(sha256sum "$T/parts.eml" | cut -c1-64)" | wc -l)"
check "100,000 parts: no attachment stored" 0 "$(sql "SELECT count(*) FROM attachments WHERE filename = 'a.txt'")"

# ---- Ordinary documents still give their text ----
for doc in 3gpp-pdf 3gpp-docx; do
	deliver "$top_srcdir/tests/data/extract/$doc.eml"
	check "$doc: exits 0" 0 "$rc"
	check "$doc: the document's text recorded" 1 \
		"$(sql "SELECT count(*) FROM attachments WHERE (filename LIKE '%.pdf' OR filename LIKE '%.docx')
		        AND text LIKE '%Title:%' AND statement = (SELECT max(id) FROM statements)")"
done
check "no document event for ordinary documents" 3 "$(sql "SELECT count(*) FROM events WHERE type = 'document'")"
check "their outcomes recorded as text" 2 \
	"$(for f in "$T"/spool/text/*/*; do head -1 "$f"; done | grep -cx text)"

# ---- A stop after the commit says the message is recorded ----
# The sendmail that the forward is handed to stops deliver with SIGTERM,
# after the commit: deliver must exit 0 (the MTA must not deliver it
# again) and must not say "nothing recorded".
printf '#!/bin/sh\nkill -TERM $PPID\ncat > /dev/null\nexit 0\n' > "$T/stop-sendmail"
chmod +x "$T/stop-sendmail"
sed -e 's|^method *=.*|method = sendmail|' -e "s|^\[delivery\]|[delivery]\nsendmail = $T/stop-sendmail|" \
	"$CONF" > "$T/stop.conf"
"$LIAISON" -c "$T/stop.conf" deliver < "$top_srcdir/samples/mail/01-action-ccamp.eml" 2> "$T/stderr"
check "stopped after the commit: exits 0" 0 "$?"
check "stopped after the commit: says it is recorded" \
	"liaison: stopped by a signal after the message was recorded" "$(cat "$T/stderr")"
check "stopped after the commit: no temporary file left" "" "$(ls "$T/spool/tmp")"
check "stopped after the commit: recorded" 1 \
	"$(sql "SELECT count(*) FROM messages WHERE message_id = '177163338812.4321.1029384756@mailgw.itu.int'")"
finish
