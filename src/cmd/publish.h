/* cmd/publish.h: what `queue run` borrows from `liaison publish`. */
#ifndef LIAISON_CMD_PUBLISH_H
#define LIAISON_CMD_PUBLISH_H

#include <glib.h>

#include "cmd/common.h"

/* Writes the [publish] targets when the public view changed since the last
 * publish (publish_run()), from @context's store (opened, or NULL when
 * there is no database yet), and prints a line when it wrote them.
 * TRUE, doing nothing, when the configuration has no [publish]. */
gboolean command_publish_if_changed (CommandContext *context, const char *now, GError **error);

#endif
