#!/bin/sh
# The source tree as the README describes it: every file under src/ is
# named in the README's "Layout of the source tree" section, and every
# path named there exists; no two modules include each other, directly or
# through others (an include cycle); and no include runs back up the
# layers (base < input < stages < store < outbound < record < deliver.c <
# export < cmd and commands.h < liaison.c). `NAME.[ch]` in the README names both files.
. "$top_srcdir/tests/lib.sh"
cd "$top_srcdir" || exit 1

find src -name '*.[ch]' | sort > "$T/files"
sed -n '/^## Layout of the source tree/,/^## /p' README.md |
	grep -o '`src/[^`]*`' | tr -d '`' |
	sed -e 's/^\(.*\)\.\[ch\]$/\1.c\n\1.h/' | sort -u > "$T/listed"
check "the README's layout section names source files" "yes" \
	"$( [ -s "$T/listed" ] && echo yes || echo no)"
comm -23 "$T/files" "$T/listed" > "$T/unlisted"
comm -13 "$T/files" "$T/listed" > "$T/stale"
if [ -s "$T/unlisted" ]; then
	not_ok "every source file is in the README's layout table; missing: $(tr '\n' ' ' < "$T/unlisted")"
else
	ok "every one of the $(wc -l < "$T/files") source files is in the README's layout table"
fi
if [ -s "$T/stale" ]; then
	not_ok "every path of the README's layout table exists; gone: $(tr '\n' ' ' < "$T/stale")"
else
	ok "every path of the README's layout table exists"
fi

# The include graph between modules (a module is NAME.c with NAME.h; a
# NAME-private.h belongs to module NAME): one line "FROM TO" per include
# of one of our headers.
while read -r f; do
	from=${f%.[ch]}
	from=${from%-private}
	sed -n 's/^#include "\([^"]*\)\.h".*/\1/p' "$f" | while read -r inc; do
		if [ -f "src/$inc.h" ]; then
			to="src/$inc"
		elif [ -f "$(dirname "$f")/$inc.h" ]; then
			to="$(dirname "$f")/$inc"
		else
			continue
		fi
		to=${to%-private}
		[ "$to" != "$from" ] && echo "$from $to"
	done
done < "$T/files" | sort -u > "$T/edges"
check "the include graph has edges" "yes" "$( [ -s "$T/edges" ] && echo yes || echo no)"

# A cycle: a module that reaches itself through the edges (depth-first,
# from each module in turn).
awk '
	{ adj[$1] = adj[$1] " " $2; nodes[$1] = 1; nodes[$2] = 1 }
	function visit(n, path,    i, k, next_n, parts) {
		if (n in onpath) { cycle = path " " n; return 1 }
		if (n in done) return 0
		onpath[n] = 1
		k = split(adj[n], parts, " ")
		for (i = 1; i <= k; i++)
			if (visit(parts[i], path " " n)) return 1
		delete onpath[n]
		done[n] = 1
		return 0
	}
	END {
		for (n in nodes) if (visit(n, "")) { print cycle; exit }
	}' "$T/edges" > "$T/cycle"
if [ -s "$T/cycle" ]; then
	not_ok "no include cycle; found:$(cat "$T/cycle")"
else
	ok "no include cycle among $(cut -d' ' -f1 "$T/edges" | sort -u | wc -l) modules"
fi

# The layers, lowest first; an include may only run to the same layer or
# a lower one.
layer () {
	case $1 in
	src/base/*) echo 1 ;;
	src/input/*) echo 2 ;;
	src/stages/*) echo 3 ;;
	src/store/*) echo 4 ;;
	src/outbound/*) echo 5 ;;
	src/record/*) echo 6 ;;
	src/deliver) echo 7 ;;
	src/export/*) echo 8 ;;
	src/cmd/*|src/commands) echo 9 ;;
	src/liaison) echo 10 ;;
	*) echo 0 ;;
	esac
}
: > "$T/up"
: > "$T/unknown"
while read -r from to; do
	lf=$(layer "$from"); lt=$(layer "$to")
	if [ "$lf" = 0 ] || [ "$lt" = 0 ]; then
		echo "$from $to" >> "$T/unknown"
	elif [ "$lt" -gt "$lf" ]; then
		echo "$from -> $to" >> "$T/up"
	fi
done < "$T/edges"
check "every module belongs to a layer" "" "$(cat "$T/unknown")"
check "no include runs back up the layers" "" "$(cat "$T/up")"
finish
