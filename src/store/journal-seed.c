/* journal-seed.c: the journal of an installation older than it, written
 * once from its database (journal_seed()), so that `rebuild` covers its
 * history too: the arrivals in the order of their rows, with their ids;
 * the manual actions from the events table (close, reopen, taken "by
 * hand", routed, promoted, dismissed, and remind's summary of held
 * messages from its events "summarized"); the hand-over results from the events and the
 * outbox (a second one of a message: a `reinject --resend` before it);
 * the reminders sent. Each at its time, merged in time order. */
#include "config.h"

#include <string.h>

#include "store/journal.h"
#include "store/store-private.h"

enum {
	Q_ARRIVALS,
	Q_OTHERS,
};

static const char *const query_sql[] = {
	[Q_ARRIVALS] =
		/* When it was processed: when the first mail it caused was
		 * queued or its notice deferred (a later route queues mail of
		 * it too, later), else when it came. */
		"SELECT m.received, COALESCE ((SELECT min (t) FROM ("
		"  SELECT o.created AS t FROM outbox o WHERE o.message = m.id"
		"  UNION ALL SELECT e.at FROM events e JOIN statements s ON s.id = e.statement"
		"  WHERE s.message = m.id AND e.type = 'notice-deferred')), m.received), "
		"m.raw_sha256, m.dedupe_hash, m.message_id, m.env_sender, "
		"m.env_recipient, m.env_extension, "
		"CASE WHEN m.hold_reason = 'message larger than max-message-size' THEN 'oversized' "
		"ELSE '' END, "
		"(SELECT COALESCE (s.handle, s.ls_id) FROM statements s WHERE s.message = m.id) "
		"FROM messages m ORDER BY m.id",
	/* Every other record as (at, kind, fields...), in time order; at one
	 * time, actions and reminders before the hand-overs they cause. */
	[Q_OTHERS] =
		"SELECT at, kind, a, b, c, d, e, f FROM ("
		" SELECT e.at AS at, 1 AS o, e.id AS i, 'action' AS kind,"
		"  CASE e.type WHEN 'closed' THEN 'close' WHEN 'reopened' THEN 'reopen'"
		"   WHEN 'action-taken' THEN 'taken' WHEN 'dismissed' THEN 'dismiss'"
		"   WHEN 'promoted' THEN 'promote' ELSE 'route' END AS a,"
		"  CASE e.type WHEN 'promoted' THEN s.handle ELSE s.ls_id END AS b,"
		"  e.detail AS c,"
		/* A promotion: its fields as the row has them, and the groups of
		 * the route it made (the "routed" event of the same time, not
		 * a route of its own). */
		"  CASE e.type WHEN 'promoted' THEN rtrim ("
		"   COALESCE ('title=' || s.title || char (9), '') ||"
		"   COALESCE ('from=' || s.from_org || char (9), '') ||"
		"   COALESCE ('purpose=' || s.purpose || char (9), '') ||"
		"   COALESCE ('deadline=' || s.deadline, ''), char (9)) END AS d,"
		"  CASE e.type WHEN 'promoted' THEN (SELECT r.detail FROM events r"
		"   WHERE r.statement = e.statement AND r.type = 'routed' AND r.at = e.at"
		"   ORDER BY r.id LIMIT 1) END AS e, NULL AS f"
		" FROM events e JOIN statements s ON s.id = e.statement"
		" WHERE (e.type IN ('closed', 'reopened', 'action-taken') AND e.detail = 'by hand')"
		"  OR e.type IN ('dismissed', 'promoted')"
		"  OR (e.type = 'routed' AND NOT EXISTS (SELECT 1 FROM events p"
		"   WHERE p.statement = e.statement AND p.type = 'promoted' AND p.at = e.at))"
		" UNION ALL"
		/* remind's summary of held messages, after its reminders: one
		 * for the events "summarized" naming one Message-ID, carried
		 * by the first message it names. */
		" SELECT e.at, 1, min (e.id) + 2000000000, 'action', 'held-summary', s.ls_id,"
		"  NULL, count (*), NULL, NULL"
		" FROM events e JOIN statements s ON s.id = e.statement"
		" WHERE e.type = 'summarized' GROUP BY e.at, e.detail"
		" UNION ALL"
		" SELECT r.created, 1, r.id + 1000000000, 'reminder', s.ls_id, r.stage, r.day, NULL,"
		"  NULL, NULL"
		" FROM reminders r JOIN statements s ON s.id = r.statement"
		" UNION ALL"
		" SELECT e.at, 2, e.id, 'handover', e.type, e.detail, o.next_attempt, o.last_error,"
		"  m.message_id, m.dedupe_hash"
		" FROM events e LEFT JOIN outbox o"
		"  ON instr (e.detail, '<' || o.message_id || '>') > 0"
		" LEFT JOIN messages m ON m.id = o.message"
		" WHERE e.type IN ('sent', 'send-failed', 'deferred')"
		" UNION ALL"
		" SELECT COALESCE (o.sent, o.created), 2, o.id + 1000000000, 'handover',"
		"  CASE o.state WHEN 'sent' THEN 'sent' ELSE 'send-failed' END,"
		"  o.kind || ' <' || o.message_id || '>', NULL, o.last_error, m.message_id, m.dedupe_hash"
		" FROM outbox o LEFT JOIN messages m ON m.id = o.message WHERE o.statement IS NULL AND o.state IN ('sent', 'failed')"
		") ORDER BY at, o, i",
};

static void
add_line (GString *out, const char *const *fields, guint n)
{
	journal_format (out, fields, n);
}

static void
arrival_line (sqlite3_stmt *st, GString *out)
{
	const char *fields[11] = { "arrival" };

	for (int i = 0; i < 10; i++)
		fields[i + 1] = (const char *) sqlite3_column_text (st, i);
	add_line (out, fields, G_N_ELEMENTS (fields));
}

/* The Message-ID between the first <> of @detail, newly allocated. */
static char *
bracketed (const char *detail)
{
	const char *open = detail != NULL ? strchr (detail, '<') : NULL;
	const char *close = open != NULL ? strchr (open, '>') : NULL;

	return close != NULL ? g_strndup (open + 1, (gsize) (close - open - 1)) : NULL;
}

/* A second hand-over of one of our messages was a `reinject --resend`,
 * which queued the mail of its incoming message again: a requeue record
 * before it. @finished maps each incoming message ("MESSAGE_ID DEDUPE")
 * to the set of our messages of it handed over since. */
static void
requeue_line (sqlite3_stmt *st, const char *at, const char *message_id, gboolean finished_now,
              GHashTable *finished, GString *out)
{
	const char *incoming = (const char *) sqlite3_column_text (st, 6);
	const char *dedupe = (const char *) sqlite3_column_text (st, 7);
	g_autofree char *key = NULL;
	GHashTable *done;

	if (dedupe == NULL)
		return;
	key = g_strconcat (incoming != NULL ? incoming : "", " ", dedupe, NULL);
	done = g_hash_table_lookup (finished, key);
	if (done != NULL && g_hash_table_contains (done, message_id)) {
		const char *fields[] = { "requeue", at, incoming, dedupe };

		journal_format (out, fields, G_N_ELEMENTS (fields));
		g_hash_table_remove_all (done);
	}
	if (!finished_now)
		return;
	if (done == NULL) {
		done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
		g_hash_table_insert (finished, g_steal_pointer (&key), done);
	}
	g_hash_table_add (done, g_strdup (message_id));
}

static void
handover_line (sqlite3_stmt *st, const char *at, GHashTable *finished, GString *out)
{
	const char *type = (const char *) sqlite3_column_text (st, 2);
	const char *detail = (const char *) sqlite3_column_text (st, 3);
	g_autofree char *message_id = bracketed (detail);
	const char *text = NULL;
	gboolean deferred = g_strcmp0 (type, "deferred") == 0;
	const char *outcome = g_strcmp0 (type, "sent") == 0 ? "sent" : deferred ? "deferred" : "failed";

	if (message_id == NULL)
		return;
	requeue_line (st, at, message_id, !deferred, finished, out);
	if (g_strcmp0 (type, "sent") != 0) {
		const char *gt = strchr (detail, '>');
		const char *colon = gt != NULL ? strstr (gt, ": ") : NULL;
		text = colon != NULL ? colon + 2 : (const char *) sqlite3_column_text (st, 5);
	}
	{
		const char *fields[] = {
			"handover", at, message_id, outcome,
			deferred ? (const char *) sqlite3_column_text (st, 4) : NULL, text, NULL, type,
			detail,
		};
		add_line (out, fields, G_N_ELEMENTS (fields));
	}
}

/* A route's groups from its event's detail, "to a, b", maybe " by WHO"
 * (into *@by, newly allocated; else left NULL) and maybe " (nobody new to
 * send to)". */
static char **
route_groups (const char *detail, char **by)
{
	g_autofree char *names = g_strdup (detail != NULL && g_str_has_prefix (detail, "to ")
	                                   ? detail + 3 : "");
	char *cut = g_strrstr (names, " (nobody new to send to)");

	if (cut != NULL)
		*cut = '\0';
	if ((cut = strstr (names, " by ")) != NULL) {
		*by = g_strdup (cut + 4);
		*cut = '\0';
	}
	return g_strsplit (names, ", ", -1);
}

/* Who did a manual action, from its event's detail ("by WHO" of a
 * dismissal, "... by WHO" of a promotion), newly allocated; "database"
 * when it does not say. */
static char *
action_by (const char *kind, const char *detail)
{
	const char *at = NULL;

	if (detail != NULL && g_strcmp0 (kind, "dismiss") == 0 && g_str_has_prefix (detail, "by "))
		at = detail + 3;
	else if (detail != NULL && g_strcmp0 (kind, "promote") == 0 &&
	         (at = strstr (detail, " by ")) != NULL)
		at += 4;
	if (g_strcmp0 (kind, "held-summary") == 0)
		at = "remind";
	return g_strdup (at != NULL ? at : "database");
}

/* The action's line: kind @a on @b, with the groups of a route or the
 * fields and groups of a promotion. */
static void
action_line (sqlite3_stmt *st, const char *at, const char *a, const char *b, GString *out)
{
	const char *detail = (const char *) sqlite3_column_text (st, 4);
	g_autofree char *by = action_by (a, detail);
	g_auto (GStrv) fields = NULL;
	g_auto (GStrv) groups = NULL;
	g_autoptr (GPtrArray) line = g_ptr_array_new ();
	g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);

	if (g_strcmp0 (a, "route") == 0) {
		g_clear_pointer (&by, g_free);
		groups = route_groups (detail, &by);
	} else if (g_strcmp0 (a, "promote") == 0) {
		g_autofree char *unused = NULL;
		const char *given = (const char *) sqlite3_column_text (st, 5);

		fields = g_strsplit (given != NULL ? given : "", "\t", -1);
		groups = route_groups ((const char *) sqlite3_column_text (st, 6), &unused);
	} else if (g_strcmp0 (a, "held-summary") == 0) {
		fields = g_new0 (char *, 2);
		fields[0] = g_strdup ((const char *) sqlite3_column_text (st, 5));
	}
	g_ptr_array_add (line, (gpointer) "action");
	g_ptr_array_add (line, (gpointer) at);
	g_ptr_array_add (line, by);      /* a route's may be missing */
	g_ptr_array_add (line, (gpointer) a);
	g_ptr_array_add (line, (gpointer) b);
	for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
		if (*fields[i] != '\0')
			g_ptr_array_add (line, fields[i]);
	for (guint i = 0; groups != NULL && groups[i] != NULL; i++) {
		if (fields != NULL) {    /* promote takes to=GROUP */
			g_ptr_array_add (owned, g_strconcat ("to=", groups[i], NULL));
			g_ptr_array_add (line, g_ptr_array_index (owned, owned->len - 1));
		} else {
			g_ptr_array_add (line, groups[i]);
		}
	}
	add_line (out, (const char *const *) line->pdata, line->len);
}

static void
other_line (sqlite3_stmt *st, GHashTable *finished, GString *out)
{
	const char *at = (const char *) sqlite3_column_text (st, 0);
	const char *kind = (const char *) sqlite3_column_text (st, 1);
	const char *a = (const char *) sqlite3_column_text (st, 2);
	const char *b = (const char *) sqlite3_column_text (st, 3);

	if (g_strcmp0 (kind, "handover") == 0) {
		handover_line (st, at, finished, out);
	} else if (g_strcmp0 (kind, "reminder") == 0) {
		const char *fields[] = { "reminder", at, a, b, (const char *) sqlite3_column_text (st, 4) };
		add_line (out, fields, G_N_ELEMENTS (fields));
	} else {
		action_line (st, at, a, b, out);
	}
}

/* The lines of @st, one per row, each with its time (its first field):
 * GPtrArray of char* "AT\tLINE". */
static gboolean
collect (Store *store, sqlite3_stmt *st, gboolean arrivals, GPtrArray *lines, GError **error)
{
	g_autofree char *last = g_strdup ("");
	g_autoptr (GHashTable) finished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                                         (GDestroyNotify) g_hash_table_unref);
	int r;

	while ((r = step (store, st, error)) > 0) {
		g_autoptr (GString) line = g_string_new (NULL);
		const char *at = (const char *) sqlite3_column_text (st, arrivals ? 1 : 0);

		if (arrivals)
			arrival_line (st, line);
		else
			other_line (st, finished, line);
		if (line->len == 0)
			continue;
		/* Arrivals keep the order of their rows: a message processed
		 * later is never placed before one processed earlier. */
		if (at == NULL || (arrivals && strcmp (at, last) < 0))
			at = last;
		else {
			g_free (last);
			last = g_strdup (at);
		}
		g_ptr_array_add (lines, g_strdup_printf ("%s\t%s", at, line->str));
	}
	return r == 0;
}

static gsize
time_len (const char *line)
{
	return (gsize) (strchr (line, '\t') - line);
}

/* -1, 0, 1: which of two "AT\tLINE" entries comes first by time. */
static int
by_time (const char *a, const char *b)
{
	gsize la = time_len (a), lb = time_len (b);
	int c = strncmp (a, b, MIN (la, lb));

	return c != 0 ? c : (la > lb) - (la < lb);
}

gboolean
journal_seed (Store *store, const char *spool, const char *token, GError **error)
{
	g_autoptr (GPtrArray) arrivals = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *path = journal_path (spool);
	g_autoptr (GDateTime) clock = g_date_time_new_now_utc ();
	g_autofree char *now = g_date_time_format (clock, "%Y-%m-%dT%H:%M:%SZ");
	const char *head[] = { "journal", JOURNAL_VERSION, now, token };
	guint i = 0, j = 0;

	{
		g_auto (StoreQuery) a = query (store, Q_ARRIVALS, error);
		if (a == NULL || !collect (store, a, TRUE, arrivals, error))
			return FALSE;
	}
	{
		g_auto (StoreQuery) o = query (store, Q_OTHERS, error);
		if (o == NULL || !collect (store, o, FALSE, others, error))
			return FALSE;
	}
	journal_format (out, head, G_N_ELEMENTS (head));
	/* Merged by time; an arrival first when the times are equal. */
	while (i < arrivals->len || j < others->len) {
		const char *next;

		if (j >= others->len || (i < arrivals->len &&
		                         by_time (g_ptr_array_index (arrivals, i),
		                                  g_ptr_array_index (others, j)) <= 0))
			next = g_ptr_array_index (arrivals, i++);
		else
			next = g_ptr_array_index (others, j++);
		g_string_append (out, strchr (next, '\t') + 1);
	}
	return journal_write_new (path, out->str, error);
}
