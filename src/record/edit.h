/* edit.h: the corrections (`edit`) and removals (`purge`) a person makes to
 * a recorded statement, inside their transaction. */
#ifndef LIAISON_EDIT_H
#define LIAISON_EDIT_H

#include "base/conf.h"
#include "store/txn.h"

typedef enum {
	EDIT_TITLE,
	EDIT_PURPOSE,
	EDIT_DEADLINE,
	EDIT_SUBMITTED,
	EDIT_FROM,
	EDIT_TO,
	EDIT_RESPONSE_CONTACTS,
	EDIT_TECHNICAL_CONTACTS,
	N_EDIT_FIELDS
} EditField;

/* What one `edit` changes: for each field set, its new value as it is
 * stored (validated), and for the lists (to, contacts) its items. */
typedef struct {
	gboolean set[N_EDIT_FIELDS];
	char *value[N_EDIT_FIELDS];      /* title, purpose, dates, from; or the
	                                  * list joined with "; " */
	GPtrArray *list[N_EDIT_FIELDS];  /* char*: to (group names), contacts */
} Edit;

/* The name of @field in FIELD=VALUE: "title", "response-contacts". */
const char *edit_field_name (EditField field);

/* @edit as the FIELD=VALUE arguments edit_parse() reads back (each field
 * set, its stored value): the journal's record of it. Newly allocated
 * array of char*, NULL-terminated (the last pointer is NULL). */
GPtrArray *edit_to_args (const Edit *edit);

void edit_init (Edit *edit);
void edit_clear (Edit *edit);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Edit, edit_clear)

/* Reads one FIELD=VALUE into @edit, validated as on arrival: a purpose is
 * action, comment, information or response; a date YYYY-MM-DD; an
 * organization and groups (';'-separated) known in @config's directory;
 * contacts (','- or ';'-separated) mailboxes. FALSE with
 * LIAISON_ERROR_FAILED and a one-line message otherwise. */
gboolean edit_parse (Edit *edit, const Config *config, const char *arg, GError **error);

/* Applies @edit to the statement @key inside @txn: each field set, the
 * search index, and the event "edited" (old -> new, who (@by, may be
 * NULL), @note). New groups re-route it as reroute_statement() does
 * (*outbox: what to hand over). Sets *statement_id. */
gboolean edit_statement (Txn *txn, const Config *config, const char *key, const Edit *edit,
                         const char *by, const char *note, const char *now, GArray **outbox,
                         char **statement_id, GError **error);

/* Purges the content of the statement @key inside @txn (store_purge()):
 * the event "purged" is its tombstone (who, why, which files). Appends
 * to @unused the spool files ("msg/SHA", "att/SHA") to remove once
 * committed. LIAISON_ERROR_FAILED when it was purged already. */
gboolean purge_statement (Txn *txn, const char *key, const char *reason, const char *by,
                          const char *now, GPtrArray *unused, char **statement_id,
                          GError **error);

#endif
