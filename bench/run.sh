#!/bin/sh
# bench/run.sh (`make bench`): issue 9's targets, each measured side by side
# with its reference in one call, and one table of the results.
#
#   make bench                                  # from the build directory
#   LIAISON=build/liaison sh bench/run.sh       # by hand
#   STEPS="latency queries" RUNS=10 sh bench/run.sh
#
# Steps (STEPS, default all, in this order):
#   setup    corpora (../shared/bench/gen_corpus.py), the floor
#            (../shared/bench/floor.c), the 10,000-message database
#   latency  `cat one.eml | liaison deliver` (152 KB, one 108 KiB PDF, a
#            fresh Message-ID each run, a copy of the 10,000-message
#            database) against floor.c -f message and py_filter.py
#   bulk     reinject of the 10,000 small messages against floor.c (mbox)
#            and notmuch new; of the 2,000 messages with attachments
#            against floor.c
#   rebuild  `rebuild` of a store of the small corpus and of one of the
#            attachment corpus against floor.c on the same mbox; peak RSS
#   memory   peak RSS (GNU time) of deliver on a 50 MB message and of
#            reinject of the attachment mbox
#   queries  list --json, show, search (when --help lists it) against
#            liaison --version
#   growth   deliver and the queries on stores of GROWTH messages
#
# Tools: hyperfine and GNU time (Debian packages hyperfine, time), notmuch
# for its reference, gcc and the GMime and SQLite headers for the floor,
# /usr/bin/python3. Variables: LIAISON, BENCH_DIR (default /tmp/lsbench:
# ~1.3 GB of corpora, as much again for the databases and spools), RUNS
# (default 10: every median is of at least that many runs), RUNS_BULK
# (default RUNS), RUNS_NOTMUCH (default 3: ~45 s a run), GROWTH (default
# "1000 10000 100000"; building a store takes one reinject of that many
# messages), SEED, SHARED (default ../shared/bench beside the sources).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
B=${BENCH_DIR:-/tmp/lsbench}
RUNS=${RUNS:-10}
RUNS_BULK=${RUNS_BULK:-$RUNS}
RUNS_NOTMUCH=${RUNS_NOTMUCH:-3}
SEED=${SEED:-1}
GROWTH=${GROWTH:-1000 10000 100000}
STEPS=${STEPS:-setup latency bulk rebuild memory queries growth}
PY=/usr/bin/python3   # not a pyenv shim: its wrapper adds ~20 ms a start
if [ -z "${LIAISON:-}" ]; then
	for candidate in "$ROOT/build/liaison" "$ROOT/liaison"; do
		[ -x "$candidate" ] && LIAISON=$candidate && break
	done
fi
[ -x "${LIAISON:-}" ] || { echo "bench: no liaison binary (set LIAISON)" >&2; exit 1; }
LIAISON=$(cd "$(dirname "$LIAISON")" && pwd)/$(basename "$LIAISON")
for tool in hyperfine /usr/bin/time gcc sqlite3 $PY; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "bench: $tool is needed (apt-get install hyperfine time gcc sqlite3 python3)" >&2; exit 1; }
done
mkdir -p "$B/results"
R=$B/results
TABLE=$R/table.md
G="$PY $SHARED/gen_corpus.py --seed $SEED"

# conf NAME: a configuration whose database, spool and outbox are under
# $B/NAME; prints its path.
conf () {
	mkdir -p "$B/$1"
	sed -e "s|^database *=.*|database = $B/$1/liaison.db|" \
	    -e "s|^spool *=.*|spool = $B/$1/spool|" \
	    -e "s|^maildir *=.*|maildir = $B/$1/outbox|" \
	    "$ROOT/samples/liaison.conf" > "$B/$1.conf"
	echo "$B/$1.conf"
}

# first N SOURCE OUT: the first N messages of an mbox.
first () {
	awk -v n="$1" '/^From /{k++} k<=n' "$2" > "$3"
}

# reinject_into NAME MBOX: a fresh store NAME holding MBOX.
reinject_into () {
	rm -rf "${B:?}/$1"
	"$LIAISON" -c "$(conf "$1")" reinject "$2" > "$R/$1.reinject.out" 2>&1 ||
		{ echo "bench: reinject into $1 failed" >&2; cat "$R/$1.reinject.out" >&2; exit 1; }
}

# stats JSON: "name median min max runs cpu" (seconds) of each command in
# hyperfine's JSON; cpu is the mean user + system time, which the load of
# a shared machine inflates less than the wall time.
stats () {
	$PY - "$@" <<'EOF'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    t = r["times"]
    print(r["command"], statistics.median(t), min(t), max(t), len(t), r["user"] + r["system"])
EOF
}

# row TARGET GOAL A B KIND LIMIT: a table row from $R/cur.stats, for the
# commands named A and B. KIND "le": met when median(A)/median(B) <= LIMIT;
# "ge": met when median(B)/median(A) >= LIMIT (B slower, A's speed-up).
row () {
	awk -v target="$1" -v goal="$2" -v a="$3" -v b="$4" -v kind="$5" -v limit="$6" '
	function t(x) { return x >= 1 ? sprintf("%.2f s", x) : sprintf("%.1f ms", x * 1000) }
	function tt(m, lo, hi) { return t(m) " (" t(lo) " - " t(hi) ")" }
	$1 == a { am = $2; alo = $3; ahi = $4; ac = $6 }
	$1 == b { bm = $2; blo = $3; bhi = $4; bc = $6 }
	END {
		if (am == "" || bm == "") { printf "| %s | missing | | | | %s | no |\n", target, goal; exit }
		r = kind == "le" ? am / bm : bm / am
		c = ac > 0 && bc > 0 ? (kind == "le" ? ac / bc : bc / ac) : 0
		met = kind == "le" ? r <= limit : r >= limit
		printf "| %s | %s | %s: %s | %.2f | %.2f | %s | %s |\n", target, tt(am, alo, ahi), b,
		       tt(bm, blo, bhi), r, c, goal, met ? "**met**" : "not met"
	}' "$R/cur.stats" >> "$TABLE"
}

step_setup () {
	[ -f "$B/one.eml" ] || $G --count 1 --attachments 1 --attach-kb 108 --no-replies \
		--no-malformed --format eml --out "$B/one.eml"
	[ -f "$B/small.mbox" ] || $G --count 10000 --small --format both --out "$B/small" \
		--stats-json "$B/small.stats.json"
	[ -f "$B/att.mbox" ] || $G --count 2000 --format both --out "$B/att" \
		--stats-json "$B/att.stats.json"
	[ -x "$B/floor" ] || gcc -O2 -Wall -o "$B/floor" "$SHARED/floor.c" \
		$(pkg-config --cflags --libs gmime-3.0 sqlite3)
	# The stores the latency and query steps start from: 10,000 messages,
	# for liaison and for the floor alike.
	if [ ! -f "$B/base10k/liaison.db" ]; then
		echo "bench: building the 10,000-message store (one reinject)" >&2
		reinject_into base10k "$B/small.mbox"
	fi
	settle base10k
	[ -f "$B/floor10k.sqlite" ] || "$B/floor" -q -n -d "$B/floor10k.sqlite" "$B/small.mbox"
}

# settle NAME: the store NAME as a running system has it, once here, not
# in every copy the timed runs make. A store made by an older binary is
# migrated (by a queue run, with nothing due: the read-only commands do
# not migrate); then what is in its WAL (the migration's pages) is
# checkpointed and the WAL left with one frame, as between two
# deliveries. Otherwise each timed copy would pay a checkpoint in its
# commit (two more syncs), or, with no WAL file, create one (two more:
# its directory and its header). The sqlite3 shell deletes the WAL when
# it closes unless told no_ckpt_on_close.
settle () {
	"$LIAISON" -c "$B/$1.conf" queue run > /dev/null
	v=$(sqlite3 -cmd ".dbconfig no_ckpt_on_close on" "$B/$1/liaison.db" "PRAGMA user_version;" |
		tail -n 1)
	sqlite3 -cmd ".dbconfig no_ckpt_on_close on" "$B/$1/liaison.db" \
		"PRAGMA wal_checkpoint(TRUNCATE); PRAGMA user_version = $v;" > /dev/null
}

# The per-run preparation of the latency step: a copy of the stores, and
# the message with a Message-ID not seen before.
write_prepare () {
	cat > "$B/prepare.sh" <<EOF
#!/bin/sh
set -e
rm -rf "$B/lat"
mkdir -p "$B/lat"
# The store as a running system has it: the database with its WAL (which
# outlives the processes), and the spool with its secret and journal (the
# spool's files never change once written: hard links; the journal is
# appended to: a copy).
for f in "\$1"/liaison.db "\$1"/liaison.db-wal; do
	[ ! -f "\$f" ] || cp "\$f" "$B/lat/"
done
if [ -d "\$1/spool" ]; then
	cp -al "\$1/spool" "$B/lat/spool"
	rm -f "$B/lat/spool/journal"
	[ ! -f "\$1/spool/journal" ] || cp "\$1/spool/journal" "$B/lat/spool/journal"
fi
cp "$B/floor10k.sqlite" "$B/lat/floor.sqlite"
sed "s/^Message-ID: *<[^>]*>/Message-ID: <bench.\$(date +%s%N).\$\$@example.org>/I" "\$2" > "$B/lat/msg.eml"
# The copies are written back now, not by the first fsync of the timed run.
sync
EOF
	sed -e "s|^database *=.*|database = $B/lat/liaison.db|" \
	    -e "s|^spool *=.*|spool = $B/lat/spool|" \
	    -e "s|^maildir *=.*|maildir = $B/lat/outbox|" \
	    "$ROOT/samples/liaison.conf" > "$B/lat.conf"
}

step_latency () {
	write_prepare
	hyperfine -N --style basic --warmup 2 --runs "$RUNS" --export-json "$R/latency.json" \
		--prepare "sh $B/prepare.sh $B/base10k $B/one.eml" \
		-n liaison-deliver "sh -c 'cat $B/lat/msg.eml | exec $LIAISON -c $B/lat.conf deliver'" \
		-n floor-message "sh -c 'cat $B/lat/msg.eml | exec $B/floor -q -f message -d $B/lat/floor.sqlite -'" \
		-n py-filter "sh -c 'cat $B/lat/msg.eml | exec $PY $SHARED/py_filter.py $B/lat/py.sqlite'" \
		> "$R/latency.out"
	stats "$R/latency.json" > "$R/cur.stats"
	row "deliver, 152 KB message, 10,000 stored" "<= 2.0 x floor" liaison-deliver floor-message le 2.0
	row "deliver against a Python filter" ">= 2.5 x faster" liaison-deliver py-filter ge 2.5
	syncs_row
}

# syncs_row: the calls that wait for the disk in one delivery (strace), the
# floor's beside them; bench/README.md names each and the rule it serves.
SYNC_CALLS=fsync,fdatasync,syncfs,sync_file_range,sync,msync
syncs_row () {
	if ! command -v strace > /dev/null 2>&1; then
		echo "| syncs of one delivery | strace is not installed | | | | <= 8 | no |" >> "$TABLE"
		return
	fi
	sh "$B/prepare.sh" "$B/base10k" "$B/one.eml"
	strace -f -qq -o "$R/syncs-liaison.txt" -e trace=$SYNC_CALLS \
		sh -c "exec $LIAISON -c $B/lat.conf deliver < $B/lat/msg.eml"
	strace -f -qq -o "$R/syncs-floor.txt" -e trace=$SYNC_CALLS \
		sh -c "exec $B/floor -q -f message -d $B/lat/floor.sqlite - < $B/lat/msg.eml"
	awk -v calls="$SYNC_CALLS" '
	BEGIN { n = split(calls, c, ",") }
	FNR == 1 { f++ }
	{ for (i = 1; i <= n; i++) if (index($0, " " c[i] "(") || index($0, c[i] "(") == 1) { k[f, c[i]]++; t[f]++ } }
	function detail(f,   i, s) { s = ""; for (i = 1; i <= n; i++) if (k[f, c[i]] > 0) s = s (s == "" ? "" : ", ") k[f, c[i]] " " c[i]; return s }
	END { printf "| syncs of one delivery (strace) | %d (%s) | floor-message: %d (%s) | | | <= 8 | %s |\n",
	      t[1], detail(1), t[2], detail(2), t[1] <= 8 ? "**met**" : "not met" }' \
		"$R/syncs-liaison.txt" "$R/syncs-floor.txt" >> "$TABLE"
}

step_bulk () {
	conf bulk > /dev/null
	rm -f "$R"/rss-reinject-*.txt
	for c in small att; do
		hyperfine -N --style basic --warmup 0 --runs "$RUNS_BULK" --export-json "$R/bulk-$c.json" \
			--prepare "rm -rf $B/bulk" \
			-n "liaison-reinject-$c" "sh -c 'exec /usr/bin/time -a -f %M -o $R/rss-reinject-$c.txt $LIAISON -c $B/bulk.conf reinject $B/$c.mbox > /dev/null'" \
			-n "floor-mbox-$c" "$B/floor -q -n -d $B/floor-bulk.sqlite $B/$c.mbox" \
			> "$R/bulk-$c.out"
		stats "$R/bulk-$c.json" > "$R/cur.stats"
		if [ "$c" = small ]; then
			row "reinject 10,000 small messages (speed)" ">= 0.5 x floor" \
				liaison-reinject-small floor-mbox-small ge 0.5
		else
			row "reinject 2,000 with attachments (speed)" ">= 0.5 x floor" \
				liaison-reinject-att floor-mbox-att ge 0.5
		fi
	done
	if command -v notmuch >/dev/null 2>&1; then
		cat > "$B/notmuch-small.conf" <<EOF
[database]
path=$B/nmdb-small
mail_root=$B/small.maildir
[user]
name=Bench
primary_email=bench@example.org
[new]
tags=new
ignore=
[maildir]
synchronize_flags=false
EOF
		# notmuch new from an empty database each run; against the
		# reinject runs of the small corpus above.
		NOTMUCH_CONFIG=$B/notmuch-small.conf hyperfine -N --style basic --runs "$RUNS_NOTMUCH" \
			--export-json "$R/bulk-notmuch.json" \
			--prepare "sh -c 'rm -rf $B/nmdb-small && mkdir -p $B/nmdb-small'" \
			-n notmuch-new "notmuch new --quiet" > "$R/bulk-notmuch.out"
		stats "$R/bulk-small.json" > "$R/cur.stats"
		stats "$R/bulk-notmuch.json" >> "$R/cur.stats"
		row "reinject 10,000 small against notmuch new" ">= 5 x faster" \
			liaison-reinject-small notmuch-new ge 5
	else
		echo "| reinject against notmuch new | notmuch is not installed | | | | >= 5 x faster | no |" >> "$TABLE"
	fi
}

# rebuild_store NAME SOURCE: $B/NAME holds a copy of the spool of the store
# SOURCE (hard links; the journal and the secret copied) and a
# configuration whose database is not there yet: what `rebuild` starts from.
rebuild_store () {
	rm -rf "${B:?}/$1"
	conf "$1" > /dev/null
	cp -al "$B/$2/spool" "$B/$1/spool"
	for f in journal secret; do
		rm -f "$B/$1/spool/$f"
		cp -p "$B/$2/spool/$f" "$B/$1/spool/$f"
	done
}

# rebuild: `liaison rebuild` of a store filled with the small corpus
# (base10k) and of one filled with the attachment corpus, against the
# floor reading the same messages from their mbox; the peak RSS of each.
step_rebuild () {
	[ -d "$B/rbatt-src/spool" ] || reinject_into rbatt-src "$B/att.mbox"
	for c in small att; do
		src=base10k
		[ "$c" = att ] && src=rbatt-src
		rebuild_store "rb-$c" "$src"
		rm -f "$R/rss-rebuild-$c.txt"
		hyperfine -N --style basic --warmup 0 --runs "$RUNS_BULK" --export-json "$R/rebuild-$c.json" \
			--prepare "rm -f $B/rb-$c/liaison.db $B/rb-$c/liaison.db-wal $B/rb-$c/liaison.db-shm" \
			-n "liaison-rebuild-$c" "sh -c 'exec /usr/bin/time -a -f %M -o $R/rss-rebuild-$c.txt $LIAISON -c $B/rb-$c.conf rebuild > /dev/null'" \
			-n "floor-mbox-$c" "$B/floor -q -n -d $B/floor-bulk.sqlite $B/$c.mbox" \
			> "$R/rebuild-$c.out"
		stats "$R/rebuild-$c.json" > "$R/cur.stats"
		if [ "$c" = small ]; then
			row "rebuild, 10,000 small messages (messages/s)" ">= 0.5 x floor" \
				liaison-rebuild-small floor-mbox-small ge 0.5
		else
			row "rebuild, 2,000 with attachments (MB/s)" ">= 0.5 x floor" \
				liaison-rebuild-att floor-mbox-att ge 0.5
		fi
		sort -n "$R/rss-rebuild-$c.txt" | tail -n 1 | awk -v c="$c" '{ m = $1 / 1024
			printf "| rebuild (%s), peak RSS | %.1f MiB | | | | <= 64 MiB | %s |\n", c, m,
			       m <= 64 ? "**met**" : "not met" }' >> "$TABLE"
	done
}

# rss LABEL LIMIT-MiB COMMAND...: peak RSS of one run.
rss () {
	label=$1 limit=$2
	shift 2
	/usr/bin/time -f '%M' -o "$R/rss" "$@" > /dev/null 2> "$R/rss.err" ||
		{ echo "bench: $label failed" >&2; cat "$R/rss.err" >&2; }
	awk -v l="$label" -v lim="$limit" '{ m = $1 / 1024
		printf "| %s | %.1f MiB | | | | <= %d MiB | %s |\n", l, m, lim, m <= lim ? "**met**" : "not met" }' \
		"$R/rss" >> "$TABLE"
}

step_memory () {
	[ -f "$B/big.eml" ] || $G --count 1 --attachments 1 --attach-kb 36000 --no-replies \
		--no-malformed --format eml --out "$B/big.eml"
	write_prepare
	sh "$B/prepare.sh" "$B/base10k" "$B/big.eml"
	rss "deliver, $(($(stat -c %s "$B/big.eml") / 1000000)) MB message" 32 \
		sh -c "exec $LIAISON -c $B/lat.conf deliver < $B/lat/msg.eml"
	label="reinject of the $(($(stat -c %s "$B/att.mbox") / 1000000)) MB attachment mbox"
	if [ -s "$R/rss-reinject-att.txt" ]; then
		# The largest of the bulk step's runs.
		sort -n "$R/rss-reinject-att.txt" | tail -n 1 > "$R/rss"
		awk -v l="$label" '{ m = $1 / 1024
			printf "| %s | %.1f MiB | | | | <= 64 MiB | %s |\n", l, m, m <= 64 ? "**met**" : "not met" }' \
			"$R/rss" >> "$TABLE"
	else
		rm -rf "$B/bulk"
		conf bulk > /dev/null
		rss "$label" 64 "$LIAISON" -c "$B/bulk.conf" reinject "$B/att.mbox"
	fi
}

# queries NAME: the query commands on the store NAME against --version.
queries () {
	qconf=$B/$1.conf
	id=$("$LIAISON" -c "$qconf" list --json | $PY -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
	set -- -n version "$LIAISON --version" \
		-n list-json "sh -c 'exec $LIAISON -c $qconf list --json > /dev/null'" \
		-n show "$LIAISON -c $qconf show $id"
	if "$LIAISON" --help | grep -q '^ *search'; then
		set -- "$@" -n search "sh -c 'exec $LIAISON -c $qconf search multicast > /dev/null'"
	fi
	hyperfine -N --style basic --warmup 2 --runs "$RUNS" --export-json "$R/queries.json" "$@" \
		> "$R/queries.out"
	stats "$R/queries.json" > "$R/cur.stats"
}

step_queries () {
	queries base10k
	for q in show search; do
		grep -q "^$q " "$R/cur.stats" || continue
		row "$q, 10,000 stored" "<= 2 x --version" "$q" version le 2
	done
	bytes=$("$LIAISON" -c "$B/base10k.conf" list --json | wc -c)
	awk -v bytes="$bytes" '$1 == "list-json" { r = bytes / 1e6 / $2
		printf "| list --json, 10,000 stored (output rate) | %.0f MB/s (%.1f MB in %.1f ms) | | | | >= 200 MB/s | %s |\n",
		       r, bytes / 1e6, $2 * 1000, (r >= 200 ? "**met**" : "not met") }' "$R/cur.stats" >> "$TABLE"
}

step_growth () {
	{
		echo
		echo "Growth: medians in ms, and each against its reference measured in the"
		echo "same call (deliver: the latency step's command, against the floor's;"
		echo "the queries against --version)"
		echo
		echo "| stored messages | deliver | floor | x floor | list --json | show | search | --version | list | show | search | list --json MB/s |"
		echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	} > "$R/growth.md"
	for n in $GROWTH; do
		name=grow$n
		if [ "$n" = 10000 ]; then
			name=base10k
		elif [ ! -f "$B/$name/liaison.db" ]; then
			if [ "$n" -le 10000 ]; then
				first "$n" "$B/small.mbox" "$B/small$n.mbox"
			else
				[ -f "$B/small$n.mbox" ] || $G --count "$n" --small --format mbox \
					--out "$B/small$n.mbox"
			fi
			echo "bench: building the $n-message store (one reinject)" >&2
			reinject_into "$name" "$B/small$n.mbox"
		fi
		settle "$name"
		write_prepare
		hyperfine -N --style basic --warmup 2 --runs "$RUNS" --export-json "$R/growth-$n.json" \
			--prepare "sh $B/prepare.sh $B/$name $B/one.eml" \
			-n deliver "sh -c 'cat $B/lat/msg.eml | exec $LIAISON -c $B/lat.conf deliver'" \
			-n floor "sh -c 'cat $B/lat/msg.eml | exec $B/floor -q -f message -d $B/lat/floor.sqlite -'" \
			> "$R/growth-$n.out"
		stats "$R/growth-$n.json" > "$R/growth.stats"
		queries "$name"
		cp "$R/queries.json" "$R/queries-$n.json"
		cat "$R/cur.stats" >> "$R/growth.stats"
		bytes=$("$LIAISON" -c "$B/$name.conf" list --json | wc -c)
		awk -v n="$n" -v bytes="$bytes" '{ m[$1] = sprintf("%.1f", $2 * 1000); v[$1] = $2 }
		function x(a, b) { return v[a] == "" || v[b] == "" ? "-" : sprintf("%.2f", v[a] / v[b]) }
		END { printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f |\n", n, m["deliver"],
		      m["floor"], x("deliver", "floor"), m["list-json"], m["show"],
		      m["search"] == "" ? "-" : m["search"], m["version"], x("list-json", "version"),
		      x("show", "version"), x("search", "version"), bytes / 1e6 / v["list-json"] }' \
			"$R/growth.stats" >> "$R/growth.md"
		last_n=$n last_bytes=$bytes
	done
	# The rate of list --json at the largest store: its output over its
	# median time.
	awk -v n="$last_n" -v bytes="$last_bytes" '$1 == "list-json" { r = bytes / 1e6 / $2
		printf "| list --json, %d stored (output rate) | %.0f MB/s (%.1f MB in %.1f ms) | | | | >= 200 MB/s | %s |\n",
		       n, r, bytes / 1e6, $2 * 1000, (r >= 200 ? "**met**" : "not met") }' "$R/cur.stats" >> "$TABLE"
}

{
	echo "liaison bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
	     "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), RUNS=$RUNS"
	echo
	echo "| target | liaison median (min - max) | reference median (min - max) | ratio | CPU ratio | goal | |"
	echo "|---|---:|---:|---:|---:|---|---|"
} > "$TABLE"
rm -f "$R/growth.md"
for step in $STEPS; do
	echo "bench: $step" >&2
	"step_$step"
done
cat "$TABLE"
[ -f "$R/growth.md" ] && cat "$R/growth.md"
exit 0
