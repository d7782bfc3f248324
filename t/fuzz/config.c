/* Fuzz target: configuration text, applied as a repository's own file (libFuzzer). */
#include <stdint.h>
#include <stdlib.h>

#include "git/git_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct git_repo *repo = ecalloc(1, sizeof(*repo));

	/* Includes and conditions name files that do not exist. */
	repo->gitdir = estrdup("/nonexistent/fuzz/.git");
	repo->commondir = estrdup("/nonexistent/fuzz/.git");
	git_set_format(repo, GIT_HASH_SHA1);
	git_config_from_text(repo, "fuzz", (const char *)data, size);
	git_close(repo);
	return 0;
}
