/* Fuzz target: git_delta_apply; the first byte splits base from delta (libFuzzer). */
#include <stdint.h>
#include <stdlib.h>

#include "git/git_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	char err[200];
	size_t cut;

	if (size < 1)
		return 0;
	cut = data[0] < size - 1 ? data[0] : size - 1;
	if (git_delta_apply(data + 1, cut, data + 1 + cut, size - 1 - cut, &out, err, sizeof(err)) < 0 &&
	    out.len != 0)
		abort();
	buf_free(&out);
	return 0;
}
