/* extract/subject.c: the title a subject gives: list tags, forward
 * prefixes and the words that only label a mail as a statement removed;
 * none for a reply. */
#include "config.h"

#include <string.h>

#include "stages/extract/subject.h"
#include "base/pattern.h"
#include "base/statement.h"

/* Skips a prefix such as "Fwd:" at the start of @text (case-insensitive,
 * followed by a colon); returns where the rest starts, or NULL. */
static const char *
skip_prefix (const char *text, const char *prefix)
{
	gsize len = strlen (prefix);

	if (g_ascii_strncasecmp (text, prefix, len) != 0)
		return NULL;
	text += len;
	while (*text == ' ')
		text++;
	return text;
}

/* Removes one pair of quotes, straight or typographic, around @text. */
static char *
unquote (const char *text)
{
	static const char *const pairs[][2] = {
		{ "\"", "\"" }, { "\xe2\x80\x9c", "\xe2\x80\x9d" },
	};
	gsize len = strlen (text);

	for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++) {
		gsize open = strlen (pairs[i][0]), close = strlen (pairs[i][1]);
		if (len >= open + close && g_str_has_prefix (text, pairs[i][0])
		    && g_str_has_suffix (text, pairs[i][1]))
			return g_strndup (text + open, len - open - close);
	}
	return g_strdup (text);
}

/* What starts a reply's or an automatic answer's subject, in the
 * languages mail programs write it in. */
static const char *const reply_prefixes[] = {
	"Re:", "Aw:", "Antw:", "Sv:", "Vs:", "R:", "Rif:", "Ref:", "Odp:", "Automatic reply:",
	"Auto:", "Autoreply:", "Out of Office:", "Read:", "Undeliverable:", "Undelivered:",
};
/* What starts a forward's subject. */
static const char *const forward_prefixes[] = { "Fwd:", "Fw:", "Tr:", "Wg:", "Doorst:", "Rv:" };
/* Words that only say "this is a statement", before its title. */
static const char *const statement_prefixes[] = {
	"New Liaison Statement", "Incoming Liaison Statement", "Liaison Statement", "Incoming Liaison",
	"Liaison",
};

/* Skips "[ccamp] " list tags at the start of @text. */
static const char *
skip_tags (const char *text)
{
	while (*text == '[') {
		const char *close = strchr (text, ']');
		if (close == NULL || close - text > 40)
			break;
		text = close + 1;
		while (*text == ' ')
			text++;
	}
	return text;
}

/* The title after the words that label @p as a statement, or NULL when
 * no such words start it. Newly allocated. */
static char *
after_statement_label (const char *p)
{
	for (gsize i = 0; i < G_N_ELEMENTS (statement_prefixes); i++) {
		gsize len = strlen (statement_prefixes[i]);
		const char *q = p + len;

		if (g_ascii_strncasecmp (p, statement_prefixes[i], len) != 0)
			continue;
		/* Only as a label: "Liaison Statement: X", "Liaison Statement,
		 * \"X\"", "Liaison statement - X"; "Liaison statement on X"
		 * and "Liaison from SG15" are titles. */
		while (*q == ' ')
			q++;
		if (i == 0 && (*q == '"' || g_str_has_prefix (q, "\xe2\x80\x9c")))
			q--;
		else if (*q != ':' && *q != ',' && *q != '-' && !g_str_has_prefix (q, "\xe2\x80\x93"))
			continue;
		q += g_str_has_prefix (q, "\xe2\x80\x93") ? 3 : 1;
		while (*q == ' ')
			q++;
		/* Only the Datatracker's own quotes are removed: a title
		 * may well end in a quoted word. */
		return i == 0 ? unquote (q) : g_strdup (q);
	}
	return NULL;
}

/* "Liaison from IEEE 802.1 - TSN profiles", "LS to IETF DetNet: TSN
 * profiles": the title after the words that say who sends it to whom,
 * or NULL when @p says no more than that ("Liaison statement to IETF
 * OPSAWG" is its own title). Newly allocated. */
static char *
after_addressing_label (const char *p)
{
	g_autoptr (GRegex) re = pattern_regex (
		"^(?:liaison(?: statement)?|LS)\\s+(?:from|to)\\s+\\S.{0,60}?"
		"(?:\\s[-\xe2\x80\x93]\\s|:\\s)\\s*(\\S.*)$", G_REGEX_CASELESS);
	g_autoptr (GMatchInfo) match = NULL;

	if (re == NULL || !g_regex_match (re, p, 0, &match))
		return NULL;
	return g_match_info_fetch (match, 1);
}

char *
extract_title_from_subject (const char *subject)
{
	const char *p, *rest;
	g_autofree char *clean = NULL;
	g_autofree char *title = NULL;
	gboolean again = TRUE;

	if (subject == NULL)
		return NULL;
	clean = statement_clean_line (subject);
	p = skip_tags (clean);
	while (again) {
		again = FALSE;
		for (gsize i = 0; i < G_N_ELEMENTS (forward_prefixes); i++)
			if ((rest = skip_prefix (p, forward_prefixes[i])) != NULL) {
				p = skip_tags (rest);
				again = TRUE;
			}
	}
	for (gsize i = 0; i < G_N_ELEMENTS (reply_prefixes); i++)
		if (skip_prefix (p, reply_prefixes[i]) != NULL)
			return NULL;
	title = after_statement_label (p);
	if (title == NULL)
		title = after_addressing_label (p);
	if (title == NULL)
		title = g_strdup (p);
	g_strstrip (title);
	return *title != '\0' ? g_steal_pointer (&title) : NULL;
}
