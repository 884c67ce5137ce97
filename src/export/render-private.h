/* render-private.h: the small rules that the JSON (render.c) and the text
 * (render-text.c) of a statement share. For those two files only. */
#ifndef LIAISON_RENDER_PRIVATE_H
#define LIAISON_RENDER_PRIVATE_H

#include "base/statement.h"

/* The organization as resolved, else as written; NULL when neither is
 * known. Borrowed. */
const char *render_statement_org (const Statement *statement);

/* The purpose and layout names, or NULL for the "none" values whatever the
 * to_string functions make of them. */
const char *render_purpose_name (Purpose purpose);
const char *render_layout_name (Layout layout);

/* Overdue on @today; never when @today is NULL. */
gboolean render_is_overdue (const Statement *statement, const char *today);

#endif
