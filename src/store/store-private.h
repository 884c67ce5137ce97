/* store-private.h: what the files of the store share, behind store.h: the
 * Store itself, its cache of prepared statements, binding and stepping,
 * the wrapping of SQLite's errors, and the few steps one file of the
 * store lends another. Included only by src/store/ (and sqlite3.h with it). */
#ifndef LIAISON_STORE_PRIVATE_H
#define LIAISON_STORE_PRIVATE_H

#include <glib.h>
#include <sqlite3.h>

#include "base/statement.h"
#include "store/store.h"

struct Store {
	sqlite3 *db;
	char *path;
	GHashTable *queries;     /* SQL text (by address) -> sqlite3_stmt */
	gboolean batch;          /* inside store_batch_begin(): store_begin()
	                          * and friends use a savepoint */
	char *journal;           /* SPOOL/journal once journal_attach()ed, or
	                          * NULL: nothing is journaled */
	gboolean lazy;           /* store_set_lazy(): commits and journal
	                          * lines without a sync */
	gboolean journal_unsynced; /* a journal line was appended without
	                            * a sync since the last one */
	gboolean hit_column;     /* liaison_hit_column() registered (fts.c) */
	/* In a batch, the search index's writes wait for its end (fts.c):
	 * each a statement row, negative for a removal, in order; and where
	 * each open savepoint began in it. */
	GArray *fts_pending;     /* gint64 */
	GArray *fts_marks;       /* guint */
};

/* Makes the journal's lines appended without a sync (in a batch, or
 * lazily) durable: one fdatasync when there are any (journal.c). */
gboolean journal_sync_pending (Store *store, GError **error);

/* ---------------------------------------------------------------------- */
/* Queries (store.c) */

/* Sets @error from the SQLite result @rc, with the connection's message when
 * it has one. Always returns FALSE, for "return store_sql_error (...)". */
gboolean store_sql_error (Store *store, int rc, GError **error);

/* The statement of @sql (a constant of a query_sql[] table), prepared once
 * per connection and cached; NULL with @error set when SQLite refuses it. */
sqlite3_stmt *store_prepare (Store *store, const char *sql, GError **error);

/* store_prepare() with the statement row @row bound as ?1. */
sqlite3_stmt *store_prepare_row (Store *store, const char *sql, gint64 row, GError **error);

/* Each file of the store numbers its queries in its own enum (Q_...) and
 * keeps their SQL in its own "static const char *const query_sql[]"; these
 * name a query of that table by its number. */
#define query(store, id, error) store_prepare ((store), query_sql[(id)], (error))
#define query_for_row(store, id, row, error) \
	store_prepare_row ((store), query_sql[(id)], (row), (error))

/* A cached statement, reset and unbound when it goes out of scope, so that
 * no early return leaves one running (and holding a read snapshot). */
typedef sqlite3_stmt *StoreQuery;

static inline void
query_release (sqlite3_stmt *st)
{
	sqlite3_reset (st);
	sqlite3_clear_bindings (st);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (StoreQuery, query_release, NULL)

/* Binds parameters one after another, remembering the first failure so
 * that the caller checks once. */
typedef struct {
	sqlite3_stmt *st;
	int rc;
} Binder;

static inline void
bind_text (Binder *b, int index, const char *value)
{
	if (b->rc != SQLITE_OK)
		return;
	if (value == NULL)
		b->rc = sqlite3_bind_null (b->st, index);
	else
		b->rc = sqlite3_bind_text (b->st, index, value, -1, SQLITE_TRANSIENT);
}

static inline void
bind_int64 (Binder *b, int index, gint64 value)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_int64 (b->st, index, value);
}

/* Steps @st: 1 for a row, 0 when done, -1 with @error set. */
static inline int
step (Store *store, sqlite3_stmt *st, GError **error)
{
	int rc = sqlite3_step (st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	store_sql_error (store, rc, error);
	return -1;
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
static inline gboolean
run (Store *store, sqlite3_stmt *st, GError **error)
{
	int r;

	while ((r = step (store, st, error)) > 0)
		;
	return r == 0;
}

static inline char *
column_dup (sqlite3_stmt *st, int column)
{
	const unsigned char *text = sqlite3_column_text (st, column);

	return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Reads one row of a statement into @data. */
typedef void (*StoreRowFunc) (sqlite3_stmt *st, gpointer data);

/* Steps @st to its end, handing each row to @func: the one loop over the
 * rows of a query. FALSE with @error set when a step fails. */
gboolean store_each_row (Store *store, sqlite3_stmt *st, StoreRowFunc func, gpointer data,
                         GError **error);
/* Row readers for store_each_row(): column 0 appended to @data, a GArray
 * of gint64 or a GPtrArray of char*. */
void store_row_int64 (sqlite3_stmt *st, gpointer data);
void store_row_text (sqlite3_stmt *st, gpointer data);

/* Binds @key as ?1 of @st (store_prepare()d, or NULL when that failed),
 * steps it once and resets it: 1 with *row set from column 0, 0 when
 * there is no row, -1 with @error set. */
int store_lookup_row (Store *store, sqlite3_stmt *st, const char *key, gint64 *row,
                      GError **error);

/* Strips white space and one pair of angle brackets from a Message-ID. */
char *store_bare_message_id (const char *key);

/* ---------------------------------------------------------------------- */
/* What one file of the store lends another */

/* schema.c: brings the schema up to date; reads PRAGMA user_version. */
gboolean store_migrate (Store *store, GError **error);
gboolean store_read_user_version (Store *store, int *version, GError **error);

/* statements.c: the row of the statement @ls_id (as store_lookup_row());
 * appends an event to the statement row @row (@at NULL: now). */
int store_statement_row (Store *store, const char *ls_id, gint64 *row, GError **error);
/* statements.c: the next id "PREFIX-YEAR-NNNN" of the year of @received
 * (ISO 8601), newly allocated in *id, with its *year and *seq. Under the
 * caller's write lock. */
gboolean store_next_id (Store *store, const char *received, const char *id_prefix, char **id,
                        int *year, gint64 *seq, GError **error);
gboolean store_event_row (Store *store, gint64 row, const char *at, const char *type,
                          const char *detail, GError **error);

/* messages.c: ties the message @message_row to the statement row
 * @statement_row with @role. */
gboolean store_link_row (Store *store, gint64 message_row, gint64 statement_row,
                         const char *role, GError **error);

/* statements-read.c: the statement of the current row of @st (columns
 * STATEMENT_COLUMNS, then s.body with @with_body), its row in *row; and
 * everything list shows of it (contacts, groups, references,
 * attachments, routes). store_read_statements() steps @st to its end and
 * fills what list shows of each (with @brief only the groups). */
Statement *store_statement_from_row (sqlite3_stmt *st, gboolean with_body, gint64 *row);
gboolean store_fill_common (Store *store, Statement *s, gint64 row, GError **error);
GPtrArray *store_read_statements (Store *store, sqlite3_stmt *st, gboolean brief, GError **error);

/* The columns of a statement that store_statement_from_row() reads. */
#define STATEMENT_COLUMNS \
	"s.id, s.ls_id, s.state, s.hold_reason, s.action_taken, s.layout, s.title, " \
	"s.purpose, s.submitted, s.deadline, s.received, s.url, s.from_org, " \
	"s.from_org_text, s.from_contact, s.handle, s.undelivered, m.message_id, s.direction"

enum {
	COL_ROW, COL_LS_ID, COL_STATE, COL_HOLD_REASON, COL_ACTION_TAKEN, COL_LAYOUT,
	COL_TITLE, COL_PURPOSE, COL_SUBMITTED, COL_DEADLINE, COL_RECEIVED, COL_URL,
	COL_FROM_ORG, COL_FROM_ORG_TEXT, COL_FROM_CONTACT, COL_HANDLE, COL_UNDELIVERED,
	COL_MESSAGE_ID, COL_DIRECTION, COL_BODY,
};

/* fts.c: (re)writes the search index's row of the statement row @row from
 * its recorded parts. */
gboolean store_fts_add (Store *store, gint64 row, GError **error);
gboolean store_fts_delete (Store *store, gint64 row, GError **error);
/* In a batch each FTS5 write would make SQLite flush the index at every
 * later statement's savepoint: they are kept (store_fts_add() and
 * store_fts_delete() only note them) and done in order, with the rows'
 * text as it is then, by store_fts_flush() before the batch's COMMIT.
 * store_fts_mark() at a savepoint's start, store_fts_release() at its
 * end, store_fts_undo() when it is rolled back (its writes forgotten);
 * store_fts_forget() when the batch is rolled back. */
void store_fts_mark (Store *store);
void store_fts_release (Store *store);
void store_fts_undo (Store *store);
void store_fts_forget (Store *store);
gboolean store_fts_flush (Store *store, GError **error);

#endif
