/* transport.h: handing one outgoing message to the mail system. One
 * interface, one file per method under src/outbound/transport/: sendmail (a program
 * run with an argument vector), smtp (libetpan), maildir (writes instead of
 * sending: demos and tests). */
#ifndef LIAISON_TRANSPORT_H
#define LIAISON_TRANSPORT_H

#include <glib.h>

#include "base/conf.h"

typedef struct Transport Transport;

typedef struct {
	const char *name;
	/* See transport_send(). */
	gboolean (*send) (Transport *transport, const char *sender, GPtrArray *recipients,
	                  const char *path, guint timeout, GPtrArray *refused, GError **error);
	void (*free) (Transport *transport);
	/* Optional (NULL: each acceptance is final and durable on its own):
	 * see transport_group_begin() and transport_group_commit(). */
	void (*group_begin) (Transport *transport);
	gboolean (*group_commit) (Transport *transport, GError **error);
} TransportClass;

/* Each transport's struct begins with this. */
struct Transport {
	const TransportClass *klass;
};

/* The transport [delivery] method names. NULL with LIAISON_ERROR_CONFIG
 * when it cannot be set up (a maildir that cannot be created). */
Transport *transport_new (const Config *config, GError **error);
void transport_free (Transport *transport);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Transport, transport_free)

const char *transport_name (const Transport *transport);

/* Hands the message in the file @path (LF line ends) to the mail system
 * with the envelope sender @sender and @recipients (char* addr-specs, at
 * least one), giving up after @timeout seconds (0: a default).
 *
 * TRUE: the mail system accepted it; it must never be handed over again.
 * Recipients it refused for good are appended to @refused (may be NULL).
 * FALSE with LIAISON_ERROR_TRANSPORT: not accepted, try again later (the
 * program exited 75 or non-zero, timed out, the server said 4xx or could
 * not be reached). FALSE with LIAISON_ERROR_FAILED: refused for good (5xx
 * to the message or to every recipient); retrying will not help. */
gboolean transport_send (Transport *transport, const char *sender, GPtrArray *recipients,
                         const char *path, guint timeout, GPtrArray *refused, GError **error);

/* Groups of hand-overs. transport_groups(): whether the transport can
 * make several messages durable together (maildir: one sync of the files
 * and one of new/ instead of two fsyncs per message); sendmail and smtp
 * cannot (each message is acknowledged by its receiver on its own).
 * After transport_group_begin() (TRUE when it groups), a TRUE from
 * transport_send() means the message is staged, not yet accepted, until
 * transport_group_commit() returns TRUE for the whole group; if that
 * fails, no message of the group is accepted (what was staged is
 * withdrawn). Without a group, each acceptance is final on its own. */
gboolean transport_groups (const Transport *transport);
gboolean transport_group_begin (Transport *transport);
gboolean transport_group_commit (Transport *transport, GError **error);

/* The implementations (src/outbound/transport/METHOD.c). */
Transport *transport_sendmail_new (const char *program);
Transport *transport_smtp_new (const char *host, guint port);
Transport *transport_maildir_new (const char *directory, GError **error);

/* The default time limit of one hand-over, in seconds. */
#define TRANSPORT_DEFAULT_TIMEOUT 60

#endif
