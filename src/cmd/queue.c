/* cmd-queue.c: `liaison queue list` shows the outgoing mail not yet handed
 * to the transport; `liaison queue run` hands over what is due (run it from
 * cron or a timer), with backoff between attempts. Exit status: 0; 1 on an
 * error, or when a hand-over was interrupted and waits for a decision
 * (`queue run --interrupted`); 2 on a usage error. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "commands.h"
#include "base/conf.h"
#include "base/error.h"
#include "base/guard.h"
#include "outbound/outbox.h"
#include "export/render.h"
#include "store/spool.h"
#include "store/store.h"
#include "outbound/transport.h"

#define EXIT_USAGE 2
#define EXIT_ERROR 1

/* queue run waits this long for the write lock: longer than deliver, since
 * nobody is waiting on it. */
#define BUSY_TIMEOUT_MS 30000

static int
fail (const char *what, const GError *error)
{
	g_autofree char *line = g_strdup (error != NULL ? error->message : "unknown error");

	g_strdelimit (line, "\r\n", ' ');
	fprintf (stderr, "liaison: queue %s: %s\n", what, line);
	return EXIT_ERROR;
}

/* The state to show: "interrupted" for a claim whose process is gone. */
static const char *
shown_state (const StoreOutbox *e, const char *now)
{
	return outbox_is_interrupted (e, now) ? "interrupted" : e->state;
}

static char *
recipients_text (const StoreOutbox *e)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < e->recipients->len; i++)
		g_string_append_printf (out, "%s%s", i > 0 ? ", " : "",
		                        (const char *) g_ptr_array_index (e->recipients, i));
	return g_string_free (out, FALSE);
}

static JsonNode *
list_json (GPtrArray *entries, const char *now)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();

	json_builder_begin_array (b);
	for (guint i = 0; i < entries->len; i++) {
		const StoreOutbox *e = g_ptr_array_index (entries, i);

		json_builder_begin_object (b);
		json_builder_set_member_name (b, "id");
		json_builder_add_int_value (b, e->id);
		json_builder_set_member_name (b, "statement");
		if (e->statement_id != NULL)
			json_builder_add_string_value (b, e->statement_id);
		else
			json_builder_add_null_value (b);
		json_builder_set_member_name (b, "kind");
		json_builder_add_string_value (b, e->kind);
		json_builder_set_member_name (b, "message_id");
		json_builder_add_string_value (b, e->message_id);
		json_builder_set_member_name (b, "state");
		json_builder_add_string_value (b, shown_state (e, now));
		json_builder_set_member_name (b, "attempts");
		json_builder_add_int_value (b, e->attempts);
		json_builder_set_member_name (b, "created");
		json_builder_add_string_value (b, e->created);
		json_builder_set_member_name (b, "next_attempt");
		json_builder_add_string_value (b, e->next_attempt);
		json_builder_set_member_name (b, "sent");
		if (e->sent != NULL)
			json_builder_add_string_value (b, e->sent);
		else
			json_builder_add_null_value (b);
		json_builder_set_member_name (b, "last_error");
		if (e->last_error != NULL)
			json_builder_add_string_value (b, e->last_error);
		else
			json_builder_add_null_value (b);
		json_builder_set_member_name (b, "recipients");
		json_builder_begin_array (b);
		for (guint j = 0; j < e->recipients->len; j++)
			json_builder_add_string_value (b, g_ptr_array_index (e->recipients, j));
		json_builder_end_array (b);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	return json_builder_get_root (b);
}

static int
queue_list (const Config *config, gboolean all, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Store) store = NULL;
	g_autoptr (GPtrArray) entries = NULL;
	g_autofree char *now = command_now ();

	if (!g_file_test (config->database, G_FILE_TEST_EXISTS)) {
		entries = g_ptr_array_new ();
	} else {
		store = store_open_readonly (config->database, 5000, &error);
		if (store == NULL)
			return fail ("list", error);
		entries = store_list_outbox (store, all, &error);
		if (entries == NULL)
			return fail ("list", error);
	}
	if (json) {
		g_autoptr (JsonNode) node = list_json (entries, now);
		g_autofree char *text = render_json_to_string (node);
		fputs (text, stdout);
		return 0;
	}
	if (entries->len == 0) {
		printf ("The outbox is empty.\n");
		return 0;
	}
	printf ("%-5s %-14s %-8s %-11s %-8s %-20s %s\n", "ROW", "STATEMENT", "KIND", "STATE",
	        "ATTEMPTS", "NEXT ATTEMPT", "RECIPIENTS");
	for (guint i = 0; i < entries->len; i++) {
		const StoreOutbox *e = g_ptr_array_index (entries, i);
		g_autofree char *rcpts = recipients_text (e);

		printf ("%-5" G_GINT64_FORMAT " %-14s %-8s %-11s %-8d %-20s %s\n", e->id,
		        e->statement_id != NULL ? e->statement_id : "-", e->kind, shown_state (e, now),
		        e->attempts, e->next_attempt, *rcpts != '\0' ? rcpts : "-");
		if (e->last_error != NULL && strcmp (e->state, "sent") != 0)
			printf ("      last error: %s\n", e->last_error);
	}
	return 0;
}

static void
print_outcome (const StoreOutbox *entry, StoreOutboxOutcome outcome, const char *error_text,
               gpointer user_data)
{
	const char *what = outcome == STORE_OUTBOX_SENT ? "sent"
		: outcome == STORE_OUTBOX_DEFERRED ? "deferred" : "failed";

	printf ("%s %s <%s>: %s%s%s\n", entry->statement_id != NULL ? entry->statement_id : "-",
	        entry->kind, entry->message_id, what, error_text != NULL ? ": " : "",
	        error_text != NULL ? error_text : "");
}

/* What a killed process leaves in the spool: temporary files in
 * SPOOL/tmp, and an outgoing message stored by a delivery stopped before
 * its COMMIT (the retry may number the statement otherwise, so its bytes
 * and name differ). Files younger than twice the time limit (an hour at
 * least) may belong to a process still running and stay. The outgoing
 * ones are checked under the write lock, when no writer can be between
 * storing a file and committing the row that names it; only the files no
 * row names are looked at (a stat of each of the 100,000 files of a large
 * spool took 0.36 s of every run). */
static gboolean
clean_spool (Store *store, const Config *config, guint *tmp_removed, guint *out_removed,
             GError **error)
{
	guint max_age = MAX (2 * config->time_limit, 3600);
	g_autoptr (GPtrArray) old = NULL;
	g_autoptr (GHashTable) named = NULL;

	*tmp_removed = spool_clean_tmp (config->spool, max_age);
	*out_removed = 0;
	if (!store_begin (store, error))
		return FALSE;
	named = store_outbox_files (store, error);
	if (named == NULL) {
		store_rollback (store);
		return FALSE;
	}
	old = spool_list_old (config->spool, "out", max_age, named);
	for (guint i = 0; i < old->len; i++)
		if (spool_remove (config->spool, "out", g_ptr_array_index (old, i)))
			(*out_removed)++;
	store_rollback (store);
	return TRUE;
}

static int
queue_run (const Config *config, gboolean all, gboolean interrupted)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Store) store = NULL;
	g_autoptr (Transport) transport = NULL;
	g_autoptr (GPtrArray) left = NULL;
	g_autofree char *now = command_now ();
	OutboxOptions options = { 0 };
	OutboxStats stats = { 0 };
	guint waiting = 0, tmp_removed = 0, out_removed = 0;

	if (!g_file_test (config->database, G_FILE_TEST_EXISTS)) {
		printf ("queue run: the outbox is empty\n");
		return 0;
	}
	store = store_open (config->database, BUSY_TIMEOUT_MS, &error);
	if (store == NULL)
		return fail ("run", error);
	transport = transport_new (config, &error);
	if (transport == NULL)
		return fail ("run", error);

	options.now = now;
	options.ignore_schedule = all;
	options.interrupted = interrupted;
	options.report = print_outcome;
	if (!outbox_run (store, config, transport, &options, &stats, &error))
		return fail ("run", error);

	/* What a dead process left claimed is not retried unasked: it may
	 * have reached the transport. */
	left = store_list_outbox (store, FALSE, &error);
	if (left == NULL)
		return fail ("run", error);
	for (guint i = 0; i < left->len; i++) {
		const StoreOutbox *e = g_ptr_array_index (left, i);
		if (!outbox_is_interrupted (e, now))
			continue;
		waiting++;
		fprintf (stderr, "liaison: queue run: %s %s <%s> was being handed to the transport when "
		         "its process stopped (%s); it may have been sent. `liaison queue run "
		         "--interrupted` hands it over again.\n",
		         e->statement_id != NULL ? e->statement_id : "-", e->kind, e->message_id,
		         e->claimed_at);
	}
	printf ("queue run: %u sent, %u deferred, %u failed%s\n", stats.sent, stats.deferred,
	        stats.failed, stats.skipped > 0 ? ", some taken by another process" : "");

	if (!clean_spool (store, config, &tmp_removed, &out_removed, &error))
		return fail ("run", error);
	if (tmp_removed > 0 || out_removed > 0)
		printf ("queue run: removed %u stale temporary files and %u outgoing messages no row names\n",
		        tmp_removed, out_removed);
	return waiting > 0 ? EXIT_ERROR : 0;
}

int
cmd_queue (const GlobalOptions *options, int argc, char **argv)
{
	gboolean all = FALSE, json = FALSE, interrupted = FALSE;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	const char *action = "list";
	GOptionEntry entries[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all,
		  "list: every message, sent ones too; run: do not wait for the next attempt's time", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "list as JSON", NULL },
		{ "interrupted", 0, 0, G_OPTION_ARG_NONE, &interrupted,
		  "run: also hand over again messages whose hand-over was interrupted", NULL },
		{ NULL }
	};

	if (g_get_prgname () == NULL)
		g_set_prgname ("liaison queue");
	context = g_option_context_new ("[list|run]");
	g_option_context_set_summary (context, "Lists, or hands over, outgoing mail that is still queued.");
	g_option_context_add_main_entries (context, entries, NULL);
	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		fprintf (stderr, "liaison: queue: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (argc > 2) {
		fprintf (stderr, "liaison: queue: one action at a time: list or run\n");
		return EXIT_USAGE;
	}
	if (argc == 2)
		action = argv[1];
	if (strcmp (action, "list") != 0 && strcmp (action, "run") != 0) {
		fprintf (stderr, "liaison: queue: unknown action '%s' (list or run)\n", action);
		return EXIT_USAGE;
	}

	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL)
		return fail (action, error);
	if (strcmp (action, "list") == 0)
		return queue_list (config, all, json);
	return queue_run (config, all, interrupted);
}
