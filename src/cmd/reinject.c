/* cmd/reinject.c: `liaison reinject`, which puts every message of mailboxes
 * through the deliver pipeline (deliver_message, then the outbox), oldest
 * first, with one store opened once. The mail archive is the source of
 * truth and the database its index: re-injecting it rebuilds the register.
 * Returns OK; ERROR when a message or a source failed; USAGE; TEMPFAIL
 * when there is no configuration, or no store for a reason a retry may
 * cure. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "cmd/actions.h"
#include "cmd/common.h"
#include "deliver.h"
#include "base/error.h"
#include "base/util.h"
#include "base/guard.h"
#include "input/mailbox.h"
#include "outbound/outbox.h"
#include "store/secret.h"
#include "store/journal.h"
#include "store/spool.h"
#include "outbound/transport.h"

/* How long one message waits for the database's write lock, and how often
 * a message that still finds it busy is tried again before it counts as an
 * error. */
#define BUSY_TIMEOUT_MS 10000
#define BUSY_RETRIES 3
/* A batch: the messages recorded in one transaction (each under its own
 * savepoint) whose spool files are synced once, just before its COMMIT.
 * Re-injection acknowledges nothing per message, so nothing is promised
 * before the batch commits; a run killed mid-batch loses the batch, whose
 * files are orphans that the next run adopts (they are named by their
 * content). It ends at whichever limit comes first. */
#define BATCH_MESSAGES 500
#define BATCH_BYTES (64 * 1024 * 1024)
#define BATCH_USEC (2 * G_USEC_PER_SEC)
/* The progress line is redrawn at most this often (microseconds). */
#define PROGRESS_INTERVAL_US 200000

/* One message to re-inject, and the SOURCE argument it came from. */
typedef struct {
	MailboxEntry *entry;
	guint source;
} Item;

typedef struct {
	guint total;
	guint statements;
	guint replies;
	guint held;
	guint duplicates;
	guint other;
	guint errors;
} Tally;

/* The mail that the recorded messages queued, handed over as deliver
 * does, after each commit. */
typedef struct {
	Transport *transport;    /* set up at the first mail to send */
	gboolean broken;         /* it could not be set up: all stays queued */
	guint queued;            /* outbox rows the run queued */
	OutboxStats stats;
} Sender;

/* The batch in progress. */
typedef struct {
	gboolean open;           /* its transaction has begun */
	guint messages;          /* messages processed in it */
	gint64 bytes;            /* their size */
	gint64 started;          /* monotonic time of its BEGIN */
	Tally tally;             /* what it recorded, counted at its COMMIT */
	GArray *outbox;          /* gint64: rows to hand over after its COMMIT */
} Batch;

typedef struct {
	gboolean enabled;        /* stderr is a terminal */
	gboolean shown;          /* a progress line is on the screen */
	guint total;
	gint64 started;
	gint64 drawn;
} Progress;

static const char command[] = "reinject";

/* Prints "liaison: reinject: TEXT" as one line, whatever line breaks the
 * text carries, after clearing the progress line if one is shown. */
static void
print_error (Progress *progress, const char *text)
{
	if (progress != NULL && progress->shown) {
		fputs ("\r\033[K", stderr);
		progress->shown = FALSE;
	}
	command_print_error (command, text);
}

/* "1234/5000 messages  250/s  0:15 left", redrawn in place. */
static void
progress_draw (Progress *progress, guint done, gboolean force)
{
	gint64 now = g_get_monotonic_time ();
	double elapsed, rate;

	if (!progress->enabled || (!force && now - progress->drawn < PROGRESS_INTERVAL_US))
		return;
	progress->drawn = now;
	elapsed = (now - progress->started) / (double) G_USEC_PER_SEC;
	rate = elapsed > 0 ? done / elapsed : 0;
	fprintf (stderr, "\r\033[K%u/%u messages", done, progress->total);
	if (rate > 0) {
		guint left = (guint) ((progress->total - done) / rate + 0.5);

		fprintf (stderr, "  %.0f/s  %u:%02u left", rate, left / 60, left % 60);
	}
	fflush (stderr);
	progress->shown = TRUE;
}

static void
progress_clear (Progress *progress)
{
	if (progress->shown) {
		fputs ("\r\033[K", stderr);
		fflush (stderr);
		progress->shown = FALSE;
	}
}

static gint
item_compare (gconstpointer a, gconstpointer b)
{
	const Item *x = a, *y = b;

	/* By arrival (SPEC §12), not by the sender's Date: ids are numbered
	 * in the order the messages came, as deliver numbered them. */
	if (x->entry->arrival != y->entry->arrival)
		return x->entry->arrival < y->entry->arrival ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return x->entry->number < y->entry->number ? -1 : x->entry->number > y->entry->number;
}

static void
item_clear (gpointer data)
{
	Item *item = data;

	mailbox_entry_free (item->entry);
}

/* ISO 8601 UTC of a Unix time; now when it is unknown. */
static char *
time_string (gint64 t)
{
	g_autoptr (GDateTime) date = NULL;

	if (t <= 0)
		return command_now ();
	date = g_date_time_new_from_unix_utc (t);
	if (date == NULL)
		return command_now ();
	return g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");
}

/* The recipient extension of @recipient: what follows '+' in its local
 * part (Postfix's recipient_delimiter as most sites set it), or NULL. */
static char *
extension_of (const char *recipient)
{
	const char *plus, *at;

	if (recipient == NULL)
		return NULL;
	plus = strchr (recipient, '+');
	at = strrchr (recipient, '@');
	if (plus == NULL || (at != NULL && plus > at) || plus[1] == '\0' || plus + 1 == at)
		return NULL;
	return at != NULL ? g_strndup (plus + 1, at - plus - 1) : g_strdup (plus + 1);
}

/* The store to deliver into. A dry run delivers into a scratch copy of the
 * database and the spool in a temporary directory (*scratch), so that it
 * goes through exactly the pipeline of a real run (statement ids,
 * duplicates within the run, threads) and then throws it all away. */
static Store *
open_store (const Config *config, gboolean dry_run, Config *scratch_config, char **scratch,
            GError **error)
{
	g_autofree char *database = NULL;

	if (!dry_run) {
		g_autoptr (Store) store = NULL;
		g_autofree char *moved = NULL;

		if (!spool_prepare (config->spool, error))
			return NULL;
		store = store_open (config->database, BUSY_TIMEOUT_MS, error);
		if (store == NULL || !journal_attach_restart (store, config->spool, &moved, error))
			return NULL;
		/* A note, not an error: a new history begins. */
		if (moved != NULL)
			printf ("reinject: a new journal begins with this empty database; the old one "
			        "is kept as %s (liaison rebuild would have kept its manual actions)\n",
			        moved);
		return g_steal_pointer (&store);
	}

	*scratch = g_dir_make_tmp ("liaison-dry-run.XXXXXX", NULL);
	if (*scratch == NULL) {
		liaison_set_errno (error, errno, "creating a scratch directory for the dry run");
		return NULL;
	}
	database = g_build_filename (*scratch, "liaison.db", NULL);
	*scratch_config = *config;
	scratch_config->database = g_strdup (database);
	scratch_config->spool = g_build_filename (*scratch, "spool", NULL);
	if (!spool_prepare (scratch_config->spool, error))
		return NULL;
	if (g_file_test (config->database, G_FILE_TEST_EXISTS)) {
		g_autoptr (Store) original = store_open_readonly (config->database, BUSY_TIMEOUT_MS, error);

		if (original == NULL || !store_copy_to (original, database, error))
			return NULL;
	}
	return store_open (database, BUSY_TIMEOUT_MS, error);
}

/* Says each file of @source that was not read (a link, a FIFO, an MH
 * name that is not a message number), and adds them up into @skips. */
static void
report_skipped (const MailboxSource *source, MailboxSkips *skips, Progress *progress)
{
	const GPtrArray *skipped = mailbox_source_skipped (source);
	const MailboxSkips *these = mailbox_source_skips (source);

	for (guint i = 0; i < skipped->len; i++)
		print_error (progress, g_ptr_array_index (skipped, i));
	skips->links += these->links;
	skips->special += these->special;
	skips->names += these->names;
}

/* Opens every SOURCE and lists its messages into @items. A source that
 * cannot be read, or a file of a Maildir that cannot, is reported and
 * counted; the others go on. What a folder holds that is not read is said
 * and added up into @skips. */
static guint
collect (GPtrArray *sources, char **names, int count, const char *tmp_dir, GArray *items,
         MailboxSkips *skips, Progress *progress)
{
	guint failures = 0;

	for (int i = 0; i < count; i++) {
		g_autoptr (GError) error = NULL;
		MailboxSource *source = mailbox_source_open (names[i], tmp_dir, &error);
		MailboxEntry *entry;

		if (source == NULL) {
			print_error (progress, error->message);
			failures++;
			continue;
		}
		g_ptr_array_add (sources, source);
		for (;;) {
			entry = mailbox_source_next (source, &error);
			if (entry == NULL && error == NULL)
				break;
			if (entry == NULL) {
				print_error (progress, error->message);
				g_clear_error (&error);
				failures++;
				continue;
			}
			{
				Item item = { entry, (guint) i };

				g_array_append_val (items, item);
			}
		}
		report_skipped (source, skips, progress);
	}
	return failures;
}

/* --resend: queues again, in a transaction of its own, the mail that the
 * first delivery of the recorded @message queued (its forwards,
 * acknowledgement, triage notice), the same bytes under the same
 * Message-IDs, and sets result->outbox to those rows so that they are
 * handed over as a first delivery's are. */
static gboolean
requeue (Store *store, const Message *message, DeliverResult *result, GError **error)
{
	g_autofree char *now = command_now ();

	if (!store_begin (store, error))
		return FALSE;
	result->outbox = store_requeue_message (store, message->message_id, message->dedupe_hash,
	                                        now, error);
	if (result->outbox == NULL ||
	    !journal_requeue (store, message->message_id, message->dedupe_hash, now, error) ||
	    !store_commit (store, error)) {
		store_rollback (store);
		return FALSE;
	}
	return TRUE;
}

/* Delivers one message; a busy database is tried again a few times. With
 * @resend, a message recorded before the run queues its mail again, once:
 * @run holds the dedupe keys of the messages the run has met, so that a
 * message that comes twice is not sent twice. */
static gboolean
reinject_one (Store *store, const Config *config, const MailboxEntry *entry, gboolean resend,
              GHashTable *run, DeliverResult *result, gint64 *bytes, GError **error)
{
	g_autoptr (Message) message = NULL;
	g_autofree char *received = NULL;
	g_autofree char *now = command_now ();
	int fd;

	fd = mailbox_entry_open (entry, error);
	if (fd < 0)
		return FALSE;
	message = message_spool_fd (fd, config->spool, config->max_message_size, error);
	close (fd);
	if (message == NULL)
		return FALSE;
	*bytes = message->size;
	/* The envelope deliver would have had from the MTA, as the mailbox
	 * recorded it. */
	message->sender = g_strdup (entry->envelope_sender);
	message->recipient = g_strdup (entry->envelope_recipient);
	message->extension = extension_of (entry->envelope_recipient);
	/* The time of receipt is when it arrived, not now: a rebuilt register
	 * keeps its receipt times, and its ids, which are numbered per year
	 * of receipt. */
	received = time_string (entry->arrival);
	if (resend)
		resend = g_hash_table_add (run, g_strconcat (message->message_id != NULL ? message->message_id : "",
		                                             " ", message->dedupe_hash, NULL));

	/* A message recorded before is all a second run meets: deliver would
	 * read the statement out of it (documents included) only to find it
	 * known and roll back. The store tells that at once; deliver_message()
	 * makes the same check again under its lock for everything else. */
	{
		StoreSeen seen = STORE_SEEN_NEW;

		/* When the look fails, deliver_message() tries (and retries). */
		if (store_message_seen (store, message->message_id, message->dedupe_hash, &seen, NULL)
		    && seen == STORE_SEEN_DUPLICATE) {
			memset (result, 0, sizeof *result);
			result->duplicate = TRUE;
			return !resend || requeue (store, message, result, error);
		}
	}

	for (guint attempt = 0; ; attempt++) {
		memset (result, 0, sizeof *result);
		/* The mail it causes is written now, and dated so. */
		if (deliver_message_at (store, config, message, received, now, result, error))
			break;
		if (attempt >= BUSY_RETRIES || !g_error_matches (*error, LIAISON_ERROR, LIAISON_ERROR_BUSY))
			return FALSE;
		g_clear_error (error);
		g_usleep ((gulong) (250000 << attempt));
	}
	if (result->duplicate && resend) {
		g_clear_pointer (&result->outbox, g_array_unref);
		return requeue (store, message, result, error);
	}
	return TRUE;
}

/* Hands over the outbox rows @rows that one message queued, as deliver
 * does after its commit. What the transport does not take stays queued
 * for `queue run`: the message is recorded whatever happens here. */
static void
send_queued (Store *store, const Config *config, Sender *sender, GArray *rows, Progress *progress)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *now = NULL;
	OutboxOptions options = { 0 };

	if (rows == NULL || rows->len == 0)
		return;
	sender->queued += rows->len;
	if (sender->broken)
		return;
	if (sender->transport == NULL) {
		sender->transport = transport_new (config, &error);
		if (sender->transport == NULL) {
			g_autofree char *text = g_strdup_printf ("cannot send: %s; the mail stays queued "
			                                         "for `liaison queue run`", error->message);

			sender->broken = TRUE;
			print_error (progress, text);
			return;
		}
	}
	/* The hand-over happens now, whenever the message arrived. */
	now = command_now ();
	options.now = now;
	if (!outbox_send (store, config, sender->transport, rows, &options, &sender->stats, &error)) {
		g_autofree char *text = g_strdup_printf ("sending: %s", error->message);

		print_error (progress, text);
	}
}

/* Begins a batch: BEGIN IMMEDIATE, tried again a few times while another
 * process holds the write lock past the busy timeout. */
static gboolean
batch_begin (Store *store, Batch *batch, GError **error)
{
	for (guint attempt = 0; ; attempt++) {
		if (store_batch_begin (store, error))
			break;
		if (attempt >= BUSY_RETRIES || !g_error_matches (*error, LIAISON_ERROR, LIAISON_ERROR_BUSY))
			return FALSE;
		g_clear_error (error);
		g_usleep ((gulong) (250000 << attempt));
	}
	spool_defer_begin ();
	batch->open = TRUE;
	batch->messages = 0;
	batch->bytes = 0;
	batch->started = g_get_monotonic_time ();
	memset (&batch->tally, 0, sizeof batch->tally);
	g_array_set_size (batch->outbox, 0);
	return TRUE;
}

static void
tally_add (Tally *to, const Tally *from)
{
	to->statements += from->statements;
	to->replies += from->replies;
	to->held += from->held;
	to->duplicates += from->duplicates;
	to->other += from->other;
}

/* Ends the batch: the spool files its rows name are made durable (each
 * file's data, then each bucket directory once: the syncs that SPEC §2's
 * durability requires, deferred from every message to here), then its
 * COMMIT, and only then is its mail handed over. If either fails,
 * nothing of the batch is recorded and its messages count as errors; a
 * run again records them. */
static void
batch_end (Store *store, const Config *config, Batch *batch, Tally *tally, Sender *sender,
           gboolean dry_run, Progress *progress)
{
	g_autoptr (GError) error = NULL;
	guint recorded;

	if (!batch->open)
		return;
	batch->open = FALSE;
	recorded = batch->tally.statements + batch->tally.replies + batch->tally.held +
	           batch->tally.duplicates + batch->tally.other;
	guard_block ();
	if (!spool_defer_sync (&error) || !store_batch_commit (store, &error)) {
		g_autofree char *text = g_strdup_printf ("%u messages not recorded: %s", recorded,
		                                         error->message);

		store_batch_rollback (store);
		spool_defer_end ();
		guard_unblock ();
		print_error (progress, text);
		tally->errors += recorded;
		return;
	}
	spool_defer_end ();
	guard_unblock ();
	tally_add (tally, &batch->tally);
	/* A dry run sends nothing; a duplicate has queued nothing, unless
	 * --resend queued its mail again. */
	if (!dry_run && batch->outbox->len > 0)
		send_queued (store, config, sender, batch->outbox, progress);
}

static gboolean
batch_full (const Batch *batch)
{
	return batch->messages >= BATCH_MESSAGES || batch->bytes >= BATCH_BYTES ||
	       g_get_monotonic_time () - batch->started >= BATCH_USEC;
}

/* A statement that arrived again (a copy, recorded in the first arrival's
 * thread) counts with the duplicates: it is no new statement. */
static void
count (Tally *tally, const DeliverResult *result)
{
	if (result->duplicate || result->copy)
		tally->duplicates++;
	else if (result->kind == CLASS_STATEMENT && result->statement_id != NULL && result->hold_reason != NULL)
		tally->held++;
	else if (result->kind == CLASS_STATEMENT && result->statement_id != NULL)
		tally->statements++;
	else if (result->kind == CLASS_REPLY)
		tally->replies++;
	else
		tally->other++;
}

/* "MAILBOX:NUMBER: TEXT" of a message that could not be recorded. */
static void
print_item_error (Progress *progress, const Item *item, const GError *error)
{
	g_autofree char *where = mailbox_entry_describe (item->entry);
	g_autofree char *text = g_strdup_printf ("%s: %s", where, error->message);

	print_error (progress, text);
}

/* The commands of a reply (taken, close, route ..., an approval), done
 * as deliver does them after its commit: each in a transaction of its
 * own, so the batch that recorded the reply is committed first, and the
 * mail they cause (the confirmation, a forward) is handed over. */
static void
run_commands (Store *store, const Config *config, Batch *batch, Tally *tally, Sender *sender,
              gboolean dry_run, Progress *progress, const Item *item, DeliverResult *result)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *now = command_now ();
	guint before = result->outbox != NULL ? result->outbox->len : 0;

	batch_end (store, config, batch, tally, sender, dry_run, progress);
	if (!action_mail_commands (store, config, result, now, &error)) {
		print_item_error (progress, item, error);
		return;
	}
	if (!dry_run && result->outbox != NULL && result->outbox->len > before) {
		g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));

		g_array_append_vals (rows, &g_array_index (result->outbox, gint64, before),
		                     result->outbox->len - before);
		send_queued (store, config, sender, rows, progress);
	}
}

/* Delivers @items in order, in batches, into @store. */
static void
reinject_items (Store *store, const Config *config, GArray *items, gboolean resend,
                gboolean dry_run, Tally *tally, Sender *sender, Progress *progress)
{
	g_autoptr (GHashTable) run = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GError) error = NULL;
	Batch batch = { 0 };

	progress->total = items->len;
	progress->started = g_get_monotonic_time ();
	batch.outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
	for (guint i = 0; i < items->len; i++) {
		const Item *item = &g_array_index (items, Item, i);
		DeliverResult result = { 0 };
		gint64 bytes = 0;

		progress_draw (progress, i, i == 0);
		tally->total++;
		if (!batch.open && !batch_begin (store, &batch, &error)) {
			print_item_error (progress, item, error);
			g_clear_error (&error);
			tally->errors++;
			continue;
		}
		batch.messages++;
		if (!reinject_one (store, config, item->entry, resend, run, &result, &bytes, &error)) {
			/* Its savepoint is rolled back: the batch goes on,
			 * unless SQLite rolled all of it back. */
			print_item_error (progress, item, error);
			g_clear_error (&error);
			tally->errors++;
			if (!store_batch_alive (store))
				batch_end (store, config, &batch, tally, sender, dry_run, progress);
			continue;
		}
		batch.bytes += bytes;
		count (&batch.tally, &result);
		if (result.outbox != NULL)
			g_array_append_vals (batch.outbox, result.outbox->data, result.outbox->len);
		if (result.commands != NULL)
			run_commands (store, config, &batch, tally, sender, dry_run, progress, item,
			              &result);
		deliver_result_clear (&result);
		if (batch_full (&batch))
			batch_end (store, config, &batch, tally, sender, dry_run, progress);
	}
	batch_end (store, config, &batch, tally, sender, dry_run, progress);
	g_array_unref (batch.outbox);
	progress_draw (progress, items->len, TRUE);
	progress_clear (progress);
}

/* Removes the dry run's scratch copy, if there is one. */
static void
scratch_clear (Config *scratch_config, const char *scratch)
{
	if (scratch != NULL)
		util_remove_tree (scratch);
	g_free (scratch_config->database);
	g_free (scratch_config->spool);
}

/* The summary line: what was recorded, and, when a folder held files that
 * were not read, how many and why (each was said on stderr). */
static void
print_summary (const Tally *tally, const Sender *sender, const MailboxSkips *skips)
{
	guint skipped = skips->links + skips->special + skips->names;

	if (sender->queued > 0)
		printf ("%u outgoing messages: %u sent, %u left queued for `liaison queue run`, %u failed\n",
		        sender->queued, sender->stats.sent,
		        sender->queued - sender->stats.sent - sender->stats.failed, sender->stats.failed);
	printf ("%u messages: %u statements, %u replies, %u held, %u duplicates, %u other, %u errors",
	        tally->total, tally->statements, tally->replies, tally->held, tally->duplicates,
	        tally->other, tally->errors);
	if (skipped > 0)
		printf (", %u skipped (%u symbolic links, %u not regular files, "
		        "%u not MH message numbers)", skipped, skips->links, skips->special, skips->names);
	printf ("\n");
}

static LiaisonStatus
parse_arguments (int *argc, char ***argv, gboolean *dry_run, gboolean *resend)
{
	const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, dry_run,
		  "Report what would be recorded, and record nothing", NULL },
		{ "resend", 0, 0, G_OPTION_ARG_NONE, resend,
		  "Also send again what the first delivery of messages already recorded sent", NULL },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	int stdin_count = 0;

	context = command_option_context_new (command, "SOURCE...",
	                                      "Processes every message of mbox files, Maildirs, MH "
	                                      "folders or \"-\" (an mbox on standard input) as "
	                                      "deliver would, oldest first. Messages recorded before "
	                                      "are known duplicates.", entries);
	if (!g_option_context_parse (context, argc, argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (*argc < 2)
		return command_usage_error (command, "missing SOURCE (an mbox file, a Maildir, an MH "
		                            "folder, or -)");
	for (int i = 1; i < *argc; i++)
		stdin_count += strcmp ((*argv)[i], "-") == 0;
	if (stdin_count > 1)
		return command_usage_error (command, "standard input (-) can be read only once");
	return LIAISON_STATUS_OK;
}

LiaisonStatus
cmd_reinject (const GlobalOptions *options, int argc, char **argv)
{
	gboolean dry_run = FALSE, resend = FALSE;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autoptr (Store) store = NULL;
	g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) mailbox_source_close);
	g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (Item));
	g_autofree char *scratch = NULL;
	g_autofree char *tmp_dir = NULL;
	Config scratch_config = { 0 };
	const Config *use;
	Progress progress = { 0 };
	Sender sender = { 0 };
	Tally tally = { 0 };
	MailboxSkips skips = { 0 };
	guint source_failures;
	LiaisonStatus status;

	g_array_set_clear_func (items, item_clear);
	status = parse_arguments (&argc, &argv, &dry_run, &resend);
	if (status != LIAISON_STATUS_OK)
		return status;
	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error)) {
		print_error (NULL, error->message);
		return LIAISON_STATUS_TEMPFAIL;
	}
	/* SIGTERM and SIGINT stop the run between two messages' files: the
	 * batch in flight is rolled back (its files are orphans that a run
	 * again adopts), the batches before stay recorded, and running again
	 * is safe. */
	guard_init (0);
	progress.enabled = isatty (STDERR_FILENO);

	/* The spool's secret keys our Message-IDs; a dry run uses it when
	 * there is one and creates none in the real spool. */
	if (!dry_run || secret_exists (ctx.config->spool)) {
		if (!command_load_secret (ctx.config, &error)) {
			print_error (NULL, error->message);
			return LIAISON_STATUS_TEMPFAIL;
		}
	}
	store = open_store (ctx.config, dry_run, &scratch_config, &scratch, &error);
	if (store != NULL && dry_run && scratch_config.secret[0] == '\0' &&
	    !command_load_secret (&scratch_config, &error))
		g_clear_pointer (&store, store_close);
	if (store == NULL) {
		print_error (NULL, error->message);
		scratch_clear (&scratch_config, scratch);
		return command_status_from_error (error);
	}
	use = dry_run ? &scratch_config : ctx.config;
	tmp_dir = g_build_filename (use->spool, "tmp", NULL);

	source_failures = collect (sources, argv + 1, argc - 1, tmp_dir, items, &skips, &progress);
	g_array_sort (items, item_compare);
	reinject_items (store, use, items, resend, dry_run, &tally, &sender, &progress);

	g_clear_pointer (&sender.transport, transport_free);
	g_clear_pointer (&store, store_close);
	g_ptr_array_set_size (sources, 0);
	if (dry_run) {
		scratch_clear (&scratch_config, scratch);
		printf ("dry run: nothing was recorded\n");
	}
	print_summary (&tally, &sender, &skips);
	if (fflush (stdout) != 0 && !command_output_closed (errno))
		return LIAISON_STATUS_ERROR;
	return tally.errors == 0 && source_failures == 0 ? LIAISON_STATUS_OK : LIAISON_STATUS_ERROR;
}
