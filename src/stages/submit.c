/* submit.c: the rules of the IETF's own outgoing statements (submit.h). */
#include "config.h"

#include <string.h>

#include "stages/direction.h"
#include "stages/extract/layout.h"
#include "stages/submit.h"
#include "stages/thread.h"

gboolean
submit_is_addressed (const Config *config, const char *recipient, const char *extension)
{
	const char *at, *ours_at;
	g_autofree char *ours = NULL;

	if (extension != NULL && *extension != '\0')
		return g_ascii_strcasecmp (extension, SUBMIT_EXTENSION) == 0;
	if (recipient == NULL || config->address == NULL ||
	    (at = strrchr (recipient, '@')) == NULL || (ours_at = strrchr (config->address, '@')) == NULL)
		return FALSE;
	ours = g_strdup_printf ("%.*s+%s%s", (int) (ours_at - config->address), config->address,
	                        SUBMIT_EXTENSION, ours_at);
	return g_ascii_strcasecmp (recipient, ours) == 0;
}

/* The value of @line if it starts with @label and ':', trimmed; else
 * NULL. Newly allocated. */
static char *
label_value (const char *line, const char *label)
{
	gsize n = strlen (label);

	if (g_ascii_strncasecmp (line, label, n) != 0 || line[n] != ':')
		return NULL;
	return statement_clean_line (line + n + 1);
}

/* A text too far from the label layout for its reader (it lacks most
 * of the core labels): the labels it has, read one a line, so that a
 * submission hears which fields are missing. Its layout stays
 * LAYOUT_NONE: never a statement to record (submit_problems()). */
static Statement *
scan_labels (const char *text)
{
	Statement *statement = statement_new ();
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		const char *line = lines[i];
		char *v;

		if ((v = label_value (line, "Title")) != NULL)
			statement->title = v;
		else if ((v = label_value (line, "From Group")) != NULL)
			statement->from_org_text = v;
		else if ((v = label_value (line, "To Group")) != NULL)
			g_ptr_array_add (statement->to_texts, v);
		else if ((v = label_value (line, "Purpose")) != NULL) {
			statement->purpose = statement_parse_purpose (v);
			g_free (v);
		} else if ((v = label_value (line, "Deadline")) != NULL)
			statement->deadline = v;
		else if ((v = label_value (line, "Body")) != NULL) {
			g_free (v);
			statement->body = g_strjoinv ("\n", lines + i);
			break;
		}
	}
	return statement;
}

Statement *
submit_read (const Message *message)
{
	g_autoptr (GPtrArray) texts = message_texts (message);

	for (guint i = 0; i < texts->len; i++) {
		const MessageText *t = g_ptr_array_index (texts, i);
		Statement *statement;
		guint score = 0;

		if (t->kind != MESSAGE_TEXT_BODY || t->depth != 0)
			continue;
		statement = extract_datatracker (t->text, NULL, &score);
		if (statement == NULL)
			return scan_labels (t->text);
		statement->layout = LAYOUT_DATATRACKER;
		g_free (statement->origin);
		statement->origin = g_strdup (t->origin);
		return statement;
	}
	return NULL;
}

static gboolean
blank (const char *text)
{
	if (text == NULL)
		return TRUE;
	for (; *text != '\0'; text++)
		if (!g_ascii_isspace (*text))
			return FALSE;
	return TRUE;
}

/* The To Group line: missing, or naming no peer. */
static void
check_to (const Statement *statement, const Config *config, GPtrArray *problems)
{
	g_autoptr (GPtrArray) peers = NULL;

	if (statement->to_texts == NULL || statement->to_texts->len == 0) {
		g_ptr_array_add (problems, g_strdup ("To Group: missing"));
		return;
	}
	if (statement->direction == DIRECTION_OUTGOING)
		return;
	peers = direction_peers (config, statement, NULL);
	if (peers->len == 0)
		g_ptr_array_add (problems,
		                 g_strdup_printf ("To Group: \"%s\" is not a known peer organization",
		                                  (const char *) g_ptr_array_index (statement->to_texts, 0)));
}

GPtrArray *
submit_problems (const Statement *statement, const Config *config, gboolean has_attachments)
{
	GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);

	g_return_val_if_fail (config != NULL, problems);

	if (statement == NULL) {
		g_ptr_array_add (problems, g_strdup ("no statement in the Datatracker label layout "
		                                     "(Title:, From Group:, To Group:, Purpose:, "
		                                     "Deadline:, Body:)"));
		return problems;
	}
	if (blank (statement->title))
		g_ptr_array_add (problems, g_strdup ("Title: missing"));
	if (blank (statement->from_org_text))
		g_ptr_array_add (problems, g_strdup ("From Group: missing"));
	else if (thread_own_group (config, statement) == NULL)
		g_ptr_array_add (problems, g_strdup_printf ("From Group: \"%s\" is not a known IETF group",
		                                            statement->from_org_text));
	check_to (statement, config, problems);
	if (statement->purpose == PURPOSE_NONE)
		g_ptr_array_add (problems, g_strdup ("Purpose: missing (action, comment, information "
		                                     "or response)"));
	if (statement->purpose == PURPOSE_ACTION && blank (statement->deadline))
		g_ptr_array_add (problems, g_strdup ("Deadline: required when the purpose is action"));
	if (blank (statement->body) && !has_attachments)
		g_ptr_array_add (problems, g_strdup ("Body: missing, and no document attached"));
	if (problems->len == 0 && statement->layout != LAYOUT_DATATRACKER)
		g_ptr_array_add (problems, g_strdup ("not in the Datatracker label layout "
		                                     "(one label a line: Title:, From Group:, ...)"));
	return problems;
}

const GPtrArray *
submit_approvers (const Config *config, const Statement *statement)
{
	return config_approvers (config, statement->from_org);
}

gboolean
submit_is_approver (const Config *config, const Statement *statement, const char *address)
{
	if (address == NULL || *address == '\0')
		return FALSE;
	return address_list_has (submit_approvers (config, statement), address);
}

const char *
submit_refused (const Config *config, const Statement *statement, const char *address,
                gboolean vouched)
{
	const Group *group = config_find_group (config, statement->from_org);
	gboolean may = FALSE;

	if (address == NULL || *address == '\0')
		return "the submission has no sender";
	if (group != NULL)
		may = address_list_has (group->chairs, address) || address_list_has (group->ads, address);
	for (guint i = 0; !may && statement->groups != NULL && i < statement->groups->len; i++) {
		const Org *org = config_find_org (config, g_ptr_array_index (statement->groups, i));

		may = org != NULL && address_list_has (org->managers, address);
	}
	if (!may)
		may = submit_is_approver (config, statement, address);
	if (!may)
		return "only a chair or AD of the group, a liaison manager of the organization "
		       "or an approver may submit a statement";
	if (!vouched)
		return "our mail server does not vouch for the sender (no DKIM or aligned SPF pass)";
	return NULL;
}

gboolean
submit_approved_label (const char *text)
{
	g_auto (GStrv) lines = NULL;

	if (text == NULL)
		return FALSE;
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree char *line = g_strstrip (g_strdup (lines[i]));

		if (g_ascii_strncasecmp (line, "Approved:", 9) == 0) {
			char *value = g_strstrip (line + 9);

			return g_ascii_strcasecmp (value, "yes") == 0;
		}
	}
	return FALSE;
}

static void
planned_route_free (gpointer data)
{
	PlannedRoute *route = data;

	g_free (route->address);
	g_free (route->name);
	g_free (route);
}

static RoutePlan *
plan_new (void)
{
	RoutePlan *plan = g_new0 (RoutePlan, 1);

	plan->routes = g_ptr_array_new_with_free_func (planned_route_free);
	plan->dropped = g_ptr_array_new_with_free_func (g_free);
	return plan;
}

/* Adds @mailbox to @plan unless it is there already or our own; past
 * max-recipients it is dropped. */
static void
add (RoutePlan *plan, const Config *config, const Address *mailbox, RouteRole role,
     RouteField field)
{
	PlannedRoute *route;

	if (mailbox == NULL || mailbox->address == NULL ||
	    (config->address != NULL && g_ascii_strcasecmp (mailbox->address, config->address) == 0))
		return;
	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);

		if (g_ascii_strcasecmp (r->address, mailbox->address) == 0)
			return;
	}
	if (plan->routes->len >= config->max_recipients) {
		g_ptr_array_add (plan->dropped, g_strdup (mailbox->address));
		return;
	}
	route = g_new0 (PlannedRoute, 1);
	route->address = g_strdup (mailbox->address);
	route->name = g_strdup (mailbox->name);
	route->role = role;
	route->status = ROUTE_STATUS_QUEUED;
	route->message = ROUTE_MESSAGE_FORWARD;
	route->field = field;
	g_ptr_array_add (plan->routes, route);
}

static void
add_all (RoutePlan *plan, const Config *config, const GPtrArray *mailboxes, RouteRole role,
         RouteField field)
{
	for (guint i = 0; mailboxes != NULL && i < mailboxes->len; i++)
		add (plan, config, g_ptr_array_index (mailboxes, i), role, field);
}

RoutePlan *
submit_peer_plan (const Statement *statement, const Config *config)
{
	RoutePlan *plan = plan_new ();
	const Group *group = config_find_group (config, statement->from_org);

	for (guint i = 0; statement->groups != NULL && i < statement->groups->len; i++) {
		const Org *org = config_find_org (config, g_ptr_array_index (statement->groups, i));

		if (org != NULL)
			add_all (plan, config, config_send_to (org), ROUTE_ROLE_PEER, ROUTE_FIELD_TO);
	}
	if (group != NULL) {
		add (plan, config, group->list, ROUTE_ROLE_LIST, ROUTE_FIELD_CC);
		add_all (plan, config, group->chairs, ROUTE_ROLE_CHAIR, ROUTE_FIELD_CC);
	}
	for (guint i = 0; statement->groups != NULL && i < statement->groups->len; i++) {
		const Org *org = config_find_org (config, g_ptr_array_index (statement->groups, i));

		if (org != NULL)
			add_all (plan, config, org->managers, ROUTE_ROLE_MANAGER, ROUTE_FIELD_CC);
	}
	return plan;
}

RoutePlan *
submit_request_plan (const Statement *statement, const Config *config)
{
	RoutePlan *plan = plan_new ();

	add_all (plan, config, submit_approvers (config, statement), ROUTE_ROLE_APPROVER,
	         ROUTE_FIELD_TO);
	return plan;
}

char *
submit_request_text (const Statement *statement, const char *submitter, const char *summary)
{
	return g_strdup_printf (
		"%s submitted the outgoing statement %s of %s for your approval\n"
		"(draft-iab-rfc4053bis section 4.1).\n\n"
		"To approve it, reply to this message with the first line\n\n"
		"    approve\n\n"
		"To reject it, reply with the first line\n\n"
		"    reject REASON\n\n"
		"Once approved it is sent to %s.\n\n%s",
		submitter != NULL ? submitter : "Someone", statement->id,
		statement->from_org != NULL ? statement->from_org : "(no group)",
		statement->groups != NULL && statement->groups->len > 0
		? (const char *) g_ptr_array_index (statement->groups, 0) : "its peer",
		summary != NULL ? summary : "");
}
