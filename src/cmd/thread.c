/* cmd-thread.c: `liaison thread`, the tree of a statement's thread, and the
 * commands that change a statement's state by hand: `close`, `reopen`,
 * `taken` and `route`. The writing ones take the write lock (BEGIN
 * IMMEDIATE) and record an event saying what changed.
 * Exit status: 0, 1 (an error, one line on stderr), 2 (a usage error). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "base/conf.h"
#include "deliver.h"
#include "base/error.h"
#include "outbound/outbox.h"
#include "export/render.h"
#include "store/store.h"
#include "outbound/transport.h"

#define EXIT_USAGE 2
#define EXIT_ERROR 1
#define BUSY_TIMEOUT_MS 5000

static int
fail (const char *command, const GError *error)
{
	command_print_error (command, error != NULL ? error->message : NULL);
	return EXIT_ERROR;
}

static int
not_found (const char *command, const char *key)
{
	g_autofree char *text = g_strdup_printf ("no statement %s", key);

	command_print_error (command, text);
	return EXIT_ERROR;
}

/* Parses @entries (and --help), leaving the arguments in @argc and @argv. */
static gboolean
parse_options (const char *command, const char *parameters, const char *summary,
               const GOptionEntry *entries, int *argc, char ***argv)
{
	g_autoptr (GOptionContext) context = g_option_context_new (parameters);
	g_autoptr (GError) error = NULL;

	if (g_get_prgname () == NULL) {
		g_autofree char *name = g_strdup_printf ("liaison %s", command);
		g_set_prgname (name);
	}
	g_option_context_set_summary (context, summary);
	if (entries != NULL)
		g_option_context_add_main_entries (context, entries, NULL);
	if (!g_option_context_parse (context, argc, argv, &error)) {
		command_print_error (command, error->message);
		return FALSE;
	}
	return TRUE;
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

	g_string_append_printf (out, "%s  %s%s%s  %s\n", statement->id,
	                        state_to_string (statement->state),
	                        statement_is_overdue (statement, today) ? ", overdue" : "",
	                        statement->action_taken ? ", action taken" : "",
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

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
	json_builder_set_member_name (builder, name);
	if (value != NULL)
		json_builder_add_string_value (builder, value);
	else
		json_builder_add_null_value (builder);
}

static char *
thread_json (const Statement *statement, const char *today)
{
	g_autoptr (JsonBuilder) builder = json_builder_new ();
	g_autoptr (JsonNode) root = NULL;

	json_builder_begin_object (builder);
	add_string (builder, "id", statement->id);
	add_string (builder, "state", state_to_string (statement->state));
	json_builder_set_member_name (builder, "overdue");
	json_builder_add_boolean_value (builder, statement_is_overdue (statement, today));
	json_builder_set_member_name (builder, "action_taken");
	json_builder_add_boolean_value (builder, statement->action_taken);
	add_string (builder, "title", statement->title);
	json_builder_set_member_name (builder, "thread");
	json_builder_begin_array (builder);
	for (guint i = 0; i < statement->thread->len; i++) {
		const ThreadEntry *e = g_ptr_array_index (statement->thread, i);

		json_builder_begin_object (builder);
		add_string (builder, "message_id", e->message_id);
		add_string (builder, "from", e->from);
		add_string (builder, "date", e->date);
		add_string (builder, "role", e->role);
		add_string (builder, "parent", e->parent);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
	json_builder_end_object (builder);
	root = json_builder_get_root (builder);
	return render_json_to_string (root);
}

int
cmd_thread (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "thread";
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON object", NULL },
		{ NULL }
	};
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autoptr (Store) store = NULL;
	g_autoptr (Statement) statement = NULL;
	g_autofree char *today = NULL, *text = NULL;

	if (!parse_options (command, "ID", "Shows a statement's thread as a tree, with each "
	                    "message's role. ID is a statement id or a Message-ID of its thread.",
	                    entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 2) {
		command_print_error (command, argc < 2 ? "missing statement id" : "one statement at a time");
		return EXIT_USAGE;
	}
	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL)
		return fail (command, error);
	if (!g_file_test (config->database, G_FILE_TEST_EXISTS))
		return not_found (command, argv[1]);
	store = store_open_readonly (config->database, BUSY_TIMEOUT_MS, &error);
	if (store == NULL)
		return fail (command, error);
	statement = store_get_statement (store, argv[1], &error);
	if (statement == NULL) {
		if (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND))
			return not_found (command, argv[1]);
		return fail (command, error);
	}
	today = command_today ();
	text = json ? thread_json (statement, today) : thread_text (statement, today);
	if (fputs (text, stdout) == EOF || fflush (stdout) != 0) {
		int errsv = errno;
		command_print_error (command, g_strerror (errsv));
		return EXIT_ERROR;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* close, reopen, taken */

typedef enum {
	CHANGE_CLOSE,
	CHANGE_REOPEN,
	CHANGE_TAKEN,
} Change;

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

static int
change_state (const GlobalOptions *options, const char *command, Change change,
              const char *summary, int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autoptr (Store) store = NULL;
	g_autoptr (Statement) statement = NULL;
	g_autofree char *now = command_now ();
	const char *state = NULL, *event = NULL, *done = NULL;
	int action_taken = -1;

	if (!parse_options (command, "ID", summary, NULL, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 2) {
		command_print_error (command, argc < 2 ? "missing statement id" : "one statement at a time");
		return EXIT_USAGE;
	}
	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL)
		return fail (command, error);
	if (!g_file_test (config->database, G_FILE_TEST_EXISTS))
		return not_found (command, argv[1]);
	store = store_open (config->database, BUSY_TIMEOUT_MS, &error);
	if (store == NULL || !store_begin (store, &error))
		return fail (command, error);
	statement = store_get_statement (store, argv[1], &error);
	if (statement == NULL) {
		store_rollback (store);
		if (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND))
			return not_found (command, argv[1]);
		return fail (command, error);
	}

	switch (change) {
	case CHANGE_CLOSE:
		if (statement->state == STATE_CLOSED)
			done = "already closed";
		state = "closed";
		event = "closed";
		break;
	case CHANGE_REOPEN:
		/* Back to where it was before it was closed: held if it
		 * never left triage, replied if a reply came, else open. */
		if (statement->state != STATE_CLOSED)
			done = "not closed";
		state = statement->hold_reason != NULL ? "held"
			: has_event (statement, "replied") ? "replied" : "open";
		event = "reopened";
		break;
	case CHANGE_TAKEN:
		/* Taking the action answers the deadline; the state stays:
		 * a statement is replied only when a reply comes. */
		if (statement->action_taken)
			done = "action already taken";
		action_taken = 1;
		event = "action-taken";
		break;
	}
	if (done != NULL) {
		store_rollback (store);
		printf ("%s: %s, nothing changed\n", statement->id, done);
		return 0;
	}
	if (!store_set_state (store, statement->id, state, action_taken, now, event, "by hand", &error) ||
	    !store_commit (store, &error)) {
		store_rollback (store);
		return fail (command, error);
	}
	printf ("%s: %s\n", statement->id,
	        change == CHANGE_TAKEN ? "action taken" : state);
	return 0;
}

int
cmd_close (const GlobalOptions *options, int argc, char **argv)
{
	return change_state (options, "close", CHANGE_CLOSE, "Closes a statement.", argc, argv);
}

int
cmd_reopen (const GlobalOptions *options, int argc, char **argv)
{
	return change_state (options, "reopen", CHANGE_REOPEN,
	                     "Reopens a closed statement: held if it was never routed, replied "
	                     "if it had a reply, else open.", argc, argv);
}

int
cmd_taken (const GlobalOptions *options, int argc, char **argv)
{
	return change_state (options, "taken", CHANGE_TAKEN,
	                     "Marks a statement's action as taken (no more reminders; its state "
	                     "stays).", argc, argv);
}

/* ---------------------------------------------------------------------- */
/* route */

int
cmd_route (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "route";
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autoptr (Store) store = NULL;
	g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *now = command_now ();
	DeliverResult result = { 0 };
	int status = 0;

	if (!parse_options (command, "ID GROUP...", "Routes a held statement (or re-routes one) to "
	                    "the named groups, which become its destination groups.", NULL, &argc, &argv))
		return EXIT_USAGE;
	if (argc < 3) {
		command_print_error (command, argc < 2 ? "missing statement id" : "missing group");
		return EXIT_USAGE;
	}
	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL)
		return fail (command, error);
	for (int i = 2; i < argc; i++) {
		const Group *group = config_find_group (config, argv[i]);
		g_autofree char *text = NULL;
		gboolean dup = FALSE;

		if (group == NULL) {
			text = g_strdup_printf ("unknown group '%s'", argv[i]);
			command_print_error (command, text);
			return EXIT_ERROR;
		}
		for (guint j = 0; j < groups->len; j++)
			dup |= strcmp (g_ptr_array_index (groups, j), group->name) == 0;
		if (!dup)
			g_ptr_array_add (groups, g_strdup (group->name));
	}
	if (!g_file_test (config->database, G_FILE_TEST_EXISTS))
		return not_found (command, argv[1]);
	store = store_open (config->database, BUSY_TIMEOUT_MS, &error);
	if (store == NULL)
		return fail (command, error);
	if (!deliver_route (store, config, argv[1], groups, now, &result, &error)) {
		if (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND))
			return not_found (command, argv[1]);
		return fail (command, error);
	}

	/* Sent after the commit; what the transport does not take stays
	 * queued for `queue run`. */
	if (result.outbox != NULL && result.outbox->len > 0) {
		g_autoptr (Transport) transport = transport_new (config, &error);
		OutboxOptions send = { 0 };
		OutboxStats stats = { 0 };

		send.now = now;
		if (transport == NULL || !outbox_send (store, config, transport, result.outbox, &send,
		                                       &stats, &error)) {
			g_prefix_error (&error, "routed, but not sent (left queued for queue run): ");
			status = fail (command, error);
		} else if (stats.deferred > 0 || stats.failed > 0) {
			command_print_error (command, "routed; some mail was not sent: see liaison queue list");
		}
	}
	if (status == 0) {
		printf ("%s: routed to", result.statement_id);
		for (guint i = 0; i < groups->len; i++)
			printf ("%s %s", i > 0 ? "," : "", (const char *) g_ptr_array_index (groups, i));
		printf ("\n");
	}
	deliver_result_clear (&result);
	return status;
}
