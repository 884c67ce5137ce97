/* cmd/remind.c: `liaison remind`, run daily from cron or a timer: the
 * deadline reminders of SPEC §8 that are due today, each stage of each
 * statement at most once however often it runs. Returns OK; ERROR on an
 * error (what was recorded before it stays recorded, and queued); USAGE on
 * a usage error. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/actions.h"
#include "cmd/common.h"
#include "deliver.h"
#include "stages/compose.h"
#include "base/conf.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "outbound/outbox.h"
#include "stages/authorize.h"
#include "stages/remind.h"
#include "export/render.h"
#include "stages/route.h"
#include "store/journal.h"
#include "store/secret.h"
#include "store/spool.h"
#include "store/store.h"
#include "outbound/transport.h"

/* remind waits this long for the write lock: nobody is waiting on it. */
#define BUSY_TIMEOUT_MS 30000

/* One reminder due today. */
typedef struct {
	const Statement *statement;  /* borrowed from the candidates */
	RemindStage stage;
	char *key;                   /* "before-7" */
	int days_left;
	char *subject;
	char *message_id;            /* ours, without <> */
	RoutePlan *plan;
	gint64 outbox;               /* its row once queued */
	const char *status;          /* "due" (dry run), "queued", "sent", ... */
} Reminder;

static void
reminder_free (Reminder *r)
{
	if (r == NULL)
		return;
	g_free (r->key);
	g_free (r->subject);
	g_free (r->message_id);
	route_plan_free (r->plan);
	g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reminder, reminder_free)

static const char command[] = "remind";

/* The reminder due on @today for @s, if any, with its recipients. */
static Reminder *
plan_reminder (const Config *config, const Statement *s, const char *today)
{
	g_autoptr (Reminder) r = g_new0 (Reminder, 1);
	g_autofree char *title = NULL;

	if (!remind_due_stage (s->deadline, today, config->reminder_days, config->overdue_days, &r->stage) ||
	    !remind_days_left (s->deadline, today, &r->days_left))
		return NULL;
	r->statement = s;
	r->key = remind_stage_key (r->stage);
	title = statement_clean_line (s->title);
	r->subject = remind_subject (r->days_left, title);
	r->message_id = compose_reminder_id (config, s->id, r->stage);
	r->status = "due";
	return g_steal_pointer (&r);
}

/* The recipients of @r: its response contacts are copied only when the
 * statement's sender passed the checks of SPEC §6 when it came (a
 * statement held for its sender and routed by hand later did not). */
static gboolean
plan_recipients (Store *store, const Config *config, Reminder *r, GError **error)
{
	g_autofree char *held = NULL;

	if (!store_held_on_arrival (store, r->statement->id, &held, error))
		return FALSE;
	r->plan = route_reminder (r->statement, config, !authorize_is_sender_reason (held));
	return TRUE;
}

static gboolean
has_recipients (const Reminder *r)
{
	g_autoptr (GPtrArray) rcpts = route_plan_recipients (r->plan, ROUTE_MESSAGE_REMINDER);

	return rcpts->len > 0;
}

/* The event that names who max-recipients left out of @r. */
static gboolean
note_dropped (Store *store, const Config *config, const Reminder *r, const char *now,
              GError **error)
{
	g_autofree char *what = g_strdup_printf ("reminder %s", r->key);
	g_autofree char *detail = route_dropped_text (r->plan, config, what);

	return detail == NULL ||
		store_add_event (store, r->statement->id, now, "recipients-dropped", detail, error);
}

/* Queues @r in one transaction: asks again, under the write lock, whether
 * the stage is still due (another run, a `taken` or a `close` may have come
 * in between), writes the message to the spool, and records the outbox
 * row, its routes, the reminder and its event. Sets *queued. */
static gboolean
queue_reminder (Store *store, const Config *config, Reminder *r, const char *today,
                const char *now, gboolean *queued, GError **error)
{
	const Statement *s = r->statement;
	g_autoptr (GMimeMessage) mime = NULL;
	g_auto (Txn) txn = TXN_INIT;
	OutboxItem item = { ROUTE_MESSAGE_REMINDER, NULL,
	                    route_message_to_string (ROUTE_MESSAGE_REMINDER), r->message_id, 0 };
	OutboxQueue queue = { s->id, 0, config, now, r->plan,
	                      s->routes != NULL ? s->routes->len : 0, &item, 1 };
	gboolean due = FALSE;

	*queued = FALSE;
	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	if (!store_remind_due (store, s->id, s->deadline, r->key, &due, error))
		goto fail;
	if (!due) {
		txn_rollback (&txn);
		return TRUE;
	}

	mime = compose_reminder (config, s, r->plan, r->stage, r->days_left, now);
	if (mime == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "nothing to compose");
		goto fail;
	}
	item.mime = mime;
	if (!outbox_queue (&txn, &queue, error))
		goto fail;
	r->outbox = item.row;
	if (!store_add_reminder (store, s->id, r->key, today, r->outbox, now, error) ||
	    !journal_reminder (store, s->id, r->key, today, now, error))
		goto fail;
	if (!note_dropped (store, config, r, now, error))
		goto fail;

	if (!txn_commit (&txn, error)) {
		/* It may have committed all the same (see txn.c): the file
		 * stays for the row that may name it. */
		r->outbox = 0;
		return FALSE;
	}
	*queued = TRUE;
	r->status = "queued";
	return TRUE;

fail:
	txn_rollback (&txn);
	r->outbox = 0;
	g_prefix_error (error, "%s %s: ", s->id, r->key);
	return FALSE;
}

gboolean
remind_replay (Store *store, const Config *config, const char *statement_id, const char *stage,
               const char *day, const char *at, GError **error)
{
	g_autoptr (Statement) s = store_get_statement (store, statement_id, error);
	g_autoptr (Reminder) r = NULL;
	gboolean queued = FALSE;

	if (s == NULL)
		return FALSE;
	r = plan_reminder (config, s, day);
	if (r == NULL || strcmp (r->key, stage) != 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "%s: the reminder %s is not due on %s with this configuration",
		             statement_id, stage, day);
		return FALSE;
	}
	if (!plan_recipients (store, config, r, error) ||
	    !queue_reminder (store, config, r, day, at, &queued, error))
		return FALSE;
	if (!queued)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "%s: the reminder %s was no longer due", statement_id, stage);
	return queued;
}

static void
note_outcome (const StoreOutbox *entry, StoreOutboxOutcome outcome, const char *error_text,
              gpointer user_data)
{
	GPtrArray *reminders = user_data;

	for (guint i = 0; i < reminders->len; i++) {
		Reminder *r = g_ptr_array_index (reminders, i);
		if (r->outbox != entry->id)
			continue;
		r->status = outcome == STORE_OUTBOX_SENT ? "sent"
			: outcome == STORE_OUTBOX_DEFERRED ? "deferred" : "failed";
	}
	if (outcome != STORE_OUTBOX_SENT)
		command_print_verbatim (command, "%s <%s>: %s%s%s",
		                        entry->statement_id != NULL ? entry->statement_id : "-",
		                        entry->message_id,
		                        outcome == STORE_OUTBOX_DEFERRED ? "deferred" : "failed",
		                        error_text != NULL ? ": " : "", error_text != NULL ? error_text : "");
}

/* Hands what was queued to the transport. What it does not take stays
 * queued for `queue run`. */
static gboolean
send_queued (Store *store, const Config *config, GPtrArray *reminders, const char *now,
             OutboxStats *stats, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (Transport) transport = NULL;
	OutboxOptions options = { 0 };

	for (guint i = 0; i < reminders->len; i++) {
		const Reminder *r = g_ptr_array_index (reminders, i);
		if (r->outbox > 0)
			g_array_append_val (ids, r->outbox);
	}
	if (ids->len == 0)
		return TRUE;
	transport = transport_new (config, error);
	if (transport == NULL) {
		g_prefix_error (error, "the reminders are queued for `queue run`, but ");
		return FALSE;
	}
	options.now = now;
	options.report = note_outcome;
	options.user_data = reminders;
	return outbox_send (store, config, transport, ids, &options, stats, error);
}

/* The addresses of the routes in @field. Borrowed from the plan. */
static GPtrArray *
field_addresses (const Reminder *r, RouteField field)
{
	GPtrArray *addresses = g_ptr_array_new ();

	for (guint i = 0; i < r->plan->routes->len; i++) {
		const PlannedRoute *p = g_ptr_array_index (r->plan->routes, i);

		if (p->field == field)
			g_ptr_array_add (addresses, p->address);
	}
	return addresses;
}

/* "a@x, b@y" of the routes in @field. */
static char *
field_text (const Reminder *r, RouteField field)
{
	g_autoptr (GPtrArray) addresses = field_addresses (r, field);

	g_ptr_array_add (addresses, NULL);
	return g_strjoinv (", ", (char **) addresses->pdata);
}

static void
print_json (GPtrArray *reminders, const char *today)
{
	g_autofree RenderReminder *rows = g_new0 (RenderReminder, reminders->len + 1);
	g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
	g_autofree char *text = NULL;

	for (guint i = 0; i < reminders->len; i++) {
		const Reminder *r = g_ptr_array_index (reminders, i);
		GPtrArray *to = field_addresses (r, ROUTE_FIELD_TO);
		GPtrArray *cc = field_addresses (r, ROUTE_FIELD_CC);

		g_ptr_array_add (fields, to);
		g_ptr_array_add (fields, cc);
		rows[i] = (RenderReminder) {
			.id = r->statement->id, .stage = r->key, .deadline = r->statement->deadline,
			.days_left = r->days_left, .subject = r->subject, .message_id = r->message_id,
			.to = to, .cc = cc, .status = r->status,
		};
	}
	text = render_reminders_json (rows, reminders->len, today);
	fputs (text, stdout);
}

/* "LS-2026-0001 before-7 queued: SUBJECT; to a, b; cc c" */
static void
print_line (const Reminder *r)
{
	g_autofree char *to = field_text (r, ROUTE_FIELD_TO);
	g_autofree char *cc = field_text (r, ROUTE_FIELD_CC);

	printf ("%s %s %s: %s; to %s; cc %s\n", r->statement->id, r->key, r->status, r->subject,
	        *to != '\0' ? to : "-", *cc != '\0' ? cc : "-");
}

static gboolean
valid_day (const char *day)
{
	int left;

	/* YYYY-MM-DD exactly, and a date that exists. */
	if (day == NULL || strlen (day) != 10 || day[4] != '-' || day[7] != '-')
		return FALSE;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit (day[i]))
			return FALSE;
	return remind_days_left (day, day, &left);
}

/* The statements whose reminders may be due: an empty array when there
 * is no database yet. A real run opens the store for writing, and the
 * spool for the mail. */
static GPtrArray *
load_candidates (CommandContext *ctx, gboolean dry_run, const char *today, GError **error)
{
	g_autofree char *oldest = remind_oldest_deadline (today, ctx->config->overdue_days);

	if (!command_open_store (ctx, dry_run ? COMMAND_READ : COMMAND_WRITE, BUSY_TIMEOUT_MS, error))
		return NULL;
	if (ctx->store == NULL)
		return g_ptr_array_new ();
	if (!dry_run && !spool_prepare (ctx->config->spool, error))
		return NULL;
	return store_remind_candidates (ctx->store, oldest, error);
}

static void
print_report (GPtrArray *reminders, const char *today, gboolean dry_run, gboolean json,
              guint queued, const OutboxStats *stats)
{
	if (json) {
		print_json (reminders, today);
		return;
	}
	for (guint i = 0; i < reminders->len; i++)
		print_line (g_ptr_array_index (reminders, i));
	if (dry_run)
		printf ("remind %s: %u reminder%s due (dry run: nothing recorded or sent)\n", today,
		        reminders->len, reminders->len == 1 ? "" : "s");
	else
		printf ("remind %s: %u reminder%s queued, %u sent, %u deferred, %u failed\n", today,
		        queued, queued == 1 ? "" : "s", stats->sent, stats->deferred, stats->failed);
}

/* The daily summary of the held messages that got no notice of their
 * own (over held-notice-limit): queued, then handed over. Says how many
 * it named, unless @json. */
static gboolean
send_held_summary (Store *store, const Config *config, const char *now, gboolean json,
                   GError **error)
{
	g_autoptr (GArray) ids = NULL;
	g_autoptr (Transport) transport = NULL;
	OutboxOptions options = { 0 };
	OutboxStats stats = { 0 };
	guint count = 0;

	if (!deliver_held_summary (store, config, now, &ids, &count, error))
		return FALSE;
	if (count == 0 || ids == NULL)
		return TRUE;
	if (!json)
		printf ("held summary: %u held message%s named to triage\n", count,
		        count == 1 ? "" : "s");
	transport = transport_new (config, error);
	if (transport == NULL) {
		g_prefix_error (error, "the held summary is queued for `queue run`, but ");
		return FALSE;
	}
	options.now = now;
	return outbox_send (store, config, transport, ids, &options, &stats, error);
}

static LiaisonStatus
run (CommandContext *ctx, const char *today, gboolean dry_run, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) candidates = NULL;
	g_autoptr (GPtrArray) reminders = g_ptr_array_new_with_free_func ((GDestroyNotify) reminder_free);
	g_autofree char *now = command_now ();
	const Config *config = ctx->config;
	Store *store;
	OutboxStats stats = { 0 };
	guint queued = 0;
	LiaisonStatus status = LIAISON_STATUS_OK;

	candidates = load_candidates (ctx, dry_run, today, &error);
	if (candidates == NULL)
		return command_fail (command, error);
	store = ctx->store;

	for (guint i = 0; i < candidates->len; i++) {
		const Statement *s = g_ptr_array_index (candidates, i);
		g_autoptr (Reminder) r = plan_reminder (config, s, today);
		gboolean due = FALSE;

		if (r == NULL)
			continue;
		if (!plan_recipients (store, config, r, &error)) {
			/* What was queued before stays queued: send it. */
			status = command_fail (command, error);
			g_clear_error (&error);
			break;
		}
		if (!has_recipients (r)) {
			command_print_verbatim (command, "%s %s: nobody to remind (no chair, manager, "
			                        "triage address or response contact)", s->id, r->key);
			continue;
		}
		if (dry_run) {
			if (!store_remind_due (store, s->id, s->deadline, r->key, &due, &error))
				return command_fail (command, error);
			if (due)
				g_ptr_array_add (reminders, g_steal_pointer (&r));
			continue;
		}
		if (!queue_reminder (store, config, r, today, now, &due, &error)) {
			/* What was queued before stays queued: send it. */
			status = command_fail (command, error);
			g_clear_error (&error);
			break;
		}
		if (due) {
			queued++;
			g_ptr_array_add (reminders, g_steal_pointer (&r));
		}
	}

	if (!dry_run && queued > 0 && !send_queued (store, config, reminders, now, &stats, &error)) {
		status = command_fail (command, error);
		g_clear_error (&error);
	}
	print_report (reminders, today, dry_run, json, queued, &stats);
	if (!dry_run && store != NULL && !send_held_summary (store, config, now, json, &error)) {
		status = command_fail (command, error);
		g_clear_error (&error);
	}
	return status;
}

LiaisonStatus
cmd_remind (const GlobalOptions *options, int argc, char **argv)
{
	gboolean dry_run = FALSE, json = FALSE, authorized = FALSE;
	g_autofree char *today = NULL;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "list the reminders due; record and send nothing", NULL },
		{ "today", 0, 0, G_OPTION_ARG_STRING, &today,
		  "the day to run for (default: today in UTC)", "YYYY-MM-DD" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print the reminders as JSON", NULL },
		{ "authorized", 0, 0, G_OPTION_ARG_NONE, &authorized,
		  "ask each organization's managers, once a quarter, to confirm who may submit "
		  "for it (instead of the deadline reminders)", NULL },
		{ NULL }
	};

	context = command_option_context_new (command, NULL, "Sends the deadline reminders that "
	                                      "are due, and the daily summary to triage of the held "
	                                      "messages that had no notice of their own.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		command_print_verbatim (command, "%s", error->message);
		return LIAISON_STATUS_USAGE;
	}
	if (argc > 1) {
		command_print_verbatim (command, "unexpected argument '%s'", argv[1]);
		return LIAISON_STATUS_USAGE;
	}
	if (today == NULL)
		today = command_today ();
	if (!valid_day (today)) {
		command_print_verbatim (command, "'%s' is not a date (YYYY-MM-DD)", today);
		return LIAISON_STATUS_USAGE;
	}
	if (authorized && json)
		return command_usage_error (command, "--json lists reminders; it does not go with --authorized");
	if (authorized)
		return cmd_remind_authorized (options, today, dry_run);

	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error))
		return command_fail (command, error);
	/* A dry run creates no secret: with none yet, its ids are only shown. */
	if (dry_run && !secret_exists (ctx.config->spool))
		g_strlcpy (ctx.config->secret, "dry-run", sizeof ctx.config->secret);
	else if (!command_load_secret (ctx.config, &error))
		return command_fail (command, error);
	return run (&ctx, today, dry_run, json);
}
