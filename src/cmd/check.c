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
#include "base/runas.h"
#include "store/secret.h"
#include "store/store.h"

LiaisonStatus
cmd_check (const GlobalOptions *options, int argc, char **argv)
{
	const char *path = config_default_path (options->config_path);
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
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
	if (config->authserv_id == NULL || *config->authserv_id == '\0')
		printf ("%s: warning: authserv-id is not set: senders can be forged (the From and "
		        "the envelope sender are taken as written); set it to the authserv-id of "
		        "the mail server's Authentication-Results\n", path);
	if (problems->len > 0)
		return LIAISON_STATUS_ERROR;
	printf ("%s: OK: %u organizations, %u groups\n", path, config->orgs->len, config->groups->len);
	return LIAISON_STATUS_OK;
}
