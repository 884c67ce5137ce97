/* cmd-remind.c: `liaison remind`, run daily from cron or a timer: the
 * deadline reminders of SPEC §8 that are due today, each stage of each
 * statement at most once however often it runs. Exit status: 0; 1 on an
 * error (what was recorded before it stays recorded, and queued); 2 on a
 * usage error. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "commands.h"
#include "stages/compose.h"
#include "base/conf.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "outbound/outbox.h"
#include "stages/remind.h"
#include "export/render.h"
#include "stages/route.h"
#include "store/spool.h"
#include "store/store.h"
#include "outbound/transport.h"

#define EXIT_USAGE 2
#define EXIT_ERROR 1

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

static int
fail (const GError *error)
{
	command_print_error ("remind", error != NULL ? error->message : NULL);
	return EXIT_ERROR;
}

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
	r->plan = route_reminder (s, config);
	r->status = "due";
	return g_steal_pointer (&r);
}

static gboolean
has_recipients (const Reminder *r)
{
	g_autoptr (GPtrArray) rcpts = route_plan_recipients (r->plan, ROUTE_MESSAGE_REMINDER);

	return rcpts->len > 0;
}

/* "a@x, b@y" of the routes in @field. */
static char *
field_text (const Reminder *r, RouteField field)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < r->plan->routes->len; i++) {
		const PlannedRoute *p = g_ptr_array_index (r->plan->routes, i);
		if (p->field != field)
			continue;
		g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", p->address);
	}
	return g_string_free (out, FALSE);
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
	OutboxQueue queue = { s->id, 0, config->address, now, r->plan,
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
	if (!store_add_reminder (store, s->id, r->key, today, r->outbox, now, error))
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
		fprintf (stderr, "liaison: remind: %s <%s>: %s%s%s\n",
		         entry->statement_id != NULL ? entry->statement_id : "-", entry->message_id,
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

static void
add_field (JsonBuilder *b, const Reminder *r, RouteField field)
{
	json_builder_begin_array (b);
	for (guint i = 0; i < r->plan->routes->len; i++) {
		const PlannedRoute *p = g_ptr_array_index (r->plan->routes, i);
		if (p->field == field)
			json_builder_add_string_value (b, p->address);
	}
	json_builder_end_array (b);
}

static void
print_json (GPtrArray *reminders, const char *today)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (JsonNode) root = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_array (b);
	for (guint i = 0; i < reminders->len; i++) {
		const Reminder *r = g_ptr_array_index (reminders, i);

		json_builder_begin_object (b);
		json_builder_set_member_name (b, "id");
		json_builder_add_string_value (b, r->statement->id);
		json_builder_set_member_name (b, "stage");
		json_builder_add_string_value (b, r->key);
		json_builder_set_member_name (b, "day");
		json_builder_add_string_value (b, today);
		json_builder_set_member_name (b, "deadline");
		json_builder_add_string_value (b, r->statement->deadline);
		json_builder_set_member_name (b, "days_left");
		json_builder_add_int_value (b, r->days_left);
		json_builder_set_member_name (b, "subject");
		json_builder_add_string_value (b, r->subject);
		json_builder_set_member_name (b, "message_id");
		json_builder_add_string_value (b, r->message_id);
		json_builder_set_member_name (b, "to");
		add_field (b, r, ROUTE_FIELD_TO);
		json_builder_set_member_name (b, "cc");
		add_field (b, r, ROUTE_FIELD_CC);
		json_builder_set_member_name (b, "status");
		json_builder_add_string_value (b, r->status);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	root = json_builder_get_root (b);
	text = render_json_to_string (root);
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

static int
run (const Config *config, const char *today, gboolean dry_run, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Store) store = NULL;
	g_autoptr (GPtrArray) candidates = NULL;
	g_autoptr (GPtrArray) reminders = g_ptr_array_new_with_free_func ((GDestroyNotify) reminder_free);
	g_autofree char *now = command_now ();
	g_autofree char *oldest = remind_oldest_deadline (today, config->overdue_days);
	OutboxStats stats = { 0 };
	guint queued = 0;
	int status = 0;

	if (!g_file_test (config->database, G_FILE_TEST_EXISTS)) {
		candidates = g_ptr_array_new ();
	} else {
		if (dry_run)
			store = store_open_readonly (config->database, BUSY_TIMEOUT_MS, &error);
		else
			store = store_open (config->database, BUSY_TIMEOUT_MS, &error);
		if (store == NULL)
			return fail (error);
		if (!dry_run && !spool_prepare (config->spool, &error))
			return fail (error);
		candidates = store_remind_candidates (store, oldest, &error);
		if (candidates == NULL)
			return fail (error);
	}

	for (guint i = 0; i < candidates->len; i++) {
		const Statement *s = g_ptr_array_index (candidates, i);
		g_autoptr (Reminder) r = plan_reminder (config, s, today);
		gboolean due = FALSE;

		if (r == NULL)
			continue;
		if (!has_recipients (r)) {
			fprintf (stderr, "liaison: remind: %s %s: nobody to remind (no chair, manager, "
			         "triage address or response contact)\n", s->id, r->key);
			continue;
		}
		if (dry_run) {
			if (!store_remind_due (store, s->id, s->deadline, r->key, &due, &error))
				return fail (error);
			if (due)
				g_ptr_array_add (reminders, g_steal_pointer (&r));
			continue;
		}
		if (!queue_reminder (store, config, r, today, now, &due, &error)) {
			/* What was queued before stays queued: send it. */
			status = fail (error);
			g_clear_error (&error);
			break;
		}
		if (due) {
			queued++;
			g_ptr_array_add (reminders, g_steal_pointer (&r));
		}
	}

	if (!dry_run && queued > 0 && !send_queued (store, config, reminders, now, &stats, &error)) {
		status = fail (error);
		g_clear_error (&error);
	}

	if (json) {
		print_json (reminders, today);
		return status;
	}
	for (guint i = 0; i < reminders->len; i++)
		print_line (g_ptr_array_index (reminders, i));
	if (dry_run)
		printf ("remind %s: %u reminder%s due (dry run: nothing recorded or sent)\n", today,
		        reminders->len, reminders->len == 1 ? "" : "s");
	else
		printf ("remind %s: %u reminder%s queued, %u sent, %u deferred, %u failed\n", today,
		        queued, queued == 1 ? "" : "s", stats.sent, stats.deferred, stats.failed);
	return status;
}

int
cmd_remind (const GlobalOptions *options, int argc, char **argv)
{
	gboolean dry_run = FALSE, json = FALSE;
	g_autofree char *today = NULL;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "list the reminders due; record and send nothing", NULL },
		{ "today", 0, 0, G_OPTION_ARG_STRING, &today,
		  "the day to run for (default: today in UTC)", "YYYY-MM-DD" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print the reminders as JSON", NULL },
		{ NULL }
	};

	if (g_get_prgname () == NULL)
		g_set_prgname ("liaison remind");
	context = g_option_context_new (NULL);
	g_option_context_set_summary (context, "Sends the deadline reminders that are due.");
	g_option_context_add_main_entries (context, entries, NULL);
	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		fprintf (stderr, "liaison: remind: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (argc > 1) {
		fprintf (stderr, "liaison: remind: unexpected argument '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	if (today == NULL)
		today = command_today ();
	if (!valid_day (today)) {
		fprintf (stderr, "liaison: remind: '%s' is not a date (YYYY-MM-DD)\n", today);
		return EXIT_USAGE;
	}

	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL)
		return fail (error);
	return run (config, today, dry_run, json);
}
