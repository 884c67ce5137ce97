/* export/json.c: the register as a JSON array of the full SPEC §10 objects
 * (what `show --json` prints for each statement), newest first. */
#include "config.h"

#include <string.h>

#include "export/export.h"
#include "export/render.h"

gboolean
export_json (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
             GError **error)
{
	g_autoptr (JsonBuilder) builder = json_builder_new ();
	g_autoptr (JsonNode) root = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_array (builder);
	for (guint i = 0; i < statements->len; i++)
		json_builder_add_value (builder, render_statement_json (g_ptr_array_index (statements, i),
		                                                        TRUE, context->today));
	json_builder_end_array (builder);
	root = json_builder_get_root (builder);
	text = render_json_to_string (root);
	return export_writer_put (writer, "statements.json", text, strlen (text), error);
}
