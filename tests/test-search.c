/* test-search.c: the query language of `liaison search` (search.c),
 * table-driven: what the user types, and the FTS5 query it becomes or
 * that it is refused. Then every translation that is not refused is run
 * against a real FTS5 table, so that none makes its parser fail. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "base/error.h"
#include "store/search.h"

typedef struct {
	const char *input;
	const char *fts;         /* NULL: refused with LIAISON_ERROR_USAGE */
} Case;

static const Case cases[] = {
	{ "detnet", "\"detnet\"" },
	{ "  two   words ", "\"two\" AND \"words\"" },
	{ "\"a phrase\" word", "\"a phrase\" AND \"word\"" },
	{ "detn*", "\"detn\"*" },
	{ "detn**", "\"detn\"*" },
	{ "\"a phr\"*", "\"a phr\"*" },
	{ "a b OR c", "\"a\" AND (\"b\" OR \"c\")" },
	{ "a OR b OR c d", "(\"a\" OR \"b\" OR \"c\") AND \"d\"" },
	{ "a -b", "(\"a\") NOT \"b\"" },
	{ "a NOT b -c*", "(\"a\") NOT \"b\" NOT \"c\"*" },
	{ "a AND b", "\"a\" AND \"b\"" },
	{ "and or not", "\"and\" AND \"or\" AND \"not\"" },
	{ "title:quokka", "{title} : \"quokka\"" },
	{ "TITLE:quokka", "{title} : \"quokka\"" },
	{ "from:a@b.example", "{contacts} : \"a@b.example\"" },
	{ "attachment:\"two words\"", "{attachments attachment_text} : \"two words\"" },
	{ "title: quokka", "{title} : \"quokka\"" },
	{ "-title:quokka word", "(\"word\") NOT {title} : \"quokka\"" },
	{ "https://example.org/x", "\"https://example.org/x\"" },
	{ "nofield:x", "\"nofield:x\"" },
	{ "a\"b", "\"a\" AND \"b\"" },
	{ "\"unterminated phrase", "\"unterminated phrase\"" },
	{ "NEAR(a b)", "\"NEAR(a\" AND \"b)\"" },
	{ "{title}: x", "\"{title}:\" AND \"x\"" },
	{ "( a )", "\"a\"" },
	{ "OR a", "\"a\"" },
	{ "a OR", "\"a\"" },
	{ "a OR ( b", "(\"a\" OR \"b\")" },
	{ "'; DROP TABLE x; --", "\"DROP\" AND \"TABLE\" AND \"x;\"" },
	{ "Müller", "\"Müller\"" },
	{ "", NULL },
	{ "   ", NULL },
	{ "\"", NULL },
	{ "\"\"", NULL },
	{ "AND (", NULL },
	{ "*", NULL },
	{ "NOT", NULL },
	{ "OR AND", NULL },
	{ "title:", NULL },
	{ "-", NULL },
	{ "-a", NULL },
	{ "NOT a -b", NULL },
	{ ":", NULL },
};

static void
test_cases (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autofree char *fts = search_query_to_fts (cases[i].input, &error);

		if (cases[i].fts == NULL) {
			if (fts != NULL)
				fail_msg ("'%s' gave '%s', expected a refusal", cases[i].input, fts);
			assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_USAGE));
		} else {
			if (fts == NULL)
				fail_msg ("'%s' was refused: %s", cases[i].input, error->message);
			if (strcmp (fts, cases[i].fts) != 0)
				fail_msg ("'%s' gave '%s', expected '%s'", cases[i].input, fts, cases[i].fts);
		}
	}
}

/* Inputs that are not valid UTF-8 become valid, and a quote inside a
 * phrase cannot end the FTS5 string. */
static void
test_bytes (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *fts = search_query_to_fts ("\xff\xfe quokka \xc0", &error);

	(void) state;
	assert_non_null (fts);
	assert_true (g_utf8_validate (fts, -1, NULL));
	assert_non_null (strstr (fts, "\"quokka\""));
}

/* SEARCH_MAX_TERMS words and phrases are a query; one more, or a hundred
 * thousand, are refused. Operators and punctuation do not count. */
static void
test_max_terms (void **state)
{
	g_autoptr (GString) query = g_string_new (NULL);
	g_autofree char *fts = NULL;
	g_autoptr (GError) error = NULL;

	(void) state;
	for (int i = 0; i < SEARCH_MAX_TERMS; i++)
		g_string_append_printf (query, "%sw%d OR -- AND ", i % 2 ? "\"p " : "title:", i);
	fts = search_query_to_fts (query->str, &error);
	assert_non_null (fts);
	g_clear_pointer (&fts, g_free);

	g_string_append (query, "\"one more\"");
	fts = search_query_to_fts (query->str, &error);
	assert_null (fts);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_USAGE));
	assert_string_equal (error->message, "the query has more than 64 words and phrases: search for fewer");
	g_clear_error (&error);

	g_string_truncate (query, 0);
	for (int i = 0; i < 100000; i++)
		g_string_append (query, "a OR ");
	fts = search_query_to_fts (query->str, &error);
	assert_null (fts);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_USAGE));
}

/* Every translation, of the cases and of some hostile strings, is a query
 * that FTS5 accepts. */
static void
test_fts5_accepts (void **state)
{
	static const char *const hostile[] = {
		"\"a\" OR (", "col:x", "^x", "x:*", "-\"", "\"\"\"a", "a\"\"b", "NEAR(", "{a b}:c",
		"+ a", "a + b", "AND OR NOT", "\\", "a*b*c", "'x'", "[x]", "x; DROP",
	};
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	(void) state;
	assert_int_equal (sqlite3_open (":memory:", &db), SQLITE_OK);
	assert_int_equal (sqlite3_exec (db, "CREATE VIRTUAL TABLE statements_fts USING fts5 ("
	                                "title, body, contacts, attachments, attachment_text);"
	                                "INSERT INTO statements_fts VALUES ('a quokka', 'b', 'c', 'd', 'e');",
	                                NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal (sqlite3_prepare_v2 (db, "SELECT count(*) FROM statements_fts "
	                                      "WHERE statements_fts MATCH ?1", -1, &st, NULL), SQLITE_OK);
	for (gsize i = 0; i < G_N_ELEMENTS (cases) + G_N_ELEMENTS (hostile); i++) {
		const char *input = i < G_N_ELEMENTS (cases) ? cases[i].input
		                                             : hostile[i - G_N_ELEMENTS (cases)];
		g_autofree char *fts = search_query_to_fts (input, NULL);
		int rc;

		if (fts == NULL)
			continue;
		sqlite3_bind_text (st, 1, fts, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step (st);
		if (rc != SQLITE_ROW)
			fail_msg ("'%s' as '%s': %s", input, fts, sqlite3_errmsg (db));
		sqlite3_reset (st);
	}
	sqlite3_finalize (st);
	sqlite3_close (db);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_cases),
		cmocka_unit_test (test_bytes),
		cmocka_unit_test (test_max_terms),
		cmocka_unit_test (test_fts5_accepts),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
