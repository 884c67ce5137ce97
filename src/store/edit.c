/* edit.c: the corrections a person makes to a recorded statement (`edit`:
 * one field, or a list of contacts, set anew) and the removal of its
 * content (`purge`: the rows of its message and attachments marked purged
 * (schema step 10), its body and the attachments' text blanked, and the
 * spool files no other row still names handed back for removal). The
 * search index follows both. */
#include "config.h"

#include <string.h>

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_SET_TITLE,
	Q_SET_PURPOSE,
	Q_SET_DEADLINE,
	Q_SET_SUBMITTED,
	Q_SET_FROM_ORG,
	Q_CLEAR_CONTACTS,
	Q_ADD_CONTACT,
	Q_PURGE_STATE,
	Q_PURGE_MESSAGE,
	Q_PURGE_ATTACHMENTS,
	Q_PURGE_BODY,
	Q_UNUSED_FILES,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	[Q_SET_TITLE] = "UPDATE statements SET title = ?2 WHERE id = ?1",
	[Q_SET_PURPOSE] = "UPDATE statements SET purpose = ?2 WHERE id = ?1",
	[Q_SET_DEADLINE] = "UPDATE statements SET deadline = ?2 WHERE id = ?1",
	[Q_SET_SUBMITTED] = "UPDATE statements SET submitted = ?2 WHERE id = ?1",
	[Q_SET_FROM_ORG] = "UPDATE statements SET from_org = ?2 WHERE id = ?1",
	[Q_CLEAR_CONTACTS] = "DELETE FROM statement_contacts WHERE statement = ?1 AND kind = ?2",
	[Q_ADD_CONTACT] =
		"INSERT INTO statement_contacts (statement, kind, position, value) VALUES (?1, ?2, ?3, ?4)",
	/* When the statement's message was purged, or NULL. */
	[Q_PURGE_STATE] =
		"SELECT m.purged FROM statements s JOIN messages m ON m.id = s.message WHERE s.id = ?1",
	[Q_PURGE_MESSAGE] =
		"UPDATE messages SET purged = ?2 WHERE id = (SELECT message FROM statements WHERE id = ?1)",
	[Q_PURGE_ATTACHMENTS] =
		"UPDATE attachments SET purged = ?2, text = NULL WHERE statement = ?1",
	[Q_PURGE_BODY] = "UPDATE statements SET body = ?2 WHERE id = ?1",
	/* The files of the statement ?1 that no row not purged names any
	 * more: "msg/SHA" and "att/SHA". */
	[Q_UNUSED_FILES] =
		"SELECT 'msg/' || m.raw_sha256 FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE s.id = ?1 AND NOT EXISTS (SELECT 1 FROM messages o "
		" WHERE o.raw_sha256 = m.raw_sha256 AND o.purged IS NULL) "
		"UNION SELECT 'att/' || a.sha256 FROM attachments a WHERE a.statement = ?1 "
		"AND NOT EXISTS (SELECT 1 FROM attachments o WHERE o.sha256 = a.sha256 "
		" AND o.purged IS NULL)",
};

static QueryId
field_query (StoreField field)
{
	switch (field) {
	case STORE_FIELD_TITLE: return Q_SET_TITLE;
	case STORE_FIELD_PURPOSE: return Q_SET_PURPOSE;
	case STORE_FIELD_DEADLINE: return Q_SET_DEADLINE;
	case STORE_FIELD_SUBMITTED: return Q_SET_SUBMITTED;
	case STORE_FIELD_FROM_ORG: return Q_SET_FROM_ORG;
	}
	g_assert_not_reached ();
}

/* The row of @statement_id; FALSE with LIAISON_ERROR_NOT_FOUND when none. */
static gboolean
statement_row (Store *store, const char *statement_id, gint64 *row, GError **error)
{
	int r = store_statement_row (store, statement_id, row, error);

	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s",
		             statement_id);
	return r > 0;
}

/* Runs the query @id with the row ?1 and the text ?2. */
static gboolean
run_row_text (Store *store, QueryId id, gint64 row, const char *text, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, row);
	bind_text (&bind, 2, text);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

static gboolean
refresh_fts (Store *store, gint64 row, GError **error)
{
	return store_fts_delete (store, row, error) && store_fts_add (store, row, error);
}

gboolean
store_set_field (Store *store, const char *statement_id, StoreField field, const char *value,
                 GError **error)
{
	gint64 row = 0;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);

	if (statement_row (store, statement_id, &row, error) &&
	    run_row_text (store, field_query (field), row, value, error) &&
	    refresh_fts (store, row, error))
		return TRUE;
	g_prefix_error (error, "cannot edit %s: ", statement_id);
	return FALSE;
}

gboolean
store_set_contacts (Store *store, const char *statement_id, const char *kind, GPtrArray *values,
                    GError **error)
{
	gint64 row = 0;

	g_return_val_if_fail (store != NULL && statement_id != NULL && kind != NULL, FALSE);

	if (!statement_row (store, statement_id, &row, error) ||
	    !run_row_text (store, Q_CLEAR_CONTACTS, row, kind, error))
		goto fail;
	for (guint i = 0; values != NULL && i < values->len; i++) {
		g_auto (StoreQuery) st = query (store, Q_ADD_CONTACT, error);
		Binder bind = { st, SQLITE_OK };

		if (st == NULL)
			goto fail;
		bind_int64 (&bind, 1, row);
		bind_text (&bind, 2, kind);
		bind_int64 (&bind, 3, i);
		bind_text (&bind, 4, g_ptr_array_index (values, i));
		if (bind.rc != SQLITE_OK) {
			store_sql_error (store, bind.rc, error);
			goto fail;
		}
		if (!run (store, st, error))
			goto fail;
	}
	if (refresh_fts (store, row, error))
		return TRUE;
fail:
	g_prefix_error (error, "cannot edit %s: ", statement_id);
	return FALSE;
}

gboolean
store_is_purged (Store *store, const char *statement_id, char **purged, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	gint64 row = 0;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL && purged != NULL, FALSE);

	*purged = NULL;
	if (!statement_row (store, statement_id, &row, error))
		return FALSE;
	st = query_for_row (store, Q_PURGE_STATE, row, error);
	if (st == NULL || (r = step (store, st, error)) < 0)
		return FALSE;
	if (r > 0)
		*purged = column_dup (st, 0);
	return TRUE;
}

gboolean
store_purge (Store *store, const char *statement_id, const char *at, const char *body,
             GPtrArray *unused, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	gint64 row = 0;

	g_return_val_if_fail (store != NULL && statement_id != NULL && at != NULL, FALSE);
	g_return_val_if_fail (unused != NULL, FALSE);

	if (!statement_row (store, statement_id, &row, error) ||
	    !run_row_text (store, Q_PURGE_MESSAGE, row, at, error) ||
	    !run_row_text (store, Q_PURGE_ATTACHMENTS, row, at, error) ||
	    !run_row_text (store, Q_PURGE_BODY, row, body, error) ||
	    !refresh_fts (store, row, error))
		goto fail;
	st = query_for_row (store, Q_UNUSED_FILES, row, error);
	if (st != NULL && store_each_row (store, st, store_row_text, unused, error))
		return TRUE;
fail:
	g_prefix_error (error, "cannot purge %s: ", statement_id);
	return FALSE;
}
