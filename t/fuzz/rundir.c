/*
 * libFuzzer target for lib/rundir's readers of untrusted files: the
 * bytes are a kernel directory's metadata.json (first byte even) or a
 * run marker (first byte odd).  Checks: the kernel version read from a
 * metadata.json is one safe path component; a marker read and replaced
 * reads back with the new token first, at most nine lines, no empty line
 * and the token only once.  The rest of the input is also classified as
 * a KTSTR_KERNEL value.  Built and run by `make fuzz`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rundir/rundir.h"
#include "rundir/rundir_int.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[] = "/tmp/ktstr-rundir-fuzz.XXXXXX";

static void
put(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

static void
metadata(const uint8_t *data, size_t size)
{
	char *path = path_join(root, "metadata.json"), *v;

	put(path, data, size);
	setenv("KTSTR_KERNEL", root, 1);
	if ((v = rundir_kernel_version()) != NULL) {
		if (!path_component_ok(v, RUNDIR_VERSION_MAX))
			abort();
		free(v);
	}
	free(path);
}

static void
marker(const uint8_t *data, size_t size)
{
	char *path = path_join(root, "m.run");
	struct rundir_marker m = {0}, back = {0};
	struct rundir_held h = {-1, dir_open(root), "m"};
	struct buf err = BUF_INIT;
	size_t seen = 0;

	put(path, data, size);
	if (h.locks < 0 || rundir_marker_read(&h, &m) < 0)
		abort();
	if (rundir_marker_replace(&h, path, "id:T", &m, &err) < 0 || rundir_marker_read(&h, &back) < 0)
		abort();
	if (back.n == 0 || back.n > RUNDIR_MARKER_LINES || strcmp(back.lines[0], "id:T") != 0)
		abort();
	for (size_t i = 0; i < back.n; i++) {
		if (back.lines[i][0] == '\0')
			abort();
		seen += strcmp(back.lines[i], "id:T") == 0;
	}
	if (seen != 1)
		abort();
	rundir_marker_free(&m);
	rundir_marker_free(&back);
	close(h.locks);
	buf_free(&err);
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0)
		return 0;
	if (root[sizeof(root) - 7] == 'X' && mkdtemp(root) == NULL)
		abort();
	if (data[0] % 2 == 0)
		metadata(data + 1, size - 1);
	else
		marker(data + 1, size - 1);
	s = estrndup((const char *)data + 1, size - 1);
	if (rundir_kernel_classify(s) > RUNDIR_KERNEL_CACHE_KEY)
		abort();
	free(s);
	return 0;
}
