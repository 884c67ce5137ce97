/* test-classify.c: classification order and the RFC 3834 "automatic" test,
 * table-driven over small hand-written messages. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "stages/classify.h"
#include "input/message.h"
#include "testlib.h"

#define STATEMENT_HEADERS "From: Greg Jones <greg@itu.int>\nTo: statements@example.org\n" \
	"Subject: New Liaison Statement\nMessage-ID: <a@itu.int>\n"

typedef struct {
	const char *name;
	const char *sender;          /* envelope -f, or NULL */
	const char *text;            /* the message */
	gboolean has_statement;      /* extraction found statement content */
	gboolean in_thread;
	MessageClass expected;
	gboolean automatic;          /* classify_is_automatic */
} ClassifyCase;

static const ClassifyCase cases[] = {
	{ "plain statement", "greg@itu.int", STATEMENT_HEADERS "\nTitle: x\n",
	  TRUE, FALSE, CLASS_STATEMENT, FALSE },
	{ "our own X-Loop", "greg@itu.int", STATEMENT_HEADERS "X-Loop: statements@example.org\n\nx\n",
	  TRUE, FALSE, CLASS_LOOP, FALSE },
	{ "X-Loop of someone else is no loop", "greg@itu.int",
	  STATEMENT_HEADERS "X-Loop: other@example.net\n\nx\n", TRUE, FALSE, CLASS_STATEMENT, FALSE },
	{ "sent by us", "statements@example.org",
	  "From: statements@example.org\nSubject: [LS-2026-0001] x\n\nx\n", TRUE, FALSE, CLASS_LOOP, FALSE },
	{ "sent by us with a VERP envelope sender", "statements+bounce-abc234@example.org",
	  "From: Someone <someone@example.net>\nSubject: x\n\nx\n", FALSE, FALSE, CLASS_LOOP, FALSE },
	{ "another +extension of ours is no loop", "statements+ccamp@example.org",
	  "From: someone@example.net\nSubject: hello\n\nhi\n", FALSE, FALSE, CLASS_OTHER, FALSE },
	{ "null envelope sender", "",
	  "From: someone@example.net\nSubject: Undelivered\n\nx\n", FALSE, FALSE, CLASS_BOUNCE, TRUE },
	{ "multipart/report", "x@example.net",
	  "From: postmaster@example.net\nSubject: DSN\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nfailed\n--b--\n",
	  FALSE, FALSE, CLASS_BOUNCE, TRUE },
	{ "MAILER-DAEMON", NULL, "From: MAILER-DAEMON@mx.example.net\nSubject: failure\n\nx\n",
	  FALSE, FALSE, CLASS_BOUNCE, TRUE },
	{ "Auto-Submitted auto-replied", "a@example.net",
	  "From: a@example.net\nAuto-Submitted: auto-replied\nSubject: Re: LS\n\naway\n",
	  FALSE, TRUE, CLASS_AUTO_REPLY, TRUE },
	{ "Auto-Submitted no is a person", "a@example.net",
	  "From: a@example.net\nAuto-Submitted: no\nSubject: Re: LS\n\nthanks\n",
	  FALSE, TRUE, CLASS_REPLY, FALSE },
	{ "out-of-office subject", "a@example.net",
	  "From: a@example.net\nSubject: Out of Office: Re: LS on OTN\n\naway\n",
	  FALSE, TRUE, CLASS_AUTO_REPLY, FALSE },
	{ "Datatracker notification is a statement despite bulk", "a@ietf.org",
	  "From: Liaison Statement Management Tool <statements@ietf.org>\nAuto-Submitted: auto-generated\nPrecedence: bulk\nSubject: New Liaison Statement\n\nTitle: x\n",
	  TRUE, FALSE, CLASS_STATEMENT, TRUE },
	{ "list reply in a thread is a reply", "ccamp-bounces@ietf.org",
	  "From: Chair <chair@example.net>\nPrecedence: list\nList-Id: <ccamp.ietf.org>\nSubject: Re: [LS-2026-0001] x\n\nWe agree.\n",
	  FALSE, TRUE, CLASS_REPLY, TRUE },
	{ "list mail outside a thread is an auto-reply", "ccamp-bounces@ietf.org",
	  "From: Chair <chair@example.net>\nPrecedence: list\nSubject: agenda\n\nx\n",
	  FALSE, FALSE, CLASS_AUTO_REPLY, TRUE },
	{ "ordinary mail is other", "a@example.net", "From: a@example.net\nSubject: hello\n\nhi\n",
	  FALSE, FALSE, CLASS_OTHER, FALSE },
	{ "owner- sender is automatic", "owner-x@example.net",
	  "From: owner-x@example.net\nSubject: hello\n\nhi\n", FALSE, FALSE, CLASS_OTHER, TRUE },
	{ "a subject mentioning absence is not out of office", "a@example.net",
	  "From: a@example.net\nSubject: Re: absence of a reply\n\nhi\n", FALSE, TRUE, CLASS_REPLY, FALSE },
};

static Message *
message_from_text (const char *text, const char *sender)
{
	Message *message = testlib_message_from_text (text);

	message->sender = g_strdup (sender);
	return message;
}

static void
test_cases (void **state)
{
	Config config = { 0 };

	(void) state;
	config.address = (char *) "statements@example.org";
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		const ClassifyCase *c = &cases[i];
		g_autoptr (Message) message = message_from_text (c->text, c->sender);
		g_autoptr (Statement) statement = c->has_statement ? statement_new () : NULL;
		MessageClass got = classify_message (message, &config, statement, c->in_thread);
		gboolean automatic = classify_is_automatic (message);

		if (got != c->expected || automatic != c->automatic)
			fail_msg ("%s: class %s (expected %s), automatic %d (expected %d)", c->name,
			          message_class_to_string (got), message_class_to_string (c->expected),
			          automatic, c->automatic);
	}
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_cases),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
