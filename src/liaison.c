/* liaison.c: main. Global options, dispatch to one command, and the only
 * place (with the commands it calls) that picks an exit status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

typedef struct {
	const char *name;
	int (*run) (const GlobalOptions *options, int argc, char **argv);
	const char *usage;
} Command;

static const Command commands[] = {
	{ "deliver", cmd_deliver, "deliver [-f SENDER] [-r RECIPIENT] [-e EXTENSION]" },
	{ "list", cmd_list, "list [--state S] [--purpose P] [--from ORG] [--to GROUP] [--overdue] [--json]" },
	{ "show", cmd_show, "show ID [--json]" },
	{ "thread", cmd_thread, "thread ID [--json]" },
	{ "route", cmd_route, "route ID GROUP..." },
	{ "close", cmd_close, "close ID" },
	{ "reopen", cmd_reopen, "reopen ID" },
	{ "taken", cmd_taken, "taken ID" },
	{ "search", cmd_search, "search QUERY [--json] [--limit N]" },
	{ "remind", cmd_remind, "remind [--dry-run] [--today YYYY-MM-DD] [--json]" },
	{ "queue", cmd_queue, "queue [list|run] [--all] [--json] [--interrupted]" },
	{ "reinject", cmd_reinject, "reinject [--dry-run] [--resend] SOURCE..." },
	{ "export", cmd_export, "export --format json|csv|atom|html [-o PATH]" },
	{ "check", cmd_check, "check" },
};

static void
usage (FILE *out)
{
	fprintf (out, "Usage: liaison [-c FILE] COMMAND [OPTIONS]\n\nCommands:\n");
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
		fprintf (out, "  %s\n", commands[i].usage);
	fprintf (out, "\nOptions:\n"
	         "  -c FILE      configuration file (default $LIAISON_CONFIG, else %s/liaison/liaison.conf)\n"
	         "  --version    print the version and the features built in\n"
	         "  -h, --help   print this help\n"
	         "\nSee liaison(1) and liaison.conf(5).\n", SYSCONFDIR);
}

static void
version (void)
{
	printf ("liaison %s\n", PACKAGE_VERSION);
#ifdef WITH_DOCUMENTS
	printf ("documents: pdf docx\n");
#else
	printf ("documents: none\n");
#endif
}

void
command_print_error (const char *command, const char *text)
{
	g_autofree char *line = g_strdup (text != NULL ? text : "unknown error");

	g_strdelimit (line, "\r\n", ' ');
	fprintf (stderr, "liaison: %s: %s\n", command, line);
}

char *
command_today (void)
{
	const char *env = g_getenv ("LIAISON_TODAY");
	g_autoptr (GDateTime) now = NULL;

	if (env != NULL && *env != '\0')
		return g_strdup (env);
	now = g_date_time_new_now_utc ();
	return g_date_time_format (now, "%Y-%m-%d");
}

char *
command_now (void)
{
	const char *env = g_getenv ("LIAISON_NOW");
	g_autoptr (GDateTime) now = NULL;

	if (env != NULL && *env != '\0')
		return g_strdup (env);
	now = g_date_time_new_now_utc ();
	return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

int
main (int argc, char **argv)
{
	GlobalOptions options = { NULL };
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp (arg, "-c") == 0) {
			if (i + 1 >= argc) {
				fprintf (stderr, "liaison: -c needs a file\n");
				return 2;
			}
			options.config_path = argv[++i];
		} else if (g_str_has_prefix (arg, "-c")) {
			options.config_path = arg + 2;
		} else if (strcmp (arg, "--version") == 0) {
			version ();
			return 0;
		} else if (strcmp (arg, "-h") == 0 || strcmp (arg, "--help") == 0) {
			usage (stdout);
			return 0;
		} else if (arg[0] == '-') {
			fprintf (stderr, "liaison: unknown option '%s'\n", arg);
			usage (stderr);
			return 2;
		} else {
			break;
		}
	}
	if (i >= argc) {
		usage (stderr);
		return 2;
	}
	for (gsize c = 0; c < G_N_ELEMENTS (commands); c++)
		if (strcmp (argv[i], commands[c].name) == 0)
			return commands[c].run (&options, argc - i, argv + i);

	fprintf (stderr, "liaison: unknown command '%s'\n", argv[i]);
	usage (stderr);
	return 2;
}
