/* conflict.c: the notice of a Message-ID conflict to the triage address.
 * It is the forward machinery of a follow-up, with one route: the triage
 * address, under the tag of the statement whose thread holds the recorded
 * message, and the conflicting message attached for comparison. */
#include "config.h"

#include "record/conflict.h"
#include "record/outgoing.h"
#include "stages/compose.h"

static char *
notice_text (const Statement *thread, const Message *message)
{
	g_autofree char *id = statement_clean_line (message->message_id);
	g_autofree char *from = statement_clean_line (message->from != NULL ? message->from : "(none)");
	g_autofree char *subject = statement_clean_line (message->subject != NULL ? message->subject : "(none)");
	g_autofree char *title = statement_clean_line (thread->title);

	return g_strdup_printf ("A message arrived with the Message-ID\n\n  <%s>\n\n"
	                        "which a message already recorded in the thread of liaison\n"
	                        "statement %s carries, but with other content:\n\n"
	                        "  %s\n\n"
	                        "It was recorded as a conflict and held: it changed nothing, nothing\n"
	                        "was forwarded, and its sender was not told.\n\n"
	                        "  From: %s\n  Subject: %s\n\n"
	                        "The message is attached.\n", id, thread->id, title, from, subject);
}

gboolean
conflict_notify (Txn *txn, const Config *config, const Message *message, gint64 message_row,
                 const char *now, GArray **outbox, GError **error)
{
	g_autofree char *thread_id = NULL, *message_id = NULL, *subject = NULL, *text = NULL;
	g_autofree char *detail = NULL, *title = NULL;
	g_autoptr (Statement) thread = NULL;
	g_autoptr (RoutePlan) plan = NULL;
	ComposeInput input = { 0 };

	if (config->triage == NULL || *config->triage == '\0' || message->message_id == NULL)
		return TRUE;
	thread_id = store_find_thread (txn->store, STORE_THREAD_MESSAGE_ID, message->message_id, error);
	if (thread_id == NULL)
		return error == NULL || *error == NULL;
	thread = store_get_statement (txn->store, thread_id, error);
	if (thread == NULL)
		return FALSE;
	plan = outgoing_triage_plan (config);
	message_id = compose_numbered_id (config, thread->id, "conflict", message_row);
	title = statement_clean_line (thread->title);
	subject = g_strdup_printf ("[%s] Message-ID conflict: %s", thread->id, title);
	text = notice_text (thread, message);
	input = (ComposeInput) { thread, plan, message->mime, now, message->raw_sha256,
	                         message_id, subject, text };
	if (!outgoing_queue_forward (txn, config, &input, "conflict", message_row, now, outbox, error))
		return FALSE;
	detail = g_strdup_printf ("a message reused the Message-ID <%s> with other content: held, "
	                          "triage told", message->message_id);
	return store_add_event (txn->store, thread->id, now, "conflict", detail, error);
}
