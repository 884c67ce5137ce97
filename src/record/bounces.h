/* bounces.h: recording a bounce of a message we sent: the routes it names
 * are marked failed, and the bounce joins the statement's thread. */
#ifndef LIAISON_BOUNCES_H
#define LIAISON_BOUNCES_H

#include "base/conf.h"
#include "input/message.h"
#include "store/store.h"
#include "store/txn.h"

/* Marks failed, at @now, the routes of the outbox row that @message (a
 * bounce, recorded as row @message_row) returns to, with an event for each
 * (or one saying it names no failed recipient), and links the message to
 * that row's statement. The row is the one whose VERP envelope sender
 * carries the token the bounce came to (bounce_token()), else the one
 * whose Message-ID its returned message or headers carry; a bounce with
 * neither changes nothing (an event says so when it names a message of
 * ours otherwise). Adds the routes marked to *bounced. When every list
 * route of the statement has failed then, undelivered_check() marks it
 * and queues its notice, appending the row to *outbox. Inside the
 * transaction. */
gboolean bounces_record (Txn *txn, const Config *config, const Message *message,
                         gint64 message_row, const char *now, GArray **outbox,
                         guint *bounced, GError **error);

#endif
