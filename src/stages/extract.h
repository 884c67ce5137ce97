/* extract.h: reading a liaison statement out of a message. One extractor per
 * layout (src/extract/LAYOUT.c) behind one interface; extract_statement()
 * tries each on each text of the message and keeps the best-supported
 * reading. Pure: no SQL, no files, no clock. */
#ifndef LIAISON_EXTRACT_H
#define LIAISON_EXTRACT_H

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

typedef struct {
	Layout layout;
	ExtractFunc extract;
	guint min_score;         /* less evidence than this is not this layout */
} Extractor;

/* The layouts, in order of preference on equal scores. */
extern const Extractor extractors[];
extern const gsize n_extractors;

Statement *extract_datatracker (const char *text, const ExtractContext *context, guint *score);
Statement *extract_itut (const char *text, const ExtractContext *context, guint *score);
Statement *extract_3gpp (const char *text, const ExtractContext *context, guint *score);
Statement *extract_freeform (const char *text, const ExtractContext *context, guint *score);

/* The best reading of @text alone among every layout, or NULL; for tests.
 * *score is its evidence. */
Statement *extract_text (const char *text, const ExtractContext *context, guint *score);

/* The title a subject gives, or NULL: list tags, "Fwd:" and the words that
 * only label a mail as a statement ("New Liaison Statement, \"...\"",
 * "Liaison statement:") removed; "LS on ..." is kept, since that is how
 * the bodies title their statements. A reply's subject ("Re: ...") gives
 * none. Newly allocated. */
char *extract_title_from_subject (const char *subject);

/* The statement carried by @message (body, text attachments, PDF and DOCX
 * attachments, forwarded messages), or NULL when it has no liaison
 * statement content: every extractor reads every text, and the reading
 * with the most evidence wins (on equal evidence, the earlier layout of
 * extractors[], then the earlier text). statement->origin says which
 * text it was. Fields that the text lacks are completed from the message
 * (title from the subject, contact from From) and, for free-form mail,
 * from what the message's other texts say (a cover note's deadline).
 * Every value is cleaned (statement_clean_line). */
Statement *extract_statement (const Message *message);

#endif
