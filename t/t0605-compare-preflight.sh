#!/bin/sh
# ktstr-compare's host preflight: one warning line on stderr, before the
# report, when the two sides' hosts differ in a way that makes the
# comparison doubtful.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-trials.sh"

HA=$FIXTURES/host/example-a.json
HB=$FIXTURES/host/example-b.json

# host_pool DIR A_HOST_JSON B_HOST_JSON: one run per side, with hosts.
host_pool() {
	trials "$1" 6.14.2 "spread=10.0" &&
	trials "$1" 6.15.0 "spread=20.0" &&
	sidecar "$1/6.14.2-1.ktstr.json" spread=10.0 host="$2" &&
	sidecar "$1/6.15.0-1.ktstr.json" kernel="\"6.15.0\"" spread=20.0 host="$3"
}

# edit JSON KEY VALUE: the host object with KEY's line replaced.
edit() {
	sed "s|^  \"$2\": .*|  \"$2\": $3,|" "$1"
}

test_expect_success 'the same host: no warning' '
	host_pool same "$(cat "$HA")" "$(cat "$HA")" &&
	test_expect_code 1 cmp_ab same >out 2>err &&
	test_cmp /dev/null err &&
	grep "^host: identical between" out
'

test_expect_success 'tunables, governors and THP differ: one line, first' '
	host_pool ab "$(cat "$HA")" "$(cat "$HB")" &&
	test_expect_code 1 cmp_ab ab >out 2>err &&
	echo "ktstr-compare: warning: '"'"'6.14'"'"' and '"'"'6.15'"'"' ran on different hosts (sched_tunables, cpufreq_governor, thp_enabled differ); the comparison may measure the hosts, not the change" >expect &&
	test_cmp expect err &&
	grep "^host delta (" out &&
	test_expect_code 1 cmp_ab ab >both 2>&1 &&
	head -n 1 both >first &&
	test_cmp expect first
'

test_expect_success 'a new kernel'"'"'s boot image and memory size are not doubtful' '
	edit "$HA" kernel_cmdline "\"BOOT_IMAGE=/boot/vmlinuz-6.15.0 root=/dev/sda1 ro quiet isolcpus=3 initrd=/boot/x\"" >b.json &&
	edit b.json total_memory_kb 65000000 >b2.json &&
	edit b2.json kernel_release "\"6.15.0\"" >b3.json &&
	host_pool boot "$(cat "$HA")" "$(cat b3.json)" &&
	test_expect_code 1 cmp_ab boot >out 2>err &&
	test_cmp /dev/null err &&
	grep "^  kernel_cmdline: " out
'

test_expect_success 'CPU model, CPU count, memory and command line are' '
	edit "$HA" cpu_model "\"AMD EPYC 7B13\"" >m.json &&
	edit m.json online_cpus 8 >m2.json &&
	edit m2.json total_memory_kb 32768000 >m3.json &&
	edit m3.json kernel_cmdline "\"BOOT_IMAGE=/boot/vmlinuz-6.14.2 root=/dev/sda1 ro quiet\"" >m4.json &&
	host_pool cpu "$(cat "$HA")" "$(cat m4.json)" &&
	test_expect_code 1 cmp_ab cpu --json >out 2>err &&
	grep "^ktstr-compare: warning: .* ran on different hosts (cpu_model, online_cpus, total_memory_kb, kernel_cmdline differ); " err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'a tunable only one side has is not a difference' '
	grep -v sched_autogroup_enabled "$HA" >c.json &&
	host_pool tun "$(cat "$HA")" "$(cat c.json)" &&
	test_expect_code 1 cmp_ab tun >out 2>err &&
	test_cmp /dev/null err
'

test_expect_success 'a host on one side only, or fields absent: no warning' '
	host_pool one "$(cat "$HA")" null &&
	test_expect_code 1 cmp_ab one >out 2>err &&
	test_cmp /dev/null err &&
	grep "^host: captured in '"'"'6.14'"'"' only" out &&
	host_pool bare "$(cat "$HA")" "{\"kernel_name\":\"Linux\"}" &&
	test_expect_code 1 cmp_ab bare >out 2>err &&
	test_cmp /dev/null err
'

test_done
