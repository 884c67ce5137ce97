/* store.c: the SQLite store. It opens the database in WAL mode, migrates its
 * schema step by step (PRAGMA user_version), and records and reads messages,
 * statements and their parts through cached prepared statements. The only
 * file that includes sqlite3.h; every SQLite error becomes a LiaisonError here. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "base/conf.h"
#include "base/error.h"
#include "store/store.h"

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
};

int
store_schema_version (void)
{
	return migrations[G_N_ELEMENTS (migrations) - 1].version;
}

/* ---------------------------------------------------------------------- */
/* Queries */

typedef enum {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_SAVEPOINT,
	Q_RELEASE,
	Q_ROLLBACK_TO,
	Q_USER_VERSION,
	Q_SEEN_EXACT,
	Q_SEEN_ID,
	Q_SEEN_HASH,
	Q_ADD_MESSAGE,
	Q_MESSAGE_RECEIVED,
	Q_NEXT_SEQ,
	Q_ADD_STATEMENT,
	Q_LINK_MESSAGE,
	Q_REMIND_CANDIDATES,
	Q_REMIND_DUE,
	Q_REMIND_ADD,
	Q_ADD_CONTACT,
	Q_ADD_GROUP,
	Q_ADD_REF,
	Q_ADD_ATTACHMENT,
	Q_ADD_ROUTE,
	Q_ADD_EVENT,
	Q_ROW_BY_LS_ID,
	Q_ROW_BY_MESSAGE_ID,
	Q_LIST,
	Q_GET,
	Q_GET_CONTACTS,
	Q_GET_GROUPS,
	Q_GET_REFS,
	Q_GET_INVERSE,
	Q_GET_ATTACHMENTS,
	Q_GET_ROUTES,
	Q_GET_EVENTS,
	Q_GET_THREAD,
	Q_MANY_CONTACTS,
	Q_MANY_GROUPS,
	Q_MANY_REFS,
	Q_MANY_INVERSE,
	Q_MANY_ATTACHMENTS,
	Q_MANY_ROUTES,
	Q_COUNT,
	Q_INTEGRITY,
	Q_FOREIGN_KEYS,
	Q_FTS_ADD,
	Q_FTS_DELETE,
	Q_SEARCH,
	Q_REQUEUE_ROWS,
	Q_REQUEUE_OUTBOX,
	Q_REQUEUE_ROUTES,
	Q_ADD_OUTBOX,
	Q_ADD_ROUTE_OUTBOX,
	Q_OUTBOX_LIST,
	Q_OUTBOX_GET,
	Q_OUTBOX_BY_MESSAGE_ID,
	Q_OUTBOX_RECIPIENTS,
	Q_OUTBOX_ROUTES,
	Q_OUTBOX_DUE,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_SENT,
	Q_OUTBOX_DEFER,
	Q_OUTBOX_FAIL,
	Q_ROUTES_REFUSED,
	Q_ROUTES_SET,
	Q_ROUTE_BOUNCED,
	Q_ADD_MESSAGE_REF,
	Q_THREAD_BY_MESSAGE_ID,
	Q_THREAD_BY_LS_ID,
	Q_THREAD_BY_URL,
	Q_THREAD_BY_TITLE,
	Q_SET_STATE,
	Q_ORPHANS,
	Q_ADOPT,
	Q_SET_GROUPS_CLEAR,
	Q_ROUTE_COUNT,
	Q_STATEMENT_MESSAGE,
	Q_OUTBOX_FILES,
	N_QUERIES
} QueryId;

/* The columns the outbox queries return, read by outbox_from_row(). */
#define OUTBOX_COLUMNS \
	"o.id, s.ls_id, o.kind, o.message_id, o.sender, o.sha256, o.size, o.state, " \
	"o.attempts, o.created, o.next_attempt, o.claim, o.claimed_at, o.claimed_pid, " \
	"o.sent, o.last_error, o.statement"

enum {
	OCOL_ID, OCOL_LS_ID, OCOL_KIND, OCOL_MESSAGE_ID, OCOL_SENDER, OCOL_SHA256, OCOL_SIZE,
	OCOL_STATE, OCOL_ATTEMPTS, OCOL_CREATED, OCOL_NEXT_ATTEMPT, OCOL_CLAIM, OCOL_CLAIMED_AT,
	OCOL_CLAIMED_PID, OCOL_SENT, OCOL_LAST_ERROR, OCOL_STATEMENT,
};

/* The columns Q_LIST and Q_GET both return, read by statement_from_row(). */
#define STATEMENT_COLUMNS \
	"s.id, s.ls_id, s.state, s.hold_reason, s.action_taken, s.layout, s.title, " \
	"s.purpose, s.submitted, s.deadline, s.received, s.url, s.from_org, " \
	"s.from_org_text, s.from_contact, m.message_id"

enum {
	COL_ROW, COL_LS_ID, COL_STATE, COL_HOLD_REASON, COL_ACTION_TAKEN, COL_LAYOUT,
	COL_TITLE, COL_PURPOSE, COL_SUBMITTED, COL_DEADLINE, COL_RECEIVED, COL_URL,
	COL_FROM_ORG, COL_FROM_ORG_TEXT, COL_FROM_CONTACT, COL_MESSAGE_ID, COL_BODY,
};

static const char *const query_sql[N_QUERIES] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT one",
	[Q_RELEASE] = "RELEASE one",
	[Q_ROLLBACK_TO] = "ROLLBACK TO one",
	[Q_USER_VERSION] = "PRAGMA user_version",
	[Q_SEEN_EXACT] = "SELECT 1 FROM messages WHERE message_id = ?1 AND dedupe_hash = ?2 LIMIT 1",
	[Q_SEEN_ID] = "SELECT 1 FROM messages WHERE message_id = ?1 LIMIT 1",
	[Q_SEEN_HASH] = "SELECT 1 FROM messages WHERE dedupe_hash = ?1 LIMIT 1",
	[Q_ADD_MESSAGE] =
		"INSERT INTO messages (message_id, dedupe_hash, raw_sha256, size, received, "
		"env_sender, env_recipient, env_extension, from_header, subject, date, kind, "
		"hold_reason, conflict) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[Q_MESSAGE_RECEIVED] = "SELECT received FROM messages WHERE id = ?1",
	[Q_NEXT_SEQ] = "SELECT ifnull(max(seq), 0) + 1 FROM statements WHERE year = ?1",
	[Q_ADD_STATEMENT] =
		"INSERT INTO statements (ls_id, year, seq, message, state, hold_reason, "
		"action_taken, layout, title, purpose, submitted, deadline, received, url, "
		"from_org, from_org_text, from_contact, body) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	[Q_LINK_MESSAGE] = "UPDATE messages SET statement = ?2, role = ?3 WHERE id = ?1",
	/* What `remind` looks at: open, action not taken, a deadline on or
	 * after ?1 (older ones are past every overdue notice). */
	[Q_REMIND_CANDIDATES] =
		"SELECT " STATEMENT_COLUMNS " "
		"FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE s.state = 'open' AND s.action_taken = 0 AND s.deadline IS NOT NULL "
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
	[Q_ADD_CONTACT] =
		"INSERT INTO statement_contacts (statement, kind, position, value) VALUES (?1, ?2, ?3, ?4)",
	[Q_ADD_GROUP] =
		"INSERT INTO statement_groups (statement, kind, position, value) VALUES (?1, ?2, ?3, ?4)",
	[Q_ADD_REF] =
		"INSERT INTO statement_refs (statement, kind, position, value, target, relation) "
		"VALUES (?1, ?2, ?3, ?4, (SELECT id FROM statements WHERE ls_id = ?5), ?6)",
	[Q_ADD_ATTACHMENT] =
		"INSERT INTO attachments (statement, position, filename, content_type, size, sha256, text) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_ADD_ROUTE] =
		"INSERT INTO routes (statement, position, address, role, status) "
		"VALUES (?1, ?2, ?3, ?4, ifnull(?5, 'queued'))",
	[Q_ADD_EVENT] = "INSERT INTO events (statement, at, type, detail) VALUES (?1, ?2, ?3, ?4)",
	[Q_ROW_BY_LS_ID] = "SELECT id FROM statements WHERE ls_id = ?1",
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
	[Q_GET_ATTACHMENTS] =
		"SELECT filename, content_type, size, sha256, text FROM attachments "
		"WHERE statement = ?1 ORDER BY position, id",
	/* The statement's routes: where it was forwarded (and re-routed).
	 * The recipients of a reminder or of a follow-up's forward are not
	 * routes of the statement (its events and `queue list` show them). */
	[Q_GET_ROUTES] =
		"SELECT address, role, status FROM routes r WHERE statement = ?1 "
		"AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = r.outbox "
		"AND o.kind IN ('reminder', 'follow-up')) "
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
		" SELECT o.message_id, o.sender, o.created, 'forward', o.created, 1, o.id, "
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
	[Q_MANY_ATTACHMENTS] =
		"SELECT statement, filename, content_type, size, sha256, text FROM attachments "
		"WHERE statement BETWEEN ?1 AND ?2 ORDER BY statement, position, id",
	/* Unlike Q_GET_ROUTES's look-up per route, a list of every
	 * reminder and follow-up, made once: cheaper for many statements. */
	[Q_MANY_ROUTES] =
		"SELECT statement, address, role, status FROM routes r "
		"WHERE statement BETWEEN ?1 AND ?2 "
		"AND (r.outbox IS NULL OR r.outbox NOT IN "
		"(SELECT id FROM outbox WHERE kind IN ('reminder', 'follow-up'))) "
		"ORDER BY statement, position, id",
	[Q_COUNT] =
		"SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM statements), "
		"(SELECT count(*) FROM statements WHERE state = 'held') + "
		"(SELECT count(*) FROM messages m WHERE m.hold_reason IS NOT NULL "
		" AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.message = m.id))",
	[Q_INTEGRITY] = "PRAGMA integrity_check",
	[Q_FOREIGN_KEYS] = "PRAGMA foreign_key_check",
	/* The search index's row of the statement ?1, from its recorded
	 * parts (the same text as schema step 6 indexes). */
	[Q_FTS_ADD] =
		"INSERT INTO statements_fts (rowid, title, body, contacts, attachments, attachment_text) "
		"SELECT s.id, s.title, s.body, "
		" (SELECT group_concat (v, ' ') FROM ("
		"  SELECT s.from_org AS v UNION ALL SELECT s.from_org_text "
		"  UNION ALL SELECT s.from_contact "
		"  UNION ALL SELECT c.value FROM statement_contacts c WHERE c.statement = s.id "
		"  UNION ALL SELECT g.value FROM statement_groups g WHERE g.statement = s.id)), "
		" (SELECT group_concat (v, ' ') FROM ("
		"  SELECT a.filename AS v FROM attachments a WHERE a.statement = s.id "
		"  UNION ALL SELECT r.value FROM statement_refs r "
		"  WHERE r.statement = s.id AND r.kind = 'attachment-title')), "
		" (SELECT group_concat (a.text, ' ') FROM attachments a WHERE a.statement = s.id) "
		"FROM statements s WHERE s.id = ?1",
	[Q_FTS_DELETE] = "DELETE FROM statements_fts WHERE rowid = ?1",
	/* bm25 weighs a match in the title ten times one in the body; the
	 * contacts and file names count four times, the attachments' text
	 * half. Lower ranks are better. ?2, ?3: the snippet's markers. */
	[Q_SEARCH] =
		"SELECT " STATEMENT_COLUMNS ", bm25 (statements_fts, 10.0, 1.0, 4.0, 4.0, 0.5) AS score, "
		"snippet (statements_fts, -1, ?2, ?3, '...', 12) "
		"FROM statements_fts JOIN statements s ON s.id = statements_fts.rowid "
		"JOIN messages m ON m.id = s.message "
		"WHERE statements_fts MATCH ?1 "
		"ORDER BY score, s.received DESC, s.id DESC LIMIT ?4",
	/* reinject --resend: the outgoing mail the message (?1, ?2: its
	 * Message-ID, NULL for none, and content hash) caused, except what
	 * another process is handing over right now. */
	[Q_REQUEUE_ROWS] =
		"SELECT o.id FROM outbox o JOIN messages m ON m.id = o.message "
		"WHERE m.message_id IS ?1 AND m.dedupe_hash = ?2 AND o.state <> 'sending' ORDER BY o.id",
	[Q_REQUEUE_OUTBOX] =
		"UPDATE outbox SET state = 'queued', next_attempt = ?2, claim = NULL, last_error = NULL, "
		"sent = NULL WHERE id = ?1 AND state <> 'sending'",
	/* Its routes go out again, those that went out or failed; an address
	 * that had the original directly has none to requeue. */
	[Q_REQUEUE_ROUTES] =
		"UPDATE routes SET status = 'queued', detail = NULL, updated = ?2 "
		"WHERE outbox = ?1 AND status IN ('sent', 'failed')",
	[Q_ADD_OUTBOX] =
		"INSERT INTO outbox (statement, message, kind, message_id, sender, sha256, size, "
		"created, next_attempt) "
		"VALUES ((SELECT id FROM statements WHERE ls_id = ?1), nullif (?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
	[Q_ADD_ROUTE_OUTBOX] =
		"INSERT INTO routes (statement, position, address, role, status, outbox, updated) "
		"VALUES ((SELECT id FROM statements WHERE ls_id = ?1), ?2, ?3, ?4, ?5, nullif (?6, 0), ?7)",
	/* ?1: every row, not only those still to be handed over. */
	[Q_OUTBOX_LIST] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox o LEFT JOIN statements s ON s.id = o.statement "
		"WHERE ?1 OR o.state IN ('queued', 'sending') ORDER BY o.id",
	[Q_OUTBOX_GET] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox o LEFT JOIN statements s ON s.id = o.statement "
		"WHERE o.id = ?1",
	[Q_OUTBOX_BY_MESSAGE_ID] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox o LEFT JOIN statements s ON s.id = o.statement "
		"WHERE o.message_id = ?1",
	[Q_OUTBOX_RECIPIENTS] =
		"SELECT address FROM routes WHERE outbox = ?1 AND status = 'queued' ORDER BY position, id",
	[Q_OUTBOX_ROUTES] =
		"SELECT address, status FROM routes WHERE outbox = ?1 ORDER BY position, id",
	/* No DISTINCT: the caller's hash table drops the repeats, and a
	 * DISTINCT sorted 100,000 names through a temporary file. */
	[Q_OUTBOX_FILES] = "SELECT sha256 FROM outbox",
	/* Queued rows whose time has come (?2: whatever their time), and
	 * with ?3 the claims older than ?4: interrupted hand-overs. The
	 * state term lets it read the outbox_pending index, not every row
	 * ever sent; "+id" keeps the rowid order from winning over it. */
	[Q_OUTBOX_DUE] =
		"SELECT id FROM outbox "
		"WHERE state IN ('queued', 'sending') "
		"AND ((state = 'queued' AND (?2 OR next_attempt <= ?1)) "
		"OR (?3 AND state = 'sending' AND claimed_at < ?4)) "
		"ORDER BY +id",
	/* The claim: one UPDATE that only one process can win. */
	[Q_OUTBOX_CLAIM] =
		"UPDATE outbox SET state = 'sending', claim = ?2, claimed_at = ?3, claimed_pid = ?4, "
		"attempts = attempts + 1 "
		"WHERE id = ?1 AND (state = 'queued' OR (?5 AND state = 'sending' AND claimed_at < ?6))",
	[Q_OUTBOX_SENT] =
		"UPDATE outbox SET state = 'sent', sent = ?3, claim = NULL, last_error = NULL "
		"WHERE id = ?1 AND claim = ?2 AND state = 'sending'",
	[Q_OUTBOX_DEFER] =
		"UPDATE outbox SET state = 'queued', claim = NULL, next_attempt = ?3, last_error = ?4 "
		"WHERE id = ?1 AND claim = ?2 AND state = 'sending'",
	[Q_OUTBOX_FAIL] =
		"UPDATE outbox SET state = 'failed', claim = NULL, last_error = ?3 "
		"WHERE id = ?1 AND claim = ?2 AND state = 'sending'",
	[Q_ROUTES_REFUSED] =
		"UPDATE routes SET status = 'failed', detail = ?3, updated = ?4 "
		"WHERE outbox = ?1 AND status = 'queued' AND lower (address) = lower (?2)",
	[Q_ROUTES_SET] =
		"UPDATE routes SET status = ?2, detail = ?3, updated = ?4 "
		"WHERE outbox = ?1 AND status = 'queued'",
	[Q_ROUTE_BOUNCED] =
		"UPDATE routes SET status = 'failed', detail = ?3, updated = ?4 "
		"WHERE outbox = ?1 AND lower (address) = lower (?2) AND status IN ('queued', 'sent')",
	[Q_ADD_MESSAGE_REF] =
		"INSERT OR IGNORE INTO message_refs (message, position, target) VALUES (?1, ?2, ?3)",
	/* A message of a thread: one recorded and linked, or one we sent. */
	[Q_THREAD_BY_MESSAGE_ID] =
		"SELECT s.ls_id FROM messages m JOIN statements s ON s.id = m.statement "
		"WHERE m.message_id = ?1 "
		"UNION ALL "
		"SELECT s.ls_id FROM outbox o JOIN statements s ON s.id = o.statement "
		"WHERE o.message_id = ?1 "
		"LIMIT 1",
	[Q_THREAD_BY_LS_ID] = "SELECT ls_id FROM statements WHERE ls_id = ?1",
	/* The Datatracker writes its pages with and without the final '/'.
	 * Both use their index of migration 7: the expressions must stay
	 * the indexes' own. */
	[Q_THREAD_BY_URL] =
		"SELECT ls_id FROM statements WHERE url IS NOT NULL "
		"AND lower (rtrim (replace (url, 'http://', 'https://'), '/')) = lower (rtrim (?1, '/')) "
		"ORDER BY received DESC, id DESC LIMIT 1",
	[Q_THREAD_BY_TITLE] =
		"SELECT ls_id FROM statements WHERE title = ?1 COLLATE NOCASE "
		"ORDER BY received DESC, id DESC LIMIT 1",
	/* ?2: the new state or NULL; ?3: action_taken, or -1 to keep it. A
	 * statement that is open or replied is no longer held for a reason (a
	 * closed one keeps it, for reopen). */
	[Q_SET_STATE] =
		"UPDATE statements SET state = coalesce (?2, state), "
		"action_taken = CASE WHEN ?3 < 0 THEN action_taken ELSE ?3 END, "
		"hold_reason = CASE WHEN coalesce (?2, state) IN ('open', 'replied') THEN NULL ELSE hold_reason END "
		"WHERE ls_id = ?1",
	/* Messages that named ?1 before it was recorded and joined no
	 * thread: replies and auto-replies that came before their parent. */
	[Q_ORPHANS] =
		"SELECT DISTINCT m.id, m.kind, m.from_header, m.message_id, m.raw_sha256 FROM message_refs r "
		"JOIN messages m ON m.id = r.message "
		"WHERE r.target = ?1 AND m.statement IS NULL AND m.conflict = 0 "
		"AND m.kind IN ('other', 'reply', 'auto-reply') ORDER BY m.id LIMIT 100",
	/* A message held as 'other' for want of a thread is held no more;
	 * its kind becomes what it is in the thread (?4). */
	[Q_ADOPT] =
		"UPDATE messages SET statement = (SELECT id FROM statements WHERE ls_id = ?2), role = ?3, "
		"hold_reason = CASE WHEN kind = 'other' THEN NULL ELSE hold_reason END, "
		"kind = ?4 "
		"WHERE id = ?1 AND statement IS NULL",
	[Q_SET_GROUPS_CLEAR] =
		"DELETE FROM statement_groups WHERE kind = 'group' "
		"AND statement = (SELECT id FROM statements WHERE ls_id = ?1)",
	[Q_STATEMENT_MESSAGE] =
		"SELECT m.id, m.raw_sha256 FROM statements s JOIN messages m ON m.id = s.message "
		"WHERE s.ls_id = ?1",
	[Q_ROUTE_COUNT] =
		"SELECT count(*) FROM routes WHERE statement = (SELECT id FROM statements WHERE ls_id = ?1)",
};

struct Store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *queries[N_QUERIES];
	gboolean batch;          /* inside store_batch_begin(): store_begin()
	                          * and friends use a savepoint */
};

/* A cached statement, reset and unbound when it goes out of scope, so that
 * no early return leaves one running (and holding a read snapshot). */
typedef sqlite3_stmt *StoreQuery;

static void
query_release (sqlite3_stmt *st)
{
	sqlite3_reset (st);
	sqlite3_clear_bindings (st);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (StoreQuery, query_release, NULL)

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
 * it has one. Always returns FALSE, for "return sql_error (...)". */
static gboolean
sql_error (Store *store, int rc, GError **error)
{
	const char *text = sqlite3_errstr (rc);

	if (store != NULL && store->db != NULL && sqlite3_errcode (store->db) == rc)
		text = sqlite3_errmsg (store->db);
	g_set_error (error, LIAISON_ERROR, error_code (rc), "%s", text);
	return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Helpers */

static StoreQuery
query (Store *store, QueryId id, GError **error)
{
	if (store->queries[id] == NULL) {
		int rc = sqlite3_prepare_v3 (store->db, query_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
		                             &store->queries[id], NULL);
		if (rc != SQLITE_OK) {
			sql_error (store, rc, error);
			return NULL;
		}
	}
	return store->queries[id];
}

/* Binds parameters one after another, remembering the first failure so
 * that the caller checks once. */
typedef struct {
	sqlite3_stmt *st;
	int rc;
} Binder;

static void
bind_text (Binder *b, int index, const char *value)
{
	if (b->rc != SQLITE_OK)
		return;
	if (value == NULL)
		b->rc = sqlite3_bind_null (b->st, index);
	else
		b->rc = sqlite3_bind_text (b->st, index, value, -1, SQLITE_TRANSIENT);
}

static void
bind_int64 (Binder *b, int index, gint64 value)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_int64 (b->st, index, value);
}

/* Steps @st: 1 for a row, 0 when done, -1 with @error set. */
static int
step (Store *store, sqlite3_stmt *st, GError **error)
{
	int rc = sqlite3_step (st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sql_error (store, rc, error);
	return -1;
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
static gboolean
run (Store *store, sqlite3_stmt *st, GError **error)
{
	int r;

	while ((r = step (store, st, error)) > 0)
		;
	return r == 0;
}

static char *
column_dup (sqlite3_stmt *st, int column)
{
	const unsigned char *text = sqlite3_column_text (st, column);

	return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static char *
now_iso8601 (void)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

	return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
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
read_user_version (Store *store, int *version, GError **error)
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

static gboolean
exec (Store *store, const char *sql, GError **error)
{
	int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK || sql_error (store, rc, error);
}

static Store *
open_db (const char *path, int flags, guint busy_timeout_ms, GError **error)
{
	g_autoptr (Store) store = g_new0 (Store, 1);
	int rc;

	store->path = g_strdup (path);
	/* A Store is used by one thread at a time: without the connection's
	 * mutex, every sqlite3_step() and sqlite3_column_*() call saves a
	 * lock and an unlock (half a million of each for list --json). */
	rc = sqlite3_open_v2 (path, &store->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sql_error (store, rc, error);
		g_prefix_error (error, "cannot open the database %s: ", path);
		return NULL;
	}
	sqlite3_extended_result_codes (store->db, 1);
	sqlite3_busy_timeout (store->db, (int) MIN (busy_timeout_ms, (guint) G_MAXINT));
	rc = sqlite3_create_function (store->db, "liaison_name_key", 1,
	                              SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                              NULL, sql_name_key, NULL, NULL);
	if (rc != SQLITE_OK) {
		sql_error (store, rc, error);
		g_prefix_error (error, "cannot open the database %s: ", path);
		return NULL;
	}
	if (!exec (store, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", error)) {
		g_prefix_error (error, "cannot set up the database %s: ", path);
		return NULL;
	}
	return g_steal_pointer (&store);
}

/* Applies the migration steps the database has not seen yet. */
static gboolean
migrate (Store *store, GError **error)
{
	int version;

	if (!read_user_version (store, &version, error))
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
		if (!read_user_version (store, &version, error))
			goto fail;
		if (version >= m->version) {
			if (!store_commit (store, error))
				goto fail;
			continue;
		}
		if (!exec (store, m->sql, error))
			goto fail;
		if (!read_user_version (store, &version, error))
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

Store *
store_open (const char *path, guint busy_timeout_ms, GError **error)
{
	g_autoptr (Store) store = NULL;
	g_autofree char *mode = NULL;
	gint64 deadline;
	int rc;

	g_return_val_if_fail (path != NULL, NULL);

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
		sql_error (store, rc, error);
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
	for (;;) {
		g_autoptr (GError) local = NULL;

		if (migrate (store, &local))
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
	if (!read_user_version (store, &version, error)) {
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
store_close (Store *store)
{
	if (store == NULL)
		return;
	for (int i = 0; i < N_QUERIES; i++)
		sqlite3_finalize (store->queries[i]);
	/* Closing inside a transaction rolls it back. */
	sqlite3_close (store->db);
	g_free (store->path);
	g_free (store);
}

/* ---------------------------------------------------------------------- */
/* Transactions */

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
		return run_query (store, Q_SAVEPOINT, error);
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

	if (store->batch)
		return run_query (store, Q_RELEASE, error);
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
		return;
	}
	(void) run_query (store, Q_ROLLBACK, NULL);
}

gboolean
store_batch_begin (Store *store, GError **error)
{
	g_return_val_if_fail (store != NULL && !store->batch, FALSE);

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
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO,
		             "%s: the batch's transaction was rolled back", store->path);
		return FALSE;
	}
	return store_commit (store, error);
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
	store_rollback (store);
}

/* ---------------------------------------------------------------------- */
/* Messages */

static int
exists (Store *store, QueryId id, const char *a, const char *b, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return -1;
	bind_text (&bind, 1, a);
	if (b != NULL)
		bind_text (&bind, 2, b);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		return -1;
	}
	return step (store, st, error);
}

gboolean
store_message_seen (Store *store, const char *message_id, const char *dedupe_hash,
                    StoreSeen *seen, GError **error)
{
	int r;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (dedupe_hash != NULL, FALSE);
	g_return_val_if_fail (seen != NULL, FALSE);

	if (message_id == NULL || *message_id == '\0') {
		/* Without a Message-ID the content alone identifies a message. */
		r = exists (store, Q_SEEN_HASH, dedupe_hash, NULL, error);
		if (r < 0)
			goto fail;
		*seen = r > 0 ? STORE_SEEN_DUPLICATE : STORE_SEEN_NEW;
		return TRUE;
	}
	r = exists (store, Q_SEEN_EXACT, message_id, dedupe_hash, error);
	if (r < 0)
		goto fail;
	if (r > 0) {
		*seen = STORE_SEEN_DUPLICATE;
		return TRUE;
	}
	r = exists (store, Q_SEEN_ID, message_id, NULL, error);
	if (r < 0)
		goto fail;
	*seen = r > 0 ? STORE_SEEN_CONFLICT : STORE_SEEN_NEW;
	return TRUE;

fail:
	g_prefix_error (error, "cannot look up message <%s>: ", message_id ? message_id : "");
	return FALSE;
}

gint64
store_add_message (Store *store, const StoreMessage *message, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, 0);
	g_return_val_if_fail (message != NULL, 0);
	g_return_val_if_fail (message->dedupe_hash != NULL, 0);
	g_return_val_if_fail (message->raw_sha256 != NULL, 0);
	g_return_val_if_fail (message->received != NULL, 0);
	g_return_val_if_fail (message->kind != NULL, 0);

	st = query (store, Q_ADD_MESSAGE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, message->message_id && *message->message_id ? message->message_id : NULL);
	bind_text (&bind, 2, message->dedupe_hash);
	bind_text (&bind, 3, message->raw_sha256);
	bind_int64 (&bind, 4, message->size);
	bind_text (&bind, 5, message->received);
	bind_text (&bind, 6, message->sender);
	bind_text (&bind, 7, message->recipient);
	bind_text (&bind, 8, message->extension);
	bind_text (&bind, 9, message->from);
	bind_text (&bind, 10, message->subject);
	bind_text (&bind, 11, message->date);
	bind_text (&bind, 12, message->kind);
	bind_text (&bind, 13, message->hold_reason);
	bind_int64 (&bind, 14, message->conflict ? 1 : 0);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	return sqlite3_last_insert_rowid (store->db);

fail:
	g_prefix_error (error, "cannot record message <%s>: ",
	                message->message_id ? message->message_id : "");
	return 0;
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
			return sql_error (store, bind.rc, error);
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
		return sql_error (store, bind.rc, error);
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
			return sql_error (store, bind.rc, error);
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
		const Route *r = g_ptr_array_index (routes, i);
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
			return sql_error (store, bind.rc, error);
		if (!run (store, st, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
add_event_row (Store *store, gint64 row, const char *at, const char *type, const char *detail,
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
		return sql_error (store, bind.rc, error);
	return run (store, st, error);
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
		sql_error (store, sqlite3_errcode (store->db), error);
		return -1;
	}
	r = step (store, st, error);
	if (r > 0)
		*out = column_dup (st, 0);
	return r;
}

static int
lookup_row (Store *store, QueryId id, const char *key, gint64 *row, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };
	int r;

	if (st == NULL)
		return -1;
	bind_text (&bind, 1, key);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		return -1;
	}
	r = step (store, st, error);
	if (r > 0)
		*row = sqlite3_column_int64 (st, 0);
	return r;
}

/* The year of an ISO 8601 time: its first four characters, all digits. */
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

static gboolean
add_statement (Store *store, Statement *statement, gint64 message_row, const char *id_prefix,
               char **out_id, char **out_received, GError **error)
{
	g_autofree char *received = NULL;
	g_autofree char *id = NULL;
	g_auto (StoreQuery) st = NULL;
	const char *state = state_to_string (statement->state);
	gboolean held = statement->state == STATE_HELD || statement->hold_reason != NULL;
	Binder bind;
	gint64 seq, row;
	int year, r;

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
	if (!parse_year (received, &year)) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "the time received \"%s\" has no year", received);
		return FALSE;
	}

	/* The next number of the year. The caller's BEGIN IMMEDIATE holds the
	 * write lock, so no other writer can take the same one. */
	st = query (store, Q_NEXT_SEQ, error);
	if (st == NULL)
		return FALSE;
	if (sqlite3_bind_int64 (st, 1, year) != SQLITE_OK)
		return sql_error (store, sqlite3_errcode (store->db), error);
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	seq = r > 0 ? sqlite3_column_int64 (st, 0) : 1;
	query_release (st);
	id = g_strdup_printf ("%s-%04d-%04" G_GINT64_FORMAT, id_prefix, year, seq);

	st = query (store, Q_ADD_STATEMENT, error);
	if (st == NULL)
		return FALSE;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, id);
	bind_int64 (&bind, 2, year);
	bind_int64 (&bind, 3, seq);
	bind_int64 (&bind, 4, message_row);
	bind_text (&bind, 5, state);
	bind_text (&bind, 6, statement->hold_reason);
	bind_int64 (&bind, 7, statement->action_taken ? 1 : 0);
	bind_text (&bind, 8, statement->layout != LAYOUT_NONE ? layout_to_string (statement->layout) : NULL);
	bind_text (&bind, 9, statement->title);
	bind_text (&bind, 10, statement->purpose != PURPOSE_NONE ? purpose_to_string (statement->purpose) : NULL);
	bind_text (&bind, 11, statement->submitted);
	bind_text (&bind, 12, statement->deadline);
	bind_text (&bind, 13, received);
	bind_text (&bind, 14, statement->url);
	bind_text (&bind, 15, statement->from_org);
	bind_text (&bind, 16, statement->from_org_text);
	bind_text (&bind, 17, statement->from_contact);
	bind_text (&bind, 18, statement->body);
	if (bind.rc != SQLITE_OK)
		return sql_error (store, bind.rc, error);
	if (!run (store, st, error))
		return FALSE;
	row = sqlite3_last_insert_rowid (store->db);
	query_release (st);

	st = query (store, Q_LINK_MESSAGE, error);
	if (st == NULL)
		return FALSE;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, message_row);
	bind_int64 (&bind, 2, row);
	bind_text (&bind, 3, "statement");
	if (bind.rc != SQLITE_OK)
		return sql_error (store, bind.rc, error);
	if (!run (store, st, error))
		return FALSE;

	if (!add_strings (store, Q_ADD_CONTACT, row, "to", statement->to_contacts, error) ||
	    !add_strings (store, Q_ADD_CONTACT, row, "cc", statement->cc, error) ||
	    !add_strings (store, Q_ADD_CONTACT, row, "response", statement->response_contacts, error) ||
	    !add_strings (store, Q_ADD_CONTACT, row, "technical", statement->technical_contacts, error) ||
	    !add_strings (store, Q_ADD_GROUP, row, "group", statement->groups, error) ||
	    !add_strings (store, Q_ADD_GROUP, row, "text", statement->to_texts, error) ||
	    !add_refs (store, row, "reference", statement->references, error) ||
	    !add_refs (store, row, "other", statement->other_identifiers, error) ||
	    !add_refs (store, row, "attachment-title", statement->attachment_titles, error))
		return FALSE;
	if (statement->related != NULL) {
		for (guint i = 0; i < statement->related->len; i++) {
			const Related *rel = g_ptr_array_index (statement->related, i);
			if (rel->id != NULL &&
			    !add_ref (store, row, "related", i, rel->id, rel->id,
			              rel->relation != NULL ? rel->relation : "responds-to", error))
				return FALSE;
		}
	}
	if (!add_attachments (store, row, statement->attachments, error) ||
	    !add_routes (store, row, statement->routes, error))
		return FALSE;
	/* Its row of the search index, now that its parts are recorded. */
	query_release (st);
	st = query (store, Q_FTS_ADD, error);
	if (st == NULL)
		return FALSE;
	if (sqlite3_bind_int64 (st, 1, row) != SQLITE_OK)
		return sql_error (store, sqlite3_errcode (store->db), error);
	if (!run (store, st, error))
		return FALSE;
	if (!add_event_row (store, row, received, held ? "held" : "received",
	                    held ? statement->hold_reason : NULL, error))
		return FALSE;

	*out_id = g_steal_pointer (&id);
	*out_received = g_steal_pointer (&received);
	return TRUE;
}

gboolean
store_add_statement (Store *store, Statement *statement, gint64 message_row,
                     const char *id_prefix, GError **error)
{
	char *id = NULL, *received = NULL;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement != NULL, FALSE);
	g_return_val_if_fail (message_row > 0, FALSE);
	g_return_val_if_fail (id_prefix != NULL && *id_prefix != '\0', FALSE);
	/* The id allocation is only safe under the caller's write lock. */
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	if (!add_statement (store, statement, message_row, id_prefix, &id, &received, error)) {
		g_prefix_error (error, "cannot record the statement \"%s\": ",
		                statement->title != NULL ? statement->title : "");
		return FALSE;
	}
	g_free (statement->id);
	statement->id = id;
	g_free (statement->received);
	statement->received = received;
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

	r = lookup_row (store, Q_ROW_BY_LS_ID, statement_id, &row, error);
	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
	if (r <= 0 || !add_event_row (store, row, at, type, detail, error)) {
		g_prefix_error (error, "cannot record the event %s: ", type);
		return FALSE;
	}
	return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Statements: reading */

static Statement *
statement_from_row (sqlite3_stmt *st, gboolean with_body, gint64 *row)
{
	Statement *s = statement_new ();
	g_autofree char *state = column_dup (st, COL_STATE);
	g_autofree char *layout = column_dup (st, COL_LAYOUT);
	g_autofree char *purpose = column_dup (st, COL_PURPOSE);

	*row = sqlite3_column_int64 (st, COL_ROW);
	s->id = column_dup (st, COL_LS_ID);
	s->state = state_from_string (state);
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
	s->message_id = column_dup (st, COL_MESSAGE_ID);
	if (with_body)
		s->body = column_dup (st, COL_BODY);
	return s;
}

/* Prepares @id with the statement row bound as ?1. */
static StoreQuery
query_for_row (Store *store, QueryId id, gint64 row, GError **error)
{
	sqlite3_stmt *st = query (store, id, error);
	int rc;

	if (st == NULL)
		return NULL;
	rc = sqlite3_bind_int64 (st, 1, row);
	if (rc != SQLITE_OK) {
		sql_error (store, rc, error);
		return NULL;
	}
	return st;
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

static gboolean
fill_contacts (Store *store, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_GET_CONTACTS, row, error);
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0)
		contact_from_row (s, st, 0);
	return r == 0;
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
fill_groups (Store *store, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_GET_GROUPS, row, error);
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0)
		group_from_row (s, st, 0);
	return r == 0;
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

static gboolean
fill_refs (Store *store, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_GET_REFS, row, error);
	g_auto (StoreQuery) inv = NULL;
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0)
		ref_from_row (s, st, 0);
	if (r < 0)
		return FALSE;

	/* Statements that name this one. */
	inv = query_for_row (store, Q_GET_INVERSE, row, error);
	if (inv == NULL)
		return FALSE;
	while ((r = step (store, inv, error)) > 0)
		inverse_from_row (s, inv, 0);
	return r == 0;
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

static gboolean
fill_attachments (Store *store, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_GET_ATTACHMENTS, row, error);
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0)
		attachment_from_row (s, st, 0);
	return r == 0;
}

static void
route_from_row (Statement *s, sqlite3_stmt *st, int c)
{
	Route *route = g_new0 (Route, 1);

	route->address = column_dup (st, c);
	route->role = column_dup (st, c + 1);
	route->status = column_dup (st, c + 2);
	g_ptr_array_add (s->routes, route);
}

static gboolean
fill_routes (Store *store, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_GET_ROUTES, row, error);
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0)
		route_from_row (s, st, 0);
	return r == 0;
}

static gboolean
fill_events (Store *store, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_GET_EVENTS, row, error);
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0) {
		Event *e = g_new0 (Event, 1);
		e->at = column_dup (st, 0);
		e->type = column_dup (st, 1);
		e->detail = column_dup (st, 2);
		g_ptr_array_add (s->events, e);
	}
	return r == 0;
}

static gboolean
fill_thread (Store *store, Statement *s, gint64 row, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_GET_THREAD, row, error);
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0) {
		ThreadEntry *t = g_new0 (ThreadEntry, 1);
		t->message_id = column_dup (st, 0);
		t->from = column_dup (st, 1);
		t->date = column_dup (st, 2);
		t->role = column_dup (st, 3);
		t->parent = column_dup (st, 4);
		g_ptr_array_add (s->thread, t);
	}
	return r == 0;
}

/* Everything list shows: the arrays of the statement, its attachments and
 * its routes. */
static gboolean
fill_common (Store *store, Statement *s, gint64 row, GError **error)
{
	return fill_contacts (store, s, row, error) &&
	       fill_groups (store, s, row, error) &&
	       fill_refs (store, s, row, error) &&
	       fill_attachments (store, s, row, error) &&
	       fill_routes (store, s, row, error);
}

/* Below this many statements, fill_common_many() asks for each one: a
 * few statements spread over the register would have it read most of
 * every table. */
#define FILL_MANY_MIN 32

/* fill_common() for many statements: one query per table over the range
 * of their rows instead of six queries per statement, each row handed to
 * its statement through a table from row to Statement (rows in the range
 * that belong to no statement of @list are skipped). @list and @rows are
 * parallel. With @brief, only the groups. */
static gboolean
fill_common_many (Store *store, GPtrArray *list, GArray *rows, gboolean brief, GError **error)
{
	static const struct {
		QueryId id;
		void (*read) (Statement *s, sqlite3_stmt *st, int c);
	} tables[] = {
		{ Q_MANY_CONTACTS, contact_from_row },
		{ Q_MANY_GROUPS, group_from_row },
		{ Q_MANY_REFS, ref_from_row },
		/* After the statement's own references, as in fill_refs(). */
		{ Q_MANY_INVERSE, inverse_from_row },
		{ Q_MANY_ATTACHMENTS, attachment_from_row },
		{ Q_MANY_ROUTES, route_from_row },
	};
	g_autoptr (GHashTable) by_row = NULL;
	gint64 first = G_MAXINT64, last = G_MININT64;

	g_assert (list->len == rows->len);
	if (list->len < FILL_MANY_MIN) {
		for (guint i = 0; i < list->len; i++) {
			Statement *s = g_ptr_array_index (list, i);
			gint64 row = g_array_index (rows, gint64, i);

			if (!(brief ? fill_groups (store, s, row, error)
			            : fill_common (store, s, row, error)))
				return FALSE;
		}
		return TRUE;
	}

	by_row = g_hash_table_new (g_int64_hash, g_int64_equal);
	for (guint i = 0; i < rows->len; i++) {
		gint64 *row = &g_array_index (rows, gint64, i);

		g_hash_table_insert (by_row, row, g_ptr_array_index (list, i));
		first = MIN (first, *row);
		last = MAX (last, *row);
	}

	for (gsize t = 0; t < G_N_ELEMENTS (tables); t++) {
		g_auto (StoreQuery) st = NULL;
		Binder bind;
		Statement *s = NULL;
		gint64 current = 0;
		int r;

		if (brief && tables[t].id != Q_MANY_GROUPS)
			continue;
		st = query (store, tables[t].id, error);
		if (st == NULL)
			return FALSE;
		bind = (Binder) { st, SQLITE_OK };
		bind_int64 (&bind, 1, first);
		bind_int64 (&bind, 2, last);
		if (bind.rc != SQLITE_OK)
			return sql_error (store, bind.rc, error);
		while ((r = step (store, st, error)) > 0) {
			gint64 row = sqlite3_column_int64 (st, 0);

			/* A statement's rows come together: one look-up each. */
			if (s == NULL || row != current) {
				s = g_hash_table_lookup (by_row, &row);
				current = row;
			}
			if (s != NULL)
				tables[t].read (s, st, 1);
		}
		if (r < 0)
			return FALSE;
	}
	return TRUE;
}

GPtrArray *
store_list_statements (Store *store, const StoreFilter *filter, GError **error)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_auto (StoreQuery) st = NULL;
	g_autofree char *org_key = NULL;
	g_autofree char *group_key = NULL;
	g_autofree char *today = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);

	st = query (store, Q_LIST, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	if (filter != NULL) {
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
			return g_steal_pointer (&list);
		bind_text (&bind, 1, filter->state);
		bind_text (&bind, 2, filter->purpose);
		bind_text (&bind, 3, org_key);
		bind_text (&bind, 4, group_key);
		bind_text (&bind, 5, today);
	}
	bind_int64 (&bind, 6, filter != NULL && filter->limit > 0 ? (gint64) filter->limit : -1);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	while ((r = step (store, st, error)) > 0) {
		gint64 row;

		g_ptr_array_add (list, statement_from_row (st, FALSE, &row));
		g_array_append_val (rows, row);
	}
	if (r < 0)
		goto fail;
	query_release (st);
	if (!fill_common_many (store, list, rows, filter != NULL && filter->brief, error))
		goto fail;
	return g_steal_pointer (&list);

fail:
	g_prefix_error (error, "cannot list statements: ");
	return NULL;
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

GPtrArray *
store_search_statements (Store *store, const char *match, const char *mark_start,
                         const char *mark_end, guint limit, gboolean full, GError **error)
{
	g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) store_hit_free);
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (match != NULL, NULL);

	st = query (store, Q_SEARCH, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, match);
	bind_text (&bind, 2, mark_start != NULL ? mark_start : "");
	bind_text (&bind, 3, mark_end != NULL ? mark_end : "");
	bind_int64 (&bind, 4, limit > 0 ? (gint64) limit : -1);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	while ((r = step (store, st, error)) > 0) {
		StoreHit *hit = g_new0 (StoreHit, 1);
		gint64 row;

		hit->statement = statement_from_row (st, FALSE, &row);
		hit->score = -sqlite3_column_double (st, COL_BODY);
		hit->snippet = column_dup (st, COL_BODY + 1);
		g_ptr_array_add (hits, hit);
		if (full && !fill_common (store, hit->statement, row, error))
			goto fail;
	}
	if (r < 0)
		goto fail;
	return g_steal_pointer (&hits);

fail:
	g_prefix_error (error, "cannot search: ");
	return NULL;
}

/* Collects the ids of the outbox rows @id returns for (?1, ?2). */
static gboolean
requeue_rows (Store *store, const char *message_id, const char *dedupe_hash, GArray *ids,
              GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_REQUEUE_ROWS, error);
	Binder bind = { st, SQLITE_OK };
	int r;

	if (st == NULL)
		return FALSE;
	bind_text (&bind, 1, message_id);
	bind_text (&bind, 2, dedupe_hash);
	if (bind.rc != SQLITE_OK)
		return sql_error (store, bind.rc, error);
	while ((r = step (store, st, error)) > 0) {
		gint64 id = sqlite3_column_int64 (st, 0);

		g_array_append_val (ids, id);
	}
	return r == 0;
}

static gboolean
requeue_one (Store *store, QueryId id, gint64 row, const char *now, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, row);
	bind_text (&bind, 2, now);
	if (bind.rc != SQLITE_OK)
		return sql_error (store, bind.rc, error);
	return run (store, st, error);
}

GArray *
store_requeue_message (Store *store, const char *message_id, const char *dedupe_hash,
                       const char *now, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (dedupe_hash != NULL && now != NULL, NULL);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), NULL);

	if (!requeue_rows (store, message_id, dedupe_hash, ids, error))
		goto fail;
	for (guint i = 0; i < ids->len; i++) {
		gint64 row = g_array_index (ids, gint64, i);

		if (!requeue_one (store, Q_REQUEUE_OUTBOX, row, now, error) ||
		    !requeue_one (store, Q_REQUEUE_ROUTES, row, now, error))
			goto fail;
	}
	return g_steal_pointer (&ids);

fail:
	g_prefix_error (error, "cannot queue the mail of %s again: ",
	                message_id != NULL ? message_id : "a message without Message-ID");
	return NULL;
}

/* Strips white space and one pair of angle brackets from a Message-ID. */
static char *
bare_message_id (const char *key)
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

	id = bare_message_id (key);
	r = lookup_row (store, Q_ROW_BY_LS_ID, id, &row, error);
	if (r == 0)
		r = lookup_row (store, Q_ROW_BY_MESSAGE_ID, id, &row, error);
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
	s = statement_from_row (st, TRUE, &row);
	query_release (st);
	if (!fill_common (store, s, row, error) ||
	    !fill_thread (store, s, row, error) ||
	    !fill_events (store, s, row, error))
		goto fail;
	return g_steal_pointer (&s);

fail:
	g_prefix_error (error, "cannot read statement %s: ", key);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Bookkeeping */

gboolean
store_count (Store *store, gint64 *messages, gint64 *statements, gint64 *held, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL, FALSE);

	st = query (store, Q_COUNT, error);
	if (st == NULL)
		goto fail;
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	if (messages != NULL)
		*messages = r > 0 ? sqlite3_column_int64 (st, 0) : 0;
	if (statements != NULL)
		*statements = r > 0 ? sqlite3_column_int64 (st, 1) : 0;
	if (held != NULL)
		*held = r > 0 ? sqlite3_column_int64 (st, 2) : 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot count messages: ");
	return FALSE;
}

gboolean
store_check (Store *store, GPtrArray *problems)
{
	g_autoptr (GError) error = NULL;
	guint before;
	int version = 0;
	int r;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (problems != NULL, FALSE);

	before = problems->len;
	if (!read_user_version (store, &version, &error)) {
		g_ptr_array_add (problems, g_strdup_printf ("database %s: %s", store->path, error->message));
		return FALSE;
	}
	if (version != store_schema_version ())
		g_ptr_array_add (problems, g_strdup_printf ("database %s: schema version %d, expected %d",
		                                            store->path, version, store_schema_version ()));

	{
		g_auto (StoreQuery) st = query (store, Q_INTEGRITY, &error);
		if (st != NULL) {
			while ((r = step (store, st, &error)) > 0) {
				const char *line = (const char *) sqlite3_column_text (st, 0);
				if (g_strcmp0 (line, "ok") != 0)
					g_ptr_array_add (problems, g_strdup_printf ("database %s: %s", store->path,
					                                            line != NULL ? line : "integrity check failed"));
			}
		}
		if (error != NULL) {
			g_ptr_array_add (problems, g_strdup_printf ("database %s: integrity check: %s",
			                                            store->path, error->message));
			g_clear_error (&error);
		}
	}
	{
		g_auto (StoreQuery) st = query (store, Q_FOREIGN_KEYS, &error);
		if (st != NULL) {
			while ((r = step (store, st, &error)) > 0)
				g_ptr_array_add (problems,
				                 g_strdup_printf ("database %s: row %" G_GINT64_FORMAT " of %s "
				                                  "refers to a missing row of %s", store->path,
				                                  (gint64) sqlite3_column_int64 (st, 1),
				                                  (const char *) sqlite3_column_text (st, 0),
				                                  (const char *) sqlite3_column_text (st, 2)));
		}
		if (error != NULL) {
			g_ptr_array_add (problems, g_strdup_printf ("database %s: foreign key check: %s",
			                                            store->path, error->message));
			g_clear_error (&error);
		}
	}
	return problems->len == before;
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
		sql_error (store, rc, error);
		g_prefix_error (error, "cannot copy %s to %s: ", store->path, path);
	}
	sqlite3_finalize (st);
	return rc == SQLITE_OK;
}

/* ---------------------------------------------------------------------- */
/* The outbox */

void
store_outbox_free (StoreOutbox *entry)
{
	if (entry == NULL)
		return;
	g_free (entry->statement_id);
	g_free (entry->kind);
	g_free (entry->message_id);
	g_free (entry->sender);
	g_free (entry->sha256);
	g_free (entry->state);
	g_free (entry->created);
	g_free (entry->next_attempt);
	g_free (entry->claim);
	g_free (entry->claimed_at);
	g_free (entry->sent);
	g_free (entry->last_error);
	g_clear_pointer (&entry->recipients, g_ptr_array_unref);
	g_free (entry);
}

static StoreOutbox *
outbox_from_row (sqlite3_stmt *st)
{
	StoreOutbox *e = g_new0 (StoreOutbox, 1);

	e->id = sqlite3_column_int64 (st, OCOL_ID);
	e->statement_id = column_dup (st, OCOL_LS_ID);
	e->statement_row = sqlite3_column_int64 (st, OCOL_STATEMENT);
	e->kind = column_dup (st, OCOL_KIND);
	e->message_id = column_dup (st, OCOL_MESSAGE_ID);
	e->sender = column_dup (st, OCOL_SENDER);
	e->sha256 = column_dup (st, OCOL_SHA256);
	e->size = sqlite3_column_int64 (st, OCOL_SIZE);
	e->state = column_dup (st, OCOL_STATE);
	e->attempts = sqlite3_column_int (st, OCOL_ATTEMPTS);
	e->created = column_dup (st, OCOL_CREATED);
	e->next_attempt = column_dup (st, OCOL_NEXT_ATTEMPT);
	e->claim = column_dup (st, OCOL_CLAIM);
	e->claimed_at = column_dup (st, OCOL_CLAIMED_AT);
	e->claimed_pid = sqlite3_column_int64 (st, OCOL_CLAIMED_PID);
	e->sent = column_dup (st, OCOL_SENT);
	e->last_error = column_dup (st, OCOL_LAST_ERROR);
	e->recipients = g_ptr_array_new_with_free_func (g_free);
	return e;
}

static gboolean
fill_outbox_recipients (Store *store, StoreOutbox *e, GError **error)
{
	g_auto (StoreQuery) st = query_for_row (store, Q_OUTBOX_RECIPIENTS, e->id, error);
	int r;

	if (st == NULL)
		return FALSE;
	while ((r = step (store, st, error)) > 0)
		g_ptr_array_add (e->recipients, column_dup (st, 0));
	return r == 0;
}

gint64
store_add_outbox (Store *store, const StoreOutgoing *out, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, 0);
	g_return_val_if_fail (out != NULL && out->statement_id != NULL, 0);
	g_return_val_if_fail (out->kind != NULL && out->message_id != NULL && out->sender != NULL, 0);
	g_return_val_if_fail (out->sha256 != NULL && out->created != NULL, 0);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), 0);

	st = query (store, Q_ADD_OUTBOX, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, out->statement_id);
	bind_int64 (&bind, 2, out->message_row);
	bind_text (&bind, 3, out->kind);
	bind_text (&bind, 4, out->message_id);
	bind_text (&bind, 5, out->sender);
	bind_text (&bind, 6, out->sha256);
	bind_int64 (&bind, 7, out->size);
	bind_text (&bind, 8, out->created);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	return sqlite3_last_insert_rowid (store->db);

fail:
	g_prefix_error (error, "cannot queue <%s>: ", out->message_id);
	return 0;
}

gboolean
store_add_route (Store *store, const char *statement_id, guint position, const char *address,
                 const char *role, const char *status, gint64 outbox, const char *at,
                 GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL && address != NULL && role != NULL, FALSE);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	st = query (store, Q_ADD_ROUTE_OUTBOX, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, statement_id);
	bind_int64 (&bind, 2, position);
	bind_text (&bind, 3, address);
	bind_text (&bind, 4, role);
	bind_text (&bind, 5, status != NULL ? status : "queued");
	bind_int64 (&bind, 6, outbox);
	bind_text (&bind, 7, at);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	if (run (store, st, error))
		return TRUE;

fail:
	g_prefix_error (error, "cannot record the route to %s: ", address);
	return FALSE;
}

GPtrArray *
store_list_outbox (Store *store, gboolean all, GError **error)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) store_outbox_free);
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL, NULL);

	st = query_for_row (store, Q_OUTBOX_LIST, all ? 1 : 0, error);
	if (st == NULL)
		goto fail;
	while ((r = step (store, st, error)) > 0)
		g_ptr_array_add (list, outbox_from_row (st));
	if (r < 0)
		goto fail;
	query_release (st);
	for (guint i = 0; i < list->len; i++)
		if (!fill_outbox_recipients (store, g_ptr_array_index (list, i), error))
			goto fail;
	return g_steal_pointer (&list);

fail:
	g_prefix_error (error, "cannot read the outbox: ");
	return NULL;
}

/* The one row @st (bound) finds, with its recipients; NULL without @error
 * when none. */
static StoreOutbox *
outbox_one (Store *store, sqlite3_stmt *st, GError **error)
{
	g_autoptr (StoreOutbox) e = NULL;
	int r = step (store, st, error);

	if (r <= 0)
		return NULL;
	e = outbox_from_row (st);
	query_release (st);
	if (!fill_outbox_recipients (store, e, error))
		return NULL;
	return g_steal_pointer (&e);
}

StoreOutbox *
store_get_outbox (Store *store, gint64 id, GError **error)
{
	g_auto (StoreQuery) st = NULL;

	g_return_val_if_fail (store != NULL, NULL);

	st = query_for_row (store, Q_OUTBOX_GET, id, error);
	if (st == NULL)
		return NULL;
	return outbox_one (store, st, error);
}

StoreOutbox *
store_find_outbox (Store *store, const char *message_id, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	g_autofree char *id = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (message_id != NULL, NULL);

	id = bare_message_id (message_id);
	st = query (store, Q_OUTBOX_BY_MESSAGE_ID, error);
	if (st == NULL)
		return NULL;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, id);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		return NULL;
	}
	return outbox_one (store, st, error);
}

GArray *
store_due_outbox (Store *store, const char *now, gboolean ignore_schedule,
                  const char *stale_before, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail (now != NULL, NULL);

	st = query (store, Q_OUTBOX_DUE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, now);
	bind_int64 (&bind, 2, ignore_schedule ? 1 : 0);
	bind_int64 (&bind, 3, stale_before != NULL ? 1 : 0);
	bind_text (&bind, 4, stale_before != NULL ? stale_before : "");
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	while ((r = step (store, st, error)) > 0) {
		gint64 id = sqlite3_column_int64 (st, 0);
		g_array_append_val (ids, id);
	}
	if (r < 0)
		goto fail;
	return g_steal_pointer (&ids);

fail:
	g_prefix_error (error, "cannot read the outbox: ");
	return NULL;
}

gboolean
store_claim_outbox (Store *store, gint64 id, const char *claim, gint64 pid, const char *now,
                    const char *stale_before, gboolean *claimed, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (claim != NULL && now != NULL && claimed != NULL, FALSE);

	*claimed = FALSE;
	st = query (store, Q_OUTBOX_CLAIM, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, id);
	bind_text (&bind, 2, claim);
	bind_text (&bind, 3, now);
	bind_int64 (&bind, 4, pid);
	bind_int64 (&bind, 5, stale_before != NULL ? 1 : 0);
	bind_text (&bind, 6, stale_before != NULL ? stale_before : "");
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	*claimed = sqlite3_changes (store->db) == 1;
	return TRUE;

fail:
	g_prefix_error (error, "cannot claim outgoing message %" G_GINT64_FORMAT ": ", id);
	return FALSE;
}

/* Runs an UPDATE of routes: ?1 outbox, then @a, @b, @c as ?2..?4. */
static gboolean
update_routes (Store *store, QueryId id, gint64 outbox, const char *a, const char *b,
               const char *c, GError **error)
{
	g_auto (StoreQuery) st = query (store, id, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_int64 (&bind, 1, outbox);
	bind_text (&bind, 2, a);
	bind_text (&bind, 3, b);
	bind_text (&bind, 4, c);
	if (bind.rc != SQLITE_OK)
		return sql_error (store, bind.rc, error);
	return run (store, st, error);
}

gboolean
store_finish_outbox (Store *store, gint64 id, const char *claim, StoreOutboxOutcome outcome,
                     const char *at, const char *next_attempt, const char *error_text,
                     GPtrArray *refused, const char *event_type, const char *event_detail,
                     GError **error)
{
	g_autoptr (StoreOutbox) entry = NULL;
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (claim != NULL && at != NULL, FALSE);
	g_return_val_if_fail (outcome != STORE_OUTBOX_DEFERRED || next_attempt != NULL, FALSE);
	g_return_val_if_fail (!sqlite3_get_autocommit (store->db), FALSE);

	switch (outcome) {
	case STORE_OUTBOX_SENT:
		st = query (store, Q_OUTBOX_SENT, error);
		break;
	case STORE_OUTBOX_DEFERRED:
		st = query (store, Q_OUTBOX_DEFER, error);
		break;
	case STORE_OUTBOX_FAILED:
		st = query (store, Q_OUTBOX_FAIL, error);
		break;
	}
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, id);
	bind_text (&bind, 2, claim);
	if (outcome == STORE_OUTBOX_SENT) {
		bind_text (&bind, 3, at);
	} else if (outcome == STORE_OUTBOX_DEFERRED) {
		bind_text (&bind, 3, next_attempt);
		bind_text (&bind, 4, error_text);
	} else {
		bind_text (&bind, 3, error_text);
	}
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	if (sqlite3_changes (store->db) != 1) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "the claim is no longer ours");
		goto fail;
	}
	query_release (st);

	if (outcome == STORE_OUTBOX_SENT) {
		for (guint i = 0; refused != NULL && i < refused->len; i++)
			if (!update_routes (store, Q_ROUTES_REFUSED, id, g_ptr_array_index (refused, i),
			                    "refused by the mail system", at, error))
				goto fail;
		if (!update_routes (store, Q_ROUTES_SET, id, "sent", NULL, at, error))
			goto fail;
	} else if (outcome == STORE_OUTBOX_FAILED) {
		if (!update_routes (store, Q_ROUTES_SET, id, "failed", error_text, at, error))
			goto fail;
	}

	if (event_type != NULL) {
		entry = store_get_outbox (store, id, error);
		if (entry == NULL && error != NULL && *error != NULL)
			goto fail;
		if (entry != NULL && entry->statement_row > 0 &&
		    !add_event_row (store, entry->statement_row, at, event_type, event_detail, error))
			goto fail;
	}
	return TRUE;

fail:
	g_prefix_error (error, "cannot record the outcome of outgoing message %" G_GINT64_FORMAT ": ", id);
	return FALSE;
}

gboolean
store_route_bounced (Store *store, gint64 outbox, const char *address, const char *at,
                     const char *detail, gboolean *marked, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (address != NULL && marked != NULL, FALSE);

	*marked = FALSE;
	if (!update_routes (store, Q_ROUTE_BOUNCED, outbox, address, detail, at, error)) {
		g_prefix_error (error, "cannot mark the route to %s failed: ", address);
		return FALSE;
	}
	*marked = sqlite3_changes (store->db) > 0;
	return TRUE;
}

GPtrArray *
store_outbox_routes (Store *store, gint64 outbox, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL, NULL);

	st = query_for_row (store, Q_OUTBOX_ROUTES, outbox, error);
	if (st == NULL)
		return NULL;
	while ((r = step (store, st, error)) > 0) {
		g_ptr_array_add (out, column_dup (st, 0));
		g_ptr_array_add (out, column_dup (st, 1));
	}
	if (r < 0)
		return NULL;
	return g_steal_pointer (&out);
}

GHashTable *
store_outbox_files (Store *store, GError **error)
{
	g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL, NULL);

	st = query (store, Q_OUTBOX_FILES, error);
	if (st == NULL)
		return NULL;
	while ((r = step (store, st, error)) > 0)
		g_hash_table_add (names, column_dup (st, 0));
	if (r < 0)
		return NULL;
	return g_steal_pointer (&names);
}

gboolean
store_link_message (Store *store, gint64 message_row, const char *statement_id, const char *role,
                    GError **error)
{
	g_auto (StoreQuery) st = NULL;
	gint64 row = 0;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (statement_id != NULL, FALSE);

	r = lookup_row (store, Q_ROW_BY_LS_ID, statement_id, &row, error);
	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
	if (r <= 0)
		goto fail;
	st = query (store, Q_LINK_MESSAGE, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, message_row);
	bind_int64 (&bind, 2, row);
	bind_text (&bind, 3, role);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	if (run (store, st, error))
		return TRUE;

fail:
	g_prefix_error (error, "cannot add a message to the thread of %s: ", statement_id);
	return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Threads */

gboolean
store_add_message_refs (Store *store, gint64 message_row, GPtrArray *message_ids, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);

	for (guint i = 0; message_ids != NULL && i < message_ids->len; i++) {
		g_auto (StoreQuery) st = query (store, Q_ADD_MESSAGE_REF, error);
		Binder bind = { st, SQLITE_OK };

		if (st == NULL)
			goto fail;
		bind_int64 (&bind, 1, message_row);
		bind_int64 (&bind, 2, i);
		bind_text (&bind, 3, g_ptr_array_index (message_ids, i));
		if (bind.rc != SQLITE_OK) {
			sql_error (store, bind.rc, error);
			goto fail;
		}
		if (!run (store, st, error))
			goto fail;
	}
	return TRUE;

fail:
	g_prefix_error (error, "cannot record the references of a message: ");
	return FALSE;
}

char *
store_find_thread (Store *store, StoreThreadKey kind, const char *key, GError **error)
{
	static const QueryId queries[] = {
		[STORE_THREAD_MESSAGE_ID] = Q_THREAD_BY_MESSAGE_ID,
		[STORE_THREAD_ID] = Q_THREAD_BY_LS_ID,
		[STORE_THREAD_URL] = Q_THREAD_BY_URL,
		[STORE_THREAD_TITLE] = Q_THREAD_BY_TITLE,
	};
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);
	g_return_val_if_fail ((gsize) kind < G_N_ELEMENTS (queries), NULL);

	if (key == NULL || *key == '\0')
		return NULL;
	st = query (store, queries[kind], error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, key);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	r = step (store, st, error);
	if (r < 0)
		goto fail;
	return r > 0 ? column_dup (st, 0) : NULL;

fail:
	g_prefix_error (error, "cannot look up a thread: ");
	return NULL;
}

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
		sql_error (store, bind.rc, error);
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

void
store_orphan_free (StoreOrphan *orphan)
{
	if (orphan == NULL)
		return;
	g_free (orphan->kind);
	g_free (orphan->from);
	g_free (orphan->message_id);
	g_free (orphan->raw_sha256);
	g_free (orphan);
}

GPtrArray *
store_find_orphans (Store *store, const char *message_id, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) store_orphan_free);
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);

	if (message_id == NULL || *message_id == '\0')
		return g_steal_pointer (&out);
	st = query (store, Q_ORPHANS, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, message_id);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	while ((r = step (store, st, error)) > 0) {
		StoreOrphan *o = g_new0 (StoreOrphan, 1);
		o->row = sqlite3_column_int64 (st, 0);
		o->kind = column_dup (st, 1);
		o->from = column_dup (st, 2);
		o->message_id = column_dup (st, 3);
		o->raw_sha256 = column_dup (st, 4);
		g_ptr_array_add (out, o);
	}
	if (r < 0)
		goto fail;
	return g_steal_pointer (&out);

fail:
	g_prefix_error (error, "cannot look up the replies to <%s>: ", message_id);
	return NULL;
}

gboolean
store_adopt_message (Store *store, gint64 message_row, const char *statement_id, const char *role,
                     const char *kind, gboolean *adopted, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	Binder bind;

	g_return_val_if_fail (store != NULL && statement_id != NULL && role != NULL, FALSE);

	*adopted = FALSE;
	st = query (store, Q_ADOPT, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_int64 (&bind, 1, message_row);
	bind_text (&bind, 2, statement_id);
	bind_text (&bind, 3, role);
	bind_text (&bind, 4, kind);
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	*adopted = sqlite3_changes (store->db) > 0;
	return TRUE;

fail:
	g_prefix_error (error, "cannot add a message to the thread of %s: ", statement_id);
	return FALSE;
}

gboolean
store_set_groups (Store *store, const char *statement_id, GPtrArray *groups, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	gint64 row = 0;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);

	r = lookup_row (store, Q_ROW_BY_LS_ID, statement_id, &row, error);
	if (r == 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", statement_id);
	if (r <= 0)
		goto fail;
	st = query (store, Q_SET_GROUPS_CLEAR, error);
	if (st == NULL || sqlite3_bind_text (st, 1, statement_id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		if (st != NULL)
			sql_error (store, sqlite3_errcode (store->db), error);
		goto fail;
	}
	if (!run (store, st, error))
		goto fail;
	if (!add_strings (store, Q_ADD_GROUP, row, "group", groups, error))
		goto fail;
	/* The search index has the groups among the contacts. */
	query_release (st);
	st = query_for_row (store, Q_FTS_DELETE, row, error);
	if (st == NULL || !run (store, st, error))
		goto fail;
	query_release (st);
	st = query_for_row (store, Q_FTS_ADD, row, error);
	if (st == NULL || !run (store, st, error))
		goto fail;
	return TRUE;

fail:
	g_prefix_error (error, "cannot set the groups of %s: ", statement_id);
	return FALSE;
}

gboolean
store_count_routes (Store *store, const char *statement_id, guint *count, GError **error)
{
	g_auto (StoreQuery) st = NULL;
	int r;

	g_return_val_if_fail (store != NULL && statement_id != NULL, FALSE);

	st = query (store, Q_ROUTE_COUNT, error);
	if (st == NULL || sqlite3_bind_text (st, 1, statement_id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		if (st != NULL)
			sql_error (store, sqlite3_errcode (store->db), error);
		return FALSE;
	}
	r = step (store, st, error);
	if (r < 0)
		return FALSE;
	*count = r > 0 ? (guint) sqlite3_column_int64 (st, 0) : 0;
	return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Reminders (SPEC §8) */

GPtrArray *
store_remind_candidates (Store *store, const char *oldest, GError **error)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_auto (StoreQuery) st = NULL;
	Binder bind;
	int r;

	g_return_val_if_fail (store != NULL, NULL);

	st = query (store, Q_REMIND_CANDIDATES, error);
	if (st == NULL)
		goto fail;
	bind = (Binder) { st, SQLITE_OK };
	bind_text (&bind, 1, oldest != NULL ? oldest : "");
	if (bind.rc != SQLITE_OK) {
		sql_error (store, bind.rc, error);
		goto fail;
	}
	while ((r = step (store, st, error)) > 0) {
		gint64 row;
		g_ptr_array_add (list, statement_from_row (st, FALSE, &row));
		g_array_append_val (rows, row);
	}
	if (r < 0)
		goto fail;
	query_release (st);
	if (!fill_common_many (store, list, rows, FALSE, error))
		goto fail;
	return g_steal_pointer (&list);

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
		sql_error (store, bind.rc, error);
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
		sql_error (store, bind.rc, error);
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
			sql_error (store, sqlite3_errcode (store->db), error);
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
