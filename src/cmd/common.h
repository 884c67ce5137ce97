/* cmd/common.h: what the commands share: their error lines, their option
 * contexts, the date and time they run at, writing their output, and the
 * preamble of most of them (load the configuration, open the store, find a
 * statement by id or Message-ID). */
#ifndef LIAISON_CMD_COMMON_H
#define LIAISON_CMD_COMMON_H

#include <glib.h>

#include "commands.h"
#include "base/conf.h"
#include "base/statement.h"
#include "store/store.h"

/* How long a command waits for a lock that a writer holds: readers of a WAL
 * database do not wait for writers, so this matters only during a
 * checkpoint, or for the commands that change a statement by hand. */
#define COMMAND_BUSY_TIMEOUT_MS 5000

/* ------------------------------------------------------------ errors */

/* Prints "liaison: COMMAND: TEXT" on stderr as one line, whatever line
 * breaks the text of a foreign error carries ("unknown error" for NULL).
 * With a NULL @command, "liaison: TEXT". */
void command_print_error (const char *command, const char *text);

/* command_print_error() of a formatted text. */
void command_print_errorf (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* "liaison: COMMAND: TEXT" with the text as it is, line breaks and all:
 * the usage errors of queue and remind, and remind's notes on the mail it
 * could not send, have always been printed so. */
void command_print_verbatim (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Prints @error's message as command_print_error() does, and returns
 * LIAISON_STATUS_ERROR. */
LiaisonStatus command_fail (const char *command, const GError *error);

/* Prints the formatted text as command_print_error() does, and returns
 * LIAISON_STATUS_USAGE. */
LiaisonStatus command_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* "no statement KEY", and LIAISON_STATUS_ERROR. */
LiaisonStatus command_not_found (const char *command, const char *key);

/* The error of a failed look-up of @key: command_not_found() for a
 * LIAISON_ERROR_NOT_FOUND, else command_fail(). */
LiaisonStatus command_lookup_failed (const char *command, const char *key, const GError *error);

/* TEMPFAIL when a retry may cure @error (liaison_error_is_temporary()),
 * else ERROR. */
LiaisonStatus command_status_from_error (const GError *error);

/* ----------------------------------------------------------- options */

/* A GOption context for @command, with @parameters (or NULL), @summary and
 * @entries (or NULL). GLib names the program after argv[0] when nothing
 * else did, which would make --help say "list"; it is named "liaison
 * COMMAND" instead. Newly allocated. */
GOptionContext *command_option_context_new (const char *command, const char *parameters,
                                            const char *summary, const GOptionEntry *entries);

/* ------------------------------------------------------ time, output */

/* The date of today in UTC as YYYY-MM-DD, or $LIAISON_TODAY when set (tests).
 * Newly allocated. */
char *command_today (void);

/* The time now in UTC as ISO 8601 ("2026-03-02T10:11:12Z"), or
 * $LIAISON_NOW when set (tests). Newly allocated. */
char *command_now (void);

/* Writes @length bytes of @text to stdout and flushes it. FALSE, errno
 * set, when it could not, or when an earlier write to stdout failed. */
gboolean command_write_stdout (const char *text, gsize length);

/* TRUE when what we write to stdout has nobody to read it: @errsv is
 * EPIPE, or stdout is a pipe whose reader is gone (`liaison list | head
 * -1`). main ignores SIGPIPE so that such a write fails instead of
 * killing us. */
gboolean command_output_closed (int errsv);

/* command_write_stdout(); when it fails, "cannot write the output:
 * STRERROR" and LIAISON_STATUS_ERROR: a full disk is an error the user
 * must hear of. A reader that stopped reading is not: the rest of the
 * output is dropped, quietly, and the status is OK. */
LiaisonStatus command_write_output (const char *command, const char *text, gsize length);

/* For main, after the command: flushes stdout. Returns @status, or
 * LIAISON_STATUS_ERROR with "cannot write the output" when the command
 * succeeded but its output could not be written (a reader that stopped
 * reading excepted, as above). */
LiaisonStatus command_finish_output (LiaisonStatus status);

/* Who does a manual action, for its event: @by (--by) when given, else
 * $USER, else the login name. Static or @by itself. */
const char *command_acting_user (const char *by);

/* ---------------------------------------------------------- preamble */

typedef enum {
	COMMAND_READ,   /* store_open_readonly(): never waits for a delivery */
	COMMAND_WRITE,  /* store_open() */
} CommandAccess;

/* The configuration and the store of one command. */
typedef struct {
	const char *command;  /* its name, for its error lines (borrowed) */
	Config *config;
	Store *store;         /* NULL until opened, and when there is no database yet */
} CommandContext;

void command_context_init (CommandContext *context, const char *command);
void command_context_clear (CommandContext *context);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CommandContext, command_context_clear)

/* Loads the configuration: -c, else $LIAISON_CONFIG, else the default.
 * Then, run by root on a spool another user owns, becomes that user
 * (runas_spool_user()), or fails: the commands that call it write to the
 * store or the spool. */
gboolean command_load_config (CommandContext *context, const GlobalOptions *options,
                              GError **error);

/* Opens the database the configuration names, waiting up to
 * @busy_timeout_ms for a lock. When it does not exist, nothing has been
 * delivered yet: context->store stays NULL, and that is no error. */
gboolean command_open_store (CommandContext *context, CommandAccess access,
                             guint busy_timeout_ms, GError **error);

/* Loads the spool's secret into @config->secret (secret_load(): created
 * when missing). Only the commands that compose mail call it, so that a
 * reading command run by another user never creates it. Errors are
 * temporary. */
gboolean command_load_secret (Config *config, GError **error);

/* command_load_config() (without the switch of user for COMMAND_READ),
 * then command_open_store(). */
gboolean command_open (CommandContext *context, const GlobalOptions *options,
                       CommandAccess access, guint busy_timeout_ms, GError **error);

/* The statement whose id or a Message-ID of whose thread is @key, with
 * everything (store_get_statement()); LIAISON_ERROR_NOT_FOUND also when
 * there is no database. Newly allocated. */
Statement *command_find_statement (CommandContext *context, const char *key, GError **error);

/* Hands over @outbox (the rows a manual action queued) after its commit;
 * what the transport does not take stays queued for `queue run`. @done
 * says what was done ("routed", "edited"): "DONE, but not sent (left
 * queued for queue run): ..." when nothing could be handed over, and
 * "DONE; some mail was not sent: ..." (still LIAISON_STATUS_OK) when some
 * was deferred or failed. */
LiaisonStatus command_send_queued (const char *command, CommandContext *ctx, GArray *outbox,
                                   const char *now, const char *done);

#endif
