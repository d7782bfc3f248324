/* Fuzz target: git_inflate on arbitrary bytes (libFuzzer). */
#include <stdint.h>
#include <stdlib.h>

#include "git/inflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	char err[200];
	size_t used;

	if (git_inflate(data, size, &out, 1 << 24, &used, err, sizeof(err)) == 0 && used > size)
		abort();
	buf_free(&out);
	return 0;
}
