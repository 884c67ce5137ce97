/* test-extract.c: the extractors, on text (table-driven) and on whole
 * messages against golden files: every tests/data/extract/NAME.eml (and
 * broken/NAME.eml) is extracted and dumped, and the dump must equal
 * NAME.expected. LIAISON_UPDATE_GOLDEN=1 rewrites the .expected files. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/conf.h"
#include "input/document.h"
#include "input/document-child.h"
#include "stages/extract.h"
#include "input/message.h"
#include "stages/resolve.h"
#include "base/statement.h"

#define MAX_MESSAGE_SIZE (50 * 1024 * 1024)

/* ---- The dump --------------------------------------------------------- */

static void
dump_string (GString *out, const char *key, const char *value)
{
	g_string_append_printf (out, "%s: %s\n", key, value != NULL ? value : "(none)");
}

static void
dump_list (GString *out, const char *key, const GPtrArray *list)
{
	if (list == NULL || list->len == 0) {
		g_string_append_printf (out, "%s: (none)\n", key);
		return;
	}
	for (guint i = 0; i < list->len; i++)
		g_string_append_printf (out, "%s[%u]: %s\n", key, i,
		                        (const char *) g_ptr_array_index (list, i));
}

static void
dump_body (GString *out, const char *body)
{
	g_auto (GStrv) lines = NULL;

	if (body == NULL) {
		g_string_append (out, "body: (none)\n");
		return;
	}
	g_string_append (out, "body:\n");
	lines = g_strsplit (body, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		/* Bodies keep their TABs (a table's cells); they are shown,
		 * since any other control character is a failure. */
		g_auto (GStrv) cells = g_strsplit (lines[i], "\t", -1);
		g_autofree char *line = g_strjoinv ("<TAB>", cells);

		if (*line == '\0')
			g_string_append (out, "  |\n");
		else
			g_string_append_printf (out, "  | %s\n", line);
	}
}

/* The extracted fields, one per line, in a fixed order. */
static char *
dump_statement (const Statement *s)
{
	GString *out = g_string_new (NULL);

	if (s == NULL) {
		g_string_append (out, "none\n");
		return g_string_free (out, FALSE);
	}
	dump_string (out, "layout", layout_to_string (s->layout));
	dump_string (out, "origin", s->origin);
	dump_string (out, "title", s->title);
	dump_string (out, "submitted", s->submitted);
	dump_string (out, "deadline", s->deadline);
	dump_string (out, "purpose", purpose_to_string (s->purpose));
	dump_string (out, "url", s->url);
	dump_string (out, "from_org_text", s->from_org_text);
	dump_string (out, "from_contact", s->from_contact);
	dump_list (out, "to_texts", s->to_texts);
	dump_list (out, "to_contacts", s->to_contacts);
	dump_list (out, "cc", s->cc);
	dump_list (out, "response_contacts", s->response_contacts);
	dump_list (out, "technical_contacts", s->technical_contacts);
	dump_list (out, "references", s->references);
	dump_list (out, "other_identifiers", s->other_identifiers);
	dump_list (out, "attachment_titles", s->attachment_titles);
	dump_body (out, s->body);
	return g_string_free (out, FALSE);
}

/* ---- A small line diff ------------------------------------------------ */

/* Prints the differences between @expected and @actual, line by line,
 * from their longest common subsequence. Golden files are small. */
static void
print_diff (const char *name, const char *expected, const char *actual)
{
	g_auto (GStrv) a = g_strsplit (expected, "\n", -1);
	g_auto (GStrv) b = g_strsplit (actual, "\n", -1);
	guint n = g_strv_length (a), m = g_strv_length (b);
	g_autofree guint *lcs = g_new0 (guint, (gsize) (n + 1) * (m + 1));
	guint i = 0, j = 0;

#define LCS(x, y) lcs[(gsize) (x) * (m + 1) + (y)]
	for (guint x = n; x-- > 0;)
		for (guint y = m; y-- > 0;)
			LCS (x, y) = strcmp (a[x], b[y]) == 0 ? LCS (x + 1, y + 1) + 1
			             : MAX (LCS (x + 1, y), LCS (x, y + 1));
	fprintf (stderr, "--- %s.expected\n+++ %s (actual)\n", name, name);
	while (i < n || j < m) {
		if (i < n && j < m && strcmp (a[i], b[j]) == 0) {
			fprintf (stderr, " %s\n", a[i]);
			i++, j++;
		} else if (i < n && (j == m || LCS (i + 1, j) >= LCS (i, j + 1))) {
			fprintf (stderr, "-%s\n", a[i++]);
		} else {
			fprintf (stderr, "+%s\n", b[j++]);
		}
	}
#undef LCS
}

/* ---- Golden files ----------------------------------------------------- */

static const char *const text_kinds[] = { "body", "attachment", "document" };

/* The directory the golden files are resolved against: the samples'. */
static Config *directory;

/* The dump of what extract_statement() finds in the message at @path,
 * followed by the texts the message offered (where each came from); NULL
 * with @why set when the file cannot be read. */
static char *
extract_file (const char *path, char **why)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Message) message = message_open_file (path, MAX_MESSAGE_SIZE, &error);
	g_autoptr (Statement) statement = NULL;
	g_autoptr (GPtrArray) texts = NULL;
	GString *out;

	DocumentLimits limits;

	if (message == NULL) {
		*why = g_strdup_printf ("%s: %s", path, error->message);
		return NULL;
	}
	/* As deliver does: the documents read in a child first. */
	document_limits_init (&limits, 0);
	if (!document_child_read (message, &limits, NULL, NULL, &error)) {
		*why = g_strdup_printf ("%s: %s", path, error->message);
		return NULL;
	}
	statement = extract_statement (message, directory);
	out = g_string_new (NULL);
	{
		g_autofree char *dump = dump_statement (statement);
		g_string_append (out, dump);
	}
	/* What the directory makes of it: the organization and the groups. */
	if (statement != NULL && directory != NULL) {
		resolve_statement (statement, directory, message);
		dump_string (out, "resolved_org", statement->from_org);
		dump_list (out, "resolved_groups", statement->groups);
		dump_string (out, "hold_reason", statement->hold_reason);
	}
	texts = message_texts (message);
	for (guint i = 0; i < texts->len; i++) {
		const MessageText *t = g_ptr_array_index (texts, i);
		g_string_append_printf (out, "texts[%u]: %s (%s)\n", i, t->origin,
		                        text_kinds[t->kind]);
	}
	return g_string_free (out, FALSE);
}

/* Whatever the message holds, what we extract is valid UTF-8 without
 * control characters: nothing can break a header line or a terminal. */
static char *
check_clean_dump (const char *path, const char *dump)
{
	if (!g_utf8_validate (dump, -1, NULL))
		return g_strdup_printf ("%s: the extraction is not valid UTF-8", path);
	for (const char *p = dump; *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (c == '\n')
			continue;
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029)
			return g_strdup_printf ("%s: control character U+%04X extracted", path, c);
	}
	return NULL;
}

/* Compares (or, with LIAISON_UPDATE_GOLDEN=1, writes) the golden file of
 * @path. Returns why it failed, or NULL. */
static char *
check_golden (const char *path)
{
	g_autofree char *stem = g_strndup (path, strlen (path) - strlen (".eml"));
	g_autofree char *expected_path = g_strconcat (stem, ".expected", NULL);
	g_autofree char *expected = NULL;
	g_autofree char *actual = NULL;
	g_autoptr (GError) error = NULL;
	char *why = NULL;

	actual = extract_file (path, &why);
	if (actual == NULL)
		return why;
	if ((why = check_clean_dump (path, actual)) != NULL)
		return why;
	if (g_strcmp0 (g_getenv ("LIAISON_UPDATE_GOLDEN"), "1") == 0) {
		if (!g_file_set_contents (expected_path, actual, -1, &error))
			return g_strdup (error->message);
		return NULL;
	}
	if (!g_file_get_contents (expected_path, &expected, NULL, &error))
		return g_strdup_printf ("%s (LIAISON_UPDATE_GOLDEN=1 writes it)", error->message);
	if (strcmp (expected, actual) != 0) {
		print_diff (stem, expected, actual);
		return g_strdup_printf ("%s: extraction differs from the golden file", path);
	}
	return NULL;
}

/* TRUE when the golden file of @path records the text of a PDF or DOCX
 * document, which a build without documents cannot read. */
static gboolean
needs_documents (const char *path)
{
	g_autofree char *stem = g_strndup (path, strlen (path) - strlen (".eml"));
	g_autofree char *expected_path = g_strconcat (stem, ".expected", NULL);
	g_autofree char *expected = NULL;

	return g_file_get_contents (expected_path, &expected, NULL, NULL)
	       && strstr (expected, " (document)\n") != NULL;
}

static void
test_golden (void **state)
{
	char *why;

	if (!document_supported () && needs_documents (*state))
		skip ();
	why = check_golden (*state);
	char message[1024];

	if (why == NULL)
		return;
	/* fail_msg() does not return: free first. */
	g_strlcpy (message, why, sizeof message);
	g_free (why);
	fail_msg ("%s", message);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Appends the paths of the .eml files in @dir, sorted, to @paths. */
static void
list_fixtures (const char *dir, GPtrArray *paths)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name (d)) != NULL)
		if (g_str_has_suffix (name, ".eml"))
			g_ptr_array_add (names, g_strdup (name));
	g_ptr_array_sort (names, compare_names);
	for (guint i = 0; i < names->len; i++)
		g_ptr_array_add (paths, g_build_filename (dir, g_ptr_array_index (names, i), NULL));
}

static void
assert_list (const GPtrArray *list, const char *first, guint len, const char *name)
{
	if (list->len != len)
		fail_msg ("%s: %u entries, expected %u", name, list->len, len);
	if (len > 0)
		assert_string_equal (g_ptr_array_index (list, 0), first);
}

/* ---- Documents on their own ------------------------------------------- */

/* The text of tests/data/documents/NAME.{pdf,docx} (TABs shown), or the
 * error, compared with NAME.expected like the golden messages. */
static char *
document_dump (const char *path)
{
	g_autofree char *data = NULL;
	g_autofree char *text = NULL;
	g_autoptr (GError) error = NULL;
	gsize len;

	if (!g_file_get_contents (path, &data, &len, &error))
		return g_strdup_printf ("unreadable: %s\n", error->message);
	text = g_str_has_suffix (path, ".pdf") ? document_pdf_text ((const guint8 *) data, len, &error)
	                                       : document_docx_text ((const guint8 *) data, len, &error);
	if (text == NULL)
		return g_strdup_printf ("error: %s\n", error->message);
	{
		g_auto (GStrv) cells = g_strsplit (text, "\t", -1);
		g_autofree char *shown = g_strjoinv ("<TAB>", cells);
		return g_strdup_printf ("%s\n", shown);
	}
}

static void
test_documents (void **state)
{
	g_autofree char *dir = g_build_filename (SRCDIR, "tests", "data", "documents", NULL);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;
	guint n = 0;

	if (!document_supported ())
		skip ();
	assert_non_null (d);
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = NULL;
		g_autofree char *stem = NULL;
		g_autofree char *expected_path = NULL;
		g_autofree char *expected = NULL;
		g_autofree char *actual = NULL;

		if (!g_str_has_suffix (name, ".pdf") && !g_str_has_suffix (name, ".docx"))
			continue;
		n++;
		path = g_build_filename (dir, name, NULL);
		stem = g_strndup (path, strrchr (path, '.') - path);
		expected_path = g_strconcat (stem, ".expected", NULL);
		actual = document_dump (path);
		print_message ("%s\n", name);
		if (g_strcmp0 (g_getenv ("LIAISON_UPDATE_GOLDEN"), "1") == 0) {
			assert_true (g_file_set_contents (expected_path, actual, -1, NULL));
			continue;
		}
		if (!g_file_get_contents (expected_path, &expected, NULL, NULL))
			fail_msg ("%s: no %s", name, expected_path);
		if (strcmp (expected, actual) != 0) {
			print_diff (stem, expected, actual);
			fail_msg ("%s: text differs from the golden file", name);
		}
	}
	assert_true (n >= 4);
}

/* The child's limits for a given time-limit. */
static void
test_document_limits (void **state)
{
	static const struct {
		guint time_limit, cpu, wall, total;
	} cases[] = {
		{ 0, 10, 15, 40 }, { 120, 10, 15, 40 }, { 600, 10, 15, 40 }, { 30, 3, 5, 10 },
		{ 8, 1, 2, 2 }, { 1, 1, 2, 2 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		DocumentLimits limits;

		document_limits_init (&limits, cases[i].time_limit);
		assert_int_equal (limits.cpu_seconds, cases[i].cpu);
		assert_int_equal (limits.wall_seconds, cases[i].wall);
		assert_int_equal (limits.total_seconds, cases[i].total);
		assert_true (limits.memory >= DOCUMENT_CHILD_MEMORY);
		assert_int_equal (limits.output, DOCUMENT_CHILD_OUTPUT);
	}
	for (int l = DOCUMENT_LIMIT_CPU; l <= DOCUMENT_LIMIT_CRASH; l++)
		assert_int_equal (document_limit_from_string (document_limit_to_string (l)), l);
	assert_null (document_limit_to_string (DOCUMENT_LIMIT_NONE));
	assert_int_equal (document_limit_from_string ("no such limit"), DOCUMENT_LIMIT_NONE);
}

/* A document read in a child: its text; none for a damaged one; and the
 * output limit, which a small one shows without depending on time. */
static void
test_document_child (void **state)
{
	g_autofree char *path = g_build_filename (SRCDIR, "tests", "data", "documents", "two-pages.pdf", NULL);
	g_autofree char *data = NULL;
	g_autofree char *direct = NULL;
	char *text = NULL;
	DocumentLimits limits;
	DocumentLimit limit;
	gsize len;

	if (!document_supported ())
		skip ();
	assert_true (g_file_get_contents (path, &data, &len, NULL));
	document_limits_init (&limits, 0);
	direct = document_pdf_text ((const guint8 *) data, len, NULL);
	assert_true (document_child_text (&limits, DOCUMENT_PDF, (const guint8 *) data, len, &text, &limit, NULL));
	assert_int_equal (limit, DOCUMENT_LIMIT_NONE);
	assert_string_equal (text, direct);
	g_clear_pointer (&text, g_free);

	assert_true (document_child_text (&limits, DOCUMENT_PDF, (const guint8 *) "%PDF-1.4\n%%EOF\n", 15,
	                                  &text, &limit, NULL));
	assert_int_equal (limit, DOCUMENT_LIMIT_NONE);
	assert_null (text);

	limits.output = 10;
	assert_true (document_child_text (&limits, DOCUMENT_PDF, (const guint8 *) data, len, &text, &limit, NULL));
	assert_int_equal (limit, DOCUMENT_LIMIT_OUTPUT);
	assert_null (text);
}

/* A message whose documents have used up their time: the rest are not
 * read (no child is started), and a note says so. */
static void
test_document_budget (void **state)
{
	g_autofree char *path = g_build_filename (SRCDIR, "tests", "data", "extract", "3gpp-pdf.eml", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (Message) message = message_open_file (path, MAX_MESSAGE_SIZE, &error);
	g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) texts = NULL;
	DocumentLimits limits;

	if (!document_supported ())
		skip ();
	assert_non_null (message);
	document_limits_init (&limits, 0);
	limits.total_seconds = 0;
	assert_true (document_child_read (message, &limits, NULL, notes, &error));
	assert_int_equal (notes->len, 1);
	assert_string_equal (g_ptr_array_index (notes, 0),
	                     "document S2-2603456.pdf: text not extracted: time limit");
	texts = message_texts (message);
	for (guint i = 0; i < texts->len; i++)
		assert_int_not_equal (((MessageText *) g_ptr_array_index (texts, i))->kind, MESSAGE_TEXT_DOCUMENT);
}

/* Documents that are no documents, from memory. */
static void
test_document_errors (void **state)
{
	static const guint8 stored_zip[] = "PK\x03\x04 and then nothing a zip needs";
	g_autoptr (GError) error = NULL;
	char *text;

	text = document_pdf_text ((const guint8 *) "", 0, &error);
	assert_null (text);
	assert_non_null (error);
	g_clear_error (&error);
	text = document_pdf_text ((const guint8 *) "%PDF-1.4\n%%EOF\n", 15, &error);
	assert_null (text);
	assert_non_null (error);
	g_clear_error (&error);
	text = document_docx_text ((const guint8 *) "%PDF-1.4", 8, &error);
	assert_null (text);
	assert_non_null (error);
	g_clear_error (&error);
	text = document_docx_text (stored_zip, sizeof stored_zip - 1, &error);
	assert_null (text);
	assert_non_null (error);
}

/* ---- Subjects ----------------------------------------------------------- */

static const struct {
	const char *subject;
	const char *title;
} subject_cases[] = {
	{ "New Liaison Statement, \"LS on OTN\"", "LS on OTN" },
	{ "New Liaison Statement \"LS on OTN\"", "LS on OTN" },
	{ "Fwd: New Liaison Statement, \"LS on OTN\"", "LS on OTN" },
	{ "LS on OTN", "LS on OTN" },
	{ "Liaison Statement: TR-451 YANG", "TR-451 YANG" },
	{ "Liaison statement - TR-451 YANG", "TR-451 YANG" },
	{ "Liaison statement on TR-451 YANG", "Liaison statement on TR-451 YANG" },
	{ "Liaison from SG15 to CCAMP", "Liaison from SG15 to CCAMP" },
	{ "Liaison from IEEE 802.1 - TSN profiles", "TSN profiles" },
	{ "Liaison statement from ITU-T SG15: OTN YANG", "OTN YANG" },
	{ "LS to O-RAN WG9 \xe2\x80\x93 fronthaul", "fronthaul" },
	{ "Liaison statement to IETF MADINAS", "Liaison statement to IETF MADINAS" },
	{ "Liaison from ITU-T SG15 on G.8275", "Liaison from ITU-T SG15 on G.8275" },
	{ "[ccamp] FW: LS on OTN", "LS on OTN" },
	{ "WG: TR: LS on OTN", "LS on OTN" },
	{ "Re: LS on OTN", NULL },
	{ "AW: LS on OTN", NULL },
	{ "Fwd: Re: LS on OTN", NULL },
	{ "Automatic reply: LS on OTN", NULL },
	{ "LS on \"quoted\" words \"here\"", "LS on \"quoted\" words \"here\"" },
	{ "Liaison Statement:", NULL },
	{ "", NULL },
	{ NULL, NULL },
};

static void
test_title_from_subject (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (subject_cases); i++) {
		g_autofree char *title = extract_title_from_subject (subject_cases[i].subject);
		if (g_strcmp0 (title, subject_cases[i].title) != 0)
			fail_msg ("\"%s\": %s, expected %s", subject_cases[i].subject, title ? title : "NULL",
			          subject_cases[i].title ? subject_cases[i].title : "NULL");
	}
}

/* ---- Every layout on text ----------------------------------------------- */

typedef struct {
	const char *name;
	const char *text;
	const char *subject;
	MessageTextKind kind;
	Layout layout;               /* LAYOUT_NONE: no statement */
	const char *title;
	Purpose purpose;
	const char *deadline;
	const char *from_org_text;
	const char *to_text0;
	guint n_to_texts;
} LayoutCase;

#define ITUT_HEAD "Question(s):  14/15   Meeting, date:  Geneva, 3-14 July 2027\n" \
	"Study Group:  15      Working Party:  3\nSource:       ITU-T Study Group 15\n" \
	"Title:        LS on OTN\n\n                 LIAISON STATEMENT\n\n"

static const LayoutCase layout_cases[] = {
	{ "ITU-T, action", ITUT_HEAD "For action to:  IETF CCAMP\nFor comment to: -\n"
	  "For information to: IEEE 802.1\nApproval:  SG15 (14 July 2027)\nDeadline:  15 January 2028\n"
	  "Contact:  Greg Jones   E-mail: g@x.int\n\nBody text of the statement, which is long enough to be prose.\n",
	  NULL, MESSAGE_TEXT_BODY, LAYOUT_ITUT, "LS on OTN", PURPOSE_ACTION, "2028-01-15", "ITU-T Study Group 15",
	  "IETF CCAMP", 2 },
	{ "ITU-T, comment only, with TABs", "Question(s):\t14/15\nSource:\tRapporteur Q14/15\nTitle:\tLS on OTN\n"
	  "For action to:\t-\nFor comment to:\tIETF CCAMP; IETF TEAS\nDeadline:\tN/A\n",
	  NULL, MESSAGE_TEXT_DOCUMENT, LAYOUT_ITUT, "LS on OTN", PURPOSE_COMMENT, NULL, "ITU-T SG15", "IETF CCAMP", 2 },
	{ "ITU-T reply LS for information is a response", ITUT_HEAD "Title: x\nFor information to: IETF MPLS\n",
	  NULL, MESSAGE_TEXT_BODY, LAYOUT_ITUT, "LS on OTN", PURPOSE_INFORMATION, NULL, "ITU-T Study Group 15",
	  "IETF MPLS", 1 },
	{ "Title, Source and Contact alone are no ITU-T statement",
	  "Title: Minutes\nSource: Chairs\nContact: Greg <g@x.int>\n",
	  NULL, MESSAGE_TEXT_BODY, LAYOUT_NONE, NULL, PURPOSE_NONE, NULL, NULL, NULL, 0 },
	{ "3GPP", "3GPP TSG-SA WG2 Meeting #160\tS2-2601234\nSophia Antipolis, 12 - 16 January 2027\n\n"
	  "Title:\tLS on X\nResponse to:\t-\nRelease:\tRel-20\nWork Item:\tFS_X\nSource:\tSA WG2\n"
	  "To:\tIETF TEAS WG\nCc:\tCT WG4\nContact Person:\n\tName:\tA B\n\tE-mail Address:\ta@b.com\n\n"
	  "1. Overall Description:\nText.\n2. Actions:\nTo IETF TEAS group.\nACTION:\tSA2 asks TEAS to reply.\n"
	  "3. Date of Next TSG-SA WG2 Meetings:\nSA2#161\t22 - 26 February 2027\tFukuoka\n",
	  NULL, MESSAGE_TEXT_DOCUMENT, LAYOUT_3GPP, "LS on X", PURPOSE_ACTION, "2027-02-22", "3GPP SA WG2",
	  "IETF TEAS WG", 1 },
	{ "3GPP response asking nothing", "Title: Reply LS on X\nResponse to: LS on X (S2-2500001)\n"
	  "Release: Rel-19\nSource: RAN WG3\nTo: IETF MPLS\n\n1. Overall Description:\nThanks.\n"
	  "2. Actions:\nACTION: None.\n",
	  NULL, MESSAGE_TEXT_BODY, LAYOUT_3GPP, "Reply LS on X", PURPOSE_RESPONSE, NULL, "3GPP RAN WG3", "IETF MPLS", 1 },
	{ "Title, To and Cc alone are no 3GPP statement", "Title: x\nSource: y\nTo: z\nCc: w\n",
	  NULL, MESSAGE_TEXT_BODY, LAYOUT_NONE, NULL, PURPOSE_NONE, NULL, NULL, NULL, 0 },
	{ "free-form letter in a document",
	  "Broadband Forum\n\nTo: IETF OPSAWG\nFrom: BBF TC\n\nDear OPSAWG chairs,\n\n"
	  "We send this liaison statement for your comments by 1 March 2027.\n",
	  "Attached", MESSAGE_TEXT_DOCUMENT, LAYOUT_FREEFORM, NULL, PURPOSE_COMMENT, "2027-03-01", "BBF TC",
	  "IETF OPSAWG", 1 },
	{ "free-form: the purpose of the line that names the IETF",
	  "For action to: Broadband Forum\nFor information to: IETF OPSAWG\n\n"
	  "We send this liaison statement to the Broadband Forum and copy the IETF.\n",
	  "LS on YANG", MESSAGE_TEXT_BODY, LAYOUT_FREEFORM, NULL, PURPOSE_INFORMATION, NULL, NULL,
	  "Broadband Forum", 2 },
	{ "free-form cover note", "Dear CCAMP chairs,\n\nplease find attached a liaison statement for action.\n",
	  "LS on OTN", MESSAGE_TEXT_BODY, LAYOUT_FREEFORM, NULL, PURPOSE_ACTION, NULL, NULL, "CCAMP", 1 },
	{ "a question about a statement is none",
	  "Did the liaison statement from BBF get an answer? Please reply.\n",
	  "Question about the LS on TR-451", MESSAGE_TEXT_BODY, LAYOUT_NONE, NULL, PURPOSE_NONE, NULL, NULL, NULL, 0 },
	{ "a reply is none", "This liaison statement is for action by 1 March 2027.\n",
	  "Re: LS on OTN", MESSAGE_TEXT_BODY, LAYOUT_NONE, NULL, PURPOSE_NONE, NULL, NULL, NULL, 0 },
	{ "minutes that mention a statement are none",
	  "Minutes\n\nThe liaison statement received from SG15 was discussed; a reply is due by 1 March 2027.\n",
	  "Minutes of the interim", MESSAGE_TEXT_DOCUMENT, LAYOUT_NONE, NULL, PURPOSE_NONE, NULL, NULL, NULL, 0 },
	{ "our own id in a subject is no designation", "Thanks, for action by 1 March 2027.\n",
	  "[LS-2026-0007] follow-up", MESSAGE_TEXT_BODY, LAYOUT_NONE, NULL, PURPOSE_NONE, NULL, NULL, NULL, 0 },
	{ "a Datatracker notification stays one",
	  "Title: LS on OTN\nSubmission Date: 2027-01-15\nFrom: ITU-T SG15 (Greg)\nTo: ccamp\nPurpose: For action\n"
	  "Body: This liaison statement is for action.\nAttachments:\n",
	  "New Liaison Statement, \"LS on OTN\"", MESSAGE_TEXT_BODY, LAYOUT_DATATRACKER, "LS on OTN", PURPOSE_ACTION,
	  NULL, "ITU-T SG15", "ccamp", 1 },
};

static void
test_layouts (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (layout_cases); i++) {
		const LayoutCase *c = &layout_cases[i];
		ExtractContext context = { c->subject, c->kind, "test" };
		guint score = 0;
		g_autoptr (Statement) s = extract_text (c->text, &context, &score);

		print_message ("%s\n", c->name);
		if (c->layout == LAYOUT_NONE) {
			if (s != NULL)
				fail_msg ("%s: read as %s", c->name, layout_to_string (s->layout));
			continue;
		}
		assert_non_null (s);
		assert_int_equal (s->layout, c->layout);
		assert_true (g_strcmp0 (s->title, c->title) == 0);
		assert_int_equal (s->purpose, c->purpose);
		assert_true (g_strcmp0 (s->deadline, c->deadline) == 0);
		assert_true (g_strcmp0 (s->from_org_text, c->from_org_text) == 0);
		assert_list (s->to_texts, c->to_text0, c->n_to_texts, "to_texts");
	}
}

/* ---- extract_datatracker on text -------------------------------------- */

#define DT_HEAD "Title: LS on OTN\nSubmission Date: 2027-01-15\n" \
	"URL of the IETF Web page: https://datatracker.ietf.org/liaison/1900/\n"

typedef struct {
	const char *name;
	const char *text;
	gboolean found;
	const char *title;
	const char *from_org_text;
	const char *from_contact;
	const char *to_text0;        /* the first to_texts entry */
	guint n_to_texts;
	const char *to_contact0;
	guint n_to_contacts;
	Purpose purpose;
	const char *deadline;
	const char *body;
} TextCase;

static const TextCase text_cases[] = {
	{ "2019 layout",
	  DT_HEAD "Please reply by 2027-03-01\nFrom: ITU-T SG15 (Greg Jones <greg@itu.int>)\n"
	  "To: ccamp (Daniele Ceccarelli, dc@example.net)\nCc: a@ietf.org\n"
	  "Response Contacts: \nTechnical Contacts: t@itu.int\nPurpose: For action\n\n"
	  "Body: Please reply.\nThanks.\nAttachments:\n\n    No document has been attached\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones <greg@itu.int>", "ccamp", 1,
	  "Daniele Ceccarelli", 2, PURPOSE_ACTION, "2027-03-01", "Please reply.\nThanks." },
	{ "2008 layout, name only",
	  DT_HEAD "From: ITU-T SG15 (Greg Jones)\nTo: ccamp (Daniele Ceccarelli)\n"
	  "Reponse Contact: greg@itu.int\nPurpose: For information\nBody: x\nAttachments:\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones", "ccamp", 1, "Daniele Ceccarelli", 1,
	  PURPOSE_INFORMATION, NULL, "x" },
	{ "2025 layout: groups from From Group and To Group",
	  DT_HEAD "From: Greg Jones <greg@itu.int>\nFrom Group: ITU-T Study Group 15 (itu-t-sg-15)\n"
	  "To: Daniele Ceccarelli <dc@example.net>\n"
	  "To Group: Common Control and Measurement Plane (ccamp), Path Computation Element (pce)\n"
	  "Purpose: For comment\nBody: x\nAttachments:\n",
	  TRUE, "LS on OTN", "ITU-T Study Group 15 (itu-t-sg-15)", "Greg Jones <greg@itu.int>",
	  "Common Control and Measurement Plane (ccamp)", 2, "Daniele Ceccarelli <dc@example.net>", 1,
	  PURPOSE_COMMENT, NULL, "x" },
	{ "To with addresses only",
	  DT_HEAD "From: O-RAN WG4 (Martin Hall <martin.hall@o-ran.org>)\n"
	  "To: iab-chairs@ietf.org, benoit.hall@ietf.org\nPurpose: In response\nBody: x\n",
	  TRUE, "LS on OTN", "O-RAN WG4", "Martin Hall <martin.hall@o-ran.org>", NULL, 0,
	  "iab-chairs@ietf.org", 2, PURPOSE_RESPONSE, NULL, "x" },
	{ "labels in other case, CR LF, colon after Please reply by",
	  "TITLE: LS on OTN\r\nsubmission date: 15 January 2027\r\nPLEASE REPLY BY: 1 March 2027\r\n"
	  "from: ITU-T SG15 (Greg Jones)\r\nto: ccamp (Daniele)\r\npurpose: FOR ACTION\r\n"
	  "body: line one\r\n\r\nline three\r\nattachments:\r\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones", "ccamp", 1, "Daniele", 1,
	  PURPOSE_ACTION, "2027-03-01", "line one\n\nline three" },
	{ "folded title and To",
	  "Title: A very long title that the mail program\n   wrapped over two lines\n"
	  "Submission Date: 2027-01-15\nFrom: ITU-T SG15 (Greg Jones)\n"
	  "To: Internet Architecture Board (iab-chairs@ietf.org,\n    benoit.hall@ietf.org)\n"
	  "Purpose: For information\nBody: x\nAttachments:\n",
	  TRUE, "A very long title that the mail program wrapped over two lines", "ITU-T SG15",
	  "Greg Jones", "Internet Architecture Board", 1, "iab-chairs@ietf.org", 2,
	  PURPOSE_INFORMATION, NULL, "x" },
	{ "a forwarding header block above the notification is not read",
	  "---------- Forwarded message ---------\nFrom: Liaison Tool <statements@ietf.org>\n"
	  "To: someone@example.org\n\n" DT_HEAD "From: ITU-T SG15 (Greg Jones)\nTo: ccamp (Daniele)\n"
	  "Purpose: For action\nBody: x\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones", "ccamp", 1, "Daniele", 1,
	  PURPOSE_ACTION, NULL, "x" },
	{ "a reply quoting Outlook headers is not a statement",
	  "Thanks.\n\nFrom: Greg Jones <greg@itu.int>\nSent: Monday\nTo: ccamp@ietf.org\n"
	  "Subject: LS on OTN\n\nBody of the old mail\n",
	  FALSE, NULL, NULL, NULL, NULL, 0, NULL, 0, PURPOSE_NONE, NULL, NULL },
	{ "quoted notification is not read",
	  "> Title: LS on OTN\n> Submission Date: 2027-01-15\n> From: ITU-T SG15 (Greg)\n"
	  "> To: ccamp\n> Purpose: For action\n> Body: x\n",
	  FALSE, NULL, NULL, NULL, NULL, 0, NULL, 0, PURPOSE_NONE, NULL, NULL },
	{ "empty text", "", FALSE, NULL, NULL, NULL, NULL, 0, NULL, 0, PURPOSE_NONE, NULL, NULL },
	{ "Body without Attachments runs to the end",
	  DT_HEAD "From: ITU-T SG15 (Greg Jones)\nPurpose: For action\nBody: one\n  two\n\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones", NULL, 0, NULL, 0, PURPOSE_ACTION, NULL,
	  "one\n  two" },
	{ "an unknown label and its folded value end the value before it",
	  "Dear colleagues,\nplease see below.\n\n" DT_HEAD "From: ITU-T SG15 (Greg Jones)\nTo: ccamp\n"
	  "Purpose: For action\nAction Holder Contacts: a@example.org,\nb@example.org\n\nBody: x\n"
	  "Attachments:\nNo document has been attached\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones", "ccamp", 1, NULL, 0, PURPOSE_ACTION, NULL, "x" },
	{ "text that continues nothing ends the label block",
	  DT_HEAD "From: ITU-T SG15 (Greg Jones)\nTo: ccamp\nPurpose: For action\n\n"
	  "Some paragraph of text.\nBody: not read\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones", "ccamp", 1, NULL, 0, PURPOSE_ACTION, NULL, NULL },
	{ "the Title that starts the most labels wins",
	  "Title: Re: something else\n\nA mail quoting a title.\n\nFrom: a@example.org\nTo: b@example.org\n\n"
	  DT_HEAD "From: ITU-T SG15 (Greg Jones)\nTo: ccamp\nPurpose: For action\nBody: x\n",
	  TRUE, "LS on OTN", "ITU-T SG15", "Greg Jones", "ccamp", 1, NULL, 0, PURPOSE_ACTION, NULL, "x" },
	{ "concatenated mails with a stray Title are not a statement",
	  "To: a@example.org\nFrom: b@example.org\n\nHello.\n\nTitle: Re: hello\n\nAnswer.\n\n"
	  "From: c@example.org\nTo: d@example.org\nDate: Mon\n\nMore.\n",
	  FALSE, NULL, NULL, NULL, NULL, 0, NULL, 0, PURPOSE_NONE, NULL, NULL },
	{ "From without contact, To without contacts",
	  DT_HEAD "From: ITU-T SG15\nTo: ccamp, pce\nPurpose: For action\nBody: x\n",
	  TRUE, "LS on OTN", "ITU-T SG15", NULL, "ccamp", 2, NULL, 0, PURPOSE_ACTION, NULL, "x" },
};


static void
test_datatracker_text (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (text_cases); i++) {
		const TextCase *c = &text_cases[i];
		guint score = 0;
		g_autoptr (Statement) s = extract_datatracker (c->text, NULL, &score);

		print_message ("%s\n", c->name);
		if (!c->found) {
			assert_null (s);
			continue;
		}
		assert_non_null (s);
		assert_true (score >= extractors[0].min_score);
		assert_int_equal (s->layout, LAYOUT_DATATRACKER);
		assert_string_equal (s->title, c->title);
		assert_true (g_strcmp0 (s->from_org_text, c->from_org_text) == 0);
		assert_true (g_strcmp0 (s->from_contact, c->from_contact) == 0);
		assert_list (s->to_texts, c->to_text0, c->n_to_texts, "to_texts");
		assert_list (s->to_contacts, c->to_contact0, c->n_to_contacts, "to_contacts");
		assert_int_equal (s->purpose, c->purpose);
		assert_true (g_strcmp0 (s->deadline, c->deadline) == 0);
		assert_true (g_strcmp0 (s->body, c->body) == 0);
	}
}

/* Scores count distinct labels; a repeated label counts once. */
static void
test_datatracker_score (void **state)
{
	guint score = 0;
	g_autoptr (Statement) s = extract_datatracker (
		"Title: a\nTitle: b\n  folded b\nFrom: X\nTo: Y\nReferenced liaison: r1\n"
		"Referenced liaison: r2\nBody: z\n", NULL, &score);

	assert_non_null (s);
	assert_int_equal (score, 5);
	assert_string_equal (s->title, "a");
	assert_int_equal (s->references->len, 2);
}

int
main (void)
{
	const struct CMUnitTest text_tests[] = {
		cmocka_unit_test (test_datatracker_text),
		cmocka_unit_test (test_datatracker_score),
		cmocka_unit_test (test_title_from_subject),
		cmocka_unit_test (test_layouts),
		cmocka_unit_test (test_documents),
		cmocka_unit_test (test_document_errors),
		cmocka_unit_test (test_document_limits),
		cmocka_unit_test (test_document_child),
		cmocka_unit_test (test_document_budget),
	};
	g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *dir = g_build_filename (SRCDIR, "tests", "data", "extract", NULL);
	g_autofree char *broken = g_build_filename (dir, "broken", NULL);
	g_autofree struct CMUnitTest *golden = NULL;
	int failed;

	{
		g_autofree char *conf = g_build_filename (SRCDIR, "samples", "liaison.conf", NULL);
		g_autoptr (GError) error = NULL;
		directory = config_load (conf, &error);
		if (directory == NULL) {
			fprintf (stderr, "%s\n", error->message);
			return 1;
		}
	}
	list_fixtures (dir, paths);
	list_fixtures (broken, paths);
	golden = g_new0 (struct CMUnitTest, MAX (paths->len, 1));
	for (guint i = 0; i < paths->len; i++) {
		const char *path = g_ptr_array_index (paths, i);
		golden[i].name = path + strlen (dir) + 1;
		golden[i].test_func = test_golden;
		golden[i].initial_state = (void *) path;
	}

	failed = cmocka_run_group_tests_name ("extract_datatracker", text_tests, NULL, NULL);
	if (paths->len == 0) {
		fprintf (stderr, "no golden files in %s\n", dir);
		return 1;
	}
	failed += _cmocka_run_group_tests ("golden", golden, paths->len, NULL, NULL);
	g_clear_pointer (&directory, config_free);
	return failed;
}
