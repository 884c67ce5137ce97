#!/bin/sh
# fuzz/run.sh SRCDIR FUZZDIR: runs the libFuzzer harnesses built in FUZZDIR
# (make fuzz): fuzz-message and fuzz-mailbox once, fuzz-extract once per
# layout of the extractors[] table. Each job gets its own corpus
# directory, a copy of the seeds (tests/data, samples/mail, the kept
# crashers, $FUZZ_CORPUS): the fuzzer adds to its first directory, and the
# shared corpus is never written. Runs $FUZZ_JOBS jobs at a time for $FUZZ_SECONDS each (fewer
# when $FUZZ_BUDGET, the whole run's seconds, says so). Prints each job's
# executions; a crash is kept in FUZZDIR/crashes/ and fails the run.
set -u
SRCDIR=$1 FUZZDIR=$2
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-2}
CORPUS=${FUZZ_CORPUS:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/liaison-fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$FUZZDIR/crashes"

# The jobs: NAME FUZZER LAYOUT DICT KEPT
{
	echo "message message-fuzzer - message.dict message"
	echo "mailbox mailbox-fuzzer - mailbox.dict mailbox"
	for layout in $(LIAISON_FUZZ_LAYOUT=list "$FUZZDIR/extract-fuzzer" 2>/dev/null); do
		echo "extract-$layout extract-fuzzer $layout extract.dict extract"
	done
} > "$WORK/jobs"
njobs=$(wc -l < "$WORK/jobs")
if [ -n "${FUZZ_BUDGET:-}" ]; then
	# Rounds of JOBS jobs must fit the budget.
	rounds=$(((njobs + JOBS - 1) / JOBS))
	fit=$((FUZZ_BUDGET / rounds))
	[ "$fit" -lt "$SECONDS_EACH" ] && SECONDS_EACH=$fit
fi
echo "fuzz: $njobs jobs, $SECONDS_EACH s each, $JOBS at a time"

# The seeds, once; each job copies them.
mkdir -p "$WORK/seeds"
{
	find "$SRCDIR/tests/data" "$SRCDIR/samples/mail" -type f ! -name '*.expected' ! -name '*.json' \
		! -path '*/tests/data/fuzz/*' 2>/dev/null
	[ -d "$CORPUS" ] && find "$CORPUS" -type f ! -name 'README*' ! -name 'LICENSE*' ! -name 'COPYING*' \
		! -name '*.gz' ! -name '*.md' -size -256k
} > "$WORK/seed-list"
# Names repeat across folders: numbered backups keep every file.
xargs -d '\n' cp --backup=numbered -t "$WORK/seeds" < "$WORK/seed-list"
n=$(ls "$WORK/seeds" | wc -l)
[ -d "$CORPUS" ] || CORPUS=
echo "fuzz: $n seeds${CORPUS:+ (with $CORPUS)}"

run_job () {
	name=$1 fuzzer=$2 layout=$3 dict=$4 kept=$5
	mkdir -p "$WORK/$name"
	cp "$WORK/seeds/"* "$WORK/$name/" 2>/dev/null
	[ -d "$SRCDIR/tests/data/fuzz/$kept" ] && cp "$SRCDIR/tests/data/fuzz/$kept/"* "$WORK/$name/" 2>/dev/null
	env ${layout:+LIAISON_FUZZ_LAYOUT=$layout} \
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
		"$FUZZDIR/$fuzzer" -max_total_time="$SECONDS_EACH" -timeout=25 -rss_limit_mb=2560 -max_len=65536 \
		-print_final_stats=1 -dict="$SRCDIR/fuzz/$dict" -artifact_prefix="$FUZZDIR/crashes/$name-" \
		"$WORK/$name" > "$WORK/$name.log" 2>&1
	echo $? > "$WORK/$name.rc"
}

# JOBS at a time, in the background, each in its own subshell.
running=0
while read -r name fuzzer layout dict kept; do
	[ "$layout" = - ] && layout=
	run_job "$name" "$fuzzer" "$layout" "$dict" "$kept" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done < "$WORK/jobs"
wait

status=0 total=0
while read -r name fuzzer layout dict kept; do
	rc=$(cat "$WORK/$name.rc" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$name.log" | tail -1)
	execs=${execs:-0}
	total=$((total + execs))
	if [ "$rc" = 0 ]; then
		echo "fuzz: $name: $execs executions, no crash"
	else
		status=1
		echo "fuzz: $name: FAILED (exit $rc) after $execs executions:"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|artifact' "$WORK/$name.log" | head -20
	fi
done < "$WORK/jobs"
echo "fuzz: $total executions in all"
[ "$status" = 0 ] || echo "fuzz: the crashing inputs are in $FUZZDIR/crashes/: keep each in tests/data/fuzz/ once fixed"
exit $status
