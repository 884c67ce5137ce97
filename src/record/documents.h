/* documents.h: the text of a message's PDF and DOCX attachments, read in
 * a limited child (input/document-child.h) with the spool's record of
 * earlier outcomes (store/doctext.h), before the pure stages read it; and
 * the events that say which documents a limit stopped. */
#ifndef LIAISON_RECORD_DOCUMENTS_H
#define LIAISON_RECORD_DOCUMENTS_H

#include <glib.h>

#include "base/conf.h"
#include "input/message.h"
#include "store/store.h"

/* Reads the documents of @message (document_child_read()) under the
 * limits that @config's time-limit gives, reusing and keeping outcomes in
 * @config's spool. Adds a note (char*) to @notes for each document a
 * limit stopped, and logs it. Errors are temporary. */
gboolean documents_read (const Config *config, Message *message, GPtrArray *notes,
                         GError **error);

/* Records each of @notes as an event "document" of the statement
 * @statement_id. */
gboolean documents_record_events (Store *store, const char *statement_id, const char *at,
                                  GPtrArray *notes, GError **error);

#endif
