/* publish.c: the public view of the register and the [publish] targets
 * made from it. A SHA-256 of the view (as of the day, since the pages
 * show days left) is the generation marker: a run that finds it unchanged,
 * and every target in place, writes nothing. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "export/export.h"
#include "export/publish.h"
#include "export/render.h"

#define STATE_FILE "publish.state"

GPtrArray *
publish_load_statements (Store *store, GError **error)
{
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (GPtrArray) full = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
	StoreFilter filter = { 0 };

	if (store == NULL)
		return g_steal_pointer (&full);
	list = store_list_statements (store, &filter, error);
	if (list == NULL)
		return NULL;
	for (guint i = 0; i < list->len; i++) {
		const Statement *brief = g_ptr_array_index (list, i);
		Statement *statement = store_get_statement (store, brief->id, error);

		if (statement == NULL)
			return NULL;
		g_ptr_array_add (full, statement);
	}
	return g_steal_pointer (&full);
}

/* A statement the public may see: one that has an LS id (not a held
 * message's handle), is not held, dismissed or waiting for approval
 * (which reads back as held), and has no hold reason. */
static gboolean
is_public (const Statement *s)
{
	if (s->state != STATE_OPEN && s->state != STATE_REPLIED && s->state != STATE_CLOSED)
		return FALSE;
	if (s->hold_reason != NULL || s->id == NULL)
		return FALSE;
	return s->handle == NULL || strcmp (s->id, s->handle) != 0;
}

static void
strip (Statement *s, GHashTable *public_ids)
{
	g_clear_pointer (&s->hold_reason, g_free);
	if (s->events != NULL)
		g_ptr_array_set_size (s->events, 0);
	if (s->routes != NULL)
		g_ptr_array_set_size (s->routes, 0);
	if (s->thread != NULL)
		g_ptr_array_set_size (s->thread, 0);
	for (guint i = 0; s->related != NULL && i < s->related->len;) {
		const Related *r = g_ptr_array_index (s->related, i);

		if (r->id == NULL || !g_hash_table_contains (public_ids, r->id))
			g_ptr_array_remove_index (s->related, i);
		else
			i++;
	}
}

void
publish_public_view (GPtrArray *statements)
{
	g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

	for (guint i = 0; i < statements->len;) {
		Statement *s = g_ptr_array_index (statements, i);

		if (is_public (s)) {
			g_hash_table_add (ids, s->id);
			i++;
		} else {
			g_ptr_array_remove_index (statements, i);
		}
	}
	for (guint i = 0; i < statements->len; i++)
		strip (g_ptr_array_index (statements, i), ids);
}

gboolean
publish_configured (const Config *config)
{
	return config->publish_html != NULL || config->publish_atom != NULL
	       || config->publish_ical != NULL;
}

/* The generation marker: everything the targets are made of but the time
 * of the run. */
static char *
view_hash (const Config *config, GPtrArray *statements, const char *today)
{
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	const char *parts[] = { PACKAGE_VERSION, today, config->name, config->address,
	                        config->publish_html, config->publish_atom, config->publish_ical };

	for (gsize i = 0; i < G_N_ELEMENTS (parts); i++) {
		g_checksum_update (sum, (const guchar *) (parts[i] != NULL ? parts[i] : ""), -1);
		g_checksum_update (sum, (const guchar *) "", 1);
	}
	for (guint i = 0; i < statements->len; i++) {
		g_autoptr (JsonNode) node = render_statement_json (g_ptr_array_index (statements, i),
		                                                   TRUE, today);
		g_autofree char *json = render_json_to_string (node);

		g_checksum_update (sum, (const guchar *) json, -1);
	}
	return g_strdup (g_checksum_get_string (sum));
}

/* TRUE when the state file holds @hash and every target is in place. */
static gboolean
up_to_date (const Config *config, const char *state_path, const char *hash)
{
	g_autofree char *old = NULL;
	g_autofree char *index = NULL;

	if (!g_file_get_contents (state_path, &old, NULL, NULL) || strcmp (g_strstrip (old), hash) != 0)
		return FALSE;
	if (config->publish_html != NULL) {
		index = g_build_filename (config->publish_html, "index.html", NULL);
		if (!g_file_test (index, G_FILE_TEST_IS_REGULAR))
			return FALSE;
	}
	if (config->publish_atom != NULL && !g_file_test (config->publish_atom, G_FILE_TEST_IS_REGULAR))
		return FALSE;
	return config->publish_ical == NULL || g_file_test (config->publish_ical, G_FILE_TEST_IS_REGULAR);
}

/* A name export_page_name() could have made: letters, digits, '-', '_'. */
static gboolean
is_page_name (const char *name)
{
	gsize n = strlen (name);

	if (n <= 5 || !g_str_has_suffix (name, ".html") || strcmp (name, "index.html") == 0)
		return FALSE;
	for (gsize i = 0; i < n - 5; i++)
		if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_')
			return FALSE;
	return TRUE;
}

/* Removes from @dir the statement pages of statements no longer public
 * (a statement reopened as held, or dismissed): they must not stay
 * readable. Returns how many went. */
static guint
remove_stale_pages (const char *dir, GPtrArray *statements)
{
	g_autoptr (GHashTable) pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;
	guint removed = 0;

	if (d == NULL)
		return 0;
	for (guint i = 0; i < statements->len; i++)
		g_hash_table_add (pages, export_page_name (((Statement *) g_ptr_array_index (statements, i))->id));
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = NULL;

		if (!is_page_name (name) || g_hash_table_contains (pages, name))
			continue;
		path = g_build_filename (dir, name, NULL);
		if (unlink (path) == 0)
			removed++;
	}
	return removed;
}

/* The Atom feed links to the statement pages when it sits beside them. */
static gboolean
feed_beside_pages (const Config *config)
{
	g_autofree char *dir = NULL;

	if (config->publish_html == NULL || config->publish_atom == NULL)
		return FALSE;
	dir = g_path_get_dirname (config->publish_atom);
	return strcmp (dir, config->publish_html) == 0;
}

static gboolean
write_file (ExportFunc write, const ExportContext *context, GPtrArray *statements,
            const char *path, GError **error)
{
	g_autoptr (ExportWriter) writer = NULL;

	if (path == NULL)
		return TRUE;
	writer = export_writer_new_file (path, error);
	return writer != NULL && write (context, statements, writer, error);
}

static gboolean
write_targets (const Config *config, GPtrArray *statements, const ExportContext *context,
               PublishResult *result, GError **error)
{
	ExportContext feed = *context;

	if (config->publish_html != NULL) {
		g_autoptr (ExportWriter) dir = export_writer_new_directory (config->publish_html, error);

		if (dir == NULL || !export_html (context, statements, dir, error))
			return FALSE;
		result->removed = remove_stale_pages (config->publish_html, statements);
	}
	feed.pages = feed_beside_pages (config);
	if (!write_file (export_atom, &feed, statements, config->publish_atom, error))
		return FALSE;
	return write_file (export_ical, context, statements, config->publish_ical, error);
}

gboolean
publish_run (Store *store, const Config *config, const char *now, const char *today,
             gboolean force, PublishResult *result, GError **error)
{
	g_autoptr (GPtrArray) statements = NULL;
	g_autofree char *hash = NULL, *state_path = NULL;
	g_autoptr (GError) local = NULL;
	ExportContext context = { .config = config, .today = today, .now = now, .pages = TRUE };

	memset (result, 0, sizeof *result);
	statements = publish_load_statements (store, error);
	if (statements == NULL)
		return FALSE;
	publish_public_view (statements);
	result->statements = statements->len;
	for (guint i = 0; i < statements->len; i++)
		if (export_ical_is_open_deadline (g_ptr_array_index (statements, i)))
			result->deadlines++;

	hash = view_hash (config, statements, today);
	state_path = g_build_filename (config->spool, STATE_FILE, NULL);
	if (!force && up_to_date (config, state_path, hash)) {
		result->outcome = PUBLISH_UNCHANGED;
		return TRUE;
	}
	if (!write_targets (config, statements, &context, result, error))
		return FALSE;
	/* The marker last: a run stopped before it writes everything again. */
	if (g_mkdir_with_parents (config->spool, 0700) < 0 ||
	    !g_file_set_contents_full (state_path, hash, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
	                               &local)) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO, "%s: %s", state_path,
		             local != NULL ? local->message : g_strerror (errno));
		return FALSE;
	}
	result->outcome = PUBLISH_WRITTEN;
	return TRUE;
}
