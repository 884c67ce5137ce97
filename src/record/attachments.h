/* attachments.h: a statement's attachments stored in the spool, each
 * under its SHA-256, as part of the recording transaction. */
#ifndef LIAISON_ATTACHMENTS_H
#define LIAISON_ATTACHMENTS_H

#include "base/statement.h"
#include "input/message.h"
#include "store/txn.h"

/* Stores each attachment of @message in the spool (kind "att") within
 * @txn and adds it to @statement->attachments: its display name, content
 * type, size, SHA-256 and text. Stops at the first error (temporary). */
gboolean attachments_record (Txn *txn, Message *message, Statement *statement, GError **error);

#endif
