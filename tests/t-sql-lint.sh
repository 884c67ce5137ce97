#!/bin/sh
# Lint: SQL is prepared, never built. Fails when a source file under src/
# builds SQL text with printf-style formatting (g_strdup_printf, snprintf,
# g_string_append_printf, sqlite3_mprintf, ...) or by pasting strings
# (g_strconcat, g_string_append, strcat, ...), and when sqlite3_exec or
# sqlite3_prepare* gets anything but a constant: a string literal, or one
# of the few names below that the lint checks are constant. It checks
# itself first on planted good and bad code.
. "$top_srcdir/tests/lib.sh"
# gcc strips the comments.
if ! command -v gcc >/dev/null 2>&1; then
	echo "no gcc"
	exit 77
fi

# Functions that format or paste text. sqlite3_*printf exist for building
# SQL and are refused whatever their format says.
BUILDERS='g_strdup_printf|g_strdup_vprintf|g_string_printf|g_string_append_printf|g_string_vprintf|g_string_append_vprintf|g_snprintf|g_vsnprintf|snprintf|vsnprintf|sprintf|vsprintf|asprintf|vasprintf|g_strconcat|g_strjoin|g_string_new|g_string_append|g_string_append_len|g_string_prepend|g_string_insert|strcat|strncat|strcpy|stpcpy|memcpy'

# lint FILE...: prints one line per violation, "FILE: what: the call".
lint () {
	for f in "$@"; do
		# Comments out (the preprocessor keeps macros and strings as
		# written), then the whole file as one line.
		gcc -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null | tr '\n' ' ' |
		awk -v file="$f" -v builders="$BUILDERS" '
		# The text from the "(" at @start to its ")", skipping strings
		# and character constants.
		function call_at(s, start,    i, c, depth, q) {
			depth = 0; q = ""
			for (i = start; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (q != "") {
					if (c == "\\") { i++; continue }
					if (c == q) q = ""
					continue
				}
				if (c == "\"" || c == "\047") { q = c; continue }
				if (c == "(") depth++
				else if (c == ")" && --depth == 0) return substr(s, start, i - start + 1)
			}
			return substr(s, start)
		}
		# The contents of the string literals in @s, joined.
		function literals(s,    i, c, q, out) {
			q = 0; out = ""
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (q) {
					if (c == "\\") { out = out substr(s, i, 2); i++; continue }
					if (c == "\"") { q = 0; out = out " "; continue }
					out = out c
				} else if (c == "\"") q = 1
			}
			return out
		}
		# Argument @n (1-based) of the call text @call "( ... )", trimmed.
		function arg(call, n,    i, c, depth, q, k, start) {
			depth = 0; q = ""; k = 1; start = 2
			for (i = 1; i <= length(call); i++) {
				c = substr(call, i, 1)
				if (q != "") {
					if (c == "\\") { i++; continue }
					if (c == q) q = ""
					continue
				}
				if (c == "\"" || c == "\047") { q = c; continue }
				if (c == "(" || c == "[" || c == "{") { depth++; continue }
				if (c == ")" || c == "]" || c == "}") {
					depth--
					if (depth == 0 && k == n) return trim(substr(call, start, i - start))
					continue
				}
				if (c == "," && depth == 1) {
					if (k == n) return trim(substr(call, start, i - start))
					k++; start = i + 1
				}
			}
			return ""
		}
		function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
		function is_literal(s) { return s ~ /^("([^"\\]|\\.)*"[ \t]*)+$/ }
		function is_sql(s) {
			s = tolower(s)
			return s ~ /(^|[^a-z_])select[ \t]+.*[ \t]from([ \t]|$)/ ||
			       s ~ /(^|[^a-z_])insert[ \t]+(or[ \t]+[a-z]+[ \t]+)?into[ \t]/ ||
			       s ~ /(^|[^a-z_])replace[ \t]+into[ \t]/ ||
			       s ~ /(^|[^a-z_])update[ \t]+[a-z_"]+[ \t]+set[ \t]/ ||
			       s ~ /(^|[^a-z_])delete[ \t]+from[ \t]/ ||
			       s ~ /(^|[^a-z_])(create|drop)[ \t]+((temp|temporary|unique|virtual)[ \t]+)?(table|index|view|trigger)/ ||
			       s ~ /(^|[^a-z_])alter[ \t]+table[ \t]/ ||
			       s ~ /(^|[^a-z_])pragma[ \t]+[a-z_%]/ ||
			       s ~ /[a-z_.]+[ \t]*(=|<>|!=)[ \t]*\047%[-0-9.]*[a-z]+\047/ ||
			       s ~ /(^|[^a-z_])(vacuum|attach[ \t]+database|begin[ \t]+(immediate|exclusive|deferred))([ \t;]|$)/ ||
			       s ~ /(^|[^a-z_])where[ \t]+[a-z_.]+[ \t]*(=|<|>|[ \t]like|[ \t]in[ \t(])/
		}
		function report(what, call) {
			if (length(call) > 160) call = substr(call, 1, 157) "..."
			print file ": " what ": " call
		}
		{
			s = $0
			# Macros whose text is SQL: naming one in a builder
			# builds SQL as surely as the text itself.
			rest = s
			while (match(rest, /#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+"/)) {
				def = substr(rest, RSTART, RLENGTH)
				name = def; sub(/^#[ \t]*define[ \t]+/, "", name); sub(/[ \t]+"$/, "", name)
				body = substr(rest, RSTART + RLENGTH - 1)
				nxt = index(body, "#"); if (nxt > 0) body = substr(body, 1, nxt - 1)
				if (is_sql(literals(body))) sqlmacro[name] = 1
				rest = substr(rest, RSTART + RLENGTH)
			}
			pat = "(^|[^A-Za-z0-9_])(" builders "|sqlite3_[a-z]*printf)[ \t]*\\("
			rest = s
			while (match(rest, pat)) {
				fn = substr(rest, RSTART, RLENGTH)
				sub(/^[^A-Za-z_]/, "", fn); sub(/[ \t]*\($/, "", fn)
				call = call_at(rest, RSTART + RLENGTH - 1)
				if (fn ~ /^sqlite3_/)
					report(fn " builds SQL text", fn " " call)
				else if (is_sql(literals(call)))
					report("SQL built with " fn, fn " " call)
				else
					for (m in sqlmacro)
						if (call ~ ("(^|[^A-Za-z0-9_])" m "([^A-Za-z0-9_]|$)"))
							report("SQL built with " fn " from " m, fn " " call)
				rest = substr(rest, RSTART + RLENGTH)
			}
			# What the SQL of sqlite3_exec and sqlite3_prepare* may be.
			rest = s
			while (match(rest, /(^|[^A-Za-z0-9_])sqlite3_(exec|prepare[a-z0-9_]*)[ \t]*\(/)) {
				fn = substr(rest, RSTART, RLENGTH)
				sub(/^[^A-Za-z_]/, "", fn); sub(/[ \t]*\($/, "", fn)
				call = call_at(rest, RSTART + RLENGTH - 1)
				a = arg(call, 2)
				if (!is_literal(a) && !(file ~ /(^|\/)store\/(store|schema)\.c$/ && (a == "sql" || a == "query_sql[id]")))
					report(fn " with SQL that is not a constant (" a ")", fn " " call)
				rest = substr(rest, RSTART + RLENGTH)
			}
			# The store: store_prepare (store, SQL, error) takes the SQL
			# of the query_sql[] table of its file, through the query() macros
			# of store-private.h; no other file calls it.
			if (file !~ /(^|\/)store\/store(-private\.h|\.c)$/ &&
			    s ~ /(^|[^A-Za-z0-9_])store_prepare(_row)?[ \t]*\(/)
				report("store_prepare outside the query() macros", "store_prepare")
			if (s ~ /(^|[^A-Za-z0-9_])query(_for_row)?[ \t]*\([^()]*Q_[A-Z_]+/ &&
			    s !~ /static const char \*const query_sql\[[A-Z_]*\][ \t]*=/)
				report("queries not a static const table", "query_sql")
			# schema.c: exec (store, SQL, error) passes its SQL to
			# sqlite3_exec: a literal, or a migration step.
			if (file ~ /(^|\/)store\/(store|schema)\.c$/) {
				rest = s
				while (match(rest, /(^|[^A-Za-z0-9_])exec[ \t]*\(/)) {
					call = call_at(rest, RSTART + RLENGTH - 1)
					a = arg(call, 2)
					if (a != "const char *sql" && !is_literal(a) && a != "m->sql")
						report("exec with SQL that is not a constant (" a ")", "exec " call)
					rest = substr(rest, RSTART + RLENGTH)
				}
				if ((s ~ /sqlite3_exec[ \t]*\([^,]*,[ \t]*sql[ \t]*,/ || s ~ /[^A-Za-z0-9_]exec[ \t]*\([^,]*,[ \t]*m->sql/) &&
				    s !~ /static const Migration migrations\[\][ \t]*=/)
					report("migration steps not a static const table", "migrations")
				if (s ~ /query_sql\[id\]/ && s !~ /static const char \*const query_sql\[[A-Z_]*\][ \t]*=/)
					report("queries not a static const table", "query_sql")
			}
		}'
	done
}

# The lint on planted code: each bad line must be found, no good one.
mkdir -p "$T/planted"
cat > "$T/planted/bad.c" <<'EOF'
void f (void) {
	char *a = g_strdup_printf ("SELECT id FROM statements WHERE ls_id = '%s'", id);
	g_string_append_printf (q, " AND state = '%s'", state);
	g_string_append_printf (q,
		"delete from messages where id = %d", n);
	snprintf (buf, sizeof buf, "INSERT INTO events (statement) VALUES (%d)", n);
	char *b = sqlite3_mprintf ("%q", text);
	char *c = g_strconcat ("UPDATE routes SET status = '", status, "'", NULL);
	sqlite3_exec (db, text, NULL, NULL, NULL);
	sqlite3_prepare_v2 (db, built, -1, &st, NULL);
	char *d = g_strdup_printf (Q_DROP, name);
	char *e = g_strdup_printf ("PRAGMA %s = 1", pragma);
}
#define Q_DROP "DROP TABLE %s"
EOF
cat > "$T/planted/good.c" <<'EOF'
/* g_strdup_printf ("SELECT * FROM x WHERE a = %s") in a comment is fine. */
#define COLUMNS "s.id, s.title"
void f (void) {
	char *a = g_strdup_printf ("cannot open the database %s: %s", path, text);
	char *b = g_strdup_printf ("%s-%04d-%04d", prefix, year, seq);
	sqlite3_exec (db, "PRAGMA journal_mode = WAL", cb, &mode, NULL);
	sqlite3_prepare_v2 (db, "SELECT " "1 FROM statements WHERE id = ?1", -1, &st, NULL);
	char *c = g_strconcat (prefix, "select one of the groups", NULL);
	g_string_append (out, "Please update the list; set it up again.");
}
EOF
lint "$T/planted/bad.c" > "$T/bad.out"
check "the lint finds each planted violation" 10 "$(wc -l < "$T/bad.out")"
lint "$T/planted/good.c" > "$T/good.out"
check "the lint passes planted good code" "" "$(cat "$T/good.out")"
[ -s "$T/good.out" ] && cat "$T/good.out"

# The sources.
files=$(find "$top_srcdir/src" -name '*.[ch]' | sort)
lint $files > "$T/src.out"
check "no SQL built with printf or pasting; sqlite3_exec and prepare take constants ($(echo "$files" | wc -l) files)" \
	"" "$(sed "s|$top_srcdir/||" "$T/src.out")"
finish
