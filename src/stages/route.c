/* route.c: the route plan of SPEC §6. Pure: it reads the statement, the
 * directory and what it is told of the original, and returns a list; the
 * store records it and compose builds the messages from it. */
#include "config.h"

#include <string.h>

#include "stages/authorize.h"
#include "stages/route.h"

const char *
route_role_to_string (RouteRole role)
{
	switch (role) {
	case ROUTE_ROLE_LIST:
		return "list";
	case ROUTE_ROLE_CHAIR:
		return "chair";
	case ROUTE_ROLE_AD:
		return "ad";
	case ROUTE_ROLE_MANAGER:
		return "manager";
	case ROUTE_ROLE_TRIAGE:
		return "triage";
	case ROUTE_ROLE_ARCHIVE:
		return "archive";
	case ROUTE_ROLE_SENDER:
		return "sender";
	case ROUTE_ROLE_RESPONSE:
		return "response";
	case ROUTE_ROLE_APPROVER:
		return "approver";
	case ROUTE_ROLE_PEER:
		return "peer";
	}
	g_return_val_if_reached ("list");
}

const char *
route_status_to_string (RouteStatus status)
{
	switch (status) {
	case ROUTE_STATUS_QUEUED:
		return "queued";
	case ROUTE_STATUS_SENT:
		return "sent";
	case ROUTE_STATUS_FAILED:
		return "failed";
	case ROUTE_STATUS_ALREADY_RECEIVED:
		return "already-received";
	}
	g_return_val_if_reached ("queued");
}

const char *
route_message_to_string (RouteMessage message)
{
	switch (message) {
	case ROUTE_MESSAGE_FORWARD:
		return "forward";
	case ROUTE_MESSAGE_ACK:
		return "ack";
	case ROUTE_MESSAGE_HELD:
		return "held";
	case ROUTE_MESSAGE_REMINDER:
		return "reminder";
	}
	g_return_val_if_reached ("forward");
}

static void
planned_route_free (PlannedRoute *route)
{
	if (route == NULL)
		return;
	g_free (route->address);
	g_free (route->name);
	g_free (route);
}

void
route_plan_free (RoutePlan *plan)
{
	if (plan == NULL)
		return;
	g_ptr_array_unref (plan->routes);
	/* A plan made by hand (a test's) may have no list of dropped. */
	if (plan->dropped != NULL)
		g_ptr_array_unref (plan->dropped);
	g_free (plan);
}

/* The plan under construction, and what it must not repeat. */
typedef struct {
	const Config *config;
	const RouteOriginal *original;
	RoutePlan *plan;
	GHashTable *seen;        /* lower-case addresses already planned */
	guint cap;               /* the most queued routes per message; 0: none */
	guint queued[ROUTE_MESSAGE_REMINDER + 1];
} Planner;

static void
planner_init (Planner *p, const Config *config, const RouteOriginal *original, guint cap)
{
	*p = (Planner) { config, original, g_new0 (RoutePlan, 1), NULL, cap, { 0 } };
	p->plan->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) planned_route_free);
	p->plan->dropped = g_ptr_array_new_with_free_func (g_free);
	p->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The plan; the rest of the planner is freed. */
static RoutePlan *
planner_finish (Planner *p)
{
	g_hash_table_unref (p->seen);
	return p->plan;
}

static gboolean
received_directly (const RouteOriginal *original, const char *address)
{
	if (original == NULL || original->recipients == NULL)
		return FALSE;
	for (guint i = 0; i < original->recipients->len; i++)
		if (g_ascii_strcasecmp (g_ptr_array_index (original->recipients, i), address) == 0)
			return TRUE;
	return FALSE;
}

/* Adds one route unless its address is empty, ours, or planned already.
 * @check_received: a route that the original reached directly is kept but
 * marked already-received, so that show says why it was not sent. A route
 * to be sent past the planner's cap is dropped instead: the earlier roles
 * are the ones that must not miss it. */
static void
add (Planner *p, const char *address, const char *name, RouteRole role,
     RouteMessage message, RouteField field, gboolean check_received)
{
	g_autofree char *key = NULL;
	PlannedRoute *route;
	RouteStatus status;

	if (address == NULL || *address == '\0')
		return;
	key = g_ascii_strdown (address, -1);
	if (p->config->address != NULL && g_ascii_strcasecmp (key, p->config->address) == 0)
		return;
	if (g_hash_table_contains (p->seen, key))
		return;
	g_hash_table_add (p->seen, g_steal_pointer (&key));
	status = check_received && received_directly (p->original, address)
		? ROUTE_STATUS_ALREADY_RECEIVED : ROUTE_STATUS_QUEUED;
	if (status == ROUTE_STATUS_QUEUED) {
		if (p->cap > 0 && p->queued[message] >= p->cap) {
			g_ptr_array_add (p->plan->dropped, g_strdup (address));
			return;
		}
		p->queued[message]++;
	}

	route = g_new0 (PlannedRoute, 1);
	route->address = g_strdup (address);
	route->name = name != NULL && *name != '\0' ? g_strdup (name) : NULL;
	route->role = role;
	route->message = message;
	route->field = field;
	route->status = status;
	g_ptr_array_add (p->plan->routes, route);
}

static void
add_mailboxes (Planner *p, GPtrArray *mailboxes, RouteRole role, RouteMessage message,
               RouteField field, gboolean check_received)
{
	for (guint i = 0; mailboxes != NULL && i < mailboxes->len; i++) {
		const Address *m = g_ptr_array_index (mailboxes, i);
		add (p, m->address, m->name, role, message, field, check_received);
	}
}

/* The sending organization's managers, or the triage address when it has
 * none (or is not in the directory). */
static void
add_managers (Planner *p, const Statement *statement, RouteMessage message, RouteField field,
              gboolean check_received, gboolean triage_instead)
{
	const Org *org = statement->from_org != NULL
		? config_find_org (p->config, statement->from_org) : NULL;

	if (org != NULL && org->managers->len > 0)
		add_mailboxes (p, org->managers, ROUTE_ROLE_MANAGER, message, field, check_received);
	else if (triage_instead)
		add (p, p->config->triage, NULL, ROUTE_ROLE_TRIAGE, message, field, check_received);
}

static void
plan_held (Planner *p, const Statement *statement)
{
	/* The notice tells them what the original did not: that it is held
	 * and why. So it goes even to a manager who was copied. */
	add (p, p->config->triage, NULL, ROUTE_ROLE_TRIAGE, ROUTE_MESSAGE_HELD, ROUTE_FIELD_TO, FALSE);
	add_managers (p, statement, ROUTE_MESSAGE_HELD, ROUTE_FIELD_CC, FALSE, FALSE);
}

static void
plan_forward (Planner *p, const Statement *statement)
{
	g_autoptr (GPtrArray) groups = g_ptr_array_new ();

	for (guint i = 0; statement->groups != NULL && i < statement->groups->len; i++) {
		const Group *group = config_find_group (p->config, g_ptr_array_index (statement->groups, i));
		if (group != NULL)
			g_ptr_array_add (groups, (gpointer) group);
	}
	/* Lists first, then every chair, then every AD: the To line names the
	 * groups, the Cc line the people. */
	for (guint i = 0; i < groups->len; i++) {
		const Group *group = g_ptr_array_index (groups, i);
		if (group->list != NULL)
			add (p, group->list->address, group->list->name, ROUTE_ROLE_LIST,
			     ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_TO, TRUE);
	}
	for (guint i = 0; i < groups->len; i++) {
		const Group *group = g_ptr_array_index (groups, i);
		add_mailboxes (p, group->chairs, ROUTE_ROLE_CHAIR, ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_CC, TRUE);
	}
	for (guint i = 0; i < groups->len; i++) {
		const Group *group = g_ptr_array_index (groups, i);
		add_mailboxes (p, group->ads, ROUTE_ROLE_AD, ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_CC, TRUE);
	}
	add_managers (p, statement, ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_CC, TRUE, TRUE);
	add (p, p->config->archive, NULL, ROUTE_ROLE_ARCHIVE, ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_BCC, TRUE);
}

/* The IETF's own statement (DIRECTION_OUTGOING) reached its peer without
 * us: our groups wrote it, and it is no statement for them to act on. It
 * is recorded, kept in the archive, and not acknowledged. */
static void
plan_outgoing (Planner *p)
{
	add (p, p->config->archive, NULL, ROUTE_ROLE_ARCHIVE, ROUTE_MESSAGE_FORWARD, ROUTE_FIELD_BCC, TRUE);
}

static void
plan_ack (Planner *p)
{
	const RouteOriginal *original = p->original;

	if (!p->config->acknowledge || original == NULL || original->automatic ||
	    original->sender == NULL)
		return;
	/* A sender who is a recipient of the forward learns the id from its
	 * subject: one message is enough. add() skips the address then. */
	add (p, original->sender->address, original->sender->name, ROUTE_ROLE_SENDER,
	     ROUTE_MESSAGE_ACK, ROUTE_FIELD_TO, FALSE);
}

static RoutePlan *
plan_statement (const Statement *statement, const Config *config, const RouteOriginal *original,
                guint cap)
{
	Planner p;

	planner_init (&p, config, original, cap);
	if (statement->hold_reason != NULL) {
		plan_held (&p, statement);
	} else if (statement->direction == DIRECTION_OUTGOING) {
		plan_outgoing (&p);
	} else {
		plan_forward (&p, statement);
		plan_ack (&p);
	}
	return planner_finish (&p);
}

RoutePlan *
route_plan (const Statement *statement, const Config *config, const RouteOriginal *original)
{
	g_return_val_if_fail (statement != NULL, NULL);
	g_return_val_if_fail (config != NULL, NULL);

	return plan_statement (statement, config, original, config->max_recipients);
}

char *
route_too_many (const Statement *statement, const Config *config, const RouteOriginal *original)
{
	g_autoptr (RoutePlan) plan = NULL;
	g_autoptr (GPtrArray) rcpts = NULL;

	g_return_val_if_fail (statement != NULL, NULL);
	g_return_val_if_fail (config != NULL, NULL);

	if (statement->hold_reason != NULL || config->max_recipients == 0)
		return NULL;
	plan = plan_statement (statement, config, original, 0);
	rcpts = route_plan_recipients (plan, ROUTE_MESSAGE_FORWARD);
	if (rcpts->len <= config->max_recipients)
		return NULL;
	return g_strdup_printf ("too many recipients: the forward would go to %u addresses, "
	                        "more than max-recipients (%u)", rcpts->len, config->max_recipients);
}

/* The response contacts a reminder may copy: the statement's text names
 * them, so only those that read back as one mailbox, at an address of the
 * sending organization, of a statement whose sender passed the checks. */
static void
add_response_contacts (Planner *p, const Statement *statement)
{
	const Org *org = statement->from_org != NULL
		? config_find_org (p->config, statement->from_org) : NULL;

	if (org == NULL)
		return;
	for (guint i = 0; statement->response_contacts != NULL && i < statement->response_contacts->len; i++) {
		g_autoptr (Address) m = address_parse (g_ptr_array_index (statement->response_contacts, i));
		if (m != NULL && authorize_in_domains (m->address, org->domains))
			add (p, m->address, m->name, ROUTE_ROLE_RESPONSE, ROUTE_MESSAGE_REMINDER,
			     ROUTE_FIELD_CC, FALSE);
	}
}

/* The deadline of the IETF's own statement is the peer's: our side is
 * reminded (the chairs of its group, Cc the peers' managers), never the
 * peer. */
static void
plan_outgoing_reminder (Planner *p, const Statement *statement)
{
	const Group *group = statement->from_org != NULL
		? config_find_group (p->config, statement->from_org) : NULL;

	if (group != NULL)
		add_mailboxes (p, group->chairs, ROUTE_ROLE_CHAIR, ROUTE_MESSAGE_REMINDER, ROUTE_FIELD_TO,
		               FALSE);
	for (guint i = 0; statement->groups != NULL && i < statement->groups->len; i++) {
		const Org *org = config_find_org (p->config, g_ptr_array_index (statement->groups, i));

		if (org != NULL)
			add_mailboxes (p, org->managers, ROUTE_ROLE_MANAGER, ROUTE_MESSAGE_REMINDER,
			               ROUTE_FIELD_CC, FALSE);
	}
}

RoutePlan *
route_reminder (const Statement *statement, const Config *config, gboolean sender_checked)
{
	Planner p;

	g_return_val_if_fail (statement != NULL, NULL);
	g_return_val_if_fail (config != NULL, NULL);

	planner_init (&p, config, NULL, config->max_recipients);
	/* A statement for our information asks none of its groups to act
	 * (a 3GPP Cc: row, an ITU-T "For information to:"): the date it
	 * names is another body's, and nobody is reminded of it. */
	if (statement->purpose == PURPOSE_INFORMATION)
		return planner_finish (&p);
	if (statement->direction == DIRECTION_OUTGOING) {
		plan_outgoing_reminder (&p, statement);
		return planner_finish (&p);
	}
	/* In order of who must not miss it: the cap drops from the end. */
	for (guint i = 0; statement->groups != NULL && i < statement->groups->len; i++) {
		const Group *group = config_find_group (config, g_ptr_array_index (statement->groups, i));
		if (group != NULL)
			add_mailboxes (&p, group->chairs, ROUTE_ROLE_CHAIR, ROUTE_MESSAGE_REMINDER,
			               ROUTE_FIELD_TO, FALSE);
	}
	add_managers (&p, statement, ROUTE_MESSAGE_REMINDER, ROUTE_FIELD_CC, FALSE, TRUE);
	if (sender_checked)
		add_response_contacts (&p, statement);
	return planner_finish (&p);
}

/* How many dropped addresses an event names; the rest are counted. */
#define DROPPED_NAMED 10

char *
route_dropped_text (const RoutePlan *plan, const Config *config, const char *what)
{
	GString *text;
	guint kept = 0;

	g_return_val_if_fail (plan != NULL && config != NULL && what != NULL, NULL);

	if (plan->dropped == NULL || plan->dropped->len == 0)
		return NULL;
	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);
		kept += r->status == ROUTE_STATUS_QUEUED;
	}
	text = g_string_new (NULL);
	g_string_append_printf (text, "%s to %u of %u recipients (max-recipients %u); left out: ", what,
	                        kept, kept + plan->dropped->len, config->max_recipients);
	for (guint i = 0; i < plan->dropped->len && i < DROPPED_NAMED; i++)
		g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
		                        (const char *) g_ptr_array_index (plan->dropped, i));
	if (plan->dropped->len > DROPPED_NAMED)
		g_string_append_printf (text, " and %u more", plan->dropped->len - DROPPED_NAMED);
	return g_string_free (text, FALSE);
}

void
route_plan_remove (RoutePlan *plan, RouteMessage message)
{
	g_return_if_fail (plan != NULL);

	for (guint i = plan->routes->len; i > 0; i--) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i - 1);
		if (r->message == message)
			g_ptr_array_remove_index (plan->routes, i - 1);
	}
}

static gboolean
is_same (const char *configured, const char *address)
{
	return configured != NULL && g_ascii_strcasecmp (configured, address) == 0;
}

gboolean
route_is_directory (const Config *config, const char *address)
{
	g_return_val_if_fail (config != NULL, FALSE);

	if (address == NULL || *address == '\0')
		return FALSE;
	if (is_same (config->address, address) || is_same (config->triage, address) ||
	    is_same (config->archive, address))
		return TRUE;
	for (guint i = 0; i < config->groups->len; i++) {
		const Group *g = g_ptr_array_index (config->groups, i);
		if ((g->list != NULL && is_same (g->list->address, address)) ||
		    address_list_has (g->chairs, address) || address_list_has (g->ads, address))
			return TRUE;
	}
	for (guint i = 0; i < config->orgs->len; i++) {
		const Org *o = g_ptr_array_index (config->orgs, i);
		if (address_list_has (o->managers, address))
			return TRUE;
	}
	return FALSE;
}

GPtrArray *
route_plan_recipients (const RoutePlan *plan, RouteMessage message)
{
	GPtrArray *out = g_ptr_array_new ();

	g_return_val_if_fail (plan != NULL, out);

	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);
		if (r->message == message && r->status == ROUTE_STATUS_QUEUED)
			g_ptr_array_add (out, r->address);
	}
	return out;
}
