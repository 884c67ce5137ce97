/* extract/labels.h: what the extractors share: reading the label block of
 * a template ("Title: ...", "For action to: ...") as ITU-T and 3GPP lay it
 * out (in a mail body with spaces, in a DOCX table whose cells are joined
 * by TABs, in a PDF whose columns became TABs), contacts, and the phrases
 * of prose that say a purpose or a deadline. Pure. */
#ifndef LIAISON_EXTRACT_LABELS_H
#define LIAISON_EXTRACT_LABELS_H

#include <glib.h>

typedef struct {
	const char *label;       /* "For action to": any case, then a colon */
	int field;               /* the extractor's own number, 0 to 31 */
} LabelSpelling;

typedef struct {
	int field;
	char *value;             /* trimmed; continuation lines joined by LF */
	guint line;              /* the line it stands on */
} LabelEntry;

typedef struct {
	GPtrArray *entries;      /* LabelEntry*, in the order read */
	guint32 seen;            /* bit per field */
	guint start;             /* the line of the first label */
	guint end;               /* the first line after the block */
} LabelBlock;

/* Reads the label block of @lines (a NULL-terminated vector, at most
 * @max_lines of it). A line is cut into cells at TABs and at runs of two
 * or more spaces; a cell that starts with a label (an optional "1." before
 * it, then the label, then a colon) opens that field with the rest of the
 * cell, and cells that start with none continue the field before them.
 * A line that follows a label line directly continues the last field; a
 * blank line ends it, unless the label was left empty ("Contact Person:"
 * with the name on the lines below). Lines before the first label are
 * skipped. The block ends before two lines of text in a row that continue
 * nothing, three such paragraphs, or one of twelve words or more (a DOCX
 * paragraph is one line), once two labels have been read; and before a
 * line of twelve words or more at the margin, even right after a label
 * line. Newly allocated; never NULL. */
LabelBlock *labels_read (char *const *lines, guint max_lines, const LabelSpelling *spellings,
                         gsize n_spellings);
void label_block_free (LabelBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabelBlock, label_block_free)

/* The value of the first entry of @field, or NULL when there is none or it
 * is empty. Owned by @block. */
const char *label_block_value (const LabelBlock *block, int field);

/* How many different fields @block saw. */
guint label_block_count (const LabelBlock *block);

/* The field of the label that starts @cell (*value pointing after its
 * colon), or -1. */
int labels_match (const char *cell, const LabelSpelling *spellings, gsize n_spellings,
                  const char **value);

/* TRUE when @value says "nothing" ("-", "N/A", "None", "TBD", "void"). */
gboolean labels_is_void (const char *value);

/* Appends to @out the addresses written in @text ("a@b.c", "<a@b.c>",
 * "mailto:a@b.c"), each once, lower case domain kept as written. */
void labels_find_addresses (const char *text, GPtrArray *out);

/* "Name <address>" for a contact block: the "Name:" line if there is one,
 * else the first line of @text without what follows a run of spaces or a
 * sub-label ("Greg Jones    Tel: +41 ..."), and the first address. NULL
 * when neither is found. Newly allocated. */
char *labels_contact (const char *text);

/* @text cut at its LFs, as g_strsplit (text, "\n", -1) would, in linear
 * time. A newly allocated NULL-terminated vector (g_strfreev). */
char **labels_split_lines (const char *text);

/* Appends destination @name to @list unless it is void ("-") or already
 * there under another spelling ("IETF DetNet WG" and "IETF DetNet group"
 * are one destination). */
void labels_add_destination (GPtrArray *list, const char *name);

/* TRUE when @value (a destination line) names the IETF: "IETF", its
 * IAB or IESG, as words in capitals. */
gboolean labels_names_ietf (const char *value);

/* The purpose that prose states: "for action", "for comment", "in response
 * to", "for information" (in that order of precedence), else an implicit
 * request ("kindly asks ... to provide") as action; PURPOSE_NONE (0) when
 * the text says none. *explicit tells whether it was stated outright. */
int labels_find_purpose (const char *text, gboolean *explicit);

/* The date by which prose asks for an answer ("please reply by 15 January
 * 2027", "comments are requested before 2027-01-15", "Deadline: ..."):
 * a date right after "by", "before", "until", "no later than", "deadline"
 * or "due", in a sentence about a reply, comments, feedback or action.
 * "YYYY-MM-DD", newly allocated, or NULL. */
char *labels_find_deadline (const char *text);

#endif
