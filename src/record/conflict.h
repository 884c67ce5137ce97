/* conflict.h: a message that reuses the Message-ID of a recorded one with
 * other content (SPEC §4 step 3) is recorded as a conflict and held; this
 * tells the triage address, once, inside the recording transaction. Never
 * the sender: whoever reused the Message-ID learns nothing. */
#ifndef LIAISON_CONFLICT_H
#define LIAISON_CONFLICT_H

#include "base/conf.h"
#include "input/message.h"
#include "store/txn.h"

/* Queues a notice of the conflict @message (just recorded as row
 * @message_row) to config->triage, with @message attached, composed @now,
 * in the thread of the statement that the recorded message with the same
 * Message-ID belongs to (its routes: one, to triage, role "triage"; the
 * outbox row's kind "conflict"), and an event on that statement. Appends
 * the outbox row to *outbox (created when first needed). Nothing is queued
 * when there is no triage address or the recorded message is in no
 * statement's thread (the conflict is recorded and held all the same). */
gboolean conflict_notify (Txn *txn, const Config *config, const Message *message,
                          gint64 message_row, const char *now, GArray **outbox, GError **error);

#endif
