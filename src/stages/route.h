/* route.h: who receives what when a statement arrives (SPEC §6). Pure: from
 * the resolved statement, the directory and the original's recipients, the
 * list of routes, each an address with its role, the outgoing message it
 * belongs to, and whether it is to be sent or already received the original. */
#ifndef LIAISON_ROUTE_H
#define LIAISON_ROUTE_H

#include "base/conf.h"
#include "base/statement.h"

typedef enum {
	ROUTE_ROLE_LIST,
	ROUTE_ROLE_CHAIR,
	ROUTE_ROLE_AD,
	ROUTE_ROLE_MANAGER,
	ROUTE_ROLE_TRIAGE,
	ROUTE_ROLE_ARCHIVE,
	ROUTE_ROLE_SENDER,
	ROUTE_ROLE_RESPONSE,     /* a response contact, Cc of a reminder */
	ROUTE_ROLE_APPROVER,     /* who approves an outgoing statement */
	ROUTE_ROLE_PEER,         /* the peer's send-to: the IETF's statement */
} RouteRole;

typedef enum {
	ROUTE_STATUS_QUEUED,
	ROUTE_STATUS_SENT,
	ROUTE_STATUS_FAILED,
	ROUTE_STATUS_ALREADY_RECEIVED,
} RouteStatus;

/* The outgoing message a route belongs to. */
typedef enum {
	ROUTE_MESSAGE_FORWARD,   /* the statement, to its groups */
	ROUTE_MESSAGE_ACK,       /* the acknowledgement, to its sender */
	ROUTE_MESSAGE_HELD,      /* the notice of a held statement, to triage */
	ROUTE_MESSAGE_REMINDER,  /* `remind`: a deadline reminder (SPEC §8) */
} RouteMessage;

/* The messages a statement's arrival can cause, which deliver composes:
 * forward, ack and held. The reminder is route_reminder()'s alone. */
#define ROUTE_N_MESSAGES 3

/* Where the address stands in the message's header (Bcc: envelope only). */
typedef enum {
	ROUTE_FIELD_TO,
	ROUTE_FIELD_CC,
	ROUTE_FIELD_BCC,
} RouteField;

typedef struct {
	char *address;           /* addr-spec as the directory writes it */
	char *name;              /* display name, or NULL */
	RouteRole role;
	RouteStatus status;      /* QUEUED, or ALREADY_RECEIVED (not sent) */
	RouteMessage message;
	RouteField field;
} PlannedRoute;

typedef struct {
	GPtrArray *routes;       /* PlannedRoute*, in the order they are recorded */
	GPtrArray *dropped;      /* char*: addresses left out because their
	                          * message had config->max_recipients already */
} RoutePlan;

/* What the plan needs to know of the original message. */
typedef struct {
	/* The addr-specs in the original's To and Cc: they received it
	 * directly. NULL or empty when none. */
	GPtrArray *recipients;   /* char* */
	/* Who would get the acknowledgement: the original's From, or NULL. */
	const Address *sender;
	/* classify_is_automatic(): no acknowledgement (RFC 3834). */
	gboolean automatic;
} RouteOriginal;

/* The routes of @statement (groups resolved, from_org and hold_reason
 * set): for an open statement, To the groups' lists, Cc their chairs and
 * ADs and the sending organization's managers (the triage address when it
 * has none), Bcc the archive, each marked already-received when it was in
 * the original's To or Cc, and an acknowledgement to @original's sender
 * (who must have passed the sender checks: authorize_reply_address())
 * unless @original says automatic, config->acknowledge is off, or the
 * sender receives the forward anyway. A held statement goes To the
 * triage address and Cc the organization's managers only, and is not
 * acknowledged. An open outgoing statement (the IETF's own, which our
 * groups wrote) goes to the archive alone (Bcc), unacknowledged. No
 * address appears twice (compared case-insensitively;
 * the first role wins) and our own address never appears. No message has
 * more than config->max_recipients queued routes: the routes past it are
 * left out, in plan->dropped (route_too_many() says beforehand whether a
 * forward would lose any). Newly allocated. */
RoutePlan *route_plan (const Statement *statement, const Config *config,
                       const RouteOriginal *original);
void route_plan_free (RoutePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RoutePlan, route_plan_free)

/* Why @statement, open, cannot be forwarded as route_plan() would plan it:
 * its forward would have more than config->max_recipients envelope
 * recipients. Newly allocated "too many recipients: ...", or NULL. */
char *route_too_many (const Statement *statement, const Config *config,
                      const RouteOriginal *original);

/* The recipients of a deadline reminder of @statement (SPEC §8), all of
 * message ROUTE_MESSAGE_REMINDER and status QUEUED: To the chairs of its
 * destination groups, Cc the sending organization's managers (the triage
 * address when it has none, as for the forward) and, when
 * @sender_checked (its sender passed the checks of SPEC §6 on arrival),
 * those of its response contacts that read as a mailbox within the
 * organization's domains; nobody else named in the statement. No address
 * twice, never our own, at most config->max_recipients: the rest (response
 * contacts first) in plan->dropped. Empty when there is nobody to remind,
 * and for a statement whose purpose is information (its groups are only
 * copied). Newly allocated. */
RoutePlan *route_reminder (const Statement *statement, const Config *config,
                           gboolean sender_checked);

/* What @plan->dropped says, for an event: "held notice to 3 of 5
 * recipients (max-recipients 3); left out: a@x, b@y". @what names the
 * message. Newly allocated; NULL when nothing was dropped. */
char *route_dropped_text (const RoutePlan *plan, const Config *config, const char *what);

/* Removes the routes of @message from @plan (an acknowledgement over the
 * day's limit). */
void route_plan_remove (RoutePlan *plan, RouteMessage message);

/* Whether @address is one the directory names as a receiver: our own, the
 * triage and archive addresses, a group's list, chairs and ADs, an
 * organization's managers. Mail to these is never capped per day. */
gboolean route_is_directory (const Config *config, const char *address);

/* The envelope recipients of @message in @plan: the addresses of its
 * queued routes, in order. Borrowed strings (they belong to @plan) in a
 * new array; empty when the message is not to be sent at all. */
GPtrArray *route_plan_recipients (const RoutePlan *plan, RouteMessage message);

/* Names used in the store and in JSON: "list", "queued", "forward".
 * Static strings. */
const char *route_role_to_string (RouteRole role);
const char *route_status_to_string (RouteStatus status);
const char *route_message_to_string (RouteMessage message);

#endif
