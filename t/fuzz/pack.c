/*
 * Fuzz target: a pack of arbitrary bytes, every object offset read with
 * deltas applied; and the same bytes checked as an idx (libFuzzer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "git/git_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct git_repo *repo;
	struct git_pack pk;
	struct buf out = BUF_INIT;
	enum git_obj_type t;
	uint32_t n;
	size_t off;

	if (!repo) {
		repo = ecalloc(1, sizeof(*repo));
		repo->commondir = estrdup("/nonexistent/fuzz"); /* REF_DELTA bases: none */
	}
	git_set_format(repo, GIT_HASH_SHA1);
	git_idx_check(repo, data, size, "fuzz.idx", &n);
	memset(&pk, 0, sizeof(pk));
	pk.pack = data;
	pk.packlen = size;
	pk.packpath = "fuzz.pack";
	pk.tried = 1;
	for (off = 12; off < size && off < 64; off++) {
		buf_reset(&out);
		git_pack_read_at(repo, &pk, off, &t, &out);
	}
	git_odb_free(repo);
	buf_free(&out);
	return 0;
}
