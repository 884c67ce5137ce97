/* conf-perms.c: the permission checks on the configuration file, the spool
 * and outbox directories and the database that config_load() and
 * config_check() make. A configuration anyone can write names the program
 * the delivering user runs (sendmail) and where mail goes; a spool or
 * outbox anyone can write lets them swap what is recorded or sent. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "base/conf-perms.h"
#include "base/error.h"

char *
conf_perms_problem (mode_t mode, uid_t uid, gid_t gid, uid_t euid, gid_t egid,
                    gboolean check_owner)
{
	guint bits = (guint) (mode & 07777);

	if ((mode & S_IWOTH) != 0)
		return g_strdup_printf ("writable by everyone (mode %04o)", bits);
	/* A group-writable file is common where the group is the user's own
	 * (user private groups, a umask of 002) or root's; any other group
	 * holds people who are not the user. */
	if ((mode & S_IWGRP) != 0 && gid != 0 && gid != egid)
		return g_strdup_printf ("writable by group %u, which is neither root's nor the running "
		                        "user's (mode %04o)", (guint) gid, bits);
	if (check_owner && uid != 0 && uid != euid)
		return g_strdup_printf ("owned by user %u, neither root nor the running user",
		                        (guint) uid);
	return NULL;
}

gboolean
conf_perms_check_file (const char *path, const struct stat *st, GError **error)
{
	g_autofree char *problem = conf_perms_problem (st->st_mode, st->st_uid, st->st_gid,
	                                               geteuid (), getegid (), TRUE);

	if (problem == NULL)
		return TRUE;
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
	             "configuration %s is %s: refused: only root and the user liaison runs as "
	             "may write it", path, problem);
	return FALSE;
}

char *
conf_perms_dir_problem (const char *section, const char *key, const char *path)
{
	g_autofree char *problem = NULL;
	struct stat st;

	if (path == NULL || stat (path, &st) < 0 || !S_ISDIR (st.st_mode))
		return NULL;
	problem = conf_perms_problem (st.st_mode, st.st_uid, st.st_gid, geteuid (), getegid (), FALSE);
	if (problem == NULL)
		return NULL;
	return g_strdup_printf ("[%s] %s: %s is %s", section, key, path, problem);
}

void
conf_perms_database_problems (const char *path, GPtrArray *problems)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };

	for (gsize i = 0; path != NULL && i < G_N_ELEMENTS (suffixes); i++) {
		g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
		struct stat st;

		if (stat (file, &st) < 0 || !S_ISREG (st.st_mode) || (st.st_mode & 0007) == 0)
			continue;
		g_ptr_array_add (problems,
		                 g_strdup_printf ("[liaison] database: %s is open to others (mode %04o); "
		                                  "it should be 0640", file, (guint) (st.st_mode & 07777)));
	}
}
