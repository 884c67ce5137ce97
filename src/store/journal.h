/* journal.h: the spool's journal (SPOOL/journal, SPEC §12): an
 * append-only, fsynced record, in order, of each message's arrival and the
 * id it got, every manual action, each outgoing message's hand-over result
 * and each reminder stage sent, from which `rebuild` recreates the
 * database. One function per kind of record; each writes its line before
 * the caller's COMMIT, so that a row in the database always has its line.
 *
 * The format: one record per line, "CHECK PAYLOAD\n", where PAYLOAD is
 * the record's fields separated by TAB, each field escaped (\\ \t \n \r;
 * a missing value is \N), the first field the record's kind, and CHECK
 * the first 16 hex digits of the SHA-256 of PAYLOAD. A line whose check
 * does not match (a torn last line, say) is skipped by journal_read(). */
#ifndef LIAISON_JOURNAL_H
#define LIAISON_JOURNAL_H

#include <glib.h>

#include "store/store.h"

/* The journal's kinds of record, as the first field names them:
 *   journal VERSION AT TOKEN   (the first: TOKEN names the database)
 *   arrival RECEIVED NOW RAW_SHA256 DEDUPE MESSAGE_ID SENDER RECIPIENT
 *           EXTENSION FLAGS STATEMENT_ID
 *   action  AT BY KIND ID ARG...
 *   handover AT MESSAGE_ID OUTCOME NEXT_ATTEMPT ERROR REFUSED EVENT DETAIL
 *   reminder AT STATEMENT_ID STAGE DAY
 *   requeue AT MESSAGE_ID DEDUPE   (`reinject --resend`) */
#define JOURNAL_VERSION "1"

/* Makes @store write its records to @spool's journal from now on. When the
 * journal does not exist yet, it is written, under the store's write
 * lock: from the database when it holds messages (an installation older
 * than the journal: journal_seed()), else with its first record alone.
 * The journal's first record and the database share a token; a database
 * that is not the journal's (one created after the database was lost,
 * while the journal holds its history) is refused: a temporary error, so
 * that `deliver` defers until `rebuild` has recreated it and no id is
 * given twice. Other errors are temporary too (I/O, database busy). */
gboolean journal_attach (Store *store, const char *spool, GError **error);

/* The same for `reinject`, which may start a new history in an empty
 * database: a journal that is not the database's is moved aside as
 * SPOOL/journal.TIME (*@moved, newly allocated; NULL when nothing was
 * moved) and a new one begun. */
gboolean journal_attach_restart (Store *store, const char *spool, char **moved, GError **error);

/* `rebuild`: marks the database of @store as the one the journal of
 * @spool describes (inside the caller's transaction). */
gboolean journal_adopt (Store *store, const char *spool, GError **error);

/* A new random token for the first record of a journal. Newly allocated. */
char *journal_new_token (void);

/* The journal's path in @spool. Newly allocated. */
char *journal_path (const char *spool);

/* What journal_arrival() records of one incoming message. */
typedef struct {
	const char *received;    /* its time of receipt */
	const char *now;         /* when it was processed (its mail's Date) */
	const char *raw_sha256;  /* its bytes: SPOOL/msg/XX/RAW_SHA256 */
	const char *dedupe_hash;
	const char *message_id;  /* may be NULL */
	const char *sender;      /* the envelope, each may be NULL */
	const char *recipient;
	const char *extension;
	gboolean oversized;      /* only its headers were kept */
	const char *statement_id;/* the id the message got, or NULL */
} JournalArrival;

/* Each appends one line to the journal of @store, and fsyncs it; nothing
 * when @store has no journal attached (tests, `rebuild` itself). */
gboolean journal_arrival (Store *store, const JournalArrival *arrival, GError **error);

/* A manual action of @kind ("route", "close", "reopen", "taken", ...) on
 * @id (a statement id) with @args (NULL-terminated, may be NULL), done by
 * @by at @at. One generic call, so that a new command is one more hook. */
gboolean journal_action (Store *store, const char *kind, const char *id,
                         const char *const *args, const char *by, const char *at,
                         GError **error);

/* The hand-over of our message @message_id ended with @outcome at @at:
 * the arguments store_finish_outbox() got (@refused: char*, may be NULL). */
gboolean journal_handover (Store *store, const char *message_id, StoreOutboxOutcome outcome,
                           const char *at, const char *next_attempt, const char *error_text,
                           GPtrArray *refused, const char *event_type,
                           const char *event_detail, GError **error);

/* The reminder @stage of @statement_id, due on @day, was queued at @at. */
gboolean journal_reminder (Store *store, const char *statement_id, const char *stage,
                           const char *day, const char *at, GError **error);

/* The mail of @kind ("digest", "authorized") for @period and @target,
 * to @recipients (char*, may be empty: nothing was sent) as the message
 * @message_id (NULL when none), was queued at @at: rebuild records it as
 * sent without sending it again (idempotence per period). */
gboolean journal_digest (Store *store, const char *kind, const char *period, const char *target,
                         GPtrArray *recipients, const char *message_id, const char *at,
                         GError **error);

/* `reinject --resend` queued again, at @at, the mail that the recorded
 * message (@message_id, may be NULL, and @dedupe_hash) caused. */
gboolean journal_requeue (Store *store, const char *message_id, const char *dedupe_hash,
                          const char *at, GError **error);

/* One record read back: its fields, the first its kind (char*, a field
 * may be NULL). */
typedef GPtrArray JournalRecord;

/* The records of the journal at @path, in order (GPtrArray of
 * JournalRecord*). Lines whose check fails are skipped and counted in
 * *@skipped (a torn last line after a crash is one). A missing journal is
 * LIAISON_ERROR_NOT_FOUND. */
GPtrArray *journal_read (const char *path, guint *skipped, GError **error);

/* Field @i of @record, or NULL when it is missing. */
const char *journal_field (const JournalRecord *record, guint i);

/* Journal lines into @out (for journal_seed()). */
void journal_format (GString *out, const char *const *fields, guint n);

/* Writes the journal of @spool, first record naming @token, from the
 * database of @store (journal-seed.c): the arrivals in the database's
 * order with their ids, the manual events, the hand-over results and the
 * reminders, each at its time. Runs inside the caller's transaction. */
gboolean journal_seed (Store *store, const char *spool, const char *token, GError **error);

/* Writes @text to @path as a new file (a temporary file renamed over it),
 * fsynced with its directory. */
gboolean journal_write_new (const char *path, const char *text, GError **error);

#endif
