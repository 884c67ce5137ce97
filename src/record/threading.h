/* threading.h: the thread steps that read and write the store (SPEC §7):
 * which recorded statement a message's keys name, tying a message to that
 * thread with its role and doing what the role does (thread.c decides it),
 * adopting the replies that came before their parent, and the answer a
 * response statement gives. Inside the recording transaction. */
#ifndef LIAISON_THREADING_H
#define LIAISON_THREADING_H

#include "base/conf.h"
#include "input/message.h"
#include "stages/classify.h"
#include "stages/thread.h"
#include "store/txn.h"

/* The statement whose thread @keys name, in SPEC order (Message-IDs, our
 * tags, ids in the text, URLs); *thread_id is newly allocated, or NULL
 * when none does; *via says how it was found. Inside the transaction, so
 * that a parent recorded a moment ago is found. */
gboolean threading_find (Store *store, const ThreadKeys *keys, char **thread_id, ThreadVia *via,
                         GError **error);

/* The statement that a response statement's references name (by id, by
 * Datatracker URL, then by title), newly allocated, or NULL. */
gboolean threading_find_responds_to (Store *store, const ThreadKeys *keys, char **found,
                                     GError **error);

/* Ties @message, just recorded as row @message_row of class @kind, to the
 * thread of @thread_id with its role, and does what the role does (events
 * dated @received): a reply from a receiving-side person our server
 * vouches for (thread_reply_refused()) marks the statement replied; a
 * follow-up whose sender passes authorize_sender() for the statement is
 * forwarded to its routes, composed @now, its outbox row appended to
 * *outbox; anything else is an event that says why it changed nothing. */
gboolean threading_join (Txn *txn, const Config *config, const char *thread_id, Message *message,
                         gint64 message_row, MessageClass kind, const char *received,
                         const char *now, GArray **outbox, GError **error);

/* Messages that named @message_id before it came, and joined no thread,
 * join the thread of @thread_id now (events dated @now), and so do those
 * that named them, up to a bound. Their replies count on the same terms
 * as on arrival; their follow-ups are never forwarded. */
gboolean threading_adopt_orphans (Store *store, const Config *config, const char *thread_id,
                                  const char *message_id, const char *now, GError **error);

/* The response statement @response (recorded: id set), from @message,
 * answers the earlier statement @responds_to: an event "response" on it,
 * dated @now, and if @sender_ok (the response passed authorize_sender():
 * it was not held for its sender) and thread_reply_refused() allows it,
 * the earlier one is replied; if not, the event says why. */
gboolean threading_respond (Store *store, const Config *config, const char *responds_to,
                            const Message *message, const Statement *response,
                            gboolean sender_ok, const char *now, GError **error);

#endif
