/* submit.h: the IETF's own outgoing statements (SPEC §13, issue 18):
 * what a submission must say, who may submit one and who approves it
 * (draft-iab-rfc4053bis §4.1), and who receives it once approved. Pure:
 * values in, values out; recording and sending are record/submit.c's. */
#ifndef LIAISON_SUBMIT_H
#define LIAISON_SUBMIT_H

#include "base/conf.h"
#include "base/statement.h"
#include "input/message.h"
#include "stages/route.h"

/* The extension of our address that submissions go to:
 * statements+submit@. */
#define SUBMIT_EXTENSION "submit"

/* Whether a message to @recipient with @extension (each may be NULL) is
 * a submission: @extension is SUBMIT_EXTENSION (any case), or without
 * one, @recipient is our address with "+submit" (the recipient deliver
 * took from the MTA's environment or X-Original-To/Delivered-To). */
gboolean submit_is_addressed (const Config *config, const char *recipient,
                              const char *extension);

/* The statement of a submission: the message's own text body read in
 * the Datatracker label layout alone (extract_datatracker()), without
 * completing a missing field from the headers (a submission says each
 * field itself). NULL when the body has none of its labels. */
Statement *submit_read (const Message *message);

/* What is wrong with @statement (extracted, resolved and passed through
 * direction_resolve(); NULL when no statement was found) as a
 * submission: one line per field ("Title: missing", "To Group: \"X\" is
 * not a known peer organization"), in the order of the label layout.
 * @has_attachments: documents come with it (then Body: may be empty).
 * Newly allocated char* array; empty when it is fine. */
GPtrArray *submit_problems (const Statement *statement, const Config *config,
                            gboolean has_attachments);

/* Who approves @statement, an outgoing statement whose from_org is one of
 * our groups: config_approvers(). Borrowed Address*. */
const GPtrArray *submit_approvers (const Config *config, const Statement *statement);

/* Whether @address (an addr-spec, may be NULL) approves @statement. */
gboolean submit_is_approver (const Config *config, const Statement *statement,
                             const char *address);

/* Why @address (an addr-spec, may be NULL) may not submit @statement, or
 * NULL: it must be a chair or AD of its group (from_org), a manager of an
 * organization it is for, or one of its approvers; and @vouched
 * (authorize_from_vouched()) must hold. A static sentence. */
const char *submit_refused (const Config *config, const Statement *statement,
                            const char *address, gboolean vouched);

/* Whether @text (a body, LF line ends) has the label line "Approved: yes"
 * (any case) at the start of a line. */
gboolean submit_approved_label (const char *text);

/* The routes of @statement sent to its peers once approved
 * (ROUTE_MESSAGE_FORWARD, QUEUED): To each peer's send-to (else its
 * managers; role peer), Cc its group's list and chairs and the peers'
 * managers. No address twice, never our own, at most
 * config->max_recipients (the rest in plan->dropped). Newly allocated. */
RoutePlan *submit_peer_plan (const Statement *statement, const Config *config);

/* The routes of the approval request: To the approvers (role approver).
 * Newly allocated; no route when nobody approves it. */
RoutePlan *submit_request_plan (const Statement *statement, const Config *config);

/* The text of the approval request for @statement (id set), submitted
 * by @submitter (may be NULL): how to approve or reject it by reply, then
 * @summary (compose_summary()). Newly allocated. */
char *submit_request_text (const Statement *statement, const char *submitter,
                           const char *summary);

#endif
