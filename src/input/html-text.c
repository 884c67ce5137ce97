/* html-text.c: the text of an HTML body, well enough to find the labels of
 * a statement in it (see html-text.h). */
#include "config.h"

#include <string.h>

#include "input/html-text.h"
#include "base/statement.h"

/* Appends "&name;" or "&#NN;" at *p decoded to @out; advances *p. */
static void
html_entity (GString *out, const char **p)
{
	static const struct { const char *name; const char *text; } entities[] = {
		{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
		{ "apos", "'" }, { "nbsp", "\xc2\xa0" }, { "ndash", "\xe2\x80\x93" },
		{ "mdash", "\xe2\x80\x94" }, { "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
		{ "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" }, { "hellip", "\xe2\x80\xa6" },
		{ "bull", "\xe2\x80\xa2" }, { "middot", "\xc2\xb7" }, { "copy", "\xc2\xa9" },
		{ "eacute", "\xc3\xa9" }, { "egrave", "\xc3\xa8" }, { "auml", "\xc3\xa4" },
		{ "ouml", "\xc3\xb6" }, { "uuml", "\xc3\xbc" }, { "szlig", "\xc3\x9f" },
	};
	const char *s = *p + 1;
	const char *semi = strchr (s, ';');

	if (semi != NULL && semi - s <= 8) {
		if (*s == '#') {
			gunichar c = (s[1] == 'x' || s[1] == 'X')
				? (gunichar) g_ascii_strtoull (s + 2, NULL, 16)
				: (gunichar) g_ascii_strtoull (s + 1, NULL, 10);
			if (c != 0 && g_unichar_validate (c))
				g_string_append_unichar (out, c);
			*p = semi + 1;
			return;
		}
		for (gsize i = 0; i < G_N_ELEMENTS (entities); i++) {
			if ((gsize) (semi - s) == strlen (entities[i].name)
			    && strncmp (s, entities[i].name, (gsize) (semi - s)) == 0) {
				g_string_append (out, entities[i].text);
				*p = semi + 1;
				return;
			}
		}
	}
	g_string_append_c (out, '&');
	*p = s;
}

/* Removes the spaces that end @out. */
static void
trim_spaces (GString *out)
{
	gsize len = out->len;

	while (len > 0 && out->str[len - 1] == ' ')
		len--;
	g_string_truncate (out, len);
}

/* TRUE when the tag name of @len bytes at @name is one of @names. */
static gboolean
tag_in (const char *name, gsize len, const char *const *names, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (strlen (names[i]) == len && g_ascii_strncasecmp (name, names[i], len) == 0)
			return TRUE;
	return FALSE;
}

/* Block tags: each ends a line. */
static const char *const breaks[] = {
	"br", "p", "/p", "div", "/div", "tr", "/tr", "li", "/li", "h1", "h2", "h3",
	"h4", "h5", "h6", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "table", "/table",
	"pre", "/pre", "blockquote", "/blockquote", "hr", "dt", "dd", "ul", "/ul",
	"ol", "/ol",
};
/* A table's cells: "<td>Title:</td><td>LS on ...</td>" reads as a label
 * and its value. */
static const char *const cells[] = { "/td", "/th" };

/* The length of the tag name at @name (just after '<'), a leading '/'
 * included. */
static gsize
tag_name_length (const char *name)
{
	if (*name == '/')
		return 1 + strcspn (name + 1, " \t\r\n>");
	return strcspn (name, " \t\r\n/>");
}

/* TRUE for the tags whose content is no text: script and style. */
static gboolean
is_raw_tag (const char *name, gsize len)
{
	return (len == 6 && g_ascii_strncasecmp (name, "script", 6) == 0)
	       || (len == 5 && g_ascii_strncasecmp (name, "style", 5) == 0);
}

/* The '>' that ends the closing tag of the script or style element whose
 * name (@len bytes at @name) opens at @p, or NULL when it is never closed. */
static const char *
raw_element_end (const char *p, const char *name, gsize len)
{
	g_autofree char *close = g_strdup_printf ("</%.*s", (int) len, name);
	const char *q = p;

	while ((q = strchr (q + 1, '<')) != NULL)
		if (g_ascii_strncasecmp (q, close, len + 2) == 0)
			break;
	return q ? strchr (q, '>') : NULL;
}

/* A block tag: a line break, and the count of open <pre> elements in
 * *@pre kept. */
static void
block_tag (GString *out, const char *name, gsize len, int *pre)
{
	trim_spaces (out);
	g_string_append_c (out, '\n');
	if (len == 3 && g_ascii_strncasecmp (name, "pre", 3) == 0)
		(*pre)++;
	else if (len == 4 && g_ascii_strncasecmp (name, "/pre", 4) == 0 && *pre > 0)
		(*pre)--;
}

/* Reads the tag that opens at @p ('<'), and for script and style their
 * content too. Returns where the text goes on, or NULL when the tag (or
 * the element) is never closed: the rest is no text. */
static const char *
read_tag (GString *out, const char *p, int *pre)
{
	const char *end = strchr (p, '>');
	const char *name = p + 1;
	gsize len;

	if (end == NULL)
		return NULL;
	len = tag_name_length (name);
	if (is_raw_tag (name, len)) {
		end = raw_element_end (p, name, len);
		if (end == NULL)
			return NULL;
	} else if (tag_in (name, len, breaks, G_N_ELEMENTS (breaks))) {
		block_tag (out, name, len, pre);
	} else if (tag_in (name, len, cells, G_N_ELEMENTS (cells))) {
		trim_spaces (out);
		g_string_append_c (out, '\t');
	}
	return end + 1;
}

/* Plain text of an HTML document: tags dropped (block tags become line
 * breaks, table cells TABs), script and style skipped, entities decoded,
 * and white space folded as a browser folds it, except inside <pre>. Good
 * enough to find the labels of a statement; not a renderer. */
static char *
strip_html (const char *html)
{
	GString *out = g_string_new (NULL);
	const char *p = html;
	int pre = 0;

	while (p != NULL && *p != '\0') {
		if (*p == '<') {
			p = read_tag (out, p, &pre);
		} else if (*p == '&') {
			html_entity (out, &p);
		} else if (pre == 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
			/* A run of white space is one space, and none at the
			 * start of a line or cell. */
			if (out->len > 0 && strchr (" \t\n", out->str[out->len - 1]) == NULL)
				g_string_append_c (out, ' ');
			p++;
		} else {
			g_string_append_c (out, *p);
			p++;
		}
	}
	return g_string_free (out, FALSE);
}

char *
html_to_text (const char *html)
{
	g_autofree char *plain = strip_html (html != NULL ? html : "");

	return statement_clean_text (plain);
}
