/* Fuzz target: git_wildmatch, the input split at its first NUL into pattern and text (libFuzzer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "git/git_wildmatch.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	char *pat = estrndup((const char *)data, nul ? (size_t)(nul - data) : size);
	char *text = nul ? estrndup((const char *)nul + 1, size - (size_t)(nul + 1 - data)) : estrdup("");
	unsigned flags;

	for (flags = 0; flags < 4; flags++)
		git_wildmatch(pat, text, flags);
	free(pat);
	free(text);
	return 0;
}
