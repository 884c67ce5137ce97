/* outgoing.c: the outbox rows (SPEC §4 steps 4 and 5): what we send,
 * queued with its routes in the transaction that causes it, claimed by
 * one process, marked after the hand-over, and queued again by
 * `reinject --resend`. The module that sends is src/outbound/outbox.c. */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_REQUEUE_ROWS,
	Q_REQUEUE_OUTBOX,
	Q_REQUEUE_ROUTES,
	Q_ADD_OUTBOX,
	Q_ADD_ROUTE_OUTBOX,
	Q_OUTBOX_LIST,
	Q_OUTBOX_GET,
	Q_OUTBOX_BY_MESSAGE_ID,
	Q_OUTBOX_BY_SENDER,
	Q_OUTBOX_RECIPIENTS,
	Q_OUTBOX_ROUTES,
	Q_OUTBOX_FILES,
	Q_OUTBOX_DUE,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_SENT,
	Q_OUTBOX_DEFER,
	Q_OUTBOX_FAIL,
	Q_ROUTES_REFUSED,
	Q_ROUTES_SET,
	Q_ROUTE_BOUNCED,
	Q_ROUTE_COUNT,
	N_QUERIES
} QueryId;

/* The columns the outbox queries return, read by outbox_from_row(). */
#define OUTBOX_COLUMNS \
	"o.id, s.ls_id, o.kind, o.message_id, o.sender, o.sha256, o.size, o.state, " \
	"o.attempts, o.created, o.next_attempt, o.claim, o.claimed_at, o.claimed_pid, " \
	"o.sent, o.last_error, o.statement"

enum {
	OCOL_ID, OCOL_LS_ID, OCOL_KIND, OCOL_MESSAGE_ID, OCOL_SENDER, OCOL_SHA256, OCOL_SIZE,
	OCOL_STATE, OCOL_ATTEMPTS, OCOL_CREATED, OCOL_NEXT_ATTEMPT, OCOL_CLAIM, OCOL_CLAIMED_AT,
	OCOL_CLAIMED_PID, OCOL_SENT, OCOL_LAST_ERROR, OCOL_STATEMENT,
};

static const char *const query_sql[N_QUERIES] = {
	/* reinject --resend: the outgoing mail the message (?1, ?2: its
	 * Message-ID, NULL for none, and content hash) caused, except what
	 * another process is handing over right now. */
	[Q_REQUEUE_ROWS] =
		"SELECT o.id FROM outbox o JOIN messages m ON m.id = o.message "
		"WHERE m.message_id IS ?1 AND m.dedupe_hash = ?2 AND o.state <> 'sending' ORDER BY o.id",
	[Q_REQUEUE_OUTBOX] =
		"UPDATE outbox SET state = 'queued', next_attempt = ?2, claim = NULL, last_error = NULL, "
		"sent = NULL WHERE id = ?1 AND state <> 'sending'",
	/* Its routes go out again, those that went out or failed; an address
	 * that had the original directly has none to requeue. */
	[Q_REQUEUE_ROUTES] =
		"UPDATE routes SET status = 'queued', detail = NULL, updated = ?2 "
		"WHERE outbox = ?1 AND status IN ('sent', 'failed')",
	[Q_ADD_OUTBOX] =
		"INSERT INTO outbox (statement, message, kind, message_id, sender, sha256, size, "
		"created, next_attempt) "
		"VALUES ((SELECT id FROM statements WHERE ls_id = ?1), nullif (?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
	[Q_ADD_ROUTE_OUTBOX] =
		"INSERT INTO routes (statement, position, address, role, status, outbox, updated) "
		"VALUES ((SELECT id FROM statements WHERE ls_id = ?1), ?2, ?3, ?4, ?5, nullif (?6, 0), ?7)",
	/* ?1: every row, not only those still to be handed over. */
	[Q_OUTBOX_LIST] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox o LEFT JOIN statements s ON s.id = o.statement "
		"WHERE ?1 OR o.state IN ('queued', 'sending') ORDER BY o.id",
	[Q_OUTBOX_GET] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox o LEFT JOIN statements s ON s.id = o.statement "
		"WHERE o.id = ?1",
	[Q_OUTBOX_BY_MESSAGE_ID] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox o LEFT JOIN statements s ON s.id = o.statement "
		"WHERE o.message_id = ?1",
	/* A VERP envelope sender names one row. No index: bounces are rare
	 * and the outbox is small next to the messages. */
	[Q_OUTBOX_BY_SENDER] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox o LEFT JOIN statements s ON s.id = o.statement "
		"WHERE o.sender = ?1 ORDER BY o.id LIMIT 1",
	/* The envelope: the row's queued routes, or for a digest (which no
	 * statement carries) the recipients its digests row names. */
	[Q_OUTBOX_RECIPIENTS] =
		"SELECT address FROM (SELECT address, 0 AS k, position AS p, id AS i FROM routes "
		"WHERE outbox = ?1 AND status = 'queued' "
		"UNION ALL SELECT j.value, 1, j.key, d.id FROM digests d, json_each (d.recipients) j "
		"WHERE d.outbox = ?1) ORDER BY k, p, i",
	[Q_OUTBOX_ROUTES] =
		"SELECT address, status FROM routes WHERE outbox = ?1 ORDER BY position, id",
	/* No DISTINCT: the caller's hash table drops the repeats, and a
	 * DISTINCT sorted 100,000 names through a temporary file. */
	[Q_OUTBOX_FILES] = "SELECT sha256 FROM outbox",
	/* Queued rows whose time has come (?2: whatever their time), and
	 * with ?3 the claims older than ?4: interrupted hand-overs. The
	 * state term lets it read the outbox_pending index, not every row
	 * ever sent; "+id" keeps the rowid order from winning over it. */
	[Q_OUTBOX_DUE] =
		"SELECT id FROM outbox "
		"WHERE state IN ('queued', 'sending') "
		"AND ((state = 'queued' AND (?2 OR next_attempt <= ?1)) "
		"OR (?3 AND state = 'sending' AND claimed_at < ?4)) "
		"ORDER BY +id",
	/* The claim: one UPDATE that only one process can win. */
	[Q_OUTBOX_CLAIM] =
		"UPDATE outbox SET state = 'sending', claim = ?2, claimed_at = ?3, claimed_pid = ?4, "
		"attempts = attempts + 1 "
		"WHERE id = ?1 AND (state = 'queued' OR (?5 AND state = 'sending' AND claimed_at < ?6))",
	[Q_OUTBOX_SENT] =
		"UPDATE outbox SET state = 'sent', sent = ?3, claim = NULL, last_error = NULL "
		"WHERE id = ?1 AND claim = ?2 AND state = 'sending'",
	[Q_OUTBOX_DEFER] =
		"UPDATE outbox SET state = 'queued', claim = NULL, next_attempt = ?3, last_error = ?4 "
		"WHERE id = ?1 AND claim = ?2 AND state = 'sending'",
	[Q_OUTBOX_FAIL] =
		"UPDATE outbox SET state = 'failed', claim = NULL, last_error = ?3 "
		"WHERE id = ?1 AND claim = ?2 AND state = 'sending'",
	[Q_ROUTES_REFUSED] =
		"UPDATE routes SET status = 'failed', detail = ?3, updated = ?4 "
		"WHERE outbox = ?1 AND status = 'queued' AND lower (address) = lower (?2)",
	[Q_ROUTES_SET] =
		"UPDATE routes SET status = ?2, detail = ?3, updated = ?4 "
		"WHERE outbox = ?1 AND status = 'queued'",
	[Q_ROUTE_BOUNCED] =
		"UPDATE routes SET status = 'failed', detail = ?3, updated = ?4 "
		"WHERE outbox = ?1 AND lower (address) = lower (?2) AND status IN ('queued', 'sent')",
	[Q_ROUTE_COUNT] =
		"SELECT count(*) FROM routes WHERE statement = (SELECT id FROM statements WHERE ls_id = ?1)",
};

void
store_outbox_free (StoreOutbox *entry)
{
	if (entry == NULL)
		return;
	g_free (entry->statement_id);
	g_free (entry->kind);
	g_free (entry->message_id);
	g_free (entry->sender);
	g_free (entry->sha256);
	g_free (entry->state);
	g_free (entry->created);
	g_free (entry->next_attempt);
	g_free (entry->claim);
	g_free (entry->claimed_at);
	g_free (entry->sent);
	g_free (entry->last_error);
	g_clear_pointer (&entry->recipients, g_ptr_array_unref);
	g_free (entry);
}

static StoreOutbox *
outbox_from_row (sqlite3_stmt *st)
{
	StoreOutbox *e = g_new0 (StoreOutbox, 1);

	e->id = sqlite3_column_int64 (st, OCOL_ID);
	e->statement_id = column_dup (st, OCOL_LS_ID);
	e->statement_row = sqlite3_column_int64 (st, OCOL_STATEMENT);
	e->kind = column_dup (st, OCOL_KIND);
	e->message_id = column_dup (st, OCOL_MESSAGE_ID);
	e->sender = column_dup (st, OCOL_SENDER);
	e->sha256 = column_dup (st, OCOL_SHA256);
	e->size = sqlite3_column_int64 (st, OCOL_SIZE);
	e->state = column_dup (st, OCOL_STATE);
	e->attempts = sqlite3_column_int (st, OCOL_ATTEMPTS);
	e->created = column_dup (st, OCOL_CREATED);
	e->next_attempt = column_dup (st, OCOL_NEXT_ATTEMPT);
	e->claim = column_dup (st, OCOL_CLAIM);
	e->claimed_at = column_dup (st, OCOL_CLAIMED_AT);
	e->claimed_pid = sqlite3_column_int64 (st, OCOL_CLAIMED_PID);
	e->sent = column_dup (st, OCOL_SENT);
	e->last_error = column_dup (st, OCOL_LAST_ERROR);
	e->recipients = g_ptr_array_new_with_free_func (g_free);
	return e;
}

/* Appends the outbox row of the current row to @data (a GPtrArray). */
static void
outbox_row (sqlite3_stmt *st, gpointer data)
{
	g_ptr_array_add (data, outbox_from_row (st));
}

static gboolean
fill_outbox_recipients (Store *store, StoreOutbox *e, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_OUTBOX_RECIPIENTS, e->id, error);

	return st != NULL && store_each_row (store, st, store_row_text, e->recipients, error);
}

gint64
store_add_outbox (Store *store, const StoreOutgoing *out, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, 0);
	/* No statement_id: a digest, whose envelope its digests row names. */
	g_return_val_if_fail (out != NULL, 0);
	g_return_val_if_fail (out->kind != NULL && out->message_id != NULL && out->sender != NULL, 0);
	g_return_val_if_fail (out->sha256 != NULL && out->created != NULL, 0);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), 0);

	st = query (store, Q_ADD_OUTBOX, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, out->statement_id);
	bind_int64 (&bind, 2, out->message_row);
	bind_text (&bind, 3, out->kind);
	bind_text (&bind, 4, out->message_id);
	bind_text (&bind, 5, out->sender);
	bind_text (&bind, 6, out->sha256);
	bind_int64 (&bind, 7, out->size);
	bind_text (&bind, 8, out->created);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	return sqlite3_last_insert_rowid (store->db);

fail:
	g_prefix_error (error, "cannot queue <%s>: ", out->message_id);
	return 0;
}

gboolean
store_add_route (Store *store, const char *statement_id, guint position, const char *address,
                 const char *role, const char *status, gint64 outbox, const char *at,
                 GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL && address != NULL && role != NULL, FALSE);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	st = query (store, Q_ADD_ROUTE_OUTBOX, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, statement_id);
	bind_int64 (&bind, 2, position);
	bind_text (&bind, 3, address);
	bind_text (&bind, 4, role);
	bind_text (&bind, 5, status != NULL ? status : "queued");
	bind_int64 (&bind, 6, outbox);
	bind_text (&bind, 7, at);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (run (store, st, error))
		return TRUE;

fail:
	g_prefix_error (error, "cannot record the route to %s: ", address);
	return FALSE;
}

GPtrArray *
store_list_outbox (Store *store, gboolean all, GError **error)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) store_outbox_free);
	g_auto (StoreQuery) st = NULL;

	g_return_val_if_fail (store != NULL, NULL);

	st = query_for_row (store, Q_OUTBOX_LIST, all ? 1 : 0, error);
	if (st == NULL || !store_each_row (store, st, outbox_row, list, error))
		goto fail;
	query_release (st);
	for (guint i = 0; i < list->len; i++)
		if (!fill_outbox_recipients (store, g_ptr_array_index (list, i), error))
			goto fail;
	return g_steal_pointer (&list);

fail:
	g_prefix_error (error, "cannot read the outbox: ");
	return NULL;
}

/* The one row @st (bound) finds, with its recipients; NULL without @error
 * when none. */
static StoreOutbox *
outbox_one (Store *store, sqlite3_stmt *st, GError **error)
{
	g_autoptr (StoreOutbox) e = NULL;
	int r = step (store, st, error);

	if (r <= 0)
		return NULL;
	e = outbox_from_row (st);
	query_release (st);
	if (!fill_outbox_recipients (store, e, error))
		return NULL;
	return g_steal_pointer (&e);
}

StoreOutbox *
store_get_outbox (Store *store, gint64 id, GError **error)
{
	g_auto (StoreQuery) st = NULL;

	g_return_val_if_fail (store != NULL, NULL);

	st = query_for_row (store, Q_OUTBOX_GET, id, error);
	if (st == NULL)
		return NULL;
	return outbox_one (store, st, error);
}

StoreOutbox *
store_find_outbox (Store *store, const char *message_id, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	g_autofree char *id = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (message_id != NULL, NULL);

	id = store_bare_message_id (message_id);
	st = query (store, Q_OUTBOX_BY_MESSAGE_ID, error);
	if (st == NULL)
		return NULL;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, id);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return NULL;
	}
	return outbox_one (store, st, error);
}

StoreOutbox *
store_find_outbox_by_sender (Store *store, const char *sender, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (sender != NULL, NULL);

	st = query (store, Q_OUTBOX_BY_SENDER, error);
	if (st == NULL)
		return NULL;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, sender);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return NULL;
	}
	return outbox_one (store, st, error);
}

GArray *
store_due_outbox (Store *store, const char *now, gboolean ignore_schedule,
                  const char *stale_before, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (now != NULL, NULL);

	st = query (store, Q_OUTBOX_DUE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, now);
	bind_int64 (&bind, 2, ignore_schedule ? 1 : 0);
	bind_int64 (&bind, 3, stale_before != NULL ? 1 : 0);
	bind_text (&bind, 4, stale_before != NULL ? stale_before : "");
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!store_each_row (store, st, store_row_int64, ids, error))
		goto fail;
	return g_steal_pointer (&ids);

fail:
	g_prefix_error (error, "cannot read the outbox: ");
	return NULL;
}

gboolean
store_claim_outbox (Store *store, gint64 id, const char *claim, gint64 pid, const char *now,
                    const char *stale_before, gboolean *claimed, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (claim != NULL && now != NULL && claimed != NULL, FALSE);

	*claimed = FALSE;
	st = query (store, Q_OUTBOX_CLAIM, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, id);
	bind_text (&bind, 2, claim);
	bind_text (&bind, 3, now);
	bind_int64 (&bind, 4, pid);
	bind_int64 (&bind, 5, stale_before != NULL ? 1 : 0);
	bind_text (&bind, 6, stale_before != NULL ? stale_before : "");
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	*claimed = sqlite3_changes (store->db) == 1;
	return TRUE;

fail:
	g_prefix_error (error, "cannot claim outgoing message %" G_GINT64_FORMAT ": ", id);
	return FALSE;
}

/* Runs an UPDATE of routes: ?1 outbox, then @a, @b, @c as ?2..?4. */
static gboolean
update_routes (Store *store, QueryId id, gint64 outbox, const char *a, const char *b,
               const char *c, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, outbox);
	bind_text (&bind, 2, a);
	bind_text (&bind, 3, b);
	bind_text (&bind, 4, c);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

/* Sets the state of the row @id claimed with @claim after its hand-over:
 * one UPDATE by @outcome. Fails when the claim is no longer ours. */
static gboolean
finish_row (Store *store, gint64 id, const char *claim, StoreOutboxOutcome outcome,
            const char *at, const char *next_attempt, const char *error_text, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	switch (outcome) {
	case STORE_OUTBOX_SENT:
		st = query (store, Q_OUTBOX_SENT, error);
		break;
	case STORE_OUTBOX_DEFERRED:
		st = query (store, Q_OUTBOX_DEFER, error);
		break;
	case STORE_OUTBOX_FAILED:
		st = query (store, Q_OUTBOX_FAIL, error);
		break;
	}
	if (st == NULL)
		return FALSE;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, id);
	bind_text (&bind, 2, claim);
	if (outcome == STORE_OUTBOX_SENT) {
		bind_text (&bind, 3, at);
	} else if (outcome == STORE_OUTBOX_DEFERRED) {
		bind_text (&bind, 3, next_attempt);
		bind_text (&bind, 4, error_text);
	} else {
		bind_text (&bind, 3, error_text);
	}
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	if (!run (store, st, error))
		return FALSE;
	if (sqlite3_changes (store->db) != 1) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "the claim is no longer ours");
		return FALSE;
	}
	return TRUE;
}

/* The statuses of the routes of the row @id after its hand-over. */
static gboolean
finish_routes (Store *store, gint64 id, StoreOutboxOutcome outcome, const char *at,
               const char *error_text, GPtrArray *refused, GError **error)
{
	if (outcome == STORE_OUTBOX_SENT) {
		for (guint i = 0; refused != NULL && i < refused->len; i++)
			if (!update_routes (store, Q_ROUTES_REFUSED, id, g_ptr_array_index (refused, i),
			                    "refused by the mail system", at, error))
				return FALSE;
		return update_routes (store, Q_ROUTES_SET, id, "sent", NULL, at, error);
	}
	if (outcome == STORE_OUTBOX_FAILED)
		return update_routes (store, Q_ROUTES_SET, id, "failed", error_text, at, error);
	return TRUE;
}

/* The event @event_type (NULL: none) on the statement of the row @id, when
 * it has one. */
static gboolean
finish_event (Store *store, gint64 id, const char *at, const char *event_type,
              const char *event_detail, GError **error)
{
	g_autoptr (StoreOutbox) entry = NULL;

	if (event_type == NULL)
		return TRUE;
	entry = store_get_outbox (store, id, error);
	if (entry == NULL && error != NULL && *error != NULL)
		return FALSE;
	return entry == NULL || entry->statement_row <= 0 ||
	       store_event_row (store, entry->statement_row, at, event_type, event_detail, error);
}

gboolean
store_finish_outbox (Store *store, gint64 id, const char *claim, StoreOutboxOutcome outcome,
                     const char *at, const char *next_attempt, const char *error_text,
                     GPtrArray *refused, const char *event_type, const char *event_detail,
                     GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (claim != NULL && at != NULL, FALSE);
	g_return_val_if_fail (outcome != STORE_OUTBOX_DEFERRED || next_attempt != NULL, FALSE);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	if (!finish_row (store, id, claim, outcome, at, next_attempt, error_text, error) ||
	    !finish_routes (store, id, outcome, at, error_text, refused, error) ||
	    !finish_event (store, id, at, event_type, event_detail, error)) {
		g_prefix_error (error, "cannot record the outcome of outgoing message %" G_GINT64_FORMAT ": ", id);
		return FALSE;
	}
	return TRUE;
}

gboolean
store_route_bounced (Store *store, gint64 outbox, const char *address, const char *at,
                     const char *detail, gboolean *marked, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (address != NULL && marked != NULL, FALSE);

	*marked = FALSE;
	if (!update_routes (store, Q_ROUTE_BOUNCED, outbox, address, detail, at, error)) {
		g_prefix_error (error, "cannot mark the route to %s failed: ", address);
		return FALSE;
	}
	*marked = sqlite3_changes (store->db) > 0;
	return TRUE;
}

/* Appends the address and the status of the current row to @data. */
static void
route_pair_row (sqlite3_stmt *st, gpointer data)
{
	g_ptr_array_add (data, column_dup (st, 0));
	g_ptr_array_add (data, column_dup (st, 1));
}

GPtrArray *
store_outbox_routes (Store *store, gint64 outbox, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
	g_auto (StoreQuery) st = NULL;

	g_return_val_if_fail (store != NULL, NULL);

	st = query_for_row (store, Q_OUTBOX_ROUTES, outbox, error);
	if (st == NULL || !store_each_row (store, st, route_pair_row, out, error))
		return NULL;
	return g_steal_pointer (&out);
}

/* Adds column 0 of the current row to @data (a set of char*). */
static void
name_row (sqlite3_stmt *st, gpointer data)
{
	g_hash_table_add (data, column_dup (st, 0));
}

GHashTable *
store_outbox_files (Store *store, GError **error)
{
	g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_auto (StoreQuery) st = NULL;

	g_return_val_if_fail (store != NULL, NULL);

	st = query (store, Q_OUTBOX_FILES, error);
	if (st == NULL || !store_each_row (store, st, name_row, names, error))
		return NULL;
	return g_steal_pointer (&names);
}

/* ---------------------------------------------------------------------- */
/* Queuing again */

static gboolean
requeue_rows (Store *store, const char *message_id, const char *dedupe_hash, GArray *ids,
              GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_REQUEUE_ROWS, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_text (&bind, 1, message_id);
	bind_text (&bind, 2, dedupe_hash);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return store_each_row (store, st, store_row_int64, ids, error);
}

static gboolean
requeue_one (Store *store, QueryId id, gint64 row, const char *now, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, row);
	bind_text (&bind, 2, now);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

GArray *
store_requeue_message (Store *store, const char *message_id, const char *dedupe_hash,
                       const char *now, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (dedupe_hash != NULL && now != NULL, NULL);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), NULL);

	if (!requeue_rows (store, message_id, dedupe_hash, ids, error))
		goto fail;
	for (guint i = 0; i < ids->len; i++) {
		gint64 row = g_array_index (ids, gint64, i);

		if (!requeue_one (store, Q_REQUEUE_OUTBOX, row, now, error) ||
		    !requeue_one (store, Q_REQUEUE_ROUTES, row, now, error))
			goto fail;
	}
	return g_steal_pointer (&ids);

fail:
	g_prefix_error (error, "cannot queue the mail of %s again: ",
	                message_id != NULL ? message_id : "a message without Message-ID");
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Routes */

gboolean
store_count_routes (Store *store, const char *statement_id, guint *count, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);

	st = query (store, Q_ROUTE_COUNT, error);
	if (st == NULL || sqlite3_bind_text (st, 1, statement_id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		if (st != NULL)
			store_sql_error (store, sqlite3_errcode (store->db), error);
		return FALSE;
	}
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	*count = r > 0 ? (guint) sqlite3_column_int64 (st, 0) : 0;
	return TRUE;
}

