/* render.h: statements as JSON (SPEC §10, built with json-glib) and as text
 * for a terminal, and the JSON of the commands that print rows of their
 * own. Pure: @today is passed in for the derived overdue flag. */
#ifndef LIAISON_RENDER_H
#define LIAISON_RENDER_H

#include <json-glib/json-glib.h>

#include "base/statement.h"

/* The SPEC §10 object. @full adds body, thread and events (show); without
 * it, the list form. Newly allocated node. */
JsonNode *render_statement_json (const Statement *statement, gboolean full, const char *today);

/* The statement's other identifiers ("SG15-LS123"), joined with ", ", as
 * JSON's "other_identifiers" and the exports give them; NULL when it has
 * none. Newly allocated. */
char *render_other_identifiers (const Statement *statement);

/* Pretty-printed JSON text of @node with a final newline. Newly allocated. */
char *render_json_to_string (JsonNode *node);

/* The JSON array of the list form, written one statement at a time:
 * begin, then each statement (@first for the first), then end (@empty when
 * there was none). The text is render_json_to_string()'s of the array of
 * render_statement_json (statement, FALSE, today), byte for byte, without
 * building a tree. */
void render_json_array_begin (GString *out);
void render_json_array_statement (GString *out, const Statement *statement, gboolean first,
                                  const char *today);
void render_json_array_end (GString *out, gboolean empty);

/* The list table: a header line and one line per statement. */
void render_statement_table (GString *out, GPtrArray *statements, const char *today);

/* list --held: each held statement or message (Statement*) with its id or
 * handle, the day it came, its sender, its title and, on a line of its
 * own, why it is held. */
void render_held_table (GString *out, GPtrArray *statements);

/* The show card: every field, attachments, routes, thread and events. */
void render_statement_card (GString *out, const Statement *statement, const char *today);

/* The JSON of the commands, each as render_json_to_string() writes it.
 * Newly allocated text. */

/* thread --json: the head of the statement's object (id, state, overdue,
 * action_taken, title) and its thread, each message with its parent. */
char *render_thread_json (const Statement *statement, const char *today);

/* One statement that search found. */
typedef struct {
	const Statement *statement;
	double score;
	const char *snippet;  /* on one line, the matches [bracketed] */
} RenderHit;

/* search --json: the list form of each statement, best first, with its
 * score and snippet. */
char *render_search_json (const RenderHit *hits, guint count, const char *today);

/* One outgoing message, as queue list shows it. */
typedef struct {
	gint64 id;
	const char *statement_id;      /* or NULL */
	const char *kind;
	const char *message_id;
	const char *state;             /* as shown: "interrupted" for a claim whose process is gone */
	int attempts;
	const char *created;
	const char *next_attempt;
	const char *sent;              /* or NULL */
	const char *last_error;        /* or NULL */
	const GPtrArray *recipients;   /* char* */
} RenderOutboxEntry;

/* queue list --json. */
char *render_outbox_json (const RenderOutboxEntry *entries, guint count);

/* One reminder, as remind reports it. */
typedef struct {
	const char *id;          /* the statement's */
	const char *stage;       /* "before-7" */
	const char *deadline;
	int days_left;
	const char *subject;
	const char *message_id;  /* without <> */
	const GPtrArray *to;     /* char*: the addresses */
	const GPtrArray *cc;
	const char *status;      /* "due", "queued", "sent", ... */
} RenderReminder;

/* remind --json; @day is the day it ran for. */
char *render_reminders_json (const RenderReminder *reminders, guint count, const char *day);

#endif
