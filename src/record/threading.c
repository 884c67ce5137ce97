/* threading.c: the store's half of threads. thread.c says whether a
 * message is in a thread, its role and what the role does; this file looks
 * the thread up, records the role and its outcome, and queues the forward
 * a follow-up calls for. */
#include "config.h"

#include "record/outgoing.h"
#include "record/threading.h"
#include "stages/authorize.h"
#include "stages/compose.h"
#include "store/spool.h"

gboolean
threading_find (Store *store, const ThreadKeys *keys, char **thread_id, ThreadVia *via,
                GError **error)
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

gboolean
threading_find_responds_to (Store *store, const ThreadKeys *keys, char **found, GError **error)
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

/* The side of @from in @thread: thread_sender_side() with the thread's
 * original sender. */
static ThreadSide
side_in (const char *from, const Statement *thread, const Config *config)
{
	return thread_sender_side (from, thread, thread_original_from (thread), config);
}

/* Records what @role does to @thread (thread_effect_new()). */
static gboolean
apply_role (Store *store, const Statement *thread, ThreadRole role, const char *refused,
            const char *from, const char *message_id, const char *now, const char *note,
            GError **error)
{
	g_autoptr (ThreadEffect) effect = thread_effect_new (thread, role, refused, from, message_id, note);

	switch (effect->kind) {
	case THREAD_EFFECT_REPLIED:
		return store_set_state (store, thread->id, effect->state, 1, now, effect->event,
		                        effect->detail, error);
	case THREAD_EFFECT_EVENT:
		return store_add_event (store, thread->id, now, effect->event, effect->detail, error);
	case THREAD_EFFECT_NONE:
	default:
		return TRUE;
	}
}

/* Why the message from @from (a From header) in @role may not do what its
 * role does to @thread, or NULL: a reply changes the state only from a
 * receiving-side person our server vouches for (@vouched); a follow-up is
 * forwarded only when its sender may submit for the statement's
 * organization (authorize_sender(), on @message) and the statement is not
 * held. */
static const char *
refusal (const Config *config, const Statement *thread, ThreadRole role, const char *from,
         gboolean vouched, const Message *message)
{
	g_autoptr (Address) sender = from != NULL ? address_parse (from) : NULL;

	/* Nothing answers a statement not sent yet. */
	if (thread->state == STATE_PENDING_APPROVAL &&
	    (role == THREAD_ROLE_REPLY || role == THREAD_ROLE_FOLLOW_UP))
		return "the statement is waiting for approval";
	if (role == THREAD_ROLE_REPLY)
		return thread_reply_refused (config, thread, sender != NULL ? sender->address : NULL,
		                             vouched, NULL);
	if (role != THREAD_ROLE_FOLLOW_UP)
		return NULL;
	if (thread->state == STATE_HELD)
		return "the statement is held";
	return authorize_sender (config, thread, message);
}

/* A follow-up from the sending side goes to the statement's routes (its
 * groups' lists, chairs and ADs, the managers), under our tag, with the
 * follow-up attached; an address the follow-up reached directly is
 * skipped as already-received. A held statement has no such routes. */
static gboolean
queue_follow_up (Txn *txn, const Config *config, const Statement *thread, Message *message,
                 gint64 message_row, const char *now, GArray **outbox, GError **error)
{
	g_autoptr (RoutePlan) plan = NULL;
	g_autofree char *message_id = NULL, *subject = NULL, *text = NULL;
	ComposeInput input = { 0 };

	if (thread->state == STATE_HELD || thread->state == STATE_PENDING_APPROVAL)
		return TRUE;
	plan = outgoing_plan (thread, config, message, TRUE);   /* no acknowledgement */
	message_id = compose_numbered_id (config, thread->id, "follow-up", message_row);
	subject = compose_follow_up_subject (thread->id, message->subject, thread->title);
	text = compose_follow_up_text (thread, message->from);
	input = (ComposeInput) { thread, plan, message->mime, now, message->raw_sha256,
	                         message_id, subject, text };
	return outgoing_queue_forward (txn, config, &input, "follow-up", message_row, now, outbox, error);
}

gboolean
threading_join (Txn *txn, const Config *config, const char *thread_id, Message *message,
                gint64 message_row, MessageClass kind, const char *received, const char *now,
                GArray **outbox, GError **error)
{
	g_autoptr (Statement) thread = store_get_statement (txn->store, thread_id, error);
	const char *class_name = message_class_to_string (kind);
	const char *refused;
	ThreadRole role;
	gboolean adopted;

	if (thread == NULL)
		return FALSE;
	role = thread_role (class_name, side_in (message->from, thread, config));
	if (!store_adopt_message (txn->store, message_row, thread->id, thread_role_to_string (role),
	                          class_name, &adopted, error))
		return FALSE;
	if (!adopted)             /* a bounce that bounces_record() linked */
		return TRUE;
	refused = refusal (config, thread, role, message->from,
	                   authorize_from_vouched (config, message), message);
	if (!apply_role (txn->store, thread, role, refused, message->from, message->message_id,
	                 received, NULL, error))
		return FALSE;
	if (role == THREAD_ROLE_FOLLOW_UP && refused == NULL)
		return queue_follow_up (txn, config, thread, message, message_row, now, outbox, error);
	return TRUE;
}

/* The recorded message of the orphan @o, read again from the spool, or
 * NULL when it cannot be. */
static Message *
orphan_message (const Config *config, const StoreOrphan *o)
{
	g_autofree char *path = NULL;

	if (o->raw_sha256 == NULL)
		return NULL;
	path = spool_path (config->spool, "msg", o->raw_sha256);
	return message_open_file (path, config->max_message_size, NULL);
}

/* What the orphan @o (its message @message, NULL when unread) is in a
 * thread. Outside one it was "other", or an "auto-reply" because a list
 * relayed it (Precedence: list), which in a thread is a reply: its message
 * is read again to tell. */
static const char *
kind_in_thread (const Config *config, const StoreOrphan *o, Message *message)
{
	if (g_strcmp0 (o->kind, "auto-reply") != 0)
		return "reply";
	if (message == NULL)
		return "auto-reply";
	return classify_message (message, config, NULL, TRUE) == CLASS_REPLY ? "reply" : "auto-reply";
}

/* Adopts the orphan @o into @thread with its role, and does what the role
 * does, as for a message that joins on arrival (our server's verdict is
 * read from its recorded headers when there is one to read; a message that
 * cannot be read is not vouched for), noting that it came before its
 * parent: a follow-up adopted so late is never forwarded. Sets *adopted. */
static gboolean
adopt (Store *store, const Config *config, const Statement *thread, const StoreOrphan *o,
       const char *now, gboolean *adopted, GError **error)
{
	gboolean verdict = config->authserv_id != NULL && *config->authserv_id != '\0';
	g_autoptr (Message) message = verdict || g_strcmp0 (o->kind, "auto-reply") == 0
		? orphan_message (config, o) : NULL;
	const char *kind = kind_in_thread (config, o, message);
	ThreadRole role = thread_role (kind, side_in (o->from, thread, config));
	gboolean vouched = !verdict || (message != NULL && authorize_from_vouched (config, message));
	const char *refused;

	if (!store_adopt_message (store, o->row, thread->id, thread_role_to_string (role), kind,
	                          adopted, error))
		return FALSE;
	if (!*adopted)
		return TRUE;
	/* Held as no statement while it had no thread: it has one now. */
	if (!store_held_adopted (store, o->row, thread->id, now, error))
		return FALSE;
	refused = role == THREAD_ROLE_FOLLOW_UP ? "it came before its parent"
	                                        : refusal (config, thread, role, o->from, vouched, message);
	return apply_role (store, thread, role, refused, o->from, o->message_id, now,
	                   role == THREAD_ROLE_FOLLOW_UP ? NULL : " (it came before its parent)", error);
}

/* At most MAX_ADOPTED in all, each once (a message in a thread is never
 * adopted again, so a loop of references ends). A follow-up adopted so
 * late is not forwarded: the routes have moved on. */
#define MAX_ADOPTED 200

gboolean
threading_adopt_orphans (Store *store, const Config *config, const char *thread_id,
                         const char *message_id, const char *now, GError **error)
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
			gboolean adopted;

			if (thread == NULL) {
				thread = store_get_statement (store, thread_id, error);
				if (thread == NULL)
					return FALSE;
			}
			if (!adopt (store, config, thread, o, now, &adopted, error))
				return FALSE;
			if (!adopted)
				continue;
			adopted_count++;
			/* The state may have changed: read it again. */
			g_clear_pointer (&thread, statement_free);
			if (o->message_id != NULL)
				g_ptr_array_add (queue, g_strdup (o->message_id));
		}
	}
	return TRUE;
}

/* A response statement sent by the receiving side of the statement it
 * answers (a chair or AD of its groups, a manager, or the Datatracker
 * relaying one of those groups' statements: the answer of the groups, sent
 * as a statement of its own) is a reply to it: the earlier statement is
 * replied and its action taken, if the response passed the sender checks
 * itself and our server vouches for its From. One from the sending side (a
 * further statement of the same exchange) changes nothing. */
gboolean
threading_respond (Store *store, const Config *config, const char *responds_to,
                   const Message *message, const Statement *response, gboolean sender_ok,
                   const char *now, GError **error)
{
	g_autoptr (Statement) earlier = NULL;
	g_autofree char *detail = NULL, *note = NULL;
	const char *refused;

	earlier = store_get_statement (store, responds_to, error);
	if (earlier == NULL)
		return FALSE;
	if (!sender_ok)
		refused = "it was held for its sender";
	else
		refused = thread_reply_refused (config, earlier, message->from_address,
		                                authorize_from_vouched (config, message), response);
	detail = refused == NULL || side_in (message->from, earlier, config) == THREAD_SIDE_SENDING
		? g_strdup_printf ("%s responds to it", response->id)
		: g_strdup_printf ("%s responds to it; not counted as a reply: %s", response->id, refused);
	if (!store_add_event (store, responds_to, now, "response", detail, error))
		return FALSE;
	if (refused != NULL)
		return TRUE;
	note = g_strdup_printf (", the response statement %s", response->id);
	return apply_role (store, earlier, THREAD_ROLE_REPLY, NULL, message->from,
	                   message->message_id, now, note, error);
}
