/* extract/labels.c: the label blocks of the ITU-T and 3GPP templates, read
 * the same way whether they were typed into a mail, laid out as a Word
 * table or printed to PDF: cells of a line, labels at the start of cells,
 * values continued over the lines that follow. */
#include "config.h"

#include <string.h>

#include "base/util.h"
#include "stages/extract/labels.h"
#include "base/statement.h"
#include "base/pattern.h"

static void
entry_free (gpointer data)
{
	LabelEntry *entry = data;

	g_free (entry->value);
	g_free (entry);
}

void
label_block_free (LabelBlock *block)
{
	if (block == NULL)
		return;
	g_ptr_array_unref (block->entries);
	g_free (block);
}

/* Skips a section number before a label: "1. ", "2) ", "3 ". */
static const char *
skip_numbering (const char *cell)
{
	const char *p = cell;

	while (g_ascii_isdigit (*p))
		p++;
	if (p == cell || p - cell > 2)
		return cell;
	if (*p == '.' || *p == ')')
		p++;
	if (*p != ' ' && *p != '\t')
		return cell;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int
labels_match (const char *cell, const LabelSpelling *spellings, gsize n_spellings,
              const char **value)
{
	const char *start;
	gsize best_len = 0;
	int best = -1;

	while (*cell == ' ' || *cell == '\t')
		cell++;
	start = skip_numbering (cell);
	for (gsize i = 0; i < n_spellings; i++) {
		gsize len = strlen (spellings[i].label);
		const char *p = start + len;

		if (len <= best_len || g_ascii_strncasecmp (start, spellings[i].label, len) != 0)
			continue;
		while (*p == ' ')
			p++;
		if (*p != ':')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		best = spellings[i].field;
		best_len = len;
		if (value != NULL)
			*value = p;
	}
	return best;
}

/* The cells of @line: the pieces between TABs and runs of two or more
 * spaces, trimmed, empty ones dropped. *indented says whether the line
 * starts with white space. */
static GPtrArray *
split_cells (const char *line, gboolean *indented)
{
	GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
	const char *p = line, *start;

	*indented = *line == ' ' || *line == '\t';
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != '\t' && !(p[0] == ' ' && p[1] == ' '))
			p++;
		g_ptr_array_add (cells, g_strndup (start, (gsize) (p - start)));
	}
	return cells;
}

static guint
count_words (const char *line)
{
	guint words = 0;
	gboolean in_word = FALSE;

	for (const char *p = line; *p != '\0'; p++) {
		gboolean space = *p == ' ' || *p == '\t';
		if (!space && !in_word)
			words++;
		in_word = !space;
	}
	return words;
}

/* Adds the cells of line @i to @block: a cell that is a label starts an
 * entry (its value a new GString of @values), any other continues
 * @current's value after a tab. Returns the value the next line
 * continues. */
static GString *
add_cells (LabelBlock *block, GPtrArray *values, GString *current, GPtrArray *cells, guint i,
           const LabelSpelling *spellings, gsize n_spellings)
{
	for (guint c = 0; c < cells->len; c++) {
		const char *cell = g_ptr_array_index (cells, c);
		const char *value;
		int f = labels_match (cell, spellings, n_spellings, &value);

		if (f >= 0) {
			LabelEntry *entry = g_new0 (LabelEntry, 1);
			entry->field = f;
			entry->line = i;
			g_ptr_array_add (block->entries, entry);
			current = g_string_new (value);
			g_ptr_array_add (values, current);
			if (block->entries->len == 1)
				block->start = i;
			block->seen |= 1u << (f & 31);
		} else {
			if (current->len > 0 && current->str[current->len - 1] != '\n')
				g_string_append_c (current, '\t');
			g_string_append (current, cell);
		}
	}
	return current;
}

LabelBlock *
labels_read (char *const *lines, guint max_lines, const LabelSpelling *spellings,
             gsize n_spellings)
{
	LabelBlock *block = g_new0 (LabelBlock, 1);
	GString *current = NULL;
	guint prose_run = 0, prose_since_label = 0, first_prose = 0, i;
	g_autoptr (GPtrArray) values = g_ptr_array_new ();   /* GString*, one per entry */

	block->entries = g_ptr_array_new_with_free_func (entry_free);
	for (i = 0; lines[i] != NULL && i < max_lines; i++) {
		g_autoptr (GPtrArray) cells = NULL;
		gboolean indented;
		int field;

		if (util_is_blank (lines[i])) {
			current = NULL;
			prose_run = 0;
			continue;
		}
		cells = split_cells (lines[i], &indented);
		field = labels_match (g_ptr_array_index (cells, 0), spellings, n_spellings, NULL);
		/* A label that was left empty ("Contact Person:") has its value
		 * below it, even after a blank line. */
		if (field < 0 && current == NULL && values->len > 0
		    && ((GString *) g_ptr_array_index (values, values->len - 1))->len == 0)
			current = g_ptr_array_index (values, values->len - 1);
		if (field < 0 && current == NULL) {
			/* Text that continues nothing: a heading, or the body. */
			if (values->len == 0)
				continue;
			if (prose_since_label++ == 0)
				first_prose = i;
			prose_run++;
			/* Two lines of text, three paragraphs, or one long one
			 * (a DOCX paragraph is one line): the body. */
			if (block->entries->len >= 2
			    && (prose_run >= 2 || prose_since_label >= 3 || count_words (lines[i]) >= 12)) {
				i = first_prose;
				break;
			}
			continue;
		}
		/* A paragraph at the margin right after the last row (a DOCX
		 * table followed by the body) is the body, not the row's
		 * value wrapped: a wrapped value is short, or indented. */
		if (field < 0 && !indented && cells->len == 1 && count_words (lines[i]) >= 12
		    && block->entries->len >= 2)
			break;
		prose_run = prose_since_label = 0;
		if (field < 0)
			g_string_append_c (current, '\n');
		current = add_cells (block, values, current, cells, i, spellings, n_spellings);
	}
	block->end = i;
	for (guint e = 0; e < block->entries->len; e++) {
		LabelEntry *entry = g_ptr_array_index (block->entries, e);
		GString *v = g_ptr_array_index (values, e);
		g_autofree char *text = statement_clean_text (v->str);

		entry->value = g_strdup (g_strstrip (text));
		g_string_free (v, TRUE);
	}
	return block;
}

const char *
label_block_value (const LabelBlock *block, int field)
{
	for (guint i = 0; i < block->entries->len; i++) {
		const LabelEntry *entry = g_ptr_array_index (block->entries, i);
		if (entry->field == field)
			return *entry->value != '\0' ? entry->value : NULL;
	}
	return NULL;
}

guint
label_block_count (const LabelBlock *block)
{
	guint n = 0;

	for (int f = 0; f < 32; f++)
		if (block->seen & (1u << f))
			n++;
	return n;
}

gboolean
labels_is_void (const char *value)
{
	static const char *const nothing[] = {
		"-", "--", "n/a", "na", "none", "nil", "tbd", "void", "not applicable", "no",
	};
	g_autofree char *clean = statement_clean_line (value);
	gsize len = strlen (clean);

	while (len > 0 && (clean[len - 1] == '.' || clean[len - 1] == ' '))
		clean[--len] = '\0';
	if (len == 0)
		return TRUE;
	/* Dashes of any kind. */
	if (strspn (clean, "-\xe2\x80\x93\x94") == len)
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (nothing); i++)
		if (g_ascii_strcasecmp (clean, nothing[i]) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
is_address_char (char c)
{
	return g_ascii_isalnum (c) || strchr (".!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

void
labels_find_addresses (const char *text, GPtrArray *out)
{
	if (text == NULL)
		return;
	for (const char *at = strchr (text, '@'); at != NULL; at = strchr (at + 1, '@')) {
		const char *s = at, *e = at + 1;
		g_autofree char *address = NULL;
		gboolean dot = FALSE, seen = FALSE;

		while (s > text && is_address_char (s[-1]))
			s--;
		while (*e != '\0' && (g_ascii_isalnum (*e) || *e == '-' || *e == '.')) {
			if (*e == '.')
				dot = TRUE;
			e++;
		}
		while (e > at + 1 && e[-1] == '.')
			e--;
		if (s == at || e == at + 1 || !dot)
			continue;
		/* "mailto:" is not part of the address. */
		if (at - s > 7 && g_ascii_strncasecmp (s, "mailto:", 7) == 0)
			s += 7;
		while (s < at && *s == '.')
			s++;
		address = g_strndup (s, (gsize) (e - s));
		for (guint i = 0; i < out->len; i++)
			if (g_ascii_strcasecmp (g_ptr_array_index (out, i), address) == 0)
				seen = TRUE;
		if (!seen)
			g_ptr_array_add (out, g_steal_pointer (&address));
	}
}

/* The sub-labels of a contact block, which are not the name. */
static const char *const contact_labels[] = {
	"tel", "tel.", "tel. number", "telephone", "phone", "mobile", "fax", "e-mail",
	"email", "e-mail address", "email address", "mail", "organization",
	"organisation", "address", "country",
};

/* The length of the sub-label that starts @cell with its colon, or 0. */
static gsize
contact_label (const char *cell)
{
	const char *colon = strchr (cell, ':');
	g_autofree char *word = NULL;

	if (colon == NULL || colon - cell > 20)
		return 0;
	word = g_strstrip (g_ascii_strdown (cell, colon - cell));
	for (gsize i = 0; i < G_N_ELEMENTS (contact_labels); i++)
		if (strcmp (word, contact_labels[i]) == 0)
			return (gsize) (colon - cell) + 1;
	return 0;
}

/* Where a sub-label starts inside @text ("Greg Jones Tel: +41"), or NULL. */
static const char *
find_contact_label (const char *text)
{
	for (const char *p = text; *p != '\0'; p++)
		if ((p == text || p[-1] == ' ') && contact_label (p) > 0)
			return p;
	return NULL;
}

/* The pieces of @line between TABs and runs of spaces, as
 * g_regex_split_simple() cuts them (empty ones kept), with the pattern
 * compiled once. */
static char **
raw_cells (const char *line)
{
	g_autoptr (GRegex) re = pattern_regex ("\t|  +", 0);

	return g_regex_split (re, line, 0);
}

/* The name a "Name: ..." cell anywhere in @lines gives ("Name: Greg
 * Jones", or the name in the next cell), or NULL. Newly allocated. */
static char *
name_label (char *const *lines)
{
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto (GStrv) cells = raw_cells (lines[i]);
		for (guint c = 0; cells[c] != NULL; c++) {
			const char *cell = cells[c];
			while (*cell == ' ')
				cell++;
			if (g_ascii_strncasecmp (cell, "name:", 5) == 0) {
				const char *value = cell[5] != '\0' || cells[c + 1] == NULL ? cell + 5 : cells[c + 1];
				return g_strstrip (g_strdup (value));
			}
		}
	}
	return NULL;
}

/* The first cell of @lines that is no sub-label and holds no address,
 * cut before a sub-label that follows it, when it starts like a name (a
 * phone number is nobody's name), or NULL. Newly allocated. */
static char *
name_cell (char *const *lines)
{
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto (GStrv) cells = raw_cells (lines[i]);
		for (guint c = 0; cells[c] != NULL; c++) {
			g_autofree char *cell = g_strstrip (g_strdup (cells[c]));
			const char *cut;

			if (*cell == '\0' || contact_label (cell) > 0 || strchr (cell, '@') != NULL)
				continue;
			if ((cut = find_contact_label (cell)) != NULL)
				cell[cut - cell] = '\0';
			g_strstrip (cell);
			if (*cell != '\0' && (g_ascii_isalpha (*cell) || (guchar) *cell >= 0x80))
				return g_steal_pointer (&cell);
		}
	}
	return NULL;
}

char *
labels_contact (const char *text)
{
	g_auto (GStrv) lines = NULL;
	g_autoptr (GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *name = NULL;

	if (text == NULL)
		return NULL;
	labels_find_addresses (text, addresses);
	lines = labels_split_lines (text);
	name = name_label (lines);
	if (name == NULL)
		name = name_cell (lines);
	if (name != NULL && *name != '\0' && labels_is_void (name))
		g_clear_pointer (&name, g_free);
	return statement_format_contact (name, addresses->len > 0 ? g_ptr_array_index (addresses, 0) : NULL);
}

/* ---- Phrases ---------------------------------------------------------- */

/* The first match of @pattern in @text (case-insensitive), or -1. */
static gssize
find_pattern (const char *text, const char *pattern)
{
	g_autoptr (GRegex) re = pattern_regex (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE);
	g_autoptr (GMatchInfo) match = NULL;
	int start = -1;

	g_return_val_if_fail (re != NULL, -1);
	if (!g_regex_match (re, text, 0, &match))
		return -1;
	g_match_info_fetch_pos (match, 0, &start, NULL);
	return start;
}

gboolean
labels_names_ietf (const char *value)
{
	g_autoptr (GRegex) re = pattern_regex ("\\b(?:IETF|IAB|IESG)\\b", G_REGEX_OPTIMIZE);

	return value != NULL && g_regex_match (re, value, 0, NULL);
}

int
labels_find_purpose (const char *text, gboolean *explicit)
{
	static const struct {
		const char *pattern;
		Purpose purpose;
		gboolean explicit;
	} phrases[] = {
		{ "\\bfor (?:your |their |further )?action\\b", PURPOSE_ACTION, TRUE },
		{ "\\bfor (?:your |their )?(?:comments?|review|consideration)\\b", PURPOSE_COMMENT, TRUE },
		{ "\\b(?:in (?:response|reply) to|(?:a|as|this is the) (?:response|reply) to|"
		  "replies to|responds to|in answer to)\\b", PURPOSE_RESPONSE, TRUE },
		{ "\\bfor (?:your |their )?info(?:rmation)?\\b|\\bFYI\\b", PURPOSE_INFORMATION, TRUE },
		{ "\\b(?:kindly|would like to|wishes to) (?:asks?|requests?|invites?)\\b|"
		  "\\b(?:is|are) (?:kindly )?(?:requested|invited|asked) to\\b|"
		  "\\bplease (?:reply|respond|provide|send|comment)\\b", PURPOSE_ACTION, FALSE },
	};

	if (explicit != NULL)
		*explicit = FALSE;
	if (text == NULL)
		return PURPOSE_NONE;
	for (gsize i = 0; i < G_N_ELEMENTS (phrases); i++) {
		if (find_pattern (text, phrases[i].pattern) < 0)
			continue;
		if (explicit != NULL)
			*explicit = phrases[i].explicit;
		return phrases[i].purpose;
	}
	return PURPOSE_NONE;
}

/* TRUE when the sentence that ends at @end of @text speaks of an answer
 * (@words matches the words that do). */
static gboolean
about_an_answer (const char *text, const char *end, const GRegex *words)
{
	const char *start = end;
	g_autofree char *sentence = NULL;

	/* Back to the start of the sentence, or at most 200 bytes. */
	while (start > text && end - start < 200
	       && !((start[-1] == '.' || start[-1] == '\n') && (start[0] == ' ' || start[0] == '\n')))
		start--;
	sentence = g_strndup (start, (gsize) (end - start));
	return g_regex_match (words, sentence, 0, NULL);
}

char *
labels_find_deadline (const char *text)
{
	g_autoptr (GRegex) re = NULL;
	g_autoptr (GRegex) words = NULL;
	g_autoptr (GMatchInfo) match = NULL;

	if (text == NULL)
		return NULL;
	words = pattern_regex ("repl|respon|feedback|comment|answer|input|deadline|action|"
	                       "\\bsend\\b|provide|kindly|request|\\binform", G_REGEX_CASELESS);
	re = pattern_regex ("\\b(?:by|before|until|till|no later than|not later than|prior to|"
	                    "deadline(?: is| for \\w+(?: \\w+)?)?|due(?: date)?|reply date)\\s*:?\\s+"
	                    "(?:the\\s+)?(?:end of\\s+)?",
	                    G_REGEX_CASELESS | G_REGEX_OPTIMIZE);
	g_return_val_if_fail (re != NULL, NULL);
	for (g_regex_match (re, text, 0, &match); g_match_info_matches (match);
	     g_match_info_next (match, NULL)) {
		int start, end;
		g_autofree char *after = NULL;
		g_autofree char *date = NULL;
		const char *p;

		g_match_info_fetch_pos (match, 0, &start, &end);
		/* The date comes right after: "by Friday, 15 January 2027". */
		p = text + end;
		after = g_strndup (p, strnlen (p, 40));
		if ((p = strchr (after, '\n')) != NULL && p - after < 3)
			continue;
		date = statement_find_date (after, FALSE);
		if (date != NULL && about_an_answer (text, text + end, words))
			return g_steal_pointer (&date);
	}
	return NULL;
}

/* @name as a key for comparing destinations: lower case, without "the"
 * and "IETF" before it and "WG", "group" or "working group" after it. */
static char *
destination_key (const char *name)
{
	static const char *const suffixes[] = { " working groups", " working group", " groups",
	                                        " group", " wgs", " wg" };
	g_autofree char *clean = statement_clean_line (name);
	char *key = g_ascii_strdown (clean, -1);
	gsize len;

	if (g_str_has_prefix (key, "the "))
		memmove (key, key + 4, strlen (key + 4) + 1);
	if (g_str_has_prefix (key, "ietf "))
		memmove (key, key + 5, strlen (key + 5) + 1);
	len = strlen (key);
	while (len > 0 && (key[len - 1] == '.' || key[len - 1] == ' '))
		key[--len] = '\0';
	for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++) {
		gsize n = strlen (suffixes[i]);
		if (len > n && strcmp (key + len - n, suffixes[i]) == 0) {
			key[len - n] = '\0';
			break;
		}
	}
	return key;
}

void
labels_add_destination (GPtrArray *list, const char *name)
{
	g_autofree char *key = NULL;
	g_autofree char *clean = statement_clean_line (name);

	if (*clean == '\0' || labels_is_void (clean))
		return;
	key = destination_key (clean);
	for (guint i = 0; i < list->len; i++) {
		g_autofree char *other = destination_key (g_ptr_array_index (list, i));
		if (strcmp (key, other) == 0)
			return;
	}
	g_ptr_array_add (list, g_steal_pointer (&clean));
}

char **
labels_split_lines (const char *text)
{
	GPtrArray *lines = g_ptr_array_new ();
	const char *p = text != NULL ? text : "";

	/* Not g_strsplit: that searches the rest of the text with strstr()
	 * for each line, which sanitizers make quadratic in the text. */
	for (;;) {
		const char *nl = strchr (p, '\n');

		if (nl == NULL) {
			g_ptr_array_add (lines, g_strdup (p));
			break;
		}
		g_ptr_array_add (lines, g_strndup (p, (gsize) (nl - p)));
		p = nl + 1;
	}
	g_ptr_array_add (lines, NULL);
	return (char **) g_ptr_array_free (lines, FALSE);
}
