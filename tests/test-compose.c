/* test-compose.c: the messages we send, as golden files. Each case attaches
 * tests/data/compose/NAME.eml to what it composes for a statement built by
 * hand (with the clock, the id and the boundary seed fixed) and compares
 * every message of the plan, serialised, with NAME.expected.
 * LIAISON_UPDATE_GOLDEN=1 rewrites the expected files (review the diff).
 * Then the header-injection checks: values carrying CR LF and "Bcc:" never
 * make a header or a recipient. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "stages/compose.h"
#include "base/conf.h"
#include "base/gmime-util.h"
#include "input/message.h"
#include "stages/route.h"
#include "stages/extract.h"
#include "stages/submit.h"
#include "base/statement.h"
#include "testlib.h"

static const char config_text[] =
	"[liaison]\n"
	"address = statements@example.org\n"
	"name = Liaison Statement Processor\n"
	"database = liaison.db\n"
	"spool = spool\n"
	"triage = liaison-coordination@example.org\n"
	"archive = statements-archive@example.org\n"
	"[org ITU-T SG15]\n"
	/* The response contact of the reminder's statement writes from
	 * example.com: a domain of the organization here. */
	"domains = itu.int;example.com\n"
	"managers = Scott Mansfield <scott.mansfield@example.com>\n"
	"[org ITU-T SG13]\n"
	"managers = Scott Mansfield <scott.mansfield@example.com>\n"
	"[org BBF]\n"
	"aliases = Broadband Forum\n"
	"managers = Maria Santos <maria.santos@example.com>\n"
	"[group ccamp]\n"
	"name = Common Control and Measurement Plane\n"
	"list = ccamp@ietf.org\n"
	"chairs = Daniele Ceccarelli <dc@example.net>;Fatai Zhang <fz@example.net>\n"
	"ads = John Scudder <jgs@example.org>\n"
	"[group mpls]\n"
	"name = Multiprotocol Label Switching\n"
	"list = mpls@ietf.org\n"
	"chairs = Omar Haddad <ohaddad@example.net>\n"
	"ads = Helen Park <hpark@example.org>\n";

typedef struct {
	const char *name;            /* tests/data/compose/NAME.eml, NAME.expected */
	const char *title;
	const char *from_org;
	const char *from_contact;
	const char *groups;          /* ";"-separated keys */
	const char *to_contacts;     /* ";"-separated */
	const char *cc;
	const char *response;
	const char *technical;
	Purpose purpose;
	const char *submitted;
	const char *deadline;
	const char *url;
	const char *body;
	const char *hold_reason;
	const char *sender;          /* who gets the acknowledgement */
	const char *attachment;      /* "name;type;size", or NULL */
} ComposeCase;

static const ComposeCase cases[] = {
	{ "datatracker", "LS on OTN control plane extensions for 800G and 1.6T interfaces",
	  "ITU-T SG15", "Greg Jones <greg.jones@example.com>", "ccamp",
	  "Daniele Ceccarelli <dc@example.net>;Fatai Zhang <fz@example.net>",
	  "Scott Mansfield <scott.mansfield@example.com>;ccamp-chairs@ietf.org",
	  "Greg Jones <greg.jones@example.com>",
	  "Hiroshi Sato <hiroshi.sato@example.jp>;Emma Wright <emma.wright@example.co.uk>",
	  PURPOSE_ACTION, "2026-10-02", "2026-12-15", "https://datatracker.ietf.org/liaison/2101/",
	  "ITU-T Study Group 15 thanks the IETF CCAMP working group.\n\nSG15 kindly asks CCAMP to "
	  "review the new containers and tributary slot granularities defined in G.709 Amendment 1.",
	  NULL, "TSB SG15 <tsbsg15@itu.int>", "G.709-Amd1.pdf;application/pdf;183211" },
	{ "non-ascii", "LS on IMT-2030 transport requirements \xe2\x80\x93 update from Q6/13",
	  "ITU-T SG13", "J\xc3\xbcrgen M\xc3\xbcller <juergen.mueller@example.de>", "mpls",
	  "mpls-chairs@ietf.org", NULL,
	  "\xc5\x81ukasz Nowak <lukasz.nowak@example.pl>", "\xe6\x9c\xa8\xe6\x9d\x91 \xe5\x81\xa5 <ken.kimura@example.jp>",
	  PURPOSE_INFORMATION, "2026-06-22", NULL, NULL,
	  "ITU-T Study Group 13 informs the IETF MPLS working group \xe2\x80\x94 f\xc3\xbcr Ihre Information.",
	  NULL, "J\xc3\xbcrgen M\xc3\xbcller <juergen.mueller@example.de>", NULL },
	{ "held", "LS on YANG models for access network slicing", "BBF",
	  "Robert Hale <robert.hale@example.com>", NULL, "Network Modeling (netmod-chairs@ietf.org)",
	  "Maria Santos <maria.santos@example.com>", NULL, NULL, PURPOSE_ACTION, "2026-09-03",
	  "2026-12-18", "https://datatracker.ietf.org/liaison/2088/",
	  "The Broadband Forum is developing YANG models for slicing of fixed access networks.",
	  "unresolved destination group: To: Network Modeling (netmod)", NULL, NULL },
	/* Values as a careless extractor might leave them: compose cleans
	 * them itself. */
	{ "injection", "LS on OTN\r\nBcc: evil@example.com", "ITU-T SG15",
	  "Greg Jones\r\nBcc: evil@example.com <greg.jones@itu.int>", "ccamp",
	  "Dc\r\nBcc: evil@example.com <dc@example.net>", "x\r\nBcc: evil@example.com",
	  "r\nBcc: evil@example.com", "t\rBcc: evil@example.com", PURPOSE_ACTION, "2026-03-02",
	  NULL, NULL, "Hello.\r\nBcc: evil@example.com\r\n", NULL,
	  "\"Greg Jones\r\nBcc: evil@example.com\" <greg.jones@itu.int>", NULL },
};

static char *tmpdir;

static Config *
load_config (void)
{
	return testlib_load_config (tmpdir, config_text);
}

static void
split_into (const char *text, GPtrArray *out)
{
	g_auto (GStrv) parts = NULL;

	if (text == NULL)
		return;
	parts = g_strsplit (text, ";", -1);
	for (guint i = 0; parts[i] != NULL; i++)
		if (*parts[i] != '\0')
			g_ptr_array_add (out, g_strdup (parts[i]));
}

static Statement *
statement_for (const ComposeCase *c, const char *message_id)
{
	Statement *s = statement_new ();

	s->id = g_strdup ("LS-2026-0007");
	s->received = g_strdup ("2026-03-02T10:11:12Z");
	s->message_id = g_strdup (message_id);
	s->title = g_strdup (c->title);
	s->from_org = g_strdup (c->from_org);
	s->from_contact = g_strdup (c->from_contact);
	split_into (c->groups, s->groups);
	split_into (c->to_contacts, s->to_contacts);
	split_into (c->cc, s->cc);
	split_into (c->response, s->response_contacts);
	split_into (c->technical, s->technical_contacts);
	s->purpose = c->purpose;
	s->submitted = g_strdup (c->submitted);
	s->deadline = g_strdup (c->deadline);
	s->url = g_strdup (c->url);
	s->body = g_strdup (c->body);
	s->hold_reason = g_strdup (c->hold_reason);
	s->state = c->hold_reason != NULL ? STATE_HELD : STATE_OPEN;
	if (c->attachment != NULL) {
		g_auto (GStrv) parts = g_strsplit (c->attachment, ";", 3);
		Attachment *a = g_new0 (Attachment, 1);
		a->filename = g_strdup (parts[0]);
		a->content_type = g_strdup (parts[1]);
		a->size = g_ascii_strtoll (parts[2], NULL, 10);
		a->sha256 = g_strdup ("00");
		g_ptr_array_add (s->attachments, a);
	}
	return s;
}

static Message *
open_original (const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *file = g_strdup_printf ("%s.eml", name);
	g_autofree char *path = g_build_filename (SRCDIR, "tests", "data", "compose", file, NULL);
	Message *message = message_open_file (path, 1 << 24, &error);

	if (message == NULL)
		fail_msg ("%s: %s", path, error->message);
	return message;
}

static char *
serialise (GMimeMessage *mime)
{
	g_autoptr (GMimeFormatOptions) options = g_mime_format_options_new ();

	g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_UNIX);
	return g_mime_object_to_string (GMIME_OBJECT (mime), options);
}

/* Every message the case's plan calls for, composed. Array of
 * GMimeMessage* in the order forward, ack, held. */
static GPtrArray *
compose_case_with_id (const Config *config, const ComposeCase *c, Message *original,
                      const char *message_id, Statement **out)
{
	GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);
	g_autoptr (GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (Address) sender = c->sender != NULL ? address_parse (c->sender) : NULL;
	g_autoptr (RoutePlan) plan = NULL;
	Statement *s = statement_for (c, message_id);
	RouteOriginal ro = { received, sender, FALSE };
	ComposeInput input;

	/* An unparsable sender (the injection case's) is composed from its
	 * parts, as deliver would never do, to test compose alone. */
	if (sender == NULL && c->sender != NULL) {
		sender = g_new0 (Address, 1);
		sender->name = g_strdup ("Greg Jones\r\nBcc: evil@example.com");
		sender->address = g_strdup ("greg.jones@itu.int");
		ro.sender = sender;
	}
	g_ptr_array_add (received, g_strdup ("statements@example.org"));
	plan = route_plan (s, config, &ro);
	input = (ComposeInput) { s, plan, original->mime, "2026-03-02T10:11:13Z",
	                         "0123456789abcdef0123456789abcdef" };
	for (int m = 0; m < ROUTE_N_MESSAGES; m++) {
		GMimeMessage *mime = compose_message (config, &input, (RouteMessage) m);
		if (mime != NULL)
			g_ptr_array_add (messages, mime);
	}
	*out = s;
	return messages;
}

/* The same, for the original's own Message-ID. */
static GPtrArray *
compose_case (const Config *config, const ComposeCase *c, Message *original, Statement **out)
{
	return compose_case_with_id (config, c, original, original->message_id, out);
}

static void
test_golden (void **state)
{
	g_autoptr (Config) config = load_config ();
	gboolean update = g_strcmp0 (g_getenv ("LIAISON_UPDATE_GOLDEN"), "1") == 0;

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		const ComposeCase *c = &cases[i];
		g_autoptr (Message) original = open_original (c->name);
		g_autoptr (Statement) s = NULL;
		g_autoptr (GPtrArray) messages = compose_case (config, c, original, &s);
		g_autoptr (GString) got = g_string_new (NULL);
		g_autofree char *file = g_strdup_printf ("%s.expected", c->name);
		g_autofree char *path = g_build_filename (SRCDIR, "tests", "data", "compose", file, NULL);
		g_autofree char *expected = NULL;

		for (guint j = 0; j < messages->len; j++) {
			g_autofree char *text = serialise (g_ptr_array_index (messages, j));
			g_string_append_printf (got, "=== message %u ===\n%s", j + 1, text);
		}
		if (update)
			assert_true (g_file_set_contents (path, got->str, (gssize) got->len, NULL));
		if (!g_file_get_contents (path, &expected, NULL, NULL))
			fail_msg ("%s: missing (LIAISON_UPDATE_GOLDEN=1 writes it)", path);
		if (strcmp (expected, got->str) != 0) {
			g_autofree char *actual = g_strdup_printf ("%s/%s.actual", tmpdir, c->name);
			g_file_set_contents (actual, got->str, -1, NULL);
			fail_msg ("%s differs from %s; see %s (kept until the test ends)", c->name, path, actual);
		}
	}
}

/* Our forward's Message-ID for LS-2026-0007 under TESTLIB_SECRET. */
#define FORWARD_ID "LS-2026-0007.oizhtcyovihwho2ww56j5ly635@example.org"

/* Composing twice gives the same bytes; the Message-IDs are ours. */
static void
test_deterministic (void **state)
{
	g_autoptr (Config) config = load_config ();
	g_autoptr (Message) original = open_original ("datatracker");
	g_autoptr (Statement) s1 = NULL, s2 = NULL;
	g_autoptr (GPtrArray) a = compose_case (config, &cases[0], original, &s1);
	g_autoptr (GPtrArray) b = compose_case (config, &cases[0], original, &s2);
	g_autofree char *id = compose_message_id (config, "LS-2026-0007", ROUTE_MESSAGE_FORWARD);

	(void) state;
	assert_int_equal (a->len, 2);
	assert_int_equal (b->len, 2);
	for (guint i = 0; i < a->len; i++) {
		g_autofree char *x = serialise (g_ptr_array_index (a, i));
		g_autofree char *y = serialise (g_ptr_array_index (b, i));
		assert_string_equal (x, y);
	}
	assert_string_equal (id, FORWARD_ID);
	assert_string_equal (g_mime_message_get_message_id (g_ptr_array_index (a, 0)), id);
	assert_string_equal (g_mime_message_get_message_id (g_ptr_array_index (a, 1)),
	                     "LS-2026-0007.6y5zmcf42prbibp4awadvxlqbj@example.org");
}

/* Our Message-IDs and VERP tokens under TESTLIB_SECRET, as an independent
 * implementation computes them: HMAC-SHA256 keyed with the secret's text,
 * the first 26 base32 digits (Python: base64.b32encode (hmac.new (key,
 * text, sha256).digest ())[:26].lower ()). */
static void
test_keyed_ids (void **state)
{
	g_autoptr (Config) config = load_config ();
	g_autoptr (Config) other = load_config ();
	g_autofree char *forward = compose_message_id (config, "LS-2026-0007", ROUTE_MESSAGE_FORWARD);
	g_autofree char *again = compose_message_id (config, "LS-2026-0007", ROUTE_MESSAGE_FORWARD);
	g_autofree char *held = compose_message_id (config, "LS-2026-0007", ROUTE_MESSAGE_HELD);
	g_autofree char *other_forward = NULL, *other_reminder = NULL, *other_verp = NULL;
	g_autofree char *reminder = compose_reminder_id (config, "LS-2026-0007", 7);
	g_autofree char *token = compose_bounce_token (config, forward);
	g_autofree char *verp = compose_bounce_address (config, forward);
	g_autofree char *verp_of_token = compose_verp_address (config, token);

	(void) state;
	/* Stable: the same inputs and secret give the same id. */
	assert_string_equal (forward, FORWARD_ID);
	assert_string_equal (again, forward);
	assert_string_equal (held, "LS-2026-0007.4luwxu32hqebcohmmjz55ozmyt@example.org");
	/* Not today's unkeyed forms, which anyone could compute. */
	assert_string_not_equal (forward, "LS-2026-0007.forward@example.org");
	assert_string_not_equal (reminder, "LS-2026-0007.remind-before-7@example.org");
	assert_null (strstr (forward, "forward"));
	/* The envelope sender of the forward. */
	assert_string_equal (token, "iyydluyrxodlvwpq5qmoyfimg6");
	assert_string_equal (verp, "statements+bounce-iyydluyrxodlvwpq5qmoyfimg6@example.org");
	assert_string_equal (verp_of_token, verp);

	/* Another secret: every id and token differs. */
	g_strlcpy (other->secret, "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	           sizeof other->secret);
	other_forward = compose_message_id (other, "LS-2026-0007", ROUTE_MESSAGE_FORWARD);
	other_reminder = compose_reminder_id (other, "LS-2026-0007", 7);
	other_verp = compose_bounce_address (other, forward);
	assert_string_not_equal (other_forward, forward);
	assert_true (g_str_has_prefix (other_forward, "LS-2026-0007."));
	assert_true (g_str_has_suffix (other_forward, "@example.org"));
	assert_string_not_equal (other_reminder, reminder);
	assert_string_not_equal (other_verp, verp);
	/* Different kinds, different ids. */
	assert_string_not_equal (held, forward);
}

/* What we put in a header: never an encoded-word that a reader decodes
 * into control characters. Each row: the text given, and what
 * compose_header_text() makes of it. */
static const struct {
	const char *text, *expected;
} header_text_cases[] = {
	{ "LS on OTN control plane", "LS on OTN control plane" },
	{ "J\xc3\xbcrgen M\xc3\xbcller", "J\xc3\xbcrgen M\xc3\xbcller" },
	{ "line\r\nFake: header", "line Fake: header" },
	/* Taken literally from a label: decoded, its CR LF cleaned. */
	{ "=?utf-8?q?a=0D=0AFake: header?=", "a Fake: header" },
	{ "x =?us-ascii?b?dGVzdA0KWC1FdmlsOiAx?= y", "x test X-Evil: 1 y" },
	/* Encoded twice: decoded until nothing is left to decode. */
	{ "=?utf-8?q?=3D=3Futf-8=3Fq=3Fb=3D0A=3D0Dc=3F=3D?=", "b c" },
	/* Not an encoded-word, but a lenient reader might make one of it. */
	{ "a =? b ?= c", "a = ? b ?= c" },
	{ "=?utf-8?x?broken?=", "= ?utf-8?x?broken?=" },
	{ NULL, "" },
};

/* Each case, and each as the Subject of a message written out and parsed
 * back: what a reader decodes has no control character. */
static void
test_header_text (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (header_text_cases); i++) {
		g_autofree char *got = compose_header_text (header_text_cases[i].text);
		g_autoptr (GMimeMessage) mime = g_mime_message_new (FALSE);
		g_autofree char *written = NULL;
		g_autoptr (GMimeStream) stream = NULL;
		g_autoptr (GMimeParser) parser = NULL;
		g_autoptr (GMimeMessage) back = NULL;
		const char *read_back;

		assert_string_equal (got, header_text_cases[i].expected);
		assert_null (strstr (got, "=?"));
		g_mime_message_set_subject (mime, got, "utf-8");
		written = g_mime_object_to_string (GMIME_OBJECT (mime), NULL);
		stream = g_mime_stream_mem_new_with_buffer (written, strlen (written));
		parser = g_mime_parser_new_with_stream (stream);
		back = g_mime_parser_construct_message (parser, NULL);
		assert_non_null (back);
		read_back = g_mime_message_get_subject (back);
		assert_string_equal (read_back != NULL ? read_back : "", got);
		for (const char *p = got; *p; p++)
			assert_true ((unsigned char) *p >= 0x20 && *p != 0x7f);
	}
}

/* A very long Message-ID of the original (900 characters) still gives our
 * forward In-Reply-To and References, folded within RFC 5322's lines. */
static void
test_long_reference (void **state)
{
	g_autoptr (Config) config = load_config ();
	g_autoptr (Message) original = open_original ("datatracker");
	g_autoptr (Statement) s = NULL;
	g_autoptr (GPtrArray) out = NULL;
	g_autofree char *local = g_strnfill (888, 'r');
	g_autofree char *id = g_strdup_printf ("%s@example.net", local);
	g_autofree char *ref = g_strdup_printf ("<%s>", id);
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;

	(void) state;
	out = compose_case_with_id (config, &cases[0], original, id, &s);
	assert_true (out->len >= 1);
	text = serialise (g_ptr_array_index (out, 0));
	assert_string_equal (g_mime_object_get_header (GMIME_OBJECT (g_ptr_array_index (out, 0)), "In-Reply-To"), ref);
	assert_non_null (strstr (text, "In-Reply-To:\n <"));
	assert_non_null (strstr (text, "References:\n <"));
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++)
		assert_true (strlen (lines[i]) <= 998);
}

static gboolean
list_has (InternetAddressList *list, const char *needle)
{
	for (int i = 0; list != NULL && i < internet_address_list_length (list); i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		g_autofree char *text = internet_address_to_string (ia, NULL, FALSE);
		if (strstr (text, needle) != NULL && INTERNET_ADDRESS_IS_MAILBOX (ia) &&
		    strstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), needle) != NULL)
			return TRUE;
	}
	return FALSE;
}

/* Every message of the injection case, serialised and parsed back: the
 * same headers as any other message, no Bcc, and evil@example.com in no
 * address field. */
static void
test_injection (void **state)
{
	static const char *const headers[] = {
		"From", "To", "Cc", "Subject", "Date", "Message-Id", "In-Reply-To", "References",
		"Auto-Submitted", "X-Loop", "X-Liaison-Id", "MIME-Version", "Content-Type",
		"Content-Transfer-Encoding", NULL
	};
	g_autoptr (Config) config = load_config ();
	g_autoptr (Message) original = open_original ("injection");
	g_autoptr (Statement) s = NULL;
	g_autoptr (GPtrArray) messages = NULL;
	const ComposeCase *c = &cases[G_N_ELEMENTS (cases) - 1];

	(void) state;
	assert_string_equal (c->name, "injection");
	/* A Message-ID that would end the angle brackets is not referred to. */
	g_free (original->message_id);
	original->message_id = g_strdup ("x@y>\r\nBcc: evil@example.com");
	messages = compose_case (config, c, original, &s);
	assert_int_equal (messages->len, 2);
	for (guint i = 0; i < messages->len; i++) {
		g_autofree char *text = serialise (g_ptr_array_index (messages, i));
		g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
		g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
		g_autoptr (GMimeMessage) back = g_mime_parser_construct_message (parser, NULL);
		GMimeHeaderList *list;
		g_autofree char *head = NULL;
		const char *end;

		assert_non_null (back);
		list = g_mime_object_get_header_list (GMIME_OBJECT (back));
		for (int h = 0; h < g_mime_header_list_get_count (list); h++) {
			const char *name = g_mime_header_get_name (g_mime_header_list_get_header_at (list, h));
			gboolean known = FALSE;
			for (guint k = 0; headers[k] != NULL; k++)
				known = known || g_ascii_strcasecmp (name, headers[k]) == 0;
			if (!known)
				fail_msg ("message %u has a header %s:\n%s", i + 1, name, text);
		}
		assert_null (g_mime_object_get_header (GMIME_OBJECT (back), "In-Reply-To"));
		assert_false (list_has (g_mime_message_get_addresses (back, GMIME_ADDRESS_TYPE_TO), "evil"));
		assert_false (list_has (g_mime_message_get_addresses (back, GMIME_ADDRESS_TYPE_CC), "evil"));
		assert_false (list_has (g_mime_message_get_addresses (back, GMIME_ADDRESS_TYPE_BCC), "evil"));
		assert_false (list_has (g_mime_message_get_addresses (back, GMIME_ADDRESS_TYPE_FROM), "evil"));
		/* No line of the header block starts with Bcc. */
		end = strstr (text, "\n\n");
		assert_non_null (end);
		head = g_strndup (text, (gsize) (end - text));
		assert_null (strstr (head, "\nBcc:"));
		assert_null (strstr (head, "\nbcc:"));
		assert_null (strchr (g_mime_message_get_subject (back), '\n'));
		assert_null (strchr (g_mime_message_get_subject (back), '\r'));
	}
}

static void
test_summary (void **state)
{
	g_autoptr (Config) config = load_config ();
	g_autoptr (Statement) s = statement_for (&cases[0], "a@b");
	g_autofree char *text = compose_summary (config, s);

	(void) state;
	assert_non_null (strstr (text, "\nFrom Group: ITU-T SG15\n"));
	assert_non_null (strstr (text, "\nTo Group: Common Control and Measurement Plane (ccamp)\n"));
	assert_non_null (strstr (text, "\nPurpose: For action\n"));
	assert_non_null (strstr (text, "\nPlease reply by 2026-12-15\n"));
	assert_true (g_str_has_prefix (text, "Title: LS on OTN control plane"));
}

/* What message_foreach_attachment() found: how many attachments, and the
 * last one's filename and decoded bytes. */
typedef struct {
	guint count;
	char *filename;
	GByteArray *bytes;
} Attached;

static void
collect_attachment (GMimePart *part, gpointer data)
{
	Attached *out = data;
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new ();

	g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (part), stream);
	out->count++;
	g_free (out->filename);
	out->filename = g_strdup (g_mime_part_get_filename (part));
	if (out->bytes != NULL)
		g_byte_array_unref (out->bytes);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
	out->bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
}

/* An outgoing statement as its peer gets it is a Datatracker statement
 * that a liaison tool (ours) reads back whole: title, dates, purpose,
 * groups, contacts, body; its document attached as it was submitted, and
 * nothing of the submission mail. */
static void
test_outgoing_read_back (void **state)
{
	g_autoptr (Config) config = load_config ();
	g_autoptr (Statement) s = statement_new ();
	g_autoptr (RoutePlan) plan = NULL;
	g_autoptr (GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (Message) back = NULL;
	g_autoptr (Statement) read = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL, *path = g_build_filename (tmpdir, "outgoing.eml", NULL);
	static const char pdf[] = "%PDF-1.4\n\x01\x02 not text\n%%EOF\n";
	Attached attached = { 0 };
	ComposeInput input = { 0 };

	(void) state;
	s->id = g_strdup ("LS-2026-0009");
	s->direction = DIRECTION_OUTGOING;
	s->title = g_strdup ("Reply to LS on OTN control plane extensions");
	s->from_org = g_strdup ("ccamp");
	g_ptr_array_add (s->groups, g_strdup ("ITU-T SG15"));
	s->purpose = PURPOSE_ACTION;
	s->deadline = g_strdup ("2027-01-15");
	g_ptr_array_add (s->response_contacts, g_strdup ("Daniele Ceccarelli <dc@example.net>"));
	s->body = g_strdup ("CCAMP thanks SG15.\n\nWe ask for the text of G.709 Amendment 1.");
	s->message_id = g_strdup ("submission-1@example.net");
	g_ptr_array_add (documents, compose_document_part ("ccamp-reply.pdf", "application/pdf",
	                                                   pdf, sizeof pdf - 1));
	plan = submit_peer_plan (s, config);
	input = (ComposeInput) { s, plan, NULL, "2026-12-01T09:00:00Z", "seed", NULL, NULL, NULL,
	                         documents };
	mime = compose_message (config, &input, ROUTE_MESSAGE_FORWARD);
	assert_non_null (mime);
	assert_null (g_mime_object_get_header (GMIME_OBJECT (mime), "In-Reply-To"));
	text = serialise (mime);
	assert_null (strstr (text, "message/rfc822"));
	assert_null (strstr (text, "taken"));
	assert_true (g_file_set_contents (path, text, -1, NULL));
	back = message_open_file (path, 1 << 24, &error);
	assert_non_null (back);
	read = extract_statement (back, config);
	assert_non_null (read);
	assert_int_equal (read->layout, LAYOUT_DATATRACKER);
	assert_string_equal (read->title, s->title);
	assert_string_equal (read->submitted, "2026-12-01");
	assert_string_equal (read->deadline, "2027-01-15");
	assert_int_equal (read->purpose, PURPOSE_ACTION);
	assert_string_equal (read->from_org_text, "Common Control and Measurement Plane (ccamp)");
	assert_int_equal (read->to_texts->len, 1);
	assert_string_equal (g_ptr_array_index (read->to_texts, 0), "ITU-T SG15");
	assert_int_equal (read->response_contacts->len, 1);
	assert_string_equal (g_ptr_array_index (read->response_contacts, 0),
	                     "Daniele Ceccarelli <dc@example.net>");
	assert_true (g_str_has_prefix (read->body, "CCAMP thanks SG15."));
	assert_non_null (strstr (read->body, "G.709 Amendment 1."));
	assert_null (strstr (read->body, "Please quote"));
	/* The document, byte for byte, and nothing else attached. */
	message_foreach_attachment (back, collect_attachment, &attached);
	assert_int_equal (attached.count, 1);
	assert_string_equal (attached.filename, "ccamp-reply.pdf");
	assert_int_equal (attached.bytes->len, sizeof pdf - 1);
	assert_memory_equal (attached.bytes->data, pdf, sizeof pdf - 1);
	g_free (attached.filename);
	g_byte_array_unref (attached.bytes);
}

/* The header block of @text, unfolded (each header on one line), between
 * newlines. */
static char *
unfolded_head (const char *text)
{
	const char *end = strstr (text, "\n\n");
	g_autofree char *head = g_strndup (text, end != NULL ? (gsize) (end - text) : strlen (text));
	g_autoptr (GRegex) fold = g_regex_new ("\n[ \t]+", 0, 0, NULL);

	g_autofree char *one = g_regex_replace_literal (fold, head, -1, 0, " ", 0, NULL);

	/* A newline before the first header too, so that "\nFrom: " finds it. */
	return g_strconcat ("\n", one, "\n", NULL);
}

/* Deadline reminders: for the Datatracker case, one a week before and one
 * three days late; their headers, recipients and text, as a golden file
 * (reminder.expected) and as assertions on what SPEC §8 and §9 ask. */
static void
test_reminder (void **state)
{
	static const struct {
		RemindStage stage;
		int days_left;
		const char *subject;
		const char *message_id;
		const char *first_line;
		const char *days_line;
	} rows[] = {
		{ 7, 7, "Subject: [Liaison deadline in one week] LS on OTN control plane extensions for 800G and 1.6T interfaces",
		  "LS-2026-0007.6mguew3isshltvjfuy2p4f464f@example.org",
		  "The deadline of liaison statement LS-2026-0007 is 2026-12-15, in 7 days,\n", "\nDays left: 7\n" },
		{ 7, 6, "Subject: [Liaison deadline in six days] LS on OTN",
		  "LS-2026-0007.6mguew3isshltvjfuy2p4f464f@example.org",
		  "The deadline of liaison statement LS-2026-0007 is 2026-12-15, in 6 days,\n", "\nDays left: 6\n" },
		{ 0, 0, "Subject: [Liaison deadline today] LS on OTN",
		  "LS-2026-0007.hfdtlg2buigemax6xukjuuybpg@example.org",
		  "The deadline of liaison statement LS-2026-0007 is 2026-12-15, today,\n", "\nDays left: 0\n" },
		{ -3, -3, "Subject: [Liaison OUT OF DATE] LS on OTN",
		  "LS-2026-0007.6bory7vwldkba5rdvkourpbn7e@example.org",
		  "The deadline of liaison statement LS-2026-0007 was 2026-12-15, 3 days ago,\n", "\nDays overdue: 3\n" },
	};
	g_autoptr (Config) config = load_config ();
	g_autoptr (Statement) s = statement_for (&cases[0], "177163338812.4321.1029384756@mailgw.itu.int");
	g_autoptr (RoutePlan) plan = route_reminder (s, config, TRUE);
	g_autoptr (GString) golden = g_string_new (NULL);
	g_autofree char *path = g_build_filename (SRCDIR, "tests", "data", "compose", "reminder.expected", NULL);
	g_autofree char *expected = NULL;

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		g_autoptr (GMimeMessage) mime = compose_reminder (config, s, plan, rows[i].stage,
		                                                   rows[i].days_left, "2026-12-08T06:00:00Z");
		g_autoptr (GMimeMessage) again = compose_reminder (config, s, plan, rows[i].stage,
		                                                    rows[i].days_left, "2026-12-08T06:00:00Z");
		g_autofree char *id = compose_reminder_id (config, s->id, rows[i].stage);
		g_autofree char *text = NULL, *text2 = NULL, *head = NULL;
		const char *body;

		assert_non_null (mime);
		text = serialise (mime);
		text2 = serialise (again);
		assert_string_equal (text, text2);
		assert_string_equal (id, rows[i].message_id);
		assert_string_equal (g_mime_message_get_message_id (mime), rows[i].message_id);
		head = unfolded_head (text);
		if (!g_str_has_prefix (strstr (head, "\nSubject: ") + 1, rows[i].subject))
			fail_msg ("row %zu: subject in\n%s", i, head);
		assert_non_null (strstr (head, "\nFrom: Liaison Statement Processor <statements@example.org>\n"));
		assert_non_null (strstr (head, "\nTo: Daniele Ceccarelli <dc@example.net>, Fatai Zhang <fz@example.net>\n"));
		assert_non_null (strstr (head, "\nCc: Scott Mansfield <scott.mansfield@example.com>, "
		                               "Greg Jones <greg.jones@example.com>\n"));
		assert_non_null (strstr (head, "\nIn-Reply-To: <177163338812.4321.1029384756@mailgw.itu.int>\n"));
		assert_non_null (strstr (head, "\nReferences: <177163338812.4321.1029384756@mailgw.itu.int>\n"));
		assert_non_null (strstr (head, "\nAuto-Submitted: auto-generated\n"));
		assert_non_null (strstr (head, "\nX-Loop: statements@example.org\n"));
		assert_non_null (strstr (head, "\nX-Liaison-Id: LS-2026-0007\n"));
		assert_non_null (strstr (head, "\nDate: Tue, 08 Dec 2026 06:00:00 +0000\n"));
		assert_null (strstr (head, "\nBcc:"));
		body = strstr (text, "\n\n") + 2;
		assert_true (g_str_has_prefix (body, rows[i].first_line));
		assert_non_null (strstr (body, "\nTitle: LS on OTN control plane extensions for 800G and 1.6T interfaces\n"));
		assert_non_null (strstr (body, "\nDeadline: 2026-12-15\n"));
		assert_non_null (strstr (body, rows[i].days_line));
		assert_non_null (strstr (body, "\nFrom: ITU-T SG15 (Greg Jones <greg.jones@example.com>)\n"));
		assert_non_null (strstr (body, "\nTo Group: Common Control and Measurement Plane (ccamp)\n"));
		assert_non_null (strstr (body, "\nURL of the IETF Web page: https://datatracker.ietf.org/liaison/2101/\n"));
		assert_non_null (strstr (body, "reply to this message with the word\n`taken` on the first line"));
		assert_null (strstr (body, "liaison taken"));
		/* The original is not attached: a reminder points at it. */
		assert_null (strstr (text, "message/rfc822"));
		g_string_append_printf (golden, "=== reminder %zu ===\n%s", i + 1, text);
	}
	if (g_strcmp0 (g_getenv ("LIAISON_UPDATE_GOLDEN"), "1") == 0)
		assert_true (g_file_set_contents (path, golden->str, (gssize) golden->len, NULL));
	if (!g_file_get_contents (path, &expected, NULL, NULL))
		fail_msg ("%s: missing (LIAISON_UPDATE_GOLDEN=1 writes it)", path);
	assert_string_equal (expected, golden->str);
}

/* A reminder with nobody to send it to is not composed; the injection
 * case's values make no header of their own. */
static void
test_reminder_edges (void **state)
{
	g_autoptr (Config) config = load_config ();
	g_autoptr (Statement) s = statement_for (&cases[G_N_ELEMENTS (cases) - 1], "a@b");
	g_autoptr (RoutePlan) plan = route_reminder (s, config, TRUE);
	g_autoptr (RoutePlan) empty = g_new0 (RoutePlan, 1);
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (GMimeMessage) none = NULL;
	g_autofree char *text = NULL, *head = NULL;

	(void) state;
	empty->routes = g_ptr_array_new ();
	none = compose_reminder (config, s, empty, 7, 7, "2026-12-08T06:00:00Z");
	assert_null (none);
	assert_string_equal (cases[G_N_ELEMENTS (cases) - 1].name, "injection");
	mime = compose_reminder (config, s, plan, -1, -1, "2026-12-08T06:00:00Z");
	assert_non_null (mime);
	text = serialise (mime);
	head = unfolded_head (text);
	assert_null (strstr (head, "\nBcc:"));
	assert_null (strstr (head, "evil@example.com>"));
	assert_null (strchr (g_mime_message_get_subject (mime), '\n'));
	assert_true (g_str_has_prefix (g_mime_message_get_subject (mime), "[Liaison OUT OF DATE] LS on OTN"));
}

/* A follow-up's forward: its numbered Message-ID, its subject and text,
 * as deliver has always worded them. */
static const struct {
	const char *subject, *title;     /* the follow-up's Subject, the statement's title */
	const char *expected;
} follow_up_subject_cases[] = {
	{ "Re: [LS-2026-0007] OTN", "OTN control plane", "Re: [LS-2026-0007] OTN" },
	{ "Re: OTN", "OTN control plane", "[LS-2026-0007] Re: OTN" },
	{ "", "OTN control plane", "[LS-2026-0007] OTN control plane" },
	{ NULL, "[LS-2026-0007] tagged title", "[LS-2026-0007] tagged title" },
	{ NULL, NULL, "[LS-2026-0007] " },
	{ "", "", "[LS-2026-0007] " },
	{ "[LS-2026-0008] another", NULL, "[LS-2026-0007] [LS-2026-0008] another" },
};

static const struct {
	const char *from, *title;
	const char *expected;
} follow_up_text_cases[] = {
	{ "TSB <tsbsg15@itu.int>", "OTN control plane",
	  "A follow-up from TSB <tsbsg15@itu.int> in the thread of liaison statement LS-2026-0007,\n"
	  "\"OTN control plane\".\nThe message is attached.\n" },
	{ NULL, NULL,
	  "A follow-up from  in the thread of liaison statement LS-2026-0007,\n"
	  "\"\".\nThe message is attached.\n" },
	{ "a@x\r\n\tBcc: b@y", "t",
	  "A follow-up from a@x Bcc: b@y in the thread of liaison statement LS-2026-0007,\n"
	  "\"t\".\nThe message is attached.\n" },
};

static void
test_follow_up (void **state)
{
	g_autoptr (Config) config = load_config ();
	g_autofree char *follow_up_id = compose_numbered_id (config, "LS-2026-0007", "follow-up", 42);
	g_autofree char *forward_id = compose_numbered_id (config, "LS-2026-0007", "forward", 3);

	(void) state;
	assert_string_equal (follow_up_id, "LS-2026-0007.de3lroz5f462avvupmzjcbhtzn@example.org");
	assert_string_equal (forward_id, "LS-2026-0007.rmtowkmegzwbqk45lavr7o4npu@example.org");
	for (gsize i = 0; i < G_N_ELEMENTS (follow_up_subject_cases); i++) {
		g_autofree char *subject = compose_follow_up_subject ("LS-2026-0007",
		                                                      follow_up_subject_cases[i].subject,
		                                                      follow_up_subject_cases[i].title);
		assert_string_equal (subject, follow_up_subject_cases[i].expected);
	}
	for (gsize i = 0; i < G_N_ELEMENTS (follow_up_text_cases); i++) {
		g_autoptr (Statement) thread = statement_new ();
		g_autofree char *text = NULL;

		thread->id = g_strdup ("LS-2026-0007");
		thread->title = g_strdup (follow_up_text_cases[i].title);
		text = compose_follow_up_text (thread, follow_up_text_cases[i].from);
		assert_string_equal (text, follow_up_text_cases[i].expected);
	}
}

static int
setup (void **state)
{
	g_autoptr (GError) error = NULL;

	(void) state;
	gmime_util_init ();
	tmpdir = g_dir_make_tmp ("test-compose-XXXXXX", &error);
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
		cmocka_unit_test (test_golden),
		cmocka_unit_test (test_deterministic),
		cmocka_unit_test (test_keyed_ids),
		cmocka_unit_test (test_header_text),
		cmocka_unit_test (test_long_reference),
		cmocka_unit_test (test_injection),
		cmocka_unit_test (test_summary),
		cmocka_unit_test (test_outgoing_read_back),
		cmocka_unit_test (test_reminder),
		cmocka_unit_test (test_reminder_edges),
		cmocka_unit_test (test_follow_up),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
