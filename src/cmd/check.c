/* cmd/check.c: `liaison check`. Validates the configuration, the directory
 * and the database, prints one line per problem (on stdout: they are its
 * output), and returns ERROR (exit 1) if there is any. Warnings (a
 * setting that leaves a door open, SECURITY.md) are printed too, and do
 * not change the exit status. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "commands.h"
#include "cmd/common.h"
#include "base/conf.h"
#include "base/error.h"
#include "base/etpan.h"
#include "base/runas.h"
#include "base/xml-lib.h"
#include "export/export.h"
#include "input/document.h"
#include "store/secret.h"
#include "store/store.h"

/* The libraries opened on first use rather than linked (dlopen): one
 * missing would otherwise be found by the first message or command that
 * needs it. Without libxml2 every HTML message is deferred, and without
 * libetpan the SMTP hand-over fails: problems. The rest is a warning:
 * what needs it says so when it runs (an mbox reinject, a document's
 * text, the iCalendar feed), and the timers, which run only when `check`
 * passes, go on. */
static void
check_libraries (const Config *config, GPtrArray *problems, GPtrArray *warnings)
{
	g_autoptr (GError) xml = NULL, mbox = NULL, ical = NULL;

	if (!xml_lib_load (&xml))
		g_ptr_array_add (problems, g_strdup_printf ("libxml2 (HTML mail, DOCX, the Atom "
		                                            "feed): %s", xml->message));
	if (!etpan_load (LIAISON_ERROR_FAILED, &mbox))
		g_ptr_array_add (config->method == DELIVERY_SMTP ? problems : warnings,
		                 g_strdup_printf ("libetpan (delivery by SMTP, reinject of an mbox): "
		                                  "%s", mbox->message));
	if (config->publish_ical != NULL && !export_ical_available (&ical))
		g_ptr_array_add (warnings, g_strdup_printf ("libical ([publish] ical): %s",
		                                            ical->message));
	if (document_supported () &&
	    (!document_load_reader (DOCUMENT_PDF) || !document_load_reader (DOCUMENT_DOCX)))
		g_ptr_array_add (warnings, g_strdup ("the PDF or DOCX reader library (poppler-glib, "
		                                     "libgsf) cannot be opened: documents' text will "
		                                     "not be read"));
}

LiaisonStatus
cmd_check (const GlobalOptions *options, int argc, char **argv)
{
	const char *path = config_default_path (options->config_path);
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;

	if (argc > 1) {
		command_print_error (NULL, "check takes no arguments");
		return LIAISON_STATUS_USAGE;
	}
	config = config_load (path, &error);
	if (config == NULL) {
		printf ("%s\n", error->message);
		return LIAISON_STATUS_ERROR;
	}
	/* Run by root, the layout is checked as the user who owns it, the
	 * one the mail system and the timers run liaison as. */
	if (!runas_spool_user (config->spool, &error)) {
		printf ("%s: %s\n", path, error->message);
		return LIAISON_STATUS_ERROR;
	}
	config_check (config, problems);
	check_libraries (config, problems, warnings);
	secret_check (config->spool, problems);
	if (access (config->database, F_OK) == 0) {
		g_autoptr (Store) store = store_open_readonly (config->database,
		                                               COMMAND_BUSY_TIMEOUT_MS, &error);

		if (store == NULL)
			g_ptr_array_add (problems, g_strdup_printf ("database %s: %s", config->database, error->message));
		else
			store_check (store, problems);
	}
	for (guint i = 0; i < problems->len; i++)
		printf ("%s: %s\n", path, (char *) g_ptr_array_index (problems, i));
	for (guint i = 0; i < warnings->len; i++)
		printf ("%s: warning: %s\n", path, (char *) g_ptr_array_index (warnings, i));
	if (config->authserv_id == NULL || *config->authserv_id == '\0')
		printf ("%s: warning: authserv-id is not set: senders can be forged (the From and "
		        "the envelope sender are taken as written); set it to the authserv-id of "
		        "the mail server's Authentication-Results\n", path);
	if (problems->len > 0)
		return LIAISON_STATUS_ERROR;
	printf ("%s: OK: %u organizations, %u groups\n", path, config->orgs->len, config->groups->len);
	return LIAISON_STATUS_OK;
}
