/* test-hash.c: SHA-256 with nettle (src/base/hash.c) gives GLib's digests, in
 * one piece or many, after a reset, from a copy taken mid-way, and through
 * the GMime filter that the spool and the outbox write with. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/gmime-util.h"
#include "base/hash.h"

/* Deterministic bytes: every value, runs of CR LF, lengths not a multiple
 * of the 64-byte block. */
static guchar *
sample (gsize len)
{
	guchar *data = g_malloc (len);

	for (gsize i = 0; i < len; i++)
		data[i] = (guchar) ((i * 2654435761u) >> 13) ^ (i % 97 == 0 ? '\r' : 0);
	return data;
}

static const gsize lengths[] = { 0, 1, 55, 56, 63, 64, 65, 1000, 65537, 300001 };

static void
test_digest (void **state)
{
	(void) state;
	for (gsize i = 0; i < G_N_ELEMENTS (lengths); i++) {
		g_autofree guchar *data = sample (lengths[i]);
		g_autofree char *want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, lengths[i]);
		g_autoptr (Hash) whole = hash_new ();
		g_autoptr (Hash) pieces = hash_new ();
		g_autofree char *got = NULL, *got_pieces = NULL;
		gsize off = 0, step = 1;

		hash_update (whole, data, lengths[i]);
		got = hash_hex (whole);
		assert_string_equal (got, want);
		/* Pieces of 1, 2, 4, ... bytes. */
		while (off < lengths[i]) {
			gsize n = MIN (step, lengths[i] - off);
			hash_update (pieces, data + off, n);
			off += n;
			step *= 2;
		}
		got_pieces = hash_hex (pieces);
		assert_string_equal (got_pieces, want);
	}
}

static void
test_known (void **state)
{
	g_autoptr (Hash) sum = hash_new ();
	g_autofree char *empty = NULL, *abc = NULL;

	(void) state;
	empty = hash_hex (sum);
	assert_string_equal (empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hash_update (sum, "abc", 3);
	abc = hash_hex (sum);
	assert_string_equal (abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* hash_hex() leaves the sum going on; hash_reset() starts it again. */
static void
test_continue_and_reset (void **state)
{
	g_autoptr (Hash) sum = hash_new ();
	g_autofree char *first = NULL, *both = NULL, *again = NULL;
	g_autofree char *want_first = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "first", -1);
	g_autofree char *want_both = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "firstsecond", -1);
	g_autofree char *want_second = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "second", -1);

	(void) state;
	hash_update (sum, "first", 5);
	first = hash_hex (sum);
	assert_string_equal (first, want_first);
	hash_update (sum, "second", 6);
	both = hash_hex (sum);
	assert_string_equal (both, want_both);
	hash_reset (sum);
	hash_update (sum, "second", 6);
	again = hash_hex (sum);
	assert_string_equal (again, want_second);
}

/* Through a filtered stream, as spool_write_part() and outbox_write()
 * use it: the bytes pass unchanged, and the digest is theirs. */
static void
test_filter (void **state)
{
	gsize len = 300001;
	g_autofree guchar *data = sample (len);
	g_autofree char *want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
	g_autoptr (GMimeStream) mem = g_mime_stream_mem_new ();
	g_autoptr (GMimeStream) filtered = g_mime_stream_filter_new (mem);
	g_autoptr (GMimeFilter) filter = hash_filter_new ();
	g_autoptr (GMimeFilter) copy = NULL;
	g_autofree char *got = NULL, *got_copy = NULL;
	GByteArray *out;

	(void) state;
	g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
	for (gsize off = 0; off < len; off += 4096)
		assert_true (g_mime_stream_write (filtered, (const char *) data + off, MIN (4096, len - off)) >= 0);
	assert_int_equal (g_mime_stream_flush (filtered), 0);
	got = hash_filter_hex (filter);
	assert_string_equal (got, want);
	out = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
	assert_int_equal (out->len, len);
	assert_memory_equal (out->data, data, len);
	copy = g_mime_filter_copy (filter);
	got_copy = hash_filter_hex (copy);
	assert_string_equal (got_copy, want);
	g_mime_filter_reset (filter);
	g_clear_pointer (&got, g_free);
	got = hash_filter_hex (filter);
	assert_string_equal (got, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_digest),
		cmocka_unit_test (test_known),
		cmocka_unit_test (test_continue_and_reset),
		cmocka_unit_test (test_filter),
	};

	gmime_util_init ();
	return cmocka_run_group_tests (tests, NULL, NULL);
}
