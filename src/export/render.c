/* render.c: statements as the JSON of SPEC §10 and as text for a terminal
 * (the list table and the show card). Pure: no store, no clock; the date of
 * today comes in as an argument. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "export/render.h"

/* The list table aims at this many terminal columns. */
#define TABLE_WIDTH 120
/* The title column never gets narrower than this, even when the other
 * columns are wide. */
#define TITLE_MIN_WIDTH 20
/* Width of the labels of the show card ("Technical contacts:" and a space). */
#define CARD_LABEL_WIDTH 20

static const char ELLIPSIS[] = "\xe2\x80\xa6"; /* U+2026, one column */

/* ---------------------------------------------------------------- JSON */

/* json-glib's builder writes a NULL string as "", and SPEC §10 wants null
 * for an absent string, so absent values go through here. */
static void
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
	json_builder_set_member_name (builder, name);
	if (value != NULL)
		json_builder_add_string_value (builder, value);
	else
		json_builder_add_null_value (builder);
}

/* An array of char*; a NULL array is written as [] so that every array of
 * SPEC §10 is always present. */
static void
add_string_array (JsonBuilder *builder, const char *name, const GPtrArray *values)
{
	json_builder_set_member_name (builder, name);
	json_builder_begin_array (builder);
	for (guint i = 0; values != NULL && i < values->len; i++) {
		const char *value = g_ptr_array_index (values, i);

		if (value != NULL)
			json_builder_add_string_value (builder, value);
	}
	json_builder_end_array (builder);
}

static const char *
statement_org (const Statement *statement)
{
	return statement->from_org != NULL ? statement->from_org : statement->from_org_text;
}

/* The purpose and layout names, or NULL for the "none" values whatever the
 * to_string functions make of them. */
static const char *
purpose_name (Purpose purpose)
{
	return purpose == PURPOSE_NONE ? NULL : purpose_to_string (purpose);
}

static const char *
layout_name (Layout layout)
{
	return layout == LAYOUT_NONE ? NULL : layout_to_string (layout);
}

static gboolean
is_overdue (const Statement *statement, const char *today)
{
	return today != NULL && statement_is_overdue (statement, today);
}

JsonNode *
render_statement_json (const Statement *statement, gboolean full, const char *today)
{
	g_autoptr(JsonBuilder) builder = NULL;

	g_return_val_if_fail (statement != NULL, NULL);

	builder = json_builder_new ();
	json_builder_begin_object (builder);

	add_string_or_null (builder, "id", statement->id);
	add_string_or_null (builder, "state", state_to_string (statement->state));
	json_builder_set_member_name (builder, "overdue");
	json_builder_add_boolean_value (builder, is_overdue (statement, today));
	json_builder_set_member_name (builder, "action_taken");
	json_builder_add_boolean_value (builder, statement->action_taken);
	add_string_or_null (builder, "title", statement->title);
	add_string_or_null (builder, "purpose", purpose_name (statement->purpose));
	add_string_or_null (builder, "layout", layout_name (statement->layout));
	add_string_or_null (builder, "submitted", statement->submitted);
	add_string_or_null (builder, "received", statement->received);
	add_string_or_null (builder, "deadline", statement->deadline);

	json_builder_set_member_name (builder, "from");
	json_builder_begin_object (builder);
	add_string_or_null (builder, "org", statement_org (statement));
	add_string_or_null (builder, "contact", statement->from_contact);
	json_builder_end_object (builder);

	json_builder_set_member_name (builder, "to");
	json_builder_begin_object (builder);
	add_string_array (builder, "groups", statement->groups);
	add_string_array (builder, "contacts", statement->to_contacts);
	json_builder_end_object (builder);

	add_string_array (builder, "cc", statement->cc);
	add_string_array (builder, "response_contacts", statement->response_contacts);
	add_string_array (builder, "technical_contacts", statement->technical_contacts);

	json_builder_set_member_name (builder, "related");
	json_builder_begin_array (builder);
	for (guint i = 0; statement->related != NULL && i < statement->related->len; i++) {
		const Related *related = g_ptr_array_index (statement->related, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "id", related->id);
		add_string_or_null (builder, "relation", related->relation);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);

	add_string_or_null (builder, "message_id", statement->message_id);
	if (full)
		add_string_or_null (builder, "body", statement->body);

	json_builder_set_member_name (builder, "attachments");
	json_builder_begin_array (builder);
	for (guint i = 0; statement->attachments != NULL && i < statement->attachments->len; i++) {
		const Attachment *attachment = g_ptr_array_index (statement->attachments, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "filename", attachment->filename);
		add_string_or_null (builder, "content_type", attachment->content_type);
		json_builder_set_member_name (builder, "size");
		json_builder_add_int_value (builder, attachment->size);
		add_string_or_null (builder, "sha256", attachment->sha256);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);

	json_builder_set_member_name (builder, "routes");
	json_builder_begin_array (builder);
	for (guint i = 0; statement->routes != NULL && i < statement->routes->len; i++) {
		const Route *route = g_ptr_array_index (statement->routes, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "address", route->address);
		add_string_or_null (builder, "role", route->role);
		add_string_or_null (builder, "status", route->status);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);

	if (full) {
		json_builder_set_member_name (builder, "thread");
		json_builder_begin_array (builder);
		for (guint i = 0; statement->thread != NULL && i < statement->thread->len; i++) {
			const ThreadEntry *entry = g_ptr_array_index (statement->thread, i);

			json_builder_begin_object (builder);
			add_string_or_null (builder, "message_id", entry->message_id);
			add_string_or_null (builder, "from", entry->from);
			add_string_or_null (builder, "date", entry->date);
			add_string_or_null (builder, "role", entry->role);
			json_builder_end_object (builder);
		}
		json_builder_end_array (builder);

		json_builder_set_member_name (builder, "events");
		json_builder_begin_array (builder);
		for (guint i = 0; statement->events != NULL && i < statement->events->len; i++) {
			const Event *event = g_ptr_array_index (statement->events, i);

			json_builder_begin_object (builder);
			add_string_or_null (builder, "at", event->at);
			add_string_or_null (builder, "type", event->type);
			add_string_or_null (builder, "detail", event->detail);
			json_builder_end_object (builder);
		}
		json_builder_end_array (builder);
	}

	json_builder_end_object (builder);
	return json_builder_get_root (builder);
}

char *
render_json_to_string (JsonNode *node)
{
	g_autoptr(JsonGenerator) generator = NULL;
	g_autoptr(GString) text = NULL;

	g_return_val_if_fail (node != NULL, NULL);

	generator = json_generator_new ();
	json_generator_set_pretty (generator, TRUE);
	json_generator_set_indent (generator, 2);
	json_generator_set_indent_char (generator, ' ');
	json_generator_set_root (generator, node);

	text = g_string_new (NULL);
	json_generator_to_gstring (generator, text);
	g_string_append_c (text, '\n');
	return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ------------------------------------------------------- JSON, streamed */

/* The same text as render_json_to_string (render_statement_json ()), written
 * straight into a GString: list prints 10,000 statements, and building,
 * printing and freeing a json-glib tree of them was most of its time. The
 * layout and the escaping are json-glib's pretty printer's (indent 2,
 * "name" : value); test-render compares the two byte for byte. */
typedef struct {
	GString *out;
	guint depth;     /* open containers */
	gboolean empty;  /* the innermost container has nothing in it yet */
} JsonWriter;

/* Appends @n bytes at @s: g_string_append_len() without its call into
 * g_string_insert_len() when they fit, which was a tenth of list --json's
 * time (it writes 10 MB in a million small pieces). */
static inline void
json_put (GString *out, const char *s, gsize n)
{
	if (out->len + n < out->allocated_len) {
		memcpy (out->str + out->len, s, n);
		out->len += n;
		out->str[out->len] = '\0';
	} else {
		g_string_append_len (out, s, n);
	}
}

static inline void
json_put_c (GString *out, char c)
{
	json_put (out, &c, 1);
}

/* The bytes json_write_string() escapes: 0x01-0x1e, '"', '\\' and 0x7f. */
static const guint8 json_escaped[256] = {
	[0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
	[0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1,
	[0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1,
	[0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1,
	[0x1d] = 1, [0x1e] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

/* The first byte from @p on, before @end, that json_write_string() escapes,
 * or @end. Eight bytes at a time: a word with no byte under 0x1f and none
 * equal to '"', '\\' or 0x7f is skipped whole (the tests of "Bit Twiddling
 * Hacks": each says exactly whether such a byte is there). */
static const char *
json_next_escape (const char *p, const char *end)
{
	const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
	const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);

	while (end - p >= 8) {
		guint64 w, q, b, d;

		memcpy (&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		d = w ^ (ones * 0x7f);
		if ((((w - ones * 0x1f) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) |
		     ((d - ones) & ~d)) & high)
			break;
		p += 8;
	}
	while (p < end && !json_escaped[(guchar) *p])
		p++;
	return p;
}

/* json-glib's escaping: \" and \\, the short forms of \b \f \n \r \t, \u00xx
 * for the other bytes 0x01-0x1e and 0x7f; everything else (0x1f and UTF-8
 * included) as it is. */
static void
json_write_string (GString *out, const char *value)
{
	const char *end = value + strlen (value);
	const char *run = value;
	const char *p;

	json_put_c (out, '"');
	while ((p = json_next_escape (run, end)) < end) {
		unsigned char c = (unsigned char) *p;
		const char *escape;
		char code[8];

		if (c == '"')
			escape = "\\\"";
		else if (c == '\\')
			escape = "\\\\";
		else if (c == '\b')
			escape = "\\b";
		else if (c == '\f')
			escape = "\\f";
		else if (c == '\n')
			escape = "\\n";
		else if (c == '\r')
			escape = "\\r";
		else if (c == '\t')
			escape = "\\t";
		else {
			g_snprintf (code, sizeof code, "\\u00%.2x", c);
			escape = code;
		}
		json_put (out, run, p - run);
		json_put (out, escape, strlen (escape));
		run = p + 1;
	}
	json_put (out, run, end - run);
	json_put_c (out, '"');
}

static void
json_newline (JsonWriter *w)
{
	static const char spaces[] = "\n                ";
	guint width = 1 + 2 * w->depth;

	if (width < sizeof spaces) {
		json_put (w->out, spaces, width);
		return;
	}
	g_string_append_c (w->out, '\n');
	for (guint i = 0; i < w->depth; i++)
		g_string_append_len (w->out, "  ", 2);
}

/* The comma after the previous value and the line of the next. */
static void
json_next (JsonWriter *w)
{
	if (!w->empty)
		json_put_c (w->out, ',');
	json_newline (w);
	w->empty = FALSE;
}

static void
json_member (JsonWriter *w, const char *name)
{
	/* Our member names are plain ASCII words: nothing to escape. */
	json_next (w);
	json_put_c (w->out, '"');
	json_put (w->out, name, strlen (name));
	json_put (w->out, "\" : ", 4);
}

static void
json_open (JsonWriter *w, char bracket)
{
	json_put_c (w->out, bracket);
	w->depth++;
	w->empty = TRUE;
}

static void
json_close (JsonWriter *w, char bracket)
{
	w->depth--;
	if (!w->empty)
		json_newline (w);
	json_put_c (w->out, bracket);
	w->empty = FALSE;
}

static void
json_string_member (JsonWriter *w, const char *name, const char *value)
{
	json_member (w, name);
	if (value != NULL)
		json_write_string (w->out, value);
	else
		json_put (w->out, "null", 4);
}

static void
json_boolean_member (JsonWriter *w, const char *name, gboolean value)
{
	json_member (w, name);
	if (value)
		json_put (w->out, "true", 4);
	else
		json_put (w->out, "false", 5);
}

static void
json_array_member (JsonWriter *w, const char *name, const GPtrArray *values)
{
	json_member (w, name);
	json_open (w, '[');
	for (guint i = 0; values != NULL && i < values->len; i++) {
		const char *value = g_ptr_array_index (values, i);

		if (value == NULL)
			continue;
		json_next (w);
		json_write_string (w->out, value);
	}
	json_close (w, ']');
}

/* One object of render_statement_json(), @depth containers deep. */
static void
json_write_statement (JsonWriter *w, const Statement *statement, gboolean full, const char *today)
{
	json_open (w, '{');
	json_string_member (w, "id", statement->id);
	json_string_member (w, "state", state_to_string (statement->state));
	json_boolean_member (w, "overdue", is_overdue (statement, today));
	json_boolean_member (w, "action_taken", statement->action_taken);
	json_string_member (w, "title", statement->title);
	json_string_member (w, "purpose", purpose_name (statement->purpose));
	json_string_member (w, "layout", layout_name (statement->layout));
	json_string_member (w, "submitted", statement->submitted);
	json_string_member (w, "received", statement->received);
	json_string_member (w, "deadline", statement->deadline);

	json_member (w, "from");
	json_open (w, '{');
	json_string_member (w, "org", statement_org (statement));
	json_string_member (w, "contact", statement->from_contact);
	json_close (w, '}');

	json_member (w, "to");
	json_open (w, '{');
	json_array_member (w, "groups", statement->groups);
	json_array_member (w, "contacts", statement->to_contacts);
	json_close (w, '}');

	json_array_member (w, "cc", statement->cc);
	json_array_member (w, "response_contacts", statement->response_contacts);
	json_array_member (w, "technical_contacts", statement->technical_contacts);

	json_member (w, "related");
	json_open (w, '[');
	for (guint i = 0; statement->related != NULL && i < statement->related->len; i++) {
		const Related *related = g_ptr_array_index (statement->related, i);

		json_next (w);
		json_open (w, '{');
		json_string_member (w, "id", related->id);
		json_string_member (w, "relation", related->relation);
		json_close (w, '}');
	}
	json_close (w, ']');

	json_string_member (w, "message_id", statement->message_id);
	if (full)
		json_string_member (w, "body", statement->body);

	json_member (w, "attachments");
	json_open (w, '[');
	for (guint i = 0; statement->attachments != NULL && i < statement->attachments->len; i++) {
		const Attachment *attachment = g_ptr_array_index (statement->attachments, i);

		json_next (w);
		json_open (w, '{');
		json_string_member (w, "filename", attachment->filename);
		json_string_member (w, "content_type", attachment->content_type);
		json_member (w, "size");
		g_string_append_printf (w->out, "%" G_GINT64_FORMAT, attachment->size);
		json_string_member (w, "sha256", attachment->sha256);
		json_close (w, '}');
	}
	json_close (w, ']');

	json_member (w, "routes");
	json_open (w, '[');
	for (guint i = 0; statement->routes != NULL && i < statement->routes->len; i++) {
		const Route *route = g_ptr_array_index (statement->routes, i);

		json_next (w);
		json_open (w, '{');
		json_string_member (w, "address", route->address);
		json_string_member (w, "role", route->role);
		json_string_member (w, "status", route->status);
		json_close (w, '}');
	}
	json_close (w, ']');

	if (full) {
		json_member (w, "thread");
		json_open (w, '[');
		for (guint i = 0; statement->thread != NULL && i < statement->thread->len; i++) {
			const ThreadEntry *entry = g_ptr_array_index (statement->thread, i);

			json_next (w);
			json_open (w, '{');
			json_string_member (w, "message_id", entry->message_id);
			json_string_member (w, "from", entry->from);
			json_string_member (w, "date", entry->date);
			json_string_member (w, "role", entry->role);
			json_close (w, '}');
		}
		json_close (w, ']');

		json_member (w, "events");
		json_open (w, '[');
		for (guint i = 0; statement->events != NULL && i < statement->events->len; i++) {
			const Event *event = g_ptr_array_index (statement->events, i);

			json_next (w);
			json_open (w, '{');
			json_string_member (w, "at", event->at);
			json_string_member (w, "type", event->type);
			json_string_member (w, "detail", event->detail);
			json_close (w, '}');
		}
		json_close (w, ']');
	}
	json_close (w, '}');
}

void
render_json_array_begin (GString *out)
{
	g_return_if_fail (out != NULL);
	g_string_append_c (out, '[');
}

void
render_json_array_statement (GString *out, const Statement *statement, gboolean first,
                             const char *today)
{
	JsonWriter w = { out, 1, first };

	g_return_if_fail (out != NULL);
	g_return_if_fail (statement != NULL);

	json_next (&w);
	json_write_statement (&w, statement, FALSE, today);
}

void
render_json_array_end (GString *out, gboolean empty)
{
	g_return_if_fail (out != NULL);
	g_string_append (out, empty ? "]\n" : "\n]\n");
}

/* ---------------------------------------------------------------- text */

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
	const char *purpose = purpose_name (statement->purpose);
	const char *state = state_to_string (statement->state);
	const char *org = statement_org (statement);
	int days;

	cells[COLUMN_ID] = g_strdup (statement->id != NULL ? statement->id : "-");
	/* An overdue statement keeps its state visible, marked with "!". */
	cells[COLUMN_STATE] = g_strdup_printf ("%s%s", state != NULL ? state : "?",
	                                       is_overdue (statement, today) ? "!" : "");
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

void
render_statement_card (GString *out, const Statement *statement, const char *today)
{
	const char *state = state_to_string (statement->state);
	const char *org = statement_org (statement);
	g_autoptr(GPtrArray) rows = NULL;
	g_autofree char *from = NULL;
	g_autofree char *to = NULL;
	gsize start;

	g_return_if_fail (out != NULL);
	g_return_if_fail (statement != NULL);

	/* LS-2026-0007  [open]  For action, reply by 2027-01-15 (49 days left) */
	g_string_append_printf (out, "%s  [%s", statement->id != NULL ? statement->id : "(no id)",
	                        state != NULL ? state : "?");
	if (is_overdue (statement, today))
		g_string_append (out, ", overdue");
	if (statement->action_taken)
		g_string_append (out, ", action taken");
	g_string_append (out, "]  ");
	start = out->len;
	card_summary (out, statement, today);
	if (out->len == start)
		trim_line_end (out);
	g_string_append (out, "\n\n");

	card_line (out, "Title", statement->title);
	if (org != NULL && statement->from_contact != NULL)
		from = g_strdup_printf ("%s (%s)", org, statement->from_contact);
	else
		from = g_strdup (org != NULL ? org : statement->from_contact);
	card_line (out, "From", from);
	{
		g_autofree char *groups = join_array (statement->groups, ", ");
		g_autofree char *contacts = join_array (statement->to_contacts, ", ");

		/* Unresolved destinations (a held statement) show as written. */
		if (groups[0] == '\0') {
			g_free (groups);
			groups = join_array (statement->to_texts, ", ");
		}
		if (groups[0] != '\0' && contacts[0] != '\0')
			to = g_strdup_printf ("%s (%s)", groups, contacts);
		else
			to = g_strdup (groups[0] != '\0' ? groups : contacts);
	}
	card_line (out, "To", to);
	card_list_line (out, "Cc", statement->cc);
	card_list_line (out, "Response contacts", statement->response_contacts);
	card_list_line (out, "Technical contacts", statement->technical_contacts);
	card_line (out, "Submitted", statement->submitted);
	card_line (out, "Received", statement->received);
	card_line (out, "Message-ID", statement->message_id);
	card_line (out, "Layout", layout_name (statement->layout));
	if (statement->url != NULL)
		card_line (out, "URL", statement->url);
	if (statement->other_identifiers != NULL && statement->other_identifiers->len > 0)
		card_list_line (out, "Other identifiers", statement->other_identifiers);
	if (statement->hold_reason != NULL)
		card_line (out, "Held", statement->hold_reason);

	rows = rows_new ();
	for (guint i = 0; statement->related != NULL && i < statement->related->len; i++) {
		const Related *related = g_ptr_array_index (statement->related, i);

		g_ptr_array_add (rows, cells_new (2, related->id, related->relation));
	}
	card_section (out, "Related", rows);

	g_ptr_array_set_size (rows, 0);
	for (guint i = 0; statement->attachments != NULL && i < statement->attachments->len; i++) {
		const Attachment *attachment = g_ptr_array_index (statement->attachments, i);
		g_autofree char *size = format_size (attachment->size);
		g_autofree char *sha = NULL;

		if (attachment->sha256 != NULL)
			sha = g_strdup_printf ("sha256:%.12s", attachment->sha256);
		g_ptr_array_add (rows, cells_new (4, attachment->filename, attachment->content_type,
		                                  size, sha));
	}
	card_section (out, "Attachments", rows);

	g_ptr_array_set_size (rows, 0);
	for (guint i = 0; statement->routes != NULL && i < statement->routes->len; i++) {
		const Route *route = g_ptr_array_index (statement->routes, i);

		g_ptr_array_add (rows, cells_new (3, route->address, route->role, route->status));
	}
	card_section (out, "Routes", rows);

	g_ptr_array_set_size (rows, 0);
	for (guint i = 0; statement->thread != NULL && i < statement->thread->len; i++) {
		const ThreadEntry *entry = g_ptr_array_index (statement->thread, i);
		g_autofree char *message_id = NULL;

		if (entry->message_id != NULL)
			message_id = g_strdup_printf ("<%s>", entry->message_id);
		g_ptr_array_add (rows, cells_new (4, entry->date, entry->role, entry->from, message_id));
	}
	card_section (out, "Thread", rows);

	g_ptr_array_set_size (rows, 0);
	for (guint i = 0; statement->events != NULL && i < statement->events->len; i++) {
		const Event *event = g_ptr_array_index (statement->events, i);

		g_ptr_array_add (rows, cells_new (3, event->at, event->type,
		                                  event->detail != NULL ? event->detail : ""));
	}
	card_section (out, "Events", rows);

	if (statement->body != NULL && statement->body[0] != '\0') {
		g_auto(GStrv) lines = g_strsplit (statement->body, "\n", -1);
		guint n = g_strv_length (lines);

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
}
