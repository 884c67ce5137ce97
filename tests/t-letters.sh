#!/bin/sh
# End-to-end: a statement whose only text is a letter in a PDF behind a
# cover note that never says "liaison" (SPEC §4, §5: statement content is
# looked for in attached documents too). A letter that writes to one of
# our groups is a statement, checked and routed like any other, with the
# letter as its body; one that writes to none of them stays other, held.
. "$top_srcdir/tests/lib.sh"
write_config
D="$top_srcdir/tests/data/extract"
O="$T/outbox/new"

if ! "$LIAISON" --version | grep -q 'documents: .*pdf'; then
	echo "# built without PDF support: nothing to read the letters with"
	exit 77
fi

# The envelope recipients of our message with Message-ID <$1>.
envelope_of () {
	f=$(grep -l -i "^Message-Id: <$1>" "$O"/* 2>/dev/null | head -1)
	[ -n "$f" ] && sed -n '1s/^X-Liaison-Envelope-To: //p' "$f"
}

# A BBF letter to IETF OPSAWG, sent from within BBF's domains.
deliver "$D/letter-pdf-no-liaison.eml" -r statements@example.org
check "the letter: deliver exits 0" 0 "$rc"
check "it is recorded as a statement" statement \
	"$(sql "SELECT kind FROM messages WHERE message_id = 'bbf-tc-2027-11-03-1@broadband-forum.org'")"
id=$(sql "SELECT ls_id FROM statements s JOIN messages m ON m.id = s.message
	WHERE m.message_id = 'bbf-tc-2027-11-03-1@broadband-forum.org'")
check "it has an id" yes "$([ -n "$id" ] && echo yes)"
check "its sender passed: it is open" open "$(sql "SELECT state FROM statements WHERE ls_id = '$id'")"
check "from BBF" BBF "$(sql "SELECT from_org FROM statements WHERE ls_id = '$id'")"
check "its title is the subject" "TR-512 access network telemetry and the IETF IPFIX registries" \
	"$(sql "SELECT title FROM statements WHERE ls_id = '$id'")"
check "for OPSAWG" opsawg "$(sql "SELECT group_concat(value) FROM statement_groups g
	JOIN statements s ON s.id = g.statement WHERE s.ls_id = '$id' AND g.kind = 'group'")"
check "its body is the letter" 1 \
	"$(sql "SELECT count(*) FROM statements WHERE ls_id = '$id' AND body LIKE '%Dear OPSAWG chairs,%'
		AND body LIKE '%Annex C%'")"
check "not the cover note" 0 \
	"$(sql "SELECT count(*) FROM statements WHERE ls_id = '$id' AND body LIKE '%please find attached%'")"
case $(envelope_of "$(our_id "$id" forward)") in
*opsawg@ietf.org*) ok "the forward goes to the OPSAWG list" ;;
*) not_ok "the forward goes to the OPSAWG list: $(envelope_of "$(our_id "$id" forward)")" ;;
esac

# The same letter from an address outside BBF's domains: held.
sed -e 's/^From: .*/From: Lena Fischer <lena.fischer@example.com>/' \
	-e 's/^Message-ID: .*/Message-ID: <bbf-forged-1@example.com>/' \
	"$D/letter-pdf-no-liaison.eml" > "$T/forged.eml"
deliver "$T/forged.eml" -r statements@example.org
check "a letter from outside the domains: deliver exits 0" 0 "$rc"
check "it is a statement, held" held "$(sql "SELECT s.state FROM statements s JOIN messages m
	ON m.id = s.message WHERE m.message_id = 'bbf-forged-1@example.com'")"

# A memo that writes to no group of ours: other, held for triage.
deliver "$D/letter-pdf-not-ours.eml" -r statements@example.org
check "the memo: deliver exits 0" 0 "$rc"
check "it is other" other \
	"$(sql "SELECT kind FROM messages WHERE message_id = 'bbf-tc-2027-11-03-2@broadband-forum.org'")"
check "it is no statement: a held message with a handle, no LS id" "1|0" \
	"$(sql "SELECT count(*), count(s.handle IS NULL OR s.ls_id <> s.handle OR NULL) FROM statements s
	JOIN messages m ON m.id = s.message WHERE m.message_id = 'bbf-tc-2027-11-03-2@broadband-forum.org'")"
check "it is held" yes "$(sql "SELECT hold_reason IS NOT NULL FROM messages
	WHERE message_id = 'bbf-tc-2027-11-03-2@broadband-forum.org'" | sed 's/^1$/yes/')"

finish
