/* commands.h: the store's half of actions by reply (issue 18): whether a
 * message's commands are obeyed, the command message in its thread, the
 * note, and the confirmation to the person who sent them. Running the
 * commands is cmd/commands-mail.c's (the same functions as the CLI). */
#ifndef LIAISON_RECORD_COMMANDS_H
#define LIAISON_RECORD_COMMANDS_H

#include "base/conf.h"
#include "input/message.h"
#include "stages/commands-mail.h"
#include "store/txn.h"

/* Sets *obeyed: whether the commands of @message, in the thread of
 * @thread_id, are to be done: one of @message_ids (its In-Reply-To and
 * References) is OUR Message-ID of that statement (an outbox row), and its
 * sender is a receiving-side person our server vouches for
 * (thread_reply_refused(); @statement as there, may be NULL). */
gboolean commands_obeyed (Store *store, const Config *config, const char *thread_id,
                          const Message *message, const GPtrArray *message_ids,
                          const Statement *statement, gboolean *obeyed, GError **error);

/* Sets *digest: whether @message is a reply to one of our digests (one of
 * @message_ids is a digest's); and *obeyed: whether, moreover, its
 * @commands each name a statement ("LS-2026-0007 taken"), none is a
 * decision (approve, reject), and its sender may command at least one of
 * them (thread_reply_refused() of that statement). Each command's own
 * statement is checked again when it is done. */
gboolean commands_digest_obeyed (Store *store, const Config *config, const Message *message,
                                 const GPtrArray *message_ids, const MailCommands *commands,
                                 gboolean *digest, gboolean *obeyed, GError **error);

/* Whether @message's sender may command @statement_id (which exists):
 * thread_reply_refused() of it. FALSE with @error set only when it could
 * not be read; then *allowed is FALSE. */
/* Whether @message's sender may act by mail on a held message that is no
 * statement (whose notice went to `triage` alone): the triage address or
 * a manager of any organization, vouched for by our server when
 * `authserv-id` is set (SECURITY.md). */
gboolean commands_triage_obeyed (const Config *config, const Message *message);

/* Whether @address is the triage address or a manager of one of the
 * directory's organizations: who may act on a held message. */
gboolean commands_triage_person (const Config *config, const char *address);

/* Sets *@named: whether one of @message_ids is a message of ours of
 * outbox kind @kind, about @statement_id (NULL: about any). The held
 * notice of a held message ("held") is about it alone; the daily summary
 * ("held-summary") names many, so its commands must each name theirs. */
gboolean commands_names_ours (Store *store, const GPtrArray *message_ids,
                              const char *statement_id, const char *kind, gboolean *named,
                              GError **error);

gboolean commands_allowed (Store *store, const Config *config, const char *statement_id,
                           const char *address, gboolean vouched, gboolean *allowed,
                           GError **error);
/* Sets *obeyed for an approver's decision (SPEC §13): @commands are one
 * approve or reject (mail_commands_decide()), one of @message_ids is the
 * approval request of @thread_id (submit_request_id()), the statement is
 * still waiting for approval, and the sender approves it
 * (submit_is_approver()) and our server vouches for them
 * (authorize_from_vouched()). Anything else changes nothing. */
gboolean commands_approval_obeyed (Store *store, const Config *config, const char *thread_id,
                                   const Message *message, const GPtrArray *message_ids,
                                   const MailCommands *commands, gboolean *obeyed,
                                   GError **error);

/* A message that holds only commands joins the thread @thread_id as a
 * command (role "command"), which marks nothing replied. */
gboolean commands_join (Txn *txn, const char *thread_id, gint64 message_row, GError **error);

/* `note` by mail: the event "note" (@text, by @by) on the statement @key,
 * in one transaction of its own, journaled ("note", the text). */
gboolean commands_note (Store *store, const Config *config, const char *key, const char *text,
                        const char *by, const char *at, GError **error);

/* The one short reply to @to (an addr-spec) that confirms the command
 * message @in_reply_to (its Message-ID, @subject its subject) about
 * @statement_id: what was done, @text. The event "mail-commands", the
 * reply queued (appended to *outbox), in one transaction of its own,
 * journaled ("mail-reply") so that `rebuild` queues it again. */
gboolean commands_confirm (Store *store, const Config *config, const char *statement_id,
                           const char *to, const char *in_reply_to, const char *subject,
                           const char *text, const char *at, GArray **outbox, GError **error);

#endif
