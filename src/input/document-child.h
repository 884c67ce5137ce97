/* document-child.h: the text of PDF and DOCX attachments, read in a child
 * process under limits (CPU time, memory, wall-clock time, output), so
 * that a hostile document costs a bounded part of deliver's time limit and
 * never the process that holds the transaction. The one place that runs
 * the document parsers for a message; the stages then read the text that
 * it leaves on each part (document_part_text). */
#ifndef LIAISON_DOCUMENT_CHILD_H
#define LIAISON_DOCUMENT_CHILD_H

#include <glib.h>

#include "input/document.h"
#include "input/message.h"

/* The limits of one document's child, with `[liaison] time-limit` at its
 * default of 120 s (document_limits_init() scales the times down for a
 * shorter one): the text of a statement takes well under a second. */
#define DOCUMENT_CHILD_CPU_SECONDS 10
#define DOCUMENT_CHILD_WALL_SECONDS 15
/* The wall-clock time all the documents of one message may take together:
 * past it the rest are not read ("time limit"), so that many documents
 * cannot add up to deliver's time limit. */
#define DOCUMENT_TOTAL_SECONDS 40
/* Resident memory (four times as much in AddressSanitizer builds). */
#define DOCUMENT_CHILD_MEMORY (256 * 1024 * 1024)
/* The most text the child may hand back: the parsers keep 2 MiB, which
 * cleaning can make at most three times longer. */
#define DOCUMENT_CHILD_OUTPUT (8 * 1024 * 1024)

typedef enum {
	DOCUMENT_LIMIT_NONE = 0, /* read (or unreadable content: no text) */
	DOCUMENT_LIMIT_CPU,      /* RLIMIT_CPU */
	DOCUMENT_LIMIT_MEMORY,   /* RLIMIT_AS or the parent's RSS watchdog */
	DOCUMENT_LIMIT_TIME,     /* the wall-clock timeout */
	DOCUMENT_LIMIT_OUTPUT,   /* more text than DOCUMENT_CHILD_OUTPUT */
	DOCUMENT_LIMIT_CRASH,    /* the parser died otherwise */
} DocumentLimit;

/* "CPU limit", "memory limit", "time limit", "output too large", "crash";
 * NULL for DOCUMENT_LIMIT_NONE. Static. */
const char *document_limit_to_string (DocumentLimit limit);
/* The inverse; DOCUMENT_LIMIT_NONE for an unknown string. */
DocumentLimit document_limit_from_string (const char *text);

typedef struct {
	guint cpu_seconds;
	guint wall_seconds;
	guint total_seconds;     /* for all the documents of a message */
	guint64 memory;          /* bytes of resident memory */
	gsize output;            /* bytes of text */
} DocumentLimits;

/* The limits for a process whose own deadline is @time_limit seconds (0:
 * none): the constants above, the times scaled down to an eighth (CPU)
 * and a sixth (wall clock) of a shorter @time_limit, never under 1 and
 * 2 s, and the total to a third, never under 2 s, so that documents
 * never use up deliver's whole deadline. */
void document_limits_init (DocumentLimits *limits, guint time_limit);

/* Reads @data (a PDF or a DOCX, as @kind says) in a child process under
 * @limits. Returns TRUE with *text (newly allocated; NULL when the
 * document holds no text or cannot be read) and *limit (the limit that
 * stopped the child, or DOCUMENT_LIMIT_NONE). FALSE with @error only when
 * the child cannot be started (fork or pipe failed: temporary). */
gboolean document_child_text (const DocumentLimits *limits, DocumentKind kind,
                              const guint8 *data, gsize len, char **text,
                              DocumentLimit *limit, GError **error);

/* Where the outcome of earlier reads is kept (the spool's record of each
 * document's extraction, SPEC §12), keyed by the SHA-256 of the
 * document's decoded bytes. lookup returns 1 with *text (newly allocated,
 * or NULL) and *limit when it knows @sha256, 0 when not, -1 with @error;
 * save records an outcome. Either may be NULL. */
typedef struct {
	int (*lookup) (gpointer data, const char *sha256, char **text, DocumentLimit *limit,
	               GError **error);
	gboolean (*save) (gpointer data, const char *sha256, const char *text, DocumentLimit limit,
	                  GError **error);
	gpointer data;
} DocumentCache;

/* Reads the text of every PDF and DOCX part of @message (forwarded
 * messages included) that has none yet, through @cache (NULL: none) or a
 * child (document_child_text), and leaves it on the part for
 * document_part_text(). For each document a limit stopped, adds to
 * @notes (char*) "document NAME: text not extracted: LIMIT". Once
 * @limits->total_seconds have passed, the documents left are not read
 * (a "time limit" that is not recorded in @cache, since the document
 * itself may be harmless). FALSE with
 * @error (temporary) when a child could not be started or the cache
 * failed. */
gboolean document_child_read (Message *message, const DocumentLimits *limits,
                              const DocumentCache *cache, GPtrArray *notes, GError **error);

#endif
