/* part-text.c: the decoded text of a text part, in UTF-8 (see
 * part-text.h). */
#include "config.h"

#include <string.h>

#include "input/part-text.h"
#include "base/gmime-util.h"
#include "base/statement.h"

/* How much text of one part we read for extraction. Statements are a few
 * pages; a 50 MB text part is not a statement. */
#define MAX_TEXT_BYTES (2 * 1024 * 1024)
#define CHUNK 65536

/* Charsets whose bytes can be valid UTF-8 without being UTF-8 text: the
 * 7-bit stateful ones (ISO-2022-JP writes its kanji as ASCII letters
 * between escape sequences) and UTF-7. Their text is always converted. */
static gboolean
is_seven_bit_stateful (const char *charset)
{
	return charset != NULL
	       && (g_ascii_strncasecmp (charset, "iso-2022-", 9) == 0
	           || g_ascii_strcasecmp (charset, "utf-7") == 0
	           || g_ascii_strcasecmp (charset, "hz-gb-2312") == 0);
}

/* Reads at most MAX_TEXT_BYTES of a text part through a decoding filter,
 * so that a huge part is never held whole. Bytes that are valid UTF-8 are
 * taken as such whatever the label says (mislabelled UTF-8 is common; real
 * Latin-1 text is almost never valid UTF-8), unless the label names a
 * 7-bit stateful charset; otherwise they are converted from the declared
 * charset, falling back to Windows-1252, unless the label says UTF-8. */
GMimeStream *
part_decoded_stream (GMimePart *part, GMimeStream **raw)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GMimeStream *encoded, *filtered;
	GMimeContentEncoding encoding;

	if (content == NULL || (encoded = g_mime_data_wrapper_get_stream (content)) == NULL)
		return NULL;
	g_mime_stream_reset (encoded);
	filtered = g_mime_stream_filter_new (encoded);
	encoding = g_mime_data_wrapper_get_encoding (content);
	if (encoding != GMIME_CONTENT_ENCODING_DEFAULT) {
		g_autoptr (GMimeFilter) decoder = g_mime_filter_basic_new (encoding, FALSE);
		if (decoder != NULL)
			g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), decoder);
	}
	if (raw != NULL)
		*raw = encoded;
	return filtered;
}

char *
part_text (GMimePart *part)
{
	g_autoptr (GMimeStream) filtered = part_decoded_stream (part, NULL);
	g_autoptr (GByteArray) bytes = g_byte_array_new ();
	g_autofree char *utf8 = NULL;
	const char *charset;
	char buf[CHUNK];
	ssize_t n;

	if (filtered == NULL)
		return g_strdup ("");
	while (bytes->len < MAX_TEXT_BYTES && (n = g_mime_stream_read (filtered, buf, sizeof buf)) > 0)
		g_byte_array_append (bytes, (const guint8 *) buf, (guint) MIN ((gsize) n, MAX_TEXT_BYTES - bytes->len));
	/* NUL bytes would end the string early: they become spaces. */
	for (guint i = 0; i < bytes->len; i++)
		if (bytes->data[i] == '\0')
			bytes->data[i] = ' ';
	g_byte_array_append (bytes, (const guint8 *) "", 1);

	charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
	if (charset != NULL)
		charset = g_mime_charset_canon_name (charset);
	/* Declared UTF-8 with bad bytes: statement_clean_text() replaces just
	 * the bad ones. */
	if (is_seven_bit_stateful (charset)
	    || (!g_utf8_validate ((const char *) bytes->data, -1, NULL)
	        && (charset == NULL || g_ascii_strcasecmp (charset, "utf-8") != 0))) {
		const char *from = charset ? g_mime_charset_iconv_name (charset) : "windows-1252";
		utf8 = g_convert_with_fallback ((const char *) bytes->data, -1, "UTF-8", from, "?", NULL, NULL, NULL);
		if (utf8 == NULL)
			utf8 = g_convert_with_fallback ((const char *) bytes->data, -1, "UTF-8", "windows-1252",
			                                "?", NULL, NULL, NULL);
	}
	return statement_clean_text (utf8 ? utf8 : (const char *) bytes->data);
}
