/* commands.h: one entry point per command (src/cmd/NAME.c). Each returns a
 * LiaisonStatus; main() alone turns it into the process exit status
 * (status_to_exit() in liaison.c). */
#ifndef LIAISON_COMMANDS_H
#define LIAISON_COMMANDS_H

#include <glib.h>

/* Global options, parsed by main() before the command name. */
typedef struct {
	const char *config_path;  /* -c, or NULL */
} GlobalOptions;

/* How a command ended. The exit status of each is main()'s to pick. */
typedef enum {
	LIAISON_STATUS_OK,        /* done (also: nothing to do) */
	LIAISON_STATUS_ERROR,     /* an error, said on stderr; or problems found (check) */
	LIAISON_STATUS_USAGE,     /* a usage error: bad options or arguments */
	LIAISON_STATUS_TEMPFAIL,  /* a retry may succeed (deliver; reinject without a store) */
} LiaisonStatus;

LiaisonStatus cmd_deliver (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_list (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_show (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_check (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_queue (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_remind (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_reinject (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_export (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_thread (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_route (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_close (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_reopen (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_taken (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_rebuild (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_promote (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_dismiss (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_publish (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_search (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_edit (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_purge (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_attachment (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_digest (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_submit (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_approve (const GlobalOptions *options, int argc, char **argv);
LiaisonStatus cmd_reject (const GlobalOptions *options, int argc, char **argv);
/* `remind --authorized` (src/cmd/digest.c): @today already checked. */
LiaisonStatus cmd_remind_authorized (const GlobalOptions *options, const char *today,
                                     gboolean dry_run);

#endif
