/*
 * libFuzzer target for lib/host: the bytes are either a host object in
 * JSON (first byte even) or the contents of one file of a sysroot (first
 * byte odd; the second byte picks the file).  Checks: a host object that
 * reads back writes JSON that reads to the same context (no diff), and
 * collection never fails, whatever the files hold.
 * Built and run by `make fuzz` (t/fuzz/run).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host.h"
#include "json/json.h"
#include "util/utf8.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"/proc/cpuinfo",
	"/proc/meminfo",
	"/proc/cmdline",
	"/proc/sys/kernel/sched_x",
	"/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/devices/system/cpu/online",
	"/sys/devices/system/cpu/cpu0/cache/index3/level",
	"/sys/devices/system/cpu/cpu0/cache/index3/id",
	"/sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_list",
	"/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor",
};

static char root[] = "/tmp/ktstr-host-fuzz.XXXXXX";

static void
mkparents(char *path)
{
	for (char *s = path + strlen(root) + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(path, 0755);
			*s = '/';
		}
	}
}

static void
setup(void)
{
	if (root[strlen(root) - 1] != 'X')
		return;
	if (!mkdtemp(root))
		abort();
	for (size_t i = 0; i < LEN(files); i++) {
		char *p = easprintf("%s%s", root, files[i]);
		int fd;

		mkparents(p);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0 && write(fd, "0\n", 2) != 2)
			abort();
		close(fd);
		free(p);
	}
	{
		char *p = easprintf("%s/sys/devices/system/cpu/cpu1/node3", root);
		mkdir(p, 0755);
		free(p);
	}
}

static void
fuzz_json(const uint8_t *data, size_t size)
{
	struct json_doc doc = {0};
	struct host_context a = HOST_CONTEXT_INIT, b = HOST_CONTEXT_INIT;
	struct json_writer w;
	struct buf d = BUF_INIT;
	char err[256];

	if (json_parse(&doc, (const char *)data, size, 0, NULL) < 0 ||
	    host_from_json(&a, doc.root, err, sizeof(err)) < 0) {
		json_doc_free(&doc);
		return;
	}
	json_doc_free(&doc);
	jw_init(&w, 1);
	host_write_json(&w, &a);
	if (json_parse(&doc, w.s, w.len, 0, NULL) < 0 || host_from_json(&b, doc.root, err, sizeof(err)) < 0)
		abort();
	if (host_diff(&d, &a, &b) != 0)
		abort();
	host_format_human(&d, &a);
	host_format_delta(&d, &a, &b, "A", "B");
	json_doc_free(&doc);
	jw_free(&w);
	buf_free(&d);
	host_free(&a);
	host_free(&b);
}

static void
fuzz_files(const uint8_t *data, size_t size)
{
	struct host_context hc = HOST_CONTEXT_INIT;
	struct json_writer w;
	char *p;
	int fd;

	if (size < 1)
		return;
	p = easprintf("%s%s", root, files[data[0] % LEN(files)]);
	fd = open(p, O_WRONLY | O_TRUNC);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	close(fd);
	free(p);
	host_collect(&hc, root);
	jw_init(&w, 0);
	host_write_json(&w, &hc);
	if (!utf8_valid(w.s, w.len))
		abort();
	jw_free(&w);
	host_free(&hc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_files(data + 1, size - 1);
	else
		fuzz_json(data + 1, size - 1);
	return 0;
}
