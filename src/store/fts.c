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
	Q_RANK,
	Q_RECEIVED,
	Q_HIT,
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
	/* The rows and scores of every hit, from the index alone: no column
	 * of theirs, no snippet, no order (see rank()). */
	[Q_RANK] =
		"SELECT rowid, bm25 (statements_fts, 10.0, 1.0, 4.0, 4.0, 0.5) "
		"FROM statements_fts WHERE statements_fts MATCH ?1",
	/* Q_SEARCH's order after the score. */
	[Q_RECEIVED] = "SELECT received FROM statements WHERE id = ?1",
	/* One hit of Q_RANK (the row ?4), as Q_SEARCH gives it, without its
	 * score. */
	[Q_HIT] =
		"SELECT " STATEMENT_COLUMNS ", "
		"snippet (statements_fts, liaison_hit_column (statements_fts), ?2, ?3, '...', 12) "
		"FROM statements_fts JOIN statements s ON s.id = statements_fts.rowid "
		"JOIN messages m ON m.id = s.message "
		"WHERE statements_fts MATCH ?1 AND statements_fts.rowid = ?4",
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

/* Binds the match ?1 and the snippet's markers ?2 and ?3 to @st. */
static gboolean
bind_search (Store *store, sqlite3_stmt *st, const char *match, const char *mark_start,
             const char *mark_end, GError **error)
{
	Binder bind = { st, SQLITE_OK };

	bind_text (&bind, 1, match);
	if (mark_start != NULL || mark_end != NULL) {
		bind_text (&bind, 2, mark_start != NULL ? mark_start : "");
		bind_text (&bind, 3, mark_end != NULL ? mark_end : "");
	}
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return TRUE;
}

/* The hit of the current row of @st, a Q_SEARCH or Q_HIT: its snippet in
 * the column @snippet; with @full, filled as store_list_statements()
 * does. NULL with @error set. */
static StoreHit *
read_hit (Store *store, sqlite3_stmt *st, int snippet, double score, gboolean full,
          GError **error)
{
	g_autoptr (StoreHit) hit = g_new0 (StoreHit, 1);
	gint64 row;

	hit->statement = store_statement_from_row (st, FALSE, &row);
	hit->score = score;
	hit->snippet = column_dup (st, snippet);
	if (full && !store_fill_common (store, hit->statement, row, error))
		return NULL;
	return g_steal_pointer (&hit);
}

/* Every hit, in one query: each row's snippet is made as it is read. */
static gboolean
search_all (Store *store, const char *match, const char *mark_start, const char *mark_end,
            gboolean full, GPtrArray *hits, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_SEARCH, error);
	Binder bind = { st, SQLITE_OK };
	int r;

	if (st == NULL || !bind_search (store, st, match, mark_start, mark_end, error))
		return FALSE;
	bind_int64 (&bind, 4, -1);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	while ((r = step (store, st, error)) > 0) {
		StoreHit *hit = read_hit (store, st, COL_BODY + 1, -sqlite3_column_double (st, COL_BODY),
		                          full, error);

		if (hit == NULL)
			return FALSE;
		g_ptr_array_add (hits, hit);
	}
	return r == 0;
}

/* A hit as rank() orders it. */
typedef struct {
	gint64 row;
	double score;            /* bm25: lower is better */
	char *received;          /* its statement's, once looked up */
} Ranked;

static void
ranked_clear (gpointer data)
{
	g_free (((Ranked *) data)->received);
}

static int
by_score (gconstpointer a, gconstpointer b)
{
	const Ranked *x = a, *y = b;

	return x->score < y->score ? -1 : x->score > y->score;
}

/* Q_SEARCH's order: the score, then the newest received, then the
 * newest row. */
static int
by_order (gconstpointer a, gconstpointer b)
{
	const Ranked *x = a, *y = b;
	int c = by_score (a, b);

	if (c == 0)
		c = -g_strcmp0 (x->received, y->received);
	if (c == 0)
		c = x->row < y->row ? 1 : x->row > y->row ? -1 : 0;
	return c;
}

/* Sets the received time of each of @n hits from @hits. */
static gboolean
look_up_received (Store *store, Ranked *hits, guint n, GError **error)
{
	for (guint i = 0; i < n; i++) {
		g_auto (StoreQuery) st = query_for_row (store, Q_RECEIVED, hits[i].row, error);
		int r;

		if (st == NULL || (r = step (store, st, error)) < 0)
			return FALSE;
		hits[i].received = r > 0 ? column_dup (st, 0) : NULL;
	}
	return TRUE;
}

/* The rows and scores of the best @limit hits, best first, into @best,
 * and the number of all of them into *@total. Ranked from the index
 * alone: reading every hit's statement for Q_SEARCH's order would read a
 * page or two of the table for each, thousands in a large register. The
 * statements are read only for the hits that could be among the best
 * (the first @limit by score, and those of the same score as the last of
 * them), for their received time. */
static gboolean
rank (Store *store, const char *match, guint limit, GArray *best, guint *total, GError **error)
{
	g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (Ranked));
	g_auto (StoreQuery) st = query (store, Q_RANK, error);
	guint candidates;
	int r;

	g_array_set_clear_func (all, ranked_clear);
	if (st == NULL || !bind_search (store, st, match, NULL, NULL, error))
		return FALSE;
	while ((r = step (store, st, error)) > 0) {
		Ranked hit = { sqlite3_column_int64 (st, 0), sqlite3_column_double (st, 1), NULL };

		g_array_append_val (all, hit);
	}
	if (r < 0)
		return FALSE;
	*total = all->len;
	g_array_sort (all, by_score);
	candidates = MIN (limit, all->len);
	while (candidates > 0 && candidates < all->len &&
	       g_array_index (all, Ranked, candidates).score
	       <= g_array_index (all, Ranked, candidates - 1).score)
		candidates++;
	if (!look_up_received (store, (Ranked *) all->data, candidates, error))
		return FALSE;
	g_array_set_size (all, candidates);
	g_array_sort (all, by_order);
	for (guint i = 0; i < all->len && best->len < limit; i++) {
		Ranked *hit = &g_array_index (all, Ranked, i);

		/* A row of the index without its statement is no hit. */
		if (hit->received == NULL)
			continue;
		g_array_append_val (best, *hit);
		hit->received = NULL;
	}
	return TRUE;
}

/* The hit of the row @row with its @score, and its snippet: NULL with
 * @error unset when the row is no hit. */
static StoreHit *
search_one (Store *store, const char *match, const char *mark_start, const char *mark_end,
            gint64 row, double score, gboolean full, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_HIT, error);
	Binder bind = { st, SQLITE_OK };
	int r;

	if (st == NULL || !bind_search (store, st, match, mark_start, mark_end, error))
		return NULL;
	bind_int64 (&bind, 4, row);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return NULL;
	}
	r = step (store, st, error);
	return r > 0 ? read_hit (store, st, COL_BODY, score, full, error) : NULL;
}

/* The best @limit hits: all are ranked (bm25 reads only their position
 * lists and sizes), and only those shown are read and given a snippet,
 * which tokenizes a column of the statement. */
static gboolean
search_best (Store *store, const char *match, const char *mark_start, const char *mark_end,
             guint limit, gboolean full, GPtrArray *hits, guint *total, GError **error)
{
	g_autoptr (GArray) best = g_array_new (FALSE, FALSE, sizeof (Ranked));

	g_array_set_clear_func (best, ranked_clear);
	if (!rank (store, match, limit, best, total, error))
		return FALSE;
	for (guint i = 0; i < best->len; i++) {
		const Ranked *ranked = &g_array_index (best, Ranked, i);
		GError *failure = NULL;
		StoreHit *hit = search_one (store, match, mark_start, mark_end, ranked->row,
		                            -ranked->score, full, &failure);

		if (failure != NULL) {
			g_propagate_error (error, failure);
			return FALSE;
		}
		if (hit != NULL)
			g_ptr_array_add (hits, hit);
	}
	return TRUE;
}

GPtrArray *
store_search_statements (Store *store, const char *match, const char *mark_start,
                         const char *mark_end, guint limit, gboolean full, guint *total,
                         GError **error)
{
	g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) store_hit_free);
	gboolean own_transaction, ok;
	guint all = 0;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (match != NULL, NULL);

	if (!register_hit_column (store, error))
		goto fail;
	/* The ranking and the hits read after it see the same register. */
	own_transaction = limit > 0 && sqlite3_get_autocommit (store->db);
	if (own_transaction && sqlite3_exec (store->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		store_sql_error (store, sqlite3_errcode (store->db), error);
		goto fail;
	}
	if (limit > 0)
		ok = search_best (store, match, mark_start, mark_end, limit, full, hits, &all, error);
	else
		ok = search_all (store, match, mark_start, mark_end, full, hits, error);
	if (own_transaction)
		sqlite3_exec (store->db, "COMMIT", NULL, NULL, NULL);
	if (!ok)
		goto fail;
	if (total != NULL)
		*total = limit > 0 ? all : hits->len;
	return g_steal_pointer (&hits);

fail:
	g_prefix_error (error, "cannot search: ");
	return NULL;
}
