/* undelivered.c: a statement whose every list route bounced. The notice
 * is the forward machinery with the triage address (To) and the
 * organization's managers (Cc) as its routes, and the text of what
 * failed; nothing goes to anyone outside the directory. */
#include "config.h"

#include "record/outgoing.h"
#include "record/undelivered.h"
#include "stages/compose.h"

/* Triage, then the managers of @statement's organization (Cc). */
static RoutePlan *
notice_plan (const Config *config, const Statement *statement)
{
	RoutePlan *plan = outgoing_triage_plan (config);
	const Org *org = statement->from_org != NULL ? config_find_org (config, statement->from_org)
	                                             : NULL;

	for (guint i = 0; org != NULL && org->managers != NULL && i < org->managers->len; i++) {
		const Address *manager = g_ptr_array_index (org->managers, i);
		PlannedRoute *route = g_new0 (PlannedRoute, 1);

		if (g_ascii_strcasecmp (manager->address, config->triage) == 0) {
			g_free (route);
			continue;
		}
		route->address = g_strdup (manager->address);
		route->name = g_strdup (manager->name);
		route->role = ROUTE_ROLE_MANAGER;
		route->status = ROUTE_STATUS_QUEUED;
		route->message = ROUTE_MESSAGE_FORWARD;
		route->field = ROUTE_FIELD_CC;
		g_ptr_array_add (plan->routes, route);
	}
	return plan;
}

static char *
notice_text (const Statement *statement)
{
	GString *text = g_string_new (NULL);
	g_autofree char *title = statement_clean_line (statement->title);

	g_string_append_printf (text, "Liaison statement %s\n\n  %s\n\nreached none of its groups' "
	                        "lists: every list route bounced.\n\n", statement->id, title);
	for (guint i = 0; statement->routes != NULL && i < statement->routes->len; i++) {
		const StatementRoute *r = g_ptr_array_index (statement->routes, i);

		if (g_strcmp0 (r->role, "list") == 0)
			g_string_append_printf (text, "  %s: %s\n", r->address, r->status);
	}
	g_string_append_printf (text, "\nliaison show %s shows its routes and the bounces; liaison "
	                        "route %s GROUP...\nsends it anew.\n", statement->id, statement->id);
	return g_string_free (text, FALSE);
}

gboolean
undelivered_check (Txn *txn, const Config *config, const char *statement_id, const char *now,
                   GArray **outbox, GError **error)
{
	g_autoptr (Statement) statement = NULL;
	g_autoptr (RoutePlan) plan = NULL;
	g_autofree char *message_id = NULL, *subject = NULL, *text = NULL, *title = NULL;
	gboolean marked = FALSE;
	ComposeInput input = { 0 };

	if (!store_mark_undelivered (txn->store, statement_id, &marked, error))
		return FALSE;
	if (!marked)
		return TRUE;
	if (!store_add_event (txn->store, statement_id, now, "undelivered",
	                      "every list route bounced: triage and the managers told", error))
		return FALSE;
	if (config->triage == NULL || *config->triage == '\0')
		return TRUE;
	statement = store_get_statement (txn->store, statement_id, error);
	if (statement == NULL)
		return FALSE;
	plan = notice_plan (config, statement);
	message_id = compose_numbered_id (config, statement->id, "undelivered", 0);
	title = statement_clean_line (statement->title);
	subject = g_strdup_printf ("[%s] Undelivered: %s", statement->id, title);
	text = notice_text (statement);
	input = (ComposeInput) { statement, plan, NULL, now, statement->id, message_id, subject, text };
	return outgoing_queue_forward (txn, config, &input, "undelivered", 0, now, outbox, error);
}
