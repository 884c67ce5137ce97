#!/bin/sh
# End-to-end: the filters of `liaison list` (SPEC §1) over the samples:
# --state, --purpose, --from ORG and --to GROUP by any name of the
# organization or group (the name rule of SPEC §3), combined, and refused
# when the value is unknown. Each expected list comes from the database,
# and each filter must keep some statements and leave out others.
# (--overdue and the table's columns have their own tests.)
. "$top_srcdir/tests/lib.sh"
write_config
for m in "$top_srcdir"/samples/mail/*.eml; do
	deliver "$m" -r statements@example.org
	check "deliver $(basename "$m") exits 0" 0 "$rc"
done
all=$(sql "SELECT count(*) FROM statements")

# ids ARGS...: the ids `list --json ARGS` prints, sorted, on one line.
ids () { "$LIAISON" -c "$CONF" list --json "$@" | jq -r '[.[].id] | sort | join(" ")'; }
# want SQL-CONDITION: the ids of the statements s that meet it.
want () { sql "SELECT ifnull(group_concat(ls_id, ' '), '') FROM (SELECT ls_id FROM statements s WHERE $1 ORDER BY ls_id)"; }
# some LIST: 1 when LIST names some statements but not all.
some () { n=$(echo $1 | wc -w); [ "$n" -gt 0 ] && [ "$n" -lt "$all" ] && echo 1; }

check "no filter lists every statement" "$(want 1)" "$(ids)"

for state in held open; do
	w=$(want "state = '$state'")
	check "--state $state keeps some" 1 "$(some "$w")"
	check "--state $state" "$w" "$(ids --state "$state")"
done
check "--state is case-insensitive" "$(want "state = 'held'")" "$(ids --state HELD)"
check "--state replied lists none" "" "$(ids --state replied)"

for purpose in action information; do
	w=$(want "purpose = '$purpose'")
	check "--purpose $purpose keeps some" 1 "$(some "$w")"
	check "--purpose $purpose" "$w" "$(ids --purpose "$purpose")"
done

w=$(want "from_org = 'ITU-T SG15'")
check "--from keeps some" 1 "$(some "$w")"
for name in "ITU-T SG15" "SG15" "ITU-T Study Group 15" "itu-t-sg-15" "itu_t sg 15"; do
	check "--from '$name'" "$w" "$(ids --from "$name")"
done
check "--from an unknown organization lists none" "" "$(ids --from "Nobody Forum")"

w=$(want "EXISTS (SELECT 1 FROM statement_groups g WHERE g.statement = s.id AND g.kind = 'group' AND g.value = 'mpls')")
check "--to keeps some" 1 "$(some "$w")"
for name in mpls MPLS "Multiprotocol Label Switching" "Multi-Protocol Label Switching" "MPLS WG"; do
	check "--to '$name'" "$w" "$(ids --to "$name")"
done
check "--to a group with one statement" "$(want "EXISTS (SELECT 1 FROM statement_groups g WHERE g.statement = s.id AND g.value = 'ccamp')")" "$(ids --to ccamp)"

w=$(want "from_org = 'ITU-T SG15' AND purpose = 'action' AND EXISTS (SELECT 1 FROM statement_groups g WHERE g.statement = s.id AND g.kind = 'group' AND g.value = 'mpls')")
check "filters combine" 1 "$([ "$(echo $w | wc -w)" = 1 ] && echo 1)"
check "--from --to --purpose together" "$w" "$(ids --from SG15 --to "MPLS WG" --purpose action)"
check "--state and --from together" "$(want "state = 'held' AND from_org = 'BBF'")" "$(ids --state held --from "Broadband Forum")"

"$LIAISON" -c "$CONF" list --state nonsense > /dev/null 2> "$T/err"
check "an unknown state is a usage error" 2 "$?"
check "with one line" 1 "$(wc -l < "$T/err")"
"$LIAISON" -c "$CONF" list --purpose nonsense > /dev/null 2> "$T/err"
check "an unknown purpose is a usage error" 2 "$?"

# The table honours the filters too.
"$LIAISON" -c "$CONF" list --state held > "$T/table"
check "the table lists the held ones" "$(want "state = 'held'")" \
	"$(tail -n +2 "$T/table" | cut -d' ' -f1 | sort | tr '\n' ' ' | sed 's/ $//')"

finish
