/* outgoing.c: what a recorded message sends, from the route plan to the
 * outbox: composing is compose.c's, queueing (spool file, outbox row,
 * routes) outbox_queue()'s; this file picks the plan, the messages and
 * their ids. Inside the recording transaction. */
#include "config.h"

#include "base/gmime-util.h"
#include "base/statement.h"
#include "record/outgoing.h"
#include "stages/authorize.h"
#include "stages/classify.h"

static void
add_addresses (InternetAddressList *list, GPtrArray *out)
{
	for (int i = 0; list != NULL && i < internet_address_list_length (list); i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);

		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			add_addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), out);
		} else if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			g_autofree char *clean = statement_clean_line (addr);
			if (*clean != '\0')
				g_ptr_array_add (out, g_ascii_strdown (clean, -1));
		}
	}
}

/* What the plan is told of the original @message (may be NULL): who had
 * it directly, and who may get the acknowledgement. *sender and
 * @recipients hold what @original points to. */
static void
describe_original (RouteOriginal *original, GPtrArray *recipients, Address **sender,
                   const Config *config, const Message *message, gboolean no_ack)
{
	*original = (RouteOriginal) { recipients, NULL, FALSE };
	if (message != NULL && message->mime != NULL) {
		add_addresses (g_mime_message_get_addresses (message->mime, GMIME_ADDRESS_TYPE_TO),
		               recipients);
		add_addresses (g_mime_message_get_addresses (message->mime, GMIME_ADDRESS_TYPE_CC),
		               recipients);
	}
	if (message != NULL) {
		/* Never an address merely named in the message: the envelope
		 * sender or From of a sender that passed the checks, or nobody
		 * (SPEC §6). */
		*sender = authorize_reply_address (config, message);
		original->sender = *sender;
		original->automatic = classify_is_automatic (message);
	}
	if (no_ack)
		original->automatic = TRUE;
}

RoutePlan *
outgoing_plan (const Statement *statement, const Config *config, const Message *message,
               gboolean no_ack)
{
	g_autoptr (GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (Address) sender = NULL;
	RouteOriginal original;

	describe_original (&original, recipients, &sender, config, message, no_ack);
	return route_plan (statement, config, &original);
}

char *
outgoing_too_many (const Statement *statement, const Config *config, const Message *message)
{
	g_autoptr (GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (Address) sender = NULL;
	RouteOriginal original;

	describe_original (&original, recipients, &sender, config, message, FALSE);
	return route_too_many (statement, config, &original);
}

static void
note_rows (GArray **outbox, const OutboxItem *items, guint n_items)
{
	for (guint k = 0; k < n_items; k++) {
		if (items[k].row == 0)
			continue;
		if (*outbox == NULL)
			*outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
		g_array_append_val (*outbox, items[k].row);
	}
}

/* The acknowledgement to an address outside the directory is not queued
 * when that address had config->auto_reply_limit messages from us in the
 * last 24 hours: whoever can forge a From must not make us a mail cannon
 * (SPEC §6). The statement's events say so. */
static gboolean
limit_ack (Txn *txn, const Config *config, const Statement *statement, RoutePlan *plan,
           const char *now, GError **error)
{
	g_autoptr (GPtrArray) rcpts = route_plan_recipients (plan, ROUTE_MESSAGE_ACK);
	g_autofree char *detail = NULL;
	const char *address;
	guint count = 0;

	if (rcpts->len == 0)
		return TRUE;
	address = g_ptr_array_index (rcpts, 0);
	if (route_is_directory (config, address))
		return TRUE;
	if (!store_count_recent_mail (txn->store, address, now, &count, error))
		return FALSE;
	if (count < config->auto_reply_limit)
		return TRUE;
	detail = g_strdup_printf ("acknowledgement to %s not sent: %u already in the last 24 hours "
	                          "(auto-reply-limit %u)", address, count, config->auto_reply_limit);
	route_plan_remove (plan, ROUTE_MESSAGE_ACK);
	return store_add_event (txn->store, statement->id, now, "not-acknowledged", detail, error);
}

/* The event that names who a capped message left out. */
static gboolean
note_dropped (Txn *txn, const Config *config, const Statement *statement, const RoutePlan *plan,
              const char *now, GError **error)
{
	g_autofree char *detail = route_dropped_text (plan, config,
	                                              statement->hold_reason != NULL ? "held notice" : "forward");

	return detail == NULL ||
		store_add_event (txn->store, statement->id, now, "recipients-dropped", detail, error);
}

/* Whether @plan queues its @message to anyone (compose_message() composes
 * nothing otherwise). */
static gboolean
plan_queues (const RoutePlan *plan, RouteMessage message)
{
	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);

		if (r->message == message && r->status == ROUTE_STATUS_QUEUED)
			return TRUE;
	}
	return FALSE;
}

gboolean
outgoing_queue_statement (Txn *txn, const Config *config, const Statement *statement,
                          const Message *message, gint64 message_row, gboolean held_notice,
                          const char *now, GArray **outbox, GPtrArray **routes, GError **error)
{
	g_autoptr (RoutePlan) plan = outgoing_plan (statement, config, message, FALSE);
	ComposeInput input = { statement, plan, message->mime, now, message->raw_sha256, NULL, NULL, NULL };
	OutboxItem items[ROUTE_N_MESSAGES] = { { 0 } };
	char *ids[ROUTE_N_MESSAGES] = { NULL };
	OutboxQueue queue = { statement->id, message_row, config, now, plan, 0,
	                      items, ROUTE_N_MESSAGES };
	gboolean ok;

	if (!held_notice)
		route_plan_remove (plan, ROUTE_MESSAGE_HELD);
	if (!limit_ack (txn, config, statement, plan, now, error) ||
	    !note_dropped (txn, config, statement, plan, now, error))
		return FALSE;
	for (int m = 0; m < ROUTE_N_MESSAGES; m++) {
		ids[m] = compose_message_id (config, statement->id, (RouteMessage) m);
		items[m] = (OutboxItem) { (RouteMessage) m, NULL, route_message_to_string ((RouteMessage) m),
		                          ids[m], 0, NULL, 0 };
		/* `rebuild` names the file that was queued then (the same
		 * bytes) rather than composing it again. */
		if (!plan_queues (plan, (RouteMessage) m) ||
		    !outbox_reuse_find (ids[m], &items[m].sha256, &items[m].size))
			items[m].mime = compose_message (config, &input, (RouteMessage) m);
	}
	ok = outbox_queue (txn, &queue, error);
	for (int m = 0; m < ROUTE_N_MESSAGES; m++) {
		g_clear_object (&items[m].mime);
		g_free (ids[m]);
	}
	if (!ok)
		return FALSE;
	note_rows (outbox, items, ROUTE_N_MESSAGES);
	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);

		if (*routes == NULL)
			*routes = g_ptr_array_new_with_free_func (g_free);
		g_ptr_array_add (*routes, g_strdup (r->address));
	}
	return TRUE;
}

static void
planned_route_free (gpointer data)
{
	PlannedRoute *route = data;

	g_free (route->address);
	g_free (route->name);
	g_free (route);
}

RoutePlan *
outgoing_triage_plan (const Config *config)
{
	RoutePlan *plan = g_new0 (RoutePlan, 1);
	PlannedRoute *route = g_new0 (PlannedRoute, 1);

	plan->routes = g_ptr_array_new_with_free_func (planned_route_free);
	route->address = g_strdup (config->triage);
	route->role = ROUTE_ROLE_TRIAGE;
	route->status = ROUTE_STATUS_QUEUED;
	route->message = ROUTE_MESSAGE_FORWARD;
	route->field = ROUTE_FIELD_TO;
	g_ptr_array_add (plan->routes, route);
	return plan;
}

gboolean
outgoing_queue_forward (Txn *txn, const Config *config, const ComposeInput *input,
                        const char *kind, gint64 message_row, const char *now, GArray **outbox,
                        GError **error)
{
	g_autoptr (GMimeMessage) mime = compose_message (config, input, ROUTE_MESSAGE_FORWARD);
	OutboxItem item = { ROUTE_MESSAGE_FORWARD, mime, kind, NULL, 0 };
	OutboxQueue queue = { input->statement->id, message_row, config, now, input->plan, 0,
	                      &item, 1 };

	if (mime == NULL)
		return TRUE;
	if (!store_count_routes (txn->store, input->statement->id, &queue.first_position, error))
		return FALSE;
	item.message_id = g_mime_message_get_message_id (mime);
	if (!outbox_queue (txn, &queue, error))
		return FALSE;
	note_rows (outbox, &item, 1);
	return TRUE;
}
