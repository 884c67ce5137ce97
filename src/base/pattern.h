/* pattern.h: the regular expressions of the extractors, compiled once per
 * process. Compiling (and JIT-compiling) a GRegex costs far more than
 * matching it against a letter: a reinject that compiled them for each
 * message spent a third of its instructions there (callgrind). */
#ifndef LIAISON_PATTERN_H
#define LIAISON_PATTERN_H

#include <glib.h>

/* The regular expression @pattern compiled with @flags, from the cache:
 * a new reference (g_regex_unref() it, or use g_autoptr), NULL when the
 * pattern does not compile. A GRegex is immutable, so threads may share
 * it; the cache is locked. Patterns are the program's own or built from
 * the configuration, so the cache stays small. */
GRegex *pattern_regex (const char *pattern, GRegexCompileFlags flags);

#endif
