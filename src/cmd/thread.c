/* cmd/thread.c: `liaison thread`, the tree of a statement's thread, and the
 * commands that change a statement's state by hand: `close`, `reopen`,
 * `taken` and `route`. The writing ones take the write lock (BEGIN
 * IMMEDIATE), record an event saying what changed, and journal it with
 * who did it (--by); `rebuild` replays them through action_change_state()
 * and deliver_route().
 * Returns OK, ERROR (one line on stderr) or USAGE. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/common.h"
#include "base/conf.h"
#include "deliver.h"
#include "base/error.h"
#include "export/render.h"
#include "cmd/actions.h"
#include "store/journal.h"
#include "store/store.h"

/* The one statement that the state commands and thread take. */
static LiaisonStatus
check_one_id (const char *command, int argc)
{
	if (argc == 2)
		return LIAISON_STATUS_OK;
	return command_usage_error (command, "%s",
	                            argc < 2 ? "missing statement id" : "one statement at a time");
}

static gboolean
has_event (const Statement *statement, const char *type)
{
	for (guint i = 0; i < statement->events->len; i++) {
		const Event *e = g_ptr_array_index (statement->events, i);
		if (g_strcmp0 (e->type, type) == 0)
			return TRUE;
	}
	return FALSE;
}

/* ---------------------------------------------------------------------- */
/* thread */

typedef struct {
	GPtrArray *entries;      /* ThreadEntry*, borrowed */
	gboolean *printed;
	GString *out;
} Tree;

static gint
find_entry (GPtrArray *entries, const char *message_id)
{
	for (guint i = 0; message_id != NULL && i < entries->len; i++) {
		const ThreadEntry *e = g_ptr_array_index (entries, i);
		if (g_strcmp0 (e->message_id, message_id) == 0)
			return (gint) i;
	}
	return -1;
}

/* Prints entry @i and, below it, the entries whose parent it is. Each is
 * printed once, so references that go round in a circle end. */
static void
print_subtree (Tree *tree, guint i, guint depth)
{
	const ThreadEntry *e = g_ptr_array_index (tree->entries, i);
	g_autofree char *from = statement_clean_line (e->from != NULL ? e->from : "-");

	tree->printed[i] = TRUE;
	for (guint d = 0; d < depth; d++)
		g_string_append (tree->out, d + 1 == depth ? "`- " : "   ");
	g_string_append_printf (tree->out, "%s  %s  %s  <%s>\n", e->role != NULL ? e->role : "-",
	                        e->date != NULL ? e->date : "-", from,
	                        e->message_id != NULL ? e->message_id : "");
	for (guint j = 0; j < tree->entries->len; j++) {
		const ThreadEntry *child = g_ptr_array_index (tree->entries, j);
		if (!tree->printed[j] && child->parent != NULL && e->message_id != NULL &&
		    strcmp (child->parent, e->message_id) == 0)
			print_subtree (tree, j, depth + 1);
	}
}

static char *
thread_text (const Statement *statement, const char *today)
{
	GString *out = g_string_new (NULL);
	g_autofree gboolean *printed = g_new0 (gboolean, statement->thread->len + 1);
	Tree tree = { statement->thread, printed, out };

	g_string_append_printf (out, "%s  %s%s%s%s  %s\n", statement->id,
	                        state_to_string (statement->state),
	                        statement_is_overdue (statement, today) ? ", overdue" : "",
	                        statement->action_taken ? ", action taken" : "",
	                        has_event (statement, "purged") ? ", content purged" : "",
	                        statement->title != NULL ? statement->title : "");
	/* Roots first (no parent in the thread), then whatever a circle of
	 * references left unprinted. */
	for (guint i = 0; i < statement->thread->len; i++) {
		const ThreadEntry *e = g_ptr_array_index (statement->thread, i);
		if (!printed[i] && find_entry (statement->thread, e->parent) < 0)
			print_subtree (&tree, i, 0);
	}
	for (guint i = 0; i < statement->thread->len; i++)
		if (!printed[i])
			print_subtree (&tree, i, 0);
	return g_string_free (out, FALSE);
}

LiaisonStatus
cmd_thread (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "thread";
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON object", NULL },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autoptr (Statement) statement = NULL;
	g_autofree char *today = NULL, *text = NULL;

	context = command_option_context_new (command, "ID", "Shows a statement's thread as a tree, "
	                                      "with each message's role. ID is a statement id or a "
	                                      "Message-ID of its thread.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (check_one_id (command, argc) != LIAISON_STATUS_OK)
		return LIAISON_STATUS_USAGE;
	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	statement = command_find_statement (&ctx, argv[1], &error);
	if (statement == NULL)
		return command_lookup_failed (command, argv[1], error);
	today = command_today ();
	text = json ? render_thread_json (statement, today) : thread_text (statement, today);
	return command_write_output (command, text, strlen (text));
}

/* ---------------------------------------------------------------------- */
/* close, reopen, taken */

typedef enum {
	CHANGE_CLOSE,
	CHANGE_REOPEN,
	CHANGE_TAKEN,
} Change;

/* What @change does to @statement: the new state (NULL: it stays), the
 * event, and action_taken (-1: it stays). Returns why nothing is to be
 * done ("already closed"), or NULL. */
static const char *
plan_change (const Statement *statement, Change change, const char **state, const char **event,
             int *action_taken)
{
	*state = NULL;
	*action_taken = -1;
	switch (change) {
	case CHANGE_CLOSE:
		*state = "closed";
		*event = "closed";
		return statement->state == STATE_CLOSED ? "already closed" : NULL;
	case CHANGE_REOPEN:
		/* Back to where it was before it was closed: held if it
		 * never left triage, replied if a reply came, else open. */
		*state = statement->hold_reason != NULL ? "held"
			: has_event (statement, "replied") ? "replied" : "open";
		*event = "reopened";
		return statement->state != STATE_CLOSED ? "not closed" : NULL;
	case CHANGE_TAKEN:
		/* Taking the action answers the deadline; the state stays:
		 * a statement is replied only when a reply comes. */
		*action_taken = 1;
		*event = "action-taken";
		return statement->action_taken ? "action already taken" : NULL;
	}
	g_assert_not_reached ();
}

static gboolean
change_of (const char *kind, Change *change)
{
	static const char *const names[] = { "close", "reopen", "taken" };

	for (guint i = 0; i < G_N_ELEMENTS (names); i++)
		if (strcmp (kind, names[i]) == 0) {
			*change = (Change) i;
			return TRUE;
		}
	return FALSE;
}

gboolean
action_change_state (Store *store, const char *kind, const char *key, const char *by,
                     const char *at, char **id, const char **done, const char **nothing,
                     GError **error)
{
	g_autoptr (Statement) statement = NULL;
	const char *state, *event = NULL;
	int action_taken;
	Change change;

	g_return_val_if_fail (change_of (kind, &change), FALSE);

	*nothing = NULL;
	if (!store_begin (store, error))
		return FALSE;
	statement = store_get_statement (store, key, error);
	if (statement == NULL)
		goto fail;
	*nothing = plan_change (statement, change, &state, &event, &action_taken);
	*done = change == CHANGE_TAKEN ? "action taken" : state;
	if (*nothing == NULL &&
	    (!store_set_state (store, statement->id, state, action_taken, at, event, "by hand", error)
	     || !journal_action (store, kind, statement->id, NULL, by, at, error)))
		goto fail;
	if (*nothing != NULL)
		store_rollback (store);
	else if (!store_commit (store, error))
		goto fail;
	if (id != NULL)
		*id = g_strdup (statement->id);
	return TRUE;

fail:
	store_rollback (store);
	return FALSE;
}

/* --by WHO: who did it, for the journal; $USER by default. */
static char *by_option;

static const GOptionEntry by_entries[] = {
	{ "by", 0, 0, G_OPTION_ARG_STRING, &by_option, "Who does it (default: $USER)", "WHO" },
	{ NULL, 0, 0, 0, NULL, NULL, NULL }
};

static const char *
who (void)
{
	return command_acting_user (by_option);
}

static LiaisonStatus
change_state (const GlobalOptions *options, const char *command,
              const char *summary, int argc, char **argv)
{
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autofree char *now = command_now ();
	g_autofree char *id = NULL;
	const char *nothing = NULL, *done = NULL;

	context = command_option_context_new (command, "ID", summary, by_entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (check_one_id (command, argc) != LIAISON_STATUS_OK)
		return LIAISON_STATUS_USAGE;
	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_WRITE, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	if (ctx.store == NULL)
		return command_not_found (command, argv[1]);
	if (!action_change_state (ctx.store, command, argv[1], who (), now, &id, &done, &nothing,
	                          &error))
		return command_lookup_failed (command, argv[1], error);
	if (nothing != NULL)
		printf ("%s: %s, nothing changed\n", id, nothing);
	else
		printf ("%s: %s\n", id, done);
	return LIAISON_STATUS_OK;
}

LiaisonStatus
cmd_close (const GlobalOptions *options, int argc, char **argv)
{
	return change_state (options, "close", "Closes a statement.", argc, argv);
}

LiaisonStatus
cmd_reopen (const GlobalOptions *options, int argc, char **argv)
{
	return change_state (options, "reopen",
	                     "Reopens a closed statement: held if it was never routed, replied "
	                     "if it had a reply, else open.", argc, argv);
}

LiaisonStatus
cmd_taken (const GlobalOptions *options, int argc, char **argv)
{
	return change_state (options, "taken",
	                     "Marks a statement's action as taken (no more reminders; its state "
	                     "stays).", argc, argv);
}

/* ---------------------------------------------------------------------- */
/* route */

/* The canonical names of the groups @names name, each once, into
 * @groups; FALSE, said, at the first that names none. */
static gboolean
resolve_groups (const char *command, const Config *config, char **names, int count,
                GPtrArray *groups)
{
	for (int i = 0; i < count; i++) {
		const Group *group = config_find_group (config, names[i]);
		gboolean dup = FALSE;

		if (group == NULL) {
			command_print_errorf (command, "unknown group '%s'", names[i]);
			return FALSE;
		}
		for (guint j = 0; j < groups->len; j++)
			dup |= strcmp (g_ptr_array_index (groups, j), group->name) == 0;
		if (!dup)
			g_ptr_array_add (groups, g_strdup (group->name));
	}
	return TRUE;
}

LiaisonStatus
cmd_route (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "route";
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *now = command_now ();
	g_autofree char *by = NULL;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "Who routes it (default: $USER)", "WHO" },
		{ NULL }
	};
	DeliverResult result = { 0 };
	LiaisonStatus status;

	context = command_option_context_new (command, "ID GROUP...", "Routes a held statement or "
	                                      "message (or re-routes one) to the named groups, which "
	                                      "become its destination groups.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc < 3)
		return command_usage_error (command, "%s",
		                            argc < 2 ? "missing statement id" : "missing group");
	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error) || !command_load_secret (ctx.config, &error))
		return command_fail (command, error);
	if (!resolve_groups (command, ctx.config, argv + 2, argc - 2, groups))
		return LIAISON_STATUS_ERROR;
	if (!command_open_store (&ctx, COMMAND_WRITE, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	if (ctx.store == NULL)
		return command_not_found (command, argv[1]);
	if (!deliver_route (ctx.store, ctx.config, argv[1], groups, command_acting_user (by), now,
	                    &result, &error))
		return command_lookup_failed (command, argv[1], error);

	status = command_send_queued (command, &ctx, result.outbox, now, "routed");
	if (status == LIAISON_STATUS_OK) {
		printf ("%s: routed to", result.statement_id);
		for (guint i = 0; i < groups->len; i++)
			printf ("%s %s", i > 0 ? "," : "", (const char *) g_ptr_array_index (groups, i));
		printf ("\n");
	}
	deliver_result_clear (&result);
	return status;
}
