/* secret.h: the spool's secret (SPEC §9, §12): 32 random bytes in
 * SPOOL/secret that key our Message-IDs and VERP tokens, so that nobody
 * without it can compute them, while a rebuild with the spool kept
 * reproduces them. Created once, read on every run. */
#ifndef LIAISON_SECRET_H
#define LIAISON_SECRET_H

#include <glib.h>

/* The bytes in the file. */
#define SECRET_SIZE 32

/* The secret of @spool as 2 * SECRET_SIZE lower-case hex digits (newly
 * allocated). When SPOOL/secret does not exist it is created (mode 0600,
 * exclusively, fsynced with its directory); a process that loses the race
 * to create it reads the winner's. A secret that cannot be read, or that
 * is not SECRET_SIZE bytes, is an error (temporary: LIAISON_ERROR_IO and
 * the like), never replaced: nothing must be sent under another key. */
char *secret_load (const char *spool, GError **error);

/* `check`'s look at SPOOL/secret: appends a sentence to @problems (char*)
 * when it exists but cannot be read, is not SECRET_SIZE bytes, or others
 * than its owner may read it. A missing one is no problem: the first
 * command that sends mail creates it. */
void secret_check (const char *spool, GPtrArray *problems);

/* TRUE when @spool has a secret file (whatever its state). */
gboolean secret_exists (const char *spool);

#endif
