/* cmd/attachment.c: `liaison attachment`, the bytes of a statement's
 * attachment as they were received, read from the spool by their SHA-256
 * (never by the name the sender gave), and `--list`, what it has. Reads
 * the database read-only. Returns OK, ERROR (one line on stderr) or
 * USAGE. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cmd/common.h"
#include "base/error.h"
#include "export/export.h"
#include "store/spool.h"
#include "store/store.h"

static LiaisonStatus
list_attachments (const char *command, const Statement *statement, const char *purged)
{
	g_autoptr (GString) out = g_string_new (NULL);

	for (guint i = 0; i < statement->attachments->len; i++) {
		const Attachment *a = g_ptr_array_index (statement->attachments, i);

		g_string_append_printf (out, "%u  %s  %s  %" G_GINT64_FORMAT "  %s%s\n", i + 1,
		                        a->filename != NULL ? a->filename : "-",
		                        a->content_type != NULL ? a->content_type : "-", a->size,
		                        a->sha256, purged != NULL ? "  (purged)" : "");
	}
	return command_write_output (command, out->str, out->len);
}

/* The attachment @which (a number from 1, or a name) names; the only one
 * when @which is NULL. NULL, said, when none. */
static const Attachment *
pick (const char *command, const Statement *statement, const char *which)
{
	GPtrArray *all = statement->attachments;
	char *end = NULL;
	guint64 n;

	if (which == NULL) {
		if (all->len == 1)
			return g_ptr_array_index (all, 0);
		command_print_errorf (command, "%s has %u attachments: name one by number or name "
		                      "(--list)", statement->id, all->len);
		return NULL;
	}
	n = g_ascii_strtoull (which, &end, 10);
	if (end != which && *end == '\0' && n >= 1 && n <= all->len)
		return g_ptr_array_index (all, n - 1);
	for (guint i = 0; i < all->len; i++) {
		const Attachment *a = g_ptr_array_index (all, i);
		if (g_strcmp0 (a->filename, which) == 0)
			return a;
	}
	command_print_errorf (command, "%s has no attachment '%s'", statement->id, which);
	return NULL;
}

/* Writes the spool file of @a to @output (NULL: stdout), checking that
 * its bytes are still those its SHA-256 names. */
static LiaisonStatus
write_attachment (const char *command, const Config *config, const Attachment *a,
                  const char *output)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ExportWriter) writer = NULL;
	g_autofree char *path = spool_path (config->spool, "att", a->sha256);
	g_autofree char *bytes = NULL, *sum = NULL;
	gsize length = 0;

	if (!g_file_get_contents (path, &bytes, &length, &error))
		return command_fail (command, error);
	sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, length);
	if (strcmp (sum, a->sha256) != 0) {
		command_print_errorf (command, "%s: the spool file does not match its SHA-256", path);
		return LIAISON_STATUS_ERROR;
	}
	writer = output != NULL ? export_writer_new_file (output, &error) : export_writer_new_stdout ();
	if (writer == NULL || !export_writer_put (writer, NULL, bytes, length, &error))
		return command_fail (command, error);
	return LIAISON_STATUS_OK;
}

LiaisonStatus
cmd_attachment (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "attachment";
	gboolean list = FALSE;
	g_autofree char *output = NULL, *purged = NULL;
	const GOptionEntry entries[] = {
		{ "list", 0, 0, G_OPTION_ARG_NONE, &list, "List the attachments: number, name, type, "
		  "size, SHA-256", NULL },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to PATH instead of standard "
		  "output; only a regular file is replaced", "PATH" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autoptr (Statement) statement = NULL;
	const Attachment *a;

	context = command_option_context_new (command, "ID [N|NAME]", "Writes an attachment of a "
	                                      "statement as it was received, or lists them.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc < 2 || argc > 3)
		return command_usage_error (command, "%s", argc < 2 ? "missing statement id"
		                            : "one attachment at a time");
	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	statement = command_find_statement (&ctx, argv[1], &error);
	if (statement == NULL)
		return command_lookup_failed (command, argv[1], error);
	if (!store_is_purged (ctx.store, statement->id, &purged, &error))
		return command_fail (command, error);
	if (list)
		return list_attachments (command, statement, purged);
	if (purged != NULL) {
		command_print_errorf (command, "%s: its content was purged (%s)", statement->id, purged);
		return LIAISON_STATUS_ERROR;
	}
	a = pick (command, statement, argc == 3 ? argv[2] : NULL);
	if (a == NULL)
		return LIAISON_STATUS_ERROR;
	return write_attachment (command, ctx.config, a, output);
}
