/* test-json-writer.c: a property test of the streaming JSON writer of list
 * --json (render_json_array_*, src/export/render.c) against json-glib.
 * Random statements, from a fixed seed: strings with every control byte,
 * quotes and backslashes, UTF-8 of one to four bytes (U+2028, U+FEFF,
 * U+FFFF, U+10FFFF), long ones, NULLs, empty and NULL-holding arrays,
 * 64-bit sizes. For each list, what the writer makes must be json-glib's
 * own serialisation of the same values byte for byte, parse with
 * json-glib, and parse into the tree json-glib built.
 *
 * Invalid UTF-8: json-glib's generator copies the bytes, and its parser
 * then refuses the whole text ("JSON data must be UTF-8 encoded"). The
 * writer replaces each bad byte with U+FFFD, as g_utf8_make_valid() does:
 * its text is json-glib's serialisation of the values made valid, and
 * parses. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "export/render.h"

#define TODAY "2026-11-27"
#define ROUNDS 150

/* The generator: its numbers, and whether its strings may hold bytes that
 * are not UTF-8 (else each is made valid, drawing the same numbers). */
typedef struct {
	GRand *rand;
	gboolean invalid;
	gboolean made_invalid;  /* some string was not UTF-8 */
} Gen;

static int
pick (Gen *g, int n)
{
	return g_rand_int_range (g->rand, 0, n);
}

static void
append_piece (Gen *g, GString *s)
{
	static const gunichar odd[] = {
		0xa0, 0xe9, 0x85, 0x2028, 0x2029, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x1f642,
		0x10ffff, 0x7ff, 0x800, 0xffef,
	};
	static const char *const bad[] = {
		"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x80", "\xf4\x90\x80\x80", "\x80", "\xc3",
		"\xf0\x9f\x99",
	};

	switch (pick (g, 9)) {
	case 0:
		g_string_append_c (s, (char) g_rand_int_range (g->rand, 1, 0x20));
		break;
	case 1:
		g_string_append_c (s, "\"\\/\x7f\x1f\x1e\b\f"[pick (g, 8)]);
		break;
	case 2:
		g_string_append_unichar (s, odd[pick (g, G_N_ELEMENTS (odd))]);
		break;
	case 3: {
		gunichar c = (gunichar) g_rand_int_range (g->rand, 0x80, 0x110000);

		if (c >= 0xd800 && c < 0xe000)
			c = 0xe000;
		g_string_append_unichar (s, c);
		break;
	}
	case 4:
		g_string_append (s, bad[pick (g, G_N_ELEMENTS (bad))]);
		break;
	default:
		g_string_append_c (s, (char) g_rand_int_range (g->rand, 0x20, 0x7f));
		break;
	}
}

/* A random string, or NULL one time in six. */
static char *
gen_string (Gen *g)
{
	GString *s;
	int len;

	if (pick (g, 6) == 0)
		return NULL;
	len = pick (g, 40) == 0 ? g_rand_int_range (g->rand, 1000, 6000) : pick (g, 24);
	s = g_string_new (NULL);
	for (int i = 0; i < len; i++)
		append_piece (g, s);
	if (!g_utf8_validate (s->str, (gssize) s->len, NULL)) {
		if (g->invalid) {
			g->made_invalid = TRUE;
		} else {
			char *valid = g_utf8_make_valid (s->str, (gssize) s->len);

			g_string_free (s, TRUE);
			return valid;
		}
	}
	return g_string_free (s, FALSE);
}

/* Up to @max random strings, a NULL among them at times. */
static void
gen_strings (Gen *g, GPtrArray *into, int max)
{
	int n = pick (g, max + 1);

	for (int i = 0; i < n; i++)
		g_ptr_array_add (into, gen_string (g));
}

static gint64
gen_size (Gen *g)
{
	static const gint64 edges[] = { 0, -1, 1, G_MAXINT64, G_MININT64, G_MAXINT32, 4294967296 };
	guint64 high, low;

	if (pick (g, 3) == 0)
		return edges[pick (g, G_N_ELEMENTS (edges))];
	high = g_rand_int (g->rand);
	low = g_rand_int (g->rand);
	return (gint64) (((high << 32) | low) >> pick (g, 64));
}

static void
gen_records (Gen *g, Statement *s)
{
	int n = pick (g, 3);

	for (int i = 0; i < n; i++) {
		Link *link = g_new0 (Link, 1);
		Related *related = g_new0 (Related, 1);
		Attachment *attachment = g_new0 (Attachment, 1);
		StatementRoute *route = g_new0 (StatementRoute, 1);

		link->title = gen_string (g);
		link->url = gen_string (g);
		g_ptr_array_add (s->links, link);
		related->id = gen_string (g);
		related->relation = gen_string (g);
		g_ptr_array_add (s->related, related);
		attachment->filename = gen_string (g);
		attachment->content_type = gen_string (g);
		attachment->size = gen_size (g);
		attachment->sha256 = gen_string (g);
		g_ptr_array_add (s->attachments, attachment);
		route->address = gen_string (g);
		route->role = gen_string (g);
		route->status = gen_string (g);
		g_ptr_array_add (s->routes, route);
	}
}

static Statement *
gen_statement (Gen *g)
{
	Statement *s = statement_new ();
	char **fields[] = {
		&s->id, &s->title, &s->submitted, &s->received, &s->deadline, &s->hold_reason,
		&s->handle, &s->from_org, &s->from_org_text, &s->from_contact, &s->url,
		&s->message_id,
	};

	for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
		*fields[i] = gen_string (g);
	s->state = (StatementState) pick (g, STATE_DISMISSED + 1);
	s->purpose = (Purpose) pick (g, PURPOSE_RESPONSE + 1);
	s->layout = (Layout) pick (g, LAYOUT_FREEFORM + 1);
	s->direction = (Direction) pick (g, DIRECTION_OUTGOING + 1);
	s->action_taken = pick (g, 2);
	s->undelivered = pick (g, 2);
	gen_strings (g, s->groups, 3);
	gen_strings (g, s->to_contacts, 3);
	gen_strings (g, s->cc, 3);
	gen_strings (g, s->response_contacts, 2);
	gen_strings (g, s->technical_contacts, 2);
	gen_strings (g, s->other_identifiers, 3);
	gen_records (g, s);
	return s;
}

static GPtrArray *
gen_list (Gen *g)
{
	GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	int n = pick (g, 5);

	for (int i = 0; i < n; i++)
		g_ptr_array_add (list, gen_statement (g));
	return list;
}

static char *
streamed (GPtrArray *list)
{
	GString *out = g_string_new (NULL);

	render_json_array_begin (out);
	for (guint i = 0; i < list->len; i++)
		render_json_array_statement (out, g_ptr_array_index (list, i), i == 0, TODAY);
	render_json_array_end (out, list->len == 0);
	return g_string_free (out, FALSE);
}

static JsonNode *
tree (GPtrArray *list)
{
	g_autoptr (JsonBuilder) builder = json_builder_new ();

	json_builder_begin_array (builder);
	for (guint i = 0; i < list->len; i++)
		json_builder_add_value (builder, render_statement_json (g_ptr_array_index (list, i), FALSE, TODAY));
	json_builder_end_array (builder);
	return json_builder_get_root (builder);
}

/* Fails, showing where, unless @ours is @theirs. */
static void
assert_same_text (const char *ours, const char *theirs)
{
	gsize at = 0;

	while (ours[at] != '\0' && ours[at] == theirs[at])
		at++;
	if (ours[at] == theirs[at])
		return;
	{
		gsize from = at > 40 ? at - 40 : 0;
		g_autofree char *a = g_strndup (ours + from, 80), *b = g_strndup (theirs + from, 80);
		g_autofree char *ea = g_strescape (a, NULL), *eb = g_strescape (b, NULL);

		print_error ("the writer and json-glib differ at byte %zu:\n%s\n%s\n", at, ea, eb);
		fail ();
	}
}

static gboolean
parses (const char *text, JsonParser *parser)
{
	g_autoptr (GError) error = NULL;

	return json_parser_load_from_data (parser, text, -1, &error);
}

/* One round: the list drawn as it is (@invalid: with bytes that are not
 * UTF-8) and drawn again from the same numbers, made valid. */
static void
round_trip (GRand *rand, gboolean invalid)
{
	GRand *again = g_rand_copy (rand);
	Gen raw = { rand, invalid, FALSE }, valid = { again, FALSE, FALSE };
	g_autoptr (GPtrArray) list = gen_list (&raw);
	g_autoptr (GPtrArray) valid_list = gen_list (&valid);
	g_autofree char *ours = streamed (list);
	g_autoptr (JsonNode) expected = tree (valid_list);
	g_autofree char *theirs = render_json_to_string (expected);
	g_autoptr (JsonParser) parser = json_parser_new ();

	g_rand_free (again);
	/* json-glib's own text of the same values, byte for byte. */
	assert_same_text (ours, theirs);
	/* No raw control byte but the layout's line breaks, and 0x1f, which
	 * json-glib leaves as it is (its parser takes it). */
	for (const char *p = ours; *p != '\0'; p++)
		assert_true ((guchar) *p >= 0x20 || *p == '\n' || *p == 0x1f);
	assert_true (parses (ours, parser));
	assert_true (json_node_equal (json_parser_get_root (parser), expected));
	if (raw.made_invalid) {
		/* What json-glib itself writes of the raw values does not
		 * parse: the reason the writer differs there. */
		g_autoptr (JsonNode) raw_tree = tree (list);
		g_autofree char *raw_text = render_json_to_string (raw_tree);
		g_autoptr (JsonParser) raw_parser = json_parser_new ();

		assert_false (parses (raw_text, raw_parser));
	}
}

static void
test_valid_utf8 (void **state)
{
	GRand *rand = g_rand_new_with_seed (20261207);

	(void) state;
	for (int i = 0; i < ROUNDS; i++)
		round_trip (rand, FALSE);
	g_rand_free (rand);
}

static void
test_invalid_utf8 (void **state)
{
	GRand *rand = g_rand_new_with_seed (4287);
	int invalid = 0;

	(void) state;
	for (int i = 0; i < ROUNDS; i++) {
		GRand *peek = g_rand_copy (rand);
		Gen g = { peek, TRUE, FALSE };
		g_autoptr (GPtrArray) list = gen_list (&g);

		invalid += g.made_invalid;
		g_rand_free (peek);
		round_trip (rand, TRUE);
	}
	/* The generator does make bytes that are not UTF-8. */
	assert_true (invalid > ROUNDS / 2);
	g_rand_free (rand);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_valid_utf8),
		cmocka_unit_test (test_invalid_utf8),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
