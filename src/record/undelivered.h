/* undelivered.h: a statement that none of its groups' lists received.
 * When a bounce leaves every list route of a statement failed, the
 * statement says so (undelivered, and the event "undelivered"), and
 * triage and the sending organization's managers are told, once. */
#ifndef LIAISON_UNDELIVERED_H
#define LIAISON_UNDELIVERED_H

#include "base/conf.h"
#include "store/txn.h"

/* After a bounce marked routes of @statement_id failed: when every list
 * route of it has failed and it was not undelivered yet, marks it so,
 * with the event "undelivered", and queues a notice (kind "undelivered",
 * dated @now) To config->triage, Cc the managers of its organization.
 * Appends the outbox row to *outbox (created when first needed). */
gboolean undelivered_check (Txn *txn, const Config *config, const char *statement_id,
                            const char *now, GArray **outbox, GError **error);

#endif
