/* ical.c: the open deadlines as an iCalendar feed (RFC 5545): one all-day
 * VEVENT per open statement with a deadline whose action is not taken yet,
 * for a calendar to subscribe to. Written by hand, not with libical: the
 * few properties need only the escaping of §3.3.11 and the folding of
 * §3.1, both below. */
#include "config.h"

#include <string.h>

#include "export/export.h"

/* Content lines are at most 75 octets, CRLF not counted (§3.1). */
#define LINE_OCTETS 75

/* Appends @line (one unfolded content line) folded: a CRLF and a space
 * before every 75th octet, never inside a UTF-8 sequence. */
static void
append_folded (GString *out, const char *line)
{
	gsize len = strlen (line), start = 0, room = LINE_OCTETS;

	while (len - start > room) {
		gsize cut = start + room;

		/* Back to the first byte of the character at the cut. */
		while (cut > start + 1 && ((guchar) line[cut] & 0xc0) == 0x80)
			cut--;
		g_string_append_len (out, line + start, (gssize) (cut - start));
		g_string_append (out, "\r\n ");
		start = cut;
		room = LINE_OCTETS - 1;  /* the space counts */
	}
	g_string_append (out, line + start);
	g_string_append (out, "\r\n");
}

/* Appends @text as a TEXT value (§3.3.11): backslash, semicolon and comma
 * escaped, a line break as \n, and the controls TEXT has no place for (all
 * but HTAB, and DEL, and the C1 controls) dropped. Invalid UTF-8 is made
 * valid first. */
static void
append_text (GString *out, const char *text)
{
	g_autofree char *valid = NULL;

	if (text == NULL)
		return;
	if (!g_utf8_validate (text, -1, NULL))
		text = valid = g_utf8_make_valid (text, -1);
	for (const char *p = text; *p != '\0'; p++) {
		guchar c = (guchar) *p;

		if (c == '\\' || c == ';' || c == ',') {
			g_string_append_c (out, '\\');
			g_string_append_c (out, (char) c);
		} else if (c == '\n') {
			g_string_append (out, "\\n");
		} else if (c == '\r') {
			if (p[1] != '\n')
				g_string_append (out, "\\n");
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			continue;
		} else if (c == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f) {
			p++;
		} else {
			g_string_append_c (out, (char) c);
		}
	}
}

/* One property: NAME:VALUE with VALUE escaped as TEXT, folded. */
static void
text_property (GString *out, const char *name, const char *value)
{
	g_autoptr (GString) line = g_string_new (name);

	g_string_append_c (line, ':');
	append_text (line, value);
	append_folded (out, line->str);
}

/* A property whose value is already safe (dates, ids we made). */
static void
plain_property (GString *out, const char *name, const char *value)
{
	g_autofree char *line = g_strconcat (name, ":", value, NULL);

	append_folded (out, line);
}

/* "2026-12-07T20:08:22Z" as the UTC DATE-TIME 20261207T200822Z; the
 * digits only, so a shorter text gives a shorter (still UTC) stamp. */
static char *
utc_stamp (const char *iso)
{
	GString *out = g_string_new (NULL);

	for (const char *p = iso != NULL ? iso : ""; *p != '\0' && out->len < 15; p++) {
		if (!g_ascii_isdigit (*p))
			continue;
		g_string_append_c (out, *p);
		if (out->len == 8)
			g_string_append_c (out, 'T');
	}
	while (out->len < 15)
		g_string_append_c (out, out->len == 8 ? 'T' : '0');
	g_string_append_c (out, 'Z');
	return g_string_free (out, FALSE);
}

/* The host part of our address, for the UIDs: stable across exports. */
static const char *
uid_domain (const ExportContext *context)
{
	const char *at = NULL;

	if (context->config != NULL && context->config->address != NULL)
		at = strrchr (context->config->address, '@');
	return at != NULL && at[1] != '\0' ? at + 1 : "liaison.invalid";
}

/* A URL safe to write as a URI value: http(s), printable ASCII, no space. */
static gboolean
safe_url (const char *url)
{
	if (url == NULL || !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")))
		return FALSE;
	for (const char *p = url; *p != '\0'; p++)
		if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
			return FALSE;
	return strlen (url) < 2048;
}

gboolean
export_ical_is_open_deadline (const Statement *s)
{
	GDate date;

	if (s->state != STATE_OPEN || s->action_taken || s->deadline == NULL)
		return FALSE;
	g_date_clear (&date, 1);
	g_date_set_parse (&date, s->deadline);
	return strlen (s->deadline) == 10 && g_date_valid (&date);
}

static void
append_event (GString *out, const ExportContext *context, const Statement *s,
              const char *stamp)
{
	const char *org = export_statement_org (s);
	g_autofree char *uid = NULL, *start = NULL, *end = NULL, *summary = NULL, *desc = NULL;
	GDate date;

	g_date_clear (&date, 1);
	g_date_set_parse (&date, s->deadline);
	start = g_strdup_printf ("%04u%02u%02u", g_date_get_year (&date), g_date_get_month (&date),
	                         g_date_get_day (&date));
	g_date_add_days (&date, 1);
	end = g_strdup_printf ("%04u%02u%02u", g_date_get_year (&date), g_date_get_month (&date),
	                       g_date_get_day (&date));
	uid = g_strdup_printf ("%s-deadline@%s", s->id != NULL ? s->id : "unknown", uid_domain (context));
	summary = g_strdup_printf ("%s deadline: %s", s->id != NULL ? s->id : "?",
	                           s->title != NULL ? s->title : "(no title)");
	desc = g_strdup_printf ("From %s.%s%s", org != NULL ? org : "an unknown organization",
	                        s->purpose != PURPOSE_NONE ? " Purpose: " : "",
	                        s->purpose != PURPOSE_NONE ? purpose_to_string (s->purpose) : "");

	g_string_append (out, "BEGIN:VEVENT\r\n");
	text_property (out, "UID", uid);
	plain_property (out, "DTSTAMP", stamp);
	plain_property (out, "DTSTART;VALUE=DATE", start);
	plain_property (out, "DTEND;VALUE=DATE", end);
	text_property (out, "SUMMARY", summary);
	text_property (out, "DESCRIPTION", desc);
	if (safe_url (s->url))
		plain_property (out, "URL", s->url);
	plain_property (out, "TRANSP", "TRANSPARENT");
	g_string_append (out, "END:VEVENT\r\n");
}

gboolean
export_ical (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
             GError **error)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *stamp = utc_stamp (context->now);
	g_autofree char *name = g_strdup_printf ("Liaison deadlines: %s",
	                                         context->config != NULL && context->config->name != NULL
	                                         ? context->config->name : "liaison");

	g_string_append (out, "BEGIN:VCALENDAR\r\n");
	plain_property (out, "VERSION", "2.0");
	plain_property (out, "PRODID", "-//liaison//liaison " PACKAGE_VERSION "//EN");
	plain_property (out, "CALSCALE", "GREGORIAN");
	plain_property (out, "METHOD", "PUBLISH");
	text_property (out, "X-WR-CALNAME", name);
	for (guint i = 0; i < statements->len; i++) {
		const Statement *s = g_ptr_array_index (statements, i);

		if (export_ical_is_open_deadline (s))
			append_event (out, context, s, stamp);
	}
	g_string_append (out, "END:VCALENDAR\r\n");
	return export_writer_put (writer, "deadlines.ics", out->str, out->len, error);
}
