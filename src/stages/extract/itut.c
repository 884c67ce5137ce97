/* extract/itut.c: the ITU-T liaison statement template (Question(s):, Study
 * Group:, Source:, Title:, LIAISON STATEMENT, For action to:, For comment
 * to:, For information to:, Approval:, Deadline:, Contact: blocks), read
 * into a Statement, with the LS numbers ITU-T gives it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stages/extract/layout.h"
#include "base/util.h"
#include "stages/extract/labels.h"
#include "base/pattern.h"

typedef enum {
	FIELD_QUESTION,
	FIELD_STUDY_GROUP,
	FIELD_WORKING_PARTY,
	FIELD_MEETING,
	FIELD_DOCUMENT_TYPE,
	FIELD_SOURCE,
	FIELD_TITLE,
	FIELD_ACTION_TO,
	FIELD_COMMENT_TO,
	FIELD_INFORMATION_TO,
	FIELD_APPROVAL,
	FIELD_DEADLINE,
	FIELD_CONTACT,
	FIELD_KEYWORDS,
	FIELD_ABSTRACT,
	FIELD_ATTACHMENTS,
	FIELD_TO,                /* the 2003 template: "To:" and "For: Action" */
	FIELD_FOR,
} Field;

static const LabelSpelling spellings[] = {
	{ "Question(s)", FIELD_QUESTION },
	{ "Questions", FIELD_QUESTION },
	{ "Question", FIELD_QUESTION },
	{ "Study Group", FIELD_STUDY_GROUP },
	{ "Working Party", FIELD_WORKING_PARTY },
	{ "Meeting, date", FIELD_MEETING },
	{ "Meeting", FIELD_MEETING },
	{ "Place and date", FIELD_MEETING },
	{ "Intended type of document (R-C-TD)", FIELD_DOCUMENT_TYPE },
	{ "Intended type of document", FIELD_DOCUMENT_TYPE },
	{ "Source", FIELD_SOURCE },
	{ "Title", FIELD_TITLE },
	{ "For action to", FIELD_ACTION_TO },
	{ "For action", FIELD_ACTION_TO },
	{ "For comment to", FIELD_COMMENT_TO },
	{ "For comments to", FIELD_COMMENT_TO },
	{ "For comment", FIELD_COMMENT_TO },
	{ "For information to", FIELD_INFORMATION_TO },
	{ "For info to", FIELD_INFORMATION_TO },
	{ "For information", FIELD_INFORMATION_TO },
	{ "Approval", FIELD_APPROVAL },
	{ "Deadline", FIELD_DEADLINE },
	{ "Contact", FIELD_CONTACT },
	{ "Contacts", FIELD_CONTACT },
	{ "Keywords", FIELD_KEYWORDS },
	{ "Abstract", FIELD_ABSTRACT },
	{ "Attachments", FIELD_ATTACHMENTS },
	{ "Attachment", FIELD_ATTACHMENTS },
	{ "Attachment(s)", FIELD_ATTACHMENTS },
	{ "To", FIELD_TO },
	{ "For", FIELD_FOR },
};

/* How far into a text the template's heading may stand. */
#define HEADING_LINES 60

/* The labels only an ITU-T statement has; a text with none of them is some
 * other document that says "Title:" and "Source:". */
static const Field own_fields[] = {
	FIELD_QUESTION, FIELD_STUDY_GROUP, FIELD_ACTION_TO, FIELD_COMMENT_TO,
	FIELD_INFORMATION_TO, FIELD_APPROVAL,
};

/* How ITU-T numbers a statement: "SG15-LS123" (the outgoing LS), "COM 15 –
 * LS 123 – E" (its communication number), "TSAG-LS12", "TD 456 (PLEN/15)"
 * and "TD 456/3 Rev.1 (WP3/15)" (the meeting document it was). */
#define LS_NUMBER_PATTERN \
	"\\b(?:SG ?\\d{1,2}|TSAG)[ -]?LS ?\\d{1,4}(?:[ -]?R\\d)?\\b" \
	"|\\bCOM ?\\d{1,2} ?[-\xe2\x80\x93] ?LS ?\\d{1,4}(?: ?[-\xe2\x80\x93] ?[EFSACR]\\b)?" \
	"|\\bTD ?\\d{1,4}(?:/\\d)?(?: ?Rev\\.? ?\\d)? ?\\((?:PLEN|WP ?\\d)/\\d{1,2}\\)"

/* The LS numbers written on the lines before the body. The body cites
 * other statements' numbers: those are not this one's. */
static void
find_ls_numbers (char *const *lines, guint end, GPtrArray *out)
{
	g_autoptr (GRegex) re = pattern_regex (LS_NUMBER_PATTERN, G_REGEX_OPTIMIZE);

	g_return_if_fail (re != NULL);
	for (guint i = 0; lines[i] != NULL && i < end; i++) {
		g_autoptr (GMatchInfo) match = NULL;

		for (g_regex_match (re, lines[i], 0, &match); g_match_info_matches (match);
		     g_match_info_next (match, NULL)) {
			g_autofree char *number = g_match_info_fetch (match, 0);
			g_autofree char *clean = statement_clean_line (number);
			util_add_unique (out, clean, TRUE);
		}
	}
}

/* TRUE when @line reads "LIAISON STATEMENT" (any case, as the template's
 * heading; "REPLY LIAISON STATEMENT" too). */
static gboolean
is_heading (const char *line)
{
	g_autofree char *clean = statement_clean_line (line);

	return g_ascii_strcasecmp (clean, "LIAISON STATEMENT") == 0
	       || g_ascii_strcasecmp (clean, "REPLY LIAISON STATEMENT") == 0
	       || g_ascii_strcasecmp (clean, "LIAISON STATEMENT (REPLY)") == 0;
}

/* Empties the heading lines of the first @max lines of @lines, and tells
 * whether there was one. The template puts the heading right after the
 * Title row, with no blank line between (and, in its 2003 form, the To:
 * and For: rows after it): left in place, it would read as the title
 * wrapped onto the next line. */
static gboolean
blank_headings (char **lines, guint max)
{
	gboolean found = FALSE;

	for (guint i = 0; lines[i] != NULL && i < max; i++) {
		if (!is_heading (lines[i]))
			continue;
		lines[i][0] = '\0';
		found = TRUE;
	}
	return found;
}

/* The number of the study group: "Study Group: 15", else the "/15" of
 * "Question(s): 14/15", else "STUDY GROUP 15" in the heading; 0 when
 * unknown. */
static int
study_group (const LabelBlock *block, char *const *lines)
{
	const char *value = label_block_value (block, FIELD_STUDY_GROUP);
	g_autoptr (GRegex) heading = NULL;
	g_autoptr (GMatchInfo) match = NULL;

	if (value != NULL && g_ascii_isdigit (*value))
		return atoi (value);
	value = label_block_value (block, FIELD_QUESTION);
	if (value != NULL) {
		const char *slash = strchr (value, '/');
		if (slash != NULL && g_ascii_isdigit (slash[1]))
			return atoi (slash + 1);
	}
	heading = pattern_regex ("\\bSTUDY GROUP (\\d{1,2})\\b", 0);
	for (guint i = 0; lines[i] != NULL && i < block->start; i++) {
		if (g_regex_match (heading, lines[i], 0, &match)) {
			g_autofree char *number = g_match_info_fetch (match, 1);
			return atoi (number);
		}
		g_clear_pointer (&match, g_match_info_free);
	}
	return 0;
}

/* The sending organization: the Source line when it names an ITU-T body
 * ("ITU-T Study Group 15", "TSAG"); when it names a part of one ("Rapporteur
 * for Q14/15", "Working Party 3/15"), the study group it belongs to. */
static char *
from_org (const LabelBlock *block, char *const *lines)
{
	const char *source = label_block_value (block, FIELD_SOURCE);
	g_autoptr (GRegex) body = pattern_regex ("\\b(?:study group|SG ?\\d|TSAG|ITU)", G_REGEX_CASELESS);
	int sg = study_group (block, lines);

	if (source != NULL && (g_regex_match (body, source, 0, NULL) || sg == 0))
		return statement_clean_line (source);
	if (sg > 0)
		return g_strdup_printf ("ITU-T SG%d", sg);
	return NULL;
}

/* The destinations of one "For ... to:" line, each on its own. */
static gboolean
add_destinations (Statement *statement, const LabelBlock *block, Field field)
{
	gboolean any = FALSE;

	for (guint i = 0; i < block->entries->len; i++) {
		const LabelEntry *entry = g_ptr_array_index (block->entries, i);
		g_autoptr (GPtrArray) parts = NULL;
		g_autofree char *value = NULL;

		if (entry->field != (int) field || labels_is_void (entry->value))
			continue;
		parts = g_ptr_array_new_with_free_func (g_free);
		/* Cells are several destinations; a line break is a wrapped
		 * name, unless a comma ended the line anyway. */
		value = g_strdelimit (g_strdup (entry->value), "\t", ';');
		g_strdelimit (value, "\n", ' ');
		statement_split_contacts (value, parts);
		for (guint j = 0; j < parts->len; j++) {
			const char *part = g_ptr_array_index (parts, j);
			if (labels_is_void (part))
				continue;
			labels_add_destination (statement->to_texts, part);
			any = TRUE;
		}
	}
	return any;
}

/* A reply says so in its title: "Reply LS on X (reply to IETF LS 1890)",
 * "LS/r on X". What it answers is the parenthesis, else the statement the
 * title names ("LS on X"). FALSE when the title is no reply's. */
static gboolean
read_reply (Statement *statement)
{
	g_autoptr (GRegex) reply = pattern_regex ("^(?:Reply LS|Response LS|LS/r)\\s+(on|to)\\s+(.*)$",
	                                          G_REGEX_CASELESS);
	g_autoptr (GRegex) paren = pattern_regex ("\\((?:in )?(?:reply|response) to\\s+([^)]+)\\)",
	                                          G_REGEX_CASELESS);
	g_autoptr (GMatchInfo) match = NULL;
	g_autoptr (GMatchInfo) inner = NULL;
	g_autofree char *word = NULL;
	g_autofree char *subject = NULL;

	if (statement->title == NULL)
		return FALSE;
	if (g_regex_match (paren, statement->title, 0, &inner)) {
		g_autofree char *what = g_match_info_fetch (inner, 1);
		g_autofree char *clean = statement_clean_line (what);
		g_ptr_array_add (statement->references, g_steal_pointer (&clean));
		return TRUE;
	}
	if (!g_regex_match (reply, statement->title, 0, &match))
		return FALSE;
	word = g_match_info_fetch (match, 1);
	subject = g_match_info_fetch (match, 2);
	/* Without the quotes the reply puts around the original's title. */
	g_strstrip (subject);
	if (g_str_has_prefix (subject, "\xe2\x80\x9c") && g_str_has_suffix (subject, "\xe2\x80\x9d")) {
		subject[strlen (subject) - 3] = '\0';
		memmove (subject, subject + 3, strlen (subject + 3) + 1);
	} else if (subject[0] == '"' && strlen (subject) > 1 && subject[strlen (subject) - 1] == '"') {
		subject[strlen (subject) - 1] = '\0';
		memmove (subject, subject + 1, strlen (subject + 1) + 1);
	}
	g_ptr_array_add (statement->references, g_strdup_printf ("LS %s %s", word, subject));
	return TRUE;
}

/* TRUE when an entry of @field in @block names the IETF. */
static gboolean
names_ietf (const LabelBlock *block, Field field)
{
	for (guint i = 0; i < block->entries->len; i++) {
		const LabelEntry *entry = g_ptr_array_index (block->entries, i);
		if (entry->field == (int) field && labels_names_ietf (entry->value))
			return TRUE;
	}
	return FALSE;
}

/* Every addressee is a destination. The purpose is the one asked of the
 * IETF, on the line that names it ("For information to: IETF DetNet"
 * while another body is asked for action); when no line names the IETF,
 * the strongest one asked of anyone. A reply that asks nothing of us is
 * a response, unless it answers another body's statement and only
 * copies us for information. */
static void
read_purpose (Statement *statement, const LabelBlock *block)
{
	static const struct {
		Field field;
		Purpose purpose;
	} lines[] = {
		{ FIELD_ACTION_TO, PURPOSE_ACTION },
		{ FIELD_COMMENT_TO, PURPOSE_COMMENT },
		{ FIELD_INFORMATION_TO, PURPOSE_INFORMATION },
	};
	Purpose ours = PURPOSE_NONE;

	for (gsize i = 0; i < G_N_ELEMENTS (lines); i++) {
		if (add_destinations (statement, block, lines[i].field) && statement->purpose == PURPOSE_NONE)
			statement->purpose = lines[i].purpose;
		if (ours == PURPOSE_NONE && names_ietf (block, lines[i].field))
			ours = lines[i].purpose;
	}
	/* The 2003 template: "To: IETF CCAMP WG", "For: Action". */
	if (add_destinations (statement, block, FIELD_TO) && statement->purpose == PURPOSE_NONE)
		statement->purpose = statement_parse_purpose (label_block_value (block, FIELD_FOR));
	if (ours != PURPOSE_NONE)
		statement->purpose = ours;

	if (read_reply (statement)
	    && (statement->purpose == PURPOSE_NONE || statement->purpose == PURPOSE_INFORMATION)) {
		const char *answered = g_ptr_array_index (statement->references, statement->references->len - 1);
		if (ours != PURPOSE_INFORMATION || labels_names_ietf (answered))
			statement->purpose = PURPOSE_RESPONSE;
	}
}

static void
add_contacts (Statement *statement, const LabelBlock *block)
{
	for (guint i = 0; i < block->entries->len; i++) {
		const LabelEntry *entry = g_ptr_array_index (block->entries, i);
		g_autofree char *contact = NULL;

		if (entry->field != FIELD_CONTACT || labels_is_void (entry->value))
			continue;
		contact = labels_contact (entry->value);
		if (contact == NULL)
			continue;
		util_add_unique (statement->technical_contacts, contact, TRUE);
		if (statement->from_contact == NULL)
			statement->from_contact = g_strdup (contact);
	}
}

static void
add_attachment_lines (Statement *statement, const char *value)
{
	g_auto (GStrv) lines = NULL;

	if (value == NULL || labels_is_void (value))
		return;
	lines = labels_split_lines (value);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree char *clean = statement_clean_line (lines[i]);
		if (*clean != '\0' && !labels_is_void (clean))
			g_ptr_array_add (statement->attachment_titles, g_steal_pointer (&clean));
	}
}

/* The template ends with "Attachment(s):" after the body: the line where
 * it stands after @from, or -1; *rest points after its colon. */
static int
find_attachments (char *const *lines, guint from, const char **rest)
{
	static const LabelSpelling attachment[] = {
		{ "Attachments", FIELD_ATTACHMENTS }, { "Attachment", FIELD_ATTACHMENTS },
		{ "Attachment(s)", FIELD_ATTACHMENTS }, { "Annex", FIELD_ATTACHMENTS },
	};

	for (guint i = 0; i < from; i++)
		if (lines[i] == NULL)
			return -1;
	for (guint i = from; lines[i] != NULL; i++)
		if (labels_match (lines[i], attachment, G_N_ELEMENTS (attachment), rest) >= 0)
			return (int) i;
	return -1;
}

/* Lines @from to @to (exclusive), or to the end when @to is negative. */
static char *
lines_between (char *const *lines, guint from, int to)
{
	g_autoptr (GString) out = g_string_new (NULL);
	char *text;

	for (guint i = 0; i < from; i++)
		if (lines[i] == NULL)
			return NULL;
	for (guint i = from; lines[i] != NULL && (to < 0 || i < (guint) to); i++) {
		g_string_append (out, lines[i]);
		g_string_append_c (out, '\n');
	}
	text = statement_clean_text (out->str);
	if (*text == '\0')
		g_clear_pointer (&text, g_free);
	return text;
}

Statement *
extract_itut (const char *text, const ExtractContext *context, guint *score)
{
	g_autofree char *clean = NULL;
	g_auto (GStrv) lines = NULL;
	g_autoptr (LabelBlock) block = NULL;
	g_autoptr (Statement) statement = NULL;
	gboolean own = FALSE, heading;
	const char *value, *rest = NULL;
	int attachments;

	g_return_val_if_fail (score != NULL, NULL);
	*score = 0;
	if (text == NULL)
		return NULL;
	clean = statement_clean_text (text);
	lines = labels_split_lines (clean);
	heading = blank_headings (lines, HEADING_LINES);
	block = labels_read (lines, G_MAXUINT, spellings, G_N_ELEMENTS (spellings));
	for (gsize i = 0; i < G_N_ELEMENTS (own_fields); i++)
		if (block->seen & (1u << own_fields[i]))
			own = TRUE;
	/* The heading counts in the template's head only, not in a body
	 * that quotes another statement. */
	heading = heading && block->entries->len > 0;
	if (!own && !heading)
		return NULL;

	statement = statement_new ();
	statement->layout = LAYOUT_ITUT;
	if ((value = label_block_value (block, FIELD_TITLE)) != NULL)
		statement->title = statement_clean_line (value);
	statement->from_org_text = from_org (block, lines);
	add_contacts (statement, block);

	read_purpose (statement, block);

	if ((value = label_block_value (block, FIELD_DEADLINE)) != NULL && !labels_is_void (value))
		statement->deadline = statement_find_date (value, FALSE);
	/* "Agreed at the SG15 plenary (Geneva, 3-14 July 2027)": the
	 * meeting's last day at the latest. */
	if ((value = label_block_value (block, FIELD_APPROVAL)) != NULL)
		statement->submitted = statement_find_date (value, TRUE);
	find_ls_numbers (lines, block->end, statement->other_identifiers);
	add_attachment_lines (statement, label_block_value (block, FIELD_ATTACHMENTS));
	attachments = find_attachments (lines, block->end, &rest);
	if (attachments >= 0) {
		g_autofree char *after = NULL;
		g_autofree char *listed = NULL;

		after = lines_between (lines, (guint) attachments + 1, -1);
		listed = g_strconcat (rest, "\n", after != NULL ? after : "", NULL);
		add_attachment_lines (statement, listed);
	}
	statement->body = lines_between (lines, block->end, attachments);

	*score = label_block_count (block) + (heading ? 1 : 0)
	         + (statement->other_identifiers->len > 0 ? 1 : 0);
	return g_steal_pointer (&statement);
}
