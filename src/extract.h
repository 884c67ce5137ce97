/* extract.h: reading a liaison statement out of a message. One extractor per
 * layout (src/extract/LAYOUT.c) behind one interface; extract_statement()
 * tries each on each text of the message and keeps the best-supported
 * reading. Pure: no SQL, no files, no clock. */
#ifndef LIAISON_EXTRACT_H
#define LIAISON_EXTRACT_H

#include "message.h"
#include "statement.h"

/* One layout's reader. @text is UTF-8 with LF line ends. Returns a newly
 * allocated Statement with statement->layout set and the fields found, and
 * sets *score to how many of the layout's labels were recognised (the
 * evidence); NULL when @text is not in this layout at all. */
typedef Statement *(*ExtractFunc) (const char *text, guint *score);

typedef struct {
	Layout layout;
	ExtractFunc extract;
	guint min_score;         /* fewer labels than this is not this layout */
} Extractor;

/* The layouts, in order of preference on equal scores. */
extern const Extractor extractors[];
extern const gsize n_extractors;

Statement *extract_datatracker (const char *text, guint *score);

/* The statement carried by @message (body, text attachments, forwarded
 * messages), or NULL when it has no liaison statement content. Fields that
 * the text lacks are completed from the message (title from the subject,
 * contact from From). Every value is cleaned (statement_clean_line). */
Statement *extract_statement (const Message *message);

#endif
