/* util.h: small helpers that several layers need and no concept owns:
 * lists of unique strings, blank lines, writing a whole buffer, whether
 * syncfs() can be trusted, and removing a scratch tree. */
#ifndef LIAISON_UTIL_H
#define LIAISON_UTIL_H

#include <glib.h>

/* TRUE when @list (of char *) holds @value: byte for byte, or ignoring
 * ASCII case when @caseless. */
gboolean util_has_string (GPtrArray *list, const char *value, gboolean caseless);

/* Adds a copy of @value to @list (of char *, freed by the list) unless an
 * entry equals it already: byte for byte, or ignoring ASCII case when
 * @caseless. */
void util_add_unique (GPtrArray *list, const char *value, gboolean caseless);

/* The same, taking @value: it is added, or freed when it is a duplicate. */
void util_take_unique (GPtrArray *list, char *value, gboolean caseless);

/* TRUE when @line holds nothing but spaces and TABs (or nothing). */
gboolean util_is_blank (const char *line);

/* TRUE when @text holds nothing but ASCII white space (g_ascii_isspace:
 * space, TAB, LF, VT, FF, CR) or nothing. */
gboolean util_is_all_space (const char *text);

/* Writes the @len bytes of @buf to @fd, going on after short writes and
 * EINTR. Returns 0, or the errno of the write that failed (EIO for one
 * that wrote nothing). Async-signal-safe: it calls write() alone, so a
 * signal handler may use it. */
int util_write_raw (int fd, const void *buf, gsize len);

/* util_write_raw() with @error set (liaison_set_errno, "@what: strerror")
 * when it fails. */
gboolean util_write_all (int fd, const void *buf, gsize len, const char *what, GError **error);

/* TRUE when syncfs() reports writeback errors: Linux 5.8 and later.
 * Before, it could succeed after losing data, and only an fsync of each
 * file will do. FALSE on other systems. */
gboolean util_syncfs_reports_errors (void);

/* Removes @path and everything under it, never following a symbolic link
 * (a link is removed, not what it points to). Errors are ignored: it is
 * for scratch directories. */
void util_remove_tree (const char *path);

/* Why the last dlopen() failed, as dlerror() says, or a plain text when
 * it says nothing (a failure that did not set it must not read as a
 * success). Newly allocated. */
char *util_dlerror (void);

#endif
