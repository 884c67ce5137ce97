/* pattern.c: compiled regular expressions, cached for the process. */
#include "config.h"

#include "base/pattern.h"

G_LOCK_DEFINE_STATIC (cache);
static GHashTable *cache;   /* "flags:pattern" -> GRegex */

GRegex *
pattern_regex (const char *pattern, GRegexCompileFlags flags)
{
	g_autofree char *key = NULL;
	GRegex *re;

	g_return_val_if_fail (pattern != NULL, NULL);
	/* Compiled to machine code (PCRE2's JIT): the same matches, several
	 * times faster on the long texts that extraction and resolution
	 * scan, for a compile cost once per pattern and process. */
	flags |= G_REGEX_OPTIMIZE;
	key = g_strdup_printf ("%x:%s", (unsigned) flags, pattern);
	G_LOCK (cache);
	if (cache == NULL)
		cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
		                               (GDestroyNotify) g_regex_unref);
	re = g_hash_table_lookup (cache, key);
	if (re == NULL) {
		re = g_regex_new (pattern, flags, 0, NULL);
		if (re != NULL)
			g_hash_table_insert (cache, g_steal_pointer (&key), re);
	}
	if (re != NULL)
		g_regex_ref (re);
	G_UNLOCK (cache);
	return re;
}
