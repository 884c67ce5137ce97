/* test-direction.c: which way a statement goes (direction.c), and who may
 * send us the IETF's own; the links of a Datatracker notification
 * (links.c). Table-driven, on messages through extract and resolve as
 * deliver runs them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stages/direction.h"
#include "stages/extract.h"
#include "stages/links.h"
#include "stages/resolve.h"
#include "testlib.h"

#define DT_RELAY "From: Liaison Statement Management Tool <statements@ietf.org>\n"

static const struct {
	const char *name;
	const char *headers;     /* From and others; Subject and body follow */
	const char *from_group, *to_group;
	const char *direction;
	const char *org;         /* from_org after direction_resolve() */
	const char *groups;      /* "|"-joined */
	const char *hold;        /* the start of the hold reason, or NULL */
} cases[] = {
	{ "a peer's statement to our group, relayed: incoming",
	  DT_RELAY, "ITU-T Study Group 15 (itu-t-sg-15)", "Common Control and Measurement Plane (ccamp)",
	  "incoming", "ITU-T SG15", "ccamp", NULL },
	{ "our group's statement to a peer, relayed: outgoing",
	  DT_RELAY, "Common Control and Measurement Plane (ccamp)", "ITU-T Study Group 15 (itu-t-sg-15)",
	  "outgoing", "ccamp", "ITU-T SG15", NULL },
	{ "to two peers",
	  DT_RELAY, "Deterministic Networking (detnet)", "IEEE 802.1 Working Group (ieee-802-1), Broadband Forum (bbf)",
	  "outgoing", "detnet", "IEEE 802.1|BBF", NULL },
	{ "written by a chair of the group directly",
	  "From: Daniele Ceccarelli <dc@example.net>\n", "Common Control and Measurement Plane (ccamp)",
	  "ITU-T Study Group 15 (itu-t-sg-15)", "outgoing", "ccamp", "ITU-T SG15", NULL },
	{ "written by an AD of the group directly",
	  "From: John Scudder <jgs@example.org>\n", "Common Control and Measurement Plane (ccamp)",
	  "ITU-T Study Group 15 (itu-t-sg-15)", "outgoing", "ccamp", "ITU-T SG15", NULL },
	{ "a chair of another group may not say it is ccamp's",
	  "From: Ian Fraser <ifraser@example.net>\n", "Common Control and Measurement Plane (ccamp)",
	  "ITU-T Study Group 15 (itu-t-sg-15)", "outgoing", "ccamp", "ITU-T SG15",
	  DIRECTION_REFUSED " (from ccamp), but its sender ifraser@example.net is neither" },
	{ "an outsider claiming to be the IETF is held",
	  "From: Mallory <statements@ietf-tools.example>\n", "Common Control and Measurement Plane (ccamp)",
	  "ITU-T Study Group 15 (itu-t-sg-15)", "outgoing", "ccamp", "ITU-T SG15",
	  DIRECTION_REFUSED " (from ccamp), but its sender statements@ietf-tools.example" },
	{ "the relay with an envelope not its own is not believed",
	  DT_RELAY "X-Test-Envelope: mallory@evil.example\n", "Common Control and Measurement Plane (ccamp)",
	  "ITU-T Study Group 15 (itu-t-sg-15)", "outgoing", "ccamp", "ITU-T SG15",
	  DIRECTION_REFUSED " (from ccamp), but its sender is not believed: envelope sender" },
	{ "our group to our group is not outgoing",
	  DT_RELAY, "Internet Architecture Board (iab)", "Common Control and Measurement Plane (ccamp)",
	  "incoming", NULL, "ccamp", NULL },
	{ "our group to an unknown body is not outgoing (held as before)",
	  DT_RELAY, "Common Control and Measurement Plane (ccamp)", "Nobody We Know (nwk)",
	  "incoming", NULL, "", "unresolved destination group" },
};

static char *
join (GPtrArray *a)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < a->len; i++)
		g_string_append_printf (s, "%s%s", i > 0 ? "|" : "", (const char *) g_ptr_array_index (a, i));
	return g_string_free (s, FALSE);
}

static void
test_direction (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = config_load (SRCDIR "/samples/liaison.conf", &error);

	assert_non_null (config);
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *text = g_strdup_printf (
			"%sTo: statements@example.org\nSubject: New Liaison Statement\n"
			"Message-ID: <t%zu@example.net>\n\n"
			"Title: A statement\nSubmission Date: 2027-01-06\n"
			"From: Someone <someone@example.net>\nFrom Group: %s\nTo Group: %s\n"
			"Purpose: For information\n\nBody: Some text.\n",
			cases[i].headers, i, cases[i].from_group, cases[i].to_group);
		g_autoptr (Message) message = testlib_message_from_text (text);
		g_autoptr (Statement) s = NULL;
		g_autofree char *groups = NULL;
		const char *envelope = strstr (cases[i].headers, "X-Test-Envelope: ");

		if (envelope != NULL) {
			g_free (message->sender);
			message->sender = g_strndup (envelope + 17, strcspn (envelope + 17, "\n"));
		}
		s = extract_statement (message, config);
		assert_non_null (s);
		resolve_statement (s, config, message);
		direction_resolve (s, config, message);
		groups = join (s->groups);
		if (g_strcmp0 (direction_to_string (s->direction), cases[i].direction) != 0 ||
		    (cases[i].org != NULL && g_strcmp0 (s->from_org, cases[i].org) != 0) ||
		    g_strcmp0 (groups, cases[i].groups) != 0 ||
		    (cases[i].hold == NULL) != (s->hold_reason == NULL) ||
		    (cases[i].hold != NULL && !g_str_has_prefix (s->hold_reason, cases[i].hold)))
			fail_msg ("%s: got %s from %s to %s, held: %s", cases[i].name,
			          direction_to_string (s->direction), s->from_org, groups,
			          s->hold_reason != NULL ? s->hold_reason : "(no)");
	}
}

/* The titles of an Attachments list and the URLs under them. */
static void
test_links (void **state)
{
	static const char *const titles[] = { "First document", "Second (no URL)", "Third", NULL };
	const char *text =
		"Body: text\nAttachments:\n\n"
		"    First document\n"
		"    https://datatracker.ietf.org/documents/LIAISON/first.pdf\n"
		"    Second (no URL)\n"
		"    Third\n\n"
		"    http://example.org/third.txt\n";
	g_autoptr (GPtrArray) in = g_ptr_array_new ();
	g_autoptr (GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);

	for (guint i = 0; titles[i] != NULL; i++)
		g_ptr_array_add (in, (gpointer) titles[i]);
	links_from_text (in, text, links);
	assert_int_equal (links->len, 3);
	assert_string_equal (((Link *) links->pdata[0])->url,
	                     "https://datatracker.ietf.org/documents/LIAISON/first.pdf");
	assert_null (((Link *) links->pdata[1])->url);
	assert_string_equal (((Link *) links->pdata[2])->url, "http://example.org/third.txt");
	assert_string_equal (((Link *) links->pdata[2])->title, "Third");
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_direction),
		cmocka_unit_test (test_links),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
