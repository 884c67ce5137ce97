/* statement.c: the Statement value and the pure normalisation of what the
 * bodies of liaison statements write: purposes, dates, contact lists, and
 * text that must lose its control characters before anyone stores it. */
#include "config.h"

#include <string.h>

#include "base/statement.h"

Statement *
statement_new (void)
{
	Statement *statement = g_new0 (Statement, 1);

	statement->to_texts = g_ptr_array_new_with_free_func (g_free);
	statement->to_contacts = g_ptr_array_new_with_free_func (g_free);
	statement->cc = g_ptr_array_new_with_free_func (g_free);
	statement->response_contacts = g_ptr_array_new_with_free_func (g_free);
	statement->technical_contacts = g_ptr_array_new_with_free_func (g_free);
	statement->references = g_ptr_array_new_with_free_func (g_free);
	statement->other_identifiers = g_ptr_array_new_with_free_func (g_free);
	statement->attachment_titles = g_ptr_array_new_with_free_func (g_free);
	statement->links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);
	statement->groups = g_ptr_array_new_with_free_func (g_free);
	statement->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
	statement->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_route_free);
	statement->related = g_ptr_array_new_with_free_func ((GDestroyNotify) related_free);
	statement->thread = g_ptr_array_new_with_free_func ((GDestroyNotify) thread_entry_free);
	statement->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
	return statement;
}

/* The arrays of @statement, in one list (statement_reset()). */
#define STATEMENT_ARRAYS(s) \
	{ &(s)->to_texts, &(s)->to_contacts, &(s)->cc, &(s)->response_contacts, \
	  &(s)->technical_contacts, &(s)->references, &(s)->other_identifiers, \
	  &(s)->attachment_titles, &(s)->links, &(s)->groups, &(s)->attachments, &(s)->routes, \
	  &(s)->related, &(s)->thread, &(s)->events }

/* Frees what @statement holds, not @statement itself; its arrays that are
 * NULL are skipped. */
static void
statement_clear (Statement *statement)
{
	g_free (statement->origin);
	g_free (statement->title);
	g_free (statement->submitted);
	g_free (statement->deadline);
	g_free (statement->url);
	g_free (statement->from_org_text);
	g_free (statement->from_contact);
	g_clear_pointer (&statement->to_texts, g_ptr_array_unref);
	g_clear_pointer (&statement->to_contacts, g_ptr_array_unref);
	g_clear_pointer (&statement->cc, g_ptr_array_unref);
	g_clear_pointer (&statement->response_contacts, g_ptr_array_unref);
	g_clear_pointer (&statement->technical_contacts, g_ptr_array_unref);
	g_clear_pointer (&statement->references, g_ptr_array_unref);
	g_clear_pointer (&statement->other_identifiers, g_ptr_array_unref);
	g_clear_pointer (&statement->attachment_titles, g_ptr_array_unref);
	g_clear_pointer (&statement->links, g_ptr_array_unref);
	g_free (statement->body);
	g_free (statement->from_org);
	g_clear_pointer (&statement->groups, g_ptr_array_unref);
	g_free (statement->hold_reason);
	g_free (statement->id);
	g_free (statement->handle);
	g_free (statement->received);
	g_free (statement->message_id);
	g_clear_pointer (&statement->attachments, g_ptr_array_unref);
	g_clear_pointer (&statement->routes, g_ptr_array_unref);
	g_clear_pointer (&statement->related, g_ptr_array_unref);
	g_clear_pointer (&statement->thread, g_ptr_array_unref);
	g_clear_pointer (&statement->events, g_ptr_array_unref);
}

void
statement_reset (Statement *statement)
{
	GPtrArray **fields[] = STATEMENT_ARRAYS (statement);
	GPtrArray *arrays[G_N_ELEMENTS (fields)];

	g_return_if_fail (statement != NULL);

	/* The arrays emptied and kept; the rest freed and zeroed. */
	for (gsize i = 0; i < G_N_ELEMENTS (fields); i++) {
		arrays[i] = *fields[i];
		*fields[i] = NULL;
		if (arrays[i] != NULL)
			g_ptr_array_set_size (arrays[i], 0);
	}
	statement_clear (statement);
	memset (statement, 0, sizeof *statement);
	for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
		*fields[i] = arrays[i];
}

void
statement_free (Statement *statement)
{
	if (statement == NULL)
		return;
	statement_clear (statement);
	g_free (statement);
}

void
attachment_free (Attachment *attachment)
{
	if (attachment == NULL)
		return;
	g_free (attachment->filename);
	g_free (attachment->content_type);
	g_free (attachment->sha256);
	g_free (attachment->text);
	g_free (attachment);
}

void
statement_route_free (StatementRoute *route)
{
	if (route == NULL)
		return;
	g_free (route->address);
	g_free (route->role);
	g_free (route->status);
	g_free (route);
}

void
related_free (Related *related)
{
	if (related == NULL)
		return;
	g_free (related->id);
	g_free (related->relation);
	g_free (related);
}

void
link_free (Link *link)
{
	if (link == NULL)
		return;
	g_free (link->title);
	g_free (link->url);
	g_free (link);
}

void
thread_entry_free (ThreadEntry *entry)
{
	if (entry == NULL)
		return;
	g_free (entry->message_id);
	g_free (entry->from);
	g_free (entry->date);
	g_free (entry->role);
	g_free (entry->parent);
	g_free (entry);
}

void
event_free (Event *event)
{
	if (event == NULL)
		return;
	g_free (event->at);
	g_free (event->type);
	g_free (event->detail);
	g_free (event);
}

/* Our own names, indexed by the enum values. */
static const char *const purpose_names[] = {
	NULL, "action", "comment", "information", "response",
};
static const char *const layout_names[] = {
	NULL, "datatracker", "itu-t", "3gpp", "freeform",
};
static const char *const state_names[] = {
	"held", "open", "replied", "closed", "dismissed", "pending-approval",
};
static const char *const direction_names[] = {
	"incoming", "outgoing",
};

/* The index of @text in @names (NULL entries never match), or -1. */
static int
name_index (const char *const *names, gsize n_names, const char *text)
{
	if (text == NULL)
		return -1;
	for (gsize i = 0; i < n_names; i++)
		if (names[i] != NULL && strcmp (names[i], text) == 0)
			return (int) i;
	return -1;
}

const char *
purpose_to_string (Purpose purpose)
{
	if ((guint) purpose >= G_N_ELEMENTS (purpose_names))
		return NULL;
	return purpose_names[purpose];
}

const char *
layout_to_string (Layout layout)
{
	if ((guint) layout >= G_N_ELEMENTS (layout_names))
		return NULL;
	return layout_names[layout];
}

const char *
state_to_string (StatementState state)
{
	if ((guint) state >= G_N_ELEMENTS (state_names))
		return NULL;
	return state_names[state];
}

/* An unknown state reads as held: a person looks at it. */
StatementState
state_from_string (const char *text)
{
	int i = name_index (state_names, G_N_ELEMENTS (state_names), text);

	return i < 0 ? STATE_HELD : (StatementState) i;
}

const char *
direction_to_string (Direction direction)
{
	if ((guint) direction >= G_N_ELEMENTS (direction_names))
		return NULL;
	return direction_names[direction];
}

/* Anything but "outgoing" (a database from before directions) is
 * incoming. */
Direction
direction_from_string (const char *text)
{
	int i = name_index (direction_names, G_N_ELEMENTS (direction_names), text);

	return i < 0 ? DIRECTION_INCOMING : (Direction) i;
}

Layout
layout_from_string (const char *text)
{
	int i = name_index (layout_names, G_N_ELEMENTS (layout_names), text);

	return i < 0 ? LAYOUT_NONE : (Layout) i;
}

Purpose
purpose_from_string (const char *text)
{
	int i = name_index (purpose_names, G_N_ELEMENTS (purpose_names), text);

	return i < 0 ? PURPOSE_NONE : (Purpose) i;
}

/* ---- Text cleaning ---------------------------------------------------- */

/* Characters that reorder or hide text on display (bidirectional
 * embeddings, overrides and isolates, the byte order mark, zero-width
 * space): dropped, so that what a person reads is what is stored. */
static gboolean
is_invisible (gunichar c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
	       || c == 0xFEFF || c == 0x200B;
}

/* Control characters: C0, DEL and C1 (U+0080 to U+009F). */
static gboolean
is_control (gunichar c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

static gboolean
is_line_separator (gunichar c)
{
	return c == 0x2028 || c == 0x2029;
}

char *
statement_clean_line (const char *text)
{
	g_autofree char *valid = NULL;
	GString *out;
	gboolean pending_space = FALSE;

	if (text == NULL)
		return g_strdup ("");
	valid = g_utf8_make_valid (text, -1);
	out = g_string_sized_new (strlen (valid));
	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c;

		/* Printable ASCII other than the space: as it is. */
		if ((guchar) *p > 0x20 && (guchar) *p < 0x7f) {
			if (pending_space)
				g_string_append_c (out, ' ');
			pending_space = FALSE;
			g_string_append_c (out, *p);
			continue;
		}
		c = g_utf8_get_char (p);
		if (is_invisible (c))
			continue;
		if (is_control (c) || is_line_separator (c) || g_unichar_isspace (c)) {
			pending_space = out->len > 0;
			continue;
		}
		if (pending_space)
			g_string_append_c (out, ' ');
		pending_space = FALSE;
		g_string_append_len (out, p, g_utf8_next_char (p) - p);
	}
	return g_string_free (out, FALSE);
}

/* Removes the spaces and TABs that end the last line of @out. */
static void
chomp_line (GString *out)
{
	gsize len = out->len;

	while (len > 0 && (out->str[len - 1] == ' ' || out->str[len - 1] == '\t'))
		len--;
	g_string_truncate (out, len);
}

char *
statement_clean_text (const char *text)
{
	g_autofree char *valid = NULL;
	const char *src = text;
	GString *out;
	gsize len;

	if (text == NULL)
		return g_strdup ("");
	/* Valid UTF-8 (most text) is read in place, not copied. */
	if (!g_utf8_validate (text, -1, NULL))
		src = valid = g_utf8_make_valid (text, -1);
	out = g_string_sized_new (strlen (src));
	for (const char *p = src; *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c;

		/* Printable ASCII, most of any text, stays as it is: a run of
		 * it at a time. */
		if ((guchar) *p >= 0x20 && (guchar) *p < 0x7f) {
			const char *end = p + 1;

			while ((guchar) *end >= 0x20 && (guchar) *end < 0x7f)
				end++;
			g_string_append_len (out, p, end - p);
			p = end - 1;
			continue;
		}
		c = g_utf8_get_char (p);
		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\r' || c == '\n' || is_line_separator (c)) {
			chomp_line (out);
			/* Leading blank lines say nothing. */
			if (out->len > 0)
				g_string_append_c (out, '\n');
			continue;
		}
		if (c == '\t') {
			g_string_append_c (out, '\t');
			continue;
		}
		if (is_invisible (c) || is_control (c))
			continue;
		/* Other spaces (NO-BREAK SPACE and the like) become plain
		 * ones, so that labels and indentation are recognised. */
		if (g_unichar_isspace (c))
			g_string_append_c (out, ' ');
		else
			g_string_append_len (out, p, g_utf8_next_char (p) - p);
	}
	/* Nor do trailing ones. */
	chomp_line (out);
	len = out->len;
	while (len > 0 && (out->str[len - 1] == '\n' || out->str[len - 1] == ' '
	                   || out->str[len - 1] == '\t'))
		len--;
	g_string_truncate (out, len);
	return g_string_free (out, FALSE);
}

/* ---- Purposes --------------------------------------------------------- */

static const struct {
	const char *text;
	Purpose purpose;
} purpose_spellings[] = {
	/* Datatracker */
	{ "for action", PURPOSE_ACTION },
	{ "for comment", PURPOSE_COMMENT },
	{ "for comments", PURPOSE_COMMENT },
	{ "for information", PURPOSE_INFORMATION },
	{ "for info", PURPOSE_INFORMATION },
	{ "in response", PURPOSE_RESPONSE },
	{ "in response to", PURPOSE_RESPONSE },
	/* ITU-T labels, with or without the colon */
	{ "for action to", PURPOSE_ACTION },
	{ "for comment to", PURPOSE_COMMENT },
	{ "for information to", PURPOSE_INFORMATION },
	/* The bare words (3GPP "ACTION", "Response") */
	{ "action", PURPOSE_ACTION },
	{ "comment", PURPOSE_COMMENT },
	{ "comments", PURPOSE_COMMENT },
	{ "information", PURPOSE_INFORMATION },
	{ "response", PURPOSE_RESPONSE },
};

/* Lower case, white space folded, punctuation at both ends removed. */
static char *
normalise_words (const char *text)
{
	g_autofree char *line = statement_clean_line (text);
	char *start = line, *end;

	while (*start != '\0' && (g_ascii_ispunct (*start) || *start == ' '))
		start++;
	end = start + strlen (start);
	while (end > start && (g_ascii_ispunct (end[-1]) || end[-1] == ' '))
		end--;
	return g_ascii_strdown (start, end - start);
}

Purpose
statement_parse_purpose (const char *text)
{
	g_autofree char *words = NULL;

	if (text == NULL)
		return PURPOSE_NONE;
	words = normalise_words (text);
	for (gsize i = 0; i < G_N_ELEMENTS (purpose_spellings); i++)
		if (strcmp (words, purpose_spellings[i].text) == 0)
			return purpose_spellings[i].purpose;
	return PURPOSE_NONE;
}

/* ---- Dates ------------------------------------------------------------ */

static const char *const month_names[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
};

static const char *const weekday_names[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

/* The length of the run of ASCII letters at @p. */
static gsize
letters (const char *p)
{
	gsize n = 0;

	while (g_ascii_isalpha (p[n]))
		n++;
	return n;
}

/* The run of @len letters at @p as an index into @names: the full name or
 * an abbreviation of at least three letters ("Jan", "Sept", "Wed"). */
static int
word_index (const char *p, gsize len, const char *const *names, gsize n_names)
{
	if (len < 3)
		return -1;
	for (gsize i = 0; i < n_names; i++)
		if (len <= strlen (names[i]) && g_ascii_strncasecmp (p, names[i], len) == 0)
			return (int) i;
	return -1;
}

/* Reads 1 to @max digits at *p into *value; advances *p. */
static gboolean
read_number (const char **p, int max, int *value)
{
	int n = 0, v = 0;

	while (g_ascii_isdigit ((*p)[n]) && n < max) {
		v = v * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n == 0 || g_ascii_isdigit ((*p)[n]))
		return FALSE;
	*p += n;
	*value = v;
	return TRUE;
}

static gboolean
read_year (const char **p, int *year)
{
	const char *start = *p;

	if (!read_number (p, 4, year))
		return FALSE;
	return *p - start == 4;
}

/* Reads a month name (optionally abbreviated and followed by a dot). */
static gboolean
read_month_name (const char **p, int *month)
{
	gsize len = letters (*p);
	int i = word_index (*p, len, month_names, G_N_ELEMENTS (month_names));

	if (i < 0)
		return FALSE;
	*p += len;
	if (**p == '.')
		(*p)++;
	*month = i + 1;
	return TRUE;
}

/* Skips an ordinal suffix after a day number ("15th", "1st"). */
static void
skip_ordinal (const char **p)
{
	if (letters (*p) == 2 && (g_ascii_strncasecmp (*p, "st", 2) == 0
	                          || g_ascii_strncasecmp (*p, "nd", 2) == 0
	                          || g_ascii_strncasecmp (*p, "rd", 2) == 0
	                          || g_ascii_strncasecmp (*p, "th", 2) == 0))
		*p += 2;
}

/* Skips spaces and, if @also is not NUL, that one character among them. */
static void
skip_separator (const char **p, char also)
{
	while (**p == ' ' || (also != '\0' && **p == also))
		(*p)++;
}

/* Reads exactly two digits. */
static gboolean
read_two (const char **p, int *value)
{
	const char *start = *p;

	return read_number (p, 2, value) && *p - start == 2;
}

/* "2027-01-15", "2027/01/15", "2027.01.15". Month and day have two digits
 * each, so that a value cut short ("2027-01-1") is no date rather than the
 * wrong one. */
static gboolean
parse_ymd (const char **p, int *y, int *m, int *d)
{
	char sep;

	if (!read_year (p, y))
		return FALSE;
	sep = **p;
	if (sep != '-' && sep != '/' && sep != '.')
		return FALSE;
	(*p)++;
	if (!read_two (p, m) || **p != sep)
		return FALSE;
	(*p)++;
	return read_two (p, d);
}

/* "15/01/2027", "15.01.2027", "15-01-2027" (day first), and "15 January
 * 2027", "15 Jan. 2027", "15-Jan-2027", "15th January, 2027". */
static gboolean
parse_dmy (const char **p, int *y, int *m, int *d)
{
	char sep;

	if (!read_number (p, 2, d))
		return FALSE;
	skip_ordinal (p);
	sep = **p;
	if ((sep == '/' || sep == '.' || sep == '-') && g_ascii_isdigit ((*p)[1])) {
		(*p)++;
		if (!read_number (p, 2, m) || **p != sep)
			return FALSE;
		(*p)++;
		return read_year (p, y);
	}
	skip_separator (p, sep == '-' || sep == '.' ? sep : '\0');
	if (!read_month_name (p, m))
		return FALSE;
	skip_separator (p, **p == '-' ? '-' : ',');
	return read_year (p, y);
}

/* "January 15, 2027", "Jan 15 2027", "Sept. 5, 2027". */
static gboolean
parse_mdy (const char **p, int *y, int *m, int *d)
{
	if (!read_month_name (p, m))
		return FALSE;
	skip_separator (p, '\0');
	if (!read_number (p, 2, d))
		return FALSE;
	skip_ordinal (p);
	skip_separator (p, ',');
	return read_year (p, y);
}

/* What may follow a date: nothing, a time ("12:00:00", "T12:00Z"), or a
 * remark in parentheses. Anything else means we misread. */
static gboolean
acceptable_rest (const char *p)
{
	while (*p == ' ' || *p == ',')
		p++;
	if (*p == '\0' || *p == '(')
		return TRUE;
	if ((*p == 'T' || *p == 't') && g_ascii_isdigit (p[1]))
		return TRUE;
	if (g_ascii_isdigit (p[0]) && (p[1] == ':' || (g_ascii_isdigit (p[1]) && p[2] == ':')))
		return TRUE;
	return FALSE;
}

char *
statement_parse_date (const char *text)
{
	g_autofree char *line = NULL;
	const char *p;
	int y = 0, m = 0, d = 0;
	gboolean ok;

	if (text == NULL)
		return NULL;
	line = statement_clean_line (text);
	p = line;

	/* A leading weekday says nothing the date does not. */
	if (word_index (p, letters (p), weekday_names, G_N_ELEMENTS (weekday_names)) >= 0) {
		p += letters (p);
		skip_separator (&p, *p == '.' ? '.' : ',');
	}

	if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])
	    && g_ascii_isdigit (p[3]))
		ok = parse_ymd (&p, &y, &m, &d);
	else if (g_ascii_isdigit (p[0]))
		ok = parse_dmy (&p, &y, &m, &d);
	else
		ok = parse_mdy (&p, &y, &m, &d);

	if (!ok || !acceptable_rest (p))
		return NULL;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31
	    || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
		return NULL;
	return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

/* The length of a dash at @p that joins the two ends of a range ("-",
 * EN DASH, EM DASH, or the word "to"), with the spaces around it; 0 when
 * there is none. */
static gsize
range_dash (const char *p)
{
	const char *q = p;

	while (*q == ' ')
		q++;
	if (*q == '-')
		q++;
	else if (g_str_has_prefix (q, "\xe2\x80\x93") || g_str_has_prefix (q, "\xe2\x80\x94"))
		q += 3;
	else if (g_ascii_strncasecmp (q, "to ", 3) == 0)
		q += 2;
	else
		return 0;
	while (*q == ' ')
		q++;
	return (gsize) (q - p);
}

/* A day and a month name without a year ("28 February"), the first end of
 * a range that crosses a month. */
static gboolean
parse_dm (const char **p, int *m, int *d)
{
	if (!read_number (p, 2, d))
		return FALSE;
	skip_ordinal (p);
	skip_separator (p, '\0');
	return read_month_name (p, m);
}

static gboolean
valid_ymd (int y, int m, int d)
{
	return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31
	       && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* The date (or range) that starts at @p, if any. */
static gboolean
date_at (const char *p, gboolean range_end, int *y, int *m, int *d)
{
	const char *q = p;
	gsize dash;
	int d1, m1;

	if (g_ascii_isalpha (*p))
		return parse_mdy (&q, y, m, d) && valid_ymd (*y, *m, *d);
	if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])
	    && g_ascii_isdigit (p[3]))
		return parse_ymd (&q, y, m, d) && valid_ymd (*y, *m, *d);

	/* "3-14 July 2027": a day, a dash, and a whole date. */
	if (read_number (&q, 2, &d1)) {
		skip_ordinal (&q);
		if ((dash = range_dash (q)) > 0 && g_ascii_isdigit (q[dash])) {
			const char *r = q + dash;
			if (parse_dmy (&r, y, m, d) && valid_ymd (*y, *m, *d) && d1 < *d
			    && (range_end || valid_ymd (*y, *m, d1))) {
				if (!range_end)
					*d = d1;
				return TRUE;
			}
		}
	}
	/* "28 February - 4 March 2027": a day and a month, a dash, a date. */
	q = p;
	if (parse_dm (&q, &m1, &d1) && (dash = range_dash (q)) > 0) {
		const char *r = q + dash;
		if (parse_dmy (&r, y, m, d) && valid_ymd (*y, *m, *d)) {
			if (range_end)
				return TRUE;
			/* "29 December - 2 January 2028" began the year before. */
			if (m1 > *m)
				(*y)--;
			*m = m1;
			*d = d1;
			return valid_ymd (*y, *m, *d);
		}
	}
	q = p;
	return parse_dmy (&q, y, m, d) && valid_ymd (*y, *m, *d);
}

char *
statement_find_date (const char *text, gboolean range_end)
{
	g_autofree char *line = NULL;

	if (text == NULL)
		return NULL;
	line = statement_clean_line (text);
	for (const char *p = line; *p != '\0'; p++) {
		int y, m, d;

		/* Dates start a word: not "S2-2601234", not "G.8275.1". */
		if (!g_ascii_isalnum (*p))
			continue;
		if (p > line && (g_ascii_isalnum (p[-1]) || p[-1] == '.' || p[-1] == '/'
		                 || (p[-1] == '-' && p - 1 > line && g_ascii_isalnum (p[-2]))))
			continue;
		if (date_at (p, range_end, &y, &m, &d))
			return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
	}
	return NULL;
}

/* ---- Contacts --------------------------------------------------------- */

char *
statement_format_contact (const char *name, const char *address)
{
	g_autofree char *n = statement_clean_line (name);
	g_autofree char *a = statement_clean_line (address);
	GString *out;

	/* "<a@x>" and "mailto:a@x" are the same address. */
	if (g_ascii_strncasecmp (a, "mailto:", 7) == 0)
		memmove (a, a + 7, strlen (a + 7) + 1);
	if (*a == '<' && a[strlen (a) - 1] == '>') {
		memmove (a, a + 1, strlen (a));
		a[strlen (a) - 1] = '\0';
	}
	if (*n == '\0' && *a == '\0')
		return NULL;
	if (*n == '\0')
		return g_steal_pointer (&a);
	out = g_string_new (NULL);
	if (strpbrk (n, ",;:@<>()\"\\[]") != NULL) {
		g_string_append_c (out, '"');
		for (const char *p = n; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c (out, '\\');
			g_string_append_c (out, *p);
		}
		g_string_append_c (out, '"');
	} else {
		g_string_append (out, n);
	}
	if (*a != '\0')
		g_string_append_printf (out, " <%s>", a);
	return g_string_free (out, FALSE);
}

/* "addr (Name)" becomes "Name <addr>"; anything else is returned as is. */
static char *
normalise_contact (const char *contact)
{
	const char *open = strchr (contact, '(');
	gsize len = strlen (contact);
	g_autofree char *addr = NULL;
	g_autofree char *name = NULL;

	if (open == NULL || open == contact || contact[len - 1] != ')')
		return g_strdup (contact);
	addr = g_strstrip (g_strndup (contact, open - contact));
	name = g_strstrip (g_strndup (open + 1, contact + len - 1 - (open + 1)));
	if (strchr (addr, '@') == NULL || strpbrk (addr, " <>\"") != NULL || *name == '\0'
	    || strpbrk (name, "()<>") != NULL)
		return g_strdup (contact);
	return g_strdup_printf ("%s <%s>", name, addr);
}

static void
add_contact (GPtrArray *out, const char *start, gsize len)
{
	g_autofree char *raw = g_strndup (start, len);
	g_autofree char *clean = statement_clean_line (raw);

	if (*clean != '\0')
		g_ptr_array_add (out, normalise_contact (clean));
}

void
statement_split_contacts (const char *text, GPtrArray *out)
{
	const char *start;
	gboolean quoted = FALSE;
	int parens = 0, angles = 0;

	g_return_if_fail (out != NULL);
	if (text == NULL)
		return;
	start = text;
	for (const char *p = text; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = FALSE;
			continue;
		}
		switch (*p) {
		case '"':
			quoted = TRUE;
			break;
		case '(':
			parens++;
			break;
		case ')':
			parens = MAX (parens - 1, 0);
			break;
		case '<':
			angles++;
			break;
		case '>':
			angles = MAX (angles - 1, 0);
			break;
		case ',':
		case ';':
			if (parens == 0 && angles == 0) {
				add_contact (out, start, p - start);
				start = p + 1;
			}
			break;
		default:
			break;
		}
	}
	add_contact (out, start, strlen (start));
}

/* ---- Deadlines -------------------------------------------------------- */

/* Reads a strict "YYYY-MM-DD" into @date. */
static gboolean
iso_date (const char *text, GDate *date)
{
	const char *p = text;
	int y, m, d;

	g_date_clear (date, 1);
	if (text == NULL || strlen (text) != 10 || !parse_ymd (&p, &y, &m, &d) || *p != '\0'
	    || text[4] != '-' || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
		return FALSE;
	g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
	return TRUE;
}

gboolean
statement_days_left (const Statement *statement, const char *today, int *days)
{
	GDate deadline, now;

	g_return_val_if_fail (statement != NULL, FALSE);
	if (!iso_date (statement->deadline, &deadline) || !iso_date (today, &now))
		return FALSE;
	if (days != NULL)
		*days = g_date_days_between (&now, &deadline);
	return TRUE;
}

/* Overdue means an answer is still awaited and its date has passed (SPEC
 * §7): a held statement counts, since nobody has answered it either. */
gboolean
statement_is_overdue (const Statement *statement, const char *today)
{
	int days;

	g_return_val_if_fail (statement != NULL, FALSE);
	if (statement->action_taken
	    || (statement->state != STATE_OPEN && statement->state != STATE_HELD))
		return FALSE;
	return statement_days_left (statement, today, &days) && days < 0;
}
