/* test-authorize.c: who may submit (SPEC §6). A table of
 * Authentication-Results headers, topmost first, and whether they vouch for
 * a From address; then authorize_sender() on whole messages against an
 * organization's authorized list. */
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
		"[org ITU-T SG15]\nmanagers = Scott <scott@example.com>\nauthorized = tsbsg15@itu.int\n"
		"[org IEEE 802.1]\nmanagers = Peter <peter@example.net>\n",
		authserv_id != NULL ? "authserv-id = " : "", authserv_id != NULL ? authserv_id : "");

	return testlib_load_config (tmpdir, text);
}

typedef struct {
	const char *name;
	const char *authserv_id;
	const char *org;
	const char *text;
	const char *expected;        /* NULL: may submit */
} SenderCase;

static const SenderCase sender_cases[] = {
	{ "on the authorized list", NULL, "ITU-T SG15",
	  "From: TSB <TSBSG15@itu.int>\nSubject: LS\n\nx\n", NULL },
	{ "not on the authorized list", NULL, "ITU-T SG15",
	  "From: Mallory <mallory@itu.int>\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHORIZED },
	{ "an organization without a list takes anyone", NULL, "IEEE 802.1",
	  "From: someone@ieee.org\nSubject: LS\n\nx\n", NULL },
	{ "an unknown organization takes anyone", NULL, "Some Forum",
	  "From: someone@forum.example\nSubject: LS\n\nx\n", NULL },
	{ "authenticated and authorized", "mx.example.org", "ITU-T SG15",
	  "Authentication-Results: mx.example.org;\n\tdkim=pass header.d=itu.int\n"
	  "From: tsbsg15@itu.int\nSubject: LS\n\nx\n", NULL },
	{ "authorized address, but no verdict", "mx.example.org", "ITU-T SG15",
	  "From: tsbsg15@itu.int\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "a forged verdict below ours", "mx.example.org", "ITU-T SG15",
	  "Authentication-Results: mx.example.org; dkim=fail header.d=itu.int\n"
	  "Received: from evil.example by mx.example.org\n"
	  "Authentication-Results: mx.example.org; dkim=pass header.d=itu.int\n"
	  "From: tsbsg15@itu.int\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "dkim=fail", "mx.example.org", "IEEE 802.1",
	  "Authentication-Results: mx.example.org; dkim=fail header.d=ieee.org\n"
	  "From: someone@ieee.org\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHENTICATED },
	{ "authenticated but not authorized", "mx.example.org", "ITU-T SG15",
	  "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=itu.int\n"
	  "From: mallory@itu.int\nSubject: LS\n\nx\n", AUTHORIZE_UNAUTHORIZED },
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
		got = authorize_sender (config, s, message);
		if (g_strcmp0 (got, c->expected) != 0)
			fail_msg ("%s: got %s, expected %s", c->name, got ? got : "(allowed)",
			          c->expected ? c->expected : "(allowed)");
	}
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
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
