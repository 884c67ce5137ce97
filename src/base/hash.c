/* hash.c: SHA-256 with nettle, and as a GMime filter. */
#include "config.h"

#include <nettle/sha2.h>

#include "base/hash.h"

struct Hash {
	struct sha256_ctx ctx;
};

Hash *
hash_new (void)
{
	Hash *sum = g_new (Hash, 1);

	sha256_init (&sum->ctx);
	return sum;
}

void
hash_free (Hash *sum)
{
	g_free (sum);
}

void
hash_update (Hash *sum, const void *data, gsize len)
{
	sha256_update (&sum->ctx, len, data);
}

void
hash_reset (Hash *sum)
{
	sha256_init (&sum->ctx);
}

char *
hash_hex (const Hash *sum)
{
	/* sha256_digest() resets its context: digest a copy. */
	struct sha256_ctx copy = sum->ctx;
	guint8 digest[SHA256_DIGEST_SIZE];
	char *hex = g_malloc (2 * SHA256_DIGEST_SIZE + 1);
	static const char digits[] = "0123456789abcdef";

	sha256_digest (&copy, sizeof digest, digest);
	for (gsize i = 0; i < sizeof digest; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xf];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
	return hex;
}

/* ---------------------------------------------------------------------- */
/* The filter */

typedef struct {
	GMimeFilter parent;
	struct sha256_ctx ctx;
} HashFilter;

typedef struct {
	GMimeFilterClass parent_class;
} HashFilterClass;

static GType hash_filter_get_type (void);

G_DEFINE_TYPE (HashFilter, hash_filter, GMIME_TYPE_FILTER)

static GMimeFilter *
filter_copy (GMimeFilter *filter)
{
	HashFilter *copy = g_object_new (hash_filter_get_type (), NULL);

	copy->ctx = ((HashFilter *) filter)->ctx;
	return (GMimeFilter *) copy;
}

static void
filter_filter (GMimeFilter *filter, char *inbuf, size_t inlen, size_t prespace,
               char **outbuf, size_t *outlen, size_t *outprespace)
{
	sha256_update (&((HashFilter *) filter)->ctx, inlen, (const guint8 *) inbuf);
	*outbuf = inbuf;
	*outlen = inlen;
	*outprespace = prespace;
}

static void
filter_reset (GMimeFilter *filter)
{
	sha256_init (&((HashFilter *) filter)->ctx);
}

static void
hash_filter_class_init (HashFilterClass *klass)
{
	GMimeFilterClass *filter_class = GMIME_FILTER_CLASS (klass);

	filter_class->copy = filter_copy;
	filter_class->filter = filter_filter;
	filter_class->complete = filter_filter;
	filter_class->reset = filter_reset;
}

static void
hash_filter_init (HashFilter *filter)
{
	sha256_init (&filter->ctx);
}

GMimeFilter *
hash_filter_new (void)
{
	return g_object_new (hash_filter_get_type (), NULL);
}

char *
hash_filter_hex (GMimeFilter *filter)
{
	Hash sum;

	g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (filter, hash_filter_get_type ()), NULL);
	sum.ctx = ((HashFilter *) filter)->ctx;
	return hash_hex (&sum);
}
