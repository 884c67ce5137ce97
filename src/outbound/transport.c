/* transport.c: picks the transport that [delivery] method names and
 * dispatches to it. */
#include "config.h"

#include "base/error.h"
#include "outbound/transport.h"

Transport *
transport_new (const Config *config, GError **error)
{
	g_return_val_if_fail (config != NULL, NULL);

	switch (config->method) {
	case DELIVERY_SENDMAIL:
		return transport_sendmail_new (config->sendmail);
	case DELIVERY_SMTP:
		return transport_smtp_new (config->smtp_host, config->smtp_port);
	case DELIVERY_MAILDIR:
		if (config->maildir == NULL) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG,
			             "[delivery] method is maildir, but no maildir is set");
			return NULL;
		}
		return transport_maildir_new (config->maildir, error);
	}
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_CONFIG, "unknown [delivery] method");
	return NULL;
}

void
transport_free (Transport *transport)
{
	if (transport != NULL)
		transport->klass->free (transport);
}

const char *
transport_name (const Transport *transport)
{
	g_return_val_if_fail (transport != NULL, NULL);
	return transport->klass->name;
}

gboolean
transport_send (Transport *transport, const char *sender, GPtrArray *recipients,
                const char *path, guint timeout, GPtrArray *refused, GError **error)
{
	g_return_val_if_fail (transport != NULL, FALSE);
	g_return_val_if_fail (sender != NULL, FALSE);
	g_return_val_if_fail (recipients != NULL && recipients->len > 0, FALSE);
	g_return_val_if_fail (path != NULL, FALSE);

	return transport->klass->send (transport, sender, recipients, path,
	                               timeout > 0 ? timeout : TRANSPORT_DEFAULT_TIMEOUT, refused, error);
}

gboolean
transport_groups (const Transport *transport)
{
	g_return_val_if_fail (transport != NULL, FALSE);

	return transport->klass->group_begin != NULL && transport->klass->group_commit != NULL;
}

gboolean
transport_group_begin (Transport *transport)
{
	g_return_val_if_fail (transport != NULL, FALSE);

	if (!transport_groups (transport))
		return FALSE;
	transport->klass->group_begin (transport);
	return TRUE;
}

gboolean
transport_group_commit (Transport *transport, GError **error)
{
	g_return_val_if_fail (transport != NULL, FALSE);
	g_return_val_if_fail (transport->klass->group_commit != NULL, FALSE);

	return transport->klass->group_commit (transport, error);
}
