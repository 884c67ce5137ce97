/* spool.c: the content-addressed spool of raw messages and attachments.
 * Files are written under SPOOL/tmp, fsynced, and hard-linked to
 * SPOOL/KIND/XX/SHA256 (their directory fsynced) before the transaction that
 * names them commits (in a batch, all of them at once before the batch
 * commits); attachments are decoded by GMime as a stream. */
#define _GNU_SOURCE 1   /* syncfs */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "base/hash.h"
#include "store/spool.h"
#include "base/util.h"

/* The spool holds other people's mail: no access for others. The group may
 * read, for an administrator's tools. */
#define SPOOL_DIR_MODE 0750

static gboolean
make_dir (const char *path, GError **error)
{
	if (g_mkdir_with_parents (path, SPOOL_DIR_MODE) < 0) {
		int errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot create %s", path);
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	return TRUE;
}

gboolean
spool_prepare (const char *spool, GError **error)
{
	static const char *const subdirs[] = { "tmp", "msg", "att" };

	g_return_val_if_fail (spool != NULL, FALSE);

	for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++) {
		g_autofree char *dir = g_build_filename (spool, subdirs[i], NULL);
		if (!make_dir (dir, error))
			return FALSE;
	}
	return TRUE;
}

/* A SHA-256 in hex: the only names the spool gives its files, so a name
 * can never climb out of its directory. */
static gboolean
is_sha256 (const char *sha256)
{
	size_t len = strlen (sha256);

	if (len != 64)
		return FALSE;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isxdigit (sha256[i]))
			return FALSE;
	return TRUE;
}

char *
spool_path (const char *spool, const char *kind, const char *sha256)
{
	char xx[3];

	g_return_val_if_fail (spool != NULL && kind != NULL && sha256 != NULL, NULL);
	g_return_val_if_fail (strlen (sha256) >= 2, NULL);

	xx[0] = sha256[0];
	xx[1] = sha256[1];
	xx[2] = '\0';
	return g_build_filename (spool, kind, xx, sha256, NULL);
}

/* Deferred syncs (spool_defer_begin()): the paths of the files linked
 * into place and of their bucket directories, each once, to fsync before
 * the batch commits. NULL when syncs are not deferred. */
static GHashTable *deferred_files;
static GHashTable *deferred_dirs;

void
spool_defer_begin (void)
{
	g_return_if_fail (deferred_files == NULL);

	deferred_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	deferred_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

gboolean
spool_deferring (void)
{
	return deferred_files != NULL;
}

void
spool_defer_forget (const char *path)
{
	if (deferred_files != NULL)
		(void) g_hash_table_remove (deferred_files, path);
}

void
spool_defer_end (void)
{
	g_clear_pointer (&deferred_files, g_hash_table_unref);
	g_clear_pointer (&deferred_dirs, g_hash_table_unref);
}

GMimeStream *
spool_file_stream (int fd)
{
	GMimeStream *stream;

	/* A pipe stream's flush does nothing: spool_commit() fsyncs the file
	 * (or spool_defer_sync() the batch's). A file stream's would fsync,
	 * but GMime's filter stream (spool_writer_open()) never flushed
	 * it. */
	stream = g_mime_stream_pipe_new (fd);
	g_mime_stream_pipe_set_owner (GMIME_STREAM_PIPE (stream), FALSE);
	return stream;
}

static gboolean fsync_path (const char *path, gboolean directory, GError **error);

gboolean
spool_defer_sync (GError **error)
{
	GHashTableIter iter;
	gpointer path;

	g_return_val_if_fail (deferred_files != NULL, FALSE);

#ifdef __linux__
	/* One syncfs() per file system that holds the batch's directories
	 * writes back every dirty page and inode of it, the batch's files
	 * and directory entries among them, and (Linux 5.8 and later)
	 * fails if any of their writeback failed: what an fsync of each
	 * file and directory gives, in one call per batch. */
	if (util_syncfs_reports_errors ()) {
		g_autoptr (GArray) devices = g_array_new (FALSE, FALSE, sizeof (dev_t));
		GHashTableIter dirs;
		gpointer dir;

		g_hash_table_iter_init (&dirs, deferred_dirs);
		while (g_hash_table_iter_next (&dirs, &dir, NULL)) {
			struct stat st;
			gboolean seen = FALSE;
			int fd, errsv;

			if (stat (dir, &st) < 0) {
				liaison_set_errno (error, errno, dir);
				return FALSE;
			}
			for (guint i = 0; i < devices->len && !seen; i++)
				seen = g_array_index (devices, dev_t, i) == st.st_dev;
			if (seen)
				continue;
			fd = open (dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
			if (fd < 0 || syncfs (fd) < 0) {
				errsv = errno;
				if (fd >= 0)
					close (fd);
				g_autofree char *what = g_strdup_printf ("cannot sync the file system of %s", (char *) dir);
				liaison_set_errno (error, errsv, what);
				return FALSE;
			}
			close (fd);
			g_array_append_val (devices, st.st_dev);
		}
		/* Files whose directory is not in the list: none (each file's
		 * bucket is added with it). */
		g_hash_table_remove_all (deferred_files);
		g_hash_table_remove_all (deferred_dirs);
		return TRUE;
	}
#endif
	/* The data of every file first, then the directory entries that
	 * name them: a row that commits must find its file whole after a
	 * crash. (A new bucket directory was made durable in its parent
	 * when it was created.) */
	g_hash_table_iter_init (&iter, deferred_files);
	while (g_hash_table_iter_next (&iter, &path, NULL))
		if (!fsync_path (path, FALSE, error))
			return FALSE;
	g_hash_table_iter_init (&iter, deferred_dirs);
	while (g_hash_table_iter_next (&iter, &path, NULL))
		if (!fsync_path (path, TRUE, error))
			return FALSE;
	g_hash_table_remove_all (deferred_files);
	g_hash_table_remove_all (deferred_dirs);
	return TRUE;
}

static gboolean
fsync_path (const char *path, gboolean directory, GError **error)
{
	int fd = open (path, O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
	int errsv;

	if (fd < 0) {
		errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot open %s", path);
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	if (fsync (fd) < 0) {
		errsv = errno;
		close (fd);
		/* Some file systems cannot fsync a directory; their renames are
		 * as durable as they get. */
		if (directory && (errsv == EINVAL || errsv == ENOTSUP))
			return TRUE;
		g_autofree char *what = g_strdup_printf ("cannot fsync %s", path);
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	if (close (fd) < 0 && !directory) {
		errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot close %s", path);
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	return TRUE;
}

/* Creates SPOOL/KIND/XX if needed; a new directory is made durable in its
 * parent before anything is linked into it, or, in a batch, by
 * spool_defer_sync() with the files, before the COMMIT that names them (a
 * new spool otherwise pays one fsync per new bucket, up to 256 per
 * kind). */
static gboolean
make_bucket (const char *kind_dir, const char *bucket, GError **error)
{
	if (mkdir (bucket, SPOOL_DIR_MODE) == 0) {
		if (deferred_dirs != NULL) {
			g_hash_table_add (deferred_dirs, g_strdup (kind_dir));
			return TRUE;
		}
		return fsync_path (kind_dir, TRUE, error);
	}
	if (errno == EEXIST)
		return TRUE;
	if (errno == ENOENT) {
		/* spool_prepare() was not called: make the whole path. */
		if (!make_dir (bucket, error))
			return FALSE;
		if (deferred_dirs != NULL) {
			g_autofree char *spool = g_path_get_dirname (kind_dir);

			g_hash_table_add (deferred_dirs, g_strdup (kind_dir));
			g_hash_table_add (deferred_dirs, g_steal_pointer (&spool));
			return TRUE;
		}
		return fsync_path (kind_dir, TRUE, error);
	}
	{
		int errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot create %s", bucket);
		liaison_set_errno (error, errsv, what);
	}
	return FALSE;
}

gboolean
spool_commit (const char *spool, const char *kind, const char *tmp_path,
              const char *sha256, gboolean *created, GError **error)
{
	g_autofree char *kind_dir = NULL;
	g_autofree char *bucket = NULL;
	g_autofree char *path = NULL;

	g_return_val_if_fail (spool != NULL && kind != NULL && tmp_path != NULL, FALSE);
	g_return_val_if_fail (sha256 != NULL && is_sha256 (sha256), FALSE);
	g_return_val_if_fail (strchr (kind, '/') == NULL && strcmp (kind, "..") != 0, FALSE);

	if (created != NULL)
		*created = FALSE;

	path = spool_path (spool, kind, sha256);
	bucket = g_path_get_dirname (path);
	kind_dir = g_path_get_dirname (bucket);

	/* The data first, then the name that points at it; in a batch
	 * both wait for spool_defer_sync(). */
	if (deferred_files == NULL && !fsync_path (tmp_path, FALSE, error))
		return FALSE;
	if (!make_bucket (kind_dir, bucket, error))
		return FALSE;
	/* As for a temporary file: the new name is registered before a
	 * signal can stop us. */
	guard_block ();
	if (link (tmp_path, path) < 0) {
		int errsv = errno;
		g_autofree char *what = NULL;

		guard_unblock ();

		/* Content addressed: the same name holds the same bytes. It
		 * may be the orphan of a delivery killed between its link()
		 * and its directory's fsync: make the name durable before a
		 * row names it. */
		if (errsv == EEXIST && deferred_files != NULL) {
			/* The orphan of a killed batch may never have
			 * been synced at all: its data too. */
			g_hash_table_add (deferred_files, g_strdup (path));
			g_hash_table_add (deferred_dirs, g_strdup (bucket));
			return TRUE;
		}
		if (errsv == EEXIST)
			return fsync_path (bucket, TRUE, error);
		what = g_strdup_printf ("cannot link %s to %s", tmp_path, path);
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	/* Covered from now on, so that a stop before the commit leaves no
	 * file that no row names. */
	guard_add_path (path);
	guard_unblock ();
	if (deferred_files != NULL) {
		g_hash_table_add (deferred_files, g_strdup (path));
		g_hash_table_add (deferred_dirs, g_strdup (bucket));
	} else if (!fsync_path (bucket, TRUE, error)) {
		(void) unlink (path);
		guard_forget_path (path);
		return FALSE;
	}
	if (created != NULL)
		*created = TRUE;
	return TRUE;
}

GMimeStream *
spool_writer_open (SpoolWriter *writer, const char *dir, const char *prefix, GMimeFilter *filter,
                   GError **error)
{
	g_autofree char *template = g_strdup_printf ("%s.XXXXXX", prefix);
	g_autoptr (GMimeStream) file = NULL;

	*writer = (SpoolWriter) { NULL, -1, NULL, NULL, NULL };
	writer->path = g_build_filename (dir, template, NULL);
	writer->fd = guard_mkstemp (writer->path, O_RDWR | O_CLOEXEC, 0640);
	if (writer->fd < 0) {
		int errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot create a file in %s", dir);

		liaison_set_errno (error, errsv, what);
		g_clear_pointer (&writer->path, g_free);
		return NULL;
	}
	/* The writes go to the file in blocks (GMime writes a message a
	 * header at a time: one system call each), the rest at the
	 * flush. */
	file = spool_file_stream (writer->fd);
	writer->file = g_mime_stream_buffer_new (file, GMIME_STREAM_BUFFER_BLOCK_WRITE);
	writer->filtered = g_mime_stream_filter_new (writer->file);
	if (filter != NULL)
		g_mime_stream_filter_add (GMIME_STREAM_FILTER (writer->filtered), filter);
	writer->checksum = hash_filter_new ();
	g_mime_stream_filter_add (GMIME_STREAM_FILTER (writer->filtered), writer->checksum);
	return writer->filtered;
}

void
spool_writer_abort (SpoolWriter *writer)
{
	g_clear_object (&writer->filtered);
	g_clear_object (&writer->file);
	g_clear_object (&writer->checksum);
	if (writer->fd >= 0)
		close (writer->fd);
	writer->fd = -1;
	if (writer->path != NULL) {
		(void) unlink (writer->path);
		guard_forget_path (writer->path);
		g_clear_pointer (&writer->path, g_free);
	}
}

char *
spool_writer_close (SpoolWriter *writer, const char *what, char **sha256, gint64 *size,
                    GError **error)
{
	struct stat st;
	int errsv;

	/* Flushing the filter completes it; the block buffer's flush writes
	 * what it holds (GMime's filter stream does not flush its source).
	 * spool_commit() fsyncs the file. */
	errno = 0;
	if (g_mime_stream_flush (writer->filtered) < 0 || g_mime_stream_flush (writer->file) < 0) {
		errsv = errno != 0 ? errno : EIO;
		liaison_set_errno (error, errsv, what);
		goto fail;
	}
	if (fstat (writer->fd, &st) < 0) {
		liaison_set_errno (error, errno, what);
		goto fail;
	}
	g_clear_object (&writer->filtered);
	g_clear_object (&writer->file);
	if (close (writer->fd) < 0) {
		writer->fd = -1;
		liaison_set_errno (error, errno, what);
		goto fail;
	}
	writer->fd = -1;
	*sha256 = hash_filter_hex (writer->checksum);
	g_clear_object (&writer->checksum);
	if (size != NULL)
		*size = (gint64) st.st_size;
	return g_steal_pointer (&writer->path);

fail:
	spool_writer_abort (writer);
	return NULL;
}

char *
spool_write_part (const char *spool, GMimePart *part, char **sha256, gint64 *size,
                  GError **error)
{
	static const char what[] = "cannot write an attachment to the spool";
	g_autofree char *dir = NULL;
	SpoolWriter writer;
	GMimeStream *out;
	GMimeDataWrapper *content;

	g_return_val_if_fail (spool != NULL, NULL);
	g_return_val_if_fail (GMIME_IS_PART (part), NULL);
	g_return_val_if_fail (sha256 != NULL, NULL);

	dir = g_build_filename (spool, "tmp", NULL);
	if (!make_dir (dir, error))
		return NULL;
	/* GMime decodes the transfer encoding while copying, and the checksum
	 * filter sees every decoded byte on its way to the file: the part is
	 * never held in memory. */
	out = spool_writer_open (&writer, dir, "part", NULL, error);
	if (out == NULL)
		return NULL;

	/* A part without content (an empty body) is an empty file. Both
	 * getters return borrowed pointers in GMime 3.2. */
	content = g_mime_part_get_content (part);
	if (content != NULL && g_mime_data_wrapper_get_stream (content) != NULL) {
		errno = 0;
		if (g_mime_data_wrapper_write_to_stream (content, out) < 0) {
			liaison_set_errno (error, errno != 0 ? errno : EIO, what);
			spool_writer_abort (&writer);
			return NULL;
		}
	}
	return spool_writer_close (&writer, what, sha256, size, error);
}

guint
spool_clean_tmp (const char *spool, guint max_age)
{
	g_autofree char *dir = NULL;
	g_autoptr (GDir) d = NULL;
	const char *name;
	time_t now = time (NULL);
	guint removed = 0;

	g_return_val_if_fail (spool != NULL, 0);

	dir = g_build_filename (spool, "tmp", NULL);
	d = g_dir_open (dir, 0, NULL);
	if (d == NULL)
		return 0;
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		struct stat st;

		if (lstat (path, &st) < 0 || !S_ISREG (st.st_mode))
			continue;
		if (now - st.st_mtime < (time_t) max_age)
			continue;
		if (unlink (path) == 0)
			removed++;
	}
	return removed;
}

GPtrArray *
spool_list_old (const char *spool, const char *kind, guint max_age, GHashTable *except)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *dir = NULL;
	g_autoptr (GDir) d = NULL;
	const char *bucket;
	time_t now = time (NULL);

	g_return_val_if_fail (spool != NULL && kind != NULL, out);

	dir = g_build_filename (spool, kind, NULL);
	d = g_dir_open (dir, 0, NULL);
	if (d == NULL)
		return out;
	while ((bucket = g_dir_read_name (d)) != NULL) {
		g_autofree char *bucket_dir = g_build_filename (dir, bucket, NULL);
		g_autoptr (GDir) b = NULL;
		const char *name;

		if (strlen (bucket) != 2)
			continue;
		b = g_dir_open (bucket_dir, 0, NULL);
		if (b == NULL)
			continue;
		while ((name = g_dir_read_name (b)) != NULL) {
			g_autofree char *path = NULL;
			struct stat st;

			/* Only names the spool itself gives: the SHA-256 in
			 * hex, in the bucket of its first two digits. */
			if (strlen (name) != 64 || strncmp (name, bucket, 2) != 0)
				continue;
			if (except != NULL && g_hash_table_contains (except, name))
				continue;
			path = g_build_filename (bucket_dir, name, NULL);
			if (lstat (path, &st) < 0 || !S_ISREG (st.st_mode))
				continue;
			if (now - st.st_mtime < (time_t) max_age)
				continue;
			g_ptr_array_add (out, g_strdup (name));
		}
	}
	return out;
}

gboolean
spool_remove (const char *spool, const char *kind, const char *sha256)
{
	g_autofree char *path = NULL;

	g_return_val_if_fail (spool != NULL && kind != NULL && sha256 != NULL, FALSE);

	path = spool_path (spool, kind, sha256);
	return unlink (path) == 0;
}
