/* outbox.c: from a queued row to a message the transport accepted. Each row
 * is claimed with one UPDATE that only one process can win (so a `queue
 * run` and a `deliver` never both send it), handed over outside any
 * transaction, and marked in a short transaction. Rows go in groups: the
 * claims of a group in one transaction, the marks in another, and a
 * transport that can (maildir) makes the group's messages durable together
 * before the marks. Signals are held back from the claim to the mark, so
 * that a stop request never falls between the transport's acceptance and
 * its record. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "base/hash.h"
#include "outbound/outbox.h"
#include "stages/compose.h"
#include "store/journal.h"
#include "store/spool.h"

/* The least time a hand-over is given, and what is kept back for
 * recording it, in seconds. */
#define MIN_SEND_TIME 5
#define RECORD_TIME 3
/* How often the outcome is recorded again when the database is busy. */
#define RECORD_TRIES 3
/* The most rows handed over as one group (transports that group): claimed
 * in one transaction, recorded in another. */
#define GROUP_ROWS 256

char *
outbox_write (const char *spool, GMimeMessage *mime, char **sha256, gint64 *size, GError **error)
{
	static const char what[] = "cannot write an outgoing message to the spool";
	g_autofree char *dir = NULL;
	g_autoptr (GMimeFilter) unix_lines = NULL;
	g_autoptr (GMimeFormatOptions) options = NULL;
	SpoolWriter writer;
	GMimeStream *out;

	g_return_val_if_fail (spool != NULL, NULL);
	g_return_val_if_fail (GMIME_IS_MESSAGE (mime), NULL);
	g_return_val_if_fail (sha256 != NULL, NULL);

	dir = g_build_filename (spool, "tmp", NULL);
	if (g_mkdir_with_parents (dir, 0750) < 0) {
		liaison_set_errno (error, errno, "cannot create the spool's tmp directory");
		return NULL;
	}
	/* LF line ends whatever the original had (it is attached as it
	 * came), and the checksum of exactly the bytes written. */
	unix_lines = g_mime_filter_dos2unix_new (FALSE);
	out = spool_writer_open (&writer, dir, "out", unix_lines, error);
	if (out == NULL)
		return NULL;
	options = g_mime_format_options_new ();
	g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_UNIX);
	errno = 0;
	if (g_mime_object_write_to_stream (GMIME_OBJECT (mime), options, out) < 0) {
		liaison_set_errno (error, errno != 0 ? errno : EIO, what);
		spool_writer_abort (&writer);
		return NULL;
	}
	return spool_writer_close (&writer, what, sha256, size, error);
}

/* The SHA-256s of the outgoing files this process wrote and linked into
 * the spool itself (not found there already): their hash was taken from
 * the bytes as they were written, so the hand-over does not read them
 * again to check it (file_changed()). A file queued by another process,
 * or an earlier run, is still checked. */
static GHashTable *written_here;

static void
remember_written (const char *sha256)
{
	if (written_here == NULL)
		written_here = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_add (written_here, g_ascii_strdown (sha256, -1));
}

static gboolean
was_written_here (const char *sha256)
{
	g_autofree char *key = NULL;

	if (written_here == NULL)
		return FALSE;
	key = g_ascii_strdown (sha256, -1);
	return g_hash_table_contains (written_here, key);
}

/* The item of @queue that carries the plan's @message, or NULL. */
static const OutboxItem *
item_of (const OutboxQueue *queue, RouteMessage message)
{
	for (guint k = 0; k < queue->n_items; k++)
		if (queue->items[k].message == message)
			return &queue->items[k];
	return NULL;
}

gboolean
outbox_queue (Txn *txn, OutboxQueue *queue, GError **error)
{
	guint position = queue->first_position;

	for (guint k = 0; k < queue->n_items; k++) {
		OutboxItem *item = &queue->items[k];
		g_autofree char *tmp = NULL, *sha256 = NULL, *sender = NULL;
		StoreOutgoing out = { 0 };
		gint64 size = 0;

		item->row = 0;
		if (item->mime == NULL && item->sha256 == NULL)
			continue;
		if (item->mime != NULL) {
			guint created = txn->created != NULL ? txn->created->len : 0;

			tmp = outbox_write (txn->spool, item->mime, &sha256, &size, error);
			if (tmp == NULL || !txn_add_temp (txn, "out", tmp, sha256, error))
				return FALSE;
			if (txn->created != NULL && txn->created->len > created)
				remember_written (sha256);
		} else {
			sha256 = g_strdup (item->sha256);
			size = item->size;
		}
		out.statement_id = queue->statement_id;
		out.message_row = queue->message_row;
		out.kind = item->kind;
		out.message_id = item->message_id;
		sender = compose_bounce_address (queue->config, item->message_id);
		out.sender = sender;
		out.sha256 = sha256;
		out.size = size;
		out.created = queue->now;
		item->row = store_add_outbox (txn->store, &out, error);
		if (item->row == 0)
			return FALSE;
	}

	for (guint i = 0; i < queue->plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (queue->plan->routes, i);
		const OutboxItem *item = item_of (queue, r->message);

		if (item == NULL)
			continue;
		if (!store_add_route (txn->store, queue->statement_id, position++, r->address,
		                      route_role_to_string (r->role), route_status_to_string (r->status),
		                      r->status == ROUTE_STATUS_QUEUED ? item->row : 0, queue->now, error))
			return FALSE;
	}
	return TRUE;
}

/* outbox_reuse_begin()'s index: Message-ID -> ReusedFile. */
static GHashTable *reuse;

typedef struct {
	char sha256[65];         /* "": two files carry the Message-ID */
	gint64 size;
} ReusedFile;

/* The Message-ID (without <>) of the message whose first bytes are
 * @head, or NULL. Newly allocated. */
static char *
head_message_id (const char *head)
{
	for (const char *line = head; line != NULL && *line != '\0' && *line != '\n';) {
		const char *next = strchr (line, '\n');

		if (g_ascii_strncasecmp (line, "Message-ID:", 11) == 0) {
			const char *open = strchr (line, '<'), *close = open != NULL ? strchr (open, '>') : NULL;

			if (open == NULL || close == NULL || (next != NULL && close > next))
				return NULL;
			return g_strndup (open + 1, (gsize) (close - open - 1));
		}
		line = next != NULL ? next + 1 : NULL;
	}
	return NULL;
}

static void
reuse_add (const char *path, const char *sha256)
{
	char head[4096];
	struct stat st;
	ReusedFile *file;
	ssize_t n = -1;
	int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	g_autofree char *id = NULL;

	if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
		n = read (fd, head, sizeof head - 1);
	if (fd >= 0)
		(void) close (fd);
	if (n <= 0)
		return;
	head[n] = '\0';
	id = head_message_id (head);
	if (id == NULL)
		return;
	file = g_hash_table_lookup (reuse, id);
	if (file != NULL) {
		file->sha256[0] = '\0';
		return;
	}
	file = g_new0 (ReusedFile, 1);
	g_strlcpy (file->sha256, sha256, sizeof file->sha256);
	file->size = (gint64) st.st_size;
	g_hash_table_insert (reuse, g_steal_pointer (&id), file);
}

static gboolean
is_sha256 (const char *name)
{
	gsize i;

	for (i = 0; g_ascii_isxdigit (name[i]); i++)
		;
	return i == 64 && name[i] == '\0';
}

gboolean
outbox_reuse_begin (const char *spool, GError **error)
{
	g_autofree char *out = g_build_filename (spool, "out", NULL);
	g_autoptr (GDir) dir = NULL;
	g_autoptr (GError) local = NULL;
	const char *bucket;

	outbox_reuse_end ();
	reuse = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	dir = g_dir_open (out, 0, &local);
	if (dir == NULL) {
		if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		g_propagate_prefixed_error (error, g_steal_pointer (&local), "cannot read %s: ", out);
		outbox_reuse_end ();
		return FALSE;
	}
	while ((bucket = g_dir_read_name (dir)) != NULL) {
		g_autofree char *path = g_build_filename (out, bucket, NULL);
		g_autoptr (GDir) files = g_dir_open (path, 0, NULL);
		const char *name;

		while (files != NULL && (name = g_dir_read_name (files)) != NULL) {
			g_autofree char *file = NULL;

			if (!is_sha256 (name) || strncmp (name, bucket, 2) != 0)
				continue;
			file = g_build_filename (path, name, NULL);
			reuse_add (file, name);
		}
	}
	return TRUE;
}

gboolean
outbox_reuse_find (const char *message_id, const char **sha256, gint64 *size)
{
	const ReusedFile *file;

	if (reuse == NULL || message_id == NULL)
		return FALSE;
	file = g_hash_table_lookup (reuse, message_id);
	if (file == NULL || file->sha256[0] == '\0')
		return FALSE;
	*sha256 = file->sha256;
	*size = file->size;
	return TRUE;
}

void
outbox_reuse_end (void)
{
	g_clear_pointer (&reuse, g_hash_table_destroy);
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

/* One row of a group from its claim to the record of its outcome. */
typedef struct {
	StoreOutbox *entry;
	StoreOutboxOutcome outcome;
	char *text;              /* why, unless sent */
	char *next_attempt;      /* when deferred */
	GPtrArray *refused;      /* char*: recipients refused for good */
	gboolean staged;         /* accepted once the transport's group commits */
	gboolean recorded;       /* its outcome is in the database */
} Handover;

static void
handover_free (Handover *h)
{
	store_outbox_free (h->entry);
	g_free (h->text);
	g_free (h->next_attempt);
	g_ptr_array_unref (h->refused);
	g_free (h);
}

/* Claims the rows @ids[@from, @from + @n) for @token in one transaction and
 * appends a Handover for each that it won to @group; counts the others in
 * @stats as skipped. Nothing is claimed when it fails. */
static gboolean
claim_group (Store *store, GArray *ids, guint from, guint n, const char *token, const char *now,
             const char *stale_before, GPtrArray *group, OutboxStats *stats, GError **error)
{
	guint skipped = 0;

	if (!store_begin (store, error))
		return FALSE;
	for (guint i = from; i < from + n; i++) {
		gint64 id = g_array_index (ids, gint64, i);
		gboolean claimed = FALSE;
		Handover *h;

		if (!store_claim_outbox (store, id, token, (gint64) getpid (), now, stale_before, &claimed, error))
			goto fail;
		if (!claimed) {
			skipped++;
			continue;
		}
		h = g_new0 (Handover, 1);
		h->refused = g_ptr_array_new_with_free_func (g_free);
		g_ptr_array_add (group, h);
		h->entry = store_get_outbox (store, id, error);
		if (h->entry == NULL) {
			if (error != NULL && *error == NULL)
				g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND,
				             "outgoing message %" G_GINT64_FORMAT " vanished", id);
			goto fail;
		}
	}
	if (!store_commit (store, error))
		goto fail;
	stats->skipped += skipped;
	return TRUE;

fail:
	store_rollback (store);
	g_ptr_array_set_size (group, 0);
	return FALSE;
}

/* Sets @h's outcome from the transport's @send_error: deferred while it is
 * temporary and the message young enough, failed otherwise. */
static void
set_failure (Handover *h, const GError *send_error, const OutboxOptions *options)
{
	g_clear_pointer (&h->text, g_free);
	g_clear_pointer (&h->next_attempt, g_free);
	if (g_error_matches (send_error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT) &&
	    time_between (h->entry->created, options->now) < OUTBOX_MAX_AGE) {
		h->outcome = STORE_OUTBOX_DEFERRED;
		h->text = g_strdup (send_error->message);
		h->next_attempt = time_add (options->now, outbox_backoff (h->entry->attempts));
		if (h->next_attempt == NULL)
			h->next_attempt = g_strdup (options->now);
	} else {
		h->outcome = STORE_OUTBOX_FAILED;
		h->text = g_strdup (send_error != NULL ? send_error->message : "refused");
	}
}

/* TRUE when the file @path no longer has the SHA-256 @sha256 recorded
 * when it was queued. A file that cannot be read is not said to have
 * changed: the transport's own open fails, and the row is tried again. */
static gboolean
file_changed (const char *path, const char *sha256)
{
	g_autoptr (Hash) sum = hash_new ();
	g_autofree char *hex = NULL;
	char buf[65536];
	ssize_t n;
	int fd = open (path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return FALSE;
	while ((n = read (fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close (fd);
			return FALSE;
		}
		hash_update (sum, buf, (gsize) n);
	}
	close (fd);
	hex = hash_hex (sum);
	return g_ascii_strcasecmp (hex, sha256) != 0;
}

/* Hands over one claimed row, unless its file changed since it was
 * queued: what we recorded is what we send, or nothing. */
static void
hand_over (const Config *config, Transport *transport, Handover *h, gboolean grouped,
           guint timeout, const OutboxOptions *options)
{
	g_autoptr (GError) send_error = NULL;
	g_autofree char *path = spool_path (config->spool, "out", h->entry->sha256);

	if (h->entry->recipients->len == 0) {
		/* Every route was refused or bounced already. */
		h->outcome = STORE_OUTBOX_FAILED;
		h->text = g_strdup ("no recipient left");
	} else if (!was_written_here (h->entry->sha256) && file_changed (path, h->entry->sha256)) {
		h->outcome = STORE_OUTBOX_FAILED;
		h->text = g_strdup_printf ("not sent: the file %s changed since it was queued "
		                           "(its SHA-256 is not the one recorded)", path);
	} else if (transport_send (transport, h->entry->sender, h->entry->recipients, path, timeout,
	                           h->refused, &send_error)) {
		h->outcome = STORE_OUTBOX_SENT;
		h->staged = grouped;
	} else {
		set_failure (h, send_error, options);
	}
}

/* Records @h's outcome inside the caller's transaction. */
static gboolean
record (Store *store, const Handover *h, const char *token, const char *now, GError **error)
{
	g_autofree char *what = describe (h->entry);
	g_autofree char *detail = NULL;
	const char *type;

	switch (h->outcome) {
	case STORE_OUTBOX_SENT:
		type = "sent";
		detail = g_steal_pointer (&what);
		break;
	case STORE_OUTBOX_DEFERRED:
		type = "deferred";
		detail = g_strdup_printf ("%s: %s", what, h->text);
		break;
	case STORE_OUTBOX_FAILED:
	default:
		type = "send-failed";
		detail = g_strdup_printf ("%s: %s", what, h->text);
		break;
	}
	return store_finish_outbox (store, h->entry->id, token, h->outcome, now, h->next_attempt,
	                            h->text, h->refused, type, detail, error) &&
	       journal_handover (store, h->entry->message_id, h->outcome, now, h->next_attempt,
	                         h->text, h->refused, type, detail, error);
}

/* Records the outcomes of @group in one transaction. A row whose claim is
 * no longer ours (another process took it over after the lease) is left
 * out, and the first such error goes to @lost; the others are recorded. */
static gboolean
finish_group (Store *store, GPtrArray *group, const char *token, const char *now, GError **lost,
              GError **error)
{
	/* After an acceptance this record is what keeps the messages from
	 * being handed over again: insist a little when the database is
	 * busy. */
	for (int tries = 1; ; tries++) {
		g_autoptr (GError) local = NULL;
		g_autoptr (GError) first_lost = NULL;
		gboolean ok = store_begin (store, &local);

		for (guint i = 0; ok && i < group->len; i++) {
			Handover *h = g_ptr_array_index (group, i);
			g_autoptr (GError) one = NULL;

			h->recorded = record (store, h, token, now, &one);
			if (h->recorded)
				continue;
			/* The claim check comes before any write of the row. */
			if (g_error_matches (one, LIAISON_ERROR, LIAISON_ERROR_FAILED)) {
				if (first_lost == NULL) {
					first_lost = g_steal_pointer (&one);
					g_prefix_error (&first_lost, "%s was %s, but ", h->entry->message_id,
					                h->outcome == STORE_OUTBOX_SENT ? "handed over" : "not handed over");
				}
				continue;
			}
			g_propagate_error (&local, g_steal_pointer (&one));
			ok = FALSE;
		}
		if (ok && store_commit (store, &local)) {
			if (first_lost != NULL)
				g_propagate_error (lost, g_steal_pointer (&first_lost));
			return TRUE;
		}
		store_rollback (store);
		for (guint i = 0; i < group->len; i++)
			((Handover *) g_ptr_array_index (group, i))->recorded = FALSE;
		if (tries >= RECORD_TRIES || !g_error_matches (local, LIAISON_ERROR, LIAISON_ERROR_BUSY)) {
			g_propagate_error (error, g_steal_pointer (&local));
			g_prefix_error (error, "%u outgoing messages were handed over or tried, but ", group->len);
			return FALSE;
		}
	}
}

/* Hands over @group, claimed with @token, and records the outcomes. */
static gboolean
send_group (Store *store, const Config *config, Transport *transport, GPtrArray *group,
            const char *token, const OutboxOptions *options, guint timeout, OutboxStats *stats,
            GError **error)
{
	g_autoptr (GError) lost = NULL;
	gboolean grouped = transport_group_begin (transport);

	for (guint i = 0; i < group->len; i++)
		hand_over (config, transport, g_ptr_array_index (group, i), grouped, timeout, options);
	/* The transport makes the group's messages durable before any of
	 * them is recorded as sent; if it cannot, none was accepted, and
	 * each stays queued (or fails when too old) like any refusal. */
	if (grouped) {
		g_autoptr (GError) commit_error = NULL;

		if (!transport_group_commit (transport, &commit_error))
			for (guint i = 0; i < group->len; i++) {
				Handover *h = g_ptr_array_index (group, i);
				if (h->staged)
					set_failure (h, commit_error, options);
			}
	}
	/* A crash from here to the commit of the record leaves the rows
	 * claimed: after OUTBOX_CLAIM_LEASE they are handed over again (at
	 * least once, with the same Message-ID), never lost. */
	if (!finish_group (store, group, token, options->now, &lost, error))
		return FALSE;
	for (guint i = 0; i < group->len; i++) {
		Handover *h = g_ptr_array_index (group, i);

		if (!h->recorded)
			continue;
		switch (h->outcome) {
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
			options->report (h->entry, h->outcome, h->text, options->user_data);
	}
	if (lost != NULL) {
		g_propagate_error (error, g_steal_pointer (&lost));
		return FALSE;
	}
	return TRUE;
}

static gboolean
send_all (Store *store, const Config *config, Transport *transport, GArray *ids,
          const OutboxOptions *options, OutboxStats *stats, GError **error)
{
	g_autofree char *stale_before = NULL;
	/* A transport that makes several messages durable together gets them
	 * in groups; the others one at a time, so that a time limit or a
	 * stop request falls between two acknowledged hand-overs. */
	guint group_rows = transport_groups (transport) ? GROUP_ROWS : 1;

	g_return_val_if_fail (store != NULL && config != NULL && transport != NULL, FALSE);
	g_return_val_if_fail (ids != NULL && options != NULL && options->now != NULL, FALSE);
	g_return_val_if_fail (stats != NULL, FALSE);

	if (options->interrupted)
		stale_before = time_add (options->now, -OUTBOX_CLAIM_LEASE);

	for (guint i = 0; i < ids->len; ) {
		g_autofree char *token = g_uuid_string_random ();
		g_autoptr (GPtrArray) group = g_ptr_array_new_with_free_func ((GDestroyNotify) handover_free);
		guint n = MIN (group_rows, ids->len - i);
		guint timeout = TRANSPORT_DEFAULT_TIMEOUT;
		gboolean ok;

		if (options->deadline > 0) {
			gint64 left = (options->deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC - RECORD_TIME;
			if (left < MIN_SEND_TIME) {
				stats->postponed += ids->len - i;
				break;
			}
			timeout = (guint) MIN ((gint64) timeout, left);
		}

		/* From the claim to the record of the outcomes, a stop request
		 * waits: it takes effect between two groups, never between a
		 * row's claim and its record. */
		guard_block ();
		if (!claim_group (store, ids, i, n, token, options->now, stale_before, group, stats, error)) {
			guard_unblock ();
			return FALSE;
		}
		ok = group->len == 0 ||
		     send_group (store, config, transport, group, token, options, timeout, stats, error);
		guard_unblock ();
		if (!ok)
			return FALSE;
		i += n;
	}
	return TRUE;
}

/* The claims and the records of the outcomes are lazy commits: a crash
 * that loses one leaves a row queued or claimed, which is handed over
 * again (after the lease), never lost; while running, the claim's
 * transaction keeps two processes from handing over the same row
 * whether or not it reached the disk. What makes a message the
 * transport's is the transport's own sync. */
gboolean
outbox_send (Store *store, const Config *config, Transport *transport, GArray *ids,
             const OutboxOptions *options, OutboxStats *stats, GError **error)
{
	gboolean ok;

	store_set_lazy (store, TRUE);
	ok = send_all (store, config, transport, ids, options, stats, error);
	store_set_lazy (store, FALSE);
	return ok;
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
