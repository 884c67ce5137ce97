/* fuzz-mailbox.c: libFuzzer harness for the mailbox reader that reinject
 * uses: the input is a mailbox file (mbox in its variants, MMDF, or
 * messages one after another, told apart by its first line); every entry
 * is indexed, described and opened, and its bytes read to the end.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined by `make fuzz`, and
 * with the ordinary compiler as a replay program (fuzz/replay.c) that
 * `make check` runs over tests/data/fuzz/mailbox and the seeds. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "input/mailbox.h"

static char *work;           /* a scratch directory, removed at exit */
static char *input_path;     /* where each input is written */

static void
cleanup (void)
{
	if (input_path != NULL)
		(void) unlink (input_path);
	if (work != NULL)
		(void) rmdir (work);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	g_autoptr (GError) error = NULL;

	work = g_dir_make_tmp ("liaison-fuzz-XXXXXX", &error);
	if (work == NULL)
		g_error ("fuzz-mailbox: %s", error->message);
	input_path = g_build_filename (work, "mailbox", NULL);
	atexit (cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MailboxSource) source = NULL;
	MailboxEntry *entry;
	char buf[65536];

	if (!g_file_set_contents_full (input_path, (const char *) data, (gssize) size,
	                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
		g_error ("fuzz-mailbox: %s", error->message);
	source = mailbox_source_open (input_path, work, &error);
	if (source == NULL)
		return 0;
	(void) mailbox_format_to_string (mailbox_source_format (source));
	/* A file yields NULL at its end; an error is only for a file of a
	 * directory, which the input never is. */
	while ((entry = mailbox_source_next (source, &error)) != NULL) {
		g_autofree char *what = NULL;
		gsize total = 0;
		int fd;

		what = mailbox_entry_describe (entry);
		fd = mailbox_entry_open (entry, &error);
		if (fd >= 0) {
			ssize_t n;

			while ((n = read (fd, buf, sizeof buf)) > 0)
				total += (gsize) n;
			close (fd);
			/* The entry says how long it is; mboxrd unquoting only
			 * shortens it. */
			if (total > entry->length && entry->path == NULL)
				abort ();
		}
		g_clear_error (&error);
		mailbox_entry_free (entry);
	}
	return 0;
}
