#!/bin/sh
# End-to-end: actions by reply (issue 18). A chair of a statement's group
# replies to our forward with command lines at the start of the body
# (taken, route, deadline, close): each is done as the CLI does it, is an
# event and a journal line, and is confirmed by one short reply to the
# chair; `rebuild` does them again. The same lines from anyone else, from
# an unvouched chair, or naming only the subject tag, change nothing; a
# malformed command changes nothing and its reply lists the valid ones.
. "$top_srcdir/tests/lib.sh"
write_config
S="$top_srcdir/samples/mail"
O="$T/outbox/new"
CHAIR="Daniele Ceccarelli <dc@example.net>"

L () { "$LIAISON" -c "$CONF" "$@"; }
field () { L show --json "$1" | jq -r ".$2"; }
# to_chair: how many messages went to the chair (the envelope's first line).
to_chair () {
	for f in "$O"/*; do [ -f "$f" ] && head -1 "$f"; done |
		sed -n 's/^X-Liaison-Envelope-To: //p' | tr ',' '\n' | sed 's/^ *//' | grep -c -x -F dc@example.net
}
count_events () {
	sql "SELECT count(*) FROM events e JOIN statements s ON s.id = e.statement
	     WHERE s.ls_id = 'LS-2026-0001' AND e.type = '$1'"
}
journal_lines () { grep -c "	$1	LS-2026-0001" "$T/spool/journal"; }
# replies_to ID: how many of our messages answer ID with our subject.
replies_to () {
	grep -l "^In-Reply-To: <$1>" "$O"/* 2>/dev/null | xargs -r grep -l '^Subject: Re: \[LS-2026-0001\]' | wc -l
}
# mail FILE FROM MESSAGE-ID [HEADER...]: a reply with the text on stdin.
mail () {
	f=$1 from=$2 id=$3; shift 3
	{
		for h in "$@"; do echo "$h"; done
		echo "From: $from"
		echo "To: statements@example.org"
		echo "Subject: Re: [LS-2026-0001] LS on OTN"
		echo "Date: Mon, 30 Nov 2026 10:00:00 +0000"
		echo "Message-ID: <$id>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		cat
	} > "$T/$f"
}

deliver "$S/01-action-ccamp.eml"
check "the statement is recorded" 0 "$rc"
FWD=$(our_id LS-2026-0001 forward)
check "our forward has a Message-ID" 1 "$([ -n "$FWD" ] && echo 1)"
REF="In-Reply-To: <$FWD>"

# Someone else's command lines: ordinary thread content.
mail outsider.eml "Mallory <mallory@example.com>" out-1@example.com "$REF" <<'EOF'
close
EOF
deliver "$T/outsider.eml"
check "an outsider's close: exits 0" 0 "$rc"
check "an outsider's close: LS-2026-0001 stays open" open "$(field LS-2026-0001 state)"
check "an outsider's close: no confirmation" "0 0" "$(count_events mail-commands) $(replies_to out-1@example.com)"

# A malformed command: nothing done, the reply lists the valid ones.
mail bad.eml "$CHAIR" bad-1@example.net "$REF" <<'EOF'
deadline tomorrow

-- 
Daniele
EOF
n=$(to_chair)
deliver "$T/bad.eml"
check "a malformed command: exits 0" 0 "$rc"
check "a malformed command: one reply to the chair" $((n + 1)) "$(to_chair)"
check "a malformed command: the reply answers it" 1 "$(replies_to bad-1@example.net)"
check "a malformed command: the reply lists the valid ones" 1 \
	"$(grep -l '^In-Reply-To: <bad-1@example.net>' "$O"/* | xargs grep -l 'deadline YYYY-MM-DD' | wc -l)"
check "a malformed command: no edit journaled" 0 "$(journal_lines edit)"
check "a malformed command: LS-2026-0001 still open" open "$(field LS-2026-0001 state)"

# The chair drives the statement: taken, route (ccamp stays one of its
# groups, so that its chair still speaks for it), deadline, note, close.
i=0
for cmd in taken "route ccamp teas" "deadline 2027-02-01" "NOTE Discussed at the interim" close; do
	i=$((i + 1))
	mail "cmd-$i.eml" "$CHAIR" "cmd-$i@example.net" "$REF" <<EOF
$cmd

On Mon, 30 Nov 2026, liaison wrote:
> The statement
EOF
	deliver "$T/cmd-$i.eml"
	check "$cmd: exits 0" 0 "$rc"
	check "$cmd: confirmed by one reply to the chair" "1 dc@example.net" \
		"$(replies_to "cmd-$i@example.net") $(grep -l "^In-Reply-To: <cmd-$i@example.net>" "$O"/* | xargs -r head -qn1 | sed 's/^X-Liaison-Envelope-To: //')"
done
check "taken: the action is taken" true "$(field LS-2026-0001 action_taken)"
check "route ccamp teas: journaled" 1 "$(grep -c '	route	LS-2026-0001	ccamp	teas' "$T/spool/journal")"
check "deadline: set" 2027-02-01 "$(field LS-2026-0001 deadline)"
check "close: closed" closed "$(field LS-2026-0001 state)"
check "each was journaled" "1 1 1" "$(journal_lines taken) $(journal_lines edit) $(journal_lines close)"
check "note: an event naming the chair" "Discussed at the interim (by dc@example.net)" \
	"$(sql "SELECT e.detail FROM events e JOIN statements s ON s.id = e.statement WHERE s.ls_id = 'LS-2026-0001' AND e.type = 'note'")"
check "note: journaled" 1 "$(journal_lines note)"
check "each command message is confirmed, with an event" 6 "$(count_events mail-commands)"
check "the journal names the chair" 4 \
	"$(grep -E '	(taken|route|edit|close)	LS-2026-0001' "$T/spool/journal" | grep -c dc@example.net)"
check "a command message is a command, not a reply" "command command command command command" \
	"$(sql "SELECT group_concat(role, ' ') FROM messages WHERE message_id LIKE 'cmd-%'")"

# A chair's command naming only the subject tag, no reference: not obeyed.
mail tag-only.eml "$CHAIR" tag-1@example.net <<'EOF'
reopen
EOF
deliver "$T/tag-only.eml"
check "a tag-only reopen: LS-2026-0001 stays closed" closed "$(field LS-2026-0001 state)"
check "a tag-only reopen: no confirmation" "6 0" "$(count_events mail-commands) $(replies_to tag-1@example.net)"
check "a tag-only reopen: nothing journaled" 0 "$(journal_lines reopen)"

# The journal has it all: a rebuild does it again, byte for byte.
L show --json LS-2026-0001 > "$T/before.json"
rm -f "$T/liaison.db" "$T/liaison.db-wal" "$T/liaison.db-shm"
L rebuild > "$T/rebuild.out" 2> "$T/rebuild.err"
check "rebuild: no error" "" "$(cat "$T/rebuild.err")"
check "rebuild: show --json byte for byte" "" \
	"$(L show --json LS-2026-0001 | diff "$T/before.json" - | head -5)"

# reinject of the same mail into an empty store does what deliver did,
# the commands included (liaison(1): "exactly as deliver would").
L show --json LS-2026-0001 | jq -c '[.state, .action_taken, .deadline, .to.groups]' > "$T/delivered"
i=0
for f in "$S/01-action-ccamp.eml" "$T/outsider.eml" "$T/bad.eml" "$T"/cmd-[1-5].eml "$T/tag-only.eml"; do
	i=$((i + 1))
	echo "From reinject@example.org Mon Nov 30 11:00:$(printf %02d $i) 2026"
	sed 's/^From />From /' "$f"
	echo
done > "$T/all.mbox"
mkdir -p "$T/again"
cp -p "$T/spool/secret" "$T/again.secret"
sed -e "s|^database *=.*|database = $T/again/liaison.db|" -e "s|^spool *=.*|spool = $T/again/spool|" \
    -e "s|^maildir *=.*|maildir = $T/again/outbox|" "$CONF" > "$T/again.conf"
mkdir -p "$T/again/spool" && cp -p "$T/again.secret" "$T/again/spool/secret"
"$LIAISON" -c "$T/again.conf" reinject "$T/all.mbox" > /dev/null 2> "$T/again.err"
check "reinject: no error" "" "$(cat "$T/again.err")"
check "reinject: the commands are done as on delivery" "$(cat "$T/delivered")" \
	"$("$LIAISON" -c "$T/again.conf" show --json LS-2026-0001 | jq -c '[.state, .action_taken, .deadline, .to.groups]')"
check "reinject: each command message confirmed again" 6 \
	"$("$LIAISON" -c "$T/again.conf" show --json LS-2026-0001 | jq '[.events[] | select(.type == "mail-commands")] | length')"

# With authserv-id set, a forged pass (not topmost) is no pass: nothing.
write_config "authserv-id = mx.example.org"
mail forged.eml "$CHAIR" forged-1@example.net "$REF" \
	"Authentication-Results: mx.example.org; dkim=fail header.d=example.net" \
	"Authentication-Results: mx.example.org; dkim=pass header.d=example.net" <<'EOF'
reopen
EOF
deliver "$T/forged.eml"
check "a forged pass: LS-2026-0001 stays closed" closed "$(field LS-2026-0001 state)"
check "a forged pass: no confirmation" "6 0" "$(count_events mail-commands) $(replies_to forged-1@example.net)"
mail other-server.eml "$CHAIR" forged-2@example.net "$REF" \
	"Authentication-Results: mx.evil.example; dkim=pass header.d=example.net" <<'EOF'
reopen
EOF
deliver "$T/other-server.eml"
check "another server's pass: LS-2026-0001 stays closed" closed "$(field LS-2026-0001 state)"
check "another server's pass: no confirmation" "6 0" "$(count_events mail-commands) $(replies_to forged-2@example.net)"

finish
