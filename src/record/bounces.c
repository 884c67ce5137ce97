/* bounces.c: a bounce of our mail, read by bounce.c, recorded against the
 * outbox rows and routes it names. */
#include "config.h"

#include <string.h>

#include "record/bounces.h"
#include "stages/bounce.h"

/* The routes (@routes: address, status pairs of one outbox row) that a
 * bounce says failed: the recipients its DSN names; for an older bounce
 * without a DSN, the route addresses its text quotes, else the only route.
 * Array of char*. */
static GPtrArray *
bounced_addresses (GPtrArray *routes, GPtrArray *failed, gboolean is_dsn, const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

	if (failed->len > 0 || is_dsn) {
		for (guint i = 0; i < failed->len; i++)
			g_ptr_array_add (out, g_strdup (g_ptr_array_index (failed, i)));
		return out;
	}
	for (guint i = 0; i + 1 < routes->len; i += 2) {
		g_autofree char *lower = g_ascii_strdown (g_ptr_array_index (routes, i), -1);
		if (strstr (text, lower) != NULL)
			g_ptr_array_add (out, g_steal_pointer (&lower));
	}
	if (out->len == 0 && routes->len == 2)
		g_ptr_array_add (out, g_strdup (g_ptr_array_index (routes, 0)));
	return out;
}

/* Marks the routes @addresses of @entry failed, each with an event, or
 * records that the report names none. Sets *marked to how many it marked. */
static gboolean
mark_routes (Store *store, const StoreOutbox *entry, GPtrArray *addresses, const char *now,
             guint *marked, GError **error)
{
	*marked = 0;
	for (guint j = 0; j < addresses->len; j++) {
		const char *address = g_ptr_array_index (addresses, j);
		g_autofree char *detail = NULL;
		gboolean changed = FALSE;

		if (!store_route_bounced (store, entry->id, address, now, "bounced", &changed, error))
			return FALSE;
		if (!changed)
			continue;
		(*marked)++;
		detail = g_strdup_printf ("%s <%s> to %s", entry->kind, entry->message_id, address);
		if (!store_add_event (store, entry->statement_id, now, "bounced", detail, error))
			return FALSE;
	}
	if (*marked == 0) {
		g_autofree char *detail = g_strdup_printf ("a delivery report about %s <%s> names "
		                                           "no failed recipient", entry->kind,
		                                           entry->message_id);
		if (!store_add_event (store, entry->statement_id, now, "bounce", detail, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
bounces_record (Store *store, const Message *message, gint64 message_row, const char *now,
                guint *bounced, GError **error)
{
	g_autoptr (GPtrArray) ids = bounce_message_ids (message);
	g_autoptr (GPtrArray) failed = NULL;
	g_autofree char *text = NULL;
	gboolean is_dsn = FALSE, linked = FALSE;

	failed = bounce_failed_recipients (message, &is_dsn);
	for (guint i = 0; i < ids->len; i++) {
		g_autoptr (StoreOutbox) entry = store_find_outbox (store, g_ptr_array_index (ids, i), error);
		g_autoptr (GPtrArray) routes = NULL;
		g_autoptr (GPtrArray) addresses = NULL;
		guint marked = 0;

		if (entry == NULL) {
			if (error != NULL && *error != NULL)
				return FALSE;
			continue;
		}
		if (entry->statement_id == NULL)
			continue;
		routes = store_outbox_routes (store, entry->id, error);
		if (routes == NULL)
			return FALSE;
		if (text == NULL)
			text = bounce_text (message);
		addresses = bounced_addresses (routes, failed, is_dsn, text);
		if (!mark_routes (store, entry, addresses, now, &marked, error))
			return FALSE;
		*bounced += marked;
		if (!linked) {
			if (!store_link_message (store, message_row, entry->statement_id, "bounce", error))
				return FALSE;
			linked = TRUE;
		}
	}
	return TRUE;
}
