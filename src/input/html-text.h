/* html-text.h: the plain text of an HTML document, for a text/html body or
 * attachment. A small tokenizer of our own, not a renderer. */
#ifndef LIAISON_HTML_TEXT_H
#define LIAISON_HTML_TEXT_H

#include <glib.h>

/* The plain text of an HTML document (tags dropped, block tags and table
 * cells turned into line breaks and TABs, entities decoded), cleaned.
 * @html may be NULL. Newly allocated, never NULL. */
char *html_to_text (const char *html);

#endif
