#!/bin/sh
# End-to-end: files, inputs and outputs (issue 16). The database and its
# -wal and -shm files are 0640 whatever the umask; a configuration, spool
# or outbox that others may write is refused (deliver: 75 and 4.3.5,
# nothing recorded; check: reported, exit 1); reinject never follows a link
# out of a folder, never hangs on a FIFO, and counts the MH names it cannot
# use; export -o writes a regular file through a temporary one and leaves
# a device alone. Run as root (CI), it also checks ownership by another
# user; as anyone else that check is skipped.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
first=$(ls "$S"/*.eml | head -1)
second=$(ls "$S"/*.eml | sed -n 2p)
third=$(ls "$S"/*.eml | sed -n 3p)
fourth=$(ls "$S"/*.eml | sed -n 4p)
root=no
[ "$(id -u)" = 0 ] && root=yes

mode () { stat -c %a "$1"; }
messages () { sql 'SELECT count(*) FROM messages'; }
# run ARGS...: the binary with our configuration; sets $rc, keeps stdout
# and stderr in $T/out and $T/err.
run () { "$LIAISON" -c "$CONF" "$@" > "$T/out" 2> "$T/err"; rc=$?; }

# ------------------------------------------------------------ database modes

for u in 000 077; do
	rm -rf "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm" "$T/spool"
	(umask $u; "$LIAISON" -c "$CONF" deliver < "$first" 2> "$T/err")
	check "umask $u: deliver exits 0" 0 "$?"
	check "umask $u: the database is 0640" 640 "$(mode "$T/liaison.db")"

	# -wal and -shm exist while a connection is open: reinject opens the
	# store, then reads its mailbox from standard input, here a FIFO held
	# open until their modes are read.
	mkfifo "$T/in"
	(umask $u; exec timeout 60 "$LIAISON" -c "$CONF" reinject - < "$T/in" > "$T/out" 2>&1) &
	pid=$!
	exec 3> "$T/in"
	i=0
	while [ ! -e "$T/liaison.db-shm" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	check "umask $u: the -wal file is 0640" 640 "$(mode "$T/liaison.db-wal")"
	check "umask $u: the -shm file is 0640" 640 "$(mode "$T/liaison.db-shm")"
	exec 3>&-
	wait $pid
	check "umask $u: the reinject of nothing exits 0" 0 "$?"
	rm -f "$T/in"
	check "umask $u: spool files are not open to others" "" \
		"$(find "$T/spool" -type f -perm /007)"
done

# A database left open to others (an older version, a loose umask) is
# reported by check, and closed to them by the next command that writes.
chmod 0666 "$T/liaison.db"
run check
check "check: a database open to others exits 1" 1 "$rc"
check "check: it says so" 1 "$(grep -c 'liaison.db is open to others (mode 0666)' "$T/out")"
deliver "$second"
check "the next deliver exits 0" 0 "$rc"
check "it takes the permissions of others away" 660 "$(mode "$T/liaison.db")"
chmod 0640 "$T/liaison.db"
run check
check "check: all well again" 0 "$rc"

# ------------------------------------------------------ configuration modes

# refused WHAT: deliver defers with 75 and 4.3.5 and records nothing; check
# reports the problem (PATTERN) and exits 1; another command exits 1.
refused () {
	before=$(messages)
	deliver "$third"
	check "$1: deliver exits 75" 75 "$rc"
	check "$1: its stderr line starts with 4.3.5" 1 "$(grep -c '^4\.3\.5 liaison: .*refused' "$T/stderr")"
	check "$1: nothing is recorded" "$before" "$(messages)"
	run check
	check "$1: check exits 1" 1 "$rc"
	check "$1: check says why" 1 "$(grep -c "$2" "$T/out")"
	run list
	check "$1: list exits 1" 1 "$rc"
	run reinject "$first"
	check "$1: reinject exits 75" 75 "$rc"
}

chmod 0666 "$CONF"
refused "a world-writable configuration" "liaison.conf is writable by everyone (mode 0666)"
chmod 0644 "$CONF"

# A link is judged by its target.
ln -s "$CONF" "$T/link.conf"
chmod 0646 "$CONF"
"$LIAISON" -c "$T/link.conf" deliver < "$third" 2> "$T/stderr"
check "a link to a world-writable configuration: deliver exits 75" 75 "$?"
check "a link to a world-writable configuration: 4.3.5" 1 "$(grep -c '^4\.3\.5 .*writable by everyone' "$T/stderr")"
chmod 0644 "$CONF"
"$LIAISON" -c "$T/link.conf" check > "$T/out"
check "a link to a sound configuration is read" 0 "$?"

if [ $root = yes ] && getent group nogroup > /dev/null && getent passwd nobody > /dev/null; then
	chgrp nogroup "$CONF"
	chmod 0664 "$CONF"
	refused "a configuration writable by another group" "writable by group $(getent group nogroup | cut -d: -f3)"
	chmod 0644 "$CONF"
	chgrp root "$CONF"
	chown nobody "$CONF"
	refused "a configuration owned by another user" "owned by user $(id -u nobody), neither root nor the running user"
	chown root "$CONF"
else
	echo "# skipped: the configuration owned by another user (needs root, nobody and nogroup)"
fi
# Group-writable by the user's own group is fine (a umask of 002).
chmod 0664 "$CONF"
run check
check "a configuration writable by the user's own group is read" 0 "$rc"
chmod 0644 "$CONF"

chmod 0777 "$T/spool"
refused "a world-writable spool" "\[liaison\] spool: $T/spool is writable by everyone (mode 0777): refused"
chmod 0750 "$T/spool"
mkdir -p "$T/outbox"
chmod 1777 "$T/outbox"
refused "a world-writable outbox Maildir" "\[delivery\] maildir: $T/outbox is writable by everyone (mode 1777)"
chmod 0750 "$T/outbox"
deliver "$third"
check "all well again: deliver exits 0" 0 "$rc"

# ------------------------------------------------------------ reinject

rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
mkdir -p "$T/Maildir/cur" "$T/Maildir/new" "$T/Maildir/tmp" "$T/outside"
cp "$first" "$T/Maildir/cur/1795000001.M1P1.mx.example.org:2,S"
cp "$second" "$T/outside/secret.eml"
ln -s "$T/outside/secret.eml" "$T/Maildir/cur/1795000002.M2P1.mx.example.org:2,S"
mkfifo "$T/Maildir/new/1795000003.M3P1.mx.example.org"
timeout 60 "$LIAISON" -c "$CONF" reinject "$T/Maildir" > "$T/out" 2> "$T/err"
check "reinject of a Maildir with a link and a FIFO exits 0 (not hung)" 0 "$?"
check "only the regular file is recorded" 1 "$(messages)"
sha=$(sha256sum < "$second" | cut -d' ' -f1)
check "the file the link points to is not read" 0 "$(sql "SELECT count(*) FROM messages WHERE raw_sha256 = '$sha'")"
check "the link is reported" 1 "$(grep -c 'reinject: .*/1795000002.M2P1.mx.example.org:2,S: a symbolic link: not read$' "$T/err")"
check "the FIFO is reported" 1 "$(grep -c 'reinject: .*/1795000003.M3P1.mx.example.org: a FIFO: not read$' "$T/err")"
check "the summary counts them" \
	"1 messages: 1 statements, 0 replies, 0 held, 0 duplicates, 0 other, 0 errors, 2 skipped (1 symbolic links, 1 not regular files, 0 not MH message numbers)" \
	"$(tail -n 1 "$T/out")"

# A cur/ that is a link is not followed either.
mkdir -p "$T/Maildir2/new" "$T/elsewhere/x"
cp "$second" "$T/elsewhere/x/1795000004.M4P1.mx.example.org"
ln -s "$T/elsewhere/x" "$T/Maildir2/cur"
timeout 60 "$LIAISON" -c "$CONF" reinject --dry-run "$T/Maildir2" > "$T/out" 2> "$T/err"
check "dry run: a Maildir whose cur/ is a link exits 0" 0 "$?"
check "dry run: cur/ is reported" 1 "$(grep -c 'Maildir2/cur: a symbolic link: not read$' "$T/err")"
check "dry run: the summary counts it" \
	"0 messages: 0 statements, 0 replies, 0 held, 0 duplicates, 0 other, 0 errors, 1 skipped (1 symbolic links, 0 not regular files, 0 not MH message numbers)" \
	"$(tail -n 1 "$T/out")"

# MH: names that are not message numbers are counted and said; "007" is
# message 7, as nmh reads it.
mkdir -p "$T/mh"
cp "$third" "$T/mh/007"
cp "$fourth" "$T/mh/12abc"
cp "$fourth" "$T/mh/99999999999999999999"
cp "$fourth" "$T/mh/0"
echo "unseen: 7" > "$T/mh/.mh_sequences"
timeout 60 "$LIAISON" -c "$CONF" reinject "$T/mh" > "$T/out" 2> "$T/err"
check "reinject of the MH folder exits 0" 0 "$?"
check "007 is read" 2 "$(messages)"
sha=$(sha256sum < "$fourth" | cut -d' ' -f1)
check "names that are not message numbers are not read" 0 "$(sql "SELECT count(*) FROM messages WHERE raw_sha256 = '$sha'")"
check "each is reported" 3 "$(grep -c ': not an MH message number: not read$' "$T/err")"
check "12abc is among them" 1 "$(grep -c '/mh/12abc: not an MH message number' "$T/err")"
check "the dot file is not" 0 "$(grep -c 'mh_sequences' "$T/err")"
check "the summary counts them" \
	"1 messages: 1 statements, 0 replies, 0 held, 0 duplicates, 0 other, 0 errors, 3 skipped (0 symbolic links, 0 not regular files, 3 not MH message numbers)" \
	"$(tail -n 1 "$T/out")"

# ------------------------------------------------------------ export -o

run export --format json -o "$T/register.json"
check "export -o a new path exits 0" 0 "$rc"
check "it is a regular file" "regular file" "$(stat -c %F "$T/register.json")"
check "no temporary file is left beside it" "register.json" "$(ls "$T" | grep '^register')"
ino=$(stat -c %i "$T/register.json")
run export --format json -o "$T/register.json"
check "export -o over a regular file exits 0" 0 "$rc"
check "it is replaced by a rename (a new inode)" yes \
	"$([ "$(stat -c %i "$T/register.json")" != "$ino" ] && echo yes || echo no)"
echo "kept" > "$T/target"
ln -s "$T/target" "$T/register-link.json"
run export --format json -o "$T/register-link.json"
check "export -o a link exits 1" 1 "$rc"
check "the link's target is left alone" kept "$(cat "$T/target")"
if [ -c /dev/full ]; then
	before=$(stat -c '%F %a %u' /dev/full)
	run export --format json -o /dev/full
	check "export -o /dev/full exits 1" 1 "$rc"
	check "it says it is a device" 1 "$(grep -c '/dev/full is a device' "$T/err")"
	check "/dev/full is left alone" "$before" "$(stat -c '%F %a %u' /dev/full)"
fi

finish
