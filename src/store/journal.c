/* journal.c: the spool's journal (SPEC §12): lines appended with O_APPEND
 * and fsynced before the caller's COMMIT, read back by `rebuild`. The
 * writers hold the database's write lock (they run inside a BEGIN
 * IMMEDIATE transaction), which is what keeps the lines of concurrent
 * deliveries whole and in the order of their commits. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/hash.h"
#include "base/util.h"
#include "store/journal.h"
#include "store/spool.h"
#include "store/store-private.h"

/* The length of a line's check, in hex digits. */
#define CHECK_LEN 16

char *
journal_path (const char *spool)
{
	return g_build_filename (spool, "journal", NULL);
}

static void
escape_field (GString *out, const char *value)
{
	if (value == NULL) {
		g_string_append (out, "\\N");
		return;
	}
	for (const char *p = value; *p != '\0'; p++)
		switch (*p) {
		case '\\': g_string_append (out, "\\\\"); break;
		case '\t': g_string_append (out, "\\t"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': g_string_append (out, "\\r"); break;
		default: g_string_append_c (out, *p); break;
		}
}

static char *
check_of (const char *payload, gsize len)
{
	g_autoptr (Hash) sum = hash_new ();
	g_autofree char *hex = NULL;

	hash_update (sum, payload, len);
	hex = hash_hex (sum);
	return g_strndup (hex, CHECK_LEN);
}

void
journal_format (GString *out, const char *const *fields, guint n)
{
	g_autoptr (GString) payload = g_string_new (NULL);
	g_autofree char *check = NULL;

	for (guint i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c (payload, '\t');
		escape_field (payload, fields[i]);
	}
	check = check_of (payload->str, payload->len);
	g_string_append_printf (out, "%s %s\n", check, payload->str);
}

static gboolean
fsync_dir_of (const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname (path);
	int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int errsv;

	if (fd < 0 || (fsync (fd) < 0 && errno != EINVAL && errno != ENOTSUP)) {
		g_autofree char *what = g_strdup_printf ("cannot fsync %s", dir);

		errsv = errno;
		if (fd >= 0)
			close (fd);
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	close (fd);
	return TRUE;
}

/* Ends a torn last line (a crash in the middle of a write), so that the
 * next record starts a line of its own and the torn one stays apart, to
 * be skipped by journal_read(). */
static gboolean
after_torn_line (int fd, const char *path, GError **error)
{
	off_t size = lseek (fd, 0, SEEK_END);
	char last = '\n';

	if (size > 0 && pread (fd, &last, 1, size - 1) != 1)
		last = '\n';
	return last == '\n' || util_write_all (fd, "\n", 1, path, error);
}

/* Appends @text to the journal @path (created if missing) and makes it
 * durable. A line that was only partly written (a full disk) is what
 * journal_read() skips as torn. */
static gboolean
append (const char *path, const char *text, gsize len, GError **error)
{
	gboolean created = !g_file_test (path, G_FILE_TEST_EXISTS);
	int fd = open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	int errsv;

	if (fd < 0) {
		g_autofree char *what = g_strdup_printf ("cannot open %s", path);
		liaison_set_errno (error, errno, what);
		return FALSE;
	}
	if (!after_torn_line (fd, path, error) || !util_write_all (fd, text, len, path, error)) {
		close (fd);
		return FALSE;
	}
	if (fdatasync (fd) < 0) {
		g_autofree char *what = g_strdup_printf ("cannot fsync %s", path);
		errsv = errno;
		close (fd);
		liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	if (close (fd) < 0) {
		g_autofree char *what = g_strdup_printf ("cannot close %s", path);
		liaison_set_errno (error, errno, what);
		return FALSE;
	}
	return !created || fsync_dir_of (path, error);
}

static gboolean
append_record (Store *store, const char *const *fields, guint n, GError **error)
{
	g_autoptr (GString) line = NULL;

	if (store->journal == NULL)
		return TRUE;
	line = g_string_new (NULL);
	journal_format (line, fields, n);
	if (!append (store->journal, line->str, line->len, error)) {
		g_prefix_error (error, "cannot write the journal: ");
		return FALSE;
	}
	return TRUE;
}

gboolean
journal_write_new (const char *path, const char *text, GError **error)
{
	g_autofree char *tmp = g_strconcat (path, ".new", NULL);
	int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);

	if (fd < 0) {
		g_autofree char *what = g_strdup_printf ("cannot create %s", tmp);
		liaison_set_errno (error, errno, what);
		return FALSE;
	}
	if (!util_write_all (fd, text, strlen (text), tmp, error) || fsync (fd) < 0) {
		int errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot write %s", tmp);

		close (fd);
		(void) unlink (tmp);
		if (error != NULL && *error == NULL)
			liaison_set_errno (error, errsv, what);
		return FALSE;
	}
	close (fd);
	if (rename (tmp, path) < 0) {
		g_autofree char *what = g_strdup_printf ("cannot rename %s", tmp);
		liaison_set_errno (error, errno, what);
		(void) unlink (tmp);
		return FALSE;
	}
	return fsync_dir_of (path, error);
}

gboolean
journal_arrival (Store *store, const JournalArrival *a, GError **error)
{
	const char *fields[] = {
		"arrival", a->received, a->now, a->raw_sha256, a->dedupe_hash, a->message_id,
		a->sender, a->recipient, a->extension, a->oversized ? "oversized" : "",
		a->statement_id,
	};

	return append_record (store, fields, G_N_ELEMENTS (fields), error);
}

gboolean
journal_action (Store *store, const char *kind, const char *id, const char *const *args,
                const char *by, const char *at, GError **error)
{
	g_autoptr (GPtrArray) fields = g_ptr_array_new ();

	g_ptr_array_add (fields, (gpointer) "action");
	g_ptr_array_add (fields, (gpointer) at);
	g_ptr_array_add (fields, (gpointer) by);
	g_ptr_array_add (fields, (gpointer) kind);
	g_ptr_array_add (fields, (gpointer) id);
	for (guint i = 0; args != NULL && args[i] != NULL; i++)
		g_ptr_array_add (fields, (gpointer) args[i]);
	return append_record (store, (const char *const *) fields->pdata, fields->len, error);
}

static const char *
outcome_name (StoreOutboxOutcome outcome)
{
	switch (outcome) {
	case STORE_OUTBOX_SENT: return "sent";
	case STORE_OUTBOX_DEFERRED: return "deferred";
	case STORE_OUTBOX_FAILED: default: return "failed";
	}
}

gboolean
journal_handover (Store *store, const char *message_id, StoreOutboxOutcome outcome,
                  const char *at, const char *next_attempt, const char *error_text,
                  GPtrArray *refused, const char *event_type, const char *event_detail,
                  GError **error)
{
	g_autofree char *refused_text = NULL;

	if (store->journal == NULL)
		return TRUE;
	if (refused != NULL && refused->len > 0) {
		g_autoptr (GPtrArray) copy = g_ptr_array_new ();

		for (guint i = 0; i < refused->len; i++)
			g_ptr_array_add (copy, g_ptr_array_index (refused, i));
		g_ptr_array_add (copy, NULL);
		refused_text = g_strjoinv ("\n", (char **) copy->pdata);
	}
	{
		const char *fields[] = {
			"handover", at, message_id, outcome_name (outcome), next_attempt, error_text,
			refused_text, event_type, event_detail,
		};
		return append_record (store, fields, G_N_ELEMENTS (fields), error);
	}
}

gboolean
journal_reminder (Store *store, const char *statement_id, const char *stage, const char *day,
                  const char *at, GError **error)
{
	const char *fields[] = { "reminder", at, statement_id, stage, day };

	return append_record (store, fields, G_N_ELEMENTS (fields), error);
}

gboolean
journal_digest (Store *store, const char *kind, const char *period, const char *target,
                GPtrArray *recipients, const char *message_id, const char *at, GError **error)
{
	g_autoptr (GString) to = g_string_new (NULL);
	const char *fields[] = { "digest", at, kind, period, target, message_id, NULL };

	for (guint i = 0; i < recipients->len; i++)
		g_string_append_printf (to, "%s%s", i > 0 ? "\n" : "",
		                        (const char *) g_ptr_array_index (recipients, i));
	fields[6] = to->str;
	return append_record (store, fields, G_N_ELEMENTS (fields), error);
}

gboolean
journal_requeue (Store *store, const char *message_id, const char *dedupe_hash, const char *at,
                 GError **error)
{
	const char *fields[] = { "requeue", at, message_id, dedupe_hash };

	return append_record (store, fields, G_N_ELEMENTS (fields), error);
}

/* ---------------------------------------------------------------------- */
/* Reading */

/* The unescaped field [@start, @end), or NULL for \N. */
static char *
unescape_field (const char *start, const char *end)
{
	GString *out;

	if (end - start == 2 && start[0] == '\\' && start[1] == 'N')
		return NULL;
	out = g_string_sized_new ((gsize) (end - start));
	for (const char *p = start; p < end; p++) {
		if (*p != '\\' || p + 1 >= end) {
			g_string_append_c (out, *p);
			continue;
		}
		p++;
		g_string_append_c (out, *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p);
	}
	return g_string_free (out, FALSE);
}

/* The record of one line (without its newline), or NULL when its check
 * fails. */
static JournalRecord *
parse_line (const char *line, gsize len)
{
	g_autofree char *check = NULL;
	const char *payload, *end = line + len, *start;
	JournalRecord *record;

	if (len < CHECK_LEN + 2 || line[CHECK_LEN] != ' ')
		return NULL;
	payload = line + CHECK_LEN + 1;
	check = check_of (payload, (gsize) (end - payload));
	if (g_ascii_strncasecmp (check, line, CHECK_LEN) != 0)
		return NULL;
	record = g_ptr_array_new_with_free_func (g_free);
	start = payload;
	for (const char *p = payload; ; p++)
		if (p == end || *p == '\t') {
			g_ptr_array_add (record, unescape_field (start, p));
			if (p == end)
				break;
			start = p + 1;
		}
	return record;
}

GPtrArray *
journal_read (const char *path, guint *skipped, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
	g_autoptr (GError) local = NULL;
	gsize len = 0;
	const char *p, *end;

	*skipped = 0;
	if (!g_file_get_contents (path, &text, &len, &local)) {
		g_set_error (error, LIAISON_ERROR,
		             g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
		             ? LIAISON_ERROR_NOT_FOUND : LIAISON_ERROR_IO,
		             "%s", local->message);
		return NULL;
	}
	end = text + len;
	for (p = text; p < end; ) {
		const char *nl = memchr (p, '\n', (gsize) (end - p));
		JournalRecord *record;

		/* A last line without its newline was cut short. */
		if (nl == NULL) {
			(*skipped)++;
			break;
		}
		record = parse_line (p, (gsize) (nl - p));
		if (record != NULL)
			g_ptr_array_add (records, record);
		else
			(*skipped)++;
		p = nl + 1;
	}
	return g_steal_pointer (&records);
}

const char *
journal_field (const JournalRecord *record, guint i)
{
	return i < record->len ? g_ptr_array_index (record, i) : NULL;
}

/* ---------------------------------------------------------------------- */
/* Which database a journal belongs to: a token in its first record and in
 * the database's table journal (schema.c), written together when the
 * journal is created. A database without the token of the journal beside
 * it is not the one the journal describes. */

enum {
	Q_GET_TOKEN,
	Q_SET_TOKEN,
};

static const char *const query_sql[] = {
	[Q_GET_TOKEN] = "SELECT token FROM journal WHERE id = 1",
	[Q_SET_TOKEN] = "INSERT OR REPLACE INTO journal (id, token) VALUES (1, ?1)",
};

/* The database's token into *@token (NULL when it has none). */
static gboolean
get_token (Store *store, char **token, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_GET_TOKEN, error);
	int r;

	*token = NULL;
	if (st == NULL)
		return FALSE;
	r = step (store, st, error);
	if (r > 0)
		*token = column_dup (st, 0);
	return r >= 0;
}

static gboolean
set_token (Store *store, const char *token, GError **error)
{
	g_auto (StoreQuery) st = query (store, Q_SET_TOKEN, error);
	Binder bind = { st, SQLITE_OK };

	if (st == NULL)
		return FALSE;
	bind_text (&bind, 1, token);
	if (bind.rc != SQLITE_OK)
		return store_sql_error (store, bind.rc, error);
	return run (store, st, error);
}

char *
journal_new_token (void)
{
	return g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (),
	                        g_random_int (), g_random_int ());
}

/* The token of the journal at @path (its first record), or NULL. */
static char *
journal_token (const char *path)
{
	char buf[4096];
	FILE *f = fopen (path, "re");
	JournalRecord *head = NULL;
	char *token = NULL;

	if (f == NULL)
		return NULL;
	if (fgets (buf, sizeof buf, f) != NULL && strchr (buf, '\n') != NULL)
		head = parse_line (buf, strcspn (buf, "\n"));
	fclose (f);
	if (head != NULL && g_strcmp0 (journal_field (head, 0), "journal") == 0)
		token = g_strdup (journal_field (head, 3));
	if (head != NULL)
		g_ptr_array_unref (head);
	return token;
}

/* Whether the journal at @path records an arrival. */
static gboolean
has_arrivals (const char *path)
{
	g_autoptr (GPtrArray) records = NULL;
	guint skipped = 0;

	records = journal_read (path, &skipped, NULL);
	for (guint i = 0; records != NULL && i < records->len; i++)
		if (g_strcmp0 (journal_field (g_ptr_array_index (records, i), 0), "arrival") == 0)
			return TRUE;
	return FALSE;
}

/* Whether the journal at @path, with @token, describes the database whose
 * token is @ours: the same token; or the database has none yet (it
 * predates the token) and has messages, or the journal has none. */
static gboolean
belongs (Store *store, const char *path, const char *token, const char *ours, GError **error)
{
	gint64 messages = 0, statements = 0, held = 0;

	if (ours != NULL)
		return g_strcmp0 (token, ours) == 0;
	if (!store_count (store, &messages, &statements, &held, error))
		return FALSE;
	return messages > 0 || !has_arrivals (path);
}

/* Under the write lock: makes the journal at @path the database's, writing
 * it from the database when it is missing; a journal of another database
 * (or of this one before it was lost) is refused, or with @restart moved
 * aside (*@moved). */
static gboolean
settle (Store *store, const char *spool, const char *path, gboolean restart, char **moved,
        GError **error)
{
	g_autofree char *ours = NULL;
	g_autofree char *token = NULL;
	g_autoptr (GError) local = NULL;

	if (!get_token (store, &ours, error))
		return FALSE;
	if (g_file_test (path, G_FILE_TEST_EXISTS)) {
		token = journal_token (path);
		if (belongs (store, path, token, ours, &local))
			return token == NULL || g_strcmp0 (token, ours) == 0 || set_token (store, token, error);
		if (local != NULL) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		if (!restart) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO,
			             "%s is the history of another database than %s (was it lost?): "
			             "run `liaison rebuild --force` to recreate it", path, store->path);
			return FALSE;
		}
		*moved = g_strdup_printf ("%s.%" G_GINT64_FORMAT, path, g_get_real_time () / G_USEC_PER_SEC);
		if (rename (path, *moved) < 0) {
			g_autofree char *what = g_strdup_printf ("cannot move %s aside", path);
			liaison_set_errno (error, errno, what);
			return FALSE;
		}
	}
	g_free (token);
	token = ours != NULL ? g_strdup (ours) : journal_new_token ();
	if (!journal_seed (store, spool, token, error)) {
		g_prefix_error (error, "cannot write the journal from the database: ");
		return FALSE;
	}
	return ours != NULL || set_token (store, token, error);
}

static gboolean
attach (Store *store, const char *spool, gboolean restart, char **moved, GError **error)
{
	g_autofree char *path = NULL;
	g_autofree char *ours = NULL;
	g_autofree char *token = NULL;

	g_return_val_if_fail (store != NULL && spool != NULL, FALSE);

	path = journal_path (spool);
	if (!spool_prepare (spool, error) || !get_token (store, &ours, error))
		return FALSE;
	token = journal_token (path);
	/* The usual case needs no lock: the journal is this database's. */
	if (ours == NULL || g_strcmp0 (ours, token) != 0) {
		/* Under the write lock: a second process waits, then finds it
		 * settled. */
		if (!store_begin (store, error))
			return FALSE;
		if (!settle (store, spool, path, restart, moved, error)) {
			store_rollback (store);
			return FALSE;
		}
		if (!store_commit (store, error))
			return FALSE;
	}
	g_free (store->journal);
	store->journal = g_steal_pointer (&path);
	return TRUE;
}

gboolean
journal_adopt (Store *store, const char *spool, GError **error)
{
	g_autofree char *path = journal_path (spool);
	g_autofree char *token = journal_token (path);

	return token == NULL || set_token (store, token, error);
}

gboolean
journal_attach (Store *store, const char *spool, GError **error)
{
	return attach (store, spool, FALSE, NULL, error);
}

gboolean
journal_attach_restart (Store *store, const char *spool, char **moved, GError **error)
{
	*moved = NULL;
	return attach (store, spool, TRUE, moved, error);
}
