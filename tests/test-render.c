/* test-render.c: the JSON of SPEC §10 (key order, types, nulls, the list and
 * full forms, the overdue flag), the JSON of thread, search, queue list and
 * remind, and the text renderings (the list table's UTF-8-safe truncation,
 * the show card). Statements are built by hand. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "export/render.h"

#define TODAY "2026-11-27"

static void
add_string (GPtrArray *array, const char *value)
{
	g_ptr_array_add (array, g_strdup (value));
}

static Attachment *
attachment_make (const char *filename, const char *content_type, gint64 size, const char *sha256)
{
	Attachment *attachment = g_new0 (Attachment, 1);

	attachment->filename = g_strdup (filename);
	attachment->content_type = g_strdup (content_type);
	attachment->size = size;
	attachment->sha256 = g_strdup (sha256);
	return attachment;
}

/* A statement with every field set. */
static Statement *
full_statement (void)
{
	Statement *s = statement_new ();
	StatementRoute *route = g_new0 (StatementRoute, 1);
	Related *related = g_new0 (Related, 1);
	ThreadEntry *entry = g_new0 (ThreadEntry, 1);
	Event *event = g_new0 (Event, 1);

	s->id = g_strdup ("LS-2026-0007");
	s->state = STATE_OPEN;
	s->action_taken = FALSE;
	s->title = g_strdup ("Response to LS on OTN beyond 400G");
	s->purpose = PURPOSE_ACTION;
	s->layout = LAYOUT_DATATRACKER;
	s->submitted = g_strdup ("2026-11-20");
	s->received = g_strdup ("2026-11-20T10:11:12Z");
	s->deadline = g_strdup ("2027-01-15");
	s->from_org = g_strdup ("ITU-T SG15");
	s->from_org_text = g_strdup ("ITU-T Study Group 15");
	s->from_contact = g_strdup ("Greg Jones <greg.jones@example.com>");
	add_string (s->groups, "ccamp");
	add_string (s->groups, "mpls");
	add_string (s->to_texts, "CCAMP");
	add_string (s->to_contacts, "Daniele Ceccarelli <dc@example.net>");
	add_string (s->cc, "Scott Mansfield <scott.mansfield@example.com>");
	add_string (s->response_contacts, "Response Person <resp@example.com>");
	add_string (s->technical_contacts, "Tech Person <tech@example.com>");
	related->id = g_strdup ("LS-2026-0003");
	related->relation = g_strdup ("responds-to");
	g_ptr_array_add (s->related, related);
	s->url = g_strdup ("https://datatracker.ietf.org/liaison/2007/");
	add_string (s->other_identifiers, "SG15-LS123");
	add_string (s->other_identifiers, "COM15-LS45");
	{
		Link *link = g_new0 (Link, 1);
		link->title = g_strdup ("LS on OTN beyond 400G");
		link->url = g_strdup ("https://datatracker.ietf.org/documents/LIAISON/ls-otn.pdf");
		g_ptr_array_add (s->links, link);
	}
	s->message_id = g_strdup ("ls-0007@datatracker.example.org");
	s->body = g_strdup ("First line of the body.\n\nSecond paragraph.\n");
	g_ptr_array_add (s->attachments,
	                 attachment_make ("ls-otn.pdf", "application/pdf", 123392,
	                                  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	route->address = g_strdup ("ccamp@ietf.org");
	route->role = g_strdup ("list");
	route->status = g_strdup ("sent");
	g_ptr_array_add (s->routes, route);
	entry->message_id = g_strdup ("ls-0007@datatracker.example.org");
	entry->from = g_strdup ("Liaison Statement Management Tool <statements@ietf.org>");
	entry->date = g_strdup ("2026-11-20T10:11:12Z");
	entry->role = g_strdup ("statement");
	g_ptr_array_add (s->thread, entry);
	event->at = g_strdup ("2026-11-20T10:11:13Z");
	event->type = g_strdup ("received");
	event->detail = g_strdup ("routed to ccamp");
	g_ptr_array_add (s->events, event);
	return s;
}

/* Renders @statement, prints it, and parses the text back: the test of the
 * JSON is the test of what a user's program reads. */
static JsonNode *
json_round_trip (const Statement *statement, gboolean full, const char *today)
{
	g_autoptr(JsonNode) node = render_statement_json (statement, full, today);
	g_autofree char *text = NULL;
	g_autoptr(JsonParser) parser = json_parser_new ();
	g_autoptr(GError) error = NULL;

	assert_non_null (node);
	text = render_json_to_string (node);
	assert_non_null (text);
	assert_true (g_str_has_suffix (text, "}\n"));
	assert_true (json_parser_load_from_data (parser, text, -1, &error));
	assert_null (error);
	return json_node_copy (json_parser_get_root (parser));
}

static void
assert_keys (JsonObject *object, const char *const *expected)
{
	g_autoptr(GList) members = json_object_get_members (object);
	GList *l = members;
	guint i;

	for (i = 0; expected[i] != NULL; i++, l = l->next) {
		assert_non_null (l);
		assert_string_equal (l->data, expected[i]);
	}
	assert_null (l);
}

static const char *const top_full_keys[] = {
	"id", "state", "overdue", "action_taken", "title", "purpose", "layout",
	"submitted", "received", "deadline", "hold_reason", "handle", "undelivered", "from", "to",
	"cc", "response_contacts", "technical_contacts", "direction", "url", "other_identifiers",
	"links", "related", "message_id", "body", "attachments", "routes", "thread", "events", NULL,
};
static const char *const top_list_keys[] = {
	"id", "state", "overdue", "action_taken", "title", "purpose", "layout",
	"submitted", "received", "deadline", "hold_reason", "handle", "undelivered", "from", "to",
	"cc", "response_contacts", "technical_contacts", "direction", "url", "other_identifiers",
	"links", "related", "message_id", "attachments", "routes", NULL,
};
static const char *const from_keys[] = { "org", "contact", NULL };
static const char *const to_keys[] = { "groups", "contacts", NULL };
static const char *const related_keys[] = { "id", "relation", NULL };
static const char *const link_keys[] = { "title", "url", NULL };
static const char *const attachment_keys[] = { "filename", "content_type", "size", "sha256", NULL };
static const char *const route_keys[] = { "address", "role", "status", NULL };
static const char *const thread_keys[] = { "message_id", "from", "date", "role", NULL };
static const char *const event_keys[] = { "at", "type", "detail", NULL };

/* Each element of the array member @name of @object is an object with
 * @keys in order; returns the array. */
static JsonArray *
assert_object_array (JsonObject *object, const char *name, guint length, const char *const *keys)
{
	JsonNode *node = json_object_get_member (object, name);
	JsonArray *array;

	assert_non_null (node);
	assert_int_equal (JSON_NODE_TYPE (node), JSON_NODE_ARRAY);
	array = json_node_get_array (node);
	assert_int_equal (json_array_get_length (array), length);
	for (guint i = 0; i < length; i++) {
		JsonNode *element = json_array_get_element (array, i);

		assert_int_equal (JSON_NODE_TYPE (element), JSON_NODE_OBJECT);
		assert_keys (json_node_get_object (element), keys);
	}
	return array;
}

static void
assert_string_member (JsonObject *object, const char *name, const char *expected)
{
	JsonNode *node = json_object_get_member (object, name);

	assert_non_null (node);
	if (expected == NULL) {
		assert_true (JSON_NODE_HOLDS_NULL (node));
		return;
	}
	assert_true (JSON_NODE_HOLDS_VALUE (node));
	assert_int_equal (json_node_get_value_type (node), G_TYPE_STRING);
	assert_string_equal (json_node_get_string (node), expected);
}

static void
assert_string_array (JsonObject *object, const char *name, const char *const *expected)
{
	JsonNode *node = json_object_get_member (object, name);
	JsonArray *array;
	guint n = expected != NULL ? g_strv_length ((char **) expected) : 0;

	assert_non_null (node);
	assert_true (JSON_NODE_HOLDS_ARRAY (node));
	array = json_node_get_array (node);
	assert_int_equal (json_array_get_length (array), n);
	for (guint i = 0; i < n; i++)
		assert_string_equal (json_array_get_string_element (array, i), expected[i]);
}

static void
assert_boolean_member (JsonObject *object, const char *name, gboolean expected)
{
	JsonNode *node = json_object_get_member (object, name);

	assert_non_null (node);
	assert_int_equal (json_node_get_value_type (node), G_TYPE_BOOLEAN);
	assert_int_equal (json_node_get_boolean (node), expected);
}

static void
test_json_full (void **state)
{
	g_autoptr(Statement) s = full_statement ();
	g_autoptr(JsonNode) root = json_round_trip (s, TRUE, TODAY);
	JsonObject *o, *sub;
	JsonArray *array;
	static const struct {
		const char *key;
		const char *value;
	} strings[] = {
		{ "id", "LS-2026-0007" },
		{ "state", "open" },
		{ "title", "Response to LS on OTN beyond 400G" },
		{ "purpose", "action" },
		{ "layout", "datatracker" },
		{ "submitted", "2026-11-20" },
		{ "received", "2026-11-20T10:11:12Z" },
		{ "deadline", "2027-01-15" },
		{ "message_id", "ls-0007@datatracker.example.org" },
		{ "body", "First line of the body.\n\nSecond paragraph.\n" },
		{ "direction", "incoming" },
		{ "url", "https://datatracker.ietf.org/liaison/2007/" },
		{ "other_identifiers", "SG15-LS123, COM15-LS45" },
	};

	assert_int_equal (JSON_NODE_TYPE (root), JSON_NODE_OBJECT);
	o = json_node_get_object (root);
	assert_keys (o, top_full_keys);
	for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
		assert_string_member (o, strings[i].key, strings[i].value);
	assert_boolean_member (o, "overdue", FALSE);
	assert_boolean_member (o, "action_taken", FALSE);

	array = assert_object_array (o, "links", 1, link_keys);
	sub = json_array_get_object_element (array, 0);
	assert_string_member (sub, "title", "LS on OTN beyond 400G");
	assert_string_member (sub, "url", "https://datatracker.ietf.org/documents/LIAISON/ls-otn.pdf");

	sub = json_object_get_object_member (o, "from");
	assert_keys (sub, from_keys);
	/* The canonical name wins over the name as written. */
	assert_string_member (sub, "org", "ITU-T SG15");
	assert_string_member (sub, "contact", "Greg Jones <greg.jones@example.com>");

	sub = json_object_get_object_member (o, "to");
	assert_keys (sub, to_keys);
	assert_string_array (sub, "groups", (const char *const[]) { "ccamp", "mpls", NULL });
	assert_string_array (sub, "contacts",
	                     (const char *const[]) { "Daniele Ceccarelli <dc@example.net>", NULL });
	assert_string_array (o, "cc",
	                     (const char *const[]) { "Scott Mansfield <scott.mansfield@example.com>", NULL });
	assert_string_array (o, "response_contacts",
	                     (const char *const[]) { "Response Person <resp@example.com>", NULL });
	assert_string_array (o, "technical_contacts",
	                     (const char *const[]) { "Tech Person <tech@example.com>", NULL });

	array = assert_object_array (o, "related", 1, related_keys);
	sub = json_array_get_object_element (array, 0);
	assert_string_member (sub, "id", "LS-2026-0003");
	assert_string_member (sub, "relation", "responds-to");

	array = assert_object_array (o, "attachments", 1, attachment_keys);
	sub = json_array_get_object_element (array, 0);
	assert_string_member (sub, "filename", "ls-otn.pdf");
	assert_string_member (sub, "content_type", "application/pdf");
	assert_int_equal (json_node_get_value_type (json_object_get_member (sub, "size")), G_TYPE_INT64);
	assert_int_equal (json_object_get_int_member (sub, "size"), 123392);
	assert_string_member (sub, "sha256",
	                      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

	array = assert_object_array (o, "routes", 1, route_keys);
	sub = json_array_get_object_element (array, 0);
	assert_string_member (sub, "address", "ccamp@ietf.org");
	assert_string_member (sub, "role", "list");
	assert_string_member (sub, "status", "sent");

	array = assert_object_array (o, "thread", 1, thread_keys);
	sub = json_array_get_object_element (array, 0);
	assert_string_member (sub, "message_id", "ls-0007@datatracker.example.org");
	assert_string_member (sub, "from", "Liaison Statement Management Tool <statements@ietf.org>");
	assert_string_member (sub, "date", "2026-11-20T10:11:12Z");
	assert_string_member (sub, "role", "statement");

	array = assert_object_array (o, "events", 1, event_keys);
	sub = json_array_get_object_element (array, 0);
	assert_string_member (sub, "at", "2026-11-20T10:11:13Z");
	assert_string_member (sub, "type", "received");
	assert_string_member (sub, "detail", "routed to ccamp");
}

static void
test_json_list_form (void **state)
{
	g_autoptr(Statement) s = full_statement ();
	g_autoptr(JsonNode) root = json_round_trip (s, FALSE, TODAY);
	JsonObject *o = json_node_get_object (root);

	assert_keys (o, top_list_keys);
	assert_false (json_object_has_member (o, "body"));
	assert_false (json_object_has_member (o, "thread"));
	assert_false (json_object_has_member (o, "events"));
	assert_object_array (o, "attachments", 1, attachment_keys);
	assert_object_array (o, "routes", 1, route_keys);
}

/* An empty statement: every absent string is null, every array []. */
static void
test_json_empty (void **state)
{
	static const char *const nullable[] = {
		"title", "purpose", "layout", "submitted", "deadline", "message_id", "body",
		"url", "other_identifiers",
	};
	static const char *const arrays[] = {
		"cc", "response_contacts", "technical_contacts", "links", "related", "attachments",
		"routes", "thread", "events",
	};
	g_autoptr(Statement) s = statement_new ();
	g_autoptr(JsonNode) root = NULL;
	JsonObject *o, *sub;

	s->id = g_strdup ("LS-2026-0001");
	s->state = STATE_HELD;
	s->received = g_strdup ("2026-11-20T10:11:12Z");
	root = json_round_trip (s, TRUE, TODAY);
	o = json_node_get_object (root);

	assert_keys (o, top_full_keys);
	assert_string_member (o, "state", "held");
	assert_string_member (o, "direction", "incoming");
	assert_boolean_member (o, "overdue", FALSE);
	assert_boolean_member (o, "action_taken", FALSE);
	for (guint i = 0; i < G_N_ELEMENTS (nullable); i++)
		assert_string_member (o, nullable[i], NULL);
	for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
		assert_object_array (o, arrays[i], 0, NULL);
	sub = json_object_get_object_member (o, "from");
	assert_keys (sub, from_keys);
	assert_string_member (sub, "org", NULL);
	assert_string_member (sub, "contact", NULL);
	sub = json_object_get_object_member (o, "to");
	assert_keys (sub, to_keys);
	assert_string_array (sub, "groups", NULL);
	assert_string_array (sub, "contacts", NULL);
}

/* from.org is the canonical organization, else the name as written. */
static void
test_json_from_org (void **state)
{
	static const struct {
		const char *org;
		const char *text;
		const char *expected;
	} cases[] = {
		{ "ITU-T SG15", "ITU-T Study Group 15", "ITU-T SG15" },
		{ NULL, "Broadband Forum", "Broadband Forum" },
		{ "3GPP SA2", NULL, "3GPP SA2" },
		{ NULL, NULL, NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr(Statement) s = statement_new ();
		g_autoptr(JsonNode) root = NULL;

		s->from_org = g_strdup (cases[i].org);
		s->from_org_text = g_strdup (cases[i].text);
		root = json_round_trip (s, FALSE, TODAY);
		assert_string_member (json_object_get_object_member (json_node_get_object (root), "from"),
		                      "org", cases[i].expected);
	}
}

static const struct {
	const char *deadline;
	const char *today;
	StatementState state;
	gboolean action_taken;
	gboolean overdue;
} overdue_cases[] = {
	{ "2026-05-01", "2026-05-02", STATE_OPEN, FALSE, TRUE },
	{ "2026-05-01", "2027-01-01", STATE_OPEN, FALSE, TRUE },
	{ "2026-05-01", "2026-05-01", STATE_OPEN, FALSE, FALSE },
	{ "2026-05-01", "2026-04-30", STATE_OPEN, FALSE, FALSE },
	{ "2026-05-01", "2026-05-02", STATE_OPEN, TRUE, FALSE },
	{ "2026-05-01", "2026-05-02", STATE_REPLIED, FALSE, FALSE },
	{ "2026-05-01", "2026-05-02", STATE_REPLIED, TRUE, FALSE },
	{ "2026-05-01", "2026-05-02", STATE_CLOSED, FALSE, FALSE },
	{ "2026-05-01", "2026-05-02", STATE_HELD, FALSE, TRUE },
	{ NULL, "2026-05-02", STATE_OPEN, FALSE, FALSE },
};

static Statement *
overdue_statement (guint i)
{
	Statement *s = statement_new ();

	s->id = g_strdup ("LS-2026-0042");
	s->title = g_strdup ("Overdue or not");
	s->purpose = PURPOSE_ACTION;
	s->deadline = g_strdup (overdue_cases[i].deadline);
	s->state = overdue_cases[i].state;
	s->action_taken = overdue_cases[i].action_taken;
	return s;
}

/* The overdue flag in the JSON, the table's state cell and the card. */
static void
test_overdue (void **state)
{
	for (guint i = 0; i < G_N_ELEMENTS (overdue_cases); i++) {
		g_autoptr(Statement) s = overdue_statement (i);
		g_autoptr(JsonNode) root = json_round_trip (s, TRUE, overdue_cases[i].today);
		g_autoptr(GPtrArray) list = g_ptr_array_new ();
		g_autoptr(GString) table = g_string_new (NULL);
		g_autoptr(GString) card = g_string_new (NULL);
		g_autofree char *marked = g_strdup_printf ("  %s!  ", state_to_string (s->state));

		assert_boolean_member (json_node_get_object (root), "overdue", overdue_cases[i].overdue);
		assert_boolean_member (json_node_get_object (root), "action_taken",
		                       overdue_cases[i].action_taken);

		g_ptr_array_add (list, s);
		render_statement_table (table, list, overdue_cases[i].today);
		assert_int_equal (strstr (table->str, marked) != NULL, overdue_cases[i].overdue);

		render_statement_card (card, s, overdue_cases[i].today);
		assert_int_equal (strstr (card->str, ", overdue]") != NULL, overdue_cases[i].overdue);
	}
}

static void
test_json_to_string (void **state)
{
	g_autoptr(Statement) s = statement_new ();
	g_autoptr(JsonNode) node = NULL;
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	s->id = g_strdup ("LS-2026-0001");
	s->title = g_strdup ("Caf\xc3\xa9 \"quoted\"");
	node = render_statement_json (s, FALSE, TODAY);
	text = render_json_to_string (node);
	lines = g_strsplit (text, "\n", -1);

	assert_string_equal (lines[0], "{");
	assert_true (g_str_has_prefix (lines[1], "  \"id\""));
	assert_true (g_str_has_suffix (text, "\n}\n"));
	assert_non_null (strstr (text, "null"));
	assert_non_null (strstr (text, "\\\"quoted\\\""));
}

/* The JSON array that list streams, one statement at a time: the same text,
 * byte for byte, as json-glib's pretty printer makes of the tree of the
 * same statements. */
static char *
streamed_array (GPtrArray *statements)
{
	GString *out = g_string_new (NULL);

	render_json_array_begin (out);
	for (guint i = 0; i < statements->len; i++)
		render_json_array_statement (out, g_ptr_array_index (statements, i), i == 0, TODAY);
	render_json_array_end (out, statements->len == 0);
	return g_string_free (out, FALSE);
}

static char *
tree_array (GPtrArray *statements)
{
	g_autoptr(JsonBuilder) builder = json_builder_new ();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_array (builder);
	for (guint i = 0; i < statements->len; i++)
		json_builder_add_value (builder, render_statement_json (g_ptr_array_index (statements, i),
		                                                        FALSE, TODAY));
	json_builder_end_array (builder);
	root = json_builder_get_root (builder);
	return render_json_to_string (root);
}

static void
test_json_streamed (void **state)
{
	g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	Statement *odd = statement_new ();
	GString *bytes = g_string_new (NULL);
	Related *related = g_new0 (Related, 1);

	for (guint n = 0; n < 4; n++) {
		g_autofree char *streamed = streamed_array (statements);
		g_autofree char *tree = tree_array (statements);

		assert_string_equal (streamed, tree);
		if (n == 0) {
			assert_string_equal (streamed, "[]\n");
			g_ptr_array_add (statements, full_statement ());
		} else if (n == 1) {
			/* Every byte json-glib escapes or does not, and UTF-8. */
			for (int c = 1; c < 0x80; c++)
				g_string_append_c (bytes, (char) c);
			g_string_append (bytes, "Caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x93\x9c");
			odd->id = g_strdup ("LS-2026-0002");
			odd->title = g_string_free (bytes, FALSE);
			add_string (odd->cc, odd->title);
			related->id = g_strdup ("LS-2026-0001");
			g_ptr_array_add (odd->related, related);
			g_ptr_array_add (odd->attachments, attachment_make (NULL, "text/plain", -1, NULL));
			g_ptr_array_add (statements, odd);
		} else {
			assert_non_null (strstr (streamed, "\\u0001"));
			g_ptr_array_add (statements, statement_new ());
		}
	}
}

/* The streamed writer skips eight bytes at a time that need no escape:
 * each byte to escape or not, and UTF-8 whose bytes are those plus 0x80,
 * at every position of a word and of the tail, still comes out as
 * json-glib writes it. */
static void
test_json_escape_positions (void **state)
{
	static const char *const units[] = {
		"\x01", "\x08", "\n", "\x1e", "\x1f", " ", "\"", "\\", "\x7f",
		"\xc3\x9f",          /* ß: 0x9f is 0x1f + 0x80 */
		"\xc2\xa2",          /* ¢: 0xa2 is '"' + 0x80 */
		"\xdc\x90",          /* U+0710: 0xdc is '\\' + 0x80 */
		"\xe2\x80\xa6",      /* … */
		"\xf0\x9f\x93\x9c",  /* a four-byte character */
	};
	g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autofree char *streamed = NULL;
	g_autofree char *tree = NULL;

	for (gsize u = 0; u < G_N_ELEMENTS (units); u++) {
		for (guint at = 0; at < 20; at++) {
			Statement *s = statement_new ();
			GString *title = g_string_new (NULL);

			for (guint i = 0; i < at; i++)
				g_string_append_c (title, 'a' + (char) (i % 26));
			g_string_append (title, units[u]);
			for (guint i = 0; i < 19 - at; i++)
				g_string_append_c (title, 'z');
			s->id = g_strdup_printf ("LS-2026-%04zu", u * 20 + at + 1);
			s->title = g_string_free (title, FALSE);
			g_ptr_array_add (statements, s);
		}
	}
	streamed = streamed_array (statements);
	tree = tree_array (statements);
	assert_string_equal (streamed, tree);
	/* And it escapes: a quote after a whole word, a control byte in
	 * the tail, 0x1f as it is. */
	assert_non_null (strstr (streamed, "\"abcdefgh\\\"zzzzzzzzzzz\""));
	assert_non_null (strstr (streamed, "\"abcdefghijklmnopq\\u0001zz\""));
	assert_non_null (strstr (streamed, "\"abc\x1fzzzzzzzzzzzzzzzz\""));
}

/* Terminal columns of @text, as a terminal counts them. */
static int
display_width (const char *text)
{
	int width = 0;

	for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);

		width += g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;
	}
	return width;
}

static char *
repeat (const char *unit, guint count)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; i < count; i++)
		g_string_append (text, unit);
	return g_string_free (text, FALSE);
}

/* Long titles are cut at a character, never inside one, and the line stays
 * within 120 columns. */
static void
test_table_truncation (void **state)
{
	static const struct {
		const char *unit;
		guint count;
		gboolean cut;
	} cases[] = {
		{ "\xc3\xa9", 200, TRUE },            /* é, two bytes */
		{ "\xe6\xbc\xa2", 200, TRUE },        /* 漢, three bytes, two columns */
		{ "a\xe6\xbc\xa2", 100, TRUE },       /* odd column boundaries */
		{ "\xf0\x9f\x93\x9c", 100, TRUE },    /* a four-byte character */
		{ "e\xcc\x81", 200, TRUE },           /* e and a combining accent */
		{ "x", 200, TRUE },
		{ "Short title", 1, FALSE },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr(Statement) s = full_statement ();
		g_autoptr(GPtrArray) list = g_ptr_array_new ();
		g_autoptr(GString) out = g_string_new (NULL);
		g_auto(GStrv) lines = NULL;
		const char *cell;

		g_free (s->title);
		s->title = repeat (cases[i].unit, cases[i].count);
		g_ptr_array_add (list, s);
		render_statement_table (out, list, TODAY);

		assert_true (g_utf8_validate (out->str, out->len, NULL));
		lines = g_strsplit (out->str, "\n", -1);
		assert_int_equal (g_strv_length (lines), 3);
		assert_string_equal (lines[2], "");
		assert_true (g_str_has_prefix (lines[0], "ID"));
		assert_non_null (strstr (lines[0], "TITLE"));
		for (guint l = 0; l < 2; l++)
			assert_true (display_width (lines[l]) <= 120);

		/* The title cell is a prefix of the title, cut between
		 * characters, followed by the ellipsis. */
		cell = strstr (lines[1], cases[i].unit);
		assert_non_null (cell);
		if (cases[i].cut) {
			size_t kept;

			assert_true (g_str_has_suffix (lines[1], "\xe2\x80\xa6"));
			kept = strlen (cell) - strlen ("\xe2\x80\xa6");
			assert_true (kept > 0);
			assert_int_equal (strncmp (cell, s->title, kept), 0);
			assert_true (g_utf8_validate (cell, kept, NULL));
			assert_true (display_width (lines[1]) >= 110);
		} else {
			assert_string_equal (cell, s->title);
		}
	}
}

static void
test_table_cells (void **state)
{
	static const struct {
		const char *deadline;
		StatementState state;
		gboolean action_taken;
		const char *expected;
	} cases[] = {
		{ "2027-01-15", STATE_OPEN, FALSE, "  2027-01-15 (+49d)  " },
		{ "2026-11-24", STATE_OPEN, FALSE, "  open!  2026-11-24 (-3d)  " },
		{ "2026-11-27", STATE_OPEN, FALSE, "  open   2026-11-27 (+0d)  " },
		{ "2026-11-24", STATE_REPLIED, FALSE, "  replied  2026-11-24  " },
		{ "2026-11-24", STATE_OPEN, TRUE, "  open   2026-11-24  " },
		{ NULL, STATE_OPEN, FALSE, "  open   -  " },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr(Statement) s = full_statement ();
		g_autoptr(Statement) t = full_statement ();
		g_autoptr(GPtrArray) list = g_ptr_array_new ();
		g_autoptr(GString) out = g_string_new (NULL);

		g_free (s->deadline);
		s->deadline = g_strdup (cases[i].deadline);
		s->state = cases[i].state;
		s->action_taken = cases[i].action_taken;
		/* A second, overdue row fixes the STATE column's width. */
		g_free (t->deadline);
		t->deadline = g_strdup ("2026-01-01");
		g_ptr_array_add (list, s);
		g_ptr_array_add (list, t);
		render_statement_table (out, list, TODAY);

		assert_non_null (strstr (out->str, cases[i].expected));
		assert_non_null (strstr (out->str, "LS-2026-0007  "));
		assert_non_null (strstr (out->str, "  action   ITU-T SG15  ccamp,mpls  Response to LS"));
	}
}

/* The id, state and deadline are never cut; the organization and the groups
 * are, at 20 columns. */
static void
test_table_long_cells (void **state)
{
	g_autoptr(Statement) s = full_statement ();
	g_autoptr(GPtrArray) list = g_ptr_array_new ();
	g_autoptr(GString) out = g_string_new (NULL);

	g_free (s->id);
	s->id = g_strdup ("LIAISON-COORDINATION-2026-0007");
	g_free (s->deadline);
	s->deadline = g_strdup ("2024-01-01");
	g_free (s->from_org);
	s->from_org = g_strdup ("Broadband Forum Technical Committee");
	add_string (s->groups, "detnet");
	add_string (s->groups, "teas");
	g_ptr_array_add (list, s);
	render_statement_table (out, list, TODAY);

	assert_non_null (strstr (out->str, "\nLIAISON-COORDINATION-2026-0007  open!  2024-01-01 (-1061d)  "));
	assert_non_null (strstr (out->str, "  Broadband Forum Tec\xe2\x80\xa6  ccamp,mpls,detnet,t\xe2\x80\xa6  "));
}

static void
test_table_empty (void **state)
{
	g_autoptr(GPtrArray) list = g_ptr_array_new ();
	g_autoptr(GString) out = g_string_new (NULL);

	render_statement_table (out, list, TODAY);
	assert_string_equal (out->str, "No statements.\n");
	g_string_truncate (out, 0);
	render_statement_table (out, NULL, TODAY);
	assert_string_equal (out->str, "No statements.\n");
}

static void
test_card (void **state)
{
	static const char *const expected[] = {
		"LS-2026-0007  [open]  For action, reply by 2027-01-15 (49 days left)\n",
		"\nTitle:              Response to LS on OTN beyond 400G\n",
		"\nFrom:               ITU-T SG15 (Greg Jones <greg.jones@example.com>)\n",
		"\nTo:                 ccamp, mpls (Daniele Ceccarelli <dc@example.net>)\n",
		"\nCc:                 Scott Mansfield <scott.mansfield@example.com>\n",
		"\nResponse contacts:  Response Person <resp@example.com>\n",
		"\nTechnical contacts: Tech Person <tech@example.com>\n",
		"\nSubmitted:          2026-11-20\n",
		"\nReceived:           2026-11-20T10:11:12Z\n",
		"\nMessage-ID:         ls-0007@datatracker.example.org\n",
		"\nLayout:             datatracker\n",
		"\nDirection:          incoming\n",
		"\nURL:                https://datatracker.ietf.org/liaison/2007/\n",
		"\nLinks:\n  LS on OTN beyond 400G  https://datatracker.ietf.org/documents/LIAISON/ls-otn.pdf\n",
		"\nRelated:\n  LS-2026-0003  responds-to\n",
		"\nAttachments:\n  ls-otn.pdf  application/pdf  120.5 KiB  sha256:0123456789ab\n",
		"\nRoutes:\n  ccamp@ietf.org  list  sent\n",
		"\nThread:\n  2026-11-20T10:11:12Z  statement  "
		"Liaison Statement Management Tool <statements@ietf.org>  "
		"<ls-0007@datatracker.example.org>\n",
		"\nEvents:\n  2026-11-20T10:11:13Z  received  routed to ccamp\n",
		"\nBody:\n    First line of the body.\n\n    Second paragraph.\n",
	};
	g_autoptr(Statement) s = full_statement ();
	g_autoptr(GString) out = g_string_new (NULL);

	render_statement_card (out, s, TODAY);
	assert_true (g_str_has_prefix (out->str, expected[0]));
	for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
		if (strstr (out->str, expected[i]) == NULL)
			fail_msg ("card lacks \"%s\":\n%s", expected[i], out->str);
	}
	assert_true (g_str_has_suffix (out->str, "Second paragraph.\n"));
}

/* The summary line of the card, by purpose, deadline and state. */
static void
test_card_summary (void **state)
{
	static const struct {
		Purpose purpose;
		const char *deadline;
		StatementState state;
		gboolean action_taken;
		const char *expected;
	} cases[] = {
		{ PURPOSE_ACTION, "2027-01-15", STATE_OPEN, FALSE,
		  "LS-2026-0007  [open]  For action, reply by 2027-01-15 (49 days left)\n" },
		{ PURPOSE_COMMENT, "2026-11-28", STATE_OPEN, FALSE,
		  "LS-2026-0007  [open]  For comment, reply by 2026-11-28 (1 day left)\n" },
		{ PURPOSE_ACTION, "2026-11-27", STATE_OPEN, FALSE,
		  "LS-2026-0007  [open]  For action, reply by 2026-11-27 (due today)\n" },
		{ PURPOSE_ACTION, "2026-11-24", STATE_OPEN, FALSE,
		  "LS-2026-0007  [open, overdue]  For action, reply by 2026-11-24 (3 days overdue)\n" },
		{ PURPOSE_ACTION, "2026-11-24", STATE_REPLIED, TRUE,
		  "LS-2026-0007  [replied, action taken]  For action, reply by 2026-11-24\n" },
		{ PURPOSE_INFORMATION, NULL, STATE_OPEN, FALSE,
		  "LS-2026-0007  [open]  For information\n" },
		{ PURPOSE_RESPONSE, NULL, STATE_CLOSED, FALSE,
		  "LS-2026-0007  [closed]  In response\n" },
		{ PURPOSE_NONE, "2026-12-01", STATE_HELD, FALSE,
		  "LS-2026-0007  [held]  Reply by 2026-12-01 (4 days left)\n" },
		{ PURPOSE_NONE, NULL, STATE_HELD, FALSE,
		  "LS-2026-0007  [held]\n" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr(Statement) s = full_statement ();
		g_autoptr(GString) out = g_string_new (NULL);

		s->purpose = cases[i].purpose;
		g_free (s->deadline);
		s->deadline = g_strdup (cases[i].deadline);
		s->state = cases[i].state;
		s->action_taken = cases[i].action_taken;
		render_statement_card (out, s, TODAY);
		if (!g_str_has_prefix (out->str, cases[i].expected))
			fail_msg ("case %u: expected \"%s\", got:\n%s", i, cases[i].expected, out->str);
	}
}

/* Attachment sizes in the card: IEC units, one decimal, no locale. */
static void
test_card_sizes (void **state)
{
	static const struct {
		gint64 size;
		const char *expected;
	} cases[] = {
		{ 0, "  0 B  " },
		{ 1023, "  1023 B  " },
		{ 1024, "  1.0 KiB  " },
		{ 1536, "  1.5 KiB  " },
		{ 1048575, "  1.0 MiB  " },
		{ 1048524, "  1023.9 KiB  " },
		{ 1048576, "  1.0 MiB  " },
		{ 52428800, "  50.0 MiB  " },
		{ G_GINT64_CONSTANT (3221225472), "  3.0 GiB  " },
		{ G_MAXINT64, "  8388608.0 TiB  " },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr(Statement) s = statement_new ();
		g_autoptr(GString) out = g_string_new (NULL);

		s->id = g_strdup ("LS-2026-0001");
		g_ptr_array_add (s->attachments, attachment_make ("a.txt", "text/plain", cases[i].size,
		                                                  "ffffffffffffffffffff"));
		render_statement_card (out, s, TODAY);
		if (strstr (out->str, cases[i].expected) == NULL)
			fail_msg ("size %" G_GINT64_FORMAT ": expected \"%s\" in:\n%s", cases[i].size,
			          cases[i].expected, out->str);
	}
}

/* An empty statement still gives a card, with "-" and "none". */
static void
test_card_empty (void **state)
{
	static const char *const expected[] = {
		"\nTitle:              -\n", "\nFrom:               -\n", "\nTo:                 -\n",
		"\nCc:                 -\n", "\nLayout:             -\n", "\nRelated: none\n",
		"\nAttachments: none\n", "\nRoutes: none\n", "\nThread: none\n", "\nEvents: none\n",
		"\nHeld:               no destination group\n",
	};
	g_autoptr(Statement) s = statement_new ();
	g_autoptr(GString) out = g_string_new (NULL);

	s->id = g_strdup ("LS-2026-0001");
	s->hold_reason = g_strdup ("no destination group");
	render_statement_card (out, s, TODAY);
	assert_true (g_str_has_prefix (out->str, "LS-2026-0001  [held]\n"));
	for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
		if (strstr (out->str, expected[i]) == NULL)
			fail_msg ("card lacks \"%s\":\n%s", expected[i], out->str);
	}
	assert_null (strstr (out->str, "Body:"));
}


/* thread --json: the head of the statement and each message with its
 * parent, null where there is none. */
static void
test_thread_json (void **state)
{
	g_autoptr(Statement) s = statement_new ();
	ThreadEntry *first = g_new0 (ThreadEntry, 1);
	ThreadEntry *reply = g_new0 (ThreadEntry, 1);
	g_autofree char *text = NULL;

	s->id = g_strdup ("LS-2026-0001");
	s->state = STATE_REPLIED;
	s->title = g_strdup ("LS on OTN");
	first->message_id = g_strdup ("a@example.org");
	first->role = g_strdup ("statement");
	reply->message_id = g_strdup ("b@example.org");
	reply->from = g_strdup ("Chair <chair@example.org>");
	reply->date = g_strdup ("2026-11-21T09:00:00Z");
	reply->role = g_strdup ("reply");
	reply->parent = g_strdup ("a@example.org");
	g_ptr_array_add (s->thread, first);
	g_ptr_array_add (s->thread, reply);

	text = render_thread_json (s, TODAY);
	assert_string_equal (text,
		"{\n"
		"  \"id\" : \"LS-2026-0001\",\n"
		"  \"state\" : \"replied\",\n"
		"  \"overdue\" : false,\n"
		"  \"action_taken\" : false,\n"
		"  \"title\" : \"LS on OTN\",\n"
		"  \"thread\" : [\n"
		"    {\n"
		"      \"message_id\" : \"a@example.org\",\n"
		"      \"from\" : null,\n"
		"      \"date\" : null,\n"
		"      \"role\" : \"statement\",\n"
		"      \"parent\" : null\n"
		"    },\n"
		"    {\n"
		"      \"message_id\" : \"b@example.org\",\n"
		"      \"from\" : \"Chair <chair@example.org>\",\n"
		"      \"date\" : \"2026-11-21T09:00:00Z\",\n"
		"      \"role\" : \"reply\",\n"
		"      \"parent\" : \"a@example.org\"\n"
		"    }\n"
		"  ]\n"
		"}\n");
}

/* search --json: the list form of each statement, then its score and
 * snippet. */
static void
test_search_json (void **state)
{
	g_autoptr(Statement) s = full_statement ();
	g_autoptr(JsonNode) node = render_statement_json (s, FALSE, TODAY);
	g_autofree char *alone = render_json_to_string (node);
	g_autofree char *empty = render_search_json (NULL, 0, TODAY);
	RenderHit hit = { s, 1.5, "the [OTN] beyond" };
	g_autofree char *text = render_search_json (&hit, 1, TODAY);
	const char *tail = "\n    \"score\" : 1.5,\n    \"snippet\" : \"the [OTN] beyond\"\n  }\n]\n";
	g_auto(GStrv) lines = NULL;
	GString *expected = g_string_new ("[\n");
	g_autofree char *want = NULL;

	assert_string_equal (empty, "[]\n");
	/* The statement's object, two spaces deeper, without its closing
	 * brace, then the score and the snippet. */
	alone[strlen (alone) - strlen ("\n}\n")] = '\0';
	lines = g_strsplit (alone, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++)
		g_string_append_printf (expected, "%s  %s", i > 0 ? "\n" : "", lines[i]);
	g_string_append_printf (expected, ",%s", tail);
	want = g_string_free (expected, FALSE);
	assert_string_equal (text, want);
}

/* queue list --json: every member always there; statement, sent and
 * last_error null when absent. */
static void
test_outbox_json (void **state)
{
	g_autoptr(GPtrArray) recipients = g_ptr_array_new ();
	RenderOutboxEntry entry = {
		.id = 7, .statement_id = NULL, .kind = "ack", .message_id = "m@example.org",
		.state = "interrupted", .attempts = 2, .created = "2026-11-27T10:00:00Z",
		.next_attempt = "2026-11-27T10:05:00Z", .sent = NULL, .last_error = "451 busy",
		.recipients = recipients,
	};
	g_autofree char *text = NULL;
	g_autofree char *empty = render_outbox_json (NULL, 0);

	g_ptr_array_add (recipients, "a@example.org");
	g_ptr_array_add (recipients, "b@example.org");
	text = render_outbox_json (&entry, 1);
	assert_string_equal (empty, "[]\n");
	assert_string_equal (text,
		"[\n"
		"  {\n"
		"    \"id\" : 7,\n"
		"    \"statement\" : null,\n"
		"    \"kind\" : \"ack\",\n"
		"    \"message_id\" : \"m@example.org\",\n"
		"    \"state\" : \"interrupted\",\n"
		"    \"attempts\" : 2,\n"
		"    \"created\" : \"2026-11-27T10:00:00Z\",\n"
		"    \"next_attempt\" : \"2026-11-27T10:05:00Z\",\n"
		"    \"sent\" : null,\n"
		"    \"last_error\" : \"451 busy\",\n"
		"    \"recipients\" : [\n"
		"      \"a@example.org\",\n"
		"      \"b@example.org\"\n"
		"    ]\n"
		"  }\n"
		"]\n");
}

/* remind --json: the day it ran for in each, to and cc as arrays. */
static void
test_reminders_json (void **state)
{
	g_autoptr(GPtrArray) to = g_ptr_array_new ();
	g_autoptr(GPtrArray) cc = g_ptr_array_new ();
	RenderReminder reminder = {
		.id = "LS-2026-0001", .stage = "before-7", .deadline = "2026-12-04",
		.days_left = 7, .subject = "Reminder: 7 days left", .message_id = "r@example.org",
		.to = to, .cc = cc, .status = "queued",
	};
	g_autofree char *text = NULL;

	g_ptr_array_add (to, "chair@example.org");
	text = render_reminders_json (&reminder, 1, TODAY);
	assert_string_equal (text,
		"[\n"
		"  {\n"
		"    \"id\" : \"LS-2026-0001\",\n"
		"    \"stage\" : \"before-7\",\n"
		"    \"day\" : \"2026-11-27\",\n"
		"    \"deadline\" : \"2026-12-04\",\n"
		"    \"days_left\" : 7,\n"
		"    \"subject\" : \"Reminder: 7 days left\",\n"
		"    \"message_id\" : \"r@example.org\",\n"
		"    \"to\" : [\n"
		"      \"chair@example.org\"\n"
		"    ],\n"
		"    \"cc\" : [],\n"
		"    \"status\" : \"queued\"\n"
		"  }\n"
		"]\n");
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_json_full),
		cmocka_unit_test (test_json_list_form),
		cmocka_unit_test (test_json_empty),
		cmocka_unit_test (test_json_from_org),
		cmocka_unit_test (test_overdue),
		cmocka_unit_test (test_json_to_string),
		cmocka_unit_test (test_json_streamed),
		cmocka_unit_test (test_json_escape_positions),
		cmocka_unit_test (test_table_truncation),
		cmocka_unit_test (test_table_cells),
		cmocka_unit_test (test_table_long_cells),
		cmocka_unit_test (test_table_empty),
		cmocka_unit_test (test_card),
		cmocka_unit_test (test_card_summary),
		cmocka_unit_test (test_card_sizes),
		cmocka_unit_test (test_card_empty),
		cmocka_unit_test (test_thread_json),
		cmocka_unit_test (test_search_json),
		cmocka_unit_test (test_outbox_json),
		cmocka_unit_test (test_reminders_json),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
