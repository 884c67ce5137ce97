/* guard.h: deliver's deadline and its signals. SIGTERM, SIGINT and the
 * time-limit alarm end the process with status 75 after removing the files
 * registered here (spool files not yet committed); SQLite rolls back the
 * uncommitted transaction by itself (the WAL frames of an unfinished
 * transaction are never read). Everything the handler does is
 * async-signal-safe. Registering and forgetting a path costs O(1). */
#ifndef LIAISON_GUARD_H
#define LIAISON_GUARD_H

#include <glib.h>

/* Installs the handlers and arms the alarm for @seconds (0: no limit). */
void guard_init (guint seconds);

/* Registers @path to be removed if the process is stopped. */
void guard_add_path (const char *path);
/* g_mkstemp_full (@tmpl, @flags, @mode), registering the new file with
 * guard_add_path() before a signal can stop the process (a signal between
 * the two would leave the file behind). Returns the descriptor, or -1 with
 * errno set. */
int guard_mkstemp (char *tmpl, int flags, int mode);
/* Forgets @path (after it was committed, or removed). */
void guard_forget_path (const char *path);
/* Forgets every path: the transaction committed. */
void guard_forget_all (void);

/* The process records one message (deliver): once guard_recorded() has
 * been called, the handlers say that the message was recorded and end
 * the process with status 0 instead of 75, since the MTA must not try
 * again what is committed. Without guard_one_message() (reinject's
 * batches) guard_recorded() changes nothing. */
void guard_one_message (void);
/* The message is committed (called with the signals blocked, right
 * after the COMMIT). */
void guard_recorded (void);

/* Stops the process as a temporary failure from outside a handler (a
 * library that cannot be opened, where the caller has no way to fail):
 * says @why on stderr, removes the registered files, and exits 75, or
 * 0 when the message is recorded already, as the handlers do. */
G_GNUC_NORETURN void guard_stop_temporary (const char *why);

/* Defers SIGTERM, SIGINT and SIGALRM (around COMMIT and the bookkeeping
 * right after it); guard_unblock() delivers what arrived meanwhile. */
void guard_block (void);
void guard_unblock (void);

#endif
