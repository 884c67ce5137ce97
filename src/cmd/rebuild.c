/* cmd/rebuild.c: `liaison rebuild [--force]` (SPEC §12): recreates the
 * database from the spool, its journal and its secret alone. Each record
 * of the journal is replayed in order: an arrival through the deliver
 * pipeline with its time, envelope and id or held message's handle
 * (deliver_replay()); a manual action (route, promote, dismiss, close,
 * reopen, taken) as its command does it; `remind`'s summary of held
 * messages is queued again; a hand-over result marks its outgoing
 * message as the journal says; a reminder is queued again. Mail is
 * queued with the same bytes and Message-IDs (keyed by the spool's
 * secret), never sent: a statement's forward, acknowledgement or held
 * notice whose file SPOOL/out holds already is not composed again, its
 * row names that file (outbox_reuse_begin()); other mail is composed. The new database is built beside the
 * old path and renamed into place at the end; an existing database is
 * refused unless --force, which moves it aside as DATABASE.bak.
 * Returns OK; ERROR when it could not rebuild, or when some records
 * could not be replayed (the database is rebuilt without them); USAGE. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "cmd/actions.h"
#include "record/commands.h"
#include "cmd/common.h"
#include "deliver.h"
#include "base/error.h"
#include "record/edit.h"
#include "outbound/outbox.h"
#include "store/journal.h"
#include "store/secret.h"
#include "store/spool.h"
#include "store/store.h"

static const char command[] = "rebuild";

typedef struct {
	guint arrivals, statements, actions, handovers, reminders;
	guint skipped;           /* arrivals whose commit had failed, or gone */
	guint failed;            /* records that could not be replayed */
} Tally;

typedef struct {
	Store *store;
	const Config *config;
	GHashTable *last;        /* dedupe key -> the index of its last arrival */
	GHashTable *digests;     /* Message-IDs of the digests replayed (not queued) */
	Tally tally;
} Replay;

static char *
dedupe_key (const JournalRecord *r)
{
	/* arrival RECEIVED NOW RAW DEDUPE MESSAGE_ID ... */
	return g_strconcat (journal_field (r, 5) != NULL ? journal_field (r, 5) : "", " ",
	                    journal_field (r, 4), NULL);
}

/* The last arrival line of each message: an earlier one is of a delivery
 * whose commit failed after its line was written (the retry wrote
 * another). */
static GHashTable *
last_arrivals (GPtrArray *records)
{
	GHashTable *last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < records->len; i++) {
		const JournalRecord *r = g_ptr_array_index (records, i);

		if (g_strcmp0 (journal_field (r, 0), "arrival") == 0 && journal_field (r, 4) != NULL)
			g_hash_table_insert (last, dedupe_key (r), GUINT_TO_POINTER (i + 1));
	}
	return last;
}

/* Whether @text is a SHA-256 in lowercase hex, as the journal and the
 * spool's names write them. */
static gboolean
is_sha256 (const char *text)
{
	gsize i = 0;

	while (text != NULL && ((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
		i++;
	return i == 64 && text[i] == '\0';
}

static gboolean
replay_arrival (Replay *rp, const JournalRecord *r, guint index, GError **error)
{
	g_autofree char *key = dedupe_key (r);
	g_autofree char *path = NULL;
	g_autoptr (Message) message = NULL;
	const char *raw = journal_field (r, 3), *id = journal_field (r, 10);
	DeliverResult result = { 0 };
	gboolean ok;

	if (GPOINTER_TO_UINT (g_hash_table_lookup (rp->last, key)) != index + 1 || raw == NULL) {
		rp->tally.skipped++;
		return TRUE;
	}
	path = spool_path (rp->config->spool, "msg", raw);
	if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
		/* Its commit failed and the file went with it. */
		rp->tally.skipped++;
		return TRUE;
	}
	/* The file's name is its SHA-256 (spool_path()); the dedupe hash is
	 * the one recorded when it came. */
	message = message_open_spooled (path, is_sha256 (raw) ? raw : NULL,
	                                is_sha256 (journal_field (r, 4)) ? journal_field (r, 4) : NULL,
	                                rp->config->max_message_size, error);
	if (message == NULL)
		return FALSE;
	message->sender = g_strdup (journal_field (r, 6));
	message->recipient = g_strdup (journal_field (r, 7));
	message->extension = g_strdup (journal_field (r, 8));
	message->oversized |= g_strcmp0 (journal_field (r, 9), "oversized") == 0;
	if (id != NULL && *id == '\0')
		id = NULL;
	ok = deliver_replay (rp->store, rp->config, message, journal_field (r, 1),
	                     journal_field (r, 2), id, &result, error);
	if (ok && result.duplicate) {
		rp->tally.skipped++;
	} else if (ok) {
		gboolean created = result.created;

		rp->tally.arrivals++;
		rp->tally.statements += created && result.kind == CLASS_STATEMENT && !result.conflict;
		/* A newer version may read a message otherwise than the one
		 * that recorded it: recorded all the same, and said. */
		if (created != (id != NULL)) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			             "<%s> is now %s, but was %s when it came",
			             message->message_id != NULL ? message->message_id : raw,
			             created ? "a statement or held message" : message_class_to_string (result.kind),
			             id != NULL ? id : "no statement");
			ok = FALSE;
		}
	}
	deliver_result_clear (&result);
	return ok;
}

/* `remind`'s daily summary of held messages, queued again at its time:
 * it names as many (@named) as it did then, carried by the same one
 * (@carrier), so that its Message-ID, and its hand-over, are the same. */
static gboolean
replay_held_summary (Replay *rp, const char *carrier, const char *named, const char *at,
                     GError **error)
{
	g_autoptr (GArray) outbox = NULL;
	g_autofree char *count_text = NULL;
	guint count = 0;

	if (!deliver_held_summary (rp->store, rp->config, at, &outbox, &count, error))
		return FALSE;
	count_text = g_strdup_printf ("%u", count);
	if (g_strcmp0 (count_text, named) != 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "the held summary carried by "
		             "%s named %s messages; now %u", carrier, named != NULL ? named : "?",
		             count);
		return FALSE;
	}
	return TRUE;
}

/* An `edit`: its FIELD=VALUE arguments read again as the command reads
 * them, the note last ("note=TEXT"). */
static gboolean
replay_edit (Replay *rp, const JournalRecord *r, const char *id, const char *by, const char *at,
             GError **error)
{
	g_auto (Edit) edit;
	const char *note = NULL;
	DeliverResult result = { 0 };
	gboolean ok;

	edit_init (&edit);
	for (guint i = 5; i < r->len; i++) {
		const char *arg = journal_field (r, i);

		if (arg == NULL)
			continue;
		if (g_str_has_prefix (arg, "note="))
			note = arg + 5;
		else if (!edit_parse (&edit, rp->config, arg, error))
			return FALSE;
	}
	ok = deliver_edit (rp->store, rp->config, id, &edit, by, note, at, &result, error);
	deliver_result_clear (&result);
	return ok;
}

/* A `purge`. Its message's raw file went with it, so its arrival was
 * skipped and the statement may not be there: then there is nothing to
 * purge. */
static gboolean
replay_purge (Replay *rp, const char *id, const char *reason, const char *by, const char *at,
              GError **error)
{
	DeliverResult result = { 0 };
	g_autoptr (GError) local = NULL;
	gboolean ok = deliver_purge (rp->store, rp->config, id, reason != NULL ? reason : "", by, at,
	                             &result, &local);

	deliver_result_clear (&result);
	if (ok || g_error_matches (local, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND))
		return TRUE;
	g_propagate_error (error, g_steal_pointer (&local));
	return FALSE;
}

/* `submit` from the shell, again: its message from the spool, the same
 * id, who submitted it and whether it was approved already. */
static gboolean
replay_submit (Replay *rp, const JournalRecord *r, const char *id, const char *by,
               const char *at, GError **error)
{
	const char *raw = journal_field (r, 5);
	g_autofree char *path = NULL;
	g_autoptr (Message) message = NULL;
	DeliverSubmit cli = { by, g_strcmp0 (journal_field (r, 6), "approved") == 0 };
	DeliverResult result = { 0 };
	gboolean ok;

	if (raw == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "a submit without its message");
		return FALSE;
	}
	path = spool_path (rp->config->spool, "msg", raw);
	message = message_open_file (path, rp->config->max_message_size, error);
	if (message == NULL)
		return FALSE;
	ok = deliver_submit (rp->store, rp->config, message, &cli, at, id, &result, error);
	rp->tally.statements += ok && result.created;
	deliver_result_clear (&result);
	return ok;
}

/* `approve` and `reject`, again. */
static gboolean
replay_decision (Replay *rp, const char *kind, const char *id, const char *reason,
                 const char *by, const char *at, GError **error)
{
	DeliverResult result = { 0 };
	gboolean ok = strcmp (kind, "approve") == 0
		? deliver_approve (rp->store, rp->config, id, by, at, &result, error)
		: deliver_reject (rp->store, rp->config, id, reason != NULL ? reason : "", by, at,
		                  &result, error);

	deliver_result_clear (&result);
	return ok;
}

static gboolean
replay_action (Replay *rp, const JournalRecord *r, GError **error)
{
	const char *at = journal_field (r, 1), *by = journal_field (r, 2);
	const char *kind = journal_field (r, 3), *id = journal_field (r, 4);

	if (kind == NULL || id == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "an action without its statement");
		return FALSE;
	}
	if (strcmp (kind, "route") == 0) {
		g_autoptr (GPtrArray) groups = g_ptr_array_new ();
		DeliverResult result = { 0 };
		gboolean ok;

		for (guint i = 5; i < r->len; i++)
			g_ptr_array_add (groups, (gpointer) journal_field (r, i));
		if (groups->len == 0)
			return TRUE;
		ok = deliver_route (rp->store, rp->config, id, groups, by, at, &result, error);
		deliver_result_clear (&result);
		return ok;
	}
	if (strcmp (kind, "promote") == 0)
		return action_promote (rp->store, rp->config, id,
		                       (const char *const *) r->pdata + 5, r->len > 5 ? r->len - 5 : 0,
		                       by, at, error);
	if (strcmp (kind, "dismiss") == 0) {
		DeliverResult result = { 0 };
		gboolean ok = deliver_dismiss (rp->store, rp->config, id, by, at, &result, error);

		deliver_result_clear (&result);
		return ok;
	}
	if (strcmp (kind, "edit") == 0)
		return replay_edit (rp, r, id, by, at, error);
	if (strcmp (kind, "purge") == 0)
		return replay_purge (rp, id, journal_field (r, 5), by, at, error);
	if (strcmp (kind, "held-summary") == 0)
		return replay_held_summary (rp, id, journal_field (r, 5), at, error);
	if (strcmp (kind, "close") == 0 || strcmp (kind, "reopen") == 0 || strcmp (kind, "taken") == 0) {
		const char *done = NULL, *nothing = NULL;

		return action_change_state (rp->store, kind, id, by, at, NULL, &done, &nothing, error);
	}
	if (strcmp (kind, "submit") == 0)
		return replay_submit (rp, r, id, by, at, error);
	if (strcmp (kind, "approve") == 0 || strcmp (kind, "reject") == 0)
		return replay_decision (rp, kind, id, journal_field (r, 5), by, at, error);
	if (strcmp (kind, "note") == 0)
		return commands_note (rp->store, rp->config, id, journal_field (r, 5), by, at, error);
	if (strcmp (kind, "mail-reply") == 0) {
		g_autoptr (GArray) outbox = NULL;

		return commands_confirm (rp->store, rp->config, id, by, journal_field (r, 5),
		                         journal_field (r, 6), journal_field (r, 7), at, &outbox, error);
	}
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "an action this version does not know: %s",
	             kind);
	return FALSE;
}

static gboolean
outcome_of (const char *name, StoreOutboxOutcome *outcome)
{
	if (g_strcmp0 (name, "sent") == 0)
		*outcome = STORE_OUTBOX_SENT;
	else if (g_strcmp0 (name, "deferred") == 0)
		*outcome = STORE_OUTBOX_DEFERRED;
	else if (g_strcmp0 (name, "failed") == 0)
		*outcome = STORE_OUTBOX_FAILED;
	else
		return FALSE;
	return TRUE;
}

/* Marks the outgoing message as the journal says, without sending it:
 * claimed and finished as outbox_send() did. A row no longer queued (a
 * line repeated by a retry) is left alone. */
static gboolean
replay_handover (Replay *rp, const JournalRecord *r, GError **error)
{
	const char *at = journal_field (r, 1), *refused_text = journal_field (r, 6);
	g_autoptr (StoreOutbox) entry = NULL;
	g_autoptr (GPtrArray) refused = g_ptr_array_new_with_free_func (g_free);
	StoreOutboxOutcome outcome;
	gboolean claimed = FALSE;

	if (!outcome_of (journal_field (r, 3), &outcome) || journal_field (r, 2) == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "a hand-over without its outcome");
		return FALSE;
	}
	entry = store_find_outbox (rp->store, journal_field (r, 2), error);
	if (entry == NULL && g_hash_table_contains (rp->digests, journal_field (r, 2)))
		return TRUE;     /* a digest: recorded as sent by replay_digest() */
	if (entry == NULL) {
		if (error != NULL && *error == NULL)
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			             "no outgoing message <%s>", journal_field (r, 2));
		return FALSE;
	}
	if (refused_text != NULL) {
		g_auto (GStrv) parts = g_strsplit (refused_text, "\n", -1);
		for (guint i = 0; parts[i] != NULL; i++)
			g_ptr_array_add (refused, g_strdup (parts[i]));
	}
	if (!store_begin (rp->store, error))
		return FALSE;
	if (!store_claim_outbox (rp->store, entry->id, "rebuild", (gint64) getpid (), at, NULL,
	                         &claimed, error))
		goto fail;
	if (claimed &&
	    !store_finish_outbox (rp->store, entry->id, "rebuild", outcome, at, journal_field (r, 4),
	                          journal_field (r, 5), refused, journal_field (r, 7),
	                          journal_field (r, 8), error))
		goto fail;
	return store_commit (rp->store, error);

fail:
	store_rollback (rp->store);
	return FALSE;
}

/* `reinject --resend`: the mail of a message queued again. */
static gboolean
replay_requeue (Replay *rp, const JournalRecord *r, GError **error)
{
	g_autoptr (GArray) rows = NULL;

	if (journal_field (r, 3) == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "a requeue without its message");
		return FALSE;
	}
	if (!store_begin (rp->store, error))
		return FALSE;
	rows = store_requeue_message (rp->store, journal_field (r, 2), journal_field (r, 3),
	                              journal_field (r, 1), error);
	if (rows == NULL || !store_commit (rp->store, error)) {
		store_rollback (rp->store);
		return FALSE;
	}
	return TRUE;
}

/* A digest or `remind --authorized` mail: recorded as it was, nothing
 * queued, so that the period's mail is not sent again. */
static gboolean
replay_digest (Replay *rp, const JournalRecord *r, GError **error)
{
	const char *kind = journal_field (r, 2), *period = journal_field (r, 3);
	const char *target = journal_field (r, 4), *id = journal_field (r, 5);
	const char *to = journal_field (r, 6);
	g_auto (GStrv) parts = g_strsplit (to != NULL ? to : "", "\n", -1);
	g_autoptr (GPtrArray) recipients = g_ptr_array_new ();

	if (kind == NULL || period == NULL || target == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "a digest without its period");
		return FALSE;
	}
	for (guint i = 0; parts[i] != NULL; i++)
		if (*parts[i] != '\0')
			g_ptr_array_add (recipients, parts[i]);
	if (id != NULL)
		g_hash_table_add (rp->digests, g_strdup (id));
	return store_add_digest (rp->store, kind, period, target, recipients, 0,
	                         journal_field (r, 1), error);
}

/* One record; FALSE with @error set when it could not be replayed. */
static gboolean
replay_one (Replay *rp, const JournalRecord *r, guint index, GError **error)
{
	const char *kind = journal_field (r, 0);

	if (g_strcmp0 (kind, "arrival") == 0)
		return replay_arrival (rp, r, index, error);
	if (g_strcmp0 (kind, "action") == 0) {
		rp->tally.actions++;
		return replay_action (rp, r, error);
	}
	if (g_strcmp0 (kind, "handover") == 0) {
		rp->tally.handovers++;
		return replay_handover (rp, r, error);
	}
	if (g_strcmp0 (kind, "requeue") == 0)
		return replay_requeue (rp, r, error);
	if (g_strcmp0 (kind, "digest") == 0)
		return replay_digest (rp, r, error);
	if (g_strcmp0 (kind, "reminder") == 0) {
		rp->tally.reminders++;
		return remind_replay (rp->store, rp->config, journal_field (r, 2), journal_field (r, 3),
		                      journal_field (r, 4), journal_field (r, 1), error);
	}
	return TRUE;             /* "journal" and kinds of a later version */
}

/* Replays @records into @store. A temporary error (busy, I/O, disk full)
 * stops it; any other failure of one record is said, counted, and the
 * replay goes on. */
static gboolean
replay (Replay *rp, GPtrArray *records, GError **error)
{
	for (guint i = 0; i < records->len; i++) {
		g_autoptr (GError) local = NULL;

		if (replay_one (rp, g_ptr_array_index (records, i), i, &local))
			continue;
		if (liaison_error_is_temporary (local)) {
			g_propagate_error (error, g_steal_pointer (&local));
			g_prefix_error (error, "journal record %u: ", i + 1);
			return FALSE;
		}
		rp->tally.failed++;
		command_print_errorf (command, "journal record %u (%s) not replayed: %s", i + 1,
		                      journal_field (g_ptr_array_index (records, i), 0), local->message);
	}
	return TRUE;
}

/* Moves @from (and its -wal and -shm) to @to. */
static gboolean
move_database (const char *from, const char *to, GError **error)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };

	for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++) {
		g_autofree char *a = g_strconcat (from, suffixes[i], NULL);
		g_autofree char *b = g_strconcat (to, suffixes[i], NULL);

		if (rename (a, b) < 0 && (errno != ENOENT || i == 0)) {
			g_autofree char *what = g_strdup_printf ("cannot move %s to %s", a, b);
			liaison_set_errno (error, errno, what);
			return FALSE;
		}
	}
	return TRUE;
}

static void
remove_database (const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

	for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++) {
		g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
		(void) unlink (p);
	}
}

/* Builds the database at @scratch from the journal @records. */
static gboolean
build (const Config *config, const char *scratch, GPtrArray *records, Tally *tally, GError **error)
{
	g_autoptr (Store) store = NULL;
	g_autoptr (GHashTable) last = last_arrivals (records);
	g_autoptr (GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	Replay rp = { NULL, config, last, digests, { 0 } };

	remove_database (scratch);
	store = store_open (scratch, COMMAND_BUSY_TIMEOUT_MS, error);
	if (store == NULL)
		return FALSE;
	rp.store = store;
	/* One transaction: nothing of it is seen before it is whole, and
	 * the database it writes is renamed into place only then; so no
	 * WAL until then. */
	if (!store_set_scratch (store, TRUE, error) || !store_batch_begin (store, error))
		return FALSE;
	/* The spool files it names (found there, or composed again) are
	 * made durable once, before the COMMIT, not by each replayed
	 * delivery: one syncfs() where it reports errors. */
	spool_defer_begin ();
	if (!outbox_reuse_begin (config->spool, error) || !replay (&rp, records, error) ||
	    !journal_adopt (store, config->spool, error) || !spool_defer_sync (error)) {
		outbox_reuse_end ();
		spool_defer_end ();
		store_batch_rollback (store);
		return FALSE;
	}
	outbox_reuse_end ();
	spool_defer_end ();
	if (!store_batch_commit (store, error) || !store_set_scratch (store, FALSE, error))
		return FALSE;
	*tally = rp.tally;
	return TRUE;
}

static LiaisonStatus
run (CommandContext *ctx, gboolean force)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) records = NULL;
	const Config *config = ctx->config;
	g_autofree char *journal = journal_path (config->spool);
	g_autofree char *scratch = g_strconcat (config->database, ".rebuild", NULL);
	g_autofree char *backup = g_strconcat (config->database, ".bak", NULL);
	gboolean exists = g_file_test (config->database, G_FILE_TEST_EXISTS);
	guint torn = 0;
	Tally tally = { 0 };

	if (exists && !force) {
		command_print_errorf (command, "the database %s exists: rebuild --force moves it aside "
		                      "as %s and rebuilds", config->database, backup);
		return LIAISON_STATUS_ERROR;
	}
	if (!secret_exists (config->spool)) {
		command_print_errorf (command, "%s/secret is missing: the Message-IDs of the mail we "
		                      "sent could not be the same", config->spool);
		return LIAISON_STATUS_ERROR;
	}
	records = journal_read (journal, &torn, &error);
	if (records == NULL || !command_load_secret (ctx->config, &error) ||
	    !build (config, scratch, records, &tally, &error)) {
		remove_database (scratch);
		return command_fail (command, error);
	}
	if ((exists && !move_database (config->database, backup, &error)) ||
	    !move_database (scratch, config->database, &error))
		return command_fail (command, error);
	if (torn > 0)
		command_print_errorf (command, "%u damaged journal line%s ignored (a torn last line "
		                      "after a crash is one)", torn, torn == 1 ? "" : "s");
	printf ("rebuild: %u messages (%u statements), %u actions, %u hand-overs, %u reminder%s "
	        "replayed; %u skipped; %u not replayed; nothing sent\n", tally.arrivals,
	        tally.statements, tally.actions, tally.handovers, tally.reminders,
	        tally.reminders == 1 ? "" : "s", tally.skipped, tally.failed);
	return tally.failed > 0 ? LIAISON_STATUS_ERROR : LIAISON_STATUS_OK;
}

LiaisonStatus
cmd_rebuild (const GlobalOptions *options, int argc, char **argv)
{
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force,
		  "Rebuild even though the database exists; it is moved aside as DATABASE.bak", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};

	context = command_option_context_new (command, NULL, "Recreates the database from the "
	                                      "spool, its journal and its secret; sends nothing.",
	                                      entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc > 1)
		return command_usage_error (command, "unexpected argument '%s'", argv[1]);
	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error))
		return command_fail (command, error);
	return run (&ctx, force);
}
