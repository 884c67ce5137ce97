/* outbox.h: the outgoing half after composition. Queueing a composed
 * message (its spool file, outbox row and routes, inside a recording
 * transaction), and handing queued
 * messages to the transport: claim the row in a short transaction, send
 * outside any transaction, record the outcome in another. A message the
 * transport accepted is never handed to it again. */
#ifndef LIAISON_OUTBOX_H
#define LIAISON_OUTBOX_H

#include <gmime/gmime.h>

#include "base/conf.h"
#include "stages/route.h"
#include "store/store.h"
#include "store/txn.h"
#include "outbound/transport.h"

/* Serialises @mime with LF line ends into a new temporary file under
 * SPOOL/tmp (covered by guard_add_path(); the caller unlinks it) and
 * returns its path; sets *sha256 (hex, newly allocated) and *size. Errors
 * are temporary. */
char *outbox_write (const char *spool, GMimeMessage *mime, char **sha256, gint64 *size,
                    GError **error);

/* One composed message to queue. */
typedef struct {
	RouteMessage message;    /* which of the plan's messages it is */
	GMimeMessage *mime;      /* the message; NULL: nothing to queue (its
	                          * routes are still recorded, carried by no row) */
	const char *kind;        /* the outbox row's kind: "forward", "follow-up", ... */
	const char *message_id;  /* the outbox row's Message-ID, without <> */
	gint64 row;              /* set by outbox_queue(): its outbox row, or 0 */
	/* Instead of @mime: the file of SPOOL/out that holds the message
	 * already (outbox_reuse_find()), and its size. */
	const char *sha256;
	gint64 size;
} OutboxItem;

typedef struct {
	const char *statement_id;
	gint64 message_row;      /* the message that caused it; 0: none */
	/* Our address and secret: each row's envelope sender is its VERP
	 * address, compose_bounce_address() of its Message-ID. */
	const Config *config;
	const char *now;         /* ISO 8601 UTC: created, and the routes' stamp */
	const RoutePlan *plan;
	guint first_position;    /* the statement's route position of the first route */
	OutboxItem *items;       /* in the order their rows are added */
	guint n_items;
} OutboxQueue;

/* Queues @queue inside @txn: for each item with a message, in order, its
 * spool file (outbox_write(), then txn_add_temp()) and its outbox row
 * (sender: the item's VERP address);
 * then the routes of @queue->plan whose message is one of the items', in
 * plan order, at positions from first_position on, a queued route carried
 * by its item's row. Sets each item's row. Errors are temporary; the
 * caller rolls @txn back. */
gboolean outbox_queue (Txn *txn, OutboxQueue *queue, GError **error);
/* For `rebuild` (SPEC §12): the outgoing messages that SPOOL/out holds
 * already, by Message-ID, so that a replayed delivery names the file it
 * queued then rather than composing the same bytes again.
 * outbox_reuse_begin() reads the header of each file (a Message-ID that
 * two files carry is left out: those are composed); outbox_reuse_find()
 * sets *sha256 (owned by the index) and *size of the file that carries
 * @message_id (without <>), or returns FALSE (also when no index is
 * open); outbox_reuse_end() forgets the index. */
gboolean outbox_reuse_begin (const char *spool, GError **error);
gboolean outbox_reuse_find (const char *message_id, const char **sha256, gint64 *size);
void outbox_reuse_end (void);

typedef struct {
	guint sent;              /* accepted by the transport */
	guint deferred;          /* left queued for a later try */
	guint failed;            /* refused for good, or given up */
	guint skipped;           /* claimed by another process meanwhile */
	guint postponed;         /* not tried: no time left */
} OutboxStats;

/* Called after each hand-over: @outcome and, unless sent, why. */
typedef void (*OutboxReportFunc) (const StoreOutbox *entry, StoreOutboxOutcome outcome,
                                  const char *error_text, gpointer user_data);

typedef struct {
	const char *now;         /* ISO 8601 UTC: the time to record */
	/* Monotonic time (g_get_monotonic_time) by which every hand-over must
	 * have ended; 0: none. A message that no longer fits stays queued. */
	gint64 deadline;
	gboolean ignore_schedule;/* queue run --all: do not wait for next_attempt */
	gboolean interrupted;    /* also hand over again the claims left by a
	                          * process that died while sending (they may
	                          * have been sent) */
	OutboxReportFunc report;
	gpointer user_data;
} OutboxOptions;

/* Hands over the outbox rows @ids (gint64) that are still queued: for a
 * transport that groups (maildir), up to 256 at a time, claimed in one
 * transaction, made durable together and recorded in one transaction;
 * otherwise one at a time. A stop request waits for the group in hand; a
 * crash between hand-over and record hands the group over again after
 * OUTBOX_CLAIM_LEASE (at least once, never lost). Returns
 * FALSE only when the database failed; a transport failure is counted in
 * @stats and leaves the row queued with a later next_attempt (with
 * backoff), or failed when refused for good or queued for longer than
 * OUTBOX_MAX_AGE. */
gboolean outbox_send (Store *store, const Config *config, Transport *transport, GArray *ids,
                      const OutboxOptions *options, OutboxStats *stats, GError **error);

/* `queue run`: hands over every row that is due. */
gboolean outbox_run (Store *store, const Config *config, Transport *transport,
                     const OutboxOptions *options, OutboxStats *stats, GError **error);

/* TRUE when @entry is a claim left by a process that did not finish (its
 * claim is older than OUTBOX_CLAIM_LEASE at @now). */
gboolean outbox_is_interrupted (const StoreOutbox *entry, const char *now);

/* The wait before attempt @attempts + 1, in seconds: 5 minutes, doubling,
 * at most 4 hours. */
guint outbox_backoff (int attempts);

#define OUTBOX_CLAIM_LEASE (15 * 60)          /* seconds */
#define OUTBOX_MAX_AGE (5 * 24 * 60 * 60)     /* seconds: then give up */

#endif
