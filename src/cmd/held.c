/* cmd/held.c: `liaison promote` and `liaison dismiss`, what a person does
 * with a held message (SPEC §1, §4): make it a statement and route it, or
 * set it aside. Each takes the write lock through one function of
 * deliver.c (deliver_promote(), deliver_dismiss()), which is what the
 * journal records. Returns OK, ERROR (one line on stderr) or USAGE. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cmd/actions.h"
#include "cmd/common.h"
#include "deliver.h"
#include "base/error.h"

/* The fields `promote` takes, read from FIELD=VALUE arguments. */
typedef struct {
	Statement *fields;       /* title, from_org, purpose, deadline */
	GPtrArray *groups;       /* char*: canonical group names */
} Promotion;

/* One group name (of to=) into @groups, once; FALSE when unknown. */
static gboolean
add_group (const Config *config, const char *name, GPtrArray *groups, GError **error)
{
	const Group *group = config_find_group (config, name);

	if (group == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "unknown group '%s'",
		             name);
		return FALSE;
	}
	for (guint j = 0; j < groups->len; j++)
		if (strcmp (g_ptr_array_index (groups, j), group->name) == 0)
			return TRUE;
	g_ptr_array_add (groups, g_strdup (group->name));
	return TRUE;
}

static gboolean
parse_to (const Config *config, const char *value, GPtrArray *groups, GError **error)
{
	g_auto (GStrv) names = g_strsplit_set (value, ";,", -1);

	for (guint i = 0; names[i] != NULL; i++) {
		g_strstrip (names[i]);
		if (*names[i] != '\0' && !add_group (config, names[i], groups, error))
			return FALSE;
	}
	return TRUE;
}

/* One FIELD=VALUE; FALSE when it is not one promote takes or its value
 * is not valid. */
static gboolean
parse_field (const Config *config, const char *arg, Promotion *p, GError **error)
{
	const char *eq = strchr (arg, '=');
	g_autofree char *field = eq != NULL ? g_ascii_strdown (arg, eq - arg) : NULL;
	const char *value = eq != NULL ? eq + 1 : NULL;
	const Org *org;

	if (field == NULL || *value == '\0') {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "'%s' is not FIELD=VALUE",
		             arg);
		return FALSE;
	}
	if (strcmp (field, "title") == 0) {
		g_free (p->fields->title);
		p->fields->title = statement_clean_line (value);
	} else if (strcmp (field, "from") == 0) {
		if ((org = config_find_org (config, value)) == NULL) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			             "unknown organization '%s'", value);
			return FALSE;
		}
		g_free (p->fields->from_org);
		p->fields->from_org = g_strdup (org->name);
	} else if (strcmp (field, "to") == 0) {
		return parse_to (config, value, p->groups, error);
	} else if (strcmp (field, "purpose") == 0) {
		if ((p->fields->purpose = statement_parse_purpose (value)) == PURPOSE_NONE) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "unknown purpose '%s' "
			             "(action, comment, information or response)", value);
			return FALSE;
		}
	} else if (strcmp (field, "deadline") == 0) {
		g_free (p->fields->deadline);
		if ((p->fields->deadline = statement_parse_date (value)) == NULL) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			             "'%s' is not a date (YYYY-MM-DD)", value);
			return FALSE;
		}
	} else {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "unknown field '%s' (title, from, to, purpose, deadline)", field);
		return FALSE;
	}
	return TRUE;
}

gboolean
action_promote (Store *store, const Config *config, const char *handle,
                const char *const *args, guint n, const char *by, const char *at,
                GError **error)
{
	GArray *outbox = NULL;
	g_autofree char *id = NULL;
	gboolean ok = action_promote_by_mail (store, config, handle, args, n, by, at, &outbox, &id,
	                                      error);

	if (outbox != NULL)
		g_array_unref (outbox);
	return ok;
}

gboolean
action_promote_by_mail (Store *store, const Config *config, const char *handle,
                        const char *const *args, guint n, const char *by, const char *at,
                        GArray **outbox, char **id, GError **error)
{
	g_autoptr (Statement) fields = statement_new ();
	g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
	Promotion p = { fields, groups };
	DeliverResult result = { 0 };
	gboolean ok;

	for (guint i = 0; i < n; i++)
		if (!parse_field (config, args[i] != NULL ? args[i] : "", &p, error)) {
			g_prefix_error (error, "promote %s: ", handle);
			return FALSE;
		}
	if (groups->len == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "promote %s: no group", handle);
		return FALSE;
	}
	ok = deliver_promote (store, config, handle, fields, groups, by, at, &result, error);
	if (ok && result.outbox != NULL && result.outbox->len > 0) {
		if (*outbox == NULL)
			*outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
		g_array_append_vals (*outbox, result.outbox->data, result.outbox->len);
	}
	if (ok)
		*id = g_steal_pointer (&result.statement_id);
	deliver_result_clear (&result);
	return ok;
}

LiaisonStatus
cmd_promote (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "promote";
	g_autofree char *by = NULL;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "Who promotes it (default: $USER)", "WHO" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autoptr (Statement) fields = statement_new ();
	g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *now = command_now ();
	Promotion p = { fields, groups };
	DeliverResult result = { 0 };
	LiaisonStatus status;

	context = command_option_context_new (command, "HANDLE FIELD=VALUE...",
	                                      "Makes the held message HANDLE (HM-2026-0001) a "
	                                      "statement with the next id, and routes it. Fields: "
	                                      "title=, from=ORG, to=GROUP;GROUP (required), "
	                                      "purpose=, deadline=YYYY-MM-DD.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc < 3)
		return command_usage_error (command, "%s", argc < 2 ? "missing handle"
		                            : "missing FIELD=VALUE (at least to=GROUP)");
	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error) || !command_load_secret (ctx.config, &error))
		return command_fail (command, error);
	for (int i = 2; i < argc; i++)
		if (!parse_field (ctx.config, argv[i], &p, &error)) {
			command_print_errorf (command, "%s", error->message);
			return LIAISON_STATUS_USAGE;
		}
	if (groups->len == 0)
		return command_usage_error (command, "missing to=GROUP: a statement is routed to groups");
	if (!command_open_store (&ctx, COMMAND_WRITE, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	if (ctx.store == NULL)
		return command_not_found (command, argv[1]);
	if (!deliver_promote (ctx.store, ctx.config, argv[1], fields, groups,
	                      command_acting_user (by), now, &result, &error))
		return command_lookup_failed (command, argv[1], error);
	status = command_send_queued (command, &ctx, result.outbox, now, "recorded");
	if (status == LIAISON_STATUS_OK)
		printf ("%s: promoted to %s\n", argv[1], result.statement_id);
	deliver_result_clear (&result);
	return status;
}

LiaisonStatus
cmd_dismiss (const GlobalOptions *options, int argc, char **argv)
{
	static const char command[] = "dismiss";
	g_autofree char *by = NULL;
	const GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by, "Who dismisses it (default: $USER)", "WHO" },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autofree char *now = command_now ();
	DeliverResult result = { 0 };

	context = command_option_context_new (command, "ID",
	                                      "Sets a held message or statement aside: state "
	                                      "dismissed, out of the default listings.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc != 2)
		return command_usage_error (command, "%s", argc < 2 ? "missing id"
		                            : "one id at a time");
	command_context_init (&ctx, command);
	if (!command_open (&ctx, options, COMMAND_WRITE, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	if (ctx.store == NULL)
		return command_not_found (command, argv[1]);
	if (!deliver_dismiss (ctx.store, ctx.config, argv[1], command_acting_user (by), now, &result,
	                      &error))
		return command_lookup_failed (command, argv[1], error);
	printf ("%s: dismissed\n", result.statement_id);
	deliver_result_clear (&result);
	return LIAISON_STATUS_OK;
}
