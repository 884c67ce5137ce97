/* fuzz-extract.c: libFuzzer harness for the layout extractors, one at a
 * time or all of them. It walks the extractors[] table, so that a new
 * layout is fuzzed as soon as it is in the table. The input is a text as
 * message_texts() hands it over: cleaned (valid UTF-8, LF line ends, no
 * NUL) by statement_clean_text(). Each extractor reads it twice: alone,
 * and with a context whose subject is the input's first line and whose
 * kind the input's length picks. The normalisers the extractors use
 * (dates, purposes, contacts, the title a subject gives) run on its first
 * line too. (The thread-key
 * scanners, which compile a regular expression per call, are fuzzed by
 * fuzz-message through thread_keys_new().)
 *
 * An input that starts as a PDF or a zip (a DOCX) is read as a document
 * too, through the child that deliver reads documents in
 * (document_child_text(), with the limits of an 8-second time limit), and
 * its text goes to the extractors.
 *
 * LIAISON_FUZZ_LAYOUT names the layout to fuzz ("datatracker", ...);
 * "all" or unset runs every extractor on every input. With "list" the
 * program prints the layout names and exits: `make fuzz` runs one
 * libFuzzer job per layout that way. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/document-child.h"
#include "stages/extract.h"
#include "fuzz.h"
#include "base/statement.h"

static gssize only = -1;     /* index into extractors[], or -1: all */

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	const char *name = g_getenv ("LIAISON_FUZZ_LAYOUT");

	if (name == NULL || *name == '\0' || strcmp (name, "all") == 0)
		return 0;
	if (strcmp (name, "list") == 0) {
		for (gsize i = 0; i < n_extractors; i++)
			printf ("%s\n", layout_to_string (extractors[i].layout));
		exit (0);
	}
	for (gsize i = 0; i < n_extractors; i++)
		if (strcmp (name, layout_to_string (extractors[i].layout)) == 0)
			only = (gssize) i;
	if (only < 0) {
		fprintf (stderr, "fuzz-extract: no layout %s\n", name);
		exit (2);
	}
	return 0;
}

static void
run (gsize i, const char *text, const ExtractContext *context)
{
	guint score = 0;
	Statement *statement = extractors[i].extract (text, context, &score);

	if (statement == NULL)
		return;
	/* What extract_statement() and the store read of it. */
	(void) purpose_to_string (statement->purpose);
	statement_free (statement);
}

/* A document's text, read as deliver reads it; NULL when @data is no
 * PDF or DOCX, or holds no text. */
static char *
document_text (const uint8_t *data, size_t size)
{
	DocumentKind kind = document_bytes_kind (DOCUMENT_NONE, data, size);
	DocumentLimits limits;
	DocumentLimit limit;
	char *text = NULL;

	if (kind == DOCUMENT_NONE || !document_supported ())
		return NULL;
	document_limits_init (&limits, 8);
	if (!document_child_text (&limits, kind, data, size, &text, &limit, NULL))
		return NULL;
	return text;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autofree char *document = document_text (data, size);
	g_autofree char *raw = document != NULL ? g_strdup (document) : g_strndup ((const char *) data, size);
	g_autofree char *text = NULL;
	g_autofree char *line = NULL;
	g_autofree char *date = NULL;
	g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

	/* The bytes up to a NUL, as a C string; message_texts() turns NULs
	 * into spaces first, so the rest matters as much: replace them. */
	for (size_t i = 0; document == NULL && i < size; i++)
		if (raw[i] == '\0')
			raw[i] = ' ';
	text = statement_clean_text (raw);
	line = statement_clean_line (raw);
	{
		static const MessageTextKind kinds[] = {
			MESSAGE_TEXT_BODY, MESSAGE_TEXT_ATTACHMENT, MESSAGE_TEXT_DOCUMENT,
		};
		static const char *const origins[] = { "body", "attachment:a.txt", "pdf:a.pdf" };
		const char *nl = strchr (text, '\n');
		g_autofree char *subject = nl ? g_strndup (text, (gsize) (nl - text)) : g_strdup (text);
		ExtractContext context = { subject, kinds[size % 3], origins[size % 3] };

		for (gsize i = 0; i < n_extractors; i++) {
			if (only >= 0 && (gsize) only != i)
				continue;
			run (i, text, NULL);
			run (i, text, &context);
		}
		if (only < 0) {
			guint score = 0;
			g_autofree char *title = extract_title_from_subject (subject);
			Statement *best = extract_text (text, &context, &score);
			statement_free (best);
		}
	}

	/* The normalisers, on the first line. */
	date = statement_parse_date (line);
	(void) statement_parse_purpose (line);
	statement_split_contacts (line, found);
	return 0;
}
