/* compose.c: the forward, the acknowledgement and the held notice, built
 * with GMime's objects. Nothing from the incoming message is pasted into a
 * header: values pass through statement_clean_line() and then GMime's own
 * setters, which encode them (RFC 2047) and fold them; addresses come from
 * the directory, or from a mailbox that address_parse() accepted. */
#include "config.h"

#include <string.h>

#include "stages/bounce.h"
#include "stages/compose.h"
#include "base/gmime-util.h"

/* The domain of our address: the right-hand side of our Message-IDs. */
static const char *
our_domain (const Config *config)
{
	const char *at = config->address != NULL ? strrchr (config->address, '@') : NULL;

	return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

/* The keyed hash of @text: HMAC-SHA256 keyed with the spool's secret,
 * its first 130 bits in lower-case base32, 26 characters. Without the
 * secret nobody can compute it; with it, the same text always gives the
 * same hash, so that a rebuild reproduces our ids. */
static char *
keyed_hash (const Config *config, const char *text)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) config->secret,
	                                     strlen (config->secret));
	guint8 digest[32];
	gsize len = sizeof digest;
	char out[27];

	g_hmac_update (hmac, (const guchar *) text, -1);
	g_hmac_get_digest (hmac, digest, &len);
	for (int i = 0; i < 26; i++) {
		int bit = i * 5;
		guint pair = (guint) digest[bit / 8] << 8 | digest[bit / 8 + 1];

		out[i] = alphabet[(pair >> (11 - bit % 8)) & 31];
	}
	out[26] = '\0';
	return g_strdup (out);
}

/* "LS-2026-0007.HASH@example.org", HASH the keyed hash of the statement
 * id and @what ("forward", "follow-up-42", "remind-before-7"). */
static char *
keyed_id (const Config *config, const char *statement_id, const char *what)
{
	g_autofree char *text = g_strdup_printf ("message-id\n%s\n%s", statement_id, what);
	g_autofree char *hash = keyed_hash (config, text);

	return g_strdup_printf ("%s.%s@%s", statement_id, hash, our_domain (config));
}

char *
compose_message_id (const Config *config, const char *statement_id, RouteMessage message)
{
	g_return_val_if_fail (config != NULL && config->secret[0] != '\0', NULL);
	g_return_val_if_fail (statement_id != NULL, NULL);

	return keyed_id (config, statement_id, route_message_to_string (message));
}

char *
compose_numbered_id (const Config *config, const char *statement_id, const char *kind, gint64 n)
{
	g_autofree char *what = NULL;

	g_return_val_if_fail (config != NULL && config->secret[0] != '\0', NULL);
	g_return_val_if_fail (statement_id != NULL && kind != NULL, NULL);

	what = g_strdup_printf ("%s-%" G_GINT64_FORMAT, kind, n);
	return keyed_id (config, statement_id, what);
}

char *
compose_bounce_token (const Config *config, const char *message_id)
{
	g_autofree char *text = NULL;

	g_return_val_if_fail (config != NULL && config->secret[0] != '\0', NULL);
	g_return_val_if_fail (message_id != NULL, NULL);

	text = g_strdup_printf ("verp\n%s", message_id);
	return keyed_hash (config, text);
}

char *
compose_verp_address (const Config *config, const char *token)
{
	const char *at;

	g_return_val_if_fail (config != NULL && config->address != NULL && token != NULL, NULL);

	at = strrchr (config->address, '@');
	if (at == NULL)
		return g_strdup_printf ("%s+" BOUNCE_TOKEN_PREFIX "%s", config->address, token);
	return g_strdup_printf ("%.*s+" BOUNCE_TOKEN_PREFIX "%s%s", (int) (at - config->address),
	                        config->address, token, at);
}

char *
compose_bounce_address (const Config *config, const char *message_id)
{
	g_autofree char *token = compose_bounce_token (config, message_id);

	return token != NULL ? compose_verp_address (config, token) : NULL;
}

char *
compose_follow_up_subject (const char *statement_id, const char *subject, const char *title)
{
	g_autofree char *tag = g_strdup_printf ("[%s]", statement_id);
	const char *text = subject != NULL && *subject ? subject : title;

	if (text != NULL && strstr (text, tag) != NULL)
		return g_strdup (text);
	return g_strdup_printf ("%s %s", tag, text != NULL ? text : "");
}

char *
compose_follow_up_text (const Statement *thread, const char *from)
{
	g_autofree char *who = statement_clean_line (from);

	return g_strdup_printf ("A follow-up from %s in the thread of liaison statement %s,\n"
	                        "\"%s\".\nThe message is attached.\n", who, thread->id,
	                        thread->title != NULL ? thread->title : "");
}

/* TRUE when @id (without <>) can stand between angle brackets as it is:
 * printable ASCII without white space, brackets, quotes or backslashes.
 * message.c cleaned it of control characters, but a Message-ID is still
 * the sender's text. */
static gboolean
message_id_ok (const char *id)
{
	gsize len;

	if (id == NULL || *id == '\0')
		return FALSE;
	/* Folded onto a line of its own, " <id>" must fit in RFC 5322's 998
	 * characters; anything shorter is kept (a long id dropped would cut
	 * our forward from its thread). */
	len = strlen (id);
	if (len > 990)
		return FALSE;
	for (const char *p = id; *p; p++) {
		unsigned char c = (unsigned char) *p;
		if (c <= ' ' || c >= 0x7f || strchr ("<>\"\\()[],;", c) != NULL)
			return FALSE;
	}
	return TRUE;
}

static const char *
purpose_label (Purpose purpose)
{
	switch (purpose) {
	case PURPOSE_ACTION:
		return "For action";
	case PURPOSE_COMMENT:
		return "For comment";
	case PURPOSE_INFORMATION:
		return "For information";
	case PURPOSE_RESPONSE:
		return "In response";
	case PURPOSE_NONE:
		break;
	}
	return NULL;
}

/* Appends "Label: value\n" when @value has anything left after cleaning. */
static void
label (GString *out, const char *name, const char *value)
{
	g_autofree char *clean = statement_clean_line (value);

	if (*clean == '\0')
		return;
	g_string_append_printf (out, "%s%s%s\n", name, *name != '\0' ? " " : "", clean);
}

/* Appends "Label: a, b, c\n" for a list of values. */
static void
label_list (GString *out, const char *name, GPtrArray *values)
{
	g_autoptr (GString) joined = g_string_new (NULL);

	for (guint i = 0; values != NULL && i < values->len; i++) {
		g_autofree char *clean = statement_clean_line (g_ptr_array_index (values, i));
		if (*clean == '\0')
			continue;
		if (joined->len > 0)
			g_string_append (joined, ", ");
		g_string_append (joined, clean);
	}
	label (out, name, joined->str);
}

/* "Common Control and Measurement Plane (ccamp), Deterministic Networking
 * (detnet)": the resolved groups as the Datatracker's To Group: line writes
 * them; the destinations as written when none resolved. */
static char *
to_group_line (const Config *config, const Statement *statement)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; statement->groups != NULL && i < statement->groups->len; i++) {
		const char *key = g_ptr_array_index (statement->groups, i);
		const Group *group = config_find_group (config, key);

		if (out->len > 0)
			g_string_append (out, ", ");
		if (group != NULL && group->full_name != NULL)
			g_string_append_printf (out, "%s (%s)", group->full_name, group->name);
		else
			g_string_append (out, group != NULL ? group->name : key);
	}
	for (guint i = 0; out->len == 0 && statement->to_texts != NULL && i < statement->to_texts->len; i++) {
		if (i > 0)
			g_string_append (out, ", ");
		g_string_append (out, g_ptr_array_index (statement->to_texts, i));
	}
	return g_string_free (out, FALSE);
}

/* "178.9 KiB", with a plain space (GLib puts a no-break space there). */
static char *
format_size (gint64 size)
{
	g_autofree char *text = g_format_size_full ((guint64) MAX (size, 0), G_FORMAT_SIZE_IEC_UNITS);
	g_auto (GStrv) parts = g_strsplit (text, "\xc2\xa0", -1);

	return g_strjoinv (" ", parts);
}

char *
compose_summary (const Config *config, const Statement *statement)
{
	GString *out = g_string_new (NULL);
	g_autofree char *to_groups = NULL;
	g_autofree char *body = NULL;

	g_return_val_if_fail (config != NULL, NULL);
	g_return_val_if_fail (statement != NULL, NULL);

	label (out, "Title:", statement->title);
	label (out, "Submission Date:", statement->submitted);
	label (out, "URL of the IETF Web page:", statement->url);
	label (out, "Please reply by", statement->deadline);
	label (out, "From Group:", statement->from_org != NULL ? statement->from_org : statement->from_org_text);
	label (out, "From:", statement->from_contact);
	to_groups = to_group_line (config, statement);
	label (out, "To Group:", to_groups);
	label_list (out, "To:", statement->to_contacts);
	label_list (out, "Cc:", statement->cc);
	label_list (out, "Response Contacts:", statement->response_contacts);
	label_list (out, "Technical Contacts:", statement->technical_contacts);
	label (out, "Purpose:", purpose_label (statement->purpose));
	label_list (out, "Referenced liaison:", statement->references);
	label_list (out, "Other identifiers:", statement->other_identifiers);

	body = statement_clean_text (statement->body);
	g_strstrip (body);
	g_string_append_printf (out, "\nBody: %s\n", body);

	g_string_append (out, "Attachments:\n\n");
	if (statement->attachments == NULL || statement->attachments->len == 0) {
		g_string_append (out, "    No document has been attached\n");
	} else {
		for (guint i = 0; i < statement->attachments->len; i++) {
			const Attachment *a = g_ptr_array_index (statement->attachments, i);
			g_autofree char *name = statement_clean_line (a->filename);
			g_autofree char *type = statement_clean_line (a->content_type);
			g_autofree char *size = format_size (a->size);
			g_string_append_printf (out, "    %s (%s, %s)\n", name, type, size);
		}
	}
	return g_string_free (out, FALSE);
}

/* A MIME boundary that the sender of the original cannot know in advance:
 * a hash of the seed (the original's SHA-256), the statement id and the
 * kind of message. Deterministic, for the golden tests. */
static char *
boundary_for (const ComposeInput *input, RouteMessage message)
{
	g_autofree char *text = g_strdup_printf ("%s\n%s\n%s", input->seed != NULL ? input->seed : "",
	                                         input->statement->id, route_message_to_string (message));
	g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

	return g_strdup_printf ("=-liaison-%.32s", hash);
}

static gboolean
is_ascii (const char *text)
{
	for (const char *p = text; *p; p++)
		if ((unsigned char) *p >= 0x80)
			return FALSE;
	return TRUE;
}

/* TRUE when no line is longer than RFC 5322's 998 characters. */
static gboolean
short_lines (const char *text)
{
	gsize line = 0;

	for (const char *p = text; *p; p++) {
		line = *p == '\n' ? 0 : line + 1;
		if (line > 998)
			return FALSE;
	}
	return TRUE;
}

/* A text/plain part of @text (UTF-8): us-ascii and 7bit when it is
 * (statements have long lines, which 7bit allows and which read better
 * unencoded), else UTF-8 in quoted-printable, which survives any relay. */
static GMimeObject *
text_part (const char *text)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype ("plain");
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
	g_autoptr (GMimeDataWrapper) content =
		g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
	gboolean ascii = is_ascii (text);

	g_mime_part_set_content (GMIME_PART (part), content);
	g_mime_text_part_set_charset (part, ascii ? "us-ascii" : "utf-8");
	g_mime_part_set_content_encoding (GMIME_PART (part),
	                                  ascii && short_lines (text) ? GMIME_CONTENT_ENCODING_7BIT
	                                                              : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT (part);
}

/* @text followed by the original as a message/rfc822 attachment. */
static GMimeObject *
with_original (const ComposeInput *input, RouteMessage message, const char *text)
{
	g_autoptr (GMimeObject) body = text_part (text);
	g_autoptr (GMimeMultipart) mixed = NULL;
	g_autoptr (GMimeMessagePart) attached = NULL;
	g_autofree char *boundary = NULL;

	if (input->original == NULL)
		return g_steal_pointer (&body);
	mixed = g_mime_multipart_new_with_subtype ("mixed");
	boundary = boundary_for (input, message);
	g_mime_multipart_set_boundary (mixed, boundary);
	g_mime_multipart_add (mixed, body);
	attached = g_mime_message_part_new_with_message ("rfc822", input->original);
	g_mime_object_set_disposition (GMIME_OBJECT (attached), "attachment");
	g_mime_multipart_add (mixed, GMIME_OBJECT (attached));
	return GMIME_OBJECT (g_steal_pointer (&mixed));
}

GMimeObject *
compose_document_part (const char *filename, const char *content_type, const char *data,
                       gsize len)
{
	GMimeContentType *type = content_type != NULL
		? g_mime_content_type_parse (NULL, content_type) : NULL;
	g_autoptr (GByteArray) bytes = g_byte_array_sized_new ((guint) len);
	g_autoptr (GMimeStream) stream = NULL;
	g_autoptr (GMimeDataWrapper) content = NULL;
	g_autofree char *name = statement_clean_line (filename);
	GMimePart *part;

	if (type == NULL || g_mime_content_type_get_media_type (type) == NULL ||
	    g_mime_content_type_get_media_subtype (type) == NULL)
		part = g_mime_part_new_with_type ("application", "octet-stream");
	else
		part = g_mime_part_new_with_type (g_mime_content_type_get_media_type (type),
		                                  g_mime_content_type_get_media_subtype (type));
	g_clear_object (&type);
	g_byte_array_append (bytes, (const guint8 *) data, (guint) len);
	stream = g_mime_stream_mem_new_with_byte_array (g_steal_pointer (&bytes));
	content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content (part, content);
	g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_object_set_disposition (GMIME_OBJECT (part), "attachment");
	if (*name != '\0')
		g_mime_part_set_filename (part, name);
	return GMIME_OBJECT (part);
}

/* @text followed by the documents of an outgoing statement. */
static GMimeObject *
with_documents (const ComposeInput *input, RouteMessage message, const char *text)
{
	g_autoptr (GMimeObject) body = text_part (text);
	g_autoptr (GMimeMultipart) mixed = NULL;
	g_autofree char *boundary = NULL;

	if (input->documents->len == 0)
		return g_steal_pointer (&body);
	mixed = g_mime_multipart_new_with_subtype ("mixed");
	boundary = boundary_for (input, message);
	g_mime_multipart_set_boundary (mixed, boundary);
	g_mime_multipart_add (mixed, body);
	for (guint i = 0; i < input->documents->len; i++)
		g_mime_multipart_add (mixed, g_ptr_array_index (input->documents, i));
	return GMIME_OBJECT (g_steal_pointer (&mixed));
}

static void
add_recipients (GMimeMessage *mime, const RoutePlan *plan, RouteMessage message)
{
	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);
		g_autofree char *name = NULL;

		if (r->message != message || r->field == ROUTE_FIELD_BCC)
			continue;
		name = compose_header_text (r->name);
		g_mime_message_add_mailbox (mime, r->field == ROUTE_FIELD_TO ? GMIME_ADDRESS_TYPE_TO
		                                                            : GMIME_ADDRESS_TYPE_CC,
		                            name, r->address);
	}
}

static gboolean
plan_has (const RoutePlan *plan, RouteMessage message)
{
	for (guint i = 0; i < plan->routes->len; i++) {
		const PlannedRoute *r = g_ptr_array_index (plan->routes, i);
		if (r->message == message && r->status == ROUTE_STATUS_QUEUED)
			return TRUE;
	}
	return FALSE;
}

/* @text as it may stand in a header of ours: cleaned of control
 * characters, with any encoded-word it holds (RFC 2047: a title that says
 * "=?utf-8?q?a=0D=0AFake: header?=" literally) decoded and cleaned again,
 * as often as that changes it, and any "=?" left broken ("= ?"), so that
 * no mail reader decodes it into line breaks or other controls. GMime
 * then encodes what is not ASCII itself. Newly allocated. */
char *
compose_header_text (const char *text)
{
	g_autofree char *current = statement_clean_line (text);

	for (int i = 0; i < 8 && strstr (current, "=?") != NULL; i++) {
		g_autofree char *decoded = g_mime_utils_header_decode_text (NULL, current);
		g_autofree char *clean = statement_clean_line (decoded);

		if (strcmp (clean, current) == 0)
			break;
		g_free (current);
		current = g_steal_pointer (&clean);
	}
	if (strstr (current, "=?") != NULL) {
		g_auto (GStrv) parts = g_strsplit (current, "=?", -1);

		g_free (current);
		current = g_strjoinv ("= ?", parts);
	}
	return g_steal_pointer (&current);
}

/* Sets the header @name to <@id>. GMime folds no message id: one too long
 * for the header's line goes on a continuation line of its own
 * (message_id_ok() keeps that within 998 characters). */
static void
set_reference (GMimeObject *obj, const char *name, const char *id)
{
	g_autofree char *ref = g_strdup_printf ("<%s>", id);
	GMimeHeader *header;

	g_mime_object_set_header (obj, name, ref, NULL);
	if (strlen (name) + 2 + strlen (ref) <= 78)
		return;
	header = g_mime_header_list_get_header (g_mime_object_get_header_list (obj), name);
	if (header != NULL) {
		g_autofree char *raw = g_strdup_printf ("\n %s\n", ref);
		g_mime_header_set_raw_value (header, raw);
	}
}

/* Our headers, the same on every message we send. */
static void
set_headers (GMimeMessage *mime, const Config *config, const Statement *s, const RoutePlan *plan,
             RouteMessage message, const char *id, const char *now, const char *subject)
{
	GMimeObject *obj = GMIME_OBJECT (mime);
	g_autofree char *clean_subject = compose_header_text (subject);
	g_autofree char *our_name = compose_header_text (config->name);
	g_autoptr (GDateTime) date = g_date_time_new_from_iso8601 (now, NULL);

	g_mime_message_add_mailbox (mime, GMIME_ADDRESS_TYPE_FROM, our_name, config->address);
	add_recipients (mime, plan, message);
	g_mime_message_set_subject (mime, clean_subject, "utf-8");
	if (date == NULL)
		date = g_date_time_new_now_utc ();
	g_mime_message_set_date (mime, date);
	g_mime_message_set_message_id (mime, id);
	if (message_id_ok (s->message_id)) {
		set_reference (obj, "In-Reply-To", s->message_id);
		set_reference (obj, "References", s->message_id);
	}
	g_mime_object_set_header (obj, "Auto-Submitted", "auto-generated", NULL);
	g_mime_object_set_header (obj, "X-Loop", config->address, NULL);
	g_mime_object_set_header (obj, "X-Liaison-Id", s->id, NULL);
}

/* "2026-11-27 10:00 UTC" for an ISO 8601 time; the text itself, cleaned,
 * when it is not one. */
static char *
readable_time (const char *iso)
{
	g_autoptr (GDateTime) t = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
	g_autoptr (GDateTime) utc = t != NULL ? g_date_time_to_utc (t) : NULL;

	if (utc == NULL)
		return statement_clean_line (iso);
	return g_date_time_format (utc, "%Y-%m-%d %H:%M UTC");
}

/* The other commands of a reply (stages/commands-mail.h). */
#define COMPOSE_COMMANDS_HINT "Other\ncommands, one a line: close, reopen, " \
	"route GROUP..., deadline YYYY-MM-DD,\nnote TEXT."

static char *
forward_text (const Config *config, const ComposeInput *input)
{
	const Statement *s = input->statement;
	g_autofree char *summary = compose_summary (config, s);
	g_autofree char *received = readable_time (s->received);

	return g_strdup_printf ("Liaison statement %s, received %s.\n"
	                        "The original message is attached.\n\n%s\n"
	                        "Chairs, ADs and the list of its groups can act on it: reply to this "
	                        "message\nwith the word `taken` on the first line (the action was "
	                        "taken). %s\n", s->id, received, summary, COMPOSE_COMMANDS_HINT);
}

/* An outgoing statement as its peer reads it: the labels of the
 * Datatracker's own liaison mail (which a peer's tool, ours included,
 * reads back), and how to answer. Nothing about acting on it by reply:
 * that is for our side, and the peer may not. */
static char *
outgoing_text (const Config *config, const ComposeInput *input)
{
	const Statement *s = input->statement;
	const Group *group = s->from_org != NULL ? config_find_group (config, s->from_org) : NULL;
	Statement shown = *s;    /* shallow: only read */
	g_autofree char *from = NULL, *submitted = NULL, *summary = NULL;
	g_autofree char *our_name = statement_clean_line (config->name);

	/* The group as the Datatracker names it, and the day it is sent. */
	if (group != NULL && group->full_name != NULL)
		shown.from_org = from = g_strdup_printf ("%s (%s)", group->full_name, group->name);
	if (s->submitted == NULL && input->now != NULL)
		shown.submitted = submitted = g_strndup (input->now, 10);
	summary = compose_summary (config, &shown);
	return g_strdup_printf ("%s\nPlease quote %s in the subject of any reply, and reply to "
	                        "this message\n(its Reply-To), so that it reaches the people "
	                        "concerned.\n\n-- \n%s <%s>\n",
	                        summary, s->id, our_name, config->address);
}

/* The groups the statement was forwarded to, for the acknowledgement. */
static char *
forwarded_to (const Config *config, const Statement *s)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; s->groups != NULL && i < s->groups->len; i++) {
		const Group *group = config_find_group (config, g_ptr_array_index (s->groups, i));
		if (group == NULL)
			continue;
		g_string_append_printf (out, "  %s (%s)\n", group->full_name != NULL ? group->full_name : group->name,
		                        group->name);
	}
	return g_string_free (out, FALSE);
}

static char *
ack_text (const Config *config, const ComposeInput *input)
{
	const Statement *s = input->statement;
	g_autofree char *title = statement_clean_line (s->title);
	g_autofree char *received = readable_time (s->received);
	g_autofree char *groups = forwarded_to (config, s);
	g_autofree char *our_name = statement_clean_line (config->name);

	return g_strdup_printf ("Your liaison statement\n\n  %s\n\nwas received on %s and recorded "
	                        "as %s.\n\nIt has been forwarded to:\n\n%s\nPlease quote %s in any "
	                        "further correspondence about it.\n\n-- \n%s <%s>\n",
	                        title, received, s->id, groups, s->id, our_name, config->address);
}

static char *
held_text (const Config *config, const ComposeInput *input)
{
	const Statement *s = input->statement;
	g_autofree char *summary = compose_summary (config, s);
	g_autofree char *reason = statement_clean_line (s->hold_reason);

	return g_strdup_printf ("Liaison statement %s is held and has not been forwarded.\n\n"
	                        "Reason: %s\n\n"
	                        "To forward it, reply to this message with `route GROUP...` on "
	                        "the first\nline (the managers of its organization may), or "
	                        "`dismiss` to set it aside;\nor run: liaison route %s GROUP...\n"
	                        "The original message is attached.\n\n%s",
	                        s->id, *reason != '\0' ? reason : "held", s->id, summary);
}

GMimeMessage *
compose_message (const Config *config, const ComposeInput *input, RouteMessage message)
{
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (GMimeObject) body = NULL;
	g_autofree char *text = NULL;
	g_autofree char *subject = NULL;
	g_autofree char *title = NULL;
	g_autofree char *id = NULL;

	g_return_val_if_fail (config != NULL && config->address != NULL, NULL);
	g_return_val_if_fail (input != NULL && input->statement != NULL && input->plan != NULL, NULL);
	g_return_val_if_fail (input->statement->id != NULL, NULL);

	if (!plan_has (input->plan, message))
		return NULL;
	gmime_util_init ();
	title = statement_clean_line (input->statement->title);
	switch (message) {
	case ROUTE_MESSAGE_FORWARD:
		subject = input->subject != NULL ? g_strdup (input->subject)
		                                 : g_strdup_printf ("[%s] %s", input->statement->id, title);
		if (input->documents != NULL) {
			text = outgoing_text (config, input);
			body = with_documents (input, message, text);
			break;
		}
		text = input->text != NULL ? g_strdup (input->text) : forward_text (config, input);
		body = with_original (input, message, text);
		break;
	case ROUTE_MESSAGE_ACK:
		subject = g_strdup_printf ("[%s] Received: %s", input->statement->id, title);
		text = ack_text (config, input);
		/* Never the original: an acknowledgement that carried it back
		 * would make us a reflector for whatever a forger sent. */
		body = text_part (text);
		break;
	case ROUTE_MESSAGE_HELD:
		subject = g_strdup_printf ("[%s] Held: %s", input->statement->id, title);
		text = held_text (config, input);
		body = with_original (input, message, text);
		break;
	case ROUTE_MESSAGE_REMINDER:
		/* compose_reminder() builds it: it needs the stage. */
		break;
	}
	if (body == NULL)
		return NULL;

	/* No pretty headers: they come in the order set_headers() sets them. */
	mime = g_mime_message_new (FALSE);
	id = input->message_id != NULL ? g_strdup (input->message_id)
	                               : compose_message_id (config, input->statement->id, message);
	set_headers (mime, config, input->statement, input->plan, message, id, input->now, subject);
	if (input->documents != NULL) {
		/* The submission it answers is our own mail: the peer never saw it. */
		g_mime_object_remove_header (GMIME_OBJECT (mime), "In-Reply-To");
		g_mime_object_remove_header (GMIME_OBJECT (mime), "References");
	}
	g_mime_message_set_mime_part (mime, body);
	return g_steal_pointer (&mime);
}

char *
compose_reminder_id (const Config *config, const char *statement_id, RemindStage stage)
{
	g_autofree char *key = remind_stage_key (stage);
	g_autofree char *what = NULL;

	g_return_val_if_fail (config != NULL && config->secret[0] != '\0', NULL);
	g_return_val_if_fail (statement_id != NULL, NULL);

	what = g_strdup_printf ("remind-%s", key);
	return keyed_id (config, statement_id, what);
}

/* "in one week (7 days left)", "today", "3 days ago": when the deadline
 * falls, seen from the day of the reminder. */
static char *
when_text (int days_left)
{
	if (days_left == 0)
		return g_strdup ("today");
	if (days_left == 1)
		return g_strdup ("tomorrow");
	if (days_left == -1)
		return g_strdup ("yesterday");
	if (days_left < 0)
		return g_strdup_printf ("%d days ago", -days_left);
	return g_strdup_printf ("in %d days", days_left);
}

static char *
reminder_text (const Config *config, const Statement *s, int days_left)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *when = when_text (days_left);
	g_autofree char *to_groups = to_group_line (config, s);
	g_autofree char *our_name = statement_clean_line (config->name);
	g_autofree char *deadline = statement_clean_line (s->deadline);
	g_autofree char *received = readable_time (s->received);
	g_autofree char *from = NULL;
	const char *org = s->from_org != NULL ? s->from_org : s->from_org_text;

	if (days_left >= 0)
		g_string_append_printf (out, "The deadline of liaison statement %s is %s, %s,\n"
		                        "and no action on it has been recorded yet.\n\n",
		                        s->id, deadline, when);
	else
		g_string_append_printf (out, "The deadline of liaison statement %s was %s, %s,\n"
		                        "and no action on it has been recorded: it is out of date.\n\n",
		                        s->id, deadline, when);
	label (out, "Title:", s->title);
	label (out, "Deadline:", s->deadline);
	g_string_append_printf (out, "%s %d\n", days_left >= 0 ? "Days left:" : "Days overdue:",
	                        ABS (days_left));
	if (org != NULL && s->from_contact != NULL)
		from = g_strdup_printf ("%s (%s)", org, s->from_contact);
	else
		from = g_strdup (org != NULL ? org : s->from_contact);
	label (out, "From:", from);
	label (out, "To Group:", to_groups);
	label (out, "Purpose:", purpose_label (s->purpose));
	label_list (out, "Response Contacts:", s->response_contacts);
	label (out, "URL of the IETF Web page:", s->url);
	label (out, "Received:", received);
	g_string_append_printf (out, "\nA reply in the statement's thread from the receiving side "
	                        "records the action\nby itself. If it was taken otherwise, "
	                        "reply to this message with the word\n`taken` on the first line "
	                        "and the reminders stop. %s\n\n-- \n%s <%s>\n",
	                        COMPOSE_COMMANDS_HINT, our_name, config->address);
	return g_string_free (g_steal_pointer (&out), FALSE);
}

GMimeMessage *
compose_reminder (const Config *config, const Statement *statement, const RoutePlan *plan,
                  RemindStage stage, int days_left, const char *now)
{
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (GMimeObject) body = NULL;
	g_autofree char *title = NULL;
	g_autofree char *subject = NULL;
	g_autofree char *text = NULL;
	g_autofree char *id = NULL;

	g_return_val_if_fail (config != NULL && config->address != NULL, NULL);
	g_return_val_if_fail (statement != NULL && statement->id != NULL && plan != NULL, NULL);

	if (!plan_has (plan, ROUTE_MESSAGE_REMINDER))
		return NULL;
	gmime_util_init ();
	title = statement_clean_line (statement->title);
	subject = remind_subject (days_left, title);
	text = reminder_text (config, statement, days_left);
	body = text_part (text);
	id = compose_reminder_id (config, statement->id, stage);

	mime = g_mime_message_new (FALSE);
	set_headers (mime, config, statement, plan, ROUTE_MESSAGE_REMINDER, id, now, subject);
	g_mime_message_set_mime_part (mime, body);
	return g_steal_pointer (&mime);
}

char *
compose_keyed_id (const Config *config, const char *prefix, const char *what)
{
	g_return_val_if_fail (config != NULL && prefix != NULL && what != NULL, NULL);

	return keyed_id (config, prefix, what);
}

/* A text/html part of @html (UTF-8), quoted-printable. */
static GMimeObject *
html_part (const char *html)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype ("html");
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (html, strlen (html));
	g_autoptr (GMimeDataWrapper) content =
		g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content (GMIME_PART (part), content);
	g_mime_text_part_set_charset (part, "utf-8");
	g_mime_part_set_content_encoding (GMIME_PART (part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT (part);
}

GMimeMessage *
compose_notice (const Config *config, const ComposeNotice *notice)
{
	g_autoptr (GMimeMessage) mime = NULL;
	g_autoptr (GMimeObject) body = NULL;
	g_autofree char *subject = NULL, *our_name = NULL;
	g_autoptr (GDateTime) date = NULL;
	GMimeObject *obj;

	g_return_val_if_fail (config != NULL && config->address != NULL, NULL);
	g_return_val_if_fail (notice != NULL && notice->text != NULL && notice->message_id != NULL, NULL);

	if (notice->to == NULL || notice->to->len == 0)
		return NULL;
	gmime_util_init ();
	mime = g_mime_message_new (FALSE);
	obj = GMIME_OBJECT (mime);
	our_name = compose_header_text (config->name);
	g_mime_message_add_mailbox (mime, GMIME_ADDRESS_TYPE_FROM, our_name, config->address);
	for (guint i = 0; i < notice->to->len; i++) {
		const Address *a = g_ptr_array_index (notice->to, i);
		g_autofree char *name = a->name != NULL ? compose_header_text (a->name) : NULL;

		g_mime_message_add_mailbox (mime, GMIME_ADDRESS_TYPE_TO, name, a->address);
	}
	subject = compose_header_text (notice->subject);
	g_mime_message_set_subject (mime, subject, "utf-8");
	date = g_date_time_new_from_iso8601 (notice->now, NULL);
	if (date == NULL)
		date = g_date_time_new_now_utc ();
	g_mime_message_set_date (mime, date);
	g_mime_message_set_message_id (mime, notice->message_id);
	g_mime_object_set_header (obj, "Auto-Submitted", "auto-generated", NULL);
	g_mime_object_set_header (obj, "X-Loop", config->address, NULL);

	if (notice->html != NULL) {
		g_autoptr (GMimeMultipart) alternative = g_mime_multipart_new_with_subtype ("alternative");
		g_autoptr (GMimeObject) text = text_part (notice->text);
		g_autoptr (GMimeObject) html = html_part (notice->html);

		g_mime_multipart_add (alternative, text);
		g_mime_multipart_add (alternative, html);
		body = GMIME_OBJECT (g_steal_pointer (&alternative));
	} else {
		body = text_part (notice->text);
	}
	g_mime_message_set_mime_part (mime, body);
	return g_steal_pointer (&mime);
}
