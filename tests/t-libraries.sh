#!/bin/sh
# The libraries liaison opens on first use (dlopen) rather than links
# (issue 19): libxml2, libetpan, libical, the document readers. One that is
# missing is found by `liaison check` (which the timers run first), not by
# the first message that needs it: libxml2 always, libetpan when the mail
# goes out by SMTP, and a warning for the rest. Without libxml2 an HTML
# message is deferred (75), never lost; a plain one does not need it.
# The fault shim (tests/faults/shim.c) makes a dlopen() of the library
# fail as a missing one would.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"
write_config
S="$top_srcdir/samples/mail"
L () { "$LIAISON" -c "$CONF" "$@"; }
# without LIBRARY COMMAND...: COMMAND with LIBRARY's dlopen() failing.
without () {
	deny=$1; shift
	env LD_PRELOAD="$PRELOAD" LIAISON_FAULT_DLOPEN="$deny" "$@"
}

L check > "$T/out"; rc=$?
check "everything there: check passes, nothing about libraries" "0 0" \
	"$rc $(grep -c -e libxml2 -e libetpan -e 'reader library' "$T/out")"

without libxml2 "$LIAISON" -c "$CONF" check > "$T/out"; rc=$?
check "no libxml2: check fails and says why" "1 1" \
	"$rc $(grep -c '^.*: libxml2 (HTML mail, DOCX, the Atom feed): cannot load libxml2' "$T/out")"

without libetpan "$LIAISON" -c "$CONF" check > "$T/out"; rc=$?
check "no libetpan, mail by maildir: a warning, check passes" "0 1" \
	"$rc $(grep -c 'warning: libetpan (delivery by SMTP' "$T/out")"
sed 's/^method *=.*/method = smtp/' "$CONF" > "$T/smtp.conf"
without libetpan "$LIAISON" -c "$T/smtp.conf" check > "$T/out"; rc=$?
check "no libetpan, mail by SMTP: check fails" "1 1" \
	"$rc $(grep -c ': libetpan (delivery by SMTP' "$T/out")"

without poppler "$LIAISON" -c "$CONF" check > "$T/out"; rc=$?
if "$LIAISON" --version | grep -q '^documents: pdf'; then
	check "no PDF reader: a warning, check passes" "0 1" \
		"$rc $(grep -c "warning: the PDF or DOCX reader library" "$T/out")"
fi

# A plain statement needs none of them; an HTML one needs libxml2.
without libxml2:libetpan "$LIAISON" -c "$CONF" deliver < "$S/01-action-ccamp.eml"; rc=$?
check "no libxml2 nor libetpan: a plain statement is recorded" "0 open" \
	"$rc $(L show --json LS-2026-0001 | jq -r .state)"
cat > "$T/html.eml" <<'MAIL'
From: Greg Jones <greg.jones@example.com>
To: statements@example.org
Subject: New Liaison Statement, "LS on HTML"
Message-ID: <html-1@example.com>
Date: Fri, 27 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/html; charset=us-ascii

<html><body><p>Title: LS on HTML</p><p>Purpose: For information</p></body></html>
MAIL
before=$(sql "SELECT count(*) FROM messages")
without libxml2 "$LIAISON" -c "$CONF" deliver < "$T/html.eml" 2> "$T/err"; rc=$?
check "no libxml2: an HTML message is deferred (75), not recorded" "75 $before" \
	"$rc $(sql "SELECT count(*) FROM messages")"
check "no libxml2: nothing left in spool/tmp" "" "$(ls "$T/spool/tmp")"
L deliver < "$T/html.eml"; rc=$?
check "libxml2 back: the retry is recorded" "0 $((before + 1))" "$rc $(sql "SELECT count(*) FROM messages")"

finish
