/* etpan.c: opens libetpan on first use (see etpan.h). */
#include "config.h"

#include <dlfcn.h>

#include "base/error.h"
#include "base/util.h"
#include "base/etpan.h"

EtpanFunctions etpan;

static struct {
	gsize once;
	char *failure;           /* why it cannot be used, or NULL */
} lib;

static void
etpan_open (void)
{
	void *handle = dlopen (ETPAN_SONAME, RTLD_LAZY | RTLD_LOCAL);

	if (handle == NULL) {
		lib.failure = util_dlerror ();
		return;
	}
	/* The names are macros from here on: the symbol is the string. */
#define RESOLVE(name) \
	*(void **) &etpan.f_##name = dlsym (handle, #name); \
	if (etpan.f_##name == NULL) { \
		lib.failure = g_strdup ("it has no " #name); \
		return; \
	}
	ETPAN_FUNCTIONS (RESOLVE)
#undef RESOLVE
	/* Opened for the life of the process: never closed. */
}

gboolean
etpan_load (int code, GError **error)
{
	if (g_once_init_enter (&lib.once)) {
		etpan_open ();
		g_once_init_leave (&lib.once, 1);
	}
	if (lib.failure != NULL) {
		g_set_error (error, LIAISON_ERROR, code, "cannot load libetpan (%s): %s",
		             ETPAN_SONAME, lib.failure);
		return FALSE;
	}
	return TRUE;
}
