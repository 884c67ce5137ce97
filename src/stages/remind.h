/* remind.h: deadline arithmetic for `remind` (SPEC §8). Pure: the date of
 * today is passed in. Which reminders were already sent is the store's
 * business; this says which one is due. */
#ifndef LIAISON_REMIND_H
#define LIAISON_REMIND_H

#include <glib.h>

/* A reminder stage: days before the deadline (>= 0), or the day of an
 * overdue notice as a negative number (-1 is the first day after the
 * deadline). */
typedef int RemindStage;

/* The stage due on @today (YYYY-MM-DD) for @deadline, given the configured
 * @days before it (any order) and @overdue_days of daily notices after it.
 * A stage is due from its day on until the next stage's day, so a run that
 * was missed sends the latest stage late rather than never; the caller sends
 * it only if it has not been sent before. FALSE when no stage is due (too
 * early, too late, or an invalid date). */
gboolean remind_due_stage (const char *deadline, const char *today, const GArray *days,
                           guint overdue_days, RemindStage *stage);

/* The stage's key for the store and the events: "before-7", "overdue-3".
 * Newly allocated. */
char *remind_stage_key (RemindStage stage);

/* The subject of a reminder sent @days_left days before the deadline
 * (negative: after it): "[Liaison deadline in one week] TITLE", "...
 * tomorrow", "... today", "[Liaison OUT OF DATE] TITLE". It names the days
 * actually left, so a stage sent late by a missed run does not say "in one
 * week" six days before. Newly allocated. */
char *remind_subject (int days_left, const char *title);

/* The earliest deadline that can still have a stage due on @today
 * (YYYY-MM-DD): @today minus @overdue_days. Newly allocated; NULL for an
 * invalid date. */
char *remind_oldest_deadline (const char *today, guint overdue_days);

/* Days from @today to @deadline; FALSE for an invalid date. */
gboolean remind_days_left (const char *deadline, const char *today, int *days_left);

#endif
