/* hash.h: SHA-256 for the spool's content addresses and the dedupe key,
 * with nettle, whose code is 3 to 4 times faster than GLib's GChecksum on
 * this machine (and already loaded: GnuTLS, under GMime, links it). A
 * delivery hashes every byte of a message several times over (the raw
 * message, its dedupe key, each decoded attachment, each outgoing
 * message), so this was a quarter of its instructions. */
#ifndef LIAISON_HASH_H
#define LIAISON_HASH_H

#include <glib.h>
#include <gmime/gmime.h>

typedef struct Hash Hash;

Hash *hash_new (void);
void hash_free (Hash *sum);
void hash_update (Hash *sum, const void *data, gsize len);
void hash_reset (Hash *sum);
/* The digest so far in lower-case hex; newly allocated. The sum can go on
 * being updated. */
char *hash_hex (const Hash *sum);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Hash, hash_free)

/* A GMime filter that passes its input through unchanged and hashes it,
 * in place of g_mime_filter_checksum_new (G_CHECKSUM_SHA256). */
GMimeFilter *hash_filter_new (void);
/* The digest of what went through @filter, in hex; newly allocated. */
char *hash_filter_hex (GMimeFilter *filter);

#endif
