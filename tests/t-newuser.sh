#!/bin/sh
# End-to-end: the small things a new user meets first (issue 17). `check`
# fails, with one clear line, on a database directory that is missing, a
# database or spool directory its user cannot write, and a sendmail
# program that is missing or not a program; `queue run` says how many
# messages wait for a later attempt; a reader that stops early (`| head
# -1`) ends show, list, thread, search and export quietly.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"

# check_says DESCRIPTION PATTERN: `check` exits 1 and prints one line
# matching PATTERN.
check_says () {
	"$LIAISON" -c "$CONF" check > "$T/out" 2> "$T/err"
	check "$1: check exits 1" 1 "$?"
	check "$1: one line says so" 1 "$(grep -c -- "$2" "$T/out")"
}

"$LIAISON" -c "$CONF" check > "$T/out" 2> "$T/err"
check "check passes on the test configuration" "0 1" "$? $(grep -c ': OK: ' "$T/out")"

# 1. check: the database's directory must exist (SQLite creates none),
# unless it holds the spool, which liaison creates with its parents.
cp "$CONF" "$T/good.conf"
sed -i "s|^database *=.*|database = $T/nodir/liaison.db|" "$CONF"
check_says "a missing database directory" \
	"\[liaison\] database: the directory $T/nodir does not exist"
deliver "$S/01-action-ccamp.eml" -r statements@example.org
check "and deliver does fail there (75)" 75 "$rc"
sed -i -e "s|^database *=.*|database = $T/var/liaison.db|" -e "s|^spool *=.*|spool = $T/var/spool|" "$CONF"
"$LIAISON" -c "$CONF" check > "$T/out" 2> "$T/err"
check "a missing directory that holds the spool is no problem" "0 1" "$? $(grep -c ': OK: ' "$T/out")"
deliver "$S/01-action-ccamp.eml" -r statements@example.org
check "and deliver creates it (0)" 0 "$rc"
cp "$T/good.conf" "$CONF"

# The sendmail program: missing, or a directory.
sed -i -e 's/^method *=.*/method = sendmail/' -e "s|^\[delivery\]|[delivery]\nsendmail = $T/no-sendmail|" "$CONF"
check_says "a missing sendmail" "\[delivery\] sendmail: $T/no-sendmail is not executable: No such file or directory"
sed -i "s|^sendmail *=.*|sendmail = $T|" "$CONF"
check_says "a sendmail that is a directory" "\[delivery\] sendmail: $T is not a program"
cp "$T/good.conf" "$CONF"

# Directories the user cannot write. root writes anywhere, so as root the
# check runs as nobody.
as_other=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv > /dev/null 2>&1 && getent passwd nobody > /dev/null &&
	   getent group nogroup > /dev/null; then
		as_other="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	fi
fi
if [ "$(id -u)" != 0 ] || [ -n "$as_other" ]; then
	mkdir "$T/ro-db" "$T/ro-spool"
	chmod 755 "$T" "$T/ro-db" "$T/ro-spool"
	chmod 555 "$T/ro-db" "$T/ro-spool"
	chmod 644 "$CONF"
	sed -i -e "s|^database *=.*|database = $T/ro-db/liaison.db|" -e "s|^spool *=.*|spool = $T/ro-spool|" "$CONF"
	$as_other "$LIAISON" -c "$CONF" check > "$T/out" 2> "$T/err"
	check "unwritable directories: check exits 1" 1 "$?"
	check "the database's directory is named" 1 \
		"$(grep -c "\[liaison\] database: $T/ro-db is not writable: Permission denied" "$T/out")"
	check "the spool is named" 1 \
		"$(grep -c "\[liaison\] spool: $T/ro-spool is not writable: Permission denied" "$T/out")"
	chmod 700 "$T"
	cp "$T/good.conf" "$CONF"
else
	echo "# skipped: unwritable directories (as root, needs setpriv, nobody and nogroup)"
fi


# 3. queue run says how many messages wait for a later attempt. A fake
# sendmail that defers (75) while $T/fail exists.
write_config "method = sendmail"
sed -i "s|^\[delivery\]|[delivery]\nsendmail = $T/sendmail|" "$CONF"
printf '#!/bin/sh\ncat > /dev/null\n[ -f "%s/fail" ] && exit 75\nexit 0\n' "$T" > "$T/sendmail"
chmod +x "$T/sendmail"
: > "$T/fail"
deliver "$S/01-action-ccamp.eml"
first=$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")
LIAISON_NOW=2026-11-27T10:06:00Z "$LIAISON" -c "$CONF" queue run > "$T/out" 2> "$T/err"
check "a run while sendmail defers: none sent, all waiting" \
	"queue run: 0 sent, 0 failed, $first waiting for a later attempt" "$(tail -1 "$T/out")"
LIAISON_NOW=2026-11-27T10:12:00Z deliver "$S/02-information-detnet.eml"
second=$(($(sql "SELECT count(*) FROM outbox WHERE state = 'queued'") - first))
check "the second statement's mail is queued too" yes "$([ "$second" -gt 0 ] && echo yes)"
# The mail system is back; one of the first statement's messages changed in
# the spool (so it is never sent); the second's are not due yet.
rm "$T/fail"
sha=$(sql "SELECT o.sha256 FROM outbox o JOIN statements s ON s.id = o.statement WHERE s.ls_id = 'LS-2026-0001' ORDER BY o.id LIMIT 1")
out="$T/spool/out/$(echo "$sha" | cut -c1-2)/$sha"
chmod u+w "$out" && echo tampered >> "$out"
LIAISON_NOW=2026-11-27T10:16:00Z "$LIAISON" -c "$CONF" queue run > "$T/out" 2> "$T/err"
check "queue run exits 0" 0 "$?"
check "queue run counts sent, failed and waiting" \
	"queue run: $((first - 1)) sent, 1 failed, $second waiting for a later attempt" "$(tail -1 "$T/out")"
check "the waiting ones are those still queued" "$second" "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")"

# 4. A reader that stops early. closed_pipe CMD...: runs CMD with its
# standard output a pipe whose reader is already gone (so that every
# write fails, whatever the size of the output and the timing), stderr to
# $T/err; returns its exit status (128+N when signal N killed it).
write_config
for f in "$S"/*.eml; do
	deliver "$f" -r statements@example.org
done
if command -v python3 > /dev/null 2>&1; then
	closed_pipe () {
		python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[2:], stdout=w, stderr=open(sys.argv[1], "wb"))
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)' "$T/err" "$@"
	}
else
	closed_pipe () { echo "# python3 is not installed: closed pipe not checked"; : > "$T/err"; }
fi
for cmd in "show LS-2026-0001" "show --json LS-2026-0001" "list" "list --json" \
	   "thread LS-2026-0001" "thread --json LS-2026-0001" "search slic*" \
	   "export --format json" "export --format csv" "export --format atom" \
	   "queue list --all" "check" "--help"; do
	# shellcheck disable=SC2086
	closed_pipe "$LIAISON" -c "$CONF" $cmd
	check "$cmd into a closed pipe: exit 0, stderr empty" "0 " "$? $(cat "$T/err")"
	# shellcheck disable=SC2086
	"$LIAISON" -c "$CONF" $cmd 2> "$T/err" | head -1 > "$T/out"
	check "$cmd | head -1: one line, stderr empty" "1 " "$(wc -l < "$T/out") $(cat "$T/err")"
done
# A write that fails otherwise is still an error.
if [ -c /dev/full ]; then
	"$LIAISON" -c "$CONF" list > /dev/full 2> "$T/err"
	check "list > /dev/full exits 1" 1 "$?"
	check "with one line" 1 "$(grep -c 'cannot write the output: No space left on device' "$T/err")"
fi
finish
