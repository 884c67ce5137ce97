/* document.c: the text of attachments. Statements often travel only as a PDF
 * or a Word document behind a one-line cover mail; poppler-glib reads the
 * first and libgsf with libxml2 the second (word/document.xml), always in
 * a child process under limits (document-child.c), never in deliver's. */
#include "config.h"

#include <string.h>

#ifdef WITH_DOCUMENTS
#include <dlfcn.h>
#include <gsf/gsf.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <poppler.h>
#include "base/util.h"
#include "base/xml-lib.h"
#endif

#include "input/document.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "input/html-text.h"
#include "input/part-text.h"
#include "base/statement.h"

/* The text we keep of one document: statements are a few pages. */
#define MAX_TEXT_BYTES (2 * 1024 * 1024)
/* Pages of a PDF we read: the label block is on the first. A limit also
 * bounds the time a hostile document can cost. */
#define MAX_PDF_PAGES 100
/* The largest word/document.xml we inflate: a zip bomb stops here. */
#define MAX_DOCX_XML (32 * 1024 * 1024)
/* How deep we follow the XML tree. */
#define MAX_XML_DEPTH 64
#define CHUNK 65536

/* The memo left on a GMimePart: its text, or "" for none. */
#define MEMO_KEY "liaison-document-text"

/* ---- What a part is --------------------------------------------------- */

static const char *const pdf_types[] = { "application/pdf", "application/x-pdf", "application/acrobat" };
static const char *const docx_types[] = {
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};
/* The types mail programs give any file. */
static const char *const generic_types[] = {
	"application/octet-stream", "application/binary", "application/download",
	"application/force-download", "application/x-download", "application/unknown",
	"application/zip", "application/x-zip-compressed", "application/msword",
	"binary/octet-stream",
};

static gboolean
type_in (const char *type, const char *const *types, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (g_ascii_strcasecmp (type, types[i]) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
name_ends_with (const char *name, const char *suffix)
{
	gsize len = name != NULL ? strlen (name) : 0, n = strlen (suffix);

	return len > n && g_ascii_strcasecmp (name + len - n, suffix) == 0;
}

DocumentKind
document_kind (GMimePart *part)
{
	GMimeContentType *ct;
	g_autofree char *type = NULL;
	const char *name;

	g_return_val_if_fail (GMIME_IS_PART (part), DOCUMENT_NONE);
	ct = g_mime_object_get_content_type (GMIME_OBJECT (part));
	if (ct == NULL)
		return DOCUMENT_NONE;
	type = g_mime_content_type_get_mime_type (ct);
	name = g_mime_part_get_filename (part);

	if (g_mime_content_type_is_type (ct, "text", "plain"))
		return DOCUMENT_TEXT;
	if (g_mime_content_type_is_type (ct, "text", "html"))
		return DOCUMENT_HTML;
	if (type_in (type, pdf_types, G_N_ELEMENTS (pdf_types)))
		return DOCUMENT_PDF;
	if (type_in (type, docx_types, G_N_ELEMENTS (docx_types)))
		return DOCUMENT_DOCX;
	if (!type_in (type, generic_types, G_N_ELEMENTS (generic_types)))
		return DOCUMENT_NONE;
	if (name_ends_with (name, ".pdf"))
		return DOCUMENT_PDF;
	if (name_ends_with (name, ".docx"))
		return DOCUMENT_DOCX;
	if (name_ends_with (name, ".txt"))
		return DOCUMENT_TEXT;
	return DOCUMENT_NONE;
}

const char *
document_kind_to_string (DocumentKind kind)
{
	static const char *const names[] = { NULL, "text", "html", "pdf", "docx" };

	return (guint) kind < G_N_ELEMENTS (names) ? names[kind] : NULL;
}

gboolean
document_supported (void)
{
#ifdef WITH_DOCUMENTS
	return TRUE;
#else
	return FALSE;
#endif
}

/* ---- Reading documents ------------------------------------------------ */

static void
set_content_error (GError **error, const char *what, const char *why)
{
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "%s: %s", what, why);
}

#ifdef WITH_DOCUMENTS

/* ---- Opening the libraries on first use ----
 *
 * poppler-glib pulls in some forty libraries (cairo, NSS, X11, ICU...):
 * linked, their loading and relocation was more than half of what a
 * delivery without a PDF or DOCX cost, and of every query (25 M of 46 M
 * instructions, callgrind). So they are opened with dlopen() the first time
 * a document is read, and called through pointers; the headers are still
 * those of the build, and the sonames those it linked against (configure
 * finds them). */

#define PDF_FUNCTIONS(F) \
	F (poppler_document_new_from_bytes) \
	F (poppler_document_get_n_pages) \
	F (poppler_document_get_page) \
	F (poppler_page_get_text) \
	F (poppler_page_get_text_layout)
#define DOCX_FUNCTIONS(F) \
	F (gsf_init) \
	F (gsf_input_memory_new) \
	F (gsf_infile_zip_new) \
	F (gsf_infile_child_by_vname) \
	F (gsf_input_size) \
	F (gsf_input_remaining) \
	F (gsf_input_read)

/* One reader's library: poppler-glib for a PDF, libgsf (and with it
 * libxml2 and ICU) for a DOCX, each opened only when a document of its
 * kind is read: a PDF does not load the DOCX reader's. */
typedef struct {
	gsize once;
	const char *soname;
	char *failure;           /* why it cannot be used, or NULL */
	void *handle;
} Reader;

#define DECLARE_POINTER(name) __typeof__ (name) *f_##name;
static struct {
	Reader pdf, docx;
	PDF_FUNCTIONS (DECLARE_POINTER)
	DOCX_FUNCTIONS (DECLARE_POINTER)
} docs = { { 0, POPPLER_GLIB_SONAME, NULL, NULL }, { 0, GSF_SONAME, NULL, NULL } };

static gboolean
reader_open (Reader *reader)
{
	reader->handle = dlopen (reader->soname, RTLD_LAZY | RTLD_LOCAL);
	if (reader->handle == NULL)
		reader->failure = util_dlerror ();
	return reader->handle != NULL;
}

#define RESOLVE(reader, name) \
	*(void **) &docs.f_##name = dlsym (docs.reader.handle, #name); \
	if (docs.f_##name == NULL) { \
		docs.reader.failure = g_strdup ("the library has no " #name); \
		return; \
	}
#define RESOLVE_PDF(name) RESOLVE (pdf, name)
#define RESOLVE_DOCX(name) RESOLVE (docx, name)

static void
pdf_open (void)
{
	if (reader_open (&docs.pdf)) {
		PDF_FUNCTIONS (RESOLVE_PDF)
	}
	/* Opened for the life of the process: never closed. */
}

static void
docx_open (void)
{
	g_autoptr (GError) error = NULL;

	if (!xml_lib_load (&error)) {
		docs.docx.failure = g_strdup (error->message);
		return;
	}
	if (reader_open (&docs.docx)) {
		DOCX_FUNCTIONS (RESOLVE_DOCX)
	}
}
#undef RESOLVE_DOCX
#undef RESOLVE_PDF
#undef RESOLVE

/* Opens the library of the reader of @kind once per process; FALSE with
 * @error (a content error, as for an unreadable document) when it cannot
 * be. */
static gboolean
docs_load (DocumentKind kind, GError **error)
{
	Reader *reader = kind == DOCUMENT_PDF ? &docs.pdf : &docs.docx;

	if (g_once_init_enter (&reader->once)) {
		if (kind == DOCUMENT_PDF)
			pdf_open ();
		else
			docx_open ();
		g_once_init_leave (&reader->once, 1);
	}
	if (reader->failure != NULL) {
		g_autofree char *why = g_strdup_printf ("cannot load its reader: %s", reader->failure);
		set_content_error (error, kind == DOCUMENT_PDF ? "PDF" : "DOCX", why);
		return FALSE;
	}
	return TRUE;
}

/* From here on the calls go through the pointers. */
#define poppler_document_new_from_bytes (*docs.f_poppler_document_new_from_bytes)
#define poppler_document_get_n_pages (*docs.f_poppler_document_get_n_pages)
#define poppler_document_get_page (*docs.f_poppler_document_get_page)
#define poppler_page_get_text (*docs.f_poppler_page_get_text)
#define poppler_page_get_text_layout (*docs.f_poppler_page_get_text_layout)
#define gsf_init (*docs.f_gsf_init)
#define gsf_input_memory_new (*docs.f_gsf_input_memory_new)
#define gsf_infile_zip_new (*docs.f_gsf_infile_zip_new)
#define gsf_infile_child_by_vname (*docs.f_gsf_infile_child_by_vname)
#define gsf_input_size (*docs.f_gsf_input_size)
#define gsf_input_remaining (*docs.f_gsf_input_remaining)
#define gsf_input_read (*docs.f_gsf_input_read)

/* Appends @text to @out unless that would pass MAX_TEXT_BYTES; returns
 * FALSE once the limit is reached. */
static gboolean
append_capped (GString *out, const char *text, gsize len)
{
	gsize room;

	if (out->len >= MAX_TEXT_BYTES)
		return FALSE;
	room = MAX_TEXT_BYTES - out->len;
	if (len > room) {
		/* Never cut a character in two. */
		len = room;
		while (len > 0 && ((guchar) text[len] & 0xC0) == 0x80)
			len--;
		g_string_append_len (out, text, (gssize) len);
		return FALSE;
	}
	g_string_append_len (out, text, (gssize) len);
	return out->len < MAX_TEXT_BYTES;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInfile, g_object_unref)

/* One character of a PDF page and where it stands. */
typedef struct {
	gunichar c;
	double x1, x2;
} Glyph;

/* One line as poppler found it: characters on one baseline, in order. */
typedef struct {
	double top, bottom;
	GArray *glyphs;          /* Glyph */
} Run;

static void
run_clear (gpointer data)
{
	Run *run = data;

	g_array_unref (run->glyphs);
}

static gint
compare_runs (gconstpointer a, gconstpointer b)
{
	const Run *x = a, *y = b;
	double mx = (x->top + x->bottom) / 2, my = (y->top + y->bottom) / 2;

	return mx < my ? -1 : mx > my ? 1 : 0;
}

static gint
compare_glyphs (gconstpointer a, gconstpointer b)
{
	const Glyph *x = a, *y = b;

	return x->x1 < y->x1 ? -1 : x->x1 > y->x1 ? 1 : 0;
}

/* The runs of @text, whose characters stand in @rects (one per character,
 * newlines included, as poppler_page_get_text_layout gives them). A run
 * ends at a newline, and where the next character stands on another
 * line: poppler's own lines sometimes join the cells of one table column
 * that stand on different rows. */
static GArray *
page_runs (const char *text, const PopplerRectangle *rects, guint n_rects)
{
	GArray *runs = g_array_new (FALSE, FALSE, sizeof (Run));
	Run *run = NULL;
	guint i = 0;

	g_array_set_clear_func (runs, run_clear);
	for (const char *p = text; *p != '\0' && i < n_rects; p = g_utf8_next_char (p), i++) {
		gunichar c = g_utf8_get_char (p);
		const PopplerRectangle *r = &rects[i];
		Glyph glyph = { c, MIN (r->x1, r->x2), MAX (r->x1, r->x2) };
		double top = MIN (r->y1, r->y2), bottom = MAX (r->y1, r->y2);

		if (c == '\n') {
			run = NULL;
			continue;
		}
		if (run != NULL) {
			double height = MAX (run->bottom - run->top, 1.0);
			double middle = (run->top + run->bottom) / 2;
			if (ABS ((top + bottom) / 2 - middle) > height / 2)
				run = NULL;
		}
		if (run == NULL) {
			Run fresh = { top, bottom, g_array_new (FALSE, FALSE, sizeof (Glyph)) };
			g_array_append_val (runs, fresh);
			run = &g_array_index (runs, Run, runs->len - 1);
		}
		g_array_append_val (run->glyphs, glyph);
	}
	return runs;
}

/* Writes the characters of one physical line, left to right: a gap wider
 * than about a character (a table's next column, a tab stop) becomes a
 * TAB, so that "Title:" and its value in the next column read as a label
 * and its value, as they do in a DOCX table row. */
static void
write_row (GString *out, GArray *glyphs, double height, double margin)
{
	double right = 0;
	gboolean pending_space = FALSE, pending_tab = FALSE;

	g_array_sort (glyphs, compare_glyphs);
	/* A line that starts well right of the page's margin is indented:
	 * it continues the value above it. */
	if (glyphs->len > 0 && g_array_index (glyphs, Glyph, 0).x1 - margin > height * 1.5)
		g_string_append_c (out, '\t');
	for (guint i = 0; i < glyphs->len; i++) {
		const Glyph *g = &g_array_index (glyphs, Glyph, i);

		if (i > 0 && g->x1 - right > height * 0.9)
			pending_tab = TRUE;
		else if (i > 0 && g->x1 - right > height * 0.2)
			pending_space = TRUE;
		if (g_unichar_isspace (g->c)) {
			/* A space as wide as a tab stop is one. */
			if (g->x2 - g->x1 > height * 0.9)
				pending_tab = TRUE;
			else
				pending_space = TRUE;
			right = MAX (right, g->x2);
			continue;
		}
		if (pending_tab)
			g_string_append_c (out, '\t');
		else if (pending_space)
			g_string_append_c (out, ' ');
		pending_tab = pending_space = FALSE;
		g_string_append_unichar (out, g->c);
		right = MAX (right, g->x2);
	}
	g_string_append_c (out, '\n');
}

/* The text of one page as it is laid out: poppler's runs put back into the
 * physical lines they stand on (a table's cells come out as runs of their
 * own, column after column), a blank line where a paragraph's space is. */
static void
write_page (GString *out, PopplerPage *page)
{
	g_autofree char *text = poppler_page_get_text (page);
	PopplerRectangle *rects = NULL;
	guint n_rects = 0;
	g_autoptr (GArray) runs = NULL;
	double last_bottom = -1, last_height = 0, margin = G_MAXDOUBLE;

	if (text == NULL)
		return;
	if (!poppler_page_get_text_layout (page, &rects, &n_rects)
	    || n_rects != (guint) g_utf8_strlen (text, -1)) {
		/* Without positions, poppler's reading order will do. */
		g_free (rects);
		append_capped (out, text, strlen (text));
		g_string_append_c (out, '\n');
		return;
	}
	runs = page_runs (text, rects, n_rects);
	g_free (rects);
	g_array_sort (runs, compare_runs);
	for (guint i = 0; i < runs->len; i++) {
		const Run *run = &g_array_index (runs, Run, i);
		for (guint j = 0; j < run->glyphs->len; j++)
			if (!g_unichar_isspace (g_array_index (run->glyphs, Glyph, j).c))
				margin = MIN (margin, g_array_index (run->glyphs, Glyph, j).x1);
	}
	for (guint i = 0; i < runs->len;) {
		Run *first = &g_array_index (runs, Run, i);
		double height = MAX (first->bottom - first->top, 1.0);
		double middle = (first->top + first->bottom) / 2;
		g_autoptr (GArray) row = g_array_new (FALSE, FALSE, sizeof (Glyph));
		double top = first->top, bottom = first->bottom;
		guint j = i;

		/* The runs whose middles are within half a line of this one's
		 * stand on the same line. */
		for (; j < runs->len; j++) {
			Run *run = &g_array_index (runs, Run, j);
			if ((run->top + run->bottom) / 2 - middle > height / 2)
				break;
			g_array_append_vals (row, run->glyphs->data, run->glyphs->len);
			top = MIN (top, run->top);
			bottom = MAX (bottom, run->bottom);
		}
		if (last_bottom >= 0 && top - last_bottom > MAX (height, last_height) * 0.7)
			g_string_append_c (out, '\n');
		write_row (out, row, height, margin);
		last_bottom = bottom;
		last_height = height;
		i = j;
		if (out->len >= MAX_TEXT_BYTES)
			break;
	}
}

char *
document_pdf_text (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (PopplerDocument) doc = NULL;
	g_autoptr (GString) out = g_string_new (NULL);
	g_autoptr (GError) local = NULL;
	int pages;

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	if (len < 5 || memcmp (data, "%PDF-", 5) != 0) {
		/* Some producers put junk before the header; PDF readers
		 * accept it within the first kilobyte. */
		gboolean found = FALSE;
		for (gsize i = 0; !found && i + 5 <= MIN (len, 1024); i++)
			found = memcmp (data + i, "%PDF-", 5) == 0;
		if (!found) {
			set_content_error (error, "PDF", "no %PDF- header");
			return NULL;
		}
	}
	if (!docs_load (DOCUMENT_PDF, error))
		return NULL;
	bytes = g_bytes_new (data, len);
	doc = poppler_document_new_from_bytes (bytes, NULL, &local);
	if (doc == NULL) {
		set_content_error (error, "PDF", local != NULL ? local->message : "unreadable");
		return NULL;
	}
	pages = poppler_document_get_n_pages (doc);
	for (int i = 0; i < pages && i < MAX_PDF_PAGES && out->len < MAX_TEXT_BYTES; i++) {
		g_autoptr (PopplerPage) page = poppler_document_get_page (doc, i);

		if (page == NULL)
			continue;
		if (out->len > 0)
			g_string_append_c (out, '\n');
		write_page (out, page);
	}
	if (out->len > MAX_TEXT_BYTES)
		g_string_truncate (out, MAX_TEXT_BYTES);
	return statement_clean_text (out->str);
}

/* ---- DOCX ---- */

typedef struct {
	GString *out;
	int in_cell;             /* table cells we are inside */
} DocxWalk;

static gboolean
is_name (const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

/* Ends the line that a paragraph wrote; inside a table cell, two spaces
 * keep the paragraphs of the cell apart (a contact's name from the
 * organization under it) on the row's line. */
static void
end_paragraph (DocxWalk *walk)
{
	if (walk->in_cell > 0)
		g_string_append (walk->out, "  ");
	else
		g_string_append_c (walk->out, '\n');
}

/* Walks the WordprocessingML tree: w:t is text, w:tab a TAB, w:br and
 * w:cr line breaks, w:p a paragraph; a table row (w:tr) becomes one line
 * whose cells (w:tc) are separated by TABs, so that a label in one cell
 * and its value in the next read as "Title:\tLS on ...". Deleted text
 * (w:delText) and field codes (w:instrText) are not text, and entity
 * references are never expanded. */
static void
docx_walk (DocxWalk *walk, const xmlNode *node, int depth)
{
	if (depth > MAX_XML_DEPTH || walk->out->len >= MAX_TEXT_BYTES)
		return;
	for (; node != NULL; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (is_name (node, "t")) {
			for (const xmlNode *c = node->children; c != NULL; c = c->next)
				if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
				    && c->content != NULL)
					append_capped (walk->out, (const char *) c->content,
					               strlen ((const char *) c->content));
		} else if (is_name (node, "tab")) {
			g_string_append_c (walk->out, '\t');
		} else if (is_name (node, "br") || is_name (node, "cr")) {
			g_string_append_c (walk->out, walk->in_cell > 0 ? ' ' : '\n');
		} else if (is_name (node, "noBreakHyphen")) {
			g_string_append_c (walk->out, '-');
		} else if (is_name (node, "delText") || is_name (node, "instrText")) {
			continue;
		} else if (is_name (node, "p")) {
			docx_walk (walk, node->children, depth + 1);
			end_paragraph (walk);
		} else if (is_name (node, "tc")) {
			walk->in_cell++;
			docx_walk (walk, node->children, depth + 1);
			walk->in_cell--;
			while (walk->out->len > 0 && walk->out->str[walk->out->len - 1] == ' ')
				g_string_truncate (walk->out, walk->out->len - 1);
			g_string_append_c (walk->out, walk->in_cell > 0 ? ' ' : '\t');
		} else if (is_name (node, "tr")) {
			docx_walk (walk, node->children, depth + 1);
			g_string_append_c (walk->out, walk->in_cell > 0 ? ' ' : '\n');
		} else {
			docx_walk (walk, node->children, depth + 1);
		}
	}
}

/* word/document.xml of the zip in @data, inflated into a new byte array,
 * or NULL. */
static GByteArray *
docx_main_part (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (GsfInput) input = gsf_input_memory_new (data, (gsf_off_t) len, FALSE);
	g_autoptr (GsfInfile) zip = NULL;
	g_autoptr (GsfInput) part = NULL;
	g_autoptr (GByteArray) bytes = NULL;
	g_autoptr (GError) local = NULL;
	gsf_off_t size;

	zip = gsf_infile_zip_new (input, &local);
	if (zip == NULL) {
		set_content_error (error, "DOCX", local != NULL ? local->message : "not a zip file");
		return NULL;
	}
	part = gsf_infile_child_by_vname (zip, "word", "document.xml", NULL);
	if (part == NULL) {
		set_content_error (error, "DOCX", "no word/document.xml");
		return NULL;
	}
	size = gsf_input_size (part);
	if (size < 0 || size > MAX_DOCX_XML) {
		set_content_error (error, "DOCX", "word/document.xml too large");
		return NULL;
	}
	bytes = g_byte_array_sized_new ((guint) size);
	while (gsf_input_remaining (part) > 0) {
		gsf_off_t n = MIN (gsf_input_remaining (part), (gsf_off_t) CHUNK);
		guint8 buf[CHUNK];

		if (gsf_input_read (part, (size_t) n, buf) == NULL) {
			set_content_error (error, "DOCX", "word/document.xml cannot be inflated");
			return NULL;
		}
		g_byte_array_append (bytes, buf, (guint) n);
	}
	return g_steal_pointer (&bytes);
}

static void
gsf_init_once (void)
{
	static gsize done = 0;

	if (g_once_init_enter (&done)) {
		gsf_init ();
		g_once_init_leave (&done, 1);
	}
}

char *
document_docx_text (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (GByteArray) xml = NULL;
	g_autoptr (GString) out = g_string_new (NULL);
	DocxWalk walk = { out, 0 };
	xmlDoc *doc;

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	if (len < 4 || memcmp (data, "PK\x03\x04", 4) != 0) {
		set_content_error (error, "DOCX", "not a zip file");
		return NULL;
	}
	if (!docs_load (DOCUMENT_DOCX, error))
		return NULL;
	gsf_init_once ();
	xml = docx_main_part (data, len, error);
	if (xml == NULL)
		return NULL;
	/* No network, no DTD, no entity substitution; errors are ours to
	 * report, not libxml2's to print. */
	doc = xmlReadMemory ((const char *) xml->data, (int) xml->len, "document.xml", NULL,
	                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		set_content_error (error, "DOCX", "word/document.xml is not well-formed XML");
		return NULL;
	}
	docx_walk (&walk, xmlDocGetRootElement (doc), 0);
	xmlFreeDoc (doc);
	return statement_clean_text (out->str);
}

gboolean
document_load_reader (DocumentKind kind)
{
	return docs_load (kind, NULL);
}

#else /* !WITH_DOCUMENTS */

gboolean
document_load_reader (DocumentKind kind)
{
	return FALSE;
}

char *
document_pdf_text (const guint8 *data, gsize len, GError **error)
{
	set_content_error (error, "PDF", "support not built in (configure --without-documents)");
	return NULL;
}

char *
document_docx_text (const guint8 *data, gsize len, GError **error)
{
	set_content_error (error, "DOCX", "support not built in (configure --without-documents)");
	return NULL;
}

#endif

/* Read through a decoding filter: the encoded part
 * stays in the spool file until here. */
GByteArray *
document_part_bytes (GMimePart *part)
{
	GMimeStream *raw = NULL;
	g_autoptr (GMimeStream) filtered = part_decoded_stream (part, &raw);
	g_autoptr (GByteArray) bytes = NULL;
	gint64 raw_length;
	char buf[CHUNK];
	ssize_t n;

	if (filtered == NULL)
		return NULL;
	/* Decoding never makes a part larger, so a part whose encoded form
	 * fits is read into an array of that size at once. A larger one is
	 * first decoded without being kept, only to count it: read into a
	 * growing array, a document too large to read cost its first 20 MiB
	 * and the array's doublings in memory (a 50 MB message's PDF took
	 * deliver's peak RSS to 37.6 MiB) before it was given up. */
	raw_length = g_mime_stream_length (raw);
	if (raw_length < 0 || raw_length > DOCUMENT_MAX_BYTES) {
		gint64 total = 0;

		while ((n = g_mime_stream_read (filtered, buf, sizeof buf)) > 0)
			if ((total += n) > DOCUMENT_MAX_BYTES)
				return NULL;
		g_mime_stream_reset (filtered);
		raw_length = total;
	}
	bytes = g_byte_array_sized_new ((guint) raw_length);
	while ((n = g_mime_stream_read (filtered, buf, sizeof buf)) > 0) {
		if (bytes->len + (gsize) n > DOCUMENT_MAX_BYTES)
			return NULL;
		g_byte_array_append (bytes, (const guint8 *) buf, (guint) n);
	}
	return g_steal_pointer (&bytes);
}

/* The text of @part, read afresh; NULL for none. */
static char *
read_part_text (GMimePart *part)
{
	g_autofree char *text = NULL;

	switch (document_kind (part)) {
	case DOCUMENT_TEXT:
		text = part_text (part);
		break;
	case DOCUMENT_HTML: {
		g_autofree char *html = part_text (part);
		text = html_text_from_markup (html);
		break;
	}
	case DOCUMENT_PDF:
	case DOCUMENT_DOCX:
		/* Read only by document_child_read() (document-child.c), which
		 * leaves the memo: a parser run here, in the process that holds
		 * the transaction, would have no limits. */
		return NULL;
	case DOCUMENT_NONE:
	default:
		return NULL;
	}
	return text != NULL && *text != '\0' ? g_steal_pointer (&text) : NULL;
}

DocumentKind
document_bytes_kind (DocumentKind kind, const guint8 *data, gsize len)
{
	/* What the bytes are outranks what the label says: a PDF saved as
	 * "letter.docx" is still a PDF. */
	if (len >= 5 && memcmp (data, "%PDF-", 5) == 0)
		return DOCUMENT_PDF;
	if (len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
		return DOCUMENT_DOCX;
	return kind;
}

gboolean
document_part_has_text (GMimePart *part)
{
	return g_object_get_data (G_OBJECT (part), MEMO_KEY) != NULL;
}

void
document_part_set_text (GMimePart *part, const char *text)
{
	g_return_if_fail (GMIME_IS_PART (part));
	g_object_set_data_full (G_OBJECT (part), MEMO_KEY, g_strdup (text != NULL ? text : ""), g_free);
}

char *
document_part_text (GMimePart *part)
{
	const char *memo;
	char *text;

	g_return_val_if_fail (GMIME_IS_PART (part), NULL);
	memo = g_object_get_data (G_OBJECT (part), MEMO_KEY);
	if (memo != NULL)
		return *memo != '\0' ? g_strdup (memo) : NULL;
	text = read_part_text (part);
	/* A PDF or DOCX that document_child_read() has not read gets no
	 * memo: it may still be read. */
	if (text != NULL || (document_kind (part) != DOCUMENT_PDF && document_kind (part) != DOCUMENT_DOCX))
		document_part_set_text (part, text);
	return text;
}
