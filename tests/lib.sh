# tests/lib.sh: shared set-up for the end-to-end scripts. Each script sources
# it, gets a fresh scratch directory with a configuration, and calls pass,
# fail and skip. Automake: exit 0 pass, 1 fail, 77 skip.
set -u
: "${LIAISON:?LIAISON must name the binary (make check sets it)}"
: "${top_srcdir:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/liaison-test.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
failures=0
checks=0
CONF="$T/liaison.conf"
export LIAISON_NOW="${LIAISON_NOW:-2026-11-27T10:00:00Z}"

# write_config [EXTRA-LIAISON-KEYS...]: the samples' directory with the store in $T.
write_config () {
	sed -e "s|^database *=.*|database = $T/liaison.db|" \
	    -e "s|^spool *=.*|spool = $T/spool|" \
	    -e "s|^maildir *=.*|maildir = $T/outbox|" \
	    "$top_srcdir/samples/liaison.conf" > "$CONF"
	for kv in "$@"; do
		key=${kv%%=*}
		if grep -q "^$key *=" "$CONF"; then
			sed -i "s|^$key *=.*|$kv|" "$CONF"
		else
			sed -i "s|^\[liaison\]|[liaison]\n$kv|" "$CONF"
		fi
	done
	plant_secret
}

# The spool's secret (SPEC §9), 32 bytes, fixed in the tests so that our
# Message-IDs are the same in every run; write_config puts it in place
# unless there is one. t-verp.sh removes it to see it created.
TEST_SECRET='liaison test secret 0123456789ab'
plant_secret () {
	mkdir -p "$T/spool"
	[ -f "$T/spool/secret" ] || (umask 077; printf '%s' "$TEST_SECRET" > "$T/spool/secret")
	# The scratch directory's owner runs liaison (mta.sh's account).
	chown --reference="$T" "$T/spool" "$T/spool/secret" 2> /dev/null || :
}

# our_id LS-ID KIND [N]: the Message-ID (without <>) of the statement's
# Nth (default first) outgoing message of KIND (forward, ack, held,
# follow-up, reminder), from the outbox.
our_id () {
	sql "SELECT o.message_id FROM outbox o JOIN statements s ON s.id = o.statement
		WHERE s.ls_id = '$1' AND o.kind = '$2' ORDER BY o.id LIMIT 1 OFFSET $(( ${3:-1} - 1 ))"
}

# with_our_ids FILE: FILE with each of our Message-IDs in the unkeyed form
# the fixtures were written in (LS-2026-0001.forward@example.org) replaced
# by the one we sent (our_id), on stdout.
with_our_ids () {
	set -- "$1" ""
	for old in $(grep -o '[A-Z]*-[0-9]*-[0-9]*\.\(forward\|ack\|held\)@example\.org' "$1" | sort -u); do
		new=$(our_id "${old%%.*}" "$(echo "$old" | sed 's/^[^.]*\.\([a-z]*\)@.*/\1/')")
		[ -n "$new" ] && set -- "$1" "$2 -e s/$(echo "$old" | sed 's/\./\\./g')/$new/g"
	done
	# shellcheck disable=SC2086
	sed -e '' $2 "$1"
}

ok () { checks=$((checks + 1)); echo "ok - $*"; }
not_ok () { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok - $*"; }

# check DESCRIPTION EXPECTED ACTUAL
check () {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected '$2', got '$3'"; fi
}

# deliver FILE [ARGS...]: runs deliver on FILE; sets $rc.
deliver () {
	f=$1; shift
	"$LIAISON" -c "$CONF" deliver "$@" < "$f" 2>"$T/stderr"
	rc=$?
}

sql () { sqlite3 -batch -noheader "$T/liaison.db" "$@"; }

finish () {
	echo "$checks checks, $failures failed"
	[ "$failures" = 0 ] || exit 1
	exit 0
}
