/* test-journal.c: the spool's journal (src/store/journal.c): each kind of
 * record read back field for field, whatever its values hold (tabs, line
 * breaks, backslashes, none); a torn or damaged line skipped and the next
 * record whole; a database that is not the journal's refused, or with
 * restart given a new journal. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "store/journal.h"
#include "testlib.h"

typedef struct {
	char *dir;
	char *spool;
	char *journal;
	Store *store;
} Fixture;

static Store *
open_store (const char *dir, const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (dir, name, NULL);
	Store *store = store_open (path, 5000, &error);

	if (store == NULL)
		fail_msg ("store_open: %s", error->message);
	return store;
}

static int
setup (void **state)
{
	Fixture *f = g_new0 (Fixture, 1);
	g_autoptr (GError) error = NULL;

	f->dir = g_dir_make_tmp ("test-journal.XXXXXX", NULL);
	f->spool = g_build_filename (f->dir, "spool", NULL);
	f->journal = journal_path (f->spool);
	f->store = open_store (f->dir, "a.db");
	if (!journal_attach (f->store, f->spool, &error))
		fail_msg ("journal_attach: %s", error->message);
	*state = f;
	return 0;
}

static int
teardown (void **state)
{
	Fixture *f = *state;

	store_close (f->store);
	testlib_remove_tree (f->dir);
	g_free (f->dir);
	g_free (f->spool);
	g_free (f->journal);
	g_free (f);
	return 0;
}

static GPtrArray *
read_all (const Fixture *f, guint *skipped)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *records = journal_read (f->journal, skipped, &error);

	if (records == NULL)
		fail_msg ("journal_read: %s", error->message);
	return records;
}

static void
append_raw (const Fixture *f, const char *text)
{
	FILE *out = fopen (f->journal, "a");

	assert_non_null (out);
	fputs (text, out);
	fclose (out);
}

/* Values that the format must carry: each comes back as it went in. */
static const char *const values[] = {
	"plain", "with\ttab", "two\nlines", "back\\slash", "\\N", "", "crlf\r\n", "ü 日本", NULL,
};
#define N_VALUES (G_N_ELEMENTS (values) - 1)

static void
test_round_trip (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) records = NULL;
	g_autoptr (GPtrArray) refused = g_ptr_array_new ();
	JournalArrival arrival = { "2026-11-27T10:00:00Z", "2026-11-27T10:00:01Z", "aa", "bb",
	                           NULL, "s@x", "r@y", NULL, TRUE, "LS-2026-0001" };
	guint skipped = 9;

	g_ptr_array_add (refused, (gpointer) "a@x");
	g_ptr_array_add (refused, (gpointer) "b@y");
	assert_true (store_begin (f->store, &error));
	assert_true (journal_arrival (f->store, &arrival, &error));
	assert_true (journal_action (f->store, "route", "LS-2026-0001", values, NULL,
	                             "2026-11-27T10:01:00Z", &error));
	assert_true (journal_handover (f->store, "m@x", STORE_OUTBOX_DEFERRED, "t", "n", "why",
	                               refused, "deferred", "detail", &error));
	assert_true (journal_reminder (f->store, "LS-2026-0001", "before-7", "2026-12-01", "t",
	                               &error));
	store_rollback (f->store);

	records = read_all (f, &skipped);
	assert_int_equal (skipped, 0);
	assert_int_equal (records->len, 5);        /* the first record, and these */
	assert_string_equal (journal_field (g_ptr_array_index (records, 0), 0), "journal");
	{
		const JournalRecord *r = g_ptr_array_index (records, 1);
		assert_string_equal (journal_field (r, 0), "arrival");
		assert_null (journal_field (r, 5));
		assert_null (journal_field (r, 8));
		assert_string_equal (journal_field (r, 9), "oversized");
		assert_string_equal (journal_field (r, 10), "LS-2026-0001");
	}
	{
		const JournalRecord *r = g_ptr_array_index (records, 2);
		assert_null (journal_field (r, 2));
		assert_int_equal (r->len, 5 + N_VALUES);
		for (guint i = 0; i < N_VALUES; i++)
			assert_string_equal (journal_field (r, 5 + i), values[i]);
	}
	assert_string_equal (journal_field (g_ptr_array_index (records, 3), 3), "deferred");
	assert_string_equal (journal_field (g_ptr_array_index (records, 3), 6), "a@x\nb@y");
	assert_string_equal (journal_field (g_ptr_array_index (records, 4), 3), "before-7");
}

static void
test_torn_and_damaged (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) records = NULL;
	guint skipped = 0;

	append_raw (f, "0000000000000000 action\tdamaged\n");
	append_raw (f, "0123456789abcdef arrival\t2026-11-27T");     /* torn */
	records = read_all (f, &skipped);
	assert_int_equal (records->len, 1);
	assert_int_equal (skipped, 2);
	g_clear_pointer (&records, g_ptr_array_unref);

	/* The next record starts a line of its own. */
	assert_true (journal_reminder (f->store, "LS-2026-0002", "overdue-1", "2026-12-02", "t",
	                               &error));
	records = read_all (f, &skipped);
	assert_int_equal (skipped, 2);
	assert_int_equal (records->len, 2);
	assert_string_equal (journal_field (g_ptr_array_index (records, 1), 2), "LS-2026-0002");
}

static void
test_other_database (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autoptr (Store) other = NULL;
	g_autofree char *moved = NULL;
	JournalArrival arrival = { "t", "t", "aa", "bb", NULL, NULL, NULL, NULL, FALSE, NULL };

	/* An empty journal is anybody's... */
	other = open_store (f->dir, "b.db");
	assert_true (journal_attach (other, f->spool, &error));
	g_clear_pointer (&other, store_close);
	/* ...one with messages is its database's alone. */
	assert_true (journal_arrival (f->store, &arrival, &error));
	other = open_store (f->dir, "c.db");
	assert_false (journal_attach (other, f->spool, &error));
	assert_true (liaison_error_is_temporary (error));
	g_clear_error (&error);
	assert_true (journal_attach (f->store, f->spool, &error));

	assert_true (journal_attach_restart (other, f->spool, &moved, &error));
	assert_non_null (moved);
	assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
	/* Now the first database is the stranger. */
	assert_false (journal_attach (f->store, f->spool, &error));
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown (test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown (test_torn_and_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown (test_other_database, setup, teardown),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
