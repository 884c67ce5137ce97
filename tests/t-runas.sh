#!/bin/sh
# Who the commands run as (src/base/runas.c): run by root on a spool that
# another account owns (the Debian package's layout), deliver, route,
# rebuild and the other writers become that account first, so that every
# file they leave in its directory is its own; check checks the layout as
# it; a spool whose owner has no account is refused in one line, with
# nothing written. Needs root (as in CI) and the account nobody.
. "$top_srcdir/tests/lib.sh"
if [ "$(id -u)" != 0 ] || ! getent passwd nobody > /dev/null; then
	echo "# skipped: needs root and the account nobody"
	exit 77
fi
U=nobody
UG=$(id -gn "$U")
S="$top_srcdir/samples/mail"

# The package's layout: the database, the spool and the outbox in one
# directory of the account's; the configuration root's.
V="$T/var"
write_config "database = $V/liaison.db" "spool = $V/spool" "maildir = $V/outbox"
# write_config planted the secret in $T/spool: it moves with the spool.
mkdir -p "$V" && mv "$T/spool" "$V/spool"
chmod 755 "$T"
chmod 750 "$V"
chown -R "$U:$UG" "$V"

# not_theirs: the files and directories under $V that are not the account's.
not_theirs () { find "$V" \( ! -user "$U" -o ! -group "$UG" \) -printf '%P %u:%g\n'; }

"$LIAISON" -c "$CONF" check > "$T/out" 2>&1
check "check as root on the account's layout exits 0" 0 "$?"
check "and finds it OK" 1 "$(grep -c ': OK: ' "$T/out")"

for m in "$S"/01-action-ccamp.eml "$S"/08-unknown-group.eml; do
	"$LIAISON" -c "$CONF" deliver -r statements@example.org < "$m" 2> "$T/err"
	check "deliver $(basename "$m") as root exits 0" 0 "$?"
done
check "it says nothing" "" "$(cat "$T/err")"
check "the database is there" yes "$([ -s "$V/liaison.db" ] && echo yes)"
check "mail went to the outbox" yes "$([ -n "$(ls "$V/outbox/new")" ] && echo yes)"
check "every file deliver left is the account's" "" "$(not_theirs)"

"$LIAISON" -c "$CONF" route LS-2026-0001 teas --by chair@example.org > "$T/out" 2> "$T/err"
check "route as root exits 0" 0 "$?"
check "every file route left is the account's" "" "$(not_theirs)"

# A reader stays root, and leaves nothing of root's either.
"$LIAISON" -c "$CONF" list > "$T/out" 2> "$T/err"
check "list as root exits 0" 0 "$?"
check "it lists the statement" 1 "$(grep -c 'LS-2026-0001' "$T/out")"
check "list left nothing of root's" "" "$(not_theirs)"

rm -f "$V/liaison.db" "$V/liaison.db-wal" "$V/liaison.db-shm"
"$LIAISON" -c "$CONF" rebuild > "$T/out" 2> "$T/err"
check "rebuild as root exits 0" 0 "$?"
check "the database is back" yes "$([ -s "$V/liaison.db" ] && echo yes)"
check "every file rebuild left is the account's" "" "$(not_theirs)"
"$LIAISON" -c "$CONF" queue run > "$T/out" 2> "$T/err"
check "queue run as root exits 0" 0 "$?"
"$LIAISON" -c "$CONF" remind > "$T/out" 2> "$T/err"
check "remind as root exits 0" 0 "$?"
check "every file queue run and remind left is the account's" "" "$(not_theirs)"

# The account can still deliver after all that root did.
setpriv --reuid="$U" --regid="$UG" --clear-groups \
	"$LIAISON" -c "$CONF" deliver -r statements@example.org < "$S/02-information-detnet.eml" 2> "$T/err"
check "deliver as the account afterwards exits 0" 0 "$?"

# A spool whose owner has no account: refused in one line, nothing written.
uid=4000000
while getent passwd "$uid" > /dev/null; do uid=$((uid + 1)); done
chown -R "$uid" "$V"
find "$V" | sort > "$T/before"
"$LIAISON" -c "$CONF" deliver -r statements@example.org < "$S/03-response-opsawg.eml" 2> "$T/err"
check "deliver on a spool of no account exits 75" 75 "$?"
check "it says why in one line" 1 "$(wc -l < "$T/err")"
check "the line names the spool, the owner and the refusal" 1 \
	"$(grep -c "run as root, but the spool $V/spool belongs to user $uid, which has no account: refused" "$T/err")"
"$LIAISON" -c "$CONF" route LS-2026-0001 mpls > "$T/out" 2> "$T/err"
check "route on it exits 1" 1 "$?"
check "route says why" 1 "$(grep -c "belongs to user $uid, which has no account: refused" "$T/err")"
"$LIAISON" -c "$CONF" check > "$T/out" 2> "$T/err"
check "check on it exits 1" 1 "$?"
check "check says why" 1 "$(grep -c "belongs to user $uid, which has no account: refused" "$T/out")"
find "$V" | sort > "$T/after"
check "nothing was written" "" "$(diff "$T/before" "$T/after")"
check "no file of root's" "" "$(find "$V" -user root)"

# A spool that is not there yet: its nearest existing directory decides.
chown -R "$U:$UG" "$V"
rm -rf "$V/spool" "$V/liaison.db" "$V/liaison.db-wal" "$V/liaison.db-shm" "$V/outbox"
"$LIAISON" -c "$CONF" deliver -r statements@example.org < "$S/01-action-ccamp.eml" 2> "$T/err"
check "deliver as root with no spool yet exits 0" 0 "$?"
check "the spool it made is the account's" "" "$(not_theirs)"

# Root's own layout: nothing changes.
chown -R root:root "$V"
"$LIAISON" -c "$CONF" deliver -r statements@example.org < "$S/04-several-groups.eml" 2> "$T/err"
check "deliver as root on root's spool exits 0" 0 "$?"
check "its files are root's" "" "$(find "$V" ! -user root)"
finish
