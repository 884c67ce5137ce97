#!/bin/sh
# End-to-end: the outbox with a fake sendmail that records every call and
# fails (exit 75, then other statuses, then a hang) as long as $T/fail says
# so. deliver still exits 0 and leaves the mail queued; `queue run` hands
# each message over exactly once, whether it runs alone, twice, or beside
# another `queue run`; a redelivered message sends nothing; a sendmail that
# hangs is killed within deliver's time limit.
. "$top_srcdir/tests/lib.sh"
write_config "method = sendmail"
sed -i "s|^\[delivery\]|[delivery]\nsendmail = $T/sendmail|" "$CONF"
S="$top_srcdir/samples/mail"

# The fake: one line of arguments per call in argv.log, the message in
# sent.N; exits with the status in $T/fail (if any), after sleeping $T/slow
# seconds (if any).
cat > "$T/sendmail" <<EOF
#!/bin/sh
exec 9>"$T/lock"
flock 9
n=\$(cat "$T/calls" 2>/dev/null || echo 0)
n=\$((n + 1))
echo \$n > "$T/calls"
flock -u 9
printf '%s\n' "\$*" >> "$T/argv.log"
cat > "$T/sent.\$n"
[ -f "$T/slow" ] && sleep "\$(cat "$T/slow")"
[ -f "$T/fail" ] && exit "\$(cat "$T/fail")"
exit 0
EOF
chmod +x "$T/sendmail"
calls () { cat "$T/calls" 2>/dev/null || echo 0; }
# Our Message-IDs in the calls from $1 to $2, one per line, sorted.
handed () {
	for n in $(seq "$1" "$2"); do
		sed '/^$/q' "$T/sent.$n" | sed -n 's/^Message-Id: <\(.*\)>$/\1/Ip'
	done | sort
}
routes () { "$LIAISON" -c "$CONF" show --json "$1" | jq -r '[.routes[] | "\(.address) \(.status)"] | join("; ")'; }
queue () { "$LIAISON" -c "$CONF" queue "$@"; }

# The mail system is down.
echo 75 > "$T/fail"
deliver "$S/01-action-ccamp.eml"
check "deliver exits 0 while sendmail fails" 0 "$rc"
check "stderr is quiet" "" "$(cat "$T/stderr")"
check "sendmail was tried for the forward and the acknowledgement" 2 "$(calls)"
fwd_sender=$(sql "SELECT sender FROM outbox WHERE message_id = '$(our_id LS-2026-0001 forward)'")
check "the forward's envelope sender is its VERP address" yes \
	"$(echo "$fwd_sender" | grep -qx 'statements+bounce-[a-z2-7]\{26\}@example.org' && echo yes)"
check "the argument vector" \
	"-oi -f $fwd_sender -- ccamp@ietf.org dc@example.net fz@example.net jgs@example.org statements-archive@example.org" \
	"$(head -1 "$T/argv.log")"
check "never -t" 0 "$(grep -c -- ' -t' "$T/argv.log")"
check "the routes are queued" \
	"ccamp@ietf.org queued; dc@example.net queued; fz@example.net queued; jgs@example.org queued; scott.mansfield@example.com already-received; statements-archive@example.org queued; tsbsg15@itu.int queued" \
	"$(routes LS-2026-0001)"
queue list --json > "$T/q.json"
check "queue list shows two queued messages" "queued queued" "$(jq -r '[.[].state] | join(" ")' "$T/q.json")"
check "with the error" "true" "$(jq '.[0].last_error | test("status 75")' "$T/q.json")"
check "and the next attempt five minutes on" "2026-11-27T10:05:00Z" "$(jq -r '.[0].next_attempt' "$T/q.json")"
queue list > "$T/q.txt"
check "queue list prints a table" 2 "$(grep -c 'LS-2026-0001' "$T/q.txt")"

# Redelivered while queued: still exits 0, queues and sends nothing more.
deliver "$S/01-action-ccamp.eml"
check "a redelivery exits 0" 0 "$rc"
check "a redelivery hands nothing over" 2 "$(calls)"
check "a redelivery queues nothing" 2 "$(sql 'SELECT count(*) FROM outbox')"

# Before the next attempt is due, queue run waits.
queue run > "$T/run.txt"
check "queue run exits 0" 0 "$?"
check "nothing is due yet" 2 "$(calls)"

# Other failures: a non-zero status that is not 75 leaves it queued too.
echo 1 > "$T/fail"
LIAISON_NOW=2026-11-27T10:06:00Z queue run > "$T/run.txt"
check "queue run exits 0 after a failure" 0 "$?"
check "both were tried again" 4 "$(calls)"
check "status 1 leaves them queued" "queued queued" "$(queue list --json | jq -r '[.[].state] | join(" ")')"
check "the backoff doubles" "2026-11-27T10:16:00Z" "$(queue list --json | jq -r '.[0].next_attempt')"

# The mail system is back.
rm "$T/fail"
LIAISON_NOW=2026-11-27T10:20:00Z queue run > "$T/run.txt"
check "queue run says what it sent" "queue run: 2 sent, 0 failed, 0 waiting for a later attempt" "$(tail -1 "$T/run.txt")"
check "each message was handed over once more" 6 "$(calls)"
check "the last two calls were the forward and the acknowledgement" \
	"$(our_id LS-2026-0001 ack) $(our_id LS-2026-0001 forward)" \
	"$(handed 5 6 | tr '\n' ' ' | sed 's/ $//')"
check "the routes are sent" \
	"ccamp@ietf.org sent; dc@example.net sent; fz@example.net sent; jgs@example.org sent; scott.mansfield@example.com already-received; statements-archive@example.org sent; tsbsg15@itu.int sent" \
	"$(routes LS-2026-0001)"
check "queue list is empty" 0 "$(queue list --json | jq length)"
check "queue list --all shows them sent" "sent sent" "$(queue list --all --json | jq -r '[.[].state] | join(" ")')"

LIAISON_NOW=2026-11-28T10:00:00Z queue run --all > "$T/run.txt"
check "a second queue run sends nothing" 6 "$(calls)"
deliver "$S/01-action-ccamp.eml"
check "redelivering after the send sends nothing" 6 "$(calls)"

# The message handed over is what the outbox holds, with LF line ends.
check "no CR in what sendmail got" 0 "$(cat "$T/sent.5" "$T/sent.6" | grep -c "$(printf '\r')")"

# Two queue runs at once, with a slow sendmail: every message once.
echo 75 > "$T/fail"
for m in 02-information-detnet 03-response-opsawg 04-several-groups 05-pdf-attachment 06-non-ascii; do
	deliver "$S/$m.eml"
done
queued=$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")
check "five statements queued their mail" 8 "$queued"
rm "$T/fail"
before=$(calls)
echo 0.3 > "$T/slow"
LIAISON_NOW=2026-11-28T12:00:00Z queue run > "$T/run1.txt" 2>&1 &
p1=$!
LIAISON_NOW=2026-11-28T12:00:00Z queue run > "$T/run2.txt" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
rm "$T/slow"
check "both queue runs exit 0" "0 0" "$r1 $r2"
check "the two runs handed over each message once" "$queued" "$(( $(calls) - before ))"
check "no Message-ID was handed over twice" "" "$(handed $((before + 1)) "$(calls)" | uniq -d)"
check "everything is sent" 0 "$(sql "SELECT count(*) FROM outbox WHERE state != 'sent'")"

# A sendmail that hangs is killed in time; the mail stays queued and
# deliver still exits 0 within its time limit.
write_config "method = sendmail" "time-limit = 12"
sed -i "s|^\[delivery\]|[delivery]\nsendmail = $T/sendmail|" "$CONF"
echo 60 > "$T/slow"
start=$(date +%s)
deliver "$S/07-old-layout.eml"
elapsed=$(( $(date +%s) - start ))
rm "$T/slow"
check "deliver exits 0 when sendmail hangs" 0 "$rc"
check "within its time limit" yes "$([ "$elapsed" -lt 12 ] && echo yes || echo "no: ${elapsed}s")"
check "the hung message stays queued" "queued" \
	"$(sql "SELECT state FROM outbox WHERE message_id = '$(our_id LS-2026-0007 forward)'")"
check "with the reason" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE message_id = '$(our_id LS-2026-0007 forward)' AND last_error LIKE '%did not finish%'")"
LIAISON_NOW=2026-11-29T12:00:00Z queue run > "$T/run.txt"
check "queue run sends it later" 0 "$(sql "SELECT count(*) FROM outbox WHERE state != 'sent'")"

check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
finish
