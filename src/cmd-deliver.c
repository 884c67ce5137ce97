/* cmd-deliver.c: placeholder, being written. */
#include "config.h"
