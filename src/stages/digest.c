/* digest.c: the digest of where things stand and the authorized-senders
 * check (issue 18): which statements go in which section, and the text
 * and HTML that list them. Pure: the rows and the time come in. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "stages/digest.h"
#include "stages/remind.h"

/* ---------------------------------------------------------------------- */
/* Periods */

static GDateTime *
day_of (const char *today)
{
	int y, m, d;
	char tail;

	/* YYYY-MM-DD exactly. */
	if (today == NULL || strlen (today) != 10 || today[4] != '-' || today[7] != '-')
		return NULL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit (today[i]))
			return NULL;
	if (sscanf (today, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return NULL;
	if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
		return NULL;
	return g_date_time_new_utc (y, m, d, 0, 0, 0);
}

char *
digest_week (const char *today)
{
	g_autoptr (GDateTime) day = day_of (today);

	return day != NULL ? g_date_time_format (day, "%G-W%V") : NULL;
}

char *
digest_quarter (const char *today)
{
	g_autoptr (GDateTime) day = day_of (today);

	if (day == NULL)
		return NULL;
	return g_strdup_printf ("%d-Q%d", g_date_time_get_year (day),
	                        (g_date_time_get_month (day) - 1) / 3 + 1);
}

/* ---------------------------------------------------------------------- */
/* Selection */

/* Whether @s is from, or (outgoing) for, one of @orgs. */
static gboolean
concerns (const Statement *s, const Config *config, GPtrArray *orgs)
{
	const Org *from;

	if (orgs == NULL)
		return TRUE;
	from = config_find_org (config, s->from_org != NULL ? s->from_org : s->from_org_text);
	for (guint i = 0; i < orgs->len; i++) {
		const Org *o = g_ptr_array_index (orgs, i);

		if (from == o)
			return TRUE;
		for (guint g = 0; s->groups != NULL && g < s->groups->len; g++)
			if (config_find_org (config, g_ptr_array_index (s->groups, g)) == o)
				return TRUE;
	}
	return FALSE;
}

static gboolean
listed (GPtrArray *ids, const char *id)
{
	for (guint i = 0; ids != NULL && i < ids->len; i++)
		if (g_strcmp0 (g_ptr_array_index (ids, i), id) == 0)
			return TRUE;
	return FALSE;
}

/* Puts @s of the register in its sections. */
static void
sort_statement (DigestReport *r, const DigestInput *input, Statement *s)
{
	int left;

	/* A held one is listed once, under held. */
	if (s->state == STATE_HELD || s->state == STATE_DISMISSED)
		return;
	if (input->since != NULL && g_strcmp0 (s->received, input->since) >= 0)
		g_ptr_array_add (r->fresh, s);
	if (s->state == STATE_OPEN && !s->action_taken && s->deadline != NULL &&
	    remind_days_left (s->deadline, input->today, &left))
		g_ptr_array_add (left >= 0 ? r->awaiting : r->overdue, s);
	if (listed (input->replied, s->id))
		g_ptr_array_add (r->replied, s);
}

/* "2026-12-06T10:00:00Z": a day before @now. */
static char *
day_before (const char *now)
{
	g_autoptr (GDateTime) t = now != NULL ? g_date_time_new_from_iso8601 (now, NULL) : NULL;
	g_autoptr (GDateTime) before = t != NULL ? g_date_time_add_days (t, -1) : NULL;

	return before != NULL ? g_date_time_format (before, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

/* Whether @o failed since the last digest, or has waited more than a day. */
static gboolean
stuck (const DigestOutgoing *o, const DigestInput *input, const char *day_ago)
{
	if (g_strcmp0 (o->state, "failed") == 0)
		return input->since == NULL || g_strcmp0 (o->created, input->since) >= 0;
	if (g_strcmp0 (o->state, "queued") == 0 || g_strcmp0 (o->state, "sending") == 0)
		return g_strcmp0 (o->created, day_ago) < 0;
	return FALSE;
}

static gboolean
in_report (const DigestReport *r, GPtrArray *held, const char *id)
{
	GPtrArray *all[] = { r->fresh, r->awaiting, r->overdue, r->replied, held };

	for (guint k = 0; k < G_N_ELEMENTS (all); k++)
		for (guint i = 0; i < all[k]->len; i++)
			if (g_strcmp0 (((const Statement *) g_ptr_array_index (all[k], i))->id, id) == 0)
				return TRUE;
	return FALSE;
}

/* The soonest deadline first, then by id. */
static gint
by_deadline (gconstpointer a, gconstpointer b)
{
	const Statement *x = *(const Statement *const *) a;
	const Statement *y = *(const Statement *const *) b;
	int c = g_strcmp0 (x->deadline, y->deadline);

	return c != 0 ? c : g_strcmp0 (x->id, y->id);
}

DigestReport *
digest_report_new (const DigestInput *input, const Config *config, GPtrArray *orgs)
{
	DigestReport *r = g_new0 (DigestReport, 1);
	g_autofree char *day_ago = day_before (input->now);
	g_autoptr (GPtrArray) mine = g_ptr_array_new ();

	r->fresh = g_ptr_array_new ();
	r->awaiting = g_ptr_array_new ();
	r->overdue = g_ptr_array_new ();
	r->held = g_ptr_array_new ();
	r->replied = g_ptr_array_new ();
	r->outgoing = g_ptr_array_new ();

	for (guint i = 0; input->statements != NULL && i < input->statements->len; i++) {
		Statement *s = g_ptr_array_index (input->statements, i);

		if (concerns (s, config, orgs)) {
			sort_statement (r, input, s);
			g_ptr_array_add (mine, s);
		}
	}
	g_ptr_array_sort (r->awaiting, by_deadline);
	g_ptr_array_sort (r->overdue, by_deadline);
	for (guint i = 0; input->held != NULL && i < input->held->len; i++) {
		Statement *s = g_ptr_array_index (input->held, i);

		if (concerns (s, config, orgs))
			g_ptr_array_add (r->held, s);
	}
	for (guint i = 0; input->outgoing != NULL && i < input->outgoing->len; i++) {
		DigestOutgoing *o = g_ptr_array_index (input->outgoing, i);

		if (!stuck (o, input, day_ago))
			continue;
		if (orgs == NULL || (o->statement_id != NULL && in_report (r, mine, o->statement_id)))
			g_ptr_array_add (r->outgoing, o);
	}
	return r;
}

void
digest_report_free (DigestReport *report)
{
	if (report == NULL)
		return;
	g_ptr_array_unref (report->fresh);
	g_ptr_array_unref (report->awaiting);
	g_ptr_array_unref (report->overdue);
	g_ptr_array_unref (report->held);
	g_ptr_array_unref (report->replied);
	g_ptr_array_unref (report->outgoing);
	g_free (report);
}

gboolean
digest_report_empty (const DigestReport *r)
{
	return r->fresh->len + r->awaiting->len + r->overdue->len + r->held->len +
	       r->replied->len + r->outgoing->len == 0;
}

/* ---------------------------------------------------------------------- */
/* Text and HTML: one list of lines, written twice */

typedef enum { SECTION_FRESH, SECTION_AWAITING, SECTION_OVERDUE, SECTION_HELD,
               SECTION_REPLIED } Section;

/* "7 days left", "1 day overdue", "due today". */
static char *
days_text (const Statement *s, const char *today)
{
	int left = 0;

	if (s->deadline == NULL || !remind_days_left (s->deadline, today, &left))
		return g_strdup ("");
	if (left == 0)
		return g_strdup_printf ("deadline %s, due today", s->deadline);
	return g_strdup_printf ("deadline %s, %d day%s %s", s->deadline, ABS (left),
	                        ABS (left) == 1 ? "" : "s", left > 0 ? "left" : "overdue");
}

/* The line of @s in @section: "LS-2026-0001  ITU-T SG15 -> ccamp: TITLE
 * (deadline ..., 7 days left)", values cleaned of control characters. */
static char *
statement_line (const Statement *s, Section section, const char *today)
{
	g_autofree char *title = statement_clean_line (s->title != NULL ? s->title : "(no title)");
	g_autofree char *from = statement_clean_line (s->from_org != NULL ? s->from_org
	                                              : s->from_org_text != NULL ? s->from_org_text : "?");
	g_autofree char *to = NULL, *groups = NULL, *extra = NULL, *id = NULL;

	if (s->groups != NULL && s->groups->len > 0) {
		g_ptr_array_add (s->groups, NULL);
		groups = g_strjoinv (", ", (char **) s->groups->pdata);
		g_ptr_array_remove_index (s->groups, s->groups->len - 1);
	}
	to = statement_clean_line (groups != NULL ? groups : "-");
	if (section == SECTION_HELD)
		extra = statement_clean_line (s->hold_reason != NULL ? s->hold_reason : "held");
	else if (section == SECTION_AWAITING || section == SECTION_OVERDUE)
		extra = days_text (s, today);
	else
		extra = g_strdup_printf ("received %.10s", s->received != NULL ? s->received : "?");
	id = statement_clean_line (section == SECTION_HELD && s->handle != NULL ? s->handle : s->id);
	return g_strdup_printf ("%s  %s -> %s: %s (%s)", id, from, to, title, extra);
}

static char *
outgoing_line (const DigestOutgoing *o)
{
	g_autofree char *error = statement_clean_line (o->last_error != NULL ? o->last_error : "");

	return g_strdup_printf ("%s %s <%s> %s since %s%s%s", o->statement_id != NULL ? o->statement_id : "-",
	                        o->kind, o->message_id, o->state, o->created,
	                        *error != '\0' ? ": " : "", error);
}

typedef struct {
	const char *title;
	GPtrArray *lines;        /* char* */
} Block;

static void
block_clear (Block *b)
{
	g_ptr_array_unref (b->lines);
}

/* The six sections of @report, each a heading and its lines. */
static GArray *
blocks_of (const DigestReport *r, const DigestInput *input)
{
	static const char *const titles[] = {
		"New statements", "Awaiting a reply", "Overdue", "Held (reply to its held notice "
		"with promote, route or dismiss)", "Replied", "Outgoing mail failed or waiting more than a day",
	};
	GPtrArray *lists[] = { r->fresh, r->awaiting, r->overdue, r->held, r->replied };
	GArray *blocks = g_array_new (FALSE, TRUE, sizeof (Block));

	g_array_set_clear_func (blocks, (GDestroyNotify) block_clear);
	for (guint k = 0; k < G_N_ELEMENTS (titles); k++) {
		Block b = { titles[k], g_ptr_array_new_with_free_func (g_free) };

		if (k < G_N_ELEMENTS (lists))
			for (guint i = 0; i < lists[k]->len; i++)
				g_ptr_array_add (b.lines, statement_line (g_ptr_array_index (lists[k], i),
				                                          (Section) k, input->today));
		else
			for (guint i = 0; i < r->outgoing->len; i++)
				g_ptr_array_add (b.lines, outgoing_line (g_ptr_array_index (r->outgoing, i)));
		g_array_append_val (blocks, b);
	}
	return blocks;
}

char *
digest_subject (const DigestInput *input, const char *scope)
{
	g_autofree char *week = digest_week (input->today);
	g_autofree char *clean = statement_clean_line (scope);

	return g_strdup_printf ("[Liaison digest %s] %s", week != NULL ? week : input->today, clean);
}

static char *
since_text (const DigestInput *input)
{
	return g_strdup_printf ("%.10s", input->since != NULL ? input->since : "the start");
}

char *
digest_text (const DigestReport *report, const DigestInput *input, const Config *config,
             const char *scope)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autoptr (GArray) blocks = blocks_of (report, input);
	g_autofree char *clean = statement_clean_line (scope);
	g_autofree char *since = since_text (input);
	g_autofree char *our_name = statement_clean_line (config->name);

	g_string_append_printf (out, "Where the liaison statements of %s stand on %s\n"
	                        "(new and replied: since %s).\n", clean, input->today, since);
	for (guint k = 0; k < blocks->len; k++) {
		const Block *b = &g_array_index (blocks, Block, k);

		g_string_append_printf (out, "\n%s (%u):\n", b->title, b->lines->len);
		if (b->lines->len == 0)
			g_string_append (out, "  none\n");
		for (guint i = 0; i < b->lines->len; i++)
			g_string_append_printf (out, "  %s\n", (const char *) g_ptr_array_index (b->lines, i));
	}
	g_string_append_printf (out, "\nTo act on a statement, reply to this mail with lines that start with\n"
	                        "its id as listed above: \"ID taken\", \"ID close\", \"ID reopen\",\n"
	                        "\"ID deadline YYYY-MM-DD\", \"ID route GROUP...\", \"ID note TEXT\".\n"
	                        "liaison show ID tells more of one.\n\n-- \n%s <%s>\n",
	                        our_name, config->address);
	return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
digest_html (const DigestReport *report, const DigestInput *input, const Config *config,
             const char *scope)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autoptr (GArray) blocks = blocks_of (report, input);
	g_autofree char *clean = statement_clean_line (scope);
	g_autofree char *since = since_text (input);
	g_autofree char *title = g_markup_printf_escaped ("Liaison digest: %s, %s", clean, input->today);

	g_string_append_printf (out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	                        "<title>%s</title></head>\n<body>\n<h1>%s</h1>\n", title, title);
	g_string_append_printf (out, "<p>New and replied: since %s.</p>\n", since);
	for (guint k = 0; k < blocks->len; k++) {
		const Block *b = &g_array_index (blocks, Block, k);
		g_autofree char *heading = g_markup_escape_text (b->title, -1);

		g_string_append_printf (out, "<h2>%s (%u)</h2>\n", heading, b->lines->len);
		if (b->lines->len == 0) {
			g_string_append (out, "<p>none</p>\n");
			continue;
		}
		g_string_append (out, "<ul>\n");
		for (guint i = 0; i < b->lines->len; i++) {
			g_autofree char *line = g_markup_escape_text (g_ptr_array_index (b->lines, i), -1);

			g_string_append_printf (out, "<li>%s</li>\n", line);
		}
		g_string_append (out, "</ul>\n");
	}
	{
		g_autofree char *name = statement_clean_line (config->name);
		g_autofree char *sig = g_markup_printf_escaped ("<p>liaison show ID tells more of one."
		                                                "</p>\n<p>-- <br>%s &lt;%s&gt;</p>\n",
		                                                name, config->address);

		g_string_append (out, sig);
	}
	g_string_append (out, "</body></html>\n");
	return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---------------------------------------------------------------------- */
/* Who may submit for an organization */

char *
digest_authorized_subject (const Org *org, const char *quarter)
{
	g_autofree char *name = statement_clean_line (org->name);

	return g_strdup_printf ("[Liaison %s] Who may send statements for %s?", quarter, name);
}

static void
append_list (GString *out, GPtrArray *values)
{
	for (guint i = 0; values != NULL && i < values->len; i++) {
		g_autofree char *v = statement_clean_line (g_ptr_array_index (values, i));

		g_string_append_printf (out, "  %s\n", v);
	}
}

char *
digest_authorized_text (const Config *config, const Org *org, const char *quarter)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *name = statement_clean_line (org->name);
	g_autofree char *our_name = statement_clean_line (config->name);

	g_string_append_printf (out, "You are a liaison manager for %s. Once a quarter (%s) we ask\n"
	                        "you to confirm who may submit liaison statements for it.\n\n", name,
	                        quarter);
	if (org->authorized != NULL && org->authorized->len > 0) {
		g_string_append (out, "Authorized senders (its authorized list):\n");
		append_list (out, org->authorized);
	} else if (org->senders_any) {
		g_string_append (out, "Authorized senders: anyone (senders = any).\n");
	} else if (org->domains != NULL && org->domains->len > 0) {
		g_string_append (out, "Authorized senders: any address in these domains:\n");
		append_list (out, org->domains);
	} else {
		g_string_append (out, "Authorized senders: none configured.\n");
	}
	g_string_append (out, "\nStatements relayed by these trusted relays are also accepted:\n");
	if (config->trusted_relays == NULL || config->trusted_relays->len == 0)
		g_string_append (out, "  none\n");
	append_list (out, config->trusted_relays);
	g_string_append_printf (out, "\nIf this is right, nothing needs doing. If it is not, reply with "
	                        "the\ncorrections and the liaison.conf of %s will be updated.\n\n"
	                        "-- \n%s <%s>\n", config->address, our_name, config->address);
	return g_string_free (g_steal_pointer (&out), FALSE);
}
