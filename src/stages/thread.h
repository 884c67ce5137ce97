/* thread.h: which statement a message belongs to (SPEC §7), the pure half.
 * thread_keys_new() collects what the message offers, in SPEC order; the
 * store looks the keys up; thread_side() says whether a sender speaks for
 * the receiving side (our groups and managers) or the sending side; the
 * thread policy says whether a message is in the thread it names, its role
 * there, whether a reply may change the statement (thread_reply_refused())
 * and what the role does to the statement (the caller records it). */
#ifndef LIAISON_THREAD_H
#define LIAISON_THREAD_H

#include "base/conf.h"
#include "input/message.h"
#include "base/statement.h"

/* A hostile message may name thousands of Message-IDs: the lookups stop
 * here. */
#define THREAD_MAX_REFERENCES 64

typedef struct {
	GPtrArray *message_ids;   /* char*: In-Reply-To, then References
	                           * nearest first; never the message's own
	                           * Message-ID; at most THREAD_MAX_REFERENCES */
	GPtrArray *tags;          /* char*: statement ids in a subject tag "[LS-2026-0007]" */
	GPtrArray *text_ids;      /* char*: statement ids named in the text */
	GPtrArray *urls;          /* char*: Datatracker liaison URLs in the text,
	                           * normalised "https://datatracker.ietf.org/liaison/N/" */
	GPtrArray *responds_to;   /* char*: for a response statement, what its
	                           * references name: ids, URLs, then titles */
} ThreadKeys;

/* The keys of @message. @statement is what extraction found in it (may be
 * NULL); its references become responds_to. Ids are upper case. */
ThreadKeys *thread_keys_new (const Message *message, const Statement *statement, const char *id_prefix);
void thread_keys_free (ThreadKeys *keys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThreadKeys, thread_keys_free)

/* Statement ids ("LS-2026-0007", upper case) and Datatracker liaison URLs
 * found in @text, appended without duplicates. */
void thread_find_ids (const char *text, const char *id_prefix, GPtrArray *ids);
void thread_find_urls (const char *text, GPtrArray *urls);

typedef enum {
	THREAD_SIDE_UNKNOWN,
	THREAD_SIDE_RECEIVING,    /* thread_receiving_person() */
	THREAD_SIDE_SENDING,      /* the original sender, a contact of the statement,
	                           * or an address in the sending organization's
	                           * domains: who it claims to be, not a proof
	                           * (authorize_sender() is, for a follow-up) */
} ThreadSide;

/* Whether @statement is the IETF's own: the organization it says it is
 * from ("From Group:", "From:") is one of our groups. The group, or NULL;
 * it belongs to @config. */
const Group *thread_own_group (const Config *config, const Statement *statement);

/* Whether @address (an addr-spec) speaks for the receiving side of
 * @thread: the list, a chair or an AD of one of its groups (the
 * directory's, never an address the statement names), a manager of its
 * organization; for the IETF's own statement (DIRECTION_OUTGOING), whose
 * receiving side is the peer, also a manager of a peer it went to or who
 * may submit for that peer (its authorized list, else its domains); or a
 * trusted relay ([liaison] trusted-relays) when @thread is the IETF's own
 * (thread_own_group(): its answers come through the Datatracker), or when
 * @statement, what the message itself carries (may be NULL), is the
 * IETF's own from one of @thread's groups. */
gboolean thread_receiving_person (const Config *config, const Statement *thread,
                                  const char *address, const Statement *statement);

/* Why a reply from @address (an addr-spec, may be NULL) may not mark
 * @thread replied and its action taken: it must come from
 * thread_receiving_person() (@statement as there), and @vouched
 * (authorize_from_vouched() of the message) must be TRUE. NULL when it
 * may; else a static sentence for the event. */
const char *thread_reply_refused (const Config *config, const Statement *thread,
                                  const char *address, gboolean vouched,
                                  const Statement *statement);

#define THREAD_REFUSED_OUTSIDER "the sender is not a list, chair or AD of the " \
	"statement's groups nor a manager of its organization"
#define THREAD_REFUSED_UNVOUCHED "our mail server does not vouch for the sender " \
	"(no DKIM or aligned SPF pass)"

/* Which side @address (an addr-spec) is on for @statement, whose original
 * message came from @original_sender (addr-spec, may be NULL). */
ThreadSide thread_side (const char *address, const Statement *statement,
                        const char *original_sender, const Config *config);

/* The side of @from (a From header or an addr-spec, may be NULL) for
 * @thread, whose statement message came from @original_from (a From
 * header, may be NULL: thread_original_from()). */
ThreadSide thread_sender_side (const char *from, const Statement *thread,
                               const char *original_from, const Config *config);

/* The From of the statement message among @thread's entries (the original
 * sender), or NULL. Borrowed from @thread. */
const char *thread_original_from (const Statement *thread);

/* How the thread of a message was found. */
typedef enum {
	THREAD_VIA_NONE,
	THREAD_VIA_MESSAGE_ID,   /* In-Reply-To or References */
	THREAD_VIA_TAG,          /* our subject tag */
	THREAD_VIA_TEXT,         /* the id or the Datatracker URL in the text */
} ThreadVia;

/* Whether the message is a message of the thread @thread_id (NULL: none
 * found, found @via) rather than a statement of its own. @statement is what
 * extraction found in it (may be NULL); @responds_to the statement a
 * response statement answers, or NULL. Statement content decides: a
 * response statement is a statement, and so is one that only names another
 * in its text; but content found in a message that answers one of the
 * thread's messages or carries our tag is the statement quoted in a reply. */
gboolean thread_is_member (const Statement *statement, const char *thread_id, ThreadVia via,
                           const char *responds_to);

typedef enum {
	THREAD_ROLE_REPLY,
	THREAD_ROLE_FOLLOW_UP,   /* from the sending side: forwarded when its
	                          * sender passes authorize_sender() */
	THREAD_ROLE_AUTO_REPLY,
	THREAD_ROLE_BOUNCE,
} ThreadRole;

/* "reply", "follow-up", "auto-reply", "bounce". A static string. */
const char *thread_role_to_string (ThreadRole role);

/* The role in its thread of a message of class @kind ("reply", "other",
 * "auto-reply", "bounce") whose sender is on @side: auto-replies and
 * bounces keep their class; from the sending side it is a follow-up, from
 * anyone else a reply. */
ThreadRole thread_role (const char *kind, ThreadSide side);

typedef enum {
	THREAD_EFFECT_NONE,      /* nothing to record */
	THREAD_EFFECT_EVENT,     /* an event on the statement */
	THREAD_EFFECT_REPLIED,   /* the statement's state (replied) and action
	                          * taken change, with an event */
} ThreadEffectKind;

/* What a message of the thread does to its statement. */
typedef struct {
	ThreadEffectKind kind;
	const char *state;       /* REPLIED: the new state, or NULL to leave it
	                          * (a closed statement stays closed) */
	const char *event;       /* the event's type, or NULL for NONE */
	char *detail;            /* the event's text, or NULL for NONE */
} ThreadEffect;

/* What the message @message_id (may be NULL) from @from (may be NULL) in
 * the role @role does to @thread. @refused is why the role's effect is
 * not allowed (for a reply, thread_reply_refused(); for a follow-up,
 * authorize_sender() or another reason not to forward it), or NULL when it
 * is. An allowed reply marks the statement replied and its action taken;
 * a refused one, and any follow-up, is an event only, which says whether
 * the follow-up was forwarded or why not; auto-replies and bounces change
 * nothing. @note (may be NULL) ends the event's text. Free with
 * thread_effect_free(). */
ThreadEffect *thread_effect_new (const Statement *thread, ThreadRole role, const char *refused,
                                 const char *from, const char *message_id, const char *note);
void thread_effect_free (ThreadEffect *effect);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThreadEffect, thread_effect_free)

/* Adds to @statement the relation "responds-to" @responds_to, unless it
 * names that statement already (in any relation). */
void thread_relate (Statement *statement, const char *responds_to);

#endif
