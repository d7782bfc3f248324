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

test_lazy_prereq MEMINFO 'test -r /proc/meminfo'
test_lazy_prereq ONLINE 'test -r /sys/devices/system/cpu/online && getconf _NPROCESSORS_ONLN'
test_lazy_prereq CMDLINE 'test -r /proc/cmdline && test -n "$(tr -d " \n" </proc/cmdline)"'
test_lazy_prereq JSON_PP 'perl -MJSON::PP -e 1'

test_expect_success MEMINFO 'total_memory_kb is MemTotal' '
	want=$(sed -n "s/^MemTotal: *\([0-9]*\) kB/\1/p" /proc/meminfo) &&
	test "$(field total_memory_kb)" = "$want"
'

test_expect_success ONLINE 'online_cpus agrees with getconf _NPROCESSORS_ONLN' '
	test "$(field online_cpus)" = "$(getconf _NPROCESSORS_ONLN)"
'

test_expect_success CMDLINE 'kernel_cmdline is /proc/cmdline' '
	printf "kernel_cmdline: %s\n" "$(sed "s/^ *//; s/ *\$//" /proc/cmdline)" >expect &&
	grep "^kernel_cmdline: " report >actual &&
	test_cmp expect actual
'

test_expect_success "--json keeps upstream's key order and omits nothing present" '
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

test_expect_success JSON_PP '--json parses with a JSON parser' '
	perl -MJSON::PP -e "
		local \$/; my \$h = JSON::PP->new->decode(<STDIN>);
		print \$h->{kernel_release}, qq(\n);
	" <host.json >release &&
	test "$(cat release)" = "$(uname -r)"
'

test_done
