/* schema.c: the schema of the store, step by step (PRAGMA user_version),
 * the migration that brings a database up to date when it is opened, and
 * `check`'s look at a database (its version, integrity, foreign keys). */
#include "config.h"

#include "base/error.h"
#include "store/store-private.h"

/* ---------------------------------------------------------------------- */
/* Schema */

/* One step of the schema's history. Each script runs inside its own
 * transaction and ends by setting user_version to @version, so a database is
 * always at exactly one version. Later issues append steps; a step once
 * released is never edited. */
typedef struct {
	int version;
	const char *sql;
} Migration;

static const Migration migrations[] = {
	{ 1,
	  /* Every incoming message, whatever it turned out to be. The dedupe
	   * key is (message_id, dedupe_hash); a message without Message-ID
	   * has message_id NULL. The unique constraint's index also serves
	   * lookups by message_id alone. statement and role tie a message to
	   * the thread of a statement ("statement" for the original). */
	  "CREATE TABLE messages (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	message_id    TEXT,\n"
	  "	dedupe_hash   TEXT NOT NULL,\n"
	  "	raw_sha256    TEXT NOT NULL,\n"
	  "	size          INTEGER NOT NULL,\n"
	  "	received      TEXT NOT NULL,\n"
	  "	env_sender    TEXT,\n"
	  "	env_recipient TEXT,\n"
	  "	env_extension TEXT,\n"
	  "	from_header   TEXT,\n"
	  "	subject       TEXT,\n"
	  "	date          TEXT,\n"
	  "	kind          TEXT NOT NULL,\n"
	  "	hold_reason   TEXT,\n"
	  "	conflict      INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1)),\n"
	  "	statement     INTEGER REFERENCES statements (id) ON DELETE SET NULL,\n"
	  "	role          TEXT,\n"
	  "	UNIQUE (message_id, dedupe_hash)\n"
	  ");\n"
	  "CREATE INDEX messages_dedupe_hash ON messages (dedupe_hash);\n"
	  "CREATE INDEX messages_statement ON messages (statement) WHERE statement IS NOT NULL;\n"
	  /* The register. ls_id compares case-insensitively; (year, seq) is
	   * the id's number, allocated as max(seq)+1 inside the writer's
	   * transaction. */
	  "CREATE TABLE statements (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	ls_id         TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	  "	year          INTEGER NOT NULL,\n"
	  "	seq           INTEGER NOT NULL CHECK (seq > 0),\n"
	  "	message       INTEGER NOT NULL REFERENCES messages (id),\n"
	  "	state         TEXT NOT NULL CHECK (state IN ('held', 'open', 'replied', 'closed')),\n"
	  "	hold_reason   TEXT,\n"
	  "	action_taken  INTEGER NOT NULL DEFAULT 0 CHECK (action_taken IN (0, 1)),\n"
	  "	layout        TEXT,\n"
	  "	title         TEXT,\n"
	  "	purpose       TEXT,\n"
	  "	submitted     TEXT,\n"
	  "	deadline      TEXT,\n"
	  "	received      TEXT NOT NULL,\n"
	  "	url           TEXT,\n"
	  "	from_org      TEXT,\n"
	  "	from_org_text TEXT,\n"
	  "	from_contact  TEXT,\n"
	  "	body          TEXT,\n"
	  "	UNIQUE (year, seq)\n"
	  ");\n"
	  "CREATE INDEX statements_received ON statements (received, id);\n"
	  "CREATE INDEX statements_deadline ON statements (deadline) WHERE deadline IS NOT NULL;\n"
	  "CREATE INDEX statements_message ON statements (message);\n"
	  /* to, cc, response and technical contacts, in order. */
	  "CREATE TABLE statement_contacts (\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	kind          TEXT NOT NULL CHECK (kind IN ('to', 'cc', 'response', 'technical')),\n"
	  "	position      INTEGER NOT NULL,\n"
	  "	value         TEXT NOT NULL,\n"
	  "	PRIMARY KEY (statement, kind, position)\n"
	  ") WITHOUT ROWID;\n"
	  /* Destination groups: 'group' rows are resolved group keys, 'text'
	   * rows the destinations as the statement wrote them. */
	  "CREATE TABLE statement_groups (\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	kind          TEXT NOT NULL CHECK (kind IN ('group', 'text')),\n"
	  "	position      INTEGER NOT NULL,\n"
	  "	value         TEXT NOT NULL,\n"
	  "	PRIMARY KEY (statement, kind, position)\n"
	  ") WITHOUT ROWID;\n"
	  /* What a statement names: 'reference' rows are the Referenced
	   * liaison / Response to texts as written; 'related' rows are links
	   * to statements of the register (value: the id as given, target:
	   * the row once known, relation: "responds-to"); the inverse
	   * ("responded-by") is derived when reading. */
	  "CREATE TABLE statement_refs (\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	kind          TEXT NOT NULL CHECK (kind IN ('reference', 'related', 'other', 'attachment-title')),\n"
	  "	position      INTEGER NOT NULL,\n"
	  "	value         TEXT NOT NULL,\n"
	  "	target        INTEGER REFERENCES statements (id) ON DELETE SET NULL,\n"
	  "	relation      TEXT,\n"
	  "	PRIMARY KEY (statement, kind, position)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE INDEX statement_refs_target ON statement_refs (target) WHERE target IS NOT NULL;\n"
	  /* Attachments live in the spool under their SHA-256. */
	  "CREATE TABLE attachments (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	position      INTEGER NOT NULL,\n"
	  "	filename      TEXT,\n"
	  "	content_type  TEXT,\n"
	  "	size          INTEGER NOT NULL,\n"
	  "	sha256        TEXT NOT NULL,\n"
	  "	UNIQUE (statement, position)\n"
	  ");\n"
	  "CREATE INDEX attachments_sha256 ON attachments (sha256);\n"
	  "CREATE TABLE events (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	at            TEXT NOT NULL,\n"
	  "	type          TEXT NOT NULL,\n"
	  "	detail        TEXT\n"
	  ");\n"
	  "CREATE INDEX events_statement ON events (statement, id);\n"
	  /* Who a statement went to (SPEC §6). The routing issue adds what it
	   * needs (outbox, message ids) with ALTER TABLE in a later step;
	   * role and status are not CHECKed so that new values need no
	   * table rebuild. */
	  "CREATE TABLE routes (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	position      INTEGER NOT NULL DEFAULT 0,\n"
	  "	address       TEXT NOT NULL,\n"
	  "	role          TEXT NOT NULL,\n"
	  "	status        TEXT NOT NULL DEFAULT 'queued',\n"
	  "	detail        TEXT,\n"
	  "	updated       TEXT\n"
	  ");\n"
	  "CREATE INDEX routes_statement ON routes (statement, position, id);\n"
	  "PRAGMA user_version = 1;\n" },
	{ 2,
	  /* The outbox: every message we send, written in the transaction
	   * that causes it and sent after the commit. The bytes are in the
	   * spool (SPOOL/out/XX/SHA256); the envelope recipients are the
	   * routes that name the row. state: queued (waiting, from
	   * next_attempt on), sending (claimed by the process whose claim
	   * token it holds), sent (the transport accepted it: never handed
	   * over again), failed (refused for good, or given up). message_id
	   * is ours and unique, so that the same message is never queued
	   * twice. */
	  "CREATE TABLE outbox (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	statement     INTEGER REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	message       INTEGER REFERENCES messages (id) ON DELETE SET NULL,\n"
	  "	kind          TEXT NOT NULL,\n"
	  "	message_id    TEXT NOT NULL UNIQUE,\n"
	  "	sender        TEXT NOT NULL,\n"
	  "	sha256        TEXT NOT NULL,\n"
	  "	size          INTEGER NOT NULL,\n"
	  "	state         TEXT NOT NULL DEFAULT 'queued'\n"
	  "	              CHECK (state IN ('queued', 'sending', 'sent', 'failed')),\n"
	  "	created       TEXT NOT NULL,\n"
	  "	attempts      INTEGER NOT NULL DEFAULT 0,\n"
	  "	next_attempt  TEXT NOT NULL,\n"
	  "	claim         TEXT,\n"
	  "	claimed_at    TEXT,\n"
	  "	claimed_pid   INTEGER,\n"
	  "	sent          TEXT,\n"
	  "	last_error    TEXT\n"
	  ");\n"
	  "CREATE INDEX outbox_pending ON outbox (next_attempt, id) WHERE state IN ('queued', 'sending');\n"
	  "CREATE INDEX outbox_statement ON outbox (statement);\n"
	  /* A route names the outgoing message that carries it (NULL for an
	   * address that already received the original). */
	  "ALTER TABLE routes ADD COLUMN outbox INTEGER REFERENCES outbox (id) ON DELETE SET NULL;\n"
	  "CREATE INDEX routes_outbox ON routes (outbox) WHERE outbox IS NOT NULL;\n"
	  "PRAGMA user_version = 2;\n" },
	{ 3,
	  /* The text read from an attachment (a PDF's or a DOCX's, a text
	   * part's), kept for search; NULL when it has none. */
	  "ALTER TABLE attachments ADD COLUMN text TEXT;\n"
	  "PRAGMA user_version = 3;\n" },
	{ 4,
	  /* Threads (SPEC §7). The Message-IDs each recorded message names
	   * in In-Reply-To and References, nearest first (position 0), so
	   * that a message that arrives before its parent is found when the
	   * parent is recorded, and so that the thread shows each message's
	   * parent. */
	  "CREATE TABLE message_refs (\n"
	  "	message       INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,\n"
	  "	position      INTEGER NOT NULL,\n"
	  "	target        TEXT NOT NULL,\n"
	  "	PRIMARY KEY (message, position)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE INDEX message_refs_target ON message_refs (target);\n"
	  "CREATE INDEX statements_url ON statements (url) WHERE url IS NOT NULL;\n"
	  "PRAGMA user_version = 4;\n" },
	{ 5,
	  /* The deadline reminders sent (SPEC §8): at most one per statement
	   * and stage ("before-7", "overdue-3"), which the UNIQUE constraint
	   * holds whatever runs at the same time. day: the date it was due
	   * on; outbox: the message that carries it. */
	  "CREATE TABLE reminders (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	stage         TEXT NOT NULL,\n"
	  "	day           TEXT NOT NULL,\n"
	  "	created       TEXT NOT NULL,\n"
	  "	outbox        INTEGER REFERENCES outbox (id) ON DELETE SET NULL,\n"
	  "	UNIQUE (statement, stage)\n"
	  ");\n"
	  "PRAGMA user_version = 5;\n" },
	{ 6,
	  /* Full-text search (`liaison search`): one FTS5 row per statement,
	   * rowid = statements.id, with the title, the body, every name of
	   * its contacts, organization and groups, its attachments' file
	   * names and titles, and the text read from them. The table keeps
	   * its own copy of the text, for snippet(). store_add_statement()
	   * adds a statement's row once its parts are recorded; the triggers
	   * follow later edits of the title and body and removals; this step
	   * indexes the statements recorded before it. */
	  "CREATE VIRTUAL TABLE statements_fts USING fts5 (\n"
	  "	title, body, contacts, attachments, attachment_text,\n"
	  "	tokenize = 'unicode61 remove_diacritics 2'\n"
	  ");\n"
	  "INSERT INTO statements_fts (rowid, title, body, contacts, attachments, attachment_text)\n"
	  "SELECT s.id, s.title, s.body,\n"
	  "	(SELECT group_concat (v, ' ') FROM (\n"
	  "		SELECT s.from_org AS v UNION ALL SELECT s.from_org_text\n"
	  "		UNION ALL SELECT s.from_contact\n"
	  "		UNION ALL SELECT c.value FROM statement_contacts c WHERE c.statement = s.id\n"
	  "		UNION ALL SELECT g.value FROM statement_groups g WHERE g.statement = s.id)),\n"
	  "	(SELECT group_concat (v, ' ') FROM (\n"
	  "		SELECT a.filename AS v FROM attachments a WHERE a.statement = s.id\n"
	  "		UNION ALL SELECT r.value FROM statement_refs r\n"
	  "		WHERE r.statement = s.id AND r.kind = 'attachment-title')),\n"
	  "	(SELECT group_concat (a.text, ' ') FROM attachments a WHERE a.statement = s.id)\n"
	  "FROM statements s;\n"
	  "CREATE TRIGGER statements_fts_update AFTER UPDATE OF title, body ON statements BEGIN\n"
	  "	UPDATE statements_fts SET title = new.title, body = new.body WHERE rowid = new.id;\n"
	  "END;\n"
	  "CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN\n"
	  "	DELETE FROM statements_fts WHERE rowid = old.id;\n"
	  "END;\n"
	  "PRAGMA user_version = 6;\n" },
	{ 7,
	  /* The thread look-ups by a statement's page and by its title
	   * (Q_THREAD_BY_URL, Q_THREAD_BY_TITLE) on their own keys, newest
	   * first: without these they read every statement, so that a
	   * delivery, and a re-injection of a whole archive all the more,
	   * slowed down as the register grew. The url index was the first
	   * one's and served nothing. */
	  "CREATE INDEX IF NOT EXISTS statements_url_key ON statements (\n"
	  "	lower (rtrim (replace (url, 'http://', 'https://'), '/')), received, id)\n"
	  "	WHERE url IS NOT NULL;\n"
	  "CREATE INDEX IF NOT EXISTS statements_title ON statements (title COLLATE NOCASE, received, id);\n"
	  "DROP INDEX IF EXISTS statements_url;\n"
	  "PRAGMA user_version = 7;\n" },
	{ 8,
	  /* Issue 17: which way a statement goes (SPEC §7, §10): 'incoming'
	   * from a peer to our groups, 'outgoing' for the IETF's own (from
	   * one of our groups to a peer); the documents it links to (the
	   * Datatracker's Attachments: list, title and URL); and the look-up
	   * of a statement by another of its identifiers ("SG15-LS123"),
	   * which tells a second arrival of the same statement. */
	  "ALTER TABLE statements ADD COLUMN direction TEXT NOT NULL DEFAULT 'incoming'\n"
	  "	CHECK (direction IN ('incoming', 'outgoing'));\n"
	  "CREATE TABLE statement_links (\n"
	  "	statement     INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,\n"
	  "	position      INTEGER NOT NULL,\n"
	  "	title         TEXT,\n"
	  "	url           TEXT,\n"
	  "	PRIMARY KEY (statement, position)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE INDEX statement_refs_other ON statement_refs (value COLLATE NOCASE)\n"
	  "	WHERE kind = 'other';\n"
	  "PRAGMA user_version = 8;\n" },
	{ 9,
	  /* Nothing vanishes (issue 17). A message held for triage that is
	   * not a statement (not one, a conflict, too large) gets a row of
	   * statements of its own, so that it is listed, shown, routed,
	   * promoted or dismissed like a held statement: handle is its
	   * handle ("HM-2026-0001"), also its ls_id until it is promoted to
	   * a statement (then ls_id is the LS id it got and handle still
	   * finds it). Its number is of a series apart: its row stores the
	   * year negated, so that (year, seq) of held messages never meets
	   * the statements' ids. notice: the held notice to triage, "sent",
	   * "pending" (over held-notice-limit: for the next daily summary),
	   * "summary" (named in one); notice_sender: the sender the limit
	   * counts. undelivered: every list route of the statement bounced.
	   *
	   * First, the CHECK of state admits "dismissed" (a held message set
	   * aside) and "pending-approval" (SPEC §7). SQLite cannot alter a
	   * constraint, and rebuilding the table would cascade through its
	   * foreign keys; a CHECK that admits more than before is the change
	   * that https://sqlite.org/lang_altertable.html ("Making Other Kinds
	   * Of Table Schema Changes") allows by editing the schema's text in
	   * the transaction. Every row satisfies the new CHECK. RESET reads
	   * the schema again; the ALTER TABLEs after it bump schema_version,
	   * so that every other connection reads it again too. */
	  "PRAGMA writable_schema = ON;\n"
	  "UPDATE sqlite_schema SET sql = replace (sql,\n"
	  "	'''held'', ''open'', ''replied'', ''closed'')',\n"
	  "	'''held'', ''open'', ''replied'', ''closed'', ''dismissed'', ''pending-approval'')')\n"
	  "	WHERE type = 'table' AND name = 'statements';\n"
	  "PRAGMA writable_schema = RESET;\n"
	  "PRAGMA writable_schema = OFF;\n"
	  "ALTER TABLE statements ADD COLUMN handle TEXT;\n"
	  "CREATE UNIQUE INDEX statements_handle ON statements (handle COLLATE NOCASE)\n"
	  "	WHERE handle IS NOT NULL;\n"
	  "ALTER TABLE statements ADD COLUMN notice TEXT;\n"
	  "ALTER TABLE statements ADD COLUMN notice_sender TEXT;\n"
	  "CREATE INDEX statements_notice ON statements (notice, notice_sender, received)\n"
	  "	WHERE notice IS NOT NULL;\n"
	  "ALTER TABLE statements ADD COLUMN undelivered INTEGER NOT NULL DEFAULT 0\n"
	  "	CHECK (undelivered IN (0, 1));\n"
	  "PRAGMA user_version = 9;\n" },
	{ 10,
	  /* Which journal (SPOOL/journal, journal.c) describes this
	   * database: the token of its first record. A database without it
	   * beside a journal with messages is one created after the database
	   * was lost, which must be rebuilt, not written to. */
	  "CREATE TABLE IF NOT EXISTS journal (\n"
	  "	id            INTEGER PRIMARY KEY CHECK (id = 1),\n"
	  "	token         TEXT NOT NULL\n"
	  ");\n"
	  "PRAGMA user_version = 10;\n" },
	{ 11,
	  /* `purge` (issue 18): when the content of a message, and of an
	   * attachment, was removed from the spool. A purged row keeps its
	   * SHA-256 for the record; its file is gone unless another row that
	   * is not purged names it. */
	  "ALTER TABLE messages ADD COLUMN purged TEXT;\n"
	  "ALTER TABLE attachments ADD COLUMN purged TEXT;\n"
	  "PRAGMA user_version = 11;\n" },
	{ 12,
	  /* Issue 18: the mail that tells people where things stand, once
	   * per period and target. kind: 'digest' (`liaison digest`, period
	   * the ISO week "2026-W50", target a manager's address or
	   * "triage") or 'authorized' (`remind --authorized`, period the
	   * quarter "2026-Q4", target the organization's name). recipients:
	   * a JSON array of the addr-specs it went to, the envelope of its
	   * outbox row (no statement carries it, so no route does).
	   * UNIQUE keeps a second run of the period from sending it again.
	   * IF NOT EXISTS: a database set back to an older version (as
	   * t-search.sh does) still migrates. */
	  "CREATE TABLE IF NOT EXISTS digests (\n"
	  "	id            INTEGER PRIMARY KEY,\n"
	  "	kind          TEXT NOT NULL CHECK (kind IN ('digest', 'authorized')),\n"
	  "	period        TEXT NOT NULL,\n"
	  "	target        TEXT NOT NULL,\n"
	  "	recipients    TEXT NOT NULL,\n"
	  "	outbox        INTEGER REFERENCES outbox (id) ON DELETE SET NULL,\n"
	  "	created       TEXT NOT NULL,\n"
	  "	UNIQUE (kind, period, target)\n"
	  ");\n"
	  "CREATE INDEX IF NOT EXISTS digests_outbox ON digests (outbox) WHERE outbox IS NOT NULL;\n"
	  "PRAGMA user_version = 12;\n" },
	{ 13,
	  /* Issue 19: the auto-reply limit counts the mail of the last 24
	   * hours to one address (store_count_recent_mail()) at every
	   * acknowledgement; without an index that read every route, which
	   * made a bulk rebuild or reinject quadratic. */
	  "CREATE INDEX IF NOT EXISTS routes_address ON routes (address COLLATE NOCASE);\n"
	  "PRAGMA user_version = 13;\n" },
};

int
store_schema_version (void)
{
	return migrations[G_N_ELEMENTS (migrations) - 1].version;
}

/* ---------------------------------------------------------------------- */
/* Migrations */

typedef enum {
	Q_USER_VERSION,
	Q_INTEGRITY,
	Q_FOREIGN_KEYS,
	N_QUERIES
} QueryId;

static const char *const query_sql[N_QUERIES] = {
	[Q_USER_VERSION] = "PRAGMA user_version",
	[Q_INTEGRITY] = "PRAGMA integrity_check",
	[Q_FOREIGN_KEYS] = "PRAGMA foreign_key_check",
};

static gboolean
exec (Store *store, const char *sql, GError **error)
{
	int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK || store_sql_error (store, rc, error);
}

gboolean
store_read_user_version (Store *store, int *version, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_USER_VERSION, error);
	int r;

	if (st == NULL)
		return FALSE;
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	*version = r > 0 ? sqlite3_column_int (st, 0) : 0;
	return TRUE;
}

/* Applies the migration steps the database has not seen yet. */
gboolean
store_migrate (Store *store, GError **error)
{
	int version;

	if (!store_read_user_version (store, &version, error))
		return FALSE;
	if (version > store_schema_version ()) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "schema version %d is newer than this program's (%d)",
		             version, store_schema_version ());
		return FALSE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (migrations); i++) {
		const Migration *m = &migrations[i];

		/* The steps run in the array's order: a step out of order
		 * would be skipped. */
		g_assert (i == 0 || migrations[i - 1].version < m->version);
		if (m->version <= version)
			continue;
		if (!store_begin (store, error))
			return FALSE;
		/* Another process may have migrated while we waited for the lock. */
		if (!store_read_user_version (store, &version, error))
			goto fail;
		if (version >= m->version) {
			if (!store_commit (store, error))
				goto fail;
			continue;
		}
		if (!exec (store, m->sql, error))
			goto fail;
		if (!store_read_user_version (store, &version, error))
			goto fail;
		/* A step that does not set its own version is a bug here. */
		g_assert (version == m->version);
		if (!store_commit (store, error))
			goto fail;
		continue;
	fail:
		store_rollback (store);
		g_prefix_error (error, "migrating to schema version %d: ", m->version);
		return FALSE;
	}
	return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Checks */

/* Appends a line for each problem PRAGMA integrity_check finds. */
static void
check_integrity (Store *store, GPtrArray *problems)
{
	g_autoptr (GError) error = NULL;
	g_auto (StoreQuery) st = query (store, Q_INTEGRITY, &error);
	int r;

	if (st != NULL) {
		while ((r = step (store, st, &error)) > 0) {
			const char *line = (const char *) sqlite3_column_text (st, 0);
			if (g_strcmp0 (line, "ok") != 0)
				g_ptr_array_add (problems, g_strdup_printf ("database %s: %s", store->path,
				                                            line != NULL ? line : "integrity check failed"));
		}
	}
	if (error != NULL)
		g_ptr_array_add (problems, g_strdup_printf ("database %s: integrity check: %s",
		                                            store->path, error->message));
}

/* Appends a line for each row PRAGMA foreign_key_check finds. */
static void
check_foreign_keys (Store *store, GPtrArray *problems)
{
	g_autoptr (GError) error = NULL;
	g_auto (StoreQuery) st = query (store, Q_FOREIGN_KEYS, &error);
	int r;

	if (st != NULL) {
		while ((r = step (store, st, &error)) > 0)
			g_ptr_array_add (problems,
			                 g_strdup_printf ("database %s: row %" G_GINT64_FORMAT " of %s "
			                                  "refers to a missing row of %s", store->path,
			                                  (gint64) sqlite3_column_int64 (st, 1),
			                                  (const char *) sqlite3_column_text (st, 0),
			                                  (const char *) sqlite3_column_text (st, 2)));
	}
	if (error != NULL)
		g_ptr_array_add (problems, g_strdup_printf ("database %s: foreign key check: %s",
		                                            store->path, error->message));
}

gboolean
store_check (Store *store, GPtrArray *problems)
{
	g_autoptr (GError) error = NULL;
	guint before;
	int version = 0;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (problems != NULL, FALSE);

	before = problems->len;
	if (!store_read_user_version (store, &version, &error)) {
		g_ptr_array_add (problems, g_strdup_printf ("database %s: %s", store->path, error->message));
		return FALSE;
	}
	if (version != store_schema_version ())
		g_ptr_array_add (problems, g_strdup_printf ("database %s: schema version %d, expected %d",
		                                            store->path, version, store_schema_version ()));
	check_integrity (store, problems);
	check_foreign_keys (store, problems);
	return problems->len == before;
}
