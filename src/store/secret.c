/* secret.c: SPOOL/secret, the key of our Message-IDs and VERP tokens.
 * Written to a temporary name (O_EXCL, mode 0600), fsynced, and linked
 * into place, so that the name never shows a partial file and two
 * processes that both found it missing end up with the same secret. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"
#include "store/secret.h"

/* Reads the secret at @path into @out. FALSE with *missing set when there
 * is no such file; FALSE with @error set when it cannot be read or has
 * the wrong size. */
static gboolean
read_secret (const char *path, guint8 *out, gboolean *missing, GError **error)
{
	guint8 buf[SECRET_SIZE + 1];
	gsize got = 0;
	int fd;

	*missing = FALSE;
	fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot read the secret %s", path);

		if (errsv == ENOENT) {
			*missing = TRUE;
			return FALSE;
		}
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	while (got < sizeof buf) {
		ssize_t n = read (fd, buf + got, sizeof buf - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errsv = errno;
			g_autofree char *what = g_strdup_printf ("cannot read the secret %s", path);

			close (fd);
			liaison_set_errno (error, errsv, what);
			return FALSE;
		}
		if (n == 0)
			break;
		got += (gsize) n;
	}
	close (fd);
	if (got != SECRET_SIZE) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO,
		             "the secret %s is not %d bytes: restore it from a backup, or remove "
		             "it (our Message-IDs and bounce addresses then change)", path, SECRET_SIZE);
		return FALSE;
	}
	memcpy (out, buf, SECRET_SIZE);
	return TRUE;
}

/* Fills @out with random bytes from the kernel. */
static gboolean
random_bytes (guint8 *out, gsize len, GError **error)
{
	gsize got = 0;
	int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		liaison_set_errno (error, errno, "cannot open /dev/urandom");
		return FALSE;
	}
	while (got < len) {
		ssize_t n = read (fd, out + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			liaison_set_errno (error, n < 0 ? errno : EIO, "cannot read /dev/urandom");
			close (fd);
			return FALSE;
		}
		got += (gsize) n;
	}
	close (fd);
	return TRUE;
}

static gboolean
fsync_dir (const char *dir)
{
	int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	gboolean ok;

	if (fd < 0)
		return FALSE;
	ok = fsync (fd) == 0 || errno == EINVAL;
	close (fd);
	return ok;
}

/* Creates @path (in @spool) with a new secret, unless another process
 * does first. */
static gboolean
create_secret (const char *spool, const char *path, GError **error)
{
	g_autofree char *tmp = g_build_filename (spool, ".secret.XXXXXX", NULL);
	guint8 bytes[SECRET_SIZE];
	int fd;

	if (!random_bytes (bytes, sizeof bytes, error))
		return FALSE;
	fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		liaison_set_errno (error, errno, "cannot create the spool's secret");
		return FALSE;
	}
	if (fchmod (fd, 0600) < 0 || !util_write_all (fd, bytes, sizeof bytes, "cannot write the spool's secret", error) ||
	    fsync (fd) < 0) {
		if (error != NULL && *error == NULL)
			liaison_set_errno (error, errno, "cannot write the spool's secret");
		close (fd);
		(void) unlink (tmp);
		return FALSE;
	}
	close (fd);
	memset (bytes, 0, sizeof bytes);
	/* link() never replaces: the first secret stays the secret. */
	if (link (tmp, path) < 0 && errno != EEXIST) {
		liaison_set_errno (error, errno, "cannot put the spool's secret in place");
		(void) unlink (tmp);
		return FALSE;
	}
	(void) unlink (tmp);
	if (!fsync_dir (spool)) {
		liaison_set_errno (error, errno, "cannot sync the spool directory");
		return FALSE;
	}
	return TRUE;
}

char *
secret_load (const char *spool, GError **error)
{
	g_autofree char *path = NULL;
	guint8 bytes[SECRET_SIZE];
	gboolean missing = FALSE;
	GString *hex;

	g_return_val_if_fail (spool != NULL, NULL);

	path = g_build_filename (spool, "secret", NULL);
	if (!read_secret (path, bytes, &missing, error)) {
		if (!missing)
			return NULL;
		if (g_mkdir_with_parents (spool, 0750) < 0) {
			liaison_set_errno (error, errno, "cannot create the spool directory");
			return NULL;
		}
		if (!create_secret (spool, path, error))
			return NULL;
		if (!read_secret (path, bytes, &missing, error)) {
			if (missing)
				g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO,
				             "the secret %s vanished", path);
			return NULL;
		}
	}
	hex = g_string_sized_new (2 * SECRET_SIZE);
	for (gsize i = 0; i < SECRET_SIZE; i++)
		g_string_append_printf (hex, "%02x", bytes[i]);
	memset (bytes, 0, sizeof bytes);
	return g_string_free (hex, FALSE);
}

gboolean
secret_exists (const char *spool)
{
	g_autofree char *path = g_build_filename (spool, "secret", NULL);

	return g_file_test (path, G_FILE_TEST_EXISTS);
}

void
secret_check (const char *spool, GPtrArray *problems)
{
	g_autofree char *path = g_build_filename (spool, "secret", NULL);
	g_autoptr (GError) error = NULL;
	guint8 bytes[SECRET_SIZE];
	gboolean missing = FALSE;
	struct stat st;

	if (!read_secret (path, bytes, &missing, &error)) {
		if (!missing)
			g_ptr_array_add (problems, g_strdup (error->message));
		return;
	}
	memset (bytes, 0, sizeof bytes);
	if (stat (path, &st) == 0 && (st.st_mode & 077) != 0)
		g_ptr_array_add (problems, g_strdup_printf ("the secret %s may be read by others than "
		                                            "its owner (mode %03o): chmod 600 it",
		                                            path, (unsigned) (st.st_mode & 0777)));
}
