/* cmd/export.c: `liaison export`, the register written out as JSON, CSV,
 * an Atom feed, an iCalendar feed of open deadlines or a static HTML site;
 * with --public, only what [publish] would publish. It reads the database read-only,
 * like list and show, and hands the statements to the format
 * (src/export/FORMAT.c). Returns OK, ERROR or USAGE. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/common.h"
#include "base/conf.h"
#include "base/error.h"
#include "export/export.h"
#include "export/publish.h"
#include "store/store.h"

static const char command[] = "export";

/* A directory for html; for the other formats a directory that exists (or
 * a path ending in '/') gets the format's usual file name, and the feed
 * then links to the pages beside it. */
static ExportWriter *
writer_new (const ExportFormat *format, const char *output, GError **error)
{
	if (output == NULL)
		return export_writer_new_stdout ();
	if (format->needs_directory || g_file_test (output, G_FILE_TEST_IS_DIR)
	    || g_str_has_suffix (output, "/"))
		return export_writer_new_directory (output, error);
	return export_writer_new_file (output, error);
}

LiaisonStatus
cmd_export (const GlobalOptions *options, int argc, char **argv)
{
	g_autofree char *format_name = NULL, *output = NULL;
	gboolean public_view = FALSE;
	const GOptionEntry entries[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		  "json, csv, atom, ical or html", "FORMAT" },
		{ "public", 0, 0, G_OPTION_ARG_NONE, &public_view,
		  "Only the public view that publish writes: no held, dismissed or unapproved "
		  "statements, no notes, events, routes or thread", NULL },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "Write to PATH (a directory for html, or for atom with links to the pages) "
		  "instead of standard output; only a regular file is replaced", "PATH" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autoptr (GPtrArray) statements = NULL;
	g_autoptr (ExportWriter) writer = NULL;
	g_autofree char *today = NULL, *now = NULL;
	const ExportFormat *format;
	ExportContext export = { 0 };

	context = command_option_context_new (command, NULL, "Exports the register as JSON, CSV, "
	                                      "an Atom feed, an iCalendar feed of deadlines or a "
	                                      "static HTML site.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc > 1)
		return command_usage_error (command, "unexpected argument '%s'", argv[1]);
	if (format_name == NULL)
		return command_usage_error (command, "missing --format (json, csv, atom, ical or html)");
	format = export_find_format (format_name);
	if (format == NULL)
		return command_usage_error (command, "unknown format '%s' (json, csv, atom, ical or html)",
		                            format_name);
	if (format->needs_directory && output == NULL)
		return command_usage_error (command, "--format %s writes a directory: give it with -o DIR",
		                            format->name);

	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	statements = publish_load_statements (ctx.store, &error);
	if (statements == NULL)
		return command_fail (command, error);
	if (public_view)
		publish_public_view (statements);
	/* The formats need the statements only: the database is let go. */
	g_clear_pointer (&ctx.store, store_close);
	writer = writer_new (format, output, &error);
	if (writer == NULL)
		return command_fail (command, error);

	today = command_today ();
	now = command_now ();
	export.config = ctx.config;
	export.today = today;
	export.now = now;
	export.pages = export_writer_is_directory (writer);
	if (!format->write (&export, statements, writer, &error)) {
		/* A reader that stopped reading (`| head`) wanted no more. */
		if (output == NULL && command_output_closed (0))
			return LIAISON_STATUS_OK;
		return command_fail (command, error);
	}
	return LIAISON_STATUS_OK;
}
