/* ical.c: the open deadlines as an iCalendar feed (RFC 5545): one all-day
 * VEVENT per open statement with a deadline whose action is not taken yet,
 * for a calendar to subscribe to. Built and written with libical, which
 * escapes TEXT values (§3.3.11) and folds lines (§3.1); what a TEXT value
 * has no place for is dropped before (text_value()). */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <libical/ical.h>

#include "base/error.h"
#include "base/util.h"
#include "export/export.h"

/* ---- Opening libical when a calendar is first written ----
 *
 * Linked, libical and what it needs (ICU's i18n library, Berkeley DB)
 * cost every run of the program some 2 ms to load, for the one command
 * that writes a calendar. So it is opened with dlopen() like the document
 * libraries (src/input/document.c), and called through pointers; the
 * header is the build's, the soname the one it linked against. */

#define ICAL_FUNCTIONS(F) \
	F (icalcomponent_new) \
	F (icalcomponent_add_property) \
	F (icalcomponent_add_component) \
	F (icalcomponent_as_ical_string_r) \
	F (icalcomponent_free) \
	F (icalmemory_free_buffer) \
	F (icalproperty_new_uid) \
	F (icalproperty_new_dtstamp) \
	F (icalproperty_new_dtstart) \
	F (icalproperty_new_dtend) \
	F (icalproperty_new_summary) \
	F (icalproperty_new_description) \
	F (icalproperty_new_url) \
	F (icalproperty_new_transp) \
	F (icalproperty_new_version) \
	F (icalproperty_new_prodid) \
	F (icalproperty_new_calscale) \
	F (icalproperty_new_method) \
	F (icalproperty_new_x) \
	F (icalproperty_set_x_name) \
	F (icaltime_from_string) \
	F (icaltime_null_date) \
	F (icalerror_strerror) \
	F (icalerrno_return)

#define DECLARE_POINTER(name) __typeof__ (name) *f_##name;
static struct {
	gsize once;
	const char *failure;     /* why it cannot be used, or NULL */
	ICAL_FUNCTIONS (DECLARE_POINTER);  /* the ; for pmccabe */
} ical;

static void
ical_open (void)
{
	/* Opened for the life of the process: never closed. */
	void *handle = dlopen (ICAL_SONAME, RTLD_LAZY | RTLD_LOCAL);

	if (handle == NULL) {
		ical.failure = util_dlerror ();
		return;
	}
#define RESOLVE(name) \
	*(void **) &ical.f_##name = dlsym (handle, #name); \
	if (ical.f_##name == NULL) { \
		ical.failure = "libical has no " #name; \
		return; \
	}
	ICAL_FUNCTIONS (RESOLVE)
#undef RESOLVE
}

/* Opens libical once per process; FALSE with @error when it cannot be. */
static gboolean
ical_load (GError **error)
{
	if (g_once_init_enter (&ical.once)) {
		ical_open ();
		g_once_init_leave (&ical.once, 1);
	}
	if (ical.failure != NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "deadlines.ics: cannot load libical: %s", ical.failure);
		return FALSE;
	}
	return TRUE;
}

gboolean
export_ical_available (GError **error)
{
	return ical_load (error);
}

/* From here on the calls go through the pointers. */
#define icalcomponent_new (*ical.f_icalcomponent_new)
#define icalcomponent_add_property (*ical.f_icalcomponent_add_property)
#define icalcomponent_add_component (*ical.f_icalcomponent_add_component)
#define icalcomponent_as_ical_string_r (*ical.f_icalcomponent_as_ical_string_r)
#define icalcomponent_free (*ical.f_icalcomponent_free)
#define icalmemory_free_buffer (*ical.f_icalmemory_free_buffer)
#define icalproperty_new_uid (*ical.f_icalproperty_new_uid)
#define icalproperty_new_dtstamp (*ical.f_icalproperty_new_dtstamp)
#define icalproperty_new_dtstart (*ical.f_icalproperty_new_dtstart)
#define icalproperty_new_dtend (*ical.f_icalproperty_new_dtend)
#define icalproperty_new_summary (*ical.f_icalproperty_new_summary)
#define icalproperty_new_description (*ical.f_icalproperty_new_description)
#define icalproperty_new_url (*ical.f_icalproperty_new_url)
#define icalproperty_new_transp (*ical.f_icalproperty_new_transp)
#define icalproperty_new_version (*ical.f_icalproperty_new_version)
#define icalproperty_new_prodid (*ical.f_icalproperty_new_prodid)
#define icalproperty_new_calscale (*ical.f_icalproperty_new_calscale)
#define icalproperty_new_method (*ical.f_icalproperty_new_method)
#define icalproperty_new_x (*ical.f_icalproperty_new_x)
#define icalproperty_set_x_name (*ical.f_icalproperty_set_x_name)
#define icaltime_from_string (*ical.f_icaltime_from_string)
#define icaltime_null_date (*ical.f_icaltime_null_date)
#define icalerror_strerror (*ical.f_icalerror_strerror)
#define icalerrno_return (*ical.f_icalerrno_return)

/* @text for a TEXT value: valid UTF-8, a line break (CR LF, CR or LF) as
 * LF, which libical writes as "\n", and the controls TEXT has no place
 * for (all but HTAB, and DEL, and the C1 controls) dropped: libical would
 * write them as they are. Newly allocated. */
static char *
text_value (const char *text)
{
	g_autofree char *valid = NULL;
	GString *out;

	if (text == NULL)
		return g_strdup ("");
	if (!g_utf8_validate (text, -1, NULL))
		text = valid = g_utf8_make_valid (text, -1);
	out = g_string_sized_new (strlen (text));
	for (const char *p = text; *p != '\0'; p++) {
		guchar c = (guchar) *p;

		if (c == '\r') {
			if (p[1] != '\n')
				g_string_append_c (out, '\n');
		} else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			continue;
		} else if (c == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f) {
			p++;
		} else {
			g_string_append_c (out, (char) c);
		}
	}
	return g_string_free (out, FALSE);
}

/* Adds the TEXT property @prop, its value made of @text, to @component. */
static void
add_text (icalcomponent *component, icalproperty *(*prop) (const char *), const char *text)
{
	g_autofree char *value = text_value (text);

	icalcomponent_add_property (component, prop (value));
}

/* X-WR-CALNAME, the name calendars show: libical does not escape the
 * value of a property it does not know, so it is escaped here. */
static icalproperty *
calendar_name (const char *name)
{
	g_autofree char *value = text_value (name);
	g_autoptr (GString) escaped = g_string_new (NULL);
	icalproperty *prop;

	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == ';' || *p == ',')
			g_string_append_c (escaped, '\\');
		if (*p == '\n')
			g_string_append (escaped, "\\n");
		else
			g_string_append_c (escaped, *p);
	}
	prop = icalproperty_new_x (escaped->str);
	icalproperty_set_x_name (prop, "X-WR-CALNAME");
	return prop;
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

/* @date as an iCalendar DATE. */
static struct icaltimetype
ical_date (const GDate *date)
{
	struct icaltimetype t = icaltime_null_date ();

	t.year = g_date_get_year (date);
	t.month = g_date_get_month (date);
	t.day = g_date_get_day (date);
	return t;
}

static icalcomponent *
deadline_event (const ExportContext *context, const Statement *s, struct icaltimetype stamp)
{
	const char *org = export_statement_org (s);
	g_autofree char *uid = NULL, *summary = NULL, *desc = NULL;
	icalcomponent *event = icalcomponent_new (ICAL_VEVENT_COMPONENT);
	GDate date;

	uid = g_strdup_printf ("%s-deadline@%s", s->id != NULL ? s->id : "unknown", uid_domain (context));
	summary = g_strdup_printf ("%s deadline: %s", s->id != NULL ? s->id : "?",
	                           s->title != NULL ? s->title : "(no title)");
	desc = g_strdup_printf ("From %s.%s%s", org != NULL ? org : "an unknown organization",
	                        s->purpose != PURPOSE_NONE ? " Purpose: " : "",
	                        s->purpose != PURPOSE_NONE ? purpose_to_string (s->purpose) : "");

	add_text (event, icalproperty_new_uid, uid);
	icalcomponent_add_property (event, icalproperty_new_dtstamp (stamp));
	g_date_clear (&date, 1);
	g_date_set_parse (&date, s->deadline);
	icalcomponent_add_property (event, icalproperty_new_dtstart (ical_date (&date)));
	g_date_add_days (&date, 1);
	icalcomponent_add_property (event, icalproperty_new_dtend (ical_date (&date)));
	add_text (event, icalproperty_new_summary, summary);
	add_text (event, icalproperty_new_description, desc);
	if (safe_url (s->url))
		icalcomponent_add_property (event, icalproperty_new_url (s->url));
	icalcomponent_add_property (event, icalproperty_new_transp (ICAL_TRANSP_TRANSPARENT));
	return event;
}

gboolean
export_ical (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
             GError **error)
{
	g_autofree char *stamp_text = utc_stamp (context->now);
	g_autofree char *name = g_strdup_printf ("Liaison deadlines: %s",
	                                         context->config != NULL && context->config->name != NULL
	                                         ? context->config->name : "liaison");
	struct icaltimetype stamp;
	icalcomponent *calendar;
	char *text;
	gboolean ok;

	if (!ical_load (error))
		return FALSE;
	stamp = icaltime_from_string (stamp_text);
	calendar = icalcomponent_new (ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
	icalcomponent_add_property (calendar, icalproperty_new_prodid ("-//liaison//liaison " PACKAGE_VERSION "//EN"));
	icalcomponent_add_property (calendar, icalproperty_new_calscale ("GREGORIAN"));
	icalcomponent_add_property (calendar, icalproperty_new_method (ICAL_METHOD_PUBLISH));
	icalcomponent_add_property (calendar, calendar_name (name));
	for (guint i = 0; i < statements->len; i++) {
		const Statement *s = g_ptr_array_index (statements, i);

		if (export_ical_is_open_deadline (s))
			icalcomponent_add_component (calendar, deadline_event (context, s, stamp));
	}
	text = icalcomponent_as_ical_string_r (calendar);
	icalcomponent_free (calendar);
	if (text == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "deadlines.ics: %s",
		             icalerror_strerror (icalerrno));
		return FALSE;
	}
	ok = export_writer_put (writer, "deadlines.ics", text, strlen (text), error);
	icalmemory_free_buffer (text);
	return ok;
}
