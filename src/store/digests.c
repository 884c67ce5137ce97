/* digests.c: the record of the mail that tells people where things stand
 * (issue 18): `digest` once per ISO week and target, `remind
 * --authorized` once per quarter and organization; and what the digest
 * asks of the store beyond the register (the statements replied since). */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_DIGEST_SENT,
	Q_DIGEST_ADD,
	Q_DIGEST_ADD_RECIPIENT,
	Q_DIGEST_LAST,
	Q_DIGEST_REPLIED,
	Q_DIGEST_TARGETS,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	[Q_DIGEST_SENT] =
		"SELECT count(*) FROM digests WHERE kind = ?1 AND period = ?2 AND target = ?3",
	[Q_DIGEST_ADD] =
		"INSERT INTO digests (kind, period, target, recipients, outbox, created) "
		"VALUES (?1, ?2, ?3, '[]', nullif (?4, 0), ?5)",
	/* SQLite writes the JSON: no quoting of ours to get wrong. */
	[Q_DIGEST_ADD_RECIPIENT] =
		"UPDATE digests SET recipients = json_insert (recipients, '$[#]', ?2) WHERE id = ?1",
	[Q_DIGEST_LAST] =
		"SELECT max (created) FROM digests WHERE kind = ?1",
	/* The statements a reply was recorded for at or after ?1. */
	[Q_DIGEST_REPLIED] =
		"SELECT DISTINCT s.ls_id FROM events e JOIN statements s ON s.id = e.statement "
		"WHERE e.type = 'replied' AND e.at >= ?1 ORDER BY s.ls_id",
	[Q_DIGEST_TARGETS] =
		"SELECT target FROM digests WHERE kind = ?1 AND period = ?2 AND recipients <> '[]' "
		"ORDER BY id",
};

gboolean
store_digest_sent (Store *store, const char *kind, const char *period, const char *target,
                   gboolean *sent, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL && kind != NULL && period != NULL && target != NULL, FALSE);

	*sent = FALSE;
	st = query (store, Q_DIGEST_SENT, error);
	if (st == NULL)
		return FALSE;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, kind);
	bind_text (&bind, 2, period);
	bind_text (&bind, 3, target);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	*sent = r > 0 && sqlite3_column_int64 (st, 0) > 0;
	return TRUE;
}

gboolean
store_add_digest (Store *store, const char *kind, const char *period, const char *target,
                  GPtrArray *recipients, gint64 outbox, const char *at, GError **error)
{
	Binder bind;
	gint64 row;

	g_return_val_if_fail (store != NULL && recipients != NULL, FALSE);

	{
		g_auto (StoreQuery) st = query (store, Q_DIGEST_ADD, error);

		if (st == NULL)
			return FALSE;
		bind = (Binder) { st, SQLITE_OK };
		bind_text (&bind, 1, kind);
		bind_text (&bind, 2, period);
		bind_text (&bind, 3, target);
		if (outbox > 0)
			bind_int64 (&bind, 4, outbox);
		else if (bind.rc == SQLITE_OK)
			bind.rc = sqlite3_bind_null (st, 4);   /* none sent, or rebuilt */
		bind_text (&bind, 5, at);
		if (bind.rc != SQLITE_OK)
			return store_sql_error (store, bind.rc, error);
		if (!run (store, st, error))
			return FALSE;
		row = sqlite3_last_insert_rowid (store->db);
	}
	for (guint i = 0; i < recipients->len; i++) {
		g_auto (StoreQuery) st = query (store, Q_DIGEST_ADD_RECIPIENT, error);

		if (st == NULL)
			return FALSE;
		bind = (Binder) { st, SQLITE_OK };
		bind_int64 (&bind, 1, row);
		bind_text (&bind, 2, g_ptr_array_index (recipients, i));
		if (bind.rc != SQLITE_OK)
			return store_sql_error (store, bind.rc, error);
		if (!run (store, st, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
store_last_digest (Store *store, const char *kind, char **at, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	*at = NULL;
	st = query (store, Q_DIGEST_LAST, error);
	if (st == NULL)
		return FALSE;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, kind);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	if (r > 0)
		*at = column_dup (st, 0);
	return TRUE;
}

GPtrArray *
store_digest_replied (Store *store, const char *since, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	Binder bind;

	st = query (store, Q_DIGEST_REPLIED, error);
	if (st == NULL)
		return NULL;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, since != NULL ? since : "");
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return NULL;
	}
	if (!store_each_row (store, st, store_row_text, ids, error))
		return NULL;
	return g_steal_pointer (&ids);
}

GPtrArray *
store_digest_targets (Store *store, const char *kind, const char *period, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	g_autoptr (GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
	Binder bind;

	st = query (store, Q_DIGEST_TARGETS, error);
	if (st == NULL)
		return NULL;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, kind);
	bind_text (&bind, 2, period);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return NULL;
	}
	if (!store_each_row (store, st, store_row_text, targets, error))
		return NULL;
	return g_steal_pointer (&targets);
}
