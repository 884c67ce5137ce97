/* conf.c: reading liaison.conf (a GLib key file) into a Config, the directory
 * of peer organizations and receiving groups, the name-matching rule of SPEC
 * §3, and the checks behind `liaison check`. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "base/conf.h"
#include "base/conf-perms.h"
#include "base/error.h"

#ifndef SENDMAIL_PATH
#define SENDMAIL_PATH "/usr/sbin/sendmail"
#endif
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define DEFAULT_NAME "Liaison Statement Processor"
#define DEFAULT_ID_PREFIX "LS"
#define DEFAULT_TIME_LIMIT 120
#define DEFAULT_MAX_MESSAGE_SIZE G_GUINT64_CONSTANT (52428800)
#define DEFAULT_SMTP_HOST "localhost"
#define DEFAULT_SMTP_PORT 25
#define DEFAULT_OVERDUE_DAYS 14
#define DEFAULT_TRUSTED_RELAY "statements@ietf.org"
#define DEFAULT_MAX_RECIPIENTS 50
#define DEFAULT_AUTO_REPLY_LIMIT 10
#define DEFAULT_HELD_NOTICE_LIMIT 10

static const int default_reminder_days[] = { 14, 7, 4, 3, 2, 1, 0 };

/* The keys each kind of section may hold; anything else is reported, since a
 * misspelt key silently falling back to its default is the classic way of
 * losing a setting. */
static const char *const liaison_keys[] = {
	"address", "name", "database", "spool", "triage", "archive", "id-prefix",
	"acknowledge", "time-limit", "max-message-size", "authserv-id", "trusted-relays",
	"max-recipients", "auto-reply-limit", "held-notice-limit", "reply-to", NULL
};
static const char *const delivery_keys[] = {
	"method", "sendmail", "smtp-host", "smtp-port", "maildir", NULL
};
static const char *const reminders_keys[] = { "days", "overdue-days", NULL };
static const char *const org_keys[] = {
	"aliases", "domains", "managers", "authorized", "senders", "send-to", NULL
};
static const char *const group_keys[] = { "name", "aliases", "list", "chairs", "ads", NULL };
static const char *const publish_keys[] = { "html", "atom", "ical", NULL };

/* ------------------------------------------------------------------ */
/* Names */

char *
config_name_key (const char *name)
{
	g_autofree char *folded = NULL;
	GString *key;

	g_return_val_if_fail (name != NULL, NULL);

	/* ASCII, the usual case (it is called for every configured name at
	 * every lookup): folding is lowering. */
	{
		const char *p = name;
		while (*p != '\0' && (guchar) *p < 0x80)
			p++;
		if (*p == '\0') {
			char *out = g_malloc (p - name + 1), *o = out;
			for (p = name; *p != '\0'; p++)
				if (strchr ("-_ \t\n\r\f", *p) == NULL)
					*o++ = g_ascii_tolower (*p);
			*o = '\0';
			return out;
		}
	}
	if (!g_utf8_validate (name, -1, NULL))
		return g_strdup ("");
	folded = g_utf8_casefold (name, -1);
	key = g_string_new (NULL);
	for (const char *p = folded; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (c == '-' || c == '_' || g_unichar_isspace (c))
			continue;
		g_string_append_unichar (key, c);
	}
	return g_string_free (key, FALSE);
}

static gboolean
name_matches (const char *label, const char *key)
{
	g_autofree char *k = NULL;

	if (label == NULL)
		return FALSE;
	k = config_name_key (label);
	return *k != '\0' && strcmp (k, key) == 0;
}

static gboolean
any_name_matches (GPtrArray *labels, const char *key)
{
	for (guint i = 0; labels != NULL && i < labels->len; i++)
		if (name_matches (g_ptr_array_index (labels, i), key))
			return TRUE;
	return FALSE;
}

const Org *
config_find_org (const Config *config, const char *name)
{
	g_autofree char *key = NULL;

	g_return_val_if_fail (config != NULL, NULL);
	if (name == NULL)
		return NULL;
	key = config_name_key (name);
	if (*key == '\0')
		return NULL;
	for (guint i = 0; i < config->orgs->len; i++) {
		const Org *org = g_ptr_array_index (config->orgs, i);
		if (name_matches (org->name, key) || any_name_matches (org->aliases, key))
			return org;
	}
	return NULL;
}

const Group *
config_find_group (const Config *config, const char *name)
{
	g_autofree char *key = NULL;

	g_return_val_if_fail (config != NULL, NULL);
	if (name == NULL)
		return NULL;
	key = config_name_key (name);
	if (*key == '\0')
		return NULL;
	for (guint i = 0; i < config->groups->len; i++) {
		const Group *group = g_ptr_array_index (config->groups, i);
		if (name_matches (group->name, key) || name_matches (group->full_name, key) ||
		    any_name_matches (group->aliases, key))
			return group;
	}
	return NULL;
}

const Org *
config_find_org_by_domain (const Config *config, const char *domain)
{
	g_autofree char *lower = NULL;
	const char *at;
	const char *d;

	g_return_val_if_fail (config != NULL, NULL);
	if (domain == NULL)
		return NULL;
	/* Take an address as well as a bare domain. */
	at = strrchr (domain, '@');
	if (at != NULL)
		domain = at + 1;
	if (!g_utf8_validate (domain, -1, NULL))
		return NULL;
	lower = g_utf8_strdown (domain, -1);
	g_strstrip (lower);
	while (*lower && lower[strlen (lower) - 1] == '.')
		lower[strlen (lower) - 1] = '\0';

	/* From the full domain up through its parents. Several organizations
	 * can share a domain (ITU-T study groups all write from itu.int);
	 * such a domain names none of them, and the caller must rely on the
	 * statement's text instead. */
	for (d = lower; d != NULL && *d != '\0'; ) {
		const Org *found = NULL;
		gboolean ambiguous = FALSE;

		for (guint i = 0; i < config->orgs->len; i++) {
			const Org *org = g_ptr_array_index (config->orgs, i);
			for (guint j = 0; j < org->domains->len; j++) {
				if (g_ascii_strcasecmp (g_ptr_array_index (org->domains, j), d) != 0)
					continue;
				if (found != NULL && found != org)
					ambiguous = TRUE;
				found = org;
			}
		}
		if (ambiguous)
			return NULL;
		if (found != NULL)
			return found;
		d = strchr (d, '.');
		if (d != NULL)
			d++;
	}
	return NULL;
}

const Group *
config_find_group_by_list (const Config *config, const char *address)
{
	g_autoptr (Address) parsed = NULL;

	g_return_val_if_fail (config != NULL, NULL);
	if (address == NULL)
		return NULL;
	if (strchr (address, '<') != NULL) {
		parsed = address_parse (address);
		if (parsed == NULL)
			return NULL;
		address = parsed->address;
	}
	for (guint i = 0; i < config->groups->len; i++) {
		const Group *group = g_ptr_array_index (config->groups, i);
		if (group->list != NULL && g_ascii_strcasecmp (group->list->address, address) == 0)
			return group;
	}
	return NULL;
}

const char *
config_default_path (const char *option)
{
	const char *env;

	if (option != NULL && *option != '\0')
		return option;
	env = g_getenv ("LIAISON_CONFIG");
	if (env != NULL && *env != '\0')
		return env;
	return SYSCONFDIR "/liaison/liaison.conf";
}

/* ------------------------------------------------------------------ */
/* Loading */

static void
org_free (Org *org)
{
	if (org == NULL)
		return;
	g_free (org->name);
	g_ptr_array_unref (org->aliases);
	g_ptr_array_unref (org->domains);
	g_ptr_array_unref (org->managers);
	g_ptr_array_unref (org->authorized);
	if (org->send_to != NULL)
		g_ptr_array_unref (org->send_to);
	g_free (org);
}

static void
group_free (Group *group)
{
	if (group == NULL)
		return;
	g_free (group->name);
	g_free (group->full_name);
	g_ptr_array_unref (group->aliases);
	address_free (group->list);
	g_ptr_array_unref (group->chairs);
	g_ptr_array_unref (group->ads);
	g_free (group);
}

void
config_free (Config *config)
{
	if (config == NULL)
		return;
	g_free (config->path);
	g_free (config->address);
	g_free (config->name);
	g_free (config->database);
	g_free (config->spool);
	g_free (config->triage);
	g_free (config->archive);
	g_free (config->id_prefix);
	g_free (config->authserv_id);
	if (config->trusted_relays != NULL)
		g_ptr_array_unref (config->trusted_relays);
	g_free (config->sendmail);
	g_free (config->smtp_host);
	g_free (config->maildir);
	g_free (config->publish_html);
	g_free (config->publish_atom);
	g_free (config->publish_ical);
	if (config->reminder_days != NULL)
		g_array_unref (config->reminder_days);
	if (config->orgs != NULL)
		g_ptr_array_unref (config->orgs);
	if (config->groups != NULL)
		g_ptr_array_unref (config->groups);
	if (config->approvers != NULL)
		g_ptr_array_unref (config->approvers);
	g_free (config->reply_to);
	if (config->problems != NULL)
		g_ptr_array_unref (config->problems);
	g_free (config);
}

/* The state of one config_load() call. */
typedef struct {
	Config *config;
	GKeyFile *kf;
	char *dir;               /* absolute directory of the file */
} Loader;

G_GNUC_PRINTF (4, 5)
static void
problem (Loader *l, const char *section, const char *key, const char *format, ...)
{
	va_list ap;
	g_autofree char *text = NULL;

	va_start (ap, format);
	text = g_strdup_vprintf (format, ap);
	va_end (ap);
	if (key != NULL)
		g_ptr_array_add (l->config->problems, g_strdup_printf ("[%s] %s: %s", section, key, text));
	else
		g_ptr_array_add (l->config->problems, g_strdup_printf ("[%s]: %s", section, text));
}

/* GKeyFile reads a '#' after a value as part of the value; say so when a
 * bad value looks like it carries a comment. */
static const char *
hint (const char *value)
{
	return strstr (value, " #") != NULL || strstr (value, "\t#") != NULL
		? " (a comment must stand on a line of its own)" : "";
}

/* The trimmed value of @key, or NULL when absent or empty. */
static char *
get_string (Loader *l, const char *section, const char *key)
{
	char *value = g_key_file_get_string (l->kf, section, key, NULL);

	if (value == NULL)
		return NULL;
	g_strstrip (value);
	if (*value == '\0') {
		g_free (value);
		return NULL;
	}
	return value;
}

/* The `;`-separated list at @key, each item trimmed, empty items dropped.
 * Never NULL. */
static GPtrArray *
get_list (Loader *l, const char *section, const char *key)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_auto (GStrv) items = g_key_file_get_string_list (l->kf, section, key, NULL, NULL);

	for (guint i = 0; items != NULL && items[i] != NULL; i++) {
		char *item = g_strstrip (items[i]);
		if (*item != '\0')
			g_ptr_array_add (out, g_strdup (item));
	}
	return out;
}

/* A path relative to the directory of the configuration file. */
static char *
get_path (Loader *l, const char *section, const char *key)
{
	g_autofree char *value = get_string (l, section, key);

	if (value == NULL)
		return NULL;
	return g_canonicalize_filename (value, l->dir);
}

static gboolean
get_uint (Loader *l, const char *section, const char *key, guint64 min, guint64 max,
          guint64 *out)
{
	g_autofree char *value = get_string (l, section, key);
	guint64 n;

	if (value == NULL)
		return FALSE;
	if (!g_ascii_string_to_unsigned (value, 10, min, max, &n, NULL)) {
		problem (l, section, key, "\"%s\" is not a number from %" G_GUINT64_FORMAT
		         " to %" G_GUINT64_FORMAT "%s", value, min, max, hint (value));
		return FALSE;
	}
	*out = n;
	return TRUE;
}

static void
get_bool (Loader *l, const char *section, const char *key, gboolean *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	g_autofree char *value = get_string (l, section, key);

	if (value == NULL)
		return;
	for (guint i = 0; yes[i] != NULL; i++) {
		if (g_ascii_strcasecmp (value, yes[i]) == 0) {
			*out = TRUE;
			return;
		}
		if (g_ascii_strcasecmp (value, no[i]) == 0) {
			*out = FALSE;
			return;
		}
	}
	problem (l, section, key, "\"%s\" is neither true nor false%s", value, hint (value));
}

/* One address key of [liaison]: the addr-spec is kept (it goes on
 * envelopes); a value that is no mailbox is reported and kept as written. */
static char *
get_address (Loader *l, const char *section, const char *key)
{
	g_autofree char *value = get_string (l, section, key);
	g_autoptr (Address) mailbox = NULL;

	if (value == NULL)
		return NULL;
	mailbox = address_parse (value);
	if (mailbox == NULL) {
		problem (l, section, key, "\"%s\" is not a valid mail address%s", value, hint (value));
		return g_steal_pointer (&value);
	}
	return g_steal_pointer (&mailbox->address);
}

/* A list of mailboxes; the ones that do not parse are reported and left
 * out. */
static GPtrArray *
get_mailboxes (Loader *l, const char *section, const char *key)
{
	g_autoptr (GPtrArray) items = get_list (l, section, key);
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);

	for (guint i = 0; i < items->len; i++) {
		const char *item = g_ptr_array_index (items, i);
		Address *mailbox = address_parse (item);
		if (mailbox == NULL)
			problem (l, section, key, "\"%s\" is not a valid mail address%s", item, hint (item));
		else
			g_ptr_array_add (out, mailbox);
	}
	return out;
}

static void
check_keys (Loader *l, const char *section, const char *const *known)
{
	g_auto (GStrv) keys = g_key_file_get_keys (l->kf, section, NULL, NULL);

	for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
		if (!g_strv_contains (known, keys[i]))
			problem (l, section, keys[i], "unknown key");
}

static gint
compare_days_descending (gconstpointer a, gconstpointer b)
{
	int x = *(const int *) a, y = *(const int *) b;

	return (x < y) - (x > y);
}

static void
load_liaison (Loader *l)
{
	Config *c = l->config;
	const char *s = "liaison";
	guint64 n;

	c->address = get_address (l, s, "address");
	c->name = get_string (l, s, "name");
	if (c->name == NULL)
		c->name = g_strdup (DEFAULT_NAME);
	c->database = get_path (l, s, "database");
	c->spool = get_path (l, s, "spool");
	c->triage = get_address (l, s, "triage");
	if (c->triage == NULL)
		problem (l, s, "triage", "missing; held statements need an address to go to");
	c->archive = get_address (l, s, "archive");
	c->id_prefix = get_string (l, s, "id-prefix");
	if (c->id_prefix == NULL)
		c->id_prefix = g_strdup (DEFAULT_ID_PREFIX);
	c->acknowledge = TRUE;
	get_bool (l, s, "acknowledge", &c->acknowledge);
	c->time_limit = DEFAULT_TIME_LIMIT;
	if (get_uint (l, s, "time-limit", 0, G_MAXUINT, &n))
		c->time_limit = (guint) n;
	c->max_message_size = DEFAULT_MAX_MESSAGE_SIZE;
	if (get_uint (l, s, "max-message-size", 1, G_MAXUINT64, &n))
		c->max_message_size = n;
	c->authserv_id = get_string (l, s, "authserv-id");
	c->trusted_relays = g_ptr_array_new_with_free_func (g_free);
	if (g_key_file_has_key (l->kf, s, "trusted-relays", NULL)) {
		g_autoptr (GPtrArray) relays = get_mailboxes (l, s, "trusted-relays");
		for (guint i = 0; i < relays->len; i++) {
			const Address *m = g_ptr_array_index (relays, i);
			g_ptr_array_add (c->trusted_relays, g_utf8_strdown (m->address, -1));
		}
	} else {
		g_ptr_array_add (c->trusted_relays, g_strdup (DEFAULT_TRUSTED_RELAY));
	}
	c->max_recipients = DEFAULT_MAX_RECIPIENTS;
	if (get_uint (l, s, "max-recipients", 1, 100000, &n))
		c->max_recipients = (guint) n;
	c->auto_reply_limit = DEFAULT_AUTO_REPLY_LIMIT;
	if (get_uint (l, s, "auto-reply-limit", 0, 100000, &n))
		c->auto_reply_limit = (guint) n;
	c->held_notice_limit = DEFAULT_HELD_NOTICE_LIMIT;
	if (get_uint (l, s, "held-notice-limit", 0, 100000, &n))
		c->held_notice_limit = (guint) n;
}

static void
load_delivery (Loader *l)
{
	Config *c = l->config;
	const char *s = "delivery";
	g_autofree char *method = get_string (l, s, "method");
	guint64 n;

	c->method = DELIVERY_SENDMAIL;
	if (method != NULL) {
		if (g_ascii_strcasecmp (method, "sendmail") == 0)
			c->method = DELIVERY_SENDMAIL;
		else if (g_ascii_strcasecmp (method, "smtp") == 0)
			c->method = DELIVERY_SMTP;
		else if (g_ascii_strcasecmp (method, "maildir") == 0)
			c->method = DELIVERY_MAILDIR;
		else
			problem (l, s, "method", "\"%s\" is not sendmail, smtp or maildir%s", method,
			         hint (method));
	}
	c->sendmail = get_string (l, s, "sendmail");
	if (c->sendmail == NULL)
		c->sendmail = g_strdup (SENDMAIL_PATH);
	c->smtp_host = get_string (l, s, "smtp-host");
	if (c->smtp_host == NULL)
		c->smtp_host = g_strdup (DEFAULT_SMTP_HOST);
	c->smtp_port = DEFAULT_SMTP_PORT;
	if (get_uint (l, s, "smtp-port", 1, 65535, &n))
		c->smtp_port = (guint) n;
	c->maildir = get_path (l, s, "maildir");
	if (c->maildir == NULL && c->spool != NULL)
		c->maildir = g_build_filename (c->spool, "outbox", NULL);
}

static void
load_reminders (Loader *l)
{
	Config *c = l->config;
	const char *s = "reminders";
	guint64 n;

	c->reminder_days = g_array_new (FALSE, FALSE, sizeof (int));
	if (g_key_file_has_key (l->kf, s, "days", NULL)) {
		g_autoptr (GPtrArray) items = get_list (l, s, "days");
		for (guint i = 0; i < items->len; i++) {
			const char *item = g_ptr_array_index (items, i);
			int day;
			if (!g_ascii_string_to_unsigned (item, 10, 0, 3650, &n, NULL)) {
				problem (l, s, "days", "\"%s\" is not a number of days", item);
				continue;
			}
			day = (int) n;
			g_array_append_val (c->reminder_days, day);
		}
	} else {
		g_array_append_vals (c->reminder_days, default_reminder_days,
		                     G_N_ELEMENTS (default_reminder_days));
	}
	g_array_sort (c->reminder_days, compare_days_descending);
	for (guint i = 1; i < c->reminder_days->len; ) {
		if (g_array_index (c->reminder_days, int, i) == g_array_index (c->reminder_days, int, i - 1))
			g_array_remove_index (c->reminder_days, i);
		else
			i++;
	}
	c->overdue_days = DEFAULT_OVERDUE_DAYS;
	if (get_uint (l, s, "overdue-days", 0, 3650, &n))
		c->overdue_days = (guint) n;
}

static void
load_org (Loader *l, const char *section, const char *name)
{
	Org *org = g_new0 (Org, 1);
	g_autoptr (GPtrArray) domains = NULL;
	g_autoptr (GPtrArray) authorized = NULL;
	g_autofree char *senders = NULL;

	org->name = g_strdup (name);
	org->aliases = get_list (l, section, "aliases");
	org->domains = g_ptr_array_new_with_free_func (g_free);
	domains = get_list (l, section, "domains");
	for (guint i = 0; i < domains->len; i++) {
		const char *d = g_ptr_array_index (domains, i);
		g_autofree char *lower = NULL;
		/* "@itu.int" and "itu.int." mean itu.int. */
		if (*d == '@')
			d++;
		lower = g_utf8_strdown (d, -1);
		while (*lower && lower[strlen (lower) - 1] == '.')
			lower[strlen (lower) - 1] = '\0';
		if (!address_domain_ok (lower) || *lower == '.') {
			problem (l, section, "domains", "\"%s\" is not a domain", d);
			continue;
		}
		g_ptr_array_add (org->domains, g_steal_pointer (&lower));
	}
	org->managers = get_mailboxes (l, section, "managers");
	org->send_to = get_mailboxes (l, section, "send-to");
	org->authorized = g_ptr_array_new_with_free_func (g_free);
	authorized = get_mailboxes (l, section, "authorized");
	for (guint i = 0; i < authorized->len; i++) {
		const Address *m = g_ptr_array_index (authorized, i);
		g_ptr_array_add (org->authorized, g_utf8_strdown (m->address, -1));
	}
	senders = get_string (l, section, "senders");
	if (senders != NULL) {
		if (g_ascii_strcasecmp (senders, "any") == 0)
			org->senders_any = TRUE;
		else if (g_ascii_strcasecmp (senders, "domains") != 0)
			problem (l, section, "senders", "\"%s\" is neither domains nor any%s", senders,
			         hint (senders));
	}
	g_ptr_array_add (l->config->orgs, org);
}

static void
load_group (Loader *l, const char *section, const char *name)
{
	Group *group = g_new0 (Group, 1);
	g_autofree char *list = NULL;

	group->name = g_strdup (name);
	group->full_name = get_string (l, section, "name");
	group->aliases = get_list (l, section, "aliases");
	list = get_string (l, section, "list");
	if (list == NULL) {
		problem (l, section, "list", "missing; a group needs the address of its list");
	} else {
		group->list = address_parse (list);
		if (group->list == NULL)
			problem (l, section, "list", "\"%s\" is not a valid mail address%s", list, hint (list));
	}
	group->chairs = get_mailboxes (l, section, "chairs");
	group->ads = get_mailboxes (l, section, "ads");
	g_ptr_array_add (l->config->groups, group);
}

/* Reports a name or alias that two organizations (or two groups) share under
 * the name rule: whichever is found first would win, silently. @owners maps
 * a name key to the section that claimed it first. */
static void
claim_name (Loader *l, GHashTable *owners, const char *section, const char *key_name,
            const char *label)
{
	g_autofree char *key = config_name_key (label);
	const char *owner;

	if (*key == '\0') {
		problem (l, section, key_name, "\"%s\" cannot be matched: it has no letters or digits", label);
		return;
	}
	owner = g_hash_table_lookup (owners, key);
	if (owner == NULL) {
		g_hash_table_insert (owners, g_steal_pointer (&key), g_strdup (section));
		return;
	}
	if (strcmp (owner, section) == 0)
		return;
	if (key_name == NULL)
		problem (l, section, NULL, "the name \"%s\" is also a name of [%s]", label, owner);
	else
		problem (l, section, key_name, "\"%s\" is also a name of [%s]", label, owner);
}

static void
check_names (Loader *l)
{
	g_autoptr (GHashTable) org_owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr (GHashTable) group_owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	Config *c = l->config;

	for (guint i = 0; i < c->orgs->len; i++) {
		const Org *org = g_ptr_array_index (c->orgs, i);
		g_autofree char *section = g_strdup_printf ("org %s", org->name);
		claim_name (l, org_owners, section, NULL, org->name);
		for (guint j = 0; j < org->aliases->len; j++)
			claim_name (l, org_owners, section, "aliases", g_ptr_array_index (org->aliases, j));
	}
	for (guint i = 0; i < c->groups->len; i++) {
		const Group *group = g_ptr_array_index (c->groups, i);
		g_autofree char *section = g_strdup_printf ("group %s", group->name);
		claim_name (l, group_owners, section, NULL, group->name);
		if (group->full_name != NULL)
			claim_name (l, group_owners, section, "name", group->full_name);
		for (guint j = 0; j < group->aliases->len; j++)
			claim_name (l, group_owners, section, "aliases", g_ptr_array_index (group->aliases, j));
	}
}

/* "org ITU-T SG15" -> "ITU-T SG15"; NULL when @section is not of @kind. */
static const char *
section_name (const char *section, const char *kind)
{
	gsize n = strlen (kind);

	if (strncmp (section, kind, n) != 0 || !g_ascii_isspace (section[n]))
		return NULL;
	section += n;
	while (g_ascii_isspace (*section))
		section++;
	return section;
}

/* Every section of the file, each checked for unknown keys; the [org]
 * and [group] sections loaded. */
static void
load_sections (Loader *l)
{
	g_auto (GStrv) sections = g_key_file_get_groups (l->kf, NULL);

	for (guint i = 0; sections[i] != NULL; i++) {
		const char *section = sections[i];
		const char *name;

		if (strcmp (section, "liaison") == 0) {
			check_keys (l, section, liaison_keys);
		} else if (strcmp (section, "delivery") == 0) {
			check_keys (l, section, delivery_keys);
		} else if (strcmp (section, "reminders") == 0) {
			check_keys (l, section, reminders_keys);
		} else if (strcmp (section, "publish") == 0) {
			/* The public register (SPEC §13): paths like the others. */
			check_keys (l, section, publish_keys);
			l->config->publish_html = get_path (l, section, "html");
			l->config->publish_atom = get_path (l, section, "atom");
			l->config->publish_ical = get_path (l, section, "ical");
		} else if (strcmp (section, "approvers") == 0) {
			/* conf-outgoing.c reads it, after the groups. */
		} else if ((name = section_name (section, "org")) != NULL && *name != '\0') {
			check_keys (l, section, org_keys);
			load_org (l, section, name);
		} else if ((name = section_name (section, "group")) != NULL && *name != '\0') {
			check_keys (l, section, group_keys);
			load_group (l, section, name);
		} else {
			problem (l, section, NULL, "unknown section");
		}
	}
}

/* FALSE, with the error, when @config lacks a key it cannot do without. */
static gboolean
check_required (const Config *config, const char *path, GError **error)
{
	g_autoptr (GPtrArray) missing = g_ptr_array_new ();
	g_autofree char *keys = NULL;

	if (config->address == NULL)
		g_ptr_array_add (missing, "address");
	if (config->database == NULL)
		g_ptr_array_add (missing, "database");
	if (config->spool == NULL)
		g_ptr_array_add (missing, "spool");
	if (missing->len == 0)
		return TRUE;
	g_ptr_array_add (missing, NULL);
	keys = g_strjoinv (", ", (char **) missing->pdata);
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
	             "configuration %s: [liaison] %s missing", path, keys);
	return FALSE;
}

/* FALSE, with the error, when the spool, or the outbox Maildir that
 * [delivery] writes to, exists and is writable by others. */
static gboolean
check_directories (const Config *config, const char *path, GError **error)
{
	g_autofree char *problem = conf_perms_dir_problem ("liaison", "spool", config->spool);

	if (problem == NULL && config->method == DELIVERY_MAILDIR)
		problem = conf_perms_dir_problem ("delivery", "maildir", config->maildir);
	if (problem == NULL)
		return TRUE;
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG, "configuration %s: %s: refused",
	             path, problem);
	return FALSE;
}

/* The directory of @path, absolute. */
static char *
config_dir (const char *path)
{
	g_autofree char *dir = g_path_get_dirname (path);
	g_autofree char *cwd = NULL;

	if (g_path_is_absolute (dir))
		return g_steal_pointer (&dir);
	cwd = g_get_current_dir ();
	return g_canonicalize_filename (dir, cwd);
}

/* The bytes of the file at @path, NUL-terminated; the error text is the
 * one GKeyFile gives (the system's, or "Not a regular file"). */
static char *
read_config (const char *path, gsize *length, GError **error)
{
	g_autoptr (GByteArray) bytes = g_byte_array_new ();
	struct stat st;
	guint8 buffer[8192];
	int fd, errsv;
	ssize_t n;

	fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		errsv = errno;
		g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (errsv), g_strerror (errsv));
		return NULL;
	}
	if (fstat (fd, &st) < 0) {
		errsv = errno;
		close (fd);
		g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (errsv), g_strerror (errsv));
		return NULL;
	}
	if (!S_ISREG (st.st_mode)) {
		close (fd);
		g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "Not a regular file");
		return NULL;
	}
	/* The file opened, not the name: a link is judged by its target, and
	 * nothing can be swapped in between the check and the read. */
	if (!conf_perms_check_file (path, &st, error)) {
		close (fd);
		return NULL;
	}
	while ((n = read (fd, buffer, sizeof buffer)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			errsv = errno;
			close (fd);
			g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (errsv), g_strerror (errsv));
			return NULL;
		}
		g_byte_array_append (bytes, buffer, n);
	}
	close (fd);
	*length = bytes->len;
	g_byte_array_append (bytes, (const guint8 *) "", 1);
	return (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
}

/* FALSE, with the error, when a section header of @text appears twice, or
 * when two [org] (or two [group]) sections have one name under the name
 * rule. GKeyFile would merge the first kind and keep both of the second,
 * so that one added line could take over a section's keys. Headers are
 * found as GKeyFile finds them: a line that, blanks trimmed, starts with
 * '[' and ends with ']'. */
static gboolean
check_sections (const char *path, const char *text, GError **error)
{
	g_autoptr (GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		guint number = i + 1, first;
		const char *kind = NULL, *name;
		g_autofree char *header = NULL;
		char *line = g_strstrip (lines[i]);
		gsize n = strlen (line);
		gpointer value;

		if (n < 2 || line[0] != '[' || line[n - 1] != ']')
			continue;
		header = g_strndup (line + 1, n - 2);
		if (g_hash_table_lookup_extended (headers, header, NULL, &value)) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
			             "configuration %s: [%s] appears twice (lines %u and %u)",
			             path, header, GPOINTER_TO_UINT (value), number);
			return FALSE;
		}
		g_hash_table_insert (headers, g_strdup (header), GUINT_TO_POINTER (number));

		if ((name = section_name (header, "org")) != NULL)
			kind = "org";
		else if ((name = section_name (header, "group")) != NULL)
			kind = "group";
		if (kind != NULL && *name != '\0') {
			g_autofree char *key = config_name_key (name);
			g_autofree char *slot = g_strconcat (kind, " ", key, NULL);
			const char *seen;

			if (*key == '\0')
				continue;
			seen = g_hash_table_lookup (names, slot);
			if (seen != NULL) {
				first = GPOINTER_TO_UINT (g_hash_table_lookup (headers, seen));
				g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
				             "configuration %s: [%s] (line %u) is the same %s as [%s] (line %u)",
				             path, header, number,
				             strcmp (kind, "org") == 0 ? "organization" : "group", seen, first);
				return FALSE;
			}
			g_hash_table_insert (names, g_steal_pointer (&slot), g_strdup (header));
		}
	}
	return TRUE;
}

Config *
config_load (const char *path, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) local = NULL;
	g_autoptr (Config) config = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *text = NULL;
	const char *start = NULL;
	gsize length = 0;
	Loader l;

	g_return_val_if_fail (path != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	g_key_file_set_list_separator (kf, ';');
	text = read_config (path, &length, &local);
	if (text == NULL && local->domain == LIAISON_ERROR) {
		g_propagate_error (error, g_steal_pointer (&local));
		return NULL;
	}
	if (text != NULL) {
		/* A byte-order mark, as some editors write, is not a line. */
		start = text;
		if (length >= 3 && memcmp (start, "\xef\xbb\xbf", 3) == 0) {
			start += 3;
			length -= 3;
		}
		if (!check_sections (path, start, error))
			return NULL;
	}
	if (text == NULL || !g_key_file_load_from_data (kf, start, length, G_KEY_FILE_NONE, &local)) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
		             "cannot read configuration %s: %s", path, local->message);
		return NULL;
	}

	dir = config_dir (path);
	config = g_new0 (Config, 1);
	config->path = g_strdup (path);
	config->orgs = g_ptr_array_new_with_free_func ((GDestroyNotify) org_free);
	config->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
	config->problems = g_ptr_array_new_with_free_func (g_free);
	l.config = config;
	l.kf = kf;
	l.dir = dir;

	/* [liaison] first: spool is the default base of [delivery] maildir. */
	load_liaison (&l);
	load_delivery (&l);
	load_reminders (&l);
	load_sections (&l);
	config_load_outgoing (config, kf);
	check_names (&l);
	if (!check_required (config, path, error) || !check_directories (config, path, error))
		return NULL;
	return g_steal_pointer (&config);
}

/* ------------------------------------------------------------------ */
/* Checks */

/* Whether the directory that would hold @path (a directory itself when
 * @is_dir) can be written, creating nothing: the path itself when it
 * exists, else its nearest existing ancestor. Returns a problem sentence,
 * or NULL when all is well. */
static char *
check_writable (const char *section, const char *key, const char *path, gboolean is_dir)
{
	g_autofree char *probe = NULL;
	struct stat st;

	if (path == NULL)
		return NULL;
	if (stat (path, &st) == 0) {
		if (is_dir && !S_ISDIR (st.st_mode))
			return g_strdup_printf ("[%s] %s: %s is not a directory", section, key, path);
		if (!is_dir && S_ISDIR (st.st_mode))
			return g_strdup_printf ("[%s] %s: %s is a directory", section, key, path);
		if (access (path, is_dir ? W_OK | X_OK : W_OK | R_OK) != 0)
			return g_strdup_printf ("[%s] %s: %s is not writable: %s", section, key, path,
			                        g_strerror (errno));
		if (is_dir)
			return NULL;
	} else if (errno != ENOENT) {
		return g_strdup_printf ("[%s] %s: %s: %s", section, key, path, g_strerror (errno));
	}

	/* A database needs its directory writable too (journal, WAL); a
	 * directory yet to be created needs its nearest existing ancestor. */
	probe = g_path_get_dirname (path);
	for (;;) {
		if (stat (probe, &st) == 0)
			break;
		if (errno != ENOENT)
			return g_strdup_printf ("[%s] %s: %s: %s", section, key, probe, g_strerror (errno));
		{
			char *parent = g_path_get_dirname (probe);
			if (strcmp (parent, probe) == 0) {
				g_free (parent);
				return g_strdup_printf ("[%s] %s: no directory of %s exists", section, key, path);
			}
			g_free (probe);
			probe = parent;
		}
	}
	if (!S_ISDIR (st.st_mode))
		return g_strdup_printf ("[%s] %s: %s is not a directory", section, key, probe);
	if (access (probe, W_OK | X_OK) != 0)
		return g_strdup_printf ("[%s] %s: %s is not writable: %s", section, key, probe,
		                        g_strerror (errno));
	return NULL;
}

/* A problem when the database's directory does not exist and nothing will
 * create it. deliver creates the spool, with its parents, before it opens
 * the database, so a database in the spool's directory or one of its
 * parents finds its directory made; SQLite itself creates no directory,
 * and deliver would exit 75 on every message. */
static char *
check_database_dir (const Config *config)
{
	g_autofree char *dir = NULL;
	gsize n;
	struct stat st;

	if (config->database == NULL)
		return NULL;
	dir = g_path_get_dirname (config->database);
	if (stat (dir, &st) == 0 || errno != ENOENT)
		return NULL;
	n = strlen (dir);
	if (config->spool != NULL && strncmp (config->spool, dir, n) == 0
	    && (config->spool[n] == '\0' || config->spool[n] == '/'))
		return NULL;
	return g_strdup_printf ("[liaison] database: the directory %s does not exist; create it "
	                        "(liaison creates the spool, not the database's directory)", dir);
}

/* A problem when the sendmail program cannot be run: missing, not
 * executable, or not a file. */
static char *
check_sendmail (const char *program)
{
	struct stat st;

	if (program == NULL)
		return g_strdup ("[delivery] sendmail: no program is set");
	if (stat (program, &st) != 0)
		return g_strdup_printf ("[delivery] sendmail: %s is not executable: %s", program,
		                        g_strerror (errno));
	if (!S_ISREG (st.st_mode))
		return g_strdup_printf ("[delivery] sendmail: %s is not a program (not a regular file)",
		                        program);
	if (access (program, X_OK) != 0)
		return g_strdup_printf ("[delivery] sendmail: %s is not executable: %s", program,
		                        g_strerror (errno));
	return NULL;
}

gboolean
config_check (const Config *config, GPtrArray *problems)
{
	guint before;
	char *p;

	g_return_val_if_fail (config != NULL, FALSE);
	g_return_val_if_fail (problems != NULL, FALSE);

	before = problems->len;
	for (guint i = 0; i < config->problems->len; i++)
		g_ptr_array_add (problems, g_strdup (g_ptr_array_index (config->problems, i)));

	if ((p = check_database_dir (config)) != NULL
	    || (p = check_writable ("liaison", "database", config->database, FALSE)) != NULL)
		g_ptr_array_add (problems, p);
	conf_perms_database_problems (config->database, problems);
	if ((p = check_writable ("liaison", "spool", config->spool, TRUE)) != NULL)
		g_ptr_array_add (problems, p);
	switch (config->method) {
	case DELIVERY_MAILDIR:
		if ((p = check_writable ("delivery", "maildir", config->maildir, TRUE)) != NULL)
			g_ptr_array_add (problems, p);
		break;
	case DELIVERY_SENDMAIL:
		if ((p = check_sendmail (config->sendmail)) != NULL)
			g_ptr_array_add (problems, p);
		break;
	case DELIVERY_SMTP:
		break;
	}
	if ((p = check_writable ("publish", "html", config->publish_html, TRUE)) != NULL)
		g_ptr_array_add (problems, p);
	if ((p = check_writable ("publish", "atom", config->publish_atom, FALSE)) != NULL)
		g_ptr_array_add (problems, p);
	if ((p = check_writable ("publish", "ical", config->publish_ical, FALSE)) != NULL)
		g_ptr_array_add (problems, p);
	return problems->len == before;
}
