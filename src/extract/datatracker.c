/* extract/datatracker.c: placeholder, being written. */
#include "config.h"
