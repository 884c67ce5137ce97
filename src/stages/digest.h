/* digest.h: where things stand (issue 18), pure: given the register, the
 * held messages, the outbox and the time, which statements a digest lists
 * in each section, and its text and HTML; the text of the quarterly check
 * of an organization's authorized senders; the periods that keep each to
 * one a week or a quarter. No SQL, no clock. */
#ifndef LIAISON_DIGEST_H
#define LIAISON_DIGEST_H

#include <glib.h>

#include "base/conf.h"
#include "base/statement.h"

/* An outgoing message, as the outbox holds it (borrowed strings). */
typedef struct {
	const char *statement_id;/* or NULL */
	const char *kind;        /* "forward", "reminder", ... */
	const char *state;       /* queued sending sent failed */
	const char *created;     /* ISO 8601 UTC */
	const char *message_id;  /* without <> */
	const char *last_error;  /* or NULL */
} DigestOutgoing;

typedef struct {
	const char *today;       /* YYYY-MM-DD: days left are counted from it */
	const char *now;         /* ISO 8601 UTC: "waited more than a day" */
	const char *since;       /* YYYY-MM-DD or ISO 8601 UTC: "new" is
	                          * received at or after it */
	GPtrArray *statements;   /* Statement*: the register */
	GPtrArray *held;         /* Statement*: the held ones, with handles */
	GPtrArray *replied;      /* char*: ids a reply came for since @since */
	GPtrArray *outgoing;     /* DigestOutgoing*: the outbox */
} DigestInput;

/* What one digest lists, each array borrowed from the input. */
typedef struct {
	GPtrArray *fresh;        /* Statement*: received since */
	GPtrArray *awaiting;     /* open, action not taken, deadline to come */
	GPtrArray *overdue;      /* open, action not taken, deadline past */
	GPtrArray *held;
	GPtrArray *replied;
	GPtrArray *outgoing;     /* DigestOutgoing*: failed since, or queued
	                          * for more than a day */
} DigestReport;

/* The report of @input for the managers of @orgs (const Org*: the
 * statements from or to those organizations, and their mail), or with
 * @orgs NULL for triage (everything). Free with digest_report_free(). */
DigestReport *digest_report_new (const DigestInput *input, const Config *config, GPtrArray *orgs);
void digest_report_free (DigestReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DigestReport, digest_report_free)

/* Whether @report lists nothing at all. */
gboolean digest_report_empty (const DigestReport *report);

/* The subject, text and HTML (a whole document, every value escaped) of
 * the digest @report for @scope ("ITU-T SG15, ITU-T SG13" or "all
 * organizations"). Newly allocated. */
char *digest_subject (const DigestInput *input, const char *scope);
char *digest_text (const DigestReport *report, const DigestInput *input, const Config *config,
                   const char *scope);
char *digest_html (const DigestReport *report, const DigestInput *input, const Config *config,
                   const char *scope);

/* The ISO week of @today ("2026-W50") and its quarter ("2026-Q4"); NULL
 * when @today is not a date. Newly allocated. */
char *digest_week (const char *today);
char *digest_quarter (const char *today);

/* The people authorized to submit for @org (its authorized list, else its
 * domains rule, else anyone with `senders = any`) and the trusted relays,
 * as the subject and the text that asks its managers to confirm or correct
 * them. Newly allocated. */
char *digest_authorized_subject (const Org *org, const char *quarter);
char *digest_authorized_text (const Config *config, const Org *org, const char *quarter);

#endif
