/* cmd/search.c: `liaison search QUERY [--json]`, full-text search of the
 * register (SQLite FTS5, ranked by bm25): the query language is
 * search.c's, the index the store's. Read-only, like list and show.
 * Returns OK (found or not), ERROR (an error or a query with nothing to
 * look for, one line on stderr) or USAGE. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "cmd/common.h"
#include "base/conf.h"
#include "base/error.h"
#include "export/render.h"
#include "store/search.h"
#include "store/store.h"

static const char command[] = "search";

/* Without --limit (or -n), the text output shows the best this many
 * hits and says how many more there are: a query's hits grow with the
 * register, and a liaison manager at a terminal reads the first few;
 * --json prints them all, for programs. */
#define SHOWN_BY_DEFAULT 20

/* The limit of a command line without --limit. */
#define LIMIT_UNSET G_MININT

/* The store marks each match in a snippet with these (U+E000 and U+E001,
 * of the Private Use Area, which one_line() keeps); they become the
 * markers shown once the snippet is on one line. */
#define MARK_START "\xee\x80\x80"
#define MARK_END "\xee\x80\x81"

/* @text on one line: every run of white space and control characters
 * becomes one space. Newly allocated. */
static char *
one_line (const char *text)
{
	GString *out = g_string_new (NULL);
	gboolean space = FALSE;

	for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
		if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c (out, ' ');
		space = FALSE;
		g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

/* The snippet of @hit on one line, each match between @start and @end.
 * Newly allocated. */
static char *
snippet_line (const StoreHit *hit, const char *start, const char *end)
{
	g_autofree char *line = one_line (hit->snippet);
	g_auto (GStrv) starts = g_strsplit (line, MARK_START, -1);
	g_autofree char *joined = g_strjoinv (start, starts);
	g_auto (GStrv) ends = g_strsplit (joined, MARK_END, -1);

	return g_strjoinv (end, ends);
}

/* One hit as two lines: id, state, organization and title; then the
 * snippet, indented, its matches in bold on a terminal. */
static void
append_hit (GString *out, const StoreHit *hit, gboolean bold)
{
	const Statement *s = hit->statement;
	const char *org = s->from_org != NULL ? s->from_org : s->from_org_text;
	g_autofree char *title = one_line (s->title != NULL ? s->title : "(no title)");
	g_autofree char *snippet = snippet_line (hit, bold ? "\033[1m" : "[", bold ? "\033[0m" : "]");

	g_string_append_printf (out, "%-13s  %-7s  %-16s  %s\n", s->id,
	                        state_to_string (s->state), org != NULL ? org : "-", title);
	if (*snippet != '\0')
		g_string_append_printf (out, "    %s\n", snippet);
}

/* An option of search's own, which goes to GOption. */
static gboolean
is_option (const char *arg)
{
	return strcmp (arg, "--json") == 0 || strcmp (arg, "-h") == 0 || strcmp (arg, "--help") == 0
	       || strcmp (arg, "-?") == 0 || g_str_has_prefix (arg, "--limit=")
	       || (g_str_has_prefix (arg, "-n") && g_ascii_isdigit (arg[2]));
}

/* "-habitat" excludes a word: only the options this command has go to
 * GOption, which would read it as -h -a -b...; every other argument, and
 * all after "--", is a word of the query. The words of several arguments
 * form one query. @args gets argv[0] and the options, NULL-terminated. */
static void
split_arguments (int argc, char **argv, GPtrArray *args, GString *query)
{
	gboolean words = FALSE;

	g_ptr_array_add (args, argv[0]);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!words && strcmp (arg, "--") == 0) {
			words = TRUE;
		} else if (!words && is_option (arg)) {
			g_ptr_array_add (args, (gpointer) arg);
		} else if (!words && (strcmp (arg, "--limit") == 0 || strcmp (arg, "-n") == 0)) {
			g_ptr_array_add (args, (gpointer) arg);
			if (i + 1 < argc)
				g_ptr_array_add (args, argv[++i]);
		} else {
			if (query->len > 0)
				g_string_append_c (query, ' ');
			g_string_append (query, arg);
		}
	}
	g_ptr_array_add (args, NULL);
}

/* Parses the arguments into the query, --json and --limit. */
static LiaisonStatus
parse_arguments (int argc, char **argv, GString *query, gboolean *json, int *limit)
{
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, json,
		  "Print a JSON array of the statements found, best first", NULL },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, limit,
		  "Show at most N statements, the best (0: all; without it, the table "
		  "shows 20 and --json all)", "N" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) args = g_ptr_array_new ();
	char **option_argv;
	int option_argc;

	context = command_option_context_new (command, "QUERY",
	                                      "Searches the titles, bodies, contacts and attachments "
	                                      "of the statements; the best matches first. QUERY: "
	                                      "words (all must occur), \"phrases\", prefix*, A OR B, "
	                                      "-word, title:|body:|from:|attachment:word; at most "
	                                      G_STRINGIFY (SEARCH_MAX_TERMS) " words and phrases.", entries);
	split_arguments (argc, argv, args, query);
	option_argc = (int) args->len - 1;
	option_argv = (char **) args->pdata;
	if (!g_option_context_parse (context, &option_argc, &option_argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (option_argc > 1)
		return command_usage_error (command, "unexpected argument '%s'", option_argv[1]);
	if (query->len == 0)
		return command_usage_error (command, "missing QUERY");
	if (*limit < 0 && *limit != LIMIT_UNSET)
		return command_usage_error (command, "--limit must not be negative");
	return LIAISON_STATUS_OK;
}

/* The hits of @match, best first; none when there is no database yet.
 * Array of StoreHit*. */
static GPtrArray *
find_hits (const GlobalOptions *options, const char *match, guint limit, gboolean json,
           guint *total, GError **error)
{
	g_auto (CommandContext) ctx = { 0 };

	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, error))
		return NULL;
	/* Nothing delivered yet: nothing to find. */
	if (ctx.store == NULL)
		return g_ptr_array_new ();
	/* The table shows only the statement's own columns. */
	return store_search_statements (ctx.store, match, MARK_START, MARK_END, limit, json, total,
	                                error);
}

static char *
hits_json (GPtrArray *hits, const char *today)
{
	g_autofree RenderHit *rows = g_new0 (RenderHit, hits->len + 1);
	g_autoptr (GPtrArray) snippets = g_ptr_array_new_with_free_func (g_free);

	for (guint i = 0; i < hits->len; i++) {
		const StoreHit *hit = g_ptr_array_index (hits, i);
		char *snippet = snippet_line (hit, "[", "]");

		g_ptr_array_add (snippets, snippet);
		rows[i] = (RenderHit) { hit->statement, hit->score, snippet };
	}
	return render_search_json (rows, hits->len, today);
}

/* On a terminal the matches are bold; elsewhere they are [bracketed].
 * When the limit left out some of the @total hits, a last line says how
 * many. */
static char *
hits_text (GPtrArray *hits, guint total)
{
	gboolean bold = isatty (STDOUT_FILENO);
	GString *out;

	if (hits->len == 0)
		return g_strdup ("No statements found.\n");
	out = g_string_new (NULL);
	for (guint i = 0; i < hits->len; i++)
		append_hit (out, g_ptr_array_index (hits, i), bold);
	if (total > hits->len)
		g_string_append_printf (out, "%u more %s; --limit 0 shows all %u.\n",
		                        total - hits->len,
		                        total - hits->len == 1 ? "statement matches" : "statements match",
		                        total);
	return g_string_free (out, FALSE);
}

LiaisonStatus
cmd_search (const GlobalOptions *options, int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	g_autoptr (GString) query = g_string_new (NULL);
	g_autofree char *match = NULL;
	g_autofree char *today = NULL;
	g_autofree char *text = NULL;
	gboolean json = FALSE;
	int limit = LIMIT_UNSET;
	guint total = 0;
	LiaisonStatus status;

	status = parse_arguments (argc, argv, query, &json, &limit);
	if (status != LIAISON_STATUS_OK)
		return status;
	match = search_query_to_fts (query->str, &error);
	if (match == NULL)
		return command_fail (command, error);
	if (limit == LIMIT_UNSET)
		limit = json ? 0 : SHOWN_BY_DEFAULT;
	hits = find_hits (options, match, (guint) limit, json, &total, &error);
	if (hits == NULL)
		return command_fail (command, error);

	today = command_today ();
	text = json ? hits_json (hits, today) : hits_text (hits, total);
	return command_write_output (command, text, strlen (text));
}
