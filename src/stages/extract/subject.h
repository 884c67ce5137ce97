/* extract/subject.h: the title a message's subject gives a statement.
 * Shared by extract.c (a title the text lacks) and the free-form layout
 * (a reply is no statement). Pure. */
#ifndef LIAISON_EXTRACT_SUBJECT_H
#define LIAISON_EXTRACT_SUBJECT_H

/* The title a subject gives, or NULL: list tags, "Fwd:" and the words that
 * only label a mail as a statement ("New Liaison Statement, \"...\"",
 * "Liaison statement:") removed; "LS on ..." is kept, since that is how
 * the bodies title their statements. A reply's subject ("Re: ...") gives
 * none. Newly allocated. */
char *extract_title_from_subject (const char *subject);

#endif
