#!/bin/sh
# End-to-end: every mailbox of the shared third-party corpus (the mbox
# files, MMDF and From_-less archives, Maildirs, the numbered-file folder)
# re-injected in one run, twice: both runs end with their summary line and
# exit 0, the second records nothing new, and the corpus is left untouched
# (tests run as root, so its read-only modes protect nothing). The
# numbered-file folder also holds files named otherwise (freemail1,
# gtube.eml): each is named on stderr and counted as skipped, nothing else.
. "$top_srcdir/tests/lib.sh"
CORPUS=${LIAISON_CORPUS:-$top_srcdir/../shared/corpus}
if [ ! -d "$CORPUS" ]; then
	echo "no corpus at $CORPUS"
	exit 77
fi
write_config
touch "$T/stamp"

# The mailboxes: files whose first line is a From_ line or an MMDF
# separator, the From_-less archives of ietf-mailarchive, the Maildirs
# (a cur/ or new/ inside), and the directory of numbered messages.
{
	mmdf=$(printf '\001\001\001\001')
	find "$CORPUS" -type f ! -name 'README*' ! -name 'LICENSE*' ! -name 'COPYING*' | while IFS= read -r f; do
		if [ "$(head -c 5 "$f")" = "From " ] || [ "$(head -c 4 "$f")" = "$mmdf" ]; then
			echo "$f"
		fi
	done
	ls "$CORPUS"/ietf-mailarchive/mailbox* "$CORPUS/mimekit/mbox/unmunged.mbox.txt"
	find "$CORPUS" -type d \( -name cur -o -name new \) -exec dirname {} \;
	echo "$CORPUS/spamassassin/data/spam"
} 2>/dev/null | sort -u > "$T/sources"
check "found mailboxes of every kind" "yes" \
	"$(grep -q mailbox_mmdf "$T/sources" && grep -q notmuch/lkml "$T/sources" && grep -q mbox.win "$T/sources" && echo yes)"
echo "# $(wc -l < "$T/sources") mailboxes"

started=$(date +%s%N)
tr '\n' '\0' < "$T/sources" | xargs -0 "$LIAISON" -c "$CONF" reinject > "$T/out1" 2> "$T/err1"
rc=$?
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
check "the first run exits 0" 0 "$rc"
# errors FILE: what stderr says beyond the names the MH folder skips.
mh_name='^liaison: reinject: .*/spamassassin/data/spam/[^/]*: not an MH message number: not read$'
errors () { grep -v "$mh_name" "$1"; }
check "the first run reports no error" "" "$(errors "$T/err1")"
skipped=$(grep -c "$mh_name" "$T/err1")
skipped_tail=""
[ "$skipped" -gt 0 ] && skipped_tail=", $skipped skipped (0 symbolic links, 0 not regular files, $skipped not MH message numbers)"
check "the folder's other names are said and counted" "$skipped_tail" \
	"$(tail -n 1 "$T/out1" | sed -n 's/.* 0 errors//p')"
tail -n 1 "$T/out1" | sed 's/^/# first run: /'
total=$(tail -n 1 "$T/out1" | cut -d' ' -f1)
echo "# $total messages in $elapsed_ms ms: $(( total * 1000 / (elapsed_ms + 1) )) messages/s"
check "the first run ends with its summary" 1 \
	"$(tail -n 1 "$T/out1" | grep -cE '^[0-9]+ messages: .*, 0 errors(, [0-9]+ skipped \(.*\))?$')"
recorded=$(sql 'SELECT count(*) FROM messages')
check "every message is recorded or a duplicate of another" "$total" \
	"$(( recorded + $(tail -n 1 "$T/out1" | sed -n 's/.* \([0-9]*\) duplicates.*/\1/p') ))"

tr '\n' '\0' < "$T/sources" | xargs -0 "$LIAISON" -c "$CONF" reinject > "$T/out2" 2> "$T/err2"
check "the second run exits 0" 0 "$?"
check "the second run reports no error" "" "$(errors "$T/err2")"
check "the second run finds only duplicates" \
	"$total messages: 0 statements, 0 replies, 0 held, $total duplicates, 0 other, 0 errors$skipped_tail" \
	"$(tail -n 1 "$T/out2")"
check "the second run records nothing new" "$recorded" "$(sql 'SELECT count(*) FROM messages')"
check "nothing was written into the corpus" "" "$(find "$CORPUS" -newer "$T/stamp" | head -5)"
check "no stray spool file" "" "$(ls "$T/spool/tmp")"
check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
