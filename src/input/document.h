/* document.h: the text of an attachment, for extraction and for search: a
 * PDF (poppler-glib) or Word DOCX (libgsf and libxml2) document when built
 * with documents (configure's default), and text parts as part-text.c reads them. */
#ifndef LIAISON_DOCUMENT_H
#define LIAISON_DOCUMENT_H

#include <glib.h>
#include <gmime/gmime.h>

/* The most decoded bytes of one document we read: a larger one is not
 * read at all (a PDF or a zip cut short cannot be read anyway). */
#define DOCUMENT_MAX_BYTES (20 * 1024 * 1024)

typedef enum {
	DOCUMENT_NONE = 0,       /* nothing we read text from */
	DOCUMENT_TEXT,           /* text/plain, or a .txt file sent as octets */
	DOCUMENT_HTML,           /* text/html */
	DOCUMENT_PDF,
	DOCUMENT_DOCX,
} DocumentKind;

/* What @part is, from its content type and, for the generic types that
 * mail programs use for any file (application/octet-stream and the like),
 * its file name. PDF and DOCX are recognised even when the program is
 * built without documents. */
DocumentKind document_kind (GMimePart *part);

/* "pdf", "docx", "text", "html"; NULL for DOCUMENT_NONE. Static. */
const char *document_kind_to_string (DocumentKind kind);

/* The text of @part: UTF-8, LF line ends, without control characters
 * other than LF and TAB (statement_clean_text). A PDF's pages or a DOCX's
 * paragraphs (the cells of a table row joined by TABs), a text part's
 * decoded text, an HTML part's text. NULL when @part holds none, is of a
 * kind we do not read (or PDF and DOCX support is not built in), is larger
 * than DOCUMENT_MAX_BYTES, or cannot be read (damaged, encrypted).
 * Newly allocated. The result is remembered on @part, so that extraction
 * and the recording of attachments read each document once.
 *
 * A PDF or DOCX part is never parsed here: its text is what
 * document_child_read() (document-child.h) left on the part, in a child
 * process under limits, and NULL when nothing did. So the stages that
 * call this stay pure. */
char *document_part_text (GMimePart *part);

/* Leaves @text (copied; NULL for none) as @part's text for
 * document_part_text(). */
void document_part_set_text (GMimePart *part, const char *text);
/* TRUE when @part's text is known (document_part_set_text() was called). */
gboolean document_part_has_text (GMimePart *part);

/* The decoded bytes of @part, or NULL when there are more than
 * DOCUMENT_MAX_BYTES (or it has no content). Newly allocated. */
GByteArray *document_part_bytes (GMimePart *part);

/* What @data is by its first bytes (%PDF-, a zip), else @kind: what the
 * bytes are outranks what the label says. */
DocumentKind document_bytes_kind (DocumentKind kind, const guint8 *data, gsize len);

/* The text of a PDF or DOCX file held in memory, or NULL with @error set
 * (LIAISON_ERROR_FAILED: bad content is no run-time failure of ours)
 * when it cannot be read or support is not built in.
 * They run in the calling process, without limits: for tests and for
 * the child of document_child_text(). Newly allocated. */
char *document_pdf_text (const guint8 *data, gsize len, GError **error);
char *document_docx_text (const guint8 *data, gsize len, GError **error);

/* Opens the library of the reader of @kind (DOCUMENT_PDF or
 * DOCUMENT_DOCX; dlopen) now, once per process, so that the children of
 * document_child_text() inherit it instead of each opening it again.
 * FALSE when it cannot be (or support is not built in); reading a
 * document then says why. */
gboolean document_load_reader (DocumentKind kind);

/* TRUE when PDF and DOCX support is built in (WITH_DOCUMENTS). */
gboolean document_supported (void);

#endif
