/* test-config.c: the configuration reader (conf.c: key file, defaults,
 * problems, the name rule, mailboxes, checks) and the resolver (resolve.c:
 * which organization sent a statement and which groups it is for). */
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
#include "base/conf-perms.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "stages/resolve.h"
#include "base/statement.h"
#include "testlib.h"

static char *tmpdir;
static Config *sample;

/* ------------------------------------------------------------------ */
/* Fixtures */

static int
setup (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (SRCDIR, "samples", "liaison.conf", NULL);

	gmime_util_init ();
	tmpdir = g_dir_make_tmp ("test-config-XXXXXX", &error);
	if (tmpdir == NULL)
		return -1;
	sample = config_load (path, &error);
	if (sample == NULL) {
		fprintf (stderr, "%s\n", error->message);
		return -1;
	}
	return 0;
}

static int
teardown (void **state)
{
	config_free (sample);
	testlib_remove_tree (tmpdir);
	g_free (tmpdir);
	return 0;
}

/* Writes @text to @name under the temporary directory; returns the path. */
static char *
write_file (const char *name, const char *text)
{
	testlib_write_file (tmpdir, name, text);
	return g_build_filename (tmpdir, name, NULL);
}

static Config *
load_text (const char *text, GError **error)
{
	g_autofree char *path = write_file ("liaison.conf", text);

	return config_load (path, error);
}

static gboolean
problems_contain (GPtrArray *problems, const char *expected)
{
	for (guint i = 0; i < problems->len; i++)
		if (strstr (g_ptr_array_index (problems, i), expected) != NULL)
			return TRUE;
	return FALSE;
}

static void
print_problems (const char *what, GPtrArray *problems)
{
	for (guint i = 0; i < problems->len; i++)
		fprintf (stderr, "%s: %s\n", what, (const char *) g_ptr_array_index (problems, i));
}

/* ------------------------------------------------------------------ */
/* The name rule */

static void
test_name_key (void **state)
{
	static const struct {
		const char *name;
		const char *key;
	} cases[] = {
		{ "ITU-T SG 15", "itutsg15" },
		{ "itu-t-sg-15", "itutsg15" },
		{ "ITU-T SG15", "itutsg15" },
		{ "ITU_T_SG_15", "itutsg15" },
		{ "  CCAMP\t", "ccamp" },
		{ "IEEE 802.1", "ieee802.1" },
		{ "O-RAN", "oran" },
		{ "Straße", "strasse" },
		{ "-- _", "" },
		{ "", "" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *key = config_name_key (cases[i].name);
		assert_string_equal (key, cases[i].key);
	}
}

/* ------------------------------------------------------------------ */
/* Mailboxes */

static void
test_mailbox_parse (void **state)
{
	static const struct {
		const char *text;
		const char *name;     /* expected display name or NULL */
		const char *address;  /* expected addr-spec; NULL: rejected */
	} cases[] = {
		{ "Name <a@b>", "Name", "a@b" },
		{ "a@b", NULL, "a@b" },
		{ "\"Last, First\" <a@b>", "Last, First", "a@b" },
		{ "a@b (Name)", "Name", "a@b" },
		{ "<a@b>", NULL, "a@b" },
		{ "  spaced@example.org  ", NULL, "spaced@example.org" },
		{ "Greg Jones <Greg.Jones@Example.COM>", "Greg Jones", "Greg.Jones@example.com" },
		{ "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>", "Jürgen Müller", "jm@example.de" },
		{ "Łukasz Nowak <ln@example.pl>", "Łukasz Nowak", "ln@example.pl" },
		{ "木村 <kimura@example.jp>", "木村", "kimura@example.jp" },
		{ "a@b.", NULL, "a@b" },
		{ "noat", NULL, NULL },
		{ "Greg Jones", NULL, NULL },
		{ "", NULL, NULL },
		{ "a@", NULL, NULL },
		{ "@b", NULL, NULL },
		{ "a@b, c@d", NULL, NULL },
		{ "x <a@b> y", NULL, NULL },
		{ "a b@c", NULL, NULL },
		{ "Jane <jane@>", NULL, NULL },
		/* GMime would quietly drop what follows; a configuration must not. */
		{ "a@example.org # the archive", NULL, NULL },
		{ "a@b;c@d", NULL, NULL },
		{ "a@b@c", NULL, NULL },
		{ "\"Doe, J <j@x.org>", NULL, NULL },
		{ "a@exa_mple.org", NULL, NULL },
		{ "a@b..c", NULL, NULL },
		{ "Jane (the chair) <j@x.org>", "Jane", "j@x.org" },
		{ "j.o'neil+tag@Example.org", NULL, "j.o'neil+tag@example.org" },
		{ "a@xn--mnchen-3ya.de", NULL, "a@xn--mnchen-3ya.de" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (Address) m = address_parse (cases[i].text);
		if (cases[i].address == NULL) {
			if (m != NULL)
				fail_msg ("\"%s\" parsed as %s", cases[i].text, m->address);
			continue;
		}
		if (m == NULL)
			fail_msg ("\"%s\" was rejected", cases[i].text);
		assert_string_equal (m->address, cases[i].address);
		if (cases[i].name == NULL)
			assert_null (m->name);
		else
			assert_string_equal (m->name, cases[i].name);
	}
	assert_null (address_parse (NULL));
}

static void
test_mailbox_format (void **state)
{
	static const struct {
		const char *name;
		const char *address;
		const char *text;
	} cases[] = {
		{ NULL, "a@b", "a@b" },
		{ "", "a@b", "a@b" },
		{ "Name", "a@b", "Name <a@b>" },
		{ "J. Smith", "js@example.com", "J. Smith <js@example.com>" },
		{ "Last, First", "a@b", "\"Last, First\" <a@b>" },
		{ "Say \"hi\"", "a@b", "\"Say \\\"hi\\\"\" <a@b>" },
		{ "Jürgen Müller", "jm@example.de", "Jürgen Müller <jm@example.de>" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		Address m = { (char *) cases[i].name, (char *) cases[i].address };
		g_autofree char *text = address_format (&m);
		g_autoptr (Address) back = NULL;
		g_autoptr (Address) copy = address_copy (&m);

		assert_string_equal (text, cases[i].text);
		/* What we write reads back as the same mailbox. */
		back = address_parse (text);
		assert_non_null (back);
		assert_string_equal (back->address, cases[i].address);
		if (cases[i].name != NULL && *cases[i].name != '\0')
			assert_string_equal (back->name, cases[i].name);
		assert_string_equal (copy->address, m.address);
	}
}

/* ------------------------------------------------------------------ */
/* Loading: the sample, defaults, values, paths */

static void
test_sample (void **state)
{
	const Org *org;
	const Group *group;
	g_autofree char *samples = g_build_filename (SRCDIR, "samples", NULL);
	g_autofree char *canon = g_canonicalize_filename (samples, NULL);
	g_autofree char *db = g_build_filename (canon, "var", "liaison.db", NULL);
	g_autofree char *spool = g_build_filename (canon, "var", "spool", NULL);
	g_autofree char *outbox = g_build_filename (canon, "var", "outbox", NULL);

	print_problems ("sample", sample->problems);
	assert_int_equal (sample->problems->len, 0);
	assert_string_equal (sample->address, "statements@example.org");
	assert_string_equal (sample->triage, "liaison-coordination@example.org");
	assert_string_equal (sample->archive, "statements-archive@example.org");
	assert_string_equal (sample->database, db);
	assert_string_equal (sample->spool, spool);
	assert_int_equal (sample->method, DELIVERY_MAILDIR);
	assert_string_equal (sample->maildir, outbox);
	assert_int_equal (sample->orgs->len, 6);
	assert_int_equal (sample->groups->len, 6);

	org = config_find_org (sample, "ITU-T SG15");
	assert_non_null (org);
	assert_int_equal (org->managers->len, 1);
	assert_int_equal (org->authorized->len, 1);
	assert_string_equal (g_ptr_array_index (org->authorized, 0), "tsbsg15@itu.int");
	group = config_find_group (sample, "ccamp");
	assert_non_null (group);
	assert_string_equal (group->full_name, "Common Control and Measurement Plane");
	assert_string_equal (group->list->address, "ccamp@ietf.org");
	assert_int_equal (group->chairs->len, 2);
	assert_int_equal (group->ads->len, 1);
	/* Every group has a list; every org a manager and a domain. */
	for (guint i = 0; i < sample->groups->len; i++)
		assert_non_null (((Group *) g_ptr_array_index (sample->groups, i))->list);
	for (guint i = 0; i < sample->orgs->len; i++) {
		const Org *o = g_ptr_array_index (sample->orgs, i);
		assert_true (o->managers->len > 0);
		assert_true (o->domains->len > 0);
	}
}

static void
test_find (void **state)
{
	static const struct {
		const char *query;
		const char *org;
		const char *group;
	} cases[] = {
		{ "ITU-T SG15", "ITU-T SG15", NULL },
		{ "itu-t-sg-15", "ITU-T SG15", NULL },
		{ "ITU-T SG 15", "ITU-T SG15", NULL },
		{ "ITU-T Study Group 15", "ITU-T SG15", NULL },
		{ "sg13", "ITU-T SG13", NULL },
		{ "3GPP TSG SA WG2", "3GPP SA2", NULL },
		{ "broadband forum", "BBF", NULL },
		{ "o_ran", "O-RAN", NULL },
		{ "IEEE 802.1", "IEEE 802.1", NULL },
		{ "IEEE 802.1Q", NULL, NULL },
		{ "ccamp", NULL, "ccamp" },
		{ "CCAMP", NULL, "ccamp" },
		{ "CCAMP WG", NULL, "ccamp" },
		{ "Common Control and Measurement Plane", NULL, "ccamp" },
		{ "common-control-and-measurement-plane", NULL, "ccamp" },
		{ "Multi-Protocol Label Switching", NULL, "mpls" },
		{ "DetNet", NULL, "detnet" },
		{ "IAB", NULL, "iab" },
		{ "netmod", NULL, NULL },
		{ "", NULL, NULL },
		{ "--", NULL, NULL },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		const Org *org = config_find_org (sample, cases[i].query);
		const Group *group = config_find_group (sample, cases[i].query);

		if (cases[i].org == NULL)
			assert_null (org);
		else
			assert_string_equal (org->name, cases[i].org);
		if (cases[i].group == NULL)
			assert_null (group);
		else
			assert_string_equal (group->name, cases[i].group);
	}
	assert_null (config_find_org (sample, NULL));
	assert_null (config_find_group (sample, NULL));
}

static void
test_find_by_address (void **state)
{
	static const struct {
		const char *domain;
		const char *org;
	} domains[] = {
		{ "3gpp.org", "3GPP SA2" },
		{ "lists.3gpp.org", "3GPP SA2" },
		{ "IEEE.ORG", "IEEE 802.1" },
		{ "ieee.org.", "IEEE 802.1" },
		{ "someone@mail.o-ran.org", "O-RAN" },
		{ "broadband-forum.org", "BBF" },
		/* Two study groups share itu.int: it names neither. */
		{ "itu.int", NULL },
		{ "lists.itu.int", NULL },
		{ "notieee.org", NULL },
		{ "org", NULL },
		{ "example.com", NULL },
		{ "", NULL },
	};
	static const struct {
		const char *address;
		const char *group;
	} lists[] = {
		{ "ccamp@ietf.org", "ccamp" },
		{ "CCAMP@IETF.ORG", "ccamp" },
		{ "IETF TEAS <teas@ietf.org>", "teas" },
		{ "ccamp-chairs@ietf.org", NULL },
		{ "statements@example.org", NULL },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (domains); i++) {
		const Org *org = config_find_org_by_domain (sample, domains[i].domain);
		if (domains[i].org == NULL)
			assert_null (org);
		else if (org == NULL)
			fail_msg ("%s: no organization", domains[i].domain);
		else
			assert_string_equal (org->name, domains[i].org);
	}
	for (gsize i = 0; i < G_N_ELEMENTS (lists); i++) {
		const Group *group = config_find_group_by_list (sample, lists[i].address);
		if (lists[i].group == NULL)
			assert_null (group);
		else
			assert_string_equal (group->name, lists[i].group);
	}
}

#define LIAISON_BASE \
	"[liaison]\n" \
	"address = statements@example.org\n" \
	"database = db/liaison.db\n" \
	"spool = spool\n"
#define TRIAGE "triage = triage@example.org\n"

static void
test_defaults (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) c = load_text (LIAISON_BASE TRIAGE, &error);
	static const int days[] = { 14, 7, 4, 3, 2, 1, 0 };
	g_autofree char *db = g_build_filename (tmpdir, "db", "liaison.db", NULL);
	g_autofree char *spool = g_build_filename (tmpdir, "spool", NULL);
	g_autofree char *outbox = g_build_filename (tmpdir, "spool", "outbox", NULL);

	assert_non_null (c);
	assert_int_equal (c->problems->len, 0);
	assert_string_equal (c->name, "Liaison Statement Processor");
	assert_string_equal (c->database, db);
	assert_string_equal (c->spool, spool);
	assert_null (c->archive);
	assert_null (c->authserv_id);
	assert_string_equal (c->id_prefix, "LS");
	assert_true (c->acknowledge);
	assert_int_equal (c->time_limit, 120);
	assert_true (c->max_message_size == 52428800);
	assert_int_equal (c->method, DELIVERY_SENDMAIL);
	assert_string_equal (c->sendmail, SENDMAIL_PATH);
	assert_string_equal (c->smtp_host, "localhost");
	assert_int_equal (c->smtp_port, 25);
	assert_string_equal (c->maildir, outbox);
	assert_int_equal (c->reminder_days->len, G_N_ELEMENTS (days));
	for (guint i = 0; i < G_N_ELEMENTS (days); i++)
		assert_int_equal (g_array_index (c->reminder_days, int, i), days[i]);
	assert_int_equal (c->overdue_days, 14);
	assert_int_equal (c->orgs->len, 0);
	assert_int_equal (c->groups->len, 0);
}

static void
test_values (void **state)
{
	static const int days[] = { 30, 7, 1, 0 };
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) c = load_text (
		"[liaison]\n"
		"address = Liaison Tool <Statements@Example.ORG>\n"
		"name = Example Liaisons\n"
		"database = /srv/liaison/l.db\n"
		"spool = /srv/liaison\n"
		"triage = Coordination <coord@example.org>\n"
		"archive = archive@example.org\n"
		"id-prefix = XLS\n"
		"acknowledge = no\n"
		"time-limit = 30\n"
		"max-message-size = 1000\n"
		"authserv-id = mx.example.org\n"
		"[delivery]\n"
		"method = SMTP\n"
		"smtp-host = mail.example.org\n"
		"smtp-port = 587\n"
		"[reminders]\n"
		"days = 7 ; 1;;30; 0; 7;\n"
		"overdue-days = 3\n"
		"[org ITU-T SG15]\n"
		"aliases =  SG15 ;; ITU-T Study Group 15 ;\n"
		"domains = @ITU.INT.;itu.ch\n"
		"managers = Scott Mansfield <scott@example.com>; \"Doe, Jane\" <jd@example.com>\n"
		"authorized = TSB <TSBSG15@ITU.INT>\n"
		"[group ccamp]\n"
		"name = Common Control and Measurement Plane\n"
		"list = ccamp@ietf.org\n",
		&error);
	const Org *org;
	const Group *group;
	const Address *m;

	assert_non_null (c);
	print_problems ("values", c->problems);
	assert_int_equal (c->problems->len, 0);
	assert_string_equal (c->address, "Statements@example.org");
	assert_string_equal (c->name, "Example Liaisons");
	assert_string_equal (c->database, "/srv/liaison/l.db");
	assert_string_equal (c->triage, "coord@example.org");
	assert_string_equal (c->archive, "archive@example.org");
	assert_string_equal (c->id_prefix, "XLS");
	assert_false (c->acknowledge);
	assert_int_equal (c->time_limit, 30);
	assert_true (c->max_message_size == 1000);
	assert_string_equal (c->authserv_id, "mx.example.org");
	assert_int_equal (c->method, DELIVERY_SMTP);
	assert_string_equal (c->smtp_host, "mail.example.org");
	assert_int_equal (c->smtp_port, 587);
	assert_string_equal (c->maildir, "/srv/liaison/outbox");
	assert_int_equal (c->reminder_days->len, G_N_ELEMENTS (days));
	for (guint i = 0; i < G_N_ELEMENTS (days); i++)
		assert_int_equal (g_array_index (c->reminder_days, int, i), days[i]);
	assert_int_equal (c->overdue_days, 3);

	org = g_ptr_array_index (c->orgs, 0);
	assert_string_equal (org->name, "ITU-T SG15");
	assert_int_equal (org->aliases->len, 2);
	assert_string_equal (g_ptr_array_index (org->aliases, 0), "SG15");
	assert_string_equal (g_ptr_array_index (org->aliases, 1), "ITU-T Study Group 15");
	assert_int_equal (org->domains->len, 2);
	assert_string_equal (g_ptr_array_index (org->domains, 0), "itu.int");
	assert_string_equal (g_ptr_array_index (org->domains, 1), "itu.ch");
	assert_int_equal (org->managers->len, 2);
	m = g_ptr_array_index (org->managers, 1);
	assert_string_equal (m->name, "Doe, Jane");
	assert_string_equal (m->address, "jd@example.com");
	assert_int_equal (org->authorized->len, 1);
	assert_string_equal (g_ptr_array_index (org->authorized, 0), "tsbsg15@itu.int");
	/* Only one org owns itu.int here, so it names it. */
	assert_ptr_equal (config_find_org_by_domain (c, "itu.int"), org);
	group = g_ptr_array_index (c->groups, 0);
	assert_string_equal (group->name, "ccamp");
	assert_int_equal (group->aliases->len, 0);
	assert_int_equal (group->chairs->len, 0);
}

static void
test_relative_paths (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = write_file ("etc/liaison.conf",
		"[liaison]\n"
		"address = statements@example.org\n"
		"triage = triage@example.org\n"
		"database = ../var/l.db\n"
		"spool = /abs/spool\n"
		"[delivery]\n"
		"method = maildir\n"
		"maildir = out\n");
	g_autofree char *db = g_build_filename (tmpdir, "var", "l.db", NULL);
	g_autofree char *out = g_build_filename (tmpdir, "etc", "out", NULL);
	g_autofree char *cwd = g_get_current_dir ();
	g_autoptr (Config) c = config_load (path, &error);
	g_autoptr (Config) rel = NULL;

	assert_non_null (c);
	assert_string_equal (c->database, db);
	assert_string_equal (c->spool, "/abs/spool");
	assert_string_equal (c->maildir, out);

	/* A relative -c path resolves against the working directory. */
	assert_int_equal (chdir (tmpdir), 0);
	rel = config_load ("etc/liaison.conf", &error);
	assert_int_equal (chdir (cwd), 0);
	assert_non_null (rel);
	assert_string_equal (rel->database, db);
	assert_string_equal (rel->maildir, out);
	assert_string_equal (rel->path, "etc/liaison.conf");
}

/* ------------------------------------------------------------------ */
/* Errors and problems */

static void
test_errors (void **state)
{
	static const struct {
		const char *text;     /* NULL: no such file */
		const char *message;
	} cases[] = {
		{ NULL, "cannot read configuration" },
		{ "this is not a key file\n", "cannot read configuration" },
		{ "[liaison\naddress = a@b\n", "cannot read configuration" },
		{ "[liaison]\ndatabase = x.db\nspool = s\n", "[liaison] address missing" },
		{ "[liaison]\naddress = a@b\n", "[liaison] database, spool missing" },
		{ "[delivery]\nmethod = smtp\n", "[liaison] address, database, spool missing" },
		{ "", "[liaison] address, database, spool missing" },
		/* A section twice: GKeyFile would merge the two. */
		{ LIAISON_BASE TRIAGE "[group a]\nlist = a@x.org\n[group b]\nlist = b@x.org\n"
		  "[group a]\nlist = evil@y.org\n", "[group a] appears twice (lines 6 and 10)" },
		{ LIAISON_BASE TRIAGE "[org X]\n# again\n  [org X]  \r\n", "[org X] appears twice (lines 6 and 8)" },
		{ LIAISON_BASE TRIAGE "[liaison]\narchive = a@y.org\n", "[liaison] appears twice (lines 1 and 6)" },
		/* Two sections with one name under the name rule. */
		{ LIAISON_BASE TRIAGE "[org ITU-T SG15]\n[org itu-t-sg-15]\n",
		  "[org itu-t-sg-15] (line 7) is the same organization as [org ITU-T SG15] (line 6)" },
		{ LIAISON_BASE TRIAGE "[group ccamp]\nlist = a@x.org\n[group CC_AMP]\nlist = b@y.org\n",
		  "[group CC_AMP] (line 8) is the same group as [group ccamp] (line 6)" },
		/* A byte-order mark is not a line, anywhere but first. */
		{ LIAISON_BASE TRIAGE "\xef\xbb\xbf[group a]\nlist = a@x.org\n", "cannot read configuration" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autofree char *path = NULL;
		g_autoptr (Config) c = NULL;

		if (cases[i].text == NULL)
			path = g_build_filename (tmpdir, "no-such-dir", "liaison.conf", NULL);
		else
			path = write_file ("broken.conf", cases[i].text);
		c = config_load (path, &error);
		assert_null (c);
		assert_non_null (error);
		assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG));
		if (strstr (error->message, cases[i].message) == NULL ||
		    strstr (error->message, path) == NULL)
			fail_msg ("case %zu: \"%s\"", i, error->message);
	}
}

static void
test_problems (void **state)
{
	static const struct {
		const char *text;
		const char *problem;  /* the one problem expected; NULL: none */
	} cases[] = {
		/* Sections and keys. */
		{ LIAISON_BASE TRIAGE "[lisaion]\nx = 1\n", "[lisaion]: unknown section" },
		{ LIAISON_BASE TRIAGE "[org]\naliases = x\n", "[org]: unknown section" },
		{ LIAISON_BASE TRIAGE "adress = a@b\n", "[liaison] adress: unknown key" },
		{ LIAISON_BASE TRIAGE "[delivery]\nmetod = smtp\n", "[delivery] metod: unknown key" },
		{ LIAISON_BASE TRIAGE "[reminders]\nday = 3\n", "[reminders] day: unknown key" },
		{ LIAISON_BASE TRIAGE "[org X]\ndomain = x.org\n", "[org X] domain: unknown key" },
		{ LIAISON_BASE TRIAGE "[group g]\nlist = g@x.org\nchair = c@x.org\n", "[group g] chair: unknown key" },
		/* Addresses. */
		{ LIAISON_BASE "triage = coordination\n", "[liaison] triage: \"coordination\" is not a valid mail address" },
		{ LIAISON_BASE, "[liaison] triage: missing" },
		{ LIAISON_BASE TRIAGE "archive = nobody\n", "[liaison] archive: \"nobody\"" },
		{ "[liaison]\naddress = statements\ndatabase = d\nspool = s\n" TRIAGE, "[liaison] address: \"statements\"" },
		{ LIAISON_BASE TRIAGE "[org X]\nmanagers = Jane;Bob <bob@example.com>\n", "[org X] managers: \"Jane\"" },
		{ LIAISON_BASE TRIAGE "[org X]\nauthorized = secretariat\n", "[org X] authorized: \"secretariat\"" },
		{ LIAISON_BASE TRIAGE "[org X]\ndomains = not a domain\n", "[org X] domains: \"not a domain\"" },
		{ LIAISON_BASE TRIAGE "[group g]\nlist = g-list\n", "[group g] list: \"g-list\"" },
		{ LIAISON_BASE TRIAGE "[group g]\nlist = g@x.org\nchairs = Chair Person\n", "[group g] chairs: \"Chair Person\"" },
		{ LIAISON_BASE TRIAGE "[group g]\nlist = g@x.org\nads = a@x.org, b@x.org\n", "[group g] ads:" },
		{ LIAISON_BASE TRIAGE "[group g]\nname = G\n", "[group g] list: missing" },
		/* Names shared under the name rule. */
		{ LIAISON_BASE TRIAGE "[org A]\naliases = Foo Bar\n[org B]\naliases = foo-bar\n",
		  "[org B] aliases: \"foo-bar\" is also a name of [org A]" },
		{ LIAISON_BASE TRIAGE "[group a]\nlist = a@x.org\nname = Alpha Group\n"
		  "[group b]\nlist = b@x.org\naliases = ALPHA_GROUP\n",
		  "[group b] aliases: \"ALPHA_GROUP\" is also a name of [group a]" },
		{ LIAISON_BASE TRIAGE "[group a]\nlist = a@x.org\n[group b]\nlist = b@x.org\nname = A\n",
		  "[group b] name: \"A\" is also a name of [group a]" },
		{ LIAISON_BASE TRIAGE "[org X]\naliases = --\n", "[org X] aliases: \"--\" cannot be matched" },
		/* Values. */
		{ LIAISON_BASE TRIAGE "[delivery]\nmethod = pigeon\n", "[delivery] method: \"pigeon\" is not sendmail, smtp or maildir" },
		{ LIAISON_BASE TRIAGE "time-limit = soon\n", "[liaison] time-limit: \"soon\" is not a number" },
		{ LIAISON_BASE TRIAGE "time-limit = -5\n", "[liaison] time-limit: \"-5\"" },
		{ LIAISON_BASE TRIAGE "max-message-size = 50M\n", "[liaison] max-message-size: \"50M\"" },
		{ LIAISON_BASE TRIAGE "acknowledge = maybe\n", "[liaison] acknowledge: \"maybe\"" },
		{ LIAISON_BASE TRIAGE "archive = a@example.org # the archive\n",
		  "(a comment must stand on a line of its own)" },
		{ LIAISON_BASE TRIAGE "[delivery]\nsmtp-port = 70000\n", "[delivery] smtp-port: \"70000\"" },
		{ LIAISON_BASE TRIAGE "[reminders]\ndays = 7;three;1\n", "[reminders] days: \"three\" is not a number of days" },
		{ LIAISON_BASE TRIAGE "[reminders]\noverdue-days = two weeks\n", "[reminders] overdue-days: \"two weeks\"" },
		/* Not problems. */
		{ LIAISON_BASE TRIAGE "[org A]\naliases = A1\n[org B]\naliases = B1\n[group g]\nlist = g@x.org\n", NULL },
		{ LIAISON_BASE TRIAGE "[org IAB]\n[group iab]\nlist = iab@ietf.org\n", NULL },
		{ LIAISON_BASE TRIAGE "[org ITU-T SG15]\naliases = ITU-T-SG-15;SG15\n", NULL },
		{ LIAISON_BASE TRIAGE "[org A]\ndomains = x.org\n[org B]\ndomains = x.org\n", NULL },
		{ LIAISON_BASE TRIAGE "# a comment\n\n[reminders]\n# another\ndays =\n", NULL },
		/* A byte-order mark first; a group and an org may share a name. */
		{ "\xef\xbb\xbf" LIAISON_BASE TRIAGE "[group a]\nlist = a@x.org\n", NULL },
		{ "\xef\xbb\xbf" LIAISON_BASE TRIAGE "[org A]\n[group a]\nlist = a@x.org\n", NULL },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (Config) c = load_text (cases[i].text, &error);

		if (c == NULL)
			fail_msg ("case %zu: %s", i, error->message);
		if (cases[i].problem == NULL) {
			if (c->problems->len != 0) {
				print_problems ("unexpected", c->problems);
				fail_msg ("case %zu: problems found", i);
			}
			continue;
		}
		if (c->problems->len != 1 || !problems_contain (c->problems, cases[i].problem)) {
			print_problems ("found", c->problems);
			fail_msg ("case %zu: expected the one problem \"%s\"", i, cases[i].problem);
		}
	}
}

/* A bad value leaves the default in place. */
static void
test_bad_values_keep_defaults (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) c = load_text (LIAISON_BASE TRIAGE
		"time-limit = soon\nacknowledge = maybe\n"
		"[delivery]\nmethod = pigeon\nsmtp-port = 0\n"
		"[reminders]\ndays = 3;x;1\n", &error);

	assert_non_null (c);
	assert_int_equal (c->problems->len, 5);
	assert_int_equal (c->time_limit, 120);
	assert_true (c->acknowledge);
	assert_int_equal (c->method, DELIVERY_SENDMAIL);
	assert_int_equal (c->smtp_port, 25);
	assert_int_equal (c->reminder_days->len, 2);
	assert_int_equal (g_array_index (c->reminder_days, int, 0), 3);
	assert_int_equal (g_array_index (c->reminder_days, int, 1), 1);
}

static void
test_check (void **state)
{
	g_autofree char *file = write_file ("check/a-file", "x");
	g_autofree char *fresh = g_build_filename (tmpdir, "check", "fresh", NULL);
	g_autofree char *text = NULL;
	static const struct {
		const char *extra;    /* appended to the [liaison] section */
		const char *problem;  /* NULL: none */
	} cases[] = {
		/* Missing directories: the spool's is created with its parents, so
		 * the database's must exist unless it is one of them. */
		{ "database = fresh/l.db\nspool = fresh/spool\n"
		  "[delivery]\nmethod = maildir\n", NULL },
		{ "database = fresh/db/l.db\nspool = fresh/spool\n"
		  "[delivery]\nmethod = maildir\n", "/fresh/db does not exist" },
		{ "database = a-file/l.db\nspool = spool\n"
		  "[delivery]\nmethod = maildir\n", "[liaison] database: " },
		{ "database = l.db\nspool = a-file\n"
		  "[delivery]\nmethod = maildir\n", "[liaison] spool: " },
		{ "database = a-file\nspool = spool\n"
		  "[delivery]\nmethod = maildir\nmaildir = a-file/out\n", "[delivery] maildir: " },
		{ "database = .\nspool = spool\n"
		  "[delivery]\nmethod = maildir\n", "is a directory" },
		{ "database = l.db\nspool = spool\n"
		  "[delivery]\nmethod = sendmail\nsendmail = /nonexistent/sendmail\n",
		  "[delivery] sendmail: /nonexistent/sendmail is not executable" },
		{ "database = l.db\nspool = spool\n"
		  "[delivery]\nmethod = sendmail\nsendmail = /\n",
		  "[delivery] sendmail: / is not a program" },
		{ "database = l.db\nspool = spool\nbogus = 1\n"
		  "[delivery]\nmethod = smtp\n", "[liaison] bogus: unknown key" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
		g_autofree char *conf = g_strconcat (
			"[liaison]\naddress = statements@example.org\n" TRIAGE, cases[i].extra,
			"[group g]\nlist = g@example.org\n", NULL);
		g_autofree char *path = write_file ("check/liaison.conf", conf);
		g_autoptr (Config) c = config_load (path, &error);
		gboolean ok;

		assert_non_null (c);
		ok = config_check (c, problems);
		if (cases[i].problem == NULL) {
			print_problems ("check", problems);
			assert_true (ok);
			assert_int_equal (problems->len, 0);
		} else {
			assert_false (ok);
			if (!problems_contain (problems, cases[i].problem)) {
				print_problems ("check", problems);
				fail_msg ("case %zu: expected \"%s\"", i, cases[i].problem);
			}
		}
	}
	/* config_check creates nothing. */
	assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
}

static void
test_default_path (void **state)
{
	g_autofree char *saved = g_strdup (g_getenv ("LIAISON_CONFIG"));

	assert_string_equal (config_default_path ("/x/l.conf"), "/x/l.conf");
	g_unsetenv ("LIAISON_CONFIG");
	assert_string_equal (config_default_path (NULL), SYSCONFDIR "/liaison/liaison.conf");
	g_setenv ("LIAISON_CONFIG", "/env/l.conf", TRUE);
	assert_string_equal (config_default_path (NULL), "/env/l.conf");
	assert_string_equal (config_default_path ("/x/l.conf"), "/x/l.conf");
	g_setenv ("LIAISON_CONFIG", "", TRUE);
	assert_string_equal (config_default_path (NULL), SYSCONFDIR "/liaison/liaison.conf");
	if (saved != NULL)
		g_setenv ("LIAISON_CONFIG", saved, TRUE);
	else
		g_unsetenv ("LIAISON_CONFIG");
}

/* ------------------------------------------------------------------ */
/* The resolver */

typedef struct {
	const char *from_org_text;
	const char *to_texts;     /* '|'-separated, or NULL */
	const char *extension;
	const char *recipient;
	const char *from_address;
	const char *headers;      /* To, Cc, Subject of the original, or NULL */
	const char *from_org;     /* expected */
	const char *groups;       /* expected, ','-separated ("" for none) */
	const char *hold_reason;  /* expected, or NULL */
	const char *body;         /* the statement's body, or NULL */
	const char *from_contact; /* the statement's contact, or NULL */
	const char *title;        /* the statement's title, or NULL */
} ResolveCase;

static const ResolveCase resolve_cases[] = {
	/* The Datatracker's layouts. */
	{ "ITU-T SG15 (Greg Jones)", "Common Control and Measurement Plane (Daniele Ceccarelli, Fatai Zhang)",
	  NULL, NULL, "tsbsg15@itu.int", NULL, "ITU-T SG15", "ccamp", NULL },
	{ "ITU-T Study Group 15 (itu-t-sg-15)", "Common Control and Measurement Plane (ccamp)",
	  NULL, NULL, "statements@ietf.org", NULL, "ITU-T SG15", "ccamp", NULL },
	{ "itu-t-sg-15", "CCAMP", NULL, NULL, "", NULL, "ITU-T SG15", "ccamp", NULL },
	{ "3GPP TSG SA WG2",
	  "Traffic Engineering Architecture and Signaling (teas), Deterministic Networking (detnet), "
	  "Multiprotocol Label Switching (mpls)",
	  NULL, NULL, "", NULL, "3GPP SA2", "teas,detnet,mpls", NULL },
	{ "Internet Architecture Board (iab)", "Internet Architecture Board (iab-chairs@ietf.org)",
	  NULL, NULL, "", NULL, "Internet Architecture Board (iab)", "iab", NULL },
	{ "O-RAN Alliance (o-ran)", "teas|mpls|TEAS WG|Multi-Protocol Label Switching",
	  NULL, NULL, "", NULL, "O-RAN", "teas,mpls", NULL },
	{ "Broadband Forum", "IETF OPSAWG Working Group", NULL, NULL, "", NULL, "BBF", "opsawg", NULL },
	{ "BBF", "the IETF DetNet WG; IAB", NULL, NULL, "", NULL, "BBF", "detnet,iab", NULL },
	{ "BBF", "mpls@ietf.org", NULL, NULL, "", NULL, "BBF", "mpls", NULL },
	{ "BBF", "CCAMP and TEAS", NULL, NULL, "", NULL, "BBF", "ccamp,teas", NULL },
	{ "BBF", "the MPLS & DetNet WGs", NULL, NULL, "", NULL, "BBF", "mpls,detnet", NULL },
	{ "BBF", "Operations and Management Area Working Group", NULL, NULL, "", NULL, "BBF", "opsawg", NULL },
	/* The organization from names inside the text or the subject. */
	{ "Liaison from ITU-T SG13 Q6/13", "ccamp", NULL, NULL, "", NULL, "ITU-T SG13", "ccamp", NULL },
	{ "IEEE 802.1 WG (János Kovács)", "detnet", NULL, NULL, "", NULL, "IEEE 802.1", "detnet", NULL },
	{ "IEEE 802.1Q Task Group", "detnet", NULL, NULL, "", NULL, "IEEE 802.1Q Task Group", "detnet", NULL },
	{ NULL, "ccamp", NULL, NULL, "someone@example.com",
	  "Subject: LS from O-RAN Alliance WG9 on transport\n", "O-RAN", "ccamp", NULL },
	{ NULL, "ccamp", NULL, NULL, "someone@example.com",
	  "Subject: Re: LS from SG 15\n", "ITU-T SG15", "ccamp", NULL },
	/* A subject names the body an earlier statement came from after
	 * "reply to": that is not this one's writer. */
	{ NULL, "ccamp", NULL, NULL, "someone@ieee.org",
	  "Subject: Reply to ITU-T SG13 LS on transport\n", "IEEE 802.1", "ccamp", NULL },
	/* The text outranks the sender's domain. */
	{ "ITU-T SG13", "ccamp", NULL, NULL, "liaison@3gpp.org", NULL, "ITU-T SG13", "ccamp", NULL },
	/* The sender: authorized address, domain, parent domain. */
	{ NULL, "ccamp", NULL, NULL, "tsbsg15@itu.int", NULL, "ITU-T SG15", "ccamp", NULL },
	{ NULL, "ccamp", NULL, NULL, "tsbsg13@itu.int", NULL, "itu.int", "ccamp", NULL },
	{ NULL, "ccamp", NULL, NULL, "liaison@mail.broadband-forum.org", NULL, "BBF", "ccamp", NULL },
	{ "Some Unknown Body", "ccamp", NULL, NULL, "x@3gpp.org", NULL, "3GPP SA2", "ccamp", NULL },
	{ "ETSI ISG NFV (Susan King)", "ccamp", NULL, NULL, "x@etsi.org", NULL,
	  "ETSI ISG NFV (Susan King)", "ccamp", NULL },
	{ "  ", "ccamp", NULL, NULL, "", NULL, NULL, "ccamp", NULL },
	/* The recipient extension and the original's recipients. */
	{ NULL, NULL, "ccamp", NULL, "", NULL, NULL, "ccamp", NULL },
	{ NULL, NULL, NULL, "statements+teas@example.org", "", NULL, NULL, "teas", NULL },
	{ NULL, NULL, NULL, NULL, "",
	  "To: statements@example.org\nCc: detnet@ietf.org, MPLS <MPLS@IETF.ORG>, x@example.com\n",
	  NULL, "detnet,mpls", NULL },
	{ NULL, NULL, NULL, NULL, "", "To: Statements <statements+opsawg@example.org>\n", NULL, "opsawg", NULL },
	{ NULL, NULL, NULL, NULL, "", "To: undisclosed: detnet@ietf.org;\n", NULL, "detnet", NULL },
	/* The statement's own destinations outrank the lists on the mail. */
	{ NULL, "mpls", "ccamp", NULL, "", "Cc: teas@ietf.org, mpls@ietf.org\n", NULL, "mpls,ccamp", NULL },
	{ NULL, "Some Other Body", NULL, NULL, "", "Cc: teas@ietf.org\n", NULL, "teas", NULL },
	{ NULL, "Foo WG|ccamp", NULL, NULL, "", NULL, NULL, "ccamp", NULL },
	/* Held. */
	{ "BBF", "Network Modeling (netmod)", NULL, NULL, "", "To: statements@example.org\n", "BBF", "",
	  "unresolved destination group: To: Network Modeling (netmod)" },
	{ "BBF", "IETF|Foo WG", "netmod", NULL, "", NULL, "BBF", "",
	  "unresolved destination group: To: IETF; To: Foo WG; extension: netmod" },
	{ "BBF", NULL, NULL, NULL, "", NULL, "BBF", "", "unresolved destination group: none named" },
	{ "BBF", "ccamp-chairs@ietf.org", NULL, NULL, "", NULL, "BBF", "",
	  "unresolved destination group: To: ccamp-chairs@ietf.org" },
	/* The ITU-T, 3GPP and free-form readings. */
	{ "ITU-T Study Group 13", "IETF DetNet WG|IETF TEAS WG|3GPP TSG SA WG2", NULL, NULL, "tsbsg13@itu.int",
	  NULL, "ITU-T SG13", "detnet,teas", NULL },
	{ "3GPP SA WG2", "IETF MPLS WG|CT WG4", NULL, NULL, "3gppliaison@etsi.org", NULL, "3GPP SA2", "mpls", NULL },
	{ NULL, "IETF TEAS working group|CCAMP and TEAS working groups", NULL, NULL, "", NULL, NULL, "teas,ccamp",
	  NULL },
	{ NULL, "IETF Operations and Management Area Working Group", NULL, NULL, "", NULL, NULL, "opsawg", NULL },
	/* A free-form letter names its sender in its first lines: only when
	 * nothing else does, and the first one named wins. */
	{ NULL, "teas", NULL, NULL, "tsbsg13@itu.int", NULL, "ITU-T SG13", "teas", NULL,
	  "ITU-T Study Group 13 thanks IEEE 802.1 and the Broadband Forum for ..." },
	{ NULL, "teas", NULL, NULL, "liaison@broadband-forum.org", NULL, "BBF", "teas", NULL,
	  "ITU-T Study Group 13 asked us to forward ..." },
	{ "Some Consortium", "teas", NULL, NULL, "", NULL, "Some Consortium", "teas", NULL,
	  "Some Consortium thanks ITU-T SG15 for ..." },
	/* A forward's sender is the forwarder: the statement's contact says
	 * who wrote it. */
	{ NULL, "teas", NULL, NULL, "execd@iab.org", NULL, "O-RAN", "teas", NULL, NULL,
	  "Wei Chen <wei.chen@o-ran.org>" },
	/* The subject, then the title, when nothing else names a group. */
	{ "BBF", NULL, NULL, NULL, "", "Subject: LS to IETF CCAMP on OTN\n", "BBF", "ccamp", NULL },
	{ "BBF", "teas", NULL, NULL, "", "Subject: LS to IETF CCAMP on OTN\n", "BBF", "teas", NULL },
	{ "BBF", NULL, NULL, NULL, "", "Subject: LS on MPLS-TP OAM\n", "BBF", "mpls", NULL },
	{ "BBF", NULL, NULL, NULL, "", NULL, "BBF", "detnet", NULL, NULL, NULL,
	  "Liaison statement to the DetNet WG" },
	{ "BBF", "Foo WG", NULL, NULL, "", "Subject: LS on optical things\n", "BBF", "",
	  "unresolved destination group: To: Foo WG" },
};

static GMimeMessage *
parse_headers (const char *headers)
{
	g_autofree char *raw = g_strconcat ("From: x@example.com\n", headers, "\nbody\n", NULL);
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);

	return g_mime_parser_construct_message (parser, NULL);
}

static char *
join_groups (GPtrArray *groups)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < groups->len; i++) {
		if (i > 0)
			g_string_append_c (out, ',');
		g_string_append (out, g_ptr_array_index (groups, i));
	}
	return g_string_free (out, FALSE);
}

static void
test_resolve (void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS (resolve_cases); i++) {
		const ResolveCase *rc = &resolve_cases[i];
		g_autoptr (Statement) s = statement_new ();
		g_autofree char *groups = NULL;
		g_autofree char *subject = NULL;
		Message m = { 0 };

		s->from_org_text = g_strdup (rc->from_org_text);
		s->body = g_strdup (rc->body);
		s->from_contact = g_strdup (rc->from_contact);
		s->title = g_strdup (rc->title);
		if (rc->to_texts != NULL) {
			g_auto (GStrv) parts = g_strsplit (rc->to_texts, "|", -1);
			for (guint j = 0; parts[j] != NULL; j++)
				g_ptr_array_add (s->to_texts, g_strdup (parts[j]));
		}
		m.extension = (char *) rc->extension;
		m.recipient = (char *) rc->recipient;
		m.from_address = (char *) rc->from_address;
		m.from = (char *) "";
		m.date = (char *) "";
		if (rc->headers != NULL)
			m.mime = parse_headers (rc->headers);
		subject = m.mime != NULL && g_mime_message_get_subject (m.mime) != NULL
			? g_strdup (g_mime_message_get_subject (m.mime)) : g_strdup ("");
		m.subject = subject;

		resolve_statement (s, sample, &m);

		groups = join_groups (s->groups);
		if (g_strcmp0 (s->from_org, rc->from_org) != 0)
			fail_msg ("case %zu: from_org \"%s\", expected \"%s\"", i, s->from_org, rc->from_org);
		if (strcmp (groups, rc->groups) != 0)
			fail_msg ("case %zu: groups \"%s\", expected \"%s\"", i, groups, rc->groups);
		if (g_strcmp0 (s->hold_reason, rc->hold_reason) != 0)
			fail_msg ("case %zu: hold \"%s\", expected \"%s\"", i, s->hold_reason, rc->hold_reason);
		g_clear_object (&m.mime);
	}
}

/* A forwarded statement: the original's own To and Cc name groups. */
static void
test_resolve_forwarded (void **state)
{
	static const char raw[] =
		"From: Forwarder <someone@example.com>\nTo: statements@example.org\nSubject: Fwd: LS\n"
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
		"--b\nContent-Type: text/plain\n\nSee below.\n"
		"--b\nContent-Type: message/rfc822\n\n"
		"From: TSB <tsbsg15@itu.int>\nTo: teas@ietf.org\nCc: Lists <MPLS@ietf.org>, x@example.com\n"
		"Subject: LS\n\nText.\n--b--\n";
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (raw, strlen (raw));
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
	g_autoptr (Statement) s = statement_new ();
	g_autofree char *groups = NULL;
	Message m = { 0 };

	m.mime = g_mime_parser_construct_message (parser, NULL);
	m.from = m.subject = m.date = (char *) "";
	m.from_address = (char *) "someone@example.com";
	s->from_org_text = g_strdup ("SG15");
	resolve_statement (s, sample, &m);
	groups = join_groups (s->groups);
	assert_string_equal (groups, "teas,mpls");
	assert_null (s->hold_reason);
	g_clear_object (&m.mime);
}

/* Without a message; a second run replaces the first's groups; an earlier
 * hold reason survives. */
static void
test_resolve_again (void **state)
{
	g_autoptr (Statement) s = statement_new ();

	s->from_org_text = g_strdup ("SG15");
	g_ptr_array_add (s->to_texts, g_strdup ("ccamp"));
	resolve_statement (s, sample, NULL);
	assert_string_equal (s->from_org, "ITU-T SG15");
	assert_int_equal (s->groups->len, 1);
	resolve_statement (s, sample, NULL);
	assert_int_equal (s->groups->len, 1);
	assert_null (s->hold_reason);

	g_ptr_array_set_size (s->to_texts, 0);
	s->hold_reason = g_strdup ("unauthorized sender");
	resolve_statement (s, sample, NULL);
	assert_int_equal (s->groups->len, 0);
	assert_string_equal (s->hold_reason, "unauthorized sender");
}

/* ------------------------------------------------------------------ */
/* Permissions (conf-perms.c) */

/* Who may write the configuration, the spool and the outbox: the rule as a
 * table, for a program running as user 1000, group 1000. */
static void
test_perms_rule (void **state)
{
	static const struct {
		mode_t mode;
		uid_t uid;
		gid_t gid;
		gboolean check_owner;
		const char *problem;     /* a part of the sentence, or NULL */
	} cases[] = {
		{ S_IFREG | 0640, 0, 0, TRUE, NULL },
		{ S_IFREG | 0600, 1000, 1000, TRUE, NULL },
		{ S_IFREG | 0644, 1000, 50, TRUE, NULL },
		{ S_IFREG | 0666, 1000, 1000, TRUE, "writable by everyone (mode 0666)" },
		{ S_IFREG | 0602, 0, 0, TRUE, "writable by everyone" },
		{ S_IFREG | 0664, 1000, 1000, TRUE, NULL },   /* the user's own group */
		{ S_IFREG | 0664, 0, 0, TRUE, NULL },         /* root's */
		{ S_IFREG | 0664, 1000, 50, TRUE, "writable by group 50" },
		{ S_IFREG | 0644, 65534, 1000, TRUE, "owned by user 65534" },
		{ S_IFDIR | 0750, 65534, 65534, FALSE, NULL }, /* a directory's owner is not checked */
		{ S_IFDIR | 0777, 1000, 1000, FALSE, "writable by everyone (mode 0777)" },
		{ S_IFDIR | 01777, 0, 0, FALSE, "writable by everyone (mode 1777)" },
		{ S_IFDIR | 0770, 1000, 50, FALSE, "writable by group 50" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *problem = conf_perms_problem (cases[i].mode, cases[i].uid, cases[i].gid,
		                                               1000, 1000, cases[i].check_owner);

		if (cases[i].problem == NULL) {
			if (problem != NULL)
				fail_msg ("case %zu: unexpected problem: %s", i, problem);
		} else if (problem == NULL || strstr (problem, cases[i].problem) == NULL) {
			fail_msg ("case %zu: expected '%s', got '%s'", i, cases[i].problem,
			          problem != NULL ? problem : "(none)");
		}
	}
}

/* A configuration anyone may write is refused, through a link too. */
static void
test_perms_load (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autofree char *sample_path = g_build_filename (SRCDIR, "samples", "liaison.conf", NULL);
	g_autofree char *text = NULL;
	g_autofree char *path = NULL, *link = NULL;

	assert_true (g_file_get_contents (sample_path, &text, NULL, NULL));
	path = write_file ("perms.conf", text);
	link = g_build_filename (tmpdir, "perms-link.conf", NULL);
	assert_int_equal (symlink (path, link), 0);

	assert_int_equal (chmod (path, 0666), 0);
	config = config_load (link, &error);
	assert_null (config);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG));
	assert_non_null (strstr (error->message, "writable by everyone"));
	g_clear_error (&error);

	assert_int_equal (chmod (path, 0644), 0);
	config = config_load (link, &error);
	assert_non_null (config);
	(void) unlink (link);
	(void) unlink (path);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_name_key),
		cmocka_unit_test (test_perms_rule),
		cmocka_unit_test (test_perms_load),
		cmocka_unit_test (test_mailbox_parse),
		cmocka_unit_test (test_mailbox_format),
		cmocka_unit_test (test_sample),
		cmocka_unit_test (test_find),
		cmocka_unit_test (test_find_by_address),
		cmocka_unit_test (test_defaults),
		cmocka_unit_test (test_values),
		cmocka_unit_test (test_relative_paths),
		cmocka_unit_test (test_errors),
		cmocka_unit_test (test_problems),
		cmocka_unit_test (test_bad_values_keep_defaults),
		cmocka_unit_test (test_check),
		cmocka_unit_test (test_default_path),
		cmocka_unit_test (test_resolve),
		cmocka_unit_test (test_resolve_forwarded),
		cmocka_unit_test (test_resolve_again),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
