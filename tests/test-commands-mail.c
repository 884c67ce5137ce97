/* test-commands-mail.c: the command lines at the start of a reply
 * (stages/commands-mail.h); table-driven. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stages/commands-mail.h"
#include "testlib.h"

static char *tmpdir;

static const struct {
	const char *name;
	const char *text;
	const char *commands;    /* verb[:value or groups] per command, '|'-joined */
	gboolean only;
	guint errors;
} cases[] = {
	{ "one command, case-insensitive", "Taken\n", "taken", TRUE, 0 },
	{ "leading blank lines, then commands", "\n\nclose\nREOPEN\n", "close|reopen", TRUE, 0 },
	{ "route, groups by name or alias", "route CCAMP teas\n", "route:ccamp,teas", TRUE, 0 },
	{ "deadline", "deadline 2027-02-01\n", "deadline:2027-02-01", TRUE, 0 },
	{ "note keeps its text", "note Discussed  at the interim\n", "note:Discussed  at the interim",
	  TRUE, 0 },
	{ "quoted text and a signature are no content",
	  "taken\n\nOn Mon, 30 Nov 2026, liaison wrote:\n> Reply to this message\n\n-- \nDaniele\nChair\n",
	  "taken", TRUE, 0 },
	{ "prose after the commands: not only commands",
	  "taken\nThanks, we answered at the interim.\n", "taken", FALSE, 0 },
	{ "prose first: no commands", "Thanks.\ntaken\n", "", FALSE, 0 },
	{ "a quote first: no commands", "> taken\n", "", FALSE, 0 },
	{ "a malformed date", "deadline tomorrow\n", "deadline!", TRUE, 1 },
	{ "an impossible date", "deadline 2027-02-30\n", "deadline!", TRUE, 1 },
	{ "an unknown group", "route nosuchgroup\n", "route!", TRUE, 1 },
	{ "dismiss", "dismiss\n", "dismiss", TRUE, 0 },
	{ "a held message's handle names the line", "hm-2026-0005 dismiss\n",
	  "HM-2026-0005 dismiss", TRUE, 0 },
	{ "another prefix does not", "XX-2026-0005 dismiss\n", "", FALSE, 0 },
	{ "dismiss takes no argument", "dismiss it now\n", "dismiss!", TRUE, 1 },
	{ "promote keeps its fields", "promote to=ccamp from=ITU-T SG15\n",
	  "promote:to=ccamp from=ITU-T SG15", TRUE, 0 },
	{ "promote without a field", "promote it please\n", "promote!", TRUE, 1 },
	{ "route without a group", "route\n", "route!", TRUE, 1 },
	{ "taken takes no argument", "taken LS-2026-0001\n", "taken!", TRUE, 1 },
	{ "note without text", "note\n", "note!", TRUE, 1 },
	{ "a digest's line names its statement", "LS-2026-0007 taken\nls-2026-12 deadline 2027-01-20\n",
	  "LS-2026-0007 taken|LS-2026-12 deadline:2027-01-20", TRUE, 0 },
	{ "an id alone is no command", "LS-2026-0007\ntaken\n", "", FALSE, 0 },
	{ "an id of another form is no command", "LS-26-0007 taken\n", "", FALSE, 0 },
	{ "an id with a malformed command", "LS-2026-0007 route nosuchgroup\n", "LS-2026-0007 route!",
	  TRUE, 1 },
	{ "approve, then a quote", "approve\n\n> LS-2026-0001 for approval\n", "approve", TRUE, 0 },
	{ "reject keeps its reason", "Reject not the right peer\n", "reject:not the right peer",
	  TRUE, 0 },
	{ "reject without a reason", "reject\n", "reject!", TRUE, 1 },
	{ "approve takes no argument", "approve it\n", "approve!", TRUE, 1 },
	{ "empty", "", "", FALSE, 0 },
};

static char *
describe (const MailCommands *commands)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < commands->commands->len; i++) {
		const MailCommand *c = g_ptr_array_index (commands->commands, i);

		if (i > 0)
			g_string_append_c (out, '|');
		if (c->statement != NULL)
			g_string_append_printf (out, "%s ", c->statement);
		g_string_append (out, mail_command_verb (c->kind));
		if (c->error != NULL)
			g_string_append_c (out, '!');
		else if (c->value != NULL)
			g_string_append_printf (out, ":%s", c->value);
		else if (c->groups != NULL && c->groups->len > 0) {
			g_string_append_c (out, ':');
			for (guint k = 0; k < c->groups->len; k++)
				g_string_append_printf (out, "%s%s", k > 0 ? "," : "",
				                        (const char *) g_ptr_array_index (c->groups, k));
		}
	}
	return g_string_free (out, FALSE);
}

static void
test_cases (void **state)
{
	g_autoptr (Config) config = testlib_load_config (tmpdir,
		"[liaison]\naddress = statements@example.org\ndatabase = db\nspool = spool\n"
		"triage = triage@example.org\n"
		"[org ITU-T SG15]\ndomains = itu.int\n"
		"[group ccamp]\nlist = ccamp@ietf.org\n"
		"[group teas]\nlist = teas@ietf.org\naliases = traffic\n");

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (MailCommands) commands = mail_commands_parse (cases[i].text, config);
		g_autofree char *got = describe (commands);

		if (strcmp (got, cases[i].commands) != 0 || commands->only != cases[i].only ||
		    commands->errors != cases[i].errors)
			fail_msg ("%s: got \"%s\" only=%d errors=%u", cases[i].name, got, commands->only,
			          commands->errors);
	}
}

/* promote's FIELD=VALUE words: a value runs to the next field. */
static void
test_promote_args (void **state)
{
	static const struct {
		const char *value;
		const char *args;    /* '|'-joined */
	} args_cases[] = {
		{ "to=ccamp", "to=ccamp" },
		{ "title=LS on lunch from=ITU-T SG15  to=teas;ccamp purpose=action deadline=2027-01-15",
		  "title=LS on lunch|from=ITU-T SG15|to=teas;ccamp|purpose=action|deadline=2027-01-15" },
		{ "  TO=ccamp Title=a=b c  ", "TO=ccamp|Title=a=b c" },
		{ "from=IEEE 802.1 title=x to= y", "from=IEEE 802.1|title=x|to= y" },
		{ "", "" },
	};

	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (args_cases); i++) {
		guint n = 99;
		g_auto (GStrv) args = mail_command_promote_args (args_cases[i].value, &n);
		g_autofree char *got = g_strjoinv ("|", args);

		if (strcmp (got, args_cases[i].args) != 0 || n != g_strv_length (args))
			fail_msg ("\"%s\": got \"%s\" (%u)", args_cases[i].value, got, n);
	}
}

static int
setup (void **state)
{
	g_autoptr (GError) error = NULL;

	(void) state;
	tmpdir = g_dir_make_tmp ("test-commands-mail-XXXXXX", &error);
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
		cmocka_unit_test (test_cases),
		cmocka_unit_test (test_promote_args),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
