#!/bin/sh
# bench/compare-build.sh [BASE_REV]: shows that a change of src/ (a refactor)
# changes no behaviour. It builds BASE_REV (default 66610e7, the commit
# before the architecture refactor) and the working tree as it is, runs the
# same scenario with each binary in a fresh store with the clock fixed, and
# compares everything the two runs printed, sent and stored.
#
#   sh bench/compare-build.sh                  # 66610e7 against the working tree
#   sh bench/compare-build.sh HEAD~3
#   BASE_LIAISON=/path/a NEW_LIAISON=/path/b sh bench/compare-build.sh
#   KEEP=1 sh bench/compare-build.sh           # keep the temporary directory
#
# BASE_LIAISON / NEW_LIAISON name binaries already built: that side is then
# not built. The messages, the configuration and the test data come from
# the working tree of the repository that holds this script, and the
# corpus from ${LIAISON_CORPUS:-../shared/corpus} (read only: nothing is
# written outside one temporary directory).
#
# The scenario (the same, in the same order, for both binaries; the clock
# (LIAISON_NOW and LIAISON_TODAY) moves one minute a delivery, from fixed
# starting points):
#   deliver  samples/mail/*.eml, with the reply and follow-up that arrive
#            before their parent (as tests/t-thread.sh); then the rest of
#            tests/data/threads (replies by References, subject tag, id,
#            Datatracker URL, an auto-reply, a follow-up and its duplicate,
#            response statements, a reference loop), three bounces (a DSN,
#            an old-style one, a foreign one; as tests/t-route.sh), a
#            duplicate sample; tests/data/remind/*.eml; tests/data/extract/
#            *.eml and broken/*.eml; CORPUS_COUNT (50) messages of the corpus
#            (every file but READMEs, licences and mboxes, sorted by path in
#            the C locale, every k-th of them).
#   commands remind --dry-run and remind on 2026-12-08, taken, close and
#            reopen; with the Maildir outbox made unusable, route of the held
#            statement and remind on 2026-12-15 (their mail stays queued),
#            then queue run the next day; remind on 2026-12-24 and
#            2027-01-22, a close; reinject of an mbox of the samples and two
#            replies into a second store, twice (the second time all
#            duplicates).
#   captured every delivery's exit status, stdout and stderr; every list
#            variant of `list --help` (--state, --purpose, --from, --to,
#            --overdue, each also --json); show and thread (text and --json)
#            of every statement; search of a few queries (text and --json);
#            export in json, csv, atom (stdout and -o) and html (-o);
#            queue list (--all, --json); check; the Maildir outbox (each
#            message's bytes), the spool (paths and SHA-256), `sqlite3 .dump`
#            of the database and its PRAGMA user_version; the same for the
#            reinject store. Every command's exit status and stderr are in
#            commands.log.
#
# Both binaries are copied to the same path and run in a store at the same
# path (moved aside afterwards), so that argv[0] and every path they print
# are the same. What is filtered, because it differs between two runs of
# the very same binary:
#   - the Maildir file names (time, microseconds, pid and host name,
#     src/outbound/transport/maildir.c unique_name()): each outgoing message is kept
#     under its Message-ID instead, and listed with its SHA-256 and size;
#   - outbox.claimed_pid (the pid of the process that handed a message
#     over, left in the row once sent; src/outbound/outbox.c): set to 0 when not
#     NULL in a copy of the database before it is dumped;
#   - the journal's token (drawn at random when the journal is made; the
#     journal's first line and its table): the journal is hashed without
#     its first line, the table's token set to 'random' in the copy.
# The spool's secret, which keys our Message-IDs, is planted (the tests'
# fixed one) before the first command. Nothing else: the outgoing mail is dated by LIAISON_NOW, its MIME
# boundaries are hashes (src/stages/compose.c boundary_for()), the claim token
# (g_uuid_string_random) is NULL again once a message is sent, the
# reinject progress line is drawn only on a terminal, and the delivery's
# duration goes to syslog only.
#
# Exit status: 0 identical, 1 something differs (the first differences are
# shown), 2 the comparison could not be made (a build failed...).
# Needs: git, tar, the autotools and build dependencies (scripts/deps.sh),
# sqlite3, sha256sum, GNU date and timeout.
set -eu

BASE_REV=${1:-66610e7}
JOBS=${JOBS:-2}
TIME_LIMIT=${TIME_LIMIT:-300}
CORPUS_COUNT=${CORPUS_COUNT:-50}
DIFF_LINES=${DIFF_LINES:-80}
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ
unset LIAISON_CONFIG LIAISON_NOW LIAISON_TODAY 2>/dev/null || :

here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/.." && pwd))
CORPUS=${LIAISON_CORPUS:-$repo/../shared/corpus}

die () { echo "compare-build: $*" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-build.XXXXXX")
# shellcheck disable=SC2317 # called by the trap
cleanup () {
	if [ "${KEEP:-0}" = 1 ]; then
		echo "compare-build: kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM
case $(cd "$work" && pwd -P)/ in
"$(cd "$repo/.." && pwd -P)/shared/"*) die "TMPDIR is under ../shared, which is read only" ;;
esac

for tool in sqlite3 sha256sum timeout date diff tar; do
	command -v "$tool" > /dev/null 2>&1 || die "$tool is needed"
done

# --- The two binaries ------------------------------------------------------

# build NAME [REV]: builds REV (git archive), or without REV the working tree
# (its tracked files as they are now and its untracked files that are not
# ignored), out of tree in $work/NAME/build; prints the binary's path.
build () {
	src=$work/$1/src bld=$work/$1/build log=$work/$1/build.log
	mkdir -p "$src" "$bld"
	if [ $# -ge 2 ]; then
		git -C "$repo" archive "$2" | tar -x -C "$src"
	else
		# --ignore-failed-read: a tracked file deleted from the tree.
		(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
		 tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -x -C "$src"
	fi
	if ! (cd "$src" && ./autogen.sh && cd "$bld" && "$src/configure" -q &&
	      make -j"$JOBS" liaison) > "$log" 2>&1; then
		echo "compare-build: building $1 failed; the end of $log:" >&2
		tail -n 30 "$log" >&2
		exit 2
	fi
	echo "$bld/liaison"
}

if [ -n "${BASE_LIAISON:-}" ]; then
	[ -x "$BASE_LIAISON" ] || die "BASE_LIAISON=$BASE_LIAISON is not an executable"
	base_bin=$BASE_LIAISON
	base_what="binary $BASE_LIAISON (prebuilt; BASE_REV not built)"
else
	base_commit=$(git -C "$repo" rev-parse --verify -q "$BASE_REV^{commit}") ||
		die "$BASE_REV is not a commit of $repo"
	echo "compare-build: building $BASE_REV ..."
	base_bin=$(build base "$base_commit")
	base_what="$BASE_REV = $(git -C "$repo" log -1 --format='%H %s' "$base_commit")"
fi
if [ -n "${NEW_LIAISON:-}" ]; then
	[ -x "$NEW_LIAISON" ] || die "NEW_LIAISON=$NEW_LIAISON is not an executable"
	new_bin=$NEW_LIAISON
	new_what="binary $NEW_LIAISON (prebuilt)"
else
	echo "compare-build: building the working tree ..."
	new_bin=$(build new)
	dirty=$(git --no-optional-locks -C "$repo" status --porcelain --untracked-files=normal | wc -l)
	if [ "$dirty" = 0 ]; then dirty="no uncommitted changes"; else dirty="$dirty paths changed or new"; fi
	new_what="working tree $repo at $(git -C "$repo" log -1 --format='%h %s' HEAD) ($dirty)"
fi
echo "base: $base_what"
echo "      $base_bin sha256 $(sha256sum < "$base_bin" | cut -c1-16)"
echo "new:  $new_what"
echo "      $new_bin sha256 $(sha256sum < "$new_bin" | cut -c1-16)"
echo "inputs: $repo (samples, tests/data), $CORPUS"

# --- The inputs, the same for both ----------------------------------------

IN=$work/inputs
mkdir -p "$IN"
SM=$repo/samples/mail
TD=$repo/tests/data

# The corpus sample: every CORPUS_COUNT-th message of the sorted list.
if [ -d "$CORPUS" ]; then
	(cd "$CORPUS" && find . -type f ! -name 'README*' ! -name '*.md' ! -name 'LICENSE*' \
		! -name 'COPYING*' ! -name '*.gz' ! -name '*.mbox') | LC_ALL=C sort > "$IN/corpus.all"
	total=$(wc -l < "$IN/corpus.all")
	step=$((total / CORPUS_COUNT))
	[ "$step" -ge 1 ] || step=1
	awk -v k="$step" '(NR - 1) % k == 0' "$IN/corpus.all" | head -n "$CORPUS_COUNT" > "$IN/corpus.list"
else
	echo "compare-build: no corpus at $CORPUS; its messages are left out" >&2
	: > "$IN/corpus.list"
fi

# The bounces of tests/t-route.sh (tests/data/bounces): a DSN of
# LS-2026-0001's forward, an old-style bounce of its acknowledgement, a
# DSN of something never sent.
cp "$TD/bounces/dsn-forward.eml" "$IN/dsn.eml"
cp "$TD/bounces/old-style-ack.eml" "$IN/bounce2.eml"
sed -e 's/LS-2026-0001.forward@example.org/someone-else@example.org/' -e 's/dsn-1@/dsn-3@/' \
	"$IN/dsn.eml" > "$IN/dsn3.eml"

# The mbox to reinject: the samples and two replies, mboxrd-quoted.
i=0
for f in "$SM"/*.eml "$TD/threads/01-reply-by-references.eml" "$TD/threads/02-reply-by-subject-tag.eml"; do
	[ -f "$f" ] || continue
	i=$((i + 1))
	printf 'From sender@example.org Fri Oct  2 12:%02d:00 2026\n' "$i"
	sed 's/^\(>*From \)/>\1/' "$f"
	echo
done > "$IN/reinject.mbox"

# --- One run ---------------------------------------------------------------

B=$work/bin/liaison   # the binary under test
S=$work/store         # its store
C=                    # where its outputs are captured
CONF=                 # the configuration of the commands

# write_config FILE DIR ID-PREFIX: the samples' configuration with the
# store, spool and Maildir outbox in DIR (as tests/lib.sh).
write_config () {
	mkdir -p "$2"
	sed -e "s|^database *=.*|database = $2/liaison.db|" \
	    -e "s|^spool *=.*|spool = $2/spool|" \
	    -e "s|^maildir *=.*|maildir = $2/outbox|" \
	    -e "s|^id-prefix *=.*|id-prefix = $3|" \
	    "$repo/samples/liaison.conf" > "$1"
	# The spool's secret keys our Message-IDs and VERP tokens: fixed, as
	# in the tests, so that both sides compose the same bytes.
	mkdir -p "$2/spool"
	[ -f "$2/spool/secret" ] ||
		(umask 077; printf '%s' 'liaison test secret 0123456789ab' > "$2/spool/secret")
}

# The clock: set_clock ISO-TIME; tick moves it one minute.
clock=0
set_clock () { clock=$(date -u -d "$1" +%s); export_clock; }
tick () { clock=$((clock + 60)); export_clock; }
export_clock () {
	LIAISON_NOW=$(date -u -d "@$clock" +%Y-%m-%dT%H:%M:%SZ)
	LIAISON_TODAY=${LIAISON_NOW%%T*}
	export LIAISON_NOW LIAISON_TODAY
}

# runlog LOG-FILE STDOUT-FILE ARGS...: runs the binary with -c $CONF ARGS;
# its exit status and stderr go to LOG-FILE under $label, and so does its
# stdout when STDOUT-FILE is "-".
runlog () {
	rl_log=$1 rl_out=$2; shift 2
	if timeout "$TIME_LIMIT" "$B" -c "$CONF" "$@" > "$work/out" 2> "$work/err"; then rc=0; else rc=$?; fi
	{
		printf '%s: liaison %s: exit %s (now %s)\n' "$label" "$*" "$rc" "$LIAISON_NOW"
		if [ "$rl_out" = - ]; then sed 's/^/  stdout: /' "$work/out"; else cp "$work/out" "$rl_out"; fi
		sed 's/^/  stderr: /' "$work/err"
	} >> "$rl_log"
}

# deliver_one LABEL FILE [ARGS...]: one delivery, one minute later.
n_deliver=0
deliver_one () {
	label=$1 file=$2; shift 2
	n_deliver=$((n_deliver + 1))
	tick
	label=$(printf '#%03d %s' "$n_deliver" "$label")
	runlog "$C/deliveries.log" - deliver -r statements@example.org "$@" < "$file"
}

# deliver_new FILE...: delivers those not delivered yet, in the order given.
deliver_new () {
	for dn_f in "$@"; do
		[ -f "$dn_f" ] || continue
		if grep -Fxq -- "$dn_f" "$work/delivered" 2>/dev/null; then continue; fi
		echo "$dn_f" >> "$work/delivered"
		deliver_one "${dn_f#"$repo"/}" "$dn_f"
	done
}

# cap NAME ARGS...: a command's stdout in $C/NAME.
cap () {
	label=$1; shift
	mkdir -p "$(dirname "$C/$label")"
	runlog "$C/commands.log" "$C/$label" "$@"
}

# act ARGS...: a command that changes the store, one minute later.
act () {
	tick
	label="act $*"
	runlog "$C/commands.log" - "$@"
}

# maildir DIR DEST: the messages of the Maildir DIR, each in DEST/SUB/ under
# its Message-ID (the unique file name is not reproducible); DEST.list has
# SUB/NAME SHA-256 SIZE of each.
maildir () {
	mkdir -p "$2"
	: > "$2.list"
	for md_sub in new cur tmp; do
		[ -d "$1/$md_sub" ] || continue
		for md_f in "$1/$md_sub"/* "$1/$md_sub"/.[!.]*; do
			[ -f "$md_f" ] || continue
			md_name=$(sed -n -e '/^\r\{0,1\}$/q' \
				-e 's/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]: *<\([^>]*\)>.*/\1/p' "$md_f" |
				head -n 1 | sed 's/[^A-Za-z0-9@.+=_-]/_/g')
			[ -n "$md_name" ] || md_name=no-message-id
			mkdir -p "$2/$md_sub"
			md_n=1 md_base=$md_name
			while [ -e "$2/$md_sub/$md_name" ]; do md_n=$((md_n + 1)); md_name=$md_base.$md_n; done
			cp "$md_f" "$2/$md_sub/$md_name"
			echo "$md_sub/$md_name $(sha256sum < "$md_f" | cut -d' ' -f1) $(wc -c < "$md_f")" >> "$2.list"
		done
	done
	LC_ALL=C sort -o "$2.list" "$2.list"
}

# store DIR DEST: what a store holds: the outbox, the spool's files and the
# database.
store () {
	maildir "$1/outbox" "$2/outbox"
	if [ -d "$1/spool" ]; then
		# The journal's first line names a token drawn at random when
		# the journal is made (so does its table in the database): the
		# rest of the journal is compared.
		(cd "$1/spool" && find . -type f ! -name journal -exec sha256sum {} +
		 [ ! -f journal ] || printf '%s  ./journal (without its first line)\n' \
			"$(sed 1d journal | sha256sum | cut -d' ' -f1)") |
			LC_ALL=C sort -k 2 > "$2/spool.list"
	fi
	if [ -f "$1/liaison.db" ]; then
		rm -f "$work/dump.db"
		sqlite3 -batch "$1/liaison.db" ".backup '$work/dump.db'"
		# The pid that handed each outgoing message over: a filter, see above.
		if [ "$(sqlite3 -batch -noheader "$work/dump.db" \
			"SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'claimed_pid'")" = 1 ]; then
			sqlite3 -batch "$work/dump.db" "UPDATE outbox SET claimed_pid = 0 WHERE claimed_pid IS NOT NULL"
		fi
		if [ "$(sqlite3 -batch -noheader "$work/dump.db" \
			"SELECT count(*) FROM sqlite_master WHERE name = 'journal' AND type = 'table'")" = 1 ]; then
			sqlite3 -batch "$work/dump.db" "UPDATE journal SET token = 'random'"
		fi
		sqlite3 -batch "$work/dump.db" .dump > "$2/db.dump"
		sqlite3 -batch -noheader "$1/liaison.db" 'PRAGMA user_version' > "$2/db.user_version"
	fi
}

run_scenario () {
	side=$1
	rm -rf "${work:?}/bin" "$S" "$work/delivered"
	mkdir -p "$work/bin" "$S"
	cp "$2" "$B"
	C=$work/capture/$side
	mkdir -p "$C"
	CONF=$S/liaison.conf
	write_config "$CONF" "$S" LS
	n_deliver=0
	started=$(date +%s)

	# The samples, with the reply and the follow-up that come before their
	# parent (LS-2026-0006), as in tests/t-thread.sh.
	set_clock 2026-11-27T10:00:00Z
	deliver_new "$SM"/0[1-5]*.eml "$TD/threads/06-reply-before-parent.eml" \
		"$TD/threads/06-follow-up-before-parent.eml" "$SM"/*.eml
	# The mail that comes back, three days later.
	set_clock 2026-11-30T12:00:00Z
	deliver_new "$TD"/threads/01-reply-by-references.eml "$TD"/threads/02-reply-by-subject-tag.eml \
		"$TD"/threads/04-reply-by-id-in-body.eml "$TD"/threads/05-reply-by-datatracker-url.eml \
		"$TD"/threads/07-auto-reply.eml "$TD"/threads/01-follow-up.eml
	deliver_one "duplicate of tests/data/threads/01-follow-up.eml" "$TD/threads/01-follow-up.eml"
	deliver_new "$TD"/threads/01-response-statement.eml "$TD"/threads/loop-a.eml \
		"$TD"/threads/loop-b.eml "$TD"/threads/loop-p.eml "$TD"/threads/07-response-from-chair.eml \
		"$TD"/threads/*.eml
	deliver_one "bounce: DSN of LS-2026-0001's forward" "$IN/dsn.eml" -f ""
	deliver_one "bounce: old-style, of LS-2026-0001's acknowledgement" "$IN/bounce2.eml" -f ""
	deliver_one "bounce: DSN of a message never sent" "$IN/dsn3.eml" -f ""
	deliver_one "duplicate of samples/mail/01-action-ccamp.eml" "$SM/01-action-ccamp.eml"
	# The reminder statements, the extraction tests, the broken ones.
	set_clock 2026-12-01T09:00:00Z
	deliver_new "$TD"/remind/*.eml "$TD"/extract/*.eml "$TD"/extract/broken/*.eml
	# The corpus sample.
	set_clock 2026-12-02T09:00:00Z
	while IFS= read -r f; do
		deliver_one "corpus/${f#./}" "$CORPUS/${f#./}"
	done < "$IN/corpus.list"

	# The commands that change the store. The ids are those the samples and
	# tests/data/remind get in this order (as in tests/t-thread.sh and
	# tests/t-remind.sh): LS-2026-0008 is the held sample, LS-2026-0011 and
	# LS-2026-0012 the statements of tests/data/remind.
	set_clock 2026-12-08T08:00:00Z
	cap remind/2026-12-08-dry-run.json remind --dry-run --today 2026-12-08 --json
	tick
	cap remind/2026-12-08.json remind --today 2026-12-08 --json
	act taken LS-2026-0012
	act close LS-2026-0002
	act reopen LS-2026-0002
	# With the outbox unusable (a file where the Maildir should be: root
	# can write anywhere) the forward of the route and the reminders of
	# the 15th stay queued; queue run hands them over the next day.
	set_clock 2026-12-15T08:00:00Z
	mv "$S/outbox" "$S/outbox.away"
	: > "$S/outbox"
	act route LS-2026-0008 opsawg
	tick
	cap remind/2026-12-15.txt remind --today 2026-12-15
	rm "$S/outbox"
	mv "$S/outbox.away" "$S/outbox"
	cap queue/queued.txt queue list
	cap queue/queued.json queue list --json
	set_clock 2026-12-16T08:00:00Z
	act queue run
	set_clock 2026-12-24T08:00:00Z
	cap remind/2026-12-24.txt remind --today 2026-12-24
	act close LS-2026-0011
	set_clock 2027-01-22T08:00:00Z
	cap remind/2027-01-22.txt remind --today 2027-01-22

	# What the store shows, some days later.
	set_clock 2027-02-01T09:00:00Z
	cap list/all.txt list
	cap list/all.json list --json
	for st in held open replied closed; do
		cap "list/state-$st.txt" list --state "$st"
		cap "list/state-$st.json" list --state "$st" --json
	done
	for p in action comment information response; do
		cap "list/purpose-$p.txt" list --purpose "$p"
		cap "list/purpose-$p.json" list --purpose "$p" --json
	done
	for org in "itu-t sg 15" "3GPP SA2" "Broadband Forum" "nobody"; do
		f=$(echo "$org" | tr ' ' '_')
		cap "list/from-$f.txt" list --from "$org"
		cap "list/from-$f.json" list --from "$org" --json
	done
	for g in ccamp mpls opsawg nobody; do
		cap "list/to-$g.txt" list --to "$g"
		cap "list/to-$g.json" list --to "$g" --json
	done
	cap list/overdue.txt list --overdue
	cap list/overdue.json list --overdue --json
	cap list/open-action-overdue.json list --state open --purpose action --overdue --json
	sqlite3 -batch -noheader "$S/liaison.db" 'SELECT ls_id FROM statements ORDER BY id' > "$C/ids"
	while IFS= read -r id; do
		cap "show/$id.txt" show "$id"
		cap "show/$id.json" show "$id" --json
		cap "thread/$id.txt" thread "$id"
		cap "thread/$id.json" thread "$id" --json
	done < "$C/ids"
	cap show/by-forward-message-id.json show '<LS-2026-0001.forward@example.org>' --json
	cap thread/by-message-id.txt thread ccamp-reply-1@example.net
	cap show/unknown.txt show LS-2099-9999
	i=0
	for q in multicast OTN 'control plane' '"time synchronization"' 'synchron*' \
	         'title:detnet' 'ccamp OR mpls' 'deadline -ietf' 'from:itu' 'attachment:pdf'; do
		i=$((i + 1))
		cap "search/$i.txt" search "$q"
		cap "search/$i.json" search "$q" --json
		cap "search/$i-limit2.json" search "$q" --json --limit 2
	done
	for fmt in json csv atom; do
		cap "export/stdout.$fmt" export --format "$fmt"
	done
	cap export/atom-o.txt export --format atom -o "$S/export-atom"
	cap export/html-o.txt export --format html -o "$S/export-html"
	for d in export-atom export-html; do
		if [ -d "$S/$d" ]; then cp -R "$S/$d" "$C/export/$d"; fi
	done
	cap queue/list.txt queue list
	cap queue/list.json queue list --json
	cap queue/list-all.txt queue list --all
	cap queue/list-all.json queue list --all --json
	cap check.txt check
	cap version.txt --version
	store "$S" "$C/store"

	# reinject into a second store, twice.
	set_clock 2027-02-02T08:00:00Z
	CONF=$S/reinject.conf
	write_config "$CONF" "$S/reinject" RI
	cap reinject/first.txt reinject "$IN/reinject.mbox"
	tick
	cap reinject/second.txt reinject "$IN/reinject.mbox"
	cap reinject/list.json list --json
	cap reinject/list.txt list
	sqlite3 -batch -noheader "$S/reinject/liaison.db" 'SELECT ls_id FROM statements ORDER BY id' > "$C/reinject/ids"
	while IFS= read -r id; do
		cap "reinject/show/$id.json" show "$id" --json
		cap "reinject/thread/$id.txt" thread "$id"
	done < "$C/reinject/ids"
	store "$S/reinject" "$C/reinject/store"

	echo "$side: $n_deliver deliveries, $(wc -l < "$C/ids") statements," \
		"$(wc -l < "$C/store/outbox.list") outgoing messages," \
		"$(find "$C" -type f | wc -l) files captured ($(( $(date +%s) - started )) s)"
	rm -rf "$work/store-$side"
	mv "$S" "$work/store-$side"
}

run_scenario base "$base_bin"
run_scenario new "$new_bin"

# --- The comparison --------------------------------------------------------

cd "$work/capture"
nbase=$(find base -type f | wc -l)
nnew=$(find new -type f | wc -l)
if diff -r base new > "$work/diff.txt" 2>&1; then
	echo "IDENTICAL: $nbase files compared, no difference (base: $base_what; new: $new_what)"
	exit 0
fi
ndiff=$(diff -rq base new | wc -l || :)
echo "DIFFERENT: $ndiff of $nbase files (new: $nnew) differ or exist on one side only"
diff -rq base new | head -n 20 || :
echo "--- the first $DIFF_LINES lines of diff -ru:"
diff -ru base new | head -n "$DIFF_LINES" || :
[ "${KEEP:-0}" = 1 ] || echo "(KEEP=1 keeps $work/capture for a closer look)"
exit 1
