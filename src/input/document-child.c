/* document-child.c: PDF and DOCX parsing in a forked child under limits.
 * poppler and libxml2 can be made to spend minutes of CPU (one huge
 * content stream shared by every page) or gigabytes of memory (millions of
 * tiny XML elements) on a small attachment; in deliver's own process that
 * meant its time limit, exit 75 and the same again on every retry. The
 * child gets RLIMIT_CPU and, where it works, RLIMIT_AS; the parent watches
 * its resident memory (which works under AddressSanitizer and valgrind
 * too), its wall-clock time and the size of what it writes, and kills it
 * when one is passed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib-unix.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "input/document-child.h"
#include "base/error.h"
#include "base/hash.h"
#include "base/statement.h"
#include "base/util.h"

/* Under AddressSanitizer the address space is mostly shadow memory
 * reserved up front: RLIMIT_AS would stop the child before it starts. The
 * parent's watch of its resident memory is then the only memory limit,
 * and it allows four times as much: shadow memory and the quarantine of
 * freed blocks (256 MiB by default) make a parser's RSS three times or
 * more what it is in an ordinary build. */
#if defined(__SANITIZE_ADDRESS__)
#define ADDRESS_LIMIT_WORKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ADDRESS_LIMIT_WORKS 0
#endif
#endif
#ifndef ADDRESS_LIMIT_WORKS
#define ADDRESS_LIMIT_WORKS 1
#endif
#define MEMORY_SCALE (ADDRESS_LIMIT_WORKS ? 1 : 4)

/* The most characters of a document's name that a note repeats. */
#define MAX_NAME_CHARS 200

/* How often the parent looks at the child's memory and the clock. */
#define WATCH_MS 50

static const char *const limit_names[] = {
	NULL, "CPU limit", "memory limit", "time limit", "output too large", "crash",
};

const char *
document_limit_to_string (DocumentLimit limit)
{
	return (guint) limit < G_N_ELEMENTS (limit_names) ? limit_names[limit] : NULL;
}

DocumentLimit
document_limit_from_string (const char *text)
{
	for (guint i = 1; text != NULL && i < G_N_ELEMENTS (limit_names); i++)
		if (strcmp (text, limit_names[i]) == 0)
			return (DocumentLimit) i;
	return DOCUMENT_LIMIT_NONE;
}

void
document_limits_init (DocumentLimits *limits, guint time_limit)
{
	limits->cpu_seconds = DOCUMENT_CHILD_CPU_SECONDS;
	limits->wall_seconds = DOCUMENT_CHILD_WALL_SECONDS;
	limits->total_seconds = DOCUMENT_TOTAL_SECONDS;
	if (time_limit > 0) {
		limits->cpu_seconds = CLAMP (time_limit / 8, 1, DOCUMENT_CHILD_CPU_SECONDS);
		limits->wall_seconds = CLAMP (time_limit / 6, 2, DOCUMENT_CHILD_WALL_SECONDS);
		limits->total_seconds = CLAMP (time_limit / 3, 2, DOCUMENT_TOTAL_SECONDS);
	}
	limits->memory = (guint64) DOCUMENT_CHILD_MEMORY * MEMORY_SCALE;
	limits->output = DOCUMENT_CHILD_OUTPUT;
}

/* ---- The child ---- */

/* The child's address space now, from /proc/self/statm; 0 if unknown. */
static guint64
address_space (void)
{
	g_autofree char *statm = NULL;
	guint64 pages;

	if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
		return 0;
	pages = g_ascii_strtoull (statm, NULL, 10);
	return pages * (guint64) sysconf (_SC_PAGESIZE);
}

static void
child_limits (const DocumentLimits *limits)
{
	struct rlimit cpu = { limits->cpu_seconds, limits->cpu_seconds + 1 };
	struct rlimit none = { 0, 0 };

	(void) setrlimit (RLIMIT_CPU, &cpu);
	(void) setrlimit (RLIMIT_CORE, &none);
	if (ADDRESS_LIMIT_WORKS && g_getenv ("LIAISON_NO_ADDRESS_LIMIT") == NULL) {
		/* A backstop above the parent's watch (which gives the
		 * limit its name): what is mapped already, plus twice the
		 * memory allowed. */
		guint64 now = address_space ();
		struct rlimit as = { now + 2 * limits->memory, now + 2 * limits->memory };

		if (now > 0)
			(void) setrlimit (RLIMIT_AS, &as);
	}
}

/* Runs in the child: reads the document, writes 'T' and its text, or
 * 'N' for none, to @fd, and ends without running the parent's exit
 * handlers or flushing its buffers. */
G_GNUC_NORETURN static void
child_main (int fd, const DocumentLimits *limits, DocumentKind kind, const guint8 *data, gsize len)
{
	struct sigaction sa;
	sigset_t all;
	char *text;
	int status = 0;

	/* Not the parent's handlers: they would remove its files. */
	memset (&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction (SIGTERM, &sa, NULL);
	sigaction (SIGINT, &sa, NULL);
	sigaction (SIGHUP, &sa, NULL);
	sigaction (SIGALRM, &sa, NULL);
	sigaction (SIGPIPE, &sa, NULL);
	sigemptyset (&all);
	sigprocmask (SIG_SETMASK, &all, NULL);
#ifdef __linux__
	/* A parent stopped by its own time limit takes its child along. */
	(void) prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
	child_limits (limits);
	text = kind == DOCUMENT_PDF ? document_pdf_text (data, len, NULL)
	                            : document_docx_text (data, len, NULL);
	if (text != NULL && *text != '\0') {
		if (util_write_raw (fd, "T", 1) < 0 || util_write_raw (fd, text, strlen (text)) < 0)
			status = 1;
	} else if (util_write_raw (fd, "N", 1) < 0) {
		status = 1;
	}
	/* Freed, so that valgrind's leak check in the child (whose exit
	 * status it would change) finds nothing of ours. */
	g_free (text);
	_exit (status);
}

/* ---- The parent ---- */

/* The child's resident memory in bytes, from /proc/PID/statm; 0 if
 * unknown. */
static guint64
resident_memory (pid_t pid)
{
	char path[64];
	g_autofree char *statm = NULL;
	const char *p;

	g_snprintf (path, sizeof path, "/proc/%ld/statm", (long) pid);
	if (!g_file_get_contents (path, &statm, NULL, NULL))
		return 0;
	p = strchr (statm, ' ');
	return p != NULL ? g_ascii_strtoull (p + 1, NULL, 10) * (guint64) sysconf (_SC_PAGESIZE) : 0;
}

/* Reads what the child writes into @out until it closes the pipe, or
 * until a limit is passed (returned; the child is then still to be
 * killed). */
static DocumentLimit
watch_child (int fd, pid_t pid, const DocumentLimits *limits, GString *out)
{
	gint64 deadline = g_get_monotonic_time () + (gint64) limits->wall_seconds * G_USEC_PER_SEC;
	char buf[65536];

	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int r = poll (&pfd, 1, WATCH_MS);

		if (r < 0 && errno != EINTR)
			return DOCUMENT_LIMIT_CRASH;
		if (r > 0) {
			ssize_t n = read (fd, buf, sizeof buf);

			if (n == 0)
				return DOCUMENT_LIMIT_NONE;
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				return DOCUMENT_LIMIT_CRASH;
			if (n > 0)
				g_string_append_len (out, buf, n);
			if (out->len > limits->output + 1)
				return DOCUMENT_LIMIT_OUTPUT;
		}
		if (resident_memory (pid) > limits->memory)
			return DOCUMENT_LIMIT_MEMORY;
		if (g_get_monotonic_time () > deadline)
			return DOCUMENT_LIMIT_TIME;
	}
}

/* Waits for @pid (only it), with its resource usage. */
static int
reap (pid_t pid, struct rusage *usage)
{
	int status = 0;

	while (wait4 (pid, &status, 0, usage) < 0 && errno == EINTR)
		;
	return status;
}

/* Which limit a child that ended by itself ran into, from how it ended. */
static DocumentLimit
ended_by (int status, const struct rusage *usage, const DocumentLimits *limits)
{
	double cpu = usage->ru_utime.tv_sec + usage->ru_stime.tv_sec
		+ (usage->ru_utime.tv_usec + usage->ru_stime.tv_usec) / 1e6;

	if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
		return DOCUMENT_LIMIT_NONE;
	if (WIFSIGNALED (status) && (WTERMSIG (status) == SIGXCPU || cpu >= limits->cpu_seconds))
		return DOCUMENT_LIMIT_CPU;
	/* A failed allocation under RLIMIT_AS aborts (GLib, and C++'s
	 * bad_alloc): so does a child that had grown large. */
	if ((guint64) usage->ru_maxrss * 1024 >= limits->memory / 2)
		return DOCUMENT_LIMIT_MEMORY;
	return DOCUMENT_LIMIT_CRASH;
}

gboolean
document_child_text (const DocumentLimits *limits, DocumentKind kind, const guint8 *data,
                     gsize len, char **text, DocumentLimit *limit, GError **error)
{
	g_autoptr (GString) out = NULL;
	struct rusage usage;
	int fds[2], status;
	pid_t pid;

	g_return_val_if_fail (kind == DOCUMENT_PDF || kind == DOCUMENT_DOCX, FALSE);
	*text = NULL;
	*limit = DOCUMENT_LIMIT_NONE;
	/* Opened once here, inherited by every child. */
	(void) document_load_reader (kind);
	if (!g_unix_open_pipe (fds, FD_CLOEXEC, NULL)) {
		liaison_set_errno (error, errno, "cannot read a document: pipe");
		return FALSE;
	}
	pid = fork ();
	if (pid < 0) {
		int errsv = errno;

		close (fds[0]);
		close (fds[1]);
		liaison_set_errno (error, errsv, "cannot read a document: fork");
		return FALSE;
	}
	if (pid == 0) {
		close (fds[0]);
		child_main (fds[1], limits, kind, data, len);
	}
	close (fds[1]);
	/* Allocated only here: the child leaves by _exit(). */
	out = g_string_new (NULL);
	*limit = watch_child (fds[0], pid, limits, out);
	close (fds[0]);
	if (*limit != DOCUMENT_LIMIT_NONE)
		(void) kill (pid, SIGKILL);
	status = reap (pid, &usage);
	if (*limit == DOCUMENT_LIMIT_NONE)
		*limit = ended_by (status, &usage, limits);
	if (*limit == DOCUMENT_LIMIT_NONE && out->len > 1 && out->str[0] == 'T')
		*text = g_strndup (out->str + 1, out->len - 1);
	return TRUE;
}

/* ---- Every document of a message ---- */

typedef struct {
	const DocumentLimits *limits;
	const DocumentCache *cache;
	GPtrArray *notes;
	gint64 deadline;         /* monotonic: the end of total_seconds */
	GError *error;
} ReadWalk;

/* The outcome for the document @bytes (@kind, named @sha256): recorded,
 * or read now and recorded. FALSE with walk->error set. */
static gboolean
outcome (ReadWalk *walk, DocumentKind kind, GByteArray *bytes, const char *sha256, char **text,
         DocumentLimit *limit)
{
	const DocumentCache *cache = walk->cache;
	int found = 0;

	if (cache != NULL && cache->lookup != NULL)
		found = cache->lookup (cache->data, sha256, text, limit, &walk->error);
	gint64 left = (walk->deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC;
	DocumentLimits limits = *walk->limits;

	if (found != 0)
		return found > 0;
	if (left <= 0) {
		/* The message's documents have had their time. */
		*limit = DOCUMENT_LIMIT_TIME;
		return TRUE;
	}
	limits.wall_seconds = (guint) MIN ((gint64) limits.wall_seconds, left);
	if (!document_child_text (&limits, kind, bytes->data, bytes->len, text, limit, &walk->error))
		return FALSE;
	/* A time limit shortened by the others' time says nothing certain
	 * of this document: not recorded, a retry reads it again. */
	if (*limit == DOCUMENT_LIMIT_TIME && limits.wall_seconds < walk->limits->wall_seconds)
		return TRUE;
	return cache == NULL || cache->save == NULL ||
		cache->save (cache->data, sha256, *text, *limit, &walk->error);
}

static void
read_part (GMimePart *part, gpointer user_data)
{
	ReadWalk *walk = user_data;
	DocumentKind kind = document_kind (part);
	g_autoptr (GByteArray) bytes = NULL;
	g_autoptr (Hash) sum = NULL;
	g_autofree char *sha256 = NULL, *text = NULL;
	DocumentLimit limit = DOCUMENT_LIMIT_NONE;

	if (walk->error != NULL || (kind != DOCUMENT_PDF && kind != DOCUMENT_DOCX)
	    || document_part_has_text (part))
		return;
	if (!document_supported () || (bytes = document_part_bytes (part)) == NULL) {
		document_part_set_text (part, NULL);
		return;
	}
	kind = document_bytes_kind (kind, bytes->data, bytes->len);
	sum = hash_new ();
	hash_update (sum, bytes->data, bytes->len);
	sha256 = hash_hex (sum);
	if (!outcome (walk, kind, bytes, sha256, &text, &limit))
		return;
	document_part_set_text (part, text);
	if (limit != DOCUMENT_LIMIT_NONE && walk->notes != NULL) {
		g_autofree char *name = statement_clean_line (g_mime_part_get_filename (part));

		/* A sender's name is no reason for a long event. */
		if (g_utf8_strlen (name, -1) > MAX_NAME_CHARS) {
			char *cut = g_utf8_substring (name, 0, MAX_NAME_CHARS);

			g_free (name);
			name = g_strconcat (cut, "...", NULL);
			g_free (cut);
		}
		g_ptr_array_add (walk->notes, g_strdup_printf ("document %s: text not extracted: %s",
		                                               *name != '\0' ? name : "(unnamed)",
		                                               document_limit_to_string (limit)));
	}
}

gboolean
document_child_read (Message *message, const DocumentLimits *limits, const DocumentCache *cache,
                     GPtrArray *notes, GError **error)
{
	ReadWalk walk = { limits, cache, notes, 0, NULL };

	g_return_val_if_fail (message != NULL && limits != NULL, FALSE);
	walk.deadline = g_get_monotonic_time () + (gint64) limits->total_seconds * G_USEC_PER_SEC;
	message_foreach_attachment (message, read_part, &walk);
	if (walk.error != NULL) {
		g_propagate_error (error, walk.error);
		return FALSE;
	}
	return TRUE;
}
