/* mailbox.c: the mailboxes `reinject` reads. Maildir and MH folders are
 * listed here, standard input copied, and the messages handed out one by
 * one; mailbox files (mbox, MMDF, bare messages) are mapped and cut by
 * mailbox-file.c. Only offsets and names are kept, never text. */

/* memfd_create() and strverscmp() are GNU extensions. */
#define _GNU_SOURCE 1

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/guard.h"
#include "base/util.h"
#include "input/mailbox.h"
#include "input/mailbox-file.h"

/* How much of a Maildir or MH file we read to find its header fields: the
 * header block, which is seldom more than a few kilobytes. */
#define MAX_HEADER_BYTES (256 * 1024)
#define CHUNK 65536

/* The directories of a Maildir (cur/, new/) or the MH folder, opened once
 * with O_NOFOLLOW: its files are opened relative to them, so that no link
 * anywhere below the mailbox named on the command line is followed. */
#define MAX_DIRS 2

struct MailboxSource {
	char *name;              /* as given */
	char *path;              /* the file or directory read */
	char *tmp_path;          /* standard input's copy, removed at close */
	MailboxFormat format;

	MailboxFile file;        /* a file: the mapping and the messages in it */
	GPtrArray *files;        /* a directory: the message files (FileRef), in order */
	int dirs[MAX_DIRS];      /* the directories they are in, or -1 */

	MailboxSkips skips;      /* what was not read, counted */
	GPtrArray *skipped;      /* and said: "PATH: REASON", one each */

	guint next;              /* index of the next message */
	gint64 last_date;        /* for messages without a date */
};

/* One file of a Maildir or MH folder. */
typedef struct {
	char *path;              /* for messages to the user */
	const char *name;        /* its last component, in @path */
	int dir;                 /* the directory it is in (the source's) */
} FileRef;

static void
file_ref_free (gpointer data)
{
	FileRef *ref = data;

	g_free (ref->path);
	g_free (ref);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
	const FileRef *x = *(const FileRef *const *) a, *y = *(const FileRef *const *) b;

	return strverscmp (x->name, y->name);
}

/* MH: by number ("007" is 7, before 10), then by name. */
static gint
compare_numbers (gconstpointer a, gconstpointer b)
{
	const FileRef *x = *(const FileRef *const *) a, *y = *(const FileRef *const *) b;
	guint nx = mailbox_mh_number (x->name), ny = mailbox_mh_number (y->name);

	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp (x->name, y->name);
}

typedef enum {
	SKIP_LINK,
	SKIP_SPECIAL,
	SKIP_NAME,
} SkipKind;

/* Counts and says what is not read, and why. */
static void
skip (MailboxSource *src, SkipKind kind, const char *path, const char *why)
{
	switch (kind) {
	case SKIP_LINK:
		src->skips.links++;
		break;
	case SKIP_SPECIAL:
		src->skips.special++;
		break;
	case SKIP_NAME:
		src->skips.names++;
		break;
	}
	g_ptr_array_add (src->skipped, g_strdup_printf ("%s: %s: not read", path, why));
}

/* What a file that is not a regular one is, for the user. */
static const char *
kind_of (mode_t mode)
{
	if (S_ISLNK (mode))
		return "a symbolic link";
	if (S_ISDIR (mode))
		return "a directory";
	if (S_ISFIFO (mode))
		return "a FIFO";
	if (S_ISSOCK (mode))
		return "a socket";
	return "not a regular file";
}

guint
mailbox_mh_number (const char *name)
{
	guint64 n;
	char *end;

	g_return_val_if_fail (name != NULL, 0);

	/* Digits only, without a sign or blanks. Leading zeros are read as
	 * nmh reads them ("007" is message 7): some archives are numbered
	 * so. */
	if (name[0] == '\0')
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if (!g_ascii_isdigit (*p))
			return 0;
	errno = 0;
	n = g_ascii_strtoull (name, &end, 10);
	return errno == 0 && *end == '\0' && n >= 1 && n <= G_MAXUINT ? (guint) n : 0;
}

/* Opens @path as a directory, not following a link; -1 with errno set. */
static int
open_dir (int at, const char *path)
{
	return openat (at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Opens the mailbox directory named on the command line: a link there is
 * followed, since the user named it. */
static int
open_top (const char *path)
{
	return open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Lists the directory @dir (opened: @fd, which the source then owns) into
 * src->files: regular files only, never dot files. Links and other kinds
 * of file are skipped and said; in an MH folder (@mh) so is a name that is
 * not a message number. */
static gboolean
list_dir (MailboxSource *src, int fd, const char *dir, gboolean mh, GError **error)
{
	int copy = dup (fd);
	DIR *listing = copy >= 0 ? fdopendir (copy) : NULL;
	struct dirent *d;

	if (listing == NULL) {
		int errsv = errno;

		if (copy >= 0)
			close (copy);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO, "%s: %s", dir, g_strerror (errsv));
		return FALSE;
	}
	while ((d = readdir (listing)) != NULL) {
		g_autofree char *path = NULL;
		struct stat st;
		FileRef *ref;

		if (d->d_name[0] == '.')
			continue;
		path = g_build_filename (dir, d->d_name, NULL);
		if (mh && mailbox_mh_number (d->d_name) == 0) {
			skip (src, SKIP_NAME, path, "not an MH message number");
			continue;
		}
		if (fstatat (fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			skip (src, SKIP_SPECIAL, path, g_strerror (errno));
			continue;
		}
		if (!S_ISREG (st.st_mode)) {
			skip (src, S_ISLNK (st.st_mode) ? SKIP_LINK : SKIP_SPECIAL, path, kind_of (st.st_mode));
			continue;
		}
		ref = g_new0 (FileRef, 1);
		ref->path = g_steal_pointer (&path);
		ref->name = strrchr (ref->path, '/') + 1;
		ref->dir = fd;
		g_ptr_array_add (src->files, ref);
	}
	closedir (listing);
	return TRUE;
}

/* Lists a Maildir's cur/ and new/ (tmp/ holds deliveries in progress),
 * skipping dot files. libetpan's maildir_update() would do the same but
 * also creates a "maildirfolder" file in the Maildir, which marks a
 * Maildir++ subfolder and must not appear in a mail store we only read.
 * A cur/ or new/ that is a link is not followed: it is skipped and said. */
static gboolean
open_maildir (MailboxSource *src, GError **error)
{
	static const char *const subdirs[] = { "cur", "new" };
	int top = open_top (src->path);

	if (top < 0) {
		liaison_set_errno (error, errno, src->name);
		return FALSE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++) {
		g_autofree char *dir = g_build_filename (src->path, subdirs[i], NULL);
		struct stat st;

		if (fstatat (top, subdirs[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISDIR (st.st_mode)) {
			skip (src, S_ISLNK (st.st_mode) ? SKIP_LINK : SKIP_SPECIAL, dir, kind_of (st.st_mode));
			continue;
		}
		src->dirs[i] = open_dir (top, subdirs[i]);
		if (src->dirs[i] < 0 || !list_dir (src, src->dirs[i], dir, FALSE, error)) {
			if (src->dirs[i] < 0)
				liaison_set_errno (error, errno, dir);
			close (top);
			return FALSE;
		}
	}
	close (top);
	g_ptr_array_sort (src->files, compare_names);
	return TRUE;
}

/* Lists an MH folder: its files named by a number, in numeric order.
 * libetpan's mailmh_folder_update() would list them too, but it creates a
 * .mh_sequences file in a folder without one, and we write nothing into a
 * mailbox we read (running as root, even a read-only folder would get it). */
static gboolean
open_mh (MailboxSource *src, GError **error)
{
	src->dirs[0] = open_top (src->path);
	if (src->dirs[0] < 0) {
		liaison_set_errno (error, errno, src->name);
		return FALSE;
	}
	if (!list_dir (src, src->dirs[0], src->path, TRUE, error))
		return FALSE;
	g_ptr_array_sort (src->files, compare_numbers);
	return TRUE;
}

/* Whether @dir holds a file, or a link, whose name is a message number
 * (a link is then skipped and said, not taken for a stray). */
static gboolean
has_numbered_file (const char *dir)
{
	g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
	const char *name;

	if (listing == NULL)
		return FALSE;
	while ((name = g_dir_read_name (listing)) != NULL) {
		g_autofree char *path = NULL;
		struct stat st;

		if (mailbox_mh_number (name) == 0)
			continue;
		path = g_build_filename (dir, name, NULL);
		if (lstat (path, &st) == 0 && (S_ISREG (st.st_mode) || S_ISLNK (st.st_mode)))
			return TRUE;
	}
	return FALSE;
}

/* Copies standard input into a temporary file under @tmp_dir. */
static char *
spool_stdin (const char *tmp_dir, GError **error)
{
	g_autofree char *path = NULL;
	g_autofree char *buf = g_malloc (CHUNK);
	int fd;

	if (g_mkdir_with_parents (tmp_dir, 0750) < 0) {
		liaison_set_errno (error, errno, tmp_dir);
		return NULL;
	}
	path = g_build_filename (tmp_dir, "stdin.XXXXXX", NULL);
	fd = guard_mkstemp (path, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		liaison_set_errno (error, errno, "creating a temporary file for standard input");
		return NULL;
	}
	for (;;) {
		ssize_t n = read (STDIN_FILENO, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			liaison_set_errno (error, errno, "reading standard input");
			goto fail;
		}
		if (n == 0)
			break;
		if (!util_write_all (fd, buf, (gsize) n, "copying standard input", error))
			goto fail;
	}
	close (fd);
	return g_steal_pointer (&path);

fail:
	close (fd);
	(void) unlink (path);
	guard_forget_path (path);
	return NULL;
}

static MailboxFormat
format_of_file (MailboxFileKind kind)
{
	switch (kind) {
	case MAILBOX_FILE_MMDF:
		return MAILBOX_FORMAT_MMDF;
	case MAILBOX_FILE_HEADERS:
		return MAILBOX_FORMAT_HEADERS;
	case MAILBOX_FILE_MBOX:
	default:
		return MAILBOX_FORMAT_MBOX;
	}
}

MailboxSource *
mailbox_source_open (const char *name, const char *tmp_dir, GError **error)
{
	g_autoptr (MailboxSource) src = NULL;
	struct stat st;

	g_return_val_if_fail (name != NULL, NULL);

	src = g_new0 (MailboxSource, 1);
	src->name = g_strdup (name);
	for (gsize i = 0; i < MAX_DIRS; i++)
		src->dirs[i] = -1;
	src->files = g_ptr_array_new_with_free_func (file_ref_free);
	src->skipped = g_ptr_array_new_with_free_func (g_free);
	if (strcmp (name, "-") == 0) {
		src->tmp_path = spool_stdin (tmp_dir != NULL ? tmp_dir : g_get_tmp_dir (), error);
		if (src->tmp_path == NULL)
			return NULL;
		src->path = g_strdup (src->tmp_path);
	} else {
		src->path = g_strdup (name);
	}

	if (stat (src->path, &st) < 0) {
		liaison_set_errno (error, errno, name);
		return NULL;
	}
	if (S_ISDIR (st.st_mode)) {
		g_autofree char *cur = g_build_filename (src->path, "cur", NULL);
		g_autofree char *new = g_build_filename (src->path, "new", NULL);

		if (g_file_test (cur, G_FILE_TEST_IS_DIR) || g_file_test (new, G_FILE_TEST_IS_DIR)) {
			src->format = MAILBOX_FORMAT_MAILDIR;
			if (!open_maildir (src, error))
				return NULL;
		} else if (has_numbered_file (src->path)) {
			src->format = MAILBOX_FORMAT_MH;
			if (!open_mh (src, error))
				return NULL;
		} else {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			             "%s: not a mailbox: a directory that is neither a Maildir "
			             "(cur/, new/) nor an MH folder (numbered files)", name);
			return NULL;
		}
	} else if (S_ISREG (st.st_mode)) {
		if (!mailbox_file_open (&src->file, src->name, src->path, error))
			return NULL;
		src->format = format_of_file (src->file.kind);
	} else {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "%s: not a mailbox: neither a file nor a directory", name);
		return NULL;
	}
	return g_steal_pointer (&src);
}

void
mailbox_source_close (MailboxSource *src)
{
	if (src == NULL)
		return;
	mailbox_file_close (&src->file);
	if (src->tmp_path != NULL) {
		(void) unlink (src->tmp_path);
		guard_forget_path (src->tmp_path);
		g_free (src->tmp_path);
	}
	g_ptr_array_unref (src->files);
	g_ptr_array_unref (src->skipped);
	for (gsize i = 0; i < MAX_DIRS; i++)
		if (src->dirs[i] >= 0)
			close (src->dirs[i]);
	g_free (src->name);
	g_free (src->path);
	g_free (src);
}

const char *
mailbox_source_name (const MailboxSource *src)
{
	return src->name;
}

MailboxFormat
mailbox_source_format (const MailboxSource *src)
{
	return src->format;
}

const MailboxSkips *
mailbox_source_skips (const MailboxSource *src)
{
	return &src->skips;
}

const GPtrArray *
mailbox_source_skipped (const MailboxSource *src)
{
	return src->skipped;
}

const char *
mailbox_format_to_string (MailboxFormat format)
{
	switch (format) {
	case MAILBOX_FORMAT_MBOX:
		return "mbox";
	case MAILBOX_FORMAT_MMDF:
		return "mmdf";
	case MAILBOX_FORMAT_HEADERS:
		return "headers";
	case MAILBOX_FORMAT_MAILDIR:
		return "maildir";
	case MAILBOX_FORMAT_MH:
		return "mh";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Entries */

void
mailbox_entry_free (MailboxEntry *entry)
{
	if (entry == NULL)
		return;
	g_free (entry->envelope_sender);
	g_free (entry->envelope_recipient);
	g_free (entry->path);
	g_free (entry);
}

/* Fills the dates and the envelope of @entry from its header block and
 * From_ line (mailbox_file_read_headers()); a message without a date has
 * its arrival's, else the one before it's. */
static void
describe_entry (MailboxSource *src, MailboxEntry *entry, const char *d, gsize header,
                gsize end, gboolean has_from_line, gsize from_line, gint64 envelope_time,
                gint64 fallback)
{
	MailboxFileHeaders h;

	mailbox_file_read_headers (d, header, end, has_from_line, from_line, envelope_time,
	                           fallback, &h);
	entry->arrival = h.arrival;
	entry->date = h.date > 0 ? h.date : entry->arrival;
	if (entry->date <= 0)
		entry->date = src->last_date;
	src->last_date = entry->date;
	entry->envelope_sender = h.sender;
	entry->envelope_recipient = h.recipient;
}

/* The delivery time a Maildir file name starts with ("1354585346.M1P2.host"),
 * or 0. */
static gint64
maildir_name_time (const char *path)
{
	const char *name = strrchr (path, '/');
	gint64 t;
	char *end;

	name = name != NULL ? name + 1 : path;
	t = g_ascii_strtoll (name, &end, 10);
	/* Only a time the name plausibly holds: 1995 to a year from now. */
	if (end == name || *end != '.' || t < 788918400 || t > g_get_real_time () / G_USEC_PER_SEC + 31622400)
		return 0;
	return t;
}

/* Opens the file @name of the directory @dir for reading, and only if it
 * is a regular file: a link is not followed (O_NOFOLLOW), and a FIFO
 * cannot block the open (O_NONBLOCK) or the reads (it is closed). Returns
 * the descriptor, with O_NONBLOCK cleared, or -1: with @why set to what
 * the file is, or with errno set. */
static int
open_message (int dir, const char *name, struct stat *st, const char **why)
{
	int fd = openat (dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	int errsv;

	*why = NULL;
	if (fd < 0) {
		if (errno == ELOOP) {
			st->st_mode = S_IFLNK;
			*why = kind_of (S_IFLNK);
		}
		return -1;
	}
	if (fstat (fd, st) < 0)
		goto fail;
	if (!S_ISREG (st->st_mode)) {
		*why = kind_of (st->st_mode);
		close (fd);
		return -1;
	}
	if (fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;

fail:
	errsv = errno;
	close (fd);
	errno = errsv;
	return -1;
}

/* The message of the next file, or NULL: with @error set when it cannot
 * be read, else when it is skipped. */
static MailboxEntry *
next_file (MailboxSource *src, GError **error)
{
	const FileRef *ref = g_ptr_array_index (src->files, src->next);
	g_autoptr (MailboxEntry) entry = g_new0 (MailboxEntry, 1);
	g_autofree char *head = NULL;
	gsize len = 0, header = 0;
	const char *why;
	struct stat st;
	const char *path = ref->path;
	int fd;

	entry->source = src;
	entry->number = ++src->next;
	entry->path = g_strdup (path);
	entry->dir_fd = ref->dir;

	/* Listed as a regular file, it may have been swapped for a link or a
	 * FIFO since. */
	fd = open_message (ref->dir, ref->name, &st, &why);
	if (fd < 0 && why != NULL) {
		skip (src, S_ISLNK (st.st_mode) ? SKIP_LINK : SKIP_SPECIAL, path, why);
		return NULL;
	}
	if (fd < 0) {
		liaison_set_errno (error, errno, path);
		return NULL;
	}
	/* The header block, read in chunks until its blank line. */
	head = g_malloc (MAX_HEADER_BYTES);
	while (len < MAX_HEADER_BYTES) {
		ssize_t n = read (fd, head + len, MIN ((gsize) CHUNK, MAX_HEADER_BYTES - len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			liaison_set_errno (error, errno, path);
			close (fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (gsize) n;
		if (mailbox_file_body_offset (head, 0, len) < len)
			break;
	}
	close (fd);
	entry->length = (gsize) st.st_size;

	{
		gboolean from_line = len >= 5 && memcmp (head, "From ", 5) == 0;
		gint64 name_time = src->format == MAILBOX_FORMAT_MAILDIR ? maildir_name_time (path) : 0;

		if (from_line)
			header = line_after (head, 0, len);
		describe_entry (src, entry, head, header, len, from_line, 0, name_time,
		                (gint64) st.st_mtime);
	}
	return g_steal_pointer (&entry);
}

static MailboxEntry *
next_span (MailboxSource *src)
{
	const Span *span = &g_array_index (src->file.spans, Span, src->next);
	MailboxEntry *entry = g_new0 (MailboxEntry, 1);

	entry->dir_fd = -1;
	/* The messages before this one have been handed over. */
	mailbox_file_release_before (&src->file, span->envelope != G_MAXSIZE ? span->envelope : span->start);
	entry->source = src;
	entry->number = ++src->next;
	entry->offset = span->start;
	entry->length = span->end - span->start;
	entry->unescape = span->unescape;
	describe_entry (src, entry, src->file.data, span->start, span->end,
	                span->envelope != G_MAXSIZE, span->envelope, 0, 0);
	return entry;
}

MailboxEntry *
mailbox_source_next (MailboxSource *src, GError **error)
{
	g_return_val_if_fail (src != NULL, NULL);

	if (src->format == MAILBOX_FORMAT_MAILDIR || src->format == MAILBOX_FORMAT_MH) {
		while (src->next < src->files->len) {
			g_autoptr (GError) local = NULL;
			MailboxEntry *entry = next_file (src, &local);

			if (entry != NULL)
				return entry;
			if (local != NULL) {
				g_propagate_error (error, g_steal_pointer (&local));
				return NULL;
			}
		}
		return NULL;
	}
	return src->next < src->file.spans->len ? next_span (src) : NULL;
}

/* An anonymous file: in memory (memfd) where the system has it, else a
 * temporary file removed at once. */
static int
anonymous_file (GError **error)
{
	g_autofree char *path = NULL;
	int fd;

#ifdef MFD_CLOEXEC
	fd = memfd_create ("liaison-message", MFD_CLOEXEC);
	if (fd >= 0)
		return fd;
#endif
	path = g_build_filename (g_get_tmp_dir (), "liaison-message.XXXXXX", NULL);
	fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		liaison_set_errno (error, errno, "creating a temporary file");
		return -1;
	}
	(void) unlink (path);
	return fd;
}

int
mailbox_entry_open (const MailboxEntry *entry, GError **error)
{
	MailboxSource *src;
	gboolean ok;
	int fd;

	g_return_val_if_fail (entry != NULL, -1);

	if (entry->path != NULL) {
		const char *why;
		struct stat st;

		fd = open_message (entry->dir_fd, strrchr (entry->path, '/') + 1, &st, &why);
		if (fd < 0 && why != NULL)
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			             "%s: %s since it was listed: not read", entry->path, why);
		else if (fd < 0)
			liaison_set_errno (error, errno, entry->path);
		return fd;
	}
	src = entry->source;
	g_return_val_if_fail (entry->offset + entry->length <= src->file.size, -1);
	fd = anonymous_file (error);
	if (fd < 0)
		return -1;
	ok = mailbox_file_write_span (fd, &src->file, entry->offset, entry->length, entry->unescape, error);
	mailbox_file_release_message (&src->file, entry->offset, entry->length);
	if (!ok || lseek (fd, 0, SEEK_SET) < 0) {
		if (ok)
			liaison_set_errno (error, errno, "rewinding a temporary file");
		close (fd);
		return -1;
	}
	return fd;
}

char *
mailbox_entry_describe (const MailboxEntry *entry)
{
	if (entry->path != NULL)
		return g_strdup (entry->path);
	return g_strdup_printf ("%s: message %u (byte %" G_GSIZE_FORMAT ")",
	                        entry->source->name, entry->number, entry->offset);
}
