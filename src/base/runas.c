/* runas.c: a command run by root becomes the owner of the spool (runas.h).
 * Postfix's pipe(8) and local(8) drop to the recipient's account in the
 * same order: groups, group, user, and then make sure there is no way
 * back. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/runas.h"
#include "base/error.h"

gboolean
runas_spool_owner (const char *spool, uid_t *uid, GError **error)
{
	g_autofree char *path = NULL;
	struct stat st;

	g_return_val_if_fail (spool != NULL, FALSE);
	path = g_canonicalize_filename (spool, NULL);
	while (stat (path, &st) < 0) {
		g_autofree char *parent = NULL;

		if (errno != ENOENT || strcmp (path, "/") == 0) {
			int errsv = errno;

			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
			             "[liaison] spool: cannot look at %s: %s", path, g_strerror (errsv));
			return FALSE;
		}
		parent = g_path_get_dirname (path);
		g_free (path);
		path = g_steal_pointer (&parent);
	}
	*uid = st.st_uid;
	return TRUE;
}

static gboolean
refuse (const char *spool, uid_t uid, const char *why, GError **error)
{
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
	             "run as root, but the spool %s belongs to user %u, %s: refused; "
	             "run liaison as that user", spool, (guint) uid, why);
	return FALSE;
}

gboolean
runas_spool_user (const char *spool, GError **error)
{
	struct passwd *pw;
	uid_t uid;

	if (geteuid () != 0 || spool == NULL)
		return TRUE;
	if (!runas_spool_owner (spool, &uid, error))
		return FALSE;
	if (uid == 0)
		return TRUE;
	errno = 0;
	pw = getpwuid (uid);
	if (pw == NULL && errno != 0 && errno != ENOENT && errno != ESRCH) {
		g_autofree char *why = g_strdup_printf ("whose account could not be looked up: %s",
		                                        g_strerror (errno));

		return refuse (spool, uid, why, error);
	}
	if (pw == NULL)
		return refuse (spool, uid, "which has no account", error);
	if (initgroups (pw->pw_name, pw->pw_gid) < 0 || setgid (pw->pw_gid) < 0
	    || setuid (uid) < 0) {
		int errsv = errno;
		g_autofree char *why = g_strdup_printf ("whom liaison could not become (%s): %s",
		                                        pw->pw_name, g_strerror (errsv));

		return refuse (spool, uid, why, error);
	}
	/* Both ids, real and effective, are the user's now: there must be
	 * no way back to root. */
	if (setuid (0) == 0 || getuid () != uid || geteuid () != uid)
		return refuse (spool, uid, "and root could still be regained after the switch", error);
	g_setenv ("HOME", pw->pw_dir, TRUE);
	return TRUE;
}
