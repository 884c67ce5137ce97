/* test-publish.c: the public view (which statements the public register
 * shows, and what of them) and the iCalendar writer (RFC 5545 escaping of
 * TEXT, folding at 75 octets between UTF-8 characters, CRLF, one event
 * per open deadline). Statements are built by hand. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "export/export.h"
#include "export/publish.h"

static Statement *
make (const char *id, const char *handle, StatementState state, const char *hold_reason)
{
	Statement *s = statement_new ();

	s->id = g_strdup (id);
	s->handle = g_strdup (handle);
	s->state = state;
	s->hold_reason = g_strdup (hold_reason);
	s->title = g_strdup_printf ("Title of %s", id);
	return s;
}

static void
test_public_view (void **state)
{
	static const struct {
		const char *id, *handle;
		StatementState state;
		const char *hold_reason;
		gboolean shown;
	} cases[] = {
		{ "LS-2026-0001", NULL, STATE_OPEN, NULL, TRUE },
		{ "LS-2026-0002", NULL, STATE_REPLIED, NULL, TRUE },
		{ "LS-2026-0003", NULL, STATE_CLOSED, NULL, TRUE },
		{ "LS-2026-0004", "HM-2026-0001", STATE_OPEN, NULL, TRUE },   /* promoted */
		{ "HM-2026-0002", "HM-2026-0002", STATE_HELD, "no group", FALSE },
		{ "HM-2026-0003", "HM-2026-0003", STATE_OPEN, NULL, FALSE },  /* a handle */
		{ "LS-2026-0005", NULL, STATE_HELD, "unknown org", FALSE },
		{ "LS-2026-0006", NULL, STATE_DISMISSED, NULL, FALSE },
		{ "LS-2026-0007", NULL, STATE_OPEN, "held, then opened by hand", FALSE },
	};
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GString) expected = g_string_new (NULL), got = g_string_new (NULL);
	Statement *first;
	Event *event = g_new0 (Event, 1);
	Related *to_public = g_new0 (Related, 1), *to_held = g_new0 (Related, 1);

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_ptr_array_add (list, make (cases[i].id, cases[i].handle, cases[i].state,
		                             cases[i].hold_reason));
		if (cases[i].shown)
			g_string_append_printf (expected, "%s ", cases[i].id);
	}
	first = g_ptr_array_index (list, 0);
	event->type = g_strdup ("note");
	event->detail = g_strdup ("private");
	g_ptr_array_add (first->events, event);
	to_public->id = g_strdup ("LS-2026-0002");
	to_held->id = g_strdup ("LS-2026-0005");
	g_ptr_array_add (first->related, to_public);
	g_ptr_array_add (first->related, to_held);

	publish_public_view (list);
	for (guint i = 0; i < list->len; i++)
		g_string_append_printf (got, "%s ", ((Statement *) g_ptr_array_index (list, i))->id);
	assert_string_equal (got->str, expected->str);
	assert_int_equal (first->events->len, 0);
	assert_int_equal (first->related->len, 1);
	assert_string_equal (((Related *) g_ptr_array_index (first->related, 0))->id, "LS-2026-0002");
}

/* The calendar of @statements as written to a file, unfolded into lines;
 * asserts CRLF endings and the 75-octet limit, and that no fold splits a
 * UTF-8 character. */
static GPtrArray *
ical_lines (GPtrArray *statements)
{
	g_autofree char *dir = g_dir_make_tmp ("test-publish.XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, "d.ics", NULL);
	g_autoptr (ExportWriter) writer = export_writer_new_file (path, NULL);
	g_autofree char *text = NULL;
	g_auto (GStrv) raw = NULL;
	GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
	Config config = { .address = (char *) "statements@example.org", .name = (char *) "Test" };
	ExportContext context = { .config = &config, .today = "2026-11-27",
	                          .now = "2026-11-27T10:11:12Z" };
	gsize n;

	assert_true (export_ical (&context, statements, writer, NULL));
	assert_true (g_file_get_contents (path, &text, &n, NULL));
	assert_true (g_str_has_suffix (text, "\r\n"));
	raw = g_strsplit (text, "\r\n", -1);
	for (guint i = 0; raw[i] != NULL && raw[i + 1] != NULL; i++) {
		assert_true (strlen (raw[i]) <= 75);
		assert_null (strchr (raw[i], '\n'));
		assert_null (strchr (raw[i], '\r'));
		assert_true (g_utf8_validate (raw[i], -1, NULL));
		if (raw[i][0] == ' ') {
			char *last = g_ptr_array_index (lines, lines->len - 1);

			lines->pdata[lines->len - 1] = g_strconcat (last, raw[i] + 1, NULL);
			g_free (last);
		} else {
			g_ptr_array_add (lines, g_strdup (raw[i]));
		}
	}
	g_unlink (path);
	g_rmdir (dir);
	return lines;
}

static void
test_ical_text (void **state)
{
	GString *l = g_string_new (NULL);
	const struct {
		const char *title;
		const char *summary;
	} cases[] = {
		{ "Plain", "SUMMARY:LS-1 deadline: Plain" },
		{ "a;b,c\\d", "SUMMARY:LS-1 deadline: a\\;b\\,c\\\\d" },
		{ "one\r\ntwo\nthree\rfour", "SUMMARY:LS-1 deadline: one\\ntwo\\nthree\\nfour" },
		{ "ctl\001\033\177\302\205end\ttab", "SUMMARY:LS-1 deadline: ctlend\ttab" },
		{ "bad \xff utf-8", "SUMMARY:LS-1 deadline: bad \xef\xbf\xbd utf-8" },
	};

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
		g_autoptr (GPtrArray) lines = NULL;
		Statement *s = make ("LS-1", NULL, STATE_OPEN, NULL);

		g_free (s->title);
		s->title = g_strdup (cases[i].title);
		s->deadline = g_strdup ("2026-12-31");
		g_ptr_array_add (list, s);
		lines = ical_lines (list);
		assert_true (g_ptr_array_find_with_equal_func (lines, cases[i].summary, g_str_equal, NULL));
		assert_true (g_ptr_array_find_with_equal_func (lines, "UID:LS-1-deadline@example.org",
		                                               g_str_equal, NULL));
		assert_true (g_ptr_array_find_with_equal_func (lines, "DTSTAMP:20261127T101112Z",
		                                               g_str_equal, NULL));
		assert_true (g_ptr_array_find_with_equal_func (lines, "DTSTART;VALUE=DATE:20261231",
		                                               g_str_equal, NULL));
		assert_true (g_ptr_array_find_with_equal_func (lines, "DTEND;VALUE=DATE:20270101",
		                                               g_str_equal, NULL));
	}
	/* A long title of two-octet characters at every offset: folded
	 * between characters, and whole again when unfolded. */
	for (int shift = 0; shift < 3; shift++) {
		g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
		g_autoptr (GPtrArray) lines = NULL;
		Statement *s = make ("LS-1", NULL, STATE_OPEN, NULL);
		g_autofree char *summary = NULL;

		g_string_assign (l, "");
		for (int k = 0; k < shift; k++)
			g_string_append_c (l, 'x');
		for (int k = 0; k < 500; k++)
			g_string_append (l, "é");
		g_free (s->title);
		s->title = g_strdup (l->str);
		s->deadline = g_strdup ("2026-12-31");
		g_ptr_array_add (list, s);
		lines = ical_lines (list);
		summary = g_strconcat ("SUMMARY:LS-1 deadline: ", l->str, NULL);
		assert_true (g_ptr_array_find_with_equal_func (lines, summary, g_str_equal, NULL));
	}
	g_string_free (l, TRUE);
}

static void
test_ical_which (void **state)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GPtrArray) lines = NULL;
	static const struct {
		StatementState state;
		gboolean taken;
		const char *deadline;
	} cases[] = {
		{ STATE_OPEN, FALSE, "2026-12-01" },   /* the one event */
		{ STATE_OPEN, TRUE, "2026-12-01" },
		{ STATE_OPEN, FALSE, NULL },
		{ STATE_OPEN, FALSE, "soon" },
		{ STATE_REPLIED, FALSE, "2026-12-01" },
		{ STATE_CLOSED, FALSE, "2026-12-01" },
	};
	guint events = 0;

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *id = g_strdup_printf ("LS-%zu", i);
		Statement *s = make (id, NULL, cases[i].state, NULL);

		s->action_taken = cases[i].taken;
		s->deadline = g_strdup (cases[i].deadline);
		g_ptr_array_add (list, s);
	}
	lines = ical_lines (list);
	for (guint i = 0; i < lines->len; i++)
		if (strcmp (g_ptr_array_index (lines, i), "BEGIN:VEVENT") == 0)
			events++;
	assert_int_equal (events, 1);
	assert_true (g_ptr_array_find_with_equal_func (lines, "UID:LS-0-deadline@example.org",
	                                               g_str_equal, NULL));
	assert_string_equal (g_ptr_array_index (lines, 0), "BEGIN:VCALENDAR");
	assert_string_equal (g_ptr_array_index (lines, lines->len - 1), "END:VCALENDAR");
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_public_view),
		cmocka_unit_test (test_ical_text),
		cmocka_unit_test (test_ical_which),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
