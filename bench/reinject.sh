#!/bin/sh
# bench/reinject.sh: measures `liaison reinject` on the corpora of
# ../shared/bench/gen_corpus.py (10,000 small messages, 2,000 with
# attachments; each as an mbox and as a Maildir of the same messages), a
# fresh database for each, then a second run of the same source (all known
# duplicates). Prints messages/s, MB/s and peak RSS beside the reference
# figures of ../shared/bench/README.md (floor.c: GMime + one SQLite
# transaction for the whole mailbox; reinject commits, and syncs, each
# message, and sends what it queues). The peak RSS of an mbox run counts
# the mapped mailbox's resident pages (page cache, not heap).
#
#   sh bench/reinject.sh                        # from the project root
#   LIAISON=build/liaison N_SMALL=2000 N_ATT=200 sh bench/reinject.sh
#
# Variables: LIAISON (the binary; default build/liaison, else ./liaison),
# BENCH_DIR (default /tmp/lsbench-reinject; the corpora take ~1.3 GB and each
# run's spool as much again), N_SMALL, N_ATT, SEED, CORPORA ("small att").
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
B=${BENCH_DIR:-/tmp/lsbench-reinject}
SEED=${SEED:-1}
N_SMALL=${N_SMALL:-10000}
N_ATT=${N_ATT:-2000}
CORPORA=${CORPORA:-small att}
if [ -z "${LIAISON:-}" ]; then
	for candidate in "$ROOT/build/liaison" "$ROOT/liaison"; do
		[ -x "$candidate" ] && LIAISON=$candidate && break
	done
fi
[ -x "${LIAISON:-}" ] || { echo "bench: no liaison binary (set LIAISON)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
PY=${PY:-python3}

mkdir -p "$B"
G="$PY $SHARED/gen_corpus.py --seed $SEED"
for corpus in $CORPORA; do
	[ -f "$B/$corpus.mbox" ] && continue
	case $corpus in
	small) $G --count "$N_SMALL" --small --format both --out "$B/small" --stats-json "$B/small.stats.json" ;;
	att) $G --count "$N_ATT" --format both --out "$B/att" --stats-json "$B/att.stats.json" ;;
	esac
done

# run NAME SOURCE: one reinject into the database of NAME; prints
# "seconds peak-KiB summary".
run () {
	/usr/bin/time -f '%e %M' -o "$B/time" "$LIAISON" -c "$B/$1.conf" reinject "$2" > "$B/out" 2> "$B/err" || {
		echo "bench: reinject failed:" >&2
		cat "$B/err" >&2
		exit 1
	}
	printf '%s %s\n' "$(cat "$B/time")" "$(tail -n 1 "$B/out")"
}

echo "| corpus | source | run | messages | s | msg/s | MB/s | peak RSS MiB | summary |"
echo "|---|---|---|---:|---:|---:|---:|---:|---|"
for corpus in $CORPORA; do
	bytes=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['bytes'])" "$B/$corpus.stats.json" 2>/dev/null || stat -c %s "$B/$corpus.mbox")
	for format in mbox maildir; do
		name=$corpus-$format
		rm -rf "$B/$name"
		mkdir -p "$B/$name"
		sed -e "s|^database *=.*|database = $B/$name/liaison.db|" \
		    -e "s|^spool *=.*|spool = $B/$name/spool|" \
		    -e "s|^maildir *=.*|maildir = $B/$name/outbox|" \
		    "$ROOT/samples/liaison.conf" > "$B/$name.conf"
		for pass in first second; do
			set -- $(run "$name" "$B/$corpus.$format")
			seconds=$1 kib=$2 messages=$3
			shift 3
			awk -v c="$corpus" -v f="$format" -v p="$pass" -v n="$messages" -v s="$seconds" \
			    -v k="$kib" -v b="$bytes" -v sum="$messages $*" 'BEGIN {
				t = s > 0 ? s : 0.001
				printf "| %s | %s | %s | %d | %.2f | %.0f | %.1f | %.1f | %s |\n",
				       c, f, p, n, s, n / t, b / 1e6 / t, k / 1024, sum }'
		done
	done
done
echo
echo "Reference (../shared/bench/README.md, floor.c, one transaction per mailbox):"
echo "small 9,000 msg/s 24.3 MB/s 9.2 MiB (mbox), 7,470 msg/s (Maildir);"
echo "att 757 msg/s 224 MB/s 8.0 MiB (mbox), 899 msg/s (Maildir)."
