/* conf-outgoing.c: the keys of the IETF's own statements (SPEC §13):
 * [liaison] reply-to, [approvers] section (conf.c reads [org] send-to
 * with the other keys of an org), kept apart from conf.c. */
#include "config.h"

#include <string.h>

#include "base/conf.h"

static void
problem (Config *config, const char *section, const char *key, const char *text,
         const char *value)
{
	g_ptr_array_add (config->problems, g_strdup_printf ("[%s] %s: \"%s\" %s", section, key,
	                                                    value, text));
}

/* The mailboxes of the list @key of @section; the ones that do not parse
 * are reported and left out. NULL when the key is absent. */
static GPtrArray *
mailboxes (Config *config, GKeyFile *kf, const char *section, const char *key)
{
	g_auto (GStrv) items = g_key_file_get_string_list (kf, section, key, NULL, NULL);
	GPtrArray *out;

	if (items == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
	for (guint i = 0; items[i] != NULL; i++) {
		g_autofree char *item = g_strstrip (g_strdup (items[i]));
		Address *mailbox;

		if (*item == '\0')
			continue;
		mailbox = address_parse (item);
		if (mailbox == NULL)
			problem (config, section, key, "is not a valid mail address", item);
		else
			g_ptr_array_add (out, mailbox);
	}
	return out;
}

void
config_approvers_free (ConfigApprovers *approvers)
{
	if (approvers == NULL)
		return;
	g_free (approvers->key);
	g_ptr_array_unref (approvers->mailboxes);
	g_free (approvers);
}

static void
load_approvers (Config *config, GKeyFile *kf)
{
	g_auto (GStrv) keys = g_key_file_get_keys (kf, "approvers", NULL, NULL);

	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		ConfigApprovers *a;
		GPtrArray *list;
		const char *k = keys[i];

		if (g_ascii_strcasecmp (k, "iab") != 0 && g_ascii_strcasecmp (k, "ietf") != 0 &&
		    g_ascii_strcasecmp (k, "iesg") != 0 && config_find_group (config, k) == NULL) {
			problem (config, "approvers", k, "is neither iab, ietf, iesg nor a group", k);
			continue;
		}
		list = mailboxes (config, kf, "approvers", k);
		if (list == NULL)
			continue;
		a = g_new0 (ConfigApprovers, 1);
		a->key = g_strdup (k);
		a->mailboxes = list;
		g_ptr_array_add (config->approvers, a);
	}
}

void
config_load_outgoing (Config *config, GKeyFile *kf)
{
	g_autofree char *reply_to = g_key_file_get_string (kf, "liaison", "reply-to", NULL);

	if (reply_to != NULL)
		g_strstrip (reply_to);
	if (reply_to != NULL && *reply_to != '\0') {
		g_autoptr (Address) a = address_parse (reply_to);

		if (a == NULL)
			problem (config, "liaison", "reply-to", "is not a valid mail address", reply_to);
		else
			config->reply_to = g_strdup (a->address);
	}
	if (config->reply_to == NULL && config->address != NULL)
		config->reply_to = g_strdup (config->address);
	config->approvers = g_ptr_array_new_with_free_func ((GDestroyNotify) config_approvers_free);
	load_approvers (config, kf);
}

static const GPtrArray *
approvers_key (const Config *config, const char *key)
{
	g_autofree char *want = config_name_key (key);

	for (guint i = 0; config->approvers != NULL && i < config->approvers->len; i++) {
		const ConfigApprovers *a = g_ptr_array_index (config->approvers, i);
		g_autofree char *have = config_name_key (a->key);

		if (strcmp (have, want) == 0)
			return a->mailboxes;
	}
	return NULL;
}

const GPtrArray *
config_approvers (const Config *config, const char *group_name)
{
	static GPtrArray *none = NULL;
	const Group *group = config_find_group (config, group_name);
	const GPtrArray *found;
	const char *name = group != NULL ? group->name : group_name;

	if (none == NULL)
		none = g_ptr_array_new ();
	if (name != NULL && (found = approvers_key (config, name)) != NULL)
		return found;
	if (name != NULL && g_ascii_strcasecmp (name, "iesg") == 0 &&
	    (found = approvers_key (config, "ietf")) != NULL)
		return found;
	if (group != NULL)
		return group->ads;
	return none;
}

const GPtrArray *
config_send_to (const Org *org)
{
	return org->send_to != NULL && org->send_to->len > 0 ? org->send_to : org->managers;
}
