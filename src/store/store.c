/* store.c: the SQLite connection. It opens the database (WAL, a busy
 * timeout, the name rule as an SQL function), runs transactions and
 * batches, caches the prepared statements of every file of the store and
 * turns SQLite's errors into LiaisonErrors. The schema is schema.c's; what
 * is stored, the other files' of src/store/ (see store-private.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/conf.h"
#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_SAVEPOINT,
	Q_RELEASE,
	Q_ROLLBACK_TO,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT one",
	[Q_RELEASE] = "RELEASE one",
	[Q_ROLLBACK_TO] = "ROLLBACK TO one",
};

/* ---------------------------------------------------------------------- */
/* Errors */

static LiaisonError
error_code (int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return LIAISON_ERROR_BUSY;
	case SQLITE_FULL:
		return LIAISON_ERROR_NOSPACE;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return LIAISON_ERROR_IO;
	case SQLITE_NOMEM:
		return LIAISON_ERROR_NOMEM;
	default:
		return LIAISON_ERROR_FAILED;
	}
}

/* Sets @error from the SQLite result @rc, with the connection's message when
 * it has one. Always returns FALSE, for "return store_sql_error (...)". */
gboolean
store_sql_error (Store *store, int rc, GError **error)
{
	const char *text = sqlite3_errstr (rc);

	if (store != NULL && store->db != NULL && sqlite3_errcode (store->db) == rc)
		text = sqlite3_errmsg (store->db);
	g_set_error (error, LIAISON_ERROR, error_code (rc), "%s", text);
	return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Queries */

sqlite3_stmt *
store_prepare (Store *store, const char *sql, GError **error)
{
	sqlite3_stmt *st = g_hash_table_lookup (store->queries, sql);

	if (st == NULL) {
		int rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			store_sql_error (store, rc, error);
			return NULL;
		}
		g_hash_table_insert (store->queries, (gpointer) sql, st);
	}
	return st;
}

sqlite3_stmt *
store_prepare_row (Store *store, const char *sql, gint64 row, GError **error)
{
	sqlite3_stmt *st = store_prepare (store, sql, error);
	int rc;

	if (st == NULL)
		return NULL;
	rc = sqlite3_bind_int64 (st, 1, row);
	if (rc != SQLITE_OK) {
		store_sql_error (store, rc, error);
		return NULL;
	}
	return st;
}

gboolean
store_each_row (Store *store, sqlite3_stmt *st, StoreRowFunc func, gpointer data, GError **error)
{
	int r;

	while ((r = step (store, st, error)) > 0)
		func (st, data);
	return r == 0;
}

void
store_row_int64 (sqlite3_stmt *st, gpointer data)
{
	gint64 id = sqlite3_column_int64 (st, 0);

	g_array_append_val ((GArray *) data, id);
}

void
store_row_text (sqlite3_stmt *st, gpointer data)
{
	g_ptr_array_add (data, column_dup (st, 0));
}

int
store_lookup_row (Store *store, sqlite3_stmt *st, const char *key, gint64 *row, GError **error)
{
	g_auto (StoreQuery) q = st;
	Binder bind = { st, SQLITE_OK };
	int r;

	if (st == NULL)
		return -1;
	bind_text (&bind, 1, key);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return -1;
	}
	r = step (store, q, error);
	if (r > 0)
		*row = sqlite3_column_int64 (q, 0);
	return r;
}

char *
store_bare_message_id (const char *key)
{
	char *id = g_strstrip (g_strdup (key));
	size_t len = strlen (id);

	if (len >= 2 && id[0] == '<' && id[len - 1] == '>') {
		memmove (id, id + 1, len - 2);
		id[len - 2] = '\0';
		g_strstrip (id);
	}
	return id;
}

/* The name rule of SPEC §3 as an SQL function, so that the filters of
 * store_list_statements() apply the very rule config_name_key() defines. */
static void
sql_name_key (sqlite3_context *context, int argc, sqlite3_value **argv)
{
	const char *text = (const char *) sqlite3_value_text (argv[0]);
	char *key;

	if (text == NULL) {
		sqlite3_result_null (context);
		return;
	}
	key = config_name_key (text);
	if (key == NULL)
		sqlite3_result_null (context);
	else
		sqlite3_result_text (context, key, -1, g_free);
}

static gboolean
run_query (Store *store, QueryId id, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);

	return st != NULL && run (store, st, error);
}

/* ---------------------------------------------------------------------- */
/* Opening */

static int
journal_mode_cb (void *data, int ncols, char **values, char **names)
{
	char **mode = data;

	if (ncols > 0 && values[0] != NULL && *mode == NULL)
		*mode = g_ascii_strdown (values[0], -1);
	return 0;
}

static void
finalize_query (gpointer st)
{
	sqlite3_finalize (st);
}

static Store *
open_db (const char *path, int flags, guint busy_timeout_ms, GError **error)
{
	g_autoptr (Store) store = g_new0 (Store, 1);
	int rc;

	store->path = g_strdup (path);
	store->queries = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_query);
	/* A Store is used by one thread at a time: without the connection's
	 * mutex, every sqlite3_step() and sqlite3_column_*() call saves a
	 * lock and an unlock (half a million of each for list --json). */
	rc = sqlite3_open_v2 (path, &store->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_sql_error (store, rc, error);
		g_prefix_error (error, "cannot open the database %s: ", path);
		return NULL;
	}
	sqlite3_extended_result_codes (store->db, 1);
	sqlite3_busy_timeout (store->db, (int) MIN (busy_timeout_ms, (guint) G_MAXINT));
	rc = sqlite3_create_function (store->db, "liaison_name_key", 1,
	                              SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                              NULL, sql_name_key, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_sql_error (store, rc, error);
		g_prefix_error (error, "cannot open the database %s: ", path);
		return NULL;
	}
	rc = sqlite3_exec (store->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
	                   NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_sql_error (store, rc, error);
		g_prefix_error (error, "cannot set up the database %s: ", path);
		return NULL;
	}
	return g_steal_pointer (&store);
}

/* The database holds other people's mail, as the spool does: no access for
 * others, read access for the group (an administrator's tools). */
#define DB_FILE_MODE 0640

/* Takes the permissions of others away from the file @path, if it is a
 * regular file of ours (not a link: O_NOFOLLOW), as an older version or a
 * loose umask may have left it; the group's are the administrator's to
 * set. */
static void
tighten_mode (const char *path)
{
	struct stat st;
	int fd = open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_uid == geteuid ()
	    && (st.st_mode & 0007) != 0)
		(void) fchmod (fd, st.st_mode & 07770);
	close (fd);
}

/* Creates the database file @path 0640 whatever the umask, before SQLite
 * does (it would create it 0644 less the umask: readable by everyone under
 * the usual 022). SQLite then creates the -wal and -shm files with the
 * database file's own mode (and owner, when run as root), so they are 0640
 * too. An existing database, -wal or -shm file of ours loses the
 * permissions of others. An in-memory database or a URI is left to SQLite. */
static gboolean
prepare_db_file (const char *path, GError **error)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	int fd;

	if (strcmp (path, ":memory:") == 0 || g_str_has_prefix (path, "file:"))
		return TRUE;
	fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, DB_FILE_MODE);
	if (fd >= 0) {
		int rc = fchmod (fd, DB_FILE_MODE), errsv = errno;

		close (fd);
		if (rc < 0) {
			g_autofree char *what = g_strdup_printf ("cannot set the mode of the database %s", path);

			liaison_set_errno (error, errsv, what);
			return FALSE;
		}
		return TRUE;
	}
	if (errno != EEXIST) {
		int errsv = errno;

		/* As SQLite's SQLITE_CANTOPEN would be: an I/O error, which
		 * a retry may cure (a missing directory included). */
		g_set_error (error, LIAISON_ERROR, errsv == ENOSPC ? LIAISON_ERROR_NOSPACE : LIAISON_ERROR_IO,
		             "cannot create the database %s: %s", path, g_strerror (errsv));
		return FALSE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++) {
		g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

		tighten_mode (file);
	}
	return TRUE;
}

/* Pages of 4 KiB: about a dozen deliveries of the benchmark statement
 * into a 10,000-statement store. */
#define WAL_AUTOCHECKPOINT 256

Store *
store_open (const char *path, guint busy_timeout_ms, GError **error)
{
	g_autoptr (Store) store = NULL;
	g_autofree char *mode = NULL;
	gint64 deadline;
	int rc;

	g_return_val_if_fail (path != NULL, NULL);

	if (!prepare_db_file (path, error))
		return NULL;
	store = open_db (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, busy_timeout_ms, error);
	if (store == NULL)
		return NULL;
	/* Switching a new database to WAL can fail with SQLITE_BUSY without
	 * calling the busy handler, while another process creates the same
	 * database or recovers its WAL: the setup waits as a busy writer
	 * would, up to the busy timeout. */
	deadline = g_get_monotonic_time () + (gint64) busy_timeout_ms * 1000;
	for (;;) {
		g_clear_pointer (&mode, g_free);
		rc = sqlite3_exec (store->db, "PRAGMA journal_mode = WAL", journal_mode_cb, &mode, NULL);
		if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) ||
		    g_get_monotonic_time () >= deadline)
			break;
		g_usleep (5000 + g_random_int_range (0, 20000));
	}
	if (rc != SQLITE_OK) {
		store_sql_error (store, rc, error);
		g_prefix_error (error, "cannot set up the database %s: ", path);
		return NULL;
	}
	/* An in-memory database (tests) has no journal file to speak of. */
	if (g_strcmp0 (mode, "wal") != 0 && g_strcmp0 (mode, "memory") != 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO,
		             "cannot set up the database %s: journal mode is %s, not wal",
		             path, mode != NULL ? mode : "unknown");
		return NULL;
	}
	/* The WAL stays from one process to the next: closing does not
	 * checkpoint it (two syncs, and the next writer's creation of the
	 * WAL two more: its directory and its header). Each open reads it
	 * back into the WAL index, so it is kept small: a checkpoint every
	 * WAL_AUTOCHECKPOINT pages, in the commit that passes them. */
	(void) sqlite3_db_config (store->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	(void) sqlite3_wal_autocheckpoint (store->db, WAL_AUTOCHECKPOINT);
	for (;;) {
		g_autoptr (GError) local = NULL;

		if (store_migrate (store, &local))
			break;
		if (!g_error_matches (local, LIAISON_ERROR, LIAISON_ERROR_BUSY) ||
		    g_get_monotonic_time () >= deadline) {
			g_propagate_error (error, g_steal_pointer (&local));
			g_prefix_error (error, "database %s: ", path);
			return NULL;
		}
		g_usleep (5000 + g_random_int_range (0, 20000));
	}
	return g_steal_pointer (&store);
}

Store *
store_open_readonly (const char *path, guint busy_timeout_ms, GError **error)
{
	g_autoptr (Store) store = NULL;
	struct stat st;
	int version;

	g_return_val_if_fail (path != NULL, NULL);

	/* SQLITE_OPEN_READONLY never creates the file, but its error says
	 * only "unable to open database file": say why. */
	if (stat (path, &st) < 0) {
		int errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot open the database %s", path);
		liaison_set_errno (error, errsv, what);
		return NULL;
	}
	store = open_db (path, SQLITE_OPEN_READONLY, busy_timeout_ms, error);
	if (store == NULL)
		return NULL;
	if (!store_read_user_version (store, &version, error)) {
		g_prefix_error (error, "database %s: ", path);
		return NULL;
	}
	if (version == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "database %s: not a liaison database (no schema)", path);
		return NULL;
	}
	if (version > store_schema_version ()) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "database %s: schema version %d is newer than this program's (%d)",
		             path, version, store_schema_version ());
		return NULL;
	}
	if (version < store_schema_version ()) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "database %s: schema version %d is older than this program's (%d); "
		             "the next command that writes to it migrates it",
		             path, version, store_schema_version ());
		return NULL;
	}
	return g_steal_pointer (&store);
}

void
store_map_for_scan (Store *store)
{
	g_return_if_fail (store != NULL);
	/* At most 1 GiB mapped. A hint: without it, SQLite reads the pages
	 * as before. */
	sqlite3_exec (store->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
}

void
store_close (Store *store)
{
	if (store == NULL)
		return;
	store_fts_forget (store);
	g_clear_pointer (&store->queries, g_hash_table_destroy);
	/* Closing inside a transaction rolls it back. */
	sqlite3_close (store->db);
	g_free (store->path);
	g_free (store->journal);
	g_free (store);
}

/* ---------------------------------------------------------------------- */
/* Transactions */

void
store_set_lazy (Store *store, gboolean lazy)
{
	g_return_if_fail (store != NULL);

	/* In WAL mode NORMAL keeps every commit atomic and the database
	 * whole; only the last commits before a crash may be lost. */
	int rc = lazy ? sqlite3_exec (store->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL)
	              : sqlite3_exec (store->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		store->lazy = lazy;
}

gboolean
store_set_scratch (Store *store, gboolean scratch, GError **error)
{
	g_autofree char *mode = NULL;
	const char *want = scratch ? "memory" : "wal";
	int rc;

	g_return_val_if_fail (store != NULL, FALSE);

	if (scratch)
		rc = sqlite3_exec (store->db, "PRAGMA journal_mode = MEMORY", journal_mode_cb, &mode, NULL);
	else
		rc = sqlite3_exec (store->db, "PRAGMA journal_mode = WAL", journal_mode_cb, &mode, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error (store, rc, error);
	if (g_strcmp0 (mode, want) != 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO, "%s: journal mode is %s, not %s",
		             store->path, mode != NULL ? mode : "unknown", want);
		return FALSE;
	}
	return TRUE;
}

gboolean
store_begin (Store *store, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);

	if (store->batch) {
		if (sqlite3_get_autocommit (store->db)) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO,
			             "%s: the batch's transaction was rolled back", store->path);
			return FALSE;
		}
		if (!run_query (store, Q_SAVEPOINT, error))
			return FALSE;
		store_fts_mark (store);
		return TRUE;
	}
	if (!run_query (store, Q_BEGIN, error)) {
		g_prefix_error (error, "cannot start a transaction on %s: ", store->path);
		return FALSE;
	}
	return TRUE;
}

gboolean
store_commit (Store *store, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);

	if (store->batch) {
		if (!run_query (store, Q_RELEASE, error))
			return FALSE;
		store_fts_release (store);
		return TRUE;
	}
	if (!run_query (store, Q_COMMIT, error)) {
		g_prefix_error (error, "cannot commit to %s: ", store->path);
		return FALSE;
	}
	return TRUE;
}

void
store_rollback (Store *store)
{
	g_return_if_fail (store != NULL);

	/* SQLite may have rolled back already (after SQLITE_FULL, SQLITE_IOERR
	 * or SQLITE_NOMEM); then there is nothing left to do. */
	if (sqlite3_get_autocommit (store->db))
		return;
	if (store->batch) {
		/* Undoes the savepoint's changes and ends it; the batch goes
		 * on. */
		(void) run_query (store, Q_ROLLBACK_TO, NULL);
		(void) run_query (store, Q_RELEASE, NULL);
		store_fts_undo (store);
		return;
	}
	(void) run_query (store, Q_ROLLBACK, NULL);
}

gboolean
store_batch_begin (Store *store, GError **error)
{
	g_return_val_if_fail (store != NULL && !store->batch, FALSE);

	/* Each message's savepoint keeps the pages it changes in a
	 * sub-journal, a temporary file once past 64 KiB (most messages):
	 * in memory, released at its end. */
	(void) sqlite3_exec (store->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	if (!store_begin (store, error))
		return FALSE;
	store->batch = TRUE;
	return TRUE;
}

gboolean
store_batch_commit (Store *store, GError **error)
{
	g_return_val_if_fail (store != NULL && store->batch, FALSE);

	store->batch = FALSE;
	if (sqlite3_get_autocommit (store->db)) {
		store_fts_forget (store);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO,
		             "%s: the batch's transaction was rolled back", store->path);
		return FALSE;
	}
	/* The search index's rows of the batch, in one go. */
	if (!store_fts_flush (store, error))
		return FALSE;
	/* The batch's journal lines, written without a sync each, are made
	 * durable before the COMMIT, as one line is before its own. */
	return journal_sync_pending (store, error) && store_commit (store, error);
}

gboolean
store_batch_alive (Store *store)
{
	g_return_val_if_fail (store != NULL, FALSE);

	return store->batch && !sqlite3_get_autocommit (store->db);
}

void
store_batch_rollback (Store *store)
{
	g_return_if_fail (store != NULL);

	store->batch = FALSE;
	store_fts_forget (store);
	store_rollback (store);
}

/* ---------------------------------------------------------------------- */
/* Copies (issue 6: `reinject --dry-run` works on a scratch copy) */

gboolean
store_copy_to (Store *store, const char *path, GError **error)
{
	sqlite3_stmt *st = NULL;
	int rc;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (path != NULL, FALSE);

	/* VACUUM INTO writes a consistent snapshot, and works on a read-only
	 * connection. A one-off statement: it is not worth a cached query. */
	rc = sqlite3_prepare_v2 (store->db, "VACUUM INTO ?1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text (st, 1, path, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step (st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		store_sql_error (store, rc, error);
		g_prefix_error (error, "cannot copy %s to %s: ", store->path, path);
	}
	sqlite3_finalize (st);
	return rc == SQLITE_OK;
}

