/* html-text.c: the text of an HTML body, well enough to find the labels of
 * a statement in it (see html-text.h). libxml2's HTML parser reads the
 * markup (it knows the entities, the implied end tags and the broken
 * markup of real mail) and calls us for each element and run of text: SAX,
 * not its tree, which would drop a prefix and make Outlook's <o:p> a <p>. */
#include "config.h"

#include <string.h>


#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "base/guard.h"
#include "base/xml-lib.h"
#include "input/html-text.h"
#include "base/statement.h"

/* The text being made; how many <pre> elements are open, and how many
 * whose content is no text (<head>, <script>, <style>). */
typedef struct {
	GString *out;
	int pre;
	int skip;
} HtmlReader;

/* Removes the spaces that end the text. */
static void
trim_spaces (GString *out)
{
	gsize len = out->len;

	while (len > 0 && out->str[len - 1] == ' ')
		len--;
	g_string_truncate (out, len);
}

/* TRUE when @name is one of @names. The parser gives names in lower
 * case, with their prefix: Outlook's <o:p> is not a <p>. */
static gboolean
name_in (const xmlChar *name, const char *const *names, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (strcmp ((const char *) name, names[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Elements whose start ends a line, and those whose end does. */
static const char *const starts_line[] = {
	"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
	"pre", "blockquote", "hr", "dt", "dd", "ul", "ol",
};
static const char *const ends_line[] = {
	"p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
	"pre", "blockquote", "ul", "ol",
};
/* Elements with no text for a reader: their content is skipped. */
static const char *const no_text[] = { "head", "script", "style", "template" };

static void
line_break (GString *out)
{
	trim_spaces (out);
	g_string_append_c (out, '\n');
}

/* Text as a browser shows it: a run of white space is one space, and none
 * at the start of a line or cell; inside <pre> as it is. */
static void
characters (void *data, const xmlChar *text, int len)
{
	HtmlReader *reader = data;
	GString *out = reader->out;

	if (reader->skip > 0)
		return;
	if (reader->pre > 0) {
		g_string_append_len (out, (const char *) text, len);
		return;
	}
	for (int i = 0; i < len; i++) {
		char c = (char) text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			if (out->len > 0 && strchr (" \t\n", out->str[out->len - 1]) == NULL)
				g_string_append_c (out, ' ');
		} else {
			g_string_append_c (out, c);
		}
	}
}

static void
start_element (void *data, const xmlChar *name, const xmlChar **attributes)
{
	HtmlReader *reader = data;

	if (name_in (name, no_text, G_N_ELEMENTS (no_text)))
		reader->skip++;
	if (reader->skip > 0)
		return;
	if (name_in (name, starts_line, G_N_ELEMENTS (starts_line)))
		line_break (reader->out);
	if (strcmp ((const char *) name, "pre") == 0)
		reader->pre++;
}

/* The line break an element's end makes; a table cell ends with a TAB,
 * so that "<td>Title:</td><td>LS on ...</td>" reads as a label and its
 * value. The parser ends every element it started, those whose end tag
 * is missing included. */
static void
end_element (void *data, const xmlChar *name)
{
	HtmlReader *reader = data;

	if (name_in (name, no_text, G_N_ELEMENTS (no_text))) {
		if (reader->skip > 0)
			reader->skip--;
		return;
	}
	if (reader->skip > 0)
		return;
	if (name_in (name, ends_line, G_N_ELEMENTS (ends_line)))
		line_break (reader->out);
	if (strcmp ((const char *) name, "pre") == 0 && reader->pre > 0)
		reader->pre--;
	if (strcmp ((const char *) name, "td") == 0 || strcmp ((const char *) name, "th") == 0) {
		trim_spaces (reader->out);
		g_string_append_c (reader->out, '\t');
	}
}

/* libxml2 is a dependency of the package: a process that cannot open it
 * is a broken installation, which the dynamic loader used to refuse
 * before main() when libxml2 was linked (`liaison check` says so). The
 * text of the HTML is not optional (the statement may be in it), and the
 * walk over a message's parts has no way to fail. So the process stops
 * here as a temporary failure (75: deliver's MTA keeps the message and
 * tries again), removing its temporary files first (guard.h). */
static void
load_or_stop (void)
{
	g_autoptr (GError) error = NULL;

	if (xml_lib_load (&error))
		return;
	guard_stop_temporary (error->message);
}

/* Runs libxml2's HTML parser over @len bytes of UTF-8 at @html with our
 * callbacks: no tree is built. */
static void
parse (HtmlReader *reader, const char *html, int len)
{
	htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt (html, len);

	if (ctxt == NULL)
		return;
	/* The context's own copy of the handler: only ours are set, so the
	 * parser makes no document. */
	memset (ctxt->sax, 0, sizeof *ctxt->sax);
	ctxt->sax->startElement = start_element;
	ctxt->sax->endElement = end_element;
	ctxt->sax->characters = characters;
	ctxt->sax->ignorableWhitespace = characters;
	ctxt->sax->cdataBlock = characters;
	ctxt->sax->initialized = 1;
	ctxt->userData = reader;
	htmlCtxtUseOptions (ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
	                    | HTML_PARSE_IGNORE_ENC);
	xmlSwitchEncoding (ctxt, XML_CHAR_ENCODING_UTF8);
	htmlParseDocument (ctxt);
	if (ctxt->myDoc != NULL)
		xmlFreeDoc (ctxt->myDoc);
	htmlFreeParserCtxt (ctxt);
}

char *
html_text_from_markup (const char *html)
{
	g_autofree char *valid = NULL;
	g_autofree char *plain = NULL;
	HtmlReader reader = { NULL, 0, 0 };

	if (html == NULL || *html == '\0')
		return g_strdup ("");
	/* The caller's text is UTF-8, and said to be: a <meta charset> in it
	 * speaks of bytes it no longer has. Bytes that are not UTF-8 would
	 * make libxml2 read the rest as Latin-1. */
	if (!g_utf8_validate (html, -1, NULL))
		html = valid = g_utf8_make_valid (html, -1);
	load_or_stop ();
	reader.out = g_string_new (NULL);
	parse (&reader, html, (int) MIN (strlen (html), (gsize) G_MAXINT));
	plain = g_string_free (reader.out, FALSE);
	return statement_clean_text (plain);
}
