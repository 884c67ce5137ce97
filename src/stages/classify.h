/* classify.h: what a message is (SPEC §4 step 2). Pure: it looks at the
 * parsed message, the configuration, what extraction found, and whether the
 * message belongs to a known thread. */
#ifndef LIAISON_CLASSIFY_H
#define LIAISON_CLASSIFY_H

#include "base/conf.h"
#include "input/message.h"
#include "base/statement.h"

typedef enum {
	CLASS_STATEMENT,
	CLASS_REPLY,
	CLASS_BOUNCE,
	CLASS_AUTO_REPLY,
	CLASS_LOOP,
	CLASS_OTHER,
} MessageClass;

const char *message_class_to_string (MessageClass kind);

/* Classifies @message in SPEC order: loop, bounce, auto-reply (unless
 * @statement is non-NULL: statement content wins), reply (@in_thread),
 * statement (@statement non-NULL), other. */
MessageClass classify_message (const Message *message, const Config *config,
                               const Statement *statement, gboolean in_thread);

/* TRUE when the message asks not to be answered automatically (RFC 3834):
 * null or MAILER-DAEMON sender, Auto-Submitted other than "no",
 * Precedence bulk/junk/list, List-Id, owner- or -request senders. */
gboolean classify_is_automatic (const Message *message);

#endif
