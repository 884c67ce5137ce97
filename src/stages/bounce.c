/* bounce.c: what a bounce is about. A DSN (RFC 3464) names the failed
 * recipients in its message/delivery-status part and usually returns our
 * message or its headers; older bounces only quote them as text. */
#include "config.h"

#include <string.h>

#include "stages/bounce.h"
#include "base/gmime-util.h"
#include "base/statement.h"
#include "base/util.h"

/* Bounces are small; a part larger than this is not read for its text. */
#define MAX_PART_TEXT (1024 * 1024)

/* Adds @value to @out unless it is empty or there already (byte for
 * byte: a Message-ID's local part is case-sensitive). */
static void
add_found (GPtrArray *out, const char *value)
{
	if (value != NULL && *value != '\0')
		util_add_unique (out, value, FALSE);
}

/* The decoded content of @part as text (no charset conversion: the fields
 * we look for are ASCII), or NULL when it is empty or too large. */
static char *
part_content (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	g_autoptr (GMimeStream) mem = NULL;
	GByteArray *bytes;

	if (content == NULL || g_mime_data_wrapper_get_stream (content) == NULL)
		return NULL;
	mem = g_mime_stream_mem_new ();
	if (g_mime_data_wrapper_write_to_stream (content, mem) < 0)
		return NULL;
	bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
	if (bytes == NULL || bytes->len == 0 || bytes->len > MAX_PART_TEXT)
		return NULL;
	return g_strndup ((const char *) bytes->data, bytes->len);
}

/* Header fields of @text (unfolded), in order: pairs of lower-case name and
 * trimmed value. A blank line ends a block; blocks are kept apart by a NULL
 * name, so that the per-recipient blocks of a DSN can be told apart. */
static GPtrArray *
header_fields (const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	GString *current = NULL;

	for (guint i = 0; ; i++) {
		const char *line = lines[i];
		g_autofree char *stripped = line != NULL ? g_strdup (line) : NULL;

		if (stripped != NULL)
			g_strdelimit (stripped, "\r", ' ');
		if (current != NULL && stripped != NULL && (stripped[0] == ' ' || stripped[0] == '\t')) {
			g_string_append (current, stripped);
			continue;
		}
		if (current != NULL) {
			char *colon = strchr (current->str, ':');
			if (colon != NULL) {
				*colon = '\0';
				g_ptr_array_add (out, g_ascii_strdown (g_strstrip (current->str), -1));
				g_ptr_array_add (out, g_strdup (g_strstrip (colon + 1)));
			}
			g_string_free (current, TRUE);
			current = NULL;
		}
		if (stripped == NULL)
			break;
		if (util_is_all_space (stripped)) {
			g_ptr_array_add (out, NULL);
			g_ptr_array_add (out, NULL);
			continue;
		}
		current = g_string_new (stripped);
	}
	return out;
}

/* "<abc@example.org>" or "abc@example.org" -> "abc@example.org". */
static char *
bare_id (const char *value)
{
	const char *lt = strchr (value, '<');
	const char *gt = lt != NULL ? strchr (lt, '>') : NULL;
	g_autofree char *id = lt != NULL && gt != NULL ? g_strndup (lt + 1, (gsize) (gt - lt - 1))
	                                               : g_strdup (value);

	return statement_clean_line (g_strstrip (id));
}

static void
ids_from_headers_text (const char *text, GPtrArray *out)
{
	g_autoptr (GPtrArray) fields = header_fields (text);

	for (guint i = 0; i + 1 < fields->len; i += 2) {
		const char *name = g_ptr_array_index (fields, i);
		if (g_strcmp0 (name, "message-id") == 0) {
			g_autofree char *id = bare_id (g_ptr_array_index (fields, i + 1));
			add_found (out, id);
		}
	}
}

typedef void (*PartFunc) (GMimeObject *obj, gpointer data);

/* Calls @func on every object under @obj, messages inside message/rfc822
 * parts included, to a sane depth. */
static void
walk (GMimeObject *obj, PartFunc func, gpointer data, int depth)
{
	if (obj == NULL || depth > 8)
		return;
	func (obj, data);
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
			walk (g_mime_multipart_get_part (mp, i), func, data, depth + 1);
	} else if (GMIME_IS_MESSAGE_PART (obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		if (inner != NULL)
			walk (g_mime_message_get_mime_part (inner), func, data, depth + 1);
	}
}

static void
collect_ids (GMimeObject *obj, gpointer data)
{
	GPtrArray *out = data;
	GMimeContentType *ct = g_mime_object_get_content_type (obj);

	if (GMIME_IS_MESSAGE_PART (obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		const char *id = inner != NULL ? g_mime_message_get_message_id (inner) : NULL;
		if (id != NULL) {
			g_autofree char *clean = statement_clean_line (id);
			add_found (out, clean);
		}
	} else if (GMIME_IS_PART (obj) && ct != NULL &&
	           g_mime_content_type_is_type (ct, "text", "rfc822-headers")) {
		g_autofree char *text = part_content (GMIME_PART (obj));
		if (text != NULL)
			ids_from_headers_text (text, out);
	}
}

/* collect_ids() of what was returned: the bounce's own headers and
 * text parts are left out. */
static void
collect_returned_ids (GMimeObject *obj, gpointer data)
{
	GMimeContentType *ct = g_mime_object_get_content_type (obj);

	if (GMIME_IS_MESSAGE_PART (obj) ||
	    (GMIME_IS_PART (obj) && ct != NULL &&
	     g_mime_content_type_is_type (ct, "text", "rfc822-headers")))
		collect_ids (obj, data);
	else if (GMIME_IS_PART (obj) && ct != NULL &&
	         g_mime_content_type_is_type (ct, "message", "global-headers")) {
		g_autofree char *text = part_content (GMIME_PART (obj));
		if (text != NULL)
			ids_from_headers_text (text, data);
	}
}

GPtrArray *
bounce_returned_ids (const Message *message)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

	g_return_val_if_fail (message != NULL, out);

	if (message->mime != NULL)
		walk (g_mime_message_get_mime_part (message->mime), collect_returned_ids, out, 0);
	return out;
}

/* A token is base32 (compose.c); anything else is nobody's. */
static char *
checked_token (const char *text, gssize len)
{
	g_autofree char *token = g_ascii_strdown (text, len);

	if (*token == '\0' || strspn (token, "abcdefghijklmnopqrstuvwxyz234567") != strlen (token))
		return NULL;
	return g_steal_pointer (&token);
}

char *
bounce_token (const Message *message, const char *our_address)
{
	const char *rcpt = message->recipient, *at, *our_at;
	gsize local;

	g_return_val_if_fail (message != NULL, NULL);

	if (message->extension != NULL && *message->extension != '\0')
		return g_str_has_prefix (message->extension, BOUNCE_TOKEN_PREFIX)
		       ? checked_token (message->extension + strlen (BOUNCE_TOKEN_PREFIX), -1) : NULL;
	if (rcpt == NULL || our_address == NULL)
		return NULL;
	at = strrchr (rcpt, '@');
	our_at = strrchr (our_address, '@');
	if (at == NULL || our_at == NULL || g_ascii_strcasecmp (at, our_at) != 0)
		return NULL;
	local = (gsize) (our_at - our_address);
	if ((gsize) (at - rcpt) <= local + 1 + strlen (BOUNCE_TOKEN_PREFIX) ||
	    g_ascii_strncasecmp (rcpt, our_address, local) != 0 || rcpt[local] != '+' ||
	    g_ascii_strncasecmp (rcpt + local + 1, BOUNCE_TOKEN_PREFIX, strlen (BOUNCE_TOKEN_PREFIX)) != 0)
		return NULL;
	rcpt += local + 1 + strlen (BOUNCE_TOKEN_PREFIX);
	return checked_token (rcpt, at - rcpt);
}

GPtrArray *
bounce_message_ids (const Message *message)
{
	GPtrArray *out;

	g_return_val_if_fail (message != NULL, NULL);

	out = message_references (message);
	if (message->mime != NULL)
		walk (g_mime_message_get_mime_part (message->mime), collect_ids, out, 0);
	return out;
}

/* "rfc822; Someone@Example.org" -> "someone@example.org". */
static char *
recipient_address (const char *value)
{
	const char *semi = strchr (value, ';');
	g_autofree char *addr = bare_id (semi != NULL ? semi + 1 : value);

	if (strchr (addr, '@') == NULL)
		return NULL;
	return g_ascii_strdown (addr, -1);
}

static void
failed_in_status (const char *text, GPtrArray *out)
{
	g_autoptr (GPtrArray) fields = header_fields (text);
	g_autofree char *final = NULL, *original = NULL;
	gboolean failed = FALSE;

	/* One extra NULL pair ends the last block. */
	g_ptr_array_add (fields, NULL);
	g_ptr_array_add (fields, NULL);
	for (guint i = 0; i + 1 < fields->len; i += 2) {
		const char *name = g_ptr_array_index (fields, i);
		const char *value = g_ptr_array_index (fields, i + 1);

		if (name == NULL) {
			if (failed) {
				g_autofree char *addr = recipient_address (final != NULL ? final
				                                           : original != NULL ? original : "");
				add_found (out, addr);
			}
			g_clear_pointer (&final, g_free);
			g_clear_pointer (&original, g_free);
			failed = FALSE;
		} else if (strcmp (name, "final-recipient") == 0) {
			g_free (final);
			final = g_strdup (value);
		} else if (strcmp (name, "original-recipient") == 0) {
			g_free (original);
			original = g_strdup (value);
		} else if (strcmp (name, "action") == 0) {
			failed = g_ascii_strncasecmp (value, "failed", 6) == 0;
		}
	}
}

typedef struct {
	GPtrArray *failed;
	gboolean is_dsn;
} FailedWalk;

static void
collect_failed (GMimeObject *obj, gpointer data)
{
	FailedWalk *walk_data = data;
	GMimeContentType *ct = g_mime_object_get_content_type (obj);
	g_autofree char *text = NULL;

	if (!GMIME_IS_PART (obj) || ct == NULL)
		return;
	if (!g_mime_content_type_is_type (ct, "message", "delivery-status") &&
	    !g_mime_content_type_is_type (ct, "message", "global-delivery-status"))
		return;
	walk_data->is_dsn = TRUE;
	text = part_content (GMIME_PART (obj));
	if (text != NULL)
		failed_in_status (text, walk_data->failed);
}

GPtrArray *
bounce_failed_recipients (const Message *message, gboolean *is_dsn)
{
	FailedWalk data = { g_ptr_array_new_with_free_func (g_free), FALSE };

	g_return_val_if_fail (message != NULL, data.failed);

	if (message->mime != NULL)
		walk (g_mime_message_get_mime_part (message->mime), collect_failed, &data, 0);
	if (is_dsn != NULL)
		*is_dsn = data.is_dsn;
	return data.failed;
}

static void
collect_text (GMimeObject *obj, gpointer data)
{
	GString *out = data;
	GMimeContentType *ct = g_mime_object_get_content_type (obj);
	g_autofree char *text = NULL;

	if (!GMIME_IS_PART (obj) || ct == NULL || !g_mime_content_type_is_type (ct, "text", "*"))
		return;
	text = part_content (GMIME_PART (obj));
	if (text != NULL && out->len < MAX_PART_TEXT) {
		g_autofree char *lower = g_ascii_strdown (text, -1);
		g_string_append (out, lower);
		g_string_append_c (out, '\n');
	}
}

char *
bounce_text (const Message *message)
{
	GString *out = g_string_new (NULL);

	g_return_val_if_fail (message != NULL, g_string_free (out, FALSE));

	if (message->mime != NULL)
		walk (g_mime_message_get_mime_part (message->mime), collect_text, out, 0);
	return g_string_free (out, FALSE);
}
