/* cmd/deliver.c: `liaison deliver`, the MTA filter entry point. Reads one
 * message on standard input, records it, then hands the mail it caused to
 * the transport. Returns OK (recorded, held, or a known duplicate) or
 * TEMPFAIL (try again later: exit 75), never anything else, because
 * Postfix bounces every other status to the sender. Once the message is
 * recorded the status is OK, come what may of the sending: what is not
 * sent stays queued for `queue run`. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "commands.h"
#include "cmd/common.h"
#include "cmd/actions.h"
#include "deliver.h"
#include "base/error.h"
#include "base/guard.h"
#include "base/runas.h"
#include "base/statement.h"
#include "outbound/outbox.h"
#include "store/journal.h"
#include "store/spool.h"
#include "outbound/transport.h"

/* An envelope argument as UTF-8: invalid bytes become U+FFFD (never a
 * reason to defer), control characters go. NULL for NULL. */
static char *
envelope_argument (const char *value)
{
	g_autofree char *valid = value != NULL ? g_utf8_make_valid (value, -1) : NULL;

	return valid != NULL ? statement_clean_line (valid) : NULL;
}

/* The first of the environment variables @names that is set and not
 * empty, or NULL. */
static const char *
first_env (const char *const *names)
{
	for (; *names != NULL; names++) {
		const char *value = g_getenv (*names);
		if (value != NULL && *value != '\0')
			return value;
	}
	return NULL;
}

/* The address of a Delivered-To or X-Original-To value: without <> and
 * white space, cleaned; NULL when it is not one address. As reinject
 * reads them from a mailbox (mailbox-file.c), so that a rebuild gets the
 * same recipient. */
static char *
header_address (const char *value)
{
	g_autofree char *copy = NULL;
	char *p;

	if (value == NULL)
		return NULL;
	copy = statement_clean_line (value);
	p = g_strstrip (copy);
	if (*p == '<') {
		char *close = strchr (p, '>');

		p++;
		if (close != NULL)
			*close = '\0';
	}
	p = g_strstrip (p);
	if (*p == '\0' || strchr (p, ' ') != NULL || strchr (p, ',') != NULL)
		return NULL;
	return g_strdup (p);
}

/* The recipient the message's topmost X-Original-To, else its topmost
 * Delivered-To, names (the delivering MTA adds them). Newly allocated, or
 * NULL. */
static char *
recipient_from_headers (const Message *message)
{
	GMimeObject *obj = message->mime != NULL ? GMIME_OBJECT (message->mime) : NULL;
	char *found;

	if (obj == NULL)
		return NULL;
	found = header_address (g_mime_object_get_header (obj, "X-Original-To"));
	return found != NULL ? found : header_address (g_mime_object_get_header (obj, "Delivered-To"));
}

/* Without -r and -e (procmail, Sieve), the recipient and its extension
 * from what the delivery agent says (SPEC §11): $ORIGINAL_RECIPIENT, then
 * $RECIPIENT (Postfix's local(8); Dovecot's ORIG_RECIPIENT), and
 * $EXTENSION; else the message's X-Original-To or Delivered-To. */
static void
envelope_from_environment (Message *message)
{
	static const char *const recipients[] = { "ORIGINAL_RECIPIENT", "ORIG_RECIPIENT", "RECIPIENT", NULL };
	static const char *const extensions[] = { "EXTENSION", NULL };
	const char *value;

	if (message->recipient != NULL || message->extension != NULL)
		return;
	if ((value = first_env (recipients)) != NULL)
		message->recipient = envelope_argument (value);
	else
		message->recipient = recipient_from_headers (message);
	if ((value = first_env (extensions)) != NULL)
		message->extension = envelope_argument (value);
}

/* How long deliver waits for the database's write lock: half its own time
 * limit, so that it still has time to roll back and say why. */
static guint
busy_timeout_ms (const Config *config)
{
	guint ms = config->time_limit > 0 ? config->time_limit * 500 : 60000;

	return MAX (ms, 100);
}

/* What is kept back from the time limit for sending, so that the alarm
 * never fires while a hand-over is under way. */
#define SEND_MARGIN_US (2 * G_USEC_PER_SEC)

static void
log_sent (const StoreOutbox *entry, StoreOutboxOutcome outcome, const char *error_text,
          gpointer user_data)
{
	const char *what = outcome == STORE_OUTBOX_SENT ? "sent"
		: outcome == STORE_OUTBOX_DEFERRED ? "deferred" : "failed";

	syslog (outcome == STORE_OUTBOX_SENT ? LOG_INFO : LOG_WARNING,
	        "id=%s %s message-id=<%s> recipients=%u status=%s%s%s",
	        entry->statement_id != NULL ? entry->statement_id : "-", entry->kind,
	        entry->message_id, entry->recipients->len, what,
	        error_text != NULL ? " error=" : "", error_text != NULL ? error_text : "");
}

/* Hands over what this message queued. Failures are logged, never
 * returned: the message is recorded, and the outbox keeps the rest. */
static void
send_queued (Store *store, const Config *config, GArray *rows, const char *now, gint64 started)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (Transport) transport = NULL;
	OutboxOptions options = { 0 };
	OutboxStats stats = { 0 };

	if (rows == NULL || rows->len == 0)
		return;
	transport = transport_new (config, &error);
	if (transport == NULL) {
		syslog (LOG_ERR, "cannot send: %s; %u message(s) left queued", error->message, rows->len);
		return;
	}
	options.now = now;
	if (config->time_limit > 0)
		options.deadline = started + (gint64) config->time_limit * G_USEC_PER_SEC - SEND_MARGIN_US;
	options.report = log_sent;
	if (!outbox_send (store, config, transport, rows, &options, &stats, &error))
		syslog (LOG_ERR, "sending: %s", error->message);
	if (stats.postponed > 0)
		syslog (LOG_WARNING, "time limit near: %u message(s) left queued for queue run",
		        stats.postponed);
}

/* The routes of the log line: the addresses, comma-separated, in the
 * order they were recorded; past ROUTES_LOG_MAX bytes the rest is only
 * counted ("...+N"), so that the line stays within what syslog keeps. */
#define ROUTES_LOG_MAX 400

static char *
routes_text (const GPtrArray *routes)
{
	GString *text = g_string_new (NULL);
	guint i;

	for (i = 0; routes != NULL && i < routes->len; i++) {
		const char *address = g_ptr_array_index (routes, i);

		if (text->len + strlen (address) + 1 > ROUTES_LOG_MAX)
			break;
		if (text->len > 0)
			g_string_append_c (text, ',');
		g_string_append (text, address);
	}
	if (routes != NULL && i < routes->len)
		g_string_append_printf (text, "%s...+%u", text->len > 0 ? "," : "", routes->len - i);
	if (text->len == 0)
		g_string_append_c (text, '-');
	return g_string_free (text, FALSE);
}

/* The one way deliver fails: "STATUS liaison: TEXT" on stderr, where
 * Postfix finds the enhanced status code, the same in the log, and
 * TEMPFAIL: the MTA keeps the message and tries again. */
static LiaisonStatus
tempfail (const char *status_code, const char *text, const char *message_id)
{
	fprintf (stderr, "%s liaison: %s\n", status_code, text);
	syslog (LOG_ERR, "deferred: message-id=<%s> status=%s error=%s",
	        message_id ? message_id : "", status_code, text);
	return LIAISON_STATUS_TEMPFAIL;
}

static LiaisonStatus
defer (const GError *error, const char *message_id)
{
	return tempfail (liaison_error_status_code (error), error ? error->message : "unknown error",
	                 message_id);
}

LiaisonStatus
cmd_deliver (const GlobalOptions *options, int argc, char **argv)
{
	g_autofree char *sender = NULL, *recipient = NULL, *extension = NULL;
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (Config) config = NULL;
	g_autoptr (Message) message = NULL;
	g_autoptr (Store) store = NULL;
	g_autofree char *now = NULL, *routes = NULL;
	DeliverResult result = { 0 };
	gint64 started = g_get_monotonic_time ();
	GOptionEntry entries[] = {
		/* FILENAME: the bytes as given, not converted from the locale's
		 * character set (under LANG=C a UTF-8 address would not
		 * convert, and every SMTPUTF8 message would be deferred). They
		 * are taken as UTF-8 below. */
		{ "sender", 'f', 0, G_OPTION_ARG_FILENAME, &sender, "envelope sender", "SENDER" },
		{ "recipient", 'r', 0, G_OPTION_ARG_FILENAME, &recipient, "envelope recipient", "RECIPIENT" },
		{ "extension", 'e', 0, G_OPTION_ARG_FILENAME, &extension, "recipient extension (statements+EXT@)", "EXT" },
		{ NULL }
	};

	openlog ("liaison", LOG_PID, LOG_MAIL);
	context = g_option_context_new ("- record one message from standard input");
	g_option_context_add_main_entries (context, entries, NULL);
	g_option_context_set_help_enabled (context, FALSE);
	if (!g_option_context_parse (context, &argc, &argv, &error)) {
		/* Bad options are a mistake of the MTA's configuration: 4.3.5,
		 * as for our own. */
		g_autofree char *text = g_strdup_printf ("deliver: %s", error->message);

		return tempfail (liaison_error_code_status (LIAISON_ERROR_CONFIG), text, NULL);
	}

	config = config_load (config_default_path (options->config_path), &error);
	if (config == NULL || !runas_spool_user (config->spool, &error))
		return defer (error, NULL);
	guard_init (config->time_limit);
	/* After its commit, a stop says the message is recorded, and exits 0. */
	guard_one_message ();

	if (!spool_prepare (config->spool, &error) || !command_load_secret (config, &error))
		return defer (error, NULL);
	message = message_spool_fd (STDIN_FILENO, config->spool, config->max_message_size, &error);
	if (message == NULL)
		return defer (error, NULL);
	message->sender = envelope_argument (sender);
	message->recipient = envelope_argument (recipient);
	message->extension = envelope_argument (extension);
	envelope_from_environment (message);

	store = store_open (config->database, busy_timeout_ms (config), &error);
	if (store == NULL || !journal_attach (store, config->spool, &error))
		return defer (error, message->message_id);
	now = command_now ();
	if (!deliver_message (store, config, message, now, &result, &error))
		return defer (error, message->message_id);
	/* Actions by reply: after the message is recorded, each in a
	 * transaction of its own as the CLI does it. */
	if (!action_mail_commands (store, config, &result, now, &error)) {
		syslog (LOG_WARNING, "message-id=<%s> commands by mail: %s",
		        message->message_id ? message->message_id : "", error->message);
		g_clear_error (&error);
	}

	routes = routes_text (result.routes);
	syslog (LOG_INFO, "message-id=<%s> class=%s%s id=%s%s%s routes=%s duration=%.0fms",
	        message->message_id ? message->message_id : "",
	        message_class_to_string (result.kind),
	        result.duplicate ? " duplicate" : result.copy ? " copy" : "",
	        result.statement_id ? result.statement_id : "-",
	        result.hold_reason ? " held=" : "",
	        result.hold_reason ? result.hold_reason : "",
	        routes,
	        (g_get_monotonic_time () - started) / 1000.0);
	send_queued (store, config, result.outbox, now, started);
	deliver_result_clear (&result);
	return LIAISON_STATUS_OK;
}
