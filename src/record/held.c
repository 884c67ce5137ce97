/* held.c: held messages that are no statements, recorded under a handle;
 * the notices to triage and their daily limit; the daily summary of the
 * rest; and a person's promote and dismiss. Each runs inside its caller's
 * transaction. The notices reuse the forward machinery with one route, to
 * triage (as conflict.c does). */
#include "config.h"

#include "base/error.h"
#include "record/held.h"
#include "record/outgoing.h"
#include "stages/compose.h"

/* Who the daily limit counts: the From's address, else the envelope
 * sender, else nobody in particular. */
static const char *
sender_key (const Message *message)
{
	if (message->from_address != NULL && *message->from_address != '\0')
		return message->from_address;
	if (message->sender != NULL && *message->sender != '\0')
		return message->sender;
	return "(unknown sender)";
}

gboolean
held_notice_due (Txn *txn, const Config *config, const Message *message, const char *received,
                 gboolean *due, GError **error)
{
	g_autofree char *sender = g_ascii_strdown (sender_key (message), -1);
	g_autofree char *day = g_strndup (received, 10);
	guint count = 0;

	if (!store_count_held_notices (txn->store, sender, day, &count, error))
		return FALSE;
	*due = count < config->held_notice_limit;
	return TRUE;
}

gboolean
held_notice_note (Txn *txn, const Message *message, const char *id, gboolean due,
                  const char *now, GError **error)
{
	g_autofree char *sender = g_ascii_strdown (sender_key (message), -1);
	g_autofree char *detail = NULL;

	if (!store_set_held_notice (txn->store, id, due ? "sent" : "pending", sender, error))
		return FALSE;
	if (due)
		return TRUE;
	detail = g_strdup_printf ("held-notice-limit reached for %s today: the next daily summary "
	                          "to triage names it", sender);
	return store_add_event (txn->store, id, now, "notice-deferred", detail, error);
}

/* The held message's value: what a listing and a card show of it. */
static Statement *
held_statement (const Message *message, const char *reason, const char *received)
{
	Statement *s = statement_new ();

	s->title = statement_clean_line (message->subject != NULL && *message->subject != '\0'
	                                 ? message->subject : "(no subject)");
	s->from_contact = message->from != NULL && *message->from != '\0'
		? statement_clean_line (message->from)
		: message->sender != NULL ? statement_clean_line (message->sender) : NULL;
	s->hold_reason = g_strdup (reason);
	s->state = STATE_HELD;
	s->received = g_strdup (received);
	s->message_id = g_strdup (message->message_id);
	return s;
}

static char *
notice_text (const Config *config, const Statement *held, const Message *message)
{
	g_autofree char *from = statement_clean_line (message->from != NULL ? message->from : "(none)");
	g_autofree char *envelope = statement_clean_line (message->sender != NULL && *message->sender
	                                                  ? message->sender : "(none)");
	g_autofree char *reason = statement_clean_line (held->hold_reason);

	return g_strdup_printf ("A message to %s is held for triage as %s:\n\n  %s\n\n"
	                        "  From: %s\n  Envelope sender: %s\n  Subject: %s\n"
	                        "  Received: %s\n\n"
	                        "Nothing was forwarded, and its sender was not told. The message\n"
	                        "is attached. Reply to this message with one of these lines first\n"
	                        "(triage and the organizations' managers may):\n\n"
	                        "  promote to=GROUP[,GROUP] from=ORG purpose=action deadline=YYYY-MM-DD "
	                        "title=TEXT\n"
	                        "      (a statement: the next id, forwarded to the groups)\n"
	                        "  route GROUP...\n"
	                        "      (forwarded as it is, not a statement)\n"
	                        "  dismiss\n\n"
	                        "or, on the server: liaison show, route, promote or dismiss %s.\n",
	                        config->address, held->id, reason, from, envelope, held->title,
	                        held->received, held->id);
}

static gboolean
queue_notice (Txn *txn, const Config *config, const Statement *held, const Message *message,
              gint64 message_row, const char *now, GArray **outbox, GError **error)
{
	g_autoptr (RoutePlan) plan = outgoing_triage_plan (config);
	g_autofree char *message_id = compose_message_id (config, held->id, ROUTE_MESSAGE_HELD);
	g_autofree char *subject = g_strdup_printf ("[%s] Held: %s", held->id, held->title);
	g_autofree char *text = notice_text (config, held, message);
	ComposeInput input = { held, plan, message->mime, now, message->raw_sha256, message_id,
	                       subject, text };

	return outgoing_queue_forward (txn, config, &input, "held", message_row, now, outbox, error);
}

gboolean
held_record (Txn *txn, const Config *config, const Message *message, gint64 message_row,
             const char *reason, gboolean notified, const char *received, const char *now,
             const char *given, GArray **outbox, char **handle, GError **error)
{
	g_autoptr (Statement) held = held_statement (message, reason, received);
	g_autofree char *sender = g_ascii_strdown (sender_key (message), -1);
	gboolean due = FALSE, has_triage = config->triage != NULL && *config->triage != '\0';

	g_free (held->id);
	held->id = g_strdup (given);
	if (!store_add_held_message (txn->store, held, message_row, error))
		return FALSE;
	*handle = g_strdup (held->id);
	if (notified)
		return store_set_held_notice (txn->store, held->id, "sent", sender, error);
	if (!has_triage)
		return TRUE;
	if (!held_notice_due (txn, config, message, received, &due, error) ||
	    !held_notice_note (txn, message, held->id, due, now, error))
		return FALSE;
	return !due || queue_notice (txn, config, held, message, message_row, now, outbox, error);
}

gboolean
held_join_notice (Txn *txn, const Message *message, gint64 message_row, GPtrArray *message_ids,
                  const char *now, char **handle, GError **error)
{
	g_autofree char *detail = NULL, *from = NULL;
	gboolean adopted = FALSE;

	*handle = NULL;
	for (guint i = 0; message_ids != NULL && i < message_ids->len && *handle == NULL; i++) {
		*handle = store_held_of_notice (txn->store, g_ptr_array_index (message_ids, i), error);
		if (*handle == NULL && error != NULL && *error != NULL)
			return FALSE;
	}
	if (*handle == NULL)
		return TRUE;
	if (!store_adopt_message (txn->store, message_row, *handle, "reply", "reply", &adopted, error))
		return FALSE;
	from = statement_clean_line (message->from != NULL ? message->from : "(no From)");
	detail = g_strdup_printf ("%s <%s> answers our mail about it: in its thread", from,
	                          message->message_id != NULL ? message->message_id : "");
	return store_add_event (txn->store, *handle, now, "reply", detail, error);
}

/* ---------------------------------------------------------------------- */
/* The daily summary */

static char *
summary_text (const Config *config, GPtrArray *pending)
{
	GString *text = g_string_new (NULL);

	g_string_append_printf (text, "%u held message%s to %s went without a notice of their own\n"
	                        "(held-notice-limit %u a sender a day). Each is held: nothing was\n"
	                        "forwarded and no sender was told.\n\n", pending->len,
	                        pending->len == 1 ? "" : "s", config->address,
	                        config->held_notice_limit);
	for (guint i = 0; i < pending->len; i++) {
		const Statement *s = g_ptr_array_index (pending, i);
		g_autofree char *from = statement_clean_line (s->from_contact != NULL ? s->from_contact
		                                                                      : "(none)");
		g_autofree char *title = statement_clean_line (s->title);
		g_autofree char *reason = statement_clean_line (s->hold_reason);

		g_string_append_printf (text, "%s  %s\n  From: %s\n  Subject: %s\n  Held: %s\n\n",
		                        s->id, s->received, from, title, reason);
	}
	g_string_append (text, "Reply to this message to act on them, one line each, starting with "
	                 "the handle:\n\n  HM-2026-0005 dismiss\n  HM-2026-0005 route GROUP...\n"
	                 "  HM-2026-0005 promote to=GROUP from=ORG purpose=action "
	                 "deadline=YYYY-MM-DD title=TEXT\n\n(triage and the organizations' managers "
	                 "may), or on the server: liaison list --held, show, route, promote,\n"
	                 "dismiss.\n");
	return g_string_free (text, FALSE);
}

gboolean
held_queue_summary (Txn *txn, const Config *config, const char *now, GArray **outbox,
                    guint *count, char **carrier, GError **error)
{
	g_autoptr (GPtrArray) pending = NULL;
	g_autoptr (RoutePlan) plan = NULL;
	g_autofree char *message_id = NULL, *subject = NULL, *text = NULL, *detail = NULL;
	const Statement *first;
	ComposeInput input = { 0 };

	*count = 0;
	if (config->triage == NULL || *config->triage == '\0')
		return TRUE;
	pending = store_pending_held_notices (txn->store, error);
	if (pending == NULL)
		return FALSE;
	if (pending->len == 0)
		return TRUE;
	/* The summary is carried by the oldest message it names (each is
	 * named once), which also keys its Message-ID. */
	first = g_ptr_array_index (pending, 0);
	plan = outgoing_triage_plan (config);
	message_id = compose_numbered_id (config, first->id, "held-summary", 0);
	subject = g_strdup_printf ("Held messages without a notice: %u", pending->len);
	text = summary_text (config, pending);
	input = (ComposeInput) { first, plan, NULL, now, first->id, message_id, subject, text };
	if (!outgoing_queue_forward (txn, config, &input, "held-summary", 0, now, outbox, error))
		return FALSE;
	detail = g_strdup_printf ("named in the daily summary of held messages to triage <%s>",
	                          message_id);
	for (guint i = 0; i < pending->len; i++) {
		const Statement *s = g_ptr_array_index (pending, i);

		if (!store_set_held_notice (txn->store, s->id, "summary", NULL, error) ||
		    !store_add_event (txn->store, s->id, now, "summarized", detail, error))
			return FALSE;
	}
	*count = pending->len;
	*carrier = g_strdup (first->id);
	return TRUE;
}

/* ---------------------------------------------------------------------- */
/* A person's actions */

gboolean
held_promote (Txn *txn, const Config *config, const char *handle, const Statement *fields,
              const char *by, const char *now, char **id, GError **error)
{
	g_autofree char *new_id = NULL, *detail = NULL;

	if (!store_promote_held (txn->store, handle, fields, config->id_prefix, &new_id, error))
		return FALSE;
	detail = g_strdup_printf ("%s promoted to statement %s by %s", handle, new_id, by);
	if (!store_add_event (txn->store, new_id, now, "promoted", detail, error))
		return FALSE;
	*id = g_steal_pointer (&new_id);
	return TRUE;
}

gboolean
held_dismiss (Txn *txn, const char *key, const char *by, const char *now, char **id,
              GError **error)
{
	g_autoptr (Statement) held = store_get_statement (txn->store, key, error);
	g_autofree char *detail = NULL;

	if (held == NULL)
		return FALSE;
	if (held->state != STATE_HELD) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "%s is %s, not held: only a "
		             "held message or statement is dismissed", held->id,
		             state_to_string (held->state));
		return FALSE;
	}
	detail = g_strdup_printf ("by %s", by);
	if (!store_set_state (txn->store, held->id, "dismissed", -1, now, "dismissed", detail, error))
		return FALSE;
	*id = g_strdup (held->id);
	return TRUE;
}
