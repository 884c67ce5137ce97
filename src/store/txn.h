/* txn.h: one recording transaction: the store's BEGIN IMMEDIATE together
 * with the spool files written for it. A file the transaction created is
 * removed again if it rolls back, and kept (guard_forget_path()) once the
 * COMMIT has been tried, since the rows that name it may have committed. */
#ifndef LIAISON_TXN_H
#define LIAISON_TXN_H

#include <glib.h>

#include "store/store.h"

typedef struct {
	Store *store;            /* borrowed */
	const char *spool;       /* borrowed: the spool directory */
	GPtrArray *created;      /* char*: the spool files this transaction created */
} Txn;

#define TXN_INIT { NULL, NULL, NULL }

/* Begins a transaction of @store (store_begin()) whose files go into
 * @spool. On failure nothing was begun; txn_clear() is still safe. Errors
 * are temporary. */
gboolean txn_begin (Txn *txn, Store *store, const char *spool, GError **error);

/* Makes the written file @tmp durable in the spool as KIND/@sha256
 * (spool_commit()), and remembers it if it is new. @tmp is left alone. */
gboolean txn_add_file (Txn *txn, const char *kind, const char *tmp, const char *sha256,
                       GError **error);

/* The same for a temporary file of ours: @tmp is unlinked and forgotten
 * by the guard afterwards, whether or not it succeeded. */
gboolean txn_add_temp (Txn *txn, const char *kind, const char *tmp, const char *sha256,
                       GError **error);

/* Commits, with signals held off around the COMMIT and the bookkeeping
 * after it: the created files are forgotten by the guard (a signal after
 * COMMIT must not remove them), whether or not the COMMIT succeeded. A
 * failed COMMIT is not rolled back here: the caller decides. */
gboolean txn_commit (Txn *txn, GError **error);

/* Rolls the store back (store_rollback()) and removes the files this
 * transaction created. */
void txn_rollback (Txn *txn);

/* Frees what @txn holds; neither commits nor rolls back. */
void txn_clear (Txn *txn);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Txn, txn_clear)

#endif
