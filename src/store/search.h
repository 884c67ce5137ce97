/* search.h: the query language of `liaison search`, turned into an SQLite
 * FTS5 query. Pure: a string in, a string out. What the user types is never
 * handed to FTS5 as it is, so that no input can make its parser fail. */
#ifndef LIAISON_SEARCH_H
#define LIAISON_SEARCH_H

#include <glib.h>

/* Translates @query, in this language:
 *
 *   word            a word; every word must occur (in any field)
 *   "two words"     a phrase
 *   word* "a b"*    a prefix: detn* finds detnet and DetNet
 *   A OR B          either (OR binds two neighbours: a b OR c is a (b OR c))
 *   -word, NOT word the statements without it
 *   title:word      the word in one field: title, body, from (and to, cc,
 *                   contact: the contacts, organizations and groups),
 *                   attachment (file names, titles and text)
 *
 * Words match case-insensitively and without accents. A term with no
 * letter or digit is ignored, and so are operators with nothing to bind.
 * Returns the FTS5 query (newly allocated), or NULL with LIAISON_ERROR_USAGE
 * when nothing is left to look for (an empty query, only punctuation, or
 * only excluded words). */
char *search_query_to_fts (const char *query, GError **error);

#endif
