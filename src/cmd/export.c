/* cmd-export.c: `liaison export`, the register written out as JSON, CSV,
 * an Atom feed or a static HTML site. It reads the database read-only,
 * like list and show, and hands the statements to the format
 * (src/export/FORMAT.c). Exit status: 0, 1 (an error), 2 (a usage error). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "base/conf.h"
#include "base/error.h"
#include "export/export.h"
#include "store/store.h"

#define EXIT_USAGE 2
#define EXIT_ERROR 1
#define BUSY_TIMEOUT_MS 5000

static int
fail (const char *text)
{
	g_autofree char *line = g_strdup (text != NULL ? text : "unknown error");

	g_strdelimit (line, "\r\n", ' ');
	fprintf (stderr, "liaison: export: %s\n", line);
	return EXIT_ERROR;
}

static int G_GNUC_PRINTF (1, 2)
usage_error (const char *format, ...)
{
	g_autofree char *text = NULL;
	va_list args;

	va_start (args, format);
	text = g_strdup_vprintf (format, args);
	va_end (args);
	fail (text);
	return EXIT_USAGE;
}

/* Every statement with everything (body, thread, events), newest first.
 * An empty array when there is no database yet. */
static GPtrArray *
load_statements (const Config *config, GError **error)
{
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (GPtrArray) full = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (Store) store = NULL;
	StoreFilter filter = { 0 };

	if (!g_file_test (config->database, G_FILE_TEST_EXISTS))
		return g_steal_pointer (&full);
	store = store_open_readonly (config->database, BUSY_TIMEOUT_MS, error);
	if (store == NULL)
		return NULL;
	list = store_list_statements (store, &filter, error);
	if (list == NULL)
		return NULL;
	for (guint i = 0; i < list->len; i++) {
		const Statement *brief = g_ptr_array_index (list, i);
		Statement *statement = store_get_statement (store, brief->id, error);

		if (statement == NULL)
			return NULL;
		g_ptr_array_add (full, statement);
	}
	return g_steal_pointer (&full);
}

int
cmd_export (const GlobalOptions *options, int argc, char **argv)
{
	g_autofree char *format_name = NULL, *output = NULL;
	const GOptionEntry entries[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		  "json, csv, atom or html", "FORMAT" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "Write to PATH (a directory for html, or for atom with links to the pages) "
		  "instead of standard output", "PATH" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autoptr (GPtrArray) statements = NULL;
	g_autoptr (ExportWriter) writer = NULL;
	g_autofree char *today = NULL, *now = NULL;
	const ExportFormat *format;
	ExportContext export = { 0 };

	if (g_get_prgname () == NULL)
		g_set_prgname ("liaison export");
	context = g_option_context_new (NULL);
	g_option_context_set_summary (context, "Exports the register as JSON, CSV, an Atom feed "
	                              "or a static HTML site.");
	g_option_context_add_main_entries (context, entries, NULL);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return usage_error ("%s", error->message);
	if (argc > 1)
		return usage_error ("unexpected argument '%s'", argv[1]);
	if (format_name == NULL)
		return usage_error ("missing --format (json, csv, atom or html)");
	format = export_find_format (format_name);
	if (format == NULL)
		return usage_error ("unknown format '%s' (json, csv, atom or html)", format_name);
	if (format->needs_directory && output == NULL)
		return usage_error ("--format %s writes a directory: give it with -o DIR", format->name);

	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL)
		return fail (error->message);
	statements = load_statements (config, &error);
	if (statements == NULL)
		return fail (error->message);

	/* A directory for html; for the other formats a directory that
	 * exists (or a path ending in '/') gets the format's usual file name,
	 * and the feed then links to the pages beside it. */
	if (output == NULL)
		writer = export_writer_new_stdout ();
	else if (format->needs_directory || g_file_test (output, G_FILE_TEST_IS_DIR)
	         || g_str_has_suffix (output, "/"))
		writer = export_writer_new_directory (output, &error);
	else
		writer = export_writer_new_file (output);
	if (writer == NULL)
		return fail (error->message);

	today = command_today ();
	now = command_now ();
	export.config = config;
	export.today = today;
	export.now = now;
	export.pages = export_writer_is_directory (writer);
	if (!format->write (&export, statements, writer, &error))
		return fail (error->message);
	return 0;
}
