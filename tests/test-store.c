/* test-store.c: the SQLite store and the spool. Migrations, round trips of
 * every field, id allocation, deduplication, transactions, list filters,
 * the busy timeout, and the content-addressed spool. The test opens the
 * database directly with SQLite only to look at it or to hold its lock. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "base/error.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "store/doctext.h"
#include "store/spool.h"
#include "base/statement.h"
#include "store/store.h"
#include "testlib.h"

/* ---------------------------------------------------------------------- */
/* Fixture: a scratch directory with a database path in it. */

typedef struct {
	char *dir;
	char *db;
} Fixture;

static int
setup (void **state)
{
	Fixture *f = g_new0 (Fixture, 1);
	GError *error = NULL;

	f->dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
	assert_non_null (f->dir);
	f->db = g_build_filename (f->dir, "liaison.db", NULL);
	*state = f;
	return 0;
}

static int
teardown (void **state)
{
	Fixture *f = *state;

	guard_forget_all ();
	testlib_remove_tree (f->dir);
	g_free (f->dir);
	g_free (f->db);
	g_free (f);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Helpers */

static Store *
open_store (const Fixture *f)
{
	g_autoptr (GError) error = NULL;
	Store *store = store_open (f->db, 5000, &error);

	if (store == NULL)
		fail_msg ("store_open: %s", error->message);
	return store;
}

static sqlite3 *
raw_open (const Fixture *f)
{
	sqlite3 *db = NULL;

	assert_int_equal (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout (db, 2000);
	return db;
}

static gint64
raw_int (sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	gint64 value = -1;

	assert_int_equal (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step (st) == SQLITE_ROW)
		value = sqlite3_column_int64 (st, 0);
	sqlite3_finalize (st);
	return value;
}

static void
raw_exec (sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg ("%s: %s", sql, msg);
}

static void
strv_add (GPtrArray *array, const char *const *values)
{
	for (; values != NULL && *values != NULL; values++)
		g_ptr_array_add (array, g_strdup (*values));
}

static void
assert_strv (const GPtrArray *array, const char *const *expected)
{
	guint n = 0;

	assert_non_null (array);
	for (; expected != NULL && expected[n] != NULL; n++) {
		assert_true (n < array->len);
		assert_string_equal (g_ptr_array_index (array, n), expected[n]);
	}
	assert_int_equal (array->len, n);
}

/* Records a message and, when @statement is non-NULL, the statement, in one
 * transaction. Returns the message row. */
static gint64
record (Store *store, const char *message_id, const char *hash, const char *received,
        Statement *statement)
{
	g_autoptr (GError) error = NULL;
	StoreMessage m = {
		.message_id = message_id,
		.dedupe_hash = hash,
		.raw_sha256 = "feedface",
		.size = 1234,
		.received = received,
		.sender = "sender@example.net",
		.recipient = "statements@example.org",
		.extension = NULL,
		.from = "Sender <sender@example.net>",
		.subject = "A statement",
		.date = received,
		.kind = statement != NULL ? "statement" : "other",
		.hold_reason = statement != NULL ? statement->hold_reason : "not a statement",
		.conflict = FALSE,
	};
	gint64 row;

	if (!store_begin (store, &error))
		fail_msg ("store_begin: %s", error->message);
	row = store_add_message (store, &m, &error);
	if (row <= 0)
		fail_msg ("store_add_message: %s", error->message);
	if (statement != NULL && !store_add_statement (store, statement, row, "LS", &error))
		fail_msg ("store_add_statement: %s", error->message);
	if (!store_commit (store, &error))
		fail_msg ("store_commit: %s", error->message);
	return row;
}

/* A small statement for the list and allocation tests. */
static Statement *
make_statement (const char *title, StatementState state, Purpose purpose, const char *org,
                const char *group, const char *deadline, const char *received)
{
	Statement *s = statement_new ();

	s->title = g_strdup (title);
	s->state = state;
	s->purpose = purpose;
	s->layout = LAYOUT_DATATRACKER;
	s->from_org = g_strdup (org);
	s->from_org_text = g_strdup (org);
	if (group != NULL)
		g_ptr_array_add (s->groups, g_strdup (group));
	s->deadline = g_strdup (deadline);
	s->received = g_strdup (received);
	if (state == STATE_HELD)
		s->hold_reason = g_strdup ("destination group unknown");
	return s;
}

static const char *const tables[] = {
	"messages", "statements", "statement_contacts", "statement_groups",
	"statement_refs", "attachments", "events", "routes", "reminders",
};

/* ---------------------------------------------------------------------- */
/* Schema and migrations */

static void
test_migrate_empty_file (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	sqlite3 *db;

	/* An empty file is a database at version 0. */
	assert_true (g_file_set_contents (f->db, "", 0, NULL));
	store = open_store (f);
	assert_true (store_check (store, problems));
	assert_int_equal (problems->len, 0);

	db = raw_open (f);
	assert_int_equal (raw_int (db, "PRAGMA user_version"), store_schema_version ());
	assert_true (store_schema_version () >= 1);
	for (gsize i = 0; i < G_N_ELEMENTS (tables); i++) {
		sqlite3_stmt *st = NULL;
		assert_int_equal (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_schema "
		                                      "WHERE type = 'table' AND name = ?1", -1, &st, NULL),
		                  SQLITE_OK);
		sqlite3_bind_text (st, 1, tables[i], -1, SQLITE_STATIC);
		assert_int_equal (sqlite3_step (st), SQLITE_ROW);
		if (sqlite3_column_int (st, 0) != 1)
			fail_msg ("table %s missing", tables[i]);
		sqlite3_finalize (st);
	}
	/* WAL is a property of the file; foreign keys and synchronous of the
	 * connection, checked through the store's behaviour below. */
	{
		sqlite3_stmt *st = NULL;
		assert_int_equal (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
		assert_int_equal (sqlite3_step (st), SQLITE_ROW);
		assert_string_equal ((const char *) sqlite3_column_text (st, 0), "wal");
		sqlite3_finalize (st);
	}
	sqlite3_close (db);
}

static void
test_migrate_new_file (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = NULL;
	sqlite3 *db;

	assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
	store = open_store (f);
	db = raw_open (f);
	assert_int_equal (raw_int (db, "PRAGMA user_version"), store_schema_version ());
	sqlite3_close (db);
}

static void
test_reopen_runs_no_migration (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	Store *store = open_store (f);
	sqlite3 *db;
	gint64 schema_rows;

	store_close (store);
	db = raw_open (f);
	schema_rows = raw_int (db, "SELECT count(*) FROM sqlite_schema");
	/* Hold the write lock: a migration would need it and time out. */
	raw_exec (db, "BEGIN IMMEDIATE");
	store = store_open (f->db, 100, &error);
	if (store == NULL)
		fail_msg ("reopening needed the write lock: %s", error->message);
	raw_exec (db, "COMMIT");
	assert_int_equal (raw_int (db, "PRAGMA user_version"), store_schema_version ());
	assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema"), schema_rows);
	store_close (store);

	/* A database newer than the program is refused, read-only too. */
	raw_exec (db, "PRAGMA user_version = 999");
	store = store_open (f->db, 100, &error);
	assert_null (store);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
	g_clear_error (&error);
	store = store_open_readonly (f->db, 100, &error);
	assert_null (store);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
	sqlite3_close (db);
}

static void
test_open_readonly (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autoptr (Statement) s = NULL;
	g_autoptr (Statement) got = NULL;
	Store *store;
	StoreMessage m = { .dedupe_hash = "h", .raw_sha256 = "r", .received = "2026-01-01T00:00:00Z",
	                   .kind = "other" };

	/* A missing database is not created. */
	store = store_open_readonly (f->db, 100, &error);
	assert_null (store);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND));
	assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
	g_clear_error (&error);

	store = open_store (f);
	s = make_statement ("Read only", STATE_OPEN, PURPOSE_ACTION, "ITU-T SG15", "ccamp", NULL,
	                    "2026-01-02T03:04:05Z");
	record (store, "ro@example.net", "hash-ro", s->received, s);
	store_close (store);

	/* After the last writer closed (the -wal and -shm files are gone). */
	store = store_open_readonly (f->db, 100, &error);
	if (store == NULL)
		fail_msg ("store_open_readonly: %s", error->message);
	got = store_get_statement (store, "LS-2026-0001", &error);
	assert_non_null (got);
	assert_string_equal (got->title, "Read only");
	/* Writing fails. */
	assert_false (store_begin (store, &error) && store_add_message (store, &m, &error) > 0);
	assert_non_null (error);
	store_rollback (store);
	store_close (store);
}

/* ---------------------------------------------------------------------- */
/* Round trip */

static const char *const to_texts[] = { "IETF CCAMP WG", "IETF TEAS WG", NULL };
static const char *const groups[] = { "ccamp", "teas", NULL };
static const char *const to_contacts[] = { "Daniele <dc@example.net>", "Fatai <fz@example.net>", NULL };
static const char *const cc[] = { "Jim <jim@example.com>", NULL };
static const char *const response[] = { "Resp One <r1@itu.int>", "Resp Two <r2@itu.int>", NULL };
static const char *const technical[] = { "Tech <tech@itu.int>", NULL };
static const char *const references[] = { "ITU-T SG15 LS 123", NULL };
static const char *const others[] = { "SG15-LS123", "COM15-LS45-E", NULL };
static const char *const titles[] = { "LS on OTN", "Annex A", NULL };

static Statement *
full_statement (void)
{
	Statement *s = statement_new ();
	Attachment *a;
	StatementRoute *r;

	s->layout = LAYOUT_ITUT;
	s->title = g_strdup ("LS on OTN \xc3\xa9volution");
	s->submitted = g_strdup ("2026-03-01");
	s->deadline = g_strdup ("2026-05-01");
	s->purpose = PURPOSE_ACTION;
	s->url = g_strdup ("https://datatracker.ietf.org/liaison/1234/");
	s->from_org_text = g_strdup ("ITU-T Study Group 15");
	s->from_org = g_strdup ("ITU-T SG15");
	s->from_contact = g_strdup ("Greg Jones <greg@itu.int>");
	strv_add (s->to_texts, to_texts);
	strv_add (s->groups, groups);
	strv_add (s->to_contacts, to_contacts);
	strv_add (s->cc, cc);
	strv_add (s->response_contacts, response);
	strv_add (s->technical_contacts, technical);
	strv_add (s->references, references);
	strv_add (s->other_identifiers, others);
	strv_add (s->attachment_titles, titles);
	s->body = g_strdup ("Line one.\n\tLine two; it's \"quoted\" -- and %s %d.\n");
	s->state = STATE_OPEN;
	s->action_taken = FALSE;
	s->received = g_strdup ("2026-03-02T10:11:12Z");

	a = g_new0 (Attachment, 1);
	a->filename = g_strdup ("ls-otn.pdf");
	a->content_type = g_strdup ("application/pdf");
	a->size = 123456;
	a->sha256 = g_strdup ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	g_ptr_array_add (s->attachments, a);
	a = g_new0 (Attachment, 1);
	a->filename = g_strdup ("annex.docx");
	a->content_type = g_strdup ("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	a->size = 0;
	a->sha256 = g_strdup ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	g_ptr_array_add (s->attachments, a);

	r = g_new0 (StatementRoute, 1);
	r->address = g_strdup ("ccamp@ietf.org");
	r->role = g_strdup ("list");
	r->status = g_strdup ("sent");
	g_ptr_array_add (s->routes, r);
	r = g_new0 (StatementRoute, 1);
	r->address = g_strdup ("dc@example.net");
	r->role = g_strdup ("chair");
	r->status = g_strdup ("already-received");
	g_ptr_array_add (s->routes, r);
	return s;
}

static void
assert_full_statement (const Statement *got, gboolean everything)
{
	const Attachment *a;
	const StatementRoute *r;

	assert_string_equal (got->id, "LS-2026-0001");
	assert_int_equal (got->layout, LAYOUT_ITUT);
	assert_string_equal (got->title, "LS on OTN \xc3\xa9volution");
	assert_string_equal (got->submitted, "2026-03-01");
	assert_string_equal (got->deadline, "2026-05-01");
	assert_int_equal (got->purpose, PURPOSE_ACTION);
	assert_string_equal (got->url, "https://datatracker.ietf.org/liaison/1234/");
	assert_string_equal (got->from_org_text, "ITU-T Study Group 15");
	assert_string_equal (got->from_org, "ITU-T SG15");
	assert_string_equal (got->from_contact, "Greg Jones <greg@itu.int>");
	assert_strv (got->to_texts, to_texts);
	assert_strv (got->groups, groups);
	assert_strv (got->to_contacts, to_contacts);
	assert_strv (got->cc, cc);
	assert_strv (got->response_contacts, response);
	assert_strv (got->technical_contacts, technical);
	assert_strv (got->references, references);
	assert_strv (got->other_identifiers, others);
	assert_strv (got->attachment_titles, titles);
	assert_null (got->hold_reason);
	assert_int_equal (got->state, STATE_OPEN);
	assert_false (got->action_taken);
	assert_string_equal (got->received, "2026-03-02T10:11:12Z");
	assert_string_equal (got->message_id, "ls1@itu.int");

	assert_int_equal (got->attachments->len, 2);
	a = g_ptr_array_index (got->attachments, 0);
	assert_string_equal (a->filename, "ls-otn.pdf");
	assert_string_equal (a->content_type, "application/pdf");
	assert_int_equal (a->size, 123456);
	assert_string_equal (a->sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	a = g_ptr_array_index (got->attachments, 1);
	assert_string_equal (a->filename, "annex.docx");
	assert_int_equal (a->size, 0);

	assert_int_equal (got->routes->len, 2);
	r = g_ptr_array_index (got->routes, 0);
	assert_string_equal (r->address, "ccamp@ietf.org");
	assert_string_equal (r->role, "list");
	assert_string_equal (r->status, "sent");
	r = g_ptr_array_index (got->routes, 1);
	assert_string_equal (r->status, "already-received");

	if (everything) {
		const ThreadEntry *t;
		const Event *e;

		assert_string_equal (got->body, "Line one.\n\tLine two; it's \"quoted\" -- and %s %d.\n");
		assert_int_equal (got->thread->len, 1);
		t = g_ptr_array_index (got->thread, 0);
		assert_string_equal (t->message_id, "ls1@itu.int");
		assert_string_equal (t->from, "Sender <sender@example.net>");
		assert_string_equal (t->date, "2026-03-02T10:11:12Z");
		assert_string_equal (t->role, "statement");
		assert_int_equal (got->events->len, 1);
		e = g_ptr_array_index (got->events, 0);
		assert_string_equal (e->at, "2026-03-02T10:11:12Z");
		assert_string_equal (e->type, "received");
		assert_null (e->detail);
	} else {
		assert_null (got->body);
		assert_int_equal (got->thread->len, 0);
		assert_int_equal (got->events->len, 0);
	}
}

static void
test_roundtrip (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (Statement) s = full_statement ();
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (GError) error = NULL;
	static const char *const keys[] = {
		"LS-2026-0001", "ls-2026-0001", " LS-2026-0001 ", "ls1@itu.int", "<ls1@itu.int>",
	};

	record (store, "ls1@itu.int", "hash1", s->received, s);
	assert_string_equal (s->id, "LS-2026-0001");

	for (gsize i = 0; i < G_N_ELEMENTS (keys); i++) {
		g_autoptr (Statement) got = store_get_statement (store, keys[i], &error);
		if (got == NULL)
			fail_msg ("%s: %s", keys[i], error->message);
		assert_full_statement (got, TRUE);
	}

	list = store_list_statements (store, NULL, &error);
	assert_non_null (list);
	assert_int_equal (list->len, 1);
	assert_full_statement (g_ptr_array_index (list, 0), FALSE);

	/* Unknown keys. */
	{
		static const char *const unknown[] = { "LS-2026-0002", "nobody@example.net", "<>", "" };
		for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++) {
			g_autoptr (Statement) got = store_get_statement (store, unknown[i], &error);
			assert_null (got);
			assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND));
			g_clear_error (&error);
		}
	}
}

static void
test_related_thread_events (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (Statement) a = make_statement ("First", STATE_OPEN, PURPOSE_ACTION, "ITU-T SG15",
	                                          "ccamp", "2026-06-01", "2026-01-10T08:00:00Z");
	g_autoptr (Statement) b = make_statement ("Reply", STATE_OPEN, PURPOSE_RESPONSE, "IETF",
	                                          NULL, NULL, "2026-02-10T08:00:00Z");
	g_autoptr (Statement) held = make_statement ("Held", STATE_HELD, PURPOSE_NONE, "Unknown",
	                                             NULL, NULL, "2026-02-11T08:00:00Z");
	g_autoptr (Statement) got = NULL;
	g_autoptr (GError) error = NULL;
	StoreMessage reply = { .message_id = "reply@example.net", .dedupe_hash = "hr",
	                       .raw_sha256 = "rr", .size = 10, .received = "2026-01-11T09:00:00Z",
	                       .from = "Chair <dc@example.net>", .date = "2026-01-11T08:59:00Z",
	                       .kind = "reply" };
	Related *rel = g_new0 (Related, 1);
	const Related *r;
	const ThreadEntry *t;
	const Event *e;
	gint64 row;
	sqlite3 *db;
	sqlite3_stmt *st;

	record (store, "a@itu.int", "ha", a->received, a);
	rel->id = g_strdup ("ls-2026-0001");
	rel->relation = g_strdup ("responds-to");
	g_ptr_array_add (b->related, rel);
	record (store, "b@ietf.org", "hb", b->received, b);
	record (store, "held@example.com", "hh", held->received, held);
	assert_string_equal (held->id, "LS-2026-0003");

	/* B responds to A; A shows the inverse. */
	got = store_get_statement (store, "LS-2026-0002", &error);
	assert_int_equal (got->related->len, 1);
	r = g_ptr_array_index (got->related, 0);
	assert_string_equal (r->id, "LS-2026-0001");
	assert_string_equal (r->relation, "responds-to");
	g_clear_pointer (&got, statement_free);
	got = store_get_statement (store, "LS-2026-0001", &error);
	assert_int_equal (got->related->len, 1);
	r = g_ptr_array_index (got->related, 0);
	assert_string_equal (r->id, "LS-2026-0002");
	assert_string_equal (r->relation, "responded-by");
	g_clear_pointer (&got, statement_free);

	/* A held statement records the reason in its event. */
	got = store_get_statement (store, "LS-2026-0003", &error);
	assert_int_equal (got->state, STATE_HELD);
	assert_string_equal (got->hold_reason, "destination group unknown");
	assert_int_equal (got->events->len, 1);
	e = g_ptr_array_index (got->events, 0);
	assert_string_equal (e->type, "held");
	assert_string_equal (e->detail, "destination group unknown");
	g_clear_pointer (&got, statement_free);

	/* Events are appended in order; an unknown statement is NOT_FOUND. */
	assert_true (store_begin (store, &error));
	assert_true (store_add_event (store, "ls-2026-0001", "2026-01-12T00:00:00Z", "routed", "ccamp", &error));
	assert_true (store_add_event (store, "LS-2026-0001", NULL, "reminder", NULL, &error));
	assert_false (store_add_event (store, "LS-2026-0099", NULL, "x", NULL, &error));
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND));
	g_clear_error (&error);
	/* A reply linked to A (by the threading code of a later issue). */
	row = store_add_message (store, &reply, &error);
	assert_true (row > 0);
	assert_true (store_commit (store, &error));
	db = raw_open (f);
	assert_int_equal (sqlite3_prepare_v2 (db, "UPDATE messages SET statement = "
	                                      "(SELECT id FROM statements WHERE ls_id = 'LS-2026-0001'), "
	                                      "role = 'reply' WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64 (st, 1, row);
	assert_int_equal (sqlite3_step (st), SQLITE_DONE);
	sqlite3_finalize (st);
	sqlite3_close (db);

	got = store_get_statement (store, "<reply@example.net>", &error);
	if (got == NULL)
		fail_msg ("by reply: %s", error->message);
	assert_string_equal (got->id, "LS-2026-0001");
	assert_string_equal (got->message_id, "a@itu.int");
	assert_int_equal (got->events->len, 3);
	e = g_ptr_array_index (got->events, 1);
	assert_string_equal (e->type, "routed");
	assert_string_equal (e->detail, "ccamp");
	e = g_ptr_array_index (got->events, 2);
	assert_string_equal (e->type, "reminder");
	assert_int_equal (strlen (e->at), strlen ("2026-01-12T00:00:00Z"));
	assert_int_equal (got->thread->len, 2);
	t = g_ptr_array_index (got->thread, 0);
	assert_string_equal (t->message_id, "a@itu.int");
	assert_string_equal (t->role, "statement");
	t = g_ptr_array_index (got->thread, 1);
	assert_string_equal (t->message_id, "reply@example.net");
	assert_string_equal (t->from, "Chair <dc@example.net>");
	assert_string_equal (t->date, "2026-01-11T08:59:00Z");
	assert_string_equal (t->role, "reply");
}

/* ---------------------------------------------------------------------- */
/* Threads */

/* Every key a thread is found by; a reply that came before its parent,
 * adopted once; a state change with its event. */
static void
test_threads (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (Statement) a = make_statement ("First Statement", STATE_OPEN, PURPOSE_ACTION,
	                                          "ITU-T SG15", "ccamp", "2026-06-01",
	                                          "2026-01-10T08:00:00Z");
	g_autoptr (Statement) got = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) refs = g_ptr_array_new ();
	g_autoptr (GPtrArray) orphans = NULL;
	StoreMessage early = { .message_id = "early@example.net", .dedupe_hash = "he",
	                       .raw_sha256 = "re", .size = 10, .received = "2026-01-09T09:00:00Z",
	                       .from = "Chair <dc@example.net>", .kind = "other",
	                       .hold_reason = "not a liaison statement" };
	StoreOutgoing out = { .statement_id = "LS-2026-0001", .kind = "forward",
	                      .message_id = "LS-2026-0001.forward@example.org",
	                      .sender = "statements@example.org", .sha256 = "00", .size = 1,
	                      .created = "2026-01-10T08:00:00Z" };
	static const struct {
		StoreThreadKey kind;
		const char *key;
		const char *expected;
	} cases[] = {
		{ STORE_THREAD_MESSAGE_ID, "a@itu.int", "LS-2026-0001" },
		{ STORE_THREAD_MESSAGE_ID, "LS-2026-0001.forward@example.org", "LS-2026-0001" },
		{ STORE_THREAD_MESSAGE_ID, "early@example.net", NULL },       /* in no thread yet */
		{ STORE_THREAD_MESSAGE_ID, "nobody@example.net", NULL },
		{ STORE_THREAD_ID, "ls-2026-0001", "LS-2026-0001" },
		{ STORE_THREAD_ID, "LS-2026-0099", NULL },
		{ STORE_THREAD_URL, "https://datatracker.ietf.org/liaison/2101/", "LS-2026-0001" },
		{ STORE_THREAD_URL, "https://datatracker.ietf.org/liaison/210/", NULL },
		{ STORE_THREAD_TITLE, "first statement", "LS-2026-0001" },
		{ STORE_THREAD_TITLE, "First", NULL },
		{ STORE_THREAD_TITLE, "", NULL },
	};
	gboolean adopted;
	gint64 row;

	/* The reply comes first and names the statement's Message-ID. */
	g_ptr_array_add (refs, (gpointer) "a@itu.int");
	g_ptr_array_add (refs, (gpointer) "elsewhere@example.net");
	assert_true (store_begin (store, &error));
	row = store_add_message (store, &early, &error);
	assert_true (row > 0);
	assert_true (store_add_message_refs (store, row, refs, &error));
	assert_true (store_commit (store, &error));

	/* Written as the Datatracker wrote it, found as thread.c normalises it. */
	a->url = g_strdup ("http://datatracker.ietf.org/liaison/2101");
	out.message_row = record (store, "a@itu.int", "ha", a->received, a);
	assert_true (store_begin (store, &error));
	assert_true (store_add_outbox (store, &out, &error) > 0);
	assert_true (store_commit (store, &error));

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *id = store_find_thread (store, cases[i].kind, cases[i].key, &error);
		if (error != NULL)
			fail_msg ("case %zu: %s", i, error->message);
		if (g_strcmp0 (id, cases[i].expected) != 0)
			fail_msg ("case %zu (%s): %s, expected %s", i, cases[i].key, id ? id : "(none)",
			          cases[i].expected ? cases[i].expected : "(none)");
	}

	assert_true (store_begin (store, &error));
	orphans = store_find_orphans (store, "a@itu.int", &error);
	assert_non_null (orphans);
	assert_int_equal (orphans->len, 1);
	assert_int_equal (((StoreOrphan *) g_ptr_array_index (orphans, 0))->row, row);
	g_clear_pointer (&orphans, g_ptr_array_unref);
	assert_true (store_adopt_message (store, row, "LS-2026-0001", "reply", "reply", &adopted, &error));
	assert_true (adopted);
	assert_true (store_adopt_message (store, row, "LS-2026-0001", "reply", "reply", &adopted, &error));
	assert_false (adopted);
	orphans = store_find_orphans (store, "a@itu.int", &error);
	assert_int_equal (orphans->len, 0);
	assert_true (store_set_state (store, "ls-2026-0001", "replied", 1, "2026-01-11T00:00:00Z",
	                              "replied", "reply from Chair", &error));
	assert_false (store_set_state (store, "LS-2026-0099", "closed", -1, NULL, "closed", NULL, &error));
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND));
	g_clear_error (&error);
	assert_true (store_commit (store, &error));

	/* The early reply is in the thread, no longer held, its parent the
	 * statement; our forward is in the thread too. */
	got = store_get_statement (store, "LS-2026-0001.forward@example.org", &error);
	assert_non_null (got);
	assert_int_equal (got->state, STATE_REPLIED);
	assert_true (got->action_taken);
	assert_int_equal (got->thread->len, 3);
	{
		const ThreadEntry *t0 = g_ptr_array_index (got->thread, 0);
		const ThreadEntry *t1 = g_ptr_array_index (got->thread, 1);
		const ThreadEntry *t2 = g_ptr_array_index (got->thread, 2);
		const Event *e = g_ptr_array_index (got->events, got->events->len - 1);

		assert_string_equal (t0->role, "reply");
		assert_string_equal (t0->parent, "a@itu.int");
		assert_string_equal (t1->role, "statement");
		assert_null (t1->parent);
		assert_string_equal (t2->role, "forward");
		assert_string_equal (t2->parent, "a@itu.int");
		assert_string_equal (e->type, "replied");
		assert_string_equal (e->detail, "reply from Chair");
	}
	{
		sqlite3 *db = raw_open (f);
		assert_int_equal (raw_int (db, "SELECT count(*) FROM messages WHERE kind = 'reply' "
		                               "AND hold_reason IS NULL AND message_id = 'early@example.net'"), 1);
		sqlite3_close (db);
	}
}

/* ---------------------------------------------------------------------- */
/* Ids */

/* The plan SQLite picks for @sql: its steps' details, one per line. */
static char *
raw_plan (sqlite3 *db, const char *sql)
{
	g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
	GString *plan = g_string_new (NULL);
	sqlite3_stmt *st = NULL;

	assert_int_equal (sqlite3_prepare_v2 (db, explain, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step (st) == SQLITE_ROW)
		g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (st, 3));
	sqlite3_finalize (st);
	return g_string_free (plan, FALSE);
}

/* The look-ups a delivery makes, and queue run's, read an index on their
 * key, not every statement or every message ever sent: their cost must
 * not grow with the register (issue 9). The SQL is store.c's
 * (Q_THREAD_BY_URL, Q_THREAD_BY_TITLE, Q_OUTBOX_DUE); a planner that
 * could only scan would say "SCAN statements". */
static void
test_lookups_use_indexes (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	static const struct {
		const char *sql;
		const char *index;
	} cases[] = {
		{ "SELECT ls_id FROM statements WHERE url IS NOT NULL "
		  "AND lower (rtrim (replace (url, 'http://', 'https://'), '/')) = lower (rtrim (?1, '/')) "
		  "ORDER BY received DESC, id DESC LIMIT 1",
		  "SEARCH statements USING INDEX statements_url_key" },
		{ "SELECT ls_id FROM statements WHERE title = ?1 COLLATE NOCASE "
		  "ORDER BY received DESC, id DESC LIMIT 1",
		  "SEARCH statements USING INDEX statements_title" },
		{ "SELECT id FROM outbox WHERE state IN ('queued', 'sending') "
		  "AND ((state = 'queued' AND (?2 OR next_attempt <= ?1)) "
		  "OR (?3 AND state = 'sending' AND claimed_at < ?4)) ORDER BY +id",
		  "USING INDEX outbox_pending" },
	};
	sqlite3 *db = raw_open (f);

	(void) store;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *plan = raw_plan (db, cases[i].sql);

		if (strstr (plan, cases[i].index) == NULL)
			fail_msg ("case %zu: expected %s, the plan is:\n%s", i, cases[i].index, plan);
		if (strstr (plan, "TEMP B-TREE") != NULL && i < 2)
			fail_msg ("case %zu: the newest match needs a sort:\n%s", i, plan);
	}
	assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'statements_url'"), 0);
	sqlite3_close (db);
}

static void
test_id_allocation (void **state)
{
	static const struct {
		const char *received;
		const char *id;
	} cases[] = {
		{ "2026-01-05T10:00:00Z", "LS-2026-0001" },
		{ "2026-02-01T10:00:00Z", "LS-2026-0002" },
		{ "2027-01-01T00:00:00Z", "LS-2027-0001" },
		/* Late mail from the old year keeps numbering that year. */
		{ "2026-12-31T23:59:59Z", "LS-2026-0003" },
		{ "2027-01-02T00:00:00Z", "LS-2027-0002" },
	};
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (GError) error = NULL;
	sqlite3 *db;

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (Statement) s = make_statement ("T", STATE_OPEN, PURPOSE_INFORMATION, "O", NULL,
		                                          NULL, cases[i].received);
		g_autofree char *mid = g_strdup_printf ("id%zu@example.net", i);
		g_autofree char *hash = g_strdup_printf ("hash%zu", i);

		record (store, mid, hash, cases[i].received, s);
		assert_string_equal (s->id, cases[i].id);
	}

	/* Past 9999 the number grows a digit. */
	db = raw_open (f);
	raw_exec (db, "UPDATE statements SET seq = 9999 WHERE ls_id = 'LS-2026-0003'");
	sqlite3_close (db);
	{
		g_autoptr (Statement) s = make_statement ("T", STATE_OPEN, PURPOSE_INFORMATION, "O", NULL,
		                                          NULL, "2026-06-01T00:00:00Z");
		record (store, "big@example.net", "hash-big", s->received, s);
		assert_string_equal (s->id, "LS-2026-10000");
	}

	/* Without statement->received, the message's time counts. */
	{
		g_autoptr (Statement) s = make_statement ("T", STATE_OPEN, PURPOSE_INFORMATION, "O", NULL,
		                                          NULL, NULL);
		record (store, "norecv@example.net", "hash-norecv", "2028-03-03T03:03:03Z", s);
		assert_string_equal (s->id, "LS-2028-0001");
		assert_string_equal (s->received, "2028-03-03T03:03:03Z");
	}

	/* A message row that does not exist: the foreign key refuses it. */
	{
		g_autoptr (Statement) s = make_statement ("T", STATE_OPEN, PURPOSE_INFORMATION, "O", NULL,
		                                          NULL, "2026-06-01T00:00:00Z");
		assert_true (store_begin (store, &error));
		assert_false (store_add_statement (store, s, 9999, "LS", &error));
		assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
		assert_non_null (strstr (error->message, "FOREIGN KEY"));
		g_clear_error (&error);
		store_rollback (store);
	}

	/* A received time without a year is refused, and nothing is kept. */
	{
		g_autoptr (Statement) s = make_statement ("T", STATE_OPEN, PURPOSE_INFORMATION, "O", NULL,
		                                          NULL, "soon");
		StoreMessage m = { .dedupe_hash = "hx", .raw_sha256 = "r", .received = "soon", .kind = "statement" };
		gint64 row, count = -1;

		assert_true (store_begin (store, &error));
		row = store_add_message (store, &m, &error);
		assert_true (row > 0);
		assert_false (store_add_statement (store, s, row, "LS", &error));
		assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
		assert_null (s->id);
		store_rollback (store);
		assert_true (store_count (store, NULL, &count, NULL, NULL));
		assert_int_equal (count, 7);
	}
}

/* ---------------------------------------------------------------------- */
/* Deduplication */

static void
test_dedupe (void **state)
{
	static const struct {
		const char *message_id;
		const char *hash;
		StoreSeen seen;
	} cases[] = {
		{ "known@example.net", "h1", STORE_SEEN_DUPLICATE },
		{ "known@example.net", "h2", STORE_SEEN_CONFLICT },
		{ "other@example.net", "h1", STORE_SEEN_NEW },
		{ "Known@example.net", "h1", STORE_SEEN_NEW },
		{ NULL, "h1", STORE_SEEN_DUPLICATE },       /* hash known (with an id) */
		{ NULL, "h3", STORE_SEEN_DUPLICATE },       /* hash known (without one) */
		{ "", "h3", STORE_SEEN_DUPLICATE },
		{ NULL, "h9", STORE_SEEN_NEW },
		{ "conflicted@example.net", "c1", STORE_SEEN_DUPLICATE },
		{ "conflicted@example.net", "c2", STORE_SEEN_DUPLICATE },
		{ "conflicted@example.net", "c3", STORE_SEEN_CONFLICT },
	};
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (GError) error = NULL;
	StoreMessage conflict = { .message_id = "conflicted@example.net", .dedupe_hash = "c2",
	                          .raw_sha256 = "r", .received = "2026-01-01T00:00:00Z",
	                          .kind = "other", .conflict = TRUE };
	gint64 messages = -1;

	record (store, "known@example.net", "h1", "2026-01-01T00:00:00Z", NULL);
	record (store, NULL, "h3", "2026-01-01T00:00:00Z", NULL);
	record (store, "conflicted@example.net", "c1", "2026-01-01T00:00:00Z", NULL);
	/* The conflicting copy is recorded too, and is then a duplicate itself. */
	assert_true (store_begin (store, &error));
	assert_true (store_add_message (store, &conflict, &error) > 0);
	assert_true (store_commit (store, &error));

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		StoreSeen seen = (StoreSeen) -1;
		if (!store_message_seen (store, cases[i].message_id, cases[i].hash, &seen, &error))
			fail_msg ("case %zu: %s", i, error->message);
		if (seen != cases[i].seen)
			fail_msg ("case %zu (%s, %s): got %d, expected %d", i,
			          cases[i].message_id ? cases[i].message_id : "(null)", cases[i].hash,
			          seen, cases[i].seen);
	}

	/* The store itself refuses the same (id, hash) twice. */
	{
		StoreMessage again = { .message_id = "known@example.net", .dedupe_hash = "h1",
		                       .raw_sha256 = "r", .received = "2026-01-01T00:00:00Z", .kind = "other" };
		assert_true (store_begin (store, &error));
		assert_int_equal (store_add_message (store, &again, &error), 0);
		assert_non_null (error);
		g_clear_error (&error);
		store_rollback (store);
	}
	assert_true (store_count (store, &messages, NULL, NULL, &error));
	assert_int_equal (messages, 4);
}

/* ---------------------------------------------------------------------- */
/* Held messages */

/* Records the held message (no statement) of a new message; its handle. */
static char *
record_held (Store *store, const char *message_id, const char *received)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Statement) s = statement_new ();
	gint64 row = record (store, message_id, message_id, received, NULL);

	s->title = g_strdup ("Lunch");
	s->hold_reason = g_strdup ("not a liaison statement");
	s->state = STATE_HELD;
	s->received = g_strdup (received);
	assert_true (store_begin (store, &error));
	if (!store_add_held_message (store, s, row, &error))
		fail_msg ("store_add_held_message: %s", error->message);
	assert_true (store_commit (store, &error));
	assert_string_equal (s->id, s->handle);
	return g_strdup (s->id);
}

/* Handles are a series of their own, apart from the ids; a promoted one
 * takes the next id and keeps its handle, which still finds it; the next
 * handle is past it; only held messages are listed with held set. */
static void
test_held_messages (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (Statement) ls = make_statement ("Real", STATE_OPEN, PURPOSE_ACTION, "O", "g", NULL,
	                                           "2026-04-01T00:00:00Z");
	g_autoptr (Statement) fields = statement_new ();
	g_autoptr (Statement) got = NULL;
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *h1 = NULL, *h2 = NULL, *h3 = NULL, *promoted = NULL;
	gint64 messages = -1, statements = -1, held = -1;
	StoreFilter filter = { 0 };

	record (store, "ls-1@example.net", "l1", "2026-04-01T00:00:00Z", ls);
	h1 = record_held (store, "h-1@example.net", "2026-04-02T00:00:00Z");
	h2 = record_held (store, "h-2@example.net", "2026-04-03T00:00:00Z");
	assert_string_equal (h1, "HM-2026-0001");
	assert_string_equal (h2, "HM-2026-0002");
	assert_true (store_count (store, &messages, &statements, &held, &error));
	assert_int_equal (statements, 1);
	assert_int_equal (held, 2);
	list = store_list_statements (store, &filter, &error);
	assert_int_equal (list->len, 1);
	g_clear_pointer (&list, g_ptr_array_unref);
	filter.held = TRUE;
	list = store_list_statements (store, &filter, &error);
	assert_int_equal (list->len, 2);

	fields->title = g_strdup ("Promoted");
	fields->purpose = PURPOSE_COMMENT;
	assert_true (store_begin (store, &error));
	assert_true (store_promote_held (store, h1, fields, "LS", &promoted, &error));
	assert_true (store_commit (store, &error));
	assert_string_equal (promoted, "LS-2026-0002");
	got = store_get_statement (store, "hm-2026-0001", &error);
	assert_non_null (got);
	assert_string_equal (got->id, "LS-2026-0002");
	assert_string_equal (got->handle, "HM-2026-0001");
	assert_string_equal (got->title, "Promoted");
	assert_int_equal (got->purpose, PURPOSE_COMMENT);
	h3 = record_held (store, "h-3@example.net", "2026-04-04T00:00:00Z");
	assert_string_equal (h3, "HM-2026-0003");

	/* A statement, or a promoted message, is promoted no more. */
	assert_true (store_begin (store, &error));
	assert_false (store_promote_held (store, "LS-2026-0001", fields, "LS", &promoted, &error));
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_FAILED));
	g_clear_error (&error);
	assert_false (store_promote_held (store, h1, fields, "LS", &promoted, &error));
	g_clear_error (&error);
	store_rollback (store);
}

/* ---------------------------------------------------------------------- */
/* Transactions */

static void
test_rollback (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (Statement) s = make_statement ("Gone", STATE_OPEN, PURPOSE_ACTION, "O", "g", NULL,
	                                          "2026-04-01T00:00:00Z");
	g_autoptr (Statement) t = make_statement ("Kept", STATE_OPEN, PURPOSE_ACTION, "O", "g", NULL,
	                                          "2026-04-02T00:00:00Z");
	g_autoptr (Statement) got = NULL;
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (GError) error = NULL;
	StoreMessage m = { .message_id = "gone@example.net", .dedupe_hash = "hg", .raw_sha256 = "r",
	                   .received = "2026-04-01T00:00:00Z", .kind = "statement" };
	gint64 messages = -1, statements = -1, held = -1;
	StoreSeen seen;
	gint64 row;

	assert_true (store_begin (store, &error));
	row = store_add_message (store, &m, &error);
	assert_true (row > 0);
	assert_true (store_add_statement (store, s, row, "LS", &error));
	assert_string_equal (s->id, "LS-2026-0001");
	store_rollback (store);
	/* Rolling back twice is harmless. */
	store_rollback (store);

	assert_true (store_count (store, &messages, &statements, &held, &error));
	assert_int_equal (messages, 0);
	assert_int_equal (statements, 0);
	assert_int_equal (held, 0);
	got = store_get_statement (store, "LS-2026-0001", &error);
	assert_null (got);
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND));
	g_clear_error (&error);
	assert_true (store_message_seen (store, "gone@example.net", "hg", &seen, &error));
	assert_int_equal (seen, STORE_SEEN_NEW);
	list = store_list_statements (store, NULL, &error);
	assert_int_equal (list->len, 0);

	/* The id was not used up. */
	record (store, "kept@example.net", "hk", t->received, t);
	assert_string_equal (t->id, "LS-2026-0001");
}

static void
test_busy (void **state)
{
	Fixture *f = *state;
	g_autoptr (Store) store = NULL;
	g_autoptr (GError) error = NULL;
	StoreSeen seen;
	gint64 start, elapsed;
	sqlite3 *db;

	store_close (open_store (f));
	store = store_open (f->db, 100, &error);
	assert_non_null (store);

	db = raw_open (f);
	raw_exec (db, "BEGIN IMMEDIATE");
	start = g_get_monotonic_time ();
	assert_false (store_begin (store, &error));
	elapsed = g_get_monotonic_time () - start;
	assert_true (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_BUSY));
	assert_true (liaison_error_is_temporary (error));
	assert_true (elapsed >= 50 * 1000);
	assert_true (elapsed < 1000 * 1000);
	g_clear_error (&error);

	/* WAL: readers are not blocked by the writer. */
	assert_true (store_message_seen (store, "x@example.net", "hx", &seen, &error));
	assert_int_equal (seen, STORE_SEEN_NEW);

	raw_exec (db, "ROLLBACK");
	sqlite3_close (db);
	assert_true (store_begin (store, &error));
	store_rollback (store);
}

/* ---------------------------------------------------------------------- */
/* Listing */

static void
test_list_filters (void **state)
{
	static const struct {
		const char *title;
		StatementState state;
		Purpose purpose;
		const char *org;
		const char *group;
		const char *deadline;
		const char *received;
		gboolean action_taken;
	} rows[] = {
		/* LS-2026-0001 */
		{ "one", STATE_OPEN, PURPOSE_ACTION, "ITU-T SG15", "ccamp", "2026-03-01", "2026-01-01T00:00:00Z", FALSE },
		/* LS-2026-0002 */
		{ "two", STATE_OPEN, PURPOSE_INFORMATION, "3GPP RAN2", "teas", NULL, "2026-01-03T00:00:00Z", FALSE },
		/* LS-2026-0003: same second as 0002, so the id decides. */
		{ "three", STATE_HELD, PURPOSE_COMMENT, "Unknown Org", NULL, "2026-02-01", "2026-01-03T00:00:00Z", FALSE },
		/* LS-2026-0004 */
		{ "four", STATE_REPLIED, PURPOSE_ACTION, "itu-t sg 15", "ccamp", "2026-02-15", "2026-01-02T00:00:00Z", FALSE },
		/* LS-2026-0005 */
		{ "five", STATE_OPEN, PURPOSE_ACTION, "ITU-T SG15", "teas", "2026-02-28", "2026-01-04T00:00:00Z", TRUE },
		/* LS-2026-0006 */
		{ "six", STATE_OPEN, PURPOSE_COMMENT, "IEEE 802.1", "CCAMP", "2026-04-01", "2026-01-05T00:00:00Z", FALSE },
		/* LS-2026-0007 */
		{ "seven", STATE_CLOSED, PURPOSE_ACTION, "ITU-T SG15", "ccamp", "2026-01-15", "2026-01-06T00:00:00Z", FALSE },
	};
	static const struct {
		StoreFilter filter;
		const char *expected[8];
	} cases[] = {
		{ { 0 }, { "LS-2026-0007", "LS-2026-0006", "LS-2026-0005", "LS-2026-0003",
		           "LS-2026-0002", "LS-2026-0004", "LS-2026-0001" } },
		{ { .state = "open" }, { "LS-2026-0006", "LS-2026-0005", "LS-2026-0002", "LS-2026-0001" } },
		{ { .state = "held" }, { "LS-2026-0003" } },
		{ { .purpose = "action" }, { "LS-2026-0007", "LS-2026-0005", "LS-2026-0004", "LS-2026-0001" } },
		{ { .from_org = "itu-t-sg-15" }, { "LS-2026-0007", "LS-2026-0005", "LS-2026-0004", "LS-2026-0001" } },
		{ { .from_org = "ITU-T SG15", .state = "open", .purpose = "action" },
		  { "LS-2026-0005", "LS-2026-0001" } },
		{ { .from_org = "nobody" }, { NULL } },
		{ { .from_org = " - _" }, { NULL } },
		{ { .to_group = "CCAMP" }, { "LS-2026-0007", "LS-2026-0006", "LS-2026-0004", "LS-2026-0001" } },
		{ { .to_group = "teas", .purpose = "information" }, { "LS-2026-0002" } },
		{ { .limit = 2 }, { "LS-2026-0007", "LS-2026-0006" } },
		/* Overdue: open or held (as statement_is_overdue() says), no
		 * action taken, deadline before today. */
		{ { .overdue = TRUE, .today = "2026-03-02" }, { "LS-2026-0003", "LS-2026-0001" } },
		{ { .overdue = TRUE, .today = "2026-03-01" }, { "LS-2026-0003" } },
		{ { .overdue = TRUE, .today = "2026-02-01" }, { NULL } },
		{ { .overdue = TRUE, .today = "2026-04-02" }, { "LS-2026-0006", "LS-2026-0003", "LS-2026-0001" } },
		{ { .overdue = TRUE, .today = "2026-04-02", .to_group = "ccamp" }, { "LS-2026-0006", "LS-2026-0001" } },
		{ { .overdue = TRUE, .today = "2025-01-01" }, { NULL } },
	};
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (GError) error = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		g_autoptr (Statement) s = make_statement (rows[i].title, rows[i].state, rows[i].purpose,
		                                          rows[i].org, rows[i].group, rows[i].deadline,
		                                          rows[i].received);
		g_autofree char *mid = g_strdup_printf ("list%zu@example.net", i);

		s->action_taken = rows[i].action_taken;
		record (store, mid, mid, rows[i].received, s);
	}

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GPtrArray) list = store_list_statements (store, &cases[i].filter, &error);
		guint n = 0;

		if (list == NULL)
			fail_msg ("case %zu: %s", i, error->message);
		for (; cases[i].expected[n] != NULL; n++) {
			const Statement *s;
			if (n >= list->len)
				fail_msg ("case %zu: %u results, expected more", i, list->len);
			s = g_ptr_array_index (list, n);
			if (strcmp (s->id, cases[i].expected[n]) != 0)
				fail_msg ("case %zu, result %u: %s, expected %s", i, n, s->id, cases[i].expected[n]);
			assert_null (s->body);
		}
		if (list->len != n)
			fail_msg ("case %zu: %u results, expected %u", i, list->len, n);
	}

	{
		gint64 messages, statements, held;
		assert_true (store_count (store, &messages, &statements, &held, &error));
		assert_int_equal (messages, 7);
		assert_int_equal (statements, 7);
		assert_int_equal (held, 1);
		record (store, "other@example.net", "ho", "2026-05-01T00:00:00Z", NULL);
		assert_true (store_count (store, &messages, &statements, &held, &error));
		assert_int_equal (messages, 8);
		assert_int_equal (held, 2);
	}
}

/* A statement of test_list_many(): @i decides how many of each related
 * row it has, from none to several, so that statements without contacts,
 * groups, references, attachments or routes sit between ones with many. */
static Statement *
many_statement (guint i)
{
	g_autofree char *title = g_strdup_printf ("many %u", i);
	g_autofree char *received = g_strdup_printf ("2026-02-01T00:%02u:%02uZ", i / 60, i % 60);
	Statement *s = make_statement (title, STATE_OPEN, i % 2 ? PURPOSE_ACTION : PURPOSE_COMMENT,
	                               "ITU-T SG15", NULL, NULL, received);

	for (guint n = 0; n < i % 4; n++)
		g_ptr_array_add (s->to_contacts, g_strdup_printf ("to%u-%u@example.net", i, n));
	for (guint n = 0; n < i % 3; n++)
		g_ptr_array_add (s->cc, g_strdup_printf ("cc%u-%u@example.net", i, n));
	if (i % 5 == 1)
		g_ptr_array_add (s->technical_contacts, g_strdup_printf ("tech%u@example.net", i));
	for (guint n = 0; n < i % 5; n++) {
		g_ptr_array_add (s->groups, g_strdup_printf ("group%u", n));
		g_ptr_array_add (s->to_texts, g_strdup_printf ("Group %u of %u", n, i));
	}
	for (guint n = 0; n < i % 3; n++)
		g_ptr_array_add (s->references, g_strdup_printf ("REF-%u-%u", i, n));
	if (i % 7 == 3)
		g_ptr_array_add (s->other_identifiers, g_strdup_printf ("OTHER-%u", i));
	for (guint n = 0; n < (i % 6) / 2; n++) {
		Attachment *a = g_new0 (Attachment, 1);

		a->filename = g_strdup_printf ("a%u-%u.pdf", i, n);
		a->content_type = g_strdup ("application/pdf");
		a->size = i * 10 + n;
		a->sha256 = g_strdup_printf ("%064u", i * 10 + n);
		g_ptr_array_add (s->attachments, a);
	}
	for (guint n = 0; n < i % 4; n++) {
		StatementRoute *r = g_new0 (StatementRoute, 1);

		r->address = g_strdup_printf ("route%u-%u@example.org", i, n);
		r->role = g_strdup (n == 0 ? "list" : "chair");
		r->status = g_strdup ("sent");
		g_ptr_array_add (s->routes, r);
	}
	/* Every ninth one responds to the statement recorded five before. */
	if (i % 9 == 8) {
		Related *rel = g_new0 (Related, 1);

		rel->id = g_strdup_printf ("LS-2026-%04u", i + 1 - 5);
		rel->relation = g_strdup ("responds-to");
		g_ptr_array_add (s->related, rel);
	}
	return s;
}

static void
assert_same_strv (const GPtrArray *got, const GPtrArray *expected)
{
	assert_int_equal (got->len, expected->len);
	for (guint i = 0; i < got->len; i++)
		assert_string_equal (g_ptr_array_index (got, i), g_ptr_array_index (expected, i));
}

/* What list gives of a statement is what show gives. */
static void
assert_same_lists (const Statement *got, const Statement *expected)
{
	assert_string_equal (got->id, expected->id);
	assert_same_strv (got->to_contacts, expected->to_contacts);
	assert_same_strv (got->cc, expected->cc);
	assert_same_strv (got->response_contacts, expected->response_contacts);
	assert_same_strv (got->technical_contacts, expected->technical_contacts);
	assert_same_strv (got->groups, expected->groups);
	assert_same_strv (got->to_texts, expected->to_texts);
	assert_same_strv (got->references, expected->references);
	assert_same_strv (got->other_identifiers, expected->other_identifiers);
	assert_same_strv (got->attachment_titles, expected->attachment_titles);
	assert_int_equal (got->related->len, expected->related->len);
	for (guint i = 0; i < got->related->len; i++) {
		const Related *a = g_ptr_array_index (got->related, i);
		const Related *b = g_ptr_array_index (expected->related, i);

		assert_string_equal (a->id, b->id);
		assert_string_equal (a->relation, b->relation);
	}
	assert_int_equal (got->attachments->len, expected->attachments->len);
	for (guint i = 0; i < got->attachments->len; i++) {
		const Attachment *a = g_ptr_array_index (got->attachments, i);
		const Attachment *b = g_ptr_array_index (expected->attachments, i);

		assert_string_equal (a->filename, b->filename);
		assert_string_equal (a->sha256, b->sha256);
		assert_int_equal (a->size, b->size);
	}
	assert_int_equal (got->routes->len, expected->routes->len);
	for (guint i = 0; i < got->routes->len; i++) {
		const StatementRoute *a = g_ptr_array_index (got->routes, i);
		const StatementRoute *b = g_ptr_array_index (expected->routes, i);

		assert_string_equal (a->address, b->address);
		assert_string_equal (a->role, b->role);
		assert_string_equal (a->status, b->status);
	}
}

/* A list of many statements reads each related table once for all of
 * them: every row must still reach its own statement, in its order, and
 * a statement between the listed ones that the filter leaves out must
 * give none of its rows to another. */
static void
test_list_many (void **state)
{
	static const guint count = 90;
	static const StoreFilter filters[] = {
		{ 0 },                          /* all 90 */
		{ .purpose = "action" },        /* every other one: 45 */
		{ .limit = 40 },
		{ .limit = 5 },                 /* few: one statement at a time */
		{ .brief = TRUE },              /* the table's: groups only */
		{ .brief = TRUE, .limit = 5 },
	};
	static const guint expected_len[] = { 90, 45, 40, 5, 90, 5 };
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (GError) error = NULL;

	for (guint i = 0; i < count; i++) {
		g_autoptr (Statement) s = many_statement (i);
		g_autofree char *mid = g_strdup_printf ("many%u@example.net", i);
		/* A forward later adds a route; a reminder or a follow-up's
		 * forward adds recipients that are not its routes. */
		static const char *const kinds[] = { "forward", "reminder", "follow-up" };
		g_autofree char *out_id = g_strdup_printf ("out%u@example.org", i);
		g_autofree char *address = g_strdup_printf ("later%u@example.org", i);
		StoreOutgoing out = { .statement_id = NULL, .kind = kinds[i % 3],
		                      .message_id = out_id, .sender = "statements@example.org",
		                      .sha256 = "beef", .size = 1 };
		gint64 row;

		record (store, mid, mid, s->received, s);
		if (i % 4 != 2)
			continue;
		/* record() may have replaced s->received. */
		out.statement_id = s->id;
		out.created = s->received;
		assert_true (store_begin (store, &error));
		row = store_add_outbox (store, &out, &error);
		assert_true (row > 0);
		assert_true (store_add_route (store, s->id, 10, address, "chair", "queued", row,
		                              s->received, &error));
		assert_true (store_commit (store, &error));
	}

	for (gsize k = 0; k < G_N_ELEMENTS (filters); k++) {
		g_autoptr (GPtrArray) list = store_list_statements (store, &filters[k], &error);

		if (list == NULL)
			fail_msg ("filter %zu: %s", k, error->message);
		assert_int_equal (list->len, expected_len[k]);
		for (guint n = 0; n < list->len; n++) {
			const Statement *got = g_ptr_array_index (list, n);
			g_autoptr (Statement) one = store_get_statement (store, got->id, &error);
			g_autoptr (Statement) made = NULL;
			guint i;

			if (one == NULL)
				fail_msg ("%s: %s", got->id, error->message);
			if (filters[k].brief) {
				assert_string_equal (got->title, one->title);
				assert_same_strv (got->groups, one->groups);
				assert_same_strv (got->to_texts, one->to_texts);
				assert_int_equal (got->to_contacts->len + got->cc->len +
				                  got->technical_contacts->len + got->references->len +
				                  got->related->len + got->attachments->len +
				                  got->routes->len, 0);
				continue;
			}
			assert_same_lists (got, one);
			/* And both are what was recorded. */
			assert_int_equal (sscanf (got->title, "many %u", &i), 1);
			made = many_statement (i);
			assert_same_strv (got->to_contacts, made->to_contacts);
			assert_same_strv (got->cc, made->cc);
			assert_same_strv (got->technical_contacts, made->technical_contacts);
			assert_same_strv (got->groups, made->groups);
			assert_same_strv (got->to_texts, made->to_texts);
			assert_same_strv (got->references, made->references);
			assert_same_strv (got->other_identifiers, made->other_identifiers);
			assert_int_equal (got->attachments->len, made->attachments->len);
			assert_int_equal (got->routes->len,
			                  made->routes->len + (i % 4 == 2 && i % 3 == 0));
			/* Its own reference, and the inverse of the one five
			 * after it that responds to it. */
			assert_int_equal (got->related->len,
			                  (i % 9 == 8) + (i + 5 < count && (i + 5) % 9 == 8));
			if (filters[k].purpose != NULL)
				assert_int_equal (i % 2, 1);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Reminders */

static gboolean
remind_due (Store *store, const char *id, const char *deadline, const char *stage)
{
	g_autoptr (GError) error = NULL;
	gboolean due = TRUE;

	if (!store_remind_due (store, id, deadline, stage, &due, &error))
		fail_msg ("store_remind_due: %s", error->message);
	return due;
}

/* Which statements remind looks at, and the one-per-stage record. */
static void
test_reminders (void **state)
{
	static const struct {
		StatementState state;
		const char *deadline;
		gboolean action_taken;
	} rows[] = {
		{ STATE_OPEN, "2026-03-01", FALSE },     /* LS-2026-0001: a candidate */
		{ STATE_OPEN, NULL, FALSE },             /* 0002: no deadline */
		{ STATE_HELD, "2026-03-01", FALSE },     /* 0003: held */
		{ STATE_REPLIED, "2026-03-01", TRUE },   /* 0004: replied */
		{ STATE_OPEN, "2026-03-01", TRUE },      /* 0005: action taken */
		{ STATE_CLOSED, "2026-03-01", FALSE },   /* 0006: closed */
		{ STATE_OPEN, "2026-02-20", FALSE },     /* 0007: a candidate, earlier */
		{ STATE_OPEN, "2026-01-10", FALSE },     /* 0008: long past */
	};
	Fixture *f = *state;
	g_autoptr (Store) store = open_store (f);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (Statement) got = NULL;
	StoreOutgoing out = { "LS-2026-0001", 0, "reminder", "LS-2026-0001.remind-before-7@example.org",
	                      "statements@example.org", "00", 10, "2026-02-22T06:00:00Z" };
	gint64 outbox;
	sqlite3 *db;

	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		g_autoptr (Statement) s = make_statement ("t", rows[i].state, PURPOSE_ACTION, "ITU-T SG15",
		                                          "ccamp", rows[i].deadline, "2026-01-01T00:00:00Z");
		g_autofree char *mid = g_strdup_printf ("remind%zu@example.net", i);

		s->action_taken = rows[i].action_taken;
		g_ptr_array_add (s->response_contacts, g_strdup ("Resp <r@itu.int>"));
		record (store, mid, mid, "2026-01-01T00:00:00Z", s);
	}

	/* Open, not taken, a deadline on or after the oldest one asked for;
	 * earliest deadline first, with groups and contacts. */
	list = store_remind_candidates (store, "2026-02-01", &error);
	if (list == NULL)
		fail_msg ("store_remind_candidates: %s", error->message);
	assert_int_equal (list->len, 2);
	assert_string_equal (((Statement *) g_ptr_array_index (list, 0))->id, "LS-2026-0007");
	assert_string_equal (((Statement *) g_ptr_array_index (list, 1))->id, "LS-2026-0001");
	assert_string_equal (g_ptr_array_index (((Statement *) g_ptr_array_index (list, 1))->groups, 0), "ccamp");
	assert_string_equal (g_ptr_array_index (((Statement *) g_ptr_array_index (list, 1))->response_contacts, 0),
	                     "Resp <r@itu.int>");
	g_clear_pointer (&list, g_ptr_array_unref);
	list = store_remind_candidates (store, NULL, &error);
	assert_non_null (list);
	assert_int_equal (list->len, 3);

	/* A stage is due until it is recorded, and only for a candidate
	 * whose deadline is the one asked about. */
	assert_true (remind_due (store, "LS-2026-0001", "2026-03-01", "before-7"));
	assert_false (remind_due (store, "LS-2026-0001", "2026-03-02", "before-7"));
	assert_false (remind_due (store, "LS-2026-0003", "2026-03-01", "before-7"));
	assert_false (remind_due (store, "LS-2026-0005", "2026-03-01", "before-7"));
	assert_false (remind_due (store, "LS-2026-0006", "2026-03-01", "before-7"));
	assert_false (remind_due (store, "LS-2026-9999", "2026-03-01", "before-7"));

	assert_true (store_begin (store, &error));
	outbox = store_add_outbox (store, &out, &error);
	assert_true (outbox > 0);
	assert_true (store_add_route (store, "LS-2026-0001", 10, "dc@example.net", "chair", "queued",
	                              outbox, out.created, &error));
	if (!store_add_reminder (store, "LS-2026-0001", "before-7", "2026-02-22", outbox, out.created, &error))
		fail_msg ("store_add_reminder: %s", error->message);
	assert_true (store_commit (store, &error));

	assert_false (remind_due (store, "LS-2026-0001", "2026-03-01", "before-7"));
	assert_true (remind_due (store, "LS-2026-0001", "2026-03-01", "before-4"));
	assert_true (remind_due (store, "LS-2026-0007", "2026-02-20", "before-7"));

	/* The same stage twice is refused by the table itself. */
	assert_true (store_begin (store, &error));
	assert_false (store_add_reminder (store, "LS-2026-0001", "before-7", "2026-02-23", 0,
	                                  "2026-02-23T06:00:00Z", &error));
	assert_non_null (error);
	g_clear_error (&error);
	store_rollback (store);

	/* The event, with the stage. */
	got = store_get_statement (store, "LS-2026-0001", &error);
	assert_non_null (got);
	{
		const Event *e = g_ptr_array_index (got->events, got->events->len - 1);
		assert_string_equal (e->type, "reminder");
		assert_string_equal (e->detail, "before-7");
		assert_string_equal (e->at, "2026-02-22T06:00:00Z");
	}

	/* Taking the action ends the reminders. */
	db = raw_open (f);
	assert_int_equal (raw_int (db, "SELECT count(*) FROM reminders WHERE stage = 'before-7' "
	                               "AND day = '2026-02-22' AND outbox IS NOT NULL"), 1);
	raw_exec (db, "UPDATE statements SET action_taken = 1 WHERE ls_id = 'LS-2026-0001'");
	sqlite3_close (db);
	assert_false (remind_due (store, "LS-2026-0001", "2026-03-01", "before-4"));
	g_clear_pointer (&list, g_ptr_array_unref);
	list = store_remind_candidates (store, "2026-02-01", &error);
	assert_non_null (list);
	assert_int_equal (list->len, 1);
	assert_string_equal (((Statement *) g_ptr_array_index (list, 0))->id, "LS-2026-0007");
}

/* ---------------------------------------------------------------------- */
/* Spool */

static const char sha_empty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/* The records of document outcomes: text, none, a limit; unknown and
 * damaged records read as none recorded; a record is never replaced. */
static void
test_doctext (void **state)
{
	static const struct {
		const char *text, *limit;
	} cases[] = {
		{ "Title: LS on things\nline two\n", NULL },
		{ "", NULL },
		{ NULL, NULL },
		{ NULL, "CPU limit" },
		{ NULL, "memory limit" },
	};
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autofree char *spool = g_build_filename (f->dir, "spool", NULL);
	g_autofree char *damaged = NULL, *bucket = NULL;
	char *text = NULL, *limit = NULL;

	assert_true (spool_prepare (spool, &error));
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *sha = g_strdup_printf ("%064x", (unsigned) i + 1);

		assert_int_equal (doctext_lookup (spool, sha, &text, &limit, &error), 0);
		assert_true (doctext_save (spool, sha, cases[i].text, cases[i].limit, &error));
		assert_int_equal (doctext_lookup (spool, sha, &text, &limit, &error), 1);
		if (cases[i].text != NULL)
			assert_string_equal (text, cases[i].text);
		else
			assert_null (text);
		if (cases[i].limit != NULL)
			assert_string_equal (limit, cases[i].limit);
		else
			assert_null (limit);
		g_clear_pointer (&text, g_free);
		g_clear_pointer (&limit, g_free);
		/* Kept as it is. */
		assert_true (doctext_save (spool, sha, "other", NULL, &error));
		assert_int_equal (doctext_lookup (spool, sha, &text, &limit, &error), 1);
		assert_true (cases[i].text != NULL ? strcmp (text, cases[i].text) == 0 : text == NULL);
		g_clear_pointer (&text, g_free);
		g_clear_pointer (&limit, g_free);
	}
	damaged = spool_path (spool, "text", sha_empty);
	bucket = g_path_get_dirname (damaged);
	assert_int_equal (g_mkdir_with_parents (bucket, 0755), 0);
	assert_true (g_file_set_contents (damaged, "what is this", -1, NULL));
	assert_int_equal (doctext_lookup (spool, sha_empty, &text, &limit, &error), 0);
	assert_null (error);
	/* Cut short by a crash before its delivery's sync: none recorded. */
	assert_true (g_file_set_contents (damaged, "text\nTitle: LS on thi", -1, NULL));
	assert_int_equal (doctext_lookup (spool, sha_empty, &text, &limit, &error), 0);
	assert_null (text);
	assert_null (error);
}

static void
test_spool_commit (void **state)
{
	Fixture *f = *state;
	g_autoptr (GError) error = NULL;
	g_autofree char *spool = g_build_filename (f->dir, "spool", NULL);
	g_autofree char *tmp = NULL;
	g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "hello\n", -1);
	g_autofree char *path = NULL;
	g_autofree char *content = NULL;
	gboolean created = FALSE;
	struct stat st;

	assert_true (spool_prepare (spool, &error));
	tmp = g_build_filename (spool, "tmp", "in.1", NULL);
	assert_true (g_file_set_contents (tmp, "hello\n", -1, NULL));

	assert_true (spool_commit (spool, "msg", tmp, sha, &created, &error));
	assert_true (created);
	path = spool_path (spool, "msg", sha);
	{
		g_autofree char *expected = g_build_filename (spool, "msg", (char[]) { sha[0], sha[1], 0 },
		                                              sha, NULL);
		assert_string_equal (path, expected);
	}
	assert_true (g_file_get_contents (path, &content, NULL, NULL));
	assert_string_equal (content, "hello\n");
	/* The temporary file is kept for the caller to remove. */
	assert_true (g_file_test (tmp, G_FILE_TEST_EXISTS));

	/* Again: nothing new. */
	created = TRUE;
	assert_true (spool_commit (spool, "msg", tmp, sha, &created, &error));
	assert_false (created);
	assert_int_equal (stat (path, &st), 0);
	assert_int_equal (st.st_nlink, 2);

	/* Another kind, same content: another file. */
	assert_true (spool_commit (spool, "att", tmp, sha, &created, &error));
	assert_true (created);

	/* A missing temporary file is an error of our domain. */
	assert_false (spool_commit (spool, "msg", "/nonexistent/tmp", sha_empty, &created, &error));
	assert_false (created);
	assert_true (error->domain == LIAISON_ERROR);
	g_clear_error (&error);

	/* Old files in tmp are cleaned; new ones stay. */
	{
		g_autofree char *old = g_build_filename (spool, "tmp", "in.old", NULL);
		assert_true (g_file_set_contents (old, "x", -1, NULL));
		{
			struct timespec times[2] = { { 1000, 0 }, { 1000, 0 } };
			assert_int_equal (utimensat (AT_FDCWD, old, times, 0), 0);
		}
		assert_int_equal (spool_clean_tmp (spool, 3600), 1);
		assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
		assert_true (g_file_test (tmp, G_FILE_TEST_EXISTS));
		assert_int_equal (spool_clean_tmp (spool, 0), 1);
		assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
	}
}

static GMimePart *
make_part (const char *encoded, GMimeContentEncoding encoding)
{
	GMimePart *part = g_mime_part_new_with_type ("application", "octet-stream");
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (encoded, strlen (encoded));
	g_autoptr (GMimeDataWrapper) wrapper = g_mime_data_wrapper_new_with_stream (stream, encoding);

	g_mime_part_set_content (part, wrapper);
	g_mime_part_set_content_encoding (part, encoding);
	return part;
}

static void
test_spool_write_part (void **state)
{
	static const struct {
		const char *encoded;
		GMimeContentEncoding encoding;
		const char *decoded;
	} cases[] = {
		{ "aGVsbG8gd29ybGQK\n", GMIME_CONTENT_ENCODING_BASE64, "hello world\n" },
		{ "caf=C3=A9 =3D soft=\n break\n", GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
		  "caf\xc3\xa9 = soft break\n" },
		{ "plain text\n", GMIME_CONTENT_ENCODING_7BIT, "plain text\n" },
		{ "", GMIME_CONTENT_ENCODING_BASE64, "" },
	};
	Fixture *f = *state;
	g_autofree char *spool = g_build_filename (f->dir, "spool", NULL);

	gmime_util_init ();
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GMimePart) part = make_part (cases[i].encoded, cases[i].encoding);
		g_autoptr (GError) error = NULL;
		g_autofree char *sha = NULL;
		g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
		                                                         (const guchar *) cases[i].decoded,
		                                                         strlen (cases[i].decoded));
		g_autofree char *content = NULL;
		g_autofree char *path = NULL;
		gsize len = 0;
		gint64 size = -1;
		gboolean created;

		path = spool_write_part (spool, part, &sha, &size, &error);
		if (path == NULL)
			fail_msg ("case %zu: %s", i, error->message);
		assert_string_equal (sha, expected);
		assert_int_equal (size, strlen (cases[i].decoded));
		assert_true (g_file_get_contents (path, &content, &len, NULL));
		assert_int_equal (len, strlen (cases[i].decoded));
		assert_memory_equal (content, cases[i].decoded, len);
		assert_true (spool_commit (spool, "att", path, sha, &created, &error));
		g_unlink (path);
		guard_forget_path (path);
	}

	/* A large part, base64 over many lines: streamed, and the same hash. */
	{
		gsize n = 3 * 1024 * 1024 + 17;
		g_autofree guchar *data = g_malloc (n);
		g_autofree char *b64 = NULL;
		g_autoptr (GString) wrapped = g_string_new (NULL);
		g_autoptr (GMimePart) part = NULL;
		g_autoptr (GError) error = NULL;
		g_autofree char *sha = NULL;
		g_autofree char *expected = NULL;
		g_autofree char *path = NULL;
		gint64 size = -1;

		for (gsize i = 0; i < n; i++)
			data[i] = (guchar) (i * 2654435761u >> 13);
		expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, n);
		b64 = g_base64_encode (data, n);
		for (gsize i = 0, len = strlen (b64); i < len; i += 76) {
			g_string_append_len (wrapped, b64 + i, MIN (76, len - i));
			g_string_append (wrapped, "\r\n");
		}
		part = make_part (wrapped->str, GMIME_CONTENT_ENCODING_BASE64);
		path = spool_write_part (spool, part, &sha, &size, &error);
		assert_non_null (path);
		assert_string_equal (sha, expected);
		assert_int_equal (size, n);
		g_unlink (path);
		guard_forget_path (path);
	}

	/* Nothing is left in tmp. */
	{
		g_autofree char *tmp = g_build_filename (spool, "tmp", NULL);
		g_autoptr (GDir) dir = g_dir_open (tmp, 0, NULL);
		assert_non_null (dir);
		assert_null (g_dir_read_name (dir));
	}
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown (test_migrate_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown (test_migrate_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown (test_reopen_runs_no_migration, setup, teardown),
		cmocka_unit_test_setup_teardown (test_open_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown (test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown (test_related_thread_events, setup, teardown),
		cmocka_unit_test_setup_teardown (test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown (test_lookups_use_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown (test_id_allocation, setup, teardown),
		cmocka_unit_test_setup_teardown (test_dedupe, setup, teardown),
		cmocka_unit_test_setup_teardown (test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown (test_reminders, setup, teardown),
		cmocka_unit_test_setup_teardown (test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown (test_list_filters, setup, teardown),
		cmocka_unit_test_setup_teardown (test_list_many, setup, teardown),
		cmocka_unit_test_setup_teardown (test_held_messages, setup, teardown),
		cmocka_unit_test_setup_teardown (test_spool_commit, setup, teardown),
		cmocka_unit_test_setup_teardown (test_doctext, setup, teardown),
		cmocka_unit_test_setup_teardown (test_spool_write_part, setup, teardown),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
