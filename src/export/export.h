/* export.h: the register written out for others to read: JSON (the SPEC §10
 * objects), CSV, an Atom feed (RFC 4287) and a static HTML register. One
 * file per format (src/export/FORMAT.c) behind one interface; the formats
 * are pure, and an ExportWriter puts what they make where it goes. */
#ifndef LIAISON_EXPORT_H
#define LIAISON_EXPORT_H

#include <glib.h>

#include "base/conf.h"
#include "base/statement.h"

/* Where the output goes: one stream (standard output or a file), or a
 * directory of files. */
typedef struct ExportWriter ExportWriter;

/* What a format may need besides the statements. */
typedef struct {
	const Config *config;    /* our name and address: the feed's author */
	const char *today;       /* YYYY-MM-DD: overdue flags, days left */
	const char *now;         /* ISO 8601 UTC: when the export was made */
	gboolean pages;          /* the HTML pages of the statements are (or
	                          * will be) beside the output: link to them */
} ExportContext;

/* Writes @statements (full Statement*, newest first, with body, thread and
 * events) through @writer. Errors are the writer's (I/O, disk full). */
typedef gboolean (*ExportFunc) (const ExportContext *context, GPtrArray *statements,
                                ExportWriter *writer, GError **error);

typedef struct {
	const char *name;        /* "json", as --format says it */
	ExportFunc write;
	gboolean needs_directory;/* writes several files (html) */
	const char *file_name;   /* its file's name in a directory, or NULL */
} ExportFormat;

extern const ExportFormat export_formats[];
extern const gsize n_export_formats;

/* The format called @name, or NULL. */
const ExportFormat *export_find_format (const char *name);

gboolean export_json (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
                      GError **error);
gboolean export_csv (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
                     GError **error);
gboolean export_atom (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
                      GError **error);
/* The open deadlines (export_ical_is_open_deadline()) as RFC 5545
 * VEVENTs, one per statement, its UID stable: "ID-deadline@DOMAIN". */
gboolean export_ical (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
                      GError **error);
/* TRUE when @s is open, its action not taken, with a valid deadline. */
gboolean export_ical_is_open_deadline (const Statement *s);

/* Whether libical, opened on first use, can be (for `check`); FALSE
 * with @error saying why. */
gboolean export_ical_available (GError **error);
gboolean export_html (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
                      GError **error);

/* Writers. A directory is created if needed. A file writer refuses a
 * path where something other than a regular file is (a device, a FIFO, a
 * socket, a symbolic link): LIAISON_ERROR_FAILED. */
ExportWriter *export_writer_new_stdout (void);
ExportWriter *export_writer_new_file (const char *path, GError **error);
ExportWriter *export_writer_new_directory (const char *path, GError **error);
void export_writer_free (ExportWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportWriter, export_writer_free)

/* TRUE for a directory writer. */
gboolean export_writer_is_directory (const ExportWriter *writer);

/* Writes @length bytes of @text as the file @name of a directory writer
 * (a plain name, never a path), or as the one output of a stream writer
 * (@name is then ignored). Files are written whole to a temporary name
 * and renamed into place, only over a regular file or nothing.
 * Errors: LIAISON_ERROR_IO, _NOSPACE, _FAILED (not a regular file). */
gboolean export_writer_put (ExportWriter *writer, const char *name, const char *text,
                            gsize length, GError **error);

/* Helpers for the formats. */

/* Appends @text (may be NULL or invalid UTF-8) escaped for XML and HTML
 * text and attribute values: & < > " ' become references, and characters
 * XML 1.0 forbids (control characters other than TAB, LF, CR; U+FFFE,
 * U+FFFF) are dropped, as are DEL and the C1 controls (which HTML forbids).
 * Invalid UTF-8 is made valid first, so no lone surrogate can remain. */
void export_append_escaped (GString *out, const char *text);

/* @text (may be NULL or invalid UTF-8) made valid UTF-8 without the
 * characters export_append_escaped() drops, for libxml2's writer to
 * escape: it passes control characters through. Newly allocated. */
char *export_xml_text (const char *text);

/* The file name of a statement's page: "LS-2026-0007.html", with anything
 * but letters, digits, '-' and '_' in the id replaced by '_'.
 * Newly allocated. */
char *export_page_name (const char *id);

/* A name-based (SHA-1, version 5) UUID URN for @name: the same name gives
 * the same id in every export, as Atom ids must. Newly allocated. */
char *export_uuid_urn (const char *name);

/* The organization a statement comes from as shown: the directory's name,
 * else as written, else NULL. */
const char *export_statement_org (const Statement *statement);

#endif
