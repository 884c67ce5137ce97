/* cmd/digest.c: `liaison digest`, run weekly: each organization manager
 * (one mail for all the organizations they manage) and the triage address
 * (everything) get where things stand; and `remind --authorized`, run
 * quarterly: each peer organization's managers are asked to confirm who
 * may submit for it. Each mail at most once per period and target (the
 * digests table); queued through the outbox, then handed over. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/common.h"
#include "base/conf.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "outbound/outbox.h"
#include "outbound/transport.h"
#include "stages/compose.h"
#include "stages/digest.h"
#include "stages/route.h"
#include "store/secret.h"
#include "store/spool.h"
#include "store/journal.h"
#include "store/store.h"

/* Nobody waits on a digest: it waits for the write lock. */
#define BUSY_TIMEOUT_MS 30000

/* One mail to send. */
typedef struct {
	const char *kind;        /* "digest", "authorized" */
	char *period;            /* "2026-W50", "2026-Q4" */
	char *target;            /* a manager's address, "triage", an org's name */
	GPtrArray *to;           /* Address*, borrowed from the config */
	char *scope;             /* what it covers, for the report */
	char *subject;
	char *text;
	char *html;              /* or NULL */
	char *message_id;
	gboolean empty;          /* nothing to say: recorded, not sent */
	gint64 outbox;
} Notice;

static void
notice_free (Notice *n)
{
	if (n == NULL)
		return;
	g_free (n->period);
	g_free (n->target);
	g_ptr_array_unref (n->to);
	g_free (n->scope);
	g_free (n->subject);
	g_free (n->text);
	g_free (n->html);
	g_free (n->message_id);
	g_free (n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Notice, notice_free)

static Notice *
notice_new (const Config *config, const char *kind, const char *period, const char *target)
{
	Notice *n = g_new0 (Notice, 1);
	g_autofree char *prefix = g_strdup_printf ("%s-%s", kind, period);

	n->kind = kind;
	n->period = g_strdup (period);
	n->target = g_strdup (target);
	n->to = g_ptr_array_new ();
	n->message_id = compose_keyed_id (config, prefix, target);
	return n;
}

/* Adds @a to @n's To unless it is there, within max-recipients. */
static void
add_to (Notice *n, const Config *config, const Address *a)
{
	if (a == NULL || a->address == NULL || n->to->len >= config->max_recipients)
		return;
	for (guint i = 0; i < n->to->len; i++)
		if (g_ascii_strcasecmp (((const Address *) g_ptr_array_index (n->to, i))->address,
		                        a->address) == 0)
			return;
	g_ptr_array_add (n->to, (gpointer) a);
}

/* ---------------------------------------------------------------------- */
/* Queueing and sending */

/* Queues @n in one transaction, unless its kind, period and target are
 * recorded already (another run): then sets *queued FALSE. An empty
 * notice is recorded without mail. */
static gboolean
queue_notice (Store *store, const Config *config, Notice *n, const char *now, gboolean *queued,
              GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (GPtrArray) rcpts = g_ptr_array_new ();
	RoutePlan plan = { g_ptr_array_new (), NULL };
	OutboxItem item = { ROUTE_MESSAGE_FORWARD, NULL, n->kind, n->message_id, 0 };
	OutboxQueue queue = { NULL, 0, config, now, &plan, 0, &item, 1 };
	ComposeNotice c = { n->to, n->subject, n->text, n->html, n->message_id, now };
	gboolean sent = FALSE;

	*queued = FALSE;
	if (!txn_begin (&txn, store, config->spool, error))
		goto out;
	if (!store_digest_sent (store, n->kind, n->period, n->target, &sent, error))
		goto fail;
	if (sent) {
		txn_rollback (&txn);
		g_ptr_array_unref (plan.routes);
		return TRUE;
	}
	if (!n->empty) {
		mime = compose_notice (config, &c);
		item.mime = mime;
		if (mime == NULL || !outbox_queue (&txn, &queue, error))
			goto fail;
		for (guint i = 0; i < n->to->len; i++)
			g_ptr_array_add (rcpts, ((Address *) g_ptr_array_index (n->to, i))->address);
	}
	if (!store_add_digest (store, n->kind, n->period, n->target, rcpts, item.row, now, error) ||
	    !journal_digest (store, n->kind, n->period, n->target, rcpts,
	                     n->empty ? NULL : n->message_id, now, error) ||
	    !txn_commit (&txn, error))
		goto fail;
	n->outbox = item.row;
	*queued = TRUE;
	g_ptr_array_unref (plan.routes);
	return TRUE;

fail:
	txn_rollback (&txn);
out:
	if (error != NULL && *error == NULL)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "nothing to compose");
	g_prefix_error (error, "%s %s %s: ", n->kind, n->period, n->target);
	g_ptr_array_unref (plan.routes);
	return FALSE;
}

/* Queues each of @notices and hands what was queued to the transport;
 * prints a line for each. */
static LiaisonStatus
queue_and_send (const char *command, Store *store, const Config *config, GPtrArray *notices,
                const char *now)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (Transport) transport = NULL;
	OutboxOptions options = { 0 };
	OutboxStats stats = { 0 };
	LiaisonStatus status = LIAISON_STATUS_OK;
	guint queued_count = 0;

	for (guint i = 0; i < notices->len; i++) {
		Notice *n = g_ptr_array_index (notices, i);
		gboolean queued = FALSE;

		if (!queue_notice (store, config, n, now, &queued, &error)) {
			status = command_fail (command, error);
			g_clear_error (&error);
			break;
		}
		printf ("%s %s %s: %s\n", n->kind, n->period, n->target,
		        !queued ? "already sent" : n->empty ? "nothing to report" : "queued");
		if (n->outbox > 0) {
			g_array_append_val (ids, n->outbox);
			queued_count++;
		}
	}
	if (ids->len > 0) {
		transport = transport_new (config, &error);
		options.now = now;
		if (transport == NULL || !outbox_send (store, config, transport, ids, &options, &stats, &error)) {
			g_prefix_error (&error, "queued for `queue run`, but ");
			status = command_fail (command, error);
		}
	}
	printf ("%s: %u queued, %u sent, %u deferred, %u failed\n", command, queued_count,
	        stats.sent, stats.deferred, stats.failed);
	return status;
}

/* --dry-run: what would be sent, recording nothing. */
static LiaisonStatus
print_dry_run (const char *command, Store *store, GPtrArray *notices)
{
	g_autoptr (GError) error = NULL;

	for (guint i = 0; i < notices->len; i++) {
		const Notice *n = g_ptr_array_index (notices, i);
		gboolean sent = FALSE;

		if (store != NULL && !store_digest_sent (store, n->kind, n->period, n->target, &sent, &error))
			return command_fail (command, error);
		printf ("%s %s %s: %s\n", n->kind, n->period, n->target,
		        sent ? "already sent" : n->empty ? "nothing to report" : "would send");
		if (sent || n->empty)
			continue;
		printf ("To: ");
		for (guint k = 0; k < n->to->len; k++) {
			const Address *a = g_ptr_array_index (n->to, k);
			printf ("%s%s", k > 0 ? ", " : "", a->address);
		}
		printf ("\nSubject: %s\n\n%s\n", n->subject, n->text);
	}
	printf ("%s: dry run, nothing recorded or sent\n", command);
	return LIAISON_STATUS_OK;
}

/* ---------------------------------------------------------------------- */
/* The digest */

/* The store's rows, as the digest reads them. */
typedef struct {
	GPtrArray *statements;
	GPtrArray *held;
	GPtrArray *replied;
	GPtrArray *outbox;       /* StoreOutbox* */
	GPtrArray *outgoing;     /* DigestOutgoing*, borrowing from outbox */
} DigestRows;

static void
digest_rows_clear (DigestRows *rows)
{
	g_clear_pointer (&rows->statements, g_ptr_array_unref);
	g_clear_pointer (&rows->held, g_ptr_array_unref);
	g_clear_pointer (&rows->replied, g_ptr_array_unref);
	g_clear_pointer (&rows->outbox, g_ptr_array_unref);
	g_clear_pointer (&rows->outgoing, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DigestRows, digest_rows_clear)

static gboolean
load_rows (Store *store, const char *since, DigestRows *rows, GError **error)
{
	StoreFilter all = { 0 }, held = { 0 };

	held.held = TRUE;
	if (store == NULL) {
		rows->statements = g_ptr_array_new ();
		rows->held = g_ptr_array_new ();
		rows->replied = g_ptr_array_new ();
		rows->outbox = g_ptr_array_new ();
	} else if ((rows->statements = store_list_statements (store, &all, error)) == NULL ||
	           (rows->held = store_list_statements (store, &held, error)) == NULL ||
	           (rows->replied = store_digest_replied (store, since, error)) == NULL ||
	           (rows->outbox = store_list_outbox (store, TRUE, error)) == NULL) {
		return FALSE;
	}
	rows->outgoing = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < rows->outbox->len; i++) {
		const StoreOutbox *e = g_ptr_array_index (rows->outbox, i);
		DigestOutgoing *o = g_new0 (DigestOutgoing, 1);

		*o = (DigestOutgoing) { e->statement_id, e->kind, e->state, e->created, e->message_id,
		                        e->last_error };
		g_ptr_array_add (rows->outgoing, o);
	}
	return TRUE;
}

static void
fill_digest (Notice *n, const DigestInput *input, const Config *config, GPtrArray *orgs)
{
	g_autoptr (DigestReport) report = digest_report_new (input, config, orgs);

	n->empty = digest_report_empty (report);
	n->subject = digest_subject (input, n->scope);
	n->text = digest_text (report, input, config, n->scope);
	n->html = digest_html (report, input, config, n->scope);
}

/* The organizations @manager (an address) manages, in file order. */
static GPtrArray *
managed_by (const Config *config, const char *manager)
{
	GPtrArray *orgs = g_ptr_array_new ();

	for (guint i = 0; i < config->orgs->len; i++) {
		const Org *o = g_ptr_array_index (config->orgs, i);

		for (guint k = 0; k < o->managers->len; k++)
			if (g_ascii_strcasecmp (((const Address *) g_ptr_array_index (o->managers, k))->address,
			                        manager) == 0) {
				g_ptr_array_add (orgs, (gpointer) o);
				break;
			}
	}
	return orgs;
}

static char *
org_names (GPtrArray *orgs)
{
	g_autoptr (GPtrArray) names = g_ptr_array_new ();

	for (guint i = 0; i < orgs->len; i++)
		g_ptr_array_add (names, ((const Org *) g_ptr_array_index (orgs, i))->name);
	g_ptr_array_add (names, NULL);
	return g_strjoinv (", ", (char **) names->pdata);
}

/* One digest per manager (first seen order), then triage's. */
static GPtrArray *
plan_digests (const Config *config, const DigestInput *input, const char *week,
              const Address *triage)
{
	GPtrArray *notices = g_ptr_array_new_with_free_func ((GDestroyNotify) notice_free);
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < config->orgs->len; i++) {
		const Org *o = g_ptr_array_index (config->orgs, i);

		for (guint k = 0; k < o->managers->len; k++) {
			const Address *m = g_ptr_array_index (o->managers, k);
			g_autofree char *key = g_ascii_strdown (m->address, -1);
			g_autoptr (GPtrArray) orgs = NULL;
			Notice *n;

			if (g_hash_table_contains (seen, key))
				continue;
			orgs = managed_by (config, key);
			n = notice_new (config, "digest", week, key);
			g_hash_table_add (seen, g_steal_pointer (&key));
			add_to (n, config, m);
			n->scope = org_names (orgs);
			fill_digest (n, input, config, orgs);
			g_ptr_array_add (notices, n);
		}
	}
	if (triage != NULL) {
		Notice *n = notice_new (config, "digest", week, "triage");

		add_to (n, config, triage);
		n->scope = g_strdup ("all organizations");
		fill_digest (n, input, config, NULL);
		g_ptr_array_add (notices, n);
	}
	return notices;
}

/* Since when "new" counts: --since, else the last digest, else a week
 * before @today. */
static char *
default_since (Store *store, const char *today, GError **error)
{
	g_autofree char *last = NULL;
	g_autoptr (GDateTime) day = NULL, before = NULL;
	g_autofree char *midnight = g_strdup_printf ("%sT00:00:00Z", today);

	if (store != NULL && !store_last_digest (store, "digest", &last, error))
		return NULL;
	if (last != NULL)
		return g_steal_pointer (&last);
	day = g_date_time_new_from_iso8601 (midnight, NULL);
	before = g_date_time_add_days (day, -7);
	return g_date_time_format (before, "%Y-%m-%d");
}

/* The time to record: LIAISON_NOW or the clock, unless --today names
 * another day (then that day's midnight), so that "since the last
 * digest" follows the days the runs were for. */
static char *
now_for (const char *today)
{
	g_autofree char *now = command_now ();

	if (strncmp (now, today, 10) == 0)
		return g_steal_pointer (&now);
	return g_strdup_printf ("%sT00:00:00Z", today);
}

static LiaisonStatus
run_digest (CommandContext *ctx, const char *today, const char *since_option, gboolean dry_run)
{
	g_autoptr (GError) error = NULL;
	g_auto (DigestRows) rows = { 0 };
	g_autoptr (GPtrArray) notices = NULL;
	g_autoptr (Address) triage = NULL;
	g_autofree char *week = digest_week (today), *since = NULL, *now = now_for (today);
	const Config *config = ctx->config;
	DigestInput input = { 0 };

	if (!command_open_store (ctx, dry_run ? COMMAND_READ : COMMAND_WRITE, BUSY_TIMEOUT_MS, &error))
		return command_fail (ctx->command, error);
	if (ctx->store == NULL && !dry_run) {
		printf ("digest %s: no database yet, nothing to tell\n", week);
		return LIAISON_STATUS_OK;
	}
	since = since_option != NULL ? g_strdup (since_option) : default_since (ctx->store, today, &error);
	if (since == NULL || !load_rows (ctx->store, since, &rows, &error))
		return command_fail (ctx->command, error);
	if (!dry_run && !spool_prepare (config->spool, &error))
		return command_fail (ctx->command, error);

	input = (DigestInput) { today, now, since, rows.statements, rows.held, rows.replied,
	                        rows.outgoing };
	/* Only the directory gets our mail: the triage address is the
	 * directory's. */
	triage = config->triage != NULL ? address_parse (config->triage) : NULL;
	notices = plan_digests (config, &input, week, triage);
	if (dry_run)
		return print_dry_run (ctx->command, ctx->store, notices);
	return queue_and_send (ctx->command, ctx->store, config, notices, now);
}

/* Sets up @ctx: the configuration, and the secret (a dry run with none
 * yet shows ids keyed with a stand-in, creating nothing). */
static LiaisonStatus
prepare (CommandContext *ctx, const GlobalOptions *options, gboolean dry_run)
{
	g_autoptr (GError) error = NULL;

	if (!command_load_config (ctx, options, &error))
		return command_fail (ctx->command, error);
	if (dry_run && !secret_exists (ctx->config->spool))
		g_strlcpy (ctx->config->secret, "dry-run", sizeof ctx->config->secret);
	else if (!command_load_secret (ctx->config, &error))
		return command_fail (ctx->command, error);
	return LIAISON_STATUS_OK;
}

static const char digest_command[] = "digest";

LiaisonStatus
cmd_digest (const GlobalOptions *options, int argc, char **argv)
{
	gboolean dry_run = FALSE;
	g_autofree char *today = NULL, *since = NULL, *week = NULL;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	LiaisonStatus status;
	GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since,
		  "list as new what came from this day on (default: since the last digest)", "YYYY-MM-DD" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "print what would be sent; record and send nothing", NULL },
		{ "today", 0, 0, G_OPTION_ARG_STRING, &today,
		  "the day to run for (default: today in UTC)", "YYYY-MM-DD" },
		{ NULL }
	};

	context = command_option_context_new (digest_command, NULL, "Mails each organization "
	                                      "manager, and the triage address, where their liaison "
	                                      "statements stand; once a week.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (digest_command, "%s", error->message);
	if (argc > 1)
		return command_usage_error (digest_command, "unexpected argument '%s'", argv[1]);
	if (today == NULL)
		today = command_today ();
	week = digest_week (today);
	if (week == NULL)
		return command_usage_error (digest_command, "'%s' is not a date (YYYY-MM-DD)", today);
	if (since != NULL && digest_week (since) == NULL)
		return command_usage_error (digest_command, "--since '%s' is not a date (YYYY-MM-DD)",
		                            since);

	command_context_init (&ctx, digest_command);
	status = prepare (&ctx, options, dry_run);
	if (status != LIAISON_STATUS_OK)
		return status;
	return run_digest (&ctx, today, since, dry_run);
}

/* ---------------------------------------------------------------------- */
/* remind --authorized */

LiaisonStatus
cmd_remind_authorized (const GlobalOptions *options, const char *today, gboolean dry_run)
{
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autoptr (GPtrArray) notices = g_ptr_array_new_with_free_func ((GDestroyNotify) notice_free);
	g_autofree char *quarter = digest_quarter (today), *now = now_for (today);
	LiaisonStatus status;

	command_context_init (&ctx, "remind");
	status = prepare (&ctx, options, dry_run);
	if (status != LIAISON_STATUS_OK)
		return status;
	for (guint i = 0; i < ctx.config->orgs->len; i++) {
		const Org *o = g_ptr_array_index (ctx.config->orgs, i);
		Notice *n;

		if (o->managers->len == 0)
			continue;
		n = notice_new (ctx.config, "authorized", quarter, o->name);
		for (guint k = 0; k < o->managers->len; k++)
			add_to (n, ctx.config, g_ptr_array_index (o->managers, k));
		n->scope = g_strdup (o->name);
		n->subject = digest_authorized_subject (o, quarter);
		n->text = digest_authorized_text (ctx.config, o, quarter);
		g_ptr_array_add (notices, n);
	}
	/* The record of what was sent is the database's: one is made. */
	if (!command_open_store (&ctx, dry_run ? COMMAND_READ : COMMAND_WRITE, BUSY_TIMEOUT_MS, &error))
		return command_fail (ctx.command, error);
	if (dry_run)
		return print_dry_run (ctx.command, ctx.store, notices);
	if (!spool_prepare (ctx.config->spool, &error))
		return command_fail (ctx.command, error);
	if (ctx.store == NULL) {
		Store *store = store_open (ctx.config->database, BUSY_TIMEOUT_MS, &error);

		if (store == NULL)
			return command_fail (ctx.command, error);
		ctx.store = store;
	}
	return queue_and_send (ctx.command, ctx.store, ctx.config, notices, now);
}
