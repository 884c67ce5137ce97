/* statement.h: the Statement value (RFC 4053 fields), as extracted from a
 * message, resolved against the directory, and read back from the store; and
 * the pure normalisation of purposes, dates, contacts and text. */
#ifndef LIAISON_STATEMENT_H
#define LIAISON_STATEMENT_H

#include <glib.h>

typedef enum {
	PURPOSE_NONE = 0,
	PURPOSE_ACTION,
	PURPOSE_COMMENT,
	PURPOSE_INFORMATION,
	PURPOSE_RESPONSE,
} Purpose;

typedef enum {
	LAYOUT_NONE = 0,
	LAYOUT_DATATRACKER,
	LAYOUT_ITUT,
	LAYOUT_3GPP,
	LAYOUT_FREEFORM,
} Layout;

/* Which way a statement goes: to our groups from a peer (incoming), or
 * the IETF's own, from one of our groups to a peer (outgoing). */
typedef enum {
	DIRECTION_INCOMING = 0,
	DIRECTION_OUTGOING,
} Direction;

typedef enum {
	STATE_HELD = 0,
	STATE_OPEN,
	STATE_REPLIED,
	STATE_CLOSED,
	STATE_DISMISSED,         /* a held message set aside; a rejected
	                          * outgoing statement */
	STATE_PENDING_APPROVAL,  /* an outgoing statement not yet approved */
} StatementState;

/* An attachment of the statement's message, as stored. */
typedef struct {
	char *filename;          /* sanitized display name; never a path */
	char *content_type;      /* "application/pdf" */
	gint64 size;             /* decoded bytes */
	char *sha256;            /* hex; the spool name */
	char *text;              /* the text read from it (document_part_text),
	                          * kept for search; NULL when it has none */
} Attachment;

/* One outgoing route (SPEC §6, filled by the routing issue). */
typedef struct {
	char *address;
	char *role;              /* list chair ad manager triage archive sender */
	char *status;            /* queued sent failed already-received */
} StatementRoute;

/* A document the statement links to rather than attaches: the
 * Datatracker's Attachments: list. */
typedef struct {
	char *title;
	char *url;               /* or NULL when the list gave none */
} Link;

typedef struct {
	char *id;                /* "LS-2026-0003" */
	char *relation;          /* "responds-to", "responded-by" */
} Related;

/* One message of the statement's thread. */
typedef struct {
	char *message_id;
	char *from;
	char *date;
	char *role;              /* statement forward reply follow-up auto-reply bounce */
	char *parent;            /* the Message-ID of the message of the thread
	                          * it answers, or NULL (the statement itself, or
	                          * one that names none) */
} ThreadEntry;

typedef struct {
	char *at;                /* ISO 8601 UTC */
	char *type;
	char *detail;
} Event;

typedef struct {
	/* Extracted (pure, from the message). */
	Layout layout;
	char *origin;            /* the text it was read from: "body", "html",
	                          * "attachment:NAME", "pdf:NAME", "docx:NAME",
	                          * after "forwarded:" for each message/rfc822
	                          * level; NULL when not extracted */
	char *title;
	char *submitted;         /* YYYY-MM-DD or NULL */
	char *deadline;          /* YYYY-MM-DD or NULL */
	Purpose purpose;
	char *url;               /* the Datatracker page, or NULL */
	char *from_org_text;     /* the sending organization as written */
	char *from_contact;      /* "Name <addr>" or "Name" */
	GPtrArray *to_texts;     /* char*: destination groups as written */
	GPtrArray *to_contacts;  /* char*: "Name <addr>" */
	GPtrArray *cc;           /* char* */
	GPtrArray *response_contacts;  /* char* */
	GPtrArray *technical_contacts; /* char* */
	GPtrArray *references;   /* char*: Referenced liaison / Response to, as written */
	GPtrArray *other_identifiers;  /* char*: "ITU-T SG15 LS 123", "R2-2301234" */
	GPtrArray *attachment_titles;  /* char*: the Attachments: label's titles */
	GPtrArray *links;        /* Link*: those titles with their URLs */
	char *body;

	/* Resolved against the directory. */
	char *from_org;          /* canonical org name, or from_org_text if unknown */
	GPtrArray *groups;       /* char*: group keys, "ccamp" */
	char *hold_reason;       /* non-NULL: the statement is held, and why */
	Direction direction;     /* outgoing: from_org is our group, groups
	                          * the peer organizations it is for */

	/* Filled by the store. */
	char *id;                /* "LS-2026-0007"; a held message's handle
	                          * ("HM-2026-0001") until it is promoted */
	char *handle;            /* a held message's handle (kept after its
	                          * promotion), NULL for a statement that
	                          * arrived as one */
	gboolean undelivered;    /* every list route bounced */
	StatementState state;
	gboolean action_taken;
	char *received;          /* ISO 8601 UTC */
	char *message_id;        /* without angle brackets */
	GPtrArray *attachments;  /* Attachment* */
	GPtrArray *routes;       /* StatementRoute* */
	GPtrArray *related;      /* Related* */
	GPtrArray *thread;       /* ThreadEntry* */
	GPtrArray *events;       /* Event* */
} Statement;

/* A new, empty statement: every array allocated and empty. */
Statement *statement_new (void);
void statement_free (Statement *statement);
/* Empties @statement for another: as statement_new() gives one, with the
 * arrays it had (emptied, their memory kept). */
void statement_reset (Statement *statement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Statement, statement_free)

void attachment_free (Attachment *attachment);
void statement_route_free (StatementRoute *route);
void related_free (Related *related);
void link_free (Link *link);
void thread_entry_free (ThreadEntry *entry);
void event_free (Event *event);

/* Names used in the store and in JSON ("action", "datatracker", "open").
 * Static strings. purpose_to_string (PURPOSE_NONE) is NULL. */
const char *purpose_to_string (Purpose purpose);
const char *layout_to_string (Layout layout);
const char *state_to_string (StatementState state);
const char *direction_to_string (Direction direction);
Direction direction_from_string (const char *text);
StatementState state_from_string (const char *text);
Layout layout_from_string (const char *text);
Purpose purpose_from_string (const char *text); /* our own names only */

/* Maps a purpose as the bodies write it ("For action", "For Information",
 * "In response", "ACTION", "for comment", "Response") onto a Purpose.
 * PURPOSE_NONE when it is none of them. */
Purpose statement_parse_purpose (const char *text);

/* Normalises a date as the bodies write it ("2027-01-15", "15 January 2027",
 * "15/01/2027", "January 15, 2027", "15 Jan. 2027", "2027-01-15 12:00:00")
 * into a newly allocated "YYYY-MM-DD". NULL when it is not a valid date. */
char *statement_parse_date (const char *text);

/* The first date written anywhere in @text ("please reply by 15 January
 * 2027.", "Agreed at the meeting (Geneva, 3-14 July 2027)"), as a newly
 * allocated "YYYY-MM-DD"; NULL when there is none. A range of days ("3-14
 * July 2027", "28 February - 4 March 2027") gives its first day, or its
 * last when @range_end is TRUE. */
char *statement_find_date (const char *text, gboolean range_end);

/* "Name <address>" from a name and an address, either of which may be NULL
 * or empty; the name is quoted when it holds characters that would split a
 * contact list. Newly allocated; NULL when both are empty. */
char *statement_format_contact (const char *name, const char *address);

/* Splits a contact list ("A <a@x>, B <b@y>; c@z") into newly allocated
 * "Name <addr>" strings, appended to @out. Commas inside quotes or angle
 * brackets do not split. Text without an address is kept as written. */
void statement_split_contacts (const char *text, GPtrArray *out);

/* Returns a newly allocated copy of @text (which may be NULL or invalid
 * UTF-8) that is valid UTF-8, without control characters (CR, LF, TAB and
 * others become a space), with runs of white space folded and the ends
 * trimmed. Used on every value taken from a message before it is stored. */
char *statement_clean_line (const char *text);

/* Like statement_clean_line but keeps line breaks (LF) and TABs: for bodies.
 * CR LF and lone CR become LF. */
char *statement_clean_text (const char *text);

/* TRUE when @statement has a deadline before @today (YYYY-MM-DD), no reply
 * and no action taken, and is not closed. */
gboolean statement_is_overdue (const Statement *statement, const char *today);

/* Days from @today to the deadline (negative when past); FALSE when the
 * statement has no deadline. */
gboolean statement_days_left (const Statement *statement, const char *today, int *days);

#endif
