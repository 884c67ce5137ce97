/* test-outbox.c: the outbox in the store and its hand-over loop, with a
 * scripted transport: claims are exclusive, an accepted message is never
 * handed over again, a deferred one waits for its next attempt, refusals
 * and give-ups mark routes failed, interrupted claims wait for a decision.
 * Then the reading of bounces (DSNs and older ones). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "stages/bounce.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "input/message.h"
#include "outbound/outbox.h"
#include "store/spool.h"
#include "base/statement.h"
#include "store/store.h"
#include "outbound/transport.h"
#include "testlib.h"

#define T0 "2026-03-02T10:00:00Z"

/* ---------------------------------------------------------------------- */
/* A transport that answers from a script and counts what it was given. */

typedef enum { ACCEPT, DEFER, REFUSE, ACCEPT_ONE_REFUSED } Answer;

typedef struct {
	Transport parent;
	const Answer *script;
	guint n_script;
	guint calls;
	GPtrArray *handed;       /* char*: "sender|rcpt,rcpt" per call */
} FakeTransport;

static gboolean
fake_send (Transport *transport, const char *sender, GPtrArray *recipients, const char *path,
           guint timeout, GPtrArray *refused, GError **error)
{
	FakeTransport *t = (FakeTransport *) transport;
	Answer answer = t->calls < t->n_script ? t->script[t->calls] : ACCEPT;
	GString *line = g_string_new (sender);

	t->calls++;
	for (guint i = 0; i < recipients->len; i++)
		g_string_append_printf (line, "%c%s", i == 0 ? '|' : ',',
		                        (const char *) g_ptr_array_index (recipients, i));
	g_ptr_array_add (t->handed, g_string_free (line, FALSE));
	assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
	switch (answer) {
	case ACCEPT:
		return TRUE;
	case ACCEPT_ONE_REFUSED:
		g_ptr_array_add (refused, g_strdup (g_ptr_array_index (recipients, 0)));
		return TRUE;
	case DEFER:
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "sendmail exited with status 75");
		return FALSE;
	case REFUSE:
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "550 no such user");
		return FALSE;
	}
	return FALSE;
}

static void
fake_free (Transport *transport)
{
	FakeTransport *t = (FakeTransport *) transport;

	g_ptr_array_unref (t->handed);
	g_free (t);
}

static const TransportClass fake_class = { "fake", fake_send, fake_free, NULL, NULL };

static FakeTransport *
fake_new (const Answer *script, guint n)
{
	FakeTransport *t = g_new0 (FakeTransport, 1);

	t->parent.klass = &fake_class;
	t->script = script;
	t->n_script = n;
	t->handed = g_ptr_array_new_with_free_func (g_free);
	return t;
}

/* ---------------------------------------------------------------------- */
/* Fixture: a store with one statement and one queued forward to two
 * addresses, and one address that already received the original. */

typedef struct {
	char *dir;
	Config config;
	Store *store;
	gint64 row;              /* the outbox row */
} Fixture;

static void
check (gboolean ok, GError *error)
{
	if (!ok)
		fail_msg ("%s", error != NULL ? error->message : "failed");
}

static int
setup (void **state)
{
	Fixture *f = g_new0 (Fixture, 1);
	g_autoptr (GError) error = NULL;
	g_autoptr (Statement) s = statement_new ();
	g_autofree char *db = NULL;
	g_autofree char *tmp = NULL;
	g_autofree char *sha = NULL;
	StoreMessage m = { 0 };
	StoreOutgoing out = { 0 };
	gboolean created;
	gint64 row;

	gmime_util_init ();
	f->dir = g_dir_make_tmp ("test-outbox-XXXXXX", &error);
	assert_non_null (f->dir);
	f->config.spool = g_build_filename (f->dir, "spool", NULL);
	f->config.address = (char *) "statements@example.org";
	db = g_build_filename (f->dir, "liaison.db", NULL);
	f->store = store_open (db, 5000, &error);
	check (f->store != NULL, error);

	/* The bytes of the outgoing message, in the spool. */
	check (spool_prepare (f->config.spool, &error), error);
	tmp = g_build_filename (f->config.spool, "tmp", "x", NULL);
	assert_true (g_file_set_contents (tmp, "Subject: x\n\nx\n", -1, NULL));
	sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "Subject: x\n\nx\n", -1);
	check (spool_commit (f->config.spool, "out", tmp, sha, &created, &error), error);
	g_unlink (tmp);
	guard_forget_all ();

	m = (StoreMessage) { .message_id = "orig@itu.int", .dedupe_hash = "h", .raw_sha256 = "r",
	                     .size = 1, .received = T0, .from = "a@itu.int", .subject = "s",
	                     .date = T0, .kind = "statement" };
	s->title = g_strdup ("A statement");
	s->state = STATE_OPEN;
	s->received = g_strdup (T0);
	check (store_begin (f->store, &error), error);
	row = store_add_message (f->store, &m, &error);
	check (row > 0, error);
	check (store_add_statement (f->store, s, row, "LS", &error), error);
	assert_string_equal (s->id, "LS-2026-0001");
	out = (StoreOutgoing) { s->id, row, "forward", "LS-2026-0001.forward@example.org",
	                        "statements@example.org", sha, 14, T0 };
	f->row = store_add_outbox (f->store, &out, &error);
	check (f->row > 0, error);
	check (store_add_route (f->store, s->id, 0, "ccamp@ietf.org", "list", "queued", f->row, T0, &error), error);
	check (store_add_route (f->store, s->id, 1, "dc@example.net", "chair", "queued", f->row, T0, &error), error);
	check (store_add_route (f->store, s->id, 2, "scott@example.com", "manager", "already-received", 0, T0,
	                        &error), error);
	/* Queuing the same message twice is refused. */
	assert_int_equal (store_add_outbox (f->store, &out, NULL), 0);
	check (store_commit (f->store, &error), error);
	*state = f;
	return 0;
}

static int
teardown (void **state)
{
	Fixture *f = *state;

	store_close (f->store);
	testlib_remove_tree (f->dir);
	g_free (f->config.spool);
	g_free (f->dir);
	g_free (f);
	return 0;
}

static char *
route_statuses (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Statement) s = store_get_statement (f->store, "LS-2026-0001", &error);
	GString *out = g_string_new (NULL);

	check (s != NULL, error);
	for (guint i = 0; i < s->routes->len; i++) {
		const StatementRoute *r = g_ptr_array_index (s->routes, i);
		g_string_append_printf (out, "%s%s=%s", i > 0 ? " " : "", r->address, r->status);
	}
	return g_string_free (out, FALSE);
}

static StoreOutbox *
get (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	StoreOutbox *e = store_get_outbox (f->store, f->row, &error);

	check (e != NULL, error);
	return e;
}

static OutboxOptions
at (const char *now)
{
	OutboxOptions o = { 0 };

	o.now = now;
	return o;
}

/* ---------------------------------------------------------------------- */
/* Tests */

static void
test_claim_is_exclusive (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	gboolean a = FALSE, b = TRUE;

	check (store_begin (f->store, &error), error);
	check (store_claim_outbox (f->store, f->row, "token-a", 1, T0, NULL, &a, &error), error);
	check (store_claim_outbox (f->store, f->row, "token-b", 2, T0, NULL, &b, &error), error);
	check (store_commit (f->store, &error), error);
	assert_true (a);
	assert_false (b);

	/* Only the holder of the claim records the outcome. */
	check (store_begin (f->store, &error), error);
	assert_false (store_finish_outbox (f->store, f->row, "token-b", STORE_OUTBOX_SENT, T0, NULL, NULL,
	                                   NULL, "sent", "x", &error));
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
	g_clear_error (&error);
	check (store_finish_outbox (f->store, f->row, "token-a", STORE_OUTBOX_SENT, T0, NULL, NULL,
	                            NULL, "sent", "x", &error), error);
	check (store_commit (f->store, &error), error);
	{
		g_autoptr (StoreOutbox) e = get (f);
		assert_string_equal (e->state, "sent");
		assert_int_equal (e->attempts, 1);
	}
}

static void
test_send_once (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) t = &fake_new (NULL, 0)->parent;
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autofree char *routes = NULL;
	OutboxOptions o = at (T0);
	OutboxStats stats = { 0 };

	g_array_append_val (ids, f->row);
	check (outbox_send (f->store, &f->config, t, ids, &o, &stats, &error), error);
	check (outbox_send (f->store, &f->config, t, ids, &o, &stats, &error), error);
	o.ignore_schedule = TRUE;
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (((FakeTransport *) t)->calls, 1);
	assert_string_equal (g_ptr_array_index (((FakeTransport *) t)->handed, 0),
	                     "statements@example.org|ccamp@ietf.org,dc@example.net");
	assert_int_equal (stats.sent, 1);
	assert_int_equal (stats.skipped, 1);
	routes = route_statuses (f);
	assert_string_equal (routes, "ccamp@ietf.org=sent dc@example.net=sent "
	                             "scott@example.com=already-received");
}

static void
test_deferred_then_sent (void **state)
{
	Fixture *f = *state;
	static const Answer script[] = { DEFER, DEFER, ACCEPT };
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) t = &fake_new (script, G_N_ELEMENTS (script))->parent;
	OutboxOptions o = at (T0);
	OutboxStats stats = { 0 };

	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (stats.deferred, 1);
	{
		g_autoptr (StoreOutbox) e = get (f);
		g_autofree char *routes = route_statuses (f);
		assert_string_equal (e->state, "queued");
		assert_string_equal (e->next_attempt, "2026-03-02T10:05:00Z");
		assert_string_equal (e->last_error, "sendmail exited with status 75");
		assert_string_equal (routes, "ccamp@ietf.org=queued dc@example.net=queued "
		                             "scott@example.com=already-received");
	}
	/* Not yet due. */
	o = at ("2026-03-02T10:04:59Z");
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (((FakeTransport *) t)->calls, 1);
	/* Due: deferred again, for twice as long. */
	o = at ("2026-03-02T10:05:00Z");
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	{
		g_autoptr (StoreOutbox) e = get (f);
		assert_string_equal (e->next_attempt, "2026-03-02T10:15:00Z");
	}
	/* --all does not wait. */
	o.ignore_schedule = TRUE;
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (((FakeTransport *) t)->calls, 3);
	assert_int_equal (stats.sent, 1);
	{
		g_autoptr (StoreOutbox) e = get (f);
		g_autoptr (Statement) s = store_get_statement (f->store, "LS-2026-0001", &error);
		guint deferred = 0, sent = 0;
		assert_string_equal (e->state, "sent");
		assert_int_equal (e->attempts, 3);
		for (guint i = 0; i < s->events->len; i++) {
			const Event *ev = g_ptr_array_index (s->events, i);
			deferred += g_strcmp0 (ev->type, "deferred") == 0;
			sent += g_strcmp0 (ev->type, "sent") == 0;
		}
		assert_int_equal (deferred, 2);
		assert_int_equal (sent, 1);
	}
}

static void
test_refused (void **state)
{
	Fixture *f = *state;
	static const Answer script[] = { REFUSE };
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) t = &fake_new (script, 1)->parent;
	g_autofree char *routes = NULL;
	OutboxOptions o = at (T0);
	OutboxStats stats = { 0 };

	o.ignore_schedule = TRUE;
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (stats.failed, 1);
	assert_int_equal (((FakeTransport *) t)->calls, 1);
	routes = route_statuses (f);
	assert_string_equal (routes, "ccamp@ietf.org=failed dc@example.net=failed "
	                             "scott@example.com=already-received");
}

static void
test_one_recipient_refused (void **state)
{
	Fixture *f = *state;
	static const Answer script[] = { ACCEPT_ONE_REFUSED };
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) t = &fake_new (script, 1)->parent;
	g_autofree char *routes = NULL;
	OutboxOptions o = at (T0);
	OutboxStats stats = { 0 };

	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	routes = route_statuses (f);
	assert_string_equal (routes, "ccamp@ietf.org=failed dc@example.net=sent "
	                             "scott@example.com=already-received");
}

static void
test_give_up (void **state)
{
	Fixture *f = *state;
	static const Answer script[] = { DEFER };
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) t = &fake_new (script, 1)->parent;
	OutboxOptions o = at ("2026-03-08T10:00:00Z");
	OutboxStats stats = { 0 };

	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (stats.failed, 1);
	{
		g_autoptr (StoreOutbox) e = get (f);
		assert_string_equal (e->state, "failed");
	}
}

/* A claim whose process died is not handed over again unasked. */
static void
test_interrupted (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) t = &fake_new (NULL, 0)->parent;
	OutboxOptions o = at ("2026-03-02T10:10:00Z");
	OutboxStats stats = { 0 };
	gboolean claimed = FALSE;

	check (store_begin (f->store, &error), error);
	check (store_claim_outbox (f->store, f->row, "dead", 999999, T0, NULL, &claimed, &error), error);
	check (store_commit (f->store, &error), error);
	assert_true (claimed);

	o.ignore_schedule = TRUE;
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (((FakeTransport *) t)->calls, 0);
	{
		g_autoptr (StoreOutbox) e = get (f);
		assert_false (outbox_is_interrupted (e, "2026-03-02T10:10:00Z"));
		assert_true (outbox_is_interrupted (e, "2026-03-02T10:16:00Z"));
	}
	o = at ("2026-03-02T10:16:00Z");
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (((FakeTransport *) t)->calls, 0);
	/* Asked: once, and only once. */
	o.interrupted = TRUE;
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);
	assert_int_equal (((FakeTransport *) t)->calls, 1);
	{
		g_autoptr (StoreOutbox) e = get (f);
		assert_string_equal (e->state, "sent");
	}
}

static void
test_lookup_and_bounce (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autoptr (StoreOutbox) e = store_find_outbox (f->store, "<LS-2026-0001.forward@example.org>", &error);
	g_autoptr (StoreOutbox) none = store_find_outbox (f->store, "orig@itu.int", &error);
	g_autoptr (Transport) t = &fake_new (NULL, 0)->parent;
	g_autofree char *routes = NULL;
	OutboxOptions o = at (T0);
	OutboxStats stats = { 0 };
	gboolean marked = FALSE;

	assert_non_null (e);
	assert_int_equal (e->id, f->row);
	assert_null (none);
	assert_null (error);
	check (outbox_run (f->store, &f->config, t, &o, &stats, &error), error);

	check (store_begin (f->store, &error), error);
	check (store_route_bounced (f->store, f->row, "DC@example.net", T0, "bounced", &marked, &error), error);
	assert_true (marked);
	check (store_route_bounced (f->store, f->row, "scott@example.com", T0, "bounced", &marked, &error),
	       error);
	assert_false (marked);
	check (store_commit (f->store, &error), error);
	routes = route_statuses (f);
	assert_string_equal (routes, "ccamp@ietf.org=sent dc@example.net=failed "
	                             "scott@example.com=already-received");
}

static void
test_backoff (void **state)
{
	(void) state;
	assert_int_equal (outbox_backoff (1), 300);
	assert_int_equal (outbox_backoff (2), 600);
	assert_int_equal (outbox_backoff (3), 1200);
	assert_int_equal (outbox_backoff (7), 14400);
	assert_int_equal (outbox_backoff (50), 14400);
}

/* ---------------------------------------------------------------------- */
/* Bounces */

static const char dsn[] =
	"From: MAILER-DAEMON@mx.example.net\n"
	"To: statements@example.org\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
	"\n"
	"--b\n"
	"Content-Type: text/plain\n"
	"\n"
	"I'm sorry to have to inform you that your message could not be delivered.\n"
	"--b\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example.net\n"
	"\n"
	"Final-Recipient: rfc822; DC@example.net\n"
	"Original-Recipient: rfc822;dc@example.net\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"\n"
	"Final-Recipient: rfc822; ccamp@ietf.org\n"
	"Action: delayed\n"
	"Status: 4.4.1\n"
	"--b\n"
	"Content-Type: text/rfc822-headers\n"
	"\n"
	"From: Liaison <statements@example.org>\n"
	"Message-Id:\n <LS-2026-0001.forward@example.org>\n"
	"Subject: [LS-2026-0001] x\n"
	"--b--\n";

static const char old_bounce[] =
	"From: MAILER-DAEMON@old.example.net\n"
	"Subject: failure notice\n"
	"In-Reply-To: <LS-2026-0001.ack@example.org>\n"
	"\n"
	"<greg@itu.int>: host mx.itu.int said: 550 unknown user\n";

static void
test_bounce_reading (void **state)
{
	g_autoptr (Message) a = testlib_message_from_text (dsn);
	g_autoptr (Message) b = testlib_message_from_text (old_bounce);
	g_autoptr (GPtrArray) ids_a = bounce_message_ids (a);
	g_autoptr (GPtrArray) ids_b = bounce_message_ids (b);
	gboolean is_dsn = FALSE;
	g_autoptr (GPtrArray) failed_a = bounce_failed_recipients (a, &is_dsn);
	g_autoptr (GPtrArray) failed_b = NULL;
	g_autofree char *text = bounce_text (b);

	(void) state;
	assert_int_equal (ids_a->len, 1);
	assert_string_equal (g_ptr_array_index (ids_a, 0), "LS-2026-0001.forward@example.org");
	assert_true (is_dsn);
	assert_int_equal (failed_a->len, 1);
	assert_string_equal (g_ptr_array_index (failed_a, 0), "dc@example.net");

	assert_int_equal (ids_b->len, 1);
	assert_string_equal (g_ptr_array_index (ids_b, 0), "LS-2026-0001.ack@example.org");
	failed_b = bounce_failed_recipients (b, &is_dsn);
	assert_false (is_dsn);
	assert_int_equal (failed_b->len, 0);
	assert_non_null (strstr (text, "greg@itu.int"));

	/* Only what a bounce returns counts as naming our mail: the old
	 * bounce's In-Reply-To does not. */
	{
		g_autoptr (GPtrArray) returned_a = bounce_returned_ids (a);
		g_autoptr (GPtrArray) returned_b = bounce_returned_ids (b);

		assert_int_equal (returned_a->len, 1);
		assert_string_equal (g_ptr_array_index (returned_a, 0), "LS-2026-0001.forward@example.org");
		assert_int_equal (returned_b->len, 0);
	}
}

/* The VERP token a bounce came to: from -e, else from -r when it is our
 * address with +bounce-TOKEN; nothing else. */
static void
test_bounce_token (void **state)
{
	static const struct {
		const char *recipient, *extension, *expected;
	} rows[] = {
		{ "statements+bounce-abcdefghijklmnopqrstuvwxyz@example.org", NULL, "abcdefghijklmnopqrstuvwxyz" },
		{ "Statements+Bounce-ABC234@Example.ORG", NULL, "abc234" },
		{ NULL, "bounce-abc234", "abc234" },
		{ "statements+bounce-abc234@example.org", "ccamp", NULL },   /* -e wins */
		{ "statements@example.org", NULL, NULL },
		{ "statements+ccamp@example.org", NULL, NULL },
		{ "statements+bounce-@example.org", NULL, NULL },
		{ "statements+bounce-abc!1@example.org", NULL, NULL },     /* not base32 */
		{ "other+bounce-abc234@example.org", NULL, NULL },
		{ "statements+bounce-abc234@example.com", NULL, NULL },
		{ "xstatements+bounce-abc234@example.org", NULL, NULL },
		{ NULL, "bounce-", NULL },
		{ NULL, NULL, NULL },
	};

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		g_autoptr (Message) m = testlib_message_from_text (old_bounce);
		g_autofree char *token = NULL;

		m->recipient = g_strdup (rows[i].recipient);
		m->extension = g_strdup (rows[i].extension);
		token = bounce_token (m, "statements@example.org");
		assert_string_equal (token != NULL ? token : "(none)",
		                     rows[i].expected != NULL ? rows[i].expected : "(none)");
	}
}

/* The maildir transport: a file in new/, its first header the envelope,
 * folded when long, and the message after it unchanged. */
static void
test_maildir (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_build_filename (f->dir, "outbox", NULL);
	g_autofree char *new_dir = g_build_filename (dir, "new", NULL);
	g_autofree char *msg = g_build_filename (f->dir, "msg.eml", NULL);
	g_autoptr (Transport) t = transport_maildir_new (dir, &error);
	g_autoptr (GPtrArray) rcpts = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GString) expected = g_string_new (NULL);
	g_autoptr (GDir) d = NULL;
	g_autofree char *path = NULL, *text = NULL, *unfolded = NULL;
	g_auto (GStrv) lines = NULL;
	const char *name;
	guint n = 0;

	check (t != NULL, error);
	for (guint i = 0; i < 100; i++) {
		g_ptr_array_add (rcpts, g_strdup_printf ("recipient-number-%03u@example.org", i));
		g_string_append_printf (expected, "%s%s", i > 0 ? ", " : "",
		                        (const char *) g_ptr_array_index (rcpts, i));
	}
	assert_true (g_file_set_contents (msg, "Subject: x\n\nbody\n", -1, NULL));
	check (transport_send (t, "statements@example.org", rcpts, msg, 0, NULL, &error), error);
	check (transport_send (t, "statements@example.org", rcpts, msg, 0, NULL, &error), error);
	d = g_dir_open (new_dir, 0, NULL);
	assert_non_null (d);
	while ((name = g_dir_read_name (d)) != NULL) {
		n++;
		g_free (path);
		path = g_build_filename (new_dir, name, NULL);
	}
	assert_int_equal (n, 2);
	assert_true (g_file_get_contents (path, &text, NULL, NULL));
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++)
		assert_true (strlen (lines[i]) <= 998);
	assert_true (g_str_has_suffix (text, "\nReturn-Path: <statements@example.org>\nSubject: x\n\nbody\n"));
	unfolded = g_strndup (text, strstr (text, "\nReturn-Path: ") - text);
	{
		g_autoptr (GRegex) fold = g_regex_new ("\n ", 0, 0, NULL);
		g_autofree char *joined = g_regex_replace_literal (fold, unfolded, -1, 0, " ", 0, NULL);
		g_autofree char *want = g_strdup_printf ("X-Liaison-Envelope-To: %s", expected->str);
		assert_string_equal (joined, want);
	}
}

/* The maildir transport in a group: the messages wait in tmp/ until the
 * group commits, then all are in new/; a group never committed leaves
 * nothing behind. */
static void
test_maildir_group (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_build_filename (f->dir, "outbox", NULL);
	g_autofree char *new_dir = g_build_filename (dir, "new", NULL);
	g_autofree char *tmp_dir = g_build_filename (dir, "tmp", NULL);
	g_autofree char *msg = g_build_filename (f->dir, "msg.eml", NULL);
	g_autoptr (GPtrArray) rcpts = g_ptr_array_new_with_free_func (g_free);
	Transport *t = transport_maildir_new (dir, &error);

	check (t != NULL, error);
	assert_true (transport_groups (t));
	g_ptr_array_add (rcpts, g_strdup ("a@example.org"));
	assert_true (g_file_set_contents (msg, "Subject: x\n\nbody\n", -1, NULL));

	assert_true (transport_group_begin (t));
	for (guint i = 0; i < 3; i++)
		check (transport_send (t, "statements@example.org", rcpts, msg, 0, NULL, &error), error);
	assert_int_equal (testlib_count_files (new_dir), 0);
	assert_int_equal (testlib_count_files (tmp_dir), 3);
	check (transport_group_commit (t, &error), error);
	assert_int_equal (testlib_count_files (new_dir), 3);
	assert_int_equal (testlib_count_files (tmp_dir), 0);

	/* Alone again: each send is in new/ when it returns. */
	check (transport_send (t, "statements@example.org", rcpts, msg, 0, NULL, &error), error);
	assert_int_equal (testlib_count_files (new_dir), 4);

	/* A group that never commits was never accepted. */
	assert_true (transport_group_begin (t));
	check (transport_send (t, "statements@example.org", rcpts, msg, 0, NULL, &error), error);
	assert_int_equal (testlib_count_files (tmp_dir), 1);
	transport_free (t);
	assert_int_equal (testlib_count_files (new_dir), 4);
	assert_int_equal (testlib_count_files (tmp_dir), 0);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown (test_claim_is_exclusive, setup, teardown),
		cmocka_unit_test_setup_teardown (test_send_once, setup, teardown),
		cmocka_unit_test_setup_teardown (test_deferred_then_sent, setup, teardown),
		cmocka_unit_test_setup_teardown (test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown (test_one_recipient_refused, setup, teardown),
		cmocka_unit_test_setup_teardown (test_give_up, setup, teardown),
		cmocka_unit_test_setup_teardown (test_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown (test_lookup_and_bounce, setup, teardown),
		cmocka_unit_test_setup_teardown (test_maildir, setup, teardown),
		cmocka_unit_test_setup_teardown (test_maildir_group, setup, teardown),
		cmocka_unit_test (test_backoff),
		cmocka_unit_test (test_bounce_reading),
		cmocka_unit_test (test_bounce_token),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
