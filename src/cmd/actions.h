/* cmd/actions.h: the manual actions on a statement, as the commands do
 * them (cmd/thread.c) and as `rebuild` replays them from the journal. A
 * new action (promote, dismiss, a mail command) is one more function here
 * and one more case in cmd/rebuild.c's replay_action(). */
#ifndef LIAISON_CMD_ACTIONS_H
#define LIAISON_CMD_ACTIONS_H

#include <glib.h>

#include "base/conf.h"
#include "deliver.h"
#include "store/store.h"

/* `close`, `reopen` or `taken` (@kind) of the statement @key (an id or a
 * Message-ID), by @by at @at, in one transaction of its own, journaled
 * (journal_action()). Sets *@id (newly allocated, may be NULL) to the
 * statement's id, *@done to its new state ("action taken" for taken),
 * and *@nothing to why nothing was to be done ("already closed") or NULL.
 * LIAISON_ERROR_NOT_FOUND for an unknown @key. */
gboolean action_change_state (Store *store, const char *kind, const char *key, const char *by,
                              const char *at, char **id, const char **done,
                              const char **nothing, GError **error);

/* `promote` of the held message @handle by @by at @at, with @args (@n
 * FIELD=VALUE as the command takes them, which the journal recorded:
 * cmd/held.c), in one transaction of its own (deliver_promote()); the
 * mail it queues is left queued. */
gboolean action_promote (Store *store, const Config *config, const char *handle,
                         const char *const *args, guint n, const char *by, const char *at,
                         GError **error);

/* The same, by mail: the rows it queued are appended to *@outbox (created
 * when NULL) for the caller to hand over, and *@id is the new statement
 * id. */
gboolean action_promote_by_mail (Store *store, const Config *config, const char *handle,
                                 const char *const *args, guint n, const char *by,
                                 const char *at, GArray **outbox, char **id, GError **error);

/* `rebuild`: queues (composes, records, journals nothing: the store has no
 * journal attached) the reminder @stage of @statement_id that `remind`
 * queued on @day at @at (cmd/remind.c). An error when it is not due with
 * today's configuration. */
gboolean remind_replay (Store *store, const Config *config, const char *statement_id,
                        const char *stage, const char *day, const char *at, GError **error);

/* Actions by reply (issue 18): does the commands deliver_message() left
 * in @result (result->commands, from result->commander about
 * result->statement_id), each through the function its CLI command uses
 * (action_change_state(), deliver_route(), deliver_edit(), a note), each
 * journaled with the sender as by; none when one is malformed. Then
 * confirms them with one reply to the sender (commands_confirm()). The
 * outbox rows to hand over are appended to result->outbox. Dated @now. */
gboolean action_mail_commands (Store *store, const Config *config, DeliverResult *result,
                               const char *now, GError **error);

#endif
