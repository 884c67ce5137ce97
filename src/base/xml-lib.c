/* xml-lib.c: opens libxml2 on first use (see xml-lib.h). */
#include "config.h"

#include <dlfcn.h>

#include "base/error.h"
#include "base/util.h"
#include "base/xml-lib.h"

XmlLibFunctions xml_lib;

static struct {
	gsize once;
	char *failure;           /* why it cannot be used, or NULL */
} lib;

static void
xml_lib_open (void)
{
	void *handle = dlopen (XML2_SONAME, RTLD_LAZY | RTLD_LOCAL);

	if (handle == NULL) {
		lib.failure = util_dlerror ();
		return;
	}
	/* The names are macros from here on: the symbol is the string. */
#define RESOLVE(name) \
	*(void **) &xml_lib.f_##name = dlsym (handle, #name); \
	if (xml_lib.f_##name == NULL) { \
		lib.failure = g_strdup ("it has no " #name); \
		return; \
	}
	XML_LIB_FUNCTIONS (RESOLVE)
#undef RESOLVE
	/* Once, before any thread parses: libxml2's own set-up. */
	xmlInitParser ();
	/* Opened for the life of the process: never closed. */
}

gboolean
xml_lib_load (GError **error)
{
	if (g_once_init_enter (&lib.once)) {
		xml_lib_open ();
		g_once_init_leave (&lib.once, 1);
	}
	if (lib.failure != NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "cannot load libxml2 (%s): %s",
		             XML2_SONAME, lib.failure);
		return FALSE;
	}
	return TRUE;
}
