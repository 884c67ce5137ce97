/* search.h: the query language of `liaison search`, turned into an SQLite
 * FTS5 query. Pure: a string in, a string out. What the user types is never
 * handed to FTS5 as it is, so that no input can make its parser fail. */
#ifndef LIAISON_SEARCH_H
#define LIAISON_SEARCH_H

#include <glib.h>

/* The most words and phrases a query may have (operators and terms
 * without a letter or digit not counted): each is a term FTS5 must match,
 * and a long enough query would keep the database busy for minutes. */
#define SEARCH_MAX_TERMS 64

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
 * only excluded words) or when it has more than SEARCH_MAX_TERMS words and
 * phrases. */
char *search_query_to_fts (const char *query, GError **error);

#endif
