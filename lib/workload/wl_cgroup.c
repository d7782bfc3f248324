/*
 * wl_cgroup: the scenario cgroups (doc/workloads.md, Cgroups) — cgroup v2,
 * the v1 cpuset fallback of hybrid hosts, or none — their teardown and
 * the stale-directory sweep.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wl_int.h"

struct mounts {
	char *v2;        /* cgroup2 mount point */
	char *v1cpuset;  /* v1 hierarchy with the cpuset controller */
};

/* Undo the \040-style octal escapes of /proc/self/mounts in place. */
static void
unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static void
find_mounts(struct mounts *m)
{
	struct buf b = BUF_INIT;
	char *line, *save = NULL;

	memset(m, 0, sizeof *m);
	if (read_file("/proc/self/mounts", &b, 1 << 22) < 0 || b.s == NULL) {
		buf_free(&b);
		return;
	}
	for (line = strtok_r(b.s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[256], dir[1024], type[64], opts[1024];
		if (sscanf(line, "%255s %1023s %63s %1023s", dev, dir, type, opts) != 4)
			continue;
		unescape(dir);
		if (strcmp(type, "cgroup2") == 0 && m->v2 == NULL) {
			m->v2 = estrdup(dir);
		} else if (strcmp(type, "cgroup") == 0 && m->v1cpuset == NULL) {
			char *o, *s2 = NULL;
			for (o = strtok_r(opts, ",", &s2); o; o = strtok_r(NULL, ",", &s2))
				if (strcmp(o, "cpuset") == 0)
					m->v1cpuset = estrdup(dir);
		}
	}
	buf_free(&b);
}

static void
free_mounts(struct mounts *m)
{
	free(m->v2);
	free(m->v1cpuset);
}

static int
write_str(const char *dir, const char *file, const char *val)
{
	char *p = path_join(dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC), rc = -1, saved;
	size_t n = strlen(val);

	if (fd >= 0) {
		ssize_t k = write(fd, val, n);
		rc = k == (ssize_t)n ? 0 : -1;
		saved = errno;
		close(fd);
		errno = saved;
	}
	free(p);
	return rc;
}

static char *
read_str(const char *dir, const char *file)
{
	char *p = path_join(dir, file), *s = read_value(p, 1 << 20);

	free(p);
	return s;
}

/* The runner's own cgroup in a hierarchy (from /proc/self/cgroup), as a path under mnt. */
static char *
home_cgroup(const char *mnt, int v2)
{
	struct buf b = BUF_INIT;
	char *line, *save = NULL, *home = NULL;

	if (read_file("/proc/self/cgroup", &b, 1 << 20) < 0 || b.s == NULL) {
		buf_free(&b);
		return estrdup(mnt);
	}
	for (line = strtok_r(b.s, "\n", &save); line && !home; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		int match = 0;
		if (c2 == NULL)
			continue;
		*c2 = '\0';
		if (v2) {
			match = strcmp(line, "0") == 0 && c1[1] == '\0';
		} else {
			char *o, *s2 = NULL;
			for (o = strtok_r(c1 + 1, ",", &s2); o; o = strtok_r(NULL, ",", &s2))
				if (strcmp(o, "cpuset") == 0)
					match = 1;
		}
		if (match)
			home = path_join(mnt, c2[1] == '/' ? c2 + 2 : c2 + 1);
	}
	buf_free(&b);
	return home ? home : estrdup(mnt);
}

/* Move every task of dir to home, then rmdir dir, retrying while it is busy. */
static int
remove_cgroup(const char *dir, const char *home)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		char *procs = read_str(dir, "cgroup.procs"), *line, *save = NULL;
		if (procs) {
			for (line = strtok_r(procs, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				write_str(home, "cgroup.procs", line);
			free(procs);
		}
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		wl_sleep_ns(attempt < 2 ? 10000000 : 50000000);
	}
	warning("cannot remove cgroup '%s':", dir);
	return -1;
}

/* Remove dir and its child directories (one level: cg_<i>), deepest first. */
static int
remove_tree(const char *dir, const char *home, int *removed)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		char *sub;
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		sub = path_join(dir, e->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (remove_cgroup(sub, home) < 0)
				rc = -1;
			else if (removed)
				(*removed)++;
		}
		free(sub);
	}
	closedir(d);
	if (remove_cgroup(dir, home) < 0)
		rc = -1;
	else if (removed)
		(*removed)++;
	return rc;
}

static int
mkdir_cg(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) == 0)
		return 0;
	snprintf(err, errlen, "cannot create cgroup '%s': %s", path, error_text(errno));
	return -1;
}

/* v2: enable +cpuset and +cpu on every level from the mount down to dir's parent. */
static void
enable_controllers(const char *mnt, const char *parent)
{
	write_str(mnt, "cgroup.subtree_control", "+cpuset");
	write_str(mnt, "cgroup.subtree_control", "+cpu");
	write_str(parent, "cgroup.subtree_control", "+cpuset");
	write_str(parent, "cgroup.subtree_control", "+cpu");
}

static int
has_controller(const char *dir, const char *ctrl)
{
	char *s = read_str(dir, "cgroup.controllers"), *tok, *save = NULL;
	int found = 0;

	for (tok = s ? strtok_r(s, " ", &save) : NULL; tok; tok = strtok_r(NULL, " ", &save))
		if (strcmp(tok, ctrl) == 0)
			found = 1;
	free(s);
	return found;
}

/* v1 refuses tasks until cpus and mems are set: copy both from the parent. */
static int
v1_inherit(const char *dir, const char *parent)
{
	char *cpus = read_str(parent, "cpuset.cpus"), *mems = read_str(parent, "cpuset.mems");
	int rc = cpus && mems && write_str(dir, "cpuset.cpus", cpus) == 0 &&
	                 write_str(dir, "cpuset.mems", mems) == 0
	                 ? 0
	                 : -1;

	free(cpus);
	free(mems);
	return rc;
}

static int
probe_dir(const char *mnt)
{
	return mnt && access(mnt, W_OK) == 0;
}

int
wl_cgroup_mode_available(enum wl_cgroup_mode m)
{
	struct mounts mt;
	int ok;

	find_mounts(&mt);
	switch (m) {
	case WL_CG_NONE:
	case WL_CG_AUTO:
		ok = 1;
		break;
	case WL_CG_V2:
		ok = probe_dir(mt.v2);
		break;
	case WL_CG_V1:
		ok = probe_dir(mt.v1cpuset);
		break;
	default:
		ok = 0;
	}
	free_mounts(&mt);
	return ok;
}

static void
cg_free(struct wl_cg *cg)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->v2_child)
			free(cg->v2_child[i]);
		if (cg->v1_child)
			free(cg->v1_child[i]);
	}
	free(cg->v2_child);
	free(cg->v1_child);
	free(cg->cpuset_applied);
	free(cg->v2_parent);
	free(cg->v1_parent);
	free(cg->v2_home);
	free(cg->v1_home);
	memset(cg, 0, sizeof *cg);
}

void
wl_cg_teardown(struct wl_cg *cg)
{
	if (cg->v2_parent)
		remove_tree(cg->v2_parent, cg->v2_home, NULL);
	if (cg->v1_parent)
		remove_tree(cg->v1_parent, cg->v1_home, NULL);
	cg_free(cg);
}

static int
setup_v2(struct wl_cg *cg, const char *mnt, pid_t owner, char *err, size_t errlen)
{
	char name[32];

	snprintf(name, sizeof name, "ktstr-%ld", (long)owner);
	cg->v2_home = home_cgroup(mnt, 1);
	cg->v2_parent = path_join(mnt, name);
	if (mkdir_cg(cg->v2_parent, err, errlen) < 0) {
		free(cg->v2_parent);
		cg->v2_parent = NULL;
		return -1;
	}
	enable_controllers(mnt, cg->v2_parent);
	cg->v2_child = ecalloc(cg->n, sizeof *cg->v2_child);
	for (size_t i = 0; i < cg->n; i++) {
		char *c = easprintf("%s/cg_%zu", cg->v2_parent, i);
		if (mkdir_cg(c, err, errlen) < 0) {
			free(c);
			return -1;
		}
		cg->v2_child[i] = c;
	}
	return 0;
}

static int
setup_v1(struct wl_cg *cg, const char *mnt, pid_t owner, char *err, size_t errlen)
{
	char name[32];

	snprintf(name, sizeof name, "ktstr-%ld", (long)owner);
	cg->v1_home = home_cgroup(mnt, 0);
	cg->v1_parent = path_join(mnt, name);
	if (mkdir_cg(cg->v1_parent, err, errlen) < 0) {
		free(cg->v1_parent);
		cg->v1_parent = NULL;
		return -1;
	}
	if (v1_inherit(cg->v1_parent, mnt) < 0) {
		snprintf(err, errlen, "cannot set up cpuset of cgroup '%s': %s", cg->v1_parent,
		         error_text(errno));
		return -1;
	}
	cg->v1_child = ecalloc(cg->n, sizeof *cg->v1_child);
	for (size_t i = 0; i < cg->n; i++) {
		char *c = easprintf("%s/cg_%zu", cg->v1_parent, i);
		if (mkdir_cg(c, err, errlen) < 0) {
			free(c);
			return -1;
		}
		cg->v1_child[i] = c;
		if (v1_inherit(c, cg->v1_parent) < 0) {
			snprintf(err, errlen, "cannot set up cpuset of cgroup '%s': %s", c,
			         error_text(errno));
			return -1;
		}
	}
	return 0;
}

/* Write each group's cpuset into its cgroup's cpuset.cpus; cpuset_applied says which took. */
static void
apply_cpusets(struct wl_cg *cg, char *const *child, const cpu_set_t *cpusets,
              const int *has_cpuset, int quiet)
{
	for (size_t i = 0; i < cg->n; i++) {
		struct buf b = BUF_INIT;
		if (!has_cpuset[i])
			continue;
		wl_cpulist_format(&cpusets[i], &b);
		if (write_str(child[i], "cpuset.cpus", b.s) == 0)
			cg->cpuset_applied[i] = 1;
		else if (!quiet)
			warning("cannot write cpuset.cpus of '%s':", child[i]);
		buf_free(&b);
	}
}

int
wl_cg_setup(struct wl_cg *cg, enum wl_cgroup_mode m, pid_t owner, size_t n,
            const cpu_set_t *cpusets, const int *has_cpuset, int quiet, char *err, size_t errlen)
{
	struct mounts mt;
	int need_cpuset = 0;

	memset(cg, 0, sizeof *cg);
	cg->n = n;
	cg->cpuset_applied = ecalloc(n ? n : 1, sizeof *cg->cpuset_applied);
	for (size_t i = 0; i < n; i++)
		need_cpuset |= has_cpuset[i];
	find_mounts(&mt);
	if (m == WL_CG_AUTO) {
		m = probe_dir(mt.v2) ? WL_CG_V2 : probe_dir(mt.v1cpuset) ? WL_CG_V1 : WL_CG_NONE;
		if (m == WL_CG_NONE && !quiet)
			warning("no writable cgroup hierarchy: cgroup placement skipped");
	}
	cg->mode = m;
	/* a ktstr-<owner> left by an earlier process with this pid would make mkdir fail */
	if (m != WL_CG_NONE)
		wl_cg_sweep_owner(owner);
	switch (m) {
	case WL_CG_V2:
		if (!probe_dir(mt.v2)) {
			snprintf(err, errlen, "cgroup v2 is not mounted writable on this host");
			goto fail;
		}
		if (setup_v2(cg, mt.v2, owner, err, errlen) < 0)
			goto fail;
		if (need_cpuset && has_controller(cg->v2_child[0], "cpuset")) {
			apply_cpusets(cg, cg->v2_child, cpusets, has_cpuset, quiet);
		} else if (need_cpuset && probe_dir(mt.v1cpuset)) {
			/* hybrid host: the cpuset controller is bound to v1 */
			if (setup_v1(cg, mt.v1cpuset, owner, err, errlen) < 0)
				goto fail;
		}
		break;
	case WL_CG_V1:
		if (!probe_dir(mt.v1cpuset)) {
			snprintf(err, errlen, "no writable cgroup v1 cpuset hierarchy on this host");
			goto fail;
		}
		if (setup_v1(cg, mt.v1cpuset, owner, err, errlen) < 0)
			goto fail;
		break;
	default:
		break;
	}
	if (cg->v1_child)
		apply_cpusets(cg, cg->v1_child, cpusets, has_cpuset, quiet);
	if (need_cpuset && !quiet) {
		for (size_t i = 0; i < n; i++)
			if (has_cpuset[i] && !cg->cpuset_applied[i]) {
				warning("no kernel cpuset available: emulating cpusets with CPU affinity");
				break;
			}
	}
	free_mounts(&mt);
	return 0;
fail:
	wl_cg_teardown(cg);
	free_mounts(&mt);
	return -1;
}

static void
move_one(const char *dir, pid_t pid)
{
	char s[24];

	snprintf(s, sizeof s, "%ld", (long)pid);
	for (int attempt = 0; attempt < 4; attempt++) {
		if (write_str(dir, "cgroup.procs", s) == 0)
			return;
		if (errno == ESRCH) {
			warning("worker %ld vanished before joining '%s'", (long)pid, dir);
			return;
		}
		if (errno != EBUSY)
			break;
		wl_sleep_ns(100000000);
	}
	warning("cannot move worker %ld into '%s':", (long)pid, dir);
}

void
wl_cg_move(struct wl_cg *cg, size_t i, pid_t pid)
{
	if (cg->v2_child)
		move_one(cg->v2_child[i], pid);
	if (cg->v1_child)
		move_one(cg->v1_child[i], pid);
}

/* Remove ktstr-<pid> trees under mnt whose owner is dead (or is `only`). */
static int
sweep(const char *mnt, int v2, pid_t only, int *removed)
{
	DIR *d;
	struct dirent *e;
	char *home;
	int rc = 0;

	if (mnt == NULL || (d = opendir(mnt)) == NULL)
		return 0;
	home = home_cgroup(mnt, v2);
	while ((e = readdir(d)) != NULL) {
		const char *p = e->d_name + 6;
		char *end, *dir;
		long pid;
		if (strncmp(e->d_name, "ktstr-", 6) != 0 || !isdigit((unsigned char)*p))
			continue;
		pid = strtol(p, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		if (only > 0 ? pid != only : kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		dir = path_join(mnt, e->d_name);
		if (remove_tree(dir, home, removed) < 0)
			rc = -1;
		free(dir);
	}
	closedir(d);
	free(home);
	return rc;
}

int
wl_cg_sweep_owner(pid_t owner)
{
	struct mounts mt;
	int removed = 0, rc;

	find_mounts(&mt);
	rc = sweep(mt.v2, 1, owner, &removed) | sweep(mt.v1cpuset, 0, owner, &removed);
	free_mounts(&mt);
	return rc < 0 ? -1 : removed;
}

int
wl_cleanup(void)
{
	return wl_cg_sweep_owner(0);
}
