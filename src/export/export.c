/* export.c: the table of export formats, the writers that put their output
 * on standard output, into a file or into a directory, and the helpers the
 * formats share (XML escaping, page names, Atom ids). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "export/export.h"

const ExportFormat export_formats[] = {
	{ "json", export_json, FALSE, "statements.json" },
	{ "csv", export_csv, FALSE, "statements.csv" },
	{ "atom", export_atom, FALSE, "feed.atom" },
	{ "ical", export_ical, FALSE, "deadlines.ics" },
	{ "html", export_html, TRUE, NULL },
};
const gsize n_export_formats = G_N_ELEMENTS (export_formats);

const ExportFormat *
export_find_format (const char *name)
{
	for (gsize i = 0; i < n_export_formats; i++)
		if (g_ascii_strcasecmp (export_formats[i].name, name) == 0)
			return &export_formats[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Writers */

typedef enum {
	WRITER_STDOUT,
	WRITER_FILE,
	WRITER_DIRECTORY,
} WriterKind;

struct ExportWriter {
	WriterKind kind;
	char *path;
};

ExportWriter *
export_writer_new_stdout (void)
{
	ExportWriter *writer = g_new0 (ExportWriter, 1);

	writer->kind = WRITER_STDOUT;
	return writer;
}

/* FALSE, with the error, when something other than a regular file is at
 * @path: a device, a FIFO, a socket, a directory or a symbolic link. The
 * file is written to a temporary name and renamed over @path, which would
 * replace such a thing (/dev/null, a link someone planted) rather than write
 * through it; it is left as it is instead. lstat(), so that a link is seen
 * as a link and not as what it points to. */
static gboolean
check_regular (const char *path, GError **error)
{
	struct stat st;
	const char *what;

	if (lstat (path, &st) < 0) {
		if (errno == ENOENT)
			return TRUE;
		liaison_set_errno (error, errno, path);
		return FALSE;
	}
	if (S_ISREG (st.st_mode))
		return TRUE;
	if (S_ISLNK (st.st_mode))
		what = "a symbolic link";
	else if (S_ISDIR (st.st_mode))
		what = "a directory";
	else if (S_ISFIFO (st.st_mode))
		what = "a FIFO";
	else if (S_ISSOCK (st.st_mode))
		what = "a socket";
	else if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
		what = "a device";
	else
		what = "not a regular file";
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
	             "%s is %s: only a regular file is written, and this one is left as it is",
	             path, what);
	return FALSE;
}

ExportWriter *
export_writer_new_file (const char *path, GError **error)
{
	ExportWriter *writer;

	if (!check_regular (path, error))
		return NULL;
	writer = g_new0 (ExportWriter, 1);

	writer->kind = WRITER_FILE;
	writer->path = g_strdup (path);
	return writer;
}

ExportWriter *
export_writer_new_directory (const char *path, GError **error)
{
	ExportWriter *writer;

	if (g_mkdir_with_parents (path, 0755) < 0) {
		liaison_set_errno (error, errno, path);
		return NULL;
	}
	writer = g_new0 (ExportWriter, 1);
	writer->kind = WRITER_DIRECTORY;
	writer->path = g_strdup (path);
	return writer;
}

void
export_writer_free (ExportWriter *writer)
{
	if (writer == NULL)
		return;
	g_free (writer->path);
	g_free (writer);
}

gboolean
export_writer_is_directory (const ExportWriter *writer)
{
	return writer->kind == WRITER_DIRECTORY;
}

/* GLib's file errors carry no errno; map the ones that matter back. */
static void
set_file_error (GError **error, const GError *file_error)
{
	LiaisonError code = LIAISON_ERROR_IO;

	if (g_error_matches (file_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
		code = LIAISON_ERROR_NOSPACE;
	else if (g_error_matches (file_error, G_FILE_ERROR, G_FILE_ERROR_NOMEM))
		code = LIAISON_ERROR_NOMEM;
	g_set_error (error, LIAISON_ERROR, code, "%s", file_error->message);
}

gboolean
export_writer_put (ExportWriter *writer, const char *name, const char *text, gsize length,
                   GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autofree char *path = NULL;

	g_return_val_if_fail (writer != NULL, FALSE);

	switch (writer->kind) {
	case WRITER_STDOUT:
		if ((length > 0 && fwrite (text, 1, length, stdout) != length) || fflush (stdout) != 0) {
			liaison_set_errno (error, errno, "writing to standard output");
			return FALSE;
		}
		return TRUE;
	case WRITER_FILE:
		path = g_strdup (writer->path);
		break;
	case WRITER_DIRECTORY:
		g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL && name[0] != '.', FALSE);
		path = g_build_filename (writer->path, name, NULL);
		break;
	}
	if (!check_regular (path, error))
		return FALSE;
	if (!g_file_set_contents_full (path, text, (gssize) length,
	                               G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local)) {
		set_file_error (error, local);
		return FALSE;
	}
	return TRUE;
}

/* ------------------------------------------------------------------ */
/* Helpers */

char *
export_xml_text (const char *text)
{
	g_autofree char *valid = NULL;
	GString *out;

	if (text == NULL)
		return g_strdup ("");
	if (!g_utf8_validate (text, -1, NULL))
		text = valid = g_utf8_make_valid (text, -1);
	out = g_string_sized_new (strlen (text));
	for (const char *p = text; *p != '\0'; p++) {
		guchar c = (guchar) *p;

		/* XML 1.0 has no place for C0 controls but TAB, LF and CR,
		 * nor for DEL and the C1 controls in an HTML document. */
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			continue;
		if (c == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f) {
			p++;
			continue;
		}
		/* Nor for U+FFFE and U+FFFF, the two noncharacters its Char
		 * production leaves out. */
		if (c == 0xef && (guchar) p[1] == 0xbf && ((guchar) p[2] == 0xbe || (guchar) p[2] == 0xbf)) {
			p += 2;
			continue;
		}
		g_string_append_c (out, (char) c);
	}
	return g_string_free (out, FALSE);
}

void
export_append_escaped (GString *out, const char *text)
{
	g_autofree char *clean = NULL;

	if (text == NULL)
		return;
	clean = export_xml_text (text);
	for (const char *p = clean; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			g_string_append (out, "&amp;");
			break;
		case '<':
			g_string_append (out, "&lt;");
			break;
		case '>':
			g_string_append (out, "&gt;");
			break;
		case '"':
			g_string_append (out, "&quot;");
			break;
		case '\'':
			g_string_append (out, "&#39;");
			break;
		default:
			g_string_append_c (out, *p);
			break;
		}
	}
}

char *
export_page_name (const char *id)
{
	GString *name = g_string_new (NULL);

	for (const char *p = id != NULL ? id : ""; *p != '\0'; p++)
		g_string_append_c (name, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '_');
	if (name->len == 0 || name->str[0] == '.')
		g_string_prepend_c (name, '_');
	g_string_append (name, ".html");
	return g_string_free (name, FALSE);
}

char *
export_uuid_urn (const char *name)
{
	/* The URL namespace of RFC 4122, appendix C. */
	static const guint8 namespace_url[16] = {
		0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
		0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
	};
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
	guint8 digest[20];
	gsize len = sizeof digest;

	g_checksum_update (sum, namespace_url, sizeof namespace_url);
	g_checksum_update (sum, (const guchar *) name, -1);
	g_checksum_get_digest (sum, digest, &len);
	digest[6] = (digest[6] & 0x0f) | 0x50;   /* version 5 */
	digest[8] = (digest[8] & 0x3f) | 0x80;   /* the RFC 4122 variant */
	return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	                        "%02x%02x%02x%02x%02x%02x",
	                        digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
	                        digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
	                        digest[12], digest[13], digest[14], digest[15]);
}

const char *
export_statement_org (const Statement *statement)
{
	return statement->from_org != NULL ? statement->from_org : statement->from_org_text;
}
