/* reminders.c: the deadline reminders (SPEC §8): the statements that may
 * want one, whether a stage is still due, and the record of one sent (at
 * most one per statement and stage). */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_REMIND_CANDIDATES,
	Q_REMIND_DUE,
	Q_REMIND_ADD,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	/* What `remind` looks at: open, action not taken, a deadline on or
	 * after ?1 (older ones are past every overdue notice), and incoming,
	 * or one of the IETF's own statements that was approved here (its
	 * deadline is the peer's, and our side is reminded of it:
	 * route_reminder()); one the Datatracker sent is tracked there. */
	[Q_REMIND_CANDIDATES] =
		"SELECT " STATEMENT_COLUMNS " "
		"FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE s.state = 'open' AND s.action_taken = 0 AND s.deadline IS NOT NULL "
		"AND (s.direction = 'incoming' OR EXISTS (SELECT 1 FROM events e "
		"WHERE e.statement = s.id AND e.type = 'approved')) "
		"AND s.deadline >= ?1 ORDER BY s.deadline, s.id",
	/* 1 when the statement ?1 still wants the reminder ?3 of its
	 * deadline ?2: still a candidate, and that stage not sent. */
	[Q_REMIND_DUE] =
		"SELECT NOT EXISTS (SELECT 1 FROM reminders r WHERE r.statement = s.id AND r.stage = ?3) "
		"FROM statements s WHERE s.ls_id = ?1 AND s.state = 'open' AND s.action_taken = 0 "
		"AND s.deadline = ?2",
	[Q_REMIND_ADD] =
		"INSERT INTO reminders (statement, stage, day, created, outbox) "
		"VALUES ((SELECT id FROM statements WHERE ls_id = ?1), ?2, ?3, ?4, nullif (?5, 0))",
};

GPtrArray *
store_remind_candidates (Store *store, const char *oldest, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	GPtrArray *list;
	Binder bind;

	g_return_val_if_fail (store != NULL, NULL);

	st = query (store, Q_REMIND_CANDIDATES, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, oldest != NULL ? oldest : "");
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	list = store_read_statements (store, st, FALSE, error);
	if (list == NULL)
		goto fail;
	return list;

fail:
	g_prefix_error (error, "cannot list the statements awaiting action: ");
	return NULL;
}

gboolean
store_remind_due (Store *store, const char *statement_id, const char *deadline,
                  const char *stage, gboolean *due, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL && deadline != NULL && stage != NULL, FALSE);
	g_return_val_if_fail (due != NULL, FALSE);

	*due = FALSE;
	st = query (store, Q_REMIND_DUE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, statement_id);
	bind_text (&bind, 2, deadline);
	bind_text (&bind, 3, stage);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	*due = r > 0 && sqlite3_column_int (st, 0) != 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot look up the reminders of %s: ", statement_id);
	return FALSE;
}

gboolean
store_add_reminder (Store *store, const char *statement_id, const char *stage, const char *day,
                    gint64 outbox, const char *at, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL && stage != NULL && day != NULL && at != NULL, FALSE);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	st = query (store, Q_REMIND_ADD, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, statement_id);
	bind_text (&bind, 2, stage);
	bind_text (&bind, 3, day);
	bind_text (&bind, 4, at);
	bind_int64 (&bind, 5, outbox);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	query_release (st);
	if (!store_add_event (store, statement_id, at, "reminder", stage, error))
		goto fail;
	return TRUE;

fail:
	g_prefix_error (error, "cannot record the reminder %s of %s: ", stage, statement_id);
	return FALSE;
}
