/* render.h: statements as JSON (SPEC §10, built with json-glib) and as text
 * for a terminal. Pure: @today is passed in for the derived overdue flag. */
#ifndef LIAISON_RENDER_H
#define LIAISON_RENDER_H

#include <json-glib/json-glib.h>

#include "base/statement.h"

/* The SPEC §10 object. @full adds body, thread and events (show); without
 * it, the list form. Newly allocated node. */
JsonNode *render_statement_json (const Statement *statement, gboolean full, const char *today);

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

/* The show card: every field, attachments, routes, thread and events. */
void render_statement_card (GString *out, const Statement *statement, const char *today);

#endif
