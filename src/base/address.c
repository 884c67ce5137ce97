/* address.c: RFC 5322 addresses as the configuration and the statements
 * write them ("Name <a@b>", "a@b", "a@b (Name)"): parsed into their parts,
 * checked for a plausible addr-spec, and formatted back. */
#include "config.h"

#include <string.h>

#include "base/address.h"
#include "base/gmime-util.h"

void
address_free (Address *mailbox)
{
	if (mailbox == NULL)
		return;
	g_free (mailbox->name);
	g_free (mailbox->address);
	g_free (mailbox);
}

Address *
address_copy (const Address *mailbox)
{
	Address *copy;

	if (mailbox == NULL)
		return NULL;
	copy = g_new0 (Address, 1);
	copy->name = g_strdup (mailbox->name);
	copy->address = g_strdup (mailbox->address);
	return copy;
}

/* TRUE when @s holds no white space, control character or RFC 5322 special
 * that cannot stand unquoted in an addr-spec. GMime's loose parser lets some
 * of these through; an address we will hand to sendmail must not have them. */
static gboolean
addr_part_ok (const char *s, gboolean domain)
{
	if (*s == '\0')
		return FALSE;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char) *p;
		if (c <= ' ' || c == 0x7f)
			return FALSE;
		if (strchr ("<>()[],;:\\\"", c) != NULL)
			return FALSE;
		/* A domain is letters, digits, '-' and '.' (or UTF-8: IDN). */
		if (domain && c < 0x80 && !g_ascii_isalnum (c) && c != '-' && c != '.')
			return FALSE;
	}
	return TRUE;
}

/* What mailbox_shape() has read so far. */
typedef struct {
	GString *outside;        /* the text less its comments */
	const char *lt, *gt;     /* the '<' and '>' of "<addr-spec>" */
	gboolean quoted;         /* inside a quoted string */
	int comment;             /* how deep inside comments */
} Shape;

/* Reads the character at @p inside a quoted string (with its escape, if
 * it is one); returns the last character read. */
static const char *
shape_quoted (Shape *shape, const char *p)
{
	if (*p == '\\' && p[1] != '\0')
		g_string_append_c (shape->outside, *p++);
	else if (*p == '"')
		shape->quoted = FALSE;
	g_string_append_c (shape->outside, *p);
	return p;
}

/* Reads the character at @p inside a comment; returns the last character
 * read. */
static const char *
shape_comment (Shape *shape, const char *p)
{
	if (*p == '\\' && p[1] != '\0')
		p++;
	else if (*p == '(')
		shape->comment++;
	else if (*p == ')')
		shape->comment--;
	return p;
}

/* Reads the character at @p outside quotes and comments; FALSE when it
 * cannot stand there. */
static gboolean
shape_plain (Shape *shape, const char *p)
{
	switch (*p) {
	case '"':
		shape->quoted = TRUE;
		break;
	case '(':
		shape->comment++;
		return TRUE;
	case ')':
	case ',':
	case ';':
		return FALSE;
	case '<':
		if (shape->lt != NULL)
			return FALSE;
		shape->lt = p;
		break;
	case '>':
		if (shape->lt == NULL || shape->gt != NULL)
			return FALSE;
		shape->gt = p;
		break;
	default:
		if (shape->gt != NULL && !g_ascii_isspace (*p))
			return FALSE;
		break;
	}
	g_string_append_c (shape->outside, *p);
	return TRUE;
}

/* The addr-spec that @text, one RFC 5322 mailbox, is written around: the
 * part inside "<...>" when there is one (and nothing but comments after
 * it), else the whole text without its comments, which must then be one
 * word. NULL when @text has any other shape: a list ("a@b, c@d"), a group,
 * trailing words ("a@b # note"), unbalanced quotes or brackets. GMime's
 * lenient parser quietly drops such leftovers, which in a configuration
 * would hide a mistake, so the shape is checked here first. */
static char *
mailbox_shape (const char *text)
{
	Shape shape = { g_string_new (NULL), NULL, NULL, FALSE, 0 };
	GString *outside = shape.outside;
	const char *lt, *gt;
	char *token = NULL;

	for (const char *p = text; *p; p++) {
		if (shape.quoted)
			p = shape_quoted (&shape, p);
		else if (shape.comment > 0)
			p = shape_comment (&shape, p);
		else if (!shape_plain (&shape, p))
			goto bad;
	}
	lt = shape.lt;
	gt = shape.gt;
	if (shape.quoted || shape.comment > 0 || (lt != NULL) != (gt != NULL))
		goto bad;

	if (lt != NULL) {
		token = g_strndup (lt + 1, (gsize) (gt - lt - 1));
	} else {
		token = g_strdup (outside->str);
		g_strstrip (token);
		for (const char *p = token; *p; p++)
			if (g_ascii_isspace (*p))
				goto bad;
	}
	g_strstrip (token);
	g_string_free (outside, TRUE);
	return token;

bad:
	g_free (token);
	g_string_free (outside, TRUE);
	return NULL;
}

/* A copy of @text with control characters turned into spaces, runs of space
 * folded and the ends trimmed; NULL when nothing is left. */
static char *
clean_name (const char *text)
{
	GString *out;
	gboolean space = FALSE;

	if (text == NULL)
		return NULL;
	out = g_string_new (NULL);
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char) *p;
		if (c < ' ' || c == 0x7f || c == ' ') {
			space = TRUE;
			continue;
		}
		if (space && out->len > 0)
			g_string_append_c (out, ' ');
		space = FALSE;
		g_string_append_c (out, (char) c);
	}
	if (out->len == 0) {
		g_string_free (out, TRUE);
		return NULL;
	}
	return g_string_free (out, FALSE);
}

Address *
address_parse (const char *text)
{
	g_autoptr (InternetAddressList) list = NULL;
	g_autofree char *addr = NULL;
	g_autofree char *local = NULL;
	g_autofree char *domain = NULL;
	InternetAddress *ia;
	const char *at;
	Address *mailbox;

	if (text == NULL || strchr (text, '@') == NULL)
		return NULL;
	addr = mailbox_shape (text);
	if (addr == NULL || !g_utf8_validate (addr, -1, NULL))
		return NULL;
	/* "a@b." is "a@b". */
	while (*addr != '\0' && addr[strlen (addr) - 1] == '.')
		addr[strlen (addr) - 1] = '\0';
	at = strrchr (addr, '@');
	if (at == NULL || at == addr)
		return NULL;
	local = g_strndup (addr, (gsize) (at - addr));
	domain = g_utf8_strdown (at + 1, -1);
	if (strchr (local, '@') != NULL || !addr_part_ok (local, FALSE) ||
	    !addr_part_ok (domain, TRUE) || domain[0] == '.' || strstr (domain, "..") != NULL)
		return NULL;

	/* The addr-spec is kept as written (an IDN domain in its ASCII form
	 * stays so, as envelopes need it); GMime reads the display name,
	 * quoted or RFC 2047 encoded, and must agree that this is one
	 * mailbox. */
	gmime_util_init ();
	list = internet_address_list_parse (NULL, text);
	if (list == NULL || internet_address_list_length (list) != 1)
		return NULL;
	ia = internet_address_list_get_address (list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX (ia))
		return NULL;

	mailbox = g_new0 (Address, 1);
	mailbox->address = g_strconcat (local, "@", domain, NULL);
	mailbox->name = clean_name (internet_address_get_name (ia));
	return mailbox;
}

char *
address_format (const Address *mailbox)
{
	GString *out;
	gboolean quote = FALSE;

	g_return_val_if_fail (mailbox != NULL, NULL);

	if (mailbox->name == NULL || *mailbox->name == '\0')
		return g_strdup (mailbox->address);

	/* Quote a display name holding an RFC 5322 special, so that the
	 * result reads back through address_parse() as the same mailbox.
	 * A '.' is left alone: obs-phrase allows it and every reader does. */
	for (const char *p = mailbox->name; *p; p++) {
		if (strchr ("()<>[]:;@\\,\"", *p) != NULL) {
			quote = TRUE;
			break;
		}
	}
	out = g_string_new (NULL);
	if (quote) {
		g_string_append_c (out, '"');
		for (const char *p = mailbox->name; *p; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c (out, '\\');
			g_string_append_c (out, *p);
		}
		g_string_append_c (out, '"');
	} else {
		g_string_append (out, mailbox->name);
	}
	g_string_append_printf (out, " <%s>", mailbox->address);
	return g_string_free (out, FALSE);
}

gboolean
address_domain_ok (const char *domain)
{
	return addr_part_ok (domain, TRUE);
}

gboolean
address_list_has (const GPtrArray *mailboxes, const char *address)
{
	for (guint i = 0; mailboxes != NULL && address != NULL && i < mailboxes->len; i++) {
		const Address *a = g_ptr_array_index (mailboxes, i);

		if (a != NULL && a->address != NULL && g_ascii_strcasecmp (a->address, address) == 0)
			return TRUE;
	}
	return FALSE;
}
