/* gmime-util.c: placeholder, being written. */
#include "config.h"
