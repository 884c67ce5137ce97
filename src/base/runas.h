/* runas.h: who a command runs as. A command run by root on a spool that
 * belongs to another account (the Debian package's layout: the account
 * liaison owns /var/lib/liaison) becomes that account before it touches
 * the store or the spool: a file root created there would be one the
 * account, which delivers the mail, could not write, and every later
 * delivery would be deferred. */
#ifndef LIAISON_RUNAS_H
#define LIAISON_RUNAS_H

#include <sys/types.h>

#include <glib.h>

/* The owner of @spool, or of its nearest existing parent while it does
 * not exist yet, in @uid. FALSE, with the error, when neither it nor any
 * parent can be looked at. */
gboolean runas_spool_owner (const char *spool, uid_t *uid, GError **error);

/* When the process runs as root (effective user 0) and @spool belongs to
 * another user: switches to that user for good (its groups, its group,
 * then its user: initgroups(), setgid(), setuid()), and to its home
 * directory as $HOME. TRUE when that was done or not needed; FALSE, with
 * LIAISON_ERROR_CONFIG and one line that says what to do, when the owner
 * has no account or the switch failed: nothing may be written then. */
gboolean runas_spool_user (const char *spool, GError **error);

#endif
