/* commands-mail.c: reading the command lines of a reply (commands-mail.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "stages/commands-mail.h"

static const char *const verbs[] = {
	[MAIL_COMMAND_TAKEN] = "taken",
	[MAIL_COMMAND_CLOSE] = "close",
	[MAIL_COMMAND_REOPEN] = "reopen",
	[MAIL_COMMAND_ROUTE] = "route",
	[MAIL_COMMAND_DEADLINE] = "deadline",
	[MAIL_COMMAND_NOTE] = "note",
	[MAIL_COMMAND_APPROVE] = "approve",
	[MAIL_COMMAND_REJECT] = "reject",
	[MAIL_COMMAND_PROMOTE] = "promote",
	[MAIL_COMMAND_DISMISS] = "dismiss",
};

const char *
mail_command_verb (MailCommandKind kind)
{
	return verbs[kind];
}

static void
mail_command_free (MailCommand *command)
{
	g_free (command->line);
	g_free (command->statement);
	if (command->groups != NULL)
		g_ptr_array_unref (command->groups);
	g_free (command->value);
	g_free (command->error);
	g_free (command);
}

void
mail_commands_free (MailCommands *commands)
{
	if (commands == NULL)
		return;
	g_ptr_array_unref (commands->commands);
	g_free (commands);
}

/* A date YYYY-MM-DD that exists. */
static gboolean
valid_date (const char *text)
{
	int y, m, d;
	char end;

	if (strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
	    sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
		return FALSE;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
			return FALSE;
	return g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* Checks the arguments @words (after the verb, @n of them) of @command. */
static void
read_arguments (MailCommand *command, char **words, guint n, const char *rest,
                const Config *config)
{
	switch (command->kind) {
	case MAIL_COMMAND_TAKEN:
	case MAIL_COMMAND_CLOSE:
	case MAIL_COMMAND_REOPEN:
	case MAIL_COMMAND_APPROVE:
	case MAIL_COMMAND_DISMISS:
		if (n > 0)
			command->error = g_strdup_printf ("`%s` takes no argument", verbs[command->kind]);
		return;
	case MAIL_COMMAND_DEADLINE:
		if (n != 1 || !valid_date (words[0]))
			command->error = g_strdup ("`deadline` takes one date, YYYY-MM-DD");
		else
			command->value = g_strdup (words[0]);
		return;
	case MAIL_COMMAND_REJECT:
	case MAIL_COMMAND_NOTE:
		if (rest == NULL || *rest == '\0')
			command->error = g_strdup_printf ("`%s` takes a text", verbs[command->kind]);
		else
			command->value = g_strdup (rest);
		return;
	case MAIL_COMMAND_PROMOTE:
		if (rest == NULL || strstr (rest, "=") == NULL)
			command->error = g_strdup ("`promote` takes FIELD=VALUE..., to=GROUP at least");
		else
			command->value = g_strdup (rest);
		return;
	case MAIL_COMMAND_ROUTE:
		command->groups = g_ptr_array_new_with_free_func (g_free);
		if (n == 0)
			command->error = g_strdup ("`route` takes one group or more");
		for (guint i = 0; i < n && command->error == NULL; i++) {
			const Group *group = config_find_group (config, words[i]);

			if (group == NULL)
				command->error = g_strdup_printf ("no group \"%s\"", words[i]);
			else
				g_ptr_array_add (command->groups, g_strdup (group->name));
		}
		return;
	}
}

/* Whether @word is a statement id of @config's: PREFIX-YYYY-NNNN. */
static gboolean
is_statement_id (const char *word, const Config *config)
{
	const char *prefix = config->id_prefix != NULL ? config->id_prefix : "LS";
	gsize n = strlen (prefix), digits = 0;
	const char *p;

	/* A held message's handle too (STORE_HELD_PREFIX): "HM-2026-0005
	 * dismiss" in a reply to the summary that names it. */
	if (g_ascii_strncasecmp (word, "HM-", 3) == 0)
		n = 2;
	else if (g_ascii_strncasecmp (word, prefix, n) != 0)
		return FALSE;
	p = word + n;
	if (*p != '-')
		return FALSE;
	for (p++; g_ascii_isdigit (*p); p++)
		digits++;
	if (digits != 4 || *p != '-')
		return FALSE;
	for (p++, digits = 0; g_ascii_isdigit (*p); p++)
		digits++;
	return digits >= 1 && *p == '\0';
}

/* The command on @line, or NULL when it is not one. */
static MailCommand *
read_command (const char *line, const Config *config)
{
	g_auto (GStrv) all = g_strsplit_set (line, " \t", -1);
	g_autoptr (GPtrArray) words = g_ptr_array_new ();
	const char *id = NULL, *start = line;
	MailCommand *command;
	const char *rest;

	for (guint i = 0; all[i] != NULL; i++)
		if (*all[i] != '\0')
			g_ptr_array_add (words, all[i]);
	if (words->len > 1 && is_statement_id (g_ptr_array_index (words, 0), config)) {
		id = g_ptr_array_index (words, 0);
		g_ptr_array_remove_index (words, 0);
		start = line + strlen (id);
		while (*start == ' ' || *start == '\t')
			start++;
	}
	if (words->len == 0)
		return NULL;
	for (gsize k = 0; k < G_N_ELEMENTS (verbs); k++) {
		if (g_ascii_strcasecmp (g_ptr_array_index (words, 0), verbs[k]) != 0)
			continue;
		command = g_new0 (MailCommand, 1);
		command->kind = (MailCommandKind) k;
		command->line = g_strdup (line);
		command->statement = id != NULL ? g_ascii_strup (id, -1) : NULL;
		rest = start + strlen (verbs[k]);
		while (*rest == ' ' || *rest == '\t')
			rest++;
		read_arguments (command, (char **) words->pdata + 1, words->len - 1, rest, config);
		return command;
	}
	return NULL;
}

/* Whether @line, after the commands, is no content of its own: empty,
 * quoted, or an attribution ("On ..., X wrote:"). */
static gboolean
no_content (const char *line)
{
	return *line == '\0' || *line == '>' || g_str_has_suffix (line, "wrote:");
}

MailCommands *
mail_commands_parse (const char *text, const Config *config)
{
	MailCommands *out = g_new0 (MailCommands, 1);
	g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
	guint i = 0;

	out->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) mail_command_free);
	for (; lines[i] != NULL; i++) {
		g_autofree char *line = g_strstrip (g_strdup (lines[i]));
		MailCommand *command;

		if (*line == '\0')
			continue;
		if (*lines[i] == '>' || strcmp (line, "--") == 0 ||
		    (command = read_command (line, config)) == NULL)
			break;
		if (command->error != NULL)
			out->errors++;
		g_ptr_array_add (out->commands, command);
	}
	out->only = out->commands->len > 0;
	for (; lines[i] != NULL; i++) {
		g_autofree char *line = g_strstrip (g_strdup (lines[i]));

		if (strcmp (line, "--") == 0)
			break;
		if (!no_content (line))
			out->only = FALSE;
	}
	return out;
}

/* Whether @p starts a FIELD= of `promote`. */
static gboolean
starts_field (const char *p)
{
	static const char *const fields[] = { "title=", "from=", "to=", "purpose=", "deadline=" };

	for (gsize k = 0; k < G_N_ELEMENTS (fields); k++)
		if (g_ascii_strncasecmp (p, fields[k], strlen (fields[k])) == 0)
			return TRUE;
	return FALSE;
}

char **
mail_command_promote_args (const char *value, guint *n)
{
	GPtrArray *args = g_ptr_array_new ();
	const char *p = value != NULL ? value : "";

	while (*p != '\0') {
		const char *end = p;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		/* To the next blank followed by a field: a value may hold
		 * blanks ("from=ITU-T SG15", "title=LS on lunch"). */
		for (end = p + strcspn (p, " \t"); *end != '\0'; end += strcspn (end, " \t")) {
			const char *next = end;

			while (*next == ' ' || *next == '\t')
				next++;
			if (*next == '\0' || starts_field (next))
				break;
			end = next;
		}
		g_ptr_array_add (args, g_strstrip (g_strndup (p, (gsize) (end - p))));
		p = end;
	}
	*n = args->len;
	g_ptr_array_add (args, NULL);
	return (char **) g_ptr_array_free (args, FALSE);
}

static gboolean
is_decision (const MailCommand *c)
{
	return c->kind == MAIL_COMMAND_APPROVE || c->kind == MAIL_COMMAND_REJECT;
}

gboolean
mail_commands_all_named (const MailCommands *commands)
{
	if (commands == NULL || commands->commands->len == 0)
		return FALSE;
	for (guint i = 0; i < commands->commands->len; i++)
		if (((const MailCommand *) g_ptr_array_index (commands->commands, i))->statement == NULL)
			return FALSE;
	return TRUE;
}

gboolean
mail_commands_any_decision (const MailCommands *commands)
{
	for (guint i = 0; commands != NULL && i < commands->commands->len; i++)
		if (is_decision (g_ptr_array_index (commands->commands, i)))
			return TRUE;
	return FALSE;
}

gboolean
mail_commands_decide (const MailCommands *commands)
{
	return commands != NULL && commands->commands->len == 1 &&
	       is_decision (g_ptr_array_index (commands->commands, 0));
}
