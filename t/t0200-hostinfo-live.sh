#!/bin/sh
# ktstr-hostinfo: the live capture of this machine, report and JSON.
. "${0%/*}/lib.sh"

# The field of a "key: value" report line.
field() {
	sed -n "s/^$1: //p" report
}

test_expect_success 'the report has every row, in order' '
	ktstr-hostinfo >report &&
	sed -n "s/^\([a-z_]*\):.*/\1/p" report >keys &&
	printf "%s\n" kernel_name kernel_release arch cpu_model cpu_vendor \
		total_memory_kb hugepages_total hugepages_free hugepages_size_kb \
		online_cpus numa_nodes thp_enabled thp_defrag kernel_cmdline \
		cpufreq_governor sched_tunables heap_state >expect &&
	test_cmp expect keys &&
	test "$(tail -n 1 report)" = "heap_state: (unknown)"
'

test_expect_success 'uname fields are those of uname(1)' '
	test "$(field kernel_name)" = "$(uname -s)" &&
	test "$(field kernel_release)" = "$(uname -r)" &&
	test "$(field arch)" = "$(uname -m)"
'

test_expect_success 'cpu_model is the first model name of /proc/cpuinfo' '
	want=$(sed -n "/^\$/q; s/^model name[	 ]*: *//p" /proc/cpuinfo | sed "s/[ 	]*\$//;1q") &&
	if [ -n "$want" ]; then
		test "$(field cpu_model)" = "$want"
	else
		test "$(field cpu_model)" = "(unknown)"
	fi
'

test_expect_success 'total_memory_kb is MemTotal' '
	if [ -r /proc/meminfo ]; then
		want=$(sed -n "s/^MemTotal: *\([0-9]*\) kB/\1/p" /proc/meminfo) &&
		test "$(field total_memory_kb)" = "$want"
	fi
'

test_expect_success 'online_cpus agrees with getconf _NPROCESSORS_ONLN' '
	if [ -r /sys/devices/system/cpu/online ] && getconf _NPROCESSORS_ONLN >n 2>/dev/null; then
		test "$(field online_cpus)" = "$(cat n)"
	fi
'

test_expect_success 'kernel_cmdline is /proc/cmdline' '
	if [ -r /proc/cmdline ] && [ -n "$(tr -d " \n" </proc/cmdline)" ]; then
		printf "kernel_cmdline: %s\n" "$(sed "s/^ *//; s/ *\$//" /proc/cmdline)" >expect &&
		grep "^kernel_cmdline: " report >actual &&
		test_cmp expect actual
	fi
'

test_expect_success '--json keeps the spec key order and omits nothing present' '
	ktstr-hostinfo --json >host.json &&
	sed -n "s/^  \"\([a-z_]*\)\": .*/\1/p" host.json >keys &&
	printf "%s\n" cpu_model cpu_vendor total_memory_kb hugepages_total \
		hugepages_free hugepages_size_kb thp_enabled thp_defrag sched_tunables \
		online_cpus numa_nodes cpufreq_governor kernel_name kernel_release arch \
		kernel_cmdline heap_state >order &&
	grep -F -x -f keys order >expect &&
	test_cmp expect keys &&
	grep -v "(unknown)" report | sed -n "s/^\([a-z_]*\): .*/\1/p" | sort >present &&
	grep -v -x -e cpufreq_governor -e sched_tunables keys | sort >written &&
	grep -v -x -e cpufreq_governor -e sched_tunables present >want &&
	test_cmp want written &&
	test "$(head -n 1 host.json)" = "{" &&
	test "$(tail -n 1 host.json)" = "}" &&
	test "$(tail -c 1 host.json | od -An -c | tr -d " ")" = "\\n"
'

test_expect_success '--json is valid JSON with the report values' '
	ktstr-hostinfo --diff host.json host.json >out &&
	grep "^host: identical between .host.json. and .host.json." out
'

test_expect_success perl '--json parses with a JSON parser' '
	if perl -MJSON::PP -e 1 2>/dev/null; then
		perl -MJSON::PP -e "
			local \$/; my \$h = JSON::PP->new->decode(<STDIN>);
			print \$h->{kernel_release}, qq(\n);
		" <host.json >release &&
		test "$(cat release)" = "$(uname -r)"
	fi
'

test_done
