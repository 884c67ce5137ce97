/* links.c: the titles of a Datatracker notification's "Attachments:" list
 * paired with the URLs written under them. */
#include "config.h"

#include <string.h>

#include "stages/links.h"

static gboolean
is_url (const char *line)
{
	return g_ascii_strncasecmp (line, "https://", 8) == 0 ||
	       g_ascii_strncasecmp (line, "http://", 7) == 0;
}

/* The URL under the line of @lines that is @title alone, or NULL. Newly
 * allocated. */
static char *
url_under (char **lines, const char *title)
{
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree char *line = statement_clean_line (lines[i]);

		if (g_ascii_strcasecmp (line, title) != 0)
			continue;
		for (guint j = i + 1; lines[j] != NULL; j++) {
			g_autofree char *next = statement_clean_line (lines[j]);

			if (*next == '\0')
				continue;
			if (is_url (next) && strpbrk (next, " \t") == NULL)
				return g_steal_pointer (&next);
			break;
		}
	}
	return NULL;
}

void
links_from_text (const GPtrArray *titles, const char *text, GPtrArray *links)
{
	g_auto (GStrv) lines = NULL;

	g_return_if_fail (links != NULL);

	if (titles == NULL || titles->len == 0)
		return;
	lines = g_strsplit (text != NULL ? text : "", "\n", -1);
	for (guint i = 0; i < titles->len; i++) {
		const char *title = g_ptr_array_index (titles, i);
		Link *link = g_new0 (Link, 1);

		link->title = g_strdup (title);
		link->url = url_under (lines, title);
		g_ptr_array_add (links, link);
	}
}

void
links_find (Statement *statement, const Message *message)
{
	g_autoptr (GPtrArray) texts = NULL;
	const char *text = NULL;

	g_return_if_fail (statement != NULL);

	if (statement->layout != LAYOUT_DATATRACKER || statement->attachment_titles->len == 0 ||
	    statement->links->len > 0)
		return;
	if (message != NULL) {
		texts = message_texts (message);
		for (guint i = 0; i < texts->len && text == NULL; i++) {
			const MessageText *t = g_ptr_array_index (texts, i);
			if (g_strcmp0 (t->origin, statement->origin) == 0)
				text = t->text;
		}
		/* The body, when the origin names no text (a statement made by
		 * hand). */
		if (text == NULL && texts->len > 0)
			text = ((const MessageText *) g_ptr_array_index (texts, 0))->text;
	}
	links_from_text (statement->attachment_titles, text, statement->links);
}
