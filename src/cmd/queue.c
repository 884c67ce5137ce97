/* cmd/queue.c: `liaison queue list` shows the outgoing mail not yet handed
 * to the transport; `liaison queue run` hands over what is due (run it from
 * cron or a timer), with backoff between attempts. Returns OK; ERROR on an
 * error, or when a hand-over was interrupted and waits for a decision
 * (`queue run --interrupted`); USAGE on a usage error. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/common.h"
#include "cmd/publish.h"
#include "base/conf.h"
#include "base/error.h"
#include "base/guard.h"
#include "outbound/outbox.h"
#include "export/render.h"
#include "store/spool.h"
#include "store/store.h"
#include "outbound/transport.h"

/* queue run waits this long for the write lock: longer than deliver, since
 * nobody is waiting on it. */
#define BUSY_TIMEOUT_MS 30000

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

static void
print_json (GPtrArray *entries, const char *now)
{
	g_autofree RenderOutboxEntry *rows = g_new0 (RenderOutboxEntry, entries->len + 1);
	g_autofree char *text = NULL;

	for (guint i = 0; i < entries->len; i++) {
		const StoreOutbox *e = g_ptr_array_index (entries, i);

		rows[i] = (RenderOutboxEntry) {
			.id = e->id, .statement_id = e->statement_id, .kind = e->kind,
			.message_id = e->message_id, .state = shown_state (e, now),
			.attempts = e->attempts, .created = e->created,
			.next_attempt = e->next_attempt, .sent = e->sent,
			.last_error = e->last_error, .recipients = e->recipients,
		};
	}
	text = render_outbox_json (rows, entries->len);
	fputs (text, stdout);
}

static void
print_table (GPtrArray *entries, const char *now)
{
	if (entries->len == 0) {
		printf ("The outbox is empty.\n");
		return;
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
}

static LiaisonStatus
queue_list (CommandContext *ctx, gboolean all, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) entries = NULL;
	g_autofree char *now = command_now ();

	if (!command_open_store (ctx, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (ctx->command, error);
	if (ctx->store == NULL)
		entries = g_ptr_array_new ();
	else
		entries = store_list_outbox (ctx->store, all, &error);
	if (entries == NULL)
		return command_fail (ctx->command, error);
	if (json)
		print_json (entries, now);
	else
		print_table (entries, now);
	return LIAISON_STATUS_OK;
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

/* Says which messages a dead process left claimed: they are not retried
 * unasked, since they may have reached the transport. Returns how many;
 * sets @queued to how many wait, queued, for a later attempt (deferred
 * now, not due yet, or left for lack of time). */
static guint
report_interrupted (GPtrArray *left, const char *now, guint *queued)
{
	guint waiting = 0;

	*queued = 0;
	for (guint i = 0; i < left->len; i++) {
		const StoreOutbox *e = g_ptr_array_index (left, i);

		if (strcmp (e->state, "queued") == 0)
			(*queued)++;
		if (!outbox_is_interrupted (e, now))
			continue;
		waiting++;
		command_print_verbatim ("queue run", "%s %s <%s> was being handed to the transport "
		                        "when its process stopped (%s); it may have been sent. "
		                        "`liaison queue run --interrupted` hands it over again.",
		                        e->statement_id != NULL ? e->statement_id : "-", e->kind,
		                        e->message_id, e->claimed_at);
	}
	return waiting;
}

static LiaisonStatus
queue_run (CommandContext *ctx, gboolean all, gboolean interrupted)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) transport = NULL;
	g_autoptr (GPtrArray) left = NULL;
	g_autofree char *now = command_now ();
	OutboxOptions options = { 0 };
	OutboxStats stats = { 0 };
	guint waiting, queued, tmp_removed = 0, out_removed = 0;

	if (!command_open_store (ctx, COMMAND_WRITE, BUSY_TIMEOUT_MS, &error))
		return command_fail (ctx->command, error);
	if (ctx->store == NULL) {
		printf ("queue run: the outbox is empty\n");
		if (!command_publish_if_changed (ctx, now, &error))
			return command_fail (ctx->command, error);
		return LIAISON_STATUS_OK;
	}
	transport = transport_new (ctx->config, &error);
	if (transport == NULL)
		return command_fail (ctx->command, error);

	options.now = now;
	options.ignore_schedule = all;
	options.interrupted = interrupted;
	options.report = print_outcome;
	if (!outbox_run (ctx->store, ctx->config, transport, &options, &stats, &error))
		return command_fail (ctx->command, error);

	left = store_list_outbox (ctx->store, FALSE, &error);
	if (left == NULL)
		return command_fail (ctx->command, error);
	waiting = report_interrupted (left, now, &queued);
	/* What a reader wants to know: what went, what will never go, and
	 * what the next run will try (those deferred now among them). */
	printf ("queue run: %u sent, %u failed, %u waiting for a later attempt%s\n", stats.sent,
	        stats.failed, queued, stats.skipped > 0 ? ", some taken by another process" : "");

	if (!clean_spool (ctx->store, ctx->config, &tmp_removed, &out_removed, &error))
		return command_fail (ctx->command, error);
	if (tmp_removed > 0 || out_removed > 0)
		printf ("queue run: removed %u stale temporary files and %u outgoing messages no row names\n",
		        tmp_removed, out_removed);
	/* After the mail, which matters more: the public register, when it
	 * changed. deliver never waits for this. */
	if (!command_publish_if_changed (ctx, now, &error))
		return command_fail (ctx->command, error);
	return waiting > 0 ? LIAISON_STATUS_ERROR : LIAISON_STATUS_OK;
}

LiaisonStatus
cmd_queue (const GlobalOptions *options, int argc, char **argv)
{
	gboolean all = FALSE, json = FALSE, interrupted = FALSE;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	const char *action = "list";
	GOptionEntry entries[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all,
		  "list: every message, sent ones too; run: do not wait for the next attempt's time", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "list as JSON", NULL },
		{ "interrupted", 0, 0, G_OPTION_ARG_NONE, &interrupted,
		  "run: also hand over again messages whose hand-over was interrupted", NULL },
		{ NULL }
	};

	context = command_option_context_new ("queue", "[list|run]", "Lists, or hands over, "
	                                      "outgoing mail that is still queued.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		command_print_verbatim ("queue", "%s", error->message);
		return LIAISON_STATUS_USAGE;
	}
	if (argc > 2) {
		command_print_verbatim ("queue", "one action at a time: list or run");
		return LIAISON_STATUS_USAGE;
	}
	if (argc == 2)
		action = argv[1];
	if (strcmp (action, "list") != 0 && strcmp (action, "run") != 0) {
		command_print_verbatim ("queue", "unknown action '%s' (list or run)", action);
		return LIAISON_STATUS_USAGE;
	}

	command_context_init (&ctx, strcmp (action, "list") == 0 ? "queue list" : "queue run");
	if (!command_load_config (&ctx, options, &error))
		return command_fail (ctx.command, error);
	if (strcmp (action, "list") == 0)
		return queue_list (&ctx, all, json);
	return queue_run (&ctx, all, interrupted);
}
