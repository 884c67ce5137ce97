/* cmd/edit.c: `liaison edit`, a person's correction of what extraction
 * read, and `liaison purge`, the removal of a statement's content from the
 * spool (malware, a confidential mistake, an erasure request). Each takes
 * the write lock through one function of deliver.c (deliver_edit(),
 * deliver_purge()), which is what the journal records. Bad input is one
 * line on stderr and ERROR, with nothing changed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/common.h"
#include "deliver.h"

LiaisonStatus
cmd_edit (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "edit";
	g_autofree char *by = NULL, *note = NULL;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "Who edits it (default: $USER)", "WHO" },
		{ "note", 0, 0, G_OPTION_ARG_STRING, &note, "Why, for the event", "TEXT" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_auto (Edit) edit;
	g_autofree char *now = command_now ();
	DeliverResult result = { 0 };
	LiaisonStatus status;

	edit_init (&edit);
	context = command_option_context_new (command, "ID FIELD=VALUE...",
	                                      "Corrects fields of a statement: title=, purpose=, "
	                                      "deadline=YYYY-MM-DD, submitted=YYYY-MM-DD, from=ORG, "
	                                      "to=GROUP;GROUP (re-routes), response-contacts=, "
	                                      "technical-contacts=.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc < 3)
		return command_usage_error (command, "%s", argc < 2 ? "missing statement id"
		                            : "missing FIELD=VALUE");
	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error) || !command_load_secret (ctx.config, &error))
		return command_fail (command, error);
	for (int i = 2; i < argc; i++)
		if (!edit_parse (&edit, ctx.config, argv[i], &error))
			return command_fail (command, error);
	if (!command_open_store (&ctx, COMMAND_WRITE, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	if (ctx.store == NULL)
		return command_not_found (command, argv[1]);
	if (!deliver_edit (ctx.store, ctx.config, argv[1], &edit, command_acting_user (by), note, now,
	                   &result, &error))
		return command_lookup_failed (command, argv[1], error);
	status = command_send_queued (command, &ctx, result.outbox, now, "edited");
	if (status == LIAISON_STATUS_OK)
		printf ("%s: edited\n", result.statement_id);
	deliver_result_clear (&result);
	return status;
}

LiaisonStatus
cmd_purge (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "purge";
	g_autofree char *by = NULL, *reason = NULL;
	const GOptionEntry entries[] = {
		{ "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why (required)", "TEXT" },
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "Who purges it (default: $USER)", "WHO" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autofree char *now = command_now ();
	g_autofree char *why = NULL;
	DeliverResult result = { 0 };

	context = command_option_context_new (command, "ID --reason TEXT",
	                                      "Removes a statement's message and attachments from "
	                                      "the spool, and its text from the register and the "
	                                      "search index; the event \"purged\" keeps who, why "
	                                      "and which files.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc != 2)
		return command_usage_error (command, "%s", argc < 2 ? "missing statement id"
		                            : "one statement at a time");
	why = reason != NULL ? statement_clean_line (reason) : NULL;
	if (why == NULL || *why == '\0') {
		command_print_error (command, "missing --reason: say why it is purged");
		return LIAISON_STATUS_ERROR;
	}
	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_WRITE, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	if (ctx.store == NULL)
		return command_not_found (command, argv[1]);
	if (!deliver_purge (ctx.store, ctx.config, argv[1], why, command_acting_user (by), now,
	                    &result, &error))
		return command_lookup_failed (command, argv[1], error);
	printf ("%s: purged\n", result.statement_id);
	deliver_result_clear (&result);
	return LIAISON_STATUS_OK;
}
