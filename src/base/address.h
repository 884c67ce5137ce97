/* address.h: an RFC 5322 address split into its display name and its
 * addr-spec, as the directory (conf.h) and the route plan use it. Pure. */
#ifndef LIAISON_ADDRESS_H
#define LIAISON_ADDRESS_H

#include <glib.h>

/* An RFC 5322 address (a mailbox, in RFC 5322's words) split into its
 * parts. */
typedef struct {
	char *name;     /* display name, or NULL */
	char *address;  /* addr-spec, lower-cased domain */
} Address;

/* Parses one RFC 5322 mailbox ("Name <a@b>", "a@b", "a@b (Name)"). NULL when
 * it has no plausible addr-spec. */
Address *address_parse (const char *text);
Address *address_copy (const Address *mailbox);
void address_free (Address *mailbox);
/* "Name <addr>" or "addr"; newly allocated. */
char *address_format (const Address *mailbox);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Address, address_free)

/* TRUE when one of @mailboxes (Address*, may be NULL) has the addr-spec
 * @address, compared without regard to ASCII case. */
gboolean address_list_has (const GPtrArray *mailboxes, const char *address);

/* TRUE when @domain (lower case) is letters, digits, '-' and '.' (or
 * UTF-8, for IDN), and not empty: what an addr-spec's domain may be. */
gboolean address_domain_ok (const char *domain);

#endif
