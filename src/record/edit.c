/* edit.c: `edit` and `purge` inside their transaction: a person corrects
 * what extraction read, or removes what should never have been kept. */
#include "config.h"

#include <string.h>

#include "base/address.h"
#include "base/error.h"
#include "record/edit.h"
#include "record/reroute.h"

static const char *const field_names[N_EDIT_FIELDS] = {
	[EDIT_TITLE] = "title",
	[EDIT_PURPOSE] = "purpose",
	[EDIT_DEADLINE] = "deadline",
	[EDIT_SUBMITTED] = "submitted",
	[EDIT_FROM] = "from",
	[EDIT_TO] = "to",
	[EDIT_RESPONSE_CONTACTS] = "response-contacts",
	[EDIT_TECHNICAL_CONTACTS] = "technical-contacts",
};

const char *
edit_field_name (EditField field)
{
	g_return_val_if_fail (field < N_EDIT_FIELDS, NULL);
	return field_names[field];
}

GPtrArray *
edit_to_args (const Edit *edit)
{
	GPtrArray *args = g_ptr_array_new_with_free_func (g_free);

	for (guint f = 0; f < N_EDIT_FIELDS; f++)
		if (edit->set[f])
			g_ptr_array_add (args, g_strdup_printf ("%s=%s", field_names[f],
			                                        edit->value[f] != NULL ? edit->value[f] : ""));
	g_ptr_array_add (args, NULL);
	return args;
}

void
edit_init (Edit *edit)
{
	memset (edit, 0, sizeof *edit);
}

void
edit_clear (Edit *edit)
{
	for (guint i = 0; i < N_EDIT_FIELDS; i++) {
		g_clear_pointer (&edit->value[i], g_free);
		g_clear_pointer (&edit->list[i], g_ptr_array_unref);
		edit->set[i] = FALSE;
	}
}

static gboolean
fail (GError **error, const char *format, const char *value)
{
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, format, value);
	return FALSE;
}

/* YYYY-MM-DD exactly, and a day that exists. */
static char *
parse_iso_date (const char *value)
{
	if (strlen (value) != 10 || value[4] != '-' || value[7] != '-')
		return NULL;
	for (guint i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit (value[i]))
			return NULL;
	return statement_parse_date (value);
}

static gboolean
parse_groups (const Config *config, const char *value, GPtrArray *list, GError **error)
{
	g_auto (GStrv) names = g_strsplit (value, ";", -1);

	for (guint i = 0; names[i] != NULL; i++) {
		const Group *group;
		gboolean dup = FALSE;

		g_strstrip (names[i]);
		if (*names[i] == '\0')
			continue;
		if ((group = config_find_group (config, names[i])) == NULL)
			return fail (error, "unknown group '%s'", names[i]);
		for (guint j = 0; j < list->len; j++)
			dup |= strcmp (g_ptr_array_index (list, j), group->name) == 0;
		if (!dup)
			g_ptr_array_add (list, g_strdup (group->name));
	}
	return list->len > 0 || fail (error, "no group in '%s'", value);
}

static gboolean
parse_contacts (const char *value, GPtrArray *list, GError **error)
{
	g_autoptr (GPtrArray) split = g_ptr_array_new_with_free_func (g_free);

	statement_split_contacts (value, split);
	for (guint i = 0; i < split->len; i++) {
		g_autoptr (Address) mailbox = address_parse (g_ptr_array_index (split, i));

		if (mailbox == NULL)
			return fail (error, "'%s' is not a mailbox", g_ptr_array_index (split, i));
		g_ptr_array_add (list, address_format (mailbox));
	}
	return list->len > 0 || fail (error, "no mailbox in '%s'", value);
}

/* The stored form of a scalar @value of @field, or NULL (said). */
static char *
parse_scalar (EditField field, const Config *config, const char *value, GError **error)
{
	const Org *org;
	char *date;
	Purpose purpose;

	switch (field) {
	case EDIT_TITLE:
		return statement_clean_line (value);
	case EDIT_PURPOSE:
		purpose = purpose_from_string (value);
		if (purpose != PURPOSE_NONE)
			return g_strdup (purpose_to_string (purpose));
		fail (error, "unknown purpose '%s' (action, comment, information or response)", value);
		return NULL;
	case EDIT_DEADLINE:
	case EDIT_SUBMITTED:
		if ((date = parse_iso_date (value)) == NULL)
			fail (error, "'%s' is not a date (YYYY-MM-DD)", value);
		return date;
	case EDIT_FROM:
		if ((org = config_find_org (config, value)) != NULL)
			return g_strdup (org->name);
		fail (error, "unknown organization '%s'", value);
		return NULL;
	default:
		g_assert_not_reached ();
	}
}

static char *
join_list (GPtrArray *list)
{
	char *joined;

	g_ptr_array_add (list, NULL);
	joined = g_strjoinv ("; ", (char **) list->pdata);
	g_ptr_array_set_size (list, list->len - 1);
	return joined;
}

gboolean
edit_parse (Edit *edit, const Config *config, const char *arg, GError **error)
{
	const char *eq = strchr (arg, '=');
	g_autofree char *name = eq != NULL ? g_ascii_strdown (arg, eq - arg) : NULL;
	const char *value = eq != NULL ? eq + 1 : NULL;
	g_autoptr (GPtrArray) list = NULL;
	int field = -1;

	if (name == NULL || *value == '\0')
		return fail (error, "'%s' is not FIELD=VALUE", arg);
	for (int i = 0; i < N_EDIT_FIELDS; i++)
		if (strcmp (name, field_names[i]) == 0)
			field = i;
	if (field < 0)
		return fail (error, "unknown field '%s' (title, purpose, deadline, submitted, from, to, "
		             "response-contacts, technical-contacts)", name);
	g_clear_pointer (&edit->value[field], g_free);
	g_clear_pointer (&edit->list[field], g_ptr_array_unref);
	if (field == EDIT_TO || field == EDIT_RESPONSE_CONTACTS || field == EDIT_TECHNICAL_CONTACTS) {
		list = g_ptr_array_new_with_free_func (g_free);
		if (field == EDIT_TO ? !parse_groups (config, value, list, error)
		                     : !parse_contacts (value, list, error))
			return FALSE;
		edit->value[field] = join_list (list);
		edit->list[field] = g_steal_pointer (&list);
	} else if ((edit->value[field] = parse_scalar (field, config, value, error)) == NULL) {
		return FALSE;
	}
	edit->set[field] = TRUE;
	return TRUE;
}

/* The value of @field of @statement as the event shows it ("-": none). */
static char *
old_value (const Statement *statement, EditField field)
{
	GPtrArray *list = NULL;

	switch (field) {
	case EDIT_TITLE: return g_strdup (statement->title);
	case EDIT_PURPOSE: return g_strdup (purpose_to_string (statement->purpose));
	case EDIT_DEADLINE: return g_strdup (statement->deadline);
	case EDIT_SUBMITTED: return g_strdup (statement->submitted);
	case EDIT_FROM: return g_strdup (statement->from_org);
	case EDIT_TO: list = statement->groups; break;
	case EDIT_RESPONSE_CONTACTS: list = statement->response_contacts; break;
	case EDIT_TECHNICAL_CONTACTS: list = statement->technical_contacts; break;
	default: g_assert_not_reached ();
	}
	if (list == NULL || list->len == 0)
		return NULL;
	return join_list (list);
}

static gboolean
apply_field (Store *store, const char *id, const Edit *edit, EditField field, GError **error)
{
	static const StoreField store_fields[] = {
		[EDIT_TITLE] = STORE_FIELD_TITLE,
		[EDIT_PURPOSE] = STORE_FIELD_PURPOSE,
		[EDIT_DEADLINE] = STORE_FIELD_DEADLINE,
		[EDIT_SUBMITTED] = STORE_FIELD_SUBMITTED,
		[EDIT_FROM] = STORE_FIELD_FROM_ORG,
	};

	switch (field) {
	case EDIT_TO:
		return TRUE;   /* reroute_statement()'s, after the event */
	case EDIT_RESPONSE_CONTACTS:
		return store_set_contacts (store, id, "response", edit->list[field], error);
	case EDIT_TECHNICAL_CONTACTS:
		return store_set_contacts (store, id, "technical", edit->list[field], error);
	default:
		return store_set_field (store, id, store_fields[field], edit->value[field], error);
	}
}

gboolean
edit_statement (Txn *txn, const Config *config, const char *key, const Edit *edit,
                const char *by, const char *note, const char *now, GArray **outbox,
                char **statement_id, GError **error)
{
	g_autoptr (Statement) statement = store_get_statement (txn->store, key, error);
	g_autoptr (GString) detail = g_string_new (NULL);
	g_autofree char *routed = NULL;

	if (statement == NULL)
		return FALSE;
	for (guint i = 0; i < N_EDIT_FIELDS; i++) {
		g_autofree char *old = NULL;

		if (!edit->set[i])
			continue;
		old = old_value (statement, i);
		g_string_append_printf (detail, "%s%s: %s -> %s", detail->len > 0 ? "; " : "",
		                        field_names[i], old != NULL ? old : "-", edit->value[i]);
		if (!apply_field (txn->store, statement->id, edit, i, error))
			return FALSE;
	}
	if (by != NULL)
		g_string_append_printf (detail, " by %s", by);
	if (note != NULL)
		g_string_append_printf (detail, " (%s)", note);
	if (!store_add_event (txn->store, statement->id, now, "edited", detail->str, error))
		return FALSE;
	if (edit->set[EDIT_TO] &&
	    !reroute_statement (txn, config, statement->id, edit->list[EDIT_TO], by, now, outbox,
	                        &routed, error))
		return FALSE;
	*statement_id = g_strdup (statement->id);
	return TRUE;
}

gboolean
purge_statement (Txn *txn, const char *key, const char *reason, const char *by, const char *now,
                 GPtrArray *unused, char **statement_id, GError **error)
{
	g_autoptr (Statement) statement = store_get_statement (txn->store, key, error);
	g_autofree char *purged = NULL, *body = NULL, *files = NULL, *detail = NULL;

	if (statement == NULL || !store_is_purged (txn->store, statement->id, &purged, error))
		return FALSE;
	if (purged != NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "%s: purged already (%s)",
		             statement->id, purged);
		return FALSE;
	}
	/* An erasure request means the text too: the body (and, in the
	 * store, the attachments' text and the search row) goes with the
	 * files; the title and the other fields stay as the register's. */
	body = g_strdup_printf ("(content purged %s)", now);
	if (!store_purge (txn->store, statement->id, now, body, unused, error))
		return FALSE;
	g_ptr_array_add (unused, NULL);
	files = g_strjoinv (", ", (char **) unused->pdata);
	g_ptr_array_set_size (unused, unused->len - 1);
	detail = g_strdup_printf ("by %s: %s; removed: %s", by != NULL ? by : "-", reason,
	                          *files != '\0' ? files : "none (still shared)");
	if (!store_add_event (txn->store, statement->id, now, "purged", detail, error))
		return FALSE;
	*statement_id = g_strdup (statement->id);
	return TRUE;
}
