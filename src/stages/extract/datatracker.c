/* extract/datatracker.c: the IETF Datatracker's "New Liaison Statement"
 * notification (Title:, Submission Date:, ... Body:, Attachments:), in its
 * 2008, 2019 and 2025 forms, read into a Statement. */
#include "config.h"

#include <string.h>

#include "stages/extract/layout.h"
#include "base/util.h"
#include "stages/extract/labels.h"
#include "base/pattern.h"

typedef enum {
	FIELD_TITLE,
	FIELD_SUBMITTED,
	FIELD_URL,
	FIELD_DEADLINE,
	FIELD_FROM,
	FIELD_FROM_GROUP,
	FIELD_TO,
	FIELD_TO_GROUP,
	FIELD_CC,
	FIELD_RESPONSE,
	FIELD_TECHNICAL,
	FIELD_PURPOSE,
	FIELD_REFERENCE,
	FIELD_BODY,
	FIELD_ATTACHMENTS,
	N_FIELDS
} Field;

/* Every spelling the Datatracker has used. "Please reply by" has no colon
 * in the template, but people who retype the block often add one. */
static const struct {
	const char *label;
	Field field;
	gboolean colon_optional;
} labels[] = {
	{ "Title", FIELD_TITLE, FALSE },
	{ "Submission Date", FIELD_SUBMITTED, FALSE },
	{ "URL of the IETF Web page", FIELD_URL, FALSE },
	{ "Please reply by", FIELD_DEADLINE, TRUE },
	{ "Deadline", FIELD_DEADLINE, FALSE },
	{ "From", FIELD_FROM, FALSE },
	{ "From Group", FIELD_FROM_GROUP, FALSE },
	{ "To", FIELD_TO, FALSE },
	{ "To Group", FIELD_TO_GROUP, FALSE },
	{ "To Groups", FIELD_TO_GROUP, FALSE },
	{ "Cc", FIELD_CC, FALSE },
	{ "Response Contact(s)", FIELD_RESPONSE, FALSE },
	{ "Response Contacts", FIELD_RESPONSE, FALSE },
	{ "Response Contact", FIELD_RESPONSE, FALSE },
	{ "Reponse Contact", FIELD_RESPONSE, FALSE },
	{ "Reponse Contacts", FIELD_RESPONSE, FALSE },
	{ "Technical Contact(s)", FIELD_TECHNICAL, FALSE },
	{ "Technical Contacts", FIELD_TECHNICAL, FALSE },
	{ "Technical Contact", FIELD_TECHNICAL, FALSE },
	{ "Purpose", FIELD_PURPOSE, FALSE },
	{ "Referenced liaison", FIELD_REFERENCE, FALSE },
	{ "Referenced liaisons", FIELD_REFERENCE, FALSE },
	{ "Body", FIELD_BODY, FALSE },
	{ "Attachments", FIELD_ATTACHMENTS, FALSE },
	{ "Attachment", FIELD_ATTACHMENTS, FALSE },
};

/* The labels that make a text a Datatracker notification; fewer than
 * MIN_CORE of them is some other text that happens to say "From:". */
static const Field core_fields[] = {
	FIELD_TITLE, FIELD_SUBMITTED, FIELD_FROM, FIELD_TO, FIELD_PURPOSE, FIELD_BODY,
};
#define MIN_CORE 3

/* The label that starts @line, with *value pointing at what follows its
 * colon; -1 when the line starts with none. Labels stand at the start of
 * the line; case does not matter. */
static int
label_at (const char *line, const char **value)
{
	for (gsize i = 0; i < G_N_ELEMENTS (labels); i++) {
		gsize len = strlen (labels[i].label);
		const char *p = line + len;

		if (g_ascii_strncasecmp (line, labels[i].label, len) != 0)
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ':')
			p++;
		else if (!labels[i].colon_optional || (p == line + len && *p != '\0'))
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		*value = p;
		return labels[i].field;
	}
	return -1;
}

typedef struct {
	GString *values[N_FIELDS];   /* the first occurrence of each label */
	GPtrArray *references;       /* GString*: every Referenced liaison */
	GString *current;            /* where a continuation line goes */
	GString *sink;               /* the value of a label we do not know */
	GString *body;
	GPtrArray *attachments;      /* char*: titles */
	guint seen;                  /* bit per Field */
	enum { IN_LABELS, IN_BODY, IN_ATTACHMENTS, DONE } where;
} Reader;

static void
string_free (gpointer string)
{
	g_string_free (string, TRUE);
}

static Reader *
reader_new (void)
{
	Reader *reader = g_new0 (Reader, 1);

	reader->references = g_ptr_array_new_with_free_func (string_free);
	reader->attachments = g_ptr_array_new_with_free_func (g_free);
	reader->sink = g_string_new (NULL);
	return reader;
}

static void
reader_free (Reader *reader)
{
	if (reader == NULL)
		return;
	for (int i = 0; i < N_FIELDS; i++)
		if (reader->values[i] != NULL)
			g_string_free (reader->values[i], TRUE);
	g_ptr_array_unref (reader->references);
	g_ptr_array_unref (reader->attachments);
	if (reader->body != NULL)
		g_string_free (reader->body, TRUE);
	g_string_free (reader->sink, TRUE);
	g_free (reader);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reader, reader_free)

/* TRUE when @line starts with what looks like a label we do not know
 * ("Action Holder Contacts: ..."): a few words at the left margin and a
 * colon followed by a space or the end of the line. Such a line ends the
 * value before it rather than continuing it, so that a label added to the
 * Datatracker's template one day does not spoil its neighbour. */
static gboolean
looks_like_label (const char *line)
{
	int words = 1;

	if (!g_ascii_isalpha (line[0]))
		return FALSE;
	for (const char *p = line; *p != '\0' && p - line < 40; p++) {
		if (*p == ':')
			return p[1] == '\0' || p[1] == ' ' || p[1] == '\t';
		if (*p == ' ' && ++words > 5)
			return FALSE;
		if (!g_ascii_isalnum (*p) && strchr (" ()-/'", *p) == NULL)
			return FALSE;
	}
	return FALSE;
}

/* One line of the Attachments block: indented pairs of a title line and a
 * URL line, or the words saying there is none. A line at the left margin
 * ends the block (a list footer, a signature). */
static void
read_attachment_line (Reader *reader, const char *line, gboolean first)
{
	g_autofree char *clean = statement_clean_line (line);

	/* Some versions of the template put this at the left margin. */
	if (*clean == '\0' || g_ascii_strncasecmp (clean, "No document has been attached", 29) == 0)
		return;
	if (!first && line[0] != ' ' && line[0] != '\t') {
		reader->where = DONE;
		return;
	}
	if (g_ascii_strncasecmp (clean, "http://", 7) == 0
	    || g_ascii_strncasecmp (clean, "https://", 8) == 0)
		return;
	g_ptr_array_add (reader->attachments, g_steal_pointer (&clean));
}

/* A line of the label block that is no label we know. */
static void
read_other_line (Reader *reader, const char *line)
{
	gboolean indented = line[0] == ' ' || line[0] == '\t';

	if (util_is_blank (line)) {
		reader->current = NULL;
	} else if (!indented && looks_like_label (line)) {
		g_string_truncate (reader->sink, 0);
		reader->current = reader->sink;
	} else if (reader->current != NULL) {
		/* A value folded over several lines: the mail program's wrap
		 * (indented or not), the sender's, or the old tool's list of
		 * contacts, one a line. The break is kept: value_of() makes
		 * it a space, and a list of contacts splits at it. */
		g_string_append_printf (reader->current, "\n%s", line);
	} else if (reader->seen != 0) {
		/* Text that continues nothing: the label block is over. Lines
		 * before the first label are a preamble ("Dear colleagues"). */
		reader->where = DONE;
	}
}

/* A line of the label block: a label, a continuation of the one before, or
 * something else. */
static void
read_label_line (Reader *reader, const char *line)
{
	const char *value;
	int field = label_at (line, &value);

	if (field < 0) {
		read_other_line (reader, line);
		return;
	}
	reader->seen |= 1u << field;
	reader->current = NULL;
	switch (field) {
	case FIELD_BODY:
		reader->body = g_string_new (value);
		reader->where = IN_BODY;
		break;
	case FIELD_ATTACHMENTS:
		reader->where = IN_ATTACHMENTS;
		read_attachment_line (reader, value, TRUE);
		break;
	case FIELD_REFERENCE:
		reader->current = g_string_new (value);
		g_ptr_array_add (reader->references, reader->current);
		break;
	default:
		/* A label seen twice: the first one stands, and the second
		 * one's folded lines go nowhere. */
		if (reader->values[field] == NULL) {
			reader->current = reader->values[field] = g_string_new (value);
		} else {
			g_string_truncate (reader->sink, 0);
			reader->current = reader->sink;
		}
		break;
	}
}

static void
read_body_line (Reader *reader, const char *line)
{
	const char *value;

	if (label_at (line, &value) == FIELD_ATTACHMENTS) {
		reader->seen |= 1u << FIELD_ATTACHMENTS;
		reader->where = IN_ATTACHMENTS;
		read_attachment_line (reader, value, TRUE);
		return;
	}
	g_string_append_c (reader->body, '\n');
	g_string_append (reader->body, line);
}

static void
read_lines (Reader *reader, char **lines, guint start)
{
	for (guint i = start; lines[i] != NULL && reader->where != DONE; i++) {
		switch (reader->where) {
		case IN_LABELS:
			read_label_line (reader, lines[i]);
			break;
		case IN_BODY:
			read_body_line (reader, lines[i]);
			break;
		case IN_ATTACHMENTS:
			read_attachment_line (reader, lines[i], FALSE);
			break;
		case DONE:
			break;
		}
	}
}

/* The cleaned value of @field, or NULL when absent or empty. */
static char *
value_of (const Reader *reader, Field field)
{
	g_autofree char *clean = NULL;

	if (reader->values[field] == NULL)
		return NULL;
	clean = statement_clean_line (reader->values[field]->str);
	return *clean != '\0' ? g_steal_pointer (&clean) : NULL;
}

/* The offset of the parenthesis that opens the group ending @text, or of
 * an unclosed one (a value cut short: "ITU-T SG15 (Greg Jo"); -1 when
 * there is neither. */
static gssize
last_open_paren (const char *text, gsize len)
{
	int depth = 0;

	if (len == 0)
		return -1;
	if (text[len - 1] != ')') {
		const char *open = strrchr (text, '(');
		return open != NULL && strchr (open, ')') == NULL ? open - text : -1;
	}
	for (gsize i = len; i-- > 0;) {
		if (text[i] == ')')
			depth++;
		else if (text[i] == '(' && --depth == 0)
			return (gssize) i;
	}
	return -1;
}

/* Splits "Name (inside)" at its last top-level parenthesis, the one that
 * ends the text: "O-RAN WG4 (Martin Hall <m@o-ran.org>)" gives "O-RAN WG4"
 * and "Martin Hall <m@o-ran.org>". FALSE when @text has no such form, or
 * when what comes before is an address ("greg@itu.int (Greg Jones)"). */
static gboolean
split_parens (const char *text, char **before, char **inside)
{
	gsize len = strlen (text);
	gssize open = last_open_paren (text, len);
	gsize end = len > 0 && text[len - 1] == ')' ? len - 1 : len;
	g_autofree char *head = NULL;
	g_autofree char *tail = NULL;

	if (open <= 0)
		return FALSE;
	head = g_strndup (text, (gsize) open);
	tail = g_strndup (text + open + 1, end - (gsize) open - 1);
	*before = statement_clean_line (head);
	*inside = statement_clean_line (tail);
	if (**before != '\0' && strpbrk (*before, "@<>") == NULL)
		return TRUE;
	g_clear_pointer (before, g_free);
	g_clear_pointer (inside, g_free);
	return FALSE;
}

/* The old tool's "Name(Organization) <address>": FALSE when @text has
 * no such form. *org is the parenthesis, *contact the rest. */
static gboolean
split_person_org (const char *text, char **org, char **contact)
{
	g_autoptr (GRegex) re = pattern_regex ("^([^(<>@]+?)\\s*\\(([^()<>@]+)\\)\\s*(<[^<>]+@[^<>]+>)$", 0);
	g_autoptr (GMatchInfo) match = NULL;
	g_autofree char *name = NULL;
	g_autofree char *inside = NULL;
	g_autofree char *address = NULL;

	if (!g_regex_match (re, text, 0, &match))
		return FALSE;
	name = g_match_info_fetch (match, 1);
	inside = g_match_info_fetch (match, 2);
	address = g_match_info_fetch (match, 3);
	*org = statement_clean_line (inside);
	*contact = g_strdup_printf ("%s %s", g_strstrip (name), address);
	return TRUE;
}

static char *
first_contact (const char *text)
{
	g_autoptr (GPtrArray) contacts = g_ptr_array_new_with_free_func (g_free);

	statement_split_contacts (text, contacts);
	return contacts->len > 0 ? g_strdup (g_ptr_array_index (contacts, 0)) : NULL;
}

/* From: "ITU-T SG15 (Greg Jones)" before 2025; since then the organization
 * is in From Group:, and From: may name the contact alone. */
static void
fill_from (Statement *statement, const Reader *reader)
{
	g_autofree char *from = value_of (reader, FIELD_FROM);
	g_autofree char *group = value_of (reader, FIELD_FROM_GROUP);
	g_autofree char *org = NULL;
	g_autofree char *contact = NULL;

	if (from != NULL && split_person_org (from, &org, &contact)) {
		statement->from_contact = g_steal_pointer (&contact);
	} else if (from != NULL && split_parens (from, &org, &contact)) {
		statement->from_contact = first_contact (contact);
	} else if (from != NULL && (group != NULL || strchr (from, '@') != NULL)) {
		statement->from_contact = first_contact (from);
	} else {
		org = g_steal_pointer (&from);
	}
	statement->from_org_text = group != NULL ? g_steal_pointer (&group) : g_steal_pointer (&org);
}

/* To: "ccamp (Daniele Ceccarelli)" or "Internet Architecture Board
 * (iab-chairs@ietf.org, ...)" before 2025, one such part per destination
 * when there are several ("TEAS (teas-chairs@ietf.org), DetNet (...)");
 * since 2025 the groups are in To Group:, as "Name (acronym)", separated by
 * commas. */
static void
fill_to (Statement *statement, const Reader *reader)
{
	g_autofree char *to = value_of (reader, FIELD_TO);
	g_autofree char *group = value_of (reader, FIELD_TO_GROUP);
	g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

	if (group != NULL)
		statement_split_contacts (group, statement->to_texts);
	if (to == NULL)
		return;
	statement_split_contacts (to, parts);
	for (guint i = 0; i < parts->len; i++) {
		const char *part = g_ptr_array_index (parts, i);
		g_autofree char *names = NULL;
		g_autofree char *contacts = NULL;

		if (split_person_org (part, &names, &contacts)) {
			if (group == NULL)
				g_ptr_array_add (statement->to_texts, g_steal_pointer (&names));
			g_ptr_array_add (statement->to_contacts, g_steal_pointer (&contacts));
		} else if (split_parens (part, &names, &contacts)) {
			if (group == NULL)
				g_ptr_array_add (statement->to_texts, g_steal_pointer (&names));
			statement_split_contacts (contacts, statement->to_contacts);
		} else if (group != NULL || strchr (part, '@') != NULL) {
			g_ptr_array_add (statement->to_contacts, g_strdup (part));
		} else {
			g_ptr_array_add (statement->to_texts, g_strdup (part));
		}
	}
}

/* A list of contacts: split at commas, and at line breaks when each of
 * its lines holds an address (the old tool wrote one contact a line);
 * other breaks are a wrapped line. */
static void
fill_contacts (GPtrArray *out, const Reader *reader, Field field)
{
	g_auto (GStrv) lines = NULL;
	g_autofree char *list = NULL;
	gboolean each_addressed = TRUE;

	if (reader->values[field] == NULL)
		return;
	lines = labels_split_lines (reader->values[field]->str);
	for (guint i = 0; lines[i] != NULL; i++)
		if (!util_is_blank (lines[i]) && strchr (lines[i], '@') == NULL)
			each_addressed = FALSE;
	list = g_strjoinv (each_addressed ? ",\n" : " ", lines);
	statement_split_contacts (list, out);
}

static char *
parse_date_field (const Reader *reader, Field field)
{
	g_autofree char *text = value_of (reader, field);

	return text != NULL ? statement_parse_date (text) : NULL;
}

static void
fill_statement (Statement *statement, const Reader *reader)
{
	g_autofree char *purpose = value_of (reader, FIELD_PURPOSE);

	statement->layout = LAYOUT_DATATRACKER;
	statement->title = value_of (reader, FIELD_TITLE);
	statement->submitted = parse_date_field (reader, FIELD_SUBMITTED);
	statement->deadline = parse_date_field (reader, FIELD_DEADLINE);
	statement->url = value_of (reader, FIELD_URL);
	statement->purpose = statement_parse_purpose (purpose);
	fill_from (statement, reader);
	fill_to (statement, reader);
	fill_contacts (statement->cc, reader, FIELD_CC);
	fill_contacts (statement->response_contacts, reader, FIELD_RESPONSE);
	fill_contacts (statement->technical_contacts, reader, FIELD_TECHNICAL);

	for (guint i = 0; i < reader->references->len; i++) {
		GString *ref = g_ptr_array_index (reader->references, i);
		g_autofree char *clean = statement_clean_line (ref->str);
		if (*clean != '\0')
			g_ptr_array_add (statement->references, g_steal_pointer (&clean));
	}
	for (guint i = 0; i < reader->attachments->len; i++)
		g_ptr_array_add (statement->attachment_titles,
		                 g_strdup (g_ptr_array_index (reader->attachments, i)));
	if (reader->body != NULL) {
		g_autofree char *body = statement_clean_text (reader->body->str);
		if (*body != '\0')
			statement->body = g_steal_pointer (&body);
	}
}

/* How many distinct labels @reader saw (the score), and how many of them
 * were core labels. */
static guint
reader_score (const Reader *reader, guint *core)
{
	guint score = 0;

	*core = 0;
	for (int i = 0; i < N_FIELDS; i++)
		if (reader->seen & (1u << i))
			score++;
	for (gsize i = 0; i < G_N_ELEMENTS (core_fields); i++)
		if (reader->seen & (1u << core_fields[i]))
			(*core)++;
	return score;
}

/* The lines where a notification may start: each Title (so that the
 * header block of a forwarding mail above it is not read), at most
 * MAX_STARTS of them; or the first line when there is no Title. */
#define MAX_STARTS 8

static guint
find_starts (char **lines, guint *starts)
{
	const char *value;
	guint n = 0;

	for (guint i = 0; lines[i] != NULL && n < MAX_STARTS; i++)
		if (label_at (lines[i], &value) == FIELD_TITLE)
			starts[n++] = i;
	if (n == 0)
		starts[n++] = 0;
	return n;
}

Statement *
extract_datatracker (const char *text, const ExtractContext *context, guint *score)
{
	g_autoptr (Reader) best = NULL;
	g_autofree char *clean = NULL;
	g_auto (GStrv) lines = NULL;
	guint starts[MAX_STARTS], n_starts, best_core = 0;
	Statement *statement;

	g_return_val_if_fail (score != NULL, NULL);
	*score = 0;
	if (text == NULL)
		return NULL;

	/* Whoever calls us, the lines end in LF and hold no control
	 * characters from here on. */
	clean = statement_clean_text (text);
	lines = labels_split_lines (clean);
	n_starts = find_starts (lines, starts);
	for (guint i = 0; i < n_starts; i++) {
		g_autoptr (Reader) reader = reader_new ();
		guint core, s;

		read_lines (reader, lines, starts[i]);
		s = reader_score (reader, &core);
		if (best == NULL || s > *score) {
			g_clear_pointer (&best, reader_free);
			best = g_steal_pointer (&reader);
			*score = s;
			best_core = core;
		}
	}
	if (best_core < MIN_CORE)
		return NULL;
	statement = statement_new ();
	fill_statement (statement, best);
	return statement;
}
