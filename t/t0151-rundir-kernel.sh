#!/bin/sh
# ktstr-rundir --kernel and --key: KTSTR_KERNEL classification, kernel
# directories, the kernel cache (doc/runs.md, Probes).
. "${0%/*}/lib.sh"

mkdir -p work/.git/objects work/.git/refs && cd work || exit 1
echo "ref: refs/heads/main" >.git/HEAD

# meta VERSION [TYPE [EXTRA]]: a valid metadata.json on stdout.
meta() {
	printf '{"version":%s,"source":{"type":"%s"%s},"arch":"x86_64",' \
		"$1" "${2:-tarball}" "${3:-}"
	printf '"image_name":"bzImage","config_hash":null,"built_at":"2025-01-01T00:00:00Z",'
	printf '"ktstr_kconfig_hash":"k","has_vmlinux":true,"vmlinux_stripped":false,'
	printf '"source_vmlinux_size":123,"source_vmlinux_mtime_secs":-5,"extra":[1]}\n'
}

kernel_is() {
	printf "%s\n" "$1" >expect &&
	ktstr-rundir --kernel >actual &&
	test_cmp expect actual
}

test_expect_success 'unset, empty or blank KTSTR_KERNEL: unknown, null' '
	kernel_is unknown &&
	KTSTR_KERNEL= kernel_is unknown &&
	KTSTR_KERNEL="  	" kernel_is unknown &&
	printf "{\"kernel_version\":null}\n" >expect &&
	ktstr-rundir --kernel --json >actual &&
	test_cmp expect actual
'

test_expect_success 'version-shaped values are taken verbatim, trimmed' '
	KTSTR_KERNEL=6.14 kernel_is 6.14 &&
	KTSTR_KERNEL=" 6.14.2 " kernel_is 6.14.2 &&
	KTSTR_KERNEL=6.15-rc3 kernel_is 6.15-rc3 &&
	KTSTR_KERNEL=6.14.2-rc1 kernel_is 6.14.2-rc1 &&
	KTSTR_KERNEL="$(printf "\342\200\2036.9\302\240")" kernel_is 6.9 &&
	KTSTR_KERNEL="$(printf "\342\200\2006.9\343\200\200\n")" kernel_is 6.9 &&
	KTSTR_KERNEL="$(printf "\342\200\2136.9")" kernel_is unknown &&
	printf "{\"kernel_version\":\"6.14\"}\n" >expect &&
	KTSTR_KERNEL=6.14 ktstr-rundir --kernel --json >actual &&
	test_cmp expect actual
'

test_expect_success 'other shapes name no version without a cache' '
	KTSTR_CACHE_DIR=$PWD/nocache &&
	export KTSTR_CACHE_DIR &&
	for v in v6.14 6 6.14-rc 6.14.2.1 6.10..6.12 git+https://host/linux.git#main linux
	do
		KTSTR_KERNEL=$v kernel_is unknown || return 1
	done
'

test_expect_success 'a path: metadata.json version' '
	mkdir -p k1 &&
	meta "\"6.14.2\"" >k1/metadata.json &&
	KTSTR_KERNEL=$PWD/k1 kernel_is 6.14.2 &&
	KTSTR_KERNEL=./k1 kernel_is 6.14.2 &&
	KTSTR_KERNEL=k1/ kernel_is 6.14.2
'

test_expect_success 'a path: valid metadata with a null version is unknown, no fallback' '
	mkdir -p k2/include/config &&
	meta null local ",\"source_tree_path\":null,\"git_hash\":\"x\"" >k2/metadata.json &&
	echo 6.99 >k2/include/config/kernel.release &&
	KTSTR_KERNEL=./k2 kernel_is unknown &&
	sed "s/\"version\":null,//" k2/metadata.json >k2/m && mv k2/m k2/metadata.json &&
	KTSTR_KERNEL=./k2 kernel_is unknown
'

test_expect_success 'a path without metadata.json: kernel.release, trimmed' '
	mkdir -p linux/include/config &&
	printf "  6.15.0-rc2\n\n" >linux/include/config/kernel.release &&
	(cd linux && KTSTR_KERNEL=../linux kernel_is 6.15.0-rc2) &&
	printf "{\"key\":\"6.15.0-rc2-unknown\"}\n" >expect &&
	KTSTR_KERNEL=linux/ ktstr-rundir --key --json >actual &&
	test_cmp expect actual
'

test_expect_success 'a path with invalid metadata.json falls back to kernel.release' '
	mkdir -p k3/include/config &&
	echo 6.3.1 >k3/include/config/kernel.release &&
	for bad in \
		"{" \
		"[]" \
		"$(meta "\"1\"" | sed "s/\"arch\":\"x86_64\",//")" \
		"$(meta "\"1\"" | sed "s/tarball/zip/")" \
		"$(meta "\"1\"" | sed "s/\"has_vmlinux\":true/\"has_vmlinux\":1/")" \
		"$(meta "\"1\"" | sed "s/123/1.5/")" \
		"$(meta "\"1\"" | sed "s/-5/18446744073709551615/")" \
		"$(meta "\"1\"" | sed "s/-5/-0/")" \
		"$(meta "\"1\"" | sed "s/123/-1/")" \
		"$(meta "\"1\"" | sed "s/\"arch\":\"x86_64\"/\"arch\":\"a\",\"arch\":\"b\"/")" \
		"$(meta 7)" \
		"$(meta "\"1\"" git ",\"ref\":5")" \
		"$(meta "\"1\"" local ",\"source_tree_path\":[]")"
	do
		printf "%s\n" "$bad" >k3/metadata.json &&
		KTSTR_KERNEL=./k3 kernel_is 6.3.1 || return 1
	done &&
	meta "\"1.2\"" git ",\"git_hash\":null,\"ref\":\"main\",\"x\":1" >k3/metadata.json &&
	KTSTR_KERNEL=./k3 kernel_is 1.2
'

test_expect_success 'a path with nothing usable is unknown' '
	mkdir -p empty/include/config &&
	KTSTR_KERNEL=./empty kernel_is unknown &&
	printf " \n" >empty/include/config/kernel.release &&
	KTSTR_KERNEL=./empty kernel_is unknown &&
	KTSTR_KERNEL=./missing kernel_is unknown
'

test_expect_success '~ is not expanded' '
	mkdir -p "~/k" home/k &&
	meta "\"4.4\"" >"~/k/metadata.json" &&
	meta "\"5.5\"" >home/k/metadata.json &&
	HOME=$PWD/home KTSTR_KERNEL="~/k" kernel_is 4.4
'

test_expect_success 'a cache key: the entry metadata version' '
	key=6.14.2-tarball-x86_64-kc1a2b3c4d &&
	mkdir -p cache/$key &&
	meta "\"6.14.2\"" >cache/$key/metadata.json &&
	: >cache/$key/bzImage &&
	KTSTR_CACHE_DIR=$PWD/cache KTSTR_KERNEL=$key kernel_is 6.14.2 &&
	mkdir -p xdg/ktstr/kernels &&
	cp -R cache/$key xdg/ktstr/kernels/ &&
	XDG_CACHE_HOME=$PWD/xdg KTSTR_KERNEL=$key kernel_is 6.14.2 &&
	mkdir -p h/.cache/ktstr/kernels &&
	cp -R cache/$key h/.cache/ktstr/kernels/ &&
	HOME=$PWD/h KTSTR_KERNEL=$key kernel_is 6.14.2 &&
	HOME=$PWD/h XDG_CACHE_HOME= KTSTR_KERNEL=$key kernel_is 6.14.2 &&
	printf "6.14.2-unknown\n" >expect &&
	KTSTR_CACHE_DIR=$PWD/cache KTSTR_KERNEL=$key ktstr-rundir --key >actual &&
	test_cmp expect actual
'

test_expect_success 'a version never consults the cache' '
	mkdir -p cache/6.14 &&
	meta "\"9.9\"" >cache/6.14/metadata.json && : >cache/6.14/bzImage &&
	KTSTR_CACHE_DIR=$PWD/cache KTSTR_KERNEL=6.14 kernel_is 6.14 &&
	KTSTR_CACHE_DIR=$PWD/cache KTSTR_KERNEL=6.14-x kernel_is unknown
'

test_expect_success 'a cache key that is not usable is unknown' '
	key=6.14.2-tarball-x86_64-kc1a2b3c4d &&
	KTSTR_CACHE_DIR=$PWD/cache &&
	export KTSTR_CACHE_DIR &&
	KTSTR_KERNEL=absent kernel_is unknown &&
	mkdir -p cache/.tmp-x cache/a..b &&
	cp cache/$key/* cache/.tmp-x/ && cp cache/$key/* cache/a..b/ &&
	KTSTR_KERNEL=.tmp-x kernel_is unknown &&
	KTSTR_KERNEL=a..b kernel_is unknown &&
	cp -R cache/$key cache/noimage && rm cache/noimage/bzImage &&
	KTSTR_KERNEL=noimage kernel_is unknown &&
	cp -R cache/$key cache/badmeta && echo "{}" >cache/badmeta/metadata.json &&
	KTSTR_KERNEL=badmeta kernel_is unknown &&
	: >cache/afile &&
	KTSTR_KERNEL=afile kernel_is unknown
'

test_expect_success 'no usable cache root: unknown' '
	key=6.14.2-tarball-x86_64-kc1a2b3c4d &&
	HOME=/ KTSTR_KERNEL=$key kernel_is unknown &&
	HOME=relative KTSTR_KERNEL=$key kernel_is unknown &&
	HOME= KTSTR_KERNEL=$key kernel_is unknown &&
	(unset HOME; KTSTR_KERNEL=$key kernel_is unknown) &&
	KTSTR_CACHE_DIR="$(printf "\377")" HOME=$PWD/h KTSTR_KERNEL=$key kernel_is unknown
'

test_expect_success 'the key combines kernel and commit' '
	printf "unknown-unknown\n" >expect &&
	ktstr-rundir --key >actual &&
	test_cmp expect actual &&
	printf "7.0-unknown\n" >expect &&
	KTSTR_KERNEL=7.0 ktstr-rundir --key >actual &&
	test_cmp expect actual
'

test_expect_success '--kernel and --key ignore a begun run' '
	printf "unknown\n" >expect &&
	KTSTR_RUN_ID=r KTSTR_RUN_DIR=d KTSTR_KERNEL_VERSION=9.9 ktstr-rundir --kernel >actual &&
	test_cmp expect actual &&
	printf "unknown-unknown\n" >expect &&
	KTSTR_RUN_ID=r KTSTR_RUN_DIR=d KTSTR_PROJECT_COMMIT=abc KTSTR_SIDECAR_DIR=s \
		ktstr-rundir --key >actual &&
	test_cmp expect actual
'

test_done
