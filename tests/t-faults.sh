#!/bin/sh
# End-to-end: deliver under faults of its environment. A full disk (ENOSPC,
# EDQUOT) and a failing one (EIO) for the spool and the database, a
# read-only database and spool, an unreadable configuration. Each gives 75
# with the right enhanced status code and leaves nothing half-written (no
# row, no stray, orphan or missing spool file, PRAGMA integrity_check ok),
# and a retry without the fault records the message. The faults come from
# an LD_PRELOAD shim (tests/faults/shim.c); then the writes and the
# fsyncs of a delivery, into a new and into an existing database, are
# failed in turn: every fsync, and writes spread over all of them.
# (A database locked past the timeout is tests/t-busy.sh's.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"
plain="$top_srcdir/samples/mail/01-action-ccamp.eml"
if [ ! -f "$SHIM" ]; then
	echo "no fault shim at $SHIM"
	exit 77
fi
write_config
# The files a fault may hit: the database and the spool, never the
# configuration or the error output.
FILES="$T/liaison.db:$T/spool/"
# The sweeps try at most this many of a delivery's calls, evenly spread
# from an offset that changes from run to run (LIAISON_FAULT_OFFSET
# repeats one); fewer under the sanitizers, which are slower, or with
# LIAISON_TEST_QUICK.
NEW_POINTS=25 EXISTING_POINTS=50
quick && NEW_POINTS=10 EXISTING_POINTS=20
OFFSET=${LIAISON_FAULT_OFFSET:-$(($(date +%s) % 997))}
echo "offset $OFFSET (LIAISON_FAULT_OFFSET=$OFFSET repeats this run)"

# spread TOTAL POINTS: sets $stride and $first for a sweep of TOTAL calls.
spread () {
	stride=$((($1 + $2 - 1) / $2))
	first=$((OFFSET % stride))
}
faults=0 n=0 shm_io=0 unknown_commit=0

# faulty VAR=VALUE... -- FILE: deliver FILE with the shim and the fault
# settings given; sets $rc, $line (the first stderr line) and $lines.
faulty () {
	env_args=
	while [ "$1" != -- ]; do env_args="$env_args $1"; shift; done
	shift
	faults=$((faults + 1))
	rm -f "$T/faulted"
	# shellcheck disable=SC2086
	env LD_PRELOAD="$PRELOAD" LIAISON_FAULT_LOG="$T/faulted" $env_args \
		"$LIAISON" -c "$CONF" deliver < "$1" 2>"$T/stderr"
	rc=$?
	first_line "$T/stderr"
}

# new_message [attached]: a new message in $T/m.eml (its Message-ID in
# $mid): the first sample, or with "attached" the same with an attachment
# never stored before.
new_message () {
	n=$((n + 1))
	if [ "${1:-}" = attached ]; then
		with_attachment "$plain" "$n" "$T/m.eml"
		mid="a$n.177163338812.4321.1029384756@mailgw.itu.int"
	else
		variant "$plain" "$n" "$T/m.eml"
		mid="v$n.177163338812.4321.1029384756@mailgw.itu.int"
	fi
}

# status_ok CODE: the error line starts with CODE. SQLite reports a full
# disk met while growing its -shm file as an I/O error
# (SQLITE_IOERR_SHMSIZE), so in the sweeps 4.3.0 passes for 4.3.1 when the
# call that failed (the shim's log) was on the -shm file; counted in
# $shm_io.
status_ok () {
	case $line in
	"$1 "*) return 0 ;;
	"4.3.0 "*)
		if [ "$1" = 4.3.1 ] && grep -q -- '-shm$' "$T/faulted" 2>/dev/null; then
			shm_io=$((shm_io + 1))
			return 0
		fi ;;
	esac
	return 1
}

# expect_clean_75 WHAT CODE BEFORE: the faulted delivery gave 75 with the
# enhanced status CODE on one line and left the rows as BEFORE ("M S") and
# the spool consistent. A failed COMMIT may leave the files it had stored
# (it may have committed all the same: deliver keeps them), complete and
# named by their content, for the retry to adopt: orphans pass then.
expect_clean_75 () {
	check "$1: exits 75" 75 "$rc"
	check "$1: one stderr line starting with $2" "1 $2" "$lines ${line%% *}"
	state=$(audit)
	case $line in
	*"cannot commit"*) orphans=$(grep -c '^orphan' "$T/problems") ;;
	*) orphans=0 ;;
	esac
	note=
	[ "$orphans" = 0 ] || note=" ($orphans stored files left for the retry)"
	check "$1: no row written, spool consistent$note" "$3 ok $orphans" "$state"
	[ ! -s "$T/problems" ] || [ "$orphans" != 0 ] || cat "$T/problems"
}

# retry WHAT: the same message without the fault is recorded once, and
# adopts what the failure left.
retry () {
	deliver "$T/m.eml"
	check "$1: the retry exits 0" 0 "$rc"
	check "$1: the retry records the message" 1 "$(sql "SELECT count(*) FROM messages WHERE message_id = '$mid'")"
	check "$1: then the spool and the database agree" "ok 0" "$(audit | cut -d' ' -f3-)"
}

# ---------------------------------------------------------------------
# The configuration cannot be read.

"$LIAISON" -c "$T" deliver < "$plain" 2>"$T/stderr"
rc=$?
faults=$((faults + 1))
first_line "$T/stderr"
check "configuration is a directory: exits 75" 75 "$rc"
check "configuration is a directory: one line, 4.3.5" "1 4.3.5" "$lines ${line%% *}"
for e in EACCES EIO; do
	faulty LIAISON_FAULT_OPS=open LIAISON_FAULT_ERRNO=$e LIAISON_FAULT_PATH="$CONF" -- "$plain"
	check "configuration unreadable ($e): exits 75" 75 "$rc"
	check "configuration unreadable ($e): one line, 4.3.5" "1 4.3.5" "$lines ${line%% *}"
done
# (write_config planted the spool's secret: nothing else may be there.)
check "nothing created without a configuration" "no" \
	"$([ -e "$T/liaison.db" ] || [ -n "$(find "$T/spool" -mindepth 1 ! -name secret 2> /dev/null)" ] && echo yes || echo no)"

# ---------------------------------------------------------------------
# The writes, then the fsyncs, of the very first delivery fail in turn:
# the database is created and migrated on the way.

# judge OP I BEFORE CODE: the verdict on the faulted delivery number I,
# with BEFORE ("M S") the rows before it. Prints a line and returns 1 when
# it is wrong. A failure after the commit (a checkpoint, the WAL's close)
# may exit 0: then the message is recorded. A failure of the COMMIT itself
# leaves its outcome unknown (the frames may be in the WAL although its
# fsync failed), so a row may be there after 75: counted in
# $unknown_commit, and its files must be there too.
judge () {
	state=$(audit)
	if [ "$rc" = 0 ]; then
		[ "${state% * *}" != "$3" ] || { echo "$1 $2: exit 0 but nothing recorded"; return 1; }
	elif [ "$rc" != 75 ] || [ "$lines" != 1 ] || ! status_ok "$4"; then
		echo "$1 $2: exit $rc: $(cat "$T/stderr")"; return 1
	elif [ "${state% * *}" != "$3" ]; then
		case $line in
		*"cannot commit"*) unknown_commit=$((unknown_commit + 1)) ;;
		*) echo "$1 $2: exit 75 but rows $3 -> ${state% * *}: $line"; return 1 ;;
		esac
	fi
	# Orphans may stay behind a failed COMMIT: the retry names them.
	if grep -qv '^orphan' "$T/problems"; then
		echo "$1 $2: $(grep -v '^orphan' "$T/problems" | head -3)"; return 1
	fi
	return 0
}

sweep_new () {
	op=$1 errno=$2 code=$3
	rm -rf "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm" "$T/spool"
	env LD_PRELOAD="$PRELOAD" LIAISON_FAULT_OPS="$op" LIAISON_FAULT_AFTER=1000000000 \
		LIAISON_FAULT_COUNT="$T/count" LIAISON_FAULT_PATH="$FILES" \
		"$LIAISON" -c "$CONF" deliver < "$plain" 2>"$T/stderr"
	read -r total < "$T/count"
	[ "$total" -gt 0 ] && ok "new database: $total ${op}s in a clean delivery" || not_ok "no $op counted"
	spread "$total" "$NEW_POINTS"
	bad=0 tried=0 i=$first
	while [ "$i" -lt "$total" ]; do
		rm -rf "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm" "$T/spool"
		faulty LIAISON_FAULT_OPS="$op" LIAISON_FAULT_ERRNO="$errno" LIAISON_FAULT_AFTER="$i" \
			LIAISON_FAULT_PATH="$FILES" -- "$plain"
		tried=$((tried + 1))
		if [ -f "$T/liaison.db" ]; then
			judge "$op" "$i" "0 0" "$code" || bad=$((bad + 1))
		elif [ "$rc" != 75 ] || [ "$lines" != 1 ] || ! status_ok "$code"; then
			bad=$((bad + 1)); echo "$op $i: exit $rc: $(cat "$T/stderr")"
		fi
		deliver "$plain"
		state=$(audit)
		if [ "$rc" != 0 ] || [ "$state" != "1 1 ok 0" ]; then
			bad=$((bad + 1)); echo "$op $i: retry exit $rc, $state: $(cat "$T/stderr" "$T/problems" | head -3)"
		fi
		i=$((i + stride))
	done
	check "new database, $tried of $total ${op}s failing ($errno): 75 ($code) or recorded, nothing half-written, the retry recorded" 0 "$bad"
}
sweep_new write ENOSPC 4.3.1
sweep_new fsync EIO 4.3.0

# ---------------------------------------------------------------------
# An existing database from here on.
rm -rf "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm" "$T/spool"
deliver "$plain"
check "first delivery" 0 "$rc"

# The database is read-only (EACCES, EROFS when it is opened for writing),
# then the spool.
for case in "liaison.db:EACCES" "liaison.db:EROFS" "spool/:EROFS" "spool/:EACCES"; do
	where=${case%%:*} e=${case#*:}
	new_message; before=$(count_rows)
	faulty LIAISON_FAULT_OPS=openw LIAISON_FAULT_ERRNO=$e LIAISON_FAULT_PATH="$T/$where" -- "$T/m.eml"
	expect_clean_75 "read-only $where ($e)" 4.3.0 "$before"
	retry "read-only $where ($e)"
done

# The spool's secret cannot be read (EIO, EACCES): nothing is composed
# under another key; the retry records the message.
for e in EIO EACCES; do
	new_message; before=$(count_rows)
	faulty LIAISON_FAULT_OPS=open LIAISON_FAULT_ERRNO=$e LIAISON_FAULT_PATH="$T/spool/secret" -- "$T/m.eml"
	expect_clean_75 "unreadable secret ($e)" 4.3.0 "$before"
	retry "unreadable secret ($e)"
done

# The disk is full (or the quota reached), or fails, when the message is
# spooled, when an attachment is stored, when the database is written.
for case in "spool/tmp/in.:ENOSPC:4.3.1:" "spool/tmp/in.:EDQUOT:4.3.1:" "spool/tmp/in.:EIO:4.3.0:" \
	    "spool/tmp/part.:ENOSPC:4.3.1:attached" "spool/tmp/part.:EIO:4.3.0:attached" \
	    "liaison.db-wal:ENOSPC:4.3.1:" "liaison.db-wal:ENOSPC:4.3.1:attached" \
	    "liaison.db-wal:EIO:4.3.0:attached"; do
	where=${case%%:*}; rest=${case#*:}; e=${rest%%:*}; rest=${rest#*:}; code=${rest%%:*}; kind=${rest#*:}
	new_message "$kind"; before=$(count_rows)
	faulty LIAISON_FAULT_OPS=write LIAISON_FAULT_ERRNO=$e LIAISON_FAULT_PATH="$T/$where" -- "$T/m.eml"
	expect_clean_75 "write to $where fails ($e${kind:+, attachment})" "$code" "$before"
	retry "write to $where fails ($e${kind:+, attachment})"
done

# fsync fails (EIO) for the stored message, an attachment, their
# directories: a delivery syncs them together before its journal line and
# its COMMIT. Where syncfs() reports writeback errors (Linux 5.8 and
# later), one syncfs() of the spool makes all of them durable: it fails
# instead.
cases="spool/msg/: spool/att/:attached"
kernel=$(uname -r)
major=${kernel%%.*} minor=${kernel#*.}; minor=${minor%%[!0-9]*}
if [ "$(uname -s)" = Linux ] && { [ "$major" -gt 5 ] || { [ "$major" = 5 ] && [ "$minor" -ge 8 ]; }; }; then
	cases="spool/: spool/:attached"
fi
for case in $cases; do
	where=${case%%:*}; kind=${case#*:}
	new_message "$kind"; before=$(count_rows)
	faulty LIAISON_FAULT_OPS=fsync LIAISON_FAULT_ERRNO=EIO LIAISON_FAULT_PATH="$T/$where" -- "$T/m.eml"
	expect_clean_75 "fsync of $where fails (EIO)" 4.3.0 "$before"
	retry "fsync of $where fails (EIO)"
done

# The writes, then the fsyncs, of a delivery with an attachment into the
# existing database fail in turn.
sweep_existing () {
	op=$1 errno=$2 code=$3
	new_message attached
	env LD_PRELOAD="$PRELOAD" LIAISON_FAULT_OPS="$op" LIAISON_FAULT_AFTER=1000000000 \
		LIAISON_FAULT_COUNT="$T/count" LIAISON_FAULT_PATH="$FILES" \
		"$LIAISON" -c "$CONF" deliver < "$T/m.eml" 2>"$T/stderr"
	read -r total < "$T/count"
	[ "$total" -gt 0 ] && ok "existing database: $total ${op}s in a clean delivery" || not_ok "no $op counted"
	spread "$total" "$EXISTING_POINTS"
	bad=0 tried=0 i=$first
	while [ "$i" -lt "$total" ]; do
		new_message attached; before=$(count_rows)
		faulty LIAISON_FAULT_OPS="$op" LIAISON_FAULT_ERRNO="$errno" LIAISON_FAULT_AFTER="$i" \
			LIAISON_FAULT_PATH="$FILES" -- "$T/m.eml"
		tried=$((tried + 1))
		judge "$op" "$i" "$before" "$code" || bad=$((bad + 1))
		deliver "$T/m.eml"
		[ "$rc" = 0 ] || { bad=$((bad + 1)); echo "$op $i: retry exit $rc: $(cat "$T/stderr")"; }
		i=$((i + stride))
	done
	state=$(audit)
	[ "$state" = "${state% * *} ok 0" ] || { bad=$((bad + 1)); echo "after the $op sweep: $state: $(head -3 "$T/problems")"; }
	check "existing database, $tried of $total ${op}s failing ($errno): 75 ($code) or recorded, nothing half-written, the retry recorded" 0 "$bad"
}
sweep_existing write ENOSPC 4.3.1
sweep_existing fsync EIO 4.3.0

check "every message recorded exactly once" "$((n + 1))" "$(sql 'SELECT count(DISTINCT message_id) FROM messages')"
check "no Message-ID recorded twice" 0 \
	"$(sql 'SELECT count(*) FROM (SELECT message_id FROM messages GROUP BY message_id HAVING count(*) > 1)')"
check "every message is a statement" "$(sql 'SELECT count(*) FROM messages')" "$(sql 'SELECT count(*) FROM statements')"
check "spool and database agree, integrity_check ok" "ok 0" "$(audit | cut -d' ' -f3-)"
echo "faults tried: $faults; a full disk reported as an I/O error (4.3.0) $shm_io times;" \
	"a failed COMMIT that committed all the same $unknown_commit times"
finish
