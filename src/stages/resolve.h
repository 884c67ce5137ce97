/* resolve.h: resolving an extracted statement against the directory: which
 * peer organization sent it and which of our groups it is for. Pure. */
#ifndef LIAISON_RESOLVE_H
#define LIAISON_RESOLVE_H

#include "base/conf.h"
#include "input/message.h"
#include "base/statement.h"

/* Sets statement->from_org (the directory's name for the sending
 * organization, else the text as written, else the sender's domain) and
 * statement->groups (group keys, without duplicates, in order of mention)
 * from the statement's From/To text, the recipient extension (-e), and the
 * original's To/Cc matched against group list addresses. When no destination
 * group resolves, sets statement->hold_reason. The statement's own text
 * outranks the sender's domain. */
void resolve_statement (Statement *statement, const Config *config, const Message *message);

/* TRUE when @text, a destination as a statement writes it ("IETF OPSAWG",
 * "the CCAMP and TEAS working groups"), names a group of @config. */
gboolean resolve_names_group (const Config *config, const char *text);

#endif
