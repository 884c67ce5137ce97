/* test-digest.c: the pure digest (stages/digest.c): periods, which
 * statement goes in which section for whom, the text and the escaped
 * HTML, the authorized-senders text; and compose_notice()'s
 * multipart/alternative. Table-driven. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "base/conf.h"
#include "base/gmime-util.h"
#include "base/statement.h"
#include "stages/compose.h"
#include "stages/digest.h"
#include "testlib.h"

static const char config_text[] =
	"[liaison]\n"
	"address = statements@example.org\n"
	"name = Liaison Statement Processor\n"
	"database = liaison.db\n"
	"spool = spool\n"
	"triage = liaison-coordination@example.org\n"
	"trusted-relays = statements@ietf.org\n"
	"[org ITU-T SG15]\n"
	"domains = itu.int\n"
	"managers = Scott Mansfield <scott.mansfield@example.com>\n"
	"authorized = tsbsg15@itu.int\n"
	"[org BBF]\n"
	"aliases = Broadband Forum\n"
	"domains = broadband-forum.org\n"
	"managers = Maria Santos <maria.santos@example.com>\n"
	"[org Open]\n"
	"senders = any\n"
	"managers = Olga Open <olga@example.com>\n"
	"[group ccamp]\n"
	"list = ccamp@ietf.org\n"
	"chairs = Daniele Ceccarelli <dc@example.net>\n";

static char *tmpdir;

static const struct {
	const char *today;
	const char *week;
	const char *quarter;
} periods[] = {
	{ "2026-12-07", "2026-W50", "2026-Q4" },
	{ "2027-01-01", "2026-W53", "2027-Q1" },   /* ISO week of the year before */
	{ "2026-12-31", "2026-W53", "2026-Q4" },
	{ "2027-04-01", "2027-W13", "2027-Q2" },
	{ "2027-02-29", NULL, NULL },
	{ "2026-12-7", NULL, NULL },
	{ "yesterday", NULL, NULL },
	{ NULL, NULL, NULL },
};

static void
test_periods (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (periods); i++) {
		g_autofree char *week = digest_week (periods[i].today);
		g_autofree char *quarter = digest_quarter (periods[i].today);

		assert_string_equal (week != NULL ? week : "(null)",
		                     periods[i].week != NULL ? periods[i].week : "(null)");
		assert_string_equal (quarter != NULL ? quarter : "(null)",
		                     periods[i].quarter != NULL ? periods[i].quarter : "(null)");
	}
}

/* One statement of the table. */
typedef struct {
	const char *id;
	const char *from_org;
	StatementState state;
	gboolean taken;
	const char *deadline;
	const char *received;
	const char *title;
} Row;

static const Row rows[] = {
	{ "LS-2026-0001", "ITU-T SG15", STATE_OPEN, FALSE, "2026-12-15", "2026-11-27T10:00:00Z", "OTN" },
	{ "LS-2026-0002", "ITU-T SG15", STATE_OPEN, FALSE, "2026-12-01", "2026-11-20T10:00:00Z", "Late" },
	{ "LS-2026-0003", "ITU-T SG15", STATE_OPEN, TRUE, "2026-12-01", "2026-11-20T10:00:00Z", "Taken" },
	{ "LS-2026-0004", "BBF", STATE_REPLIED, FALSE, "2026-12-20", "2026-12-03T10:00:00Z",
	  "<script>alert(1)</script> & more" },
	{ "LS-2026-0005", "BBF", STATE_HELD, FALSE, NULL, "2026-12-04T10:00:00Z", "Held" },
};

/* What each digest lists: per section, the ids. */
static const struct {
	const char *org;             /* NULL: triage */
	const char *fresh, *awaiting, *overdue, *held, *replied, *outgoing;
} expected[] = {
	{ NULL, "LS-2026-0004", "LS-2026-0001", "LS-2026-0002", "HM-2026-0001", "LS-2026-0004",
	  "LS-2026-0001 LS-2026-0004" },
	{ "ITU-T SG15", "", "LS-2026-0001", "LS-2026-0002", "", "", "LS-2026-0001" },
	{ "BBF", "LS-2026-0004", "", "", "HM-2026-0001", "LS-2026-0004", "LS-2026-0004" },
	{ "Open", "", "", "", "", "", "" },
};

static char *
ids_of (GPtrArray *list, gboolean outgoing)
{
	g_autoptr (GPtrArray) ids = g_ptr_array_new ();

	for (guint i = 0; i < list->len; i++) {
		gconstpointer p = g_ptr_array_index (list, i);
		const Statement *s = p;

		g_ptr_array_add (ids, outgoing ? (gpointer) ((const DigestOutgoing *) p)->statement_id
		                               : (gpointer) (s->state == STATE_HELD && s->handle != NULL
		                                             ? s->handle : s->id));
	}
	g_ptr_array_add (ids, NULL);
	return g_strjoinv (" ", (char **) ids->pdata);
}

static void
fill_input (DigestInput *in, GPtrArray *statements, GPtrArray *held, GPtrArray *replied,
            GPtrArray *outgoing)
{
	static const DigestOutgoing outbox[] = {
		/* failed since: listed */
		{ "LS-2026-0001", "forward", "failed", "2026-12-02T10:00:00Z", "a@example.org", "550 no" },
		/* queued for two days: listed */
		{ "LS-2026-0004", "forward", "queued", "2026-12-05T10:00:00Z", "b@example.org", NULL },
		/* queued for an hour, sent, failed long ago: not */
		{ "LS-2026-0002", "ack", "queued", "2026-12-07T05:00:00Z", "c@example.org", NULL },
		{ "LS-2026-0002", "forward", "sent", "2026-11-01T10:00:00Z", "d@example.org", NULL },
		{ "LS-2026-0003", "forward", "failed", "2026-11-01T10:00:00Z", "e@example.org", "x" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		Statement *s = statement_new ();

		s->id = g_strdup (rows[i].state == STATE_HELD ? "HM-2026-0001" : rows[i].id);
		s->handle = rows[i].state == STATE_HELD ? g_strdup ("HM-2026-0001") : NULL;
		s->from_org = g_strdup (rows[i].from_org);
		s->state = rows[i].state;
		s->action_taken = rows[i].taken;
		s->deadline = g_strdup (rows[i].deadline);
		s->received = g_strdup (rows[i].received);
		s->title = g_strdup (rows[i].title);
		g_ptr_array_add (s->groups, g_strdup ("ccamp"));
		g_ptr_array_add (rows[i].state == STATE_HELD ? held : statements, s);
	}
	g_ptr_array_add (replied, g_strdup ("LS-2026-0004"));
	for (gsize i = 0; i < G_N_ELEMENTS (outbox); i++)
		g_ptr_array_add (outgoing, (gpointer) &outbox[i]);
	*in = (DigestInput) { "2026-12-07", "2026-12-07T06:00:00Z", "2026-11-30", statements, held,
	                      replied, outgoing };
}

static void
test_sections (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);
	g_autoptr (GPtrArray) statements = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GPtrArray) replied = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) outgoing = g_ptr_array_new ();
	DigestInput in;

	(void) state;
	fill_input (&in, statements, held, replied, outgoing);
	for (gsize i = 0; i < G_N_ELEMENTS (expected); i++) {
		g_autoptr (GPtrArray) orgs = NULL;
		g_autoptr (DigestReport) r = NULL;
		g_autofree char *fresh = NULL, *awaiting = NULL, *overdue = NULL, *h = NULL,
		                *rep = NULL, *out = NULL;

		if (expected[i].org != NULL) {
			orgs = g_ptr_array_new ();
			g_ptr_array_add (orgs, (gpointer) config_find_org (config, expected[i].org));
		}
		r = digest_report_new (&in, config, orgs);
		fresh = ids_of (r->fresh, FALSE);
		awaiting = ids_of (r->awaiting, FALSE);
		overdue = ids_of (r->overdue, FALSE);
		h = ids_of (r->held, FALSE);
		rep = ids_of (r->replied, FALSE);
		out = ids_of (r->outgoing, TRUE);
		assert_string_equal (fresh, expected[i].fresh);
		assert_string_equal (awaiting, expected[i].awaiting);
		assert_string_equal (overdue, expected[i].overdue);
		assert_string_equal (h, expected[i].held);
		assert_string_equal (rep, expected[i].replied);
		assert_string_equal (out, expected[i].outgoing);
		assert_int_equal (digest_report_empty (r), expected[i].org != NULL &&
		                  strcmp (expected[i].org, "Open") == 0);
	}
}

static void
test_text_and_html (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);
	g_autoptr (GPtrArray) statements = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	g_autoptr (GPtrArray) replied = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) outgoing = g_ptr_array_new ();
	g_autoptr (DigestReport) r = NULL;
	g_autofree char *text = NULL, *html = NULL, *subject = NULL;
	DigestInput in;

	(void) state;
	fill_input (&in, statements, held, replied, outgoing);
	r = digest_report_new (&in, config, NULL);
	text = digest_text (r, &in, config, "all organizations");
	html = digest_html (r, &in, config, "all organizations");
	subject = digest_subject (&in, "all organizations");
	assert_string_equal (subject, "[Liaison digest 2026-W50] all organizations");
	assert_non_null (strstr (text, "\nAwaiting a reply (1):\n  LS-2026-0001  ITU-T SG15 -> ccamp: OTN "
	                         "(deadline 2026-12-15, 8 days left)\n"));
	assert_non_null (strstr (text, "\nOverdue (1):\n  LS-2026-0002  ITU-T SG15 -> ccamp: Late "
	                         "(deadline 2026-12-01, 6 days overdue)\n"));
	assert_non_null (strstr (text, "\n  HM-2026-0001  BBF -> ccamp: Held (held)\n"));
	assert_non_null (strstr (text, "<a@example.org> failed since 2026-12-02T10:00:00Z: 550 no\n"));
	/* The title as written in the text; escaped in the HTML. */
	assert_non_null (strstr (text, "<script>alert(1)</script> & more"));
	assert_null (strstr (html, "<script>"));
	assert_non_null (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
	assert_non_null (strstr (html, "<h2>Overdue (1)</h2>"));
}

static void
test_authorized (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);
	static const struct {
		const char *org;
		const char *expect;
	} cases[] = {
		{ "ITU-T SG15", "Authorized senders (its authorized list):\n  tsbsg15@itu.int\n" },
		{ "BBF", "any address in these domains:\n  broadband-forum.org\n" },
		{ "Open", "Authorized senders: anyone (senders = any).\n" },
	};

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		const Org *org = config_find_org (config, cases[i].org);
		g_autofree char *text = digest_authorized_text (config, org, "2026-Q4");
		g_autofree char *subject = digest_authorized_subject (org, "2026-Q4");

		assert_non_null (strstr (text, cases[i].expect));
		assert_non_null (strstr (text, "trusted relays are also accepted:\n  statements@ietf.org\n"));
		assert_non_null (strstr (subject, cases[i].org));
	}
}

static void
test_notice (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir, config_text);
	g_autoptr (GPtrArray) to = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
	g_autoptr (GPtrArray) none = g_ptr_array_new ();
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (GMimeMessage) empty = NULL;
	g_autofree char *id = NULL, *again = NULL, *other = NULL, *raw = NULL;
	ComposeNotice n = { 0 };
	GMimeObject *body;

	(void) state;
	g_strlcpy (config->secret, "test", sizeof config->secret);
	id = compose_keyed_id (config, "digest-2026-W50", "triage");
	again = compose_keyed_id (config, "digest-2026-W50", "triage");
	other = compose_keyed_id (config, "digest-2026-W51", "triage");
	assert_string_equal (id, again);
	assert_string_not_equal (id, other);
	assert_true (g_str_has_prefix (id, "digest-2026-W50.") && g_str_has_suffix (id, "@example.org"));

	g_ptr_array_add (to, address_parse ("Scott Mansfield <scott.mansfield@example.com>"));
	n = (ComposeNotice) { to, "[Liaison digest 2026-W50]\r\nBcc: x@example.com", "text\n",
	                      "<p>html</p>\n", id, "2026-12-07T06:00:00Z" };
	mime = compose_notice (config, &n);
	assert_non_null (mime);
	body = g_mime_message_get_mime_part (mime);
	assert_true (GMIME_IS_MULTIPART (body));
	assert_string_equal (g_mime_content_type_get_media_subtype (g_mime_object_get_content_type (body)),
	                     "alternative");
	assert_int_equal (g_mime_multipart_get_count (GMIME_MULTIPART (body)), 2);
	raw = g_mime_object_to_string (GMIME_OBJECT (mime), NULL);
	assert_null (strstr (raw, "\nBcc:"));
	assert_non_null (strstr (raw, "Auto-Submitted: auto-generated"));
	n.to = none;
	empty = compose_notice (config, &n);
	assert_null (empty);
}

static int
setup (void **state)
{
	g_autoptr (GError) error = NULL;

	(void) state;
	gmime_util_init ();
	tmpdir = g_dir_make_tmp ("test-digest-XXXXXX", &error);
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
		cmocka_unit_test (test_periods),
		cmocka_unit_test (test_sections),
		cmocka_unit_test (test_text_and_html),
		cmocka_unit_test (test_authorized),
		cmocka_unit_test (test_notice),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
