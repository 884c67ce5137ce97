/* extract/3gpp.c: the 3GPP liaison statement template (the meeting and TDoc
 * heading, Title:, Response to:, Release:, Work Item:, Source:, To:, Cc:,
 * Contact Person:, Send any reply LS to:, Attachments:, then "1. Overall
 * Description:", "2. Actions:" and "3. Date of Next ... Meetings:"). */
#include "config.h"

#include <string.h>

#include "stages/extract/layout.h"
#include "base/util.h"
#include "stages/extract/labels.h"
#include "base/pattern.h"

typedef enum {
	FIELD_TITLE,
	FIELD_RESPONSE_TO,
	FIELD_RELEASE,
	FIELD_WORK_ITEM,
	FIELD_SOURCE,
	FIELD_TO,
	FIELD_CC,
	FIELD_CONTACT,
	FIELD_REPLY_TO,
	FIELD_ATTACHMENTS,
} Field;

static const LabelSpelling spellings[] = {
	{ "Title", FIELD_TITLE },
	{ "Response to", FIELD_RESPONSE_TO },
	{ "Release", FIELD_RELEASE },
	{ "Work Item", FIELD_WORK_ITEM },
	{ "Work Items", FIELD_WORK_ITEM },
	{ "Source", FIELD_SOURCE },
	{ "To", FIELD_TO },
	{ "Cc", FIELD_CC },
	{ "Contact Person", FIELD_CONTACT },
	{ "Contact Persons", FIELD_CONTACT },
	{ "Contact person(s)", FIELD_CONTACT },
	{ "Send any reply LS to", FIELD_REPLY_TO },
	{ "Send any reply LSs to", FIELD_REPLY_TO },
	{ "Attachments", FIELD_ATTACHMENTS },
	{ "Attachment", FIELD_ATTACHMENTS },
};

/* The sections after the label block, found by their headings. */
#define DESCRIPTION_PATTERN "^\\s*(?:1\\s*[.)]?\\s*)?Overall Description\\s*:?\\s*(.*)$"
#define ACTIONS_PATTERN "^\\s*(?:2\\s*[.)]?\\s*)?Actions?\\s*:?\\s*(.*)$"
#define MEETINGS_PATTERN "^\\s*(?:3\\s*[.)]?\\s*)?Dates? of (?:the )?next\\b.*\\bmeetings?\\b.*$"
/* "3GPP TSG-SA WG2 Meeting #160", "3GPP TSG RAN WG2 #125-bis". */
#define HEADING_PATTERN "\\b3GPP\\s+(TSG[ -]?[A-Z]+(?:\\s+WG\\s?\\d)?)\\b.*?(?:Meeting\\s*)?#\\s?\\d+"
/* A TDoc number: "S2-2601234", "SP-260123", "R2-2612345", "C4-261234". */
#define TDOC_PATTERN "\\b[CGRST][P1-6]-\\d{6,7}\\b"

/* The first line at or after @from (and before @to) matching @pattern
 * (case-insensitive), or -1; *rest gets its group 1 when it has one. */
static int
find_line (char *const *lines, guint from, guint to, const char *pattern, char **rest)
{
	g_autoptr (GRegex) re = pattern_regex (pattern, G_REGEX_CASELESS);

	g_return_val_if_fail (re != NULL, -1);
	for (guint i = from; lines[i] != NULL && i < to; i++) {
		g_autoptr (GMatchInfo) match = NULL;
		if (g_regex_match (re, lines[i], 0, &match)) {
			if (rest != NULL)
				*rest = g_match_info_get_match_count (match) > 1 ? g_match_info_fetch (match, 1) : NULL;
			return (int) i;
		}
	}
	return -1;
}

/* Lines @from to @to (exclusive; G_MAXUINT: to the end), joined. */
static char *
join_lines (char *const *lines, guint from, guint to)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < from; i++)
		if (lines[i] == NULL)
			return g_string_free (out, FALSE);
	for (guint i = from; lines[i] != NULL && i < to; i++) {
		if (i > from)
			g_string_append_c (out, '\n');
		g_string_append (out, lines[i]);
	}
	return g_string_free (out, FALSE);
}

/* A list written in one value, split at commas, semicolons, cells and
 * lines: "IETF CCAMP WG, IETF TEAS WG". */
static void
add_list (GPtrArray *out, const char *value)
{
	g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *copy = NULL;

	if (value == NULL || labels_is_void (value))
		return;
	copy = g_strdelimit (g_strdup (value), "\n\t", ';');
	statement_split_contacts (copy, parts);
	for (guint i = 0; i < parts->len; i++)
		if (!labels_is_void (g_ptr_array_index (parts, i)))
			util_add_unique (out, g_ptr_array_index (parts, i), TRUE);
}

/* "3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org": the words
 * before the address are the name. */
static char *
reply_contact (const char *value)
{
	g_autoptr (GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *name = NULL;
	const char *address, *at;
	gsize len;

	if (value == NULL || labels_is_void (value))
		return NULL;
	labels_find_addresses (value, addresses);
	if (addresses->len == 0)
		return statement_clean_line (value);
	address = g_ptr_array_index (addresses, 0);
	at = strstr (value, address);
	name = g_strndup (value, at != NULL ? (gsize) (at - value) : 0);
	len = strlen (name);
	if (len >= 7 && g_ascii_strcasecmp (name + len - 7, "mailto:") == 0)
		name[len - 7] = '\0';
	g_strdelimit (name, "\n\t", ' ');
	g_strstrip (name);
	while ((len = strlen (name)) > 0 && strchr (",;:<(", name[len - 1]) != NULL) {
		name[len - 1] = '\0';
		g_strstrip (name);
	}
	return statement_format_contact (name, address);
}

/* "To IETF CCAMP group." and "ACTION: ..." lines of the Actions section:
 * more destinations, and whether anything is asked. An addressee line
 * ends in "group(s)" or "WG", or is a short capitalised name and a full
 * stop ("To IETF CCAMP."), so that a sentence ("To be decided.") is none. */
static gboolean
read_actions (Statement *statement, const char *actions)
{
	g_autoptr (GRegex) to = pattern_regex (
		"^\\s*To\\s+(?:(.{2,80}?)\\s*(?:groups?|WGs?|working groups?)|([A-Z0-9][^,.:]{1,40}?))\\s*[.:]?\\s*$",
		0);
	g_autoptr (GRegex) action = pattern_regex ("^\\s*ACTIONS?\\s*:\\s*(.*)$", G_REGEX_CASELESS);
	g_auto (GStrv) lines = labels_split_lines (actions);
	gboolean asked = FALSE;

	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr (GMatchInfo) to_match = NULL;
		g_autoptr (GMatchInfo) action_match = NULL;

		if (g_regex_match (to, lines[i], 0, &to_match)) {
			g_autofree char *long_form = g_match_info_fetch (to_match, 1);
			g_autofree char *short_form = g_match_info_fetch (to_match, 2);
			g_autofree char *clean = statement_clean_line (long_form != NULL && *long_form != '\0'
			                                               ? long_form : short_form);
			if (*clean != '\0' && !labels_is_void (clean))
				labels_add_destination (statement->to_texts, clean);
		} else if (g_regex_match (action, lines[i], 0, &action_match)) {
			g_autofree char *what = g_match_info_fetch (action_match, 1);
			/* "ACTION: None." asks nothing. */
			if (*what == '\0' || !labels_is_void (what))
				asked = TRUE;
		}
	}
	return asked;
}

/* The labelled values, each written where the Statement keeps it. */
static void
set_title (Statement *statement, const char *value)
{
	statement->title = statement_clean_line (value);
}

static void
set_to (Statement *statement, const char *value)
{
	add_list (statement->to_texts, value);
}

static void
set_cc (Statement *statement, const char *value)
{
	add_list (statement->cc, value);
}

static void
set_contact (Statement *statement, const char *value)
{
	g_autofree char *contact = labels_contact (value);

	if (contact != NULL) {
		statement->from_contact = g_strdup (contact);
		g_ptr_array_add (statement->technical_contacts, g_steal_pointer (&contact));
	}
}

static void
set_reply_to (Statement *statement, const char *value)
{
	g_autofree char *contact = reply_contact (value);

	if (contact != NULL)
		g_ptr_array_add (statement->response_contacts, g_steal_pointer (&contact));
}

static void
set_response_to (Statement *statement, const char *value)
{
	if (!labels_is_void (value))
		g_ptr_array_add (statement->references, statement_clean_line (value));
}

static void
set_attachments (Statement *statement, const char *value)
{
	add_list (statement->attachment_titles, value);
}

static const struct {
	Field field;
	void (*set) (Statement *statement, const char *value);
} setters[] = {
	{ FIELD_TITLE, set_title },
	{ FIELD_TO, set_to },
	{ FIELD_CC, set_cc },
	{ FIELD_CONTACT, set_contact },
	{ FIELD_REPLY_TO, set_reply_to },
	{ FIELD_RESPONSE_TO, set_response_to },
	{ FIELD_ATTACHMENTS, set_attachments },
};

/* Where the parts of a 3GPP statement stand: line numbers, or -1. */
typedef struct {
	guint n_lines;
	int description;         /* "1. Overall Description:" */
	int actions;             /* "2. Actions:" */
	int meetings;            /* "3. Date of Next ... Meetings:" */
	int heading;             /* "3GPP TSG-SA WG2 Meeting #160" */
	char *description_rest;  /* what follows the description's heading */
	char *heading_org;       /* the group the heading names */
	LabelBlock *block;
} Parts;

static void
parts_clear (Parts *parts)
{
	g_free (parts->description_rest);
	g_free (parts->heading_org);
	g_clear_pointer (&parts->block, label_block_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parts, parts_clear)

/* Finds the label block (before the description) and the heading and
 * sections around it, in the parts->n_lines @lines. */
static void
find_parts (char *const *lines, Parts *parts)
{
	guint n_lines = parts->n_lines;
	guint block_end, heading_end, actions_from, meetings_from;

	parts->description = find_line (lines, 0, n_lines, DESCRIPTION_PATTERN, &parts->description_rest);
	block_end = parts->description >= 0 ? (guint) parts->description : n_lines;
	parts->block = labels_read (lines, block_end, spellings, G_N_ELEMENTS (spellings));
	heading_end = parts->block->entries->len > 0 ? parts->block->start + 1 : MIN (n_lines, 10);
	parts->heading = find_line (lines, 0, heading_end, HEADING_PATTERN, &parts->heading_org);
	actions_from = parts->description >= 0 ? (guint) parts->description + 1 : parts->block->end;
	parts->actions = find_line (lines, actions_from, n_lines, ACTIONS_PATTERN, NULL);
	meetings_from = parts->actions >= 0 ? (guint) parts->actions + 1 : parts->block->end;
	parts->meetings = find_line (lines, meetings_from, n_lines, MEETINGS_PATTERN, NULL);
}

/* "Source: SA WG2" names a group of 3GPP: say so, as the directory
 * writes it ("3GPP SA WG2"). Without one, the group of the heading. */
static void
set_source (Statement *statement, const char *value, const char *heading_org)
{
	if (value != NULL && !labels_is_void (value)) {
		g_autofree char *source = statement_clean_line (value);
		statement->from_org_text = g_ascii_strncasecmp (source, "3GPP", 4) == 0
			? g_steal_pointer (&source) : g_strdup_printf ("3GPP %s", source);
	} else if (heading_org != NULL) {
		g_autofree char *org = statement_clean_line (heading_org);
		statement->from_org_text = g_strdup_printf ("3GPP %s", org);
	}
}

/* The heading: the TDoc number, and the meeting's dates (the statement
 * was approved there, by its last day at the latest). */
static void
read_heading (Statement *statement, char *const *lines, const Parts *parts)
{
	const LabelBlock *block = parts->block;
	guint end = block->entries->len > 0 ? block->start : MIN (parts->n_lines, 10);
	g_autofree char *head = join_lines (lines, 0, end);
	g_autoptr (GRegex) tdoc = pattern_regex (TDOC_PATTERN, 0);
	g_autoptr (GMatchInfo) match = NULL;

	for (g_regex_match (tdoc, head, 0, &match); g_match_info_matches (match);
	     g_match_info_next (match, NULL)) {
		g_autofree char *number = g_match_info_fetch (match, 0);
		util_add_unique (statement->other_identifiers, number, TRUE);
	}
	statement->submitted = statement_find_date (head, TRUE);
}

/* The Actions section says what is asked, and the purpose follows; the
 * deadline is a date the actions name, else, for an action, the next
 * meeting: 3GPP expects the answer before its group meets again. */
static void
read_actions_and_meetings (Statement *statement, char *const *lines, const Parts *parts)
{
	g_autofree char *actions = NULL;
	g_autofree char *meetings = NULL;
	gboolean asked = FALSE;

	if (parts->actions >= 0) {
		actions = join_lines (lines, (guint) parts->actions + 1,
		                      parts->meetings >= 0 ? (guint) parts->meetings : G_MAXUINT);
		asked = read_actions (statement, actions);
	}
	if (parts->meetings >= 0)
		meetings = join_lines (lines, (guint) parts->meetings + 1, G_MAXUINT);
	if (asked)
		statement->purpose = PURPOSE_ACTION;
	else if (statement->references->len > 0)
		statement->purpose = PURPOSE_RESPONSE;
	else if (parts->actions >= 0 || parts->description >= 0)
		statement->purpose = PURPOSE_INFORMATION;

	if (actions != NULL)
		statement->deadline = labels_find_deadline (actions);
	if (statement->deadline == NULL && asked && meetings != NULL)
		statement->deadline = statement_find_date (meetings, FALSE);
}

/* IETF groups on the Cc: row are copied for information: they are
 * destinations too. When no To: row or action names the IETF, the
 * statement is for our information only, and the date by which it asks
 * others to act is not ours. */
static void
read_ietf_copies (Statement *statement)
{
	gboolean addressed = FALSE, copied = FALSE;

	for (guint i = 0; i < statement->to_texts->len; i++)
		if (labels_names_ietf (g_ptr_array_index (statement->to_texts, i)))
			addressed = TRUE;
	for (guint i = 0; i < statement->cc->len; i++) {
		const char *cc = g_ptr_array_index (statement->cc, i);
		if (!labels_names_ietf (cc))
			continue;
		labels_add_destination (statement->to_texts, cc);
		copied = TRUE;
	}
	if (copied && !addressed) {
		statement->purpose = PURPOSE_INFORMATION;
		g_clear_pointer (&statement->deadline, g_free);
	}
}

/* The body: the Overall Description and all that follows it. */
static void
read_body (Statement *statement, char *const *lines, const Parts *parts)
{
	g_autofree char *rest = join_lines (lines, (guint) parts->description + 1, G_MAXUINT);
	const char *first = parts->description_rest != NULL ? parts->description_rest : "";
	g_autofree char *body = g_strconcat (first, "\n", rest, NULL);

	statement->body = statement_clean_text (body);
	if (*statement->body == '\0')
		g_clear_pointer (&statement->body, g_free);
}

Statement *
extract_3gpp (const char *text, const ExtractContext *context, guint *score)
{
	g_autofree char *clean = NULL;
	g_auto (GStrv) lines = NULL;
	g_auto (Parts) parts = { 0 };
	g_autoptr (Statement) statement = NULL;
	const LabelBlock *block;

	g_return_val_if_fail (score != NULL, NULL);
	*score = 0;
	if (text == NULL)
		return NULL;
	clean = statement_clean_text (text);
	lines = labels_split_lines (clean);
	parts.n_lines = g_strv_length (lines);
	find_parts (lines, &parts);
	block = parts.block;

	/* The labels that only 3GPP's template has, or its sections. */
	if (!(block->seen & ((1u << FIELD_RESPONSE_TO) | (1u << FIELD_RELEASE) | (1u << FIELD_WORK_ITEM)
	                     | (1u << FIELD_CONTACT) | (1u << FIELD_REPLY_TO)))
	    && parts.description < 0 && parts.heading < 0)
		return NULL;

	statement = statement_new ();
	statement->layout = LAYOUT_3GPP;
	set_source (statement, label_block_value (block, FIELD_SOURCE), parts.heading_org);
	for (gsize i = 0; i < G_N_ELEMENTS (setters); i++) {
		const char *value = label_block_value (block, setters[i].field);
		if (value != NULL)
			setters[i].set (statement, value);
	}
	if (parts.heading >= 0 || block->entries->len > 0)
		read_heading (statement, lines, &parts);
	read_actions_and_meetings (statement, lines, &parts);
	read_ietf_copies (statement);
	if (parts.description >= 0)
		read_body (statement, lines, &parts);

	*score = label_block_count (block) + (parts.description >= 0) + (parts.actions >= 0)
	         + (parts.meetings >= 0) + (parts.heading >= 0);
	return g_steal_pointer (&statement);
}
