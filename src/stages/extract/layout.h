/* extract/layout.h: what one layout's reader is: the interface every
 * extractor (src/stages/extract/LAYOUT.c) implements, and the readers
 * themselves. extract.c walks them; a layout needs nothing of extract.c.
 * Pure. */
#ifndef LIAISON_EXTRACT_LAYOUT_H
#define LIAISON_EXTRACT_LAYOUT_H

#include "input/message.h"
#include "base/statement.h"

/* What an extractor may know besides the text: the message it came from.
 * Every field may be NULL or "" (a text read on its own). */
typedef struct {
	const char *subject;     /* the cleaned subject of the message the text
	                          * belongs to (the forwarded one's inside a
	                          * forward) */
	MessageTextKind kind;    /* body, text attachment, document */
	const char *origin;      /* MessageText.origin */
} ExtractContext;

/* One layout's reader. @text is UTF-8 (any line ends); @context may be
 * NULL. Returns a newly allocated Statement with statement->layout set and
 * the fields found, and sets *score to the evidence: how many of the
 * layout's labels (or, for free-form mail, signs of a statement) were
 * recognised; NULL when @text is not in this layout at all. Pure. */
typedef Statement *(*ExtractFunc) (const char *text, const ExtractContext *context, guint *score);

Statement *extract_datatracker (const char *text, const ExtractContext *context, guint *score);
Statement *extract_itut (const char *text, const ExtractContext *context, guint *score);
Statement *extract_3gpp (const char *text, const ExtractContext *context, guint *score);
Statement *extract_freeform (const char *text, const ExtractContext *context, guint *score);

/* @text read as a letter in no template that may never call itself a
 * liaison statement (a document behind a cover note that says "please
 * find attached"): as extract_freeform(), without the words that say
 * "liaison", but only when it names its addressees (a To: line, a
 * salutation, "to the X working group"). Whether those are ours is for
 * the caller to judge. NULL otherwise. */
Statement *extract_letter (const char *text, const ExtractContext *context, guint *score);

#endif
