/* gmime-util.c: one-time GMime initialisation. */
#include "config.h"

#include "base/gmime-util.h"

void
gmime_util_init (void)
{
	static gsize done = 0;

	if (g_once_init_enter (&done)) {
		g_mime_init ();
		/* Parse as leniently as GMime can: we must record every message,
		 * however broken; RFC 2047 workarounds for real-world encoders. */
		GMimeParserOptions *opts = g_mime_parser_options_get_default ();
		g_mime_parser_options_set_rfc2047_compliance_mode (opts, GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_address_compliance_mode (opts, GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_parameter_compliance_mode (opts, GMIME_RFC_COMPLIANCE_LOOSE);
		g_once_init_leave (&done, 1);
	}
}
