/* outbox.c: from a queued row to a message the transport accepted. Each row
 * is claimed with one UPDATE that only one process can win (so a `queue
 * run` and a `deliver` never both send it), handed over outside any
 * transaction, and marked in a short transaction. Signals are held back from
 * the claim to the mark, so that a stop request never falls between the
 * transport's acceptance and its record. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "gmime-util.h"
#include "guard.h"
#include "hash.h"
#include "outbox.h"
#include "spool.h"

/* The least time a hand-over is given, and what is kept back for
 * recording it, in seconds. */
#define MIN_SEND_TIME 5
#define RECORD_TIME 3
/* How often the outcome is recorded again when the database is busy. */
#define RECORD_TRIES 3

char *
outbox_write (const char *spool, GMimeMessage *mime, char **sha256, gint64 *size, GError **error)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = NULL;
	g_autoptr (GMimeStream) file = NULL;
	g_autoptr (GMimeStream) filtered = NULL;
	g_autoptr (GMimeFilter) checksum = NULL;
	g_autoptr (GMimeFilter) unix_lines = NULL;
	g_autoptr (GMimeFormatOptions) options = NULL;
	struct stat st;
	int fd, errsv;

	g_return_val_if_fail (spool != NULL, NULL);
	g_return_val_if_fail (GMIME_IS_MESSAGE (mime), NULL);
	g_return_val_if_fail (sha256 != NULL, NULL);

	dir = g_build_filename (spool, "tmp", NULL);
	if (g_mkdir_with_parents (dir, 0750) < 0) {
		liaison_set_errno (error, errno, "cannot create the spool's tmp directory");
		return NULL;
	}
	path = g_build_filename (dir, "out.XXXXXX", NULL);
	fd = guard_mkstemp (path, O_RDWR | O_CLOEXEC, 0640);
	if (fd < 0) {
		errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot create a file in %s", dir);
		liaison_set_errno (error, errsv, what);
		return NULL;
	}

	/* LF line ends whatever the original had (it is attached as it
	 * came), and the checksum of exactly the bytes written. */
	/* Its flush fsyncs the file, unless a batch defers that. */
	file = spool_file_stream (fd);
	filtered = g_mime_stream_filter_new (file);
	unix_lines = g_mime_filter_dos2unix_new (FALSE);
	checksum = hash_filter_new ();
	g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), unix_lines);
	g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), checksum);
	options = g_mime_format_options_new ();
	g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_UNIX);

	errno = 0;
	if (g_mime_object_write_to_stream (GMIME_OBJECT (mime), options, filtered) < 0 ||
	    g_mime_stream_flush (filtered) < 0) {
		errsv = errno != 0 ? errno : EIO;
		liaison_set_errno (error, errsv, "cannot write an outgoing message to the spool");
		goto fail;
	}
	if (fstat (fd, &st) < 0) {
		liaison_set_errno (error, errno, "cannot write an outgoing message to the spool");
		goto fail;
	}
	g_clear_object (&filtered);
	g_clear_object (&file);
	if (close (fd) < 0) {
		fd = -1;
		liaison_set_errno (error, errno, "cannot write an outgoing message to the spool");
		goto fail;
	}
	fd = -1;
	*sha256 = hash_filter_hex (checksum);
	if (size != NULL)
		*size = (gint64) st.st_size;
	return g_steal_pointer (&path);

fail:
	g_clear_object (&filtered);
	g_clear_object (&file);
	if (fd >= 0)
		close (fd);
	(void) unlink (path);
	guard_forget_path (path);
	return NULL;
}

guint
outbox_backoff (int attempts)
{
	guint delay = 5 * 60;

	for (int i = 1; i < attempts && delay < 4 * 60 * 60; i++)
		delay *= 2;
	return MIN (delay, 4 * 60 * 60);
}

/* @now (ISO 8601) plus @seconds, in the same form; NULL when @now is not a
 * time. */
static char *
time_add (const char *now, gint64 seconds)
{
	g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (now, NULL);
	g_autoptr (GDateTime) later = NULL;

	if (t == NULL)
		return NULL;
	later = g_date_time_add_seconds (t, (gdouble) seconds);
	return later != NULL ? g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

/* Seconds from @from to @to (ISO 8601), or 0 when either is not a time. */
static gint64
time_between (const char *from, const char *to)
{
	g_autoptr (GDateTime) a = from != NULL ? g_date_time_new_from_iso8601 (from, NULL) : NULL;
	g_autoptr (GDateTime) b = to != NULL ? g_date_time_new_from_iso8601 (to, NULL) : NULL;

	if (a == NULL || b == NULL)
		return 0;
	return g_date_time_difference (b, a) / G_USEC_PER_SEC;
}

gboolean
outbox_is_interrupted (const StoreOutbox *entry, const char *now)
{
	g_return_val_if_fail (entry != NULL, FALSE);

	return g_strcmp0 (entry->state, "sending") == 0 && entry->claimed_at != NULL &&
	       time_between (entry->claimed_at, now) > OUTBOX_CLAIM_LEASE;
}

/* "forward <LS-2026-0007.forward@example.org> to a@x, b@y". */
static char *
describe (const StoreOutbox *entry)
{
	g_autoptr (GString) out = g_string_new (NULL);

	g_string_append_printf (out, "%s <%s>", entry->kind, entry->message_id);
	for (guint i = 0; entry->recipients != NULL && i < entry->recipients->len; i++)
		g_string_append_printf (out, "%s%s", i == 0 ? " to " : ", ",
		                        (const char *) g_ptr_array_index (entry->recipients, i));
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
claim (Store *store, gint64 id, const char *token, const char *now, const char *stale_before,
       gboolean *claimed, GError **error)
{
	if (!store_begin (store, error))
		return FALSE;
	if (!store_claim_outbox (store, id, token, (gint64) getpid (), now, stale_before, claimed, error) ||
	    !store_commit (store, error)) {
		store_rollback (store);
		return FALSE;
	}
	return TRUE;
}

static gboolean
finish (Store *store, const StoreOutbox *entry, const char *token, StoreOutboxOutcome outcome,
        const char *now, const char *next_attempt, const char *error_text, GPtrArray *refused,
        GError **error)
{
	g_autofree char *what = describe (entry);
	g_autofree char *detail = NULL;
	const char *type;

	switch (outcome) {
	case STORE_OUTBOX_SENT:
		type = "sent";
		detail = g_steal_pointer (&what);
		break;
	case STORE_OUTBOX_DEFERRED:
		type = "deferred";
		detail = g_strdup_printf ("%s: %s", what, error_text);
		break;
	case STORE_OUTBOX_FAILED:
	default:
		type = "send-failed";
		detail = g_strdup_printf ("%s: %s", what, error_text);
		break;
	}

	/* After an acceptance this record is what keeps the message from
	 * being handed over again: insist a little when the database is
	 * busy. */
	for (int tries = 1; ; tries++) {
		g_autoptr (GError) local = NULL;

		if (store_begin (store, &local) &&
		    store_finish_outbox (store, entry->id, token, outcome, now, next_attempt, error_text,
		                         refused, type, detail, &local) &&
		    store_commit (store, &local))
			return TRUE;
		store_rollback (store);
		if (tries >= RECORD_TRIES || !g_error_matches (local, LIAISON_ERROR, LIAISON_ERROR_BUSY)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
	}
}

/* Hands over one claimed row. */
static gboolean
send_one (Store *store, const Config *config, Transport *transport, StoreOutbox *entry,
          const char *token, const OutboxOptions *options, guint timeout, OutboxStats *stats,
          GError **error)
{
	g_autoptr (GPtrArray) refused = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) send_error = NULL;
	g_autofree char *path = spool_path (config->spool, "out", entry->sha256);
	g_autofree char *next_attempt = NULL;
	StoreOutboxOutcome outcome;
	const char *text = NULL;

	if (entry->recipients->len == 0) {
		/* Every route was refused or bounced already. */
		outcome = STORE_OUTBOX_FAILED;
		text = "no recipient left";
	} else if (transport_send (transport, entry->sender, entry->recipients, path, timeout,
	                           refused, &send_error)) {
		outcome = STORE_OUTBOX_SENT;
	} else if (g_error_matches (send_error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT) &&
	           time_between (entry->created, options->now) < OUTBOX_MAX_AGE) {
		outcome = STORE_OUTBOX_DEFERRED;
		text = send_error->message;
		next_attempt = time_add (options->now, outbox_backoff (entry->attempts));
		if (next_attempt == NULL)
			next_attempt = g_strdup (options->now);
	} else {
		outcome = STORE_OUTBOX_FAILED;
		text = send_error != NULL ? send_error->message : "refused";
	}

	if (!finish (store, entry, token, outcome, options->now, next_attempt, text, refused, error)) {
		g_prefix_error (error, "%s was %s, but ", entry->message_id,
		                outcome == STORE_OUTBOX_SENT ? "handed over" : "not handed over");
		return FALSE;
	}
	switch (outcome) {
	case STORE_OUTBOX_SENT:
		stats->sent++;
		break;
	case STORE_OUTBOX_DEFERRED:
		stats->deferred++;
		break;
	case STORE_OUTBOX_FAILED:
		stats->failed++;
		break;
	}
	if (options->report != NULL)
		options->report (entry, outcome, text, options->user_data);
	return TRUE;
}

gboolean
outbox_send (Store *store, const Config *config, Transport *transport, GArray *ids,
             const OutboxOptions *options, OutboxStats *stats, GError **error)
{
	g_autofree char *stale_before = NULL;

	g_return_val_if_fail (store != NULL && config != NULL && transport != NULL, FALSE);
	g_return_val_if_fail (ids != NULL && options != NULL && options->now != NULL, FALSE);
	g_return_val_if_fail (stats != NULL, FALSE);

	if (options->interrupted)
		stale_before = time_add (options->now, -OUTBOX_CLAIM_LEASE);

	for (guint i = 0; i < ids->len; i++) {
		gint64 id = g_array_index (ids, gint64, i);
		g_autofree char *token = g_uuid_string_random ();
		g_autoptr (StoreOutbox) entry = NULL;
		guint timeout = TRANSPORT_DEFAULT_TIMEOUT;
		gboolean claimed = FALSE, ok;

		if (options->deadline > 0) {
			gint64 left = (options->deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC - RECORD_TIME;
			if (left < MIN_SEND_TIME) {
				stats->postponed += ids->len - i;
				break;
			}
			timeout = (guint) MIN ((gint64) timeout, left);
		}

		/* From the claim to the record of the outcome, a stop request
		 * waits: it takes effect between two messages. */
		guard_block ();
		if (!claim (store, id, token, options->now, stale_before, &claimed, error)) {
			guard_unblock ();
			return FALSE;
		}
		if (!claimed) {
			guard_unblock ();
			stats->skipped++;
			continue;
		}
		entry = store_get_outbox (store, id, error);
		if (entry == NULL) {
			guard_unblock ();
			if (error != NULL && *error == NULL)
				g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND,
				             "outgoing message %" G_GINT64_FORMAT " vanished", id);
			return FALSE;
		}
		ok = send_one (store, config, transport, entry, token, options, timeout, stats, error);
		guard_unblock ();
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

gboolean
outbox_run (Store *store, const Config *config, Transport *transport,
            const OutboxOptions *options, OutboxStats *stats, GError **error)
{
	g_autofree char *stale_before = NULL;
	g_autoptr (GArray) ids = NULL;

	g_return_val_if_fail (options != NULL && options->now != NULL, FALSE);

	if (options->interrupted)
		stale_before = time_add (options->now, -OUTBOX_CLAIM_LEASE);
	ids = store_due_outbox (store, options->now, options->ignore_schedule, stale_before, error);
	if (ids == NULL)
		return FALSE;
	return outbox_send (store, config, transport, ids, options, stats, error);
}
