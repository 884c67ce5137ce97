/* cmd-list.c: placeholder, being written. */
#include "config.h"
