/* authorize.h: who may submit a statement (SPEC §6). An organization's
 * `authorized` list, and, with `[liaison] authserv-id`, the verdict of our
 * own mail server in its Authentication-Results header (RFC 8601). Pure: it
 * reads the parsed message and the configuration. */
#ifndef LIAISON_AUTHORIZE_H
#define LIAISON_AUTHORIZE_H

#include "base/conf.h"
#include "input/message.h"
#include "base/statement.h"

#define AUTHORIZE_UNAUTHENTICATED "unauthenticated sender"
#define AUTHORIZE_UNAUTHORIZED "unauthorized sender"

/* Why the sender of @message may not submit @statement (from_org
 * resolved): AUTHORIZE_UNAUTHENTICATED when config->authserv_id is set and
 * authorize_authenticated() says no; AUTHORIZE_UNAUTHORIZED when the
 * sending organization has an authorized list without the From address.
 * NULL when the sender may submit. A static string. */
const char *authorize_sender (const Config *config, const Statement *statement,
                              const Message *message);

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
