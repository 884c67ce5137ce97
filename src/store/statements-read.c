/* statements-read.c: reading statements back: one with everything
 * (`thread`), the lists (`list`, `remind`) with what they show, filled
 * from the statements' related tables one query per table. */
#include "config.h"

#include <string.h>

#include "base/conf.h"
#include "base/error.h"
#include "store/store-private.h"

typedef enum {
	Q_ROW_BY_MESSAGE_ID,
	Q_LIST,
	Q_GET,
	Q_GET_CONTACTS,
	Q_GET_GROUPS,
	Q_GET_REFS,
	Q_GET_INVERSE,
	Q_GET_LINKS,
	Q_GET_ATTACHMENTS,
	Q_GET_ROUTES,
	Q_GET_EVENTS,
	Q_GET_THREAD,
	Q_MANY_CONTACTS,
	Q_MANY_GROUPS,
	Q_MANY_REFS,
	Q_MANY_INVERSE,
	Q_MANY_LINKS,
	Q_MANY_ATTACHMENTS,
	Q_MANY_ATTACHMENTS_BARE,
	Q_MANY_ROUTES,
	Q_SAME_BY_URL,
	Q_SAME_BY_OTHER,
	Q_SAME_BY_TITLE,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	/* The original message of a statement, or any message of its thread,
	 * ours included. */
	[Q_ROW_BY_MESSAGE_ID] =
		"SELECT s.id FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE m.message_id = ?1 "
		"UNION ALL "
		"SELECT m.statement FROM messages m "
		"WHERE m.message_id = ?1 AND m.statement IS NOT NULL "
		"UNION ALL "
		"SELECT o.statement FROM outbox o "
		"WHERE o.message_id = ?1 AND o.statement IS NOT NULL "
		"LIMIT 1",
	/* Every filter is optional: a NULL parameter lets every row through. */
	[Q_LIST] =
		"SELECT " STATEMENT_COLUMNS " "
		"FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE (?1 IS NULL OR s.state = ?1) "
		"AND (?2 IS NULL OR s.purpose = ?2) "
		"AND (?3 IS NULL OR liaison_name_key (coalesce (s.from_org, s.from_org_text)) = ?3) "
		"AND (?4 IS NULL OR EXISTS (SELECT 1 FROM statement_groups g "
		"     WHERE g.statement = s.id AND g.kind = 'group' "
		"     AND liaison_name_key (g.value) = ?4)) "
		"AND (?5 IS NULL OR (s.state IN ('open', 'held') AND s.action_taken = 0 "
		"     AND s.deadline IS NOT NULL AND s.deadline < ?5)) "
		"AND (CASE WHEN ?7 THEN s.state = 'held' "
		"     WHEN ?1 IS NULL THEN s.state <> 'dismissed' "
		"      AND NOT coalesce (s.handle = s.ls_id, 0) "
		"     ELSE 1 END) "
		"ORDER BY s.received DESC, s.id DESC "
		"LIMIT ?6",
	[Q_GET] =
		"SELECT " STATEMENT_COLUMNS ", s.body "
		"FROM statements s JOIN messages m ON m.id = s.message WHERE s.id = ?1",
	[Q_GET_CONTACTS] =
		"SELECT kind, value FROM statement_contacts WHERE statement = ?1 ORDER BY kind, position",
	[Q_GET_GROUPS] =
		"SELECT kind, value FROM statement_groups WHERE statement = ?1 ORDER BY kind, position",
	[Q_GET_REFS] =
		"SELECT r.kind, r.value, r.relation, t.ls_id "
		"FROM statement_refs r LEFT JOIN statements t ON t.id = r.target "
		"WHERE r.statement = ?1 ORDER BY r.kind, r.position",
	[Q_GET_INVERSE] =
		"SELECT s.ls_id, r.relation FROM statement_refs r JOIN statements s ON s.id = r.statement "
		"WHERE r.target = ?1 AND r.kind = 'related' AND r.relation IS NOT NULL "
		"ORDER BY s.received, s.id, r.position",
	[Q_GET_LINKS] =
		"SELECT title, url FROM statement_links WHERE statement = ?1 ORDER BY position",
	[Q_GET_ATTACHMENTS] =
		"SELECT filename, content_type, size, sha256, text FROM attachments "
		"WHERE statement = ?1 ORDER BY position, id",
	/* The statement's routes: where it was forwarded (and re-routed).
	 * The recipients of a reminder or of a follow-up's forward are not
	 * routes of the statement (its events and `queue list` show them). */
	[Q_GET_ROUTES] =
		"SELECT address, role, status FROM routes r WHERE statement = ?1 "
		"AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = r.outbox "
		"AND o.kind IN ('reminder', 'follow-up', 'held-summary')) "
		"ORDER BY position, id",
	[Q_GET_EVENTS] = "SELECT at, type, detail FROM events WHERE statement = ?1 ORDER BY id",
	/* The messages of the thread and our forwards, in the order they
	 * came; a message's parent is the nearest message of the thread it
	 * names (a forward's, the message that caused it). */
	[Q_GET_THREAD] =
		"SELECT message_id, sender, date, role, parent FROM ("
		" SELECT m.message_id AS message_id, m.from_header AS sender, "
		"  coalesce (nullif (m.date, ''), m.received) AS date, "
		"  coalesce (m.role, m.kind) AS role, m.received AS at, 0 AS src, m.id AS n, "
		"  (SELECT r.target FROM message_refs r WHERE r.message = m.id "
		"   AND (EXISTS (SELECT 1 FROM messages p WHERE p.message_id = r.target AND p.statement = ?1) "
		"    OR EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = r.target AND o.statement = ?1)) "
		"   ORDER BY r.position LIMIT 1) AS parent "
		" FROM messages m WHERE m.statement = ?1 "
		" UNION ALL "
		" SELECT o.message_id, "
		/* Our address, not the VERP envelope sender of the row. */
		"  CASE WHEN instr (o.sender, '+bounce-') > 0 "
		"   THEN substr (o.sender, 1, instr (o.sender, '+bounce-') - 1) "
		"    || substr (o.sender, instr (o.sender, '@')) ELSE o.sender END, "
		"  o.created, 'forward', o.created, 1, o.id, "
		"  (SELECT p.message_id FROM messages p WHERE p.id = o.message) "
		" FROM outbox o WHERE o.statement = ?1 AND o.kind IN ('forward', 'follow-up')"
		") ORDER BY at, src, n",
	/* The Q_GET_ queries above for the statements whose rows are
	 * between ?1 and ?2, for many statements at once: each row starts
	 * with the statement's row, and a statement's rows come in the order
	 * of its Q_GET_ query. One range over the index costs less than a
	 * list of rows, which SQLite would first sort into a table. */
	[Q_MANY_CONTACTS] =
		"SELECT statement, kind, value FROM statement_contacts "
		"WHERE statement BETWEEN ?1 AND ?2 ORDER BY statement, kind, position",
	[Q_MANY_GROUPS] =
		"SELECT statement, kind, value FROM statement_groups "
		"WHERE statement BETWEEN ?1 AND ?2 ORDER BY statement, kind, position",
	[Q_MANY_REFS] =
		"SELECT r.statement, r.kind, r.value, r.relation, t.ls_id "
		"FROM statement_refs r LEFT JOIN statements t ON t.id = r.target "
		"WHERE r.statement BETWEEN ?1 AND ?2 "
		"ORDER BY r.statement, r.kind, r.position",
	[Q_MANY_INVERSE] =
		"SELECT r.target, s.ls_id, r.relation FROM statement_refs r "
		"JOIN statements s ON s.id = r.statement "
		"WHERE r.target BETWEEN ?1 AND ?2 "
		"AND r.kind = 'related' AND r.relation IS NOT NULL "
		"ORDER BY r.target, s.received, s.id, r.position",
	[Q_MANY_LINKS] =
		"SELECT statement, title, url FROM statement_links "
		"WHERE statement BETWEEN ?1 AND ?2 ORDER BY statement, position",
	[Q_MANY_ATTACHMENTS] =
		"SELECT statement, filename, content_type, size, sha256, text FROM attachments "
		"WHERE statement BETWEEN ?1 AND ?2 ORDER BY statement, position, id",
	/* The same without the text read from each (NULL): list --json does
	 * not print it, and a document's text is most of a row. */
	[Q_MANY_ATTACHMENTS_BARE] =
		"SELECT statement, filename, content_type, size, sha256, NULL FROM attachments "
		"WHERE statement BETWEEN ?1 AND ?2 ORDER BY statement, position, id",
	/* Q_GET_ROUTES's look-up of each route's outbox row (by its key):
	 * a list of every reminder and follow-up, made at each call, would
	 * cost a scan of the outbox per batch of store_each_statement(). As
	 * a join, not Q_GET_ROUTES's NOT EXISTS: the same rows (an outbox
	 * row always has a kind), without running a subquery for each route
	 * (list --json at 10,000 stored: 474.6 M -> 443.5 M instructions). */
	[Q_MANY_ROUTES] =
		"SELECT r.statement, r.address, r.role, r.status FROM routes r "
		"LEFT JOIN outbox o ON o.id = r.outbox "
		"WHERE r.statement BETWEEN ?1 AND ?2 "
		"AND (o.id IS NULL OR o.kind NOT IN ('reminder', 'follow-up', 'held-summary')) "
		"ORDER BY r.statement, r.position, r.id",
	/* Another arrival of a statement recorded before (store_find_same()):
	 * the same Datatracker page (the expression of the index of
	 * migration 7), the same other identifier, or the same organization,
	 * title and submission date (when one of them has no date, received
	 * within a month of the other's). Never a held one. */
	[Q_SAME_BY_URL] =
		"SELECT ls_id FROM statements WHERE url IS NOT NULL "
		"AND lower (rtrim (replace (url, 'http://', 'https://'), '/')) "
		"= lower (rtrim (replace (?1, 'http://', 'https://'), '/')) "
		"AND state != 'held' ORDER BY received DESC, id DESC LIMIT 1",
	[Q_SAME_BY_OTHER] =
		"SELECT s.ls_id FROM statement_refs r JOIN statements s ON s.id = r.statement "
		"WHERE r.kind = 'other' AND r.value = ?1 COLLATE NOCASE AND s.state != 'held' "
		"ORDER BY s.received DESC, s.id DESC LIMIT 1",
	[Q_SAME_BY_TITLE] =
		"SELECT ls_id FROM statements WHERE title = ?1 COLLATE NOCASE AND state != 'held' "
		"AND liaison_name_key (coalesce (from_org, from_org_text)) = liaison_name_key (?2) "
		"AND (submitted = ?3 OR ((submitted IS NULL OR ?3 IS NULL) "
		"AND abs (julianday (coalesce (submitted, received)) - julianday (?4)) <= 31)) "
		"ORDER BY received DESC, id DESC LIMIT 1",
};

/* Reads the current row of @st into @s, a new or reset statement. */
static void
statement_read_row (Statement *s, sqlite3_stmt *st, gboolean with_body, gint64 *row)
{
	const char *layout = (const char *) sqlite3_column_text (st, COL_LAYOUT);
	const char *purpose = (const char *) sqlite3_column_text (st, COL_PURPOSE);

	*row = sqlite3_column_int64 (st, COL_ROW);
	s->id = column_dup (st, COL_LS_ID);
	s->state = state_from_string ((const char *) sqlite3_column_text (st, COL_STATE));
	s->hold_reason = column_dup (st, COL_HOLD_REASON);
	s->action_taken = sqlite3_column_int (st, COL_ACTION_TAKEN) != 0;
	s->layout = layout != NULL ? layout_from_string (layout) : LAYOUT_NONE;
	s->title = column_dup (st, COL_TITLE);
	s->purpose = purpose != NULL ? purpose_from_string (purpose) : PURPOSE_NONE;
	s->submitted = column_dup (st, COL_SUBMITTED);
	s->deadline = column_dup (st, COL_DEADLINE);
	s->received = column_dup (st, COL_RECEIVED);
	s->url = column_dup (st, COL_URL);
	s->from_org = column_dup (st, COL_FROM_ORG);
	s->from_org_text = column_dup (st, COL_FROM_ORG_TEXT);
	s->from_contact = column_dup (st, COL_FROM_CONTACT);
	s->handle = column_dup (st, COL_HANDLE);
	s->undelivered = sqlite3_column_int (st, COL_UNDELIVERED) != 0;
	s->message_id = column_dup (st, COL_MESSAGE_ID);
	s->direction = direction_from_string ((const char *) sqlite3_column_text (st, COL_DIRECTION));
	if (with_body)
		s->body = column_dup (st, COL_BODY);
}

Statement *
store_statement_from_row (sqlite3_stmt *st, gboolean with_body, gint64 *row)
{
	Statement *s = statement_new ();

	statement_read_row (s, st, with_body, row);
	return s;
}

static GPtrArray *
contacts_array (Statement *s, const char *kind)
{
	if (strcmp (kind, "to") == 0)
		return s->to_contacts;
	if (strcmp (kind, "cc") == 0)
		return s->cc;
	if (strcmp (kind, "response") == 0)
		return s->response_contacts;
	if (strcmp (kind, "technical") == 0)
		return s->technical_contacts;
	return NULL;
}

/* The readers of one row of a related table into its statement: the
 * row's columns from @c on (0 for a Q_GET_ query, 1 for a Q_MANY_ one). */
static void
contact_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	GPtrArray *to = contacts_array (s, (const char *) sqlite3_column_text (st, c));

	if (to != NULL)
		g_ptr_array_add (to, column_dup (st, c + 1));
}

static void
group_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	const char *kind = (const char *) sqlite3_column_text (st, c);

	if (g_strcmp0 (kind, "group") == 0)
		g_ptr_array_add (s->groups, column_dup (st, c + 1));
	else if (g_strcmp0 (kind, "text") == 0)
		g_ptr_array_add (s->to_texts, column_dup (st, c + 1));
}

static gboolean
has_related (const Statement *s, const char *id, const char *relation)
{
	for (guint i = 0; i < s->related->len; i++) {
		const Related *r = g_ptr_array_index (s->related, i);
		if (g_ascii_strcasecmp (r->id, id) == 0 && g_strcmp0 (r->relation, relation) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
append_related (Statement *s, const char *id, const char *relation)
{
	Related *r;

	if (id == NULL || has_related (s, id, relation))
		return;
	r = g_new0 (Related, 1);
	r->id = g_strdup (id);
	r->relation = g_strdup (relation);
	g_ptr_array_add (s->related, r);
}

/* The relation seen from the other statement. */
static const char *
inverse_relation (const char *relation)
{
	if (g_strcmp0 (relation, "responds-to") == 0)
		return "responded-by";
	if (g_strcmp0 (relation, "responded-by") == 0)
		return "responds-to";
	return relation;
}

static void
ref_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	const char *kind = (const char *) sqlite3_column_text (st, c);
	const char *value = (const char *) sqlite3_column_text (st, c + 1);
	const char *relation = (const char *) sqlite3_column_text (st, c + 2);
	const char *target = (const char *) sqlite3_column_text (st, c + 3);

	if (g_strcmp0 (kind, "reference") == 0)
		g_ptr_array_add (s->references, g_strdup (value));
	else if (g_strcmp0 (kind, "other") == 0)
		g_ptr_array_add (s->other_identifiers, g_strdup (value));
	else if (g_strcmp0 (kind, "attachment-title") == 0)
		g_ptr_array_add (s->attachment_titles, g_strdup (value));
	else if (g_strcmp0 (kind, "related") == 0)
		append_related (s, target != NULL ? target : value, relation);
}

/* A statement that names this one. */
static void
inverse_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	append_related (s, (const char *) sqlite3_column_text (st, c),
	                inverse_relation ((const char *) sqlite3_column_text (st, c + 1)));
}

static void
link_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	Link *link = g_new0 (Link, 1);

	link->title = column_dup (st, c);
	link->url = column_dup (st, c + 1);
	g_ptr_array_add (s->links, link);
}

static void
attachment_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	Attachment *a = g_new0 (Attachment, 1);

	a->filename = column_dup (st, c);
	a->content_type = column_dup (st, c + 1);
	a->size = sqlite3_column_int64 (st, c + 2);
	a->sha256 = column_dup (st, c + 3);
	a->text = column_dup (st, c + 4);
	g_ptr_array_add (s->attachments, a);
}

static void
route_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	StatementRoute *route = g_new0 (StatementRoute, 1);

	route->address = column_dup (st, c);
	route->role = column_dup (st, c + 1);
	route->status = column_dup (st, c + 2);
	g_ptr_array_add (s->routes, route);
}

static void
event_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	Event *e = g_new0 (Event, 1);

	e->at = column_dup (st, c);
	e->type = column_dup (st, c + 1);
	e->detail = column_dup (st, c + 2);
	g_ptr_array_add (s->events, e);
}

static void
thread_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	ThreadEntry *t = g_new0 (ThreadEntry, 1);

	t->message_id = column_dup (st, c);
	t->from = column_dup (st, c + 1);
	t->date = column_dup (st, c + 2);
	t->role = column_dup (st, c + 3);
	t->parent = column_dup (st, c + 4);
	g_ptr_array_add (s->thread, t);
}

/* ---------------------------------------------------------------------- */
/* Filling one statement */

typedef void (*PartReader) (Statement *s, sqlite3_stmt *st, int c);

typedef struct {
	Statement *s;
	PartReader read;
} Fill;

static void
fill_row (sqlite3_stmt *st, gpointer data)
{
	Fill *f = data;

	f->read (f->s, st, 0);
}

/* Reads into @s, with @read, the rows that the Q_GET_ query @id finds
 * for the statement row @row. */
static gboolean
fill (Store *store, QueryId id, PartReader read, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, id, row, error);
	Fill f = { s, read };

	return st != NULL && store_each_row (store, st, fill_row, &f, error);
}

/* Everything list shows: the arrays of the statement (its own references,
 * then the statements that name it), its attachments and its routes. */
gboolean
store_fill_common (Store *store, Statement *s, gint64 row, GError **error)
{
	return fill (store, Q_GET_CONTACTS, contact_from_row, s, row, error) &&
	       fill (store, Q_GET_GROUPS, group_from_row, s, row, error) &&
	       fill (store, Q_GET_REFS, ref_from_row, s, row, error) &&
	       fill (store, Q_GET_INVERSE, inverse_from_row, s, row, error) &&
	       fill (store, Q_GET_LINKS, link_from_row, s, row, error) &&
	       fill (store, Q_GET_ATTACHMENTS, attachment_from_row, s, row, error) &&
	       fill (store, Q_GET_ROUTES, route_from_row, s, row, error);
}

/* ---------------------------------------------------------------------- */
/* Filling many statements */

/* Below this many statements, fill_common_many() asks for each one: a
 * few statements spread over the register would have it read most of
 * every table. */
#define FILL_MANY_MIN 32

/* store_fill_common() (with @brief, only the groups) for each statement
 * of @list, one after another. */
static gboolean
fill_each (Store *store, GPtrArray *list, GArray *rows, gboolean brief, GError **error)
{
	for (guint i = 0; i < list->len; i++) {
		Statement *s = g_ptr_array_index (list, i);
		gint64 row = g_array_index (rows, gint64, i);

		if (!(brief ? fill (store, Q_GET_GROUPS, group_from_row, s, row, error)
		            : store_fill_common (store, s, row, error)))
			return FALSE;
	}
	return TRUE;
}

/* The rows of one Q_MANY_ query, handed to their statements. */
typedef struct {
	GHashTable *by_row;      /* statement row -> Statement */
	PartReader read;
	Statement *s;            /* the statement of the row before */
	gint64 current;          /* and its row */
} FillMany;

static void
fill_many_row (sqlite3_stmt *st, gpointer data)
{
	FillMany *f = data;
	gint64 row = sqlite3_column_int64 (st, 0);

	/* A statement's rows come together: one look-up each. */
	if (f->s == NULL || row != f->current) {
		f->s = g_hash_table_lookup (f->by_row, &row);
		f->current = row;
	}
	if (f->s != NULL)
		f->read (f->s, st, 1);
}

/* Reads with @read the rows that the Q_MANY_ query @id finds between the
 * statement rows @first and @last into the statements of @by_row. */
static gboolean
fill_many (Store *store, QueryId id, PartReader read, GHashTable *by_row, gint64 first,
           gint64 last, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	FillMany f = { by_row, read, NULL, 0 };
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, first);
	bind_int64 (&bind, 2, last);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return store_each_row (store, st, fill_many_row, &f, error);
}

/* fill_common() for many statements: one query per table over the range
 * of their rows instead of six queries per statement, each row handed to
 * its statement through a table from row to Statement (rows in the range
 * that belong to no statement of @list are skipped). @list and @rows are
 * parallel. With @brief, only the groups; without @texts, the attachments
 * without the text read from them (when there are FILL_MANY_MIN or more;
 * fewer are read with it). */
static gboolean
fill_common_many (Store *store, GPtrArray *list, GArray *rows, gboolean brief, gboolean texts,
                  GError **error)
{
	static const struct {
		QueryId id;
		PartReader read;
	} tables[] = {
		{ Q_MANY_CONTACTS, contact_from_row },
		{ Q_MANY_GROUPS, group_from_row },
		{ Q_MANY_REFS, ref_from_row },
		/* After the statement's own references, as in store_fill_common(). */
		{ Q_MANY_INVERSE, inverse_from_row },
		{ Q_MANY_LINKS, link_from_row },
		{ Q_MANY_ATTACHMENTS, attachment_from_row },
		{ Q_MANY_ROUTES, route_from_row },
	};
	g_autoptr (GHashTable) by_row = NULL;
	gint64 first = G_MAXINT64, last = G_MININT64;

	g_assert (list->len == rows->len);
	if (list->len < FILL_MANY_MIN)
		return fill_each (store, list, rows, brief, error);

	by_row = g_hash_table_new (g_int64_hash, g_int64_equal);
	for (guint i = 0; i < rows->len; i++) {
		gint64 *row = &g_array_index (rows, gint64, i);

		g_hash_table_insert (by_row, row, g_ptr_array_index (list, i));
		first = MIN (first, *row);
		last = MAX (last, *row);
	}

	for (gsize t = 0; t < G_N_ELEMENTS (tables); t++) {
		QueryId id = tables[t].id;

		if (brief && id != Q_MANY_GROUPS)
			continue;
		if (id == Q_MANY_ATTACHMENTS && !texts)
			id = Q_MANY_ATTACHMENTS_BARE;
		if (!fill_many (store, id, tables[t].read, by_row, first, last, error))
			return FALSE;
	}
	return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Lists and look-ups */

typedef struct {
	GPtrArray *list;         /* Statement* */
	GArray *rows;            /* their rows */
} Listed;

static void
listed_row (sqlite3_stmt *st, gpointer data)
{
	Listed *l = data;
	gint64 row;

	g_ptr_array_add (l->list, store_statement_from_row (st, FALSE, &row));
	g_array_append_val (l->rows, row);
}

GPtrArray *
store_read_statements (Store *store, sqlite3_stmt *st, gboolean brief, GError **error)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
	Listed listed = { list, rows };

	if (!store_each_row (store, st, listed_row, &listed, error))
		return NULL;
	query_release (st);
	if (!fill_common_many (store, list, rows, brief, TRUE, error))
		return NULL;
	return g_steal_pointer (&list);
}

/* Binds @filter's terms to Q_LIST's parameters ?1 to ?5. FALSE when a name
 * of it has no key (empty, or only separators): it names nothing. */
static gboolean
bind_filter (Binder *bind, const StoreFilter *filter)
{
	g_autofree char *org_key = NULL;
	g_autofree char *group_key = NULL;
	g_autofree char *today = NULL;

	if (filter == NULL)
		return TRUE;
	if (filter->from_org != NULL)
		org_key = config_name_key (filter->from_org);
	if (filter->to_group != NULL)
		group_key = config_name_key (filter->to_group);
	if (filter->overdue) {
		if (filter->today != NULL) {
			today = g_strdup (filter->today);
		} else {
			g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
			today = g_date_time_format (now, "%Y-%m-%d");
		}
	}
	/* A name with no key (empty, or only separators) names nothing. */
	if ((org_key != NULL && *org_key == '\0') || (group_key != NULL && *group_key == '\0'))
		return FALSE;
	bind_text (bind, 1, filter->state);
	bind_text (bind, 2, filter->purpose);
	bind_text (bind, 3, org_key);
	bind_text (bind, 4, group_key);
	bind_text (bind, 5, today);
	return TRUE;
}

/* Q_LIST, prepared and bound for @filter; NULL on an error, and
 * *nothing (with no error) when a name of @filter names nothing. */
static sqlite3_stmt *
list_query (Store *store, const StoreFilter *filter, gboolean *nothing, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_LIST, error);
	Binder bind;

	*nothing = FALSE;
	if (st == NULL)
		return NULL;
	bind = (Binder) { st, SQLITE_OK };
	if (!bind_filter (&bind, filter)) {
		*nothing = TRUE;
		return NULL;
	}
	bind_int64 (&bind, 6, filter != NULL && filter->limit > 0 ? (gint64) filter->limit : -1);
	bind_int64 (&bind, 7, filter != NULL && filter->held);
	if (bind.rc != SQLITE_OK) {
		store_sql_error (store, bind.rc, error);
		return NULL;
	}
	return g_steal_pointer (&st);
}

GPtrArray *
store_list_statements (Store *store, const StoreFilter *filter, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	GPtrArray *list;
	gboolean nothing;

	g_return_val_if_fail (store != NULL, NULL);

	st = list_query (store, filter, &nothing, error);
	if (st == NULL && nothing)
		return g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	if (st == NULL)
		goto fail;
	list = store_read_statements (store, st, filter != NULL && filter->brief, error);
	if (list == NULL)
		goto fail;
	return list;

fail:
	g_prefix_error (error, "cannot list statements: ");
	return NULL;
}

/* store_each_statement() reads this many statements, fills them with one
 * query per related table, hands them on and frees them: list --json's
 * memory stays that of a batch, not of the register (29 MB at 10,000),
 * and malloc() reuses what the batch before freed, still in the cache. */
#define EACH_BATCH 512

/* Reads up to EACH_BATCH rows of @st into @listed, into the statements
 * of @pool (reset, or new ones added to it): the number read, or -1 on
 * an error. */
static int
read_batch (Store *store, sqlite3_stmt *st, GPtrArray *pool, Listed *listed, GError **error)
{
	int n = 0, r = 1;

	g_ptr_array_set_size (listed->list, 0);
	g_array_set_size (listed->rows, 0);
	while (n < EACH_BATCH && (r = step (store, st, error)) > 0) {
		Statement *s;
		gint64 row;

		if ((guint) n < pool->len) {
			s = g_ptr_array_index (pool, n);
			statement_reset (s);
		} else {
			s = statement_new ();
			g_ptr_array_add (pool, s);
		}
		statement_read_row (s, st, FALSE, &row);
		g_ptr_array_add (listed->list, s);
		g_array_append_val (listed->rows, row);
		n++;
	}
	return r < 0 ? -1 : n;
}

gboolean
store_each_statement (Store *store, const StoreFilter *filter, StoreStatementFunc func,
                      gpointer data, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	/* The statements of a batch, reset and read again for the next: their
	 * arrays are made once, not once a statement. */
	g_autoptr (GPtrArray) pool = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GPtrArray) list = g_ptr_array_new ();
	g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
	Listed listed = { list, rows };
	gboolean nothing;
	guint index = 0;
	int n;

	g_return_val_if_fail (store != NULL, FALSE);

	st = list_query (store, filter, &nothing, error);
	if (st == NULL && !nothing)
		goto fail;
	do {
		n = st != NULL ? read_batch (store, st, pool, &listed, error) : 0;
		if (n < 0 || !fill_common_many (store, list, rows, filter != NULL && filter->brief, FALSE,
		                                 error))
			goto fail;
		for (guint i = 0; i < list->len; i++)
			if (!func (g_ptr_array_index (list, i), index++, data, error))
				return FALSE;
	} while (n == EACH_BATCH);
	return TRUE;

fail:
	g_prefix_error (error, "cannot list statements: ");
	return FALSE;
}

Statement *
store_get_statement (Store *store, const char *key, GError **error)
{
	g_autoptr (Statement) s = NULL;
	g_autofree char *id = NULL;
	g_auto (StoreQuery) st = NULL;
	gint64 row = 0;
	int r;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (key != NULL, NULL);

	id = store_bare_message_id (key);
	r = store_statement_row (store, id, &row, error);
	if (r == 0)
		r = store_lookup_row (store, query (store, Q_ROW_BY_MESSAGE_ID, error), id, &row, error);
	if (r < 0)
		goto fail;
	if (r == 0 || row <= 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND,
		             "no statement with id or Message-ID %s", key);
		return NULL;
	}

	st = query_for_row (store, Q_GET, row, error);
	if (st == NULL)
		goto fail;
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	if (r == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", key);
		return NULL;
	}
	s = store_statement_from_row (st, TRUE, &row);
	query_release (st);
	if (!store_fill_common (store, s, row, error) ||
	    !fill (store, Q_GET_THREAD, thread_from_row, s, row, error) ||
	    !fill (store, Q_GET_EVENTS, event_from_row, s, row, error))
		goto fail;
	return g_steal_pointer (&s);

fail:
	g_prefix_error (error, "cannot read statement %s: ", key);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* The same statement, arriving again */

/* The ls_id the query @id finds with @a .. @d bound (NULL: SQL NULL), or
 * NULL; *failed on an error. */
static char *
find_same (Store *store, QueryId id, const char *a, const char *b, const char *c, const char *d,
           gboolean *failed, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };
	int r;

	*failed = st == NULL;
	if (st == NULL)
		return NULL;
	bind_text (&bind, 1, a);
	if (id == Q_SAME_BY_TITLE) {
		bind_text (&bind, 2, b);
		bind_text (&bind, 3, c);
		bind_text (&bind, 4, d);
	}
	if (bind.rc != SQLITE_OK) {
		*failed = TRUE;
		store_sql_error (store, bind.rc, error);
		return NULL;
	}
	r = step (store, st, error);
	*failed = r < 0;
	return r > 0 ? column_dup (st, 0) : NULL;
}

gboolean
store_find_same (Store *store, const Statement *statement, const char *received, char **id,
                 const char **how, GError **error)
{
	const char *org = statement->from_org != NULL ? statement->from_org : statement->from_org_text;
	gboolean failed = FALSE;

	g_return_val_if_fail (store != NULL && statement != NULL && id != NULL, FALSE);

	*id = NULL;
	if (statement->url != NULL) {
		*how = "the same Datatracker page";
		*id = find_same (store, Q_SAME_BY_URL, statement->url, NULL, NULL, NULL, &failed, error);
	}
	for (guint i = 0; *id == NULL && !failed && i < statement->other_identifiers->len; i++) {
		*how = "the same identifier";
		*id = find_same (store, Q_SAME_BY_OTHER, g_ptr_array_index (statement->other_identifiers, i),
		                 NULL, NULL, NULL, &failed, error);
	}
	if (*id == NULL && !failed && statement->title != NULL && org != NULL) {
		*how = "the same organization, title and date";
		*id = find_same (store, Q_SAME_BY_TITLE, statement->title, org, statement->submitted,
		                 statement->submitted != NULL ? statement->submitted : received,
		                 &failed, error);
	}
	if (failed) {
		g_prefix_error (error, "cannot look for an earlier arrival of a statement: ");
		return FALSE;
	}
	return TRUE;
}
