/* statements.c: recording a statement: its id ("LS-2026-0007", the next
 * number of its year), its row and parts (contacts, groups, references,
 * attachments, routes), its events; and the later changes of its state
 * and groups. Reading statements back is statements-read.c's. */
#include "config.h"

#include <string.h>

#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_MESSAGE_RECEIVED,
	Q_NEXT_SEQ,
	Q_NEXT_HELD_SEQ,
	Q_ADD_STATEMENT,
	Q_ADD_CONTACT,
	Q_ADD_GROUP,
	Q_ADD_REF,
	Q_ADD_LINK,
	Q_ADD_ATTACHMENT,
	Q_ADD_ROUTE,
	Q_ADD_EVENT,
	Q_ROW_BY_LS_ID,
	Q_SET_STATE,
	Q_SET_GROUPS_CLEAR,
	Q_STATEMENT_MESSAGE,
	Q_COMPLETE_URL,
	Q_HAS_LINKS,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	[Q_MESSAGE_RECEIVED] = "SELECT received FROM messages WHERE id = ?1",
	[Q_NEXT_SEQ] = "SELECT ifnull(max(seq), 0) + 1 FROM statements WHERE year = ?1",
	/* A held message's number: from the handles, since a promoted one
	 * keeps its handle but takes the (year, seq) of its LS id. ?1 the
	 * prefix, ?2 the year. */
	[Q_NEXT_HELD_SEQ] =
		"SELECT ifnull(max(CAST(substr(handle, length(?1) + 7) AS INTEGER)), 0) + 1 "
		"FROM statements WHERE handle LIKE ?1 || '-' || ?2 || '-%'",
	[Q_ADD_STATEMENT] =
		"INSERT INTO statements (ls_id, year, seq, message, state, hold_reason, "
		"action_taken, layout, title, purpose, submitted, deadline, received, url, "
		"from_org, from_org_text, from_contact, body, direction, handle) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
	[Q_ADD_CONTACT] =
		"INSERT INTO statement_contacts (statement, kind, position, value) VALUES (?1, ?2, ?3, ?4)",
	[Q_ADD_GROUP] =
		"INSERT INTO statement_groups (statement, kind, position, value) VALUES (?1, ?2, ?3, ?4)",
	[Q_ADD_REF] =
		"INSERT INTO statement_refs (statement, kind, position, value, target, relation) "
		"VALUES (?1, ?2, ?3, ?4, (SELECT id FROM statements WHERE ls_id = ?5), ?6)",
	[Q_ADD_LINK] =
		"INSERT INTO statement_links (statement, position, title, url) VALUES (?1, ?2, ?3, ?4)",
	[Q_ADD_ATTACHMENT] =
		"INSERT INTO attachments (statement, position, filename, content_type, size, sha256, text) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_ADD_ROUTE] =
		"INSERT INTO routes (statement, position, address, role, status) "
		"VALUES (?1, ?2, ?3, ?4, ifnull(?5, 'queued'))",
	[Q_ADD_EVENT] = "INSERT INTO events (statement, at, type, detail) VALUES (?1, ?2, ?3, ?4)",
	/* A held message promoted to a statement is found by its handle too. */
	[Q_ROW_BY_LS_ID] =
		"SELECT id FROM statements WHERE ls_id = ?1 "
		"UNION ALL SELECT id FROM statements WHERE handle = ?1 COLLATE NOCASE LIMIT 1",
	/* ?2: the new state or NULL; ?3: action_taken, or -1 to keep it. A
	 * statement that is open or replied is no longer held for a reason (a
	 * closed one keeps it, for reopen). */
	[Q_SET_STATE] =
		"UPDATE statements SET state = coalesce (?2, state), "
		"action_taken = CASE WHEN ?3 < 0 THEN action_taken ELSE ?3 END, "
		"hold_reason = CASE WHEN coalesce (?2, state) IN ('open', 'replied') THEN NULL ELSE hold_reason END "
		"WHERE ls_id = ?1",
	[Q_SET_GROUPS_CLEAR] =
		"DELETE FROM statement_groups WHERE kind = 'group' "
		"AND statement = (SELECT id FROM statements WHERE ls_id = ?1)",
	[Q_STATEMENT_MESSAGE] =
		"SELECT m.id, m.raw_sha256 FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE s.ls_id = ?1",
	[Q_COMPLETE_URL] = "UPDATE statements SET url = ?2 WHERE ls_id = ?1 AND url IS NULL",
	[Q_HAS_LINKS] = "SELECT count(*) FROM statement_links WHERE statement = ?1",
};

int
store_statement_row (Store *store, const char *ls_id, gint64 *row, GError **error)
{
	return store_lookup_row (store, query (store, Q_ROW_BY_LS_ID, error), ls_id, row, error);
}

static char *
now_iso8601 (void)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

	return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
store_event_row (Store *store, gint64 row, const char *at, const char *type, const char *detail,
                 GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_ADD_EVENT, error);
	g_autofree char *now = at == NULL ? now_iso8601 () : NULL;
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, row);
	bind_text (&bind, 2, at != NULL ? at : now);
	bind_text (&bind, 3, type);
	bind_text (&bind, 4, detail);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

/* ---------------------------------------------------------------------- */
/* Statements: writing */

static gboolean
add_strings (Store *store, QueryId id, gint64 row, const char *kind, GPtrArray *values,
             GError **error)
{
	if (values == NULL)
		return TRUE;
	for (guint i = 0; i < values->len; i++) {
		const char *value = g_ptr_array_index (values, i);
		g_auto (StoreQuery) st = NULL;
		Binder bind;

		if (value == NULL)
			continue;
		st = query (store, id, error);
		if (st == NULL)
			return FALSE;
		bind = (Binder) { st, SQLITE_OK };
		bind_int64 (&bind, 1, row);
		bind_text (&bind, 2, kind);
		bind_int64 (&bind, 3, i);
		bind_text (&bind, 4, value);
		if (bind.rc != SQLITE_OK)
			return store_sql_error (store, bind.rc, error);
		if (!run (store, st, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
add_ref (Store *store, gint64 row, const char *kind, guint position, const char *value,
         const char *target, const char *relation, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_ADD_REF, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, row);
	bind_text (&bind, 2, kind);
	bind_int64 (&bind, 3, position);
	bind_text (&bind, 4, value);
	bind_text (&bind, 5, target);
	bind_text (&bind, 6, relation);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

static gboolean
add_refs (Store *store, gint64 row, const char *kind, GPtrArray *values, GError **error)
{
	if (values == NULL)
		return TRUE;
	for (guint i = 0; i < values->len; i++) {
		const char *value = g_ptr_array_index (values, i);
		if (value != NULL && !add_ref (store, row, kind, i, value, NULL, NULL, error))
			return FALSE;
	}
	return TRUE;
}

/* The statements it names, as "related" references with their relation. */
static gboolean
add_related (Store *store, gint64 row, GPtrArray *related, GError **error)
{
	if (related == NULL)
		return TRUE;
	for (guint i = 0; i < related->len; i++) {
		const Related *rel = g_ptr_array_index (related, i);
		if (rel->id != NULL &&
		    !add_ref (store, row, "related", i, rel->id, rel->id,
		              rel->relation != NULL ? rel->relation : "responds-to", error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
add_links (Store *store, gint64 row, GPtrArray *links, GError **error)
{
	for (guint i = 0; links != NULL && i < links->len; i++) {
		const Link *link = g_ptr_array_index (links, i);
		g_auto (StoreQuery) st = query (store, Q_ADD_LINK, error);
		Binder bind = { st, SQLITE_OK };

		if (st == NULL)
			return FALSE;
		bind_int64 (&bind, 1, row);
		bind_int64 (&bind, 2, i);
		bind_text (&bind, 3, link->title);
		bind_text (&bind, 4, link->url);
		if (bind.rc != SQLITE_OK)
			return store_sql_error (store, bind.rc, error);
		if (!run (store, st, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
add_attachments (Store *store, gint64 row, GPtrArray *attachments, GError **error)
{
	if (attachments == NULL)
		return TRUE;
	for (guint i = 0; i < attachments->len; i++) {
		const Attachment *a = g_ptr_array_index (attachments, i);
		g_auto (StoreQuery) st = query (store, Q_ADD_ATTACHMENT, error);
		Binder bind = { st, SQLITE_OK };

		if (st == NULL)
			return FALSE;
		bind_int64 (&bind, 1, row);
		bind_int64 (&bind, 2, i);
		bind_text (&bind, 3, a->filename);
		bind_text (&bind, 4, a->content_type);
		bind_int64 (&bind, 5, a->size);
		bind_text (&bind, 6, a->sha256 != NULL ? a->sha256 : "");
		bind_text (&bind, 7, a->text);
		if (bind.rc != SQLITE_OK)
			return store_sql_error (store, bind.rc, error);
		if (!run (store, st, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
add_routes (Store *store, gint64 row, GPtrArray *routes, GError **error)
{
	if (routes == NULL)
		return TRUE;
	for (guint i = 0; i < routes->len; i++) {
		const StatementRoute *r = g_ptr_array_index (routes, i);
		g_auto (StoreQuery) st = query (store, Q_ADD_ROUTE, error);
		Binder bind = { st, SQLITE_OK };

		if (st == NULL)
			return FALSE;
		bind_int64 (&bind, 1, row);
		bind_int64 (&bind, 2, i);
		bind_text (&bind, 3, r->address != NULL ? r->address : "");
		bind_text (&bind, 4, r->role != NULL ? r->role : "");
		bind_text (&bind, 5, r->status);
		if (bind.rc != SQLITE_OK)
			return store_sql_error (store, bind.rc, error);
		if (!run (store, st, error))
			return FALSE;
	}
	return TRUE;
}

/* Looks up a single text or integer: 1 found, 0 not, -1 error. */
static int
lookup_text (Store *store, QueryId id, gint64 key, char **out, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	int r;

	if (st == NULL)
		return -1;
	if (sqlite3_bind_int64 (st, 1, key) != SQLITE_OK) {
		store_sql_error (store, sqlite3_errcode (store->db), error);
		return -1;
	}
	r = step (store, st, error);
	if (r > 0)
		*out = column_dup (st, 0);
	return r;
}


static gboolean
parse_year (const char *received, int *year)
{
	if (received == NULL || strlen (received) < 4)
		return FALSE;
	for (int i = 0; i < 4; i++)
		if (!g_ascii_isdigit (received[i]))
			return FALSE;
	*year = (received[0] - '0') * 1000 + (received[1] - '0') * 100 +
	        (received[2] - '0') * 10 + (received[3] - '0');
	return TRUE;
}

/* The time @statement was received (its message's, unless told) into
 * *out, and its year. */
static gboolean
received_year (Store *store, const Statement *statement, gint64 message_row, char **out,
               int *year, GError **error)
{
	g_autofree char *received = NULL;
	int r;

	/* The statement was received when its message was, unless told. */
	if (statement->received != NULL) {
		received = g_strdup (statement->received);
	} else {
		r = lookup_text (store, Q_MESSAGE_RECEIVED, message_row, &received, error);
		if (r < 0)
			return FALSE;
		if (r == 0 || received == NULL) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND,
			             "no message row %" G_GINT64_FORMAT, message_row);
			return FALSE;
		}
	}
	if (!parse_year (received, year)) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "the time received \"%s\" has no year", received);
		return FALSE;
	}
	*out = g_steal_pointer (&received);
	return TRUE;
}

/* The next number of @year (of the handles of @held_prefix, when not
 * NULL). The caller's BEGIN IMMEDIATE holds the write lock, so no other
 * writer can take the same one. */
static gboolean
next_number (Store *store, int year, const char *held_prefix, gint64 *seq, GError **error)
{
	g_auto (StoreQuery) st = query (store, held_prefix != NULL ? Q_NEXT_HELD_SEQ : Q_NEXT_SEQ, error);
	Binder bind = { st, SQLITE_OK };
	int r;

	if (st == NULL)
		return FALSE;
	if (held_prefix != NULL)
		bind_text (&bind, 1, held_prefix);
	bind_int64 (&bind, held_prefix != NULL ? 2 : 1, year);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	*seq = r > 0 ? sqlite3_column_int64 (st, 0) : 1;
	return TRUE;
}

/* The year and number of the id @id ("PREFIX-YEAR-NNNN"). */
static gboolean
given_id (const char *id, int *year, gint64 *seq, GError **error)
{
	const char *dash = strrchr (id, '-');
	const char *prev = dash != NULL && dash > id ? g_strrstr_len (id, dash - id, "-") : NULL;
	char *end = NULL;
	gint64 y, n;

	if (prev == NULL)
		goto bad;
	y = g_ascii_strtoll (prev + 1, &end, 10);
	if (end != dash || y < 1 || y > 9999)
		goto bad;
	n = g_ascii_strtoll (dash + 1, &end, 10);
	if (*end != '\0' || n < 1)
		goto bad;
	*year = (int) y;
	*seq = n;
	return TRUE;
bad:
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "not a statement id: %s", id);
	return FALSE;
}

static gboolean
next_seq (Store *store, int year, gint64 *seq, GError **error)
{
	return next_number (store, year, NULL, seq, error);
}

/* What a new statement's row holds besides the Statement's fields. */
typedef struct {
	const char *id;          /* "LS-2026-0007" */
	int year;                /* negated for a held message's handle */
	gint64 seq;
	gint64 message_row;
	const char *received;
	gboolean held_message;   /* the id is a held message's handle */
} StatementKey;

/* Inserts the statement's own row; sets *row to its row id. */
static gboolean
insert_statement (Store *store, const Statement *statement, const StatementKey *key, gint64 *row,
                  GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_ADD_STATEMENT, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_text (&bind, 1, key->id);
	bind_int64 (&bind, 2, key->year);
	bind_int64 (&bind, 3, key->seq);
	bind_int64 (&bind, 4, key->message_row);
	bind_text (&bind, 5, state_to_string (statement->state));
	bind_text (&bind, 6, statement->hold_reason);
	bind_int64 (&bind, 7, statement->action_taken ? 1 : 0);
	bind_text (&bind, 8, statement->layout != LAYOUT_NONE ? layout_to_string (statement->layout) : NULL);
	bind_text (&bind, 9, statement->title);
	bind_text (&bind, 10, statement->purpose != PURPOSE_NONE ? purpose_to_string (statement->purpose) : NULL);
	bind_text (&bind, 11, statement->submitted);
	bind_text (&bind, 12, statement->deadline);
	bind_text (&bind, 13, key->received);
	bind_text (&bind, 14, statement->url);
	bind_text (&bind, 15, statement->from_org);
	bind_text (&bind, 16, statement->from_org_text);
	bind_text (&bind, 17, statement->from_contact);
	bind_text (&bind, 18, statement->body);
	bind_text (&bind, 19, direction_to_string (statement->direction));
	bind_text (&bind, 20, key->held_message ? key->id : NULL);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	if (!run (store, st, error))
		return FALSE;
	*row = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

/* The parts of the statement row @row, in this order: contacts, groups,
 * references, links, related statements, attachments, routes. */
static gboolean
add_parts (Store *store, gint64 row, const Statement *statement, GError **error)
{
	return add_strings (store, Q_ADD_CONTACT, row, "to", statement->to_contacts, error) &&
	       add_strings (store, Q_ADD_CONTACT, row, "cc", statement->cc, error) &&
	       add_strings (store, Q_ADD_CONTACT, row, "response", statement->response_contacts, error) &&
	       add_strings (store, Q_ADD_CONTACT, row, "technical", statement->technical_contacts, error) &&
	       add_strings (store, Q_ADD_GROUP, row, "group", statement->groups, error) &&
	       add_strings (store, Q_ADD_GROUP, row, "text", statement->to_texts, error) &&
	       add_refs (store, row, "reference", statement->references, error) &&
	       add_refs (store, row, "other", statement->other_identifiers, error) &&
	       add_refs (store, row, "attachment-title", statement->attachment_titles, error) &&
	       add_links (store, row, statement->links, error) &&
	       add_related (store, row, statement->related, error) &&
	       add_attachments (store, row, statement->attachments, error) &&
	       add_routes (store, row, statement->routes, error);
}

/* Records @statement, in this order (which the row ids follow): its row,
 * its message's link to it, its parts, its row of the search index (now
 * that its parts are recorded), and the event "received" or "held". */
static gboolean
add_statement (Store *store, Statement *statement, gint64 message_row, const char *id_prefix,
               gboolean held_message, char **out_id, char **out_received, GError **error)
{
	g_autofree char *received = NULL;
	g_autofree char *id = NULL;
	gboolean held = statement->state == STATE_HELD || statement->hold_reason != NULL;
	StatementKey key = { NULL, 0, 0, message_row, NULL, held_message };
	int year = 0;
	gint64 row = 0;

	if (!received_year (store, statement, message_row, &received, &year, error))
		return FALSE;
	if (statement->id != NULL) {
		/* `rebuild`: the id (or handle) it got before (a taken one
		 * fails as UNIQUE). */
		if (!given_id (statement->id, &year, &key.seq, error))
			return FALSE;
		id = g_strdup (statement->id);
	} else {
		/* A held message's handle counts in a series of its own. */
		if (!next_number (store, year, held_message ? id_prefix : NULL, &key.seq, error))
			return FALSE;
		id = g_strdup_printf ("%s-%04d-%04" G_GINT64_FORMAT, id_prefix, year, key.seq);
	}
	/* A held message's row keeps its year negated until it is
	 * promoted, so that the statements' numbers never see it. */
	key.year = held_message ? -year : year;
	key.id = id;
	key.received = received;
	/* A held message is not linked as its row's thread: it stays an
	 * orphan that the thread it names can still adopt. */
	if (!insert_statement (store, statement, &key, &row, error) ||
	    (!held_message && !store_link_row (store, message_row, row, "statement", error)) ||
	    !add_parts (store, row, statement, error) ||
	    !store_fts_add (store, row, error) ||
	    !store_event_row (store, row, received, held ? "held" : "received",
	                      held ? statement->hold_reason : NULL, error))
		return FALSE;

	*out_id = g_steal_pointer (&id);
	*out_received = g_steal_pointer (&received);
	return TRUE;
}

static gboolean
add_any (Store *store, Statement *statement, gint64 message_row, const char *id_prefix,
         gboolean held_message, GError **error)
{
	char *id = NULL, *received = NULL;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement != NULL, FALSE);
	g_return_val_if_fail (message_row > 0, FALSE);
	g_return_val_if_fail (id_prefix != NULL && *id_prefix != '\0', FALSE);
	/* The id allocation is only safe under the caller's write lock. */
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	if (!add_statement (store, statement, message_row, id_prefix, held_message, &id, &received,
	                    error)) {
		g_prefix_error (error, "cannot record the statement \"%s\": ",
		                statement->title != NULL ? statement->title : "");
		return FALSE;
	}
	g_free (statement->id);
	statement->id = id;
	g_free (statement->received);
	statement->received = received;
	if (held_message) {
		g_free (statement->handle);
		statement->handle = g_strdup (id);
	}
	return TRUE;
}

gboolean
store_add_statement (Store *store, Statement *statement, gint64 message_row,
                     const char *id_prefix, GError **error)
{
	return add_any (store, statement, message_row, id_prefix, FALSE, error);
}

gboolean
store_add_held_message (Store *store, Statement *statement, gint64 message_row, GError **error)
{
	g_return_val_if_fail (statement != NULL && statement->hold_reason != NULL, FALSE);

	return add_any (store, statement, message_row, STORE_HELD_PREFIX, TRUE, error);
}

gboolean
store_next_id (Store *store, const char *received, const char *id_prefix, char **id, int *year,
               gint64 *seq, GError **error)
{
	if (!parse_year (received, year)) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "the time received \"%s\" has no year", received != NULL ? received : "");
		return FALSE;
	}
	if (!next_seq (store, *year, seq, error))
		return FALSE;
	*id = g_strdup_printf ("%s-%04d-%04" G_GINT64_FORMAT, id_prefix, *year, *seq);
	return TRUE;
}

gboolean
store_add_event (Store *store, const char *statement_id, const char *at, const char *type,
                 const char *detail, GError **error)
{
	gint64 row = 0;
	int r;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL, FALSE);
	g_return_val_if_fail (type != NULL, FALSE);

	r = store_statement_row (store, statement_id, &row, error);
	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
	if (r <= 0 || !store_event_row (store, row, at, type, detail, error)) {
		g_prefix_error (error, "cannot record the event %s: ", type);
		return FALSE;
	}
	return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Statements: changes */

gboolean
store_set_state (Store *store, const char *statement_id, const char *state, int action_taken,
                 const char *at, const char *type, const char *detail, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL && type != NULL, FALSE);

	st = query (store, Q_SET_STATE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, statement_id);
	bind_text (&bind, 2, state);
	bind_int64 (&bind, 3, action_taken);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	if (sqlite3_changes (store->db) == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
		goto fail;
	}
	query_release (st);
	return store_add_event (store, statement_id, at, type, detail, error);

fail:
	g_prefix_error (error, "cannot change the state of %s: ", statement_id);
	return FALSE;
}

gboolean
store_set_groups (Store *store, const char *statement_id, GPtrArray *groups, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	gint64 row = 0;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);

	r = store_statement_row (store, statement_id, &row, error);
	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
	if (r <= 0)
		goto fail;
	st = query (store, Q_SET_GROUPS_CLEAR, error);
	if (st == NULL || sqlite3_bind_text (st, 1, statement_id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		if (st != NULL)
			store_sql_error (store, sqlite3_errcode (store->db), error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	if (!add_strings (store, Q_ADD_GROUP, row, "group", groups, error))
		goto fail;
	/* The search index has the groups among the contacts. */
	query_release (st);
	if (!store_fts_delete (store, row, error) || !store_fts_add (store, row, error))
		goto fail;
	return TRUE;

fail:
	g_prefix_error (error, "cannot set the groups of %s: ", statement_id);
	return FALSE;
}

gboolean
store_statement_message (Store *store, const char *statement_id, gint64 *message_row,
                         char **raw_sha256, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);

	st = query (store, Q_STATEMENT_MESSAGE, error);
	if (st == NULL || sqlite3_bind_text (st, 1, statement_id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		if (st != NULL)
			store_sql_error (store, sqlite3_errcode (store->db), error);
		return FALSE;
	}
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	if (r == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
		return FALSE;
	}
	*message_row = sqlite3_column_int64 (st, 0);
	*raw_sha256 = column_dup (st, 1);
	return TRUE;
}

gboolean
store_complete_statement (Store *store, const char *statement_id, const Statement *copy,
                          GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	gint64 row = 0;
	char *count = NULL;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL && copy != NULL, FALSE);

	r = store_statement_row (store, statement_id, &row, error);
	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
	if (r <= 0)
		goto fail;
	if (copy->url != NULL) {
		st = query (store, Q_COMPLETE_URL, error);
		if (st == NULL)
			goto fail;
		bind = (Binder) { st, SQLITE_OK };
		bind_text (&bind, 1, statement_id);
		bind_text (&bind, 2, copy->url);
		if (bind.rc != SQLITE_OK) {
			store_sql_error (store, bind.rc, error);
			goto fail;
		}
		if (!run (store, st, error))
			goto fail;
	}
	if (copy->links->len == 0)
		return TRUE;
	r = lookup_text (store, Q_HAS_LINKS, row, &count, error);
	if (r < 0)
		goto fail;
	if (g_strcmp0 (count, "0") != 0) {
		g_free (count);
		return TRUE;
	}
	g_free (count);
	if (add_links (store, row, copy->links, error))
		return TRUE;

fail:
	g_prefix_error (error, "cannot complete %s: ", statement_id);
	return FALSE;
}
