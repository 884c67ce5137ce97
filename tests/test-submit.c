/* test-submit.c: the rules of outgoing statements (stages/submit.h):
 * which submissions are whole, who approves, who may submit, where the
 * approved statement goes; table-driven. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stages/direction.h"
#include "stages/resolve.h"
#include "stages/submit.h"
#include "testlib.h"

static char *tmpdir;

static const char config_text[] =
	"[liaison]\naddress = statements@example.org\ndatabase = db\nspool = spool\n"
	"triage = triage@example.org\nmax-recipients = 50\n"
	"[org ITU-T SG15]\naliases = SG15\ndomains = itu.int\n"
	"managers = Scott <scott@example.com>\nsend-to = TSB <tsbsg15@itu.int>\n"
	"[org BBF]\ndomains = broadband-forum.org\nmanagers = Maria <maria@example.com>\n"
	"[group ccamp]\nlist = ccamp@ietf.org\nchairs = Dan <dc@example.net>;Fatai <fz@example.net>\n"
	"ads = John <jgs@example.org>\n"
	"[group iab]\nlist = iab@iab.org\n"
	"[group iesg]\nlist = iesg@ietf.org\n"
	"[group teas]\nlist = teas@ietf.org\nads = Helen <hpark@example.org>\n"
	"[approvers]\niab = IAB Chair <iab-chair@iab.org>\nietf = IETF Chair <chair@ietf.org>\n"
	"teas = Other AD <other@example.org>\n";

/* The statement of @labels, as deliver reads a submission. */
static Statement *
read_labels (const Config *config, const char *labels)
{
	g_autofree char *text = g_strdup_printf ("From: Dan <dc@example.net>\n"
	                                         "To: statements+submit@example.org\n"
	                                         "Subject: s\nMessage-ID: <s@example.net>\n\n%s",
	                                         labels);
	g_autoptr (Message) message = testlib_message_from_text (text);
	Statement *statement = submit_read (message);

	if (statement != NULL) {
		resolve_statement (statement, config, message);
		direction_resolve (statement, config, message);
	}
	return statement;
}

static const struct {
	const char *name;
	const char *labels;
	const char *problems;    /* '|'-joined, "" when whole */
} whole[] = {
	{ "whole", "Title: t\nFrom Group: ccamp\nTo Group: ITU-T SG15\nPurpose: For action\n"
	  "Deadline: 2027-01-15\n\nBody: b\n", "" },
	{ "by alias", "Title: t\nFrom Group: ccamp\nTo Group: SG15\nPurpose: For comment\n\nBody: b\n",
	  "" },
	{ "no title", "From Group: ccamp\nTo Group: ITU-T SG15\nPurpose: For information\n\nBody: b\n",
	  "Title: missing" },
	{ "action without deadline",
	  "Title: t\nFrom Group: ccamp\nTo Group: ITU-T SG15\nPurpose: For action\n\nBody: b\n",
	  "Deadline: required when the purpose is action" },
	{ "unknown group", "Title: t\nFrom Group: nosuch\nTo Group: ITU-T SG15\n"
	  "Purpose: For information\n\nBody: b\n",
	  "From Group: \"nosuch\" is not a known IETF group" },
	{ "unknown org", "Title: t\nFrom Group: ccamp\nTo Group: Acme\nPurpose: For information\n\n"
	  "Body: b\n", "To Group: \"Acme\" is not a known peer organization" },
	{ "several at once", "From Group: nosuch\nTo Group: Acme\nPurpose: For action\n\nBody: b\n",
	  "Title: missing|From Group: \"nosuch\" is not a known IETF group|"
	  "To Group: \"Acme\" is not a known peer organization|"
	  "Deadline: required when the purpose is action" },
};

static void
test_problems (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (whole); i++) {
		g_autoptr (Statement) statement = read_labels (config, whole[i].labels);
		g_autoptr (GPtrArray) problems = submit_problems (statement, config, FALSE);
		g_autofree char *got = NULL;

		g_ptr_array_add (problems, NULL);
		got = g_strjoinv ("|", (char **) problems->pdata);
		if (strcmp (got, whole[i].problems) != 0)
			fail_msg ("%s: got \"%s\"", whole[i].name, got);
	}
}

static const struct {
	const char *group;
	const char *approver;
	gboolean is;
} approvers[] = {
	{ "ccamp", "jgs@example.org", TRUE },      /* the group's AD */
	{ "ccamp", "dc@example.net", FALSE },      /* a chair is no approver */
	{ "ccamp", "chair@ietf.org", FALSE },
	{ "iab", "iab-chair@iab.org", TRUE },
	{ "iesg", "chair@ietf.org", TRUE },        /* iesg: the ietf key */
	{ "teas", "other@example.org", TRUE },     /* a key overrides the ADs */
	{ "teas", "hpark@example.org", FALSE },
};

static void
test_approvers (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (approvers); i++) {
		g_autoptr (Statement) statement = statement_new ();

		statement->from_org = g_strdup (approvers[i].group);
		if (submit_is_approver (config, statement, approvers[i].approver) != approvers[i].is)
			fail_msg ("%s by %s: expected %d", approvers[i].group, approvers[i].approver,
			          approvers[i].is);
	}
}

static void
test_addressed_and_label (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);

	(void) state;
	assert_true (submit_is_addressed (config, NULL, "submit"));
	assert_true (submit_is_addressed (config, NULL, "SUBMIT"));
	assert_false (submit_is_addressed (config, "statements+submit@example.org", "ccamp"));
	assert_true (submit_is_addressed (config, "Statements+Submit@example.org", NULL));
	assert_false (submit_is_addressed (config, "statements@example.org", NULL));
	assert_false (submit_is_addressed (config, "other+submit@example.org", NULL));
	assert_true (submit_approved_label ("Title: t\nApproved: Yes\n"));
	assert_false (submit_approved_label ("Title: t\nApproved: no\n"));
	assert_false (submit_approved_label ("Title: t\n"));
}

static void
test_peer_plan (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);
	g_autoptr (Statement) statement = statement_new ();
	g_autoptr (RoutePlan) plan = NULL;
	GString *got = g_string_new (NULL);
	g_autofree char *text = NULL;

	(void) state;
	statement->from_org = g_strdup ("ccamp");
	g_ptr_array_add (statement->groups, g_strdup ("ITU-T SG15"));
	plan = submit_peer_plan (statement, config);
	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);

		g_string_append_printf (got, "%s%s:%s:%s", i > 0 ? " " : "", r->address,
		                        route_role_to_string (r->role), r->field == ROUTE_FIELD_TO ? "to" : "cc");
	}
	text = g_string_free (got, FALSE);
	assert_string_equal (text, "tsbsg15@itu.int:peer:to ccamp@ietf.org:list:cc dc@example.net:chair:cc "
	                     "fz@example.net:chair:cc scott@example.com:manager:cc");
}

static int
setup (void **state)
{
	g_autoptr (GError) error = NULL;

	(void) state;
	tmpdir = g_dir_make_tmp ("test-submit-XXXXXX", &error);
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
		cmocka_unit_test (test_problems),
		cmocka_unit_test (test_approvers),
		cmocka_unit_test (test_addressed_and_label),
		cmocka_unit_test (test_peer_plan),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
