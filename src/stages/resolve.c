/* resolve.c: which peer organization sent a statement and which of our
 * groups it is for, from the names the statement writes, the recipient
 * extension and the original's recipients, matched against the directory.
 * Pure: it reads only its arguments. */
#include "config.h"

#include <string.h>

#include "stages/resolve.h"
#include "base/pattern.h"

/* ------------------------------------------------------------------ */
/* Text helpers */

/* A trimmed copy of @start..@end (or to the end when @end is NULL); NULL when
 * nothing is left. */
static char *
trimmed (const char *start, const char *end)
{
	char *s = end != NULL ? g_strndup (start, (gsize) (end - start)) : g_strdup (start);

	g_strstrip (s);
	if (*s == '\0') {
		g_free (s);
		return NULL;
	}
	return s;
}

/* The text before the first '(' of @text, trimmed; NULL when @text has no
 * '(' or nothing precedes it. */
static char *
before_paren (const char *text)
{
	const char *p = strchr (text, '(');

	return p != NULL ? trimmed (text, p) : NULL;
}

/* The contents of every top-level "(...)" in @text, trimmed, in order. */
static GPtrArray *
paren_contents (const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	const char *open = NULL;
	int depth = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '(') {
			if (depth++ == 0)
				open = p + 1;
		} else if (*p == ')' && depth > 0) {
			if (--depth == 0) {
				char *s = trimmed (open, p);
				if (s != NULL)
					g_ptr_array_add (out, s);
			}
		}
	}
	return out;
}

/* @text split at the commas and semicolons outside parentheses, angle
 * brackets and quotes; the pieces trimmed, empty ones dropped. */
static GPtrArray *
split_top_level (const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	const char *start = text;
	int paren = 0, angle = 0;
	gboolean quoted = FALSE;

	for (const char *p = text; ; p++) {
		if (*p == '\0' || ((*p == ',' || *p == ';') && paren == 0 && angle == 0 && !quoted)) {
			char *s = trimmed (start, p);
			if (s != NULL)
				g_ptr_array_add (out, s);
			if (*p == '\0')
				break;
			start = p + 1;
		} else if (*p == '"') {
			quoted = !quoted;
		} else if (!quoted && *p == '(') {
			paren++;
		} else if (!quoted && *p == ')' && paren > 0) {
			paren--;
		} else if (!quoted && *p == '<') {
			angle++;
		} else if (!quoted && *p == '>' && angle > 0) {
			angle--;
		}
	}
	return out;
}

/* @text without the words that statements put around a group's name:
 * "IETF CCAMP WG", "the TEAS Working Group", "IETF MPLS working group";
 * only the words before it unless @suffixes_too. NULL when there were none
 * (or nothing else). */
static char *
strip_affixes (const char *text, gboolean suffixes_too)
{
	static const char *const prefixes[] = { "the ", "ietf ", NULL };
	static const char *const all_suffixes[] = { " working groups", " working group", " wgs", " wg",
	                                            " mailing list", " list", NULL };
	static const char *const no_suffixes[] = { NULL };
	const char *const *suffixes = suffixes_too ? all_suffixes : no_suffixes;
	g_autofree char *s = g_strdup (text);
	gboolean changed = FALSE, again = TRUE;

	while (again) {
		again = FALSE;
		for (guint i = 0; prefixes[i] != NULL; i++) {
			gsize n = strlen (prefixes[i]);
			if (g_ascii_strncasecmp (s, prefixes[i], n) == 0) {
				memmove (s, s + n, strlen (s + n) + 1);
				g_strchug (s);
				changed = again = TRUE;
			}
		}
		for (guint i = 0; suffixes[i] != NULL; i++) {
			gsize n = strlen (suffixes[i]), len = strlen (s);
			if (len > n && g_ascii_strcasecmp (s + len - n, suffixes[i]) == 0) {
				s[len - n] = '\0';
				g_strchomp (s);
				changed = again = TRUE;
			}
		}
	}
	if (!changed || *s == '\0')
		return NULL;
	return g_steal_pointer (&s);
}

/* ------------------------------------------------------------------ */
/* Whole-word search under the name rule */

/* @text folded for matching: its characters casefolded, with the spaces,
 * '-' and '_' that the name rule ignores left out. boundary[i] says that a
 * word may start at chars[i]: it is the first character, or something that
 * is not a letter or digit precedes it in the original (a left-out
 * character counts), or it is not a letter or digit itself. */
typedef struct {
	gunichar *chars;
	gboolean *boundary;
	glong len;
} Folded;

static void
folded_clear (Folded *f)
{
	g_free (f->chars);
	g_free (f->boundary);
}

static void
fold_text (const char *text, Folded *f)
{
	g_autofree char *folded = g_utf8_casefold (text, -1);
	gboolean prev_word = FALSE;
	glong n = g_utf8_strlen (folded, -1);

	f->chars = g_new (gunichar, n + 1);
	f->boundary = g_new (gboolean, n + 1);
	f->len = 0;
	for (const char *p = folded; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		gboolean word = g_unichar_isalnum (c);

		if (c == '-' || c == '_' || g_unichar_isspace (c)) {
			prev_word = FALSE;
			continue;
		}
		f->chars[f->len] = c;
		f->boundary[f->len] = f->len == 0 || !prev_word || !word;
		f->len++;
		prev_word = word;
	}
}

/* The position of the first whole-word occurrence of @label (under the name
 * rule) in @hay, or -1. */
static glong
find_word (const Folded *hay, const char *label)
{
	g_autofree char *key = config_name_key (label);
	g_autofree gunichar *k = NULL;
	glong klen = 0;

	if (*key == '\0')
		return -1;
	k = g_utf8_to_ucs4_fast (key, -1, &klen);
	for (glong s = 0; s + klen <= hay->len; s++) {
		glong e = s + klen;
		if (!hay->boundary[s])
			continue;
		if (e < hay->len && !hay->boundary[e] && g_unichar_isalnum (hay->chars[e - 1]))
			continue;
		if (memcmp (hay->chars + s, k, (gsize) klen * sizeof (gunichar)) == 0)
			return s;
	}
	return -1;
}

/* The organization whose name or alias appears as a whole word in @text;
 * the longest such name wins ("ITU-T SG15" over "SG15"), then the earliest. */
static const Org *
org_named_in (const Config *config, const char *text)
{
	const Org *best = NULL;
	glong best_len = 0, best_pos = 0;
	Folded hay;

	if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
		return NULL;
	fold_text (text, &hay);
	for (guint i = 0; i < config->orgs->len; i++) {
		const Org *org = g_ptr_array_index (config->orgs, i);
		for (guint j = 0; j <= org->aliases->len; j++) {
			const char *label = j == 0 ? org->name : g_ptr_array_index (org->aliases, j - 1);
			g_autofree char *key = config_name_key (label);
			glong len = g_utf8_strlen (key, -1);
			glong pos;

			if (len == 0 || len < best_len)
				continue;
			pos = find_word (&hay, label);
			if (pos < 0)
				continue;
			if (best == NULL || len > best_len || (len == best_len && pos < best_pos)) {
				best = org;
				best_len = len;
				best_pos = pos;
			}
		}
	}
	folded_clear (&hay);
	return best;
}

/* The organization named first in @text (the first @limit bytes of it),
 * the longer name winning at one position: a letter introduces its sender
 * before it names anyone else ("ITU-T Study Group 15 thanks IEEE 802.1"). */
static const Org *
org_first_named_in (const Config *config, const char *text, gsize limit)
{
	g_autofree char *head = NULL;
	const Org *best = NULL;
	glong best_len = 0, best_pos = 0;
	Folded hay;

	if (text == NULL || *text == '\0')
		return NULL;
	head = g_utf8_make_valid (text, (gssize) MIN (strlen (text), limit));
	fold_text (head, &hay);
	for (guint i = 0; i < config->orgs->len; i++) {
		const Org *org = g_ptr_array_index (config->orgs, i);
		for (guint j = 0; j <= org->aliases->len; j++) {
			const char *label = j == 0 ? org->name : g_ptr_array_index (org->aliases, j - 1);
			g_autofree char *key = config_name_key (label);
			glong len = g_utf8_strlen (key, -1);
			glong pos = len > 0 ? find_word (&hay, label) : -1;

			if (pos < 0)
				continue;
			if (best == NULL || pos < best_pos || (pos == best_pos && len > best_len)) {
				best = org;
				best_len = len;
				best_pos = pos;
			}
		}
	}
	folded_clear (&hay);
	return best;
}

/* ------------------------------------------------------------------ */
/* The organization */

/* What the writer of a letter says of itself in its first sentence:
 * "The IEEE 802.1 Working Group would like to thank ITU-T SG13 for ...",
 * "SG15 thanks ...", "BBF is pleased to ...". Group 1 is the words before
 * the verb, within one sentence. */
#define WRITER_PATTERN \
	"(?:^|[.!?:]\\s+|\\n)\\s*([^.!?\\n]{2,80}?)\\s+" \
	"(?:would like to|wishes to|wish to|thanks|thank|(?:is|are) pleased to|(?:is|are) sending|" \
	"sends|send|herewith|hereby|kindly|has the pleasure)\\b"

/* The organization that writes @body, by what its sentences say of their
 * writer, within its first @limit bytes; NULL when none says. */
static const Org *
org_writing (const Config *config, const char *body, gsize limit)
{
	g_autoptr (GRegex) re = pattern_regex (WRITER_PATTERN, G_REGEX_CASELESS);
	g_autoptr (GMatchInfo) match = NULL;
	g_autofree char *head = NULL;

	if (body == NULL || re == NULL)
		return NULL;
	head = g_utf8_make_valid (body, (gssize) MIN (strlen (body), limit));
	for (g_regex_match (re, head, 0, &match); g_match_info_matches (match);
	     g_match_info_next (match, NULL)) {
		g_autofree char *writer = g_match_info_fetch (match, 1);
		const Org *org = org_first_named_in (config, writer, strlen (writer));

		if (org != NULL)
			return org;
	}
	return NULL;
}

/* How much of a letter's end is its signature. */
#define SIGNATURE_BYTES 300

/* The organization named in the last SIGNATURE_BYTES of @body, the
 * first one there. */
static const Org *
org_in_signature (const Config *config, const char *body)
{
	gsize len = body != NULL ? strlen (body) : 0;
	const char *start;

	if (len == 0)
		return NULL;
	start = body + (len > SIGNATURE_BYTES ? len - SIGNATURE_BYTES : 0);
	/* Not in the middle of a character. */
	while (start > body && ((guchar) *start & 0xc0) == 0x80)
		start--;
	return org_first_named_in (config, start, SIGNATURE_BYTES + 4);
}

/* The organization a subject names as the sender: after "from" when it
 * says so ("LS from SG15 to CCAMP"), else before the body it is
 * addressed or replies to ("Reply to ITU-T SG13 LS on ..." names the
 * body that wrote the earlier statement, not this one's writer). */
static const Org *
org_named_in_subject (const Config *config, const char *subject)
{
	g_autoptr (GRegex) from = pattern_regex ("\\bfrom\\s+(.*)$", G_REGEX_CASELESS);
	g_autoptr (GRegex) to = pattern_regex ("\\b(?:to|reply|response|answer|replies|responds)\\b",
	                                       G_REGEX_CASELESS);
	g_autoptr (GMatchInfo) match = NULL;
	g_autofree char *before = NULL;
	int start = -1;

	if (subject == NULL || from == NULL || to == NULL)
		return NULL;
	if (g_regex_match (from, subject, 0, &match)) {
		g_autofree char *after = g_match_info_fetch (match, 1);
		return org_named_in (config, after);
	}
	g_clear_pointer (&match, g_match_info_free);
	if (g_regex_match (to, subject, 0, &match))
		g_match_info_fetch_pos (match, 0, &start, NULL);
	before = start >= 0 ? g_strndup (subject, (gsize) start) : g_strdup (subject);
	return org_named_in (config, before);
}

/* The organization @text names: the whole text ("ITU-T SG15"), the part
 * before a parenthesis ("ITU-T SG15 (Greg Jones)"), or a parenthesised
 * acronym ("ITU-T Study Group 15 (itu-t-sg-15)"). */
static const Org *
org_from_text (const Config *config, const char *text)
{
	const Org *org;
	g_autofree char *head = NULL;
	g_autoptr (GPtrArray) inner = NULL;

	if ((org = config_find_org (config, text)) != NULL)
		return org;
	head = before_paren (text);
	if (head != NULL && (org = config_find_org (config, head)) != NULL)
		return org;
	inner = paren_contents (text);
	for (guint i = inner->len; i > 0; i--)
		if ((org = config_find_org (config, g_ptr_array_index (inner, i - 1))) != NULL)
			return org;
	return NULL;
}

/* The organization that lists @address among its authorized senders, when
 * exactly one does. */
static const Org *
org_authorizing (const Config *config, const char *address)
{
	const Org *found = NULL;

	if (address == NULL || *address == '\0')
		return NULL;
	for (guint i = 0; i < config->orgs->len; i++) {
		const Org *org = g_ptr_array_index (config->orgs, i);
		for (guint j = 0; j < org->authorized->len; j++) {
			if (g_ascii_strcasecmp (g_ptr_array_index (org->authorized, j), address) != 0)
				continue;
			if (found != NULL && found != org)
				return NULL;
			found = org;
		}
	}
	return found;
}

/* The domain of the address in a contact ("Greg Jones <greg@itu.int>"),
 * or NULL. Newly allocated. */
static char *
contact_domain (const char *contact)
{
	const char *at, *end;

	if (contact == NULL || (at = strrchr (contact, '@')) == NULL)
		return NULL;
	end = at + 1 + strcspn (at + 1, "> \t");
	return end > at + 1 ? g_strndup (at + 1, (gsize) (end - at - 1)) : NULL;
}

/* How much of the body we search for the sender's name. */
#define BODY_SEARCH_BYTES 2000

/* The organization the statement's words name as its writer: its
 * From or Source (@text, or NULL), what its letter says of its writer,
 * its subject, the signature of a free-form letter. */
static const Org *
org_in_words (const Statement *statement, const Config *config, const Message *message,
              const char *text)
{
	const Org *org = NULL;

	if (text != NULL)
		org = org_from_text (config, text);
	if (org == NULL && text != NULL)
		org = org_named_in (config, text);
	/* A letter that names no sender in a label says who writes it in
	 * its opening sentences. */
	if (org == NULL)
		org = org_writing (config, statement->body, BODY_SEARCH_BYTES);
	if (org == NULL && message != NULL)
		org = org_named_in_subject (config, message->subject);
	/* Then the letter's signature ("Chair, IEEE 802.1 Working Group"). */
	if (org == NULL && text == NULL && statement->layout == LAYOUT_FREEFORM)
		org = org_in_signature (config, statement->body);
	return org;
}

static void
resolve_org (Statement *statement, const Config *config, const Message *message)
{
	g_autofree char *text = NULL;
	g_autofree char *contact_dom = contact_domain (statement->from_contact);
	const char *from_address = message != NULL ? message->from_address : NULL;
	const char *domain = NULL;
	const Org *org = NULL;

	if (from_address != NULL && strrchr (from_address, '@') != NULL &&
	    strrchr (from_address, '@')[1] != '\0')
		domain = strrchr (from_address, '@') + 1;

	if (statement->from_org_text != NULL)
		text = trimmed (statement->from_org_text, NULL);

	/* The statement's own words first: they outrank the sender's domain,
	 * since a liaison manager or the Datatracker often sends on an
	 * organization's behalf. */
	org = org_in_words (statement, config, message, text);
	/* Then the sender: an authorized address names its organization even
	 * where the domain is shared; then the domain. */
	if (org == NULL)
		org = org_authorizing (config, from_address);
	if (org == NULL && domain != NULL)
		org = config_find_org_by_domain (config, domain);
	/* A forward's sender is the forwarder: the statement's own contact
	 * says who wrote it. */
	if (org == NULL && contact_dom != NULL)
		org = config_find_org_by_domain (config, contact_dom);
	/* Last, a letter that names no sender in a label names it in its
	 * first lines. Only then: a body names many bodies. */
	if (org == NULL && text == NULL)
		org = org_first_named_in (config, statement->body, BODY_SEARCH_BYTES);
	/* Nothing else: whatever body the subject names, even as the one
	 * it writes to (the IETF's own statements, relayed by the
	 * Datatracker, name their peer there). */
	if (org == NULL && message != NULL)
		org = org_named_in (config, message->subject);

	g_free (statement->from_org);
	if (org != NULL)
		statement->from_org = g_strdup (org->name);
	else if (text != NULL)
		statement->from_org = g_steal_pointer (&text);
	else if (domain != NULL)
		statement->from_org = g_strdup (domain);
	else
		statement->from_org = NULL;
}

/* ------------------------------------------------------------------ */
/* The groups */

static void
add_group (GPtrArray *groups, const Group *group)
{
	for (guint i = 0; i < groups->len; i++)
		if (strcmp (g_ptr_array_index (groups, i), group->name) == 0)
			return;
	g_ptr_array_add (groups, g_strdup (group->name));
}

/* A group named by @name, as written or without "IETF"/"WG" around it, or
 * whose list @name is. */
static const Group *
group_by_name (const Config *config, const char *name)
{
	const Group *group;
	g_autofree char *bare = NULL;

	if (name == NULL || *name == '\0')
		return NULL;
	if ((group = config_find_group (config, name)) != NULL)
		return group;
	if (strchr (name, '@') != NULL)
		return config_find_group_by_list (config, name);
	/* "IETF Operations and Management Area Working Group" is a name
	 * that ends in "Working Group"; "IETF TEAS WG" is one that does not. */
	bare = strip_affixes (name, FALSE);
	if (bare != NULL && (group = config_find_group (config, bare)) != NULL)
		return group;
	g_clear_pointer (&bare, g_free);
	bare = strip_affixes (name, TRUE);
	if (bare != NULL)
		return config_find_group (config, bare);
	return NULL;
}

/* "CCAMP and TEAS", "the MPLS & DetNet WGs": only tried when the piece as a
 * whole names nothing, since full names hold "and" too ("Common Control and
 * Measurement Plane"). */
static gboolean
groups_joined_by_and (const Config *config, const char *piece, GPtrArray *groups)
{
	g_autoptr (GRegex) re = pattern_regex ("\\s+(?:and|&)\\s+", G_REGEX_CASELESS);
	g_auto (GStrv) parts = NULL;
	gboolean found = FALSE;

	if (re == NULL)
		return FALSE;
	parts = g_regex_split (re, piece, 0);
	if (g_strv_length (parts) < 2)
		return FALSE;
	for (guint i = 0; parts[i] != NULL; i++) {
		g_autofree char *part = trimmed (parts[i], NULL);
		const Group *group = part != NULL ? group_by_name (config, part) : NULL;
		if (group == NULL && part != NULL) {
			/* "the MPLS & DetNet WGs": the plural belongs to each. */
			gsize n = strlen (part);
			if (n > 4 && g_ascii_strcasecmp (part + n - 4, " WGs") == 0) {
				part[n - 1] = '\0';
				group = group_by_name (config, part);
			}
		}
		if (group != NULL) {
			add_group (groups, group);
			found = TRUE;
		}
	}
	return found;
}

/* The groups one piece of a To text names: the whole piece, the text before
 * its parenthesis ("Common Control and Measurement Plane (ccamp-chairs@...)"),
 * else an acronym or list address inside it ("... (ccamp)"). */
static gboolean
groups_from_piece (const Config *config, const char *piece, GPtrArray *groups)
{
	const Group *group;
	g_autofree char *head = NULL;
	g_autoptr (GPtrArray) inner = NULL;
	gboolean found = FALSE;

	if ((group = group_by_name (config, piece)) != NULL) {
		add_group (groups, group);
		return TRUE;
	}
	head = before_paren (piece);
	if (head != NULL && (group = group_by_name (config, head)) != NULL) {
		add_group (groups, group);
		return TRUE;
	}
	inner = paren_contents (piece);
	for (guint i = 0; i < inner->len; i++) {
		g_autoptr (GPtrArray) items = split_top_level (g_ptr_array_index (inner, i));
		for (guint j = 0; j < items->len; j++) {
			if ((group = group_by_name (config, g_ptr_array_index (items, j))) != NULL) {
				add_group (groups, group);
				found = TRUE;
			}
		}
	}
	if (!found && strchr (piece, '(') == NULL)
		found = groups_joined_by_and (config, piece, groups);
	return found;
}

/* The groups a To text names. A whole text that names a group is taken as
 * it stands; otherwise each comma-separated piece is tried, since a new
 * Datatracker notification writes all its groups on one line:
 * "Traffic Engineering Architecture and Signaling (teas), Deterministic
 * Networking (detnet)". */
static gboolean
groups_from_text (const Config *config, const char *text, GPtrArray *groups)
{
	const Group *group;
	g_autoptr (GPtrArray) pieces = NULL;
	gboolean found = FALSE;

	if ((group = group_by_name (config, text)) != NULL) {
		add_group (groups, group);
		return TRUE;
	}
	pieces = split_top_level (text);
	if (pieces->len <= 1)
		return groups_from_piece (config, text, groups);
	for (guint i = 0; i < pieces->len; i++)
		if (groups_from_piece (config, g_ptr_array_index (pieces, i), groups))
			found = TRUE;
	return found;
}

gboolean
resolve_names_group (const Config *config, const char *text)
{
	g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);

	g_return_val_if_fail (config != NULL, FALSE);
	return text != NULL && groups_from_text (config, text, groups);
}

/* The "+extension" of @address when its base is our own @ours:
 * "statements+ccamp@example.org" -> "ccamp". Newly allocated, or NULL. */
static char *
our_extension (const char *address, const char *ours)
{
	const char *at, *our_at, *plus;

	if (address == NULL || ours == NULL)
		return NULL;
	at = strrchr (address, '@');
	our_at = strrchr (ours, '@');
	if (at == NULL || our_at == NULL || g_ascii_strcasecmp (at, our_at) != 0)
		return NULL;
	plus = memchr (address, '+', (gsize) (at - address));
	if (plus == NULL || plus + 1 == at || (gsize) (plus - address) != (gsize) (our_at - ours) ||
	    g_ascii_strncasecmp (address, ours, (gsize) (plus - address)) != 0)
		return NULL;
	return g_strndup (plus + 1, (gsize) (at - plus - 1));
}

static void
groups_from_addresses (const Config *config, InternetAddressList *list, GPtrArray *groups)
{
	for (int i = 0; list != NULL && i < internet_address_list_length (list); i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);

		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			groups_from_addresses (config, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
			                       groups);
		} else if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			g_autofree char *ext = NULL;
			const Group *group;

			if (addr == NULL)
				continue;
			if ((group = config_find_group_by_list (config, addr)) != NULL)
				add_group (groups, group);
			else if ((ext = our_extension (addr, config->address)) != NULL &&
			         (group = config_find_group (config, ext)) != NULL)
				add_group (groups, group);
		}
	}
}

/* The To and Cc of every message/rfc822 inside @obj: a forwarded
 * statement's own recipients name its groups too. */
static void
groups_from_forwarded (const Config *config, GMimeObject *obj, GPtrArray *groups, int depth)
{
	if (obj == NULL || depth > 32)
		return;
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
			groups_from_forwarded (config, g_mime_multipart_get_part (mp, i), groups, depth + 1);
	} else if (GMIME_IS_MESSAGE_PART (obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		if (inner == NULL)
			return;
		groups_from_addresses (config, g_mime_message_get_addresses (inner, GMIME_ADDRESS_TYPE_TO), groups);
		groups_from_addresses (config, g_mime_message_get_addresses (inner, GMIME_ADDRESS_TYPE_CC), groups);
		groups_from_forwarded (config, g_mime_message_get_mime_part (inner), groups, depth + 1);
	}
}

/* The groups whose key, name or an alias stands as a whole word in
 * @text ("LS to IETF CCAMP on OTN"), in the order of the directory. */
static void
groups_named_in (const Config *config, const char *text, GPtrArray *groups)
{
	Folded hay;

	if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
		return;
	fold_text (text, &hay);
	for (guint i = 0; i < config->groups->len; i++) {
		const Group *group = g_ptr_array_index (config->groups, i);
		gboolean found = find_word (&hay, group->name) >= 0
			|| (group->full_name != NULL && find_word (&hay, group->full_name) >= 0);
		for (guint j = 0; !found && j < group->aliases->len; j++)
			found = find_word (&hay, g_ptr_array_index (group->aliases, j)) >= 0;
		if (found)
			add_group (groups, group);
	}
	folded_clear (&hay);
}

static void
resolve_groups (Statement *statement, const Config *config, const Message *message)
{
	g_autoptr (GPtrArray) tried = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *extension = NULL;
	gboolean own_groups;

	if (statement->groups == NULL)
		statement->groups = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_set_size (statement->groups, 0);

	for (guint i = 0; statement->to_texts != NULL && i < statement->to_texts->len; i++) {
		g_autofree char *text = trimmed (g_ptr_array_index (statement->to_texts, i), NULL);
		if (text == NULL)
			continue;
		if (!groups_from_text (config, text, statement->groups))
			g_ptr_array_add (tried, g_strdup_printf ("To: %s", text));
	}
	own_groups = statement->groups->len > 0;

	if (message != NULL) {
		/* The recipient extension: -e, else the +extension of -r. */
		if (message->extension != NULL && *message->extension != '\0')
			extension = g_strdup (message->extension);
		else
			extension = our_extension (message->recipient, config->address);
		if (extension != NULL) {
			const Group *group = config_find_group (config, extension);
			if (group != NULL)
				add_group (statement->groups, group);
			else
				g_ptr_array_add (tried, g_strdup_printf ("extension: %s", extension));
		}

		/* The lists on the mail's To and Cc (and a forwarded one's)
		 * count only when the statement names none of our groups
		 * itself: a list copied on the mail is not a destination the
		 * statement writes. */
		if (message->mime != NULL && !own_groups) {
			groups_from_addresses (config,
			                       g_mime_message_get_addresses (message->mime, GMIME_ADDRESS_TYPE_TO),
			                       statement->groups);
			groups_from_addresses (config,
			                       g_mime_message_get_addresses (message->mime, GMIME_ADDRESS_TYPE_CC),
			                       statement->groups);
			groups_from_forwarded (config, g_mime_message_get_mime_part (message->mime),
			                       statement->groups, 0);
		}
	}

	/* Nothing else named a group: the subject may ("LS to IETF CCAMP on
	 * OTN"), or the title. */
	if (statement->groups->len == 0 && message != NULL)
		groups_named_in (config, message->subject, statement->groups);
	if (statement->groups->len == 0)
		groups_named_in (config, statement->title, statement->groups);

	/* An earlier reason (set before resolving) is kept: it came first. */
	if (statement->groups->len == 0 && statement->hold_reason == NULL) {
		if (tried->len == 0) {
			statement->hold_reason = g_strdup ("unresolved destination group: none named");
		} else {
			g_autofree char *names = NULL;
			g_ptr_array_add (tried, NULL);
			names = g_strjoinv ("; ", (char **) tried->pdata);
			statement->hold_reason = g_strdup_printf ("unresolved destination group: %s", names);
		}
	}
}

void
resolve_statement (Statement *statement, const Config *config, const Message *message)
{
	g_return_if_fail (statement != NULL);
	g_return_if_fail (config != NULL);

	resolve_org (statement, config, message);
	resolve_groups (statement, config, message);
}
