/* extract/freeform.c: a statement that follows no template: a letter in a
 * PDF or Word document behind a short cover note, or the note itself. It
 * is claimed only on real evidence (the mail or the text calls itself a
 * liaison statement, and says what it asks of whom, or carries a document),
 * so that ordinary mail that mentions a liaison is not taken for one. */
#include "config.h"

#include <string.h>

#include "stages/extract/layout.h"
#include "stages/extract/subject.h"
#include "stages/extract/labels.h"
#include "base/pattern.h"

/* The least evidence that makes a text a free-form statement. */
#define FREEFORM_MIN_SCORE 3
/* How far into a text a letter's own "To:", "From:" and "Title:" lines
 * may stand. */
#define HEAD_LINES 40

typedef enum {
	FIELD_TITLE,
	FIELD_FROM,
	FIELD_TO,
	FIELD_CC,
	FIELD_PURPOSE,
	FIELD_DEADLINE,
	FIELD_CONTACT,
	FIELD_ACTION_TO,
	FIELD_COMMENT_TO,
	FIELD_INFORMATION_TO,
} Field;

static const LabelSpelling spellings[] = {
	{ "Title", FIELD_TITLE },
	{ "Subject", FIELD_TITLE },
	{ "From", FIELD_FROM },
	{ "Source", FIELD_FROM },
	{ "Sender", FIELD_FROM },
	{ "To", FIELD_TO },
	{ "Addressee", FIELD_TO },
	{ "Addressees", FIELD_TO },
	{ "Cc", FIELD_CC },
	{ "Purpose", FIELD_PURPOSE },
	{ "Deadline", FIELD_DEADLINE },
	{ "Reply by", FIELD_DEADLINE },
	{ "Response by", FIELD_DEADLINE },
	{ "Please reply by", FIELD_DEADLINE },
	{ "Contact", FIELD_CONTACT },
	{ "Contacts", FIELD_CONTACT },
	{ "Contact person", FIELD_CONTACT },
	{ "For action to", FIELD_ACTION_TO },
	{ "For comment to", FIELD_COMMENT_TO },
	{ "For information to", FIELD_INFORMATION_TO },
};

/* Words by which a text calls itself a liaison statement: a heading
 * ("Liaison statement to the IETF TEAS working group", "LIAISON
 * STATEMENT", "LS on ..."), or "this liaison", "the attached LS", "sends
 * this liaison statement". A text that mentions another statement ("the
 * liaison statement received from SG15") does not call itself one. "LS"
 * counts in capitals only. */
#define TEXT_DESIGNATION \
	"^\\s*(?:(?i:liaison statement|liaison letter)\\b|(?i:liaison)\\s*(?::|$|(?i:to|from)\\b)" \
	"|LS(?:/[ior])?\\s+(?i:on|to|from)\\b)" \
	"|\\b(?i:this|our|attached|enclosed|following|present|the attached|the enclosed|the following)" \
	"\\s+(?:(?i:liaison)|LS)\\b" \
	"|\\b(?i:send|sends|sending|forward|forwards)\\s+(?:(?i:you)\\s+)?" \
	"(?i:this|a|the|our|its|the following)\\s+(?:(?i:liaison)|LS)\\b" \
	"|\\b(?i:attached|enclosed|attach|enclose)\\s+(?i:a|an|the|our|its)\\s+(?:(?i:liaison)|LS)\\b" \
	"|\\b(?i:reply|response) LS\\b|\\bLS/[ior]\\b"
/* A subject that says who sends a liaison to whom, before its title. */
#define SUBJECT_ADDRESSING "^(?:\\[[^]]{1,40}\\]\\s*)*(?:liaison(?: statement)?|LS)\\s+(?:from|to)\\s"
/* Not our own ids ("[LS-2026-0007]"): those mark replies. */
#define SUBJECT_DESIGNATION "\\b(?i:liaison)\\b|\\bLS(?:/[ior])?\\b(?!-\\d)"

/* Addressees in prose: "to the IETF CCAMP and TEAS working groups", with
 * the words around the name that the directory's matching removes. The
 * name must start with a capital (an acronym or a name), so that "to the
 * working group" names none. */
#define TO_PHRASE \
	"\\b(?i:to|for|towards)\\s+(?i:the\\s+)?" \
	"((?:IETF\\s+)?[A-Z][A-Za-z0-9/-]*(?:\\s+(?:(?i:and)|&|,)?\\s*[A-Z][A-Za-z0-9/-]*){0,4}" \
	"\\s+(?i:working\\s+groups?|WGs?))\\b"
/* A letter's heading: "Liaison statement to the IETF TEAS working group
 * on ...", "LS on ...". */
#define HEADING_TITLE \
	"^\\s*(?:(?i:liaison statement|liaison)|LS)\\s+(?i:on|to|from|regarding|concerning)\\s+\\S.{8,}$"
#define DEAR_PHRASE \
	"^\\s*(?i:dear)\\s+(?:IETF\\s+)?([A-Z][A-Za-z0-9/-]*(?:\\s+(?:and|&)\\s+[A-Z][A-Za-z0-9/-]*)?)" \
	"\\s+(?i:chairs|co-chairs|working group|WG|colleagues)\\b"

static gboolean
matches (const char *text, const char *pattern, GRegexCompileFlags flags)
{
	g_autoptr (GRegex) re = pattern_regex (pattern, flags | G_REGEX_OPTIMIZE);

	g_return_val_if_fail (re != NULL, FALSE);
	return text != NULL && g_regex_match (re, text, 0, NULL);
}

/* Every match of group 1 of @pattern in @text, as a destination. */
static void
add_phrases (GPtrArray *out, const char *text, const char *pattern, GRegexCompileFlags flags)
{
	g_autoptr (GRegex) re = pattern_regex (pattern, flags | G_REGEX_OPTIMIZE);
	g_autoptr (GMatchInfo) match = NULL;

	g_return_if_fail (re != NULL);
	for (g_regex_match (re, text, 0, &match); g_match_info_matches (match);
	     g_match_info_next (match, NULL)) {
		g_autofree char *name = g_match_info_fetch (match, 1);

		labels_add_destination (out, name);
	}
}

/* The labelled lines near the top of the text ("To: IETF CCAMP",
 * "Deadline: ..."), each kind once, read as labels_read would but without
 * needing a block: a letter has a few such lines among its prose. */
static void
read_head (char *const *lines, GPtrArray *values)
{
	for (guint i = 0; lines[i] != NULL && i < HEAD_LINES; i++) {
		const char *value;
		int field = labels_match (lines[i], spellings, G_N_ELEMENTS (spellings), &value);
		g_autofree char *clean = NULL;

		if (field < 0 || g_ptr_array_index (values, field) != NULL)
			continue;
		clean = statement_clean_line (value);
		if (*clean != '\0' && !labels_is_void (clean))
			g_ptr_array_index (values, field) = g_steal_pointer (&clean);
	}
}

/* The heading that titles a letter, with the lines it wraps onto (up to
 * the next blank line), or NULL. */
static char *
heading_title (char *const *lines)
{
	g_autoptr (GRegex) re = pattern_regex (HEADING_TITLE, 0);

	g_return_val_if_fail (re != NULL, NULL);
	for (guint i = 0; lines[i] != NULL && i < HEAD_LINES; i++) {
		g_autoptr (GString) title = NULL;

		if (!g_regex_match (re, lines[i], 0, NULL))
			continue;
		title = g_string_new (lines[i]);
		for (guint j = i + 1; lines[j] != NULL && j <= i + 2; j++) {
			if (lines[j][strspn (lines[j], " \t")] == '\0')
				break;
			g_string_append_printf (title, " %s", lines[j]);
		}
		return statement_clean_line (title->str);
	}
	return NULL;
}

/* A destination line says groups, not addresses: "To: IETF CCAMP WG", not
 * the "To: a@b" of a forwarded header block. */
static void
add_destinations (Statement *statement, const char *value)
{
	g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

	if (value == NULL || strchr (value, '@') != NULL)
		return;
	statement_split_contacts (value, parts);
	for (guint i = 0; i < parts->len; i++)
		labels_add_destination (statement->to_texts, g_ptr_array_index (parts, i));
}

/* Purpose: a Purpose line, the ITU-T words ("For action to:"), else the
 * prose. *explicit tells whether it was stated outright. */
static Purpose
find_purpose (GPtrArray *head, const char *text, gboolean *explicit)
{
	Purpose purpose = statement_parse_purpose (g_ptr_array_index (head, FIELD_PURPOSE));
	static const struct {
		Field field;
		Purpose purpose;
	} lines[] = {
		{ FIELD_ACTION_TO, PURPOSE_ACTION },
		{ FIELD_COMMENT_TO, PURPOSE_COMMENT },
		{ FIELD_INFORMATION_TO, PURPOSE_INFORMATION },
	};

	/* The line that names the IETF says what is asked of us. */
	for (gsize i = 0; purpose == PURPOSE_NONE && i < G_N_ELEMENTS (lines); i++)
		if (labels_names_ietf (g_ptr_array_index (head, lines[i].field)))
			purpose = lines[i].purpose;
	if (purpose == PURPOSE_NONE && g_ptr_array_index (head, FIELD_ACTION_TO) != NULL)
		purpose = PURPOSE_ACTION;
	if (purpose == PURPOSE_NONE && g_ptr_array_index (head, FIELD_COMMENT_TO) != NULL)
		purpose = PURPOSE_COMMENT;
	if (purpose == PURPOSE_NONE && g_ptr_array_index (head, FIELD_INFORMATION_TO) != NULL)
		purpose = PURPOSE_INFORMATION;
	if (purpose != PURPOSE_NONE) {
		*explicit = TRUE;
		return purpose;
	}
	return (Purpose) labels_find_purpose (text, explicit);
}

/* Destinations: the lines that name them, else the prose; and the Cc. */
static void
find_destinations (Statement *statement, GPtrArray *head, const char *text)
{
	const char *cc = g_ptr_array_index (head, FIELD_CC);

	add_destinations (statement, g_ptr_array_index (head, FIELD_ACTION_TO));
	add_destinations (statement, g_ptr_array_index (head, FIELD_COMMENT_TO));
	add_destinations (statement, g_ptr_array_index (head, FIELD_INFORMATION_TO));
	add_destinations (statement, g_ptr_array_index (head, FIELD_TO));
	if (statement->to_texts->len == 0) {
		add_phrases (statement->to_texts, text, TO_PHRASE, 0);
		add_phrases (statement->to_texts, text, DEAR_PHRASE, G_REGEX_MULTILINE);
	}
	if (cc != NULL && strchr (cc, '@') == NULL)
		statement_split_contacts (cc, statement->cc);
}

/* The letter's own title, sender and contact, when it writes them. */
static void
find_letterhead (Statement *statement, GPtrArray *head, char *const *lines)
{
	const char *value;

	if ((value = g_ptr_array_index (head, FIELD_TITLE)) != NULL)
		statement->title = g_strdup (value);
	else
		statement->title = heading_title (lines);
	if ((value = g_ptr_array_index (head, FIELD_FROM)) != NULL && strchr (value, '@') == NULL)
		statement->from_org_text = g_strdup (value);
	if ((value = g_ptr_array_index (head, FIELD_CONTACT)) != NULL) {
		g_autofree char *contact = labels_contact (value);
		if (contact != NULL) {
			statement->from_contact = g_strdup (contact);
			g_ptr_array_add (statement->technical_contacts, g_steal_pointer (&contact));
		}
	}
}

/* Evidence: what calls it a statement, and what only a statement says (a
 * stated purpose, a reply date, addressees) or carries (a document). One
 * of the latter is needed: a mail that asks about a statement calls it one
 * too. 0 when that is missing. */
static guint
evidence (const Statement *statement, gboolean explicit, guint designations, gboolean document)
{
	gboolean deadline = statement->deadline != NULL, addressees = statement->to_texts->len > 0;

	if (!explicit && !deadline && !addressees && !document)
		return 0;
	return designations + (statement->purpose != PURPOSE_NONE) + deadline + addressees + document;
}

/* Reads @text as a free-form statement; a @letter needs no words that
 * call it one, but must name its addressees. */
static Statement *
read_freeform (const char *text, const ExtractContext *context, gboolean letter, guint *score)
{
	g_autofree char *clean = NULL;
	g_auto (GStrv) lines = NULL;
	g_autoptr (GPtrArray) head = NULL;
	g_autoptr (Statement) statement = NULL;
	g_autofree char *subject_title = NULL;
	const char *subject = context != NULL ? context->subject : NULL;
	gboolean document = context != NULL && context->kind == MESSAGE_TEXT_DOCUMENT;
	gboolean explicit = FALSE;
	guint designations, found;
	const char *deadline;

	g_return_val_if_fail (score != NULL, NULL);
	*score = 0;
	if (text == NULL)
		return NULL;
	/* A reply names another statement; it is not one. */
	if (subject != NULL && *subject != '\0'
	    && (subject_title = extract_title_from_subject (subject)) == NULL)
		return NULL;

	clean = statement_clean_text (text);
	lines = labels_split_lines (clean);
	head = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_set_size (head, FIELD_INFORMATION_TO + 1);
	read_head (lines, head);
	/* "Liaison from IEEE 802.1 - TSN profiles" has the title "TSN
	 * profiles": the words before it said what it is. */
	designations = (matches (subject_title, SUBJECT_DESIGNATION, 0)
	                || matches (subject, SUBJECT_ADDRESSING, G_REGEX_CASELESS))
	               + matches (clean, TEXT_DESIGNATION, G_REGEX_MULTILINE);
	if (designations == 0 && !letter)
		return NULL;

	statement = statement_new ();
	statement->layout = LAYOUT_FREEFORM;
	statement->purpose = find_purpose (head, clean, &explicit);
	/* Deadline: a labelled line, else the prose. */
	if ((deadline = g_ptr_array_index (head, FIELD_DEADLINE)) != NULL)
		statement->deadline = statement_find_date (deadline, FALSE);
	if (statement->deadline == NULL)
		statement->deadline = labels_find_deadline (clean);
	/* Asked to answer by a date, and nothing else said: that is action. */
	if (statement->purpose == PURPOSE_NONE && statement->deadline != NULL)
		statement->purpose = PURPOSE_ACTION;
	find_destinations (statement, head, clean);
	/* A letter to named addressees that asks nothing informs them. */
	if (statement->purpose == PURPOSE_NONE && statement->to_texts->len > 0)
		statement->purpose = PURPOSE_INFORMATION;
	find_letterhead (statement, head, lines);
	if (*clean != '\0')
		statement->body = g_steal_pointer (&clean);

	found = evidence (statement, explicit, designations, document);
	if (letter ? statement->to_texts->len == 0 : found < FREEFORM_MIN_SCORE)
		return NULL;
	*score = found;
	return g_steal_pointer (&statement);
}

Statement *
extract_freeform (const char *text, const ExtractContext *context, guint *score)
{
	return read_freeform (text, context, FALSE, score);
}

Statement *
extract_letter (const char *text, const ExtractContext *context, guint *score)
{
	return read_freeform (text, context, TRUE, score);
}
