/* submit.h: the mail of the IETF's own outgoing statements (SPEC §13),
 * composed and queued inside the caller's transaction: the approval
 * request to the approvers, the statement to the peer once approved, the
 * rejection to the submitter, and the answer to a refused submission.
 * Sending is outbox_send()'s, after the commit. Each appends its outbox
 * row to *outbox (created when first needed). */
#ifndef LIAISON_RECORD_SUBMIT_H
#define LIAISON_RECORD_SUBMIT_H

#include "base/conf.h"
#include "base/statement.h"
#include "store/txn.h"

/* Our Message-ID of the approval request of @statement_id, without <>:
 * compose_keyed_id (config, "approval", statement_id). Newly allocated. */
char *submit_request_id (const Config *config, const char *statement_id);

/* The approval request of @statement (recorded, pending approval) from
 * @submitter (a From header, may be NULL), In-Reply-To @in_reply_to (the
 * submission's Message-ID, may be NULL), to its approvers; outbox kind
 * "approval". LIAISON_ERROR_FAILED when nobody approves its group. */
gboolean submit_queue_request (Txn *txn, const Config *config, const Statement *statement,
                               const char *submitter, const char *in_reply_to,
                               const char *now, GArray **outbox, GError **error);

/* The approved @statement to its peers (submit_peer_plan()), with the
 * statement's original message @raw_sha256 (in the spool) attached,
 * Reply-To config->reply_to; outbox kind "forward", our forward's
 * Message-ID, so that the peer's answer threads. LIAISON_ERROR_FAILED
 * when it would go to more than max-recipients, or to nobody. */
gboolean submit_queue_send (Txn *txn, const Config *config, const Statement *statement,
                            gint64 message_row, const char *raw_sha256, const char *now,
                            GArray **outbox, GError **error);

/* A short notice about @statement_id to @to (an address; nothing when it
 * is NULL or unparsable): @subject and @text, In-Reply-To @in_reply_to
 * (may be NULL), our Message-ID keyed with @kind and @key; outbox kind
 * @kind. With @limited, an address outside the directory that had
 * auto-reply-limit messages from us in the day before @now gets nothing
 * (and *@sent says so; @sent may be NULL). */
gboolean submit_queue_notice (Txn *txn, const Config *config, const char *statement_id,
                              const char *to, const char *kind, const char *key,
                              const char *in_reply_to, const char *subject, const char *text,
                              gboolean limited, const char *now, GArray **outbox,
                              gboolean *sent, GError **error);

#endif
