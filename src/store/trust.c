/* trust.c: what the trust boundary of SPEC §6 asks of the store: how much
 * mail went to one address lately (the auto-reply limit), and why a
 * statement was held when it came (a reminder copies response contacts
 * only of a statement whose sender passed the checks). */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_RECENT_MAIL,
	Q_HELD_ON_ARRIVAL,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	/* The routes to ?1 carried by an outgoing message created in the 24
	 * hours before ?2, whatever became of it: sent, queued or failed, an
	 * attempt is an attempt. routes_address (schema step 13) finds the
	 * address's routes: a scan of every route would grow with the
	 * store. */
	[Q_RECENT_MAIL] =
		"SELECT count(*) FROM routes r JOIN outbox o ON o.id = r.outbox "
		"WHERE r.address = ?1 COLLATE NOCASE "
		"AND julianday (o.created) > julianday (?2) - 1.0",
	/* The first "held" event of the statement ?1: the one of its arrival
	 * (store_add_statement()), which a later `route` leaves in place. */
	[Q_HELD_ON_ARRIVAL] =
		"SELECT e.detail FROM events e JOIN statements s ON s.id = e.statement "
		"WHERE s.ls_id = ?1 AND e.type = 'held' ORDER BY e.id LIMIT 1",
};

gboolean
store_count_recent_mail (Store *store, const char *address, const char *now, guint *count,
                         GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL && address != NULL && now != NULL, FALSE);
	g_return_val_if_fail (count != NULL, FALSE);

	*count = 0;
	st = query (store, Q_RECENT_MAIL, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, address);
	bind_text (&bind, 2, now);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	*count = r > 0 ? (guint) sqlite3_column_int64 (st, 0) : 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot count the mail sent to %s: ", address);
	return FALSE;
}

gboolean
store_held_on_arrival (Store *store, const char *statement_id, char **reason, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);
	g_return_val_if_fail (reason != NULL, FALSE);

	*reason = NULL;
	st = query (store, Q_HELD_ON_ARRIVAL, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, statement_id);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	/* A held event without a detail was held all the same. */
	if (r > 0)
		*reason = sqlite3_column_type (st, 0) == SQLITE_NULL ? g_strdup ("") : column_dup (st, 0);
	return TRUE;

fail:
	g_prefix_error (error, "cannot read the events of %s: ", statement_id);
	return FALSE;
}
