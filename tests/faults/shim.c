/* shim.c: an LD_PRELOAD library for tests/t-faults.sh that makes system
 * calls fail as a full or broken disk would, so that deliver's answer to
 * ENOSPC and EIO can be tested without a small file system.
 *
 * Controlled by the environment (read once, at load time):
 *
 *   LIAISON_FAULT_OPS    comma-separated calls to fail: write (write,
 *                        writev, pwrite, pwrite64), fsync (fsync,
 *                        fdatasync, syncfs), open (open, open64, openat,
 *                        openat64, creat, fopen, fopen64 of any kind),
 *                        openw (the same, but only opens that ask to
 *                        write or create). Unset: the shim does nothing.
 *   LIAISON_FAULT_ERRNO  the errno to fail with: ENOSPC (default), EIO,
 *                        EACCES, EROFS, EDQUOT, or a number.
 *   LIAISON_FAULT_PATH   only calls on files whose path contains one of
 *                        these ':'-separated strings fail (for
 *                        descriptors, the path /proc/self/fd names).
 *                        Unset: every regular file, never a pipe, socket
 *                        or terminal.
 *   LIAISON_FAULT_AFTER  let this many matching calls succeed first
 *                        (default 0); every later one fails.
 *   LIAISON_FAULT_LOG    a file to which a line "CALL PATH" is appended
 *                        for every call made to fail.
 *   LIAISON_FAULT_DLOPEN ':'-separated strings: a dlopen() of a library
 *                        whose name contains one of them fails, as if
 *                        the library were not installed (independent of
 *                        LIAISON_FAULT_OPS).
 *   LIAISON_FAULT_COUNT  a file to which the number of matching calls
 *                        (failed or not) is written when the process
 *                        exits normally: a clean run with a large AFTER
 *                        tells the test how many calls there are to
 *                        sweep.
 *
 * Only what the kernel would do is simulated: a failed call has no effect.
 * Built without sanitizers; under AddressSanitizer it is preloaded after
 * the sanitizer's runtime, whose interceptors then call it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum {
	OP_WRITE = 1 << 0,
	OP_FSYNC = 1 << 1,
	OP_OPEN = 1 << 2,
	OP_OPENW = 1 << 3,
};

static int ops;
static int fault_errno = ENOSPC;
static const char *fault_path;
static long after;
static long calls;
static const char *count_file;
static const char *log_file;
/* The path of the file the current call is about, for the log. */
static char current[4096];

static void
write_count (void)
{
	char buf[32];
	int fd, len;
	ssize_t ignored;

	if (count_file == NULL)
		return;
	ops = 0;
	fd = open (count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	len = snprintf (buf, sizeof buf, "%ld\n", calls);
	ignored = write (fd, buf, (size_t) len);
	(void) ignored;
	close (fd);
}

__attribute__ ((constructor)) static void
shim_init (void)
{
	const char *v = getenv ("LIAISON_FAULT_OPS");

	if (v == NULL || *v == '\0')
		return;
	if (strstr (v, "write") != NULL)
		ops |= OP_WRITE;
	if (strstr (v, "fsync") != NULL)
		ops |= OP_FSYNC;
	if (strstr (v, "openw") != NULL)
		ops |= OP_OPENW;
	else if (strstr (v, "open") != NULL)
		ops |= OP_OPEN;

	v = getenv ("LIAISON_FAULT_ERRNO");
	if (v != NULL && *v != '\0') {
		if (strcmp (v, "ENOSPC") == 0)
			fault_errno = ENOSPC;
		else if (strcmp (v, "EIO") == 0)
			fault_errno = EIO;
		else if (strcmp (v, "EACCES") == 0)
			fault_errno = EACCES;
		else if (strcmp (v, "EROFS") == 0)
			fault_errno = EROFS;
		else if (strcmp (v, "EDQUOT") == 0)
			fault_errno = EDQUOT;
		else
			fault_errno = atoi (v);
	}
	v = getenv ("LIAISON_FAULT_PATH");
	if (v != NULL && *v != '\0')
		fault_path = v;
	v = getenv ("LIAISON_FAULT_AFTER");
	if (v != NULL && *v != '\0')
		after = atol (v);
	log_file = getenv ("LIAISON_FAULT_LOG");
	if (log_file != NULL && *log_file == '\0')
		log_file = NULL;
	count_file = getenv ("LIAISON_FAULT_COUNT");
	if (count_file != NULL && *count_file == '\0')
		count_file = NULL;
	if (count_file != NULL)
		atexit (write_count);
}

static void *
next (const char *name)
{
	void *sym = dlsym (RTLD_NEXT, name);

	/* Nothing sensible is left to do without the real call. */
	if (sym == NULL)
		abort ();
	return sym;
}

/* TRUE when @path is one whose calls may fail. */
static int
path_matches (const char *path)
{
	if (path == NULL)
		return 0;
	snprintf (current, sizeof current, "%s", path);
	if (fault_path == NULL)
		return 1;
	for (const char *p = fault_path; *p != '\0';) {
		const char *end = strchr (p, ':');
		size_t len = end != NULL ? (size_t) (end - p) : strlen (p);

		if (len > 0 && memmem (path, strlen (path), p, len) != NULL)
			return 1;
		p += len;
		if (*p == ':')
			p++;
	}
	return 0;
}

static int
fd_matches (int fd)
{
	char link[64], path[4096];
	struct stat st;
	ssize_t n;

	snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink (link, path, sizeof path - 1);
	path[n < 0 ? 0 : n] = '\0';
	if (fault_path == NULL) {
		/* Regular files only: the error line to stderr, a pipe from the
		 * MTA, must still get through. */
		snprintf (current, sizeof current, "%s", path);
		return fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
	}
	if (n < 0)
		return 0;
	return path_matches (path);
}

/* Counts a matching call of @call; TRUE when it must fail (and then logs
 * it). */
static int
fail_now (const char *call)
{
	int saved_ops = ops, fd;
	char line[4200];
	int len;

	if (calls++ < after)
		return 0;
	if (log_file == NULL)
		return 1;
	/* The log's own open and write must not fail, nor count. */
	ops = 0;
	fd = open (log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		ssize_t ignored;
		len = snprintf (line, sizeof line, "%s %s\n", call, current);
		ignored = write (fd, line, (size_t) len < sizeof line ? (size_t) len : sizeof line - 1);
		(void) ignored;
		close (fd);
	}
	ops = saved_ops;
	return 1;
}

static int
should_fail_fd (int op, int fd, const char *call)
{
	if (!(ops & op))
		return 0;
	if (!fd_matches (fd))
		return 0;
	return fail_now (call);
}

static int
should_fail_open (const char *path, int flags, const char *call)
{
	if (!(ops & (OP_OPEN | OP_OPENW)))
		return 0;
	if ((ops & OP_OPENW) && (flags & O_ACCMODE) == O_RDONLY && !(flags & O_CREAT))
		return 0;
	if (!path_matches (path))
		return 0;
	return fail_now (call);
}

#define FAIL(ret) do { errno = fault_errno; return (ret); } while (0)

ssize_t
write (int fd, const void *buf, size_t count)
{
	static ssize_t (*real) (int, const void *, size_t);

	if (real == NULL)
		real = next ("write");
	if (should_fail_fd (OP_WRITE, fd, "write"))
		FAIL (-1);
	return real (fd, buf, count);
}

ssize_t
writev (int fd, const struct iovec *iov, int iovcnt)
{
	static ssize_t (*real) (int, const struct iovec *, int);

	if (real == NULL)
		real = next ("writev");
	if (should_fail_fd (OP_WRITE, fd, "writev"))
		FAIL (-1);
	return real (fd, iov, iovcnt);
}

ssize_t
pwrite (int fd, const void *buf, size_t count, off_t offset)
{
	static ssize_t (*real) (int, const void *, size_t, off_t);

	if (real == NULL)
		real = next ("pwrite");
	if (should_fail_fd (OP_WRITE, fd, "pwrite"))
		FAIL (-1);
	return real (fd, buf, count, offset);
}

ssize_t
pwrite64 (int fd, const void *buf, size_t count, off64_t offset)
{
	static ssize_t (*real) (int, const void *, size_t, off64_t);

	if (real == NULL)
		real = next ("pwrite64");
	if (should_fail_fd (OP_WRITE, fd, "pwrite64"))
		FAIL (-1);
	return real (fd, buf, count, offset);
}

int
fsync (int fd)
{
	static int (*real) (int);

	if (real == NULL)
		real = next ("fsync");
	if (should_fail_fd (OP_FSYNC, fd, "fsync"))
		FAIL (-1);
	return real (fd);
}

int
fdatasync (int fd)
{
	static int (*real) (int);

	if (real == NULL)
		real = next ("fdatasync");
	if (should_fail_fd (OP_FSYNC, fd, "fdatasync"))
		FAIL (-1);
	return real (fd);
}

/* The descriptor of a syncfs() is a directory: it matches by its path
 * only (with LIAISON_FAULT_PATH). */
int
syncfs (int fd)
{
	static int (*real) (int);

	if (real == NULL)
		real = next ("syncfs");
	if (fault_path != NULL && should_fail_fd (OP_FSYNC, fd, "syncfs"))
		FAIL (-1);
	return real (fd);
}

/* The open family takes a mode only with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, mode) \
	do { \
		if ((flags) & (O_CREAT | O_TMPFILE)) { \
			va_list ap; \
			va_start (ap, flags); \
			mode = va_arg (ap, int); \
			va_end (ap); \
		} \
	} while (0)

int
open (const char *path, int flags, ...)
{
	static int (*real) (const char *, int, ...);
	int mode = 0;

	OPEN_MODE (flags, mode);
	if (real == NULL)
		real = next ("open");
	if (should_fail_open (path, flags, "open"))
		FAIL (-1);
	return real (path, flags, mode);
}

int
open64 (const char *path, int flags, ...)
{
	static int (*real) (const char *, int, ...);
	int mode = 0;

	OPEN_MODE (flags, mode);
	if (real == NULL)
		real = next ("open64");
	if (should_fail_open (path, flags, "open64"))
		FAIL (-1);
	return real (path, flags, mode);
}

int
openat (int dirfd, const char *path, int flags, ...)
{
	static int (*real) (int, const char *, int, ...);
	int mode = 0;

	OPEN_MODE (flags, mode);
	if (real == NULL)
		real = next ("openat");
	if (should_fail_open (path, flags, "openat"))
		FAIL (-1);
	return real (dirfd, path, flags, mode);
}

int
openat64 (int dirfd, const char *path, int flags, ...)
{
	static int (*real) (int, const char *, int, ...);
	int mode = 0;

	OPEN_MODE (flags, mode);
	if (real == NULL)
		real = next ("openat64");
	if (should_fail_open (path, flags, "openat64"))
		FAIL (-1);
	return real (dirfd, path, flags, mode);
}

int
creat (const char *path, mode_t mode)
{
	return open (path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

static int
fopen_flags (const char *mode)
{
	if (mode[0] == 'r')
		return strchr (mode, '+') != NULL ? O_RDWR : O_RDONLY;
	return O_WRONLY | O_CREAT;
}

FILE *
fopen (const char *path, const char *mode)
{
	static FILE *(*real) (const char *, const char *);

	if (real == NULL)
		real = next ("fopen");
	if (should_fail_open (path, fopen_flags (mode), "fopen"))
		FAIL (NULL);
	return real (path, mode);
}

FILE *
fopen64 (const char *path, const char *mode)
{
	static FILE *(*real) (const char *, const char *);

	if (real == NULL)
		real = next ("fopen64");
	if (should_fail_open (path, fopen_flags (mode), "fopen64"))
		FAIL (NULL);
	return real (path, mode);
}

/* dlopen() of a library named in LIAISON_FAULT_DLOPEN fails as a missing
 * one does: the real dlopen() of a name that does not exist, so that
 * dlerror() says why. */
void *
dlopen (const char *file, int mode)
{
	static void *(*real_dlopen) (const char *, int);
	const char *deny = getenv ("LIAISON_FAULT_DLOPEN");

	if (real_dlopen == NULL)
		*(void **) &real_dlopen = dlsym (RTLD_NEXT, "dlopen");
	if (file != NULL && deny != NULL && *deny != '\0') {
		char *list = strdup (deny);

		for (char *save = NULL, *one = list != NULL ? strtok_r (list, ":", &save) : NULL;
		     one != NULL; one = strtok_r (NULL, ":", &save))
			if (strstr (file, one) != NULL) {
				free (list);
				return real_dlopen ("/nonexistent/liaison-fault-dlopen.so", mode);
			}
		free (list);
	}
	return real_dlopen (file, mode);
}
