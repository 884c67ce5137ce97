/* reroute.h: `route`'s work inside its transaction: a statement sent to
 * other groups than those it was recorded with. */
#ifndef LIAISON_REROUTE_H
#define LIAISON_REROUTE_H

#include "base/conf.h"
#include "store/txn.h"

/* Routes the statement @key (an id or a Message-ID of its thread) to
 * @groups (char*, canonical group names, at least one) inside @txn: they
 * replace its destination groups, its hold ends, a forward to the new
 * routes is queued (a re-route gets a Message-ID of its own; addresses
 * that received the original directly are already-received; no second
 * acknowledgement), a held (or dismissed) statement becomes open, and
 * the event "routed", dated @now, names the groups and who routed it
 * (@by, may be NULL). Appends the outbox row to *outbox (created
 * when first needed); sets *statement_id (newly allocated).
 * LIAISON_ERROR_NOT_FOUND for an unknown @key; LIAISON_ERROR_FAILED, and
 * nothing changed, when the forward would have more than
 * config->max_recipients recipients. */
gboolean reroute_statement (Txn *txn, const Config *config, const char *key, GPtrArray *groups,
                            const char *by, const char *now, GArray **outbox,
                            char **statement_id, GError **error);

#endif
