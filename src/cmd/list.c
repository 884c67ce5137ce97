/* cmd-list.c: `liaison list` and `liaison show`, the read-only views of the
 * register. They open the database read-only, so that they never wait for
 * or block a delivery, and print a table, a card, or the JSON of SPEC §10.
 * Exit status: 0, 1 (an error, one line on stderr), 2 (a usage error). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "base/conf.h"
#include "base/error.h"
#include "export/render.h"
#include "store/store.h"

#define EXIT_USAGE 2
#define EXIT_ERROR 1

/* How long a query waits for a writer's lock. Readers of a WAL database do
 * not wait for writers, so this only matters during a checkpoint. */
#define BUSY_TIMEOUT_MS 5000

/* list --json writes its output in pieces of about this many bytes. */
#define JSON_CHUNK 65536

static const char *const states[] = { "held", "open", "replied", "closed", NULL };
static const char *const purposes[] = { "action", "comment", "information", "response", NULL };

static int
fail (const char *command, const GError *error)
{
	command_print_error (command, error != NULL ? error->message : NULL);
	return EXIT_ERROR;
}

static int G_GNUC_PRINTF (2, 3)
usage_error (const char *command, const char *format, ...)
{
	g_autofree char *text = NULL;
	va_list args;

	va_start (args, format);
	text = g_strdup_vprintf (format, args);
	va_end (args);
	command_print_error (command, text);
	return EXIT_USAGE;
}

/* The canonical spelling of @value if it is one of @names (compared without
 * regard to case), else NULL. */
static const char *
lookup_name (const char *const *names, const char *value)
{
	for (guint i = 0; names[i] != NULL; i++)
		if (g_ascii_strcasecmp (names[i], value) == 0)
			return names[i];
	return NULL;
}

/* GLib names the program after argv[0] when nothing else did, which would
 * make --help say "list"; call it "liaison list" instead. */
static GOptionContext *
option_context_new (const char *command, const char *parameters, const char *summary,
                    const GOptionEntry *entries)
{
	GOptionContext *context = g_option_context_new (parameters);

	if (g_get_prgname () == NULL) {
		g_autofree char *name = g_strdup_printf ("liaison %s", command);

		g_set_prgname (name);
	}
	g_option_context_set_summary (context, summary);
	g_option_context_add_main_entries (context, entries, NULL);
	return context;
}

/* Writes @text to stdout at once; a full disk or a closed pipe is an error
 * the user must hear of, also when an earlier piece of the output failed. */
static int
write_output (const char *command, const char *text, gsize length)
{
	if ((length > 0 && fwrite (text, 1, length, stdout) != length) || fflush (stdout) != 0
	    || ferror (stdout)) {
		int errsv = errno;
		g_autofree char *message = g_strdup_printf ("cannot write the output: %s",
		                                            g_strerror (errsv));

		command_print_error (command, message);
		return EXIT_ERROR;
	}
	return 0;
}

/* Loads the configuration and opens the database read-only. *store stays
 * NULL, without an error, when the database does not exist yet: nothing has
 * been delivered, and the register is empty. */
static gboolean
open_register (const GlobalOptions *options, Config **config, Store **store, GError **error)
{
	*store = NULL;
	*config = config_load (config_default_path (options->config_path), error);
	if (*config == NULL)
		return FALSE;
	if (!g_file_test ((*config)->database, G_FILE_TEST_EXISTS))
		return TRUE;
	*store = store_open_readonly ((*config)->database, BUSY_TIMEOUT_MS, error);
	return *store != NULL;
}

int
cmd_list (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "list";
	g_autofree char *state = NULL, *purpose = NULL, *from = NULL, *to = NULL;
	gboolean overdue = FALSE, json = FALSE;
	const GOptionEntry entries[] = {
		{ "state", 0, 0, G_OPTION_ARG_STRING, &state,
		  "Only statements in state S: held, open, replied or closed", "S" },
		{ "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose,
		  "Only statements for purpose P: action, comment, information or response", "P" },
		{ "from", 0, 0, G_OPTION_ARG_STRING, &from,
		  "Only statements from the organization ORG", "ORG" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &to,
		  "Only statements to the group GROUP", "GROUP" },
		{ "overdue", 0, 0, G_OPTION_ARG_NONE, &overdue,
		  "Only statements past their deadline without a reply", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "Print a JSON array", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(Config) config = NULL;
	g_autoptr(Store) store = NULL;
	g_autoptr(GPtrArray) statements = NULL;
	g_autofree char *today = NULL;
	g_autofree char *text = NULL;
	StoreFilter filter = { 0 };

	context = option_context_new (command, NULL, "Lists statements, newest first.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return usage_error (command, "%s", error->message);
	if (argc > 1)
		return usage_error (command, "unexpected argument '%s'", argv[1]);
	if (state != NULL && (filter.state = lookup_name (states, state)) == NULL)
		return usage_error (command, "unknown state '%s'", state);
	if (purpose != NULL && (filter.purpose = lookup_name (purposes, purpose)) == NULL)
		return usage_error (command, "unknown purpose '%s'", purpose);

	if (!open_register (options, &config, &store, &error))
		return fail (command, error);

	today = command_today ();
	if (store != NULL) {
		/* An alias names the same organization or group; the store
		 * matches the canonical name. Unknown names are passed on
		 * as they are: a group may have left the configuration. */
		const Org *org = from != NULL ? config_find_org (config, from) : NULL;
		const Group *group = to != NULL ? config_find_group (config, to) : NULL;

		filter.from_org = org != NULL ? org->name : from;
		filter.to_group = group != NULL ? group->name : to;
		filter.overdue = overdue;
		filter.today = today;
		/* The table shows the statement's own columns and its groups. */
		filter.brief = !json;
		statements = store_list_statements (store, &filter, &error);
		if (statements == NULL)
			return fail (command, error);
	} else {
		statements = g_ptr_array_new ();
	}

	if (json) {
		/* Written as it is rendered, a chunk at a time: no tree of
		 * every statement, no one string of all of them. */
		g_autoptr(GString) out = g_string_sized_new (JSON_CHUNK + 4096);

		render_json_array_begin (out);
		for (guint i = 0; i < statements->len; i++) {
			render_json_array_statement (out, g_ptr_array_index (statements, i), i == 0,
			                             today);
			if (out->len >= JSON_CHUNK) {
				if (fwrite (out->str, 1, out->len, stdout) != out->len)
					return write_output (command, NULL, 0);
				g_string_truncate (out, 0);
			}
		}
		render_json_array_end (out, statements->len == 0);
		return write_output (command, out->str, out->len);
	} else {
		GString *out = g_string_new (NULL);

		render_statement_table (out, statements, today);
		text = g_string_free (out, FALSE);
	}
	return write_output (command, text, strlen (text));
}

int
cmd_show (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "show";
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON object", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(Config) config = NULL;
	g_autoptr(Store) store = NULL;
	g_autoptr(Statement) statement = NULL;
	g_autofree char *today = NULL;
	g_autofree char *text = NULL;
	const char *key;

	context = option_context_new (command, "ID",
	                              "Shows one statement: ID is a statement id (LS-2026-0007) "
	                              "or the Message-ID of a message of its thread.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return usage_error (command, "%s", error->message);
	if (argc < 2)
		return usage_error (command, "missing statement id");
	if (argc > 2)
		return usage_error (command, "unexpected argument '%s'", argv[2]);
	key = argv[1];

	if (!open_register (options, &config, &store, &error))
		return fail (command, error);
	if (store != NULL)
		statement = store_get_statement (store, key, &error);
	if (statement == NULL) {
		if (store == NULL || g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND)) {
			g_autofree char *message = g_strdup_printf ("no statement %s", key);

			command_print_error (command, message);
			return EXIT_ERROR;
		}
		return fail (command, error);
	}

	today = command_today ();
	if (json) {
		g_autoptr(JsonNode) root = render_statement_json (statement, TRUE, today);

		text = render_json_to_string (root);
	} else {
		GString *out = g_string_new (NULL);

		render_statement_card (out, statement, today);
		text = g_string_free (out, FALSE);
	}
	return write_output (command, text, strlen (text));
}
