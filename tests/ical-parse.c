/* ical-parse.c FILE: reads an iCalendar file back with libical's parser,
 * as a calendar would. Fails (exit 1, a line per problem) when the root is
 * not one VCALENDAR, when the parser reported an error (libical adds an
 * X-LIC-ERROR property where it could not read a line), or when a VEVENT
 * or VTODO has no UID or DTSTAMP. Else prints "N components" and, for each
 * VEVENT or VTODO, its UID and SUMMARY as libical unescaped them, a line
 * break in it as "\n", tab-separated: the output of tests/ical-check.py,
 * which reads the file its own way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libical/ical.h>

static int problems;

static void
problem (const char *what, const char *uid)
{
	printf ("%s%s%s\n", uid != NULL ? uid : "", uid != NULL ? ": " : "", what);
	problems++;
}

/* Appends @text with each LF as the two characters "\n". */
static void
append_escaped (GString *out, const char *text)
{
	for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
		if (*p == '\n')
			g_string_append (out, "\\n");
		else
			g_string_append_c (out, *p);
	}
}

static void
check_component (icalcomponent *c, GString *lines)
{
	const char *uid = icalcomponent_get_uid (c);
	const char *summary = icalcomponent_get_summary (c);

	if (uid == NULL)
		problem ("no UID", NULL);
	if (icalcomponent_get_first_property (c, ICAL_DTSTAMP_PROPERTY) == NULL)
		problem ("no DTSTAMP", uid);
	if (icalcomponent_count_errors (c) > 0)
		problem ("libical reported an error", uid);
	append_escaped (lines, uid);
	g_string_append_c (lines, '\t');
	append_escaped (lines, summary);
	g_string_append_c (lines, '\n');
}

int
main (int argc, char **argv)
{
	g_autofree char *text = NULL;
	g_autoptr (GString) lines = g_string_new (NULL);
	icalcomponent *root, *c;
	int n = 0;

	if (argc != 2 || !g_file_get_contents (argv[1], &text, NULL, NULL)) {
		fprintf (stderr, "usage: ical-parse FILE\n");
		return 2;
	}
	root = icalparser_parse_string (text);
	if (root == NULL || icalcomponent_isa (root) != ICAL_VCALENDAR_COMPONENT) {
		printf ("%s: not one VCALENDAR\n", argv[1]);
		if (root != NULL)
			icalcomponent_free (root);
		return 1;
	}
	if (icalcomponent_count_errors (root) > 0)
		problem ("libical reported an error in the calendar", NULL);
	for (c = icalcomponent_get_first_component (root, ICAL_ANY_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (root, ICAL_ANY_COMPONENT)) {
		icalcomponent_kind kind = icalcomponent_isa (c);

		if (kind == ICAL_VEVENT_COMPONENT || kind == ICAL_VTODO_COMPONENT) {
			check_component (c, lines);
			n++;
		}
	}
	icalcomponent_free (root);
	if (problems > 0)
		return 1;
	printf ("%d components\n", n);
	fputs (lines->str, stdout);
	return 0;
}
