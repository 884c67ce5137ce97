/* extract.c: which layout a message's statement is written in. Every
 * extractor reads every text of the message; the reading with the most
 * labels wins, and the message's own headers fill what the text lacks. */
#include "config.h"

#include <string.h>

#include "extract.h"

/* In order of preference on equal scores. A new layout is one line here
 * and a file in src/extract/. */
const Extractor extractors[] = {
	{ LAYOUT_DATATRACKER, extract_datatracker, 3 },
};
const gsize n_extractors = G_N_ELEMENTS (extractors);

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

/* The title a subject gives: the Datatracker writes
 * 'New Liaison Statement, "TITLE"'; a forward keeps its subject after
 * "Fwd:". A reply's subject ("Re: ...") names another message, not a
 * statement: NULL. */
static char *
title_from_subject (const char *subject)
{
	const char *p = subject, *rest;
	g_autofree char *clean = NULL;
	g_autofree char *title = NULL;

	if (subject == NULL)
		return NULL;
	clean = statement_clean_line (subject);
	p = clean;
	while ((rest = skip_prefix (p, "Fwd:")) != NULL || (rest = skip_prefix (p, "Fw:")) != NULL)
		p = rest;
	if (skip_prefix (p, "Re:") != NULL)
		return NULL;
	if ((rest = skip_prefix (p, "New Liaison Statement")) != NULL) {
		/* Only the Datatracker's own quotes are removed: a title
		 * may well end in a quoted word. */
		while (*rest == ',' || *rest == ':' || *rest == ' ')
			rest++;
		title = unquote (rest);
	} else {
		title = g_strdup (p);
	}
	g_strstrip (title);
	return *title != '\0' ? g_steal_pointer (&title) : NULL;
}

static gboolean
is_empty (const char *text)
{
	return text == NULL || *text == '\0';
}

/* TRUE when @message says a program sent it (RFC 3834 Auto-Submitted
 * other than "no"): the Datatracker's notifications are "auto-generated",
 * and their From is the tool, nobody's contact. */
static gboolean
auto_submitted (const Message *message)
{
	g_autofree char *value = message_header (message, "Auto-Submitted");

	if (value == NULL || *value == '\0')
		return FALSE;
	/* "no", possibly with parameters ("no; reason=..."). */
	return !(g_ascii_strncasecmp (value, "no", 2) == 0
	         && (value[2] == '\0' || value[2] == ';' || value[2] == ' '));
}

/* Fills what the text did not say from the message's headers. */
static void
complete_from_message (Statement *statement, const Message *message)
{
	if (is_empty (statement->title)) {
		g_free (statement->title);
		statement->title = title_from_subject (message->subject);
	}
	if (is_empty (statement->from_contact) && !is_empty (message->from)
	    && !auto_submitted (message)) {
		g_free (statement->from_contact);
		statement->from_contact = statement_clean_line (message->from);
	}
}

/* The best reading of one text, or NULL; *score is its evidence. */
static Statement *
extract_text (const char *text, guint *score)
{
	Statement *best = NULL;

	*score = 0;
	for (gsize i = 0; i < n_extractors; i++) {
		guint s = 0;
		Statement *statement = extractors[i].extract (text, &s);

		if (statement == NULL)
			continue;
		statement->layout = extractors[i].layout;
		if (s < extractors[i].min_score || (best != NULL && s <= *score)) {
			statement_free (statement);
			continue;
		}
		statement_free (best);
		best = statement;
		*score = s;
	}
	return best;
}

Statement *
extract_statement (const Message *message)
{
	g_autoptr (GPtrArray) texts = NULL;
	g_autoptr (Statement) best = NULL;
	guint best_score = 0;

	g_return_val_if_fail (message != NULL, NULL);
	texts = message_texts (message);
	for (guint i = 0; i < texts->len; i++) {
		const MessageText *text = g_ptr_array_index (texts, i);
		guint score;
		Statement *statement = extract_text (text->text, &score);

		/* On equal scores the earlier text (the body before its
		 * attachments) wins. */
		if (statement == NULL || (best != NULL && score <= best_score)) {
			statement_free (statement);
			continue;
		}
		g_clear_pointer (&best, statement_free);
		best = statement;
		best_score = score;
	}
	if (best != NULL)
		complete_from_message (best, message);
	return g_steal_pointer (&best);
}
