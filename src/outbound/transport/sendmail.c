/* transport/sendmail.c: hands a message to the local MTA by running its
 * sendmail program with an argument vector, `SENDMAIL -oi -f SENDER --
 * RCPT...` (never -t, never a shell), the message file on its standard
 * input, and a time limit after which the program and its children are
 * killed. Any status but 0 leaves the message queued. */
/* close_range(), where the C library has it. */
#define _GNU_SOURCE 1

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "base/statement.h"
#include "outbound/transport.h"

typedef struct {
	Transport parent;
	char *program;
} SendmailTransport;

/* What sendmail writes on stderr is kept for the error message, up to this. */
#define MAX_STDERR 2048

static void
sendmail_free (Transport *transport)
{
	SendmailTransport *t = (SendmailTransport *) transport;

	g_free (t->program);
	g_free (t);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void
exec_child (const char *program, char **argv, int in_fd, int err_fd)
{
	sigset_t none;
	long max_fd;

	/* Our blocked signals and ignored SIGPIPE are inherited across exec;
	 * sendmail must get the defaults. Its own process group lets a
	 * timeout kill whatever it forks. */
	sigemptyset (&none);
	sigprocmask (SIG_SETMASK, &none, NULL);
	signal (SIGPIPE, SIG_DFL);
	setpgid (0, 0);

	if (dup2 (in_fd, STDIN_FILENO) < 0 || dup2 (err_fd, STDOUT_FILENO) < 0 ||
	    dup2 (err_fd, STDERR_FILENO) < 0)
		_exit (75);
	/* Nothing of ours past exec: the database, the spool file GMime
	 * reads. One call where the C library has it, else one by one. */
#if defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
	if (close_range (3, ~0U, 0) < 0)
#endif
#endif
	{
		max_fd = sysconf (_SC_OPEN_MAX);
		if (max_fd < 0 || max_fd > 65536)
			max_fd = 65536;
		for (long fd = 3; fd < max_fd; fd++)
			close ((int) fd);
	}
	execv (program, argv);
	_exit (75);
}

/* Waits for @pid until @deadline (monotonic µs), reading its output from
 * @out_fd into @output. Returns TRUE with *status set when it ended. */
static gboolean
wait_child (pid_t pid, int out_fd, gint64 deadline, GString *output, int *status)
{
	gboolean open_fd = TRUE;

	for (;;) {
		gint64 now = g_get_monotonic_time ();
		pid_t r = waitpid (pid, status, WNOHANG);
		struct pollfd pfd = { out_fd, POLLIN, 0 };
		int ms;

		if (r == pid)
			return TRUE;
		if (r < 0 && errno != EINTR)
			return FALSE;
		if (now >= deadline)
			return FALSE;
		ms = (int) MIN ((deadline - now) / 1000 + 1, 50);
		if (!open_fd) {
			/* Its output is closed: it is exiting, or went on without
			 * it. Look again soon, not after a whole poll period. */
			g_usleep (2000);
			continue;
		}
		if (poll (&pfd, 1, ms) > 0) {
			char buf[512];
			ssize_t n = read (out_fd, buf, sizeof buf);
			if (n > 0 && output->len < MAX_STDERR)
				g_string_append_len (output, buf, MIN ((gsize) n, MAX_STDERR - output->len));
			else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				open_fd = FALSE;
		}
	}
}

static gboolean
sendmail_send (Transport *transport, const char *sender, GPtrArray *recipients,
               const char *path, guint timeout, GPtrArray *refused, GError **error)
{
	SendmailTransport *t = (SendmailTransport *) transport;
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GString) output = g_string_new (NULL);
	g_autofree char *said = NULL;
	int in_fd, pipe_fds[2], status = 0;
	pid_t pid;

	/* The argument vector is built before fork: the child only execs. */
	g_ptr_array_add (argv, t->program);
	g_ptr_array_add (argv, (char *) "-oi");
	g_ptr_array_add (argv, (char *) "-f");
	g_ptr_array_add (argv, (char *) sender);
	g_ptr_array_add (argv, (char *) "--");
	for (guint i = 0; i < recipients->len; i++)
		g_ptr_array_add (argv, g_ptr_array_index (recipients, i));
	g_ptr_array_add (argv, NULL);

	in_fd = open (path, O_RDONLY | O_CLOEXEC);
	if (in_fd < 0) {
		int errsv = errno;
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "cannot open %s: %s",
		             path, g_strerror (errsv));
		return FALSE;
	}
	if (pipe (pipe_fds) < 0) {
		int errsv = errno;
		close (in_fd);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "cannot make a pipe: %s",
		             g_strerror (errsv));
		return FALSE;
	}
	/* Neither end may leak into the child past exec but as its stdout and
	 * stderr (dup2 clears the flag on the copies). */
	(void) fcntl (pipe_fds[0], F_SETFD, FD_CLOEXEC);
	(void) fcntl (pipe_fds[1], F_SETFD, FD_CLOEXEC);
	pid = fork ();
	if (pid < 0) {
		int errsv = errno;
		close (in_fd);
		close (pipe_fds[0]);
		close (pipe_fds[1]);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "cannot run %s: %s",
		             t->program, g_strerror (errsv));
		return FALSE;
	}
	if (pid == 0)
		exec_child (t->program, (char **) argv->pdata, in_fd, pipe_fds[1]);

	close (in_fd);
	close (pipe_fds[1]);
	(void) fcntl (pipe_fds[0], F_SETFL, O_NONBLOCK);
	(void) setpgid (pid, pid);  /* as the child does: whichever runs first */
	if (!wait_child (pid, pipe_fds[0], g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC,
	                 output, &status)) {
		(void) kill (-pid, SIGKILL);
		(void) kill (pid, SIGKILL);
		while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
			;
		close (pipe_fds[0]);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT,
		             "%s did not finish within %u seconds; killed", t->program, timeout);
		return FALSE;
	}
	/* What it wrote last; a child it left behind may still hold the pipe,
	 * so do not wait for the end of it. */
	for (;;) {
		char buf[512];
		ssize_t n = read (pipe_fds[0], buf, sizeof buf);
		if (n <= 0)
			break;
		if (output->len < MAX_STDERR)
			g_string_append_len (output, buf, MIN ((gsize) n, MAX_STDERR - output->len));
	}
	close (pipe_fds[0]);

	said = statement_clean_line (output->str);
	if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
		return TRUE;
	if (WIFEXITED (status))
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s exited with status %d%s%s",
		             t->program, WEXITSTATUS (status), *said != '\0' ? ": " : "", said);
	else
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s was killed by signal %d",
		             t->program, WIFSIGNALED (status) ? WTERMSIG (status) : 0);
	(void) refused;
	return FALSE;
}

static const TransportClass sendmail_class = {
	"sendmail",
	sendmail_send,
	sendmail_free,
	NULL,                    /* each hand-over is acknowledged on its own */
	NULL,
};

Transport *
transport_sendmail_new (const char *program)
{
	SendmailTransport *t = g_new0 (SendmailTransport, 1);

	t->parent.klass = &sendmail_class;
	t->program = g_strdup (program != NULL ? program : SENDMAIL_PATH);
	return &t->parent;
}
