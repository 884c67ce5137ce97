/* test-route.c: the route plan of SPEC §6, table-driven: each case is a
 * statement (groups, organization, hold), what the original reached and who
 * sent it, and the routes expected, one "address role status message" per
 * route in order. Then max-recipients, the reminders' recipients (SPEC §8)
 * and which addresses are the directory's. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "base/conf.h"
#include "base/gmime-util.h"
#include "stages/route.h"
#include "base/statement.h"
#include "testlib.h"

static const char config_text[] =
	"[liaison]\n"
	"address = statements@example.org\n"
	"name = Liaison Statement Processor\n"
	"database = liaison.db\n"
	"spool = spool\n"
	"triage = triage@example.org\n"
	"archive = archive@example.org\n"
	"[org ITU-T SG15]\n"
	"aliases = SG15\n"
	"domains = itu.int\n"
	"managers = Scott Mansfield <scott@example.com>\n"
	"[org Managers Twice]\n"
	"domains = example.net\n"
	"managers = Scott Mansfield <SCOTT@example.com>;Wei Chen <wei@example.org>\n"
	"[org No Managers]\n"
	"aliases = Lonely\n"
	"domains = itu.int\n"
	"[org Anyone]\n"
	"senders = any\n"
	"managers = Ann <ann@example.com>\n"
	"[group ccamp]\n"
	"name = Common Control and Measurement Plane\n"
	"list = ccamp@ietf.org\n"
	"chairs = Daniele <dc@example.net>;Fatai <fz@example.net>\n"
	"ads = John <jgs@example.org>\n"
	"[group teas]\n"
	"name = Traffic Engineering Architecture and Signaling\n"
	"list = teas@ietf.org\n"
	"chairs = Fatai <FZ@example.net>;Laura <lb@example.net>\n"
	"ads = John <jgs@example.org>\n"
	"[group loop]\n"
	"name = A group whose list is our own address\n"
	"list = statements@example.org\n"
	"chairs = Loop Chair <loopchair@example.net>\n";

typedef struct {
	const char *name;
	const char *groups;          /* ";"-separated group keys */
	const char *from_org;
	const char *hold_reason;     /* NULL: not held */
	const char *received;        /* ";"-separated: the original's To and Cc */
	const char *sender;          /* the original's From, or NULL */
	gboolean automatic;
	const char *extra_config;    /* appended to [liaison], or NULL */
	const char *expected;        /* "address role status message", "; "-joined */
} RouteCase;

#define FWD_CCAMP \
	"ccamp@ietf.org list queued forward; dc@example.net chair queued forward; " \
	"fz@example.net chair queued forward; jgs@example.org ad queued forward"

static const RouteCase cases[] = {
	{ "one group, known org, acknowledged", "ccamp", "ITU-T SG15", NULL, NULL,
	  "Greg <greg@itu.int>", FALSE, NULL,
	  FWD_CCAMP "; scott@example.com manager queued forward; "
	  "archive@example.org archive queued forward; greg@itu.int sender queued ack" },
	{ "automatic mail is not acknowledged", "ccamp", "ITU-T SG15", NULL, NULL,
	  "Datatracker <statements@ietf.org>", TRUE, NULL,
	  FWD_CCAMP "; scott@example.com manager queued forward; "
	  "archive@example.org archive queued forward" },
	{ "acknowledge = false", "ccamp", "ITU-T SG15", NULL, NULL, "greg@itu.int", FALSE,
	  "acknowledge = false",
	  FWD_CCAMP "; scott@example.com manager queued forward; "
	  "archive@example.org archive queued forward" },
	{ "no sender address, no acknowledgement", "ccamp", "ITU-T SG15", NULL, NULL, NULL, FALSE, NULL,
	  FWD_CCAMP "; scott@example.com manager queued forward; "
	  "archive@example.org archive queued forward" },
	{ "unknown org: triage instead of managers", "ccamp", "Some Forum", NULL, NULL, NULL, TRUE, NULL,
	  FWD_CCAMP "; triage@example.org triage queued forward; "
	  "archive@example.org archive queued forward" },
	{ "org without managers: triage", "ccamp", "Lonely", NULL, NULL, NULL, TRUE, NULL,
	  FWD_CCAMP "; triage@example.org triage queued forward; "
	  "archive@example.org archive queued forward" },
	{ "no archive configured", "ccamp", "ITU-T SG15", NULL, NULL, NULL, TRUE, "archive = ",
	  FWD_CCAMP "; scott@example.com manager queued forward" },
	{ "already received: the list and the manager were copied", "ccamp", "ITU-T SG15", NULL,
	  "statements@example.org;CCAMP@ietf.org;Scott@Example.com", NULL, TRUE, NULL,
	  "ccamp@ietf.org list already-received forward; dc@example.net chair queued forward; "
	  "fz@example.net chair queued forward; jgs@example.org ad queued forward; "
	  "scott@example.com manager already-received forward; "
	  "archive@example.org archive queued forward" },
	{ "two groups: lists, then chairs, then ADs, no address twice", "ccamp;teas", "ITU-T SG15",
	  NULL, NULL, NULL, TRUE, NULL,
	  "ccamp@ietf.org list queued forward; teas@ietf.org list queued forward; "
	  "dc@example.net chair queued forward; fz@example.net chair queued forward; "
	  "lb@example.net chair queued forward; jgs@example.org ad queued forward; "
	  "scott@example.com manager queued forward; archive@example.org archive queued forward" },
	{ "managers named twice in different case", "ccamp", "Managers Twice", NULL, NULL, NULL, TRUE,
	  NULL,
	  FWD_CCAMP "; SCOTT@example.com manager queued forward; wei@example.org manager queued forward; "
	  "archive@example.org archive queued forward" },
	{ "a sender who gets the forward gets no acknowledgement", "ccamp", "ITU-T SG15", NULL, NULL,
	  "Scott <scott@example.com>", FALSE, NULL,
	  FWD_CCAMP "; scott@example.com manager queued forward; "
	  "archive@example.org archive queued forward" },
	{ "our own address is never a route", "loop", "ITU-T SG15", NULL, NULL, NULL, TRUE, NULL,
	  "loopchair@example.net chair queued forward; scott@example.com manager queued forward; "
	  "archive@example.org archive queued forward" },
	{ "held: triage and the managers only, not acknowledged", "ccamp", "ITU-T SG15",
	  "unauthorized sender", "scott@example.com", "Mallory <mallory@evil.example>", FALSE, NULL,
	  "triage@example.org triage queued held; scott@example.com manager queued held" },
	{ "held from an unknown org: triage only", "", "Some Forum",
	  "unresolved destination group: none named", NULL, "x@forum.example", FALSE, NULL,
	  "triage@example.org triage queued held" },
	{ "no group resolved and not held: nothing but the managers", "", "ITU-T SG15", NULL, NULL,
	  NULL, TRUE, NULL,
	  "scott@example.com manager queued forward; archive@example.org archive queued forward" },
	{ "max-recipients: the held notice keeps triage first", "ccamp", "Managers Twice",
	  "unknown organization", NULL, NULL, FALSE, "max-recipients = 2",
	  "triage@example.org triage queued held; SCOTT@example.com manager queued held" },
	{ "max-recipients counts what is sent, not what was received", "ccamp", "ITU-T SG15", NULL,
	  "ccamp@ietf.org;dc@example.net", "greg@itu.int", FALSE, "max-recipients = 4",
	  "ccamp@ietf.org list already-received forward; dc@example.net chair already-received forward; "
	  "fz@example.net chair queued forward; jgs@example.org ad queued forward; "
	  "scott@example.com manager queued forward; archive@example.org archive queued forward; "
	  "greg@itu.int sender queued ack" },
};

static char *tmpdir;

static Config *
load_config (const char *extra)
{
	g_autoptr (GString) text = g_string_new (config_text);

	if (extra != NULL) {
		/* Keys added last to [liaison] override: GKeyFile keeps the last. */
		gssize at = strstr (text->str, "[org ") - text->str;
		g_string_insert (text, at, "\n");
		g_string_insert (text, at, extra);
	}
	return testlib_load_config (tmpdir, text->str);
}

static void
split_into (const char *text, GPtrArray *out)
{
	g_auto (GStrv) parts = NULL;

	if (text == NULL)
		return;
	parts = g_strsplit (text, ";", -1);
	for (guint i = 0; parts[i] != NULL; i++)
		if (*g_strstrip (parts[i]) != '\0')
			g_ptr_array_add (out, g_strdup (parts[i]));
}

static char *
describe (const RoutePlan *plan)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);
		g_string_append_printf (out, "%s%s %s %s %s", i > 0 ? "; " : "", r->address,
		                        route_role_to_string (r->role), route_status_to_string (r->status),
		                        route_message_to_string (r->message));
	}
	return g_string_free (out, FALSE);
}

static void
test_cases (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		const RouteCase *c = &cases[i];
		g_autoptr (Config) config = load_config (c->extra_config);
		g_autoptr (Statement) s = statement_new ();
		g_autoptr (GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
		g_autoptr (Address) sender = c->sender != NULL ? address_parse (c->sender) : NULL;
		g_autoptr (RoutePlan) plan = NULL;
		g_autofree char *got = NULL;
		RouteOriginal original = { received, sender, c->automatic };

		split_into (c->groups, s->groups);
		s->from_org = g_strdup (c->from_org);
		s->hold_reason = g_strdup (c->hold_reason);
		split_into (c->received, received);
		plan = route_plan (s, config, &original);
		got = describe (plan);
		if (strcmp (got, c->expected) != 0)
			fail_msg ("%s:\n  expected: %s\n  got:      %s", c->name, c->expected, got);
	}
}

/* The envelope of each message: its queued routes only. */
static void
test_recipients (void **state)
{
	g_autoptr (Config) config = load_config (NULL);
	g_autoptr (Statement) s = statement_new ();
	g_autoptr (GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (Address) sender = address_parse ("Greg <greg@itu.int>");
	g_autoptr (RoutePlan) plan = NULL;
	g_autoptr (GPtrArray) forward = NULL;
	g_autoptr (GPtrArray) ack = NULL;
	g_autoptr (GPtrArray) held = NULL;
	RouteOriginal original = { received, sender, FALSE };

	(void) state;
	g_ptr_array_add (s->groups, g_strdup ("ccamp"));
	s->from_org = g_strdup ("ITU-T SG15");
	g_ptr_array_add (received, g_strdup ("dc@example.net"));
	plan = route_plan (s, config, &original);
	forward = route_plan_recipients (plan, ROUTE_MESSAGE_FORWARD);
	ack = route_plan_recipients (plan, ROUTE_MESSAGE_ACK);
	held = route_plan_recipients (plan, ROUTE_MESSAGE_HELD);
	assert_int_equal (forward->len, 5);
	assert_string_equal (g_ptr_array_index (forward, 0), "ccamp@ietf.org");
	assert_string_equal (g_ptr_array_index (forward, 1), "fz@example.net");
	assert_string_equal (g_ptr_array_index (forward, 4), "archive@example.org");
	assert_int_equal (ack->len, 1);
	assert_string_equal (g_ptr_array_index (ack, 0), "greg@itu.int");
	assert_int_equal (held->len, 0);
}

/* The recipients of a deadline reminder (SPEC §8): To the chairs, Cc the
 * managers (triage when none) and, of a statement whose sender passed the
 * checks, the response contacts within its organization's domains. */
static const struct {
	const char *name;
	const char *groups;
	const char *from_org;
	const char *response;        /* ";"-separated, as the statement wrote them */
	gboolean sender_checked;
	const char *expected;        /* "address role field", "; "-joined */
} reminder_cases[] = {
	{ "chairs, manager, response contact", "ccamp", "ITU-T SG15", "Greg Jones <greg@itu.int>", TRUE,
	  "dc@example.net chair to; fz@example.net chair to; scott@example.com manager cc; "
	  "greg@itu.int response cc" },
	{ "two groups share a chair; two managers, one a response contact too", "ccamp;teas",
	  "Managers Twice", "wei@example.org;Someone <someone@example.net>", TRUE,
	  "dc@example.net chair to; fz@example.net chair to; lb@example.net chair to; "
	  "SCOTT@example.com manager cc; wei@example.org manager cc; someone@example.net response cc" },
	{ "no manager: triage; an unparsable contact is skipped", "ccamp", "No Managers",
	  "not an address;Greg <greg@itu.int>", TRUE,
	  "dc@example.net chair to; fz@example.net chair to; triage@example.org triage cc; "
	  "greg@itu.int response cc" },
	{ "unknown group, unknown org", "nosuchgroup", "Nobody", "x@nobody.example", TRUE,
	  "triage@example.org triage cc" },
	{ "never our own address", "loop", "ITU-T SG15", "statements@example.org", TRUE,
	  "loopchair@example.net chair to; scott@example.com manager cc" },
	{ "response contacts outside the organization's domains are not copied", "ccamp", "ITU-T SG15",
	  "Mallory <mallory@evil.example>;Greg <greg@itu.int.evil.example>;x@fakeitu.int;"
	  "Sub <sub@lists.itu.int>", TRUE,
	  "dc@example.net chair to; fz@example.net chair to; scott@example.com manager cc; "
	  "sub@lists.itu.int response cc" },
	{ "a sender that failed the checks: no response contact at all", "ccamp", "ITU-T SG15",
	  "Greg Jones <greg@itu.int>", FALSE,
	  "dc@example.net chair to; fz@example.net chair to; scott@example.com manager cc" },
	{ "senders = any with no domains: nobody named is copied", "ccamp", "Anyone",
	  "x@example.com;y@anywhere.example", TRUE,
	  "dc@example.net chair to; fz@example.net chair to; ann@example.com manager cc" },
};

static char *
describe_reminder (const RoutePlan *plan)
{
	GString *got = g_string_new (NULL);

	for (guint j = 0; j < plan->routes->len; j++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, j);
		assert_int_equal (r->message, ROUTE_MESSAGE_REMINDER);
		assert_int_equal (r->status, ROUTE_STATUS_QUEUED);
		g_string_append_printf (got, "%s%s %s %s", j > 0 ? "; " : "", r->address,
		                        route_role_to_string (r->role),
		                        r->field == ROUTE_FIELD_TO ? "to" : r->field == ROUTE_FIELD_CC ? "cc" : "bcc");
	}
	return g_string_free (got, FALSE);
}

static void
test_reminder (void **state)
{
	g_autoptr (Config) config = load_config (NULL);

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (reminder_cases); i++) {
		g_autoptr (Statement) s = statement_new ();
		g_autoptr (RoutePlan) plan = NULL;
		g_autofree char *got = NULL;

		split_into (reminder_cases[i].groups, s->groups);
		s->from_org = g_strdup (reminder_cases[i].from_org);
		split_into (reminder_cases[i].response, s->response_contacts);
		/* Technical contacts are never reminded. */
		g_ptr_array_add (s->technical_contacts, g_strdup ("Tech <tech@itu.int>"));
		plan = route_reminder (s, config, reminder_cases[i].sender_checked);
		got = describe_reminder (plan);
		if (strcmp (got, reminder_cases[i].expected) != 0)
			fail_msg ("%s:\n  expected: %s\n  got:      %s", reminder_cases[i].name,
			          reminder_cases[i].expected, got);
		assert_int_equal (plan->dropped->len, 0);
	}
}

/* Groups named for information only are reminded of nothing. */
static void
test_reminder_information (void **state)
{
	g_autoptr (Config) config = load_config (NULL);
	g_autoptr (Statement) s = statement_new ();
	g_autoptr (RoutePlan) plan = NULL;

	(void) state;
	g_ptr_array_add (s->groups, g_strdup ("ccamp"));
	s->from_org = g_strdup ("ITU-T SG15");
	s->purpose = PURPOSE_INFORMATION;
	s->deadline = g_strdup ("2027-04-10");
	plan = route_reminder (s, config, TRUE);
	assert_int_equal (plan->routes->len, 0);
	route_plan_free (g_steal_pointer (&plan));
	s->purpose = PURPOSE_ACTION;
	plan = route_reminder (s, config, TRUE);
	assert_true (plan->routes->len > 0);
}

/* max-recipients on a reminder: response contacts go first, then the
 * managers; the chairs stay. What was left out is named. */
static void
test_reminder_cap (void **state)
{
	g_autoptr (Config) config = load_config ("max-recipients = 3");
	g_autoptr (Statement) s = statement_new ();
	g_autoptr (RoutePlan) plan = NULL;
	g_autofree char *got = NULL, *text = NULL;

	(void) state;
	g_ptr_array_add (s->groups, g_strdup ("ccamp"));
	s->from_org = g_strdup ("Managers Twice");
	for (guint i = 0; i < 2000; i++)
		g_ptr_array_add (s->response_contacts, g_strdup_printf ("R%u <r%u@example.net>", i, i));
	plan = route_reminder (s, config, TRUE);
	got = describe_reminder (plan);
	assert_string_equal (got, "dc@example.net chair to; fz@example.net chair to; "
	                     "SCOTT@example.com manager cc");
	assert_int_equal (plan->dropped->len, 2001);
	assert_string_equal (g_ptr_array_index (plan->dropped, 0), "wei@example.org");
	assert_string_equal (g_ptr_array_index (plan->dropped, 1), "r0@example.net");
	text = route_dropped_text (plan, config, "reminder before-7");
	assert_string_equal (text, "reminder before-7 to 3 of 2004 recipients (max-recipients 3); "
	                     "left out: wei@example.org, r0@example.net, r1@example.net, r2@example.net, "
	                     "r3@example.net, r4@example.net, r5@example.net, r6@example.net, "
	                     "r7@example.net, r8@example.net and 1991 more");
}

/* A forward over max-recipients: route_too_many() says why it is held;
 * route_plan() never plans more than the limit. */
static void
test_too_many (void **state)
{
	g_autoptr (Config) config = load_config ("max-recipients = 5");
	g_autoptr (Config) roomy = load_config ("max-recipients = 6");
	g_autoptr (Statement) s = statement_new ();
	g_autoptr (GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (RoutePlan) plan = NULL;
	g_autoptr (GPtrArray) forward = NULL;
	g_autofree char *why = NULL, *none = NULL, *held = NULL;
	RouteOriginal original = { received, NULL, TRUE };

	(void) state;
	g_ptr_array_add (s->groups, g_strdup ("ccamp"));
	s->from_org = g_strdup ("ITU-T SG15");
	/* list, two chairs, AD, manager, archive: six. */
	why = route_too_many (s, config, &original);
	assert_string_equal (why, "too many recipients: the forward would go to 6 addresses, "
	                     "more than max-recipients (5)");
	none = route_too_many (s, roomy, &original);
	assert_null (none);
	plan = route_plan (s, config, &original);
	forward = route_plan_recipients (plan, ROUTE_MESSAGE_FORWARD);
	assert_int_equal (forward->len, 5);
	assert_int_equal (plan->dropped->len, 1);
	assert_string_equal (g_ptr_array_index (plan->dropped, 0), "archive@example.org");
	/* Held, it asks nothing more. */
	s->hold_reason = g_strdup ("unknown organization");
	held = route_too_many (s, config, &original);
	assert_null (held);
}

static void
test_remove (void **state)
{
	g_autoptr (Config) config = load_config (NULL);
	g_autoptr (Statement) s = statement_new ();
	g_autoptr (Address) sender = address_parse ("Greg <greg@itu.int>");
	g_autoptr (RoutePlan) plan = NULL;
	g_autoptr (GPtrArray) ack = NULL, forward = NULL;
	RouteOriginal original = { NULL, sender, FALSE };

	(void) state;
	g_ptr_array_add (s->groups, g_strdup ("ccamp"));
	s->from_org = g_strdup ("ITU-T SG15");
	plan = route_plan (s, config, &original);
	route_plan_remove (plan, ROUTE_MESSAGE_ACK);
	ack = route_plan_recipients (plan, ROUTE_MESSAGE_ACK);
	forward = route_plan_recipients (plan, ROUTE_MESSAGE_FORWARD);
	assert_int_equal (ack->len, 0);
	assert_int_equal (forward->len, 6);
}

static void
test_directory (void **state)
{
	static const struct {
		const char *address;
		gboolean expected;
	} addresses[] = {
		{ "statements@example.org", TRUE }, { "TRIAGE@example.org", TRUE },
		{ "archive@example.org", TRUE }, { "ccamp@ietf.org", TRUE }, { "lb@example.net", TRUE },
		{ "jgs@example.org", TRUE }, { "wei@example.org", TRUE }, { "ann@example.com", TRUE },
		{ "greg@itu.int", FALSE }, { "mallory@evil.example", FALSE }, { "", FALSE },
	};
	g_autoptr (Config) config = load_config (NULL);

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (addresses); i++)
		if (route_is_directory (config, addresses[i].address) != addresses[i].expected)
			fail_msg ("%s: expected %d", addresses[i].address, addresses[i].expected);
}

static void
test_names (void **state)
{
	(void) state;
	assert_string_equal (route_role_to_string (ROUTE_ROLE_SENDER), "sender");
	assert_string_equal (route_role_to_string (ROUTE_ROLE_AD), "ad");
	assert_string_equal (route_status_to_string (ROUTE_STATUS_ALREADY_RECEIVED), "already-received");
	assert_string_equal (route_message_to_string (ROUTE_MESSAGE_HELD), "held");
	assert_string_equal (route_message_to_string (ROUTE_MESSAGE_REMINDER), "reminder");
	assert_string_equal (route_role_to_string (ROUTE_ROLE_RESPONSE), "response");
}

static int
setup (void **state)
{
	g_autoptr (GError) error = NULL;

	(void) state;
	gmime_util_init ();
	tmpdir = g_dir_make_tmp ("test-route-XXXXXX", &error);
	return tmpdir != NULL ? 0 : -1;
}

static int
teardown (void **state)
{
	(void) state;
	testlib_remove_tree (tmpdir);
	g_free (tmpdir);
	return 0;
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_cases),
		cmocka_unit_test (test_recipients),
		cmocka_unit_test (test_reminder),
		cmocka_unit_test (test_reminder_cap),
		cmocka_unit_test (test_reminder_information),
		cmocka_unit_test (test_too_many),
		cmocka_unit_test (test_remove),
		cmocka_unit_test (test_directory),
		cmocka_unit_test (test_names),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
