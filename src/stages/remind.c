/* remind.c: which deadline reminder is due on a given day, and what it is
 * called. Pure date arithmetic over GDate. */
#include "config.h"

#include <stdio.h>

#include "stages/remind.h"

static gboolean
parse_day (const char *text, GDate *date)
{
	int y, m, d;

	g_date_clear (date, 1);
	if (text == NULL || sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return FALSE;
	if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
		return FALSE;
	g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
	return TRUE;
}

gboolean
remind_due_stage (const char *deadline, const char *today, const GArray *days,
                  guint overdue_days, RemindStage *stage)
{
	int left;
	int best = -1;

	if (!remind_days_left (deadline, today, &left))
		return FALSE;
	if (left < 0) {
		if ((guint) -left > overdue_days)
			return FALSE;
		*stage = left;
		return TRUE;
	}
	/* The configured stage with the fewest days that are still >= left:
	 * with days 14;7;1 and 5 days left, the one-week reminder is due (if
	 * a run missed it). */
	for (guint i = 0; days != NULL && i < days->len; i++) {
		int d = g_array_index (days, int, i);
		if (d >= left && (best < 0 || d < best))
			best = d;
	}
	if (best < 0)
		return FALSE;
	*stage = best;
	return TRUE;
}

char *
remind_stage_key (RemindStage stage)
{
	if (stage < 0)
		return g_strdup_printf ("overdue-%d", -stage);
	return g_strdup_printf ("before-%d", stage);
}

static const char *const small_numbers[] = {
	NULL, NULL, "two", "three", "four", "five", "six",
};

char *
remind_oldest_deadline (const char *today, guint overdue_days)
{
	GDate date;
	char text[16];

	if (!parse_day (today, &date))
		return NULL;
	if (g_date_get_julian (&date) <= overdue_days)
		return g_strdup ("0001-01-01");
	g_date_subtract_days (&date, overdue_days);
	g_snprintf (text, sizeof text, "%04u-%02u-%02u", (guint) g_date_get_year (&date),
	            (guint) g_date_get_month (&date), (guint) g_date_get_day (&date));
	return g_strdup (text);
}

gboolean
remind_days_left (const char *deadline, const char *today, int *days_left)
{
	GDate due, now;

	if (!parse_day (deadline, &due) || !parse_day (today, &now))
		return FALSE;
	*days_left = g_date_days_between (&now, &due);
	return TRUE;
}

char *
remind_subject (int stage, const char *title)
{
	if (stage < 0)
		return g_strdup_printf ("[Liaison OUT OF DATE] %s", title);
	switch (stage) {
	case 0:
		return g_strdup_printf ("[Liaison deadline today] %s", title);
	case 1:
		return g_strdup_printf ("[Liaison deadline tomorrow] %s", title);
	case 7:
		return g_strdup_printf ("[Liaison deadline in one week] %s", title);
	case 14:
		return g_strdup_printf ("[Liaison deadline in two weeks] %s", title);
	default:
		if (stage < (int) G_N_ELEMENTS (small_numbers))
			return g_strdup_printf ("[Liaison deadline in %s days] %s", small_numbers[stage], title);
		return g_strdup_printf ("[Liaison deadline in %d days] %s", stage, title);
	}
}
