/* reroute.c: a person routes a statement anew (`route`): new groups, the
 * hold lifted, and a forward to whoever has not had it yet. */
#include "config.h"

#include "base/error.h"
#include "record/outgoing.h"
#include "record/reroute.h"
#include "store/spool.h"

/* The statement @key with @groups as its destination groups, in the store
 * and in the value returned, and no hold reason. Sets *message_row and
 * *raw_sha256 (newly allocated) to its statement message. */
static Statement *
regroup (Store *store, const char *key, GPtrArray *groups, gint64 *message_row, char **raw_sha256,
         GError **error)
{
	g_autoptr (Statement) statement = store_get_statement (store, key, error);

	if (statement == NULL)
		return NULL;
	if (!store_set_groups (store, statement->id, groups, error) ||
	    !store_statement_message (store, statement->id, message_row, raw_sha256, error))
		return NULL;
	g_ptr_array_set_size (statement->groups, 0);
	for (guint i = 0; i < groups->len; i++)
		g_ptr_array_add (statement->groups, g_strdup (g_ptr_array_index (groups, i)));
	/* A person decided: whatever held it no longer does. */
	g_clear_pointer (&statement->hold_reason, g_free);
	return g_steal_pointer (&statement);
}

/* Our Message-ID for the forward: the first forward has the plain id; a
 * re-route a numbered one. Newly allocated, or NULL with @error set. */
static char *
forward_id (Store *store, const Config *config, const char *statement_id, GError **error)
{
	g_autofree char *plain_id = compose_message_id (config, statement_id, ROUTE_MESSAGE_FORWARD);
	g_autoptr (StoreOutbox) earlier = store_find_outbox (store, plain_id, error);
	guint count = 0;

	if (earlier == NULL && error != NULL && *error != NULL)
		return NULL;
	if (!store_count_routes (store, statement_id, &count, error))
		return NULL;
	return earlier == NULL ? g_steal_pointer (&plain_id)
	                       : compose_numbered_id (config, statement_id, "forward", count);
}

/* "a, b, c" */
static char *
join_names (GPtrArray *groups)
{
	GString *joined = g_string_new (NULL);

	for (guint i = 0; i < groups->len; i++)
		g_string_append_printf (joined, "%s%s", i > 0 ? ", " : "",
		                        (const char *) g_ptr_array_index (groups, i));
	return g_string_free (joined, FALSE);
}

gboolean
reroute_statement (Txn *txn, const Config *config, const char *key, GPtrArray *groups,
                   const char *by, const char *now, GArray **outbox, char **statement_id,
                   GError **error)
{
	g_autoptr (Statement) statement = NULL;
	g_autoptr (Message) original = NULL;
	g_autoptr (RoutePlan) plan = NULL;
	g_autofree char *raw_sha256 = NULL, *path = NULL, *message_id = NULL;
	g_autofree char *names = NULL, *detail = NULL;
	ComposeInput input = { 0 };
	gint64 message_row = 0;

	statement = regroup (txn->store, key, groups, &message_row, &raw_sha256, error);
	if (statement == NULL)
		return FALSE;

	/* The original goes with the forward, as on arrival; if its file
	 * cannot be read the forward goes without it. */
	path = spool_path (config->spool, "msg", raw_sha256);
	original = message_open_file (path, config->max_message_size, NULL);
	plan = outgoing_plan (statement, config, original, TRUE);   /* no second acknowledgement */
	if (plan->dropped->len > 0) {
		/* A forward cut short would miss someone silently: the person
		 * who routes it chooses fewer groups, or raises the limit. */
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "%s: the forward would go to more than max-recipients (%u) addresses",
		             statement->id, config->max_recipients);
		return FALSE;
	}
	message_id = forward_id (txn->store, config, statement->id, error);
	if (message_id == NULL)
		return FALSE;
	input = (ComposeInput) { statement, plan, original != NULL ? original->mime : NULL, now,
	                         raw_sha256, message_id, NULL, NULL };
	if (!outgoing_queue_forward (txn, config, &input, "forward", message_row, now, outbox, error))
		return FALSE;

	names = join_names (groups);
	detail = g_strdup_printf ("to %s%s%s%s", names, by != NULL ? " by " : "", by != NULL ? by : "",
	                          *outbox == NULL ? " (nobody new to send to)" : "");
	if (!store_set_state (txn->store, statement->id,
	                      statement->state == STATE_HELD || statement->state == STATE_DISMISSED
	                      ? "open" : NULL,
	                      -1, now, "routed", detail, error))
		return FALSE;
	*statement_id = g_strdup (statement->id);
	return TRUE;
}
