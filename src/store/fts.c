/* fts.c: the full-text search index of the statements (FTS5, schema step
 * 6): its row of each statement, rewritten when the statement changes,
 * and `search`'s query over it. */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_FTS_ADD,
	Q_FTS_ADD_MANY,
	Q_FTS_DELETE,
	Q_SEARCH,
	N_QUERIES
} QueryId;

/* The search index's row of a statement, from its recorded parts (the
 * same text as schema step 6 indexes); the statements' WHERE follows. */
#define FTS_ADD \
	"INSERT INTO statements_fts (rowid, title, body, contacts, attachments, attachment_text) " \
	"SELECT s.id, s.title, s.body, " \
	" (SELECT group_concat (v, ' ') FROM (" \
	"  SELECT s.from_org AS v UNION ALL SELECT s.from_org_text " \
	"  UNION ALL SELECT s.from_contact " \
	"  UNION ALL SELECT c.value FROM statement_contacts c WHERE c.statement = s.id " \
	"  UNION ALL SELECT g.value FROM statement_groups g WHERE g.statement = s.id)), " \
	" (SELECT group_concat (v, ' ') FROM (" \
	"  SELECT a.filename AS v FROM attachments a WHERE a.statement = s.id " \
	"  UNION ALL SELECT r.value FROM statement_refs r " \
	"  WHERE r.statement = s.id AND r.kind = 'attachment-title')), " \
	" (SELECT group_concat (a.text, ' ') FROM attachments a WHERE a.statement = s.id) "

static const char *const query_sql[N_QUERIES] = {
	/* The search index's row of the statement ?1. */
	[Q_FTS_ADD] = FTS_ADD "FROM statements s WHERE s.id = ?1",
	/* The same of the rows of the JSON array ?1, in one statement: FTS5
	 * writes its index out at the end of each statement that runs
	 * inside a transaction's savepoint, so one for a batch's rows. */
	[Q_FTS_ADD_MANY] = FTS_ADD "FROM statements s WHERE s.id IN (SELECT value FROM json_each (?1))",
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

static gboolean
fts_write (Store *store, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, row > 0 ? Q_FTS_ADD : Q_FTS_DELETE,
	                                        row > 0 ? row : -row, error);

	return st != NULL && run (store, st, error);
}

/* Inside a batch the write waits for store_fts_flush(): an FTS5 table
 * written in a transaction flushes its index at each savepoint of every
 * later statement, which made a bulk rebuild spend most of its index time
 * there. */
static gboolean
fts_note (Store *store, gint64 row, GError **error)
{
	if (!store->batch)
		return fts_write (store, row, error);
	if (store->fts_pending == NULL)
		store->fts_pending = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_array_append_val (store->fts_pending, row);
	return TRUE;
}

gboolean
store_fts_add (Store *store, gint64 row, GError **error)
{
	return fts_note (store, row, error);
}

gboolean
store_fts_delete (Store *store, gint64 row, GError **error)
{
	return fts_note (store, -row, error);
}

void
store_fts_mark (Store *store)
{
	guint at = store->fts_pending != NULL ? store->fts_pending->len : 0;

	if (store->fts_marks == NULL)
		store->fts_marks = g_array_new (FALSE, FALSE, sizeof (guint));
	g_array_append_val (store->fts_marks, at);
}

void
store_fts_release (Store *store)
{
	if (store->fts_marks != NULL && store->fts_marks->len > 0)
		g_array_set_size (store->fts_marks, store->fts_marks->len - 1);
}

void
store_fts_undo (Store *store)
{
	guint at;

	if (store->fts_marks == NULL || store->fts_marks->len == 0)
		return;
	at = g_array_index (store->fts_marks, guint, store->fts_marks->len - 1);
	g_array_set_size (store->fts_marks, store->fts_marks->len - 1);
	if (store->fts_pending != NULL && store->fts_pending->len > at)
		g_array_set_size (store->fts_pending, at);
}

void
store_fts_forget (Store *store)
{
	g_clear_pointer (&store->fts_pending, g_array_unref);
	g_clear_pointer (&store->fts_marks, g_array_unref);
}

/* The rows of the statements of @rows, a JSON array of their ids. */
static gboolean
fts_add_many (Store *store, const char *rows, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_FTS_ADD_MANY, error);
	Binder bind;

	if (st == NULL)
		return FALSE;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, rows);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

gboolean
store_fts_flush (Store *store, GError **error)
{
	g_autoptr (GArray) pending = g_steal_pointer (&store->fts_pending);
	g_autoptr (GString) rows = g_string_new (NULL);

	store_fts_forget (store);
	/* In order; each run of additions in one statement. */
	for (guint i = 0; pending != NULL && i <= pending->len; i++) {
		gint64 row = i < pending->len ? g_array_index (pending, gint64, i) : 0;

		if (row > 0) {
			g_string_append_printf (rows, "%c%" G_GINT64_FORMAT, rows->len == 0 ? '[' : ',', row);
			continue;
		}
		if (rows->len > 0) {
			g_string_append_c (rows, ']');
			if (!fts_add_many (store, rows->str, error))
				return FALSE;
			g_string_truncate (rows, 0);
		}
		if (row < 0 && !fts_write (store, row, error))
			return FALSE;
	}
	return TRUE;
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

