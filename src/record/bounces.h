/* bounces.h: recording a bounce of a message we sent: the routes it names
 * are marked failed, and the bounce joins the statement's thread. */
#ifndef LIAISON_BOUNCES_H
#define LIAISON_BOUNCES_H

#include "input/message.h"
#include "store/store.h"

/* Marks failed, at @now, the routes of each outbox row @message (a bounce,
 * recorded as row @message_row) names, with an event for each (or one
 * saying it names no failed recipient), and links the message to the first
 * such row's statement. Adds the routes marked to *bounced. Inside the
 * transaction. */
gboolean bounces_record (Store *store, const Message *message, gint64 message_row,
                         const char *now, guint *bounced, GError **error);

#endif
