/* extract.c: which layout a message's statement is written in. Every
 * extractor reads every text of the message (body, attachments, documents,
 * forwarded messages); the reading with the most evidence wins, and the
 * message's own headers fill what the text lacks. */
#include "config.h"

#include "stages/extract.h"
#include "stages/extract/labels.h"
#include "stages/resolve.h"

/* In order of preference on equal scores. A new layout is one line here
 * and a file in src/stages/extract/. */
const Extractor extractors[] = {
	{ LAYOUT_DATATRACKER, extract_datatracker, 3 },
	{ LAYOUT_ITUT, extract_itut, 3 },
	{ LAYOUT_3GPP, extract_3gpp, 3 },
	{ LAYOUT_FREEFORM, extract_freeform, 3 },
};
const gsize n_extractors = G_N_ELEMENTS (extractors);

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

/* Fills what the text did not say from the message it came from: the
 * forwarded one's subject and sender for a text inside a forward. */
static void
complete_from_message (Statement *statement, const Message *message, const MessageText *text)
{
	if (is_empty (statement->title)) {
		g_free (statement->title);
		statement->title = extract_title_from_subject (text->subject);
	}
	if (!is_empty (statement->from_contact))
		return;
	g_free (statement->from_contact);
	statement->from_contact = NULL;
	if (text->depth > 0 && !is_empty (text->from))
		statement->from_contact = g_strdup (text->from);
	else if (!is_empty (message->from) && !auto_submitted (message))
		statement->from_contact = statement_clean_line (message->from);
}

/* A free-form statement is often in two texts: the letter (a document)
 * and the cover note that says what it asks and by when. What the letter
 * lacks, the other texts of the message may say. */
static void
complete_from_texts (Statement *statement, const GPtrArray *texts, guint chosen)
{
	for (guint i = 0; i < texts->len; i++) {
		const MessageText *text = g_ptr_array_index (texts, i);
		ExtractContext context = { text->subject, text->kind, text->origin };
		g_autoptr (Statement) other = NULL;
		guint score;

		if (i == chosen || (other = extract_freeform (text->text, &context, &score)) == NULL)
			continue;
		/* A letter that asks nothing is for information; the note
		 * that carries it may say what it asks. */
		if (statement->purpose == PURPOSE_NONE
		    || (statement->purpose == PURPOSE_INFORMATION
		        && (other->purpose == PURPOSE_ACTION || other->purpose == PURPOSE_COMMENT)))
			statement->purpose = other->purpose;
		if (statement->deadline == NULL)
			statement->deadline = g_strdup (other->deadline);
		if (statement->from_org_text == NULL)
			statement->from_org_text = g_strdup (other->from_org_text);
		if (statement->to_texts->len == 0)
			for (guint j = 0; j < other->to_texts->len; j++)
				g_ptr_array_add (statement->to_texts, g_strdup (g_ptr_array_index (other->to_texts, j)));
	}
}

Statement *
extract_text (const char *text, const ExtractContext *context, guint *score)
{
	Statement *best = NULL;

	g_return_val_if_fail (score != NULL, NULL);
	*score = 0;
	for (gsize i = 0; i < n_extractors; i++) {
		guint s = 0;
		Statement *statement = extractors[i].extract (text, context, &s);

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

/* TRUE when the reading @a of text @ta is better supported than @b of
 * @tb: more evidence; but of two free-form readings, the one from an
 * attachment (the letter) wins over the one from the body (the cover note
 * that carries it), whatever their evidence. */
static gboolean
better (const Statement *a, guint score_a, const MessageText *ta,
        const Statement *b, guint score_b, const MessageText *tb)
{
	if (b == NULL)
		return TRUE;
	if (a->layout == LAYOUT_FREEFORM && b->layout == LAYOUT_FREEFORM
	    && (ta->kind != MESSAGE_TEXT_BODY) != (tb->kind != MESSAGE_TEXT_BODY))
		return ta->kind != MESSAGE_TEXT_BODY;
	return score_a > score_b;
}

/* TRUE when @letter addresses the IETF or a group of @config. */
static gboolean
addresses_us (const Statement *letter, const Config *config)
{
	for (guint i = 0; i < letter->to_texts->len; i++) {
		const char *to = g_ptr_array_index (letter->to_texts, i);
		if (labels_names_ietf (to) || (config != NULL && resolve_names_group (config, to)))
			return TRUE;
	}
	return FALSE;
}

/* The first attachment or document of @texts that reads as a letter to
 * us; *chosen is its index. NULL when none does. */
static Statement *
find_letter (const GPtrArray *texts, const Config *config, guint *chosen)
{
	for (guint i = 0; i < texts->len; i++) {
		const MessageText *text = g_ptr_array_index (texts, i);
		ExtractContext context = { text->subject, text->kind, text->origin };
		g_autoptr (Statement) letter = NULL;
		guint score;

		if (text->kind == MESSAGE_TEXT_BODY
		    || (letter = extract_letter (text->text, &context, &score)) == NULL
		    || !addresses_us (letter, config))
			continue;
		*chosen = i;
		return g_steal_pointer (&letter);
	}
	return NULL;
}

Statement *
extract_statement (const Message *message, const Config *config)
{
	g_autoptr (GPtrArray) texts = NULL;
	g_autoptr (Statement) best = NULL;
	guint best_score = 0, chosen = 0;

	g_return_val_if_fail (message != NULL, NULL);
	texts = message_texts (message);
	for (guint i = 0; i < texts->len; i++) {
		const MessageText *text = g_ptr_array_index (texts, i);
		ExtractContext context = { text->subject, text->kind, text->origin };
		guint score;
		Statement *statement = extract_text (text->text, &context, &score);

		/* On equal scores the earlier text (the body before its
		 * attachments) wins. */
		if (statement == NULL
		    || !better (statement, score, text, best, best_score,
		                best != NULL ? g_ptr_array_index (texts, chosen) : NULL)) {
			statement_free (statement);
			continue;
		}
		g_clear_pointer (&best, statement_free);
		best = statement;
		best_score = score;
		chosen = i;
	}
	/* Nothing, or only a cover note, reads as a statement: the letter
	 * it carries is one when it writes to us. */
	if (best == NULL || (best->layout == LAYOUT_FREEFORM
	                     && ((const MessageText *) g_ptr_array_index (texts, chosen))->kind
	                        == MESSAGE_TEXT_BODY)) {
		guint at = 0;
		Statement *letter = find_letter (texts, config, &at);

		if (letter != NULL) {
			g_clear_pointer (&best, statement_free);
			best = letter;
			chosen = at;
		}
	}
	if (best == NULL)
		return NULL;
	{
		const MessageText *text = g_ptr_array_index (texts, chosen);
		best->origin = g_strdup (text->origin);
		if (best->layout == LAYOUT_FREEFORM)
			complete_from_texts (best, texts, chosen);
		complete_from_message (best, message, text);
	}
	return g_steal_pointer (&best);
}
