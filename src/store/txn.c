/* txn.c: the recording transaction of deliver, route and remind: rows and
 * the spool files they name, committed together or not at all. The one
 * place that holds signals off around a COMMIT of new files. */
#include "config.h"

#include <unistd.h>

#include "base/guard.h"
#include "store/spool.h"
#include "store/txn.h"

gboolean
txn_begin (Txn *txn, Store *store, const char *spool, GError **error)
{
	txn->store = store;
	txn->spool = spool;
	if (txn->created == NULL)
		txn->created = g_ptr_array_new_with_free_func (g_free);
	return store_begin (store, error);
}

gboolean
txn_add_file (Txn *txn, const char *kind, const char *tmp, const char *sha256, GError **error)
{
	gboolean created = FALSE;

	if (!spool_commit (txn->spool, kind, tmp, sha256, &created, error))
		return FALSE;
	if (created)
		g_ptr_array_add (txn->created, spool_path (txn->spool, kind, sha256));
	return TRUE;
}

gboolean
txn_add_temp (Txn *txn, const char *kind, const char *tmp, const char *sha256, GError **error)
{
	gboolean ok = txn_add_file (txn, kind, tmp, sha256, error);

	(void) unlink (tmp);
	guard_forget_path (tmp);
	return ok;
}

static void
forget_created (Txn *txn)
{
	for (guint i = 0; i < txn->created->len; i++)
		guard_forget_path (g_ptr_array_index (txn->created, i));
	g_ptr_array_set_size (txn->created, 0);
}

gboolean
txn_commit (Txn *txn, GError **error)
{
	gboolean ok;

	/* Once COMMIT returns, the files are referenced: a signal after it
	 * must not remove them. A COMMIT that failed (the WAL's fsync, say)
	 * may have committed all the same: its frames can be in the WAL,
	 * which the next open replays. The files must stay for the rows that
	 * may name them; if it did not commit, they are orphans that the
	 * retry, writing the same bytes under the same names, takes over. */
	guard_block ();
	ok = store_commit (txn->store, error);
	forget_created (txn);
	guard_unblock ();
	return ok;
}

void
txn_rollback (Txn *txn)
{
	store_rollback (txn->store);
	for (guint i = 0; i < txn->created->len; i++) {
		const char *path = g_ptr_array_index (txn->created, i);
		(void) unlink (path);
		guard_forget_path (path);
		spool_defer_forget (path);
	}
	g_ptr_array_set_size (txn->created, 0);
}

void
txn_clear (Txn *txn)
{
	g_clear_pointer (&txn->created, g_ptr_array_unref);
	txn->store = NULL;
	txn->spool = NULL;
}
