/* part-text.h: the decoded text of one text part of a message. Below both
 * message.c, which walks a message's parts, and document.c, which reads
 * one attachment. */
#ifndef LIAISON_PART_TEXT_H
#define LIAISON_PART_TEXT_H

#include <glib.h>
#include <gmime/gmime.h>

/* The decoded text of a text part in UTF-8, cleaned (statement_clean_text),
 * at most 2 MB of it: valid UTF-8 is taken as such, anything else is
 * converted from the declared charset (any GMime knows), else from
 * Windows-1252. Newly allocated, never NULL. */
char *part_text (GMimePart *part);

/* A stream of @part's content, decoded from its transfer encoding, read
 * from the start; *raw (when not NULL) is set to the encoded stream under
 * it (borrowed). Newly allocated, or NULL when the part has no content. */
GMimeStream *part_decoded_stream (GMimePart *part, GMimeStream **raw);

#endif
