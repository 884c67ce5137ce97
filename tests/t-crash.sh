#!/bin/sh
# End-to-end: crashes and redelivery. 500 deliveries of distinct messages
# (100 under the sanitizers or LIAISON_TEST_QUICK), two at a time, each killed with SIGKILL at a
# random moment (0-30 ms after its start, or up to the time a delivery
# takes here when that is longer) with probability 1/3 and retried as an
# MTA retries, until it exits 0; then 100 (30) more stopped with SIGTERM
# with probability 1/2, which must give 75 (or 0 when it came too late, or
# death by the signal when it came before deliver set its handler, having
# done nothing) and leave no file behind. At the end every message is
# recorded exactly once, PRAGMA integrity_check is ok, every row's file
# exists and every stored message and attachment is named by a row.
# SIGKILL cannot be caught: the temporary files it leaves in spool/tmp
# (at most one incoming message and one file being written per kill),
# and the outgoing messages it leaves in spool/out when the retry numbers
# the statement otherwise, are counted, and must be no more than the
# kills. (That every route is sent exactly once after `queue run` is for
# the routing tests.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/common.sh"
write_config
KILLS=${LIAISON_CRASH_DELIVERIES:-500}
TERMS=100
if quick; then KILLS=${LIAISON_CRASH_DELIVERIES:-100} TERMS=30; fi
SEED=${LIAISON_CRASH_SEED:-$(date +%s)}
echo "seed $SEED (LIAISON_CRASH_SEED=$SEED repeats this run)"
TOTAL=$((KILLS + TERMS))
mkdir -p "$T/m"

# The messages, all at once: the samples in turn, each copy with its own
# Message-ID, subject, title and Datatracker page. The plan: for each, whether to stop it and after
# how many milliseconds (0-30).
awk -v total="$TOTAL" -v dir="$T/m" '
	FNR == 1 { n++ }
	{ text[n] = text[n] $0 "\n" }
	END {
		for (i = 0; i < total; i++) {
			t = text[i % n + 1]
			sub(/\nMessage-I[Dd]: *</, "\nMessage-ID: <crash" i ".", t)
			sub(/\nSubject: [^\n]*/, "& (crash " i ")", t)
			# A statement of its own: with the title and page of the
			# sample it would be the sample arriving again.
			sub(/\nTitle: [^\n]*/, "& (crash " i ")", t)
			sub(/\/liaison\/[0-9]+\//, "/liaison/c" i "/", t)
			printf "%s", t > (dir "/" i ".eml")
			close(dir "/" i ".eml")
		}
	}' "$top_srcdir"/samples/mail/*.eml
# How long a delivery takes here (the first creates the database): the
# stops are spread over that, and at least 30 ms.
"$LIAISON" -c "$CONF" deliver < "$top_srcdir/samples/mail/01-action-ccamp.eml" 2>/dev/null
start=$(date +%s%N)
for f in "$top_srcdir"/samples/mail/0[2-4]*.eml; do "$LIAISON" -c "$CONF" deliver < "$f" 2>/dev/null; done
SPAN=$((($(date +%s%N) - start) / 3000000))
[ "$SPAN" -ge 30 ] || SPAN=30
echo "a delivery takes about $SPAN ms: the stops come 0-$SPAN ms after the start"
awk -v seed="$SEED" -v kills="$KILLS" -v total="$TOTAL" -v span="$SPAN" 'BEGIN {
	srand(seed)
	for (i = 0; i < total; i++) {
		p = i < kills ? 1 / 3 : 1 / 2
		printf "%d %s %.3f\n", i, (rand() < p ? (i < kills ? "KILL" : "TERM") : "-"), rand() * span / 1000
	}
}' > "$T/plan"

# worker PLAN STATS: delivers each message of PLAN as planned, retrying
# as an MTA does, and writes its counts to STATS. Two workers share the
# plan, as an MTA runs several deliveries at once.
worker () {
	killed=0 stopped=0 late=0 attempts=0 bad=0 term_75=0 term_early=0
	err="$2.stderr"
	while read -r i sig delay; do
		f="$T/m/$i.eml"
		if [ "$sig" != - ]; then
			"$LIAISON" -c "$CONF" deliver < "$f" 2>"$err" &
			pid=$!
			sleep "$delay"
			kill -s "$sig" "$pid" 2>/dev/null
			wait "$pid"
			rc=$?
			attempts=$((attempts + 1))
			stopped=$((stopped + 1))
			case $sig:$rc in
			KILL:137) killed=$((killed + 1)) ;;
			TERM:75) term_75=$((term_75 + 1)) ;;
			# Before deliver installed its handler (while the program
			# was being loaded): it died of the signal, having done
			# nothing, which an MTA defers as it does 75.
			TERM:143) [ -s "$err" ] && { bad=$((bad + 1)); echo "message $i: 143 with $(head -c 300 "$err")"; }
				term_early=$((term_early + 1)) ;;
			*:0) late=$((late + 1)) ;;
			*) bad=$((bad + 1)); echo "message $i: $sig after ${delay}s: exit $rc: $(head -c 300 "$err")" ;;
			esac
			[ "$rc" = 0 ] && continue
		fi
		# As the MTA retries: until it exits 0 (a few times at most).
		tries=0
		until "$LIAISON" -c "$CONF" deliver < "$f" 2>"$err"; do
			tries=$((tries + 1))
			if [ "$tries" -ge 5 ]; then
				bad=$((bad + 1)); echo "message $i: still failing: $(head -c 300 "$err")"
				break
			fi
		done
		attempts=$((attempts + tries + 1))
	done < "$1"
	echo "$killed $stopped $late $attempts $bad $term_75 $term_early" > "$2"
}

# phase FIRST LAST: messages FIRST to LAST-1 of the plan, by two workers.
phase () {
	: > "$T/plan.0"
	: > "$T/plan.1"
	awk -v a="$1" -v b="$2" -v dir="$T" '$1 >= a && $1 < b { print > (dir "/plan." ($1 % 2)) }' "$T/plan"
	worker "$T/plan.0" "$T/stats.0" &
	w0=$!
	worker "$T/plan.1" "$T/stats.1" &
	w1=$!
	wait "$w0" "$w1"
	cat "$T/stats.0" "$T/stats.1" >> "$T/stats"
}

: > "$T/stats"
phase 0 "$KILLS"
strays_before_term=$(find "$T/spool/tmp" -type f | wc -l)
phase "$KILLS" "$TOTAL"
set -- $(awk '{ for (i = 1; i <= NF; i++) s[i] += $i } END { print s[1], s[2], s[3], s[4], s[5], s[6], s[7] }' "$T/stats")
killed=$1 stopped=$2 late=$3 attempts=$4 bad=$5 term_75=$6 term_early=$7

echo "deliveries: $TOTAL; stopped: $stopped ($killed killed by SIGKILL, $term_75 stopped by SIGTERM with 75," \
	"$term_early by SIGTERM before the handler was installed, $late finished first); attempts: $attempts"
check "every stopped delivery gave 137 (SIGKILL), 75 (SIGTERM) or 0, and every retry 0" 0 "$bad"
check "every message recorded exactly once" "$TOTAL|$TOTAL|$TOTAL" \
	"$(sql "SELECT count(*), count(DISTINCT message_id), count(DISTINCT dedupe_hash) FROM messages WHERE message_id LIKE 'crash%'")"
check "a statement for every message classified as one" \
	"$(sql "SELECT count(*) FROM messages WHERE kind = 'statement'")" "$(sql 'SELECT count(*) FROM statements')"
check "statement ids unique and consecutive" "1" \
	"$(sql 'SELECT count(*) = count(DISTINCT ls_id) AND min(seq) = 1 AND max(seq) = count(*) FROM statements')"
state=$(audit)
check "integrity_check ok" ok "$(echo "$state" | cut -d' ' -f3)"
check "no row without its file" "" "$(grep '^missing' "$T/problems" | head -3)"
check "no stored message or attachment without its row (the retry adopts them)" "" \
	"$(grep -E '^orphan (msg|att)/' "$T/problems" | head -3)"
# An outgoing message stored by a delivery killed before its COMMIT holds
# the statement id it was given; the retry may get another one (the other
# worker took it meanwhile), so its bytes, and their name, differ.
orphans=$(grep -c '^orphan out/' "$T/problems")
check "no more outgoing files without their row than SIGKILLs ($orphans for $killed)" yes \
	"$([ "$orphans" -le "$killed" ] && echo yes || echo no)"
[ "$orphans" = 0 ] || echo "NOTE: $orphans outgoing messages in spool/out that no row names (SIGKILL before COMMIT, the retry numbered the statement otherwise): queue run removes them below"
# A delivery holds its incoming message in tmp/in.* until it ends, and
# writes one attachment, outgoing message or document's text at a time
# beside it (tmp/part.*, tmp/out.*, tmp/text.*, the last after the commit;
# each moved into the spool before the next): a SIGKILL leaves at most one
# of each kind.
strays=$(grep -c '^stray' "$T/problems")
strays_in=$(grep -c '^stray tmp/in\.' "$T/problems")
strays_written=$(grep -Ec '^stray tmp/(part|out|text)\.' "$T/problems")
check "no more incoming messages left in spool/tmp than SIGKILLs ($strays_in for $killed)" yes \
	"$([ "$strays_in" -le "$killed" ] && echo yes || echo no)"
check "no more attachments, outgoing messages and texts left in spool/tmp than SIGKILLs ($strays_written for $killed)" yes \
	"$([ "$strays_written" -le "$killed" ] && echo yes || echo no)"
check "SIGTERM left no file in spool/tmp" "$strays_before_term" "$strays"
check "what is left in spool/tmp is only deliver's temporary files" "" \
	"$(grep '^stray' "$T/problems" | grep -Ev '^stray tmp/(in|part|out|text)\.' | head -3)"

# What SIGKILL left, aged past any delivery's time limit: `queue run`
# (run from cron) removes it, and only it.
sent_before=$(sql "SELECT count(*) FROM outbox")
find "$T/spool/tmp" "$T/spool/out" -type f -exec touch -d '2 hours ago' {} +
"$LIAISON" -c "$CONF" queue run > "$T/queue.out" 2>&1
sed 's/^/#   /' "$T/queue.out"
audit > /dev/null
check "queue run removes the stale temporary files" 0 "$(grep -c '^stray' "$T/problems")"
check "queue run removes the outgoing messages no row names" 0 "$(grep -c '^orphan out/' "$T/problems")"
check "and every row still has its file" "" "$(grep '^missing' "$T/problems" | head -3)"
check "the outbox is untouched" "$sent_before" "$(sql "SELECT count(*) FROM outbox")"
finish
