/* links.h: the documents a statement links to rather than attaches: the
 * Datatracker's "Attachments:" list, each title on a line of its own and
 * its URL on the next. extract records the titles; this finds their URLs.
 * Pure. */
#ifndef LIAISON_LINKS_H
#define LIAISON_LINKS_H

#include "base/statement.h"
#include "input/message.h"

/* Appends to @links (Link*) one link per title of @titles (char*): the
 * title and the http(s) URL on the first non-blank line after the line
 * of @text that holds that title alone (trimmed), or NULL when there is
 * none. */
void links_from_text (const GPtrArray *titles, const char *text, GPtrArray *links);

/* Fills statement->links for a Datatracker statement with attachment
 * titles, from the texts of @message (the one the statement was read from
 * first). Leaves any other statement alone. */
void links_find (Statement *statement, const Message *message);

#endif
