/* messages.c: the messages we receive: whether one was seen before, its
 * row, the Message-IDs it names, and the thread it joins (found by key,
 * linked, or adopted when it came before its parent); and the counts. */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_SEEN_EXACT,
	Q_SEEN_ID,
	Q_SEEN_HASH,
	Q_ADD_MESSAGE,
	Q_LINK_MESSAGE,
	Q_COUNT,
	Q_ADD_MESSAGE_REF,
	Q_THREAD_BY_MESSAGE_ID,
	Q_THREAD_BY_LS_ID,
	Q_THREAD_BY_URL,
	Q_THREAD_BY_TITLE,
	Q_ORPHANS,
	Q_ADOPT,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	[Q_SEEN_EXACT] = "SELECT 1 FROM messages WHERE message_id = ?1 AND dedupe_hash = ?2 LIMIT 1",
	[Q_SEEN_ID] = "SELECT 1 FROM messages WHERE message_id = ?1 LIMIT 1",
	[Q_SEEN_HASH] = "SELECT 1 FROM messages WHERE dedupe_hash = ?1 LIMIT 1",
	[Q_ADD_MESSAGE] =
		"INSERT INTO messages (message_id, dedupe_hash, raw_sha256, size, received, "
		"env_sender, env_recipient, env_extension, from_header, subject, date, kind, "
		"hold_reason, conflict) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[Q_LINK_MESSAGE] = "UPDATE messages SET statement = ?2, role = ?3 WHERE id = ?1",
	[Q_COUNT] =
		"SELECT (SELECT count(*) FROM messages), "
		"(SELECT count(*) FROM statements WHERE NOT coalesce (handle = ls_id, 0)), "
		"(SELECT count(*) FROM statements WHERE state = 'held') + "
		"(SELECT count(*) FROM messages m WHERE m.hold_reason IS NOT NULL "
		" AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.message = m.id))",
	[Q_ADD_MESSAGE_REF] =
		"INSERT OR IGNORE INTO message_refs (message, position, target) VALUES (?1, ?2, ?3)",
	/* A message of a thread: one recorded and linked, or one we sent.
	 * A held message that is no statement (its handle is its id) is
	 * nobody's thread: what answers it is held in turn. */
	[Q_THREAD_BY_MESSAGE_ID] =
		"SELECT s.ls_id FROM messages m JOIN statements s ON s.id = m.statement "
		"WHERE m.message_id = ?1 "
		"UNION ALL "
		"SELECT s.ls_id FROM outbox o JOIN statements s ON s.id = o.statement "
		"WHERE o.message_id = ?1 AND NOT coalesce (s.handle = s.ls_id, 0) "
		"LIMIT 1",
	[Q_THREAD_BY_LS_ID] = "SELECT ls_id FROM statements WHERE ls_id = ?1",
	/* The Datatracker writes its pages with and without the final '/'.
	 * Both use their index of migration 7: the expressions must stay
	 * the indexes' own. */
	[Q_THREAD_BY_URL] =
		"SELECT ls_id FROM statements WHERE url IS NOT NULL "
		"AND lower (rtrim (replace (url, 'http://', 'https://'), '/')) = lower (rtrim (?1, '/')) "
		"ORDER BY received DESC, id DESC LIMIT 1",
	[Q_THREAD_BY_TITLE] =
		"SELECT ls_id FROM statements WHERE title = ?1 COLLATE NOCASE "
		"AND NOT coalesce (handle = ls_id, 0) "
		"ORDER BY received DESC, id DESC LIMIT 1",
	/* Messages that named ?1 before it was recorded and joined no
	 * thread: replies and auto-replies that came before their parent. */
	[Q_ORPHANS] =
		"SELECT DISTINCT m.id, m.kind, m.from_header, m.message_id, m.raw_sha256 FROM message_refs r "
		"JOIN messages m ON m.id = r.message "
		"WHERE r.target = ?1 AND m.statement IS NULL AND m.conflict = 0 "
		"AND m.kind IN ('other', 'reply', 'auto-reply') ORDER BY m.id LIMIT 100",
	/* A message held as 'other' for want of a thread is held no more;
	 * its kind becomes what it is in the thread (?4). */
	[Q_ADOPT] =
		"UPDATE messages SET statement = (SELECT id FROM statements WHERE ls_id = ?2), role = ?3, "
		"hold_reason = CASE WHEN kind = 'other' THEN NULL ELSE hold_reason END, "
		"kind = ?4 "
		"WHERE id = ?1 AND statement IS NULL",
};

/* ---------------------------------------------------------------------- */
/* Messages */

static int
exists (Store *store, QueryId id, const char *a, const char *b, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return -1;
	bind_text (&bind, 1, a);
	if (b != NULL)
		bind_text (&bind, 2, b);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return -1;
	}
	return step (store, st, error);
}

gboolean
store_message_seen (Store *store, const char *message_id, const char *dedupe_hash,
                    StoreSeen *seen, GError **error)
{
	int r;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (dedupe_hash != NULL, FALSE);
	g_return_val_if_fail (seen != NULL, FALSE);

	if (message_id == NULL || *message_id == '\0') {
		/* Without a Message-ID the content alone identifies a message. */
		r = exists (store, Q_SEEN_HASH, dedupe_hash, NULL, error);
		if (r < 0)
			goto fail;
		*seen = r > 0 ? STORE_SEEN_DUPLICATE : STORE_SEEN_NEW;
		return TRUE;
	}
	r = exists (store, Q_SEEN_EXACT, message_id, dedupe_hash, error);
	if (r < 0)
		goto fail;
	if (r > 0) {
		*seen = STORE_SEEN_DUPLICATE;
		return TRUE;
	}
	r = exists (store, Q_SEEN_ID, message_id, NULL, error);
	if (r < 0)
		goto fail;
	*seen = r > 0 ? STORE_SEEN_CONFLICT : STORE_SEEN_NEW;
	return TRUE;

fail:
	g_prefix_error (error, "cannot look up message <%s>: ", message_id ? message_id : "");
	return FALSE;
}

gint64
store_add_message (Store *store, const StoreMessage *message, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, 0);
	g_return_val_if_fail (message != NULL, 0);
	g_return_val_if_fail (message->dedupe_hash != NULL, 0);
	g_return_val_if_fail (message->raw_sha256 != NULL, 0);
	g_return_val_if_fail (message->received != NULL, 0);
	g_return_val_if_fail (message->kind != NULL, 0);

	st = query (store, Q_ADD_MESSAGE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, message->message_id && *message->message_id ? message->message_id : NULL);
	bind_text (&bind, 2, message->dedupe_hash);
	bind_text (&bind, 3, message->raw_sha256);
	bind_int64 (&bind, 4, message->size);
	bind_text (&bind, 5, message->received);
	bind_text (&bind, 6, message->sender);
	bind_text (&bind, 7, message->recipient);
	bind_text (&bind, 8, message->extension);
	bind_text (&bind, 9, message->from);
	bind_text (&bind, 10, message->subject);
	bind_text (&bind, 11, message->date);
	bind_text (&bind, 12, message->kind);
	bind_text (&bind, 13, message->hold_reason);
	bind_int64 (&bind, 14, message->conflict ? 1 : 0);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	return sqlite3_last_insert_rowid (store->db);

fail:
	g_prefix_error (error, "cannot record message <%s>: ",
	                message->message_id ? message->message_id : "");
	return 0;
}


gboolean
store_count (Store *store, gint64 *messages, gint64 *statements, gint64 *held, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL, FALSE);

	st = query (store, Q_COUNT, error);
	if (st == NULL)
		goto fail;
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	if (messages != NULL)
		*messages = r > 0 ? sqlite3_column_int64 (st, 0) : 0;
	if (statements != NULL)
		*statements = r > 0 ? sqlite3_column_int64 (st, 1) : 0;
	if (held != NULL)
		*held = r > 0 ? sqlite3_column_int64 (st, 2) : 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot count messages: ");
	return FALSE;
}


/* ---------------------------------------------------------------------- */
/* Threads */

gboolean
store_link_row (Store *store, gint64 message_row, gint64 statement_row, const char *role,
                GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_LINK_MESSAGE, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, message_row);
	bind_int64 (&bind, 2, statement_row);
	bind_text (&bind, 3, role);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

gboolean
store_link_message (Store *store, gint64 message_row, const char *statement_id, const char *role,
                    GError **error)
{
	gint64 row = 0;
	int r;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL, FALSE);

	r = store_statement_row (store, statement_id, &row, error);
	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
	if (r <= 0 || !store_link_row (store, message_row, row, role, error)) {
		g_prefix_error (error, "cannot add a message to the thread of %s: ", statement_id);
		return FALSE;
	}
	return TRUE;
}

gboolean
store_add_message_refs (Store *store, gint64 message_row, GPtrArray *message_ids, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);

	for (guint i = 0; message_ids != NULL && i < message_ids->len; i++) {
		g_auto (StoreQuery) st = query (store, Q_ADD_MESSAGE_REF, error);
		Binder bind = { st, SQLITE_OK };

		if (st == NULL)
			goto fail;
		bind_int64 (&bind, 1, message_row);
		bind_int64 (&bind, 2, i);
		bind_text (&bind, 3, g_ptr_array_index (message_ids, i));
		if (bind.rc != SQLITE_OK) {
			store_sql_error (store, bind.rc, error);
			goto fail;
		}
		if (!run (store, st, error))
			goto fail;
	}
	return TRUE;

fail:
	g_prefix_error (error, "cannot record the references of a message: ");
	return FALSE;
}

char *
store_find_thread (Store *store, StoreThreadKey kind, const char *key, GError **error)
{
	static const QueryId queries[] = {
		[STORE_THREAD_MESSAGE_ID] = Q_THREAD_BY_MESSAGE_ID,
		[STORE_THREAD_ID] = Q_THREAD_BY_LS_ID,
		[STORE_THREAD_URL] = Q_THREAD_BY_URL,
		[STORE_THREAD_TITLE] = Q_THREAD_BY_TITLE,
	};
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail ((gsize) kind < G_N_ELEMENTS (queries), NULL);

	if (key == NULL || *key == '\0')
		return NULL;
	st = query (store, queries[kind], error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, key);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	return r > 0 ? column_dup (st, 0) : NULL;

fail:
	g_prefix_error (error, "cannot look up a thread: ");
	return NULL;
}

void
store_orphan_free (StoreOrphan *orphan)
{
	if (orphan == NULL)
		return;
	g_free (orphan->kind);
	g_free (orphan->from);
	g_free (orphan->message_id);
	g_free (orphan->raw_sha256);
	g_free (orphan);
}

/* Appends the orphan of the current row to @data (a GPtrArray). */
static void
orphan_from_row (sqlite3_stmt *st, gpointer data)
{
	StoreOrphan *o = g_new0 (StoreOrphan, 1);

	o->row = sqlite3_column_int64 (st, 0);
	o->kind = column_dup (st, 1);
	o->from = column_dup (st, 2);
	o->message_id = column_dup (st, 3);
	o->raw_sha256 = column_dup (st, 4);
	g_ptr_array_add (data, o);
}

GPtrArray *
store_find_orphans (Store *store, const char *message_id, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) store_orphan_free);
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, NULL);

	if (message_id == NULL || *message_id == '\0')
		return g_steal_pointer (&out);
	st = query (store, Q_ORPHANS, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, message_id);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!store_each_row (store, st, orphan_from_row, out, error))
		goto fail;
	return g_steal_pointer (&out);

fail:
	g_prefix_error (error, "cannot look up the replies to <%s>: ", message_id);
	return NULL;
}

gboolean
store_adopt_message (Store *store, gint64 message_row, const char *statement_id, const char *role,
                     const char *kind, gboolean *adopted, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL && statement_id != NULL && role != NULL, FALSE);

	*adopted = FALSE;
	st = query (store, Q_ADOPT, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, message_row);
	bind_text (&bind, 2, statement_id);
	bind_text (&bind, 3, role);
	bind_text (&bind, 4, kind);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	*adopted = sqlite3_changes (store->db) > 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot add a message to the thread of %s: ", statement_id);
	return FALSE;
}

