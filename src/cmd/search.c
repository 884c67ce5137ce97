/* cmd-search.c: `liaison search QUERY [--json]`, full-text search of the
 * register (SQLite FTS5, ranked by bm25): the query language is
 * search.c's, the index the store's. Read-only, like list and show.
 * Exit status: 0 (found or not), 1 (an error or a query with nothing to
 * look for, one line on stderr), 2 (a usage error). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "base/conf.h"
#include "base/error.h"
#include "export/render.h"
#include "store/search.h"
#include "store/store.h"

#define EXIT_USAGE 2
#define EXIT_ERROR 1

#define BUSY_TIMEOUT_MS 5000

static const char command[] = "search";

/* The store marks each match in a snippet with these (U+E000 and U+E001,
 * of the Private Use Area, which one_line() keeps); they become the
 * markers shown once the snippet is on one line. */
#define MARK_START "\xee\x80\x80"
#define MARK_END "\xee\x80\x81"

static void
print_error (const char *text)
{
	command_print_error (command, text);
}

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

int
cmd_search (const GlobalOptions *options, int argc, char **argv)
{
	gboolean json = FALSE;
	int limit = 0;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "Print a JSON array of the statements found, best first", NULL },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &limit,
		  "Show at most N statements", "N" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autoptr (Store) store = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	g_autoptr (GString) query = g_string_new (NULL);
	g_autoptr (GPtrArray) args = g_ptr_array_new ();
	char **option_argv;
	int option_argc;
	gboolean words = FALSE;
	g_autofree char *match = NULL;
	g_autofree char *today = NULL;
	g_autofree char *text = NULL;
	gboolean bold;

	if (g_get_prgname () == NULL)
		g_set_prgname ("liaison search");
	g_ptr_array_add (args, argv[0]);
	context = g_option_context_new ("QUERY");
	g_option_context_set_summary (context,
	                              "Searches the titles, bodies, contacts and attachments of the "
	                              "statements; the best matches first. QUERY: words (all must "
	                              "occur), \"phrases\", prefix*, A OR B, -word, "
	                              "title:|body:|from:|attachment:word.");
	g_option_context_add_main_entries (context, entries, NULL);
	/* "-habitat" excludes a word: only the options this command has go
	 * to GOption, which would read it as -h -a -b...; every other
	 * argument, and all after "--", is a word of the query. The words of
	 * several arguments form one query. */
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!words && strcmp (arg, "--") == 0) {
			words = TRUE;
		} else if (!words && (strcmp (arg, "--json") == 0 || strcmp (arg, "-h") == 0 ||
		                      strcmp (arg, "--help") == 0 || strcmp (arg, "-?") == 0 ||
		                      g_str_has_prefix (arg, "--limit=") ||
		                      (g_str_has_prefix (arg, "-n") && g_ascii_isdigit (arg[2])))) {
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
	option_argc = (int) args->len - 1;
	option_argv = (char **) args->pdata;
	if (!g_option_context_parse (context, &option_argc, &option_argv, &error)) {
		print_error (error->message);
		return EXIT_USAGE;
	}
	if (option_argc > 1) {
		g_autofree char *text = g_strdup_printf ("unexpected argument '%s'", option_argv[1]);

		print_error (text);
		return EXIT_USAGE;
	}
	if (query->len == 0) {
		print_error ("missing QUERY");
		return EXIT_USAGE;
	}
	if (limit < 0) {
		print_error ("--limit must not be negative");
		return EXIT_USAGE;
	}
	match = search_query_to_fts (query->str, &error);
	if (match == NULL) {
		print_error (error->message);
		return EXIT_ERROR;
	}

	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL) {
		print_error (error->message);
		return EXIT_ERROR;
	}
	/* Nothing delivered yet: nothing to find. */
	if (g_file_test (config->database, G_FILE_TEST_EXISTS)) {
		store = store_open_readonly (config->database, BUSY_TIMEOUT_MS, &error);
		if (store == NULL) {
			print_error (error->message);
			return EXIT_ERROR;
		}
	}
	/* On a terminal the matches are bold; elsewhere they are [bracketed]. */
	bold = !json && isatty (STDOUT_FILENO);
	if (store != NULL) {
		/* The table shows only the statement's own columns. */
		hits = store_search_statements (store, match, MARK_START, MARK_END, (guint) limit, json,
		                                &error);
		if (hits == NULL) {
			print_error (error->message);
			return EXIT_ERROR;
		}
	} else {
		hits = g_ptr_array_new ();
	}

	today = command_today ();
	if (json) {
		g_autoptr (JsonBuilder) builder = json_builder_new ();
		g_autoptr (JsonNode) root = NULL;

		json_builder_begin_array (builder);
		for (guint i = 0; i < hits->len; i++) {
			const StoreHit *hit = g_ptr_array_index (hits, i);
			JsonNode *node = render_statement_json (hit->statement, FALSE, today);
			JsonObject *object = json_node_get_object (node);
			g_autofree char *snippet = snippet_line (hit, "[", "]");

			json_object_set_double_member (object, "score", hit->score);
			json_object_set_string_member (object, "snippet", snippet);
			json_builder_add_value (builder, node);
		}
		json_builder_end_array (builder);
		root = json_builder_get_root (builder);
		text = render_json_to_string (root);
	} else if (hits->len == 0) {
		text = g_strdup ("No statements found.\n");
	} else {
		GString *out = g_string_new (NULL);

		for (guint i = 0; i < hits->len; i++)
			append_hit (out, g_ptr_array_index (hits, i), bold);
		text = g_string_free (out, FALSE);
	}
	if (fputs (text, stdout) == EOF || fflush (stdout) != 0) {
		g_autofree char *message = g_strdup_printf ("cannot write the output: %s",
		                                            g_strerror (errno));

		print_error (message);
		return EXIT_ERROR;
	}
	return 0;
}
