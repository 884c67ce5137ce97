/* error.h: the GError domain of liaison, and which of its codes are temporary.
 * Foreign errors (SQLite, errno) are wrapped into this domain where they enter,
 * so that main() alone decides the exit status. */
#ifndef LIAISON_ERROR_H
#define LIAISON_ERROR_H

#include <glib.h>

#define LIAISON_ERROR (liaison_error_quark ())
GQuark liaison_error_quark (void);

typedef enum {
	/* Temporary: a retry may succeed (deliver exits 75). */
	LIAISON_ERROR_BUSY,      /* database locked past its timeout: 4.3.0 */
	LIAISON_ERROR_IO,        /* I/O error: 4.3.0 */
	LIAISON_ERROR_NOSPACE,   /* disk full: 4.3.1 */
	LIAISON_ERROR_NOMEM,     /* out of memory: 4.3.0 */
	LIAISON_ERROR_CONFIG,    /* unreadable or invalid configuration: 4.3.5 */
	LIAISON_ERROR_TIMEOUT,   /* our own deadline reached: 4.4.7 */
	LIAISON_ERROR_SIGNAL,    /* SIGTERM: 4.3.0 */
	LIAISON_ERROR_TRANSPORT, /* the transport could not take a message: 4.4.0 */
	/* Permanent for commands other than deliver. */
	LIAISON_ERROR_NOT_FOUND,
	LIAISON_ERROR_USAGE,
	LIAISON_ERROR_FAILED,
} LiaisonError;

/* TRUE when @error is one a retry may cure. deliver treats every error as
 * temporary anyway; this tells the log line which kind it was. */
gboolean liaison_error_is_temporary (const GError *error);

/* The RFC 3463 enhanced status code that starts deliver's stderr line:
 * that of @error's code, 4.3.0 for a NULL or foreign error. */
const char *liaison_error_status_code (const GError *error);

/* The RFC 3463 enhanced status code of @code (4.3.0 when it has none of its
 * own), for a failure that is reported without a GError of our domain. */
const char *liaison_error_code_status (LiaisonError code);

/* Sets @error from errno @errsv with the right code (ENOSPC, EDQUOT -> NOSPACE;
 * ENOMEM -> NOMEM; others -> IO) and the message "what: strerror". */
void liaison_set_errno (GError **error, int errsv, const char *what);

#endif
