/* cmd-check.c: placeholder, being written. */
#include "config.h"
