/* deliver.c: one message through the pipeline. The pure steps (extract,
 * resolve, authorize, classify) run before the database is locked; the
 * writes (spool files, then rows: the message, the statement, its routes
 * and the outgoing mail they call for) happen inside one BEGIN IMMEDIATE
 * transaction (Txn), and a spool file created for a transaction that does
 * not commit is removed. Nothing is sent here: outbox_send() does that
 * after the commit, so that mail never goes out for a record that was
 * lost. The steps that write a message's outcome live in src/record/. */
#include "config.h"

#include <string.h>

#include "deliver.h"
#include "record/attachments.h"
#include "record/bounces.h"
#include "record/conflict.h"
#include "record/documents.h"
#include "record/edit.h"
#include "record/held.h"
#include "record/outgoing.h"
#include "record/reroute.h"
#include "record/commands.h"
#include "record/submit.h"
#include "record/threading.h"
#include "base/error.h"
#include "base/guard.h"
#include "stages/authorize.h"
#include "stages/direction.h"
#include "stages/extract.h"
#include "stages/links.h"
#include "stages/resolve.h"
#include "stages/submit.h"
#include "stages/thread.h"
#include "store/journal.h"
#include "store/spool.h"
#include "store/txn.h"

void
deliver_result_clear (DeliverResult *result)
{
	g_clear_pointer (&result->statement_id, g_free);
	g_clear_pointer (&result->hold_reason, g_free);
	g_clear_pointer (&result->outbox, g_array_unref);
	g_clear_pointer (&result->routes, g_ptr_array_unref);
	result->bounced_routes = 0;
	result->copy = FALSE;
	result->by_id = FALSE;
	g_clear_pointer (&result->commands, mail_commands_free);
	g_clear_pointer (&result->commander, g_free);
	g_clear_pointer (&result->command_message_id, g_free);
	g_clear_pointer (&result->command_subject, g_free);
}

/* One message on its way: what the steps share. */
typedef struct {
	const Config *config;
	Message *message;
	const char *received;    /* the time of receipt: rows and events */
	const char *now;         /* the time of the mail it causes */
	DeliverResult *result;
	Txn txn;
	Statement *statement;    /* what extraction found, or NULL */
	ThreadKeys *keys;
	StoreSeen seen;
	char *thread_id;         /* the thread its keys name, or NULL */
	ThreadVia via;
	char *responds_to;       /* the statement a response statement answers */
	char *same_as;           /* the statement it is another arrival of */
	const char *same_how;    /* how that was told (store_find_same()) */
	gboolean in_thread;
	const char *hold;        /* why it is held, or NULL */
	gint64 message_row;
	const char *replay_id;   /* `rebuild`: the id the journal says it got */
	GPtrArray *notes;        /* char*: documents a limit stopped */
	char *hold_text;         /* a hold reason built here */
	MailCommands *commands;  /* the command lines of its text body */
	gboolean submit;         /* a submission of the IETF's own statement
	                          * (statements+submit@, or `submit`) */
	const DeliverSubmit *cli;/* `submit` from the shell, or NULL */
	gboolean refused;        /* a submission held, and answered, as a message */
	gboolean approved;       /* a submission that needs no approval */
	const char *label_ignored;/* why its "Approved: yes" was not taken */
} Delivery;

static void
delivery_clear (Delivery *d)
{
	txn_clear (&d->txn);
	g_clear_pointer (&d->statement, statement_free);
	g_clear_pointer (&d->keys, thread_keys_free);
	g_clear_pointer (&d->thread_id, g_free);
	g_clear_pointer (&d->responds_to, g_free);
	g_clear_pointer (&d->same_as, g_free);
	g_clear_pointer (&d->notes, g_ptr_array_unref);
	g_clear_pointer (&d->hold_text, g_free);
	g_clear_pointer (&d->commands, mail_commands_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Delivery, delivery_clear)

static const char *
hold_reason_for (const Message *message, MessageClass kind, const Statement *statement)
{
	if (message->oversized && kind == CLASS_OTHER)
		return "message larger than max-message-size";
	if (message->too_complex != NULL && kind == CLASS_OTHER)
		return message->too_complex;
	if (kind == CLASS_OTHER)
		return "not a liaison statement";
	if (kind == CLASS_STATEMENT && statement->hold_reason != NULL)
		return statement->hold_reason;
	return NULL;
}

/* Puts @why before the statement's hold reason: it matters more. */
static void
hold_first (Statement *statement, const char *why)
{
	char *reason = statement->hold_reason != NULL
		? g_strdup_printf ("%s; %s", why, statement->hold_reason) : g_strdup (why);

	g_free (statement->hold_reason);
	statement->hold_reason = reason;
}

/* Holds a statement whose sender may not submit it (SPEC §6); then one
 * whose forward would have more recipients than max-recipients. The
 * IETF's own statements had their sender checked by direction_resolve(),
 * and go to nobody but the archive. */
static void
authorize (Statement *statement, const Config *config, const Message *message)
{
	const char *denied;
	g_autofree char *too_many = NULL;

	if (statement->direction == DIRECTION_OUTGOING)
		return;
	denied = authorize_sender (config, statement, message);
	if (denied != NULL) {
		g_autofree char *why = authorize_explain (config, statement, message, denied);

		hold_first (statement, why);
		return;
	}
	too_many = outgoing_too_many (statement, config, message);
	if (too_many != NULL)
		hold_first (statement, too_many);
}

/* The command lines at the start of @message's own text body, or NULL. */
static MailCommands *
body_commands (const Message *message, const Config *config)
{
	g_autoptr (GPtrArray) texts = message_texts (message);

	for (guint i = 0; i < texts->len; i++) {
		const MessageText *t = g_ptr_array_index (texts, i);

		if (t->kind == MESSAGE_TEXT_BODY && t->depth == 0)
			return mail_commands_parse (t->text, config);
	}
	return NULL;
}

/* The pure part: what is it, and for whom? */
static void
understand (Delivery *d)
{
	d->submit = d->cli != NULL ||
		submit_is_addressed (d->config, d->message->recipient, d->message->extension);
	if (d->submit && !d->message->oversized)
		d->statement = submit_read (d->message);
	else if (!d->message->oversized)
		d->statement = extract_statement (d->message, d->config);
	if (d->statement != NULL) {
		resolve_statement (d->statement, d->config, d->message);
		direction_resolve (d->statement, d->config, d->message);
		links_find (d->statement, d->message);
	}
	d->keys = thread_keys_new (d->message, d->statement, d->config->id_prefix);
	if (d->keys->message_ids->len > 0 && !d->submit)
		d->commands = body_commands (d->message, d->config);
}

static void
count_part (GMimePart *part, gpointer user_data)
{
	(void) part;
	(*(guint *) user_data)++;
}

/* The text of @message's own body, or NULL. Newly allocated. */
static char *
body_text (const Message *message)
{
	g_autoptr (GPtrArray) texts = message_texts (message);

	for (guint i = 0; i < texts->len; i++) {
		const MessageText *t = g_ptr_array_index (texts, i);

		if (t->kind == MESSAGE_TEXT_BODY && t->depth == 0)
			return g_strdup (t->text);
	}
	return NULL;
}

/* What a submission may do once it is whole and its sender may submit:
 * skip the approval when an authenticated approver says "Approved: yes"
 * (or `submit --approved`); go nowhere the peer plan cannot reach. NULL,
 * or why it cannot be recorded. */
static const char *
submission_approval (Delivery *d)
{
	const Config *config = d->config;
	const Statement *statement = d->statement;
	g_autofree char *body = NULL;
	g_autoptr (RoutePlan) plan = NULL;

	if (submit_approvers (config, statement)->len == 0)
		return "nobody approves the statements of its group ([approvers], or the group's ads)";
	if (d->cli != NULL) {
		d->approved = d->cli->approved;
	} else if (submit_approved_label (body = body_text (d->message))) {
		if (config->authserv_id == NULL)
			d->label_ignored = "\"Approved: yes\" needs authserv-id: approval by reply";
		else if (!submit_is_approver (config, statement, d->message->from_address) ||
		         !authorize_from_vouched (config, d->message))
			d->label_ignored = "\"Approved: yes\" from someone who is not an authenticated "
			                   "approver: approval by reply";
		else
			d->approved = TRUE;
	}
	plan = submit_peer_plan (statement, config);
	if (plan->routes->len == 0)
		return "its organization has no send-to and no managers";
	if (plan->dropped->len > 0)
		return "it would go to more than max-recipients addresses";
	return NULL;
}

/* A submission (SPEC §13): a statement of one of our groups to a known
 * peer, whole, from someone who may submit it, becomes an outgoing
 * statement; anything else is held as a message, and its sender told
 * why. Pure: its thread is not looked for. */
static gboolean
place_submission (Delivery *d)
{
	Statement *statement = d->statement;
	guint parts = 0;
	g_autoptr (GPtrArray) problems = NULL;
	const char *refused = NULL;

	message_foreach_attachment (d->message, count_part, &parts);
	problems = submit_problems (statement, d->config, parts > 0);
	if (problems->len == 0 && d->cli == NULL)
		refused = submit_refused (d->config, statement, d->message->from_address,
		                          authorize_from_vouched (d->config, d->message));
	if (problems->len == 0 && refused == NULL)
		refused = submission_approval (d);
	if (problems->len > 0 || refused != NULL) {
		GString *why = g_string_new ("submission refused: ");

		g_string_append (why, refused != NULL ? refused : "");
		for (guint i = 0; i < problems->len; i++)
			g_string_append_printf (why, "%s%s", i > 0 || refused != NULL ? "; " : "",
			                        (const char *) g_ptr_array_index (problems, i));
		d->result->kind = CLASS_OTHER;
		d->hold = d->hold_text = g_string_free (why, FALSE);
		d->refused = TRUE;
		return TRUE;
	}
	d->result->kind = CLASS_STATEMENT;
	statement->direction = DIRECTION_OUTGOING;
	g_clear_pointer (&statement->hold_reason, g_free);
	d->hold = NULL;
	return TRUE;
}

/* Which thread it belongs to is read under the lock, so that a parent
 * recorded a moment ago is found; classifying is pure. Sets the class, the
 * thread and the hold reason. */
static gboolean
place (Delivery *d, GError **error)
{
	Store *store = d->txn.store;
	Statement *statement = d->statement;
	DeliverResult *result = d->result;

	/* A submission reusing a recorded Message-ID is a conflict like
	 * any other message's: held for a person (below). */
	if (d->submit && d->seen != STORE_SEEN_CONFLICT)
		return place_submission (d);
	if (!threading_find (store, d->keys, &d->thread_id, &d->via, error))
		return FALSE;
	if (statement != NULL && !threading_find_responds_to (store, d->keys, &d->responds_to, error))
		return FALSE;
	d->in_thread = d->seen != STORE_SEEN_CONFLICT &&
		thread_is_member (statement, d->thread_id, d->via, d->responds_to);
	result->kind = classify_message (d->message, d->config, statement, d->in_thread);
	if (result->kind == CLASS_STATEMENT) {
		authorize (statement, d->config, d->message);
		/* A response statement whose reference names nothing known
		 * answers the thread it is in, if any. */
		if (d->responds_to == NULL && statement->purpose == PURPOSE_RESPONSE && d->thread_id != NULL)
			d->responds_to = g_strdup (d->thread_id);
		if (d->responds_to != NULL)
			thread_relate (statement, d->responds_to);
	}
	d->hold = hold_reason_for (d->message, result->kind, statement);
	/* A statement that would be routed and was recorded before (sent
	 * directly, then by the Datatracker; re-sent with a new Message-ID)
	 * is that statement again. */
	if (result->kind == CLASS_STATEMENT && d->hold == NULL && d->seen != STORE_SEEN_CONFLICT &&
	    !store_find_same (store, statement, d->received, &d->same_as, &d->same_how, error))
		return FALSE;
	if (d->hold != NULL && result->kind == CLASS_OTHER && d->notes->len > 0) {
		/* No statement to hang the events on: the reason says it. */
		GString *text = g_string_new (d->hold);

		for (guint i = 0; i < d->notes->len; i++)
			g_string_append_printf (text, "; %s", (const char *) g_ptr_array_index (d->notes, i));
		d->hold = d->hold_text = g_string_free (text, FALSE);
	}
	if (d->seen == STORE_SEEN_CONFLICT) {
		/* Someone reused a Message-ID: keep the message, let a person
		 * decide. */
		result->conflict = TRUE;
		d->hold = "Message-ID already recorded with other content";
	}
	return TRUE;
}

/* The raw message into the spool, and its row with its references. */
static gboolean
record_message (Delivery *d, GError **error)
{
	const Message *message = d->message;
	StoreMessage row = { 0 };

	if (!txn_add_file (&d->txn, "msg", message->path, message->raw_sha256, error))
		return FALSE;
	row.message_id = message->message_id;
	row.dedupe_hash = message->dedupe_hash;
	row.raw_sha256 = message->raw_sha256;
	row.size = message->size;
	row.received = d->received;
	row.sender = message->sender;
	row.recipient = message->recipient;
	row.extension = message->extension;
	row.from = message->from;
	row.subject = message->subject;
	row.date = message->date;
	row.kind = message_class_to_string (d->result->kind);
	row.hold_reason = d->hold;
	row.conflict = d->result->conflict;
	d->message_row = store_add_message (d->txn.store, &row, error);
	if (d->message_row == 0)
		return FALSE;
	return d->result->conflict ||
		store_add_message_refs (d->txn.store, d->message_row, d->keys->message_ids, error);
}

/* A statement: its attachments, its row, the mail it calls for, and the
 * answer it gives to the statement it responds to. */
static gboolean
record_statement (Delivery *d, GError **error)
{
	Statement *statement = d->statement;
	DeliverResult *result = d->result;
	gboolean notice = TRUE;

	if (!attachments_record (&d->txn, d->message, statement, error))
		return FALSE;
	/* A held statement's notice counts against the sender's daily
	 * limit like a held message's. */
	if (statement->hold_reason != NULL &&
	    !held_notice_due (&d->txn, d->config, d->message, d->received, &notice, error))
		return FALSE;
	statement->state = statement->hold_reason ? STATE_HELD : STATE_OPEN;
	g_free (statement->received);
	statement->received = g_strdup (d->received);
	g_free (statement->message_id);
	statement->message_id = g_strdup (d->message->message_id);
	/* A rebuild gives it the id it got when it came (store_add_statement()
	 * checks it is still free). */
	g_free (statement->id);
	statement->id = g_strdup (d->replay_id);
	if (!store_add_statement (d->txn.store, statement, d->message_row, d->config->id_prefix, error)
	    || !documents_record_events (d->txn.store, statement->id, d->received, d->notes, error))
		return FALSE;
	result->statement_id = g_strdup (statement->id);
	result->created = TRUE;
	if (!outgoing_queue_statement (&d->txn, d->config, statement, d->message, d->message_row,
	                               notice, d->now, &result->outbox, &result->routes, error))
		return FALSE;
	if (statement->hold_reason != NULL &&
	    !held_notice_note (&d->txn, d->message, statement->id, notice, d->now, error))
		return FALSE;
	/* It answers for its groups only if its own sender passed (for the
	 * IETF's own, direction_resolve()'s check). */
	return d->responds_to == NULL ||
		threading_respond (d->txn.store, d->config, d->responds_to, d->message, statement,
		                   statement->direction == DIRECTION_OUTGOING
		                   ? !authorize_is_sender_reason (statement->hold_reason)
		                   : authorize_sender (d->config, statement, d->message) == NULL,
		                   d->received, error);
}

/* Another arrival of the statement d->same_as joins its thread as a
 * copy, with an event; it is not forwarded or acknowledged again, and
 * gets no id of its own. What it carries that the statement lacks (the
 * Datatracker's URL and links) completes it. */
static gboolean
record_copy (Delivery *d, GError **error)
{
	Store *store = d->txn.store;
	g_autofree char *from = statement_clean_line (d->message->from != NULL ? d->message->from
	                                                                      : "(unknown sender)");
	g_autofree char *detail = g_strdup_printf ("also received via %s <%s> (%s); not forwarded again",
	                                           from, d->message->message_id != NULL
	                                           ? d->message->message_id : "", d->same_how);

	d->result->statement_id = g_strdup (d->same_as);
	d->result->copy = TRUE;
	return store_link_message (store, d->message_row, d->same_as, "copy", error) &&
	       store_add_event (store, d->same_as, d->received, "also-received", detail, error) &&
	       store_complete_statement (store, d->same_as, d->statement, error);
}

/* The message's commands, to be done by the caller after the commit. */
static void
hand_commands (Delivery *d)
{
	DeliverResult *result = d->result;

	result->commands = g_steal_pointer (&d->commands);
	result->commander = g_strdup (d->message->from_address);
	result->command_message_id = g_strdup (d->message->message_id);
	result->command_subject = g_strdup (d->message->subject);
}

/* A reply in a thread, naming one of our Message-IDs of it, from a person
 * who may command (commands_obeyed()): its commands go to the caller. */
static gboolean
record_commands (Delivery *d, GError **error)
{
	gboolean obeyed;

	if (!d->in_thread || d->result->kind != CLASS_REPLY || d->via != THREAD_VIA_MESSAGE_ID ||
	    d->commands == NULL || d->commands->commands->len == 0 || d->message->message_id == NULL)
		return TRUE;
	/* An approver's decision is obeyed from its approvers alone. */
	if (mail_commands_any_decision (d->commands)
	    ? !commands_approval_obeyed (d->txn.store, d->config, d->thread_id, d->message,
	                                 d->keys->message_ids, d->commands, &obeyed, error)
	    : !commands_obeyed (d->txn.store, d->config, d->thread_id, d->message,
	                        d->keys->message_ids, d->statement, &obeyed, error))
		return FALSE;
	if (obeyed)
		hand_commands (d);
	return TRUE;
}

/* A reply to one of our digests is about no one statement: the ids it
 * quotes are not its thread. When its lines each name a statement
 * ("LS-2026-0007 taken") and its sender may command one of them, it is a
 * command message, not held, whose commands go to the caller (who checks
 * each statement's commander again); otherwise it is held for triage. */
static gboolean
place_digest_commands (Delivery *d, GError **error)
{
	DeliverResult *result = d->result;
	gboolean digest, obeyed;

	if ((result->kind != CLASS_OTHER && result->kind != CLASS_REPLY) || result->conflict ||
	    d->message->message_id == NULL || d->message->oversized || d->keys->message_ids->len == 0)
		return TRUE;
	if (!commands_digest_obeyed (d->txn.store, d->config, d->message, d->keys->message_ids,
	                             d->commands, &digest, &obeyed, error))
		return FALSE;
	if (!digest)
		return TRUE;
	result->kind = CLASS_OTHER;
	d->in_thread = FALSE;
	g_clear_pointer (&d->thread_id, g_free);
	if (!obeyed) {
		d->hold = "a reply to a digest, without commands to obey";
		return TRUE;
	}
	d->hold = NULL;
	result->by_id = TRUE;
	hand_commands (d);
	return TRUE;
}

/* A reply, an auto-reply or a bounce in a thread joins it; then the replies
 * that came before this message join its thread. */
static gboolean
record_thread (Delivery *d, GError **error)
{
	DeliverResult *result = d->result;
	MessageClass kind = result->kind;
	const char *joined;

	if (!record_commands (d, error))
		return FALSE;
	if (result->commands != NULL && result->commands->only && !result->by_id &&
	    d->thread_id != NULL) {
		if (!commands_join (&d->txn, d->thread_id, d->message_row, error))
			return FALSE;
		result->statement_id = g_strdup (d->thread_id);
	} else if (d->in_thread &&
	           (kind == CLASS_REPLY || kind == CLASS_AUTO_REPLY || kind == CLASS_BOUNCE)) {
		if (!threading_join (&d->txn, d->config, d->thread_id, d->message, d->message_row, kind,
		                     d->received, d->now, &result->outbox, error))
			return FALSE;
		result->statement_id = g_strdup (d->thread_id);
	}
	if (result->conflict || d->message->message_id == NULL || kind == CLASS_LOOP)
		return TRUE;
	joined = kind != CLASS_STATEMENT ? (d->in_thread ? d->thread_id : NULL)
		: d->same_as != NULL ? d->same_as : d->statement->id;
	return joined == NULL ||
		threading_adopt_orphans (d->txn.store, d->config, joined, d->message->message_id,
		                         d->received, error);
}

/* A held message that is no statement (not one, a conflict, too large)
 * gets a handle and triage hears of it: nothing vanishes. A conflict
 * notice, when one went, is its notice. One that answers our notice of a
 * held message joins that one's thread instead. */
/* An answer to the notice of a held message: its commands (promote,
 * route, dismiss ...), from triage or a manager, go to the caller. */
static gboolean
held_commands (Delivery *d, GError **error)
{
	gboolean notice = FALSE, summary = FALSE;

	if (d->commands == NULL || d->commands->commands->len == 0 ||
	    mail_commands_any_decision (d->commands) || !commands_triage_obeyed (d->config, d->message))
		return TRUE;
	if (!commands_names_ours (d->txn.store, d->keys->message_ids, d->result->statement_id, "held",
	                          &notice, error))
		return FALSE;
	if (notice) {
		hand_commands (d);
		return TRUE;
	}
	/* The daily summary names many: each line names its held message
	 * ("HM-2026-0005 dismiss"), as in a reply to a digest. */
	if (!commands_names_ours (d->txn.store, d->keys->message_ids, NULL, "held-summary", &summary,
	                          error))
		return FALSE;
	if (summary && mail_commands_all_named (d->commands)) {
		d->result->by_id = TRUE;
		hand_commands (d);
	}
	return TRUE;
}

static gboolean
record_held (Delivery *d, GError **error)
{
	DeliverResult *result = d->result;
	guint before = result->outbox != NULL ? result->outbox->len : 0;

	if (result->conflict && !conflict_notify (&d->txn, d->config, d->message, d->message_row,
	                                          d->now, &result->outbox, error))
		return FALSE;
	switch (result->kind) {
	case CLASS_LOOP:
	case CLASS_BOUNCE:
	case CLASS_AUTO_REPLY:
		return TRUE;
	default:
		break;
	}
	if (d->hold == NULL || (result->kind == CLASS_STATEMENT && !result->conflict))
		return TRUE;
	g_clear_pointer (&result->statement_id, g_free);
	if (result->kind == CLASS_OTHER && !result->conflict) {
		if (!held_join_notice (&d->txn, d->message, d->message_row, d->keys->message_ids,
		                       d->received, &result->statement_id, error))
			return FALSE;
		if (result->statement_id != NULL) {
			d->hold = NULL;
			return held_commands (d, error);
		}
	}
	result->created = TRUE;
	return held_record (&d->txn, d->config, d->message, d->message_row, d->hold,
	                    result->outbox != NULL && result->outbox->len > before, d->received,
	                    d->now, d->replay_id, &result->outbox, &result->statement_id, error);
}

/* Who submitted it: the shell user (`submit --by`), or its From. */
static const char *
submitter (const Delivery *d)
{
	if (d->cli != NULL && d->cli->by != NULL)
		return d->cli->by;
	return d->message->from != NULL ? d->message->from : "(unknown sender)";
}

/* A submission that passed: an outgoing statement, pending approval (its
 * request queued to the approvers) or approved already (sent). */
static gboolean
record_submission (Delivery *d, GError **error)
{
	Statement *statement = d->statement;
	DeliverResult *result = d->result;
	Store *store = d->txn.store;
	g_autofree char *detail = NULL, *approved = NULL;

	if (!attachments_record (&d->txn, d->message, statement, error))
		return FALSE;
	statement->state = d->approved ? STATE_OPEN : STATE_PENDING_APPROVAL;
	g_free (statement->received);
	statement->received = g_strdup (d->received);
	g_free (statement->message_id);
	statement->message_id = g_strdup (d->message->message_id);
	g_free (statement->id);
	statement->id = g_strdup (d->replay_id);
	if (!store_add_statement (store, statement, d->message_row, d->config->id_prefix, error))
		return FALSE;
	result->statement_id = g_strdup (statement->id);
	result->created = TRUE;
	detail = g_strdup_printf ("outgoing statement submitted by %s%s", submitter (d),
	                          d->cli != NULL ? " (liaison submit)" : " (by mail)");
	if (!store_add_event (store, statement->id, d->received, "submitted", detail, error) ||
	    (d->label_ignored != NULL &&
	     !store_add_event (store, statement->id, d->received, "approval-needed", d->label_ignored,
	                       error)))
		return FALSE;
	if (!d->approved)
		return submit_queue_request (&d->txn, d->config, statement, submitter (d),
		                             d->message->message_id, d->now, &result->outbox, error);
	approved = g_strdup_printf ("approved by %s (%s)", submitter (d),
	                            d->cli != NULL ? "submit --approved" : "Approved: yes");
	return store_add_event (store, statement->id, d->received, "approved", approved, error) &&
	       submit_queue_send (&d->txn, d->config, statement, d->message_row,
	                          d->message->raw_sha256, d->now, &result->outbox, error);
}

/* A refused submission, held as a message: its sender hears why, once,
 * within the auto-reply limit. */
static gboolean
record_refusal (Delivery *d, GError **error)
{
	const Message *m = d->message;
	const char *handle = d->result->statement_id;
	g_autofree char *subject = NULL, *text = NULL;

	if (handle == NULL || d->cli != NULL)
		return TRUE;
	subject = g_strdup_printf ("Re: %s", m->subject != NULL ? m->subject : "your submission");
	text = g_strdup_printf ("Your message to %s was not recorded as an outgoing liaison "
	                        "statement:\n\n    %s\n\nIt is kept as %s for the liaison "
	                        "coordinators. A submission is a message from a chair or AD of\n"
	                        "the group, or a liaison manager, with the statement in the "
	                        "Datatracker label layout\n(Title:, From Group:, To Group:, "
	                        "Purpose:, Deadline:, Body:) and its documents attached.\n",
	                        d->config->address, d->hold, handle);
	return submit_queue_notice (&d->txn, d->config, handle, m->from, "refusal",
	                            m->raw_sha256, m->message_id, subject, text, TRUE, d->now,
	                            &d->result->outbox, NULL, error);
}

/* Everything the message causes, written inside the transaction. */
static gboolean
record (Delivery *d, GError **error)
{
	DeliverResult *result = d->result;

	if (!record_message (d, error) || !record_held (d, error))
		return FALSE;
	if (d->refused && !result->conflict && !record_refusal (d, error))
		return FALSE;
	if (d->submit && !d->refused && result->kind == CLASS_STATEMENT && !result->conflict) {
		if (!record_submission (d, error))
			return FALSE;
	} else if (result->kind == CLASS_STATEMENT && !result->conflict &&
	           !(d->same_as != NULL ? record_copy (d, error) : record_statement (d, error))) {
		return FALSE;
	}
	if (result->kind == CLASS_BOUNCE && !result->conflict &&
	    !bounces_record (&d->txn, d->config, d->message, d->message_row, d->received,
	                     &result->outbox, &result->bounced_routes, error))
		return FALSE;
	if (!record_thread (d, error))
		return FALSE;
	result->hold_reason = g_strdup (d->hold);
	return TRUE;
}

/* The journal's line of the arrival, written before the commit, with the
 * id or handle it got (none for a copy, a reply, a loop...). */
static gboolean
journal (Delivery *d, GError **error)
{
	const Message *m = d->message;
	JournalArrival a = {
		d->received, d->now, m->raw_sha256, m->dedupe_hash, m->message_id, m->sender,
		m->recipient, m->extension, m->oversized,
		d->result->created ? d->result->statement_id : NULL,
	};

	/* `submit` from the shell is an action: its message is ours, and
	 * the journal says who submitted it, with what (cmd/rebuild.c). */
	if (d->cli != NULL) {
		const char *args[] = { m->raw_sha256, d->cli->approved ? "approved" : "", NULL };

		return journal_action (d->txn.store, "submit", d->result->statement_id, args,
		                       d->cli->by, d->received, error);
	}
	return journal_arrival (d->txn.store, &a, error);
}

/* The spool's files of one delivery (the raw message, its attachments,
 * its documents' text, the mail it queued) are linked into place without
 * a sync each, and made durable together by spool_defer_sync(): one
 * syncfs() where it reports errors, else each file and each directory
 * once. That comes before the journal's line that names them and the
 * COMMIT, as SPEC §2 requires. @own_sync is FALSE inside a batch
 * (reinject), whose end does it. */
static gboolean
sync_spool (gboolean own_sync, GError **error)
{
	return !own_sync || spool_defer_sync (error);
}

static gboolean
deliver_deferred (Store *store, const Config *config, Message *message, const char *received,
                  const char *now, const char *replay_id, const DeliverSubmit *cli,
                  gboolean own_sync, DeliverResult *result, GError **error)
{
	g_auto (Delivery) d = { config, message, received, now, result, TXN_INIT };

	d.replay_id = replay_id;
	d.cli = cli;
	/* The documents' text, read in limited children (or recorded by an
	 * earlier try) before the pure steps read it. */
	d.notes = g_ptr_array_new_with_free_func (g_free);
	if (!documents_read (config, message, d.notes, error))
		return FALSE;
	understand (&d);

	/* The recording part, under the write lock. */
	if (!txn_begin (&d.txn, store, config->spool, error))
		return FALSE;
	if (!store_message_seen (store, message->message_id, message->dedupe_hash, &d.seen, error))
		goto fail;
	if (d.seen == STORE_SEEN_DUPLICATE) {
		txn_rollback (&d.txn);
		result->duplicate = TRUE;
		return TRUE;
	}
	if (place (&d, error) && place_digest_commands (&d, error) && record (&d, error) &&
	    sync_spool (own_sync, error) &&
	    journal (&d, error)) {
		gboolean committed;

		/* Once committed, the message is recorded: a time limit or a
		 * signal after this must say so (guard_recorded()). */
		guard_block ();
		committed = txn_commit (&d.txn, error);
		if (committed)
			guard_recorded ();
		guard_unblock ();
		if (committed)
			return TRUE;
	}

fail:
	txn_rollback (&d.txn);
	deliver_result_clear (result);
	return FALSE;
}

static gboolean
deliver (Store *store, const Config *config, Message *message, const char *received,
         const char *now, const char *replay_id, const DeliverSubmit *cli, DeliverResult *result,
         GError **error)
{
	gboolean own_sync = !spool_deferring ();
	gboolean ok;

	if (own_sync)
		spool_defer_begin ();
	ok = deliver_deferred (store, config, message, received, now, replay_id, cli, own_sync,
	                       result, error);
	if (own_sync)
		spool_defer_end ();
	return ok;
}

gboolean
deliver_message_at (Store *store, const Config *config, Message *message, const char *received,
                    const char *now, DeliverResult *result, GError **error)
{
	return deliver (store, config, message, received, now, NULL, NULL, result, error);
}

gboolean
deliver_replay (Store *store, const Config *config, Message *message, const char *received,
                const char *now, const char *id, DeliverResult *result, GError **error)
{
	return deliver (store, config, message, received, now, id, NULL, result, error);
}

gboolean
deliver_message (Store *store, const Config *config, Message *message,
                 const char *now, DeliverResult *result, GError **error)
{
	return deliver_message_at (store, config, message, now, now, result, error);
}

gboolean
deliver_route (Store *store, const Config *config, const char *key, GPtrArray *groups,
               const char *by, const char *now, DeliverResult *result, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autoptr (GPtrArray) args = g_ptr_array_new ();

	g_return_val_if_fail (groups != NULL && groups->len > 0, FALSE);

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	for (guint i = 0; i < groups->len; i++)
		g_ptr_array_add (args, g_ptr_array_index (groups, i));
	g_ptr_array_add (args, NULL);
	if (reroute_statement (&txn, config, key, groups, by, now, &result->outbox,
	                       &result->statement_id, error) &&
	    journal_action (store, "route", result->statement_id, (const char *const *) args->pdata,
	                    by, now, error) &&
	    txn_commit (&txn, error))
		return TRUE;
	txn_rollback (&txn);
	deliver_result_clear (result);
	return FALSE;
}

/* The journal's line of a promotion: the handle, and the fields and
 * groups as `promote` takes them (FIELD=VALUE), which action_promote()
 * reads back. */
static gboolean
journal_promote (Store *store, const char *handle, const Statement *fields, GPtrArray *groups,
                 const char *by, const char *now, GError **error)
{
	g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

	if (fields->title != NULL)
		g_ptr_array_add (args, g_strconcat ("title=", fields->title, NULL));
	if (fields->from_org != NULL)
		g_ptr_array_add (args, g_strconcat ("from=", fields->from_org, NULL));
	if (fields->purpose != PURPOSE_NONE)
		g_ptr_array_add (args, g_strconcat ("purpose=", purpose_to_string (fields->purpose),
		                                    NULL));
	if (fields->deadline != NULL)
		g_ptr_array_add (args, g_strconcat ("deadline=", fields->deadline, NULL));
	for (guint i = 0; i < groups->len; i++)
		g_ptr_array_add (args, g_strconcat ("to=", g_ptr_array_index (groups, i), NULL));
	g_ptr_array_add (args, NULL);
	return journal_action (store, "promote", handle, (const char *const *) args->pdata, by, now,
	                       error);
}

gboolean
deliver_promote (Store *store, const Config *config, const char *handle, const Statement *fields,
                 GPtrArray *groups, const char *by, const char *now, DeliverResult *result,
                 GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autofree char *id = NULL;

	g_return_val_if_fail (groups != NULL && groups->len > 0, FALSE);

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	/* A person checked the sender: it is routed as a statement that was
	 * held for its sender and routed by hand. */
	if (held_promote (&txn, config, handle, fields, by, now, &id, error) &&
	    reroute_statement (&txn, config, id, groups, by, now, &result->outbox,
	                       &result->statement_id, error) &&
	    journal_promote (store, handle, fields, groups, by, now, error) &&
	    txn_commit (&txn, error))
		return TRUE;
	txn_rollback (&txn);
	deliver_result_clear (result);
	return FALSE;
}

gboolean
deliver_dismiss (Store *store, const Config *config, const char *key, const char *by,
                 const char *now, DeliverResult *result, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	if (held_dismiss (&txn, key, by, now, &result->statement_id, error) &&
	    journal_action (store, "dismiss", result->statement_id, NULL, by, now, error) &&
	    txn_commit (&txn, error))
		return TRUE;
	txn_rollback (&txn);
	deliver_result_clear (result);
	return FALSE;
}

gboolean
deliver_held_summary (Store *store, const Config *config, const char *now, GArray **outbox,
                      guint *count, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autofree char *carrier = NULL, *named = NULL;

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	if (held_queue_summary (&txn, config, now, outbox, count, &carrier, error)) {
		const char *args[] = { named = g_strdup_printf ("%u", *count), NULL };

		/* Journaled (with how many it names), so that `rebuild`
		 * queues it again, at its time, rather than leave it pending. */
		if ((*count == 0 ||
		     journal_action (store, "held-summary", carrier, args, "remind", now, error)) &&
		    txn_commit (&txn, error))
			return TRUE;
	}
	txn_rollback (&txn);
	g_clear_pointer (outbox, g_array_unref);
	*count = 0;
	return FALSE;
}

gboolean
deliver_edit (Store *store, const Config *config, const char *key, const Edit *edit,
              const char *by, const char *note, const char *now, DeliverResult *result,
              GError **error)
{
	g_auto (Txn) txn = TXN_INIT;

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	if (edit_statement (&txn, config, key, edit, by, note, now, &result->outbox,
	                    &result->statement_id, error)) {
		/* Journaled as FIELD=VALUE... and the note last, "note=TEXT",
		 * so that `rebuild` edits it again (edit_parse() reads them). */
		g_autoptr (GPtrArray) args = edit_to_args (edit);
		g_autofree char *note_arg = note != NULL ? g_strconcat ("note=", note, NULL) : NULL;

		if (note_arg != NULL)
			g_ptr_array_insert (args, (gint) args->len - 1, g_strdup (note_arg));
		if (journal_action (store, "edit", result->statement_id,
		                    (const char *const *) args->pdata, by, now, error) &&
		    txn_commit (&txn, error))
			return TRUE;
	}
	txn_rollback (&txn);
	deliver_result_clear (result);
	return FALSE;
}

gboolean
deliver_purge (Store *store, const Config *config, const char *key, const char *reason,
               const char *by, const char *now, DeliverResult *result, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autoptr (GPtrArray) unused = g_ptr_array_new_with_free_func (g_free);

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	if (!purge_statement (&txn, key, reason, by, now, unused, &result->statement_id, error) ||
	    !journal_action (store, "purge", result->statement_id,
	                     (const char *const[]) { reason, NULL }, by, now, error) ||
	    !txn_commit (&txn, error)) {
		txn_rollback (&txn);
		deliver_result_clear (result);
		return FALSE;
	}
	/* The rows say purged: the files go after the commit, so that a
	 * failure leaves a file too many, never a row without its file. */
	for (guint i = 0; i < unused->len; i++) {
		g_auto (GStrv) parts = g_strsplit (g_ptr_array_index (unused, i), "/", 2);

		if (parts[0] == NULL || parts[1] == NULL)
			continue;
		spool_remove (config->spool, parts[0], parts[1]);
		/* An attachment's text, as its reader gave it, is its content
		 * too (doctext.h). */
		if (strcmp (parts[0], "att") == 0)
			spool_remove (config->spool, "text", parts[1]);
	}
	return TRUE;
}

gboolean
deliver_submit (Store *store, const Config *config, Message *message, const DeliverSubmit *cli,
                const char *now, const char *replay_id, DeliverResult *result, GError **error)
{
	g_return_val_if_fail (cli != NULL, FALSE);

	return deliver (store, config, message, now, now, replay_id, cli, result, error);
}

/* The statement @key, which must be waiting for approval, read inside
 * @txn. */
static Statement *
pending_statement (Txn *txn, const char *key, GError **error)
{
	g_autoptr (Statement) statement = store_get_statement (txn->store, key, error);

	if (statement == NULL)
		return NULL;
	if (statement->state != STATE_PENDING_APPROVAL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "%s is %s, not waiting for approval", statement->id,
		             state_to_string (statement->state));
		return NULL;
	}
	return g_steal_pointer (&statement);
}

gboolean
deliver_approve (Store *store, const Config *config, const char *key, const char *by,
                 const char *now, DeliverResult *result, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autoptr (Statement) statement = NULL;
	g_autofree char *raw = NULL, *detail = NULL;
	gint64 row = 0;

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	statement = pending_statement (&txn, key, error);
	if (statement == NULL)
		goto fail;
	statement->state = STATE_OPEN;
	detail = g_strdup_printf ("approved by %s", by != NULL ? by : "unknown");
	if (store_statement_message (store, statement->id, &row, &raw, error) &&
	    store_set_state (store, statement->id, "open", -1, now, "approved", detail, error) &&
	    submit_queue_send (&txn, config, statement, row, raw, now, &result->outbox, error) &&
	    journal_action (store, "approve", statement->id, NULL, by, now, error) &&
	    txn_commit (&txn, error)) {
		result->statement_id = g_strdup (statement->id);
		return TRUE;
	}
fail:
	txn_rollback (&txn);
	deliver_result_clear (result);
	return FALSE;
}

/* The submitter of @statement, to tell of its rejection: the From of its
 * message. */
static const char *
statement_submitter (const Statement *statement)
{
	return thread_original_from (statement);
}

gboolean
deliver_reject (Store *store, const Config *config, const char *key, const char *reason,
                const char *by, const char *now, DeliverResult *result, GError **error)
{
	g_auto (Txn) txn = TXN_INIT;
	g_autoptr (Statement) statement = NULL;
	g_autofree char *detail = NULL, *subject = NULL, *text = NULL;
	const char *args[] = { reason, NULL };

	g_return_val_if_fail (reason != NULL, FALSE);

	if (!txn_begin (&txn, store, config->spool, error))
		return FALSE;
	statement = pending_statement (&txn, key, error);
	if (statement == NULL)
		goto fail;
	detail = g_strdup_printf ("rejected by %s: %s", by != NULL ? by : "unknown", reason);
	subject = g_strdup_printf ("[%s] Rejected: %s", statement->id,
	                           statement->title != NULL ? statement->title : "");
	text = g_strdup_printf ("The outgoing statement %s (%s) was not approved, and will not be "
	                        "sent.\n\nRejected by %s:\n\n    %s\n", statement->id,
	                        statement->title != NULL ? statement->title : "",
	                        by != NULL ? by : "unknown", reason);
	if (store_set_state (store, statement->id, "dismissed", -1, now, "rejected", detail, error) &&
	    submit_queue_notice (&txn, config, statement->id, statement_submitter (statement),
	                         "rejection", statement->id, statement->message_id, subject, text,
	                         FALSE, now, &result->outbox, NULL, error) &&
	    journal_action (store, "reject", statement->id, args, by, now, error) &&
	    txn_commit (&txn, error)) {
		result->statement_id = g_strdup (statement->id);
		return TRUE;
	}
fail:
	txn_rollback (&txn);
	deliver_result_clear (result);
	return FALSE;
}
