#!/bin/sh
# The manual pages: mandoc -Tlint, groff -ww and man --warnings find
# nothing in either; liaison(1) has an
# entry for every command that `liaison --help` lists, and documents no other
# command; liaison.conf(5) has an entry for every section and key that
# src/base/conf.c reads, and for no other key. Skipped when mandoc is missing.
. "$top_srcdir/tests/lib.sh"
if ! command -v mandoc >/dev/null 2>&1; then
	echo "mandoc is not installed"
	exit 77
fi
MAN1="$top_srcdir/man/liaison.1"
MAN5="$top_srcdir/man/liaison.conf.5"
CONF_C="$top_srcdir/src/base/conf.c"

# 1. Lint. Any message at level warning or above fails; the only line let
# through is mandoc's note about the system's own stale mandoc.db, which
# says nothing about our pages.
for page in "$MAN1" "$MAN5"; do
	name=$(basename "$page")
	if [ ! -s "$page" ]; then
		not_ok "$name exists and is not empty"
		continue
	fi
	mandoc -Tlint -W warning "$page" 2>&1 | grep -v 'outdated mandoc\.db' > "$T/lint"
	if [ -s "$T/lint" ]; then
		not_ok "mandoc -Tlint -W warning $name is silent"
		sed 's/^/#   /' "$T/lint"
	else
		ok "mandoc -Tlint -W warning $name is silent"
	fi
done

# 1a. A quoting macro nested in another (.Brq Ql a , Ql b) raises no
# warning, but renders its closing quotes piled up at the end: `a, `b''.
for page in "$MAN1" "$MAN5"; do
	check "$(basename "$page") renders no nested quotes" 0 \
		"$(mandoc -T ascii "$page" | grep -c "'''")"
done

# 1b. What groff says when it formats the pages as man(1) shows them:
# no warning of any kind (-ww), such as a line it cannot break or a
# macro nested where it does not belong. man(1) formats for its own
# width, 80 columns when its output is not a terminal.
if command -v groff > /dev/null 2>&1; then
	for page in "$MAN1" "$MAN5"; do
		name=$(basename "$page")
		groff -ww -mandoc -z "$page" > "$T/groff" 2>&1
		check "groff -ww -mandoc -z $name is silent" "" "$(cat "$T/groff")"
		if command -v man > /dev/null 2>&1; then
			MANWIDTH=80 man --warnings -l "$page" 2>&1 > /dev/null | grep -v '^man: can.t set the locale' > "$T/man"
			check "man --warnings -l $name is silent" "" "$(cat "$T/man")"
		fi
	done
else
	echo "# groff is not installed: its warnings are not checked"
fi

# 2. Commands: the lines indented two spaces under "Commands:" in --help,
# up to the blank line; the first word of each is the command.
"$LIAISON" --help > "$T/help" 2>&1
check "liaison --help exits 0" 0 "$?"
sed -n '/^Commands:/,/^$/p' "$T/help" | sed -n 's/^  \([a-z][a-z0-9-]*\).*/\1/p' | sort -u > "$T/commands"
if [ -s "$T/commands" ]; then
	ok "liaison --help lists $(wc -l < "$T/commands") commands"
else
	not_ok "liaison --help lists commands under 'Commands:'"
	sed 's/^/#   /' "$T/help"
fi
while IFS= read -r cmd; do
	if grep -Eq "^\.(Ss|It Cm) \"?$cmd( |\"|\$)" "$MAN1"; then
		ok "liaison.1 documents the command $cmd"
	else
		not_ok "liaison.1 has no '.Ss $cmd' or '.It Cm $cmd' for the command $cmd"
	fi
done < "$T/commands"
# The subsections of COMMANDS that are named in lower case are commands; a
# command documented there must exist.
sed -n '/^\.Sh COMMANDS/,/^\.Sh /p' "$MAN1" |
	sed -n 's/^\.Ss "\{0,1\}\([a-z][a-z0-9-]*\).*/\1/p' > "$T/documented"
while IFS= read -r cmd; do
	if grep -qx "$cmd" "$T/commands"; then
		ok "liaison.1 documents $cmd, which exists"
	else
		not_ok "liaison.1 documents the command $cmd, which liaison --help does not list"
	fi
done < "$T/documented"

# 3. Configuration keys. conf.c reads each key with a call such as
# get_string (l, s, "address") or get_list (l, section, "aliases"), and lists
# the keys a section may hold in tables (liaison_keys[] = { "address", ... }).
# Both are read from the file joined into one line, so that a call or table
# spread over several lines is still found: the first string literal of each
# call of a get_* function or of g_key_file_has_key, and every literal of
# each *_keys[] table.
if [ ! -f "$CONF_C" ]; then
	not_ok "src/base/conf.c exists"
	finish
fi
tr '\n\t' '  ' < "$CONF_C" > "$T/conf.c"
{
	grep -Eo '(get_[a-z_]+|has_key) *\([^()";]*"[^"]*"' "$T/conf.c" | sed 's/.*"\([^"]*\)"$/\1/'
	grep -Eo '_keys *\[\] *= *\{[^}]*\}' "$T/conf.c" | grep -Eo '"[^"]*"' | tr -d '"'
} | grep -E '^[a-z][a-z0-9-]*$' | sort -u > "$T/keys"
if [ -s "$T/keys" ]; then
	ok "src/base/conf.c reads $(wc -l < "$T/keys") keys"
else
	not_ok "found no key names in src/base/conf.c: has the way it reads keys changed? Adapt tests/t-man.sh"
fi
while IFS= read -r key; do
	if grep -Eq "^\.It Cm $key( |\$)" "$MAN5"; then
		ok "liaison.conf.5 documents the key $key"
	else
		not_ok "liaison.conf.5 has no '.It Cm $key' for the key $key that src/base/conf.c reads"
	fi
done < "$T/keys"
# Every key the page documents is one conf.c reads (no typo, no key that is
# not there).
sed -n 's/^\.It Cm \([a-z][a-z0-9-]*\) No =.*/\1/p' "$MAN5" | sort -u > "$T/page-keys"
while IFS= read -r key; do
	if grep -qx "$key" "$T/keys"; then
		ok "liaison.conf.5's key $key is read by src/base/conf.c"
	else
		not_ok "liaison.conf.5 documents the key $key, which src/base/conf.c does not read"
	fi
done < "$T/page-keys"

# Sections: the names conf.c compares a section with, strcmp (section,
# "liaison") for the fixed ones and section_name (section, "org") for the
# named ones.
grep -Eo '(strcmp|section_name) *\( *section *, *"[a-z]+"' "$T/conf.c" |
	sed 's/.*"\([a-z]*\)"$/\1/' | sort -u > "$T/sections"
if [ -s "$T/sections" ]; then
	ok "src/base/conf.c knows $(wc -l < "$T/sections") sections"
else
	not_ok "found no section names in src/base/conf.c: adapt tests/t-man.sh"
fi
while IFS= read -r section; do
	if grep -Eq "^\.Ss \"?\[$section[] ]" "$MAN5"; then
		ok "liaison.conf.5 documents the section [$section]"
	else
		not_ok "liaison.conf.5 has no '.Ss [$section...]' for the section [$section]"
	fi
done < "$T/sections"
finish
