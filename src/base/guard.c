/* guard.c: deliver's deadline and signal handling. The handler removes the
 * uncommitted spool files registered here and ends the process with 75; the
 * database needs nothing, since SQLite never reads the WAL frames of a
 * transaction that did not commit. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "base/guard.h"
#include "base/util.h"

/* A singly linked list that the handler only reads. Changes happen with the
 * signals blocked, so the handler never sees a half-linked node. */
typedef struct GuardPath {
	struct GuardPath *next;
	char path[];
} GuardPath;

static GuardPath *volatile paths;
static int block_depth;

/* The handler's message: util_write_raw() and strlen() are
 * async-signal-safe, and a failed write leaves nothing to do but exit. */
static void
say (const char *text)
{
	(void) util_write_raw (STDERR_FILENO, text, strlen (text));
}

static void
on_signal (int signo)
{
	for (GuardPath *p = paths; p != NULL; p = p->next)
		(void) unlink (p->path);
	if (signo == SIGALRM)
		say ("4.4.7 liaison: time limit reached, nothing recorded\n");
	else
		say ("4.3.0 liaison: stopped by a signal, nothing recorded\n");
	_exit (75);
}

static void
block_set (sigset_t *set)
{
	sigemptyset (set);
	sigaddset (set, SIGTERM);
	sigaddset (set, SIGINT);
	sigaddset (set, SIGHUP);
	sigaddset (set, SIGALRM);
}

void
guard_init (guint seconds)
{
	struct sigaction sa;

	memset (&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	block_set (&sa.sa_mask);
	sigaction (SIGTERM, &sa, NULL);
	sigaction (SIGINT, &sa, NULL);
	sigaction (SIGHUP, &sa, NULL);
	sigaction (SIGALRM, &sa, NULL);
	/* A transport that dies must not kill us. */
	signal (SIGPIPE, SIG_IGN);
	if (seconds > 0)
		alarm (seconds);
}

void
guard_block (void)
{
	sigset_t set;

	if (block_depth++ > 0)
		return;
	block_set (&set);
	sigprocmask (SIG_BLOCK, &set, NULL);
}

void
guard_unblock (void)
{
	sigset_t set;

	g_return_if_fail (block_depth > 0);
	if (--block_depth > 0)
		return;
	block_set (&set);
	sigprocmask (SIG_UNBLOCK, &set, NULL);
}

void
guard_add_path (const char *path)
{
	size_t len = strlen (path);
	GuardPath *p = g_malloc (sizeof *p + len + 1);

	memcpy (p->path, path, len + 1);
	guard_block ();
	p->next = paths;
	paths = p;
	guard_unblock ();
}

int
guard_mkstemp (char *tmpl, int flags, int mode)
{
	int fd, errsv;

	guard_block ();
	fd = g_mkstemp_full (tmpl, flags, mode);
	errsv = errno;
	if (fd >= 0)
		guard_add_path (tmpl);
	guard_unblock ();
	errno = errsv;
	return fd;
}

void
guard_forget_path (const char *path)
{
	GuardPath *volatile *link;

	guard_block ();
	for (link = &paths; *link != NULL; link = &(*link)->next) {
		if (strcmp ((*link)->path, path) == 0) {
			GuardPath *p = *link;
			*link = p->next;
			g_free (p);
			break;
		}
	}
	guard_unblock ();
}

void
guard_forget_all (void)
{
	guard_block ();
	while (paths != NULL) {
		GuardPath *p = paths;
		paths = p->next;
		g_free (p);
	}
	guard_unblock ();
}
