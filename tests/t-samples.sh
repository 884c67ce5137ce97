#!/bin/sh
# End-to-end: the sample statements through deliver, then `show --json` of
# each compared with its golden file tests/data/samples/NAME.json (the clock
# is fixed with LIAISON_NOW, so the output is deterministic), and `list`.
# LIAISON_UPDATE_GOLDEN=1 rewrites the golden files (review them by hand).
. "$top_srcdir/tests/lib.sh"
write_config
G="$top_srcdir/tests/data/samples"
n=0
for m in "$top_srcdir"/samples/mail/*.eml; do
	deliver "$m" -r statements@example.org
	check "deliver $(basename "$m") exits 0" 0 "$rc"
	n=$((n + 1))
done
check "every sample recorded" "$n" "$(sql 'SELECT count(*) FROM messages')"

for m in "$top_srcdir"/samples/mail/*.eml; do
	name=$(basename "$m" .eml)
	mid=$(sed -n 's/^[Mm]essage-[Ii][Dd]: *<\(.*\)>.*/\1/p' "$m" | head -1)
	"$LIAISON" -c "$CONF" show --json "$mid" > "$T/$name.json" 2>"$T/stderr"
	check "show --json $name exits 0" 0 "$?"
	if [ "${LIAISON_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T/$name.json" "$G/$name.json"
	fi
	if diff -u "$G/$name.json" "$T/$name.json" > "$T/diff"; then
		ok "show --json $name matches its golden file"
	else
		not_ok "show --json $name differs from its golden file"
		cat "$T/diff"
	fi
	# Show by statement id gives the same record.
	id=$(jq -r .id "$T/$name.json")
	"$LIAISON" -c "$CONF" show --json "$id" > "$T/$name.byid.json"
	check "show $id by id and by Message-ID agree" "" "$(diff "$T/$name.json" "$T/$name.byid.json")"
done

"$LIAISON" -c "$CONF" list --json > "$T/list.json"
check "list --json has every statement" "$n" "$(jq length "$T/list.json")"
check "list --json omits body, thread and events" "false" \
	"$(jq '[.[] | has("body") or has("thread") or has("events")] | any' "$T/list.json")"
check "list --json is newest first" "$(jq -r '[.[].id] | sort | reverse | join(" ")' "$T/list.json")" \
	"$(jq -r '[.[].id] | join(" ")' "$T/list.json")"
"$LIAISON" -c "$CONF" list --state held --json > "$T/held.json"
check "one sample is held" 1 "$(jq length "$T/held.json")"
"$LIAISON" -c "$CONF" list > "$T/list.txt"
check "the table lists every statement" "$n" "$(grep -c '^LS-' "$T/list.txt")"
"$LIAISON" -c "$CONF" check > "$T/check.txt"
check "check accepts the samples' configuration and database" 0 "$?"
"$LIAISON" -c "$CONF" show LS-2099-9999 2>/dev/null
check "show of an unknown id exits 1" 1 "$?"
finish
