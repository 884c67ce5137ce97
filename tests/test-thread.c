/* test-thread.c: the keys a message offers for threading, which side of a
 * liaison a sender is on, and the thread policy (membership, role, effect);
 * table-driven. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stages/thread.h"
#include "testlib.h"

static char *
join (GPtrArray *a)
{
	g_ptr_array_add (a, NULL);
	char *s = g_strjoinv ("|", (char **) a->pdata);
	g_ptr_array_remove_index (a, a->len - 1);
	return s;
}

static const struct {
	const char *name;
	const char *text;
	const char *reference;      /* a statement reference, or NULL */
	const char *message_ids, *tags, *text_ids, *urls, *responds_to;
} key_cases[] = {
	{ "In-Reply-To first, then References nearest first",
	  "From: a@example.net\nSubject: Re: x\nIn-Reply-To: <c@x>\nReferences: <a@x> <b@x>\n <c@x>\n\nthanks\n",
	  NULL, "c@x|b@x|a@x", "", "", "", "" },
	{ "its own Message-ID is no reference (no loop)",
	  "From: a@example.net\nMessage-ID: <self@x>\nSubject: Re: x\nIn-Reply-To: <self@x>\nReferences: <a@x> <self@x>\n\nthanks\n",
	  NULL, "a@x", "", "", "", "" },
	{ "our subject tag",
	  "From: a@example.net\nSubject: Re: [LS-2026-0007] OTN control plane\n\nok\n",
	  NULL, "", "LS-2026-0007", "", "", "" },
	{ "a lower-case tag is the same id",
	  "From: a@example.net\nSubject: Re: [ls-2026-0007] x\n\nok\n",
	  NULL, "", "LS-2026-0007", "", "", "" },
	{ "a bracket with more than an id is no tag",
	  "From: a@example.net\nSubject: [LS-2026-0007 draft] x\n\nok\n",
	  NULL, "", "", "", "", "" },
	{ "ids in the text, not inside other words",
	  "From: a@example.net\nSubject: answer\n\nAbout LS-2026-0012 and (LS-2027-0001), not XLS-2026-0099 or LS-2026-00123456.\n",
	  NULL, "", "", "LS-2026-0012|LS-2027-0001", "", "" },
	{ "Datatracker URLs normalised",
	  "From: a@example.net\nSubject: answer\n\nSee http://datatracker.ietf.org/liaison/1234 and https://datatracker.ietf.org/liaison/1234/.\n",
	  NULL, "", "", "", "https://datatracker.ietf.org/liaison/1234/", "" },
	{ "a response's reference: URL and title",
	  "From: a@example.net\nSubject: LS\n\nbody\n",
	  "LS on OTN control plane (https://datatracker.ietf.org/liaison/2101/)", "", "", "", "",
	  "https://datatracker.ietf.org/liaison/2101/|LS on OTN control plane" },
	{ "a response's reference by id alone",
	  "From: a@example.net\nSubject: LS\n\nbody\n", "LS-2026-0003", "", "", "", "", "LS-2026-0003" },
	{ "no message, no keys", "", NULL, "", "", "", "", "" },
};

static void
test_keys (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (key_cases); i++) {
		g_autoptr (Message) message = testlib_message_from_text (key_cases[i].text);
		g_autoptr (Statement) statement = statement_new ();
		g_autoptr (ThreadKeys) keys = NULL;

		if (key_cases[i].reference)
			g_ptr_array_add (statement->references, g_strdup (key_cases[i].reference));
		keys = thread_keys_new (message, statement, "LS");
		const char *expected[] = { key_cases[i].message_ids, key_cases[i].tags, key_cases[i].text_ids,
		                           key_cases[i].urls, key_cases[i].responds_to };
		GPtrArray *got[] = { keys->message_ids, keys->tags, keys->text_ids, keys->urls, keys->responds_to };
		for (gsize k = 0; k < G_N_ELEMENTS (got); k++) {
			g_autofree char *s = join (got[k]);
			if (strcmp (s, expected[k]) != 0)
				fail_msg ("%s: key %zu is '%s', expected '%s'", key_cases[i].name, k, s, expected[k]);
		}
	}
}

/* A message naming a thousand Message-IDs gives at most
 * THREAD_MAX_REFERENCES keys, the nearest ones. */
static void
test_references_bounded (void **state)
{
	g_autoptr (GString) text = g_string_new ("From: a@example.net\nSubject: Re: x\nReferences:");
	g_autoptr (Message) message = NULL;
	g_autoptr (ThreadKeys) keys = NULL;

	(void) state;
	for (int i = 0; i < 1000; i++)
		g_string_append_printf (text, " <r%d@x>\n", i);
	g_string_append (text, "\nthanks\n");
	message = testlib_message_from_text (text->str);
	keys = thread_keys_new (message, NULL, "LS");
	assert_int_equal (keys->message_ids->len, THREAD_MAX_REFERENCES);
	assert_string_equal (g_ptr_array_index (keys->message_ids, 0), "r999@x");
}

static const struct {
	const char *address;
	ThreadSide side;
} side_cases[] = {
	{ "ccamp@ietf.org", THREAD_SIDE_RECEIVING },         /* the group's list */
	{ "DC@example.net", THREAD_SIDE_RECEIVING },         /* a chair, any case */
	{ "jgs@example.org", THREAD_SIDE_RECEIVING },        /* the AD */
	{ "scott.mansfield@example.com", THREAD_SIDE_RECEIVING }, /* the org's manager */
	{ "tsbsg15@itu.int", THREAD_SIDE_SENDING },          /* the original sender */
	{ "greg.jones@example.com", THREAD_SIDE_SENDING },   /* a response contact */
	{ "someone@lists.itu.int", THREAD_SIDE_SENDING },    /* the org's domain */
	{ "lbianchi@example.net", THREAD_SIDE_UNKNOWN },     /* a chair of another group */
	{ "statements@ietf.org", THREAD_SIDE_UNKNOWN },      /* the relay, for an incoming statement */
	{ "stranger@example.com", THREAD_SIDE_UNKNOWN },
	{ "", THREAD_SIDE_UNKNOWN },
};

static void
test_sides (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = config_load (SRCDIR "/samples/liaison.conf", &error);
	g_autoptr (Statement) statement = statement_new ();

	(void) state;
	assert_non_null (config);
	statement->from_org = g_strdup ("ITU-T SG15");
	statement->from_contact = g_strdup ("Greg Jones <greg.jones@example.com>");
	g_ptr_array_add (statement->response_contacts, g_strdup ("Greg Jones <greg.jones@example.com>"));
	g_ptr_array_add (statement->groups, g_strdup ("ccamp"));
	for (gsize i = 0; i < G_N_ELEMENTS (side_cases); i++) {
		ThreadSide side = thread_side (side_cases[i].address, statement, "tsbsg15@itu.int", config);
		if (side != side_cases[i].side)
			fail_msg ("%s: side %d, expected %d", side_cases[i].address, side, side_cases[i].side);
	}
}

/* The statement of the side and policy tables: ITU-T SG15 to ccamp, sent
 * by tsbsg15@itu.int. */
static Statement *
side_statement (void)
{
	Statement *statement = statement_new ();

	statement->id = g_strdup ("LS-2026-0007");
	statement->from_org = g_strdup ("ITU-T SG15");
	statement->from_contact = g_strdup ("Greg Jones <greg.jones@example.com>");
	g_ptr_array_add (statement->response_contacts, g_strdup ("Greg Jones <greg.jones@example.com>"));
	g_ptr_array_add (statement->groups, g_strdup ("ccamp"));
	return statement;
}

static const struct {
	const char *from;            /* a From header, or NULL */
	const char *original;        /* the original sender's From, or NULL */
	ThreadSide side;
} sender_cases[] = {
	{ "Deborah Brungard <DC@example.net>", "tsbsg15@itu.int", THREAD_SIDE_RECEIVING },
	{ "\"TSB\" <tsbsg15@itu.int>", "TSB SG15 <tsbsg15@itu.int>", THREAD_SIDE_SENDING },
	{ "tsbsg15@itu.int", NULL, THREAD_SIDE_SENDING },          /* the org's domain */
	{ "other@example.org", "other@example.org", THREAD_SIDE_SENDING },
	{ "other@example.org", NULL, THREAD_SIDE_UNKNOWN },
	{ "stranger@example.com", "not an address", THREAD_SIDE_UNKNOWN },
	{ "not an address", "tsbsg15@itu.int", THREAD_SIDE_UNKNOWN },
	{ NULL, "tsbsg15@itu.int", THREAD_SIDE_UNKNOWN },
	{ "", NULL, THREAD_SIDE_UNKNOWN },
};

static void
test_sender_side (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = config_load (SRCDIR "/samples/liaison.conf", &error);
	g_autoptr (Statement) statement = side_statement ();

	(void) state;
	assert_non_null (config);
	for (gsize i = 0; i < G_N_ELEMENTS (sender_cases); i++) {
		ThreadSide side = thread_sender_side (sender_cases[i].from, statement,
		                                      sender_cases[i].original, config);
		if (side != sender_cases[i].side)
			fail_msg ("%s (original %s): side %d, expected %d", sender_cases[i].from,
			          sender_cases[i].original, side, sender_cases[i].side);
	}
}

static ThreadEntry *
entry (const char *role, const char *from)
{
	ThreadEntry *e = g_new0 (ThreadEntry, 1);

	e->role = g_strdup (role);
	e->from = g_strdup (from);
	return e;
}

static void
test_original_from (void **state)
{
	g_autoptr (Statement) statement = statement_new ();

	(void) state;
	assert_null (thread_original_from (statement));
	g_ptr_array_add (statement->thread, entry ("reply", "a@example.org"));
	g_ptr_array_add (statement->thread, entry ("statement", NULL));
	assert_null (thread_original_from (statement));
	g_ptr_array_add (statement->thread, entry ("statement", "TSB <tsbsg15@itu.int>"));
	g_ptr_array_add (statement->thread, entry ("statement", "second@example.org"));
	assert_string_equal (thread_original_from (statement), "TSB <tsbsg15@itu.int>");
}

static const struct {
	const char *name;
	gboolean has_statement;      /* extraction found a statement */
	Purpose purpose;
	const char *thread_id;
	ThreadVia via;
	const char *responds_to;
	gboolean member;
} member_cases[] = {
	{ "no thread found", FALSE, PURPOSE_NONE, NULL, THREAD_VIA_NONE, NULL, FALSE },
	{ "no thread, a statement", TRUE, PURPOSE_ACTION, NULL, THREAD_VIA_NONE, NULL, FALSE },
	{ "a reply by Message-ID", FALSE, PURPOSE_NONE, "LS-2026-0007", THREAD_VIA_MESSAGE_ID, NULL, TRUE },
	{ "a reply by the id in its text", FALSE, PURPOSE_NONE, "LS-2026-0007", THREAD_VIA_TEXT, NULL, TRUE },
	{ "a quoted statement by Message-ID", TRUE, PURPOSE_ACTION, "LS-2026-0007", THREAD_VIA_MESSAGE_ID, NULL, TRUE },
	{ "a quoted statement by our tag", TRUE, PURPOSE_INFORMATION, "LS-2026-0007", THREAD_VIA_TAG, NULL, TRUE },
	{ "a statement naming another in its text", TRUE, PURPOSE_ACTION, "LS-2026-0007", THREAD_VIA_TEXT, NULL, FALSE },
	{ "a response statement", TRUE, PURPOSE_RESPONSE, "LS-2026-0007", THREAD_VIA_MESSAGE_ID, NULL, FALSE },
	{ "a statement that responds to one", TRUE, PURPOSE_ACTION, "LS-2026-0007", THREAD_VIA_TAG, "LS-2026-0003", FALSE },
	{ "no statement: responds_to does not matter", FALSE, PURPOSE_NONE, "LS-2026-0007", THREAD_VIA_TEXT, "LS-2026-0003", TRUE },
};

static void
test_member (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (member_cases); i++) {
		g_autoptr (Statement) statement = member_cases[i].has_statement ? statement_new () : NULL;
		gboolean member;

		if (statement != NULL)
			statement->purpose = member_cases[i].purpose;
		member = thread_is_member (statement, member_cases[i].thread_id, member_cases[i].via,
		                           member_cases[i].responds_to);
		if (member != member_cases[i].member)
			fail_msg ("%s: member %d, expected %d", member_cases[i].name, member,
			          member_cases[i].member);
	}
}

static const struct {
	const char *kind;
	ThreadSide side;
	ThreadRole role;
	const char *name;
} role_cases[] = {
	{ "reply", THREAD_SIDE_RECEIVING, THREAD_ROLE_REPLY, "reply" },
	{ "reply", THREAD_SIDE_UNKNOWN, THREAD_ROLE_REPLY, "reply" },
	{ "reply", THREAD_SIDE_SENDING, THREAD_ROLE_FOLLOW_UP, "follow-up" },
	{ "other", THREAD_SIDE_SENDING, THREAD_ROLE_FOLLOW_UP, "follow-up" },
	{ "other", THREAD_SIDE_UNKNOWN, THREAD_ROLE_REPLY, "reply" },
	{ "auto-reply", THREAD_SIDE_SENDING, THREAD_ROLE_AUTO_REPLY, "auto-reply" },
	{ "auto-reply", THREAD_SIDE_RECEIVING, THREAD_ROLE_AUTO_REPLY, "auto-reply" },
	{ "bounce", THREAD_SIDE_SENDING, THREAD_ROLE_BOUNCE, "bounce" },
	{ "bounce", THREAD_SIDE_UNKNOWN, THREAD_ROLE_BOUNCE, "bounce" },
	{ NULL, THREAD_SIDE_UNKNOWN, THREAD_ROLE_REPLY, "reply" },
};

static void
test_role (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (role_cases); i++) {
		ThreadRole role = thread_role (role_cases[i].kind, role_cases[i].side);
		if (role != role_cases[i].role)
			fail_msg ("%s, side %d: role %d, expected %d", role_cases[i].kind, role_cases[i].side,
			          role, role_cases[i].role);
		assert_string_equal (thread_role_to_string (role), role_cases[i].name);
	}
}

static const struct {
	ThreadRole role;
	const char *refused;         /* why its effect is not allowed, or NULL */
	StatementState state;        /* the statement's state now */
	const char *from, *message_id, *note;
	ThreadEffectKind kind;
	const char *new_state, *event, *detail;
} effect_cases[] = {
	{ THREAD_ROLE_REPLY, NULL, STATE_OPEN, "Chair <dc@example.net>", "r1@x", NULL,
	  THREAD_EFFECT_REPLIED, "replied", "replied", "reply from Chair <dc@example.net> <r1@x>" },
	{ THREAD_ROLE_REPLY, NULL, STATE_CLOSED, "dc@example.net", "r1@x", NULL,
	  THREAD_EFFECT_REPLIED, NULL, "replied", "reply from dc@example.net <r1@x>" },
	{ THREAD_ROLE_REPLY, NULL, STATE_HELD, "dc@example.net", NULL,
	  ", the response statement LS-2026-0009",
	  THREAD_EFFECT_REPLIED, "replied", "replied",
	  "reply from dc@example.net <>, the response statement LS-2026-0009" },
	{ THREAD_ROLE_REPLY, THREAD_REFUSED_OUTSIDER, STATE_OPEN, "x@example.com", "r2@x", NULL,
	  THREAD_EFFECT_EVENT, NULL, "reply",
	  "reply from x@example.com <r2@x> not counted: " THREAD_REFUSED_OUTSIDER "; state unchanged" },
	{ THREAD_ROLE_REPLY, THREAD_REFUSED_UNVOUCHED, STATE_OPEN, "dc@example.net", "r3@x", NULL,
	  THREAD_EFFECT_EVENT, NULL, "reply",
	  "reply from dc@example.net <r3@x> not counted: " THREAD_REFUSED_UNVOUCHED "; state unchanged" },
	{ THREAD_ROLE_REPLY, THREAD_REFUSED_OUTSIDER, STATE_OPEN, NULL, "r2@x", " (it came before its parent)",
	  THREAD_EFFECT_EVENT, NULL, "reply",
	  "reply from (unknown sender) <r2@x> not counted: " THREAD_REFUSED_OUTSIDER "; state unchanged"
	  " (it came before its parent)" },
	{ THREAD_ROLE_FOLLOW_UP, NULL, STATE_OPEN, "tsb@itu.int", "f1@x", NULL,
	  THREAD_EFFECT_EVENT, NULL, "follow-up",
	  "follow-up from tsb@itu.int <f1@x>, forwarded to the statement's routes" },
	{ THREAD_ROLE_FOLLOW_UP, "unauthorized sender", STATE_OPEN, "Greg <greg.jones@example.com>", "f2@x",
	  NULL, THREAD_EFFECT_EVENT, NULL, "follow-up",
	  "follow-up from Greg <greg.jones@example.com> <f2@x> not forwarded: unauthorized sender" },
	{ THREAD_ROLE_FOLLOW_UP, "it came before its parent", STATE_OPEN, "tsb@itu.int\r\nBcc: x", "f1@x",
	  NULL, THREAD_EFFECT_EVENT, NULL, "follow-up",
	  "follow-up from tsb@itu.int Bcc: x <f1@x> not forwarded: it came before its parent" },
	{ THREAD_ROLE_AUTO_REPLY, NULL, STATE_OPEN, "a@x", "a@x", NULL,
	  THREAD_EFFECT_NONE, NULL, NULL, NULL },
	{ THREAD_ROLE_BOUNCE, NULL, STATE_OPEN, "mailer-daemon@x", "b@x", NULL,
	  THREAD_EFFECT_NONE, NULL, NULL, NULL },
};

static void
test_effect (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (effect_cases); i++) {
		g_autoptr (Statement) statement = statement_new ();
		g_autoptr (ThreadEffect) effect = NULL;

		statement->state = effect_cases[i].state;
		effect = thread_effect_new (statement, effect_cases[i].role, effect_cases[i].refused,
		                            effect_cases[i].from, effect_cases[i].message_id,
		                            effect_cases[i].note);
		if (effect->kind != effect_cases[i].kind)
			fail_msg ("case %zu: kind %d, expected %d", i, effect->kind, effect_cases[i].kind);
		assert_true (g_strcmp0 (effect->state, effect_cases[i].new_state) == 0);
		assert_true (g_strcmp0 (effect->event, effect_cases[i].event) == 0);
		if (g_strcmp0 (effect->detail, effect_cases[i].detail) != 0)
			fail_msg ("case %zu: detail \"%s\", expected \"%s\"", i, effect->detail,
			          effect_cases[i].detail);
	}
}

/* Who may mark a statement replied (SPEC §7): only a receiving-side
 * person of the directory, and only when our server vouches for the From.
 * The thread is side_statement() (ITU-T SG15 to ccamp); an outgoing one
 * is the IETF's (From Group: a group of ours); a carried statement is a
 * response statement the message itself is. */
typedef enum { OWN_NONE, OWN_CCAMP, OWN_MPLS } Own;

static const struct {
	const char *name;
	const char *address;
	gboolean vouched;
	Own thread_from;             /* the thread statement is the IETF's own, from this group */
	Own carried;                 /* the message carries a statement of this group (NONE: none) */
	const char *refused;
} reply_cases[] = {
	{ "the group's list", "ccamp@ietf.org", TRUE, OWN_NONE, OWN_NONE, NULL },
	{ "a chair, any case", "DC@example.net", TRUE, OWN_NONE, OWN_NONE, NULL },
	{ "the AD", "jgs@example.org", TRUE, OWN_NONE, OWN_NONE, NULL },
	{ "the organization's manager", "scott.mansfield@example.com", TRUE, OWN_NONE, OWN_NONE, NULL },
	{ "a chair our server does not vouch for", "dc@example.net", FALSE, OWN_NONE, OWN_NONE,
	  THREAD_REFUSED_UNVOUCHED },
	{ "a stranger", "stranger@example.com", TRUE, OWN_NONE, OWN_NONE, THREAD_REFUSED_OUTSIDER },
	{ "a stranger, not vouched either", "stranger@example.com", FALSE, OWN_NONE, OWN_NONE,
	  THREAD_REFUSED_OUTSIDER },
	{ "a response contact named in the statement", "greg.jones@example.com", TRUE, OWN_NONE, OWN_NONE,
	  THREAD_REFUSED_OUTSIDER },
	{ "a technical contact named in the statement", "emma.wright@example.co.uk", TRUE, OWN_NONE,
	  OWN_NONE, THREAD_REFUSED_OUTSIDER },
	{ "the original sender", "tsbsg15@itu.int", TRUE, OWN_NONE, OWN_NONE, THREAD_REFUSED_OUTSIDER },
	{ "an address in the organization's domains", "chair@itu.int", TRUE, OWN_NONE, OWN_NONE,
	  THREAD_REFUSED_OUTSIDER },
	{ "a chair of another group", "lbianchi@example.net", TRUE, OWN_NONE, OWN_NONE,
	  THREAD_REFUSED_OUTSIDER },
	{ "no address", NULL, TRUE, OWN_NONE, OWN_NONE, THREAD_REFUSED_OUTSIDER },
	{ "the relay, for an incoming statement", "statements@ietf.org", TRUE, OWN_NONE, OWN_NONE,
	  THREAD_REFUSED_OUTSIDER },
	{ "the relay, for the IETF's own statement", "Statements@IETF.org", TRUE, OWN_MPLS, OWN_NONE, NULL },
	{ "the relay, for the IETF's own, not vouched", "statements@ietf.org", FALSE, OWN_MPLS, OWN_NONE,
	  THREAD_REFUSED_UNVOUCHED },
	{ "the relay carrying ccamp's own response", "statements@ietf.org", TRUE, OWN_NONE, OWN_CCAMP, NULL },
	{ "the relay carrying another group's response", "statements@ietf.org", TRUE, OWN_NONE, OWN_MPLS,
	  THREAD_REFUSED_OUTSIDER },
	{ "another address carrying ccamp's response", "x@ietf.org", TRUE, OWN_NONE, OWN_CCAMP,
	  THREAD_REFUSED_OUTSIDER },
};

static const char *
own_text (Own own)
{
	return own == OWN_CCAMP ? "Common Control and Measurement Plane (ccamp)"
	     : own == OWN_MPLS ? "Multiprotocol Label Switching" : "ITU-T Study Group 15 (itu-t-sg-15)";
}

static void
test_reply_refused (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = config_load (SRCDIR "/samples/liaison.conf", &error);

	(void) state;
	assert_non_null (config);
	for (gsize i = 0; i < G_N_ELEMENTS (reply_cases); i++) {
		g_autoptr (Statement) thread = side_statement ();
		g_autoptr (Statement) carried = NULL;
		const char *refused;

		g_ptr_array_add (thread->technical_contacts, g_strdup ("Emma Wright <emma.wright@example.co.uk>"));
		thread->from_org_text = g_strdup (own_text (reply_cases[i].thread_from));
		if (reply_cases[i].carried != OWN_NONE) {
			carried = statement_new ();
			carried->from_org_text = g_strdup (own_text (reply_cases[i].carried));
		}
		refused = thread_reply_refused (config, thread, reply_cases[i].address, reply_cases[i].vouched,
		                                carried);
		if (g_strcmp0 (refused, reply_cases[i].refused) != 0)
			fail_msg ("%s: refused \"%s\", expected \"%s\"", reply_cases[i].name, refused,
			          reply_cases[i].refused);
	}
}

static const struct {
	const char *from_org_text;
	const char *group;           /* thread_own_group(), or NULL */
} own_cases[] = {
	{ "Multiprotocol Label Switching", "mpls" },
	{ "Multiprotocol Label Switching (mpls)", "mpls" },
	{ "IETF CCAMP WG (ccamp)", "ccamp" },
	{ "CCAMP WG", "ccamp" },
	{ "ITU-T Study Group 15 (itu-t-sg-15)", NULL },
	{ "ITU-T SG15 (Greg Jones)", NULL },
	{ "Broadband Forum", NULL },
	{ "(ccamp)", NULL },
	{ "", NULL },
	{ NULL, NULL },
};

static void
test_own_group (void **state)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = config_load (SRCDIR "/samples/liaison.conf", &error);

	(void) state;
	assert_non_null (config);
	assert_null (thread_own_group (config, NULL));
	for (gsize i = 0; i < G_N_ELEMENTS (own_cases); i++) {
		g_autoptr (Statement) statement = statement_new ();
		const Group *group;

		statement->from_org_text = g_strdup (own_cases[i].from_org_text);
		group = thread_own_group (config, statement);
		if (g_strcmp0 (group != NULL ? group->name : NULL, own_cases[i].group) != 0)
			fail_msg ("%s: group %s, expected %s", own_cases[i].from_org_text,
			          group != NULL ? group->name : "none", own_cases[i].group);
	}
}

static void
test_relate (void **state)
{
	g_autoptr (Statement) statement = statement_new ();
	const Related *rel;

	(void) state;
	thread_relate (statement, "LS-2026-0003");
	thread_relate (statement, "ls-2026-0003");     /* once, in any case */
	assert_int_equal (statement->related->len, 1);
	rel = g_ptr_array_index (statement->related, 0);
	assert_string_equal (rel->id, "LS-2026-0003");
	assert_string_equal (rel->relation, "responds-to");
	thread_relate (statement, "LS-2026-0004");
	assert_int_equal (statement->related->len, 2);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_keys),
		cmocka_unit_test (test_references_bounded),
		cmocka_unit_test (test_sides),
		cmocka_unit_test (test_sender_side),
		cmocka_unit_test (test_original_from),
		cmocka_unit_test (test_member),
		cmocka_unit_test (test_role),
		cmocka_unit_test (test_effect),
		cmocka_unit_test (test_reply_refused),
		cmocka_unit_test (test_own_group),
		cmocka_unit_test (test_relate),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
