/* thread.h: which statement a message belongs to (SPEC §7), the pure half.
 * thread_keys_new() collects what the message offers, in SPEC order; the
 * store looks the keys up; thread_side() says whether a sender speaks for
 * the receiving side (our groups and managers) or the sending side. */
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
	THREAD_SIDE_RECEIVING,    /* a list, chair or AD of the statement's groups, or a manager */
	THREAD_SIDE_SENDING,      /* the original sender, a contact of the statement,
	                           * or an address in the sending organization's domains */
} ThreadSide;

/* Which side @address (an addr-spec) is on for @statement, whose original
 * message came from @original_sender (addr-spec, may be NULL). */
ThreadSide thread_side (const char *address, const Statement *statement,
                        const char *original_sender, const Config *config);

#endif
