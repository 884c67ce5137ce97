/* fuzz.h: the libFuzzer entry points, which every harness in fuzz/
 * defines and fuzz/replay.c calls when the harness is built without
 * libFuzzer. */
#ifndef LIAISON_FUZZ_H
#define LIAISON_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#endif
