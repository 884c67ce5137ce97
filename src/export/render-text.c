/* render-text.c: statements as text for a terminal: the list table and the
 * show card. Pure, as the rest of render: the date of today comes in as an
 * argument. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "export/render.h"
#include "export/render-private.h"

/* The list table aims at this many terminal columns. */
#define TABLE_WIDTH 120
/* The title column never gets narrower than this, even when the other
 * columns are wide. */
#define TITLE_MIN_WIDTH 20
/* Width of the labels of the show card ("Technical contacts:" and a space). */
#define CARD_LABEL_WIDTH 20

static const char ELLIPSIS[] = "\xe2\x80\xa6"; /* U+2026, one column */

/* Terminal columns taken by one character: two for East Asian wide and
 * fullwidth characters, none for combining marks. */
static int
char_width (gunichar c)
{
	if (g_unichar_iszerowidth (c))
		return 0;
	if (g_unichar_iswide (c))
		return 2;
	return 1;
}

/* An ASCII character takes one column (none is a combining mark or wide):
 * the table is mostly ASCII, and asking GLib about each character was
 * over half of the time it took to lay out. */
static int
text_width (const char *text)
{
	int width = 0;

	for (const char *p = text; *p != '\0';) {
		if ((guchar) *p < 0x80) {
			width++;
			p++;
			continue;
		}
		width += char_width (g_utf8_get_char (p));
		p = g_utf8_next_char (p);
	}
	return width;
}

static void
append_spaces (GString *out, int count)
{
	for (int i = 0; i < count; i++)
		g_string_append_c (out, ' ');
}

/* Appends @text in at most @width columns: cut at a character boundary with
 * an ellipsis when it is wider; padded with spaces to @width when @pad. The
 * values are clean UTF-8 already, but a stray invalid byte must not make us
 * cut a character in two, so they are checked once more here. */
static void
append_fitted (GString *out, const char *text, int width, gboolean pad)
{
	g_autofree char *valid = NULL;
	int used = 0;
	int text_used;

	if (text == NULL)
		text = "";
	if (!g_utf8_validate (text, -1, NULL))
		text = valid = g_utf8_make_valid (text, -1);

	text_used = text_width (text);
	if (text_used <= width) {
		g_string_append (out, text);
		used = text_used;
	} else if (width > 0) {
		const char *p;

		for (p = text; *p != '\0'; p = g_utf8_next_char (p)) {
			int w = char_width (g_utf8_get_char (p));

			if (used + w > width - 1)
				break;
			used += w;
		}
		g_string_append_len (out, text, p - text);
		g_string_append (out, ELLIPSIS);
		used++;
	}
	if (pad)
		append_spaces (out, width - used);
}

/* Removes the spaces that padding left at the end of the last line. */
static void
trim_line_end (GString *out)
{
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate (out, out->len - 1);
}

static char *
join_array (const GPtrArray *values, const char *separator)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; values != NULL && i < values->len; i++) {
		const char *value = g_ptr_array_index (values, i);

		if (value == NULL)
			continue;
		if (text->len > 0)
			g_string_append (text, separator);
		g_string_append (text, value);
	}
	return g_string_free (text, FALSE);
}

/* Days to the deadline matter only while an answer is awaited: a replied or
 * closed statement, or one whose action was taken, shows its date alone. */
static gboolean
awaiting_answer (const Statement *statement)
{
	return (statement->state == STATE_OPEN || statement->state == STATE_HELD)
	       && !statement->action_taken;
}

static gboolean
days_left (const Statement *statement, const char *today, int *days)
{
	return today != NULL && awaiting_answer (statement)
	       && statement_days_left (statement, today, days);
}

enum {
	COLUMN_ID,
	COLUMN_STATE,
	COLUMN_DEADLINE,
	COLUMN_PURPOSE,
	COLUMN_FROM,
	COLUMN_TO,
	COLUMN_TITLE,
	N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
	"ID", "STATE", "DEADLINE", "PURPOSE", "FROM", "TO", "TITLE",
};

/* The widest a column other than the title may grow; longer values are cut
 * with an ellipsis. The id, state and deadline are never cut (0). */
static const int column_caps[N_COLUMNS] = {
	0, 0, 0, 11, 20, 20, 0,
};

/* The cells of one row of the list table, newly allocated. */
static void
table_row (const Statement *statement, const char *today, char *cells[N_COLUMNS])
{
	const char *purpose = render_purpose_name (statement->purpose);
	const char *state = state_to_string (statement->state);
	const char *org = render_statement_org (statement);
	int days;

	cells[COLUMN_ID] = g_strdup (statement->id != NULL ? statement->id : "-");
	/* An overdue statement keeps its state visible, marked with "!". */
	cells[COLUMN_STATE] = g_strdup_printf ("%s%s%s", state != NULL ? state : "?",
	                                       render_is_overdue (statement, today) ? "!" : "",
	                                       statement->undelivered ? " undelivered" : "");
	if (statement->deadline == NULL)
		cells[COLUMN_DEADLINE] = g_strdup ("-");
	else if (days_left (statement, today, &days))
		cells[COLUMN_DEADLINE] = g_strdup_printf ("%s (%+dd)", statement->deadline, days);
	else
		cells[COLUMN_DEADLINE] = g_strdup (statement->deadline);
	cells[COLUMN_PURPOSE] = g_strdup (purpose != NULL ? purpose : "-");
	cells[COLUMN_FROM] = g_strdup (org != NULL ? org : statement->from_contact != NULL
	                               ? statement->from_contact : "-");
	cells[COLUMN_TO] = join_array (statement->groups, ",");
	if (cells[COLUMN_TO][0] == '\0') {
		g_free (cells[COLUMN_TO]);
		cells[COLUMN_TO] = g_strdup ("-");
	}
	cells[COLUMN_TITLE] = g_strdup (statement->title != NULL ? statement->title : "-");
}

static void
append_table_line (GString *out, char *const cells[N_COLUMNS], const int widths[N_COLUMNS])
{
	for (int c = 0; c < N_COLUMNS; c++) {
		gboolean last = c == N_COLUMNS - 1;

		append_fitted (out, cells[c], widths[c], !last);
		if (!last)
			g_string_append (out, "  ");
	}
	trim_line_end (out);
	g_string_append_c (out, '\n');
}

void
render_statement_table (GString *out, GPtrArray *statements, const char *today)
{
	g_autoptr(GPtrArray) rows = NULL;
	int widths[N_COLUMNS];
	int used = 0;

	g_return_if_fail (out != NULL);

	if (statements == NULL || statements->len == 0) {
		g_string_append (out, "No statements.\n");
		return;
	}

	rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	for (int c = 0; c < N_COLUMNS; c++)
		widths[c] = text_width (column_names[c]);
	for (guint i = 0; i < statements->len; i++) {
		char **cells = g_new0 (char *, N_COLUMNS + 1);

		table_row (g_ptr_array_index (statements, i), today, cells);
		for (int c = 0; c < N_COLUMNS; c++)
			widths[c] = MAX (widths[c], text_width (cells[c]));
		g_ptr_array_add (rows, cells);
	}

	/* Every column but the title is as wide as its widest cell, up to its
	 * cap; the title takes what is left of the line. */
	for (int c = 0; c < COLUMN_TITLE; c++) {
		if (column_caps[c] > 0)
			widths[c] = MIN (widths[c], column_caps[c]);
		used += widths[c] + 2;
	}
	widths[COLUMN_TITLE] = MAX (TABLE_WIDTH - used, TITLE_MIN_WIDTH);

	append_table_line (out, (char **) column_names, widths);
	for (guint i = 0; i < rows->len; i++)
		append_table_line (out, g_ptr_array_index (rows, i), widths);
}

/* list --held: the id (a statement's, or a held message's handle), the
 * day it came, its sender and title, and on a line of its own why it is
 * held. */
void
render_held_table (GString *out, GPtrArray *statements)
{
	int id_width = text_width ("ID");

	g_return_if_fail (out != NULL);

	if (statements == NULL || statements->len == 0) {
		g_string_append (out, "Nothing held.\n");
		return;
	}
	for (guint i = 0; i < statements->len; i++) {
		const Statement *s = g_ptr_array_index (statements, i);

		id_width = MAX (id_width, text_width (s->id != NULL ? s->id : "-"));
	}
	g_string_append_printf (out, "%-*s  %-10s  %-30s  %s\n", id_width, "ID", "RECEIVED", "FROM",
	                        "TITLE");
	for (guint i = 0; i < statements->len; i++) {
		const Statement *s = g_ptr_array_index (statements, i);
		const char *org = render_statement_org (s);
		g_autofree char *day = g_strndup (s->received != NULL ? s->received : "-", 10);

		append_fitted (out, s->id != NULL ? s->id : "-", id_width, TRUE);
		g_string_append (out, "  ");
		append_fitted (out, day, 10, TRUE);
		g_string_append (out, "  ");
		append_fitted (out, org != NULL ? org : s->from_contact != NULL ? s->from_contact : "-",
		               30, TRUE);
		g_string_append (out, "  ");
		append_fitted (out, s->title != NULL ? s->title : "-", TABLE_WIDTH - id_width - 46, FALSE);
		trim_line_end (out);
		g_string_append_printf (out, "\n  held: %s\n",
		                        s->hold_reason != NULL ? s->hold_reason : "(no reason recorded)");
	}
}

/* "1.5 KiB": one decimal, IEC units, independent of the locale. */
static char *
format_size (gint64 size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	gint64 unit = 1024;
	guint u = 0;
	gint64 tenths;

	if (size < 1024)
		return g_strdup_printf ("%" G_GINT64_FORMAT " B", MAX (size, 0));
	for (;;) {
		/* Tenths of the unit, rounded, without overflowing for any size. */
		tenths = size / unit * 10 + (size % unit * 10 + unit / 2) / unit;
		if (tenths < 10240 || u + 1 == G_N_ELEMENTS (units))
			break;
		unit *= 1024;
		u++;
	}
	return g_strdup_printf ("%" G_GINT64_FORMAT ".%d %s", tenths / 10, (int) (tenths % 10),
	                        units[u]);
}

static void
card_line (GString *out, const char *label, const char *value)
{
	g_autofree char *with_colon = g_strconcat (label, ":", NULL);

	append_fitted (out, with_colon, CARD_LABEL_WIDTH, TRUE);
	g_string_append (out, value != NULL && value[0] != '\0' ? value : "-");
	g_string_append_c (out, '\n');
}

static void
card_list_line (GString *out, const char *label, const GPtrArray *values)
{
	g_autofree char *joined = join_array (values, ", ");

	card_line (out, label, joined);
}

/* A titled section of aligned rows (each a NULL-terminated char*[]), or
 * "Title: none" when there are no rows. */
static void
card_section (GString *out, const char *title, GPtrArray *rows)
{
	int widths[8] = { 0 };

	g_string_append_printf (out, "\n%s:%s\n", title, rows->len == 0 ? " none" : "");
	for (guint i = 0; i < rows->len; i++) {
		char **cells = g_ptr_array_index (rows, i);

		for (int c = 0; c < (int) G_N_ELEMENTS (widths) && cells[c] != NULL; c++)
			widths[c] = MAX (widths[c], text_width (cells[c]));
	}
	for (guint i = 0; i < rows->len; i++) {
		char **cells = g_ptr_array_index (rows, i);

		g_string_append (out, "  ");
		for (int c = 0; c < (int) G_N_ELEMENTS (widths) && cells[c] != NULL; c++) {
			gboolean last = cells[c + 1] == NULL;

			append_fitted (out, cells[c], widths[c], !last);
			if (!last)
				g_string_append (out, "  ");
		}
		trim_line_end (out);
		g_string_append_c (out, '\n');
	}
}

/* A row of @count cells, newly allocated and NULL-terminated; an absent
 * value shows as "-". */
static char **
cells_new (int count, ...)
{
	char **cells = g_new0 (char *, count + 1);
	va_list args;

	va_start (args, count);
	for (int i = 0; i < count; i++) {
		const char *cell = va_arg (args, const char *);

		cells[i] = g_strdup (cell != NULL ? cell : "-");
	}
	va_end (args);
	return cells;
}

static GPtrArray *
rows_new (void)
{
	return g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
}

/* "For action, reply by 2027-01-15 (49 days left)" */
static void
card_summary (GString *out, const Statement *statement, const char *today)
{
	static const char *const purposes[] = {
		[PURPOSE_NONE] = NULL,
		[PURPOSE_ACTION] = "For action",
		[PURPOSE_COMMENT] = "For comment",
		[PURPOSE_INFORMATION] = "For information",
		[PURPOSE_RESPONSE] = "In response",
	};
	const char *purpose = NULL;
	int days;

	if ((guint) statement->purpose < G_N_ELEMENTS (purposes))
		purpose = purposes[statement->purpose];
	if (purpose != NULL)
		g_string_append (out, purpose);
	if (statement->deadline == NULL)
		return;

	g_string_append (out, purpose != NULL ? ", reply by " : "Reply by ");
	g_string_append (out, statement->deadline);
	if (!days_left (statement, today, &days))
		return;
	if (days == 0)
		g_string_append (out, " (due today)");
	else if (days > 0)
		g_string_append_printf (out, " (%d day%s left)", days, days == 1 ? "" : "s");
	else
		g_string_append_printf (out, " (%d day%s overdue)", -days, days == -1 ? "" : "s");
}

/* LS-2026-0007  [open]  For action, reply by 2027-01-15 (49 days left) */
static void
card_header (GString *out, const Statement *statement, const char *today)
{
	const char *state = state_to_string (statement->state);
	gsize start;

	g_string_append_printf (out, "%s  [%s", statement->id != NULL ? statement->id : "(no id)",
	                        state != NULL ? state : "?");
	if (render_is_overdue (statement, today))
		g_string_append (out, ", overdue");
	if (statement->action_taken)
		g_string_append (out, ", action taken");
	g_string_append (out, "]  ");
	start = out->len;
	card_summary (out, statement, today);
	if (out->len == start)
		trim_line_end (out);
	g_string_append (out, "\n\n");
}

/* "ITU-T SG15 (Greg Jones <greg.jones@example.com>)", or either alone. */
static char *
card_from (const Statement *statement)
{
	const char *org = render_statement_org (statement);

	if (org != NULL && statement->from_contact != NULL)
		return g_strdup_printf ("%s (%s)", org, statement->from_contact);
	return g_strdup (org != NULL ? org : statement->from_contact);
}

/* "ccamp, mpls (contacts)", or either alone. Unresolved destinations (a
 * held statement) show as written. */
static char *
card_to (const Statement *statement)
{
	g_autofree char *groups = join_array (statement->groups, ", ");
	g_autofree char *contacts = join_array (statement->to_contacts, ", ");

	if (groups[0] == '\0') {
		g_free (groups);
		groups = join_array (statement->to_texts, ", ");
	}
	if (groups[0] != '\0' && contacts[0] != '\0')
		return g_strdup_printf ("%s (%s)", groups, contacts);
	return g_strdup (groups[0] != '\0' ? groups : contacts);
}

static void
card_fields (GString *out, const Statement *statement)
{
	g_autofree char *from = card_from (statement);
	g_autofree char *to = card_to (statement);

	card_line (out, "Title", statement->title);
	card_line (out, "From", from);
	card_line (out, "To", to);
	card_list_line (out, "Cc", statement->cc);
	card_list_line (out, "Response contacts", statement->response_contacts);
	card_list_line (out, "Technical contacts", statement->technical_contacts);
	card_line (out, "Submitted", statement->submitted);
	card_line (out, "Received", statement->received);
	card_line (out, "Message-ID", statement->message_id);
	card_line (out, "Layout", render_layout_name (statement->layout));
	card_line (out, "Direction", direction_to_string (statement->direction));
	if (statement->url != NULL)
		card_line (out, "URL", statement->url);
	if (statement->other_identifiers != NULL && statement->other_identifiers->len > 0)
		card_list_line (out, "Other identifiers", statement->other_identifiers);
	if (statement->hold_reason != NULL)
		card_line (out, "Held", statement->hold_reason);
	if (statement->handle != NULL && g_strcmp0 (statement->handle, statement->id) != 0)
		card_line (out, "Held as", statement->handle);
	if (statement->undelivered)
		card_line (out, "Undelivered", "every list route bounced");
}

static void
card_related (GString *out, const GPtrArray *related)
{
	g_autoptr(GPtrArray) rows = rows_new ();

	for (guint i = 0; related != NULL && i < related->len; i++) {
		const Related *r = g_ptr_array_index (related, i);

		g_ptr_array_add (rows, cells_new (2, r->id, r->relation));
	}
	card_section (out, "Related", rows);
}

static void
card_attachments (GString *out, const GPtrArray *attachments)
{
	g_autoptr(GPtrArray) rows = rows_new ();

	for (guint i = 0; attachments != NULL && i < attachments->len; i++) {
		const Attachment *attachment = g_ptr_array_index (attachments, i);
		g_autofree char *size = format_size (attachment->size);
		g_autofree char *sha = NULL;

		if (attachment->sha256 != NULL)
			sha = g_strdup_printf ("sha256:%.12s", attachment->sha256);
		g_ptr_array_add (rows, cells_new (4, attachment->filename, attachment->content_type,
		                                  size, sha));
	}
	card_section (out, "Attachments", rows);
}

/* The documents the statement links to (the Datatracker's Attachments:
 * list); no section when there are none. */
static void
card_links (GString *out, const GPtrArray *links)
{
	g_autoptr(GPtrArray) rows = rows_new ();

	if (links == NULL || links->len == 0)
		return;
	for (guint i = 0; i < links->len; i++) {
		const Link *link = g_ptr_array_index (links, i);

		g_ptr_array_add (rows, cells_new (2, link->title, link->url));
	}
	card_section (out, "Links", rows);
}

static void
card_routes (GString *out, const GPtrArray *routes)
{
	g_autoptr(GPtrArray) rows = rows_new ();

	for (guint i = 0; routes != NULL && i < routes->len; i++) {
		const StatementRoute *route = g_ptr_array_index (routes, i);

		g_ptr_array_add (rows, cells_new (3, route->address, route->role, route->status));
	}
	card_section (out, "Routes", rows);
}

static void
card_thread (GString *out, const GPtrArray *thread)
{
	g_autoptr(GPtrArray) rows = rows_new ();

	for (guint i = 0; thread != NULL && i < thread->len; i++) {
		const ThreadEntry *entry = g_ptr_array_index (thread, i);
		g_autofree char *message_id = NULL;

		if (entry->message_id != NULL)
			message_id = g_strdup_printf ("<%s>", entry->message_id);
		g_ptr_array_add (rows, cells_new (4, entry->date, entry->role, entry->from, message_id));
	}
	card_section (out, "Thread", rows);
}

static void
card_events (GString *out, const GPtrArray *events)
{
	g_autoptr(GPtrArray) rows = rows_new ();

	for (guint i = 0; events != NULL && i < events->len; i++) {
		const Event *event = g_ptr_array_index (events, i);

		g_ptr_array_add (rows, cells_new (3, event->at, event->type,
		                                  event->detail != NULL ? event->detail : ""));
	}
	card_section (out, "Events", rows);
}

/* The body, indented, without the empty lines at its end. */
static void
card_body (GString *out, const char *body)
{
	g_auto(GStrv) lines = NULL;
	guint n;

	if (body == NULL || body[0] == '\0')
		return;
	lines = g_strsplit (body, "\n", -1);
	n = g_strv_length (lines);
	/* A final newline is not an empty last line. */
	while (n > 0 && lines[n - 1][0] == '\0')
		n--;
	g_string_append (out, "\nBody:\n");
	for (guint i = 0; i < n; i++) {
		if (lines[i][0] != '\0')
			g_string_append (out, "    ");
		g_string_append (out, lines[i]);
		g_string_append_c (out, '\n');
	}
}

void
render_statement_card (GString *out, const Statement *statement, const char *today)
{
	g_return_if_fail (out != NULL);
	g_return_if_fail (statement != NULL);

	card_header (out, statement, today);
	card_fields (out, statement);
	card_related (out, statement->related);
	card_attachments (out, statement->attachments);
	card_links (out, statement->links);
	card_routes (out, statement->routes);
	card_thread (out, statement->thread);
	card_events (out, statement->events);
	card_body (out, statement->body);
}
