/* attachments.c: a statement's attachments into the content-addressed
 * spool. The sender's file name is for display only: it never becomes a
 * path. */
#include "config.h"

#include <string.h>

#include "input/document.h"
#include "record/attachments.h"
#include "store/spool.h"

typedef struct {
	Txn *txn;
	Statement *statement;
	GError *error;
} Recording;

/* The sender's file name @raw as a display name, never a path: its last
 * non-empty component ('/' and '\\' both separate), cleaned; "(unnamed)"
 * when nothing is left or what is left is "." or "..". Newly allocated. */
static char *
display_name (const char *raw)
{
	g_autofree char *clean = statement_clean_line (raw);
	g_auto (GStrv) parts = NULL;
	const char *last = NULL;

	g_strdelimit (clean, "\\", '/');
	parts = g_strsplit (clean, "/", -1);
	for (guint i = 0; parts[i] != NULL; i++) {
		g_strstrip (parts[i]);
		if (*parts[i] != '\0')
			last = parts[i];
	}
	if (last == NULL || strcmp (last, ".") == 0 || strcmp (last, "..") == 0)
		return g_strdup ("(unnamed)");
	return g_strdup (last);
}

/* Stores one attachment under its SHA-256 and adds it to the statement. */
static void
store_attachment (GMimePart *part, gpointer user_data)
{
	Recording *rec = user_data;
	g_autofree char *sha256 = NULL;
	g_autofree char *tmp = NULL;
	g_autofree char *mime_type = NULL;
	GMimeContentType *ct;
	Attachment *att;
	gint64 size = 0;

	if (rec->error != NULL)
		return;
	tmp = spool_write_part (rec->txn->spool, part, &sha256, &size, &rec->error);
	if (tmp == NULL || !txn_add_temp (rec->txn, "att", tmp, sha256, &rec->error))
		return;

	ct = g_mime_object_get_content_type (GMIME_OBJECT (part));
	mime_type = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
	att = g_new0 (Attachment, 1);
	att->filename = display_name (g_mime_part_get_filename (part));
	att->content_type = statement_clean_line (mime_type ? mime_type : "application/octet-stream");
	att->size = size;
	att->sha256 = g_steal_pointer (&sha256);
	att->text = document_part_text (part);
	g_ptr_array_add (rec->statement->attachments, att);
}

gboolean
attachments_record (Txn *txn, Message *message, Statement *statement, GError **error)
{
	Recording rec = { txn, statement, NULL };

	message_foreach_attachment (message, store_attachment, &rec);
	if (rec.error != NULL) {
		g_propagate_error (error, rec.error);
		return FALSE;
	}
	return TRUE;
}
