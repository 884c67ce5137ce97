# tests/lib.sh: shared set-up for the end-to-end scripts. Each script sources
# it, gets a fresh scratch directory with a configuration, and calls pass,
# fail and skip. Automake: exit 0 pass, 1 fail, 77 skip.
set -u
: "${LIAISON:?LIAISON must name the binary (make check sets it)}"
: "${top_srcdir:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/liaison-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
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
