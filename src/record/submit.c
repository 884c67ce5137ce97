/* submit.c: the mail of the IETF's own outgoing statements (submit.h). */
#include "config.h"

#include <string.h>

#include "base/address.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "input/message.h"
#include "outbound/outbox.h"
#include "record/submit.h"
#include "stages/compose.h"
#include "stages/submit.h"
#include "store/spool.h"

char *
submit_request_id (const Config *config, const char *statement_id)
{
	return compose_keyed_id (config, "approval", statement_id);
}

static void
note_row (GArray **outbox, gint64 row)
{
	if (row == 0)
		return;
	if (*outbox == NULL)
		*outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_array_append_val (*outbox, row);
}

static void
set_reference (GMimeMessage *mime, const char *message_id)
{
	g_autofree char *ref = NULL;

	if (message_id == NULL || *message_id == '\0')
		return;
	ref = g_strdup_printf ("<%s>", message_id);
	g_mime_object_set_header (GMIME_OBJECT (mime), "In-Reply-To", ref, NULL);
	g_mime_object_set_header (GMIME_OBJECT (mime), "References", ref, NULL);
}

/* Queues @mime, the message of @plan, as @kind about @statement_id. */
static gboolean
queue (Txn *txn, const Config *config, const char *statement_id, gint64 message_row,
       const RoutePlan *plan, GMimeMessage *mime, const char *kind, const char *now,
       GArray **outbox, GError **error)
{
	OutboxItem item = { ROUTE_MESSAGE_FORWARD, mime, kind, NULL, 0 };
	OutboxQueue q = { statement_id, message_row, config, now, plan, 0, &item, 1 };

	item.message_id = g_mime_message_get_message_id (mime);
	if (!store_count_routes (txn->store, statement_id, &q.first_position, error) ||
	    !outbox_queue (txn, &q, error))
		return FALSE;
	note_row (outbox, item.row);
	return TRUE;
}

/* The To addresses of @plan as Address* (the notice's To). */
static GPtrArray *
plan_to (const RoutePlan *plan)
{
	GPtrArray *to = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);

	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);
		Address *a = g_new0 (Address, 1);

		a->address = g_strdup (r->address);
		a->name = g_strdup (r->name);
		g_ptr_array_add (to, a);
	}
	return to;
}

gboolean
submit_queue_request (Txn *txn, const Config *config, const Statement *statement,
                      const char *submitter, const char *in_reply_to, const char *now,
                      GArray **outbox, GError **error)
{
	g_autoptr (RoutePlan) plan = submit_request_plan (statement, config);
	g_autoptr (GPtrArray) to = NULL;
	g_autofree char *id = submit_request_id (config, statement->id);
	g_autofree char *summary = compose_summary (config, statement);
	g_autofree char *text = submit_request_text (statement, submitter, summary);
	g_autofree char *subject = g_strdup_printf ("[%s] Approval requested: %s", statement->id,
	                                            statement->title != NULL ? statement->title : "");
	g_autofree char *clean = compose_header_text (subject);
	g_autoptr (GMimeMessage) mime = NULL;
	ComposeNotice notice = { NULL, clean, text, NULL, id, now };

	if (plan->routes->len == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "nobody approves the statements of %s: set its ads, or [approvers]",
		             statement->from_org != NULL ? statement->from_org : "(no group)");
		return FALSE;
	}
	notice.to = to = plan_to (plan);
	mime = compose_notice (config, &notice);
	set_reference (mime, in_reply_to);
	g_mime_object_set_header (GMIME_OBJECT (mime), "X-Liaison-Id", statement->id, NULL);
	return queue (txn, config, statement->id, 0, plan, mime, "approval", now, outbox, error);
}

/* The documents of @statement as the peer gets them, read from the spool
 * (never the submission mail around them, which is ours). One that was
 * purged is left out. */
static GPtrArray *
document_parts (const Config *config, const Statement *statement)
{
	GPtrArray *parts = g_ptr_array_new_with_free_func (g_object_unref);

	for (guint i = 0; statement->attachments != NULL && i < statement->attachments->len; i++) {
		const Attachment *a = g_ptr_array_index (statement->attachments, i);
		g_autofree char *path = NULL, *data = NULL;
		gsize len = 0;

		if (a->sha256 == NULL)
			continue;
		path = spool_path (config->spool, "att", a->sha256);
		if (!g_file_get_contents (path, &data, &len, NULL))
			continue;
		g_ptr_array_add (parts, compose_document_part (a->filename, a->content_type, data, len));
	}
	return parts;
}

gboolean
submit_queue_send (Txn *txn, const Config *config, const Statement *statement,
                   gint64 message_row, const char *raw_sha256, const char *now,
                   GArray **outbox, GError **error)
{
	g_autoptr (RoutePlan) plan = submit_peer_plan (statement, config);
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (GPtrArray) documents = NULL;
	g_autofree char *id = compose_message_id (config, statement->id, ROUTE_MESSAGE_FORWARD);
	ComposeInput input = { 0 };

	if (plan->dropped->len > 0 || plan->routes->len == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             plan->routes->len == 0 ? "%s: nobody to send it to (no send-to or managers)"
		             : "%s: it would go to more than max-recipients (%u) addresses",
		             statement->id, config->max_recipients);
		return FALSE;
	}
	documents = document_parts (config, statement);
	input = (ComposeInput) { statement, plan, NULL, now, raw_sha256, id, NULL, NULL, documents };
	mime = compose_message (config, &input, ROUTE_MESSAGE_FORWARD);
	if (mime == NULL)
		return TRUE;
	if (config->reply_to != NULL)
		g_mime_object_set_header (GMIME_OBJECT (mime), "Reply-To", config->reply_to, NULL);
	return queue (txn, config, statement->id, message_row, plan, mime, "forward", now, outbox,
	              error);
}

gboolean
submit_queue_notice (Txn *txn, const Config *config, const char *statement_id, const char *to,
                     const char *kind, const char *key, const char *in_reply_to,
                     const char *subject, const char *text, gboolean limited, const char *now,
                     GArray **outbox, gboolean *sent, GError **error)
{
	g_autoptr (Address) address = to != NULL ? address_parse (to) : NULL;
	g_autoptr (GPtrArray) rcpt = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
	g_autofree char *id = NULL, *clean = NULL;
	g_autoptr (GMimeMessage) mime = NULL;
	PlannedRoute route = { NULL, NULL, ROUTE_ROLE_SENDER, ROUTE_STATUS_QUEUED,
	                       ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_TO };
	RoutePlan plan = { NULL, NULL };
	ComposeNotice notice = { rcpt, NULL, text, NULL, NULL, now };
	gboolean ok;
	guint count = 0;

	if (sent != NULL)
		*sent = FALSE;
	if (address == NULL || (config->address != NULL &&
	                        g_ascii_strcasecmp (address->address, config->address) == 0))
		return TRUE;
	if (limited && !route_is_directory (config, address->address)) {
		if (!store_count_recent_mail (txn->store, address->address, now, &count, error))
			return FALSE;
		if (count >= config->auto_reply_limit)
			return TRUE;
	}
	route.address = address->address;
	g_ptr_array_add (rcpt, address_copy (address));
	notice.subject = clean = compose_header_text (subject);
	notice.message_id = id = compose_keyed_id (config, kind, key);
	mime = compose_notice (config, &notice);
	set_reference (mime, in_reply_to);
	g_mime_object_set_header (GMIME_OBJECT (mime), "X-Liaison-Id", statement_id, NULL);
	plan.routes = g_ptr_array_new ();
	g_ptr_array_add (plan.routes, &route);
	ok = queue (txn, config, statement_id, 0, &plan, mime, kind, now, outbox, error);
	g_ptr_array_unref (plan.routes);
	if (ok && sent != NULL)
		*sent = TRUE;
	return ok;
}
