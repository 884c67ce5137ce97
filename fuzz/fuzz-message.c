/* fuzz-message.c: libFuzzer harness for everything deliver does with the
 * bytes of one message before it touches the database: reading a stored
 * message in place, and spooling it as deliver does (the mbox From_ line,
 * the size limit and, for half the inputs, the header-only copy of an
 * oversized message); GMime parsing, the dedupe key, the PDF and DOCX
 * attachments read in limited children (document-child.c), headers, references, the texts
 * and the attachments walked, extraction in every layout, resolution
 * against samples/liaison.conf, classification and the thread keys.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined by `make fuzz`, and
 * with the ordinary compiler as a replay program (fuzz/replay.c) that
 * `make check` runs over tests/data/fuzz/message and the seeds. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stages/classify.h"
#include "base/conf.h"
#include "input/document-child.h"
#include "stages/extract.h"
#include "fuzz.h"
#include "input/message.h"
#include "stages/resolve.h"
#include "stages/thread.h"
#include "../tests/testlib.h"

static Config *config;
static char *work;           /* a scratch spool, removed at exit */
static char *input_path;     /* where each input is written */

static void
cleanup (void)
{
	if (work != NULL)
		testlib_remove_tree (work);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	g_autoptr (GError) error = NULL;
	const char *path = g_getenv ("LIAISON_FUZZ_CONFIG");

	config = config_load (path != NULL ? path : SRCDIR "/samples/liaison.conf", &error);
	if (config == NULL)
		g_error ("fuzz-message: %s", error->message);
	work = g_dir_make_tmp ("liaison-fuzz-XXXXXX", &error);
	if (work == NULL)
		g_error ("fuzz-message: %s", error->message);
	input_path = g_build_filename (work, "input.eml", NULL);
	atexit (cleanup);
	return 0;
}

static void
count_part (GMimePart *part, gpointer user_data)
{
	guint *count = user_data;

	(void) g_mime_part_get_filename (part);
	(*count)++;
}

/* What deliver does with a parsed message, short of the store. */
static void
exercise (Message *message)
{
	g_autoptr (Statement) statement = NULL;
	g_autoptr (GPtrArray) refs = NULL;
	g_autoptr (GPtrArray) texts = NULL;
	g_autoptr (ThreadKeys) keys = NULL;
	g_autofree char *header = NULL;
	guint parts = 0;
	DocumentLimits limits;

	/* The documents, in limited children, as deliver reads them. */
	document_limits_init (&limits, 8);
	(void) document_child_read (message, &limits, NULL, NULL, NULL);
	refs = message_references (message);
	header = message_header (message, "Auto-Submitted");
	texts = message_texts (message);
	message_foreach_attachment (message, count_part, &parts);
	if (!message->oversized)
		statement = extract_statement (message, config);
	if (statement != NULL)
		resolve_statement (statement, config, message);
	(void) message_class_to_string (classify_message (message, config, statement, FALSE));
	(void) classify_is_automatic (message);
	keys = thread_keys_new (message, statement, config->id_prefix);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	Message *message;
	int fd;

	if (!g_file_set_contents_full (input_path, (const char *) data, (gssize) size,
	                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
		g_error ("fuzz-message: %s", error->message);

	/* As reinject reads a stored message: in place, no size limit. */
	message = message_open_file (input_path, G_MAXUINT64, &error);
	if (message == NULL)
		g_error ("fuzz-message: %s", error->message);
	exercise (message);
	message_free (message);

	/* As deliver reads standard input: spooled, with deliver's limit for
	 * inputs of even length and, for the others, a limit that they
	 * exceed, so that the header-only copy is made. */
	fd = open (input_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		g_error ("fuzz-message: %s", g_strerror (errno));
	message = message_spool_fd (fd, work, size % 2 == 0 ? 1024 * 1024 : size / 2, &error);
	close (fd);
	if (message == NULL)
		g_error ("fuzz-message: %s", error->message);
	exercise (message);
	message_free (message);
	return 0;
}
