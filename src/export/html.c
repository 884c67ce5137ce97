/* export/html.c: the register as a static web site: index.html with the
 * statements by deadline, state, organization and group, one page per
 * statement with its fields, attachments, routes, thread and events, and the
 * Atom feed beside them. No JavaScript; one small style sheet inline; every
 * value escaped. Readable on a phone: one column, nothing wider than it. */
#include "config.h"

#include <string.h>

#include "export/export.h"

/* Statements due within this many days are marked when the configuration
 * has no reminder days (the first reminder goes out then). */
#define SOON_DAYS_DEFAULT 14

static const char STYLE[] =
	"body{font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
	"margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a;background:#fff}"
	"h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.25rem;border-bottom:1px solid #ccc;"
	"margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.25rem}"
	"a{color:#0645ad}nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}nav a{white-space:nowrap}"
	"ul.statements{list-style:none;padding:0;margin:0}"
	"ul.statements li{padding:.5rem .5rem;border-bottom:1px solid #eee;border-left:4px solid transparent}"
	"ul.statements li.overdue{border-left-color:#b00020;background:#fdf0f2}"
	"ul.statements li.soon{border-left-color:#e69500;background:#fff8e6}"
	".id{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}"
	".meta{display:block;color:#555;font-size:.9rem}"
	".deadline.overdue{color:#b00020;font-weight:bold}.deadline.soon{color:#8a5300;font-weight:bold}"
	".badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;background:#eee;font-size:.85rem}"
	".badge.overdue{background:#b00020;color:#fff}.badge.soon{background:#e69500;color:#000}"
	"dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}"
	"dl.fields dt{font-weight:bold}dl.fields dd{margin:0;overflow-wrap:anywhere}"
	"@media (max-width:40rem){dl.fields{grid-template-columns:1fr;gap:0}dl.fields dd{margin-bottom:.5rem}}"
	".table{overflow-x:auto}table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top;"
	"overflow-wrap:anywhere}"
	"pre.body{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:1rem;"
	"border-radius:.3rem;font-size:.9rem}"
	"footer{margin-top:2rem;color:#666;font-size:.85rem}";

typedef enum {
	DUE_NONE,                /* no deadline, or nothing awaited */
	DUE_LATER,
	DUE_SOON,
	DUE_OVERDUE,
} Due;

/* Whether an answer to @s is awaited, and how close its deadline is. */
static Due
due (const Statement *s, const char *today, int soon_days, int *days)
{
	gboolean awaited = (s->state == STATE_OPEN || s->state == STATE_HELD) && !s->action_taken;

	if (!awaited || today == NULL || !statement_days_left (s, today, days))
		return DUE_NONE;
	if (statement_is_overdue (s, today) || *days < 0)
		return DUE_OVERDUE;
	return *days <= soon_days ? DUE_SOON : DUE_LATER;
}

static const char *
due_class (Due d)
{
	switch (d) {
	case DUE_OVERDUE:
		return "overdue";
	case DUE_SOON:
		return "soon";
	default:
		return "";
	}
}

static void
text (GString *out, const char *value)
{
	export_append_escaped (out, value);
}

static void
head (GString *out, const char *title, gboolean feed)
{
	g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                 "<title>");
	text (out, title);
	g_string_append (out, "</title>\n");
	if (feed)
		g_string_append (out, "<link rel=\"alternate\" type=\"application/atom+xml\" "
		                 "title=\"Atom feed\" href=\"feed.atom\">\n");
	g_string_append_printf (out, "<style>%s</style>\n</head>\n<body>\n", STYLE);
}

static void
foot (GString *out, const ExportContext *context)
{
	g_string_append (out, "<footer>Written by liaison " PACKAGE_VERSION " on ");
	text (out, context->now);
	g_string_append (out, ".</footer>\n</body>\n</html>\n");
}

static const char *
purpose_phrase (Purpose purpose)
{
	switch (purpose) {
	case PURPOSE_ACTION:
		return "for action";
	case PURPOSE_COMMENT:
		return "for comment";
	case PURPOSE_INFORMATION:
		return "for information";
	case PURPOSE_RESPONSE:
		return "in response";
	default:
		return NULL;
	}
}

/* "reply by 2026-12-15 (3 days overdue)", marked by how close it is. */
static void
deadline_span (GString *out, const Statement *s, Due d, int days)
{
	g_string_append_printf (out, "<span class=\"deadline %s\">reply by ", due_class (d));
	text (out, s->deadline);
	if (d == DUE_OVERDUE)
		g_string_append_printf (out, " (overdue by %d day%s)", -days, days == -1 ? "" : "s");
	else if (d != DUE_NONE && days == 0)
		g_string_append (out, " (due today)");
	else if (d != DUE_NONE)
		g_string_append_printf (out, " (%d day%s left)", days, days == 1 ? "" : "s");
	g_string_append (out, "</span>");
}

static void
append_list (GString *out, const GPtrArray *values, const char *empty)
{
	gboolean any = FALSE;

	for (guint i = 0; values != NULL && i < values->len; i++) {
		const char *value = g_ptr_array_index (values, i);

		if (value == NULL)
			continue;
		if (any)
			g_string_append (out, ", ");
		text (out, value);
		any = TRUE;
	}
	if (!any)
		text (out, empty);
}

/* One statement in a list of the index. */
static void
append_item (GString *out, const Statement *s, const ExportContext *context, int soon_days)
{
	g_autofree char *page = export_page_name (s->id);
	const char *org = export_statement_org (s);
	const char *purpose = purpose_phrase (s->purpose);
	int days = 0;
	Due d = due (s, context->today, soon_days, &days);

	g_string_append_printf (out, "<li class=\"%s\"><a href=\"", due_class (d));
	text (out, page);
	g_string_append (out, "\"><span class=\"id\">");
	text (out, s->id);
	g_string_append (out, "</span> ");
	text (out, s->title != NULL ? s->title : "(no title)");
	g_string_append (out, "</a>\n<span class=\"meta\"><span class=\"badge\">");
	text (out, state_to_string (s->state));
	g_string_append (out, "</span> ");
	text (out, org != NULL ? org : "unknown organization");
	g_string_append (out, " \xe2\x86\x92 ");
	if (s->groups != NULL && s->groups->len > 0)
		append_list (out, s->groups, "");
	else
		append_list (out, s->to_texts, "no group");
	if (purpose != NULL) {
		g_string_append (out, " \xc2\xb7 ");
		text (out, purpose);
	}
	if (s->deadline != NULL) {
		g_string_append (out, " \xc2\xb7 ");
		deadline_span (out, s, d, days);
	}
	g_string_append (out, "</span></li>\n");
}

/* A heading and the list of @statements under it. */
static void
append_group (GString *out, const char *anchor, const char *title, GPtrArray *statements,
              const ExportContext *context, int soon_days)
{
	g_string_append (out, "<h3 id=\"");
	text (out, anchor);
	g_string_append (out, "\">");
	text (out, title);
	g_string_append_printf (out, " (%u)</h3>\n<ul class=\"statements\">\n", statements->len);
	for (guint i = 0; i < statements->len; i++)
		append_item (out, g_ptr_array_index (statements, i), context, soon_days);
	g_string_append (out, "</ul>\n");
}

/* An anchor made of @prefix and the letters and digits of @name. */
static char *
anchor (const char *prefix, const char *name)
{
	GString *a = g_string_new (prefix);

	for (const char *p = name; *p != '\0'; p++)
		g_string_append_c (a, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '-');
	return g_string_free (a, FALSE);
}

/* Statements grouped by a key: key -> GPtrArray of Statement* (borrowed),
 * keys in first-seen order. */
typedef struct {
	GHashTable *table;       /* char* -> GPtrArray* */
	GPtrArray *keys;         /* char* */
} Groups;

static void
groups_init (Groups *g)
{
	g->table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
	g->keys = g_ptr_array_new_with_free_func (g_free);
}

static void
groups_clear (Groups *g)
{
	g_hash_table_unref (g->table);
	g_ptr_array_unref (g->keys);
}

static void
groups_add (Groups *g, const char *key, Statement *s)
{
	GPtrArray *list = g_hash_table_lookup (g->table, key);

	if (list == NULL) {
		char *copy = g_strdup (key);

		list = g_ptr_array_new ();
		g_ptr_array_add (g->keys, copy);
		g_hash_table_insert (g->table, copy, list);
	}
	g_ptr_array_add (list, s);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
	return g_utf8_collate (*(const char *const *) a, *(const char *const *) b);
}

static gint
compare_deadlines (gconstpointer a, gconstpointer b)
{
	const Statement *x = *(const Statement *const *) a, *y = *(const Statement *const *) b;

	return g_strcmp0 (x->deadline, y->deadline);
}

static int
soon_days (const Config *config)
{
	if (config->reminder_days != NULL && config->reminder_days->len > 0)
		return MAX (g_array_index (config->reminder_days, int, 0), 0);
	return SOON_DAYS_DEFAULT;
}

/* Adds to @deadlines the statements overdue or due within @soon days,
 * by deadline, and counts each kind. */
static void
find_due (const ExportContext *context, GPtrArray *statements, int soon, GPtrArray *deadlines,
          guint *overdue, guint *near)
{
	for (guint i = 0; i < statements->len; i++) {
		Statement *s = g_ptr_array_index (statements, i);
		int days;
		Due d = due (s, context->today, soon, &days);

		if (d == DUE_OVERDUE || d == DUE_SOON) {
			g_ptr_array_add (deadlines, s);
			if (d == DUE_OVERDUE)
				(*overdue)++;
			else
				(*near)++;
		}
	}
	g_ptr_array_sort (deadlines, compare_deadlines);
}

/* The index's heading: how many statements, how many are due, and the
 * links to its sections. */
static void
index_header (GString *out, const char *title, const ExportContext *context, guint n_statements,
              guint overdue, guint near, int soon)
{
	g_string_append (out, "<header>\n<h1>");
	text (out, title);
	g_string_append_printf (out, "</h1>\n<p>%u statement%s as of ", n_statements,
	                        n_statements == 1 ? "" : "s");
	text (out, context->today);
	g_string_append_printf (out, ": <span class=\"badge overdue\">%u overdue</span> "
	                        "<span class=\"badge soon\">%u due within %d days</span></p>\n",
	                        overdue, near, soon);
	g_string_append (out, "<nav><a href=\"#deadlines\">Deadlines</a><a href=\"#by-state\">By state</a>"
	                 "<a href=\"#by-organization\">By organization</a>"
	                 "<a href=\"#by-group\">By group</a><a href=\"feed.atom\">Atom feed</a></nav>\n"
	                 "</header>\n<main>\n");
}

static void
by_state_section (GString *out, const ExportContext *context, GPtrArray *statements, int soon)
{
	static const StatementState states[] = { STATE_HELD, STATE_PENDING_APPROVAL, STATE_OPEN,
	                                         STATE_REPLIED, STATE_CLOSED };

	g_string_append (out, "<section id=\"by-state\">\n<h2>By state</h2>\n");
	for (gsize k = 0; k < G_N_ELEMENTS (states); k++) {
		g_autoptr (GPtrArray) list = g_ptr_array_new ();
		const char *name = state_to_string (states[k]);
		g_autofree char *a = anchor ("state-", name);

		for (guint i = 0; i < statements->len; i++) {
			Statement *s = g_ptr_array_index (statements, i);

			if (s->state == states[k])
				g_ptr_array_add (list, s);
		}
		if (list->len > 0)
			append_group (out, a, name, list, context, soon);
	}
	g_string_append (out, "</section>\n");
}

/* The statements under each organization in @orgs and under each group
 * they are for in @groups, both sorted by name. */
static void
group_statements (GPtrArray *statements, Groups *orgs, Groups *groups)
{
	for (guint i = 0; i < statements->len; i++) {
		Statement *s = g_ptr_array_index (statements, i);
		const char *org = export_statement_org (s);

		groups_add (orgs, org != NULL ? org : "(unknown organization)", s);
		if (s->groups == NULL || s->groups->len == 0)
			groups_add (groups, "(no group)", s);
		for (guint j = 0; s->groups != NULL && j < s->groups->len; j++)
			groups_add (groups, g_ptr_array_index (s->groups, j), s);
	}
	g_ptr_array_sort (orgs->keys, compare_names);
	g_ptr_array_sort (groups->keys, compare_names);
}

static void
by_organization_section (GString *out, const ExportContext *context, const Groups *orgs, int soon)
{
	g_string_append (out, "<section id=\"by-organization\">\n<h2>By organization</h2>\n");
	for (guint k = 0; k < orgs->keys->len; k++) {
		const char *name = g_ptr_array_index (orgs->keys, k);
		g_autofree char *a = anchor ("org-", name);

		append_group (out, a, name, g_hash_table_lookup (orgs->table, name), context, soon);
	}
	g_string_append (out, "</section>\n");
}

static void
by_group_section (GString *out, const ExportContext *context, const Groups *groups, int soon)
{
	g_string_append (out, "<section id=\"by-group\">\n<h2>By group</h2>\n");
	for (guint k = 0; k < groups->keys->len; k++) {
		const char *name = g_ptr_array_index (groups->keys, k);
		const Group *group = config_find_group (context->config, name);
		g_autofree char *a = anchor ("group-", name);
		g_autofree char *heading = group != NULL && group->full_name != NULL
			? g_strdup_printf ("%s (%s)", name, group->full_name) : g_strdup (name);

		append_group (out, a, heading, g_hash_table_lookup (groups->table, name), context, soon);
	}
	g_string_append (out, "</section>\n");
}

static char *
index_page (const ExportContext *context, GPtrArray *statements)
{
	const Config *config = context->config;
	GString *out = g_string_new (NULL);
	g_autoptr (GPtrArray) deadlines = g_ptr_array_new ();
	int soon = soon_days (config);
	guint overdue = 0, near = 0;
	Groups orgs, groups;
	g_autofree char *title = g_strdup_printf ("Liaison statements: %s",
	                                          config->name != NULL ? config->name : config->address);

	find_due (context, statements, soon, deadlines, &overdue, &near);
	head (out, title, TRUE);
	index_header (out, title, context, statements->len, overdue, near, soon);

	/* What needs doing first. */
	g_string_append (out, "<section id=\"deadlines\">\n<h2>Deadlines</h2>\n");
	if (deadlines->len == 0)
		g_string_append (out, "<p>No deadline is past or near.</p>\n");
	else
		append_group (out, "due", "Overdue or due soon", deadlines, context, soon);
	g_string_append (out, "</section>\n");
	by_state_section (out, context, statements, soon);

	groups_init (&orgs);
	groups_init (&groups);
	group_statements (statements, &orgs, &groups);
	by_organization_section (out, context, &orgs, soon);
	by_group_section (out, context, &groups, soon);
	g_string_append (out, "</main>\n");
	groups_clear (&orgs);
	groups_clear (&groups);

	foot (out, context);
	return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* A statement's page */

static void
field (GString *out, const char *label, const char *value)
{
	g_string_append (out, "<dt>");
	text (out, label);
	g_string_append (out, "</dt><dd>");
	text (out, value != NULL && *value != '\0' ? value : "\xe2\x80\x94");
	g_string_append (out, "</dd>\n");
}

static void
list_field (GString *out, const char *label, const GPtrArray *values)
{
	g_string_append (out, "<dt>");
	text (out, label);
	g_string_append (out, "</dt><dd>");
	append_list (out, values, "\xe2\x80\x94");
	g_string_append (out, "</dd>\n");
}

/* A link only for web addresses: a sender's "javascript:" stays text. */
static void
url_field (GString *out, const char *url)
{
	g_string_append (out, "<dt>URL</dt><dd>");
	if (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")) {
		g_string_append (out, "<a href=\"");
		text (out, url);
		g_string_append (out, "\">");
		text (out, url);
		g_string_append (out, "</a>");
	} else {
		text (out, url);
	}
	g_string_append (out, "</dd>\n");
}

/* The documents the statement links to: each title, a link when its URL
 * is a web address. */
static void
links_field (GString *out, const GPtrArray *links)
{
	g_string_append (out, "<dt>Links</dt><dd>");
	for (guint i = 0; i < links->len; i++) {
		const Link *l = g_ptr_array_index (links, i);
		const char *title = l->title != NULL ? l->title : (l->url != NULL ? l->url : "");

		if (i > 0)
			g_string_append (out, "<br>\n");
		if (l->url != NULL && (g_str_has_prefix (l->url, "https://") ||
		                       g_str_has_prefix (l->url, "http://"))) {
			g_string_append (out, "<a href=\"");
			text (out, l->url);
			g_string_append (out, "\">");
			text (out, title);
			g_string_append (out, "</a>");
		} else {
			text (out, title);
		}
	}
	g_string_append (out, "</dd>\n");
}

/* "1.5 KiB" */
static char *
size_text (gint64 size)
{
	if (size < 1024)
		return g_strdup_printf ("%" G_GINT64_FORMAT " B", MAX (size, 0));
	return g_format_size_full ((guint64) size, G_FORMAT_SIZE_IEC_UNITS);
}

/* A table of @rows (each a NULL-terminated char*[]) under @heading, or a
 * line saying there is none. */
static void
table (GString *out, const char *heading, const char *const *columns, GPtrArray *rows)
{
	g_string_append (out, "<h2>");
	text (out, heading);
	g_string_append (out, "</h2>\n");
	if (rows->len == 0) {
		g_string_append (out, "<p>None.</p>\n");
		return;
	}
	g_string_append (out, "<div class=\"table\"><table>\n<tr>");
	for (guint c = 0; columns[c] != NULL; c++) {
		g_string_append (out, "<th>");
		text (out, columns[c]);
		g_string_append (out, "</th>");
	}
	g_string_append (out, "</tr>\n");
	for (guint i = 0; i < rows->len; i++) {
		char **cells = g_ptr_array_index (rows, i);

		g_string_append (out, "<tr>");
		for (guint c = 0; columns[c] != NULL; c++) {
			g_string_append (out, "<td>");
			text (out, cells[c] != NULL ? cells[c] : "");
			g_string_append (out, "</td>");
		}
		g_string_append (out, "</tr>\n");
	}
	g_string_append (out, "</table></div>\n");
}

static char **
row (const char *a, const char *b, const char *c, const char *d)
{
	char **cells = g_new0 (char *, 5);

	cells[0] = g_strdup (a != NULL ? a : "");
	cells[1] = g_strdup (b != NULL ? b : "");
	cells[2] = g_strdup (c != NULL ? c : "");
	cells[3] = g_strdup (d != NULL ? d : "");
	return cells;
}

/* The page's title and the line of badges under it: state, due, action
 * taken, purpose and deadline. */
static void
page_heading (GString *out, const ExportContext *context, const Statement *s)
{
	const char *purpose = purpose_phrase (s->purpose);
	int days = 0;
	Due d = due (s, context->today, soon_days (context->config), &days);

	g_string_append (out, "<nav><a href=\"index.html\">All statements</a></nav>\n<main>\n<h1><span class=\"id\">");
	text (out, s->id);
	g_string_append (out, "</span> ");
	text (out, s->title != NULL ? s->title : "(no title)");
	g_string_append (out, "</h1>\n<p><span class=\"badge\">");
	text (out, state_to_string (s->state));
	g_string_append (out, "</span>");
	if (d == DUE_OVERDUE)
		g_string_append (out, " <span class=\"badge overdue\">overdue</span>");
	else if (d == DUE_SOON)
		g_string_append (out, " <span class=\"badge soon\">due soon</span>");
	if (s->action_taken)
		g_string_append (out, " <span class=\"badge\">action taken</span>");
	if (purpose != NULL) {
		g_string_append (out, " ");
		text (out, purpose);
	}
	if (s->deadline != NULL) {
		g_string_append (out, ", ");
		deadline_span (out, s, d, days);
	}
	g_string_append (out, "</p>\n");
}

/* "responds to <a>LS-...</a>, ...": the statements @s is related to. */
static void
related_field (GString *out, const Statement *s)
{
	g_string_append (out, "<dt>Related</dt><dd>");
	if (s->related == NULL || s->related->len == 0)
		g_string_append (out, "\xe2\x80\x94");
	for (guint i = 0; s->related != NULL && i < s->related->len; i++) {
		const Related *r = g_ptr_array_index (s->related, i);
		g_autofree char *page = export_page_name (r->id);

		if (i > 0)
			g_string_append (out, ", ");
		text (out, r->relation);
		g_string_append (out, " <a href=\"");
		text (out, page);
		g_string_append (out, "\">");
		text (out, r->id);
		g_string_append (out, "</a>");
	}
	g_string_append (out, "</dd>\n");
}

/* The fields of @s, as a definition list. */
static void
page_fields (GString *out, const Statement *s)
{
	g_string_append (out, "<dl class=\"fields\">\n");
	field (out, "From", export_statement_org (s));
	field (out, "Contact", s->from_contact);
	g_string_append (out, "<dt>To</dt><dd>");
	if (s->groups != NULL && s->groups->len > 0)
		append_list (out, s->groups, "");
	else
		append_list (out, s->to_texts, "\xe2\x80\x94");
	g_string_append (out, "</dd>\n");
	list_field (out, "To contacts", s->to_contacts);
	list_field (out, "Cc", s->cc);
	list_field (out, "Response contacts", s->response_contacts);
	list_field (out, "Technical contacts", s->technical_contacts);
	field (out, "Purpose", s->purpose != PURPOSE_NONE ? purpose_to_string (s->purpose) : NULL);
	field (out, "Deadline", s->deadline);
	field (out, "Submitted", s->submitted);
	field (out, "Received", s->received);
	field (out, "Message-ID", s->message_id);
	field (out, "Layout", s->layout != LAYOUT_NONE ? layout_to_string (s->layout) : NULL);
	field (out, "Direction", direction_to_string (s->direction));
	if (s->url != NULL)
		url_field (out, s->url);
	if (s->other_identifiers != NULL && s->other_identifiers->len > 0)
		list_field (out, "Other identifiers", s->other_identifiers);
	if (s->links != NULL && s->links->len > 0)
		links_field (out, s->links);
	if (s->hold_reason != NULL)
		field (out, "Held", s->hold_reason);
	related_field (out, s);
	g_string_append (out, "</dl>\n");
}

/* The tables of @s: attachments, routes, thread and events. */
static void
page_tables (GString *out, const Statement *s)
{
	static const char *const attachment_columns[] = { "File", "Type", "Size", "SHA-256", NULL };
	static const char *const route_columns[] = { "Address", "Role", "Status", NULL };
	static const char *const thread_columns[] = { "Date", "Role", "From", "Message-ID", NULL };
	static const char *const event_columns[] = { "At", "Event", "Detail", NULL };
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

	for (guint i = 0; s->attachments != NULL && i < s->attachments->len; i++) {
		const Attachment *a = g_ptr_array_index (s->attachments, i);
		g_autofree char *size = size_text (a->size);

		g_ptr_array_add (rows, row (a->filename, a->content_type, size, a->sha256));
	}
	table (out, "Attachments", attachment_columns, rows);

	g_ptr_array_set_size (rows, 0);
	for (guint i = 0; s->routes != NULL && i < s->routes->len; i++) {
		const StatementRoute *r = g_ptr_array_index (s->routes, i);

		g_ptr_array_add (rows, row (r->address, r->role, r->status, NULL));
	}
	table (out, "Routes", route_columns, rows);

	g_ptr_array_set_size (rows, 0);
	for (guint i = 0; s->thread != NULL && i < s->thread->len; i++) {
		const ThreadEntry *e = g_ptr_array_index (s->thread, i);
		g_autofree char *mid = e->message_id != NULL ? g_strdup_printf ("<%s>", e->message_id) : NULL;

		g_ptr_array_add (rows, row (e->date, e->role, e->from, mid));
	}
	table (out, "Thread", thread_columns, rows);

	g_ptr_array_set_size (rows, 0);
	for (guint i = 0; s->events != NULL && i < s->events->len; i++) {
		const Event *e = g_ptr_array_index (s->events, i);

		g_ptr_array_add (rows, row (e->at, e->type, e->detail, NULL));
	}
	table (out, "Events", event_columns, rows);
}

static char *
statement_page (const ExportContext *context, const Statement *s)
{
	GString *out = g_string_new (NULL);
	g_autofree char *title = g_strdup_printf ("%s: %s", s->id != NULL ? s->id : "?",
	                                          s->title != NULL ? s->title : "(no title)");

	head (out, title, FALSE);
	page_heading (out, context, s);
	page_fields (out, s);
	page_tables (out, s);
	if (s->body != NULL && *s->body != '\0') {
		g_string_append (out, "<h2>Text</h2>\n<pre class=\"body\">");
		text (out, s->body);
		g_string_append (out, "</pre>\n");
	}
	g_string_append (out, "</main>\n");
	foot (out, context);
	return g_string_free (out, FALSE);
}

gboolean
export_html (const ExportContext *context, GPtrArray *statements, ExportWriter *writer,
             GError **error)
{
	ExportContext with_pages = *context;
	g_autofree char *index = NULL;

	g_return_val_if_fail (export_writer_is_directory (writer), FALSE);

	for (guint i = 0; i < statements->len; i++) {
		const Statement *s = g_ptr_array_index (statements, i);
		g_autofree char *name = export_page_name (s->id);
		g_autofree char *page = statement_page (context, s);

		if (!export_writer_put (writer, name, page, strlen (page), error))
			return FALSE;
	}
	/* The feed beside the pages, linking to them; the index last, so
	 * that it never links to a page that is not there yet. */
	with_pages.pages = TRUE;
	if (!export_atom (&with_pages, statements, writer, error))
		return FALSE;
	index = index_page (context, statements);
	return export_writer_put (writer, "index.html", index, strlen (index), error);
}
