/* held.h: nothing vanishes (SPEC §4, issue 17). A message held for triage
 * that is no statement (not one, a Message-ID conflict, too large) is
 * recorded under a handle of its own ("HM-2026-0001"), and the triage
 * address is told of each held message once: one by one up to
 * [liaison] held-notice-limit a sender a day, the rest in one daily
 * summary that `remind` sends, so that a flood does not make the
 * statements address an amplifier. Only triage is told, never the
 * sender. The actions of a person on a held message (promote, dismiss)
 * are here too, one function each (the journal will record them). */
#ifndef LIAISON_HELD_H
#define LIAISON_HELD_H

#include "base/conf.h"
#include "input/message.h"
#include "store/txn.h"

/* Whether the held notice about @message, received at @received, may go
 * out now: fewer than config->held_notice_limit notices went out today
 * (the UTC day of @received) about messages of its sender (the From's
 * address, else the envelope sender). */
gboolean held_notice_due (Txn *txn, const Config *config, const Message *message,
                          const char *received, gboolean *due, GError **error);

/* Records what became of the notice of the held @id: sent (@due), or
 * left for the daily summary, with the event "notice-deferred". */
gboolean held_notice_note (Txn *txn, const Message *message, const char *id, gboolean due,
                           const char *now, GError **error);

/* Records @message (row @message_row), held for @reason and no
 * statement, as a held message with a handle (newly allocated in
 * *handle), and queues its notice to triage (dated @now; kind "held",
 * with @message attached) unless held_notice_due() says no or
 * @notified (a conflict notice told triage already). Appends the outbox
 * row to *outbox (created when first needed). @given (`rebuild`): the
 * handle it got when it came, or NULL for the next one. */
gboolean held_record (Txn *txn, const Config *config, const Message *message, gint64 message_row,
                      const char *reason, gboolean notified, const char *received,
                      const char *now, const char *given, GArray **outbox, char **handle,
                      GError **error);

/* A message held as no statement that answers our mail about a held
 * message (its In-Reply-To or References, @message_ids, name our notice:
 * triage answering it) joins that held message's thread as a reply,
 * instead of being held in turn and told to triage again. Sets *handle
 * (newly allocated) to the held message it joined, or NULL when it names
 * none. */
gboolean held_join_notice (Txn *txn, const Message *message, gint64 message_row,
                           GPtrArray *message_ids, const char *now, char **handle,
                           GError **error);

/* `remind`: queues one summary to triage naming every held message whose
 * notice was left for it (oldest first), and marks them named. Sets
 * *count to how many it names (0: nothing queued) and, when it names
 * any, *carrier (newly allocated) to the handle or id of the oldest,
 * which carries it and keys its Message-ID. */
gboolean held_queue_summary (Txn *txn, const Config *config, const char *now, GArray **outbox,
                             guint *count, char **carrier, GError **error);

/* `promote`: the held message @handle becomes a statement with the
 * fields of @fields (title, from_org, purpose, deadline; NULL/NONE:
 * as they are), its next id of config->id_prefix (newly allocated in
 * *id), the event "promoted" naming @by, and no hold; the caller routes
 * it then (reroute_statement()). */
gboolean held_promote (Txn *txn, const Config *config, const char *handle,
                       const Statement *fields, const char *by, const char *now, char **id,
                       GError **error);

/* `dismiss`: the held message or statement @key is set aside: state
 * "dismissed", the event "dismissed" naming @by. Sets *id (newly
 * allocated). LIAISON_ERROR_FAILED when it is not held. */
gboolean held_dismiss (Txn *txn, const char *key, const char *by, const char *now, char **id,
                       GError **error);

#endif
