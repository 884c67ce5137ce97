/* test-remind.c: which reminder stage is due on which day, and subjects;
 * table-driven, and a day-by-day walk over two months. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "stages/remind.h"

static GArray *
default_days (void)
{
	static const int days[] = { 14, 7, 4, 3, 2, 1, 0 };
	GArray *a = g_array_new (FALSE, FALSE, sizeof (int));

	g_array_append_vals (a, days, G_N_ELEMENTS (days));
	return a;
}

static const struct {
	const char *deadline;
	const char *today;
	gboolean due;
	RemindStage stage;
} cases[] = {
	{ "2027-01-31", "2027-01-01", FALSE, 0 },   /* 30 days left: too early */
	{ "2027-01-31", "2027-01-17", TRUE, 14 },   /* exactly two weeks */
	{ "2027-01-31", "2027-01-20", TRUE, 14 },   /* 11 left: still the 14 stage */
	{ "2027-01-31", "2027-01-24", TRUE, 7 },
	{ "2027-01-31", "2027-01-26", TRUE, 7 },    /* 5 left: a missed one-week run */
	{ "2027-01-31", "2027-01-27", TRUE, 4 },
	{ "2027-01-31", "2027-01-30", TRUE, 1 },
	{ "2027-01-31", "2027-01-31", TRUE, 0 },
	{ "2027-01-31", "2027-02-01", TRUE, -1 },
	{ "2027-01-31", "2027-02-14", TRUE, -14 },
	{ "2027-01-31", "2027-02-15", FALSE, 0 },   /* past overdue-days */
	{ "2028-02-29", "2028-02-28", TRUE, 1 },    /* leap day */
	{ "2027-02-29", "2027-02-28", FALSE, 0 },   /* no such date */
	{ "garbage", "2027-01-01", FALSE, 0 },
	{ NULL, "2027-01-01", FALSE, 0 },
};

static void
test_due_stage (void **state)
{
	g_autoptr (GArray) days = default_days ();

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		RemindStage stage = 999;
		gboolean due = remind_due_stage (cases[i].deadline, cases[i].today, days, 14, &stage);
		if (due != cases[i].due || (due && stage != cases[i].stage))
			fail_msg ("%s on %s: due %d stage %d, expected due %d stage %d", cases[i].deadline,
			          cases[i].today, due, stage, cases[i].due, cases[i].stage);
	}
}

/* Day by day over two months, remembering the stages sent as the store
 * would: each stage goes out once, on the right days. */
static void
test_two_months (void **state)
{
	g_autoptr (GArray) days = default_days ();
	g_autoptr (GHashTable) sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GString) log = g_string_new (NULL);
	GDate day;

	(void) state;
	g_date_set_dmy (&day, 1, G_DATE_JANUARY, 2027);
	for (int i = 0; i < 60; i++, g_date_add_days (&day, 1)) {
		char today[16];
		RemindStage stage;

		g_date_strftime (today, sizeof today, "%Y-%m-%d", &day);
		if (!remind_due_stage ("2027-01-31", today, days, 14, &stage))
			continue;
		g_autofree char *key = remind_stage_key (stage);
		if (g_hash_table_contains (sent, key))
			continue;
		g_hash_table_add (sent, g_steal_pointer (&key));
		g_string_append_printf (log, "%s:%d ", today + 5, stage);
	}
	assert_string_equal (log->str,
		"01-17:14 01-24:7 01-27:4 01-28:3 01-29:2 01-30:1 01-31:0 "
		"02-01:-1 02-02:-2 02-03:-3 02-04:-4 02-05:-5 02-06:-6 02-07:-7 "
		"02-08:-8 02-09:-9 02-10:-10 02-11:-11 02-12:-12 02-13:-13 02-14:-14 ");
}

static void
test_subjects (void **state)
{
	static const struct { int days; const char *subject; } subjects[] = {
		{ 14, "[Liaison deadline in two weeks] T" },
		{ 7, "[Liaison deadline in one week] T" },
		{ 4, "[Liaison deadline in four days] T" },
		{ 1, "[Liaison deadline tomorrow] T" },
		{ 0, "[Liaison deadline today] T" },
		{ -3, "[Liaison OUT OF DATE] T" },
		{ 10, "[Liaison deadline in 10 days] T" },
	};

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (subjects); i++) {
		g_autofree char *s = remind_subject (subjects[i].days, "T");
		assert_string_equal (s, subjects[i].subject);
	}
	g_autofree char *k1 = remind_stage_key (7);
	g_autofree char *k2 = remind_stage_key (-3);
	assert_string_equal (k1, "before-7");
	assert_string_equal (k2, "overdue-3");
}

/* The earliest deadline that still has a stage due: no earlier one does,
 * and that one does (its last overdue notice). */
static void
test_oldest_deadline (void **state)
{
	static const struct {
		const char *today;
		guint overdue_days;
		const char *oldest;
	} rows[] = {
		{ "2027-02-14", 14, "2027-01-31" },
		{ "2027-03-01", 14, "2027-02-15" },
		{ "2028-03-01", 1, "2028-02-29" },
		{ "2027-01-05", 0, "2027-01-05" },
		{ "2027-13-01", 14, NULL },
		{ NULL, 14, NULL },
	};
	g_autoptr (GArray) days = default_days ();

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		g_autofree char *oldest = remind_oldest_deadline (rows[i].today, rows[i].overdue_days);
		RemindStage stage;

		assert_string_equal (oldest != NULL ? oldest : "(null)",
		                     rows[i].oldest != NULL ? rows[i].oldest : "(null)");
		if (oldest == NULL)
			continue;
		assert_true (remind_due_stage (oldest, rows[i].today, days, rows[i].overdue_days, &stage));
		assert_int_equal (stage, -(int) rows[i].overdue_days);
	}
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_due_stage),
		cmocka_unit_test (test_two_months),
		cmocka_unit_test (test_subjects),
		cmocka_unit_test (test_oldest_deadline),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
