/* transport/maildir.c: "sends" by writing each outgoing message into a
 * Maildir (tmp/, then renamed into new/ under a unique name), with a first
 * header X-Liaison-Envelope-To naming its envelope recipients, then a
 * Return-Path with its envelope sender. For demos and tests: nothing
 * leaves the machine.
 *
 * Alone, each message is fsynced in tmp/, renamed, and new/ fsynced. In a
 * group (transport_group_begin()), the messages are written into tmp/
 * without a sync, and transport_group_commit() makes their data durable
 * together, renames each into new/ and fsyncs new/ once: the order of the
 * Maildir convention (a name in new/ always names a whole file), with two
 * syncs per group instead of two per message. */
#define _GNU_SOURCE 1   /* syncfs */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "outbound/transport.h"
#include "base/util.h"

typedef struct {
	Transport parent;
	char *directory;
	guint counter;
	GPtrArray *staged;       /* char*: names written into tmp/ by a group
	                          * not yet committed; NULL outside a group */
} MaildirTransport;

static void
maildir_free (Transport *transport)
{
	MaildirTransport *t = (MaildirTransport *) transport;

	if (t->staged != NULL) {
		/* A group never committed: its messages were not accepted. */
		for (guint i = 0; i < t->staged->len; i++) {
			g_autofree char *tmp = g_build_filename (t->directory, "tmp",
			                                         (const char *) g_ptr_array_index (t->staged, i), NULL);
			(void) unlink (tmp);
		}
		g_ptr_array_unref (t->staged);
	}
	g_free (t->directory);
	g_free (t);
}

static gboolean
fail_errno (GError **error, const char *what, const char *path)
{
	int errsv = errno;

	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s %s: %s", what, path,
	             g_strerror (errsv));
	return FALSE;
}

/* util_write_raw() leaving its errno in errno, for fail_errno(). */
static gboolean
write_errno (int fd, const char *buf, gsize len)
{
	int errsv = util_write_raw (fd, buf, len);

	if (errsv != 0)
		errno = errsv;
	return errsv == 0;
}

static gboolean
copy_fd (int in_fd, int out_fd)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read (in_fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return FALSE;
		if (n == 0)
			return TRUE;
		if (!write_errno (out_fd, buf, (gsize) n))
			return FALSE;
	}
}

/* The Maildir's unique name: time, microseconds, pid and a counter, and the
 * host name with '/' and ':' escaped as the Maildir convention asks. */
static char *
unique_name (MaildirTransport *t)
{
	gint64 now = g_get_real_time ();
	g_autoptr (GString) host = g_string_new (NULL);
	char hostname[256] = "localhost";

	(void) gethostname (hostname, sizeof hostname - 1);
	hostname[sizeof hostname - 1] = '\0';
	for (const char *p = hostname; *p; p++) {
		if (*p == '/')
			g_string_append (host, "\\057");
		else if (*p == ':')
			g_string_append (host, "\\072");
		else
			g_string_append_c (host, *p);
	}
	return g_strdup_printf ("%" G_GINT64_FORMAT ".M%06" G_GINT64_FORMAT "P%dQ%u.%s",
	                        now / G_USEC_PER_SEC, now % G_USEC_PER_SEC, (int) getpid (),
	                        ++t->counter, host->str);
}

static gboolean
fsync_dir (const char *path)
{
	int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	gboolean ok;

	if (fd < 0)
		return FALSE;
	ok = fsync (fd) == 0 || errno == EINVAL;
	close (fd);
	return ok;
}

static gboolean
maildir_send (Transport *transport, const char *sender, GPtrArray *recipients,
              const char *path, guint timeout, GPtrArray *refused, GError **error)
{
	MaildirTransport *t = (MaildirTransport *) transport;
	g_autofree char *name = unique_name (t);
	g_autofree char *tmp = g_build_filename (t->directory, "tmp", name, NULL);
	g_autofree char *new_dir = g_build_filename (t->directory, "new", NULL);
	g_autofree char *dest = g_build_filename (new_dir, name, NULL);
	g_autoptr (GString) head = g_string_new ("X-Liaison-Envelope-To: ");
	int fd, in_fd;

	/* One line while it fits in RFC 5322's 998 characters, folded after a
	 * comma when it would not. */
	for (guint i = 0, line = head->len; i < recipients->len; i++) {
		const char *rcpt = g_ptr_array_index (recipients, i);
		if (i > 0) {
			g_string_append_c (head, ',');
			if (line + strlen (rcpt) + 2 > 990) {
				g_string_append (head, "\n");
				line = 0;
			}
			g_string_append_c (head, ' ');
		}
		g_string_append (head, rcpt);
		line += strlen (rcpt) + 2;
	}
	g_string_append_c (head, '\n');
	/* The envelope sender (our VERP address), where a delivery agent
	 * records it. */
	g_string_append_printf (head, "Return-Path: <%s>\n", sender);

	in_fd = open (path, O_RDONLY | O_CLOEXEC);
	if (in_fd < 0)
		return fail_errno (error, "cannot open", path);
	fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		fail_errno (error, "cannot create", tmp);
		close (in_fd);
		return FALSE;
	}
	/* Alone, the data is durable before its name enters new/; in a group,
	 * maildir_group_commit() syncs it before renaming. */
	if (!write_errno (fd, head->str, head->len) || !copy_fd (in_fd, fd) ||
	    (t->staged == NULL && fsync (fd) < 0)) {
		fail_errno (error, "cannot write", tmp);
		close (in_fd);
		close (fd);
		(void) unlink (tmp);
		return FALSE;
	}
	close (in_fd);
	if (close (fd) < 0) {
		fail_errno (error, "cannot write", tmp);
		(void) unlink (tmp);
		return FALSE;
	}
	if (t->staged != NULL) {
		g_ptr_array_add (t->staged, g_steal_pointer (&name));
		return TRUE;
	}
	if (rename (tmp, dest) < 0) {
		fail_errno (error, "cannot move into place", dest);
		(void) unlink (tmp);
		return FALSE;
	}
	/* In new/ it is delivered: a directory that will not fsync changes
	 * nothing about that. */
	(void) fsync_dir (new_dir);
	(void) timeout;
	(void) refused;
	return TRUE;
}

static void
maildir_group_begin (Transport *transport)
{
	MaildirTransport *t = (MaildirTransport *) transport;

	g_return_if_fail (t->staged == NULL);
	t->staged = g_ptr_array_new_with_free_func (g_free);
}

/* From how many files one syncfs() is cheaper than an fsync of each (it
 * also writes back whatever else is dirty on that file system). */
#define SYNCFS_FILES 16

/* Makes the data of the files @names in @tmp_dir durable: one syncfs() of
 * their file system for a large group where it reports writeback errors,
 * else an fsync of each. */
static gboolean
sync_files (const char *tmp_dir, GPtrArray *names, GError **error)
{
#ifdef __linux__
	if (names->len >= SYNCFS_FILES && util_syncfs_reports_errors ()) {
		int fd = open (tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || syncfs (fd) < 0) {
			int errsv = errno;
			if (fd >= 0)
				close (fd);
			errno = errsv;
			return fail_errno (error, "cannot sync", tmp_dir);
		}
		close (fd);
		return TRUE;
	}
#endif
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *path = g_build_filename (tmp_dir, (const char *) g_ptr_array_index (names, i), NULL);
		int fd = open (path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync (fd) < 0) {
			int errsv = errno;
			if (fd >= 0)
				close (fd);
			errno = errsv;
			return fail_errno (error, "cannot sync", path);
		}
		close (fd);
	}
	return TRUE;
}

static gboolean
maildir_group_commit (Transport *transport, GError **error)
{
	MaildirTransport *t = (MaildirTransport *) transport;
	g_autoptr (GPtrArray) names = g_steal_pointer (&t->staged);
	g_autofree char *tmp_dir = g_build_filename (t->directory, "tmp", NULL);
	g_autofree char *new_dir = g_build_filename (t->directory, "new", NULL);
	guint moved = 0;
	gboolean ok;

	g_return_val_if_fail (names != NULL, FALSE);

	if (names->len == 0)
		return TRUE;
	/* The data of every file first: a name in new/ must name a whole
	 * file after a crash. */
	ok = sync_files (tmp_dir, names, error);
	while (ok && moved < names->len) {
		const char *name = g_ptr_array_index (names, moved);
		g_autofree char *tmp = g_build_filename (tmp_dir, name, NULL);
		g_autofree char *dest = g_build_filename (new_dir, name, NULL);
		if (rename (tmp, dest) < 0)
			ok = fail_errno (error, "cannot move into place", dest);
		else
			moved++;
	}
	/* Then the names, once for the group: only after this fsync is the
	 * group accepted, and only then may the caller record its messages
	 * as sent. A file system that cannot fsync a directory (EINVAL)
	 * makes its renames as durable as they get. */
	if (ok) {
		int fd = open (new_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || (fsync (fd) < 0 && errno != EINVAL && errno != ENOTSUP)) {
			int errsv = errno;
			if (fd >= 0)
				close (fd);
			errno = errsv;
			ok = fail_errno (error, "cannot sync", new_dir);
		} else {
			close (fd);
		}
	}
	if (ok)
		return TRUE;
	/* Not accepted: withdraw the whole group, which stays queued (a file
	 * a reader took from new/ meanwhile is handed over again later: at
	 * least once, never lost). */
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index (names, i);
		g_autofree char *path = g_build_filename (i < moved ? new_dir : tmp_dir, name, NULL);
		(void) unlink (path);
	}
	return FALSE;
}

static const TransportClass maildir_class = {
	"maildir",
	maildir_send,
	maildir_free,
	maildir_group_begin,
	maildir_group_commit,
};

Transport *
transport_maildir_new (const char *directory, GError **error)
{
	static const char *const subdirs[] = { "tmp", "new", "cur" };
	MaildirTransport *t;

	g_return_val_if_fail (directory != NULL, NULL);

	for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++) {
		g_autofree char *dir = g_build_filename (directory, subdirs[i], NULL);
		if (g_mkdir_with_parents (dir, 0750) < 0) {
			int errsv = errno;
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG, "cannot create the maildir %s: %s",
			             dir, g_strerror (errsv));
			return NULL;
		}
	}
	t = g_new0 (MaildirTransport, 1);
	t->parent.klass = &maildir_class;
	t->directory = g_strdup (directory);
	return &t->parent;
}
