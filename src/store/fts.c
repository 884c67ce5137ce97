/* fts.c: the full-text search index of the statements (FTS5, schema step
 * 6): its row of each statement, rewritten when the statement changes,
 * and `search`'s query over it. */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_FTS_ADD,
	Q_FTS_DELETE,
	Q_SEARCH,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	/* The search index's row of the statement ?1, from its recorded
	 * parts (the same text as schema step 6 indexes). */
	[Q_FTS_ADD] =
		"INSERT INTO statements_fts (rowid, title, body, contacts, attachments, attachment_text) "
		"SELECT s.id, s.title, s.body, "
		" (SELECT group_concat (v, ' ') FROM ("
		"  SELECT s.from_org AS v UNION ALL SELECT s.from_org_text "
		"  UNION ALL SELECT s.from_contact "
		"  UNION ALL SELECT c.value FROM statement_contacts c WHERE c.statement = s.id "
		"  UNION ALL SELECT g.value FROM statement_groups g WHERE g.statement = s.id)), "
		" (SELECT group_concat (v, ' ') FROM ("
		"  SELECT a.filename AS v FROM attachments a WHERE a.statement = s.id "
		"  UNION ALL SELECT r.value FROM statement_refs r "
		"  WHERE r.statement = s.id AND r.kind = 'attachment-title')), "
		" (SELECT group_concat (a.text, ' ') FROM attachments a WHERE a.statement = s.id) "
		"FROM statements s WHERE s.id = ?1",
	[Q_FTS_DELETE] = "DELETE FROM statements_fts WHERE rowid = ?1",
	/* bm25 weighs a match in the title ten times one in the body; the
	 * contacts and file names count four times, the attachments' text
	 * half. Lower ranks are better. ?2, ?3: the snippet's markers. The
	 * snippet's column: see hit_column(). */
	[Q_SEARCH] =
		"SELECT " STATEMENT_COLUMNS ", bm25 (statements_fts, 10.0, 1.0, 4.0, 4.0, 0.5) AS score, "
		"snippet (statements_fts, liaison_hit_column (statements_fts), ?2, ?3, '...', 12) "
		"FROM statements_fts JOIN statements s ON s.id = statements_fts.rowid "
		"JOIN messages m ON m.id = s.message "
		"WHERE statements_fts MATCH ?1 "
		"ORDER BY score, s.received DESC, s.id DESC LIMIT ?4",
};

gboolean
store_fts_add (Store *store, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_FTS_ADD, row, error);

	return st != NULL && run (store, st, error);
}

gboolean
store_fts_delete (Store *store, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_FTS_DELETE, row, error);

	return st != NULL && run (store, st, error);
}

void
store_hit_free (StoreHit *hit)
{
	if (hit == NULL)
		return;
	statement_free (hit->statement);
	g_free (hit->snippet);
	g_free (hit);
}

/* liaison_hit_column (statements_fts): the column of the row's matches
 * when they are all in one, else -1 (every column). snippet() over every
 * column tokenizes each of them whole to find its sentences, then picks
 * the best window, which is always in a column that has a match (a window
 * scores at least 1000 for the match it starts from, and a column without
 * one is never scored): with the only such column named, it returns the
 * same text without tokenizing the others. FTS5 has read the row's
 * position lists already, for bm25. */
static void
hit_column (const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context,
            int argc, sqlite3_value **argv)
{
	int count = 0, phrase, column, offset, only = -1;

	(void) argc;
	(void) argv;
	if (api->xInstCount (fts, &count) != SQLITE_OK)
		count = 0;
	for (int i = 0; i < count; i++) {
		if (api->xInst (fts, i, &phrase, &column, &offset) != SQLITE_OK ||
		    (i > 0 && column != only)) {
			only = -1;
			break;
		}
		only = column;
	}
	sqlite3_result_int (context, only);
}

/* Registers liaison_hit_column() with the connection's FTS5, once. */
static gboolean
register_hit_column (Store *store, GError **error)
{
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;
	int rc;

	if (store->hit_column)
		return TRUE;
	rc = sqlite3_prepare_v2 (store->db, "SELECT fts5 (?1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_pointer (st, 1, &api, "fts5_api_ptr", NULL);
	if (rc == SQLITE_OK && sqlite3_step (st) != SQLITE_ROW)
		rc = sqlite3_errcode (store->db);
	sqlite3_finalize (st);
	if (rc == SQLITE_OK && api == NULL)
		rc = SQLITE_ERROR;
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction (api, "liaison_hit_column", NULL, hit_column, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error (store, rc, error);
	store->hit_column = TRUE;
	return TRUE;
}

GPtrArray *
store_search_statements (Store *store, const char *match, const char *mark_start,
                         const char *mark_end, guint limit, gboolean full, GError **error)
{
	g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) store_hit_free);
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (match != NULL, NULL);

	if (!register_hit_column (store, error))
		goto fail;
	st = query (store, Q_SEARCH, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, match);
	bind_text (&bind, 2, mark_start != NULL ? mark_start : "");
	bind_text (&bind, 3, mark_end != NULL ? mark_end : "");
	bind_int64 (&bind, 4, limit > 0 ? (gint64) limit : -1);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	while ((r = step (store, st, error)) > 0) {
		StoreHit *hit = g_new0 (StoreHit, 1);
		gint64 row;

		hit->statement = store_statement_from_row (st, FALSE, &row);
		hit->score = -sqlite3_column_double (st, COL_BODY);
		hit->snippet = column_dup (st, COL_BODY + 1);
		g_ptr_array_add (hits, hit);
		if (full && !store_fill_common (store, hit->statement, row, error))
			goto fail;
	}
	if (r < 0)
		goto fail;
	return g_steal_pointer (&hits);

fail:
	g_prefix_error (error, "cannot search: ");
	return NULL;
}

