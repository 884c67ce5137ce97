/* liaison.c: main. Global options, dispatch to one command, and the only
 * place that picks an exit status: status_to_exit(). */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"
#include "cmd/common.h"

typedef struct {
	const char *name;
	LiaisonStatus (*run) (const GlobalOptions *options, int argc, char **argv);
	const char *usage;
} Command;

static const Command commands[] = {
	{ "deliver", cmd_deliver, "deliver [-f SENDER] [-r RECIPIENT] [-e EXTENSION]" },
	{ "list", cmd_list, "list [--state S] [--purpose P] [--from ORG] [--to GROUP] [--overdue] [--held] [--json]" },
	{ "show", cmd_show, "show ID [--json]" },
	{ "thread", cmd_thread, "thread ID [--json]" },
	{ "route", cmd_route, "route ID GROUP... [--by WHO]" },
	{ "promote", cmd_promote, "promote HANDLE FIELD=VALUE... [--by WHO]" },
	{ "dismiss", cmd_dismiss, "dismiss ID [--by WHO]" },
	{ "close", cmd_close, "close ID [--by WHO]" },
	{ "reopen", cmd_reopen, "reopen ID [--by WHO]" },
	{ "taken", cmd_taken, "taken ID [--by WHO]" },
	{ "edit", cmd_edit, "edit ID FIELD=VALUE... [--by WHO] [--note TEXT]" },
	{ "submit", cmd_submit, "submit FILE|- [DOCUMENT...] [--by WHO] [--approved]" },
	{ "approve", cmd_approve, "approve ID [--by WHO]" },
	{ "reject", cmd_reject, "reject ID --reason TEXT [--by WHO]" },
	{ "attachment", cmd_attachment, "attachment ID [N|NAME] [-o FILE] [--list]" },
	{ "purge", cmd_purge, "purge ID --reason TEXT [--by WHO]" },
	{ "search", cmd_search, "search QUERY [--json] [--limit N]" },
	{ "remind", cmd_remind, "remind [--dry-run] [--today YYYY-MM-DD] [--json] [--authorized]" },
	{ "digest", cmd_digest, "digest [--since YYYY-MM-DD] [--dry-run] [--today YYYY-MM-DD]" },
	{ "queue", cmd_queue, "queue [list|run] [--all] [--json] [--interrupted]" },
	{ "reinject", cmd_reinject, "reinject [--dry-run] [--resend] SOURCE..." },
	{ "export", cmd_export, "export --format json|csv|atom|ical|html [--public] [-o PATH]" },
	{ "publish", cmd_publish, "publish [--if-changed]" },
	{ "check", cmd_check, "check" },
	{ "rebuild", cmd_rebuild, "rebuild [--force]" },
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

/* The one map from a command's status to the process exit status
 * (notmuch's status_to_exit(), Postfix's sys_exits table). The numbers are
 * the ones liaison has always had, which scripts, cron jobs and the MTA
 * rely on: 0; 1 (EXIT_FAILURE) for an error; 2 for a usage error, as GNU
 * tools and GOption programs have it (not sysexits' EX_USAGE, 64, which no
 * caller of ours expects); and EX_TEMPFAIL, 75, for "try again later", the
 * one code Postfix and procmail defer on rather than bounce. deliver
 * returns only OK and TEMPFAIL. Anything unexpected is 75, because Postfix
 * bounces every other status to the sender. */
static int
status_to_exit (LiaisonStatus status)
{
	switch (status) {
	case LIAISON_STATUS_OK:
		return EX_OK;
	case LIAISON_STATUS_ERROR:
		return EXIT_FAILURE;
	case LIAISON_STATUS_USAGE:
		return 2;
	case LIAISON_STATUS_TEMPFAIL:
		return EX_TEMPFAIL;
	}
	return EX_TEMPFAIL;
}

int
main (int argc, char **argv)
{
	GlobalOptions options = { NULL };
	int i;

	/* The locale's character set, for GLib's conversions of what we
	 * print; arguments are UTF-8 whatever it says (deliver reads its
	 * envelope as bytes, see cmd/deliver.c). Numbers, dates and sorting
	 * stay the C locale's: what we compose and export must not depend on
	 * the environment of the MTA that runs us. */
	setlocale (LC_ALL, "");
	setlocale (LC_NUMERIC, "C");
	setlocale (LC_TIME, "C");
	setlocale (LC_COLLATE, "C");
	/* A reader that stops early (`liaison list | head -1`) must not kill
	 * us: a command may be in the middle of its work (queue run), and
	 * the write fails with EPIPE instead, which the commands take as a
	 * quiet end (command_output_closed()). sendmail gets the default
	 * back before it runs. */
	signal (SIGPIPE, SIG_IGN);

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp (arg, "-c") == 0) {
			if (i + 1 >= argc) {
				command_print_verbatim (NULL, "-c needs a file");
				return status_to_exit (LIAISON_STATUS_USAGE);
			}
			options.config_path = argv[++i];
		} else if (g_str_has_prefix (arg, "-c")) {
			options.config_path = arg + 2;
		} else if (strcmp (arg, "--version") == 0) {
			version ();
			return status_to_exit (command_finish_output (LIAISON_STATUS_OK));
		} else if (strcmp (arg, "-h") == 0 || strcmp (arg, "--help") == 0) {
			usage (stdout);
			return status_to_exit (command_finish_output (LIAISON_STATUS_OK));
		} else if (arg[0] == '-') {
			command_print_verbatim (NULL, "unknown option '%s'", arg);
			usage (stderr);
			return status_to_exit (LIAISON_STATUS_USAGE);
		} else {
			break;
		}
	}
	if (i >= argc) {
		usage (stderr);
		return status_to_exit (LIAISON_STATUS_USAGE);
	}
	for (gsize c = 0; c < G_N_ELEMENTS (commands); c++)
		if (strcmp (argv[i], commands[c].name) == 0)
			return status_to_exit (command_finish_output (commands[c].run (&options, argc - i,
			                                                               argv + i)));

	command_print_verbatim (NULL, "unknown command '%s'", argv[i]);
	usage (stderr);
	return status_to_exit (LIAISON_STATUS_USAGE);
}
