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

#include "stages/authorize.h"
#include "stages/bounce.h"
#include "stages/compose.h"
#include "deliver.h"
#include "input/document.h"
#include "base/error.h"
#include "stages/extract.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "outbound/outbox.h"
#include "stages/resolve.h"
#include "stages/route.h"
#include "store/spool.h"
#include "stages/thread.h"

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
		spool_defer_forget (path);
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
/* Threads (SPEC §7) */

typedef enum {
	THREAD_VIA_NONE,
	THREAD_VIA_MESSAGE_ID,   /* In-Reply-To or References */
	THREAD_VIA_TAG,          /* our subject tag */
	THREAD_VIA_TEXT,         /* the id or the Datatracker URL in the text */
} ThreadVia;

/* The statement whose thread @keys name, in SPEC order; *thread_id is
 * newly allocated, or NULL when none does. Inside the transaction, so
 * that a parent recorded a moment ago is found. */
static gboolean
find_thread (Store *store, const ThreadKeys *keys, char **thread_id, ThreadVia *via, GError **error)
{
	const struct {
		GPtrArray *keys;
		StoreThreadKey kind;
		ThreadVia via;
	} order[] = {
		{ keys->message_ids, STORE_THREAD_MESSAGE_ID, THREAD_VIA_MESSAGE_ID },
		{ keys->tags, STORE_THREAD_ID, THREAD_VIA_TAG },
		{ keys->text_ids, STORE_THREAD_ID, THREAD_VIA_TEXT },
		{ keys->urls, STORE_THREAD_URL, THREAD_VIA_TEXT },
	};

	*thread_id = NULL;
	*via = THREAD_VIA_NONE;
	for (gsize k = 0; k < G_N_ELEMENTS (order); k++) {
		for (guint i = 0; i < order[k].keys->len; i++) {
			char *id = store_find_thread (store, order[k].kind, g_ptr_array_index (order[k].keys, i),
			                              error);
			if (id != NULL) {
				*thread_id = id;
				*via = order[k].via;
				return TRUE;
			}
			if (error != NULL && *error != NULL)
				return FALSE;
		}
	}
	return TRUE;
}

/* The statement that a response statement's references name (by id, by
 * Datatracker URL, then by title), newly allocated, or NULL. */
static gboolean
find_responds_to (Store *store, const ThreadKeys *keys, char **found, GError **error)
{
	static const StoreThreadKey kinds[] = { STORE_THREAD_ID, STORE_THREAD_URL, STORE_THREAD_TITLE };

	*found = NULL;
	for (guint i = 0; i < keys->responds_to->len; i++) {
		const char *ref = g_ptr_array_index (keys->responds_to, i);
		for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++) {
			*found = store_find_thread (store, kinds[k], ref, error);
			if (*found != NULL)
				return TRUE;
			if (error != NULL && *error != NULL)
				return FALSE;
		}
	}
	return TRUE;
}

/* Whether the message is a message of the thread @thread_id rather than a
 * statement of its own. Statement content decides: a response statement
 * is a statement (linked to the one it answers), and so is one that only
 * names another in its text; but content found in a message that answers
 * one of the thread's messages or carries our tag is the statement quoted
 * in a reply (our forwards carry its fields). */
static gboolean
is_in_thread (const Statement *statement, const char *thread_id, ThreadVia via,
              const char *responds_to)
{
	if (thread_id == NULL)
		return FALSE;
	if (statement == NULL)
		return TRUE;
	if (statement->purpose == PURPOSE_RESPONSE || responds_to != NULL)
		return FALSE;
	return via == THREAD_VIA_MESSAGE_ID || via == THREAD_VIA_TAG;
}

/* The side of @from (a From header or an addr-spec) for @thread. The
 * original sender is the From of the thread's statement message. */
static ThreadSide
sender_side (const char *from, const Statement *thread, const Config *config)
{
	g_autoptr (Mailbox) sender = from != NULL ? mailbox_parse (from) : NULL;
	g_autoptr (Mailbox) original = NULL;

	for (guint i = 0; thread->thread != NULL && i < thread->thread->len; i++) {
		const ThreadEntry *e = g_ptr_array_index (thread->thread, i);
		if (g_strcmp0 (e->role, "statement") == 0 && e->from != NULL) {
			original = mailbox_parse (e->from);
			break;
		}
	}
	if (sender == NULL || sender->address == NULL)
		return THREAD_SIDE_UNKNOWN;
	return thread_side (sender->address, thread, original != NULL ? original->address : NULL, config);
}

/* The role of a message of class @kind (a string: "reply", "other",
 * "auto-reply", "bounce") from @from in @thread. */
static const char *
thread_role (const char *kind, const char *from, const Statement *thread, const Config *config,
             ThreadSide *side)
{
	*side = THREAD_SIDE_UNKNOWN;
	if (g_strcmp0 (kind, "auto-reply") == 0)
		return "auto-reply";
	if (g_strcmp0 (kind, "bounce") == 0)
		return "bounce";
	*side = sender_side (from, thread, config);
	return *side == THREAD_SIDE_SENDING ? "follow-up" : "reply";
}

/* What a reply or a follow-up does to the statement: a reply from the
 * receiving side marks it replied (a closed one stays closed) and its
 * action taken; the others are recorded as events only. Auto-replies and
 * bounces change nothing. */
static gboolean
apply_role (Store *store, const Statement *thread, const char *role, ThreadSide side,
            const char *from, const char *message_id, const char *now, const char *note,
            GError **error)
{
	g_autofree char *who = statement_clean_line (from != NULL ? from : "(unknown sender)");
	g_autofree char *detail = NULL;

	if (g_strcmp0 (role, "reply") == 0 && side == THREAD_SIDE_RECEIVING) {
		detail = g_strdup_printf ("reply from %s <%s>%s", who, message_id ? message_id : "",
		                          note ? note : "");
		return store_set_state (store, thread->id,
		                        thread->state == STATE_CLOSED ? NULL : "replied", 1, now,
		                        "replied", detail, error);
	}
	if (g_strcmp0 (role, "reply") == 0) {
		detail = g_strdup_printf ("message from %s <%s>, who speaks for neither side: state "
		                          "unchanged%s", who, message_id ? message_id : "", note ? note : "");
		return store_add_event (store, thread->id, now, "reply", detail, error);
	}
	if (g_strcmp0 (role, "follow-up") == 0) {
		detail = g_strdup_printf ("follow-up from %s <%s>%s", who, message_id ? message_id : "",
		                          note ? note : ", forwarded to the statement's routes");
		return store_add_event (store, thread->id, now, "follow-up", detail, error);
	}
	return TRUE;
}

/* Our Message-ID for a second forward of @statement_id: "LS-2026-0007.KIND-N@domain". */
static char *
numbered_message_id (const Config *config, const char *statement_id, const char *kind, gint64 n)
{
	g_autofree char *base = compose_message_id (config, statement_id, ROUTE_MESSAGE_FORWARD);
	const char *at = strrchr (base, '@');

	return g_strdup_printf ("%s.%s-%" G_GINT64_FORMAT "@%s", statement_id, kind, n,
	                        at != NULL ? at + 1 : "localhost");
}

/* Composes the forward that @input describes, queues it as @kind, and
 * records the routes of the plan's forward from the statement's next
 * route position on. Nothing is queued when the plan forwards to nobody.
 * Inside the transaction. */
static gboolean
queue_forward (Recording *rec, Store *store, const ComposeInput *input, const char *kind,
               gint64 message_row, const char *now, DeliverResult *result, GError **error)
{
	const Config *config = rec->config;
	const char *statement_id = input->statement->id;
	g_autoptr (GMimeMessage) mime = compose_message (config, input, ROUTE_MESSAGE_FORWARD);
	g_autofree char *tmp = NULL, *sha256 = NULL;
	StoreOutgoing out = { 0 };
	gint64 size = 0, row;
	guint first = 0, position = 0;
	gboolean committed;

	if (mime == NULL)
		return TRUE;
	if (!store_count_routes (store, statement_id, &first, error))
		return FALSE;
	tmp = outbox_write (config->spool, mime, &sha256, &size, error);
	if (tmp == NULL)
		return FALSE;
	committed = commit_file (rec, "out", tmp, sha256, error);
	(void) unlink (tmp);
	guard_forget_path (tmp);
	if (!committed)
		return FALSE;

	out.statement_id = statement_id;
	out.message_row = message_row;
	out.kind = kind;
	out.message_id = g_mime_message_get_message_id (mime);
	out.sender = config->address;
	out.sha256 = sha256;
	out.size = size;
	out.created = now;
	row = store_add_outbox (store, &out, error);
	if (row == 0)
		return FALSE;
	if (result->outbox == NULL)
		result->outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_array_append_val (result->outbox, row);

	for (guint i = 0; i < input->plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (input->plan->routes, i);

		if (r->message != ROUTE_MESSAGE_FORWARD)
			continue;
		if (!store_add_route (store, statement_id, first + position++, r->address,
		                      route_role_to_string (r->role), route_status_to_string (r->status),
		                      r->status == ROUTE_STATUS_QUEUED ? row : 0, now, error))
			return FALSE;
	}
	return TRUE;
}

/* A follow-up from the sending side goes to the statement's routes (its
 * groups' lists, chairs and ADs, the managers), under our tag, with the
 * follow-up attached; an address the follow-up reached directly is
 * skipped as already-received. A held statement has no such routes. */
static gboolean
queue_follow_up (Recording *rec, Store *store, const Statement *thread, Message *message,
                 gint64 message_row, const char *now, DeliverResult *result, GError **error)
{
	const Config *config = rec->config;
	g_autoptr (Mailbox) sender = NULL;
	g_autoptr (RoutePlan) plan = NULL;
	g_autofree char *message_id = NULL, *subject = NULL, *text = NULL, *tag = NULL;
	g_autofree char *from = statement_clean_line (message->from);
	RouteOriginal original = { 0 };
	ComposeInput input = { 0 };
	const char *title = message->subject != NULL && *message->subject ? message->subject : thread->title;
	gboolean ok;

	if (thread->state == STATE_HELD)
		return TRUE;
	route_original (message, &original, &sender);
	original.automatic = TRUE;        /* no acknowledgement */
	plan = route_plan (thread, config, &original);
	message_id = numbered_message_id (config, thread->id, "follow-up", message_row);
	tag = g_strdup_printf ("[%s]", thread->id);
	subject = title != NULL && strstr (title, tag) != NULL
		? g_strdup (title) : g_strdup_printf ("%s %s", tag, title != NULL ? title : "");
	text = g_strdup_printf ("A follow-up from %s in the thread of liaison statement %s,\n"
	                        "\"%s\".\nThe message is attached.\n", from, thread->id,
	                        thread->title != NULL ? thread->title : "");
	input = (ComposeInput) { thread, plan, message->mime, now, message->raw_sha256,
	                         message_id, subject, text };
	ok = queue_forward (rec, store, &input, "follow-up", message_row, now, result, error);
	g_ptr_array_unref (original.recipients);
	return ok;
}

/* Ties the message just recorded to the thread of @thread_id with its
 * role, and does what the role does: events dated @received, a forward
 * composed @now. Inside the transaction. */
static gboolean
join_thread (Recording *rec, Store *store, const char *thread_id, Message *message,
             gint64 message_row, MessageClass kind, const char *received, const char *now,
             DeliverResult *result, GError **error)
{
	g_autoptr (Statement) thread = store_get_statement (store, thread_id, error);
	const char *role;
	ThreadSide side;
	gboolean adopted;

	if (thread == NULL)
		return FALSE;
	role = thread_role (message_class_to_string (kind), message->from, thread, rec->config, &side);
	if (!store_adopt_message (store, message_row, thread->id, role, message_class_to_string (kind),
	                          &adopted, error))
		return FALSE;
	if (!adopted)             /* a bounce that record_bounce() linked */
		return TRUE;
	if (!apply_role (store, thread, role, side, message->from, message->message_id, received, NULL,
	                 error))
		return FALSE;
	if (g_strcmp0 (role, "follow-up") == 0)
		return queue_follow_up (rec, store, thread, message, message_row, now, result, error);
	return TRUE;
}

/* What the orphan @o is in a thread. Outside one it was "other", or an
 * "auto-reply" because a list relayed it (Precedence: list), which in a
 * thread is a reply: its message is read again to tell. */
static const char *
kind_in_thread (const Config *config, const StoreOrphan *o)
{
	g_autofree char *path = NULL;
	g_autoptr (Message) message = NULL;

	if (g_strcmp0 (o->kind, "auto-reply") != 0)
		return "reply";
	if (o->raw_sha256 == NULL)
		return "auto-reply";
	path = spool_path (config->spool, "msg", o->raw_sha256);
	message = message_open_file (path, config->max_message_size, NULL);
	if (message == NULL)
		return "auto-reply";
	return classify_message (message, config, NULL, TRUE) == CLASS_REPLY ? "reply" : "auto-reply";
}

/* Messages that named @message_id before it came, and joined no thread,
 * join the thread of @thread_id now, and so do those that named them: at
 * most MAX_ADOPTED in all, each once (a message in a thread is never
 * adopted again, so a loop of references ends). A follow-up adopted so
 * late is not forwarded: the routes have moved on. */
#define MAX_ADOPTED 200

static gboolean
adopt_orphans (Store *store, const Config *config, const char *thread_id, const char *message_id,
               const char *now, GError **error)
{
	g_autoptr (GPtrArray) queue = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (Statement) thread = NULL;
	guint adopted_count = 0;

	g_ptr_array_add (queue, g_strdup (message_id));
	for (guint q = 0; q < queue->len && adopted_count < MAX_ADOPTED; q++) {
		g_autoptr (GPtrArray) orphans = store_find_orphans (store, g_ptr_array_index (queue, q), error);

		if (orphans == NULL)
			return FALSE;
		for (guint i = 0; i < orphans->len && adopted_count < MAX_ADOPTED; i++) {
			const StoreOrphan *o = g_ptr_array_index (orphans, i);
			const char *kind = kind_in_thread (config, o);
			const char *role;
			ThreadSide side;
			gboolean adopted;

			if (thread == NULL) {
				thread = store_get_statement (store, thread_id, error);
				if (thread == NULL)
					return FALSE;
			}
			role = thread_role (kind, o->from, thread, config, &side);
			if (!store_adopt_message (store, o->row, thread->id, role, kind, &adopted, error))
				return FALSE;
			if (!adopted)
				continue;
			adopted_count++;
			if (!apply_role (store, thread, role, side, o->from, o->message_id, now,
			                 g_strcmp0 (role, "follow-up") == 0
			                 ? ", which came before its parent: not forwarded"
			                 : " (it came before its parent)", error))
				return FALSE;
			/* The state may have changed: read it again. */
			g_clear_pointer (&thread, statement_free);
			if (o->message_id != NULL)
				g_ptr_array_add (queue, g_strdup (o->message_id));
		}
	}
	return TRUE;
}

/* A response statement names the statement it answers: a link both ways
 * (the store derives "responded-by"), and an event on the earlier one. */
static void
relate (Statement *statement, const char *responds_to)
{
	Related *rel;

	for (guint i = 0; i < statement->related->len; i++) {
		rel = g_ptr_array_index (statement->related, i);
		if (g_ascii_strcasecmp (rel->id, responds_to) == 0)
			return;
	}
	rel = g_new0 (Related, 1);
	rel->id = g_strdup (responds_to);
	rel->relation = g_strdup ("responds-to");
	g_ptr_array_add (statement->related, rel);
}

/* A response statement sent by the receiving side of the statement it
 * answers (a chair or AD of its groups, a manager: the answer of the
 * groups, sent as a statement of its own) is a reply to it: the earlier
 * statement is replied and its action taken. One from the sending side
 * (a further statement of the same exchange) changes nothing. */
static gboolean
answer_by_response (Store *store, const Config *config, const char *responds_to,
                    const Message *message, const char *response_id, const char *now,
                    GError **error)
{
	g_autoptr (Statement) earlier = store_get_statement (store, responds_to, error);
	g_autofree char *note = NULL;

	if (earlier == NULL)
		return FALSE;
	if (sender_side (message->from, earlier, config) != THREAD_SIDE_RECEIVING)
		return TRUE;
	note = g_strdup_printf (", the response statement %s", response_id);
	return apply_role (store, earlier, "reply", THREAD_SIDE_RECEIVING, message->from,
	                   message->message_id, now, note, error);
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
deliver_message_at (Store *store, const Config *config, Message *message, const char *received,
                    const char *now, DeliverResult *result, GError **error)
{
	g_autoptr (Statement) statement = NULL;
	g_autoptr (GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
	Recording rec = { config, created, NULL, NULL };
	StoreMessage row = { 0 };
	StoreSeen seen;
	const char *hold;
	gint64 message_row;
	g_autoptr (ThreadKeys) keys = NULL;
	g_autofree char *thread_id = NULL, *responds_to = NULL;
	ThreadVia via = THREAD_VIA_NONE;
	gboolean in_thread;

	/* The pure part: what is it, and for whom? */
	if (!message->oversized)
		statement = extract_statement (message);
	if (statement != NULL)
		resolve_statement (statement, config, message);
	keys = thread_keys_new (message, statement, config->id_prefix);

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

	/* Which thread it belongs to is read under the lock, so that a
	 * parent recorded a moment ago is found; classifying is pure. */
	if (!find_thread (store, keys, &thread_id, &via, error))
		goto fail;
	if (statement != NULL && !find_responds_to (store, keys, &responds_to, error))
		goto fail;
	in_thread = seen != STORE_SEEN_CONFLICT && is_in_thread (statement, thread_id, via, responds_to);
	result->kind = classify_message (message, config, statement, in_thread);
	if (result->kind == CLASS_STATEMENT) {
		authorize (statement, config, message);
		/* A response statement whose reference names nothing known
		 * answers the thread it is in, if any. */
		if (responds_to == NULL && statement->purpose == PURPOSE_RESPONSE && thread_id != NULL)
			responds_to = g_strdup (thread_id);
		if (responds_to != NULL)
			relate (statement, responds_to);
	}
	hold = hold_reason_for (message, result->kind, statement);
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
	row.received = received;
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
	if (!result->conflict && !store_add_message_refs (store, message_row, keys->message_ids, error))
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
		statement->received = g_strdup (received);
		g_free (statement->message_id);
		statement->message_id = g_strdup (message->message_id);
		if (!store_add_statement (store, statement, message_row, config->id_prefix, error))
			goto fail;
		result->statement_id = g_strdup (statement->id);
		if (!queue_outgoing (&rec, store, message, message_row, now, result, error))
			goto fail;
		if (responds_to != NULL) {
			g_autofree char *detail = g_strdup_printf ("%s responds to it", statement->id);
			if (!store_add_event (store, responds_to, received, "response", detail, error))
				goto fail;
			if (!answer_by_response (store, config, responds_to, message, statement->id,
			                         received, error))
				goto fail;
		}
	}
	if (result->kind == CLASS_BOUNCE && !result->conflict &&
	    !record_bounce (store, message, message_row, received, result, error))
		goto fail;
	if (in_thread && (result->kind == CLASS_REPLY || result->kind == CLASS_AUTO_REPLY ||
	                  result->kind == CLASS_BOUNCE)) {
		if (!join_thread (&rec, store, thread_id, message, message_row, result->kind, received, now,
		                  result, error))
			goto fail;
		result->statement_id = g_strdup (thread_id);
	}
	/* Replies that came before this message join its thread now. */
	if (!result->conflict && message->message_id != NULL && result->kind != CLASS_LOOP) {
		const char *joined = result->kind == CLASS_STATEMENT ? statement->id
			: in_thread ? thread_id : NULL;
		if (joined != NULL &&
		    !adopt_orphans (store, config, joined, message->message_id, received, error))
			goto fail;
	}
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

gboolean
deliver_message (Store *store, const Config *config, Message *message,
                 const char *now, DeliverResult *result, GError **error)
{
	return deliver_message_at (store, config, message, now, now, result, error);
}

gboolean
deliver_route (Store *store, const Config *config, const char *key, GPtrArray *groups,
               const char *now, DeliverResult *result, GError **error)
{
	g_autoptr (GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
	Recording rec = { config, created, NULL, NULL };
	g_autoptr (Statement) statement = NULL;
	g_autoptr (Message) original = NULL;
	g_autoptr (Mailbox) sender = NULL;
	g_autoptr (RoutePlan) plan = NULL;
	g_autofree char *raw_sha256 = NULL, *path = NULL, *message_id = NULL, *plain_id = NULL;
	g_autofree char *names = NULL;
	g_autoptr (StoreOutbox) earlier = NULL;
	RouteOriginal route_from = { 0 };
	ComposeInput input = { 0 };
	gint64 message_row = 0;
	guint count = 0;
	gboolean ok;

	g_return_val_if_fail (groups != NULL && groups->len > 0, FALSE);

	if (!store_begin (store, error))
		return FALSE;
	statement = store_get_statement (store, key, error);
	if (statement == NULL)
		goto fail;
	if (!store_set_groups (store, statement->id, groups, error) ||
	    !store_statement_message (store, statement->id, &message_row, &raw_sha256, error))
		goto fail;
	g_ptr_array_set_size (statement->groups, 0);
	for (guint i = 0; i < groups->len; i++)
		g_ptr_array_add (statement->groups, g_strdup (g_ptr_array_index (groups, i)));
	/* A person decided: whatever held it no longer does. */
	g_clear_pointer (&statement->hold_reason, g_free);

	/* The original goes with the forward, as on arrival; if its file
	 * cannot be read the forward goes without it. */
	path = spool_path (config->spool, "msg", raw_sha256);
	original = message_open_file (path, config->max_message_size, NULL);
	if (original != NULL) {
		route_original (original, &route_from, &sender);
	} else {
		route_from.recipients = g_ptr_array_new_with_free_func (g_free);
	}
	route_from.automatic = TRUE;      /* no second acknowledgement */
	plan = route_plan (statement, config, &route_from);

	/* The first forward has the plain id; a re-route a numbered one. */
	plain_id = compose_message_id (config, statement->id, ROUTE_MESSAGE_FORWARD);
	earlier = store_find_outbox (store, plain_id, error);
	if (earlier == NULL && error != NULL && *error != NULL)
		goto fail;
	if (!store_count_routes (store, statement->id, &count, error))
		goto fail;
	message_id = earlier == NULL ? g_strdup (plain_id)
	                             : numbered_message_id (config, statement->id, "forward", count);
	input = (ComposeInput) { statement, plan, original != NULL ? original->mime : NULL, now,
	                         raw_sha256, message_id, NULL, NULL };
	ok = queue_forward (&rec, store, &input, "forward", message_row, now, result, error);
	g_ptr_array_unref (route_from.recipients);
	if (!ok)
		goto fail;

	{
		GString *joined = g_string_new (NULL);

		for (guint i = 0; i < groups->len; i++)
			g_string_append_printf (joined, "%s%s", i > 0 ? ", " : "",
			                        (const char *) g_ptr_array_index (groups, i));
		names = g_string_free (joined, FALSE);
	}
	{
		g_autofree char *detail = g_strdup_printf ("to %s%s", names,
		                                           result->outbox == NULL ? " (nobody new to send to)" : "");
		const char *state = statement->state == STATE_HELD ? "open" : NULL;

		if (!store_set_state (store, statement->id, state, -1, now, "routed", detail, error))
			goto fail;
	}
	result->statement_id = g_strdup (statement->id);

	guard_block ();
	if (!store_commit (store, error)) {
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
