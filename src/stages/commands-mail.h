/* commands-mail.h: the command lines a receiving-side person writes at the
 * start of a reply to our mail about a statement (issue 18, "Actions by
 * reply"): taken, close, reopen, route GROUP..., deadline YYYY-MM-DD,
 * note TEXT. Pure: who may command, and doing it, is the caller's. */
#ifndef LIAISON_COMMANDS_MAIL_H
#define LIAISON_COMMANDS_MAIL_H

#include "base/conf.h"

typedef enum {
	MAIL_COMMAND_TAKEN,
	MAIL_COMMAND_CLOSE,
	MAIL_COMMAND_REOPEN,
	MAIL_COMMAND_ROUTE,
	MAIL_COMMAND_DEADLINE,
	MAIL_COMMAND_NOTE,
	MAIL_COMMAND_APPROVE,    /* an approver's decision on an outgoing */
	MAIL_COMMAND_REJECT,     /* statement (SPEC §13): REJECT has a reason */
	MAIL_COMMAND_PROMOTE,    /* a held message made a statement: FIELD=VALUE... */
	MAIL_COMMAND_DISMISS,    /* a held message or statement set aside */
} MailCommandKind;

typedef struct {
	MailCommandKind kind;
	char *line;              /* the line as written, trimmed */
	char *statement;         /* the id the line starts with ("LS-2026-0007
	                          * taken", in a reply to a digest), or NULL */
	GPtrArray *groups;       /* char*: ROUTE: canonical group names */
	char *value;             /* DEADLINE: the date; NOTE, REJECT: the text;
	                          * PROMOTE: its FIELD=VALUE words, as written */
	char *error;             /* why the line is malformed, or NULL */
} MailCommand;

typedef struct {
	GPtrArray *commands;     /* MailCommand*, in order */
	gboolean only;           /* the text holds nothing else but quoted
	                          * text, an attribution line and a signature */
	guint errors;            /* how many commands are malformed */
} MailCommands;

/* The commands at the start of @text (a text body, LF line ends): its
 * leading non-empty lines, up to the first that is not a command (a quote
 * '>', a signature "-- ", prose). A line may start with the id of the
 * statement it is about (@config's id prefix: "LS-2026-0007 taken") or a
 * held message's handle ("HM-2026-0005 dismiss").
 * Verbs are case-insensitive; groups are checked against @config's
 * directory. Never NULL; no commands when the text starts with anything
 * else. */
MailCommands *mail_commands_parse (const char *text, const Config *config);
void mail_commands_free (MailCommands *commands);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MailCommands, mail_commands_free)

/* Whether @commands decide an approval: one command, approve or reject
 * (anything more is obeyed from nobody: commands_approval_obeyed()). */
gboolean mail_commands_decide (const MailCommands *commands);

/* Whether every one of @commands starts with the id it is about. */
gboolean mail_commands_all_named (const MailCommands *commands);

/* Whether @commands hold an approve or a reject at all. */
gboolean mail_commands_any_decision (const MailCommands *commands);

/* The verb of @kind: "taken", "route". A static string. */
const char *mail_command_verb (MailCommandKind kind);

/* The valid forms, one a line, for a reply to malformed commands. */
#define MAIL_COMMANDS_HELP \
	"    taken\n    close\n    reopen\n    route GROUP...\n" \
	"    deadline YYYY-MM-DD\n    note TEXT\n" \
	"and, about a held message or statement:\n" \
	"    promote to=GROUP[,GROUP] from=ORG purpose=P deadline=YYYY-MM-DD title=TEXT\n" \
	"    dismiss\n"

/* The FIELD=VALUE arguments of a `promote` line (its value): each value
 * runs to the next blank that is followed by a field (title=, from=,
 * to=, purpose=, deadline=), so that it may hold blanks. A new array
 * of strings, NULL-terminated; its length in *@n. */
char **mail_command_promote_args (const char *value, guint *n);

#endif
