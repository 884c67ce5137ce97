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

/* A doubly linked list that the handler only reads forward. Changes
 * happen with the signals blocked, so the handler never sees a
 * half-linked node. A hash table finds a path's node, so that forgetting
 * the files of a transaction with many attachments is linear, not
 * quadratic (100,000 files took longer than the time limit). */
typedef struct GuardPath {
	struct GuardPath *next;
	struct GuardPath *prev;
	char path[];
} GuardPath;

static GuardPath *volatile paths;
static GHashTable *by_path;      /* path (in the node) -> GuardPath* */
static int block_depth;
/* guard_one_message() was called, and guard_recorded(): the message is
 * committed, so a stop says so and exits 0. */
static volatile sig_atomic_t one_message, recorded;

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
	/* After a commit the files it named are forgotten already: what
	 * is left are temporary files (the incoming message's copy). */
	for (GuardPath *p = paths; p != NULL; p = p->next)
		(void) unlink (p->path);
	if (one_message && recorded) {
		/* Committed: the MTA must not deliver it again. What was not
		 * sent stays queued. */
		say (signo == SIGALRM ? "liaison: time limit reached after the message was recorded\n"
		                      : "liaison: stopped by a signal after the message was recorded\n");
		_exit (0);
	}
	if (signo == SIGALRM)
		say ("4.4.7 liaison: time limit reached, nothing recorded\n");
	else
		say ("4.3.0 liaison: stopped by a signal, nothing recorded\n");
	_exit (75);
}

void
guard_stop_temporary (const char *why)
{
	sigset_t set;

	/* No signal handler may run the same list meanwhile. */
	sigemptyset (&set);
	sigaddset (&set, SIGTERM);
	sigaddset (&set, SIGINT);
	sigaddset (&set, SIGALRM);
	(void) sigprocmask (SIG_BLOCK, &set, NULL);
	say ("4.3.0 liaison: ");
	say (why);
	say ("\n");
	for (GuardPath *p = paths; p != NULL; p = p->next)
		(void) unlink (p->path);
	_exit (one_message && recorded ? 0 : 75);
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
	p->prev = NULL;
	guard_block ();
	if (by_path == NULL)
		by_path = g_hash_table_new (g_str_hash, g_str_equal);
	if (g_hash_table_contains (by_path, p->path)) {
		/* Registered already: one node is enough. */
		guard_unblock ();
		g_free (p);
		return;
	}
	p->next = paths;
	if (paths != NULL)
		paths->prev = p;
	paths = p;
	g_hash_table_insert (by_path, p->path, p);
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
	GuardPath *p;

	guard_block ();
	p = by_path != NULL ? g_hash_table_lookup (by_path, path) : NULL;
	if (p != NULL) {
		g_hash_table_remove (by_path, p->path);
		if (p->prev != NULL)
			p->prev->next = p->next;
		else
			paths = p->next;
		if (p->next != NULL)
			p->next->prev = p->prev;
		g_free (p);
	}
	guard_unblock ();
}

void
guard_forget_all (void)
{
	guard_block ();
	if (by_path != NULL)
		g_hash_table_remove_all (by_path);
	while (paths != NULL) {
		GuardPath *p = paths;
		paths = p->next;
		g_free (p);
	}
	guard_unblock ();
}

void
guard_one_message (void)
{
	one_message = 1;
}

void
guard_recorded (void)
{
	recorded = 1;
}
