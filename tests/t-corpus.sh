#!/bin/sh
# End-to-end: every message of the shared third-party corpus goes through
# deliver with exit 0 and is recorded (as a statement, or held, or as what
# it is); prints the counts. The corpus is ordinary list and torture-test
# mail, so next to none of it should be taken for a statement.
. "$top_srcdir/tests/lib.sh"
CORPUS=${LIAISON_CORPUS:-$top_srcdir/../shared/corpus}
if [ ! -d "$CORPUS" ]; then
	echo "no corpus at $CORPUS"
	exit 77
fi
write_config
find "$CORPUS" -type f ! -name 'README*' ! -name 'LICENSE*' ! -name 'COPYING*' ! -name '*.gz' \
	! -name '*.md' | sort > "$T/files"
total=$(wc -l < "$T/files")
bad=0
while IFS= read -r f; do
	"$LIAISON" -c "$CONF" deliver < "$f" 2>"$T/stderr"
	rc=$?
	if [ "$rc" != 0 ]; then
		bad=$((bad + 1))
		echo "exit $rc: $f: $(head -c 300 "$T/stderr")"
	fi
done < "$T/files"
check "every corpus message exits 0" 0 "$bad"
recorded=$(sql 'SELECT count(*) FROM messages')
echo "corpus: $total files, $recorded messages recorded (the rest are duplicates of one another)"
sql "SELECT '  ' || kind || ': ' || count(*) FROM messages GROUP BY kind ORDER BY kind"
echo "  statements: $(sql 'SELECT count(*) FROM statements'), held statements: $(sql "SELECT count(*) FROM statements WHERE state = 'held'")"
sql "SELECT '  statement: ' || s.ls_id || ' ' || coalesce(s.title, '') || ' <' || coalesce(m.message_id, '') || '>' FROM statements s JOIN messages m ON m.id = s.message"
[ "$recorded" -gt 0 ] && ok "messages recorded" || not_ok "nothing recorded"
# Every file is accounted for: delivered again, each is a known duplicate,
# so nothing new is recorded and every one exits 0. Under the sanitizers
# (and in distcheck), whose first pass already ran every file, every
# tenth file is delivered again.
if [ -n "$(ldd "$LIAISON" 2>/dev/null | grep libasan)" ] || [ -n "${LIAISON_TEST_QUICK:-}" ]; then
	awk 'NR % 10 == 1' "$T/files" > "$T/again"
else
	cp "$T/files" "$T/again"
fi
bad=0
while IFS= read -r f; do
	"$LIAISON" -c "$CONF" deliver < "$f" 2>/dev/null || bad=$((bad + 1))
done < "$T/again"
check "second pass exits 0 for every file" 0 "$bad"
check "second pass records nothing new" "$recorded" "$(sql 'SELECT count(*) FROM messages')"
check "no stray spool file" "" "$(ls "$T/spool/tmp")"
check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
