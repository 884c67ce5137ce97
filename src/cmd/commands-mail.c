/* commands-mail.c: actions by reply (issue 18), done as the CLI does them
 * (cmd/actions.h). */
#include "config.h"

#include <string.h>

#include "base/error.h"
#include "cmd/actions.h"
#include "record/commands.h"
#include "record/edit.h"

static void
append_rows (GArray **to, GArray *rows)
{
	if (rows == NULL || rows->len == 0)
		return;
	if (*to == NULL)
		*to = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_array_append_vals (*to, rows->data, rows->len);
}

/* `promote FIELD=VALUE...` of the held message @id, as the CLI does it. */
static gboolean
promote (Store *store, const Config *config, const MailCommand *c, const char *id,
         const char *by, const char *now, GArray **outbox, GString *text, GError **error)
{
	guint n = 0;
	g_auto (GStrv) args = mail_command_promote_args (c->value, &n);
	g_autofree char *promoted = NULL;

	if (!action_promote_by_mail (store, config, id, (const char *const *) args, n, by, now,
	                             outbox, &promoted, error))
		return FALSE;
	g_string_append_printf (text, "%s: promoted to %s\n", c->line, promoted);
	return TRUE;
}

/* Does @c about @id from @by; says what came of it in @text. FALSE only
 * for a temporary error. */
static gboolean
run_one (Store *store, const Config *config, const MailCommand *c, const char *id,
         const char *by, const char *now, GArray **outbox, GString *text, GError **error)
{
	g_autoptr (GError) local = NULL;
	DeliverResult r = { 0 };
	g_auto (Edit) edit;
	g_autofree char *arg = NULL;
	const char *done = NULL, *nothing = NULL;
	gboolean ok = FALSE;

	edit_init (&edit);
	if (c->statement != NULL && g_ascii_strcasecmp (c->statement, id) != 0) {
		g_string_append_printf (text, "%s: not done: this mail is about %s; reply to a mail "
		                        "about %s to act on it\n", c->line, id, c->statement);
		return TRUE;
	}
	switch (c->kind) {
	case MAIL_COMMAND_TAKEN:
	case MAIL_COMMAND_CLOSE:
	case MAIL_COMMAND_REOPEN:
		ok = action_change_state (store, mail_command_verb (c->kind), id, by, now, NULL, &done,
		                          &nothing, &local);
		if (ok)
			g_string_append_printf (text, "%s: %s\n", c->line, nothing != NULL ? nothing : done);
		break;
	case MAIL_COMMAND_ROUTE:
		ok = deliver_route (store, config, id, c->groups, by, now, &r, &local);
		if (ok)
			g_string_append_printf (text, "%s: routed\n", c->line);
		break;
	case MAIL_COMMAND_DEADLINE:
		arg = g_strconcat ("deadline=", c->value, NULL);
		ok = edit_parse (&edit, config, arg, &local) &&
			deliver_edit (store, config, id, &edit, by, NULL, now, &r, &local);
		if (ok)
			g_string_append_printf (text, "%s: deadline set\n", c->line);
		break;
	case MAIL_COMMAND_APPROVE:
		ok = deliver_approve (store, config, id, by, now, &r, &local);
		if (ok)
			g_string_append_printf (text, "%s: approved; sent to its peer\n", c->line);
		break;
	case MAIL_COMMAND_REJECT:
		ok = deliver_reject (store, config, id, c->value, by, now, &r, &local);
		if (ok)
			g_string_append_printf (text, "%s: rejected; the submitter is told\n", c->line);
		break;
	case MAIL_COMMAND_NOTE:
		ok = commands_note (store, config, id, c->value, by, now, &local);
		if (ok)
			g_string_append_printf (text, "%s: noted\n", c->line);
		break;
	case MAIL_COMMAND_PROMOTE:
		ok = promote (store, config, c, id, by, now, outbox, text, &local);
		break;
	case MAIL_COMMAND_DISMISS:
		ok = deliver_dismiss (store, config, id, by, now, &r, &local);
		if (ok)
			g_string_append_printf (text, "%s: dismissed\n", c->line);
		break;
	}
	append_rows (outbox, r.outbox);
	deliver_result_clear (&r);
	if (ok)
		return TRUE;
	if (liaison_error_is_temporary (local)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	g_string_append_printf (text, "%s: not done: %s\n", c->line, local->message);
	return TRUE;
}

/* The reply to commands of which some are malformed: nothing done. */
static void
describe_errors (const MailCommands *commands, GString *text)
{
	g_string_append (text, "Nothing was done:\n\n");
	for (guint i = 0; i < commands->commands->len; i++) {
		const MailCommand *c = g_ptr_array_index (commands->commands, i);

		if (c->error != NULL)
			g_string_append_printf (text, "    %s: %s\n", c->line, c->error);
	}
	g_string_append (text, "\nThe commands, one a line at the start of a reply, are:\n\n"
	                 MAIL_COMMANDS_HELP "\nIn a reply to a digest, each line starts with the "
	                 "statement's id: LS-2026-0007 taken.\n");
}

/* Confirms @text about @statement_id to the commander; adds what it
 * queued to @result's outbox. */
static gboolean
confirm (Store *store, const Config *config, DeliverResult *result, const char *statement_id,
         const char *text, const char *now, GError **error)
{
	/* A held message promoted by the commands is a statement now. */
	g_autoptr (Statement) current = store_get_statement (store, statement_id, NULL);

	return commands_confirm (store, config,
	                         current != NULL && current->id != NULL ? current->id : statement_id,
	                         result->commander, result->command_message_id,
	                         result->command_subject, text, now, &result->outbox, error);
}

/* A reply to a digest: each statement's commands are done if its sender
 * may command it, and confirmed about it; the lines about statements it
 * may not command go into the first confirmation, done for nothing. */
static gboolean
digest_commands (Store *store, const Config *config, DeliverResult *result, const char *now,
                 GError **error)
{
	const MailCommands *commands = result->commands;
	g_autoptr (GString) refused = g_string_new (NULL);
	g_autoptr (GPtrArray) done = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
	gboolean vouched = TRUE;   /* deliver checked the message's own */

	for (guint i = 0; i < commands->commands->len; i++) {
		const MailCommand *c = g_ptr_array_index (commands->commands, i);
		g_autoptr (GString) text = NULL;
		gboolean allowed = FALSE, seen = FALSE;

		for (guint k = 0; k < done->len && !seen; k++)
			seen = strcmp (g_ptr_array_index (done, k), c->statement) == 0;
		if (seen)
			continue;
		if (!commands_allowed (store, config, c->statement, result->commander, vouched, &allowed,
		                       error))
			return FALSE;
		if (!allowed) {
			g_string_append_printf (refused, "%s: not done: you may not act on %s\n", c->line,
			                        c->statement);
			continue;
		}
		text = g_string_new (NULL);
		for (guint k = i; k < commands->commands->len; k++) {
			const MailCommand *same = g_ptr_array_index (commands->commands, k);

			if (strcmp (same->statement, c->statement) == 0 &&
			    !run_one (store, config, same, c->statement, result->commander, now,
			              &result->outbox, text, error))
				return FALSE;
		}
		g_ptr_array_add (done, g_strdup (c->statement));
		g_ptr_array_add (texts, g_string_free (g_steal_pointer (&text), FALSE));
	}
	for (guint k = 0; k < done->len; k++) {
		g_autofree char *all = g_strconcat (g_ptr_array_index (texts, k), k == 0 ? refused->str : "",
		                                    NULL);

		if (!confirm (store, config, result, g_ptr_array_index (done, k), all, now, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
action_mail_commands (Store *store, const Config *config, DeliverResult *result,
                      const char *now, GError **error)
{
	const MailCommands *commands = result->commands;
	g_autoptr (GString) text = g_string_new (NULL);

	if (commands != NULL && result->by_id && commands->errors > 0) {
		const MailCommand *first = g_ptr_array_index (commands->commands, 0);

		describe_errors (commands, text);
		return confirm (store, config, result, first->statement, text->str, now, error);
	}
	if (commands != NULL && result->by_id)
		return digest_commands (store, config, result, now, error);
	if (commands == NULL || result->statement_id == NULL)
		return TRUE;
	if (commands->errors > 0) {
		describe_errors (commands, text);
	} else {
		for (guint i = 0; i < commands->commands->len; i++)
			if (!run_one (store, config, g_ptr_array_index (commands->commands, i),
			              result->statement_id, result->commander, now, &result->outbox, text,
			              error))
				return FALSE;
	}
	return confirm (store, config, result, result->statement_id, text->str, now, error);
}
