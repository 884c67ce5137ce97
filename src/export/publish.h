/* publish.h: the public register (SPEC §13, [publish]): the statements the
 * public may see, and the HTML register, Atom feed and iCalendar feed of
 * deadlines kept current from them, rewritten only when that view changed.
 * Called by `queue run` and `publish`, never by deliver. */
#ifndef LIAISON_PUBLISH_H
#define LIAISON_PUBLISH_H

#include <glib.h>

#include "base/conf.h"
#include "store/store.h"

/* Every statement with everything (body, thread, events), newest first.
 * An empty array when @store is NULL (no database yet). Array of
 * Statement*, owned by the caller. */
GPtrArray *publish_load_statements (Store *store, GError **error);

/* Keeps in @statements only what the public may see: statements open,
 * replied or closed, not held (no held messages or their HM handles, no
 * dismissed ones, no statement pending approval), and strips from those
 * their hold reason, events (notes among them), routes and thread, and
 * the related ids that are not public. In place; pure. */
void publish_public_view (GPtrArray *statements);

/* TRUE when @config has a [publish] target. */
gboolean publish_configured (const Config *config);

typedef enum {
	PUBLISH_UNCHANGED,       /* the view is the one last published */
	PUBLISH_WRITTEN,         /* the targets were written */
} PublishOutcome;

typedef struct {
	PublishOutcome outcome;
	guint statements;        /* public statements */
	guint deadlines;         /* open deadlines in the iCalendar feed */
	guint removed;           /* stale statement pages removed */
} PublishResult;

/* Writes the [publish] targets of @config from @store (may be NULL: an
 * empty register) when the public view (as of @today) differs from the
 * one last published, or a target is missing, or @force. Each file is
 * written beside and renamed into place; the HTML index last. The view's
 * SHA-256 is kept in SPOOL/publish.state. @now: ISO 8601 UTC. Errors:
 * the store's, and LIAISON_ERROR_IO, _NOSPACE, _FAILED from writing. */
gboolean publish_run (Store *store, const Config *config, const char *now, const char *today,
                      gboolean force, PublishResult *result, GError **error);

#endif
