/* export/atom.c: the register as an Atom feed (RFC 4287), one entry per
 * statement, newest first. Built as text with every value escaped; ids are
 * name-based UUIDs, so that an entry keeps its id from one export to the
 * next and feed readers do not show it again. */
#include "config.h"

#include <string.h>

#include "export/export.h"

/* A time as Atom wants it (RFC 3339), or NULL when @text is none. */
static char *
rfc3339 (const char *text)
{
	g_autoptr (GDateTime) date = NULL;
	g_autoptr (GTimeZone) utc = NULL;

	if (text == NULL || *text == '\0')
		return NULL;
	utc = g_time_zone_new_utc ();
	date = g_date_time_new_from_iso8601 (text, utc);
	if (date == NULL)
		return NULL;
	{
		g_autoptr (GDateTime) in_utc = g_date_time_to_utc (date);

		return g_date_time_format (in_utc, "%Y-%m-%dT%H:%M:%SZ");
	}
}

/* When the statement last changed: its latest event, else its receipt. */
static char *
entry_updated (const Statement *s, const char *fallback)
{
	char *best = rfc3339 (s->received);

	for (guint i = 0; s->events != NULL && i < s->events->len; i++) {
		const Event *event = g_ptr_array_index (s->events, i);
		char *at = rfc3339 (event->at);

		if (at != NULL && (best == NULL || g_strcmp0 (at, best) > 0)) {
			g_free (best);
			best = at;
		} else {
			g_free (at);
		}
	}
	if (best == NULL)
		best = rfc3339 (fallback);
	return best;
}

static void
element (GString *out, const char *indent, const char *name, const char *text)
{
	g_string_append_printf (out, "%s<%s>", indent, name);
	export_append_escaped (out, text);
	g_string_append_printf (out, "</%s>\n", name);
}

static char *
join (const GPtrArray *values)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; values != NULL && i < values->len; i++) {
		if (text->len > 0)
			g_string_append (text, ", ");
		g_string_append (text, g_ptr_array_index (values, i));
	}
	return g_string_free (text, FALSE);
}

/* "For action, from ITU-T SG15 to ccamp; reply by 2026-12-15." */
static char *
summary (const Statement *s)
{
	static const char *const purposes[] = {
		[PURPOSE_NONE] = "Statement",
		[PURPOSE_ACTION] = "For action",
		[PURPOSE_COMMENT] = "For comment",
		[PURPOSE_INFORMATION] = "For information",
		[PURPOSE_RESPONSE] = "In response",
	};
	GString *text = g_string_new (NULL);
	const char *org = export_statement_org (s);
	g_autofree char *groups = join (s->groups);

	if (s->direction == DIRECTION_OUTGOING)
		g_string_append (text, "The IETF's own statement: ");
	g_string_append (text, (guint) s->purpose < G_N_ELEMENTS (purposes) ? purposes[s->purpose]
	                 : purposes[PURPOSE_NONE]);
	if (org != NULL)
		g_string_append_printf (text, ", from %s", org);
	if (*groups != '\0')
		g_string_append_printf (text, " to %s", groups);
	if (s->deadline != NULL)
		g_string_append_printf (text, "; reply by %s", s->deadline);
	g_string_append_printf (text, " (%s).", state_to_string (s->state));
	return g_string_free (text, FALSE);
}

/* TRUE for an http or https URL that parses (as the HTML page links it):
 * a feed reader opens what the link names. */
static gboolean
web_url (const char *url)
{
	return url != NULL && (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://"))
	       && g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL);
}

/* The entry's link (RFC 4287 4.1.1: an entry without content has an
 * alternate link; readers open it): its page beside the feed, else the
 * statement's own web page (the Datatracker's), else its message as a mid:
 * URI (RFC 2392), which a mail client opens. */
static void
append_link (GString *out, const ExportContext *context, const Statement *s)
{
	g_autofree char *href = NULL;
	const char *type = "text/html";

	if (context->pages) {
		href = export_page_name (s->id);
	} else if (web_url (s->url)) {
		href = g_strdup (s->url);
	} else if (s->message_id != NULL && *s->message_id != '\0') {
		g_autofree char *escaped = g_uri_escape_string (s->message_id, "!$&'()*+,;=:@", FALSE);

		href = g_strconcat ("mid:", escaped, NULL);
		type = "message/rfc822";
	} else {
		href = g_strconcat ("mailto:", context->config->address, NULL);
		type = NULL;
	}
	g_string_append (out, "    <link rel=\"alternate\"");
	if (type != NULL)
		g_string_append_printf (out, " type=\"%s\"", type);
	g_string_append (out, " href=\"");
	export_append_escaped (out, href);
	g_string_append (out, "\"/>\n");
}

/* The documents the statement links to (the Datatracker's Attachments
 * list): rel="related", with their titles. */
static void
append_links (GString *out, const Statement *s)
{
	for (guint i = 0; s->links != NULL && i < s->links->len; i++) {
		const Link *l = g_ptr_array_index (s->links, i);

		if (!web_url (l->url))
			continue;
		g_string_append (out, "    <link rel=\"related\" href=\"");
		export_append_escaped (out, l->url);
		if (l->title != NULL) {
			g_string_append (out, "\" title=\"");
			export_append_escaped (out, l->title);
		}
		g_string_append (out, "\"/>\n");
	}
}

static void
append_entry (GString *out, const ExportContext *context, const Statement *s)
{
	g_autofree char *key = g_strdup_printf ("mailto:%s#%s", context->config->address,
	                                        s->id != NULL ? s->id : "");
	g_autofree char *id = export_uuid_urn (key);
	g_autofree char *title = g_strdup_printf ("[%s] %s", s->id != NULL ? s->id : "?",
	                                          s->title != NULL ? s->title : "(no title)");
	g_autofree char *updated = entry_updated (s, context->now);
	g_autofree char *published = rfc3339 (s->received);
	g_autofree char *text = summary (s);
	const char *org = export_statement_org (s);

	g_string_append (out, "  <entry>\n");
	element (out, "    ", "id", id);
	element (out, "    ", "title", title);
	element (out, "    ", "updated", updated != NULL ? updated : "1970-01-01T00:00:00Z");
	if (published != NULL)
		element (out, "    ", "published", published);
	if (org != NULL || s->from_contact != NULL) {
		g_string_append (out, "    <author>\n");
		element (out, "      ", "name", org != NULL ? org : s->from_contact);
		g_string_append (out, "    </author>\n");
	}
	append_link (out, context, s);
	g_string_append (out, "    <category term=\"");
	export_append_escaped (out, state_to_string (s->state));
	g_string_append (out, "\"/>\n");
	if (s->purpose != PURPOSE_NONE) {
		g_string_append (out, "    <category term=\"");
		export_append_escaped (out, purpose_to_string (s->purpose));
		g_string_append (out, "\"/>\n");
	}
	g_string_append (out, "    <category term=\"");
	export_append_escaped (out, direction_to_string (s->direction));
	g_string_append (out, "\"/>\n");
	append_links (out, s);
	element (out, "    ", "summary", text);
	g_string_append (out, "  </entry>\n");
}

gboolean
export_atom (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
             GError **error)
{
	const Config *config = context->config;
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *key = g_strdup_printf ("mailto:%s", config->address);
	g_autofree char *feed_id = export_uuid_urn (key);
	g_autofree char *title = g_strdup_printf ("Liaison statements: %s",
	                                          config->name != NULL ? config->name : config->address);
	g_autofree char *updated = NULL;

	/* The feed changed when its newest entry did. */
	for (guint i = 0; i < statements->len; i++) {
		g_autofree char *at = entry_updated (g_ptr_array_index (statements, i), NULL);

		if (at != NULL && (updated == NULL || strcmp (at, updated) > 0)) {
			g_free (updated);
			updated = g_steal_pointer (&at);
		}
	}
	if (updated == NULL)
		updated = rfc3339 (context->now);
	if (updated == NULL)
		updated = g_strdup ("1970-01-01T00:00:00Z");

	g_string_append (out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	                 "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	element (out, "  ", "id", feed_id);
	element (out, "  ", "title", title);
	element (out, "  ", "updated", updated);
	g_string_append (out, "  <author>\n");
	element (out, "    ", "name", config->name != NULL ? config->name : config->address);
	element (out, "    ", "email", config->address);
	g_string_append (out, "  </author>\n");
	g_string_append (out, "  <generator version=\"" PACKAGE_VERSION "\">liaison</generator>\n");
	if (context->pages)
		g_string_append (out, "  <link rel=\"alternate\" type=\"text/html\" href=\"index.html\"/>\n"
		                 "  <link rel=\"self\" type=\"application/atom+xml\" href=\"feed.atom\"/>\n");
	for (guint i = 0; i < statements->len; i++)
		append_entry (out, context, g_ptr_array_index (statements, i));
	g_string_append (out, "</feed>\n");
	return export_writer_put (writer, "feed.atom", out->str, out->len, error);
}
