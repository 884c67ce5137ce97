/* commands.h: one entry point per command (src/cmd-*.c). Each returns the
 * process exit status; only main() and these decide it. */
#ifndef LIAISON_COMMANDS_H
#define LIAISON_COMMANDS_H

#include <glib.h>

/* Global options, parsed by main() before the command name. */
typedef struct {
	const char *config_path;  /* -c, or NULL */
} GlobalOptions;

int cmd_deliver (const GlobalOptions *options, int argc, char **argv);
int cmd_list (const GlobalOptions *options, int argc, char **argv);
int cmd_show (const GlobalOptions *options, int argc, char **argv);
int cmd_check (const GlobalOptions *options, int argc, char **argv);
int cmd_queue (const GlobalOptions *options, int argc, char **argv);
int cmd_remind (const GlobalOptions *options, int argc, char **argv);
int cmd_reinject (const GlobalOptions *options, int argc, char **argv);
int cmd_export (const GlobalOptions *options, int argc, char **argv);
int cmd_thread (const GlobalOptions *options, int argc, char **argv);
int cmd_route (const GlobalOptions *options, int argc, char **argv);
int cmd_close (const GlobalOptions *options, int argc, char **argv);
int cmd_reopen (const GlobalOptions *options, int argc, char **argv);
int cmd_taken (const GlobalOptions *options, int argc, char **argv);
int cmd_search (const GlobalOptions *options, int argc, char **argv);

/* Prints "liaison: COMMAND: TEXT" on stderr as one line, whatever line
 * breaks the text of a foreign error carries ("unknown error" for NULL). */
void command_print_error (const char *command, const char *text);

/* The date of today in UTC as YYYY-MM-DD, or $LIAISON_TODAY when set (tests).
 * Newly allocated. */
char *command_today (void);

/* The time now in UTC as ISO 8601 ("2026-03-02T10:11:12Z"), or
 * $LIAISON_NOW when set (tests). Newly allocated. */
char *command_now (void);

#endif
