/* cmd/publish.c: `liaison publish` writes the public register of
 * [publish] (the HTML register, its Atom feed, the iCalendar feed of open
 * deadlines) now, changed or not; `queue run` does the same each minute
 * when the register changed. Returns OK, ERROR (nothing to publish, or a
 * write failed) or USAGE. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "cmd/common.h"
#include "cmd/publish.h"
#include "base/conf.h"
#include "base/error.h"
#include "export/publish.h"
#include "store/store.h"

static const char command[] = "publish";

/* Says what publish_run() did, when it wrote something. */
static void
report (const char *name, const PublishResult *result)
{
	if (result->outcome == PUBLISH_UNCHANGED)
		return;
	printf ("%s: published %u statement%s and %u open deadline%s", name, result->statements,
	        result->statements == 1 ? "" : "s", result->deadlines,
	        result->deadlines == 1 ? "" : "s");
	if (result->removed > 0)
		printf ("; removed %u page%s no longer public", result->removed,
		        result->removed == 1 ? "" : "s");
	printf ("\n");
}

gboolean
command_publish_if_changed (CommandContext *context, const char *now, GError **error)
{
	g_autofree char *today = NULL;
	PublishResult result;

	if (!publish_configured (context->config))
		return TRUE;
	today = command_today ();
	if (!publish_run (context->store, context->config, now, today, FALSE, &result, error)) {
		g_prefix_error (error, "publishing the register: ");
		return FALSE;
	}
	report (context->command, &result);
	return TRUE;
}

LiaisonStatus
cmd_publish (const GlobalOptions *options, int argc, char **argv)
{
	gboolean if_changed = FALSE;
	const GOptionEntry entries[] = {
		{ "if-changed", 0, 0, G_OPTION_ARG_NONE, &if_changed,
		  "Write only when the public view changed since the last publish (as queue run does)",
		  NULL },
		{ NULL }
	};
	g_autoptr (GOptionContext) context = NULL;
	g_autoptr (GError) error = NULL;
	g_auto (CommandContext) ctx = { 0 };
	g_autofree char *today = NULL, *now = NULL;
	PublishResult result;

	context = command_option_context_new (command, NULL, "Writes the public register of "
	                                      "[publish]: HTML, Atom and iCalendar.", entries);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		return command_usage_error (command, "%s", error->message);
	if (argc > 1)
		return command_usage_error (command, "unexpected argument '%s'", argv[1]);

	command_context_init (&ctx, command);
	if (!command_load_config (&ctx, options, &error))
		return command_fail (command, error);
	if (!publish_configured (ctx.config)) {
		command_print_error (command, "nothing to publish: the configuration has no [publish] "
		                     "html, atom or ical");
		return LIAISON_STATUS_ERROR;
	}
	if (!command_open_store (&ctx, COMMAND_READ, COMMAND_BUSY_TIMEOUT_MS, &error))
		return command_fail (command, error);
	today = command_today ();
	now = command_now ();
	if (!publish_run (ctx.store, ctx.config, now, today, !if_changed, &result, &error))
		return command_fail (command, error);
	if (result.outcome == PUBLISH_UNCHANGED)
		printf ("%s: the public register is unchanged\n", command);
	report (command, &result);
	return LIAISON_STATUS_OK;
}
