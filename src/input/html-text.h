/* html-text.h: the plain text of an HTML document, for a text/html body or
 * attachment: parsed with libxml2's HTML parser, its tree read as lines.
 * Not a renderer. */
#ifndef LIAISON_HTML_TEXT_H
#define LIAISON_HTML_TEXT_H

#include <glib.h>

/* The plain text of the HTML document @html (UTF-8; invalid bytes are
 * replaced, a charset the document declares is ignored): block elements
 * and <br> end lines, table cells end with a TAB, <head>, <script> and
 * <style> give nothing, entities are decoded and white space is folded as
 * a browser folds it, except inside <pre>; then cleaned
 * (statement_clean_text()). @html may be NULL. Newly allocated, never
 * NULL. */
char *html_text_from_markup (const char *html);

#endif
