/* outgoing.h: the mail a recorded message calls for, planned, composed and
 * queued inside the recording transaction: a statement's forward,
 * acknowledgement and held notice, and the later forwards of a follow-up
 * or a re-routed statement. Sending is outbox_send()'s, after the commit. */
#ifndef LIAISON_OUTGOING_H
#define LIAISON_OUTGOING_H

#include "base/conf.h"
#include "input/message.h"
#include "outbound/outbox.h"
#include "stages/compose.h"
#include "stages/route.h"
#include "store/txn.h"

/* The routes of @statement for its original @message (may be NULL: no
 * original, nobody received it directly): route_plan() with who the
 * original reached directly (To and Cc) and who would get the
 * acknowledgement (authorize_reply_address()). @no_ack: no acknowledgement, as for an automatic
 * message. Newly allocated. */
RoutePlan *outgoing_plan (const Statement *statement, const Config *config,
                          const Message *message, gboolean no_ack);

/* route_too_many() for @statement and its original @message: why its
 * forward cannot go as planned, or NULL. Newly allocated. */
char *outgoing_too_many (const Statement *statement, const Config *config,
                         const Message *message);

/* Plans the routes of @statement, just recorded from @message (row
 * @message_row), composes the messages they call for (dated @now) and
 * queues them, and records the routes. An acknowledgement to an address
 * outside the directory that had config->auto_reply_limit messages from
 * us in the 24 hours before @now is left out, with the event
 * "not-acknowledged"; addresses a capped message left out are named in
 * the event "recipients-dropped". Without @held_notice, a held
 * statement's notice is not sent (over held-notice-limit: the daily
 * summary names it). Appends the outbox rows to *outbox and the routes'
 * addresses to *routes, creating each array when first needed. */
gboolean outgoing_queue_statement (Txn *txn, const Config *config, const Statement *statement,
                                   const Message *message, gint64 message_row,
                                   gboolean held_notice, const char *now, GArray **outbox,
                                   GPtrArray **routes, GError **error);

/* A plan of one route: To config->triage, role triage, of the forward
 * message (the notices to triage that outgoing_queue_forward() sends).
 * Newly allocated. */
RoutePlan *outgoing_triage_plan (const Config *config);

/* Composes the forward that @input describes, queues it as @kind, and
 * records the routes of the plan's forward from the statement's next
 * route position on. Nothing is queued when the plan forwards to nobody.
 * Appends the outbox row to *outbox (created when first needed). */
gboolean outgoing_queue_forward (Txn *txn, const Config *config, const ComposeInput *input,
                                 const char *kind, gint64 message_row, const char *now,
                                 GArray **outbox, GError **error);

#endif
