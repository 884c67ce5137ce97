/* bounces.c: a bounce of our mail, read by bounce.c, recorded against the
 * outbox row it returns to: the one whose VERP envelope sender it came to,
 * or whose Message-ID its returned headers carry. Any other bounce is
 * recorded as a message and changes nothing. */
#include "config.h"

#include <string.h>

#include "record/bounces.h"
#include "record/undelivered.h"
#include "stages/bounce.h"
#include "stages/compose.h"

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
mark_routes (Store *store, const StoreOutbox *entry, GPtrArray *addresses, const char *via,
             const char *now, guint *marked, GError **error)
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
		detail = g_strdup_printf ("%s <%s> to %s (ours by %s)", entry->kind, entry->message_id,
		                          address, via);
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

/* The outbox row a bounce returns to: the row whose VERP envelope sender
 * carries the token it was sent to, else the first row whose Message-ID
 * its returned message or headers carry. Sets *via to how it was found.
 * NULL without @error set when the bounce is none of ours. */
static StoreOutbox *
find_ours (Store *store, const Config *config, const Message *message, const char **via,
           GError **error)
{
	g_autofree char *token = bounce_token (message, config->address);
	g_autoptr (GPtrArray) returned = NULL;

	if (token != NULL) {
		g_autofree char *address = compose_verp_address (config, token);
		StoreOutbox *entry = store_find_outbox_by_sender (store, address, error);

		if (entry != NULL || (error != NULL && *error != NULL)) {
			*via = "its bounce address";
			return entry;
		}
	}
	returned = bounce_returned_ids (message);
	for (guint i = 0; i < returned->len; i++) {
		g_autoptr (StoreOutbox) entry = store_find_outbox (store, g_ptr_array_index (returned, i), error);

		if (entry == NULL && error != NULL && *error != NULL)
			return NULL;
		if (entry != NULL && entry->statement_id != NULL) {
			*via = "the headers it returns";
			return g_steal_pointer (&entry);
		}
	}
	return NULL;
}

/* A bounce that is not ours (SPEC §7: it neither came to a bounce address
 * we issued nor returns a message of ours) changes nothing; when it names
 * a message of ours anyway (In-Reply-To, References), the statement's
 * events say so. */
static gboolean
record_not_ours (Store *store, const Message *message, const char *now, GError **error)
{
	g_autoptr (GPtrArray) ids = bounce_message_ids (message);

	for (guint i = 0; i < ids->len; i++) {
		g_autoptr (StoreOutbox) entry = store_find_outbox (store, g_ptr_array_index (ids, i), error);
		g_autofree char *detail = NULL;

		if (entry == NULL && error != NULL && *error != NULL)
			return FALSE;
		if (entry == NULL || entry->statement_id == NULL)
			continue;
		detail = g_strdup_printf ("a delivery report naming %s <%s> came to no bounce address "
		                          "of ours and returns none of our messages: not ours, "
		                          "nothing changed", entry->kind, entry->message_id);
		return store_add_event (store, entry->statement_id, now, "bounce", detail, error);
	}
	return TRUE;
}

gboolean
bounces_record (Txn *txn, const Config *config, const Message *message, gint64 message_row,
                const char *now, GArray **outbox, guint *bounced, GError **error)
{
	Store *store = txn->store;
	g_autoptr (StoreOutbox) entry = NULL;
	g_autoptr (GPtrArray) failed = NULL;
	g_autoptr (GPtrArray) routes = NULL;
	g_autoptr (GPtrArray) addresses = NULL;
	g_autofree char *text = NULL;
	const char *via = NULL;
	gboolean is_dsn = FALSE;
	guint marked = 0;

	entry = find_ours (store, config, message, &via, error);
	if (entry == NULL)
		return (error == NULL || *error == NULL) && record_not_ours (store, message, now, error);
	if (entry->statement_id == NULL)
		return TRUE;
	failed = bounce_failed_recipients (message, &is_dsn);
	routes = store_outbox_routes (store, entry->id, error);
	if (routes == NULL)
		return FALSE;
	text = bounce_text (message);
	addresses = bounced_addresses (routes, failed, is_dsn, text);
	if (!mark_routes (store, entry, addresses, via, now, &marked, error))
		return FALSE;
	*bounced += marked;
	if (marked > 0 && !undelivered_check (txn, config, entry->statement_id, now, outbox, error))
		return FALSE;
	return store_link_message (store, message_row, entry->statement_id, "bounce", error);
}
