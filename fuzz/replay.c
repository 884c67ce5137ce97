/* replay.c: a main() for a libFuzzer harness built without libFuzzer. It
 * feeds every file named on the command line (directories: every file in
 * them, recursively) to LLVMFuzzerTestOneInput() once, so that `make
 * check` (plain, under the sanitizers and under valgrind) replays the
 * crashers kept in tests/data/fuzz/ and the seed inputs. Without
 * arguments it replays the directories named by FUZZ_REPLAY_DIRS, a
 * ':'-separated list relative to SRCDIR. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz.h"

static guint replayed;

static int
replay (const char *path)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
		g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
		g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
		const char *name;
		int status = 0;

		if (dir == NULL) {
			fprintf (stderr, "replay: %s\n", error->message);
			return 1;
		}
		while ((name = g_dir_read_name (dir)) != NULL)
			if (name[0] != '.')
				g_ptr_array_add (names, g_build_filename (path, name, NULL));
		g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
		for (guint i = 0; i < names->len; i++)
			status |= replay (g_ptr_array_index (names, i));
		return status;
	}
	if (!g_file_get_contents (path, &data, &len, &error)) {
		fprintf (stderr, "replay: %s\n", error->message);
		return 1;
	}
	LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
	replayed++;
	return 0;
}

int
main (int argc, char **argv)
{
	int status = 0;

	LLVMFuzzerInitialize (&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			status |= replay (argv[i]);
	} else {
		g_auto (GStrv) dirs = g_strsplit (FUZZ_REPLAY_DIRS, ":", -1);
		for (guint i = 0; dirs[i] != NULL; i++) {
			g_autofree char *path = g_build_filename (SRCDIR, dirs[i], NULL);
			if (g_file_test (path, G_FILE_TEST_EXISTS))
				status |= replay (path);
		}
	}
	printf ("%u inputs replayed\n", replayed);
	return status;
}
