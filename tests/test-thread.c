/* test-thread.c: the keys a message offers for threading, and which side
 * of a liaison a sender is on; table-driven. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stages/thread.h"
#include "testlib.h"

static char *
join (GPtrArray *a)
{
	g_ptr_array_add (a, NULL);
	char *s = g_strjoinv ("|", (char **) a->pdata);
	g_ptr_array_remove_index (a, a->len - 1);
	return s;
}

static const struct {
	const char *name;
	const char *text;
	const char *reference;      /* a statement reference, or NULL */
	const char *message_ids, *tags, *text_ids, *urls, *responds_to;
} key_cases[] = {
	{ "In-Reply-To first, then References nearest first",
	  "From: a@example.net\nSubject: Re: x\nIn-Reply-To: <c@x>\nReferences: <a@x> <b@x>\n <c@x>\n\nthanks\n",
	  NULL, "c@x|b@x|a@x", "", "", "", "" },
	{ "its own Message-ID is no reference (no loop)",
	  "From: a@example.net\nMessage-ID: <self@x>\nSubject: Re: x\nIn-Reply-To: <self@x>\nReferences: <a@x> <self@x>\n\nthanks\n",
	  NULL, "a@x", "", "", "", "" },
	{ "our subject tag",
	  "From: a@example.net\nSubject: Re: [LS-2026-0007] OTN control plane\n\nok\n",
	  NULL, "", "LS-2026-0007", "", "", "" },
	{ "a lower-case tag is the same id",
	  "From: a@example.net\nSubject: Re: [ls-2026-0007] x\n\nok\n",
	  NULL, "", "LS-2026-0007", "", "", "" },
	{ "a bracket with more than an id is no tag",
	  "From: a@example.net\nSubject: [LS-2026-0007 draft] x\n\nok\n",
	  NULL, "", "", "", "", "" },
	{ "ids in the text, not inside other words",
	  "From: a@example.net\nSubject: answer\n\nAbout LS-2026-0012 and (LS-2027-0001), not XLS-2026-0099 or LS-2026-00123456.\n",
	  NULL, "", "", "LS-2026-0012|LS-2027-0001", "", "" },
	{ "Datatracker URLs normalised",
	  "From: a@example.net\nSubject: answer\n\nSee http://datatracker.ietf.org/liaison/1234 and https://datatracker.ietf.org/liaison/1234/.\n",
	  NULL, "", "", "", "https://datatracker.ietf.org/liaison/1234/", "" },
	{ "a response's reference: URL and title",
	  "From: a@example.net\nSubject: LS\n\nbody\n",
	  "LS on OTN control plane (https://datatracker.ietf.org/liaison/2101/)", "", "", "", "",
	  "https://datatracker.ietf.org/liaison/2101/|LS on OTN control plane" },
	{ "a response's reference by id alone",
	  "From: a@example.net\nSubject: LS\n\nbody\n", "LS-2026-0003", "", "", "", "", "LS-2026-0003" },
	{ "no message, no keys", "", NULL, "", "", "", "", "" },
};

static void
test_keys (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (key_cases); i++) {
		g_autoptr (Message) message = testlib_message_from_text (key_cases[i].text);
		g_autoptr (Statement) statement = statement_new ();
		g_autoptr (ThreadKeys) keys = NULL;

		if (key_cases[i].reference)
			g_ptr_array_add (statement->references, g_strdup (key_cases[i].reference));
		keys = thread_keys_new (message, statement, "LS");
		const char *expected[] = { key_cases[i].message_ids, key_cases[i].tags, key_cases[i].text_ids,
		                           key_cases[i].urls, key_cases[i].responds_to };
		GPtrArray *got[] = { keys->message_ids, keys->tags, keys->text_ids, keys->urls, keys->responds_to };
		for (gsize k = 0; k < G_N_ELEMENTS (got); k++) {
			g_autofree char *s = join (got[k]);
			if (strcmp (s, expected[k]) != 0)
				fail_msg ("%s: key %zu is '%s', expected '%s'", key_cases[i].name, k, s, expected[k]);
		}
	}
}

/* A message naming a thousand Message-IDs gives at most
 * THREAD_MAX_REFERENCES keys, the nearest ones. */
static void
test_references_bounded (void **state)
{
	g_autoptr (GString) text = g_string_new ("From: a@example.net\nSubject: Re: x\nReferences:");
	g_autoptr (Message) message = NULL;
	g_autoptr (ThreadKeys) keys = NULL;

	(void) state;
	for (int i = 0; i < 1000; i++)
		g_string_append_printf (text, " <r%d@x>\n", i);
	g_string_append (text, "\nthanks\n");
	message = testlib_message_from_text (text->str);
	keys = thread_keys_new (message, NULL, "LS");
	assert_int_equal (keys->message_ids->len, THREAD_MAX_REFERENCES);
	assert_string_equal (g_ptr_array_index (keys->message_ids, 0), "r999@x");
}

static const struct {
	const char *address;
	ThreadSide side;
} side_cases[] = {
	{ "ccamp@ietf.org", THREAD_SIDE_RECEIVING },         /* the group's list */
	{ "DC@example.net", THREAD_SIDE_RECEIVING },         /* a chair, any case */
	{ "jgs@example.org", THREAD_SIDE_RECEIVING },        /* the AD */
	{ "scott.mansfield@example.com", THREAD_SIDE_RECEIVING }, /* the org's manager */
	{ "tsbsg15@itu.int", THREAD_SIDE_SENDING },          /* the original sender */
	{ "greg.jones@example.com", THREAD_SIDE_SENDING },   /* a response contact */
	{ "someone@lists.itu.int", THREAD_SIDE_SENDING },    /* the org's domain */
	{ "lbianchi@example.net", THREAD_SIDE_UNKNOWN },     /* a chair of another group */
	{ "stranger@example.com", THREAD_SIDE_UNKNOWN },
	{ "", THREAD_SIDE_UNKNOWN },
};

static void
test_sides (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = config_load (SRCDIR "/samples/liaison.conf", &error);
	g_autoptr (Statement) statement = statement_new ();

	(void) state;
	assert_non_null (config);
	statement->from_org = g_strdup ("ITU-T SG15");
	statement->from_contact = g_strdup ("Greg Jones <greg.jones@example.com>");
	g_ptr_array_add (statement->response_contacts, g_strdup ("Greg Jones <greg.jones@example.com>"));
	g_ptr_array_add (statement->groups, g_strdup ("ccamp"));
	for (gsize i = 0; i < G_N_ELEMENTS (side_cases); i++) {
		ThreadSide side = thread_side (side_cases[i].address, statement, "tsbsg15@itu.int", config);
		if (side != side_cases[i].side)
			fail_msg ("%s: side %d, expected %d", side_cases[i].address, side, side_cases[i].side);
	}
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_keys),
		cmocka_unit_test (test_references_bounded),
		cmocka_unit_test (test_sides),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
