/* testlib.h: the helpers the unit tests (and the fuzz harnesses) share,
 * written once: temporary trees, files, a message or a configuration
 * from text. Header-only (static inline): each test program is one file.
 *
 * The helpers that assert need cmocka: they are defined when <cmocka.h>
 * was included before this header (the fuzz harnesses do without). */
#ifndef LIAISON_TESTLIB_H
#define LIAISON_TESTLIB_H

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "base/conf.h"
#include "base/util.h"
#include "input/message.h"

/* Removes @path and, for a directory, everything under it. A symbolic
 * link is removed, never followed. */
static inline void
testlib_remove_tree (const char *path)
{
	util_remove_tree (path);
}

/* The number of entries of @dir (0 when it cannot be read). */
static inline guint
testlib_count_files (const char *dir)
{
	g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
	guint n = 0;

	while (listing != NULL && g_dir_read_name (listing) != NULL)
		n++;
	return n;
}

#ifdef cmocka_unit_test

/* Writes @text to @dir/@name (a relative path), creating the directories
 * on the way. */
static inline void
testlib_write_file (const char *dir, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename (dir, name, NULL);
	g_autofree char *parent = g_path_get_dirname (path);

	assert_int_equal (g_mkdir_with_parents (parent, 0700), 0);
	assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* A Message parsed from @text, through a temporary file removed at once
 * (the message keeps its own descriptor). */
static inline Message *
testlib_message_from_text (const char *text)
{
	g_autofree char *path = NULL;
	g_autoptr (GError) error = NULL;
	Message *message;
	int fd = g_file_open_tmp ("liaison-test.XXXXXX", &path, &error);

	assert_true (fd >= 0);
	assert_true (write (fd, text, strlen (text)) == (ssize_t) strlen (text));
	close (fd);
	message = message_open_file (path, 1 << 20, &error);
	assert_non_null (message);
	unlink (path);
	return message;
}

/* The spool's secret of the unit tests (compose.h keys our ids with it),
 * fixed so that the golden files are. */
#define TESTLIB_SECRET "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* The configuration @text, written to @dir/liaison.conf and loaded, with
 * TESTLIB_SECRET as its secret. */
static inline Config *
testlib_load_config (const char *dir, const char *text)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (dir, "liaison.conf", NULL);
	Config *config;

	testlib_write_file (dir, "liaison.conf", text);
	config = config_load (path, &error);
	if (config == NULL)
		fail_msg ("config: %s", error->message);
	g_strlcpy (config->secret, TESTLIB_SECRET, sizeof config->secret);
	return config;
}

#endif /* cmocka_unit_test */

#endif
