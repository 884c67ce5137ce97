/* compose.h: the messages we send (SPEC §9), built through the GMime API:
 * the forward of a statement to its groups, the acknowledgement to its
 * sender, and the notice of a held statement to the triage address. Pure
 * apart from GMime: the time and the ids are passed in, so the same input
 * gives the same bytes. */
#ifndef LIAISON_COMPOSE_H
#define LIAISON_COMPOSE_H

#include <gmime/gmime.h>

#include "base/conf.h"
#include "stages/remind.h"
#include "stages/route.h"
#include "base/statement.h"

typedef struct {
	/* The recorded statement: id, received and message_id (the
	 * original's Message-ID, without <>) set. */
	const Statement *statement;
	const RoutePlan *plan;
	/* The original, attached whole to the forward and the held notice.
	 * May be NULL (nothing attached). Not modified. */
	GMimeMessage *original;
	const char *now;         /* ISO 8601 UTC: the Date header */
	/* Mixed into the MIME boundaries so that a sender cannot predict
	 * them (and close our multipart from inside the original): the
	 * original's SHA-256. Any string; NULL is "". */
	const char *seed;
	/* Optional, for the forward of a follow-up and of a re-routed
	 * statement: our Message-ID (without <>) in place of
	 * compose_message_id()'s, and the forward's subject and text in place
	 * of the statement's. NULL: the defaults. */
	const char *message_id;
	const char *subject;
	const char *text;
	/* An outgoing statement of ours, sent to its peer: set, the forward
	 * holds the statement in the Datatracker label layout and these
	 * parts (GMimeObject*, compose_document_part()) in place of
	 * @original, which is our own submission mail and stays with us.
	 * NULL: an incoming statement's forward. */
	const GPtrArray *documents;
} ComposeInput;

/* Our Message-IDs are unguessable but stable (SPEC §9): the statement id,
 * then a keyed hash (HMAC-SHA256 with config->secret, the spool's secret,
 * 26 base32 characters) of the statement id and what the message is, then
 * our domain: "LS-2026-0007.k3x...q@example.org". The same statement, kind
 * and secret give the same id (composing twice, or a rebuild with the
 * spool kept); without the secret nobody can compute it. config->secret
 * must be loaded (a programming error otherwise). */

/* Our Message-ID for @message of the statement @statement_id, without <>,
 * keyed with "forward", "ack", "held". Newly allocated. */
char *compose_message_id (const Config *config, const char *statement_id, RouteMessage message);

/* Our Message-ID for a further forward of @statement_id, without <>,
 * keyed with "KIND-N" (a follow-up's, numbered by its message row; a
 * re-route's, by the statement's route count). Newly allocated. */
char *compose_numbered_id (const Config *config, const char *statement_id, const char *kind,
                           gint64 n);

/* The VERP token of the message we send as @message_id (without <>): a
 * keyed hash of it, 26 base32 characters. Newly allocated. */
char *compose_bounce_token (const Config *config, const char *message_id);

/* Our address with "+bounce-@token" (BOUNCE_TOKEN_PREFIX, bounce.h)
 * before the @. Newly allocated. */
char *compose_verp_address (const Config *config, const char *token);

/* The envelope sender of the message @message_id: our address with
 * "+bounce-TOKEN" before the @ (statements+bounce-TOKEN@example.org). A
 * bounce to it names the message it bounces. Newly allocated. */
char *compose_bounce_address (const Config *config, const char *message_id);

/* @text made safe for a header of ours: no control characters, and no
 * encoded-word (RFC 2047) that a mail reader could decode into any: each
 * is decoded (and the result cleaned) until none is left, and a "=?" that
 * remains becomes "= ?". Newly allocated. */
char *compose_header_text (const char *text);

/* The subject of the forward of a follow-up to @statement_id: the
 * follow-up's @subject (else the statement's @title; either may be NULL),
 * with our tag "[ID] " before it unless it carries the tag already. Newly
 * allocated. */
char *compose_follow_up_subject (const char *statement_id, const char *subject, const char *title);

/* The text of the forward of a follow-up from @from (a From header, may be
 * NULL) in the thread of @thread (id and title): who sent it, in which
 * thread, and that it is attached. Newly allocated. */
char *compose_follow_up_text (const Statement *thread, const char *from);

/* Builds @message for @input. Headers: From (our name and address), To and
 * Cc from the plan's routes of that message (Bcc routes are in the envelope
 * only), Subject "[ID] title" (the ack and the notice say "Received:" and
 * "Held:" after the tag), Date, Message-ID, In-Reply-To and References
 * (the original), Auto-Submitted: auto-generated, X-Loop, X-Liaison-Id.
 * Every value taken from the statement is cleaned of control characters
 * first. Returns a new message (the caller unrefs it), or NULL when the
 * plan has no route for @message. */
GMimeMessage *compose_message (const Config *config, const ComposeInput *input, RouteMessage message);

/* A document of an outgoing statement as a MIME attachment: @len bytes of
 * @data (copied), its @content_type ("application/pdf"; anything that does
 * not parse is application/octet-stream) and @filename, base64. Returns a
 * new part (the caller unrefs it). */
GMimeObject *compose_document_part (const char *filename, const char *content_type,
                                    const char *data, gsize len);

/* Our Message-ID for the reminder @stage of @statement_id, without <>,
 * keyed with "remind-before-7", "remind-overdue-3" (see above): one
 * stage of one statement has one id. Newly allocated. */
char *compose_reminder_id (const Config *config, const char *statement_id, RemindStage stage);

/* The deadline reminder @stage of @statement (id, title, deadline and
 * message_id set), sent on a day @days_left days before its deadline
 * (negative: after it), to the routes of @plan (route_reminder()). Subject
 * remind_subject(); the headers of every message we send, with
 * compose_reminder_id() as the Message-ID, dated @now; a text body with
 * the statement's title, deadline, days left, sender, groups, Datatracker
 * URL and how to mark its action taken. Returns a new message, or NULL
 * when the plan has no queued route. */
GMimeMessage *compose_reminder (const Config *config, const Statement *statement,
                                const RoutePlan *plan, RemindStage stage, int days_left,
                                const char *now);

/* The text block of the statement's fields in the Datatracker label layout
 * (Title:, Submission Date:, ..., From Group:, From:, To Group:, To:, ...,
 * Body:, Attachments:), as the forward carries it. Newly allocated. */
char *compose_summary (const Config *config, const Statement *statement);

/* Our Message-ID for a message about no one statement, without <>:
 * "@prefix.HASH@domain", HASH keyed as above with @prefix and @what
 * (compose_keyed_id (config, "digest-2026-W50", "triage")). @prefix
 * holds only letters, digits and '-'. Newly allocated. */
char *compose_keyed_id (const Config *config, const char *prefix, const char *what);

/* A message about no one statement (the digest, the authorized-senders
 * check): to the directory addresses @to (Address*, at least one). */
typedef struct {
	GPtrArray *to;           /* Address*: To, in order */
	const char *subject;
	const char *text;        /* the text/plain part */
	const char *html;        /* its text/html alternative, or NULL */
	const char *message_id;  /* ours, without <> (compose_keyed_id()) */
	const char *now;         /* ISO 8601 UTC: the Date header */
} ComposeNotice;

/* Builds @notice: From (our name and address), To, Subject, Date,
 * Message-ID, Auto-Submitted: auto-generated, X-Loop; the text alone, or
 * with @html a multipart/alternative of the two. Returns a new message,
 * or NULL when @to is empty. */
GMimeMessage *compose_notice (const Config *config, const ComposeNotice *notice);

#endif
