#!/bin/sh
# End-to-end: `reinject --resend`. A run without it sends nothing for
# messages recorded before; with it, the mail their first delivery queued
# (forwards, acknowledgements, the held notice) is handed over again: the
# same messages, byte for byte, under the same Message-IDs, once per message
# even when a source holds it twice, with the routes that went out or failed
# sent again and those that had the original directly left alone. New
# messages of the same run are delivered as always; --dry-run sends nothing.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"
outbox_count () { ls "$O" 2>/dev/null | wc -l; }
# The SHA-256 of every message in the outbox, sorted, one a line (the
# transport's first line, X-Liaison-Envelope-To, is not ours to compare).
outbox_sums () {
	for f in "$O"/*; do tail -n +2 "$f" | sha256sum | cut -d' ' -f1; done | sort
}
summary () { tail -n 1 "$1"; }

# The first six samples, and all of them, as mboxes.
mbox () {
	for f in "$@"; do
		echo "From sender@example.org Fri Nov 27 10:00:00 2026"
		sed 's/^\(>*From \)/>\1/' "$f"
		echo
	done
}
mbox $(ls "$S"/*.eml | head -6) > "$T/six.mbox"
mbox "$S"/*.eml > "$T/all.mbox"
n_all=$(ls "$S"/*.eml | wc -l)

"$LIAISON" -c "$CONF" reinject "$T/six.mbox" > "$T/out" 2> "$T/err"
check "the first run exits 0" 0 "$?"
first=$(outbox_count)
check "the first run sent mail" 1 "$([ "$first" -gt 0 ] && echo 1)"
check "every row it queued was sent" "$first" "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")"
outbox_sums > "$T/sums1"
rows=$(sql "SELECT count(*) FROM outbox")
already=$(sql "SELECT count(*) FROM routes WHERE status = 'already-received'")
already_ids=$(sql "SELECT group_concat(id) FROM routes WHERE status = 'already-received'")
held=$(sql "SELECT count(*) FROM statements WHERE state = 'held'")
check "some address already had an original" 1 "$([ "$already" -gt 0 ] && echo 1)"

"$LIAISON" -c "$CONF" reinject "$T/six.mbox" > "$T/out" 2> "$T/err"
check "a second run exits 0" 0 "$?"
check "a second run sends nothing" "$first" "$(outbox_count)"
check "and says no outgoing line" 0 "$(grep -c outgoing "$T/out")"

"$LIAISON" -c "$CONF" reinject --dry-run --resend "$T/six.mbox" > "$T/out" 2> "$T/err"
check "--dry-run --resend exits 0" 0 "$?"
check "--dry-run --resend sends nothing" "$first" "$(outbox_count)"
check "--dry-run --resend changes nothing" "$first" "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")"

# A route refused for good, and a row that failed: both go out again.
sql "UPDATE routes SET status = 'failed', detail = 'refused' WHERE id = (SELECT min(id) FROM routes WHERE status = 'sent');
	UPDATE outbox SET state = 'failed', last_error = 'given up' WHERE id = (SELECT max(id) FROM outbox)"

# --resend over all the samples: the six known ones are sent again, once
# each although six.mbox repeats them, the others are delivered anew.
"$LIAISON" -c "$CONF" reinject --resend "$T/six.mbox" "$T/all.mbox" > "$T/out" 2> "$T/err"
check "--resend exits 0" 0 "$?"
check "--resend prints no error" "" "$(cat "$T/err")"
new_rows=$(( $(sql "SELECT count(*) FROM outbox") - rows ))
check "new messages queued their own mail" 1 "$([ "$new_rows" -gt 0 ] && echo 1)"
check "each message's mail is sent again once, the new mail once" "$((2 * first + new_rows))" "$(outbox_count)"
check "the summary counts what was sent" "$((first + new_rows)) outgoing messages: $((first + new_rows)) sent, 0 left queued for \`liaison queue run\`, 0 failed" \
	"$(sed -n '/outgoing/p' "$T/out")"
check "the summary counts the duplicates" \
	"$((6 + n_all)) messages: $((n_all - 6 - $(sql "SELECT count(*) FROM statements WHERE state = 'held'") + held)) statements, 0 replies, $(($(sql "SELECT count(*) FROM statements WHERE state = 'held'") - held)) held, 12 duplicates, 0 other, 0 errors" \
	"$(summary "$T/out")"
# What the first run sent, sent again: the same bytes.
outbox_sums > "$T/sums2"
check "the mail sent again is the same, byte for byte" "" \
	"$(sort "$T/sums1" "$T/sums1" | diff - "$T/sums2" | grep '^<')"
check "no row was queued twice" "$((rows + new_rows))" "$(sql "SELECT count(DISTINCT message_id) FROM outbox")"
check "every row is sent" "$((rows + new_rows))" "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")"
check "no route is left failed or queued" 0 "$(sql "SELECT count(*) FROM routes WHERE status IN ('failed', 'queued')")"
check "addresses that had the original keep that status" "$already" \
	"$(sql "SELECT count(*) FROM routes WHERE status = 'already-received' AND id IN ($already_ids)")"
check "no statement was recorded twice" "$n_all" "$(sql "SELECT count(*) FROM statements")"

finish
