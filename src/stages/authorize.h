/* authorize.h: who may submit a statement (SPEC §6), and who may get an
 * automatic answer. The directory (an organization's domains, its
 * `authorized` list, `senders = any`, the trusted relays), the envelope
 * sender, and, with `[liaison] authserv-id`, the verdict of our own mail
 * server in its Authentication-Results header (RFC 8601). Pure: it reads
 * the parsed message and the configuration. SECURITY.md tells the whole. */
#ifndef LIAISON_AUTHORIZE_H
#define LIAISON_AUTHORIZE_H

#include "base/conf.h"
#include "input/message.h"
#include "base/statement.h"

/* The reasons a sender may not submit, each the start of a hold reason. */
#define AUTHORIZE_UNKNOWN_ORG "unknown organization"
#define AUTHORIZE_OUTSIDE_DOMAINS "sender outside the organization's domains"
#define AUTHORIZE_UNAUTHORIZED "unauthorized sender"
#define AUTHORIZE_UNAUTHENTICATED "unauthenticated sender"
#define AUTHORIZE_ENVELOPE "envelope sender not aligned with From"

/* Why the sender of @message may not submit @statement (from_org
 * resolved), or NULL when it may. A static string, one of:
 *
 * AUTHORIZE_UNKNOWN_ORG: statement->from_org is not in the directory.
 *
 * For a message from a trusted relay (authorize_is_relay()), which checks
 * its own submitters, nothing more is asked of the organization named:
 * only that the relay is itself, AUTHORIZE_UNAUTHENTICATED when
 * config->authserv_id is set and our server shows no dkim=pass for the
 * relay's domain, AUTHORIZE_ENVELOPE when it is unset and an envelope
 * sender is given that is not aligned with the From.
 *
 * For direct mail, in this order: AUTHORIZE_UNAUTHORIZED when the
 * organization has an authorized list without the From address;
 * AUTHORIZE_OUTSIDE_DOMAINS when it has none, does not say `senders =
 * any`, and the From's domain is not one of its domains or a subdomain of
 * one; then, with config->authserv_id, AUTHORIZE_UNAUTHENTICATED unless the
 * topmost Authentication-Results of our server shows dkim=pass or
 * spf=pass for a domain aligned with the From's that is one of the
 * organization's (for an address on its authorized list, or under
 * `senders = any`, the From's own domain will do: the directory chose the
 * address, or anyone); without it, AUTHORIZE_ENVELOPE when an envelope
 * sender is given that is not aligned with the From. */
const char *authorize_sender (const Config *config, const Statement *statement,
                              const Message *message);

/* @reason (what authorize_sender() returned for @statement and
 * @message) with the sender and the rule it failed, for a hold reason and
 * its event: "sender outside the organization's domains:
 * tsb@evil.example is not in ITU-T SG15's domains (itu.int)". The
 * reason stays its prefix. Newly allocated. */
char *authorize_explain (const Config *config, const Statement *statement,
                         const Message *message, const char *reason);

/* Whether @reason (a hold reason, perhaps "REASON; other reasons") says
 * the sender failed authorize_sender(). */
gboolean authorize_is_sender_reason (const char *reason);

/* Why the From of @message, a trusted relay or an address the directory
 * names (a group's list, chair or AD), is not to be believed, or NULL
 * when it is: for a relay what authorize_sender() asks of one; for
 * anyone else, with config->authserv_id, AUTHORIZE_UNAUTHENTICATED
 * unless authorize_from_vouched(); without it, AUTHORIZE_ENVELOPE when
 * an envelope sender is given that is not aligned with the From. A
 * static string. */
const char *authorize_known_sender (const Config *config, const Message *message);

/* Whether the From of @message is one of config->trusted_relays. */
gboolean authorize_is_relay (const Config *config, const Message *message);

/* Where an automatic answer to @message (an acknowledgement) may go, once
 * its sender passed authorize_sender(): the envelope sender when one is
 * given and it is aligned with the From (with the From's display name
 * when it is the From's address); nobody when one is given that is not;
 * the From when none is given. Nobody for a trusted relay, for a From
 * that is not one plain mailbox, or, with config->authserv_id, for a From
 * our server does not vouch for. Newly allocated, or NULL. */
Address *authorize_reply_address (const Config *config, const Message *message);

/* Whether the domain of @address (an addr-spec) is one of @domains (lower
 * case) or a subdomain of one. */
gboolean authorize_in_domains (const char *address, const GPtrArray *domains);

/* Whether our own server vouches for the From of @message: TRUE when
 * config->authserv_id is unset (there is no verdict to read: the checks rest
 * on the addresses alone), else authorize_authenticated() on the message's
 * Authentication-Results headers and its From address. */
gboolean authorize_from_vouched (const Config *config, const Message *message);

/* Whether @results, the values of the message's Authentication-Results
 * headers from the top down, vouch for @from_address. Only the topmost
 * header whose authserv-id is @authserv_id counts (our server adds its own
 * on top; anything below it, even with the same id, came with the message
 * and may be forged). It vouches when it shows dkim=pass with a header.d
 * (or header.i) domain aligned with the domain of @from_address, or
 * spf=pass with an smtp.mailfrom domain aligned with it. Aligned: equal,
 * or one a subdomain of the other (DMARC's relaxed mode, without the
 * public suffix list). */
gboolean authorize_authenticated (const char *authserv_id, GPtrArray *results,
                                  const char *from_address);

#endif
