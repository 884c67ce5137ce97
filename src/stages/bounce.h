/* bounce.h: reading a delivery status notification (RFC 3464) or an older
 * bounce: which of our messages it is about, and which recipients failed.
 * Pure: it reads the parsed message. */
#ifndef LIAISON_BOUNCE_H
#define LIAISON_BOUNCE_H

#include "input/message.h"

/* The Message-IDs (without <>) the bounce names: its In-Reply-To and
 * References, and the Message-ID of a returned message (message/rfc822)
 * or of returned headers (text/rfc822-headers) at any depth. In order,
 * without duplicates. Newly allocated array of char*. */
GPtrArray *bounce_message_ids (const Message *message);

/* The Message-IDs (without <>) of what the bounce returns: of a returned
 * message (message/rfc822, message/global) or of returned headers
 * (text/rfc822-headers, message/global-headers), at any depth; not its
 * own In-Reply-To or References, which anyone writes. Newly allocated
 * array of char*. */
GPtrArray *bounce_returned_ids (const Message *message);

/* The extension of our VERP envelope senders: "statements+bounce-TOKEN@". */
#define BOUNCE_TOKEN_PREFIX "bounce-"

/* The VERP token the bounce was sent to: from the recipient extension
 * (-e, $EXTENSION) "bounce-TOKEN", else from the recipient
 * "LOCAL+bounce-TOKEN@DOMAIN" when LOCAL@DOMAIN is @our_address (case
 * aside). NULL when neither names one. Newly allocated. */
char *bounce_token (const Message *message, const char *our_address);

/* The recipients a DSN reports as failed: the Final-Recipient (else the
 * Original-Recipient) of each per-recipient block of a
 * message/delivery-status part whose Action is "failed". Lower-case
 * addr-specs, without duplicates. Newly allocated array of char*; empty
 * when the bounce is no DSN or names nobody. Sets *is_dsn (may be NULL)
 * when the message has a delivery-status part at all: then an empty
 * result means that nobody failed (a delay report). */
GPtrArray *bounce_failed_recipients (const Message *message, gboolean *is_dsn);

/* Every text of the bounce (its text parts and its returned headers),
 * joined, lower case: for looking for an address in an older,
 * free-form bounce. Newly allocated. */
char *bounce_text (const Message *message);

#endif
