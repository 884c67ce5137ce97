/* held.c: what the store keeps of held messages (issue 17, "nothing
 * vanishes"): the notices to triage and their daily limit, the summary
 * that names the rest, the promotion of a held message to a statement,
 * and a statement that nobody on its lists received (undelivered). A
 * held message's row is a row of statements (statements.c records it,
 * with store_add_held_message()). */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_COUNT_NOTICES,
	Q_SET_NOTICE,
	Q_PENDING_NOTICES,
	Q_PROMOTE,
	Q_LIST_ROUTES,
	Q_SET_UNDELIVERED,
	Q_HELD_OF_MESSAGE,
	Q_HELD_OF_NOTICE,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	/* The notices sent for messages of the sender ?1 received on the day
	 * ?2 (YYYY-MM-DD, UTC). */
	[Q_COUNT_NOTICES] =
		"SELECT count(*) FROM statements WHERE notice = 'sent' AND notice_sender = ?1 "
		"AND received >= ?2 || 'T' AND received < ?2 || 'U'",
	[Q_SET_NOTICE] =
		"UPDATE statements SET notice = ?2, notice_sender = coalesce (?3, notice_sender) "
		"WHERE ls_id = ?1",
	/* What the next summary names: still held, and told nobody yet. */
	[Q_PENDING_NOTICES] =
		"SELECT " STATEMENT_COLUMNS " FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE s.notice = 'pending' AND s.state = 'held' ORDER BY s.received, s.id",
	/* ?1 the handle of a held message not yet promoted; ?2..?4 its new
	 * id; then the fields a person gave (NULL: as they were). A notice
	 * still pending is no longer due: a person has seen it. */
	[Q_PROMOTE] =
		"UPDATE statements SET ls_id = ?2, year = ?3, seq = ?4, "
		"title = coalesce (?5, title), from_org = coalesce (?6, from_org), "
		"from_org_text = coalesce (?6, from_org_text), purpose = coalesce (?7, purpose), "
		"deadline = coalesce (?8, deadline), "
		"notice = CASE WHEN notice = 'pending' THEN NULL ELSE notice END "
		"WHERE handle = ?1 COLLATE NOCASE AND ls_id = handle AND state = 'held'",
	[Q_LIST_ROUTES] =
		"SELECT count(*), ifnull (sum (status = 'failed'), 0) FROM routes "
		"WHERE statement = (SELECT id FROM statements WHERE ls_id = ?1) AND role = 'list'",
	[Q_SET_UNDELIVERED] =
		"UPDATE statements SET undelivered = 1 WHERE ls_id = ?1 AND undelivered = 0",
	/* The held message (no statement) recorded for the message row ?1. */
	[Q_HELD_OF_MESSAGE] =
		"SELECT ls_id FROM statements WHERE message = ?1 AND handle = ls_id AND state = 'held'",
	/* The held message (no statement) whose mail of ours is ?1. */
	[Q_HELD_OF_NOTICE] =
		"SELECT s.ls_id FROM outbox o JOIN statements s ON s.id = o.statement "
		"WHERE o.message_id = ?1 AND coalesce (s.handle = s.ls_id, 0)",
};

/* Runs the query @id with the text parameters @a, @b, @c (NULL binds
 * NULL; those past the query's parameters are ignored) to its end. */
static gboolean
run_texts (Store *store, QueryId id, const char *a, const char *b, const char *c, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	const char *values[] = { a, b, c };
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	for (int i = 0; i < sqlite3_bind_parameter_count (st) && i < 3; i++)
		bind_text (&bind, i + 1, values[i]);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

gboolean
store_count_held_notices (Store *store, const char *sender, const char *day, guint *count,
                          GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL && sender != NULL && day != NULL && count != NULL, FALSE);

	*count = 0;
	st = query (store, Q_COUNT_NOTICES, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, sender);
	bind_text (&bind, 2, day);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	*count = r > 0 ? (guint) sqlite3_column_int64 (st, 0) : 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot count the held notices about %s: ", sender);
	return FALSE;
}

gboolean
store_set_held_notice (Store *store, const char *id, const char *notice, const char *sender,
                       GError **error)
{
	g_return_val_if_fail (store != NULL && id != NULL && notice != NULL, FALSE);

	if (run_texts (store, Q_SET_NOTICE, id, notice, sender, error))
		return TRUE;
	g_prefix_error (error, "cannot record the held notice of %s: ", id);
	return FALSE;
}

GPtrArray *
store_pending_held_notices (Store *store, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	GPtrArray *list;

	g_return_val_if_fail (store != NULL, NULL);

	st = query (store, Q_PENDING_NOTICES, error);
	list = st != NULL ? store_read_statements (store, st, TRUE, error) : NULL;
	if (list == NULL)
		g_prefix_error (error, "cannot list the held messages not notified: ");
	return list;
}

/* Binds the promotion of @handle to @id (@year, @seq) with @fields. */
static gboolean
bind_promote (Binder *bind, const char *handle, const char *id, int year, gint64 seq,
              const Statement *fields)
{
	bind_text (bind, 1, handle);
	bind_text (bind, 2, id);
	bind_int64 (bind, 3, year);
	bind_int64 (bind, 4, seq);
	bind_text (bind, 5, fields->title);
	bind_text (bind, 6, fields->from_org);
	bind_text (bind, 7, fields->purpose != PURPOSE_NONE ? purpose_to_string (fields->purpose) : NULL);
	bind_text (bind, 8, fields->deadline);
	return bind->rc == SQLITE_OK;
}

gboolean
store_promote_held (Store *store, const char *handle, const Statement *fields,
                    const char *id_prefix, char **new_id, GError **error)
{
	g_autoptr (Statement) held = NULL;
	g_auto (StoreQuery) st = NULL;
	g_autofree char *id = NULL;
	Binder bind;
	gint64 seq = 0;
	int year = 0;

	g_return_val_if_fail (store != NULL && handle != NULL && fields != NULL, FALSE);
	g_return_val_if_fail (id_prefix != NULL && new_id != NULL, FALSE);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	held = store_get_statement (store, handle, error);
	if (held == NULL)
		return FALSE;
	if (held->handle == NULL || g_strcmp0 (held->id, held->handle) != 0 ||
	    held->state != STATE_HELD) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "%s is not a held message (only a held message that is not a statement "
		             "is promoted; route a held statement)", held->id);
		return FALSE;
	}
	/* The statement is numbered in the year it was received. */
	if (!store_next_id (store, held->received, id_prefix, &id, &year, &seq, error))
		goto fail;
	st = query (store, Q_PROMOTE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	if (!bind_promote (&bind, held->handle, id, year, seq, fields)) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	*new_id = g_steal_pointer (&id);
	return TRUE;

fail:
	g_prefix_error (error, "cannot promote %s: ", handle);
	return FALSE;
}

gboolean
store_mark_undelivered (Store *store, const char *id, gboolean *marked, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	gint64 routes, failed;
	int r;

	g_return_val_if_fail (store != NULL && id != NULL && marked != NULL, FALSE);

	*marked = FALSE;
	st = query (store, Q_LIST_ROUTES, error);
	if (st == NULL || sqlite3_bind_text (st, 1, id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		if (st != NULL)
			store_sql_error (store, sqlite3_errcode (store->db), error);
		goto fail;
	}
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	routes = r > 0 ? sqlite3_column_int64 (st, 0) : 0;
	failed = r > 0 ? sqlite3_column_int64 (st, 1) : 0;
	query_release (st);
	if (routes == 0 || failed < routes)
		return TRUE;
	if (!run_texts (store, Q_SET_UNDELIVERED, id, NULL, NULL, error))
		goto fail;
	*marked = sqlite3_changes (store->db) > 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot mark %s undelivered: ", id);
	return FALSE;
}

gboolean
store_held_adopted (Store *store, gint64 message_row, const char *statement_id, const char *at,
                    GError **error)
{
	g_auto (StoreQuery) st = NULL;
	g_autofree char *id = NULL, *detail = NULL;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);

	st = query_for_row (store, Q_HELD_OF_MESSAGE, message_row, error);
	if (st == NULL)
		return FALSE;
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	if (r == 0)
		return TRUE;
	id = column_dup (st, 0);
	query_release (st);
	detail = g_strdup_printf ("it joined the thread of %s: held no more", statement_id);
	return store_set_state (store, id, "dismissed", -1, at, "adopted", detail, error);
}

char *
store_held_of_notice (Store *store, const char *message_id, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL && message_id != NULL, NULL);

	st = query (store, Q_HELD_OF_NOTICE, error);
	if (st == NULL)
		return NULL;
	if (sqlite3_bind_text (st, 1, message_id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		store_sql_error (store, sqlite3_errcode (store->db), error);
		return NULL;
	}
	r = step (store, st, error);
	return r > 0 ? column_dup (st, 0) : NULL;
}
