# tests/faults/common.sh: helpers for the fault, crash, concurrency and
# hostile-input scripts, sourced after tests/lib.sh.

# sanitized: true when $LIAISON was built with AddressSanitizer (the suite
# then runs fewer iterations of its slow loops, and preloads need the
# sanitizer's runtime first).
ASAN_RUNTIME=$(ldd "$LIAISON" 2>/dev/null | awk '/libasan/ { print $3; exit }')
sanitized () { [ -n "$ASAN_RUNTIME" ]; }
# quick: true under the sanitizers, or when LIAISON_TEST_QUICK is set (CI
# sets it for make distcheck, whose suite repeats the -Werror one): the
# slow loops then run fewer iterations.
quick () { sanitized || [ -n "${LIAISON_TEST_QUICK:-}" ]; }

# The fault shim (tests/faults/shim.c), built by make check. $PRELOAD is
# what LD_PRELOAD must say to load it: after the sanitizer's runtime, which
# insists on coming first.
SHIM=${top_builddir:-.}/tests/faults/shim.so
PRELOAD="${ASAN_RUNTIME:+$ASAN_RUNTIME }$SHIM"

# variant FILE N OUT: a copy of the sample FILE that is a new message: its
# Message-ID, subject, title and Datatracker page carry N (with the
# sample's title and page it would be the sample arriving again).
variant () {
	sed -e "s/^Message-I[Dd]: *<\(.*\)>/Message-ID: <v$2.\1>/" \
	    -e "s/^Subject: \(.*\)/Subject: \1 (variant $2)/" \
	    -e "s/^Title: \(.*\)/Title: \1 (variant $2)/" \
	    -e "s|\(/liaison/[0-9]*\)/|\1$2/|" "$1" > "$3"
}

# audit: one line, "MESSAGES STATEMENTS INTEGRITY PROBLEMS": the rows
# recorded, PRAGMA integrity_check's verdict, and how many problems the
# spool has, which are listed in $T/problems: a file left in spool/tmp
# ("stray"), a stored file that no row names ("orphan"), a row whose file
# is missing ("missing": a lost message); the rows of a purged message
# or attachment (`liaison purge`) name no file. Three processes, however large
# the spool: the slow loops call it once per delivery.
audit () {
	{
		find "$T/spool" -type f -printf 'file %P\n' 2>/dev/null
		# The outbox table exists only once routing is built in: its
		# error comes last and is ignored.
		sqlite3 -batch -noheader "$T/liaison.db" \
			"SELECT 'count ' || (SELECT count(*) FROM messages) || ' ' || (SELECT count(*) FROM statements);
			 SELECT 'integrity ' || group_concat(integrity_check, '/') FROM pragma_integrity_check;
			 SELECT 'row msg/' || raw_sha256 FROM messages WHERE purged IS NULL;
			 SELECT 'row att/' || sha256 FROM attachments WHERE purged IS NULL;
			 SELECT 'row out/' || sha256 FROM outbox;" 2>/dev/null
	} | awk -v problems="$T/problems" '
		$1 == "file" && $2 ~ /^tmp\// { print "stray " $2 > problems; n++; next }
		$1 == "file" && $2 ~ /^(msg|att|out)\// { k = split($2, p, "/"); file[p[1] "/" p[k]] = 1; next }
		$1 == "count" { count = $2 " " $3 }
		$1 == "integrity" { integrity = $2 }
		$1 == "row" { row[$2] = 1 }
		END {
			for (f in file) if (!(f in row)) { print "orphan " f > problems; n++ }
			for (r in row) if (!(r in file)) { print "missing " r > problems; n++ }
			if (n == 0) printf "" > problems
			print (count == "" ? "0 0" : count), (integrity == "" ? "none" : integrity), n + 0
		}'
}

# spool_problems: the problems audit finds, one a line; empty when the
# spool and the database agree.
spool_problems () {
	audit > /dev/null
	cat "$T/problems"
}

# count_rows: "MESSAGES STATEMENTS" as recorded.
count_rows () {
	sql "SELECT (SELECT count(*) FROM messages) || ' ' || (SELECT count(*) FROM statements)"
}

# first_line FILE: sets $line to the first line of FILE and $lines to 0, 1
# or 2 (two or more), without a process.
first_line () {
	line= lines=0
	{ IFS= read -r line && lines=1 && IFS= read -r _ && lines=2; } < "$1"
}

# with_attachment FILE N OUT: the single-part sample FILE as a new message
# (Message-ID, subject, title and page carry N) whose text is followed by an attachment
# of its own content ("attachment N", so never stored before).
with_attachment () {
	awk -v n="$2" '
		BEGIN { head = 1 }
		head && /^$/ {
			print "MIME-Version: 1.0"
			print "Content-Type: multipart/mixed; boundary=\"=-b" n "\""
			print ""
			print "--=-b" n
			print "Content-Type: text/plain; charset=utf-8"
			print ""
			head = 0
			next
		}
		head && /^(MIME-Version|Content-Type|Content-Transfer-Encoding):/ { skip = 1; next }
		head && skip && /^[ \t]/ { next }
		head { skip = 0 }
		head && /^Message-I[Dd]:/ { sub(/</, "<a" n "."); print; next }
		head && /^Subject:/ { print $0 " (attachment " n ")"; next }
		!head && /^Title:/ { print $0 " (attachment " n ")"; next }
		!head { sub(/\/liaison\/[0-9]+\//, "/liaison/a" n "/") }
		{ print }
		END { print "--=-b" n; print "Content-Type: application/octet-stream; name=\"doc-" n ".bin\"";
		      print "Content-Disposition: attachment; filename=\"doc-" n ".bin\"";
		      print "Content-Transfer-Encoding: base64"; print "" }
	' "$1" > "$3"
	printf 'attachment %s\n' "$2" | base64 >> "$3"
	printf -- '--=-b%s--\n' "$2" >> "$3"
}
