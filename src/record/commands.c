/* commands.c: the store's half of actions by reply (commands.h). */
#include "config.h"

#include <string.h>

#include "base/address.h"
#include "base/error.h"
#include "outbound/outbox.h"
#include "record/commands.h"
#include "record/submit.h"
#include "stages/authorize.h"
#include "stages/compose.h"
#include "stages/submit.h"
#include "stages/thread.h"
#include "store/journal.h"

gboolean
commands_obeyed (Store *store, const Config *config, const char *thread_id,
                 const Message *message, const GPtrArray *message_ids,
                 const Statement *statement, gboolean *obeyed, GError **error)
{
	g_autoptr (Statement) thread = NULL;
	gboolean ours = FALSE;

	*obeyed = FALSE;
	for (guint i = 0; i < message_ids->len && !ours; i++) {
		g_autoptr (StoreOutbox) row = store_find_outbox (store, g_ptr_array_index (message_ids, i),
		                                                 error);

		if (row == NULL && error != NULL && *error != NULL)
			return FALSE;
		ours = row != NULL && g_strcmp0 (row->statement_id, thread_id) == 0;
	}
	if (!ours)
		return TRUE;
	thread = store_get_statement (store, thread_id, error);
	if (thread == NULL)
		return FALSE;
	*obeyed = thread_reply_refused (config, thread, message->from_address,
	                                authorize_from_vouched (config, message), statement) == NULL;
	return TRUE;
}

gboolean
commands_triage_person (const Config *config, const char *address)
{
	g_autoptr (Address) triage = config->triage != NULL ? address_parse (config->triage) : NULL;
	gboolean known;

	if (address == NULL || *address == '\0')
		return FALSE;
	known = triage != NULL && triage->address != NULL &&
	        g_ascii_strcasecmp (triage->address, address) == 0;
	for (guint i = 0; !known && config->orgs != NULL && i < config->orgs->len; i++) {
		const Org *org = g_ptr_array_index (config->orgs, i);

		known = address_list_has (org->managers, address);
	}
	return known;
}

gboolean
commands_triage_obeyed (const Config *config, const Message *message)
{
	return authorize_from_vouched (config, message) &&
	       commands_triage_person (config, message->from_address);
}

gboolean
commands_names_ours (Store *store, const GPtrArray *message_ids, const char *statement_id,
                     const char *kind, gboolean *named, GError **error)
{
	*named = FALSE;
	for (guint i = 0; message_ids != NULL && i < message_ids->len && !*named; i++) {
		g_autoptr (StoreOutbox) row = store_find_outbox (store, g_ptr_array_index (message_ids, i),
		                                                 error);

		if (row == NULL && error != NULL && *error != NULL)
			return FALSE;
		*named = row != NULL && g_strcmp0 (row->kind, kind) == 0 &&
		         (statement_id == NULL || g_strcmp0 (row->statement_id, statement_id) == 0);
	}
	return TRUE;
}

gboolean
commands_allowed (Store *store, const Config *config, const char *statement_id,
                  const char *address, gboolean vouched, gboolean *allowed, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (Statement) statement = store_get_statement (store, statement_id, &local);

	*allowed = FALSE;
	if (statement == NULL) {
		if (liaison_error_is_temporary (local)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		return TRUE;     /* no such statement: nobody commands it */
	}
	/* A held message that is no statement belongs to no organization:
	 * triage's (commands_triage_obeyed()). */
	if (statement->handle != NULL && g_ascii_strcasecmp (statement->handle, statement->id) == 0)
		*allowed = vouched && commands_triage_person (config, address);
	else
		*allowed = thread_reply_refused (config, statement, address, vouched, NULL) == NULL;
	return TRUE;
}

/* Sets *ours: whether @message_id is the Message-ID of one of our
 * digests: "digest-2026-W49.KEY@..." with the key of a target the digest
 * of that week went to. Read from the digests, not the outbox, so that a
 * rebuild (which queues no digest) reads a reply to one the same way. */
static gboolean
is_our_digest (Store *store, const Config *config, const char *message_id, gboolean *ours,
               GError **error)
{
	g_autofree char *prefix = NULL;
	g_autoptr (GPtrArray) targets = NULL;
	const char *dot;

	*ours = FALSE;
	if (!g_str_has_prefix (message_id, "digest-") || (dot = strchr (message_id, '.')) == NULL ||
	    dot - message_id > 32)
		return TRUE;
	prefix = g_strndup (message_id, (gsize) (dot - message_id));
	targets = store_digest_targets (store, "digest", prefix + strlen ("digest-"), error);
	if (targets == NULL)
		return FALSE;
	for (guint i = 0; i < targets->len && !*ours; i++) {
		g_autofree char *id = compose_keyed_id (config, prefix, g_ptr_array_index (targets, i));

		*ours = g_ascii_strcasecmp (id, message_id) == 0;
	}
	return TRUE;
}

gboolean
commands_digest_obeyed (Store *store, const Config *config, const Message *message,
                        const GPtrArray *message_ids, const MailCommands *commands,
                        gboolean *digest, gboolean *obeyed, GError **error)
{
	gboolean vouched = authorize_from_vouched (config, message);

	*obeyed = *digest = FALSE;
	for (guint i = 0; i < message_ids->len && !*digest; i++)
		if (!is_our_digest (store, config, g_ptr_array_index (message_ids, i), digest, error))
			return FALSE;
	/* approve and reject answer an approval request, from its
	 * approvers, never a digest. */
	if (!*digest || commands == NULL || commands->commands->len == 0 ||
	    message->from_address == NULL || mail_commands_any_decision (commands))
		return TRUE;
	for (guint i = 0; i < commands->commands->len; i++) {
		const MailCommand *c = g_ptr_array_index (commands->commands, i);

		if (c->statement == NULL)
			return TRUE;
	}
	for (guint i = 0; i < commands->commands->len && !*obeyed; i++) {
		const MailCommand *c = g_ptr_array_index (commands->commands, i);

		if (!commands_allowed (store, config, c->statement, message->from_address, vouched,
		                       obeyed, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
commands_approval_obeyed (Store *store, const Config *config, const char *thread_id,
                          const Message *message, const GPtrArray *message_ids,
                          const MailCommands *commands, gboolean *obeyed, GError **error)
{
	g_autoptr (Statement) thread = NULL;
	g_autofree char *request = NULL;
	gboolean names = FALSE;

	*obeyed = FALSE;
	if (!mail_commands_decide (commands))
		return TRUE;
	request = submit_request_id (config, thread_id);
	for (guint i = 0; i < message_ids->len && !names; i++)
		names = g_ascii_strcasecmp (g_ptr_array_index (message_ids, i), request) == 0;
	if (!names)
		return TRUE;
	thread = store_get_statement (store, thread_id, error);
	if (thread == NULL)
		return FALSE;
	*obeyed = thread->state == STATE_PENDING_APPROVAL &&
		submit_is_approver (config, thread, message->from_address) &&
		authorize_from_vouched (config, message);
	return TRUE;
}

gboolean
commands_join (Txn *txn, const char *thread_id, gint64 message_row, GError **error)
{
	gboolean adopted;

	return store_adopt_message (txn->store, message_row, thread_id, "command", "reply", &adopted,
	                            error);
}

gboolean
commands_note (Store *store, const Config *config, const char *key, const char *text,
               const char *by, const char *at, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autoptr (Statement) statement = NULL;
	g_autofree char *detail = NULL;
	const char *args[] = { text, NULL };

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	statement = store_get_statement (store, key, error);
	if (statement == NULL)
		goto fail;
	detail = g_strdup_printf ("%s (by %s)", text, by != NULL ? by : "unknown");
	if (store_add_event (store, statement->id, at, "note", detail, error) &&
	    journal_action (store, "note", statement->id, args, by, at, error) &&
	    txn_commit (&txn, error))
		return TRUE;
fail:
	txn_rollback (&txn);
	return FALSE;
}

/* "Re: [LS-2026-0007] ..." for @subject. Newly allocated. */
static char *
reply_subject (const char *statement_id, const char *subject)
{
	g_autofree char *tag = g_strdup_printf ("[%s]", statement_id);
	const char *s = subject != NULL ? subject : "";
	gboolean re = g_ascii_strncasecmp (s, "re:", 3) == 0;
	const char *rest = re ? s + 3 : s;

	while (*rest == ' ')
		rest++;
	if (strstr (rest, tag) != NULL)
		return g_strdup_printf ("Re: %s", rest);
	return g_strdup_printf ("Re: %s %s", tag, rest);
}

/* Composes and queues the reply inside @txn. */
static gboolean
queue_reply (Txn *txn, const Config *config, const char *statement_id, const char *to,
             const char *in_reply_to, const char *subject, const char *text, const char *at,
             GArray **outbox, GError **error)
{
	g_autoptr (GPtrArray) rcpt = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
	g_autofree char *what = g_strdup_printf ("%s %s", statement_id, in_reply_to);
	g_autofree char *id = compose_keyed_id (config, "commands", what);
	g_autofree char *re = reply_subject (statement_id, subject);
	g_autofree char *ref = g_strdup_printf ("<%s>", in_reply_to);
	ComposeNotice notice = { rcpt, re, text, NULL, id, at };
	PlannedRoute route = { (char *) to, NULL, ROUTE_ROLE_SENDER, ROUTE_STATUS_QUEUED,
	                       ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_TO };
	RoutePlan plan = { g_ptr_array_new (), NULL };
	OutboxItem item = { ROUTE_MESSAGE_FORWARD, NULL, "confirmation", id, 0 };
	OutboxQueue queue = { statement_id, 0, config, at, &plan, 0, &item, 1 };
	GMimeMessage *mime;
	Address *address = address_parse (to);
	gboolean ok;

	if (address == NULL) {
		g_ptr_array_unref (plan.routes);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "no address in \"%s\"", to);
		return FALSE;
	}
	g_ptr_array_add (rcpt, address);
	g_ptr_array_add (plan.routes, &route);
	mime = compose_notice (config, &notice);
	g_mime_object_set_header (GMIME_OBJECT (mime), "In-Reply-To", ref, NULL);
	g_mime_object_set_header (GMIME_OBJECT (mime), "References", ref, NULL);
	item.mime = mime;
	ok = store_count_routes (txn->store, statement_id, &queue.first_position, error) &&
		outbox_queue (txn, &queue, error);
	g_ptr_array_unref (plan.routes);
	g_object_unref (mime);
	if (ok && item.row != 0) {
		if (*outbox == NULL)
			*outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
		g_array_append_val (*outbox, item.row);
	}
	return ok;
}

gboolean
commands_confirm (Store *store, const Config *config, const char *statement_id,
                  const char *to, const char *in_reply_to, const char *subject,
                  const char *text, const char *at, GArray **outbox, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autofree char *detail = g_strdup_printf ("commands by mail from %s (<%s>): %s", to,
	                                           in_reply_to, text);
	const char *args[] = { in_reply_to, subject != NULL ? subject : "", text, NULL };

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	if (store_add_event (store, statement_id, at, "mail-commands", detail, error) &&
	    queue_reply (&txn, config, statement_id, to, in_reply_to, subject, text, at, outbox,
	                 error) &&
	    journal_action (store, "mail-reply", statement_id, args, to, at, error) &&
	    txn_commit (&txn, error))
		return TRUE;
	txn_rollback (&txn);
	return FALSE;
}
