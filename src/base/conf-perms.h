/* conf-perms.h: whom liaison trusts with the files that decide what it
 * runs, where it writes and what it sends: the configuration, the spool and
 * the outbox Maildir must be writable by root and the user it runs as
 * alone, and the database is for them and the group to read. */
#ifndef LIAISON_CONF_PERMS_H
#define LIAISON_CONF_PERMS_H

#include <sys/types.h>
#include <sys/stat.h>

#include <glib.h>

/* What is wrong with a file or directory of mode @mode, owner @uid and
 * group @gid, for a program running as @euid and @egid: writable by
 * everyone; writable by a group that is neither root's (0) nor @egid;
 * with @check_owner, owned by neither root nor @euid. A sentence without
 * the path ("writable by everyone (mode 0666)"), newly allocated, or NULL
 * when all is well. Pure. */
char *conf_perms_problem (mode_t mode, uid_t uid, gid_t gid, uid_t euid, gid_t egid,
                          gboolean check_owner);

/* FALSE, with LIAISON_ERROR_CONFIG, when the configuration file @path,
 * whose status @st is (fstat() of the opened file: a link's target), has
 * a conf_perms_problem() (owner checked). */
gboolean conf_perms_check_file (const char *path, const struct stat *st, GError **error);

/* The problem of the directory @path ("[SECTION] KEY: PATH is writable by
 * everyone (mode 0777)"), newly allocated, or NULL when it is fine or does
 * not exist yet (it is then created 0750). The owner is not checked: an
 * administrator running a command as root reads a spool that the
 * delivering user owns. */
char *conf_perms_dir_problem (const char *section, const char *key, const char *path);

/* Appends to @problems one sentence for each of the database @path and its
 * -wal and -shm files that others may read or write (store_open() takes
 * that away from the files it owns). */
void conf_perms_database_problems (const char *path, GPtrArray *problems);

#endif
