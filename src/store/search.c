/* search.c: the query language of `liaison search` (see search.h). Every
 * word and phrase the user types becomes an FTS5 string ("..."), so that
 * FTS5's own operators, parentheses and column syntax are never read from
 * the input; the operators the language has are written here. */
#include "config.h"

#include <string.h>

#include "base/error.h"
#include "store/search.h"

/* The fields a term may name, and the FTS5 columns each stands for (the
 * columns of statements_fts, src/store/fts.c and src/store/schema.c). */
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

/* One term as typed: a word or a phrase, with what was written around it. */
typedef struct {
	char *text;              /* without quotes and trailing '*' */
	const char *columns;     /* the field's columns, or NULL: any */
	gboolean negated;        /* "-word", or after NOT */
	gboolean prefix;         /* "word*" */
	gboolean phrase;         /* "\"two words\"" */
} Term;

/* What has been read so far. */
typedef struct {
	GPtrArray *groups;       /* alternatives of one AND-ed group each
	                          * (GString*) */
	GString *excluded;       /* the excluded terms */
	GString *group;          /* the last of @groups, or NULL */
	gboolean pending_or;     /* an OR waits for its right side */
	gboolean pending_not;    /* a NOT, or "-field:", waits for its term */
	const char *pending_columns; /* "field:" stood alone before its term */
	guint terms;             /* the words and phrases kept so far */
} Parser;

/* Reads "field:" at *@p, moving past it and setting *@columns; leaves *@p
 * alone and returns FALSE when no field is named there. */
static gboolean
read_field (const char **p, const char **columns)
{
	const char *start = *p, *q = start;

	while (g_ascii_isalpha (*q))
		q++;
	if (*q != ':' || q == start || field_columns (start, q - start) == NULL)
		return FALSE;
	*columns = field_columns (start, q - start);
	*p = q + 1;
	return TRUE;
}

/* Reads the phrase that starts at *@p (its opening quote), up to its
 * closing quote or the end, and the '*'s that make it a prefix. */
static void
read_phrase (const char **p, Term *term)
{
	const char *q = *p, *end = strchr (q + 1, '"');

	term->phrase = TRUE;
	if (end == NULL)
		end = q + strlen (q);
	term->text = g_strndup (q + 1, end - q - 1);
	q = *end == '"' ? end + 1 : end;
	if (*q == '*') {
		term->prefix = TRUE;
		while (*q == '*')
			q++;
	}
	*p = q;
}

/* Reads the word at *@p, up to a space or a quote; the '*'s that end it
 * make it a prefix. */
static void
read_word (const char **p, Term *term)
{
	const char *start = *p, *q = start;
	gsize length;

	while (*q != '\0' && !is_space (*q) && *q != '"')
		q++;
	length = q - start;
	while (length > 0 && start[length - 1] == '*') {
		term->prefix = TRUE;
		length--;
	}
	term->text = g_strndup (start, length);
	*p = q;
}

/* TRUE when @term, a bare word, is an operator: it is noted in @parser. */
static gboolean
read_operator (Parser *parser, const Term *term)
{
	if (term->phrase || term->negated || term->columns != NULL || term->prefix)
		return FALSE;
	if (strcmp (term->text, "OR") == 0) {
		parser->pending_or = parser->group != NULL;
		return TRUE;
	}
	if (strcmp (term->text, "AND") == 0)
		return TRUE;
	if (strcmp (term->text, "NOT") == 0) {
		parser->pending_not = TRUE;
		return TRUE;
	}
	return FALSE;
}

/* Adds @term to the excluded terms, to the group an OR left open, or as
 * a group of its own. */
static void
add_term (Parser *parser, const Term *term)
{
	if (read_operator (parser, term) || !has_word (term->text))
		return;
	parser->pending_not = FALSE;
	parser->pending_columns = NULL;
	if (++parser->terms > SEARCH_MAX_TERMS)
		return;

	if (term->negated) {
		g_string_append (parser->excluded, " NOT ");
		append_term (parser->excluded, term->text, term->prefix, term->columns);
		return;
	}
	if (parser->pending_or && parser->group != NULL) {
		g_string_append (parser->group, " OR ");
	} else {
		parser->group = g_string_new (NULL);
		g_ptr_array_add (parser->groups, parser->group);
	}
	parser->pending_or = FALSE;
	append_term (parser->group, term->text, term->prefix, term->columns);
}

/* Reads every term of @query into @parser. */
static void
parse (Parser *parser, const char *query)
{
	const char *p = query;

	for (;;) {
		Term term = { NULL, parser->pending_columns, parser->pending_not, FALSE, FALSE };

		while (is_space (*p))
			p++;
		if (*p == '\0' || parser->terms > SEARCH_MAX_TERMS)
			break;
		if (*p == '-') {
			term.negated = TRUE;
			p++;
		}
		/* field:term, or "field:" standing alone before its term. */
		if (read_field (&p, &term.columns) && (*p == '\0' || is_space (*p))) {
			parser->pending_columns = term.columns;
			parser->pending_not = term.negated;
			continue;
		}
		if (*p == '"')
			read_phrase (&p, &term);
		else
			read_word (&p, &term);
		add_term (parser, &term);
		g_free (term.text);
	}
}

/* The FTS5 query of what @parser read: the groups AND-ed (each in
 * parentheses when it has alternatives), then the excluded terms. */
static char *
to_fts (const Parser *parser)
{
	GString *out = g_string_new (NULL);

	if (parser->excluded->len > 0)
		g_string_append_c (out, '(');
	for (guint i = 0; i < parser->groups->len; i++) {
		GString *g = g_ptr_array_index (parser->groups, i);
		gboolean alternatives = strstr (g->str, " OR ") != NULL;

		if (i > 0)
			g_string_append (out, " AND ");
		if (alternatives)
			g_string_append_c (out, '(');
		g_string_append (out, g->str);
		if (alternatives)
			g_string_append_c (out, ')');
	}
	if (parser->excluded->len > 0) {
		g_string_append_c (out, ')');
		g_string_append (out, parser->excluded->str);
	}
	return g_string_free (out, FALSE);
}

char *
search_query_to_fts (const char *query, GError **error)
{
	g_autofree char *valid = NULL;
	g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (string_free);
	g_autoptr (GString) excluded = g_string_new (NULL);
	Parser parser = { groups, excluded, NULL, FALSE, FALSE, NULL, 0 };

	g_return_val_if_fail (query != NULL, NULL);

	valid = g_utf8_make_valid (query, -1);
	parse (&parser, valid);
	if (parser.terms > SEARCH_MAX_TERMS) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_USAGE,
		             "the query has more than %d words and phrases: search for fewer",
		             SEARCH_MAX_TERMS);
		return NULL;
	}
	if (groups->len == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_USAGE, "%s",
		             excluded->len > 0 ? "a query needs a word to look for besides those it excludes"
		                               : "nothing to search for: the query has no word");
		return NULL;
	}
	return to_fts (&parser);
}
