/* store.h: the SQLite store. Schema and migrations (PRAGMA user_version),
 * WAL, a busy timeout, prepared statements only, and every write inside one
 * BEGIN IMMEDIATE transaction opened by the caller. The only module that
 * includes sqlite3.h. SQLITE_BUSY, SQLITE_FULL and SQLITE_IOERR become
 * LIAISON_ERROR_BUSY, _NOSPACE and _IO (temporary). */
#ifndef LIAISON_STORE_H
#define LIAISON_STORE_H

#include <glib.h>

#include "statement.h"

typedef struct Store Store;

/* Opens (creating and migrating as needed) the database at @path, with
 * journal_mode=WAL, synchronous=FULL, foreign_keys=ON and a busy timeout of
 * @busy_timeout_ms. */
Store *store_open (const char *path, guint busy_timeout_ms, GError **error);
/* Opens an existing database read-only, for the query commands; does not
 * migrate (a database newer than this program is an error). */
Store *store_open_readonly (const char *path, guint busy_timeout_ms, GError **error);
void store_close (Store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Store, store_close)

/* The schema version this program writes. */
int store_schema_version (void);

gboolean store_begin (Store *store, GError **error);   /* BEGIN IMMEDIATE */
gboolean store_commit (Store *store, GError **error);
void store_rollback (Store *store);                    /* never fails */

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
 * for the year of statement->received, which it sets in statement->id.
 * statement->state and hold_reason are stored as they are. Adds the event
 * "received" (or "held" with the reason). */
gboolean store_add_statement (Store *store, Statement *statement, gint64 message_row,
                              const char *id_prefix, GError **error);

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
	guint limit;             /* 0: no limit */
} StoreFilter;

/* Statements matching @filter, newest first, without body, thread and
 * events (attachments and routes included). Array of Statement*. */
GPtrArray *store_list_statements (Store *store, const StoreFilter *filter, GError **error);

/* One statement with everything: @key is its id or the Message-ID (with or
 * without <>) of any message of its thread. NULL with LIAISON_ERROR_NOT_FOUND
 * when there is none. */
Statement *store_get_statement (Store *store, const char *key, GError **error);

/* Counts of recorded messages by kind (for tests and summaries): fills
 * *statements, *held (statements held plus other messages held). */
gboolean store_count (Store *store, gint64 *messages, gint64 *statements, gint64 *held, GError **error);

/* Runs PRAGMA integrity_check and checks the schema version: appends one
 * line per problem to @problems. */
gboolean store_check (Store *store, GPtrArray *problems);

#endif
