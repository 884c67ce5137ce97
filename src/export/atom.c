/* export/atom.c: the register as an Atom feed (RFC 4287), one entry per
 * statement, newest first. Written with libxml2's xmlTextWriter, which
 * escapes; what XML cannot hold at all is dropped before
 * (export_xml_text()). Ids are name-based UUIDs, so that an entry keeps its
 * id from one export to the next and feed readers do not show it again. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "base/error.h"
#include "base/xml-lib.h"
#include "export/export.h"

/* The writer, and whether a call of it failed (it can only run out of
 * memory: it writes to a buffer). */
typedef struct {
	xmlTextWriterPtr w;
	gboolean failed;
} Feed;

static void
check (Feed *feed, int rc)
{
	if (rc < 0)
		feed->failed = TRUE;
}

static void
start (Feed *feed, const char *name)
{
	check (feed, xmlTextWriterStartElement (feed->w, BAD_CAST name));
}

static void
end (Feed *feed)
{
	check (feed, xmlTextWriterEndElement (feed->w));
}

/* @text as XML can hold it, its line breaks LF: the writer would keep a
 * CR as "&#13;", which a parser keeps too, where the raw CR LF it read
 * before became one LF. Newly allocated. */
static char *
feed_text (const char *text)
{
	char *clean = export_xml_text (text);
	char *to = clean;

	for (const char *from = clean; *from != '\0'; from++) {
		if (*from == '\r' && from[1] == '\n')
			continue;
		*to++ = *from == '\r' ? '\n' : *from;
	}
	*to = '\0';
	return clean;
}

static void
attribute (Feed *feed, const char *name, const char *value)
{
	g_autofree char *clean = feed_text (value);

	check (feed, xmlTextWriterWriteAttribute (feed->w, BAD_CAST name, BAD_CAST clean));
}

static void
element (Feed *feed, const char *name, const char *text)
{
	g_autofree char *clean = feed_text (text);

	check (feed, xmlTextWriterWriteElement (feed->w, BAD_CAST name, BAD_CAST clean));
}

/* An empty element with attributes, @... their names and values, then
 * NULL; a NULL value leaves its attribute out. */
static void
empty_element (Feed *feed, const char *name, ...)
{
	va_list args;
	const char *key;

	start (feed, name);
	va_start (args, name);
	while ((key = va_arg (args, const char *)) != NULL) {
		const char *value = va_arg (args, const char *);

		if (value != NULL)
			attribute (feed, key, value);
	}
	va_end (args);
	end (feed);
}

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
write_link (Feed *feed, const ExportContext *context, const Statement *s)
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
	empty_element (feed, "link", "rel", "alternate", "type", type, "href", href, NULL);
}

/* The documents the statement links to (the Datatracker's Attachments
 * list): rel="related", with their titles. */
static void
write_links (Feed *feed, const Statement *s)
{
	for (guint i = 0; s->links != NULL && i < s->links->len; i++) {
		const Link *l = g_ptr_array_index (s->links, i);

		if (web_url (l->url))
			empty_element (feed, "link", "rel", "related", "href", l->url, "title", l->title, NULL);
	}
}

static void
write_entry (Feed *feed, const ExportContext *context, const Statement *s)
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

	start (feed, "entry");
	element (feed, "id", id);
	element (feed, "title", title);
	element (feed, "updated", updated != NULL ? updated : "1970-01-01T00:00:00Z");
	if (published != NULL)
		element (feed, "published", published);
	if (org != NULL || s->from_contact != NULL) {
		start (feed, "author");
		element (feed, "name", org != NULL ? org : s->from_contact);
		end (feed);
	}
	write_link (feed, context, s);
	empty_element (feed, "category", "term", state_to_string (s->state), NULL);
	if (s->purpose != PURPOSE_NONE)
		empty_element (feed, "category", "term", purpose_to_string (s->purpose), NULL);
	empty_element (feed, "category", "term", direction_to_string (s->direction), NULL);
	write_links (feed, s);
	element (feed, "summary", text);
	end (feed);
}

/* The feed changed when its newest entry did. */
static char *
feed_updated (const ExportContext *context, GPtrArray *statements)
{
	g_autofree char *updated = NULL;

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
	return g_steal_pointer (&updated);
}

static void
write_feed (Feed *feed, const ExportContext *context, GPtrArray *statements)
{
	const Config *config = context->config;
	g_autofree char *key = g_strdup_printf ("mailto:%s", config->address);
	g_autofree char *feed_id = export_uuid_urn (key);
	g_autofree char *title = g_strdup_printf ("Liaison statements: %s",
	                                          config->name != NULL ? config->name : config->address);
	g_autofree char *updated = feed_updated (context, statements);

	check (feed, xmlTextWriterSetIndent (feed->w, 1));
	check (feed, xmlTextWriterSetIndentString (feed->w, BAD_CAST "  "));
	check (feed, xmlTextWriterStartDocument (feed->w, "1.0", "utf-8", NULL));
	start (feed, "feed");
	attribute (feed, "xmlns", "http://www.w3.org/2005/Atom");
	element (feed, "id", feed_id);
	element (feed, "title", title);
	element (feed, "updated", updated);
	start (feed, "author");
	element (feed, "name", config->name != NULL ? config->name : config->address);
	element (feed, "email", config->address);
	end (feed);
	start (feed, "generator");
	attribute (feed, "version", PACKAGE_VERSION);
	check (feed, xmlTextWriterWriteString (feed->w, BAD_CAST "liaison"));
	end (feed);
	if (context->pages) {
		empty_element (feed, "link", "rel", "alternate", "type", "text/html", "href", "index.html", NULL);
		empty_element (feed, "link", "rel", "self", "type", "application/atom+xml", "href", "feed.atom", NULL);
	}
	for (guint i = 0; i < statements->len; i++)
		write_entry (feed, context, g_ptr_array_index (statements, i));
	end (feed);
	check (feed, xmlTextWriterEndDocument (feed->w));
}

gboolean
export_atom (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
             GError **error)
{
	xmlBufferPtr buffer;
	Feed feed = { NULL, FALSE };
	gboolean ok;

	if (!xml_lib_load (error)) {
		g_prefix_error (error, "feed.atom: ");
		return FALSE;
	}
	buffer = xmlBufferCreate ();
	if (buffer == NULL || (feed.w = xmlNewTextWriterMemory (buffer, 0)) == NULL) {
		if (buffer != NULL)
			xmlBufferFree (buffer);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "feed.atom: out of memory");
		return FALSE;
	}
	write_feed (&feed, context, statements);
	/* Freeing the writer flushes it into the buffer. */
	xmlFreeTextWriter (feed.w);
	if (feed.failed) {
		xmlBufferFree (buffer);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "feed.atom: the XML writer failed");
		return FALSE;
	}
	ok = export_writer_put (writer, "feed.atom", (const char *) xmlBufferContent (buffer),
	                        (gsize) xmlBufferLength (buffer), error);
	xmlBufferFree (buffer);
	return ok;
}
