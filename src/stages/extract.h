/* extract.h: reading a liaison statement out of a message. One extractor
 * per layout (src/stages/extract/LAYOUT.c, behind the interface of
 * extract/layout.h); extract_statement() tries each on each text of the
 * message and keeps the best-supported reading. Pure: no SQL, no files,
 * no clock. */
#ifndef LIAISON_EXTRACT_H
#define LIAISON_EXTRACT_H

#include "base/conf.h"
#include "input/message.h"
#include "base/statement.h"
#include "stages/extract/layout.h"
#include "stages/extract/subject.h"

typedef struct {
	Layout layout;
	ExtractFunc extract;
	guint min_score;         /* less evidence than this is not this layout */
} Extractor;

/* The layouts, in order of preference on equal scores. */
extern const Extractor extractors[];
extern const gsize n_extractors;

/* The best reading of @text alone among every layout, or NULL; for tests.
 * *score is its evidence. */
Statement *extract_text (const char *text, const ExtractContext *context, guint *score);

/* The statement carried by @message (body, text attachments, PDF and DOCX
 * attachments, forwarded messages), or NULL when it has no liaison
 * statement content: every extractor reads every text, and the reading
 * with the most evidence wins (on equal evidence, the earlier layout of
 * extractors[], then the earlier text). statement->origin says which
 * text it was. A letter attached behind a cover note (extract_letter())
 * is the statement when nothing else is, or when only the note was read
 * as one, provided it addresses the IETF or a group of @config (which
 * may be NULL: the IETF only). Fields that the text lacks are completed
 * from the message (title from the subject, contact from From) and, for
 * free-form mail, from what the message's other texts say (a cover
 * note's deadline). Every value is cleaned (statement_clean_line). */
Statement *extract_statement (const Message *message, const Config *config);

#endif
