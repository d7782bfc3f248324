/* Fuzz target: git_index_parse on arbitrary bytes, checksum unchecked (libFuzzer). */
#include <stdint.h>
#include <stdlib.h>

#include "git/git_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct git_repo *repo;
	struct git_index ix;
	size_t i;

	if (!repo)
		repo = ecalloc(1, sizeof(*repo));
	/* The first byte picks the hash size, so both layouts are explored. */
	git_set_format(repo, size && data[0] & 1 ? GIT_HASH_SHA256 : GIT_HASH_SHA1);
	if (git_index_parse(repo, data, size, "fuzz", NULL, 0, &ix) == 0) {
		for (i = 0; i < ix.n; i++)
			if (!ix.e[i].path || ix.e[i].path[ix.e[i].pathlen] != '\0')
				abort();
		git_index_free(&ix);
	}
	return 0;
}
