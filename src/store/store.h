/* store.h: the SQLite store. Schema and migrations (PRAGMA user_version),
 * WAL, a busy timeout, prepared statements only, and every write inside one
 * BEGIN IMMEDIATE transaction opened by the caller. The only module that
 * includes sqlite3.h. SQLITE_BUSY, SQLITE_FULL and SQLITE_IOERR become
 * LIAISON_ERROR_BUSY, _NOSPACE and _IO (temporary). Its files, by what
 * they store: store.c (the connection, transactions), schema.c, messages.c
 * (and threads), statements.c (writing), statements-read.c, fts.c,
 * outgoing.c (the outbox rows), reminders.c; store-private.h is what they
 * share. */
#ifndef LIAISON_STORE_H
#define LIAISON_STORE_H

#include <glib.h>

#include "base/statement.h"

/* A Store, and what it returns, belongs to one thread at a time (its
 * connection is opened without SQLite's mutex). */
typedef struct Store Store;

/* Opens (creating and migrating as needed) the database at @path, with
 * journal_mode=WAL, synchronous=FULL, foreign_keys=ON and a busy timeout of
 * @busy_timeout_ms. A new database file is created 0640 whatever the umask
 * (its -wal and -shm files take its mode); an existing one of ours, and its
 * -wal and -shm, lose any permission of others. */
Store *store_open (const char *path, guint busy_timeout_ms, GError **error);
/* Opens an existing database read-only, for the query commands; does not
 * migrate (a database newer than this program is an error). */
Store *store_open_readonly (const char *path, guint busy_timeout_ms, GError **error);
void store_close (Store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Store, store_close)

/* The schema version this program writes. */
int store_schema_version (void);

/* Lazy commits, for what a crash may lose without losing a message (the
 * records of a hand-over: the rows stay claimed and are handed over again
 * after the lease, at least once): COMMIT does not wait for the disk, nor
 * do the journal's lines. The next synchronous commit or journal line
 * makes them durable with it. Off by default. */
void store_set_lazy (Store *store, gboolean lazy);

/* A database built whole in one batch by one process and put in place
 * only once it is committed (`rebuild`): with @scratch, a rollback journal
 * in memory instead of the WAL, so that pages the batch spills from the
 * cache go to the file once rather than to the WAL and back (its COMMIT
 * still syncs the file); without, the WAL again, as store_open() sets
 * it. Outside a transaction. */
gboolean store_set_scratch (Store *store, gboolean scratch, GError **error);

gboolean store_begin (Store *store, GError **error);   /* BEGIN IMMEDIATE */
gboolean store_commit (Store *store, GError **error);
void store_rollback (Store *store);                    /* never fails */

/* A batch (`reinject`): one BEGIN IMMEDIATE for many messages. Until
 * store_batch_commit() or store_batch_rollback(), store_begin() opens a
 * SAVEPOINT, store_commit() releases it into the batch (nothing is
 * durable yet) and store_rollback() undoes it alone: one message that
 * fails leaves the others of the batch. store_begin() fails when SQLite
 * rolled the whole batch back (after an I/O error, say); so does
 * store_batch_commit(). */
gboolean store_batch_begin (Store *store, GError **error);
gboolean store_batch_commit (Store *store, GError **error);
void store_batch_rollback (Store *store);              /* never fails */
/* Whether the batch's transaction is still open. */
gboolean store_batch_alive (Store *store);

typedef enum {
	STORE_SEEN_NEW,          /* neither the Message-ID nor the content known */
	STORE_SEEN_DUPLICATE,    /* same Message-ID (or none) and same content */
	STORE_SEEN_CONFLICT,     /* same Message-ID, other content */
} StoreSeen;

/* Whether a message with @message_id (may be NULL) and @dedupe_hash has been
 * recorded. */
gboolean store_message_seen (Store *store, const char *message_id, const char *dedupe_hash,
                             StoreSeen *seen, GError **error);

/* What is recorded for every incoming message. */
typedef struct {
	const char *message_id;  /* may be NULL */
	const char *dedupe_hash;
	const char *raw_sha256;
	gint64 size;
	const char *received;    /* ISO 8601 UTC */
	const char *sender;      /* envelope, may be NULL */
	const char *recipient;
	const char *extension;
	const char *from;
	const char *subject;
	const char *date;
	const char *kind;        /* message_class_to_string() */
	const char *hold_reason; /* NULL unless held */
	gboolean conflict;
} StoreMessage;

/* Inserts @message; returns its row id, or 0 with @error set. */
gint64 store_add_message (Store *store, const StoreMessage *message, GError **error);

/* Inserts @statement (fields, contacts, groups, references, attachments)
 * for the message @message_row, allocating the next id "PREFIX-YEAR-NNNN"
 * for the year of statement->received, which it sets in statement->id;
 * or, when statement->id is set (`rebuild`), that id, which must be free.
 * statement->state and hold_reason are stored as they are. Adds the event
 * "received" (or "held" with the reason). */
gboolean store_add_statement (Store *store, Statement *statement, gint64 message_row,
                              const char *id_prefix, GError **error);

/* A held message that is not a statement (SPEC §4: "other", a conflict,
 * a message too large) is recorded as a row of statements with a handle
 * of its own series, "HM-2026-0001" (STORE_HELD_PREFIX, the year it was
 * received, its number in that year), so that it is listed, shown, routed,
 * promoted and dismissed like a held statement. Its id is its handle
 * until it is promoted; then the handle still finds it. */
#define STORE_HELD_PREFIX "HM"

/* Records the held message @statement (its title the subject, its
 * from_contact the From, hold_reason set) for the message @message_row,
 * as store_add_statement() does, with the next handle of its year in
 * statement->id and statement->handle. */
gboolean store_add_held_message (Store *store, Statement *statement, gint64 message_row,
                                 GError **error);

/* Turns the held message @handle (still held, not yet promoted) into a
 * statement: the next id of @id_prefix for the year it was received
 * (newly allocated in *new_id), and the fields of @fields that are set:
 * title, from_org (also its from_org_text), purpose, deadline. Its groups
 * and state are route's (reroute_statement()). LIAISON_ERROR_NOT_FOUND
 * for an unknown @handle; LIAISON_ERROR_FAILED for anything but a held
 * message. Inside the caller's transaction. */
gboolean store_promote_held (Store *store, const char *handle, const Statement *fields,
                             const char *id_prefix, char **new_id, GError **error);

/* The notice of a held message (or statement) to triage: "sent" (told
 * one by one), "pending" (over the daily limit: the next summary names
 * it), "summary" (a summary named it). @sender: who the limit counts
 * (NULL: unchanged). */
gboolean store_set_held_notice (Store *store, const char *id, const char *notice,
                                const char *sender, GError **error);

/* Sets *count to the held notices sent about messages from @sender
 * (lower case) received on @day (YYYY-MM-DD). */
gboolean store_count_held_notices (Store *store, const char *sender, const char *day,
                                   guint *count, GError **error);

/* The held messages whose notice is pending and that are still held,
 * oldest first, as store_list_statements() gives them with brief set.
 * Array of Statement*. */
GPtrArray *store_pending_held_notices (Store *store, GError **error);

/* The held message (no statement) recorded for @message_row, if any,
 * is set aside now that the message joined the thread of @statement_id
 * (store_adopt_message()): state dismissed (so no summary names it), the
 * event "adopted". */
gboolean store_held_adopted (Store *store, gint64 message_row, const char *statement_id,
                             const char *at, GError **error);

/* The handle of the held message (no statement) that our mail
 * @message_id (without <>: its notice, a forward) is about, newly
 * allocated; NULL without @error set when it is about none. */
char *store_held_of_notice (Store *store, const char *message_id, GError **error);

/* Marks @id undelivered when it has list routes and every one of them
 * failed; sets *marked when it became so now (it was not before). */
gboolean store_mark_undelivered (Store *store, const char *id, gboolean *marked, GError **error);

/* Appends an event to the statement @statement_id ("LS-2026-0007"). */
gboolean store_add_event (Store *store, const char *statement_id, const char *at,
                          const char *type, const char *detail, GError **error);

typedef struct {
	const char *state;       /* NULL: any */
	const char *purpose;
	const char *from_org;    /* matched with the name rule */
	const char *to_group;
	gboolean overdue;        /* only overdue ones, as of @today */
	const char *today;       /* YYYY-MM-DD */
	gboolean held;           /* only held ones: statements and messages */
	guint limit;             /* 0: no limit */
	gboolean brief;          /* only what list's table shows: see below */
} StoreFilter;

/* Statements matching @filter, newest first, without body, thread and
 * events (attachments and routes included; with @filter->brief, only the
 * statement's own columns and its groups). Without a state and without
 * held, neither the dismissed ones nor the messages that are no
 * statements (handles not promoted, held or routed by hand) are listed:
 * the register, and what export publishes, is of statements. Array of
 * Statement*. */
GPtrArray *store_list_statements (Store *store, const StoreFilter *filter, GError **error);

/* store_list_statements(), a few hundred statements at a time: calls
 * @func with each (and its index from 0), in the same order and filled
 * the same way except that an attachment's text may be NULL (list --json
 * does not print it), then frees it. @func returns FALSE (with @error set) to
 * stop; so does an error of the store. */
typedef gboolean (*StoreStatementFunc) (const Statement *statement, guint index, gpointer data,
                                        GError **error);
gboolean store_each_statement (Store *store, const StoreFilter *filter, StoreStatementFunc func,
                               gpointer data, GError **error);

/* Has SQLite read the database's pages in place (mmap) rather than copy
 * each with pread() into its cache: for a command that reads most of the
 * register (list --json: 11.4 MB of JSON from 7,034 statements, 90.2 ms
 * -> 95.7 ms without). Not for the look-ups of show or search, which touch
 * few pages: mapping them cost search 1.4 ms of system time. */
void store_map_for_scan (Store *store);

/* One statement that a search found. */
typedef struct {
	Statement *statement;    /* as store_list_statements() gives it, or
	                          * only its own columns (see below) */
	double score;            /* bm25, negated: higher is better */
	char *snippet;           /* a few words around the best match, or NULL */
} StoreHit;

void store_hit_free (StoreHit *hit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreHit, store_hit_free)

/* The statements that the FTS5 query @match (search_query_to_fts())
 * finds in their title, body, contacts, attachment names and attachment
 * text, best first; at most @limit (0: all), and in *@total (when not
 * NULL) how many there are in all. The snippet puts each match
 * between @mark_start and @mark_end. With @full, each statement is as
 * store_list_statements() gives it; without, it has only its own columns
 * (id, state, title, organizations, dates: no contacts, groups,
 * references, attachments or routes), all that a table of the hits
 * shows. Array of StoreHit*. An FTS5 syntax error is
 * LIAISON_ERROR_FAILED. */
GPtrArray *store_search_statements (Store *store, const char *match, const char *mark_start,
                                    const char *mark_end, guint limit, gboolean full,
                                    guint *total, GError **error);

/* `reinject --resend`: queues again, for now (@now), every outgoing
 * message that the recorded message (@message_id, NULL for none, and
 * @dedupe_hash) caused and that is not being handed over right now, with
 * its routes that were sent or failed. Runs inside the caller's
 * transaction. Returns the outbox row ids (GArray of gint64, maybe
 * empty), or NULL with @error set. */
GArray *store_requeue_message (Store *store, const char *message_id, const char *dedupe_hash,
                               const char *now, GError **error);

/* One statement with everything: @key is its id or the Message-ID (with or
 * without <>) of any message of its thread, ours included. NULL with LIAISON_ERROR_NOT_FOUND
 * when there is none. */
Statement *store_get_statement (Store *store, const char *key, GError **error);

/* Counts of recorded messages by kind (for tests and summaries): fills
 * *statements, *held (statements held plus other messages held). */
gboolean store_count (Store *store, gint64 *messages, gint64 *statements, gint64 *held, GError **error);

/* Deadline reminders (SPEC §8): at most one per statement and stage. */

/* The statements that may want a reminder: open, action not taken, with a
 * deadline on or after @oldest (YYYY-MM-DD; NULL: any), earliest deadline
 * first, with what list shows (groups, contacts, routes). Array of
 * Statement*. */
GPtrArray *store_remind_candidates (Store *store, const char *oldest, GError **error);

/* Sets *due when the statement @statement_id is still open, its action not
 * taken, its deadline still @deadline, and no reminder of @stage
 * (remind_stage_key()) recorded. Inside the caller's transaction the answer
 * holds until its commit. */
gboolean store_remind_due (Store *store, const char *statement_id, const char *deadline,
                           const char *stage, gboolean *due, GError **error);

/* Records the reminder @stage of @statement_id, due on @day (YYYY-MM-DD) and
 * carried by the outbox row @outbox, with the event "reminder" (detail: the
 * stage) stamped @at. A stage recorded before is an error (the caller
 * asked store_remind_due() in the same transaction). */
gboolean store_add_reminder (Store *store, const char *statement_id, const char *stage,
                             const char *day, gint64 outbox, const char *at, GError **error);

/* The mail that tells people where things stand (issue 18), one per
 * @kind ("digest", "authorized"), @period ("2026-W50", "2026-Q4") and
 * @target (an address, "triage", an organization). */

/* Sets *sent when that mail is recorded already. */
gboolean store_digest_sent (Store *store, const char *kind, const char *period, const char *target,
                            gboolean *sent, GError **error);
/* Records it, sent to @recipients (char* addr-specs: the envelope of the
 * outbox row @outbox) at @at. A second record of the same kind, period
 * and target fails (a constraint error). */
gboolean store_add_digest (Store *store, const char *kind, const char *period, const char *target,
                           GPtrArray *recipients, gint64 outbox, const char *at, GError **error);
/* The targets (char*) of the mail of @kind for @period that went to
 * someone, in the order sent; NULL with @error set on failure. */
GPtrArray *store_digest_targets (Store *store, const char *kind, const char *period,
                                 GError **error);
/* Sets *at (newly allocated) to when the last mail of @kind was recorded,
 * or NULL when none was. */
gboolean store_last_digest (Store *store, const char *kind, char **at, GError **error);
/* The ids (char*) of the statements a reply was recorded for at or after
 * @since (ISO 8601 UTC), in id order. */
GPtrArray *store_digest_replied (Store *store, const char *since, GError **error);

/* Runs PRAGMA integrity_check and checks the schema version: appends one
 * line per problem to @problems. */
gboolean store_check (Store *store, GPtrArray *problems);

/* ---------------------------------------------------------------------- */
/* The outbox (SPEC §4 steps 4 and 5): what we send, queued in the
 * transaction that causes it, claimed by one process, handed to the
 * transport, and marked. Each write below runs inside the caller's
 * BEGIN IMMEDIATE transaction. */

/* One outgoing message as the outbox holds it. */
typedef struct {
	gint64 id;
	char *statement_id;      /* "LS-2026-0007", or NULL */
	gint64 statement_row;    /* 0 when none */
	char *kind;              /* "forward", "ack", "held" */
	char *message_id;        /* ours, without <> */
	char *sender;            /* the envelope sender */
	char *sha256;            /* the bytes: SPOOL/out/XX/SHA256 */
	gint64 size;
	char *state;             /* queued sending sent failed */
	int attempts;            /* hand-overs tried */
	char *created;
	char *next_attempt;      /* not before (ISO 8601 UTC) */
	char *claim;             /* the claim token while sending */
	char *claimed_at;
	gint64 claimed_pid;
	char *sent;              /* when the transport accepted it */
	char *last_error;
	GPtrArray *recipients;   /* char*: its routes still queued (the envelope) */
} StoreOutbox;

void store_outbox_free (StoreOutbox *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreOutbox, store_outbox_free)

/* What store_add_outbox() records. */
typedef struct {
	const char *statement_id;/* "LS-2026-0007", or NULL for a digest */
	gint64 message_row;      /* the incoming message that caused it, or 0 */
	const char *kind;
	const char *message_id;  /* ours, without <>: unique */
	const char *sender;
	const char *sha256;
	gint64 size;
	const char *created;     /* ISO 8601 UTC; also its first next_attempt */
} StoreOutgoing;

/* Queues @outgoing; returns its row id, or 0 with @error set (a
 * message_id already queued is an error: the caller composed it twice). */
gint64 store_add_outbox (Store *store, const StoreOutgoing *outgoing, GError **error);

/* Adds a route of the statement @statement_id at @position, carried by
 * the outbox row @outbox (0: none, for an already-received address), with
 * @status ("queued", "already-received"), stamped @at. */
gboolean store_add_route (Store *store, const char *statement_id, guint position,
                          const char *address, const char *role, const char *status,
                          gint64 outbox, const char *at, GError **error);

/* The outbox rows still to hand over (queued and sending), or with @all
 * every row; oldest first. Array of StoreOutbox*, recipients filled. */
GPtrArray *store_list_outbox (Store *store, gboolean all, GError **error);

/* One row by id, or by our Message-ID (without <>). NULL without @error
 * set when there is none. */
StoreOutbox *store_get_outbox (Store *store, gint64 id, GError **error);
StoreOutbox *store_find_outbox (Store *store, const char *message_id, GError **error);
/* The row whose envelope sender is @sender (a VERP address), or NULL
 * without @error set when there is none. */
StoreOutbox *store_find_outbox_by_sender (Store *store, const char *sender, GError **error);

/* The ids of the rows due at @now: queued with next_attempt <= @now (any
 * queued one with @ignore_schedule), and with @stale_before non-NULL the
 * claims made before it (hand-overs that were interrupted). GArray of
 * gint64. */
GArray *store_due_outbox (Store *store, const char *now, gboolean ignore_schedule,
                          const char *stale_before, GError **error);

/* Claims the row @id for the caller with the token @claim: it must be
 * queued (or, with @stale_before, claimed before that time). Sets
 * *claimed; FALSE means the database failed. Counts an attempt. */
gboolean store_claim_outbox (Store *store, gint64 id, const char *claim, gint64 pid,
                             const char *now, const char *stale_before, gboolean *claimed,
                             GError **error);

typedef enum {
	STORE_OUTBOX_SENT,       /* the transport accepted it */
	STORE_OUTBOX_DEFERRED,   /* try again from next_attempt */
	STORE_OUTBOX_FAILED,     /* refused for good, or given up */
} StoreOutboxOutcome;

/* Records the end of the hand-over of the row @id claimed with @claim:
 * the row's state, its routes' statuses (sent; failed for @refused, char*
 * addresses refused for good, may be NULL; failed for all on FAILED), and
 * an event of @event_type with @event_detail on its statement. Fails with
 * LIAISON_ERROR_FAILED when the claim is no longer the caller's. */
gboolean store_finish_outbox (Store *store, gint64 id, const char *claim, StoreOutboxOutcome outcome,
                              const char *at, const char *next_attempt, const char *error_text,
                              GPtrArray *refused, const char *event_type, const char *event_detail,
                              GError **error);

/* Marks the route of @address in the outbox row @outbox failed (a bounce
 * said so), with @detail. Sets *marked when there was such a route still
 * queued or sent. */
gboolean store_route_bounced (Store *store, gint64 outbox, const char *address, const char *at,
                              const char *detail, gboolean *marked, GError **error);

/* The routes of the outbox row @outbox as (address, status) pairs of
 * char*, flattened: [address0, status0, address1, status1, ...]. */
GPtrArray *store_outbox_routes (Store *store, gint64 outbox, GError **error);

/* The names (SHA-256) of every outgoing message the outbox holds, as a
 * set of char*. For `queue run`, which removes the files in SPOOL/out that
 * no row names: it asks under the write lock, so that no delivery is
 * between storing its file and committing its row. */
GHashTable *store_outbox_files (Store *store, GError **error);

/* Ties the recorded message @message_row to the thread of the statement
 * @statement_id with @role ("bounce"). */
gboolean store_link_message (Store *store, gint64 message_row, const char *statement_id,
                             const char *role, GError **error);

/* ---------------------------------------------------------------------- */
/* Threads (SPEC §7). Each write runs inside the caller's transaction. */

/* Records the Message-IDs (char*, without <>) that the message
 * @message_row names, nearest first (ThreadKeys.message_ids). */
gboolean store_add_message_refs (Store *store, gint64 message_row, GPtrArray *message_ids,
                                 GError **error);

typedef enum {
	STORE_THREAD_MESSAGE_ID, /* a message of the thread, received or sent by us */
	STORE_THREAD_ID,         /* the statement id */
	STORE_THREAD_URL,        /* the Datatracker page */
	STORE_THREAD_TITLE,      /* the title (case-insensitive), the newest first */
} StoreThreadKey;

/* The statement, not held, that @statement (extracted and resolved, not
 * recorded; received at @received) is another arrival of: one with the
 * same Datatracker URL, else one of its other identifiers, else the same
 * organization and title and the same submission date (when either has
 * none, received or submitted within 31 days). *id newly allocated, or
 * NULL when there is none; *how a static phrase for the event ("the same
 * Datatracker page"). Inside the caller's transaction. */
gboolean store_find_same (Store *store, const Statement *statement, const char *received,
                          char **id, const char **how, GError **error);

/* What another arrival @copy of the statement @statement_id carries that
 * the statement lacks: its Datatracker URL when it has none, its links
 * when it has none. */
gboolean store_complete_statement (Store *store, const char *statement_id,
                                   const Statement *copy, GError **error);

/* The id of the statement that @key of kind @kind names, newly
 * allocated; NULL without @error set when none does. */
char *store_find_thread (Store *store, StoreThreadKey kind, const char *key, GError **error);

/* Sets the state of @statement_id to @state (NULL: unchanged) and its
 * action_taken to @action_taken (-1: unchanged), and records the event
 * @type with @detail at @at. Becoming open or replied clears the hold
 * reason. LIAISON_ERROR_NOT_FOUND for an unknown id. */
gboolean store_set_state (Store *store, const char *statement_id, const char *state,
                          int action_taken, const char *at, const char *type,
                          const char *detail, GError **error);

/* A recorded message that named a Message-ID before it was recorded and
 * is in no thread yet. */
typedef struct {
	gint64 row;
	char *kind;              /* "other", "reply", "auto-reply" */
	char *from;              /* the From header, or NULL */
	char *message_id;        /* or NULL */
	char *raw_sha256;        /* its bytes: SPOOL/msg/XX/SHA256 */
} StoreOrphan;

void store_orphan_free (StoreOrphan *orphan);

/* The orphans that name @message_id (at most 100), oldest first. Array of
 * StoreOrphan*. */
GPtrArray *store_find_orphans (Store *store, const char *message_id, GError **error);

/* Ties the orphan @message_row to the thread of @statement_id with @role
 * and @kind (what it is in the thread); one held as "other" is no longer
 * held. Sets
 * *adopted (FALSE when it had joined a thread meanwhile). */
gboolean store_adopt_message (Store *store, gint64 message_row, const char *statement_id,
                              const char *role, const char *kind, gboolean *adopted,
                              GError **error);

/* Replaces the resolved destination groups of @statement_id with @groups
 * (char* group names). For `route`. */
gboolean store_set_groups (Store *store, const char *statement_id, GPtrArray *groups,
                           GError **error);

/* The fields of a statement `edit` sets (src/store/edit.c). */
typedef enum {
	STORE_FIELD_TITLE,
	STORE_FIELD_PURPOSE,
	STORE_FIELD_DEADLINE,
	STORE_FIELD_SUBMITTED,
	STORE_FIELD_FROM_ORG,
} StoreField;

/* Sets @field of @statement_id to @value (NULL: none) and rewrites its
 * row of the search index. No event: the caller records one.
 * LIAISON_ERROR_NOT_FOUND for an unknown id. */
gboolean store_set_field (Store *store, const char *statement_id, StoreField field,
                          const char *value, GError **error);

/* Replaces the contacts of @kind ("response", "technical") of
 * @statement_id with @values (char*), and rewrites its search row. */
gboolean store_set_contacts (Store *store, const char *statement_id, const char *kind,
                             GPtrArray *values, GError **error);

/* Sets *purged to when the content of @statement_id was purged (newly
 * allocated), or NULL when it was not. */
gboolean store_is_purged (Store *store, const char *statement_id, char **purged,
                          GError **error);

/* `purge`: marks the original message of @statement_id and its
 * attachments purged at @at, replaces its body with @body, drops the
 * attachments' text and rewrites its search row; appends to @unused
 * (char*) the spool files ("msg/SHA", "att/SHA") that no row that is not
 * purged names any more: the caller removes them after the commit. No
 * event: the caller records one. */
gboolean store_purge (Store *store, const char *statement_id, const char *at, const char *body,
                      GPtrArray *unused, GError **error);

/* The original message of @statement_id: its row and the SHA-256 of its
 * raw bytes in the spool (newly allocated). */
gboolean store_statement_message (Store *store, const char *statement_id, gint64 *message_row,
                                  char **raw_sha256, GError **error);

/* How many routes @statement_id has had (the position of the next one). */
gboolean store_count_routes (Store *store, const char *statement_id, guint *count,
                             GError **error);

/* ---------------------------------------------------------------------- */
/* The trust boundary (SPEC §6) */

/* Sets *count to the routes to @address (compared case-insensitively)
 * carried by outgoing mail created in the 24 hours before @now (ISO 8601
 * UTC), sent or not: what the auto-reply limit counts. */
gboolean store_count_recent_mail (Store *store, const char *address, const char *now,
                                  guint *count, GError **error);

/* Sets *reason to why @statement_id was held when it arrived (the detail
 * of its first "held" event; "" when that has none), newly allocated, or
 * NULL when it was not held. */
gboolean store_held_on_arrival (Store *store, const char *statement_id, char **reason,
                                GError **error);

/* Writes a consistent copy of the database into the new file @path
 * (VACUUM INTO; the connection may be read-only). For `reinject --dry-run`,
 * which delivers into a scratch copy. */
gboolean store_copy_to (Store *store, const char *path, GError **error);

#endif
