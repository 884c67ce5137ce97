/* deliver.h: the pipeline for one message, shared by `deliver` and
 * `reinject`: extract, resolve, authorize, classify, deduplicate, route and
 * compose, and record it all (with the outgoing mail it causes) in one
 * transaction with its spool files. The one place that calls the pure
 * modules and the store in order. Sending is outbox_send()'s, after the
 * commit. */
#ifndef LIAISON_DELIVER_H
#define LIAISON_DELIVER_H

#include "stages/classify.h"
#include "stages/commands-mail.h"
#include "base/conf.h"
#include "input/message.h"
#include "record/edit.h"
#include "store/store.h"

typedef struct {
	MessageClass kind;
	gboolean duplicate;      /* already recorded: nothing was written */
	gboolean conflict;       /* its Message-ID was recorded with other content */
	gboolean copy;           /* another arrival of the statement statement_id,
	                          * recorded in its thread: nothing was sent */
	char *statement_id;      /* the statement recorded, or the one whose
	                          * thread the message joined; or NULL */
	gboolean created;        /* statement_id is a new statement's id or a
	                          * new held message's handle */
	char *hold_reason;       /* why it was held, or NULL */
	GArray *outbox;          /* gint64: the outbox rows it queued, to hand
	                          * over after the commit; NULL when none */
	guint bounced_routes;    /* routes a bounce marked failed */
	GPtrArray *routes;       /* char*: the addresses of the routes recorded,
	                          * in order (for the log line); NULL when none */
	MailCommands *commands;  /* the commands of a reply to obey (issue 18):
	                          * its sender, commander, is a receiving-side
	                          * person and it names our Message-ID of
	                          * statement_id; NULL when none. The caller does
	                          * them after the commit (deliver does not). */
	gboolean by_id;          /* commands is a reply to a digest: each
	                          * command names its statement, and
	                          * statement_id is NULL */
	char *commander;         /* the addr-spec that sent them */
	char *command_message_id;/* the command message's Message-ID */
	char *command_subject;
} DeliverResult;

void deliver_result_clear (DeliverResult *result);

/* Processes @message, which is spooled and parsed, into @store, with @now
 * (ISO 8601 UTC) as its time of receipt. Returns FALSE with @error set when
 * it could not be recorded (all errors temporary: nothing is left half
 * written, and a retry is safe). Content that cannot be understood is not
 * an error: it is recorded and held. */
gboolean deliver_message (Store *store, const Config *config, Message *message,
                          const char *now, DeliverResult *result, GError **error);

/* The same for a message that arrived at @received (ISO 8601 UTC) and is
 * processed @now (`reinject`): the message, its statement and the events
 * its arrival causes are dated @received; the mail it causes is composed
 * (its Date header) and queued @now. deliver_message() passes @now for
 * both. */
gboolean deliver_message_at (Store *store, const Config *config, Message *message,
                             const char *received, const char *now, DeliverResult *result,
                             GError **error);

/* `rebuild`: deliver_message_at() for a message the journal recorded,
 * which gets the statement id or held message's handle @id (NULL: none)
 * it got then; an id taken
 * already is an error. Composes and queues the mail it causes, as it did
 * then; sending is the caller's (and `rebuild` sends nothing). */
gboolean deliver_replay (Store *store, const Config *config, Message *message,
                         const char *received, const char *now, const char *id,
                         DeliverResult *result, GError **error);

/* `route`: routes the statement @key (an id or a Message-ID of its
 * thread) to @groups (char*, canonical group names, at least one): they
 * replace its destination groups, its hold ends, a forward to the new
 * routes is queued (a re-route gets a Message-ID of its own; addresses
 * that received the original directly are already-received; no second
 * acknowledgement), a held statement becomes open, and the event "routed"
 * names the groups and who routed them (@by, may be NULL). One
 * transaction of its own; result->outbox holds what to hand over after
 * it. The action is journaled with @by. LIAISON_ERROR_NOT_FOUND for an
 * unknown @key. */
gboolean deliver_route (Store *store, const Config *config, const char *key, GPtrArray *groups,
                        const char *by, const char *now, DeliverResult *result, GError **error);

/* `promote`: the held message @handle becomes a statement (held_promote():
 * the next id, the fields of @fields, the event "promoted" naming @by)
 * and is routed to @groups as deliver_route() routes, in one transaction
 * of its own; result->statement_id is its new id. LIAISON_ERROR_FAILED
 * for anything but a held message. Journaled (handle, FIELD=VALUE, by). */
gboolean deliver_promote (Store *store, const Config *config, const char *handle,
                          const Statement *fields, GPtrArray *groups, const char *by,
                          const char *now, DeliverResult *result, GError **error);

/* `dismiss`: the held message or statement @key is set aside (state
 * dismissed, the event "dismissed" naming @by), in one transaction of
 * its own; result->statement_id is its id. Journaled with @by. */
gboolean deliver_dismiss (Store *store, const Config *config, const char *key, const char *by,
                          const char *now, DeliverResult *result, GError **error);

/* `remind`: the daily summary to triage of the held messages whose
 * notice went over held-notice-limit (held_queue_summary()), in one
 * transaction of its own. *outbox (created when needed) holds the row to
 * hand over; *count how many messages it names (0: none, nothing sent).
 * Journaled, when it names any, so that `rebuild` queues it again. */
gboolean deliver_held_summary (Store *store, const Config *config, const char *now,
                               GArray **outbox, guint *count, GError **error);

/* `edit`: applies @edit to the statement @key (edit_statement(): the
 * fields, the search index, the event "edited" naming @by and @note; new
 * groups re-route it as deliver_route() does), in one transaction of its
 * own; result->outbox holds what to hand over after it. */
gboolean deliver_edit (Store *store, const Config *config, const char *key, const Edit *edit,
                       const char *by, const char *note, const char *now, DeliverResult *result,
                       GError **error);

/* `purge`: removes the content of the statement @key (purge_statement():
 * rows marked purged, body blanked, the tombstone event "purged" naming
 * @by and @reason) in one transaction of its own, then its spool files
 * that no other row names. */
gboolean deliver_purge (Store *store, const Config *config, const char *key, const char *reason,
                        const char *by, const char *now, DeliverResult *result, GError **error);

/* `submit` from the shell (SPEC §13): who submits, and whether the
 * statement needs no approval (--approved: the manager's equivalent of
 * an approver's "Approved: yes"). */
typedef struct {
	const char *by;          /* who submits it: the event and the journal */
	gboolean approved;
} DeliverSubmit;

/* `submit`: @message, spooled and parsed (a statement in the Datatracker
 * label layout, built by cmd/submit.c), recorded as an outgoing statement
 * as a mail submission to statements+submit@ would be, except that its
 * sender is not checked (the shell user is trusted) and it is journaled
 * as the action "submit" (its raw SHA-256, "approved" or "", by), not as
 * an arrival. Pending approval (the request queued to its approvers), or
 * with @cli->approved open and sent to its peer. A submission that is not
 * whole is held as a message, as by mail: the caller checks it first
 * (submit_problems()). @replay_id: `rebuild`'s id, else NULL. */
gboolean deliver_submit (Store *store, const Config *config, Message *message,
                         const DeliverSubmit *cli, const char *now, const char *replay_id,
                         DeliverResult *result, GError **error);

/* `approve`: the outgoing statement @key, waiting for approval, becomes
 * open (the event "approved" naming @by) and is queued to its peer
 * (submit_queue_send()), in one transaction of its own, journaled.
 * LIAISON_ERROR_FAILED when it is not waiting for approval. */
gboolean deliver_approve (Store *store, const Config *config, const char *key, const char *by,
                          const char *now, DeliverResult *result, GError **error);

/* `reject`: the outgoing statement @key, waiting for approval, is
 * dismissed (the event "rejected" naming @by and @reason) and its
 * submitter told why, in one transaction of its own, journaled. */
gboolean deliver_reject (Store *store, const Config *config, const char *key, const char *reason,
                         const char *by, const char *now, DeliverResult *result, GError **error);

#endif
