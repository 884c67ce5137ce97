/* cmd/common.c: what the commands share: their error lines, their option
 * contexts, the date and time they run at, writing their output, and their
 * preamble (configuration, store, statement). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd/common.h"
#include "base/error.h"
#include "base/runas.h"
#include "outbound/outbox.h"
#include "outbound/transport.h"
#include "store/journal.h"
#include "store/secret.h"

/* ------------------------------------------------------------ errors */

static void
print_line (const char *command, const char *text, gboolean one_line)
{
	g_autofree char *line = g_strdup (text != NULL ? text : "unknown error");

	if (one_line)
		g_strdelimit (line, "\r\n", ' ');
	if (command != NULL)
		fprintf (stderr, "liaison: %s: %s\n", command, line);
	else
		fprintf (stderr, "liaison: %s\n", line);
}

void
command_print_error (const char *command, const char *text)
{
	print_line (command, text, TRUE);
}

static void G_GNUC_PRINTF (3, 0)
print_formatted (const char *command, gboolean one_line, const char *format, va_list args)
{
	g_autofree char *text = g_strdup_vprintf (format, args);

	print_line (command, text, one_line);
}

void
command_print_errorf (const char *command, const char *format, ...)
{
	va_list args;

	va_start (args, format);
	print_formatted (command, TRUE, format, args);
	va_end (args);
}

void
command_print_verbatim (const char *command, const char *format, ...)
{
	va_list args;

	va_start (args, format);
	print_formatted (command, FALSE, format, args);
	va_end (args);
}

LiaisonStatus
command_fail (const char *command, const GError *error)
{
	print_line (command, error != NULL ? error->message : NULL, TRUE);
	return LIAISON_STATUS_ERROR;
}

LiaisonStatus
command_usage_error (const char *command, const char *format, ...)
{
	g_autofree char *text = NULL;
	va_list args;

	va_start (args, format);
	text = g_strdup_vprintf (format, args);
	va_end (args);
	print_line (command, text, TRUE);
	return LIAISON_STATUS_USAGE;
}

LiaisonStatus
command_not_found (const char *command, const char *key)
{
	command_print_errorf (command, "no statement %s", key);
	return LIAISON_STATUS_ERROR;
}

LiaisonStatus
command_lookup_failed (const char *command, const char *key, const GError *error)
{
	if (g_error_matches (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND))
		return command_not_found (command, key);
	return command_fail (command, error);
}

LiaisonStatus
command_status_from_error (const GError *error)
{
	return liaison_error_is_temporary (error) ? LIAISON_STATUS_TEMPFAIL : LIAISON_STATUS_ERROR;
}

/* ----------------------------------------------------------- options */

GOptionContext *
command_option_context_new (const char *command, const char *parameters, const char *summary,
                            const GOptionEntry *entries)
{
	GOptionContext *context = g_option_context_new (parameters);

	if (g_get_prgname () == NULL) {
		g_autofree char *name = g_strdup_printf ("liaison %s", command);

		g_set_prgname (name);
	}
	g_option_context_set_summary (context, summary);
	if (entries != NULL)
		g_option_context_add_main_entries (context, entries, NULL);
	return context;
}

/* ------------------------------------------------------ time, output */

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

gboolean
command_write_stdout (const char *text, gsize length)
{
	return !((length > 0 && fwrite (text, 1, length, stdout) != length) || fflush (stdout) != 0
	         || ferror (stdout));
}

gboolean
command_output_closed (int errsv)
{
	/* A pipe's write end polls as an error once its reader is gone (a
	 * hang-up on some systems); a file or a terminal never does. */
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

	if (errsv == EPIPE)
		return TRUE;
	return poll (&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

LiaisonStatus
command_write_output (const char *command, const char *text, gsize length)
{
	if (!command_write_stdout (text, length)) {
		int errsv = errno;

		if (command_output_closed (errsv))
			return LIAISON_STATUS_OK;
		command_print_errorf (command, "cannot write the output: %s", g_strerror (errsv));
		return LIAISON_STATUS_ERROR;
	}
	return LIAISON_STATUS_OK;
}

LiaisonStatus
command_finish_output (LiaisonStatus status)
{
	int errsv;

	if (fflush (stdout) == 0 && !ferror (stdout))
		return status;
	errsv = errno;
	if (command_output_closed (errsv) || status != LIAISON_STATUS_OK)
		return status;
	command_print_errorf (NULL, "cannot write the output: %s", g_strerror (errsv));
	return LIAISON_STATUS_ERROR;
}

/* ---------------------------------------------------------- preamble */

void
command_context_init (CommandContext *context, const char *command)
{
	context->command = command;
	context->config = NULL;
	context->store = NULL;
}

void
command_context_clear (CommandContext *context)
{
	g_clear_pointer (&context->store, store_close);
	g_clear_pointer (&context->config, config_free);
}

static gboolean
load_config (CommandContext *context, const GlobalOptions *options, GError **error)
{
	context->config = config_load (config_default_path (options->config_path), error);
	return context->config != NULL;
}

gboolean
command_load_config (CommandContext *context, const GlobalOptions *options, GError **error)
{
	return load_config (context, options, error)
	       && runas_spool_user (context->config->spool, error);
}

gboolean
command_load_secret (Config *config, GError **error)
{
	g_autofree char *secret = secret_load (config->spool, error);

	if (secret == NULL)
		return FALSE;
	G_STATIC_ASSERT (sizeof config->secret == 2 * SECRET_SIZE + 1);
	g_strlcpy (config->secret, secret, sizeof config->secret);
	return TRUE;
}

gboolean
command_open_store (CommandContext *context, CommandAccess access, guint busy_timeout_ms,
                    GError **error)
{
	const char *database = context->config->database;

	if (!g_file_test (database, G_FILE_TEST_EXISTS))
		return TRUE;
	if (access == COMMAND_WRITE) {
		context->store = store_open (database, busy_timeout_ms, error);
		if (context->store != NULL && !journal_attach (context->store, context->config->spool, error))
			g_clear_pointer (&context->store, store_close);
	} else
		context->store = store_open_readonly (database, busy_timeout_ms, error);
	return context->store != NULL;
}

gboolean
command_open (CommandContext *context, const GlobalOptions *options, CommandAccess access,
              guint busy_timeout_ms, GError **error)
{
	/* A reader run by root stays root: it may write its output where
	 * root asked (export -o), and SQLite gives any file of the
	 * write-ahead log it creates to the database's owner. */
	gboolean loaded = access == COMMAND_WRITE ? command_load_config (context, options, error)
	                                          : load_config (context, options, error);

	return loaded && command_open_store (context, access, busy_timeout_ms, error);
}

Statement *
command_find_statement (CommandContext *context, const char *key, GError **error)
{
	if (context->store == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOT_FOUND, "no statement %s", key);
		return NULL;
	}
	return store_get_statement (context->store, key, error);
}

const char *
command_acting_user (const char *by)
{
	const char *user = g_getenv ("USER");

	if (by != NULL && *by != '\0')
		return by;
	return user != NULL && *user != '\0' ? user : g_get_user_name ();
}

LiaisonStatus
command_send_queued (const char *command, CommandContext *ctx, GArray *outbox, const char *now,
                     const char *done)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) transport = NULL;
	OutboxOptions send = { 0 };
	OutboxStats stats = { 0 };

	if (outbox == NULL || outbox->len == 0)
		return LIAISON_STATUS_OK;
	transport = transport_new (ctx->config, &error);
	send.now = now;
	if (transport == NULL || !outbox_send (ctx->store, ctx->config, transport, outbox, &send,
	                                       &stats, &error)) {
		g_prefix_error (&error, "%s, but not sent (left queued for queue run): ", done);
		return command_fail (command, error);
	}
	if (stats.deferred > 0 || stats.failed > 0)
		command_print_errorf (command, "%s; some mail was not sent: see liaison queue list", done);
	return LIAISON_STATUS_OK;
}
