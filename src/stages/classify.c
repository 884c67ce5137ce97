/* classify.c: what a message is, in SPEC §4's order: loop, bounce,
 * auto-reply, reply, statement, other. Pure: headers, configuration and
 * what extraction and threading found are passed in. */
#include "config.h"

#include <string.h>

#include "stages/bounce.h"
#include "stages/classify.h"
#include "base/gmime-util.h"

const char *
message_class_to_string (MessageClass kind)
{
	switch (kind) {
	case CLASS_STATEMENT:
		return "statement";
	case CLASS_REPLY:
		return "reply";
	case CLASS_BOUNCE:
		return "bounce";
	case CLASS_AUTO_REPLY:
		return "auto-reply";
	case CLASS_LOOP:
		return "loop";
	case CLASS_OTHER:
		return "other";
	}
	g_return_val_if_reached ("other");
}

/* TRUE when any header named @name of @message has the value @value
 * (case-insensitive, white space trimmed). */
static gboolean
any_header_is (const Message *message, const char *name, const char *value)
{
	GMimeHeaderList *headers;
	int count;

	if (message->mime == NULL)
		return FALSE;
	headers = g_mime_object_get_header_list (GMIME_OBJECT (message->mime));
	count = g_mime_header_list_get_count (headers);
	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
		const char *v = g_mime_header_get_value (h);
		if (g_ascii_strcasecmp (g_mime_header_get_name (h), name) != 0 || v == NULL)
			continue;
		g_autofree char *copy = g_strstrip (g_strdup (v));
		if (g_ascii_strcasecmp (copy, value) == 0)
			return TRUE;
	}
	return FALSE;
}

static const char *
header (const Message *message, const char *name)
{
	if (message->mime == NULL)
		return NULL;
	return g_mime_object_get_header (GMIME_OBJECT (message->mime), name);
}

/* The local part of @address, lower case: "mailer-daemon". */
static char *
local_part (const char *address)
{
	const char *at = address ? strrchr (address, '@') : NULL;

	if (address == NULL)
		return g_strdup ("");
	return g_ascii_strdown (address, at ? at - address : -1);
}

static gboolean
is_null_sender (const Message *message)
{
	const char *rp;

	if (message->sender != NULL) {
		const char *s = message->sender;
		if (*s == '\0' || strcmp (s, "<>") == 0)
			return TRUE;
	}
	rp = header (message, "Return-Path");
	if (rp != NULL) {
		g_autofree char *copy = g_strstrip (g_strdup (rp));
		if (strcmp (copy, "<>") == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
is_daemon_address (const char *address)
{
	g_autofree char *local = local_part (address);

	return strcmp (local, "mailer-daemon") == 0 || strcmp (local, "postmaster") == 0;
}

/* TRUE when @sender is our address or one of our VERP envelope senders
 * (statements+bounce-TOKEN@example.org). */
static gboolean
is_our_sender (const char *sender, const char *ours)
{
	const char *at = sender != NULL ? strrchr (sender, '@') : NULL;
	const char *our_at = strrchr (ours, '@');
	gsize local = our_at != NULL ? (gsize) (our_at - ours) : 0;

	if (sender == NULL)
		return FALSE;
	if (g_ascii_strcasecmp (sender, ours) == 0)
		return TRUE;
	return at != NULL && our_at != NULL && g_ascii_strcasecmp (at, our_at) == 0 &&
	       g_ascii_strncasecmp (sender, ours, local) == 0 &&
	       g_ascii_strncasecmp (sender + local, "+" BOUNCE_TOKEN_PREFIX,
	                            strlen ("+" BOUNCE_TOKEN_PREFIX)) == 0;
}

static gboolean
is_loop (const Message *message, const Config *config)
{
	if (any_header_is (message, "X-Loop", config->address))
		return TRUE;
	if (g_ascii_strcasecmp (message->from_address, config->address) == 0)
		return TRUE;
	return is_our_sender (message->sender, config->address);
}

static gboolean
is_bounce (const Message *message)
{
	if (is_null_sender (message))
		return TRUE;
	if (message->mime != NULL) {
		GMimeObject *body = g_mime_message_get_mime_part (message->mime);
		if (body != NULL && g_mime_content_type_is_type (g_mime_object_get_content_type (body),
		                                                 "multipart", "report"))
			return TRUE;
	}
	return is_daemon_address (message->from_address)
		|| (message->sender != NULL && is_daemon_address (message->sender));
}

/* What out-of-office responders put in a subject: phrases found anywhere,
 * and words that count only at its start ("Absence: ...", not "Absence of
 * a reply to our LS"... which a person might write, but rarely first). */
static const char *const ooo_phrases[] = {
	"out of office", "out of the office", "automatic reply", "autoreply",
	"auto-reply", "auto reply", "réponse automatique", "respuesta automática",
	"risposta automatica", "automatisch antwoord", "abwesenheitsnotiz",
};
static const char *const ooo_prefixes[] = {
	"auto:", "away:", "vacation:", "on vacation", "absence:", "abwesenheit",
};

static gboolean
is_out_of_office_subject (const char *subject)
{
	g_autofree char *lower = g_utf8_strdown (subject, -1);

	for (gsize i = 0; i < G_N_ELEMENTS (ooo_phrases); i++)
		if (strstr (lower, ooo_phrases[i]) != NULL)
			return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (ooo_prefixes); i++)
		if (g_str_has_prefix (lower, ooo_prefixes[i]))
			return TRUE;
	return FALSE;
}

static gboolean
is_auto_submitted (const Message *message)
{
	const char *value = header (message, "Auto-Submitted");

	if (value != NULL) {
		g_autofree char *copy = g_strstrip (g_strdup (value));
		/* "no" may carry parameters: "no; comment". */
		if (g_ascii_strncasecmp (copy, "no", 2) != 0 || (copy[2] != '\0' && copy[2] != ';' && copy[2] != ' '))
			return TRUE;
	}
	return FALSE;
}

static gboolean
is_bulk (const Message *message)
{
	return any_header_is (message, "Precedence", "bulk")
		|| any_header_is (message, "Precedence", "junk")
		|| any_header_is (message, "Precedence", "list");
}

/* Precedence: list marks every message a mailing list relays, and a
 * working group's answer to a statement usually comes through its list: in a
 * known thread it is a reply, not an auto-reply. */
static gboolean
is_auto_reply (const Message *message, gboolean in_thread)
{
	gboolean bulk = any_header_is (message, "Precedence", "bulk")
		|| any_header_is (message, "Precedence", "junk")
		|| (!in_thread && any_header_is (message, "Precedence", "list"));

	return is_auto_submitted (message) || bulk
		|| header (message, "X-Autoreply") != NULL
		|| header (message, "X-Autorespond") != NULL
		|| is_out_of_office_subject (message->subject);
}

gboolean
classify_is_automatic (const Message *message)
{
	g_autofree char *local = local_part (message->from_address);

	if (is_null_sender (message) || is_daemon_address (message->from_address))
		return TRUE;
	if (is_auto_submitted (message) || is_bulk (message))
		return TRUE;
	if (header (message, "List-Id") != NULL || header (message, "List-Post") != NULL)
		return TRUE;
	if (*message->from_address == '\0')
		return TRUE;
	return g_str_has_prefix (local, "owner-") || g_str_has_suffix (local, "-request")
		|| g_str_has_suffix (local, "-owner") || g_str_has_suffix (local, "-bounces");
}

MessageClass
classify_message (const Message *message, const Config *config,
                  const Statement *statement, gboolean in_thread)
{
	if (is_loop (message, config))
		return CLASS_LOOP;
	if (is_bounce (message))
		return CLASS_BOUNCE;
	if (statement == NULL && is_auto_reply (message, in_thread))
		return CLASS_AUTO_REPLY;
	if (in_thread)
		return CLASS_REPLY;
	if (statement != NULL)
		return CLASS_STATEMENT;
	return CLASS_OTHER;
}
