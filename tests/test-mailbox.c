/* test-mailbox.c: reading mailboxes. Every mailbox format of the shared
 * corpus with its message count (counted by hand, or given by the project
 * it comes from), and hand-made mailboxes for what the corpus lacks: mboxrd
 * quoting, CR LF, wrong Content-Length, a From_ line without its blank line,
 * standard input, Maildir and MH folders, dates and the envelope. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/error.h"
#include "input/mailbox.h"
#include "testlib.h"

/* ------------------------------------------------------------------ */
/* Helpers */

static char *
corpus_dir (void)
{
	const char *env = g_getenv ("LIAISON_CORPUS");

	if (env != NULL && *env != '\0')
		return g_strdup (env);
	return g_build_filename (SRCDIR, "..", "shared", "corpus", NULL);
}

/* Whether the corpus (or the file @relative in it) is there. Called before
 * anything is allocated, since skip() does not return. */
static gboolean
corpus_has (const char *relative)
{
	g_autofree char *corpus = corpus_dir ();
	g_autofree char *path = g_build_filename (corpus, relative, NULL);

	return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The bytes of @entry as mailbox_entry_open() gives them. */
static char *
entry_text (const MailboxEntry *entry)
{
	g_autoptr (GError) error = NULL;
	GString *text = g_string_new (NULL);
	char buf[4096];
	ssize_t n;
	int fd = mailbox_entry_open (entry, &error);

	assert_true (fd >= 0);
	while ((n = read (fd, buf, sizeof buf)) > 0)
		g_string_append_len (text, buf, n);
	close (fd);
	return g_string_free (text, FALSE);
}

/* Every entry of @path, in order (array of MailboxEntry*), and its format;
 * standard input ("-") is copied into @tmp_dir. */
static GPtrArray *
read_all_in (const char *path, const char *tmp_dir, MailboxFormat *format, MailboxSource **source)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mailbox_entry_free);
	MailboxEntry *entry;

	*source = mailbox_source_open (path, tmp_dir, &error);
	if (*source == NULL)
		fail_msg ("%s: %s", path, error->message);
	*format = mailbox_source_format (*source);
	while ((entry = mailbox_source_next (*source, &error)) != NULL)
		g_ptr_array_add (entries, entry);
	assert_null (error);
	return entries;
}

static GPtrArray *
read_all (const char *path, MailboxFormat *format, MailboxSource **source)
{
	return read_all_in (path, g_get_tmp_dir (), format, source);
}

static char *
scratch_dir (void)
{
	g_autoptr (GError) error = NULL;
	char *dir = g_dir_make_tmp ("test-mailbox.XXXXXX", &error);

	assert_non_null (dir);
	return dir;
}

/* Reads the mailbox @text (written to a scratch file) and checks that it
 * holds the messages @expected (NULL-terminated), byte for byte. */
static void
check_mbox_text (const char *text, const char *const *expected, MailboxFormat want_format)
{
	g_autofree char *dir = scratch_dir ();
	g_autofree char *path = g_build_filename (dir, "mbox", NULL);
	g_autoptr (GPtrArray) entries = NULL;
	MailboxSource *source = NULL;
	MailboxFormat format;
	guint n = 0;

	testlib_write_file (dir, "mbox", text);
	entries = read_all (path, &format, &source);
	assert_int_equal (format, want_format);
	while (expected[n] != NULL)
		n++;
	assert_int_equal (entries->len, n);
	for (guint i = 0; i < n; i++) {
		g_autofree char *got = entry_text (g_ptr_array_index (entries, i));

		assert_string_equal (got, expected[i]);
	}
	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
	testlib_remove_tree (dir);
}

/* ------------------------------------------------------------------ */
/* The corpus */

typedef struct {
	const char *path;        /* below the corpus */
	MailboxFormat format;
	guint count;
	const char *why;         /* how the count was established */
} CorpusCase;

static const CorpusCase corpus_cases[] = {
	/* ietf-mailarchive: counted by hand (message starts listed one by
	 * one); the quoted Outlook headers in mailbox_to (From/Sent/To
	 * without Date) are not messages, the forwarded block after a blank
	 * line in mailbox_date is (nothing tells it apart there). */
	{ "ietf-mailarchive/mailbox_mmdf", MAILBOX_FORMAT_MMDF, 5, "5 messages between 10 ^A^A^A^A lines" },
	{ "ietf-mailarchive/mailbox_from", MAILBOX_FORMAT_HEADERS, 14, "14 header blocks with From and Date" },
	{ "ietf-mailarchive/mailbox_to", MAILBOX_FORMAT_HEADERS, 15, "15 blocks starting To:, 2 quoted ones" },
	{ "ietf-mailarchive/mailbox_date", MAILBOX_FORMAT_HEADERS, 2, "2 blocks starting Date:" },
	{ "ietf-mailarchive/mailbox_received", MAILBOX_FORMAT_HEADERS, 1, "one message" },
	{ "ietf-mailarchive/mailbox_envelope-to", MAILBOX_FORMAT_HEADERS, 2, "2 Envelope-to: blocks, a forward" },
	{ "ietf-mailarchive/mailbox_return-path", MAILBOX_FORMAT_HEADERS, 3, "3 Return-Path: blocks" },
	{ "ietf-mailarchive/mailbox-x-envelope-from", MAILBOX_FORMAT_HEADERS, 4, "4 X-Envelope-From: blocks" },
	{ "ietf-mailarchive/mailbox_year", MAILBOX_FORMAT_HEADERS, 4, "4 Message-Id fields after a year line" },
	{ "ietf-mailarchive/mailbox_mbox", MAILBOX_FORMAT_MBOX, 1, "one From_ line after a blank line" },
	/* Content-Length mailboxes: a From_ line and a right Content-Length
	 * per message (mimekit: 29 messages, its README). */
	{ "mimekit/mbox/content-length.mbox.txt", MAILBOX_FORMAT_MBOX, 29, "MimeKit: 29 messages" },
	{ "perl-mail-box/mbox.src", MAILBOX_FORMAT_MBOX, 45, "Mail::Box: 45 messages" },
	{ "perl-mail-box/mbox.win", MAILBOX_FORMAT_MBOX, 45, "the CR LF copy of mbox.src" },
	/* Unescaped From_ text in bodies. */
	{ "gmime/mbox/input/substring.mbox", MAILBOX_FORMAT_MBOX, 3, "GMime: 3 From - lines, no blank line" },
	{ "mimekit/mbox/unmunged.mbox.txt", MAILBOX_FORMAT_MBOX, 2, "MimeKit: From Russia with love is text" },
	{ "mimekit/mbox/issue1189.mbox.txt", MAILBOX_FORMAT_MBOX, 4, "MimeKit issue 1189: dateless From_ lines" },
	{ "cpython-email/mailbox_01.mbox", MAILBOX_FORMAT_MBOX, 1, "CPython: From time to time is text" },
	{ "jwzthreading-fedora-devel/2010-January.txt", MAILBOX_FORMAT_MBOX, 292, "its README: 292 messages" },
	/* Maildirs: the files of cur/ and new/. */
	{ "notmuch/lkml", MAILBOX_FORMAT_MAILDIR, 210, "210 files in cur/" },
	{ "notmuch/default", MAILBOX_FORMAT_MAILDIR, 26, "25 in cur/, 1 in new/" },
	{ "notmuch/threading/parent-priority", MAILBOX_FORMAT_MAILDIR, 3, "3 files in cur/, no new/" },
	/* A directory of numbered files (and others, which are not messages). */
	{ "spamassassin/data/spam", MAILBOX_FORMAT_MH, 18, "001 to 018" },
};

static void
test_corpus (void **state)
{
	g_autofree char *corpus = NULL;

	if (!corpus_has ("."))
		skip ();
	corpus = corpus_dir ();
	for (gsize i = 0; i < G_N_ELEMENTS (corpus_cases); i++) {
		const CorpusCase *c = &corpus_cases[i];
		g_autofree char *path = g_build_filename (corpus, c->path, NULL);
		g_autoptr (GPtrArray) entries = NULL;
		MailboxSource *source = NULL;
		MailboxFormat format;

		entries = read_all (path, &format, &source);
		if (format != c->format || entries->len != c->count)
			fail_msg ("%s: %s with %u messages, expected %s with %u (%s)", c->path,
			          mailbox_format_to_string (format), entries->len,
			          mailbox_format_to_string (c->format), c->count, c->why);
		for (guint j = 0; j < entries->len; j++) {
			const MailboxEntry *e = g_ptr_array_index (entries, j);

			assert_int_equal (e->number, j + 1);
			assert_true (e->length > 0);
		}
		g_clear_pointer (&entries, g_ptr_array_unref);
		mailbox_source_close (source);
	}
}

/* @text (taken) without CRs and without its Content-Length field, which
 * counts different bytes in a CR LF copy. */
static char *
without_content_length (char *text)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	GString *out = g_string_new (NULL);

	for (guint i = 0; lines[i] != NULL; i++) {
		gsize n = strlen (lines[i]);

		if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
			continue;
		if (n > 0 && lines[i][n - 1] == '\r')
			lines[i][n - 1] = '\0';
		g_string_append (out, lines[i]);
		if (lines[i + 1] != NULL)
			g_string_append_c (out, '\n');
	}
	g_free (text);
	return g_string_free (out, FALSE);
}

/* The CR LF copy (its Content-Length fields counting the CRs) has the same
 * messages with the same dates, byte for byte but for the CRs. */
static void
test_corpus_crlf (void **state)
{
	g_autofree char *corpus = NULL, *lf_path = NULL, *crlf_path = NULL;
	g_autoptr (GPtrArray) lf = NULL, crlf = NULL;
	MailboxSource *a = NULL, *b = NULL;
	MailboxFormat format;

	if (!corpus_has ("perl-mail-box/mbox.win"))
		skip ();
	corpus = corpus_dir ();
	lf_path = g_build_filename (corpus, "perl-mail-box", "mbox.src", NULL);
	crlf_path = g_build_filename (corpus, "perl-mail-box", "mbox.win", NULL);
	lf = read_all (lf_path, &format, &a);
	crlf = read_all (crlf_path, &format, &b);
	assert_int_equal (lf->len, crlf->len);
	for (guint i = 0; i < lf->len; i++) {
		const MailboxEntry *x = g_ptr_array_index (lf, i), *y = g_ptr_array_index (crlf, i);
		g_autofree char *tx = without_content_length (entry_text (x));
		g_autofree char *ty = without_content_length (entry_text (y));

		assert_true (x->date > 0);
		assert_int_equal (x->date, y->date);
		assert_int_equal (x->arrival, y->arrival);
		assert_string_equal (tx, ty);
	}
	g_clear_pointer (&lf, g_ptr_array_unref);
	g_clear_pointer (&crlf, g_ptr_array_unref);
	mailbox_source_close (a);
	mailbox_source_close (b);
}

/* Body text that starts with "From " stays in its message. */
static void
test_corpus_unmunged (void **state)
{
	g_autofree char *corpus = NULL, *path = NULL;
	g_autoptr (GPtrArray) entries = NULL;
	g_autofree char *first = NULL, *second = NULL;
	MailboxSource *source = NULL;
	MailboxFormat format;

	if (!corpus_has ("mimekit/mbox/unmunged.mbox.txt"))
		skip ();
	corpus = corpus_dir ();
	path = g_build_filename (corpus, "mimekit", "mbox", "unmunged.mbox.txt", NULL);
	entries = read_all (path, &format, &source);
	assert_int_equal (entries->len, 2);
	first = entry_text (g_ptr_array_index (entries, 0));
	second = entry_text (g_ptr_array_index (entries, 1));
	assert_true (g_str_has_prefix (first, "From: Jeffrey Stedfast"));
	assert_non_null (strstr (first, "\nFrom Russia with love\n"));
	assert_non_null (strstr (second, "Subject: Another test message"));
	assert_non_null (strstr (second, "\nFrom Russia with love\nYear: 1963\n"));
	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
}

/* ------------------------------------------------------------------ */
/* Hand-made mbox files */

static void
test_mbox_basic (void **state)
{
	/* The blank line after each message belongs to the mailbox; the
	 * last message keeps its last line even without one. */
	static const char mbox[] =
		"From a@example.org Mon Jan  5 10:00:00 2026\n"
		"Subject: one\n\nbody one\n\n"
		"From b@example.org Mon Jan  5 11:00:00 2026\n"
		"Subject: two\n\nbody two\nlast line\n";
	static const char *const expected[] = {
		"Subject: one\n\nbody one\n",
		"Subject: two\n\nbody two\nlast line\n",
		NULL,
	};

	check_mbox_text (mbox, expected, MAILBOX_FORMAT_MBOX);
}

/* An mbox of several MiB: its pages are given back while it is cut and as
 * its messages are handed over (mailbox.c, release_before and the helper
 * thread), and every message still reads back whole, also once all of
 * them have been handed over. */
static void
test_mbox_large (void **state)
{
	g_autoptr (GString) mbox = g_string_new (NULL);
	g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);

	for (guint i = 0; i < 400; i++) {
		GString *message = g_string_new (NULL);

		g_string_append_printf (message, "Subject: message %u\n\n", i);
		for (guint line = 0; line < 120; line++)
			g_string_append_printf (message, "line %u of message %u: %s\n", line, i,
			                        "some text to fill the pages of the mapping");
		g_string_append_printf (mbox, "From m%u@example.org Mon Jan  5 10:00:00 2026\n%s\n", i,
		                        message->str);
		g_ptr_array_add (expected, g_string_free (message, FALSE));
	}
	g_ptr_array_add (expected, NULL);
	assert_true (mbox->len > 2 * 1024 * 1024);
	check_mbox_text (mbox->str, (const char *const *) expected->pdata, MAILBOX_FORMAT_MBOX);
}

static void
test_mbox_rd (void **state)
{
	/* mboxrd: one '>' comes off each ">From " line, whatever the depth. */
	static const char mbox[] =
		"From a@example.org Mon Jan  5 10:00:00 2026\n"
		"Subject: quoting\n\n"
		">From here\n>>From there\n> From a quote\n>Fromage\n\n";
	static const char *const expected[] = {
		"Subject: quoting\n\nFrom here\n>From there\n> From a quote\n>Fromage\n",
		NULL,
	};

	check_mbox_text (mbox, expected, MAILBOX_FORMAT_MBOX);
}

static void
test_mbox_crlf (void **state)
{
	static const char mbox[] =
		"From a@example.org Mon Jan  5 10:00:00 2026\r\n"
		"Subject: one\r\n\r\nbody\r\n\r\n"
		"From b@example.org Mon Jan  5 11:00:00 2026\r\n"
		"Subject: two\r\n\r\nbody\r\n";
	static const char *const expected[] = {
		"Subject: one\r\n\r\nbody\r\n",
		"Subject: two\r\n\r\nbody\r\n",
		NULL,
	};

	check_mbox_text (mbox, expected, MAILBOX_FORMAT_MBOX);
}

static void
test_mbox_content_length (void **state)
{
	/* A right Content-Length keeps the From_ line of the body as text,
	 * unquoted; a wrong one is ignored. */
	static const char mbox[] =
		"From a@example.org Mon Jan  5 10:00:00 2026\n"
		"Subject: one\nContent-Length: 56\n\n"
		"text\n\nFrom b@example.org Mon Jan  5 10:30:00 2026\n>From\n\n"
		"From c@example.org Mon Jan  5 11:00:00 2026\n"
		"Subject: two\nContent-Length: 3\n\nbody\n\n";
	static const char *const expected[] = {
		"Subject: one\nContent-Length: 56\n\n"
		"text\n\nFrom b@example.org Mon Jan  5 10:30:00 2026\n>From\n",
		"Subject: two\nContent-Length: 3\n\nbody\n",
		NULL,
	};

	check_mbox_text (mbox, expected, MAILBOX_FORMAT_MBOX);
}

static void
test_mbox_no_blank_line (void **state)
{
	/* A From_ line right after text starts a message when header fields
	 * follow it; "From " text in a body or a broken "From :" header
	 * field does not. A byte order mark and blank lines at the top are
	 * skipped. */
	static const char mbox[] =
		"\xef\xbb\xbf\n"
		"From -\n"
		"Subject: one\nFrom  :<x@example.org>\n\nbody\nFrom time to time\n"
		"From - Mon Jan  5 11:00:00 2026\n"
		"Subject: two\n\nFrom Russia with love\nYear: 1963\n";
	static const char *const expected[] = {
		"Subject: one\nFrom  :<x@example.org>\n\nbody\nFrom time to time\n",
		"Subject: two\n\nFrom Russia with love\nYear: 1963\n",
		NULL,
	};

	check_mbox_text (mbox, expected, MAILBOX_FORMAT_MBOX);
}

static void
test_mmdf (void **state)
{
	static const char mmdf[] =
		"\001\001\001\001\nSubject: one\n\nbody\n\001\001\001\001\n"
		"\001\001\001\001\nSubject: two\n\nFrom here\n\001\001\001\001\n";
	static const char *const expected[] = {
		"Subject: one\n\nbody\n",
		"Subject: two\n\nFrom here\n",
		NULL,
	};

	check_mbox_text (mmdf, expected, MAILBOX_FORMAT_MMDF);
}

static void
test_headers (void **state)
{
	/* No separators: a header block with From and Date after a blank
	 * line starts a message; a quoted block marked as such does not. */
	static const char text[] =
		"2026\n"
		"From: a@example.org\nDate: Mon, 5 Jan 2026 10:00:00 +0000\nSubject: one\n\nbody\n\n"
		"-----Original Message-----\nFrom: c@example.org\nDate: Sun, 4 Jan 2026 10:00:00 +0000\n\nquoted\n\n"
		"Date: Mon, 5 Jan 2026 11:00:00 +0000\nFrom: b@example.org\nSubject: two\n\nbody\n";
	static const char *const expected[] = {
		"From: a@example.org\nDate: Mon, 5 Jan 2026 10:00:00 +0000\nSubject: one\n\nbody\n\n"
		"-----Original Message-----\nFrom: c@example.org\nDate: Sun, 4 Jan 2026 10:00:00 +0000\n\nquoted\n",
		"Date: Mon, 5 Jan 2026 11:00:00 +0000\nFrom: b@example.org\nSubject: two\n\nbody\n",
		NULL,
	};

	check_mbox_text (text, expected, MAILBOX_FORMAT_HEADERS);
}

static void
test_empty (void **state)
{
	static const char *const none[] = { NULL };

	check_mbox_text ("", none, MAILBOX_FORMAT_MBOX);
}

/* ------------------------------------------------------------------ */
/* Dates and envelope */

static void
test_dates_and_envelope (void **state)
{
	static const char mbox[] =
		"From MAILER-DAEMON Mon Jan  5 10:00:00 2026\n"
		"Return-Path: <>\nX-Original-To: statements+ccamp@example.org\n"
		"Date: Sun, 4 Jan 2026 23:00:00 -0500\nSubject: dated\n\nbody\n\n"
		"From b@example.org Tue Jan  6 09:00:00 2026\n"
		"Received: from relay by mx; Tue, 6 Jan 2026 08:59:00 +0000\n"
		"Delivered-To: statements@example.org\n"
		"Subject: no date\n\nbody\n\n"
		"From - \n"
		"Subject: nothing at all\n\nbody\n";
	g_autofree char *dir = scratch_dir ();
	g_autofree char *path = g_build_filename (dir, "mbox", NULL);
	g_autoptr (GPtrArray) entries = NULL;
	MailboxSource *source = NULL;
	MailboxFormat format;
	const MailboxEntry *e;

	testlib_write_file (dir, "mbox", mbox);
	entries = read_all (path, &format, &source);
	assert_int_equal (entries->len, 3);

	e = g_ptr_array_index (entries, 0);
	assert_int_equal (e->date, 1767585600);      /* 2026-01-05T04:00:00Z */
	assert_int_equal (e->arrival, 1767607200);   /* the From_ line's 10:00 */
	assert_string_equal (e->envelope_sender, "");
	assert_string_equal (e->envelope_recipient, "statements+ccamp@example.org");

	e = g_ptr_array_index (entries, 1);
	assert_int_equal (e->arrival, 1767689940);   /* the Received field's 08:59 */
	assert_int_equal (e->date, e->arrival);      /* no Date: its arrival */
	assert_string_equal (e->envelope_sender, "b@example.org");
	assert_string_equal (e->envelope_recipient, "statements@example.org");

	e = g_ptr_array_index (entries, 2);
	assert_int_equal (e->arrival, 0);
	assert_int_equal (e->date, 1767689940);      /* the message before it */
	assert_null (e->envelope_sender);
	assert_null (e->envelope_recipient);
	{
		g_autofree char *where = mailbox_entry_describe (e);

		assert_non_null (strstr (where, ": message 3 (byte "));
	}

	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
	testlib_remove_tree (dir);
}

/* ------------------------------------------------------------------ */
/* Directories and standard input */

static void
test_maildir (void **state)
{
	g_autofree char *dir = scratch_dir ();
	g_autoptr (GPtrArray) entries = NULL;
	MailboxSource *source = NULL;
	MailboxFormat format;
	const MailboxEntry *e;

	testlib_write_file (dir, "cur/1767607200.M1P1.host:2,S", "Subject: first\n\nbody\n");
	testlib_write_file (dir, "new/1767610800.M2P1.host", "From x@example.org Mon Jan  5 11:00:00 2026\n"
	            "Subject: second\n\nbody\n");
	testlib_write_file (dir, "cur/.hidden", "Subject: hidden\n\n");
	testlib_write_file (dir, "tmp/1767614400.M3P1.host", "Subject: being delivered\n\n");

	entries = read_all (dir, &format, &source);
	assert_int_equal (format, MAILBOX_FORMAT_MAILDIR);
	assert_int_equal (entries->len, 2);
	e = g_ptr_array_index (entries, 0);
	assert_non_null (strstr (e->path, "/cur/1767607200.M1P1.host:2,S"));
	assert_int_equal (e->arrival, 1767607200);   /* from its name */
	e = g_ptr_array_index (entries, 1);
	assert_int_equal (e->arrival, 1767610800);
	assert_string_equal (e->envelope_sender, "x@example.org");
	{
		g_autofree char *text = entry_text (e);

		/* The file as it is: deliver drops the From_ line. */
		assert_true (g_str_has_prefix (text, "From x@example.org"));
	}
	/* Nothing was written into the Maildir (no "maildirfolder"). */
	assert_int_equal (testlib_count_files (dir), 3);

	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
	testlib_remove_tree (dir);
}

static void
test_mh (void **state)
{
	g_autofree char *dir = scratch_dir ();
	g_autoptr (GPtrArray) entries = NULL;
	MailboxSource *source = NULL;
	MailboxFormat format;

	testlib_write_file (dir, "10", "Subject: ten\n\nbody\n");
	testlib_write_file (dir, "2", "Subject: two\n\nbody\n");
	testlib_write_file (dir, "1", "Subject: one\n\nbody\n");
	testlib_write_file (dir, "12-notes.txt", "not a message\n");
	testlib_write_file (dir, "sub/3", "Subject: in a subfolder\n\n");

	entries = read_all (dir, &format, &source);
	assert_int_equal (format, MAILBOX_FORMAT_MH);
	assert_int_equal (entries->len, 3);
	assert_true (g_str_has_suffix (((MailboxEntry *) g_ptr_array_index (entries, 0))->path, "/1"));
	assert_true (g_str_has_suffix (((MailboxEntry *) g_ptr_array_index (entries, 1))->path, "/2"));
	assert_true (g_str_has_suffix (((MailboxEntry *) g_ptr_array_index (entries, 2))->path, "/10"));
	/* No .mh_sequences was created. */
	assert_int_equal (testlib_count_files (dir), 5);

	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
	testlib_remove_tree (dir);
}

/* MH message names, as mailbox_mh_number() reads them. */
static void
test_mh_number (void **state)
{
	static const struct {
		const char *name;
		guint number;
	} cases[] = {
		{ "1", 1 }, { "12", 12 }, { "007", 7 }, { "4294967295", G_MAXUINT },
		{ "0", 0 }, { "000", 0 }, { "", 0 }, { "12abc", 0 }, { "abc", 0 }, { "+1", 0 },
		{ "-1", 0 }, { " 1", 0 }, { "1 ", 0 }, { "1.5", 0 }, { ",12", 0 }, { "#12", 0 },
		{ "4294967296", 0 }, { "99999999999999999999", 0 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		if (mailbox_mh_number (cases[i].name) != cases[i].number)
			fail_msg ("'%s': expected %u, got %u", cases[i].name, cases[i].number,
			          mailbox_mh_number (cases[i].name));
}

/* Whether one of @source's skipped sentences holds @part. */
static gboolean
skipped_has (const MailboxSource *source, const char *part)
{
	const GPtrArray *skipped = mailbox_source_skipped (source);

	for (guint i = 0; i < skipped->len; i++)
		if (strstr (g_ptr_array_index (skipped, i), part) != NULL)
			return TRUE;
	return FALSE;
}

/* Replaces the file @path by a FIFO, or by a link to @target. */
static void
swap_for (const char *path, const char *target)
{
	assert_int_equal (unlink (path), 0);
	if (target == NULL)
		assert_int_equal (mkfifo (path, 0600), 0);
	else
		assert_int_equal (symlink (target, path), 0);
}

/* A Maildir's links and FIFOs are never followed or opened, whether they
 * are there when it is listed or swapped in after; a cur/ that is a link
 * is not followed either. */
static void
test_maildir_links (void **state)
{
	g_autofree char *dir = scratch_dir ();
	g_autofree char *box = g_build_filename (dir, "box", NULL);
	g_autofree char *outside = g_build_filename (dir, "secret", NULL);
	g_autofree char *link = g_build_filename (box, "new", "2000000000.L.host", NULL);
	g_autofree char *fifo = g_build_filename (box, "new", "2000000001.F.host", NULL);
	g_autofree char *later_link = g_build_filename (box, "new", "1767607202.M3.host", NULL);
	g_autofree char *later_fifo = g_build_filename (box, "new", "1767607203.M4.host", NULL);
	g_autofree char *last = g_build_filename (box, "new", "1767607204.M5.host", NULL);
	g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mailbox_entry_free);
	g_autoptr (GError) error = NULL;
	MailboxSource *source;
	MailboxEntry *entry;
	const MailboxSkips *skips;
	int fd;

	testlib_write_file (dir, "secret", "Subject: not in the mailbox\n\nsecret\n");
	testlib_write_file (dir, "box/new/1767607201.M1.host", "Subject: one\n\nbody\n");
	testlib_write_file (dir, "box/new/1767607202.M3.host", "Subject: becomes a link\n\n");
	testlib_write_file (dir, "box/new/1767607203.M4.host", "Subject: becomes a FIFO\n\n");
	testlib_write_file (dir, "box/new/1767607204.M5.host", "Subject: last\n\n");
	testlib_write_file (dir, "elsewhere/1767607205.M6.host", "Subject: elsewhere\n\n");
	assert_int_equal (symlink (outside, link), 0);
	assert_int_equal (mkfifo (fifo, 0600), 0);
	{
		g_autofree char *cur = g_build_filename (box, "cur", NULL);
		g_autofree char *elsewhere = g_build_filename (dir, "elsewhere", NULL);

		assert_int_equal (symlink (elsewhere, cur), 0);
	}

	source = mailbox_source_open (box, NULL, &error);
	assert_non_null (source);
	assert_int_equal (mailbox_source_format (source), MAILBOX_FORMAT_MAILDIR);
	skips = mailbox_source_skips (source);
	assert_int_equal (skips->links, 2);     /* cur/ and the link in new/ */
	assert_int_equal (skips->special, 1);   /* the FIFO */
	assert_true (skipped_has (source, "/box/cur: a symbolic link: not read"));
	assert_true (skipped_has (source, "2000000000.L.host: a symbolic link: not read"));
	assert_true (skipped_has (source, "2000000001.F.host: a FIFO: not read"));

	/* Swapped in after the listing. */
	swap_for (later_link, outside);
	swap_for (later_fifo, NULL);
	while ((entry = mailbox_source_next (source, &error)) != NULL)
		g_ptr_array_add (entries, entry);
	assert_null (error);
	assert_int_equal (entries->len, 2);
	assert_int_equal (skips->links, 3);
	assert_int_equal (skips->special, 2);
	assert_true (skipped_has (source, "1767607203.M4.host: a FIFO: not read"));

	/* Swapped after it was read, before it is opened for delivery. */
	swap_for (last, NULL);
	fd = mailbox_entry_open (g_ptr_array_index (entries, 1), &error);
	assert_int_equal (fd, -1);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
	assert_non_null (strstr (error->message, "a FIFO"));
	g_clear_error (&error);
	{
		g_autofree char *text = entry_text (g_ptr_array_index (entries, 0));

		assert_true (g_str_has_prefix (text, "Subject: one"));
	}

	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
	testlib_remove_tree (dir);
}

/* An MH folder's names that are not message numbers are counted and said;
 * "007" is message 7, as nmh has it; a numbered link is not followed. */
static void
test_mh_names (void **state)
{
	g_autofree char *dir = scratch_dir ();
	g_autofree char *outside = g_build_filename (dir, "secret", NULL);
	g_autofree char *link = g_build_filename (dir, "mh", "5", NULL);
	g_autofree char *mh = g_build_filename (dir, "mh", NULL);
	g_autoptr (GPtrArray) entries = NULL;
	MailboxSource *source = NULL;
	MailboxFormat format;
	const MailboxSkips *skips;

	testlib_write_file (dir, "secret", "Subject: not in the folder\n\n");
	testlib_write_file (dir, "mh/1", "Subject: one\n\n");
	testlib_write_file (dir, "mh/007", "Subject: seven\n\n");
	testlib_write_file (dir, "mh/12abc", "Subject: no\n\n");
	testlib_write_file (dir, "mh/0", "Subject: no\n\n");
	testlib_write_file (dir, "mh/99999999999999999999", "Subject: no\n\n");
	testlib_write_file (dir, "mh/.mh_sequences", "unseen: 1\n");
	assert_int_equal (symlink (outside, link), 0);

	entries = read_all (mh, &format, &source);
	assert_int_equal (format, MAILBOX_FORMAT_MH);
	assert_int_equal (entries->len, 2);
	assert_true (g_str_has_suffix (((MailboxEntry *) g_ptr_array_index (entries, 0))->path, "/1"));
	assert_true (g_str_has_suffix (((MailboxEntry *) g_ptr_array_index (entries, 1))->path, "/007"));
	skips = mailbox_source_skips (source);
	assert_int_equal (skips->names, 3);
	assert_int_equal (skips->links, 1);
	assert_int_equal (skips->special, 0);
	assert_true (skipped_has (source, "/12abc: not an MH message number: not read"));
	assert_true (skipped_has (source, "/99999999999999999999: not an MH message number"));
	assert_true (skipped_has (source, "/5: a symbolic link: not read"));
	assert_false (skipped_has (source, ".mh_sequences"));

	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
	testlib_remove_tree (dir);
}

static void
test_stdin (void **state)
{
	static const char mbox[] =
		"From a@example.org Mon Jan  5 10:00:00 2026\nSubject: one\n\nbody\n\n"
		"From b@example.org Mon Jan  5 11:00:00 2026\nSubject: two\n\nbody\n";
	g_autofree char *dir = scratch_dir ();
	g_autofree char *input = g_build_filename (dir, "input", NULL);
	g_autofree char *tmp = g_build_filename (dir, "tmp", NULL);
	g_autoptr (GPtrArray) entries = NULL;
	MailboxSource *source = NULL;
	MailboxFormat format;
	int saved = dup (STDIN_FILENO);

	testlib_write_file (dir, "input", mbox);
	assert_non_null (freopen (input, "r", stdin));
	entries = read_all_in ("-", tmp, &format, &source);
	assert_int_equal (format, MAILBOX_FORMAT_MBOX);
	assert_int_equal (entries->len, 2);
	assert_string_equal (mailbox_source_name (source), "-");
	assert_int_equal (testlib_count_files (tmp), 1);      /* the copy, while open */
	g_clear_pointer (&entries, g_ptr_array_unref);
	mailbox_source_close (source);
	assert_int_equal (testlib_count_files (tmp), 0);      /* removed at close */

	(void) dup2 (saved, STDIN_FILENO);
	close (saved);
	testlib_remove_tree (dir);
}

static void
test_errors (void **state)
{
	g_autofree char *dir = scratch_dir ();
	g_autofree char *missing = g_build_filename (dir, "missing", NULL);
	g_autoptr (GError) error = NULL;
	MailboxSource *source;

	source = mailbox_source_open (missing, NULL, &error);
	assert_null (source);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND));
	g_clear_error (&error);

	testlib_write_file (dir, "sub/notes.txt", "text\n");
	source = mailbox_source_open (dir, NULL, &error);
	assert_null (source);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
	assert_non_null (strstr (error->message, "not a mailbox"));

	testlib_remove_tree (dir);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_corpus),
		cmocka_unit_test (test_corpus_crlf),
		cmocka_unit_test (test_corpus_unmunged),
		cmocka_unit_test (test_mbox_basic),
		cmocka_unit_test (test_mbox_large),
		cmocka_unit_test (test_mbox_rd),
		cmocka_unit_test (test_mbox_crlf),
		cmocka_unit_test (test_mbox_content_length),
		cmocka_unit_test (test_mbox_no_blank_line),
		cmocka_unit_test (test_mmdf),
		cmocka_unit_test (test_headers),
		cmocka_unit_test (test_empty),
		cmocka_unit_test (test_dates_and_envelope),
		cmocka_unit_test (test_maildir),
		cmocka_unit_test (test_mh),
		cmocka_unit_test (test_mh_number),
		cmocka_unit_test (test_maildir_links),
		cmocka_unit_test (test_mh_names),
		cmocka_unit_test (test_stdin),
		cmocka_unit_test (test_errors),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
