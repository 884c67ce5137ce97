/* cmd-deliver.c: `liaison deliver`, the MTA filter entry point. Reads one
 * message on standard input and records it. Exits 0 (recorded, held, or
 * a known duplicate) or 75 (try again later), never anything else, because
 * Postfix bounces every other status to the sender. */
#include "config.h"

#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "commands.h"
#include "deliver.h"
#include "error.h"
#include "guard.h"
#include "spool.h"

#define EX_TEMPFAIL 75

/* How long deliver waits for the database's write lock: half its own time
 * limit, so that it still has time to roll back and say why. */
static guint
busy_timeout_ms (const Config *config)
{
	guint ms = config->time_limit > 0 ? config->time_limit * 500 : 60000;

	return MAX (ms, 100);
}

static int
tempfail (const GError *error, const char *message_id)
{
	const char *text = error ? error->message : "unknown error";

	fprintf (stderr, "%s liaison: %s\n", liaison_error_status_code (error), text);
	syslog (LOG_ERR, "deferred: message-id=<%s> status=%s error=%s",
	        message_id ? message_id : "", liaison_error_status_code (error), text);
	return EX_TEMPFAIL;
}

int
cmd_deliver (const GlobalOptions *options, int argc, char **argv)
{
	g_autofree char *sender = NULL, *recipient = NULL, *extension = NULL;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autoptr (Message) message = NULL;
	g_autoptr (Store) store = NULL;
	g_autofree char *now = NULL;
	DeliverResult result = { 0 };
	gint64 started = g_get_monotonic_time ();
	GOptionEntry entries[] = {
		{ "sender", 'f', 0, G_OPTION_ARG_STRING, &sender, "envelope sender", "SENDER" },
		{ "recipient", 'r', 0, G_OPTION_ARG_STRING, &recipient, "envelope recipient", "RECIPIENT" },
		{ "extension", 'e', 0, G_OPTION_ARG_STRING, &extension, "recipient extension (statements+EXT@)", "EXT" },
		{ NULL }
	};

	openlog ("liaison", LOG_PID, LOG_MAIL);
	context = g_option_context_new ("- record one message from standard input");
	g_option_context_add_main_entries (context, entries, NULL);
	g_option_context_set_help_enabled (context, FALSE);
	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		g_prefix_error (&error, "deliver: ");
		error->domain = LIAISON_ERROR;
		error->code = LIAISON_ERROR_CONFIG;
		return tempfail (error, NULL);
	}

	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL)
		return tempfail (error, NULL);
	guard_init (config->time_limit);

	if (!spool_prepare (config->spool, &error))
		return tempfail (error, NULL);
	message = message_spool_fd (STDIN_FILENO, config->spool, config->max_message_size, &error);
	if (message == NULL)
		return tempfail (error, NULL);
	message->sender = g_strdup (sender);
	message->recipient = g_strdup (recipient);
	message->extension = g_strdup (extension);

	store = store_open (config->database, busy_timeout_ms (config), &error);
	if (store == NULL)
		return tempfail (error, message->message_id);
	now = command_now ();
	if (!deliver_message (store, config, message, now, &result, &error))
		return tempfail (error, message->message_id);

	syslog (LOG_INFO, "message-id=<%s> class=%s%s id=%s%s%s duration=%.0fms",
	        message->message_id ? message->message_id : "",
	        message_class_to_string (result.kind),
	        result.duplicate ? " duplicate" : "",
	        result.statement_id ? result.statement_id : "-",
	        result.hold_reason ? " held=" : "",
	        result.hold_reason ? result.hold_reason : "",
	        (g_get_monotonic_time () - started) / 1000.0);
	deliver_result_clear (&result);
	return 0;
}
