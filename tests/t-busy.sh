#!/bin/sh
# End-to-end: transient failures give 75 and leave nothing behind, and a
# retry then succeeds: the database locked by another process past the busy
# timeout, SIGTERM, and deliver's own time limit.
. "$top_srcdir/tests/lib.sh"
write_config "time-limit = 4"
S="$top_srcdir/samples/mail"
set -- "$S"/*.eml
first=$1 second=$2

deliver "$first"
check "first delivery creates the database" 0 "$rc"
messages_before=$(sql 'SELECT count(*) FROM messages')
files_before=$(find "$T/spool" -type f | wc -l)

# A second process takes the write lock and keeps it.
mkfifo "$T/fifo"
sqlite3 "$T/liaison.db" < "$T/fifo" > "$T/holder.out" 2>&1 &
holder=$!
exec 3>"$T/fifo"
echo "BEGIN IMMEDIATE; SELECT 'locked';" >&3
for i in $(seq 50); do grep -q locked "$T/holder.out" && break; sleep 0.1; done
check "the other process holds the lock" locked "$(cat "$T/holder.out")"

start=$(date +%s)
deliver "$second"
end=$(date +%s)
check "deliver exits 75 while the database is locked" 75 "$rc"
check "stderr names the busy database with 4.3.0" "4.3.0" "$(cut -c1-5 "$T/stderr")"
check "stderr is one line" 1 "$(wc -l < "$T/stderr")"
[ $((end - start)) -le 4 ] && ok "gave up within the time limit ($((end - start)) s)" || not_ok "took $((end - start)) s"
check "no stray spool file" "$files_before" "$(find "$T/spool" -type f | wc -l)"

echo "ROLLBACK;" >&3
exec 3>&-
wait $holder
check "no row was written" "$messages_before" "$(sql 'SELECT count(*) FROM messages')"
deliver "$second"
check "the retry exits 0" 0 "$rc"
check "the retry records the message" $((messages_before + 1)) "$(sql 'SELECT count(*) FROM messages')"

# SIGTERM while deliver waits for the rest of its input: 75, nothing left.
files_before=$(find "$T/spool" -type f | wc -l)
( cat "$S"/*.eml | head -c 300; sleep 10 ) | "$LIAISON" -c "$CONF" deliver 2>"$T/stderr" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
check "SIGTERM gives 75" 75 "$?"
check "SIGTERM leaves no stray spool file" "$files_before" "$(find "$T/spool" -type f | wc -l)"

# Its own deadline: input that never ends.
write_config "time-limit = 1"
( head -c 300 "$first"; sleep 5 ) | "$LIAISON" -c "$CONF" deliver 2>"$T/stderr"
check "the time limit gives 75" 75 "$?"
check "the time limit says 4.4.7" "4.4.7" "$(cut -c1-5 "$T/stderr")"
check "the time limit leaves no stray spool file" "$files_before" "$(find "$T/spool" -type f | wc -l)"
check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
