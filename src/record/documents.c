/* documents.c: wires the document reader of the input layer to the
 * spool's record of outcomes, so that a hostile document is parsed once:
 * the first delivery records what its child gave (text, or the limit it
 * hit), and a retry, a reinject or a rebuild finds that. */
#include "config.h"

#include <syslog.h>

#include "record/documents.h"
#include "input/document-child.h"
#include "store/doctext.h"

static int
lookup (gpointer data, const char *sha256, char **text, DocumentLimit *limit, GError **error)
{
	const char *spool = data;
	g_autofree char *limit_name = NULL;
	int found = doctext_lookup (spool, sha256, text, &limit_name, error);

	*limit = document_limit_from_string (limit_name);
	if (found > 0 && limit_name != NULL && *limit == DOCUMENT_LIMIT_NONE)
		*limit = DOCUMENT_LIMIT_CRASH;
	return found;
}

static gboolean
save (gpointer data, const char *sha256, const char *text, DocumentLimit limit, GError **error)
{
	return doctext_save (data, sha256, text, document_limit_to_string (limit), error);
}

gboolean
documents_read (const Config *config, Message *message, GPtrArray *notes, GError **error)
{
	DocumentLimits limits;
	DocumentCache cache = { lookup, save, (gpointer) config->spool };
	guint before = notes->len;

	document_limits_init (&limits, config->time_limit);
	if (!document_child_read (message, &limits, &cache, notes, error))
		return FALSE;
	for (guint i = before; i < notes->len; i++)
		syslog (LOG_WARNING, "message-id=<%s> %s",
		        message->message_id != NULL ? message->message_id : "",
		        (const char *) g_ptr_array_index (notes, i));
	return TRUE;
}

gboolean
documents_record_events (Store *store, const char *statement_id, const char *at, GPtrArray *notes,
                         GError **error)
{
	for (guint i = 0; notes != NULL && i < notes->len; i++)
		if (!store_add_event (store, statement_id, at, "document", g_ptr_array_index (notes, i),
		                      error))
			return FALSE;
	return TRUE;
}
