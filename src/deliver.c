/* deliver.c: one message through the pipeline. The pure steps (extract,
 * resolve, authorize, classify) run before the database is locked; the
 * writes (spool files, then rows: the message, the statement, its routes
 * and the outgoing mail they call for) happen inside one BEGIN IMMEDIATE
 * transaction, and a spool file created for a transaction that does not
 * commit is removed. Nothing is sent here: outbox_send() does that after
 * the commit, so that mail never goes out for a record that was lost. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "authorize.h"
#include "bounce.h"
#include "compose.h"
#include "deliver.h"
#include "document.h"
#include "error.h"
#include "extract.h"
#include "gmime-util.h"
#include "guard.h"
#include "outbox.h"
#include "resolve.h"
#include "route.h"
#include "spool.h"

void
deliver_result_clear (DeliverResult *result)
{
	g_clear_pointer (&result->statement_id, g_free);
	g_clear_pointer (&result->hold_reason, g_free);
	g_clear_pointer (&result->outbox, g_array_unref);
	g_clear_pointer (&result->routes, g_ptr_array_unref);
	result->bounced_routes = 0;
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
	att->filename = display_name (g_mime_part_get_filename (part));
	{
		g_autofree char *mime_type = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
		att->content_type = statement_clean_line (mime_type ? mime_type : "application/octet-stream");
	}
	att->size = size;
	att->sha256 = g_steal_pointer (&sha256);
	att->text = document_part_text (part);
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

/* ---------------------------------------------------------------------- */
/* Routing and the outbox */

static void
add_addresses (InternetAddressList *list, GPtrArray *out)
{
	for (int i = 0; list != NULL && i < internet_address_list_length (list); i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);

		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			add_addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), out);
		} else if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			g_autofree char *clean = statement_clean_line (addr);
			if (*clean != '\0')
				g_ptr_array_add (out, g_ascii_strdown (clean, -1));
		}
	}
}

/* What the route plan needs to know of the original: who it reached
 * directly (To and Cc), and who would get the acknowledgement. */
static void
route_original (const Message *message, RouteOriginal *original, Mailbox **sender)
{
	original->recipients = g_ptr_array_new_with_free_func (g_free);
	if (message->mime != NULL) {
		add_addresses (g_mime_message_get_addresses (message->mime, GMIME_ADDRESS_TYPE_TO),
		               original->recipients);
		add_addresses (g_mime_message_get_addresses (message->mime, GMIME_ADDRESS_TYPE_CC),
		               original->recipients);
	}
	/* Only an address that reads back as one plain mailbox becomes a
	 * recipient: the name is for display, the address for the envelope. */
	*sender = mailbox_parse (message->from);
	if (*sender == NULL)
		*sender = mailbox_parse (message->from_address);
	original->sender = *sender;
	original->automatic = classify_is_automatic (message);
}

/* Plans the routes of the statement just recorded, composes the messages
 * they call for, writes them to the spool and queues them, and records the
 * routes. Inside the transaction. */
static gboolean
queue_outgoing (Recording *rec, Store *store, Message *message, gint64 message_row,
                const char *now, DeliverResult *result, GError **error)
{
	const Config *config = rec->config;
	Statement *statement = rec->statement;
	g_autoptr (Mailbox) sender = NULL;
	g_autoptr (RoutePlan) plan = NULL;
	RouteOriginal original = { 0 };
	gint64 rows[ROUTE_N_MESSAGES] = { 0 };
	ComposeInput input = { 0 };
	gboolean ok = FALSE;

	route_original (message, &original, &sender);
	plan = route_plan (statement, config, &original);
	input = (ComposeInput) { statement, plan, message->mime, now, message->raw_sha256 };

	for (int m = 0; m < ROUTE_N_MESSAGES; m++) {
		g_autoptr (GMimeMessage) mime = compose_message (config, &input, (RouteMessage) m);
		g_autofree char *tmp = NULL, *sha256 = NULL, *message_id = NULL;
		StoreOutgoing out = { 0 };
		gint64 size = 0;
		gboolean committed;

		if (mime == NULL)
			continue;
		tmp = outbox_write (config->spool, mime, &sha256, &size, error);
		if (tmp == NULL)
			goto out;
		committed = commit_file (rec, "out", tmp, sha256, error);
		(void) unlink (tmp);
		guard_forget_path (tmp);
		if (!committed)
			goto out;

		message_id = compose_message_id (config, statement->id, (RouteMessage) m);
		out.statement_id = statement->id;
		out.message_row = message_row;
		out.kind = route_message_to_string ((RouteMessage) m);
		out.message_id = message_id;
		out.sender = config->address;
		out.sha256 = sha256;
		out.size = size;
		out.created = now;
		rows[m] = store_add_outbox (store, &out, error);
		if (rows[m] == 0)
			goto out;
		if (result->outbox == NULL)
			result->outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
		g_array_append_val (result->outbox, rows[m]);
	}

	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);
		gint64 row = r->status == ROUTE_STATUS_QUEUED ? rows[r->message] : 0;

		if (!store_add_route (store, statement->id, i, r->address, route_role_to_string (r->role),
		                      route_status_to_string (r->status), row, now, error))
			goto out;
		if (result->routes == NULL)
			result->routes = g_ptr_array_new_with_free_func (g_free);
		g_ptr_array_add (result->routes, g_strdup (r->address));
	}
	ok = TRUE;

out:
	g_ptr_array_unref (original.recipients);
	return ok;
}

/* The routes (@routes: address, status pairs of one outbox row) that a
 * bounce says failed: the recipients its DSN names; for an older bounce
 * without a DSN, the route addresses its text quotes, else the only route.
 * Array of char*. */
static GPtrArray *
bounced_addresses (GPtrArray *routes, GPtrArray *failed, gboolean is_dsn, const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

	if (failed->len > 0 || is_dsn) {
		for (guint i = 0; i < failed->len; i++)
			g_ptr_array_add (out, g_strdup (g_ptr_array_index (failed, i)));
		return out;
	}
	for (guint i = 0; i + 1 < routes->len; i += 2) {
		g_autofree char *lower = g_ascii_strdown (g_ptr_array_index (routes, i), -1);
		if (strstr (text, lower) != NULL)
			g_ptr_array_add (out, g_steal_pointer (&lower));
	}
	if (out->len == 0 && routes->len == 2)
		g_ptr_array_add (out, g_strdup (g_ptr_array_index (routes, 0)));
	return out;
}

/* A bounce of a message we sent marks the routes it names failed, and joins
 * the statement's thread. Inside the transaction. */
static gboolean
record_bounce (Store *store, const Message *message, gint64 message_row, const char *now,
               DeliverResult *result, GError **error)
{
	g_autoptr (GPtrArray) ids = bounce_message_ids (message);
	g_autoptr (GPtrArray) failed = NULL;
	g_autofree char *text = NULL;
	gboolean is_dsn = FALSE, linked = FALSE;

	failed = bounce_failed_recipients (message, &is_dsn);
	for (guint i = 0; i < ids->len; i++) {
		g_autoptr (StoreOutbox) entry = store_find_outbox (store, g_ptr_array_index (ids, i), error);
		g_autoptr (GPtrArray) routes = NULL;
		g_autoptr (GPtrArray) addresses = NULL;
		guint marked_here = 0;

		if (entry == NULL) {
			if (error != NULL && *error != NULL)
				return FALSE;
			continue;
		}
		if (entry->statement_id == NULL)
			continue;
		routes = store_outbox_routes (store, entry->id, error);
		if (routes == NULL)
			return FALSE;
		if (text == NULL)
			text = bounce_text (message);
		addresses = bounced_addresses (routes, failed, is_dsn, text);
		for (guint j = 0; j < addresses->len; j++) {
			const char *address = g_ptr_array_index (addresses, j);
			g_autofree char *detail = NULL;
			gboolean marked = FALSE;

			if (!store_route_bounced (store, entry->id, address, now, "bounced", &marked, error))
				return FALSE;
			if (!marked)
				continue;
			marked_here++;
			detail = g_strdup_printf ("%s <%s> to %s", entry->kind, entry->message_id, address);
			if (!store_add_event (store, entry->statement_id, now, "bounced", detail, error))
				return FALSE;
		}
		if (marked_here == 0) {
			g_autofree char *detail = g_strdup_printf ("a delivery report about %s <%s> names "
			                                           "no failed recipient", entry->kind,
			                                           entry->message_id);
			if (!store_add_event (store, entry->statement_id, now, "bounce", detail, error))
				return FALSE;
		}
		result->bounced_routes += marked_here;
		if (!linked) {
			if (!store_link_message (store, message_row, entry->statement_id, "bounce", error))
				return FALSE;
			linked = TRUE;
		}
	}
	return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The pipeline */

/* Holds a statement whose sender may not submit it (SPEC §6). The reason
 * comes first: it matters more than any other. */
static void
authorize (Statement *statement, const Config *config, const Message *message)
{
	const char *denied = authorize_sender (config, statement, message);
	char *reason;

	if (denied == NULL)
		return;
	reason = statement->hold_reason != NULL
		? g_strdup_printf ("%s; %s", denied, statement->hold_reason) : g_strdup (denied);
	g_free (statement->hold_reason);
	statement->hold_reason = reason;
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
	if (result->kind == CLASS_STATEMENT)
		authorize (statement, config, message);
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
		if (!queue_outgoing (&rec, store, message, message_row, now, result, error))
			goto fail;
	}
	if (result->kind == CLASS_BOUNCE && !result->conflict &&
	    !record_bounce (store, message, message_row, now, result, error))
		goto fail;
	result->hold_reason = g_strdup (hold);

	/* Once COMMIT returns, the files are referenced: a signal after it
	 * must not remove them. */
	guard_block ();
	if (!store_commit (store, error)) {
		/* A COMMIT that failed (the WAL's fsync, say) may have
		 * committed all the same: its frames can be in the WAL, which
		 * the next open replays. The files must stay for the rows that
		 * may name them; if it did not commit, they are orphans that
		 * the retry, writing the same bytes under the same names,
		 * takes over. */
		for (guint i = 0; i < created->len; i++)
			guard_forget_path (g_ptr_array_index (created, i));
		g_ptr_array_set_size (created, 0);
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
