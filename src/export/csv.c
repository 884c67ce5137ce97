/* export/csv.c: the register as CSV (RFC 4180): a header row, then one row
 * per statement, newest first; CR LF line ends, fields quoted when they
 * hold a comma, a quote or a line break. Lists are joined with "; "; a
 * link is "title <url>". */
#include "config.h"

#include "export/export.h"

static const char *const columns[] = {
	"id", "state", "overdue", "action_taken", "title", "purpose", "layout",
	"submitted", "received", "deadline", "from_org", "from_contact",
	"to_groups", "to_contacts", "cc", "response_contacts", "technical_contacts",
	"related", "message_id", "attachments", "direction", "url", "other_identifiers", "links",
};

/* Appends one field. A value that a spreadsheet would take for a formula
 * (it starts with = + - @, a TAB or a CR) gets a leading apostrophe: the
 * titles and contacts come from strangers' mail (OWASP, "CSV injection"). */
static void
append_field (GString *row, const char *value, gboolean first)
{
	g_autofree char *valid = NULL;
	gboolean quote;

	if (!first)
		g_string_append_c (row, ',');
	if (value == NULL)
		return;
	if (!g_utf8_validate (value, -1, NULL))
		value = valid = g_utf8_make_valid (value, -1);
	quote = strpbrk (value, ",\"\r\n") != NULL;
	if (quote)
		g_string_append_c (row, '"');
	if (value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL)
		g_string_append_c (row, '\'');
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c (row, '"');
		g_string_append_c (row, *p);
	}
	if (quote)
		g_string_append_c (row, '"');
}

static char *
join (const GPtrArray *values)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; values != NULL && i < values->len; i++) {
		const char *value = g_ptr_array_index (values, i);

		if (value == NULL)
			continue;
		if (text->len > 0)
			g_string_append (text, "; ");
		g_string_append (text, value);
	}
	return g_string_free (text, FALSE);
}

static char *
join_related (const GPtrArray *related)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; related != NULL && i < related->len; i++) {
		const Related *r = g_ptr_array_index (related, i);

		if (text->len > 0)
			g_string_append (text, "; ");
		g_string_append_printf (text, "%s %s", r->relation != NULL ? r->relation : "related",
		                        r->id != NULL ? r->id : "?");
	}
	return g_string_free (text, FALSE);
}

static char *
join_attachments (const GPtrArray *attachments)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; attachments != NULL && i < attachments->len; i++) {
		const Attachment *a = g_ptr_array_index (attachments, i);

		if (text->len > 0)
			g_string_append (text, "; ");
		g_string_append (text, a->filename != NULL ? a->filename : "(unnamed)");
	}
	return g_string_free (text, FALSE);
}

static char *
join_links (const GPtrArray *links)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; links != NULL && i < links->len; i++) {
		const Link *l = g_ptr_array_index (links, i);

		if (text->len > 0)
			g_string_append (text, "; ");
		g_string_append (text, l->title != NULL ? l->title : "(untitled)");
		if (l->url != NULL)
			g_string_append_printf (text, " <%s>", l->url);
	}
	return g_string_free (text, FALSE);
}

static void
append_row (GString *out, const Statement *s, const char *today)
{
	const char *purpose = s->purpose != PURPOSE_NONE ? purpose_to_string (s->purpose) : NULL;
	const char *layout = s->layout != LAYOUT_NONE ? layout_to_string (s->layout) : NULL;
	g_autofree char *groups = join (s->groups);
	g_autofree char *to = join (s->to_contacts);
	g_autofree char *cc = join (s->cc);
	g_autofree char *response = join (s->response_contacts);
	g_autofree char *technical = join (s->technical_contacts);
	g_autofree char *related = join_related (s->related);
	g_autofree char *attachments = join_attachments (s->attachments);
	g_autofree char *others = join (s->other_identifiers);
	g_autofree char *links = join_links (s->links);
	gboolean overdue = today != NULL && statement_is_overdue (s, today);

	append_field (out, s->id, TRUE);
	append_field (out, state_to_string (s->state), FALSE);
	append_field (out, overdue ? "true" : "false", FALSE);
	append_field (out, s->action_taken ? "true" : "false", FALSE);
	append_field (out, s->title, FALSE);
	append_field (out, purpose, FALSE);
	append_field (out, layout, FALSE);
	append_field (out, s->submitted, FALSE);
	append_field (out, s->received, FALSE);
	append_field (out, s->deadline, FALSE);
	append_field (out, export_statement_org (s), FALSE);
	append_field (out, s->from_contact, FALSE);
	append_field (out, groups, FALSE);
	append_field (out, to, FALSE);
	append_field (out, cc, FALSE);
	append_field (out, response, FALSE);
	append_field (out, technical, FALSE);
	append_field (out, related, FALSE);
	append_field (out, s->message_id, FALSE);
	append_field (out, attachments, FALSE);
	append_field (out, direction_to_string (s->direction), FALSE);
	append_field (out, s->url, FALSE);
	append_field (out, others, FALSE);
	append_field (out, links, FALSE);
	g_string_append (out, "\r\n");
}

gboolean
export_csv (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
            GError **error)
{
	g_autoptr (GString) out = g_string_new (NULL);

	for (gsize c = 0; c < G_N_ELEMENTS (columns); c++)
		append_field (out, columns[c], c == 0);
	g_string_append (out, "\r\n");
	for (guint i = 0; i < statements->len; i++)
		append_row (out, g_ptr_array_index (statements, i), context->today);
	return export_writer_put (writer, "statements.csv", out->str, out->len, error);
}
