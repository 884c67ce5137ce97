/* authorize.c: the sender checks of SPEC §6, and a reader of RFC 8601
 * Authentication-Results headers (comments, quoted strings, method
 * results and their properties) sufficient to find what our server said
 * about DKIM and SPF. */
#include "config.h"

#include <string.h>

#include "stages/authorize.h"
#include "base/gmime-util.h"

/* ---------------------------------------------------------------------- */
/* Lexing: words, quoted strings, '=' and ';', with comments and white space
 * skipped. */

typedef enum {
	TOK_END,
	TOK_WORD,
	TOK_EQUALS,
	TOK_SEMI,
} TokenKind;

typedef struct {
	const char *p;
	TokenKind kind;
	GString *text;           /* the word or the quoted string's contents */
} Lexer;

static void
skip_cfws (Lexer *lx)
{
	for (;;) {
		while (*lx->p != '\0' && g_ascii_isspace (*lx->p))
			lx->p++;
		if (*lx->p != '(')
			return;
		/* A comment, possibly nested, with quoted pairs. */
		int depth = 0;
		do {
			if (*lx->p == '\\' && lx->p[1] != '\0')
				lx->p++;
			else if (*lx->p == '(')
				depth++;
			else if (*lx->p == ')')
				depth--;
			lx->p++;
		} while (depth > 0 && *lx->p != '\0');
	}
}

static void
next (Lexer *lx)
{
	g_string_truncate (lx->text, 0);
	skip_cfws (lx);
	switch (*lx->p) {
	case '\0':
		lx->kind = TOK_END;
		return;
	case '=':
		lx->p++;
		lx->kind = TOK_EQUALS;
		return;
	case ';':
		lx->p++;
		lx->kind = TOK_SEMI;
		return;
	case '"':
		lx->p++;
		while (*lx->p != '\0' && *lx->p != '"') {
			if (*lx->p == '\\' && lx->p[1] != '\0')
				lx->p++;
			g_string_append_c (lx->text, *lx->p++);
		}
		if (*lx->p == '"')
			lx->p++;
		lx->kind = TOK_WORD;
		return;
	default:
		while (*lx->p != '\0' && !g_ascii_isspace (*lx->p) && strchr ("=;(\"", *lx->p) == NULL)
			g_string_append_c (lx->text, *lx->p++);
		lx->kind = TOK_WORD;
		return;
	}
}

/* ---------------------------------------------------------------------- */
/* Parsing */

/* One "method=result prop=value ..." of a header. */
typedef struct {
	char *method;            /* lower case, without "/version" */
	char *result;            /* lower case */
	GHashTable *props;       /* "header.d" (lower case) -> value */
} ResInfo;

static void
resinfo_free (ResInfo *r)
{
	g_free (r->method);
	g_free (r->result);
	g_hash_table_unref (r->props);
	g_free (r);
}

/* Parses @value into its authserv-id (returned, newly allocated) and its
 * results (appended to @out). NULL when it has no authserv-id. A malformed
 * result ends the parse: what came before it stands. */
static char *
parse_results (const char *value, GPtrArray *out)
{
	g_autoptr (GString) text = g_string_new (NULL);
	Lexer lx = { value, TOK_END, text };
	char *id;

	next (&lx);
	if (lx.kind != TOK_WORD || lx.text->len == 0)
		return NULL;
	id = g_strdup (lx.text->str);
	next (&lx);
	/* An optional version number after the id. */
	if (lx.kind == TOK_WORD)
		next (&lx);
	while (lx.kind == TOK_SEMI) {
		ResInfo *r;
		char *slash;

		next (&lx);
		if (lx.kind != TOK_WORD)
			break;
		r = g_new0 (ResInfo, 1);
		r->props = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
		r->method = g_ascii_strdown (lx.text->str, -1);
		if ((slash = strchr (r->method, '/')) != NULL)
			*slash = '\0';
		next (&lx);
		if (lx.kind != TOK_EQUALS) {
			/* "none": no result at all. */
			resinfo_free (r);
			break;
		}
		next (&lx);
		if (lx.kind != TOK_WORD) {
			resinfo_free (r);
			break;
		}
		r->result = g_ascii_strdown (lx.text->str, -1);
		g_ptr_array_add (out, r);
		next (&lx);
		/* reason=... and ptype.property=value, until the next ';'. */
		while (lx.kind == TOK_WORD) {
			g_autofree char *name = g_ascii_strdown (lx.text->str, -1);
			next (&lx);
			if (lx.kind != TOK_EQUALS)
				return id;
			next (&lx);
			if (lx.kind != TOK_WORD)
				return id;
			if (!g_hash_table_contains (r->props, name))
				g_hash_table_insert (r->props, g_steal_pointer (&name), g_strdup (lx.text->str));
			next (&lx);
		}
	}
	return id;
}

/* ---------------------------------------------------------------------- */
/* Alignment */

/* The domain of an address ("a@b" -> "b", "@b" -> "b") or of a bare domain,
 * lower case, without a final dot. */
static char *
domain_of (const char *value)
{
	const char *at = strrchr (value, '@');
	char *domain = g_ascii_strdown (at != NULL ? at + 1 : value, -1);
	gsize len = strlen (domain);

	while (len > 0 && domain[len - 1] == '.')
		domain[--len] = '\0';
	return domain;
}

static gboolean
is_subdomain (const char *sub, const char *parent)
{
	gsize ls = strlen (sub), lp = strlen (parent);

	return ls > lp && sub[ls - lp - 1] == '.' && strcmp (sub + ls - lp, parent) == 0;
}

static gboolean
aligned (const char *value, const char *from_domain)
{
	g_autofree char *domain = NULL;

	if (value == NULL || *value == '\0')
		return FALSE;
	domain = domain_of (value);
	if (*domain == '\0' || strchr (domain, '.') == NULL)
		return FALSE;
	return strcmp (domain, from_domain) == 0 || is_subdomain (domain, from_domain) ||
	       is_subdomain (from_domain, domain);
}

/* What the topmost verdict of our server must show to vouch. */
typedef struct {
	const char *from_domain;     /* a pass counts for a domain aligned with it */
	const GPtrArray *domains;    /* and with one of these (NULL: any) */
	gboolean dkim_only;          /* spf=pass does not count */
} Wanted;

static gboolean
pass_counts (const char *value, const Wanted *w)
{
	g_autofree char *domain = NULL;

	if (!aligned (value, w->from_domain))
		return FALSE;
	if (w->domains == NULL)
		return TRUE;
	/* The domain our server vouched for must be the organization's: a
	 * sender who signs for a domain of its own choosing proves only
	 * that it owns that domain. */
	domain = domain_of (value);
	for (guint i = 0; i < w->domains->len; i++)
		if (aligned (domain, g_ptr_array_index (w->domains, i)))
			return TRUE;
	return FALSE;
}

/* Whether the topmost of our server's headers among @results vouches for
 * @from_address as @w says. */
static gboolean
verdict (const char *authserv_id, GPtrArray *results, const char *from_address, Wanted *w)
{
	g_autofree char *from_domain = NULL;

	if (results == NULL || from_address == NULL || strchr (from_address, '@') == NULL)
		return FALSE;
	from_domain = domain_of (from_address);
	if (*from_domain == '\0')
		return FALSE;
	w->from_domain = from_domain;

	for (guint i = 0; i < results->len; i++) {
		g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) resinfo_free);
		g_autofree char *id = parse_results (g_ptr_array_index (results, i), infos);

		if (id == NULL || g_ascii_strcasecmp (id, authserv_id) != 0)
			continue;
		/* The topmost of ours: the verdict, whatever it says. */
		for (guint j = 0; j < infos->len; j++) {
			const ResInfo *r = g_ptr_array_index (infos, j);
			if (strcmp (r->result, "pass") != 0)
				continue;
			if (strcmp (r->method, "dkim") == 0 &&
			    (pass_counts (g_hash_table_lookup (r->props, "header.d"), w) ||
			     pass_counts (g_hash_table_lookup (r->props, "header.i"), w)))
				return TRUE;
			/* SPF vouches for the envelope's domain, which a forger
			 * chooses: it counts only when that is the From's. */
			if (strcmp (r->method, "spf") == 0 && !w->dkim_only &&
			    pass_counts (g_hash_table_lookup (r->props, "smtp.mailfrom"), w))
				return TRUE;
		}
		return FALSE;
	}
	return FALSE;
}

gboolean
authorize_authenticated (const char *authserv_id, GPtrArray *results, const char *from_address)
{
	Wanted w = { NULL, NULL, FALSE };

	g_return_val_if_fail (authserv_id != NULL, FALSE);

	return verdict (authserv_id, results, from_address, &w);
}

gboolean
authorize_in_domains (const char *address, const GPtrArray *domains)
{
	g_autofree char *domain = NULL;

	if (address == NULL || strchr (address, '@') == NULL || domains == NULL)
		return FALSE;
	domain = domain_of (address);
	if (*domain == '\0')
		return FALSE;
	for (guint i = 0; i < domains->len; i++) {
		const char *d = g_ptr_array_index (domains, i);
		if (*d != '\0' && (strcmp (domain, d) == 0 || is_subdomain (domain, d)))
			return TRUE;
	}
	return FALSE;
}

/* ---------------------------------------------------------------------- */
/* The checks */

/* The values of every Authentication-Results header, from the top down,
 * unfolded. */
static GPtrArray *
results_headers (const Message *message)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	GMimeHeaderList *headers;
	int count;

	if (message->mime == NULL)
		return out;
	headers = g_mime_object_get_header_list (GMIME_OBJECT (message->mime));
	count = g_mime_header_list_get_count (headers);
	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
		const char *raw = g_mime_header_get_raw_value (h);
		char *value;

		if (g_ascii_strcasecmp (g_mime_header_get_name (h), "Authentication-Results") != 0)
			continue;
		value = g_strdup (raw != NULL ? raw : "");
		g_strdelimit (value, "\r\n\t", ' ');
		g_ptr_array_add (out, value);
	}
	return out;
}

gboolean
authorize_from_vouched (const Config *config, const Message *message)
{
	g_autoptr (GPtrArray) results = NULL;

	g_return_val_if_fail (config != NULL, FALSE);
	g_return_val_if_fail (message != NULL, FALSE);

	if (config->authserv_id == NULL || *config->authserv_id == '\0')
		return TRUE;
	results = results_headers (message);
	return authorize_authenticated (config->authserv_id, results, message->from_address);
}

static gboolean
has_authserv_id (const Config *config)
{
	return config->authserv_id != NULL && *config->authserv_id != '\0';
}

/* The envelope sender (-f) as an addr-spec, lower case, without angle
 * brackets; "" for the null sender; NULL when none was given. Newly
 * allocated. */
static char *
envelope_address (const Message *message)
{
	g_autofree char *copy = NULL;
	char *p;
	gsize len;

	if (message->sender == NULL)
		return NULL;
	copy = g_strstrip (g_ascii_strdown (message->sender, -1));
	p = copy;
	len = strlen (p);
	if (len >= 2 && p[0] == '<' && p[len - 1] == '>') {
		p[len - 1] = '\0';
		p++;
	}
	return g_strdup (p);
}

/* Whether the envelope sender, if any, is aligned with the From: the
 * checks without a verdict of our server rest on the two agreeing. */
static gboolean
envelope_agrees (const Message *message)
{
	g_autofree char *envelope = envelope_address (message);
	g_autofree char *from_domain = NULL;

	if (envelope == NULL || *envelope == '\0')
		return TRUE;
	if (strchr (message->from_address, '@') == NULL)
		return FALSE;
	from_domain = domain_of (message->from_address);
	return strchr (envelope, '@') != NULL && aligned (envelope, from_domain);
}

static gboolean
on_list (const GPtrArray *list, const char *address)
{
	for (guint i = 0; list != NULL && i < list->len; i++)
		if (g_ascii_strcasecmp (g_ptr_array_index (list, i), address) == 0)
			return TRUE;
	return FALSE;
}

gboolean
authorize_is_relay (const Config *config, const Message *message)
{
	g_return_val_if_fail (config != NULL, FALSE);
	g_return_val_if_fail (message != NULL, FALSE);

	return *message->from_address != '\0' && on_list (config->trusted_relays, message->from_address);
}

/* A relay is judged by its own name: the organization it names was
 * checked by it. */
static const char *
check_relay (const Config *config, const Message *message)
{
	if (has_authserv_id (config)) {
		g_autoptr (GPtrArray) results = results_headers (message);
		Wanted w = { NULL, NULL, TRUE };

		return verdict (config->authserv_id, results, message->from_address, &w)
			? NULL : AUTHORIZE_UNAUTHENTICATED;
	}
	return envelope_agrees (message) ? NULL : AUTHORIZE_ENVELOPE;
}

static const char *
check_direct (const Config *config, const Org *org, const Message *message)
{
	const char *from = message->from_address;
	gboolean chosen = org->senders_any;   /* the directory names no domain */

	if (strchr (from, '@') == NULL)
		return AUTHORIZE_UNAUTHENTICATED;
	if (org->authorized->len > 0) {
		if (!on_list (org->authorized, from))
			return AUTHORIZE_UNAUTHORIZED;
		chosen = TRUE;
	} else if (!org->senders_any && !authorize_in_domains (from, org->domains)) {
		return AUTHORIZE_OUTSIDE_DOMAINS;
	}
	if (has_authserv_id (config)) {
		g_autoptr (GPtrArray) results = results_headers (message);
		Wanted w = { NULL, chosen ? NULL : org->domains, FALSE };

		return verdict (config->authserv_id, results, from, &w) ? NULL : AUTHORIZE_UNAUTHENTICATED;
	}
	return envelope_agrees (message) ? NULL : AUTHORIZE_ENVELOPE;
}

const char *
authorize_sender (const Config *config, const Statement *statement, const Message *message)
{
	const Org *org;

	g_return_val_if_fail (config != NULL, NULL);
	g_return_val_if_fail (statement != NULL, NULL);
	g_return_val_if_fail (message != NULL, NULL);

	org = statement->from_org != NULL ? config_find_org (config, statement->from_org) : NULL;
	if (org == NULL)
		return AUTHORIZE_UNKNOWN_ORG;
	if (authorize_is_relay (config, message))
		return check_relay (config, message);
	return check_direct (config, org, message);
}

const char *
authorize_known_sender (const Config *config, const Message *message)
{
	g_return_val_if_fail (config != NULL, NULL);
	g_return_val_if_fail (message != NULL, NULL);

	if (authorize_is_relay (config, message))
		return check_relay (config, message);
	if (has_authserv_id (config))
		return authorize_from_vouched (config, message) ? NULL : AUTHORIZE_UNAUTHENTICATED;
	return envelope_agrees (message) ? NULL : AUTHORIZE_ENVELOPE;
}

/* "a, b" of @values; "none" when empty. */
static char *
join_or_none (const GPtrArray *values)
{
	GString *text = g_string_new (NULL);

	for (guint i = 0; values != NULL && i < values->len; i++)
		g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
		                        (const char *) g_ptr_array_index (values, i));
	if (text->len == 0)
		g_string_append (text, "none");
	return g_string_free (text, FALSE);
}

/* What @reason says of @org and the sender @from. */
static char *
reason_detail (const Config *config, const Org *org, const Statement *statement,
               const Message *message, const char *reason, const char *from)
{
	g_autofree char *list = NULL;
	g_autofree char *envelope = envelope_address (message);
	const char *named = statement->from_org_text != NULL ? statement->from_org_text
	                                                     : statement->from_org;

	if (strcmp (reason, AUTHORIZE_UNKNOWN_ORG) == 0)
		return g_strdup_printf ("\"%s\", sent by %s, is not in the directory",
		                        named != NULL ? named : "(none named)", from);
	if (strcmp (reason, AUTHORIZE_OUTSIDE_DOMAINS) == 0) {
		list = join_or_none (org->domains);
		return g_strdup_printf ("%s is not in %s's domains (%s)", from, org->name, list);
	}
	if (strcmp (reason, AUTHORIZE_UNAUTHORIZED) == 0)
		return g_strdup_printf ("%s is not on the authorized list of %s", from, org->name);
	if (strcmp (reason, AUTHORIZE_UNAUTHENTICATED) == 0)
		return g_strdup_printf ("%s shows no dkim=pass or aligned spf=pass for %s",
		                        config->authserv_id != NULL ? config->authserv_id : "our server",
		                        from);
	return g_strdup_printf ("envelope sender %s, From %s",
	                        envelope != NULL && *envelope != '\0' ? envelope : "<>", from);
}

char *
authorize_explain (const Config *config, const Statement *statement, const Message *message,
                   const char *reason)
{
	const Org *org;
	g_autofree char *detail = NULL;
	const char *from;

	g_return_val_if_fail (config != NULL && statement != NULL && message != NULL, NULL);
	g_return_val_if_fail (reason != NULL, NULL);

	org = statement->from_org != NULL ? config_find_org (config, statement->from_org) : NULL;
	from = message->from_address != NULL && *message->from_address != '\0'
		? message->from_address : "(no From address)";
	if (org == NULL && strcmp (reason, AUTHORIZE_UNKNOWN_ORG) != 0)
		return g_strdup (reason);
	detail = reason_detail (config, org, statement, message, reason, from);
	return g_strdup_printf ("%s: %s", reason, detail);
}

gboolean
authorize_is_sender_reason (const char *reason)
{
	static const char *const reasons[] = {
		AUTHORIZE_UNKNOWN_ORG, AUTHORIZE_OUTSIDE_DOMAINS, AUTHORIZE_UNAUTHORIZED,
		AUTHORIZE_UNAUTHENTICATED, AUTHORIZE_ENVELOPE,
	};

	for (gsize i = 0; reason != NULL && i < G_N_ELEMENTS (reasons); i++)
		if (g_str_has_prefix (reason, reasons[i]))
			return TRUE;
	return FALSE;
}

Address *
authorize_reply_address (const Config *config, const Message *message)
{
	g_autoptr (Address) from = NULL;
	g_autofree char *envelope = NULL;

	g_return_val_if_fail (config != NULL, NULL);
	g_return_val_if_fail (message != NULL, NULL);

	if (authorize_is_relay (config, message))
		return NULL;
	/* Only an address that reads back as one plain mailbox: the name is
	 * for display, the address for the envelope. */
	from = address_parse (message->from);
	if (from == NULL)
		from = address_parse (message->from_address);
	if (from == NULL || !authorize_from_vouched (config, message))
		return NULL;
	envelope = envelope_address (message);
	if (envelope == NULL)
		return g_steal_pointer (&from);
	/* The null sender asks for no answer (RFC 3834); one not aligned with
	 * the From may be anyone's. */
	if (*envelope == '\0' || !envelope_agrees (message))
		return NULL;
	if (g_ascii_strcasecmp (envelope, from->address) == 0)
		return g_steal_pointer (&from);
	return address_parse (envelope);
}
