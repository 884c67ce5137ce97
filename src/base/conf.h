/* conf.h: liaison.conf read with GKeyFile into a typed Config, the directory of
 * peer organizations and receiving groups, and the name-matching rule.
 * (Named conf.h because autoconf owns config.h.) */
#ifndef LIAISON_CONF_H
#define LIAISON_CONF_H

#include <glib.h>

#include "base/address.h"

typedef enum {
	DELIVERY_SENDMAIL,
	DELIVERY_SMTP,
	DELIVERY_MAILDIR,
} DeliveryMethod;


/* [org NAME] */
typedef struct {
	char *name;              /* as written in the section header */
	GPtrArray *aliases;      /* char* */
	GPtrArray *domains;      /* char*, lower case */
	GPtrArray *managers;     /* Address* */
	GPtrArray *authorized;   /* char* addr-specs, lower case; empty: anyone */
	gboolean senders_any;    /* senders = any: the domain rule is off */
	GPtrArray *send_to;      /* Address*: send-to = ..., where the IETF's
	                          * statements to it go; empty: its managers
	                          * (config_send_to()) */
} Org;

/* [group NAME] */
typedef struct {
	char *name;              /* the key: "ccamp" */
	char *full_name;         /* name = ...: "Common Control and Measurement Plane" */
	GPtrArray *aliases;      /* char* */
	Address *list;           /* list = ...; NULL is a configuration problem */
	GPtrArray *chairs;       /* Address* */
	GPtrArray *ads;          /* Address* */
} Group;

/* One key of [approvers]: "iab", "ietf", "iesg", or a group whose
 * approvers it names instead of its ADs. */
typedef struct {
	char *key;               /* as written */
	GPtrArray *mailboxes;    /* Address* */
} ConfigApprovers;

typedef struct {
	char *path;              /* the file it was read from */

	/* [liaison] */
	char *address;
	char *name;
	char *database;
	char *spool;
	char *triage;
	char *archive;           /* NULL when unset */
	char *id_prefix;         /* default "LS" */
	gboolean acknowledge;    /* default TRUE */
	guint time_limit;        /* seconds, default 120 */
	guint64 max_message_size;/* bytes, default 52428800 */
	char *authserv_id;       /* NULL when unset */
	GPtrArray *trusted_relays;/* char* addr-specs, lower case; default
	                          * statements@ietf.org; empty when set empty */
	guint max_recipients;    /* the most recipients of one message; default 50 */
	guint auto_reply_limit;  /* acknowledgements and confirmations to one
	                          * address outside the directory per day;
	                          * default 10 */
	char *reply_to;          /* reply-to = ...: the Reply-To of the IETF's
	                          * statements we send; default address */
	guint held_notice_limit; /* held notices to triage about one sender's
	                          * messages per day; the rest go into
	                          * remind's daily summary; default 10 */

	/* [delivery] */
	DeliveryMethod method;
	char *sendmail;          /* default SENDMAIL from configure */
	char *smtp_host;         /* default "localhost" */
	guint smtp_port;         /* default 25 */
	char *maildir;           /* default <spool>/outbox */

	/* [reminders] */
	GArray *reminder_days;   /* int, descending; default 14;7;4;3;2;1;0 */
	guint overdue_days;      /* default 14 */

	/* [publish]: the public register (SPEC §13); each NULL when unset,
	 * else absolute (relative ones are taken from the file's directory). */
	char *publish_html;      /* html = DIR: the static HTML register */
	char *publish_atom;      /* atom = FILE: its Atom feed */
	char *publish_ical;      /* ical = FILE: the open deadlines, RFC 5545 */

	GPtrArray *orgs;         /* Org* in file order */
	GPtrArray *groups;       /* Group* in file order */
	GPtrArray *approvers;    /* ConfigApprovers* of [approvers], in file
	                          * order (conf-outgoing.c) */

	/* Problems found while reading that do not stop the program, one
	 * sentence each ("group ccamp: no list address"). check prints them. */
	GPtrArray *problems;     /* char* */

	/* Not from the file: the spool's secret (src/store/secret.h) as hex,
	 * the key of our Message-IDs and VERP tokens (compose.h). "" until
	 * a command that sends mail loads it (command_load_secret()). */
	char secret[65];
} Config;

/* Reads @path. Returns NULL with LIAISON_ERROR_CONFIG when the file cannot be
 * read or parsed, or a required key ([liaison] address, database, spool) is
 * missing, or when the file (a link's target) or the spool or outbox
 * Maildir directory is writable by others, or the file is owned by neither
 * root nor the running user (conf-perms.h); smaller problems go to
 * config->problems. Relative database, spool
 * and maildir paths are taken relative to the directory of @path. */
Config *config_load (const char *path, GError **error);
void config_free (Config *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Config, config_free)

/* The configuration file to use: @option (-c), else $LIAISON_CONFIG, else
 * SYSCONFDIR/liaison/liaison.conf. Never NULL; owned by nobody (static or
 * @option itself). */
const char *config_default_path (const char *option);

/* The name-matching rule of SPEC §3: case-insensitive, ignoring spaces, '-'
 * and '_'. Returns a newly allocated key; equal keys mean equal names. */
char *config_name_key (const char *name);

/* Finds the organization whose name or alias matches @name. NULL if none.
 * The returned Org belongs to @config. */
const Org *config_find_org (const Config *config, const char *name);
/* Finds the organization owning @domain (or a parent of it: "itu.int"
 * matches "lists.itu.int"). */
const Org *config_find_org_by_domain (const Config *config, const char *domain);
/* Finds the group whose key, name or alias matches @name. */
const Group *config_find_group (const Config *config, const char *name);
/* Finds the group whose list address is @address (case-insensitive). */
const Group *config_find_group_by_list (const Config *config, const char *address);

/* conf-outgoing.c: [liaison] reply-to and [approvers]
 * (SPEC §13), read from @kf into @config (problems into
 * config->problems). Called by config_load(). */
void config_load_outgoing (Config *config, GKeyFile *kf);
void config_approvers_free (ConfigApprovers *approvers);

/* Who approves an outgoing statement of the group @group_name
 * (draft-iab-rfc4053bis §4.1): the [approvers] key naming that group,
 * else for the IAB the key iab, for the IESG the key iesg (else ietf),
 * for the IETF the key ietf; else the group's ADs. Address*, borrowed
 * from @config; never NULL (empty: nobody can approve). */
const GPtrArray *config_approvers (const Config *config, const char *group_name);

/* Where the IETF's statements to @org go: its send-to, else its
 * managers. Address*, borrowed. */
const GPtrArray *config_send_to (const Org *org);

/* Runs every check of `liaison check` beyond those config_load did: database
 * and spool writable (creating nothing), the database and its -wal and -shm
 * files closed to others, the directory consistent. Appends one
 * line per problem to @problems. Returns TRUE when none was found. */
gboolean config_check (const Config *config, GPtrArray *problems);

#endif
