/* thread.c: the keys that tie a message to a statement, which side of a
 * liaison a sender is on, and the thread policy: is a message in a thread,
 * its role there, and what it does to the statement. Pure: the store
 * resolves the keys and records the outcome. */
#include "config.h"

#include <string.h>

#include "stages/thread.h"
#include "base/pattern.h"
#include "base/util.h"

void
thread_find_ids (const char *text, const char *id_prefix, GPtrArray *ids)
{
	g_autofree char *quoted = g_regex_escape_string (id_prefix, -1);
	g_autofree char *pattern = g_strdup_printf ("(?<![A-Za-z0-9])%s-(\\d{4})-(\\d{4,6})(?![0-9])", quoted);
	g_autoptr (GRegex) regex = NULL;
	g_autoptr (GMatchInfo) match = NULL;

	if (text == NULL)
		return;
	regex = pattern_regex (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE);
	if (regex == NULL)
		return;
	g_regex_match (regex, text, 0, &match);
	while (g_match_info_matches (match)) {
		g_autofree char *year = g_match_info_fetch (match, 1);
		g_autofree char *seq = g_match_info_fetch (match, 2);
		g_autofree char *prefix = g_ascii_strup (id_prefix, -1);
		util_take_unique (ids, g_strdup_printf ("%s-%s-%s", prefix, year, seq), TRUE);
		g_match_info_next (match, NULL);
	}
}

void
thread_find_urls (const char *text, GPtrArray *urls)
{
	g_autoptr (GRegex) regex = NULL;
	g_autoptr (GMatchInfo) match = NULL;

	if (text == NULL)
		return;
	regex = pattern_regex ("https?://datatracker\\.ietf\\.org/liaison/(\\d+)(?![0-9])",
	                       G_REGEX_CASELESS | G_REGEX_OPTIMIZE);
	g_regex_match (regex, text, 0, &match);
	while (g_match_info_matches (match)) {
		g_autofree char *number = g_match_info_fetch (match, 1);
		util_take_unique (urls, g_strdup_printf ("https://datatracker.ietf.org/liaison/%s/", number), TRUE);
		g_match_info_next (match, NULL);
	}
}

/* The subject tag is our own: "[LS-2026-0007]" as we put it on forwards. */
static void
find_tags (const char *subject, const char *id_prefix, GPtrArray *tags)
{
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	const char *p = subject;

	while ((p = strchr (p, '[')) != NULL) {
		const char *end = strchr (p, ']');
		if (end == NULL)
			break;
		g_autofree char *inside = g_strndup (p + 1, (gsize) (end - p - 1));
		g_ptr_array_set_size (ids, 0);
		thread_find_ids (inside, id_prefix, ids);
		if (ids->len == 1 && strlen (inside) == strlen (g_ptr_array_index (ids, 0)))
			util_take_unique (tags, g_strdup (g_ptr_array_index (ids, 0)), TRUE);
		p = end + 1;
	}
}

/* A reference as the layouts write it: "Title (https://.../liaison/123/)",
 * "LS-2026-0003", "LS on X (S2-2601234)", or a bare title. Ids and URLs go
 * to responds_to now; the title (the text before " (") to @titles, unless
 * the reference is nothing but an id or a URL. */
static void
add_reference (ThreadKeys *keys, const char *reference, const char *id_prefix, GPtrArray *titles)
{
	g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
	const char *paren = strstr (reference, " (");
	g_autofree char *title = paren ? g_strndup (reference, (gsize) (paren - reference))
	                               : g_strdup (reference);

	thread_find_ids (reference, id_prefix, found);
	thread_find_urls (reference, found);
	for (guint i = 0; i < found->len; i++)
		util_take_unique (keys->responds_to, g_strdup (g_ptr_array_index (found, i)), TRUE);
	g_strstrip (title);
	if (*title == '\0' || g_str_has_prefix (title, "http"))
		return;
	g_ptr_array_set_size (found, 0);
	thread_find_ids (title, id_prefix, found);
	if (found->len == 1 && g_ascii_strcasecmp (title, g_ptr_array_index (found, 0)) == 0)
		return;
	util_take_unique (titles, g_steal_pointer (&title), TRUE);
}

/* Appends the Message-IDs of the header @name, nearest first when
 * @reverse (References lists the oldest first), skipping @self and those
 * already seen, up to THREAD_MAX_REFERENCES in all. */
static void
add_message_ids (GPtrArray *out, const Message *message, const char *name, gboolean reverse)
{
	const char *value = g_mime_object_get_header (GMIME_OBJECT (message->mime), name);
	GMimeReferences *refs;
	int n;

	if (value == NULL)
		return;
	refs = g_mime_references_parse (NULL, value);
	if (refs == NULL)
		return;
	n = g_mime_references_length (refs);
	for (int k = 0; k < n && out->len < THREAD_MAX_REFERENCES; k++) {
		int i = reverse ? n - 1 - k : k;
		g_autofree char *id = statement_clean_line (g_mime_references_get_message_id (refs, i));

		if (*id == '\0' || util_has_string (out, id, TRUE)
		    || (message->message_id != NULL && strcmp (id, message->message_id) == 0))
			continue;
		g_ptr_array_add (out, g_steal_pointer (&id));
	}
	g_mime_references_free (refs);
}

ThreadKeys *
thread_keys_new (const Message *message, const Statement *statement, const char *id_prefix)
{
	ThreadKeys *keys = g_new0 (ThreadKeys, 1);
	g_autoptr (GPtrArray) texts = NULL;
	g_autoptr (GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);

	keys->message_ids = g_ptr_array_new_with_free_func (g_free);
	if (message->mime != NULL) {
		add_message_ids (keys->message_ids, message, "In-Reply-To", FALSE);
		add_message_ids (keys->message_ids, message, "References", TRUE);
	}
	keys->tags = g_ptr_array_new_with_free_func (g_free);
	keys->text_ids = g_ptr_array_new_with_free_func (g_free);
	keys->urls = g_ptr_array_new_with_free_func (g_free);
	keys->responds_to = g_ptr_array_new_with_free_func (g_free);

	find_tags (message->subject, id_prefix, keys->tags);
	texts = message_texts (message);
	for (guint i = 0; i < texts->len; i++) {
		const MessageText *t = g_ptr_array_index (texts, i);
		thread_find_ids (t->text, id_prefix, keys->text_ids);
		thread_find_urls (t->text, keys->urls);
	}
	/* A statement's own Datatracker page is not a reference to another. */
	if (statement != NULL && statement->url != NULL) {
		for (guint i = 0; i < keys->urls->len; i++)
			if (g_ascii_strcasecmp (g_ptr_array_index (keys->urls, i), statement->url) == 0)
				g_ptr_array_remove_index (keys->urls, i--);
	}
	if (statement != NULL) {
		for (guint i = 0; i < statement->references->len; i++)
			add_reference (keys, g_ptr_array_index (statement->references, i), id_prefix, titles);
		for (guint i = 0; i < titles->len; i++)
			util_take_unique (keys->responds_to, g_strdup (g_ptr_array_index (titles, i)), TRUE);
	}
	return keys;
}

void
thread_keys_free (ThreadKeys *keys)
{
	if (keys == NULL)
		return;
	g_ptr_array_unref (keys->message_ids);
	g_ptr_array_unref (keys->tags);
	g_ptr_array_unref (keys->text_ids);
	g_ptr_array_unref (keys->urls);
	g_ptr_array_unref (keys->responds_to);
	g_free (keys);
}

static gboolean
mailbox_is (const Address *mailbox, const char *address)
{
	return mailbox != NULL && mailbox->address != NULL
		&& g_ascii_strcasecmp (mailbox->address, address) == 0;
}

/* TRUE when one of @contacts ("Name <addr>" strings) has @address. */
static gboolean
any_contact_is (GPtrArray *contacts, const char *address)
{
	for (guint i = 0; contacts != NULL && i < contacts->len; i++) {
		g_autoptr (Address) m = address_parse (g_ptr_array_index (contacts, i));
		if (mailbox_is (m, address))
			return TRUE;
	}
	return FALSE;
}

static gboolean
in_domains (GPtrArray *domains, const char *address)
{
	const char *at = strrchr (address, '@');

	if (at == NULL)
		return FALSE;
	for (guint i = 0; domains != NULL && i < domains->len; i++) {
		const char *d = g_ptr_array_index (domains, i);
		gsize dl = strlen (d), al = strlen (at + 1);
		if (g_ascii_strcasecmp (at + 1, d) == 0
		    || (al > dl && at[al - dl] == '.' && g_ascii_strcasecmp (at + 1 + al - dl, d) == 0))
			return TRUE;
	}
	return FALSE;
}

/* The group @text names ("Multiprotocol Label Switching", "MPLS WG",
 * "Multiprotocol Label Switching (mpls)"), unless it names a peer. */
static const Group *
group_named (const Config *config, const char *text)
{
	const char *open, *close;
	const Group *group;

	if (text == NULL || *text == '\0' || config_find_org (config, text) != NULL)
		return NULL;
	if ((group = config_find_group (config, text)) != NULL)
		return group;
	open = strrchr (text, '(');
	close = open != NULL ? strchr (open, ')') : NULL;
	if (open == NULL || close == NULL || open == text)
		return NULL;
	{
		g_autofree char *name = g_strstrip (g_strndup (text, (gsize) (open - text)));
		g_autofree char *acronym = g_strstrip (g_strndup (open + 1, (gsize) (close - open - 1)));

		if (config_find_org (config, name) != NULL)
			return NULL;
		group = config_find_group (config, acronym);
		return group != NULL ? group : config_find_group (config, name);
	}
}

const Group *
thread_own_group (const Config *config, const Statement *statement)
{
	return statement != NULL ? group_named (config, statement->from_org_text) : NULL;
}

static gboolean
is_trusted_relay (const Config *config, const char *address)
{
	for (guint i = 0; config->trusted_relays != NULL && i < config->trusted_relays->len; i++)
		if (g_ascii_strcasecmp (g_ptr_array_index (config->trusted_relays, i), address) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
has_group (const Config *config, const Statement *statement, const Group *group)
{
	for (guint i = 0; statement->groups != NULL && i < statement->groups->len; i++)
		if (config_find_group (config, g_ptr_array_index (statement->groups, i)) == group)
			return TRUE;
	return FALSE;
}

/* Whether @address may answer for a peer that @thread, the IETF's own
 * statement (DIRECTION_OUTGOING), was sent to: a manager of one of its
 * peers (thread->groups), or who may submit for it (its authorized list,
 * else its domains unless it says senders = any). */
static gboolean
peer_person (const Config *config, const Statement *thread, const char *address)
{
	for (guint i = 0; thread->groups != NULL && i < thread->groups->len; i++) {
		const Org *org = config_find_org (config, g_ptr_array_index (thread->groups, i));

		if (org == NULL)
			continue;
		if (address_list_has (org->managers, address))
			return TRUE;
		for (guint j = 0; j < org->authorized->len; j++)
			if (g_ascii_strcasecmp (g_ptr_array_index (org->authorized, j), address) == 0)
				return TRUE;
		if (org->authorized->len == 0 && !org->senders_any && in_domains (org->domains, address))
			return TRUE;
	}
	return FALSE;
}

gboolean
thread_receiving_person (const Config *config, const Statement *thread, const char *address,
                         const Statement *statement)
{
	const Org *org = thread->from_org ? config_find_org (config, thread->from_org) : NULL;
	const Group *own;

	if (address == NULL || *address == '\0')
		return FALSE;
	if (thread->direction == DIRECTION_OUTGOING && peer_person (config, thread, address))
		return TRUE;
	for (guint i = 0; thread->groups != NULL && i < thread->groups->len; i++) {
		const Group *g = config_find_group (config, g_ptr_array_index (thread->groups, i));
		if (g != NULL && (mailbox_is (g->list, address) || address_list_has (g->chairs, address)
		                  || address_list_has (g->ads, address)))
			return TRUE;
	}
	if (org != NULL && address_list_has (org->managers, address))
		return TRUE;
	if (!is_trusted_relay (config, address))
		return FALSE;
	/* The Datatracker checks who submits for a group or a peer: what it
	 * relays is the IETF's answer when it is from one of the groups the
	 * statement went to, and the peer's when the statement was ours. */
	own = thread_own_group (config, statement);
	return thread_own_group (config, thread) != NULL || (own != NULL && has_group (config, thread, own));
}

const char *
thread_reply_refused (const Config *config, const Statement *thread, const char *address,
                      gboolean vouched, const Statement *statement)
{
	if (!thread_receiving_person (config, thread, address, statement))
		return THREAD_REFUSED_OUTSIDER;
	if (!vouched)
		return THREAD_REFUSED_UNVOUCHED;
	return NULL;
}

ThreadSide
thread_side (const char *address, const Statement *statement,
             const char *original_sender, const Config *config)
{
	const Org *org = statement->from_org ? config_find_org (config, statement->from_org) : NULL;

	if (address == NULL || *address == '\0')
		return THREAD_SIDE_UNKNOWN;
	if (thread_receiving_person (config, statement, address, NULL))
		return THREAD_SIDE_RECEIVING;
	if (original_sender != NULL && g_ascii_strcasecmp (original_sender, address) == 0)
		return THREAD_SIDE_SENDING;
	{
		g_autoptr (GPtrArray) from = g_ptr_array_new_with_free_func (g_free);
		if (statement->from_contact != NULL)
			g_ptr_array_add (from, g_strdup (statement->from_contact));
		if (any_contact_is (from, address) || any_contact_is (statement->response_contacts, address)
		    || any_contact_is (statement->technical_contacts, address))
			return THREAD_SIDE_SENDING;
	}
	if (org != NULL && in_domains (org->domains, address))
		return THREAD_SIDE_SENDING;
	return THREAD_SIDE_UNKNOWN;
}

ThreadSide
thread_sender_side (const char *from, const Statement *thread, const char *original_from,
                    const Config *config)
{
	g_autoptr (Address) sender = from != NULL ? address_parse (from) : NULL;
	g_autoptr (Address) original = original_from != NULL ? address_parse (original_from) : NULL;

	if (sender == NULL || sender->address == NULL)
		return THREAD_SIDE_UNKNOWN;
	return thread_side (sender->address, thread, original != NULL ? original->address : NULL, config);
}

const char *
thread_original_from (const Statement *thread)
{
	for (guint i = 0; thread->thread != NULL && i < thread->thread->len; i++) {
		const ThreadEntry *e = g_ptr_array_index (thread->thread, i);
		if (g_strcmp0 (e->role, "statement") == 0 && e->from != NULL)
			return e->from;
	}
	return NULL;
}

gboolean
thread_is_member (const Statement *statement, const char *thread_id, ThreadVia via,
                  const char *responds_to)
{
	if (thread_id == NULL)
		return FALSE;
	if (statement == NULL)
		return TRUE;
	if (statement->purpose == PURPOSE_RESPONSE || responds_to != NULL)
		return FALSE;
	return via == THREAD_VIA_MESSAGE_ID || via == THREAD_VIA_TAG;
}

const char *
thread_role_to_string (ThreadRole role)
{
	switch (role) {
	case THREAD_ROLE_FOLLOW_UP:
		return "follow-up";
	case THREAD_ROLE_AUTO_REPLY:
		return "auto-reply";
	case THREAD_ROLE_BOUNCE:
		return "bounce";
	case THREAD_ROLE_REPLY:
	default:
		return "reply";
	}
}

ThreadRole
thread_role (const char *kind, ThreadSide side)
{
	if (g_strcmp0 (kind, "auto-reply") == 0)
		return THREAD_ROLE_AUTO_REPLY;
	if (g_strcmp0 (kind, "bounce") == 0)
		return THREAD_ROLE_BOUNCE;
	return side == THREAD_SIDE_SENDING ? THREAD_ROLE_FOLLOW_UP : THREAD_ROLE_REPLY;
}

ThreadEffect *
thread_effect_new (const Statement *thread, ThreadRole role, const char *refused, const char *from,
                   const char *message_id, const char *note)
{
	ThreadEffect *effect = g_new0 (ThreadEffect, 1);
	g_autofree char *who = statement_clean_line (from != NULL ? from : "(unknown sender)");
	const char *id = message_id != NULL ? message_id : "";
	const char *end = note != NULL ? note : "";

	if (role == THREAD_ROLE_REPLY && refused == NULL) {
		effect->kind = THREAD_EFFECT_REPLIED;
		effect->state = thread->state == STATE_CLOSED ? NULL : "replied";
		effect->event = "replied";
		effect->detail = g_strdup_printf ("reply from %s <%s>%s", who, id, end);
	} else if (role == THREAD_ROLE_REPLY) {
		effect->kind = THREAD_EFFECT_EVENT;
		effect->event = "reply";
		effect->detail = g_strdup_printf ("reply from %s <%s> not counted: %s; state unchanged%s",
		                                  who, id, refused, end);
	} else if (role == THREAD_ROLE_FOLLOW_UP && refused == NULL) {
		effect->kind = THREAD_EFFECT_EVENT;
		effect->event = "follow-up";
		effect->detail = g_strdup_printf ("follow-up from %s <%s>, forwarded to the statement's "
		                                  "routes%s", who, id, end);
	} else if (role == THREAD_ROLE_FOLLOW_UP) {
		effect->kind = THREAD_EFFECT_EVENT;
		effect->event = "follow-up";
		effect->detail = g_strdup_printf ("follow-up from %s <%s> not forwarded: %s%s", who, id,
		                                  refused, end);
	}
	return effect;
}

void
thread_effect_free (ThreadEffect *effect)
{
	if (effect == NULL)
		return;
	g_free (effect->detail);
	g_free (effect);
}

void
thread_relate (Statement *statement, const char *responds_to)
{
	Related *rel;

	for (guint i = 0; i < statement->related->len; i++) {
		rel = g_ptr_array_index (statement->related, i);
		if (g_ascii_strcasecmp (rel->id, responds_to) == 0)
			return;
	}
	rel = g_new0 (Related, 1);
	rel->id = g_strdup (responds_to);
	rel->relation = g_strdup ("responds-to");
	g_ptr_array_add (statement->related, rel);
}
