/* doctext.h: the spool's record of each document's text extraction (SPEC
 * §12): SPOOL/text/XX/SHA256, named by the SHA-256 of the document's
 * decoded bytes, holds what reading it gave (its text, none, or the limit
 * that stopped the reader), so that a retry, `reinject` and a rebuild
 * reuse the outcome instead of parsing a hostile document again. */
#ifndef LIAISON_DOCTEXT_H
#define LIAISON_DOCTEXT_H

#include <glib.h>

/* The recorded outcome for the document @sha256: 1 with *text (newly
 * allocated; NULL when it held none) and *limit (newly allocated name of
 * the limit that stopped its reader, or NULL), 0 when none is recorded
 * (or the record is damaged), -1 with @error (temporary) when it cannot
 * be read. */
int doctext_lookup (const char *spool, const char *sha256, char **text, char **limit,
                    GError **error);

/* Records an outcome: @text (NULL: none) or @limit (NULL: none). Written
 * to a temporary file, fsynced and linked into place (spool_commit()) at
 * once, not with a transaction: it is true of the document whatever
 * becomes of the message, and a retry after a rollback wants it most.
 * An outcome recorded already is kept. Errors are temporary. */
gboolean doctext_save (const char *spool, const char *sha256, const char *text,
                       const char *limit, GError **error);

#endif
