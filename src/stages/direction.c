/* direction.c: telling the IETF's own statements (outgoing: from one of
 * our groups to a peer) from the statements we receive, and who may send
 * us one. An outgoing statement is recorded, not forwarded to our groups
 * as if a peer had sent it; see direction.h. */
#include "config.h"

#include <string.h>

#include "stages/authorize.h"
#include "stages/direction.h"
#include "stages/thread.h"
#include "base/util.h"

/* The text before @text's last "(", and the text inside it, trimmed;
 * FALSE when it has no "(...)" after some text. */
static gboolean
split_paren (const char *text, char **name, char **inside)
{
	const char *open = strrchr (text, '(');
	const char *close = open != NULL ? strchr (open, ')') : NULL;

	if (open == NULL || close == NULL || open == text)
		return FALSE;
	*name = g_strstrip (g_strndup (text, (gsize) (open - text)));
	*inside = g_strstrip (g_strndup (open + 1, (gsize) (close - open - 1)));
	return TRUE;
}

/* The group of ours @text names: "Multiprotocol Label Switching",
 * "Multiprotocol Label Switching (mpls)", "mpls (Omar Haddad)". */
static const Group *
group_in (const Config *config, const char *text)
{
	g_autofree char *name = NULL, *inside = NULL;
	const Group *group;

	if ((group = config_find_group (config, text)) != NULL)
		return group;
	if (!split_paren (text, &name, &inside))
		return NULL;
	if ((group = config_find_group (config, inside)) != NULL)
		return group;
	return config_find_group (config, name);
}

/* The peer organization @text names, the same ways. */
static const Org *
org_in (const Config *config, const char *text)
{
	g_autofree char *name = NULL, *inside = NULL;
	const Org *org;

	if ((org = config_find_org (config, text)) != NULL)
		return org;
	if (!split_paren (text, &name, &inside))
		return NULL;
	if ((org = config_find_org (config, name)) != NULL)
		return org;
	return config_find_org (config, inside);
}

/* Whether @address is the list, a chair or an AD of @group. */
static gboolean
group_person (const Group *group, const char *address)
{
	if (address == NULL || *address == '\0')
		return FALSE;
	return (group->list != NULL && group->list->address != NULL &&
	        g_ascii_strcasecmp (group->list->address, address) == 0) ||
	       address_list_has (group->chairs, address) || address_list_has (group->ads, address);
}

const Group *
direction_own_group (const Config *config, const Statement *statement, const char *from_address)
{
	const Group *group;

	g_return_val_if_fail (config != NULL && statement != NULL, NULL);

	if ((group = thread_own_group (config, statement)) != NULL)
		return group;
	for (guint i = 0; config->groups != NULL && i < config->groups->len; i++) {
		group = g_ptr_array_index (config->groups, i);
		if (group_person (group, from_address))
			return group;
	}
	return NULL;
}

/* The peers whose domains the To addresses of @message are in. */
static void
peers_of_recipients (const Config *config, const Message *message, GPtrArray *peers)
{
	InternetAddressList *to;

	if (message == NULL || message->mime == NULL)
		return;
	to = g_mime_message_get_addresses (message->mime, GMIME_ADDRESS_TYPE_TO);
	for (int i = 0; to != NULL && i < internet_address_list_length (to); i++) {
		InternetAddress *ia = internet_address_list_get_address (to, i);
		const char *addr, *at;
		const Org *org;

		if (!INTERNET_ADDRESS_IS_MAILBOX (ia))
			continue;
		addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
		at = addr != NULL ? strrchr (addr, '@') : NULL;
		if (at != NULL && (org = config_find_org_by_domain (config, at + 1)) != NULL)
			util_add_unique (peers, org->name, TRUE);
	}
}

GPtrArray *
direction_peers (const Config *config, const Statement *statement, const Message *message)
{
	GPtrArray *peers = g_ptr_array_new_with_free_func (g_free);

	g_return_val_if_fail (config != NULL && statement != NULL, peers);

	for (guint i = 0; statement->to_texts != NULL && i < statement->to_texts->len; i++) {
		const char *text = g_ptr_array_index (statement->to_texts, i);
		const Org *org;

		/* Written to one of our groups: it is ours to receive. */
		if (group_in (config, text) != NULL) {
			g_ptr_array_set_size (peers, 0);
			return peers;
		}
		if ((org = org_in (config, text)) != NULL)
			util_add_unique (peers, org->name, TRUE);
	}
	if (peers->len == 0)
		peers_of_recipients (config, message, peers);
	return peers;
}

/* Why the sender of @message may not send us @group's statement, or NULL:
 * only a trusted relay (the Datatracker, which checks who submits for a
 * group) or the group's list, chairs and ADs may, and only when they are
 * believed (authorize_known_sender()). Newly allocated. */
static char *
refusal (const Config *config, const Group *group, const Message *message)
{
	const char *from = message != NULL ? message->from_address : NULL;
	const char *unbelieved;

	if (message == NULL)
		return g_strdup_printf ("%s (from %s), with no message", DIRECTION_REFUSED, group->name);
	if (!authorize_is_relay (config, message) && !group_person (group, from))
		return g_strdup_printf ("%s (from %s), but its sender %s is neither a trusted relay "
		                        "nor a list, chair or AD of %s", DIRECTION_REFUSED, group->name,
		                        from != NULL && *from != '\0' ? from : "(none)", group->name);
	unbelieved = authorize_known_sender (config, message);
	if (unbelieved != NULL)
		return g_strdup_printf ("%s (from %s), but its sender is not believed: %s",
		                        DIRECTION_REFUSED, group->name, unbelieved);
	return NULL;
}

/* Drops resolve's "unresolved destination group: To: X; To: Y": an
 * outgoing statement has no group of ours to go to. resolve sets it only
 * when there was no reason before, so it is the whole reason. */
static void
drop_unresolved (Statement *statement)
{
	if (statement->hold_reason != NULL &&
	    g_str_has_prefix (statement->hold_reason, "unresolved destination group"))
		g_clear_pointer (&statement->hold_reason, g_free);
}

void
direction_resolve (Statement *statement, const Config *config, const Message *message)
{
	const Group *own;
	g_autoptr (GPtrArray) peers = NULL;
	g_autofree char *why = NULL;

	g_return_if_fail (statement != NULL && config != NULL);

	own = direction_own_group (config, statement, message != NULL ? message->from_address : NULL);
	if (own == NULL)
		return;
	peers = direction_peers (config, statement, message);
	if (peers->len == 0)
		return;
	statement->direction = DIRECTION_OUTGOING;
	g_free (statement->from_org);
	statement->from_org = g_strdup (own->name);
	g_ptr_array_set_size (statement->groups, 0);
	for (guint i = 0; i < peers->len; i++)
		g_ptr_array_add (statement->groups, g_strdup (g_ptr_array_index (peers, i)));
	drop_unresolved (statement);
	why = refusal (config, own, message);
	if (why != NULL) {
		char *reason = statement->hold_reason != NULL
			? g_strdup_printf ("%s; %s", why, statement->hold_reason) : g_steal_pointer (&why);
		g_free (statement->hold_reason);
		statement->hold_reason = reason;
	}
}
