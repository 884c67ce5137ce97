/* doctext.c: the outcomes of document text extraction in the spool. A
 * record is one line saying what reading gave ("text", "none", or
 * "limit: NAME"), then the text. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store/doctext.h"
#include "base/error.h"
#include "base/guard.h"
#include "base/util.h"
#include "store/spool.h"

#define KIND "text"
/* The last line of a whole record: a file cut short by a crash (it is
 * made durable only with the delivery that commits) is read as none. */
#define END "\n.end\n"

int
doctext_lookup (const char *spool, const char *sha256, char **text, char **limit, GError **error)
{
	g_autofree char *path = spool_path (spool, KIND, sha256);
	g_autofree char *contents = NULL;
	g_autoptr (GError) local = NULL;
	const char *nl;

	*text = NULL;
	*limit = NULL;
	if (!g_file_get_contents (path, &contents, NULL, &local)) {
		if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return 0;
		liaison_set_errno (error, EIO, local->message);
		return -1;
	}
	if (!g_str_has_suffix (contents, END))
		return 0;
	contents[strlen (contents) - strlen (END)] = '\0';
	nl = strchr (contents, '\n');
	if (nl == NULL)
		return 0;
	if (strncmp (contents, "text\n", 5) == 0)
		*text = g_strdup (nl + 1);
	else if (strncmp (contents, "limit: ", 7) == 0)
		*limit = g_strndup (contents + 7, (gsize) (nl - contents - 7));
	else if (strncmp (contents, "none\n", 5) != 0)
		return 0;
	return 1;
}

gboolean
doctext_save (const char *spool, const char *sha256, const char *text, const char *limit,
              GError **error)
{
	g_autofree char *tmp = g_build_filename (spool, "tmp", "text.XXXXXX", NULL);
	g_autofree char *head = NULL;
	gboolean created = FALSE, ok;
	int fd;

	head = text != NULL ? g_strdup ("text\n")
		: limit != NULL ? g_strdup_printf ("limit: %s\n", limit) : g_strdup ("none\n");
	fd = guard_mkstemp (tmp, O_RDWR | O_CLOEXEC, 0640);
	if (fd < 0) {
		liaison_set_errno (error, errno, "cannot record a document's text");
		return FALSE;
	}
	ok = util_write_all (fd, head, strlen (head), "cannot record a document's text", error)
		&& (text == NULL || util_write_all (fd, text, strlen (text),
		                                    "cannot record a document's text", error))
		&& util_write_all (fd, END, strlen (END), "cannot record a document's text", error);
	if (close (fd) < 0 && ok) {
		liaison_set_errno (error, errno, "cannot record a document's text");
		ok = FALSE;
	}
	ok = ok && spool_commit (spool, KIND, tmp, sha256, &created, error);
	if (ok && created) {
		/* Kept whatever becomes of the transaction. */
		g_autofree char *path = spool_path (spool, KIND, sha256);
		guard_forget_path (path);
	}
	(void) unlink (tmp);
	guard_forget_path (tmp);
	return ok;
}
