/* util.c: small helpers written once (see util.h). */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/stat.h>
#include <sys/utsname.h>
#endif

#include "base/error.h"
#include "base/util.h"

gboolean
util_has_string (GPtrArray *list, const char *value, gboolean caseless)
{
	for (guint i = 0; i < list->len; i++) {
		const char *entry = g_ptr_array_index (list, i);
		if ((caseless ? g_ascii_strcasecmp (entry, value) : strcmp (entry, value)) == 0)
			return TRUE;
	}
	return FALSE;
}

void
util_add_unique (GPtrArray *list, const char *value, gboolean caseless)
{
	if (!util_has_string (list, value, caseless))
		g_ptr_array_add (list, g_strdup (value));
}

void
util_take_unique (GPtrArray *list, char *value, gboolean caseless)
{
	if (util_has_string (list, value, caseless))
		g_free (value);
	else
		g_ptr_array_add (list, value);
}

gboolean
util_is_blank (const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '\0';
}

gboolean
util_is_all_space (const char *text)
{
	for (const char *p = text; *p; p++)
		if (!g_ascii_isspace (*p))
			return FALSE;
	return TRUE;
}

int
util_write_raw (int fd, const void *buf, gsize len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write (fd, p, MIN (len, (gsize) G_MAXSSIZE));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EIO;
		p += n;
		len -= (gsize) n;
	}
	return 0;
}

gboolean
util_write_all (int fd, const void *buf, gsize len, const char *what, GError **error)
{
	int errsv = util_write_raw (fd, buf, len);

	if (errsv != 0) {
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	return TRUE;
}

gboolean
util_syncfs_reports_errors (void)
{
#ifdef __linux__
	struct utsname name;
	guint major = 0, minor = 0;

	if (uname (&name) < 0 || sscanf (name.release, "%u.%u", &major, &minor) != 2)
		return FALSE;
	return major > 5 || (major == 5 && minor >= 8);
#else
	return FALSE;
#endif
}

void
util_remove_tree (const char *path)
{
	struct stat st;
	GDir *dir;
	const char *name;

	if (lstat (path, &st) < 0)
		return;
	if (!S_ISDIR (st.st_mode)) {
		(void) unlink (path);
		return;
	}
	dir = g_dir_open (path, 0, NULL);
	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *child = g_build_filename (path, name, NULL);

		util_remove_tree (child);
	}
	if (dir != NULL)
		g_dir_close (dir);
	(void) rmdir (path);
}

char *
util_dlerror (void)
{
	const char *why = dlerror ();

	return g_strdup (why != NULL ? why : "dlopen() failed");
}
