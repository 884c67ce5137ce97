/* cmd/list.c: `liaison list` and `liaison show`, the read-only views of the
 * register. They open the database read-only, so that they never wait for
 * or block a delivery, and print a table, a card, or the JSON of SPEC §10.
 * Returns OK, ERROR (one line on stderr) or USAGE. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/common.h"
#include "base/conf.h"
#include "base/error.h"
#include "export/render.h"
#include "store/store.h"

/* list --json writes its output in pieces of about this many bytes. */
#define JSON_CHUNK 65536

static const char *const states[] = { "held", "open", "replied", "closed", "dismissed", NULL };
static const char *const purposes[] = { "action", "comment", "information", "response", NULL };

/* The canonical spelling of @value if it is one of @names (compared without
 * regard to case), else NULL. */
static const char *
lookup_name (const char *const *names, const char *value)
{
	for (guint i = 0; names[i] != NULL; i++)
		if (g_ascii_strcasecmp (names[i], value) == 0)
			return names[i];
	return NULL;
}

/* Sets @filter's organization and group from @from and @to: an alias
 * names the same organization or group, and the store matches the
 * canonical name. A name the directory does not know is an error that
 * says so (it would list nothing, silently). */
static gboolean
resolve_names (const Config *config, StoreFilter *filter, const char *from, const char *to,
               GError **error)
{
	const Org *org = from != NULL ? config_find_org (config, from) : NULL;
	const Group *group = to != NULL ? config_find_group (config, to) : NULL;

	if (from != NULL && org == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "unknown organization '%s' (not in the configuration)", from);
		return FALSE;
	}
	if (to != NULL && group == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "unknown group '%s' (not in the configuration)", to);
		return FALSE;
	}
	filter->from_org = org != NULL ? org->name : NULL;
	filter->to_group = group != NULL ? group->name : NULL;
	return TRUE;
}

/* The statements that @filter selects; an empty array when there is no
 * database yet. */
static GPtrArray *
list_statements (const CommandContext *ctx, StoreFilter *filter, GError **error)
{
	if (ctx->store == NULL)
		return g_ptr_array_new ();
	return store_list_statements (ctx->store, filter, error);
}

/* list --json, written as it is rendered, a chunk at a time: no tree of
 * every statement, no one string of all of them, and the statements read
 * a batch at a time (store_each_statement()), not all held at once. */
typedef struct {
	GString *out;
	const char *today;
	guint count;             /* statements written */
	gboolean write_failed;   /* stdout refused a chunk */
} JsonList;

static gboolean
print_json_statement (const Statement *statement, guint index, gpointer data, GError **error)
{
	JsonList *list = data;

	render_json_array_statement (list->out, statement, index == 0, list->today);
	list->count++;
	if (list->out->len >= JSON_CHUNK) {
		if (fwrite (list->out->str, 1, list->out->len, stdout) != list->out->len) {
			list->write_failed = TRUE;
			g_set_error_literal (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			                     "cannot write the output");
			return FALSE;
		}
		g_string_truncate (list->out, 0);
	}
	return TRUE;
}

static LiaisonStatus
print_json_array (const char *command, const CommandContext *ctx, const StoreFilter *filter,
                  const char *today)
{
	g_autoptr (GString) out = g_string_sized_new (JSON_CHUNK + 4096);
	g_autoptr (GError) error = NULL;
	JsonList list = { out, today, 0, FALSE };

	render_json_array_begin (out);
	if (ctx->store != NULL)
		store_map_for_scan (ctx->store);
	if (ctx->store != NULL &&
	    !store_each_statement (ctx->store, filter, print_json_statement, &list, &error)) {
		if (list.write_failed)
			return command_write_output (command, NULL, 0);
		return command_fail (command, error);
	}
	render_json_array_end (out, list.count == 0);
	return command_write_output (command, out->str, out->len);
}

LiaisonStatus
cmd_list (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "list";
	g_autofree char *state = NULL, *purpose = NULL, *from = NULL, *to = NULL;
	gboolean overdue = FALSE, json = FALSE, held = FALSE;
	const GOptionEntry entries[] = {
		{ "state", 0, 0, G_OPTION_ARG_STRING, &state,
		  "Only statements in state S: held, open, replied, closed or dismissed", "S" },
		{ "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose,
		  "Only statements for purpose P: action, comment, information or response", "P" },
		{ "from", 0, 0, G_OPTION_ARG_STRING, &from,
		  "Only statements from the organization ORG", "ORG" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &to,
		  "Only statements to the group GROUP", "GROUP" },
		{ "overdue", 0, 0, G_OPTION_ARG_NONE, &overdue,
		  "Only statements past their deadline without a reply", NULL },
		{ "held", 0, 0, G_OPTION_ARG_NONE, &held,
		  "Only what is held: statements, and messages that are none (HM-...), with why", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "Print a JSON array", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(CommandContext) ctx = { 0 };
	g_autoptr(GPtrArray) statements = NULL;
	g_autofree char *today = NULL;
	g_autoptr(GString) out = NULL;
	StoreFilter filter = { 0 };

	context = command_option_context_new (command, NULL, "Lists statements, newest first; "
	                                      "with --held, what is held.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc > 1)
		return command_usage_error (command, "unexpected argument '%s'", argv[1]);
	if (state != NULL && (filter.state = lookup_name (states, state)) == NULL)
		return command_usage_error (command, "unknown state '%s'", state);
	if (purpose != NULL && (filter.purpose = lookup_name (purposes, purpose)) == NULL)
		return command_usage_error (command, "unknown purpose '%s'", purpose);

	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);

	if (!resolve_names (ctx.config, &filter, from, to, &error))
		return command_fail (command, error);
	today = command_today ();
	filter.overdue = overdue;
	filter.today = today;
	filter.held = held;
	if (json)
		return print_json_array (command, &ctx, &filter, today);
	/* The table shows the statement's own columns and its groups. */
	filter.brief = TRUE;
	statements = list_statements (&ctx, &filter, &error);
	if (statements == NULL)
		return command_fail (command, error);

	out = g_string_new (NULL);
	if (held)
		render_held_table (out, statements);
	else
		render_statement_table (out, statements, today);
	return command_write_output (command, out->str, out->len);
}

LiaisonStatus
cmd_show (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "show";
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON object", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(CommandContext) ctx = { 0 };
	g_autoptr(Statement) statement = NULL;
	g_autofree char *today = NULL;
	g_autofree char *text = NULL;
	const char *key;

	context = command_option_context_new (command, "ID",
	                                      "Shows one statement: ID is a statement id (LS-2026-0007) "
	                                      "or the Message-ID of a message of its thread.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc < 2)
		return command_usage_error (command, "missing statement id");
	if (argc > 2)
		return command_usage_error (command, "unexpected argument '%s'", argv[2]);
	key = argv[1];

	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	statement = command_find_statement (&ctx, key, &error);
	if (statement == NULL)
		return command_lookup_failed (command, key, error);

	today = command_today ();
	if (json) {
		g_autoptr(JsonNode) root = render_statement_json (statement, TRUE, today);

		text = render_json_to_string (root);
	} else {
		GString *out = g_string_new (NULL);

		render_statement_card (out, statement, today);
		text = g_string_free (out, FALSE);
	}
	return command_write_output (command, text, strlen (text));
}
