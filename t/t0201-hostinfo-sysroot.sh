#!/bin/sh
# ktstr-hostinfo: the live capture against fixture sysroots
# (KTSTR_HOSTINFO_SYSROOT), every fallback of the collector.
. "${0%/*}/lib.sh"

H=$FIXTURES/host

# The report without the uname rows, which the sysroot does not change.
report() {
	KTSTR_HOSTINFO_SYSROOT=$1 ktstr-hostinfo >full &&
	sed 1,3d full
}

json() {
	KTSTR_HOSTINFO_SYSROOT=$1 ktstr-hostinfo --json |
	grep -v '^  "\(kernel_name\|kernel_release\|arch\)":'
}

for tree in numa2 cpufreq nothp container; do
	test_expect_success "report of the $tree tree" "
		report $H/$tree >actual &&
		test_cmp $H/$tree.expect actual
	"
	test_expect_success "JSON of the $tree tree" "
		json $H/$tree >actual &&
		test_cmp $H/$tree.json.expect actual
	"
done

test_expect_success 'two nodes, four LLCs, SMT, one CPU offline' '
	grep -x "online_cpus: 7" $H/numa2.expect &&
	grep -x "numa_nodes: 2" $H/numa2.expect
'

test_expect_success 'an empty sysroot leaves only uname' '
	mkdir empty &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/empty ktstr-hostinfo --json >actual &&
	printf "{\n  \"kernel_name\": \"%s\",\n  \"kernel_release\": \"%s\",\n  \"arch\": \"%s\"\n}\n" \
		"$(uname -s)" "$(uname -r)" "$(uname -m)" >expect &&
	test_cmp expect actual &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/empty ktstr-hostinfo >actual &&
	{
		printf "kernel_name: %s\nkernel_release: %s\narch: %s\n" \
			"$(uname -s)" "$(uname -r)" "$(uname -m)" &&
		sed 1,3d $H/degraded.txt
	} >expect &&
	test_cmp expect actual
'

# The stderr lines of a tree that cannot be read, or is empty.
missing() {
	printf "ktstr-hostinfo: cannot read '%s': No such file or directory\n" "$@"
}
empty() {
	printf "ktstr-hostinfo: '%s' is empty: nothing is mounted there\n" "$@"
}

test_expect_success 'a sysroot without /proc and /sys says so on stderr, exit 0' '
	mkdir -p bare &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/bare ktstr-hostinfo >out 2>err &&
	missing "$PWD/bare/proc" "$PWD/bare/sys" >expect &&
	test_cmp expect err &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/bare ktstr-hostinfo --json >out 2>err &&
	test_cmp expect err
'

test_expect_success 'an empty /proc is a mount point with nothing mounted' '
	mkdir -p unmounted/proc unmounted/sys/kernel &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/unmounted ktstr-hostinfo >out 2>err &&
	empty "$PWD/unmounted/proc" >expect &&
	test_cmp expect err
'

test_expect_success 'the container tree: only its missing /sys is said' '
	KTSTR_HOSTINFO_SYSROOT=$H/container ktstr-hostinfo >out 2>err &&
	missing "$H/container/sys" >expect &&
	test_cmp expect err &&
	KTSTR_HOSTINFO_SYSROOT=$H/numa2 ktstr-hostinfo >out 2>err &&
	test_cmp /dev/null err
'

test_expect_success 'an empty KTSTR_HOSTINFO_SYSROOT means the real paths' '
	KTSTR_HOSTINFO_SYSROOT= ktstr-hostinfo >with-empty &&
	ktstr-hostinfo >without &&
	grep "^kernel_release" with-empty >a && grep "^kernel_release" without >b &&
	test_cmp a b &&
	grep "^cpu_model" with-empty >a && grep "^cpu_model" without >b &&
	test_cmp a b
'

# A tree of garbage: every source present and unusable.
test_expect_success 'garbage everywhere gives (unknown), never a failure' '
	g=garbage &&
	mkdir -p $g/proc/sys/kernel/sched_dir $g/sys/kernel/mm/transparent_hugepage \
		$g/sys/devices/system/cpu/cpu0 &&
	printf "\nmodel name\t: hidden\n" >$g/proc/cpuinfo &&
	printf "MemTotal: -1 kB\nHugePages_Total: 18446744073709551616\nHugepagesize:\nHugePages_Free 3\n" \
		>$g/proc/meminfo &&
	printf "always \377[madvise] never\n" >$g/sys/kernel/mm/transparent_hugepage/enabled &&
	mkdir $g/sys/kernel/mm/transparent_hugepage/defrag &&
	printf " \n\t\n" >$g/proc/cmdline &&
	printf "0-1,x\n" >$g/sys/devices/system/cpu/online &&
	mkdir -p $g/sys/devices/system/cpu/cpu1/cpufreq &&
	echo performance >$g/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor &&
	printf "\300\257\n" >$g/proc/sys/kernel/sched_overlong &&
	: >$g/proc/sys/kernel/sched_empty &&
	printf "1\n" >$g/proc/sys/kernel/sched_dir/x &&
	ln -s ../../../proc/sys/kernel/sched_empty $g/proc/sys/kernel/sched_link &&
	report $PWD/$g >actual &&
	cat >expect <<-\EOT &&
	cpu_model: (unknown)
	cpu_vendor: (unknown)
	total_memory_kb: (unknown)
	hugepages_total: (unknown)
	hugepages_free: (unknown)
	hugepages_size_kb: (unknown)
	online_cpus: (unknown)
	numa_nodes: (unknown)
	thp_enabled: (unknown)
	thp_defrag: (unknown)
	kernel_cmdline: (unknown)
	cpufreq_governor: (empty)
	sched_tunables: (empty)
	heap_state: (unknown)
	EOT
	test_cmp expect actual
'

test_expect_success 'non-UTF-8 file names are skipped, non-UTF-8 contents unreadable' '
	n=nonutf8 &&
	mkdir -p $n/proc/sys/kernel &&
	echo 1 >"$n/proc/sys/kernel/sched_$(printf "\377")" &&
	echo 2 >$n/proc/sys/kernel/sched_ok &&
	printf "3\377\n" >$n/proc/sys/kernel/sched_bad &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/$n ktstr-hostinfo --json >out &&
	sed -n "/sched_tunables/,/}/p" out >actual &&
	printf "  \"sched_tunables\": {\n    \"sched_ok\": \"2\"\n  },\n" >expect &&
	test_cmp expect actual
'

test_expect_success NOTROOT 'a file without read permission is unreadable' '
	p=perm &&
	mkdir -p $p/proc/sys/kernel &&
	echo 1 >$p/proc/sys/kernel/sched_secret &&
	chmod 200 $p/proc/sys/kernel/sched_secret &&
	echo 2 >$p/proc/sys/kernel/sched_open &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/$p ktstr-hostinfo >out &&
	grep "^  sched_open = 2" out &&
	! grep sched_secret out
'

test_expect_success NOTROOT 'an unlistable /proc/sys/kernel is (unknown), not (empty)' '
	p=nolist &&
	mkdir -p $p/proc/sys/kernel &&
	chmod 0 $p/proc/sys/kernel &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/$p ktstr-hostinfo >out;
	rc=$?;
	chmod 755 $p/proc/sys/kernel &&
	test $rc = 0 &&
	grep -x "sched_tunables: (unknown)" out
'

test_expect_success 'a /proc/sys/kernel that is a file is (unknown)' '
	mkdir -p f/proc/sys &&
	echo x >f/proc/sys/kernel &&
	KTSTR_HOSTINFO_SYSROOT=$PWD/f ktstr-hostinfo >out &&
	grep -x "sched_tunables: (unknown)" out
'

test_done
