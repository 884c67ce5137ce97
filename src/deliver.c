/* deliver.c: one message through the pipeline. The pure steps (extract,
 * resolve, classify) run before the database is locked; the writes (spool
 * files, then rows) happen inside one BEGIN IMMEDIATE transaction, and a
 * spool file created for a transaction that does not commit is removed. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "deliver.h"
#include "error.h"
#include "extract.h"
#include "guard.h"
#include "resolve.h"
#include "spool.h"

void
deliver_result_clear (DeliverResult *result)
{
	g_clear_pointer (&result->statement_id, g_free);
	g_clear_pointer (&result->hold_reason, g_free);
}

/* The files this transaction created; removed again if it fails. */
typedef struct {
	const Config *config;
	GPtrArray *created;      /* char* paths */
	Statement *statement;
	GError *error;
} Recording;

static gboolean
commit_file (Recording *rec, const char *kind, const char *tmp, const char *sha256, GError **error)
{
	gboolean created = FALSE;

	if (!spool_commit (rec->config->spool, kind, tmp, sha256, &created, error))
		return FALSE;
	if (created)
		g_ptr_array_add (rec->created, spool_path (rec->config->spool, kind, sha256));
	return TRUE;
}

/* Stores one attachment under its SHA-256 and adds it to the statement.
 * The name is the sender's, for display only: it never becomes a path. */
static void
store_attachment (GMimePart *part, gpointer user_data)
{
	Recording *rec = user_data;
	g_autofree char *sha256 = NULL;
	g_autofree char *tmp = NULL;
	GMimeContentType *ct;
	Attachment *att;
	gint64 size = 0;

	if (rec->error != NULL)
		return;
	tmp = spool_write_part (rec->config->spool, part, &sha256, &size, &rec->error);
	if (tmp == NULL)
		return;
	if (!commit_file (rec, "att", tmp, sha256, &rec->error)) {
		(void) unlink (tmp);
		guard_forget_path (tmp);
		return;
	}
	(void) unlink (tmp);
	guard_forget_path (tmp);

	ct = g_mime_object_get_content_type (GMIME_OBJECT (part));
	att = g_new0 (Attachment, 1);
	att->filename = statement_clean_line (g_mime_part_get_filename (part));
	if (*att->filename == '\0') {
		g_free (att->filename);
		att->filename = g_strdup ("(unnamed)");
	}
	{
		/* A display name, never a path: keep its last component. */
		char *slash = strrchr (att->filename, '/');
		char *bslash = strrchr (att->filename, '\\');
		char *base = MAX (slash, bslash);
		if (base != NULL && base[1] != '\0') {
			char *copy = g_strdup (base + 1);
			g_free (att->filename);
			att->filename = copy;
		}
	}
	{
		g_autofree char *mime_type = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
		att->content_type = statement_clean_line (mime_type ? mime_type : "application/octet-stream");
	}
	att->size = size;
	att->sha256 = g_steal_pointer (&sha256);
	g_ptr_array_add (rec->statement->attachments, att);
}

static void
remove_created (GPtrArray *created)
{
	for (guint i = 0; i < created->len; i++) {
		const char *path = g_ptr_array_index (created, i);
		(void) unlink (path);
		guard_forget_path (path);
	}
	g_ptr_array_set_size (created, 0);
}

static const char *
hold_reason_for (const Message *message, MessageClass kind, const Statement *statement)
{
	if (message->oversized && kind == CLASS_OTHER)
		return "message larger than max-message-size";
	if (kind == CLASS_OTHER)
		return "not a liaison statement";
	if (kind == CLASS_STATEMENT && statement->hold_reason != NULL)
		return statement->hold_reason;
	return NULL;
}

gboolean
deliver_message (Store *store, const Config *config, Message *message,
                 const char *now, DeliverResult *result, GError **error)
{
	g_autoptr (Statement) statement = NULL;
	g_autoptr (GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
	Recording rec = { config, created, NULL, NULL };
	StoreMessage row = { 0 };
	StoreSeen seen;
	const char *hold;
	gint64 message_row;

	/* The pure part: what is it, and for whom? */
	if (!message->oversized)
		statement = extract_statement (message);
	if (statement != NULL)
		resolve_statement (statement, config, message);
	result->kind = classify_message (message, config, statement, FALSE);
	hold = hold_reason_for (message, result->kind, statement);

	/* The recording part, under the write lock. */
	if (!store_begin (store, error))
		return FALSE;
	if (!store_message_seen (store, message->message_id, message->dedupe_hash, &seen, error))
		goto fail;
	if (seen == STORE_SEEN_DUPLICATE) {
		store_rollback (store);
		result->duplicate = TRUE;
		return TRUE;
	}
	if (seen == STORE_SEEN_CONFLICT) {
		/* Someone reused a Message-ID: keep the message, let a person
		 * decide. */
		result->conflict = TRUE;
		hold = "Message-ID already recorded with other content";
	}

	if (!commit_file (&rec, "msg", message->path, message->raw_sha256, error))
		goto fail;

	row.message_id = message->message_id;
	row.dedupe_hash = message->dedupe_hash;
	row.raw_sha256 = message->raw_sha256;
	row.size = message->size;
	row.received = now;
	row.sender = message->sender;
	row.recipient = message->recipient;
	row.extension = message->extension;
	row.from = message->from;
	row.subject = message->subject;
	row.date = message->date;
	row.kind = message_class_to_string (result->kind);
	row.hold_reason = hold;
	row.conflict = result->conflict;
	message_row = store_add_message (store, &row, error);
	if (message_row == 0)
		goto fail;

	if (result->kind == CLASS_STATEMENT && !result->conflict) {
		rec.statement = statement;
		message_foreach_attachment (message, store_attachment, &rec);
		if (rec.error != NULL) {
			g_propagate_error (error, rec.error);
			goto fail;
		}
		statement->state = statement->hold_reason ? STATE_HELD : STATE_OPEN;
		g_free (statement->received);
		statement->received = g_strdup (now);
		g_free (statement->message_id);
		statement->message_id = g_strdup (message->message_id);
		if (!store_add_statement (store, statement, message_row, config->id_prefix, error))
			goto fail;
		result->statement_id = g_strdup (statement->id);
	}
	result->hold_reason = g_strdup (hold);

	/* Once COMMIT returns, the files are referenced: a signal after it
	 * must not remove them. */
	guard_block ();
	if (!store_commit (store, error)) {
		guard_unblock ();
		goto fail;
	}
	for (guint i = 0; i < created->len; i++)
		guard_forget_path (g_ptr_array_index (created, i));
	guard_unblock ();
	return TRUE;

fail:
	store_rollback (store);
	remove_created (created);
	deliver_result_clear (result);
	return FALSE;
}
