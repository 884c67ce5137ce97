/* test-html-text.c: the text of HTML (src/input/html-text.c): block
 * elements and <br> end lines, table cells end with a TAB, <head>,
 * <script> and <style> give nothing, entities are decoded, white space is
 * folded but in <pre>; a prefixed element (<o:p>) is not the HTML one; the
 * charset the document declares is not believed; and hostile markup
 * (nesting a hundred thousand deep, bytes that are not UTF-8, a document
 * cut anywhere) gives text, never a crash. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "input/html-text.h"

static void
test_text (void **state)
{
	static const struct {
		const char *html;
		const char *text;
	} cases[] = {
		{ NULL, "" },
		{ "", "" },
		{ "plain", "plain" },
		{ "<p>one</p><p>two</p>", "one\n\ntwo" },
		{ "a<br>b<br/>c", "a\nb\nc" },
		{ "<ul><li>one<li>two</ul>", "one\n\ntwo" },
		{ "<table><tr><td>Title:</td><td> LS on OTN </td></tr>"
		  "<tr><th>Deadline:</th><td>2026-12-01</td></tr></table>",
		  "Title:\tLS on OTN\n\nDeadline:\t2026-12-01" },
		{ "<head><title>Not this</title><style>p { x: 1 }</style></head>"
		  "<body>Body<script>var a = '<p>no</p>';</script> text</body>", "Body text" },
		{ "&eacute;&amp;&#x41;&#65;&lt;&gt;&quot; &ndash; &bogus; &", "\xc3\xa9&AA<>\" \xe2\x80\x93 &bogus; &" },
		{ "a&nbsp;&nbsp;b", "a  b" },
		{ "  lots \t of \r\n white   space  ", "lots of white space" },
		{ "<pre>  kept\n    as is</pre>after", "  kept\n    as is\nafter" },
		{ "x<!-- a comment > with > in it -->y", "xy" },
		{ "<a title=\"x > y\" href=\"u\">link</a>", "link" },
		/* Outlook's empty paragraphs are <o:p>, not <p>. */
		{ "<p class=MsoNormal>Title: LS<o:p></o:p></p><p class=MsoNormal>To: ccamp<o:p></o:p></p>",
		  "Title: LS\n\nTo: ccamp" },
		/* The caller gives UTF-8: a declared charset is not believed. */
		{ "<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9</p>", "caf\xc3\xa9" },
		{ "<meta http-equiv=Content-Type content=\"text/html; charset=shift_jis\">\xe6\x97\xa5",
		  "\xe6\x97\xa5" },
		/* Bytes that are not UTF-8 become U+FFFD, the rest stays. */
		{ "<p>bad \xff byte, caf\xc3\xa9</p>", "bad \xef\xbf\xbd byte, caf\xc3\xa9" },
		/* A CR LF written as references is white space, not a line. */
		{ "<td>LS on timing&#13;&#10;Bcc: x@example.com</td>", "LS on timing Bcc: x@example.com" },
		{ "<p>never closed <b>bold <i>both", "never closed bold both" },
		{ "</p></div></table>stray ends", "stray ends" },
		{ "<", "<" },
		{ "<p", "" },
	};

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *text = html_text_from_markup (cases[i].html);

		if (strcmp (text, cases[i].text) != 0)
			print_error ("case %zu: %s\n", i, cases[i].html != NULL ? cases[i].html : "(null)");
		assert_string_equal (text, cases[i].text);
	}
}

static void
test_hostile (void **state)
{
	GString *html = g_string_new (NULL);
	g_autofree char *text = NULL;
	g_autofree char *sample = NULL;
	const char *doc = "<html><head><title>t</title></head><body><table><tr><td>Title:</td>"
	                  "<td>LS &amp; more</td></tr></table><p>caf\xc3\xa9<br>x</p></body></html>";

	(void) state;
	/* A hundred thousand nested elements. */
	for (int i = 0; i < 100000; i++)
		g_string_append (html, "<div><span>");
	g_string_append (html, "deep");
	text = html_text_from_markup (html->str);
	assert_non_null (strstr (text, "deep"));
	/* Every byte, in a document of no particular shape. */
	g_string_truncate (html, 0);
	for (int i = 0; i < 4096; i++)
		g_string_append_c (html, (char) (1 + (i * 7919) % 255));
	g_free (text);
	text = html_text_from_markup (html->str);
	assert_true (g_utf8_validate (text, -1, NULL));
	/* A document cut at every byte. */
	for (gsize n = 0; n <= strlen (doc); n++) {
		g_autofree char *cut = g_strndup (doc, n);
		g_autofree char *part = html_text_from_markup (cut);

		assert_true (g_utf8_validate (part, -1, NULL));
	}
	sample = html_text_from_markup (doc);
	assert_string_equal (sample, "Title:\tLS & more\n\n\ncaf\xc3\xa9\nx");
	g_string_free (html, TRUE);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_text),
		cmocka_unit_test (test_hostile),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
