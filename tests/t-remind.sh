#!/bin/sh
# End-to-end: `remind` run every day from 2026-12-01 to 2027-01-31 (twice
# on some days, not at all on others) over the samples and two statements
# of tests/data/remind, with the maildir transport. Each reminder of SPEC §8
# goes out exactly once, on its day (a missed day's stage on the next run,
# under the days actually left); a statement whose action is taken gets no
# more, a closed or held one none; --dry-run records and sends nothing.
. "$top_srcdir/tests/lib.sh"
write_config
O="$T/outbox/new"
R="$LIAISON -c $CONF remind"

# The header $2 of the file $1, unfolded.
header () { sed '/^$/q' "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g' | sed -n "s/^$2: //Ip" | head -1; }
envelope () { sed -n '1s/^X-Liaison-Envelope-To: //p' "$1"; }
out_file () { grep -l -i "^Message-Id: <$1>" "$O"/* 2>/dev/null | head -1; }
# reminder_id LS-ID STAGE: the Message-ID of the reminder STAGE (before-7,
# overdue-3) of the statement, from the store.
reminder_id () {
	sql "SELECT o.message_id FROM reminders r JOIN outbox o ON o.id = r.outbox
		JOIN statements s ON s.id = r.statement WHERE s.ls_id = '$1' AND r.stage = '$2'"
}
outbox_count () { ls "$O" 2>/dev/null | wc -l; }
# Everything remind writes: the rows it adds and the files it sends.
footprint () {
	echo "$(sql 'SELECT count(*) FROM outbox') $(sql 'SELECT count(*) FROM reminders') $(sql 'SELECT count(*) FROM events') $(sql 'SELECT count(*) FROM routes') $(outbox_count)"
}

# No database yet: nothing to do, nothing created.
$R --today 2026-12-01 > "$T/out" 2>&1
check "remind before any statement exits 0" 0 "$?"
check "it creates no database" no "$([ -e "$T/liaison.db" ] && echo yes || echo no)"
$R --today 2026-13-01 > /dev/null 2>&1
check "an impossible --today is a usage error" 2 "$?"
$R --today 1.12.2026 > /dev/null 2>&1
check "a --today not in YYYY-MM-DD is a usage error" 2 "$?"
$R extra > /dev/null 2>&1
check "an argument is a usage error" 2 "$?"
LIAISON_TODAY=yesterday $R > /dev/null 2>&1
check "an invalid LIAISON_TODAY is refused too" 2 "$?"

for m in "$top_srcdir"/samples/mail/*.eml "$top_srcdir"/tests/data/remind/*.eml; do
	deliver "$m" -r statements@example.org
	check "deliver $(basename "$m") exits 0" 0 "$rc"
done
# 0001 (deadline 2026-12-15) and 0007 (2027-01-29) are open with deadlines in
# the two months; 0004 and 0005 fall after them; 0008 (2026-12-18) is held;
# 0009 (closed.eml, 2026-12-10) is closed before the first run; 0010
# (taken.eml, 2026-12-20) has its action taken on 2026-12-14.
check "the statements and their deadlines" \
	"LS-2026-0001 open 2026-12-15; LS-2026-0004 open 2027-02-26; LS-2026-0005 open 2027-03-15; LS-2026-0007 open 2027-01-29; LS-2026-0008 held 2026-12-18; LS-2026-0009 open 2026-12-10; LS-2026-0010 open 2026-12-20" \
	"$(sql "SELECT ls_id || ' ' || state || ' ' || deadline FROM statements WHERE deadline IS NOT NULL ORDER BY id" | paste -sd ';' | sed 's/;/; /g')"

take_statement () {
	"$LIAISON" -c "$CONF" taken "$1" > /dev/null 2>&1 || not_ok "liaison taken $1 failed"
}
"$LIAISON" -c "$CONF" close LS-2026-0009 > /dev/null 2>&1
check "liaison close LS-2026-0009 exits 0" 0 "$?"
check "LS-2026-0009 is closed" closed "$(sql "SELECT state FROM statements WHERE ls_id = 'LS-2026-0009'")"

# A dry run lists what is due and writes nothing.
before=$(footprint)
$R --dry-run --today 2026-12-01 > "$T/dry" 2>&1
check "remind --dry-run exits 0" 0 "$?"
check "it lists the two-week reminder of LS-2026-0001" 1 \
	"$(grep -c '^LS-2026-0001 before-14 due: \[Liaison deadline in two weeks\] LS on OTN control plane' "$T/dry")"
# Its response contact (greg.jones@example.com) writes from outside
# ITU-T SG15's domains: only the directory is reminded (SPEC §6, §8).
check "and names its recipients" 1 \
	"$(grep -c 'to dc@example.net, fz@example.net; cc scott.mansfield@example.com$' "$T/dry")"
check "and nothing else" 2 "$(wc -l < "$T/dry")"
check "--dry-run --json" "LS-2026-0001 before-14 due 14" \
	"$($R --dry-run --json --today 2026-12-01 | jq -r '.[] | "\(.id) \(.stage) \(.status) \(.days_left)"')"
check "--dry-run recorded and sent nothing" "$before" "$(footprint)"

# Every day of December and January; twice on the 5th, 10th, ...; not at
# all on 2026-12-08 (LS-2026-0001's one-week day) and 2026-12-11 and -12 (its
# four- and three-day days).
LOG="$T/log"
: > "$LOG"
seq 0 61 | sed 's/.*/2026-12-01 + & day/' | date -u -f - +%F > "$T/days"
check "the days run over" "62 2026-12-01 2027-01-31" "$(wc -l < "$T/days") $(head -1 "$T/days") $(tail -1 "$T/days")"
while read -r d; do
	case $d in
	2026-12-08 | 2026-12-11 | 2026-12-12) continue ;;
	2026-12-14) take_statement LS-2026-0010 ;;
	esac
	$R --today "$d" > "$T/run" 2>"$T/err" || not_ok "remind --today $d failed: $(cat "$T/err")"
	case $d in
	*-05 | *-10 | *-15 | *-20 | *-25 | *-30)
		$R --today "$d" > "$T/again" 2>>"$T/err" || not_ok "the second run on $d failed"
		grep -q '^remind .*: 0 reminders queued, 0 sent' "$T/again" ||
			not_ok "the second run on $d queued something: $(cat "$T/again")" ;;
	esac
	[ -s "$T/err" ] && not_ok "remind --today $d wrote to stderr: $(cat "$T/err")"
	# "LS-2026-0001 before-14 sent: [Liaison deadline in two weeks] title; to ...; cc ..."
	sed -n "s/^\(LS-[0-9-]*\) \([a-z]*-[0-9]*\) sent: \(\[[^]]*\]\).*/${d#20} \1 \2 \3/p" "$T/run" >> "$LOG"
done < "$T/days"

cat > "$T/expected" <<'EOF'
26-12-01 LS-2026-0001 before-14 [Liaison deadline in two weeks]
26-12-06 LS-2026-0010 before-14 [Liaison deadline in two weeks]
26-12-09 LS-2026-0001 before-7 [Liaison deadline in six days]
26-12-13 LS-2026-0001 before-2 [Liaison deadline in two days]
26-12-13 LS-2026-0010 before-7 [Liaison deadline in one week]
26-12-14 LS-2026-0001 before-1 [Liaison deadline tomorrow]
26-12-15 LS-2026-0001 before-0 [Liaison deadline today]
26-12-16 LS-2026-0001 overdue-1 [Liaison OUT OF DATE]
26-12-17 LS-2026-0001 overdue-2 [Liaison OUT OF DATE]
26-12-18 LS-2026-0001 overdue-3 [Liaison OUT OF DATE]
26-12-19 LS-2026-0001 overdue-4 [Liaison OUT OF DATE]
26-12-20 LS-2026-0001 overdue-5 [Liaison OUT OF DATE]
26-12-21 LS-2026-0001 overdue-6 [Liaison OUT OF DATE]
26-12-22 LS-2026-0001 overdue-7 [Liaison OUT OF DATE]
26-12-23 LS-2026-0001 overdue-8 [Liaison OUT OF DATE]
26-12-24 LS-2026-0001 overdue-9 [Liaison OUT OF DATE]
26-12-25 LS-2026-0001 overdue-10 [Liaison OUT OF DATE]
26-12-26 LS-2026-0001 overdue-11 [Liaison OUT OF DATE]
26-12-27 LS-2026-0001 overdue-12 [Liaison OUT OF DATE]
26-12-28 LS-2026-0001 overdue-13 [Liaison OUT OF DATE]
26-12-29 LS-2026-0001 overdue-14 [Liaison OUT OF DATE]
27-01-15 LS-2026-0007 before-14 [Liaison deadline in two weeks]
27-01-22 LS-2026-0007 before-7 [Liaison deadline in one week]
27-01-25 LS-2026-0007 before-4 [Liaison deadline in four days]
27-01-26 LS-2026-0007 before-3 [Liaison deadline in three days]
27-01-27 LS-2026-0007 before-2 [Liaison deadline in two days]
27-01-28 LS-2026-0007 before-1 [Liaison deadline tomorrow]
27-01-29 LS-2026-0007 before-0 [Liaison deadline today]
27-01-30 LS-2026-0007 overdue-1 [Liaison OUT OF DATE]
27-01-31 LS-2026-0007 overdue-2 [Liaison OUT OF DATE]
EOF
if diff -u "$T/expected" "$LOG" > "$T/diff"; then
	ok "two months of daily runs send exactly the reminders due, each on its day"
else
	not_ok "the reminders sent differ from those due:"; cat "$T/diff"
fi
check "liaison taken marked LS-2026-0010's action" 1 \
	"$(sql "SELECT action_taken FROM statements WHERE ls_id = 'LS-2026-0010'")"
check "the database records the same, each stage once" \
	"$(awk '{ print "20" $1 " " $2 " " $3 }' "$T/expected")" \
	"$(sql "SELECT r.day || ' ' || s.ls_id || ' ' || r.stage FROM reminders r JOIN statements s ON s.id = r.statement ORDER BY r.id")"
check "no Message-ID twice in the outbox" "" \
	"$(grep -h -i '^Message-Id:' "$O"/* | sort | uniq -d)"
# The outbox itself: each reminder's Message-ID once, under its subject.
awk 'function flush () { if (id != "" && subj != "") { sub(/\].*/, "]", subj); gsub(/[<>]/, "", id); print id " " subj }; id = ""; subj = "" }
     FNR == 1 { flush(); head = 1 }
     !head { next }
     /^$/ { head = 0; next }
     tolower($0) ~ /^message-id: </ { id = $2 }
     /^Subject: \[Liaison / { subj = substr($0, 10) }
     END { flush() }' \
	"$O"/* | sort > "$T/outbox-reminders"
# The Message-ID each reminder recorded (keyed: see compose.h), with the
# subject expected.
while read -r day id stage rest; do
	echo "$(reminder_id "$id" "$stage") $rest"
done < "$T/expected" | sort > "$T/expected-outbox"
check "each reminder's Message-ID is keyed" "" \
	"$(cut -d' ' -f1 "$T/expected-outbox" | grep -v '^LS-2026-[0-9]*\.[a-z2-7]\{26\}@example\.org$')"
if diff -u "$T/expected-outbox" "$T/outbox-reminders" > "$T/diff"; then
	ok "the outbox holds each of those reminders once, with its subject"
else
	not_ok "the outbox differs:"; cat "$T/diff"
fi
check "every reminder was handed over" "30 sent" \
	"$(sql "SELECT count(*) || ' ' || group_concat (DISTINCT state) FROM outbox WHERE kind = 'reminder'")"
check "nothing for the closed, the held, or the later statements" "" \
	"$(sql "SELECT DISTINCT s.ls_id FROM reminders r JOIN statements s ON s.id = r.statement WHERE s.ls_id IN ('LS-2026-0004', 'LS-2026-0005', 'LS-2026-0008', 'LS-2026-0009')")"
check "the stages missed on 2026-12-08, -11 and -12 are not sent late, but the latest is" \
	"before-14 before-7 before-2 before-1 before-0" \
	"$(sql "SELECT group_concat (stage, ' ') FROM (SELECT r.stage FROM reminders r JOIN statements s ON s.id = r.statement WHERE s.ls_id = 'LS-2026-0001' AND r.stage LIKE 'before-%' ORDER BY r.id)")"

# One reminder in full: headers (SPEC §9), recipients (§8) and text.
f=$(out_file "$(reminder_id LS-2026-0001 before-1)")
check "the one-day reminder of LS-2026-0001 is in the outbox" yes "$([ -n "$f" ] && echo yes)"
check "its subject" "[Liaison deadline tomorrow] LS on OTN control plane extensions for 800G and 1.6T interfaces" \
	"$(header "$f" Subject)"
check "To: the chairs" "Daniele Ceccarelli <dc@example.net>, Fatai Zhang <fz@example.net>" "$(header "$f" To)"
check "Cc: the manager, not the response contact outside the organization's domains" \
	"Scott Mansfield <scott.mansfield@example.com>" "$(header "$f" Cc)"
check "its envelope" "dc@example.net, fz@example.net, scott.mansfield@example.com" "$(envelope "$f")"
check "From" "Liaison Statement Processor <statements@example.org>" "$(header "$f" From)"
check "In-Reply-To the original" "<177163338812.4321.1029384756@mailgw.itu.int>" "$(header "$f" In-Reply-To)"
check "References the original" "<177163338812.4321.1029384756@mailgw.itu.int>" "$(header "$f" References)"
check "Auto-Submitted" "auto-generated" "$(header "$f" Auto-Submitted)"
check "X-Loop" "statements@example.org" "$(header "$f" X-Loop)"
check "X-Liaison-Id" "LS-2026-0001" "$(header "$f" X-Liaison-Id)"
check "the text says the deadline and the days left" 2 \
	"$(grep -c -e '^Deadline: 2026-12-15$' -e '^Days left: 1$' "$f")"
check "and how to mark the action taken" 1 "$(grep -c '^`taken` on the first line' "$f")"
check "the overdue notices count the days" 1 \
	"$(grep -c '^Days overdue: 3$' "$(out_file "$(reminder_id LS-2026-0001 overdue-3)")")"
check "LS-2026-0007 reminds the MPLS chairs" "ohaddad@example.net, srichter@example.net, scott.mansfield@example.com" \
	"$(envelope "$(out_file "$(reminder_id LS-2026-0007 before-14)")")"
check "show --json has a reminder event per stage" 19 \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0001 | jq '[.events[] | select(.type == "reminder")] | length')"
# LS-2026-0010's response contact writes from broadband-forum.org, BBF's.
check "the reminders' recipients are recorded, sent, the response contact with the role response" \
	"robert.hale@broadband-forum.org|response|sent" \
	"$(sql "SELECT r.address, r.role, r.status FROM routes r JOIN outbox o ON o.id = r.outbox
	        WHERE o.kind = 'reminder' AND r.role = 'response' AND o.message_id = '$(reminder_id LS-2026-0010 before-7)'")"
check "but they are not routes of the statement in show" 0 \
	"$("$LIAISON" -c "$CONF" show --json LS-2026-0010 | jq '[.routes[] | select(.role == "response")] | length')"
check "a response contact outside its organization's domains gets no reminder" 0 \
	"$(sql "SELECT count(*) FROM routes r JOIN outbox o ON o.id = r.outbox
	        WHERE o.kind = 'reminder' AND r.address = 'greg.jones@example.com'")"

# Idempotent: a rerun of any day of the two months sends nothing more.
before=$(footprint)
for d in 2026-12-01 2026-12-09 2026-12-15 2026-12-29 2027-01-29 2027-01-31; do
	$R --today "$d" > /dev/null 2>&1 || not_ok "rerunning $d failed"
done
check "rerunning past days sends and records nothing" "$before" "$(footprint)"
check "the day after the last overdue notice has nothing due" \
	"remind 2026-12-30: 0 reminders due (dry run: nothing recorded or sent)" \
	"$($R --dry-run --today 2026-12-30)"

# A transport that fails (a sendmail that says 75): the reminder is
# recorded and stays queued for queue run, and the next run does not queue
# it again.
printf '#!/bin/sh\ncat > /dev/null\nexit 75\n' > "$T/sendmail"
chmod +x "$T/sendmail"
sed -i -e "s|^method *=.*|method = sendmail|" -e "s|^\[delivery\]|[delivery]\nsendmail = $T/sendmail|" "$CONF"
$R --today 2027-02-12 > /dev/null 2>"$T/err"
rc=$?
sed -i "s|^method *=.*|method = maildir|" "$CONF"
check "a failing transport: remind still exits 0" 0 "$rc"
check "it says the reminder was deferred" 1 "$(grep -c "LS-2026-0004 <$(reminder_id LS-2026-0004 before-14)>: deferred" "$T/err")"
check "the reminder is recorded and queued" "queued" \
	"$(sql "SELECT o.state FROM reminders r JOIN outbox o ON o.id = r.outbox WHERE r.stage = 'before-14' AND r.statement = (SELECT id FROM statements WHERE ls_id = 'LS-2026-0004')")"
check "the next run queues nothing more" "remind 2027-02-12: 0 reminders queued, 0 sent, 0 deferred, 0 failed" \
	"$($R --today 2027-02-12 2>&1)"
"$LIAISON" -c "$CONF" queue run --all > /dev/null 2>&1
check "queue run hands it over" 1 "$(grep -l -c "$(reminder_id LS-2026-0004 before-14)" "$O"/* | wc -l)"

# Three runs at once on the same day: one reminder, one message.
before=$(outbox_count)
for i in 1 2 3; do $R --today 2027-02-19 > "$T/par.$i" 2>&1 & done
wait
check "three runs at once queue the one-week reminder of LS-2026-0004 once" 1 \
	"$(sql "SELECT count(*) FROM reminders WHERE stage = 'before-7' AND statement = (SELECT id FROM statements WHERE ls_id = 'LS-2026-0004')")"
check "and send it once" "$((before + 1))" "$(outbox_count)"
check "no run failed" "" "$(grep -L '^remind 2027-02-19: ' "$T"/par.*)"

finish
