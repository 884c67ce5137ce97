/* test-authorize.c: who may submit (SPEC §6). A table of
 * Authentication-Results headers, topmost first, and whether they vouch for
 * a From address; then authorize_sender() on whole messages against the
 * directory (domains, authorized lists, senders = any, trusted relays),
 * with and without authserv-id; then who may get an acknowledgement. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "stages/authorize.h"
#include "base/conf.h"
#include "base/gmime-util.h"
#include "input/message.h"
#include "base/statement.h"
#include "testlib.h"

typedef struct {
	const char *name;
	const char *from;
	const char *headers[4];      /* Authentication-Results values, topmost first */
	gboolean expected;
} AuthCase;

static const AuthCase auth_cases[] = {
	{ "dkim pass for the From domain", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=pass header.d=itu.int header.s=s1; spf=none", NULL }, TRUE },
	{ "dkim pass with the id in another case and a version", "tsbsg15@itu.int",
	  { "MX.Example.ORG 1; dkim=pass (2048-bit key) header.d=itu.int", NULL }, TRUE },
	{ "dkim pass for a parent domain", "tsbsg15@lists.itu.int",
	  { "mx.example.org; dkim=pass header.d=itu.int", NULL }, TRUE },
	{ "dkim pass by header.i", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=pass header.i=@itu.int", NULL }, TRUE },
	{ "dkim pass for another domain", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=pass header.d=evil.example", NULL }, FALSE },
	{ "dkim pass for a domain that only ends like it", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=pass header.d=fakeitu.int", NULL }, FALSE },
	{ "dkim fail", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=fail header.d=itu.int; spf=fail smtp.mailfrom=itu.int", NULL }, FALSE },
	{ "spf pass aligned", "tsbsg15@itu.int",
	  { "mx.example.org; spf=pass smtp.mailfrom=bounces@itu.int; dkim=none", NULL }, TRUE },
	{ "spf pass for the forger's own envelope domain", "tsbsg15@itu.int",
	  { "mx.example.org; spf=pass smtp.mailfrom=mallory@evil.example", NULL }, FALSE },
	{ "a forged pass below the trusted fail", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=fail header.d=itu.int",
	    "mx.example.org; dkim=pass header.d=itu.int", NULL }, FALSE },
	{ "the trusted pass above a forged fail", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=pass header.d=itu.int",
	    "mx.example.org; dkim=fail header.d=itu.int", NULL }, TRUE },
	{ "another server's pass does not count", "tsbsg15@itu.int",
	  { "relay.example.net; dkim=pass header.d=itu.int", NULL }, FALSE },
	{ "another server's header above ours", "tsbsg15@itu.int",
	  { "relay.example.net; dkim=fail header.d=itu.int",
	    "mx.example.org; dkim=pass header.d=itu.int", NULL }, TRUE },
	{ "no result", "tsbsg15@itu.int", { "mx.example.org; none", NULL }, FALSE },
	{ "no header at all", "tsbsg15@itu.int", { NULL }, FALSE },
	{ "a pass inside a comment does not count", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=fail (dkim=pass header.d=itu.int) header.d=itu.int", NULL }, FALSE },
	{ "quoted values", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=pass reason=\"good; signature\" header.d=\"itu.int\"", NULL }, TRUE },
	{ "one pass among several results", "tsbsg15@itu.int",
	  { "mx.example.org; dkim=fail header.d=evil.example; dkim=pass header.d=itu.int; arc=none",
	    NULL }, TRUE },
	{ "no From address", "", { "mx.example.org; dkim=pass header.d=itu.int", NULL }, FALSE },
};

static void
test_authenticated (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (auth_cases); i++) {
		const AuthCase *c = &auth_cases[i];
		g_autoptr (GPtrArray) results = g_ptr_array_new ();
		gboolean got;

		for (guint j = 0; c->headers[j] != NULL; j++)
			g_ptr_array_add (results, (gpointer) c->headers[j]);
		got = authorize_authenticated ("mx.example.org", results, c->from);
		if (got != c->expected)
			fail_msg ("%s: got %d, expected %d", c->name, got, c->expected);
	}
}

/* ---------------------------------------------------------------------- */
/* authorize_sender() on messages */

static char *tmpdir;

static Config *
load_config (const char *authserv_id)
{
	g_autofree char *text = g_strdup_printf (
		"[liaison]\naddress = statements@example.org\ndatabase = db\nspool = spool\n"
		"triage = triage@example.org\n%s%s\n"
		"[org ITU-T SG15]\ndomains = itu.int\nmanagers = Scott <scott@example.com>\n"
		"authorized = tsbsg15@itu.int;Chair <chair@gmail.example>\n"
		"[org ITU-T SG13]\ndomains = itu.int\nmanagers = Scott <scott@example.com>\n"
		"[org IEEE 802.1]\ndomains = ieee.org\nmanagers = Peter <peter@example.net>\n"
		"[org Officers Forum]\ndomains = forum.example\nsenders = any\n"
		"[org No Domains]\nmanagers = Nobody <nobody@example.net>\n",
		authserv_id != NULL ? "authserv-id = " : "", authserv_id != NULL ? authserv_id : "");

	return testlib_load_config (tmpdir, text);
}

#define MX "mx.example.org"
#define AR_DKIM(d) "Authentication-Results: mx.example.org; dkim=pass header.d=" d "\n"
#define AR_SPF(d) "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=" d "\n"
#define DT "From: Liaison Statement Management Tool <statements@ietf.org>\n"

typedef struct {
	const char *name;
	const char *authserv_id;
	const char *org;
	const char *envelope;        /* -f, or NULL */
	const char *text;
	const char *expected;        /* NULL: may submit */
} SenderCase;

static const SenderCase sender_cases[] = {
	/* Without authserv-id: the addresses and the envelope. */
	{ "on the authorized list", NULL, "ITU-T SG15", NULL,
	  "From: TSB <TSBSG15@itu.int>\nSubject: LS\n\nx\n", NULL },
	{ "on the authorized list, outside the domains", NULL, "ITU-T SG15", NULL,
	  "From: chair@gmail.example\nSubject: LS\n\nx\n", NULL },
	{ "within the domains but not on the authorized list", NULL, "ITU-T SG15", NULL,
	  "From: Mallory <mallory@itu.int>\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHORIZED },
	{ "within the organization's domain", NULL, "IEEE 802.1", NULL,
	  "From: someone@ieee.org\nSubject: LS\n\nx\n", NULL },
	{ "a subdomain of it", NULL, "IEEE 802.1", NULL,
	  "From: someone@standards.IEEE.org\nSubject: LS\n\nx\n", NULL },
	{ "outside the domains", NULL, "IEEE 802.1", NULL,
	  "From: someone@example.com\nSubject: LS\n\nx\n", AUTHORIZE_OUTSIDE_DOMAINS },
	{ "a domain that only ends like it", NULL, "IEEE 802.1", NULL,
	  "From: someone@fakeieee.org\nSubject: LS\n\nx\n", AUTHORIZE_OUTSIDE_DOMAINS },
	{ "a domain that only starts like it", NULL, "IEEE 802.1", NULL,
	  "From: someone@ieee.org.evil.example\nSubject: LS\n\nx\n", AUTHORIZE_OUTSIDE_DOMAINS },
	{ "an organization without domains takes nobody directly", NULL, "No Domains", NULL,
	  "From: someone@example.net\nSubject: LS\n\nx\n", AUTHORIZE_OUTSIDE_DOMAINS },
	{ "an unknown organization", NULL, "Some Forum", NULL,
	  "From: someone@forum.example\nSubject: LS\n\nx\n", AUTHORIZE_UNKNOWN_ORG },
	{ "no organization at all", NULL, NULL, NULL,
	  "From: someone@forum.example\nSubject: LS\n\nx\n", AUTHORIZE_UNKNOWN_ORG },
	{ "senders = any", NULL, "Officers Forum", NULL,
	  "From: officer@employer.example\nSubject: LS\n\nx\n", NULL },
	{ "no From address", NULL, "Officers Forum", NULL,
	  "Subject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "an envelope aligned with the From", NULL, "IEEE 802.1", "bounces@lists.ieee.org",
	  "From: someone@ieee.org\nSubject: LS\n\nx\n", NULL },
	{ "an envelope in angle brackets", NULL, "IEEE 802.1", "<Someone@IEEE.org>",
	  "From: someone@ieee.org\nSubject: LS\n\nx\n", NULL },
	{ "an envelope not aligned with the From", NULL, "IEEE 802.1", "mallory@evil.example",
	  "From: someone@ieee.org\nSubject: LS\n\nx\n", AUTHORIZE_ENVELOPE },
	{ "senders = any still wants the envelope to agree", NULL, "Officers Forum",
	  "mallory@evil.example", "From: officer@employer.example\nSubject: LS\n\nx\n",
	  AUTHORIZE_ENVELOPE },
	/* The trusted relay: accepted for the organization it names, whose
	 * authorized list applies to direct mail only. */
	{ "the Datatracker for an organization with an authorized list", NULL, "ITU-T SG15",
	  "wwwrun@ietf.org", DT "Subject: LS\n\nx\n", NULL },
	{ "the Datatracker for an organization without domains", NULL, "No Domains", NULL,
	  DT "Subject: LS\n\nx\n", NULL },
	{ "the Datatracker for an unknown organization", NULL, "Some Forum", NULL,
	  DT "Subject: LS\n\nx\n", AUTHORIZE_UNKNOWN_ORG },
	{ "a relay's From with a foreign envelope", NULL, "ITU-T SG15", "mallory@evil.example",
	  DT "Subject: LS\n\nx\n", AUTHORIZE_ENVELOPE },
	/* With authserv-id: our server's verdict, for the organization's
	 * domain. */
	{ "authenticated and authorized", MX, "ITU-T SG15", NULL,
	  "Authentication-Results: mx.example.org;\n\tdkim=pass header.d=itu.int\n"
	  "From: tsbsg15@itu.int\nSubject: LS\n\nx\n", NULL },
	{ "authorized address, but no verdict", MX, "ITU-T SG15", NULL,
	  "From: tsbsg15@itu.int\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "a forged verdict below ours", MX, "ITU-T SG15", NULL,
	  "Authentication-Results: mx.example.org; dkim=fail header.d=itu.int\n"
	  "Received: from evil.example by mx.example.org\n"
	  AR_DKIM ("itu.int")
	  "From: tsbsg15@itu.int\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "dkim=fail", MX, "IEEE 802.1", NULL,
	  "Authentication-Results: mx.example.org; dkim=fail header.d=ieee.org\n"
	  "From: someone@ieee.org\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "authenticated but not authorized", MX, "ITU-T SG15", NULL,
	  "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=itu.int\n"
	  "From: mallory@itu.int\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHORIZED },
	{ "the attacker's DKIM pass for its own domain, claiming ITU-T", MX, "ITU-T SG13", NULL,
	  AR_DKIM ("attacker.example") "From: mallory@attacker.example\nSubject: LS\n\nx\n",
	  AUTHORIZE_OUTSIDE_DOMAINS },
	{ "the attacker's DKIM pass under an ITU-T From", MX, "ITU-T SG13", "mallory@attacker.example",
	  AR_DKIM ("attacker.example") AR_SPF ("mallory@attacker.example")
	  "From: rapporteur@itu.int\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "DKIM pass for the organization's domain", MX, "ITU-T SG13", NULL,
	  AR_DKIM ("itu.int") "From: rapporteur@itu.int\nSubject: LS\n\nx\n", NULL },
	{ "aligned SPF pass for a subdomain", MX, "IEEE 802.1", "bounce@mail.ieee.org",
	  AR_SPF ("bounce@mail.ieee.org") "From: someone@ieee.org\nSubject: LS\n\nx\n", NULL },
	{ "authserv-id: the envelope is not the test", MX, "IEEE 802.1", "list-bounces@lists.example",
	  AR_DKIM ("ieee.org") "From: someone@ieee.org\nSubject: LS\n\nx\n", NULL },
	{ "senders = any, authenticated for the officer's own domain", MX, "Officers Forum", NULL,
	  AR_DKIM ("employer.example") "From: officer@employer.example\nSubject: LS\n\nx\n", NULL },
	{ "senders = any, not authenticated", MX, "Officers Forum", NULL,
	  AR_DKIM ("attacker.example") "From: officer@employer.example\nSubject: LS\n\nx\n",
	  AUTHORIZE_UNAUTHENTICATED },
	{ "the relay with DKIM for its domain", MX, "ITU-T SG15", NULL,
	  AR_DKIM ("ietf.org") DT "Subject: LS\n\nx\n", NULL },
	{ "the relay with SPF only", MX, "ITU-T SG15", "wwwrun@ietf.org",
	  AR_SPF ("wwwrun@ietf.org") DT "Subject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "a forged relay: DKIM for the attacker's domain", MX, "ITU-T SG15", NULL,
	  AR_DKIM ("attacker.example") DT "Subject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "a forged relay without any verdict", MX, "ITU-T SG15", NULL,
	  DT "Subject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
};

static void
test_sender (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (sender_cases); i++) {
		const SenderCase *c = &sender_cases[i];
		g_autoptr (Config) config = load_config (c->authserv_id);
		g_autoptr (Message) message = testlib_message_from_text (c->text);
		g_autoptr (Statement) s = statement_new ();
		const char *got;

		s->from_org = g_strdup (c->org);
		message->sender = g_strdup (c->envelope);
		got = authorize_sender (config, s, message);
		if (g_strcmp0 (got, c->expected) != 0)
			fail_msg ("%s: got %s, expected %s", c->name, got ? got : "(allowed)",
			          c->expected ? c->expected : "(allowed)");
		/* Every refusal is a sender reason, and says so at the head of
		 * a longer hold reason. */
		if (got != NULL) {
			g_autofree char *longer = g_strdup_printf ("%s; unresolved destination group", got);
			assert_true (authorize_is_sender_reason (got));
			assert_true (authorize_is_sender_reason (longer));
		}
	}
	assert_false (authorize_is_sender_reason (NULL));
	assert_false (authorize_is_sender_reason (""));
	assert_false (authorize_is_sender_reason ("unresolved destination group: none named"));
	assert_false (authorize_is_sender_reason ("too many recipients: the forward would go to 60"));
}

/* A hold reason names the sender and the rule, after the reason. */
typedef struct {
	const char *authserv_id;
	const char *org;
	const char *envelope;
	const char *text;
	const char *expected;
} ExplainCase;

static const ExplainCase explain_cases[] = {
	{ NULL, "IEEE 802.1", NULL, "From: Mallory <mallory@evil.example>\nSubject: LS\n\nx\n",
	  AUTHORIZE_OUTSIDE_DOMAINS ": mallory@evil.example is not in IEEE 802.1's domains (ieee.org)" },
	{ NULL, "No Domains", NULL, "From: someone@example.net\nSubject: LS\n\nx\n",
	  AUTHORIZE_OUTSIDE_DOMAINS ": someone@example.net is not in No Domains's domains (none)" },
	{ NULL, "ITU-T SG15", NULL, "From: mallory@itu.int\nSubject: LS\n\nx\n",
	  AUTHORIZE_UNAUTHORIZED ": mallory@itu.int is not on the authorized list of ITU-T SG15" },
	{ NULL, "Some Forum", NULL, "From: someone@forum.example\nSubject: LS\n\nx\n",
	  AUTHORIZE_UNKNOWN_ORG ": \"Some Forum\", sent by someone@forum.example, is not in the directory" },
	{ NULL, "IEEE 802.1", "mallory@evil.example", "From: someone@ieee.org\nSubject: LS\n\nx\n",
	  AUTHORIZE_ENVELOPE ": envelope sender mallory@evil.example, From someone@ieee.org" },
	{ MX, "ITU-T SG13", NULL, "From: rapporteur@itu.int\nSubject: LS\n\nx\n",
	  AUTHORIZE_UNAUTHENTICATED ": mx.example.org shows no dkim=pass or aligned spf=pass for "
	  "rapporteur@itu.int" },
};

static void
test_explain (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (explain_cases); i++) {
		const ExplainCase *c = &explain_cases[i];
		g_autoptr (Config) config = load_config (c->authserv_id);
		g_autoptr (Message) message = testlib_message_from_text (c->text);
		g_autoptr (Statement) s = statement_new ();
		g_autofree char *why = NULL;
		const char *got;

		s->from_org = g_strdup (c->org);
		s->from_org_text = g_strdup (c->org);
		message->sender = g_strdup (c->envelope);
		got = authorize_sender (config, s, message);
		assert_non_null (got);
		why = authorize_explain (config, s, message, got);
		assert_string_equal (why, c->expected);
		/* The reason stays its prefix: events and tests still match. */
		assert_true (g_str_has_prefix (why, got));
		assert_true (authorize_is_sender_reason (why));
	}
}

/* Who gets the acknowledgement of a sender that passed the checks. */
typedef struct {
	const char *name;
	const char *authserv_id;
	const char *envelope;
	const char *text;
	const char *expected;        /* "Name <addr>", "addr", or NULL: nobody */
} ReplyCase;

static const ReplyCase reply_cases[] = {
	{ "no envelope: the From", NULL, NULL, "From: Greg <greg@itu.int>\n\nx\n", "Greg <greg@itu.int>" },
	{ "the envelope is the From", NULL, "GREG@itu.int", "From: Greg <greg@itu.int>\n\nx\n",
	  "Greg <greg@itu.int>" },
	{ "an aligned envelope: the envelope", NULL, "bounces+x@mail.itu.int",
	  "From: Greg <greg@itu.int>\n\nx\n", "bounces+x@mail.itu.int" },
	{ "an envelope not aligned: nobody", NULL, "victim@elsewhere.example",
	  "From: Greg <greg@itu.int>\n\nx\n", NULL },
	{ "the null sender: nobody", NULL, "", "From: Greg <greg@itu.int>\n\nx\n", NULL },
	{ "the trusted relay: nobody", NULL, "wwwrun@ietf.org", DT "\nx\n", NULL },
	{ "no From: nobody", NULL, NULL, "Subject: x\n\nx\n", NULL },
	{ "authserv-id, From not vouched for: nobody", MX, NULL, "From: Greg <greg@itu.int>\n\nx\n", NULL },
	{ "authserv-id, From vouched for", MX, "greg@itu.int",
	  AR_DKIM ("itu.int") "From: Greg <greg@itu.int>\n\nx\n", "Greg <greg@itu.int>" },
	{ "authserv-id, vouched, envelope not aligned: nobody", MX, "victim@elsewhere.example",
	  AR_DKIM ("itu.int") "From: Greg <greg@itu.int>\n\nx\n", NULL },
};

static void
test_reply_address (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (reply_cases); i++) {
		const ReplyCase *c = &reply_cases[i];
		g_autoptr (Config) config = load_config (c->authserv_id);
		g_autoptr (Message) message = testlib_message_from_text (c->text);
		g_autoptr (Address) got = NULL;
		g_autofree char *text = NULL;

		message->sender = g_strdup (c->envelope);
		got = authorize_reply_address (config, message);
		text = got != NULL ? address_format (got) : NULL;
		if (g_strcmp0 (text, c->expected) != 0)
			fail_msg ("%s: got %s, expected %s", c->name, text ? text : "(nobody)",
			          c->expected ? c->expected : "(nobody)");
	}
}

static void
test_in_domains (void **state)
{
	g_autoptr (GPtrArray) domains = g_ptr_array_new ();

	(void) state;
	g_ptr_array_add (domains, (gpointer) "itu.int");
	g_ptr_array_add (domains, (gpointer) "3gpp.org");
	assert_true (authorize_in_domains ("a@itu.int", domains));
	assert_true (authorize_in_domains ("a@ITU.INT", domains));
	assert_true (authorize_in_domains ("a@lists.itu.int", domains));
	assert_true (authorize_in_domains ("a@3gpp.org.", domains));
	assert_false (authorize_in_domains ("a@fakeitu.int", domains));
	assert_false (authorize_in_domains ("a@itu.int.evil.example", domains));
	assert_false (authorize_in_domains ("a@int", domains));
	assert_false (authorize_in_domains ("itu.int", domains));
	assert_false (authorize_in_domains ("", domains));
	assert_false (authorize_in_domains ("a@itu.int", NULL));
}

static int
setup (void **state)
{
	g_autoptr (GError) error = NULL;

	(void) state;
	gmime_util_init ();
	tmpdir = g_dir_make_tmp ("test-authorize-XXXXXX", &error);
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
		cmocka_unit_test (test_authenticated),
		cmocka_unit_test (test_sender),
		cmocka_unit_test (test_explain),
		cmocka_unit_test (test_reply_address),
		cmocka_unit_test (test_in_domains),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
