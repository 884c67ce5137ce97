/* cmd/submit.c: `liaison submit`, the IETF's own outgoing statement from
 * the shell (SPEC §13): the statement in the Datatracker label layout
 * (or a whole MIME message), its documents named on the command line,
 * checked field by field (one line each on stderr, exit 1, nothing
 * recorded), then recorded through deliver_submit() as a submission by
 * mail would be, pending approval; and `liaison approve` / `liaison
 * reject`, the approver's decision from the shell. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "cmd/common.h"
#include "deliver.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "stages/direction.h"
#include "stages/resolve.h"
#include "stages/submit.h"
#include "store/journal.h"
#include "store/spool.h"

static const char command[] = "submit";

/* Whether @text is a whole MIME message rather than the label text: its
 * first block (up to an empty line) has a MIME-Version or Content-Type
 * header, which the label layout never has. */
static gboolean
is_mime (const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		const char *line = lines[i];

		if (*line == '\0' || strcmp (line, "\r") == 0)
			return FALSE;
		if (g_ascii_strncasecmp (line, "MIME-Version:", 13) == 0 ||
		    g_ascii_strncasecmp (line, "Content-Type:", 13) == 0)
			return TRUE;
	}
	return FALSE;
}

/* A document named on the command line as a MIME part. */
static GMimePart *
document_part (const char *path, GError **error)
{
	g_autofree char *data = NULL, *type = NULL, *base = g_path_get_basename (path);
	gsize length = 0;
	g_autoptr (GMimeStream) stream = NULL;
	g_autoptr (GMimeDataWrapper) content = NULL;
	g_autofree char *mime_type = NULL;
	GMimePart *part;
	char **halves;

	if (!g_file_get_contents (path, &data, &length, error))
		return NULL;
	type = g_content_type_guess (base, (const guchar *) data, length, NULL);
	mime_type = type != NULL ? g_content_type_get_mime_type (type) : NULL;
	halves = g_strsplit (mime_type != NULL && strchr (mime_type, '/') != NULL
	                     ? mime_type : "application/octet-stream", "/", 2);
	part = g_mime_part_new_with_type (halves[0], halves[1]);
	g_strfreev (halves);
	stream = g_mime_stream_mem_new_with_buffer (data, length);
	content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content (part, content);
	g_mime_part_set_filename (part, base);
	g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
	return part;
}

/* The submission as a message: From @by (when it is a mailbox, else us),
 * To us, no Subject (a missing Title is not taken from it), the label
 * text, then @documents. Newly allocated bytes. */
static GByteArray *
build_message (const Config *config, const char *text, char **documents, const char *by,
               GError **error)
{
	g_autoptr (GMimeMessage) mime = g_mime_message_new (TRUE);
	GMimeTextPart *body = g_mime_text_part_new_with_subtype ("plain");
	InternetAddressList *from = NULL;
	g_autofree char *id = NULL;
	const char *at = config->address != NULL ? strrchr (config->address, '@') : NULL;
	GMimeObject *top = GMIME_OBJECT (body);
	g_autoptr (GMimeMultipart) mixed = NULL;
	g_autoptr (GMimeStream) out = NULL;
	g_autoptr (GDateTime) date = g_date_time_new_now_utc ();
	GByteArray *bytes;

	from = by != NULL ? internet_address_list_parse (NULL, by) : NULL;
	if (from != NULL && internet_address_list_length (from) == 1)
		g_mime_message_add_mailbox (mime, GMIME_ADDRESS_TYPE_FROM,
		                            internet_address_get_name (internet_address_list_get_address (from, 0)),
		                            internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (
		                            internet_address_list_get_address (from, 0))));
	else
		g_mime_message_add_mailbox (mime, GMIME_ADDRESS_TYPE_FROM, config->name, config->address);
	g_mime_message_add_mailbox (mime, GMIME_ADDRESS_TYPE_TO, NULL, config->address);
	g_mime_message_set_date (mime, date);
	id = g_mime_utils_generate_message_id (at != NULL ? at + 1 : "localhost");
	g_mime_message_set_message_id (mime, id);
	g_mime_text_part_set_text (body, text);
	g_mime_text_part_set_charset (body, "utf-8");
	if (from != NULL)
		g_object_unref (from);
	if (documents != NULL && documents[0] != NULL) {
		mixed = g_mime_multipart_new_with_subtype ("mixed");
		g_mime_multipart_add (mixed, GMIME_OBJECT (body));
		for (guint i = 0; documents[i] != NULL; i++) {
			GMimePart *part = document_part (documents[i], error);

			if (part == NULL) {
				g_object_unref (body);
				return NULL;
			}
			g_mime_multipart_add (mixed, GMIME_OBJECT (part));
			g_object_unref (part);
		}
		top = GMIME_OBJECT (mixed);
	}
	g_mime_message_set_mime_part (mime, top);
	g_object_unref (body);
	bytes = g_byte_array_new ();
	out = g_mime_stream_mem_new_with_byte_array (bytes);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (out), FALSE);
	g_mime_object_write_to_stream (GMIME_OBJECT (mime), NULL, out);
	return bytes;
}

/* @bytes spooled and parsed, as deliver reads standard input. */
static Message *
spool_bytes (const Config *config, const guint8 *bytes, gsize length, GError **error)
{
	g_autofree char *path = NULL;
	Message *message;
	int fd = g_file_open_tmp ("liaison-submit-XXXXXX", &path, error);

	if (fd < 0)
		return NULL;
	if (!g_file_set_contents (path, (const char *) bytes, (gssize) length, error)) {
		close (fd);
		unlink (path);
		return NULL;
	}
	close (fd);
	fd = open (path, O_RDONLY | O_CLOEXEC);
	unlink (path);
	if (fd < 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "%s: %s", path,
		             g_strerror (errno));
		return NULL;
	}
	message = message_spool_fd (fd, config->spool, config->max_message_size, error);
	close (fd);
	return message;
}

static void
count_part (GMimePart *part, gpointer user_data)
{
	(void) part;
	(*(guint *) user_data)++;
}

/* Prints what is wrong with the submission @message, one line each.
 * TRUE when nothing is. */
static gboolean
check_submission (const Config *config, const Message *message)
{
	g_autoptr (Statement) statement = submit_read (message);
	g_autoptr (GPtrArray) problems = NULL;
	guint parts = 0;

	if (statement != NULL) {
		resolve_statement (statement, config, message);
		direction_resolve (statement, config, message);
	}
	message_foreach_attachment (message, count_part, &parts);
	problems = submit_problems (statement, config, parts > 0);
	if (problems->len == 0 && submit_approvers (config, statement)->len == 0)
		g_ptr_array_add (problems, g_strdup_printf ("From Group: nobody approves the statements "
		                                            "of %s (set its ads, or [approvers])",
		                                            statement->from_org));
	for (guint i = 0; i < problems->len; i++)
		command_print_error (command, g_ptr_array_index (problems, i));
	return problems->len == 0;
}

/* The statement text of @path ("-": standard input). */
static char *
read_input (const char *path, gsize *length, GError **error)
{
	char *text = NULL;

	if (strcmp (path, "-") == 0) {
		g_autoptr (GIOChannel) in = g_io_channel_unix_new (STDIN_FILENO);

		g_io_channel_set_encoding (in, NULL, NULL);
		if (g_io_channel_read_to_end (in, &text, length, error) != G_IO_STATUS_NORMAL)
			return NULL;
		return text;
	}
	if (!g_file_get_contents (path, &text, length, error))
		return NULL;
	return text;
}

static gboolean
open_store (CommandContext *ctx, GError **error)
{
	if (!spool_prepare (ctx->config->spool, error))
		return FALSE;
	ctx->store = store_open (ctx->config->database, COMMAND_BUSY_TIMEOUT_MS, error);
	if (ctx->store != NULL && !journal_attach (ctx->store, ctx->config->spool, error))
		g_clear_pointer (&ctx->store, store_close);
	return ctx->store != NULL;
}

LiaisonStatus
cmd_submit (const GlobalOptions *options, int argc, char **argv)
{
	g_autofree char *by = NULL;
	gboolean approved = FALSE;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "Who submits it (default: $USER)", "WHO" },
		{ "approved", 0, 0, G_OPTION_ARG_NONE, &approved,
		  "Approved already (by --by, who must be given): sent at once", NULL },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autofree char *now = command_now ();
	g_autofree char *text = NULL;
	g_autoptr (GByteArray) built = NULL;
	g_autoptr (Message) message = NULL;
	DeliverSubmit cli = { NULL, FALSE };
	DeliverResult result = { 0 };
	LiaisonStatus status;
	gsize length = 0;

	context = command_option_context_new (command, "FILE|- [DOCUMENT...]",
	                                      "Records an outgoing statement of the IETF (the "
	                                      "Datatracker label layout, or a MIME message) and "
	                                      "asks its approvers to approve it.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc < 2)
		return command_usage_error (command, "missing FILE (or - for standard input)");
	if (approved && (by == NULL || *by == '\0'))
		return command_usage_error (command, "--approved needs --by WHO");
	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error) || !command_load_secret (ctx.config, &error))
		return command_fail (command, error);
	text = read_input (argv[1], &length, &error);
	if (text == NULL)
		return command_fail (command, error);
	if (is_mime (text)) {
		if (argc > 2)
			return command_usage_error (command, "a MIME message carries its documents: "
			                            "name none on the command line");
		message = spool_bytes (ctx.config, (const guint8 *) text, length, &error);
	} else {
		g_autofree char *valid = g_utf8_make_valid (text, (gssize) length);

		built = build_message (ctx.config, valid, argv + 2, by, &error);
		if (built != NULL)
			message = spool_bytes (ctx.config, built->data, built->len, &error);
	}
	if (message == NULL)
		return command_fail (command, error);
	if (!check_submission (ctx.config, message))
		return LIAISON_STATUS_ERROR;
	if (!open_store (&ctx, &error))
		return command_fail (command, error);
	cli.by = command_acting_user (by);
	cli.approved = approved;
	if (!deliver_submit (ctx.store, ctx.config, message, &cli, now, NULL, &result, &error))
		return command_fail (command, error);
	status = command_send_queued (command, &ctx, result.outbox, now, "submitted");
	if (status == LIAISON_STATUS_OK)
		printf ("%s: %s\n", result.statement_id != NULL ? result.statement_id : "-",
		        approved ? "approved, sent to its peer" : "pending approval");
	deliver_result_clear (&result);
	return status;
}

/* `approve ID` and `reject ID --reason TEXT`. */
static LiaisonStatus
decide (const GlobalOptions *options, int argc, char **argv, const char *name, gboolean approve)
{
	g_autofree char *by = NULL, *reason = NULL, *why = NULL;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "Who decides (default: $USER)", "WHO" },
		{ "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why it is rejected", "TEXT" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autofree char *now = command_now ();
	DeliverResult result = { 0 };
	LiaisonStatus status;
	gboolean ok;

	context = command_option_context_new (name, approve ? "ID" : "ID --reason TEXT",
	                                      approve ? "Approves an outgoing statement: it is sent "
	                                      "to its peer." : "Rejects an outgoing statement: "
	                                      "its submitter is told why.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (name, "%s", error->message);
	if (argc != 2)
		return command_usage_error (name, "%s", argc < 2 ? "missing statement id"
		                            : "one statement at a time");
	why = reason != NULL ? statement_clean_line (reason) : NULL;
	if (!approve && (why == NULL || *why == '\0')) {
		command_print_error (name, "missing --reason: say why it is rejected");
		return LIAISON_STATUS_ERROR;
	}
	command_context_init (&ctx, name);
	if (!command_open (&ctx, options, COMMAND_WRITE, COMMAND_BUSY_TIMEOUT_MS, &error) ||
	    !command_load_secret (ctx.config, &error))
		return command_fail (name, error);
	if (ctx.store == NULL)
		return command_not_found (name, argv[1]);
	ok = approve
		? deliver_approve (ctx.store, ctx.config, argv[1], command_acting_user (by), now, &result,
		                   &error)
		: deliver_reject (ctx.store, ctx.config, argv[1], why, command_acting_user (by), now,
		                  &result, &error);
	if (!ok)
		return command_lookup_failed (name, argv[1], error);
	status = command_send_queued (name, &ctx, result.outbox, now, approve ? "approved" : "rejected");
	if (status == LIAISON_STATUS_OK)
		printf ("%s: %s\n", result.statement_id, approve ? "approved, sent to its peer" : "rejected");
	deliver_result_clear (&result);
	return status;
}

LiaisonStatus
cmd_approve (const GlobalOptions *options, int argc, char **argv)
{
	return decide (options, argc, argv, "approve", TRUE);
}

LiaisonStatus
cmd_reject (const GlobalOptions *options, int argc, char **argv)
{
	return decide (options, argc, argv, "reject", FALSE);
}
