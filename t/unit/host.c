/* Unit tests for lib/host: parse rules, fallbacks, JSON, report, delta. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host/host.h"
#include "json/json.h"
#include "tap.h"
#include "util/strlist.h"
#include "util/util.h"

static char root[] = "/tmp/ktstr-host-unit.XXXXXX";

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (ftw->level > 0 && remove(path) < 0)
		fprintf(stderr, "# cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

/* Empty the sysroot between cases (the root itself stays). */
static void
wipe(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
mkdirs(const char *path)
{
	char *p = estrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
	free(p);
}

/* root + rel, creating the parent directories. */
static char *
at(const char *rel)
{
	char *path = easprintf("%s%s", root, rel);
	char *slash = strrchr(path, '/');

	*slash = '\0';
	mkdirs(path);
	*slash = '/';
	return path;
}

static void
putn(const char *rel, const char *data, size_t n)
{
	char *path = at(rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, n) != (ssize_t)n)
		fprintf(stderr, "# cannot write %s\n", path);
	if (fd >= 0)
		close(fd);
	free(path);
}

static void
put(const char *rel, const char *data)
{
	putn(rel, data, strlen(data));
}

static void
dir(const char *rel)
{
	char *path = easprintf("%s%s", root, rel);

	mkdirs(path);
	free(path);
}

static void
collect(struct host_context *hc)
{
	host_free(hc);
	host_collect(hc, root);
}

static const char *
S(const struct host_str *s)
{
	return s->s;
}

static char *
slurp(const char *name)
{
	const char *top = getenv("KTSTR_TOP");
	char *path = easprintf("%s/t/fixtures/host/%s", top ? top : ".", name);
	struct buf b = BUF_INIT;

	if (read_file(path, &b, 0) < 0)
		fprintf(stderr, "# cannot read %s: %s\n", path, strerror(errno));
	free(path);
	return buf_detach(&b);
}

/* Parse text as a host object into hc; returns host_from_json's result. */
static int
parse(struct host_context *hc, const char *text, char *err, size_t errlen)
{
	struct json_doc doc = {0};
	int rc = -1;

	host_free(hc);
	if (json_parse(&doc, text, strlen(text), 0, NULL) == 0)
		rc = host_from_json(hc, doc.root, err, errlen);
	else
		snprintf(err, errlen, "bad JSON in test");
	json_doc_free(&doc);
	return rc;
}

static char *
to_json(const struct host_context *hc, int pretty)
{
	struct json_writer w;
	char *s;

	jw_init(&w, pretty);
	host_write_json(&w, hc);
	s = estrndup(w.s, w.len);
	jw_free(&w);
	return s;
}

static char *
human(const struct host_context *hc)
{
	struct buf b = BUF_INIT;

	host_format_human(&b, hc);
	return buf_detach(&b);
}

static void
test_cpuinfo(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;

	put("/proc/cpuinfo", "processor\t: 0\r\nvendor_id\t: GenuineIntel\r\n"
	                     "model name\t: Xeon\r\n\r\nprocessor\t: 1\r\nmodel name\t: Other\r\n");
	collect(&hc);
	is_str(S(&hc.cpu_model), "Xeon", "cpuinfo: CRLF endings");
	is_str(S(&hc.cpu_vendor), "GenuineIntel", "cpuinfo: vendor with CRLF");

	put("/proc/cpuinfo", "\nprocessor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n");
	collect(&hc);
	ok(!hc.cpu_model.s && !hc.cpu_vendor.s, "cpuinfo: leading blank line gives nothing");

	put("/proc/cpuinfo", "vendor_id\t:\nmodel name\t: A: B\nmodel name\t: second\n"
	                     "no colon here\nModel Name: wrong case\nvendor_id : AuthenticAMD\n"
	                     "\nvendor_id: later block\n");
	collect(&hc);
	is_str(S(&hc.cpu_model), "A: B", "cpuinfo: first wins, colons kept in value");
	is_str(S(&hc.cpu_vendor), "AuthenticAMD", "cpuinfo: empty value does not block a later one");

	put("/proc/cpuinfo", "processor\t: 0\nmodel name\t: \xff\xfe\n");
	collect(&hc);
	ok(!hc.cpu_model.s, "cpuinfo: invalid UTF-8 makes the file unreadable");

	put("/proc/cpuinfo", "processor: 0\nmodel name:\xc2\xa0 Neoverse \xe3\x80\x80\nvendor_id: \x0b" "ARM\x0c\n");
	collect(&hc);
	is_str(S(&hc.cpu_model), "Neoverse", "cpuinfo: Unicode whitespace trimmed at the edges");
	is_str(S(&hc.cpu_vendor), "ARM", "cpuinfo: \\v and \\f trimmed");
	host_free(&hc);
	wipe(root);
}

static void
test_meminfo(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;

	put("/proc/meminfo", "MemTotal:       1000 kB\nMemTotal:       2000 kB\nMemTotal: -1 kB\n"
	                     "HugePages_Total: 18446744073709551616\nHugePages_Free: +7\n"
	                     "Hugepagesize:\nno colon 5\nUnknown: 9 kB\n");
	collect(&hc);
	ok(hc.total_memory_kb.set && hc.total_memory_kb.v == 2000, "meminfo: last valid line wins");
	ok(!hc.hugepages_total.set, "meminfo: overflow is absent");
	ok(hc.hugepages_free.set && hc.hugepages_free.v == 7, "meminfo: leading '+' accepted");
	ok(!hc.hugepages_size_kb.set, "meminfo: no token is absent");

	put("/proc/meminfo", "MemTotal: -1 kB\nHugePages_Total: 0\nHugepagesize: 12kB\n"
	                     "HugePages_Free:\t18446744073709551615\n");
	collect(&hc);
	ok(!hc.total_memory_kb.set, "meminfo: negative is absent");
	ok(hc.hugepages_total.set && hc.hugepages_total.v == 0, "meminfo: zero is recorded");
	ok(!hc.hugepages_size_kb.set, "meminfo: unit glued to the number is absent");
	ok(hc.hugepages_free.set && hc.hugepages_free.v == UINT64_MAX, "meminfo: u64 max fits");

	put("/proc/meminfo", "MemTotal: 5 kB\n\xff\n");
	collect(&hc);
	ok(!hc.total_memory_kb.set, "meminfo: invalid UTF-8 makes the file unreadable");
	host_free(&hc);
	wipe(root);
}

static void
test_trimmed(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;

	put("/sys/kernel/mm/transparent_hugepage/enabled", " \t\n\r\v\f");
	put("/sys/kernel/mm/transparent_hugepage/defrag", "always defer [madvise] never\n");
	put("/proc/cmdline", "\xc2\xa0root=/dev/sda1  ro\nsecond line\xe2\x80\xa8\n");
	collect(&hc);
	ok(!hc.thp_enabled.s, "read_trimmed: whitespace-only file is absent");
	is_str(S(&hc.thp_defrag), "always defer [madvise] never", "read_trimmed: brackets kept");
	is_str(S(&hc.kernel_cmdline), "root=/dev/sda1  ro\nsecond line",
	       "read_trimmed: Unicode edges trimmed, interior kept");

	wipe(root);
	put("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] \x80never\n");
	dir("/sys/kernel/mm/transparent_hugepage/defrag/x");
	putn("/proc/cmdline", "a\0b\n", 4);
	collect(&hc);
	ok(!hc.thp_enabled.s, "read_trimmed: invalid UTF-8 is absent");
	ok(!hc.thp_defrag.s, "read_trimmed: a directory is unreadable");
	ok(hc.kernel_cmdline.s && hc.kernel_cmdline.len == 3 && memcmp(hc.kernel_cmdline.s, "a\0b", 3) == 0,
	   "read_trimmed: NUL bytes kept");
	host_free(&hc);
	wipe(root);
}

static void
test_tunables(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;
	char *link;

	collect(&hc);
	ok(!hc.has_sched_tunables, "tunables: missing directory is absent");

	put("/proc/sys/kernel/sched_rt_period_us", "1000000\n");
	put("/proc/sys/kernel/sched_a", "x\ty\nz\n");
	put("/proc/sys/kernel/sched_empty", "\n");
	put("/proc/sys/kernel/sched_domain/cpu0/name", "MC\n");
	put("/proc/sys/kernel/hostname", "box\n");
	put("/proc/sys/kernel/Sched_upper", "1\n");
	put("/proc/sys/kernel/sched_\xff", "1\n");
	put("/proc/sys/kernel/sched_bad_value", "\xc0\xaf");
	put("/proc/sys/kernel/sched_B", "2\n");
	dir("/proc/sys/kernel/sched_unreadable");
	link = at("/proc/sys/kernel/sched_link");
	if (symlink("sched_rt_period_us", link) < 0)
		fprintf(stderr, "# symlink: %s\n", strerror(errno));
	free(link);
	collect(&hc);
	ok(hc.has_sched_tunables && hc.ntunables == 3, "tunables: only readable sched_ regular files");
	if (hc.ntunables == 3) {
		is_str(S(&hc.sched_tunables[0].name), "sched_B", "tunables: byte order (upper case first)");
		is_str(S(&hc.sched_tunables[1].name), "sched_a", "tunables: byte order");
		is_str(S(&hc.sched_tunables[1].value), "x\ty\nz", "tunables: interior whitespace kept");
		is_str(S(&hc.sched_tunables[2].value), "1000000", "tunables: value trimmed");
	}

	wipe(root);
	put("/proc/sys/kernel/hostname", "box\n");
	collect(&hc);
	ok(hc.has_sched_tunables && hc.ntunables == 0, "tunables: nothing matched is {}");
	{
		char *j = to_json(&hc, 0);
		ok(strstr(j, "\"sched_tunables\":{}") != NULL, "tunables: {} written, not omitted");
		free(j);
	}

	wipe(root);
	put("/proc/sys/kernel", "not a directory\n");
	collect(&hc);
	ok(!hc.has_sched_tunables, "tunables: unlistable directory is absent, not {}");
	host_free(&hc);
	wipe(root);
}

/* cpuN with an LLC (index3 id) and a node. */
static void
cpu(int n, int llc, int node)
{
	char rel[128], val[32];

	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index0/level", n);
	put(rel, "1\n");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index3/level", n);
	put(rel, "3\n");
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index3/id", n);
	snprintf(val, sizeof(val), "%d\n", llc);
	put(rel, val);
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/node%d/x", n, node);
	put(rel, "");
}

static void
test_topology(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;

	collect(&hc);
	ok(!hc.online_cpus.set && !hc.numa_nodes.set, "topology: no online file, both absent");

	put("/sys/devices/system/cpu/online", "0-1,x\n");
	cpu(0, 0, 0);
	cpu(1, 1, 1);
	collect(&hc);
	ok(!hc.online_cpus.set && !hc.numa_nodes.set, "topology: garbled online, both absent");

	put("/sys/devices/system/cpu/online", "\n");
	collect(&hc);
	ok(!hc.online_cpus.set && hc.ngovernors == 0, "topology: empty list, absent");

	put("/sys/devices/system/cpu/online", "0-1\n");
	collect(&hc);
	ok(hc.online_cpus.v == 2 && hc.numa_nodes.v == 2, "topology: two LLCs on nodes 0 and 1");

	put("/sys/devices/system/cpu/online", "0-2\n");
	collect(&hc);
	ok(hc.online_cpus.set && hc.online_cpus.v == 2, "topology: listed CPU without directory not counted");

	put("/sys/devices/system/cpu/online", " 1 , 0,,3-2 ,+1\n");
	collect(&hc);
	ok(hc.online_cpus.v == 2 && hc.numa_nodes.v == 2,
	   "topology: spaces, empty parts, lo > hi, '+' and duplicates");

	put("/sys/devices/system/cpu/online", "0 -1\n");
	collect(&hc);
	ok(!hc.online_cpus.set, "topology: range halves are not trimmed");

	put("/sys/devices/system/cpu/online", "0-18446744073709551615\n");
	collect(&hc);
	ok(!hc.online_cpus.set, "topology: an absurd range is a garbled list");

	wipe(root);
	put("/sys/devices/system/cpu/online", "0-5\n");
	cpu(0, 0, 0);
	cpu(1, 0, 7); /* the LLC's first CPU decides its node */
	cpu(2, 8, 2);
	cpu(3, 8, 2);
	cpu(4, 9, 5);
	cpu(5, 10, 0);
	collect(&hc);
	ok(hc.online_cpus.v == 6 && hc.numa_nodes.v == 3, "topology: sparse node ids {0,2,5} give 3");

	wipe(root);
	put("/sys/devices/system/cpu/online", "0-3\n");
	dir("/sys/devices/system/cpu/cpu0/node1");
	dir("/sys/devices/system/cpu/cpu1/node0");
	dir("/sys/devices/system/cpu/cpu2/node1");
	dir("/sys/devices/system/cpu/cpu3/nodex");
	collect(&hc);
	ok(hc.online_cpus.v == 4 && hc.numa_nodes.v == 1, "topology: no cache/ means one LLC, one node");

	wipe(root);
	put("/sys/devices/system/cpu/online", "0-3\n");
	for (int n = 0; n < 4; n++) {
		char rel[128], val[16];

		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index2/level", n);
		put(rel, "2\n");
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index2/shared_cpu_list", n);
		put(rel, n < 2 ? "x,1-0,0-1\n" : "junk,3,2\n");
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/indexZ/level", n);
		put(rel, "9\n");
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index5/level", n);
		put(rel, "bad\n");
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/node%d/x", n, n / 2);
		snprintf(val, sizeof(val), "%d", n);
		put(rel, val);
	}
	collect(&hc);
	ok(hc.numa_nodes.v == 2, "topology: LLC from a lenient shared_cpu_list minimum");

	wipe(root);
	put("/sys/devices/system/cpu/online", "0-1\n");
	put("/sys/devices/system/cpu/cpu0/cache/index3/level", "3\n");
	put("/sys/devices/system/cpu/cpu0/cache/index3/id", "nope\n");
	put("/sys/devices/system/cpu/cpu0/node0/x", "");
	put("/sys/devices/system/cpu/cpu1/cache/index3/level", "3\n");
	put("/sys/devices/system/cpu/cpu1/cache/index3/id", "5\n");
	put("/sys/devices/system/cpu/cpu1/node1/x", "");
	collect(&hc);
	ok(hc.numa_nodes.v == 2, "topology: no id and no shared list is LLC 0");
	host_free(&hc);
	wipe(root);
}

static void
test_governors(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;
	char *j, *h;

	put("/sys/devices/system/cpu/online", "0-11\n");
	for (int n = 0; n < 12; n++) {
		char rel[128];

		if (n == 4)
			continue;
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", n);
		put(rel, n == 6 ? " \n" : n == 10 ? "powersave\n" : "performance\n");
	}
	collect(&hc);
	ok(hc.ngovernors == 10, "governors: missing and blank governors skipped");
	ok(hc.online_cpus.v == 11, "governors: listed CPUs need no directory for governors");
	j = to_json(&hc, 0);
	ok(strstr(j, "\"9\":\"performance\",\"10\":\"powersave\",\"11\"") != NULL,
	   "governors: numeric key order in JSON");
	h = human(&hc);
	ok(strstr(h, "  cpu9 = performance\n  cpu10 = powersave\n") != NULL,
	   "governors: numeric order in the report");
	free(j);
	free(h);

	put("/sys/devices/system/cpu/online", "0-1,z\n");
	collect(&hc);
	ok(hc.ngovernors == 0, "governors: garbled online list, empty map");
	j = to_json(&hc, 0);
	ok(strstr(j, "cpufreq_governor") == NULL, "governors: empty map omitted");
	free(j);
	host_free(&hc);
	wipe(root);
}

static void
test_uname(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;
	struct utsname u;
	char *j;

	collect(&hc);
	uname(&u);
	is_str(S(&hc.kernel_name), u.sysname, "uname: sysname, sysroot does not apply");
	is_str(S(&hc.kernel_release), u.release, "uname: release");
	is_str(S(&hc.arch), u.machine, "uname: machine");
	j = to_json(&hc, 1);
	{
		char *want = easprintf("{\n  \"kernel_name\": \"%s\",\n  \"kernel_release\": \"%s\",\n"
		                       "  \"arch\": \"%s\"\n}",
		                       u.sysname, u.release, u.machine);
		is_str(j, want, "empty sysroot: only the uname triple");
		free(want);
	}
	free(j);
	host_free(&hc);
}

/* The reasons host_unreadable_trees gives, joined by '|', and their count. */
static char *
unreadable(size_t *n)
{
	struct strlist why = {0};
	struct buf b = BUF_INIT;

	*n = host_unreadable_trees(&why, root);
	strv_join(&b, (const char *const *)why.v, why.n, "|");
	strlist_free(&why);
	return buf_detach(&b);
}

static void
test_unreadable_trees(void)
{
	char *got, *want;
	size_t n;

	wipe(root);
	got = unreadable(&n);
	want = easprintf("cannot read '%s/proc': No such file or directory|"
	                 "cannot read '%s/sys': No such file or directory", root, root);
	is_str(got, want, "trees: neither /proc nor /sys");
	is_int(n, 2, "trees: two reasons");
	free(got);
	free(want);

	put("/sys/kernel/x", "1\n");
	mkdirs(want = easprintf("%s/proc", root));
	free(want);
	got = unreadable(&n);
	want = easprintf("'%s/proc' is empty: nothing is mounted there", root);
	is_str(got, want, "trees: an empty /proc is a mount point with nothing on it");
	is_int(n, 1, "trees: one reason");
	free(got);
	free(want);

	put("/proc/cpuinfo", "");
	got = unreadable(&n);
	is_str(got, "", "trees: an entry in each is enough");
	is_int(n, 0, "trees: no reason");
	free(got);
	wipe(root);
}

static void
test_json(void)
{
	struct host_context hc = HOST_CONTEXT_INIT;
	char err[256], *a = slurp("example-a.json"), *txt = slurp("example-a.txt"), *j, *h;
	size_t alen = strlen(a);

	ok(parse(&hc, a, err, sizeof(err)) == 0, "json: the full example host reads");
	j = to_json(&hc, 1);
	ok(alen > 0 && strlen(j) == alen - 1 && memcmp(j, a, alen - 1) == 0,
	   "json: the full example round trips byte for byte");
	free(j);
	h = human(&hc);
	is_str(h, txt, "report: the full example's report");
	free(h);
	free(a);
	free(txt);

	ok(parse(&hc, "{\"arch\":\"x\",\"heap_state\":{\"narenas\":1,\"active_bytes\":2},"
	              "\"cpu_model\":\"m\",\"cpufreq_governor\":{\"10\":\"b\",\"9\":\"a\"},"
	              "\"sched_tunables\":{\"b\":\"1\",\"a\":\"2\",\"b\":\"3\"},\"unknown\":[1,{}]}",
	         err, sizeof(err)) == 0,
	   "json: shuffled keys read");
	j = to_json(&hc, 0);
	is_str(j, "{\"cpu_model\":\"m\",\"sched_tunables\":{\"a\":\"2\",\"b\":\"3\"},"
	          "\"cpufreq_governor\":{\"9\":\"a\",\"10\":\"b\"},\"arch\":\"x\","
	          "\"heap_state\":{\"active_bytes\":2,\"narenas\":1}}",
	       "json: upstream's key order, last duplicate map key wins, unknown keys dropped");
	free(j);

	ok(parse(&hc, "{}", err, sizeof(err)) == 0, "json: {} is a context");
	j = to_json(&hc, 1);
	is_str(j, "{}", "json: all-absent writes {}");
	free(j);
	h = human(&hc);
	ok(strstr(h, "cpufreq_governor: (empty)\nsched_tunables: (unknown)\nheap_state: (unknown)\n") != NULL,
	   "report: absent maps");
	free(h);

	ok(parse(&hc, "{\"cpu_model\":null,\"total_memory_kb\":null,\"sched_tunables\":null,"
	              "\"cpufreq_governor\":null,\"heap_state\":null,\"uname_sysname\":\"Linux\"}",
	         err, sizeof(err)) == 0,
	   "json: nulls accepted");
	j = to_json(&hc, 0);
	is_str(j, "{}", "json: null means absent; pre-rename keys ignored");
	free(j);

	ok(parse(&hc, "{\"heap_state\":{},\"sched_tunables\":{}}", err, sizeof(err)) == 0 &&
	   hc.has_heap_state && hc.has_sched_tunables,
	   "json: empty heap_state and tunables are present");
	h = human(&hc);
	ok(strstr(h, "sched_tunables: (empty)\nheap_state:\n  allocated_bytes: (unknown)\n") != NULL,
	   "report: empty heap_state rows");
	free(h);

	ok(parse(&hc, "{\"kernel_cmdline\":\"a\\u0000b\\\"\\\\\\/\\u007f\\u001f\\t\"}", err,
	         sizeof(err)) == 0,
	   "json: escapes read");
	j = to_json(&hc, 0);
	is_str(j, "{\"kernel_cmdline\":\"a\\u0000b\\\"\\\\/\x7f\\u001f\\t\"}",
	       "json: serde escaping, NUL kept");
	free(j);
	host_free(&hc);
}

static void
test_json_errors(void)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"[]", "invalid type: sequence, expected struct HostContext"},
		{"{\"total_memory_kb\":\"1\"}", "invalid type: string \"1\", expected u64 at `total_memory_kb`"},
		{"{\"online_cpus\":-1}", "invalid value: integer `-1`, expected u64 at `online_cpus`"},
		{"{\"numa_nodes\":1.5}", "invalid type: floating point `1.5`, expected u64 at `numa_nodes`"},
		{"{\"numa_nodes\":1e2}", "invalid type: floating point `100.0`, expected u64 at `numa_nodes`"},
		{"{\"numa_nodes\":-0}", "invalid type: floating point `-0.0`, expected u64 at `numa_nodes`"},
		{"{\"numa_nodes\":1e20}",
		 "invalid type: floating point `100000000000000000000.0`, expected u64 at `numa_nodes`"},
		{"{\"hugepages_free\":18446744073709551616}", "invalid type: floating point"},
		{"{\"cpu_model\":7}", "invalid type: integer `7`, expected a string at `cpu_model`"},
		{"{\"arch\":\"\\ud800\"}", "lone surrogate"},
		{"{\"sched_tunables\":{\"a\":1}}", "expected a string at `sched_tunables.a`"},
		{"{\"sched_tunables\":[]}", "invalid type: sequence, expected a map at `sched_tunables`"},
		{"{\"cpufreq_governor\":{\"01\":\"x\"}}", "invalid cpu number \"01\""},
		{"{\"cpufreq_governor\":{\"+1\":\"x\"}}", "invalid cpu number"},
		{"{\"cpufreq_governor\":{\"-1\":\"x\"}}", "invalid cpu number"},
		{"{\"cpufreq_governor\":{\"\":\"x\"}}", "invalid cpu number"},
		{"{\"cpufreq_governor\":{\"0\":null}}", "invalid type: null, expected a string"},
		{"{\"arch\":\"a\",\"arch\":\"b\"}", "duplicate field `arch`"},
		{"{\"arch\":null,\"arch\":\"b\"}", "duplicate field `arch`"},
		{"{\"heap_state\":{\"narenas\":1,\"narenas\":2}}", "duplicate field `narenas`"},
		{"{\"heap_state\":{\"narenas\":true}}", "invalid type: boolean `true`, expected u64 at `heap_state.narenas`"},
		{"{\"heap_state\":5}", "expected struct HostHeapState"},
	};
	struct host_context hc = HOST_CONTEXT_INIT;
	char err[256];

	for (size_t i = 0; i < LEN(cases); i++) {
		int rc = parse(&hc, cases[i].json, err, sizeof(err));
		ok(rc < 0 && strstr(err, cases[i].want) != NULL, "json error: %s", cases[i].json);
		if (rc == 0 || !strstr(err, cases[i].want))
			printf("#   got: %s\n", rc < 0 ? err : "(accepted)");
		ok(hc.cpu_model.s == NULL && hc.ntunables == 0 && hc.ngovernors == 0,
		   "json error leaves the context empty");
	}
	ok(parse(&hc, "{\"cpufreq_governor\":{\"0\":\"a\",\"0\":\"b\"},\"numa_nodes\":0}", err,
	         sizeof(err)) == 0 &&
	   hc.ngovernors == 1 && strcmp(hc.cpufreq_governor[0].governor.s, "b") == 0,
	   "json: repeated governor key, last wins");
	ok(parse(&hc, "{\"cpufreq_governor\":{\"18446744073709551615\":\"x\"}}", err, sizeof(err)) == 0,
	   "json: largest cpu id");
	ok(parse(&hc, "{\"cpufreq_governor\":{\"18446744073709551616\":\"x\"}}", err, sizeof(err)) < 0,
	   "json: cpu id overflow");
	host_free(&hc);
}

static void
test_sidecar(void)
{
	static const struct {
		const char *json;
		int want;
	} cases[] = {
		{"{\"test_name\":\"t\"}", 0},
		{"{\"test_name\":\"t\",\"host\":null}", 0},
		{"{\"test_name\":\"t\",\"host\":{}}", 1},
		{"{\"test_name\":\"t\",\"host\":{\"arch\":\"x\"}}", 1},
		{"{\"test_name\":\"t\",\"host\":{\"arch\":1}}", -1},
		{"{\"test_name\":\"t\",\"host\":\"x86_64\"}", -1},
	};
	struct host_context hc = HOST_CONTEXT_INIT;
	char err[256];

	for (size_t i = 0; i < LEN(cases); i++) {
		struct json_doc doc = {0};

		json_parse(&doc, cases[i].json, strlen(cases[i].json), 0, NULL);
		is_int(host_from_sidecar(&hc, doc.root, err, sizeof(err)), cases[i].want,
		       "host_from_sidecar: %s", cases[i].json);
		host_free(&hc);
		json_doc_free(&doc);
	}
}

static char *
delta(const struct host_context *a, const struct host_context *b, int *rc)
{
	struct buf out = BUF_INIT;

	*rc = host_format_delta(&out, a, b, "A", "B");
	return buf_detach(&out);
}

static void
test_delta(void)
{
	struct host_context a = HOST_CONTEXT_INIT, b = HOST_CONTEXT_INIT;
	char err[256], *ta = slurp("example-a.json"), *tb = slurp("example-b.json");
	char *want = slurp("delta-a-b.txt"), *d;
	int rc;

	parse(&a, ta, err, sizeof(err));
	parse(&b, tb, err, sizeof(err));
	d = delta(&a, &b, &rc);
	is_str(d, want, "delta: the example delta byte for byte");
	is_int(rc, 1, "delta: different is 1");
	free(d);

	parse(&b, ta, err, sizeof(err));
	d = delta(&a, &b, &rc);
	is_str(d, "\nhost: identical between 'A' and 'B' (arch: x86_64)\n", "delta: identical with arch");
	is_int(rc, 0, "delta: identical is 0");
	free(d);

	d = delta(&a, NULL, &rc);
	is_str(d, "\nhost: captured in 'A' only, delta unavailable\n", "delta: only A");
	is_int(rc, 1, "delta: one side is 1");
	free(d);
	d = delta(NULL, &b, &rc);
	is_str(d, "\nhost: captured in 'B' only, delta unavailable\n", "delta: only B");
	free(d);
	d = delta(NULL, NULL, &rc);
	ok(rc == -1 && d[0] == '\0', "delta: neither side prints nothing");
	free(d);

	parse(&a, "{}", err, sizeof(err));
	parse(&b, "{}", err, sizeof(err));
	d = delta(&a, &b, &rc);
	is_str(d, "\nhost: identical between 'A' and 'B'\n", "delta: identical without arch");
	free(d);

	parse(&b, ta, err, sizeof(err));
	d = delta(&a, &b, &rc);
	ok(strstr(d, "  kernel_name: (unknown) \xe2\x86\x92 Linux\n") &&
	   strstr(d, "  sched_tunables: (unknown) \xe2\x86\x92 (5 entries)\n") &&
	   strstr(d, "  heap_state: (unknown) \xe2\x86\x92 (present)\n") &&
	   strstr(d, "  cpufreq_governor.cpu0: (absent) \xe2\x86\x92 performance\n"),
	   "delta: None -> Some");
	free(d);
	d = delta(&b, &a, &rc);
	ok(strstr(d, "  total_memory_kb: 65536000 \xe2\x86\x92 (unknown)\n") &&
	   strstr(d, "  heap_state: (present) \xe2\x86\x92 (unknown)\n"),
	   "delta: Some -> None");
	free(d);

	parse(&a, "{\"sched_tunables\":{}}", err, sizeof(err));
	parse(&b, "{\"sched_tunables\":{\"x\":\"1\"}}", err, sizeof(err));
	d = delta(&b, &a, &rc);
	is_str(d, "\nhost delta ('A' \xe2\x86\x92 'B'):\n  sched_tunables.x: 1 \xe2\x86\x92 (absent)\n",
	       "delta: both present, key removed");
	free(d);
	host_free(&a);
	d = delta(&b, &a, &rc);
	ok(strstr(d, "  sched_tunables: (1 entry) \xe2\x86\x92 (unknown)\n") != NULL, "delta: (1 entry)");
	free(d);
	parse(&b, "{\"sched_tunables\":{}}", err, sizeof(err));
	d = delta(&b, &a, &rc);
	ok(strstr(d, "  sched_tunables: (empty) \xe2\x86\x92 (unknown)\n") != NULL, "delta: (empty)");
	free(d);

	parse(&a, "{\"cpufreq_governor\":{\"9\":\"a\",\"10\":\"a\"}}", err, sizeof(err));
	parse(&b, "{\"cpufreq_governor\":{\"10\":\"b\",\"9\":\"b\",\"100\":\"c\"}}", err, sizeof(err));
	d = delta(&a, &b, &rc);
	ok(strstr(d, "cpu9: a \xe2\x86\x92 b\n  cpufreq_governor.cpu10: a \xe2\x86\x92 b\n"
	             "  cpufreq_governor.cpu100: (absent) \xe2\x86\x92 c\n") != NULL,
	   "delta: governors in numeric order");
	free(d);

	parse(&a, "{\"heap_state\":{\"narenas\":1,\"mapped_bytes\":5}}", err, sizeof(err));
	parse(&b, "{\"heap_state\":{\"narenas\":2,\"allocated_bytes\":3,\"mapped_bytes\":5}}", err, sizeof(err));
	d = delta(&a, &b, &rc);
	is_str(d, "\nhost delta ('A' \xe2\x86\x92 'B'):\n  heap_state:\n"
	          "    allocated_bytes: (unknown) \xe2\x86\x92 3\n    narenas: 1 \xe2\x86\x92 2\n",
	       "delta: heap_state inner lines");
	free(d);
	parse(&b, "{\"heap_state\":{\"narenas\":1,\"mapped_bytes\":5}}", err, sizeof(err));
	d = delta(&a, &b, &rc);
	ok(rc == 0, "delta: equal heap_state is identical");
	free(d);

	parse(&a, "{\"kernel_cmdline\":\"a\\u0000b\"}", err, sizeof(err));
	parse(&b, "{\"kernel_cmdline\":\"a\\u0000c\"}", err, sizeof(err));
	d = delta(&a, &b, &rc);
	ok(rc == 1, "delta: strings compared past NUL bytes");
	free(d);

	host_free(&a);
	host_free(&b);
	free(ta);
	free(tb);
	free(want);
}

int
main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_cpuinfo();
	test_meminfo();
	test_trimmed();
	test_tunables();
	test_topology();
	test_governors();
	test_uname();
	test_unreadable_trees();
	test_json();
	test_json_errors();
	test_sidecar();
	test_delta();
	wipe(root);
	rmdir(root);
	return done_testing();
}
