#!/bin/sh
# ktstr-rundir --kernel-commit: the kernel source tree KTSTR_KERNEL
# leads to, probed without walking up (a kernel tree is its own repository).
. "${0%/*}/lib.sh"

GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_AUTHOR_DATE='2025-01-01T00:00:00Z'
GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com GIT_COMMITTER_DATE='2025-01-01T00:00:00Z'
GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE GIT_CONFIG_NOSYSTEM

mkdir -p work/.git/objects work/.git/refs && cd work || exit 1
echo "ref: refs/heads/main" >.git/HEAD
KTSTR_CACHE_DIR=$PWD/cache
export KTSTR_CACHE_DIR

# tree DIR MSG: a kernel source tree that is a repository with one commit.
tree() {
	git init -q "$1" && echo "$2" >"$1/Makefile" &&
	touch -d '2025-01-01 00:00:00' "$1/Makefile" &&
	git -C "$1" add Makefile && git -C "$1" commit -q -m "$2"
}

short() { git -C "$1" rev-parse HEAD | cut -c1-7; }

# entry NAME VERSION TYPE BUILT [TREE]: a kernel cache entry.
entry() {
	mkdir -p "cache/$1" && : >"cache/$1/bzImage" &&
	if [ -n "${5:-}" ]; then src=",\"source_tree_path\":\"$5\""; else src=; fi &&
	printf '{"version":"%s","source":{"type":"%s"%s},"arch":"x86_64","image_name":"bzImage","built_at":"%s","has_vmlinux":false,"vmlinux_stripped":true}\n' \
		"$2" "$3" "$src" "$4" >"cache/$1/metadata.json"
}

commit_is() {
	printf "%s\n" "$1" >expect &&
	ktstr-rundir --kernel-commit >actual &&
	test_cmp expect actual
}

test_expect_success 'no KTSTR_KERNEL: unknown, null' '
	commit_is unknown &&
	printf "{\"kernel_commit\":null}\n" >expect &&
	ktstr-rundir --kernel-commit --json >actual &&
	test_cmp expect actual
'

test_expect_success GIT 'a path to a source tree' '
	tree linux one &&
	KTSTR_KERNEL=$PWD/linux commit_is "$(short linux)" &&
	printf "{\"kernel_commit\":\"%s\"}\n" "$(short linux)" >expect &&
	KTSTR_KERNEL=./linux ktstr-rundir --kernel-commit --json >actual &&
	test_cmp expect actual
'

test_expect_success GIT 'a dirty source tree' '
	echo changed >linux/Makefile &&
	KTSTR_KERNEL=./linux commit_is "$(short linux)-dirty" &&
	git -C linux checkout -q Makefile
'

test_expect_success GIT 'no walking up from a subdirectory' '
	mkdir -p linux/arch &&
	KTSTR_KERNEL=./linux/arch commit_is unknown
'

test_expect_success GIT 'a cache entry path whose metadata names a local tree' '
	tree other two &&
	entry local-entry 6.14 local 2025-01-01 "$PWD/other" &&
	KTSTR_KERNEL=$PWD/cache/local-entry commit_is "$(short other)"
'

test_expect_success GIT 'a path whose metadata is not local is probed itself' '
	tree tarball-tree three &&
	entry t 6.14 tarball 2025-01-01 &&
	cp cache/t/metadata.json cache/t/bzImage tarball-tree/ &&
	KTSTR_KERNEL=./tarball-tree commit_is "$(short tarball-tree)"
'

test_expect_success GIT 'a cache key: local entries give their tree, others nothing' '
	KTSTR_KERNEL=local-entry commit_is "$(short other)" &&
	KTSTR_KERNEL=t commit_is unknown
'

test_expect_success GIT 'a version: the newest local build of it in the cache' '
	tree newer four &&
	entry b-newer 6.20 local 2025-03-01 "$PWD/newer" &&
	entry a-older 6.20 local 2025-02-01 "$PWD/other" &&
	entry c-tar 6.20 tarball 2025-04-01 &&
	entry d-other 6.21 local 2025-05-01 "$PWD/linux" &&
	KTSTR_KERNEL=6.20 commit_is "$(short newer)" &&
	entry a-tie 6.20 local 2025-03-01 "$PWD/linux" &&
	KTSTR_KERNEL=6.20 commit_is "$(short linux)" &&
	KTSTR_KERNEL=6.22 commit_is unknown
'

test_expect_success GIT 'dot entries and entries without an image are skipped' '
	rm -rf cache && entry .hidden 6.30 local 2025-01-01 "$PWD/linux" &&
	entry noimage 6.30 local 2025-01-02 "$PWD/other" && rm cache/noimage/bzImage &&
	KTSTR_KERNEL=6.30 commit_is unknown
'

test_expect_success 'ranges and git specs name no tree' '
	KTSTR_KERNEL=6.1..6.2 commit_is unknown &&
	KTSTR_KERNEL="git+https://h/l.git#main" commit_is unknown
'

test_done
