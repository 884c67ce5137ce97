/* error.c: the liaison GError domain. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "base/error.h"

G_DEFINE_QUARK (liaison-error-quark, liaison_error)

gboolean
liaison_error_is_temporary (const GError *error)
{
	if (error == NULL || error->domain != LIAISON_ERROR)
		return TRUE;
	return error->code <= LIAISON_ERROR_TRANSPORT;
}

const char *
liaison_error_code_status (LiaisonError code)
{
	switch (code) {
	case LIAISON_ERROR_NOSPACE:
		return "4.3.1";
	case LIAISON_ERROR_CONFIG:
		return "4.3.5";
	case LIAISON_ERROR_TIMEOUT:
		return "4.4.7";
	case LIAISON_ERROR_TRANSPORT:
		return "4.4.0";
	default:
		return "4.3.0";
	}
}

const char *
liaison_error_status_code (const GError *error)
{
	if (error == NULL || error->domain != LIAISON_ERROR)
		return "4.3.0";
	return liaison_error_code_status ((LiaisonError) error->code);
}

void
liaison_set_errno (GError **error, int errsv, const char *what)
{
	LiaisonError code;

	switch (errsv) {
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		code = LIAISON_ERROR_NOSPACE;
		break;
	case ENOMEM:
		code = LIAISON_ERROR_NOMEM;
		break;
	case ENOENT:
		code = LIAISON_ERROR_NOT_FOUND;
		break;
	default:
		code = LIAISON_ERROR_IO;
		break;
	}
	g_set_error (error, LIAISON_ERROR, code, "%s: %s", what, g_strerror (errsv));
}
