/* search.c: the query language of `liaison search` (see search.h). Every
 * word and phrase the user types becomes an FTS5 string ("..."), so that
 * FTS5's own operators, parentheses and column syntax are never read from
 * the input; the operators the language has are written here. */
#include "config.h"

#include <string.h>

#include "base/error.h"
#include "store/search.h"

/* The fields a term may name, and the FTS5 columns each stands for (the
 * columns of statements_fts, src/store.c). */
static const struct {
	const char *name;
	const char *columns;
} fields[] = {
	{ "title", "title" },
	{ "body", "body" },
	{ "from", "contacts" },
	{ "to", "contacts" },
	{ "cc", "contacts" },
	{ "contact", "contacts" },
	{ "contacts", "contacts" },
	{ "attachment", "attachments attachment_text" },
	{ "attachments", "attachments attachment_text" },
	{ "file", "attachments attachment_text" },
};

static const char *
field_columns (const char *name, gsize length)
{
	for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
		if (strlen (fields[i].name) == length && g_ascii_strncasecmp (fields[i].name, name, length) == 0)
			return fields[i].columns;
	return NULL;
}

/* TRUE when @text has a letter or a digit: anything else would give FTS5
 * a phrase without a token, which matches nothing. */
static gboolean
has_word (const char *text)
{
	for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
		if (g_unichar_isalnum (g_utf8_get_char (p)))
			return TRUE;
	return FALSE;
}

/* Appends @text as an FTS5 string, after the column filter @columns and
 * followed by '*' for a prefix. */
static void
append_term (GString *out, const char *text, gboolean prefix, const char *columns)
{
	if (columns != NULL)
		g_string_append_printf (out, "{%s} : ", columns);
	g_string_append_c (out, '"');
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *p);
	}
	g_string_append_c (out, '"');
	if (prefix)
		g_string_append_c (out, '*');
}

static void
string_free (gpointer string)
{
	g_string_free (string, TRUE);
}

static gboolean
is_space (char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *
search_query_to_fts (const char *query, GError **error)
{
	g_autofree char *valid = NULL;
	/* Alternatives of one AND-ed group each (GString*), and the
	 * excluded terms. */
	g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (string_free);
	g_autoptr (GString) excluded = g_string_new (NULL);
	GString *group = NULL;
	GString *out;
	gboolean pending_or = FALSE, pending_not = FALSE;
	const char *pending_columns = NULL;
	const char *p;

	g_return_val_if_fail (query != NULL, NULL);

	valid = g_utf8_make_valid (query, -1);
	p = valid;
	for (;;) {
		g_autofree char *text = NULL;
		const char *columns = pending_columns;
		gboolean negated = pending_not, prefix = FALSE, phrase = FALSE;
		const char *start;

		while (is_space (*p))
			p++;
		if (*p == '\0')
			break;
		if (*p == '-') {
			negated = TRUE;
			p++;
		}
		/* field:term, or "field:" standing alone before its term. */
		start = p;
		while (g_ascii_isalpha (*p))
			p++;
		if (*p == ':' && p > start && field_columns (start, p - start) != NULL) {
			columns = field_columns (start, p - start);
			p++;
			if (*p == '\0' || is_space (*p)) {
				pending_columns = columns;
				pending_not = negated;
				continue;
			}
		} else {
			p = start;
		}

		if (*p == '"') {
			const char *end = strchr (p + 1, '"');

			phrase = TRUE;
			if (end == NULL)
				end = p + strlen (p);
			text = g_strndup (p + 1, end - p - 1);
			p = *end == '"' ? end + 1 : end;
			if (*p == '*') {
				prefix = TRUE;
				while (*p == '*')
					p++;
			}
		} else {
			gsize length;

			start = p;
			while (*p != '\0' && !is_space (*p) && *p != '"')
				p++;
			length = p - start;
			while (length > 0 && start[length - 1] == '*') {
				prefix = TRUE;
				length--;
			}
			text = g_strndup (start, length);
		}

		if (!phrase && !negated && columns == NULL && !prefix) {
			if (strcmp (text, "OR") == 0) {
				pending_or = group != NULL;
				continue;
			}
			if (strcmp (text, "AND") == 0)
				continue;
			if (strcmp (text, "NOT") == 0) {
				pending_not = TRUE;
				continue;
			}
		}
		if (!has_word (text))
			continue;
		pending_not = FALSE;
		pending_columns = NULL;

		if (negated) {
			g_string_append (excluded, " NOT ");
			append_term (excluded, text, prefix, columns);
			continue;
		}
		if (pending_or && group != NULL) {
			g_string_append (group, " OR ");
		} else {
			group = g_string_new (NULL);
			g_ptr_array_add (groups, group);
		}
		pending_or = FALSE;
		append_term (group, text, prefix, columns);
	}

	if (groups->len == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_USAGE, "%s",
		             excluded->len > 0 ? "a query needs a word to look for besides those it excludes"
		                               : "nothing to search for: the query has no word");
		return NULL;
	}
	out = g_string_new (NULL);
	if (excluded->len > 0)
		g_string_append_c (out, '(');
	for (guint i = 0; i < groups->len; i++) {
		GString *g = g_ptr_array_index (groups, i);
		gboolean alternatives = strstr (g->str, " OR ") != NULL;

		if (i > 0)
			g_string_append (out, " AND ");
		if (alternatives)
			g_string_append_c (out, '(');
		g_string_append (out, g->str);
		if (alternatives)
			g_string_append_c (out, ')');
	}
	if (excluded->len > 0) {
		g_string_append_c (out, ')');
		g_string_append (out, excluded->str);
	}
	return g_string_free (out, FALSE);
}
