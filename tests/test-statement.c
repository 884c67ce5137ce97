/* test-statement.c: the Statement value's pure helpers, table-driven:
 * purposes, dates, contact lists, text cleaning, names, and the deadline
 * arithmetic. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "base/statement.h"

/* ---- Purposes --------------------------------------------------------- */

static const struct {
	const char *text;
	Purpose expected;
} purpose_cases[] = {
	{ "For action", PURPOSE_ACTION },
	{ "For Action", PURPOSE_ACTION },
	{ "for action", PURPOSE_ACTION },
	{ "  For   action  ", PURPOSE_ACTION },
	{ "For action to:", PURPOSE_ACTION },
	{ "For action to", PURPOSE_ACTION },
	{ "ACTION", PURPOSE_ACTION },
	{ "Action:", PURPOSE_ACTION },
	{ "For comment", PURPOSE_COMMENT },
	{ "For comment to:", PURPOSE_COMMENT },
	{ "comment", PURPOSE_COMMENT },
	{ "For information", PURPOSE_INFORMATION },
	{ "For Information", PURPOSE_INFORMATION },
	{ "For information to:", PURPOSE_INFORMATION },
	{ "information.", PURPOSE_INFORMATION },
	{ "In response", PURPOSE_RESPONSE },
	{ "In Response", PURPOSE_RESPONSE },
	{ "Response", PURPOSE_RESPONSE },
	{ "(response)", PURPOSE_RESPONSE },
	{ "For action\r\n", PURPOSE_ACTION },
	{ "Other", PURPOSE_NONE },
	{ "For lunch", PURPOSE_NONE },
	{ "action item", PURPOSE_NONE },
	{ "", PURPOSE_NONE },
	{ NULL, PURPOSE_NONE },
};

static void
test_purpose (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (purpose_cases); i++) {
		Purpose got = statement_parse_purpose (purpose_cases[i].text);
		if (got != purpose_cases[i].expected)
			fail_msg ("\"%s\": %d, expected %d", purpose_cases[i].text, got,
			          purpose_cases[i].expected);
	}
}

/* ---- Dates ------------------------------------------------------------ */

static const struct {
	const char *text;
	const char *expected;   /* NULL: not a date */
} date_cases[] = {
	{ "2027-01-15", "2027-01-15" },
	{ "  2027-01-15  ", "2027-01-15" },
	{ "2027-1-5", NULL },
	{ "2027/01/15", "2027-01-15" },
	{ "2027-01-15 12:00:00", "2027-01-15" },
	{ "2027-01-15T12:00:00Z", "2027-01-15" },
	{ "2027-01-15 (next plenary)", "2027-01-15" },
	{ "15 January 2027", "2027-01-15" },
	{ "15 Jan 2027", "2027-01-15" },
	{ "15 Jan. 2027", "2027-01-15" },
	{ "15-Jan-2027", "2027-01-15" },
	{ "15th January, 2027", "2027-01-15" },
	{ "1 march 2027", "2027-03-01" },
	{ "15/01/2027", "2027-01-15" },
	{ "01/02/2027", "2027-02-01" },
	{ "15.01.2027", "2027-01-15" },
	{ "January 15, 2027", "2027-01-15" },
	{ "Jan 15 2027", "2027-01-15" },
	{ "Jan. 15, 2027", "2027-01-15" },
	{ "Sept. 5, 2027", "2027-09-05" },
	{ "Friday, 15 January 2027", "2027-01-15" },
	{ "29 February 2028", "2028-02-29" },
	{ "31 December 2027", "2027-12-31" },
	/* Not dates. */
	{ "31/02/2027", NULL },
	{ "29 February 2027", NULL },
	{ "2027-02-30", NULL },
	{ "2027-13-01", NULL },
	{ "2027-00-10", NULL },
	{ "0/01/2027", NULL },
	{ "01/15/2027", NULL },
	{ "15 Foo 2027", NULL },
	{ "15 Ja 2027", NULL },
	{ "2027-01-1", NULL },
	{ "2027-01-", NULL },
	{ "2027-01-151", NULL },
	{ "15 January 27", NULL },
	{ "15 January", NULL },
	{ "garbage", NULL },
	{ "next Tuesday", NULL },
	{ "TBD", NULL },
	{ "2027-01-15 and later", NULL },
	{ "1850-01-01", NULL },
	{ "", NULL },
	{ NULL, NULL },
};

static void
test_date (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (date_cases); i++) {
		g_autofree char *got = statement_parse_date (date_cases[i].text);
		if (g_strcmp0 (got, date_cases[i].expected) != 0)
			fail_msg ("\"%s\": %s, expected %s", date_cases[i].text,
			          got ? got : "NULL", date_cases[i].expected ? date_cases[i].expected : "NULL");
	}
}

/* Dates found in running text: the first one, and the first or last day
 * of a range. */
static const struct {
	const char *text;
	gboolean range_end;
	const char *expected;
} find_date_cases[] = {
	{ "please reply by 15 January 2027.", FALSE, "2027-01-15" },
	{ "Deadline: 2027-01-15 (next meeting)", FALSE, "2027-01-15" },
	{ "comments by 15/01/2027, please", FALSE, "2027-01-15" },
	{ "before January 15, 2027 if possible", FALSE, "2027-01-15" },
	{ "no later than 15 Jan. 2027", FALSE, "2027-01-15" },
	{ "by Friday, 15 January 2027", FALSE, "2027-01-15" },
	{ "Agreed at the SG15 plenary (Geneva, 3-14 July 2027)", TRUE, "2027-07-14" },
	{ "Agreed at the SG15 plenary (Geneva, 3-14 July 2027)", FALSE, "2027-07-03" },
	{ "SA2#161  16 \xe2\x80\x93 20 February 2027  Fukuoka", FALSE, "2027-02-16" },
	{ "SA2#161  16 \xe2\x80\x93 20 February 2027  Fukuoka", TRUE, "2027-02-20" },
	{ "28 February - 4 March 2027", FALSE, "2027-02-28" },
	{ "28 February - 4 March 2027", TRUE, "2027-03-04" },
	{ "29 December \xe2\x80\x93 2 January 2028", FALSE, "2027-12-29" },
	{ "from 2 to 6 May 2027", FALSE, "2027-05-02" },
	/* Numbers that are no dates. */
	{ "S2-2601234 and G.8275.1 and Q14/15", FALSE, NULL },
	{ "TD 1234 (PLEN/15), Rel-19", FALSE, NULL },
	{ "the March 2027 meeting", FALSE, NULL },
	{ "31 February 2027 or 2027-02-30", FALSE, NULL },
	{ "15 Jan 2027 and 16 Jan 2027", FALSE, "2027-01-15" },
	{ "", FALSE, NULL },
	{ NULL, FALSE, NULL },
};

static void
test_find_date (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (find_date_cases); i++) {
		g_autofree char *got = statement_find_date (find_date_cases[i].text, find_date_cases[i].range_end);
		if (g_strcmp0 (got, find_date_cases[i].expected) != 0)
			fail_msg ("\"%s\": %s, expected %s", find_date_cases[i].text, got ? got : "NULL",
			          find_date_cases[i].expected ? find_date_cases[i].expected : "NULL");
	}
}

/* ---- Contacts --------------------------------------------------------- */

static const struct {
	const char *name;
	const char *address;
	const char *expected;
} format_contact_cases[] = {
	{ "Greg Jones", "greg@itu.int", "Greg Jones <greg@itu.int>" },
	{ "  Greg   Jones ", "<greg@itu.int>", "Greg Jones <greg@itu.int>" },
	{ "3GPP Liaisons Coordinator", "mailto:3GPPLiaison@etsi.org",
	  "3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>" },
	{ "Smith, John", "js@x.org", "\"Smith, John\" <js@x.org>" },
	{ "A \"B\" C (D)", "a@x", "\"A \\\"B\\\" C (D)\" <a@x>" },
	{ "Jos\xc3\xa9\r\nBcc: x@y", "a@x", "\"Jos\xc3\xa9 Bcc: x@y\" <a@x>" },
	{ NULL, "greg@itu.int", "greg@itu.int" },
	{ "Greg Jones", NULL, "Greg Jones" },
	{ "", "", NULL },
	{ NULL, NULL, NULL },
};

static void
test_format_contact (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (format_contact_cases); i++) {
		g_autofree char *got = statement_format_contact (format_contact_cases[i].name,
		                                                 format_contact_cases[i].address);
		g_autoptr (GPtrArray) split = g_ptr_array_new_with_free_func (g_free);

		if (g_strcmp0 (got, format_contact_cases[i].expected) != 0)
			fail_msg ("case %zu: %s, expected %s", i, got ? got : "NULL",
			          format_contact_cases[i].expected ? format_contact_cases[i].expected : "NULL");
		/* What we format, a contact list reads back as one contact. */
		if (got != NULL) {
			statement_split_contacts (got, split);
			assert_int_equal (split->len, 1);
		}
	}
}

static const struct {
	const char *text;
	const char *expected[5];     /* NULL-terminated */
} contact_cases[] = {
	{ "A <a@x>, B <b@y>; c@z", { "A <a@x>", "B <b@y>", "c@z", NULL } },
	{ "\"Smith, John\" <js@x.org>, Jane <jane@x.org>",
	  { "\"Smith, John\" <js@x.org>", "Jane <jane@x.org>", NULL } },
	{ "Tanaka (Org, Japan) <t@x>", { "Tanaka (Org, Japan) <t@x>", NULL } },
	{ "greg@itu.int (Greg Jones)", { "Greg Jones <greg@itu.int>", NULL } },
	{ "greg@itu.int (Greg Jones), b@y", { "Greg Jones <greg@itu.int>", "b@y", NULL } },
	{ "<odd,address@x>", { "<odd,address@x>", NULL } },
	{ "Greg Jones", { "Greg Jones", NULL } },
	{ "  ,, ; ", { NULL } },
	{ "", { NULL } },
	{ "A\r\n <a@x>,\tB <b@y>", { "A <a@x>", "B <b@y>", NULL } },
	{ "\"quote \\\" inside, still\" <q@x>", { "\"quote \\\" inside, still\" <q@x>", NULL } },
	{ "Greg Jones (ITU-T)", { "Greg Jones (ITU-T)", NULL } },
};

static void
test_contacts (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (contact_cases); i++) {
		g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
		guint n = 0;

		statement_split_contacts (contact_cases[i].text, out);
		while (contact_cases[i].expected[n] != NULL)
			n++;
		if (out->len != n)
			fail_msg ("\"%s\": %u contacts, expected %u", contact_cases[i].text, out->len, n);
		for (guint j = 0; j < n; j++)
			assert_string_equal (g_ptr_array_index (out, j), contact_cases[i].expected[j]);
	}
}

/* ---- Cleaning --------------------------------------------------------- */

static const struct {
	const char *text;
	const char *line;            /* statement_clean_line */
	const char *body;            /* statement_clean_text */
} clean_cases[] = {
	{ "plain", "plain", "plain" },
	{ "  spaced   out  ", "spaced out", "  spaced   out" },
	{ "Title\r\nBcc: victim@example.org", "Title Bcc: victim@example.org",
	  "Title\nBcc: victim@example.org" },
	{ "a\rb\nc\r\n", "a b c", "a\nb\nc" },
	{ "tab\there", "tab here", "tab\there" },
	{ "bell\a and esc\x1b[31m", "bell and esc [31m", "bell and esc[31m" },
	{ "c1 \xc2\x85 nel \xc2\x9b csi", "c1 nel csi", "c1  nel  csi" },
	{ "del\x7f", "del", "del" },
	{ "line\xe2\x80\xa8sep\xe2\x80\xa9para", "line sep para", "line\nsep\npara" },
	{ "bidi \xe2\x80\xae" "evil\xe2\x80\xac ok", "bidi evil ok", "bidi evil ok" },
	{ "nbsp\xc2\xa0here", "nbsp here", "nbsp here" },
	{ "caf\xc3\xa9 \xe7\x94\xb0\xe4\xb8\xad", "caf\xc3\xa9 \xe7\x94\xb0\xe4\xb8\xad",
	  "caf\xc3\xa9 \xe7\x94\xb0\xe4\xb8\xad" },
	{ "bad \xff\xfe utf8 \xc3", "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd",
	  "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd" },
	{ "\n\n  \nbody\n\n\nend  \n \n", "body end", "body\n\n\nend" },
	{ "\n    indented\n", "indented", "    indented" },
	{ "", "", "" },
	{ NULL, "", "" },
};

/* No control character at all, except LF and TAB when @text_ok. */
static void
assert_no_controls (const char *s, gboolean text_ok)
{
	assert_true (g_utf8_validate (s, -1, NULL));
	for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (text_ok && (c == '\n' || c == '\t'))
			continue;
		assert_false (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029);
	}
}

static void
test_clean (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (clean_cases); i++) {
		g_autofree char *line = statement_clean_line (clean_cases[i].text);
		g_autofree char *body = statement_clean_text (clean_cases[i].text);

		assert_string_equal (line, clean_cases[i].line);
		assert_string_equal (body, clean_cases[i].body);
		assert_no_controls (line, FALSE);
		assert_no_controls (body, TRUE);
		assert_null (strchr (line, '\n'));
		assert_null (strchr (line, '\r'));
		assert_null (strchr (body, '\r'));
	}
}

/* Every byte value, alone and in a run: the result is valid UTF-8 with no
 * control characters, and never longer than three times the input. */
static void
test_clean_all_bytes (void **state)
{
	char all[256];

	for (int b = 1; b < 256; b++) {
		char one[4] = { 'x', (char) b, 'y', '\0' };
		g_autofree char *line = statement_clean_line (one);
		g_autofree char *body = statement_clean_text (one);

		assert_no_controls (line, FALSE);
		assert_no_controls (body, TRUE);
		all[b - 1] = (char) b;
	}
	all[255] = '\0';
	{
		g_autofree char *line = statement_clean_line (all);
		g_autofree char *body = statement_clean_text (all);
		assert_no_controls (line, FALSE);
		assert_no_controls (body, TRUE);
		assert_true (strlen (line) <= 3 * 255);
	}
}

/* ---- Names ------------------------------------------------------------ */

static void
test_names (void **state)
{
	for (Purpose p = PURPOSE_ACTION; p <= PURPOSE_RESPONSE; p++)
		assert_int_equal (purpose_from_string (purpose_to_string (p)), p);
	for (Layout l = LAYOUT_DATATRACKER; l <= LAYOUT_FREEFORM; l++)
		assert_int_equal (layout_from_string (layout_to_string (l)), l);
	for (StatementState s = STATE_HELD; s <= STATE_CLOSED; s++)
		assert_int_equal (state_from_string (state_to_string (s)), s);
	assert_null (purpose_to_string (PURPOSE_NONE));
	assert_null (layout_to_string (LAYOUT_NONE));
	assert_string_equal (purpose_to_string (PURPOSE_INFORMATION), "information");
	assert_string_equal (layout_to_string (LAYOUT_ITUT), "itu-t");
	assert_string_equal (layout_to_string (LAYOUT_3GPP), "3gpp");
	assert_string_equal (state_to_string (STATE_REPLIED), "replied");
	assert_int_equal (purpose_from_string ("For action"), PURPOSE_NONE);
	assert_int_equal (purpose_from_string (NULL), PURPOSE_NONE);
	assert_int_equal (layout_from_string ("word"), LAYOUT_NONE);
	assert_int_equal (state_from_string ("bogus"), STATE_HELD);
}

static void
test_new_free (void **state)
{
	g_autoptr (Statement) s = statement_new ();
	Attachment *a = g_new0 (Attachment, 1);
	StatementRoute *r = g_new0 (StatementRoute, 1);

	assert_non_null (s->to_texts);
	assert_non_null (s->events);
	assert_int_equal (s->state, STATE_HELD);
	assert_int_equal (s->purpose, PURPOSE_NONE);
	a->filename = g_strdup ("x.pdf");
	a->text = g_strdup ("the text of x.pdf");
	g_ptr_array_add (s->attachments, a);
	r->address = g_strdup ("a@x");
	g_ptr_array_add (s->routes, r);
	g_ptr_array_add (s->to_texts, g_strdup ("ccamp"));
	s->title = g_strdup ("t");
	statement_free (NULL);
}

/* A reset statement is a new one again, its arrays the same (emptied). */
static void
test_reset (void **state)
{
	g_autoptr (Statement) s = statement_new ();
	g_autoptr (Statement) fresh = statement_new ();
	GPtrArray *routes = s->routes, *events = s->events;
	StatementRoute *r = g_new0 (StatementRoute, 1);
	Event *e = g_new0 (Event, 1);

	r->address = g_strdup ("a@x");
	g_ptr_array_add (s->routes, r);
	e->type = g_strdup ("routed");
	g_ptr_array_add (s->events, e);
	g_ptr_array_add (s->groups, g_strdup ("ccamp"));
	s->title = g_strdup ("t");
	s->id = g_strdup ("LS-2026-0001");
	s->body = g_strdup ("the body");
	s->state = STATE_OPEN;
	s->purpose = PURPOSE_ACTION;
	s->action_taken = TRUE;
	s->undelivered = TRUE;
	s->direction = DIRECTION_OUTGOING;
	statement_reset (s);
	assert_ptr_equal (s->routes, routes);
	assert_ptr_equal (s->events, events);
	assert_int_equal (s->routes->len, 0);
	assert_int_equal (s->events->len, 0);
	assert_int_equal (s->groups->len, 0);
	assert_null (s->title);
	assert_null (s->id);
	assert_null (s->body);
	assert_int_equal (s->state, fresh->state);
	assert_int_equal (s->purpose, fresh->purpose);
	assert_int_equal (s->action_taken, fresh->action_taken);
	assert_int_equal (s->undelivered, fresh->undelivered);
	assert_int_equal (s->direction, fresh->direction);
	/* And filled again. */
	g_ptr_array_add (s->groups, g_strdup ("teas"));
	s->title = g_strdup ("u");
	assert_string_equal (g_ptr_array_index (s->groups, 0), "teas");
}

/* ---- Deadlines -------------------------------------------------------- */

static const struct {
	const char *deadline;
	const char *today;
	StatementState state;
	gboolean action_taken;
	gboolean overdue;
	gboolean has_days;
	int days;
} deadline_cases[] = {
	{ "2027-01-15", "2027-01-14", STATE_OPEN, FALSE, FALSE, TRUE, 1 },
	{ "2027-01-15", "2027-01-15", STATE_OPEN, FALSE, FALSE, TRUE, 0 },
	{ "2027-01-15", "2027-01-16", STATE_OPEN, FALSE, TRUE, TRUE, -1 },
	{ "2027-03-01", "2027-02-01", STATE_OPEN, FALSE, FALSE, TRUE, 28 },
	{ "2028-03-01", "2028-02-01", STATE_OPEN, FALSE, FALSE, TRUE, 29 },
	{ "2027-01-01", "2026-12-31", STATE_OPEN, FALSE, FALSE, TRUE, 1 },
	{ "2026-01-15", "2027-01-15", STATE_OPEN, FALSE, TRUE, TRUE, -365 },
	{ "2027-01-15", "2027-01-16", STATE_OPEN, TRUE, FALSE, TRUE, -1 },
	{ "2027-01-15", "2027-01-16", STATE_REPLIED, FALSE, FALSE, TRUE, -1 },
	{ "2027-01-15", "2027-01-16", STATE_CLOSED, FALSE, FALSE, TRUE, -1 },
	/* A held statement has no answer either (SPEC §7). */
	{ "2027-01-15", "2027-01-16", STATE_HELD, FALSE, TRUE, TRUE, -1 },
	{ NULL, "2027-01-16", STATE_OPEN, FALSE, FALSE, FALSE, 0 },
	{ "2027-01-15", NULL, STATE_OPEN, FALSE, FALSE, FALSE, 0 },
	{ "2027-01-15", "16/01/2027", STATE_OPEN, FALSE, FALSE, FALSE, 0 },
	{ "garbage", "2027-01-16", STATE_OPEN, FALSE, FALSE, FALSE, 0 },
	{ "2027-02-30", "2027-01-16", STATE_OPEN, FALSE, FALSE, FALSE, 0 },
};

static void
test_deadline (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (deadline_cases); i++) {
		g_autoptr (Statement) s = statement_new ();
		int days = 12345;

		s->deadline = g_strdup (deadline_cases[i].deadline);
		s->state = deadline_cases[i].state;
		s->action_taken = deadline_cases[i].action_taken;
		if (statement_is_overdue (s, deadline_cases[i].today) != deadline_cases[i].overdue)
			fail_msg ("case %zu: overdue is not %d", i, deadline_cases[i].overdue);
		assert_int_equal (statement_days_left (s, deadline_cases[i].today, &days),
		                  deadline_cases[i].has_days);
		if (deadline_cases[i].has_days)
			assert_int_equal (days, deadline_cases[i].days);
	}
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_purpose),
		cmocka_unit_test (test_date),
		cmocka_unit_test (test_find_date),
		cmocka_unit_test (test_contacts),
		cmocka_unit_test (test_format_contact),
		cmocka_unit_test (test_clean),
		cmocka_unit_test (test_clean_all_bytes),
		cmocka_unit_test (test_names),
		cmocka_unit_test (test_new_free),
		cmocka_unit_test (test_reset),
		cmocka_unit_test (test_deadline),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
