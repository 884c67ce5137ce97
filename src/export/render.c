/* render.c: statements as the JSON of SPEC §10, built with json-glib or
 * streamed, and the JSON of the commands that print rows of their own
 * (thread, search, queue list, remind). Pure: no store, no clock; the date
 * of today comes in as an argument. The text renderings are in
 * render-text.c. */
#include "config.h"

#include <string.h>

#include "export/render.h"
#include "export/render-private.h"

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

const char *
render_statement_org (const Statement *statement)
{
	return statement->from_org != NULL ? statement->from_org : statement->from_org_text;
}

const char *
render_purpose_name (Purpose purpose)
{
	return purpose == PURPOSE_NONE ? NULL : purpose_to_string (purpose);
}

const char *
render_layout_name (Layout layout)
{
	return layout == LAYOUT_NONE ? NULL : layout_to_string (layout);
}

char *
render_other_identifiers (const Statement *statement)
{
	GString *joined;

	g_return_val_if_fail (statement != NULL, NULL);

	if (statement->other_identifiers == NULL || statement->other_identifiers->len == 0)
		return NULL;
	joined = g_string_new (NULL);
	for (guint i = 0; i < statement->other_identifiers->len; i++)
		g_string_append_printf (joined, "%s%s", i > 0 ? ", " : "",
		                        (const char *) g_ptr_array_index (statement->other_identifiers, i));
	return g_string_free (joined, FALSE);
}

gboolean
render_is_overdue (const Statement *statement, const char *today)
{
	return today != NULL && statement_is_overdue (statement, today);
}

/* id, state, overdue, action_taken and title: the head of a statement's
 * object, and of thread's. */
static void
add_head (JsonBuilder *builder, const Statement *statement, const char *today)
{
	add_string_or_null (builder, "id", statement->id);
	add_string_or_null (builder, "state", state_to_string (statement->state));
	json_builder_set_member_name (builder, "overdue");
	json_builder_add_boolean_value (builder, render_is_overdue (statement, today));
	json_builder_set_member_name (builder, "action_taken");
	json_builder_add_boolean_value (builder, statement->action_taken);
	add_string_or_null (builder, "title", statement->title);
}

static void
add_from_to (JsonBuilder *builder, const Statement *statement)
{
	json_builder_set_member_name (builder, "from");
	json_builder_begin_object (builder);
	add_string_or_null (builder, "org", render_statement_org (statement));
	add_string_or_null (builder, "contact", statement->from_contact);
	json_builder_end_object (builder);

	json_builder_set_member_name (builder, "to");
	json_builder_begin_object (builder);
	add_string_array (builder, "groups", statement->groups);
	add_string_array (builder, "contacts", statement->to_contacts);
	json_builder_end_object (builder);
}

static void
add_links (JsonBuilder *builder, const GPtrArray *links)
{
	json_builder_set_member_name (builder, "links");
	json_builder_begin_array (builder);
	for (guint i = 0; links != NULL && i < links->len; i++) {
		const Link *link = g_ptr_array_index (links, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "title", link->title);
		add_string_or_null (builder, "url", link->url);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
}

/* direction, url, other_identifiers and links (SPEC §10): where the
 * statement goes and what else names it. */
static void
add_identity (JsonBuilder *builder, const Statement *statement)
{
	g_autofree char *others = render_other_identifiers (statement);

	add_string_or_null (builder, "direction", direction_to_string (statement->direction));
	add_string_or_null (builder, "url", statement->url);
	add_string_or_null (builder, "other_identifiers", others);
	add_links (builder, statement->links);
}

static void
add_related (JsonBuilder *builder, const GPtrArray *related)
{
	json_builder_set_member_name (builder, "related");
	json_builder_begin_array (builder);
	for (guint i = 0; related != NULL && i < related->len; i++) {
		const Related *r = g_ptr_array_index (related, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "id", r->id);
		add_string_or_null (builder, "relation", r->relation);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
}

static void
add_attachments (JsonBuilder *builder, const GPtrArray *attachments)
{
	json_builder_set_member_name (builder, "attachments");
	json_builder_begin_array (builder);
	for (guint i = 0; attachments != NULL && i < attachments->len; i++) {
		const Attachment *attachment = g_ptr_array_index (attachments, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "filename", attachment->filename);
		add_string_or_null (builder, "content_type", attachment->content_type);
		json_builder_set_member_name (builder, "size");
		json_builder_add_int_value (builder, attachment->size);
		add_string_or_null (builder, "sha256", attachment->sha256);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
}

static void
add_routes (JsonBuilder *builder, const GPtrArray *routes)
{
	json_builder_set_member_name (builder, "routes");
	json_builder_begin_array (builder);
	for (guint i = 0; routes != NULL && i < routes->len; i++) {
		const StatementRoute *route = g_ptr_array_index (routes, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "address", route->address);
		add_string_or_null (builder, "role", route->role);
		add_string_or_null (builder, "status", route->status);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
}

/* The thread of show's object; thread's adds each message's @parent. */
static void
add_thread (JsonBuilder *builder, const GPtrArray *thread, gboolean parent)
{
	json_builder_set_member_name (builder, "thread");
	json_builder_begin_array (builder);
	for (guint i = 0; thread != NULL && i < thread->len; i++) {
		const ThreadEntry *entry = g_ptr_array_index (thread, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "message_id", entry->message_id);
		add_string_or_null (builder, "from", entry->from);
		add_string_or_null (builder, "date", entry->date);
		add_string_or_null (builder, "role", entry->role);
		if (parent)
			add_string_or_null (builder, "parent", entry->parent);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
}

static void
add_events (JsonBuilder *builder, const GPtrArray *events)
{
	json_builder_set_member_name (builder, "events");
	json_builder_begin_array (builder);
	for (guint i = 0; events != NULL && i < events->len; i++) {
		const Event *event = g_ptr_array_index (events, i);

		json_builder_begin_object (builder);
		add_string_or_null (builder, "at", event->at);
		add_string_or_null (builder, "type", event->type);
		add_string_or_null (builder, "detail", event->detail);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
}

JsonNode *
render_statement_json (const Statement *statement, gboolean full, const char *today)
{
	g_autoptr(JsonBuilder) builder = NULL;

	g_return_val_if_fail (statement != NULL, NULL);

	builder = json_builder_new ();
	json_builder_begin_object (builder);
	add_head (builder, statement, today);
	add_string_or_null (builder, "purpose", render_purpose_name (statement->purpose));
	add_string_or_null (builder, "layout", render_layout_name (statement->layout));
	add_string_or_null (builder, "submitted", statement->submitted);
	add_string_or_null (builder, "received", statement->received);
	add_string_or_null (builder, "deadline", statement->deadline);
	/* Why it is held (SPEC §4); a held message's handle; whether every
	 * list route bounced. */
	add_string_or_null (builder, "hold_reason", statement->hold_reason);
	add_string_or_null (builder, "handle", statement->handle);
	json_builder_set_member_name (builder, "undelivered");
	json_builder_add_boolean_value (builder, statement->undelivered);
	add_from_to (builder, statement);
	add_string_array (builder, "cc", statement->cc);
	add_string_array (builder, "response_contacts", statement->response_contacts);
	add_string_array (builder, "technical_contacts", statement->technical_contacts);
	add_identity (builder, statement);
	add_related (builder, statement->related);
	add_string_or_null (builder, "message_id", statement->message_id);
	if (full)
		add_string_or_null (builder, "body", statement->body);
	add_attachments (builder, statement->attachments);
	add_routes (builder, statement->routes);
	if (full) {
		add_thread (builder, statement->thread, FALSE);
		add_events (builder, statement->events);
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
 * "name" : value); test-render compares the two byte for byte. One
 * difference: bytes that are not UTF-8 become U+FFFD, as
 * g_utf8_make_valid() makes them, where json-glib copies them and its own
 * parser then refuses the whole text (tests/test-json-writer). */
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
 * or, with @ascii, that is not ASCII; or @end. Eight bytes at a time: a
 * word with no byte under 0x1f and none equal to '"', '\\' or 0x7f (nor,
 * with @ascii, over 0x7f) is skipped whole (the tests of "Bit Twiddling
 * Hacks": each says exactly whether such a byte is there). */
static const char *
json_next_escape (const char *p, const char *end, gboolean ascii)
{
	const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
	const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
	const guint64 non_ascii = ascii ? high : 0;

	while (end - p >= 8) {
		guint64 w, q, b, d;

		memcpy (&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		d = w ^ (ones * 0x7f);
		if (((((w - ones * 0x1f) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) |
		      ((d - ones) & ~d)) & high) | (w & non_ascii))
			break;
		p += 8;
	}
	while (p < end && !json_escaped[(guchar) *p] && !(ascii && (guchar) *p >= 0x80))
		p++;
	return p;
}

/* At @p, a byte over 0x7f in a string not known to be UTF-8. The first
 * time (*@checked FALSE), the rest of the string is validated at once:
 * when it is UTF-8, *@ascii becomes FALSE and the scan goes on over it.
 * Else the one character at @p is copied when it is valid, replaced with
 * U+FFFD when it is not (one for each bad byte, as g_utf8_make_valid()).
 * Returns where the string goes on. */
static const char *
json_check_utf8 (GString *out, const char *run, const char *p, const char *end,
                 gboolean *ascii, gboolean *checked)
{
	gunichar c;

	if (!*checked) {
		*checked = TRUE;
		if (g_utf8_validate_len (p, end - p, NULL)) {
			*ascii = FALSE;
			return run;
		}
	}
	json_put (out, run, p - run);
	c = g_utf8_get_char_validated (p, end - p);
	if (c == (gunichar) -1 || c == (gunichar) -2) {
		json_put (out, "\xef\xbf\xbd", 3);
		return p + 1;
	}
	json_put (out, p, g_utf8_next_char (p) - p);
	return g_utf8_next_char (p);
}

/* json-glib's escaping: \" and \\, the short forms of \b \f \n \r \t, \u00xx
 * for the other bytes 0x01-0x1e and 0x7f; everything else (0x1f and UTF-8
 * included) as it is, but bytes that are not UTF-8, as U+FFFD. */
static void
json_write_string (GString *out, const char *value)
{
	const char *end = value + strlen (value);
	const char *run = value;
	const char *p;
	gboolean ascii = TRUE, checked = FALSE;

	json_put_c (out, '"');
	while ((p = json_next_escape (run, end, ascii)) < end) {
		unsigned char c = (unsigned char) *p;
		const char *escape;
		char code[8];

		if (c >= 0x80) {
			run = json_check_utf8 (out, run, p, end, &ascii, &checked);
			continue;
		}
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
	static const char spaces[] = "                ";
	gsize n = strlen (name);
	guint width = 2 * w->depth;
	GString *out = w->out;

	/* The comma, the line, the indentation and the name in one piece,
	 * when they fit: the most frequent call of list --json, a million
	 * times at 10,000 stored. */
	if (width < sizeof spaces && out->len + width + n + 8 < out->allocated_len) {
		char *p = out->str + out->len;

		if (!w->empty)
			*p++ = ',';
		*p++ = '\n';
		memcpy (p, spaces, width);
		p += width;
		*p++ = '"';
		memcpy (p, name, n);
		p += n;
		memcpy (p, "\" : ", 4);
		p += 4;
		*p = '\0';
		out->len = p - out->str;
		w->empty = FALSE;
		return;
	}
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

/* The next element of an array: an object, opened. */
static void
json_open_element (JsonWriter *w)
{
	json_next (w);
	json_open (w, '{');
}

static void
json_write_from_to (JsonWriter *w, const Statement *statement)
{
	json_member (w, "from");
	json_open (w, '{');
	json_string_member (w, "org", render_statement_org (statement));
	json_string_member (w, "contact", statement->from_contact);
	json_close (w, '}');

	json_member (w, "to");
	json_open (w, '{');
	json_array_member (w, "groups", statement->groups);
	json_array_member (w, "contacts", statement->to_contacts);
	json_close (w, '}');
}

static void
json_write_identity (JsonWriter *w, const Statement *statement)
{
	g_autofree char *others = render_other_identifiers (statement);

	json_string_member (w, "direction", direction_to_string (statement->direction));
	json_string_member (w, "url", statement->url);
	json_string_member (w, "other_identifiers", others);
	json_member (w, "links");
	json_open (w, '[');
	for (guint i = 0; statement->links != NULL && i < statement->links->len; i++) {
		const Link *link = g_ptr_array_index (statement->links, i);

		json_open_element (w);
		json_string_member (w, "title", link->title);
		json_string_member (w, "url", link->url);
		json_close (w, '}');
	}
	json_close (w, ']');
}

static void
json_write_related (JsonWriter *w, const GPtrArray *related)
{
	json_member (w, "related");
	json_open (w, '[');
	for (guint i = 0; related != NULL && i < related->len; i++) {
		const Related *r = g_ptr_array_index (related, i);

		json_open_element (w);
		json_string_member (w, "id", r->id);
		json_string_member (w, "relation", r->relation);
		json_close (w, '}');
	}
	json_close (w, ']');
}

static void
json_write_attachments (JsonWriter *w, const GPtrArray *attachments)
{
	json_member (w, "attachments");
	json_open (w, '[');
	for (guint i = 0; attachments != NULL && i < attachments->len; i++) {
		const Attachment *attachment = g_ptr_array_index (attachments, i);

		json_open_element (w);
		json_string_member (w, "filename", attachment->filename);
		json_string_member (w, "content_type", attachment->content_type);
		json_member (w, "size");
		g_string_append_printf (w->out, "%" G_GINT64_FORMAT, attachment->size);
		json_string_member (w, "sha256", attachment->sha256);
		json_close (w, '}');
	}
	json_close (w, ']');
}

static void
json_write_routes (JsonWriter *w, const GPtrArray *routes)
{
	json_member (w, "routes");
	json_open (w, '[');
	for (guint i = 0; routes != NULL && i < routes->len; i++) {
		const StatementRoute *route = g_ptr_array_index (routes, i);

		json_open_element (w);
		json_string_member (w, "address", route->address);
		json_string_member (w, "role", route->role);
		json_string_member (w, "status", route->status);
		json_close (w, '}');
	}
	json_close (w, ']');
}

static void
json_write_thread (JsonWriter *w, const GPtrArray *thread)
{
	json_member (w, "thread");
	json_open (w, '[');
	for (guint i = 0; thread != NULL && i < thread->len; i++) {
		const ThreadEntry *entry = g_ptr_array_index (thread, i);

		json_open_element (w);
		json_string_member (w, "message_id", entry->message_id);
		json_string_member (w, "from", entry->from);
		json_string_member (w, "date", entry->date);
		json_string_member (w, "role", entry->role);
		json_close (w, '}');
	}
	json_close (w, ']');
}

static void
json_write_events (JsonWriter *w, const GPtrArray *events)
{
	json_member (w, "events");
	json_open (w, '[');
	for (guint i = 0; events != NULL && i < events->len; i++) {
		const Event *event = g_ptr_array_index (events, i);

		json_open_element (w);
		json_string_member (w, "at", event->at);
		json_string_member (w, "type", event->type);
		json_string_member (w, "detail", event->detail);
		json_close (w, '}');
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
	json_boolean_member (w, "overdue", render_is_overdue (statement, today));
	json_boolean_member (w, "action_taken", statement->action_taken);
	json_string_member (w, "title", statement->title);
	json_string_member (w, "purpose", render_purpose_name (statement->purpose));
	json_string_member (w, "layout", render_layout_name (statement->layout));
	json_string_member (w, "submitted", statement->submitted);
	json_string_member (w, "received", statement->received);
	json_string_member (w, "deadline", statement->deadline);
	json_string_member (w, "hold_reason", statement->hold_reason);
	json_string_member (w, "handle", statement->handle);
	json_boolean_member (w, "undelivered", statement->undelivered);
	json_write_from_to (w, statement);
	json_array_member (w, "cc", statement->cc);
	json_array_member (w, "response_contacts", statement->response_contacts);
	json_array_member (w, "technical_contacts", statement->technical_contacts);
	json_write_identity (w, statement);
	json_write_related (w, statement->related);
	json_string_member (w, "message_id", statement->message_id);
	if (full)
		json_string_member (w, "body", statement->body);
	json_write_attachments (w, statement->attachments);
	json_write_routes (w, statement->routes);
	if (full) {
		json_write_thread (w, statement->thread);
		json_write_events (w, statement->events);
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

/* ------------------------------------------------------ command JSON */

char *
render_thread_json (const Statement *statement, const char *today)
{
	g_autoptr(JsonBuilder) builder = NULL;
	g_autoptr(JsonNode) root = NULL;

	g_return_val_if_fail (statement != NULL, NULL);

	builder = json_builder_new ();
	json_builder_begin_object (builder);
	add_head (builder, statement, today);
	add_thread (builder, statement->thread, TRUE);
	json_builder_end_object (builder);
	root = json_builder_get_root (builder);
	return render_json_to_string (root);
}

char *
render_search_json (const RenderHit *hits, guint count, const char *today)
{
	g_autoptr(JsonBuilder) builder = json_builder_new ();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_array (builder);
	for (guint i = 0; i < count; i++) {
		JsonNode *node = render_statement_json (hits[i].statement, FALSE, today);
		JsonObject *object = json_node_get_object (node);

		json_object_set_double_member (object, "score", hits[i].score);
		json_object_set_string_member (object, "snippet", hits[i].snippet);
		json_builder_add_value (builder, node);
	}
	json_builder_end_array (builder);
	root = json_builder_get_root (builder);
	return render_json_to_string (root);
}

/* An array of char*, each as it is (a NULL one as json-glib writes it). */
static void
add_plain_array (JsonBuilder *builder, const char *name, const GPtrArray *values)
{
	json_builder_set_member_name (builder, name);
	json_builder_begin_array (builder);
	for (guint i = 0; i < values->len; i++)
		json_builder_add_string_value (builder, g_ptr_array_index (values, i));
	json_builder_end_array (builder);
}

/* A member whose value is always there: json-glib writes NULL as "". */
static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
	json_builder_set_member_name (builder, name);
	json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder, const char *name, gint64 value)
{
	json_builder_set_member_name (builder, name);
	json_builder_add_int_value (builder, value);
}

char *
render_outbox_json (const RenderOutboxEntry *entries, guint count)
{
	g_autoptr(JsonBuilder) builder = json_builder_new ();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_array (builder);
	for (guint i = 0; i < count; i++) {
		const RenderOutboxEntry *e = &entries[i];

		json_builder_begin_object (builder);
		add_int (builder, "id", e->id);
		add_string_or_null (builder, "statement", e->statement_id);
		add_string (builder, "kind", e->kind);
		add_string (builder, "message_id", e->message_id);
		add_string (builder, "state", e->state);
		add_int (builder, "attempts", e->attempts);
		add_string (builder, "created", e->created);
		add_string (builder, "next_attempt", e->next_attempt);
		add_string_or_null (builder, "sent", e->sent);
		add_string_or_null (builder, "last_error", e->last_error);
		add_plain_array (builder, "recipients", e->recipients);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
	root = json_builder_get_root (builder);
	return render_json_to_string (root);
}

char *
render_reminders_json (const RenderReminder *reminders, guint count, const char *day)
{
	g_autoptr(JsonBuilder) builder = json_builder_new ();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_array (builder);
	for (guint i = 0; i < count; i++) {
		const RenderReminder *r = &reminders[i];

		json_builder_begin_object (builder);
		add_string (builder, "id", r->id);
		add_string (builder, "stage", r->stage);
		add_string (builder, "day", day);
		add_string (builder, "deadline", r->deadline);
		add_int (builder, "days_left", r->days_left);
		add_string (builder, "subject", r->subject);
		add_string (builder, "message_id", r->message_id);
		add_plain_array (builder, "to", r->to);
		add_plain_array (builder, "cc", r->cc);
		add_string (builder, "status", r->status);
		json_builder_end_object (builder);
	}
	json_builder_end_array (builder);
	root = json_builder_get_root (builder);
	return render_json_to_string (root);
}
